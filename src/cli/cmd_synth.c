/*
 * cmd_synth.c - `imgo synth`: write a synthetic cohort directory.
 *
 * Option parsing only; the generator is synth.c.
 */
#include "cmd.h"
#include "err.h"
#include "synth.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: imgo synth --residents N --seed S --out DIR\n"
    "\n"
    "Writes a synthetic cohort directory (the eleven CSV files of the input\n"
    "contract) with known planted effects, described in docs/SYNTH.md.\n"
    "The same N and S give byte-identical files.\n"
    "\n"
    "  --residents N  number of residents, 1..10000000\n"
    "  --seed S       seed of GSL's mt19937 generator, 0..4294967295\n"
    "                 (mt19937 treats 0 as its default seed 4357)\n"
    "  --out DIR      output directory, created if missing; files of the\n"
    "                 same names in it are replaced\n"
    "  -h, --help     this help\n"
    "\n"
    "Prints the number of rows of each file on stdout.\n"
    "Exit status: 0 success, 2 usage error, 3 I/O error.\n";

/* The progress line, only when stderr is a terminal. */
static void show_progress(unsigned long done, unsigned long total, void *arg)
{
    (void)arg;
    fprintf(stderr, "\rimgo: synth: %lu of %lu residents", done, total);
    if (done == total)
        fputc('\n', stderr);
}

/* Decimal digits only, no sign, at most max. */
static int parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        unsigned long d = (unsigned long)(*s - '0');
        if (v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* Matches "--name VALUE" and "--name=VALUE"; advances *i past the value. */
static int option_value(int argc, char **argv, int *i, const char *name, const char **val)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        *val = NULL;
        return 1;
    }
    *val = argv[++*i];
    return 1;
}

int cmd_synth(int argc, char **argv)
{
    const char *residents = NULL, *seed = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_text, stdout);
            return IMGO_OK;
        }
        const char *name = argv[i];
        const char **slot = NULL;
        if (option_value(argc, argv, &i, "--residents", &v))
            slot = &residents;
        else if (option_value(argc, argv, &i, "--seed", &v))
            slot = &seed;
        else if (option_value(argc, argv, &i, "--out", &v))
            slot = &out;
        else
            return cmd_usage_error("synth: unknown option '%s'; see 'imgo synth --help'", name);
        if (!v)
            return cmd_usage_error("synth: option '%s' needs a value", name);
        *slot = v;
    }
    if (!residents || !seed || !out)
        return cmd_usage_error("synth: --residents, --seed and --out are required; see 'imgo synth --help'");

    struct synth_opts opts = { 0, 0, NULL, NULL };
    if (parse_ulong(residents, SYNTH_MAX_RESIDENTS, &opts.residents) || opts.residents < 1)
        return cmd_usage_error("synth: --residents must be an integer 1..%lu, not '%s'",
                               SYNTH_MAX_RESIDENTS, residents);
    if (parse_ulong(seed, 4294967295UL, &opts.seed))
        return cmd_usage_error("synth: --seed must be an integer 0..4294967295, not '%s'", seed);
    if (!*out)
        return cmd_usage_error("synth: --out must name a directory");

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
