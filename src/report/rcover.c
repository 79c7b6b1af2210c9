/*
 * rcover.c - what the cover of a published report shows (see rcover.h):
 * the programs, academic year, as-of date and provenance, compute's
 * warnings, the input files with their hashes and row counts, and the
 * parameters of the computation. The annual and the institution reports
 * open with it under their own title.
 */
#include "rcover.h"
#include "cohort.h"
#include "date.h"
#include "db.h"
#include "html.h"
#include "params.h"
#include "rhtml.h"

#include <string.h>

static void academic_year(const struct rep *r, struct buf *b)
{
    if (!r->has_as_of) {
        buf_adds(b, "n/a");
        return;
    }
    int y, m, d;
    date_to_ymd(r->as_of, &y, &m, &d);
    /* Academic years run July to June. */
    if (m >= 7)
        buf_addf(b, "%d-%d", y, y + 1);
    else
        buf_addf(b, "%d-%d", y - 1, y);
}

/* The ledger's latest row for a file: what the database now holds. */
static const char LEDGER_SQL[] =
    "SELECT sha256, rows_read, rows_written, rows_rejected FROM ingest_ledger WHERE file = ?1 "
    "ORDER BY id DESC LIMIT 1";

/* Every cohort file: provided or not, its rows read, ingested and rejected,
 * and (with_sha) the SHA-256 of the bytes ingested. */
