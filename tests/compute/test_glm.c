/*
 * test_glm.c - logistic regression (stats_logit_fit) and Wald inference
 * against published glm output, a 2x2 table whose estimates have closed
 * forms, separated and rank-deficient designs, and the iteration limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_cdf.h>

#include "stats.h"

#define Z95 1.959963984540054 /* qnorm(0.975) */

static void near_at(double got, double want, double tol, const char *what, int line)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("line %d: %s = %.10g, want %.10g (tolerance %g)", line, what, got, want, tol);
}
#define NEAR(got, want, tol) near_at((got), (want), (tol), #got, __LINE__)
#define IS_NAN(x) do { if (!isnan(x)) fail_msg("line %d: %s = %.10g, want NAN", __LINE__, #x, (x)); } while (0)

/* A design with an intercept and ncov covariates from rows of cov. */
struct design {
    gsl_matrix *x, *cov;
    gsl_vector *y, *beta;
};

static void design_alloc(struct design *d, size_t n, size_t p)
{
    d->x = gsl_matrix_alloc(n, p);
    d->y = gsl_vector_alloc(n);
    d->beta = gsl_vector_alloc(p);
    d->cov = gsl_matrix_alloc(p, p);
}

static void design_free(struct design *d)
{
    gsl_matrix_free(d->x);
    gsl_matrix_free(d->cov);
    gsl_vector_free(d->y);
    gsl_vector_free(d->beta);
}

static double se_of(const struct design *d, size_t j)
{
    return sqrt(gsl_matrix_get(d->cov, j, j));
}

/* ---- mtcars ---------------------------------------------------------------- */

/* R's data set mtcars (Henderson and Velleman 1981, from Motor Trend 1974):
 * am (1 manual), hp, wt (1000 lbs), in the data set's row order. */
static const double mtcars[32][3] = {
    { 1, 110, 2.620 }, { 1, 110, 2.875 }, { 1, 93, 2.320 },  { 0, 110, 3.215 },
    { 0, 175, 3.440 }, { 0, 105, 3.460 }, { 0, 245, 3.570 }, { 0, 62, 3.190 },
    { 0, 95, 3.150 },  { 0, 123, 3.440 }, { 0, 123, 3.440 }, { 0, 180, 4.070 },
    { 0, 180, 3.730 }, { 0, 180, 3.780 }, { 0, 205, 5.250 }, { 0, 215, 5.424 },
    { 0, 230, 5.345 }, { 1, 66, 2.200 },  { 1, 52, 1.615 },  { 1, 65, 1.835 },
    { 0, 97, 2.465 },  { 0, 150, 3.520 }, { 0, 150, 3.435 }, { 0, 245, 3.840 },
    { 0, 175, 3.845 }, { 1, 66, 1.935 },  { 1, 91, 2.140 },  { 1, 113, 1.513 },
    { 1, 264, 3.170 }, { 1, 175, 2.770 }, { 1, 335, 3.570 }, { 1, 109, 2.780 },
};

static void mtcars_design(struct design *d)
{
    design_alloc(d, 32, 3);
    for (size_t i = 0; i < 32; i++) {
        gsl_vector_set(d->y, i, mtcars[i][0]);
        gsl_matrix_set(d->x, i, 0, 1.0);
        gsl_matrix_set(d->x, i, 1, mtcars[i][1]);
        gsl_matrix_set(d->x, i, 2, mtcars[i][2]);
    }
}

/* glm(am ~ hp + wt, family = binomial, data = mtcars), as published by
 * R-tutor, "Significance Test for Logistic Regression"
 * (r-tutor.com/elementary-statistics/logistic-regression):
 *   (Intercept) 18.8663 (7.4436) z 2.53 p 0.0113
 *   hp           0.0363 (0.0177) z 2.04 p 0.0409
 *   wt          -8.0835 (3.0687) z -2.63 p 0.0084
 *   Residual deviance: 10.059 on 29 degrees of freedom; AIC 16.06;
 *   Number of Fisher Scoring iterations: 8.
 * Estimates are printed to 4 decimals (tolerance 5e-5); the standard
 * errors also differ from summary.glm's by its previous-iteration weights
 * (up to 1e-5 relative), so they get 5e-5 + 1e-5 relative. */
