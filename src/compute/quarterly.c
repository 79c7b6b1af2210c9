/*
 * quarterly.c - the quarterly committee packet's bias screens as metric
 * rows (docs/METRICS-EXTRA.md, quarterly.*), so that the packet, like the
 * annual report, only shows rows of the metrics table.
 *
 * The quarters are the calendar quarter holding the as-of date and the four
 * before it (the packet shows four and uses the fifth to tell whether the
 * first one's signal recurs); a quarter is its period, `2026Q3`, and ends
 * at the as-of date when that comes first. Per quarter: the mean evaluation
 * score of each group and the Welch gap; the share of residents with
 * feedback who had a negative comment, and of residents reviewed by the
 * CCC who had an adverse action, with Newcombe differences. Also the
 * cohort's 10th percentile of step2_score, one of the packet's
 * early-warning criteria.
 */
#include "compute.h"
#include "date.h"
#include "db.h"
#include "mem.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_QUARTERS 5

struct quarter {
    int start, end; /* day numbers, end clipped to as-of */
    char period[16];
};

/* The five quarters, oldest first. */
static void quarters(int as_of, struct quarter q[N_QUARTERS])
{
    int y, m, d;
    date_to_ymd(as_of, &y, &m, &d);
    int now = y * 4 + (m - 1) / 3; /* quarters since year 0 */
    for (int i = 0; i < N_QUARTERS; i++) {
        int qi = now - (N_QUARTERS - 1 - i), qy = qi / 4, qn = qi % 4 + 1;
        q[i].start = date_from_ymd(qy, 3 * (qn - 1) + 1, 1);
        q[i].end = (qn == 4 ? date_from_ymd(qy + 1, 1, 1) : date_from_ymd(qy, 3 * qn + 1, 1)) - 1;
        if (q[i].end > as_of)
            q[i].end = as_of;
        snprintf(q[i].period, sizeof q[i].period, "%dQ%d", qy, qn);
    }
}

/* The quarter holding day, or -1. */
static int which(const struct quarter *q, int day)
{
    for (int i = 0; i < N_QUARTERS; i++)
        if (day >= q[i].start && day <= q[i].end)
            return i;
    return -1;
}

static int evaluations(struct compute_ctx *x, const struct quarter *q, struct imgo_err *err)
{
    struct res_cursor c;
    int rc = res_cursor_open(&c, x,
                             "SELECT rid, eval_date, score FROM evaluations WHERE eval_date BETWEEN ?2 AND ?1"
                             " ORDER BY rid",
                             err);
    if (rc)
        return rc;
    sqlite3_bind_int(c.st, 2, q[0].start);
    struct stats_moments mom[N_QUARTERS][3];
    for (int i = 0; i < N_QUARTERS; i++)
        for (int g = 0; g < 3; g++)
            mom[i][g] = (struct stats_moments)STATS_MOMENTS_INIT;
    int s;
    while ((s = res_cursor_next(&c, err)) > 0) {
        int i = which(q, sqlite3_column_int(c.st, 1));
        if (i < 0)
            continue;
        double score = sqlite3_column_double(c.st, 2);
        stats_moments_add(&mom[i][c.r->img], score);
        stats_moments_add(&mom[i][GROUP_ALL], score);
    }
    res_cursor_close(&c);
    if (s < 0)
        return err->status;
    for (int i = 0; i < N_QUARTERS; i++) {
        for (int g = 0; g < 3; g++) {
            /* scores are 1..9 (inputs.md) */
            struct stats_est e = compute_clamp(stats_mean_ci(&mom[i][g], x->conf), 1, 9);
            e.p = NAN;
            metric_add(x->m, M_QUARTERLY_EVALUATION_SCORE, compute_group_name[g], NULL, q[i].period,
                       mom[i][g].n, METRIC_EMPTY, e);
        }
        const struct stats_moments *a = &mom[i][GROUP_IMG], *b = &mom[i][GROUP_NON_IMG];
        if (a->n >= 1 && b->n >= 1)
            metric_add(x->m, M_QUARTERLY_EVALUATION_GAP, "img_vs_non_img", NULL, q[i].period, a->n + b->n, a->n,
                       compute_clamp(stats_welch(a, b, x->conf), -8, 8));
    }
    return IMGO_OK;
}

/* Per quarter and group, n residents with a row of sql in the quarter and
 * k of them with a flagged row (sql gives rid, date, flag in rid order). */
