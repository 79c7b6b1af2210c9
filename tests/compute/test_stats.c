/*
 * test_stats.c - the statistical routines (stats.h) against published
 * reference values and small cases worked by hand in the comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "stats.h"

#define Z95 1.959963984540054 /* qnorm(0.975) */

static void near_at(double got, double want, double tol, const char *what, int line)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("line %d: %s = %.10g, want %.10g (tolerance %g)", line, what, got, want, tol);
}
#define NEAR(got, want, tol) near_at((got), (want), (tol), #got, __LINE__)
#define IS_NAN(x) do { if (!isnan(x)) fail_msg("line %d: %s = %.10g, want NAN", __LINE__, #x, (x)); } while (0)

/* ---- quantiles ---------------------------------------------------------- */

static void quantiles(void **state)
{
    (void)state;
    NEAR(stats_z(0.95), 1.959964, 5e-7);
    NEAR(stats_z(0.90), 1.644854, 5e-7);
    /* t with 2 df has the closed form q = (2p - 1) / sqrt(2 p (1 - p)):
     * p = 0.975 gives 0.95 / sqrt(0.04875) = 4.302653. */
    NEAR(stats_t(0.95, 2.0), 4.302653, 5e-7);
    IS_NAN(stats_z(1.0));
    IS_NAN(stats_z(0.0));
    IS_NAN(stats_t(0.95, 0.0));
}

/* ---- Wilson ------------------------------------------------------------- */

/* Newcombe RG (1998) "Two-sided confidence intervals for the single
 * proportion: comparison of seven methods", Stat Med 17:857-872, Table I,
 * method 3 (score, no continuity correction). */
static void wilson_newcombe_table1(void **state)
{
    (void)state;
    static const struct { long k, n; double lo, hi; } ref[] = {
        { 81, 263, 0.2553, 0.3662 },
        { 15, 148, 0.0624, 0.1605 },
        { 0, 20, 0.0000, 0.1611 },
        { 1, 29, 0.0061, 0.1718 },
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        struct stats_est e = stats_wilson(ref[i].k, ref[i].n, 0.95);
        NEAR(e.value, (double)ref[i].k / (double)ref[i].n, 1e-15);
        NEAR(e.lo, ref[i].lo, 5e-5);
        NEAR(e.hi, ref[i].hi, 5e-5);
        IS_NAN(e.p);
    }
}

static void wilson_edges(void **state)
{
    (void)state;
    /* k = 0: lo exactly 0; k = n: hi exactly 1 (not 1 - 1e-17). */
    struct stats_est e = stats_wilson(0, 20, 0.95);
    assert_true(e.lo == 0.0);
    assert_true(e.value == 0.0);
    e = stats_wilson(20, 20, 0.95);
    assert_true(e.hi == 1.0);
    assert_true(e.value == 1.0);
    /* By symmetry 20/20 is 0/20 mirrored: lo = 1 - 0.1611. */
    NEAR(e.lo, 1.0 - 0.1611, 5e-5);
    /* n = 1, k = 1: z^2 = 3.841459, lo = 1 / (1 + z^2) = 0.206543. */
    e = stats_wilson(1, 1, 0.95);
    NEAR(e.lo, 1.0 / (1.0 + Z95 * Z95), 1e-12);
    assert_true(e.hi == 1.0);
    /* k = 0 has the closed form hi = z^2 / (n + z^2): at 90%, z = 1.6448536,
     * z^2 = 2.7055435, 0/20 gives 2.7055435 / 22.7055435 = 0.1191578. */
    e = stats_wilson(0, 20, 0.90);
    NEAR(e.hi, 0.1191578, 5e-8);
    assert_true(e.lo == 0.0);
    /* An impossible confidence level estimates nothing but k/n. */
    e = stats_wilson(3, 10, 1.5);
    NEAR(e.value, 0.3, 1e-15);
    IS_NAN(e.lo);
    IS_NAN(e.hi);
    e = stats_wilson(0, 0, 0.95);
    IS_NAN(e.value);
    IS_NAN(e.lo);
    IS_NAN(e.hi);
    e = stats_wilson(3, 2, 0.95);
    IS_NAN(e.value);
}

/* ---- Newcombe difference ------------------------------------------------ */

/* Newcombe RG (1998) "Interval estimation for the difference between
 * independent proportions: comparison of eleven methods", Stat Med
 * 17:873-890, Table II, examples (a)-(h), method 10. */
static void newcombe_table2(void **state)
{
    (void)state;
    static const struct { long k1, n1, k2, n2; double lo, hi; } ref[] = {
        { 56, 70, 48, 80, 0.0524, 0.3339 },
        { 9, 10, 3, 10, 0.1705, 0.8090 },
        { 6, 7, 2, 7, 0.0582, 0.8062 },
        { 5, 56, 0, 29, -0.0381, 0.1926 },
        { 0, 10, 0, 20, -0.1611, 0.2775 },
        { 0, 10, 0, 10, -0.2775, 0.2775 },
        { 10, 10, 0, 20, 0.6791, 1.0000 },
        { 10, 10, 0, 10, 0.6075, 1.0000 },
    };
    for (size_t i = 0; i < sizeof ref / sizeof ref[0]; i++) {
        struct stats_est e = stats_newcombe(ref[i].k1, ref[i].n1, ref[i].k2, ref[i].n2, 0.95);
        NEAR(e.value, (double)ref[i].k1 / (double)ref[i].n1 - (double)ref[i].k2 / (double)ref[i].n2,
             1e-15);
        NEAR(e.lo, ref[i].lo, 5e-5);
        NEAR(e.hi, ref[i].hi, 5e-5);
    }
}

static void newcombe_fisher_and_edges(void **state)
{
    (void)state;
    /* 0/10 vs 0/20: the only table with these margins, Fisher p = 1. */
    struct stats_est e = stats_newcombe(0, 10, 0, 20, 0.95);
    NEAR(e.p, 1.0, 1e-12);
    /* 9/10 vs 3/10 = [[9, 1], [3, 7]]: margins rows 10, 10, column 1 = 12,
     * so a = 2..10 with weights C(12, a) C(8, 10 - a) / C(20, 10) (184756):
     * a=2: 66, 3: 1760, 4: 13860, 5: 44352, 6: 64680, 7: 44352, 8: 13860,
     * 9: 1760, 10: 66. Observed a = 9 (1760): p = 2 (66 + 1760) / 184756
     * = 0.0197666. */
    e = stats_newcombe(9, 10, 3, 10, 0.95);
    NEAR(e.p, 3652.0 / 184756.0, 1e-12);
    e = stats_newcombe(3, 0, 1, 5, 0.95);
    IS_NAN(e.value);
    IS_NAN(e.p);
    e = stats_newcombe(1, 5, 0, 0, 0.95);
    IS_NAN(e.lo);
}

/* ---- Fisher ------------------------------------------------------------- */

