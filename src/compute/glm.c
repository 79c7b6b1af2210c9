/*
 * glm.c - logistic regression by iteratively reweighted least squares, and
 * Wald inference on its coefficients (stats.h).
 *
 * The adjusted board gap (board.adjusted_or) is an odds ratio from
 * pass ~ 1 + img + z. Reviewers re-check it with R's glm, so the iteration
 * is glm.fit's: the same start, the same link clamping, the same deviance
 * criterion and iteration limit, so the estimate and the iteration count
 * agree with R's. Where R would print a warning and return numbers anyway
 * (separated data, fitted probabilities of 0 or 1) this module returns "not
 * estimable" instead: a committee must never see an odds ratio of 10^8.
 * Separation is decided exactly by a linear program (GLPK) before the
 * iteration, since quasi-complete separation can pass glm's convergence
 * test with fitted probabilities of 1e-9 and an arbitrary coefficient.
 */
#include "stats.h"
#include "mem.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include <glpk.h>
#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>

/* R's logit link (src/library/stats/src/family.c): beyond |eta| = 30 the
 * inverse link and its derivative are clamped, so mu never reaches 0 or 1. */
#define LOGIT_THRESH 30.0
#define LOGIT_MTHRESH (-30.0)
#define LOGIT_INVEPS (1.0 / DBL_EPSILON)

static double logit_linkinv(double eta)
{
    double t = eta < LOGIT_MTHRESH ? DBL_EPSILON : (eta > LOGIT_THRESH ? LOGIT_INVEPS : exp(eta));
    return t / (1.0 + t);
}

static double logit_mu_eta(double eta)
{
    double opexp = 1.0 + exp(eta);
    return (eta > LOGIT_THRESH || eta < LOGIT_MTHRESH) ? DBL_EPSILON : exp(eta) / (opexp * opexp);
}

/* Binomial deviance of 0/1 responses: -2 log L, as R's binomial_dev_resids. */
static double logit_deviance(const gsl_vector *y, const gsl_vector *mu)
{
    double dev = 0.0;
    for (size_t i = 0; i < y->size; i++) {
        double m = gsl_vector_get(mu, i);
        dev += gsl_vector_get(y, i) == 1.0 ? 2.0 * log(1.0 / m) : 2.0 * log(1.0 / (1.0 - m));
    }
    return dev;
}

/* X'WX (full) and X'Wz for the weights w and working response z. */
static void weighted_cross(const gsl_matrix *x, const gsl_vector *w, const gsl_vector *z,
                           gsl_matrix *xtwx, gsl_vector *xtwz)
{
    size_t n = x->size1, p = x->size2;
    gsl_matrix_set_zero(xtwx);
    gsl_vector_set_zero(xtwz);
    for (size_t i = 0; i < n; i++) {
        double wi = gsl_vector_get(w, i), zi = gsl_vector_get(z, i);
        for (size_t r = 0; r < p; r++) {
            double xr = gsl_matrix_get(x, i, r) * wi;
            *gsl_vector_ptr(xtwz, r) += xr * zi;
            for (size_t c = 0; c <= r; c++)
                *gsl_matrix_ptr(xtwx, r, c) += xr * gsl_matrix_get(x, i, c);
        }
    }
    for (size_t r = 0; r < p; r++)
        for (size_t c = r + 1; c < p; c++)
            gsl_matrix_set(xtwx, r, c, gsl_matrix_get(xtwx, c, r));
}

/* Separation (Albert and Anderson 1984) as the linear program of Konis
 * (2007): maximise sum_i s_i x_i'b subject to s_i x_i'b >= 0 for every i
 * and -1 <= b_j <= 1, with s_i = 2 y_i - 1. b = 0 is always feasible; for
 * a full-rank x the optimum is positive exactly when some b != 0 keeps
 * every s_i x_i'b >= 0, i.e. when the data are (quasi-)completely
 * separated. glp_exact re-solves in rational arithmetic from the simplex
 * basis, so "positive" is decided on the doubles given, not up to a
 * tolerance. Returns 1 separated, 0 not, -1 when GLPK fails. */
