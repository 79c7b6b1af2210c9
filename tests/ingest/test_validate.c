/*
 * test_validate.c - field, row and header rules of the input contract
 * (validate.h, cohort.h): for each rule a good value passes and a bad one
 * fails with the contract's message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cohort.h"
#include "date.h"
#include "validate.h"

static const struct cohort_column *column(enum cohort_file_id f, const char *name)
{
    const struct cohort_file *cf = cohort_file(f);
    int i = cohort_column_index(cf, name);
    assert_true(i >= 0);
    return &cf->cols[i];
}

static char last_msg[512];
static struct validate_value last;

/* Validates a copy of s (len bytes); returns 0 or -1, message in last_msg. */
static int vfield_n(enum cohort_file_id f, const char *col, const char *s, size_t len)
{
    static char copy[20000];
    struct buf m = BUF_INIT;
    memcpy(copy, s, len);
    copy[len] = '\0';
    int rc = validate_field(column(f, col), copy, len, &last, &m);
    snprintf(last_msg, sizeof last_msg, "%s", buf_str(&m));
    buf_release(&m);
    return rc;
}

static int vfield(enum cohort_file_id f, const char *col, const char *s)
{
    return vfield_n(f, col, s, strlen(s));
}

#define BAD(f, col, s, msg)                                 \
    do {                                                    \
        assert_int_equal(vfield(f, col, s), -1);            \
        assert_string_equal(last_msg, msg);                 \
    } while (0)
#define GOOD(f, col, s) assert_int_equal(vfield(f, col, s), 0)

static void ids(void **state)
{
    (void)state;
    GOOD(COHORT_RESIDENTS, "resident_id", "R-001_a.b");
    GOOD(COHORT_RESIDENTS, "resident_id", "x");
    char id64[65];
    memset(id64, 'a', 64);
    id64[64] = '\0';
    GOOD(COHORT_RESIDENTS, "resident_id", id64);
    assert_int_equal(vfield_n(COHORT_RESIDENTS, "resident_id", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 65), -1);
    BAD(COHORT_RESIDENTS, "resident_id", "R 01",
        "\"R 01\" is not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)");
    BAD(COHORT_MENTOR_ASSIGNMENTS, "mentor_id", "M/1",
        "\"M/1\" is not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)");
    BAD(COHORT_EVALUATIONS, "evaluator_id", "\xC3\xA9",
        "\"\xC3\xA9\" is not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)");
    /* case-sensitive: stored as given */
    GOOD(COHORT_RESIDENTS, "resident_id", "r003");
    assert_memory_equal(last.s, "r003", 4);
}

static void required_and_missing(void **state)
{
    (void)state;
    BAD(COHORT_RESIDENTS, "program", "", "required value is missing");
    GOOD(COHORT_RESIDENTS, "end_date", "");
    assert_true(last.missing);
    GOOD(COHORT_RESIDENTS, "visa", "");
    assert_true(last.missing);
}

static void dates(void **state)
{
    (void)state;
    GOOD(COHORT_RESIDENTS, "start_date", "2024-02-29");
    assert_int_equal(last.i, date_from_ymd(2024, 2, 29));
    BAD(COHORT_RESIDENTS, "start_date", "2025-02-30", "\"2025-02-30\" is not a valid date (YYYY-MM-DD)");
    BAD(COHORT_BOARD_EXAMS, "exam_date", "2025-13-01", "\"2025-13-01\" is not a valid date (YYYY-MM-DD)");
    BAD(COHORT_BOARD_EXAMS, "exam_date", "07/01/2025", "\"07/01/2025\" is not a valid date (YYYY-MM-DD)");
    BAD(COHORT_BOARD_EXAMS, "exam_date", "2025-7-1", "\"2025-7-1\" is not a valid date (YYYY-MM-DD)");
}

