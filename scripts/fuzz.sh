#!/bin/sh
# make fuzz: runs each libFuzzer harness given as an argument for
# $FUZZ_SECONDS seconds (inputs up to 64 KiB), seeded with the fixtures.
# Fails when a harness finds a crash, a leak or a broken promise; the input
# is kept as $BUILD/crash-NAME-*: copy it to tests/fuzz/regress/csv-WHAT (or
# pipeline-WHAT, map-WHAT), where test_fuzz_regress replays it in every build,
# or public-WHAT, which test_public replays. Prints
# the executions each harness ran without a finding ("Done N runs").
set -u
BUILD=${BUILD:-build/fuzz}
S=${FUZZ_SECONDS:-60}
status=0
summary=""

# The seeds of fuzz_csv: each tiny fixture, prefixed with the byte that
# selects its file (cohort.h order), in the default and --skip-bad-rows modes.
seed_csv() {
    i=0
    for f in residents mentor_assignments mentorship_meetings board_exams fellowship_applications \
             milestone_ratings evaluations feedback ccc_actions employment patient_experience; do
        for mode in 0 1; do
            b=$((i + 11 * mode))
            { printf "\\$(printf %03o "$b")"; cat "fixtures/tiny/$f.csv"; } >"$1/$f-$mode"
        done
        i=$((i + 1))
    done
}

for bin in "$@"; do
    name=$(basename "$bin")
    corpus=$BUILD/corpus/$name
    mkdir -p "$corpus"
    case $name in
    fuzz_csv) seed_csv "$corpus"; cp tests/fuzz/regress/csv-* "$corpus"/ ;;
    fuzz_pipeline) cp pipelines/*.pipeline tests/fuzz/regress/pipeline-* "$corpus"/ ;;
    fuzz_public) cp tests/fuzz/regress/public-* "$corpus"/ ;;
    fuzz_map) cp maps/*.map maps/redcap/*.map fixtures/exports/rms.map tests/fuzz/regress/map-* "$corpus"/ ;;
    esac
    log=$BUILD/$name.log
    echo "fuzz: $name for $S s"
    "$bin" -max_len=65536 -max_total_time="$S" -timeout=10 -rss_limit_mb=1024 \
        -print_final_stats=1 -artifact_prefix="$BUILD/crash-$name-" "$corpus" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
    if [ "$rc" != 0 ] || [ -z "$runs" ]; then
        echo "fuzz: $name FAILED (exit $rc); input kept as $BUILD/crash-$name-*:" >&2
        grep -E 'ERROR|SUMMARY|==[0-9]+==|#[0-9]+ ' "$log" | head -40 >&2
        status=1
        summary="$summary$name: FINDING (exit $rc), see $log
"
    else
        summary="$summary$name: $runs runs in $S s without a finding
"
    fi
done
printf '%s' "$summary"
exit $status
