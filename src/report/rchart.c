/*
 * rchart.c - drawing and inlining the report's charts (see rchart.h).
 */
#include "rchart.h"
#include "fsutil.h"
#include "html.h"
#include "mem.h"
#include "rhtml.h"

#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const GROUPS[] = { "all", "img", "non_img" };
const int rep_group_colour[3] = { PLOT_BLACK, PLOT_VERMILLION, PLOT_BLUE };

int rep_chart(struct rep *r, const struct plot_chart *chart, const char *caption, struct imgo_err *err)
{
    int rc;
    if (r->dry)
        return IMGO_OK; /* the first pass only collects the printed numbers */
    if (!plot_has_data(chart)) {
        char s[64];
        rep_supp_text(r, s, sizeof s);
        struct buf t = BUF_INIT;
        buf_addf(&t, "%s: nothing to draw (every point is missing or %s).", chart->title, s);
        rep_no_data(r->h, buf_str(&t));
        buf_release(&t);
        return IMGO_OK;
    }
    /* the SVG describes itself as the caption does */
    struct plot_chart c = *chart;
    c.desc = caption;
    if (!r->plot && (rc = plot_open(&r->plot, r->out, err)))
        return rc;
    if ((rc = plot_render(r->plot, &c, err)))
        return rc;
    struct buf path = BUF_INIT, svg = BUF_INIT;
    buf_addf(&path, "%s/charts/%s.svg", r->out, c.name);
    rc = fs_read_all(buf_str(&path), &svg, err);
    if (!rc) {
        struct buf *h = r->h;
        buf_adds(h, "<figure class=\"chart\" role=\"group\" aria-label=\"");
        html_esc(h, c.title);
        buf_adds(h, "\">\n");
        rc = html_inline_svg(h, svg.data ? svg.data : "", svg.len, c.name, err);
        buf_addf(h, "\n<figcaption>Figure %d. ", ++r->n_figures);
        html_esc(h, c.title);
        if (caption && *caption) {
            buf_adds(h, ". ");
            html_esc(h, caption);
        }
        buf_adds(h, "</figcaption>\n</figure>\n");
    }
    buf_release(&path);
    buf_release(&svg);
    return rc;
}

static int series_colour(const char *series, size_t idx)
{
    static const int cycle[] = { PLOT_ORANGE, PLOT_GREEN, PLOT_PURPLE, PLOT_SKYBLUE, PLOT_BLUE, PLOT_VERMILLION };
    for (int g = 0; g < 3; g++)
        if (!strcmp(series, GROUPS[g]))
            return rep_group_colour[g];
    return cycle[idx % (sizeof cycle / sizeof cycle[0])];
}

/* A chart with one layer per series of chart_points rows; suppressed
 * points are not drawn and are named in the series' key entry. Writes a
 * "No data" line when nothing matches. */
