/*
 * since.c - the section "Since the last report" of the annual and the
 * institution report, when --compare-to names an earlier run's output
 * directory (report.h report_prev_load).
 *
 * It sets this report beside the earlier one: the as-of dates ("one year
 * later", or the days between), each headline figure then and now, in the
 * annual report the accreditation flags raised and cleared and the
 * evaluators newly flagged or no longer flagged, and which input files and
 * parameters changed. The "then" figures are exactly what the earlier
 * report printed (its public.csv, shown as printed; a figure it hid reads
 * "hidden"), never its raw metrics, so the comparison discloses nothing
 * that report did not; the flags it raised come from its metrics.csv, as
 * every raised flag is printed whatever is hidden. The "now" figures go
 * through rhtml.h like every other number of this report. An earlier run
 * without public.csv (an older imgo) gets its inputs and parameters
 * compared only, and the section says why.
 */
#include "sections.h"
#include "date.h"
#include "db.h"
#include "html.h"
#include "mem.h"
#include "params.h"
#include "public.h"
#include "rhtml.h"
#include "rtext.h"
#include "rprev.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Which period of a headline: none (the empty period), the latest span of
 * years ("2023-2025"), or the latest single year. */
enum per { PER_NONE, PER_SPAN, PER_YEAR };

struct headline {
    char *label;
    enum metric_id metric;
    const char *group, *stratum;
    enum per per;
    int show_n;        /* as rep_est; -1: a count (the row's n) alone */
};

struct headlines {
    struct headline *h;
    size_t n, cap;
};

static void add(struct headlines *l, const char *label, enum metric_id metric, const char *group,
                const char *stratum, enum per per, int show_n)
{
    ALLOC_GROW(l->h, l->n + 1, l->cap);
    l->h[l->n++] = (struct headline){ xstrdup(label), metric, group, stratum, per, show_n };
}

static void headlines_release(struct headlines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->h[i].label);
    free(l->h);
}

static const struct report_prev *prev_of(const struct rep *r)
{
    return r->prov ? r->prov->prev : NULL;
}

int rep_section_present(const struct rep *r, const struct report_section *s)
{
    if (s->render == rep_sec_since_annual || s->render == rep_sec_since_institution)
        return prev_of(r) != NULL;
    return 1;
}

static int is_year(const char *p)
{
    return strlen(p) == 4 && strspn(p, "0123456789") == 4;
}

static int is_span(const char *p)
{
    return strlen(p) == 9 && p[4] == '-' && strspn(p, "0123456789") == 4 && strspn(p + 5, "0123456789") == 4;
}

static int per_fits(enum per per, const char *period)
{
    return per == PER_NONE ? !*period : per == PER_SPAN ? is_span(period) : is_year(period);
}

/* ---- then: what the earlier report printed -------------------------------- */

/* The shown text of a field of a row of the earlier public.csv, or NULL
 * when it printed no such field. */
static const char *then_field(const struct report_prev *p, const char *metric, const char *group,
                              const char *stratum, const char *period, enum public_field field)
{
    for (size_t i = 0; i < p->pub.n; i++) {
        const struct public_row *x = &p->pub.rows[i];
        if (x->field == field && !strcmp(x->metric, metric) && !strcmp(x->group, group) &&
            !strcmp(x->stratum, stratum) && !strcmp(x->period, period))
            return x->shown;
    }
    return NULL;
}

/* The latest period of the kind per that the earlier report printed for
 * the row, or NULL. */
static const char *then_period(const struct report_prev *p, const char *metric, const char *group,
                               const char *stratum, enum per per)
{
    const char *best = NULL;
    for (size_t i = 0; i < p->pub.n; i++) {
        const struct public_row *x = &p->pub.rows[i];
        if (strcmp(x->metric, metric) || strcmp(x->group, group) || strcmp(x->stratum, stratum) ||
            !per_fits(per, x->period))
            continue;
        if (!best || strcmp(x->period, best) > 0)
            best = x->period;
    }
    return best;
}

