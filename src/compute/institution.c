/*
 * institution.c - the programs of a sponsoring institution (metrics.md
 * "Programs of a sponsoring institution"): per program, stratum
 * `program=P`, the first-attempt board pass rate over the last three
 * years, retention in training at three years, the adverse CCC action rate
 * and tiered mentor coverage, each for all, img and non_img (also when a
 * group has nobody there). institution.milestone_gap is fitted with the
 * other milestone models (milestone.c).
 *
 * The programs are those of the active residents (started by as-of, in a
 * selected program). Nothing is read here: the families before this one
 * left each resident's first certification attempt (compute_board), CCC
 * flags (compute_adverse) and coverage (compute_mentor) on the resident;
 * retention is from the resident's own dates, as retention.km.
 */
#include "compute.h"
#include "date.h"
#include "mem.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RETENTION_T 1095

/* Per program: the counters of each rate, by group. */
struct prog_counts {
    int has_resident;
    long board_n[3], board_k[3], adv_n[3], adv_k[3], cov_n[3], cov_k[3];
    struct compute_surv sv[3];
};

/* retention.km at RETENTION_T of one program, groups all, img, non_img. */
static void retention_rows(struct compute_ctx *x, struct compute_surv sv[3], const char *stratum)
{
    for (int g = 0; g < 3; g++) {
        struct stats_km km;
        stats_km_fit(sv[g].obs, sv[g].len, x->conf, &km);
        long k = 0;
        for (size_t j = 0; j < sv[g].len; j++)
            k += sv[g].obs[j].event && sv[g].obs[j].time <= RETENTION_T;
        struct stats_est e = stats_km_at(&km, RETENTION_T);
        e.p = NAN;
        metric_add(x->m, M_INSTITUTION_RETENTION_3Y, compute_group_name[g], stratum, NULL, (long)sv[g].len, k, e);
        stats_km_release(&km);
    }
}

int compute_institution(struct compute_ctx *x, struct imgo_err *err)
{
    (void)err;
    size_t np = x->programs->len;
    struct prog_counts *pc = xcalloc(np ? np : 1, sizeof *pc);
    /* the span of institution.board_pass ends at the latest year of any
     * first certification attempt, over all selected programs */
    int ymax = 0, any_cert = 0;
    for (size_t i = 0; i < x->n_res; i++) {
        const struct compute_resident *r = &x->res[i];
        if (r->active && r->has_first_cert && (!any_cert || date_year(r->first_cert_date) > ymax)) {
            ymax = date_year(r->first_cert_date);
            any_cert = 1;
        }
    }
    for (size_t i = 0; i < x->n_res; i++) {
        const struct compute_resident *r = &x->res[i];
        if (!r->active)
            continue;
        struct prog_counts *c = &pc[r->program];
        c->has_resident = 1;
        if (r->has_first_cert && date_year(r->first_cert_date) >= ymax - 2)
            compute_count(c->board_n, c->board_k, r->img, r->first_cert_pass);
        if (r->has_ccc)
            compute_count(c->adv_n, c->adv_k, r->img, r->adverse);
        if (r->cov_subject)
            compute_count(c->cov_n, c->cov_k, r->img, r->covered);
        /* as retention.km: attrition by as-of is the event */
        int ended = r->has_end && r->end <= x->as_of;
        int t = ended ? r->end - r->start : x->as_of - r->start;
        int event = ended && (r->exit_reason == EXIT_WITHDREW || r->exit_reason == EXIT_DISMISSED ||
                              r->exit_reason == EXIT_TRANSFERRED);
        compute_surv_add(&c->sv[r->img], t, event, r->img);
        compute_surv_add(&c->sv[GROUP_ALL], t, event, r->img);
    }
    int *order = strdict_sorted(x->programs);
    struct buf stratum = BUF_INIT;
    char span[32];
    snprintf(span, sizeof span, "%d-%d", ymax - 2, ymax);
    for (size_t i = 0; i < np; i++) {
        struct prog_counts *c = &pc[order[i]];
        if (!c->has_resident)
            continue;
        buf_reset(&stratum);
        buf_addf(&stratum, "program=%s", strdict_str(x->programs, order[i]));
        const char *s = buf_str(&stratum);
        if (any_cert)
            compute_add_rates(x, M_INSTITUTION_BOARD_PASS, M_NONE, s, span, c->board_k, c->board_n);
        retention_rows(x, c->sv, s);
        compute_add_rates(x, M_INSTITUTION_ADVERSE_ACTION_RATE, M_NONE, s, NULL, c->adv_k, c->adv_n);
        compute_add_rates(x, M_INSTITUTION_TIERED_COVERAGE, M_NONE, s, NULL, c->cov_k, c->cov_n);
    }
    for (size_t i = 0; i < np; i++)
        for (int g = 0; g < 3; g++)
            free(pc[i].sv[g].obs);
    buf_release(&stratum);
    free(order);
    free(pc);
    return IMGO_OK;
}
