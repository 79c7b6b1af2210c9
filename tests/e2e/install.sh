# make install into a staging directory (DESTDIR), with the binary already
# built: the installed imgo runs a pipeline by name from anywhere, the man
# page renders a section per command, the completion knows every command;
# and a build on a machine without a library names the package to install.
. tests/lib.sh

root=$(pwd -P)
B=$(cd "$(dirname "$IMGO")" && pwd -P)
# A make of its own, whatever make runs this test; -o: never relink the
# binary under test (its flags are not on this command line).
unset MAKEFLAGS MFLAGS MAKELEVEL
run make -s -o "$B/imgo" install BUILD="$B" DESTDIR="$T/inst" PREFIX=/usr/local
expect_rc "make install DESTDIR=... PREFIX=/usr/local" 0
P=$T/inst/usr/local
for f in bin/imgo share/man/man1/imgo.1 share/bash-completion/completions/imgo \
         share/imgo/pipelines/annual.pipeline share/imgo/pipelines/quarterly.pipeline \
         share/imgo/pipelines/institution.pipeline \
         share/doc/imgo/README.md share/doc/imgo/PIPELINES.md share/doc/imgo/SCHEMA.md; do
    [ -f "$P/$f" ] && ok "installed $f" || not_ok "installed $f"
done
[ -x "$P/bin/imgo" ] && ok "the binary is executable" || not_ok "the binary is executable"

# from another directory, a pipeline by name: found beside the binary
mkdir "$T/elsewhere"
Tp=$(cd "$T" && pwd -P)
(cd "$T/elsewhere" && "$P/bin/imgo" run annual --input "$root/fixtures/tiny" --out "$T/o") >"$T/out" 2>"$T/err"
rc=$?
expect_rc "installed imgo run annual from another directory" 0
expect_eq "run.json names the installed pipeline" \
    "$(sed -n 's/^  "pipeline": "\(.*\)",$/\1/p' "$T/o/run.json")" "$Tp/inst/usr/local/share/imgo/pipelines/annual.pipeline"
[ -f "$T/o/report.html" ] && ok "the report is written" || not_ok "the report is written" "$(cat "$T/err")"
run "$P/bin/imgo" help --pipelines
expect_eq "the installed imgo lists its pipelines" "$(cat "$T/out" | tr '\n' ' ')" "annual institution quarterly "

# the man page: a section per command
man=$P/share/man/man1/imgo.1
if command -v man >/dev/null 2>&1 && MANWIDTH=80 man -l "$man" >"$T/man.raw" 2>/dev/null && [ -s "$T/man.raw" ]; then
    sed 's/.\x08//g' "$T/man.raw" >"$T/man"
    how="man -l"
elif command -v groff >/dev/null 2>&1; then
    groff -man -Tascii -P-cbou "$man" >"$T/man" 2>/dev/null
    how=groff
else
    sed -n 's/^\.SH "\(.*\)"$/\1/p' "$man" >"$T/man"
    how="troff text"
fi
commands=$("$IMGO" --help | sed -n '/^commands:$/,/^$/p' | awk 'NF && $1 != "commands:" { print $1 }')
missing=""
for c in $commands; do
    grep -qx "IMGO $(echo "$c" | tr a-z A-Z)" "$T/man" || missing="$missing $c"
done
expect_eq "the man page ($how) has a section per command" "$missing" ""
for s in NAME SYNOPSIS DESCRIPTION "PIPELINE FILES" "EXIT STATUS"; do
    grep -qx "$s" "$T/man" || [ "$how" = "troff text" ] && ok "man page section $s" || not_ok "man page section $s"
done
"$IMGO" help --man | cmp -s - "$man" && ok "the installed man page is imgo help --man" ||
    not_ok "the installed man page is imgo help --man"

# the completion: every command, from the installed file
comp=$P/share/bash-completion/completions/imgo
missing=""
for c in $commands; do
    grep -q "^    local commands=\".*\\b$c\\b" "$comp" && grep -q "^    $c)$" "$comp" || missing="$missing $c"
done
expect_eq "the completion lists every command" "$missing" ""
if command -v bash >/dev/null 2>&1; then
    complete_words() {
        PATH=$P/bin:$PATH bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _imgo; echo "${COMPREPLY[*]}"' "$comp" "$@"
    }
    expect_eq "bash completes the commands" "$(complete_words imgo '')" "$(echo $commands)"
    expect_eq "bash completes pipeline names" "$(cd "$T/elsewhere" && complete_words imgo run an)" "annual"
    expect_eq "bash completes options" "$(complete_words imgo check --s)" "--strict"
    expect_eq "bash completes pipeline keys after --set" "$(complete_words imgo run x --set min_c)" "min_cell="
    expect_eq "bash completes --kind" "$(complete_words imgo report --kind q)" "quarterly"
fi

# make on a machine without a library: the package, and make deps
mkdir "$T/nopc"
run env PKG_CONFIG_LIBDIR="$T/nopc" make -s BUILD="$T/b" all
[ "$rc" != 0 ] && ok "make fails without the libraries" || not_ok "make fails without the libraries"
expect_err "make names the missing packages" "imgo: cannot build: missing Debian packages: libsqlite3-dev libgsl-dev nettle-dev libglib2.0-dev libxlsxwriter-dev"
grep -q "run 'make deps'" "$T/err" && ok "make says to run make deps" || not_ok "make says to run make deps" "$(cat "$T/err")"
[ -z "$(find "$T/b" -name '*.o' 2>/dev/null)" ] && ok "nothing compiled" || not_ok "nothing compiled"
