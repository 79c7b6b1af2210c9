/*
 * institution.c - the programs of a sponsoring institution (metrics.md
 * "Programs of a sponsoring institution"): per program, stratum
 * `program=P`, the first-attempt board pass rate over the last three
 * years, retention in training at three years, the adverse CCC action rate
 * and tiered mentor coverage, each for all, img and non_img (also when a
 * group has nobody there), and the institution's own row of each (empty
 * stratum, group all: every program together, the sum of the programs'
 * counts, so that a report can print the pooled rate and its audit knows
 * the parts add up to it). institution.milestone_gap is fitted with the other
 * milestone models (milestone.c).
 *
 * The funnel plots of the board pass and adverse action rates across
 * programs (docs/TABLES.md institution_board_funnel,
 * institution_adverse_funnel) are written here too: each program's rate
 * against its n, the pooled rate, exact binomial limits after
 * Spiegelhalter (funnel_limits_at) and the programs outside them, so that the report draws
 * and names what compute decided.
 *
 * The programs are those of the active residents (started by as-of, in a
 * selected program). Nothing is read here: the families before this one
 * left each resident's first certification attempt (compute_board), CCC
 * flags (compute_adverse) and coverage (compute_mentor) on the resident;
 * retention is from the resident's own dates, as retention.km.
 */
#include "compute.h"
#include "date.h"
#include "mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RETENTION_T 1095

/* The funnel limits: 95% and 99.8% two-sided, as the evaluator funnel's. */
static const struct {
    const char *limit, *outside;
    double conf;
} funnel_limits[2] = { { "limit95", "outside95", 0.95 }, { "limit998", "outside998", 0.998 } };

/* The grid of the limits' n: every n up to FUNNEL_DENSE, then n times
 * FUNNEL_STEP, rounded (each step at least 5 more from 100 on). */
#define FUNNEL_DENSE 100
#define FUNNEL_STEP 1.05

/* Per program: the counters of each rate, by group. */
struct prog_counts {
    int has_resident;
    long board_n[3], board_k[3], adv_n[3], adv_k[3], cov_n[3], cov_k[3];
    struct compute_surv sv[3];
};

/* retention.km at RETENTION_T of one program, groups all, img, non_img
 * (from group 'first' on: GROUP_ALL alone for the institution). */
static void retention_rows(struct compute_ctx *x, struct compute_surv sv[3], const char *stratum, int first)
{
    for (int g = first; g < 3; g++) {
        struct stats_km km;
        stats_km_fit(sv[g].obs, sv[g].len, x->conf, &km);
        long k = 0;
        for (size_t j = 0; j < sv[g].len; j++)
            k += sv[g].obs[j].event && sv[g].obs[j].time <= RETENTION_T;
        struct stats_est e = stats_km_at(&km, RETENTION_T);
        e.p = NAN;
        metric_add(x->m, M_INSTITUTION_RETENTION_3Y, compute_group_name[g], stratum, NULL, (long)sv[g].len, k, e);
        stats_km_release(&km);
    }
}

/* The control limits around p0 at n for confidence conf: the lower one is
 * Spiegelhalter's interpolated exact binomial limit of the events
 * (stats_funnel_limit), the upper one the same limit of the non-events
 * taken from 1. His interpolation spreads the probability of a count r
 * over (r - 1, r], so a limit for the events sits just below the count it
 * was interpolated to and would put that count outside; counted from the
 * other end, each limit lies between the last count inside and the first
 * count outside. A rate k/n is then outside exactly when the binomial tail
 * beyond k (P(X <= k), or P(X >= k)) is below (1 - conf) / 2. */
static void funnel_limits_at(double p0, long n, double conf, double *lo, double *hi)
{
    double tail = (1.0 - conf) / 2.0;
    *lo = stats_funnel_limit(p0, n, tail);
    *hi = 1.0 - stats_funnel_limit(1.0 - p0, n, tail);
}

/* The funnel chart of one rate across programs (group all): programs in
 * order[0..np) with counts n[i], k[i] (a program of n = 0 has no rate and
 * is no point); nothing when no program has anyone. Points carry the
 * metric, so they go when its source file is absent. */
