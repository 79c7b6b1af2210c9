/*
 * report.c - the annual accountability report (see report.h).
 *
 * The report is assembled in memory: the metrics table is loaded once into
 * an array (it is small: one row per metric, group, stratum and period) and
 * each section looks its rows up by key. Charts are rendered through one
 * gnuplot process (plot.h) as the sections reach them, and their SVG is
 * inlined. Every text that reaches the HTML goes through html_esc.
 */
#include "report.h"
#include "report_int.h"
#include "date.h"
#include "db.h"
#include "fsutil.h"
#include "html.h"
#include "mem.h"
#include "metrics.h"
#include "plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const GROUPS3[] = { "all", "img", "non_img" };

const char *rep_group_label(const char *g)
{
    if (!strcmp(g, "all"))
        return "All residents";
    if (!strcmp(g, "img"))
        return "IMG";
    if (!strcmp(g, "non_img"))
        return "Non-IMG";
    if (!strcmp(g, "img_vs_non_img"))
        return "IMG vs non-IMG";
    return g;
}

/* ---- loading ---------------------------------------------------------- */

static char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return xstrdup(t ? (const char *)t : "");
}

static double col_num(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

static long col_long(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(st, i);
}

static int table_exists(sqlite3 *db, const char *name)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return 0;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int found = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return found;
}

static int cmp_key(const struct mrow *m, const char *metric, const char *group, const char *stratum,
                   const char *period)
{
    int c = strcmp(m->metric, metric);
    if (!c)
        c = strcmp(m->group, group);
    if (!c)
        c = strcmp(m->stratum, stratum);
    if (!c)
        c = strcmp(m->period, period);
    return c;
}

static int cmp_row(const void *a, const void *b)
{
    const struct mrow *y = b;
    return cmp_key(a, y->metric, y->group, y->stratum, y->period);
}

/* The metrics table has the columns of metrics.csv, in that order. */
static int load_metrics(struct rep *r, struct imgo_err *err)
{
    if (!table_exists(r->db, "metrics"))
        return imgo_err_set(err, IMGO_EUSAGE, "the database holds no computed metrics; run 'imgo compute' first");
    sqlite3_stmt *st;
    int rc = db_prepare(r->db, "SELECT * FROM metrics ORDER BY 1, 2, 3, 4", &st, err);
    if (rc)
        return rc;
    if (sqlite3_column_count(st) < 12) {
        sqlite3_finalize(st);
        return imgo_err_set(err, IMGO_EIO, "database: table metrics has %d columns, expected 12",
                            sqlite3_column_count(st));
    }
    size_t cap = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (r->n_rows == cap) {
            cap = cap ? 2 * cap : 256;
            r->rows = xrealloc(r->rows, cap * sizeof *r->rows);
        }
        struct mrow *m = &r->rows[r->n_rows++];
        m->metric = col_text(st, 0);
        m->group = col_text(st, 1);
        m->stratum = col_text(st, 2);
        m->period = col_text(st, 3);
        m->n = col_long(st, 4);
        m->k = col_long(st, 5);
        m->value = col_num(st, 6);
        m->lo = col_num(st, 7);
        m->hi = col_num(st, 8);
        m->p = col_num(st, 9);
        m->q = col_num(st, 10);
        m->suppressed = sqlite3_column_int(st, 11) != 0;
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return db_error(r->db, err);
    if (r->n_rows)
        qsort(r->rows, r->n_rows, sizeof *r->rows, cmp_row);
    if (!r->n_rows)
        return imgo_err_set(err, IMGO_EUSAGE, "the database holds no computed metrics; run 'imgo compute' first");
    return IMGO_OK;
}

/* ---- complementary suppression ----------------------------------------- */

/* A comparison row rests on the two groups of a rate: its base metric. */
static const char *const COMPARISON_BASE[][3] = {
    /* comparison metric, base metric, base stratum (NULL: the row's own) */
    { "board.first_attempt_pass_diff", "board.first_attempt_pass_rate", NULL },
    { "fellowship.match_diff", "fellowship.match_rate", NULL },
    { "bias.adverse_action_rr", "bias.adverse_action_rate", NULL },
    { "patient.mean_score_diff", "patient.mean_score", NULL },
    { "retention.logrank", "retention.km", "t=365" },
};

