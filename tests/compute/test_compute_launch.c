/*
 * test_compute_launch.c - before and after the mentorship program
 * (mentorship_launch) on a tiny cohort worked by hand: the four cells of
 * each outcome, the normal difference in differences (value, SE = sqrt of
 * the sum of p(1-p)/n, z = 1.959963985, two-sided normal p), the change of
 * the milestone gap (the img:post coefficient with CR1 errors), and the
 * rules for empty values and absent files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "compute_fixture.h"
#include "date.h"

#define D(y, m, d) date_from_ymd((y), (m), (d))

/*
 * Launch 2024-07-01, as-of 2026-06-30. pre: r1, r2 IMG and r3, r4 non-IMG,
 * all starting 2023-07-01; post: r5 IMG 2024-07-01 (the launch day itself
 * is post), r6 IMG 2024-08-01, r7, r8 non-IMG 2024-07-01; r9 IMG 2025-09-01.
 *
 * first_year_retention (start + 365 <= as-of: not r9): r1 withdrew
 *   2024-01-01 and r6 was dismissed 2025-03-01, within their first year.
 *   img pre 1/2, img post 1/2, non pre 2/2, non post 2/2:
 *   DiD (0.5 - 1) - (0.5 - 1) = 0, SE sqrt(.25/2 + .25/2) = 0.5,
 *   (-0.9799819923, 0.9799819923), p 1; n 8, k 6.
 * board_first_attempt (ABIM-IM attempt 1; r6's USMLE-STEP3 pass is no
 *   certification exam): r2 pass; r5 pass, r9 pass (2026-05-01); r3 fail,
 *   r4 pass; r7 pass, r8 pass. img pre 1/1, post 2/2, non pre 1/2, post 2/2:
 *   DiD (1 - 1) - (1 - 0.5) = -0.5, SE sqrt(.25/2) = 0.3535533906,
 *   (-1.192951912, 0.1929519122), p 0.1572992071; n 7, k 6.
 * adverse_action (a CCC review by as-of; r4 has none): r1 satisfactory, r2
 *   remediation; r5 satisfactory, r6 probation; r3 satisfactory; r7, r8
 *   satisfactory. img pre 1/2, post 1/2, non pre 0/1, post 0/2: DiD 0,
 *   SE 0.5; n 7, k 2.
 * launch.milestone_gap_change, PC1 pgy 1 one rating each (2025-12-15):
 *   img pre 2.0, 3.0; non pre 3.0, 4.0; img post 3.0, 3.0; non post 3.0, 4.0.
 *   The model is saturated in img x era, so img:post = (3.0 - 3.5) -
 *   (2.5 - 3.5) = 0.5, and its CR1 variance (G = N = 8, K = 4: factor
 *   8/7 * 7/4 = 2) is 2 * sum over cells of sum e^2 / n^2 = 2 * 3 * 0.125:
 *   SE 0.8660254038; t(0.975; 7) = 2.364624252: (-1.547824672,
 *   2.547824672), p 0.5817882346 (R lm and the CR1 formula agree); n 8
 *   ratings, k 8 residents.
 */
static void cohort(struct fx *f)
{
    for (int i = 1; i <= 4; i++)
        fx_resident(f, i, D(2023, 7, 1), i == 1 ? D(2024, 1, 1) : -1, i == 1 ? "withdrew" : NULL,
                    i <= 2 ? "non_us_img" : "usmd", NULL);
    fx_resident(f, 5, D(2024, 7, 1), -1, NULL, "us_img", NULL);
    fx_resident(f, 6, D(2024, 8, 1), D(2025, 3, 1), "dismissed", "us_img", NULL);
    fx_resident(f, 7, D(2024, 7, 1), -1, NULL, "usmd", NULL);
    fx_resident(f, 8, D(2024, 7, 1), -1, NULL, "usdo", NULL);
    fx_resident(f, 9, D(2025, 9, 1), -1, NULL, "us_img", NULL);
    static const struct {
        int rid;
        const char *result;
    } ex[] = { { 2, "pass" }, { 3, "fail" }, { 4, "pass" }, { 5, "pass" }, { 7, "pass" }, { 8, "pass" } };
    for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++)
        fx_exam(f, ex[i].rid, "ABIM-IM", 1, D(2025, 10, 1), ex[i].result);
    fx_exam(f, 9, "ABIM-IM", 1, D(2026, 5, 1), "pass");
    fx_exam(f, 6, "USMLE-STEP3", 1, D(2024, 12, 1), "pass");
    static const struct {
        int rid;
        const char *action;
    } cc[] = { { 1, "satisfactory" }, { 2, "remediation" }, { 3, "satisfactory" }, { 5, "satisfactory" },
               { 6, "probation" },    { 7, "satisfactory" }, { 8, "satisfactory" } };
    for (size_t i = 0; i < sizeof cc / sizeof cc[0]; i++)
        fx_ccc(f, cc[i].rid, D(2023, 12, 15), cc[i].action);
    static const double rating[9] = { 0, 2.0, 3.0, 3.0, 4.0, 3.0, 3.0, 3.0, 4.0 };
    for (int i = 1; i <= 8; i++)
        fx_rating(f, i, D(2025, 12, 15), "PC1", 1, rating[i]);
}

