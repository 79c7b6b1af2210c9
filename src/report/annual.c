/*
 * annual.c - the annual accountability report as a table of sections
 * (product.md, "The annual accountability report", in its order), and its
 * cover, summary and methods. Each section shows its metrics rows or says
 * in one line that there is no data; nothing is left out silently.
 */
#include "sections.h"
#include "db.h"
#include "html.h"
#include "rcover.h"
#include "rtext.h"
#include "rhtml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- cover -------------------------------------------------------------- */

static int cover(struct rep *r, struct imgo_err *err)
{
    buf_adds(r->h, "<h1>IMG mentorship: annual accountability report</h1>\n");
    return rep_cover(r, err);
}

/* ---- summary -------------------------------------------------------------- */

/* "13 of 15 (86.7%)" for a rate row. */
static void count_rate(struct rep *r, const struct mrow *m)
{
    struct buf *h = r->h;
    if (!m) {
        buf_adds(h, "<span class=\"na\">no data</span>");
        return;
    }
    if (m->suppressed) {
        rep_hidden(r, h, m);
        return;
    }
    rep_count(r, h, m, "k", m->k);
    buf_adds(h, " of ");
    rep_count(r, h, m, "n", m->n);
    buf_adds(h, " (");
    rep_row_value(r, h, m, SHOW_PCT);
    buf_adds(h, ")");
}

/* The change cell of a yearly series at period: the change row (its
 * difference and interval) beside the year before's own figure, so both
 * sides are the same kind of figure, one year each. */
static void change_cell(struct rep *r, enum metric_id rate, enum metric_id change, const char *stratum,
                        const char *period)
{
    struct buf *h = r->h;
    char prev[16];
    snprintf(prev, sizeof prev, "%d", atoi(period) - 1);
    const struct mrow *c = rep_find(r, change, "all", stratum, period);
    const struct mrow *now = rep_find(r, rate, "all", stratum, period);
    const struct mrow *before = rep_find(r, rate, "all", stratum, prev);
    if (!c || !before) {
        buf_addf(h, "<span class=\"na\">no figure for %s</span>", prev);
        return;
    }
    if (c->suppressed || before->suppressed || (now && now->suppressed)) {
        rep_hidden(r, h, c->suppressed ? c : before->suppressed ? before : now);
        return;
    }
    rep_est(r, h, c, SHOW_PP, 0);
    buf_addf(h, "<br><span class=\"nk\">%s: ", prev);
    count_rate(r, before);
    buf_adds(h, "</span>");
}

static void headline_row(struct rep *r, const char *label, const struct mrow *m, enum metric_show fmt, int show_n)
{
    struct buf *h = r->h;
    buf_adds(h, "<tr><th scope=\"row\">");
    html_esc(h, label);
    buf_adds(h, "</th><td>");
    rep_est(r, h, m, fmt, show_n);
    buf_adds(h, "</td><td><span class=\"na\">-</span></td></tr>\n");
}

/* The latest year of a yearly series in stratum, or NULL. */
static const char *latest_year(const struct rep *r, enum metric_id metric, const char *stratum)
{
    const char **per;
    size_t n = rep_periods(r, metric, stratum, &per);
    const char *y = NULL;
    for (size_t i = 0; i < n; i++)
        if (*per[i] && !strchr(per[i], '-'))
            y = per[i];
    free(per);
    return y;
}

static void yearly_row(struct rep *r, const char *label, enum metric_id rate, enum metric_id change,
                       const char *stratum, const char *year)
{
    struct buf *h = r->h;
    buf_adds(h, "<tr><th scope=\"row\">");
    html_esc(h, label);
    buf_adds(h, "</th><td>");
    rep_est(r, h, rep_find(r, rate, "all", stratum, year), SHOW_PCT, 2);
    buf_adds(h, "</td><td>");
    change_cell(r, rate, change, stratum, year);
    buf_adds(h, "</td></tr>\n");
}

