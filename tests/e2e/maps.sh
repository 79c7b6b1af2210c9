# Import maps: three exports of one cohort (fixtures/exports/, made by
# tests/exports/make_exports.sh) each go in through their map and must give
# the metrics.csv, and the database, of the same cohort in imgo's format;
# `imgo map init` drafts; every map error names its place.
. tests/lib.sh

X=fixtures/exports
q() { sqlite3 "$1" "$2"; }
# The cohort tables, without the ingest ids and lines (an export's lines are
# its own).
content() {
    for t in residents mentor_assignments mentorship_meetings board_exams fellowship_applications \
             milestone_ratings evaluations feedback ccc_actions employment patient_experience; do
        q "$1" "select * from $t" | sed 's/|[0-9]*|-*[0-9]*$//' | sort
    done
}

# The fixtures are what the script makes.
if OUT="$T/gen" sh tests/exports/make_exports.sh >"$T/gen.log" 2>&1 &&
   diff -r -x rms.map "$T/gen" "$X" >"$T/diff" 2>&1; then
    ok "fixtures/exports is what tests/exports/make_exports.sh makes"
else
    not_ok "fixtures/exports is what tests/exports/make_exports.sh makes" "$(head -5 "$T/gen.log" "$T/diff")"
fi

run "$IMGO" run pipelines/annual.pipeline --input "$X/cohort" --out "$T/cohort" --db "$T/cohort.db"
expect_rc "the cohort in imgo's format" 0
content "$T/cohort.db" >"$T/cohort.rows"
expect_eq "run.json without a map" "$(grep '"map"' "$T/cohort/run.json")" '  "map": null,'
if [ "$(wc -l <"$T/cohort/metrics.csv")" -gt 100 ] && [ "$(wc -l <"$T/cohort.rows")" -gt 1500 ]; then
    ok "the cohort is not trivial"
else
    not_ok "the cohort is not trivial"
fi

