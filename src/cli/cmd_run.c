/*
 * cmd_run.c - `imgo run PIPELINE --input DIR --out DIR [--db FILE]
 * [--as-of DATE] [--set KEY=VALUE]... [--skip-bad-rows] [--map FILE]
 * [--fresh] [--compare-to PREV]`: every stage the pipeline file names, in
 * order. PIPELINE is a file or the name of an installed pipeline
 * (pipeline_find).
 */
#include "cmd.h"
#include "err.h"
#include "map.h"
#include "params.h"
#include "pipeline.h"

#include <stdio.h>

enum { O_INPUT, O_OUT, O_DB, O_AS_OF, O_SET, O_SKIP_BAD_ROWS, O_MAP, O_FRESH, O_COMPARE_TO };

static const struct opt options[] = {
    [O_INPUT] = { .name = "input", .arg = "DIR", .complete = OPT_COMPLETE_DIR,
                  .help = "the cohort directory (required when the pipeline ingests)" },
    [O_OUT] = { .name = "out", .arg = "DIR", .complete = OPT_COMPLETE_DIR,
                .help = "the output directory (required), created when missing" },
    [O_DB] = { .name = "db", .arg = "FILE", .complete = OPT_COMPLETE_FILE,
               .help = "the database (default OUT/outcomes.db); it holds one input directory" },
    [O_AS_OF] = { .name = "as-of", .arg = "DATE", .help = "YYYY-MM-DD, short for --set as_of=DATE" },
    [O_SET] = { .name = "set", .arg = "KEY=VALUE", .complete = OPT_COMPLETE_PARAM,
                .help = "set a pipeline key after the pipeline file (repeatable; the keys: imgo help "
                        "pipeline)" },
    [O_SKIP_BAD_ROWS] = { .name = "skip-bad-rows",
                          .help = "write the good rows, copy bad rows to OUT/rejects/FILE with an error "
                                  "column, and go on (a file rejected as a whole still stops the run)" },
    [O_MAP] = { .name = "map", .arg = "FILE", .complete = OPT_COMPLETE_FILE,
                .help = "read the input as an export through the import map FILE (docs/MAPS.md); run.json "
                        "and the report name it" },
    [O_FRESH] = { .name = "fresh",
                  .help = "start a new database: remove the database and imgo's files in OUT (metrics, "
                          "tables, charts, report, run.json, rejects) first" },
    [O_COMPARE_TO] = { .name = "compare-to", .arg = "PREV", .complete = OPT_COMPLETE_DIR,
                       .help = "an earlier run's output directory, read before anything runs: the annual "
                               "and the institution report gain a section \"Since the last report\"" },
    { .name = NULL },
};

static int run(const struct opt_result *r);

const struct opt_spec cmd_run_spec = {
    .name = "run",
    .run = run,
    .summary = "run the stages of a pipeline file: ingest, compute, report",
    .usage = "PIPELINE --input DIR --out DIR [--db FILE] [--as-of DATE] [--set KEY=VALUE]... "
             "[--skip-bad-rows] [--map FILE] [--fresh] [--compare-to PREV]",
    .description = "Runs the stages PIPELINE names (ingest compute report) with its parameters; --set "
                   "and --as-of override the file, in the order given. Writes OUT/metrics.csv, "
                   "OUT/tables/, OUT/tables.xlsx, OUT/charts/, OUT/report.html, OUT/public.csv and "
                   "OUT/run.json (provenance); the "
                   "database is OUT/outcomes.db unless --db is given. Ingest is all-or-nothing: a "
                   "rejected file or row stops the run before compute (exit 1), unless "
                   "--skip-bad-rows. A database holds one input: running again with the same input "
                   "directory updates it, while another directory (or map) is refused (exit 2) unless "
                   "--fresh or another --db. Tables and charts of an earlier run that this run did not "
                   "write again are removed at its end.",
    .args = { .name = "PIPELINE", .what = "pipeline file", .min = 1, .max = 1,
              .complete = OPT_COMPLETE_PIPELINE,
              .help = "a pipeline file, or the name of an installed pipeline: annual finds "
                      "annual.pipeline (imgo help pipeline says where)" },
    .opts = options,
    .out = "The path of the report, when the pipeline renders one.",
    .err = "\"imgo: FILE:LINE:COLUMN: message\" for each rejected row, \"imgo: warning: message\" for what "
           "compute finds doubtful in the data (also on the report's cover), and errors.",
    .exits = { "every stage succeeded",
               "rejected data: a file or row of the input (nothing computed), or data compute "
               "cannot use",
               "usage error, a bad pipeline value (FILE:LINE: message, --set: message), a "
               "database that holds another input directory, or a PREV that is not an imgo output "
               "directory",
               "a missing pipeline file or input directory, gnuplot missing, or an I/O or database "
               "error" },
};

static void on_message(void *ctx, int is_warning, const char *msg)
{
    (void)ctx;
    (void)is_warning;
    fprintf(stderr, "imgo: %s\n", msg);
}

static void on_done(void *ctx, const struct ingest_result *r)
{
    (void)ctx;
    (void)r;
}

static int run(const struct opt_result *r)
{
    const char *out = opt_value(r, O_OUT);
    if (!out || !*out)
        return cmd_usage_error("run: --out DIR is required; see 'imgo run --help'");
    const char *map_path = opt_value(r, O_MAP), *compare_to = opt_value(r, O_COMPARE_TO);
    struct imgo_err err = IMGO_ERR_INIT;
    /* the earlier run first: PREV may be OUT itself, which this run rewrites */
    struct report_prev *prev = NULL;
    if (compare_to && report_prev_load(compare_to, &prev, &err))
        return cmd_fail(&err);
    struct imgo_map map;
    int rc = map_path ? cmd_map_load(map_path, &map) : IMGO_OK;
    if (rc) {
        report_prev_free(prev);
        return rc;
    }
    struct imgo_params p;
    params_init(&p);
    rc = cmd_params(&p, r->args[0], r, O_SET, O_AS_OF, &err);
    if (!rc) {
        struct pipeline_opts o = { 0 };
        o.input = opt_value(r, O_INPUT);
        o.out = out;
        o.db_path = opt_value(r, O_DB);
        o.skip_bad_rows = opt_count(r, O_SKIP_BAD_ROWS) > 0;
        o.map = map_path ? &map : NULL;
        o.fresh = opt_count(r, O_FRESH) > 0;
        o.prev = prev;
        o.sink.message = on_message;
        o.sink.done = on_done;
        rc = pipeline_run(&p, &o, &err);
    }
    int has_report = 0;
    for (int i = 0; i < p.n_stages; i++)
        has_report |= p.stages[i] == STAGE_REPORT;
    params_release(&p);
    if (map_path)
        map_release(&map);
    report_prev_free(prev);
    if (rc)
        return cmd_fail(&err);
    if (has_report)
        printf("%s/report.html\n", out);
    return IMGO_OK;
}