static struct mrow *find_mut(struct rep *r, const char *metric, const char *group, const char *stratum,
                             const char *period)
{
    return (struct mrow *)rep_find(r, metric, group, stratum, period);
}

/* Strata that split one group's total into parts (each resident in one
 * part): a single hidden part would be the total minus the others. A
 * part's size is its k where n is the whole group (the cohort profile),
 * else its n (Step 3 by visa: n residents with that visa). */
static const struct partition {
    const char *metric, *prefix;
    int size_is_k;
} PARTITIONS[] = {
    { "cohort.residents", "graduate_type=", 1 }, { "cohort.residents", "visa=", 1 },
    { "cohort.residents", "school_region=", 1 }, { "cohort.residents", "track=", 1 },
    { "cohort.residents", "program=", 1 },       { "step3.pass_by_month12", "visa=", 0 },
};

/* img and non_img of the same metric, stratum and period: both or neither. */
static int pair_rule(struct rep *r)
{
    int changed = 0;
    for (size_t i = 0; i < r->n_rows; i++) {
        struct mrow *a = &r->rows[i];
        if (strcmp(a->group, "img"))
            continue;
        struct mrow *b = find_mut(r, a->metric, "non_img", a->stratum, a->period);
        if (b && a->suppressed != b->suppressed) {
            a->suppressed = b->suppressed = 1;
            changed = 1;
        }
    }
    return changed;
}

/* In a partition with exactly one hidden part, the smallest shown part is
 * hidden too. */
static int partition_rule(struct rep *r)
{
    int changed = 0;
    for (size_t p = 0; p < sizeof PARTITIONS / sizeof PARTITIONS[0]; p++) {
        const char *metric = PARTITIONS[p].metric, *prefix = PARTITIONS[p].prefix;
        int by_k = PARTITIONS[p].size_is_k;
        size_t pl = strlen(prefix);
        for (size_t i = 0; i < r->n_rows; i++) {
            const struct mrow *a = &r->rows[i];
            if (!a->suppressed || strcmp(a->metric, metric) || strncmp(a->stratum, prefix, pl))
                continue;
            int hidden = 0;
            struct mrow *smallest = NULL;
            for (size_t j = 0; j < r->n_rows; j++) {
                struct mrow *b = &r->rows[j];
                if (strcmp(b->metric, metric) || strcmp(b->group, a->group) || strcmp(b->period, a->period) ||
                    strncmp(b->stratum, prefix, pl))
                    continue;
                if (b->suppressed)
                    hidden++;
                else if (!smallest || (by_k ? b->k < smallest->k : b->n < smallest->n))
                    smallest = b;
            }
            if (hidden == 1 && smallest) {
                smallest->suppressed = 1;
                changed = 1;
            }
        }
    }
    return changed;
}

/* Primary suppression (n < min_cell) is compute's flag. This adds the
 * complementary part, once, for tables, summary and charts alike: all =
 * img + non_img, so when exactly one group of a rate is suppressed the
 * other is hidden too (or the small one is all minus the other); the same
 * within a partition of a group (cohort profile, Step 3 by visa); a
 * comparison row built from a hidden group is hidden; an evaluator's gap
 * is hidden when either group has fewer than min_cell evaluations. Hiding
 * a cell can call for another, so the rules run until nothing changes.
 * Only the report's copy of the rows changes: metrics.csv keeps them. */
static void complement_rows(struct rep *r)
{
    while (pair_rule(r) | partition_rule(r))
        ;
    for (size_t i = 0; i < r->n_rows; i++) {
        struct mrow *c = &r->rows[i];
        if (strcmp(c->group, "img_vs_non_img") || c->suppressed)
            continue;
        if (!strcmp(c->metric, "bias.evaluator_gap")) {
            /* n evaluations, k of them of IMGs */
            if (c->n >= 0 && c->k >= 0 && (c->k < r->min_cell || c->n - c->k < r->min_cell))
                c->suppressed = 1;
            continue;
        }
        for (size_t j = 0; j < sizeof COMPARISON_BASE / sizeof COMPARISON_BASE[0]; j++) {
            if (strcmp(c->metric, COMPARISON_BASE[j][0]))
                continue;
            const char *st = COMPARISON_BASE[j][2] ? COMPARISON_BASE[j][2] : c->stratum;
            const struct mrow *gi = rep_find(r, COMPARISON_BASE[j][1], "img", st, c->period);
            const struct mrow *gn = rep_find(r, COMPARISON_BASE[j][1], "non_img", st, c->period);
            if ((gi && gi->suppressed) || (gn && gn->suppressed))
                c->suppressed = 1;
        }
    }
}

