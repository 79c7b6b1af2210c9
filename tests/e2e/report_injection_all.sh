# Hostile text in every free-text column: program, specialty, school_region
# (residents), exam (board_exams), fellowship_specialty (fellowship
# applications), rotation (evaluations), period (patient experience), and
# IDs at the edge of their charset. Each value holds backquotes, system(),
# an @macro, datablock terminators (EOD and plot.c's own EOD_imgo_N_K) on
# lines of their own (a newline is legal inside a quoted CSV field),
# </svg><script>, quotes, & and <, and an SQL injection. The cohort must
# ingest, store every value verbatim, render both reports with the text
# escaped, leave every chart valid, and run nothing.
. tests/lib.sh

"$IMGO" synth --residents 200 --seed 5 --out "$T/c" >/dev/null

# The raw value, and how a CSV field writes it (quotes doubled, quoted).
H='`touch PWNED` system("touch PWNED") @macro
EOD
EOD_imgo_1_0
'"'); DROP TABLE residents;--"' </svg><script>alert(1)</script> & < > "dq"'
Q=$(printf '%s' "$H" | sed 's/"/""/g')

# IDs: legal but odd ones, in every file that names them
for f in "$T"/c/*.csv; do
    awk 'BEGIN{FS=OFS=","} NR>1 && $1=="R000001" {$1 = "--help"} NR>1 && $1=="R000002" {$1 = ".."} {print}' \
        "$f" >"$T/tmp.csv" && mv "$T/tmp.csv" "$f"
done
# hostile FILE COLUMN...: those columns of every row become H followed by the
# old value (so natural keys stay distinct), in one pass: the synthetic files
# hold no quoted field until then, so splitting on commas is exact.
hostile() {
    f=$1
    shift
    awk -v q="$Q" -v cols="$*" 'BEGIN{FS=OFS=","; split(cols, want, " ")}
        NR==1 {for (i = 1; i <= NF; i++) for (j in want) if ($i == want[j]) hit[i] = 1; print; next}
        {for (i in hit) $i = "\"" q " " $i "\""; print}' "$T/c/$f" >"$T/tmp.csv" && mv "$T/tmp.csv" "$T/c/$f"
}
hostile residents.csv program specialty school_region
hostile fellowship_applications.csv fellowship_specialty
hostile evaluations.csv rotation
hostile patient_experience.csv period
# exam: only the certification exams (Step 3 keeps its name)
awk -v q="$Q" 'BEGIN{FS=OFS=","} NR>1 && $2!="USMLE-STEP3" {$2 = "\"" q " " $2 "\""} {print}' \
    "$T/c/board_exams.csv" >"$T/tmp.csv" && mv "$T/tmp.csv" "$T/c/board_exams.csv"

pipeline=$(pwd)/pipelines/annual.pipeline
(cd "$T" && "$IMGO" run "$pipeline" --input c --out o >out 2>err)
rc=$?
expect_rc "a cohort with hostile text in every free-text column renders" 0
db=$T/o/outcomes.db

# stored verbatim (prepared statements: the DROP TABLE is text)
expect_eq "residents table still there, every resident in it" \
    "$(sqlite3 "$db" 'SELECT COUNT(*) FROM residents')" "200"
for col in "residents program" "residents specialty" "residents school_region" \
    "fellowship_applications fellowship_specialty" "evaluations rotation" "patient_experience period"; do
    set -- $col
    got=$(sqlite3 "$db" "SELECT $2 FROM $1 WHERE $2 IS NOT NULL LIMIT 1")
    case $got in
    "$H "*) ok "$1.$2 stored verbatim" ;;
    *) not_ok "$1.$2 stored verbatim" "got: $got" ;;
    esac
done
upper=$(printf '%s' "$H" | tr '[:lower:]' '[:upper:]')
got=$(sqlite3 "$db" "SELECT exam FROM board_exams WHERE exam <> 'USMLE-STEP3' LIMIT 1")
case $got in
"$upper "*) ok "board_exams.exam stored verbatim (upper-cased)" ;;
*) not_ok "board_exams.exam stored verbatim (upper-cased)" "got: $got" ;;
esac
expect_eq "odd IDs stored as given" "$(sqlite3 "$db" "SELECT resident_id FROM residents WHERE resident_id IN ('--help', '..') ORDER BY 1")" "--help
.."

# the quarterly packet too (it lists residents by ID)
(cd "$T" && "$IMGO" report --db o/outcomes.db --kind quarterly --out q >out 2>err)
rc=$?
expect_rc "the quarterly packet renders" 0

# nothing ran
pwned=$(find "$T" /tmp -maxdepth 3 -name PWNED 2>/dev/null; [ -e PWNED ] && echo PWNED)
expect_eq "nothing ran (no PWNED file in cwd, the run's directory, OUT or /tmp)" "$pwned" ""

# HTML: no element from data, the text escaped
for f in "$T/o/report.html" "$T/q/report.html"; do
    n=$(grep -c '<script' "$f")
    expect_eq "no script element in $(basename "$(dirname "$f")")/report.html" "$n" "0"
done
if grep -qF '&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt; &gt; &quot;dq&quot;' "$T/o/report.html" &&
    grep -qF '&#39;); DROP TABLE residents;--' "$T/o/report.html"; then
    ok "hostile text shown escaped in the annual report"
else
    not_ok "hostile text shown escaped in the annual report"
fi
if grep -qxF 'EOD_imgo_1_0' "$T/o/report.html"; then ok "plot's own terminator in data stays a line of text"
else not_ok "plot's own terminator in data stays a line of text"; fi
expect_eq "no script element in any chart" "$(cat "$T"/o/charts/*.svg | grep -c '<script')" "0"

# gnuplot's output is valid: every SVG parses as XML and ends the document,
# every PNG ends with its IEND chunk, and the exam's chart exists by name
bad=
for f in "$T"/o/charts/*.svg; do
    tail -c 8 "$f" | grep -q '</svg>' || bad="$bad $(basename "$f")"
    if command -v xmllint >/dev/null; then xmllint --noout "$f" 2>/dev/null || bad="$bad $(basename "$f")"; fi
done
for f in "$T"/o/charts/*.png; do
    [ "$(tail -c 8 "$f" | od -An -tx1 | tr -d ' \n')" = "49454e44ae426082" ] || bad="$bad $(basename "$f")"
done
expect_eq "every chart file is complete and well-formed" "$bad" ""
n=$(ls "$T"/o/charts/board_pass_*.svg 2>/dev/null | wc -l)
if [ "$n" -ge 1 ] && [ -z "$(ls "$T/o/charts" "$T/o/tables" | grep -v -e '^[a-z0-9_-]*\.\(svg\|png\|csv\)$' -e ':$' -e '^$')" ]; then
    ok "the exam's chart has a sanitised file name"
else
    not_ok "the exam's chart has a sanitised file name" "$(ls "$T/o/charts")"
fi
missing=
for f in "$T"/o/charts/*.svg; do
    b=$(basename "$f" .svg)
    [ -f "$T/o/tables/$b.csv" ] || missing="$missing $b"
done
expect_eq "every chart has its data in tables/ under the same name" "$missing" ""

# metrics.csv: hostile strata are quoted fields (RFC 4180), the file parses
# to the same number of records as the metrics table
recs=$(awk 'BEGIN{r=0} {n = gsub(/"/, "\""); q = (q + n) % 2; if (!q) r++} END{print r - 1}' "$T/o/metrics.csv")
expect_eq "metrics.csv records match the metrics table" "$recs" "$(sqlite3 "$db" 'SELECT COUNT(*) FROM metrics')"

# IDs outside their charset are rejected with FILE:LINE:COLUMN, nothing ingested
mkdir "$T/bad"
"$IMGO" synth --residents 5 --seed 5 --out "$T/plain" >/dev/null
head -1 "$T/plain/residents.csv" >"$T/bad/residents.csv"
sed -n 2p "$T/plain/residents.csv" | sed 's/^[^,]*,/R1;touch PWNED,/' >>"$T/bad/residents.csv"
run "$IMGO" ingest "$T/bad" --db "$T/bad.db"
expect_rc "an ID with ; and a space is rejected" 1
if grep -q '^imgo: residents.csv:2:resident_id: ' "$T/err"; then ok "the bad ID is named by file, line and column"
else not_ok "the bad ID is named by file, line and column" "$(head -3 "$T/err")"; fi
expect_eq "nothing ran on rejection" "$(find "$T" -name PWNED | wc -l)" "0"
