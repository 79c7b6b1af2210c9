/*
 * test_compute_trend.c - trends by academic year (AYyyyy runs from July 1
 * of yyyy - 1 to June 30 of yyyy) on tiny cohorts worked by hand:
 * first-year retention by the AY of start, adverse CCC actions by the AY of
 * the review, the milestone gap per AY with CR1 errors and the
 * inverse-variance weighted slope of the yearly gaps.
 *
 * Wilson and Newcombe values are the closed forms (Wilson 1927; Newcombe
 * 1998, method 10) with z = 1.959963985, Fisher p from the hypergeometric
 * table; t quantiles from R's qt.
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
 * First-year retention, as-of 2025-12-31. Subjects need start + 365 <=
 * as-of; retained unless they left by attrition within 365 days.
 *   AY2024 (start 2023-07-01 .. 2024-06-30):
 *     r1 IMG 2023-07-01, withdrew 2024-03-01 (244 days): not retained;
 *     r2 IMG 2023-07-01, dismissed 2024-06-30 (exactly 365): not retained;
 *     r3 non 2023-07-01, transferred 2024-07-01 (366 days, 2024 is a leap
 *        year): retained; r4 non 2023-08-01, completed 2024-06-30
 *        (completion is no attrition): retained; r5 non 2024-01-15: retained.
 *     img 0/2 (0, 0.6576197725); non 3/3 (0.4385029682, 1); all 3/5
 *     (0.2307242813, 0.8823792258); diff -1 (-1, -0.1352788416), Fisher p 0.1.
 *   AY2025: r6 IMG 2024-07-01, still in training: retained; r8 IMG
 *     2024-12-31 (+365 = as-of exactly: a subject), withdrew 2025-12-31
 *     (365 days): not retained. r7 non 2025-01-01 (+365 after as-of): no
 *     subject. img 1/2, non 0/0 (no diff row), all 1/2.
 *   r9 IMG 2025-08-01 is no subject: no AY2026 row. No pooled row.
 */
static void first_year_retention(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    fx_resident(&f, 1, D(2023, 7, 1), D(2024, 3, 1), "withdrew", "us_img", NULL);
    fx_resident(&f, 2, D(2023, 7, 1), D(2024, 6, 30), "dismissed", "non_us_img", NULL);
    fx_resident(&f, 3, D(2023, 7, 1), D(2024, 7, 1), "transferred", "usmd", NULL);
    fx_resident(&f, 4, D(2023, 8, 1), D(2024, 6, 30), "completed", "usdo", NULL);
    fx_resident(&f, 5, D(2024, 1, 15), -1, NULL, "usmd", NULL);
    fx_resident(&f, 6, D(2024, 7, 1), -1, NULL, "us_img", NULL);
    fx_resident(&f, 7, D(2025, 1, 1), -1, NULL, "usmd", NULL);
    fx_resident(&f, 8, D(2024, 12, 31), D(2025, 12, 31), "withdrew", "us_img", NULL);
    fx_resident(&f, 9, D(2025, 8, 1), -1, NULL, "us_img", NULL);
    assert_int_equal(fx_compute(&f, D(2025, 12, 31)), IMGO_OK);
    struct fx_row r = fx_get(&f, "retention.first_year", "img", "", "AY2024");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 0);
    NEAR(r.value, 0);
    assert_true(r.lo == 0.0);
    NEAR(r.hi, 0.6576197725);
    r = fx_get(&f, "retention.first_year", "non_img", "", "AY2024");
    assert_int_equal(r.n, 3);
    assert_int_equal(r.k, 3);
    NEAR(r.lo, 0.4385029682);
    assert_true(r.hi == 1.0);
    r = fx_get(&f, "retention.first_year", "all", "", "AY2024");
    assert_int_equal(r.n, 5);
    assert_int_equal(r.k, 3);
    NEAR(r.lo, 0.2307242813);
    NEAR(r.hi, 0.8823792258);
    assert_int_equal(r.suppressed, 0);
    r = fx_get(&f, "retention.first_year_diff", "img_vs_non_img", "", "AY2024");
    assert_int_equal(r.n, 5);
    assert_int_equal(r.k, 3);
    NEAR(r.value, -1);
    NEAR(r.lo, -1);
    NEAR(r.hi, -0.1352788416);
    NEAR(r.p, 0.1);
    r = fx_get(&f, "retention.first_year", "img", "", "AY2025");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "retention.first_year", "non_img", "", "AY2025");
    assert_int_equal(r.n, 0);
    IS_NAN(r.value);
    assert_int_equal(r.suppressed, 1);
    assert_int_equal(fx_count(&f, "retention.first_year", NULL), 6);
    assert_int_equal(fx_count(&f, "retention.first_year_diff", NULL), 1);
    fx_close(&f);
}

