/*
 * ingest.c - the ingest stage (see ingest.h for the contract).
 *
 * One struct run per file: it owns the file descriptor, the reader, the
 * prepared statements and the rejects file for the life of the file's
 * transaction. The hot path per row is: csvread_next, validate_field per
 * column, a cached resident look-up and a copy of the values into the
 * batch; every 64 rows, one bind and step of the multi-row upsert. Nothing
 * is allocated per row or per field.
 *
 * Through an import map, the same path runs on the cohort rows that the
 * record layer (maprec.h) makes of each export record: one record is
 * written whole or rejected whole, its errors name the export's line and
 * column, and its verbatim line is what goes to the rejects file.
 */
#include "ingest.h"
#include "buf.h"
#include "cohort.h"
#include "csvread.h"
#include "date.h"
#include "db.h"
#include "encoding.h"
#include "map.h"
#include "maprec.h"
#include "mem.h"
#include "origin.h"
#include "validate.h"

#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_EVERY 65536
#define MAX_COLS 32

/* A row rejected as a duplicate key, for the second pass: its line, the
 * line of the row it duplicates and its key ("duplicate key (...)"): one
 * export line may hold several rows through a map. */
struct dup {
    long line, other;
    char *key;
};

/* Rows are written INGEST_BATCH at a time by one multi-row upsert: the
 * per-statement cost of SQLite (opening cursors, halting the VM) is then
 * paid once per batch instead of once per row, which halves the time spent
 * in SQLite. */
#define INGEST_BATCH 64

/* A validated row kept until its batch is written; texts live in the
 * batch arena (offsets, since the arena may move as it grows). */
struct bval {
    int kind;             /* BV_NULL, BV_INT, BV_REAL, BV_TEXT: what is bound */
    long long i;
    double d;
    size_t off, len;      /* the canonical text, for binding and messages */
};
enum { BV_NULL, BV_INT, BV_REAL, BV_TEXT };
struct brow {
    long line;
    struct bval v[MAX_COLS];
};

/* Where a file's rows come from: a cohort file as found, or an export read
 * through a map section. */
struct source {
    const struct cohort_file *f;
    const char *name;       /* the file as found in the directory */
    const char *path;
    const struct map_section *ms; /* NULL: no map */
    const struct map_section *others[COHORT_NFILES]; /* map sections of the same export */
    size_t nothers;
};

struct run {
    struct ingest *ig;
    const struct cohort_file *f;
    const char *name; /* as found */
    const char *path;
    const struct source *src;
    struct csvread_format fmt;
    struct maprec_plan plan;  /* through a map: made from the header */
    struct maprec_out mout;
    long nbad;        /* bad records and duplicate rows, for INGEST_REPORT_MAX */
    long unchecked;   /* rows of unknown residents, residents.csv rejected */
    long bad_utf8, bad_utf8_line; /* fields not UTF-8, and the first line of one */
    int utf8_latin1;  /* one of them is not Windows-1252 */
    long dup_hits;    /* second pass: rows found in dups */
    int fd;
    int pass;         /* 1, or 2 when redoing a file without its duplicates */
    struct csvread rd;
    struct validate_header h;
    struct validate_value vals[MAX_COLS];
    sqlite3_stmt *upsert, *rid_sel, *dup_sel, *dup_mark;
    sqlite3_int64 ingest_id;
    struct ingest_result res;
    long line;        /* of the current record */
    int row_bad;
    int row_shown;    /* an error of the current record was reported */
    struct buf msg, rowerr, header_raw;
    /* resident look-up cache: rows come grouped by resident */
    char last_id[VALIDATE_ID_MAX + 1];
    size_t last_len;
    sqlite3_int64 last_rid;
    int have_last;
    sqlite3_int64 rid;
    /* duplicates (kept with INGEST_SKIP_BAD_ROWS, for the second pass) */
    struct dup *dups;
    size_t ndups, capdups;
    long ndup_rows;
    /* good rows waiting to be written by one multi-row upsert */
    struct brow *batch;
    size_t nbatch;
    struct buf barena;
    sqlite3_stmt *upsert_batch;
    /* rejects */
    FILE *rej;
    struct buf rej_tmp, rej_final;
    const char *const *labels;     /* of the current row's columns, for messages */
    struct buf res_label;          /* res.file */
};