static void logit_mtcars(void **state)
{
    (void)state;
    struct design d;
    mtcars_design(&d);
    struct stats_logit fit;
    assert_int_equal(stats_logit_fit(d.x, d.y, NULL, d.beta, d.cov, &fit), STATS_LOGIT_OK);
    assert_int_equal(fit.status, STATS_LOGIT_OK);
    assert_int_equal(fit.converged, 1);
    assert_int_equal(fit.iter, 8);
    NEAR(fit.deviance, 10.059, 5e-4);
    NEAR(gsl_vector_get(d.beta, 0), 18.8663, 5e-5);
    NEAR(gsl_vector_get(d.beta, 1), 0.0363, 5e-5);
    NEAR(gsl_vector_get(d.beta, 2), -8.0835, 5e-5);
    NEAR(se_of(&d, 0), 7.4436, 5e-5 + 1e-5 * 7.4436);
    NEAR(se_of(&d, 1), 0.0177, 5e-5);
    NEAR(se_of(&d, 2), 3.0687, 5e-5 + 1e-5 * 3.0687);
    /* cov is symmetric */
    NEAR(gsl_matrix_get(d.cov, 1, 2), gsl_matrix_get(d.cov, 2, 1), 1e-15);
    /* AIC = deviance + 2 p */
    NEAR(fit.deviance + 6.0, 16.06, 5e-3);

    struct stats_est e = stats_wald(d.beta, d.cov, 0, 0.95);
    NEAR(e.value / ((e.hi - e.lo) / (2.0 * Z95)), 2.53, 5e-3);
    NEAR(e.p, 0.0113, 5e-5 + 1e-5);
    e = stats_wald(d.beta, d.cov, 1, 0.95);
    NEAR(e.p, 0.0409, 5e-5 + 1e-5);
    e = stats_wald(d.beta, d.cov, 2, 0.95);
    NEAR(e.value / ((e.hi - e.lo) / (2.0 * Z95)), -2.63, 5e-3);
    NEAR(e.p, 0.0084, 5e-5 + 1e-5);
    NEAR(e.lo, gsl_vector_get(d.beta, 2) - Z95 * se_of(&d, 2), 1e-12);

    /* The odds ratio per 1000 lbs: exp of the estimate and of the bounds. */
    struct stats_est o = stats_est_exp(e);
    NEAR(o.value, exp(-8.0835), 5e-5 * exp(-8.0835));
    NEAR(log(o.lo), e.lo, 1e-12);
    NEAR(log(o.hi), e.hi, 1e-12);
    NEAR(o.p, e.p, 0.0);
    design_free(&d);
}

/* ---- beetle mortality ---------------------------------------------------- */

/* Bliss (1935) beetle mortality after 5 hours of carbon disulphide, as in
 * Dobson AJ and Barnett AG, "An Introduction to Generalized Linear Models"
 * (3rd ed., 2008), Table 7.2: dose (log10 CS2 mg/l), beetles, killed. */
static const double beetles[8][3] = {
    { 1.6907, 59, 6 },  { 1.7242, 60, 13 }, { 1.7552, 62, 18 }, { 1.7842, 56, 28 },
    { 1.8113, 63, 52 }, { 1.8369, 59, 53 }, { 1.8610, 62, 61 }, { 1.8839, 60, 60 },
};

/* The logistic model of Dobson and Barnett, Section 7.3 (b1 = -60.72,
 * se 5.18; b2 = 34.27, se 2.91; D = 11.23), to more digits in the glmlab
 * manual's reproduction of it (Dunn, "glmlab", Section 5.5, binomial
 * example): -60.717455 (5.180701), 34.270326 (2.912134), scaled deviance
 * 11.232231. The grouped counts go in as 481 individual 0/1 beetles: the
 * estimates and standard errors are those of the grouped fit, and the
 * deviance differs by the saturated grouped log likelihood,
 * D_01 = D - 2 sum [y log(y/n) + (n - y) log(1 - y/n)] (0 log 0 = 0). */
