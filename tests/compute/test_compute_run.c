/*
 * test_compute_run.c - workforce and patient metrics worked by hand, and
 * the run as a whole: the default as-of date, records dated after as-of
 * changing nothing, byte-identical output across runs, the files and the
 * tables written, and the upgrade of a schema-1 database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "compute_fixture.h"
#include "date.h"

static void employment(struct fx *f, int rid, int start, int end, const char *employer,
                       const char *underserved)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f->db,
                       "INSERT INTO employment (rid, start_date, end_date, employer, underserved,"
                       " ingest_id, line) VALUES (?1, ?2, ?3, ?4, ?5, 1, 1)",
                       -1, &st, NULL);
    sqlite3_bind_int(st, 1, rid);
    sqlite3_bind_int(st, 2, start);
    if (end >= 0)
        sqlite3_bind_int(st, 3, end);
    sqlite3_bind_text(st, 4, employer, -1, SQLITE_STATIC);
    if (underserved)
        sqlite3_bind_text(st, 5, underserved, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        fail_msg("employment: %s", sqlite3_errmsg(f->db));
    sqlite3_finalize(st);
}

static void patient(struct fx *f, int rid, const char *period, int responses, double score)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f->db,
                       "INSERT INTO patient_experience (rid, period, responses, mean_score, ingest_id,"
                       " line) VALUES (?1, ?2, ?3, ?4, 1, 1)",
                       -1, &st, NULL);
    sqlite3_bind_int(st, 1, rid);
    sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, responses);
    sqlite3_bind_double(st, 4, score);
    if (sqlite3_step(st) != SQLITE_DONE)
        fail_msg("patient: %s", sqlite3_errmsg(f->db));
    sqlite3_finalize(st);
}

/*
 * as-of 20400. Graduates = completed, ended by as-of, with an employment
 * row starting by as-of; the first position is the earliest.
 *   r1 IMG: first 19600-20100 same_institution (event at 500), underserved
 *           yes; a later position elsewhere is not the first.
 *   r2 IMG: 19550- same_region, still there (censored at 850); no
 *           underserved value (not in the share).
 *   r3 IMG: only position starts 20450, after as-of: not a graduate here.
 *   r4 non: 19500-19900 same_region (event at 400), underserved no.
 *   r5 non: withdrew: not a graduate. r6 non: completes 20450, after as-of.
 *   r7 non: elsewhere (not in the KM), underserved yes.
 *   r8 IMG: 19000-20300 same_institution (event at 1300), underserved no.
 * KM at 730: img S = 2/3 (events 500 of 3 at risk), Greenwood 1/6,
 *   (0.05407342679, 0.9452063873), k 1; non_img: nobody at 730, value
 *   empty, k 1; all: 3/4 * 2/3 = 0.5, Greenwood 1/12 + 1/6,
 *   (0.05784708300, 0.8448612812), k 2, n 4.
 * Underserved: img 1/2, non 1/2, all 2/4.
 * Patient experience (not filtered by date; r9 started after as-of):
 *   r1 (10 x 4.0 + 30 x 3.0) / 40 = 3.25; r2 4.5 (5); r4 4.0 (20);
 *   r5 (10 x 3.0 + 10 x 4.0) / 20 = 3.5.
 *   img mean 3.875, half-width 12.70620474 * 0.8838835 / sqrt(2) = 7.94137796,
 *   k 45; all 3.8125 (2.930423035, 4.694576965), k 85; diff 0.125, n 4, k 85.
 */
