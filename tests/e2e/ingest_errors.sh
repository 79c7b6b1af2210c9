# Bad input: exact FILE:LINE:COLUMN messages, all-or-nothing per file, the
# database left as it was, exit statuses.
. tests/lib.sh

q() { sqlite3 "$1" "$2"; }
H=resident_id,program,specialty,start_date,end_date,exit_reason,graduate_type
cohort() { rm -rf "$T/c"; mkdir "$T/c"; }

"$IMGO" ingest fixtures/tiny --db "$T/db" >/dev/null 2>&1
q "$T/db" .dump >"$T/before"
same_db() {
    q "$T/db" .dump >"$T/after"
    if cmp -s "$T/before" "$T/after"; then ok "$1"; else not_ok "$1" "database changed"; fi
}

# Row errors reject the whole file, every bad row reported, db unchanged.
cohort
printf '%s\nN1,IM,IM,2021-07-01,,,usmd\nN2,IM,IM,2021-02-30,,,usmd\nN3,IM,IM,2021-07-01,,,usmd,extra\nN4,IM,,2021-07-01,,,usmd\nN5,IM,IM,2021-07-01,2021-08-01,,usmd\n' "$H" >"$T/c/residents.csv"
printf 'resident_id,review_date,pgy,subcompetency,rating\nR001,2022-06-15,2,PC1,3.5\nN1,2022-06-15,2,PC1,3.5\n' >"$T/c/milestone_ratings.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_rc "bad rows exit 1" 1
expect_err "invalid date" "imgo: residents.csv:3:start_date: \"2021-02-30\" is not a valid date (YYYY-MM-DD)"
expect_err "field count" "imgo: residents.csv:4: 8 fields, the header has 7"
expect_err "required missing" "imgo: residents.csv:5:specialty: required value is missing"
expect_err "pairing on exit_reason" "imgo: residents.csv:6:exit_reason: missing; required when end_date is set"
expect_eq "file rejected summary" "$(sed -n 1p "$T/out")" "residents.csv: 5 rows read, 0 written, 4 rejected (file rejected)"
expect_err "rows naming residents of a rejected residents.csv: one line for the file" "imgo: milestone_ratings.csv: not checked: residents.csv was rejected"
expect_eq "rows naming residents of a rejected residents.csv are not listed one by one" "$(grep -c 'not a known resident' "$T/err")" 0
expect_eq "other file rejected too" "$(sed -n 2p "$T/out")" "milestone_ratings.csv: 2 rows read, 0 written, 1 rejected (file rejected)"
same_db "rejected files leave the database unchanged"

