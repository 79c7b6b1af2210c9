/*
 * annual_bias.c - the annual report's section on bias patterns: the
 * milestone gap and its forest plot, the evaluator funnel and flagged
 * evaluators, feedback themes, adverse CCC actions.
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

/* How a stratum's value is written in a table's first column. */
enum stratum_words { WORDS_AS_IS, WORDS_SUBCOMPETENCY, WORDS_THEME };

static void stratum_cell(struct buf *h, const char *value, enum stratum_words words)
{
    if (words == WORDS_SUBCOMPETENCY)
        rep_subcompetency(h, value);
    else if (words == WORDS_THEME)
        rep_label(h, "theme", value);
    else
        html_esc(h, value);
}

/* A table of a comparison's rows by stratum: estimate and interval, then p
 * (named by its test) and the BH q. */
static void strata_table(struct rep *r, enum metric_id metric, const char *prefix, const char *head,
                         const char *test, enum stratum_words words)
{
    struct buf *h = r->h;
    const char **st;
    size_t ns = rep_strata(r, metric, prefix, &st);
    buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">");
    html_esc(h, head);
    buf_adds(h, "</th><th scope=\"col\">Estimate (confidence interval)</th><th scope=\"col\">p (");
    html_esc(h, test);
    buf_adds(h, "), q (Benjamini-Hochberg)</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < ns; i++) {
        const struct mrow *m = rep_find(r, metric, "img_vs_non_img", st[i], "");
        buf_adds(h, "<tr><th scope=\"row\">");
        stratum_cell(h, st[i] + strlen(prefix), words);
        buf_adds(h, "</th><td>");
        rep_est(r, h, m, metric_def(metric)->show, 1);
        buf_adds(h, "</td>");
        rep_p_cell(r, h, m, 1);
        buf_adds(h, "</tr>\n");
    }
    buf_adds(h, "</tbody>\n</table>\n");
    free(st);
}

/* The funnel of docs/TABLES.md: evaluators and flagged evaluators as
 * points, the pooled gap as a line, the 95% and 99.8% limits as pairs of
 * lines (their ci_low and ci_high). */
static int funnel(struct rep *r, struct imgo_err *err)
{
    if (r->dry)
        return IMGO_OK; /* prints no number of a row: nothing to collect */
    struct cpoint *pts;
    size_t n = rep_points(r, C_EVALUATOR_FUNNEL, &pts, err);
    if (err->status)
        return err->status;
    if (!n) {
        rep_no_data(r->h, "no evaluator has evaluated enough residents of both groups for the funnel plot.");
        return IMGO_OK;
    }
    double *x = xcalloc(n, sizeof *x), *y = xcalloc(n, sizeof *y), *y2 = xcalloc(n, sizeof *y2);
    unsigned char *hide = xcalloc(n, 1);
    /* the evaluators shown, after complementary suppression; the pooled
     * line and the limits span their counts only, so that where a line
     * starts or ends tells nothing of a hidden evaluator */
    double xlo = INFINITY, xhi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        const struct cpoint *p = &pts[i];
        if (strcmp(p->series, "evaluator") && strcmp(p->series, "flagged"))
            continue;
        hide[i] = p->suppressed;
        if (!hide[i]) {
            struct buf key = BUF_INIT;
            buf_addf(&key, "evaluator=%s", p->label);
            const struct mrow *mr = rep_find(r, M_BIAS_EVALUATOR_GAP, "img_vs_non_img", buf_str(&key), "");
            hide[i] = mr && mr->suppressed;
            buf_release(&key);
        }
        if (!hide[i]) {
            xlo = fmin(xlo, p->x);
            xhi = fmax(xhi, p->x);
        }
    }
    struct plot_layer layers[12];
    size_t nl = 0, nsupp = 0;
    for (size_t i = 0; i < n && nl + 2 <= 12;) {
        size_t j = i, m = 0;
        const char *s = pts[i].series;
        int is_limit = !strncmp(s, "limit", 5), is_pooled = !strcmp(s, "pooled");
        while (j < n && !strcmp(pts[j].series, s)) {
            const struct cpoint *p = &pts[j];
            int hidden = hide[j] || (is_limit && (p->x < xlo || p->x > xhi));
            if (hidden) {
                if (!strcmp(s, "evaluator") && hide[j])
                    nsupp++;
            } else {
                x[i + m] = is_pooled && isfinite(p->x) && xlo <= xhi ? fmin(fmax(p->x, xlo), xhi) : p->x;
                y[i + m] = is_limit ? p->lo : p->value;
                y2[i + m] = p->hi;
                m++;
            }
            j++;
        }
        if (!strcmp(s, "evaluator"))
            layers[nl++] = (struct plot_layer){ PLOT_POINTS, "evaluator", PLOT_SKYBLUE, 0, m, x + i, y + i, NULL, NULL };
        else if (!strcmp(s, "flagged"))
            layers[nl++] = (struct plot_layer){ PLOT_POINTS, "flagged evaluator", PLOT_VERMILLION, 0, m, x + i, y + i,
                                                NULL, NULL };
        else if (is_pooled)
            layers[nl++] = (struct plot_layer){ PLOT_LINES, "pooled gap", PLOT_BLACK, 1, m, x + i, y + i, NULL, NULL };
        else if (is_limit)
            nl += rep_funnel_limits(layers + nl, s, m, x + i, y + i, y2 + i);
        i = j;
    }
    char cap[256] = "Evaluators outside the limits differ from the pooled gap more than chance suggests; the "
                    "flagged ones are in the table below";
    if (nsupp) {
        char s[64];
        rep_supp_text(r, s, sizeof s);
        snprintf(cap, sizeof cap, "Evaluators outside the limits differ more than chance suggests; not drawn, "
                 "%s: %zu evaluator(s)", s + strlen("hidden "), nsupp);
    }
    struct plot_chart c = { 0 };
    rep_xrange_counts(&c, layers, nl, 1.0, 0.08);
    c.name = chart_name(C_EVALUATOR_FUNNEL);
    c.title = "Evaluator funnel: score gap, IMG minus non-IMG";
    c.xlabel = "Residents evaluated by the evaluator (count)";
    c.ylabel = "Mean score gap, IMG minus non-IMG (score points)";
    c.layers = layers;
    c.n_layers = nl;
    int rc = rep_chart(r, &c, cap, err);
    free(x), free(y), free(y2), free(hide);
    rep_points_free(pts, n);
    return rc;
}

