/*
 * cmd_compute.c - `imgo compute --db FILE --out DIR [--as-of DATE]
 * [--pipeline FILE] [--set KEY=VALUE]...`: the compute stage from the
 * command line. Options on the command line override the pipeline file.
 */
#include "cmd.h"
#include "compute.h"
#include "db.h"
#include "params.h"

#include <stdio.h>
#include <unistd.h>

enum { O_DB, O_OUT, O_AS_OF, O_PIPELINE, O_SET };

static const struct opt options[] = {
    [O_DB] = { .name = "db", .arg = "FILE", .complete = OPT_COMPLETE_FILE,
               .help = "the imgo database (made by imgo ingest); never created" },
    [O_OUT] = { .name = "out", .arg = "DIR", .complete = OPT_COMPLETE_DIR,
                .help = "output directory, created when missing" },
    [O_AS_OF] = { .name = "as-of", .arg = "DATE",
                  .help = "YYYY-MM-DD, short for --set as_of=DATE; default: the latest event date in "
                          "the data" },
    [O_PIPELINE] = { .name = "pipeline", .arg = "FILE", .complete = OPT_COMPLETE_PIPELINE,
                     .help = "read the parameters from a pipeline file, or an installed pipeline by "
                             "name (annual, quarterly)" },
    [O_SET] = { .name = "set", .arg = "KEY=VALUE", .complete = OPT_COMPLETE_PARAM,
                .help = "set a pipeline key after the pipeline file (repeatable; the keys: imgo help "
                        "pipeline)" },
    { .name = NULL },
};

static int run(const struct opt_result *r);

/* ctx: 1 while the progress line is on the terminal, cleared first. */
static void on_warning(void *ctx, const char *text)
{
    int *shown = ctx;
    if (*shown)
        fprintf(stderr, "%30s\r", "");
    *shown = 0;
    fprintf(stderr, "imgo: warning: %s\n", text);
}

const struct opt_spec cmd_compute_spec = {
    .name = "compute",
    .run = run,
    .summary = "compute every metric into the database and OUT/metrics.csv",
    .usage = "--db FILE --out DIR [--as-of DATE] [--pipeline FILE] [--set KEY=VALUE]...",
    .description = "Computes every metric from the database: writes table metrics and DIR/metrics.csv, "
                   "the chart data (table chart_points, DIR/tables/*.csv, and both in DIR/tables.xlsx) and the run's parameters "
                   "(table compute_info). Parameters are the defaults, then the pipeline file, then "
                   "--set and --as-of in the order given.",
    .opts = options,
    .out = "Nothing.",
    .err = "Errors as \"imgo: message\"; \"imgo: warning: message\" for what compute finds doubtful in "
           "the data (kept in table compute_warnings); a progress line when stderr is a terminal.",
    .exits = { "the metrics were written",
               "the data cannot be computed: no dated record to take the as-of date from, or a "
               "value out of range",
               "usage error, or a bad parameter (FILE:LINE: message, --set: message)",
               "a missing database or pipeline file, or an I/O or database error" },
};

static int run(const struct opt_result *r)
{
    const char *db_path = opt_value(r, O_DB), *out = opt_value(r, O_OUT);
    if (!db_path || !out)
        return cmd_usage_error("compute: --db and --out are required; see 'imgo compute --help'");

    struct imgo_params p;
    struct imgo_err err = IMGO_ERR_INIT;
    params_init(&p);
    int rc = cmd_params(&p, opt_value(r, O_PIPELINE), r, O_SET, O_AS_OF, &err);
    sqlite3 *db = NULL;
    if (!rc) {
        /* an existing database only: compute never creates one */
        FILE *f = fopen(db_path, "rb");
        if (!f)
            rc = imgo_err_set(&err, IMGO_EIO, "%s: cannot open database: no such file", db_path);
        else
            fclose(f);
    }
    if (!rc)
        rc = db_open(db_path, 0, &db, &err);
    if (!rc) {
        /* a progress line only for a person watching a terminal */
        int tty = isatty(STDERR_FILENO);
        if (tty)
            fprintf(stderr, "imgo: computing metrics...\r");
        int shown = tty;
        struct compute_sink sink = { on_warning, &shown };
        rc = compute_run_sink(db, &p, out, &sink, &err);
        if (shown)
            fprintf(stderr, "%30s\r", "");
    }
    db_close(db);
    params_release(&p);
    return rc ? cmd_fail(&err) : IMGO_OK;
}
