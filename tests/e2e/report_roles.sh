# A program whose residents have faculty mentors only says so with the
# pipeline keys required_roles_img and required_roles_non_img: then nobody
# is "missing" a senior-resident or peer mentor, in the quarterly packet's
# early-warning list or in the tiered coverage. Under the default roles the
# same cohort is missing them (the keys are what changes it).
. tests/lib.sh

"$IMGO" synth --residents 40 --seed 3 --out "$T/c" >/dev/null
awk -F, 'NR == 1 || $3 == "faculty"' "$T/c/mentor_assignments.csv" >"$T/m.csv"
mv "$T/m.csv" "$T/c/mentor_assignments.csv"

run "$IMGO" run pipelines/quarterly.pipeline --input "$T/c" --out "$T/default"
expect_rc "default roles" 0
if grep -q 'no active senior resident' "$T/default/report.html"; then ok "default roles: faculty-only residents miss the others"
else not_ok "default roles: faculty-only residents miss the others"; fi

run "$IMGO" run pipelines/quarterly.pipeline --input "$T/c" --out "$T/faculty" \
    --set required_roles_img=faculty --set required_roles_non_img=faculty
expect_rc "faculty only" 0
expect_eq "faculty only: nobody misses a mentor" \
    "$(grep -c -e 'no active senior' -e 'no active faculty' -e 'no active peer' "$T/faculty/report.html")" "0"
expect_eq "faculty only: everyone covered in week 1" \
    "$(awk -F, '$1 == "mentorship.tiered_coverage" && $2 == "all" { print $5 "/" $6 }' "$T/faculty/metrics.csv")" "40/40"
expect_eq "faculty only: the packet says which roles" \
    "$(grep -c 'Required mentors, assigned by day 7: for IMGs faculty; for non-IMGs faculty.' "$T/faculty/report.html")" "1"
expect_eq "run.json records the roles" "$(grep -c '"required_roles_img": "faculty"' "$T/faculty/run.json")" "1"
