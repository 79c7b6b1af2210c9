/*
 * test_compute_institution.c - the programs of a sponsoring institution
 * (institution.*) on a tiny two-program cohort worked by hand, the
 * programs parameter (only the selected programs' residents and rows, the
 * defaults taken from them, codes trimmed and case-sensitive), and the
 * record of which cohort files had rows (table compute_sources).
 *
 * Wilson values are the closed form (z = 1.959963985); Kaplan-Meier
 * intervals are R's survfit(conf.type = "log-log"); t(0.975; 2) =
 * 4.302652730.
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
 * as-of 2026-06-30. IM-001: r1 IMG 2022-07-01; r2 IMG 2022-07-01, withdrew
 * 2023-07-01 (day 365); r3 non 2023-07-01 (1095 days at as-of).
 * FM-002: r4 non 2024-07-01;
 * r5 non 2023-07-01, completed 2025-06-30. IM-003: r6 IMG starts
 * 2026-07-01, after as-of: IM-003 has no active resident and no row.
 *
 * board_pass: first certification attempts r1 ABIM-IM 2023 pass, r2 2026
 *   fail, r3 2025 pass, r4 ABFM-FM 2022 pass, r5 2024 fail (r1's
 *   USMLE-STEP3 is no certification exam). The latest year is 2026, span
 *   2024-2026 (all programs): IM-001 img 0/1, non 1/1, all 1/2; FM-002
 *   non 0/1 (r4's 2022 is before the span), img 0/0.
 * retention_3y (KM at 1095): IM-001 all: 365 event, 1095 and 1460
 *   censored: S 2/3 (0.05407342679, 0.9452063873), n 3, k 1; img 1/2
 *   (0.005983087639, 0.9104100848); non S 1, no interval. FM-002: times 729
 *   and 730: nobody at 1095, value empty, n 2, k 0.
 * adverse_action_rate: r1 remediation, r3 satisfactory, r4 satisfactory:
 *   IM-001 img 1/1, non 0/1; FM-002 non 0/1.
 * tiered_coverage (IMG: senior_resident, faculty, peer; non-IMG: the first
 *   two, all assigned at the start): r1 all three; r2 no peer; r3 both;
 *   r4 faculty only; r5 both. IM-001 img 1/2, non 1/1; FM-002 non 1/2.
 * milestone_gap (PC1 pgy 1, one rating each): IM-001 r1 2.0, r2 3.0, r3
 *   4.0: -1.5; CR1 with G = N = 3, K = 2 (factor 3/2 * 2/1 = 3) on the HC0
 *   0.5/4: SE sqrt(0.375); -1.5 -+ 4.302652730 * 0.6123724357 = (-4.134825932
 *   clamped to -4, 1.134825932), p 0.1339745962. FM-002 has no rated IMG:
 *   no row.
 * The institution (empty stratum, group all only) adds the programs up:
 *   board_pass 1/3 (Wilson 0.06149194470, 0.7923403993); adverse 1/3;
 *   coverage 3/5 (Wilson 0.2307242812, 0.8823792258); retention_3y all
 *   five residents, one
 *   event at day 365 among 5: S = 0.8, n 5, k 1, log-log interval
 *   0.8^exp(+-z sqrt(1/20) / |ln 0.8|) = (0.2038092631, 0.9691797889).
 */