static void integers(void **state)
{
    (void)state;
    GOOD(COHORT_RESIDENTS, "step2_score", "007");
    assert_int_equal(last.i, 7);
    GOOD(COHORT_RESIDENTS, "step2_score", "300");
    GOOD(COHORT_RESIDENTS, "step2_score", "1");
    BAD(COHORT_RESIDENTS, "step2_score", "2.0", "\"2.0\" is not an integer");
    BAD(COHORT_RESIDENTS, "step2_score", "+3", "\"+3\" is not an integer");
    BAD(COHORT_RESIDENTS, "step2_score", "1e2", "\"1e2\" is not an integer");
    BAD(COHORT_RESIDENTS, "step2_score", "-3", "\"-3\" is not an integer");
    BAD(COHORT_RESIDENTS, "step2_score", "301", "\"301\" is out of range 1..300");
    BAD(COHORT_RESIDENTS, "step2_score", "0", "\"0\" is out of range 1..300");
    BAD(COHORT_RESIDENTS, "step2_score", "99999999999999999999999", "\"99999999999999999999999\" is out of range 1..300");
    GOOD(COHORT_RESIDENTS, "graduation_year", "1950");
    BAD(COHORT_RESIDENTS, "graduation_year", "1949", "\"1949\" is out of range 1950..2100");
    GOOD(COHORT_BOARD_EXAMS, "attempt", "99");
    BAD(COHORT_BOARD_EXAMS, "attempt", "100", "\"100\" is out of range 1..99");
    GOOD(COHORT_FELLOWSHIP_APPLICATIONS, "cycle_year", "2100");
    BAD(COHORT_FELLOWSHIP_APPLICATIONS, "cycle_year", "2101", "\"2101\" is out of range 1950..2100");
    GOOD(COHORT_MILESTONE_RATINGS, "pgy", "8");
    BAD(COHORT_EVALUATIONS, "pgy", "9", "\"9\" is out of range 1..8");
    GOOD(COHORT_PATIENT_EXPERIENCE, "responses", "1");
    BAD(COHORT_PATIENT_EXPERIENCE, "responses", "0", "\"0\" is less than 1");
}

static void numbers(void **state)
{
    (void)state;
    GOOD(COHORT_BOARD_EXAMS, "score", "0");
    GOOD(COHORT_BOARD_EXAMS, "score", "1000");
    GOOD(COHORT_BOARD_EXAMS, "score", "512.25");
    assert_true(last.d == 512.25);
    GOOD(COHORT_BOARD_EXAMS, "score", "0.1");
    assert_true(last.d == strtod("0.1", NULL));
    GOOD(COHORT_BOARD_EXAMS, "score", "123.4567890123456789");
    assert_true(last.d == strtod("123.4567890123456789", NULL));
    BAD(COHORT_BOARD_EXAMS, "score", "-0.5", "\"-0.5\" is out of range 0..1000");
    BAD(COHORT_BOARD_EXAMS, "score", "1000.5", "\"1000.5\" is out of range 0..1000");
    BAD(COHORT_BOARD_EXAMS, "score", ".5", "\".5\" is not a number");
    BAD(COHORT_BOARD_EXAMS, "score", "5.", "\"5.\" is not a number");
    BAD(COHORT_BOARD_EXAMS, "score", "1e2", "\"1e2\" is not a number");
    BAD(COHORT_BOARD_EXAMS, "score", "0x10", "\"0x10\" is not a number");
    BAD(COHORT_BOARD_EXAMS, "score", "inf", "\"inf\" is not a number");
    BAD(COHORT_BOARD_EXAMS, "score", "nan", "\"nan\" is not a number");
    BAD(COHORT_BOARD_EXAMS, "score", "+1", "\"+1\" is not a number");
    GOOD(COHORT_EVALUATIONS, "score", "9");
    BAD(COHORT_EVALUATIONS, "score", "0.99", "\"0.99\" is out of range 1..9");
    GOOD(COHORT_PATIENT_EXPERIENCE, "mean_score", "4.87");
    BAD(COHORT_PATIENT_EXPERIENCE, "mean_score", "5.01", "\"5.01\" is out of range 1..5");
}

static void rating_steps(void **state)
{
    (void)state;
    GOOD(COHORT_MILESTONE_RATINGS, "rating", "1.0");
    GOOD(COHORT_MILESTONE_RATINGS, "rating", "4.5");
    GOOD(COHORT_MILESTONE_RATINGS, "rating", "5");
    assert_true(last.d == 5.0);
    BAD(COHORT_MILESTONE_RATINGS, "rating", "3.3", "\"3.3\" is not a multiple of 0.5");
    BAD(COHORT_MILESTONE_RATINGS, "rating", "5.5", "\"5.5\" is out of range 1..5");
    BAD(COHORT_MILESTONE_RATINGS, "rating", "0.5", "\"0.5\" is out of range 1..5");
}

