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

/* ---- Logistic regression ----------------------------------------------- */

/* What stats_logit_fit found; anything but STATS_LOGIT_OK is "not
 * estimable" and leaves beta and cov all NAN. */
enum stats_logit_status {
    STATS_LOGIT_OK = 0,
    STATS_LOGIT_EINPUT,    /* sizes disagree, n or p is 0, y not 0/1, x not finite */
    STATS_LOGIT_SEPARATED, /* (quasi-)complete separation: no finite estimate exists */
    STATS_LOGIT_SINGULAR,  /* X'WX singular or numerically rank deficient */
    STATS_LOGIT_NOCONV     /* no convergence within maxit iterations */
};

/* Convergence control as R's glm.control: converged when
 * |dev - dev_old| / (|dev| + 0.1) < epsilon, at most maxit iterations. */
struct stats_logit_ctl {
    double epsilon;
    int maxit;
};
#define STATS_LOGIT_CTL_GLM { 1e-8, 25 }

struct stats_logit {
    enum stats_logit_status status;
    int converged; /* 1 when the deviance criterion was met */
    int iter;      /* iterations run (R's "Number of Fisher Scoring iterations") */
    double deviance; /* -2 log likelihood at the last iterate; NAN when none ran */
};

/* Maximum likelihood logistic regression of y (n, each 0 or 1) on the design
 * x (n x p; the caller puts the intercept column in it) by iteratively
 * reweighted least squares, as R's glm.fit with family binomial: start at
 * mu = (y + 0.5) / 2, eta = logit(mu); each step solves X'WX b = X'Wz by
 * Cholesky (stats_ols_solve's rank rule) with W = mu (1 - mu) and working
 * response z = eta + (y - mu) / W. ctl NULL means STATS_LOGIT_CTL_GLM.
 *
 * On STATS_LOGIT_OK, beta (p) holds the estimate and cov (p x p, full) is
 * (X'WX)^-1 with W evaluated at beta itself (R's summary.glm uses the
 * weights of the iteration before, which differs by up to ~1e-5 relative).
 * Separation is decided before iterating, exactly, by the linear program of
 * Konis (2007) (GLPK, rational arithmetic): the data are separated when
 * some b != 0 has (2y_i - 1) x_i'b >= 0 for every i. A fit whose fitted
 * probabilities come within 10 DBL_EPSILON of 0 or 1 (R's warning "fitted
 * probabilities numerically 0 or 1") is reported as separated too. fit
 * always receives status, iter, converged and deviance (after EINPUT and
 * SEPARATED: 0, 0, NAN). Returns fit->status. GLPK's environment is per
 * thread: one that the calling thread already has is used and kept, one
 * made for this call is freed before it returns. */
int stats_logit_fit(const gsl_matrix *x, const gsl_vector *y, const struct stats_logit_ctl *ctl,
                    gsl_vector *beta, gsl_matrix *cov, struct stats_logit *fit);

/* Wald inference for coefficient j: value = beta[j], interval
 * beta[j] +- z sqrt(cov[j][j]) and two-sided normal p. Everything NAN when
 * beta[j] is NAN or j is out of range; interval and p NAN when the
 * variance is not positive and finite. */
struct stats_est stats_wald(const gsl_vector *beta, const gsl_matrix *cov, size_t j, double conf);

/* exp() of value and interval bounds (a log odds ratio to an odds ratio);
 * p unchanged, NAN stays NAN. */
struct stats_est stats_est_exp(struct stats_est e);

/* ---- Before and after, trends, institutions ----------------------------- */

/* k of n, one cell of a difference in differences. */
struct stats_prop {
    long k, n;
};

/* Normal difference in differences of four proportions p = k/n:
 * value = (p_img_post - p_non_post) - (p_img_pre - p_non_pre),
 * SE = sqrt(sum of p (1 - p) / n over the four cells), interval
 * value +- z SE, p two-sided normal of value / SE. Everything NAN when a
 * cell has n = 0 (or k outside 0..n); interval and p NAN when SE = 0. */
struct stats_est stats_did(struct stats_prop img_pre, struct stats_prop img_post,
                           struct stats_prop non_pre, struct stats_prop non_post, double conf);

/* Inverse-variance weighted least-squares slope of y on x over n points
 * with standard errors se: w = 1/se^2, slope = sum w (x - xw)(y - yw) /
 * sum w (x - xw)^2 with the weighted means xw, yw; SE(slope) =
 * 1 / sqrt(sum w (x - xw)^2); interval slope +- z SE; p two-sided normal.
 * Everything NAN when n < 3, when any x, y or se is not finite or se <= 0,
 * or when all x are equal. */
struct stats_est stats_ivw_slope(const double *x, const double *y, const double *se, size_t n,
                                 double conf);

/* One exact binomial control limit of a funnel plot for a proportion
 * (Spiegelhalter, "Funnel plots for comparing institutional performance",
 * Stat Med 2005;24:1185-1202, appendix): for X ~ Bin(n, p0), r = the
 * smallest r with P(X <= r) >= prob, alpha = (P(X <= r) - prob) /
 * (P(X <= r) - P(X <= r - 1)), limit = (r - alpha) / n, clamped to [0, 1]
 * (with r = 0 the interpolation reaches below 0). p0 of 0 or 1 gives p0
 * (a degenerate distribution). NAN when n <= 0, p0 outside [0, 1] or
 * prob outside (0, 1). */
double stats_funnel_limit(double p0, long n, double prob);

/* The funnel around p0 at n for confidence conf (0.95, 0.998): value = p0,
 * lo and hi the limits at prob (1 - conf)/2 and 1 - (1 - conf)/2, p NAN. */
struct stats_est stats_funnel(double p0, long n, double conf);

#endif
