# imgo synth: options, determinism, the input contract's headers and row
# rules, and the planted effects on a few thousand residents, computed here
# with awk independently of the generator.
. tests/lib.sh

# ---- options ----
run "$IMGO" synth --help
expect_rc "help exits 0" 0
expect_eq "help on stdout" "$(head -1 "$T/out")" "usage: imgo synth --residents N --seed S --out DIR [--programs P]"

run "$IMGO" synth
expect_rc "no options is a usage error" 2
run "$IMGO" synth --residents 0 --seed 1 --out "$T/x"
expect_rc "zero residents is a usage error" 2
run "$IMGO" synth --residents 10000001 --seed 1 --out "$T/x"
expect_rc "too many residents is a usage error" 2
run "$IMGO" synth --residents 12a --seed 1 --out "$T/x"
expect_rc "non-numeric residents is a usage error" 2
run "$IMGO" synth --residents 100 --seed 1 --programs 5 --out "$T/x"
expect_rc "fewer than 6 programs is a usage error" 2
expect_err "the programs message" "imgo: synth: --programs must be an integer 6..999, not '5'"
run "$IMGO" synth --residents 100 --seed 1 --programs 1000 --out "$T/x"
expect_rc "more than 999 programs is a usage error" 2
# --programs P: P programs in all, the small one last (docs/SYNTH.md)
run "$IMGO" synth --residents 3000 --seed 1 --programs 40 --out "$T/p40"
expect_rc "3000 residents in 40 programs" 0
expect_eq "40 programs" "$(awk -F, 'NR > 1 { print $2 }' "$T/p40/residents.csv" | sort -u | wc -l | tr -d ' ')" "40"
expect_eq "the small program is the last (IM-028: program 40 is the 28th Internal Medicine one)" \
    "$(awk -F, 'NR > 1 { n[$2]++ } END { for (p in n) print n[p], p }' "$T/p40/residents.csv" | sort -n | head -1 | cut -d' ' -f2)" "IM-028"
run "$IMGO" synth --residents 10 --seed -1 --out "$T/x"
expect_rc "negative seed is a usage error" 2
run "$IMGO" synth --residents 10 --seed 4294967296 --out "$T/x"
expect_rc "seed above 32 bits is a usage error" 2
run "$IMGO" synth --residents 10 --seed 1 --out "$T/x" --frob
expect_rc "unknown option is a usage error" 2
run "$IMGO" synth --residents 10 --seed 1 --out
expect_rc "missing value is a usage error" 2
[ -e "$T/x" ] && not_ok "usage errors write nothing" || ok "usage errors write nothing"

: >"$T/plainfile"
run "$IMGO" synth --residents 10 --seed 1 --out "$T/plainfile/sub"
expect_rc "unwritable directory exits 3" 3

# ---- determinism ----
N=3000
run "$IMGO" synth --residents $N --seed 11 --out "$T/a"
expect_rc "synth exits 0" 0
expect_eq "stdout counts residents" "$(grep '^residents.csv' "$T/out" | cut -f2)" "$N"
run "$IMGO" synth --residents=$N --seed=11 --out="$T/b/nested"
expect_rc "synth with = options and nested new directory" 0
run "$IMGO" synth --residents $N --seed 12 --out "$T/c"
files="residents.csv mentor_assignments.csv mentorship_meetings.csv board_exams.csv
fellowship_applications.csv milestone_ratings.csv evaluations.csv feedback.csv
ccc_actions.csv employment.csv patient_experience.csv"
same=0; differ=0; count=0
for f in $files; do
    count=$((count + 1))
    cmp -s "$T/a/$f" "$T/b/nested/$f" && same=$((same + 1))
    cmp -s "$T/a/$f" "$T/c/$f" || differ=$((differ + 1))
