/*
 * test_date.c - calendar day numbers (date.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "date.h"

static void epoch_and_known_days(void **state)
{
    (void)state;
    assert_int_equal(date_from_ymd(1970, 1, 1), 0);
    /* 2000-03-01 is day 11017: 30 years of 365 days + 7 leap days to 2000-01-01
     * (10957), + 31 (Jan) + 29 (Feb, 2000 is a leap year). */
    assert_int_equal(date_from_ymd(2000, 3, 1), 10957 + 31 + 29);
    assert_int_equal(date_from_ymd(1969, 12, 31), -1);
}

static void round_trip(void **state)
{
    (void)state;
    for (int d = -800000; d < 800000; d += 37) {
        int y, m, dd;
        date_to_ymd(d, &y, &m, &dd);
        assert_int_equal(date_from_ymd(y, m, dd), d);
    }
}

static void parse_valid_and_invalid(void **state)
{
    (void)state;
    int d;
    assert_int_equal(date_parse("2024-02-29", 10, &d), 0);
    assert_int_equal(d, date_from_ymd(2024, 2, 29));
    assert_int_equal(date_parse("2025-02-29", 10, &d), -1);
    assert_int_equal(date_parse("2025-02-30", 10, &d), -1);
    assert_int_equal(date_parse("1900-02-29", 10, &d), -1);
    assert_int_equal(date_parse("2000-02-29", 10, &d), 0);
    assert_int_equal(date_parse("2025-13-01", 10, &d), -1);
    assert_int_equal(date_parse("2025-00-10", 10, &d), -1);
    assert_int_equal(date_parse("2025-04-31", 10, &d), -1);
    assert_int_equal(date_parse("2025-4-01", 9, &d), -1);
    assert_int_equal(date_parse("2025/04/01", 10, &d), -1);
    assert_int_equal(date_parse("2025-04-0a", 10, &d), -1);
    char out[11];
    date_format(date_from_ymd(2025, 7, 1), out);
    assert_string_equal(out, "2025-07-01");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(epoch_and_known_days),
        cmocka_unit_test(round_trip),
        cmocka_unit_test(parse_valid_and_invalid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
