# The command line as a whole: every command's --help has one shape (usage,
# options, exit status); imgo help X is imgo X --help; -V is --version;
# usage errors name the option and point to --help; --set and --as-of
# reach compute and run; pipelines are found by name; docs/PIPELINES.md is
# the current output of imgo help pipeline.
. tests/lib.sh

run "$IMGO" --help
cp "$T/out" "$T/top"
commands=$(sed -n '/^commands:$/,/^$/p' "$T/top" | awk 'NF && $1 != "commands:" { print $1 }')
expect_eq "imgo --help lists the commands" "$(echo $commands)" "check ingest compute report run audit synth map template help"
run "$IMGO" help
cmp -s "$T/out" "$T/top" && ok "imgo help is imgo --help" || not_ok "imgo help is imgo --help"
run "$IMGO" -h
cmp -s "$T/out" "$T/top" && ok "imgo -h is imgo --help" || not_ok "imgo -h is imgo --help"
run "$IMGO"
expect_rc "no command: exit 2" 2
cmp -s "$T/err" "$T/top" && ok "no command: the help on stderr" || not_ok "no command: the help on stderr"
run "$IMGO" -V
cp "$T/out" "$T/v"
run "$IMGO" --version
cmp -s "$T/out" "$T/v" && ok "-V is --version" || not_ok "-V is --version" "$(cat "$T/v")"
expect_eq "--version says the version" "$(cat "$T/out")" "imgo $(cat VERSION)"

for c in $commands; do
    run "$IMGO" "$c" --help
    expect_rc "$c --help exits 0" 0
    [ -s "$T/err" ] && not_ok "$c --help: nothing on stderr" "$(cat "$T/err")"
    cp "$T/out" "$T/h"
    case $(head -1 "$T/h") in
    "usage: imgo $c"*) ok "$c --help: usage line" ;;
    *) not_ok "$c --help: usage line" "$(head -1 "$T/h")" ;;
    esac
    grep -qx 'options:' "$T/h" && grep -q '^  -h, --help  *show this help$' "$T/h" &&
        ok "$c --help: options section" || not_ok "$c --help: options section"
    got=$(sed -n '/^exit status:$/,$p' "$T/h" | grep -o '^  [0-9] ' | tr -d ' \n')
    expect_eq "$c --help: exit statuses 0 to 3" "$got" "0123"
    run "$IMGO" help "$c"
    cmp -s "$T/out" "$T/h" && ok "imgo help $c is imgo $c --help" || not_ok "imgo help $c is imgo $c --help"
    run "$IMGO" "$c" -h
    cmp -s "$T/out" "$T/h" && ok "$c -h is $c --help" || not_ok "$c -h is $c --help"
    awk 'length > 79 { bad = 1 } END { exit bad }' "$T/h" && ok "$c --help fits 79 columns" ||
        not_ok "$c --help fits 79 columns"
done

# usage errors: exit 2, the option named, the way to the help
run "$IMGO" check fixtures/tiny --bogus
expect_rc "unknown option: exit 2" 2
expect_err "unknown option message" "imgo: check: unknown option '--bogus'; see 'imgo check --help'"
run "$IMGO" compute --out "$T/o" --db
expect_rc "missing value: exit 2" 2
expect_err "missing value message" "imgo: compute: option '--db' needs a value (FILE); see 'imgo compute --help'"
run "$IMGO" ingest fixtures/tiny --db "$T/x.db" --strict=yes
expect_rc "value for a flag: exit 2" 2
expect_err "value for a flag message" "imgo: ingest: option '--strict' takes no value; see 'imgo ingest --help'"
run "$IMGO" run pipelines/annual.pipeline pipelines/quarterly.pipeline --out "$T/o"
expect_rc "two pipelines: exit 2" 2
expect_err "two pipelines message" \
    "imgo: run: one pipeline file only ('pipelines/annual.pipeline' and 'pipelines/quarterly.pipeline'); see 'imgo run --help'"
run "$IMGO" --frob
expect_rc "unknown global option: exit 2" 2
expect_err "unknown global option message" "imgo: unknown option '--frob'; see 'imgo --help'"
run "$IMGO" help frob
expect_rc "unknown help topic: exit 2" 2
expect_err "unknown help topic message" "imgo: help: no command or topic 'frob'; see 'imgo --help'"
[ ! -e "$T/o" ] && [ ! -e "$T/x.db" ] && ok "usage errors write nothing" || not_ok "usage errors write nothing"

