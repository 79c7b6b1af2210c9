# The small-cell audit (docs/SECURITY.md): the three ways a reader with a
# pencil worked hidden counts out of earlier annual reports, each first as
# the earlier report printed it (imgo audit must call it a leak), then as
# the report stage now renders the same metrics (imgo audit must find every
# hidden count protected, and the hidden count must not be printed); a
# family of small generated cohorts whose reports all pass; and a report
# with one complementary cell put back, which must fail.
. tests/lib.sh

# audit_leaks NAME DIR WANT: imgo audit DIR exits 1 with a LEAK line holding WANT.
audit_leaks() {
    run "$IMGO" audit "$2"
    if [ "$rc" = 1 ] && grep -q '^LEAK' "$T/out" && grep -qF -- "$3" "$T/out"; then ok "$1"
    else not_ok "$1" "exit $rc" "$(grep -e LEAK -e 'hidden counts' "$T/out" | head -5)" "$(head -c 500 "$T/err")"; fi
}
# audit_holds NAME DIR: imgo audit DIR exits 0 with no LEAK line.
audit_holds() {
    run "$IMGO" audit "$2"
    if [ "$rc" = 0 ] && ! grep -q '^LEAK' "$T/out" && grep -q ' 0 leaking' "$T/out"; then ok "$1"
    else not_ok "$1" "exit $rc" "$(grep -e LEAK -e 'hidden counts' "$T/out" | head -5)" "$(head -c 500 "$T/err")"; fi
}
# shown DIR METRIC GROUP STRATUM PERIOD FIELD: what public.csv says of a field.
shown() {
    awk -F, -v k="$2,$3,$4,$5,$6" 'index($0, k ",") == 1 { sub(/^.*,/, ""); print }' "$1/public.csv"
}

# A database with the tables compute writes, whose metrics are then set by
# hand (metrics_sql: INSERT statements on stdin) and rendered.
"$IMGO" ingest --db "$T/db" fixtures/tiny >/dev/null
"$IMGO" compute --db "$T/db" --out "$T/c0" >/dev/null
# m METRIC GROUP STRATUM PERIOD N K VALUE: one row; compute's small flag is
# n of 1..4.
m() {
    s=0; [ "$5" -gt 0 ] && [ "$5" -lt 5 ] && s=1
    echo "INSERT INTO metrics VALUES ('$1','$2','$3','$4',$5,$6,$7,NULL,NULL,NULL,NULL,$s);"
}
render() { # render NAME: the metrics of stdin into $T/NAME
    cp "$T/db" "$T/$1.db"
    { echo "BEGIN; DELETE FROM metrics; DELETE FROM chart_points;"; cat; echo "COMMIT;"; } | sqlite3 "$T/$1.db"
    run "$IMGO" report --db "$T/$1.db" --kind annual --out "$T/$1"
    expect_rc "$1: the report is written" 0
}
old() { # old NAME: public.csv of stdin (as an earlier report printed it) in $T/NAME-old
    mkdir -p "$T/$1-old"
    { echo "metric,group,stratum,period,field,shown"; cat; } >"$T/$1-old/public.csv"
}

