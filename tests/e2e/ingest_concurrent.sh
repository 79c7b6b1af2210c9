# Two imgo processes on one database at once. Each cohort file is one
# IMMEDIATE transaction, so writers take turns file by file (the busy
# timeout, 10 s, covers the wait); nothing is lost and nothing corrupted:
#   - two ingests of different cohorts into a new database (both also race
#     to create the schema): both succeed, every row of both is there;
#   - two ingests of the same cohort: one writes each file, the other finds
#     it unchanged; the database is byte for byte that of one ingest;
#   - imgo compute while an ingest runs: both succeed, the ingest complete;
#   - a lock held past the timeout: exit 3 naming the file and the lock,
#     the database as it was.
. tests/lib.sh

SOURCE_DATE_EPOCH=1767225600
export SOURCE_DATE_EPOCH
q() { sqlite3 "$1" "$2"; }
if [ "${IMGO_SAN:-0}" = 1 ]; then n=100 rounds=1; else n=600 rounds=3; fi
"$IMGO" synth --residents "$n" --seed 1 --out "$T/a" >/dev/null
"$IMGO" synth --residents "$n" --seed 2 --out "$T/b0" >/dev/null
# B's residents are other people: ids R... become Q...
mkdir "$T/b"
for f in "$T"/b0/*.csv; do sed 's/^R/Q/' "$f" >"$T/b/$(basename "$f")"; done
tables=$(cd "$T/a" && ls *.csv | sed 's/\.csv$//')
counts() { for t in $tables; do printf '%s %s\n' "$t" "$(q "$1" "select count(*) from $t")"; done; }

"$IMGO" ingest "$T/a" "$T/b" --db "$T/ref.db" >/dev/null 2>&1
counts "$T/ref.db" >"$T/want"
"$IMGO" ingest "$T/a" --db "$T/a.db" >/dev/null 2>&1
q "$T/a.db" .dump >"$T/a.dump"

# ---- two cohorts at once, into a database neither has created yet ----------
bad=0
for r in $(seq "$rounds"); do
    rm -f "$T/db" "$T/db-journal"
    "$IMGO" ingest "$T/a" --db "$T/db" >"$T/out.a" 2>"$T/err.a" &
    pa=$!
    "$IMGO" ingest "$T/b" --db "$T/db" >"$T/out.b" 2>"$T/err.b" &
    pb=$!
    wait $pa; ra=$?
    wait $pb; rb=$?
    if [ "$ra$rb" != 00 ]; then
        bad=$((bad + 1)); not_ok "round $r: both ingests succeed" "exit $ra $rb" "$(cat "$T/err.a" "$T/err.b" | head -5)"; continue
    fi
    [ "$(q "$T/db" 'pragma integrity_check')" = ok ] || { bad=$((bad + 1)); not_ok "round $r: integrity"; continue; }
    counts "$T/db" >"$T/got"
    cmp -s "$T/got" "$T/want" || { bad=$((bad + 1)); not_ok "round $r: every row of both cohorts" "$(diff "$T/want" "$T/got")"; continue; }
    [ "$(q "$T/db" 'select count(*) from ingest_ledger')" = 22 ] || { bad=$((bad + 1)); not_ok "round $r: 22 ledger entries"; }
done
expect_eq "two cohorts ingested at once, $rounds rounds: both succeed, intact, no row lost" "$bad" 0

# ---- the same cohort twice at once --------------------------------------------
rm -f "$T/db"
"$IMGO" ingest "$T/a" --db "$T/db" >"$T/out.a" 2>"$T/err.a" &
pa=$!
"$IMGO" ingest "$T/a" --db "$T/db" >"$T/out.b" 2>"$T/err.b" &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
expect_eq "same cohort twice at once: both succeed" "$ra $rb" "0 0"
expect_eq "same cohort twice at once: each file written once" \
    "$(cat "$T/out.a" "$T/out.b" | grep -c ' written, ') $(cat "$T/out.a" "$T/out.b" | grep -c unchanged)" "11 11"
q "$T/db" .dump >"$T/dump"
if cmp -s "$T/dump" "$T/a.dump"; then ok "same cohort twice at once: database identical to one ingest"; else not_ok "same cohort twice at once: database identical to one ingest" "$(diff "$T/a.dump" "$T/dump" | head -5)"; fi

# ---- compute while an ingest runs ---------------------------------------------
cp "$T/a.db" "$T/db"
rm -f "$T/db-journal"
"$IMGO" ingest "$T/b" --db "$T/db" >"$T/out.b" 2>"$T/err.b" &
pb=$!
run "$IMGO" compute --db "$T/db" --out "$T/m"
wait $pb; rb=$?
expect_rc "compute during an ingest succeeds" 0
expect_eq "the ingest during a compute succeeds" "$rb" 0
expect_eq "compute during an ingest: integrity" "$(q "$T/db" 'pragma integrity_check')" ok
counts "$T/db" >"$T/got"
expect_eq "compute during an ingest: every row of both cohorts" "$(cat "$T/got")" "$(cat "$T/want")"
if [ -s "$T/m/metrics.csv" ]; then ok "compute during an ingest wrote its metrics"; else not_ok "compute during an ingest wrote its metrics"; fi

# ---- a lock held longer than the busy timeout -----------------------------------
if [ "${IMGO_SAN:-0}" = 1 ]; then
    ok "a lock held past the timeout # SKIP waits 10 s; normal build only"
    ok "a lock held past the timeout: message # SKIP"
    ok "a lock held past the timeout: database # SKIP"
else
    cp "$T/a.db" "$T/db"
    q "$T/db" .dump >"$T/before"
    (echo "BEGIN IMMEDIATE;"; sleep 13; echo "COMMIT;") | sqlite3 "$T/db" &
    holder=$!
    sleep 0.5
    run "$IMGO" ingest "$T/b" --db "$T/db"
    wait $holder
    expect_rc "a lock held past the timeout exits 3" 3
    expect_err "a lock held past the timeout: message" \
        "imgo: residents.csv: database: locked by another process for more than 10 s; try again; the file was not written"
    q "$T/db" .dump >"$T/after"
    if cmp -s "$T/before" "$T/after"; then ok "a lock held past the timeout: database as it was"; else not_ok "a lock held past the timeout: database as it was"; fi
fi