static int residents_flagged(struct compute_ctx *x, const struct quarter *q, const char *sql, enum metric_id rate,
                             enum metric_id diff, struct imgo_err *err)
{
    struct res_cursor c;
    int rc = res_cursor_open(&c, x, sql, err);
    if (rc)
        return rc;
    sqlite3_bind_int(c.st, 2, q[0].start);
    long n[N_QUARTERS][3], k[N_QUARTERS][3];
    memset(n, 0, sizeof n);
    memset(k, 0, sizeof k);
    int seen[N_QUARTERS] = { 0 }, flag[N_QUARTERS] = { 0 }, img = 0, s;
    for (;;) {
        s = res_cursor_next(&c, err);
        if (s <= 0 || c.first) {
            /* the previous resident is complete */
            for (int i = 0; i < N_QUARTERS; i++)
                if (seen[i])
                    compute_count(n[i], k[i], img, flag[i]);
            memset(seen, 0, sizeof seen);
            memset(flag, 0, sizeof flag);
        }
        if (s <= 0)
            break;
        img = c.r->img;
        int i = which(q, sqlite3_column_int(c.st, 1));
        if (i >= 0) {
            seen[i] = 1;
            flag[i] |= sqlite3_column_int(c.st, 2) != 0;
        }
    }
    res_cursor_close(&c);
    if (s < 0)
        return err->status;
    for (int i = 0; i < N_QUARTERS; i++) {
        for (int g = 0; g < 3; g++)
            compute_add_rate(x, rate, g, NULL, q[i].period, k[i][g], n[i][g]);
        if (n[i][GROUP_IMG] >= 1 && n[i][GROUP_NON_IMG] >= 1)
            metric_add(x->m, diff, "img_vs_non_img", NULL, q[i].period, n[i][GROUP_IMG] + n[i][GROUP_NON_IMG],
                       k[i][GROUP_IMG] + k[i][GROUP_NON_IMG],
                       stats_newcombe(k[i][GROUP_IMG], n[i][GROUP_IMG], k[i][GROUP_NON_IMG], n[i][GROUP_NON_IMG],
                                      x->conf));
    }
    return IMGO_OK;
}

/* The 10th percentile of step2_score over the residents who started by
 * as-of (gsl_stats_quantile_from_sorted_data: R's type 7). */
static int step2_p10(struct compute_ctx *x, struct imgo_err *err)
{
    struct res_cursor c;
    int rc = res_cursor_open(&c, x,
                             "SELECT rid, step2_score FROM residents WHERE step2_score IS NOT NULL ORDER BY rid",
                             err);
    if (rc)
        return rc;
    double *v = NULL;
    size_t n = 0, alloc = 0;
    int s;
    while ((s = res_cursor_next(&c, err)) > 0) {
        ALLOC_GROW(v, n + 1, alloc);
        v[n++] = sqlite3_column_double(c.st, 1);
    }
    res_cursor_close(&c);
    if (s < 0) {
        free(v);
        return err->status;
    }
    struct stats_est e = { NAN, NAN, NAN, NAN };
    if (n) {
        gsl_sort(v, 1, n);
        e.value = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.10);
    }
    metric_add(x->m, M_QUARTERLY_STEP2_P10, "all", NULL, NULL, (long)n, METRIC_EMPTY, e);
    free(v);
    return IMGO_OK;
}

int compute_quarterly(struct compute_ctx *x, struct imgo_err *err)
{
    struct quarter q[N_QUARTERS];
    quarters(x->as_of, q);
    int rc = evaluations(x, q, err);
    if (!rc)
        rc = residents_flagged(x, q,
                               "SELECT rid, feedback_date, valence = 'negative' FROM feedback"
                               " WHERE feedback_date BETWEEN ?2 AND ?1 ORDER BY rid",
                               M_QUARTERLY_NEGATIVE_FEEDBACK_RATE, M_QUARTERLY_NEGATIVE_FEEDBACK_DIFF, err);
    if (!rc)
        rc = residents_flagged(x, q,
                               "SELECT rid, review_date, action IN ('remediation', 'probation', 'non_promotion',"
                               " 'dismissal') FROM ccc_actions WHERE review_date BETWEEN ?2 AND ?1 ORDER BY rid",
                               M_QUARTERLY_ADVERSE_ACTION_RATE, M_QUARTERLY_ADVERSE_ACTION_DIFF, err);
    if (!rc)
        rc = step2_p10(x, err);
    return rc;
}
