/* Tests of the small-cell audit (src/report/audit.c) on hand-worked tables:
 * each case works out in its comment what a reader with a pencil recovers
 * from the published numbers, and the test checks that the LP/IP audit
 * finds exactly that, and that complementary suppression hides exactly the
 * figures the hand calculation says. min_cell is 5 throughout, so a small
 * count is 1..4 and a protected one can be every value from 1 to 4. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"

#define M 5

static void interval_is(const struct audit *a, size_t c, long lo, long hi)
{
    long l, h;
    audit_cell_result(a, c, &l, &h);
    if (l != lo || h != hi)
        print_message("%s: [%ld, %ld], expected [%ld, %ld]\n", audit_cell_name(a, c), l, h, lo, hi);
    assert_int_equal(l, lo);
    assert_int_equal(h, hi);
}

static enum audit_verdict verdict(const struct audit *a, size_t c)
{
    return audit_cell_result(a, c, NULL, NULL);
}

static void check_ok(struct audit *a)
{
    struct imgo_err err = IMGO_ERR_INIT;
    int rc = audit_check(a, &err);
    if (rc)
        print_message("audit_check: %s\n", err.msg);
    assert_int_equal(rc, IMGO_OK);
}

static void suppress_ok(struct audit *a)
{
    struct imgo_err err = IMGO_ERR_INIT;
    int rc = audit_suppress(a, &err);
    if (rc)
        print_message("audit_suppress: %s\n", err.msg);
    assert_int_equal(rc, IMGO_OK);
    assert_int_equal(audit_nleaks(a), 0);
}

static void reason_is(const struct audit *a, size_t f, enum audit_reason want, size_t protects)
{
    size_t p;
    enum audit_reason r = audit_figure_reason(a, f, &p);
    if (r != want)
        print_message("%s: reason %d, expected %d\n", audit_figure_name(a, f), (int)r, (int)want);
    assert_int_equal(r, want);
    assert_int_equal(audit_figure_hidden(a, f), want != AUDIT_VISIBLE);
    if (want == AUDIT_COMPLEMENT)
        assert_int_equal(p, protects);
}

/* A figure "k of n": its n (a count of residents) and k, both published
 * exactly while it is shown, with k <= n. */
struct rfig {
    size_t fig, n, k;
};

static struct rfig rate_fig(struct audit *a, const char *name, long n, long k, unsigned flags)
{
    struct rfig r;
    char b[128];
    r.fig = audit_figure(a, name, -1, flags);
    snprintf(b, sizeof b, "%s n", name);
    r.n = audit_cell(a, b, AUDIT_COUNT, n);
    snprintf(b, sizeof b, "%s k", name);
    r.k = audit_cell(a, b, 0, k);
    audit_cell_exact(a, r.n, (double)n);
    audit_cell_exact(a, r.k, (double)k);
    audit_figure_cell(a, r.fig, r.n);
    audit_figure_cell(a, r.fig, r.k);
    snprintf(b, sizeof b, "%s: k <= n", name);
    audit_rate(a, b, r.k, r.n);
    return r;
}

/* A figure of one count of residents. */
static size_t count_fig(struct audit *a, const char *name, long v, size_t *cell)
{
    size_t f = audit_figure(a, name, -1, 0);
    *cell = audit_cell(a, name, AUDIT_COUNT, v);
    audit_cell_exact(a, *cell, (double)v);
    audit_figure_cell(a, f, *cell);
    return f;
}

/* ---- the ABFM-FM spans ------------------------------------------------------
 * Board pass rates for ABFM-FM, all residents: 2023 shows 4 of 5, 2024 7 of
 * 7, 2025 is hidden (3 of 3, n < 5), the 2023-2025 span shows 14 of 15.
 * A span is the sum of its years, so a reader computes
 *   n2025 = 15 - 5 - 7 = 3 and k2025 = 14 - 4 - 7 = 3:
 * the hidden cell is pinned to 3 of 3 (a leak of rule 1: not every value of
 * 1..4 is possible; and of rule 2: k = n is certain).
 * Hiding 2023 as well (the cheapest: n = 5 against 7 for 2024 and the
 * headline span):
 *   n2023 + n2025 = 8, k2023 + k2025 = 7, k <= n for both years.
 *   max n2025 = 8 (k2025 = 7, nothing in 2023); min n2025 = 0 (all of it in
 *   2023: 7 of 8) -> [0, 8], which holds 1..4.
 *   max k2025 = 7; n2025 - k2025 = 1 - (n2023 - k2023) <= 1, reached with
 *   2023 = 7 of 7, 2025 = 0 of 1 -> neither k = 0 nor k = n is certain.
 * So exactly 2023 is hidden, as a complement of 2025. */
struct abfm {
    struct rfig y23, y24, y25, span;
};

static struct audit *abfm_model(struct abfm *t)
{
    struct audit *a = audit_new(M);
    t->y23 = rate_fig(a, "ABFM-FM all 2023", 5, 4, 0);
    t->y24 = rate_fig(a, "ABFM-FM all 2024", 7, 7, 0);
    t->y25 = rate_fig(a, "ABFM-FM all 2025", 3, 3, 0);
    t->span = rate_fig(a, "ABFM-FM all 2023-2025", 15, 14, AUDIT_HEADLINE);
    size_t ns[3] = { t->y23.n, t->y24.n, t->y25.n }, ks[3] = { t->y23.k, t->y24.k, t->y25.k };
    audit_sum(a, "ABFM-FM all: span n = sum of years", t->span.n, 3, ns);
    audit_sum(a, "ABFM-FM all: span k = sum of years", t->span.k, 3, ks);
    return a;
}

