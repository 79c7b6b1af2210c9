/*
 * origin.c - the inputs a database was ingested from (see origin.h): their
 * identity by canonical path, the table ingest_source, and imgo run's rule
 * that a database holds one input.
 */
#include "origin.h"
#include "buf.h"
#include "date.h"
#include "db.h"
#include "mem.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char *canonical(const char *path, struct imgo_err *err)
{
    char *r = realpath(path, NULL);
    if (!r)
        imgo_err_set(err, IMGO_EIO, "%s: %s", path, strerror(errno));
    return r;
}

int origin_of(const char *dir, const char *map_path, struct origin *o, struct imgo_err *err)
{
    memset(o, 0, sizeof *o);
    o->realpath = canonical(dir, err);
    if (!o->realpath)
        return IMGO_EIO;
    if (map_path) {
        o->map_realpath = canonical(map_path, err);
        if (!o->map_realpath) {
            origin_release(o);
            return IMGO_EIO;
        }
        o->map_path = xstrdup(map_path);
    } else {
        o->map_realpath = xstrdup("");
    }
    o->path = xstrdup(dir);
    return IMGO_OK;
}

void origin_release(struct origin *o)
{
    free(o->path);
    free(o->realpath);
    free(o->map_path);
    free(o->map_realpath);
    memset(o, 0, sizeof *o);
}

void origin_list_release(struct origin_list *l)
{
    for (size_t i = 0; i < l->len; i++)
        origin_release(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->len = 0;
}

int origin_same(const struct origin *a, const struct origin *b)
{
    return !strcmp(a->realpath, b->realpath) &&
           (a->map_unknown || b->map_unknown || !strcmp(a->map_realpath, b->map_realpath));
}

void origin_describe(struct buf *b, const struct origin *a)
{
    buf_adds(b, a->realpath);
    if (*a->map_realpath)
        buf_addf(b, " through the map %s", a->map_realpath);
}

static void list_add(struct origin_list *l, size_t *alloc, const char *path, const char *real, const char *map,
                     const char *map_real)
{
    ALLOC_GROW(l->v, l->len + 1, *alloc);
    struct origin *o = &l->v[l->len++];
    o->path = xstrdup(path);
    o->realpath = xstrdup(real);
    o->map_path = map ? xstrdup(map) : NULL;
    o->map_realpath = xstrdup(map_real);
    o->map_unknown = 0;
}

static int count(sqlite3 *db, const char *sql, long long *n, struct imgo_err *err)
{
    sqlite3_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    else
        rc = db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}

/* A database from before ingest_source: the directories of the ledger's
 * paths, in the order first seen. The ledger does not name the map a file
 * was read through, so these carry no map and compare by directory. */
static int from_ledger(sqlite3 *db, struct origin_list *l, size_t *alloc, struct imgo_err *err)
{
    sqlite3_stmt *st;
    int rc = db_prepare(db, "SELECT path FROM ingest_ledger ORDER BY id", &st, err);
    if (rc)
        return rc;
    struct buf dir = BUF_INIT;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(st, 0);
        const char *slash = path ? strrchr(path, '/') : NULL;
        buf_reset(&dir);
        if (!slash)
            buf_addc(&dir, '.');
        else if (slash == path)
            buf_addc(&dir, '/');
        else
            buf_add(&dir, path, (size_t)(slash - path));
        char *real = realpath(buf_str(&dir), NULL);
        const char *id = real ? real : buf_str(&dir);
        int seen = 0;
        for (size_t i = 0; i < l->len && !seen; i++)
            seen = !strcmp(l->v[i].realpath, id);
        if (!seen) {
            list_add(l, alloc, buf_str(&dir), id, NULL, "");
            l->v[l->len - 1].map_unknown = 1;
        }
        free(real);
    }
    if (s != SQLITE_DONE)
        rc = db_error(db, err);
    sqlite3_finalize(st);
    buf_release(&dir);
    return rc;
}

int origin_recorded(sqlite3 *db, struct origin_list *l, struct imgo_err *err)
{
    size_t alloc = 0;
    long long files = 0, sources = 0;
    memset(l, 0, sizeof *l);
    int rc = count(db, "SELECT count(*) FROM ingest_ledger", &files, err);
    if (!rc && files)
        rc = count(db, "SELECT count(*) FROM ingest_source", &sources, err);
    if (rc || !files)
        return rc;
    if (!sources)
        rc = from_ledger(db, l, &alloc, err);
    else {
        sqlite3_stmt *st;
        rc = db_prepare(db, "SELECT path, realpath, map_path, map_realpath FROM ingest_source ORDER BY id", &st,
                        err);
        if (rc)
            return rc;
        int s;
        while ((s = sqlite3_step(st)) == SQLITE_ROW)
            list_add(l, &alloc, (const char *)sqlite3_column_text(st, 0),
                     (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
                     (const char *)sqlite3_column_text(st, 3));
        if (s != SQLITE_DONE)
            rc = db_error(db, err);
        sqlite3_finalize(st);
    }
    if (rc)
        origin_list_release(l);
    return rc;
}

int origin_record(sqlite3 *db, const struct origin *o, struct imgo_err *err)
{
    sqlite3_stmt *st;
    int rc = db_prepare(db,
                        "INSERT INTO ingest_source (path, realpath, map_path, map_realpath, first_ingest,"
                        " last_ingest) VALUES (?1, ?2, ?3, ?4, ?5, ?5)"
                        " ON CONFLICT (realpath, map_realpath) DO UPDATE SET last_ingest = excluded.last_ingest",
                        &st, err);
    if (rc)
        return rc;
    char now[32];
    date_utc_now(now);
    sqlite3_bind_text(st, 1, o->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, o->realpath, -1, SQLITE_STATIC);
    if (o->map_path)
        sqlite3_bind_text(st, 3, o->map_path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, o->map_realpath, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = db_error(db, err);
    sqlite3_finalize(st);
    return rc;
}

int origin_others(sqlite3 *db, const struct origin *o, struct origin_list *others, struct imgo_err *err)
{
    struct origin_list all;
    memset(others, 0, sizeof *others);
    int rc = origin_recorded(db, &all, err);
    if (rc)
        return rc;
    size_t alloc = 0;
    for (size_t i = 0; i < all.len; i++) {
        const struct origin *a = &all.v[i];
        if (!origin_same(a, o)) {
            list_add(others, &alloc, a->path, a->realpath, a->map_path, a->map_realpath);
            others->v[others->len - 1].map_unknown = a->map_unknown;
        }
    }
    origin_list_release(&all);
    return IMGO_OK;
}
