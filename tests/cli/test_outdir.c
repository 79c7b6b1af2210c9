/*
 * test_outdir.c - the files of a run's output directory (outdir.h): which
 * names are imgo's, the removal of the ones a run did not write again,
 * and --fresh's removal of all of them and of the database, never of
 * anything else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "fsutil.h"
#include "outdir.h"

static char dir[128];

static void sh(const char *fmt)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, fmt, dir, dir, dir);
    if (system(cmd) != 0)
        fail_msg("%s failed", cmd);
}

static void put(const char *name)
{
    char p[256];
    struct imgo_err err = IMGO_ERR_INIT;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    if (fs_write_atomic(p, "x\n", 2, &err))
        fail_msg("%s", err.msg);
}

static int exists(const char *name)
{
    char p[256];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return lstat(p, &st) == 0;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/imgo-outdir-test-%d", (int)getpid());
    sh("rm -rf '%s' && mkdir -p '%s/tables' '%s/charts'");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sh("rm -rf '%s'");
    return 0;
}

static void names(void **state)
{
    (void)state;
    assert_true(outdir_is_table("retention_km.csv"));
    assert_true(outdir_is_table("board_pass.csv"));
    assert_true(outdir_is_table("board_pass_abim-im.csv"));
    assert_true(outdir_is_table("mentorship_cadence_week.csv"));
    assert_true(outdir_is_table("board_pass_x-2.csv"));
    assert_true(outdir_is_chart("board_pass_abim-im.svg"));
    assert_true(outdir_is_chart("retention_km.png"));
    /* not imgo's */
    assert_false(outdir_is_table("retention_km.svg"));
    assert_false(outdir_is_chart("retention_km.csv"));
    assert_false(outdir_is_table("retention_km_notes.csv")); /* not a chart drawn per label */
    assert_false(outdir_is_table("board_pass_ABIM.csv"));    /* labels are lower case */
    assert_false(outdir_is_table("board_pass_.csv"));
    assert_false(outdir_is_table("board_pass_a.b.csv"));
    assert_false(outdir_is_table("notes.csv"));
    assert_false(outdir_is_table("retention_km.csv.bak"));
    assert_false(outdir_is_table(".retention_km.csv.tmp"));
    assert_false(outdir_is_chart("board_pass_abim-im.svg~"));
    assert_false(outdir_is_chart("retention_km"));
}

/* An earlier run wrote two exams' charts and tables; this run rewrites one
 * exam's (through fs_write_atomic, as compute and the report do) and
 * touches nothing else: the other exam's files go, and so does nothing
 * that is not imgo's. */
static void stale(void **state)
{
    (void)state;
    put("tables/board_pass_abim-im.csv");
    put("tables/board_pass_abfm-fm.csv");
    put("charts/board_pass_abim-im.svg");
    put("charts/board_pass_abfm-fm.svg");
    put("charts/board_pass_abfm-fm.png");
    put("charts/notes.txt");
    put("tables/my_own.csv");
    struct outdir_snap s;
    outdir_snapshot(dir, &s);
    assert_int_equal(s.len, 5);
    put("tables/board_pass_abim-im.csv");
    put("charts/board_pass_abim-im.svg");
    put("tables/retention_km.csv"); /* new this run */
    size_t removed = 0;
    struct imgo_err err = IMGO_ERR_INIT;
    /* only the folders asked for */
    assert_int_equal(outdir_remove_stale(dir, &s, OUTDIR_TABLES, &removed, &err), IMGO_OK);
    assert_int_equal(removed, 1);
    assert_false(exists("tables/board_pass_abfm-fm.csv"));
    assert_true(exists("charts/board_pass_abfm-fm.svg"));
    assert_int_equal(outdir_remove_stale(dir, &s, OUTDIR_CHARTS, &removed, &err), IMGO_OK);
    assert_int_equal(removed, 2);
    assert_false(exists("charts/board_pass_abfm-fm.svg"));
    assert_false(exists("charts/board_pass_abfm-fm.png"));
    assert_true(exists("tables/board_pass_abim-im.csv"));
    assert_true(exists("charts/board_pass_abim-im.svg"));
    assert_true(exists("tables/retention_km.csv"));
    assert_true(exists("charts/notes.txt"));
    assert_true(exists("tables/my_own.csv"));
    outdir_snap_release(&s);
    /* a missing folder is no error */
    outdir_snapshot("/nonexistent-imgo-out", &s);
    assert_int_equal(s.len, 0);
    outdir_snap_release(&s);
}

static void fresh(void **state)
{
    (void)state;
    char db_path[256];
    struct imgo_err err = IMGO_ERR_INIT;
    snprintf(db_path, sizeof db_path, "%s/outcomes.db", dir);
    sqlite3 *db;
    assert_int_equal(db_open(db_path, 0, &db, &err), IMGO_OK);
    db_close(db);
    sh("mkdir -p '%s/rejects'");
    put("metrics.csv");
    put("report.html");
    put("run.json");
    put("public.csv");
    put("rejects/board_exams.csv");
    put("rejects/mine.csv");
    put("tables/step3_visa.csv");
    put("charts/step3_visa.svg");
    put("charts/step3_visa.png");
    put("notes.md");
    put("outcomes.db-journal");
    assert_int_equal(outdir_clear(dir, db_path, &err), IMGO_OK);
    static const char *const gone[] = { "outcomes.db", "outcomes.db-journal", "metrics.csv", "report.html",
                                        "run.json", "public.csv", "rejects/board_exams.csv",
                                        "tables/step3_visa.csv", "charts/step3_visa.svg", "charts/step3_visa.png" };
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
        if (exists(gone[i]))
            fail_msg("%s is still there", gone[i]);
    assert_true(exists("notes.md"));
    assert_true(exists("rejects/mine.csv"));
    assert_true(exists("tables/my_own.csv")); /* from the test before */
    assert_true(exists("charts/notes.txt"));
    /* nothing to remove is fine */
    assert_int_equal(outdir_clear(dir, db_path, &err), IMGO_OK);
    /* a --db that is not an imgo database is not removed */
    put("notes.db");
    snprintf(db_path, sizeof db_path, "%s/notes.db", dir);
    put("metrics.csv");
    assert_int_equal(outdir_clear(dir, db_path, &err), IMGO_EUSAGE);
    assert_non_null(strstr(err.msg, "notes.db: not an imgo database; not removed"));
    assert_true(exists("notes.db"));
    assert_true(exists("metrics.csv"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),
        cmocka_unit_test(stale),
        cmocka_unit_test(fresh),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