static void abfm_span_leak(void **state)
{
    (void)state;
    struct abfm t;
    struct audit *a = abfm_model(&t);
    audit_figure_hide(a, t.y25.fig);
    check_ok(a);
    interval_is(a, t.y25.n, 3, 3);
    interval_is(a, t.y25.k, 3, 3);
    assert_int_equal(verdict(a, t.y25.n), AUDIT_LEAK_RANGE);
    assert_int_equal(verdict(a, t.y25.k), AUDIT_LEAK_ALL);
    assert_int_equal(verdict(a, t.y23.n), AUDIT_SHOWN);
    assert_int_equal(audit_nleaks(a), 2);
    struct buf b = BUF_INIT;
    audit_explain(a, t.y25.n, &b);
    assert_non_null(strstr(buf_str(&b), "'ABFM-FM all 2025 n' leaks: a reader knows it is 3 for certain"));
    buf_release(&b);
    audit_free(a);
}

static void abfm_span_suppressed(void **state)
{
    (void)state;
    struct abfm t;
    struct audit *a = abfm_model(&t);
    suppress_ok(a);
    reason_is(a, t.y25.fig, AUDIT_PRIMARY, AUDIT_NONE);
    reason_is(a, t.y23.fig, AUDIT_COMPLEMENT, t.y25.fig);
    reason_is(a, t.y24.fig, AUDIT_VISIBLE, AUDIT_NONE);
    reason_is(a, t.span.fig, AUDIT_VISIBLE, AUDIT_NONE);
    interval_is(a, t.y25.n, 0, 8);
    interval_is(a, t.y25.k, 0, 7);
    assert_int_equal(verdict(a, t.y25.n), AUDIT_SAFE);
    assert_int_equal(verdict(a, t.y25.k), AUDIT_SAFE);
    /* 2023's n = 5 is not small: hidden, but nothing to protect */
    assert_int_equal(verdict(a, t.y23.n), AUDIT_NO_SECRET);
    interval_is(a, t.y23.n, 0, 8);
    audit_free(a);
}

/* ---- 100% of a whole group ---------------------------------------------------
 * 2024, all residents 7 of 7 (100%); IMG 3 of 3 and non-IMG 4 of 4 are
 * hidden (both n < 5). n_img + n_non = 7 and k_img + k_non = 7 with
 * k <= n each: k_img - n_img = n_non - k_non >= 0, so k_img = n_img for
 * certain (everyone passed) although n_img itself can be 0..7. Rule 1
 * holds for n ([0, 7] holds 1..4), rule 2 fails for both k. The only
 * figure sharing a relation is the all-residents one; with it hidden
 * nothing bounds the groups any more. */
static void whole_group_100(void **state)
{
    (void)state;
    for (int pass = 0; pass < 2; pass++) {
        struct audit *a = audit_new(M);
        struct rfig all = rate_fig(a, "all 2024", 7, 7, AUDIT_HEADLINE);
        struct rfig img = rate_fig(a, "img 2024", 3, 3, 0);
        struct rfig non = rate_fig(a, "non_img 2024", 4, 4, 0);
        size_t ns[2] = { img.n, non.n }, ks[2] = { img.k, non.k };
        audit_sum(a, "2024 n: all = img + non_img", all.n, 2, ns);
        audit_sum(a, "2024 k: all = img + non_img", all.k, 2, ks);
        if (pass == 0) {
            audit_figure_hide(a, img.fig);
            audit_figure_hide(a, non.fig);
            check_ok(a);
            interval_is(a, img.n, 0, 7);
            interval_is(a, non.n, 0, 7);
            assert_int_equal(verdict(a, img.n), AUDIT_SAFE);
            assert_int_equal(verdict(a, img.k), AUDIT_LEAK_ALL);
            assert_int_equal(verdict(a, non.k), AUDIT_LEAK_ALL);
            struct buf b = BUF_INIT;
            audit_explain(a, img.k, &b);
            assert_non_null(strstr(buf_str(&b), "equals its n"));
            buf_release(&b);
        } else {
            suppress_ok(a);
            reason_is(a, img.fig, AUDIT_PRIMARY, AUDIT_NONE);
            reason_is(a, non.fig, AUDIT_PRIMARY, AUDIT_NONE);
            reason_is(a, all.fig, AUDIT_COMPLEMENT, img.fig);
            interval_is(a, img.n, 0, AUDIT_NO_UPPER);
            assert_int_equal(verdict(a, img.k), AUDIT_SAFE);
        }
        audit_free(a);
    }
}

/* The mirror case: 0 of 3 where the whole group is 0 of 7 would make k = 0
 * certain (nobody passed). */
static void whole_group_0(void **state)
{
    (void)state;
    struct audit *a = audit_new(M);
    struct rfig all = rate_fig(a, "all", 7, 0, 0);
    struct rfig img = rate_fig(a, "img", 3, 0, 0);
    struct rfig non = rate_fig(a, "non_img", 4, 0, 0);
    size_t ns[2] = { img.n, non.n }, ks[2] = { img.k, non.k };
    audit_sum(a, "n: all = img + non_img", all.n, 2, ns);
    audit_sum(a, "k: all = img + non_img", all.k, 2, ks);
    audit_figure_hide(a, img.fig);
    audit_figure_hide(a, non.fig);
    check_ok(a);
    interval_is(a, img.k, 0, 0);
    assert_int_equal(verdict(a, img.k), AUDIT_LEAK_ZERO);
    audit_free(a);
}

/* ---- the graduate-type table with fixed zeros ------------------------------
 * A 16-resident cohort: IMG = us_img 3 + non_us_img 6 (total 9); non-IMG =
 * usmd 7 (total 7, no usdo); all = 3, 6, 7, 0 (16). usmd/usdo are 0 among
 * IMGs and us_img/non_us_img 0 among non-IMGs by definition: those four
 * cells are never printed but a reader knows them (fixed zeros).
 * Relations: each group's total is the sum of its four types; all = img +
 * non_img for each type and for the total.
 * With IMG us_img (3) and all us_img (3, the same residents) hidden:
 *   us_img(img) = 9 - 6 - 0 - 0 = 3: pinned.
 * Hiding one more figure does not help (worked through each):
 *   IMG non_us_img alone: it equals all non_us_img (6) - 0, still pinned;
 *   all non_us_img alone: IMG non_us_img (6) is shown, still pinned;
 *   IMG total: 16 - 7 = 9, pinned; non-IMG or all usmd, non-IMG total:
 *   no relation of us_img moves; all usdo and non-IMG usdo are empty
 *   (0 residents) and never hidden.
 * The cheapest pair that frees it: IMG non_us_img and all non_us_img
 * (weights 6 + 6); then us_img(img) + non_us_img(img) = 9 and all the
 * same, so us_img(img) is anything in [0, 9]. (The other way round, through
 * the totals, moves IMG total, non-IMG total, non-IMG usmd and all usmd.) */
