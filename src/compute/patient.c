/*
 * compute_outcomes.c - patient experience (patient.mean_score and
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
    sqlite3_stmt *st;
    int rc = db_prepare(x->db,
                        "SELECT rid, responses, mean_score FROM patient_experience"
                        " ORDER BY rid, period",
                        &st, err);
    if (rc)
        return rc;
    struct stats_moments mom[3] = { STATS_MOMENTS_INIT, STATS_MOMENTS_INIT, STATS_MOMENTS_INIT };
    long resp[3] = { 0, 0, 0 };
    long long last = 0;
    int have = 0, img = 0, s;
    double wsum = 0;
    long n = 0;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        long long rid = sqlite3_column_int64(st, 0);
        if (!have || rid != last) {
            if (n > 0)
                add_resident(mom, resp, img, wsum, n);
            have = 1;
            last = rid;
            wsum = 0;
            n = 0;
            const struct compute_resident *r = compute_find(x, rid);
            if (!r || !r->active) {
                n = -1; /* skip this resident's rows */
                continue;
            }
            img = r->img;
        }
        if (n < 0)
            continue;
        long responses = (long)sqlite3_column_int64(st, 1);
        wsum += (double)responses * sqlite3_column_double(st, 2);
        n += responses;
    }
    if (n > 0)
        add_resident(mom, resp, img, wsum, n);
    if (s != SQLITE_DONE)
        rc = db_error(x->db, err);
    sqlite3_finalize(st);
    if (rc)
        return rc;
    for (int g = 0; g < 3; g++) {
        /* mean_score is 1.0..5.0 (inputs.md) */
        struct stats_est e = compute_clamp(stats_mean_ci(&mom[g], x->conf), 1, 5);
        e.p = NAN;
        metric_add(x->m, "patient.mean_score", compute_group_name[g], NULL, NULL, mom[g].n, resp[g], e);
    }
    if (mom[GROUP_IMG].n >= 1 && mom[GROUP_NON_IMG].n >= 1) {
        struct stats_est e =
            compute_clamp(stats_welch(&mom[GROUP_IMG], &mom[GROUP_NON_IMG], x->conf), -4, 4);
        metric_add(x->m, "patient.mean_score_diff", "img_vs_non_img", NULL, NULL,
                   mom[GROUP_IMG].n + mom[GROUP_NON_IMG].n, resp[GROUP_IMG] + resp[GROUP_NON_IMG], e);
    }
    return IMGO_OK;
}
