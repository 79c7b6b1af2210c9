/*
 * report_annual.c - the sections of the annual accountability report
 * (product.md, "The annual accountability report"), in the order listed
 * there. Each section shows its metrics rows or says in one line that
 * there is no data; nothing is left out silently.
 */
#include "report_int.h"
#include "date.h"
#include "db.h"
#include "html.h"
#include "mem.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const GROUPS[] = { "all", "img", "non_img" };
static const int GROUP_COLOUR[] = { PLOT_BLACK, PLOT_VERMILLION, PLOT_BLUE };

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
    buf_adds(h, "<section id=\"cover\">\n<h1>IMG mentorship: annual accountability report</h1>\n"
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
    if (r->prov && r->prov->map) {
        buf_adds(h, "</dd>\n<dt>Import map</dt><dd><code>");
        html_esc(h, r->prov->map);
        buf_adds(h, "</code> (SHA-256 <code>");
        html_esc(h, r->prov->map_sha256);
        buf_adds(h, "</code>)");
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
    rc = ledger_table(r, 1, err);
    buf_adds(h, "</section>\n");
    return rc;
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
        if (strcmp(x->metric, m->metric) || strcmp(x->group, m->group) || strcmp(x->stratum, m->stratum) ||
            strlen(x->period) != 4 || strspn(x->period, "0123456789") != 4)
            continue;
        if (!last || strcmp(x->period, last->period) > 0)
            last = x;
    }
    if (last) {
        char want[16];
        snprintf(want, sizeof want, "%04d", atoi(last->period) - 1);
        prev = rep_find(r, m->metric, m->group, m->stratum, want);
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
    rep_value(h, last->value - prev->value, FMT_PP);
    buf_adds(h, " (");
    html_esc(h, last->period);
    buf_adds(h, " vs ");
    html_esc(h, prev->period);
    buf_adds(h, ")");
}

struct headline {
    const char *label, *metric, *group, *stratum;
    int fmt, show_n; /* show_n as rep_est */
};

static const struct headline HEADLINES[] = {
    { "Retained in training at 1 year (Kaplan-Meier)", "retention.km", "all", "t=365", FMT_PCT, 1 },
    { "Retained in training at 3 years (Kaplan-Meier)", "retention.km", "all", "t=1095", FMT_PCT, 1 },
    { "Step 3 passed by month 12", "step3.pass_by_month12", "all", "", FMT_PCT, 2 },
    { "Fellowship match rate, all cycles", "fellowship.match_rate", "all", "", FMT_PCT, 2 },
    { "All required mentors assigned in week 1", "mentorship.tiered_coverage", "all", "", FMT_PCT, 2 },
    { "Weekly mentoring in the first six weeks (mean share of weeks)", "mentorship.early_cadence", "all", "", FMT_PCT, 1 },
    { "Monthly faculty mentoring, months 2-9 (mean share of months)", "mentorship.monthly_cadence", "all", "", FMT_PCT, 1 },
    { "Milestone rating gap, IMG minus non-IMG (levels)", "bias.milestone_gap", "img_vs_non_img", "", FMT_NUM, 1 },
    { "Adverse CCC action, IMG vs non-IMG (risk ratio)", "bias.adverse_action_rr", "img_vs_non_img", "", FMT_RATIO, 1 },
};

static void headline_row(struct rep *r, const char *label, const struct mrow *m, int fmt, int show_n)
{
    struct buf *h = r->h;
    buf_adds(h, "<tr><th scope=\"row\">");
    html_esc(h, label);
    buf_adds(h, "</th><td>");
    rep_est(r, h, m, fmt, show_n);
    buf_adds(h, "</td><td>");
    if (m && fmt == FMT_PCT)
        change(r, m);
    else
        buf_adds(h, "<span class=\"na\">not a yearly figure</span>");
    buf_adds(h, "</td></tr>\n");
}

static void summary(struct rep *r)
{
    struct buf *h = r->h;
    rep_section(h, "summary", "2. Summary");
    buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Headline figure</th><th scope=\"col\">Value "
                "(confidence interval)</th><th scope=\"col\">Change from the year before</th></tr>"
                "</thead>\n<tbody>\n");
    const struct mrow *res = rep_find(r, "cohort.residents", "all", "", "");
    if (res) {
        buf_adds(h, "<tr><th scope=\"row\">Residents in the cohort</th><td>");
        if (res->suppressed)
            rep_supp(r, h);
        else
            buf_addf(h, "%ld", res->n);
        buf_adds(h, "</td><td><span class=\"na\">not a yearly figure</span></td></tr>\n");
    }
    const char **ex;
    size_t nex = rep_strata(r, "board.first_attempt_pass_rate", "exam=", &ex);
    for (size_t e = 0; e < nex; e++) {
        const char **per;
        size_t np = rep_periods(r, "board.first_attempt_pass_rate", ex[e], &per);
        for (size_t i = 0; i < np; i++) {
            if (!strchr(per[i], '-'))
                continue;
            const struct mrow *m = rep_find(r, "board.first_attempt_pass_rate", "all", ex[e], per[i]);
            struct buf label = BUF_INIT;
            buf_addf(&label, "First-attempt board pass rate, %s, %s", ex[e] + 5, per[i]);
            buf_adds(h, "<tr><th scope=\"row\">");
            html_esc(h, buf_str(&label));
            buf_adds(h, "</th><td>");
            rep_est(r, h, m, FMT_PCT, 2);
            buf_adds(h, "</td><td>");
            /* the change of the 3-year rate is the latest single year's */
            const char **yp;
            size_t ny = rep_periods(r, "board.first_attempt_pass_rate", ex[e], &yp);
            const struct mrow *ly = NULL;
            for (size_t j = 0; j < ny; j++)
                if (!strchr(yp[j], '-') && *yp[j])
                    ly = rep_find(r, "board.first_attempt_pass_rate", "all", ex[e], yp[j]);
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
        size_t np = rep_periods(r, "board.accreditation_flag", ex[e], &per);
        for (size_t i = 0; i < np; i++) {
            const struct mrow *f = rep_find(r, "board.accreditation_flag", "all", ex[e], per[i]);
            if (!f || !(f->value == 1))
                continue;
            if (!flags++)
                buf_adds(h, "<ul>\n");
            buf_adds(h, "<li class=\"flag\">");
            html_esc(h, ex[e] + 5);
            buf_adds(h, ": the first-attempt pass rate for ");
            html_esc(h, per[i]);
            buf_adds(h, " is ");
            rep_est(r, h, rep_find(r, "board.first_attempt_pass_rate", "all", ex[e], per[i]), FMT_PCT, 0);
            buf_adds(h, ", below the threshold of ");
            rep_value(h, r->threshold, FMT_PCT);
            buf_adds(h, "</li>\n");
        }
        free(per);
    }
    free(ex);
    if (flags)
        buf_adds(h, "</ul>\n");
    else
        buf_adds(h, "<p>No accreditation flag is raised.</p>\n");
    buf_adds(h, "</section>\n");
}

/* ---- cohort --------------------------------------------------------------- */

static void cohort(struct rep *r)
{
    struct buf *h = r->h;
    rep_section(h, "cohort", "3. Cohort profile");
    if (!rep_has(r, "cohort.residents")) {
        rep_no_data(h, "no cohort profile was computed.");
        buf_adds(h, "</section>\n");
        return;
    }
    static const char *const dims[][2] = {
        { "", "Residents" }, { "graduate_type=", "Graduate type" }, { "visa=", "Visa" },
        { "school_region=", "School region" }, { "track=", "Track" }, { "program=", "Program" },
    };
    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
        const char **st;
        size_t ns = rep_strata(r, "cohort.residents", dims[d][0], &st);
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
            html_esc(h, *label ? label : "(not recorded)");
            buf_adds(h, "</th>");
            for (int g = 0; g < 3; g++) {
                const struct mrow *m = rep_find(r, "cohort.residents", GROUPS[g], st[i], "");
                buf_adds(h, "<td>");
                if (!m)
                    buf_adds(h, "<span class=\"na\">no data</span>");
                else if (m->suppressed)
                    rep_supp(r, h);
                else
                    buf_addf(h, "%ld", m->k >= 0 ? m->k : m->n);
                buf_adds(h, "</td>");
            }
            buf_adds(h, "</tr>\n");
        }
        if (any)
            buf_adds(h, "</tbody>\n</table>\n");
        free(st);
    }
    buf_adds(h, "</section>\n");
}

