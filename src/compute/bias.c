/*
 * bias.c - bias patterns other than the milestone model:
 * evaluator score gaps (bias.evaluator_gap, with the funnel-plot data),
 * negative feedback themes (bias.feedback_theme) and adverse CCC actions
 * (bias.adverse_action_rate, bias.adverse_action_rr, and by academic year
 * trend.adverse_action_rate, trend.adverse_action_diff).
 *
 * Each reads its table once in key order and keeps only per-evaluator,
 * per-theme or per-group counters.
 */
#include "compute.h"
#include "db.h"
#include "mem.h"
#include "strdict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The funnel limits: 95% and 99.8% two-sided. */
static const struct {
    const char *series;
    double conf;
} funnel_limits[2] = { { "limit95", 0.95 }, { "limit998", 0.998 } };

#define FUNNEL_STEPS 40

/* The evaluator_funnel chart of docs/TABLES.md: evaluator points (ev_id,
 * est and q in the same order) at x = their residents, flagged ones, the
 * pooled line and the limits from the pooled resident-level SD. */
static void funnel_chart(struct compute_ctx *x, const struct stats_moments pooled[2],
                         struct stats_est gap, const size_t *ev_id, size_t n_ev,
                         const struct strdict *names, const struct stats_est *est, const double *q,
                         const struct stats_moments (*mom)[2])
{
    long xmin = 0, xmax = 0;
    for (int flagged = 0; flagged < 2; flagged++)
        for (size_t i = 0; i < n_ev; i++) {
            const struct stats_moments *m = mom[ev_id[i]];
            long n = m[0].n + m[1].n;
            if (flagged && !(q[i] < x->p->fdr_q && est[i].value < 0))
                continue;
            chart_add(x->c, C_EVALUATOR_FUNNEL, flagged ? "flagged" : "evaluator",
                      strdict_str(names, (int)ev_id[i]), (double)n, n, m[1].n, est[i].value, est[i].lo,
                      est[i].hi, n < x->p->min_cell);
            if (!flagged) {
                if (!xmin || n < xmin)
                    xmin = n;
                if (n > xmax)
                    xmax = n;
            }
        }
    if (!n_ev) {
        chart_add(x->c, C_EVALUATOR_FUNNEL, "pooled", NULL, NAN, METRIC_EMPTY, METRIC_EMPTY, gap.value,
                  NAN, NAN, 0);
        return;
    }
    chart_add(x->c, C_EVALUATOR_FUNNEL, "pooled", NULL, (double)xmin, METRIC_EMPTY, METRIC_EMPTY,
              gap.value, NAN, NAN, 0);
    chart_add(x->c, C_EVALUATOR_FUNNEL, "pooled", NULL, (double)xmax, METRIC_EMPTY, METRIC_EMPTY,
              gap.value, NAN, NAN, 0);
    long n1 = pooled[1].n, n0 = pooled[0].n;
    double sd = NAN, f = (double)n1 / (double)(n1 + n0);
    if (n1 + n0 > 2)
        sd = sqrt(((double)(n1 - 1) * (n1 > 1 ? stats_moments_var(&pooled[1]) : 0) +
                   (double)(n0 - 1) * (n0 > 1 ? stats_moments_var(&pooled[0]) : 0)) /
                  (double)(n1 + n0 - 2));
    for (int l = 0; l < 2; l++) {
        double z = stats_z(funnel_limits[l].conf);
        for (int i = 0; i <= FUNNEL_STEPS; i++) {
            double xv = (double)xmin * pow((double)xmax / (double)xmin, (double)i / FUNNEL_STEPS);
            double half = z * sd / sqrt(xv * f * (1 - f));
            chart_add(x->c, C_EVALUATOR_FUNNEL, funnel_limits[l].series, NULL, xv, METRIC_EMPTY,
                      METRIC_EMPTY, gap.value, gap.value - half, gap.value + half, 0);
        }
    }
}

/* bias.evaluator_gap counts residents, not evaluations (metrics.md version
 * 2): per evaluator, a resident is one observation, the mean of that
 * evaluator's evaluations of them; pooled, the mean of all their
 * evaluations. Rows come in (rid, evaluator_id) order, so each (resident,
 * evaluator) run and each resident is complete when the next begins; means
 * are taken as sum / count. */