static void logit_beetles(void **state)
{
    (void)state;
    struct design d;
    design_alloc(&d, 481, 2);
    size_t row = 0;
    double sat = 0.0;
    for (size_t g = 0; g < 8; g++) {
        double n = beetles[g][1], k = beetles[g][2];
        for (int i = 0; i < (int)n; i++, row++) {
            gsl_matrix_set(d.x, row, 0, 1.0);
            gsl_matrix_set(d.x, row, 1, beetles[g][0]);
            gsl_vector_set(d.y, row, i < (int)k ? 1.0 : 0.0);
        }
        if (k > 0)
            sat += k * log(k / n);
        if (k < n)
            sat += (n - k) * log(1.0 - k / n);
    }
    assert_int_equal(row, 481);
    struct stats_logit fit;
    assert_int_equal(stats_logit_fit(d.x, d.y, NULL, d.beta, d.cov, &fit), STATS_LOGIT_OK);
    NEAR(gsl_vector_get(d.beta, 0), -60.717455, 5e-7 + 1e-9 * 60.7);
    NEAR(gsl_vector_get(d.beta, 1), 34.270326, 5e-7 + 1e-9 * 34.3);
    NEAR(se_of(&d, 0), 5.180701, 5e-7 + 1e-5 * 5.18);
    NEAR(se_of(&d, 1), 2.912134, 5e-7 + 1e-5 * 2.91);
    NEAR(fit.deviance, 11.232231 - 2.0 * sat, 5e-7 + 1e-8);
    /* Dobson and Barnett's rounding of the same numbers. */
    NEAR(gsl_vector_get(d.beta, 0), -60.72, 5e-3);
    NEAR(se_of(&d, 1), 2.91, 5e-3);
    design_free(&d);
}

/* ---- a 2x2 table ------------------------------------------------------------ */

/* y ~ 1 + g on two groups is saturated: the fitted rates are the observed
 * ones, so b0 = logit(3/10) = log(3/7) = -0.8472978604 and b1 is the log
 * odds ratio, log((6/2) / (3/7)) = log 7 = 1.945910149; (X'WX)^-1 at the
 * estimate gives Woolf's variances exactly: var b1 = 1/3 + 1/7 + 1/6 + 1/2
 * = 8/7 (se 1.069044968), var b0 = 1/3 + 1/7 = 10/21. Deviance =
 * -2 [3 log .3 + 7 log .7 + 6 log .75 + 2 log .25] = 21.21464835. */
static void logit_two_by_two(void **state)
{
    (void)state;
    struct design d;
    design_alloc(&d, 18, 2);
    for (size_t i = 0; i < 18; i++) {
        int g = i >= 10;
        gsl_matrix_set(d.x, i, 0, 1.0);
        gsl_matrix_set(d.x, i, 1, g);
        gsl_vector_set(d.y, i, g ? (i - 10 < 6) : (i < 3));
    }
    struct stats_logit fit;
    assert_int_equal(stats_logit_fit(d.x, d.y, NULL, d.beta, d.cov, &fit), STATS_LOGIT_OK);
    NEAR(gsl_vector_get(d.beta, 0), log(3.0 / 7.0), 1e-9);
    NEAR(gsl_vector_get(d.beta, 1), log(7.0), 1e-9);
    NEAR(gsl_matrix_get(d.cov, 1, 1), 8.0 / 7.0, 1e-9);
    NEAR(gsl_matrix_get(d.cov, 0, 0), 10.0 / 21.0, 1e-9);
    /* cov(b0, b1) = -var(b0): b1 = logit p1 - logit p0. */
    NEAR(gsl_matrix_get(d.cov, 0, 1), -10.0 / 21.0, 1e-9);
    NEAR(fit.deviance, 21.21464835, 5e-9);
    /* The odds ratio and its Wald interval are Woolf's (stats_odds_ratio)
     * on [[6, 2], [3, 7]]: 7, exp(log 7 -+ 1.959964 sqrt(8/7)). */
    struct stats_est o = stats_est_exp(stats_wald(d.beta, d.cov, 1, 0.95));
    struct stats_est w = stats_odds_ratio(6, 2, 3, 7, 0.95);
    NEAR(o.value, 7.0, 1e-8);
    NEAR(o.lo, w.lo, 1e-8);
    NEAR(o.hi, w.hi, 1e-8);
    NEAR(o.lo, exp(log(7.0) - Z95 * sqrt(8.0 / 7.0)), 1e-8);
    /* Wald p: z = log 7 / sqrt(8/7) = 1.820232, two-sided 0.06872. */
    NEAR(o.p, 2.0 * gsl_cdf_ugaussian_Q(log(7.0) / sqrt(8.0 / 7.0)), 1e-9);
    NEAR(o.p, 0.06872, 5e-5);

    /* The same data in the other coding (g = 1 first) only flips b1. */
    for (size_t i = 0; i < 18; i++)
        gsl_matrix_set(d.x, i, 1, 1.0 - gsl_matrix_get(d.x, i, 1));
    assert_int_equal(stats_logit_fit(d.x, d.y, NULL, d.beta, d.cov, &fit), STATS_LOGIT_OK);
    NEAR(gsl_vector_get(d.beta, 1), -log(7.0), 1e-9);
    NEAR(gsl_vector_get(d.beta, 0), log(3.0), 1e-9);
    design_free(&d);
}

