/*
 * annual_outcomes.c - the annual report's sections on outcomes: cohort
 * profile, retention in training, board certification (and Step 3),
 * fellowship match, workforce retention and patient experience.
 */
#include "sections.h"
#include "html.h"
#include "mem.h"
#include "rchart.h"
#include "rhtml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const GROUPS[] = { "all", "img", "non_img" };

/* ---- cohort --------------------------------------------------------------- */

int rep_sec_cohort(struct rep *r, struct imgo_err *err)
{
    (void)err;
    struct buf *h = r->h;
    if (!rep_has(r, M_COHORT_RESIDENTS)) {
        rep_no_data(h, "no cohort profile was computed.");
        return IMGO_OK;
    }
    /* prefix, heading, the cohort column whose values have words */
    static const char *const dims[][3] = {
        { "", "Residents", NULL },
        { "graduate_type=", "Graduate type", "graduate_type" },
        { "visa=", "Visa", "visa" },
        { "school_region=", "School region", NULL },
        { "track=", "Track", "track" },
        { "program=", "Program", NULL },
    };
    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
        const char **st;
        size_t ns = rep_strata(r, M_COHORT_RESIDENTS, dims[d][0], &st);
        int any = 0;
        for (size_t i = 0; i < ns; i++) {
            if (!*dims[d][0] && *st[i])
                continue;
            if (!any) {
                buf_adds(h, "<h3>");
                html_esc(h, dims[d][1]);
                buf_adds(h, "</h3>\n");
                rep_group_head(h, dims[d][1], NULL);
            }
            any = 1;
            const char *label = *st[i] ? strchr(st[i], '=') + 1 : "All";
            buf_adds(h, "<tr><th scope=\"row\">");
            if (!*label)
                buf_adds(h, "(not recorded)");
            else if (dims[d][2])
                rep_label(h, dims[d][2], label);
            else
                html_esc(h, label);
            buf_adds(h, "</th>");
            for (int g = 0; g < 3; g++) {
                const struct mrow *m = rep_find(r, M_COHORT_RESIDENTS, GROUPS[g], st[i], "");
                buf_adds(h, "<td>");
                if (m && m->k >= 0)
                    rep_count(r, h, m, "k", m->k);
                else
                    rep_count(r, h, m, "n", m ? m->n : 0);
                buf_adds(h, "</td>");
            }
            buf_adds(h, "</tr>\n");
        }
        if (any)
            buf_adds(h, "</tbody>\n</table>\n");
        free(st);
    }
    return IMGO_OK;
}

int rep_sec_retention(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    if (!rep_has(r, M_RETENTION_KM)) {
        rep_no_data(h, "no retention metrics were computed.");
        return IMGO_OK;
    }
    int rc = rep_km_chart(r, C_RETENTION_KM, M_RETENTION_KM, "t=365", "Retention in training, IMG vs non-IMG",
                          "Days since the start of training", err);
    if (rc)
        return rc;
    buf_adds(h, "<p class=\"lead\">Share of residents still in training (Kaplan-Meier), with the confidence "
                "interval:</p>\n");
    rep_group_head(h, "Retained at", NULL);
    static const char *const T[][2] = { { "t=365", "1 year" }, { "t=730", "2 years" }, { "t=1095", "3 years" } };
    for (int i = 0; i < 3; i++)
        rep_group_row(r, h, T[i][1], M_RETENTION_KM, T[i][0], "", SHOW_PCT, 1);
    buf_adds(h, "</tbody>\n</table>\n");
    const struct mrow *lr = rep_find(r, M_RETENTION_LOGRANK, "img_vs_non_img", "", "");
    buf_adds(h, "<p>Log-rank test of the two curves, IMG vs non-IMG: ");
    if (!lr)
        buf_adds(h, "<span class=\"na\">no data</span>");
    else if (lr->suppressed)
        rep_hidden(r, h, lr);
    else if (!isfinite(lr->value)) {
        buf_adds(h, "not estimable (");
        rep_count(r, h, lr, "n", lr->n);
        buf_adds(h, " residents, no attrition)");
    } else {
        buf_adds(h, "chi-square ");
        rep_row_value(r, h, lr, SHOW_CHI);
        buf_adds(h, " (1 df), ");
        rep_pvalue(r, h, lr, 0);
        buf_adds(h, "; ");
        rep_count(r, h, lr, "n", lr->n);
        buf_adds(h, " residents, ");
        rep_count(r, h, lr, "k", lr->k);
        buf_adds(h, " left training");
    }
    buf_adds(h, ".</p>\n");
    return IMGO_OK;
}

