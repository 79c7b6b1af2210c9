/*
 * test_compute_bias.c - bias patterns on tiny data sets worked by hand:
 * the milestone gap (OLS with CR1 errors, checked against an exact
 * rational-arithmetic OLS on the dense design; t(0.975; 5) = 2.570581836 and
 * the closed-form t(5) distribution for p), a rank-deficient design,
 * evaluator gaps with Welch and BH, feedback-theme odds ratios with zero
 * cells, and adverse CCC actions with the corrected risk ratio.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "compute_fixture.h"

static void rating(struct fx *f, int rid, int date, const char *subc, int pgy, double value)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f->db,
                       "INSERT INTO milestone_ratings (rid, review_date, subcompetency, pgy, rating,"
                       " ingest_id, line) VALUES (?1, ?2, ?3, ?4, ?5, 1, 1)",
                       -1, &st, NULL);
    sqlite3_bind_int(st, 1, rid);
    sqlite3_bind_int(st, 2, date);
    sqlite3_bind_text(st, 3, subc, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, pgy);
    sqlite3_bind_double(st, 5, value);
    if (sqlite3_step(st) != SQLITE_DONE)
        fail_msg("rating: %s", sqlite3_errmsg(f->db));
    sqlite3_finalize(st);
}

static void evaluation(struct fx *f, int rid, const char *evaluator, int date, double score)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f->db,
                       "INSERT INTO evaluations (rid, evaluator_id, eval_date, rotation, pgy, score,"
                       " ingest_id, line) VALUES (?1, ?2, ?3, 'Wards', 1, ?4, 1, 1)",
                       -1, &st, NULL);
    sqlite3_bind_int(st, 1, rid);
    sqlite3_bind_text(st, 2, evaluator, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, date);
    sqlite3_bind_double(st, 4, score);
    if (sqlite3_step(st) != SQLITE_DONE)
        fail_msg("evaluation: %s", sqlite3_errmsg(f->db));
    sqlite3_finalize(st);
}

static void feedback(struct fx *f, int rid, int date, const char *theme, const char *valence)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f->db,
                       "INSERT INTO feedback (rid, evaluator_id, feedback_date, theme, valence,"
                       " ingest_id, line) VALUES (?1, 'E1', ?2, ?3, ?4, 1, 1)",
                       -1, &st, NULL);
    sqlite3_bind_int(st, 1, rid);
    sqlite3_bind_int(st, 2, date);
    sqlite3_bind_text(st, 3, theme, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, valence, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        fail_msg("feedback: %s", sqlite3_errmsg(f->db));
    sqlite3_finalize(st);
}

static void ccc(struct fx *f, int rid, int date, const char *action)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f->db,
                       "INSERT INTO ccc_actions (rid, review_date, action, ingest_id, line)"
                       " VALUES (?1, ?2, ?3, 1, 1)",
                       -1, &st, NULL);
    sqlite3_bind_int(st, 1, rid);
    sqlite3_bind_int(st, 2, date);
    sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        fail_msg("ccc: %s", sqlite3_errmsg(f->db));
    sqlite3_finalize(st);
}

/* Six residents: r1-r3 IMG, r4-r6 non-IMG, started long before as-of 20400. */
static void six_residents(struct fx *f)
{
    for (int i = 1; i <= 6; i++)
        fx_resident(f, i, 19000, -1, NULL, i <= 3 ? "non_us_img" : "usmd", NULL);
}