static void fisher_published(void **state)
{
    (void)state;
    /* Fisher's lady tasting tea, R fisher.test documentation (TeaTasting,
     * Agresti 2002 "Categorical Data Analysis", 2nd ed., Sec. 3.5.2):
     * [[3, 1], [1, 3]], p = 0.4857. By hand: weights C(4, a) C(4, 4 - a)
     * for a = 0..4 are 1, 16, 36, 16, 1 (sum 70); observed 16, so
     * p = (1 + 16 + 16 + 1) / 70 = 0.4857143. */
    NEAR(stats_fisher(3, 1, 1, 3), 34.0 / 70.0, 1e-12);
    /* Convictions of like-sex twins of criminals, R fisher.test
     * documentation (Fisher 1962, "Confidence limits for a cross-product
     * ratio", Aust J Stat 4:41): [[2, 10], [15, 3]]; two-sided
     * p-value = 0.0005367. */
    NEAR(stats_fisher(2, 10, 15, 3), 0.0005367, 5e-8);
    /* Transposed and mirrored tables give the same p. */
    NEAR(stats_fisher(2, 15, 10, 3), stats_fisher(2, 10, 15, 3), 1e-15);
    NEAR(stats_fisher(3, 15, 10, 2), stats_fisher(2, 10, 15, 3), 1e-15);
}

static void fisher_zero_cells_and_ties(void **state)
{
    (void)state;
    /* [[0, 5], [5, 0]]: weights C(5, a) C(5, 5 - a) = 1, 25, 100, 100, 25, 1
     * over 252; observed 1, and a = 5 ties it: p = 2 / 252. */
    NEAR(stats_fisher(0, 5, 5, 0), 2.0 / 252.0, 1e-14);
    /* [[0, 10], [5, 5]]: column 1 = 5, rows 10 and 10: weights C(10, a)
     * C(10, 5 - a) = 252, 2100, 5400, 5400, 2100, 252 over 15504; observed
     * 252, tie at a = 5: p = 504 / 15504 = 0.0325077. */
    NEAR(stats_fisher(0, 10, 5, 5), 504.0 / 15504.0, 1e-14);
    /* An empty row or column leaves one possible table: p = 1. */
    NEAR(stats_fisher(0, 0, 3, 4), 1.0, 1e-15);
    NEAR(stats_fisher(0, 3, 0, 4), 1.0, 1e-15);
    NEAR(stats_fisher(0, 0, 0, 0), 1.0, 1e-15);
    /* A balanced big table is the most likely one: p = 1, no underflow
     * although each probability is far below DBL_MIN... */
    NEAR(stats_fisher(5000, 5000, 5000, 5000), 1.0, 1e-9);
    /* ...and a hopeless one is 0, not NAN. */
    double p = stats_fisher(5000, 0, 0, 5000);
    assert_true(p >= 0.0 && p < 1e-300);
    IS_NAN(stats_fisher(-1, 2, 3, 4));
}

/* ---- odds ratio, risk ratio --------------------------------------------- */

static void odds_ratio_woolf(void **state)
{
    (void)state;
    /* [[10, 20], [5, 40]]: OR = 10*40 / (20*5) = 4; se ln OR =
     * sqrt(1/10 + 1/20 + 1/5 + 1/40) = sqrt(0.375) = 0.6123724;
     * exp(ln 4 -+ 1.959964 * 0.6123724) = 1.204502, 13.283495. */
    struct stats_est e = stats_odds_ratio(10, 20, 5, 40, 0.95);
    NEAR(e.value, 4.0, 1e-12);
    NEAR(e.lo, 1.204502, 5e-7);
    NEAR(e.hi, 13.283495, 5e-6);
    /* Haldane: [[0, 10], [5, 5]] becomes [[0.5, 10.5], [5.5, 5.5]]:
     * OR = 0.5 * 5.5 / (10.5 * 5.5) = 0.0476190; se = sqrt(2 + 1/10.5 +
     * 2/5.5) = 1.5680799; interval 0.0022031, 1.0292780. Fisher p on the
     * uncorrected table: 504 / 15504 (see fisher_zero_cells_and_ties). */
    e = stats_odds_ratio(0, 10, 5, 5, 0.95);
    NEAR(e.value, 1.0 / 21.0, 1e-12);
    NEAR(e.lo, 0.0022031, 5e-8);
    NEAR(e.hi, 1.0292780, 5e-7);
    NEAR(e.p, 504.0 / 15504.0, 1e-14);
    /* All cells 0: 0.5 each, OR 1, se sqrt(8), Fisher p 1. */
    e = stats_odds_ratio(0, 0, 0, 0, 0.95);
    NEAR(e.value, 1.0, 1e-15);
    NEAR(e.hi, exp(Z95 * sqrt(8.0)), 1e-9);
    NEAR(e.p, 1.0, 1e-15);
}

static void risk_ratio_log(void **state)
{
    (void)state;
    /* a = 10 of 40, c = 5 of 50: RR = 0.25 / 0.1 = 2.5; var ln RR =
     * 1/10 - 1/40 + 1/5 - 1/50 = 0.255; exp(ln 2.5 -+ 1.959964 sqrt(0.255))
     * = 0.929190, 6.726292. */
    struct stats_est e = stats_risk_ratio(10, 40, 5, 50, 0.95);
    NEAR(e.value, 2.5, 1e-12);
    NEAR(e.lo, 0.929190, 5e-7);
    NEAR(e.hi, 6.726292, 5e-6);
    /* a = 0 of 10, c = 4 of 20: a, c += 0.5 and n1, n2 += 1:
     * RR = (0.5/11) / (4.5/21) = 0.2121212; var = 2 - 1/11 + 1/4.5 - 1/21
     * = 2.0836941; interval 0.0125278, 3.5916505. Fisher p on
     * [[0, 10], [4, 16]]: column 1 = 4, rows 10 and 20, weights C(10, a)
     * C(20, 4 - a) = 4845, 11400, 8550, 2400, 210 over 27405; observed
     * 4845, so p = (4845 + 2400 + 210) / 27405 = 0.2720307. */
    e = stats_risk_ratio(0, 10, 4, 20, 0.95);
    NEAR(e.value, 0.2121212, 5e-8);
    NEAR(e.lo, 0.0125278, 5e-8);
    NEAR(e.hi, 3.5916505, 5e-7);
    NEAR(e.p, 7455.0 / 27405.0, 1e-12);
    e = stats_risk_ratio(1, 0, 1, 5, 0.95);
    IS_NAN(e.value);
    IS_NAN(e.p);
}

/* ---- means, Welch ------------------------------------------------------- */

static struct stats_moments moments_of(const double *x, size_t n)
{
    struct stats_moments m = STATS_MOMENTS_INIT;
    for (size_t i = 0; i < n; i++)
        stats_moments_add(&m, x[i]);
    return m;
}

static void mean_ci_by_hand(void **state)
{
    (void)state;
    /* 1, 2, 3: mean 2, variance 1, t(2) = 4.302653: 2 -+ 4.302653 / sqrt(3)
     * = -0.484138, 4.484138. */
    static const double x[] = { 1, 2, 3 };
    struct stats_moments m = moments_of(x, 3);
    NEAR(stats_moments_var(&m), 1.0, 1e-15);
    struct stats_est e = stats_mean_ci(&m, 0.95);
    NEAR(e.value, 2.0, 1e-15);
    NEAR(e.lo, -0.484138, 5e-7);
    NEAR(e.hi, 4.484138, 5e-7);
    IS_NAN(e.p);
    m = moments_of(x, 1);
    e = stats_mean_ci(&m, 0.95);
    NEAR(e.value, 1.0, 0.0);
    IS_NAN(e.lo);
    IS_NAN(stats_moments_var(&m));
    m = moments_of(x, 0);
    e = stats_mean_ci(&m, 0.95);
    IS_NAN(e.value);
}