/* ---- charts from chart_points ------------------------------------------------ */

static int series_colour(const char *series, size_t idx)
{
    static const int cycle[] = { PLOT_ORANGE, PLOT_GREEN, PLOT_PURPLE, PLOT_SKYBLUE, PLOT_BLUE, PLOT_VERMILLION };
    for (int g = 0; g < 3; g++)
        if (!strcmp(series, GROUPS[g]))
            return GROUP_COLOUR[g];
    return cycle[idx % (sizeof cycle / sizeof cycle[0])];
}

struct series_opts {
    const char *chart;        /* chart_points name */
    const char *only_series;  /* NULL: every series */
    const char *only_label;   /* NULL: every label */
    const char *name, *title, *xlabel, *ylabel, *caption;
    int style;                /* PLOT_POINTS_YERR or PLOT_LINESPOINTS */
    int proportion;           /* y from 0 to 1 */
    int x_years;              /* x tics every 1 */
    int x_categories;         /* x tics named by the rows' labels */
    double x_shift;           /* added to x (weeks 0..5 shown as 1..6) */
    int has_hline, has_vline;
    double hline, vline;
    const char *hline_title;
};

/* A chart with one layer per series of chart_points rows; suppressed
 * points are not drawn and are named in the series' key entry. Writes a
 * "No data" line when nothing matches. */
