/*
 * test_compute_mentor.c - mentorship structure on a tiny cohort worked by
 * hand: tiered coverage (assignment before the start, a late role, an
 * ended assignment), weekly and monthly cadence (meetings before the start,
 * mentors who are not faculty or not assigned, month edges), mentor load
 * per role, and the cadence-outcome link with a tie of first attempts.
 * t quantiles: t(0.975; 1) = 12.70620474, t(0.975; 2) = 4.302652730,
 * t(0.975; 3) = 3.182446305 (standard tables).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "compute_fixture.h"

static void assign(struct fx *f, int rid, const char *mentor, const char *role, int date, int ended)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f->db,
                       "INSERT INTO mentor_assignments (rid, mentor_id, role, assigned_date, ended_date,"
                       " ingest_id, line) VALUES (?1, ?2, ?3, ?4, ?5, 1, 1)",
                       -1, &st, NULL);
    sqlite3_bind_int(st, 1, rid);
    sqlite3_bind_text(st, 2, mentor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, date);
    if (ended >= 0)
        sqlite3_bind_int(st, 5, ended);
    if (sqlite3_step(st) != SQLITE_DONE)
        fail_msg("assign: %s", sqlite3_errmsg(f->db));
    sqlite3_finalize(st);
}

static void meet(struct fx *f, int rid, const char *mentor, int date)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f->db,
                       "INSERT INTO mentorship_meetings (rid, mentor_id, meeting_date, ingest_id, line)"
                       " VALUES (?1, ?2, ?3, 1, 1)",
                       -1, &st, NULL);
    sqlite3_bind_int(st, 1, rid);
    sqlite3_bind_text(st, 2, mentor, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, date);
    if (sqlite3_step(st) != SQLITE_DONE)
        fail_msg("meet: %s", sqlite3_errmsg(f->db));
    sqlite3_finalize(st);
}

static void exam(struct fx *f, int rid, const char *name, int date, const char *result)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f->db,
                       "INSERT INTO board_exams (rid, exam, attempt, exam_date, result, ingest_id, line)"
                       " VALUES (?1, ?2, 1, ?3, ?4, 1, 1)",
                       -1, &st, NULL);
    sqlite3_bind_int(st, 1, rid);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, date);
    sqlite3_bind_text(st, 4, result, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        fail_msg("exam: %s", sqlite3_errmsg(f->db));
    sqlite3_finalize(st);
}

/*
 * as-of = day 20400; max_mentees = 2.
 * r1 IMG, r2 IMG, r3 non-IMG start 20000; r4 non-IMG starts 20395 (too
 * recent for any cadence or coverage); r5 IMG starts 20200 (weekly but not
 * monthly cadence); r6 IMG starts 20500, after as-of (in no metric).
 *
 * Coverage by start + 7:
 *   r1: senior S3 at start - 5 (before the start counts), faculty F1 at
 *       start + 7, peer P1 at start + 3: covered.
 *   r2: senior S1, faculty F2, peer P1 only at start + 8: not covered.
 *   r3 (non-IMG, no peer needed): senior S2 at start + 1 ended start + 3
 *       (counts), faculty F1 at start + 1: covered.
 *   r5: senior S1 and faculty F3, no peer: not covered.
 *   img 1/3, non_img 1/1, all 2/4.
 * Weekly cadence (days 7w..7w+6, any mentor):
 *   r1: F1 on days -2 (before start: no), 0, 14, 28, 35; X9 (assigned to
 *       nobody) on 7, 21: weeks 0-5, a = 1.
 *   r2: F2 on days 6 and 13: weeks 0, 1, a = 1/3.
 *   r3: no meeting in days 0..41, a = 0 (F9 on day 45 is week 6).
 *   r5: S1 on days 0, 7, 14, 28, 35: a = 5/6.
 *   img: mean of (1, 1/3, 5/6) = 0.7222222222, sd 0.3469443, interval
 *     +- 4.302653 * sd / sqrt(3): (-0.1396352799, 1.584079724), k 1.
 *   all: mean of (1, 1/3, 0, 5/6) = 0.5416666667, (-0.1886478141, 1.271981147).
 *   non_img: n 1, value 0, no interval, k 0.
 * Monthly cadence (months 2..9 = days 30(m-1)..30m-1, faculty assigned to
 * the resident by as-of): r1, r2, r3 (start + 270 <= as-of).
 *   r1: F1 on 30, 59 (month 2), 60 (3), 100 (4), 269 (9); X9 on 150 and
 *       senior S3 on 120 are not faculty: 4/8 = 0.5.
 *   r2: F2 on days 45, 75, ..., 255: 8/8 = 1.
 *   r3: F9 on day 45 is not counted (F9's assignment is dated after
 *       as-of); F1 on day 200 (month 7): 1/8.
 *   img mean 0.75 (-2.426551184, 3.926551184), k 1; all 0.5416666667
 *   (-0.5488339502, 1.632167284), k 1.
 * A mean of shares lies in [0, 1]: every one of these bounds is clamped to
 * it (metrics.md "Interval bounds are clamped to the possible range").
 * Load at as-of (assigned <= as-of, not ended by as-of; r6 started after
 * as-of and is left out; F9's assignment is in the future):
 *   senior: S3 {r1}, S1 {r2, r5}; S2 ended: n 2, overloaded 0, max 2.
 *   faculty: F1 {r1, r3}, F2 {r2}, F3 {r5}: n 3, 0, max 2.
 *   peer: P1 {r1 (twice), r2, r4} = 3 > 2: n 1, k 1, max 3.
 * Outcome link (IMGs with a weekly value and a first certification attempt):
 *   r1 high (a = 1), passes; r5 high (5/6 >= 0.8): ABIM-IM fail and ABP
 *   pass on the same day - ABIM-IM is first in byte order, so fail; r2 low,
 *   fails. high 1/2 - low 0/1 = 0.5, Newcombe (-0.3910493441, 0.9054687943).
 */