static void enums_and_upper(void **state)
{
    (void)state;
    GOOD(COHORT_RESIDENTS, "graduate_type", "Non_US_IMG");
    assert_int_equal(last.len, 10);
    assert_memory_equal(last.s, "non_us_img", 10);
    GOOD(COHORT_FEEDBACK, "valence", "POSITIVE");
    assert_memory_equal(last.s, "positive", 8);
    BAD(COHORT_RESIDENTS, "visa", "h-1b", "\"h-1b\" is not one of none, j1, h1b, other");
    BAD(COHORT_CCC_ACTIONS, "action", "warning",
        "\"warning\" is not one of satisfactory, focused_review, remediation, probation, "
        "non_promotion, dismissal");
    GOOD(COHORT_BOARD_EXAMS, "exam", "usmle-Step3");
    assert_memory_equal(last.s, "USMLE-STEP3", 11);
    GOOD(COHORT_MILESTONE_RATINGS, "subcompetency", "pc1");
    assert_memory_equal(last.s, "PC1", 3);
}

static void field_content(void **state)
{
    (void)state;
    assert_int_equal(vfield_n(COHORT_RESIDENTS, "program", "IM\0x", 4), -1);
    assert_string_equal(last_msg, "field contains a NUL byte");
    BAD(COHORT_RESIDENTS, "program", "IM\xC3(", "field is not valid UTF-8");
    GOOD(COHORT_RESIDENTS, "school_region", "S\xC3\xA3o Tom\xC3\xA9");
    static char big[10002];
    memset(big, 'a', 10001);
    assert_int_equal(vfield_n(COHORT_RESIDENTS, "program", big, 10000), 0);
    assert_int_equal(vfield_n(COHORT_RESIDENTS, "program", big, 10001), -1);
    assert_string_equal(last_msg, "field is longer than 10000 bytes");
}

static void quoting_in_messages(void **state)
{
    (void)state;
    BAD(COHORT_RESIDENTS, "start_date", "a\"b\x1b[0m", "\"a\\\"b\\x1b[0m\" is not a valid date (YYYY-MM-DD)");
    BAD(COHORT_RESIDENTS, "start_date", "0123456789012345678901234567890123456789012345678901234567890123456789",
        "\"012345678901234567890123456789012345678901234567890123456789...\" is not a valid date "
        "(YYYY-MM-DD)");
}

/* ---- rows ---------------------------------------------------------------- */

static char rule_msgs[1024];

static void collect(void *ctx, int col, const char *msg)
{
    const struct cohort_file *f = ctx;
    size_t n = strlen(rule_msgs);
    snprintf(rule_msgs + n, sizeof rule_msgs - n, "%s: %s\n", f->cols[col].name, msg);
}

/* Validates a residents row given as its fields in column order. */
static int resident_row(const char *const *fields)
{
    const struct cohort_file *f = cohort_file(COHORT_RESIDENTS);
    struct validate_value vals[16];
    static char copies[16][64];
    struct buf m = BUF_INIT;
    for (size_t c = 0; c < f->ncols; c++) {
        snprintf(copies[c], sizeof copies[c], "%s", fields[c]);
        validate_field(&f->cols[c], copies[c], strlen(copies[c]), &vals[c], &m);
    }
    buf_release(&m);
    rule_msgs[0] = '\0';
    return validate_row(f, vals, collect, (void *)f);
}

