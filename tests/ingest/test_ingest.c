/*
 * test_ingest.c - the ingest stage through its API (ingest.h): results and
 * messages given to the sink, the ledger, upsert and rollback.
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

#include "buf.h"
#include "db.h"
#include "ingest.h"

struct seen {
    struct buf msgs;
    int ndone;
    struct ingest_result last[4];
    char files[4][64];
};

static void on_message(void *ctx, int is_warning, const char *msg)
{
    struct seen *s = ctx;
    buf_addf(&s->msgs, "%s%s\n", is_warning ? "W " : "", msg);
}

static void on_done(void *ctx, const struct ingest_result *r)
{
    struct seen *s = ctx;
    if (s->ndone < 4) {
        s->last[s->ndone] = *r;
        snprintf(s->files[s->ndone], sizeof s->files[0], "%s", r->file);
        s->last[s->ndone].file = s->files[s->ndone];
        s->last[s->ndone].path = NULL;
    }
    s->ndone++;
}

static char dir[64];

static void write_file(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int run_dir(sqlite3 *db, unsigned flags, struct seen *s)
{
    struct ingest ig;
    struct ingest_opts o = { 0 };
    struct imgo_err err = IMGO_ERR_INIT;
    buf_reset(&s->msgs);
    s->ndone = 0;
    o.flags = flags;
    o.sink.message = on_message;
    o.sink.done = on_done;
    o.sink.ctx = s;
    assert_int_equal(ingest_init(&ig, db, &o, &err), 0);
    int st = ingest_dir(&ig, dir, 1, &err);
    assert_int_equal(err.status, 0);
    ingest_release(&ig);
    return st;
}

static long count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/imgo-ingest-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) != 0;
}

static const char residents[] =
    "resident_id,program,specialty,start_date,graduate_type\n"
    "A1,IM,IM,2021-07-01,usmd\n"
    "A2,IM,IM,2021-07-01,non_us_img\n";

static void ingest_then_noop_then_upsert(void **state)
{
    (void)state;
    sqlite3 *db;
    struct imgo_err err = IMGO_ERR_INIT;
    struct seen s = { BUF_INIT, 0, { { 0 } }, { "" } };
    assert_int_equal(db_open(":memory:", 0, &db, &err), 0);
    write_file("residents.csv", residents);
    write_file("ccc_actions.csv", "resident_id,review_date,action\nA2,2022-01-10,Remediation\n");

    assert_int_equal(run_dir(db, 0, &s), IMGO_OK);
    assert_int_equal(s.ndone, 2);
    assert_string_equal(s.last[0].file, "residents.csv");
    assert_int_equal(s.last[0].outcome, INGEST_WRITTEN);
    assert_int_equal(s.last[0].rows_read, 2);
    assert_int_equal(s.last[0].rows_written, 2);
    assert_int_equal(strlen(s.last[0].sha256), 64);
    assert_int_equal(s.last[1].outcome, INGEST_WRITTEN);
    assert_int_equal(count(db, "SELECT count(*) FROM ccc_actions WHERE action = 'remediation' AND "
                               "rid = (SELECT rid FROM residents WHERE resident_id = 'A2')"),
                     1);
    assert_int_equal(count(db, "PRAGMA foreign_keys"), 1); /* restored */

    assert_int_equal(run_dir(db, 0, &s), IMGO_OK);
    assert_int_equal(s.last[0].outcome, INGEST_UNCHANGED);
    assert_int_equal(s.last[1].outcome, INGEST_UNCHANGED);
    assert_int_equal(count(db, "SELECT count(*) FROM ingest_ledger"), 2);

    write_file("ccc_actions.csv", "resident_id,review_date,action\nA2,2022-01-10,probation\n");
    assert_int_equal(run_dir(db, 0, &s), IMGO_OK);
    assert_int_equal(s.last[1].outcome, INGEST_WRITTEN);
    assert_int_equal(count(db, "SELECT count(*) FROM ccc_actions"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM ccc_actions WHERE action = 'probation'"), 1);
    assert_int_equal(count(db, "SELECT ingest_id FROM ccc_actions"), 3);
    db_close(db);
    buf_release(&s.msgs);
}

static void bad_row_rolls_back_the_file(void **state)
{
    (void)state;
    sqlite3 *db;
    struct imgo_err err = IMGO_ERR_INIT;
    struct seen s = { BUF_INIT, 0, { { 0 } }, { "" } };
    assert_int_equal(db_open(":memory:", 0, &db, &err), 0);
    write_file("residents.csv", residents);
    write_file("ccc_actions.csv", "resident_id,review_date,action\nA1,2022-01-10,probation\nA2,2022-13-10,probation\n");
    assert_int_equal(run_dir(db, 0, &s), IMGO_EDATA);
    assert_int_equal(s.last[1].outcome, INGEST_REJECTED);
    assert_int_equal(s.last[1].whole_file, 0);
    assert_int_equal(s.last[1].rows_rejected, 1);
    assert_string_equal(buf_str(&s.msgs),
                        "ccc_actions.csv:3:review_date: \"2022-13-10\" is not a valid date (YYYY-MM-DD)\n");
    assert_int_equal(count(db, "SELECT count(*) FROM ccc_actions"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM ingest_ledger WHERE file = 'ccc_actions.csv'"), 0);
    db_close(db);
    buf_release(&s.msgs);
}

static void validate_only_needs_residents(void **state)
{
    (void)state;
    sqlite3 *db;
    struct imgo_err err = IMGO_ERR_INIT;
    struct seen s = { BUF_INIT, 0, { { 0 } }, { "" } };
    assert_int_equal(db_open(":memory:", 0, &db, &err), 0);
    write_file("ccc_actions.csv", "resident_id,review_date,action\nA1,2022-01-10,probation\n");
    assert_int_equal(run_dir(db, INGEST_VALIDATE_ONLY, &s), IMGO_EDATA);
    struct buf want = BUF_INIT;
    buf_addf(&want, "residents.csv: required file not found in %s\n"
                    "ccc_actions.csv:2:resident_id: \"A1\" is not a known resident\n",
             dir);
    assert_string_equal(buf_str(&s.msgs), buf_str(&want));
    assert_int_equal(s.last[0].sha256[0], '\0');
    buf_release(&want);
    buf_release(&s.msgs);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(ingest_then_noop_then_upsert, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_row_rolls_back_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(validate_only_needs_residents, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