int rep_series_chart(struct rep *r, const struct series_opts *o, struct imgo_err *err)
{
    if (r->dry)
        return IMGO_OK; /* prints no number of a row: nothing to collect */
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
        if (n)
            buf_addf(&t, "%s: not drawn, as every point is %s (the table shows what can be shown).", o->title, s);
        else
            buf_addf(&t, "%s: nothing to draw.", o->title);
        rep_no_data(r->h, buf_str(&t));
        buf_release(&t);
        rep_points_free(all, n);
        return IMGO_OK;
    }
    double *x = xcalloc(n, sizeof *x), *y = xcalloc(n, sizeof *y), *lo = xcalloc(n, sizeof *lo),
           *hi = xcalloc(n, sizeof *hi);
    const char **cats = xcalloc(n, sizeof *cats), **cat_text = xcalloc(n, sizeof *cat_text);
    size_t n_cats = 0;
    struct plot_layer layers[9];
    struct buf titles[8];
    size_t nl = 0, n_series = 0;
    double xmin = INFINITY, xmax = -INFINITY;
    char stext[64];
    rep_supp_text(r, stext, sizeof stext);
    for (size_t i = 0; i < n; i++)
        if (all[i].series != NULL && (i == 0 || strcmp(all[i].series, all[i - 1].series)))
            n_series++;
    for (size_t i = 0; i < n && nl < 8;) {
        size_t j = i, m = 0, nsupp = 0;
        struct buf supp = BUF_INIT;
        while (j < n && !strcmp(all[j].series, all[i].series)) {
            const struct cpoint *p = &all[j];
            double px = p->x + o->x_shift;
            if (o->x_categories) {
                size_t c;
                for (c = 0; c < n_cats; c++)
                    if (!strcmp(cats[c], p->label))
                        break;
                if (c == n_cats) {
                    cat_text[n_cats] = o->label_column ? rep_label_text(o->label_column, p->label) : p->label;
                    cats[n_cats++] = p->label;
                }
                px = (double)(c + 1);
            }
            if (px < xmin)
                xmin = px;
            if (px > xmax)
                xmax = px;
            if (p->suppressed) {
                nsupp++;
                if (o->x_categories)
                    buf_addf(&supp, "%s%s", supp.len ? ", " : "",
                             o->label_column ? rep_label_text(o->label_column, p->label) : p->label);
                else {
                    buf_addf(&supp, "%s", supp.len ? ", " : "");
                    rep_num(&supp, px, 0);
                }
            } else if (isfinite(p->value)) {
                /* several series side by side rather than on top of each other */
                double step = o->style == PLOT_BOXES ? 0.8 / (double)n_series : 0.12;
                double dodge = (o->style == PLOT_POINTS_YERR || o->style == PLOT_BOXES) && n_series > 1
                                   ? step * ((double)nl - (double)(n_series - 1) / 2) : 0;
                x[i + m] = px + dodge;
                y[i + m] = p->value;
                lo[i + m] = p->lo;
                hi[i + m] = p->hi;
                m++;
            }
            j++;
        }
        buf_init(&titles[nl]);
        buf_adds(&titles[nl], o->series_column ? rep_label_text(o->series_column, all[i].series)
                                               : rep_group_label(all[i].series));
        /* a key entry names at most three hidden points: a longer one does
         * not fit the key */
        if (nsupp > 3)
            buf_addf(&titles[nl], " (%zu points %s)", nsupp, stext);
        else if (supp.len)
            buf_addf(&titles[nl], " (%s: %s)", stext, buf_str(&supp));
        buf_release(&supp);
        int colour = o->colour ? o->colour : series_colour(all[i].series, nl);
        layers[nl] = (struct plot_layer){ o->style, buf_str(&titles[nl]), colour,
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
    if (o->style == PLOT_BOXES)
        c.box_width = n_series > 1 ? 0.8 / (double)n_series : 0.6;
    /* a labelled vertical limit, drawn as a line of the key */
    size_t n_titles = nl;
    double vx[2] = { o->vline, o->vline }, vy[2] = { 0, o->proportion ? 1.05 : 0 };
    if (o->vline_title && o->has_vline && o->proportion) {
        layers[nl++] = (struct plot_layer){ PLOT_LINES, o->vline_title, PLOT_BLACK, 2, 2, vx, vy, NULL, NULL };
    }
    if (o->x_categories) {
        c.xlabels = cat_text;
        c.n_xlabels = n_cats;
    } else if (o->x_years) {
        c.x_integer_tics = 1;
        c.has_xrange = 1;
        c.xmin = xmin - 0.5;
        c.xmax = xmax + 0.5;
        if (o->has_vline) {
            /* the limit stays on the axis, clear of the frame */
            c.xmin = fmin(c.xmin, o->vline - 1);
            c.xmax = fmax(c.xmax, o->vline + 1);
        }
    }
    c.has_hline = o->has_hline;
    c.hline = o->hline;
    c.hline_title = o->hline_title;
    c.has_vline = o->has_vline && !(o->vline_title && o->proportion);
    c.vline = o->vline;
    c.layers = layers;
    c.n_layers = nl;
    int rc = rep_chart(r, &c, o->caption, err);
    for (size_t i = 0; i < n_titles; i++)
        buf_release(&titles[i]);
    free(x), free(y), free(lo), free(hi), free(cats), free(cat_text);
    rep_points_free(all, n);
    return rc;
}

void rep_axis_range(double lo, double hi, double ref, int logscale, double *min, double *max)
{
    if (!isfinite(lo) || !isfinite(hi))
        lo = hi = ref;
    lo = fmin(lo, ref);
    hi = fmax(hi, ref);
    if (logscale) {
        double pad = hi > lo ? pow(hi / lo, 0.08) : 1.5;
        *min = lo / pad;
        *max = hi * pad;
    } else {
        double pad = 0.08 * (hi > lo ? hi - lo : 1);
        *min = lo - pad;
        *max = hi + pad;
    }
}

/* Residents at risk at time t on a curve's points (the first point is the
 * start, n = subjects; each later one a step with n at risk): those of the
 * first step at or after t. */
static long at_risk(const struct cpoint *p, size_t n, double t)
{
    if (!n)
        return 0;
    if (t <= 0)
        return p[0].n;
    for (size_t i = 1; i < n; i++)
        if (p[i].x >= t)
            return p[i].n;
    return 0;
}

int rep_km_chart(struct rep *r, enum chart_id chart, enum metric_id metric, const char *stratum, const char *title,
                 const char *xlabel, struct imgo_err *err)
{
    struct cpoint *pts;
    size_t n = rep_points(r, chart, &pts, err);
    if (!n) {
        rep_no_data(r->h, "no survival curve data for the chart.");
        return err->status;
    }
    double *x = xcalloc(n, sizeof *x), *y = xcalloc(n, sizeof *y), *lo = xcalloc(n, sizeof *lo),
           *hi = xcalloc(n, sizeof *hi), *cx = xcalloc(n, sizeof *cx), *cy = xcalloc(n, sizeof *cy);
    struct plot_layer layers[24];
    char titles[8][128];
    const char *series[8];
    size_t nl = 0, ns = 0, nsupp = 0, first[8], count[8];
    double ymin = 1, xmax = 0;
    for (size_t i = 0; i < n && nl + 3 <= 24 && ns < 8;) {
        size_t j = i, m = 0, mc = 0;
        int hidden = 0;
        while (j < n && !strcmp(pts[j].series, pts[i].series)) {
            const struct cpoint *p = &pts[j];
            xmax = fmax(xmax, p->x);
            if (p->suppressed) {
                nsupp++;
                hidden = 1;
            } else {
                x[i + m] = p->x;
                y[i + m] = p->value;
                lo[i + m] = p->lo;
                hi[i + m] = p->hi;
                ymin = fmin(ymin, isfinite(p->lo) ? p->lo : p->value);
                m++;
                /* censored at this step: at risk, less events, less those
                 * at risk at the next step */
                long next = j + 1 < n && !strcmp(pts[j + 1].series, p->series) ? pts[j + 1].n : 0;
                if (j > i && p->n - p->k - next > 0) {
                    cx[i + mc] = p->x;
                    cy[i + mc] = p->value;
                    mc++;
                }
            }
            j++;
        }
        int col = ns == 0 ? PLOT_VERMILLION : ns == 1 ? PLOT_BLUE : PLOT_GREEN;
        for (int g = 0; g < 3; g++)
            if (!strcmp(pts[i].series, GROUPS[g]))
                col = rep_group_colour[g];
        snprintf(titles[ns], sizeof titles[ns], "%s", rep_group_label(pts[i].series));
        series[ns] = pts[i].series;
        layers[nl++] = (struct plot_layer){ PLOT_BAND, NULL, col, 0, m, x + i, NULL, lo + i, hi + i };
        layers[nl++] = (struct plot_layer){ PLOT_STEPS, titles[ns], col, ns == 1 ? 2 : 1, m, x + i, y + i,
                                            NULL, NULL };
        layers[nl++] = (struct plot_layer){ PLOT_CENSOR, NULL, col, 0, mc, cx + i, cy + i, NULL, NULL };
        first[ns] = hidden ? SIZE_MAX : i;
        count[ns] = j - i;
        ns++;
        i = j;
    }
    struct buf cap = BUF_INIT;
    buf_adds(&cap, "Shaded: confidence band; ticks: residents censored (still in training, or left without "
                   "attrition). The number at risk is in the table below the chart");
    if (nsupp) {
        char s[64];
        rep_supp_text(r, s, sizeof s);
        buf_addf(&cap, ". Not drawn, %s: %zu point(s)", s + strlen("hidden "), nsupp);
    }
    /* the axis from just below the lowest band, not from 0: the curves
     * stay readable where retention is high */
    struct plot_chart c = { 0 };
    c.name = chart_name(chart);
    c.title = title;
    c.xlabel = xlabel;
    c.ylabel = "Proportion remaining (Kaplan-Meier)";
    c.has_yrange = 1;
    c.ymin = fmax(0, floor(ymin * 20 - 1) / 20);
    c.ymax = 1.01;
    c.layers = layers;
    c.n_layers = nl;
    int rc = rep_chart(r, &c, buf_str(&cap), err);
    if (!rc && ns) {
        /* the number at risk at each year of training, under the chart */
        struct buf *h = r->h;
        buf_adds(h, "<table class=\"keep\">\n<thead><tr><th scope=\"col\">Number at risk after</th>");
        int years = (int)floor(xmax / 365);
        for (int t = 0; t <= years; t++)
            buf_addf(h, "<th scope=\"col\">%d year%s</th>", t, t == 1 ? "" : "s");
        buf_adds(h, "</tr></thead>\n<tbody>\n");
        for (size_t s = 0; s < ns; s++) {
            /* the counts are published as text of the group's row */
            const struct mrow *row = rep_find(r, metric, series[s], stratum, "");
            buf_adds(h, "<tr><th scope=\"row\">");
            html_esc(h, titles[s]);
            buf_adds(h, "</th>");
            for (int t = 0; t <= years; t++) {
                char field[32];
                snprintf(field, sizeof field, "text:at_risk_%dy", t);
                buf_adds(h, "<td>");
                long k = first[s] == SIZE_MAX ? -1 : at_risk(pts + first[s], count[s], 365.0 * t);
                if (row && row->suppressed)
                    rep_hidden(r, h, row);
                else if (k < 0) /* no curve: an empty group */
                    buf_adds(h, "<span class=\"na\">no data</span>");
                else if (k > 0 && k < r->min_cell) {
                    char label[32];
                    snprintf(label, sizeof label, "fewer than %d", r->min_cell);
                    rep_supp(r, h);
                    rep_publish(r, row, field, label);
                } else
                    rep_count(r, h, row, field, k);
                buf_adds(h, "</td>");
            }
            buf_adds(h, "</tr>\n");
        }
        buf_adds(h, "</tbody>\n</table>\n");
    }
    buf_release(&cap);
    free(x), free(y), free(lo), free(hi), free(cx), free(cy);
    rep_points_free(pts, n);
    return rc;
}

/* A forest plot of the rows of metric with strata prefix=..., group
 * img_vs_non_img; suppressed rows are labelled, not drawn. */
int rep_forest(struct rep *r, enum metric_id metric, const char *prefix, enum chart_id chart, const char *title,
               const char *xlabel, int ratio, const char *label_column, const char *caption,
               struct imgo_err *err)
{
    if (r->dry)
        return IMGO_OK; /* prints no number of a row: nothing to collect */
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
        const char *v = st[i] + strlen(prefix);
        buf_adds(&l, label_column ? rep_label_text(label_column, v) : v);
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
    double x0 = INFINITY, x1 = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        x0 = fmin(x0, isfinite(lo[i]) ? lo[i] : x[i]);
        x1 = fmax(x1, isfinite(hi[i]) ? hi[i] : x[i]);
    }
    struct plot_layer layer = { PLOT_POINTS_XERR, NULL, PLOT_BLUE, 0, n, x, y, lo, hi };
    struct plot_chart c = { 0 };
    c.has_xrange = 1;
    rep_axis_range(x0, x1, ratio ? 1 : 0, ratio, &c.xmin, &c.xmax);
    c.name = chart_name(chart);
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
    int rc = rep_chart(r, &c, caption, err);
    for (size_t i = 0; i < ns; i++)
        free(labels[i]);
    free(labels), free(x), free(y), free(lo), free(hi), free(st);
    return rc;
}

