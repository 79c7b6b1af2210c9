/*
 * annual.c - the annual accountability report as a table of sections
 * (product.md, "The annual accountability report", in its order), and its
 * cover, summary and methods. Each section shows its metrics rows or says
 * in one line that there is no data; nothing is left out silently.
 */
#include "sections.h"
#include "date.h"
#include "db.h"
#include "html.h"
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

/* The ledger's latest row for each file: what the database now holds. */
static const char LEDGER_SQL[] =
    "SELECT file, sha256, rows_read, rows_written, rows_rejected FROM ingest_ledger l "
    "WHERE id = (SELECT MAX(id) FROM ingest_ledger m WHERE m.file = l.file) ORDER BY file";

static int ledger_table(struct rep *r, int with_sha, struct imgo_err *err)
{
    struct buf *h = r->h;
    sqlite3_stmt *st;
    int rc = db_prepare(r->db, LEDGER_SQL, &st, err);
    if (rc)
        return rc;
    int any = 0, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (!any) {
            buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Input file</th>");
            if (with_sha)
                buf_adds(h, "<th scope=\"col\">SHA-256</th>");
            buf_adds(h, "<th scope=\"col\">Rows read</th><th scope=\"col\">Rows ingested</th>"
                        "<th scope=\"col\">Rows rejected</th></tr></thead>\n<tbody>\n");
        }
        any = 1;
        buf_adds(h, "<tr><td>");
        html_esc(h, (const char *)sqlite3_column_text(st, 0));
        buf_adds(h, "</td>");
        if (with_sha) {
            buf_adds(h, "<td><code>");
            html_esc(h, (const char *)sqlite3_column_text(st, 1));
            buf_adds(h, "</code></td>");
        }
        buf_addf(h, "<td>%lld</td><td>%lld</td><td>%lld</td></tr>\n",
                 (long long)sqlite3_column_int64(st, 2), (long long)sqlite3_column_int64(st, 3),
                 (long long)sqlite3_column_int64(st, 4));
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return db_error(r->db, err);
    if (any)
        buf_adds(h, "</tbody>\n</table>\n");
    else
        rep_no_data(h, "the ingest ledger records no input file.");
    return IMGO_OK;
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
    buf_adds(h, "</dd>\n</dl>\n<h3>Parameters of the computation</h3>\n");
    if (r->n_info) {
        buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">Value</th>"
                    "</tr></thead>\n<tbody>\n");
        for (size_t i = 0; i < r->n_info; i++) {
            buf_adds(h, "<tr><td><code>");
            html_esc(h, r->info_k[i]);
            buf_adds(h, "</code></td><td>");
            html_esc(h, r->info_v[i]);
            buf_adds(h, "</td></tr>\n");
        }
        buf_adds(h, "</tbody>\n</table>\n");
    } else
        rep_no_data(h, "the database records no computation parameters.");
    buf_adds(h, "<h3>Input files</h3>\n");
    return ledger_table(r, 1, err);
}

/* ---- summary -------------------------------------------------------------- */

/* Change from the year before: the metric's latest yearly period against the
 * year before it, when the metric has yearly rows. */
static void change(struct rep *r, const struct mrow *m)
{
    struct buf *h = r->h;
    const struct mrow *last = NULL, *prev = NULL;
    for (size_t i = 0; i < r->n_rows; i++) {
        const struct mrow *x = &r->rows[i];
        if (x->id != m->id || strcmp(x->group, m->group) || strcmp(x->stratum, m->stratum) ||
            strlen(x->period) != 4 || strspn(x->period, "0123456789") != 4)
            continue;
        if (!last || strcmp(x->period, last->period) > 0)
            last = x;
    }
    if (last) {
        char want[16];
        snprintf(want, sizeof want, "%04d", atoi(last->period) - 1);
        prev = rep_find(r, m->id, m->group, m->stratum, want);
    }
    if (!last || !prev) {
        buf_adds(h, "<span class=\"na\">no figure for the year before</span>");
        return;
    }
    if (last->suppressed || prev->suppressed) {
        rep_supp(r, h);
        return;
    }
    if (!isfinite(last->value) || !isfinite(prev->value)) {
        buf_adds(h, "not estimable");
        return;
    }
    rep_value(h, last->value - prev->value, SHOW_PP);
    buf_adds(h, " (");
    html_esc(h, last->period);
    buf_adds(h, " vs ");
    html_esc(h, prev->period);
    buf_adds(h, ")");
}