static int series_chart(struct rep *r, const struct series_opts *o, struct imgo_err *err)
{
    struct cpoint *all;
    size_t n_all = rep_points(r, o->chart, &all, err);
    if (err->status)
        return err->status;
    size_t n = 0;
    for (size_t i = 0; i < n_all; i++)
        if ((!o->only_series || !strcmp(all[i].series, o->only_series)) &&
            (!o->only_label || !strcmp(all[i].label, o->only_label)))
            all[n++] = all[i];
        else {
            free(all[i].series);
            free(all[i].label);
        }
    int drawable = 0;
    for (size_t i = 0; i < n; i++)
        drawable |= !all[i].suppressed && isfinite(all[i].value);
    if (!n || !drawable) {
        char s[64];
        rep_supp_text(r, s, sizeof s);
        struct buf t = BUF_INIT;
        buf_addf(&t, "%s: %s.", o->title, n ? s : "nothing to draw");
        rep_no_data(r->h, buf_str(&t));
        buf_release(&t);
        rep_points_free(all, n);
        return IMGO_OK;
    }
    double *x = xcalloc(n, sizeof *x), *y = xcalloc(n, sizeof *y), *lo = xcalloc(n, sizeof *lo),
           *hi = xcalloc(n, sizeof *hi);
    const char **cats = xcalloc(n, sizeof *cats);
    size_t n_cats = 0;
    struct plot_layer layers[8];
    struct buf titles[8];
    size_t nl = 0, n_series = 0;
    double xmin = INFINITY, xmax = -INFINITY;
    char stext[64];
    rep_supp_text(r, stext, sizeof stext);
    for (size_t i = 0; i < n; i++)
        if (all[i].series != NULL && (i == 0 || strcmp(all[i].series, all[i - 1].series)))
            n_series++;
    for (size_t i = 0; i < n && nl < 8;) {
        size_t j = i, m = 0;
        struct buf supp = BUF_INIT;
        while (j < n && !strcmp(all[j].series, all[i].series)) {
            const struct cpoint *p = &all[j];
            double px = p->x + o->x_shift;
            if (o->x_categories) {
                size_t c;
                for (c = 0; c < n_cats; c++)
                    if (!strcmp(cats[c], p->label))
                        break;
                if (c == n_cats)
                    cats[n_cats++] = p->label;
                px = (double)(c + 1);
            }
            if (px < xmin)
                xmin = px;
            if (px > xmax)
                xmax = px;
            if (p->suppressed) {
                if (o->x_categories)
                    buf_addf(&supp, "%s%s", supp.len ? ", " : "", p->label);
                else {
                    buf_addf(&supp, "%s", supp.len ? ", " : "");
                    rep_num(&supp, px, 0);
                }
            } else if (isfinite(p->value)) {
                /* several series side by side rather than on top of each other */
                double dodge = o->style == PLOT_POINTS_YERR && n_series > 1
                                   ? 0.12 * ((double)nl - (double)(n_series - 1) / 2) : 0;
                x[i + m] = px + dodge;
                y[i + m] = p->value;
                lo[i + m] = p->lo;
                hi[i + m] = p->hi;
                m++;
            }
            j++;
        }
        buf_init(&titles[nl]);
        buf_adds(&titles[nl], rep_group_label(all[i].series));
        if (supp.len)
            buf_addf(&titles[nl], " (%s: %s)", stext, buf_str(&supp));
        buf_release(&supp);
        layers[nl] = (struct plot_layer){ o->style, buf_str(&titles[nl]), series_colour(all[i].series, nl),
                                          o->style == PLOT_LINESPOINTS ? (int)(nl % 3) + 1 : 0, m,
                                          x + i, y + i, lo + i, hi + i };
        nl++;
        i = j;
    }
    struct plot_chart c = { 0 };
    c.name = o->name;
    c.title = o->title;
    c.xlabel = o->xlabel;
    c.ylabel = o->ylabel;
    if (o->proportion) {
        c.has_yrange = 1;
        c.ymin = 0;
        c.ymax = 1.05;
    }
    if (o->x_categories) {
        c.xlabels = cats;
        c.n_xlabels = n_cats;
    } else if (o->x_years) {
        c.x_integer_tics = 1;
        c.has_xrange = 1;
        c.xmin = xmin - 0.5;
        c.xmax = xmax + 0.5;
    }
    c.has_hline = o->has_hline;
    c.hline = o->hline;
    c.hline_title = o->hline_title;
    c.has_vline = o->has_vline;
    c.vline = o->vline;
    c.layers = layers;
    c.n_layers = nl;
    int rc = rep_chart(r, &c, o->caption, err);
    for (size_t i = 0; i < nl; i++)
        buf_release(&titles[i]);
    free(x), free(y), free(lo), free(hi), free(cats);
    rep_points_free(all, n);
    return rc;
}

/* ---- retention ------------------------------------------------------------- */

static int km_chart(struct rep *r, const char *chart, const char *name, const char *title,
                    const char *xlabel, struct imgo_err *err)
{
    struct cpoint *pts;
    size_t n = rep_points(r, chart, &pts, err);
    if (!n) {
        rep_no_data(r->h, "no survival curve data for the chart.");
        return err->status;
    }
    double *x = xcalloc(n, sizeof *x), *y = xcalloc(n, sizeof *y), *lo = xcalloc(n, sizeof *lo),
           *hi = xcalloc(n, sizeof *hi);
    struct plot_layer layers[16];
    char titles[8][128];
    size_t nl = 0, ns = 0, nsupp = 0;
    for (size_t i = 0; i < n && nl + 2 <= 16 && ns < 8;) {
        size_t j = i, m = 0;
        while (j < n && !strcmp(pts[j].series, pts[i].series)) {
            if (pts[j].suppressed)
                nsupp++;
            else {
                x[i + m] = pts[j].x;
                y[i + m] = pts[j].value;
                lo[i + m] = pts[j].lo;
                hi[i + m] = pts[j].hi;
                m++;
            }
            j++;
        }
        int col = ns == 0 ? PLOT_VERMILLION : ns == 1 ? PLOT_BLUE : PLOT_GREEN;
        for (int g = 0; g < 3; g++)
            if (!strcmp(pts[i].series, GROUPS[g]))
                col = GROUP_COLOUR[g];
        snprintf(titles[ns], sizeof titles[ns], "%s", rep_group_label(pts[i].series));
        layers[nl++] = (struct plot_layer){ PLOT_BAND, NULL, col, 0, m, x + i, NULL, lo + i, hi + i };
        layers[nl++] = (struct plot_layer){ PLOT_STEPS, titles[ns], col, ns == 1 ? 2 : 1, m, x + i, y + i,
                                            NULL, NULL };
        ns++;
        i = j;
    }
    char cap[256] = "Shaded: confidence band";
    if (nsupp) {
        char s[64];
        rep_supp_text(r, s, sizeof s);
        snprintf(cap, sizeof cap, "Shaded: confidence band. %s, not drawn: %zu point(s)", s, nsupp);
    }
    struct plot_chart c = { 0 };
    c.name = name;
    c.title = title;
    c.xlabel = xlabel;
    c.ylabel = "Proportion remaining (Kaplan-Meier)";
    c.has_yrange = 1;
    c.ymin = 0;
    c.ymax = 1.02;
    c.layers = layers;
    c.n_layers = nl;
    int rc = rep_chart(r, &c, cap, err);
    free(x), free(y), free(lo), free(hi);
    rep_points_free(pts, n);
    return rc;
}

