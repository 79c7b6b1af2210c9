/*
 * rprev.c - reading an earlier run's output directory for --compare-to
 * (report.h report_prev_load, rprev.h).
 *
 * run.json is read with SQLite's JSON functions on an in-memory database,
 * the file's text bound as a parameter (json_extract, json_each), not by a
 * parser of our own; public.csv with public.h, as imgo audit reads it; the
 * accreditation flags from metrics.csv with the CSV reader. A directory
 * that is not an imgo output is a usage error naming the file, so that
 * `imgo run --compare-to` stops before it ingests anything.
 */
#include "rprev.h"
#include "csvread.h"
#include "fsutil.h"
#include "mem.h"
#include "registry.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dup_col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? xstrdup((const char *)t) : NULL;
}

const char *prev_param(const struct report_prev *p, const char *key)
{
    for (size_t i = 0; i < p->n_params; i++)
        if (!strcmp(p->param_k[i], key))
            return p->param_v[i];
    return NULL;
}

/* The statement's message as a usage error about path. */
static int not_imgo(const char *path, const char *why, struct imgo_err *err)
{
    return imgo_err_set(err, IMGO_EUSAGE, "%s: %s: not the run.json of an imgo output directory", path, why);
}

/* run.json's fields into p. */
static int read_run_json(struct report_prev *p, const char *path, const struct buf *text, struct imgo_err *err)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc = IMGO_OK;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL) != SQLITE_OK) {
        rc = imgo_err_set(err, IMGO_EIO, "cannot open an in-memory database to read %s", path);
        goto out;
    }
    const char *json = text->data ? text->data : "";
    int len = (int)text->len;
    /* the whole file one JSON object with an imgo_version string (the JSON
     * functions fail on malformed text: json_valid first) */
    if (sqlite3_prepare_v2(db, "SELECT json_valid(?1)", -1, &st, NULL) != SQLITE_OK)
        goto db_error;
    sqlite3_bind_text(st, 1, json, len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        goto db_error;
    if (!sqlite3_column_int(st, 0)) {
        rc = not_imgo(path, "not JSON", err);
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT json_type(?1) = 'object', json_type(?1, '$.imgo_version'), "
                           "json_extract(?1, '$.imgo_version'), json_type(?1, '$.as_of'), "
                           "json_extract(?1, '$.as_of'), json_type(?1, '$.parameters'), json_type(?1, '$.files')",
                           -1, &st, NULL) != SQLITE_OK)
        goto db_error;
    sqlite3_bind_text(st, 1, json, len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW)
        goto db_error;
    if (!sqlite3_column_int(st, 0)) {
        rc = not_imgo(path, "not a JSON object", err);
        goto out;
    }
    const unsigned char *t = sqlite3_column_text(st, 1);
    if (!t || strcmp((const char *)t, "text")) {
        rc = not_imgo(path, "no \"imgo_version\"", err);
        goto out;
    }
    p->version = dup_col(st, 2);
    t = sqlite3_column_text(st, 3);
    if (t && !strcmp((const char *)t, "text"))
        p->as_of = dup_col(st, 4);
    const unsigned char *tp = sqlite3_column_text(st, 5), *tf = sqlite3_column_text(st, 6);
    if (!tp || strcmp((const char *)tp, "object")) {
        rc = not_imgo(path, "no \"parameters\" object", err);
        goto out;
    }
    if (!tf || strcmp((const char *)tf, "array")) {
        rc = not_imgo(path, "no \"files\" array", err);
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;

    size_t cap_k = 0, cap_v = 0;
    if (sqlite3_prepare_v2(db, "SELECT key, CAST(value AS TEXT) FROM json_each(?1, '$.parameters') ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        goto db_error;
    sqlite3_bind_text(st, 1, json, len, SQLITE_STATIC);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        ALLOC_GROW(p->param_k, p->n_params + 1, cap_k);
        ALLOC_GROW(p->param_v, p->n_params + 1, cap_v);
        char *v = dup_col(st, 1);
        p->param_k[p->n_params] = dup_col(st, 0);
        p->param_v[p->n_params++] = v ? v : xstrdup("");
    }
    if (s != SQLITE_DONE)
        goto db_error;
    sqlite3_finalize(st);
    st = NULL;

    size_t cap_f = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT json_extract(value, '$.file'), json_extract(value, '$.sha256'), "
                           "json_extract(value, '$.rows_read'), json_extract(value, '$.rows_written'), "
                           "json_extract(value, '$.rows_rejected') FROM json_each(?1, '$.files') ORDER BY id",
                           -1, &st, NULL) != SQLITE_OK)
        goto db_error;
    sqlite3_bind_text(st, 1, json, len, SQLITE_STATIC);
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) != SQLITE_TEXT || sqlite3_column_type(st, 1) != SQLITE_TEXT) {
            rc = not_imgo(path, "a \"files\" entry without its file and sha256", err);
            goto out;
        }
        ALLOC_GROW(p->files, p->n_files + 1, cap_f);
        struct prev_file *f = &p->files[p->n_files++];
        f->file = dup_col(st, 0);
        f->sha256 = dup_col(st, 1);
        f->rows_read = sqlite3_column_int64(st, 2);
        f->rows_written = sqlite3_column_int64(st, 3);
        f->rows_rejected = sqlite3_column_int64(st, 4);
    }
    if (s != SQLITE_DONE)
        goto db_error;
    goto out;