/* The latest period of the kind per of this report's rows, or NULL. */
static const char *now_period(const struct rep *r, enum metric_id metric, const char *stratum, enum per per)
{
    const char **v;
    size_t n = rep_periods(r, metric, stratum, &v);
    const char *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (per_fits(per, v[i]) && (!best || strcmp(v[i], best) > 0))
            best = v[i];
    free(v);
    return best;
}

static void text_or_hidden(struct buf *h, const char *shown)
{
    if (*shown)
        html_esc(h, shown);
    else
        buf_adds(h, "<span class=\"supp\">hidden</span>");
}

/* A figure as the earlier report printed it. */
static void then_cell(struct buf *h, const struct report_prev *p, const struct headline *x)
{
    const char *metric = metric_name(x->metric);
    const char *period = x->per == PER_NONE ? "" : then_period(p, metric, x->group, x->stratum, x->per);
    if (!period) {
        buf_adds(h, "<span class=\"na\">not in that report</span>");
        return;
    }
    const char *v = then_field(p, metric, x->group, x->stratum, period, x->show_n < 0 ? PUBLIC_N : PUBLIC_VALUE);
    if (!v) {
        buf_adds(h, "<span class=\"na\">not in that report</span>");
        return;
    }
    if (*period) {
        html_esc(h, period);
        buf_adds(h, ": ");
    }
    const char *n = then_field(p, metric, x->group, x->stratum, period, PUBLIC_N);
    if (!*v && n && !strncmp(n, "fewer than ", 11)) {
        /* hidden for being small: the label it printed */
        buf_adds(h, "<span class=\"supp\">");
        html_esc(h, n);
        buf_adds(h, "</span>");
        return;
    }
    text_or_hidden(h, v);
    if (x->show_n < 0 || !*v)
        return;
    const char *lo = then_field(p, metric, x->group, x->stratum, period, PUBLIC_CI_LOW);
    const char *hi = then_field(p, metric, x->group, x->stratum, period, PUBLIC_CI_HIGH);
    if (lo && hi && *lo && *hi) {
        buf_adds(h, " <span class=\"ci\">(");
        html_esc(h, lo);
        buf_adds(h, " to ");
        html_esc(h, hi);
        buf_adds(h, ")</span>");
    }
    const char *k = then_field(p, metric, x->group, x->stratum, period, PUBLIC_K);
    if (x->show_n && n) {
        buf_adds(h, "<br><span class=\"nk\">");
        if (x->show_n == 2 && k) {
            text_or_hidden(h, k);
            buf_adds(h, " of ");
        } else
            buf_adds(h, "n = ");
        text_or_hidden(h, n);
        buf_adds(h, "</span>");
    }
}

/* The same figure in this report, through rhtml.h. */
static void now_cell(struct rep *r, const struct headline *x)
{
    struct buf *h = r->h;
    const char *period = x->per == PER_NONE ? "" : now_period(r, x->metric, x->stratum, x->per);
    const struct mrow *m = period ? rep_find(r, x->metric, x->group, x->stratum, period) : NULL;
    if (!m) {
        buf_adds(h, "<span class=\"na\">not in this report</span>");
        return;
    }
    if (*period) {
        html_esc(h, period);
        buf_adds(h, ": ");
    }
    if (x->show_n < 0)
        rep_count(r, h, m, "n", m->n);
    else
        rep_est(r, h, m, metric_def(x->metric)->show, x->show_n);
}

static void headline_table(struct rep *r, const struct headlines *l)
{
    struct buf *h = r->h;
    const struct report_prev *p = prev_of(r);
    buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Headline figure</th><th scope=\"col\">Then (as the "
                "earlier report printed it)</th><th scope=\"col\">Now</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; i < l->n; i++) {
        buf_adds(h, "<tr><th scope=\"row\">");
        html_esc(h, l->h[i].label);
        buf_adds(h, "</th><td>");
        then_cell(h, p, &l->h[i]);
        buf_adds(h, "</td><td>");
        now_cell(r, &l->h[i]);
        buf_adds(h, "</td></tr>\n");
    }
    buf_adds(h, "</tbody>\n</table>\n");
}