struct grad {
    size_t f_img[4], f_non[4], f_all[4], f_tot[3];
    size_t img[4], non[4], all[4], tot[3];
};

static struct audit *grad_model(struct grad *g)
{
    static const char *const type[4] = { "us_img", "non_us_img", "usmd", "usdo" };
    static const long img[4] = { 3, 6, 0, 0 }, non[4] = { 0, 0, 7, 0 };
    struct audit *a = audit_new(M);
    char b[96];
    for (int t = 0; t < 4; t++) {
        snprintf(b, sizeof b, "img %s", type[t]);
        if (t < 2) {
            g->f_img[t] = count_fig(a, b, img[t], &g->img[t]);
        } else {
            g->f_img[t] = AUDIT_NONE;
            g->img[t] = audit_cell(a, b, AUDIT_COUNT, 0);
        }
        snprintf(b, sizeof b, "non_img %s", type[t]);
        if (t >= 2) {
            g->f_non[t] = count_fig(a, b, non[t], &g->non[t]);
        } else {
            g->f_non[t] = AUDIT_NONE;
            g->non[t] = audit_cell(a, b, AUDIT_COUNT, 0);
        }
        snprintf(b, sizeof b, "all %s", type[t]);
        g->f_all[t] = count_fig(a, b, img[t] + non[t], &g->all[t]);
    }
    g->f_tot[0] = count_fig(a, "img total", 9, &g->tot[0]);
    g->f_tot[1] = count_fig(a, "non_img total", 7, &g->tot[1]);
    g->f_tot[2] = count_fig(a, "all total", 16, &g->tot[2]);
    audit_fixed(a, "img usmd = 0 by definition", g->img[2], 0);
    audit_fixed(a, "img usdo = 0 by definition", g->img[3], 0);
    audit_fixed(a, "non_img us_img = 0 by definition", g->non[0], 0);
    audit_fixed(a, "non_img non_us_img = 0 by definition", g->non[1], 0);
    audit_sum(a, "img total = sum of types", g->tot[0], 4, g->img);
    audit_sum(a, "non_img total = sum of types", g->tot[1], 4, g->non);
    audit_sum(a, "all total = sum of types", g->tot[2], 4, g->all);
    for (int t = 0; t < 4; t++) {
        size_t parts[2] = { g->img[t], g->non[t] };
        snprintf(b, sizeof b, "all %s = img + non_img", type[t]);
        audit_sum(a, b, g->all[t], 2, parts);
    }
    size_t parts[2] = { g->tot[0], g->tot[1] };
    audit_sum(a, "all total = img + non_img", g->tot[2], 2, parts);
    return a;
}

static void grad_type_fixed_zeros(void **state)
{
    (void)state;
    struct grad g;
    struct audit *a = grad_model(&g);
    audit_figure_hide(a, g.f_img[0]);
    audit_figure_hide(a, g.f_all[0]);
    check_ok(a);
    interval_is(a, g.img[0], 3, 3);
    assert_int_equal(verdict(a, g.img[0]), AUDIT_LEAK_RANGE);
    /* the fixed zeros are hidden, but 0 names nobody */
    interval_is(a, g.img[2], 0, 0);
    assert_int_equal(verdict(a, g.img[2]), AUDIT_NO_SECRET);
    audit_free(a);

    a = grad_model(&g);
    suppress_ok(a);
    reason_is(a, g.f_img[0], AUDIT_PRIMARY, AUDIT_NONE);
    reason_is(a, g.f_all[0], AUDIT_PRIMARY, AUDIT_NONE);
    reason_is(a, g.f_img[1], AUDIT_COMPLEMENT, g.f_img[0]);
    reason_is(a, g.f_all[1], AUDIT_COMPLEMENT, g.f_img[0]);
    for (int t = 2; t < 4; t++) {
        reason_is(a, g.f_non[t], AUDIT_VISIBLE, AUDIT_NONE);
        reason_is(a, g.f_all[t], AUDIT_VISIBLE, AUDIT_NONE);
    }
    for (int i = 0; i < 3; i++)
        reason_is(a, g.f_tot[i], AUDIT_VISIBLE, AUDIT_NONE);
    interval_is(a, g.img[0], 0, 9);
    interval_is(a, g.all[0], 0, 9);
    assert_int_equal(verdict(a, g.img[0]), AUDIT_SAFE);
    audit_free(a);
}