# -- 1. a span is the sum of its years ----------------------------------------
# ABFM-FM: 2023 4 of 5, 2024 7 of 7, 2025 3 of 3 (hidden), 2023-2025 14 of 15.
# The span less the two years shown gives 2025.
B=board.first_attempt_pass_rate
old span <<EOF
$B,all,exam=ABFM-FM,2023,k,4
$B,all,exam=ABFM-FM,2023,n,5
$B,all,exam=ABFM-FM,2023,value,80.0%
$B,all,exam=ABFM-FM,2023-2025,k,14
$B,all,exam=ABFM-FM,2023-2025,n,15
$B,all,exam=ABFM-FM,2023-2025,value,93.3%
$B,all,exam=ABFM-FM,2024,k,7
$B,all,exam=ABFM-FM,2024,n,7
$B,all,exam=ABFM-FM,2024,value,100.0%
$B,all,exam=ABFM-FM,2025,k,
$B,all,exam=ABFM-FM,2025,n,fewer than 5
$B,all,exam=ABFM-FM,2025,value,
EOF
audit_leaks "span: the earlier report leaks 2025" "$T/span-old" \
    "'$B all exam=ABFM-FM 2025 n' leaks: a reader knows it is 3 for certain"
{
    m $B all exam=ABFM-FM 2023 5 4 0.8
    m $B all exam=ABFM-FM 2024 7 7 1
    m $B all exam=ABFM-FM 2025 3 3 1
    m $B all exam=ABFM-FM 2023-2025 15 14 0.9333333333
} | render span
expect_eq "span: 2025 is labelled small" "$(shown "$T/span" $B all exam=ABFM-FM 2025 n)" "fewer than 5"
printed=0
for p in 2023 2024 2023-2025; do [ -n "$(shown "$T/span" $B all exam=ABFM-FM $p n)" ] && printed=$((printed + 1)); done
if [ "$printed" -le 1 ]; then ok "span: a year or the span is hidden with 2025"
else not_ok "span: a year or the span is hidden with 2025" "$printed of 2023, 2024, 2023-2025 printed"; fi
audit_holds "span: the report's audit holds" "$T/span"

# -- 2. a group at 100% ---------------------------------------------------------
# 2024: 7 of 7 in all, IMGs 2 of 2 (hidden), non-IMGs 5 of 5 (hidden to
# protect them): with all at 100%, so are both groups.
old full <<EOF
$B,all,exam=ABIM-IM,2024,k,7
$B,all,exam=ABIM-IM,2024,n,7
$B,all,exam=ABIM-IM,2024,value,100.0%
$B,img,exam=ABIM-IM,2024,k,
$B,img,exam=ABIM-IM,2024,n,fewer than 5
$B,img,exam=ABIM-IM,2024,value,
$B,non_img,exam=ABIM-IM,2024,k,
$B,non_img,exam=ABIM-IM,2024,n,
$B,non_img,exam=ABIM-IM,2024,value,
EOF
audit_leaks "100%: the earlier report leaks the IMGs' passes" "$T/full-old" \
    "'$B img exam=ABIM-IM 2024 k' leaks: a reader knows it equals its n"
{
    m $B all exam=ABIM-IM 2024 7 7 1
    m $B img exam=ABIM-IM 2024 2 2 1
    m $B non_img exam=ABIM-IM 2024 5 5 1
    m board.eventual_pass_rate all exam=ABIM-IM "" 26 26 1
    m board.eventual_pass_rate img exam=ABIM-IM "" 3 3 1
    m board.eventual_pass_rate non_img exam=ABIM-IM "" 23 23 1
} | render full
expect_eq "100%: the IMGs are labelled small" "$(shown "$T/full" $B img exam=ABIM-IM 2024 n)" "fewer than 5"
if [ "$(shown "$T/full" $B all exam=ABIM-IM 2024 value)" != "100.0%" ] ||
    [ -n "$(shown "$T/full" $B non_img exam=ABIM-IM 2024 value)" ]; then
    ok "100%: no 100% beside hidden groups"
else
    not_ok "100%: no 100% beside hidden groups"
fi
if [ "$(shown "$T/full" board.eventual_pass_rate all exam=ABIM-IM "" value)" != "100.0%" ]; then
    ok "100%: eventual pass 26 of 26 is not printed beside hidden IMGs"
else
    not_ok "100%: eventual pass 26 of 26 is not printed beside hidden IMGs"
fi
audit_holds "100%: the report's audit holds" "$T/full"