/* ---- the headline figures of each report ------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The exam strata of the board pass rate in this report or the earlier
 * one, sorted, each once. Free only the array. */
static size_t exams(const struct rep *r, const struct report_prev *p, const char ***out)
{
    const char **now, **all = NULL;
    size_t n = rep_strata(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, "exam=", &now), cap = 0, u = 0;
    const char *metric = metric_name(M_BOARD_FIRST_ATTEMPT_PASS_RATE);
    for (size_t i = 0; i < n; i++) {
        ALLOC_GROW(all, u + 1, cap);
        all[u++] = now[i];
    }
    free(now);
    for (size_t i = 0; i < p->pub.n; i++) {
        const struct public_row *x = &p->pub.rows[i];
        if (!strcmp(x->metric, metric) && !strcmp(x->group, "all") && !strncmp(x->stratum, "exam=", 5)) {
            ALLOC_GROW(all, u + 1, cap);
            all[u++] = x->stratum;
        }
    }
    if (u)
        qsort(all, u, sizeof *all, cmp_str);
    n = 0;
    for (size_t i = 0; i < u; i++)
        if (!n || strcmp(all[n - 1], all[i]))
            all[n++] = all[i];
    *out = all;
    return n;
}

/* The annual summary's headline figures (annual.c, summary). */
static void annual_headlines(const struct rep *r, const struct report_prev *p, struct headlines *l)
{
    add(l, "Residents in the cohort", M_COHORT_RESIDENTS, "all", "", PER_NONE, -1);
    const char **ex;
    size_t nex = exams(r, p, &ex);
    struct buf label = BUF_INIT;
    for (size_t e = 0; e < nex; e++) {
        buf_reset(&label);
        buf_addf(&label, "First-attempt board pass rate, %s (3 years)", ex[e] + 5);
        add(l, buf_str(&label), M_BOARD_FIRST_ATTEMPT_PASS_RATE, "all", ex[e], PER_SPAN, 2);
        buf_reset(&label);
        buf_addf(&label, "First-attempt board pass rate, %s, latest year", ex[e] + 5);
        add(l, buf_str(&label), M_BOARD_FIRST_ATTEMPT_PASS_RATE, "all", ex[e], PER_YEAR, 2);
    }
    buf_release(&label);
    free(ex);
    add(l, "Fellowship match rate, latest cycle", M_FELLOWSHIP_MATCH_RATE, "all", "", PER_YEAR, 2);
    for (size_t i = 0; i < REP_N_HEADLINES; i++) {
        const struct rep_headline *x = &REP_HEADLINES[i];
        add(l, x->label, x->metric, x->group, x->stratum, PER_NONE, x->show_n);
    }
}

/* The institution summary's: every program together. */
static void institution_headlines(struct headlines *l)
{
    add(l, "First-attempt board pass, all programs", M_INSTITUTION_BOARD_PASS, "all", "", PER_SPAN, 2);
    add(l, "Retained in training at 3 years, all programs (Kaplan-Meier)", M_INSTITUTION_RETENTION_3Y, "all", "",
        PER_NONE, 1);
    add(l, "Any adverse CCC action, all programs", M_INSTITUTION_ADVERSE_ACTION_RATE, "all", "", PER_NONE, 2);
    add(l, "All required mentors assigned in week 1, all programs", M_INSTITUTION_TIERED_COVERAGE, "all", "",
        PER_NONE, 2);
}

/* ---- flags and evaluators (annual) ----------------------------------------- */

static int then_flagged(const struct report_prev *p, const char *stratum)
{
    for (size_t i = 0; i < p->n_flags; i++)
        if (!strcmp(p->flags[i].stratum, stratum))
            return 1;
    return 0;
}

/* This report's raised flag of the exam stratum, or NULL. */
static const struct mrow *now_flag(const struct rep *r, const char *stratum)
{
    const char **per;
    size_t n = rep_periods(r, M_BOARD_ACCREDITATION_FLAG, stratum, &per);
    const struct mrow *f = NULL;
    for (size_t i = 0; i < n && !f; i++) {
        const struct mrow *m = rep_find(r, M_BOARD_ACCREDITATION_FLAG, "all", stratum, per[i]);
        if (m && m->value == 1)
            f = m;
    }
    free(per);
    return f;
}

