/*
 * test_compute_retention.c - retention.km and retention.logrank on a tiny
 * cohort worked by hand, with tied events, censoring, a resident after
 * as-of, and times beyond follow-up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "compute_fixture.h"

/*
 * as-of = day 20000. Times (days) and events:
 *   IMG:     r1 300 withdrew (event), r2 365 dismissed (event),
 *            r3 365 transferred (event, tied with r2), r4 500 completed
 *            (censored), r5 1000 in training (censored: as-of - start),
 *            r6 ends after as-of (day 20500): censored at 2000;
 *            r7 starts after as-of: in no metric.
 *   non-IMG: r8 500 in training (censored), r9 700 transferred (event).
 *
 * IMG KM: S(300) = 5/6, S(365) = 5/6 * (1 - 2/5) = 0.5, then flat.
 *   Greenwood at 365: 1/(6*5) + 2/(5*3) = 1/6; log-log interval
 *   S^exp(+-z sqrt(1/6)/|ln 0.5|) = (0.1109482604, 0.8037092369).
 * non-IMG: S(365) = 1 (no interval); nobody has time >= 730, so t=730 and
 *   t=1095 have an empty value but k = 1.
 * all (8 subjects): S(365) = 7/8 * 5/7 = 0.625, interval (0.2293333224,
 *   0.8606982769); S(730) = 0.625 * (1 - 1/3) = 0.4166666667 (at risk at 700:
 *   r5, r6, r9), interval (0.0719674975, 0.7473261855).
 * Log-rank (survdiff): event times 300, 365, 700.
 *   300: n 8, n_img 6, d 1: E 6/8, V 6*2*1*7/(64*7) = 0.1875
 *   365: n 7, n_img 5, d 2: E 10/7, V 5*2*2*5/(49*6) = 0.3401360544
 *   700: n 3, n_img 2, d 1: E 2/3, V 2*1*1*2/(9*2) = 0.2222222222
 *   O_img = 3, E_img = 2.845238095, chi2 = 0.0239523/0.7498582766 = 0.03194103194,
 *   p = 0.8581571391.
 */
static void km_and_logrank(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    fx_resident(&f, 1, 18000, 18300, "withdrew", "us_img", "j1");
    fx_resident(&f, 2, 18000, 18365, "dismissed", "us_img", "j1");
    fx_resident(&f, 3, 18000, 18365, "transferred", "non_us_img", "h1b");
    fx_resident(&f, 4, 18000, 18500, "completed", "us_img", NULL);
    fx_resident(&f, 5, 19000, -1, NULL, "non_us_img", "h1b");
    fx_resident(&f, 6, 18000, 20500, "withdrew", "us_img", "none");
    fx_resident(&f, 7, 20100, -1, NULL, "us_img", "none");
    fx_resident(&f, 8, 19500, -1, NULL, "usmd", NULL);
    fx_resident(&f, 9, 19000, 19700, "transferred", "usdo", NULL);
    assert_int_equal(fx_compute(&f, 20000), IMGO_OK);

    struct fx_row r = fx_get(&f, "retention.km", "img", "t=365", "");
    assert_int_equal(r.n, 6);
    assert_int_equal(r.k, 3);
    NEAR(r.value, 0.5);
    NEAR(r.lo, 0.1109482604);
    NEAR(r.hi, 0.8037092369);
    IS_NAN(r.p);
    assert_int_equal(r.suppressed, 0);
    r = fx_get(&f, "retention.km", "img", "t=1095", "");
    NEAR(r.value, 0.5);
    assert_int_equal(r.k, 3);

    r = fx_get(&f, "retention.km", "non_img", "t=365", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 0);
    NEAR(r.value, 1);
    IS_NAN(r.lo);
    IS_NAN(r.hi);
    assert_int_equal(r.suppressed, 1);
    r = fx_get(&f, "retention.km", "non_img", "t=730", "");
    IS_NAN(r.value);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "retention.km", "non_img", "t=1095", "");
    IS_NAN(r.value);
    assert_int_equal(r.k, 1);

    r = fx_get(&f, "retention.km", "all", "t=365", "");
    assert_int_equal(r.n, 8);
    NEAR(r.value, 0.625);
    NEAR(r.lo, 0.2293333224);
    NEAR(r.hi, 0.8606982769);
    r = fx_get(&f, "retention.km", "all", "t=730", "");
    assert_int_equal(r.k, 4);
    NEAR(r.value, 0.4166666667);
    NEAR(r.lo, 0.0719674975);
    NEAR(r.hi, 0.7473261855);

    r = fx_get(&f, "retention.logrank", "img_vs_non_img", "", "");
    assert_int_equal(r.n, 8);
    assert_int_equal(r.k, 4);
    NEAR(r.value, 0.03194103194);
    NEAR(r.p, 0.8581571391);
    IS_NAN(r.q);
    assert_int_equal(fx_count(&f, "retention.km", NULL), 9);

    /* the chart: the img curve starts at (0, 1) with 6 at risk, then 300 */
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f.db,
                       "SELECT x, n, k, value FROM chart_points WHERE chart = 'retention_km'"
                       " AND series = 'img' ORDER BY seq LIMIT 2",
                       -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    NEAR(sqlite3_column_double(st, 0), 0);
    assert_int_equal(sqlite3_column_int(st, 1), 6);
    NEAR(sqlite3_column_double(st, 3), 1);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    NEAR(sqlite3_column_double(st, 0), 300);
    assert_int_equal(sqlite3_column_int(st, 1), 6);
    assert_int_equal(sqlite3_column_int(st, 2), 1);
    NEAR(sqlite3_column_double(st, 3), 5.0 / 6);
    sqlite3_finalize(st);
    fx_close(&f);
}

/* No event at all: the log-rank row is written with n and k but an empty
 * value and p. A group with nobody: no log-rank row, KM rows with n 0. */
static void no_events_and_empty_group(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    fx_resident(&f, 1, 19000, -1, NULL, "us_img", NULL);
    fx_resident(&f, 2, 19000, 19400, "completed", "usmd", NULL);
    assert_int_equal(fx_compute(&f, 20000), IMGO_OK);
    struct fx_row r = fx_get(&f, "retention.logrank", "img_vs_non_img", "", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 0);
    IS_NAN(r.value);
    IS_NAN(r.p);
    fx_close(&f);

    fx_open(&f);
    fx_resident(&f, 1, 19000, -1, NULL, "us_img", NULL);
    assert_int_equal(fx_compute(&f, 20000), IMGO_OK);
    assert_int_equal(fx_count(&f, "retention.logrank", NULL), 0);
    r = fx_get(&f, "retention.km", "non_img", "t=365", "");
    assert_int_equal(r.n, 0);
    assert_int_equal(r.k, 0);
    IS_NAN(r.value);
    assert_int_equal(r.suppressed, 1);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(km_and_logrank),
        cmocka_unit_test(no_events_and_empty_group),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