int rep_files_table(struct rep *r, int with_sha, struct imgo_err *err)
{
    struct buf *h = r->h;
    sqlite3_stmt *st;
    int rc = db_prepare(r->db, LEDGER_SQL, &st, err);
    if (rc)
        return rc;
    buf_adds(h, "<table class=\"files\">\n<thead><tr><th scope=\"col\">Input file</th>"
                "<th scope=\"col\">Provided</th><th scope=\"col\">Rows read</th><th scope=\"col\">Rows "
                "ingested</th><th scope=\"col\">Rows rejected</th>");
    if (with_sha)
        buf_adds(h, "<th scope=\"col\">SHA-256 of the file</th>");
    buf_adds(h, "</tr></thead>\n<tbody>\n");
    for (int f = 0; !rc && f < COHORT_NFILES; f++) {
        const char *name = cohort_file(f)->name;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        int s = sqlite3_step(st);
        if (s != SQLITE_ROW && s != SQLITE_DONE) {
            rc = db_error(r->db, err);
            break;
        }
        int in_ledger = s == SQLITE_ROW, src = rep_source(r, f);
        int provided = src >= 0 ? src : in_ledger && sqlite3_column_int64(st, 2) > 0;
        buf_adds(h, "<tr><th scope=\"row\">");
        /* a narrow page may break a long name after an underscore */
        for (const char *c = name; *c; c++) {
            buf_addc(h, *c);
            if (*c == '_')
                buf_adds(h, "<wbr>");
        }
        buf_adds(h, "</th><td>");
        buf_adds(h, provided ? "yes" : in_ledger ? "<span class=\"na\">header only: no rows</span>"
                                                  : "<span class=\"na\">not provided</span>");
        if (in_ledger)
            buf_addf(h, "</td><td>%lld</td><td>%lld</td><td>%lld</td>", (long long)sqlite3_column_int64(st, 1),
                     (long long)sqlite3_column_int64(st, 2), (long long)sqlite3_column_int64(st, 3));
        else
            buf_adds(h, "</td><td>-</td><td>-</td><td>-</td>");
        if (with_sha) {
            buf_adds(h, "<td>");
            if (in_ledger) {
                buf_adds(h, "<code class=\"hash\">");
                html_esc(h, (const char *)sqlite3_column_text(st, 0));
                buf_adds(h, "</code>");
            } else
                buf_adds(h, "-");
            buf_adds(h, "</td>");
        }
        buf_adds(h, "</tr>\n");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    buf_adds(h, "</tbody>\n</table>\n");
    return rc;
}

static int programs(struct rep *r, struct imgo_err *err)
{
    sqlite3_stmt *st;
    int rc = db_prepare(r->db, "SELECT DISTINCT program FROM residents ORDER BY program", &st, err);
    if (rc)
        return rc;
    int n = 0, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++)
            buf_adds(r->h, "; ");
        html_esc(r->h, (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (!n)
        buf_adds(r->h, "n/a");
    return s == SQLITE_DONE ? IMGO_OK : db_error(r->db, err);
}

void rep_cover_warnings(struct rep *r)
{
    struct buf *h = r->h;
    if (!r->n_warnings)
        return;
    buf_adds(h, "<div class=\"warn\" role=\"note\">\n<p><strong>Read with care:</strong></p>\n<ul>\n");
    for (size_t i = 0; i < r->n_warnings; i++) {
        buf_adds(h, "<li>");
        html_esc(h, r->warnings[i]);
        buf_adds(h, "</li>\n");
    }
    buf_adds(h, "</ul>\n</div>\n");
}

int rep_cover(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    buf_adds(h, "<dl class=\"meta\">\n<dt>Program(s)</dt><dd>");
    int rc = programs(r, err);
    if (rc)
        return rc;
    buf_adds(h, "</dd>\n<dt>Academic year</dt><dd>");
    academic_year(r, h);
    buf_adds(h, "</dd>\n<dt>Data as of</dt><dd>");
    html_esc(h, rep_info(r, "as_of") ? rep_info(r, "as_of") : "n/a");
    const char *src = rep_info(r, "as_of_source");
    if (src && !strcmp(src, "latest event date"))
        buf_adds(h, " (the latest event date in the data)");
    buf_adds(h, "</dd>\n<dt>imgo version</dt><dd>");
    html_esc(h, rep_info(r, "imgo_version") ? rep_info(r, "imgo_version") : "n/a");
    if (r->prov && r->prov->pipeline) {
        buf_adds(h, "</dd>\n<dt>Pipeline</dt><dd><code>");
        html_esc(h, r->prov->pipeline);
        buf_adds(h, "</code>");
    }
    if (r->prov && r->prov->input) {
        buf_adds(h, "</dd>\n<dt>Input directory</dt><dd><code>");
        html_esc(h, r->prov->input);
        buf_adds(h, "</code>");
    }
    if (r->prov && r->prov->map) {
        buf_adds(h, "</dd>\n<dt>Import map</dt><dd><code>");
        html_esc(h, r->prov->map);
        buf_adds(h, "</code> (SHA-256 <code class=\"hash\">");
        html_esc(h, r->prov->map_sha256);
        buf_adds(h, "</code>)");
    }
    buf_adds(h, "</dd>\n</dl>\n");
    rep_cover_warnings(r);
    buf_adds(h, "<h3>Input files</h3>\n<p class=\"lead\">Each cohort file the program can provide; a section "
                "whose file was not provided says so and shows no figure.</p>\n");
    if ((rc = rep_files_table(r, 1, err)))
        return rc;
    buf_adds(h, "<h3>Parameters of the computation</h3>\n");
    if (!r->n_info) {
        rep_no_data(h, "the database records no computation parameters.");
        return IMGO_OK;
    }
    buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">Value</th>"
                "</tr></thead>\n<tbody>\n");
    for (int i = 0; params_keys[i]; i++) {
        const char *v = rep_info(r, params_keys[i]);
        if (!v)
            continue;
        buf_adds(h, "<tr><td><code>");
        html_esc(h, params_keys[i]);
        buf_adds(h, "</code></td><td>");
        if (*v)
            html_esc(h, v);
        else
            buf_adds(h, "<span class=\"na\">(empty: the default)</span>");
        buf_adds(h, "</td></tr>\n");
    }
    buf_adds(h, "</tbody>\n</table>\n");
    return IMGO_OK;
}
