/*
 * metrics.c - metric rows, chart points and their output (see metrics.h).
 *
 * Every number that leaves compute goes through metric_format_number (files)
 * or bind_number (database), so the formatting rules live here only.
 */
#include "metrics.h"
#include "db.h"
#include "mem.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void metric_set_init(struct metric_set *s, int min_cell)
{
    memset(s, 0, sizeof *s);
    s->min_cell = min_cell;
}

void metric_set_release(struct metric_set *s)
{
    for (size_t i = 0; i < s->len; i++) {
        free(s->rows[i].group);
        free(s->rows[i].stratum);
        free(s->rows[i].period);
    }
    free(s->rows);
    memset(s, 0, sizeof *s);
}

struct metric_row *metric_add(struct metric_set *s, enum metric_id id, const char *group,
                              const char *stratum, const char *period, long n, long k,
                              struct stats_est e)
{
    ALLOC_GROW(s->rows, s->len + 1, s->alloc);
    struct metric_row *r = &s->rows[s->len++];
    r->id = id;
    r->metric = metric_name(id);
    r->group = xstrdup(group);
    r->stratum = xstrdup(stratum ? stratum : "");
    r->period = xstrdup(period ? period : "");
    r->n = n;
    r->k = k;
    r->value = e.value;
    r->ci_low = e.lo;
    r->ci_high = e.hi;
    r->p = e.p;
    r->q = NAN;
    r->suppressed = n == METRIC_EMPTY || n < s->min_cell;
    return r;
}

void metric_set_take(struct metric_set *dst, struct metric_set *src)
{
    if (!src->len)
        return; /* src->rows may be NULL: no memcpy from it */
    ALLOC_GROW(dst->rows, dst->len + src->len, dst->alloc);
    memcpy(dst->rows + dst->len, src->rows, src->len * sizeof *src->rows);
    dst->len += src->len;
    src->len = 0;
}

void metric_set_bh(struct metric_set *s, enum metric_id id)
{
    const char *prefix = metric_def(id)->bh_prefix;
    assert(prefix);
    size_t pl = strlen(prefix), n = 0;
    size_t *rows = xmalloc((s->len ? s->len : 1) * sizeof *rows);
    for (size_t i = 0; i < s->len; i++)
        if (s->rows[i].id == id && !strncmp(s->rows[i].stratum, prefix, pl))
            rows[n++] = i;
    double *p = xmalloc((n ? n : 1) * sizeof *p), *q = xmalloc((n ? n : 1) * sizeof *q);
    for (size_t i = 0; i < n; i++)
        p[i] = s->rows[rows[i]].p;
    stats_bh(p, q, n);
    for (size_t i = 0; i < n; i++)
        s->rows[rows[i]].q = q[i];
    free(rows);
    free(p);
    free(q);
}

void metric_set_filter(struct metric_set *s, int (*keep)(const struct metric_row *, void *), void *arg)
{
    size_t o = 0;
    for (size_t i = 0; i < s->len; i++) {
        struct metric_row *r = &s->rows[i];
        if (keep(r, arg)) {
            s->rows[o++] = *r;
        } else {
            free(r->group);
            free(r->stratum);
            free(r->period);
        }
    }
    s->len = o;
}

static int cmp_rows(const void *a, const void *b)
{
    const struct metric_row *x = a, *y = b;
    int c = strcmp(x->metric, y->metric);
    if (!c)
        c = strcmp(x->group, y->group);
    if (!c)
        c = strcmp(x->stratum, y->stratum);
    if (!c)
        c = strcmp(x->period, y->period);
    return c;
}

void metric_set_sort(struct metric_set *s)
{
    qsort(s->rows, s->len, sizeof *s->rows, cmp_rows);
}

void metric_format_number(double v, char *out, size_t size)
{
    if (!isfinite(v)) {
        out[0] = '\0';
        return;
    }
    if (v == 0)
        v = 0; /* -0 becomes +0 */
    snprintf(out, size, "%.10g", v);
    if (!strcmp(out, "-0"))
        snprintf(out, size, "0");
}

void metric_csv_field(struct buf *out, const char *s)
{
    if (strpbrk(s, ",\"\r\n"))
        buf_add_csv_quoted(out, s);
    else
        buf_adds(out, s);
}

static void csv_number(struct buf *out, double v)
{
    char tmp[64];
    metric_format_number(v, tmp, sizeof tmp);
    buf_adds(out, tmp);
}

static void csv_int(struct buf *out, long v)
{
    if (v != METRIC_EMPTY)
        buf_addf(out, "%ld", v);
}

