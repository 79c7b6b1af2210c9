/*
 * institution.c - the institution report: for a GME office, every program
 * of a sponsoring institution side by side (product.md, "--kind
 * institution"; metrics.md "Programs of a sponsoring institution").
 *
 * One table per institution.* metric with the programs as rows and all,
 * IMG and non-IMG residents as columns (counts under each figure), the
 * institution's own row last; the milestone gap as one column with its
 * interval. The board pass and adverse action rates also get a funnel plot
 * across programs (compute's charts institution_board_funnel and
 * institution_adverse_funnel: the pooled rate, Spiegelhalter's exact
 * binomial limits, the programs outside them), and the programs outside
 * the limits are named in a sentence and marked in the table. A program
 * with a hidden figure keeps its row with the label in place of the
 * figure. The report is published: its numbers go through rhtml.h and the
 * small-cell audit like the annual report's.
 */
#include "sections.h"
#include "html.h"
#include "mem.h"
#include "rchart.h"
#include "rcover.h"
#include "rhtml.h"
#include "rtext.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROGRAM "program="

/* Where a program stands in a funnel. */
enum verdict { V_NONE, V_WITHIN, V_OUT95, V_OUT998 };

/* A funnel of one metric, read once per section. */
struct funnel {
    enum metric_id metric;
    enum chart_id chart;
    const char *period;     /* the period of the metric's rows ("" or the span) */
    const struct mrow *pooled; /* the institution's 'all' row, or NULL */
    struct cpoint *pts;
    size_t n;
};

/* The period of a metric's institution rows: the span of board_pass, ""
 * for the others (compute writes one period per metric). */