static void resident_rules(void **state)
{
    (void)state;
    const char *ok[] = { "R1", "IM", "IM", "2021-07-01", "2024-06-30", "completed", "usmd", "", "2021", "", "", "" };
    assert_int_equal(resident_row(ok), 0);
    const char *open[] = { "R1", "IM", "IM", "2021-07-01", "", "", "usmd", "", "", "", "", "" };
    assert_int_equal(resident_row(open), 0);
    const char *same_day[] = { "R1", "IM", "IM", "2021-07-01", "2021-07-01", "withdrew", "usmd", "", "", "", "", "" };
    assert_int_equal(resident_row(same_day), 0);

    const char *before[] = { "R1", "IM", "IM", "2021-07-01", "2021-06-30", "withdrew", "usmd", "", "", "", "", "" };
    assert_int_equal(resident_row(before), 1);
    assert_string_equal(rule_msgs, "end_date: \"2021-06-30\" is before start_date \"2021-07-01\"\n");
    const char *no_reason[] = { "R1", "IM", "IM", "2021-07-01", "2022-01-01", "", "usmd", "", "", "", "", "" };
    assert_int_equal(resident_row(no_reason), 1);
    assert_string_equal(rule_msgs, "exit_reason: missing; required when end_date is set\n");
    const char *reason_open[] = { "R1", "IM", "IM", "2021-07-01", "", "Dismissed", "usmd", "", "", "", "", "" };
    assert_int_equal(resident_row(reason_open), 1);
    assert_string_equal(rule_msgs, "exit_reason: \"dismissed\" must be empty when end_date is empty\n");
    const char *grad[] = { "R1", "IM", "IM", "2021-07-01", "", "", "usmd", "", "2022", "", "", "" };
    assert_int_equal(resident_row(grad), 1);
    assert_string_equal(rule_msgs, "graduation_year: \"2022\" is after the year of start_date \"2021-07-01\"\n");
}

static void other_date_order_rules(void **state)
{
    (void)state;
    const struct cohort_file *f = cohort_file(COHORT_MENTOR_ASSIGNMENTS);
    struct validate_value vals[8];
    char a[5][16] = { "R1", "M1", "peer", "2022-01-10", "2022-01-09" };
    struct buf m = BUF_INIT;
    for (size_t c = 0; c < f->ncols; c++)
        validate_field(&f->cols[c], a[c], strlen(a[c]), &vals[c], &m);
    rule_msgs[0] = '\0';
    assert_int_equal(validate_row(f, vals, collect, (void *)f), 1);
    assert_string_equal(rule_msgs, "ended_date: \"2022-01-09\" is before assigned_date \"2022-01-10\"\n");
    char b[5][16] = { "R1", "M1", "peer", "2022-01-10", "2022-01-10" };
    for (size_t c = 0; c < f->ncols; c++)
        validate_field(&f->cols[c], b[c], strlen(b[c]), &vals[c], &m);
    assert_int_equal(validate_row(f, vals, collect, (void *)f), 0);

    f = cohort_file(COHORT_EMPLOYMENT);
    char e[5][16] = { "R1", "2025-01-01", "2024-12-31", "elsewhere", "" };
    for (size_t c = 0; c < f->ncols; c++)
        validate_field(&f->cols[c], e[c], strlen(e[c]), &vals[c], &m);
    rule_msgs[0] = '\0';
    assert_int_equal(validate_row(f, vals, collect, (void *)f), 1);
    assert_string_equal(rule_msgs, "end_date: \"2024-12-31\" is before start_date \"2025-01-01\"\n");
    buf_release(&m);
}

/* ---- header -------------------------------------------------------------- */

static char hdr_msgs[2048];

static void hdr_collect(void *ctx, int is_error, const char *msg)
{
    (void)ctx;
    size_t n = strlen(hdr_msgs);
    snprintf(hdr_msgs + n, sizeof hdr_msgs - n, "%s%s\n", is_error ? "" : "warning: ", msg);
}

static int header(enum cohort_file_id id, const char *const *names, size_t n, unsigned flags,
                  struct validate_header *h)
{
    static char copies[300][32];
    static char *fields[300];
    static size_t lens[300];
    for (size_t i = 0; i < n; i++) {
        snprintf(copies[i], sizeof copies[i], "%s", names[i]);
        fields[i] = copies[i];
        lens[i] = strlen(copies[i]);
    }
    struct csvread_record rec = { 1, n, fields, lens, "", 0 };
    hdr_msgs[0] = '\0';
    return validate_header(cohort_file(id), &rec, flags, h, hdr_collect, NULL);
}