# -- 3. a 16-resident cohort ---------------------------------------------------
# Graduate types: the IMGs are non-US IMGs and US IMGs only (US MD and DO
# graduates are never IMGs), so 9 IMGs less 6 non-US IMGs gives the 3 US
# IMGs. The log-rank line's "11 residents, 1 left training" beside the 7
# non-IMGs gives the 4 IMGs at risk, and "8 of 9" beside "7 of 7" one IMG
# of 2 failing.
R=cohort.residents
old cohort16 <<EOF
$R,img,,,k,9
$R,img,graduate_type=non_us_img,,k,6
$R,img,graduate_type=us_img,,k,fewer than 5
$R,img,graduate_type=usdo,,k,0
$R,img,graduate_type=usmd,,k,0
EOF
audit_leaks "16 residents: the earlier report leaks the US IMGs" "$T/cohort16-old" \
    "'$R img graduate_type=us_img k' leaks: a reader knows it is 3 for certain"
old board16 <<EOF
$B,all,exam=ABIM-IM,2025,k,8
$B,all,exam=ABIM-IM,2025,n,9
$B,all,exam=ABIM-IM,2025,value,88.9%
$B,img,exam=ABIM-IM,2025,k,
$B,img,exam=ABIM-IM,2025,n,fewer than 5
$B,img,exam=ABIM-IM,2025,value,
$B,non_img,exam=ABIM-IM,2025,k,7
$B,non_img,exam=ABIM-IM,2025,n,7
$B,non_img,exam=ABIM-IM,2025,value,100.0%
EOF
audit_leaks "16 residents: the earlier report leaks the IMGs' exam" "$T/board16-old" \
    "'$B img exam=ABIM-IM 2025 n' leaks: a reader knows it is 2 for certain"
{
    m $R all "" "" 16 16 1
    m $R img "" "" 9 9 1
    m $R non_img "" "" 7 7 1
    for g in all img non_img; do
        case $g in all) a=6 b=3 c=5 d=2 n=16 ;; img) a=6 b=3 c=0 d=0 n=9 ;; non_img) a=0 b=0 c=5 d=2 n=7 ;; esac
        m $R $g graduate_type=non_us_img "" $n $a 0
        m $R $g graduate_type=us_img "" $n $b 0
        m $R $g graduate_type=usmd "" $n $c 0
        m $R $g graduate_type=usdo "" $n $d 0
    done
    m retention.km all t=365 "" 11 1 0.9091
    m retention.km img t=365 "" 4 1 0.75
    m retention.km non_img t=365 "" 7 0 1
    m retention.logrank img_vs_non_img "" "" 11 1 1.2
    m $B all exam=ABIM-IM 2025 9 8 0.8889
    m $B img exam=ABIM-IM 2025 2 1 0.5
    m $B non_img exam=ABIM-IM 2025 7 7 1
} | sed "s/^\(INSERT INTO metrics VALUES ('$R'.*\),[01]);$/\1,0);/" | render cohort16
# compute flags a breakdown part by its k
sqlite3 "$T/cohort16.db" "UPDATE metrics SET suppressed = 1 WHERE metric = '$R' AND stratum <> '' AND k BETWEEN 1 AND 4"
run "$IMGO" report --db "$T/cohort16.db" --kind annual --out "$T/cohort16"
expect_rc "16 residents: the report is written" 0
expect_eq "16 residents: the US IMGs are labelled small" \
    "$(shown "$T/cohort16" $R img graduate_type=us_img "" k)" "fewer than 5"
if [ -z "$(shown "$T/cohort16" $R img graduate_type=non_us_img "" k)" ] || [ -z "$(shown "$T/cohort16" $R img "" "" k)" ]; then
    ok "16 residents: IMG total or non-US IMGs hidden with them"
else
    not_ok "16 residents: IMG total or non-US IMGs hidden with them"
fi
if grep -q '11 residents, 1 left training' "$T/cohort16/report.html"; then
    not_ok "16 residents: the log-rank line hides its counts"
