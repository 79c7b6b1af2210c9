/*
 * stats.c - proportions, means, multiplicity and least squares (stats.h).
 *
 * Every metric of metrics.md reduces to one of these routines. They are
 * written to match the reference implementations the spec names (R's
 * binom/prop intervals of Newcombe 1998, fisher.test, t.test, p.adjust) so
 * that a committee can re-check any number with R. Distributions and matrix
 * work are GSL; what is left here is the arithmetic of the formulas.
 * Survival (Kaplan-Meier, log-rank) lives in survival.c.
 */
#include "stats.h"
#include "mem.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sort.h>

/* Below this reciprocal condition number X'X is treated as rank deficient:
 * exactly collinear dummy columns give ~1e-16, real designs far more. */
#define OLS_RCOND_MIN 1e-10

static const struct stats_est est_nan = { NAN, NAN, NAN, NAN };

static double upper_prob(double conf)
{
    return 1.0 - (1.0 - conf) / 2.0;
}

double stats_z(double conf)
{
    if (!(conf > 0.0 && conf < 1.0))
        return NAN;
    gsl_set_error_handler_off();
    return gsl_cdf_ugaussian_Pinv(upper_prob(conf));
}

double stats_t(double conf, double df)
{
    if (!(conf > 0.0 && conf < 1.0) || !(df > 0.0))
        return NAN;
    gsl_set_error_handler_off();
    return gsl_cdf_tdist_Pinv(upper_prob(conf), df);
}

/* Two-sided p of a t statistic; NAN when it is not finite. */
static double t_two_sided(double t, double df)
{
    if (!isfinite(t) || !(df > 0.0))
        return NAN;
    gsl_set_error_handler_off();
    double p = 2.0 * gsl_cdf_tdist_Q(fabs(t), df);
    return p > 1.0 ? 1.0 : p;
}

/* ---- Proportions --------------------------------------------------------- */

struct stats_est stats_wilson(long k, long n, double conf)
{
    if (n <= 0 || k < 0 || k > n)
        return est_nan;
    double z = stats_z(conf);
    double nn = (double)n, p = (double)k / nn, z2 = z * z;
    if (isnan(z))
        return (struct stats_est){ p, NAN, NAN, NAN };
    double denom = 1.0 + z2 / nn;
    double center = (p + z2 / (2.0 * nn)) / denom;
    double half = z / denom * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
    struct stats_est e = { p, center - half, center + half, NAN };
    if (k == 0 || e.lo < 0.0)
        e.lo = 0.0;
    if (k == n || e.hi > 1.0)
        e.hi = 1.0;
    return e;
}

struct stats_est stats_newcombe(long k1, long n1, long k2, long n2, double conf)
{
    if (n1 <= 0 || n2 <= 0)
        return est_nan;
    struct stats_est w1 = stats_wilson(k1, n1, conf), w2 = stats_wilson(k2, n2, conf);
    if (isnan(w1.value) || isnan(w2.value))
        return est_nan;
    double p1 = w1.value, p2 = w2.value, d = p1 - p2;
    struct stats_est e;
    e.value = d;
    e.lo = d - sqrt((p1 - w1.lo) * (p1 - w1.lo) + (w2.hi - p2) * (w2.hi - p2));
    e.hi = d + sqrt((w1.hi - p1) * (w1.hi - p1) + (p2 - w2.lo) * (p2 - w2.lo));
    e.p = stats_fisher(k1, n1 - k1, k2, n2 - k2);
    return e;
}

/* log of the hypergeometric probability, up to a constant common to every
 * table with these margins: choose(m, x) choose(n, k - x). */
static double log_dhyper_kernel(long x, long m, long n, long k)
{
    return gsl_sf_lnchoose((unsigned)m, (unsigned)x) + gsl_sf_lnchoose((unsigned)n, (unsigned)(k - x));
}

/* As R's fisher.test: m, n the column sums, k the first row sum, x = a;
 * densities are scaled by their maximum before exponentiation so that big
 * tables do not underflow. */