/* R's t.test(extra ~ group, data = sleep) (Student 1908, "The probable
 * error of a mean", Biometrika 6:1-25, the Cushny-Peebles sleep data; the
 * Welch result printed in R's t.test documentation examples): t = -1.8608,
 * df = 17.776, p-value = 0.07939, 95% CI -3.3654832 0.2054832. */
static void welch_sleep(void **state)
{
    (void)state;
    static const double g1[] = { 0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0 };
    static const double g2[] = { 1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4 };
    struct stats_moments a = moments_of(g1, 10), b = moments_of(g2, 10);
    struct stats_est e = stats_welch(&a, &b, 0.95);
    NEAR(e.value, 0.75 - 2.33, 1e-12);
    NEAR(e.lo, -3.3654832, 5e-8);
    NEAR(e.hi, 0.2054832, 5e-8);
    NEAR(e.p, 0.07939, 5e-6);
}

static void welch_by_hand(void **state)
{
    (void)state;
    /* a = 1, 2, 3: mean 2, var 1; b = 2, 4, 6, 8: mean 5, var 20/3.
     * va = 1/3, vb = (20/3)/4 = 5/3, se^2 = 2, se = 1.4142136;
     * df = 2^2 / ((1/3)^2/2 + (5/3)^2/3) = 4 / (1/18 + 25/27) = 216/53
     * = 4.0754717; t = -3 / 1.4142136 = -2.1213203. The quantile and tail
     * at that df come from GSL; what is checked is the df arithmetic. */
    static const double x[] = { 1, 2, 3 }, y[] = { 2, 4, 6, 8 };
    struct stats_moments a = moments_of(x, 3), b = moments_of(y, 4);
    struct stats_est e = stats_welch(&a, &b, 0.95);
    double df = 216.0 / 53.0, se = sqrt(2.0);
    NEAR(e.value, -3.0, 1e-15);
    NEAR((e.hi - e.lo) / 2.0, gsl_cdf_tdist_Pinv(0.975, df) * se, 1e-12);
    NEAR(e.p, 2.0 * gsl_cdf_tdist_Q(3.0 / se, df), 1e-12);
    /* Sanity without GSL: t(4.08) at 0.975 lies between t(5) = 2.5706 and
     * t(4) = 2.7764, so the half-width lies in (3.6354, 3.9264). */
    assert_true((e.hi - e.lo) / 2.0 > 2.5706 * se && (e.hi - e.lo) / 2.0 < 2.7764 * se);
}

static void welch_edges(void **state)
{
    (void)state;
    static const double x[] = { 1, 2, 3 }, c[] = { 4, 4, 4 }, d[] = { 7, 7 };
    struct stats_moments a = moments_of(x, 3), one = moments_of(x, 1), none = moments_of(x, 0);
    /* A single observation in a group: difference, no interval, no p. */
    struct stats_est e = stats_welch(&a, &one, 0.95);
    NEAR(e.value, 1.0, 1e-15);
    IS_NAN(e.lo);
    IS_NAN(e.hi);
    IS_NAN(e.p);
    e = stats_welch(&none, &a, 0.95);
    IS_NAN(e.value);
    /* Both variances 0: the difference only. */
    struct stats_moments cc = moments_of(c, 3), dd = moments_of(d, 2);
    e = stats_welch(&cc, &dd, 0.95);
    NEAR(e.value, -3.0, 1e-15);
    IS_NAN(e.lo);
    IS_NAN(e.p);
    /* One variance 0: df = n - 1 of the other group. a vs c: se^2 = 1/3,
     * df = (1/3)^2 / ((1/3)^2 / 2) = 2, half-width 4.302653 / sqrt(3). */
    e = stats_welch(&a, &cc, 0.95);
    NEAR(e.hi - e.value, 4.302653 / sqrt(3.0), 5e-7);
}

/* ---- Benjamini-Hochberg ------------------------------------------------- */

static void bh_by_hand(void **state)
{
    (void)state;
    /* Six p-values (the NAN is not in the family, m = 6), sorted:
     * 0.002 (rank 1), 0.01 (2), 0.03 (3), 0.04 (4), 0.04 (5), 0.5 (6).
     * m/i * p: 0.012, 0.03, 0.06, 0.06, 0.048, 0.5; running minimum from
     * the top: 0.5, 0.048, 0.048, 0.048, 0.03, 0.012. Tied p share a q. */
    const double p[] = { 0.01, 0.04, 0.03, NAN, 0.04, 0.5, 0.002 };
    const double want[] = { 0.03, 0.048, 0.048, NAN, 0.048, 0.5, 0.012 };
    double q[7];
    stats_bh(p, q, 7);
    for (size_t i = 0; i < 7; i++) {
        if (isnan(want[i]))
            IS_NAN(q[i]);
        else
            NEAR(q[i], want[i], 1e-15);
    }
}

static void bh_r_documentation(void **state)
{
    (void)state;
    /* R p.adjust: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "BH") gives
     * 0.05 for every entry (m/i * p_i = 0.05 for all i), the textbook
     * example of Benjamini Y, Hochberg Y (1995), J R Stat Soc B 57:289-300
     * step-up rule rejecting all five at q = 0.05. */
    const double p[] = { 0.05, 0.01, 0.03, 0.02, 0.04 };
    double q[5];
    stats_bh(p, q, 5);
    for (size_t i = 0; i < 5; i++)
        NEAR(q[i], 0.05, 1e-15);
    /* A single p is its own q; only NANs: all NAN; empty: no effect. */
    const double one = 0.2, nans[] = { NAN, NAN };
    stats_bh(&one, q, 1);
    NEAR(q[0], 0.2, 0.0);
    stats_bh(nans, q, 2);
    IS_NAN(q[0]);
    IS_NAN(q[1]);
    stats_bh(NULL, NULL, 0);
}

/* ---- Kaplan-Meier, log-rank ----------------------------------------------- */

/* Freireich EJ et al. (1963), Blood 21:699-716, remission weeks of acute
 * leukaemia, as listed by Gehan EA (1965), Biometrika 52:203-223.
 * Group 0: 6-MP (event 0 = censored), group 1: placebo (all relapsed). */
static const double mp_time[21] = { 6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32,
                                    32, 34, 35 };
static const int mp_event[21] = { 1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0 };
static const double pl_time[21] = { 1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22,
                                    23 };

static size_t gehan(struct stats_surv_obs *o, int with_placebo)
{
    size_t n = 0;
    for (size_t i = 0; i < 21; i++)
        o[n++] = (struct stats_surv_obs){ mp_time[i], mp_event[i], 0 };
    for (size_t i = 0; with_placebo && i < 21; i++)
        o[n++] = (struct stats_surv_obs){ pl_time[i], 1, 1 };
    return n;
}

