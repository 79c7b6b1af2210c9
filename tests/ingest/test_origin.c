/*
 * test_origin.c - the inputs a database was ingested from (origin.h): the
 * identity by canonical path (a symbolic link or another relative path is
 * the same input, a copy is not, a map makes another), ingest recording
 * the directory only with a file it writes, and a database from before
 * the records, whose inputs come from its ledger.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "db.h"
#include "ingest.h"
#include "origin.h"

static char root[128];

static void sh(const char *fmt, const char *arg)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, fmt, arg, arg, arg);
    if (system(cmd) != 0)
        fail_msg("%s failed", cmd);
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/imgo-origin-test-%d", (int)getpid());
    sh("rm -rf '%s' && mkdir -p '%s/a' '%s/b'", root);
    char p[256];
    snprintf(p, sizeof p, "%s/a/residents.csv", root);
    put(p, "resident_id,program,specialty,start_date,graduate_type\nR1,IM,Internal Medicine,2024-07-01,usmd\n");
    snprintf(p, sizeof p, "%s/b/residents.csv", root);
    put(p, "resident_id,program,specialty,start_date,graduate_type\nR2,IM,Internal Medicine,2024-07-01,usmd\n");
    snprintf(p, sizeof p, "%s/bad", root);
    mkdir(p, 0777);
    snprintf(p, sizeof p, "%s/bad/residents.csv", root);
    put(p, "resident_id,program,specialty,start_date,graduate_type\nR3,IM,Internal Medicine,2024-13-01,usmd\n");
    snprintf(p, sizeof p, "%s/link", root);
    assert_int_equal(symlink("a", p), 0);
    snprintf(p, sizeof p, "%s/m.map", root);
    put(p, "# not read here: only its path counts\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    sh("rm -rf '%s'", root);
    return 0;
}

static void quiet(void *ctx, int is_warning, const char *msg)
{
    (void)ctx;
    (void)is_warning;
    (void)msg;
}

static void quiet_done(void *ctx, const struct ingest_result *r)
{
    (void)ctx;
    (void)r;
}

/* Ingests root/NAME into db; returns ingest_dir's status. */
static int ingest(sqlite3 *db, const char *name)
{
    struct ingest ig;
    struct ingest_opts o = { 0 };
    struct imgo_err err = IMGO_ERR_INIT;
    char dir[256];
    o.sink.message = quiet;
    o.sink.done = quiet_done;
    snprintf(dir, sizeof dir, "%s/%s", root, name);
    assert_int_equal(ingest_init(&ig, db, &o, &err), IMGO_OK);
    int rc = ingest_dir(&ig, dir, 1, &err);
    ingest_release(&ig);
    return rc;
}

static void of(const char *name, const char *map, struct origin *o)
{
    char dir[256], m[256];
    struct imgo_err err = IMGO_ERR_INIT;
    snprintf(dir, sizeof dir, "%s/%s", root, name);
    snprintf(m, sizeof m, "%s/%s", root, map ? map : "");
    if (origin_of(dir, map ? m : NULL, o, &err))
        fail_msg("origin_of %s: %s", dir, err.msg);
}

