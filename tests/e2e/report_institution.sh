# The institution report (imgo report --kind institution, pipeline key
# report = institution): on the demo cohort its sections, every program in
# every table, the programs outside the funnel limits named in a sentence
# and marked in the table (IM-002's adverse actions; on a larger synthetic
# cohort IM-004's board pass rate, the two programs synth plants), a
# program with a hidden figure kept with its label, imgo audit on the
# written report, byte-identical re-runs, a missing file said in one line;
# and the audit's model knowing that the programs' outcomes add up to the
# institution's.
. tests/lib.sh

run "$IMGO" run pipelines/institution.pipeline --input fixtures/demo --out "$T/i" --db "$T/i.db"
expect_rc "institution pipeline on the demo cohort" 0
expect_eq "prints the report path" "$(cat "$T/out")" "$T/i/report.html"
R=$T/i/report.html

has() { if grep -qF -- "$2" "$R"; then ok "$1"; else not_ok "$1" "no: $2"; fi; }

has "the institution report's title" "<h1>IMG mentorship: sponsoring institution report</h1>"
for s in cover summary board retention adverse mentorship milestones methods glossary; do
    if grep -q "<section id=\"$s\">" "$R"; then ok "section $s"; else not_ok "section $s"; fi
done
has "the first numbered section is the summary" "<h2>1. Summary</h2>"
has "the glossary explains a funnel plot" "<dt>Funnel plot</dt>"
has "the glossary explains the pooled rate" "<dt>Pooled rate</dt>"
has "the methods cite the limits" 'Spiegelhalter, "Funnel plots for comparing institutional performance"'

# every program is a row of each of the five tables, also the small one
for p in FM-001 IM-001 IM-002 IM-003 IM-004 PD-001; do
    expect_eq "$p in each of the five tables" "$(grep -c "<tr><th scope=\"row\">$p</th>" "$R")" 5
done
# PD-001 (8 residents, 3 IMGs): its board row is labelled, not dropped
row=$(sed -n '/<section id="board">/,/<\/section>/p' "$R" | grep '<tr><th scope="row">PD-001</th>')
case $row in
*'<span class="supp">fewer than 5</span>'*) ok "the small program's hidden board figures are labelled" ;;
*) not_ok "the small program's hidden board figures are labelled" "$row" ;;
esac
expect_eq "the institution's own row in each rate table" "$(grep -c '<tr><th scope="row">All programs</th>' "$R")" 4

# IM-002's adverse action rate is outside the 95% limits, above the pooled
# rate: named in the sentence and marked in its row
adv=$(sed -n '/<section id="adverse">/,/<\/section>/p' "$R")
case $adv in
*'<p class="flag">Outside the 95% limits (within the 99.8% limits): IM-002 (above the pooled rate: '*) ok "IM-002 named outside the adverse action funnel" ;;
*) not_ok "IM-002 named outside the adverse action funnel" "$(echo "$adv" | grep -i 'outside' | head -3)" ;;
esac
if echo "$adv" | grep '<tr><th scope="row">IM-002</th>' | grep -q '<span class="flag">above the 95% limits</span>'; then
    ok "IM-002's row marks it above the 95% limits"
else not_ok "IM-002's row marks it above the 95% limits" "$(echo "$adv" | grep 'IM-002')"; fi
for c in institution_board_funnel institution_adverse_funnel; do
    [ -s "$T/i/charts/$c.svg" ] && ok "chart $c drawn" || not_ok "chart $c drawn"
    [ -s "$T/i/tables/$c.csv" ] && ok "table $c written" || not_ok "table $c written"
done
expect_eq "IM-002 is in the adverse funnel's outside95 rows" \
    "$(awk -F, '$1 == "outside95" { print $2 }' "$T/i/tables/institution_adverse_funnel.csv" | tr '\n' ' ')" "IM-002 IM-004 "

# published: public.csv beside it, and imgo audit finds nothing to work out
[ -s "$T/i/public.csv" ] && ok "public.csv written" || not_ok "public.csv written"
run "$IMGO" audit "$T/i"
if [ "$rc" = 0 ] && grep -q ' 0 leaking' "$T/out"; then ok "imgo audit on the institution report passes"
else not_ok "imgo audit on the institution report passes" "exit $rc" "$(tail -3 "$T/out")"; fi
expect_eq "no hidden count of the small program printed" \
    "$(awk -F, '$3 == "program=PD-001" && $2 == "img" && $6 != "" && $6 != "fewer than 5"' "$T/i/public.csv")" ""