static void cohort(struct fx *f)
{
    fx_resident(f, 1, D(2022, 7, 1), -1, NULL, "us_img", NULL);
    fx_resident(f, 2, D(2022, 7, 1), D(2023, 7, 1), "withdrew", "non_us_img", NULL);
    fx_resident(f, 3, D(2023, 7, 1), -1, NULL, "usmd", NULL);
    fx_resident(f, 4, D(2024, 7, 1), -1, NULL, "usmd", NULL);
    fx_resident(f, 5, D(2023, 7, 1), D(2025, 6, 30), "completed", "usdo", NULL);
    fx_resident(f, 6, D(2026, 7, 1), -1, NULL, "us_img", NULL);
    fx_program(f, 4, "FM-002");
    fx_program(f, 5, "FM-002");
    fx_program(f, 6, "IM-003");
    fx_exam(f, 1, "ABIM-IM", 1, D(2023, 5, 1), "pass");
    fx_exam(f, 1, "USMLE-STEP3", 1, D(2026, 5, 1), "fail");
    fx_exam(f, 2, "ABIM-IM", 1, D(2026, 5, 1), "fail");
    fx_exam(f, 3, "ABIM-IM", 1, D(2025, 5, 1), "pass");
    fx_exam(f, 4, "ABFM-FM", 1, D(2022, 5, 1), "pass");
    fx_exam(f, 5, "ABFM-FM", 1, D(2024, 5, 1), "fail");
    fx_ccc(f, 1, D(2024, 12, 15), "remediation");
    fx_ccc(f, 3, D(2024, 12, 15), "satisfactory");
    fx_ccc(f, 4, D(2024, 12, 15), "satisfactory");
    static const struct {
        int rid;
        const char *mentor, *role;
    } as[] = { { 1, "S1", "senior_resident" }, { 1, "F1", "faculty" },         { 1, "P1", "peer" },
               { 2, "S1", "senior_resident" }, { 2, "F1", "faculty" },         { 3, "S1", "senior_resident" },
               { 3, "F2", "faculty" },         { 4, "F3", "faculty" },         { 5, "S2", "senior_resident" },
               { 5, "F3", "faculty" } };
    const int start[] = { 0, D(2022, 7, 1), D(2022, 7, 1), D(2023, 7, 1), D(2024, 7, 1), D(2023, 7, 1) };
    for (size_t i = 0; i < sizeof as / sizeof as[0]; i++)
        fx_assign(f, as[i].rid, as[i].mentor, as[i].role, start[as[i].rid]);
    fx_rating(f, 1, D(2024, 12, 15), "PC1", 1, 2.0);
    fx_rating(f, 2, D(2022, 12, 15), "PC1", 1, 3.0);
    fx_rating(f, 3, D(2024, 12, 15), "PC1", 1, 4.0);
    fx_rating(f, 4, D(2024, 12, 15), "PC1", 1, 3.0);
    fx_rating(f, 5, D(2024, 12, 15), "PC1", 1, 3.5);
}

static void programs_of_an_institution(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    cohort(&f);
    assert_int_equal(fx_compute(&f, D(2026, 6, 30)), IMGO_OK);
    struct fx_row r = fx_get(&f, "institution.board_pass", "img", "program=IM-001", "2024-2026");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.k, 0);
    r = fx_get(&f, "institution.board_pass", "non_img", "program=IM-001", "2024-2026");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "institution.board_pass", "all", "program=IM-001", "2024-2026");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    NEAR(r.lo, 0.09453120573);
    r = fx_get(&f, "institution.board_pass", "img", "program=FM-002", "2024-2026");
    assert_int_equal(r.n, 0);
    IS_NAN(r.value);
    r = fx_get(&f, "institution.board_pass", "non_img", "program=FM-002", "2024-2026");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.k, 0);
    /* two programs of three groups each, and the institution's all row */
    assert_int_equal(fx_count(&f, "institution.board_pass", NULL), 7);
    r = fx_get(&f, "institution.board_pass", "all", "", "2024-2026");
    assert_int_equal(r.n, 3);
    assert_int_equal(r.k, 1);
    NEAR(r.lo, 0.06149194470);
    NEAR(r.hi, 0.7923403993);
    assert_int_equal(fx_count(&f, "institution.board_pass", "img"), 2);

    r = fx_get(&f, "institution.retention_3y", "all", "program=IM-001", "");
    assert_int_equal(r.n, 3);
    assert_int_equal(r.k, 1);
    NEAR(r.value, 2.0 / 3.0);
    NEAR(r.lo, 0.05407342679);
    NEAR(r.hi, 0.9452063873);
    r = fx_get(&f, "institution.retention_3y", "img", "program=IM-001", "");
    assert_int_equal(r.n, 2);
    NEAR(r.value, 0.5);
    NEAR(r.lo, 0.005983087639);
    NEAR(r.hi, 0.9104100848);
    r = fx_get(&f, "institution.retention_3y", "non_img", "program=IM-001", "");
    NEAR(r.value, 1);
    IS_NAN(r.lo);
    r = fx_get(&f, "institution.retention_3y", "all", "program=FM-002", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 0);
    IS_NAN(r.value);
    r = fx_get(&f, "institution.retention_3y", "img", "program=FM-002", "");
    assert_int_equal(r.n, 0);
    r = fx_get(&f, "institution.retention_3y", "all", "", "");
    assert_int_equal(r.n, 5);
    assert_int_equal(r.k, 1);
    NEAR(r.value, 0.8);
    NEAR(r.lo, 0.2038092631);
    NEAR(r.hi, 0.9691797889);

    r = fx_get(&f, "institution.adverse_action_rate", "img", "program=IM-001", "");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "institution.adverse_action_rate", "non_img", "program=FM-002", "");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.k, 0);
    r = fx_get(&f, "institution.adverse_action_rate", "all", "", "");
    assert_int_equal(r.n, 3);
    assert_int_equal(r.k, 1);

    r = fx_get(&f, "institution.tiered_coverage", "img", "program=IM-001", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "institution.tiered_coverage", "non_img", "program=IM-001", "");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "institution.tiered_coverage", "non_img", "program=FM-002", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "institution.tiered_coverage", "all", "", "");
    assert_int_equal(r.n, 5);
    assert_int_equal(r.k, 3);
    NEAR(r.lo, 0.2307242812);
    NEAR(r.hi, 0.8823792258);

    r = fx_get(&f, "institution.milestone_gap", "img_vs_non_img", "program=IM-001", "");
    assert_int_equal(r.n, 3);
    assert_int_equal(r.k, 3);
    NEAR(r.value, -1.5);
    assert_true(r.lo == -4.0);
    NEAR(r.hi, 1.134825932);
    NEAR(r.p, 0.1339745962);
    assert_int_equal(fx_count(&f, "institution.milestone_gap", NULL), 1);
    /* no img_vs_non_img row but the milestone gap; no row of IM-003 */
    assert_int_equal(fx_count(&f, "institution.board_pass", "img_vs_non_img"), 0);
    assert_int_equal(fx_count(&f, "institution.tiered_coverage", NULL), 7);
    fx_close(&f);
}