/* ---- a 2x3 table with margins -------------------------------------------------
 * Rows IMG and non-IMG, columns 2023, 2024, 2025, with the all-residents row
 * (column totals) and the 2023-2025 span column (row totals):
 *
 *            2023  2024  2025 | span
 *   IMG         6     8     2 |   16
 *   non-IMG    20    25    30 |   75
 *   all        26    33    32 |   91
 *
 * (a) The report prints a year's IMG, non-IMG and all on one line, shown or
 * hidden together: one figure per year and one for the span (a headline).
 * 2025 is hidden (IMG 2 < 5): IMG 2025 = 16 - 6 - 8 = 2, pinned. Exactly one
 * complementary figure is needed: with 2023 hidden too, IMG 2023 + IMG 2025
 * = 16 - 8 = 8, and the 2023 and 2025 columns each still add up (non-IMG
 * takes up the rest: non 2023 = 26 - IMG 2023 and non 2025 = 32 - IMG 2025,
 * summing to 58 - 8 = 50 = 75 - 25), so IMG 2025 is anything in [0, 8].
 * 2023 (largest count 26) is cheaper than 2024 (33) and the span.
 * (b) Each number its own figure: a hidden interior cell is pinned by its
 * row and by its column, and hiding any one more cell leaves it pinned by
 * the other; it takes a rectangle. Moving IMG 2025 by +1 moves IMG 2023 -1,
 * non-IMG 2023 +1 and non-IMG 2025 -1, at weights (count + 1) 7 + 21 + 31 =
 * 59, cheaper than the 2024 rectangle (9 + 26 + 31 = 66) or any path
 * through the margins (the span cells weigh 17 and more and need two). So
 * the complements are IMG 2023, non-IMG 2023 and non-IMG 2025, and IMG 2025
 * is again anything in [0, 8]. */
struct t23 {
    size_t cell[3][4];   /* [img, non_img, all][2023, 2024, 2025, span] */
    size_t fig[3][4];    /* per cell (b), or fig[0][col] per column (a) */
};

static struct audit *t23_model(struct t23 *t, int per_cell)
{
    static const long v[3][4] = { { 6, 8, 2, 16 }, { 20, 25, 30, 75 }, { 26, 33, 32, 91 } };
    static const char *const row[3] = { "img", "non_img", "all" };
    static const char *const col[4] = { "2023", "2024", "2025", "2023-2025" };
    struct audit *a = audit_new(M);
    char b[64];
    for (int j = 0; j < 4; j++) {
        size_t f = AUDIT_NONE;
        if (!per_cell)
            f = audit_figure(a, col[j], -1, j == 3 ? AUDIT_HEADLINE : 0);
        for (int i = 0; i < 3; i++) {
            snprintf(b, sizeof b, "%s %s", row[i], col[j]);
            t->cell[i][j] = audit_cell(a, b, AUDIT_COUNT, v[i][j]);
            audit_cell_exact(a, t->cell[i][j], (double)v[i][j]);
            t->fig[i][j] = per_cell ? audit_figure(a, b, -1, j == 3 ? AUDIT_HEADLINE : 0) : f;
            audit_figure_cell(a, t->fig[i][j], t->cell[i][j]);
        }
    }
    for (int j = 0; j < 4; j++) {
        size_t parts[2] = { t->cell[0][j], t->cell[1][j] };
        snprintf(b, sizeof b, "%s: all = img + non_img", col[j]);
        audit_sum(a, b, t->cell[2][j], 2, parts);
    }
    for (int i = 0; i < 3; i++) {
        size_t parts[3] = { t->cell[i][0], t->cell[i][1], t->cell[i][2] };
        snprintf(b, sizeof b, "%s: span = sum of years", row[i]);
        audit_sum(a, b, t->cell[i][3], 3, parts);
    }
    return a;
}

static size_t complements(const struct audit *a)
{
    size_t n = 0;
    for (size_t f = 0; f < audit_nfigures(a); f++)
        n += audit_figure_reason(a, f, NULL) == AUDIT_COMPLEMENT;
    return n;
}

static void table_2x3_margins(void **state)
{
    (void)state;
    struct t23 t;
    struct audit *a = t23_model(&t, 0);
    suppress_ok(a);
    reason_is(a, t.fig[0][2], AUDIT_PRIMARY, AUDIT_NONE);
    reason_is(a, t.fig[0][0], AUDIT_COMPLEMENT, t.fig[0][2]);
    reason_is(a, t.fig[0][1], AUDIT_VISIBLE, AUDIT_NONE);
    reason_is(a, t.fig[0][3], AUDIT_VISIBLE, AUDIT_NONE);
    assert_int_equal(complements(a), 1);
    interval_is(a, t.cell[0][2], 0, 8);
    assert_int_equal(verdict(a, t.cell[0][2]), AUDIT_SAFE);
    audit_free(a);

    a = t23_model(&t, 1);
    suppress_ok(a);
    reason_is(a, t.fig[0][2], AUDIT_PRIMARY, AUDIT_NONE);
    reason_is(a, t.fig[0][0], AUDIT_COMPLEMENT, t.fig[0][2]);
    reason_is(a, t.fig[1][0], AUDIT_COMPLEMENT, t.fig[0][2]);
    reason_is(a, t.fig[1][2], AUDIT_COMPLEMENT, t.fig[0][2]);
    assert_int_equal(complements(a), 3);
    interval_is(a, t.cell[0][2], 0, 8);
    audit_free(a);
}

/* ---- a rounded percentage: only integer programming gives the interval ------
 * A share printed as 66.7% (so k/n in [0.6665, 0.6675]) of a hidden group
 * of n residents out of a program of 10 (n + others = 10, both hidden), k of
 * them with the trait. The LP relaxation lets n be any real in [1, 10]
 * (k = 0.667 n), so rounding its bounds inward says [1, 10] and would call
 * n protected. In whole numbers k/n rounds to 66.7% only for
 *   n = 3 (k = 2: 0.66667), n = 6 (k = 4), n = 9 (k = 6);
 * n = 1, 2, 4, 5, 7, 8, 10 have no whole k in [0.6665 n, 0.6675 n] (n = 10
 * needs k in [6.665, 6.675]). So n is in [3, 9] and k in [2, 6]: a reader
 * knows n is at least 3, and the true n = 3 is not protected. */