/*
 * Ratings (rid: subcompetency pgy rating), review dates 20000 (pgy 1) and
 * 20200 (pgy 2); one more rating of r1 dated 20500 (after as-of, pgy 3)
 * must not exist, or it would add a pgy 3 column.
 *   r1: ICS1 1 2.0, PC1 1 2.5, ICS1 2 3.0, PC1 2 3.0
 *   r2: ICS1 1 1.5, PC1 1 2.0, ICS1 2 2.5
 *   r3: ICS1 1 2.5, PC1 1 3.0
 *   r4: ICS1 1 3.0, PC1 1 3.0, ICS1 2 3.5, PC1 2 4.0
 *   r5: ICS1 1 2.5, PC1 1 3.5, PC1 2 4.0
 *   r6: ICS1 1 3.5, ICS1 2 4.5, PC1 2 3.5
 * Exact OLS on the dense 19 x 4 design (1, img, pgy2, PC1) and CR1 by
 * resident (G = 6, N = 19, K = 4):
 *   img = -0.9267015707, interval (-1.555634167, -0.2977689742), p 0.01278947639.
 * Per subcompetency (1, img, pgy2; G = 6):
 *   ICS1 (N 10): -1.1 (-2.116246388, -0.08375361249), p 0.0387901807
 *   PC1 (N 9): -0.7820512821 (-1.3930309, -0.1710716644), p 0.02170552896
 *   BH: both q = 0.0387901807.
 */
static void milestone_gap(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    six_residents(&f);
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
        { 6, 20200, "PC1", 2, 3.5 },  { 1, 20500, "ICS1", 3, 5.0 },
    };
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        rating(&f, r[i].rid, r[i].date, r[i].s, r[i].pgy, r[i].v);
    assert_int_equal(fx_compute(&f, 20400), IMGO_OK);
    struct fx_row m = fx_get(&f, "bias.milestone_gap", "img_vs_non_img", "", "");
    assert_int_equal(m.n, 19);
    assert_int_equal(m.k, 6);
    NEAR(m.value, -0.9267015707);
    NEAR(m.lo, -1.555634167);
    NEAR(m.hi, -0.2977689742);
    NEAR(m.p, 0.01278947639);
    IS_NAN(m.q);
    m = fx_get(&f, "bias.milestone_gap", "img_vs_non_img", "subcompetency=ICS1", "");
    assert_int_equal(m.n, 10);
    assert_int_equal(m.k, 6);
    NEAR(m.value, -1.1);
    NEAR(m.lo, -2.116246388);
    NEAR(m.hi, -0.08375361249);
    NEAR(m.p, 0.0387901807);
    NEAR(m.q, 0.0387901807);
    m = fx_get(&f, "bias.milestone_gap", "img_vs_non_img", "subcompetency=PC1", "");
    assert_int_equal(m.n, 9);
    NEAR(m.value, -0.7820512821);
    NEAR(m.lo, -1.3930309);
    NEAR(m.hi, -0.1710716644);
    NEAR(m.p, 0.02170552896);
    NEAR(m.q, 0.0387901807);
    fx_close(&f);
}

/*
 * MK1: IMGs r1, r2 rated only at pgy 1, non-IMGs r4, r5 only at pgy 2, so
 * img = 1 - pgy2: the design is rank deficient, value, CI and p empty (and
 * the overall model, the same design plus a subcompetency dummy, too).
 * SBP is rated for one IMG only: fewer than 2 residents in a group, no row.
 */
static void milestone_rank_deficient(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    six_residents(&f);
    rating(&f, 1, 20000, "MK1", 1, 2.0);
    rating(&f, 2, 20000, "MK1", 1, 2.5);
    rating(&f, 4, 20000, "MK1", 2, 3.0);
    rating(&f, 5, 20000, "MK1", 2, 3.5);
    rating(&f, 1, 20000, "SBP", 1, 2.0);
    rating(&f, 4, 20000, "SBP", 2, 3.0);
    rating(&f, 5, 20000, "SBP", 2, 4.0);
    assert_int_equal(fx_compute(&f, 20400), IMGO_OK);
    struct fx_row m = fx_get(&f, "bias.milestone_gap", "img_vs_non_img", "subcompetency=MK1", "");
    assert_int_equal(m.n, 4);
    assert_int_equal(m.k, 4);
    IS_NAN(m.value);
    IS_NAN(m.lo);
    IS_NAN(m.p);
    IS_NAN(m.q);
    m = fx_get(&f, "bias.milestone_gap", "img_vs_non_img", "", "");
    assert_int_equal(m.n, 7);
    IS_NAN(m.value);
    assert_int_equal(fx_count(&f, "bias.milestone_gap", NULL), 2);
    fx_close(&f);
}

