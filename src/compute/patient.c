/*
 * patient.c - patient experience (patient.mean_score and
 * patient.mean_score_diff): per resident the response-weighted mean of
 * their mean_score rows, then means of resident means by group.
 *
 * patient_experience has no date; it is not filtered by as-of (only
 * residents who started by as-of count, as everywhere).
 */
#include "compute.h"
#include "db.h"

#include <math.h>

static void add_resident(struct stats_moments mom[3], long resp[3], int img, double wsum, long n)
{
    double mean = wsum / (double)n;
    stats_moments_add(&mom[img], mean);
    stats_moments_add(&mom[GROUP_ALL], mean);
    resp[img] += n;
    resp[GROUP_ALL] += n;
}

int compute_patient(struct compute_ctx *x, struct imgo_err *err)
{
    struct res_cursor c;
    int rc = res_cursor_open(&c, x, "SELECT rid, responses, mean_score FROM patient_experience ORDER BY rid, period",
                             err);
    if (rc)
        return rc;
    struct stats_moments mom[3] = { STATS_MOMENTS_INIT, STATS_MOMENTS_INIT, STATS_MOMENTS_INIT };
    long resp[3] = { 0, 0, 0 };
    int img = 0, s;
    double wsum = 0;
    long n = 0;
    while ((s = res_cursor_next(&c, err)) > 0) {
        if (c.first) {
            if (n > 0)
                add_resident(mom, resp, img, wsum, n);
            img = c.r->img;
            wsum = 0;
            n = 0;
        }
        long responses = (long)sqlite3_column_int64(c.st, 1);
        wsum += (double)responses * sqlite3_column_double(c.st, 2);
        n += responses;
    }
    res_cursor_close(&c);
    if (s < 0)
        return err->status;
    if (n > 0)
        add_resident(mom, resp, img, wsum, n);
    for (int g = 0; g < 3; g++) {
        /* mean_score is 1.0..5.0 (inputs.md) */
        struct stats_est e = compute_clamp(stats_mean_ci(&mom[g], x->conf), 1, 5);
        e.p = NAN;
        metric_add(x->m, M_PATIENT_MEAN_SCORE, compute_group_name[g], NULL, NULL, mom[g].n, resp[g], e);
    }
    if (mom[GROUP_IMG].n >= 1 && mom[GROUP_NON_IMG].n >= 1) {
        struct stats_est e =
            compute_clamp(stats_welch(&mom[GROUP_IMG], &mom[GROUP_NON_IMG], x->conf), -4, 4);
        metric_add(x->m, M_PATIENT_MEAN_SCORE_DIFF, "img_vs_non_img", NULL, NULL,
                   mom[GROUP_IMG].n + mom[GROUP_NON_IMG].n, resp[GROUP_IMG] + resp[GROUP_NON_IMG], e);
    }
    return IMGO_OK;
}
