/*
 * disclose.c - the audit model of a report's published numbers (see
 * disclose.h).
 *
 * One pass makes the cells (a row's n and k, and the counts printed as
 * text), a second reads what is printed of them, a third writes the
 * relations the registry states. Rows are found by binary search on their
 * sorted keys.
 */
#include "disclose.h"
#include "buf.h"
#include "cohort.h"
#include "mem.h"
#include "public.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int disclose_cmp_key(const struct disclose_row *r, const char *metric, const char *group, const char *stratum,
                     const char *period)
{
    int c = strcmp(r->metric, metric);
    if (!c)
        c = strcmp(r->group, group);
    if (!c)
        c = strcmp(r->stratum, stratum);
    if (!c)
        c = strcmp(r->period, period);
    return c;
}

size_t disclose_find(const struct disclose_row *rows, size_t n, const char *metric, const char *group,
                     const char *stratum, const char *period)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = disclose_cmp_key(&rows[mid], metric, group, stratum, period);
        if (!c)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return AUDIT_NONE;
}

/* The row of a known metric's key, or AUDIT_NONE. */
static size_t find(const struct disclose_row *rows, size_t n, enum metric_id id, const char *group,
                   const char *stratum, const char *period)
{
    return disclose_find(rows, n, metric_name(id), group, stratum, period);
}

static void row_name(const struct disclose_row *r, const char *what, struct buf *b)
{
    buf_reset(b);
    buf_addf(b, "%s %s", r->metric, r->group);
    if (*r->stratum)
        buf_addf(b, " %s", r->stratum);
    if (*r->period)
        buf_addf(b, " %s", r->period);
    if (what)
        buf_addf(b, " %s", what);
}

int disclose_k_is_group(enum metric_id id)
{
    if (metric_def(id)->flags & MF_GROUP_SIZES)
        return 1;
    size_t np;
    const struct partition_def *p = partition_defs(&np);
    for (size_t i = 0; i < np; i++)
        if (p[i].metric == id && p[i].size_is_k)
            return 1;
    return 0;
}

/* c >= lo, and c <= hi unless hi is AUDIT_NO_UPPER: what a label says. */
static void bound(struct audit *a, const char *name, size_t c, long lo, long hi)
{
    double one = 1;
    audit_relation(a, name, AUDIT_GE, (double)lo, 1, &c, &one);
    if (hi != AUDIT_NO_UPPER)
        audit_relation(a, name, AUDIT_LE, (double)hi, 1, &c, &one);
}

/* The classes the labels tell a reader (disclose.h), stated alike with and
 * without the truth so that the report's choice and its audit agree:
 * - a row hidden for being small labels each of its group counts (n, and k
 *   when k counts a group) that is 1..m-1 "fewer than m": those lie in
 *   1..m-1 (without the truth, the printed label says so: see build);
 * - a row hidden to protect another is not small: its n is m or more;
 * - a shown row prints its counts exactly, which says more.
 * With the truth, a row that will be hidden as small is one compute flags
 * or one with a group count of 1..m-1; every other printed row is stated
 * as n >= m (or n = 0), which its exact count or its label confirms. */
static void label_relations(struct disclose *d, const struct disclose_row *r, size_t i, int hidden,
                            int min_cell, int with_truth, int labels_only, struct buf *name)
{
    if (d->figure[i] == AUDIT_NONE)
        return; /* nothing printed of it: no label either */
    if (!with_truth) {
        if (hidden == 2 && d->cell_n[i] != AUDIT_NONE) {
            row_name(r, "n class", name);
            bound(d->a, buf_str(name), d->cell_n[i], min_cell, AUDIT_NO_UPPER);
            /* the model of labels alone need not solve a count it bounds
             * away from 1..m-1 (the full model judges it safe for that) */
            if (labels_only)
                audit_cell_not_small(d->a, d->cell_n[i]);
        }
        if (hidden == 2 && d->cell_k[i] != AUDIT_NONE && disclose_k_is_group(r->id))
            audit_cell_not_small(d->a, d->cell_k[i]);
        return;
    }
    size_t cells[2] = { d->cell_n[i], d->cell_k[i] };
    long truth[2] = { r->n, r->k };
    int group[2] = { 1, disclose_k_is_group(r->id) };
    int small = hidden == 1 || (r->n > 0 && r->n < min_cell) ||
                (group[1] && r->k > 0 && r->k < min_cell);
    for (int c = 0; c < 2; c++) {
        if (cells[c] == AUDIT_NONE || !group[c] || truth[c] < 0)
            continue;
        row_name(r, c ? "k class" : "n class", name);
        if (small) {
            if (truth[c] >= 1 && truth[c] < min_cell)
                bound(d->a, buf_str(name), cells[c], 1, min_cell - 1);
        } else if (c == 0) {
            if (truth[c] == 0)
                bound(d->a, buf_str(name), cells[c], 0, 0);
            else
                bound(d->a, buf_str(name), cells[c], min_cell, AUDIT_NO_UPPER);
        }
    }
}

