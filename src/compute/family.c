/*
 * family.c - what every metric family shares (the second half of
 * compute.h): finding a resident by rid, reading a table in rid order with
 * each row's resident, counting by group, adding a rate's row (and its
 * difference by group, also one per academic year, and its change from
 * the year before), clamping an interval, Kaplan-Meier rows with their
 * step curves, and the warnings of a run.
 */
#include "compute.h"
#include "date.h"
#include "db.h"
#include "mem.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const compute_group_name[3] = { "non_img", "img", "all" };

struct compute_resident *compute_find(const struct compute_ctx *x, long long rid)
{
    if (x->rid_index) {
        if (rid < 0 || rid > x->max_rid)
            return NULL;
        int i = x->rid_index[rid];
        return i ? &x->res[i - 1] : NULL;
    }
    size_t lo = 0, hi = x->n_res;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->res[mid].rid < rid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < x->n_res && x->res[lo].rid == rid ? &x->res[lo] : NULL;
}

struct stats_est compute_clamp(struct stats_est e, double lo, double hi)
{
    if (e.lo < lo)
        e.lo = lo;
    if (e.hi > hi)
        e.hi = hi;
    return e;
}

struct metric_row *compute_add_rate(struct compute_ctx *x, enum metric_id metric, int g, const char *stratum,
                                    const char *period, long k, long n)
{
    struct stats_est e = stats_wilson(k, n, x->conf);
    e.p = NAN;
    return metric_add(x->m, metric, compute_group_name[g], stratum, period, n, k, e);
}

void compute_count(long n[3], long k[3], int img, long hit)
{
    assert(img == 0 || img == 1);
    n[img]++;
    n[GROUP_ALL]++;
    k[img] += hit;
    k[GROUP_ALL] += hit;
}

void compute_add_rates(struct compute_ctx *x, enum metric_id rate, enum metric_id diff, const char *stratum,
                       const char *period, const long k[3], const long n[3])
{
    for (int g = 0; g < 3; g++)
        compute_add_rate(x, rate, g, stratum, period, k[g], n[g]);
    if (diff == M_NONE || n[GROUP_IMG] < 1 || n[GROUP_NON_IMG] < 1)
        return;
    struct stats_est e = stats_newcombe(k[GROUP_IMG], n[GROUP_IMG], k[GROUP_NON_IMG], n[GROUP_NON_IMG], x->conf);
    metric_add(x->m, diff, "img_vs_non_img", stratum, period, n[GROUP_IMG] + n[GROUP_NON_IMG],
               k[GROUP_IMG] + k[GROUP_NON_IMG], e);
}

void compute_add_change(struct compute_ctx *x, enum metric_id change, const char *stratum, int year, long k1,
                        long n1, long k0, long n0)
{
    assert(n1 >= 1 && n0 >= 1);
    char period[16];
    snprintf(period, sizeof period, "%d", year);
    struct stats_est e = stats_newcombe(k1, n1, k0, n0, x->conf);
    struct metric_row *r = metric_add(x->m, change, "all", stratum, period, n1 + n0, k1 + k0, e);
    /* the sum can pass min_cell while one year alone is a small group */
    if (n1 < x->p->min_cell || n0 < x->p->min_cell)
        r->suppressed = 1;
}

void compute_warn(struct compute_ctx *x, const char *fmt, ...)
{
    struct compute_warnings *w = x->warnings;
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    ALLOC_GROW(w->text, w->len + 1, w->alloc);
    w->text[w->len++] = buf_detach(&b, NULL);
}

void compute_quote(struct buf *b, const char *s)
{
    buf_addc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            buf_addf(b, "\\x%02x", c);
        else
            buf_addc(b, (char)c);
    }
    buf_addc(b, '"');
}

int compute_academic_year(int day)
{
    int y, m, d;
    date_to_ymd(day, &y, &m, &d);
    return m >= 7 ? y + 1 : y;
}

void compute_ay_period(int ay, char out[16])
{
    snprintf(out, 16, "AY%d", ay);
}

void compute_by_year_add(struct compute_by_year *t, int ay, int img, long hit)
{
    if (!t->n || ay < t->lo || ay > t->hi) {
        /* widen the range to hold ay */
        int lo = !t->n || ay < t->lo ? ay : t->lo, hi = !t->n || ay > t->hi ? ay : t->hi;
        size_t len = (size_t)(hi - lo + 1);
        long (*n)[3] = xcalloc(len, sizeof *n), (*k)[3] = xcalloc(len, sizeof *k);
        for (int y = t->lo; t->n && y <= t->hi; y++) {
            memcpy(n[y - lo], t->n[y - t->lo], sizeof *n);
            memcpy(k[y - lo], t->k[y - t->lo], sizeof *k);
        }
        free(t->n);
        free(t->k);
        t->n = n;
        t->k = k;
        t->lo = lo;
        t->hi = hi;
    }
    compute_count(t->n[ay - t->lo], t->k[ay - t->lo], img, hit);
}