static int summary(struct rep *r, struct imgo_err *err)
{
    (void)err;
    struct buf *h = r->h;
    buf_adds(h, "<p class=\"lead\">The headline figures, each with its confidence interval. A yearly figure "
                "is shown for its latest year with the change from the year before (the difference, its "
                "interval, and the year before's own figure); the other figures cover every year up to the "
                "as-of date.</p>\n");
    buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Headline figure</th><th scope=\"col\">Value "
                "(confidence interval)</th><th scope=\"col\">Change from the year before</th></tr>"
                "</thead>\n<tbody>\n");
    const struct mrow *res = rep_find(r, M_COHORT_RESIDENTS, "all", "", "");
    if (res) {
        buf_adds(h, "<tr><th scope=\"row\">Residents in the cohort</th><td>");
        rep_count(r, h, res, "n", res->n);
        buf_adds(h, "</td><td><span class=\"na\">-</span></td></tr>\n");
    }
    const char **ex;
    size_t nex = rep_strata(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, "exam=", &ex);
    for (size_t e = 0; e < nex; e++) {
        const char **per;
        size_t np = rep_periods(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, ex[e], &per);
        struct buf label = BUF_INIT;
        for (size_t i = 0; i < np; i++) {
            if (!strchr(per[i], '-'))
                continue;
            buf_reset(&label);
            buf_addf(&label, "First-attempt board pass rate, %s, %s (3 years)", ex[e] + 5, per[i]);
            headline_row(r, buf_str(&label), rep_find(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, "all", ex[e], per[i]),
                         SHOW_PCT, 2);
        }
        const char *y = latest_year(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, ex[e]);
        if (y) {
            buf_reset(&label);
            buf_addf(&label, "First-attempt board pass rate, %s, %s", ex[e] + 5, y);
            yearly_row(r, buf_str(&label), M_BOARD_FIRST_ATTEMPT_PASS_RATE, M_BOARD_FIRST_ATTEMPT_PASS_CHANGE,
                       ex[e], y);
        }
        buf_release(&label);
        free(per);
    }
    const char *fy = latest_year(r, M_FELLOWSHIP_MATCH_RATE, "");
    if (fy) {
        struct buf label = BUF_INIT;
        buf_addf(&label, "Fellowship match rate, %s cycle", fy);
        yearly_row(r, buf_str(&label), M_FELLOWSHIP_MATCH_RATE, M_FELLOWSHIP_MATCH_CHANGE, "", fy);
        buf_release(&label);
    }
    for (size_t i = 0; i < REP_N_HEADLINES; i++) {
        const struct rep_headline *x = &REP_HEADLINES[i];
        const struct mrow *m = rep_find(r, x->metric, x->group, x->stratum, "");
        /* no attempt of step3_exam in the data: a 0% would be no measurement (see the cover) */
        if (m && !(x->metric == M_STEP3_PASS_BY_MONTH12 && rep_info(r, "step3_exam_attempts") &&
                   !strcmp(rep_info(r, "step3_exam_attempts"), "0")))
            headline_row(r, x->label, m, metric_def(x->metric)->show, x->show_n);
    }
    buf_adds(h, "</tbody>\n</table>\n<h3>Accreditation flags</h3>\n");
    int flags = 0, hidden_verdicts = 0;
    for (size_t e = 0; e < nex; e++) {
        const char **per;
        size_t np = rep_periods(r, M_BOARD_ACCREDITATION_FLAG, ex[e], &per);
        for (size_t i = 0; i < np; i++) {
            const struct mrow *f = rep_find(r, M_BOARD_ACCREDITATION_FLAG, "all", ex[e], per[i]);
            const struct mrow *rate = rep_find(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, "all", ex[e], per[i]);
            if (f && (f->suppressed || (rate && rate->suppressed))) {
                /* a verdict bounds its hidden rate: whatever it is, it is
                 * not given (so the note says nothing of it) */
                hidden_verdicts++;
                continue;
            }
            if (!f || !(f->value == 1))
                continue;
            if (!flags++)
                buf_adds(h, "<ul>\n");
            buf_adds(h, "<li class=\"flag\">");
            html_esc(h, ex[e] + 5);
            buf_adds(h, ": ");
            rep_publish(r, f, "value", "1");
            buf_adds(h, "the first-attempt pass rate for ");
            html_esc(h, per[i]);
            buf_adds(h, " is ");
            rep_est(r, h, rate, SHOW_PCT, 0);
            buf_adds(h, ", below the threshold of ");
            rep_value(h, r->threshold, SHOW_PCT);
            buf_adds(h, "</li>\n");
        }
        free(per);
    }
    free(ex);
    if (flags)
        buf_adds(h, "</ul>\n");
    else if (hidden_verdicts)
        buf_adds(h, "<p>No accreditation flag is raised on the pass rates shown.</p>\n");
    else
        buf_adds(h, "<p>No accreditation flag is raised.</p>\n");
    if (hidden_verdicts)
        buf_adds(h, "<p>The verdict on a pass rate hidden to protect a small group is not given: see the board "
                    "certification section.</p>\n");
    return IMGO_OK;
}

