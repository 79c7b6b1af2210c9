/*
 * test_compute_level4.c - reaching Level 4 by graduation and the
 * predictive value of a low milestone review (milestone.l4_at_graduation,
 * milestone.ppv_not_l4) on a tiny cohort worked by hand: graduates, the
 * final review, occasions, a review mean exactly on l4_threshold, ratings
 * after graduation, and a different threshold. Wilson and Newcombe values
 * are the closed forms (z = 1.959963985).
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
 * as-of 2026-06-30. Graduates: completed, end_date by as-of, a rating dated
 * by end_date; only those ratings count.
 *   r1 IMG, completed 2025-06-30: 2023-12-15 PC1 2.0 MK1 3.0 (mean 2.5,
 *      exactly the threshold: low); 2024-06-15 3.0 3.0 (3.0); final
 *      2025-06-15 4.0 3.5: not Level 4. Ratings of 5.0 on 2025-12-15 come
 *      after graduation and do not count (they would make it Level 4).
 *   r2 IMG, completed 2025-06-30: 2024-12-15 PC1 2.5 MK1 2.0 ICS1 3.0
 *      (7.5 / 3 = 2.5: low); final 2025-06-15 4.0 4.0 4.5: Level 4 (4.0
 *      counts).
 *   r3 non, completed 2025-06-30: 2023-12-15 3.0 3.5 (3.25); 2024-06-15
 *      2.0 2.5 (2.25: low); 2024-12-15 3.5 3.5; final 2025-06-15 4.0 4.0:
 *      Level 4.
 *   r4 non, completed 2025-06-30: one review 2025-06-15 4.0 3.0: not Level 4.
 *   Not graduates: r5 (completes 2026-12-31, after as-of), r6 (withdrew),
 *   r7 (completed 2025-06-30, rated only on 2025-07-15, after end_date).
 * l4_at_graduation: img 1/2, non 1/2, all 2/4 (0.1500389892, 0.8499610108);
 *   diff 0 (-0.573419468, 0.573419468), Fisher p 1.
 * ppv_not_l4, occasions 1 .. 4 - 1 (r3 has the most review dates, 4); a
 *   graduate counts at o before their final review:
 *   o=1: r1 low, not Level 4; r2 low, Level 4; r3 not low: n 2, k 1.
 *   o=2: r1 not low; r3 low, Level 4: n 1, k 0.
 *   o=3: r3 not low: n 0: the row is written, value empty, suppressed.
 * With l4_threshold 2.4: o=1 n 0 (2.5 is above it); o=2 n 1, k 0.
 */
static void cohort(struct fx *f)
{
    fx_resident(f, 1, D(2022, 7, 1), D(2025, 6, 30), "completed", "us_img", NULL);
    fx_resident(f, 2, D(2022, 7, 1), D(2025, 6, 30), "completed", "non_us_img", NULL);
    fx_resident(f, 3, D(2022, 7, 1), D(2025, 6, 30), "completed", "usmd", NULL);
    fx_resident(f, 4, D(2022, 7, 1), D(2025, 6, 30), "completed", "usdo", NULL);
    fx_resident(f, 5, D(2023, 7, 1), D(2026, 12, 31), "completed", "usmd", NULL);
    fx_resident(f, 6, D(2022, 7, 1), D(2024, 6, 30), "withdrew", "us_img", NULL);
    fx_resident(f, 7, D(2022, 7, 1), D(2025, 6, 30), "completed", "usmd", NULL);
    static const struct {
        int rid, y, m, d;
        const char *s;
        double v;
    } r[] = {
        { 1, 2023, 12, 15, "PC1", 2.0 },  { 1, 2023, 12, 15, "MK1", 3.0 }, { 1, 2024, 6, 15, "PC1", 3.0 },
        { 1, 2024, 6, 15, "MK1", 3.0 },   { 1, 2025, 6, 15, "PC1", 4.0 },  { 1, 2025, 6, 15, "MK1", 3.5 },
        { 1, 2025, 12, 15, "PC1", 5.0 },  { 1, 2025, 12, 15, "MK1", 5.0 }, { 2, 2024, 12, 15, "PC1", 2.5 },
        { 2, 2024, 12, 15, "MK1", 2.0 },  { 2, 2024, 12, 15, "ICS1", 3.0 }, { 2, 2025, 6, 15, "PC1", 4.0 },
        { 2, 2025, 6, 15, "MK1", 4.0 },   { 2, 2025, 6, 15, "ICS1", 4.5 }, { 3, 2023, 12, 15, "PC1", 3.0 },
        { 3, 2023, 12, 15, "MK1", 3.5 },  { 3, 2024, 6, 15, "PC1", 2.0 },  { 3, 2024, 6, 15, "MK1", 2.5 },
        { 3, 2024, 12, 15, "PC1", 3.5 },  { 3, 2024, 12, 15, "MK1", 3.5 }, { 3, 2025, 6, 15, "PC1", 4.0 },
        { 3, 2025, 6, 15, "MK1", 4.0 },   { 4, 2025, 6, 15, "PC1", 4.0 },  { 4, 2025, 6, 15, "MK1", 3.0 },
        { 5, 2024, 6, 15, "PC1", 1.0 },   { 5, 2025, 6, 15, "PC1", 4.5 },  { 6, 2023, 12, 15, "PC1", 1.0 },
        { 6, 2024, 6, 15, "PC1", 1.5 },   { 7, 2025, 7, 15, "PC1", 2.0 },
    };
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        fx_rating(f, r[i].rid, D(r[i].y, r[i].m, r[i].d), r[i].s, 1, r[i].v);
}