/* The same rule on a chart's points: an img point and the non_img point at
 * the same label and x are shown together or not at all, and a group whose
 * every point of a label is hidden (a curve of too few subjects) hides the
 * other group's points of that label. */
static void complement_points(struct cpoint *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(p[i].series, "img"))
            continue;
        for (size_t j = 0; j < n; j++)
            if (!strcmp(p[j].series, "non_img") && p[j].x == p[i].x && !strcmp(p[j].label, p[i].label) &&
                p[i].suppressed != p[j].suppressed)
                p[i].suppressed = p[j].suppressed = 1;
    }
    static const char *const pair[2][2] = { { "img", "non_img" }, { "non_img", "img" } };
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < n; i++) {
            if (strcmp(p[i].series, pair[s][0]) || !p[i].suppressed)
                continue;
            int all_hidden = 1;
            for (size_t j = 0; j < n && all_hidden; j++)
                if (!strcmp(p[j].series, pair[s][0]) && !strcmp(p[j].label, p[i].label) && !p[j].suppressed)
                    all_hidden = 0;
            if (!all_hidden)
                continue;
            for (size_t j = 0; j < n; j++)
                if (!strcmp(p[j].series, pair[s][1]) && !strcmp(p[j].label, p[i].label))
                    p[j].suppressed = 1;
        }
}

static int load_info(struct rep *r, struct imgo_err *err)
{
    if (!table_exists(r->db, "compute_info"))
        return IMGO_OK;
    sqlite3_stmt *st;
    int rc = db_prepare(r->db, "SELECT key, value FROM compute_info ORDER BY key", &st, err);
    if (rc)
        return rc;
    size_t cap = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (r->n_info == cap) {
            cap = cap ? 2 * cap : 32;
            r->info_k = xrealloc(r->info_k, cap * sizeof *r->info_k);
            r->info_v = xrealloc(r->info_v, cap * sizeof *r->info_v);
        }
        r->info_k[r->n_info] = col_text(st, 0);
        r->info_v[r->n_info++] = col_text(st, 1);
    }
    sqlite3_finalize(st);
    return s == SQLITE_DONE ? IMGO_OK : db_error(r->db, err);
}

const char *rep_info(const struct rep *r, const char *key)
{
    for (size_t i = 0; i < r->n_info; i++)
        if (!strcmp(r->info_k[i], key))
            return r->info_v[i];
    return NULL;
}

/* Rows are loaded in byte order of (metric, group, stratum, period), SQLite's
 * BINARY collation, which is strcmp's order: a binary search finds one. */