int compute_evaluators(struct compute_ctx *x, struct imgo_err *err)
{
    struct res_cursor c;
    int rc = res_cursor_open(&c, x,
                             "SELECT rid, evaluator_id, score FROM evaluations WHERE eval_date <= ?1"
                             " ORDER BY rid, evaluator_id, eval_date, rotation",
                             err);
    if (rc)
        return rc;
    struct strdict names;
    strdict_init(&names);
    struct stats_moments pooled[2] = { STATS_MOMENTS_INIT, STATS_MOMENTS_INIT };
    struct stats_moments (*mom)[2] = NULL;
    size_t alloc = 0;
    const struct compute_resident *r = NULL;
    int ev = -1, s;
    double ev_sum = 0, res_sum = 0;
    long ev_n = 0, res_n = 0;
    for (;;) {
        s = res_cursor_next(&c, err);
        int id = -1;
        if (s > 0)
            id = strdict_intern(&names, (const char *)sqlite3_column_text(c.st, 1),
                                (size_t)sqlite3_column_bytes(c.st, 1));
        if (r && (s <= 0 || c.first || id != ev)) {
            /* the resident's run of evaluator ev is complete */
            stats_moments_add(&mom[ev][r->img], ev_sum / (double)ev_n);
            ev_sum = 0;
            ev_n = 0;
        }
        if (r && (s <= 0 || c.first)) {
            stats_moments_add(&pooled[r->img], res_sum / (double)res_n);
            res_sum = 0;
            res_n = 0;
        }
        if (s <= 0)
            break;
        r = c.r;
        ev = id;
        ALLOC_GROW_ZERO(mom, (size_t)id + 1, alloc);
        double score = sqlite3_column_double(c.st, 2);
        ev_sum += score;
        ev_n++;
        res_sum += score;
        res_n++;
    }
    res_cursor_close(&c);
    if (s < 0)
        rc = err->status;
    long total = pooled[0].n + pooled[1].n;
    if (!rc && total > 0 && pooled[0].n >= 1 && pooled[1].n >= 1) {
        /* scores are 1..9 (inputs.md): a gap lies in [-8, 8] */
        struct stats_est gap = compute_clamp(stats_welch(&pooled[1], &pooled[0], x->conf), -8, 8);
        metric_add(x->m, M_BIAS_EVALUATOR_GAP, "img_vs_non_img", NULL, NULL, total, pooled[1].n, gap);
        int *order = strdict_sorted(&names);
        size_t n_ev = 0;
        size_t *ev_id = xmalloc((names.len ? names.len : 1) * sizeof *ev_id);
        size_t *rows = xmalloc((names.len ? names.len : 1) * sizeof *rows);
        struct stats_est *est = xmalloc((names.len ? names.len : 1) * sizeof *est);
        double *q = xmalloc((names.len ? names.len : 1) * sizeof *q);
        struct buf stratum = BUF_INIT;
        for (size_t i = 0; i < names.len; i++) {
            const struct stats_moments *m = mom[order[i]];
            if (m[1].n < x->p->min_evaluator_n || m[0].n < x->p->min_evaluator_n)
                continue;
            buf_reset(&stratum);
            buf_addf(&stratum, "evaluator=%s", strdict_str(&names, order[i]));
            est[n_ev] = compute_clamp(stats_welch(&m[1], &m[0], x->conf), -8, 8);
            metric_add(x->m, M_BIAS_EVALUATOR_GAP, "img_vs_non_img", buf_str(&stratum), NULL, m[0].n + m[1].n,
                       m[1].n, est[n_ev]);
            rows[n_ev] = x->m->len - 1;
            ev_id[n_ev++] = (size_t)order[i];
        }
        metric_set_bh(x->m, M_BIAS_EVALUATOR_GAP);
        for (size_t i = 0; i < n_ev; i++)
            q[i] = x->m->rows[rows[i]].q;
        funnel_chart(x, pooled, gap, ev_id, n_ev, &names, est, q,
                     (const struct stats_moments(*)[2])mom);
        buf_release(&stratum);
        free(order);
        free(ev_id);
        free(rows);
        free(est);
        free(q);
    }
    free(mom);
    strdict_release(&names);
    return rc;
}