/* ---- board ------------------------------------------------------------------ */

/* One chart per exam, named as its table: board_pass_SLUG. */
static int board_chart(struct rep *r, const char *exam_stratum, struct imgo_err *err)
{
    char thr[64];
    char *name = rep_chart_name(r, C_BOARD_PASS, exam_stratum + 5, err);
    if (err->status) {
        free(name);
        return err->status;
    }
    struct buf title = BUF_INIT, th = BUF_INIT;
    buf_addf(&title, "First-attempt pass rate by year: %s", exam_stratum + 5);
    rep_value(&th, r->threshold, SHOW_PCT);
    snprintf(thr, sizeof thr, "accreditation threshold %s", buf_str(&th));
    struct series_opts o;
    rep_yearly_opts(&o, C_BOARD_PASS, buf_str(&title), "Year of the first attempt",
                    "First-attempt pass rate (proportion)",
                    "Bars: confidence intervals (Wilson); dashed: the accreditation threshold. The numbers are in "
                    "the table of first attempts below");
    o.only_label = exam_stratum + 5;
    if (name)
        o.name = name;
    o.has_hline = 1;
    o.hline = r->threshold;
    o.hline_title = thr;
    int rc = rep_series_chart(r, &o, err);
    buf_release(&title);
    buf_release(&th);
    free(name);
    return rc;
}

/* The board gap adjusted for prior attainment, beside the raw difference:
 * one line per span of the exam's adjusted odds ratio. */
static void adjusted_or(struct rep *r, const char *exam_stratum)
{
    struct buf *h = r->h;
    const char **per;
    size_t np = rep_periods(r, M_BOARD_ADJUSTED_OR, exam_stratum, &per);
    for (size_t i = 0; i < np; i++) {
        const struct mrow *m = rep_find(r, M_BOARD_ADJUSTED_OR, "img_vs_non_img", exam_stratum, per[i]);
        buf_adds(h, "<p>Adjusted for the Step 2 score, ");
        html_esc(h, per[i]);
        buf_adds(h, ": odds of passing at the first attempt, IMG against non-IMG, ");
        if (m && !m->suppressed && !isfinite(m->value)) {
            buf_adds(h, "not estimable (too few takers with a Step 2 score in a group, or everyone passed or "
                        "failed)");
        } else {
            rep_est(r, h, m, SHOW_RATIO, 0);
            if (m && !m->suppressed) {
                buf_adds(h, ", ");
                rep_pvalue(r, h, m, 0);
                buf_adds(h, "; ");
                rep_count(r, h, m, "n", m->n);
                buf_adds(h, " first-time takers with a Step 2 score (logistic regression)");
            }
        }
        if (m && !m->suppressed && isfinite(m->value))
            buf_adds(h, ". An odds ratio below 1 means IMGs passed less often than non-IMGs with the same Step 2 "
                        "score; near 1, that the raw difference above goes with prior attainment");
        buf_adds(h, ".</p>\n");
    }
    free(per);
}