/* Klein JP, Moeschberger ML (2003), "Survival Analysis", 2nd ed.,
 * Springer, Table 4.1A (6-MP group): S(t) and Greenwood standard errors
 * 6: 0.857 0.0764; 7: 0.807 0.0869; 10: 0.753 0.0963; 13: 0.690 0.1068;
 * 16: 0.627 0.1141; 22: 0.538 0.1282; 23: 0.448 0.1346. The same S(t) are
 * in Kleinbaum DG, Klein M (2012), "Survival Analysis: A Self-Learning
 * Text", 3rd ed., Springer, ch. 2. */
static void km_gehan_6mp(void **state)
{
    (void)state;
    static const struct { double t, s, se; } ref[] = {
        { 6, 0.857, 0.0764 }, { 7, 0.807, 0.0869 }, { 10, 0.753, 0.0963 }, { 13, 0.690, 0.1068 },
        { 16, 0.627, 0.1141 }, { 22, 0.538, 0.1282 }, { 23, 0.448, 0.1346 },
    };
    struct stats_surv_obs o[42];
    size_t n = gehan(o, 0);
    struct stats_km km;
    stats_km_fit(o, n, 0.95, &km);
    assert_int_equal(km.n, 21);
    NEAR(km.max_time, 35.0, 0.0);
    size_t seen = 0;
    for (size_t i = 0; i < km.n_steps; i++) {
        const struct stats_km_step *s = &km.steps[i];
        for (size_t r = 0; r < sizeof ref / sizeof ref[0]; r++) {
            if (s->time != ref[r].t)
                continue;
            seen++;
            NEAR(s->surv, ref[r].s, 5e-4);
            NEAR(s->surv * sqrt(s->greenwood), ref[r].se, 5e-5);
        }
    }
    assert_int_equal(seen, 7);
    /* The first step: 21 at risk, 3 relapses and 1 censored at week 6. */
    assert_true(km.steps[0].time == 6.0);
    assert_int_equal(km.steps[0].n_risk, 21);
    assert_int_equal(km.steps[0].n_event, 3);
    assert_int_equal(km.steps[0].n_censor, 1);
    /* Log-log interval at t = 6, by hand (R survfit conf.type = "log-log"):
     * S = 18/21 = 0.8571429, Greenwood 3 / (21 * 18) = 0.0079365,
     * se(log S) = 0.0890871, log S = -0.1541507, log(-log S) = -1.8698247,
     * shift = 1.959964 * 0.0890871 / -0.1541507 = -1.1327065;
     * exp(-exp(-1.8698247 + 1.1327065)) = 0.619718,
     * exp(-exp(-1.8698247 - 1.1327065)) = 0.951552
     * (Stata's sts list prints 0.6197 0.9516 for these data). */
    struct stats_est e = stats_km_at(&km, 6.0);
    NEAR(e.value, 18.0 / 21.0, 1e-15);
    NEAR(e.lo, 0.619718, 5e-7);
    NEAR(e.hi, 0.951552, 5e-7);
    /* Between steps S is flat; at an event time the events count. */
    e = stats_km_at(&km, 12.5);
    NEAR(e.value, 0.753, 5e-4);
    e = stats_km_at(&km, 13.0);
    NEAR(e.value, 0.690, 5e-4);
    e = stats_km_at(&km, 35.0); /* last censoring: S = 0.448 */
    NEAR(e.value, 0.448, 5e-4);
    e = stats_km_at(&km, 35.5); /* nobody followed that long */
    IS_NAN(e.value);
    IS_NAN(e.lo);
    e = stats_km_at(&km, 5.0); /* before the first event */
    NEAR(e.value, 1.0, 0.0);
    IS_NAN(e.lo);
    IS_NAN(e.hi);
    stats_km_release(&km);
    assert_null(km.steps);
}

/* Log-rank of 6-MP vs placebo: R survdiff prints "Chisq= 16.8 on 1 degrees
 * of freedom, p= 4.17e-05" (Observed 9 / 21, Expected 19.3 / 10.7);
 * Kleinbaum DG, Klein M (2012), "Survival Analysis: A Self-Learning Text",
 * 3rd ed., ch. 2: 6-MP O = 9, E = 19.25, Var(O - E) = 6.2570, log-rank
 * statistic (-10.25)^2 / 6.2570 = 16.79. */
static void logrank_gehan(void **state)
{
    (void)state;
    struct stats_surv_obs o[42];
    size_t n = gehan(o, 1);
    struct stats_est e = stats_logrank(o, n);
    NEAR(e.value, 16.79, 5e-3);
    NEAR(e.p, 4.17e-5, 5e-8);
    /* Swapping the group labels gives the same statistic. */
    for (size_t i = 0; i < n; i++)
        o[i].group = 1 - o[i].group;
    NEAR(stats_logrank(o, n).value, e.value, 1e-12);
}

static void logrank_by_hand(void **state)
{
    (void)state;
    /* Group 0 events at 1 and 3, group 1 events at 2 and 4, one each.
     * t=1: r=4, r1=2, d=1: E1 = 0.5, V = 1 * 0.5 * 0.5 * 3/3 = 0.25.
     * t=2: r=3, r1=2, d=1: E1 = 2/3, V = (2/3)(1/3) = 2/9.
     * t=3: r=2, r1=1, d=1: E1 = 0.5, V = 0.25.
     * t=4: r=1, r1=1, d=1: E1 = 1, V = 0 (r - d = 0).
     * O1 = 2, E1 = 8/3, V = 13/18; chi^2 = (4/9) / (13/18) = 8/13. */
    struct stats_surv_obs o[] = { { 3, 1, 0 }, { 1, 1, 0 }, { 2, 1, 1 }, { 4, 1, 1 } };
    struct stats_est e = stats_logrank(o, 4);
    NEAR(e.value, 8.0 / 13.0, 1e-14);
    NEAR(e.p, gsl_cdf_chisq_Q(8.0 / 13.0, 1.0), 1e-14);
    /* Ties across groups: both at t=1, d=2, r=2, r1=1: E1 = 1,
     * V = 2 * 0.5 * 0.5 * 0 / 1 = 0: no information, NAN. */
    struct stats_surv_obs t[] = { { 1, 1, 0 }, { 1, 1, 1 } };
    IS_NAN(stats_logrank(t, 2).value);
}

