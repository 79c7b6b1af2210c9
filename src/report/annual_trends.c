/*
 * annual_trends.c - the annual report's questions over time: trends by
 * academic year (is the gap closing?), reaching Level 4 by graduation, and
 * before and after the mentorship program.
 *
 * Every number comes from a metrics row and is printed through rhtml.h, so
 * that the small-cell audit sees it; the trend charts draw compute's
 * chart_points. A reading of a figure ("closing", "widening") is said only
 * where its interval excludes no change.
 */
#include "sections.h"
#include "cohort.h"
#include "html.h"
#include "mem.h"
#include "rchart.h"
#include "rhtml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "AY2025 (2024-25)": an academic year as a committee reads it. */
static void ay_label(struct buf *b, const char *period)
{
    int y = atoi(period + 2);
    buf_addf(b, "%s (%d-%02d)", period, y - 1, y % 100);
}

/* The AY periods of a metric's rows in group, oldest first. */
static size_t ay_periods(const struct rep *r, enum metric_id metric, const char ***out)
{
    const char **per;
    size_t n = rep_periods(r, metric, "", &per), m = 0;
    for (size_t i = 0; i < n; i++)
        if (!strncmp(per[i], "AY", 2))
            per[m++] = per[i];
    *out = per;
    return m;
}

/* A rate by academic year: its chart, then a table of all / IMG / non-IMG
 * with the difference. */
static int yearly_rates(struct rep *r, enum metric_id rate, enum metric_id diff, enum chart_id chart,
                        const char *title, const char *ylabel, const char *first_col, struct imgo_err *err)
{
    struct buf *h = r->h;
    const char **per;
    size_t np = ay_periods(r, rate, &per);
    if (!np) {
        rep_no_data(h, "no academic year with residents to count.");
        free(per);
        return IMGO_OK;
    }
    struct series_opts o;
    rep_yearly_opts(&o, chart, title, "Academic year (ending June 30 of)", ylabel,
                    "Bars: confidence intervals (Wilson). The numbers are in the table below");
    int rc = rep_series_chart(r, &o, err);
    if (rc) {
        free(per);
        return rc;
    }
    rep_group_head(h, first_col, REP_DIFF_HEAD);
    struct buf label = BUF_INIT;
    for (size_t i = 0; i < np; i++) {
        buf_reset(&label);
        ay_label(&label, per[i]);
        rep_group_cells(r, h, buf_str(&label), rate, "", per[i], SHOW_PCT, 2);
        rep_diff_cells(r, diff, "", per[i]);
        buf_adds(h, "</tr>\n");
    }
    buf_adds(h, "</tbody>\n</table>\n");
    buf_release(&label);
    free(per);
    return IMGO_OK;
}

