#!/bin/sh
# make bench: national-scale ingest against sqlite3's .import.
#
# Makes a cohort with `imgo synth --residents $BENCH_RESIDENTS` (150000),
# then, three runs each (median reported):
#   - imgo ingest of milestone_ratings.csv alone (its residents already in
#     the database), validated, keyed and upserted;
#   - sqlite3 .import of the same file into a table with typed columns
#     (no validation, no key);
#   - imgo ingest of the whole cohort into a fresh database;
#   - imgo compute, imgo report --kind annual, and the whole imgo run of
#     pipelines/annual.pipeline (sections below);
#   - imgo report --kind institution on 300 programs;
#   - once, a generated ten-million-row milestone_ratings.csv (bounded memory).
# Prints seconds, microseconds per row, the ratio and peak RSS.
set -eu
BUILD=${BUILD:-build}
IMGO=$BUILD/imgo
N=${BENCH_RESIDENTS:-150000}
RUNS=${BENCH_RUNS:-3}
dir=${BENCH_DIR:-$BUILD/bench}
TIME=${BENCH_TIME:-/usr/bin/time}
if [ ! -x "$TIME" ]; then
    # Without GNU time: wall time from date, peak RSS unknown (0).
    echo "bench: /usr/bin/time not found (apt-get install time): peak RSS not measured" >&2
    TIME=$dir/gtime
fi
command -v sqlite3 >/dev/null || { echo "bench: needs the sqlite3 shell" >&2; exit 1; }

rm -rf "$dir"
mkdir -p "$dir/only"
if [ "$TIME" = "$dir/gtime" ]; then
    cat >"$TIME" <<'SH'
#!/bin/sh
# gtime -f FMT [-o FILE] CMD...: "seconds 0" (the subset of GNU time used here)
shift 2
out=/dev/stderr
if [ "$1" = -o ]; then out=$2; shift 2; fi
t0=$(date +%s.%N)
"$@"
rc=$?
t1=$(date +%s.%N)
echo "$t0 $t1" | awk '{ printf "%.2f 0\n", $2 - $1 }' >"$out"
exit $rc
SH
    chmod +x "$TIME"
