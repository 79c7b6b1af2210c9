# Output-side faults: an output directory that cannot be written, gnuplot
# missing, failing or complaining, a full disk, failing allocations. Each
# must give a clear message and exit status 3, leave no half-written
# report.html, run.json or metrics.csv (what was there stays byte for byte)
# and leave the database's computed tables as they were.
. tests/lib.sh

"$IMGO" synth --residents 60 --seed 11 --out "$T/c" >/dev/null
printf 'stages = compute report\nreport = annual\n' >"$T/cr.pipeline"
run "$IMGO" run pipelines/annual.pipeline --input "$T/c" --out "$T/o" --db "$T/db"
expect_rc "a good run first" 0
# then the state every later run starts from: compute and report only
run "$IMGO" run "$T/cr.pipeline" --out "$T/o" --db "$T/db"
expect_rc "a good compute and report" 0
cp "$T/o/report.html" "$T/report.before"
cp "$T/o/run.json" "$T/run.before"
cp "$T/o/metrics.csv" "$T/metrics.before"
cp "$T/o/public.csv" "$T/public.before"

# The computed tables, to compare after every failure.
dump() { sqlite3 "$T/db" '.dump metrics chart_points compute_info' | sha256sum; }
db_before=$(dump)

# expect_fault NAME MESSAGE-PATTERN: the last run failed with status 3 and an
# "imgo: " line matching the pattern, and the database is as it was.
expect_fault() {
    if [ "$rc" = 3 ] && grep -q "^imgo: .*$2" "$T/err"; then ok "$1: exit 3 with a clear message"
    else not_ok "$1: exit 3 with a clear message" "exit $rc" "stderr: $(head -c 600 "$T/err")"; fi
    if [ "$(dump)" = "$db_before" ]; then ok "$1: database as it was"
    else not_ok "$1: database as it was"; fi
}

# expect_outputs_kept NAME: report.html, public.csv, run.json and metrics.csv of the good
# run are untouched, and no temporary file is left beside them.
expect_outputs_kept() {
    if cmp -s "$T/o/report.html" "$T/report.before" && cmp -s "$T/o/run.json" "$T/run.before" &&
        cmp -s "$T/o/metrics.csv" "$T/metrics.before" && cmp -s "$T/o/public.csv" "$T/public.before"; then ok "$1: earlier outputs untouched"
    else not_ok "$1: earlier outputs untouched"; fi
    left=$(ls -A "$T/o" | grep -v -e '^report.html$' -e '^run.json$' -e '^metrics.csv$' -e '^public.csv$' -e '^charts$' -e '^tables$' -e '^tables.xlsx$')
    expect_eq "$1: no temporary file left" "$left" ""
}

# -- an output directory that cannot be created or written -------------------
# chmod does not stop root, so the portable case is a path under a regular
# file (mkdir fails with ENOTDIR); the chmod case runs when it can bite.
: >"$T/afile"
run "$IMGO" report --db "$T/db" --kind annual --out "$T/afile/out"
expect_fault "report into a path under a file" "cannot create directory"
run "$IMGO" compute --db "$T/db" --out "$T/afile/out" --as-of 2024-01-31
expect_fault "compute into a path under a file" "cannot create directory"
run "$IMGO" run "$T/cr.pipeline" --out "$T/afile/out" --db "$T/db" --as-of 2024-01-31
expect_fault "run into a path under a file" "cannot create directory"
mkdir "$T/ro"
chmod 500 "$T/ro"
if [ "$(id -u)" != 0 ] && ! : 2>/dev/null >"$T/ro/probe"; then
    run "$IMGO" report --db "$T/db" --kind annual --out "$T/ro"
    expect_fault "report into a read-only directory" "cannot"
    run "$IMGO" compute --db "$T/db" --out "$T/ro" --as-of 2024-01-31
    expect_fault "compute into a read-only directory" "cannot"
else
    ok "read-only output directory # SKIP running as root: chmod does not stop writes (covered by the path under a file)"
fi
chmod 700 "$T/ro"

# OUT/charts is a file: the report fails before report.html; run.json of the
# earlier run stays (it is written last, only after every stage succeeded).
mv "$T/o/charts" "$T/charts.keep"
: >"$T/o/charts"
run "$IMGO" run "$T/cr.pipeline" --out "$T/o" --db "$T/db"
expect_fault "charts directory is a file" "charts: not a directory"
expect_outputs_kept "charts directory is a file"
rm "$T/o/charts"
mv "$T/charts.keep" "$T/o/charts"