/* total OP sum(parts), for the n (and when both have one, the k) cells. */
static void sum_rows(struct disclose *d, const char *name, size_t total, const size_t *parts, size_t np, int k,
                     enum audit_op op)
{
    size_t *t = d->cell_n, *cells = xmalloc((np + 1) * sizeof *cells);
    double *coef = xmalloc((np + 1) * sizeof *coef);
    for (int pass = 0; pass < 1 + k; pass++) {
        t = pass ? d->cell_k : d->cell_n;
        size_t n = 0;
        if (t[total] == AUDIT_NONE)
            continue;
        cells[n] = t[total];
        coef[n++] = -1;
        for (size_t j = 0; j < np && n; j++) {
            if (t[parts[j]] == AUDIT_NONE) {
                n = 0;
                break;
            }
            cells[n] = t[parts[j]];
            coef[n++] = 1;
        }
        if (n)
            audit_relation(d->a, name, op, 0, n, cells, coef);
    }
    free(cells);
    free(coef);
}

static int is_year(const char *p)
{
    return strlen(p) == 4 && strspn(p, "0123456789") == 4;
}

/* The relations of row i that the registry states. */
static void relations(struct disclose *d, const struct disclose_row *rows, size_t nrows, size_t i,
                      struct buf *name)
{
    const struct disclose_row *r = &rows[i];
    const struct metric_def *def = metric_def(r->id);
    size_t parts[2];
    if ((def->flags & (MF_RATE | MF_K_SUBSET)) && d->cell_k[i] != AUDIT_NONE && d->cell_n[i] != AUDIT_NONE) {
        row_name(r, "k <= n", name);
        if (disclose_k_is_group(r->id)) {
            /* a part of a group, not an outcome: no rate rule */
            size_t cs[2] = { d->cell_k[i], d->cell_n[i] };
            double coef[2] = { 1, -1 };
            audit_relation(d->a, buf_str(name), AUDIT_LE, 0, 2, cs, coef);
        } else {
            audit_rate(d->a, buf_str(name), d->cell_k[i], d->cell_n[i]);
        }
    }
    /* all = img + non_img */
    if ((def->groups & MG_RATE) && !strcmp(r->group, "all")) {
        parts[0] = find(rows, nrows, r->id, "img", r->stratum, r->period);
        parts[1] = find(rows, nrows, r->id, "non_img", r->stratum, r->period);
        if (parts[0] != AUDIT_NONE && parts[1] != AUDIT_NONE) {
            row_name(r, "= img + non_img", name);
            sum_rows(d, buf_str(name), i, parts, 2, 1, AUDIT_EQ);
        }
    }
    /* a comparison's counts are its groups' */
    if ((def->flags & (MF_CMP_SUMS | MF_CMP_N)) && !strcmp(r->group, "img_vs_non_img")) {
        const char *st = def->base_stratum ? def->base_stratum : r->stratum;
        parts[0] = find(rows, nrows, def->base, "img", st, r->period);
        parts[1] = find(rows, nrows, def->base, "non_img", st, r->period);
        if (parts[0] != AUDIT_NONE && parts[1] != AUDIT_NONE) {
            row_name(r, "= its groups", name);
            sum_rows(d, buf_str(name), i, parts, 2, (def->flags & MF_CMP_SUMS) != 0, AUDIT_EQ);
        }
    }
    /* a change adds the year and the year before */
    if ((def->flags & MF_CHANGE) && is_year(r->period)) {
        char prev[16];
        snprintf(prev, sizeof prev, "%d", atoi(r->period) - 1);
        parts[0] = find(rows, nrows, def->base, "all", r->stratum, r->period);
        parts[1] = find(rows, nrows, def->base, "all", r->stratum, prev);
        if (parts[0] != AUDIT_NONE && parts[1] != AUDIT_NONE) {
            row_name(r, "= two years", name);
            sum_rows(d, buf_str(name), i, parts, 2, 1, AUDIT_EQ);
        }
    }
    /* a span, or all years pooled, is the sum of its years */
    if ((def->flags & MF_PERIODS_ADD) && !is_year(r->period)) {
        int y0 = 0, y1 = 99999;
        if (*r->period && sscanf(r->period, "%d-%d", &y0, &y1) != 2)
            return;
        /* the rows of the same metric, group and stratum are contiguous */
        size_t lo = i, hi = i;
        while (lo > 0 && rows[lo - 1].id == r->id && !strcmp(rows[lo - 1].group, r->group) &&
               !strcmp(rows[lo - 1].stratum, r->stratum))
            lo--;
        while (hi + 1 < nrows && rows[hi + 1].id == r->id && !strcmp(rows[hi + 1].group, r->group) &&
               !strcmp(rows[hi + 1].stratum, r->stratum))
            hi++;
        size_t *years = xmalloc((hi - lo + 1) * sizeof *years), ny = 0;
        for (size_t j = lo; j <= hi; j++)
            if (is_year(rows[j].period) && atoi(rows[j].period) >= y0 && atoi(rows[j].period) <= y1)
                years[ny++] = j;
        if (ny) {
            row_name(r, "= its years", name);
            sum_rows(d, buf_str(name), i, years, ny, 1, AUDIT_EQ);
        }
        free(years);
    }
}

