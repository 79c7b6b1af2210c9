/*
 * cmd_compute.c - `imgo compute --db FILE --out DIR [--as-of DATE]
 * [--pipeline FILE] [--set KEY=VALUE]...`: the compute stage from the
 * command line. Options on the command line override the pipeline file.
 */
#include "cmd.h"
#include "compute.h"
#include "db.h"
#include "mem.h"
#include "params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *out)
{
    fputs("usage: imgo compute --db FILE --out DIR [--as-of DATE] [--pipeline FILE]\n"
          "                    [--set KEY=VALUE]...\n\n"
          "Computes every metric from the database: writes table metrics and\n"
          "DIR/metrics.csv, the chart data (table chart_points, DIR/tables/*.csv)\n"
          "and the run's parameters (table compute_info).\n\n"
          "  --db FILE         the imgo database (made by imgo ingest)\n"
          "  --out DIR         output directory, created when missing\n"
          "  --as-of DATE      YYYY-MM-DD; default: the latest event date in the data\n"
          "  --pipeline FILE   read parameters from a pipeline file\n"
          "  --set KEY=VALUE   set one pipeline parameter (after --pipeline)\n",
          out);
}

/* The value of option argv[*i] ("--opt VALUE" or "--opt=VALUE"), or NULL
 * when argv[*i] is not that option. */
static const char *option(int argc, char **argv, int *i, const char *name, int *missing)
{
    size_t len = strlen(name);
    if (strncmp(argv[*i], name, len))
        return NULL;
    if (argv[*i][len] == '=')
        return argv[*i] + len + 1;
    if (argv[*i][len])
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}

int cmd_compute(int argc, char **argv)
{
    const char *db_path = NULL, *out = NULL, *as_of = NULL, *pipeline = NULL;
    const char **sets = xmalloc((size_t)argc * sizeof *sets);
    int n_sets = 0;
    for (int i = 1; i < argc; i++) {
        int missing = 0;
        const char *v;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            free(sets);
            return IMGO_OK;
        } else if ((v = option(argc, argv, &i, "--db", &missing))) {
            db_path = v;
        } else if ((v = option(argc, argv, &i, "--out", &missing))) {
            out = v;
        } else if ((v = option(argc, argv, &i, "--as-of", &missing))) {
            as_of = v;
        } else if ((v = option(argc, argv, &i, "--pipeline", &missing))) {
            pipeline = v;
        } else if ((v = option(argc, argv, &i, "--set", &missing))) {
            sets[n_sets++] = v;
        } else {
            free(sets);
            if (missing)
                return cmd_usage_error("compute: option '%s' needs a value", argv[i]);
            return cmd_usage_error("compute: unknown argument '%s'; see 'imgo compute --help'", argv[i]);
        }
        if (missing) {
            free(sets);
            return cmd_usage_error("compute: option '%s' needs a value", argv[i]);
        }
    }
    if (!db_path || !out) {
        free(sets);
        return cmd_usage_error("compute: --db and --out are required; see 'imgo compute --help'");
    }

    struct imgo_params p;
    struct imgo_err err = IMGO_ERR_INIT;
    params_init(&p);
    int rc = pipeline ? params_load(&p, pipeline, &err) : IMGO_OK;
    for (int i = 0; !rc && i < n_sets; i++) {
        const char *eq = strchr(sets[i], '=');
        if (!eq) {
            rc = imgo_err_set(&err, IMGO_EUSAGE, "--set: '%s' is not KEY=VALUE", sets[i]);
            break;
        }
        char *key = xstrndup(sets[i], (size_t)(eq - sets[i]));
        struct imgo_err e = IMGO_ERR_INIT;
        if ((rc = params_set(&p, key, eq + 1, &e)))
            imgo_err_set(&err, rc, "--set: %s", e.msg);
        free(key);
    }
    if (!rc && as_of) {
        struct imgo_err e = IMGO_ERR_INIT;
        if ((rc = params_set(&p, "as_of", as_of, &e)))
            imgo_err_set(&err, rc, "--as-of: %s", e.msg);
    }
    free(sets);
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
        rc = compute_run(db, &p, out, &err);
        if (tty)
            fprintf(stderr, "%30s\r", "");
    }
    db_close(db);
    params_release(&p);
    return rc ? cmd_fail(&err) : IMGO_OK;
}