static int retention(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    rep_section(h, "retention", "4. Retention in training");
    if (!rep_has(r, "retention.km")) {
        rep_no_data(h, "no retention metrics were computed.");
        buf_adds(h, "</section>\n");
        return IMGO_OK;
    }
    int rc = km_chart(r, "retention_km", "retention_km", "Retention in training, IMG vs non-IMG",
                      "Days since the start of training", err);
    if (rc)
        return rc;
    rep_group_head(h, "Retained at", NULL);
    static const char *const T[][2] = { { "t=365", "1 year" }, { "t=730", "2 years" }, { "t=1095", "3 years" } };
    for (int i = 0; i < 3; i++)
        rep_group_row(r, h, T[i][1], "retention.km", T[i][0], "", FMT_PCT, 1);
    buf_adds(h, "</tbody>\n</table>\n");
    const struct mrow *lr = rep_find(r, "retention.logrank", "img_vs_non_img", "", "");
    buf_adds(h, "<p>Log-rank test, IMG vs non-IMG: ");
    if (!lr)
        buf_adds(h, "<span class=\"na\">no data</span>");
    else if (lr->suppressed)
        rep_supp(r, h);
    else if (!isfinite(lr->value))
        buf_addf(h, "not estimable (%ld residents, no attrition)", lr->n);
    else {
        buf_adds(h, "chi-square ");
        rep_value(h, lr->value, FMT_CHI);
        buf_adds(h, " (1 df), p ");
        rep_p(h, lr->p);
        buf_addf(h, "; %ld residents, %ld left training", lr->n, lr->k);
    }
    buf_adds(h, ".</p>\n</section>\n");
    return IMGO_OK;
}

/* ---- board ------------------------------------------------------------------ */

/* One chart per exam, named as its table: board_pass_SLUG. */
static int board_chart(struct rep *r, const char *exam_stratum, struct imgo_err *err)
{
    char thr[64];
    char *name = rep_chart_name(r, "board_pass", exam_stratum + 5, err);
    if (err->status) {
        free(name);
        return err->status;
    }
    struct buf title = BUF_INIT, th = BUF_INIT;
    buf_addf(&title, "First-attempt pass rate by year: %s", exam_stratum + 5);
    rep_value(&th, r->threshold, FMT_PCT);
    snprintf(thr, sizeof thr, "accreditation threshold %s", buf_str(&th));
    struct series_opts o = { 0 };
    o.chart = "board_pass";
    o.only_label = exam_stratum + 5;
    o.name = name ? name : "board_pass";
    o.title = buf_str(&title);
    o.xlabel = "Year of the first attempt";
    o.ylabel = "First-attempt pass rate (proportion)";
    o.caption = "Bars: confidence intervals (Wilson); dashed: threshold";
    o.style = PLOT_POINTS_YERR;
    o.proportion = o.x_years = 1;
    o.has_hline = 1;
    o.hline = r->threshold;
    o.hline_title = thr;
    int rc = series_chart(r, &o, err);
    buf_release(&title);
    buf_release(&th);
    free(name);
    return rc;
}

static const char DIFF_HEAD[] = "<th scope=\"col\">IMG minus non-IMG</th><th scope=\"col\">Fisher p</th>";

static void diff_cells(struct rep *r, const char *metric, const char *stratum, const char *period)
{
    const struct mrow *d = rep_find(r, metric, "img_vs_non_img", stratum, period);
    buf_adds(r->h, "<td>");
    rep_est(r, r->h, d, FMT_PP, 0);
    buf_adds(r->h, "</td>");
    rep_p_cell(r, r->h, d, 0);
}

static int board(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    rep_section(h, "board", "5. Board certification");
    const char **ex;
    size_t nex = rep_strata(r, "board.first_attempt_pass_rate", "exam=", &ex);
    if (!nex)
        rep_no_data(h, "no certification exam attempts.");
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
        size_t np = rep_periods(r, "board.first_attempt_pass_rate", ex[e], &per);
        rep_group_head(h, "First attempts in", DIFF_HEAD);
        for (size_t i = 0; i < np; i++) {
            rep_group_row(r, h, *per[i] ? per[i] : "all years", "board.first_attempt_pass_rate", ex[e], per[i],
                          FMT_PCT, 2);
            h->len -= strlen("</tr>\n");
            h->data[h->len] = '\0';
            diff_cells(r, "board.first_attempt_pass_diff", ex[e], per[i]);
            buf_adds(h, "</tr>\n");
        }
        buf_adds(h, "</tbody>\n</table>\n");
        free(per);
        const char **fp;
        size_t nf = rep_periods(r, "board.accreditation_flag", ex[e], &fp);
        for (size_t i = 0; i < nf; i++) {
            const struct mrow *f = rep_find(r, "board.accreditation_flag", "all", ex[e], fp[i]);
            if (!f)
                continue;
            buf_adds(h, "<p>");
            html_esc(h, fp[i]);
            buf_adds(h, " pass rate against the threshold of ");
            rep_value(h, r->threshold, FMT_PCT);
            buf_adds(h, ": ");
            if (f->value == 1)
                buf_adds(h, "<span class=\"flag\">below the threshold: accreditation flag raised</span>");
            else if (f->value == 0)
                buf_adds(h, "at or above the threshold");
            else
                buf_adds(h, "not estimable");
            buf_adds(h, ".</p>\n");
        }
        free(fp);
        if (rep_find(r, "board.eventual_pass_rate", "all", ex[e], "")) {
            rep_group_head(h, "Eventual pass", NULL);
            rep_group_row(r, h, "Any attempt passed", "board.eventual_pass_rate", ex[e], "", FMT_PCT, 2);
            buf_adds(h, "</tbody>\n</table>\n");
        }
    }
    free(ex);
    buf_adds(h, "<h3>Step 3 passed by month 12</h3>\n");
    if (!rep_has(r, "step3.pass_by_month12"))
        rep_no_data(h, "no Step 3 metrics were computed.");
    else {
        struct series_opts o = { 0 };
        o.chart = "step3_visa";
        o.only_series = "visa";
        o.name = "step3_visa";
        o.title = "IMGs with a Step 3 pass by month 12, by visa";
        o.xlabel = "Visa";
        o.ylabel = "Passed by month 12 (proportion)";
        o.caption = "Bars: confidence intervals (Wilson)";
        o.style = PLOT_POINTS_YERR;
        o.proportion = o.x_categories = 1;
        int rc = series_chart(r, &o, err);
        if (rc) {
            return rc;
        }
        rep_group_head(h, "Residents", NULL);
        rep_group_row(r, h, "All visas", "step3.pass_by_month12", "", "", FMT_PCT, 2);
        buf_adds(h, "</tbody>\n</table>\n<table>\n<thead><tr><th scope=\"col\">IMGs by visa</th>"
                    "<th scope=\"col\">Passed by month 12</th></tr></thead>\n<tbody>\n");
        static const char *const V[][2] = {
            { "visa=none", "No visa" }, { "visa=j1", "J-1" }, { "visa=h1b", "H-1B" }, { "visa=other", "Other visa" },
        };
        for (int v = 0; v < 4; v++) {
            buf_adds(h, "<tr><th scope=\"row\">");
            html_esc(h, V[v][1]);
            buf_adds(h, "</th><td>");
            rep_est(r, h, rep_find(r, "step3.pass_by_month12", "img", V[v][0], ""), FMT_PCT, 2);
            buf_adds(h, "</td></tr>\n");
        }
        buf_adds(h, "</tbody>\n</table>\n");
    }
    buf_adds(h, "</section>\n");
    return IMGO_OK;
}