/*
 * Evaluations (min_evaluator_n = 1; one evaluation of E1 dated after as-of
 * must not count):
 *   E1: IMG 5, 6, 7; non 7, 8, 9: gap -2, Welch df 4, se sqrt(2/3):
 *       (-4.266957936, 0.2669579355), p 0.07048399691 (t(4) closed form).
 *   E2: IMG 6; non 7, 8: gap -1.5, one IMG evaluation: no interval, no p,
 *       so not in the BH family.
 *   E3: IMG only: no row.
 *   E4: IMG 6, 8; non 6, 8: gap 0, df 2, half-width 4.302652730 * sqrt(2)
 *       = 6.084869845, p 1.
 *   BH over E1, E4: q(E1) = min(2 * 0.07048399691, 1) = 0.1409679938, q(E4) 1.
 *   (Each resident has one evaluation per evaluator here, so the evaluator
 *   rows are the same whether residents or evaluations are counted.)
 *   Pooled, by resident (version 2 of the contract; version 1 pooled the 15
 *   evaluations: IMG mean 6.25, non-IMG 7.571428571, gap -1.321428571, n 15,
 *   k 8): each resident's mean of all their evaluations,
 *   IMG r1 (5+6+6)/3, r2 (6+4+8)/3 = 6, r3 (7+8)/2 = 7.5, mean 6.388888889;
 *   non-IMG r4 (7+7+6)/3, r5 8, r6 8.5, mean 7.722222222: gap -1.333333333,
 *   n 6, k 3; Welch (R t.test): (-3.515489106, 0.8488224394), p 0.164987297.
 */
static void evaluator_gaps(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    six_residents(&f);
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(params_set(&f.p, "min_evaluator_n", "1", &err), IMGO_OK);
    static const struct {
        int rid;
        const char *e;
        double s;
    } ev[] = {
        { 1, "E1", 5 }, { 2, "E1", 6 }, { 3, "E1", 7 }, { 4, "E1", 7 }, { 5, "E1", 8 }, { 6, "E1", 9 },
        { 1, "E2", 6 }, { 4, "E2", 7 }, { 5, "E2", 8 }, { 2, "E3", 4 }, { 3, "E3", 8 }, { 1, "E4", 6 },
        { 2, "E4", 8 }, { 4, "E4", 6 }, { 6, "E4", 8 },
    };
    for (size_t i = 0; i < sizeof ev / sizeof ev[0]; i++)
        evaluation(&f, ev[i].rid, ev[i].e, 20000 + (int)i, ev[i].s);
    evaluation(&f, 1, "E1", 20500, 1);
    assert_int_equal(fx_compute(&f, 20400), IMGO_OK);
    struct fx_row r = fx_get(&f, "bias.evaluator_gap", "img_vs_non_img", "evaluator=E1", "");
    assert_int_equal(r.n, 6);
    assert_int_equal(r.k, 3);
    NEAR(r.value, -2);
    NEAR(r.lo, -4.266957936);
    NEAR(r.hi, 0.2669579355);
    NEAR(r.p, 0.07048399691);
    NEAR(r.q, 0.1409679938);
    r = fx_get(&f, "bias.evaluator_gap", "img_vs_non_img", "evaluator=E2", "");
    NEAR(r.value, -1.5);
    IS_NAN(r.lo);
    IS_NAN(r.p);
    IS_NAN(r.q);
    r = fx_get(&f, "bias.evaluator_gap", "img_vs_non_img", "evaluator=E4", "");
    NEAR(r.value, 0);
    NEAR(r.lo, -6.084869845);
    NEAR(r.hi, 6.084869845);
    NEAR(r.p, 1);
    NEAR(r.q, 1);
    r = fx_get(&f, "bias.evaluator_gap", "img_vs_non_img", "", "");
    assert_int_equal(r.n, 6);
    assert_int_equal(r.k, 3);
    NEAR(r.value, -1.333333333);
    NEAR(r.lo, -3.515489106);
    NEAR(r.hi, 0.8488224394);
    NEAR(r.p, 0.164987297);
    IS_NAN(r.q);
    assert_int_equal(fx_count(&f, "bias.evaluator_gap", NULL), 4);
    fx_close(&f);
}