static const char *metric_period(const struct rep *r, enum metric_id metric)
{
    for (size_t i = 0; i < r->n_rows; i++)
        if (r->rows[i].id == metric)
            return r->rows[i].period;
    return "";
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The programs: every program stratum of the institution metrics, in byte
 * order, each once (a program missing from one metric still has its row
 * in that metric's table). Free only the array. */
static size_t programs(const struct rep *r, const char ***out)
{
    static const enum metric_id ms[] = { M_INSTITUTION_BOARD_PASS, M_INSTITUTION_RETENTION_3Y,
                                         M_INSTITUTION_ADVERSE_ACTION_RATE, M_INSTITUTION_TIERED_COVERAGE,
                                         M_INSTITUTION_MILESTONE_GAP };
    const char **all = NULL;
    size_t n = 0, cap = 0;
    for (size_t m = 0; m < sizeof ms / sizeof ms[0]; m++) {
        const char **st;
        size_t ns = rep_strata(r, ms[m], PROGRAM, &st);
        for (size_t i = 0; i < ns; i++) {
            ALLOC_GROW(all, n + 1, cap);
            all[n++] = st[i];
        }
        free(st);
    }
    if (n)
        qsort(all, n, sizeof *all, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!u || strcmp(all[u - 1], all[i]))
            all[u++] = all[i];
    *out = all;
    return u;
}

static int funnel_load(struct rep *r, struct funnel *f, enum metric_id metric, enum chart_id chart,
                       struct imgo_err *err)
{
    memset(f, 0, sizeof *f);
    f->metric = metric;
    f->chart = chart;
    f->period = metric_period(r, metric);
    f->pooled = rep_find(r, metric, "all", "", f->period);
    f->n = rep_points(r, chart, &f->pts, err);
    return err->status;
}

static void funnel_release(struct funnel *f)
{
    rep_points_free(f->pts, f->n);
}

/* 1 when the funnel can be shown and judged: its pooled row is shown. */
static int funnel_usable(const struct funnel *f)
{
    return f->pooled && !f->pooled->suppressed && f->pooled->n > 0 && isfinite(f->pooled->value);
}

/* Where program code stands: outside the 99.8% limits, outside the 95%
 * ones only, within them; V_NONE when it has no point or its point is
 * hidden. */
static enum verdict funnel_verdict(const struct funnel *f, const char *code)
{
    enum verdict v = V_NONE;
    for (size_t i = 0; i < f->n; i++) {
        const struct cpoint *p = &f->pts[i];
        if (strcmp(p->label, code) || p->suppressed)
            continue;
        if (!strcmp(p->series, "outside998"))
            v = V_OUT998;
        else if (!strcmp(p->series, "outside95") && v != V_OUT998)
            v = V_OUT95;
        else if (!strcmp(p->series, "program") && v == V_NONE)
            v = V_WITHIN;
    }
    return v;
}

/* "below" or "above" the pooled rate. */
static const char *side(const struct funnel *f, const struct mrow *m)
{
    return m->value < f->pooled->value ? "below" : "above";
}

/* "61.1%, 11 of 18" for a shown rate row. */
static void rate_words(struct rep *r, const struct mrow *m)
{
    struct buf *h = r->h;
    rep_row_value(r, h, m, SHOW_PCT);
    buf_adds(h, ", ");
    rep_count(r, h, m, "k", m->k);
    buf_adds(h, " of ");
    rep_count(r, h, m, "n", m->n);
}

/* The funnel cell of a program's row. */
static void verdict_cell(struct rep *r, const struct funnel *f, const char *stratum)
{
    struct buf *h = r->h;
    const struct mrow *m = rep_find(r, f->metric, "all", stratum, f->period);
    buf_adds(h, "<td>");
    if (!m || m->n == 0)
        buf_adds(h, "<span class=\"na\">no data</span>");
    else if (m->suppressed)
        rep_hidden(r, h, m);
    else if (!funnel_usable(f))
        buf_adds(h, "<span class=\"na\">not judged</span>");
    else
        switch (funnel_verdict(f, stratum + strlen(PROGRAM))) {
        case V_OUT998:
            buf_addf(h, "<span class=\"flag\">%s the 99.8%% limits</span>", side(f, m));
            break;
        case V_OUT95:
            buf_addf(h, "<span class=\"flag\">%s the 95%% limits</span>", side(f, m));
            break;
        case V_WITHIN:
            buf_adds(h, "within the limits");
            break;
        case V_NONE:
            buf_adds(h, "<span class=\"na\">-</span>");
            break;
        }
    buf_adds(h, "</td>");
}

/* The sentence naming the programs outside the limits. */
static void outside_sentence(struct rep *r, const struct funnel *f, const char *what)
{
    struct buf *h = r->h;
    if (!f->n) {
        rep_no_data(h, "no program has anyone to compare.");
        return;
    }
    if (!funnel_usable(f)) {
        buf_adds(h, "<p>No program is judged against the limits: the pooled rate is ");
        if (f->pooled && f->pooled->suppressed)
            rep_hidden(r, h, f->pooled);
        else
            buf_adds(h, "not available");
        buf_adds(h, ".</p>\n");
        return;
    }
    const char **prog;
    size_t np = programs(r, &prog);
    int any = 0;
    for (int level = V_OUT998; level >= V_OUT95; level--) {
        int n = 0;
        for (size_t i = 0; i < np; i++) {
            const struct mrow *m = rep_find(r, f->metric, "all", prog[i], f->period);
            if (!m || m->suppressed || m->n <= 0 || funnel_verdict(f, prog[i] + strlen(PROGRAM)) != (enum verdict)level)
                continue;
            if (!n++) {
                buf_addf(h, "<p class=\"flag\">Outside the %s limits%s: ", level == V_OUT998 ? "99.8%" : "95%",
                         level == V_OUT95 ? " (within the 99.8% limits)" : "");
            } else
                buf_adds(h, "; ");
            html_esc(h, prog[i] + strlen(PROGRAM));
            buf_addf(h, " (%s the pooled rate: ", side(f, m));
            rate_words(r, m);
            buf_adds(h, ")");
        }
        if (n)
            buf_adds(h, ".</p>\n");
        any += n;
    }
    if (!any) {
        buf_adds(h, "<p>Every program shown is within the 95% limits: no ");
        html_esc(h, what);
        buf_adds(h, " differs from the pooled rate more than chance would explain.</p>\n");
    }
    free(prog);
}

/* The funnel plot: programs as points (those outside the limits in their
 * own colours), the pooled rate, the 95% and 99.8% limits. */
static int funnel_chart(struct rep *r, const struct funnel *f, const char *title, const char *xlabel,
                        const char *ylabel, struct imgo_err *err)
{
    if (!f->n) {
        rep_no_data(r->h, "no program has anyone to plot.");
        return IMGO_OK;
    }
    if (!funnel_usable(f)) {
        struct buf t = BUF_INIT;
        buf_addf(&t, "%s: not drawn, as the pooled rate it is centred on is hidden to protect a small group.",
                 title);
        rep_no_data(r->h, buf_str(&t));
        buf_release(&t);
        return IMGO_OK;
    }
    /* the centre line and the limits span the programs drawn, so that
     * where they start or end says nothing of a hidden program's size */
    double xlo = INFINITY, xhi = -INFINITY;
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->pts[i].series, "program") && !f->pts[i].suppressed && isfinite(f->pts[i].x)) {
            xlo = fmin(xlo, f->pts[i].x);
            xhi = fmax(xhi, f->pts[i].x);
        }
    double *x = xcalloc(f->n, sizeof *x), *y = xcalloc(f->n, sizeof *y), *y2 = xcalloc(f->n, sizeof *y2);
    struct plot_layer layers[10];
    size_t nl = 0, nsupp = 0;
    for (size_t i = 0; i < f->n && nl + 2 <= 10;) {
        const char *s = f->pts[i].series;
        size_t j = i, m = 0;
        int is_limit = !strncmp(s, "limit", 5), pooled = !strcmp(s, "pooled");
        while (j < f->n && !strcmp(f->pts[j].series, s)) {
            const struct cpoint *p = &f->pts[j++];
            if (p->suppressed) {
                nsupp += !strcmp(s, "program");
                continue;
            }
            if (is_limit && !(p->x >= xlo && p->x <= xhi))
                continue;
            if (pooled) {
                /* two ends: the smallest and the largest program drawn */
                if (m < 2 && isfinite(xlo)) {
                    x[i + m] = m ? xhi : xlo;
                    y[i + m] = p->value;
                    m++;
                }
                continue;
            }
            /* a program outside the limits is drawn once, in its own layer */
            if (!strcmp(s, "program") && funnel_verdict(f, p->label) >= V_OUT95)
                continue;
            if (!strcmp(s, "outside95") && funnel_verdict(f, p->label) == V_OUT998)
                continue;
            x[i + m] = p->x;
            y[i + m] = is_limit ? p->lo : p->value;
            y2[i + m] = p->hi;
            m++;
        }
        if (!strcmp(s, "program"))
            layers[nl++] = (struct plot_layer){ PLOT_POINTS, "program", PLOT_SKYBLUE, 0, m, x + i, y + i, NULL, NULL };
        else if (!strcmp(s, "outside95"))
            layers[nl++] = (struct plot_layer){ PLOT_POINTS, "outside the 95% limits", PLOT_ORANGE, 0, m, x + i,
                                                y + i, NULL, NULL };
        else if (!strcmp(s, "outside998"))
            layers[nl++] = (struct plot_layer){ PLOT_POINTS, "outside the 99.8% limits", PLOT_VERMILLION, 0, m,
                                                x + i, y + i, NULL, NULL };
        else if (!strcmp(s, "pooled"))
            layers[nl++] = (struct plot_layer){ PLOT_LINES, "pooled rate", PLOT_BLACK, 1, m, x + i, y + i, NULL, NULL };
        else if (is_limit)
            nl += rep_funnel_limits(layers + nl, s, m, x + i, y + i, y2 + i);
        i = j;
    }
    char cap[256] = "Each point is a program; a program outside the limits differs from the pooled rate more than "
                    "chance would explain. The numbers are in the table below";
    if (nsupp) {
        char s[64];
        rep_supp_text(r, s, sizeof s);
        snprintf(cap, sizeof cap, "Each point is a program; the numbers are in the table below. Not drawn, %s: "
                 "%zu program(s)", s + strlen("hidden "), nsupp);
    }
    struct plot_chart c = { 0 };
    /* a margin, so that no program sits on the frame */
    rep_xrange_counts(&c, layers, nl, 1.0, 0.08);
    c.name = chart_name(f->chart);
    c.title = title;
    c.xlabel = xlabel;
    c.ylabel = ylabel;
    c.layers = layers;
    c.n_layers = nl;
    int rc = rep_chart(r, &c, cap, err);
    free(x), free(y), free(y2);
    return rc;
}

