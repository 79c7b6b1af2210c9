/* Tests of the annual report on a small hand-made database: every section,
 * suppression exactly where flagged, hostile text from data, missing data
 * as "No data" lines, byte-identical re-runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "compute.h"
#include "date.h"
#include "db.h"
#include "params.h"
#include "report.h"

#define HOSTILE "P `touch PWNED` system(\"touch PWNED\") @macro\nEOD\n</svg><script>alert(1)</script> 'q' & \"dq\""
#define EXAM "EX`touch PWNED`@m</svg><script>"

static char dir[64];
static char cwd[4096];

static void exec_ok(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        print_message("sql: %s\n", msg ? msg : "");
    sqlite3_free(msg);
    assert_int_equal(rc, SQLITE_OK);
}

static void metric(sqlite3 *db, const char *m, const char *g, const char *s, const char *p, long n, long k,
                   double v, double lo, double hi, double pv, double q, int supp)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO metrics VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, g, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, s, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, p, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, n);
    if (k >= 0)
        sqlite3_bind_int64(st, 6, k);
    double d[5] = { v, lo, hi, pv, q };
    for (int i = 0; i < 5; i++)
        if (isfinite(d[i]))
            sqlite3_bind_double(st, 7 + i, d[i]);
    sqlite3_bind_int(st, 12, supp);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

/* A chart point of n residents (a KM step: n at risk, one event). */
static void point_nv(sqlite3 *db, const char *chart, int seq, const char *series, const char *label, double x,
                     long n, double v, double lo, double hi, int supp)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO chart_points (chart, seq, series, label, x, n, k, value, "
                                        "ci_low, ci_high, suppressed) VALUES (?,?,?,?,?,?,1,?,?,?,?)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, chart, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, seq);
    sqlite3_bind_text(st, 3, series, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, label, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 5, x);
    sqlite3_bind_int64(st, 6, n);
    sqlite3_bind_double(st, 7, v);
    if (isfinite(lo))
        sqlite3_bind_double(st, 8, lo);
    if (isfinite(hi))
        sqlite3_bind_double(st, 9, hi);
    sqlite3_bind_int(st, 10, supp);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

static void point(sqlite3 *db, const char *chart, int seq, const char *series, const char *label, double x,
                  double v, double lo, double hi, int supp)
{
    point_nv(db, chart, seq, series, label, x, 10, v, lo, hi, supp);
}

static void point_n(sqlite3 *db, const char *chart, int seq, const char *series, const char *label, double x,
                    long n, double v, int supp)
{
    point_nv(db, chart, seq, series, label, x, n, v, NAN, NAN, supp);
}

/* The tables compute writes (schema migration 2 once it is merged). */
static const char COMPUTE_TABLES[] =
    "CREATE TABLE IF NOT EXISTS metrics (metric TEXT NOT NULL, \"group\" TEXT NOT NULL, stratum TEXT NOT NULL,"
    " period TEXT NOT NULL, n INTEGER, k INTEGER, value REAL, ci_low REAL, ci_high REAL, p_value REAL,"
    " q_value REAL, suppressed INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS compute_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS chart_points (chart TEXT NOT NULL, seq INTEGER NOT NULL, series TEXT NOT NULL,"
    " label TEXT, x REAL, n INTEGER, k INTEGER, value REAL, ci_low REAL, ci_high REAL, suppressed INTEGER);";

static void build_db(const char *path, int with_metrics)
{
    sqlite3 *db;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(db_open(path, 0, &db, &err), 0);
    exec_ok(db, COMPUTE_TABLES);
    exec_ok(db, "INSERT INTO ingest_ledger VALUES (1, 'residents.csv', 'in/residents.csv', "
                "'ab12', 3, 2, 1, '2025-09-01T00:00:00Z')");
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO residents (rid, resident_id, program, specialty, start_date, "
                                        "graduate_type, ingest_id, line) VALUES (?, ?, ?, 'IM', 19000, ?, 1, ?)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    for (int i = 1; i <= 2; i++) {
        char id[16];
        snprintf(id, sizeof id, "R%d", i);
        sqlite3_bind_int(st, 1, i);
        sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, HOSTILE, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, i == 1 ? "us_img" : "usmd", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 5, i + 1);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    exec_ok(db, "INSERT INTO compute_info VALUES ('as_of', '2025-09-01'), ('min_cell', '5'), "
                "('confidence', '0.95'), ('version', '0.1.0'), ('fdr_q', '0.1'), "
                "('board_pass_threshold', '0.8')");
    if (with_metrics) {
        metric(db, "cohort.residents", "all", "", "", 40, 40, 40, NAN, NAN, NAN, NAN, 0);
        metric(db, "cohort.residents", "img", "", "", 22, 22, 22, NAN, NAN, NAN, NAN, 0);
        metric(db, "cohort.residents", "non_img", "", "", 18, 18, 18, NAN, NAN, NAN, NAN, 0);
        metric(db, "cohort.residents", "img", "visa=h1b", "", 22, 3, 3.0 / 22, NAN, NAN, NAN, NAN, 1);
        const char *g3[] = { "all", "img", "non_img" };
        const char *ts[] = { "t=365", "t=730", "t=1095" };
        for (int g = 0; g < 3; g++)
            for (int t = 0; t < 3; t++)
                metric(db, "retention.km", g3[g], ts[t], "", g ? 10 : 20, g ? 2 : 4, 0.9 - 0.05 * t, 0.7, 0.97,
                       NAN, NAN, 0);
        metric(db, "retention.logrank", "img_vs_non_img", "", "", 20, 4, 1.234, NAN, NAN, 0.2663, NAN, 0);
        char ex[64];
        snprintf(ex, sizeof ex, "exam=%s", EXAM);
        metric(db, "board.first_attempt_pass_rate", "all", ex, "2024", 12, 10, 10.0 / 12, 0.55, 0.95, NAN, NAN, 0);
        metric(db, "board.first_attempt_pass_rate", "img", ex, "2024", 3, 2, 2.0 / 3, 0.2, 0.94, NAN, NAN, 1);
        metric(db, "board.first_attempt_pass_rate", "non_img", ex, "2024", 9, 8, 8.0 / 9, 0.56, 0.98, NAN, NAN, 0);
        metric(db, "board.first_attempt_pass_rate", "all", ex, "2025", 10, 7, 0.7, 0.4, 0.89, NAN, NAN, 0);
        metric(db, "board.first_attempt_pass_rate", "img", ex, "2025", 5, 3, 0.6, 0.23, 0.88, NAN, NAN, 0);
        metric(db, "board.first_attempt_pass_rate", "non_img", ex, "2025", 5, 4, 0.8, 0.38, 0.96, NAN, NAN, 0);
        metric(db, "board.first_attempt_pass_rate", "all", ex, "2023-2025", 22, 17, 17.0 / 22, 0.57, 0.9, NAN, NAN, 0);
        metric(db, "board.first_attempt_pass_diff", "img_vs_non_img", ex, "2025", 10, 7, -0.2, -0.6, 0.3, 1.0, NAN, 0);
        metric(db, "board.accreditation_flag", "all", ex, "2023-2025", 22, 17, 1, NAN, NAN, NAN, NAN, 0);
        metric(db, "board.first_attempt_pass_change", "all", ex, "2025", 22, 17, 0.7 - 10.0 / 12, -0.45, 0.25, 0.5,
               NAN, 0);
        metric(db, "step3.pass_by_month12", "all", "", "", 30, 24, 0.8, 0.62, 0.9, NAN, NAN, 0);
        metric(db, "step3.pass_by_month12", "img", "visa=h1b", "", 2, 1, 0.5, 0.09, 0.91, NAN, NAN, 1);
        metric(db, "bias.milestone_gap", "img_vs_non_img", "", "", 400, 40, -0.21, -0.35, -0.07, 0.004, NAN, 0);
        metric(db, "bias.milestone_gap", "img_vs_non_img", "subcompetency=PC1", "", 100, 40, -0.3, -0.5, -0.1, 0.01, 0.02, 0);
        metric(db, "bias.milestone_gap", "img_vs_non_img", "subcompetency=MK`x`", "", 100, 40, -0.1, -0.3, 0.1, 0.3, 0.3, 0);
        metric(db, "bias.evaluator_gap", "img_vs_non_img", "", "", 300, 150, -0.2, -0.3, -0.1, 0.001, NAN, 0);
        metric(db, "bias.evaluator_gap", "img_vs_non_img", "evaluator=E<b>1</b>", "", 20, 10, -0.9, -1.2, -0.6, 0.0001, 0.0002, 0);
        metric(db, "bias.evaluator_gap", "img_vs_non_img", "evaluator=E2", "", 20, 10, 0.1, -0.2, 0.4, 0.5, 0.5, 0);
        metric(db, "bias.feedback_theme", "img_vs_non_img", "theme=communication", "", 40, 12, 2.5, 1.1, 5.6, 0.03, 0.06, 0);
        metric(db, "bias.feedback_theme", "img_vs_non_img", "theme=@macro", "", 4, 1, 1.5, 0.2, 9.0, 0.6, 0.6, 1);
        point(db, "retention_km", 0, "img", "", 0, 1, NAN, NAN, 0);
        point(db, "retention_km", 1, "img", "", 200, 0.9, 0.8, 0.96, 0);
        point(db, "retention_km", 2, "img", "", 500, 0.8, 0.65, 0.9, 0);
        point(db, "retention_km", 3, "non_img", "", 0, 1, NAN, NAN, 0);
        point(db, "retention_km", 4, "non_img", "", 300, 0.95, 0.85, 0.99, 0);
        point(db, "evaluator_funnel", 1, "evaluator", "E<b>1</b>", 20, -0.9, -1.2, -0.6, 0);
        point(db, "evaluator_funnel", 2, "evaluator", "E2", 20, 0.1, -0.2, 0.4, 0);
        point(db, "evaluator_funnel", 3, "evaluator", "E3", 3, 0.1, -0.2, 0.4, 1);
        point(db, "evaluator_funnel", 4, "flagged", "E<b>1</b>", 20, -0.9, -1.2, -0.6, 0);
        point(db, "evaluator_funnel", 5, "limit95", "", 10, -0.2, -0.5, 0.1, 0);
        point(db, "evaluator_funnel", 6, "limit95", "", 30, -0.2, -0.4, 0.0, 0);
        point(db, "evaluator_funnel", 7, "pooled", "", 10, -0.2, NAN, NAN, 0);
        point(db, "evaluator_funnel", 8, "pooled", "", 30, -0.2, NAN, NAN, 0);
        point(db, "board_pass", 1, "all", EXAM, 2024, 10.0 / 12, 0.55, 0.95, 0);
        point(db, "board_pass", 2, "all", EXAM, 2025, 0.7, 0.4, 0.89, 0);
        point(db, "board_pass", 3, "img", EXAM, 2024, 2.0 / 3, 0.2, 0.94, 1);
        point(db, "board_pass", 4, "img", EXAM, 2025, 0.6, 0.23, 0.88, 0);
        point(db, "board_pass", 5, "non_img", EXAM, 2024, 8.0 / 9, 0.56, 0.98, 0);
        point(db, "board_pass", 6, "non_img", EXAM, 2025, 0.8, 0.38, 0.96, 0);
        point(db, "step3_visa", 1, "visa", "none", 1, 0.7, 0.5, 0.8, 0);
        point(db, "step3_visa", 2, "visa", "h1b", 3, 0.5, 0.1, 0.9, 1);
    }
    db_close(db);
}

static int read_file(const char *path, struct buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char tmp[4096];
    size_t n;
    buf_reset(out);
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_add(out, tmp, n);
    fclose(f);
    return 0;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/imgo-test-report-XXXXXX");
    if (!mkdtemp(dir) || !getcwd(cwd, sizeof cwd) || chdir(dir))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (chdir(cwd))
        return -1;
    if (getenv("IMGO_TEST_KEEP")) /* for looking at the output by hand */
        return 0;
    struct buf cmd = BUF_INIT;
    buf_addf(&cmd, "rm -rf '%s'", dir);
    int rc = system(buf_str(&cmd));
    buf_release(&cmd);
    return rc;
}

static void render(const char *dbname, const char *out, struct buf *html)
{
    sqlite3 *db;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(db_open(dbname, DB_READONLY, &db, &err), 0);
    int rc = report_write(db, REPORT_ANNUAL, out, NULL, &err);
    if (rc)
        print_message("report: %s\n", err.msg);
    assert_int_equal(rc, 0);
    db_close(db);
    struct buf path = BUF_INIT;
    buf_addf(&path, "%s/report.html", out);
    assert_int_equal(read_file(buf_str(&path), html), 0);
    buf_release(&path);
}

static void test_annual(void **state)
{
    (void)state;
    build_db("t.db", 1);
    struct buf h = BUF_INIT, h2 = BUF_INIT;
    render("t.db", "out", &h);
    const char *s = buf_str(&h);
    const char *sections[] = { "id=\"cover\"", "id=\"summary\"", "id=\"cohort\"", "id=\"retention\"",
                               "id=\"board\"", "id=\"fellowship\"", "id=\"mentorship\"", "id=\"bias\"",
                               "id=\"workforce\"", "id=\"methods\"" };
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        assert_non_null(strstr(s, sections[i]));
    /* nothing ran, nothing active reached the page */
    assert_int_equal(access("PWNED", F_OK), -1);
    assert_null(strstr(s, "<script"));
    assert_null(strstr(s, "<b>1"));
    assert_non_null(strstr(s, "P `touch PWNED` system(&quot;touch PWNED&quot;) @macro\nEOD\n"
                              "&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt; &#39;q&#39; &amp; &quot;dq&quot;"));
    assert_non_null(strstr(s, "EX`touch PWNED`@m&lt;/svg&gt;&lt;script&gt;"));
    /* the flagged evaluator is named, the other is not flagged */
    assert_non_null(strstr(s, "<tr><th scope=\"row\">E&lt;b&gt;1&lt;/b&gt;</th>"));
    assert_null(strstr(s, "<tr><th scope=\"row\">E2</th>"));
    /* suppression where flagged, and only there */
    assert_non_null(strstr(s, "fewer than 5"));
    assert_null(strstr(s, "66.7%")); /* img 2024 board rate, suppressed */
    assert_null(strstr(s, "50.0%")); /* h1b step 3, suppressed */
    assert_non_null(strstr(s, "83.3%"));  /* all 2024 board rate */
    /* non-IMG 2024 board rate (n = 9): hidden with the img one, else the
     * img count is all minus non-IMG (complementary suppression) */
    assert_null(strstr(s, "88.9%"));
    assert_non_null(strstr(s, "Non-IMG (hidden to protect small groups: 2024)"));
    assert_non_null(strstr(s, "60.0%"));  /* img 2025, n = 5 = min_cell: shown */
    /* the board flag and the change from the year before */
    assert_non_null(strstr(s, "accreditation flag raised"));
    /* the latest year's change, with its interval and the year before's
     * own figure beside it */
    assert_non_null(strstr(s, "-13.3 pp <span class=\"ci\">(-45.0 to 25.0 pp)</span><br><span class=\"nk\">2024: "
                              "10 of 12 (83.3%)</span>"));
    /* p-values: "p = x", or "p < 0.001" */
    assert_non_null(strstr(s, ", p = 0.004 (t test, cluster-robust by resident; 400 ratings of 40 residents"));
    assert_non_null(strstr(s, "p &lt; 0.001<br>q &lt; 0.001"));
    /* sections without data say so */
    assert_non_null(strstr(s, "No data: no fellowship application in a cycle up to the as-of year."));
    assert_non_null(strstr(s, "No data: no employment record of a graduate."));
    /* charts inline and on disk */
    assert_non_null(strstr(s, "<svg"));
    assert_int_equal(access("out/charts/retention_km.svg", F_OK), 0);
    assert_int_equal(access("out/charts/retention_km.png", F_OK), 0);
    assert_int_equal(access("out/charts/milestone_forest.svg", F_OK), 0);
    assert_int_equal(access("out/charts/feedback_forest.png", F_OK), 0);
    assert_int_equal(access("out/charts/evaluator_funnel.svg", F_OK), 0);
    assert_int_equal(access("out/charts/step3_visa.svg", F_OK), 0);
    assert_int_equal(access("out/charts/board_pass_ex-touch-pwned-m-svg-script.svg", F_OK), 0);
    /* suppressed points are named in the key, not drawn */
    assert_non_null(strstr(s, "IMG (hidden to protect small groups: 2024)"));
    assert_non_null(strstr(s, "not drawn, to protect small groups: 1 evaluator(s)"));
    /* a second render is byte-identical */
    render("t.db", "out2", &h2);
    assert_int_equal(h.len, h2.len);
    assert_memory_equal(h.data, h2.data, h.len);
    struct buf a = BUF_INIT, b = BUF_INIT;
    assert_int_equal(read_file("out/charts/retention_km.png", &a), 0);
    assert_int_equal(read_file("out2/charts/retention_km.png", &b), 0);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    buf_release(&a), buf_release(&b);
    buf_release(&h), buf_release(&h2);
}

static void test_no_metrics(void **state)
{
    (void)state;
    build_db("e.db", 0);
    sqlite3 *db;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(db_open("e.db", DB_READONLY, &db, &err), 0);
    assert_int_equal(report_write(db, REPORT_ANNUAL, "eout", NULL, &err), IMGO_EUSAGE);
    assert_string_equal(err.msg, "the database holds no computed metrics; run 'imgo compute' first");
    db_close(db);
    assert_int_equal(access("eout/report.html", F_OK), -1);
}


/* The quarterly bias screen: IMGs scored well below non-IMGs in 2025 Q2 and
 * Q3 (as-of 2025-09-01), not before: Q2 is a signal, Q3 a recurring one.
 * The screens are compute's quarterly.* rows, so compute runs first. */
static void test_quarterly_signals(void **state)
{
    (void)state;
    build_db("q.db", 0);
    sqlite3 *db;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(db_open("q.db", 0, &db, &err), 0);
    exec_ok(db, "DELETE FROM residents");
    sqlite3_stmt *st, *ev;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO residents (rid, resident_id, program, specialty, start_date, "
                                        "graduate_type, ingest_id, line) VALUES (?, ?, 'P', 'IM', ?, ?, 1, ?)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO evaluations VALUES (?, 'E1', ?, 'ward', 1, ?, 1, ?)", -1, &ev,
                                        NULL),
                     SQLITE_OK);
    int start = date_from_ymd(2024, 7, 1);
    for (int i = 1; i <= 12; i++) {
        char id[16];
        snprintf(id, sizeof id, "Q%02d", i);
        int img = i <= 6;
        sqlite3_bind_int(st, 1, i);
        sqlite3_bind_text(st, 2, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 3, start);
        sqlite3_bind_text(st, 4, img ? "non_us_img" : "usmd", -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 5, i + 1);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
        /* one evaluation a month from 2024-10 to 2025-08 */
        for (int m = 0; m < 11; m++) {
            int y = 2024 + (9 + m) / 12, mo = (9 + m) % 12 + 1;
            int late = y == 2025 && mo >= 4;
            double score = (img && late ? 2.0 : 4.0) + 0.1 * (i % 3);
            sqlite3_bind_int(ev, 1, i);
            sqlite3_bind_int(ev, 2, date_from_ymd(y, mo, 10));
            sqlite3_bind_double(ev, 3, score);
            sqlite3_bind_int(ev, 4, 100 * i + m);
            assert_int_equal(sqlite3_step(ev), SQLITE_DONE);
            sqlite3_reset(ev);
        }
    }
    sqlite3_finalize(st);
    sqlite3_finalize(ev);
    struct imgo_params p;
    params_init(&p);
    assert_int_equal(params_set(&p, "as_of", "2025-09-01", &err), 0);
    int rc = compute_run(db, &p, "qcompute", &err);
    if (rc)
        print_message("compute: %s\n", err.msg);
    assert_int_equal(rc, 0);
    params_release(&p);
    db_close(db);
    assert_int_equal(db_open("q.db", DB_READONLY, &db, &err), 0);
    rc = report_write(db, REPORT_QUARTERLY, "qout", NULL, &err);
    if (rc)
        print_message("report: %s\n", err.msg);
    assert_int_equal(rc, 0);
    db_close(db);
    struct buf h = BUF_INIT;
    assert_int_equal(read_file("qout/report.html", &h), 0);
    const char *s = buf_str(&h);
    const char *q1 = strstr(s, "<th scope=\"row\">2025 Q1</th>");
    const char *q2 = strstr(s, "<th scope=\"row\">2025 Q2</th>");
    const char *q3 = strstr(s, "<th scope=\"row\">2025 Q3</th>");
    assert_non_null(q1);
    assert_non_null(q2);
    assert_non_null(q3);
    assert_true(strstr(s, "<th scope=\"row\">2024 Q4</th>") != NULL);
    /* Q1: no gap; Q2: a signal; Q3: the same signal again, recurring */
    const char *flag = "<span class=\"flag\">signal";
    const char *rec = "signal, recurring (2 quarters running)";
    const char *f1 = strstr(q1, flag), *f2 = strstr(q2, flag), *f3 = strstr(q3, rec);
    assert_true(f1 && f1 > q2);
    assert_true(f2 && f2 < q3 && strncmp(f2 + strlen(flag), ", recurring", 11));
    assert_non_null(f3);
    assert_non_null(strstr(q2, "-2.000 <span class=\"ci\">"));
    assert_non_null(strstr(s, "CONFIDENTIAL"));
    buf_release(&h);
}

