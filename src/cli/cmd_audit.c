/*
 * cmd_audit.c - `imgo audit DIR`: the small-cell audit of a written
 * report, as a reader could do it (report.h, report_audit).
 */
#include "buf.h"
#include "cmd.h"
#include "err.h"
#include "report.h"

#include <stdio.h>

enum { O_MIN_CELL };

static const struct opt options[] = {
    [O_MIN_CELL] = { .name = "min-cell", .arg = "N",
                     .help = "the smallest count shown, 2..1000 (default: the N of the report's \"fewer "
                             "than N\" labels, else 5)" },
    { .name = NULL },
};

static int run(const struct opt_result *r);

const struct opt_spec cmd_audit_spec = {
    .name = "audit",
    .run = run,
    .summary = "prove that a written report hides its small counts",
    .usage = "[--min-cell N] DIR",
    .description = "Reads the numbers a report printed (DIR/public.csv, which imgo report and imgo run "
                   "write beside report.html) and the row keys of DIR/metrics.csv, and works out, as a "
                   "reader with every printed number and every way the numbers add up could, the "
                   "smallest and largest value of each hidden count, by linear and integer programming. "
                   "A count hidden for being small is protected when it could still be any of 1 to N-1; "
                   "an outcome among fewer than N residents, when it could be neither none nor all of "
                   "them. The report stage runs the same audit and writes no report that fails it; this "
                   "command checks a report after the fact (docs/SECURITY.md).",
    .args = { .name = "DIR", .what = "report directory", .min = 1, .max = 1, .complete = OPT_COMPLETE_DIR,
              .help = "the output directory of the report" },
    .opts = options,
    .out = "One line per hidden count of a printed row: \"protected NAME: LOW to HIGH\" (a small count "
           "that stays uncertain), \"not secret NAME: ...\" (a count no rule protects: not small, or an "
           "outcome of a group of N or more) or \"LEAK NAME ...\" with what a reader knows; then a line of "
           "totals.",
    .err = "Errors as \"imgo: FILE:LINE: message\".",
    .exits = { "every hidden count is protected",
               "a reader can work out a small count (LEAK lines), or public.csv or metrics.csv is not as "
               "imgo writes it (FILE:LINE)",
               "usage error, or --min-cell disagreeing with the report's labels",
               "public.csv missing or unreadable, or a solver failure" },
};

static int run(const struct opt_result *r)
{
    unsigned long m = 0;
    const char *ms = opt_value(r, O_MIN_CELL);
    if (ms && (cmd_parse_ulong(ms, 1000, &m) || m < 2))
        return cmd_usage_error("audit: --min-cell must be an integer 2..1000, not '%s'", ms);
    struct imgo_err err = IMGO_ERR_INIT;
    struct buf out = BUF_INIT;
    size_t leaks;
    int rc = report_audit(r->args[0], (int)m, &out, &leaks, &err);
    if (!rc) {
        fwrite(out.data, 1, out.len, stdout);
        if (leaks)
            fprintf(stderr, "imgo: audit: a reader can work out %zu small count(s) of the report in %s\n", leaks,
                    r->args[0]);
    }
    buf_release(&out);
    if (rc)
        return cmd_fail(&err);
    return leaks ? IMGO_EDATA : IMGO_OK;
}
