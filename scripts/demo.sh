#!/bin/sh
# make demo: validates the demo cohort (fixtures/demo), runs the annual
# pipeline on it into reports/demo/ and prints where the metrics, the
# provenance and the report are, the report's path last.
#
# The database goes to $BUILD/demo/outcomes.db, not into reports/demo: it is
# rebuilt from the fixtures on every run, it is large, and SQLite files are
# not byte-reproducible, while everything in reports/demo is (the test
# tests/e2e/report_demo.sh checks that a fresh run gives the same bytes).
set -eu
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
IMGO=$BUILD/imgo
rm -rf "$BUILD/demo" reports/demo
mkdir -p "$BUILD/demo"
echo "imgo check fixtures/demo"
"$IMGO" check fixtures/demo
echo
echo "imgo run pipelines/annual.pipeline --input fixtures/demo --out reports/demo --db $BUILD/demo/outcomes.db --set mentorship_launch=2022-07-01"
"$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out reports/demo --db "$BUILD/demo/outcomes.db" \
    --set mentorship_launch=2022-07-01 >/dev/null
echo
echo "metrics:    $root/reports/demo/metrics.csv ($(($(wc -l <reports/demo/metrics.csv) - 1)) rows)"
echo "provenance: $root/reports/demo/run.json"
echo "report:"
echo "$root/reports/demo/report.html"