/* Data symmetric under x -> 1 - x, y -> 1 - y, and overlapping (y = 1 at
 * 0.4, y = 0 at 0.6), so the estimate exists and logit p(0.5) = 0:
 * b0 = -b1 / 2. */
static void logit_symmetric_overlap(void **state)
{
    (void)state;
    static const double xs[8] = { 0, 0, 0, 1, 1, 1, 0.4, 0.6 }, ys[8] = { 0, 0, 0, 1, 1, 1, 1, 0 };
    struct design d;
    design_alloc(&d, 8, 2);
    for (size_t i = 0; i < 8; i++) {
        gsl_matrix_set(d.x, i, 0, 1.0);
        gsl_matrix_set(d.x, i, 1, xs[i]);
        gsl_vector_set(d.y, i, ys[i]);
    }
    struct stats_logit fit;
    assert_int_equal(stats_logit_fit(d.x, d.y, NULL, d.beta, d.cov, &fit), STATS_LOGIT_OK);
    NEAR(gsl_vector_get(d.beta, 0) + gsl_vector_get(d.beta, 1) / 2.0, 0.0, 1e-9);
    assert_true(gsl_vector_get(d.beta, 1) > 0.0);
    assert_true(fit.iter < 25);
    design_free(&d);
}

/* ---- not estimable ------------------------------------------------------------ */

static void expect_nan_fit(const struct design *d)
{
    for (size_t j = 0; j < d->beta->size; j++) {
        IS_NAN(gsl_vector_get(d->beta, j));
        for (size_t k = 0; k < d->beta->size; k++)
            IS_NAN(gsl_matrix_get(d->cov, j, k));
    }
    struct stats_est e = stats_wald(d->beta, d->cov, 0, 0.95);
    IS_NAN(e.value);
    IS_NAN(e.lo);
    IS_NAN(e.p);
}

static void fill(struct design *d, const double *xs, const double *ys)
{
    for (size_t i = 0; i < d->x->size1; i++) {
        gsl_matrix_set(d->x, i, 0, 1.0);
        gsl_matrix_set(d->x, i, 1, xs[i]);
        gsl_vector_set(d->y, i, ys[i]);
    }
}

