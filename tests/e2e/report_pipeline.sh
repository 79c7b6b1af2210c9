# imgo run and imgo report: errors name their place and exit 2 (usage, bad
# pipeline value) or 3 (missing file or directory); rejected data stops the
# run with 1 before compute; options override the pipeline file; sections
# without data say so.
. tests/lib.sh

printf 'stages = ingest compute report\nmin_cel = 5\n' >"$T/typo.pipeline"
run "$IMGO" run "$T/typo.pipeline" --input fixtures/tiny --out "$T/o1"
expect_rc "unknown key exits 2" 2
expect_err "unknown key names file and line" "imgo: $T/typo.pipeline:2: unknown key 'min_cel'"

printf '# comment\nconfidence = 1.5\n' >"$T/bad.pipeline"
run "$IMGO" run "$T/bad.pipeline" --input fixtures/tiny --out "$T/o2"
expect_rc "bad value exits 2" 2
expect_err "bad value names file and line" "imgo: $T/bad.pipeline:2: confidence: '1.5' is not a number between 0.5 and 1"

run "$IMGO" run "$T/nope.pipeline" --input fixtures/tiny --out "$T/o3"
expect_rc "missing pipeline file exits 3" 3

run "$IMGO" run pipelines/annual.pipeline --input "$T/no-such-dir" --out "$T/o4"
expect_rc "missing input directory exits 3" 3
expect_err "missing input directory message" "imgo: $T/no-such-dir: no such input directory"

run "$IMGO" run pipelines/annual.pipeline --input fixtures/tiny --out "$T/o5" --as-of 2025-02-30
expect_rc "bad --as-of exits 2" 2
expect_err "bad --as-of message" "imgo: --as-of: as_of: '2025-02-30' is not a valid date (YYYY-MM-DD)"

run "$IMGO" run pipelines/annual.pipeline --input fixtures/tiny
expect_rc "no --out exits 2" 2

run "$IMGO" run pipelines/annual.pipeline --input fixtures/tiny --out "$T/o6" --frobnicate
expect_rc "unknown option exits 2" 2

# --as-of overrides the file and reaches compute, the report and run.json
run "$IMGO" run pipelines/annual.pipeline --input fixtures/tiny --out "$T/o7" --as-of 2025-06-30
expect_rc "tiny cohort with --as-of" 0
if grep -q '"as_of": "2025-06-30"' "$T/o7/run.json" && grep -q '<dt>Data as of</dt><dd>2025-06-30</dd>' "$T/o7/report.html"; then
    ok "--as-of overrides the pipeline"
else
    not_ok "--as-of overrides the pipeline" "$(grep as_of "$T/o7/run.json")"
fi
if grep -qF '<dt>Pipeline</dt><dd><code>pipelines/annual.pipeline</code></dd>' "$T/o7/report.html" &&
    grep -qF '<dt>Input directory</dt><dd><code>fixtures/tiny</code></dd>' "$T/o7/report.html"; then
    ok "the cover shows the provenance of run.json"
else
    not_ok "the cover shows the provenance of run.json"
fi
if [ -f "$T/o7/outcomes.db" ]; then ok "--db defaults to OUT/outcomes.db"; else not_ok "--db defaults to OUT/outcomes.db"; fi
expect_eq "run.json lists every input file" "$(grep -c '"sha256"' "$T/o7/run.json")" "11"
# the tiny cohort has 4 residents: every rate is hidden at min_cell 5
if grep -q 'fewer than 5' "$T/o7/report.html"; then ok "small cells suppressed"; else not_ok "small cells suppressed"; fi
printf 'min_cell = 1\n' >"$T/m1.pipeline"
run "$IMGO" run "$T/m1.pipeline" --input fixtures/tiny --out "$T/o8"
expect_rc "min_cell 1" 0
# with min_cell 1 no count is small: nothing is hidden
expect_eq "min_cell 1: nothing hidden" "$(grep -c -e 'fewer than' -e 'hidden: protects' "$T/o8/report.html")" "0"
printf 'min_cell = 3\n' >"$T/m3.pipeline"
run "$IMGO" run "$T/m3.pipeline" --input fixtures/tiny --out "$T/o8m3"
expect_rc "min_cell 3" 0
if grep -q "fewer than 3" "$T/o8m3/report.html" && ! grep -q "fewer than 5" "$T/o8m3/report.html"; then
    ok "suppression text carries min_cell"
else
    not_ok "suppression text carries min_cell"
fi
if grep -q '<svg' "$T/o8/report.html"; then ok "min_cell 1 draws charts of the tiny cohort"; else not_ok "min_cell 1 draws charts of the tiny cohort"; fi

# optional files missing: "No data" lines, not failures
mkdir "$T/only"
cp fixtures/tiny/residents.csv "$T/only/"
run "$IMGO" run pipelines/annual.pipeline --input "$T/only" --out "$T/o9"
expect_rc "residents only" 0
for what in "fellowship_applications.csv was not provided." "milestone_ratings.csv was not provided." \
    "evaluations.csv was not provided." "feedback.csv was not provided." "employment.csv was not provided." \
    "patient_experience.csv was not provided." "board_exams.csv was not provided." \
    "ccc_actions.csv was not provided."; do
    if grep -qF "<p class=\"nodata\">No data: $what</p>" "$T/o9/report.html"; then ok "no data: $what"; else not_ok "no data: $what"; fi
