/*
 * retention.c - survival metrics: retention in training
 * (retention.km, retention.logrank), first-year retention by academic year
 * of start (retention.first_year, retention.first_year_diff), and
 * workforce retention after graduation (workforce.retained_km,
 * workforce.underserved_share).
 *
 * The survival metrics build per-group observations and share
 * compute_km_rows, which also writes the step curves for the charts.
 */
#include "compute.h"
#include "db.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int compute_first_year_retained(const struct compute_resident *r)
{
    int attrition = r->exit_reason == EXIT_WITHDREW || r->exit_reason == EXIT_DISMISSED ||
                    r->exit_reason == EXIT_TRANSFERRED;
    return !(attrition && r->has_end && r->end - r->start <= 365);
}

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
    struct compute_by_year first_year;
    memset(&first_year, 0, sizeof first_year);
    long events = 0;
    for (size_t i = 0; i < x->n_res; i++) {
        const struct compute_resident *r = &x->res[i];
        if (!r->active)
            continue;
        if (r->start + 365 <= x->as_of)
            compute_by_year_add(&first_year, compute_academic_year(r->start), r->img,
                                compute_first_year_retained(r));
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
        metric_add(x->m, M_RETENTION_LOGRANK, "img_vs_non_img", NULL, NULL, (long)sv[GROUP_ALL].len, events,
                   e);
    }
    compute_km_rows(x, M_RETENTION_KM, sv, ts, 3, C_RETENTION_KM);
    surv_release(sv);
    compute_by_year_rows(x, &first_year, M_RETENTION_FIRST_YEAR, M_RETENTION_FIRST_YEAR_DIFF,
                         C_TREND_FIRST_YEAR_RETENTION);
    compute_by_year_release(&first_year);
    return IMGO_OK;
}

int compute_workforce(struct compute_ctx *x, struct imgo_err *err)
{
    struct res_cursor c;
    int rc = res_cursor_open(&c, x,
                             "SELECT rid, start_date, end_date, employer, underserved FROM employment"
                             " WHERE start_date <= ?1 ORDER BY rid, start_date",
                             err);
    if (rc)
        return rc;
    struct compute_surv sv[3];
    memset(sv, 0, sizeof sv);
    long n_under[3] = { 0, 0, 0 }, k_under[3] = { 0, 0, 0 };
    int s;
    while ((s = res_cursor_next(&c, err)) > 0) {
        const struct compute_resident *r = c.r;
        /* a graduate's first position only */
        if (!c.first || r->exit_reason != EXIT_COMPLETED || !r->has_end || r->end > x->as_of)
            continue;
        int start = sqlite3_column_int(c.st, 1);
        int has_end = sqlite3_column_type(c.st, 2) != SQLITE_NULL;
        int end = sqlite3_column_int(c.st, 2);
        const char *employer = (const char *)sqlite3_column_text(c.st, 3);
        const char *under = (const char *)sqlite3_column_text(c.st, 4);
        if (employer && (!strcmp(employer, "same_institution") || !strcmp(employer, "same_region"))) {
            int ended = has_end && end <= x->as_of;
            int t = (ended ? end : x->as_of) - start;
            compute_surv_add(&sv[r->img], t, ended, r->img);
            compute_surv_add(&sv[GROUP_ALL], t, ended, r->img);
        }
        if (under)
            compute_count(n_under, k_under, r->img, !strcmp(under, "yes"));
    }
    res_cursor_close(&c);
    if (s == 0) {
        static const int ts[] = { 730 };
        compute_km_rows(x, M_WORKFORCE_RETAINED_KM, sv, ts, 1, C_WORKFORCE_KM);
        for (int g = 0; g < 3; g++)
            compute_add_rate(x, M_WORKFORCE_UNDERSERVED_SHARE, g, NULL, NULL, k_under[g], n_under[g]);
    }
    surv_release(sv);
    return s < 0 ? err->status : IMGO_OK;
}
