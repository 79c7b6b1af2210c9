# reports/demo is what `make demo` commits: a fresh run of the annual
# pipeline on fixtures/demo must reproduce it byte for byte, and two fresh
# runs must agree with each other. The database is kept out of the compared
# tree (--db elsewhere): SQLite files are not byte-reproducible.
. tests/lib.sh

run "$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out "$T/a" --db "$T/a.db" \
    --set mentorship_launch=2022-07-01
expect_rc "annual pipeline on the demo cohort" 0
expect_eq "prints the report path" "$(cat "$T/out")" "$T/a/report.html"
run "$IMGO" run pipelines/annual.pipeline --input fixtures/demo --out "$T/b" --db "$T/b.db" \
    --set mentorship_launch=2022-07-01
expect_rc "second run" 0

if diff -r "$T/a" "$T/b" >"$T/diff" 2>&1; then ok "two fresh runs give identical bytes"; else not_ok "two fresh runs give identical bytes" "$(head -5 "$T/diff")"; fi

for s in cover summary cohort retention board fellowship mentorship bias trends level4 launch workforce methods; do
    if grep -q "<section id=\"$s\">" "$T/a/report.html"; then ok "annual section $s"; else not_ok "annual section $s"; fi
done

# Charts hold gnuplot's version string and its font rendering, so the
# committed charts can only be compared where the same gnuplot made them.
want=$(sed -n 's/.*<desc>Produced by GNUPLOT \(.*\) <\/desc>.*/\1/p' reports/demo/charts/retention_km.svg | head -1)
have=$(gnuplot --version 2>/dev/null | sed 's/^gnuplot //')
for f in metrics.csv run.json public.csv $(cd reports/demo && find tables -type f | sort); do
    if cmp -s "reports/demo/$f" "$T/a/$f"; then ok "reports/demo/$f reproduced"; else not_ok "reports/demo/$f reproduced" "$(diff "reports/demo/$f" "$T/a/$f" | head -5)"; fi
done
if [ "$want" = "$have" ]; then
    if diff -r reports/demo "$T/a" >"$T/diff" 2>&1; then ok "reports/demo reproduced byte for byte"; else not_ok "reports/demo reproduced byte for byte" "$(head -5 "$T/diff")"; fi
else
    ok "reports/demo charts and report.html # SKIP made by gnuplot $want, this is $have"
fi
