# --compare-to PREV on imgo run and imgo report: the section "Since the
# last report" of the annual report (and the institution report) sets the
# demo cohort beside a run of it one year earlier: the as-of dates, each
# headline figure then (exactly as the earlier report printed it) and now,
# an accreditation flag raised and one cleared, evaluators no longer
# flagged, a changed input file and a changed parameter; an earlier run
# without public.csv; PREV missing, not a directory, or not an imgo output
# (exit 2 naming the file, nothing run); PREV being the output directory
# itself.
. tests/lib.sh

sec() { sed -n '/<section id="since">/,/<\/section>/p' "$T/$1/report.html"; }
has() { if sec "$1" | grep -qF -- "$3"; then ok "$2"; else not_ok "$2" "no: $3"; fi; }
hasnt() { if sec "$1" | grep -qF -- "$3"; then not_ok "$2" "found: $3"; else ok "$2"; fi; }

# the earlier run: a year before, a lower threshold, an employment.csv
# without its last row
mkdir "$T/in"
cp fixtures/demo/*.csv "$T/in/"
sed '$d' fixtures/demo/employment.csv >"$T/in/employment.csv"
run "$IMGO" run pipelines/annual.pipeline --input "$T/in" --out "$T/p" --db "$T/p.db" --as-of 2025-06-30 \
    --set board_pass_threshold=0.70
expect_rc "the earlier run" 0
run "$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out "$T/a" --db "$T/a.db"
expect_rc "a run without --compare-to" 0
if grep -q '<section id="since">' "$T/a/report.html"; then not_ok "no comparison without --compare-to"
else ok "no comparison without --compare-to"; fi

run "$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out "$T/c" --db "$T/c.db" --compare-to "$T/p"
expect_rc "imgo run --compare-to" 0
expect_eq "prints the report path" "$(cat "$T/out")" "$T/c/report.html"
if grep -q '<h2>2. Since the last report</h2>' "$T/c/report.html"; then ok "section 2 is Since the last report"
else not_ok "section 2 is Since the last report"; fi
if grep -q '<li><a href="#since">Since the last report</a></li>' "$T/c/report.html"; then ok "in the contents"
else not_ok "in the contents"; fi
has c "the as-of dates, one year apart" "Its data were as of 2025-06-30; this report's are as of 2026-06-30: one year later."
# a headline figure as the earlier report printed it, and now
B=board.first_attempt_pass_rate
then=$(awk -F, -v k="$B,all,exam=ABIM-IM,2022-2024,value," 'index($0, k) == 1 { sub(/^.*,/, ""); print }' "$T/p/public.csv")
now=$(awk -F, -v k="$B,all,exam=ABIM-IM,2023-2025,value," 'index($0, k) == 1 { sub(/^.*,/, ""); print }' "$T/c/public.csv")
has c "the earlier report's 3-year ABIM-IM rate as it printed it ($then)" "<td>2022-2024: $then <span class=\"ci\">"
has c "this report's ($now)" "<td>2023-2025: $now <span class=\"ci\">"
has c "residents then and now" '<tr><th scope="row">Residents in the cohort</th><td>258</td><td>300</td></tr>'
# the threshold went from 0.70 to 0.80: ABIM-IM's flag is new
has c "a flag raised since" "ABIM-IM: raised since the earlier report; the first-attempt pass rate for 2023-2025 is $now"
has c "the changed parameter" '<tr><td><code>board_pass_threshold</code></td><td>0.7</td><td>0.8</td></tr>'
has c "the changed input file" '<tr><th scope="row">employment.csv</th><td>143 rows ingested'
has c "one input file differs" "<p>1 input file differs: a different SHA-256"
has c "evaluators flagged then and now" "No evaluator was newly flagged or is no longer flagged (2 flagged then and now)."
run "$IMGO" audit "$T/c"
if [ "$rc" = 0 ] && grep -q ' 0 leaking' "$T/out"; then ok "imgo audit passes on the compared report"
else not_ok "imgo audit passes on the compared report" "exit $rc" "$(tail -3 "$T/out")"; fi

# the other way: the threshold down to 0.70 now, and 30 IMG residents
# needed to test an evaluator: the flag is cleared, and the two biased
# evaluators (27 and 25 IMG residents) are no longer flagged
run "$IMGO" report --db "$T/p.db" --kind annual --out "$T/p2"
expect_rc "the earlier report again, threshold 0.70" 0
run "$IMGO" run pipelines/annual.pipeline --input "$T/in" --out "$T/q" --db "$T/q.db" --as-of 2025-06-30
expect_rc "an earlier run with the default threshold" 0
run "$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out "$T/d" --db "$T/d.db" --compare-to "$T/q" \
    --set board_pass_threshold=0.70 --set min_evaluator_n=30
expect_rc "imgo run --compare-to with a lower threshold and min_evaluator_n 30" 0
has d "a flag cleared" "ABIM-IM: cleared since the earlier report; the earlier report printed"
has d "evaluators no longer flagged" "<p>No longer flagged:</p>"
gap=$(awk -F, 'index($0, "bias.evaluator_gap,img_vs_non_img,evaluator=E003,,value,") == 1 { print $6 }' "$T/q/public.csv")
has d "E003 among them, its gap as printed then ($gap), not tested now" \
    "<li>E003: the earlier report printed a gap of $gap; now <span class=\"na\">not tested"
has d "the changed min_evaluator_n" '<tr><td><code>min_evaluator_n</code></td><td>5</td><td>30</td></tr>'

# imgo report --compare-to, and the institution report
run "$IMGO" report --db "$T/a.db" --kind institution --out "$T/i" --compare-to "$T/p"
expect_rc "imgo report --kind institution --compare-to" 0
has i "the institution's headline figures" '<th scope="row">First-attempt board pass, all programs</th>'
hasnt i "no accreditation flags in the institution report" "Accreditation flags"

# an earlier run without public.csv (an older imgo): inputs and parameters only
cp -r "$T/p" "$T/old"
rm "$T/old/public.csv"
run "$IMGO" report --db "$T/a.db" --kind annual --out "$T/o" --compare-to "$T/old"
expect_rc "PREV without public.csv" 0
has o "says the earlier run has no public.csv" "The earlier run has no public.csv"
hasnt o "and compares no figure" "Headline figures"
has o "but its parameters" '<tr><td><code>board_pass_threshold</code></td><td>0.7</td><td>0.8</td></tr>'
has o "and its inputs" '<tr><th scope="row">employment.csv</th>'

# PREV missing, a file, not an imgo output: exit 2 naming it, nothing run
run "$IMGO" report --db "$T/a.db" --kind annual --out "$T/x1" --compare-to "$T/nowhere"
expect_rc "PREV missing: exit 2" 2
expect_err "PREV missing: named" \
    "imgo: $T/nowhere: no such directory (--compare-to names an earlier run's output directory)"
[ ! -e "$T/x1" ] && ok "PREV missing: nothing written" || not_ok "PREV missing: nothing written"
run "$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out "$T/x2" --compare-to "$T/a/run.json"
expect_rc "PREV a file: exit 2" 2
expect_err "PREV a file: named" \
    "imgo: $T/a/run.json: not a directory (--compare-to names an earlier run's output directory)"
[ ! -e "$T/x2" ] && ok "imgo run stops before it ingests" || not_ok "imgo run stops before it ingests"
mkdir "$T/empty"
run "$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out "$T/x3" --compare-to "$T/empty"
expect_rc "PREV without run.json: exit 2" 2
expect_err "PREV without run.json: named" \
    "imgo: $T/empty/run.json: no such file: $T/empty is not the output directory of an imgo run"
echo '{"pipeline": null}' >"$T/empty/run.json"
run "$IMGO" report --db "$T/a.db" --kind annual --out "$T/x4" --compare-to "$T/empty"
expect_rc "a run.json imgo did not write: exit 2" 2
expect_err "a run.json imgo did not write: named" \
    "imgo: $T/empty/run.json: no \"imgo_version\": not the run.json of an imgo output directory"
printf 'not json' >"$T/empty/run.json"
run "$IMGO" report --db "$T/a.db" --kind annual --out "$T/x4" --compare-to "$T/empty"
expect_rc "run.json not JSON: exit 2" 2
cp "$T/p/run.json" "$T/empty/run.json"
printf 'metric,group\n' >"$T/empty/public.csv"
run "$IMGO" report --db "$T/a.db" --kind annual --out "$T/x4" --compare-to "$T/empty"
expect_rc "a public.csv imgo would not write: exit 2" 2
case $(cat "$T/err") in "imgo: $T/empty/public.csv:1"*) ok "the public.csv named with its line" ;;
*) not_ok "the public.csv named with its line" "$(cat "$T/err")" ;; esac

# PREV is the output directory itself: read before the run rewrites it
cp -r "$T/p" "$T/self"
run "$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out "$T/self" --db "$T/self.db" --compare-to "$T/self"
expect_rc "PREV = OUT" 0
has self "compared with what was there before" "Its data were as of 2025-06-30; this report's are as of 2026-06-30"
