# Crash consistency: `imgo ingest` of a whole cohort is killed with SIGKILL
# at many pseudo-random points spread over its run. After every kill:
#   - PRAGMA integrity_check is ok;
#   - each of the eleven files is wholly in or wholly out: its table holds
#     0 rows or all of the file's rows, and the ledger has the file's entry
#     exactly when its rows are in;
#   - a re-run completes the ingest, and the database is then identical to
#     that of an uninterrupted ingest: the full .dump, byte for byte.
# The dump needs no column left out: SOURCE_DATE_EPOCH fixes ingested_at,
# and ingest_id is the ledger's rowid, which a rolled-back file does not
# use up (the next file takes max(id) + 1), so the ids come out the same.
# Under the sanitizer build (IMGO_SAN=1) a smaller cohort and fewer points.
. tests/lib.sh

SOURCE_DATE_EPOCH=1767225600
export SOURCE_DATE_EPOCH
if [ "${IMGO_SAN:-0}" = 1 ]; then residents=200 points=8; else residents=1000 points=50; fi
"$IMGO" synth --residents "$residents" --seed 11 --out "$T/c" >/dev/null
files=$(cd "$T/c" && ls *.csv | sed 's/\.csv$//')

# The uninterrupted ingest: reference dump, rows per file, and the fastest
# of three durations (a busy machine slows some runs: the kills are spread
# over the shortest, so that few land after the ingest has finished).
ms=0
for i in 1 2 3; do
    rm -f "$T/ref.db"
    t0=$(date +%s%N)
    "$IMGO" ingest "$T/c" --db "$T/ref.db" >/dev/null 2>&1
    t1=$(date +%s%N)
    d=$(( (t1 - t0) / 1000000 ))
    if [ "$ms" = 0 ] || [ "$d" -lt "$ms" ]; then ms=$d; fi
done
sqlite3 "$T/ref.db" .dump >"$T/ref.dump"
for f in $files; do
    echo "$f $(sqlite3 "$T/ref.db" "select rows_written from ingest_ledger where file = '$f.csv'")"
done >"$T/want"
echo "# uninterrupted ingest of $residents residents: $ms ms, $(awk '{ s += $2 } END { print s }' "$T/want") rows"

# state DB: "table rows ledger_entries" per file, all 0 before the schema exists.
state() {
    has=$(sqlite3 "$1" "select count(*) from sqlite_master where name = 'ingest_ledger'")
    for f in $files; do
        if [ "$has" = 1 ]; then
            echo "$f $(sqlite3 "$1" "select (select count(*) from $f) || ' ' || (select count(*) from ingest_ledger where file = '$f.csv')")"
        else
            echo "$f 0 0"
        fi
    done
}

# Delays in ms, uniform over the uninterrupted run, from a seeded sequence.
awk -v n="$points" -v ms="$ms" 'BEGIN { srand(20251123); for (i = 0; i < n; i++) printf "%d\n", 1 + int(rand() * ms) }' >"$T/delays"
bad=0 midfile=0 finished=0 partial=0
for delay in $(cat "$T/delays"); do
    rm -f "$T/db" "$T/db-journal"
    "$IMGO" ingest "$T/c" --db "$T/db" >/dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
    if kill -9 "$pid" 2>/dev/null; then :; else finished=$((finished + 1)); fi
    wait "$pid" 2>/dev/null
    [ -s "$T/db-journal" ] && midfile=$((midfile + 1))
    ic=$(sqlite3 "$T/db" 'pragma integrity_check' 2>&1)
    if [ "$ic" != ok ]; then
        bad=$((bad + 1)); not_ok "integrity after a kill at $delay ms" "$ic"; continue
    fi
    state "$T/db" >"$T/got"
    # wholly in or out: rows 0 and no entry, or all rows and one entry
    whole=$(awk 'NR == FNR { want[$1] = $2; next }
                 !(($2 == 0 && $3 == 0) || ($2 == want[$1] && $3 == 1)) { print $0 " (want 0 0 or " want[$1] " 1)" }' \
            "$T/want" "$T/got")
    if [ -n "$whole" ]; then
        bad=$((bad + 1)); not_ok "files wholly in or out after a kill at $delay ms" "$whole"; continue
    fi
    awk '$2 > 0' "$T/got" | grep -q . && [ "$(awk '$2 > 0' "$T/got" | wc -l)" -lt "$(wc -l <"$T/want")" ] &&
        partial=$((partial + 1))
    if ! "$IMGO" ingest "$T/c" --db "$T/db" >"$T/rerun" 2>&1; then
        bad=$((bad + 1)); not_ok "re-run after a kill at $delay ms" "$(head -5 "$T/rerun")"; continue
    fi
    sqlite3 "$T/db" .dump >"$T/dump"
    if ! cmp -s "$T/dump" "$T/ref.dump"; then
        bad=$((bad + 1)); not_ok "re-run after a kill at $delay ms equals an uninterrupted ingest" \
            "$(diff "$T/ref.dump" "$T/dump" | head -5)"
    fi
done
echo "# $points kills: $midfile inside a file's transaction (hot journal), $partial with some files in and some out, $finished after the ingest had finished"
expect_eq "every kill left an intact database, whole files, and a re-run equal to an uninterrupted ingest" "$bad" 0
if [ "$midfile" -ge $((points / 2)) ]; then
    ok "most kills landed inside a file's transaction ($midfile of $points)"
else
    not_ok "most kills landed inside a file's transaction" "$midfile of $points"
fi