/* ---- methods --------------------------------------------------------------------- */

/* Columns that may be empty, per table: the missing values the data had. */
static const char *const MISSING[][3] = {
    { "residents.csv", "residents", "end_date" },         { "residents.csv", "residents", "exit_reason" },
    { "residents.csv", "residents", "school_region" },    { "residents.csv", "residents", "graduation_year" },
    { "residents.csv", "residents", "visa" },             { "residents.csv", "residents", "step2_score" },
    { "residents.csv", "residents", "track" },            { "mentor_assignments.csv", "mentor_assignments", "ended_date" },
    { "mentorship_meetings.csv", "mentorship_meetings", "kind" }, { "board_exams.csv", "board_exams", "score" },
    { "employment.csv", "employment", "end_date" },       { "employment.csv", "employment", "underserved" },
};

static int missing_values(struct rep *r, struct imgo_err *err)
{
    /* counts of the cohort tables, not metrics rows: nothing for the first
     * pass to collect (and a full scan of each table saved) */
    if (r->dry)
        return IMGO_OK;
    struct buf *h = r->h, sql = BUF_INIT;
    buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">File</th><th scope=\"col\">Column</th>"
                "<th scope=\"col\">Rows</th><th scope=\"col\">Missing</th></tr></thead>\n<tbody>\n");
    int rc = IMGO_OK;
    for (size_t i = 0; i < sizeof MISSING / sizeof MISSING[0] && !rc; i++) {
        sqlite3_stmt *st;
        buf_reset(&sql);
        /* table and column names are constants of this file, never data */
        buf_addf(&sql, "SELECT COUNT(*), COUNT(*) - COUNT(%s) FROM %s", MISSING[i][2], MISSING[i][1]);
        if ((rc = db_prepare(r->db, buf_str(&sql), &st, err)))
            break;
        if (sqlite3_step(st) == SQLITE_ROW) {
            buf_adds(h, "<tr><td>");
            html_esc(h, MISSING[i][0]);
            buf_adds(h, "</td><td>");
            html_esc(h, MISSING[i][2]);
            buf_addf(h, "</td><td>%lld</td><td>%lld</td></tr>\n", (long long)sqlite3_column_int64(st, 0),
                     (long long)sqlite3_column_int64(st, 1));
        } else
            rc = db_error(r->db, err);
        sqlite3_finalize(st);
    }
    buf_adds(h, "</tbody>\n</table>\n");
    buf_release(&sql);
    return rc;
}

/* A parameter from compute_info, or its default when the database is
 * older than the key. */
static const char *param(const struct rep *r, const char *key, const char *def)
{
    const char *v = rep_info(r, key);
    return v && *v ? v : def;
}

