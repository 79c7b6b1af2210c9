/*
 * survival.c - Kaplan-Meier curves and the log-rank test (stats.h).
 *
 * Retention in training and after graduation are time-to-event metrics with
 * censoring. The estimates follow R's survival package, which reviewers use
 * to re-check them: survfit (Greenwood variance, log-log interval) and
 * survdiff with rho = 0 (hypergeometric variance, ties included).
 */
#include "stats.h"
#include "mem.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

static int obs_cmp_time(const void *pa, const void *pb)
{
    const struct stats_surv_obs *a = pa, *b = pb;
    return (a->time > b->time) - (a->time < b->time);
}

/* R survfit, conf.type = "log-log": exp(-exp(log(-log S) +- z se / log S))
 * with se = sqrt(Greenwood); undefined when S is 0 or 1. */
static void loglog_interval(double surv, double greenwood, double z, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (!(surv > 0.0 && surv < 1.0) || !isfinite(greenwood) || isnan(z))
        return;
    double ls = log(surv), shift = z * sqrt(greenwood) / ls;
    double a = exp(-exp(log(-ls) + shift)), b = exp(-exp(log(-ls) - shift));
    *lo = a < b ? a : b;
    *hi = a < b ? b : a;
}

void stats_km_fit(struct stats_surv_obs *obs, size_t n, double conf, struct stats_km *km)
{
    km->steps = NULL;
    km->n_steps = 0;
    km->n = (long)n;
    km->max_time = NAN;
    if (n == 0)
        return;
    qsort(obs, n, sizeof *obs, obs_cmp_time);
    km->steps = xmalloc(n * sizeof *km->steps);
    km->max_time = obs[n - 1].time;
    double z = stats_z(conf), surv = 1.0, gw = 0.0;
    long at_risk = (long)n;
    for (size_t i = 0; i < n;) {
        struct stats_km_step *s = &km->steps[km->n_steps++];
        s->time = obs[i].time;
        s->n_risk = at_risk;
        s->n_event = s->n_censor = 0;
        for (; i < n && obs[i].time == s->time; i++) {
            if (obs[i].event)
                s->n_event++;
            else
                s->n_censor++;
        }
        if (s->n_event > 0) {
            double d = (double)s->n_event, r = (double)at_risk;
            surv *= 1.0 - d / r;
            gw = s->n_event < at_risk ? gw + d / (r * (r - d)) : INFINITY;
        }
        s->surv = surv;
        s->greenwood = gw;
        loglog_interval(surv, gw, z, &s->lo, &s->hi);
        at_risk -= s->n_event + s->n_censor;
    }
    km->steps = xrealloc(km->steps, km->n_steps * sizeof *km->steps);
}

void stats_km_release(struct stats_km *km)
{
    FREE_AND_NULL(km->steps);
    km->n_steps = 0;
}

struct stats_est stats_km_at(const struct stats_km *km, double t)
{
    struct stats_est e = { NAN, NAN, NAN, NAN };
    if (km->n_steps == 0 || isnan(t) || t > km->max_time)
        return e;
    /* Last step at or before t: its surv already includes events at t. */
    size_t lo = 0, hi = km->n_steps;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (km->steps[mid].time <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0) {
        e.value = 1.0;
        return e;
    }
    const struct stats_km_step *s = &km->steps[lo - 1];
    e.value = s->surv;
    e.lo = s->lo;
    e.hi = s->hi;
    return e;
}

/* R survdiff (rho = 0) for two groups: at each event time with d events
 * among r at risk (r1 in group 1), E1 += d r1 / r and
 * V += d (r1 / r) (1 - r1 / r) (r - d) / (r - 1); chi-square (O1 - E1)^2 / V. */
struct stats_est stats_logrank(struct stats_surv_obs *obs, size_t n)
{
    struct stats_est e = { NAN, NAN, NAN, NAN };
    if (n == 0)
        return e;
    qsort(obs, n, sizeof *obs, obs_cmp_time);
    long r = (long)n, r1 = 0, events = 0;
    for (size_t i = 0; i < n; i++)
        r1 += obs[i].group == 1;
    double o1 = 0.0, e1 = 0.0, v = 0.0;
    for (size_t i = 0; i < n;) {
        double t = obs[i].time;
        long d = 0, d1 = 0, left = 0, left1 = 0;
        for (; i < n && obs[i].time == t; i++) {
            int g1 = obs[i].group == 1;
            d += obs[i].event != 0;
            d1 += obs[i].event != 0 && g1;
            left++;
            left1 += g1;
        }
        if (d > 0) {
            double fr = (double)r, share = (double)r1 / fr, fd = (double)d;
            o1 += (double)d1;
            e1 += fd * share;
            if (r > 1)
                v += fd * share * (1.0 - share) * (fr - fd) / (fr - 1.0);
            events += d;
        }
        r -= left;
        r1 -= left1;
    }
    if (events == 0 || !(v > 0.0))
        return e;
    e.value = (o1 - e1) * (o1 - e1) / v;
    e.p = gsl_cdf_chisq_Q(e.value, 1.0);
    return e;
}