static void launch_cells(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    cohort(&f);
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(params_set(&f.p, "mentorship_launch", "2024-07-01", &err), IMGO_OK);
    assert_int_equal(fx_compute(&f, D(2026, 6, 30)), IMGO_OK);

    struct fx_row r = fx_get(&f, "launch.rate", "img", "outcome=first_year_retention;era=pre", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    NEAR(r.value, 0.5);
    NEAR(r.lo, 0.09453120573);
    r = fx_get(&f, "launch.rate", "img", "outcome=first_year_retention;era=post", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "launch.rate", "non_img", "outcome=first_year_retention;era=post", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 2);
    r = fx_get(&f, "launch.did", "img_vs_non_img", "outcome=first_year_retention", "");
    assert_int_equal(r.n, 8);
    assert_int_equal(r.k, 6);
    NEAR(r.value, 0);
    NEAR(r.lo, -0.9799819923);
    NEAR(r.hi, 0.9799819923);
    NEAR(r.p, 1);

    r = fx_get(&f, "launch.rate", "img", "outcome=board_first_attempt;era=post", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 2);
    r = fx_get(&f, "launch.rate", "non_img", "outcome=board_first_attempt;era=pre", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "launch.did", "img_vs_non_img", "outcome=board_first_attempt", "");
    assert_int_equal(r.n, 7);
    assert_int_equal(r.k, 6);
    NEAR(r.value, -0.5);
    NEAR(r.lo, -1.192951912);
    NEAR(r.hi, 0.1929519122);
    NEAR(r.p, 0.1572992071);

    r = fx_get(&f, "launch.rate", "non_img", "outcome=adverse_action;era=pre", "");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.k, 0);
    r = fx_get(&f, "launch.did", "img_vs_non_img", "outcome=adverse_action", "");
    assert_int_equal(r.n, 7);
    assert_int_equal(r.k, 2);
    NEAR(r.value, 0);
    NEAR(r.lo, -0.9799819923);

    assert_int_equal(fx_count(&f, "launch.rate", NULL), 12);
    assert_int_equal(fx_count(&f, "launch.rate", "all"), 0);
    assert_int_equal(fx_count(&f, "launch.did", NULL), 3);

    r = fx_get(&f, "launch.milestone_gap_change", "img_vs_non_img", "", "");
    assert_int_equal(r.n, 8);
    assert_int_equal(r.k, 8);
    NEAR(r.value, 0.5);
    NEAR(r.lo, -1.547824672);
    NEAR(r.hi, 2.547824672);
    NEAR(r.p, 0.5817882346);

    /* a cell of img x era with one rated resident: no estimate */
    fx_sql(&f, "DELETE FROM milestone_ratings WHERE rid = 6");
    assert_int_equal(fx_compute(&f, D(2026, 6, 30)), IMGO_OK);
    r = fx_get(&f, "launch.milestone_gap_change", "img_vs_non_img", "", "");
    assert_int_equal(r.n, 7);
    assert_int_equal(r.k, 7);
    IS_NAN(r.value);
    IS_NAN(r.lo);
    IS_NAN(r.p);
    fx_close(&f);
}