static void logit_separated(void **state)
{
    (void)state;
    struct design d;
    struct stats_logit fit;
    /* Complete separation: y = 1 exactly when x > 3. R's glm returns
     * b = (-165.3, 47.2) with "fitted probabilities numerically 0 or 1". */
    static const double x1[6] = { 1, 2, 3, 4, 5, 6 }, y1[6] = { 0, 0, 0, 1, 1, 1 };
    design_alloc(&d, 6, 2);
    fill(&d, x1, y1);
    assert_int_equal(stats_logit_fit(d.x, d.y, NULL, d.beta, d.cov, &fit), STATS_LOGIT_SEPARATED);
    assert_int_equal(fit.status, STATS_LOGIT_SEPARATED);
    assert_int_equal(fit.converged, 0);
    assert_int_equal(fit.iter, 0);
    IS_NAN(fit.deviance);
    expect_nan_fit(&d);
    design_free(&d);

    /* Quasi-complete separation: y = 0 below x = 0, 1 above, both at 0.
     * R's glm "converges" in 18 iterations to b1 = 19.6 (se ~ 7700)
     * without a warning: only the separation test catches it. */
    static const double x2[4] = { -1, 0, 0, 1 }, y2[4] = { 0, 0, 1, 1 };
    design_alloc(&d, 4, 2);
    fill(&d, x2, y2);
    assert_int_equal(stats_logit_fit(d.x, d.y, NULL, d.beta, d.cov, &fit), STATS_LOGIT_SEPARATED);
    expect_nan_fit(&d);
    /* One overlapping point more and the estimate exists again. */
    design_free(&d);
    static const double x3[5] = { -1, 0, 0, 1, 1 }, y3[5] = { 0, 0, 1, 1, 0 };
    design_alloc(&d, 5, 2);
    fill(&d, x3, y3);
    assert_int_equal(stats_logit_fit(d.x, d.y, NULL, d.beta, d.cov, &fit), STATS_LOGIT_OK);
    design_free(&d);

    /* Every y the same: the intercept alone separates. */
    static const double x4[4] = { 1, 2, 3, 5 }, y4[4] = { 1, 1, 1, 1 };
    design_alloc(&d, 4, 2);
    fill(&d, x4, y4);
    assert_int_equal(stats_logit_fit(d.x, d.y, NULL, d.beta, d.cov, &fit), STATS_LOGIT_SEPARATED);
    expect_nan_fit(&d);
    design_free(&d);

    /* An empty cell of a 2x2 table (no failure in group 1): the logistic
     * estimate of the odds ratio does not exist. */
    static const double x5[6] = { 0, 0, 0, 1, 1, 1 }, y5[6] = { 0, 1, 0, 1, 1, 1 };
    design_alloc(&d, 6, 2);
    fill(&d, x5, y5);
    assert_int_equal(stats_logit_fit(d.x, d.y, NULL, d.beta, d.cov, &fit), STATS_LOGIT_SEPARATED);
    design_free(&d);
}

static void logit_singular_and_input(void **state)
{
    (void)state;
    struct design d;
    struct stats_logit fit;
    /* Columns 1, x, 1 - x: the third is the first minus the second. */
    static const double xs[6] = { 0, 1, 0, 1, 0, 1 }, ys[6] = { 0, 1, 1, 0, 1, 1 };
    design_alloc(&d, 6, 3);
    for (size_t i = 0; i < 6; i++) {
        gsl_matrix_set(d.x, i, 0, 1.0);
        gsl_matrix_set(d.x, i, 1, xs[i]);
        gsl_matrix_set(d.x, i, 2, 1.0 - xs[i]);
        gsl_vector_set(d.y, i, ys[i]);
    }
    assert_int_equal(stats_logit_fit(d.x, d.y, NULL, d.beta, d.cov, &fit), STATS_LOGIT_SINGULAR);
    expect_nan_fit(&d);
    design_free(&d);

    /* Fewer observations than coefficients. */
    design_alloc(&d, 2, 3);
    gsl_matrix_set_identity(d.x);
    gsl_vector_set(d.y, 0, 0.0);
    gsl_vector_set(d.y, 1, 1.0);
    assert_int_equal(stats_logit_fit(d.x, d.y, NULL, d.beta, d.cov, &fit), STATS_LOGIT_SINGULAR);
    design_free(&d);

    /* y not 0/1, x not finite, sizes that disagree. */
    static const double x6[4] = { 1, 2, 3, 4 }, y6[4] = { 0, 1, 0, 1 };
    design_alloc(&d, 4, 2);
    fill(&d, x6, y6);
    assert_int_equal(stats_logit_fit(d.x, d.y, NULL, d.beta, d.cov, &fit), STATS_LOGIT_OK);
    gsl_vector_set(d.y, 2, 0.5);
    assert_int_equal(stats_logit_fit(d.x, d.y, NULL, d.beta, d.cov, &fit), STATS_LOGIT_EINPUT);
    assert_int_equal(fit.status, STATS_LOGIT_EINPUT);
    gsl_vector_set(d.y, 2, 0.0);
    gsl_matrix_set(d.x, 1, 1, NAN);
    assert_int_equal(stats_logit_fit(d.x, d.y, NULL, d.beta, d.cov, &fit), STATS_LOGIT_EINPUT);
    gsl_matrix_set(d.x, 1, 1, 2.0);
    gsl_vector *short_y = gsl_vector_calloc(3);
    assert_int_equal(stats_logit_fit(d.x, short_y, NULL, d.beta, d.cov, &fit), STATS_LOGIT_EINPUT);
    gsl_vector_free(short_y);
    gsl_matrix *small = gsl_matrix_alloc(1, 1);
    assert_int_equal(stats_logit_fit(d.x, d.y, NULL, d.beta, small, &fit), STATS_LOGIT_EINPUT);
    gsl_matrix_free(small);
    design_free(&d);
}