/*
 * Residents, not evaluations (min_evaluator_n = 2, as-of 20400):
 *   E1: IMG r1 4, 5, 6 (one observation, mean 5), r2 7; non-IMG r4 8, 6
 *       (mean 7), r5 9. IMG {5, 7}, non {7, 9}: gap -2, n 4 residents, k 2;
 *       Welch df 2, se sqrt(2): (-8.084869845, 4.084869845) clamped to
 *       (-8, 4.084869845), p = 1 - sqrt(2)/2 = 0.2928932188 (t(2) closed form).
 *   E2: r1 3 five times, r4 9 five times: ten evaluations, but one resident
 *       in each group, fewer than 2: no row (version 1 would have had one).
 *   Pooled: r1 (4+5+6+5*3)/8 = 3.75, r2 7; r4 (8+6+5*9)/7 = 8.428571429,
 *   r5 9: gap 5.375 - 8.714285714 = -3.339285714, n 4, k 2; Welch (R
 *   t.test) (-21.63017806, 14.95160663) clamped to (-8, 8), p 0.2806692046.
 *   The funnel point of E1 is at x = n = 4 residents, k = 2.
 */
static void evaluator_gap_counts_residents(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    six_residents(&f);
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(params_set(&f.p, "min_evaluator_n", "2", &err), IMGO_OK);
    static const struct {
        int rid;
        const char *e;
        double s;
    } ev[] = {
        { 1, "E1", 4 }, { 1, "E1", 5 }, { 1, "E1", 6 }, { 2, "E1", 7 }, { 4, "E1", 8 }, { 4, "E1", 6 },
        { 5, "E1", 9 }, { 1, "E2", 3 }, { 1, "E2", 3 }, { 1, "E2", 3 }, { 1, "E2", 3 }, { 1, "E2", 3 },
        { 4, "E2", 9 }, { 4, "E2", 9 }, { 4, "E2", 9 }, { 4, "E2", 9 }, { 4, "E2", 9 },
    };
    for (size_t i = 0; i < sizeof ev / sizeof ev[0]; i++)
        evaluation(&f, ev[i].rid, ev[i].e, 20000 + (int)i, ev[i].s);
    assert_int_equal(fx_compute(&f, 20400), IMGO_OK);
    struct fx_row r = fx_get(&f, "bias.evaluator_gap", "img_vs_non_img", "evaluator=E1", "");
    assert_int_equal(r.n, 4);
    assert_int_equal(r.k, 2);
    NEAR(r.value, -2);
    assert_true(r.lo == -8.0);
    NEAR(r.hi, 4.084869845);
    NEAR(r.p, 0.2928932188);
    NEAR(r.q, 0.2928932188);
    r = fx_get(&f, "bias.evaluator_gap", "img_vs_non_img", "", "");
    assert_int_equal(r.n, 4);
    assert_int_equal(r.k, 2);
    NEAR(r.value, -3.339285714);
    assert_true(r.lo == -8.0 && r.hi == 8.0);
    NEAR(r.p, 0.2806692046);
    assert_int_equal(fx_count(&f, "bias.evaluator_gap", NULL), 2);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f.db, "SELECT x, n, k FROM chart_points WHERE chart = 'evaluator_funnel'"
                             " AND series = 'evaluator' AND label = 'E1'", -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_true(sqlite3_column_double(st, 0) == 4.0);
    assert_int_equal(sqlite3_column_int(st, 1), 4);
    assert_int_equal(sqlite3_column_int(st, 2), 2);
    sqlite3_finalize(st);
    fx_close(&f);
}