# Duplicate keys: both rows are errors, keys compared after normalisation.
cohort
printf 'resident_id,review_date,pgy,subcompetency,rating\nR001,2022-06-15,2,pc1,3.5\nR001,2022-06-15,2,PC2,3.5\nR001,2022-06-15,2,PC1 ,4\nR001,2022-06-15,2,Pc1,4\n' >"$T/c/milestone_ratings.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_rc "duplicate keys exit 1" 1
expect_err "first row of a duplicate" "imgo: milestone_ratings.csv:2: duplicate key (resident_id \"R001\", review_date \"2022-06-15\", subcompetency \"PC1\") also on line 4"
expect_err "second row of a duplicate" "imgo: milestone_ratings.csv:4: duplicate key (resident_id \"R001\", review_date \"2022-06-15\", subcompetency \"PC1\") also on line 2"
expect_err "third row of a duplicate" "imgo: milestone_ratings.csv:5: duplicate key (resident_id \"R001\", review_date \"2022-06-15\", subcompetency \"PC1\") also on line 2"
expect_eq "first row reported once" "$(grep -c 'csv:2: duplicate' "$T/err")" 1
expect_eq "duplicates counted" "$(cat "$T/out")" "milestone_ratings.csv: 4 rows read, 0 written, 3 rejected (file rejected)"
cohort
printf 'resident_id,exam,exam_date,attempt,result\nR001,abim-im,2024-08-20,1,pass\nR001,ABIM-IM,2024-08-21,01,fail\n' >"$T/c/board_exams.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_err "exam upper-cased and attempt numeric before comparing" "imgo: board_exams.csv:3: duplicate key (resident_id \"R001\", exam \"ABIM-IM\", attempt \"01\") also on line 2"
cohort
printf 'resident_id,evaluator_id,feedback_date,theme,valence\nR001,E1,2022-01-01,Teamwork,positive\nR001,E1,2022-01-01,teamwork,POSITIVE\n' >"$T/c/feedback.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_err "enums canonical before comparing" "imgo: feedback.csv:3: duplicate key (resident_id \"R001\", evaluator_id \"E1\", feedback_date \"2022-01-01\", theme \"teamwork\", valence \"positive\") also on line 2"
cohort
printf 'resident_id,evaluator_id,feedback_date,theme,valence\nR001,E1,2022-01-01,teamwork,positive\nR001,e1,2022-01-01,teamwork,positive\n' >"$T/c/feedback.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_rc "ids are case-sensitive: no duplicate" 0
q "$T/db" .dump >"$T/before"

# Duplicates among rows written 64 at a time: within one batch, across
# batches, three times, and in the last partial batch.
cohort
awk 'BEGIN { print "resident_id,review_date,pgy,subcompetency,rating"
             for (i = 0; i < 200; i++) {
                 s = "S" i
                 if (i == 10) s = "S3"; if (i == 150) s = "S20"; if (i == 151) s = "s20"; if (i == 199) s = "S190"
                 printf "R001,2022-06-15,2,%s,3\n", s } }' >"$T/c/milestone_ratings.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_rc "duplicates in batches exit 1" 1
expect_eq "duplicates in batches counted" "$(cat "$T/out")" "milestone_ratings.csv: 200 rows read, 0 written, 7 rejected (file rejected)"
k='duplicate key (resident_id "R001", review_date "2022-06-15", subcompetency'
expect_err "same batch, first" "imgo: milestone_ratings.csv:5: $k \"S3\") also on line 12"
expect_err "same batch, second" "imgo: milestone_ratings.csv:12: $k \"S3\") also on line 5"
expect_err "across batches, first" "imgo: milestone_ratings.csv:22: $k \"S20\") also on line 152"
expect_err "across batches, second" "imgo: milestone_ratings.csv:152: $k \"S20\") also on line 22"
expect_err "across batches, third" "imgo: milestone_ratings.csv:153: $k \"S20\") also on line 22"
expect_err "last partial batch" "imgo: milestone_ratings.csv:201: $k \"S190\") also on line 192"
expect_eq "seven rows reported" "$(grep -c duplicate "$T/err")" 7
"$IMGO" ingest fixtures/tiny --db "$T/skip.db" >/dev/null 2>&1
run "$IMGO" ingest "$T/c" --db "$T/skip.db" --skip-bad-rows --rejects "$T/rj"
expect_rc "duplicates in batches with --skip-bad-rows" 0
expect_eq "duplicates in batches: written" "$(cat "$T/out")" "milestone_ratings.csv: 200 rows read, 193 written, 7 rejected"
expect_eq "duplicates in batches: stored" "$(q "$T/skip.db" "select count(*), sum(line) from milestone_ratings where ingest_id = 12")" "193|$((20300 - 5 - 12 - 22 - 152 - 153 - 192 - 201))"
expect_eq "duplicates in batches: rejected lines" "$(cut -d, -f4 "$T/rj/milestone_ratings.csv" | tr '\n' ' ')" "subcompetency S3 S3 S20 S20 s20 S190 S190 "

# The first 100 bad rows in full, then a count.
cohort
awk 'BEGIN { print "resident_id,review_date,pgy,subcompetency,rating"; for (i = 0; i < 150; i++) printf "R001,2022-06-15,9,S%d,3\n", i }' >"$T/c/milestone_ratings.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_eq "100 rows reported" "$(grep -c 'pgy: "9" is out of range 1..8' "$T/err")" 100
expect_err "then a count" "imgo: milestone_ratings.csv: 50 more bad rows not shown (150 in all)"

# Whole-file rejections: FILE:1: message.
cohort
: >"$T/c/residents.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_rc "0-byte file exits 1" 1
expect_err "0-byte file" "imgo: residents.csv:1: empty file (no header)"
expect_eq "0-byte summary" "$(cat "$T/out")" "residents.csv: file rejected"
cohort
printf 'resident_id,program,start_date,graduate_type\nX1,IM,2021-07-01,usmd\n' >"$T/c/residents.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_err "missing required column" "imgo: residents.csv:1: required column \"specialty\" is missing"
cohort
printf '%s,Program\n' "$H" >"$T/c/residents.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_err "duplicated column" "imgo: residents.csv:1: column \"Program\" appears twice (columns 2 and 8)"
cohort
printf '%s,\n' "$H" >"$T/c/residents.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_err "empty column name" "imgo: residents.csv:1: column 8 has an empty name"
cohort
awk -v h="$H" 'BEGIN { printf "%s", h; for (i = 0; i < 250; i++) printf ",x%d", i; print "" }' >"$T/c/residents.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_err "more than 256 columns" "imgo: residents.csv:1: 257 columns; at most 256 are accepted"
cohort
printf '%s\r\nX1,IM,IM,2021-07-01,,,usmd\rX2,IM,IM,2021-07-01,,,usmd\r' "$H" >"$T/c/residents.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_err "bare CR" "imgo: residents.csv:2: bare CR line ending (only LF and CRLF are accepted)"
cohort
printf '\377\376r\000e\000s\000\n\000' >"$T/c/residents.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_err "UTF-16" "imgo: residents.csv:1: UTF-16 text is not accepted (export as UTF-8)"
cohort
head -c 300 "$IMGO" >"$T/c/residents.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_err "binary" "imgo: residents.csv:1: not a UTF-8 text file (UTF-16 or binary content)"
cohort
printf '%s\nX1,IM,"IM,2021-07-01,,,usmd\n' "$H" >"$T/c/residents.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_err "open quote" "imgo: residents.csv:2: quoted field not closed at the end of the file"
cohort
printf '%s\nX1,IM,IM,2021-07-01,,,usmd\nX2,IM,IM,2021-07-01,,,usmd\n' "$H" >"$T/c/residents.csv"
cp "$T/c/residents.csv" "$T/c/RESIDENTS.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_rc "two files with one name exit 1" 1
expect_err "two files with one name" "imgo: residents.csv: more than one file in $T/c is named residents.csv (names are matched case-insensitively)"
same_db "file-level rejections leave the database unchanged"

# Bytes inside fields.
cohort
printf '%s\nX1,I\000M,IM,2021-07-01,,,usmd\nX2,I\303M,IM,2021-07-01,,,usmd\n' "$H" >"$T/c/residents.csv"
awk -v h="$H" 'BEGIN { print h; printf "X3,"; for (i = 0; i < 10001; i++) printf "x"; print ",IM,2021-07-01,,,usmd" }' >>"$T/c/residents.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_err "NUL" "imgo: residents.csv:2:program: field contains a NUL byte"
expect_err "invalid UTF-8" "imgo: residents.csv:3:program: field is not valid UTF-8"
expect_err "field too long" "imgo: residents.csv:5:program: field is longer than 10000 bytes"

# --strict: an unknown column is an error.
cohort
printf '%s,notes\nX1,IM,IM,2021-07-01,,,usmd,hello\n' "$H" >"$T/c/residents.csv"
run "$IMGO" check "$T/c"
expect_rc "unknown column is a warning" 0
expect_err "unknown column warning" "imgo: warning: residents.csv:1: unknown column \"notes\" ignored"
run "$IMGO" check "$T/c" --strict
expect_rc "unknown column under --strict" 1
expect_err "unknown column error" "imgo: residents.csv:1: unknown column \"notes\""
run "$IMGO" ingest "$T/c" --db "$T/db" --strict
expect_rc "ingest --strict rejects" 1
same_db "strict rejection leaves the database unchanged"

# Exit statuses: usage 2, I/O 3.
run "$IMGO" ingest "$T/c"
expect_rc "ingest without --db" 2
expect_err "ingest without --db says so" "imgo: --db FILE is required; see 'imgo ingest --help'"
run "$IMGO" ingest --db "$T/db"
expect_rc "ingest without DIR" 2
run "$IMGO" ingest "$T/c" --db "$T/db" --bogus
expect_rc "unknown option" 2
run "$IMGO" ingest "$T/c" --db "$T/db" --rejects "$T/r"
expect_rc "--rejects needs --skip-bad-rows" 2
run "$IMGO" check
expect_rc "check without DIR" 2
run "$IMGO" ingest "$T/nonexistent" --db "$T/db"
expect_rc "missing directory exits 3" 3
expect_err "missing directory message" "imgo: $T/nonexistent: cannot open directory: No such file or directory"
run "$IMGO" check "$T/nonexistent"
expect_rc "check of a missing directory exits 3" 3
run "$IMGO" check fixtures/tiny --db "$T/nonexistent.db"
expect_rc "check --db of a missing database exits 3" 3
cohort
mkdir "$T/c/residents.csv"
run "$IMGO" ingest "$T/c" --db "$T/db"
expect_rc "unreadable cohort file exits 3" 3
expect_err "unreadable cohort file message" "imgo: $T/c/residents.csv: cannot read: not a regular file"
run "$IMGO" ingest fixtures/tiny --db "$T/nodir/x.db"
expect_rc "database in a missing directory exits 3" 3
same_db "nothing written by failed commands"
