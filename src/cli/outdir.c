/*
 * outdir.c - the files of a run's output directory by name (see
 * outdir.h): which names are imgo's, a snapshot of them, removing the
 * stale ones after a run and all of them for --fresh.
 */
#include "outdir.h"
#include "buf.h"
#include "cohort.h"
#include "mem.h"
#include "registry.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

struct outdir_file {
    unsigned folder; /* enum outdir_folder */
    char *name;
    struct stat st;
};

/* name is BASE.EXT with BASE a chart name, or a split chart's NAME_LABEL
 * with LABEL of [a-z0-9-], and EXT one of exts (NULL-terminated). */
static int chart_file(const char *name, const char *const *exts)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return 0;
    int ext_ok = 0;
    for (const char *const *e = exts; *e && !ext_ok; e++)
        ext_ok = !strcmp(dot + 1, *e);
    if (!ext_ok)
        return 0;
    size_t base = (size_t)(dot - name);
    for (int i = 0; i < C_COUNT; i++) {
        const char *c = chart_name(i);
        size_t len = strlen(c);
        if (base < len || strncmp(name, c, len))
            continue;
        if (base == len)
            return 1;
        size_t label = base - len - 1;
        if (chart_def(i)->split && name[len] == '_' && label > 0 &&
            strspn(name + len + 1, "abcdefghijklmnopqrstuvwxyz0123456789-") == label)
            return 1;
    }
    return 0;
}

int outdir_is_table(const char *name)
{
    static const char *const exts[] = { "csv", NULL };
    return chart_file(name, exts);
}

int outdir_is_chart(const char *name)
{
    static const char *const exts[] = { "svg", "png", NULL };
    return chart_file(name, exts);
}

static const struct {
    unsigned folder;
    const char *dir;
    int (*is_ours)(const char *name);
} FOLDERS[] = {
    { OUTDIR_TABLES, "tables", outdir_is_table },
    { OUTDIR_CHARTS, "charts", outdir_is_chart },
};

void outdir_snapshot(const char *dir, struct outdir_snap *s)
{
    struct buf path = BUF_INIT;
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < sizeof FOLDERS / sizeof FOLDERS[0]; i++) {
        buf_reset(&path);
        buf_addf(&path, "%s/%s", dir, FOLDERS[i].dir);
        /* a folder that cannot be read has nothing recorded: the stage
         * that writes there says what is wrong with it */
        DIR *d = opendir(buf_str(&path));
        if (!d)
            continue;
        size_t plen = path.len;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!FOLDERS[i].is_ours(e->d_name))
                continue;
            buf_setlen(&path, plen);
            buf_addf(&path, "/%s", e->d_name);
            struct stat st;
            if (lstat(buf_str(&path), &st) || !S_ISREG(st.st_mode))
                continue; /* gone meanwhile, or not a file imgo wrote */
            ALLOC_GROW(s->f, s->len + 1, s->alloc);
            s->f[s->len].folder = FOLDERS[i].folder;
            s->f[s->len].name = xstrdup(e->d_name);
            s->f[s->len].st = st;
            s->len++;
        }
        closedir(d);
    }
    buf_release(&path);
}

void outdir_snap_release(struct outdir_snap *s)
{
    for (size_t i = 0; i < s->len; i++)
        free(s->f[i].name);
    free(s->f);
    memset(s, 0, sizeof *s);
}

static int same_time(struct timespec a, struct timespec b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static const char *folder_dir(unsigned folder)
{
    for (size_t i = 0; i < sizeof FOLDERS / sizeof FOLDERS[0]; i++)
        if (FOLDERS[i].folder == folder)
            return FOLDERS[i].dir;
    return NULL;
}

int outdir_remove_stale(const char *dir, const struct outdir_snap *s, unsigned which, size_t *removed,
                        struct imgo_err *err)
{
    struct buf path = BUF_INIT;
    int rc = IMGO_OK;
    if (removed)
        *removed = 0;
    for (size_t i = 0; !rc && i < s->len; i++) {
        const struct outdir_file *f = &s->f[i];
        if (!(f->folder & which))
            continue;
        buf_reset(&path);
        buf_addf(&path, "%s/%s/%s", dir, folder_dir(f->folder), f->name);
        struct stat now;
        if (lstat(buf_str(&path), &now))
            continue; /* removed meanwhile */
        if (now.st_dev != f->st.st_dev || now.st_ino != f->st.st_ino || now.st_size != f->st.st_size ||
            !same_time(now.st_mtim, f->st.st_mtim) || !same_time(now.st_ctim, f->st.st_ctim))
            continue; /* written by this run */
        if (unlink(buf_str(&path)) && errno != ENOENT)
            rc = imgo_err_set(err, IMGO_EIO, "%s: cannot remove: %s", buf_str(&path), strerror(errno));
        else if (removed)
            (*removed)++;
    }
    buf_release(&path);
    return rc;
}

static int remove_file(const char *path, struct imgo_err *err)
{
    if (unlink(path) && errno != ENOENT)
        return imgo_err_set(err, IMGO_EIO, "%s: cannot remove: %s", path, strerror(errno));
    return IMGO_OK;
}

/* Is path an imgo database: an SQLite file with an ingest ledger? Opened
 * for writing, so that the journal a killed run left is rolled back first
 * (a read-only connection cannot, and would fail). */
static int is_imgo_db(const char *path)
{
    sqlite3 *db = NULL;
    int yes = 0;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ingest_ledger'",
                               -1, &st, NULL) == SQLITE_OK) {
            yes = sqlite3_step(st) == SQLITE_ROW;
            sqlite3_finalize(st);
        }
    }
    sqlite3_close(db);
    return yes;
}

int outdir_clear(const char *dir, const char *db_path, struct imgo_err *err)
{
    static const char *const top[] = { "metrics.csv", "public.csv", "report.html", "run.json" };
    struct buf path = BUF_INIT;
    int rc = IMGO_OK;
    struct stat st;
    if (!stat(db_path, &st)) {
        if (!S_ISREG(st.st_mode) || !is_imgo_db(db_path))
            rc = imgo_err_set(err, IMGO_EUSAGE, "%s: not an imgo database; not removed", db_path);
        static const char *const journals[] = { "", "-journal", "-wal", "-shm" };
        for (size_t i = 0; !rc && i < sizeof journals / sizeof journals[0]; i++) {
            buf_reset(&path);
            buf_addf(&path, "%s%s", db_path, journals[i]);
            rc = remove_file(buf_str(&path), err);
        }
    }
    for (size_t i = 0; !rc && i < sizeof top / sizeof top[0]; i++) {
        buf_reset(&path);
        buf_addf(&path, "%s/%s", dir, top[i]);
        rc = remove_file(buf_str(&path), err);
    }
    for (int i = 0; !rc && i < COHORT_NFILES; i++) {
        buf_reset(&path);
        buf_addf(&path, "%s/rejects/%s", dir, cohort_file(i)->name);
        rc = remove_file(buf_str(&path), err);
    }
    if (!rc) {
        struct outdir_snap s;
        outdir_snapshot(dir, &s);
        rc = outdir_remove_stale(dir, &s, OUTDIR_TABLES | OUTDIR_CHARTS, NULL, err);
        outdir_snap_release(&s);
    }
    /* the folders go too when nothing else is in them */
    static const char *const folders[] = { "tables", "charts", "rejects" };
    for (size_t i = 0; !rc && i < sizeof folders / sizeof folders[0]; i++) {
        buf_reset(&path);
        buf_addf(&path, "%s/%s", dir, folders[i]);
        (void)rmdir(buf_str(&path));
    }
    buf_release(&path);
    return rc;
}
