/*
 * compute_retention.c - survival metrics: retention in training
 * (retention.km, retention.logrank) and workforce retention after
 * graduation (workforce.retained_km, workforce.underserved_share).
 *
 * Both build per-group survival observations and share compute_km_rows,
 * which also writes the step curves for the charts.
 */
#include "compute.h"
#include "db.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void surv_release(struct compute_surv sv[3])
{
    for (int g = 0; g < 3; g++)
        free(sv[g].obs);
}

int compute_retention(struct compute_ctx *x, struct imgo_err *err)
{
    (void)err;
    struct compute_surv sv[3];
    memset(sv, 0, sizeof sv);
    long events = 0;
    for (size_t i = 0; i < x->n_res; i++) {
        const struct compute_resident *r = &x->res[i];
        if (!r->active)
            continue;
        int ended = r->has_end && r->end <= x->as_of;
        int t = ended ? r->end - r->start : x->as_of - r->start;
        int event = ended && (r->exit_reason == EXIT_WITHDREW || r->exit_reason == EXIT_DISMISSED ||
                              r->exit_reason == EXIT_TRANSFERRED);
        events += event;
        compute_surv_add(&sv[r->img], t, event, r->img);
        compute_surv_add(&sv[GROUP_ALL], t, event, r->img);
    }
    static const int ts[] = { 365, 730, 1095 };
    /* the log-rank test first: compute_km_rows sorts the arrays */
    if (sv[GROUP_IMG].len && sv[GROUP_NON_IMG].len) {
        struct stats_est e = stats_logrank(sv[GROUP_ALL].obs, sv[GROUP_ALL].len);
        e.lo = e.hi = NAN;
        if (!events)
            e.value = e.p = NAN;
        metric_add(x->m, "retention.logrank", "img_vs_non_img", NULL, NULL, (long)sv[GROUP_ALL].len,
                   events, e);
    }
    compute_km_rows(x, "retention.km", sv, ts, 3, "retention_km");
    surv_release(sv);
    return IMGO_OK;
}

int compute_workforce(struct compute_ctx *x, struct imgo_err *err)
{
    sqlite3_stmt *st;
    int rc = db_prepare(x->db,
                        "SELECT rid, start_date, end_date, employer, underserved FROM employment"
                        " WHERE start_date <= ?1 ORDER BY rid, start_date",
                        &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, x->as_of);
    struct compute_surv sv[3];
    memset(sv, 0, sizeof sv);
    long n_under[3] = { 0, 0, 0 }, k_under[3] = { 0, 0, 0 };
    long long last = 0;
    int have_last = 0, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        long long rid = sqlite3_column_int64(st, 0);
        if (have_last && rid == last)
            continue; /* not the first position */
        last = rid;
        have_last = 1;
        const struct compute_resident *r = compute_find(x, rid);
        if (!r || !r->active || r->exit_reason != EXIT_COMPLETED || !r->has_end || r->end > x->as_of)
            continue;
        int start = sqlite3_column_int(st, 1);
        int has_end = sqlite3_column_type(st, 2) != SQLITE_NULL;
        int end = sqlite3_column_int(st, 2);
        const char *employer = (const char *)sqlite3_column_text(st, 3);
        const char *under = (const char *)sqlite3_column_text(st, 4);
        if (employer && (!strcmp(employer, "same_institution") || !strcmp(employer, "same_region"))) {
            int ended = has_end && end <= x->as_of;
            int t = (ended ? end : x->as_of) - start;
            compute_surv_add(&sv[r->img], t, ended, r->img);
            compute_surv_add(&sv[GROUP_ALL], t, ended, r->img);
        }
        if (under) {
            int yes = !strcmp(under, "yes");
            n_under[r->img]++;
            n_under[GROUP_ALL]++;
            k_under[r->img] += yes;
            k_under[GROUP_ALL] += yes;
        }
    }
    if (s != SQLITE_DONE)
        rc = db_error(x->db, err);
    sqlite3_finalize(st);
    if (!rc) {
        static const int ts[] = { 730 };
        compute_km_rows(x, "workforce.retained_km", sv, ts, 1, "workforce_km");
        for (int g = 0; g < 3; g++)
            compute_add_rate(x, "workforce.underserved_share", g, NULL, NULL, k_under[g], n_under[g]);
    }
    surv_release(sv);
    return rc;
}