/* A table of metric by program: all / IMG / non-IMG, with the funnel's
 * verdict when f is given, and the institution's row last. */
static void program_table(struct rep *r, enum metric_id metric, const char *period, int show_n,
                          const struct funnel *f)
{
    struct buf *h = r->h;
    const char **prog;
    size_t np = programs(r, &prog);
    rep_group_head(h, "Program", f ? "<th scope=\"col\">Funnel (all residents)</th>" : NULL);
    for (size_t i = 0; i < np; i++) {
        rep_group_cells(r, h, prog[i] + strlen(PROGRAM), metric, prog[i], period, SHOW_PCT, show_n);
        if (f)
            verdict_cell(r, f, prog[i]);
        buf_adds(h, "</tr>\n");
    }
    /* the institution's row: all residents only (compute writes no total
     * per group; the annual report has the institution's IMG figures) */
    buf_adds(h, "<tr><th scope=\"row\">All programs</th><td>");
    rep_est(r, h, rep_find(r, metric, "all", "", period), SHOW_PCT, show_n);
    buf_adds(h, "</td><td><span class=\"na\">-</span></td><td><span class=\"na\">-</span></td>");
    if (f)
        buf_adds(h, "<td><span class=\"na\">the pooled rate</span></td>");
    buf_adds(h, "</tr>\n</tbody>\n</table>\n");
    free(prog);
}