/* Step 3 by month 12: by group, and IMGs by visa. */
static int step3(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    buf_adds(h, "<h3>Step 3 passed by month 12</h3>\n");
    if (!rep_require(r, M_STEP3_PASS_BY_MONTH12))
        return IMGO_OK;
    const char *attempts = rep_info(r, "step3_exam_attempts");
    if (attempts && !strcmp(attempts, "0")) {
        /* a rate of 0% here would say nobody passed: nobody was recorded */
        struct buf t = BUF_INIT;
        buf_addf(&t, "board_exams.csv records no attempt of %s, the step3_exam; see the cover.",
                 rep_info(r, "step3_exam") ? rep_info(r, "step3_exam") : "USMLE-STEP3");
        rep_no_data(h, buf_str(&t));
        buf_release(&t);
        return IMGO_OK;
    }
    if (!rep_has(r, M_STEP3_PASS_BY_MONTH12)) {
        rep_no_data(h, "no resident has been in training for 12 months.");
        return IMGO_OK;
    }
    struct series_opts o = { 0 };
    o.chart = C_STEP3_VISA;
    o.only_series = "visa";
    o.name = chart_name(C_STEP3_VISA);
    o.title = "IMGs with a Step 3 pass by month 12, by visa";
    o.xlabel = "Visa";
    o.ylabel = "Passed by month 12 (proportion)";
    o.caption = "Bars: confidence intervals (Wilson). The numbers are in the table of IMGs by visa below";
    o.style = PLOT_POINTS_YERR;
    o.proportion = o.x_categories = 1;
    o.colour = rep_group_colour[1]; /* IMGs */
    o.label_column = "visa";
    int rc = rep_series_chart(r, &o, err);
    if (rc)
        return rc;
    rep_group_head(h, "Residents", NULL);
    rep_group_row(r, h, "All visas", M_STEP3_PASS_BY_MONTH12, "", "", SHOW_PCT, 2);
    buf_adds(h, "</tbody>\n</table>\n<table>\n<thead><tr><th scope=\"col\">IMGs by visa</th>"
                "<th scope=\"col\">Passed by month 12</th></tr></thead>\n<tbody>\n");
    static const char *const V[] = { "none", "j1", "h1b", "other" };
    for (int v = 0; v < 4; v++) {
        char stratum[16];
        snprintf(stratum, sizeof stratum, "visa=%s", V[v]);
        buf_adds(h, "<tr><th scope=\"row\">");
        rep_label(h, "visa", V[v]);
        buf_adds(h, "</th><td>");
        rep_est(r, h, rep_find(r, M_STEP3_PASS_BY_MONTH12, "img", stratum, ""), SHOW_PCT, 2);
        buf_adds(h, "</td></tr>\n");
    }
    buf_adds(h, "</tbody>\n</table>\n");
    return IMGO_OK;
}

int rep_sec_board(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    if (!rep_require(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE))
        return IMGO_OK;
    const char **ex;
    size_t nex = rep_strata(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, "exam=", &ex);
    if (!nex)
        rep_no_data(h, "no first attempt of a certification exam by the as-of date.");
    for (size_t e = 0; e < nex; e++) {
        buf_adds(h, "<h3>");
        html_esc(h, ex[e] + 5);
        buf_adds(h, "</h3>\n");
        int rc = board_chart(r, ex[e], err);
        if (rc) {
            free(ex);
            return rc;
        }
        const char **per;
        size_t np = rep_periods(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, ex[e], &per);
        rep_group_head(h, "First attempts in", REP_DIFF_HEAD);
        for (size_t i = 0; i < np; i++) {
            rep_group_cells(r, h, *per[i] ? per[i] : "all years", M_BOARD_FIRST_ATTEMPT_PASS_RATE, ex[e], per[i],
                            SHOW_PCT, 2);
            rep_diff_cells(r, M_BOARD_FIRST_ATTEMPT_PASS_DIFF, ex[e], per[i]);
            buf_adds(h, "</tr>\n");
        }
        buf_adds(h, "</tbody>\n</table>\n");
        free(per);
        adjusted_or(r, ex[e]);
        const char **fp;
        size_t nf = rep_periods(r, M_BOARD_ACCREDITATION_FLAG, ex[e], &fp);
        for (size_t i = 0; i < nf; i++) {
            const struct mrow *f = rep_find(r, M_BOARD_ACCREDITATION_FLAG, "all", ex[e], fp[i]);
            if (!f)
                continue;
            buf_adds(h, "<p>");
            html_esc(h, fp[i]);
            buf_adds(h, " pass rate against the threshold of ");
            rep_value(h, r->threshold, SHOW_PCT);
            buf_adds(h, ": ");
            /* the verdict bounds the rate's k by its n: it is shown only
             * with the rate it rests on */
            const struct mrow *rate = rep_find(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, "all", ex[e], fp[i]);
            if (f->suppressed || (rate && rate->suppressed))
                buf_adds(h, "hidden with the pass rate it rests on");
            else if (f->value == 1) {
                buf_adds(h, "<span class=\"flag\">below the threshold: accreditation flag raised</span>");
                rep_publish(r, f, "value", "1");
            } else if (f->value == 0) {
                buf_adds(h, "at or above the threshold");
                rep_publish(r, f, "value", "0");
            }
            else
                buf_adds(h, "not estimable");
            buf_adds(h, ".</p>\n");
        }
        free(fp);
        if (rep_find(r, M_BOARD_EVENTUAL_PASS_RATE, "all", ex[e], "")) {
            rep_group_head(h, "Eventual pass", NULL);
            rep_group_row(r, h, "Any attempt passed", M_BOARD_EVENTUAL_PASS_RATE, ex[e], "", SHOW_PCT, 2);
            buf_adds(h, "</tbody>\n</table>\n");
        }
    }
    free(ex);
    return step3(r, err);
}