fi
echo "imgo synth --residents $N --seed 1"
$TIME -f "  %e s, peak RSS %M KB" "$IMGO" synth --residents "$N" --seed 1 --out "$dir/cohort" >/dev/null
ln -s ../cohort/milestone_ratings.csv "$dir/only/milestone_ratings.csv"
rows=$(($(wc -l <"$dir/cohort/milestone_ratings.csv") - 1))
all_rows=0
for f in "$dir"/cohort/*.csv; do all_rows=$((all_rows + $(wc -l <"$f") - 1)); done
bytes=$(wc -c <"$dir/cohort/milestone_ratings.csv")
echo "  milestone_ratings.csv: $rows rows, $bytes bytes; cohort: $all_rows rows"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# timed LABEL CMD...: runs CMD, appends "seconds kb" to $dir/LABEL.
timed() {
    label=$1
    shift
    $TIME -f "%e %M" -o "$dir/t" "$@" >/dev/null 2>"$dir/err" || { cat "$dir/err" >&2; exit 1; }
    cat "$dir/t" >>"$dir/$label"
    echo "  run: $(cut -d' ' -f1 "$dir/t") s, peak RSS $(cut -d' ' -f2 "$dir/t") KB"
}

: >"$dir/imgo"; : >"$dir/import"; : >"$dir/cohortrun"
echo
echo "imgo ingest milestone_ratings.csv ($RUNS runs)"
mkdir -p "$dir/res"
ln -s ../cohort/residents.csv "$dir/res/residents.csv"
for i in $(seq "$RUNS"); do
    rm -f "$dir/m.db" "$dir/m.db-journal"
    "$IMGO" ingest "$dir/res" --db "$dir/m.db" >/dev/null
    timed imgo "$IMGO" ingest "$dir/only" --db "$dir/m.db"
done

echo "sqlite3 .import milestone_ratings.csv ($RUNS runs)"
cat >"$dir/import.sql" <<SQL
CREATE TABLE milestone_ratings (resident_id TEXT NOT NULL, review_date TEXT NOT NULL,
  pgy INTEGER NOT NULL, subcompetency TEXT NOT NULL, rating REAL NOT NULL);
.mode csv
.import --skip 1 $dir/cohort/milestone_ratings.csv milestone_ratings
SQL
for i in $(seq "$RUNS"); do
    rm -f "$dir/i.db"
    timed import sh -c "sqlite3 '$dir/i.db' <'$dir/import.sql'"
done

echo "imgo ingest of the whole cohort ($RUNS runs)"
for i in $(seq "$RUNS"); do
    rm -f "$dir/c.db" "$dir/c.db-journal"
    timed cohortrun "$IMGO" ingest "$dir/cohort" --db "$dir/c.db"
done

ti=$(cut -d' ' -f1 "$dir/imgo" | median)
ts=$(cut -d' ' -f1 "$dir/import" | median)
tc=$(cut -d' ' -f1 "$dir/cohortrun" | median)
mi=$(cut -d' ' -f2 "$dir/imgo" | sort -n | tail -1)
ms=$(cut -d' ' -f2 "$dir/import" | sort -n | tail -1)
mc=$(cut -d' ' -f2 "$dir/cohortrun" | sort -n | tail -1)
echo
awk -v r="$rows" -v ar="$all_rows" -v ti="$ti" -v ts="$ts" -v tc="$tc" -v mi="$mi" -v ms="$ms" -v mc="$mc" 'BEGIN {
    printf "milestone_ratings.csv, %d rows, median of runs:\n", r
    printf "  imgo ingest     %7.2f s  %6.3f us/row  peak RSS %6.1f MB\n", ti, ti * 1e6 / r, mi / 1024
    printf "  sqlite3 .import %7.2f s  %6.3f us/row  peak RSS %6.1f MB\n", ts, ts * 1e6 / r, ms / 1024
    printf "  ratio imgo / .import: %.2f\n", ti / ts
    printf "whole cohort, %d rows:\n", ar
    printf "  imgo ingest     %7.2f s  %6.3f us/row  peak RSS %6.1f MB\n", tc, tc * 1e6 / ar, mc / 1024
}'

# ---- compute ---------------------------------------------------------------
# imgo compute on the cohort just ingested (c.db): every metric, the chart
# tables and the database writes, with mentorship_launch set
# (scripts/bench.pipeline); median wall time and peak RSS of $RUNS runs.
# Targets: under 10 s on 2 cores, under 300 MB.
echo
echo "imgo compute on the whole cohort ($RUNS runs)"
: >"$dir/computerun"
for i in $(seq "$RUNS"); do
    rm -rf "$dir/out"
    timed computerun "$IMGO" compute --db "$dir/c.db" --out "$dir/out" --pipeline scripts/bench.pipeline
done
tm=$(cut -d' ' -f1 "$dir/computerun" | median)
mm=$(cut -d' ' -f2 "$dir/computerun" | sort -n | tail -1)
mrows=$(($(wc -l <"$dir/out/metrics.csv") - 1))
awk -v t="$tm" -v m="$mm" -v r="$mrows" 'BEGIN {
    printf "  imgo compute    %7.2f s  peak RSS %6.1f MB  %d metric rows\n", t, m / 1024, r
}'

# ---- report and the whole run -----------------------------------------------
# imgo report --kind annual on the database compute just filled, and the
# full `imgo run pipelines/annual.pipeline` (ingest, compute, report into a
# fresh OUT) on the cohort; median wall time and peak RSS of $RUNS runs.
# Targets: report under 3 s, the full run under 60 s.
echo
echo "imgo report --kind annual ($RUNS runs)"
: >"$dir/reportrun"; : >"$dir/fullrun"
for i in $(seq "$RUNS"); do
    rm -rf "$dir/rep"
    timed reportrun "$IMGO" report --db "$dir/c.db" --kind annual --out "$dir/rep"
done
echo "imgo run pipelines/annual.pipeline ($RUNS runs)"
for i in $(seq "$RUNS"); do
    rm -rf "$dir/run"
    timed fullrun "$IMGO" run pipelines/annual.pipeline --input "$dir/cohort" --out "$dir/run"
done
tr=$(cut -d' ' -f1 "$dir/reportrun" | median)
mr=$(cut -d' ' -f2 "$dir/reportrun" | sort -n | tail -1)
tf=$(cut -d' ' -f1 "$dir/fullrun" | median)
mf=$(cut -d' ' -f2 "$dir/fullrun" | sort -n | tail -1)
awk -v tr="$tr" -v mr="$mr" -v tf="$tf" -v mf="$mf" 'BEGIN {
    printf "  imgo report     %7.2f s  peak RSS %6.1f MB  (target < 3 s)\n", tr, mr / 1024
    printf "  imgo run        %7.2f s  peak RSS %6.1f MB  (target < 60 s)\n", tf, mf / 1024
}'

# ---- the institution report across 300 programs ---------------------------------
# imgo report --kind institution on a cohort of $BENCH_INST_RESIDENTS (18,000)
# residents in $BENCH_INST_PROGRAMS (300) programs (imgo synth --programs),
# ingested and computed once: a table per measure with a row per program,
# two funnel plots, and the small-cell audit of some 8,000 counts. Median
# wall time and peak RSS of $RUNS runs. Target: under 5 s.
ni=${BENCH_INST_RESIDENTS:-18000}
np=${BENCH_INST_PROGRAMS:-300}
echo
echo "imgo report --kind institution on $np programs ($ni residents, $RUNS runs)"
rm -rf "$dir/inst" "$dir/inst.db"
"$IMGO" synth --residents "$ni" --programs "$np" --seed 1 --out "$dir/inst" >/dev/null
"$IMGO" run pipelines/institution.pipeline --input "$dir/inst" --out "$dir/instc" --db "$dir/inst.db" \
    --set "stages=ingest compute" >/dev/null
: >"$dir/instrun"
for i in $(seq "$RUNS"); do
    rm -rf "$dir/instr"
    timed instrun "$IMGO" report --db "$dir/inst.db" --kind institution --out "$dir/instr"
done
awk -v t="$(cut -d' ' -f1 "$dir/instrun" | median)" -v m="$(cut -d' ' -f2 "$dir/instrun" | sort -n | tail -1)" \
    -v np="$np" 'BEGIN {
    printf "  imgo report     %7.2f s  peak RSS %6.1f MB  (%d programs; target < 5 s)\n", t, m / 1024, np
}'

# ---- ten million rows in one file -------------------------------------------
# A 10,000,000-row milestone_ratings.csv (generated, 290 MB) into the
# database holding the cohort's residents: time and peak RSS (bounded
# memory: target < 200 MB). One run; BENCH_BIG_ROWS=0 skips it.
big=${BENCH_BIG_ROWS:-10000000}
if [ "$big" -gt 0 ]; then
    echo
    echo "imgo ingest of a $big-row milestone_ratings.csv (1 run)"
    mkdir -p "$dir/big"
    # ids as imgo synth writes them: R and at least six digits
    awk -v n="$big" -v r="$N" 'BEGIN { print "resident_id,review_date,pgy,subcompetency,rating"
        w = length(r "") > 6 ? length(r "") : 6
        for (i = 0; i < n; i++) {
            j = int(i / r)
            printf "R%0*d,%d-%02d-15,1,S%d,3.5\n", w, 1 + i % r, 2000 + int(j / 12) % 30, 1 + j % 12, int(j / 360) } }' \
        >"$dir/big/milestone_ratings.csv"
    rm -f "$dir/b.db" "$dir/b.db-journal"
    "$IMGO" ingest "$dir/res" --db "$dir/b.db" >/dev/null
    : >"$dir/bigrun"
    timed bigrun "$IMGO" ingest "$dir/big" --db "$dir/b.db"
    awk -v n="$big" -v t="$(cut -d' ' -f1 "$dir/bigrun")" -v m="$(cut -d' ' -f2 "$dir/bigrun")" 'BEGIN {
        printf "  imgo ingest     %7.2f s  %6.3f us/row  peak RSS %6.1f MB  (target < 200 MB)\n", t, t * 1e6 / n, m / 1024
    }'
    rm -f "$dir/big/milestone_ratings.csv" "$dir/b.db"
fi