/* ---- sections ------------------------------------------------------------ */

static int cover(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    const char **prog;
    size_t np = programs(r, &prog);
    free(prog);
    buf_adds(h, "<h1>IMG mentorship: sponsoring institution report</h1>\n");
    buf_addf(h, "<p class=\"lead\">Every program of the institution side by side: %zu program%s in the data "
                "by the as-of date.</p>\n", np, np == 1 ? "" : "s");
    return rep_cover(r, err);
}

static int summary(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    buf_adds(h, "<p class=\"lead\">The institution's figures, every program's residents together, each with its "
                "confidence interval and counts. The sections that follow show each program, with its IMG and "
                "non-IMG residents.</p>\n");
    static const struct {
        const char *label;
        enum metric_id metric;
        int show_n;
    } rows[] = {
        { "First-attempt board pass", M_INSTITUTION_BOARD_PASS, 2 },
        { "Retained in training at 3 years (Kaplan-Meier)", M_INSTITUTION_RETENTION_3Y, 1 },
        { "Any adverse CCC action", M_INSTITUTION_ADVERSE_ACTION_RATE, 2 },
        { "All required mentors assigned in week 1", M_INSTITUTION_TIERED_COVERAGE, 2 },
    };
    buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">All programs together</th><th scope=\"col\">All "
                "residents (confidence interval)</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *period = metric_period(r, rows[i].metric);
        struct buf label = BUF_INIT;
        buf_adds(&label, rows[i].label);
        if (*period)
            buf_addf(&label, ", %s", period);
        struct buf missing = BUF_INIT;
        if (rep_missing(r, rows[i].metric, &missing)) {
            buf_adds(h, "<tr><th scope=\"row\">");
            html_esc(h, buf_str(&label));
            buf_adds(h, "</th><td><span class=\"na\">no data: ");
            html_esc(h, buf_str(&missing));
            buf_adds(h, "</span></td></tr>\n");
        } else {
            buf_adds(h, "<tr><th scope=\"row\">");
            html_esc(h, buf_str(&label));
            buf_adds(h, "</th><td>");
            rep_est(r, h, rep_find(r, rows[i].metric, "all", "", period), SHOW_PCT, rows[i].show_n);
            buf_adds(h, "</td></tr>\n");
        }
        buf_release(&missing);
        buf_release(&label);
    }
    buf_adds(h, "</tbody>\n</table>\n");
    /* the funnels' verdicts, as their sections state them */
    static const struct {
        const char *head, *what;
        enum metric_id metric;
        enum chart_id chart;
    } funnels[] = {
        { "First-attempt board pass across programs", "program's pass rate", M_INSTITUTION_BOARD_PASS,
          C_INSTITUTION_BOARD_FUNNEL },
        { "Adverse CCC actions across programs", "program's adverse action rate", M_INSTITUTION_ADVERSE_ACTION_RATE,
          C_INSTITUTION_ADVERSE_FUNNEL },
    };
    for (size_t i = 0; i < sizeof funnels / sizeof funnels[0]; i++) {
        buf_adds(h, "<h3>");
        html_esc(h, funnels[i].head);
        buf_adds(h, "</h3>\n");
        if (!rep_require(r, funnels[i].metric))
            continue;
        if (!rep_has(r, funnels[i].metric)) {
            rep_no_data(h, "no program has anyone to compare.");
            continue;
        }
        struct funnel f;
        int rc = funnel_load(r, &f, funnels[i].metric, funnels[i].chart, err);
        if (!rc)
            outside_sentence(r, &f, funnels[i].what);
        funnel_release(&f);
        if (rc)
            return rc;
    }
    return IMGO_OK;
}