static void mentorship(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    fx_resident(&f, 1, 20000, -1, NULL, "us_img", NULL);
    fx_resident(&f, 2, 20000, -1, NULL, "non_us_img", NULL);
    fx_resident(&f, 3, 20000, -1, NULL, "usmd", NULL);
    fx_resident(&f, 4, 20395, -1, NULL, "usdo", NULL);
    fx_resident(&f, 5, 20200, -1, NULL, "us_img", NULL);
    fx_resident(&f, 6, 20500, -1, NULL, "us_img", NULL);
    assign(&f, 1, "S3", "senior_resident", 19995, -1);
    assign(&f, 1, "F1", "faculty", 20007, -1);
    assign(&f, 1, "P1", "peer", 20003, -1);
    assign(&f, 1, "P1", "peer", 20100, -1);
    assign(&f, 2, "S1", "senior_resident", 20000, -1);
    assign(&f, 2, "F2", "faculty", 20002, -1);
    assign(&f, 2, "P1", "peer", 20008, -1);
    assign(&f, 3, "S2", "senior_resident", 20001, 20003);
    assign(&f, 3, "F1", "faculty", 20001, -1);
    assign(&f, 3, "F9", "faculty", 20500, -1);
    assign(&f, 4, "P1", "peer", 20395, -1);
    assign(&f, 5, "F3", "faculty", 20200, -1);
    assign(&f, 5, "S1", "senior_resident", 20200, -1);
    assign(&f, 6, "P1", "peer", 20390, -1);
    static const int r1_f1[] = { -2, 0, 14, 28, 35, 30, 59, 60, 100, 269 };
    for (size_t i = 0; i < sizeof r1_f1 / sizeof r1_f1[0]; i++)
        meet(&f, 1, "F1", 20000 + r1_f1[i]);
    meet(&f, 1, "X9", 20007);
    meet(&f, 1, "X9", 20021);
    meet(&f, 1, "X9", 20150);
    meet(&f, 1, "S3", 20120);
    meet(&f, 2, "F2", 20006);
    meet(&f, 2, "F2", 20013);
    for (int m = 2; m <= 9; m++)
        meet(&f, 2, "F2", 20000 + 30 * (m - 1) + 15);
    meet(&f, 3, "F9", 20045);
    meet(&f, 3, "F1", 20200);
    static const int r5_s1[] = { 0, 7, 14, 28, 35 };
    for (size_t i = 0; i < 5; i++)
        meet(&f, 5, "S1", 20200 + r5_s1[i]);
    exam(&f, 1, "ABIM-IM", 20300, "pass");
    exam(&f, 5, "ABIM-IM", 20350, "fail");
    exam(&f, 5, "ABP", 20350, "pass");
    exam(&f, 2, "ABIM-IM", 20390, "fail");
    exam(&f, 2, "USMLE-STEP3", 20100, "pass");
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(params_set(&f.p, "max_mentees", "2", &err), IMGO_OK);
    assert_int_equal(fx_compute(&f, 20400), IMGO_OK);

    struct fx_row r = fx_get(&f, "mentorship.tiered_coverage", "img", "", "");
    assert_int_equal(r.n, 3);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "mentorship.tiered_coverage", "non_img", "", "");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "mentorship.tiered_coverage", "all", "", "");
    assert_int_equal(r.n, 4);
    assert_int_equal(r.k, 2);

    r = fx_get(&f, "mentorship.early_cadence", "img", "", "");
    assert_int_equal(r.n, 3);
    assert_int_equal(r.k, 1);
    NEAR(r.value, 0.7222222222);
    assert_true(r.lo == 0.0); /* -0.1396352799 clamped */
    assert_true(r.hi == 1.0); /* 1.584079724 clamped */
    r = fx_get(&f, "mentorship.early_cadence", "all", "", "");
    assert_int_equal(r.n, 4);
    NEAR(r.value, 0.5416666667);
    assert_true(r.lo == 0.0);
    assert_true(r.hi == 1.0);
    r = fx_get(&f, "mentorship.early_cadence", "non_img", "", "");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.k, 0);
    NEAR(r.value, 0);
    IS_NAN(r.lo);

    r = fx_get(&f, "mentorship.monthly_cadence", "img", "", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    NEAR(r.value, 0.75);
    assert_true(r.lo == 0.0);
    assert_true(r.hi == 1.0);
    r = fx_get(&f, "mentorship.monthly_cadence", "all", "", "");
    assert_int_equal(r.n, 3);
    assert_int_equal(r.k, 1);
    NEAR(r.value, 0.5416666667);
    assert_true(r.lo == 0.0);
    assert_true(r.hi == 1.0);
    r = fx_get(&f, "mentorship.monthly_cadence", "non_img", "", "");
    NEAR(r.value, 0.125);

    r = fx_get(&f, "mentorship.mentors_overloaded", "all", "role=senior_resident", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 0);
    r = fx_get(&f, "mentorship.mentor_load_max", "all", "role=senior_resident", "");
    NEAR(r.value, 2);
    assert_int_equal(r.k, -1);
    r = fx_get(&f, "mentorship.mentors_overloaded", "all", "role=faculty", "");
    assert_int_equal(r.n, 3);
    assert_int_equal(r.k, 0);
    r = fx_get(&f, "mentorship.mentor_load_max", "all", "role=faculty", "");
    NEAR(r.value, 2);
    r = fx_get(&f, "mentorship.mentors_overloaded", "all", "role=peer", "");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.k, 1);
    NEAR(r.value, 1);
    assert_int_equal(r.suppressed, 1);
    r = fx_get(&f, "mentorship.mentor_load_max", "all", "role=peer", "");
    NEAR(r.value, 3);

    r = fx_get(&f, "mentorship.outcome_link", "img", "", "");
    assert_int_equal(r.n, 3);
    assert_int_equal(r.k, 1);
    NEAR(r.value, 0.5);
    NEAR(r.lo, -0.3910493441);
    NEAR(r.hi, 0.9054687943);
    NEAR(r.p, 1);

    /* the adherence curve: week 0 for IMGs is 3 of 3; month 9 1 of 2 */
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f.db,
                       "SELECT n, k FROM chart_points WHERE chart = 'mentorship_cadence'"
                       " AND series = 'img' AND ((label = 'week' AND x = 0) OR (label = 'month' AND x = 9))"
                       " ORDER BY seq",
                       -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 3);
    assert_int_equal(sqlite3_column_int(st, 1), 3);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 2);
    assert_int_equal(sqlite3_column_int(st, 1), 2);
    sqlite3_finalize(st);
    fx_close(&f);
}