static void survival_edges(void **state)
{
    (void)state;
    struct stats_km km;
    /* No subjects. */
    stats_km_fit(NULL, 0, 0.95, &km);
    IS_NAN(stats_km_at(&km, 1.0).value);
    IS_NAN(km.max_time);
    stats_km_release(&km);
    IS_NAN(stats_logrank(NULL, 0).value);

    /* All censored: S = 1 up to the last time, no interval; no events for
     * the log-rank test. */
    struct stats_surv_obs c[] = { { 5, 0, 0 }, { 3, 0, 1 }, { 9, 0, 1 } };
    stats_km_fit(c, 3, 0.95, &km);
    struct stats_est e = stats_km_at(&km, 9.0);
    NEAR(e.value, 1.0, 0.0);
    IS_NAN(e.lo);
    IS_NAN(e.hi);
    IS_NAN(stats_km_at(&km, 10.0).value);
    stats_km_release(&km);
    e = stats_logrank(c, 3);
    IS_NAN(e.value);
    IS_NAN(e.p);

    /* Everyone has the event: S(1) = 1/2 with an interval, S(2) = 0 without
     * one, then nothing is known beyond 2. */
    struct stats_surv_obs d[] = { { 2, 1, 0 }, { 1, 1, 0 } };
    stats_km_fit(d, 2, 0.95, &km);
    e = stats_km_at(&km, 1.0);
    NEAR(e.value, 0.5, 0.0);
    assert_true(e.lo > 0.0 && e.lo < 0.5 && e.hi > 0.5 && e.hi < 1.0);
    e = stats_km_at(&km, 2.0);
    NEAR(e.value, 0.0, 0.0);
    IS_NAN(e.lo);
    IS_NAN(e.hi);
    assert_true(isinf(km.steps[1].greenwood));
    IS_NAN(stats_km_at(&km, 2.5).value);
    stats_km_release(&km);

    /* Everyone in one group: no comparison possible. */
    struct stats_surv_obs g[] = { { 1, 1, 1 }, { 2, 1, 1 }, { 3, 0, 1 } };
    IS_NAN(stats_logrank(g, 3).value);
}

/* ---- least squares, CR1 ------------------------------------------------- */

/* Six observations in three clusters, y ~ 1 + x:
 *   cluster A: (x 0, y 1), (x 1, y 3)
 *   cluster B: (x 0, y 2), (x 1, y 2)
 *   cluster C: (x 0, y 3), (x 1, y 5)
 * X'X = [[6, 3], [3, 3]], X'y = [16, 10], det 9,
 * (X'X)^-1 = [[1/3, -1/3], [-1/3, 2/3]], beta = [16/3 - 10/3, -16/3 + 20/3]
 * = [2, 4/3] (the x = 0 mean, and the x = 1 mean 10/3 minus it).
 * Residuals: x = 0: -1, 0, 1; x = 1: -1/3, -4/3, 5/3.
 * Cluster scores X_g'e_g = [sum e, sum x e]: A [-4/3, -1/3],
 * B [-4/3, -4/3], C [8/3, 5/3]; meat M = sum s s' = [[96/9, 60/9],
 * [60/9, 42/9]].
 * CR1 factor G/(G-1) (N-1)/(N-K) = 3/2 * 5/4 = 15/8.
 * Slope: a = [-1/3, 2/3], M a = [8/9, 8/9], a'M a = 8/27, V = 15/8 * 8/27
 * = 5/9, se = 0.7453560, t = (4/3) / se = sqrt(16/5) = 1.7888544 on 2 df;
 * with 2 df P(|T| > t) = 1 - t / sqrt(2 + t^2) = 1 - sqrt(3.2 / 5.2)
 * = 0.2155355; CI 4/3 -+ 4.3026527 * 0.7453560 = 4/3 -+ 3.2070080
 * = -1.8736747, 4.5403413.
 * Intercept: a = [1/3, -1/3], M a = [12/9, 6/9], a'M a = 2/9, V = 5/12,
 * t^2 = 4 / (5/12) = 9.6, p = 1 - sqrt(9.6 / 11.6) = 0.0902823. */
static const double ols_x[6] = { 0, 1, 0, 1, 0, 1 };
static const double ols_y[6] = { 1, 3, 2, 2, 3, 5 };

static void ols_cr1_by_hand(void **state)
{
    (void)state;
    gsl_matrix *xtx = gsl_matrix_calloc(2, 2), *inv = gsl_matrix_alloc(2, 2);
    gsl_matrix *meat = gsl_matrix_calloc(2, 2);
    gsl_vector *xty = gsl_vector_calloc(2), *beta = gsl_vector_alloc(2), *s = gsl_vector_alloc(2);
    for (size_t i = 0; i < 6; i++) {
        double row[2] = { 1.0, ols_x[i] };
        for (size_t r = 0; r < 2; r++) {
            for (size_t c = 0; c < 2; c++)
                *gsl_matrix_ptr(xtx, r, c) += row[r] * row[c];
            *gsl_vector_ptr(xty, r) += row[r] * ols_y[i];
        }
    }
    assert_int_equal(stats_ols_solve(xtx, xty, beta, inv), 0);
    NEAR(gsl_vector_get(beta, 0), 2.0, 1e-12);
    NEAR(gsl_vector_get(beta, 1), 4.0 / 3.0, 1e-12);
    NEAR(gsl_matrix_get(inv, 0, 0), 1.0 / 3.0, 1e-12);
    NEAR(gsl_matrix_get(inv, 0, 1), -1.0 / 3.0, 1e-12);
    NEAR(gsl_matrix_get(inv, 1, 0), -1.0 / 3.0, 1e-12);
    NEAR(gsl_matrix_get(inv, 1, 1), 2.0 / 3.0, 1e-12);
    for (size_t g = 0; g < 3; g++) {
        gsl_vector_set_zero(s);
        for (size_t i = 2 * g; i < 2 * g + 2; i++) {
            double e = ols_y[i] - gsl_vector_get(beta, 0) - gsl_vector_get(beta, 1) * ols_x[i];
            *gsl_vector_ptr(s, 0) += e;
            *gsl_vector_ptr(s, 1) += ols_x[i] * e;
        }
        stats_cr1_meat_add(meat, s);
    }
    NEAR(gsl_matrix_get(meat, 0, 0), 96.0 / 9.0, 1e-12);
    NEAR(gsl_matrix_get(meat, 0, 1), 60.0 / 9.0, 1e-12);
    NEAR(gsl_matrix_get(meat, 1, 0), 60.0 / 9.0, 1e-12);
    NEAR(gsl_matrix_get(meat, 1, 1), 42.0 / 9.0, 1e-12);

    struct stats_est e = stats_cr1(beta, inv, meat, 6, 3, 1, 0.95);
    NEAR(e.value, 4.0 / 3.0, 1e-12);
    NEAR((e.hi - e.lo) / 2.0 / 4.302652729749464, sqrt(5.0 / 9.0), 1e-9);
    NEAR(e.lo, -1.8736747, 5e-8);
    NEAR(e.hi, 4.5403413, 5e-8);
    NEAR(e.p, 1.0 - sqrt(3.2 / 5.2), 1e-9);
    e = stats_cr1(beta, inv, meat, 6, 3, 0, 0.95);
    NEAR(e.value, 2.0, 1e-12);
    NEAR(e.p, 1.0 - sqrt(9.6 / 11.6), 1e-9);
    NEAR(e.hi - e.value, 4.302652729749464 * sqrt(5.0 / 12.0), 1e-9);

    /* One cluster, or N <= K: the estimate without inference. */
    e = stats_cr1(beta, inv, meat, 6, 1, 1, 0.95);
    NEAR(e.value, 4.0 / 3.0, 1e-12);
    IS_NAN(e.lo);
    IS_NAN(e.p);
    e = stats_cr1(beta, inv, meat, 2, 2, 1, 0.95);
    IS_NAN(e.hi);
    IS_NAN(stats_cr1(beta, inv, meat, 6, 3, 2, 0.95).value);
    /* A perfect fit: se 0, degenerate interval, no p. */
    gsl_matrix_set_zero(meat);
    e = stats_cr1(beta, inv, meat, 6, 3, 1, 0.95);
    NEAR(e.lo, 4.0 / 3.0, 1e-12);
    IS_NAN(e.p);

    gsl_vector_free(s);
    gsl_vector_free(beta);
    gsl_vector_free(xty);
    gsl_matrix_free(meat);
    gsl_matrix_free(inv);
    gsl_matrix_free(xtx);
}