/*
 * programs = "FM-002": every metric on r4 and r5 only. The default as-of
 * is the latest event date of FM-002's rows, r5's end_date 2025-06-30 (not
 * IM-001's attempts of 2026-05-01, nor r6's start); the default board_exams
 * is ABFM-FM alone; the board span comes from FM-002's first attempts (2022
 * and 2024: 2022-2024, both counted). Mentor load counts FM-002's
 * assignments only. Codes are trimmed (" IM-001 , FM-002 ") and
 * case-sensitive: "fm-002" selects nobody.
 */
static void programs_filter(void **state)
{
    (void)state;
    struct fx f;
    struct imgo_err err = IMGO_ERR_INIT;
    fx_open(&f);
    cohort(&f);
    assert_int_equal(params_set(&f.p, "programs", "FM-002", &err), IMGO_OK);
    assert_int_equal(fx_compute(&f, -1), IMGO_OK);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f.db, "SELECT value FROM compute_info WHERE key = 'as_of'", -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "2025-06-30");
    sqlite3_finalize(st);
    sqlite3_prepare_v2(f.db, "SELECT value FROM compute_info WHERE key = 'programs'", -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "FM-002");
    sqlite3_finalize(st);

    struct fx_row r = fx_get(&f, "cohort.residents", "all", "", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(fx_count(&f, "board.eventual_pass_rate", NULL), 3); /* ABFM-FM only */
    r = fx_get(&f, "board.first_attempt_pass_rate", "all", "exam=ABFM-FM", "2022-2024");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "institution.board_pass", "non_img", "program=FM-002", "2022-2024");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "bias.adverse_action_rate", "all", "", "");
    assert_int_equal(r.n, 1);
    r = fx_get(&f, "mentorship.mentors_overloaded", "all", "role=faculty", "");
    assert_int_equal(r.n, 1); /* F3 only: F1 and F2 mentor IM-001 */
    r = fx_get(&f, "mentorship.mentor_load_max", "all", "role=faculty", "");
    NEAR(r.value, 2);
    r = fx_get(&f, "cohort.residents", "all", "program=FM-002", "");
    assert_int_equal(r.k, 2);
    assert_int_equal(fx_count(&f, "institution.retention_3y", NULL), 4); /* FM-002's three, the institution's */
    assert_int_equal(fx_count(&f, "bias.milestone_gap", NULL), 0); /* no rated IMG */

    /* two codes, spaces around them */
    assert_int_equal(params_set(&f.p, "programs", " IM-001 , FM-002 ", &err), IMGO_OK);
    assert_int_equal(fx_compute(&f, D(2026, 6, 30)), IMGO_OK);
    r = fx_get(&f, "cohort.residents", "all", "", "");
    assert_int_equal(r.n, 5);

    /* case-sensitive: nobody; every file has rows, so the rates are written with n 0 */
    assert_int_equal(params_set(&f.p, "programs", "fm-002", &err), IMGO_OK);
    assert_int_equal(fx_compute(&f, D(2026, 6, 30)), IMGO_OK);
    r = fx_get(&f, "cohort.residents", "all", "", "");
    assert_int_equal(r.n, 0);
    r = fx_get(&f, "mentorship.tiered_coverage", "all", "", "");
    assert_int_equal(r.n, 0);
    assert_int_equal(fx_count(&f, "institution.board_pass", NULL), 0);
    fx_close(&f);
}