static void workforce_and_patient(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    fx_resident(&f, 1, 18000, 19500, "completed", "us_img", NULL);
    fx_resident(&f, 2, 18000, 19500, "completed", "us_img", NULL);
    fx_resident(&f, 3, 18000, 19500, "completed", "us_img", NULL);
    fx_resident(&f, 4, 18000, 19500, "completed", "usmd", NULL);
    fx_resident(&f, 5, 18000, 19500, "withdrew", "usmd", NULL);
    fx_resident(&f, 6, 19000, 20450, "completed", "usmd", NULL);
    fx_resident(&f, 7, 18000, 19000, "completed", "usdo", NULL);
    fx_resident(&f, 8, 18000, 19000, "completed", "non_us_img", NULL);
    fx_resident(&f, 9, 20500, -1, NULL, "us_img", NULL);
    employment(&f, 1, 19600, 20100, "same_institution", "yes");
    employment(&f, 1, 20200, -1, "elsewhere", "no");
    employment(&f, 2, 19550, -1, "same_region", NULL);
    employment(&f, 3, 20450, -1, "same_institution", "yes");
    employment(&f, 4, 19500, 19900, "same_region", "no");
    employment(&f, 5, 19600, -1, "same_region", "yes");
    employment(&f, 6, 20460, -1, "same_region", "yes");
    employment(&f, 7, 19100, -1, "elsewhere", "yes");
    employment(&f, 8, 19000, 20300, "same_institution", "no");
    patient(&f, 1, "2025-Q1", 10, 4.0);
    patient(&f, 1, "2025-Q2", 30, 3.0);
    patient(&f, 2, "2025-Q1", 5, 4.5);
    patient(&f, 4, "2025-Q1", 20, 4.0);
    patient(&f, 5, "2025-Q1", 10, 3.0);
    patient(&f, 5, "2025-Q2", 10, 4.0);
    patient(&f, 9, "2025-Q1", 100, 1.0);
    assert_int_equal(fx_compute(&f, 20400), IMGO_OK);

    struct fx_row r = fx_get(&f, "workforce.retained_km", "img", "t=730", "");
    assert_int_equal(r.n, 3);
    assert_int_equal(r.k, 1);
    NEAR(r.value, 2.0 / 3);
    NEAR(r.lo, 0.05407342679);
    NEAR(r.hi, 0.9452063873);
    r = fx_get(&f, "workforce.retained_km", "non_img", "t=730", "");
    assert_int_equal(r.n, 1);
    assert_int_equal(r.k, 1);
    IS_NAN(r.value);
    r = fx_get(&f, "workforce.retained_km", "all", "t=730", "");
    assert_int_equal(r.n, 4);
    assert_int_equal(r.k, 2);
    NEAR(r.value, 0.5);
    NEAR(r.lo, 0.05784708300);
    NEAR(r.hi, 0.8448612812);
    r = fx_get(&f, "workforce.underserved_share", "img", "", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 1);
    r = fx_get(&f, "workforce.underserved_share", "all", "", "");
    assert_int_equal(r.n, 4);
    assert_int_equal(r.k, 2);

    r = fx_get(&f, "patient.mean_score", "img", "", "");
    assert_int_equal(r.n, 2);
    assert_int_equal(r.k, 45);
    NEAR(r.value, 3.875);
    assert_true(r.lo == 1.0); /* 3.875 - 7.94137796, clamped to the scale 1..5 */
    assert_true(r.hi == 5.0);
    r = fx_get(&f, "patient.mean_score", "all", "", "");
    assert_int_equal(r.n, 4);
    assert_int_equal(r.k, 85);
    NEAR(r.value, 3.8125);
    NEAR(r.lo, 2.930423035);
    NEAR(r.hi, 4.694576965);
    r = fx_get(&f, "patient.mean_score_diff", "img_vs_non_img", "", "");
    assert_int_equal(r.n, 4);
    assert_int_equal(r.k, 85);
    NEAR(r.value, 0.125);
    assert_true(r.p > 0 && r.p < 1);
    fx_close(&f);
}

