/*
 * db.h - the imgo database: opening, schema migrations, small helpers.
 *
 * One SQLite file holds a program's cohort (see docs/SCHEMA.md). db_open
 * turns foreign keys on, sets a busy timeout, defines the SQL function
 * is_img(graduate_type) (the IMG rule, cohort.h), and applies every migration
 * the file has not seen yet (tracked by PRAGMA user_version), each in its
 * own transaction, so a database made by an older imgo upgrades in place.
 *
 * Dates are INTEGER day numbers (date.h). Residents are referred to by the
 * integer rid of table residents, never by their text resident_id, to keep
 * the big tables small and their keys fast.
 *
 * Ownership: db_open's caller closes the handle with db_close.
 */
#ifndef IMGO_DB_H
#define IMGO_DB_H

#include <sqlite3.h>

#include "err.h"

enum db_open_flags {
    DB_READONLY = 1 << 0,  /* open an existing database, write nothing */
    DB_NO_MIGRATE = 1 << 1 /* tests only: create/open without migrating */
};

/* How long a connection waits for another process's write transaction
 * (one cohort file, or a compute) before giving up with "locked". */
#define DB_BUSY_TIMEOUT_MS 10000

/* The schema version this imgo writes (PRAGMA user_version). */
int db_schema_version(void);

/* Opens (creating unless DB_READONLY) and migrates path. On failure *out is
 * NULL and err says why (status IMGO_EIO). */
int db_open(const char *path, int flags, sqlite3 **out, struct imgo_err *err);

/* Applies the migrations after the file's user_version up to `to`
 * (db_schema_version() for all). Exposed for the upgrade tests. */
int db_migrate(sqlite3 *db, int to, struct imgo_err *err);

void db_close(sqlite3 *db);

/* Runs SQL text that takes no parameters (schema, PRAGMA, BEGIN/COMMIT).
 * Never pass text built from data: use prepared statements and binds. */
int db_exec(sqlite3 *db, const char *sql, struct imgo_err *err);

/* Prepares sql; on failure fills err with sqlite3_errmsg. */
int db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct imgo_err *err);

/* Sets err from the handle's last error: "database: <sqlite message>",
 * or for a full disk (also a quota or file-size limit) "database: the disk
 * or database is full (...)", and for a lock held past DB_BUSY_TIMEOUT_MS
 * "database: locked by another process ...". Status IMGO_EIO. */
int db_error(sqlite3 *db, struct imgo_err *err);

#endif