static void flags(struct rep *r)
{
    struct buf *h = r->h;
    const struct report_prev *p = prev_of(r);
    buf_adds(h, "<h3>Accreditation flags</h3>\n");
    if (!p->has_metrics) {
        buf_adds(h, "<p>The earlier run has no metrics.csv: the flags it raised are not known.</p>\n");
        return;
    }
    /* every exam flagged then or now */
    const char **st = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < p->n_flags; i++) {
        ALLOC_GROW(st, n + 1, cap);
        st[n++] = p->flags[i].stratum;
    }
    const char **now;
    size_t nn = rep_strata(r, M_BOARD_ACCREDITATION_FLAG, "exam=", &now);
    for (size_t i = 0; i < nn; i++)
        if (now_flag(r, now[i])) {
            ALLOC_GROW(st, n + 1, cap);
            st[n++] = now[i];
        }
    free(now);
    if (n)
        qsort(st, n, sizeof *st, cmp_str);
    const char *threshold = prev_param(p, "board_pass_threshold");
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && !strcmp(st[i], st[i - 1]))
            continue;
        const struct mrow *f = now_flag(r, st[i]);
        int then = then_flagged(p, st[i]);
        if (!any++)
            buf_adds(h, "<ul>\n");
        buf_adds(h, f ? "<li class=\"flag\">" : "<li>");
        html_esc(h, strncmp(st[i], "exam=", 5) ? st[i] : st[i] + 5);
        buf_adds(h, f && !then ? ": raised since the earlier report" : !f ? ": cleared since the earlier report"
                                                                       : ": raised then and now");
        if (f) {
            buf_adds(h, "; the first-attempt pass rate for ");
            html_esc(h, f->period);
            buf_adds(h, " is ");
            rep_est(r, h, rep_find(r, M_BOARD_FIRST_ATTEMPT_PASS_RATE, "all", st[i], f->period), SHOW_PCT, 0);
            buf_adds(h, ", below the threshold of ");
            rep_value(h, r->threshold, SHOW_PCT);
        } else {
            const char *metric = metric_name(M_BOARD_FIRST_ATTEMPT_PASS_RATE);
            const char *per = then_period(p, metric, "all", st[i], PER_SPAN);
            const char *v = per ? then_field(p, metric, "all", st[i], per, PUBLIC_VALUE) : NULL;
            if (v) {
                buf_adds(h, "; the earlier report printed ");
                text_or_hidden(h, v);
                buf_adds(h, " for ");
                html_esc(h, per);
                if (threshold) {
                    buf_adds(h, " against a threshold of ");
                    html_esc(h, threshold);
                }
            }
        }
        buf_adds(h, "</li>\n");
    }
    free(st);
    if (any)
        buf_adds(h, "</ul>\n");
    else
        buf_adds(h, "<p>No accreditation flag was raised then or now.</p>\n");
}

/* Evaluators the earlier report flagged: those it printed with a q value
 * below its fdr_q and a negative gap (its table of flagged evaluators). */
static int then_evaluator_flagged(const struct report_prev *p, const char *stratum, double fdr)
{
    const char *metric = metric_name(M_BIAS_EVALUATOR_GAP);
    const char *q = then_field(p, metric, "img_vs_non_img", stratum, "", PUBLIC_Q_VALUE);
    const char *v = then_field(p, metric, "img_vs_non_img", stratum, "", PUBLIC_VALUE);
    struct public_num num;
    struct imgo_err e = IMGO_ERR_INIT;
    if (!q || !v || *v != '-' || public_shown(q, PUBLIC_Q_VALUE, &num, &e) || num.kind != PUBLIC_NUMBER)
        return 0;
    return num.lo < fdr;
}

static int now_evaluator_flagged(const struct rep *r, const struct mrow *m)
{
    return m && !m->suppressed && m->q < r->fdr_q && m->value < 0;
}