/* The milestone gap per academic year, drawn with the fitted line. */
static int gap_chart(struct rep *r, struct imgo_err *err)
{
    if (r->dry)
        return IMGO_OK; /* prints no number of a row: nothing to collect */
    struct cpoint *pts;
    size_t n = rep_points(r, C_TREND_MILESTONE_GAP, &pts, err);
    if (err->status)
        return err->status;
    double *x = xcalloc(n ? n : 1, sizeof *x), *y = xcalloc(n ? n : 1, sizeof *y),
           *lo = xcalloc(n ? n : 1, sizeof *lo), *hi = xcalloc(n ? n : 1, sizeof *hi),
           *fx = xcalloc(n ? n : 1, sizeof *fx), *fy = xcalloc(n ? n : 1, sizeof *fy);
    size_t ng = 0, nf = 0, nsupp = 0;
    double ymin = 0, ymax = 0, xmin = INFINITY, xmax = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        const struct cpoint *p = &pts[i];
        if (!isfinite(p->value))
            continue;
        if (!strcmp(p->series, "fit")) {
            fx[nf] = p->x;
            fy[nf++] = p->value;
            continue;
        }
        if (p->suppressed) {
            nsupp++;
            continue;
        }
        x[ng] = p->x;
        y[ng] = p->value;
        lo[ng] = p->lo;
        hi[ng] = p->hi;
        ymin = fmin(ymin, isfinite(p->lo) ? p->lo : p->value);
        ymax = fmax(ymax, isfinite(p->hi) ? p->hi : p->value);
        xmin = fmin(xmin, p->x);
        xmax = fmax(xmax, p->x);
        ng++;
    }
    struct plot_layer layers[2];
    size_t nl = 0;
    layers[nl++] = (struct plot_layer){ PLOT_POINTS_YERR, "IMG minus non-IMG", PLOT_VERMILLION, 0, ng, x, y, lo,
                                        hi };
    if (nf == 2 && ng)
        layers[nl++] = (struct plot_layer){ PLOT_LINES, "Fitted trend (weighted by precision)", PLOT_BLACK, 2, nf,
                                            fx, fy, NULL, NULL };
    struct buf cap = BUF_INIT;
    buf_adds(&cap, "Points: the gap in each academic year with its confidence interval; dashed: the fitted trend; "
                   "0: no gap. The numbers are in the table below");
    if (nsupp)
        buf_addf(&cap, ". Not drawn, to protect small groups: %zu year(s)", nsupp);
    struct plot_chart c = { 0 };
    c.name = chart_name(C_TREND_MILESTONE_GAP);
    c.title = "Milestone rating gap by academic year, IMG minus non-IMG";
    c.xlabel = "Academic year (ending June 30 of)";
    c.ylabel = "Gap in milestone levels";
    c.x_integer_tics = 1;
    c.has_xrange = ng > 0;
    c.xmin = xmin - 0.5;
    c.xmax = xmax + 0.5;
    /* the no-gap line inside the frame, with a margin */
    double pad = fmax(0.05, 0.1 * (ymax - ymin));
    c.has_yrange = 1;
    c.ymin = ymin - pad;
    c.ymax = ymax + pad;
    c.has_hline = 1;
    c.hline = 0;
    c.hline_title = "no gap";
    c.layers = layers;
    c.n_layers = nl;
    int rc = rep_chart(r, &c, buf_str(&cap), err);
    buf_release(&cap);
    free(x), free(y), free(lo), free(hi), free(fx), free(fy);
    rep_points_free(pts, n);
    return rc;
}

/* The sentence on the slope: a reading only where the interval says so. */
static void slope_sentence(struct rep *r, const struct mrow *s, const struct mrow *latest)
{
    struct buf *h = r->h;
    buf_adds(h, "<p><strong>Is the gap closing?</strong> ");
    if (!s || s->suppressed || !isfinite(s->value)) {
        buf_adds(h, "Not enough years to tell: the trend needs a gap estimate in at least three academic "
                    "years.</p>\n");
        return;
    }
    buf_adds(h, "Change of the gap per academic year: ");
    rep_est(r, h, s, SHOW_NUM, 0);
    buf_adds(h, " levels, ");
    rep_pvalue(r, h, s, 0);
    buf_adds(h, ", over ");
    rep_count(r, h, s, "n", s->n);
    buf_adds(h, " years. ");
    /* towards zero from the side the gap is on */
    double gap = latest && isfinite(latest->value) ? latest->value : -1;
    int up = s->lo > 0, down = s->hi < 0;
    if (!up && !down)
        buf_adds(h, "The interval includes no change: these years do not show the gap closing or widening.");
    else if ((up && gap < 0) || (down && gap > 0))
        buf_adds(h, "The gap is closing: it moves towards no difference year by year.");
    else
        buf_adds(h, "The gap is widening.");
    buf_adds(h, "</p>\n");
}

