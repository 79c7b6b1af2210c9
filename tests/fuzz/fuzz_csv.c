/*
 * fuzz_csv.c - libFuzzer harness: bytes of a cohort file through the whole
 * ingest path (csvread, validate, the batched upsert, the ledger, rejects)
 * into an in-memory database.
 *
 * The first input byte chooses the file (byte % 11, in cohort.h order) and
 * the mode (byte / 11: bit 0 --skip-bad-rows, bit 1 --strict); the rest is
 * the file's content. Files other than residents.csv meet a database that
 * already holds the residents of fixtures/tiny (R001..R003), so their rows
 * can pass the resident look-up and reach SQLite. After the ingest the
 * harness checks what the contract promises: a rejected or failed file left
 * no row and no ledger entry, a written one exactly its rows; the database
 * passes PRAGMA integrity_check. A broken promise aborts (a finding).
 *
 * Built by `make fuzz` with CSVREAD_CHUNK and CSVREAD_RECORD_MAX made
 * small, so that short inputs cross chunk boundaries and hit the limit.
 */
#include "cohort.h"
#include "db.h"
#include "ingest.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char dir[64], rejects[80];

struct seen {
    enum ingest_outcome outcome;
    long written;
    int done;
};

static void on_message(void *ctx, int is_warning, const char *msg)
{
    (void)ctx;
    (void)is_warning;
    (void)msg;
}

static void on_done(void *ctx, const struct ingest_result *r)
{
    struct seen *s = ctx;
    s->outcome = r->outcome;
    s->written = r->rows_written;
    s->done++;
}

static long count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        abort();
    if (sqlite3_step(st) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void rm_rf_rejects(void)
{
    for (int id = 0; id < COHORT_NFILES; id++) {
        char p[160];
        snprintf(p, sizeof p, "%s/%s", rejects, cohort_file((enum cohort_file_id)id)->name);
        unlink(p);
        snprintf(p, sizeof p, "%s/.%s.tmp", rejects, cohort_file((enum cohort_file_id)id)->name);
        unlink(p);
    }
    rmdir(rejects);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(dir, sizeof dir, "/tmp/imgo-fuzz-csv-%d", (int)getpid());
    snprintf(rejects, sizeof rejects, "%s-rejects", dir);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const struct cohort_file *f = cohort_file((enum cohort_file_id)(data[0] % COHORT_NFILES));
    unsigned mode = (unsigned)(data[0] / COHORT_NFILES);
    char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, f->name);
    if (mkdir(dir, 0700) && access(dir, W_OK))
        abort();
    FILE *fp = fopen(path, "wb");
    if (!fp)
        abort();
    if (size > 1 && fwrite(data + 1, 1, size - 1, fp) != size - 1)
        abort();
    fclose(fp);

    struct imgo_err err = IMGO_ERR_INIT;
    /* One database for the whole run (opening and migrating one per input
     * would be most of the time), brought back to the seeded state after
     * each input. */
    static sqlite3 *db;
    if (!db && (db_open(":memory:", 0, &db, &err) ||
                db_exec(db, "CREATE TEMP TABLE seed AS SELECT * FROM residents WHERE 0;"
                            "INSERT INTO seed (rid, resident_id, program, specialty, start_date, "
                            "graduate_type, ingest_id, line) VALUES "
                            "(1, 'R001', 'IM-001', 'Internal Medicine', 18809, 'non_us_img', 0, 2),"
                            "(2, 'R002', 'IM-001', 'Internal Medicine', 18809, 'usmd', 0, 3),"
                            "(3, 'R003', 'IM-001', 'Internal Medicine', 19174, 'us_img', 0, 4)",
                        &err)))
        abort();
    if (f->id != COHORT_RESIDENTS && db_exec(db, "INSERT INTO residents SELECT * FROM seed", &err))
        abort();
    long residents_before = count(db, "SELECT count(*) FROM residents");

    struct seen seen = { INGEST_FAILED, 0, 0 };
    struct ingest ig;
    struct ingest_opts o = { 0 };
    o.flags = ((mode & 1) ? INGEST_SKIP_BAD_ROWS : 0) | ((mode & 2) ? INGEST_STRICT : 0);
    o.rejects_dir = rejects;
    o.sink.message = on_message;
    o.sink.done = on_done;
    o.sink.ctx = &seen;
    if (ingest_init(&ig, db, &o, &err))
        abort();
    int st = ingest_dir(&ig, dir, 0, &err);
    ingest_release(&ig);
    if (st < 0 || st > IMGO_EIO || seen.done != 1)
        abort();
    if (err.status) /* a database failure: never expected in memory */
        abort();

    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", f->table);
    long rows = count(db, sql);
    long ledger = count(db, "SELECT count(*) FROM ingest_ledger");
    if (f->id == COHORT_RESIDENTS)
        rows -= residents_before;
    if (seen.outcome == INGEST_WRITTEN) {
        if (ledger != 1 || rows != seen.written)
            abort();
        if (seen.written != count(db, "SELECT rows_written FROM ingest_ledger"))
            abort();
    } else if (ledger != 0 || rows != 0) {
        abort();
    }
    if (count(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'") != 0)
        abort();
    char reset[200];
    snprintf(reset, sizeof reset, "DELETE FROM %s; DELETE FROM residents; DELETE FROM ingest_ledger",
             f->table);
    if (db_exec(db, reset, &err))
        abort();
    unlink(path);
    rm_rf_rejects();
    return 0;
}