# -- gnuplot missing, failing, complaining ------------------------------------
gp=$(command -v gnuplot)
mkdir "$T/nobin" "$T/fail" "$T/noisy"
run env PATH="$T/nobin" "$IMGO" report --db "$T/db" --kind annual --out "$T/o"
expect_fault "gnuplot missing from PATH" "gnuplot not found in PATH"
expect_outputs_kept "gnuplot missing from PATH"
printf '#!/bin/sh\nexit 1\n' >"$T/fail/gnuplot"
printf '#!/bin/sh\necho "gnuplot: something is wrong" >&2\nexec %s "$@"\n' "$gp" >"$T/noisy/gnuplot"
chmod 755 "$T/fail/gnuplot" "$T/noisy/gnuplot"
run env PATH="$T/fail:$PATH" "$IMGO" report --db "$T/db" --kind annual --out "$T/o"
expect_fault "gnuplot exits 1" "chart retention_km: gnuplot exited with status 1"
expect_outputs_kept "gnuplot exits 1"
run env PATH="$T/noisy:$PATH" "$IMGO" report --db "$T/db" --kind annual --out "$T/o"
expect_fault "gnuplot writes to stderr" "gnuplot: gnuplot: something is wrong"
expect_outputs_kept "gnuplot writes to stderr"
run env PATH="$T/fail:$PATH" "$IMGO" run "$T/cr.pipeline" --out "$T/o" --db "$T/db"
expect_fault "run with a failing gnuplot" "gnuplot"
expect_outputs_kept "run with a failing gnuplot"

# -- a full disk -------------------------------------------------------------
mkdir "$T/full"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=256k imgo-test "$T/full" 2>/dev/null; then
    trap 'umount "$T/full" 2>/dev/null; rm -rf "$T"' EXIT
    # report.html (inline SVG) is larger than what is left
    run "$IMGO" report --db "$T/db" --kind annual --out "$T/full/r"
    expect_fault "report on a full disk" "\(No space left on device\|incomplete chart file\)"
    expect_eq "report on a full disk: no report.html, no temporary file" \
        "$(ls -A "$T/full/r" | grep -v '^charts$')" ""
    # metrics.csv does not fit: compute rolls back
    dd if=/dev/zero of="$T/full/fill" bs=1k count=1000 2>/dev/null
    run "$IMGO" compute --db "$T/db" --out "$T/full/c" --as-of 2024-01-31
    expect_fault "compute on a full disk" "No space left on device"
    expect_eq "compute on a full disk: no metrics.csv, no temporary file" \
        "$(ls -A "$T/full/c" 2>/dev/null | grep -v '^tables$')" ""
    umount "$T/full"
else
    ok "full disk # SKIP cannot mount a small tmpfs (needs root)"
fi

# -- failing allocations -----------------------------------------------------
# Compute (with another as-of, so a partial write would show in the dump)
# and report, with the Nth allocation failing: every run that fails says
# "out of memory", exits 3 and leaves the database and outputs as they were.
cp "$T/db" "$T/db.good"
failed=0
for n in 0 1 5 20 100 400 1500 6000 25000; do
    run env IMGO_FAIL_ALLOC_AFTER=$n "$IMGO" compute --db "$T/db" --out "$T/o" --as-of 2024-01-31
    if [ "$rc" = 0 ]; then # enough allocations: put the first state back
        cp "$T/db.good" "$T/db"
        cp "$T/metrics.before" "$T/o/metrics.csv"
        continue
    fi
    failed=$((failed + 1))
    expect_fault "compute, allocation $n fails" "out of memory"
    expect_outputs_kept "compute, allocation $n fails"
done
for n in 0 3 50 300 2000 10000; do
    run env IMGO_FAIL_ALLOC_AFTER=$n "$IMGO" report --db "$T/db" --kind annual --out "$T/o"
    if [ "$rc" = 0 ]; then
        cp "$T/o/report.html" "$T/report.before"
        cp "$T/o/public.csv" "$T/public.before"
        continue
    fi
    failed=$((failed + 1))
    expect_fault "report, allocation $n fails" "out of memory"
    expect_outputs_kept "report, allocation $n fails"
done
if [ "$failed" -ge 8 ]; then ok "the sweep hit $failed failing allocations"
else not_ok "the sweep hit $failed failing allocations" "want at least 8"; fi
