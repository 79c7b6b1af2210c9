# Faults during ingest: a full disk, cohort files that cannot be read, and
# allocations that fail at every point of an ingest. Each ends with a clear
# message and exit status 3, and the database exactly as it was (its .dump
# compared before and after; a hot journal left by a process that stopped
# mid-file is rolled back by the next reader, as imgo itself would).
. tests/lib.sh

q() { sqlite3 "$1" "$2"; }
"$IMGO" ingest fixtures/tiny --db "$T/db" >/dev/null 2>&1
q "$T/db" .dump >"$T/before"
same_db() {
    q "${2:-$T/db}" .dump >"$T/after"
    if cmp -s "$T/before" "$T/after"; then ok "$1"; else not_ok "$1" "database changed: $(diff "$T/before" "$T/after" | head -3)"; fi
}
"$IMGO" synth --residents 300 --seed 5 --out "$T/c" >/dev/null

# ---- disk full ---------------------------------------------------------------
# As root, a 128 KiB tmpfs holding the database: a real ENOSPC (SQLITE_FULL).
# Otherwise a file-size limit (ulimit -f, SIGXFSZ ignored): SQLite then sees
# EFBIG, a write error. Either way the first file cannot be written.
trap 'umount "$T/mnt" 2>/dev/null; rm -rf "$T"' EXIT
mkdir "$T/mnt"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=128k tmpfs "$T/mnt" 2>/dev/null; then
    cp "$T/db" "$T/mnt/db"
    run "$IMGO" ingest "$T/c" --db "$T/mnt/db"
    expect_rc "disk full exits 3" 3
    expect_err "disk full is named, with the file" \
        "imgo: residents.csv: database: the disk or database is full (database or disk is full); the file was not written"
    same_db "disk full leaves the database as it was" "$T/mnt/db"
    umount "$T/mnt"
else
    ok "disk full on a tmpfs # SKIP not root, or cannot mount"
    ok "disk full on a tmpfs: message # SKIP"
    ok "disk full on a tmpfs: database # SKIP"
fi
cp "$T/db" "$T/fsize.db"
blocks=$(( ($(wc -c <"$T/fsize.db") + 8192) / 512 ))
rc=0
(trap '' XFSZ; ulimit -f "$blocks"; exec "$IMGO" ingest "$T/c" --db "$T/fsize.db") >"$T/out" 2>"$T/err" || rc=$?
expect_rc "file-size limit exits 3" 3
expect_err "file-size limit is named, with the file" \
    "imgo: residents.csv: database: cannot write the database file (is the disk full, or a file-size limit reached?); the file was not written"
same_db "file-size limit leaves the database as it was" "$T/fsize.db"

# ---- cohort files that cannot be read -----------------------------------------
# Each is an I/O error (exit 3) naming the path; the other files of the
# directory are still ingested, so the database gains exactly them.
unreadable() { # NAME MAKE-CMD WANT-MESSAGE
    rm -rf "$T/u"; mkdir "$T/u"
    cp fixtures/tiny/milestone_ratings.csv "$T/u/"
    sed 's/,2\.5$/,3.5/' fixtures/tiny/milestone_ratings.csv >"$T/u/milestone_ratings.csv"
    (cd "$T/u" && eval "$2")
    cp "$T/db" "$T/u.db"
    run timeout 10 "$IMGO" ingest "$T/u" --db "$T/u.db"
    expect_rc "$1: exit 3" 3
    expect_err "$1: message" "imgo: $T/u/$3"
    expect_eq "$1: summary" "$(grep board_exams "$T/out")" "board_exams.csv: not read (i/o error)"
    expect_eq "$1: the other file is written" "$(q "$T/u.db" "select count(*) from milestone_ratings where rating = 3.5 and ingest_id = (select max(id) from ingest_ledger)")" 1
    expect_eq "$1: no ledger entry for it" "$(q "$T/u.db" "select count(*) from ingest_ledger where file = 'board_exams.csv'")" 1
}
unreadable "a dangling symlink" "ln -s nowhere.csv board_exams.csv" \
    "board_exams.csv: cannot read: No such file or directory"
unreadable "a symlink loop" "ln -s board_exams.csv board_exams.csv" \
    "board_exams.csv: cannot read: Too many levels of symbolic links"
unreadable "a FIFO (would block an open without O_NONBLOCK)" "mkfifo board_exams.csv" \
    "board_exams.csv: cannot read: not a regular file"
