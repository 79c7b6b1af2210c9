/*
 * annual_mentor.c - the annual report's section on mentorship structure:
 * tiered coverage, weekly and monthly cadence, mentor load and the
 * cadence-outcome link.
 */
#include "sections.h"
#include "html.h"
#include "rchart.h"
#include "rhtml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- mentorship ------------------------------------------------------------------ */

/* Coverage and the cadences: a row each, "no data" where their files are
 * missing; then the adherence charts. */
static int coverage(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    static const struct {
        enum metric_id metric;
        const char *label;
    } M[] = {
        { M_MENTORSHIP_TIERED_COVERAGE, "All required mentors assigned by day 7" },
        { M_MENTORSHIP_EARLY_CADENCE, "Weekly cadence, weeks 1-6 (mean share of weeks met)" },
        { M_MENTORSHIP_MONTHLY_CADENCE, "Monthly faculty cadence, months 2-9 (mean share of months met)" },
    };
    int cadence = 0;
    rep_group_head(h, "Measure", NULL);
    for (int i = 0; i < 3; i++) {
        struct buf missing = BUF_INIT;
        if (rep_missing(r, M[i].metric, &missing)) {
            buf_adds(h, "<tr><th scope=\"row\">");
            html_esc(h, M[i].label);
            buf_adds(h, "</th><td colspan=\"3\"><span class=\"na\">no data: ");
            html_esc(h, buf_str(&missing));
            buf_adds(h, "</span></td></tr>\n");
        } else {
            rep_group_row(r, h, M[i].label, M[i].metric, "", "", SHOW_PCT, i == 0 ? 2 : 1);
            cadence |= i > 0;
        }
        buf_release(&missing);
    }
    buf_adds(h, "</tbody>\n</table>\n<p>For the cadences, the count shown for a group is its residents; the share "
                "met is the mean over residents.</p>\n");
    if (!cadence)
        return IMGO_OK;
    struct series_opts o = { 0 };
    o.chart = C_MENTORSHIP_CADENCE;
    char *week = rep_chart_name(r, C_MENTORSHIP_CADENCE, "week", err);
    char *month = err->status ? NULL : rep_chart_name(r, C_MENTORSHIP_CADENCE, "month", err);
    if (err->status) {
        free(week);
        return err->status;
    }
    int rc = IMGO_OK;
    o.style = PLOT_POINTS_YERR;
    o.proportion = o.x_years = 1;
    o.ylabel = "Residents with a meeting (proportion)";
    o.caption = "Bars: confidence intervals (Wilson). The means over residents are in the table above";
    /* weeks 0-5 are shown as 1-6 */
    const struct {
        const char *label, *name, *title, *xlabel;
        double shift;
    } parts[] = {
        { "week", week, "Residents who met a mentor, by week of training", "Week of training (1-6)", 1 },
        { "month", month, "Residents who met a faculty mentor, by month of training", "Month of training (2-9)", 0 },
    };
    for (int i = 0; i < 2 && !rc; i++) {
        if (!parts[i].name)
            continue;
        o.only_label = parts[i].label;
        o.name = parts[i].name;
        o.title = parts[i].title;
        o.xlabel = parts[i].xlabel;
        o.x_shift = parts[i].shift;
        rc = rep_series_chart(r, &o, err);
    }
    free(week);
    free(month);
    return rc;
}