static int source_has_rows(struct fx *f, const char *file)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f->db, "SELECT has_rows FROM compute_sources WHERE file = ?1", -1, &st, NULL);
    sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
    int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

/* compute_sources: a row per cohort file, 1 when its table has a row (here
 * also when every row is after as-of or of another program), 0 when not. */
static void sources_recorded(void **state)
{
    (void)state;
    struct fx f;
    struct imgo_err err = IMGO_ERR_INIT;
    fx_open(&f);
    cohort(&f);
    assert_int_equal(params_set(&f.p, "programs", "IM-003", &err), IMGO_OK);
    assert_int_equal(fx_compute(&f, D(2021, 1, 1)), IMGO_OK);
    assert_int_equal(source_has_rows(&f, "residents.csv"), 1);
    assert_int_equal(source_has_rows(&f, "board_exams.csv"), 1);
    assert_int_equal(source_has_rows(&f, "ccc_actions.csv"), 1);
    assert_int_equal(source_has_rows(&f, "milestone_ratings.csv"), 1);
    assert_int_equal(source_has_rows(&f, "mentor_assignments.csv"), 1);
    assert_int_equal(source_has_rows(&f, "evaluations.csv"), 0);
    assert_int_equal(source_has_rows(&f, "feedback.csv"), 0);
    assert_int_equal(source_has_rows(&f, "mentorship_meetings.csv"), 0);
    assert_int_equal(source_has_rows(&f, "employment.csv"), 0);
    assert_int_equal(source_has_rows(&f, "patient_experience.csv"), 0);
    assert_int_equal(source_has_rows(&f, "fellowship_applications.csv"), 0);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f.db, "SELECT count(*) FROM compute_sources", -1, &st, NULL);
    sqlite3_step(st);
    assert_int_equal(sqlite3_column_int(st, 0), 11);
    sqlite3_finalize(st);
    /* present but nothing selected: written with n 0; absent: nothing */
    struct fx_row r = fx_get(&f, "step3.pass_by_month12", "img", "visa=h1b", "");
    assert_int_equal(r.n, 0);
    r = fx_get(&f, "mentorship.tiered_coverage", "img", "", "");
    assert_int_equal(r.n, 0);
    assert_int_equal(fx_count(&f, "mentorship.early_cadence", NULL), 0);
    assert_int_equal(fx_count(&f, "workforce.underserved_share", NULL), 0);
    assert_int_equal(fx_count(&f, "patient.mean_score", NULL), 0);
    assert_int_equal(fx_count(&f, "fellowship.match_rate", NULL), 0);
    assert_int_equal(fx_count(&f, "quarterly.evaluation_score", NULL), 0);
    assert_int_equal(fx_count(&f, "quarterly.adverse_action_rate", NULL), 15);
    /* the chart of an absent file is empty, the others keep their points */
    sqlite3_prepare_v2(f.db, "SELECT count(*) FROM chart_points WHERE chart = 'mentorship_cadence'", -1, &st,
                       NULL);
    sqlite3_step(st);
    assert_int_equal(sqlite3_column_int(st, 0), 0);
    sqlite3_finalize(st);
    sqlite3_prepare_v2(f.db, "SELECT count(*) FROM chart_points WHERE chart = 'step3_visa'", -1, &st, NULL);
    sqlite3_step(st);
    assert_int_equal(sqlite3_column_int(st, 0), 7);
    sqlite3_finalize(st);
    fx_close(&f);
}

/* One chart_points row as the funnel tests read it. */
struct pt {
    char series[16], label[16];
    double x, value, lo, hi;
    long n, k;
    int supp;
};

