# reports/demo, reports/demo-previous and reports/institution are what
# `make demo` commits: fresh runs on fixtures/demo (the annual pipeline a
# year before the data's as-of date, the annual pipeline compared with that
# earlier run, the institution pipeline) must reproduce them byte for byte,
# and two fresh runs must agree with each other. The databases are kept out
# of the compared trees (--db elsewhere): SQLite files are not
# byte-reproducible.
. tests/lib.sh

before=$(sed -n 's/^  "as_of": "\(.*\)",$/\1/p' reports/demo-previous/run.json)
expect_eq "reports/demo-previous is a year before reports/demo" \
    "$(($(echo "$before" | cut -d- -f1) + 1))" "$(sed -n 's/^  "as_of": "\([0-9]*\)-.*/\1/p' reports/demo/run.json)"
run "$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out "$T/p" --db "$T/p.db" --as-of "$before" \
    --set mentorship_launch=2022-07-01
expect_rc "annual pipeline on the demo cohort a year before" 0
run "$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out "$T/a" --db "$T/a.db" \
    --compare-to reports/demo-previous --set mentorship_launch=2022-07-01
expect_rc "annual pipeline on the demo cohort, compared with reports/demo-previous" 0
expect_eq "prints the report path" "$(cat "$T/out")" "$T/a/report.html"
run "$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out "$T/b" --db "$T/b.db" \
    --compare-to reports/demo-previous --set mentorship_launch=2022-07-01
expect_rc "second run" 0
run "$IMGO" run pipelines/institution.pipeline --input fixtures/demo --out "$T/i" --db "$T/i.db"
expect_rc "institution pipeline on the demo cohort" 0

if diff -r "$T/a" "$T/b" >"$T/diff" 2>&1; then ok "two fresh runs give identical bytes"; else not_ok "two fresh runs give identical bytes" "$(head -5 "$T/diff")"; fi

for s in cover summary since cohort retention board fellowship mentorship bias trends level4 launch workforce methods; do
    if grep -q "<section id=\"$s\">" "$T/a/report.html"; then ok "annual section $s"; else not_ok "annual section $s"; fi
done

# Charts hold gnuplot's version string and its font rendering, so the
# committed charts can only be compared where the same gnuplot made them.
want=$(sed -n 's/.*Drawn by gnuplot \(.*\)\.<\/desc>.*/\1/p' reports/demo/charts/retention_km.svg | head -1)
have=$(gnuplot --version 2>/dev/null | sed 's/^gnuplot //')
# reproduce DIR FRESH: the committed directory reports/DIR against a fresh run
reproduce() {
    for f in metrics.csv run.json public.csv $(cd "reports/$1" && find tables -type f | sort); do
        if cmp -s "reports/$1/$f" "$2/$f"; then ok "reports/$1/$f reproduced"
        else not_ok "reports/$1/$f reproduced" "$(diff "reports/$1/$f" "$2/$f" | head -5)"; fi
    done
    if [ "$want" = "$have" ]; then
        if diff -r "reports/$1" "$2" >"$T/diff" 2>&1; then ok "reports/$1 reproduced byte for byte"
        else not_ok "reports/$1 reproduced byte for byte" "$(head -5 "$T/diff")"; fi
    else
        ok "reports/$1 charts and report.html # SKIP made by gnuplot $want, this is $have"
    fi
}
reproduce demo-previous "$T/p"
reproduce demo "$T/a"
reproduce institution "$T/i"
