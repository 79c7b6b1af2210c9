# imgo compute end to end: a synthetic cohort (docs/SYNTH.md) is ingested
# and computed; every planted effect must be recovered, and two runs must
# give byte-identical outputs. Also the command's options and errors.
. tests/lib.sh

# field NAME COLUMN: column COLUMN of the metrics.csv row whose first four
# fields are NAME (no field of these rows is quoted).
field() { awk -F, -v key="$1" -v col="$2" '$1 "," $2 "," $3 "," $4 == key { print $col }' "$T/res/metrics.csv"; }
# holds NAME EXPR: awk expression EXPR on x is true.
holds() {
    if [ -n "$2" ] && awk -v x="$2" "BEGIN { exit !($3) }"; then ok "$1"; else not_ok "$1" "value: '$2', want: $3"; fi
}

run "$IMGO" synth --residents 2500 --seed 11 --out "$T/cohort"
expect_rc "synth" 0
run "$IMGO" ingest "$T/cohort" --db "$T/c.db"
expect_rc "ingest" 0

run "$IMGO" compute --db "$T/c.db" --out "$T/res"
expect_rc "compute exits 0" 0
expect_eq "nothing on stdout" "$(cat "$T/out")" ""
expect_eq "header" "$(head -1 "$T/res/metrics.csv")" \
    "metric,group,stratum,period,n,k,value,ci_low,ci_high,p_value,q_value,suppressed"
expect_eq "sorted in byte order" "$(tail -n +2 "$T/res/metrics.csv" | cut -d, -f1-4 | LC_ALL=C sort -c 2>&1)" ""
for c in retention_km board_pass step3_visa fellowship_match mentorship_cadence mentor_load \
         milestone_forest evaluator_funnel feedback_forest workforce_km; do
    [ -f "$T/res/tables/$c.csv" ] && ok "table $c" || not_ok "table $c" "missing"
done

# 1. milestone gap: negative overall, ICS more negative than the others
gap=$(field "bias.milestone_gap,img_vs_non_img,," 7)
holds "milestone gap negative" "$gap" "x < -0.15"
ics=$(awk -F, '$1 == "bias.milestone_gap" && $3 ~ /subcompetency=ICS/ { s += $7; n++ } END { print s / n }' "$T/res/metrics.csv")
other=$(awk -F, '$1 == "bias.milestone_gap" && $3 ~ /subcompetency=/ && $3 !~ /ICS/ { s += $7; n++ } END { print s / n }' "$T/res/metrics.csv")
holds "ICS gap more negative than the others" "$ics $other" "(split(x, a, \" \") == 2) && a[1] < a[2] - 0.15"
# 2. the two biased evaluators are flagged: q < fdr_q (0.10) and gap < 0
for e in E003 E007; do
    v=$(field "bias.evaluator_gap,img_vs_non_img,evaluator=$e," 7)
    q=$(field "bias.evaluator_gap,img_vs_non_img,evaluator=$e," 11)
    holds "evaluator $e gap negative" "$v" "x < -0.8"
    holds "evaluator $e q < 0.10" "$q" "x < 0.10"
done
expect_eq "funnel marks the two evaluators" \
    "$(awk -F, '$1 == "flagged" { print $2 }' "$T/res/tables/evaluator_funnel.csv" | grep -c '^E00[37]$')" "2"
flagged=$(awk -F, '$1 == "bias.evaluator_gap" && $3 != "" && $11 != "" && $11 < 0.10 && $7 < 0' "$T/res/metrics.csv" | wc -l)
holds "few evaluators flagged" "$flagged" "x >= 2 && x <= 4"
# 3. negative communication feedback: odds ratio > 1, small p
or=$(field "bias.feedback_theme,img_vs_non_img,theme=communication," 7)
p=$(field "bias.feedback_theme,img_vs_non_img,theme=communication," 10)
holds "communication odds ratio > 1" "$or" "x > 1.4"
holds "communication p small" "$p" "x < 0.001"
# 4. tiered coverage of IMGs below non-IMGs
ci=$(field "mentorship.tiered_coverage,img,," 7)
cn=$(field "mentorship.tiered_coverage,non_img,," 7)
holds "IMG coverage below non-IMG" "$ci $cn" "(split(x, a, \" \") == 2) && a[1] < a[2] - 0.03"
# 5. one overloaded peer mentor, no other role overloaded
expect_eq "one peer overloaded" "$(field "mentorship.mentors_overloaded,all,role=peer," 6)" "1"
expect_eq "no faculty overloaded" "$(field "mentorship.mentors_overloaded,all,role=faculty," 6)" "0"
holds "peer load max above max_mentees" "$(field "mentorship.mentor_load_max,all,role=peer," 7)" "x > 4"
# 6. attrition: IMGs retained less, log-rank significant
holds "retention lower for IMGs" \
    "$(field "retention.km,img,t=1095," 7) $(field "retention.km,non_img,t=1095," 7)" \
    "(split(x, a, \" \") == 2) && a[1] < a[2]"