const struct mrow *rep_find(const struct rep *r, const char *metric, const char *group, const char *stratum,
                            const char *period)
{
    size_t lo = 0, hi = r->n_rows;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_key(&r->rows[mid], metric, group, stratum, period);
        if (!c)
            return &r->rows[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int rep_has(const struct rep *r, const char *metric)
{
    for (size_t i = 0; i < r->n_rows; i++)
        if (!strcmp(r->rows[i].metric, metric))
            return 1;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Distinct strata of metric starting with prefix (e.g. "exam="), sorted.
 * The strings belong to r's rows; free only the array. */
/* Distinct strata of metric starting with prefix (e.g. "exam="), sorted.
 * The strings belong to r's rows; free only the array. */
size_t rep_strata(const struct rep *r, const char *metric, const char *prefix, const char ***out)
{
    const char **v = NULL;
    size_t n = 0, cap = 0, pl = strlen(prefix);
    for (size_t i = 0; i < r->n_rows; i++) {
        const struct mrow *m = &r->rows[i];
        if (strcmp(m->metric, metric) || strncmp(m->stratum, prefix, pl))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[n++] = m->stratum;
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_str);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (!u || strcmp(v[u - 1], v[i]))
            v[u++] = v[i];
    *out = v;
    return u;
}

static int is_year(const char *p)
{
    return strlen(p) == 4 && strspn(p, "0123456789") == 4;
}

/* Years first ascending, then spans, then the empty period. */
static int cmp_period(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int rx = is_year(x) ? 0 : *x ? 1 : 2, ry = is_year(y) ? 0 : *y ? 1 : 2;
    if (rx != ry)
        return rx - ry;
    return strcmp(x, y);
}

size_t rep_periods(const struct rep *r, const char *metric, const char *stratum, const char ***out)
{
    const char **v = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < r->n_rows; i++) {
        const struct mrow *m = &r->rows[i];
        if (strcmp(m->metric, metric) || strcmp(m->stratum, stratum))
            continue;
        size_t j;
        for (j = 0; j < n; j++)
            if (!strcmp(v[j], m->period))
                break;
        if (j < n)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[n++] = m->period;
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_period);
    *out = v;
    return n;
}

/* ---- formatting --------------------------------------------------------- */

/* A number rounded for display, never "-0". */
void rep_num(struct buf *b, double v, int decimals)
{
    char t[64];
    snprintf(t, sizeof t, "%.*f", decimals, v);
    int zero = 1;
    for (const char *c = t; *c; c++)
        if (*c >= '1' && *c <= '9')
            zero = 0;
    buf_adds(b, zero && t[0] == '-' ? t + 1 : t);
}

void rep_value(struct buf *b, double v, int fmt)
{
    if (!isfinite(v)) {
        buf_adds(b, "n/a");
        return;
    }
    switch (fmt) {
    case FMT_PCT:
        rep_num(b, 100 * v, 1);
        buf_addc(b, '%');
        break;
    case FMT_PP:
        if (v > 0)
            buf_addc(b, '+');
        rep_num(b, 100 * v, 1);
        buf_adds(b, " pp");
        break;
    case FMT_RATIO:
        rep_num(b, v, 2);
        break;
    case FMT_INT:
        rep_num(b, v, 0);
        break;
    case FMT_CHI:
        rep_num(b, v, 2);
        break;
    default:
        rep_num(b, v, 3);
    }
}

void rep_p(struct buf *b, double p)
{
    if (!isfinite(p))
        buf_adds(b, "n/a");
    else if (p < 0.001)
        buf_adds(b, "&lt; 0.001");
    else {
        buf_adds(b, "= ");
        rep_num(b, p, 3);
    }
}

void rep_supp(const struct rep *r, struct buf *b)
{
    buf_addf(b, "<span class=\"supp\">suppressed (n&lt;%d)</span>", r->min_cell);
}

void rep_supp_text(const struct rep *r, char *out, size_t n)
{
    snprintf(out, n, "suppressed (n<%d)", r->min_cell);
}

/* An estimate with its interval in one cell's text. */
void rep_est(const struct rep *r, struct buf *b, const struct mrow *m, int fmt, int show_n)
{
    if (!m) {
        buf_adds(b, "<span class=\"na\">no data</span>");
        return;
    }
    if (m->suppressed) {
        rep_supp(r, b);
        return;
    }
    if (!isfinite(m->value))
        buf_adds(b, "not estimable");
    else
        rep_value(b, m->value, fmt);
    if (isfinite(m->value) && isfinite(m->lo) && isfinite(m->hi)) {
        buf_adds(b, " <span class=\"ci\">(");
        if (fmt == FMT_PP) {
            rep_num(b, 100 * m->lo, 1);
            buf_adds(b, " to ");
            rep_num(b, 100 * m->hi, 1);
            buf_adds(b, " pp");
        } else {
            rep_value(b, m->lo, fmt);
            buf_adds(b, " to ");
            rep_value(b, m->hi, fmt);
        }
        buf_adds(b, ")</span>");
    }
    if (show_n && m->n >= 0) {
        buf_adds(b, "<br><span class=\"nk\">");
        if (show_n == 2 && m->k >= 0)
            buf_addf(b, "%ld of %ld", m->k, m->n);
        else
            buf_addf(b, "n = %ld", m->n);
        buf_adds(b, "</span>");
    }
}

void rep_p_cell(const struct rep *r, struct buf *b, const struct mrow *m, int with_q)
{
    buf_adds(b, "<td>");
    if (!m)
        buf_adds(b, "<span class=\"na\">no data</span>");
    else if (m->suppressed)
        rep_supp(r, b);
    else {
        buf_adds(b, "p ");
        rep_p(b, m->p);
        if (with_q) {
            buf_adds(b, "<br>q ");
            rep_p(b, m->q);
        }
    }
    buf_adds(b, "</td>");
}

void rep_no_data(struct buf *b, const char *what)
{
    buf_adds(b, "<p class=\"nodata\">No data: ");
    html_esc(b, what);
    buf_adds(b, "</p>\n");
}

void rep_section(struct buf *b, const char *id, const char *title)
{
    buf_adds(b, "<section id=\"");
    html_esc(b, id);
    buf_adds(b, "\">\n<h2>");
    html_esc(b, title);
    buf_adds(b, "</h2>\n");
}

/* A table row: label, then all / IMG / non-IMG estimates. */
void rep_group_row(const struct rep *r, struct buf *b, const char *label, const char *metric,
                   const char *stratum, const char *period, int fmt, int show_n)
{
    buf_adds(b, "<tr><th scope=\"row\">");
    html_esc(b, label);
    buf_adds(b, "</th>");
    for (int g = 0; g < 3; g++) {
        buf_adds(b, "<td>");
        rep_est(r, b, rep_find(r, metric, GROUPS3[g], stratum, period), fmt, show_n);
        buf_adds(b, "</td>");
    }
    buf_adds(b, "</tr>\n");
}

void rep_group_head(struct buf *b, const char *first, const char *extra)
{
    buf_adds(b, "<table>\n<thead><tr><th scope=\"col\">");
    html_esc(b, first);
    buf_adds(b, "</th><th scope=\"col\">All residents</th><th scope=\"col\">IMG</th><th scope=\"col\">Non-IMG</th>");
    if (extra) {
        buf_adds(b, extra);
    }
    buf_adds(b, "</tr></thead>\n<tbody>\n");
}

/* ---- charts --------------------------------------------------------------- */

static int read_all(const char *path, struct buf *out, struct imgo_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return imgo_err_set(err, IMGO_EIO, "%s: cannot read: %s", path, strerror(errno));
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_add(out, tmp, n);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return imgo_err_set(err, IMGO_EIO, "%s: read error", path);
    return IMGO_OK;
}

int rep_chart(struct rep *r, const struct plot_chart *c, const char *caption, struct imgo_err *err)
{
    int rc;
    if (!plot_has_data(c)) {
        char s[64];
        rep_supp_text(r, s, sizeof s);
        struct buf t = BUF_INIT;
        buf_addf(&t, "%s: nothing to draw (every point is missing or %s).", c->title, s);
        rep_no_data(r->h, buf_str(&t));
        buf_release(&t);
        return IMGO_OK;
    }
    if (!r->plot && (rc = plot_open(&r->plot, r->out, err)))
        return rc;
    if ((rc = plot_render(r->plot, c, err)))
        return rc;
    struct buf path = BUF_INIT, svg = BUF_INIT;
    buf_addf(&path, "%s/charts/%s.svg", r->out, c->name);
    rc = read_all(buf_str(&path), &svg, err);
    if (!rc) {
        struct buf *h = r->h;
        buf_adds(h, "<figure class=\"chart\" role=\"group\" aria-label=\"");
        html_esc(h, c->title);
        buf_adds(h, "\">\n");
        rc = html_inline_svg(h, svg.data ? svg.data : "", svg.len, c->name, err);
        buf_adds(h, "\n<figcaption>");
        html_esc(h, c->title);
        if (caption && *caption) {
            buf_adds(h, ". ");
            html_esc(h, caption);
        }
        buf_adds(h, " (charts/");
        html_esc(h, c->name);
        buf_adds(h, ".svg, .png)</figcaption>\n</figure>\n");
    }
    buf_release(&path);
    buf_release(&svg);
    return rc;
}

/* The metrics row a chart point shows, where there is one: a point is
 * hidden whenever its row is, so charts follow the rows' complementary
 * suppression. */
static const struct mrow *point_row(const struct rep *r, const char *chart, const struct cpoint *p)
{
    char period[32];
    struct buf st = BUF_INIT;
    const struct mrow *m = NULL;
    if (!strcmp(chart, "board_pass") && isfinite(p->x)) {
        snprintf(period, sizeof period, "%.0f", p->x);
        buf_addf(&st, "exam=%s", p->label);
        m = rep_find(r, "board.first_attempt_pass_rate", p->series, buf_str(&st), period);
    } else if (!strcmp(chart, "fellowship_match"))
        m = rep_find(r, "fellowship.match_rate", p->series, "", p->label);
    else if (!strcmp(chart, "step3_visa") && !strcmp(p->series, "visa")) {
        buf_addf(&st, "visa=%s", p->label);
        m = rep_find(r, "step3.pass_by_month12", "img", buf_str(&st), "");
    } else if (!strcmp(chart, "step3_visa") && !strcmp(p->series, "group"))
        m = rep_find(r, "step3.pass_by_month12", p->label, "", "");
    buf_release(&st);
    return m;
}

/* chart_points rows of one chart, ordered by series then seq. */
size_t rep_points(struct rep *r, const char *chart, struct cpoint **out, struct imgo_err *err)
{
    *out = NULL;
    if (!table_exists(r->db, "chart_points"))
        return 0;
    sqlite3_stmt *st;
    if (db_prepare(r->db,
                   "SELECT series, label, x, n, k, value, ci_low, ci_high, suppressed FROM chart_points "
                   "WHERE chart = ? ORDER BY series, seq",
                   &st, err))
        return 0;
    sqlite3_bind_text(st, 1, chart, -1, SQLITE_STATIC);
    size_t n = 0, cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        struct cpoint *p = &(*out)[n++];
        p->series = col_text(st, 0);
        p->label = col_text(st, 1);
        p->x = col_num(st, 2);
        p->n = col_long(st, 3);
        p->k = col_long(st, 4);
        p->value = col_num(st, 5);
        p->lo = col_num(st, 6);
        p->hi = col_num(st, 7);
        p->suppressed = sqlite3_column_int(st, 8) != 0;
    }
    sqlite3_finalize(st);
    for (size_t i = 0; i < n; i++) {
        const struct mrow *m = point_row(r, chart, &(*out)[i]);
        if (m && m->suppressed)
            (*out)[i].suppressed = 1;
    }
    complement_points(*out, n);
    return n;
}

/* The chart of one label of a chart drawn once per label: NAME_SLUG, with
 * the slugs compute gave the table files (metrics.h chart_label_slugs over
 * the chart's distinct labels in byte order). NULL when label has no point. */
char *rep_chart_name(struct rep *r, const char *chart, const char *label, struct imgo_err *err)
{
    sqlite3_stmt *st;
    if (!table_exists(r->db, "chart_points") ||
        db_prepare(r->db, "SELECT DISTINCT label FROM chart_points WHERE chart = ? ORDER BY label", &st, err))
        return NULL;
    sqlite3_bind_text(st, 1, chart, -1, SQLITE_STATIC);
    char **labels = NULL;
    size_t n = 0, cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 8;
            labels = xrealloc(labels, cap * sizeof *labels);
        }
        labels[n++] = col_text(st, 0);
    }
    sqlite3_finalize(st);
    char **slugs = chart_label_slugs((const char *const *)labels, n);
    char *name = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!name && !strcmp(labels[i], label)) {
            struct buf b = BUF_INIT;
            buf_addf(&b, "%s_%s", chart, slugs[i]);
            name = buf_detach(&b, NULL);
        }
        free(labels[i]);
        free(slugs[i]);
    }
    free(labels);
    free(slugs);
    return name;
}

