# Who can read what imgo writes: the database and every output (imgo synth's
# cohort, imgo run's report, charts, tables, metrics.csv, run.json) are the
# owner's only - files 0600, directories 0700 - whatever the umask, unless
# the umask is stricter, which is then kept. The quarterly packet, which
# lists residents by ID, says it is confidential on every printed page.
. tests/lib.sh

pipeline=$(pwd)/pipelines/annual.pipeline

# modes DIR FILE-MODE DIR-MODE: names of everything under DIR (itself
# included) whose mode is not the one wanted.
modes() {
    find "$1" \( -type f ! -perm "$2" \) -o \( -type d ! -perm "$3" \) 2>/dev/null | sed "s|^$T/||"
}

for u in 022 077 002 000; do
    d=$T/u$u
    mkdir "$d"
    (cd "$d" && umask $u && "$IMGO" synth --residents 30 --seed 2 --out c >/dev/null &&
        "$IMGO" run "$pipeline" --input c --out o >/dev/null 2>"$T/err")
    rc=$?
    expect_rc "umask $u: synth and run succeed" 0
    expect_eq "umask $u: synth's cohort is 0600 files in a 0700 directory" "$(modes "$d/c" 600 700)" ""
    expect_eq "umask $u: outputs and database are 0600 files in 0700 directories" "$(modes "$d/o" 600 700)" ""
    if [ -f "$d/o/outcomes.db" ] && [ -f "$d/o/report.html" ] && [ -d "$d/o/charts" ] && [ -d "$d/o/tables" ]; then
        ok "umask $u: the outputs checked are there"
    else
        not_ok "umask $u: the outputs checked are there" "$(ls "$d/o")"
    fi
done

# --db elsewhere, and imgo ingest: the database file too
(umask 022 && "$IMGO" ingest "$T/u022/c" --db "$T/sep.db" >/dev/null)
expect_eq "umask 022: a database made by imgo ingest is 0600" "$(modes "$T/sep.db" 600 700)" ""

# A stricter umask is kept: 0277 leaves the owner read-only.
(umask 0277 && "$IMGO" ingest "$T/u022/c" --db "$T/strict.db" >/dev/null 2>"$T/err")
rc=$?
expect_rc "umask 0277: ingest succeeds" 0
expect_eq "umask 0277: the database is 0400" "$(modes "$T/strict.db" 400 500)" ""
if [ "$(id -u)" = 0 ]; then
    # only root can write into the 0500 directories this umask makes
    (cd "$T" && umask 0277 && "$IMGO" synth --residents 30 --seed 2 --out s >/dev/null &&
        "$IMGO" run "$pipeline" --input s --out so >/dev/null 2>"$T/err")
    rc=$?
    expect_rc "umask 0277: synth and run succeed (root)" 0
    expect_eq "umask 0277: synth's cohort is 0400 files in a 0500 directory" "$(modes "$T/s" 400 500)" ""
    expect_eq "umask 0277: outputs are 0400 files in 0500 directories" "$(modes "$T/so" 400 500)" ""
else
    (cd "$T" && umask 0277 && "$IMGO" synth --residents 30 --seed 2 --out s >/dev/null 2>"$T/err")
    rc=$?
    expect_rc "umask 0277: synth cannot write into its own 0500 directory and says so (exit 3)" 3
fi

# The quarterly packet: the banner at the top of the page on screen, and
# the mark in the top margin of every printed page (a CSS page-margin box,
# so it covers no text; tests/e2e/report_browser.sh checks the printed PDF).
run "$IMGO" report --db "$T/u022/o/outcomes.db" --kind quarterly --out "$T/q"
expect_rc "quarterly packet renders" 0
q=$T/q/report.html
if grep -q '<div class="confidential screen" role="note">CONFIDENTIAL: lists residents by ID' "$q"; then
    ok "the packet carries the confidential banner"
else
    not_ok "the packet carries the confidential banner"
fi
if grep -q '@page{@top-right{content:"CONFIDENTIAL' "$q"; then
    ok "the print CSS puts the mark in every page's margin"
else
    not_ok "the print CSS puts the mark in every page's margin"
fi
expect_eq "the banner comes before any resident is listed" \
    "$(awk '/class="confidential screen"/ {print NR; exit}' "$q")" "$(awk '/<body>/ {print NR + 1; exit}' "$q")"
expect_eq "quarterly packet is 0600 in a 0700 directory" "$(modes "$T/q" 600 700)" ""