/* Whether an earlier breakdown of the same metric counts its parts in k
 * (so the relations of its total are stated already). */
static int p_done(const struct partition_def *pd, size_t p)
{
    for (size_t q = 0; q < p; q++)
        if (pd[q].metric == pd[p].metric && pd[q].size_is_k)
            return 1;
    return 0;
}

/* The k of the total row t OP the sum of its parts' k (= when the
 * breakdown is complete, else <=); cells and coef have room for every row. */
static void part_outcomes(struct disclose *d, const struct disclose_row *rows, size_t nrows, size_t t,
                          const struct partition_def *pd, size_t *cells, double *coef, struct buf *name)
{
    const struct disclose_row *tr = &rows[t];
    size_t pl = strlen(pd->prefix), n = 0;
    cells[n] = d->cell_k[t];
    coef[n++] = -1;
    for (size_t j = 0; j < nrows; j++) {
        const struct disclose_row *pr = &rows[j];
        if (pr->id != tr->id || strcmp(pr->group, tr->group) || strcmp(pr->period, tr->period) ||
            strncmp(pr->stratum, pd->prefix, pl))
            continue;
        if (d->cell_k[j] == AUDIT_NONE)
            return; /* a part without an outcome count: no such sum */
        cells[n] = d->cell_k[j];
        coef[n++] = 1;
    }
    if (n < 2)
        return;
    row_name(tr, pd->prefix, name);
    buf_adds(name, " parts' k");
    audit_relation(d->a, buf_str(name), pd->complete ? AUDIT_EQ : AUDIT_LE, 0, n, cells, coef);
}

/* Breakdowns: the parts of a group sum to (at most) its total; a US
 * graduate is never an IMG and the reverse. */
