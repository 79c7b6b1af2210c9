/*
 * annual.c - the annual accountability report as a table of sections
 * (product.md, "The annual accountability report", in its order), and its
 * cover, summary and methods. Each section shows its metrics rows or says
 * in one line that there is no data; nothing is left out silently.
 */
#include "sections.h"
#include "cohort.h"
#include "date.h"
#include "db.h"
#include "html.h"
#include "params.h"
#include "rhtml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- cover -------------------------------------------------------------- */

static void academic_year(const struct rep *r, struct buf *b)
{
    if (!r->has_as_of) {
        buf_adds(b, "n/a");
        return;
    }
    int y, m, d;
    date_to_ymd(r->as_of, &y, &m, &d);
    /* Academic years run July to June. */
    if (m >= 7)
        buf_addf(b, "%d-%d", y, y + 1);
    else
        buf_addf(b, "%d-%d", y - 1, y);
}

/* The ledger's latest row for a file: what the database now holds. */
static const char LEDGER_SQL[] =
    "SELECT sha256, rows_read, rows_written, rows_rejected FROM ingest_ledger WHERE file = ?1 "
    "ORDER BY id DESC LIMIT 1";

/* Every cohort file: provided or not, its rows read, ingested and rejected,
 * and (with_sha) the SHA-256 of the bytes ingested. */