/* No assignment, meeting or exam by as-of: coverage and cadence rows are
 * written (n counts residents, k 0); load rows for the three roles with
 * n 0; the outcome link row with empty value. (Version 2 of the contract,
 * "absent source, no rows": this holds when the files have rows, here
 * dated after as-of; with no row at all nothing is written, checked at the
 * end: version 1 wrote a false 0% coverage.) */
static void nothing_to_count(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    fx_resident(&f, 1, 20000, -1, NULL, "us_img", NULL);
    fx_sql(&f, "INSERT INTO mentor_assignments VALUES (1, 'F1', 'faculty', 20500, NULL, 1, 1);"
               "INSERT INTO mentorship_meetings VALUES (1, 'F1', 20500, NULL, 1, 1);"
               "INSERT INTO board_exams VALUES (1, 'ABIM-IM', 1, 20500, 'pass', NULL, 1, 1);");
    assert_int_equal(fx_compute(&f, 20400), IMGO_OK);
    struct fx_row r = fx_get(&f, "mentorship.tiered_coverage", "img", "", "");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.k, 0);
    r = fx_get(&f, "mentorship.monthly_cadence", "non_img", "", "");
    assert_int_equal(r.n, 0);
    IS_NAN(r.value);
    assert_int_equal(fx_count(&f, "mentorship.mentors_overloaded", NULL), 3);
    r = fx_get(&f, "mentorship.mentor_load_max", "all", "role=peer", "");
    assert_int_equal(r.n, 0);
    IS_NAN(r.value);
    r = fx_get(&f, "mentorship.outcome_link", "img", "", "");
    assert_int_equal(r.n, 0);
    IS_NAN(r.value);
    IS_NAN(r.p);
    /* meetings absent: no cadence rows, no outcome link; coverage and load stay */
    fx_sql(&f, "DELETE FROM mentorship_meetings");
    assert_int_equal(fx_compute(&f, 20400), IMGO_OK);
    assert_int_equal(fx_count(&f, "mentorship.early_cadence", NULL), 0);
    assert_int_equal(fx_count(&f, "mentorship.monthly_cadence", NULL), 0);
    assert_int_equal(fx_count(&f, "mentorship.outcome_link", NULL), 0);
    assert_int_equal(fx_count(&f, "mentorship.tiered_coverage", NULL), 3);
    assert_int_equal(fx_count(&f, "mentorship.mentors_overloaded", NULL), 3);
    /* assignments absent too: nothing of mentorship at all */
    fx_sql(&f, "DELETE FROM mentor_assignments");
    assert_int_equal(fx_compute(&f, 20400), IMGO_OK);
    assert_int_equal(fx_count(&f, "mentorship.tiered_coverage", NULL), 0);
    assert_int_equal(fx_count(&f, "mentorship.mentors_overloaded", NULL), 0);
    assert_int_equal(fx_count(&f, "mentorship.mentor_load_max", NULL), 0);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mentorship),
        cmocka_unit_test(nothing_to_count),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
