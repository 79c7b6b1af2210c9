# Data coverage and no silent mixing, end to end:
#   - Step 3 written "USMLE Step 3" while step3_exam is USMLE-STEP3: two
#     warnings on stderr and on the report's cover, the Step 3 section says
#     no attempt is recorded, no Step 3 headline, the exam is counted as a
#     board exam (no flag raised on it in this cohort); naming it in
#     step3_exam clears the warnings and removes its stale board chart;
#   - a quarterly run with --as-of three months after the last record warns;
#   - a second imgo run into the same OUT from another input directory is
#     refused (exit 2), changing nothing; the same directory by another
#     path is fine; --db and --fresh are the two ways out;
#   - imgo ingest merges another directory with a warning, and imgo run
#     then refuses that database;
#   - a table and chart this run did not write (an exam left out of
#     board_exams) are removed, a file that is not imgo's stays.
. tests/lib.sh

q() { sqlite3 "$1" "$2"; }
# html TEXT: TEXT as the report escapes it
html() { printf '%s' "$1" | sed 's/&/\&amp;/g; s/"/\&quot;/g; s/</\&lt;/g; s/>/\&gt;/g'; }
has() { if grep -qF -- "$3" "$2"; then ok "$1"; else not_ok "$1" "no '$3' in $2"; fi; }
hasnt() { if grep -qF -- "$3" "$2"; then not_ok "$1" "'$3' in $2"; else ok "$1"; fi; }

