/*
 * test_compute_sweep.c - the milestone models' X'X cell by cell: the path
 * milestone.c takes when its tables of sums would be too big (absurd
 * numbers of levels), forced here by compiling milestone.c with a limit of
 * 0. The numbers must be those worked by hand in test_compute_bias.c and
 * test_compute_trend.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "compute_fixture.h"
#include "date.h"

#define MILESTONE_SUMS_MAX 0
#include "../../src/compute/milestone.c"

/* The ratings of test_compute_bias.c's milestone_gap: img = -0.9267015707
 * (-1.555634167, -0.2977689742), p 0.01278947639; ICS1 -1.1. */
static void overall_cell_by_cell(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    for (int i = 1; i <= 6; i++)
        fx_resident(&f, i, 19000, -1, NULL, i <= 3 ? "non_us_img" : "usmd", NULL);
    static const struct {
        int rid, date;
        const char *s;
        int pgy;
        double v;
    } r[] = {
        { 1, 20000, "ICS1", 1, 2.0 }, { 1, 20000, "PC1", 1, 2.5 }, { 1, 20200, "ICS1", 2, 3.0 },
        { 1, 20200, "PC1", 2, 3.0 },  { 2, 20000, "ICS1", 1, 1.5 }, { 2, 20000, "PC1", 1, 2.0 },
        { 2, 20200, "ICS1", 2, 2.5 }, { 3, 20000, "ICS1", 1, 2.5 }, { 3, 20000, "PC1", 1, 3.0 },
        { 4, 20000, "ICS1", 1, 3.0 }, { 4, 20000, "PC1", 1, 3.0 },  { 4, 20200, "ICS1", 2, 3.5 },
        { 4, 20200, "PC1", 2, 4.0 },  { 5, 20000, "ICS1", 1, 2.5 }, { 5, 20000, "PC1", 1, 3.5 },
        { 5, 20200, "PC1", 2, 4.0 },  { 6, 20000, "ICS1", 1, 3.5 }, { 6, 20200, "ICS1", 2, 4.5 },
        { 6, 20200, "PC1", 2, 3.5 },
    };
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        fx_rating(&f, r[i].rid, r[i].date, r[i].s, r[i].pgy, r[i].v);
    assert_int_equal(fx_compute(&f, 20400), IMGO_OK);
    struct fx_row m = fx_get(&f, "bias.milestone_gap", "img_vs_non_img", "", "");
    assert_int_equal(m.n, 19);
    NEAR(m.value, -0.9267015707);
    NEAR(m.lo, -1.555634167);
    NEAR(m.hi, -0.2977689742);
    NEAR(m.p, 0.01278947639);
    m = fx_get(&f, "bias.milestone_gap", "img_vs_non_img", "subcompetency=ICS1", "");
    NEAR(m.value, -1.1);
    NEAR(m.p, 0.0387901807);
    /* one program: its model is the overall one */
    m = fx_get(&f, "institution.milestone_gap", "img_vs_non_img", "program=IM-001", "");
    NEAR(m.value, -0.9267015707);
    fx_close(&f);
}

/* test_compute_trend.c's years: -1, -0.75, -0.75 and the slope
 * 0.09482758621 (-0.5675826509, 0.7572378233). */
static void years_cell_by_cell(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    for (int i = 1; i <= 4; i++)
        fx_resident(&f, i, date_from_ymd(2022, 7, 1), -1, NULL, i <= 2 ? "non_us_img" : "usmd", NULL);
    static const double v[3][4] = { { 2.0, 3.0, 3.0, 4.0 }, { 2.5, 3.5, 3.5, 4.0 }, { 3.5, 3.5, 4.0, 4.5 } };
    for (int y = 0; y < 3; y++)
        for (int i = 0; i < 4; i++)
            fx_rating(&f, i + 1, date_from_ymd(2023 + y, 12, 15), "PC1", 2 + y, v[y][i]);
    assert_int_equal(fx_compute(&f, date_from_ymd(2025, 12, 31)), IMGO_OK);
    struct fx_row r = fx_get(&f, "trend.milestone_gap", "img_vs_non_img", "", "AY2025");
    NEAR(r.value, -0.75);
    NEAR(r.lo, -2.529041568);
    r = fx_get(&f, "trend.milestone_gap_slope", "img_vs_non_img", "", "");
    assert_int_equal(r.n, 3);
    NEAR(r.value, 0.09482758621);
    NEAR(r.lo, -0.5675826509);
    NEAR(r.hi, 0.7572378233);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(overall_cell_by_cell),
        cmocka_unit_test(years_cell_by_cell),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