static void funnel_chart(struct compute_ctx *x, enum chart_id chart, enum metric_id metric, const int *order,
                         size_t np, const long *n, const long *k)
{
    long total_n = 0, total_k = 0, xmin = 0, xmax = 0;
    for (size_t i = 0; i < np; i++) {
        if (n[i] <= 0)
            continue;
        total_n += n[i];
        total_k += k[i];
        if (!xmin || n[i] < xmin)
            xmin = n[i];
        if (n[i] > xmax)
            xmax = n[i];
    }
    if (!total_n)
        return;
    double p0 = (double)total_k / (double)total_n;
    int min_cell = x->p->min_cell;
    struct chart_point *pt;
    for (size_t i = 0; i < np; i++) {
        if (n[i] <= 0)
            continue;
        const char *code = strdict_str(x->programs, order[i]);
        double rate = (double)k[i] / (double)n[i];
        double lo, hi;
        funnel_limits_at(p0, n[i], funnel_limits[0].conf, &lo, &hi);
        pt = chart_add(x->c, chart, "program", code, (double)n[i], n[i], k[i], rate, lo, hi, n[i] < min_cell);
        pt->metric = metric;
    }
    for (int l = 0; l < 2; l++)
        for (size_t i = 0; i < np; i++) {
            if (n[i] <= 0)
                continue;
            double rate = (double)k[i] / (double)n[i], lo, hi;
            funnel_limits_at(p0, n[i], funnel_limits[l].conf, &lo, &hi);
            if (!(rate < lo || rate > hi))
                continue;
            pt = chart_add(x->c, chart, funnel_limits[l].outside, strdict_str(x->programs, order[i]),
                           (double)n[i], n[i], k[i], rate, lo, hi, n[i] < min_cell);
            pt->metric = metric;
        }
    for (int end = 0; end < 2; end++) {
        pt = chart_add(x->c, chart, "pooled", NULL, (double)(end ? xmax : xmin), total_n, total_k, p0, NAN, NAN,
                       total_n < min_cell);
        pt->metric = metric;
    }
    /* the limits on a grid of whole numbers of residents that no program
     * sets (every n to FUNNEL_DENSE, then steps of about 5%), up to the
     * largest program: a report draws the part within the programs it
     * shows, which then tells nothing of the sizes of those it hides */
    for (int l = 0; l < 2; l++) {
        for (long xv = 1;; xv = xv < FUNNEL_DENSE ? xv + 1 : lround((double)xv * FUNNEL_STEP)) {
            double lo, hi;
            funnel_limits_at(p0, xv, funnel_limits[l].conf, &lo, &hi);
            pt = chart_add(x->c, chart, funnel_limits[l].limit, NULL, (double)xv, METRIC_EMPTY, METRIC_EMPTY, p0, lo,
                           hi, 0);
            pt->metric = metric;
            if (xv >= xmax)
                break;
        }
    }
}

