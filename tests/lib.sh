# Helpers for end-to-end tests, sourced by tests/e2e/*.sh (which are run
# from the repository root by tests/run.sh with $IMGO set).
# Each check prints "ok - NAME" or "not ok - NAME" with what differed.

: "${IMGO:?IMGO must name the imgo binary}"
# KEEP_T=DIR: work in DIR and keep it, for looking at a failure by hand.
T=${KEEP_T:-$(mktemp -d)}
[ -n "$KEEP_T" ] || trap 'rm -rf "$T"' EXIT

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

# run CMD...: runs it, capturing stdout in $T/out, stderr in $T/err, status in $rc.
run() { "$@" >"$T/out" 2>"$T/err"; rc=$?; }

# expect_rc NAME WANT: the last run's status.
expect_rc() {
    if [ "$rc" = "$2" ]; then ok "$1"; else not_ok "$1" "exit $rc, want $2" "stderr: $(head -c 2000 "$T/err")"; fi
}

# expect_err NAME TEXT: the last run's stderr holds the line TEXT exactly.
expect_err() {
    if grep -qxF -- "$2" "$T/err"; then ok "$1"; else not_ok "$1" "no stderr line: $2" "stderr: $(head -c 2000 "$T/err")"; fi
}

# expect_eq NAME GOT WANT
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi
}