/* A little of everything, all dated by day 20400. */
static void base_cohort(struct fx *f)
{
    fx_resident(f, 1, 19000, -1, NULL, "us_img", "h1b");
    fx_resident(f, 2, 19000, 19800, "withdrew", "non_us_img", "j1");
    fx_resident(f, 3, 19000, 19900, "completed", "usmd", NULL);
    fx_resident(f, 4, 19400, -1, NULL, "usdo", NULL);
    fx_sql(f, "INSERT INTO mentor_assignments VALUES (1, 'F1', 'faculty', 19000, NULL, 1, 1),"
              " (1, 'P1', 'peer', 19002, NULL, 1, 1), (1, 'S1', 'senior_resident', 19001, NULL, 1, 1),"
              " (4, 'F1', 'faculty', 19400, NULL, 1, 1), (4, 'S1', 'senior_resident', 19400, 19500, 1, 1);"
              "INSERT INTO mentorship_meetings VALUES (1, 'F1', 19003, NULL, 1, 1),"
              " (1, 'F1', 19040, NULL, 1, 1), (4, 'F1', 19410, NULL, 1, 1);"
              "INSERT INTO board_exams VALUES (1, 'ABIM-IM', 1, 20000, 'pass', NULL, 1, 1),"
              " (3, 'ABIM-IM', 1, 19850, 'fail', NULL, 1, 1), (1, 'USMLE-STEP3', 1, 19200, 'pass', NULL, 1, 1);"
              "INSERT INTO fellowship_applications VALUES (1, 2024, 'Cardiology', 'matched', 1, 1),"
              " (3, 2024, 'Cardiology', 'unmatched', 1, 1);"
              "INSERT INTO milestone_ratings VALUES (1, 19100, 'PC1', 1, 3.0, 1, 1), (1, 19100, 'ICS1', 1, 2.5, 1, 1),"
              " (2, 19100, 'PC1', 1, 2.0, 1, 1), (2, 19100, 'ICS1', 1, 3.5, 1, 1),"
              " (3, 19100, 'PC1', 1, 4.0, 1, 1), (3, 19100, 'ICS1', 1, 3.0, 1, 1),"
              " (4, 19500, 'PC1', 1, 3.5, 1, 1), (4, 19500, 'ICS1', 1, 4.0, 1, 1);"
              "INSERT INTO evaluations VALUES (1, 'E1', 19100, 'Wards', 1, 6, 1, 1),"
              " (3, 'E1', 19100, 'Wards', 1, 8, 1, 1), (2, 'E1', 19100, 'ICU', 1, 5, 1, 1);"
              "INSERT INTO feedback VALUES (1, 'E1', 19100, 'communication', 'negative', 1, 1),"
              " (3, 'E1', 19100, 'communication', 'positive', 1, 1);"
              "INSERT INTO ccc_actions VALUES (1, 19200, 'satisfactory', 1, 1), (3, 19200, 'remediation', 1, 1);"
              "INSERT INTO employment VALUES (3, 19950, NULL, 'same_region', 'yes', 1, 1);"
              "INSERT INTO patient_experience VALUES (1, '2024-Q1', 10, 4.5, 1, 1), (3, '2024-Q1', 4, 3.5, 1, 1);");
}

/* Everything here is dated after as-of 20400 (or a fellowship cycle after
 * its year): none of it may change a number. */
static void future_records(struct fx *f)
{
    fx_resident(f, 5, 20401, -1, NULL, "us_img", "h1b");
    fx_sql(f, "INSERT INTO mentor_assignments VALUES (1, 'P2', 'peer', 20401, NULL, 1, 1),"
              " (5, 'P1', 'peer', 20300, NULL, 1, 1);"
              "INSERT INTO mentorship_meetings VALUES (1, 'F1', 20401, NULL, 1, 1);"
              "INSERT INTO board_exams VALUES (4, 'ABIM-IM', 1, 20401, 'pass', NULL, 1, 1),"
              " (4, 'ABP', 1, 20500, 'pass', NULL, 1, 1);"
              "INSERT INTO fellowship_applications VALUES (4, 2026, 'Cardiology', 'matched', 1, 1);"
              "INSERT INTO milestone_ratings VALUES (1, 20401, 'PC1', 2, 1.0, 1, 1);"
              "INSERT INTO evaluations VALUES (1, 'E1', 20401, 'Wards', 1, 1, 1, 1);"
              "INSERT INTO feedback VALUES (3, 'E1', 20401, 'teamwork', 'negative', 1, 1);"
              "INSERT INTO ccc_actions VALUES (1, 20401, 'dismissal', 1, 1);"
              "INSERT INTO employment VALUES (3, 20401, NULL, 'elsewhere', 'no', 1, 1);"
              "INSERT INTO patient_experience VALUES (5, '2025-Q1', 10, 1.0, 1, 1);");
}

static char *read_out(struct fx *f, const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", f->out, name);
    char *s = fx_slurp(path);
    if (!s)
        fail_msg("cannot read %s", path);
    return s;
}