static int milestones(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    buf_adds(h, "<h3>Milestone ratings</h3>\n");
    if (!rep_require(r, M_BIAS_MILESTONE_GAP))
        return IMGO_OK;
    const struct mrow *g = rep_find(r, M_BIAS_MILESTONE_GAP, "img_vs_non_img", "", "");
    if (!g) {
        rep_no_data(h, "no milestone ratings of both IMGs and non-IMGs by the as-of date.");
        return IMGO_OK;
    }
    buf_adds(h, "<p class=\"lead\">Gap in milestone rating, IMG minus non-IMG, at the same PGY and "
                "subcompetency: ");
    rep_est(r, h, g, SHOW_NUM, 0);
    if (!g->suppressed) {
        buf_adds(h, ", ");
        rep_pvalue(r, h, g, 0);
        buf_adds(h, " (t test, cluster-robust by resident; ");
        rep_count(r, h, g, "n", g->n);
        buf_adds(h, " ratings of ");
        rep_count(r, h, g, "k", g->k);
        buf_adds(h, " residents)");
    }
    buf_adds(h, ". A negative gap means IMGs were rated lower.</p>\n");
    int rc = rep_forest(r, M_BIAS_MILESTONE_GAP, "subcompetency=", C_MILESTONE_FOREST,
                        "Milestone rating gap by subcompetency, IMG minus non-IMG", "Rating gap (milestone levels)",
                        0, NULL,
                        "Bars: confidence intervals; dashed: no difference (0). The numbers are in the table "
                        "by subcompetency below",
                        err);
    if (!rc)
        strata_table(r, M_BIAS_MILESTONE_GAP, "subcompetency=", "Subcompetency", "t, cluster-robust",
                     WORDS_SUBCOMPETENCY);
    return rc;
}