/*
 * Feedback (r7, an IMG with no feedback row, is not counted; a negative
 * communication comment on r4 dated after as-of does not exist):
 *   r1 communication-, efficiency+; r2 communication-; r3 teamwork+;
 *   r4 communication+; r5 efficiency-; r6 communication+.
 *   communication: a 2, b 1, c 0, d 3 -> +0.5: OR 2.5*3.5/(1.5*0.5) =
 *     11.66666667, se sqrt(1/2.5 + 1/1.5 + 1/0.5 + 1/3.5) = 1.830951,
 *     (0.3224323549, 422.1385015); Fisher p on the uncorrected table 0.4.
 *   efficiency: a 0, b 3, c 1, d 2 -> OR 0.5*2.5/(3.5*1.5) = 0.2380952381,
 *     (0.00658025214, 8.615071458); p 1.
 *   teamwork has no negative comment: no row. BH: q 0.8 and 1.
 * CCC (adverse: remediation, probation, non_promotion, dismissal):
 *   r1 satisfactory then remediation (adverse); r2 focused_review;
 *   r4 satisfactory; r5 satisfactory, probation after as-of (does not exist).
 *   img 1/2, non 0/2, all 1/4. RR with a = 1.5, c = 0.5, n1 = n2 = 3: 3,
 *   se sqrt(1/1.5 - 1/3 + 1/0.5 - 1/3) = sqrt(2): (0.1876465085,
 *   47.96252311); Fisher p on [[1, 1], [0, 2]] = 1.
 */
static void feedback_and_adverse(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    six_residents(&f);
    fx_resident(&f, 7, 19000, -1, NULL, "us_img", NULL);
    feedback(&f, 1, 20000, "communication", "negative");
    feedback(&f, 1, 20001, "efficiency", "positive");
    feedback(&f, 2, 20000, "communication", "negative");
    feedback(&f, 3, 20000, "teamwork", "positive");
    feedback(&f, 4, 20000, "communication", "positive");
    feedback(&f, 4, 20500, "communication", "negative");
    feedback(&f, 5, 20000, "efficiency", "negative");
    feedback(&f, 6, 20000, "communication", "positive");
    ccc(&f, 1, 20000, "satisfactory");
    ccc(&f, 1, 20200, "remediation");
    ccc(&f, 2, 20000, "focused_review");
    ccc(&f, 4, 20000, "satisfactory");
    ccc(&f, 5, 20000, "satisfactory");
    ccc(&f, 5, 20450, "probation");
    assert_int_equal(fx_compute(&f, 20400), IMGO_OK);
    struct fx_row r = fx_get(&f, "bias.feedback_theme", "img_vs_non_img", "theme=communication", "");
    assert_int_equal(r.n, 6);
    assert_int_equal(r.k, 2);
    NEAR(r.value, 11.66666667);
    NEAR(r.lo, 0.3224323549);
    fx_near_at(r.hi, 422.1385015, 1e-5, "r.hi", __LINE__);
    NEAR(r.p, 0.4);
    NEAR(r.q, 0.8);
    r = fx_get(&f, "bias.feedback_theme", "img_vs_non_img", "theme=efficiency", "");
    assert_int_equal(r.k, 1);
    NEAR(r.value, 0.2380952381);
    NEAR(r.lo, 0.00658025214);
    NEAR(r.hi, 8.615071458);
    NEAR(r.p, 1);
    NEAR(r.q, 1);
    assert_int_equal(fx_count(&f, "bias.feedback_theme", NULL), 2);

    r = fx_get(&f, "bias.adverse_action_rate", "img", "", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "bias.adverse_action_rate", "non_img", "", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 0);
    r = fx_get(&f, "bias.adverse_action_rr", "img_vs_non_img", "", "");
    assert_int_equal(r.n, 4);
    assert_int_equal(r.k, 1);
    NEAR(r.value, 3);
    NEAR(r.lo, 0.1876465085);
    NEAR(r.hi, 47.96252311);
    NEAR(r.p, 1);
    IS_NAN(r.q);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(milestone_gap),
        cmocka_unit_test(milestone_rank_deficient),
        cmocka_unit_test(evaluator_gaps),
        cmocka_unit_test(evaluator_gap_counts_residents),
        cmocka_unit_test(feedback_and_adverse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
