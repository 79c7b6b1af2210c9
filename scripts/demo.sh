#!/bin/sh
# make demo: ingests the demo cohort (fixtures/demo) into a fresh database
# under $BUILD/demo and prints the per-file summary.
set -eu
BUILD=${BUILD:-build}
IMGO=$BUILD/imgo
out=$BUILD/demo
rm -rf "$out"
mkdir -p "$out"
echo "imgo check fixtures/demo"
"$IMGO" check fixtures/demo
echo
echo "imgo ingest fixtures/demo --db $out/outcomes.db"
"$IMGO" ingest fixtures/demo --db "$out/outcomes.db"
echo
echo "again (byte-identical files are not ingested twice):"
"$IMGO" ingest fixtures/demo --db "$out/outcomes.db"
