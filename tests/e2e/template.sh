# imgo template: the eleven files as header-only CSVs and a README of every
# column; docs/INPUTS.md lists the same columns as the checks use.
. tests/lib.sh

run "$IMGO" template "$T/tpl"
expect_rc "template exits 0" 0
expect_eq "twelve files written" "$(ls "$T/tpl" | wc -l | tr -d ' ')" 12
expect_eq "paths on stdout" "$(sed -n 1p "$T/out")" "$T/tpl/residents.csv"
expect_eq "residents header" "$(cat "$T/tpl/residents.csv")" "resident_id,program,specialty,start_date,end_date,exit_reason,graduate_type,school_region,graduation_year,visa,step2_score,track"
expect_eq "board_exams header" "$(cat "$T/tpl/board_exams.csv")" "resident_id,exam,exam_date,attempt,result,score"
expect_eq "patient_experience header" "$(cat "$T/tpl/patient_experience.csv")" "resident_id,period,responses,mean_score"
expect_eq "each file one line" "$(cat "$T/tpl"/*.csv | wc -l | tr -d ' ')" 11

run "$IMGO" check "$T/tpl"
expect_rc "the empty templates are a valid cohort" 0
expect_eq "no rows" "$(sed -n 1p "$T/out")" "residents.csv: 0 rows read, 0 valid, 0 rejected"
printf 'R1,IM-001,Internal Medicine,2024-07-01,,,non_us_img,,2019,j1,240,categorical\n' >>"$T/tpl/residents.csv"
printf 'R1,ABIM-IM,2027-08-20,1,pass,\n' >>"$T/tpl/board_exams.csv"
run "$IMGO" check "$T/tpl"
expect_rc "filled-in templates check" 0
expect_eq "filled-in board_exams" "$(grep board_exams "$T/out")" "board_exams.csv: 1 rows read, 1 valid, 0 rejected"

# The README names every column of every file, says which are required and
# lists the allowed values.
R=$T/tpl/README.txt
for f in "$T"/tpl/*.csv; do
    name=$(basename "$f")
    missing=""
    for c in $(head -1 "$f" | tr , ' '); do
        awk -v f="$name" -v c="$c" '$0 == f { s = 1 } s && $1 == c { found = 1 } END { exit !found }' "$R" || missing="$missing $c"
    done
    expect_eq "README describes every column of $name" "$missing" ""
done
if grep -q '^  graduate_type (required)$' "$R" && grep -q '^      one of usmd, usdo, us_img, non_us_img (any case)$' "$R" &&
   grep -q '^  end_date$' "$R" && grep -q '^      whole number (digits only), 1 to 300$' "$R" &&
   grep -q '^Key: resident_id, exam, attempt (two rows' "$R"; then
    ok "README gives required columns, values, ranges and keys"
else
    not_ok "README gives required columns, values, ranges and keys" "$(head -60 "$R")"
fi

# docs/INPUTS.md: each file's table lists the template's columns, in order,
# the required ones marked *.
for f in "$T"/tpl/*.csv; do
    name=$(basename "$f")
    want=$(head -1 "$f" | tr , ' ')
    got=$(awk -v h="### $name" '$0 == h { s = 1; next } s && /^### / { s = 0 } s && /^\| [a-z_0-9]+\*? \|/ && $2 != "column" { c = $2; sub(/\*$/, "", c); printf "%s ", c }' docs/INPUTS.md | sed 's/ $//')
    expect_eq "docs/INPUTS.md lists the columns of $name" "$got" "$want"
done
req_doc=$(awk '/^\| [a-z_0-9]+\* \|/ { print $2 }' docs/INPUTS.md | tr -d '*' | sort | uniq | tr '\n' ' ')
req_readme=$(sed -n 's/^  \([a-z_0-9]*\) (required)$/\1/p' "$R" | sort | uniq | tr '\n' ' ')
expect_eq "docs/INPUTS.md marks the required columns" "$req_doc" "$req_readme"

run "$IMGO" template
expect_rc "template without DIR" 2
run "$IMGO" template "$T/a" "$T/b"
expect_rc "template with two DIRs" 2
: >"$T/file"
run "$IMGO" template "$T/file/x"
expect_rc "template into a file exits 3" 3
