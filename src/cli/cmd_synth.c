/*
 * cmd_synth.c - `imgo synth`: write a synthetic cohort directory.
 *
 * The command line only; the generator is synth.c.
 */
#include "cmd.h"
#include "err.h"
#include "synth.h"

#include <stdio.h>
#include <unistd.h>

/* The progress line, only when stderr is a terminal. */
static void show_progress(unsigned long done, unsigned long total, void *arg)
{
    (void)arg;
    fprintf(stderr, "\rimgo: synth: %lu of %lu residents", done, total);
    if (done == total)
        fputc('\n', stderr);
}

enum { O_RESIDENTS, O_SEED, O_OUT, O_PROGRAMS };

static const struct opt options[] = {
    [O_RESIDENTS] = { .name = "residents", .arg = "N", .help = "number of residents, 1..10000000" },
    [O_SEED] = { .name = "seed", .arg = "S",
                 .help = "seed of GSL's mt19937 generator, 0..4294967295 (mt19937 treats 0 as its "
                         "default seed 4357)" },
    [O_OUT] = { .name = "out", .arg = "DIR", .complete = OPT_COMPLETE_DIR,
                .help = "output directory, created if missing; files of the same names in it are "
                        "replaced" },
    [O_PROGRAMS] = { .name = "programs", .arg = "P",
                     .help = "number of programs in all, 6..999, the last a small one (default: one "
                             "regular program per 60 residents, 5 to 98, and the small one)" },
    { .name = NULL },
};

static int run(const struct opt_result *r);

const struct opt_spec cmd_synth_spec = {
    .name = "synth",
    .run = run,
    .summary = "write a synthetic cohort directory with planted effects",
    .usage = "--residents N --seed S --out DIR [--programs P]",
    .description = "Writes a synthetic cohort directory (the eleven CSV files of the input contract) "
                   "with known planted effects, described in docs/SYNTH.md. The same N and S give "
                   "byte-identical files.",
    .opts = options,
    .out = "The number of rows of each file: FILE, a tab, the count.",
    .err = "Errors as \"imgo: message\"; a progress line when stderr is a terminal.",
    .exits = { "the cohort was written", "never: synth reads no data", "usage error",
               "an I/O error" },
};

static int run(const struct opt_result *r)
{
    const char *residents = opt_value(r, O_RESIDENTS), *seed = opt_value(r, O_SEED),
               *out = opt_value(r, O_OUT);
    if (!residents || !seed || !out)
        return cmd_usage_error("synth: --residents, --seed and --out are required; see 'imgo synth --help'");

    struct synth_opts opts = { 0, 0, NULL, NULL, 0 };
    if (cmd_parse_ulong(residents, SYNTH_MAX_RESIDENTS, &opts.residents) || opts.residents < 1)
        return cmd_usage_error("synth: --residents must be an integer 1..%lu, not '%s'",
                               SYNTH_MAX_RESIDENTS, residents);
    if (cmd_parse_ulong(seed, 4294967295UL, &opts.seed))
        return cmd_usage_error("synth: --seed must be an integer 0..4294967295, not '%s'", seed);
    if (!*out)
        return cmd_usage_error("synth: --out must name a directory");
    const char *programs = opt_value(r, O_PROGRAMS);
    if (programs && (cmd_parse_ulong(programs, SYNTH_MAX_PROGRAMS, &opts.programs) ||
                     opts.programs < SYNTH_MIN_PROGRAMS))
        return cmd_usage_error("synth: --programs must be an integer %lu..%lu, not '%s'", SYNTH_MIN_PROGRAMS,
                               SYNTH_MAX_PROGRAMS, programs);

    if (isatty(STDERR_FILENO))
        opts.progress = show_progress;
    struct imgo_err err = IMGO_ERR_INIT;
    struct synth_stats st;
    int rc = synth_write(out, &opts, &st, &err);
    if (rc)
        return cmd_fail(&err);
    for (int f = 0; f < SYNTH_NFILES; f++)
        printf("%s\t%llu\n", synth_file_name(f), st.rows[f]);
    return IMGO_OK;
}