static void headers(void **state)
{
    (void)state;
    struct validate_header h;
    const char *any_order[] = { "ACTION", "Review_Date", "resident_id" };
    assert_int_equal(header(COHORT_CCC_ACTIONS, any_order, 3, 0, &h), 0);
    assert_int_equal(h.field_of[0], 2);
    assert_int_equal(h.field_of[1], 1);
    assert_int_equal(h.field_of[2], 0);
    assert_string_equal(hdr_msgs, "");

    const char *unknown[] = { "resident_id", "review_date", "action", "notes" };
    assert_int_equal(header(COHORT_CCC_ACTIONS, unknown, 4, 0, &h), 0);
    assert_string_equal(hdr_msgs, "warning: unknown column \"notes\" ignored\n");
    assert_int_equal(header(COHORT_CCC_ACTIONS, unknown, 4, VALIDATE_STRICT, &h), 1);
    assert_string_equal(hdr_msgs, "unknown column \"notes\"\n");

    const char *missing[] = { "resident_id", "action" };
    assert_int_equal(header(COHORT_CCC_ACTIONS, missing, 2, 0, &h), 1);
    assert_string_equal(hdr_msgs, "required column \"review_date\" is missing\n");

    const char *twice[] = { "resident_id", "review_date", "action", "Action" };
    assert_int_equal(header(COHORT_CCC_ACTIONS, twice, 4, 0, &h), 1);
    assert_string_equal(hdr_msgs, "column \"Action\" appears twice (columns 3 and 4)\n");

    const char *empty[] = { "resident_id", "", "review_date", "action" };
    assert_int_equal(header(COHORT_CCC_ACTIONS, empty, 4, 0, &h), 1);
    assert_string_equal(hdr_msgs, "column 2 has an empty name\n");

    /* optional columns may be absent */
    const char *minimal[] = { "resident_id", "program", "specialty", "start_date", "graduate_type" };
    assert_int_equal(header(COHORT_RESIDENTS, minimal, 5, 0, &h), 0);
    assert_int_equal(h.field_of[cohort_column_index(cohort_file(COHORT_RESIDENTS), "visa")], -1);

    const char *many[257];
    char names[257][16];
    for (int i = 0; i < 257; i++) {
        snprintf(names[i], sizeof names[i], "c%d", i);
        many[i] = names[i];
    }
    many[0] = "resident_id";
    many[1] = "review_date";
    many[2] = "action";
    assert_int_equal(header(COHORT_CCC_ACTIONS, many, 257, 0, &h), 1);
    assert_string_equal(hdr_msgs, "257 columns; at most 256 are accepted\n");
    assert_int_equal(header(COHORT_CCC_ACTIONS, many, 256, 0, &h), 0);
}

static void cohort_table(void **state)
{
    (void)state;
    assert_non_null(cohort_find("Residents.CSV"));
    assert_int_equal(cohort_find("MILESTONE_ratings.csv")->id, COHORT_MILESTONE_RATINGS);
    assert_null(cohort_find("residents.txt"));
    assert_null(cohort_find("notes.csv"));
    for (int i = 0; i < COHORT_NFILES; i++) {
        const struct cohort_file *f = cohort_file((enum cohort_file_id)i);
        assert_int_equal(f->id, i);
        assert_string_equal(f->cols[0].name, "resident_id");
        assert_true(f->ncols <= 32);
        for (size_t c = 0; c < f->ncols; c++)
            if (f->cols[c].flags & COHORT_KEY)
                assert_true(f->cols[c].flags & COHORT_REQUIRED);
    }
    assert_string_equal(cohort_file(COHORT_RESIDENTS)->name, "residents.csv");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids),
        cmocka_unit_test(required_and_missing),
        cmocka_unit_test(dates),
        cmocka_unit_test(integers),
        cmocka_unit_test(numbers),
        cmocka_unit_test(rating_steps),
        cmocka_unit_test(enums_and_upper),
        cmocka_unit_test(field_content),
        cmocka_unit_test(quoting_in_messages),
        cmocka_unit_test(resident_rules),
        cmocka_unit_test(other_date_order_rules),
        cmocka_unit_test(headers),
        cmocka_unit_test(cohort_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