static void partitions(struct disclose *d, const struct disclose_row *rows, size_t nrows, struct buf *name)
{
    size_t np;
    const struct partition_def *pd = partition_defs(&np);
    size_t *cells = xmalloc((nrows + 1) * sizeof *cells);
    double *coef = xmalloc((nrows + 1) * sizeof *coef);
    for (size_t p = 0; p < np; p++) {
        size_t pl = strlen(pd[p].prefix);
        for (size_t t = 0; t < nrows; t++) {
            const struct disclose_row *tr = &rows[t];
            if (tr->id != pd[p].metric || *tr->stratum || d->cell_n[t] == AUDIT_NONE)
                continue;
            size_t n = 0;
            cells[n] = d->cell_n[t];
            coef[n++] = -1;
            for (size_t j = 0; j < nrows; j++) {
                const struct disclose_row *pr = &rows[j];
                if (pr->id != tr->id || strcmp(pr->group, tr->group) || strcmp(pr->period, tr->period) ||
                    strncmp(pr->stratum, pd[p].prefix, pl))
                    continue;
                size_t c = pd[p].size_is_k ? d->cell_k[j] : d->cell_n[j];
                if (c == AUDIT_NONE)
                    continue;
                if (pd[p].size_is_k && d->cell_n[j] != AUDIT_NONE) {
                    /* a part counted in k is of the whole group, its n */
                    row_name(pr, "n = the group's", name);
                    size_t cs[2] = { d->cell_n[j], d->cell_n[t] };
                    double co[2] = { 1, -1 };
                    audit_relation(d->a, buf_str(name), AUDIT_EQ, 0, 2, cs, co);
                }
                cells[n] = c;
                coef[n++] = 1;
                if (pr->id == M_COHORT_RESIDENTS && !strcmp(pd[p].prefix, "graduate_type=") &&
                    (!strcmp(pr->group, "img") || !strcmp(pr->group, "non_img")) &&
                    cohort_is_img(pr->stratum + pl) != !strcmp(pr->group, "img")) {
                    row_name(pr, "fixed zero", name);
                    audit_fixed(d->a, buf_str(name), c, 0);
                }
            }
            if (pd[p].size_is_k && d->cell_k[t] != AUDIT_NONE && !p_done(pd, p)) {
                /* the group's own row counts all of it */
                row_name(tr, "k = n", name);
                size_t cs[2] = { d->cell_k[t], d->cell_n[t] };
                double co[2] = { 1, -1 };
                audit_relation(d->a, buf_str(name), AUDIT_EQ, 0, 2, cs, co);
            }
            if (n > 1) {
                row_name(tr, pd[p].prefix, name);
                buf_adds(name, " parts");
                audit_relation(d->a, buf_str(name), pd[p].complete ? AUDIT_EQ : AUDIT_LE, 0, n, cells, coef);
            }
            /* parts counted in n whose k counts an outcome of those same
             * residents (a pass, an event): the parts' outcomes add up to
             * the total's too */
            if (!pd[p].size_is_k && (metric_def(tr->id)->flags & (MF_RATE | MF_K_SUBSET)) &&
                d->cell_k[t] != AUDIT_NONE)
                part_outcomes(d, rows, nrows, t, &pd[p], cells, coef, name);
        }
    }
    free(cells);
    free(coef);
}

/* Whether rows of a metric can be tied to other rows (a total, a
 * comparison's groups, a span's years, a change, a breakdown): only then
 * can a row the report does not print matter to what a reader works out.
 * (An evaluator's row that is not printed is tied to nothing: the tens of
 * thousands of a national cohort stay out of the model.) */
static int cross_row(enum metric_id id)
{
    const struct metric_def *d = metric_def(id);
    if ((d->groups & MG_RATE) || (d->flags & (MF_CMP_SUMS | MF_CMP_N | MF_CHANGE | MF_PERIODS_ADD)))
        return 1;
    size_t np;
    const struct partition_def *p = partition_defs(&np);
    for (size_t i = 0; i < np; i++)
        if (p[i].metric == id)
            return 1;
    /* the base of another metric's comparison or change */
    for (int m = 0; m < M_COUNT; m++)
        if (metric_def((enum metric_id)m)->base == id)
            return 1;
    return 0;
}

/* A new cell of row i. */
static size_t new_cell(struct disclose *d, size_t i, const char *name, unsigned flags, long truth)
{
    size_t c = audit_cell(d->a, name, flags, truth);
    ALLOC_GROW(d->cell_row, c + 1, d->cap_cell_row);
    d->cell_row[c] = i;
    return c;
}

/* A text count's cell: the number at risk at t is at most the row's n, and
 * at the start it is n. */