void rep_mentor_load_table(struct rep *r, const char **roles, size_t nr)
{
    struct buf *h = r->h;
    buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Role</th><th scope=\"col\">Mentors</th>"
                "<th scope=\"col\">Overloaded (share, confidence interval)</th><th scope=\"col\">Largest load "
                "(residents)</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < nr; i++) {
        const struct mrow *o = rep_find(r, M_MENTORSHIP_MENTORS_OVERLOADED, "all", roles[i], "");
        const struct mrow *mx = rep_find(r, M_MENTORSHIP_MENTOR_LOAD_MAX, "all", roles[i], "");
        buf_adds(h, "<tr><th scope=\"row\">");
        rep_label(h, "role", roles[i] + strlen("role="));
        buf_adds(h, "</th><td>");
        if (o)
            rep_count(r, h, o, "n", o->n);
        buf_adds(h, "</td><td>");
        if (o && !o->suppressed && o->k >= 0 && o->n > 0) {
            rep_count(r, h, o, "k", o->k);
            buf_adds(h, ", ");
        }
        rep_est(r, h, o, SHOW_PCT, 0);
        buf_adds(h, "</td><td>");
        rep_est(r, h, mx, SHOW_INT, 0);
        buf_adds(h, "</td></tr>\n");
    }
    buf_adds(h, "</tbody>\n</table>\n");
}

static int load(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    buf_adds(h, "<h3>Mentor load</h3>\n");
    if (!rep_require(r, M_MENTORSHIP_MENTORS_OVERLOADED))
        return IMGO_OK;
    const char **roles;
    size_t nr = rep_strata(r, M_MENTORSHIP_MENTORS_OVERLOADED, "role=", &roles);
    if (!nr) {
        rep_no_data(h, "no mentor assignment active at the as-of date.");
        free(roles);
        return IMGO_OK;
    }
    const char *mm = rep_info(r, "max_mentees");
    buf_adds(h, "<p class=\"lead\">Mentors with an assignment active at the as-of date");
    if (mm) {
        buf_adds(h, "; a mentor is overloaded with more than ");
        html_esc(h, mm);
        buf_adds(h, " residents in one role");
    }
    buf_adds(h, ":</p>\n");
    rep_mentor_load_table(r, roles, nr);
    free(roles);
    /* loads are counts: bars, the roles side by side */
    struct buf limit = BUF_INIT;
    if (mm)
        buf_addf(&limit, "overload: more than %s", mm);
    struct series_opts o = { 0 };
    o.chart = C_MENTOR_LOAD;
    o.name = chart_name(C_MENTOR_LOAD);
    o.title = "Mentor load by role at the as-of date";
    o.xlabel = "Residents per mentor in the role (count)";
    o.ylabel = "Mentors (proportion of the role)";
    o.caption = "Bars: the share of the role's mentors with each load; dashed: the overload limit, mentors to its "
                "right are overloaded. The counts are in the table above";
    o.style = PLOT_BOXES;
    o.proportion = o.x_years = 1;
    o.series_column = "role";
    if (mm) {
        o.has_vline = 1;
        o.vline = atof(mm) + 0.5;
        o.vline_title = buf_str(&limit);
    }
    int rc = rep_series_chart(r, &o, err);
    buf_release(&limit);
    return rc;
}

static void outcome_link(struct rep *r)
{
    struct buf *h = r->h;
    buf_adds(h, "<h3>Cadence and outcome</h3>\n");
    if (!rep_require(r, M_MENTORSHIP_OUTCOME_LINK))
        return;
    const struct mrow *ol = rep_find(r, M_MENTORSHIP_OUTCOME_LINK, "img", "", "");
    if (!ol) {
        rep_no_data(h, "the cadence-outcome link was not computed.");
        return;
    }
    buf_adds(h, "<p>IMGs who met a mentor in at least 80% of their first six weeks, against the rest: "
                "difference in first-attempt board pass rate ");
    rep_est(r, h, ol, SHOW_PP, 0);
    if (!ol->suppressed && ol->n > 0) {
        buf_adds(h, " (Newcombe interval), ");
        rep_pvalue(r, h, ol, 0);
        buf_adds(h, " (Fisher exact; ");
        rep_count(r, h, ol, "n", ol->n);
        buf_adds(h, " residents, ");
        rep_count(r, h, ol, "k", ol->k);
        buf_adds(h, " passed)");
    }
    buf_adds(h, ".</p>\n");
}

int rep_sec_mentorship(struct rep *r, struct imgo_err *err)
{
    int rc = coverage(r, err);
    if (!rc)
        rc = load(r, err);
    if (!rc)
        outcome_link(r);
    return rc;
}