static size_t funnel_points(struct fx *f, const char *chart, struct pt *out, size_t max)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f->db,
                       "SELECT series, label, x, n, k, value, ci_low, ci_high, suppressed FROM chart_points"
                       " WHERE chart = ?1 ORDER BY seq",
                       -1, &st, NULL);
    sqlite3_bind_text(st, 1, chart, -1, SQLITE_STATIC);
    size_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW && n < max) {
        struct pt *p = &out[n++];
        snprintf(p->series, sizeof p->series, "%s", (const char *)sqlite3_column_text(st, 0));
        snprintf(p->label, sizeof p->label, "%s", (const char *)sqlite3_column_text(st, 1));
        p->x = sqlite3_column_double(st, 2);
        p->n = sqlite3_column_type(st, 3) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 3);
        p->k = sqlite3_column_type(st, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 4);
        p->value = fx_num(st, 5);
        p->lo = fx_num(st, 6);
        p->hi = fx_num(st, 7);
        p->supp = sqlite3_column_int(st, 8);
    }
    sqlite3_finalize(st);
    return n;
}

static void expect_point(const struct pt *p, const char *series, const char *label, double x, long n, long k,
                         double value)
{
    assert_string_equal(p->series, series);
    assert_string_equal(p->label, label);
    NEAR(p->x, x);
    assert_int_equal(p->n, n);
    assert_int_equal(p->k, k);
    NEAR(p->value, value);
}

/*
 * The funnels (docs/TABLES.md). The lower limit is Spiegelhalter's
 * interpolated exact binomial limit (2005, appendix) of the events, the
 * upper one 1 - the same limit of the non-events (at 1 - p0); worked with
 * exact binomial probabilities:
 * p0 = 1/3, n = 1: lower r = 0, alpha = (2/3 - 0.025) / (2/3), below 0: 0;
 *   upper: non-events Bin(1, 2/3), P(X <= 0) = 1/3 >= 0.025, r = 0, below
 *   0: 1 - 0 = 1. The same at n = 2 (P(X <= 0) = 1/9).
 * p0 = 1/2, n = 10: 95% lower r = 2 (P(X <= 2) = 56/1024), alpha =
 *   (56/1024 - 0.025) / (45/1024) = 0.6755555556: 0.1324444444; upper
 *   1 - 0.1324444444 = 0.8675555556 (the distribution is symmetric).
 *   99.8%: lower r = 1, alpha = (11/1024 - 0.001) / (10/1024) = 0.99976:
 *   0.00024; upper 0.99976.
 * So 9 of 10 is outside the 95% limits (P(X >= 9) = 11/1024 < 0.025) and
 * 8 of 10 is not (P(X >= 8) = 56/1024), as 1 and 2 of 10 below.
 */