unreadable "a directory" "mkdir board_exams.csv" \
    "board_exams.csv: cannot read: not a regular file"
if [ "$(id -u)" != 0 ]; then
    unreadable "a file without read permission" "cp $PWD/fixtures/tiny/board_exams.csv . && chmod 000 board_exams.csv" \
        "board_exams.csv: cannot read: Permission denied"
else
    ok "a file without read permission # SKIP root reads it anyway"
fi

# ---- failing allocations ------------------------------------------------------
# IMGO_FAIL_ALLOC_AFTER=N fails the allocation after the first N (mem.h).
# Count an ingest's allocations by finding the smallest N that lets it
# finish, then fail each one (every one, or a spread of them under ASan).
# SQLite allocates through its own allocator, not xmalloc: not covered here.
"$IMGO" synth --residents 20 --seed 3 --out "$T/small" >/dev/null
lo=0 hi=4096
while [ $((hi - lo)) -gt 1 ]; do
    mid=$(( (lo + hi) / 2 ))
    cp "$T/db" "$T/probe.db"
    if IMGO_FAIL_ALLOC_AFTER=$mid "$IMGO" ingest "$T/small" --db "$T/probe.db" >/dev/null 2>&1; then hi=$mid; else lo=$mid; fi
done
total=$hi
echo "# an ingest of the 20-resident cohort makes $total allocations through xmalloc"
if [ "$total" -gt 50 ] && [ "$total" -lt 4096 ]; then ok "allocations counted ($total)"; else not_ok "allocations counted" "$total"; fi
step=1
[ "${IMGO_SAN:-0}" = 1 ] && step=$(( total / 40 + 1 ))
[ "$total" -gt 1000 ] && [ "$step" = 1 ] && step=$(( total / 1000 + 1 ))
# For each file of the cohort: its table, the rows before, its row count.
for f in "$T"/small/*.csv; do
    t=$(basename "$f" .csv)
    echo "$t $(q "$T/db" "select count(*) from $t") $(($(wc -l <"$f") - 1))"
done >"$T/want"
# whole DB: a line for each file neither wholly in (rows before + its rows,
# and its ledger entry) nor wholly out (rows before, no entry).
whole() {
    while read -r t before rows; do
        got=$(q "$1" "select (select count(*) from $t) || ' ' || (select count(*) from ingest_ledger where file = '$t.csv' and id > (select max(id) from ingest_ledger where path like 'fixtures/%'))")
        [ "$got" = "$before 0" ] || [ "$got" = "$((before + rows)) 1" ] || echo "$t: $got (before $before, rows $rows)"
    done <"$T/want"
}
fails=0 tried=0 midfile=0
n=0
while [ "$n" -lt "$total" ]; do
    cp "$T/db" "$T/oom.db"
    IMGO_FAIL_ALLOC_AFTER=$n "$IMGO" ingest "$T/small" --db "$T/oom.db" >/dev/null 2>"$T/err"
    st=$?
    tried=$((tried + 1))
    [ -s "$T/oom.db-journal" ] && midfile=$((midfile + 1))
    if [ "$st" != 3 ] || ! grep -qx 'imgo: out of memory' "$T/err" || [ "$(q "$T/oom.db" 'pragma integrity_check')" != ok ]; then
        fails=$((fails + 1)); echo "# N=$n: exit $st, $(head -c 200 "$T/err")"
    else
        w=$(whole "$T/oom.db")
        if [ -n "$w" ]; then fails=$((fails + 1)); echo "# N=$n: $w"; fi
        if [ "$(q "$T/oom.db" "select count(*) from ingest_ledger")" = "$(q "$T/db" "select count(*) from ingest_ledger")" ]; then
            q "$T/oom.db" .dump >"$T/after"
            cmp -s "$T/before" "$T/after" || { fails=$((fails + 1)); echo "# N=$n: no file in, yet the database changed"; }
        fi
    fi
    n=$((n + step))
done
echo "# $tried runs, $midfile stopped inside a file's transaction"
expect_eq "each of $tried failed allocations: exit 3, 'out of memory', every file wholly in or out" "$fails" 0
if [ "$midfile" -gt $((tried / 2)) ]; then ok "most failures inside a file's transaction"; else not_ok "most failures inside a file's transaction" "$midfile of $tried"; fi