# ---- Step 3 under another spelling ----------------------------------------
mkdir "$T/s3"
cp fixtures/demo/*.csv "$T/s3/"
sed -i 's/,USMLE-STEP3,/,USMLE Step 3,/' "$T/s3/board_exams.csv"
n=$(grep -c ',USMLE Step 3,' "$T/s3/board_exams.csv")
run "$IMGO" run annual --input "$T/s3" --out "$T/s3o"
expect_rc "Step 3 spelt 'USMLE Step 3': the run succeeds" 0
w1='board_exams.csv records no attempt of "USMLE-STEP3" (the step3_exam) up to the as-of date 2026-06-30: Step 3 passed by month 12 cannot be measured.'
w2="The exam \"USMLE STEP 3\" ($n attempts in board_exams.csv) differs from step3_exam \"USMLE-STEP3\" only by case, spaces or punctuation: it is counted as a certification board exam, not as Step 3. If it is Step 3, set step3_exam to its name in the pipeline."
expect_err "stderr: no attempt of step3_exam" "imgo: warning: $w1"
expect_err "stderr: the near miss, its attempts, what it is counted as" "imgo: warning: $w2"
r=$T/s3o/report.html
has "cover: no attempt of step3_exam" "$r" "<li>$(html "$w1")</li>"
has "cover: the near miss" "$r" "<li>$(html "$w2")</li>"
has "Step 3 section: no attempt recorded" "$r" \
    '<p class="nodata">No data: board_exams.csv records no attempt of USMLE-STEP3, the step3_exam; see the cover.</p>'
hasnt "summary: no Step 3 headline read as 0%" "$r" '<th scope="row">Step 3 passed by month 12</th>'
has "the near miss is reported as a board exam" "$r" 'First-attempt board pass rate, USMLE STEP 3'
hasnt "no accreditation flag on it (its pass rate is above the threshold)" "$r" '<li class="flag">USMLE STEP 3'
expect_eq "compute_info step3_exam_attempts" \
    "$(q "$T/s3o/outcomes.db" "select value from compute_info where key = 'step3_exam_attempts'")" 0
expect_eq "compute_warnings holds both" "$(q "$T/s3o/outcomes.db" 'select count(*) from compute_warnings')" 2
if [ -f "$T/s3o/charts/board_pass_usmle-step-3.svg" ] && [ -f "$T/s3o/tables/board_pass_usmle-step-3.csv" ]; then
    ok "its board chart and table are written"
else
    not_ok "its board chart and table are written" "$(ls "$T/s3o/charts" "$T/s3o/tables")"
fi

# The fix the warning names, on the same input and output directory.
run "$IMGO" run annual --input "$T/s3" --out "$T/s3o" --set 'step3_exam=USMLE Step 3'
expect_rc "step3_exam set to the data's name: the same input again runs" 0
hasnt "no warning on stderr" "$T/err" "warning"
hasnt "no warning on the cover" "$r" 'class="warn"'
expect_eq "no warning kept" "$(q "$T/s3o/outcomes.db" 'select count(*) from compute_warnings')" 0
expect_eq "every attempt is Step 3's" \
    "$(q "$T/s3o/outcomes.db" "select value from compute_info where key = 'step3_exam_attempts'")" "$n"
has "the Step 3 headline is back" "$r" '<th scope="row">Step 3 passed by month 12</th>'
if [ ! -e "$T/s3o/charts/board_pass_usmle-step-3.svg" ] && [ ! -e "$T/s3o/charts/board_pass_usmle-step-3.png" ] &&
    [ ! -e "$T/s3o/tables/board_pass_usmle-step-3.csv" ] && [ -f "$T/s3o/charts/board_pass_abim-im.svg" ]; then
    ok "its stale board chart and table are removed, the others stay"
else
    not_ok "its stale board chart and table are removed, the others stay" "$(ls "$T/s3o/charts" "$T/s3o/tables")"
fi

# ---- as-of long after the last record ---------------------------------------
run "$IMGO" run quarterly --input fixtures/tiny --out "$T/q" --as-of 2024-11-20
expect_rc "quarterly, as-of three months after the last record: the run succeeds" 0
w='The as-of date 2024-11-20 is 92 days after the latest event in the data (2024-08-20): figures of the last 92 days may be missing.'
expect_err "stderr: as-of after the latest event" "imgo: warning: $w"
expect_eq "kept in compute_warnings" "$(q "$T/q/outcomes.db" 'select text from compute_warnings')" "$w"
if grep -qF "<li>$w</li>" "$T/q/report.html"; then ok "on the quarterly packet's cover"
else not_ok "on the quarterly packet's cover"; fi
run "$IMGO" compute --db "$T/q/outcomes.db" --out "$T/qc" --as-of 2024-11-20
expect_rc "imgo compute with that as-of: exit 0" 0
expect_err "imgo compute prints it too" "imgo: warning: $w"
run "$IMGO" run quarterly --input fixtures/tiny --out "$T/q"
expect_rc "the default as-of" 0
hasnt "the default as-of: no warning" "$T/err" "warning"

# ---- one database, one input ------------------------------------------------
cp -r fixtures/tiny "$T/other"
tiny=$(realpath fixtures/tiny)
other=$(realpath "$T/other")
run "$IMGO" run annual --input fixtures/tiny --out "$T/m"
expect_rc "first run" 0
sums() { (cd "$T/m" && sha256sum outcomes.db metrics.csv run.json report.html); }
sums >"$T/sums.before"
run "$IMGO" run annual --input "$T/other" --out "$T/m"
expect_rc "another input into the same database: refused" 2
expect_err "the refusal names both directories and the ways out" \
    "imgo: $T/m/outcomes.db holds data ingested from $tiny, not from this run's input $other; one database holds one input: give --fresh to remove that database and this run's outputs and start again, or --db FILE to use another database"
sums >"$T/sums.after"
if cmp -s "$T/sums.before" "$T/sums.after"; then ok "the refused run changes neither the database nor the outputs"
else not_ok "the refused run changes neither the database nor the outputs" "$(diff "$T/sums.before" "$T/sums.after")"; fi
run "$IMGO" run annual --input "./fixtures/tiny/" --out "$T/m"
expect_rc "the same directory by another path: one input" 0
expect_eq "still one input recorded" "$(q "$T/m/outcomes.db" 'select realpath from ingest_source')" "$tiny"
run "$IMGO" run annual --input "$T/other" --out "$T/m" --db "$T/other.db"
expect_rc "--db FILE: another database" 0
touch "$T/m/notes.txt"
run "$IMGO" run annual --input "$T/other" --out "$T/m" --fresh
expect_rc "--fresh: a new database" 0
expect_eq "--fresh: the new input only" "$(q "$T/m/outcomes.db" 'select realpath from ingest_source')" "$other"
expect_eq "--fresh: run.json names it" "$(grep '"input"' "$T/m/run.json")" "  \"input\": \"$T/other\","
if [ -f "$T/m/notes.txt" ]; then ok "--fresh keeps a file that is not imgo's"; else not_ok "--fresh keeps a file that is not imgo's"; fi
run "$IMGO" run annual --input "$T/other" --out "$T/m" --db "$T/m/notes.txt" --fresh
expect_rc "--fresh with a --db that is no imgo database: refused" 2
expect_err "and says so" "imgo: $T/m/notes.txt: not an imgo database; not removed"

# A pipeline that does not ingest: run.json names the database's input.
printf 'stages = compute report\n' >"$T/cr.pipeline"
run "$IMGO" run "$T/cr.pipeline" --out "$T/cr" --db "$T/m/outcomes.db"
expect_rc "compute and report on an existing database" 0
expect_eq "run.json names the directory in the database" "$(grep '"input"' "$T/cr/run.json")" "  \"input\": \"$T/other\","
run "$IMGO" run "$T/cr.pipeline" --out "$T/cr" --db "$T/m/outcomes.db" --fresh
expect_rc "--fresh without an ingest stage: refused" 2
expect_err "and nothing removed" "imgo: --fresh: the pipeline does not ingest, so a new database would stay empty; nothing removed"
if [ -f "$T/m/outcomes.db" ]; then ok "the database is still there"; else not_ok "the database is still there"; fi

# imgo ingest merges on purpose, and says so; imgo run then refuses.
mkdir "$T/more"
cp fixtures/tiny/residents.csv "$T/more/"
echo "R005,IM-001,Internal Medicine,2024-07-01,,,usmd,,2024,none,240,categorical" >>"$T/more/residents.csv"
more=$(realpath "$T/more")
"$IMGO" ingest fixtures/tiny --db "$T/i.db" >/dev/null 2>"$T/err0"
hasnt "a first ingest: no warning" "$T/err0" "warning"
run "$IMGO" ingest "$T/more" --db "$T/i.db"
expect_rc "ingest of another directory merges" 0
expect_err "with a warning naming both" \
    "imgo: warning: $T/i.db already holds data ingested from $tiny; $more is merged into it (a row with the same key replaces the stored one, the other rows stay)"
expect_eq "both inputs recorded" "$(q "$T/i.db" 'select count(*) from ingest_source')" 2
run "$IMGO" run annual --input fixtures/tiny --out "$T/i" --db "$T/i.db"
expect_rc "imgo run on that database: refused" 2
has "the refusal names the other directory" "$T/err" "holds data ingested from $more, not from this run's input $tiny;"

# ---- stale tables and charts --------------------------------------------------
mkdir "$T/st"
cp fixtures/tiny/*.csv "$T/st/"
echo "R002,ABFM-FM,2024-05-01,1,pass," >>"$T/st/board_exams.csv"
printf 'min_cell = 1\n' >"$T/m1.pipeline"
run "$IMGO" run "$T/m1.pipeline" --input "$T/st" --out "$T/sto"
expect_rc "two board exams" 0
if [ -f "$T/sto/charts/board_pass_abfm-fm.svg" ] && [ -f "$T/sto/tables/board_pass_abfm-fm.csv" ]; then
    ok "each exam has its chart and table"
else
    not_ok "each exam has its chart and table" "$(ls "$T/sto/charts" "$T/sto/tables")"
fi
touch "$T/sto/charts/notes.txt" "$T/sto/tables/mine.csv"
run "$IMGO" run "$T/m1.pipeline" --input "$T/st" --out "$T/sto" --set board_exams=abim-im
expect_rc "one exam left" 0
if [ ! -e "$T/sto/charts/board_pass_abfm-fm.svg" ] && [ ! -e "$T/sto/charts/board_pass_abfm-fm.png" ] &&
    [ ! -e "$T/sto/tables/board_pass_abfm-fm.csv" ]; then
    ok "the chart and table of the exam left out are removed"
else
    not_ok "the chart and table of the exam left out are removed" "$(ls "$T/sto/charts" "$T/sto/tables")"
fi
if [ -f "$T/sto/charts/board_pass_abim-im.svg" ] && [ -f "$T/sto/tables/board_pass_abim-im.csv" ] &&
    [ -f "$T/sto/charts/notes.txt" ] && [ -f "$T/sto/tables/mine.csv" ]; then
    ok "this run's files and files that are not imgo's stay"
else
    not_ok "this run's files and files that are not imgo's stay" "$(ls "$T/sto/charts" "$T/sto/tables")"
fi