static int methods(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    buf_adds(h, "<h3>Definitions</h3>\n<ul>\n"
                "<li>IMG (international medical graduate): graduate type US-citizen IMG or non-US IMG; non-IMG: "
                "US MD or US DO graduate.</li>\n"
                "<li>Records dated after the as-of date are ignored, so a later export reproduces this report.</li>\n"
                "<li>Retention: Kaplan-Meier estimate of remaining in training; withdrawal, dismissal and transfer are "
                "attrition, other exits are censored.</li>\n"
                "<li>Board: the first-attempt pass rate of residents whose first attempt of an exam fell in the year; "
                "the accreditation flag compares the latest 3-year rate with the threshold.</li>\n"
                "<li>Mentorship: the required mentor roles (IMGs: ");
    html_esc(h, param(r, "required_roles_img", "senior_resident,faculty,peer"));
    buf_adds(h, "; non-IMGs: ");
    html_esc(h, param(r, "required_roles_non_img", "senior_resident,faculty"));
    buf_adds(h, ") assigned within 7 days of the start; weekly cadence counts weeks 1-6 with a meeting, monthly "
                "cadence months 2-9 with a faculty meeting.</li>\n"
                "<li>Bias: milestone gap from least squares of rating on IMG status, PGY and subcompetency with "
                "cluster-robust (CR1) standard errors by resident; an evaluator's gap is the Welch difference of "
                "the mean scores they gave, one mean per resident they evaluated; feedback themes are odds "
                "ratios of a negative comment.</li>\n"
                "<li>Trends: an academic year runs from July 1 to June 30; the gap's trend is the "
                "inverse-variance weighted slope of the yearly gaps.</li>\n"
                "<li>Level 4: a graduate reached it when every rating of their final review is 4.0 or more; a "
                "review is low when the mean of its ratings is at most l4_threshold.</li>\n"
                "<li>Before and after: residents who started before mentorship_launch against those who started "
                "on or after it; the difference in differences has a normal interval.</li>\n</ul>\n"
                "<h3>Confidence intervals and tests</h3>\n<p>Intervals are at ");
    rep_value(h, r->conf, SHOW_PCT);
    buf_adds(h, " confidence. Proportions: Wilson score interval; differences of proportions: Newcombe hybrid "
                "score interval with Fisher's exact test; survival: Greenwood variance on the log-log scale and "
                "the log-rank test; differences of means: Welch t; odds and risk ratios: log-scale Wald interval "
                "with 0.5 added to zero cells. Families of tests (subcompetencies, evaluators, themes) carry "
                "Benjamini-Hochberg q-values; evaluators are flagged at q &lt; ");
    rep_num(h, r->fdr_q, 2);
    buf_adds(h, ".</p>\n<p>Why an interval and a p-value can seem to disagree: a difference of two rates has its "
                "interval from one method (Newcombe's, built from the two groups' Wilson intervals) and its p-value "
                "from another (Fisher's exact test on the two-by-two table). Each is sound, but they answer slightly "
                "different questions, so near the 5% boundary an interval can just include zero while p is just "
                "below 0.05, or just exclude zero while p is just above it. Read such a figure as borderline "
                "evidence either way, not as a contradiction.</p>\n");
    rep_small_numbers(r);
    buf_adds(h, "<h3>Rows ingested and rejected per file</h3>\n");
    int rc = rep_files_table(r, 0, err);
    if (!rc) {
        buf_adds(h, "<h3>Missing values per column</h3>\n");
        rc = missing_values(r, err);
    }
    return rc;
}

/* ---- glossary --------------------------------------------------------------------- */

static int glossary(struct rep *r, struct imgo_err *err)
{
    (void)err;
    rep_glossary(r, REP_TERMS_ANNUAL);
    return IMGO_OK;
}

static void title(const struct rep *r, struct buf *out)
{
    (void)r;
    buf_adds(out, "IMG mentorship: annual accountability report");
}

static const struct report_section sections[] = {
    { "cover", NULL, cover },
    { "summary", "Summary", summary },
    { "since", "Since the last report", rep_sec_since_annual },
    { "cohort", "Cohort profile", rep_sec_cohort },
    { "retention", "Retention in training", rep_sec_retention },
    { "board", "Board certification", rep_sec_board },
    { "fellowship", "Fellowship match", rep_sec_fellowship },
    { "mentorship", "Mentorship structure", rep_sec_mentorship },
    { "bias", "Bias patterns", rep_sec_bias },
    { "trends", "Trends by academic year", rep_sec_trends },
    { "level4", "Reaching Level 4 by graduation", rep_sec_level4 },
    { "launch", "Before and after the mentorship program", rep_sec_launch },
    { "workforce", "Workforce retention and patient experience", rep_sec_workforce },
    { "methods", "Methods and data quality", methods },
    { "glossary", "Glossary", glossary },
};

const struct report_kind_def report_kind_annual = {
    REPORT_ANNUAL, "annual", title, 0, 1, NULL, NULL, sections, sizeof sections / sizeof sections[0],
};