void compute_by_year_rows(struct compute_ctx *x, const struct compute_by_year *t, enum metric_id rate,
                          enum metric_id diff, enum chart_id chart)
{
    for (int y = t->lo; t->n && y <= t->hi; y++) {
        if (!t->n[y - t->lo][GROUP_ALL])
            continue;
        char period[16];
        compute_ay_period(y, period);
        compute_add_rates(x, rate, diff, NULL, period, t->k[y - t->lo], t->n[y - t->lo]);
    }
    /* by series (group), then year, as every yearly chart */
    static const int order[3] = { GROUP_ALL, GROUP_IMG, GROUP_NON_IMG };
    for (int oi = 0; chart != C_NONE && oi < 3; oi++) {
        int g = order[oi];
        for (int y = t->lo; t->n && y <= t->hi; y++) {
            const long *n = t->n[y - t->lo], *k = t->k[y - t->lo];
            if (!n[GROUP_ALL])
                continue;
            struct stats_est e = stats_wilson(k[g], n[g], x->conf);
            chart_add(x->c, chart, compute_group_name[g], NULL, y, n[g], k[g], e.value, e.lo, e.hi,
                      n[g] < x->p->min_cell);
        }
    }
}

void compute_by_year_release(struct compute_by_year *t)
{
    free(t->n);
    free(t->k);
    memset(t, 0, sizeof *t);
}

int res_cursor_open(struct res_cursor *c, struct compute_ctx *x, const char *sql, struct imgo_err *err)
{
    memset(c, 0, sizeof *c);
    c->x = x;
    int rc = db_prepare(x->db, sql, &c->st, err);
    if (!rc && sqlite3_bind_parameter_count(c->st) >= 1)
        sqlite3_bind_int(c->st, 1, x->as_of);
    return rc;
}

int res_cursor_next(struct res_cursor *c, struct imgo_err *err)
{
    int s;
    while ((s = sqlite3_step(c->st)) == SQLITE_ROW) {
        long long rid = sqlite3_column_int64(c->st, 0);
        int first = !c->started || rid != c->rid;
        c->started = 1;
        c->rid = rid;
        if (first)
            c->r = compute_find(c->x, rid);
        if (!c->r || !c->r->active)
            continue;
        c->first = first;
        return 1;
    }
    if (s != SQLITE_DONE) {
        db_error(c->x->db, err);
        return -1;
    }
    return 0;
}

void res_cursor_close(struct res_cursor *c)
{
    sqlite3_finalize(c->st);
    c->st = NULL;
}

void compute_surv_add(struct compute_surv *s, double time, int event, int group)
{
    ALLOC_GROW(s->obs, s->len + 1, s->alloc);
    s->obs[s->len].time = time;
    s->obs[s->len].event = event;
    s->obs[s->len].group = group;
    s->len++;
}

void compute_km_rows(struct compute_ctx *x, enum metric_id metric, struct compute_surv sv[3],
                     const int *ts, int n_ts, enum chart_id chart)
{
    static const int order[3] = { GROUP_IMG, GROUP_NON_IMG, GROUP_ALL };
    for (int oi = 0; oi < 3; oi++) {
        int g = order[oi];
        struct stats_km km;
        stats_km_fit(sv[g].obs, sv[g].len, x->conf, &km);
        for (int i = 0; i < n_ts; i++) {
            long k = 0;
            for (size_t j = 0; j < sv[g].len; j++)
                k += sv[g].obs[j].event && sv[g].obs[j].time <= ts[i];
            struct stats_est e = stats_km_at(&km, ts[i]);
            e.p = NAN;
            char stratum[32];
            snprintf(stratum, sizeof stratum, "t=%d", ts[i]);
            metric_add(x->m, metric, compute_group_name[g], stratum, NULL, (long)sv[g].len, k, e);
        }
        if (chart != C_NONE && g != GROUP_ALL) {
            int sup = (long)sv[g].len < x->p->min_cell;
            chart_add(x->c, chart, compute_group_name[g], NULL, 0, (long)sv[g].len, 0, 1, NAN, NAN,
                      sup);
            for (size_t j = 0; j < km.n_steps; j++) {
                const struct stats_km_step *s = &km.steps[j];
                chart_add(x->c, chart, compute_group_name[g], NULL, s->time, s->n_risk, s->n_event,
                          s->surv, s->lo, s->hi, sup);
            }
        }
        stats_km_release(&km);
    }
}
