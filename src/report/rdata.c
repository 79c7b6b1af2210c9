/*
 * rdata.c - loading what a report shows, and complementary suppression
 * (see rdata.h).
 *
 * Primary suppression (n < min_cell) is compute's flag. This module adds
 * the complementary part once, for tables, summary and charts alike, with
 * rules derived from the metric registry: all = img + non_img, so when
 * exactly one group of a rate is suppressed the other is hidden too; within
 * a partition of a group (the registry's PARTITION rows) a single hidden
 * part would be the total minus the others, so the smallest other part is
 * hidden; a comparison resting on a hidden group row (the registry's BASE)
 * is hidden; a comparison whose n and k give both groups' sizes is hidden
 * when either is below min_cell. Hiding a cell can call for another, so the
 * rules run until nothing changes. Only the report's copy of the rows
 * changes: metrics.csv keeps them.
 */
#include "rdata.h"
#include "cohort.h"
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
        m->n = col_long(st, 4);
        m->k = col_long(st, 5);
        m->value = col_num(st, 6);
        m->lo = col_num(st, 7);
        m->hi = col_num(st, 8);
        m->p = col_num(st, 9);
        m->q = col_num(st, 10);
        m->suppressed = sqlite3_column_int(st, 11) != 0;
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return db_error(r->db, err);
    if (!r->n_rows)
        return imgo_err_set(err, IMGO_EUSAGE, "%s", none);
    qsort(r->rows, r->n_rows, sizeof *r->rows, cmp_row);
    return IMGO_OK;
}

static int load_info(struct rep *r, struct imgo_err *err)
{
    if (!table_exists(r->db, "compute_info"))
        return IMGO_OK;
    sqlite3_stmt *st;
    int rc = db_prepare(r->db, "SELECT key, value FROM compute_info ORDER BY key", &st, err);
    if (rc)
        return rc;
    size_t cap = 0, cap_v = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        ALLOC_GROW(r->info_k, r->n_info + 1, cap);
        ALLOC_GROW(r->info_v, r->n_info + 1, cap_v);
        r->info_k[r->n_info] = col_text(st, 0);
        r->info_v[r->n_info++] = col_text(st, 1);
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? IMGO_OK : db_error(r->db, err);
}

/* compute_sources: which cohort files had rows when compute ran. */
static int load_sources(struct rep *r, struct imgo_err *err)
{
    if (!table_exists(r->db, "compute_sources"))
        return IMGO_OK;
    sqlite3_stmt *st;
    int rc = db_prepare(r->db, "SELECT file, has_rows FROM compute_sources", &st, err);
    if (rc)
        return rc;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const struct cohort_file *f = cohort_find((const char *)sqlite3_column_text(st, 0));
        r->sources_known = 1;
        if (f && sqlite3_column_int(st, 1))
            r->sources |= 1u << f->id;
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? IMGO_OK : db_error(r->db, err);
}

/* compute_warnings: what compute found doubtful in the data, in order. */
static int load_warnings(struct rep *r, struct imgo_err *err)
{
    if (!table_exists(r->db, "compute_warnings"))
        return IMGO_OK;
    sqlite3_stmt *st;
    int rc = db_prepare(r->db, "SELECT text FROM compute_warnings ORDER BY seq", &st, err);
    if (rc)
        return rc;
    size_t cap = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        ALLOC_GROW(r->warnings, r->n_warnings + 1, cap);
        r->warnings[r->n_warnings++] = col_text(st, 0);
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? IMGO_OK : db_error(r->db, err);
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

/* ---- complementary suppression ----------------------------------------- */

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
            a->suppressed = b->suppressed = 1;
            changed = 1;
        }
    }
    return changed;
}

/* In a partition with exactly one hidden part, the smallest shown part is
 * hidden too. */
static int partition_rule(struct rep *r)
{
    int changed = 0;
    size_t np;
    const struct partition_def *parts = partition_defs(&np);
    for (size_t p = 0; p < np; p++) {
        enum metric_id metric = parts[p].metric;
        const char *prefix = parts[p].prefix;
        int by_k = parts[p].size_is_k;
        size_t pl = strlen(prefix);
        for (size_t i = 0; i < r->n_rows; i++) {
            const struct mrow *a = &r->rows[i];
            if (!a->suppressed || a->id != metric || strncmp(a->stratum, prefix, pl))
                continue;
            int hidden = 0;
            struct mrow *smallest = NULL;
            for (size_t j = 0; j < r->n_rows; j++) {
                struct mrow *b = &r->rows[j];
                if (b->id != metric || strcmp(b->group, a->group) || strcmp(b->period, a->period) ||
                    strncmp(b->stratum, prefix, pl))
                    continue;
                if (b->suppressed)
                    hidden++;
                else if (!smallest || (by_k ? b->k < smallest->k : b->n < smallest->n))
                    smallest = b;
            }
            if (hidden == 1 && smallest) {
                smallest->suppressed = 1;
                changed = 1;
            }
        }
    }
    return changed;
}

/* A comparison row rests on its groups: hidden with them. */
static void comparison_rule(struct rep *r)
{
    for (size_t i = 0; i < r->n_rows; i++) {
        struct mrow *c = &r->rows[i];
        if (c->id == M_NONE || strcmp(c->group, "img_vs_non_img") || c->suppressed)
            continue;
        const struct metric_def *d = metric_def(c->id);
        if (d->flags & MF_GROUP_SIZES) {
            /* n in both groups, k of them in the IMG group */
            if (c->n >= 0 && c->k >= 0 && (c->k < r->min_cell || c->n - c->k < r->min_cell))
                c->suppressed = 1;
            continue;
        }
        if (d->base == M_NONE)
            continue;
        const char *st = d->base_stratum ? d->base_stratum : c->stratum;
        const struct mrow *gi = rep_find(r, d->base, "img", st, c->period);
        const struct mrow *gn = rep_find(r, d->base, "non_img", st, c->period);
        if ((gi && gi->suppressed) || (gn && gn->suppressed))
            c->suppressed = 1;
    }
}

static void complement_rows(struct rep *r)
{
    while (pair_rule(r) | partition_rule(r))
        ;
    comparison_rule(r);
}

int rep_load(struct rep *r, struct imgo_err *err)
{
    int rc = load_metrics(r, err);
    if (!rc)
        rc = load_info(r, err);
    if (!rc)
        rc = load_sources(r, err);
    if (!rc)
        rc = load_warnings(r, err);
    if (!rc) {
        info_params(r);
        complement_rows(r);
    }
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
    r->n_warnings = 0;
    r->rows = NULL;
    r->info_k = r->info_v = NULL;
    r->n_rows = r->n_info = 0;
}

/* ---- chart points ------------------------------------------------------ */

/* The same rule on a chart's points: an img point and the non_img point at
 * the same label and x are shown together or not at all, and a group whose
 * every point of a label is hidden (a curve of too few subjects) hides the
 * other group's points of that label. */
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
        p->n = col_long(st, 3);
        p->k = col_long(st, 4);
        p->value = col_num(st, 5);
        p->lo = col_num(st, 6);
        p->hi = col_num(st, 7);
        p->suppressed = sqlite3_column_int(st, 8) != 0;
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < n; i++) {
        const struct mrow *m = point_row(r, chart, &(*out)[i]);
        if (m && m->suppressed)
            (*out)[i].suppressed = 1;
    }
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