void metric_set_csv(const struct metric_set *s, struct buf *out)
{
    buf_adds(out, "metric,group,stratum,period,n,k,value,ci_low,ci_high,p_value,q_value,suppressed\n");
    for (size_t i = 0; i < s->len; i++) {
        const struct metric_row *r = &s->rows[i];
        metric_csv_field(out, r->metric);
        buf_addc(out, ',');
        metric_csv_field(out, r->group);
        buf_addc(out, ',');
        metric_csv_field(out, r->stratum);
        buf_addc(out, ',');
        metric_csv_field(out, r->period);
        buf_addc(out, ',');
        csv_int(out, r->n);
        buf_addc(out, ',');
        csv_int(out, r->k);
        buf_addc(out, ',');
        csv_number(out, r->value);
        buf_addc(out, ',');
        csv_number(out, r->ci_low);
        buf_addc(out, ',');
        csv_number(out, r->ci_high);
        buf_addc(out, ',');
        csv_number(out, r->p);
        buf_addc(out, ',');
        csv_number(out, r->q);
        buf_addf(out, ",%d\n", r->suppressed);
    }
}

/* NULL for what the CSV writes as an empty field; -0 stored as 0. */
static int bind_number(sqlite3_stmt *st, int i, double v)
{
    if (!isfinite(v))
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_double(st, i, v == 0 ? 0.0 : v);
}

static int bind_int(sqlite3_stmt *st, int i, long v)
{
    if (v == METRIC_EMPTY)
        return sqlite3_bind_null(st, i);
    return sqlite3_bind_int64(st, i, v);
}

/* n, k, value, ci_low, ci_high from parameter i on: the columns a metric
 * row and a chart point share. */
static void bind_estimate(sqlite3_stmt *st, int i, long n, long k, double value, double lo, double hi)
{
    bind_int(st, i, n);
    bind_int(st, i + 1, k);
    bind_number(st, i + 2, value);
    bind_number(st, i + 3, lo);
    bind_number(st, i + 4, hi);
}

static int step_done(sqlite3 *db, sqlite3_stmt *st, struct imgo_err *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? IMGO_OK : db_error(db, err);
}