# --opt=VALUE is --opt VALUE; -- ends the options
run "$IMGO" synth --residents=20 --seed=7 "--out=$T/s"
expect_rc "--opt=VALUE" 0
expect_eq "--opt=VALUE reaches the command" "$(grep -c . "$T/s/residents.csv")" "21"
mkdir "$T/-c" && cp fixtures/tiny/*.csv "$T/-c/" && cd "$T" || exit 1
run "$IMGO" check -- -c
expect_rc "-- before a directory named -c" 0
cd - >/dev/null || exit 1

# --set and --as-of on compute: in command-line order, through the one validation
"$IMGO" ingest fixtures/tiny --db "$T/t.db" >/dev/null 2>&1
info() { sqlite3 "$T/t.db" "SELECT value FROM compute_info WHERE key = '$1'"; }
run "$IMGO" compute --db "$T/t.db" --out "$T/c1" --set min_cell=3 --set "board_exams=abim-im, abp" \
    --set as_of=2025-01-31 --as-of 2025-06-30
expect_rc "compute --set" 0
expect_eq "--set min_cell reaches compute_info" "$(info min_cell)" "3"
expect_eq "--set board_exams is normalised" "$(info board_exams)" "ABIM-IM,ABP"
expect_eq "the later of --set as_of and --as-of wins" "$(info as_of)" "2025-06-30"
run "$IMGO" compute --db "$T/t.db" --out "$T/c2" --as-of 2025-06-30 --set as_of=2025-01-31
expect_eq "the later of --as-of and --set as_of wins" "$(info as_of)" "2025-01-31"
printf 'min_cell = 4\n' >"$T/p.pipeline"
run "$IMGO" compute --db "$T/t.db" --out "$T/c3" --set min_cell=2 --pipeline "$T/p.pipeline"
expect_eq "--set applies after the pipeline file, wherever it is given" "$(info min_cell)" "2"
for bad in "nope=1|imgo: --set: unknown key 'nope'" \
           "min_cell=abc|imgo: --set: min_cell: 'abc' is not a whole number >= 1" \
           "min_cell|imgo: --set: 'min_cell' is not KEY=VALUE" \
           "report=weekly|imgo: --set: report: 'weekly' is not annual, quarterly or institution"; do
    run "$IMGO" compute --db "$T/t.db" --out "$T/c4" --set "${bad%%|*}"
    expect_rc "--set ${bad%%|*}: exit 2" 2
    expect_err "--set ${bad%%|*}: message" "${bad#*|}"
done
[ ! -e "$T/c4" ] && ok "a bad --set writes nothing" || not_ok "a bad --set writes nothing"

# --set on run reaches run.json; a bad one stops the run before anything is written
run "$IMGO" run pipelines/annual.pipeline --input fixtures/tiny --out "$T/r1" --set min_cell=1 --set confidence=0.9
expect_rc "run --set" 0
grep -q '"min_cell": "1",' "$T/r1/run.json" && grep -q '"confidence": "0.9",' "$T/r1/run.json" &&
    ok "run --set reaches run.json" || not_ok "run --set reaches run.json" "$(grep -A12 parameters "$T/r1/run.json")"
run "$IMGO" run pipelines/annual.pipeline --input fixtures/tiny --out "$T/r2" --set fdr_q=0
expect_rc "run with a bad --set: exit 2" 2
expect_err "run with a bad --set: message" "imgo: --set: fdr_q: '0' is not a number in (0, 1]"
[ ! -e "$T/r2" ] && ok "run with a bad --set writes nothing" || not_ok "run with a bad --set writes nothing"

# imgo run NAME: from the source tree when imgo runs from build/ (unless a
# copy is installed in the compiled-in prefix, which comes first)
root=$(pwd -P)
run "$IMGO" run quarterly --input fixtures/tiny --out "$T/r3" --set stages=ingest
expect_rc "run by name" 0
got=$(sed -n 's/^  "pipeline": "\(.*\)",$/\1/p' "$T/r3/run.json")
case $got in
"$root/pipelines/quarterly.pipeline") ok "run by name: the source tree's pipeline, named in run.json" ;;
*/share/imgo/pipelines/quarterly.pipeline) ok "run by name: an installed pipeline, named in run.json" ;;
*) not_ok "run by name: the resolved path in run.json" "got: $got" ;;
esac
run "$IMGO" run no-such-pipeline --input fixtures/tiny --out "$T/r4"
expect_rc "an unknown pipeline name: exit 3" 3
case $(cat "$T/err") in
"imgo: no pipeline 'no-such-pipeline': no file no-such-pipeline here, and no no-such-pipeline.pipeline in "*"$root/pipelines")
    ok "an unknown pipeline name: where imgo looked" ;;
*) not_ok "an unknown pipeline name: where imgo looked" "$(cat "$T/err")" ;;
esac
run "$IMGO" help --pipelines
grep -qx annual "$T/out" && grep -qx quarterly "$T/out" && ok "help --pipelines lists the names" ||
    not_ok "help --pipelines lists the names" "$(cat "$T/out")"

# imgo help pipeline: every key; docs/PIPELINES.md is its current output
run "$IMGO" help pipeline
expect_rc "help pipeline" 0
cp "$T/out" "$T/pipe"
missing=""
for k in $(sed -n 's/^\([a-z_0-9]*\) = .*/\1/p' pipelines/annual.pipeline); do
    grep -qx "  $k" "$T/pipe" || missing="$missing $k"
done
expect_eq "help pipeline documents every key of annual.pipeline" "$missing" ""
sed -n '/^<!-- generated by make docs/,$p' docs/PIPELINES.md | sed '1,2d' | sed '1d;$d' >"$T/doc"
cmp -s "$T/doc" "$T/pipe" && ok "docs/PIPELINES.md is up to date" ||
    not_ok "docs/PIPELINES.md is up to date (run make docs)" "$(diff "$T/doc" "$T/pipe" | head -5)"