static int logit_separated(const gsl_matrix *x, const gsl_vector *y)
{
    size_t n = x->size1, p = x->size2;
    /* Leave an environment that a caller of GLPK already has as it is. */
    int fresh = glp_init_env() == 0;
    int term = glp_term_out(GLP_OFF);
    glp_prob *lp = glp_create_prob();
    int *ind = xmalloc((p + 1) * sizeof *ind);
    double *val = xmalloc((p + 1) * sizeof *val);
    int rc = -1;
    glp_set_obj_dir(lp, GLP_MAX);
    glp_add_rows(lp, (int)n);
    glp_add_cols(lp, (int)p);
    for (size_t j = 0; j < p; j++) {
        double c = 0.0;
        for (size_t i = 0; i < n; i++)
            c += (gsl_vector_get(y, i) == 1.0 ? 1.0 : -1.0) * gsl_matrix_get(x, i, j);
        glp_set_col_bnds(lp, (int)j + 1, GLP_DB, -1.0, 1.0);
        glp_set_obj_coef(lp, (int)j + 1, c);
    }
    for (size_t i = 0; i < n; i++) {
        double s = gsl_vector_get(y, i) == 1.0 ? 1.0 : -1.0;
        int len = 0;
        for (size_t j = 0; j < p; j++) {
            double v = gsl_matrix_get(x, i, j);
            if (v != 0.0) {
                ind[++len] = (int)j + 1;
                val[len] = s * v;
            }
        }
        glp_set_row_bnds(lp, (int)i + 1, GLP_LO, 0.0, 0.0);
        glp_set_mat_row(lp, (int)i + 1, len, ind, val);
    }
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    if (glp_simplex(lp, &parm) == 0 && glp_exact(lp, &parm) == 0 && glp_get_status(lp) == GLP_OPT)
        rc = glp_get_obj_val(lp) > 0.0;
    free(val);
    free(ind);
    glp_delete_prob(lp);
    glp_term_out(term);
    if (fresh)
        glp_free_env();
    return rc;
}

static int input_ok(const gsl_matrix *x, const gsl_vector *y, const gsl_vector *beta, const gsl_matrix *cov)
{
    size_t n = x->size1, p = x->size2;
    if (n == 0 || p == 0 || y->size != n || beta->size != p || cov->size1 != p || cov->size2 != p ||
        n >= (size_t)INT_MAX || p >= (size_t)INT_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        double yi = gsl_vector_get(y, i);
        if (yi != 0.0 && yi != 1.0)
            return 0;
        for (size_t j = 0; j < p; j++)
            if (!isfinite(gsl_matrix_get(x, i, j)))
                return 0;
    }
    return 1;
}

/* The vectors and matrices of one fit, views into one xmalloc'd block. */
struct logit_work {
    double *mem;
    gsl_vector_view eta, mu, w, z, b, xtwz, scratch;
    gsl_matrix_view xtwx, inv;
};

static void work_init(struct logit_work *k, size_t n, size_t p)
{
    double *m = k->mem = xmalloc((4 * n + 3 * p + 2 * p * p) * sizeof *m);
    k->eta = gsl_vector_view_array(m, n);
    k->mu = gsl_vector_view_array(m += n, n);
    k->w = gsl_vector_view_array(m += n, n);
    k->z = gsl_vector_view_array(m += n, n);
    k->b = gsl_vector_view_array(m += n, p);
    k->xtwz = gsl_vector_view_array(m += p, p);
    k->scratch = gsl_vector_view_array(m += p, p);
    k->xtwx = gsl_matrix_view_array(m += p, p, p);
    k->inv = gsl_matrix_view_array(m + p * p, p, p);
}

/* IRLS weights W = mu.eta^2 / (mu (1 - mu)) at the current eta and mu. */
static void logit_weights(struct logit_work *k)
{
    for (size_t i = 0; i < k->eta.vector.size; i++) {
        double d = logit_mu_eta(gsl_vector_get(&k->eta.vector, i)), m = gsl_vector_get(&k->mu.vector, i);
        gsl_vector_set(&k->w.vector, i, d * d / (m * (1.0 - m)));
    }
}

/* The IRLS iteration of glm.fit from the current eta and mu; leaves b, eta
 * and mu at the last iterate. Returns STATS_LOGIT_OK when converged. */
static int irls(const gsl_matrix *x, const gsl_vector *y, const struct stats_logit_ctl *ctl,
                struct logit_work *k, struct stats_logit *fit)
{
    size_t n = x->size1;
    double devold = logit_deviance(y, &k->mu.vector);
    for (int it = 1; it <= ctl->maxit; it++) {
        logit_weights(k);
        for (size_t i = 0; i < n; i++) {
            double e = gsl_vector_get(&k->eta.vector, i), m = gsl_vector_get(&k->mu.vector, i);
            gsl_vector_set(&k->z.vector, i, e + (gsl_vector_get(y, i) - m) / logit_mu_eta(e));
        }
        weighted_cross(x, &k->w.vector, &k->z.vector, &k->xtwx.matrix, &k->xtwz.vector);
        if (stats_ols_solve(&k->xtwx.matrix, &k->xtwz.vector, &k->b.vector, &k->inv.matrix))
            return STATS_LOGIT_SINGULAR;
        gsl_blas_dgemv(CblasNoTrans, 1.0, x, &k->b.vector, 0.0, &k->eta.vector);
        for (size_t i = 0; i < n; i++)
            gsl_vector_set(&k->mu.vector, i, logit_linkinv(gsl_vector_get(&k->eta.vector, i)));
        double dev = logit_deviance(y, &k->mu.vector);
        fit->iter = it;
        fit->deviance = dev;
        /* glm.fit halves the step when the deviance is not finite; with
         * the clamped link it always is, so this only guards the contract. */
        if (!isfinite(dev))
            return STATS_LOGIT_NOCONV;
        if (fabs(dev - devold) / (fabs(dev) + 0.1) < ctl->epsilon) {
            fit->converged = 1;
            return STATS_LOGIT_OK;
        }
        devold = dev;
    }
    return STATS_LOGIT_NOCONV;
}