for e in rms:fixtures/exports/rms.map redcap:maps/redcap/redcap.map template:maps/spreadsheet.map; do
    name=${e%%:*}
    map=${e#*:}
    run "$IMGO" run pipelines/annual.pipeline --input "$X/$name" --map "$map" --out "$T/$name" --db "$T/$name.db"
    expect_rc "$name export runs through $map" 0
    if cmp -s "$T/cohort/metrics.csv" "$T/$name/metrics.csv"; then
        ok "$name: metrics.csv byte for byte the cohort's"
    else
        not_ok "$name: metrics.csv byte for byte the cohort's" "$(diff "$T/cohort/metrics.csv" "$T/$name/metrics.csv" | head -5)"
    fi
    content "$T/$name.db" >"$T/$name.rows"
    if cmp -s "$T/cohort.rows" "$T/$name.rows"; then
        ok "$name: the database holds the cohort's rows"
    else
        not_ok "$name: the database holds the cohort's rows" "$(diff "$T/cohort.rows" "$T/$name.rows" | head -5)"
    fi
    sha=$(sha256sum "$map" | cut -d' ' -f1)
    expect_eq "$name: run.json names the map" "$(grep '"map"' "$T/$name/run.json")" "  \"map\": {\"path\": \"$map\", \"sha256\": \"$sha\"},"
    if grep -qF "<dt>Import map</dt><dd><code>$map</code> (SHA-256 <code class=\"hash\">$sha</code>)" "$T/$name/report.html"; then
        ok "$name: the report's cover names the map"
    else
        not_ok "$name: the report's cover names the map" "$(grep -o '<dt>Import map.*' "$T/$name/report.html" | head -2)"
    fi
done

# run.json and the ledger keep the export's names and digests.
expect_eq "run.json: export file names" "$(grep -c '"export": "IMGMentorship_DATA_2025-07-01_1200.csv"' "$T/redcap/run.json")" 11
expect_eq "run.json: the export of a renamed file" \
    "$(grep '"file": "milestone_ratings.csv"' "$T/rms/run.json" | sed 's/.*"export": "\([^"]*\)", "sha256": "\([0-9a-f]*\)".*/\1 \2/')" \
    "Milestones.csv $(sha256sum "$X/rms/Milestones.csv" | cut -d' ' -f1)"
expect_eq "ledger: the export's path" "$(q "$T/rms.db" "select path from ingest_ledger where file = 'board_exams.csv'")" "$X/rms/Board Exams.csv"
expect_eq "ledger: the map's digest" "$(q "$T/rms.db" "select count(distinct map_sha256) from ingest_map")" 1
expect_eq "no export name without a map" "$(grep -c '"export"' "$T/cohort/run.json")" 0

# What was detected is said; the template's files differ in encoding.
run "$IMGO" check "$X/template" --map maps/spreadsheet.map
expect_err "detected encoding and delimiter" "imgo: residents.csv: read as Windows-1252, ';'-separated (detected)"
expect_err "an ASCII file is UTF-8" "imgo: board_exams.csv: read as UTF-8, ';'-separated (detected)"
run "$IMGO" check "$X/redcap" --map maps/redcap/redcap.map
expect_eq "nothing detected when the map says" "$(grep -c detected "$T/err")" 0
expect_eq "one export, eleven cohort files" "$(grep -c '^IMGMentorship_DATA_2025-07-01_1200.csv (.*): .* 0 rejected$' "$T/out")" 11

# Unchanged: the same export through the same map is a no-op; through a
# changed map it is read again.
run "$IMGO" ingest "$X/rms" --map fixtures/exports/rms.map --db "$T/rms.db"
expect_eq "same export, same map: unchanged" "$(grep -c 'unchanged' "$T/out")" 11
cp fixtures/exports/rms.map "$T/rms2.map"
echo "# corrected" >>"$T/rms2.map"
run "$IMGO" ingest "$X/rms" --map "$T/rms2.map" --db "$T/rms.db"
expect_eq "same export, another map: read again" "$(grep -c 'written' "$T/out")" 11
expect_eq "the rows are not doubled" "$(content "$T/rms.db" | wc -l)" "$(wc -l <"$T/cohort.rows")"

# ---- imgo map init ----------------------------------------------------------
# Each draft, with only its TODO lines filled in, reads its export; for
# these three the result is the cohort itself.
draft() { # NAME DIR SED: the draft of DIR, TODO lines edited by SED
    "$IMGO" map init "$2" >"$T/$1.draft" 2>"$T/$1.draft.err"
    todos=$(grep -c '= TODO' "$T/$1.draft")
    sed "$3" "$T/$1.draft" >"$T/$1.map"
    expect_eq "$1: only TODO lines edited" "$(diff "$T/$1.draft" "$T/$1.map" | grep '^<' | grep -vc '= TODO')" 0
    expect_eq "$1: no TODO left" "$(grep -c '= TODO' "$T/$1.map")" 0
}
draft rms "$X/rms" 's/^program = TODO.*/program = constant IM-001/'
expect_eq "rms draft: 1 TODO" "$todos" 1
expect_eq "rms draft: the count on stderr" "$(cat "$T/rms.draft.err")" "imgo: the draft holds 1 TODO: fill it in, then: imgo check $X/rms --map MAPFILE"
expect_eq "rms draft: the unpivot" "$(grep '^unpivot' "$T/rms.draft" | cut -d'#' -f1)" "unpivot = PC1, PC2, PC3, PC4, PC5, MK1, MK2, MK3, SBP1, SBP2, SBP3, PBLI1, PBLI2, PROF1, PROF2, ICS1, ICS2, ICS3    "
expect_eq "rms draft: a per-file date format" "$(grep -A2 '^file = Employment.csv' "$T/rms.draft" | grep 'date format')" "date format = Excel day number    # every date seen fits it"
expect_eq "rms draft: values by synonym" "$(grep -A4 '^\[residents: graduate_type\]' "$T/rms.draft" | tail -4 | tr '\n' ';')" "IMG (non-US) = non_us_img;US DO = usdo;US IMG = us_img;US MD = usmd;"
# Exam names: the certification exam of each specialty imgo synth writes and
# Step 3, however spelled; an exam imgo does not know is kept as it is.
mkdir "$T/bx"
printf 'Resident ID,Start Date\nR1,7/1/2024\n' >"$T/bx/Residents.csv"
printf 'Resident ID,Exam,Test Date,Attempt #,Result\nR1,ABP General Pediatrics,8/1/2025,1,Pass\nR1,ABFM Family Medicine,8/2/2025,1,Pass\nR1,abim internal medicine,8/3/2025,1,Pass\nR1,USMLE Step 3,8/4/2025,1,Pass\nR1,ACLS,8/5/2025,1,Pass\n' >"$T/bx/Board Exams.csv"
expect_eq "draft: exam names" "$("$IMGO" map init "$T/bx" 2>/dev/null | sed -n '/^\[board_exams: exam\]/,/^$/p' | sed 1d | tr '\n' ';')" \
    "ABFM Family Medicine = ABFM-FM;abim internal medicine = ABIM-IM;ABP General Pediatrics = ABP-GP;ACLS = ACLS    # kept as it is;USMLE Step 3 = USMLE-STEP3;;"
cp -r "$X/redcap" "$T/redcap-dd"
cp maps/redcap/IMGMentorship_DataDictionary.csv "$T/redcap-dd/"
draft redcap-dd "$T/redcap-dd" 's/x/x/'
expect_eq "redcap draft with the data dictionary: no TODO" "$todos" 0
draft template "$X/template" 's/x/x/'
expect_eq "template draft: no TODO" "$todos" 0
for d in rms:rms redcap-dd:redcap template:template; do
    m=${d%%:*}
    run "$IMGO" check "$X/${d#*:}" --map "$T/$m.map"
    expect_rc "$m draft with its TODOs filled checks" 0
    run "$IMGO" run pipelines/annual.pipeline --input "$X/${d#*:}" --map "$T/$m.map" --out "$T/d-$m" --db "$T/d-$m.db"
    if cmp -s "$T/cohort/metrics.csv" "$T/d-$m/metrics.csv"; then
        ok "$m draft: the cohort's metrics.csv"
    else
        not_ok "$m draft: the cohort's metrics.csv" "$(diff "$T/cohort/metrics.csv" "$T/d-$m/metrics.csv" | head -5)"
    fi
done
# Without the data dictionary REDCap's codes are TODOs, named by their values:
# one for each distinct code of a coded field in the export, 31 = exit_reason
# 1 (only completed) + graduate_type 4 + visa 2 (none, j1) + track 2 + role 3
# + kind 2 + result 1 (only pass) + outcome 1 (only matched) + theme 7 +
# valence 2 + action 3 (satisfactory, focused_review, probation) + employer
# 3; yes/no fields (1/0) need none.
"$IMGO" map init "$X/redcap" >"$T/redcap.draft" 2>/dev/null
expect_eq "redcap draft without the dictionary: 31 TODOs" "$(grep -c '= TODO' "$T/redcap.draft")" 31
expect_eq "redcap draft: the TODO's allowed values" "$(grep -m1 '^1 = TODO' "$T/redcap.draft")" "1 = TODO    # one of completed, withdrew, dismissed, transferred"
sed -e '/^\[residents: exit_reason\]/,/^$/{s/^1 = TODO.*/1 = completed/}' \
    -e '/^\[residents: graduate_type\]/,/^$/{s/^1 = TODO.*/1 = usmd/;s/^2 = TODO.*/2 = usdo/;s/^3 = TODO.*/3 = us_img/;s/^4 = TODO.*/4 = non_us_img/}' \
    -e '/^\[residents: visa\]/,/^$/{s/^1 = TODO.*/1 = none/;s/^2 = TODO.*/2 = j1/}' \
    -e '/^\[residents: track\]/,/^$/{s/^1 = TODO.*/1 = categorical/;s/^2 = TODO.*/2 = preliminary/}' \
    -e '/^\[mentor_assignments: role\]/,/^$/{s/^1 = TODO.*/1 = senior_resident/;s/^2 = TODO.*/2 = faculty/;s/^3 = TODO.*/3 = peer/}' \
    -e '/^\[mentorship_meetings: kind\]/,/^$/{s/^1 = TODO.*/1 = scheduled/;s/^2 = TODO.*/2 = ad_hoc/}' \
    -e '/^\[board_exams: result\]/,/^$/{s/^1 = TODO.*/1 = pass/}' \
    -e '/^\[fellowship_applications: outcome\]/,/^$/{s/^1 = TODO.*/1 = matched/}' \
    -e '/^\[feedback: theme\]/,/^$/{s/^1 = TODO.*/1 = communication/;s/^2 = TODO.*/2 = efficiency/;s/^3 = TODO.*/3 = medical_knowledge/;s/^4 = TODO.*/4 = professionalism/;s/^5 = TODO.*/5 = documentation/;s/^6 = TODO.*/6 = teamwork/;s/^7 = TODO.*/7 = other/}' \
    -e '/^\[feedback: valence\]/,/^$/{s/^1 = TODO.*/1 = positive/;s/^2 = TODO.*/2 = negative/}' \
    -e '/^\[ccc_actions: action\]/,/^$/{s/^1 = TODO.*/1 = satisfactory/;s/^2 = TODO.*/2 = focused_review/;s/^4 = TODO.*/4 = probation/}' \
    -e '/^\[employment: employer\]/,/^$/{s/^1 = TODO.*/1 = same_institution/;s/^2 = TODO.*/2 = same_region/;s/^3 = TODO.*/3 = elsewhere/}' \
    "$T/redcap.draft" >"$T/redcap.map"
expect_eq "redcap draft: every TODO filled" "$(grep -c '= TODO' "$T/redcap.map")" 0
run "$IMGO" run pipelines/annual.pipeline --input "$X/redcap" --map "$T/redcap.map" --out "$T/d-redcap" --db "$T/d-redcap.db"
if cmp -s "$T/cohort/metrics.csv" "$T/d-redcap/metrics.csv"; then ok "redcap draft, TODOs filled: the cohort's metrics.csv"; else not_ok "redcap draft, TODOs filled: the cohort's metrics.csv" "$(head -3 "$T/err")"; fi
run "$IMGO" map init "$T/nonexistent"
expect_rc "map init of a missing directory" 3
run "$IMGO" map
expect_rc "map without init" 2

# ---- map errors name their place ----------------------------------------------
# line N of rms.map: the line of its first line matching a pattern
L() { grep -n -m1 -- "$1" fixtures/exports/rms.map | cut -d: -f1; }
printf '[residents]\nfile = Residents.csv\nresident_id = Resident ID\nprogram = constant IM-001\nprogram = IM\n' >"$T/e.map"
run "$IMGO" check "$X/rms" --map "$T/e.map"
expect_rc "a setting twice exits 2" 2
expect_err "a setting twice" "imgo: $T/e.map:5: 'program' is set twice (first on line 4)"
expect_eq "a bad map reads nothing" "$(cat "$T/out")" ""
printf '[residents]\nfile = Residents.csv\nresident id = Resident ID\nprogramme = Program\n' >"$T/e.map"
run "$IMGO" ingest "$X/rms" --map "$T/e.map" --db "$T/e.db"
expect_rc "an unknown column exits 2" 2
expect_err "an unknown column, with the valid ones" "imgo: $T/e.map:4: unknown setting 'programme' in [residents] (settings: file, encoding, delimiter, date format, rows where, drop, unpivot, COLUMN, COLUMN format; columns: resident_id, program, specialty, start_date, end_date, exit_reason, graduate_type, school_region, graduation_year, visa, step2_score, track)"
printf '[board exam]\n' >"$T/e.map"
run "$IMGO" run pipelines/annual.pipeline --input "$X/rms" --map "$T/e.map" --out "$T/e"
expect_rc "an unknown cohort file exits 2" 2
expect_err "an unknown cohort file" "imgo: $T/e.map:1: unknown cohort file 'board exam' (sections: map, residents, mentor_assignments, mentorship_meetings, board_exams, fellowship_applications, milestone_ratings, evaluations, feedback, ccc_actions, employment, patient_experience)"
expect_eq "nothing written by a bad map" "$(ls "$T/e" 2>/dev/null | wc -l | tr -d ' ')" 0
run "$IMGO" check "$X/rms" --map "$T/rms.draft"
expect_rc "a TODO left exits 2" 2
expect_err "a TODO left, named" "imgo: $T/rms.draft:$(grep -n '^program = TODO' "$T/rms.draft" | cut -d: -f1): TODO left: program of [residents]"
expect_err "the TODOs counted" "imgo: $T/rms.draft: 1 TODO left; fill it in before reading an export with it (docs/MAPS.md)"
run "$IMGO" check "$X/rms" --map "$T/missing.map"
expect_rc "a missing map exits 3" 3
expect_err "a missing map" "imgo: $T/missing.map: cannot read: No such file or directory"

mkdir "$T/x"
cp "$X"/rms/*.csv "$T/x/"
sed 's#^R000004,\([^,]*\),\([^,]*\),\([^,]*\),\([^,]*\),7/1/2022,#R000004,\1,\2,\3,\4,13/45/2024,#; s/,US IMG,/,US citizen IMG,/' "$X/rms/Residents.csv" >"$T/x/Residents.csv"
run "$IMGO" check "$T/x" --map fixtures/exports/rms.map
expect_rc "bad values exit 1" 1
expect_err "a bad date in the map's format" "imgo: Residents.csv:5:Start Date (start_date): \"13/45/2024\" is not a valid date (M/D/YYYY)"
expect_err "a value with no mapping lists the mapped ones" "imgo: Residents.csv:4:IMG Status (graduate_type): \"US citizen IMG\" has no mapping for graduate_type (mapped: US MD, US DO, US IMG, IMG (non-US); fixtures/exports/rms.map:$(L '^\[residents: graduate_type\]'))"
expect_eq "one error for each" "$(grep -c 'Residents.csv:[45]:' "$T/err")" 2
expect_eq "the other files: one line each" "$(grep -c 'not checked: residents.csv was rejected' "$T/err")" 10

# An unpivoted record is written whole or not at all; its line goes to the
# rejects once, verbatim.
rm -rf "$T/x" && mkdir "$T/x" && cp "$X"/rms/*.csv "$T/x/"
awk -F, -v OFS=, 'NR == 3 { $6 = "7.5" } NR == 4 { $2 = "2/30/2026" } { print }' "$X/rms/Milestones.csv" >"$T/x/Milestones.csv"
run "$IMGO" ingest "$T/x" --map fixtures/exports/rms.map --db "$T/u.db" --skip-bad-rows --rejects "$T/rj"
expect_rc "bad cells with --skip-bad-rows" 0
expect_err "a bad cell names its column and the one it feeds" "imgo: Milestones.csv:3:PC3 (rating): \"7.5\" is out of range 1..5"
expect_err "a bad shared cell is reported once" "imgo: Milestones.csv:4:Review Date (review_date): \"2/30/2026\" is not a valid date (M/D/YYYY)"
expect_eq "reported once, not per subcompetency" "$(grep -c 'Milestones.csv:4:' "$T/err")" 1
expect_eq "the two records' rows rejected" "$(grep '^Milestones.csv' "$T/out")" "Milestones.csv (milestone_ratings.csv): 862 rows read, 826 written, 36 rejected"
expect_eq "their lines in the rejects, verbatim" "$(cut -d, -f1-4 "$T/rj/milestone_ratings.csv" | tr -d '\r' | tr '\n' ' ')" "Resident ID,Review Date,PGY Level,PC1 R000001,6/15/2023,1,2.0 R000001,2/30/2026,2,3.0 "
expect_eq "the rejects' error column" "$(sed -n 2p "$T/rj/milestone_ratings.csv" | sed 's/.*PD-01,//')" '"PC3 (rating): ""7.5"" is out of range 1..5"'
expect_eq "nothing of those records written" "$(q "$T/u.db" "select count(*) from milestone_ratings m join residents r using (rid) where r.resident_id = 'R000001' and review_date = cast(julianday('2023-06-15') - 2440587.5 as integer)")" 0
# lines 3 and 4 are two of R000001's six reviews of 18 ratings each
expect_eq "the rest of the file written" "$(q "$T/u.db" "select count(*) from milestone_ratings m join residents r using (rid) where r.resident_id = 'R000001'")" 72

# Files: a glob matching nothing, two files for one glob, a column the map
# names that the file lacks, an unpivot matching nothing.
rm -rf "$T/x" && mkdir "$T/x" && cp "$X"/rms/*.csv "$T/x/"
rm "$T/x/Fellowship.csv"
cp "$T/x/Evaluations.csv" "$T/x/evaluations.CSV"
run "$IMGO" check "$T/x" --map fixtures/exports/rms.map
expect_rc "glob errors exit 1" 1
expect_err "a glob matching nothing" "imgo: fixtures/exports/rms.map:$(L '^file = Fellowship.csv'): file = \"Fellowship.csv\" matches no file in $T/x"
expect_err "two files for one glob" "imgo: fixtures/exports/rms.map:$(L '^file = Evaluations.csv'): file = \"Evaluations.csv\" matches 2 files in $T/x (Evaluations.csv, evaluations.CSV): name one of them"
expect_eq "those files rejected" "$(grep -c ': file rejected$' "$T/out")" 2
expect_eq "the others read" "$(grep -c ' 0 rejected$' "$T/out")" 9
rm -rf "$T/x" && mkdir "$T/x" && cp "$X"/rms/*.csv "$T/x/"
sed '1s/Meeting Date/Date/' "$X/rms/Mentoring Meetings.csv" >"$T/x/Mentoring Meetings.csv"
sed '1s/,PC1,PC2,PC3,PC4,PC5,/,C1,C2,C3,C4,C5,/; 1s/MK1,MK2,MK3,SBP1,SBP2,SBP3,PBLI1,PBLI2,PROF1,PROF2,ICS1,ICS2,ICS3/X1,X2,X3,X4,X5,X6,X7,X8,X9,X10,X11,X12,X13/' "$X/rms/Milestones.csv" >"$T/x/Milestones.csv"
run "$IMGO" check "$T/x" --map fixtures/exports/rms.map
expect_err "a column the map names is missing" "imgo: Mentoring Meetings.csv:1: column \"Meeting Date\" is not in the file (the map feeds meeting_date from it, fixtures/exports/rms.map:$(L '^meeting_date = Meeting Date'))"
expect_err "an unpivot matching nothing" "imgo: Milestones.csv:1: unpivot \"PC*\" matches no column of the file (fixtures/exports/rms.map:$(L '^unpivot = '))"

# Unknown columns are warnings, errors under --strict; dropped ones neither.
rm -rf "$T/x" && mkdir "$T/x" && cp "$X"/rms/*.csv "$T/x/"
sed '1s/$/,Pager/; 2,$s/$/,x/' "$X/rms/Fellowship.csv" | tr -d '\r' >"$T/x/Fellowship.csv"
run "$IMGO" check "$T/x" --map fixtures/exports/rms.map
expect_rc "an unknown export column is a warning" 0
expect_err "unknown column warning" "imgo: warning: Fellowship.csv:1: unknown column \"Pager\" ignored"
expect_eq "dropped columns are not unknown" "$(grep -c 'unknown column' "$T/err")" 1
run "$IMGO" check "$T/x" --map fixtures/exports/rms.map --strict
expect_rc "an unknown export column under --strict" 1
printf 'x\n' >"$T/x/notes.txt"
run "$IMGO" check "$T/x" --map fixtures/exports/rms.map
expect_err "a file no section reads" "imgo: warning: $T/x/notes.txt: no section of the map reads it, ignored"

# Encodings: a byte the declared encoding lacks, a byte-order mark that
# contradicts the map.
rm -rf "$T/x" && mkdir "$T/x"
printf 'resident_id;program;specialty;start_date;graduate_type\r\nR1;IM;M\351decine;7/1/2024;usmd\r\nR2;IM;IM\201;7/1/2024;usmd\r\n' >"$T/x/residents.csv"
printf '[map]\nencoding = windows-1252\ndelimiter = ;\ndate format = M/D/YYYY\n' >"$T/w.map"
run "$IMGO" check "$T/x" --map "$T/w.map"
expect_rc "a byte Windows-1252 lacks exits 1" 1
expect_err "a byte Windows-1252 lacks" "imgo: residents.csv:3: byte 0x81 is not a Windows-1252 character (is the encoding right?)"
printf '\357\273\277resident_id;program;specialty;start_date;graduate_type\r\nR1;IM;IM;7/1/2024;usmd\r\n' >"$T/x/residents.csv"
run "$IMGO" check "$T/x" --map "$T/w.map"
expect_err "a UTF-8 byte-order mark against the map" "imgo: residents.csv:1: the file starts with a UTF-8 byte-order mark, but the map reads it as Windows-1252 ($T/w.map:2)"
printf 'resident_id;program;specialty;start_date;graduate_type\r\nR1;IM;M\351decine;7/1/2024;usmd\r\n' >"$T/x/residents.csv"
printf '[map]\ndate format = M/D/YYYY\n' >"$T/d.map"
run "$IMGO" ingest "$T/x" --map "$T/d.map" --db "$T/w.db"
expect_rc "detected Windows-1252 is read" 0
expect_eq "converted to UTF-8" "$(q "$T/w.db" "select specialty from residents")" "Médecine"

# --skip-bad-rows through a map: the rejects keep the export's delimiter.
rm -rf "$T/x" && mkdir "$T/x" && cp "$X"/template/*.csv "$T/x/"
printf 'R000099;IM-001;Internal Medicine;13/1/2024;;;usmd;;2020;none;240;categorical\r\n' >>"$T/x/residents.csv"
run "$IMGO" ingest "$T/x" --map maps/spreadsheet.map --db "$T/s.db" --skip-bad-rows --rejects "$T/srj"
expect_rc "skip-bad-rows through a map" 0
expect_eq "rejects in the export's delimiter" "$(tr -d '\r' <"$T/srj/residents.csv" | cut -d';' -f1,4,13)" "resident_id;start_date;error
R000099;13/1/2024;\"start_date: \"\"13/1/2024\"\" is not a valid date (M/D/YYYY)\""