/* A rate by program with its funnel: the table, the chart, the sentence. */
static int funnel_section(struct rep *r, enum metric_id metric, enum chart_id chart, const char *lead,
                          const char *none, const char *title, const char *xlabel, const char *ylabel,
                          const char *what, struct imgo_err *err)
{
    struct buf *h = r->h;
    if (!rep_require(r, metric))
        return IMGO_OK;
    if (!rep_has(r, metric)) {
        rep_no_data(h, none);
        return IMGO_OK;
    }
    struct funnel f;
    int rc = funnel_load(r, &f, metric, chart, err);
    if (!rc) {
        buf_adds(h, "<p class=\"lead\">");
        html_esc(h, lead);
        if (*f.period) {
            buf_adds(h, " (");
            html_esc(h, f.period);
            buf_adds(h, ")");
        }
        buf_adds(h, ". The funnel plot sets each program's rate against its number of residents, around the "
                    "pooled rate of all programs, with exact binomial 95% and 99.8% control limits.</p>\n");
        rc = funnel_chart(r, &f, title, xlabel, ylabel, err);
    }
    if (!rc) {
        outside_sentence(r, &f, what);
        program_table(r, metric, f.period, 2, &f);
    }
    funnel_release(&f);
    return rc;
}

static int board(struct rep *r, struct imgo_err *err)
{
    return funnel_section(r, M_INSTITUTION_BOARD_PASS, C_INSTITUTION_BOARD_FUNNEL,
                          "Residents whose first certification attempt fell in the last three years, and the "
                          "share who passed it",
                          "nobody has a first certification attempt by the as-of date.",
                          "First-attempt board pass rate across programs",
                          "First-time takers in the program (count)", "First-attempt pass rate (proportion)",
                          "program's pass rate", err);
}