static void text_cell(struct disclose *d, const struct disclose_row *r, size_t i, const char *text,
                      struct buf *name)
{
    row_name(r, text, name);
    size_t c = new_cell(d, i, buf_str(name), AUDIT_COUNT, AUDIT_NO_TRUTH);
    if (d->figure[i] != AUDIT_NONE)
        audit_figure_cell(d->a, d->figure[i], c);
    if (d->cell_n[i] == AUDIT_NONE || strncmp(text, "at_risk_", 8))
        return;
    size_t cs[2] = { c, d->cell_n[i] };
    double coef[2] = { 1, -1 };
    audit_relation(d->a, buf_str(name), strcmp(text, "at_risk_0y") ? AUDIT_LE : AUDIT_EQ, 0, 2, cs, coef);
}

/* The class a printed count tells, as a relation: 0, or min_cell or more
 * (a count is printed only when it is not small). */
static void count_class(struct disclose *d, size_t cell, double v, int min_cell, struct buf *name)
{
    if (v == 0)
        bound(d->a, buf_str(name), cell, 0, 0);
    else if (v >= min_cell)
        bound(d->a, buf_str(name), cell, min_cell, AUDIT_NO_UPPER);
}

static int build(struct disclose *d, const struct disclose_row *rows, size_t nrows, const struct disclose_pub *pub,
                 size_t npub, int min_cell, int with_truth, int labels_only, struct imgo_err *err)
{
    memset(d, 0, sizeof *d);
    d->a = audit_new(min_cell);
    d->nrows = nrows;
    d->figure = xmalloc((nrows ? nrows : 1) * sizeof *d->figure);
    d->cell_n = xmalloc((nrows ? nrows : 1) * sizeof *d->cell_n);
    d->cell_k = xmalloc((nrows ? nrows : 1) * sizeof *d->cell_k);
    /* printed[i]: 1 when row i prints something; then without the truth,
     * bit 2 when it prints a number, bit 4 a "fewer than" label */
    unsigned char *used = xcalloc(M_COUNT, 1), *printed = xcalloc(nrows ? nrows : 1, 1);
    unsigned char *cross = xcalloc(M_COUNT, 1);
    for (int m = 0; m < M_COUNT; m++)
        cross[m] = (unsigned char)cross_row((enum metric_id)m);
    for (size_t p = 0; p < npub; p++) {
        printed[pub[p].row] |= 1;
        if (!strncmp(pub[p].shown, "fewer than ", 11))
            printed[pub[p].row] |= 4;
        else if (*pub[p].shown)
            printed[pub[p].row] |= 2;
        if (rows[pub[p].row].id != M_NONE)
            used[rows[pub[p].row].id] = 1;
    }
    struct buf name = BUF_INIT;
    /* the cells of every row of a metric the report prints */
    for (size_t i = 0; i < nrows; i++) {
        const struct disclose_row *r = &rows[i];
        d->figure[i] = d->cell_n[i] = d->cell_k[i] = AUDIT_NONE;
        if (r->id == M_NONE || !used[r->id] || (!printed[i] && !cross[r->id]))
            continue;
        if (printed[i]) {
            row_name(r, NULL, &name);
            d->figure[i] = audit_figure(d->a, buf_str(&name), -1, !strcmp(r->group, "all") ? AUDIT_HEADLINE : 0);
        }
        if (!with_truth || r->n >= 0) {
            row_name(r, "n", &name);
            d->cell_n[i] = new_cell(d, i, buf_str(&name), AUDIT_COUNT, with_truth ? r->n : AUDIT_NO_TRUTH);
        }
        if (!with_truth || r->k >= 0) {
            row_name(r, "k", &name);
            d->cell_k[i] = new_cell(d, i, buf_str(&name), disclose_k_is_group(r->id) ? AUDIT_COUNT : 0,
                                      with_truth ? r->k : AUDIT_NO_TRUTH);
        }
        if (d->figure[i] != AUDIT_NONE) {
            if (d->cell_n[i] != AUDIT_NONE)
                audit_figure_cell(d->a, d->figure[i], d->cell_n[i]);
            if (d->cell_k[i] != AUDIT_NONE)
                audit_figure_cell(d->a, d->figure[i], d->cell_k[i]);
        }
        /* how a row is hidden: with the truth, as the report will hide
         * it; else as its labels tell (a row hidden to protect another
         * prints no number and no label) */
        int hidden = with_truth ? r->hidden : (printed[i] & 2) ? 0 : (printed[i] & 4) ? 1 : 2;
        label_relations(d, r, i, hidden, min_cell, with_truth, labels_only, &name);
    }
    /* what is printed */
    int rc = IMGO_OK;
    for (size_t p = 0; !rc && p < npub; p++) {
        const struct disclose_pub *e = &pub[p];
        const struct disclose_row *r = &rows[e->row];
        if (r->id == M_NONE)
            continue;
        const char *text;
        int f = public_field_parse(e->field, &text);
        struct public_num num;
        if (f < 0) {
            rc = imgo_err_set(err, IMGO_EDATA, "'%s' is not a field of public.csv", e->field);
            break;
        }
        if ((rc = public_shown(e->shown, (enum public_field)f, &num, err)))
            break;
        size_t cell = f == PUBLIC_N ? d->cell_n[e->row] : f == PUBLIC_K ? d->cell_k[e->row] : AUDIT_NONE;
        if (f == PUBLIC_TEXT) {
            text_cell(d, r, e->row, text, &name);
            cell = audit_ncells(d->a) - 1;
        }
        if (num.kind != PUBLIC_NUMBER)
            continue;
        if (cell != AUDIT_NONE) {
            if (num.lo == num.hi) {
                row_name(r, e->field, &name);
                buf_adds(&name, " class");
                if (!with_truth) {
                    count_class(d, cell, num.lo, min_cell, &name);
                    /* a printed count is no small one (it is a constant
                     * of the full model, never judged) */
                    if (labels_only && (num.lo == 0 || num.lo >= min_cell))
                        audit_cell_not_small(d->a, cell);
                }
                if (!labels_only)
                    audit_cell_exact(d->a, cell, num.lo);
            } else {
                /* "fewer than M": the label holds whether the row is shown or not */
                row_name(r, e->field, &name);
                buf_adds(&name, " label");
                bound(d->a, buf_str(&name), cell, (long)num.lo, (long)num.hi);
            }
        } else if (!labels_only && f == PUBLIC_VALUE && (metric_def(r->id)->flags & MF_RATE) &&
                   d->cell_k[e->row] != AUDIT_NONE && d->cell_n[e->row] != AUDIT_NONE) {
            row_name(r, "printed rate", &name);
            audit_rate_shown(d->a, buf_str(&name), d->cell_k[e->row], d->cell_n[e->row], num.lo, num.hi,
                             d->figure[e->row]);
        }
    }
    for (size_t i = 0; !rc && i < nrows; i++)
        if (rows[i].id != M_NONE && used[rows[i].id])
            relations(d, rows, nrows, i, &name);
    if (!rc)
        partitions(d, rows, nrows, &name);
    buf_release(&name);
    free(used);
    free(printed);
    free(cross);
    return rc;
}

