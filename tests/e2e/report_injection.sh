# Hostile text from data (program, specialty and exam names holding
# backquotes, system(), @macros, an EOD line, </svg><script>, quotes) goes
# through ingest, compute, gnuplot and the HTML without running anything
# and arrives as text.
. tests/lib.sh

"$IMGO" synth --residents 200 --seed 7 --out "$T/c" >/dev/null
H='"P1 `touch PWNED` system(""touch PWNED"") @macro
EOD
</svg><script>alert(1)</script> '"'"'q'"'"'"'
awk -F, -v h="$H" 'BEGIN{OFS=","} NR>1{$2=h; $3="Spec `touch PWNED` @x"} {print}' "$T/c/residents.csv" >"$T/r.csv"
mv "$T/r.csv" "$T/c/residents.csv"
awk -F, 'BEGIN{OFS=","} NR>1 && $2!="USMLE-STEP3"{$2="EX`touch PWNED`@M</svg><script>"} {print}' \
    "$T/c/board_exams.csv" >"$T/b.csv"
mv "$T/b.csv" "$T/c/board_exams.csv"

pipeline=$(pwd)/pipelines/annual.pipeline
(cd "$T" && "$IMGO" run "$pipeline" --input c --out o >out 2>err)
rc=$?
expect_rc "hostile cohort renders" 0
html=$T/o/report.html

if [ ! -e "$T/PWNED" ] && [ ! -e PWNED ] && [ ! -e "$T/o/PWNED" ]; then ok "nothing ran (no PWNED file)"; else not_ok "nothing ran (no PWNED file)"; fi
expect_eq "no script element in the report" "$(grep -c '<script' "$html")" "0"
expect_eq "no script element in any chart" "$(cat "$T"/o/charts/*.svg | grep -c '<script')" "0"
if grep -qF 'P1 `touch PWNED` system(&quot;touch PWNED&quot;) @macro' "$html" &&
    grep -qF '&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt; &#39;q&#39;' "$html"; then
    ok "program name shown as text"
else
    not_ok "program name shown as text" "$(grep -n 'P1' "$html" | head -3)"
fi
if grep -qxF 'EOD' "$html"; then ok "an EOD line in data stays a line of text"; else not_ok "an EOD line in data stays a line of text"; fi
if grep -qF '<h3>EX`TOUCH PWNED`@M&lt;/SVG&gt;&lt;SCRIPT&gt;</h3>' "$html"; then ok "exam name shown as text"; else not_ok "exam name shown as text"; fi
if grep -qF 'First-attempt pass rate by year: EX`TOUCH PWNED`@M&lt;/SVG>&lt;SCRIPT>' "$T"/o/charts/board_pass_*.svg; then
    ok "exam name reaches the chart title literally"
else
    not_ok "exam name reaches the chart title literally" "$(ls "$T"/o/charts)"
fi