static void rounded_rate_needs_ip(void **state)
{
    (void)state;
    struct audit *a = audit_new(M);
    size_t n = audit_cell(a, "share n", AUDIT_COUNT, 3);
    size_t k = audit_cell(a, "share k", 0, 2);
    size_t rest = audit_cell(a, "others", AUDIT_COUNT, 7);
    size_t tot = audit_cell(a, "program total", AUDIT_COUNT, 10);
    audit_cell_exact(a, tot, 10);
    size_t parts[2] = { n, rest };
    audit_sum(a, "program total = group + others", tot, 2, parts);
    audit_rate(a, "share: k <= n", k, n);
    audit_rate_shown(a, "share printed as 66.7%", k, n, 0.6665, 0.6675, AUDIT_NONE);
    check_ok(a);
    interval_is(a, n, 3, 9);
    interval_is(a, k, 2, 6);
    interval_is(a, rest, 1, 7);
    assert_int_equal(verdict(a, n), AUDIT_LEAK_RANGE);
    audit_free(a);
}

/* A rate published while its counts are hidden, attached to a figure: the
 * relation holds only while that figure is shown. 1 of 3 printed as 33.3%
 * with n <= 4 (a group of 4): n = 3, k = 1 is the only whole solution
 * (n = 1, 2, 4 give k in [0.33, 0.34], [0.67, 0.67], [1.33, 1.34]). Hiding
 * the printed rate frees n to 0..4 and k to 0..n. */
static void rate_relation_with_figure(void **state)
{
    (void)state;
    struct audit *a = audit_new(M);
    size_t n = audit_cell(a, "n", AUDIT_COUNT, 3), k = audit_cell(a, "k", 0, 1);
    audit_cell_bounds(a, n, 0, 4);
    size_t f = audit_figure(a, "rate 33.3%", -1, 0);
    audit_rate(a, "k <= n", k, n);
    audit_rate_shown(a, "printed 33.3%", k, n, 0.3325, 0.3335, f);
    check_ok(a);
    interval_is(a, n, 3, 3);
    interval_is(a, k, 1, 1);
    audit_figure_hide(a, f);
    check_ok(a);
    interval_is(a, n, 0, 4);
    interval_is(a, k, 0, 4);
    assert_int_equal(verdict(a, n), AUDIT_SAFE);
    assert_int_equal(verdict(a, k), AUDIT_SAFE);
    audit_free(a);
}

/* ---- contradictions -------------------------------------------------------------
 * (1) all 10 = img 4 + non_img 5 among published numbers only.
 * (2) A hidden x with x + 4 = 10 ("2025: all = img + non_img") and span 7 =
 * 3 + x ("img span"): x = 6 and x = 4. A third relation in the same
 * component (x + y = 20, y hidden) is not part of the contradiction and is
 * not named.
 * (3) Whole numbers only: k of n = 7 printed as 33.3% needs k in [2.3275,
 * 2.3345]. */
static void infeasible_named(void **state)
{
    (void)state;
    struct imgo_err err = IMGO_ERR_INIT;
    struct audit *a = audit_new(M);
    size_t all, img, non;
    count_fig(a, "all", 10, &all);
    count_fig(a, "img", 4, &img);
    count_fig(a, "non_img", 5, &non);
    size_t p[2] = { img, non };
    audit_sum(a, "all = img + non_img", all, 2, p);
    assert_int_equal(audit_check(a, &err), IMGO_EDATA);
    assert_non_null(strstr(err.msg, "'all = img + non_img'"));
    audit_free(a);

    a = audit_new(M);
    size_t x = audit_cell(a, "img 2025", AUDIT_COUNT, AUDIT_NO_TRUTH);
    size_t y = audit_cell(a, "other", AUDIT_COUNT, AUDIT_NO_TRUTH);
    size_t c10, c4, c7, c3, c20;
    count_fig(a, "all 2025", 10, &c10);
    count_fig(a, "non_img 2025", 4, &c4);
    count_fig(a, "img span", 7, &c7);
    count_fig(a, "img 2024", 3, &c3);
    count_fig(a, "twenty", 20, &c20);
    size_t p1[2] = { x, c4 }, p2[2] = { c3, x }, p3[2] = { x, y };
    audit_sum(a, "2025: all = img + non_img", c10, 2, p1);
    audit_sum(a, "x + y = 20", c20, 2, p3);
    audit_sum(a, "img span = 2024 + 2025", c7, 2, p2);
    err = (struct imgo_err)IMGO_ERR_INIT;
    assert_int_equal(audit_check(a, &err), IMGO_EDATA);
    assert_non_null(strstr(err.msg, "contradict each other"));
    assert_non_null(strstr(err.msg, "'2025: all = img + non_img'"));
    assert_non_null(strstr(err.msg, "'img span = 2024 + 2025'"));
    assert_null(strstr(err.msg, "x + y"));
    /* no results after a failed audit */
    assert_int_equal(audit_nleaks(a), 0);
    audit_free(a);

    a = audit_new(M);
    size_t n = audit_cell(a, "n", AUDIT_COUNT, 7), k = audit_cell(a, "k", 0, AUDIT_NO_TRUTH);
    audit_cell_exact(a, n, 7);
    audit_rate(a, "k <= n", k, n);
    audit_rate_shown(a, "printed 33.3%", k, n, 0.3325, 0.3335, AUDIT_NONE);
    err = (struct imgo_err)IMGO_ERR_INIT;
    assert_int_equal(audit_check(a, &err), IMGO_EDATA);
    assert_non_null(strstr(err.msg, "printed 33.3% (rate at least"));
    assert_non_null(strstr(err.msg, "printed 33.3% (rate at most"));
    audit_free(a);
}

/* Misuse of the builder is reported by the audit, not by a crash; a
 * published count that is not whole is a contradiction. */
static void misuse_and_bad_values(void **state)
{
    (void)state;
    struct imgo_err err = IMGO_ERR_INIT;
    struct audit *a = audit_new(M);
    size_t c = audit_cell(a, "c", AUDIT_COUNT, 1);
    size_t bad = 7;
    double one = 1;
    assert_true(audit_relation(a, "r", AUDIT_EQ, 0, 1, &bad, &one) == AUDIT_NONE);
    audit_cell_exact(a, c, 1);
    assert_int_equal(audit_check(a, &err), IMGO_EIO);
    assert_non_null(strstr(err.msg, "cell 7"));
    audit_free(a);

    a = audit_new(M);
    c = audit_cell(a, "half", AUDIT_COUNT, 1);
    audit_cell_exact(a, c, 2.5);
    err = (struct imgo_err)IMGO_ERR_INIT;
    assert_int_equal(audit_check(a, &err), IMGO_EDATA);
    assert_non_null(strstr(err.msg, "'half' is published as 2.5"));
    audit_free(a);
}