static int milestone_trend(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    buf_adds(h, "<h3>Milestone rating gap</h3>\n");
    if (!rep_require(r, M_TREND_MILESTONE_GAP))
        return IMGO_OK;
    const char **per;
    size_t np = ay_periods(r, M_TREND_MILESTONE_GAP, &per);
    const struct mrow *latest = NULL;
    for (size_t i = 0; i < np; i++) {
        const struct mrow *m = rep_find(r, M_TREND_MILESTONE_GAP, "img_vs_non_img", "", per[i]);
        if (m && !m->suppressed && isfinite(m->value))
            latest = m;
    }
    slope_sentence(r, rep_find(r, M_TREND_MILESTONE_GAP_SLOPE, "img_vs_non_img", "", ""), latest);
    if (!np) {
        rep_no_data(h, "no academic year with at least two rated residents in each group.");
        free(per);
        return IMGO_OK;
    }
    int rc = gap_chart(r, err);
    if (rc) {
        free(per);
        return rc;
    }
    buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Ratings in</th><th scope=\"col\">IMG minus non-IMG, "
                "levels (interval clustered by resident)</th><th scope=\"col\">p (t)</th><th scope=\"col\">"
                "Ratings</th><th scope=\"col\">Residents</th></tr></thead>\n<tbody>\n");
    struct buf label = BUF_INIT;
    for (size_t i = 0; i < np; i++) {
        const struct mrow *m = rep_find(r, M_TREND_MILESTONE_GAP, "img_vs_non_img", "", per[i]);
        buf_reset(&label);
        ay_label(&label, per[i]);
        buf_adds(h, "<tr><th scope=\"row\">");
        html_esc(h, buf_str(&label));
        buf_adds(h, "</th><td>");
        rep_est(r, h, m, SHOW_NUM, 0);
        buf_adds(h, "</td>");
        rep_p_cell(r, h, m, 0);
        buf_adds(h, "<td>");
        rep_count(r, h, m, "n", m ? m->n : 0);
        buf_adds(h, "</td><td>");
        rep_count(r, h, m, "k", m ? m->k : 0);
        buf_adds(h, "</td></tr>\n");
    }
    buf_adds(h, "</tbody>\n</table>\n");
    buf_release(&label);
    free(per);
    return IMGO_OK;
}

int rep_sec_trends(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    buf_adds(h, "<p class=\"lead\">Each figure by academic year (July 1 to June 30; AY2025 is 2024-07-01 to "
                "2025-06-30), so that the committee can see whether a gap is closing. The year still running at "
                "the as-of date counts its data up to that date.</p>\n<h3>First-year retention</h3>\n");
    int rc = IMGO_OK;
    if (rep_require(r, M_RETENTION_FIRST_YEAR))
        rc = yearly_rates(r, M_RETENTION_FIRST_YEAR, M_RETENTION_FIRST_YEAR_DIFF, C_TREND_FIRST_YEAR_RETENTION,
                          "First-year retention by academic year of start", "Retained at one year (proportion)",
                          "Started in", err);
    if (!rc) {
        buf_adds(h, "<h3>Adverse CCC actions</h3>\n");
        if (rep_require(r, M_TREND_ADVERSE_ACTION_RATE))
            rc = yearly_rates(r, M_TREND_ADVERSE_ACTION_RATE, M_TREND_ADVERSE_ACTION_DIFF, C_TREND_ADVERSE_ACTION,
                              "Residents with an adverse CCC action by academic year",
                              "With an adverse action (proportion)", "Reviewed in", err);
    }
    if (!rc)
        rc = milestone_trend(r, err);
    return rc;
}

/* ---- Level 4 by graduation ----------------------------------------------------- */

