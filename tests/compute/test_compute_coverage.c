/*
 * test_compute_coverage.c - the change from the year before
 * (board.first_attempt_pass_change, fellowship.match_change) on counts
 * worked by hand, and the warnings of a run: an as-of date long after the
 * last record, no attempt of step3_exam or of a named board exam, an exam
 * name that misses step3_exam by its spelling; table compute_warnings,
 * compute_info step3_exam_attempts and the sink.
 *
 * Reference values: Newcombe RG (1998) "Interval estimation for the
 * difference between independent proportions: comparison of eleven
 * methods", Stat Med 17:873-890, Table II, method 10: (a) 56/70 - 48/80 =
 * 0.2, (0.0524, 0.3339); (b) 9/10 - 3/10 = 0.6, (0.1705, 0.8090), so
 * 3/10 - 9/10 = -0.6, (-0.8090, -0.1705).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "compute_fixture.h"
#include "date.h"

static int ymd(int y, int m, int d)
{
    return date_from_ymd(y, m, d);
}

/* rid's first attempt of exam on y-06-01 */
static void first_attempt(struct fx *f, int rid, const char *exam, int y, int pass)
{
    fx_exam(f, rid, exam, 1, ymd(y, 6, 1), pass ? "pass" : "fail");
}

static void fellowship(struct fx *f, int rid, int year, const char *outcome)
{
    fx_insert(f,
              "INSERT INTO fellowship_applications (rid, cycle_year, fellowship_specialty, outcome, ingest_id,"
              " line) VALUES (?1, ?2, 'Cardiology', ?3, 1, 1)",
              "iis", rid, year, outcome);
}