/*
 * Adverse CCC actions by the AY of the review, as-of 2025-12-31:
 *   r1 IMG: 2023-12-15 satisfactory, 2024-06-15 remediation (both AY2024),
 *           2024-12-15 satisfactory (AY2025);
 *   r2 IMG: 2024-06-30 satisfactory (the last day of AY2024), 2024-07-01
 *           probation (the first of AY2025);
 *   r3 non: 2024-12-15 focused_review (AY2025); 2026-01-15 dismissal is
 *           after as-of: it does not exist;
 *   r4 non: 2023-12-15 non_promotion (AY2024).
 *   AY2024: img 1/2, non 1/1: diff -0.5 (-0.9054687943, 0.3910493441), p 1.
 *   AY2025: img 1/2 (r2), non 0/1: diff 0.5 (-0.3910493441, 0.9054687943), p 1.
 *   Overall (bias.adverse_action_rate): img 2/2, non 1/2.
 */
static void adverse_by_year(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    fx_resident(&f, 1, D(2023, 7, 1), -1, NULL, "us_img", NULL);
    fx_resident(&f, 2, D(2023, 7, 1), -1, NULL, "us_img", NULL);
    fx_resident(&f, 3, D(2023, 7, 1), -1, NULL, "usmd", NULL);
    fx_resident(&f, 4, D(2023, 7, 1), -1, NULL, "usmd", NULL);
    fx_ccc(&f, 1, D(2023, 12, 15), "satisfactory");
    fx_ccc(&f, 1, D(2024, 6, 15), "remediation");
    fx_ccc(&f, 1, D(2024, 12, 15), "satisfactory");
    fx_ccc(&f, 2, D(2024, 6, 30), "satisfactory");
    fx_ccc(&f, 2, D(2024, 7, 1), "probation");
    fx_ccc(&f, 3, D(2024, 12, 15), "focused_review");
    fx_ccc(&f, 3, D(2026, 1, 15), "dismissal");
    fx_ccc(&f, 4, D(2023, 12, 15), "non_promotion");
    assert_int_equal(fx_compute(&f, D(2025, 12, 31)), IMGO_OK);
    struct fx_row r = fx_get(&f, "trend.adverse_action_rate", "img", "", "AY2024");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "trend.adverse_action_rate", "non_img", "", "AY2024");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "trend.adverse_action_diff", "img_vs_non_img", "", "AY2024");
    assert_int_equal(r.n, 3);
    assert_int_equal(r.k, 2);
    NEAR(r.value, -0.5);
    NEAR(r.lo, -0.9054687943);
    NEAR(r.hi, 0.3910493441);
    NEAR(r.p, 1);
    r = fx_get(&f, "trend.adverse_action_rate", "img", "", "AY2025");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "trend.adverse_action_rate", "non_img", "", "AY2025");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.k, 0);
    r = fx_get(&f, "trend.adverse_action_rate", "all", "", "AY2025");
    assert_int_equal(r.n, 3);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "trend.adverse_action_diff", "img_vs_non_img", "", "AY2025");
    NEAR(r.value, 0.5);
    NEAR(r.lo, -0.3910493441);
    NEAR(r.hi, 0.9054687943);
    assert_int_equal(fx_count(&f, "trend.adverse_action_rate", NULL), 6); /* no AY2026 */
    r = fx_get(&f, "bias.adverse_action_rate", "img", "", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 2);
    r = fx_get(&f, "bias.adverse_action_rate", "non_img", "", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    fx_close(&f);
}