static void ols_rank_deficient(void **state)
{
    (void)state;
    gsl_matrix *xtx = gsl_matrix_calloc(3, 3), *inv = gsl_matrix_alloc(3, 3);
    gsl_vector *xty = gsl_vector_calloc(3), *beta = gsl_vector_alloc(3);
    /* Columns 1, x, 1 - x on the data above: the third is the first minus
     * the second, so X'X = [[6, 3, 3], [3, 3, 0], [3, 0, 3]] is singular. */
    for (size_t i = 0; i < 6; i++) {
        double row[3] = { 1.0, ols_x[i], 1.0 - ols_x[i] };
        for (size_t r = 0; r < 3; r++) {
            for (size_t c = 0; c < 3; c++)
                *gsl_matrix_ptr(xtx, r, c) += row[r] * row[c];
            *gsl_vector_ptr(xty, r) += row[r] * ols_y[i];
        }
    }
    assert_int_equal(stats_ols_solve(xtx, xty, beta, inv), -1);
    /* Dummies of levels with 0.1 steps (not exact in binary) summing to
     * the intercept: still singular, through rounding. */
    gsl_matrix_set_all(xtx, 0.0);
    for (size_t i = 0; i < 10; i++) {
        double v = 0.1 * (double)i;
        double row[3] = { 1.0, v, 1.0 - v };
        for (size_t r = 0; r < 3; r++)
            for (size_t c = 0; c < 3; c++)
                *gsl_matrix_ptr(xtx, r, c) += row[r] * row[c];
    }
    assert_int_equal(stats_ols_solve(xtx, xty, beta, inv), -1);
    /* The zero matrix, and mismatched sizes. */
    gsl_matrix_set_zero(xtx);
    assert_int_equal(stats_ols_solve(xtx, xty, beta, inv), -1);
    gsl_vector *small = gsl_vector_alloc(2);
    gsl_matrix_set_identity(xtx);
    assert_int_equal(stats_ols_solve(xtx, xty, small, inv), -1);
    assert_int_equal(stats_ols_solve(xtx, xty, beta, inv), 0);
    gsl_vector_free(small);
    gsl_vector_free(beta);
    gsl_vector_free(xty);
    gsl_matrix_free(inv);
    gsl_matrix_free(xtx);
}

/* ---- difference in differences ------------------------------------------ */

/* Hand-worked: IMG 10/40 before, 20/40 after; non-IMG 20/50 before, 30/60
 * after. value = (0.5 - 0.5) - (0.25 - 0.4) = 0.15;
 * SE^2 = .25 .75/40 + .5 .5/40 + .4 .6/50 + .5 .5/60 = 4777/240000
 * = 0.01990416667, SE = 0.1410821274; z = 1.063210506, p = 0.2876864992;
 * CI 0.15 -+ 1.959964 SE = (-0.1265158885, 0.4265158885). */
static void did_by_hand(void **state)
{
    (void)state;
    struct stats_prop ipre = { 10, 40 }, ipost = { 20, 40 }, npre = { 20, 50 }, npost = { 30, 60 };
    struct stats_est e = stats_did(ipre, ipost, npre, npost, 0.95);
    NEAR(e.value, 0.15, 1e-15);
    NEAR(e.lo, -0.1265158885, 5e-11);
    NEAR(e.hi, 0.4265158885, 5e-11);
    NEAR(e.p, 0.2876864992, 5e-11);
    NEAR((e.hi - e.lo) / (2.0 * Z95), sqrt(4777.0 / 240000.0), 1e-12);

    /* Cross Validated, "How do I perform a statistical test for a
     * Difference-in-Differences analysis?": area A 64/130 before, 82/118
     * after; area B 44/100, 60/100; "the estimate of effect is 0.04"
     * (0.0426 unrounded). */
    struct stats_prop a0 = { 64, 130 }, a1 = { 82, 118 }, b0 = { 44, 100 }, b1 = { 60, 100 };
    e = stats_did(a0, a1, b0, b1, 0.95);
    NEAR(e.value, 0.04, 5e-3);
    NEAR(e.value, (82.0 / 118 - 0.6) - (64.0 / 130 - 0.44), 1e-15);
}

/* A second route to the same numbers: the difference in differences is
 * the interaction coefficient of the saturated linear probability model
 * y ~ 1 + img + post + img:post on the individual 0/1 outcomes, and its
 * SE^2 is that coefficient's HC0 (White) sandwich variance
 * (X'X)^-1 [sum e_i^2 x_i x_i'] (X'X)^-1: in a saturated model each cell's
 * residuals give p (1 - p) n, and the (X'X)^-1 rows pick 1/n per cell. */
static void did_is_saturated_ols(void **state)
{
    (void)state;
    /* cells: img, post, k, n */
    static const int cell[4][4] = { { 1, 0, 7, 31 }, { 1, 1, 19, 29 }, { 0, 0, 12, 45 }, { 0, 1, 15, 38 } };
    gsl_matrix *xtx = gsl_matrix_calloc(4, 4), *inv = gsl_matrix_alloc(4, 4), *meat = gsl_matrix_calloc(4, 4);
    gsl_vector *xty = gsl_vector_calloc(4), *beta = gsl_vector_alloc(4), *s = gsl_vector_alloc(4);
    for (int c = 0; c < 4; c++)
        for (int i = 0; i < cell[c][3]; i++) {
            double row[4] = { 1, cell[c][0], cell[c][1], cell[c][0] * cell[c][1] }, yi = i < cell[c][2];
            for (int r = 0; r < 4; r++) {
                for (int q = 0; q < 4; q++)
                    *gsl_matrix_ptr(xtx, r, q) += row[r] * row[q];
                *gsl_vector_ptr(xty, r) += row[r] * yi;
            }
        }
    assert_int_equal(stats_ols_solve(xtx, xty, beta, inv), 0);
    for (int c = 0; c < 4; c++)
        for (int i = 0; i < cell[c][3]; i++) {
            double row[4] = { 1, cell[c][0], cell[c][1], cell[c][0] * cell[c][1] }, yi = i < cell[c][2];
            double fitted = 0.0;
            for (int r = 0; r < 4; r++)
                fitted += row[r] * gsl_vector_get(beta, r);
            for (int r = 0; r < 4; r++)
                gsl_vector_set(s, r, row[r] * (yi - fitted));
            stats_cr1_meat_add(meat, s); /* one observation per cluster: HC0's meat */
        }
    /* V_33 = a' M a with a the last row of (X'X)^-1 */
    double v33 = 0.0;
    for (int r = 0; r < 4; r++)
        for (int q = 0; q < 4; q++)
            v33 += gsl_matrix_get(inv, 3, r) * gsl_matrix_get(meat, r, q) * gsl_matrix_get(inv, 3, q);
    struct stats_prop ipre = { 7, 31 }, ipost = { 19, 29 }, npre = { 12, 45 }, npost = { 15, 38 };
    struct stats_est e = stats_did(ipre, ipost, npre, npost, 0.95);
    NEAR(e.value, gsl_vector_get(beta, 3), 1e-12);
    NEAR((e.hi - e.lo) / (2.0 * Z95), sqrt(v33), 1e-12);
    NEAR(e.p, 2.0 * gsl_cdf_ugaussian_Q(fabs(gsl_vector_get(beta, 3)) / sqrt(v33)), 1e-12);
    gsl_vector_free(s);
    gsl_vector_free(beta);
    gsl_vector_free(xty);
    gsl_matrix_free(meat);
    gsl_matrix_free(inv);
    gsl_matrix_free(xtx);
}