int compute_feedback(struct compute_ctx *x, struct imgo_err *err)
{
    struct res_cursor cur;
    int rc = res_cursor_open(&cur, x,
                             "SELECT rid, theme, valence FROM feedback WHERE feedback_date <= ?1"
                             " ORDER BY rid, evaluator_id, feedback_date, theme, valence",
                             err);
    if (rc)
        return rc;
    struct strdict themes;
    strdict_init(&themes);
    long counted[2] = { 0, 0 };
    long (*neg)[2] = NULL;      /* residents with a negative comment, by theme and group */
    unsigned *mark = NULL;      /* by theme: resident serial of the last negative seen */
    size_t alloc = 0, mark_alloc = 0;
    unsigned serial = 0;
    int s;
    while ((s = res_cursor_next(&cur, err)) > 0) {
        int img = cur.r->img;
        if (cur.first) {
            counted[img]++;
            serial++;
        }
        const char *valence = (const char *)sqlite3_column_text(cur.st, 2);
        if (!valence || strcmp(valence, "negative"))
            continue;
        int id = strdict_intern(&themes, (const char *)sqlite3_column_text(cur.st, 1),
                                (size_t)sqlite3_column_bytes(cur.st, 1));
        ALLOC_GROW_ZERO(neg, (size_t)id + 1, alloc);
        ALLOC_GROW_ZERO(mark, (size_t)id + 1, mark_alloc);
        if (mark[id] != serial) {
            mark[id] = serial;
            neg[id][img]++;
        }
    }
    res_cursor_close(&cur);
    if (s < 0)
        rc = err->status;
    if (!rc && counted[0] >= 1 && counted[1] >= 1 && themes.len) {
        int *order = strdict_sorted(&themes);
        struct buf stratum = BUF_INIT;
        for (size_t i = 0; i < themes.len; i++) {
            int t = order[i];
            long a = neg[t][1], b = counted[1] - a, c = neg[t][0], d = counted[0] - c;
            struct stats_est e = stats_odds_ratio(a, b, c, d, x->conf);
            const char *name = strdict_str(&themes, t);
            buf_reset(&stratum);
            buf_addf(&stratum, "theme=%s", name);
            long n = counted[0] + counted[1];
            metric_add(x->m, M_BIAS_FEEDBACK_THEME, "img_vs_non_img", buf_str(&stratum), NULL, n, a + c, e);
            chart_add(x->c, C_FEEDBACK_FOREST, "theme", name, (double)(i + 1), n, a + c, e.value, e.lo,
                      e.hi, n < x->p->min_cell);
        }
        metric_set_bh(x->m, M_BIAS_FEEDBACK_THEME);
        buf_release(&stratum);
        free(order);
    }
    free(neg);
    free(mark);
    strdict_release(&themes);
    return rc;
}

/* bias.adverse_action_* and, by academic year, trend.adverse_action_*: one
 * pass over the CCC reviews in key order (rid, review_date). Each
 * resident's flags (a review, an adverse action) stay on the resident for
 * the launch and institution families. */
int compute_adverse(struct compute_ctx *x, struct imgo_err *err)
{
    struct res_cursor c;
    int rc = res_cursor_open(&c, x,
                             "SELECT rid, review_date, action IN ('remediation', 'probation', 'non_promotion',"
                             " 'dismissal') FROM ccc_actions WHERE review_date <= ?1 ORDER BY rid, review_date",
                             err);
    if (rc)
        return rc;
    long n[3] = { 0, 0, 0 }, k[3] = { 0, 0, 0 };
    struct compute_by_year years;
    memset(&years, 0, sizeof years);
    struct compute_resident *r = NULL;
    int ay = 0, ay_flag = 0, s;
    for (;;) {
        s = res_cursor_next(&c, err);
        int day = s > 0 ? sqlite3_column_int(c.st, 1) : 0;
        int next_ay = s > 0 ? compute_academic_year(day) : 0;
        if (r && (s <= 0 || c.first || next_ay != ay)) {
            /* the resident's academic year ay is complete */
            compute_by_year_add(&years, ay, r->img, ay_flag);
            ay_flag = 0;
        }
        if (r && (s <= 0 || c.first)) {
            compute_count(n, k, r->img, r->adverse);
            r = NULL;
        }
        if (s <= 0)
            break;
        r = c.r;
        r->has_ccc = 1;
        ay = next_ay;
        if (sqlite3_column_int(c.st, 2)) {
            r->adverse = 1;
            ay_flag = 1;
        }
    }
    res_cursor_close(&c);
    if (s < 0) {
        compute_by_year_release(&years);
        return err->status;
    }
    for (int g = 0; g < 3; g++)
        compute_add_rate(x, M_BIAS_ADVERSE_ACTION_RATE, g, NULL, NULL, k[g], n[g]);
    if (n[GROUP_IMG] >= 1 && n[GROUP_NON_IMG] >= 1) {
        struct stats_est e = stats_risk_ratio(k[GROUP_IMG], n[GROUP_IMG], k[GROUP_NON_IMG],
                                              n[GROUP_NON_IMG], x->conf);
        metric_add(x->m, M_BIAS_ADVERSE_ACTION_RR, "img_vs_non_img", NULL, NULL,
                   n[GROUP_IMG] + n[GROUP_NON_IMG], k[GROUP_IMG] + k[GROUP_NON_IMG], e);
    }
    compute_by_year_rows(x, &years, M_TREND_ADVERSE_ACTION_RATE, M_TREND_ADVERSE_ACTION_DIFF,
                         C_TREND_ADVERSE_ACTION);
    compute_by_year_release(&years);
    return IMGO_OK;
}