void rep_points_free(struct cpoint *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].series);
        free(p[i].label);
    }
    free(p);
}

/* ---- the document ------------------------------------------------------- */

static const char CSS[] =
    "body{font-family:Helvetica,Arial,sans-serif;font-size:11pt;line-height:1.4;color:#111;"
    "max-width:60em;margin:2em auto;padding:0 1em}\n"
    "h1{font-size:1.8em;margin-bottom:.2em}h2{font-size:1.35em;border-bottom:2px solid #0072B2;"
    "padding-bottom:.2em;margin-top:2em}h3{font-size:1.1em}\n"
    "table{border-collapse:collapse;margin:.8em 0;width:100%}\n"
    "th,td{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top}\n"
    "thead th{background:#eef3f8}td{font-variant-numeric:tabular-nums}\n"
    ".ci{color:#444}.nk{color:#555;font-size:.9em}.supp{color:#8a4b00;font-style:italic}\n"
    ".na,.nodata{color:#555;font-style:italic}.flag{color:#A33A00;font-weight:bold}\n"
    ".confidential{background:#000;color:#fff;text-align:center;font-weight:bold;padding:.3em;"
    "letter-spacing:.1em}\n"
    "figure.chart{margin:1em 0}figure.chart svg{width:100%;height:auto;max-width:800px}\n"
    "figcaption{font-size:.9em;color:#333}dl.meta dt{font-weight:bold}dl.meta dd{margin:0 0 .4em 0}\n"
    "code{font-size:.95em}\n"
    "@media print{body{max-width:none;margin:0;font-size:10pt}section{page-break-before:always;"
    "break-before:page}section#cover{page-break-before:avoid;break-before:avoid}"
    "tr,figure{page-break-inside:avoid;break-inside:avoid}thead{display:table-header-group}}\n";

