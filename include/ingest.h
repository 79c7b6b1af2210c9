/*
 * ingest.h - the ingest stage: cohort directories into the database.
 *
 * For each directory, the cohort files (names matched case-insensitively)
 * are read residents.csv first, then in the order of cohort.h; other files
 * are ignored with a warning. Each file is:
 *   - hashed (SHA-256 of its bytes); when the latest ledger entry for that
 *     file name has the same digest the file is "unchanged" and skipped;
 *   - read as a stream (csvread), validated (validate), and upserted by
 *     its natural key, 64 rows per statement step, inside one transaction
 *     that also holds its ingest_ledger row: all of the file or none of it;
 *   - recorded, with the directory it came from (origin.h), in that same
 *     transaction;
 *   - by default rejected whole when any row is bad (nothing written);
 *     with INGEST_SKIP_BAD_ROWS its good rows are written and its bad rows
 *     copied verbatim, with an extra last column "error", to
 *     REJECTS/<canonical file name>. A file whose header or format is
 *     unacceptable is rejected whole in every mode.
 * Duplicate natural keys within a file are found through the database: a
 * row carries the ledger id of its file's ingest, and an upsert that meets
 * a row of the same ingest_id changes nothing (see docs/SCHEMA.md).
 *
 * The stage never prints: it reports through struct ingest_sink. Messages
 * are "FILE:LINE:COLUMN: message", "FILE:LINE: message" or "FILE: message"
 * (FILE is the name as found in the directory); for each file the first
 * INGEST_REPORT_MAX bad rows are reported in full, then a count.
 *
 * Ownership: the caller owns db and the opts strings; ingest_init's caller
 * calls ingest_release, which restores the connection's settings.
 */
#ifndef IMGO_INGEST_H
#define IMGO_INGEST_H
#include <sqlite3.h>
#include <stddef.h>

#include "err.h"

#define INGEST_REPORT_MAX 100

enum ingest_flags {
    INGEST_SKIP_BAD_ROWS = 1 << 0, /* write good rows, copy bad ones to REJECTS */
    INGEST_STRICT = 1 << 1,        /* unknown columns reject the file */
    INGEST_VALIDATE_ONLY = 1 << 2  /* imgo check: no ledger look-up, no rejects */
};

enum ingest_outcome {
    INGEST_WRITTEN,   /* committed (with INGEST_SKIP_BAD_ROWS, maybe some rows rejected) */
    INGEST_UNCHANGED, /* byte-identical to the latest ingest of that file: no-op */
    INGEST_REJECTED,  /* nothing written: bad rows, or the file as a whole */
    INGEST_FAILED     /* could not be read (I/O) */
};

struct ingest_result {
    const char *file;      /* name as found in the directory */
    const char *path;
    enum ingest_outcome outcome;
    int whole_file;        /* INGEST_REJECTED for the file itself, not its rows */
    long rows_read;        /* records after the header */
    long rows_written;
    long rows_rejected;
    char sha256[65];       /* hex; "" when not computed (INGEST_VALIDATE_ONLY) */
};

struct ingest_sink {
    /* An error (is_warning 0) or a warning, without "imgo: ". */
    void (*message)(void *ctx, int is_warning, const char *msg);
    /* Once per cohort file found (or required and missing). */
    void (*done)(void *ctx, const struct ingest_result *r);
    /* Now and then during a file, and once with final = 1; may be NULL. */
    void (*progress)(void *ctx, const char *file, long rows, long long bytes, int final);
    void *ctx;
};

struct imgo_map;
struct origin;

struct ingest_opts {
    unsigned flags;           /* enum ingest_flags */
    const char *rejects_dir;  /* INGEST_SKIP_BAD_ROWS: where rejects go */
    const struct imgo_map *map; /* the import map exports are read through, or NULL */
    struct ingest_sink sink;
};

struct ingest {
    sqlite3 *db;
    struct ingest_opts o;
    unsigned rejects_started; /* bit per cohort file: REJECTS/FILE begun in this run */
    const char *residents_bad; /* while a directory is read: why its residents.csv
                                * did not count ("residents.csv was rejected"), or NULL */
    char **stated;            /* export files whose detected format was stated */
    size_t nstated;
    struct origin *origin;    /* while a directory is read: its identity, recorded
                               * with each file written (origin.h), or NULL */
};

/* Prepares db for bulk loading (cache size; foreign-key checks off, since
 * every rid is looked up before it is written). */
int ingest_init(struct ingest *ig, sqlite3 *db, const struct ingest_opts *o, struct imgo_err *err);
void ingest_release(struct ingest *ig);

/* Ingests (or with INGEST_VALIDATE_ONLY, validates) the cohort directory
 * dir. need_residents: a missing residents.csv is an error. Returns the
 * worst status over its files: IMGO_OK, IMGO_EDATA (a file or row
 * rejected; with INGEST_SKIP_BAD_ROWS only a file rejected whole), or
 * IMGO_EIO (a file could not be read; the other files are still done).
 * A database failure stops at once: IMGO_EIO with err filled. */
int ingest_dir(struct ingest *ig, const char *dir, int need_residents, struct imgo_err *err);

/* Seeds db with the residents of the imgo database at path, opened
 * read-only (for imgo check --db). */
int ingest_seed_residents(sqlite3 *db, const char *path, struct imgo_err *err);
#endif