/*
 * Without mentorship_launch: no launch row. With ccc_actions absent: the
 * adverse_action cells and DiD go, the other outcomes stay. A launch before
 * every start: the pre cells have n = 0 (written, value empty) and every
 * DiD value is empty. All four proportions 0 or 1 (board: img pre 1/1,
 * post 1/1, non pre 1/1, post 0/1): SE = 0, the value (1 - 0) - (1 - 1) = 1
 * is written with empty CI and p.
 */
static void launch_edges(void **state)
{
    (void)state;
    struct fx f;
    struct imgo_err err = IMGO_ERR_INIT;
    fx_open(&f);
    cohort(&f);
    assert_int_equal(fx_compute(&f, D(2026, 6, 30)), IMGO_OK);
    assert_int_equal(fx_count(&f, "launch.rate", NULL), 0);
    assert_int_equal(fx_count(&f, "launch.did", NULL), 0);
    assert_int_equal(fx_count(&f, "launch.milestone_gap_change", NULL), 0);

    assert_int_equal(params_set(&f.p, "mentorship_launch", "2024-07-01", &err), IMGO_OK);
    fx_sql(&f, "DELETE FROM ccc_actions");
    assert_int_equal(fx_compute(&f, D(2026, 6, 30)), IMGO_OK);
    assert_int_equal(fx_count(&f, "launch.rate", NULL), 8);
    assert_int_equal(fx_count(&f, "launch.did", NULL), 2);
    fx_get(&f, "launch.did", "img_vs_non_img", "outcome=first_year_retention", "");
    fx_get(&f, "launch.did", "img_vs_non_img", "outcome=board_first_attempt", "");

    assert_int_equal(params_set(&f.p, "mentorship_launch", "2020-01-01", &err), IMGO_OK);
    assert_int_equal(fx_compute(&f, D(2026, 6, 30)), IMGO_OK);
    struct fx_row r = fx_get(&f, "launch.rate", "img", "outcome=board_first_attempt;era=pre", "");
    assert_int_equal(r.n, 0);
    IS_NAN(r.value);
    assert_int_equal(r.suppressed, 1);
    r = fx_get(&f, "launch.did", "img_vs_non_img", "outcome=board_first_attempt", "");
    assert_int_equal(r.n, 7);
    IS_NAN(r.value);
    IS_NAN(r.lo);
    IS_NAN(r.p);
    /* every era is post: the launch model's img:post is not estimable */
    r = fx_get(&f, "launch.milestone_gap_change", "img_vs_non_img", "", "");
    IS_NAN(r.value);
    fx_close(&f);

    fx_open(&f);
    fx_resident(&f, 1, D(2023, 7, 1), -1, NULL, "us_img", NULL);
    fx_resident(&f, 2, D(2024, 7, 1), -1, NULL, "us_img", NULL);
    fx_resident(&f, 3, D(2023, 7, 1), -1, NULL, "usmd", NULL);
    fx_resident(&f, 4, D(2024, 7, 1), -1, NULL, "usmd", NULL);
    fx_exam(&f, 1, "ABIM-IM", 1, D(2025, 1, 1), "pass");
    fx_exam(&f, 2, "ABIM-IM", 1, D(2025, 1, 1), "pass");
    fx_exam(&f, 3, "ABIM-IM", 1, D(2025, 1, 1), "pass");
    fx_exam(&f, 4, "ABIM-IM", 1, D(2025, 1, 1), "fail");
    assert_int_equal(params_set(&f.p, "mentorship_launch", "2024-07-01", &err), IMGO_OK);
    assert_int_equal(fx_compute(&f, D(2026, 6, 30)), IMGO_OK);
    r = fx_get(&f, "launch.did", "img_vs_non_img", "outcome=board_first_attempt", "");
    assert_int_equal(r.n, 4);
    assert_int_equal(r.k, 3);
    NEAR(r.value, 1);
    IS_NAN(r.lo);
    IS_NAN(r.hi);
    IS_NAN(r.p);
    /* milestone_ratings and ccc_actions absent here: their launch rows are not written */
    assert_int_equal(fx_count(&f, "launch.milestone_gap_change", NULL), 0);
    assert_int_equal(fx_count(&f, "launch.did", NULL), 2);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(launch_cells),
        cmocka_unit_test(launch_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