done
expect_eq "same arguments give byte-identical files" "$same" 11
expect_eq "another seed changes every file" "$differ" 11
expect_eq "eleven files" "$(ls "$T/a" | wc -l | tr -d ' ')" 11
expect_eq "files are 0600 under main's umask" "$(stat -c %a "$T/a/residents.csv")" 600
expect_eq "a new directory is 0700" "$(stat -c %a "$T/a")" 700

# ---- headers, as inputs.md lists the columns ----
D=$T/a
hdr() { expect_eq "header of $1" "$(head -1 "$D/$1")" "$2"; }
hdr residents.csv "resident_id,program,specialty,start_date,end_date,exit_reason,graduate_type,school_region,graduation_year,visa,step2_score,track"
hdr mentor_assignments.csv "resident_id,mentor_id,role,assigned_date,ended_date"
hdr mentorship_meetings.csv "resident_id,mentor_id,meeting_date,kind"
hdr board_exams.csv "resident_id,exam,exam_date,attempt,result,score"
hdr fellowship_applications.csv "resident_id,cycle_year,fellowship_specialty,outcome"
hdr milestone_ratings.csv "resident_id,review_date,pgy,subcompetency,rating"
hdr evaluations.csv "resident_id,evaluator_id,eval_date,rotation,pgy,score"
hdr feedback.csv "resident_id,evaluator_id,feedback_date,theme,valence"
hdr ccc_actions.csv "resident_id,review_date,action"
hdr employment.csv "resident_id,start_date,end_date,employer,underserved"
hdr patient_experience.csv "resident_id,period,responses,mean_score"