static void did_edges(void **state)
{
    (void)state;
    struct stats_prop z = { 0, 0 }, a = { 3, 10 }, b = { 4, 10 }, c = { 5, 10 };
    /* a cell with n = 0: nothing */
    struct stats_est e = stats_did(z, a, b, c, 0.95);
    IS_NAN(e.value);
    IS_NAN(e.lo);
    IS_NAN(e.p);
    e = stats_did(a, b, c, z, 0.95);
    IS_NAN(e.value);
    /* k outside 0..n */
    struct stats_prop bad = { 11, 10 };
    IS_NAN(stats_did(a, b, bad, c, 0.95).value);
    /* every p 0 or 1: SE = 0, the value without interval or p;
     * (5/5 - 0/3) - (0/5 - 0/4) = 1 */
    struct stats_prop none5 = { 0, 5 }, all5 = { 5, 5 }, none3 = { 0, 3 }, none4 = { 0, 4 };
    e = stats_did(none5, all5, none4, none3, 0.95);
    NEAR(e.value, 1.0, 0.0);
    IS_NAN(e.lo);
    IS_NAN(e.hi);
    IS_NAN(e.p);
    /* no change at all: value 0, p 1 */
    e = stats_did(a, a, b, b, 0.95);
    NEAR(e.value, 0.0, 0.0);
    NEAR(e.p, 1.0, 1e-15);
}

/* ---- inverse-variance weighted slope ------------------------------------ */

/* Hand-worked: x = 2021..2024, y = -0.30, -0.25, -0.10, -0.05, se = 0.1,
 * 0.2, 0.1, 0.2, so w = 100, 25, 100, 25 (sum 250). xw = 2022.2,
 * yw = -47.5 / 250 = -0.19; x - xw = -1.2, -0.2, 0.8, 1.8; y - yw = -0.11,
 * -0.06, 0.09, 0.14. Sxx = 144 + 1 + 64 + 81 = 290, Sxy = 13.2 + 0.3 + 7.2
 * + 6.3 = 27: slope = 27/290 = 0.09310344828, SE = 1/sqrt(290) =
 * 0.05872202195, z = 27/sqrt(290) = 1.585494593, p = 0.1128540045. */
static void ivw_slope_by_hand(void **state)
{
    (void)state;
    static const double x[4] = { 2021, 2022, 2023, 2024 }, y[4] = { -0.30, -0.25, -0.10, -0.05 };
    static const double se[4] = { 0.1, 0.2, 0.1, 0.2 };
    struct stats_est e = stats_ivw_slope(x, y, se, 4, 0.95);
    NEAR(e.value, 27.0 / 290.0, 1e-12);
    NEAR((e.hi - e.lo) / (2.0 * Z95), 1.0 / sqrt(290.0), 1e-12);
    NEAR(e.lo, 27.0 / 290.0 - Z95 / sqrt(290.0), 1e-12);
    NEAR(e.p, 0.1128540045, 5e-11);
    /* equal weights: the ordinary least-squares slope of 1, 2, 4 on 0, 1,
     * 2 is 1.5, SE = se / sqrt(Sxx) = 0.5 / sqrt(2) */
    static const double x2[3] = { 0, 1, 2 }, y2[3] = { 1, 2, 4 }, se2[3] = { 0.5, 0.5, 0.5 };
    e = stats_ivw_slope(x2, y2, se2, 3, 0.95);
    NEAR(e.value, 1.5, 1e-12);
    NEAR(e.hi - e.value, Z95 * 0.5 / sqrt(2.0), 1e-12);
}

/* GSL's gsl_fit_wlinear is a second, independent route: its c1 is the
 * weighted slope and, with weights 1/se^2, cov11 = 1 / Sxx. */
static void ivw_slope_matches_gsl(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20250101);
    double x[12], y[12], se[12], w[12];
    for (int rep = 0; rep < 200; rep++) {
        size_t n = 3 + gsl_rng_uniform_int(r, 10);
        for (size_t i = 0; i < n; i++) {
            x[i] = 2015.0 + (double)i + (gsl_rng_uniform(r) < 0.2 ? 1.0 : 0.0);
            y[i] = -0.4 + 0.03 * (double)i + gsl_ran_gaussian(r, 0.1);
            se[i] = 0.02 + gsl_rng_uniform(r) * 0.2;
            w[i] = 1.0 / (se[i] * se[i]);
        }
        double c0, c1, c00, c01, c11, chisq;
        assert_int_equal(gsl_fit_wlinear(x, 1, w, 1, y, 1, n, &c0, &c1, &c00, &c01, &c11, &chisq), 0);
        struct stats_est e = stats_ivw_slope(x, y, se, n, 0.95);
        NEAR(e.value, c1, 1e-9 * (1.0 + fabs(c1)));
        NEAR((e.hi - e.lo) / (2.0 * Z95), sqrt(c11), 1e-9 * sqrt(c11));
        NEAR(e.p, 2.0 * gsl_cdf_ugaussian_Q(fabs(c1) / sqrt(c11)), 1e-8);
    }
    gsl_rng_free(r);
}

static void ivw_slope_edges(void **state)
{
    (void)state;
    static const double x[3] = { 1, 2, 3 }, y[3] = { 1, 2, 3 }, se[3] = { 1, 1, 1 };
    IS_NAN(stats_ivw_slope(x, y, se, 2, 0.95).value); /* fewer than 3 years */
    IS_NAN(stats_ivw_slope(x, y, se, 0, 0.95).value);
    static const double se0[3] = { 1, 0, 1 }, senan[3] = { 1, NAN, 1 }, ynan[3] = { 1, NAN, 3 };
    IS_NAN(stats_ivw_slope(x, y, se0, 3, 0.95).value);
    IS_NAN(stats_ivw_slope(x, y, senan, 3, 0.95).value);
    IS_NAN(stats_ivw_slope(x, ynan, se, 3, 0.95).value);
    static const double same[3] = { 2020, 2020, 2020 };
    IS_NAN(stats_ivw_slope(same, y, se, 3, 0.95).value);
    /* a perfect line still has a standard error: it comes from se */
    struct stats_est e = stats_ivw_slope(x, y, se, 3, 0.95);
    NEAR(e.value, 1.0, 1e-12);
    NEAR(e.hi - e.value, Z95 / sqrt(2.0), 1e-12);
}