static void funnels_across_programs(void **state)
{
    (void)state;
    struct fx f;
    struct pt p[64];
    fx_open(&f);
    cohort(&f);
    assert_int_equal(fx_compute(&f, D(2026, 6, 30)), IMGO_OK);
    /* board: FM-002 0 of 1, IM-001 1 of 2, pooled 1/3; nobody outside */
    size_t n = funnel_points(&f, "institution_board_funnel", p, 64);
    assert_int_equal(n, 2 + 2 + 2 + 2);
    expect_point(&p[0], "program", "FM-002", 1, 1, 0, 0);
    NEAR(p[0].lo, 0);
    NEAR(p[0].hi, 1);
    assert_int_equal(p[0].supp, 1);
    expect_point(&p[1], "program", "IM-001", 2, 2, 1, 0.5);
    NEAR(p[1].hi, 1);
    expect_point(&p[2], "pooled", "", 1, 3, 1, 1.0 / 3);
    expect_point(&p[3], "pooled", "", 2, 3, 1, 1.0 / 3);
    expect_point(&p[4], "limit95", "", 1, -1, -1, 1.0 / 3);
    NEAR(p[4].hi, 1);
    expect_point(&p[5], "limit95", "", 2, -1, -1, 1.0 / 3);
    NEAR(p[5].lo, 0);
    NEAR(p[5].hi, 1);
    assert_string_equal(p[6].series, "limit998");
    assert_string_equal(p[7].series, "limit998");
    fx_close(&f);

    /* adverse actions in four programs of ten: P-A 10, P-B 0, P-C 9, P-D 1;
     * pooled 20/40 = 1/2 */
    fx_open(&f);
    static const char *const code[4] = { "P-A", "P-B", "P-C", "P-D" };
    static const int adverse[4] = { 10, 0, 9, 1 };
    for (int prog = 0; prog < 4; prog++)
        for (int i = 0; i < 10; i++) {
            int rid = 1 + 10 * prog + i;
            fx_resident(&f, rid, D(2024, 7, 1), -1, NULL, i % 2 ? "usmd" : "non_us_img", NULL);
            fx_program(&f, rid, code[prog]);
            fx_ccc(&f, rid, D(2025, 6, 15), i < adverse[prog] ? "remediation" : "satisfactory");
        }
    assert_int_equal(fx_compute(&f, D(2026, 6, 30)), IMGO_OK);
    struct fx_row r = fx_get(&f, "institution.adverse_action_rate", "all", "", "");
    assert_int_equal(r.n, 40);
    assert_int_equal(r.k, 20);
    n = funnel_points(&f, "institution_adverse_funnel", p, 64);
    /* the limits at n = 1 .. 10, the largest program */
    assert_int_equal(n, 4 + 4 + 2 + 2 + 10 + 10);
    for (int i = 0; i < 4; i++) {
        expect_point(&p[i], "program", code[i], 10, 10, adverse[i], adverse[i] / 10.0);
        NEAR(p[i].lo, 0.1324444444);
        NEAR(p[i].hi, 0.8675555556);
        assert_int_equal(p[i].supp, 0);
    }
    /* outside the 95% limits: P-A and P-C above, P-B and P-D below */
    expect_point(&p[4], "outside95", "P-A", 10, 10, 10, 1);
    expect_point(&p[5], "outside95", "P-B", 10, 10, 0, 0);
    expect_point(&p[6], "outside95", "P-C", 10, 10, 9, 0.9);
    expect_point(&p[7], "outside95", "P-D", 10, 10, 1, 0.1);
    /* outside the 99.8% limits (0.00024, 0.99976): P-A and P-B only */
    expect_point(&p[8], "outside998", "P-A", 10, 10, 10, 1);
    NEAR(p[8].lo, 0.00024);
    NEAR(p[8].hi, 0.99976);
    expect_point(&p[9], "outside998", "P-B", 10, 10, 0, 0);
    expect_point(&p[10], "pooled", "", 10, 40, 20, 0.5);
    expect_point(&p[11], "pooled", "", 10, 40, 20, 0.5);
    for (int i = 0; i < 10; i++) {
        expect_point(&p[12 + i], "limit95", "", i + 1, -1, -1, 0.5);
        expect_point(&p[22 + i], "limit998", "", i + 1, -1, -1, 0.5);
    }
    NEAR(p[21].lo, 0.1324444444);
    NEAR(p[21].hi, 0.8675555556);
    NEAR(p[31].lo, 0.00024);
    NEAR(p[31].hi, 0.99976);
    /* no board exam: no board funnel */
    assert_int_equal(funnel_points(&f, "institution_board_funnel", p, 64), 0);
    fx_close(&f);
}

/* Meetings present, assignments absent: the weekly part of the cadence
 * chart stays, the monthly part (it counts assigned faculty) goes with
 * mentorship.monthly_cadence. */
static void cadence_chart_parts(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    fx_resident(&f, 1, 20000, -1, NULL, "us_img", NULL);
    fx_sql(&f, "INSERT INTO mentorship_meetings VALUES (1, 'F1', 20003, NULL, 1, 1);");
    assert_int_equal(fx_compute(&f, 20400), IMGO_OK);
    assert_int_equal(fx_count(&f, "mentorship.early_cadence", NULL), 3);
    assert_int_equal(fx_count(&f, "mentorship.monthly_cadence", NULL), 0);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f.db,
                       "SELECT sum(label = 'week'), sum(label = 'month') FROM chart_points"
                       " WHERE chart = 'mentorship_cadence'",
                       -1, &st, NULL);
    sqlite3_step(st);
    assert_int_equal(sqlite3_column_int(st, 0), 18);
    assert_int_equal(sqlite3_column_int(st, 1), 0);
    sqlite3_finalize(st);
    char path[256];
    snprintf(path, sizeof path, "%s/tables/mentorship_cadence_month.csv", f.out);
    char *t = fx_slurp(path);
    assert_null(t);
    free(t);
    fx_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(programs_of_an_institution),
        cmocka_unit_test(programs_filter),
        cmocka_unit_test(sources_recorded),
        cmocka_unit_test(funnels_across_programs),
        cmocka_unit_test(cadence_chart_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
