/*
 * xlsx.c - the metrics and chart tables as one Excel workbook (xlsx.h).
 *
 * Coordinators and GME staff open tables in Excel; a CSV opened there loses
 * leading zeros, turns "2024-2026" into a date and p-values into text. The
 * workbook carries the same rows with their types: numbers as numeric cells,
 * text as strings. It is read from the database that compute wrote (tables
 * metrics and chart_points), so it can be made again without recomputing.
 * libxlsxwriter writes the XML and the zip container; this file chooses
 * sheets, cells and formats, and makes the file appear atomically.
 */
#include "xlsx.h"
#include "buf.h"
#include "db.h"
#include "mem.h"
#include "metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

enum col_kind { COL_TEXT, COL_INT, COL_NUM };

struct col {
    const char *name;
    enum col_kind kind;
};

/* The columns of metrics.csv and of OUT/tables/NAME.csv (docs/TABLES.md),
 * in file order; the SELECTs below name them in the same order. */
static const struct col metric_cols[] = {
    { "metric", COL_TEXT }, { "group", COL_TEXT }, { "stratum", COL_TEXT }, { "period", COL_TEXT },
    { "n", COL_INT },       { "k", COL_INT },      { "value", COL_NUM },    { "ci_low", COL_NUM },
    { "ci_high", COL_NUM }, { "p_value", COL_NUM }, { "q_value", COL_NUM }, { "suppressed", COL_INT },
};
static const struct col chart_cols[] = {
    { "series", COL_TEXT }, { "label", COL_TEXT }, { "x", COL_NUM },       { "n", COL_INT },
    { "k", COL_INT },       { "value", COL_NUM },  { "ci_low", COL_NUM },  { "ci_high", COL_NUM },
    { "suppressed", COL_INT },
};
#define N_METRIC_COLS (sizeof metric_cols / sizeof metric_cols[0])
#define N_CHART_COLS (sizeof chart_cols / sizeof chart_cols[0])

/* The order of the charts in docs/TABLES.md ("The charts"). */
static const char *const chart_order[] = {
    "retention_km",     "workforce_km", "board_pass",       "step3_visa",       "fellowship_match",
    "mentorship_cadence", "mentor_load", "milestone_forest", "evaluator_funnel", "feedback_forest",
    "institution_board_funnel", "institution_adverse_funnel", NULL,
};

/* metrics.csv's order is metric, group, stratum, period in byte order:
 * SQLite's BINARY collation compares bytes as strcmp does. */
static const char metrics_sql[] =
    "SELECT metric, \"group\", stratum, period, n, k, value, ci_low, ci_high, p_value, q_value,"
    " suppressed FROM metrics ORDER BY metric, \"group\", stratum, period";
static const char chart_sql[] =
    "SELECT series, label, x, n, k, value, ci_low, ci_high, suppressed FROM chart_points"
    " WHERE chart = ?1 ORDER BY seq";

/* Widths in Excel's character units: the longest cell plus a margin,
 * bounded so that one long label does not hide the other columns. */
#define WIDTH_MIN 8
#define WIDTH_MAX 50
/* 1980-01-01T00:00:00Z, the zip epoch: the date when none is asked for. */
#define XLSX_FIXED_DATE ((time_t)315532800)
/* 9999-12-31T23:59:59Z: the last date the document format can hold. */
#define XLSX_LAST_DATE 253402300799LL

struct writer {
    sqlite3 *db;
    const char *path;
    lxw_workbook *wb;
    lxw_format *bold, *suppressed;
    char (*names)[LXW_SHEETNAME_MAX + 1]; /* sheet names used so far */
    size_t n_names;
    struct imgo_err *err;
};

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static int lxw_fail(struct writer *w, const char *sheet, lxw_error e)
{
    return imgo_err_set(w->err, IMGO_EIO, "%s: sheet %s: %s", w->path, sheet, lxw_strerror(e));
}

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z')
            ca += 'a' - 'A';
        if (cb >= 'A' && cb <= 'Z')
            cb += 'a' - 'A';
        if (ca != cb || !ca)
            return ca - cb;
    }
}

/* A sheet name for table name within Excel's rules: none of []:*?/\, no
 * apostrophe first or last, at most 31 characters (cut at a character
 * boundary), not empty, and unlike every name before it ignoring case
 * (a repeat gets "~2", "~3"...). */