/* ---- fellowship --------------------------------------------------------------- */

static int fellowship(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    rep_section(h, "fellowship", "6. Fellowship match");
    const char **per;
    size_t np = rep_periods(r, "fellowship.match_rate", "", &per);
    if (!np)
        rep_no_data(h, "no fellowship applications.");
    else {
        struct series_opts o = { 0 };
        o.chart = "fellowship_match";
        o.name = "fellowship_match";
        o.title = "Fellowship match rate by cycle";
        o.xlabel = "Cycle year";
        o.ylabel = "Matched applicants (proportion)";
        o.caption = "Bars: confidence intervals (Wilson)";
        o.style = PLOT_POINTS_YERR;
        o.proportion = o.x_years = 1;
        int rc = series_chart(r, &o, err);
        if (rc) {
            free(per);
            return rc;
        }
        rep_group_head(h, "Cycle", DIFF_HEAD);
        for (size_t i = 0; i < np; i++) {
            rep_group_row(r, h, *per[i] ? per[i] : "All cycles", "fellowship.match_rate", "", per[i], FMT_PCT, 2);
            h->len -= strlen("</tr>\n");
            h->data[h->len] = '\0';
            diff_cells(r, "fellowship.match_diff", "", per[i]);
            buf_adds(h, "</tr>\n");
        }
        buf_adds(h, "</tbody>\n</table>\n<p>n counts resident-cycles with a matched or unmatched outcome.</p>\n");
    }
    free(per);
    buf_adds(h, "</section>\n");
    return IMGO_OK;
}

/* ---- mentorship ------------------------------------------------------------------ */

static int mentorship(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    rep_section(h, "mentorship", "7. Mentorship structure");
    int any = 0;
    static const char *const M[][2] = {
        { "mentorship.tiered_coverage", "All required mentors assigned by day 7" },
        { "mentorship.early_cadence", "Weekly cadence, weeks 1-6 (mean share of weeks met)" },
        { "mentorship.monthly_cadence", "Monthly faculty cadence, months 2-9 (mean share of months met)" },
    };
    for (int i = 0; i < 3; i++) {
        if (!rep_has(r, M[i][0]))
            continue;
        if (!any++)
            rep_group_head(h, "Measure", NULL);
        rep_group_row(r, h, M[i][1], M[i][0], "", "", FMT_PCT, i == 0 ? 2 : 1);
    }
    if (any)
        buf_adds(h, "</tbody>\n</table>\n<p>For the cadences, the count shown for a group is its residents; "
                    "the share met is the mean over residents.</p>\n");
    else
        rep_no_data(h, "no mentor assignments or meetings.");
    int rc;
    if (any) {
        struct series_opts o = { 0 };
        o.chart = "mentorship_cadence";
        char *week = rep_chart_name(r, "mentorship_cadence", "week", err);
        char *month = err->status ? NULL : rep_chart_name(r, "mentorship_cadence", "month", err);
        if (err->status) {
            free(week);
            return err->status;
        }
        o.only_label = "week";
        o.name = week ? week : "mentorship_cadence";
        o.title = "Residents who met a mentor, by week of training";
        o.xlabel = "Week of training (1-6)";
        o.ylabel = "Residents with a meeting (proportion)";
        o.caption = "Bars: confidence intervals (Wilson)";
        o.style = PLOT_POINTS_YERR;
        o.proportion = o.x_years = 1;
        o.x_shift = 1;
        rc = series_chart(r, &o, err);
        o.only_label = "month";
        o.name = month ? month : "mentorship_cadence";
        o.title = "Residents who met a faculty mentor, by month of training";
        o.xlabel = "Month of training (2-9)";
        o.x_shift = 0;
        if (!rc)
            rc = series_chart(r, &o, err);
        free(week);
        free(month);
        if (rc)
            return rc;
    }
    buf_adds(h, "<h3>Mentor load</h3>\n");
    const char **roles;
    size_t nr = rep_strata(r, "mentorship.mentors_overloaded", "role=", &roles);
    if (!nr)
        rep_no_data(h, "no active mentor assignments.");
    else {
        buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Role</th><th scope=\"col\">Mentors</th>"
                    "<th scope=\"col\">Overloaded (share)</th><th scope=\"col\">Largest load</th></tr>"
                    "</thead>\n<tbody>\n");
        for (size_t i = 0; i < nr; i++) {
            const struct mrow *o = rep_find(r, "mentorship.mentors_overloaded", "all", roles[i], "");
            const struct mrow *mx = rep_find(r, "mentorship.mentor_load_max", "all", roles[i], "");
            buf_adds(h, "<tr><th scope=\"row\">");
            html_esc(h, roles[i] + 5);
            buf_adds(h, "</th><td>");
            if (o && o->suppressed)
                rep_supp(r, h);
            else if (o)
                buf_addf(h, "%ld", o->n);
            buf_adds(h, "</td><td>");
            if (o && !o->suppressed && o->k >= 0)
                buf_addf(h, "%ld, ", o->k);
            rep_est(r, h, o, FMT_PCT, 0);
            buf_adds(h, "</td><td>");
            rep_est(r, h, mx, FMT_INT, 0);
            buf_adds(h, "</td></tr>\n");
        }
        buf_adds(h, "</tbody>\n</table>\n");
        const char *mm = rep_info(r, "max_mentees");
        struct series_opts o = { 0 };
        o.chart = "mentor_load";
        o.name = "mentor_load";
        o.title = "Mentor load by role at the as-of date";
        o.xlabel = "Residents per mentor in the role (count)";
        o.ylabel = "Mentors (proportion of the role)";
        o.caption = "Dashed: the overload limit; mentors to its right are overloaded";
        o.style = PLOT_LINESPOINTS;
        o.proportion = o.x_years = 1;
        if (mm) {
            o.has_vline = 1;
            o.vline = atof(mm) + 0.5;
        }
        if ((rc = series_chart(r, &o, err))) {
            free(roles);
            return rc;
        }
        if (mm) {
            buf_adds(h, "<p>A mentor is overloaded with more than ");
            html_esc(h, mm);
            buf_adds(h, " residents in one role at the as-of date.</p>\n");
        }
    }
    free(roles);
    buf_adds(h, "<h3>Cadence and outcome</h3>\n");
    const struct mrow *ol = rep_find(r, "mentorship.outcome_link", "img", "", "");
    if (!ol)
        rep_no_data(h, "the cadence-outcome link was not computed.");
    else {
        buf_adds(h, "<p>IMGs who met a mentor in at least 80% of their first six weeks, against the rest: "
                    "difference in first-attempt board pass rate ");
        rep_est(r, h, ol, FMT_PP, 0);
        if (!ol->suppressed) {
            buf_adds(h, ", Fisher p ");
            rep_p(h, ol->p);
            buf_addf(h, " (%ld residents, %ld passed)", ol->n, ol->k);
        }
        buf_adds(h, ".</p>\n");
    }
    buf_adds(h, "</section>\n");
    return IMGO_OK;
}