static int files_table(struct rep *r, int with_sha, struct imgo_err *err)
{
    struct buf *h = r->h;
    sqlite3_stmt *st;
    int rc = db_prepare(r->db, LEDGER_SQL, &st, err);
    if (rc)
        return rc;
    buf_adds(h, "<table class=\"files\">\n<thead><tr><th scope=\"col\">Input file</th>"
                "<th scope=\"col\">Provided</th><th scope=\"col\">Rows read</th><th scope=\"col\">Rows "
                "ingested</th><th scope=\"col\">Rows rejected</th>");
    if (with_sha)
        buf_adds(h, "<th scope=\"col\">SHA-256 of the file</th>");
    buf_adds(h, "</tr></thead>\n<tbody>\n");
    for (int f = 0; !rc && f < COHORT_NFILES; f++) {
        const char *name = cohort_file(f)->name;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        int s = sqlite3_step(st);
        if (s != SQLITE_ROW && s != SQLITE_DONE) {
            rc = db_error(r->db, err);
            break;
        }
        int in_ledger = s == SQLITE_ROW, src = rep_source(r, f);
        int provided = src >= 0 ? src : in_ledger && sqlite3_column_int64(st, 2) > 0;
        buf_adds(h, "<tr><th scope=\"row\">");
        /* a narrow page may break a long name after an underscore */
        for (const char *c = name; *c; c++) {
            buf_addc(h, *c);
            if (*c == '_')
                buf_adds(h, "<wbr>");
        }
        buf_adds(h, "</th><td>");
        buf_adds(h, provided ? "yes" : in_ledger ? "<span class=\"na\">header only: no rows</span>"
                                                  : "<span class=\"na\">not provided</span>");
        if (in_ledger)
            buf_addf(h, "</td><td>%lld</td><td>%lld</td><td>%lld</td>", (long long)sqlite3_column_int64(st, 1),
                     (long long)sqlite3_column_int64(st, 2), (long long)sqlite3_column_int64(st, 3));
        else
            buf_adds(h, "</td><td>-</td><td>-</td><td>-</td>");
        if (with_sha) {
            buf_adds(h, "<td>");
            if (in_ledger) {
                buf_adds(h, "<code class=\"hash\">");
                html_esc(h, (const char *)sqlite3_column_text(st, 0));
                buf_adds(h, "</code>");
            } else
                buf_adds(h, "-");
            buf_adds(h, "</td>");
        }
        buf_adds(h, "</tr>\n");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    buf_adds(h, "</tbody>\n</table>\n");
    return rc;
}

static int programs(struct rep *r, struct imgo_err *err)
{
    sqlite3_stmt *st;
    int rc = db_prepare(r->db, "SELECT DISTINCT program FROM residents ORDER BY program", &st, err);
    if (rc)
        return rc;
    int n = 0, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++)
            buf_adds(r->h, "; ");
        html_esc(r->h, (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (!n)
        buf_adds(r->h, "n/a");
    return s == SQLITE_DONE ? IMGO_OK : db_error(r->db, err);
}

/* Compute's warnings about the data, where a reader cannot miss them. */
static void warnings(struct rep *r)
{
    struct buf *h = r->h;
    if (!r->n_warnings)
        return;
    buf_adds(h, "<div class=\"warn\" role=\"note\">\n<p><strong>Read with care:</strong></p>\n<ul>\n");
    for (size_t i = 0; i < r->n_warnings; i++) {
        buf_adds(h, "<li>");
        html_esc(h, r->warnings[i]);
        buf_adds(h, "</li>\n");
    }
    buf_adds(h, "</ul>\n</div>\n");
}

static int cover(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    buf_adds(h, "<h1>IMG mentorship: annual accountability report</h1>\n"
                "<dl class=\"meta\">\n<dt>Program(s)</dt><dd>");
    int rc = programs(r, err);
    if (rc)
        return rc;
    buf_adds(h, "</dd>\n<dt>Academic year</dt><dd>");
    academic_year(r, h);
    buf_adds(h, "</dd>\n<dt>Data as of</dt><dd>");
    html_esc(h, rep_info(r, "as_of") ? rep_info(r, "as_of") : "n/a");
    const char *src = rep_info(r, "as_of_source");
    if (src && !strcmp(src, "latest event date"))
        buf_adds(h, " (the latest event date in the data)");
    buf_adds(h, "</dd>\n<dt>imgo version</dt><dd>");
    html_esc(h, rep_info(r, "imgo_version") ? rep_info(r, "imgo_version") : "n/a");
    if (r->prov && r->prov->pipeline) {
        buf_adds(h, "</dd>\n<dt>Pipeline</dt><dd><code>");
        html_esc(h, r->prov->pipeline);
        buf_adds(h, "</code>");
    }
    if (r->prov && r->prov->input) {
        buf_adds(h, "</dd>\n<dt>Input directory</dt><dd><code>");
        html_esc(h, r->prov->input);
        buf_adds(h, "</code>");
    }
    if (r->prov && r->prov->map) {
        buf_adds(h, "</dd>\n<dt>Import map</dt><dd><code>");
        html_esc(h, r->prov->map);
        buf_adds(h, "</code> (SHA-256 <code class=\"hash\">");
        html_esc(h, r->prov->map_sha256);
        buf_adds(h, "</code>)");
    }
    buf_adds(h, "</dd>\n</dl>\n");
    warnings(r);
    buf_adds(h, "<h3>Input files</h3>\n<p class=\"lead\">Each cohort file the program can provide; a section "
                "whose file was not provided says so and shows no figure.</p>\n");
    if ((rc = files_table(r, 1, err)))
        return rc;
    buf_adds(h, "<h3>Parameters of the computation</h3>\n");
    if (!r->n_info) {
        rep_no_data(h, "the database records no computation parameters.");
        return IMGO_OK;
    }
    buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">Value</th>"
                "</tr></thead>\n<tbody>\n");
    for (int i = 0; params_keys[i]; i++) {
        const char *v = rep_info(r, params_keys[i]);
        if (!v)
            continue;
        buf_adds(h, "<tr><td><code>");
        html_esc(h, params_keys[i]);
        buf_adds(h, "</code></td><td>");
        if (*v)
            html_esc(h, v);
        else
            buf_adds(h, "<span class=\"na\">(empty: the default)</span>");
        buf_adds(h, "</td></tr>\n");
    }
    buf_adds(h, "</tbody>\n</table>\n");
    return IMGO_OK;
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

struct headline {
    const char *label;
    enum metric_id metric;
    const char *group, *stratum;
    int show_n; /* as rep_est */
};

/* Figures over every year up to as-of: no change from the year before. */
static const struct headline HEADLINES[] = {
    { "Retained in training at 1 year (Kaplan-Meier)", M_RETENTION_KM, "all", "t=365", 1 },
    { "Retained in training at 3 years (Kaplan-Meier)", M_RETENTION_KM, "all", "t=1095", 1 },
    { "Step 3 passed by month 12", M_STEP3_PASS_BY_MONTH12, "all", "", 2 },
    { "All required mentors assigned in week 1", M_MENTORSHIP_TIERED_COVERAGE, "all", "", 2 },
    { "Weekly mentoring in the first six weeks (mean share of weeks)", M_MENTORSHIP_EARLY_CADENCE, "all", "", 1 },
    { "Monthly faculty mentoring, months 2-9 (mean share of months)", M_MENTORSHIP_MONTHLY_CADENCE, "all", "", 1 },
    { "Milestone rating gap, IMG minus non-IMG (levels)", M_BIAS_MILESTONE_GAP, "img_vs_non_img", "", 1 },
    { "Adverse CCC action, IMG vs non-IMG (risk ratio)", M_BIAS_ADVERSE_ACTION_RR, "img_vs_non_img", "", 1 },
    { "Milestone gap, change per academic year (levels; positive: closing)", M_TREND_MILESTONE_GAP_SLOPE,
      "img_vs_non_img", "", 0 },
    { "Graduates who reached Level 4 in every subcompetency", M_MILESTONE_L4_AT_GRADUATION, "all", "", 2 },
};

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
    for (size_t i = 0; i < sizeof HEADLINES / sizeof HEADLINES[0]; i++) {
        const struct headline *x = &HEADLINES[i];
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
                "cluster-robust (CR1) standard errors by resident; evaluator gaps are Welch differences in mean "
                "score; feedback themes are odds ratios of a negative comment.</li>\n</ul>\n"
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
                "evidence either way, not as a contradiction.</p>\n<h3>Small numbers</h3>\n");
    if (r->min_cell <= 1) {
        buf_adds(h, "<p>The smallest count shown (min_cell) is 1: no count is hidden for being small. A group "
                    "of nobody reads <span class=\"na\">no data</span>.</p>\n");
    } else {
        buf_adds(h, "<p>A count of 1 to ");
        buf_addf(h, "%d", r->min_cell - 1);
        buf_adds(h, " residents (or records) is not printed: it reads ");
        rep_supp(r, h);
        buf_adds(h, ", and the figures resting on it (its rate, interval and chart points) are hidden with it. "
                    "A group of nobody reads <span class=\"na\">no data</span>. So that no hidden count can be "
                    "worked out from the numbers printed (a total less its other parts, a span of years less "
                    "its years, a 100% beside hidden groups), further figures are hidden with them; these read "
                    "<span class=\"supp\">hidden: protects a small group</span> and are not small "
                    "themselves.</p>\n<p>They are chosen by linear programming: for each hidden count imgo "
                    "works out the smallest and largest value a reader could compute from every printed number "
                    "and every way the numbers add up, and hides more (the figure of the smallest group first, "
                    "a total for all residents last, never an empty figure) until every small count could "
                    "still be any value from 1 to ");
        buf_addf(h, "%d", r->min_cell - 1);
        buf_adds(h, " and no small group's outcome is certain to be none or all of it. An IMG vs non-IMG "
                    "comparison built from a hidden group is hidden too. The report is then audited once more "
                    "from its printed numbers alone, and is not written if the audit fails; those numbers are "
                    "listed in public.csv beside it, where <code>imgo audit</code> repeats the proof. The "
                    "computed values stay in metrics.csv for authorised analysts.</p>\n");
    }
    buf_adds(h, "<h3>Rows ingested and rejected per file</h3>\n");
    int rc = files_table(r, 0, err);
    if (!rc) {
        buf_adds(h, "<h3>Missing values per column</h3>\n");
        rc = missing_values(r, err);
    }
    return rc;
}

/* ---- glossary --------------------------------------------------------------------- */

static const char *const GLOSSARY[][2] = {
    { "Confidence interval (CI)",
      "The range of values the data are compatible with, at the stated confidence (95% unless the parameters "
      "say otherwise). A narrow interval comes from many residents; a wide one from few." },
    { "Percentage points (pp)",
      "The unit of a difference between two percentages: 80% against 70% is a difference of +10 pp (not 14%)." },
    { "Kaplan-Meier estimate",
      "The share of residents still in training after a given time, counting only the residents followed that "
      "long: one who started recently is counted for as long as they have been in training (censored), not as "
      "a departure." },
    { "Censored",
      "Followed until a date without the event happening: still in training at the as-of date, or left for a "
      "reason that is not attrition (such as completing training)." },
    { "Log-rank test",
      "A test of whether two Kaplan-Meier curves (IMG and non-IMG) differ more than chance would make them." },
    { "p-value (p)",
      "How surprising the observed difference would be if there were truly no difference: a small p (below 0.05) "
      "is evidence of a real difference. It does not measure how large the difference is." },
    { "q-value (q, Benjamini-Hochberg)",
      "A p-value adjusted for testing many things at once (many evaluators, subcompetencies or themes), so that "
      "among the findings with q below 0.10 at most about one in ten is expected to be a false alarm." },
    { "Odds ratio",
      "How much more likely one group is to have something (here: a negative comment on a theme) than the other, "
      "as a ratio of odds: 1 means no difference, 2 means twice the odds." },
    { "Risk ratio",
      "The share of one group with an outcome divided by the share of the other: 1 means no difference." },
    { "Funnel plot",
      "Each evaluator's score gap against the number of residents they evaluated, with control limits that "
      "narrow as the number grows: a point outside the limits differs from the pooled gap more than chance "
      "would explain." },
    { "Cluster-robust standard error (CR1)",
      "An interval that allows for one resident being rated many times: ratings of the same resident are not "
      "independent, so the interval is as wide as the number of residents, not of ratings, warrants." },
    { "Suppressed",
      "Not shown, because it rests on too few residents to publish without pointing at people, or because it "
      "would let a reader work out such a figure by subtraction." },
};

static int glossary(struct rep *r, struct imgo_err *err)
{
    (void)err;
    struct buf *h = r->h;
    buf_adds(h, "<p class=\"lead\">The terms of this report in plain words.</p>\n<dl class=\"glossary\">\n");
    for (size_t i = 0; i < sizeof GLOSSARY / sizeof GLOSSARY[0]; i++) {
        buf_adds(h, "<dt>");
        html_esc(h, GLOSSARY[i][0]);
        buf_adds(h, "</dt><dd>");
        html_esc(h, GLOSSARY[i][1]);
        buf_adds(h, "</dd>\n");
    }
    buf_adds(h, "</dl>\n");
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
