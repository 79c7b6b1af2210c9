/*
 * report.h - the annual accountability report, the quarterly packet and
 * the institution report.
 *
 * report_write renders OUT/report.html (one self-contained file: inline
 * CSS and SVG, no script, no network) and OUT/charts/NAME.svg/.png from a
 * database that `imgo compute` has filled. Every number shown comes from
 * the metrics table; curves come from chart_points; the cover's
 * provenance from compute_info and the ingest ledger. A row of a small
 * group shows "fewer than MIN_CELL" in place of its numbers, in tables,
 * chart keys and the summary, and is never drawn; a published report (the
 * annual and the institution report) also hides, as "hidden: protects a small group", the rows the
 * small-cell audit chooses so that no hidden count can be worked out from
 * the printed numbers, proves it, and lists every printed number in
 * OUT/public.csv (docs/SECURITY.md). Chart NAME is the name of its
 * data file OUT/tables/NAME.csv (docs/TABLES.md). The quarterly
 * packet also lists residents by ID from the cohort tables, and is marked
 * confidential on every page.
 *
 * Output bytes depend only on the database: no clock is read.
 */
#ifndef IMGO_REPORT_H
#define IMGO_REPORT_H

#include <sqlite3.h>

#include "buf.h"
#include "err.h"

enum report_kind { REPORT_ANNUAL, REPORT_QUARTERLY, REPORT_INSTITUTION };

struct report_prev;

/* Provenance the database does not hold, shown on the cover when set
 * (imgo run sets them; imgo report passes NULL, or only prev), and the
 * earlier run a report compares itself with. */
struct report_prov {
    const char *pipeline; /* the pipeline file */
    const char *input;    /* the cohort directory ingested */
    const char *map;      /* the import map it was read through, or NULL */
    const char *map_sha256;
    const struct report_prev *prev; /* --compare-to: the annual and the
                                     * institution report gain "Since the
                                     * last report"; NULL: no such section */
};

/* An earlier run's output directory read back for --compare-to: its
 * run.json (imgo version, as-of, parameters, input files with SHA-256 and
 * rows; read with SQLite's JSON functions), the numbers its report printed
 * (public.csv, when it has one: an older run has none) and the
 * accreditation flags it raised (metrics.csv). Read before anything is
 * written, so that PREV may be the run's own output directory. Errors:
 * IMGO_EUSAGE when dir is missing or not a directory, or is not an imgo
 * output (no run.json, a run.json without imgo_version, parameters and
 * files, a public.csv or metrics.csv imgo would not write), the message
 * naming the file; IMGO_EIO when a file cannot be read. report_prev_free
 * frees it (NULL is fine). */
int report_prev_load(const char *dir, struct report_prev **out, struct imgo_err *err);
void report_prev_free(struct report_prev *p);

/* Renders the report of `kind` into outdir (created if missing); prov may
 * be NULL. Errors:
 * IMGO_EUSAGE when the database holds no computed metrics, IMGO_EIO for
 * database, gnuplot or file errors (a chart that fails fails the report;
 * report.html is written only when everything succeeded). */
int report_write(sqlite3 *db, int kind, const char *outdir, const struct report_prov *prov,
                 struct imgo_err *err);

/* The small-cell audit of a report written into outdir, as a reader could
 * do it: from outdir/public.csv and the row keys of outdir/metrics.csv
 * (docs/SECURITY.md). Appends to out one line per hidden count of a
 * printed row ("protected NAME: 1 to 9", "not secret NAME: 5 or more",
 * "LEAK ..." with why) and a closing count; *leaks is the number of counts
 * a reader can work out. min_cell 0: the M of the report's "fewer than M"
 * labels, else 5. Errors: IMGO_EDATA for a public.csv or metrics.csv that
 * imgo would not write (FILE:LINE), IMGO_EUSAGE when min_cell disagrees
 * with the labels, IMGO_EIO for a missing public.csv or a GLPK failure. */
int report_audit(const char *outdir, int min_cell, struct buf *out, size_t *leaks, struct imgo_err *err);

#endif