/* ---- funnel limits --------------------------------------------------------- */

/* Bin(10, 0.5): P(X <= 1) = 11/1024, P(X <= 2) = 56/1024, P(X <= 7) =
 * 968/1024, P(X <= 8) = 1013/1024.
 * prob 0.025: r = 2, alpha = (56 - 25.6) / 45 = 0.6755556, limit =
 * (2 - alpha) / 10 = 59.6 / 450 = 0.1324444.
 * prob 0.975: r = 8, alpha = (1013 - 998.4) / 45 = 0.3244444, limit =
 * (8 - alpha) / 10 = 0.7675556.
 * Bin(20, 0.3), prob 0.001 (the 99.8% funnel): P(X = 0) = 0.7^20 =
 * 0.000797923, P(X <= 1) = 0.000797923 + 20 (0.3) 0.7^19 = 0.00763726;
 * r = 1, alpha = (0.00763726 - 0.001) / (0.00763726 - 0.000797923) =
 * 0.9704537, limit = (1 - alpha) / 20 = 0.001477317. */
static void funnel_by_hand(void **state)
{
    (void)state;
    NEAR(stats_funnel_limit(0.5, 10, 0.025), 59.6 / 450.0, 1e-12);
    NEAR(stats_funnel_limit(0.5, 10, 0.975), (8.0 - 14.6 / 45.0) / 10.0, 1e-12);
    NEAR(stats_funnel_limit(0.3, 20, 0.001), 0.0014773166883, 1e-12);
    struct stats_est e = stats_funnel(0.5, 10, 0.95);
    NEAR(e.value, 0.5, 0.0);
    NEAR(e.lo, 59.6 / 450.0, 1e-12);
    NEAR(e.hi, (8.0 - 14.6 / 45.0) / 10.0, 1e-12);
    IS_NAN(e.p);
    e = stats_funnel(0.3, 20, 0.998);
    NEAR(e.lo, 0.0014773166883, 1e-12);
    /* Bin(1, 0.5), prob 0.975: P(X <= 0) = 0.5 < 0.975, so r = 1 and
     * alpha = (1 - 0.975) / 0.5 = 0.05: limit 0.95. */
    NEAR(stats_funnel_limit(0.5, 1, 0.975), 0.95, 1e-12);
    /* Bin(10, 0.05), prob 0.025: P(X <= 0) = 0.95^10 = 0.5987 >= 0.025,
     * r = 0, alpha = 0.958 and (0 - alpha) / 10 < 0: clamped to 0. */
    assert_true(stats_funnel_limit(0.05, 10, 0.025) == 0.0);
}

/* Spiegelhalter (2005) section 3: for large n the exact limits approach
 * the normal ones, p0 -+ z sqrt(p0 (1 - p0) / n); the discreteness and the
 * skew leave a difference of order 1/n. */
static void funnel_normal_limit(void **state)
{
    (void)state;
    static const struct { double p0; long n; double conf; } c[] = {
        { 0.2, 10000, 0.95 }, { 0.8, 20000, 0.998 }, { 0.5, 5000, 0.95 }, { 0.05, 40000, 0.998 },
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        double half = stats_z(c[i].conf) * sqrt(c[i].p0 * (1.0 - c[i].p0) / (double)c[i].n);
        struct stats_est e = stats_funnel(c[i].p0, c[i].n, c[i].conf);
        NEAR(e.lo, c[i].p0 - half, 3.0 / (double)c[i].n);
        NEAR(e.hi, c[i].p0 + half, 3.0 / (double)c[i].n);
        assert_true(e.lo < c[i].p0 && c[i].p0 < e.hi);
    }
    /* The 99.8% funnel is wider than the 95% one and narrows with n. */
    struct stats_est a = stats_funnel(0.3, 50, 0.95), b = stats_funnel(0.3, 50, 0.998);
    struct stats_est d = stats_funnel(0.3, 500, 0.998);
    assert_true(b.lo < a.lo && a.hi < b.hi);
    assert_true(b.lo < d.lo && d.hi < b.hi);
}

static void funnel_edges(void **state)
{
    (void)state;
    IS_NAN(stats_funnel_limit(0.5, 0, 0.025));
    IS_NAN(stats_funnel_limit(-0.1, 10, 0.025));
    IS_NAN(stats_funnel_limit(1.1, 10, 0.025));
    IS_NAN(stats_funnel_limit(NAN, 10, 0.025));
    IS_NAN(stats_funnel_limit(0.5, 10, 0.0));
    IS_NAN(stats_funnel_limit(0.5, 10, 1.0));
    struct stats_est e = stats_funnel(0.5, 10, 1.0);
    IS_NAN(e.value);
    IS_NAN(e.lo);
    e = stats_funnel(0.5, 0, 0.95);
    IS_NAN(e.value);
    /* a pooled rate of 0 or 1 leaves no room either side */
    e = stats_funnel(1.0, 25, 0.998);
    NEAR(e.lo, 1.0, 0.0);
    NEAR(e.hi, 1.0, 0.0);
    e = stats_funnel(0.0, 25, 0.95);
    NEAR(e.lo, 0.0, 0.0);
    NEAR(e.hi, 0.0, 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quantiles),
        cmocka_unit_test(wilson_newcombe_table1),
        cmocka_unit_test(wilson_edges),
        cmocka_unit_test(newcombe_table2),
        cmocka_unit_test(newcombe_fisher_and_edges),
        cmocka_unit_test(fisher_published),
        cmocka_unit_test(fisher_zero_cells_and_ties),
        cmocka_unit_test(odds_ratio_woolf),
        cmocka_unit_test(risk_ratio_log),
        cmocka_unit_test(mean_ci_by_hand),
        cmocka_unit_test(welch_sleep),
        cmocka_unit_test(welch_by_hand),
        cmocka_unit_test(welch_edges),
        cmocka_unit_test(bh_by_hand),
        cmocka_unit_test(bh_r_documentation),
        cmocka_unit_test(km_gehan_6mp),
        cmocka_unit_test(logrank_gehan),
        cmocka_unit_test(logrank_by_hand),
        cmocka_unit_test(survival_edges),
        cmocka_unit_test(ols_cr1_by_hand),
        cmocka_unit_test(ols_rank_deficient),
        cmocka_unit_test(did_by_hand),
        cmocka_unit_test(did_is_saturated_ols),
        cmocka_unit_test(did_edges),
        cmocka_unit_test(ivw_slope_by_hand),
        cmocka_unit_test(ivw_slope_matches_gsl),
        cmocka_unit_test(ivw_slope_edges),
        cmocka_unit_test(funnel_by_hand),
        cmocka_unit_test(funnel_normal_limit),
        cmocka_unit_test(funnel_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