# ---- row rules ----
# Every file: field count, resident exists, rows ordered by resident and
# then by the given date column, dates on the calendar and not after as-of.
# Prints one line per violation (the first 5 per file).
cat >"$T/rules.awk" <<'EOF'
function isdate(d,   y, m, dd, dim) {
    if (d !~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]$/) return 0
    y = substr(d, 1, 4) + 0; m = substr(d, 6, 2) + 0; dd = substr(d, 9, 2) + 0
    if (m < 1 || m > 12 || dd < 1) return 0
    dim = substr("312831303130313130313031", 2 * m - 1, 2) + 0
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) dim = 29
    return dd <= dim
}
function bad(msg) { if (nbad[FILENAME]++ < 5) print FILENAME ":" FNR ": " msg }
function isid(s) { return s ~ /^[A-Za-z0-9._-]+$/ && length(s) <= 64 }
BEGIN { FS = "," }
FNR == 1 { fileno++; nf = NF; prev = ""; prevd = ""; file = FILENAME; sub(/.*\//, "", file); next }
# With two files, the first is residents.csv read for the ids and starts.
fileno == 1 && ARGC == 3 { start[$1] = $4; next }
{
    if (NF != nf) bad("has " NF " fields, header " nf)
    if (!isid($1)) bad("bad resident_id " $1)
    if (file == "residents.csv") {
        if ($1 !~ /^R[0-9][0-9][0-9][0-9][0-9][0-9]$/) bad("resident id " $1)
        if (seen[$1]++) bad("duplicate resident " $1)
        if (!isdate($4)) bad("start_date " $4)
        if ($5 != "" && !isdate($5)) bad("end_date " $5)
        if (($5 == "") != ($6 == "")) bad("exit_reason iff end_date")
        if ($5 != "" && $5 < $4) bad("end before start")
        if ($6 != "" && $6 !~ /^(completed|withdrew|dismissed|transferred)$/) bad("exit_reason " $6)
        if ($7 !~ /^(usmd|usdo|us_img|non_us_img)$/) bad("graduate_type " $7)
        if ($9 !~ /^[0-9]+$/ || $9 < 1950 || $9 > substr($4, 1, 4) + 0) bad("graduation_year " $9)
        if ($10 !~ /^(none|j1|h1b|other)$/) bad("visa " $10)
        if ($11 != "" && ($11 !~ /^[0-9]+$/ || $11 < 1 || $11 > 300)) bad("step2 " $11)
        if ($12 !~ /^(categorical|preliminary)$/) bad("track " $12)
        if ($2 == "" || $3 == "") bad("program or specialty empty")
        if ($4 > asof || ($5 != "" && $5 > asof)) bad("after as-of")
        start[$1] = $4
    } else if (!($1 in start)) {
        bad("unknown resident " $1)
    }
    if ($1 < prev) bad("not ordered by resident")
    if (dcol) {
        d = $dcol
        if (!isdate(d)) bad("date " d)
        if (d > asof) bad("date after as-of " d)
        if ($1 == prev && d < prevd) bad("not ordered by date within resident")
        prevd = d
    }
    prev = $1
    if (file == "mentor_assignments.csv") {
        if (!isid($2)) bad("mentor_id " $2)
        if ($3 !~ /^(senior_resident|faculty|peer)$/) bad("role " $3)
        if ($5 != "" && (!isdate($5) || $5 < $4)) bad("ended_date " $5)
    } else if (file == "mentorship_meetings.csv") {
        if (!isid($2)) bad("mentor_id " $2)
        if ($4 !~ /^(scheduled|ad_hoc)$/) bad("kind " $4)
        if ($3 < start[$1]) bad("meeting before start")
    } else if (file == "board_exams.csv") {
        if ($4 !~ /^[0-9]+$/ || $4 < 1 || $4 > 99) bad("attempt " $4)
        if ($5 !~ /^(pass|fail)$/) bad("result " $5)
        if ($6 !~ /^[0-9]+$/ || $6 > 1000) bad("score " $6)
    } else if (file == "fellowship_applications.csv") {
        if ($2 !~ /^[0-9]+$/ || $2 < 1950 || $2 > 2100) bad("cycle_year " $2)
        if ($4 !~ /^(matched|unmatched|withdrew)$/) bad("outcome " $4)
    } else if (file == "milestone_ratings.csv") {
        if ($3 !~ /^[1-8]$/) bad("pgy " $3)
        if ($4 !~ /^[A-Z]+[0-9]+$/) bad("subcompetency " $4)
        if ($5 !~ /^[1-5]\.[05]$/ || $5 > 5) bad("rating " $5)
    } else if (file == "evaluations.csv") {
        if (!isid($2)) bad("evaluator_id " $2)
        if ($5 !~ /^[1-8]$/) bad("pgy " $5)
        if ($6 !~ /^[1-9]$/) bad("score " $6)
    } else if (file == "feedback.csv") {
        if ($4 !~ /^(communication|efficiency|medical_knowledge|professionalism|documentation|teamwork|other)$/) bad("theme " $4)
        if ($5 !~ /^(positive|negative)$/) bad("valence " $5)
    } else if (file == "ccc_actions.csv") {
        if ($3 !~ /^(satisfactory|focused_review|remediation|probation|non_promotion|dismissal)$/) bad("action " $3)
    } else if (file == "employment.csv") {
        if ($3 != "" && (!isdate($3) || $3 < $2)) bad("end_date " $3)
        if ($4 !~ /^(same_institution|same_region|elsewhere)$/) bad("employer " $4)
        if ($5 !~ /^(yes|no|)$/) bad("underserved " $5)
    } else if (file == "patient_experience.csv") {
        if ($2 !~ /^20[0-9][0-9]-Q[1-4]$/) bad("period " $2)
        if ($3 !~ /^[0-9]+$/ || $3 < 1) bad("responses " $3)
        if ($4 !~ /^[0-9]+(\.[0-9]+)?$/ || $4 < 1 || $4 > 5) bad("mean_score " $4)
    }
}
EOF
rules() { awk -v asof=2026-06-30 -v dcol="$2" -f "$T/rules.awk" "$D/residents.csv" "$D/$1"; }
out=$(
    awk -v asof=2026-06-30 -v dcol=0 -f "$T/rules.awk" "$D/residents.csv"
    rules mentor_assignments.csv 4
    rules mentorship_meetings.csv 3
    rules board_exams.csv 3
    rules fellowship_applications.csv 0
    rules milestone_ratings.csv 2
    rules evaluations.csv 3
    rules feedback.csv 3
    rules ccc_actions.csv 2
    rules employment.csv 2
    rules patient_experience.csv 0
)
expect_eq "every row keeps the rules of inputs.md" "$out" ""

# Natural keys unique: cut the key columns, sort, uniq -d.
key() {
    k=$(tail -n +2 "$D/$1" | cut -d, -f"$2" | sort | uniq -d | head -3)
    expect_eq "keys of $1 unique" "$k" ""
}
key mentor_assignments.csv 1,2,3,4
key mentorship_meetings.csv 1,2,3
key board_exams.csv 1,2,4
key fellowship_applications.csv 1,2,3
key milestone_ratings.csv 1,2,4
key evaluations.csv 1,2,3,4
key feedback.csv 1,2,3,4,5
key ccc_actions.csv 1,2
key employment.csv 1,2
key patient_experience.csv 1,2
latest=$(cat "$D"/*.csv | grep -o '20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]' | sort | tail -1)
expect_eq "the latest date is the as-of 2026-06-30" "$latest" "2026-06-30"

# ---- magnitudes and planted effects ----
# img.txt: resident_id -> 1 for IMGs, 0 otherwise.
awk -F, 'NR > 1 { print $1, ($7 == "us_img" || $7 == "non_us_img") }' "$D/residents.csv" >"$T/img.txt"
check() { # NAME AWK-CONDITION-RESULT ("ok" or a description)
    if [ "$2" = ok ]; then ok "$1"; else not_ok "$1" "$2"; fi
}
check "IMG share 25-35%" "$(awk -F, 'NR > 1 { n++; i += ($7 ~ /img/) }
    END { s = i / n; print (s >= 0.25 && s <= 0.35) ? "ok" : "share " s }' "$D/residents.csv")"
check "attrition higher for IMGs" "$(awk -F, 'NR > 1 { g = ($7 ~ /img/); n[g]++
    if ($6 ~ /withdrew|dismissed|transferred/) a[g]++ }
    END { r1 = a[1] / n[1]; r0 = a[0] / n[0]; print (r1 > r0 && r0 > 0.01) ? "ok" : "img " r1 " non " r0 }' "$D/residents.csv")"
check "ABIM first-attempt pass near 90%, lower for IMGs" "$(awk 'FNR == NR { img[$1] = $2; next }
    FNR > 1 { split($0, f, ","); if (f[2] == "ABIM-IM" && f[4] == 1) { g = img[f[1]]; n[g]++; p[g] += (f[5] == "pass") } }
    END { all = (p[0] + p[1]) / (n[0] + n[1]); i = p[1] / n[1]; o = p[0] / n[0]
          print (all > 0.84 && all < 0.95 && i < o - 0.03 && n[1] > 50) ? "ok" : "all " all " img " i " non " o }' "$T/img.txt" "$D/board_exams.csv")"
check "USMLE-STEP3 pass about 95%" "$(awk -F, '$2 == "USMLE-STEP3" { n++; p += ($5 == "pass") }
    END { r = p / n; print (r > 0.90 && r < 0.98) ? "ok" : "rate " r }' "$D/board_exams.csv")"
# Milestones: the IMG gap within each pgy x subcompetency cell, averaged
# over cells, for ICS and the rest.
check "milestone IMG gap about -0.25, about -0.5 on ICS" "$(awk 'FNR == NR { img[$1] = $2; next }
    FNR > 1 { split($0, f, ","); c = f[3] SUBSEP f[4]; g = img[f[1]]; s[c, g] += f[5]; n[c, g]++; cell[c] = f[4] }
    END { for (c in cell) if (n[c, 0] > 30 && n[c, 1] > 30) {
              d = s[c, 1] / n[c, 1] - s[c, 0] / n[c, 0]
              if (cell[c] ~ /^ICS/) { ics += d; ni++ } else { oth += d; no++ } }
          ics /= ni; oth /= no
          print (oth < -0.15 && oth > -0.35 && ics < -0.35 && ics > -0.6) ? "ok" : "ics " ics " other " oth }' "$T/img.txt" "$D/milestone_ratings.csv")"
check "milestones rise with pgy" "$(awk -F, 'NR > 1 { s[$3] += $5; n[$3]++ }
    END { m1 = s[1] / n[1]; m3 = s[3] / n[3]; print (m1 > 1.5 && m1 < 2.5 && m3 > 3.5 && m3 < 4.5) ? "ok" : "pgy1 " m1 " pgy3 " m3 }' "$D/milestone_ratings.csv")"
# Evaluators: E003 and E007 rate IMGs about 1.5 lower; the others do not.
awk 'FNR == NR { img[$1] = $2; next }
    FNR > 1 { split($0, f, ","); e = f[2]; g = img[f[1]]; s[e, g] += f[6]; n[e, g]++; ev[e] = 1 }
    END { for (e in ev) if (n[e, 0] >= 5 && n[e, 1] >= 5)
              printf "%s %d %d %.3f\n", e, n[e, 0], n[e, 1], s[e, 1] / n[e, 1] - s[e, 0] / n[e, 0] }' \
    "$T/img.txt" "$D/evaluations.csv" | sort >"$T/evgap.txt"
check "biased evaluators E003 and E007 show a gap below -0.8" "$(awk '$1 == "E003" || $1 == "E007" { k++; if ($4 < -0.8 && $3 >= 5 && $2 >= 5) g++ }
    END { print (k == 2 && g == 2) ? "ok" : k " found, " g " with the gap" }' "$T/evgap.txt")"
check "other evaluators show no gap on average" "$(awk '$1 != "E003" && $1 != "E007" { s += $4; n++ }
    END { m = s / n; print (n > 50 && m > -0.15 && m < 0.15) ? "ok" : n " evaluators, mean gap " m }' "$T/evgap.txt")"
# Feedback: residents with a negative comment of a theme, odds ratio IMG
# vs non-IMG; about 2 for communication, about 1 for the others.
awk 'FNR == NR { img[$1] = $2; next }
    FNR > 1 { split($0, f, ","); has[f[1]] = 1; if (f[5] == "negative") neg[f[4], f[1]] = 1; th[f[4]] = 1 }
    END { for (r in has) { g = img[r]; n[g]++; for (t in th) if ((t, r) in neg) k[t, g]++ }
          for (t in th) { a = k[t, 1]; b = n[1] - a; c = k[t, 0]; d = n[0] - c; print t, (a * d) / (b * c) } }' \
    "$T/img.txt" "$D/feedback.csv" >"$T/or.txt"
check "communication negative odds about twice for IMGs" "$(awk '$1 == "communication" { print ($2 > 1.5 && $2 < 2.8) ? "ok" : "OR " $2 }' "$T/or.txt")"
check "other themes show no IMG difference" "$(awk '$1 != "communication" && ($2 < 0.6 || $2 > 1.6) { bad = bad " " $1 "=" $2 }
    END { print bad == "" ? "ok" : bad }' "$T/or.txt")"
# Mentoring: every required role by day 7 (all start on July 1, so day 7
# is July 8); IMGs need a peer too. About 90% of IMGs vs 98% of others.
check "tiered coverage lower for IMGs" "$(awk -F, 'FNR == NR { if (FNR > 1) { lim[$1] = substr($4, 1, 4) "-07-08"; img[$1] = ($7 ~ /img/) }; next }
    FNR > 1 && $4 <= lim[$1] { has[$1, $3] = 1 }
    END { for (r in lim) { g = img[r]; n[g]++
              if (has[r, "senior_resident"] && has[r, "faculty"] && (!g || has[r, "peer"])) k[g]++ }
          i = k[1] / n[1]; o = k[0] / n[0]
          print (i > 0.84 && i < 0.95 && o > 0.95) ? "ok" : "img " i " non " o }' "$D/residents.csv" "$D/mentor_assignments.csv")"
# Mentor load at as-of: one peer mentor well above 4, every other mentor <= 4.
awk -F, 'FNR > 1 && ($5 == "" || $5 > "2026-06-30") && !seen[$2, $3, $1]++ { load[$3 " " $2]++ }
    END { for (m in load) print m, load[m] }' "$D/mentor_assignments.csv" | sort >"$T/load.txt"
check "one overloaded peer mentor" "$(awk '$1 == "peer" && $2 == "P01-00-01" { o = $3 } $2 != "P01-00-01" && $3 > 4 { bad = bad " " $2 "=" $3 }
    END { print (o > 8 && bad == "") ? "ok" : "overloaded " o ", others above 4:" bad }' "$T/load.txt")"

# ---- the planted effects of version 2, recovered by compute ----
# The same 3,000 residents, ingested and computed with the launch date of
# docs/SYNTH.md. Each check is the planted direction with an interval that
# excludes no effect, and a band of about 3 standard errors at this size
# around the figure docs/SYNTH.md gives at 150,000 residents.
printf 'stages = ingest compute\nmentorship_launch = 2022-07-01\n' >"$T/launch.pipeline"
run "$IMGO" run "$T/launch.pipeline" --input "$D" --out "$T/res" --db "$T/res.db"
expect_rc "ingest and compute with mentorship_launch" 0
M=$T/res/metrics.csv
# field NAME COLUMN: column COLUMN of the row whose first four fields are NAME.
field() { awk -F, -v key="$1" -v col="$2" '$1 "," $2 "," $3 "," $4 == key { print $col }' "$M"; }
# holds NAME VALUES EXPR: awk expression EXPR on a[1], a[2], ... (VALUES split at spaces).
holds() {
    if awk -v x="$2" "BEGIN { n = split(x, a, \" \"); exit !(n > 0 && x !~ /(^| )( |$)/ && ($3)) }"; then
        ok "$1"
    else
        not_ok "$1" "values: '$2', want: $3"
    fi
}
row() { echo "$(field "$1" 7) $(field "$1" 8) $(field "$1" 9)"; } # value, ci_low, ci_high

holds "launch: the IMG milestone gap narrows (0.33 documented)" \
    "$(row "launch.milestone_gap_change,img_vs_non_img,,")" "a[2] > 0 && a[1] > 0.20 && a[1] < 0.45"
holds "launch: IMG first-year retention improves (DiD +0.08 documented)" \
    "$(row "launch.did,img_vs_non_img,outcome=first_year_retention,")" "a[2] > 0 && a[1] > 0.02 && a[1] < 0.15"
holds "launch: IMG first-attempt board pass improves (DiD +0.18 documented)" \
    "$(row "launch.did,img_vs_non_img,outcome=board_first_attempt,")" "a[2] > 0 && a[1] > 0.05 && a[1] < 0.35"
holds "launch: IMG adverse actions fall (DiD -0.17 documented)" \
    "$(row "launch.did,img_vs_non_img,outcome=adverse_action,")" "a[3] < 0 && a[1] > -0.28 && a[1] < -0.06"
expect_eq "launch: every cell of each outcome" \
    "$(awk -F, '$1 == "launch.rate" && $5 > 0' "$M" | wc -l | tr -d ' ')" "12"
holds "trend: the gap closes by about 0.08 a year" \
    "$(row "trend.milestone_gap_slope,img_vs_non_img,,") $(field "trend.milestone_gap_slope,img_vs_non_img,," 5)" \
    "a[2] > 0 && a[1] > 0.05 && a[1] < 0.11 && a[4] == 7"
holds "trend: AY2020 gap below -0.35, AY2026 above -0.20" \
    "$(field "trend.milestone_gap,img_vs_non_img,,AY2020" 7) $(field "trend.milestone_gap,img_vs_non_img,,AY2026" 7)" \
    "a[1] < -0.35 && a[2] > -0.20"
holds "Level 4 at graduation: IMG about 0.55, non-IMG about 0.76, the difference below 0" \
    "$(field "milestone.l4_at_graduation,img,," 7) $(field "milestone.l4_at_graduation,non_img,," 7) $(field "milestone.l4_at_graduation_diff,img_vs_non_img,," 9)" \
    "a[1] > 0.45 && a[1] < 0.65 && a[2] > 0.70 && a[2] < 0.82 && a[3] < 0"
holds "a low PGY2 December review predicts missing Level 4 above the base rate" \
    "$(field "milestone.ppv_not_l4,all,occasion=3," 8) $(field "milestone.l4_at_graduation,all,," 7)" \
    "a[1] > 1 - a[2]"
holds "adjusted board odds ratio below 1 and nearer 1 than the raw one (0.39 documented)" \
    "$(row "board.adjusted_or,img_vs_non_img,exam=ABIM-IM,2023-2025") $(field "board.first_attempt_pass_rate,img,exam=ABIM-IM,2023-2025" 7) $(field "board.first_attempt_pass_rate,non_img,exam=ABIM-IM,2023-2025" 7)" \
    "a[3] < 1 && a[1] > 0.2 && a[1] < 0.75 && a[1] > (a[4] / (1 - a[4])) / (a[5] / (1 - a[5]))"
# Funnels across programs: the pooled rate and its 95% limits at each
# program's n (normal approximation to the binomial limits the report draws).
funnel() { # METRIC PROGRAM: "rate lower upper" of the program
    awk -F, -v m="$1" -v p="program=$2" '$1 == m && $2 == "all" && $3 ~ /^program=/ { n[$3] = $5; k[$3] = $6; N += $5; K += $6 }
        END { p0 = K / N; h = 1.959964 * sqrt(p0 * (1 - p0) / n[p]); print k[p] / n[p], p0 - h, p0 + h }' "$M"
}
holds "funnel: IM-004's first-attempt board pass rate below the lower limit" \
    "$(funnel institution.board_pass IM-004)" "a[1] < a[2]"
holds "funnel: IM-002's adverse-action rate above the upper limit" \
    "$(funnel institution.adverse_action_rate IM-002)" "a[1] > a[3]"
# The small program: its IMG cells are suppressed, and every institution
# metric still has its rows.
small=$(awk -F, '$1 == "institution.retention_3y" && $2 == "all" && $3 ~ /^program=/ { print $5, $3 }' "$M" | sort -n | head -1 | cut -d' ' -f2)
holds "the smallest program has fewer than 20 residents" \
    "$(awk -F, -v p="$small" '$1 == "institution.retention_3y" && $2 == "all" && $3 == p { print $5 }' "$M")" \
    "a[1] >= 1 && a[1] < 20"
expect_eq "the small program's IMG rows are suppressed, none missing" \
    "$(awk -F, -v p="$small" '$1 ~ /^institution\./ && $2 == "img" && $3 == p { print $1, $12 }' "$M" | sort | tr '\n' ';')" \
    "institution.adverse_action_rate 1;institution.board_pass 1;institution.retention_3y 1;institution.tiered_coverage 1;"

# The demo cohort's size and seed with the launch set: ingests, computes
# and renders the annual report.
run "$IMGO" synth --residents 300 --seed 2026 --out "$T/demo"
expect_rc "demo-size cohort" 0
run "$IMGO" run pipelines/annual.pipeline --input "$T/demo" --out "$T/demo_out" --db "$T/demo.db" \
    --set mentorship_launch=2022-07-01
expect_rc "the annual pipeline on it with the launch set" 0
[ -s "$T/demo_out/report.html" ] && ok "annual report rendered" || not_ok "annual report rendered" "no report.html"