struct headline {
    const char *label;
    enum metric_id metric;
    const char *group, *stratum;
    enum metric_show fmt;
    int show_n; /* as rep_est */
};

static const struct headline HEADLINES[] = {
    { "Retained in training at 1 year (Kaplan-Meier)", M_RETENTION_KM, "all", "t=365", SHOW_PCT, 1 },
    { "Retained in training at 3 years (Kaplan-Meier)", M_RETENTION_KM, "all", "t=1095", SHOW_PCT, 1 },
    { "Step 3 passed by month 12", M_STEP3_PASS_BY_MONTH12, "all", "", SHOW_PCT, 2 },
    { "Fellowship match rate, all cycles", M_FELLOWSHIP_MATCH_RATE, "all", "", SHOW_PCT, 2 },
    { "All required mentors assigned in week 1", M_MENTORSHIP_TIERED_COVERAGE, "all", "", SHOW_PCT, 2 },
    { "Weekly mentoring in the first six weeks (mean share of weeks)", M_MENTORSHIP_EARLY_CADENCE, "all", "", SHOW_PCT, 1 },
    { "Monthly faculty mentoring, months 2-9 (mean share of months)", M_MENTORSHIP_MONTHLY_CADENCE, "all", "", SHOW_PCT, 1 },
    { "Milestone rating gap, IMG minus non-IMG (levels)", M_BIAS_MILESTONE_GAP, "img_vs_non_img", "", SHOW_NUM, 1 },
    { "Adverse CCC action, IMG vs non-IMG (risk ratio)", M_BIAS_ADVERSE_ACTION_RR, "img_vs_non_img", "", SHOW_RATIO, 1 },
};

static void headline_row(struct rep *r, const char *label, const struct mrow *m, enum metric_show fmt, int show_n)
{
    struct buf *h = r->h;
    buf_adds(h, "<tr><th scope=\"row\">");
    html_esc(h, label);
    buf_adds(h, "</th><td>");
    rep_est(r, h, m, fmt, show_n);
    buf_adds(h, "</td><td>");
    if (m && fmt == SHOW_PCT)
        change(r, m);
    else
        buf_adds(h, "<span class=\"na\">not a yearly figure</span>");
    buf_adds(h, "</td></tr>\n");
}

