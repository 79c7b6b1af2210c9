/* The report's chart helpers that decide what a reader sees of an axis. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "../../src/report/rchart.h"

/* A forest plot's axis holds the no-difference line with a margin: gaps
 * all below 0 (-0.5 to -0.1) used to end the axis at 0, so the dashed line
 * sat on the frame. Span 0.5, margin 8% = 0.04: -0.54 to 0.04. */
static void test_axis_holds_reference(void **state)
{
    (void)state;
    double lo, hi;
    rep_axis_range(-0.5, -0.1, 0, 0, &lo, &hi);
    assert_float_equal(lo, -0.54, 1e-12);
    assert_float_equal(hi, 0.04, 1e-12);
    assert_true(hi > 0);
    /* odds ratios on a log axis: 1.5 to 4 with the line at 1: (4/1)^0.08 */
    rep_axis_range(1.5, 4, 1, 1, &lo, &hi);
    double pad = pow(4.0, 0.08);
    assert_float_equal(lo, 1 / pad, 1e-12);
    assert_float_equal(hi, 4 * pad, 1e-12);
    assert_true(lo < 1);
    /* nothing to draw: the reference line alone, with a margin */
    rep_axis_range(NAN, NAN, 0, 0, &lo, &hi);
    assert_float_equal(lo, -0.08, 1e-12);
    assert_float_equal(hi, 0.08, 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_axis_holds_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