static void evaluators(struct rep *r)
{
    struct buf *h = r->h;
    const struct report_prev *p = prev_of(r);
    buf_adds(h, "<h3>Evaluators flagged</h3>\n");
    const char *fq = prev_param(p, "fdr_q");
    double fdr = fq && atof(fq) > 0 ? atof(fq) : 0.10;
    const char *metric = metric_name(M_BIAS_EVALUATOR_GAP);
    const char **st = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < p->pub.n; i++) {
        const struct public_row *x = &p->pub.rows[i];
        if (!strcmp(x->metric, metric) && !strncmp(x->stratum, "evaluator=", 10) &&
            then_evaluator_flagged(p, x->stratum, fdr)) {
            ALLOC_GROW(st, n + 1, cap);
            st[n++] = x->stratum;
        }
    }
    const char **now;
    size_t nn = rep_strata(r, M_BIAS_EVALUATOR_GAP, "evaluator=", &now);
    for (size_t i = 0; i < nn; i++)
        if (now_evaluator_flagged(r, rep_find(r, M_BIAS_EVALUATOR_GAP, "img_vs_non_img", now[i], ""))) {
            ALLOC_GROW(st, n + 1, cap);
            st[n++] = now[i];
        }
    free(now);
    if (n)
        qsort(st, n, sizeof *st, cmp_str);
    int newly = 0, gone = 0, still = 0;
    struct buf nb = BUF_INIT, gb = BUF_INIT;
    struct buf *keep = r->h;
    for (size_t i = 0; i < n; i++) {
        if (i && !strcmp(st[i], st[i - 1]))
            continue;
        const struct mrow *m = rep_find(r, M_BIAS_EVALUATOR_GAP, "img_vs_non_img", st[i], "");
        int now_f = now_evaluator_flagged(r, m), then_f = then_evaluator_flagged(p, st[i], fdr);
        if (now_f && then_f) {
            still++;
            continue;
        }
        /* each list is written into its own buffer, numbers through rhtml.h */
        r->h = now_f ? &nb : &gb;
        newly += now_f;
        gone += !now_f;
        buf_adds(r->h, "<li>");
        html_esc(r->h, st[i] + 10);
        if (now_f) {
            buf_adds(r->h, ": score gap ");
            rep_est(r, r->h, m, SHOW_NUM, 0);
            buf_adds(r->h, ", ");
            rep_pvalue(r, r->h, m, 0);
        } else {
            buf_adds(r->h, ": the earlier report printed a gap of ");
            html_esc(r->h, then_field(p, metric, "img_vs_non_img", st[i], "", PUBLIC_VALUE));
            buf_adds(r->h, "; now ");
            if (m)
                rep_est(r, r->h, m, SHOW_NUM, 0);
            else
                buf_adds(r->h, "<span class=\"na\">not tested (too few residents of a group)</span>");
        }
        buf_adds(r->h, "</li>\n");
    }
    r->h = keep;
    if (newly) {
        buf_adds(h, "<p class=\"flag\">Newly flagged:</p>\n<ul>\n");
        buf_add(h, nb.data, nb.len);
        buf_adds(h, "</ul>\n");
    }
    if (gone) {
        buf_adds(h, "<p>No longer flagged:</p>\n<ul>\n");
        buf_add(h, gb.data, gb.len);
        buf_adds(h, "</ul>\n");
    }
    if (!newly && !gone)
        buf_addf(h, "<p>No evaluator was newly flagged or is no longer flagged (%d flagged then and now).</p>\n",
                 still);
    else if (still)
        buf_addf(h, "<p>Flagged then and now: %d evaluator%s.</p>\n", still, still == 1 ? "" : "s");
    buf_release(&nb);
    buf_release(&gb);
    free(st);
}

/* ---- inputs, parameters, as-of -------------------------------------------- */

/* The ledger's latest row per file: what this report's database holds. */
static const char FILES_SQL[] =
    "SELECT file, sha256, rows_read, rows_written, rows_rejected FROM ingest_ledger l "
    "WHERE id = (SELECT MAX(id) FROM ingest_ledger m WHERE m.file = l.file) ORDER BY file";

