# A process killed (SIGKILL) in the middle of a large file leaves the
# database as it was before that file: intact, no row of the file, no
# ledger entry.
. tests/lib.sh

q() { sqlite3 "$1" "$2"; }
mkdir "$T/base" "$T/big"
awk 'BEGIN { print "resident_id,program,specialty,start_date,graduate_type"
             for (i = 0; i < 1000; i++) printf "K%04d,IM,IM,2021-07-01,usmd\n", i }' >"$T/base/residents.csv"
"$IMGO" ingest "$T/base" --db "$T/db" >/dev/null 2>&1
awk 'BEGIN { print "resident_id,review_date,pgy,subcompetency,rating"
             for (i = 0; i < 300000; i++) printf "K%04d,2022-%02d-15,1,S%d,3.5\n", i % 1000, 1 + int(i / 1000) % 12, int(i / 12000) }' >"$T/big/milestone_ratings.csv"
before=$(q "$T/db" "select (select count(*) from residents) || ' ' || (select count(*) from milestone_ratings) || ' ' || (select count(*) from ingest_ledger)")

"$IMGO" ingest "$T/big" --db "$T/db" >"$T/kout" 2>&1 &
pid=$!
# Wait until the file's transaction has begun writing, then a little more.
i=0
while [ ! -e "$T/db-journal" ] && [ $i -lt 500 ] && kill -0 $pid 2>/dev/null; do
    sleep 0.01
    i=$((i + 1))
done
sleep 0.1
if kill -9 $pid 2>/dev/null; then
    wait $pid 2>/dev/null
    ok "killed in the middle of the file"
else
    wait $pid 2>/dev/null
    not_ok "killed in the middle of the file" "the ingest had finished: $(cat "$T/kout")"
fi
expect_eq "integrity after the kill" "$(q "$T/db" 'pragma integrity_check')" "ok"
expect_eq "counts as before the file" "$(q "$T/db" "select (select count(*) from residents) || ' ' || (select count(*) from milestone_ratings) || ' ' || (select count(*) from ingest_ledger)")" "$before"
