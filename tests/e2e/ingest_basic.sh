# imgo ingest / imgo check on good cohorts: summaries, the ledger, no-op
# re-ingest, upsert of a corrected export, awkward-but-valid CSV.
. tests/lib.sh

q() { sqlite3 "$1" "$2"; }

run "$IMGO" ingest --help
expect_rc "ingest --help exits 0" 0
expect_eq "ingest --help on stdout" "$(head -1 "$T/out" | cut -c1-18)" "usage: imgo ingest"
run "$IMGO" check --help
expect_rc "check --help exits 0" 0

run "$IMGO" ingest fixtures/tiny --db "$T/a.db"
expect_rc "tiny cohort ingests" 0
expect_eq "summary of residents" "$(sed -n 1p "$T/out")" "residents.csv: 4 rows read, 4 written, 0 rejected"
expect_eq "summary of the last file" "$(sed -n 11p "$T/out")" "patient_experience.csv: 1 rows read, 1 written, 0 rejected"
expect_eq "nothing on stderr" "$(cat "$T/err")" ""
expect_eq "residents stored" "$(q "$T/a.db" 'select count(*) from residents')" 4
expect_eq "dates are day numbers" "$(q "$T/a.db" "select start_date from residents where resident_id='R001'")" 18809
expect_eq "exam upper-cased" "$(q "$T/a.db" "select group_concat(exam) from (select exam from board_exams order by exam)")" "ABIM-IM,USMLE-STEP3,USMLE-STEP3"
expect_eq "enum canonical" "$(q "$T/a.db" "select theme||valence from feedback where rid=2")" "teamworkpositive"
expect_eq "missing optional is NULL" "$(q "$T/a.db" "select count(*) from residents where end_date is null and exit_reason is null")" 2
expect_eq "rid links rows" "$(q "$T/a.db" "select count(*) from milestone_ratings m join residents r using(rid) where r.resident_id='R001'")" 2
expect_eq "ledger has one row per file" "$(q "$T/a.db" 'select count(*) from ingest_ledger')" 11
expect_eq "ledger sha256" "$(q "$T/a.db" "select sha256 from ingest_ledger where file='residents.csv'")" "$(sha256sum fixtures/tiny/residents.csv | cut -d' ' -f1)"
expect_eq "row keeps its line" "$(q "$T/a.db" "select line from residents where resident_id='R003'")" 4

q "$T/a.db" .dump >"$T/dump1"
run "$IMGO" ingest fixtures/tiny --db "$T/a.db"
expect_rc "re-ingest exits 0" 0
expect_eq "re-ingest is a no-op" "$(sed -n 1p "$T/out")" "residents.csv: unchanged (already ingested, sha256 $(sha256sum fixtures/tiny/residents.csv | cut -d' ' -f1))"
q "$T/a.db" .dump >"$T/dump2"
if cmp -s "$T/dump1" "$T/dump2"; then ok "re-ingest leaves the database as it was"; else not_ok "re-ingest leaves the database as it was"; fi

SOURCE_DATE_EPOCH=1700000000 "$IMGO" ingest fixtures/tiny --db "$T/sde.db" >/dev/null 2>&1
expect_eq "ingested_at honours SOURCE_DATE_EPOCH" "$(q "$T/sde.db" "select distinct ingested_at from ingest_ledger")" "2023-11-14T22:13:20Z"