static void after_as_of_changes_nothing(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    base_cohort(&f);
    assert_int_equal(fx_compute(&f, 20400), IMGO_OK);
    char *first = read_out(&f, "metrics.csv");
    char *first_km = read_out(&f, "tables/retention_km.csv");
    assert_non_null(strstr(first, "metric,group,stratum,period,n,k,value,ci_low,ci_high,p_value,q_value,suppressed\n"));
    assert_true(first == strstr(first, "metric,"));
    /* the same data again: byte-identical */
    assert_int_equal(fx_compute(&f, 20400), IMGO_OK);
    char *again = read_out(&f, "metrics.csv");
    assert_string_equal(first, again);
    future_records(&f);
    assert_int_equal(fx_compute(&f, 20400), IMGO_OK);
    char *later = read_out(&f, "metrics.csv");
    char *later_km = read_out(&f, "tables/retention_km.csv");
    assert_string_equal(first, later);
    assert_string_equal(first_km, later_km);
    /* every chart file is there, with its header */
    static const char *const charts[] = { "board_pass", "step3_visa", "fellowship_match",
                                          "mentorship_cadence", "mentor_load", "milestone_forest",
                                          "evaluator_funnel", "feedback_forest", "workforce_km" };
    for (size_t i = 0; i < sizeof charts / sizeof charts[0]; i++) {
        char name[64];
        snprintf(name, sizeof name, "tables/%s.csv", charts[i]);
        char *t = read_out(&f, name);
        static const char header[] = "series,label,x,n,k,value,ci_low,ci_high,suppressed\n";
        assert_true(!strncmp(t, header, sizeof header - 1));
        free(t);
    }
    /* the metrics table holds as many rows as the file has lines - 1 */
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f.db, "SELECT count(*) FROM metrics", -1, &st, NULL);
    sqlite3_step(st);
    int rows = sqlite3_column_int(st, 0), lines = 0;
    sqlite3_finalize(st);
    for (const char *c = first; *c; c++)
        lines += *c == '\n';
    assert_int_equal(rows, lines - 1);
    assert_true(rows > 50);
    free(first);
    free(again);
    free(later);
    free(first_km);
    free(later_km);
    fx_close(&f);
}

/* An in-memory database has no second connection: everything runs on one
 * thread, with the same numbers as the two-connection run on a file. */
static void one_connection_same_numbers(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    base_cohort(&f);
    assert_int_equal(fx_compute(&f, 20400), IMGO_OK);
    char *threaded = read_out(&f, "metrics.csv");
    char *funnel = read_out(&f, "tables/milestone_forest.csv");

    struct fx mem;
    struct imgo_err err = IMGO_ERR_INIT;
    memcpy(&mem, &f, sizeof mem);
    snprintf(mem.out, sizeof mem.out, "/tmp/imgo-compute-test-%d.mem", (int)getpid());
    assert_int_equal(db_open(":memory:", 0, &mem.db, &err), IMGO_OK);
    base_cohort(&mem);
    assert_int_equal(compute_run(mem.db, &f.p, mem.out, &err), IMGO_OK);
    char *serial = read_out(&mem, "metrics.csv");
    char *funnel2 = read_out(&mem, "tables/milestone_forest.csv");
    assert_string_equal(threaded, serial);
    assert_string_equal(funnel, funnel2);
    db_close(mem.db);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", mem.out);
    assert_int_equal(system(cmd), 0);
    free(threaded);
    free(serial);
    free(funnel);
    free(funnel2);
    fx_close(&f);
}

