# Words a committee reads, on the demo cohort's annual report: codes in
# words (the code kept in small type), every test named where its p is,
# sections numbered from 1 after the cover with a table of contents, a
# glossary and the methods note on intervals and p-values, figures
# numbered with captions that name their table (not a file path), and
# chart files that describe themselves.
. tests/lib.sh

run "$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out "$T/a" --db "$T/a.db" \
    --set mentorship_launch=2022-07-01
expect_rc "annual pipeline on the demo cohort" 0
R=$T/a/report.html

has() { if grep -qF -- "$2" "$R"; then ok "$1"; else not_ok "$1" "no: $2"; fi; }
hasnt() { if grep -qF -- "$2" "$R"; then not_ok "$1" "found: $(grep -oF -- "$2" "$R" | head -1)"; else ok "$1"; fi; }

for code in non_us_img us_img usmd usdo j1 h1b senior_resident faculty peer categorical preliminary; do
    hasnt "no raw code '$code' as a row heading" "<th scope=\"row\">$code</th>"
done
has "graduate types in words" 'Non-US IMG <span class="code">non_us_img</span>'
has "visas in words" 'H-1B <span class="code">h1b</span>'
has "mentor roles in words" 'Senior resident <span class="code">senior_resident</span>'
has "subcompetencies in words" 'Interpersonal and communication skills 1 <span class="code">ICS1</span>'
has "feedback themes in words" 'Medical knowledge <span class="code">medical_knowledge</span>'

# the patient table compares means: Welch, not Fisher
row=$(grep -B3 'Mean patient experience score' "$R" | grep -c 'p (Welch t)')
expect_eq "the patient experience table names the Welch test" "$row" 1
hasnt "no column says just 'Fisher p'" '>Fisher p<'
has "differences of rates name their methods" 'IMG minus non-IMG (Newcombe interval)</th><th scope="col">p (Fisher exact)</th>'

has "the first numbered section is 1" '<h2>1. Summary</h2>'
hasnt "no section numbered from 2" '<h2>2. Summary</h2>'
has "a table of contents" '<nav class="toc" aria-label="Contents">'
if grep -q '<h2>[0-9]*\. Glossary</h2>' "$R"; then ok "a glossary"; else not_ok "a glossary"; fi
for term in "Kaplan-Meier estimate" "Percentage points (pp)" "q-value (q, Benjamini-Hochberg)" "Odds ratio" "Funnel plot"; do
    has "the glossary explains $term" "<dt>$term</dt>"
done
has "the methods say why an interval and a p-value can disagree" "Why an interval and a p-value can seem to disagree"

hasnt "no caption cites a file path" "(charts/"
n=$(grep -o '<figcaption>Figure [0-9]*\.' "$R" | sed 's/[^0-9]//g' | tr '\n' ' ')
want=$(seq 1 "$(grep -c '<figcaption>' "$R")" | tr '\n' ' ')
expect_eq "figures numbered 1, 2, ... in order" "$n" "$want"
has "the KM chart has its number-at-risk table" "<th scope=\"col\">Number at risk after</th>"

bad=$(for f in "$T"/a/charts/*.svg; do grep -q '<title>Gnuplot</title>' "$f" && basename "$f"; done)
expect_eq "no chart is titled 'Gnuplot'" "$bad" ""
grep -o '<title>[^<]*</title>' "$T/a/charts/retention_km.svg" | head -1 >"$T/t"
expect_eq "a chart file's title is its chart's" "$(cat "$T/t")" "<title>Retention in training, IMG vs non-IMG</title>"
if grep -q '<desc>[^<]*table[^<]*Drawn by gnuplot' "$T/a/charts/retention_km.svg"; then ok "a chart file describes itself"
else not_ok "a chart file describes itself" "$(grep -o '<desc>[^<]*</desc>' "$T/a/charts/retention_km.svg")"; fi
# gnuplot writes colours as rgb(R, G, B): vermillion #D55E00, not the old orange #E69F00
if grep -q 'rgb(213,  94,   0)' "$T/a/charts/step3_visa.svg" && ! grep -q 'rgb(230, 159,   0)' "$T/a/charts/step3_visa.svg"; then
    ok "Step 3 by visa is drawn in the IMG colour (vermillion)"
else not_ok "Step 3 by visa is drawn in the IMG colour (vermillion)"; fi
if grep -q 'overload: more than 4' "$T/a/charts/mentor_load.svg"; then ok "the overload limit is labelled"
else not_ok "the overload limit is labelled"; fi

# The institution report of the same cohort: numbered sections and figures,
# captions that name their table, a glossary with the funnel plot and the
# pooled rate, chart files that describe themselves.
run "$IMGO" report --db "$T/a.db" --kind institution --out "$T/i"
expect_rc "institution report of the demo cohort" 0
R=$T/i/report.html
has "institution: the first numbered section is 1" '<h2>1. Summary</h2>'
has "institution: a table of contents" '<nav class="toc" aria-label="Contents">'
for term in "Funnel plot" "Pooled rate" "Kaplan-Meier estimate" "Suppressed"; do
    has "institution: the glossary explains $term" "<dt>$term</dt>"
done
hasnt "institution: no caption cites a file path" "(charts/"
n=$(grep -o '<figcaption>Figure [0-9]*\.' "$R" | sed 's/[^0-9]//g' | tr '\n' ' ')
expect_eq "institution: figures numbered 1, 2" "$n" "1 2 "
has "institution: the funnel caption points to its table" "Each point is a program; the numbers are in the table below"
grep -o '<title>[^<]*</title>' "$T/i/charts/institution_board_funnel.svg" | head -1 >"$T/t"
expect_eq "institution: the board funnel file's title is its chart's" "$(cat "$T/t")" \
    "<title>First-attempt board pass rate across programs</title>"
has "institution: the funnel's column says where each program stands" '<th scope="col">Funnel (all residents)</th>'
