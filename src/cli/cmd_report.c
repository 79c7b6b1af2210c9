/*
 * cmd_report.c - `imgo report --db FILE --kind annual|quarterly --out DIR`.
 */
#include "cmd.h"
#include "db.h"
#include "err.h"
#include "report.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("usage: imgo report --db FILE --kind annual|quarterly --out DIR\n\n"
          "Renders a report from the metrics 'imgo compute' stored in the database:\n"
          "OUT/report.html (self-contained, printable) and OUT/charts/*.svg, *.png.\n"
          "Needs gnuplot in PATH.\n", out);
}

int cmd_report(int argc, char **argv)
{
    const char *db_path = NULL, *out = NULL, *kind_s = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return IMGO_OK;
        }
        const char **dst = !strcmp(a, "--db") ? &db_path : !strcmp(a, "--out") ? &out
                          : !strcmp(a, "--kind") ? &kind_s : NULL;
        if (!dst)
            return cmd_usage_error("report: unknown option '%s'; see 'imgo report --help'", a);
        if (i + 1 >= argc)
            return cmd_usage_error("report: %s needs a value", a);
        *dst = argv[++i];
    }
    if (!db_path || !out || !kind_s)
        return cmd_usage_error("report: --db, --kind and --out are required; see 'imgo report --help'");
    int kind;
    if (!strcmp(kind_s, "annual"))
        kind = REPORT_ANNUAL;
    else if (!strcmp(kind_s, "quarterly"))
        kind = REPORT_QUARTERLY;
    else
        return cmd_usage_error("report: --kind '%s' is not annual or quarterly", kind_s);
    struct imgo_err err = IMGO_ERR_INIT;
    sqlite3 *db;
    if (db_open(db_path, DB_READONLY, &db, &err))
        return cmd_fail(&err);
    int rc = report_write(db, kind, out, NULL, &err);
    db_close(db);
    if (rc)
        return cmd_fail(&err);
    printf("%s/report.html\n", out);
    return IMGO_OK;
}