double stats_fisher(long a, long b, long c, long d)
{
    if (a < 0 || b < 0 || c < 0 || d < 0)
        return NAN;
    long m = a + c, n = b + d, k = a + b;
    if (m + n > (long)(UINT_MAX / 2))
        return NAN;
    long lo = k - n > 0 ? k - n : 0, hi = k < m ? k : m;
    size_t len = (size_t)(hi - lo + 1);
    double *ld = xmalloc(len * sizeof *ld);
    double max = -INFINITY;
    for (long x = lo; x <= hi; x++) {
        ld[x - lo] = log_dhyper_kernel(x, m, n, k);
        if (ld[x - lo] > max)
            max = ld[x - lo];
    }
    double total = 0.0;
    for (size_t i = 0; i < len; i++) {
        ld[i] = exp(ld[i] - max);
        total += ld[i];
    }
    double obs = ld[a - lo] / total, p = 0.0;
    const double rel_err = 1.0 + 1e-7;
    for (size_t i = 0; i < len; i++) {
        double di = ld[i] / total;
        if (di <= obs * rel_err)
            p += di;
    }
    free(ld);
    return p > 1.0 ? 1.0 : p;
}

struct stats_est stats_odds_ratio(long a, long b, long c, long d, double conf)
{
    if (a < 0 || b < 0 || c < 0 || d < 0)
        return est_nan;
    double fa = (double)a, fb = (double)b, fc = (double)c, fd = (double)d;
    if (a == 0 || b == 0 || c == 0 || d == 0) {
        fa += 0.5;
        fb += 0.5;
        fc += 0.5;
        fd += 0.5;
    }
    double lor = log(fa * fd / (fb * fc));
    double half = stats_z(conf) * sqrt(1.0 / fa + 1.0 / fb + 1.0 / fc + 1.0 / fd);
    struct stats_est e = { fa * fd / (fb * fc), exp(lor - half), exp(lor + half), NAN };
    e.p = stats_fisher(a, b, c, d);
    return e;
}

struct stats_est stats_risk_ratio(long a, long n1, long c, long n2, double conf)
{
    if (n1 <= 0 || n2 <= 0 || a < 0 || c < 0 || a > n1 || c > n2)
        return est_nan;
    double fa = (double)a, fn1 = (double)n1, fc = (double)c, fn2 = (double)n2;
    if (a == 0 || c == 0) {
        fa += 0.5;
        fc += 0.5;
        fn1 += 1.0;
        fn2 += 1.0;
    }
    double rr = (fa / fn1) / (fc / fn2);
    double half = stats_z(conf) * sqrt(1.0 / fa - 1.0 / fn1 + 1.0 / fc - 1.0 / fn2);
    struct stats_est e = { rr, exp(log(rr) - half), exp(log(rr) + half), NAN };
    e.p = stats_fisher(a, n1 - a, c, n2 - c);
    return e;
}

/* ---- Means ----------------------------------------------------------------- */

void stats_moments_add(struct stats_moments *m, double x)
{
    m->n++;
    double delta = x - m->mean;
    m->mean += delta / (double)m->n;
    m->m2 += delta * (x - m->mean);
}

double stats_moments_var(const struct stats_moments *m)
{
    if (m->n < 2)
        return NAN;
    return m->m2 / (double)(m->n - 1);
}

struct stats_est stats_mean_ci(const struct stats_moments *m, double conf)
{
    struct stats_est e = est_nan;
    if (m->n == 0)
        return e;
    e.value = m->mean;
    if (m->n < 2)
        return e;
    double half = stats_t(conf, (double)(m->n - 1)) * sqrt(stats_moments_var(m) / (double)m->n);
    e.lo = m->mean - half;
    e.hi = m->mean + half;
    return e;
}

struct stats_est stats_welch(const struct stats_moments *a, const struct stats_moments *b,
                             double conf)
{
    struct stats_est e = est_nan;
    if (a->n == 0 || b->n == 0)
        return e;
    e.value = a->mean - b->mean;
    if (a->n < 2 || b->n < 2)
        return e;
    double va = stats_moments_var(a) / (double)a->n;
    double vb = stats_moments_var(b) / (double)b->n;
    double se2 = va + vb;
    if (!(se2 > 0.0))
        return e;
    double df = se2 * se2 / (va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1));
    double se = sqrt(se2), half = stats_t(conf, df) * se;
    e.lo = e.value - half;
    e.hi = e.value + half;
    e.p = t_two_sided(e.value / se, df);
    return e;
}

/* ---- Multiplicity ---------------------------------------------------------- */