static const char *info(struct fx *f, const char *key, char *out, size_t n)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f->db, "SELECT value FROM compute_info WHERE key = ?1", -1, &st, NULL);
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    out[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

/* The default as-of is the latest event date; ended_date of an assignment
 * and end_date of employment (planned) are not events. */
static void default_as_of(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    fx_resident(&f, 1, 20000, -1, NULL, "us_img", NULL);
    fx_resident(&f, 2, 19000, 19990, "completed", "usmd", NULL);
    fx_sql(&f, "INSERT INTO mentor_assignments VALUES (1, 'F1', 'faculty', 20001, 30000, 1, 1);"
               "INSERT INTO mentorship_meetings VALUES (1, 'F1', 20050, NULL, 1, 1);"
               "INSERT INTO evaluations VALUES (1, 'E1', 20060, 'Wards', 1, 6, 1, 1);"
               "INSERT INTO employment VALUES (2, 20010, 31000, 'elsewhere', NULL, 1, 1);");
    assert_int_equal(fx_compute(&f, -1), IMGO_OK);
    char got[64], want[11];
    date_format(20060, want);
    assert_string_equal(info(&f, "as_of", got, sizeof got), want);
    assert_string_equal(info(&f, "as_of_source", got, sizeof got), "latest event date");
    assert_string_equal(info(&f, "board_pass_threshold", got, sizeof got), "0.8");
    assert_string_equal(info(&f, "imgo_version", got, sizeof got), IMGO_VERSION);
    fx_close(&f);

    /* nothing dated and no --as-of: rejected, nothing written */
    fx_open(&f);
    assert_int_equal(fx_compute(&f, -1), IMGO_EDATA);
    assert_null(fx_slurp(f.out));
    fx_close(&f);
}

/* A database made by schema version 1 gains the compute tables and keeps
 * its rows. */
/* The cohort profile (docs/METRICS-EXTRA.md): n is the group, k the
 * residents in the stratum; a count from 1 to min_cell - 1 is flagged
 * whatever the group's size, a count of 0 is not; a resident who starts
 * after as-of is in no row; a missing visa is in no stratum. */
static void cohort_profile(void **state)
{
    (void)state;
    struct fx f;
    fx_open(&f);
    /* 6 IMGs (5 on j1, 1 on h1b), 6 non-IMGs without a visa value but one */
    for (int i = 1; i <= 5; i++)
        fx_resident(&f, i, 18000, -1, NULL, "non_us_img", "j1");
    fx_resident(&f, 6, 18000, -1, NULL, "us_img", "h1b");
    for (int i = 7; i <= 11; i++)
        fx_resident(&f, i, 18000, -1, NULL, "usmd", NULL);
    fx_resident(&f, 12, 18000, -1, NULL, "usdo", "none");
    fx_resident(&f, 13, 19000, -1, NULL, "usmd", "none"); /* starts after as-of */
    assert_int_equal(fx_compute(&f, 18500), 0);
    struct fx_row r = fx_get(&f, "cohort.residents", "all", "", "");
    assert_int_equal(r.n, 12);
    assert_int_equal(r.k, 12);
    assert_int_equal(r.suppressed, 0);
    r = fx_get(&f, "cohort.residents", "img", "visa=j1", "");
    assert_int_equal(r.n, 6);
    assert_int_equal(r.k, 5);
    assert_int_equal(r.suppressed, 0);
    assert_true(fabs(r.value - 5.0 / 6.0) < 1e-12);
    r = fx_get(&f, "cohort.residents", "img", "visa=h1b", "");
    assert_int_equal(r.n, 6);
    assert_int_equal(r.k, 1);
    assert_int_equal(r.suppressed, 1); /* one resident, in a group of 6 */
    r = fx_get(&f, "cohort.residents", "non_img", "visa=j1", "");
    assert_int_equal(r.k, 0);
    assert_int_equal(r.suppressed, 0); /* nobody: nothing to hide */
    r = fx_get(&f, "cohort.residents", "all", "visa=none", "");
    assert_int_equal(r.n, 12);
    assert_int_equal(r.k, 1);          /* resident 13 started after as-of */
    assert_int_equal(r.suppressed, 1);
    r = fx_get(&f, "cohort.residents", "all", "graduate_type=usmd", "");
    assert_int_equal(r.k, 5);
    assert_int_equal(r.suppressed, 0);
    fx_close(&f);
}

static void upgrade_from_schema_1(void **state)
{
    (void)state;
    char path[128];
    struct imgo_err err = IMGO_ERR_INIT;
    snprintf(path, sizeof path, "/tmp/imgo-compute-upgrade-%d.db", (int)getpid());
    remove(path);
    sqlite3 *db;
    assert_int_equal(db_open(path, DB_NO_MIGRATE, &db, &err), IMGO_OK);
    assert_int_equal(db_migrate(db, 1, &err), IMGO_OK);
    assert_int_equal(db_exec(db,
                             "INSERT INTO residents (rid, resident_id, program, specialty, start_date,"
                             " graduate_type, ingest_id, line) VALUES (7, 'R7', 'IM-001', 'IM', 20000,"
                             " 'usmd', 1, 2)",
                             &err),
                     IMGO_OK);
    assert_int_not_equal(db_exec(db, "SELECT * FROM metrics", &err), IMGO_OK);
    db_close(db);
    assert_int_equal(db_open(path, 0, &db, &err), IMGO_OK);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    sqlite3_step(st);
    assert_int_equal(sqlite3_column_int(st, 0), db_schema_version());
    assert_true(db_schema_version() >= 2);
    sqlite3_finalize(st);
    sqlite3_prepare_v2(db, "SELECT resident_id, start_date FROM residents WHERE rid = 7", -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "R7");
    assert_int_equal(sqlite3_column_int(st, 1), 20000);
    sqlite3_finalize(st);
    assert_int_equal(db_exec(db, "SELECT metric, \"group\", q_value FROM metrics;"
                                 "SELECT key, value FROM compute_info;"
                                 "SELECT chart, seq, series, label, x, n, k, value, ci_low, ci_high,"
                                 " suppressed FROM chart_points",
                             &err),
                     IMGO_OK);
    db_close(db);
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(workforce_and_patient),
        cmocka_unit_test(after_as_of_changes_nothing),
        cmocka_unit_test(one_connection_same_numbers),
        cmocka_unit_test(default_as_of),
        cmocka_unit_test(upgrade_from_schema_1),
        cmocka_unit_test(cohort_profile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
