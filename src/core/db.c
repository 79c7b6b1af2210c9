/*
 * db.c - opening the database and migrating its schema.
 *
 * migrations[i] takes a database from user_version i to i + 1. A migration
 * is never edited once released: a change to the schema is a new entry at
 * the end, so that every database ever written can be brought forward.
 */
#include "db.h"
#include "cohort.h"

#include <errno.h>
#include <stdio.h>

static const char *const migrations[] = {
    /* 0 -> 1: the cohort tables and the ingest ledger. */
    "CREATE TABLE ingest_ledger (\n"
    "  id            INTEGER PRIMARY KEY,\n"
    "  file          TEXT NOT NULL,    -- canonical name, e.g. residents.csv\n"
    "  path          TEXT NOT NULL,    -- as given on the command line\n"
    "  sha256        TEXT NOT NULL,    -- hex digest of the file's bytes\n"
    "  rows_read     INTEGER NOT NULL,\n"
    "  rows_written  INTEGER NOT NULL,\n"
    "  rows_rejected INTEGER NOT NULL,\n"
    "  ingested_at   TEXT NOT NULL     -- UTC, ISO 8601\n"
    ");\n"
    "CREATE INDEX ingest_ledger_sha ON ingest_ledger(file, sha256);\n"
    "CREATE TABLE residents (\n"
    "  rid             INTEGER PRIMARY KEY,\n"
    "  resident_id     TEXT NOT NULL UNIQUE,\n"
    "  program         TEXT NOT NULL,\n"
    "  specialty       TEXT NOT NULL,\n"
    "  start_date      INTEGER NOT NULL,\n"
    "  end_date        INTEGER,\n"
    "  exit_reason     TEXT,\n"
    "  graduate_type   TEXT NOT NULL,\n"
    "  school_region   TEXT,\n"
    "  graduation_year INTEGER,\n"
    "  visa            TEXT,\n"
    "  step2_score     INTEGER,\n"
    "  track           TEXT,\n"
    "  ingest_id       INTEGER NOT NULL,\n"
    "  line            INTEGER NOT NULL\n"
    ");\n"
    "CREATE TABLE mentor_assignments (\n"
    "  rid INTEGER NOT NULL REFERENCES residents(rid),\n"
    "  mentor_id TEXT NOT NULL, role TEXT NOT NULL, assigned_date INTEGER NOT NULL,\n"
    "  ended_date INTEGER,\n"
    "  ingest_id INTEGER NOT NULL, line INTEGER NOT NULL,\n"
    "  PRIMARY KEY (rid, mentor_id, role, assigned_date)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE mentorship_meetings (\n"
    "  rid INTEGER NOT NULL REFERENCES residents(rid),\n"
    "  mentor_id TEXT NOT NULL, meeting_date INTEGER NOT NULL,\n"
    "  kind TEXT,\n"
    "  ingest_id INTEGER NOT NULL, line INTEGER NOT NULL,\n"
    "  PRIMARY KEY (rid, mentor_id, meeting_date)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE board_exams (\n"
    "  rid INTEGER NOT NULL REFERENCES residents(rid),\n"
    "  exam TEXT NOT NULL, attempt INTEGER NOT NULL,\n"
    "  exam_date INTEGER NOT NULL, result TEXT NOT NULL, score REAL,\n"
    "  ingest_id INTEGER NOT NULL, line INTEGER NOT NULL,\n"
    "  PRIMARY KEY (rid, exam, attempt)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE fellowship_applications (\n"
    "  rid INTEGER NOT NULL REFERENCES residents(rid),\n"
    "  cycle_year INTEGER NOT NULL, fellowship_specialty TEXT NOT NULL,\n"
    "  outcome TEXT NOT NULL,\n"
    "  ingest_id INTEGER NOT NULL, line INTEGER NOT NULL,\n"
    "  PRIMARY KEY (rid, cycle_year, fellowship_specialty)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE milestone_ratings (\n"
    "  rid INTEGER NOT NULL REFERENCES residents(rid),\n"
    "  review_date INTEGER NOT NULL, subcompetency TEXT NOT NULL,\n"
    "  pgy INTEGER NOT NULL, rating REAL NOT NULL,\n"
    "  ingest_id INTEGER NOT NULL, line INTEGER NOT NULL,\n"
    "  PRIMARY KEY (rid, review_date, subcompetency)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE evaluations (\n"
    "  rid INTEGER NOT NULL REFERENCES residents(rid),\n"
    "  evaluator_id TEXT NOT NULL, eval_date INTEGER NOT NULL, rotation TEXT NOT NULL,\n"
    "  pgy INTEGER NOT NULL, score REAL NOT NULL,\n"
    "  ingest_id INTEGER NOT NULL, line INTEGER NOT NULL,\n"
    "  PRIMARY KEY (rid, evaluator_id, eval_date, rotation)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE feedback (\n"
    "  rid INTEGER NOT NULL REFERENCES residents(rid),\n"
    "  evaluator_id TEXT NOT NULL, feedback_date INTEGER NOT NULL,\n"
    "  theme TEXT NOT NULL, valence TEXT NOT NULL,\n"
    "  ingest_id INTEGER NOT NULL, line INTEGER NOT NULL,\n"
    "  PRIMARY KEY (rid, evaluator_id, feedback_date, theme, valence)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE ccc_actions (\n"
    "  rid INTEGER NOT NULL REFERENCES residents(rid),\n"
    "  review_date INTEGER NOT NULL, action TEXT NOT NULL,\n"
    "  ingest_id INTEGER NOT NULL, line INTEGER NOT NULL,\n"
    "  PRIMARY KEY (rid, review_date)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE employment (\n"
    "  rid INTEGER NOT NULL REFERENCES residents(rid),\n"
    "  start_date INTEGER NOT NULL, end_date INTEGER,\n"
    "  employer TEXT NOT NULL, underserved TEXT,\n"
    "  ingest_id INTEGER NOT NULL, line INTEGER NOT NULL,\n"
    "  PRIMARY KEY (rid, start_date)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE patient_experience (\n"
    "  rid INTEGER NOT NULL REFERENCES residents(rid),\n"
    "  period TEXT NOT NULL, responses INTEGER NOT NULL, mean_score REAL NOT NULL,\n"
    "  ingest_id INTEGER NOT NULL, line INTEGER NOT NULL,\n"
    "  PRIMARY KEY (rid, period)\n"
    ") WITHOUT ROWID;\n",

    /* 1 -> 2: what compute writes (metrics.md, docs/TABLES.md), replaced
     * wholesale on each compute. */
    "CREATE TABLE metrics (\n"
    "  metric TEXT NOT NULL, \"group\" TEXT NOT NULL, stratum TEXT NOT NULL,\n"
    "  period TEXT NOT NULL, n INTEGER, k INTEGER, value REAL, ci_low REAL,\n"
    "  ci_high REAL, p_value REAL, q_value REAL, suppressed INTEGER NOT NULL,\n"
    "  PRIMARY KEY (metric, \"group\", stratum, period)\n"
    ");\n"
    "CREATE TABLE compute_info (key TEXT PRIMARY KEY, value TEXT);\n"
    "CREATE TABLE chart_points (\n"
    "  chart TEXT, seq INTEGER, series TEXT, label TEXT, x REAL, n INTEGER,\n"
    "  k INTEGER, value REAL, ci_low REAL, ci_high REAL, suppressed INTEGER,\n"
    "  PRIMARY KEY (chart, seq)\n"
    ");\n",

    /* 2 -> 3: the import map a file was read through (none: no row), so
     * that the same export read through another map is not taken as
     * unchanged. A table of its own, so the ledger's columns stay as they
     * were. */
    "CREATE TABLE ingest_map (\n"
    "  ingest_id  INTEGER PRIMARY KEY REFERENCES ingest_ledger(id),\n"
    "  map_sha256 TEXT NOT NULL    -- hex digest of the map file's bytes\n"
    ");\n",

    /* 3 -> 4: which cohort files had any row when compute ran (before its
     * as-of and programs filters), so that a report can tell a file that
     * was not provided from one whose rows are all filtered out. */
    "CREATE TABLE compute_sources (\n"
    "  file     TEXT PRIMARY KEY,  -- canonical name, e.g. board_exams.csv\n"
    "  has_rows INTEGER NOT NULL   -- 1: its table had a row, 0: absent or header-only\n"
    ");\n",

    /* 4 -> 5: what compute found doubtful in the data (an as-of date long
     * after the last record, an exam with no attempt), rewritten with the
     * metrics, for the report's cover. */
    "CREATE TABLE compute_warnings (\n"
    "  seq  INTEGER PRIMARY KEY,   -- 1, 2, ... in the order compute found them\n"
    "  text TEXT NOT NULL          -- a sentence for a program director\n"
    ");\n",

    /* 5 -> 6: the inputs the cohort was ingested from, so that imgo run
     * does not mix a second program's export into a database silently. */
    "CREATE TABLE ingest_source (\n"
    "  id           INTEGER PRIMARY KEY,\n"
    "  path         TEXT NOT NULL,   -- the directory as first given\n"
    "  realpath     TEXT NOT NULL,   -- its canonical path: the identity\n"
    "  map_path     TEXT,            -- the import map as first given, or NULL\n"
    "  map_realpath TEXT NOT NULL,   -- its canonical path, '' without a map\n"
    "  first_ingest TEXT NOT NULL,   -- UTC, ISO 8601\n"
    "  last_ingest  TEXT NOT NULL,\n"
    "  UNIQUE (realpath, map_realpath)\n"
    ");\n",
};

