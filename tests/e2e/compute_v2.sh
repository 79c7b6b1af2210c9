# Version 2 of the metrics end to end, on a tiny cohort written here:
# board.adjusted_or against a value worked by hand, the record of which
# files had rows (compute_sources) and the rows an absent file does not
# get, the programs filter and the new pipeline keys from the command line.
. tests/lib.sh

# field NAME COLUMN: as in compute.sh, on $T/res/metrics.csv
field() { awk -F, -v key="$1" -v col="$2" '$1 "," $2 "," $3 "," $4 == key { print $col }' "$T/res/metrics.csv"; }
# near NAME GOT WANT: |GOT - WANT| <= 1e-9 * |WANT|
near() {
    if [ -n "$2" ] && awk -v g="$2" -v w="$3" 'BEGIN { d = g - w; if (d < 0) d = -d; a = w < 0 ? -w : w; exit !(d <= 1e-9 * a) }'; then
        ok "$1"; else not_ok "$1" "got '$2', want $3"; fi
}

# ABIM-IM first attempts 2023-2025 with step2_score; in each group the mean
# score is 230, and so is the passers' mean: the fit of pass ~ 1 + img + z
# is the 2x2 table's, b_img = ln((2/2) / (3/2)), var(b_img) = 1/2 + 1/2 +
# 1/3 + 1/2 (test_compute_board.c works it through; R's glm agrees):
# OR 2/3, CI (0.04692198789, 9.471986683), Wald p 0.7645922705, n 9, k 5.
# R10 has no score and R11 took the exam in 2022: not in the model.
mkdir -p "$T/c"
{
    echo "resident_id,program,specialty,start_date,end_date,exit_reason,graduate_type,school_region,graduation_year,visa,step2_score,track"
    i=0
    for row in "us_img 220" "us_img 240" "non_us_img 230" "us_img 230" "usmd 220" "usmd 240" "usdo 230" \
               "usmd 225" "usmd 235" "us_img " "usmd 250"; do
        i=$((i + 1))
        set -- $row
        prog=IM-001; [ $i -gt 8 ] && prog=FM-002
        printf 'R%02d,%s,Internal Medicine,2020-07-01,,,%s,,,,%s,categorical\n' "$i" "$prog" "$1" "${2:-}"
    done
} >"$T/c/residents.csv"
{
    echo "resident_id,exam,exam_date,attempt,result,score"
    i=0
    for r in pass pass fail fail pass pass pass fail fail pass fail; do
        i=$((i + 1))
        y=$((2023 + i % 3)); [ $i = 11 ] && y=2022
        printf 'R%02d,ABIM-IM,%d-03-01,1,%s,\n' "$i" "$y" "$r"
    done
} >"$T/c/board_exams.csv"
echo "resident_id,evaluator_id,eval_date,rotation,pgy,score" >"$T/c/evaluations.csv"

run "$IMGO" ingest "$T/c" --db "$T/c.db"
expect_rc "ingest" 0
run "$IMGO" compute --db "$T/c.db" --out "$T/res" --as-of 2025-12-31
expect_rc "compute" 0
key="board.adjusted_or,img_vs_non_img,exam=ABIM-IM,2023-2025"
expect_eq "adjusted OR n" "$(field "$key" 5)" "9"
expect_eq "adjusted OR k" "$(field "$key" 6)" "5"
near "adjusted OR value" "$(field "$key" 7)" 0.6666666667
near "adjusted OR ci_low" "$(field "$key" 8)" 0.04692198789
near "adjusted OR ci_high" "$(field "$key" 9)" 9.471986683
near "adjusted OR p" "$(field "$key" 10)" 0.7645922705

# which files had rows: board_exams yes, evaluations header-only, the rest not given
has() { sqlite3 "$T/c.db" "SELECT has_rows FROM compute_sources WHERE file = '$1'"; }
expect_eq "residents.csv recorded" "$(has residents.csv)" "1"
expect_eq "board_exams.csv recorded" "$(has board_exams.csv)" "1"
expect_eq "header-only evaluations.csv recorded as absent" "$(has evaluations.csv)" "0"
expect_eq "missing ccc_actions.csv recorded as absent" "$(has ccc_actions.csv)" "0"
expect_eq "every cohort file recorded" "$(sqlite3 "$T/c.db" 'SELECT count(*) FROM compute_sources')" "11"
absent=$(awk -F, '$1 ~ /^(mentorship|bias|fellowship|workforce|patient|trend\.adverse|milestone|institution\.(adverse|tiered|milestone))/' "$T/res/metrics.csv" | wc -l)
expect_eq "no row of an absent file" "$absent" "0"
expect_eq "step3 rows (board_exams present)" "$(grep -c '^step3\.pass_by_month12,' "$T/res/metrics.csv")" "7"
expect_eq "institution board pass for both programs" \
    "$(awk -F, '$1 == "institution.board_pass" && $3 ~ /^program=/ { print $3 }' "$T/res/metrics.csv" | sort -u | tr '\n' ' ')" \
    "program=FM-002 program=IM-001 "
for c in mentorship_cadence mentor_load evaluator_funnel feedback_forest milestone_forest workforce_km; do
    expect_eq "chart $c empty" "$(wc -l <"$T/res/tables/$c.csv")" "1"
done

# the programs filter, IM-001 only (R09-R11 are FM-002); the new keys from
# --set and from a pipeline file
run "$IMGO" compute --db "$T/c.db" --out "$T/res" --as-of 2025-12-31 --set "programs= IM-001 "
expect_rc "compute with programs" 0
expect_eq "programs: residents" "$(field "cohort.residents,all,," 5)" "8"
expect_eq "programs: no FM-002 row" "$(grep -c 'program=FM-002' "$T/res/metrics.csv")" "0"
expect_eq "programs in compute_info" "$(sqlite3 "$T/c.db" "SELECT value FROM compute_info WHERE key = 'programs'")" "IM-001"
printf 'mentorship_launch = 2020-07-01\nl4_threshold = 3\n' >"$T/p.pipeline"
run "$IMGO" compute --db "$T/c.db" --out "$T/res" --as-of 2025-12-31 --pipeline "$T/p.pipeline"
expect_rc "compute with a launch date" 0
expect_eq "launch: board cells (ccc_actions absent)" "$(grep -c '^launch\.rate,.*outcome=board_first_attempt' "$T/res/metrics.csv")" "4"
expect_eq "launch: no adverse cells" "$(grep -c '^launch\..*outcome=adverse_action' "$T/res/metrics.csv")" "0"
expect_eq "launch: two DiD rows" "$(grep -c '^launch\.did,' "$T/res/metrics.csv")" "2"
expect_eq "l4_threshold in compute_info" "$(sqlite3 "$T/c.db" "SELECT value FROM compute_info WHERE key = 'l4_threshold'")" "3"
run "$IMGO" compute --db "$T/c.db" --out "$T/res" --set l4_threshold=9
expect_rc "bad l4_threshold" 2
expect_err "bad l4_threshold message" "imgo: --set: l4_threshold: '9' is not a number from 1 to 5"
run "$IMGO" compute --db "$T/c.db" --out "$T/res" --set required_roles_img=faculty,mentor
expect_rc "bad required role" 2
expect_err "bad required role message" \
    "imgo: --set: required_roles_img: 'mentor' is not a mentor role (senior_resident, faculty, peer)"
