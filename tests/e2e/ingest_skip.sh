# --skip-bad-rows: good rows written, bad rows copied verbatim to
# REJECTS/FILE with an "error" column; duplicates both rejected.
. tests/lib.sh

q() { sqlite3 "$1" "$2"; }
mkdir "$T/c"
printf 'resident_id,program,specialty,start_date,end_date,exit_reason,graduate_type\r\nS1,IM,IM,2021-07-01,,,usmd\r\nS2,IM,"Internal\nMedicine",2021-02-30,,,usmd\r\nS3,IM,IM,2021-07-01,,,usmd,x\r\nS4,IM,IM,2021-07-01,,,usmd\r\n' >"$T/c/residents.csv"
printf 'resident_id,review_date,pgy,subcompetency,rating\nS1,2022-06-15,1,PC1,3\nS1,2022-06-15,1,PC2,3\nS1,2022-06-15,1,pc1,4\nS2,2022-06-15,1,PC1,2\nS4,2022-06-15,1,PC1,2.5\n' >"$T/c/milestone_ratings.csv"

mkdir "$T/o"
run "$IMGO" ingest "$T/c" --db "$T/o/db.sqlite" --skip-bad-rows
expect_rc "skip-bad-rows exits 0 when every file is written" 0
expect_eq "residents summary" "$(sed -n 1p "$T/out")" "residents.csv: 4 rows read, 2 written, 2 rejected"
expect_eq "milestone summary" "$(sed -n 2p "$T/out")" "milestone_ratings.csv: 5 rows read, 2 written, 3 rejected"
expect_err "bad rows still reported" "imgo: residents.csv:3:start_date: \"2021-02-30\" is not a valid date (YYYY-MM-DD)"
expect_eq "good residents written" "$(q "$T/o/db.sqlite" 'select group_concat(resident_id) from residents')" "S1,S4"
expect_eq "both duplicate rows left out" "$(q "$T/o/db.sqlite" "select group_concat(subcompetency || rating) from milestone_ratings")" "PC23.0,PC12.5"
expect_eq "ledger counts" "$(q "$T/o/db.sqlite" "select rows_read || ' ' || rows_written || ' ' || rows_rejected from ingest_ledger where file = 'milestone_ratings.csv'")" "5 2 3"
printf 'resident_id,program,specialty,start_date,end_date,exit_reason,graduate_type,error\nS2,IM,"Internal\nMedicine",2021-02-30,,,usmd,"start_date: ""2021-02-30"" is not a valid date (YYYY-MM-DD)"\nS3,IM,IM,2021-07-01,,,usmd,x,"8 fields, the header has 7"\n' >"$T/want1"
if cmp -s "$T/want1" "$T/o/rejects/residents.csv"; then ok "residents rejects verbatim, default dir beside the db"; else not_ok "residents rejects verbatim" "$(cat "$T/o/rejects/residents.csv")"; fi
printf 'resident_id,review_date,pgy,subcompetency,rating,error\nS1,2022-06-15,1,PC1,3,"duplicate key (resident_id ""S1"", review_date ""2022-06-15"", subcompetency ""PC1"") also on line 4"\nS1,2022-06-15,1,pc1,4,"duplicate key (resident_id ""S1"", review_date ""2022-06-15"", subcompetency ""PC1"") also on line 2"\nS2,2022-06-15,1,PC1,2,"resident_id: ""S2"" is not a known resident"\n' >"$T/want2"
if cmp -s "$T/want2" "$T/o/rejects/milestone_ratings.csv"; then ok "duplicate rows both in rejects, in file order"; else not_ok "milestone rejects" "$(cat "$T/o/rejects/milestone_ratings.csv")"; fi
expect_eq "no temporary files left" "$(ls -A "$T/o/rejects" | tr '\n' ' ')" "milestone_ratings.csv residents.csv "

# --rejects DIR; a file rejected whole is still rejected (exit 1).
mkdir "$T/c2"
printf 'resident_id,program\nZ1,IM\n' >"$T/c2/residents.csv"
printf 'resident_id,review_date,pgy,subcompetency,rating\nS4,2023-06-15,2,PC1,9\nS4,2023-06-15,2,PC2,4\n' >"$T/c2/milestone_ratings.csv"
run "$IMGO" ingest "$T/c2" --db "$T/o/db.sqlite" --skip-bad-rows --rejects "$T/rej"
expect_rc "a file rejected whole exits 1" 1
expect_eq "whole-file summary" "$(sed -n 1p "$T/out")" "residents.csv: file rejected"
expect_eq "other file still written" "$(sed -n 2p "$T/out")" "milestone_ratings.csv: 2 rows read, 1 written, 1 rejected"
expect_eq "rejects go to --rejects" "$(tail -1 "$T/rej/milestone_ratings.csv")" 'S4,2023-06-15,2,PC1,9,"rating: ""9"" is out of range 1..5"'
if [ -e "$T/rej/residents.csv" ]; then not_ok "no rejects file for a file rejected whole"; else ok "no rejects file for a file rejected whole"; fi

# A clean file removes a stale rejects file of an earlier run.
mkdir "$T/c3"
printf 'resident_id,review_date,pgy,subcompetency,rating\nS4,2024-06-15,3,PC1,4\n' >"$T/c3/milestone_ratings.csv"
run "$IMGO" ingest "$T/c3" --db "$T/o/db.sqlite" --skip-bad-rows --rejects "$T/rej"
expect_rc "clean file with --skip-bad-rows" 0
if [ -e "$T/rej/milestone_ratings.csv" ]; then not_ok "stale rejects removed"; else ok "stale rejects removed"; fi

# Several DIRs with the same file: their rejects end up in one file.
mkdir "$T/m1" "$T/m2"
printf 'resident_id,review_date,pgy,subcompetency,rating\nS4,2025-06-15,3,PC1,7\n' >"$T/m1/milestone_ratings.csv"
printf 'resident_id,review_date,pgy,subcompetency,rating\nS4,2025-12-15,3,PC1,0\n' >"$T/m2/milestone_ratings.csv"
run "$IMGO" ingest "$T/m1" "$T/m2" --db "$T/o/db.sqlite" --skip-bad-rows --rejects "$T/rej2"
expect_rc "two DIRs with bad rows" 0
expect_eq "rejects of both DIRs, one header" "$(cut -d, -f2 "$T/rej2/milestone_ratings.csv" | tr '\n' ' ')" "review_date 2025-06-15 2025-12-15 "