/* GLPK failing inside (IMGO_FAIL_GLPK makes it refuse a call) is IMGO_EIO
 * with GLPK's reason, prints nothing (GLPK would print its error even with
 * its output off) and does not end the process; the next audit works. */
static void glpk_failure(void **state)
{
    (void)state;
    struct abfm t;
    struct audit *a = abfm_model(&t);
    audit_figure_hide(a, t.y25.fig);
    char path[] = "/tmp/imgo-test-audit-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(stdout);
    fflush(stderr);
    int out = dup(1), errfd = dup(2);
    dup2(fd, 1);
    dup2(fd, 2);
    setenv("IMGO_FAIL_GLPK", "1", 1);
    struct imgo_err err = IMGO_ERR_INIT;
    int rc = audit_check(a, &err);
    int rc2 = audit_suppress(a, &err);
    unsetenv("IMGO_FAIL_GLPK");
    fflush(stdout);
    fflush(stderr);
    dup2(out, 1);
    dup2(errfd, 2);
    close(out);
    close(errfd);
    off_t printed = lseek(fd, 0, SEEK_END);
    close(fd);
    unlink(path);
    assert_int_equal(rc, IMGO_EIO);
    assert_int_equal(rc2, IMGO_EIO);
    assert_non_null(strstr(err.msg, "audit: glpk failed: glp_set_col_bnds"));
    assert_int_equal(printed, 0);
    assert_int_equal(audit_nleaks(a), 0); /* no results after a failure */
    check_ok(a);
    interval_is(a, t.y25.n, 3, 3);
    audit_free(a);
}

/* ---- rules without true values ------------------------------------------------
 * An audit from public.csv alone knows no true values: a hidden count is
 * judged as if it might be small. x + y = 12 (both hidden): each is in
 * [0, 12], safe. z + 3 = 9 (3 shown): z = 6 for certain, but 6 is not
 * small, safe. u + 2 = 4: u = 2 for certain, a leak. v = 0 (0 shown): 0 for
 * certain, which names nobody. */
static void rules_without_truth(void **state)
{
    (void)state;
    struct audit *a = audit_new(M);
    size_t x = audit_cell(a, "x", AUDIT_COUNT, AUDIT_NO_TRUTH), y = audit_cell(a, "y", AUDIT_COUNT, AUDIT_NO_TRUTH);
    size_t z = audit_cell(a, "z", AUDIT_COUNT, AUDIT_NO_TRUTH), u = audit_cell(a, "u", AUDIT_COUNT, AUDIT_NO_TRUTH);
    size_t v = audit_cell(a, "v", AUDIT_COUNT, AUDIT_NO_TRUTH);
    size_t c12, c9, c3, c4, c2, c0;
    count_fig(a, "12", 12, &c12);
    count_fig(a, "9", 9, &c9);
    count_fig(a, "3", 3, &c3);
    count_fig(a, "4", 4, &c4);
    count_fig(a, "2", 2, &c2);
    count_fig(a, "0", 0, &c0);
    size_t p1[2] = { x, y }, p2[2] = { z, c3 }, p3[2] = { u, c2 }, p4[1] = { v };
    audit_sum(a, "x + y = 12", c12, 2, p1);
    audit_sum(a, "z + 3 = 9", c9, 2, p2);
    audit_sum(a, "u + 2 = 4", c4, 2, p3);
    audit_sum(a, "v = 0", c0, 1, p4);
    check_ok(a);
    assert_int_equal(verdict(a, x), AUDIT_SAFE);
    assert_int_equal(verdict(a, z), AUDIT_SAFE);
    interval_is(a, z, 6, 6);
    assert_int_equal(verdict(a, u), AUDIT_LEAK_RANGE);
    assert_int_equal(verdict(a, v), AUDIT_SAFE);
    assert_int_equal(audit_nleaks(a), 1);
    audit_free(a);
}

/* An empty figure (n = 0) is never a secret and never hidden; a figure
 * the caller hides for its own reason keeps that reason. */
static void empty_and_given(void **state)
{
    (void)state;
    struct audit *a = audit_new(M);
    struct rfig all = rate_fig(a, "all", 6, 3, 0);
    struct rfig img = rate_fig(a, "img", 0, 0, 0);
    struct rfig non = rate_fig(a, "non_img", 6, 3, 0);
    size_t ns[2] = { img.n, non.n }, ks[2] = { img.k, non.k };
    audit_sum(a, "n", all.n, 2, ns);
    audit_sum(a, "k", all.k, 2, ks);
    audit_figure_hide(a, img.fig);
    suppress_ok(a);
    reason_is(a, img.fig, AUDIT_GIVEN, AUDIT_NONE);
    reason_is(a, all.fig, AUDIT_VISIBLE, AUDIT_NONE);
    reason_is(a, non.fig, AUDIT_VISIBLE, AUDIT_NONE);
    assert_int_equal(verdict(a, img.n), AUDIT_NO_SECRET);
    audit_free(a);
}

/* ---- a planted leak -------------------------------------------------------------
 * Each protected configuration above, rebuilt with the same figures hidden
 * except one complementary figure, must fail the audit: every complement
 * chosen is needed, and the auditor sees the hole it leaves. */