static int adverse(struct rep *r, struct imgo_err *err)
{
    return funnel_section(r, M_INSTITUTION_ADVERSE_ACTION_RATE, C_INSTITUTION_ADVERSE_FUNNEL,
                          "Residents reviewed by the CCC, and the share with any remediation, probation, "
                          "non-promotion or dismissal",
                          "no CCC reviews by the as-of date.", "Adverse CCC action rate across programs",
                          "Residents reviewed by the CCC in the program (count)",
                          "Share with an adverse action (proportion)", "program's adverse action rate", err);
}

static int retention(struct rep *r, struct imgo_err *err)
{
    (void)err;
    struct buf *h = r->h;
    if (!rep_has(r, M_INSTITUTION_RETENTION_3Y)) {
        rep_no_data(h, "no resident started by the as-of date.");
        return IMGO_OK;
    }
    buf_adds(h, "<p class=\"lead\">The Kaplan-Meier estimate of remaining in training three years after the start "
                "(withdrawal, dismissal and transfer are attrition; other exits and residents still in training "
                "are censored), with the number of residents it rests on. <span class=\"na\">n/a</span>: nobody "
                "in the group has been followed for three years.</p>\n");
    program_table(r, M_INSTITUTION_RETENTION_3Y, "", 1, NULL);
    return IMGO_OK;
}

static int coverage(struct rep *r, struct imgo_err *err)
{
    (void)err;
    struct buf *h = r->h;
    if (!rep_require(r, M_INSTITUTION_TIERED_COVERAGE))
        return IMGO_OK;
    if (!rep_has(r, M_INSTITUTION_TIERED_COVERAGE)) {
        rep_no_data(h, "no resident to be given mentors by the as-of date.");
        return IMGO_OK;
    }
    buf_adds(h, "<p class=\"lead\">Residents given every required mentor role within 7 days of their start "
                "(IMGs: ");
    const char *v = rep_info(r, "required_roles_img");
    html_esc(h, v && *v ? v : "senior_resident,faculty,peer");
    buf_adds(h, "; non-IMGs: ");
    v = rep_info(r, "required_roles_non_img");
    html_esc(h, v && *v ? v : "senior_resident,faculty");
    buf_adds(h, ").</p>\n");
    program_table(r, M_INSTITUTION_TIERED_COVERAGE, "", 2, NULL);
    return IMGO_OK;
}

static int milestones(struct rep *r, struct imgo_err *err)
{
    (void)err;
    struct buf *h = r->h;
    if (!rep_require(r, M_INSTITUTION_MILESTONE_GAP))
        return IMGO_OK;
    buf_adds(h, "<p class=\"lead\">The gap in milestone rating, IMG minus non-IMG, at the same PGY and "
                "subcompetency, within each program (least squares with cluster-robust standard errors by "
                "resident). A negative gap means IMGs were rated lower. A program without rated residents of "
                "both groups has no gap.</p>\n");
    const char **prog;
    size_t np = programs(r, &prog);
    buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Program</th><th scope=\"col\">Gap, IMG minus non-IMG "
                "(confidence interval)</th><th scope=\"col\">p (t, cluster-robust)</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < np; i++) {
        const struct mrow *m = rep_find(r, M_INSTITUTION_MILESTONE_GAP, "img_vs_non_img", prog[i], "");
        buf_adds(h, "<tr><th scope=\"row\">");
        html_esc(h, prog[i] + strlen(PROGRAM));
        buf_adds(h, "</th><td>");
        rep_est(r, h, m, SHOW_NUM, 0);
        if (m && !m->suppressed && m->n > 0) {
            buf_adds(h, "<br><span class=\"nk\">");
            rep_count(r, h, m, "n", m->n);
            buf_adds(h, " ratings of ");
            rep_count(r, h, m, "k", m->k);
            buf_adds(h, " residents</span>");
        }
        buf_adds(h, "</td>");
        rep_p_cell(r, h, m, 0);
        buf_adds(h, "</tr>\n");
    }
    buf_adds(h, "</tbody>\n</table>\n");
    free(prog);
    return IMGO_OK;
}

