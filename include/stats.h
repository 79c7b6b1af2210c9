/*
 * stats.h - the statistical routines behind every metric (metrics.md).
 *
 * Pure functions of numbers: no database, no I/O. Distributions, least
 * squares and sorting come from GSL; nothing here re-implements a special
 * function or a matrix factorisation. A value that cannot be estimated is
 * NAN, never a guess; callers write NAN as an empty field.
 *
 * `conf` is the confidence level (0.95): quantiles are taken at
 * 1 - (1 - conf) / 2; a conf outside (0, 1) gives NAN quantiles.
 *
 * GSL's default error handler aborts the process; the routines that can
 * reach it (quantiles, tail probabilities, least squares) switch it off with
 * gsl_set_error_handler_off() and check return codes instead.
 */
#ifndef IMGO_STATS_H
#define IMGO_STATS_H

#include <stddef.h>

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

/* Two-sided normal and t quantiles for confidence conf. */
double stats_z(double conf);
double stats_t(double conf, double df);

/* An estimate with its interval and two-sided p; NAN where not estimable. */
struct stats_est {
    double value, lo, hi, p;
};

/* Wilson score interval for k of n, no continuity correction; value = k/n.
 * n = 0: everything NAN. lo is exactly 0 when k = 0, hi exactly 1 when k = n. */
struct stats_est stats_wilson(long k, long n, double conf);

/* p1 - p2 = k1/n1 - k2/n2 with Newcombe's hybrid score interval (Newcombe
 * 1998, method 10) from the two Wilson intervals, and Fisher's two-sided p
 * on the table [[k1, n1-k1], [k2, n2-k2]]. NAN when n1 or n2 is 0. */
struct stats_est stats_newcombe(long k1, long n1, long k2, long n2, double conf);

/* Two-sided Fisher exact p of the 2x2 table [[a, b], [c, d]]: the sum of the
 * hypergeometric probabilities of all tables with the same margins that are
 * no more likely than the observed one (relative tolerance 1e-7, as R's
 * fisher.test). */
double stats_fisher(long a, long b, long c, long d);

/* Running mean and variance (Welford), for one pass over a stream. */
struct stats_moments {
    long n;
    double mean, m2;
};
#define STATS_MOMENTS_INIT { 0, 0.0, 0.0 }
void stats_moments_add(struct stats_moments *m, double x);
double stats_moments_var(const struct stats_moments *m); /* sample var; NAN if n < 2 */

/* Mean with a t interval mean +- t(n-1) sd/sqrt(n); interval NAN when n < 2,
 * value NAN when n = 0. p is NAN. */
struct stats_est stats_mean_ci(const struct stats_moments *m, double conf);

/* Welch two-sample t: value = mean1 - mean2, interval and two-sided p with
 * Welch-Satterthwaite df. value NAN when either n is 0; interval and p NAN
 * when either n < 2 or both variances are 0. */
struct stats_est stats_welch(const struct stats_moments *a, const struct stats_moments *b,
                             double conf);

/* Benjamini-Hochberg adjusted p-values as R's p.adjust(p, "BH"). Entries of
 * p that are NAN are left out of the family and get q NAN. */
void stats_bh(const double *p, double *q, size_t n);

/* Odds ratio ad/bc of [[a, b], [c, d]], adding 0.5 to every cell when any is
 * 0, with the Woolf (log) interval on the same cells and Fisher's p on the
 * uncorrected table. */
struct stats_est stats_odds_ratio(long a, long b, long c, long d, double conf);

/* Risk ratio (a/n1)/(c/n2) with the log interval
 * exp(ln RR +- z sqrt(1/a - 1/n1 + 1/c - 1/n2)); when a or c is 0, 0.5 is
 * added to a and c and 1 to n1 and n2. Fisher p on the uncorrected table
 * [[a, n1-a], [c, n2-c]]. NAN when n1 or n2 is 0. */
struct stats_est stats_risk_ratio(long a, long n1, long c, long n2, double conf);

/* ---- Survival ---------------------------------------------------------- */

struct stats_surv_obs {
    double time;
    int event;  /* 1 event, 0 censored */
    int group;  /* 0 or 1, for the log-rank test */
};

/* One step of a Kaplan-Meier curve: at each distinct time with an event or
 * censoring. surv is S(t) just after time; greenwood is Greenwood's
 * sum d / (n (n - d)) up to time, the variance of log S (INFINITY once S
 * reaches 0); lo/hi the log-log interval (NAN when surv is 0 or 1). */
struct stats_km_step {
    double time;
    long n_risk, n_event, n_censor;
    double surv, greenwood, lo, hi;
};

struct stats_km {
    struct stats_km_step *steps; /* owned; stats_km_release frees */
    size_t n_steps;
    long n;          /* subjects */
    double max_time; /* largest observed time; NAN when n = 0 */
};

/* Kaplan-Meier estimate over obs[0..n) (group ignored), conf for the bands.
 * Sorts obs by time in place. */
void stats_km_fit(struct stats_surv_obs *obs, size_t n, double conf, struct stats_km *km);
void stats_km_release(struct stats_km *km);

/* S(t) with events at exactly t counted, and its log-log interval (R survfit,
 * conf.type = "log-log"). value NAN when no subject has time >= t; lo, hi
 * NAN when S(t) is 0 or 1. */
struct stats_est stats_km_at(const struct stats_km *km, double t);

/* Log-rank chi-square (R survdiff, rho = 0) between group 0 and group 1, in
 * value, and its p from chi-square with 1 df. NAN when there is no event or
 * the variance is 0 (e.g. one group empty). Sorts obs by time in place. */
struct stats_est stats_logrank(struct stats_surv_obs *obs, size_t n);

/* ---- Least squares with cluster-robust errors --------------------------- */

/* The caller accumulates X'X (p x p, full, symmetric) and X'y. stats_ols_solve
 * finds beta and (X'X)^-1 (full, symmetric) by Cholesky; it returns 0, or -1
 * (and leaves outputs unspecified) when X'X is singular or numerically rank
 * deficient: Cholesky fails or its reciprocal condition number (1-norm) is
 * below 1e-10. Sizes must agree (beta p, xtx_inv p x p). */
int stats_ols_solve(const gsl_matrix *xtx, const gsl_vector *xty, gsl_vector *beta,
                    gsl_matrix *xtx_inv);

/* Adds the outer product s s' to meat (p x p, full): called once per cluster
 * with s = X_g'e_g, the cluster's sum of x_i * residual_i, to build the M
 * of stats_cr1. Start from a zero matrix. */
void stats_cr1_meat_add(gsl_matrix *meat, const gsl_vector *s);

/* CR1 inference for coefficient j:
 * V = G/(G-1) * (N-1)/(N-K) * (X'X)^-1 M (X'X)^-1, where M = sum over
 * clusters of (X_g'e_g)(X_g'e_g)'; interval and p from t with G-1 df.
 * value = beta[j]. NAN interval/p when G < 2 or N <= K, and p NAN when the
 * standard error is 0. */
struct stats_est stats_cr1(const gsl_vector *beta, const gsl_matrix *xtx_inv, const gsl_matrix *meat,
                           long n_obs, long n_clusters, size_t j, double conf);

#endif