void rep_head(struct buf *h, const char *title, int confidential)
{
    buf_adds(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                "style-src 'unsafe-inline'; img-src data:\">\n<title>");
    html_esc(h, title);
    buf_adds(h, "</title>\n<style>\n");
    buf_adds(h, CSS);
    if (confidential)
        buf_adds(h, "@media print{.confidential{position:fixed;top:0;left:0;right:0}"
                    "body{padding-top:2em}}\n");
    buf_adds(h, "</style>\n</head>\n<body>\n");
    if (confidential)
        buf_adds(h, "<div class=\"confidential\" role=\"note\">CONFIDENTIAL: lists residents by ID. "
                    "For the IMG committee only; do not forward.</div>\n");
}

void rep_info_int(struct rep *r)
{
    const char *v = rep_info(r, "min_cell");
    r->min_cell = v && atoi(v) > 0 ? atoi(v) : 5;
    v = rep_info(r, "confidence");
    r->conf = v && atof(v) > 0 ? atof(v) : 0.95;
    v = rep_info(r, "fdr_q");
    r->fdr_q = v && atof(v) > 0 ? atof(v) : 0.10;
    v = rep_info(r, "board_pass_threshold");
    r->threshold = v ? atof(v) : 0.80;
    v = rep_info(r, "as_of");
    r->has_as_of = v && !date_parse(v, strlen(v), &r->as_of);
}