static int methods(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    buf_adds(h, "<h3>Definitions</h3>\n<ul>\n"
                "<li>IMG (international medical graduate): graduate type US-citizen IMG or non-US IMG; non-IMG: "
                "US MD or US DO graduate.</li>\n"
                "<li>Programs: the program codes of the residents who started by the as-of date. Each resident "
                "belongs to one program, so the programs' counts add up to the institution's.</li>\n"
                "<li>Records dated after the as-of date are ignored, so a later export reproduces this report.</li>\n"
                "<li>Board: each resident's first attempt at a certification exam (any exam but Step 3); the "
                "residents whose first attempt fell in the three calendar years ending with the latest year of "
                "any first attempt, and those who passed it.</li>\n"
                "<li>Retention: the Kaplan-Meier estimate of remaining in training at three years "
                "(1,095 days).</li>\n"
                "<li>Adverse CCC action: residents with a CCC review by the as-of date, and those with any "
                "remediation, probation, non-promotion or dismissal.</li>\n"
                "<li>Mentor coverage: every required mentor role assigned within 7 days of the start.</li>\n"
                "<li>Milestone gap: least squares of rating on IMG status, PGY and subcompetency within the "
                "program.</li>\n</ul>\n"
                "<h3>Funnel plots</h3>\n<p>Each program's rate is set against its number of residents. The centre "
                "line is the pooled rate, all programs' events over all their residents. The control limits are "
                "those of a program of that size whose true rate is the pooled one: exact binomial limits with "
                "Spiegelhalter's interpolation (Spiegelhalter, \"Funnel plots for comparing institutional "
                "performance\", Statistics in Medicine 2005;24:1185-1202), at 95% and 99.8%. A program outside "
                "the 95% limits would be so by chance about once in twenty, outside the 99.8% limits about once "
                "in five hundred; with many programs a few fall outside the 95% limits by chance alone, so the "
                "99.8% limits are the stronger signal. Small programs have wide limits: a funnel judges a small "
                "program's rate with the caution its size calls for.</p>\n"
                "<h3>Confidence intervals</h3>\n<p>Intervals are at ");
    rep_value(h, r->conf, SHOW_PCT);
    buf_adds(h, " confidence. Proportions: Wilson score interval; retention: Greenwood variance on the log-log "
                "scale; the milestone gap: t with cluster-robust (CR1) standard errors by resident.</p>\n");
    rep_small_numbers(r);
    buf_adds(h, "<h3>Rows ingested and rejected per file</h3>\n");
    return rep_files_table(r, 0, err);
}

static int glossary(struct rep *r, struct imgo_err *err)
{
    (void)err;
    rep_glossary(r, REP_TERMS_INSTITUTION);
    return IMGO_OK;
}

static void title(const struct rep *r, struct buf *out)
{
    (void)r;
    buf_adds(out, "IMG mentorship: sponsoring institution report");
}

static const struct report_section sections[] = {
    { "cover", NULL, cover },
    { "summary", "Summary", summary },
    { "since", "Since the last report", rep_sec_since_institution },
    { "board", "Board certification by program", board },
    { "retention", "Retention in training by program", retention },
    { "adverse", "Adverse CCC actions by program", adverse },
    { "mentorship", "Mentor coverage by program", coverage },
    { "milestones", "Milestone rating gap by program", milestones },
    { "methods", "Methods and data quality", methods },
    { "glossary", "Glossary", glossary },
};

const struct report_kind_def report_kind_institution = {
    REPORT_INSTITUTION, "institution", title, 0, 1, NULL, NULL, sections, sizeof sections / sizeof sections[0],
};