/*
 * The milestone gap per AY (PC1 only, one pgy per AY, so each AY's model is
 * rating ~ 1 + img and its img coefficient the difference of means). One
 * rating per resident and AY: CR1 with G = N = 4, K = 2 is the HC0 variance
 * sum e^2 / n_g^2 over both groups times 4/3 * 3/2 = 2; t(0.975; 3) =
 * 3.182446305 (R's qt); values and intervals also from R (lm and the CR1
 * formula of metrics.md).
 *   AY2023 (2022-12-15): IMG r1 only: fewer than 2 IMG residents, no row.
 *   AY2024 (2023-12-15, pgy 2): IMG 2.0, 3.0; non 3.0, 4.0: -1, residuals
 *     +-0.5: SE sqrt(2 * 0.25) = 0.7071067812, (-3.250329363, 1.250329363),
 *     p 0.2522154964.
 *   AY2025 (2024-12-15, pgy 3): IMG 2.5, 3.5; non 3.5, 4.0: -0.75, SE
 *     0.5590169944, (-2.529041568, 1.029041568), p 0.2722284012.
 *   AY2026 (2025-12-15, pgy 4): IMG 3.5, 3.5; non 4.0, 4.5: -0.75, SE 0.25,
 *     (-1.545611576, 0.04561157632), p 0.05766888562.
 *   Slope on x = 2024, 2025, 2026, w = 1/SE^2 = 2, 3.2, 16:
 *     0.09482758621, SE 1/sqrt(sum w (x - xw)^2), (-0.5675826509,
 *     0.7572378233), p 0.7790330333; n 3 years, k empty, never suppressed.
 */
static void milestone_gap_by_year(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    for (int i = 1; i <= 4; i++)
        fx_resident(&f, i, D(2022, 7, 1), -1, NULL, i <= 2 ? "non_us_img" : "usmd", NULL);
    fx_rating(&f, 1, D(2022, 12, 15), "PC1", 1, 2.0);
    fx_rating(&f, 3, D(2022, 12, 15), "PC1", 1, 2.5);
    fx_rating(&f, 4, D(2022, 12, 15), "PC1", 1, 3.0);
    static const double v[3][4] = { { 2.0, 3.0, 3.0, 4.0 }, { 2.5, 3.5, 3.5, 4.0 }, { 3.5, 3.5, 4.0, 4.5 } };
    for (int y = 0; y < 3; y++)
        for (int i = 0; i < 4; i++)
            fx_rating(&f, i + 1, D(2023 + y, 12, 15), "PC1", 2 + y, v[y][i]);
    assert_int_equal(fx_compute(&f, D(2025, 12, 31)), IMGO_OK);
    assert_int_equal(fx_count(&f, "trend.milestone_gap", NULL), 3);
    struct fx_row r = fx_get(&f, "trend.milestone_gap", "img_vs_non_img", "", "AY2024");
    assert_int_equal(r.n, 4);
    assert_int_equal(r.k, 4);
    NEAR(r.value, -1);
    NEAR(r.lo, -3.250329363);
    NEAR(r.hi, 1.250329363);
    NEAR(r.p, 0.2522154964);
    r = fx_get(&f, "trend.milestone_gap", "img_vs_non_img", "", "AY2025");
    NEAR(r.value, -0.75);
    NEAR(r.lo, -2.529041568);
    NEAR(r.hi, 1.029041568);
    NEAR(r.p, 0.2722284012);
    r = fx_get(&f, "trend.milestone_gap", "img_vs_non_img", "", "AY2026");
    NEAR(r.value, -0.75);
    NEAR(r.lo, -1.545611576);
    NEAR(r.hi, 0.04561157632);
    NEAR(r.p, 0.05766888562);
    r = fx_get(&f, "trend.milestone_gap_slope", "img_vs_non_img", "", "");
    assert_int_equal(r.n, 3);
    assert_int_equal(r.k, -1);
    NEAR(r.value, 0.09482758621);
    NEAR(r.lo, -0.5675826509);
    NEAR(r.hi, 0.7572378233);
    NEAR(r.p, 0.7790330333);
    assert_int_equal(r.suppressed, 0);
    fx_close(&f);
}