int disclose_build(struct disclose *d, const struct disclose_row *rows, size_t nrows,
                   const struct disclose_pub *pub, size_t npub, int min_cell, int with_truth,
                   struct imgo_err *err)
{
    int rc = build(d, rows, nrows, pub, npub, min_cell, with_truth, 0, err);
    if (rc)
        return rc;
    /* What the labels and definitions alone let a reader know of each
     * count (a small count among small ones that add up may already be
     * narrower than 1..m-1): the printed numbers must add nothing to it. */
    struct disclose base;
    rc = build(&base, rows, nrows, pub, npub, min_cell, with_truth, 1, err);
    if (!rc)
        rc = audit_check_rule1(base.a, err);
    for (size_t c = 0; !rc && c < audit_ncells(d->a); c++) {
        long lo, hi;
        audit_cell_result(base.a, c, &lo, &hi);
        if (lo < 1)
            lo = 1;
        if (hi == AUDIT_NO_UPPER || hi > min_cell - 1)
            hi = min_cell - 1;
        if (lo <= hi && (lo > 1 || hi < min_cell - 1))
            audit_cell_need(d->a, c, lo, hi);
    }
    disclose_release(&base);
    if (rc)
        disclose_release(d);
    return rc;
}

void disclose_release(struct disclose *d)
{
    audit_free(d->a);
    free(d->figure);
    free(d->cell_n);
    free(d->cell_k);
    free(d->cell_row);
    memset(d, 0, sizeof *d);
}
