#!/bin/sh
# Run by make before it compiles anything: checks that the libraries imgo
# builds against are installed (pkg-config for those that ship a .pc file,
# the header for libcsv, and for cmocka with the argument "tests") and, when
# one is missing, names its Debian package and says how to install it,
# instead of leaving the reader a compiler error. Exits 1 then.
set -u
CC=${CC:-cc}
missing=""

have_cc=1
command -v "${CC%% *}" >/dev/null 2>&1 || { have_cc=0; missing="$missing gcc"; }
if command -v pkg-config >/dev/null 2>&1; then
    for pair in sqlite3:libsqlite3-dev gsl:libgsl-dev nettle:nettle-dev glib-2.0:libglib2.0-dev \
                xlsxwriter:libxlsxwriter-dev; do
        pkg-config --exists "${pair%%:*}" || missing="$missing ${pair#*:}"
    done
else
    missing="$missing pkg-config"
fi

# has_header PACKAGE LINES: the preprocessor finds the header LINES include
has_header() {
    pkg=$1
    shift
    printf '%s\n' "$@" | $CC -E -x c - >/dev/null 2>&1 || missing="$missing $pkg"
}
if [ "$have_cc" = 1 ]; then
    has_header libcsv-dev '#include <csv.h>'
    has_header libglpk-dev '#include <glpk.h>'
    if [ "${1:-}" = tests ]; then
        has_header libcmocka-dev '#include <stdarg.h>' '#include <stddef.h>' '#include <stdint.h>' \
            '#include <setjmp.h>' '#include <cmocka.h>'
    fi
fi

[ -z "$missing" ] && exit 0
echo "imgo: cannot build: missing Debian packages:$missing" >&2
echo "imgo: run 'make deps' to install them (or 'make test' or 'make demo', which install what is missing first)" >&2
exit 1