static void identity(void **state)
{
    (void)state;
    struct origin a, link, dotted, b, mapped;
    of("a", NULL, &a);
    of("link", NULL, &link);
    of("b/../a/", NULL, &dotted);
    of("b", NULL, &b);
    of("a", "m.map", &mapped);
    char want[256];
    snprintf(want, sizeof want, "%s/a", root);
    char *canon = realpath(want, NULL);
    assert_string_equal(a.realpath, canon);
    free(canon);
    assert_string_equal(a.map_realpath, "");
    assert_null(a.map_path);
    assert_true(origin_same(&a, &link));
    assert_true(origin_same(&a, &dotted));
    assert_false(origin_same(&a, &b));
    assert_false(origin_same(&a, &mapped));
    struct buf d = BUF_INIT;
    origin_describe(&d, &mapped);
    assert_non_null(strstr(buf_str(&d), "/a through the map "));
    assert_non_null(strstr(buf_str(&d), "/m.map"));
    buf_release(&d);
    /* a path that does not exist has no identity */
    struct origin none;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(origin_of("/nonexistent-imgo-dir", NULL, &none, &err), IMGO_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent-imgo-dir: "));
    origin_release(&a);
    origin_release(&link);
    origin_release(&dotted);
    origin_release(&b);
    origin_release(&mapped);
}

static long long count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void recorded_with_files(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/r.db", root);
    remove(path);
    sqlite3 *db;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(db_open(path, 0, &db, &err), IMGO_OK);
    struct origin a, b, link;
    struct origin_list l;
    of("a", NULL, &a);
    of("b", NULL, &b);
    of("link", NULL, &link);

    /* a rejected file records nothing: the database holds no input */
    assert_int_equal(ingest(db, "bad"), IMGO_EDATA);
    assert_int_equal(count(db, "SELECT count(*) FROM ingest_source"), 0);
    assert_int_equal(origin_others(db, &a, &l, &err), IMGO_OK);
    assert_int_equal(l.len, 0);

    assert_int_equal(ingest(db, "link"), IMGO_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM ingest_source"), 1);
    assert_int_equal(origin_recorded(db, &l, &err), IMGO_OK);
    assert_int_equal(l.len, 1);
    snprintf(path, sizeof path, "%s/link", root);
    assert_string_equal(l.v[0].path, path); /* as given */
    assert_string_equal(l.v[0].realpath, a.realpath);
    origin_list_release(&l);
    /* the same input by another path: no other */
    assert_int_equal(origin_others(db, &a, &l, &err), IMGO_OK);
    assert_int_equal(l.len, 0);
    /* another directory: the first is the other */
    assert_int_equal(origin_others(db, &b, &l, &err), IMGO_OK);
    assert_int_equal(l.len, 1);
    assert_string_equal(l.v[0].realpath, a.realpath);
    origin_list_release(&l);
    /* ingesting b (as imgo ingest may) records it beside a */
    assert_int_equal(ingest(db, "b"), IMGO_OK);
    assert_int_equal(origin_others(db, &link, &l, &err), IMGO_OK);
    assert_int_equal(l.len, 1);
    assert_string_equal(l.v[0].realpath, b.realpath);
    origin_list_release(&l);
    /* a later export of a, by its own name: still one record for it */
    snprintf(path, sizeof path, "%s/a/residents.csv", root);
    put(path, "resident_id,program,specialty,start_date,graduate_type\nR1,IM,Internal Medicine,2024-07-01,usmd\n"
              "R4,IM,Internal Medicine,2024-07-01,usdo\n");
    assert_int_equal(ingest(db, "a"), IMGO_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM ingest_source"), 2);
    assert_int_equal(count(db, "SELECT count(*) FROM residents"), 3);
    origin_release(&a);
    origin_release(&b);
    origin_release(&link);
    db_close(db);
}

/* A database from before ingest_source: its inputs are the directories
 * of its ledger's paths. */
static void inferred_from_ledger(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/old.db", root);
    remove(path);
    sqlite3 *db;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(db_open(path, 0, &db, &err), IMGO_OK);
    assert_int_equal(ingest(db, "a"), IMGO_OK);
    assert_int_equal(db_exec(db, "DELETE FROM ingest_source", &err), IMGO_OK);
    struct origin a, b, mapped;
    struct origin_list l;
    of("a", NULL, &a);
    of("b", NULL, &b);
    of("a", "m.map", &mapped);
    assert_int_equal(origin_recorded(db, &l, &err), IMGO_OK);
    assert_int_equal(l.len, 1);
    assert_string_equal(l.v[0].realpath, a.realpath);
    assert_true(l.v[0].map_unknown);
    origin_list_release(&l);
    assert_int_equal(origin_others(db, &b, &l, &err), IMGO_OK);
    assert_int_equal(l.len, 1);
    origin_list_release(&l);
    /* the ledger does not know the map: the directory decides */
    assert_int_equal(origin_others(db, &mapped, &l, &err), IMGO_OK);
    assert_int_equal(l.len, 0);
    origin_release(&a);
    origin_release(&b);
    origin_release(&mapped);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(identity),
        cmocka_unit_test(recorded_with_files),
        cmocka_unit_test(inferred_from_ledger),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
