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

static int fmt(enum date_fmt f, const char *s)
{
    int d;
    return date_parse_fmt(f, s, strlen(s), &d) ? -99999 : d;
}

static void export_formats(void **state)
{
    (void)state;
    int jul1 = date_from_ymd(2022, 7, 1);
    assert_int_equal(fmt(DATE_FMT_ISO, "2022-07-01"), jul1);
    assert_int_equal(fmt(DATE_FMT_MDY, "7/1/2022"), jul1);
    assert_int_equal(fmt(DATE_FMT_MDY, "07/01/2022"), jul1);
    assert_int_equal(fmt(DATE_FMT_DMY, "1/7/2022"), jul1);
    assert_int_equal(fmt(DATE_FMT_DMY, "01/07/2022"), jul1);
    assert_int_equal(fmt(DATE_FMT_DMONY, "1-Jul-2022"), jul1);
    assert_int_equal(fmt(DATE_FMT_DMONY, "01-JUL-2022"), jul1);
    assert_int_equal(fmt(DATE_FMT_MDY, "2/29/2024"), date_from_ymd(2024, 2, 29));
    /* not dates, or not in the format */
    assert_int_equal(fmt(DATE_FMT_MDY, "13/45/2022"), -99999);
    assert_int_equal(fmt(DATE_FMT_MDY, "2/29/2023"), -99999);
    assert_int_equal(fmt(DATE_FMT_MDY, "7/1/22"), -99999);
    assert_int_equal(fmt(DATE_FMT_MDY, "7/1/20222"), -99999);
    assert_int_equal(fmt(DATE_FMT_MDY, "007/1/2022"), -99999);
    assert_int_equal(fmt(DATE_FMT_MDY, "7-1-2022"), -99999);
    assert_int_equal(fmt(DATE_FMT_MDY, "7/1/2022 0:00"), -99999);
    assert_int_equal(fmt(DATE_FMT_MDY, "2022-07-01"), -99999);
    assert_int_equal(fmt(DATE_FMT_DMY, "31/4/2022"), -99999);
    assert_int_equal(fmt(DATE_FMT_DMONY, "1-Jly-2022"), -99999);
    assert_int_equal(fmt(DATE_FMT_DMONY, "1-July-2022"), -99999);
    assert_int_equal(fmt(DATE_FMT_DMONY, "1 Jul 2022"), -99999);
    assert_int_equal(fmt(DATE_FMT_DMONY, "30-Feb-2022"), -99999);
    assert_int_equal(fmt(DATE_FMT_ISO, "7/1/2022"), -99999);
}

/* Microsoft's documentation of the DATE function: "January 1, 1900 is
 * serial number 1, and January 1, 2008 is serial number 39448". Microsoft
 * KB 214326 ("Excel incorrectly assumes that the year 1900 is a leap
 * year"): serial 60 shows as 29 February 1900, 59 is 28 February and 61 is
 * 1 March 1900. */
static void excel_serials(void **state)
{
    (void)state;
    assert_int_equal(fmt(DATE_FMT_EXCEL, "1"), date_from_ymd(1900, 1, 1));
    assert_int_equal(fmt(DATE_FMT_EXCEL, "39448"), date_from_ymd(2008, 1, 1));
    assert_int_equal(fmt(DATE_FMT_EXCEL, "59"), date_from_ymd(1900, 2, 28));
    assert_int_equal(fmt(DATE_FMT_EXCEL, "60"), -99999);
    assert_int_equal(fmt(DATE_FMT_EXCEL, "61"), date_from_ymd(1900, 3, 1));
    /* By hand from 39448 (2008-01-01): 14 years to 2022-01-01 with the leap
     * days of 2008, 2012, 2016 and 2020 are 14 * 365 + 4 = 5114 days, so
     * 2022-01-01 is 44562; 2022-07-01 is 181 days later, 44743. */
    assert_int_equal(fmt(DATE_FMT_EXCEL, "44743"), date_from_ymd(2022, 7, 1));
    assert_int_equal(fmt(DATE_FMT_EXCEL, "2958465"), date_from_ymd(9999, 12, 31));
    assert_int_equal(fmt(DATE_FMT_EXCEL, "2958466"), -99999);
    assert_int_equal(fmt(DATE_FMT_EXCEL, "0"), -99999);
    assert_int_equal(fmt(DATE_FMT_EXCEL, "44743.5"), -99999);
    assert_int_equal(fmt(DATE_FMT_EXCEL, "-1"), -99999);
    assert_int_equal(fmt(DATE_FMT_EXCEL, ""), -99999);
}

static void format_names(void **state)
{
    (void)state;
    assert_int_equal(date_fmt_lookup("m/d/yyyy", 8), DATE_FMT_MDY);
    assert_int_equal(date_fmt_lookup("MM/DD/YYYY", 10), DATE_FMT_MDY);
    assert_int_equal(date_fmt_lookup("dd/mm/yyyy", 10), DATE_FMT_DMY);
    assert_int_equal(date_fmt_lookup("d-mon-yyyy", 10), DATE_FMT_DMONY);
    assert_int_equal(date_fmt_lookup("iso", 3), DATE_FMT_ISO);
    assert_int_equal(date_fmt_lookup("YYYY-MM-DD", 10), DATE_FMT_ISO);
    assert_int_equal(date_fmt_lookup("Excel Serial", 12), DATE_FMT_EXCEL);
    assert_int_equal(date_fmt_lookup("excel", 5), DATE_FMT_EXCEL);
    assert_int_equal(date_fmt_lookup("D.M.YYYY", 8), -1);
    assert_int_equal(date_fmt_lookup("", 0), -1);
    assert_string_equal(date_fmt_name(DATE_FMT_MDY), "M/D/YYYY");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(epoch_and_known_days),
        cmocka_unit_test(round_trip),
        cmocka_unit_test(parse_valid_and_invalid),
        cmocka_unit_test(export_formats),
        cmocka_unit_test(excel_serials),
        cmocka_unit_test(format_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