#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

int db_schema_version(void)
{
    return N_MIGRATIONS;
}

int db_error(sqlite3 *db, struct imgo_err *err)
{
    if (!db)
        return imgo_err_set(err, IMGO_EIO, "database: out of memory");
    int code = sqlite3_extended_errcode(db), sys = sqlite3_system_errno(db);
    /* A full disk reaches SQLite as ENOSPC (SQLITE_FULL), but a quota or a
     * file-size limit as a write error: all of them say the same to a user. */
    if ((code & 0xff) == SQLITE_FULL ||
        ((code & 0xff) == SQLITE_IOERR && (sys == ENOSPC || sys == EFBIG || sys == EDQUOT)))
        return imgo_err_set(err, IMGO_EIO, "database: the disk or database is full (%s)",
                            sqlite3_errmsg(db));
    /* SQLite keeps no errno for a failed write (a file-size limit, EFBIG,
     * comes out as a plain write error), so say what it most likely is. */
    if (code == SQLITE_IOERR_WRITE)
        return imgo_err_set(err, IMGO_EIO, "database: cannot write the database file (is the disk "
                                           "full, or a file-size limit reached?)");
    if ((code & 0xff) == SQLITE_BUSY)
        return imgo_err_set(err, IMGO_EIO,
                            "database: locked by another process for more than %d s; try again",
                            DB_BUSY_TIMEOUT_MS / 1000);
    return imgo_err_set(err, IMGO_EIO, "database: %s", sqlite3_errmsg(db));
}