done
# a file nobody gave is never a confident 0%, nor a hidden figure
if grep -q '>0\.0%' "$T/o9/report.html"; then not_ok "residents only: no figure reads 0.0%" "$(grep -o '.\{80\}>0\.0%' "$T/o9/report.html" | head -3)"
else ok "residents only: no figure reads 0.0%"; fi
if grep -qF 'No data: mentor_assignments.csv was not provided' "$T/o9/report.html"; then ok "residents only: coverage says its file was not provided"
else not_ok "residents only: coverage says its file was not provided"; fi
if grep -q 'Adverse CCC actions</h3>' "$T/o9/report.html" && ! sed -n '/Adverse CCC actions<\/h3>/,/<h[23]/p' "$T/o9/report.html" | grep -q 'suppressed'; then
    ok "residents only: adverse actions are not 'suppressed' but missing"
else not_ok "residents only: adverse actions are not 'suppressed' but missing"; fi

# a rejected row stops the run before compute: no report, no metrics
mkdir "$T/bad"
cp fixtures/tiny/*.csv "$T/bad/"
sed '3s/2021-07-01/2021-13-01/' fixtures/tiny/residents.csv >"$T/bad/residents.csv"
run "$IMGO" run pipelines/annual.pipeline --input "$T/bad" --out "$T/o10"
expect_rc "rejected data exits 1" 1
if grep -q 'residents.csv:3:' "$T/err"; then ok "rejected row named FILE:LINE"; else not_ok "rejected row named FILE:LINE" "$(head -3 "$T/err")"; fi
if [ ! -e "$T/o10/report.html" ] && [ ! -e "$T/o10/metrics.csv" ] && [ ! -e "$T/o10/run.json" ]; then
    ok "nothing computed from rejected data"
else
    not_ok "nothing computed from rejected data"
fi

# --skip-bad-rows: good rows are written, the bad one goes to OUT/rejects
# with an error column, the run goes on and run.json counts it
mkdir "$T/skip"
cp fixtures/tiny/*.csv "$T/skip/"
sed '2s/2024-08-20/2024-08-32/' fixtures/tiny/board_exams.csv >"$T/skip/board_exams.csv"
run "$IMGO" run pipelines/annual.pipeline --input "$T/skip" --out "$T/o11"
expect_rc "bad row without --skip-bad-rows exits 1" 1
run "$IMGO" run pipelines/annual.pipeline --input "$T/skip" --out "$T/o12" --skip-bad-rows
expect_rc "bad row with --skip-bad-rows exits 0" 0
expect_err "skipped row named FILE:LINE:COLUMN" \
    'imgo: board_exams.csv:2:exam_date: "2024-08-32" is not a valid date (YYYY-MM-DD)'
if [ -f "$T/o12/rejects/board_exams.csv" ] &&
    [ "$(head -1 "$T/o12/rejects/board_exams.csv")" = "$(head -1 fixtures/tiny/board_exams.csv),error" ] &&
    grep -q '^R001,abim-im,2024-08-32,1,pass,512,' "$T/o12/rejects/board_exams.csv"; then
    ok "rejected row copied verbatim to OUT/rejects with an error column"
else
    not_ok "rejected row copied verbatim to OUT/rejects with an error column" "$(cat "$T/o12/rejects/board_exams.csv" 2>&1)"
fi
if grep -q '"rows_rejected": 1$' "$T/o12/run.json" && [ -f "$T/o12/report.html" ]; then
    ok "run.json counts the rejected row and the report is written"
else
    not_ok "run.json counts the rejected row and the report is written" "$(grep rows_rejected "$T/o12/run.json")"
fi

# imgo report on its own
run "$IMGO" report --db "$T/o7/outcomes.db" --kind weekly --out "$T/r1"
expect_rc "bad --kind exits 2" 2
run "$IMGO" report --db "$T/no.db" --kind annual --out "$T/r2"
expect_rc "missing database exits 3" 3
"$IMGO" ingest fixtures/tiny --db "$T/raw.db" >/dev/null 2>&1
run "$IMGO" report --db "$T/raw.db" --kind annual --out "$T/r3"
expect_rc "report before compute exits 2" 2
expect_err "report before compute says why" "imgo: the database holds no computed metrics; run 'imgo compute' first"
run env PATH=/nonexistent-imgo "$IMGO" report --db "$T/o8/outcomes.db" --kind annual --out "$T/r4"
expect_rc "gnuplot missing exits 3" 3
expect_err "gnuplot missing message" "imgo: gnuplot not found in PATH; install gnuplot (e.g. gnuplot-nox) to render charts"
if [ ! -e "$T/r4/report.html" ]; then ok "no report without charts"; else not_ok "no report without charts"; fi