int rep_sec_level4(struct rep *r, struct imgo_err *err)
{
    (void)err;
    struct buf *h = r->h;
    if (!rep_require(r, M_MILESTONE_L4_AT_GRADUATION))
        return IMGO_OK;
    const char *thr = rep_info(r, "l4_threshold");
    buf_adds(h, "<p class=\"lead\">Graduates (residents who completed training by the as-of date) who reached "
                "Level 4, the target for unsupervised practice, in every subcompetency of their final "
                "milestone review; and how well a low review earlier in training predicts not reaching it. A "
                "review is low when its mean rating is at most ");
    html_esc(h, thr ? thr : "the l4_threshold");
    buf_adds(h, ".</p>\n");
    if (!rep_find(r, M_MILESTONE_L4_AT_GRADUATION, "all", "", "")) {
        rep_no_data(h, "no resident completed training with a milestone review by the as-of date.");
        return IMGO_OK;
    }
    rep_group_head(h, "Graduates", REP_DIFF_HEAD);
    rep_group_cells(r, h, "Reached Level 4 at the final review", M_MILESTONE_L4_AT_GRADUATION, "", "", SHOW_PCT, 2);
    rep_diff_cells(r, M_MILESTONE_L4_AT_GRADUATION_DIFF, "", "");
    buf_adds(h, "</tr>\n</tbody>\n</table>\n<h3>A low review as a warning</h3>\n");
    const char **occ;
    size_t no = rep_strata(r, M_MILESTONE_PPV_NOT_L4, "occasion=", &occ);
    /* occasions in number order, not byte order (occasion=10 after 9) */
    for (size_t i = 1; i < no; i++)
        for (size_t j = i; j > 0 && atoi(occ[j - 1] + 9) > atoi(occ[j] + 9); j--) {
            const char *t = occ[j];
            occ[j] = occ[j - 1];
            occ[j - 1] = t;
        }
    if (!no) {
        rep_no_data(h, "no graduate had more than one milestone review.");
        free(occ);
        return IMGO_OK;
    }
    buf_adds(h, "<p>Of the graduates whose review at a given occasion (their first, second, ... review) was low, "
                "the share who did not reach Level 4 by graduation: the positive predictive value of a low "
                "review. A high share means a low review at that point deserves attention.</p>\n<table>\n<thead>"
                "<tr><th scope=\"col\">Review</th><th scope=\"col\">Did not reach Level 4 (confidence "
                "interval)<br>of graduates with a low review</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < no; i++) {
        const struct mrow *m = rep_find(r, M_MILESTONE_PPV_NOT_L4, "all", occ[i], "");
        buf_addf(h, "<tr><th scope=\"row\">Review %d</th><td>", atoi(occ[i] + 9));
        rep_est(r, h, m, SHOW_PCT, 2);
        buf_adds(h, "</td></tr>\n");
    }
    buf_adds(h, "</tbody>\n</table>\n");
    free(occ);
    return IMGO_OK;
}

/* ---- before and after the mentorship program ----------------------------------- */

static const struct {
    const char *outcome, *label, *what;
    int source; /* the cohort file it counts beyond residents.csv, or -1 */
} OUTCOMES[] = {
    { "first_year_retention", "First-year retention", "retained at one year", -1 },
    { "board_first_attempt", "Board pass at the first attempt", "passed their first certification attempt",
      COHORT_BOARD_EXAMS },
    { "adverse_action", "Adverse CCC action", "had an adverse CCC action", COHORT_CCC_ACTIONS },
};