/*
 * Fewer than 3 years with a value: AY2024 and AY2025 as above; in AY2026
 * the IMGs are rated at pgy 3 and the non-IMGs at pgy 2 only, so img is the
 * pgy 3 dummy: rank deficient, the row is written with value, CI and p
 * empty, and it is not one of the slope's years. The slope row: n 2, value
 * empty, suppressed 0. With milestone_ratings present but no rating by
 * as-of, the slope row is still written (n 0); with the file absent, no
 * trend row at all.
 */
static void slope_needs_three_years(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    for (int i = 1; i <= 4; i++)
        fx_resident(&f, i, D(2022, 7, 1), -1, NULL, i <= 2 ? "non_us_img" : "usmd", NULL);
    static const double v[2][4] = { { 2.0, 3.0, 3.0, 4.0 }, { 2.5, 3.5, 3.5, 4.0 } };
    for (int y = 0; y < 2; y++)
        for (int i = 0; i < 4; i++)
            fx_rating(&f, i + 1, D(2023 + y, 12, 15), "PC1", 2 + y, v[y][i]);
    fx_rating(&f, 1, D(2025, 12, 15), "PC1", 3, 3.5);
    fx_rating(&f, 2, D(2025, 12, 15), "PC1", 3, 3.0);
    fx_rating(&f, 3, D(2025, 12, 15), "PC1", 2, 4.0);
    fx_rating(&f, 4, D(2025, 12, 15), "PC1", 2, 4.5);
    assert_int_equal(fx_compute(&f, D(2025, 12, 31)), IMGO_OK);
    struct fx_row r = fx_get(&f, "trend.milestone_gap", "img_vs_non_img", "", "AY2026");
    assert_int_equal(r.n, 4);
    IS_NAN(r.value);
    IS_NAN(r.lo);
    IS_NAN(r.p);
    r = fx_get(&f, "trend.milestone_gap_slope", "img_vs_non_img", "", "");
    assert_int_equal(r.n, 2);
    IS_NAN(r.value);
    IS_NAN(r.lo);
    IS_NAN(r.p);
    assert_int_equal(r.suppressed, 0);

    /* every rating after as-of: the file is present, the slope row says 0 years */
    assert_int_equal(fx_compute(&f, D(2023, 6, 30)), IMGO_OK);
    assert_int_equal(fx_count(&f, "trend.milestone_gap", NULL), 0);
    r = fx_get(&f, "trend.milestone_gap_slope", "img_vs_non_img", "", "");
    assert_int_equal(r.n, 0);
    IS_NAN(r.value);
    assert_int_equal(r.suppressed, 0);
    /* absent: no row */
    fx_sql(&f, "DELETE FROM milestone_ratings");
    assert_int_equal(fx_compute(&f, D(2025, 12, 31)), IMGO_OK);
    assert_int_equal(fx_count(&f, "trend.milestone_gap_slope", NULL), 0);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(first_year_retention),
        cmocka_unit_test(adverse_by_year),
        cmocka_unit_test(milestone_gap_by_year),
        cmocka_unit_test(slope_needs_three_years),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