db_error:
    rc = imgo_err_set(err, IMGO_EIO, "%s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

/* The raised accreditation flags of metrics.csv (a missing file: none,
 * has_metrics 0). */
static int read_flags(struct report_prev *p, const char *path, struct imgo_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? IMGO_OK : imgo_err_set(err, IMGO_EIO, "%s: %s", path, strerror(errno));
    p->has_metrics = 1;
    static const char *const head[] = { "metric", "group", "stratum", "period", "n", "k", "value" };
    const char *flag = metric_name(M_BOARD_ACCREDITATION_FLAG);
    struct csvread rd;
    struct csvread_record rec;
    csvread_init(&rd, fd, path, 0);
    int rc = IMGO_OK, got;
    long line = 0;
    size_t cap = 0;
    while (!rc && (got = csvread_next(&rd, &rec, err)) > 0) {
        int ok = rec.nfields >= 7;
        for (size_t i = 0; ok && i < 7; i++) {
            ok = !rec.len[i] || csvread_is_utf8(rec.field[i], rec.len[i]);
            if (ok && !line)
                ok = !strcmp(rec.field[i], head[i]);
        }
        if (!ok)
            rc = imgo_err_set(err, IMGO_EUSAGE, "%s:%ld: %s", path, rec.line,
                              line ? "not a row of an imgo metrics.csv"
                                   : "not an imgo metrics.csv (its header must begin "
                                     "'metric,group,stratum,period,n,k,value')");
        else if (line++ && !strcmp(rec.field[0], flag) && !strcmp(rec.field[1], "all") &&
                 !strcmp(rec.field[6], "1")) {
            ALLOC_GROW(p->flags, p->n_flags + 1, cap);
            p->flags[p->n_flags].stratum = xstrdup(rec.field[2]);
            p->flags[p->n_flags++].period = xstrdup(rec.field[3]);
        }
    }
    if (!rc && got < 0)
        rc = err->status == IMGO_EDATA ? IMGO_EUSAGE : err->status;
    if (rc)
        err->status = rc;
    csvread_release(&rd);
    close(fd);
    return rc;
}

int report_prev_load(const char *dir, struct report_prev **out, struct imgo_err *err)
{
    *out = NULL;
    struct stat sb;
    if (stat(dir, &sb))
        return imgo_err_set(err, IMGO_EUSAGE, "%s: %s (--compare-to names an earlier run's output directory)",
                            dir, errno == ENOENT ? "no such directory" : strerror(errno));
    if (!S_ISDIR(sb.st_mode))
        return imgo_err_set(err, IMGO_EUSAGE, "%s: not a directory (--compare-to names an earlier run's output "
                            "directory)", dir);
    struct report_prev *p = xcalloc(1, sizeof *p);
    public_table_init(&p->pub);
    p->dir = xstrdup(dir);
    struct buf path = BUF_INIT, text = BUF_INIT;
    buf_addf(&path, "%s/run.json", dir);
    int rc;
    if (stat(buf_str(&path), &sb) && errno == ENOENT)
        rc = imgo_err_set(err, IMGO_EUSAGE, "%s: no such file: %s is not the output directory of an imgo run",
                          buf_str(&path), dir);
    else
        rc = fs_read_all(buf_str(&path), &text, err);
    if (!rc)
        rc = read_run_json(p, buf_str(&path), &text, err);
    if (!rc) {
        buf_reset(&path);
        buf_addf(&path, "%s/public.csv", dir);
        if (!stat(buf_str(&path), &sb)) {
            p->has_public = 1;
            rc = public_read(&p->pub, buf_str(&path), err);
            /* a public.csv imgo would not write: not an imgo output */
            if (rc == IMGO_EDATA)
                rc = err->status = IMGO_EUSAGE;
        }
    }
    if (!rc) {
        buf_reset(&path);
        buf_addf(&path, "%s/metrics.csv", dir);
        rc = read_flags(p, buf_str(&path), err);
    }
    buf_release(&path);
    buf_release(&text);
    if (rc)
        report_prev_free(p);
    else
        *out = p;
    return rc;
}

void report_prev_free(struct report_prev *p)
{
    if (!p)
        return;
    free(p->dir);
    free(p->version);
    free(p->as_of);
    for (size_t i = 0; i < p->n_params; i++) {
        free(p->param_k[i]);
        free(p->param_v[i]);
    }
    free(p->param_k);
    free(p->param_v);
    for (size_t i = 0; i < p->n_files; i++) {
        free(p->files[i].file);
        free(p->files[i].sha256);
    }
    free(p->files);
    public_table_release(&p->pub);
    for (size_t i = 0; i < p->n_flags; i++) {
        free(p->flags[i].stratum);
        free(p->flags[i].period);
    }
    free(p->flags);
    free(p);
}