/* Complementary suppression (docs/SECURITY.md): no number in the annual
 * report rests on fewer than min_cell residents. Each row below has a value
 * whose displayed text occurs nowhere else; a hidden row's text must not
 * appear (it is primary-suppressed, n < 5, or its complementary group is,
 * so all minus it would give the small count, or it is a comparison built
 * from a hidden group), a shown row's text must. */
struct crow {
    const char *metric, *group, *stratum, *period;
    long n, k;
    double v;
    const char *text; /* how the report writes v */
    int hidden;
};

static const struct crow CROWS[] = {
    /* 2024: img n = 3 is suppressed, so non-IMG (n = 10) and the difference go too */
    { "board.first_attempt_pass_rate", "all", "exam=ABC", "2024", 13, 11, 0.8462, "84.6%", 0 },
    { "board.first_attempt_pass_rate", "img", "exam=ABC", "2024", 3, 2, 0.6667, "66.7%", 1 },
    { "board.first_attempt_pass_rate", "non_img", "exam=ABC", "2024", 10, 9, 0.9, "90.0%", 1 },
    { "board.first_attempt_pass_diff", "img_vs_non_img", "exam=ABC", "2024", 13, 11, -0.2333, "-23.3 pp", 1 },
    /* 2025: both groups >= 5: everything shown */
    { "board.first_attempt_pass_rate", "all", "exam=ABC", "2025", 12, 7, 0.5833, "58.3%", 0 },
    { "board.first_attempt_pass_rate", "img", "exam=ABC", "2025", 6, 5, 0.8333, "83.3%", 0 },
    { "board.first_attempt_pass_rate", "non_img", "exam=ABC", "2025", 6, 2, 0.3333, "33.3%", 0 },
    { "board.first_attempt_pass_diff", "img_vs_non_img", "exam=ABC", "2025", 12, 7, 0.5, "+50.0 pp", 0 },
    /* fellowship: one IMG applicant. The total goes with it (8 in all less
     * the 7 non-IMGs, or less any non-IMG count of 5 or more, would leave
     * at most 3), and then the non-IMGs can stay */
    { "fellowship.match_rate", "all", "", "", 8, 5, 0.625, "62.5%", 1 },
    { "fellowship.match_rate", "img", "", "", 1, 1, 1.0, "100.0%", 1 },
    { "fellowship.match_rate", "non_img", "", "", 7, 4, 0.5714, "57.1%", 0 },
    { "fellowship.match_diff", "img_vs_non_img", "", "", 8, 5, 0.4286, "+42.9 pp", 1 },
    /* retention: four IMGs; the non-IMG curve goes too (all residents' 34
     * less it would give them), and the log-rank test */
    { "retention.km", "all", "t=365", "", 34, 3, 0.8771, "87.7%", 0 },
    { "retention.km", "img", "t=365", "", 4, 1, 0.75, "75.0%", 1 },
    { "retention.km", "non_img", "t=365", "", 30, 2, 0.9123, "91.2%", 1 },
    { "retention.logrank", "img_vs_non_img", "", "", 34, 3, 3.21, "chi-square 3.21", 1 },
    /* adverse actions: two non-IMGs reviewed */
    { "bias.adverse_action_rate", "all", "", "", 22, 4, 0.1818, "18.2%", 0 },
    { "bias.adverse_action_rate", "img", "", "", 20, 3, 0.15, "15.0%", 1 },
    { "bias.adverse_action_rate", "non_img", "", "", 2, 1, 0.5, "50.0%", 1 },
    { "bias.adverse_action_rr", "img_vs_non_img", "", "", 22, 4, 0.37, "0.37", 1 },
    /* an evaluator with 3 evaluations of IMGs is hidden, one with 10 shown */
    { "bias.evaluator_gap", "img_vs_non_img", "", "", 300, 150, -0.111, "-0.111", 0 },
    { "bias.evaluator_gap", "img_vs_non_img", "evaluator=E8", "", 20, 10, -0.654, "-0.654", 0 },
    { "bias.evaluator_gap", "img_vs_non_img", "evaluator=E9", "", 20, 3, -0.777, "-0.777", 1 },
};