else
    ok "16 residents: the log-rank line hides its counts"
fi
if grep -q '8 of 9' "$T/cohort16/report.html" && grep -q '7 of 7' "$T/cohort16/report.html"; then
    not_ok "16 residents: not 8 of 9 beside 7 of 7"
else
    ok "16 residents: not 8 of 9 beside 7 of 7"
fi
audit_holds "16 residents: the report's audit holds" "$T/cohort16"

# -- a family of small cohorts ------------------------------------------------
# 10 to 60 residents, several programs and exam years, fixed seeds: every
# report is written (the report stage proves its own audit) and imgo audit
# agrees.
bad=
for n in 10 15 20 30 45 60; do
    for seed in 1 2; do
        d=$T/fam-$n-$seed
        "$IMGO" synth --residents $n --seed $seed --out "$d-c" >/dev/null
        if ! "$IMGO" run pipelines/annual.pipeline --input "$d-c" --out "$d" >/dev/null 2>"$T/ferr"; then
            bad="$bad $n/$seed(run: $(head -c 200 "$T/ferr"))"
        elif ! "$IMGO" audit "$d" >"$T/fout" 2>&1 || grep -q '^LEAK' "$T/fout"; then
            bad="$bad $n/$seed(audit)"
        fi
    done
done
expect_eq "every report of the small-cohort family passes the audit" "$bad" ""

# -- a planted leak ------------------------------------------------------------
# Put each row the audit hid to protect another back in public.csv, one at
# a time (its counts as metrics.csv has them): the audit must catch each.
d=$T/fam-20-1
cp -r "$d" "$T/planted"
caught=0 tried=0
awk -F, 'NR > 1 { key = $1 "," $2 "," $3 "," $4; if ($6 == "") e[key]++; else o[key]++ }
    END { for (k in e) if (!(k in o)) print k }' "$d/public.csv" | sort >"$T/complements"
while IFS= read -r key; do
    n=$(awk -F, -v k="$key" 'index($0, k ",") == 1 { print $5; exit }' "$d/metrics.csv")
    k=$(awk -F, -v k="$key" 'index($0, k ",") == 1 { print $6; exit }' "$d/metrics.csv")
    # a row whose counts print as whole numbers (n of min_cell or more);
    # not a comparison, hidden with its hidden group for its value, which
    # with the other group's would give the hidden one's
    case $key in *,img_vs_non_img,*) continue ;; esac
    case $n$k in *[!0-9]*|'') continue ;; esac
    [ "$n" -ge 5 ] || continue
    awk -F, -v OFS=, -v key="$key" -v n="$n" -v k="$k" 'index($0, key ",") == 1 && $5 == "n" { $6 = n }
        index($0, key ",") == 1 && $5 == "k" { $6 = k } { print }' "$d/public.csv" >"$T/planted/public.csv"
    "$IMGO" audit "$T/planted" >"$T/pout" 2>"$T/perr"
    prc=$?
    tried=$((tried + 1))
    if [ "$prc" = 1 ] && grep -q '^LEAK' "$T/pout"; then caught=$((caught + 1))
    else echo "# not caught: $key"; fi
done <"$T/complements"
if [ "$tried" -ge 5 ] && [ "$caught" = "$tried" ]; then ok "every complementary cell put back is caught ($tried)"
else not_ok "every complementary cell put back is caught" "caught $caught of $tried"; fi

# -- the command -------------------------------------------------------------
run "$IMGO" audit "$T/nowhere"
expect_rc "audit of a directory without public.csv" 3
run "$IMGO" audit --min-cell 3 "$T/span"
expect_rc "--min-cell against the labels" 2
run "$IMGO" audit --min-cell x "$T/span"
expect_rc "--min-cell not a number" 2
printf 'metric,group\n' >"$T/span-old/public.csv"
run "$IMGO" audit "$T/span-old"
expect_rc "a public.csv imgo would not write" 1