/* Everything but the bookkeeping of stats_logit_fit, on valid input. */
static int logit_fit(const gsl_matrix *x, const gsl_vector *y, const struct stats_logit_ctl *ctl,
                     struct logit_work *k, struct stats_logit *fit)
{
    size_t n = x->size1;
    /* Rank first: for a rank-deficient x the separation program has a
     * null-space direction, and its answer would mean nothing. */
    gsl_vector_set_all(&k->w.vector, 1.0);
    weighted_cross(x, &k->w.vector, &k->w.vector, &k->xtwx.matrix, &k->xtwz.vector);
    if (stats_ols_solve(&k->xtwx.matrix, &k->xtwz.vector, &k->b.vector, &k->inv.matrix))
        return STATS_LOGIT_SINGULAR;
    if (logit_separated(x, y)) /* 1, or -1: GLPK failed, separation not ruled out */
        return STATS_LOGIT_SEPARATED;

    /* glm.fit's start for binomial: mustart = (y + 0.5) / 2, eta = logit. */
    for (size_t i = 0; i < n; i++) {
        double m0 = (gsl_vector_get(y, i) + 0.5) / 2.0, e = log(m0 / (1.0 - m0));
        gsl_vector_set(&k->eta.vector, i, e);
        gsl_vector_set(&k->mu.vector, i, logit_linkinv(e));
    }
    int rc = irls(x, y, ctl, k, fit);
    if (rc)
        return rc;
    const double eps = 10.0 * DBL_EPSILON; /* glm.fit's "numerically 0 or 1" */
    for (size_t i = 0; i < n; i++) {
        double m = gsl_vector_get(&k->mu.vector, i);
        if (m < eps || m > 1.0 - eps)
            return STATS_LOGIT_SEPARATED;
    }
    /* The covariance at the estimate itself: W from the final mu. */
    logit_weights(k);
    weighted_cross(x, &k->w.vector, &k->eta.vector, &k->xtwx.matrix, &k->xtwz.vector);
    if (stats_ols_solve(&k->xtwx.matrix, &k->xtwz.vector, &k->scratch.vector, &k->inv.matrix))
        return STATS_LOGIT_SINGULAR;
    return STATS_LOGIT_OK;
}

int stats_logit_fit(const gsl_matrix *x, const gsl_vector *y, const struct stats_logit_ctl *ctl,
                    gsl_vector *beta, gsl_matrix *cov, struct stats_logit *fit)
{
    static const struct stats_logit_ctl glm_default = STATS_LOGIT_CTL_GLM;
    fit->converged = 0;
    fit->iter = 0;
    fit->deviance = NAN;
    if (!input_ok(x, y, beta, cov)) {
        fit->status = STATS_LOGIT_EINPUT;
        return fit->status;
    }
    gsl_vector_set_all(beta, NAN);
    gsl_matrix_set_all(cov, NAN);
    gsl_set_error_handler_off();
    struct logit_work k;
    work_init(&k, x->size1, x->size2);
    int rc = logit_fit(x, y, ctl ? ctl : &glm_default, &k, fit);
    if (rc == STATS_LOGIT_OK) {
        gsl_vector_memcpy(beta, &k.b.vector);
        gsl_matrix_memcpy(cov, &k.inv.matrix);
    }
    free(k.mem);
    fit->status = (enum stats_logit_status)rc;
    return rc;
}

struct stats_est stats_wald(const gsl_vector *beta, const gsl_matrix *cov, size_t j, double conf)
{
    struct stats_est e = { NAN, NAN, NAN, NAN };
    if (j >= beta->size || j >= cov->size1 || j >= cov->size2)
        return e;
    e.value = gsl_vector_get(beta, j);
    double var = gsl_matrix_get(cov, j, j);
    if (isnan(e.value) || !(var > 0.0) || !isfinite(var))
        return e;
    double se = sqrt(var), half = stats_z(conf) * se;
    e.lo = e.value - half;
    e.hi = e.value + half;
    gsl_set_error_handler_off();
    e.p = 2.0 * gsl_cdf_ugaussian_Q(fabs(e.value) / se);
    return e;
}

struct stats_est stats_est_exp(struct stats_est e)
{
    return (struct stats_est){ exp(e.value), exp(e.lo), exp(e.hi), e.p };
}