static void test_complementary_suppression(void **state)
{
    (void)state;
    build_db("c.db", 0);
    sqlite3 *db;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(db_open("c.db", 0, &db, &err), 0);
    for (size_t i = 0; i < sizeof CROWS / sizeof CROWS[0]; i++) {
        const struct crow *c = &CROWS[i];
        /* compute's flag: primary suppression only */
        int primary = c->n < 5 && strcmp(c->group, "img_vs_non_img");
        assert_true(!primary || c->hidden);
        metric(db, c->metric, c->group, c->stratum, c->period, c->n, c->k, c->v, NAN, NAN,
               strcmp(c->group, "img_vs_non_img") ? NAN : 0.5,
               strncmp(c->stratum, "evaluator=", 10) ? NAN : 0.01 /* flagged, so listed */, primary);
    }
    /* a partition: residents by visa, as compute writes it (n = the group,
     * k = the residents with that visa; compute flags h1b, k = 2 <
     * min_cell). The report hides the smallest other visa of the same
     * column, j1, else it is the total minus the rest, and non-IMG h1b with
     * IMG h1b (all = img + non_img). */
    static const struct { const char *g, *st; long k; } V[] = {
        { "all", "", 72 },          { "img", "", 30 },           { "non_img", "", 42 },
        { "all", "visa=none", 59 }, { "img", "visa=none", 17 }, { "non_img", "visa=none", 42 },
        { "all", "visa=j1", 11 },   { "img", "visa=j1", 11 },   { "non_img", "visa=j1", 0 },
        { "all", "visa=h1b", 2 },   { "img", "visa=h1b", 2 },   { "non_img", "visa=h1b", 0 },
    };
    for (size_t i = 0; i < sizeof V / sizeof V[0]; i++) {
        long n = !strcmp(V[i].g, "all") ? 72 : !strcmp(V[i].g, "img") ? 30 : 42;
        metric(db, "cohort.residents", V[i].g, V[i].st, "", n, V[i].k, (double)V[i].k / (double)n, NAN, NAN,
               NAN, NAN, V[i].k > 0 && V[i].k < 5);
    }
    /* Step 3 by visa, a partition of the IMGs: h1b (n = 2) hides j1 in the
     * table and in the chart */
    metric(db, "step3.pass_by_month12", "img", "", "", 20, 12, 0.6, NAN, NAN, NAN, NAN, 0);
    metric(db, "step3.pass_by_month12", "img", "visa=none", "", 12, 7, 0.5833, NAN, NAN, NAN, NAN, 0);
    metric(db, "step3.pass_by_month12", "img", "visa=j1", "", 6, 5, 0.8333, NAN, NAN, NAN, NAN, 0);
    metric(db, "step3.pass_by_month12", "img", "visa=h1b", "", 2, 1, 0.5, NAN, NAN, NAN, NAN, 1);
    point(db, "step3_visa", 1, "visa", "none", 1, 0.5833, NAN, NAN, 0);
    point(db, "step3_visa", 2, "visa", "j1", 2, 0.8333, NAN, NAN, 0);
    point(db, "step3_visa", 3, "visa", "h1b", 3, 0.5, NAN, NAN, 1);
    /* chart points: board rates per year, a KM curve per group, the funnel */
    point(db, "board_pass", 1, "all", "ABC", 2024, 0.8462, NAN, NAN, 0);
    point(db, "board_pass", 2, "all", "ABC", 2025, 0.5833, NAN, NAN, 0);
    point(db, "board_pass", 3, "img", "ABC", 2024, 0.6667, NAN, NAN, 1);
    point(db, "board_pass", 4, "img", "ABC", 2025, 0.8333, NAN, NAN, 0);
    point(db, "board_pass", 5, "non_img", "ABC", 2024, 0.9, NAN, NAN, 0);
    point(db, "board_pass", 6, "non_img", "ABC", 2025, 0.3333, NAN, NAN, 0);
    point_n(db, "retention_km", 1, "img", "", 0, 4, 1, 1);
    point_n(db, "retention_km", 2, "img", "", 100, 3, 0.75, 1);
    point_n(db, "retention_km", 3, "non_img", "", 0, 30, 1, 0);
    point_n(db, "retention_km", 4, "non_img", "", 200, 28, 0.9123, 0);
    point(db, "evaluator_funnel", 1, "evaluator", "E8", 20, -0.654, NAN, NAN, 0);
    point(db, "evaluator_funnel", 2, "evaluator", "E9", 20, -0.777, NAN, NAN, 0);
    point(db, "evaluator_funnel", 3, "pooled", "", 20, -0.111, NAN, NAN, 0);
    db_close(db);
    struct buf h = BUF_INIT;
    render("c.db", "cout", &h);
    const char *s = buf_str(&h);
    for (size_t i = 0; i < sizeof CROWS / sizeof CROWS[0]; i++) {
        const struct crow *c = &CROWS[i];
        int found = strstr(s, c->text) != NULL;
        if (found == c->hidden)
            print_message("%s %s %s %s: '%s' %s\n", c->metric, c->group, c->stratum, c->period, c->text,
                          found ? "shown, must be hidden" : "hidden, must be shown");
        assert_int_equal(found, !c->hidden);
    }
    /* each hidden cell says why: a small group "fewer than 5", a row hidden
     * to protect it "hidden: protects a small group" */
    const char *hid = "<td><span class=\"supp\" title=\"Hidden so that a small group elsewhere cannot be worked out (see Methods)\">hidden: protects a small group</span></td>";
    struct buf want = BUF_INIT;
    buf_addf(&want, "<tr><th scope=\"row\">2024</th><td>84.6%%<br><span class=\"nk\">11 of 13</span></td>"
                    "<td><span class=\"supp\">fewer than 5</span></td>%s%s%s</tr>", hid, hid, hid);
    assert_non_null(strstr(s, buf_str(&want)));
    /* residents by visa: H-1B (2) is small; all residents (72) and the IMGs
     * (30) are printed, and the visa groups need not cover everyone, so the
     * largest other group, no visa, goes with it (J-1 and no visa less than
     * 30 would leave H-1B at most 2) */
    assert_non_null(strstr(s, "<tr><th scope=\"row\">H-1B <span class=\"code\">h1b</span></th><td><span "
                              "class=\"supp\">fewer than 5</span></td><td><span class=\"supp\">fewer than 5"
                              "</span></td><td>0</td></tr>"));
    buf_reset(&want);
    buf_addf(&want, "<tr><th scope=\"row\">No visa <span class=\"code\">none</span></th>%s%s<td>42</td></tr>",
             hid, hid);
    assert_non_null(strstr(s, buf_str(&want)));
    assert_non_null(strstr(s, "<tr><th scope=\"row\">J-1 <span class=\"code\">j1</span></th><td>11</td>"
                              "<td>11</td><td>0</td></tr>"));
    /* Step 3 of the IMGs by visa: H-1B (2 of 20) hides no visa (12), else
     * 20 less 12 less J-1 (5 or more) would leave H-1B at most 3; J-1 (6)
     * stays, since 20 less 6 less 5 or more leaves up to 9 */
    assert_null(strstr(s, "58.3% (7 of 12)"));
    assert_non_null(strstr(s, "<tr><th scope=\"row\">J-1 <span class=\"code\">j1</span></th><td>83.3%<br><span "
                              "class=\"nk\">5 of 6</span>"));
    assert_non_null(strstr(s, "<tr><th scope=\"row\">H-1B <span class=\"code\">h1b</span></th><td><span "
                              "class=\"supp\">fewer than 5</span>"));
    assert_non_null(strstr(s, "Log-rank test of the two curves, IMG vs non-IMG: <span class=\"supp\" title="));
    assert_non_null(strstr(s, "Risk ratio, IMG vs non-IMG: <span class=\"supp\" title="));
    buf_release(&want);
    /* and in the charts: neither KM curve is drawn, the 2024 points of both
     * groups are named in the key, the evaluator E9 is not drawn */
    assert_non_null(strstr(s, "Retention in training, IMG vs non-IMG: nothing to draw"));
    assert_null(strstr(s, "9 of 10"));
    assert_non_null(strstr(s, "Non-IMG (hidden to protect small groups: 2024)"));
    assert_non_null(strstr(s, "not drawn, to protect small groups: 1 evaluator(s)"));
    assert_non_null(strstr(s, "<tr><th scope=\"row\">E8</th>"));
    assert_null(strstr(s, "<tr><th scope=\"row\">E9</th>"));
    struct buf svg = BUF_INIT;
    assert_int_equal(read_file("cout/charts/board_pass_abc.svg", &svg), 0);
    assert_non_null(strstr(buf_str(&svg), "Non-IMG (hidden to protect small groups: 2024)"));
    assert_int_equal(access("cout/charts/retention_km.svg", F_OK), -1);
    buf_release(&svg);
    buf_release(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_annual, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_metrics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quarterly_signals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_complementary_suppression, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