static int summary(struct rep *r, struct imgo_err *err)
{
    (void)err;
    struct buf *h = r->h;
    buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Headline figure</th><th scope=\"col\">Value "
                "(confidence interval)</th><th scope=\"col\">Change from the year before</th></tr>"
                "</thead>\n<tbody>\n");
    const struct mrow *res = rep_find(r, M_COHORT_RESIDENTS, "all", "", "");
    if (res) {
        buf_adds(h, "<tr><th scope=\"row\">Residents in the cohort</th><td>");
        if (res->suppressed)
            rep_supp(r, h);
        else
            buf_addf(h, "%ld", res->n);
        buf_adds(h, "</td><td><span class=\"na\">not a yearly figure</span></td></tr>\n");
    }
    const char **ex;
    size_t nex = rep_strata(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, "exam=", &ex);
    for (size_t e = 0; e < nex; e++) {
        const char **per;
        size_t np = rep_periods(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, ex[e], &per);
        for (size_t i = 0; i < np; i++) {
            if (!strchr(per[i], '-'))
                continue;
            const struct mrow *m = rep_find(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, "all", ex[e], per[i]);
            struct buf label = BUF_INIT;
            buf_addf(&label, "First-attempt board pass rate, %s, %s", ex[e] + 5, per[i]);
            buf_adds(h, "<tr><th scope=\"row\">");
            html_esc(h, buf_str(&label));
            buf_adds(h, "</th><td>");
            rep_est(r, h, m, SHOW_PCT, 2);
            buf_adds(h, "</td><td>");
            /* the change of the 3-year rate is the latest single year's */
            const char **yp;
            size_t ny = rep_periods(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, ex[e], &yp);
            const struct mrow *ly = NULL;
            for (size_t j = 0; j < ny; j++)
                if (!strchr(yp[j], '-') && *yp[j])
                    ly = rep_find(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, "all", ex[e], yp[j]);
            if (ly)
                change(r, ly);
            else
                buf_adds(h, "<span class=\"na\">no figure for the year before</span>");
            free(yp);
            buf_adds(h, "</td></tr>\n");
            buf_release(&label);
        }
        free(per);
    }
    for (size_t i = 0; i < sizeof HEADLINES / sizeof HEADLINES[0]; i++) {
        const struct headline *x = &HEADLINES[i];
        const struct mrow *m = rep_find(r, x->metric, x->group, x->stratum, "");
        if (m)
            headline_row(r, x->label, m, x->fmt, x->show_n);
    }
    buf_adds(h, "</tbody>\n</table>\n<h3>Accreditation flags</h3>\n");
    int flags = 0;
    for (size_t e = 0; e < nex; e++) {
        const char **per;
        size_t np = rep_periods(r, M_BOARD_ACCREDITATION_FLAG, ex[e], &per);
        for (size_t i = 0; i < np; i++) {
            const struct mrow *f = rep_find(r, M_BOARD_ACCREDITATION_FLAG, "all", ex[e], per[i]);
            if (!f || !(f->value == 1))
                continue;
            if (!flags++)
                buf_adds(h, "<ul>\n");
            buf_adds(h, "<li class=\"flag\">");
            html_esc(h, ex[e] + 5);
            buf_adds(h, ": the first-attempt pass rate for ");
            html_esc(h, per[i]);
            buf_adds(h, " is ");
            rep_est(r, h, rep_find(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, "all", ex[e], per[i]), SHOW_PCT, 0);
            buf_adds(h, ", below the threshold of ");
            rep_value(h, r->threshold, SHOW_PCT);
            buf_adds(h, "</li>\n");
        }
        free(per);
    }
    free(ex);
    if (flags)
        buf_adds(h, "</ul>\n");
    else
        buf_adds(h, "<p>No accreditation flag is raised.</p>\n");
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

static int methods(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    buf_adds(h, "<h3>Definitions</h3>\n<ul>\n"
                "<li>IMG: graduate type us_img or non_us_img; non-IMG: usmd or usdo.</li>\n"
                "<li>Records dated after the as-of date are ignored, so a later export reproduces this report.</li>\n"
                "<li>Retention: Kaplan-Meier estimate of remaining in training; withdrawal, dismissal and transfer are "
                "attrition, other exits are censored.</li>\n"
                "<li>Board: the first-attempt pass rate of residents whose first attempt of an exam fell in the year; "
                "the accreditation flag compares the latest 3-year rate with the threshold.</li>\n"
                "<li>Mentorship: required roles are senior resident, faculty and (for IMGs) peer, assigned within 7 days "
                "of the start; weekly cadence counts weeks 1-6 with a meeting, monthly cadence months 2-9 with a "
                "faculty meeting.</li>\n"
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
    buf_adds(h, ".</p>\n<h3>Suppression</h3>\n<p>A figure resting on fewer than ");
    buf_addf(h, "%d", r->min_cell);
    buf_adds(h, " residents (or records) is shown as ");
    rep_supp(r, h);
    buf_adds(h, " and is not drawn in charts. So that no such figure can be recovered by subtraction, the "
                "other group's figure (IMG or non-IMG) is suppressed with it, as is the smallest other part of "
                "a breakdown (visa, school region, track, program, graduate type) with one suppressed part, and "
                "every IMG vs non-IMG comparison built from a suppressed group. The computed values stay in "
                "metrics.csv for authorised analysts.</p>\n<h3>Rows ingested and rejected per file</h3>\n");
    int rc = ledger_table(r, 0, err);
    if (!rc) {
        buf_adds(h, "<h3>Missing values per column</h3>\n");
        rc = missing_values(r, err);
    }
    return rc;
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
    { "workforce", "Workforce retention and patient experience", rep_sec_workforce },
    { "methods", "Methods and data quality", methods },
};

const struct report_kind_def report_kind_annual = {
    REPORT_ANNUAL, "annual", title, 0, 2, NULL, NULL, sections, sizeof sections / sizeof sections[0],
};
