/*
 * origin.h - the inputs a database was ingested from (table
 * ingest_source), so that one database does not hold two programs'
 * exports without anyone asking for it.
 *
 * An input's identity is its directory's canonical path (realpath(3)) and,
 * for an input read through an import map, the map's canonical path too:
 * the same directory reached by another relative path or a symbolic link
 * is the same input; a copy of it elsewhere, or the same directory read
 * without its map, is another one.
 *
 * Ingest records a directory in the transaction of each file it writes
 * from it (with the file's ledger row), so a database holds a record of
 * exactly the inputs it has data from: a rejected file records nothing. A
 * database written before inputs were recorded has no record; its inputs
 * are then the directories of the ledger's file paths (each as given to
 * that ingest, resolved from the current directory).
 *
 * Ownership: origin_of's caller calls origin_release, and
 * origin_list_release for a list filled here. Errors: IMGO_EIO (a path
 * that cannot be resolved, a database error), with err filled.
 */
#ifndef IMGO_ORIGIN_H
#define IMGO_ORIGIN_H

#include <sqlite3.h>
#include <stddef.h>

#include "err.h"

struct origin {
    char *path;         /* the directory as given */
    char *realpath;     /* its canonical path: the identity */
    char *map_path;     /* the import map as given, or NULL */
    char *map_realpath; /* its canonical path, "" without a map */
    int map_unknown;    /* inferred from an old ledger: the map is not known,
                           the directory alone decides */
};

struct origin_list {
    struct origin *v;
    size_t len;
};

/* The identity of input directory dir read through map_path (NULL: no
 * map). IMGO_EIO when either path cannot be resolved. */
int origin_of(const char *dir, const char *map_path, struct origin *o, struct imgo_err *err);
void origin_release(struct origin *o);
void origin_list_release(struct origin_list *l);

/* 1 when a and b are the same input (the directories alone when either
 * has map_unknown). */
int origin_same(const struct origin *a, const struct origin *b);

/* Appends a's description to b: its canonical path, and "through the map
 * M" with a map. */
struct buf;
void origin_describe(struct buf *b, const struct origin *a);

/* The inputs the data in db came from, in the order first ingested
 * (empty when db holds no ingested file). */
int origin_recorded(sqlite3 *db, struct origin_list *l, struct imgo_err *err);

/* Fills others with the inputs db holds data from that are not o (empty:
 * none, so o may be ingested without mixing). Writes nothing. */
int origin_others(sqlite3 *db, const struct origin *o, struct origin_list *others, struct imgo_err *err);

/* Records o as an input of db (again: its last ingest time is updated),
 * inside the caller's transaction. Times are UTC, from SOURCE_DATE_EPOCH
 * when it is set. */
int origin_record(sqlite3 *db, const struct origin *o, struct imgo_err *err);

#endif