static void planted_leak(void **state)
{
    (void)state;
    for (int model = 0; model < 4; model++) {
        struct abfm ab;
        struct grad gr;
        struct t23 tt;
        struct audit *a = model == 0 ? abfm_model(&ab) : model == 1 ? grad_model(&gr) : t23_model(&tt, model - 2);
        suppress_ok(a);
        size_t nf = audit_nfigures(a), tested = 0;
        for (size_t drop = 0; drop < nf; drop++) {
            if (audit_figure_reason(a, drop, NULL) != AUDIT_COMPLEMENT)
                continue;
            struct audit *b = model == 0 ? abfm_model(&ab) : model == 1 ? grad_model(&gr) : t23_model(&tt, model - 2);
            for (size_t f = 0; f < nf; f++)
                if (f != drop && audit_figure_hidden(a, f))
                    audit_figure_hide(b, f);
            check_ok(b);
            if (!audit_nleaks(b))
                print_message("model %d: without '%s' no leak\n", model, audit_figure_name(a, drop));
            assert_true(audit_nleaks(b) > 0);
            audit_free(b);
            tested++;
        }
        assert_true(tested >= 1);
        /* and the full configuration, rebuilt by hand, passes */
        struct audit *c = model == 0 ? abfm_model(&ab) : model == 1 ? grad_model(&gr) : t23_model(&tt, model - 2);
        for (size_t f = 0; f < nf; f++)
            if (audit_figure_hidden(a, f))
                audit_figure_hide(c, f);
        check_ok(c);
        assert_int_equal(audit_nleaks(c), 0);
        audit_free(c);
        audit_free(a);
    }
}

/* Same model, same result: the choice is deterministic. */
static void deterministic(void **state)
{
    (void)state;
    struct grad g1, g2;
    struct audit *a = grad_model(&g1), *b = grad_model(&g2);
    suppress_ok(a);
    suppress_ok(b);
    for (size_t f = 0; f < audit_nfigures(a); f++) {
        size_t pa, pb;
        assert_int_equal(audit_figure_reason(a, f, &pa), audit_figure_reason(b, f, &pb));
        assert_int_equal(pa, pb);
    }
    audit_free(a);
    audit_free(b);
}

/* Ties and costs. A span of three years (shown, 14) over 2023 (6), 2024
 * (6) and 2025 (2, hidden): 2025 = 14 - 6 - 6, so one year more must go.
 * The span relation names 2024 before 2023, but with equal weights the
 * figure created first (2023) is the one hidden; a cost the caller gives
 * (100 on 2023) overrides the default and 2024 goes instead. */
static void ties_and_costs(void **state)
{
    (void)state;
    for (int given = 0; given < 2; given++) {
        struct audit *a = audit_new(M);
        size_t c23, c24, c25, cs;
        size_t f23 = audit_figure(a, "2023", given ? 100 : -1, 0);
        c23 = audit_cell(a, "2023", AUDIT_COUNT, 6);
        size_t f24 = count_fig(a, "2024", 6, &c24);
        size_t f25 = count_fig(a, "2025", 2, &c25);
        count_fig(a, "span", 14, &cs);
        audit_cell_exact(a, c23, 6);
        audit_figure_cell(a, f23, c23);
        size_t parts[3] = { c24, c23, c25 };
        audit_sum(a, "span = 2024 + 2023 + 2025", cs, 3, parts);
        suppress_ok(a);
        reason_is(a, f25, AUDIT_PRIMARY, AUDIT_NONE);
        reason_is(a, given ? f24 : f23, AUDIT_COMPLEMENT, f25);
        reason_is(a, given ? f23 : f24, AUDIT_VISIBLE, AUDIT_NONE);
        interval_is(a, c25, 0, 8);
        audit_free(a);
    }
}

/* ---- size -------------------------------------------------------------------------
 * 250 tables like the 2x3 one (IMG, non-IMG, all by 2023, 2024, 2025 and
 * the span, one figure per cell): 3,000 cells and 1,000 relations (the
 * three spans and all = img + non_img for the span). IMG counts are drawn
 * small often enough that most tables have a primary cell. Prints the time
 * of a plain audit with the primaries hidden and of the whole suppression. */
static unsigned long lcg = 20260101;

static long draw(long lo, long hi)
{
    lcg = lcg * 6364136223846793005ul + 1442695040888963407ul;
    return lo + (long)((lcg >> 33) % (unsigned long)(hi - lo + 1));
}

/* hide: 0 nothing (suppression decides), 1 the primaries, 2 also every
 * other cell with probability 1/2 and every table's all-residents span,
 * tied by one more relation (the grand total is their sum), so that the
 * hidden cells form one component of some 1,600 variables: a harder case
 * than a report's. */