/* R: i <- lp:1; o <- order(p, decreasing = TRUE);
 *    pmin(1, cummin(n / i * p[o]))[order(o)], over the non-NA entries. */
void stats_bh(const double *p, double *q, size_t n)
{
    size_t m = 0;
    double *vals = xmalloc((n ? n : 1) * sizeof *vals);
    size_t *where = xmalloc((n ? n : 1) * sizeof *where);
    for (size_t i = 0; i < n; i++) {
        q[i] = NAN;
        if (!isnan(p[i])) {
            vals[m] = p[i];
            where[m++] = i;
        }
    }
    size_t *order = xmalloc((m ? m : 1) * sizeof *order);
    if (m)
        gsl_sort_index(order, vals, 1, m);
    double run = INFINITY;
    for (size_t r = m; r-- > 0;) {
        double adj = (double)m / (double)(r + 1) * vals[order[r]];
        if (adj < run)
            run = adj;
        q[where[order[r]]] = run < 1.0 ? run : 1.0;
    }
    free(order);
    free(where);
    free(vals);
}

/* ---- Least squares ----------------------------------------------------------- */

int stats_ols_solve(const gsl_matrix *xtx, const gsl_vector *xty, gsl_vector *beta,
                    gsl_matrix *xtx_inv)
{
    size_t p = xtx->size1;
    if (p == 0 || xtx->size2 != p || xty->size != p || beta->size != p ||
        xtx_inv->size1 != p || xtx_inv->size2 != p)
        return -1;
    gsl_set_error_handler_off();
    gsl_matrix *chol = gsl_matrix_alloc(p, p);
    gsl_vector *work = gsl_vector_alloc(3 * p);
    if (!chol || !work) {
        gsl_matrix_free(chol);
        gsl_vector_free(work);
        return -1;
    }
    gsl_matrix_memcpy(chol, xtx);
    double rcond = 0.0;
    int rc = -1;
    if (gsl_linalg_cholesky_decomp1(chol) == GSL_SUCCESS &&
        gsl_linalg_cholesky_rcond(chol, &rcond, work) == GSL_SUCCESS &&
        rcond >= OLS_RCOND_MIN &&
        gsl_linalg_cholesky_solve(chol, xty, beta) == GSL_SUCCESS) {
        gsl_matrix_memcpy(xtx_inv, chol);
        if (gsl_linalg_cholesky_invert(xtx_inv) == GSL_SUCCESS)
            rc = 0;
    }
    gsl_vector_free(work);
    gsl_matrix_free(chol);
    return rc;
}

void stats_cr1_meat_add(gsl_matrix *meat, const gsl_vector *s)
{
    gsl_blas_dger(1.0, s, s, meat);
}

struct stats_est stats_cr1(const gsl_vector *beta, const gsl_matrix *xtx_inv, const gsl_matrix *meat,
                           long n_obs, long n_clusters, size_t j, double conf)
{
    struct stats_est e = est_nan;
    size_t k = beta->size;
    if (j >= k)
        return e;
    e.value = gsl_vector_get(beta, j);
    if (n_clusters < 2 || n_obs <= (long)k)
        return e;
    /* V_jj = c a_j' M a_j with a_j the j-th row (= column) of (X'X)^-1. */
    gsl_vector_const_view aj = gsl_matrix_const_row(xtx_inv, j);
    gsl_vector *ma = gsl_vector_alloc(k);
    double quad = NAN;
    if (ma && gsl_blas_dgemv(CblasNoTrans, 1.0, meat, &aj.vector, 0.0, ma) == GSL_SUCCESS)
        gsl_blas_ddot(&aj.vector, ma, &quad);
    gsl_vector_free(ma);
    double g = (double)n_clusters, n = (double)n_obs;
    double c = g / (g - 1.0) * ((n - 1.0) / (n - (double)k));
    double var = c * quad;
    if (!(var >= 0.0))
        return e;
    double se = sqrt(var), df = g - 1.0, half = stats_t(conf, df) * se;
    e.lo = e.value - half;
    e.hi = e.value + half;
    if (se > 0.0)
        e.p = t_two_sided(e.value / se, df);
    return e;
}

/* ---- Before and after, trends, institutions -------------------------------- */

static int prop_ok(struct stats_prop c)
{
    return c.n > 0 && c.k >= 0 && c.k <= c.n;
}

