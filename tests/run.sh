#!/bin/sh
# Runs every test: the cmocka unit-test programs in $BUILD/tests and the
# end-to-end scripts in tests/e2e. Prints each failure, then one closing
# line "tests: N passed, N failed"; exits 1 when anything failed.
BUILD=${BUILD:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
IMGO=$root/$BUILD/imgo
export IMGO
# Scripts that would be too slow under ASan scale down when IMGO_SAN=1.
case $BUILD in *san*) IMGO_SAN=1 ;; *) IMGO_SAN=0 ;; esac
export IMGO_SAN
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in $(find "$root/$BUILD/tests" -name 'test_*' -type f ! -name '*.[od]' | sort); do
    [ -x "$t" ] || continue
    case $t in *.o|*.d) continue ;; esac
    name=$(basename "$t")
    if (cd "$root" && "$t") >"$log" 2>&1; then st=0; else st=1; fi
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    if [ "$st" != 0 ] && [ "$f" = 0 ]; then f=1; fi
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$f" != 0 ]; then echo "FAIL $name"; cat "$log"; else echo "ok   $name ($p)"; fi
done

for t in "$root"/tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .sh)
    if (cd "$root" && sh "$t") >"$log" 2>&1; then st=0; else st=1; fi
    p=$(grep -c '^ok ' "$log")
    f=$(grep -c '^not ok ' "$log")
    if [ "$st" != 0 ] && [ "$f" = 0 ]; then f=1; fi
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$f" != 0 ]; then echo "FAIL $name"; grep -v '^ok ' "$log"; else echo "ok   $name ($p)"; fi
done

echo "tests: $passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
