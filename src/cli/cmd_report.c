/*
 * cmd_report.c - `imgo report --db FILE --kind annual|quarterly|institution
 * --out DIR [--compare-to PREV]`.
 */
#include "cmd.h"
#include "db.h"
#include "err.h"
#include "report.h"

#include <stdio.h>
#include <string.h>

enum { O_DB, O_KIND, O_OUT, O_COMPARE_TO };

static const struct opt options[] = {
    [O_DB] = { .name = "db", .arg = "FILE", .complete = OPT_COMPLETE_FILE,
               .help = "the database imgo compute wrote the metrics to (only read)" },
    [O_KIND] = { .name = "kind", .arg = "KIND", .complete = OPT_COMPLETE_WORDS,
                 .words = "annual quarterly institution",
                 .help = "annual (the annual accountability report), quarterly (the IMG committee "
                         "packet) or institution (every program of a sponsoring institution)" },
    [O_OUT] = { .name = "out", .arg = "DIR", .complete = OPT_COMPLETE_DIR,
                .help = "output directory, created when missing" },
    [O_COMPARE_TO] = { .name = "compare-to", .arg = "PREV", .complete = OPT_COMPLETE_DIR,
                       .help = "an earlier run's output directory: the annual and the institution report "
                               "gain a section \"Since the last report\" (the headline figures as PREV's "
                               "report printed them and now, flags, inputs and parameters changed)" },
    { .name = NULL },
};

static int run(const struct opt_result *r);

const struct opt_spec cmd_report_spec = {
    .name = "report",
    .run = run,
    .summary = "render the annual, quarterly or institution report",
    .usage = "--db FILE --kind annual|quarterly|institution --out DIR [--compare-to PREV]",
    .description = "Renders a report from the metrics imgo compute stored in the database: "
                   "DIR/report.html (self-contained, printable) and DIR/charts/*.svg, *.png. Needs "
                   "gnuplot in PATH.",
    .opts = options,
    .out = "The path of the report: DIR/report.html.",
    .err = "Errors as \"imgo: message\".",
    .exits = { "the report was written", "never: report reads only what compute wrote",
               "usage error, a database without computed metrics, or a PREV that is not an imgo output "
               "directory",
               "a missing database, gnuplot missing or failing, or an I/O error" },
};

static int run(const struct opt_result *r)
{
    const char *db_path = opt_value(r, O_DB), *out = opt_value(r, O_OUT), *kind_s = opt_value(r, O_KIND);
    if (!db_path || !out || !kind_s)
        return cmd_usage_error("report: --db, --kind and --out are required; see 'imgo report --help'");
    int kind;
    if (!strcmp(kind_s, "annual"))
        kind = REPORT_ANNUAL;
    else if (!strcmp(kind_s, "quarterly"))
        kind = REPORT_QUARTERLY;
    else if (!strcmp(kind_s, "institution"))
        kind = REPORT_INSTITUTION;
    else
        return cmd_usage_error("report: --kind '%s' is not annual, quarterly or institution", kind_s);
    struct imgo_err err = IMGO_ERR_INIT;
    const char *compare_to = opt_value(r, O_COMPARE_TO);
    struct report_prov prov = { 0 };
    struct report_prev *prev = NULL;
    if (compare_to && report_prev_load(compare_to, &prev, &err))
        return cmd_fail(&err);
    prov.prev = prev;
    sqlite3 *db;
    if (db_open(db_path, DB_READONLY, &db, &err)) {
        report_prev_free(prev);
        return cmd_fail(&err);
    }
    int rc = report_write(db, kind, out, prev ? &prov : NULL, &err);
    db_close(db);
    report_prev_free(prev);
    if (rc)
        return cmd_fail(&err);
    printf("%s/report.html\n", out);
    return IMGO_OK;
}
