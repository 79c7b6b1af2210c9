/*
 * rdata.c - loading what a report shows, and complementary suppression
 * (see rdata.h).
 *
 * Primary suppression (n < min_cell) is compute's flag. What else a
 * published report hides is chosen by the small-cell audit (disclose.h,
 * audit.h) from what the report prints: the fewest and smallest other rows
 * that leave every hidden count impossible to work out from the printed
 * numbers and the relations between them; then every comparison resting on
 * a hidden group. The report proves its choice again from the printed
 * numbers alone before it writes anything. Only the report's copy of the
 * rows changes: metrics.csv keeps them.
 */
#include "rdata.h"
#include "cohort.h"
#include "disclose.h"
#include "fsutil.h"
#include "date.h"
#include "db.h"
#include "mem.h"
#include "metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- loading ---------------------------------------------------------- */

static char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return xstrdup(t ? (const char *)t : "");
}

static double col_num(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

static long col_long(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(st, i);
}

/* n, k, value, ci_low, ci_high from column i on: the columns a metrics row
 * and a chart point share. */
static void col_estimate(sqlite3_stmt *st, int i, long *n, long *k, double *v, double *lo, double *hi)
{
    *n = col_long(st, i);
    *k = col_long(st, i + 1);
    *v = col_num(st, i + 2);
    *lo = col_num(st, i + 3);
    *hi = col_num(st, i + 4);
}

static int table_exists(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

static int cmp_key(const struct mrow *m, const char *metric, const char *group, const char *stratum,
                   const char *period)
{
    int c = strcmp(m->metric, metric);
    if (!c)
        c = strcmp(m->group, group);
    if (!c)
        c = strcmp(m->stratum, stratum);
    if (!c)
        c = strcmp(m->period, period);
    return c;
}

static int cmp_row(const void *a, const void *b)
{
    const struct mrow *y = b;
    return cmp_key(a, y->metric, y->group, y->stratum, y->period);
}

/* The metrics table has the columns of metrics.csv, in that order. */
static int load_metrics(struct rep *r, struct imgo_err *err)
{
    static const char none[] = "the database holds no computed metrics; run 'imgo compute' first";
    if (!table_exists(r->db, "metrics"))
        return imgo_err_set(err, IMGO_EUSAGE, "%s", none);
    sqlite3_stmt *st;
    int rc = db_prepare(r->db, "SELECT * FROM metrics ORDER BY 1, 2, 3, 4", &st, err);
    if (rc)
        return rc;
    if (sqlite3_column_count(st) < 12) {
        rc = imgo_err_set(err, IMGO_EIO, "database: table metrics has %d columns, expected 12",
                          sqlite3_column_count(st));
        sqlite3_finalize(st);
        return rc;
    }
    size_t cap = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        ALLOC_GROW(r->rows, r->n_rows + 1, cap);
        struct mrow *m = &r->rows[r->n_rows++];
        m->metric = col_text(st, 0);
        const struct metric_def *d = metric_def_find(m->metric);
        m->id = d ? d->id : M_NONE;
        m->group = col_text(st, 1);
        m->stratum = col_text(st, 2);
        m->period = col_text(st, 3);
        col_estimate(st, 4, &m->n, &m->k, &m->value, &m->lo, &m->hi);
        m->p = col_num(st, 9);
        m->q = col_num(st, 10);
        m->small = sqlite3_column_int(st, 11) != 0;
        m->suppressed = 0;
        m->why = HIDE_NONE;
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return db_error(r->db, err);
    if (!r->n_rows)
        return imgo_err_set(err, IMGO_EUSAGE, "%s", none);
    qsort(r->rows, r->n_rows, sizeof *r->rows, cmp_row);
    return IMGO_OK;
}

/* Calls row for each row of sql over table, when the database has the
 * table (an older database may not: then nothing). */
static int each_row(struct rep *r, const char *table, const char *sql, void (*row)(struct rep *, sqlite3_stmt *),
                    struct imgo_err *err)
{
    if (!table_exists(r->db, table))
        return IMGO_OK;
    sqlite3_stmt *st;
    int rc = db_prepare(r->db, sql, &st, err);
    if (rc)
        return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        row(r, st);
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? IMGO_OK : db_error(r->db, err);
}

static void info_row(struct rep *r, sqlite3_stmt *st)
{
    ALLOC_GROW(r->info_k, r->n_info + 1, r->cap_info);
    r->info_v = xrealloc(r->info_v, r->cap_info * sizeof *r->info_v);
    r->info_k[r->n_info] = col_text(st, 0);
    r->info_v[r->n_info++] = col_text(st, 1);
}

/* compute_sources: which cohort files had rows when compute ran. */
static void source_row(struct rep *r, sqlite3_stmt *st)
{
    const struct cohort_file *f = cohort_find((const char *)sqlite3_column_text(st, 0));
    r->sources_known = 1;
    if (f && sqlite3_column_int(st, 1))
        r->sources |= 1u << f->id;
}

/* compute_warnings: what compute found doubtful in the data, in order. */
static void warning_row(struct rep *r, sqlite3_stmt *st)
{
    ALLOC_GROW(r->warnings, r->n_warnings + 1, r->cap_warnings);
    r->warnings[r->n_warnings++] = col_text(st, 0);
}

/* compute_info, compute_sources, compute_warnings. */
static int load_info(struct rep *r, struct imgo_err *err)
{
    int rc = each_row(r, "compute_info", "SELECT key, value FROM compute_info ORDER BY key", info_row, err);
    if (!rc)
        rc = each_row(r, "compute_sources", "SELECT file, has_rows FROM compute_sources", source_row, err);
    if (!rc)
        rc = each_row(r, "compute_warnings", "SELECT text FROM compute_warnings ORDER BY seq", warning_row, err);
    return rc;
}

int rep_source(const struct rep *r, enum cohort_file_id f)
{
    if (!r->sources_known)
        return -1;
    return (r->sources >> f) & 1;
}

const char *rep_info(const struct rep *r, const char *key)
{
    for (size_t i = 0; i < r->n_info; i++)
        if (!strcmp(r->info_k[i], key))
            return r->info_v[i];
    return NULL;
}

/* The parameters a report uses, from compute_info (the contract's defaults
 * when a key is missing). */
static void info_params(struct rep *r)
{
    const char *v = rep_info(r, "min_cell");
    r->min_cell = v && atoi(v) > 0 ? atoi(v) : 5;
    v = rep_info(r, "confidence");
    r->conf = v && atof(v) > 0 ? atof(v) : 0.95;
    v = rep_info(r, "fdr_q");
    r->fdr_q = v && atof(v) > 0 ? atof(v) : 0.10;
    v = rep_info(r, "board_pass_threshold");
    r->threshold = v ? atof(v) : 0.80;
    v = rep_info(r, "as_of");
    r->has_as_of = v && !date_parse(v, strlen(v), &r->as_of);
}

/* ---- lookups ---------------------------------------------------------- */

static const char *id_name(enum metric_id id)
{
    return id == M_NONE ? "" : metric_name(id);
}

/* Rows are loaded in byte order of (metric, group, stratum, period),
 * SQLite's BINARY collation, which is strcmp's order: a binary search
 * finds one. */
const struct mrow *rep_find(const struct rep *r, enum metric_id metric, const char *group, const char *stratum,
                            const char *period)
{
    const char *name = id_name(metric);
    size_t lo = 0, hi = r->n_rows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_key(&r->rows[mid], name, group, stratum, period);
        if (!c)
            return &r->rows[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static struct mrow *find_mut(struct rep *r, enum metric_id metric, const char *group, const char *stratum,
                             const char *period)
{
    return (struct mrow *)rep_find(r, metric, group, stratum, period);
}

int rep_has(const struct rep *r, enum metric_id metric)
{
    for (size_t i = 0; i < r->n_rows; i++)
        if (r->rows[i].id == metric)
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t rep_strata(const struct rep *r, enum metric_id metric, const char *prefix, const char ***out)
{
    const char **v = NULL;
    size_t n = 0, cap = 0, pl = strlen(prefix);
    for (size_t i = 0; i < r->n_rows; i++) {
        const struct mrow *m = &r->rows[i];
        if (m->id != metric || strncmp(m->stratum, prefix, pl))
            continue;
        ALLOC_GROW(v, n + 1, cap);
        v[n++] = m->stratum;
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!u || strcmp(v[u - 1], v[i]))
            v[u++] = v[i];
    *out = v;
    return u;
}

static int is_year(const char *p)
{
    return strlen(p) == 4 && strspn(p, "0123456789") == 4;
}

/* Years first ascending, then spans, then the empty period. */
static int cmp_period(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int rx = is_year(x) ? 0 : *x ? 1 : 2, ry = is_year(y) ? 0 : *y ? 1 : 2;
    if (rx != ry)
        return rx - ry;
    return strcmp(x, y);
}

size_t rep_periods(const struct rep *r, enum metric_id metric, const char *stratum, const char ***out)
{
    const char **v = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < r->n_rows; i++) {
        const struct mrow *m = &r->rows[i];
        if (m->id != metric || strcmp(m->stratum, stratum))
            continue;
        size_t j;
        for (j = 0; j < n && strcmp(v[j], m->period); j++)
            ;
        if (j < n)
            continue;
        ALLOC_GROW(v, n + 1, cap);
        v[n++] = m->period;
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_period);
    *out = v;
    return n;
}

/* ---- what is printed, and what is hidden -------------------------------- */

void rep_publish(struct rep *r, const struct mrow *m, const char *field, const char *shown)
{
    if (!r->publish || !m || m->id == M_NONE)
        return;
    ALLOC_GROW(r->pub, r->n_pub + 1, r->cap_pub);
    struct rep_pub *e = &r->pub[r->n_pub++];
    e->row = (size_t)(m - r->rows);
    e->field = xstrdup(field);
    e->shown = xstrdup(shown);
}

void rep_pub_clear(struct rep *r)
{
    for (size_t i = 0; i < r->n_pub; i++) {
        free(r->pub[i].field);
        free(r->pub[i].shown);
    }
    r->n_pub = 0;
}

static int cmp_pub(const void *a, const void *b)
{
    const struct rep_pub *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    int c = strcmp(x->field, y->field);
    return c ? c : strcmp(x->shown, y->shown);
}

/* Sorts r->pub by row (the rows' order is metrics.csv's) and field, and
 * keeps one entry of each. */
static void pub_unique(struct rep *r)
{
    if (r->n_pub)
        qsort(r->pub, r->n_pub, sizeof *r->pub, cmp_pub);
    size_t u = 0;
    for (size_t i = 0; i < r->n_pub; i++) {
        if (u && r->pub[u - 1].row == r->pub[i].row && !strcmp(r->pub[u - 1].field, r->pub[i].field)) {
            free(r->pub[i].field);
            free(r->pub[i].shown);
            continue;
        }
        r->pub[u++] = r->pub[i];
    }
    r->n_pub = u;
}

/* A row that is small by compute's flag, or a comparison one of whose
 * groups (n - k and k, MF_GROUP_SIZES) is. An empty group is not small. */
static int is_small(const struct rep *r, const struct mrow *m)
{
    if (m->n == 0)
        return 0;
    if (m->id != M_NONE && (metric_def(m->id)->flags & MF_GROUP_SIZES) && m->n >= 0 && m->k >= 0 &&
        ((m->k > 0 && m->k < r->min_cell) || (m->n - m->k > 0 && m->n - m->k < r->min_cell)))
        return 1;
    return m->small;
}

/* The model's rows and printed numbers of r. */
static void model_input(const struct rep *r, int with_truth, struct disclose_row **rows, struct disclose_pub **pub)
{
    *rows = xcalloc(r->n_rows ? r->n_rows : 1, sizeof **rows);
    *pub = xcalloc(r->n_pub ? r->n_pub : 1, sizeof **pub);
    for (size_t i = 0; i < r->n_rows; i++) {
        const struct mrow *m = &r->rows[i];
        struct disclose_row *d = &(*rows)[i];
        d->id = m->id;
        d->metric = m->metric;
        d->group = m->group;
        d->stratum = m->stratum;
        d->period = m->period;
        d->n = with_truth ? m->n : AUDIT_NO_TRUTH;
        d->k = with_truth ? m->k : AUDIT_NO_TRUTH;
        d->hidden = with_truth && is_small(r, m);
    }
    for (size_t i = 0; i < r->n_pub; i++) {
        (*pub)[i].row = r->pub[i].row;
        (*pub)[i].field = r->pub[i].field;
        (*pub)[i].shown = r->pub[i].shown;
    }
}

static void hide(struct mrow *m, enum rep_hide why)
{
    if (!m->suppressed)
        m->why = why;
    m->suppressed = 1;
}

/* A comparison resting on a hidden group is hidden: its value joined with
 * the other group's would give the hidden one's (a relation the audit's
 * counts do not model). */
static void comparison_rule(struct rep *r)
{
    for (size_t i = 0; i < r->n_rows; i++) {
        struct mrow *c = &r->rows[i];
        if (c->id == M_NONE || strcmp(c->group, "img_vs_non_img") || c->suppressed)
            continue;
        const struct metric_def *d = metric_def(c->id);
        if (c->id == M_LAUNCH_DID) {
            /* four cells: outcome=O;era=pre|post of each group */
            static const char *const g2[] = { "img", "non_img" }, *const era[] = { "pre", "post" };
            char st[128];
            for (int g = 0; g < 4; g++) {
                snprintf(st, sizeof st, "%s;era=%s", c->stratum, era[g % 2]);
                const struct mrow *m = rep_find(r, M_LAUNCH_RATE, g2[g / 2], st, c->period);
                if (m && m->suppressed)
                    hide(c, HIDE_COMPLEMENT);
            }
            continue;
        }
        if (d->base == M_NONE)
            continue;
        const char *st = d->base_stratum ? d->base_stratum : c->stratum;
        const struct mrow *gi = rep_find(r, d->base, "img", st, c->period);
        const struct mrow *gn = rep_find(r, d->base, "non_img", st, c->period);
        if ((gi && gi->suppressed) || (gn && gn->suppressed))
            hide(c, HIDE_COMPLEMENT);
    }
}

/* The audit model of r's rows and printed numbers (disclose_build); the
 * caller frees *rows and *pub and releases d. */
static int model(struct rep *r, int with_truth, struct disclose *d, struct disclose_row **rows,
                 struct disclose_pub **pub, struct imgo_err *err)
{
    pub_unique(r);
    model_input(r, with_truth, rows, pub);
    return disclose_build(d, *rows, r->n_rows, *pub, r->n_pub, r->min_cell, with_truth, err);
}

int rep_hide(struct rep *r, struct imgo_err *err)
{
    struct disclose_row *rows;
    struct disclose_pub *pub;
    struct disclose d;
    int rc = model(r, 1, &d, &rows, &pub, err);
    for (size_t i = 0; !rc && i < r->n_rows; i++)
        if (d.figure[i] != AUDIT_NONE && is_small(r, &r->rows[i]))
            audit_figure_hide(d.a, d.figure[i]);
    if (!rc)
        rc = audit_suppress(d.a, err);
    for (size_t i = 0; !rc && i < r->n_rows; i++) {
        struct mrow *m = &r->rows[i];
        if (d.figure[i] != AUDIT_NONE && audit_figure_hidden(d.a, d.figure[i]))
            hide(m, audit_figure_reason(d.a, d.figure[i], NULL) == AUDIT_COMPLEMENT ? HIDE_COMPLEMENT : HIDE_SMALL);
        else if (d.figure[i] == AUDIT_NONE && is_small(r, m))
            hide(m, HIDE_SMALL); /* not printed: its chart points are hidden */
    }
    if (!rc)
        comparison_rule(r);
    disclose_release(&d);
    free(rows);
    free(pub);
    return rc;
}

/* img and non_img of the same metric, stratum and period: both or neither. */
static int pair_rule(struct rep *r)
{
    int changed = 0;
    for (size_t i = 0; i < r->n_rows; i++) {
        struct mrow *a = &r->rows[i];
        if (a->id == M_NONE || strcmp(a->group, "img"))
            continue;
        struct mrow *b = find_mut(r, a->id, "non_img", a->stratum, a->period);
        if (b && a->suppressed != b->suppressed) {
            hide(a, HIDE_COMPLEMENT);
            hide(b, HIDE_COMPLEMENT);
            changed = 1;
        }
    }
    return changed;
}

void rep_hide_simple(struct rep *r)
{
    for (size_t i = 0; i < r->n_rows; i++)
        if (is_small(r, &r->rows[i]))
            hide(&r->rows[i], HIDE_SMALL);
    while (pair_rule(r))
        ;
    comparison_rule(r);
}

int rep_verify(struct rep *r, struct imgo_err *err)
{
    struct disclose_row *rows;
    struct disclose_pub *pub;
    struct disclose d;
    int rc = model(r, 0, &d, &rows, &pub, err);
    if (!rc)
        rc = audit_check(d.a, err);
    if (!rc && audit_nleaks(d.a)) {
        struct buf why = BUF_INIT;
        for (size_t c = 0; c < audit_ncells(d.a); c++) {
            long lo, hi;
            enum audit_verdict v = audit_cell_result(d.a, c, &lo, &hi);
            if (v == AUDIT_LEAK_RANGE || v == AUDIT_LEAK_ZERO || v == AUDIT_LEAK_ALL) {
                audit_explain(d.a, c, &why);
                break;
            }
        }
        rc = imgo_err_set(err, IMGO_EIO, "the report would let a reader work out a small count (%zu in all): %s",
                          audit_nleaks(d.a), buf_str(&why));
        buf_release(&why);
    }
    disclose_release(&d);
    free(rows);
    free(pub);
    return rc;
}

int rep_write_public(const struct rep *r, const char *path, struct imgo_err *err)
{
    struct buf out = BUF_INIT;
    buf_adds(&out, "metric,group,stratum,period,field,shown\n");
    for (size_t i = 0; i < r->n_pub; i++) {
        const struct rep_pub *e = &r->pub[i];
        const struct mrow *m = &r->rows[e->row];
        const char *f[6] = { m->metric, m->group, m->stratum, m->period, e->field, e->shown };
        for (int j = 0; j < 6; j++) {
            if (j)
                buf_addc(&out, ',');
            metric_csv_field(&out, f[j]);
        }
        buf_addc(&out, '\n');
    }
    int rc = fs_write_atomic(path, out.data ? out.data : "", out.len, err);
    buf_release(&out);
    return rc;
}

int rep_load(struct rep *r, struct imgo_err *err)
{
    int rc = load_metrics(r, err);
    if (!rc)
        rc = load_info(r, err);
    if (!rc)
        info_params(r);
    return rc;
}

void rep_release(struct rep *r)
{
    for (size_t i = 0; i < r->n_rows; i++) {
        free(r->rows[i].metric);
        free(r->rows[i].group);
        free(r->rows[i].stratum);
        free(r->rows[i].period);
    }
    free(r->rows);
    for (size_t i = 0; i < r->n_info; i++) {
        free(r->info_k[i]);
        free(r->info_v[i]);
    }
    free(r->info_k);
    free(r->info_v);
    for (size_t i = 0; i < r->n_warnings; i++)
        free(r->warnings[i]);
    free(r->warnings);
    r->warnings = NULL;
    rep_pub_clear(r);
    free(r->pub);
    r->pub = NULL;
    r->cap_pub = 0;
    r->n_warnings = 0;
    r->rows = NULL;
    r->info_k = r->info_v = NULL;
    r->n_rows = r->n_info = 0;
}

/* ---- chart points ------------------------------------------------------ */

/* The pair rule of a document that is not audited (rep_hide_simple) on a
 * chart's points: an img point and the non_img point at the same label and
 * x are shown together or not at all, and a group whose every point of a
 * label is hidden (a curve of too few subjects) hides the other group's
 * points of that label. An audited report's points follow their rows. */
static void complement_points(struct cpoint *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(p[i].series, "img"))
            continue;
        for (size_t j = 0; j < n; j++)
            if (!strcmp(p[j].series, "non_img") && p[j].x == p[i].x && !strcmp(p[j].label, p[i].label) &&
                p[i].suppressed != p[j].suppressed)
                p[i].suppressed = p[j].suppressed = 1;
    }
    static const char *const pair[2][2] = { { "img", "non_img" }, { "non_img", "img" } };
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < n; i++) {
            if (strcmp(p[i].series, pair[s][0]) || !p[i].suppressed)
                continue;
            int all_hidden = 1;
            for (size_t j = 0; j < n && all_hidden; j++)
                if (!strcmp(p[j].series, pair[s][0]) && !strcmp(p[j].label, p[i].label) && !p[j].suppressed)
                    all_hidden = 0;
            if (!all_hidden)
                continue;
            for (size_t j = 0; j < n; j++)
                if (!strcmp(p[j].series, pair[s][1]) && !strcmp(p[j].label, p[i].label))
                    p[j].suppressed = 1;
        }
}

/* The metrics row a chart point shows, where there is one: a point is
 * hidden whenever its row is, so charts follow the rows' complementary
 * suppression. */
static const struct mrow *point_row(const struct rep *r, enum chart_id chart, const struct cpoint *p)
{
    char period[32];
    struct buf st = BUF_INIT;
    const struct mrow *m = NULL;
    switch (chart) {
    case C_BOARD_PASS:
        if (!isfinite(p->x))
            break;
        snprintf(period, sizeof period, "%.0f", p->x);
        buf_addf(&st, "exam=%s", p->label);
        m = rep_find(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, p->series, buf_str(&st), period);
        break;
    case C_FELLOWSHIP_MATCH:
        m = rep_find(r, M_FELLOWSHIP_MATCH_RATE, p->series, "", p->label);
        break;
    case C_RETENTION_KM:
        /* a curve shows its group's S(t): hidden with its rows */
        m = rep_find(r, M_RETENTION_KM, p->series, "t=365", "");
        break;
    case C_WORKFORCE_KM:
        m = rep_find(r, M_WORKFORCE_RETAINED_KM, p->series, "t=730", "");
        break;
    case C_TREND_FIRST_YEAR_RETENTION:
    case C_TREND_ADVERSE_ACTION:
    case C_TREND_MILESTONE_GAP:
        if (!isfinite(p->x))
            break;
        snprintf(period, sizeof period, "AY%.0f", p->x);
        m = chart == C_TREND_MILESTONE_GAP
                ? rep_find(r, M_TREND_MILESTONE_GAP, "img_vs_non_img", "", strcmp(p->series, "gap") ? "" : period)
                : rep_find(r, chart == C_TREND_ADVERSE_ACTION ? M_TREND_ADVERSE_ACTION_RATE : M_RETENTION_FIRST_YEAR,
                           p->series, "", period);
        break;
    case C_INSTITUTION_BOARD_FUNNEL:
    case C_INSTITUTION_ADVERSE_FUNNEL: {
        /* a program's point shows its row; the centre line and the limits
         * rest on the institution's row (every program together) */
        enum metric_id id = chart == C_INSTITUTION_BOARD_FUNNEL ? M_INSTITUTION_BOARD_PASS
                                                                : M_INSTITUTION_ADVERSE_ACTION_RATE;
        const char *per = "";
        for (size_t i = 0; i < r->n_rows; i++)
            if (r->rows[i].id == id) {
                per = r->rows[i].period;
                break;
            }
        if (*p->label)
            buf_addf(&st, "program=%s", p->label);
        m = rep_find(r, id, "all", buf_str(&st), per);
        break;
    }
    case C_STEP3_VISA:
        if (!strcmp(p->series, "visa")) {
            buf_addf(&st, "visa=%s", p->label);
            m = rep_find(r, M_STEP3_PASS_BY_MONTH12, "img", buf_str(&st), "");
        } else if (!strcmp(p->series, "group"))
            m = rep_find(r, M_STEP3_PASS_BY_MONTH12, p->label, "", "");
        break;
    default:
        break;
    }
    buf_release(&st);
    return m;
}

size_t rep_points(struct rep *r, enum chart_id chart, struct cpoint **out, struct imgo_err *err)
{
    *out = NULL;
    if (!table_exists(r->db, "chart_points"))
        return 0;
    sqlite3_stmt *st;
    if (db_prepare(r->db,
                   "SELECT series, label, x, n, k, value, ci_low, ci_high, suppressed FROM chart_points "
                   "WHERE chart = ? ORDER BY series, seq",
                   &st, err))
        return 0;
    sqlite3_bind_text(st, 1, chart_name(chart), -1, SQLITE_STATIC);
    size_t n = 0, cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        ALLOC_GROW(*out, n + 1, cap);
        struct cpoint *p = &(*out)[n++];
        p->series = col_text(st, 0);
        p->label = col_text(st, 1);
        p->x = col_num(st, 2);
        col_estimate(st, 3, &p->n, &p->k, &p->value, &p->lo, &p->hi);
        p->suppressed = sqlite3_column_int(st, 8) != 0;
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < n; i++) {
        const struct mrow *m = point_row(r, chart, &(*out)[i]);
        if (m && m->suppressed)
            (*out)[i].suppressed = 1;
    }
    if (!r->publish)
        complement_points(*out, n);
    return n;
}

void rep_points_free(struct cpoint *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].series);
        free(p[i].label);
    }
    free(p);
}

char *rep_chart_name(struct rep *r, enum chart_id chart, const char *label, struct imgo_err *err)
{
    sqlite3_stmt *st;
    if (!table_exists(r->db, "chart_points") ||
        db_prepare(r->db, "SELECT DISTINCT label FROM chart_points WHERE chart = ? ORDER BY label", &st, err))
        return NULL;
    sqlite3_bind_text(st, 1, chart_name(chart), -1, SQLITE_STATIC);
    char **labels = NULL;
    size_t n = 0, cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        ALLOC_GROW(labels, n + 1, cap);
        labels[n++] = col_text(st, 0);
    }
    sqlite3_finalize(st);
    char **slugs = chart_label_slugs((const char *const *)labels, n);
    char *name = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!name && !strcmp(labels[i], label)) {
            struct buf b = BUF_INIT;
            buf_addf(&b, "%s_%s", chart_name(chart), slugs[i]);
            name = buf_detach(&b, NULL);
        }
        free(labels[i]);
        free(slugs[i]);
    }
    free(labels);
    free(slugs);
    return name;
}
