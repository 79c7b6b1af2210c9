#!/bin/sh
# Makes the export fixtures of tests/e2e/maps.sh (fixtures/exports/) from one
# small cohort in imgo's own format, so that each export, read through its
# map, must give that cohort back: the test compares metrics.csv and the
# database byte for byte. Run from the repository root with an imgo binary:
#
#   IMGO=build/imgo sh tests/exports/make_exports.sh
#
# It rewrites the four directories below in fixtures/exports/ (or in $OUT)
# and the same binary gives the same bytes: tests/e2e/maps.sh runs it into
# a temporary directory and checks that the committed fixtures are what it
# makes. The maps that read them are maps/redcap/redcap.map,
# maps/spreadsheet.map and fixtures/exports/rms.map. What it writes:
#
#   cohort/    `imgo synth --residents 10 --seed 2024`, edited so that it
#              exercises the maps: one program (IM-001, Internal Medicine, so
#              that a map can give `program` as a constant), a school region
#              with non-ASCII letters (Cote d'Ivoire with a circumflex and a
#              curly apostrophe, a character of Windows-1252 but not of
#              Latin-1), four more employment rows, and two milestone ratings
#              left out (empty cells of the wide milestone file).
#   rms/       a residency-management system's export: its own file names
#              and column names, M/D/YYYY dates (exam dates D-Mon-YYYY,
#              employment dates Excel serial day numbers), its own spellings
#              of the enumerated values (US MD, IMG (non-US), J-1, H-1B,
#              Senior Resident, Ad hoc, Yes/No, Pass/Fail, ...), exam names
#              spelled out, a wide milestone file (one column per
#              subcompetency), and columns to drop (names, e-mail,
#              comments); CRLF line endings and a byte-order mark.
#   redcap/    REDCap's "CSV (raw data)" export of the project described by
#              maps/redcap/IMGMentorship_DataDictionary.csv: one file,
#              record_id, redcap_repeat_instrument, redcap_repeat_instance,
#              coded choices, yes/no as 1/0, dates YYYY-MM-DD.
#   template/  the templates of `imgo template` filled in by hand in Excel
#              and saved as plain "CSV" where the list separator is ';':
#              Windows-1252, ';'-separated, CRLF, dates M/D/YYYY, Yes/No.
set -eu
: "${IMGO:?IMGO must name the imgo binary}"
X=${OUT:-fixtures/exports}
rm -rf "$X/cohort" "$X/rms" "$X/redcap" "$X/template"
mkdir -p "$X/cohort" "$X/rms" "$X/redcap" "$X/template"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# ---- the cohort -------------------------------------------------------------
"$IMGO" synth --residents 10 --seed 2024 --out "$T/s" >/dev/null
C=$X/cohort
for f in "$T"/s/*.csv; do cp "$f" "$C/"; done
# Each edit checks that the rows it edits are there: a change of the synth
# must not make one silently do nothing.
awk -F, -v OFS=, 'NR > 1 { $2 = "IM-001"; $3 = "Internal Medicine"
                           if ($1 == "R000005" && $7 == "non_us_img") { $8 = "C\303\264te d\342\200\231Ivoire"; n++ } }
                  { print }
                  END { if (n != 1) { print "make_exports.sh: no non-US IMG R000005 in the synth cohort" >"/dev/stderr"; exit 1 } }' \
    "$T/s/residents.csv" >"$C/residents.csv"
# Positions after graduation, so that the workforce metrics see graduates
# who stay and who leave: a closed position before the synth's open one
# (R000006), a first position in the same region (R000007), and a closed
# then an open one whose underserved cell is empty (R000009). The last
# start, 2026-08-03, is the cohort's latest date (its as-of), after the
# 2026 graduations. The synth has no rows of these residents but R000006's
# of 2024-09-09.
awk -F, 'NR > 1 && ($1 == "R000007" || $1 == "R000009" || ($1 == "R000006" && $2 != "2024-09-09")) { n++ }
         END { if (n) { print "make_exports.sh: the synth cohort has other employment rows of R000006, R000007 or R000009" >"/dev/stderr"; exit 1 } }' \
    "$T/s/employment.csv"
cat >>"$C/employment.csv" <<'ROWS'
R000006,2024-07-15,2024-08-31,same_institution,yes
R000007,2026-07-20,,same_region,no
R000009,2026-07-06,2026-07-31,same_institution,yes
R000009,2026-08-03,,elsewhere,
ROWS
awk -F, '($1 == "R000003" && $2 == "2025-12-15" && $4 == "PC5") ||
         ($1 == "R000009" && $2 == "2024-06-15" && $4 == "ICS3") { n++; next }
         { print }
         END { if (n != 2) { print "make_exports.sh: the two ratings to leave out are not in the synth cohort" >"/dev/stderr"; exit 1 } }' \
    "$T/s/milestone_ratings.csv" >"$C/milestone_ratings.csv"

# ---- helpers (awk) ------------------------------------------------------------
LIB='
function mdy(s) { return s == "" ? "" : (substr(s, 6, 2) + 0) "/" (substr(s, 9, 2) + 0) "/" substr(s, 1, 4) }
function dmony(s,   m) { if (s == "") return ""; m = substr("JanFebMarAprMayJunJulAugSepOctNovDec", 3 * substr(s, 6, 2) - 2, 3)
                         return (substr(s, 9, 2) + 0) "-" m "-" substr(s, 1, 4) }
function days(y, m, d,   era, yoe, doy) { y -= (m <= 2); era = int((y >= 0 ? y : y - 399) / 400); yoe = y - era * 400
                         doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
                         return era * 146097 + yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy - 719468 }
function excel(s) { return s == "" ? "" : days(substr(s, 1, 4) + 0, substr(s, 6, 2) + 0, substr(s, 9, 2) + 0) - days(1899, 12, 30) }
function q(s) { gsub(/"/, "\"\"", s); return "\"" s "\"" }
'

# ---- rms: a residency-management system's export ------------------------------
R=$X/rms
crlf() { awk '{ printf "%s\r\n", $0 }'; }
awk -F, "$LIB"'
BEGIN { split("completed,withdrew,dismissed,transferred", a, ","); split("Completed Program,Withdrew,Dismissed,Transferred", b, ",")
        for (i in a) reason[a[i]] = b[i]
        img["usmd"] = "US MD"; img["usdo"] = "US DO"; img["us_img"] = "US IMG"; img["non_us_img"] = "IMG (non-US)"
        visa["none"] = "None"; visa["j1"] = "J-1"; visa["h1b"] = "H-1B"; visa["other"] = "Other"
        track["categorical"] = "Categorical"; track["preliminary"] = "Preliminary"
        printf "\357\273\277Resident ID,Last Name,First Name,Email,Specialty,Start Date,End Date,Reason for Leaving,IMG Status,Medical School Region,Grad Year,Visa Type,Step 2 CK,Track\n" }
NR > 1 { n = NR - 1
         print $1, "Resident" sprintf("%02d", n), "Test", q("r" n "@example.org"), $3, mdy($4), mdy($5), reason[$6], img[$7], $8, $9, visa[$10], $11, track[$12] }' OFS=, \
    "$C/residents.csv" | crlf >"$R/Residents.csv"
awk -F, "$LIB"'
BEGIN { role["senior_resident"] = "Senior Resident"; role["faculty"] = "Faculty"; role["peer"] = "Peer"
        print "Resident ID,Mentor ID,Mentor Role,Assigned,Ended" }
NR > 1 { print $1, $2, role[$3], mdy($4), mdy($5) }' OFS=, "$C/mentor_assignments.csv" | crlf >"$R/Mentor Assignments.csv"
awk -F, "$LIB"'
BEGIN { kind["scheduled"] = "Scheduled"; kind["ad_hoc"] = "Ad hoc"; print "Resident ID,Mentor ID,Meeting Date,Meeting Type" }
NR > 1 { print $1, $2, mdy($3), kind[$4] }' OFS=, "$C/mentorship_meetings.csv" | crlf >"$R/Mentoring Meetings.csv"
awk -F, "$LIB"'
BEGIN { exam["ABIM-IM"] = "ABIM Internal Medicine"; exam["ABFM-FM"] = "ABFM Family Medicine"; exam["USMLE-STEP3"] = "USMLE Step 3"
        res["pass"] = "Pass"; res["fail"] = "Fail"; print "Resident ID,Exam,Test Date,Attempt #,Result,Scaled Score" }
NR > 1 && !($2 in exam) { print "make_exports.sh: no spelled-out name for the exam " $2 >"/dev/stderr"; exit 1 }
NR > 1 { print $1, exam[$2], dmony($3), $4, res[$5], $6 }' OFS=, "$C/board_exams.csv" >"$T/be"
crlf <"$T/be" >"$R/Board Exams.csv"
awk -F, "$LIB"'
BEGIN { out["matched"] = "Matched"; out["unmatched"] = "Unmatched"; out["withdrew"] = "Withdrew"
        print "Resident ID,Match Year,Fellowship,Match Result" }
NR > 1 { print $1, $2, $3, out[$4] }' OFS=, "$C/fellowship_applications.csv" | crlf >"$R/Fellowship.csv"
# wide: one row per resident and review, one column per subcompetency
awk -F, "$LIB"'
NR == 1 { next }
{ k = $1 SUBSEP $2; if (!(k in pgy)) { keys[++nk] = k; pgy[k] = $3 }
  if (!($4 in seen)) { seen[$4] = 1; subs[++ns] = $4 }
  r[k, $4] = $5 }
END { printf "Resident ID,Review Date,PGY Level"; for (s = 1; s <= ns; s++) printf ",%s", subs[s]; print ",Program Director"
      for (i = 1; i <= nk; i++) { split(keys[i], p, SUBSEP); printf "%s,%s,%s", p[1], mdy(p[2]), pgy[keys[i]]
                                  for (s = 1; s <= ns; s++) printf ",%s", r[keys[i], subs[s]]
                                  print ",PD-01" } }' "$C/milestone_ratings.csv" | crlf >"$R/Milestones.csv"
awk -F, "$LIB"'
BEGIN { print "Resident ID,Evaluator,Evaluation Date,Rotation,PGY Level,Overall Score,Comments" }
NR > 1 { print $1, $2, mdy($3), $4, $5, $6, (NR % 7 == 0 ? q("Solid, reliable; \"a pleasure\"") : "") }' OFS=, \
    "$C/evaluations.csv" | crlf >"$R/Evaluations.csv"
awk -F, "$LIB"'
BEGIN { split("communication,efficiency,medical_knowledge,professionalism,documentation,teamwork,other", a, ",")
        split("Communication,Efficiency,Medical Knowledge,Professionalism,Documentation,Teamwork,Other", b, ",")
        for (i in a) theme[a[i]] = b[i]
        tone["positive"] = "Positive"; tone["negative"] = "Negative"; print "Resident ID,Evaluator,Date,Theme,Tone" }
NR > 1 { print $1, $2, mdy($3), theme[$4], tone[$5] }' OFS=, "$C/feedback.csv" | crlf >"$R/Feedback.csv"
awk -F, "$LIB"'
BEGIN { split("satisfactory,focused_review,remediation,probation,non_promotion,dismissal", a, ",")
        split("Satisfactory,Focused Review,Remediation,Probation,Non-Promotion,Dismissal", b, ",")
        for (i in a) act[a[i]] = b[i]; print "Resident ID,CCC Date,Decision" }
NR > 1 { print $1, mdy($2), act[$3] }' OFS=, "$C/ccc_actions.csv" | crlf >"$R/CCC Actions.csv"
awk -F, "$LIB"'
BEGIN { emp["same_institution"] = "Same institution"; emp["same_region"] = "Same region"; emp["elsewhere"] = "Elsewhere"
        yn["yes"] = "Yes"; yn["no"] = "No"; print "Resident ID,Start,End,Employer,Underserved Area" }
NR > 1 { print $1, excel($2), excel($3), emp[$4], yn[$5] }' OFS=, "$C/employment.csv" | crlf >"$R/Employment.csv"
awk -F, 'BEGIN { print "Resident ID,Period,Responses,Mean Score" } NR > 1 { print }' OFS=, \
    "$C/patient_experience.csv" | crlf >"$R/Patient Experience.csv"

# ---- redcap: the raw export of the shipped data dictionary ----------------------
# The columns, in the dictionary's order, and each cohort file's instrument.
awk -F, "$LIB"'
function col(name) { cols[++ncols] = name; idx[name] = ncols }
function put(name, v) { row[idx[name]] = v }
function emit(   i, s) { s = ""; for (i = 1; i <= ncols; i++) s = s (i > 1 ? "," : "") row[i]; print s; split("", row) }
function text(v) { return v == "" ? "" : q(v) }
BEGIN {
    col("record_id"); col("redcap_repeat_instrument"); col("redcap_repeat_instance")
    split("program specialty start_date end_date exit_reason graduate_type school_region graduation_year visa step2_score track residents_complete", a, " "); for (i = 1; i <= 12; i++) col(a[i])
    split("ma_mentor_id ma_role ma_assigned_date ma_ended_date mentor_assignments_complete", a, " "); for (i = 1; i <= 5; i++) col(a[i])
    split("mm_mentor_id mm_meeting_date mm_kind mentorship_meetings_complete", a, " "); for (i = 1; i <= 4; i++) col(a[i])
    split("be_exam be_exam_date be_attempt be_result be_score board_exams_complete", a, " "); for (i = 1; i <= 6; i++) col(a[i])
    split("fa_cycle_year fa_fellowship_specialty fa_outcome fellowship_applications_complete", a, " "); for (i = 1; i <= 4; i++) col(a[i])
    split("mr_review_date mr_pgy mr_subcompetency mr_rating milestone_ratings_complete", a, " "); for (i = 1; i <= 5; i++) col(a[i])
    split("ev_evaluator_id ev_eval_date ev_rotation ev_pgy ev_score evaluations_complete", a, " "); for (i = 1; i <= 6; i++) col(a[i])
    split("fb_evaluator_id fb_feedback_date fb_theme fb_valence feedback_complete", a, " "); for (i = 1; i <= 5; i++) col(a[i])
    split("ccc_review_date ccc_action ccc_actions_complete", a, " "); for (i = 1; i <= 3; i++) col(a[i])
    split("emp_start_date emp_end_date emp_employer emp_underserved employment_complete", a, " "); for (i = 1; i <= 5; i++) col(a[i])
    split("pe_period pe_responses pe_mean_score patient_experience_complete", a, " "); for (i = 1; i <= 4; i++) col(a[i])
    split("completed withdrew dismissed transferred", a, " "); for (i in a) code["exit_reason", a[i]] = i
    split("usmd usdo us_img non_us_img", a, " "); for (i in a) code["graduate_type", a[i]] = i
    split("none j1 h1b other", a, " "); for (i in a) code["visa", a[i]] = i
    split("categorical preliminary", a, " "); for (i in a) code["track", a[i]] = i
    split("senior_resident faculty peer", a, " "); for (i in a) code["role", a[i]] = i
    split("scheduled ad_hoc", a, " "); for (i in a) code["kind", a[i]] = i
    code["result", "pass"] = 1; code["result", "fail"] = 0
    split("matched unmatched withdrew", a, " "); for (i in a) code["outcome", a[i]] = i
    split("communication efficiency medical_knowledge professionalism documentation teamwork other", a, " "); for (i in a) code["theme", a[i]] = i
    split("positive negative", a, " "); for (i in a) code["valence", a[i]] = i
    split("satisfactory focused_review remediation probation non_promotion dismissal", a, " "); for (i in a) code["action", a[i]] = i
    split("same_institution same_region elsewhere", a, " "); for (i in a) code["employer", a[i]] = i
    code["underserved", "yes"] = 1; code["underserved", "no"] = 0
    s = ""; for (i = 1; i <= ncols; i++) s = s (i > 1 ? "," : "") cols[i]; print s
}
function c(set, v) { return v == "" ? "" : code[set, v] }
FNR == 1 { file = FILENAME; sub(/.*\//, "", file); sub(/\.csv$/, "", file); next }
file == "residents" { ids[++nids] = $1; put("record_id", $1)
    put("program", text($2)); put("specialty", text($3)); put("start_date", $4); put("end_date", $5)
    put("exit_reason", c("exit_reason", $6)); put("graduate_type", c("graduate_type", $7)); put("school_region", text($8))
    put("graduation_year", $9); put("visa", c("visa", $10)); put("step2_score", $11); put("track", c("track", $12))
    put("residents_complete", 2); base[$1] = join(); split("", row); next }
function join(   i, s) { s = ""; for (i = 1; i <= ncols; i++) s = s (i > 1 ? "," : "") row[i]; return s }
function rep(form,   s) { n[$1, form]++; put("record_id", $1); put("redcap_repeat_instrument", form); put("redcap_repeat_instance", n[$1, form]); put(form "_complete", 2) }
function keep(form) { out[$1] = out[$1] join() "\n"; split("", row) }
file == "mentor_assignments" { rep(file); put("ma_mentor_id", text($2)); put("ma_role", c("role", $3)); put("ma_assigned_date", $4); put("ma_ended_date", $5); keep() }
file == "mentorship_meetings" { rep(file); put("mm_mentor_id", text($2)); put("mm_meeting_date", $3); put("mm_kind", c("kind", $4)); keep() }
file == "board_exams" { rep(file); put("be_exam", text($2)); put("be_exam_date", $3); put("be_attempt", $4); put("be_result", c("result", $5)); put("be_score", $6); keep() }
file == "fellowship_applications" { rep(file); put("fa_cycle_year", $2); put("fa_fellowship_specialty", text($3)); put("fa_outcome", c("outcome", $4)); keep() }
file == "milestone_ratings" { rep(file); put("mr_review_date", $2); put("mr_pgy", $3); put("mr_subcompetency", text($4)); put("mr_rating", $5); keep() }
file == "evaluations" { rep(file); put("ev_evaluator_id", text($2)); put("ev_eval_date", $3); put("ev_rotation", text($4)); put("ev_pgy", $5); put("ev_score", $6); keep() }
file == "feedback" { rep(file); put("fb_evaluator_id", text($2)); put("fb_feedback_date", $3); put("fb_theme", c("theme", $4)); put("fb_valence", c("valence", $5)); keep() }
file == "ccc_actions" { rep(file); put("ccc_review_date", $2); put("ccc_action", c("action", $3)); keep() }
file == "employment" { rep(file); put("emp_start_date", $2); put("emp_end_date", $3); put("emp_employer", c("employer", $4)); put("emp_underserved", c("underserved", $5)); keep() }
file == "patient_experience" { rep(file); put("pe_period", text($2)); put("pe_responses", $3); put("pe_mean_score", $4); keep() }
END { for (i = 1; i <= nids; i++) { print base[ids[i]]; printf "%s", out[ids[i]] } }' \
    "$C/residents.csv" "$C/mentor_assignments.csv" "$C/mentorship_meetings.csv" "$C/board_exams.csv" \
    "$C/fellowship_applications.csv" "$C/milestone_ratings.csv" "$C/evaluations.csv" "$C/feedback.csv" \
    "$C/ccc_actions.csv" "$C/employment.csv" "$C/patient_experience.csv" >"$X/redcap/IMGMentorship_DATA_2025-07-01_1200.csv"

# ---- template: filled in by hand, saved by Excel as ';'-separated "CSV" -----------
for f in "$C"/*.csv; do
    awk -F, "$LIB"'
    NR == 1 { for (i = 1; i <= NF; i++) date[i] = ($i ~ /_date$/ || $i == "assigned_date"); h = $0; gsub(/,/, ";", h); print h; next }
    { s = ""; for (i = 1; i <= NF; i++) { v = date[i] ? mdy($i) : $i
                                          if (v == "yes") v = "Yes"; else if (v == "no") v = "No"
                                          s = s (i > 1 ? ";" : "") v }
      print s }' "$f" | crlf | iconv -f UTF-8 -t WINDOWS-1252 >"$X/template/$(basename "$f")"
done