# the same database through imgo report, twice: the same bytes
run "$IMGO" report --db "$T/i.db" --kind institution --out "$T/r1"
expect_rc "imgo report --kind institution" 0
run "$IMGO" report --db "$T/i.db" --kind institution --out "$T/r2"
if diff -r "$T/r1" "$T/r2" >"$T/diff" 2>&1; then ok "two renders give identical bytes"; else not_ok "two renders give identical bytes" "$(head -5 "$T/diff")"; fi
if cmp -s "$T/r1/public.csv" "$T/i/public.csv"; then ok "the same numbers as under imgo run"; else not_ok "the same numbers as under imgo run"; fi
run "$IMGO" report --db "$T/i.db" --kind regional --out "$T/r3"
expect_rc "an unknown kind is a usage error" 2
expect_err "the unknown kind named" "imgo: report: --kind 'regional' is not annual, quarterly or institution"

# no ccc_actions.csv: the adverse section says so in one line, no funnel
mkdir "$T/noccc"
for f in fixtures/demo/*.csv; do [ "$(basename "$f")" = ccc_actions.csv ] || cp "$f" "$T/noccc/"; done
run "$IMGO" run pipelines/institution.pipeline --input "$T/noccc" --out "$T/n"
expect_rc "the institution report without ccc_actions.csv" 0
if sed -n '/<section id="adverse">/,/<\/section>/p' "$T/n/report.html" | grep -q '<p class="nodata">No data: ccc_actions.csv was not provided.</p>'
then ok "the adverse section says the file was not provided"; else not_ok "the adverse section says the file was not provided"; fi
[ ! -e "$T/n/charts/institution_adverse_funnel.svg" ] && ok "no adverse funnel drawn" || not_ok "no adverse funnel drawn"

# a larger cohort: IM-004's board pass rate is below the 99.8% limits
n=2500
"$IMGO" synth --residents "$n" --seed 7 --out "$T/s" >/dev/null
run "$IMGO" run pipelines/institution.pipeline --input "$T/s" --out "$T/so" --db "$T/so.db"
expect_rc "the institution report on $n synthetic residents" 0
if sed -n '/<section id="board">/,/<\/section>/p' "$T/so/report.html" |
    grep -q '<p class="flag">Outside the 99.8% limits: IM-004 (below the pooled rate: '; then
    ok "IM-004 named below the board funnel's 99.8% limits"
else not_ok "IM-004 named below the board funnel's 99.8% limits" \
    "$(grep outside "$T/so/tables/institution_board_funnel.csv" | head -5)"; fi
run "$IMGO" audit "$T/so"
if [ "$rc" = 0 ] && grep -q ' 0 leaking' "$T/out"; then ok "imgo audit on it passes"
else not_ok "imgo audit on it passes" "exit $rc" "$(tail -3 "$T/out")"; fi

# The audit's model: the programs' passes add up to the institution's. A
# report printing the institution's passes (19) and those of two programs
# (8 and 11) tells that the third, small, program passed nobody.
mkdir "$T/k"
cat >"$T/k/metrics.csv" <<'EOF'
metric,group,stratum,period,n,k,value,ci_low,ci_high,p_value,q_value,suppressed
institution.board_pass,all,,2023-2025,30,19,,,,,,0
institution.board_pass,all,program=A,2023-2025,10,8,,,,,,0
institution.board_pass,all,program=B,2023-2025,17,11,,,,,,0
institution.board_pass,all,program=C,2023-2025,3,0,,,,,,1
EOF
cat >"$T/k/public.csv" <<'EOF'
metric,group,stratum,period,field,shown
institution.board_pass,all,,2023-2025,k,19
institution.board_pass,all,program=A,2023-2025,k,8
institution.board_pass,all,program=A,2023-2025,n,10
institution.board_pass,all,program=B,2023-2025,k,11
institution.board_pass,all,program=B,2023-2025,n,17
institution.board_pass,all,program=C,2023-2025,k,
institution.board_pass,all,program=C,2023-2025,n,fewer than 5
EOF
run "$IMGO" audit "$T/k"
if [ "$rc" = 1 ] && grep -qF "LEAK       'institution.board_pass all program=C 2023-2025 k' leaks: a reader knows it is 0" "$T/out"
then ok "audit: a program's passes worked out from the institution's is a leak"
else not_ok "audit: a program's passes worked out from the institution's is a leak" "exit $rc" "$(cat "$T/out")"; fi