void rep_yearly_opts(struct series_opts *o, enum chart_id chart, const char *title, const char *xlabel,
                     const char *ylabel, const char *caption)
{
    memset(o, 0, sizeof *o);
    o->chart = chart;
    o->name = chart_name(chart);
    o->title = title;
    o->xlabel = xlabel;
    o->ylabel = ylabel;
    o->caption = caption;
    o->style = PLOT_POINTS_YERR;
    o->proportion = o->x_years = 1;
}

size_t rep_funnel_limits(struct plot_layer *layers, const char *series, size_t m, const double *x,
                         const double *lo, const double *hi)
{
    int l998 = !strcmp(series, "limit998");
    layers[0] = (struct plot_layer){ PLOT_LINES, l998 ? "99.8% limits" : "95% limits", PLOT_BLACK, l998 ? 3 : 2, m,
                                     x, lo, NULL, NULL };
    layers[1] = (struct plot_layer){ PLOT_LINES, NULL, PLOT_BLACK, l998 ? 3 : 2, m, x, hi, NULL, NULL };
    return 2;
}

void rep_xrange_counts(struct plot_chart *c, const struct plot_layer *layers, size_t nl, double pad_min,
                       double frac)
{
    double x0 = INFINITY, x1 = -INFINITY;
    for (size_t i = 0; i < nl; i++)
        for (size_t j = 0; j < layers[i].n; j++)
            if (isfinite(layers[i].x[j])) {
                x0 = fmin(x0, layers[i].x[j]);
                x1 = fmax(x1, layers[i].x[j]);
            }
    if (!isfinite(x0))
        return;
    double pad = fmax(pad_min, frac * (x1 - x0));
    c->has_xrange = 1;
    c->xmin = fmax(0.0, x0 - pad);
    c->xmax = x1 + pad;
}
