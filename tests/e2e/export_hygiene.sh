# Exports that are not quite cohort files, read without a map: each gets a
# message that says what the file is and how to read it, instead of an
# error that hides the cause.
. tests/lib.sh

H=resident_id,program,specialty,start_date,end_date,exit_reason,graduate_type
cohort() { rm -rf "$T/c"; mkdir "$T/c"; }

# Windows-1252 (Excel's "CSV"): in the header, and in a field.
cohort
printf 'resident_id,program,specialty,start_date,end_date,exit_reason,graduate_type,r\351gion\n' >"$T/c/residents.csv"
run "$IMGO" check "$T/c"
expect_rc "Windows-1252 header exits 1" 1
expect_err "Windows-1252 header" "imgo: residents.csv:1: not valid UTF-8: the file looks like Windows-1252 (Excel's \"CSV\"): a map with \"encoding = windows-1252\" reads it, see docs/MAPS.md"
cohort
printf '%s,school_region\nX1,IM,Internal Medicine,2021-07-01,,,usmd,C\364te d\222Ivoire\nX2,IM,IM,2021-07-01,,,usmd,\nX3,IM,M\351decine,2021-07-01,,,usmd,\n' "$H" >"$T/c/residents.csv"
run "$IMGO" check "$T/c"
expect_rc "Windows-1252 fields exit 1" 1
expect_err "the field is still a row error" "imgo: residents.csv:2:school_region: field is not valid UTF-8"
expect_err "one line says what the file looks like" "imgo: residents.csv: 2 fields not valid UTF-8, the first on line 2: the file looks like Windows-1252 (Excel's \"CSV\"): a map with \"encoding = windows-1252\" reads it, see docs/MAPS.md"
cohort
printf '%s\nX1,IM,Internal Medicine\201,2021-07-01,,,usmd\n' "$H" >"$T/c/residents.csv"
run "$IMGO" check "$T/c"
expect_err "a byte Windows-1252 lacks: Latin-1" "imgo: residents.csv: 1 field not valid UTF-8, the first on line 2: the file looks like Latin-1: a map with \"encoding = latin-1\" reads it, see docs/MAPS.md"

# Separated by ';' or tabs.
cohort
printf 'resident_id;program;specialty;start_date;graduate_type\nX1;IM;IM;2021-07-01;usmd\n' >"$T/c/residents.csv"
run "$IMGO" check "$T/c"
expect_rc "';'-separated exits 1" 1
expect_err "';'-separated" "imgo: residents.csv:1: the file is ';'-separated, not comma-separated: a map with \"delimiter = ;\" reads it, see docs/MAPS.md"
expect_eq "no unknown-column warning" "$(grep -c 'unknown column' "$T/err")" 0
expect_eq "';'-separated summary" "$(cat "$T/out")" "residents.csv: file rejected"
cohort
printf 'resident_id\tprogram\tspecialty\tstart_date\tgraduate_type\nX1\tIM\tIM\t2021-07-01\tusmd\n' >"$T/c/residents.csv"
run "$IMGO" check "$T/c"
expect_err "tab-separated" "imgo: residents.csv:1: the file is tab-separated, not comma-separated: a map with \"delimiter = tab\" reads it, see docs/MAPS.md"

# Excel workbooks: beside the cohort files, and under a cohort file's name.
cohort
cp fixtures/tiny/residents.csv "$T/c/"
printf 'PK\003\004\024\000\006\000rest of a zip' >"$T/c/Board Exams.xlsx"
printf '\320\317\021\340\241\261\032\341rest' >"$T/c/old.xls"
run "$IMGO" check "$T/c"
expect_rc "workbooks beside a valid cohort are warnings" 0
expect_err "an .xlsx file" "imgo: warning: $T/c/Board Exams.xlsx: not read: an Excel workbook, not a CSV file: in Excel, use File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\", one file per sheet, named board_exams.csv"
expect_err "an .xls file" "imgo: warning: $T/c/old.xls: not read: an Excel workbook, not a CSV file: in Excel, use File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\", one file per sheet"
cohort
printf 'PK\003\004\024\000\006\000rest of a zip' >"$T/c/residents.csv"
run "$IMGO" check "$T/c"
expect_rc "a workbook named residents.csv exits 1" 1
expect_err "a workbook named residents.csv" "imgo: residents.csv:1: an Excel workbook, not a CSV file: in Excel, use File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\", one file per sheet"

# A file that is not a cohort file, but close to one.
cohort
cp fixtures/tiny/residents.csv "$T/c/"
cp fixtures/tiny/board_exams.csv "$T/c/Board Exams.csv"
cp fixtures/tiny/feedback.csv "$T/c/feedbacks.csv"
cp fixtures/tiny/ccc_actions.csv "$T/c/ccc.csv"
run "$IMGO" check "$T/c"
expect_err "did you mean board_exams.csv" "imgo: warning: $T/c/Board Exams.csv: not a cohort file, ignored; did you mean board_exams.csv?"
expect_err "did you mean feedback.csv" "imgo: warning: $T/c/feedbacks.csv: not a cohort file, ignored; did you mean feedback.csv?"
expect_err "not close to any: no guess" "imgo: warning: $T/c/ccc.csv: not a cohort file, ignored"

# residents.csv rejected: one line per other file, which counts as rejected.
cohort
printf '%s\nN1,IM,IM,2021-02-30,,,usmd\nN2,IM,IM,2021-07-01,,,usmd\n' "$H" >"$T/c/residents.csv"
printf 'resident_id,exam,exam_date,attempt,result\nN1,ABIM-IM,2024-08-20,1,pass\nN2,ABIM-IM,2024-08-20,1,pass\nN2,USMLE-STEP3,2023-08-20,1,pass\n' >"$T/c/board_exams.csv"
printf 'resident_id,review_date,action\nN1,2022-01-10,probation\nN2,2022-01-10,nonsense\n' >"$T/c/ccc_actions.csv"
run "$IMGO" check "$T/c"
expect_rc "rejected residents.csv exits 1" 1
expect_err "board_exams.csv not checked" "imgo: board_exams.csv: not checked: residents.csv was rejected"
expect_err "ccc_actions.csv not checked" "imgo: ccc_actions.csv: not checked: residents.csv was rejected"
expect_err "other errors still listed" "imgo: ccc_actions.csv:3:action: \"nonsense\" is not one of satisfactory, focused_review, remediation, probation, non_promotion, dismissal"
expect_eq "no per-row unknown residents" "$(grep -c 'known resident' "$T/err")" 0
expect_eq "board_exams.csv counts as rejected" "$(grep board_exams "$T/out")" "board_exams.csv: 3 rows read, 0 valid, 3 rejected (file rejected)"
"$IMGO" ingest fixtures/tiny --db "$T/db" >/dev/null 2>&1
run "$IMGO" ingest "$T/c" --db "$T/db" --skip-bad-rows --rejects "$T/rj"
expect_rc "with --skip-bad-rows: residents.csv written, others checked" 0
printf 'resident_id,program\nN1,IM\n' >"$T/c/residents.csv"
run "$IMGO" ingest "$T/c" --db "$T/db2" --skip-bad-rows --rejects "$T/rj2"
expect_rc "with --skip-bad-rows and residents.csv rejected whole" 1
expect_eq "with --skip-bad-rows the file is rejected whole" "$(grep board_exams "$T/out")" "board_exams.csv: file rejected"