static const struct prev_file *prev_file(const struct report_prev *p, const char *name)
{
    for (size_t i = 0; i < p->n_files; i++)
        if (!strcmp(p->files[i].file, name))
            return &p->files[i];
    return NULL;
}

static void rows_cell(struct buf *h, long long read, long long written, long long rejected)
{
    buf_addf(h, "%lld rows ingested", written);
    if (rejected || read != written + rejected)
        buf_addf(h, " (%lld read, %lld rejected)", read, rejected);
}

static int inputs(struct rep *r, struct imgo_err *err)
{
    struct buf *h = r->h;
    const struct report_prev *p = prev_of(r);
    sqlite3_stmt *st;
    int rc = db_prepare(r->db, FILES_SQL, &st, err);
    if (rc)
        return rc;
    unsigned char *seen = xcalloc(p->n_files + 1, 1);
    int changed = 0, s;
    struct buf rows = BUF_INIT;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0), *sha = (const char *)sqlite3_column_text(st, 1);
        const struct prev_file *f = prev_file(p, name ? name : "");
        if (f)
            seen[f - p->files] = 1;
        if (f && sha && !strcmp(f->sha256, sha))
            continue;
        changed++;
        buf_adds(&rows, "<tr><th scope=\"row\">");
        html_esc(&rows, name ? name : "");
        buf_adds(&rows, "</th><td>");
        if (f) {
            rows_cell(&rows, f->rows_read, f->rows_written, f->rows_rejected);
            buf_adds(&rows, "<br><code class=\"hash\">");
            html_esc(&rows, f->sha256);
            buf_adds(&rows, "</code>");
        } else
            buf_adds(&rows, "<span class=\"na\">not in the earlier run</span>");
        buf_adds(&rows, "</td><td>");
        rows_cell(&rows, sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4));
        buf_adds(&rows, "<br><code class=\"hash\">");
        html_esc(&rows, sha ? sha : "");
        buf_adds(&rows, "</code></td></tr>\n");
    }
    if (s != SQLITE_DONE)
        rc = db_error(r->db, err);
    sqlite3_finalize(st);
    for (size_t i = 0; !rc && i < p->n_files; i++) {
        if (seen[i])
            continue;
        changed++;
        buf_adds(&rows, "<tr><th scope=\"row\">");
        html_esc(&rows, p->files[i].file);
        buf_adds(&rows, "</th><td>");
        rows_cell(&rows, p->files[i].rows_read, p->files[i].rows_written, p->files[i].rows_rejected);
        buf_adds(&rows, "</td><td><span class=\"na\">not in this run</span></td></tr>\n");
    }
    buf_adds(h, "<h3>Input files</h3>\n");
    if (!rc && changed) {
        buf_addf(h, "<p>%d input file%s: a different SHA-256 of the bytes ingested, or in one run only. The "
                    "other files are the same bytes.</p>\n",
                 changed, changed == 1 ? " differs" : "s differ");
        buf_adds(h, "<table class=\"files\">\n<thead><tr><th scope=\"col\">Input file</th><th scope=\"col\">Then"
                    "</th><th scope=\"col\">Now</th></tr></thead>\n<tbody>\n");
        buf_add(h, rows.data, rows.len);
        buf_adds(h, "</tbody>\n</table>\n");
    } else if (!rc)
        buf_adds(h, "<p>Every input file is the same as in the earlier run (the same SHA-256 of the bytes "
                    "ingested).</p>\n");
    buf_release(&rows);
    free(seen);
    return rc;
}

