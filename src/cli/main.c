/*
 * main.c - the imgo command line: global options and the command table.
 *
 * Everything else lives in libimgo (the other files of src/); this file only finds the
 * command and hands it argv.
 */
#include "cmd.h"
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    { "check", cmd_check, "validate a cohort directory; writes nothing" },
    { "ingest", cmd_ingest, "validate and upsert cohort directories into a database" },
    { "compute", cmd_compute, "compute every metric into the database and OUT/metrics.csv" },
    { "report", cmd_report, "render the annual report or the quarterly packet" },
    { "run", cmd_run, "run the stages of a pipeline file: ingest, compute, report" },
    { "synth", cmd_synth, "write a synthetic cohort directory with planted effects" },
    { "map", cmd_map, "draft an import map from an export directory (map init)" },
    { "template", cmd_template, "write the cohort files as empty templates with a README" },
    { NULL, NULL, NULL } /* commands are added here as they are built */
};

int cmd_fail(const struct imgo_err *err)
{
    fprintf(stderr, "imgo: %s\n", err->msg);
    return err->status;
}

int cmd_usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("imgo: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return IMGO_EUSAGE;
}

static void usage(FILE *out)
{
    fputs("usage: imgo COMMAND [OPTIONS]\n"
          "       imgo --help | --version\n\n"
          "IMG mentorship outcomes and bias analytics.\n\ncommands:\n", out);
    for (const struct command *c = commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fputs("\nRun 'imgo COMMAND --help' for a command's options.\n"
          "Exit status: 0 success, 1 rejected data, 2 usage error, 3 I/O or internal error.\n",
          out);
}

int main(int argc, char **argv)
{
    /* Outputs hold records about residents: owner-only unless the user's
     * umask is stricter still. */
    mode_t old = umask(0);
    umask(old | 077);

    if (argc < 2) {
        usage(stderr);
        return IMGO_EUSAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return IMGO_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("imgo %s\n", IMGO_VERSION);
        return IMGO_OK;
    }
    for (const struct command *c = commands; c->name; c++)
        if (!strcmp(argv[1], c->name))
            return c->run(argc - 1, argv + 1);
    return cmd_usage_error("unknown command '%s'; see 'imgo --help'", argv[1]);
}