/* The warnings of the last run, in order, joined by newlines. */
static char *warnings(struct fx *f)
{
    sqlite3_stmt *st;
    struct buf b = BUF_INIT;
    if (sqlite3_prepare_v2(f->db, "SELECT text FROM compute_warnings ORDER BY seq", -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare: %s", sqlite3_errmsg(f->db));
    while (sqlite3_step(st) == SQLITE_ROW)
        buf_addf(&b, "%s\n", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf_detach(&b, NULL);
}

/* compute_info's value of key, or NULL (malloc'd). */
static char *info(struct fx *f, const char *key)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f->db, "SELECT value FROM compute_info WHERE key = ?1", -1, &st, NULL);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    char *v = sqlite3_step(st) == SQLITE_ROW ? strdup((const char *)sqlite3_column_text(st, 0)) : NULL;
    sqlite3_finalize(st);
    return v;
}

static void assert_has(const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("no \"%s\" in:\n%s", want, text);
}

/*
 * ABIM-IM first attempts, as-of 2027-12-31, residents 1-24 (odd rids IMG):
 *   2023: r1-r10, 9 pass (r10 fails);
 *   2024: r11-r20, 3 pass (r11-r13);
 *   2025: r21-r24, 2 pass (r21, r22);
 *   2026: none; 2027: r25 passes, r26 fails.
 * Change rows (group all):
 *   2024: 3/10 - 9/10 = -0.6, Newcombe (b) reversed (-0.8090, -0.1705);
 *     Fisher on [[3, 7], [9, 1]]: margins 10, 10 and 12 passes, the same
 *     table as (b) with the rows swapped: p = 2 (66 + 1760) / 184756;
 *     n = 20, k = 12; both years have 10 >= min_cell 5: not suppressed.
 *   2025: 2/4 - 3/10 = 0.2; Wilson 2/4 = (0.150039, 0.849961), 3/10 =
 *     (0.107791, 0.603222); lo = 0.2 - sqrt(0.349961^2 + 0.303222^2) =
 *     -0.263051, hi = 0.2 + sqrt(0.349961^2 + 0.192209^2) = 0.599270.
 *     Fisher on [[2, 2], [3, 7]] (N 14, 5 passes, first row 4): weights
 *     C(5, a) C(9, 4 - a) for a = 0..4 are 126, 420, 360, 90, 5 (sum 1001);
 *     observed 360: p = (126 + 360 + 90 + 5) / 1001 = 581 / 1001.
 *     n = 14, k = 5; suppressed: 2025 has 4 < 5 takers.
 *   No row for 2023 (no 2022) nor for 2027 (no 2026).
 */
static void board_change(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    for (int i = 1; i <= 26; i++)
        fx_resident(&f, i, ymd(2020, 7, 1), -1, NULL, i % 2 ? "us_img" : "usmd", NULL);
    for (int i = 1; i <= 10; i++)
        first_attempt(&f, i, "ABIM-IM", 2023, i != 10);
    for (int i = 11; i <= 20; i++)
        first_attempt(&f, i, "ABIM-IM", 2024, i <= 13);
    for (int i = 21; i <= 24; i++)
        first_attempt(&f, i, "ABIM-IM", 2025, i <= 22);
    first_attempt(&f, 25, "ABIM-IM", 2027, 1);
    first_attempt(&f, 26, "ABIM-IM", 2027, 0);
    fx_exam(&f, 1, "USMLE-STEP3", 1, ymd(2021, 5, 1), "pass");
    assert_int_equal(fx_compute(&f, ymd(2027, 12, 31)), IMGO_OK);

    struct fx_row r = fx_get(&f, "board.first_attempt_pass_change", "all", "exam=ABIM-IM", "2024");
    assert_int_equal(r.n, 20);
    assert_int_equal(r.k, 12);
    NEAR(r.value, -0.6);
    fx_near_at(r.lo, -0.8090, 5e-5, "lo", __LINE__);
    fx_near_at(r.hi, -0.1705, 5e-5, "hi", __LINE__);
    NEAR(r.p, 3652.0 / 184756.0);
    IS_NAN(r.q);
    assert_int_equal(r.suppressed, 0);

    r = fx_get(&f, "board.first_attempt_pass_change", "all", "exam=ABIM-IM", "2025");
    assert_int_equal(r.n, 14);
    assert_int_equal(r.k, 5);
    NEAR(r.value, 0.2);
    NEAR(r.lo, -0.263051);
    NEAR(r.hi, 0.599270);
    NEAR(r.p, 581.0 / 1001.0);
    assert_int_equal(r.suppressed, 1);

    /* only years with a year before: 2024 and 2025, group all only */
    assert_int_equal(fx_count(&f, "board.first_attempt_pass_change", NULL), 2);
    assert_int_equal(fx_count(&f, "board.first_attempt_pass_change", "all"), 2);
    fx_close(&f);
}

/*
 * Fellowship cycles, as-of 2025-12-31: 2024 48 of 80 applicants matched,
 * 2025 56 of 70 (Newcombe's example (a)): change 2025 = 0.2 (0.0524,
 * 0.3339), n 150, k 104. Nothing for 2024 (no 2023). A withdrawn-only
 * resident is no applicant and changes nothing.
 */
static void fellowship_change(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    for (int i = 1; i <= 151; i++)
        fx_resident(&f, i, ymd(2020, 7, 1), -1, NULL, i % 3 ? "usmd" : "non_us_img", NULL);
    for (int i = 1; i <= 80; i++)
        fellowship(&f, i, 2024, i <= 48 ? "matched" : "unmatched");
    for (int i = 81; i <= 150; i++)
        fellowship(&f, i, 2025, i <= 136 ? "matched" : "unmatched");
    fellowship(&f, 151, 2025, "withdrew");
    assert_int_equal(fx_compute(&f, ymd(2025, 12, 31)), IMGO_OK);
    struct fx_row r = fx_get(&f, "fellowship.match_change", "all", "", "2025");
    assert_int_equal(r.n, 150);
    assert_int_equal(r.k, 104);
    NEAR(r.value, 0.2);
    fx_near_at(r.lo, 0.0524, 5e-5, "lo", __LINE__);
    fx_near_at(r.hi, 0.3339, 5e-5, "hi", __LINE__);
    assert_true(r.p > 0 && r.p < 1);
    assert_int_equal(r.suppressed, 0);
    assert_int_equal(fx_count(&f, "fellowship.match_change", NULL), 1);
    /* a small year hides the change even when the sum is large */
    fx_sql(&f, "DELETE FROM fellowship_applications WHERE cycle_year = 2025 AND rid > 84");
    assert_int_equal(fx_compute(&f, ymd(2025, 12, 31)), IMGO_OK);
    r = fx_get(&f, "fellowship.match_change", "all", "", "2025");
    assert_int_equal(r.n, 84);
    assert_int_equal(r.suppressed, 1);
    fx_close(&f);
}

/* A given as-of more than 31 days after the latest event (2025-06-30, an
 * exam; a planned end date after as-of does not count) warns; 31 days or
 * the default as-of do not. */
static void as_of_gap(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    fx_resident(&f, 1, ymd(2024, 7, 1), ymd(2027, 6, 30), "completed", "us_img", NULL);
    fx_exam(&f, 1, "USMLE-STEP3", 1, ymd(2025, 6, 30), "pass");
    assert_int_equal(fx_compute(&f, ymd(2025, 9, 30)), IMGO_OK);
    char *w = warnings(&f);
    assert_string_equal(w, "The as-of date 2025-09-30 is 92 days after the latest event in the data "
                           "(2025-06-30): figures of the last 92 days may be missing.\n");
    free(w);
    assert_int_equal(fx_compute(&f, ymd(2025, 7, 31)), IMGO_OK);
    w = warnings(&f);
    assert_string_equal(w, "");
    free(w);
    assert_int_equal(fx_compute(&f, ymd(2025, 8, 1)), IMGO_OK);
    w = warnings(&f);
    assert_has(w, "is 32 days after");
    free(w);
    /* the default as-of is the latest event: 2027-06-30, the end date */
    f.p.has_as_of = 0;
    assert_int_equal(fx_compute(&f, -1), IMGO_OK);
    w = warnings(&f);
    assert_string_equal(w, "");
    free(w);
    /* nothing dated by as-of at all (so no Step 3 attempt either) */
    assert_int_equal(fx_compute(&f, ymd(2024, 1, 1)), IMGO_OK);
    w = warnings(&f);
    assert_string_equal(w, "No dated record in the data is on or before the as-of date 2024-01-01: every "
                           "figure is empty.\n"
                           "board_exams.csv records no attempt of \"USMLE-STEP3\" (the step3_exam) up to the "
                           "as-of date 2024-01-01: Step 3 passed by month 12 cannot be measured.\n");
    free(w);
    fx_close(&f);
}

struct seen {
    int n;
    char text[4][512];
};

static void on_warning(void *ctx, const char *text)
{
    struct seen *s = ctx;
    if (s->n < 4)
        snprintf(s->text[s->n], sizeof s->text[0], "%s", text);
    s->n++;
}

/*
 * Exams written "USMLE STEP 3" (3 attempts: r1 passes, r2 fails and
 * passes) while step3_exam is USMLE-STEP3: no attempt of step3_exam, and a
 * near miss counted as a certification exam, whose first attempts pass 1
 * of 2 = 50% < 80%: its accreditation flag is raised.
 */
static void step3_spelling(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    for (int i = 1; i <= 3; i++)
        fx_resident(&f, i, ymd(2023, 7, 1), -1, NULL, "us_img", "h1b");
    fx_exam(&f, 1, "USMLE STEP 3", 1, ymd(2024, 3, 1), "pass");
    fx_exam(&f, 2, "USMLE STEP 3", 1, ymd(2024, 3, 1), "fail");
    fx_exam(&f, 2, "USMLE STEP 3", 2, ymd(2024, 5, 1), "pass");
    fx_exam(&f, 3, "ABIM-IM", 1, ymd(2024, 5, 20), "pass");
    struct seen seen = { 0 };
    struct compute_sink sink = { on_warning, &seen };
    struct imgo_err err = IMGO_ERR_INIT;
    f.p.has_as_of = 1;
    f.p.as_of = ymd(2024, 6, 1);
    assert_int_equal(compute_run_sink(f.db, &f.p, f.out, &sink, &err), IMGO_OK);
    char *w = warnings(&f);
    assert_string_equal(w, "board_exams.csv records no attempt of \"USMLE-STEP3\" (the step3_exam) up to the "
                           "as-of date 2024-06-01: Step 3 passed by month 12 cannot be measured.\n"
                           "The exam \"USMLE STEP 3\" (3 attempts in board_exams.csv) differs from step3_exam "
                           "\"USMLE-STEP3\" only by case, spaces or punctuation: it is counted as a "
                           "certification board exam, not as Step 3, and its first-attempt pass rate raises "
                           "an accreditation flag. If it is Step 3, set step3_exam to its name in the "
                           "pipeline.\n");
    /* the sink gets the same, in order */
    assert_int_equal(seen.n, 2);
    assert_true(!strncmp(w, seen.text[0], strlen(seen.text[0])));
    assert_has(seen.text[1], "\"USMLE STEP 3\" (3 attempts");
    free(w);
    char *v = info(&f, "step3_exam_attempts");
    assert_string_equal(v, "0");
    free(v);
    /* it is counted as a board exam, as the warning says */
    struct fx_row r = fx_get(&f, "board.accreditation_flag", "all", "exam=USMLE STEP 3", "2022-2024");
    NEAR(r.value, 1);

    /* named as step3_exam (any case): Step 3 again, and no warning */
    assert_int_equal(params_set(&f.p, "step3_exam", "usmle step 3", &err), IMGO_OK);
    seen.n = 0;
    assert_int_equal(compute_run_sink(f.db, &f.p, f.out, &sink, &err), IMGO_OK);
    w = warnings(&f);
    assert_string_equal(w, "");
    free(w);
    assert_int_equal(seen.n, 0);
    v = info(&f, "step3_exam_attempts");
    assert_string_equal(v, "3");
    free(v);
    assert_int_equal(fx_count(&f, "board.accreditation_flag", NULL), 1);

    /* board_exams names an exam without attempts, and leaves the near
     * miss out: it is then neither */
    assert_int_equal(params_set(&f.p, "step3_exam", "USMLE-STEP3", &err), IMGO_OK);
    assert_int_equal(params_set(&f.p, "board_exams", "abim-im, ABFM", &err), IMGO_OK);
    assert_int_equal(fx_compute(&f, ymd(2024, 6, 1)), IMGO_OK);
    w = warnings(&f);
    assert_has(w, "it is counted neither as Step 3 nor as a certification board exam (board_exams does not "
                  "name it). If it is Step 3");
    assert_has(w, "board_exams names \"ABFM\", but board_exams.csv records no attempt of it up to the as-of date "
                  "2024-06-01: it has no pass rate and no accreditation flag.\n");
    assert_true(!strstr(w, "\"ABIM-IM\""));
    free(w);
    fx_close(&f);
}

/* Without board_exams.csv there is nothing to say about exams, and no
 * step3_exam_attempts; a name with a control character is quoted. */
static void no_board_file_and_quoting(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    fx_resident(&f, 1, ymd(2023, 7, 1), -1, NULL, "usmd", NULL);
    assert_int_equal(fx_compute(&f, ymd(2023, 7, 1)), IMGO_OK);
    char *w = warnings(&f);
    assert_string_equal(w, "");
    free(w);
    assert_null(info(&f, "step3_exam_attempts"));
    fx_exam(&f, 1, "USMLE\x1b STEP3", 1, ymd(2023, 7, 1), "pass");
    assert_int_equal(fx_compute(&f, ymd(2023, 7, 1)), IMGO_OK);
    w = warnings(&f);
    assert_has(w, "The exam \"USMLE\\x1b STEP3\" (1 attempt in board_exams.csv) differs");
    free(w);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(board_change),
        cmocka_unit_test(fellowship_change),
        cmocka_unit_test(as_of_gap),
        cmocka_unit_test(step3_spelling),
        cmocka_unit_test(no_board_file_and_quoting),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
