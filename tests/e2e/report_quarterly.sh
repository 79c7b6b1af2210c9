# The quarterly packet on fixtures/tiny at as-of 2023-09-30 (2023 Q3),
# checked against what the four residents' records say, worked by hand:
#   R004 started 2023-07-01 with only a peer mentor (day 4); one meeting on
#     day 11 (week 2 of 6); no faculty meeting in months 2 and 3; graduated
#     2012, 11 years before starting;
#   R002 is in training since 2021 without any mentor or Step 3 attempt;
#   R001 (until 2024-06-30) passed Step 3 in 2022; graduated 2015, 6 years
#     before starting; senior mentor ended 2022-06-30 and, an IMG, no peer;
#   day 821 of R002 is in month 28 (days 810-839);
#   R003 left in 2023-03 and is in no list.
. tests/lib.sh

run "$IMGO" run pipelines/quarterly.pipeline --input fixtures/tiny --out "$T/q" --as-of 2023-09-30
expect_rc "quarterly pipeline" 0
h=$T/q/report.html

has() { if grep -qF -- "$2" "$h"; then ok "$1"; else not_ok "$1" "missing: $2"; fi; }
hasnt() { if grep -qF -- "$2" "$h"; then not_ok "$1" "present: $2"; else ok "$1"; fi; }

has "marked confidential" '<div class="confidential screen" role="note">CONFIDENTIAL'
has "print marks every page in its margin" '@page{@top-right{content:"CONFIDENTIAL'
has "the quarter of the as-of date" '<dt>Quarter</dt><dd>2023-07-01 to 2023-09-30</dd>'
for s in new-residents cadence mentor-load step3-watch bias-signals early-warning; do
    has "section $s" "<section id=\"$s\">"
done
has "new resident and missing mentors" '<tr><th scope="row">R004</th><td>IMG</td><td>2023-07-01</td><td>senior resident, faculty</td><td>senior resident, faculty</td></tr>'
has "cadence behind" '<tr><th scope="row">R004</th><td>IMG</td><td>2023-07-01</td><td>1, 3, 4, 5, 6</td><td>2, 3</td></tr>'
has "step 3 watch list" '<tr><th scope="row">R002</th><td>Non-IMG</td><td>No visa <span class="code">none</span></td><td>2021-07-01</td><td>28</td><td>0</td></tr>'
hasnt "a Step 3 pass leaves the watch list" '<tr><th scope="row">R001</th><td>IMG</td><td>H-1B <span class="code">h1b</span></td>'
has "early warning: graduation gap" '<tr><th scope="row">R001</th><td>IMG</td><td>graduated 6 years before starting; no active senior resident, peer mentor</td></tr>'
has "early warning: several reasons" '<tr><th scope="row">R004</th><td>IMG</td><td>graduated 11 years before starting; no active senior resident, faculty mentor; cadence behind (5 week(s), 2 month(s) without a meeting)</td></tr>'
hasnt "residents who left are not listed" '<th scope="row">R003</th>'
has "bias quarters" '<tr><th scope="row">2022 Q4</th>'
has "small groups suppressed in the bias screen" 'fewer than 5'
