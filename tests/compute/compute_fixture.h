/*
 * compute_fixture.h - helpers for the compute tests: a fresh database in a
 * temporary file filled by literal INSERT statements, a compute run into a
 * temporary directory, and look-ups of metric rows in table metrics.
 *
 * Included by tests/test_compute_*.c after cmocka.h; everything is static.
 */
#ifndef IMGO_COMPUTE_FIXTURE_H
#define IMGO_COMPUTE_FIXTURE_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compute.h"
#include "db.h"
#include "params.h"

struct fx {
    sqlite3 *db;
    char path[128], out[128];
    struct imgo_params p;
};

static inline void fx_open(struct fx *f)
{
    static int serial;
    struct imgo_err err = IMGO_ERR_INIT;
    snprintf(f->path, sizeof f->path, "/tmp/imgo-compute-test-%d-%d.db", (int)getpid(), ++serial);
    snprintf(f->out, sizeof f->out, "/tmp/imgo-compute-test-%d-%d.out", (int)getpid(), serial);
    remove(f->path);
    if (db_open(f->path, 0, &f->db, &err))
        fail_msg("db_open: %s", err.msg);
    params_init(&f->p);
}

static inline void fx_sql(struct fx *f, const char *sql)
{
    struct imgo_err err = IMGO_ERR_INIT;
    if (db_exec(f->db, sql, &err))
        fail_msg("%s: %s", sql, err.msg);
}

/* A resident with rid, start day, end day (-1 none), exit reason (NULL),
 * graduate type and visa (NULL). */
static inline void fx_resident(struct fx *f, int rid, int start, int end, const char *exit_reason,
                               const char *gt, const char *visa)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(f->db,
                           "INSERT INTO residents (rid, resident_id, program, specialty, start_date,"
                           " end_date, exit_reason, graduate_type, visa, ingest_id, line)"
                           " VALUES (?1, 'R' || ?1, 'IM-001', 'Internal Medicine', ?2, ?3, ?4, ?5, ?6, 1, ?1)",
                           -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare: %s", sqlite3_errmsg(f->db));
    sqlite3_bind_int(st, 1, rid);
    sqlite3_bind_int(st, 2, start);
    if (end >= 0)
        sqlite3_bind_int(st, 3, end);
    if (exit_reason)
        sqlite3_bind_text(st, 4, exit_reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, gt, -1, SQLITE_STATIC);
    if (visa)
        sqlite3_bind_text(st, 6, visa, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        fail_msg("insert resident: %s", sqlite3_errmsg(f->db));
    sqlite3_finalize(st);
}

/* Runs sql with ?1..?n bound to the integers and strings of fmt ('i' an
 * int, 's' a string, 'd' a double, 'n' NULL), failing the test on error. */
static inline void fx_insert(struct fx *f, const char *sql, const char *fmt, ...)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(f->db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(f->db));
    va_list ap;
    va_start(ap, fmt);
    for (int i = 0; fmt[i]; i++) {
        if (fmt[i] == 'i')
            sqlite3_bind_int(st, i + 1, va_arg(ap, int));
        else if (fmt[i] == 'd')
            sqlite3_bind_double(st, i + 1, va_arg(ap, double));
        else if (fmt[i] == 's')
            sqlite3_bind_text(st, i + 1, va_arg(ap, const char *), -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(st, i + 1);
    }
    va_end(ap);
    if (sqlite3_step(st) != SQLITE_DONE)
        fail_msg("%s: %s", sql, sqlite3_errmsg(f->db));
    sqlite3_finalize(st);
}

/* A milestone rating (day numbers). */
static inline void fx_rating(struct fx *f, int rid, int date, const char *subc, int pgy, double rating)
{
    fx_insert(f,
              "INSERT INTO milestone_ratings (rid, review_date, subcompetency, pgy, rating, ingest_id, line)"
              " VALUES (?1, ?2, ?3, ?4, ?5, 1, 1)",
              "iisid", rid, date, subc, pgy, rating);
}

/* A CCC review. */
static inline void fx_ccc(struct fx *f, int rid, int date, const char *action)
{
    fx_insert(f, "INSERT INTO ccc_actions (rid, review_date, action, ingest_id, line) VALUES (?1, ?2, ?3, 1, 1)",
              "iis", rid, date, action);
}

/* A board exam attempt. */
static inline void fx_exam(struct fx *f, int rid, const char *exam, int attempt, int date, const char *result)
{
    fx_insert(f,
              "INSERT INTO board_exams (rid, exam, attempt, exam_date, result, ingest_id, line)"
              " VALUES (?1, ?2, ?3, ?4, ?5, 1, 1)",
              "isiis", rid, exam, attempt, date, result);
}

/* A mentor assignment (no ended_date). */
static inline void fx_assign(struct fx *f, int rid, const char *mentor, const char *role, int date)
{
    fx_insert(f,
              "INSERT INTO mentor_assignments (rid, mentor_id, role, assigned_date, ingest_id, line)"
              " VALUES (?1, ?2, ?3, ?4, 1, 1)",
              "issi", rid, mentor, role, date);
}

/* Sets a resident's program code. */
static inline void fx_program(struct fx *f, int rid, const char *program)
{
    fx_insert(f, "UPDATE residents SET program = ?2 WHERE rid = ?1", "is", rid, program);
}

static inline int fx_compute(struct fx *f, int as_of)
{
    struct imgo_err err = IMGO_ERR_INIT;
    if (as_of >= 0) {
        f->p.has_as_of = 1;
        f->p.as_of = as_of;
    }
    int rc = compute_run(f->db, &f->p, f->out, &err);
    if (rc)
        print_message("compute_run: %s\n", err.msg);
    return rc;
}

static inline void fx_close(struct fx *f)
{
    char cmd[512];
    db_close(f->db);
    params_release(&f->p);
    remove(f->path);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->out);
    if (system(cmd) != 0)
        print_message("could not remove %s\n", f->out);
}