/* The iteration limit: mtcars needs 8 iterations. With 3 allowed, or
 * with a criterion no change can meet (epsilon 0) and glm's 25, the fit
 * stops at the limit, not converged, and estimates nothing. */
static void logit_iteration_limit(void **state)
{
    (void)state;
    struct design d;
    mtcars_design(&d);
    struct stats_logit fit;
    const struct stats_logit_ctl three = { 1e-8, 3 }, never = { 0.0, 25 };
    assert_int_equal(stats_logit_fit(d.x, d.y, &three, d.beta, d.cov, &fit), STATS_LOGIT_NOCONV);
    assert_int_equal(fit.iter, 3);
    assert_int_equal(fit.converged, 0);
    assert_true(fit.deviance > 10.059);
    expect_nan_fit(&d);
    assert_int_equal(stats_logit_fit(d.x, d.y, &never, d.beta, d.cov, &fit), STATS_LOGIT_NOCONV);
    assert_int_equal(fit.iter, 25);
    assert_int_equal(fit.converged, 0);
    /* it did reach the optimum; it was only never allowed to say so */
    NEAR(fit.deviance, 10.059, 5e-4);
    expect_nan_fit(&d);
    /* glm's own control is the default */
    const struct stats_logit_ctl glm = STATS_LOGIT_CTL_GLM;
    assert_int_equal(stats_logit_fit(d.x, d.y, &glm, d.beta, d.cov, &fit), STATS_LOGIT_OK);
    assert_int_equal(fit.iter, 8);
    design_free(&d);
}

static void wald_edges(void **state)
{
    (void)state;
    gsl_vector *b = gsl_vector_alloc(2);
    gsl_matrix *v = gsl_matrix_calloc(2, 2);
    gsl_vector_set(b, 0, 1.0);
    gsl_vector_set(b, 1, -2.0);
    gsl_matrix_set(v, 1, 1, 0.25);
    /* b1 = -2, se 0.5: z = -4, p = 2 Q(4) = 6.334248e-05. */
    struct stats_est e = stats_wald(b, v, 1, 0.95);
    NEAR(e.value, -2.0, 0.0);
    NEAR(e.lo, -2.0 - Z95 * 0.5, 1e-12);
    NEAR(e.hi, -2.0 + Z95 * 0.5, 1e-12);
    NEAR(e.p, 6.334248e-05, 5e-11);
    /* variance 0: the estimate without inference */
    e = stats_wald(b, v, 0, 0.95);
    NEAR(e.value, 1.0, 0.0);
    IS_NAN(e.lo);
    IS_NAN(e.p);
    IS_NAN(stats_wald(b, v, 2, 0.95).value);
    struct stats_est x = stats_est_exp(e);
    NEAR(x.value, exp(1.0), 1e-15);
    IS_NAN(x.lo);
    gsl_matrix_free(v);
    gsl_vector_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(logit_mtcars),
        cmocka_unit_test(logit_beetles),
        cmocka_unit_test(logit_two_by_two),
        cmocka_unit_test(logit_symmetric_overlap),
        cmocka_unit_test(logit_separated),
        cmocka_unit_test(logit_singular_and_input),
        cmocka_unit_test(logit_iteration_limit),
        cmocka_unit_test(wald_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