# A corrected export: R002 has left; a rating changed. Upserted by key.
mkdir "$T/fix"
cp fixtures/tiny/*.csv "$T/fix/"
sed -i 's/^R002,IM-001,Internal Medicine,2021-07-01,,,usmd/R002,IM-001,Internal Medicine,2021-07-01,2022-01-31,Transferred,usmd/' "$T/fix/residents.csv"
sed -i 's/^R002,2021-12-15,1,PC1,3.0$/R002,2021-12-15,1,PC1,4.5/' "$T/fix/milestone_ratings.csv"
run "$IMGO" ingest "$T/fix" --db "$T/a.db"
expect_rc "corrected export ingests" 0
expect_eq "changed files rewritten" "$(grep -c 'written' "$T/out")" 2
expect_eq "end_date filled in" "$(q "$T/a.db" "select end_date, exit_reason from residents where resident_id='R002'")" "19023|transferred"
expect_eq "no new resident" "$(q "$T/a.db" 'select count(*) from residents')" 4
expect_eq "rid kept" "$(q "$T/a.db" "select rid from residents where resident_id='R002'")" 2
expect_eq "rating corrected" "$(q "$T/a.db" "select rating from milestone_ratings where rid=2")" 4.5
expect_eq "milestone rows not doubled" "$(q "$T/a.db" 'select count(*) from milestone_ratings')" 3

# imgo check writes nothing, also with --db.
before=$(sha256sum "$T/a.db" | cut -d' ' -f1)
ls -a fixtures/tiny >"$T/ls1"
run "$IMGO" check fixtures/tiny --db "$T/a.db"
expect_rc "check with --db" 0
expect_eq "check says valid" "$(sed -n 1p "$T/out")" "residents.csv: 4 rows read, 4 valid, 0 rejected"
expect_eq "check leaves the database alone" "$(sha256sum "$T/a.db" | cut -d' ' -f1)" "$before"
ls -a fixtures/tiny >"$T/ls2"
if cmp -s "$T/ls1" "$T/ls2"; then ok "check writes nothing in the cohort"; else not_ok "check writes nothing in the cohort"; fi
(cd "$T" && "$IMGO" check "$OLDPWD/fixtures/tiny" >/dev/null 2>&1)
expect_eq "check without --db creates no file" "$(ls "$T" | grep -c '\.db$')" 2

# check --db of a database made from the same files: no false duplicates.
"$IMGO" ingest fixtures/tiny --db "$T/same.db" >/dev/null 2>&1
run "$IMGO" check fixtures/tiny --db "$T/same.db"
expect_rc "check --db against the same cohort" 0
expect_eq "check --db against the same cohort: residents valid" "$(sed -n 1p "$T/out")" "residents.csv: 4 rows read, 4 valid, 0 rejected"

# Without residents.csv: check needs --db, ingest needs the residents in the db.
mkdir "$T/nores"
cp fixtures/tiny/board_exams.csv "$T/nores/"
run "$IMGO" check "$T/nores"
expect_rc "check without residents.csv" 1
expect_err "check names the missing file" "imgo: residents.csv: required file not found in $T/nores"
run "$IMGO" check "$T/nores" --db "$T/a.db"
expect_rc "check with --db supplies residents" 0
run "$IMGO" ingest "$T/nores" --db "$T/a.db"
expect_rc "ingest without residents.csv, residents in db" 0
expect_eq "board_exams unchanged, so a no-op" "$(cut -d' ' -f2 "$T/out")" "unchanged"
run "$IMGO" ingest "$T/nores" --db "$T/empty.db"
expect_rc "ingest without residents anywhere" 1
expect_err "unknown resident" "imgo: board_exams.csv:2:resident_id: \"R001\" is not a known resident"

# Awkward but valid: BOM, CRLF and LF mixed, quoted comma and newline,
# blank and blank-looking lines, spaces and tabs, headers in any order and
# case, file names in any case, no final newline.
mkdir "$T/awk"
printf '\357\273\277 Graduate_Type ,RESIDENT_ID,program,\tspecialty ,start_date\r\n usmd ,"A1" ,"IM, north",  "Internal\nMedicine",2021-07-01\r\n\r\n   \t\n\tNON_US_IMG,A2,IM,IM,2022-07-01\n"us_img",A3,IM,"say ""hi""", 2023-07-01 ' >"$T/awk/Residents.CSV"
printf 'resident_id,exam,exam_date,attempt,result\nA2,usmle-step3,2023-01-05,01,Pass' >"$T/awk/BOARD_EXAMS.csv"
printf 'hello\n' >"$T/awk/notes.txt"
run "$IMGO" ingest "$T/awk" --db "$T/awk.db"
expect_rc "awkward but valid cohort ingests" 0
expect_eq "awkward residents" "$(sed -n 1p "$T/out")" "Residents.CSV: 3 rows read, 3 written, 0 rejected"
expect_eq "awkward exams" "$(sed -n 2p "$T/out")" "BOARD_EXAMS.csv: 1 rows read, 1 written, 0 rejected"
expect_err "other files ignored with a warning" "imgo: warning: $T/awk/notes.txt: not a cohort file, ignored"
expect_eq "quoted comma kept" "$(q "$T/awk.db" "select program from residents where resident_id='A1'")" "IM, north"
expect_eq "quoted newline kept" "$(q "$T/awk.db" "select specialty from residents where resident_id='A1'")" "Internal
Medicine"
expect_eq "doubled quotes" "$(q "$T/awk.db" "select specialty from residents where resident_id='A3'")" 'say "hi"'
expect_eq "line of a record after a quoted newline and blank lines" "$(q "$T/awk.db" "select line from residents where resident_id='A2'")" 6
expect_eq "last record without newline" "$(q "$T/awk.db" "select start_date from residents where resident_id='A3'")" 19539
expect_eq "enum lower-cased" "$(q "$T/awk.db" "select graduate_type from residents where resident_id='A2'")" non_us_img
expect_eq "attempt with leading zero" "$(q "$T/awk.db" "select attempt, result from board_exams")" "1|pass"

# A header-only file is valid and holds no rows.
mkdir "$T/hdr"
head -1 fixtures/tiny/residents.csv >"$T/hdr/residents.csv"
run "$IMGO" ingest "$T/hdr" --db "$T/hdr.db"
expect_rc "header-only file" 0
expect_eq "header-only summary" "$(cat "$T/out")" "residents.csv: 0 rows read, 0 written, 0 rejected"

# Several directories in one command: residents of the first count for the
# second.
mkdir "$T/d1" "$T/d2"
cp fixtures/tiny/residents.csv "$T/d1/"
cp fixtures/tiny/milestone_ratings.csv "$T/d2/"
run "$IMGO" ingest "$T/d1" "$T/d2/" --db "$T/multi.db"
expect_rc "two directories" 0
expect_eq "two directories: both files" "$(cut -d: -f1 "$T/out" | tr '\n' ' ')" "residents.csv milestone_ratings.csv "
expect_eq "ledger path as given" "$(q "$T/multi.db" "select path from ingest_ledger where file='milestone_ratings.csv'")" "$T/d2/milestone_ratings.csv"