int compute_institution(struct compute_ctx *x, struct imgo_err *err)
{
    (void)err;
    size_t np = x->programs->len;
    struct prog_counts *pc = xcalloc(np ? np : 1, sizeof *pc), total;
    memset(&total, 0, sizeof total);
    /* the span of institution.board_pass ends at the latest year of any
     * first certification attempt, over all selected programs */
    int ymax = 0, any_cert = 0;
    for (size_t i = 0; i < x->n_res; i++) {
        const struct compute_resident *r = &x->res[i];
        if (r->active && r->has_first_cert && (!any_cert || date_year(r->first_cert_date) > ymax)) {
            ymax = date_year(r->first_cert_date);
            any_cert = 1;
        }
    }
    for (size_t i = 0; i < x->n_res; i++) {
        const struct compute_resident *r = &x->res[i];
        if (!r->active)
            continue;
        struct prog_counts *c = &pc[r->program];
        c->has_resident = 1;
        if (r->has_first_cert && date_year(r->first_cert_date) >= ymax - 2)
            compute_count(c->board_n, c->board_k, r->img, r->first_cert_pass);
        if (r->has_ccc)
            compute_count(c->adv_n, c->adv_k, r->img, r->adverse);
        if (r->cov_subject)
            compute_count(c->cov_n, c->cov_k, r->img, r->covered);
        /* as retention.km: attrition by as-of is the event */
        int ended = r->has_end && r->end <= x->as_of;
        int t = ended ? r->end - r->start : x->as_of - r->start;
        int event = ended && (r->exit_reason == EXIT_WITHDREW || r->exit_reason == EXIT_DISMISSED ||
                              r->exit_reason == EXIT_TRANSFERRED);
        compute_surv_add(&c->sv[r->img], t, event, r->img);
        compute_surv_add(&c->sv[GROUP_ALL], t, event, r->img);
        compute_surv_add(&total.sv[GROUP_ALL], t, event, r->img);
    }
    int *order = strdict_sorted(x->programs);
    struct buf stratum = BUF_INIT;
    char span[32];
    snprintf(span, sizeof span, "%d-%d", ymax - 2, ymax);
    /* the programs with a resident, in byte order of their codes, and
     * their 'all' counts for the funnels */
    int *shown = xmalloc((np ? np : 1) * sizeof *shown);
    long *fb_n = xmalloc((np ? np : 1) * sizeof *fb_n), *fb_k = xmalloc((np ? np : 1) * sizeof *fb_k);
    long *fa_n = xmalloc((np ? np : 1) * sizeof *fa_n), *fa_k = xmalloc((np ? np : 1) * sizeof *fa_k);
    size_t ns = 0;
    for (size_t i = 0; i < np; i++) {
        struct prog_counts *c = &pc[order[i]];
        if (!c->has_resident)
            continue;
        buf_reset(&stratum);
        buf_addf(&stratum, "program=%s", strdict_str(x->programs, order[i]));
        const char *s = buf_str(&stratum);
        if (any_cert)
            compute_add_rates(x, M_INSTITUTION_BOARD_PASS, M_NONE, s, span, c->board_k, c->board_n);
        retention_rows(x, c->sv, s, 0);
        compute_add_rates(x, M_INSTITUTION_ADVERSE_ACTION_RATE, M_NONE, s, NULL, c->adv_k, c->adv_n);
        compute_add_rates(x, M_INSTITUTION_TIERED_COVERAGE, M_NONE, s, NULL, c->cov_k, c->cov_n);
        for (int g = 0; g < 3; g++) {
            total.board_n[g] += c->board_n[g];
            total.board_k[g] += c->board_k[g];
            total.adv_n[g] += c->adv_n[g];
            total.adv_k[g] += c->adv_k[g];
            total.cov_n[g] += c->cov_n[g];
            total.cov_k[g] += c->cov_k[g];
        }
        shown[ns] = order[i];
        fb_n[ns] = c->board_n[GROUP_ALL];
        fb_k[ns] = c->board_k[GROUP_ALL];
        fa_n[ns] = c->adv_n[GROUP_ALL];
        fa_k[ns++] = c->adv_k[GROUP_ALL];
    }
    if (ns) {
        /* the institution: every program together, group all only (its
         * IMG and non-IMG figures are the annual report's; here a total
         * per group would tie every program's small groups together) */
        if (any_cert)
            compute_add_rate(x, M_INSTITUTION_BOARD_PASS, GROUP_ALL, NULL, span, total.board_k[GROUP_ALL],
                             total.board_n[GROUP_ALL]);
        retention_rows(x, total.sv, NULL, GROUP_ALL);
        compute_add_rate(x, M_INSTITUTION_ADVERSE_ACTION_RATE, GROUP_ALL, NULL, NULL, total.adv_k[GROUP_ALL],
                         total.adv_n[GROUP_ALL]);
        compute_add_rate(x, M_INSTITUTION_TIERED_COVERAGE, GROUP_ALL, NULL, NULL, total.cov_k[GROUP_ALL],
                         total.cov_n[GROUP_ALL]);
        if (any_cert)
            funnel_chart(x, C_INSTITUTION_BOARD_FUNNEL, M_INSTITUTION_BOARD_PASS, shown, ns, fb_n, fb_k);
        funnel_chart(x, C_INSTITUTION_ADVERSE_FUNNEL, M_INSTITUTION_ADVERSE_ACTION_RATE, shown, ns, fa_n, fa_k);
    }
    for (size_t i = 0; i < np; i++)
        for (int g = 0; g < 3; g++)
            free(pc[i].sv[g].obs);
    for (int g = 0; g < 3; g++)
        free(total.sv[g].obs);
    free(shown);
    free(fb_n);
    free(fb_k);
    free(fa_n);
    free(fa_k);
    buf_release(&stratum);
    free(order);
    free(pc);
    return IMGO_OK;
}