/* ---- fellowship --------------------------------------------------------------- */

int rep_sec_fellowship(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    if (!rep_require(r, M_FELLOWSHIP_MATCH_RATE))
        return IMGO_OK;
    const char **per;
    size_t np = rep_periods(r, M_FELLOWSHIP_MATCH_RATE, "", &per);
    if (!np)
        rep_no_data(h, "no fellowship application in a cycle up to the as-of year.");
    else {
        struct series_opts o;
        rep_yearly_opts(&o, C_FELLOWSHIP_MATCH, "Fellowship match rate by cycle", "Cycle year",
                        "Matched applicants (proportion)",
                        "Bars: confidence intervals (Wilson). The numbers are in the table by cycle below");
        int rc = rep_series_chart(r, &o, err);
        if (rc) {
            free(per);
            return rc;
        }
        rep_group_head(h, "Cycle", REP_DIFF_HEAD);
        for (size_t i = 0; i < np; i++) {
            rep_group_cells(r, h, *per[i] ? per[i] : "All cycles", M_FELLOWSHIP_MATCH_RATE, "", per[i], SHOW_PCT, 2);
            rep_diff_cells(r, M_FELLOWSHIP_MATCH_DIFF, "", per[i]);
            buf_adds(h, "</tr>\n");
        }
        buf_adds(h, "</tbody>\n</table>\n<p>n counts resident-cycles with a matched or unmatched outcome.</p>\n");
    }
    free(per);
    return IMGO_OK;
}

/* ---- workforce, patient experience ------------------------------------------------- */

int rep_sec_workforce(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    buf_adds(h, "<h3>Workforce retention after graduation</h3>\n");
    const struct mrow *w = rep_find(r, M_WORKFORCE_RETAINED_KM, "all", "t=730", "");
    const struct mrow *u = rep_find(r, M_WORKFORCE_UNDERSERVED_SHARE, "all", "", "");
    if (!rep_require(r, M_WORKFORCE_RETAINED_KM))
        ;
    else if ((!w || w->n <= 0) && (!u || u->n <= 0))
        rep_no_data(h, "no employment record of a graduate.");
    else {
        int rc = rep_km_chart(r, C_WORKFORCE_KM, M_WORKFORCE_RETAINED_KM, "t=730",
                              "Graduates still in a local position",
                              "Days since the start of the first position", err);
        if (rc)
            return rc;
        rep_group_head(h, "Graduates", NULL);
        rep_group_row(r, h, "Still in a local position at 2 years", M_WORKFORCE_RETAINED_KM, "t=730", "", SHOW_PCT, 1);
        rep_group_row(r, h, "First position serves an underserved area", M_WORKFORCE_UNDERSERVED_SHARE, "", "",
                      SHOW_PCT, 2);
        buf_adds(h, "</tbody>\n</table>\n");
    }
    buf_adds(h, "<h3>Patient experience</h3>\n");
    const struct mrow *p = rep_find(r, M_PATIENT_MEAN_SCORE, "all", "", "");
    if (!rep_require(r, M_PATIENT_MEAN_SCORE))
        ;
    else if (!p || p->n <= 0)
        rep_no_data(h, "no patient experience score of a resident who started by the as-of date.");
    else {
        rep_group_head(h, "Residents", REP_WELCH_HEAD);
        rep_group_cells(r, h, "Mean patient experience score", M_PATIENT_MEAN_SCORE, "", "", SHOW_NUM, 1);
        const struct mrow *d = rep_find(r, M_PATIENT_MEAN_SCORE_DIFF, "img_vs_non_img", "", "");
        buf_adds(h, "<td>");
        rep_est(r, h, d, SHOW_NUM, 0);
        buf_adds(h, "</td>");
        rep_p_cell(r, h, d, 0);
        buf_adds(h, "</tr>\n</tbody>\n</table>\n");
    }
    return IMGO_OK;
}