static void level4_by_graduation(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    cohort(&f);
    assert_int_equal(fx_compute(&f, D(2026, 6, 30)), IMGO_OK);
    struct fx_row r = fx_get(&f, "milestone.l4_at_graduation", "img", "", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "milestone.l4_at_graduation", "non_img", "", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "milestone.l4_at_graduation", "all", "", "");
    assert_int_equal(r.n, 4);
    assert_int_equal(r.k, 2);
    NEAR(r.value, 0.5);
    NEAR(r.lo, 0.1500389892);
    NEAR(r.hi, 0.8499610108);
    r = fx_get(&f, "milestone.l4_at_graduation_diff", "img_vs_non_img", "", "");
    assert_int_equal(r.n, 4);
    assert_int_equal(r.k, 2);
    NEAR(r.value, 0);
    NEAR(r.lo, -0.573419468);
    NEAR(r.hi, 0.573419468);
    NEAR(r.p, 1);

    r = fx_get(&f, "milestone.ppv_not_l4", "all", "occasion=1", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    NEAR(r.value, 0.5);
    NEAR(r.lo, 0.09453120573);
    r = fx_get(&f, "milestone.ppv_not_l4", "all", "occasion=2", "");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.k, 0);
    NEAR(r.value, 0);
    NEAR(r.hi, 0.7934506856);
    r = fx_get(&f, "milestone.ppv_not_l4", "all", "occasion=3", "");
    assert_int_equal(r.n, 0);
    assert_int_equal(r.k, 0);
    IS_NAN(r.value);
    IS_NAN(r.lo);
    assert_int_equal(r.suppressed, 1);
    assert_int_equal(fx_count(&f, "milestone.ppv_not_l4", NULL), 3);
    assert_int_equal(fx_count(&f, "milestone.ppv_not_l4", "all"), 3);

    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(params_set(&f.p, "l4_threshold", "2.4", &err), IMGO_OK);
    assert_int_equal(fx_compute(&f, D(2026, 6, 30)), IMGO_OK);
    r = fx_get(&f, "milestone.ppv_not_l4", "all", "occasion=1", "");
    assert_int_equal(r.n, 0);
    r = fx_get(&f, "milestone.ppv_not_l4", "all", "occasion=2", "");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.k, 0);
    fx_close(&f);
}

/* No graduate (as-of before anyone completes): the Level 4 rows are
 * written with n 0 and no occasion row; with milestone_ratings absent,
 * no row at all. */
static void level4_nobody(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    cohort(&f);
    assert_int_equal(fx_compute(&f, D(2025, 6, 1)), IMGO_OK);
    struct fx_row r = fx_get(&f, "milestone.l4_at_graduation", "all", "", "");
    assert_int_equal(r.n, 0);
    IS_NAN(r.value);
    assert_int_equal(fx_count(&f, "milestone.l4_at_graduation", NULL), 3);
    assert_int_equal(fx_count(&f, "milestone.l4_at_graduation_diff", NULL), 0);
    assert_int_equal(fx_count(&f, "milestone.ppv_not_l4", NULL), 0);
    fx_sql(&f, "DELETE FROM milestone_ratings");
    assert_int_equal(fx_compute(&f, D(2026, 6, 30)), IMGO_OK);
    assert_int_equal(fx_count(&f, "milestone.l4_at_graduation", NULL), 0);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(level4_by_graduation),
        cmocka_unit_test(level4_nobody),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
