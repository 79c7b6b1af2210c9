/*
 * launch.c - before and after the mentorship program (metrics.md
 * "Mentorship launch"): launch.rate, the four cells img/non_img x pre/post
 * of three outcomes, and launch.did, their normal difference in
 * differences. launch.milestone_gap_change is fitted with the other
 * milestone models (milestone.c).
 *
 * Nothing is read here: every outcome is a flag the other families left on
 * the residents (first-year retention from the resident itself, the first
 * certification attempt from compute_board, a CCC review and an adverse
 * action from compute_adverse), and the era is the resident's (post:
 * start_date >= mentorship_launch). An outcome whose file is absent has
 * its rows dropped by compute_run (metrics.def, SOURCE_BY_STRATUM).
 */
#include "compute.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

enum { OUT_FIRST_YEAR, OUT_BOARD, OUT_ADVERSE, N_OUTCOMES };

static const char *const outcome_name[N_OUTCOMES] = { "first_year_retention", "board_first_attempt",
                                                      "adverse_action" };
static const char *const era_name[2] = { "pre", "post" };

int compute_launch(struct compute_ctx *x, struct imgo_err *err)
{
    (void)err;
    if (!x->p->has_mentorship_launch)
        return IMGO_OK;
    /* [outcome][img][post] */
    long n[N_OUTCOMES][2][2], k[N_OUTCOMES][2][2];
    memset(n, 0, sizeof n);
    memset(k, 0, sizeof k);
    for (size_t i = 0; i < x->n_res; i++) {
        const struct compute_resident *r = &x->res[i];
        if (!r->active)
            continue;
        int g = r->img, e = r->post;
        if (r->start + 365 <= x->as_of) {
            n[OUT_FIRST_YEAR][g][e]++;
            k[OUT_FIRST_YEAR][g][e] += compute_first_year_retained(r);
        }
        if (r->has_first_cert) {
            n[OUT_BOARD][g][e]++;
            k[OUT_BOARD][g][e] += r->first_cert_pass;
        }
        if (r->has_ccc) {
            n[OUT_ADVERSE][g][e]++;
            k[OUT_ADVERSE][g][e] += r->adverse;
        }
    }
    char stratum[64];
    for (int o = 0; o < N_OUTCOMES; o++) {
        for (int g = 0; g < 2; g++)
            for (int e = 0; e < 2; e++) {
                snprintf(stratum, sizeof stratum, "outcome=%s;era=%s", outcome_name[o], era_name[e]);
                compute_add_rate(x, M_LAUNCH_RATE, g, stratum, NULL, k[o][g][e], n[o][g][e]);
            }
        struct stats_prop ipre = { k[o][1][0], n[o][1][0] }, ipost = { k[o][1][1], n[o][1][1] };
        struct stats_prop npre = { k[o][0][0], n[o][0][0] }, npost = { k[o][0][1], n[o][0][1] };
        /* a difference of two differences of proportions lies in [-2, 2] */
        struct stats_est d = compute_clamp(stats_did(ipre, ipost, npre, npost, x->conf), -2, 2);
        snprintf(stratum, sizeof stratum, "outcome=%s", outcome_name[o]);
        metric_add(x->m, M_LAUNCH_DID, "img_vs_non_img", stratum, NULL,
                   n[o][0][0] + n[o][0][1] + n[o][1][0] + n[o][1][1],
                   k[o][0][0] + k[o][0][1] + k[o][1][0] + k[o][1][1], d);
    }
    return IMGO_OK;
}