/* Two-sided p of a normal statistic; NAN when it is not finite. */
static double z_two_sided(double z)
{
    if (!isfinite(z))
        return NAN;
    gsl_set_error_handler_off();
    return 2.0 * gsl_cdf_ugaussian_Q(fabs(z));
}

struct stats_est stats_did(struct stats_prop img_pre, struct stats_prop img_post,
                           struct stats_prop non_pre, struct stats_prop non_post, double conf)
{
    const struct stats_prop cell[4] = { img_post, non_post, img_pre, non_pre };
    double p[4], var = 0.0;
    for (int i = 0; i < 4; i++) {
        if (!prop_ok(cell[i]))
            return est_nan;
        p[i] = (double)cell[i].k / (double)cell[i].n;
        var += p[i] * (1.0 - p[i]) / (double)cell[i].n;
    }
    struct stats_est e = est_nan;
    e.value = (p[0] - p[1]) - (p[2] - p[3]);
    if (!(var > 0.0))
        return e;
    double se = sqrt(var), half = stats_z(conf) * se;
    e.lo = e.value - half;
    e.hi = e.value + half;
    e.p = z_two_sided(e.value / se);
    return e;
}

struct stats_est stats_ivw_slope(const double *x, const double *y, const double *se, size_t n,
                                 double conf)
{
    if (n < 3)
        return est_nan;
    double sw = 0.0, swx = 0.0, swy = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]) || !isfinite(se[i]) || !(se[i] > 0.0))
            return est_nan;
        double w = 1.0 / (se[i] * se[i]);
        sw += w;
        swx += w * x[i];
        swy += w * y[i];
    }
    /* Centred sums, not sum w x^2 - sw xw^2: years are ~2000 apart from 0. */
    double xw = swx / sw, yw = swy / sw, sxx = 0.0, sxy = 0.0;
    for (size_t i = 0; i < n; i++) {
        double w = 1.0 / (se[i] * se[i]), dx = x[i] - xw;
        sxx += w * dx * dx;
        sxy += w * dx * (y[i] - yw);
    }
    if (!(sxx > 0.0) || !isfinite(sxx))
        return est_nan;
    double s = 1.0 / sqrt(sxx), half = stats_z(conf) * s;
    struct stats_est e = { sxy / sxx, 0.0, 0.0, NAN };
    e.lo = e.value - half;
    e.hi = e.value + half;
    e.p = z_two_sided(e.value / s);
    return e;
}

/* P(X <= r) for X ~ Bin(n, p0); 0 for r < 0. */
static double binom_cdf(long r, double p0, long n)
{
    if (r < 0)
        return 0.0;
    if (r >= n)
        return 1.0;
    return gsl_cdf_binomial_P((unsigned)r, p0, (unsigned)n);
}

double stats_funnel_limit(double p0, long n, double prob)
{
    if (n <= 0 || n > (long)UINT_MAX || !(p0 >= 0.0 && p0 <= 1.0) || !(prob > 0.0 && prob < 1.0))
        return NAN;
    if (p0 == 0.0 || p0 == 1.0)
        return p0;
    gsl_set_error_handler_off();
    /* r_p by bisection: the cdf is non-decreasing and P(X <= n) = 1 >= prob. */
    long lo = 0, hi = n;
    while (lo < hi) {
        long mid = lo + (hi - lo) / 2;
        if (binom_cdf(mid, p0, n) >= prob)
            hi = mid;
        else
            lo = mid + 1;
    }
    double f = binom_cdf(lo, p0, n), fm = binom_cdf(lo - 1, p0, n);
    double alpha = f > fm ? (f - prob) / (f - fm) : 0.0;
    double limit = ((double)lo - alpha) / (double)n;
    return limit < 0.0 ? 0.0 : (limit > 1.0 ? 1.0 : limit);
}

struct stats_est stats_funnel(double p0, long n, double conf)
{
    struct stats_est e = est_nan;
    if (!(conf > 0.0 && conf < 1.0))
        return e;
    e.lo = stats_funnel_limit(p0, n, (1.0 - conf) / 2.0);
    e.hi = stats_funnel_limit(p0, n, 1.0 - (1.0 - conf) / 2.0);
    if (!isnan(e.lo))
        e.value = p0;
    return e;
}
