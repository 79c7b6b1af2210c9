# The layering of the source: no two files call into each other, and no
# longer cycle either. An edge A -> B means an object file of A uses a
# symbol that B defines (from nm); the graph of the library's files and
# main.c must have no cycle, so each stage can be read from the bottom up
# (core, then ingest, compute, report, cli).
. tests/lib.sh

objs=$(find "$(dirname "$IMGO")/src" -name '*.o' | sort)
if [ -z "$objs" ]; then
    not_ok "object files found" "none under $(dirname "$IMGO")/src"
    exit 0
fi
for o in $objs; do
    f=${o#"$(dirname "$IMGO")/"}
    f=${f%.o}.c
    nm -g --defined-only "$o" | awk -v f="$f" 'NF == 3 && $2 ~ /[TDBRC]/ { print "D", f, $3 }'
    nm -u "$o" | awk -v f="$f" '{ print "U", f, $NF }'
done >"$T/syms"
awk '$1 == "D" { def[$3] = $2 } $1 == "U" { use[NR] = $2 " " $3 }
     END { for (i in use) { split(use[i], a, " "); if ((a[2] in def) && def[a[2]] != a[1]) print a[1], def[a[2]] } }' \
    "$T/syms" | sort -u >"$T/edges"
ok "$(wc -l <"$T/edges") file-to-file edges"

awk 'NR == FNR { e[$1 " " $2] = 1; next } ($2 " " $1) in e && $1 < $2 { print $1 " <-> " $2 }' \
    "$T/edges" "$T/edges" >"$T/mutual"
if [ -s "$T/mutual" ]; then not_ok "no two files call into each other" "$(cat "$T/mutual")"; else ok "no two files call into each other"; fi

# Peel off files that call nothing left; what remains lies on a cycle.
cp "$T/edges" "$T/rest"
while :; do
    awk 'NR == FNR { out[$1] = 1; next } ($2 in out)' "$T/rest" "$T/rest" >"$T/next"
    if cmp -s "$T/next" "$T/rest"; then break; fi
    mv "$T/next" "$T/rest"
done
if [ -s "$T/rest" ]; then not_ok "no cycle between files" "$(cat "$T/rest")"; else ok "no cycle between files"; fi