static struct audit *big_model(int hide)
{
    struct audit *a = audit_new(M);
    lcg = 20260101;
    size_t tops[250];
    long grand = 0;
    for (int t = 0; t < 250; t++) {
        long v[3][4];
        for (int j = 0; j < 3; j++) {
            v[0][j] = draw(0, 12);
            v[1][j] = draw(5, 40);
            v[2][j] = v[0][j] + v[1][j];
        }
        for (int i = 0; i < 3; i++)
            v[i][3] = v[i][0] + v[i][1] + v[i][2];
        size_t c[3][4];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++) {
                char b[48];
                snprintf(b, sizeof b, "t%d r%d c%d", t, i, j);
                size_t f = audit_figure(a, b, -1, j == 3 ? AUDIT_HEADLINE : 0);
                c[i][j] = audit_cell(a, b, AUDIT_COUNT, v[i][j]);
                audit_cell_exact(a, c[i][j], (double)v[i][j]);
                audit_figure_cell(a, f, c[i][j]);
                int coin = draw(0, 1) == 1;
                if ((hide >= 1 && v[i][j] >= 1 && v[i][j] < M) || (hide == 2 && (coin || (i == 2 && j == 3))))
                    audit_figure_hide(a, f);
            }
        for (int i = 0; i < 3; i++)
            audit_sum(a, "span", c[i][3], 3, c[i]);
        size_t p[2] = { c[0][3], c[1][3] };
        audit_sum(a, "span: all = img + non_img", c[2][3], 2, p);
        tops[t] = c[2][3];
        grand += v[2][3];
    }
    if (hide == 2) {
        size_t g = audit_cell(a, "grand total", AUDIT_COUNT, grand);
        audit_cell_exact(a, g, (double)grand);
        audit_sum(a, "grand total = sum of tables", g, 250, tops);
    }
    return a;
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void size_3000_cells(void **state)
{
    (void)state;
    struct audit *a = big_model(1);
    assert_int_equal(audit_ncells(a), 3000);
    double t0 = seconds();
    check_ok(a);
    double t1 = seconds();
    size_t leaks = audit_nleaks(a);
    assert_true(leaks > 0);
    audit_free(a);

    a = big_model(0);
    double t2 = seconds();
    suppress_ok(a);
    double t3 = seconds();
    size_t hidden = 0, comp = complements(a);
    for (size_t f = 0; f < audit_nfigures(a); f++)
        hidden += audit_figure_hidden(a, f);
    assert_true(comp > 0);
    audit_free(a);

    a = big_model(2);
    double t4 = seconds();
    check_ok(a);
    double t5 = seconds();
    size_t hid2 = 0;
    for (size_t c = 0; c < audit_ncells(a); c++)
        hid2 += audit_cell_result(a, c, NULL, NULL) != AUDIT_SHOWN;
    audit_free(a);
    print_message("3000 cells, 1000 relations: audit %.3f s (primaries hidden: %zu leaks); suppression %.3f s "
                  "(%zu figures hidden, %zu complements); audit with %zu cells hidden in one component "
                  "(1001 relations) %.3f s\n",
                  t1 - t0, leaks, t3 - t2, hidden, comp, hid2, t5 - t4);
}

/* ---- against enumeration --------------------------------------------------------
 * Random small systems (5 hidden cells in 0..5, 4 relations with
 * coefficients 1, -1, 2, -2, 0.5, 3 over 2 or 3 cells, right-hand sides
 * made from a random true point, so the system is feasible; = <= >= mixed):
 * each hidden cell's interval must equal the smallest and largest value it
 * takes among all 6^5 whole-number points that satisfy every relation. All
 * numbers are exact in binary, so the enumeration needs no tolerance. */
static void matches_enumeration(void **state)
{
    (void)state;
    static const double coefs[6] = { 1, -1, 2, -2, 0.5, 3 };
    enum { NC = 5, NR = 4, B = 5 };
    lcg = 77;
    for (int trial = 0; trial < 60; trial++) {
        long truth[NC];
        for (int i = 0; i < NC; i++)
            truth[i] = draw(0, B);
        struct audit *a = audit_new(M);
        size_t cell[NC];
        for (int i = 0; i < NC; i++) {
            char b[16];
            snprintf(b, sizeof b, "x%d", i);
            cell[i] = audit_cell(a, b, AUDIT_COUNT, AUDIT_NO_TRUTH);
            audit_cell_bounds(a, cell[i], 0, B);
        }
        int rc_[NR][3], nt[NR], op[NR];
        double rco[NR][3], rhs[NR];
        for (int r = 0; r < NR; r++) {
            nt[r] = (int)draw(2, 3);
            double lhs = 0;
            for (int t = 0; t < nt[r]; t++) {
                rc_[r][t] = (int)draw(0, NC - 1);
                rco[r][t] = coefs[draw(0, 5)];
                lhs += rco[r][t] * (double)truth[rc_[r][t]];
            }
            op[r] = (int)draw(0, 2);
            rhs[r] = op[r] == AUDIT_EQ ? lhs : op[r] == AUDIT_LE ? lhs + 0.5 * (double)draw(0, 3)
                                                                  : lhs - 0.5 * (double)draw(0, 3);
            size_t cs[3];
            for (int t = 0; t < nt[r]; t++)
                cs[t] = cell[rc_[r][t]];
            audit_relation(a, "r", (enum audit_op)op[r], rhs[r], (size_t)nt[r], cs, rco[r]);
        }
        long lo[NC], hi[NC];
        for (int i = 0; i < NC; i++) {
            lo[i] = B + 1;
            hi[i] = -1;
        }
        long x[NC];
        for (long code = 0; code < 7776; code++) { /* 6^5 */
            long k = code;
            for (int i = 0; i < NC; i++) {
                x[i] = k % (B + 1);
                k /= B + 1;
            }
            int ok = 1;
            for (int r = 0; r < NR && ok; r++) {
                double l = 0;
                for (int t = 0; t < nt[r]; t++)
                    l += rco[r][t] * (double)x[rc_[r][t]];
                ok = op[r] == AUDIT_EQ ? l == rhs[r] : op[r] == AUDIT_LE ? l <= rhs[r] : l >= rhs[r];
            }
            if (!ok)
                continue;
            for (int i = 0; i < NC; i++) {
                lo[i] = x[i] < lo[i] ? x[i] : lo[i];
                hi[i] = x[i] > hi[i] ? x[i] : hi[i];
            }
        }
        check_ok(a);
        for (int i = 0; i < NC; i++)
            interval_is(a, cell[i], lo[i], hi[i]);
        audit_free(a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(abfm_span_leak),
        cmocka_unit_test(abfm_span_suppressed),
        cmocka_unit_test(whole_group_100),
        cmocka_unit_test(whole_group_0),
        cmocka_unit_test(grad_type_fixed_zeros),
        cmocka_unit_test(table_2x3_margins),
        cmocka_unit_test(rounded_rate_needs_ip),
        cmocka_unit_test(rate_relation_with_figure),
        cmocka_unit_test(infeasible_named),
        cmocka_unit_test(misuse_and_bad_values),
        cmocka_unit_test(glpk_failure),
        cmocka_unit_test(rules_without_truth),
        cmocka_unit_test(empty_and_given),
        cmocka_unit_test(planted_leak),
        cmocka_unit_test(deterministic),
        cmocka_unit_test(ties_and_costs),
        cmocka_unit_test(matches_enumeration),
        cmocka_unit_test(size_3000_cells),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