static int evaluators(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    buf_adds(h, "<h3>Evaluators</h3>\n");
    if (!rep_require(r, M_BIAS_EVALUATOR_GAP))
        return IMGO_OK;
    const struct mrow *ev = rep_find(r, M_BIAS_EVALUATOR_GAP, "img_vs_non_img", "", "");
    if (!ev) {
        rep_no_data(h, "no evaluations of both IMGs and non-IMGs by the as-of date.");
        return IMGO_OK;
    }
    buf_adds(h, "<p class=\"lead\">Mean evaluation score gap, IMG minus non-IMG, all evaluators pooled: ");
    rep_est(r, h, ev, SHOW_NUM, 0);
    if (!ev->suppressed) {
        buf_adds(h, ", ");
        rep_pvalue(r, h, ev, 0);
        buf_adds(h, " (Welch t; ");
        rep_count(r, h, ev, "n", ev->n);
        buf_adds(h, " residents evaluated, ");
        rep_count(r, h, ev, "k", ev->k);
        buf_adds(h, " of them IMGs)");
    }
    buf_adds(h, ".</p>\n");
    int rc = funnel(r, err);
    if (rc)
        return rc;
    const char **st;
    size_t ns = rep_strata(r, M_BIAS_EVALUATOR_GAP, "evaluator=", &st);
    int flagged = 0;
    for (size_t i = 0; i < ns; i++) {
        const struct mrow *m = rep_find(r, M_BIAS_EVALUATOR_GAP, "img_vs_non_img", st[i], "");
        if (!m || m->suppressed || !(m->q < r->fdr_q) || !(m->value < 0))
            continue;
        if (!flagged++) {
            buf_adds(h, "<div class=\"keep\">\n<p class=\"lead\">Evaluators flagged (q &lt; ");
            rep_num(h, r->fdr_q, 2);
            buf_adds(h, " and a negative gap):</p>\n<table>\n<thead><tr><th scope=\"col\">Evaluator</th>"
                        "<th scope=\"col\">Score gap (confidence interval)</th><th scope=\"col\">p (Welch t), q "
                        "(Benjamini-Hochberg)</th></tr></thead>\n<tbody>\n");
        }
        buf_adds(h, "<tr><th scope=\"row\">");
        html_esc(h, st[i] + strlen("evaluator="));
        buf_adds(h, "</th><td>");
        rep_est(r, h, m, SHOW_NUM, 1);
        buf_adds(h, "</td>");
        rep_p_cell(r, h, m, 1);
        buf_adds(h, "</tr>\n");
    }
    if (flagged)
        buf_adds(h, "</tbody>\n</table>\n</div>\n");
    else {
        buf_addf(h, "<p>No evaluator is flagged (q &lt; ");
        rep_num(h, r->fdr_q, 2);
        buf_addf(h, " and a negative gap) among the %zu evaluators with enough residents of both groups.</p>\n", ns);
    }
    free(st);
    return IMGO_OK;
}

static int themes(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    buf_adds(h, "<h3>Feedback themes</h3>\n");
    if (!rep_require(r, M_BIAS_FEEDBACK_THEME))
        return IMGO_OK;
    if (!rep_has(r, M_BIAS_FEEDBACK_THEME)) {
        rep_no_data(h, "no negative feedback comments, or no feedback on both IMGs and non-IMGs.");
        return IMGO_OK;
    }
    int rc = rep_forest(r, M_BIAS_FEEDBACK_THEME, "theme=", C_FEEDBACK_FOREST,
                        "Negative feedback by theme: odds ratio, IMG vs non-IMG",
                        "Odds ratio of a negative comment (log scale)", 1, "theme",
                        "Bars: confidence intervals; dashed: no difference (1). The numbers are in the table by "
                        "theme below",
                        err);
    if (!rc)
        strata_table(r, M_BIAS_FEEDBACK_THEME, "theme=", "Theme", "Fisher exact", WORDS_THEME);
    return rc;
}

static void adverse(struct rep *r)
{
    struct buf *h = r->h;
    buf_adds(h, "<h3>Adverse CCC actions</h3>\n");
    if (!rep_require(r, M_BIAS_ADVERSE_ACTION_RATE))
        return;
    if (!rep_has(r, M_BIAS_ADVERSE_ACTION_RATE)) {
        rep_no_data(h, "no CCC reviews.");
        return;
    }
    rep_group_head(h, "Residents reviewed by the CCC", NULL);
    rep_group_row(r, h, "Any remediation, probation, non-promotion or dismissal", M_BIAS_ADVERSE_ACTION_RATE, "", "",
                  SHOW_PCT, 2);
    buf_adds(h, "</tbody>\n</table>\n");
    const struct mrow *rr = rep_find(r, M_BIAS_ADVERSE_ACTION_RR, "img_vs_non_img", "", "");
    if (rr) {
        buf_adds(h, "<p>Risk ratio, IMG vs non-IMG: ");
        rep_est(r, h, rr, SHOW_RATIO, 0);
        if (!rr->suppressed && rr->n > 0) {
            buf_adds(h, ", ");
            rep_pvalue(r, h, rr, 0);
            buf_adds(h, " (Fisher exact)");
        }
        buf_adds(h, ".</p>\n");
    }
}

int rep_sec_bias(struct rep *r, struct imgo_err *err)
{
    int rc = milestones(r, err);
    if (!rc)
        rc = evaluators(r, err);
    if (!rc)
        rc = themes(r, err);
    if (!rc)
        adverse(r);
    return rc;
}