int metric_set_store(const struct metric_set *s, sqlite3 *db, struct imgo_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = db_exec(db, "DELETE FROM metrics", err);
    if (!rc)
        rc = db_prepare(db,
                        "INSERT INTO metrics (metric, \"group\", stratum, period, n, k, value, ci_low,"
                        " ci_high, p_value, q_value, suppressed)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                        &st, err);
    for (size_t i = 0; !rc && i < s->len; i++) {
        const struct metric_row *r = &s->rows[i];
        sqlite3_bind_text(st, 1, r->metric, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, r->group, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r->stratum, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, r->period, -1, SQLITE_STATIC);
        bind_estimate(st, 5, r->n, r->k, r->value, r->ci_low, r->ci_high);
        bind_number(st, 10, r->p);
        bind_number(st, 11, r->q);
        sqlite3_bind_int(st, 12, r->suppressed);
        rc = step_done(db, st, err);
    }
    sqlite3_finalize(st);
    return rc;
}

/* ---- chart points ------------------------------------------------------ */

void chart_set_init(struct chart_set *c)
{
    memset(c, 0, sizeof *c);
}

void chart_set_release(struct chart_set *c)
{
    for (size_t i = 0; i < c->len; i++) {
        free(c->pts[i].series);
        free(c->pts[i].label);
    }
    free(c->pts);
    memset(c, 0, sizeof *c);
}

struct chart_point *chart_add(struct chart_set *c, enum chart_id chart, const char *series, const char *label,
                              double x, long n, long k, double value, double ci_low, double ci_high,
                              int suppressed)
{
    ALLOC_GROW(c->pts, c->len + 1, c->alloc);
    struct chart_point *pt = &c->pts[c->len++];
    pt->chart = chart;
    pt->metric = M_NONE;
    pt->series = xstrdup(series ? series : "");
    pt->label = xstrdup(label ? label : "");
    pt->x = x;
    pt->n = n;
    pt->k = k;
    pt->value = value;
    pt->ci_low = ci_low;
    pt->ci_high = ci_high;
    pt->suppressed = suppressed;
    return pt;
}

void chart_set_filter(struct chart_set *c, int (*keep)(const struct chart_point *, void *), void *arg)
{
    size_t o = 0;
    for (size_t i = 0; i < c->len; i++) {
        struct chart_point *pt = &c->pts[i];
        if (keep(pt, arg)) {
            c->pts[o++] = *pt;
        } else {
            free(pt->series);
            free(pt->label);
        }
    }
    c->len = o;
}

void chart_set_take(struct chart_set *dst, struct chart_set *src)
{
    if (!src->len)
        return; /* src->pts may be NULL: no memcpy from it */
    ALLOC_GROW(dst->pts, dst->len + src->len, dst->alloc);
    memcpy(dst->pts + dst->len, src->pts, src->len * sizeof *src->pts);
    dst->len += src->len;
    src->len = 0;
}

/* The CSV of chart's points, of one label only when label is not NULL. */
static void points_csv(const struct chart_set *c, enum chart_id chart, const char *label, struct buf *out)
{
    buf_adds(out, "series,label,x,n,k,value,ci_low,ci_high,suppressed\n");
    for (size_t i = 0; i < c->len; i++) {
        const struct chart_point *pt = &c->pts[i];
        if (pt->chart != chart || (label && strcmp(pt->label, label)))
            continue;
        metric_csv_field(out, pt->series);
        buf_addc(out, ',');
        metric_csv_field(out, pt->label);
        buf_addc(out, ',');
        csv_number(out, pt->x);
        buf_addc(out, ',');
        csv_int(out, pt->n);
        buf_addc(out, ',');
        csv_int(out, pt->k);
        buf_addc(out, ',');
        csv_number(out, pt->value);
        buf_addc(out, ',');
        csv_number(out, pt->ci_low);
        buf_addc(out, ',');
        csv_number(out, pt->ci_high);
        buf_addf(out, ",%d\n", pt->suppressed);
    }
}

void chart_set_csv(const struct chart_set *c, enum chart_id chart, struct buf *out)
{
    points_csv(c, chart, NULL, out);
}

void chart_set_csv_label(const struct chart_set *c, enum chart_id chart, const char *label, struct buf *out)
{
    points_csv(c, chart, label, out);
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t chart_set_labels(const struct chart_set *c, enum chart_id chart, const char ***out)
{
    const char **v = xmalloc((c->len ? c->len : 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < c->len; i++)
        if (c->pts[i].chart == chart)
            v[n++] = c->pts[i].label;
    if (n)
        qsort(v, n, sizeof *v, cmp_cstr);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!u || strcmp(v[u - 1], v[i]))
            v[u++] = v[i];
    *out = v;
    return u;
}

/* Labels come from data (exam names): only [a-z0-9-] may reach a file
 * name, so no label can name a path, a hidden file or another chart. */
char **chart_label_slugs(const char *const *labels, size_t n)
{
    char **out = xcalloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        char s[CHART_SLUG_MAX + 1];
        size_t o = 0;
        for (const char *c = labels[i]; *c && o < CHART_SLUG_MAX - 4; c++) {
            unsigned char u = (unsigned char)*c;
            if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9'))
                s[o++] = (char)u;
            else if (u >= 'A' && u <= 'Z')
                s[o++] = (char)(u - 'A' + 'a');
            else if (o && s[o - 1] != '-')
                s[o++] = '-';
        }
        while (o && s[o - 1] == '-')
            o--;
        if (!o)
            s[o++] = 'x';
        s[o] = '\0';
        /* a repeat (labels differing only in case or punctuation) gets -2, -3... */
        char t[CHART_SLUG_MAX + 16];
        snprintf(t, sizeof t, "%s", s);
        for (unsigned k = 2;; k++) {
            size_t j;
            for (j = 0; j < i && strcmp(out[j], t); j++)
                ;
            if (j == i)
                break;
            snprintf(t, sizeof t, "%s-%u", s, k);
        }
        out[i] = xstrdup(t);
    }
    return out;
}

/* By chart name, then insertion order: seq counts within a chart. */
struct point_ref {
    const char *chart;
    size_t i;
};

static int cmp_points(const void *a, const void *b)
{
    const struct point_ref *x = a, *y = b;
    int c = strcmp(x->chart, y->chart);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

int chart_set_store(const struct chart_set *c, sqlite3 *db, struct imgo_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = db_exec(db, "DELETE FROM chart_points", err);
    if (!rc)
        rc = db_prepare(db,
                        "INSERT INTO chart_points (chart, seq, series, label, x, n, k, value, ci_low,"
                        " ci_high, suppressed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                        &st, err);
    struct point_ref *order = xmalloc((c->len ? c->len : 1) * sizeof *order);
    for (size_t i = 0; i < c->len; i++) {
        order[i].chart = chart_name(c->pts[i].chart);
        order[i].i = i;
    }
    qsort(order, c->len, sizeof *order, cmp_points);
    long seq = 0;
    for (size_t i = 0; !rc && i < c->len; i++) {
        const struct chart_point *pt = &c->pts[order[i].i];
        if (i == 0 || order[i - 1].chart != order[i].chart)
            seq = 0;
        seq++;
        sqlite3_bind_text(st, 1, order[i].chart, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, seq);
        sqlite3_bind_text(st, 3, pt->series, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, pt->label, -1, SQLITE_STATIC);
        bind_number(st, 5, pt->x);
        bind_estimate(st, 6, pt->n, pt->k, pt->value, pt->ci_low, pt->ci_high);
        sqlite3_bind_int(st, 11, pt->suppressed);
        rc = step_done(db, st, err);
    }
    free(order);
    sqlite3_finalize(st);
    return rc;
}

