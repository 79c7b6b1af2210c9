# The front end: --help, --version, unknown commands.
. tests/lib.sh

run "$IMGO" --version
expect_rc "version exits 0" 0
expect_eq "version names imgo" "$(cut -d' ' -f1 "$T/out")" "imgo"

run "$IMGO" --help
expect_rc "help exits 0" 0

run "$IMGO" frobnicate
expect_rc "unknown command is a usage error" 2
expect_err "unknown command message" "imgo: unknown command 'frobnicate'; see 'imgo --help'"

run "$IMGO"
expect_rc "no command is a usage error" 2