static void sheet_name(struct writer *w, const char *name, char out[LXW_SHEETNAME_MAX + 1])
{
    char base[LXW_SHEETNAME_MAX + 1];
    size_t o = 0;
    for (const char *c = name; *c && o < sizeof base - 1; c++)
        base[o++] = strchr("[]:*?/\\", *c) ? '_' : *c;
    while (o && ((unsigned char)name[o] & 0xC0) == 0x80) /* cut inside a character: drop it */
        o--;
    base[o] = '\0';
    while (o && base[o - 1] == '\'')
        base[--o] = '\0';
    size_t skip = strspn(base, "'");
    memmove(base, base + skip, o - skip + 1);
    if (!base[0])
        snprintf(base, sizeof base, "table");
    snprintf(out, LXW_SHEETNAME_MAX + 1, "%s", base);
    for (unsigned k = 2;; k++) {
        size_t i;
        for (i = 0; i < w->n_names && ascii_casecmp(w->names[i], out); i++)
            ;
        if (i == w->n_names)
            break;
        char tail[16];
        int tl = snprintf(tail, sizeof tail, "~%u", k);
        size_t keep = strlen(base);
        if (keep > LXW_SHEETNAME_MAX - (size_t)tl)
            keep = LXW_SHEETNAME_MAX - (size_t)tl;
        while (keep && ((unsigned char)base[keep] & 0xC0) == 0x80)
            keep--;
        snprintf(out, LXW_SHEETNAME_MAX + 1, "%.*s%s", (int)keep, base, tail);
    }
    if (w->n_names % 16 == 0)
        w->names = xrealloc(w->names, (w->n_names + 16) * sizeof *w->names);
    snprintf(w->names[w->n_names++], LXW_SHEETNAME_MAX + 1, "%s", out);
}

/* One sheet: the header, then a row per result row of st (whose columns
 * are cols), then widths, the frozen header and the autofilter. */
static int write_sheet(struct writer *w, const char *table, const struct col *cols, size_t ncols,
                       sqlite3_stmt *st)
{
    char name[LXW_SHEETNAME_MAX + 1];
    sheet_name(w, table, name);
    lxw_error e = workbook_validate_sheet_name(w->wb, name);
    lxw_worksheet *ws = e ? NULL : workbook_add_worksheet(w->wb, name);
    if (!ws)
        return lxw_fail(w, name, e ? e : LXW_ERROR_MEMORY_MALLOC_FAILED);
    size_t width[N_METRIC_COLS]; /* the widest table */
    for (size_t c = 0; c < ncols; c++) {
        width[c] = strlen(cols[c].name);
        if ((e = worksheet_write_string(ws, 0, (lxw_col_t)c, cols[c].name, w->bold)))
            return lxw_fail(w, name, e);
    }
    lxw_row_t row = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (row == LXW_ROW_MAX - 1)
            return imgo_err_set(w->err, IMGO_EIO, "%s: sheet %s: more rows than a sheet holds", w->path,
                                name);
        row++;
        /* suppressed is the last column of every table */
        lxw_format *f = sqlite3_column_int(st, (int)ncols - 1) == 1 ? w->suppressed : NULL;
        for (size_t c = 0; c < ncols; c++) {
            int type = sqlite3_column_type(st, (int)c);
            char num[64];
            const char *text = NULL;
            if (type == SQLITE_NULL) {
                e = worksheet_write_blank(ws, row, (lxw_col_t)c, f);
            } else if (cols[c].kind == COL_TEXT) {
                text = (const char *)sqlite3_column_text(st, (int)c);
                e = text && *text ? worksheet_write_string(ws, row, (lxw_col_t)c, text, f)
                                  : worksheet_write_blank(ws, row, (lxw_col_t)c, f);
            } else if (type != SQLITE_INTEGER && type != SQLITE_FLOAT) {
                return imgo_err_set(w->err, IMGO_EIO, "%s: sheet %s: row %lu column %s is not a number",
                                    w->path, name, (unsigned long)row, cols[c].name);
            } else {
                /* the number metrics.csv prints, so that the two agree */
                if (cols[c].kind == COL_INT)
                    snprintf(num, sizeof num, "%lld", (long long)sqlite3_column_int64(st, (int)c));
                else
                    metric_format_number(sqlite3_column_double(st, (int)c), num, sizeof num);
                text = num;
                e = *num ? worksheet_write_number(ws, row, (lxw_col_t)c, strtod(num, NULL), f)
                         : worksheet_write_blank(ws, row, (lxw_col_t)c, f);
            }
            if (e)
                return lxw_fail(w, name, e);
            if (text && utf8_chars(text) > width[c])
                width[c] = utf8_chars(text);
        }
    }
    if (rc != SQLITE_DONE)
        return db_error(w->db, w->err);
    for (size_t c = 0; c < ncols; c++) {
        size_t wd = width[c] + 2;
        wd = wd < WIDTH_MIN ? WIDTH_MIN : (wd > WIDTH_MAX ? WIDTH_MAX : wd);
        if ((e = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, (double)wd, NULL)))
            return lxw_fail(w, name, e);
    }
    worksheet_freeze_panes(ws, 1, 0);
    if ((e = worksheet_autofilter(ws, 0, 0, row, (lxw_col_t)(ncols - 1))))
        return lxw_fail(w, name, e);
    return IMGO_OK;
}

static int write_chart(struct writer *w, sqlite3_stmt *st, const char *chart)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, chart, -1, SQLITE_TRANSIENT);
    return write_sheet(w, chart, chart_cols, N_CHART_COLS, st);
}

static int known_chart(const char *chart)
{
    for (int i = 0; chart_order[i]; i++)
        if (!strcmp(chart_order[i], chart))
            return 1;
    return 0;
}