int db_exec(sqlite3 *db, const char *sql, struct imgo_err *err)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        db_error(db, err);
        return IMGO_EIO;
    }
    return IMGO_OK;
}

int db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct imgo_err *err)
{
    if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return db_error(db, err);
    }
    return IMGO_OK;
}

static int user_version(sqlite3 *db, int *v, struct imgo_err *err)
{
    sqlite3_stmt *st;
    int rc = db_prepare(db, "PRAGMA user_version", &st, err);
    if (rc)
        return rc;
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        return db_error(db, err);
    }
    *v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return IMGO_OK;
}

int db_migrate(sqlite3 *db, int to, struct imgo_err *err)
{
    int v, rc = user_version(db, &v, err);
    if (rc)
        return rc;
    if (v > N_MIGRATIONS)
        return imgo_err_set(err, IMGO_EIO,
                            "database schema version %d is newer than this imgo (%d); upgrade imgo",
                            v, N_MIGRATIONS);
    while (v < to && v < N_MIGRATIONS) {
        char pragma[64];
        if ((rc = db_exec(db, "BEGIN IMMEDIATE", err)))
            return rc;
        /* Read again under the write lock: another imgo opening the same
         * new database at the same moment may have migrated it meanwhile. */
        if ((rc = user_version(db, &v, err))) {
            db_exec(db, "ROLLBACK", NULL);
            return rc;
        }
        if (v >= to || v >= N_MIGRATIONS) {
            db_exec(db, "ROLLBACK", NULL);
            break;
        }
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d;", v + 1);
        if ((rc = db_exec(db, migrations[v], err)) || (rc = db_exec(db, pragma, err)) ||
            (rc = db_exec(db, "COMMIT", err))) {
            db_exec(db, "ROLLBACK", NULL);
            return rc;
        }
        v++;
    }
    return IMGO_OK;
}

/* is_img(graduate_type): the IMG rule of cohort.h, for SQL. */
static void sql_is_img(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_result_int(ctx, cohort_is_img((const char *)sqlite3_value_text(argv[0])));
}

int db_open(const char *path, int flags, sqlite3 **out, struct imgo_err *err)
{
    sqlite3 *db = NULL;
    int oflags = (flags & DB_READONLY) ? SQLITE_OPEN_READONLY
                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    oflags |= SQLITE_OPEN_NOMUTEX; /* a connection is never shared between threads */
    *out = NULL;
    if (sqlite3_open_v2(path, &db, oflags, NULL) != SQLITE_OK) {
        imgo_err_set(err, IMGO_EIO, "%s: cannot open database: %s", path,
                     db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return IMGO_EIO;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
    int rc = db_exec(db, "PRAGMA foreign_keys = ON", err);
    if (!rc && sqlite3_create_function_v2(db, "is_img", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                          sql_is_img, NULL, NULL, NULL) != SQLITE_OK)
        rc = db_error(db, err);
    if (!rc && !(flags & (DB_READONLY | DB_NO_MIGRATE)))
        rc = db_migrate(db, N_MIGRATIONS, err);
    if (!rc && (flags & DB_READONLY)) {
        int v;
        rc = user_version(db, &v, err);
        if (!rc && v != N_MIGRATIONS)
            rc = imgo_err_set(err, IMGO_EIO, "%s: not an imgo database of schema version %d (found %d)",
                              path, N_MIGRATIONS, v);
    }
    if (rc) {
        char msg[IMGO_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        imgo_err_set(err, rc, "%s: %s", path, msg);
        sqlite3_close(db);
        return rc;
    }
    *out = db;
    return IMGO_OK;
}

void db_close(sqlite3 *db)
{
    sqlite3_close(db);
}
