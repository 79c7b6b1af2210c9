#!/bin/sh
# make demo: validates the demo cohort (fixtures/demo); runs the annual
# pipeline on it as of one year before its as-of date into
# reports/demo-previous/, then the annual pipeline into reports/demo/ with
# --compare-to reports/demo-previous (its section "Since the last report"),
# and the institution pipeline into reports/institution/; prints where the
# metrics, the provenance and the reports are, the annual report's path
# last.
#
# The databases go to $BUILD/demo/, not into reports/: they are rebuilt from
# the fixtures on every run, they are large, and SQLite files are not
# byte-reproducible, while everything in reports/ is (the tests
# tests/e2e/report_demo.sh and report_institution.sh check that a fresh run
# gives the same bytes).
set -eu
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
IMGO=$BUILD/imgo
rm -rf "$BUILD/demo" reports/demo reports/demo-previous reports/institution
mkdir -p "$BUILD/demo"
echo "imgo check fixtures/demo"
"$IMGO" check fixtures/demo
echo

# The synthetic cohort's mentorship program started on 2022-07-01
# (docs/SYNTH.md): the annual reports show its before and after.
launch=mentorship_launch=2022-07-01

# The demo's as-of is the latest event date of its data (compute's
# default): computed once to know it, then the year before (a 29 February
# becomes the 28th).
"$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out "$BUILD/demo/as_of" \
    --db "$BUILD/demo/as_of.db" --set "stages=ingest compute" >/dev/null
as_of=$(sed -n 's/^  "as_of": "\(.*\)",$/\1/p' "$BUILD/demo/as_of/run.json")
y=${as_of%%-*}
md=${as_of#*-}
[ "$md" = 02-29 ] && md=02-28
before=$((y - 1))-$md

echo "imgo run pipelines/annual.pipeline --input fixtures/demo --out reports/demo-previous --as-of $before --set $launch"
"$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out reports/demo-previous \
    --db "$BUILD/demo/previous.db" --as-of "$before" --set "$launch" >/dev/null
echo "imgo run pipelines/institution.pipeline --input fixtures/demo --out reports/institution"
"$IMGO" run pipelines/institution.pipeline --input fixtures/demo --out reports/institution \
    --db "$BUILD/demo/institution.db" >/dev/null
echo "imgo run pipelines/annual.pipeline --input fixtures/demo --out reports/demo --compare-to reports/demo-previous --set $launch"
"$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out reports/demo --db "$BUILD/demo/outcomes.db" \
    --compare-to reports/demo-previous --set "$launch" >/dev/null
echo
echo "metrics:     $root/reports/demo/metrics.csv ($(($(wc -l <reports/demo/metrics.csv) - 1)) rows)"
echo "provenance:  $root/reports/demo/run.json"
echo "a year before (as of $before): $root/reports/demo-previous/report.html"
echo "institution: $root/reports/institution/report.html"
echo "report:"
echo "$root/reports/demo/report.html"