int report_write(sqlite3 *db, int kind, const char *outdir, const struct report_prov *prov,
                 struct imgo_err *err)
{
    struct rep r;
    struct buf html = BUF_INIT;
    memset(&r, 0, sizeof r);
    r.db = db;
    r.out = outdir;
    r.h = &html;
    r.prov = prov;
    int rc;
    if ((rc = fs_mkdirs(outdir, err)))
        return rc;
    rc = load_metrics(&r, err);
    if (!rc)
        rc = load_info(&r, err);
    if (!rc) {
        rep_info_int(&r);
        complement_rows(&r);
        rc = kind == REPORT_QUARTERLY ? rep_quarterly(&r, err) : rep_annual(&r, err);
    }
    struct imgo_err perr = IMGO_ERR_INIT;
    int prc = plot_close(r.plot, &perr);
    if (!rc && prc)
        rc = imgo_err_set(err, prc, "%s", perr.msg);
    if (!rc)
        {
            struct buf path = BUF_INIT;
            buf_addf(&path, "%s/report.html", outdir);
            rc = fs_write_atomic(buf_str(&path), html.data, html.len, err);
            buf_release(&path);
        }
    for (size_t i = 0; i < r.n_rows; i++) {
        free(r.rows[i].metric);
        free(r.rows[i].group);
        free(r.rows[i].stratum);
        free(r.rows[i].period);
    }
    free(r.rows);
    for (size_t i = 0; i < r.n_info; i++) {
        free(r.info_k[i]);
        free(r.info_v[i]);
    }
    free(r.info_k);
    free(r.info_v);
    buf_release(&html);
    return rc;
}