/* ---- bias ----------------------------------------------------------------------- */

/* A forest plot of the rows of metric with strata prefix=..., group
 * img_vs_non_img; suppressed rows are labelled, not drawn. */
static int forest(struct rep *r, const char *metric, const char *prefix, const char *name, const char *title,
                  const char *xlabel, int ratio, struct imgo_err *err)
{
    const char **st;
    size_t ns = rep_strata(r, metric, prefix, &st);
    if (!ns) {
        free(st);
        return IMGO_OK;
    }
    char **labels = xcalloc(ns, sizeof *labels);
    double *x = xcalloc(ns, sizeof *x), *y = xcalloc(ns, sizeof *y), *lo = xcalloc(ns, sizeof *lo),
           *hi = xcalloc(ns, sizeof *hi);
    size_t n = 0;
    char s[64];
    rep_supp_text(r, s, sizeof s);
    for (size_t i = 0; i < ns; i++) {
        const struct mrow *m = rep_find(r, metric, "img_vs_non_img", st[i], "");
        struct buf l = BUF_INIT;
        buf_adds(&l, st[i] + strlen(prefix));
        if (m && m->suppressed)
            buf_addf(&l, ": %s", s);
        else if (!m || !isfinite(m->value))
            buf_adds(&l, ": not estimable");
        else {
            int good = !ratio || (m->value > 0 && m->lo > 0 && isfinite(m->hi));
            x[n] = m->value;
            y[n] = (double)(i + 1);
            lo[n] = good ? m->lo : NAN;
            hi[n] = good ? m->hi : NAN;
            if (good || !ratio)
                n++;
        }
        labels[i] = buf_detach(&l, NULL);
        if (!labels[i])
            labels[i] = xstrdup("");
    }
    struct plot_layer layer = { PLOT_POINTS_XERR, NULL, PLOT_BLUE, 0, n, x, y, lo, hi };
    struct plot_chart c = { 0 };
    c.name = name;
    c.title = title;
    c.xlabel = xlabel;
    c.ylabel = "";
    c.ylabels = (const char *const *)labels;
    c.n_ylabels = ns;
    c.xlog = ratio;
    c.has_vline = 1;
    c.vline = ratio ? 1 : 0;
    c.layers = &layer;
    c.n_layers = 1;
    int rc = rep_chart(r, &c, ratio ? "Bars: confidence intervals; dashed: no difference (1)"
                                    : "Bars: confidence intervals; dashed: no difference (0)", err);
    for (size_t i = 0; i < ns; i++)
        free(labels[i]);
    free(labels), free(x), free(y), free(lo), free(hi), free(st);
    return rc;
}

