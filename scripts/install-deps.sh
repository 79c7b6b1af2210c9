#!/bin/sh
# Installs the Debian packages imgo needs to build and test, and only those
# that are missing. Safe to run on every `make test` / `make demo`.
set -eu

pkgs="gcc make pkg-config libsqlite3-dev sqlite3 libcsv-dev libgsl-dev libcmocka-dev nettle-dev libglib2.0-dev libglpk-dev libxlsxwriter-dev gnuplot-nox unzip"
# clang and its runtime give the fuzzers; optional unless asked for.
[ "${IMGO_WITH_FUZZ:-0}" = 1 ] && pkgs="$pkgs clang libclang-rt-14-dev"

missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "imgo: installing missing packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "imgo: cannot install$missing: not root and no sudo; install them and run again" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -qq $missing >/dev/null 2>&1; then
    $SUDO apt-get update -qq >/dev/null 2>&1 || true
    if ! $SUDO apt-get install -y -qq $missing >/dev/null; then
        echo "imgo: apt-get could not install$missing" >&2
        exit 1
    fi
fi