static void message(struct ingest *ig, int warning, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void message(struct ingest *ig, int warning, const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    if (ig->o.sink.message)
        ig->o.sink.message(ig->o.sink.ctx, warning, buf_str(&b));
    buf_release(&b);
}

/* ---- set-up ------------------------------------------------------------- */

int ingest_init(struct ingest *ig, sqlite3 *db, const struct ingest_opts *o, struct imgo_err *err)
{
    memset(ig, 0, sizeof *ig);
    ig->db = db;
    ig->o = *o;
    /* The rollback journal and synchronous = FULL stay as they are: a
     * killed process or a power cut leaves the database as before the
     * file's transaction, and with one transaction per file the syncs cost
     * nothing to speak of; pages appended to a growing database are not
     * journaled, so a first load costs little extra. */
    int rc = db_exec(db,
                     "PRAGMA foreign_keys = OFF;"
                     "PRAGMA cache_size = -65536;",
                     err);
    return rc;
}

void ingest_release(struct ingest *ig)
{
    if (ig->db)
        db_exec(ig->db, "PRAGMA foreign_keys = ON", NULL);
    ig->db = NULL;
    for (size_t i = 0; i < ig->nstated; i++)
        free(ig->stated[i]);
    free(ig->stated);
    ig->stated = NULL;
    ig->nstated = 0;
}

/* ---- SQL built from the cohort table (names only, never data) ----------- */

static const char *db_col(const struct run *r, size_t c)
{
    if (r->f->id != COHORT_RESIDENTS && !strcmp(r->f->cols[c].name, "resident_id"))
        return "rid";
    return r->f->cols[c].name;
}

/* The upsert of nrows rows (parameters numbered row by row). */
static void build_upsert(const struct run *r, size_t nrows, struct buf *sql)
{
    const struct cohort_file *f = r->f;
    size_t per = f->ncols + 2;
    buf_addf(sql, "INSERT INTO %s (", f->table);
    for (size_t c = 0; c < f->ncols; c++)
        buf_addf(sql, "%s, ", db_col(r, c));
    buf_adds(sql, "ingest_id, line) VALUES ");
    for (size_t k = 0; k < nrows; k++) {
        buf_adds(sql, k ? ", (" : "(");
        for (size_t c = 0; c < per; c++)
            buf_addf(sql, "%s?%zu", c ? ", " : "", k * per + c + 1);
        buf_adds(sql, ")");
    }
    buf_adds(sql, " ON CONFLICT (");
    int first = 1;
    for (size_t c = 0; c < f->ncols; c++)
        if (f->cols[c].flags & COHORT_KEY) {
            buf_addf(sql, "%s%s", first ? "" : ", ", db_col(r, c));
            first = 0;
        }
    buf_adds(sql, ") DO UPDATE SET ");
    /* A column absent from this file's header leaves stored values alone. */
    for (size_t c = 0; c < f->ncols; c++)
        if (!(f->cols[c].flags & COHORT_KEY) && r->h.field_of[c] >= 0)
            buf_addf(sql, "%s = excluded.%s, ", db_col(r, c), db_col(r, c));
    buf_addf(sql, "ingest_id = excluded.ingest_id, line = excluded.line WHERE %s.ingest_id <> "
                  "excluded.ingest_id",
             f->table);
}

/* "WHERE k1 = ?1 AND ..." over the key columns, numbered in key order. */
static void build_key_where(const struct run *r, struct buf *sql)
{
    int k = 0;
    buf_adds(sql, " WHERE ");
    for (size_t c = 0; c < r->f->ncols; c++)
        if (r->f->cols[c].flags & COHORT_KEY) {
            k++;
            buf_addf(sql, "%s%s = ?%d", k > 1 ? " AND " : "", db_col(r, c), k);
        }
}

/* Keeps the current row's value of column c in row b. */
static void store_value(struct run *r, struct brow *b, size_t c)
{
    const struct validate_value *v = &r->vals[c];
    struct bval *x = &b->v[c];
    x->off = r->barena.len;
    x->len = v->len;
    buf_add(&r->barena, v->s, v->len);
    if (r->f->id != COHORT_RESIDENTS && c == 0) {
        x->kind = BV_INT;
        x->i = r->rid;
        return;
    }
    if (v->missing) {
        x->kind = BV_NULL;
        return;
    }
    switch (r->f->cols[c].type) {
    case COHORT_DATE:
    case COHORT_INT:
        x->kind = BV_INT;
        x->i = v->i;
        break;
    case COHORT_NUM:
        x->kind = BV_REAL;
        x->d = v->d;
        break;
    default:
        x->kind = BV_TEXT;
        break;
    }
}

static int bind_stored(struct run *r, sqlite3_stmt *st, int i, const struct bval *x)
{
    switch (x->kind) {
    case BV_INT:
        return sqlite3_bind_int64(st, i, x->i);
    case BV_REAL:
        return sqlite3_bind_double(st, i, x->d);
    case BV_TEXT:
        return sqlite3_bind_text(st, i, r->barena.data + x->off, (int)x->len, SQLITE_STATIC);
    default:
        return sqlite3_bind_null(st, i);
    }
}

/* Binds row b as the params first+1 .. first+ncols+2 of st. */
static int bind_row(struct run *r, sqlite3_stmt *st, int first, const struct brow *b)
{
    size_t n = r->f->ncols;
    for (size_t c = 0; c < n; c++)
        if (bind_stored(r, st, first + (int)c + 1, &b->v[c]) != SQLITE_OK)
            return -1;
    if (sqlite3_bind_int64(st, first + (int)n + 1, r->ingest_id) != SQLITE_OK ||
        sqlite3_bind_int64(st, first + (int)n + 2, b->line) != SQLITE_OK)
        return -1;
    return 0;
}

static int bind_key(struct run *r, sqlite3_stmt *st, const struct brow *b)
{
    int k = 0;
    for (size_t c = 0; c < r->f->ncols; c++)
        if (r->f->cols[c].flags & COHORT_KEY)
            if (bind_stored(r, st, ++k, &b->v[c]) != SQLITE_OK)
                return -1;
    return 0;
}

/* ---- errors of rows --------------------------------------------------- */

static void row_error(struct run *r, long line, const char *col, const char *msg)
{
    if (r->pass == 1 && r->nbad <= INGEST_REPORT_MAX) {
        if (col)
            message(r->ig, 0, "%s:%ld:%s: %s", r->name, line, col, msg);
        else
            message(r->ig, 0, "%s:%ld: %s", r->name, line, msg);
    }
}

/* 1 when the current record's errors already hold "col: msg" (a record
 * of several rows through a map meets the same error on each). */
static int said(struct run *r, const char *col, const char *msg)
{
    struct buf e = BUF_INIT;
    if (col)
        buf_addf(&e, "%s: ", col);
    buf_adds(&e, msg);
    const char *all = buf_str(&r->rowerr), *at = all;
    int found = 0;
    while (!found && (at = strstr(at, buf_str(&e)))) {
        found = (at == all || !strncmp(at - 2, "; ", 2)) && (at[e.len] == '\0' || at[e.len] == ';');
        at++;
    }
    buf_release(&e);
    return found;
}

/* An error of the current record (col NULL: of the whole record); quiet:
 * kept for the rejects file but not reported. */
static void record_error(struct run *r, const char *col, const char *msg, int quiet)
{
    if (r->src->ms && said(r, col, msg))
        return;
    if (!r->row_bad) {
        r->row_bad = 1;
        r->res.rows_rejected++;
    }
    /* A record counts towards the report's limit once something of it is
     * reported. */
    if (!quiet && !r->row_shown) {
        r->row_shown = 1;
        r->nbad++;
    }
    if (!quiet)
        row_error(r, r->line, col, msg);
    if (r->rowerr.len)
        buf_adds(&r->rowerr, "; ");
    if (col)
        buf_addf(&r->rowerr, "%s: ", col);
    buf_adds(&r->rowerr, msg);
}

static void cur_error(struct run *r, const char *col, const char *msg)
{
    record_error(r, col, msg, 0);
}

static void on_rule(void *ctx, int col, const char *msg)
{
    struct run *r = ctx;
    cur_error(r, r->labels[col], msg);
}

/* "duplicate key (col "v", ...)" of row b, or of the current row when b
 * is NULL. */
static void key_text(struct run *r, const struct brow *b, struct buf *out)
{
    int first = 1;
    buf_adds(out, "duplicate key (");
    for (size_t c = 0; c < r->f->ncols; c++)
        if (r->f->cols[c].flags & COHORT_KEY) {
            buf_addf(out, "%s%s ", first ? "" : ", ", r->f->cols[c].name);
            if (b)
                validate_quote(out, r->barena.data + b->v[c].off, b->v[c].len);
            else
                validate_quote(out, r->vals[c].s, r->vals[c].len);
            first = 0;
        }
    buf_adds(out, ")");
}

/* ---- rejects file ------------------------------------------------------ */

static int rejects_open(struct run *r, struct imgo_err *err)
{
    const char *dir = r->ig->o.rejects_dir;
    if (mkdir(dir, 0777) && errno != EEXIST)
        return imgo_err_set(err, IMGO_EIO, "%s: cannot create rejects directory: %s", dir,
                            strerror(errno));
    buf_reset(&r->rej_tmp);
    buf_reset(&r->rej_final);
    buf_addf(&r->rej_tmp, "%s/.%s.tmp", dir, r->f->name);
    buf_addf(&r->rej_final, "%s/%s", dir, r->f->name);
    r->rej = fopen(buf_str(&r->rej_tmp), "wb");
    if (!r->rej)
        return imgo_err_set(err, IMGO_EIO, "%s: %s", buf_str(&r->rej_tmp), strerror(errno));
    fwrite(r->header_raw.data, 1, r->header_raw.len, r->rej);
    fprintf(r->rej, "%cerror\n", r->fmt.delim);
    return 0;
}

static void rejects_row(struct run *r, const char *raw, size_t len)
{
    if (!r->rej)
        return;
    fwrite(raw, 1, len, r->rej);
    fputc(r->fmt.delim, r->rej);
    csv_fwrite(r->rej, r->rowerr.data ? r->rowerr.data : "", r->rowerr.len);
    fputc('\n', r->rej);
}

static void rejects_abandon(struct run *r)
{
    if (r->rej) {
        fclose(r->rej);
        r->rej = NULL;
        unlink(buf_str(&r->rej_tmp));
    }
}

/* Moves the rejects into place: REJECTS/FILE is replaced, or appended to
 * when an earlier directory of this run already wrote it. */
static int rejects_commit(struct run *r, struct imgo_err *err)
{
    if (!r->rej)
        return 0;
    unsigned bit = 1u << r->f->id;
    int bad = ferror(r->rej) | fclose(r->rej);
    r->rej = NULL;
    if (bad) {
        unlink(buf_str(&r->rej_tmp));
        return imgo_err_set(err, IMGO_EIO, "%s: write error", buf_str(&r->rej_tmp));
    }
    if (r->res.rows_rejected == 0) {
        unlink(buf_str(&r->rej_tmp));
        if (!(r->ig->rejects_started & bit))
            unlink(buf_str(&r->rej_final));
        return 0;
    }
    if (!(r->ig->rejects_started & bit)) {
        r->ig->rejects_started |= bit;
        if (rename(buf_str(&r->rej_tmp), buf_str(&r->rej_final)))
            return imgo_err_set(err, IMGO_EIO, "%s: %s", buf_str(&r->rej_final), strerror(errno));
        return 0;
    }
    FILE *in = fopen(buf_str(&r->rej_tmp), "rb"), *out = fopen(buf_str(&r->rej_final), "ab");
    int rc = 0;
    if (!in || !out) {
        rc = imgo_err_set(err, IMGO_EIO, "%s: %s", buf_str(&r->rej_final), strerror(errno));
    } else {
        int c, body = 0;
        char blk[65536];
        /* skip the header line of this part, copy the rest */
        while (!body && (c = getc(in)) != EOF)
            body = c == '\n';
        size_t n;
        while ((n = fread(blk, 1, sizeof blk, in)) > 0)
            fwrite(blk, 1, n, out);
        if (ferror(out))
            rc = imgo_err_set(err, IMGO_EIO, "%s: write error", buf_str(&r->rej_final));
    }
    if (in)
        fclose(in);
    if (out && fclose(out) && !rc)
        rc = imgo_err_set(err, IMGO_EIO, "%s: write error", buf_str(&r->rej_final));
    unlink(buf_str(&r->rej_tmp));
    return rc;
}

/* ---- one row ------------------------------------------------------------ */

static int lookup_rid(struct run *r, const struct validate_value *v, struct imgo_err *err)
{
    if (r->have_last && v->len == r->last_len && !memcmp(v->s, r->last_id, v->len)) {
        r->rid = r->last_rid;
        return 1;
    }
    sqlite3_reset(r->rid_sel);
    sqlite3_bind_text(r->rid_sel, 1, v->s, (int)v->len, SQLITE_STATIC);
    int rc = sqlite3_step(r->rid_sel);
    if (rc == SQLITE_ROW) {
        r->rid = sqlite3_column_int64(r->rid_sel, 0);
        memcpy(r->last_id, v->s, v->len);
        r->last_len = v->len;
        r->last_rid = r->rid;
        r->have_last = 1;
        sqlite3_reset(r->rid_sel);
        return 1;
    }
    sqlite3_reset(r->rid_sel);
    if (rc != SQLITE_DONE)
        return db_error(r->ig->db, err), -1;
    return 0;
}

static int dup_cmp(const void *a, const void *b)
{
    const struct dup *x = a, *y = b;
    int c = (x->line > y->line) - (x->line < y->line);
    return c ? c : strcmp(x->key, y->key);
}

static void dup_add(struct run *r, long line, long other, const char *key)
{
    if (r->ndups == r->capdups) {
        r->capdups = r->capdups ? 2 * r->capdups : 64;
        r->dups = xrealloc(r->dups, r->capdups * sizeof *r->dups);
    }
    r->dups[r->ndups].line = line;
    r->dups[r->ndups].other = other;
    r->dups[r->ndups].key = xstrdup(key);
    r->ndups++;
}

static void dups_free(struct run *r)
{
    for (size_t i = 0; i < r->ndups; i++)
        free(r->dups[i].key);
    free(r->dups);
    r->dups = NULL;
    r->ndups = r->capdups = 0;
}

/* Row b of this ingest may not have been written because an earlier row of
 * this ingest has its key: reads the stored row's line, and when it is not
 * b's own, reports both (the earlier one once: its line is then negated).
 * The rows are written to rejects by the second pass (--skip-bad-rows) or
 * not at all (the file is rejected). */
static int duplicate_row(struct run *r, const struct brow *b, struct imgo_err *err)
{
    sqlite3 *db = r->ig->db;
    if (!r->dup_sel) {
        struct buf sql = BUF_INIT;
        buf_addf(&sql, "SELECT line FROM %s", r->f->table);
        build_key_where(r, &sql);
        int rc = db_prepare(db, buf_str(&sql), &r->dup_sel, err);
        buf_reset(&sql);
        buf_addf(&sql, "UPDATE %s SET line = -line", r->f->table);
        build_key_where(r, &sql);
        if (!rc)
            rc = db_prepare(db, buf_str(&sql), &r->dup_mark, err);
        buf_release(&sql);
        if (rc)
            return rc;
    }
    sqlite3_reset(r->dup_sel);
    if (bind_key(r, r->dup_sel, b) || sqlite3_step(r->dup_sel) != SQLITE_ROW) {
        sqlite3_reset(r->dup_sel);
        return db_error(db, err);
    }
    long first = (long)sqlite3_column_int64(r->dup_sel, 0);
    sqlite3_reset(r->dup_sel);
    if (first == b->line || first == -b->line)
        return 0; /* b itself was written */
    struct buf m = BUF_INIT;
    key_text(r, b, &m);
    size_t keylen = m.len;
    if (first > 0) {
        sqlite3_reset(r->dup_mark);
        if (bind_key(r, r->dup_mark, b) || sqlite3_step(r->dup_mark) != SQLITE_DONE) {
            sqlite3_reset(r->dup_mark);
            buf_release(&m);
            return db_error(db, err);
        }
        sqlite3_reset(r->dup_mark);
        r->res.rows_rejected++;
        r->nbad++;
        buf_addf(&m, " also on line %ld", b->line);
        row_error(r, first, NULL, buf_str(&m));
        m.len = keylen;
        m.data[keylen] = '\0';
        if (r->ig->o.flags & INGEST_SKIP_BAD_ROWS)
            dup_add(r, first, b->line, buf_str(&m));
    } else {
        first = -first;
    }
    m.len = keylen;
    m.data[keylen] = '\0';
    if (r->ig->o.flags & INGEST_SKIP_BAD_ROWS)
        dup_add(r, b->line, first, buf_str(&m));
    buf_addf(&m, " also on line %ld", first);
    r->res.rows_rejected++;
    r->nbad++;
    row_error(r, b->line, NULL, buf_str(&m));
    buf_release(&m);
    return 0;
}

/* Writes the batch: full batches of INGEST_BATCH rows with the multi-row
 * statement, the rest (the end of a file, or what a record of several rows
 * left over) row by row. Fewer changes than rows means that some rows met
 * a key already written by this ingest: each is looked at. */
static int flush_batch(struct run *r, struct imgo_err *err)
{
    sqlite3 *db = r->ig->db;
    size_t n = r->nbatch, done = 0;
    int rc;
    if (n == 0)
        return 0;
    for (; n - done >= INGEST_BATCH; done += INGEST_BATCH) {
        sqlite3_stmt *st = r->upsert_batch;
        int per = (int)r->f->ncols + 2;
        for (size_t k = 0; k < INGEST_BATCH; k++)
            if (bind_row(r, st, (int)k * per, &r->batch[done + k]))
                return db_error(db, err);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return db_error(db, err);
        if ((size_t)sqlite3_changes(db) < INGEST_BATCH)
            for (size_t k = 0; k < INGEST_BATCH; k++)
                if ((rc = duplicate_row(r, &r->batch[done + k], err)))
                    return rc;
    }
    for (size_t k = done; k < n; k++) {
        if (bind_row(r, r->upsert, 0, &r->batch[k]))
            return db_error(db, err);
        rc = sqlite3_step(r->upsert);
        sqlite3_reset(r->upsert);
        if (rc != SQLITE_DONE)
            return db_error(db, err);
        if (sqlite3_changes(db) == 0 && (rc = duplicate_row(r, &r->batch[k], err)))
            return rc;
    }
    r->nbatch = 0;
    buf_reset(&r->barena);
    return 0;
}

/* Notes a field that is not UTF-8, for the hint at the end of the file. */
static void note_not_utf8(struct run *r, const char *s, size_t len)
{
    if (memchr(s, '\0', len) || csvread_is_utf8(s, len))
        return;
    if (!r->bad_utf8++)
        r->bad_utf8_line = r->line;
    if (encoding_guess(s, len) == ENC_LATIN1)
        r->utf8_latin1 = 1;
}

/* Validates one cohort row of the current record: field[c] (len[c] bytes,
 * NULL when the column is absent) for each column, reported on label[c];
 * quiet[c]: the record has already reported that column (a field shared
 * by the rows of an unpivoted record); mapped_bad[c]: the map could not
 * make a value of it (reported). Fills r->vals; errors make the record
 * bad. Returns 0, or -1 on a database failure. */
static int check_row(struct run *r, char *const *field, const size_t *len, const char *const *label,
                     const unsigned char *quiet, const unsigned char *mapped_bad, struct imgo_err *err)
{
    const struct cohort_file *f = r->f;
    r->labels = label;
    for (size_t c = 0; c < f->ncols; c++) {
        if (mapped_bad && mapped_bad[c]) {
            memset(&r->vals[c], 0, sizeof r->vals[c]);
            r->vals[c].bad = 1;
            r->vals[c].s = "";
            continue;
        }
        if (!field[c]) {
            memset(&r->vals[c], 0, sizeof r->vals[c]);
            r->vals[c].missing = 1;
            r->vals[c].s = "";
            continue;
        }
        buf_reset(&r->msg);
        if (validate_field(&f->cols[c], field[c], len[c], &r->vals[c], &r->msg)) {
            if (!quiet || !quiet[c]) {
                note_not_utf8(r, field[c], len[c]);
                cur_error(r, label[c], buf_str(&r->msg));
            } else {
                record_error(r, label[c], buf_str(&r->msg), 1);
            }
        }
    }
    validate_row(f, r->vals, on_rule, r);
    if (f->id != COHORT_RESIDENTS && !r->vals[0].bad) {
        int found = lookup_rid(r, &r->vals[0], err);
        if (found < 0)
            return -1;
        if (!found) {
            buf_reset(&r->msg);
            validate_quote(&r->msg, r->vals[0].s, r->vals[0].len);
            if (r->ig->residents_bad) {
                /* One line for the file at its end, not one per row. */
                buf_addf(&r->msg, " not checked: %s", r->ig->residents_bad);
                r->unchecked++;
                record_error(r, label[0], buf_str(&r->msg), 1);
            } else {
                buf_adds(&r->msg, " is not a known resident");
                cur_error(r, label[0], buf_str(&r->msg));
            }
        }
    }
    /* Every row of a record is looked up: a record of several rows may
     * hold a duplicate after a row that made it bad. */
    if (r->pass == 2 && r->ndups) {
        struct dup key = { r->line, 0, NULL };
        buf_reset(&r->msg);
        key_text(r, NULL, &r->msg);
        key.key = r->msg.data;
        struct dup *d = bsearch(&key, r->dups, r->ndups, sizeof *r->dups, dup_cmp);
        if (d) {
            r->dup_hits++;
            buf_addf(&r->msg, " also on line %ld", d->other);
            cur_error(r, NULL, buf_str(&r->msg));
        }
    }
    return 0;
}

/* Keeps the current row (r->vals) in the batch. */
static void push_row(struct run *r)
{
    struct brow *b = &r->batch[r->nbatch++];
    b->line = r->line;
    for (size_t c = 0; c < r->f->ncols; c++)
        store_value(r, b, c);
}

/* A record read without a map: one row. */
static int do_row(struct run *r, const struct csvread_record *rec, struct imgo_err *err)
{
    const struct cohort_file *f = r->f;
    char *field[MAX_COLS];
    size_t len[MAX_COLS];
    const char *label[MAX_COLS];
    r->line = rec->line;
    r->row_bad = r->row_shown = 0;
    buf_reset(&r->rowerr);
    r->res.rows_read++;
    if (rec->nfields != r->h.nfields) {
        buf_reset(&r->msg);
        buf_addf(&r->msg, "%zu fields, the header has %zu", rec->nfields, r->h.nfields);
        cur_error(r, NULL, buf_str(&r->msg));
        goto bad;
    }
    for (size_t c = 0; c < f->ncols; c++) {
        int fi = r->h.field_of[c];
        field[c] = fi < 0 ? NULL : rec->field[fi];
        len[c] = fi < 0 ? 0 : rec->len[fi];
        label[c] = f->cols[c].name;
    }
    if (check_row(r, field, len, label, NULL, NULL, err))
        return -1;
    if (r->row_bad)
        goto bad;
    push_row(r);
    if (r->nbatch == INGEST_BATCH && flush_batch(r, err))
        return -1;
    return 0;
bad:
    rejects_row(r, rec->raw, rec->raw_len);
    return 0;
}

static void on_map_error(void *ctx, size_t row, const char *label, const char *msg)
{
    struct run *r = ctx;
    (void)row;
    cur_error(r, label, msg);
}

/* A record of an export read through a map: zero or more rows, written
 * all together or not at all. */
static int do_record(struct run *r, const struct csvread_record *rec, struct imgo_err *err)
{
    const struct cohort_file *f = r->f;
    struct maprec_out *o = &r->mout;
    char *field[MAX_COLS];
    size_t len[MAX_COLS];
    unsigned char quiet[MAX_COLS];
    if (!maprec_wanted(&r->plan, rec))
        return 0;
    r->line = rec->line;
    r->row_bad = r->row_shown = 0;
    buf_reset(&r->rowerr);
    if (rec->nfields != r->h.nfields) {
        r->res.rows_read++;
        buf_reset(&r->msg);
        buf_addf(&r->msg, "%zu fields, the header has %zu", rec->nfields, r->h.nfields);
        cur_error(r, NULL, buf_str(&r->msg));
        rejects_row(r, rec->raw, rec->raw_len);
        return 0;
    }
    maprec_apply(&r->plan, rec, o, on_map_error, r);
    if (o->nrows == 0)
        return 0;
    r->res.rows_read += (long)o->nrows;
    size_t nbatch = r->nbatch, arena = r->barena.len;
    for (size_t k = 0; k < o->nrows; k++) {
        for (size_t c = 0; c < f->ncols; c++) {
            field[c] = maprec_field(o, &r->plan, k, c, &len[c]);
            quiet[c] = k > 0 && o->off[k * f->ncols + c] == o->off[c];
        }
        if (check_row(r, field, len, o->label + k * f->ncols, quiet, o->bad + k * f->ncols, err))
            return -1;
        if (!r->row_bad)
            push_row(r);
    }
    if (r->row_bad) {
        /* The record's other rows count as rejected with it. */
        r->res.rows_rejected += (long)o->nrows - 1;
        r->nbatch = nbatch;
        r->barena.len = arena;
        rejects_row(r, rec->raw, rec->raw_len);
        return 0;
    }
    if (r->nbatch >= INGEST_BATCH && flush_batch(r, err))
        return -1;
    return 0;
}

/* ---- one file ------------------------------------------------------------- */

/* A header of one column that holds ';' or tabs: the file is separated by
 * them, not by commas. Reports it as the file's error; returns 1 when so. */
static int other_delimiter(struct run *r, const struct csvread_record *hdr)
{
    if (hdr->nfields != 1 || r->fmt.delim != ',')
        return 0;
    const char *h = hdr->field[0];
    char d = memchr(h, ';', hdr->len[0]) ? ';' : memchr(h, '\t', hdr->len[0]) ? '\t' : 0;
    if (!d)
        return 0;
    if (r->pass == 1)
        message(r->ig, 0, "%s:%ld: the file is %s-separated, not comma-separated: a map with "
                          "\"delimiter = %s\" reads it, see docs/MAPS.md",
                r->name, r->line, encoding_delim_name(d), d == ';' ? ";" : "tab");
    return 1;
}

static void on_header(void *ctx, int is_error, const char *msg)
{
    struct run *r = ctx;
    if (r->pass != 1)
        return;
    message(r->ig, !is_error, "%s%s:%ld: %s", is_error ? "" : "warning: ", r->name,
            r->line, msg);
}

static int hash_file(struct run *r, struct imgo_err *err)
{
    struct sha256_ctx h;
    uint8_t d[SHA256_DIGEST_SIZE];
    size_t cap = 1u << 20;
    char *b = xmalloc(cap);
    sha256_init(&h);
    for (;;) {
        ssize_t n = read(r->fd, b, cap);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            free(b);
            return imgo_err_set(err, IMGO_EIO, "%s: %s", r->path, strerror(errno));
        }
        if (n == 0)
            break;
        sha256_update(&h, (size_t)n, (const uint8_t *)b);
    }
    free(b);
    sha256_digest(&h, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(r->res.sha256 + 2 * i, 3, "%02x", d[i]);
    if (lseek(r->fd, 0, SEEK_SET) < 0)
        return imgo_err_set(err, IMGO_EIO, "%s: %s", r->path, strerror(errno));
    return 0;
}

/* The map's digest when the file is read through one, else NULL. */
static const char *map_digest(const struct run *r)
{
    return r->src->ms ? r->ig->o.map->sha256 : NULL;
}

static int already_ingested(struct run *r, int *same, struct imgo_err *err)
{
    sqlite3_stmt *st;
    *same = 0;
    int rc = db_prepare(r->ig->db,
                        "SELECT sha256, (SELECT map_sha256 FROM ingest_map WHERE ingest_id = l.id) IS ?2 "
                        "FROM ingest_ledger l WHERE file = ?1 ORDER BY id DESC LIMIT 1",
                        &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, r->f->name, -1, SQLITE_STATIC);
    if (map_digest(r))
        sqlite3_bind_text(st, 2, map_digest(r), -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *s = sqlite3_column_text(st, 0);
        *same = s && !strcmp((const char *)s, r->res.sha256) && sqlite3_column_int(st, 1);
    } else if (rc != SQLITE_DONE) {
        sqlite3_finalize(st);
        return db_error(r->ig->db, err);
    }
    sqlite3_finalize(st);
    return 0;
}

static int ledger_insert(struct run *r, struct imgo_err *err)
{
    sqlite3_stmt *st;
    char now[32];
    date_utc_now(now);
    int rc = db_prepare(r->ig->db,
                        "INSERT INTO ingest_ledger (file, path, sha256, rows_read, rows_written, "
                        "rows_rejected, ingested_at) VALUES (?1, ?2, ?3, 0, 0, 0, ?4)",
                        &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, r->f->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->res.sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_error(r->ig->db, err);
    r->ingest_id = sqlite3_last_insert_rowid(r->ig->db);
    /* the input this file came from, with its ledger row: a database
     * records exactly the inputs it holds data from (origin.h) */
    if (r->ig->origin && (rc = origin_record(r->ig->db, r->ig->origin, err)))
        return rc;
    if (!map_digest(r))
        return 0;
    rc = db_prepare(r->ig->db, "INSERT INTO ingest_map (ingest_id, map_sha256) VALUES (?1, ?2)", &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, r->ingest_id);
    sqlite3_bind_text(st, 2, map_digest(r), -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_error(r->ig->db, err);
}

static int ledger_update(struct run *r, struct imgo_err *err)
{
    sqlite3_stmt *st;
    int rc = db_prepare(r->ig->db,
                        "UPDATE ingest_ledger SET rows_read = ?1, rows_written = ?2, "
                        "rows_rejected = ?3 WHERE id = ?4",
                        &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, r->res.rows_read);
    sqlite3_bind_int64(st, 2, r->res.rows_written);
    sqlite3_bind_int64(st, 3, r->res.rows_rejected);
    sqlite3_bind_int64(st, 4, r->ingest_id);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_error(r->ig->db, err);
}

static void finalize_stmts(struct run *r)
{
    sqlite3_finalize(r->upsert);
    sqlite3_finalize(r->rid_sel);
    sqlite3_finalize(r->dup_sel);
    sqlite3_finalize(r->dup_mark);
    sqlite3_finalize(r->upsert_batch);
    r->upsert = r->rid_sel = r->dup_sel = r->dup_mark = r->upsert_batch = NULL;
}

/* One pass over the file inside the open transaction. Returns 0 (rows may
 * have been rejected), 1 when the file is rejected whole (reported), -1 on
 * a database failure or -2 when the file could not be read (err). */
static int pass(struct run *r, struct imgo_err *err)
{
    struct csvread_record rec;
    struct imgo_err rerr = IMGO_ERR_INIT;
    struct ingest_sink *sink = &r->ig->o.sink;
    int rc;

    csvread_init_format(&r->rd, r->fd, r->name, (r->ig->o.flags & INGEST_SKIP_BAD_ROWS) != 0, &r->fmt);
    r->have_last = 0;
    r->res.rows_read = r->res.rows_rejected = 0;
    r->nbad = r->unchecked = r->bad_utf8 = r->dup_hits = 0;
    r->utf8_latin1 = 0;
    r->ndup_rows = 0;
    r->nbatch = 0;
    buf_reset(&r->barena);
    rc = csvread_next(&r->rd, &rec, &rerr);
    if (rc == 0) {
        if (r->pass == 1)
            message(r->ig, 0, "%s:1: empty file (no header)", r->name);
        rc = 1;
        goto out;
    }
    if (rc < 0)
        goto read_failed;
    r->line = rec.line;
    if (other_delimiter(r, &rec)) {
        rc = 1;
        goto out;
    }
    if (r->src->ms) {
        maprec_release(&r->plan);
        if (maprec_plan(&r->plan, r->ig->o.map, r->f, &rec, r->src->others, r->src->nothers,
                        (r->ig->o.flags & INGEST_STRICT) ? MAPREC_STRICT : 0, on_header, r)) {
            rc = 1;
            goto out;
        }
        r->h.nfields = rec.nfields;
        for (size_t c = 0; c < r->f->ncols; c++)
            r->h.field_of[c] = r->plan.kind[c] != MAPREC_ABSENT ? (int)c : -1;
    } else if (validate_header(r->f, &rec, (r->ig->o.flags & INGEST_STRICT) ? VALIDATE_STRICT : 0,
                               &r->h, on_header, r)) {
        rc = 1;
        goto out;
    }
    buf_reset(&r->header_raw);
    buf_add(&r->header_raw, rec.raw, rec.raw_len);
    if (!r->upsert) {
        struct buf sql = BUF_INIT;
        build_upsert(r, 1, &sql);
        rc = db_prepare(r->ig->db, buf_str(&sql), &r->upsert, err);
        buf_reset(&sql);
        build_upsert(r, INGEST_BATCH, &sql);
        if (!rc)
            rc = db_prepare(r->ig->db, buf_str(&sql), &r->upsert_batch, err);
        buf_release(&sql);
        if (!rc && r->f->id != COHORT_RESIDENTS)
            rc = db_prepare(r->ig->db, "SELECT rid FROM residents WHERE resident_id = ?1", &r->rid_sel,
                            err);
        if (rc) {
            rc = -1;
            goto out;
        }
    }
    if ((r->ig->o.flags & INGEST_SKIP_BAD_ROWS) && rejects_open(r, err)) {
        rc = -1;
        goto out;
    }
    while ((rc = csvread_next(&r->rd, &rec, &rerr)) > 0) {
        if (r->src->ms ? do_record(r, &rec, err) : do_row(r, &rec, err)) {
            rc = -1;
            goto out;
        }
        if (sink->progress && r->res.rows_read % PROGRESS_EVERY == 0)
            sink->progress(sink->ctx, r->name, r->res.rows_read, csvread_offset(&r->rd), 0);
    }
    if (rc < 0)
        goto read_failed;
    if (flush_batch(r, err)) {
        rc = -1;
        goto out;
    }
    if (r->pass == 1 && r->nbad > INGEST_REPORT_MAX)
        message(r->ig, 0, "%s: %ld more bad rows not shown (%ld in all)", r->name,
                r->nbad - INGEST_REPORT_MAX, r->nbad);
    if (r->pass == 1 && r->bad_utf8 && r->fmt.encoding == ENC_UTF8)
        message(r->ig, 0, "%s: %ld field%s not valid UTF-8, the first on line %ld: %s", r->name,
                r->bad_utf8, r->bad_utf8 > 1 ? "s" : "", r->bad_utf8_line,
                encoding_hint(r->utf8_latin1 ? ENC_LATIN1 : ENC_WINDOWS_1252));
    if (r->pass == 1 && r->unchecked)
        message(r->ig, 0, "%s: not checked: %s", r->name, r->ig->residents_bad);
    rc = 0;
    goto out;
read_failed:
    if (rerr.status == IMGO_EIO) {
        imgo_err_set(err, IMGO_EIO, "%s", rerr.msg);
        rc = -2;
    } else {
        if (r->pass == 1)
            message(r->ig, 0, "%s", rerr.msg);
        rc = 1;
    }
out:
    if (sink->progress)
        sink->progress(sink->ctx, r->name, r->res.rows_read, csvread_offset(&r->rd), 1);
    csvread_release(&r->rd);
    return rc;
}

/* Begins the file's transaction, unless ingest_file already has. */
static int begin_file(struct run *r, struct imgo_err *err)
{
    int rc = sqlite3_get_autocommit(r->ig->db) ? db_exec(r->ig->db, "BEGIN IMMEDIATE", err) : 0;
    if (!rc)
        rc = ledger_insert(r, err);
    return rc;
}

/* States once per export file how it is read, when the map leaves its
 * encoding or delimiter to be detected. */
static void state_detection(struct run *r, int enc_detected, int delim_detected)
{
    struct ingest *ig = r->ig;
    for (size_t i = 0; i < ig->nstated; i++)
        if (!strcmp(ig->stated[i], r->path))
            return;
    ig->stated = xrealloc(ig->stated, (ig->nstated + 1) * sizeof *ig->stated);
    ig->stated[ig->nstated++] = xstrdup(r->path);
    const char *enc = encoding_name(r->fmt.encoding), *d = encoding_delim_name(r->fmt.delim);
    if (enc_detected && delim_detected)
        message(ig, 1, "%s: read as %s, %s-separated (detected)", r->name, enc, d);
    else if (enc_detected)
        message(ig, 1, "%s: read as %s (detected)", r->name, enc);
    else
        message(ig, 1, "%s: read as %s-separated (detected)", r->name, d);
}

/* The encoding and delimiter of a file read through a map: the map's, or
 * detected. Returns 0, or 1 when the file is refused (reported). */
static int choose_format(struct run *r, struct imgo_err *err)
{
    const struct imgo_map *m = r->ig->o.map;
    int enc = map_encoding(m, r->f->id);
    char d = map_delim(m, r->f->id);
    struct encoding_sniff sn;
    if (enc >= 0 && d && enc == ENC_UTF8) {
        r->fmt.encoding = ENC_UTF8;
        r->fmt.delim = d;
        return 0;
    }
    if (encoding_sniff_fd(r->fd, r->path, &sn, err))
        return -1;
    /* A workbook, UTF-16 or binary: the reader says what it is. */
    if (sn.kind != SNIFF_TEXT)
        return 0;
    if (enc > ENC_UTF8 && sn.bom) {
        message(r->ig, 0, "%s:1: the file starts with a UTF-8 byte-order mark, but the map reads it "
                          "as %s (%s:%d)",
                r->name, encoding_name((enum text_encoding)enc), m->path,
                r->src->ms->encoding_line ? r->src->ms->encoding_line : m->encoding_line);
        return 1;
    }
    r->fmt.encoding = enc >= 0 ? (enum text_encoding)enc : sn.encoding;
    r->fmt.delim = d ? d : sn.delim;
    if (enc < 0 || !d)
        state_detection(r, enc < 0, !d);
    return 0;
}

/* Returns the file's status; -1 (with err) for a database failure. */
static int ingest_file(struct ingest *ig, const struct source *src, struct imgo_err *err)
{
    struct run r;
    int status = IMGO_OK, rc;
    const struct cohort_file *f = src->f;
    const char *name = src->name, *path = src->path;
    memset(&r, 0, sizeof r);
    r.ig = ig;
    r.f = f;
    r.name = name;
    r.path = path;
    r.src = src;
    r.fmt.delim = ',';
    r.fmt.encoding = ENC_UTF8;
    r.pass = 1;
    r.res.path = path;
    buf_init(&r.msg);
    buf_init(&r.rowerr);
    buf_init(&r.header_raw);
    buf_init(&r.rej_tmp);
    buf_init(&r.rej_final);
    buf_init(&r.barena);
    buf_init(&r.res_label);
    maprec_out_init(&r.mout);
    /* A record through a map may add up to a row per column to a batch. */
    r.batch = xmalloc((INGEST_BATCH + VALIDATE_MAX_COLUMNS) * sizeof *r.batch);
    /* Summaries name an export with the cohort file it feeds. */
    if (src->ms && strcasecmp(name, f->name))
        buf_addf(&r.res_label, "%s (%s)", name, f->name);
    else
        buf_adds(&r.res_label, name);
    r.res.file = buf_str(&r.res_label);

    /* O_NONBLOCK: a FIFO (or a device) named like a cohort file must not
     * block the open; it is refused below, and on a regular file the flag
     * changes nothing. */
    r.fd = open(path, O_RDONLY | O_NONBLOCK);
    struct stat stt;
    if (r.fd < 0 || fstat(r.fd, &stt) || !S_ISREG(stt.st_mode)) {
        message(ig, 0, "%s: cannot read: %s", path, r.fd < 0 ? strerror(errno) : "not a regular file");
        r.res.outcome = INGEST_FAILED;
        status = IMGO_EIO;
        goto done;
    }
    if (!(ig->o.flags & INGEST_VALIDATE_ONLY)) {
        struct imgo_err e = IMGO_ERR_INIT;
        int same;
        if (hash_file(&r, &e)) {
            message(ig, 0, "%s", e.msg);
            r.res.outcome = INGEST_FAILED;
            status = IMGO_EIO;
            goto done;
        }
        /* Looked up without a lock (an unchanged file needs no write
         * access), then again inside the file's transaction: of two imgo
         * processes ingesting the same file at once, the second waits for
         * the first and then finds the file unchanged. */
        if (already_ingested(&r, &same, err))
            goto db_failed;
        if (!same && (db_exec(ig->db, "BEGIN IMMEDIATE", err) || already_ingested(&r, &same, err)))
            goto db_failed;
        if (same) {
            if (!sqlite3_get_autocommit(ig->db) && db_exec(ig->db, "ROLLBACK", err))
                goto db_failed;
            r.res.outcome = INGEST_UNCHANGED;
            goto done;
        }
    }
    if (src->ms) {
        rc = choose_format(&r, err);
        if (rc < 0) {
            message(ig, 0, "%s", err->msg);
            imgo_err_clear(err);
            r.res.outcome = INGEST_FAILED;
            status = IMGO_EIO;
            goto done;
        }
        if (rc > 0) {
            r.res.outcome = INGEST_REJECTED;
            r.res.whole_file = 1;
            status = IMGO_EDATA;
            goto done;
        }
    }
    if (begin_file(&r, err))
        goto db_failed;
    rc = pass(&r, err);
    /* Rows naming residents of a rejected residents.csv were not checked:
     * the file is rejected, also with --skip-bad-rows. */
    if (rc == 0 && r.unchecked && (ig->o.flags & INGEST_SKIP_BAD_ROWS))
        rc = 1;
    if (rc == 0 && r.ndups && (ig->o.flags & INGEST_SKIP_BAD_ROWS)) {
        /* Both rows of a duplicate key are rejected, but the first was
         * written before the second was seen: redo the file without them. */
        long rejected = r.res.rows_rejected, read = r.res.rows_read;
        rejects_abandon(&r);
        if (r.ndups)
            qsort(r.dups, r.ndups, sizeof *r.dups, dup_cmp);
        if (db_exec(ig->db, "ROLLBACK", err) || begin_file(&r, err))
            goto db_failed;
        if (lseek(r.fd, 0, SEEK_SET) < 0) {
            imgo_err_set(err, IMGO_EIO, "%s: %s", path, strerror(errno));
            goto db_failed;
        }
        r.pass = 2;
        rc = pass(&r, err);
        /* Through a map a record is rejected whole, so the second pass
         * may reject more rows than the first counted: it must read the
         * same rows and meet every duplicate again. */
        int changed = src->ms ? r.res.rows_read != read || r.dup_hits != (long)r.ndups
                              : r.res.rows_rejected != rejected;
        if (rc == 0 && changed) {
            imgo_err_set(err, IMGO_EIO, "%s: file changed while it was read", path);
            rc = -2;
        }
    }
    if (rc == -2) {
        message(ig, 0, "%s", err->msg);
        imgo_err_clear(err);
        r.res.outcome = INGEST_FAILED;
        status = IMGO_EIO;
        rejects_abandon(&r);
        if (db_exec(ig->db, "ROLLBACK", err))
            goto db_failed;
        goto done;
    }
    if (rc < 0)
        goto db_failed;
    r.res.rows_written = r.res.rows_read - r.res.rows_rejected;
    if (rc == 1 || (r.res.rows_rejected && !(ig->o.flags & INGEST_SKIP_BAD_ROWS))) {
        r.res.outcome = INGEST_REJECTED;
        r.res.whole_file = rc == 1;
        r.res.rows_written = 0;
        status = IMGO_EDATA;
        rejects_abandon(&r);
        if (ig->o.flags & INGEST_SKIP_BAD_ROWS) {
            /* This run's REJECTS/FILE must not show an older run's rows. */
            buf_reset(&r.rej_final);
            buf_addf(&r.rej_final, "%s/%s", ig->o.rejects_dir, f->name);
            if (!(ig->rejects_started & (1u << f->id)))
                unlink(buf_str(&r.rej_final));
        }
        if (db_exec(ig->db, "ROLLBACK", err))
            goto db_failed;
        goto done;
    }
    if (ledger_update(&r, err) || rejects_commit(&r, err))
        goto db_failed;
    if (db_exec(ig->db, "COMMIT", err))
        goto db_failed;
    r.res.outcome = INGEST_WRITTEN;
done:
    if (ig->o.sink.done)
        ig->o.sink.done(ig->o.sink.ctx, &r.res);
    goto out;
db_failed:
    status = -1;
    rejects_abandon(&r);
    if (sqlite3_get_autocommit(ig->db) == 0)
        db_exec(ig->db, "ROLLBACK", NULL);
    {
        /* Name the file: its transaction is rolled back, nothing of it is in. */
        char msg[IMGO_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err->msg);
        imgo_err_set(err, IMGO_EIO, "%s: %s; the file was not written", name, msg);
    }
out:
    finalize_stmts(&r);
    if (r.fd >= 0)
        close(r.fd);
    dups_free(&r);
    maprec_release(&r.plan);
    maprec_out_release(&r.mout);
    buf_release(&r.res_label);
    free(r.batch);
    buf_release(&r.barena);
    buf_release(&r.msg);
    buf_release(&r.rowerr);
    buf_release(&r.header_raw);
    buf_release(&r.rej_tmp);
    buf_release(&r.rej_final);
    return status;
}

/* ---- a directory ---------------------------------------------------------- */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lower-case letters and digits of a file name without its extension. */
static void name_key(const char *name, struct buf *out)
{
    const char *dot = strrchr(name, '.');
    size_t n = dot && dot != name ? (size_t)(dot - name) : strlen(name);
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (c >= 'A' && c <= 'Z')
            buf_addc(out, (char)(c - 'A' + 'a'));
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            buf_addc(out, c);
    }
    buf_grow(out, 1);
    out->data[out->len] = '\0';
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    size_t *row = xmalloc((m + 1) * sizeof *row);
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[m];
    free(row);
    return d;
}

/* The cohort file a stray file name is close to ("Board Exams.csv",
 * "resident.csv"), or NULL: at most one edit per four letters of the
 * cohort name, after case, spaces, '_' and '-' are set aside. */
static const struct cohort_file *closest_file(const char *name)
{
    struct buf a = BUF_INIT, b = BUF_INIT;
    const struct cohort_file *best = NULL;
    size_t best_d = (size_t)-1;
    name_key(name, &a);
    for (int id = 0; a.len && id < COHORT_NFILES; id++) {
        const struct cohort_file *f = cohort_file((enum cohort_file_id)id);
        buf_reset(&b);
        name_key(f->name, &b);
        size_t d = edit_distance(buf_str(&a), buf_str(&b)), limit = b.len / 4 ? b.len / 4 : 1;
        if (d <= limit && d < best_d) {
            best = f;
            best_d = d;
        }
    }
    buf_release(&a);
    buf_release(&b);
    return best;
}

static int is_workbook(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (!strcasecmp(dot, ".xlsx") || !strcasecmp(dot, ".xls") || !strcasecmp(dot, ".xlsm"));
}

/* The warning for a file of the directory that no cohort file reads. */
static void stray_file(struct ingest *ig, const char *dir, const char *name)
{
    const struct cohort_file *near = ig->o.map ? NULL : closest_file(name);
    const char *what = ig->o.map ? "no section of the map reads it" : "not a cohort file";
    if (is_workbook(name))
        message(ig, 1, "warning: %s/%s: not read: %s%s%s", dir, name, CSVREAD_EXCEL_HINT,
                near ? ", named " : "", near ? near->name : "");
    else if (near)
        message(ig, 1, "warning: %s/%s: %s, ignored; did you mean %s?", dir, name, what, near->name);
    else
        message(ig, 1, "warning: %s/%s: %s, ignored", dir, name, what);
}

/* A cohort file that cannot be read at all for a reason of the directory:
 * reported (msg), and counted as rejected. */
static void file_refused(struct ingest *ig, const struct cohort_file *f, const char *dir)
{
    struct ingest_result res = { 0 };
    res.file = f->name;
    res.path = dir;
    res.outcome = INGEST_REJECTED;
    res.whole_file = 1;
    if (ig->o.sink.done)
        ig->o.sink.done(ig->o.sink.ctx, &res);
}

int ingest_dir(struct ingest *ig, const char *dir, int need_residents, struct imgo_err *err)
{
    const struct imgo_map *m = ig->o.map;
    char **names = NULL;
    size_t nnames = 0;
    int worst = IMGO_OK;
    DIR *d = opendir(dir);
    if (!d) {
        message(ig, 0, "%s: cannot open directory: %s", dir, strerror(errno));
        return IMGO_EIO;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        names = xrealloc(names, (nnames + 1) * sizeof *names);
        names[nnames++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (nnames)
        qsort(names, nnames, sizeof *names, name_cmp);
    struct origin here;
    ig->origin = origin_of(dir, m ? m->path : NULL, &here, NULL) ? NULL : &here;
    unsigned char *claimed = xcalloc(nnames + 1, 1);
    struct source src[COHORT_NFILES];
    int have[COHORT_NFILES] = { 0 }, refused[COHORT_NFILES] = { 0 };
    struct buf msg = BUF_INIT;
    memset(src, 0, sizeof src);
    ig->residents_bad = NULL;

    /* Which file of the directory feeds each cohort file: the one the
     * map's section names, else the one of the cohort file's name. */
    for (int id = 0; id < COHORT_NFILES; id++) {
        const struct cohort_file *f = cohort_file((enum cohort_file_id)id);
        const struct map_section *ms = m ? &m->files[id] : NULL;
        size_t nmatch = 0, first = 0;
        buf_reset(&msg);
        for (size_t i = 0; i < nnames; i++) {
            int match = ms && ms->line ? map_glob_match(ms->glob, names[i]) : !strcasecmp(names[i], f->name);
            if (!match)
                continue;
            if (!nmatch++)
                first = i;
            buf_addf(&msg, "%s%s", nmatch > 1 ? ", " : "", names[i]);
            claimed[i] = 1;
        }
        if (ms && ms->line && nmatch != 1) {
            if (nmatch == 0)
                message(ig, 0, "%s:%d: file = \"%s\" matches no file in %s", m->path, ms->glob_line,
                        ms->glob, dir);
            else
                message(ig, 0, "%s:%d: file = \"%s\" matches %zu files in %s (%s): name one of them",
                        m->path, ms->glob_line, ms->glob, nmatch, dir, buf_str(&msg));
            refused[id] = 1;
        } else if (nmatch > 1) {
            message(ig, 0, "%s: more than one file in %s is named %s (names are matched "
                           "case-insensitively)",
                    f->name, dir, f->name);
            refused[id] = 1;
        } else if (nmatch == 1) {
            have[id] = 1;
            src[id].f = f;
            src[id].name = names[first];
            src[id].ms = ms;
        }
    }
    for (size_t i = 0; i < nnames; i++)
        if (!claimed[i])
            stray_file(ig, dir, names[i]);

    if (need_residents && !have[COHORT_RESIDENTS] && !refused[COHORT_RESIDENTS]) {
        message(ig, 0, "residents.csv: required file not found in %s", dir);
        worst = IMGO_EDATA;
    }
    if (refused[COHORT_RESIDENTS])
        ig->residents_bad = "residents.csv was rejected";
    struct buf path[COHORT_NFILES];
    for (int id = 0; id < COHORT_NFILES; id++) {
        buf_init(&path[id]);
        if (!have[id])
            continue;
        buf_adds(&path[id], dir);
        if (!path[id].len || path[id].data[path[id].len - 1] != '/')
            buf_addc(&path[id], '/');
        buf_adds(&path[id], src[id].name);
        src[id].path = buf_str(&path[id]);
    }
    /* The map's sections that read the same export (their columns are not
     * unknown to each other). */
    for (int id = 0; id < COHORT_NFILES; id++)
        for (int o = 0; have[id] && src[id].ms && o < COHORT_NFILES; o++)
            if (o != id && have[o] && src[o].ms && src[o].name == src[id].name)
                src[id].others[src[id].nothers++] = src[o].ms;

    for (int id = 0; id < COHORT_NFILES; id++) {
        if (refused[id]) {
            file_refused(ig, cohort_file((enum cohort_file_id)id), dir);
            if (worst < IMGO_EDATA)
                worst = IMGO_EDATA;
            continue;
        }
        if (!have[id])
            continue;
        int st = ingest_file(ig, &src[id], err);
        if (st < 0) {
            worst = IMGO_EIO;
            break;
        }
        if (id == COHORT_RESIDENTS && st != IMGO_OK)
            ig->residents_bad = "residents.csv was rejected";
        if (st > worst)
            worst = st;
    }
    for (int id = 0; id < COHORT_NFILES; id++)
        buf_release(&path[id]);
    for (size_t i = 0; i < nnames; i++)
        free(names[i]);
    free(names);
    free(claimed);
    buf_release(&msg);
    ig->residents_bad = NULL;
    if (ig->origin)
        origin_release(&here);
    ig->origin = NULL;
    if (worst == -1)
        worst = IMGO_EIO;
    return worst;
}

/* ---- imgo check --db ---------------------------------------------------- */

int ingest_seed_residents(sqlite3 *db, const char *path, struct imgo_err *err)
{
    static const char cols[] = "rid, resident_id, program, specialty, start_date, end_date, "
                               "exit_reason, graduate_type, school_region, graduation_year, visa, "
                               "step2_score, track, ingest_id, line";
    sqlite3 *src;
    sqlite3_stmt *sel = NULL, *ins = NULL;
    int rc = db_open(path, DB_READONLY, &src, err);
    if (rc)
        return rc;
    struct buf sql = BUF_INIT;
    buf_addf(&sql, "SELECT %s FROM residents", cols);
    rc = db_prepare(src, buf_str(&sql), &sel, err);
    buf_reset(&sql);
    buf_addf(&sql, "INSERT INTO residents (%s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                   "?11, ?12, ?13, ?14, ?15)",
             cols);
    if (!rc)
        rc = db_prepare(db, buf_str(&sql), &ins, err);
    buf_release(&sql);
    if (!rc)
        rc = db_exec(db, "BEGIN", err);
    while (!rc) {
        int s = sqlite3_step(sel);
        if (s == SQLITE_DONE)
            break;
        if (s != SQLITE_ROW) {
            rc = imgo_err_set(err, IMGO_EIO, "%s: %s", path, sqlite3_errmsg(src));
            break;
        }
        for (int i = 0; i < 14; i++)
            sqlite3_bind_value(ins, i + 1, sqlite3_column_value(sel, i));
        /* ingest_id 0 is no ledger entry: a resident seeded here is never
         * taken for a duplicate of a row of this check's own ingest. */
        sqlite3_bind_int(ins, 14, 0);
        sqlite3_bind_value(ins, 15, sqlite3_column_value(sel, 14));
        if (sqlite3_step(ins) != SQLITE_DONE)
            rc = db_error(db, err);
        sqlite3_reset(ins);
    }
    if (!rc)
        rc = db_exec(db, "COMMIT", err);
    else if (!sqlite3_get_autocommit(db))
        db_exec(db, "ROLLBACK", NULL);
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    db_close(src);
    return rc;
}