static void strata_table(struct rep *r, const char *metric, const char *prefix, const char *head, int fmt)
{
    struct buf *h = r->h;
    const char **st;
    size_t ns = rep_strata(r, metric, prefix, &st);
    buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">");
    html_esc(h, head);
    buf_adds(h, "</th><th scope=\"col\">Estimate</th><th scope=\"col\">p, q (BH)</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < ns; i++) {
        const struct mrow *m = rep_find(r, metric, "img_vs_non_img", st[i], "");
        buf_adds(h, "<tr><th scope=\"row\">");
        html_esc(h, st[i] + strlen(prefix));
        buf_adds(h, "</th><td>");
        rep_est(r, h, m, fmt, 1);
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
    struct cpoint *pts;
    size_t n = rep_points(r, "evaluator_funnel", &pts, err);
    if (err->status)
        return err->status;
    if (!n) {
        rep_no_data(r->h, "no evaluator has enough evaluations for the funnel plot.");
        return IMGO_OK;
    }
    double *x = xcalloc(n, sizeof *x), *y = xcalloc(n, sizeof *y), *y2 = xcalloc(n, sizeof *y2);
    struct plot_layer layers[12];
    size_t nl = 0, nsupp = 0;
    for (size_t i = 0; i < n && nl + 2 <= 12;) {
        size_t j = i, m = 0;
        const char *s = pts[i].series;
        int is_limit = !strncmp(s, "limit", 5);
        while (j < n && !strcmp(pts[j].series, s)) {
            const struct cpoint *p = &pts[j];
            int hidden = p->suppressed;
            if (!hidden && (!strcmp(s, "evaluator") || !strcmp(s, "flagged"))) {
                /* the evaluator's row, after complementary suppression */
                struct buf key = BUF_INIT;
                buf_addf(&key, "evaluator=%s", p->label);
                const struct mrow *mr = rep_find(r, "bias.evaluator_gap", "img_vs_non_img", buf_str(&key), "");
                hidden = mr && mr->suppressed;
                buf_release(&key);
            }
            if (hidden) {
                if (!strcmp(s, "evaluator"))
                    nsupp++;
            } else {
                x[i + m] = p->x;
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
        else if (!strcmp(s, "pooled"))
            layers[nl++] = (struct plot_layer){ PLOT_LINES, "pooled gap", PLOT_BLACK, 1, m, x + i, y + i, NULL, NULL };
        else if (is_limit) {
            int l998 = !strcmp(s, "limit998");
            const char *t = l998 ? "99.8% limits" : "95% limits";
            layers[nl++] = (struct plot_layer){ PLOT_LINES, t, PLOT_BLACK, l998 ? 3 : 2, m, x + i, y + i, NULL, NULL };
            layers[nl++] = (struct plot_layer){ PLOT_LINES, NULL, PLOT_BLACK, l998 ? 3 : 2, m, x + i, y2 + i, NULL, NULL };
        }
        i = j;
    }
    char cap[256] = "Evaluators outside the limits differ from the pooled gap more than chance suggests";
    if (nsupp) {
        char s[64];
        rep_supp_text(r, s, sizeof s);
        snprintf(cap, sizeof cap, "Evaluators outside the limits differ more than chance suggests; %s, not "
                 "drawn: %zu evaluator(s)", s, nsupp);
    }
    struct plot_chart c = { 0 };
    /* every evaluator with the same count: gnuplot warns of an empty x
     * range (an error here), so give the axis a width */
    double x0 = INFINITY, x1 = -INFINITY;
    for (size_t i = 0; i < nl; i++)
        for (size_t j = 0; j < layers[i].n; j++)
            if (isfinite(layers[i].x[j])) {
                x0 = fmin(x0, layers[i].x[j]);
                x1 = fmax(x1, layers[i].x[j]);
            }
    if (isfinite(x0) && x0 == x1) {
        c.has_xrange = 1;
        c.xmin = x0 - 1;
        c.xmax = x1 + 1;
    }
    c.name = "evaluator_funnel";
    c.title = "Evaluator funnel: score gap, IMG minus non-IMG";
    c.xlabel = "Evaluations by the evaluator (count)";
    c.ylabel = "Mean score gap, IMG minus non-IMG (score points)";
    c.layers = layers;
    c.n_layers = nl;
    int rc = rep_chart(r, &c, cap, err);
    free(x), free(y), free(y2);
    rep_points_free(pts, n);
    return rc;
}

static int bias(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    int rc;
    rep_section(h, "bias", "8. Bias patterns");
    buf_adds(h, "<h3>Milestone ratings</h3>\n");
    const struct mrow *g = rep_find(r, "bias.milestone_gap", "img_vs_non_img", "", "");
    if (!g)
        rep_no_data(h, "no milestone ratings.");
    else {
        buf_adds(h, "<p>Gap in milestone rating, IMG minus non-IMG, at the same PGY and subcompetency: ");
        rep_est(r, h, g, FMT_NUM, 0);
        if (!g->suppressed) {
            buf_adds(h, ", p ");
            rep_p(h, g->p);
            buf_addf(h, " (%ld ratings of %ld residents; cluster-robust by resident)", g->n, g->k);
        }
        buf_adds(h, ".</p>\n");
        if ((rc = forest(r, "bias.milestone_gap", "subcompetency=", "milestone_forest",
                         "Milestone rating gap by subcompetency, IMG minus non-IMG",
                         "Rating gap (milestone levels)", 0, err)))
            return rc;
        strata_table(r, "bias.milestone_gap", "subcompetency=", "Subcompetency", FMT_NUM);
    }
    buf_adds(h, "<h3>Evaluators</h3>\n");
    const struct mrow *ev = rep_find(r, "bias.evaluator_gap", "img_vs_non_img", "", "");
    if (!ev)
        rep_no_data(h, "no evaluations.");
    else {
        buf_adds(h, "<p>Mean evaluation score gap, IMG minus non-IMG, all evaluators pooled: ");
        rep_est(r, h, ev, FMT_NUM, 0);
        if (!ev->suppressed) {
            buf_adds(h, ", Welch p ");
            rep_p(h, ev->p);
            buf_addf(h, " (%ld evaluations, %ld of IMGs)", ev->n, ev->k);
        }
        buf_adds(h, ".</p>\n");
        if ((rc = funnel(r, err)))
            return rc;
        const char **st;
        size_t ns = rep_strata(r, "bias.evaluator_gap", "evaluator=", &st);
        int flagged = 0;
        for (size_t i = 0; i < ns; i++) {
            const struct mrow *m = rep_find(r, "bias.evaluator_gap", "img_vs_non_img", st[i], "");
            if (!m || m->suppressed || !(m->q < r->fdr_q) || !(m->value < 0))
                continue;
            if (!flagged++) {
                buf_adds(h, "<p>Evaluators flagged (q &lt; ");
                rep_num(h, r->fdr_q, 2);
                buf_adds(h, " and a negative gap):</p>\n<table>\n<thead><tr><th scope=\"col\">Evaluator</th>"
                            "<th scope=\"col\">Score gap</th><th scope=\"col\">p, q (BH)</th></tr></thead>\n<tbody>\n");
            }
            buf_adds(h, "<tr><th scope=\"row\">");
            html_esc(h, st[i] + 10);
            buf_adds(h, "</th><td>");
            rep_est(r, h, m, FMT_NUM, 1);
            buf_adds(h, "</td>");
            rep_p_cell(r, h, m, 1);
            buf_adds(h, "</tr>\n");
        }
        if (flagged)
            buf_adds(h, "</tbody>\n</table>\n");
        else {
            buf_addf(h, "<p>No evaluator is flagged (q &lt; ");
            rep_num(h, r->fdr_q, 2);
            buf_addf(h, " and a negative gap) among the %zu evaluators with enough evaluations of both groups.</p>\n", ns);
        }
        free(st);
    }
    buf_adds(h, "<h3>Feedback themes</h3>\n");
    if (!rep_has(r, "bias.feedback_theme"))
        rep_no_data(h, "no negative feedback comments.");
    else {
        if ((rc = forest(r, "bias.feedback_theme", "theme=", "feedback_forest",
                         "Negative feedback by theme: odds ratio, IMG vs non-IMG",
                         "Odds ratio of a negative comment (log scale)", 1, err)))
            return rc;
        strata_table(r, "bias.feedback_theme", "theme=", "Theme", FMT_RATIO);
    }
    buf_adds(h, "<h3>Adverse CCC actions</h3>\n");
    if (!rep_has(r, "bias.adverse_action_rate"))
        rep_no_data(h, "no CCC reviews.");
    else {
        rep_group_head(h, "Residents reviewed", NULL);
        rep_group_row(r, h, "Any remediation, probation, non-promotion or dismissal", "bias.adverse_action_rate", "",
                      "", FMT_PCT, 2);
        buf_adds(h, "</tbody>\n</table>\n");
        const struct mrow *rr = rep_find(r, "bias.adverse_action_rr", "img_vs_non_img", "", "");
        if (rr) {
            buf_adds(h, "<p>Risk ratio, IMG vs non-IMG: ");
            rep_est(r, h, rr, FMT_RATIO, 0);
            if (!rr->suppressed) {
                buf_adds(h, ", Fisher p ");
                rep_p(h, rr->p);
            }
            buf_adds(h, ".</p>\n");
        }
    }
    buf_adds(h, "</section>\n");
    return IMGO_OK;
}

/* ---- workforce, patient experience ------------------------------------------------- */

static int workforce(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    rep_section(h, "workforce", "9. Workforce retention and patient experience");
    buf_adds(h, "<h3>Workforce retention after graduation</h3>\n");
    const struct mrow *w = rep_find(r, "workforce.retained_km", "all", "t=730", "");
    const struct mrow *u = rep_find(r, "workforce.underserved_share", "all", "", "");
    if ((!w || w->n <= 0) && (!u || u->n <= 0))
        rep_no_data(h, "no employment records of graduates.");
    else {
        int rc = km_chart(r, "workforce_km", "workforce_km", "Graduates still in a local position",
                          "Days since the start of the first position", err);
        if (rc)
            return rc;
        rep_group_head(h, "Graduates", NULL);
        rep_group_row(r, h, "Still in a local position at 2 years", "workforce.retained_km", "t=730", "", FMT_PCT, 1);
        rep_group_row(r, h, "First position serves an underserved area", "workforce.underserved_share", "", "",
                      FMT_PCT, 2);
        buf_adds(h, "</tbody>\n</table>\n");
    }
    buf_adds(h, "<h3>Patient experience</h3>\n");
    const struct mrow *p = rep_find(r, "patient.mean_score", "all", "", "");
    if (!p || p->n <= 0)
        rep_no_data(h, "no patient experience scores.");
    else {
        rep_group_head(h, "Residents", DIFF_HEAD);
        rep_group_row(r, h, "Mean patient experience score", "patient.mean_score", "", "", FMT_NUM, 1);
        h->len -= strlen("</tr>\n");
        h->data[h->len] = '\0';
        const struct mrow *d = rep_find(r, "patient.mean_score_diff", "img_vs_non_img", "", "");
        buf_adds(h, "<td>");
        rep_est(r, h, d, FMT_NUM, 0);
        buf_adds(h, "</td>");
        rep_p_cell(r, h, d, 0);
        buf_adds(h, "</tr>\n</tbody>\n</table>\n");
    }
    buf_adds(h, "</section>\n");
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
    rep_section(h, "methods", "10. Methods and data quality");
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
    rep_value(h, r->conf, FMT_PCT);
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
    buf_adds(h, "</section>\n");
    return rc;
}

int rep_annual(struct rep *r, struct imgo_err *err)
{
    rep_head(r->h, "IMG mentorship: annual accountability report", 0);
    int rc = cover(r, err);
    if (!rc) {
        summary(r);
        cohort(r);
        rc = retention(r, err);
    }
    if (!rc)
        rc = board(r, err);
    if (!rc)
        rc = fellowship(r, err);
    if (!rc)
        rc = mentorship(r, err);
    if (!rc)
        rc = bias(r, err);
    if (!rc)
        rc = workforce(r, err);
    if (!rc)
        rc = methods(r, err);
    buf_adds(r->h, "</body>\n</html>\n");
    return rc;
}