struct fx_row {
    long n, k; /* -1: NULL */
    double value, lo, hi, p, q;
    int suppressed;
};

static inline double fx_num(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

/* The metrics row, or fails the test when it is missing. */
static inline struct fx_row fx_get_at(struct fx *f, const char *metric, const char *group,
                                      const char *stratum, const char *period, int line)
{
    struct fx_row r;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(f->db,
                           "SELECT n, k, value, ci_low, ci_high, p_value, q_value, suppressed FROM metrics"
                           " WHERE metric = ?1 AND \"group\" = ?2 AND stratum = ?3 AND period = ?4",
                           -1, &st, NULL) != SQLITE_OK)
        fail_msg("prepare: %s", sqlite3_errmsg(f->db));
    sqlite3_bind_text(st, 1, metric, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, group, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, stratum, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, period, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        fail_msg("line %d: no row %s,%s,%s,%s", line, metric, group, stratum, period);
    r.n = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(st, 0);
    r.k = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(st, 1);
    r.value = fx_num(st, 2);
    r.lo = fx_num(st, 3);
    r.hi = fx_num(st, 4);
    r.p = fx_num(st, 5);
    r.q = fx_num(st, 6);
    r.suppressed = sqlite3_column_int(st, 7);
    sqlite3_finalize(st);
    return r;
}
#define fx_get(f, m, g, s, p) fx_get_at((f), (m), (g), (s), (p), __LINE__)

/* How many rows match (metric and, when not NULL, group). */
static inline int fx_count(struct fx *f, const char *metric, const char *group)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(f->db,
                       "SELECT count(*) FROM metrics WHERE metric = ?1 AND (?2 IS NULL OR \"group\" = ?2)",
                       -1, &st, NULL);
    sqlite3_bind_text(st, 1, metric, -1, SQLITE_STATIC);
    if (group)
        sqlite3_bind_text(st, 2, group, -1, SQLITE_STATIC);
    sqlite3_step(st);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

static inline void fx_near_at(double got, double want, double tol, const char *what, int line)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("line %d: %s = %.10g, want %.10g", line, what, got, want);
}
#define NEAR(got, want) fx_near_at((got), (want), 1e-6, #got, __LINE__)
#define IS_NAN(x)                                                                          \
    do {                                                                                   \
        if (!isnan(x))                                                                     \
            fail_msg("line %d: %s = %.10g, want empty", __LINE__, #x, (x));                \
    } while (0)

/* Reads a whole file into a malloc'd string (NULL when unreadable). */
static inline char *fx_slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long len = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = malloc((size_t)len + 1);
    if (fread(s, 1, (size_t)len, fp) != (size_t)len)
        len = 0;
    s[len] = '\0';
    fclose(fp);
    return s;
}

#endif