holds "log-rank significant" "$(field "retention.logrank,img_vs_non_img,," 10)" "x < 0.01"
# 7. board first-attempt difference negative over three years
d=$(awk -F, '$1 == "board.first_attempt_pass_diff" && $3 == "exam=ABIM-IM" && $4 ~ /-/ { print $7 }' "$T/res/metrics.csv")
holds "board pass difference negative" "$d" "x < 0"
expect_eq "step3 visa strata" \
    "$(awk -F, '$1 == "step3.pass_by_month12" && $2 == "img" && $3 != ""' "$T/res/metrics.csv" | wc -l)" "4"

# the database holds the same rows; a second run gives identical bytes
rows=$(($(wc -l <"$T/res/metrics.csv") - 1))
run "$IMGO" compute --db "$T/c.db" --out "$T/res2"
expect_rc "second compute" 0
cmp -s "$T/res/metrics.csv" "$T/res2/metrics.csv" && ok "byte-identical metrics.csv" \
    || not_ok "byte-identical metrics.csv" "$(diff "$T/res/metrics.csv" "$T/res2/metrics.csv" | head -5)"
same=1
for f in "$T"/res/tables/*.csv; do cmp -s "$f" "$T/res2/tables/$(basename "$f")" || same=0; done
expect_eq "byte-identical tables" "$same" "1"

# an explicit as-of equal to the data's latest date changes nothing
run "$IMGO" compute --db "$T/c.db" --out "$T/res3" --as-of 2026-06-30
expect_rc "compute with --as-of" 0
cmp -s "$T/res/metrics.csv" "$T/res3/metrics.csv" && ok "as-of default is the latest event" \
    || not_ok "as-of default is the latest event" "$(diff "$T/res/metrics.csv" "$T/res3/metrics.csv" | head -5)"
# an earlier as-of changes the numbers
run "$IMGO" compute --db "$T/c.db" --out "$T/res4" --as-of 2025-06-30
expect_rc "compute with an earlier as-of" 0
cmp -s "$T/res/metrics.csv" "$T/res4/metrics.csv" && not_ok "earlier as-of differs" "identical" \
    || ok "earlier as-of differs"

# options and errors
run "$IMGO" compute --help
expect_rc "help" 0
run "$IMGO" compute --db "$T/c.db"
expect_rc "no --out" 2
expect_err "no --out message" "imgo: compute: --db and --out are required; see 'imgo compute --help'"
run "$IMGO" compute --db "$T/none.db" --out "$T/o5"
expect_rc "missing database" 3
run "$IMGO" compute --db "$T/c.db" --out "$T/o5" --as-of 2025-02-30
expect_rc "bad --as-of" 2
expect_err "bad --as-of message" "imgo: --as-of: as_of: '2025-02-30' is not a valid date (YYYY-MM-DD)"
printf 'confidence = 0.9\nmin_cel = 3\n' >"$T/p.pipeline"
run "$IMGO" compute --db "$T/c.db" --out "$T/o5" --pipeline "$T/p.pipeline"
expect_rc "bad pipeline" 2
expect_err "bad pipeline message" "imgo: $T/p.pipeline:2: unknown key 'min_cel'"
[ ! -e "$T/o5" ] && ok "nothing written on error" || not_ok "nothing written on error" "$T/o5 exists"
printf 'confidence = 0.9\n' >"$T/p.pipeline"
run "$IMGO" compute --db "$T/c.db" --out "$T/o6" --pipeline "$T/p.pipeline" --set min_cell=3000
expect_rc "pipeline and --set" 0
expect_eq "min_cell 3000 suppresses all" "$(awk -F, '$1 == "retention.km" && $2 == "all" { print $12 }' "$T/o6/metrics.csv" | sort -u)" "1"