static int write_sheets(struct writer *w)
{
    sqlite3_stmt *st = NULL, *charts = NULL;
    int rc = db_prepare(w->db, metrics_sql, &st, w->err);
    if (!rc)
        rc = write_sheet(w, "metrics", metric_cols, N_METRIC_COLS, st);
    sqlite3_finalize(st);
    st = NULL;
    if (!rc)
        rc = db_prepare(w->db, chart_sql, &st, w->err);
    for (int i = 0; !rc && chart_order[i]; i++)
        rc = write_chart(w, st, chart_order[i]);
    /* A chart the list above does not know is still the user's data. */
    if (!rc)
        rc = db_prepare(w->db, "SELECT DISTINCT chart FROM chart_points ORDER BY chart", &charts, w->err);
    while (!rc) {
        int s = sqlite3_step(charts);
        if (s == SQLITE_DONE)
            break;
        if (s != SQLITE_ROW) {
            rc = db_error(w->db, w->err);
            break;
        }
        const char *chart = (const char *)sqlite3_column_text(charts, 0);
        if (chart && !known_chart(chart))
            rc = write_chart(w, st, chart);
    }
    sqlite3_finalize(charts);
    sqlite3_finalize(st);
    return rc;
}

/* The document's creation date: SOURCE_DATE_EPOCH, or the fixed date.
 * libxlsxwriter takes 0 to mean "now", so only positive values count. */
static time_t document_date(void)
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde && strlen(sde) <= 12 && strspn(sde, "0123456789") == strlen(sde)) {
        long long t = strtoll(sde, NULL, 10);
        if (t > 0 && t <= XLSX_LAST_DATE)
            return (time_t)t;
    }
    return XLSX_FIXED_DATE;
}

static int build_workbook(struct writer *w, const char *tmp)
{
    lxw_workbook_options opt = { 0 };
    w->wb = workbook_new_opt(tmp, &opt);
    if (!w->wb)
        return imgo_err_set(w->err, IMGO_EIO, "%s: cannot create the workbook", w->path);
    lxw_doc_properties props = { 0 };
    props.title = (char *)"imgo metrics and chart tables";
    props.created = document_date();
    int rc = IMGO_OK;
    lxw_error e = workbook_set_properties(w->wb, &props);
    w->bold = workbook_add_format(w->wb);
    w->suppressed = workbook_add_format(w->wb);
    if (e || !w->bold || !w->suppressed) {
        rc = imgo_err_set(w->err, IMGO_EIO, "%s: %s", w->path,
                          lxw_strerror(e ? e : LXW_ERROR_MEMORY_MALLOC_FAILED));
    } else {
        format_set_bold(w->bold);
        format_set_italic(w->suppressed);
        format_set_font_color(w->suppressed, LXW_COLOR_GRAY);
        rc = write_sheets(w);
    }
    /* workbook_close writes the file and frees the workbook in any case. */
    e = workbook_close(w->wb);
    w->wb = NULL;
    if (!rc && e)
        rc = imgo_err_set(w->err, IMGO_EIO, "%s: cannot write: %s", w->path, lxw_strerror(e));
    return rc;
}

int xlsx_write_tables(sqlite3 *db, const char *path, struct imgo_err *err)
{
    struct writer w = { db, path, NULL, NULL, NULL, NULL, 0, err };
    /* The temporary name is hidden and carries the pid, as fs_write_atomic's. */
    struct buf tmp = BUF_INIT;
    const char *slash = strrchr(path, '/');
    if (slash)
        buf_addf(&tmp, "%.*s/.%s.%ld.tmp", (int)(slash - path), path, slash + 1, (long)getpid());
    else
        buf_addf(&tmp, ".%s.%ld.tmp", path, (long)getpid());
    const char *t = buf_str(&tmp);
    int rc = IMGO_OK;
    /* Created here with 0600 less the umask, before libxlsxwriter opens it
     * by name: the data are never readable by others, not even while being
     * written. Owner write is granted for the writing only. */
    unlink(t);
    int fd = open(t, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) || fchmod(fd, 0600)) {
        rc = imgo_err_set(err, IMGO_EIO, "%s: cannot write: %s", path, strerror(errno));
        goto out;
    }
    rc = build_workbook(&w, t);
    /* On disk before the rename: a power cut leaves the old file or the new. */
    if (!rc && (fsync(fd) || fchmod(fd, sb.st_mode & 07777)))
        rc = imgo_err_set(err, IMGO_EIO, "%s: cannot write: %s", path, strerror(errno));
    if (close(fd) && !rc)
        rc = imgo_err_set(err, IMGO_EIO, "%s: cannot write: %s", path, strerror(errno));
    fd = -1;
    if (!rc && rename(t, path))
        rc = imgo_err_set(err, IMGO_EIO, "%s: cannot write: %s", path, strerror(errno));
out:
    if (fd >= 0)
        close(fd);
    if (rc)
        unlink(t);
    buf_release(&tmp);
    free(w.names);
    return rc;
}