static void parameters(struct rep *r)
{
    struct buf *h = r->h;
    const struct report_prev *p = prev_of(r);
    int changed = 0;
    buf_adds(h, "<h3>Parameters</h3>\n");
    for (int i = 0; params_keys[i]; i++) {
        const char *key = params_keys[i];
        if (!strcmp(key, "as_of"))
            continue; /* compared above, as resolved */
        const char *then = prev_param(p, key), *now = rep_info(r, key);
        if ((!then && !now) || (then && now && !strcmp(then, now)))
            continue;
        if (!changed++)
            buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Parameter</th><th scope=\"col\">Then</th>"
                        "<th scope=\"col\">Now</th></tr></thead>\n<tbody>\n");
        const char *v[2] = { then, now };
        buf_adds(h, "<tr><td><code>");
        html_esc(h, key);
        buf_adds(h, "</code></td>");
        for (int j = 0; j < 2; j++) {
            buf_adds(h, "<td>");
            if (!v[j])
                buf_adds(h, "<span class=\"na\">not recorded</span>");
            else if (!*v[j])
                buf_adds(h, "<span class=\"na\">(empty: the default)</span>");
            else
                html_esc(h, v[j]);
            buf_adds(h, "</td>");
        }
        buf_adds(h, "</tr>\n");
    }
    if (changed)
        buf_adds(h, "</tbody>\n</table>\n");
    else
        buf_adds(h, "<p>No parameter changed.</p>\n");
}

/* "one year later", "2 years later", "the same as-of date", "90 days
 * later", "30 days earlier" into b; 0 when a date is missing. */
static int elapsed(const char *then, const char *now, struct buf *b)
{
    int d0, d1;
    if (!then || !now || date_parse(then, strlen(then), &d0) || date_parse(now, strlen(now), &d1))
        return 0;
    int y0, m0, dd0, y1, m1, dd1;
    date_to_ymd(d0, &y0, &m0, &dd0);
    date_to_ymd(d1, &y1, &m1, &dd1);
    if (d0 == d1)
        buf_adds(b, "the same as-of date");
    else if (m0 == m1 && dd0 == dd1 && y1 > y0)
        buf_addf(b, y1 - y0 == 1 ? "one year later" : "%d years later", y1 - y0);
    else if (d1 > d0)
        buf_addf(b, "%d day%s later", d1 - d0, d1 - d0 == 1 ? "" : "s");
    else
        buf_addf(b, "%d day%s earlier", d0 - d1, d0 - d1 == 1 ? "" : "s");
    return 1;
}

static int since(struct rep *r, int annual, struct imgo_err *err)
{
    struct buf *h = r->h;
    const struct report_prev *p = prev_of(r);
    const char *now = rep_info(r, "as_of");
    buf_adds(h, "<p class=\"lead\">This report beside the earlier one in <code>");
    html_esc(h, p->dir);
    buf_adds(h, "</code> (imgo ");
    html_esc(h, p->version ? p->version : "n/a");
    buf_adds(h, "). Its data were as of ");
    html_esc(h, p->as_of ? p->as_of : "a date it does not record");
    buf_adds(h, "; this report's are as of ");
    html_esc(h, now ? now : "n/a");
    struct buf gap = BUF_INIT;
    if (elapsed(p->as_of, now, &gap)) {
        buf_adds(h, ": ");
        html_esc(h, buf_str(&gap));
    }
    buf_release(&gap);
    buf_adds(h, ".</p>\n");
    if (!p->has_public) {
        buf_adds(h, "<p class=\"nodata\">The earlier run has no public.csv (an imgo before its reports listed the "
                    "numbers they print): what it printed is not known, so no figure is compared; only its "
                    "input files and parameters are.</p>\n");
    } else {
        buf_adds(h, "<h3>Headline figures</h3>\n<p>Then: each figure exactly as the earlier report printed it "
                    "(<span class=\"supp\">hidden</span> where it hid it), for its latest year or span; now: this "
                    "report's.</p>\n");
        struct headlines l = { 0 };
        if (annual)
            annual_headlines(r, p, &l);
        else
            institution_headlines(&l);
        headline_table(r, &l);
        headlines_release(&l);
        if (annual) {
            flags(r);
            evaluators(r);
        }
    }
    int rc = inputs(r, err);
    if (!rc)
        parameters(r);
    return rc;
}

int rep_sec_since_annual(struct rep *r, struct imgo_err *err)
{
    return since(r, 1, err);
}

int rep_sec_since_institution(struct rep *r, struct imgo_err *err)
{
    return since(r, 0, err);
}