int rep_sec_launch(struct rep *r, struct imgo_err *err)
{
    (void)err;
    struct buf *h = r->h;
    const char *launch = rep_info(r, "mentorship_launch");
    if (!launch || !*launch) {
        rep_no_data(h, "the pipeline sets no mentorship_launch date, so there is no before-and-after "
                       "comparison.");
        return IMGO_OK;
    }
    buf_adds(h, "<p class=\"lead\">Residents who started before the mentorship program began (");
    html_esc(h, launch);
    buf_adds(h, ") against those who started on or after it, IMGs and non-IMGs alike. The "
                "difference in differences is the change of the IMG minus non-IMG difference from before to "
                "after: a positive value means the outcome rose more (or fell less) for IMGs.</p>\n"
                "<p class=\"caution\"><strong>A caution.</strong> This is a before-and-after comparison, not a "
                "randomised trial. Other things changed over the same years (the residents recruited, the "
                "programs, the evaluators, the exams), and the residents who started after the launch have been "
                "followed for less time. A difference here is consistent with an effect of the program, but does "
                "not prove one; no difference does not prove there was none.</p>\n");
    struct buf st = BUF_INIT;
    for (size_t o = 0; o < sizeof OUTCOMES / sizeof OUTCOMES[0]; o++) {
        buf_reset(&st);
        buf_addf(&st, "outcome=%s", OUTCOMES[o].outcome);
        const struct mrow *did = rep_find(r, M_LAUNCH_DID, "img_vs_non_img", buf_str(&st), "");
        buf_adds(h, "<h3>");
        html_esc(h, OUTCOMES[o].label);
        buf_adds(h, "</h3>\n");
        int src = OUTCOMES[o].source;
        if (src >= 0 && rep_source(r, (enum cohort_file_id)src) == 0) {
            struct buf why = BUF_INIT;
            buf_addf(&why, "%s was not provided.", cohort_file((enum cohort_file_id)src)->name);
            rep_no_data(h, buf_str(&why));
            buf_release(&why);
            continue;
        }
        struct buf pre = BUF_INIT;
        buf_addf(&pre, "%s;era=pre", buf_str(&st));
        int rows = rep_find(r, M_LAUNCH_RATE, "img", buf_str(&pre), "") != NULL;
        buf_release(&pre);
        if (!rows) {
            rep_no_data(h, "no resident to count.");
            continue;
        }
        buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Share who ");
        html_esc(h, OUTCOMES[o].what);
        buf_adds(h, "</th><th scope=\"col\">Started before</th><th scope=\"col\">Started after</th></tr></thead>\n"
                    "<tbody>\n");
        static const char *const groups[] = { "img", "non_img" };
        for (int g = 0; g < 2; g++) {
            buf_adds(h, "<tr><th scope=\"row\">");
            buf_adds(h, rep_group_label(groups[g]));
            buf_adds(h, "</th>");
            for (int e = 0; e < 2; e++) {
                struct buf cell = BUF_INIT;
                buf_addf(&cell, "%s;era=%s", buf_str(&st), e ? "post" : "pre");
                buf_adds(h, "<td>");
                rep_est(r, h, rep_find(r, M_LAUNCH_RATE, groups[g], buf_str(&cell), ""), SHOW_PCT, 2);
                buf_adds(h, "</td>");
                buf_release(&cell);
            }
            buf_adds(h, "</tr>\n");
        }
        buf_adds(h, "</tbody>\n</table>\n<p>Difference in differences, IMG minus non-IMG, after minus before: ");
        rep_est(r, h, did, SHOW_PP, 0);
        if (did && !did->suppressed && isfinite(did->value)) {
            buf_adds(h, ", ");
            rep_pvalue(r, h, did, 0);
        }
        buf_adds(h, ".</p>\n");
    }
    buf_adds(h, "<h3>Milestone rating gap</h3>\n");
    if (rep_require(r, M_LAUNCH_MILESTONE_GAP_CHANGE)) {
        const struct mrow *m = rep_find(r, M_LAUNCH_MILESTONE_GAP_CHANGE, "img_vs_non_img", "", "");
        if (!m)
            rep_no_data(h, "no milestone ratings by the as-of date.");
        else {
            buf_adds(h, "<p>Change of the IMG minus non-IMG milestone gap for residents who started after the "
                        "launch, against those who started before (same year of training and subcompetency; "
                        "interval clustered by resident): ");
            rep_est(r, h, m, SHOW_NUM, 0);
            buf_adds(h, " levels");
            if (!m->suppressed && isfinite(m->value)) {
                buf_adds(h, ", ");
                rep_pvalue(r, h, m, 0);
            }
            buf_adds(h, ". A positive value means the gap is smaller after the launch.</p>\n");
        }
    }
    buf_release(&st);
    return IMGO_OK;
}
