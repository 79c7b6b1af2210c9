/*
 * cmd_run.c - `imgo run PIPELINE --input DIR --out DIR [--db FILE]
 * [--as-of DATE] [--skip-bad-rows] [--map FILE]`: every stage the pipeline
 * file names, in order.
 */
#include "cmd.h"
#include "err.h"
#include "map.h"
#include "params.h"
#include "pipeline.h"

#include <stdio.h>
#include <string.h>

static const char run_usage[] =
    "usage: imgo run PIPELINE --input DIR --out DIR [--db FILE] [--as-of DATE]\n"
    "                [--skip-bad-rows] [--map FILE]\n"
    "\n"
    "Runs the stages PIPELINE names (ingest compute report) with its parameters;\n"
    "options given here override the file. Writes OUT/metrics.csv, OUT/tables/,\n"
    "OUT/charts/, OUT/report.html and OUT/run.json (provenance); the database is\n"
    "OUT/outcomes.db unless --db is given. Ingest is all-or-nothing: a rejected\n"
    "file or row stops the run before compute (exit 1), unless --skip-bad-rows.\n"
    "\n"
    "options:\n"
    "  --input DIR     the cohort directory (required when the pipeline ingests)\n"
    "  --out DIR       the output directory (required)\n"
    "  --db FILE       the database (default OUT/outcomes.db)\n"
    "  --as-of DATE    YYYY-MM-DD, overrides the pipeline's as_of\n"
    "  --skip-bad-rows write the good rows, copy bad rows to OUT/rejects/FILE\n"
    "                  with an error column, and go on (a file rejected as a\n"
    "                  whole still stops the run)\n"
    "  --map FILE      read the input as an export through the import map FILE\n"
    "                  (docs/MAPS.md); run.json and the report name it\n"
    "  --help          this text\n"
    "\n"
    "stdout: the path of the report, when the pipeline renders one.\n"
    "Exit status: 0 success, 1 rejected data, 2 usage error or bad pipeline\n"
    "value (FILE:LINE: message), 3 I/O error (missing pipeline file or input).\n";

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

int cmd_run(int argc, char **argv)
{
    const char *pipeline = NULL, *input = NULL, *out = NULL, *db = NULL, *as_of = NULL, *map_path = NULL;
    int skip_bad_rows = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(run_usage, stdout);
            return IMGO_OK;
        }
        if (!strcmp(a, "--skip-bad-rows")) {
            skip_bad_rows = 1;
            continue;
        }
        const char **dst = !strcmp(a, "--input") ? &input : !strcmp(a, "--out") ? &out
                          : !strcmp(a, "--db") ? &db : !strcmp(a, "--as-of") ? &as_of
                          : !strcmp(a, "--map") ? &map_path : NULL;
        if (dst) {
            if (i + 1 >= argc)
                return cmd_usage_error("run: %s needs a value; see 'imgo run --help'", a);
            *dst = argv[++i];
        } else if (a[0] == '-' && a[1])
            return cmd_usage_error("run: unknown option '%s'; see 'imgo run --help'", a);
        else if (pipeline)
            return cmd_usage_error("run: one pipeline file only ('%s' and '%s')", pipeline, a);
        else
            pipeline = a;
    }
    if (!pipeline)
        return cmd_usage_error("run: no pipeline file given; see 'imgo run --help'");
    if (!out || !*out)
        return cmd_usage_error("run: --out DIR is required; see 'imgo run --help'");
    struct imgo_map map;
    int rc = map_path ? cmd_map_load(map_path, &map) : IMGO_OK;
    if (rc)
        return rc;
    struct imgo_params p;
    struct imgo_err err = IMGO_ERR_INIT;
    params_init(&p);
    rc = params_load(&p, pipeline, &err);
    if (!rc && as_of) {
        struct imgo_err e = IMGO_ERR_INIT;
        if ((rc = params_set(&p, "as_of", as_of, &e)))
            imgo_err_set(&err, rc, "--as-of: %s", e.msg);
    }
    if (!rc) {
        struct pipeline_opts o = { 0 };
        o.input = input;
        o.out = out;
        o.db_path = db;
        o.skip_bad_rows = skip_bad_rows;
        o.map = map_path ? &map : NULL;
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
    if (rc)
        return cmd_fail(&err);
    if (has_report)
        printf("%s/report.html\n", out);
    return IMGO_OK;
}
