/*
 * ingest.c - the ingest stage (see ingest.h for the contract).
 *
 * One struct run per file: it owns the file descriptor, the reader, the
 * prepared statements and the rejects file for the life of the file's
 * transaction. The hot path per row is: csvread_next, validate_field per
 * column, a cached resident look-up and a copy of the values into the
 * batch; every 64 rows, one bind and step of the multi-row upsert. Nothing
 * is allocated per row or per field.
 */
#include "ingest.h"
#include "buf.h"
#include "cohort.h"
#include "csvread.h"
#include "db.h"
#include "mem.h"
#include "validate.h"

#include <csv.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_EVERY 65536
#define MAX_COLS 32

struct dup {
    long line, other;
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

struct run {
    struct ingest *ig;
    const struct cohort_file *f;
    const char *name; /* as found */
    const char *path;
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
    if (r->pass == 1 && r->res.rows_rejected <= INGEST_REPORT_MAX) {
        if (col)
            message(r->ig, 0, "%s:%ld:%s: %s", r->name, line, col, msg);
        else
            message(r->ig, 0, "%s:%ld: %s", r->name, line, msg);
    }
}

/* An error of the current row (col NULL: of the whole row). */
static void cur_error(struct run *r, const char *col, const char *msg)
{
    if (!r->row_bad) {
        r->row_bad = 1;
        r->res.rows_rejected++;
    }
    row_error(r, r->line, col, msg);
    if (r->rowerr.len)
        buf_adds(&r->rowerr, "; ");
    if (col)
        buf_addf(&r->rowerr, "%s: ", col);
    buf_adds(&r->rowerr, msg);
}

static void on_rule(void *ctx, int col, const char *msg)
{
    struct run *r = ctx;
    cur_error(r, r->f->cols[col].name, msg);
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
    fputs(",error\n", r->rej);
    return 0;
}

static void rejects_row(struct run *r, const char *raw, size_t len)
{
    if (!r->rej)
        return;
    fwrite(raw, 1, len, r->rej);
    fputc(',', r->rej);
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
    return (x->line > y->line) - (x->line < y->line);
}

static void dup_add(struct run *r, long line, long other)
{
    if (r->ndups == r->capdups) {
        r->capdups = r->capdups ? 2 * r->capdups : 64;
        r->dups = xrealloc(r->dups, r->capdups * sizeof *r->dups);
    }
    r->dups[r->ndups].line = line;
    r->dups[r->ndups].other = other;
    r->ndups++;
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
        buf_addf(&m, " also on line %ld", b->line);
        row_error(r, first, NULL, buf_str(&m));
        if (r->ig->o.flags & INGEST_SKIP_BAD_ROWS)
            dup_add(r, first, b->line);
    } else {
        first = -first;
    }
    m.len = keylen;
    buf_addf(&m, " also on line %ld", first);
    r->res.rows_rejected++;
    row_error(r, b->line, NULL, buf_str(&m));
    if (r->ig->o.flags & INGEST_SKIP_BAD_ROWS)
        dup_add(r, b->line, first);
    buf_release(&m);
    return 0;
}

/* Writes the batch: a full one with the multi-row statement, a partial
 * one (the end of a file) row by row. Fewer changes than rows means that
 * some rows met a key already written by this ingest: each is looked at. */
static int flush_batch(struct run *r, struct imgo_err *err)
{
    sqlite3 *db = r->ig->db;
    size_t n = r->nbatch;
    int rc;
    if (n == 0)
        return 0;
    if (n == INGEST_BATCH) {
        sqlite3_stmt *st = r->upsert_batch;
        int per = (int)r->f->ncols + 2;
        for (size_t k = 0; k < n; k++)
            if (bind_row(r, st, (int)k * per, &r->batch[k]))
                return db_error(db, err);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE)
            return db_error(db, err);
        if ((size_t)sqlite3_changes(db) < n)
            for (size_t k = 0; k < n; k++)
                if ((rc = duplicate_row(r, &r->batch[k], err)))
                    return rc;
    } else {
        for (size_t k = 0; k < n; k++) {
            if (bind_row(r, r->upsert, 0, &r->batch[k]))
                return db_error(db, err);
            rc = sqlite3_step(r->upsert);
            sqlite3_reset(r->upsert);
            if (rc != SQLITE_DONE)
                return db_error(db, err);
            if (sqlite3_changes(db) == 0 && (rc = duplicate_row(r, &r->batch[k], err)))
                return rc;
        }
    }
    r->nbatch = 0;
    buf_reset(&r->barena);
    return 0;
}

static int do_row(struct run *r, const struct csvread_record *rec, struct imgo_err *err)
{
    const struct cohort_file *f = r->f;
    r->line = rec->line;
    r->row_bad = 0;
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
        if (fi < 0) {
            memset(&r->vals[c], 0, sizeof r->vals[c]);
            r->vals[c].missing = 1;
            r->vals[c].s = "";
            continue;
        }
        buf_reset(&r->msg);
        if (validate_field(&f->cols[c], rec->field[fi], rec->len[fi], &r->vals[c], &r->msg))
            cur_error(r, f->cols[c].name, buf_str(&r->msg));
    }
    validate_row(f, r->vals, on_rule, r);
    if (f->id != COHORT_RESIDENTS && !r->vals[0].bad) {
        int found = lookup_rid(r, &r->vals[0], err);
        if (found < 0)
            return -1;
        if (!found) {
            buf_reset(&r->msg);
            validate_quote(&r->msg, r->vals[0].s, r->vals[0].len);
            buf_adds(&r->msg, " is not a known resident");
            cur_error(r, "resident_id", buf_str(&r->msg));
        }
    }
    if (r->pass == 2 && !r->row_bad && r->ndups) {
        struct dup key = { rec->line, 0 };
        struct dup *d = bsearch(&key, r->dups, r->ndups, sizeof *r->dups, dup_cmp);
        if (d) {
            buf_reset(&r->msg);
            key_text(r, NULL, &r->msg);
            buf_addf(&r->msg, " also on line %ld", d->other);
            cur_error(r, NULL, buf_str(&r->msg));
        }
    }
    if (r->row_bad)
        goto bad;
    struct brow *b = &r->batch[r->nbatch++];
    b->line = rec->line;
    for (size_t c = 0; c < f->ncols; c++)
        store_value(r, b, c);
    if (r->nbatch == INGEST_BATCH && flush_batch(r, err))
        return -1;
    return 0;
bad:
    rejects_row(r, rec->raw, rec->raw_len);
    return 0;
}

/* ---- one file ------------------------------------------------------------- */

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

static int already_ingested(struct run *r, int *same, struct imgo_err *err)
{
    sqlite3_stmt *st;
    *same = 0;
    int rc = db_prepare(r->ig->db,
                        "SELECT sha256 FROM ingest_ledger WHERE file = ?1 ORDER BY id DESC LIMIT 1",
                        &st, err);
    if (rc)
        return rc;
    sqlite3_bind_text(st, 1, r->f->name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *s = sqlite3_column_text(st, 0);
        *same = s && !strcmp((const char *)s, r->res.sha256);
    } else if (rc != SQLITE_DONE) {
        sqlite3_finalize(st);
        return db_error(r->ig->db, err);
    }
    sqlite3_finalize(st);
    return 0;
}

static void utc_now(char out[32])
{
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    time_t t = time(NULL);
    if (sde && *sde && strspn(sde, "0123456789") == strlen(sde))
        t = (time_t)strtoll(sde, NULL, 10);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int ledger_insert(struct run *r, struct imgo_err *err)
{
    sqlite3_stmt *st;
    char now[32];
    utc_now(now);
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
    return 0;
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

    csvread_init(&r->rd, r->fd, r->name, (r->ig->o.flags & INGEST_SKIP_BAD_ROWS) != 0);
    r->have_last = 0;
    r->res.rows_read = r->res.rows_rejected = 0;
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
    if (validate_header(r->f, &rec, (r->ig->o.flags & INGEST_STRICT) ? VALIDATE_STRICT : 0, &r->h,
                        on_header, r)) {
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
        if (do_row(r, &rec, err)) {
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
    if (r->pass == 1 && r->res.rows_rejected > INGEST_REPORT_MAX)
        message(r->ig, 0, "%s: %ld more bad rows not shown (%ld in all)", r->name,
                r->res.rows_rejected - INGEST_REPORT_MAX, r->res.rows_rejected);
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

/* Returns the file's status; -1 (with err) for a database failure. */
static int ingest_file(struct ingest *ig, const struct cohort_file *f, const char *name,
                       const char *path, struct imgo_err *err)
{
    struct run r;
    int status = IMGO_OK, rc;
    memset(&r, 0, sizeof r);
    r.ig = ig;
    r.f = f;
    r.name = name;
    r.path = path;
    r.pass = 1;
    r.res.file = name;
    r.res.path = path;
    buf_init(&r.msg);
    buf_init(&r.rowerr);
    buf_init(&r.header_raw);
    buf_init(&r.rej_tmp);
    buf_init(&r.rej_final);
    buf_init(&r.barena);
    r.batch = xmalloc(INGEST_BATCH * sizeof *r.batch);

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
    if (begin_file(&r, err))
        goto db_failed;
    rc = pass(&r, err);
    if (rc == 0 && r.ndups && (ig->o.flags & INGEST_SKIP_BAD_ROWS)) {
        /* Both rows of a duplicate key are rejected, but the first was
         * written before the second was seen: redo the file without them. */
        long rejected = r.res.rows_rejected;
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
        if (rc == 0 && r.res.rows_rejected != rejected) {
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
    free(r.dups);
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

int ingest_dir(struct ingest *ig, const char *dir, int need_residents, struct imgo_err *err)
{
    char *found[COHORT_NFILES] = { NULL };
    int ambiguous[COHORT_NFILES] = { 0 };
    char **others = NULL;
    size_t nothers = 0;
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
        const struct cohort_file *f = cohort_find(e->d_name);
        if (!f) {
            others = xrealloc(others, (nothers + 1) * sizeof *others);
            others[nothers++] = xstrdup(e->d_name);
        } else if (found[f->id]) {
            ambiguous[f->id] = 1;
            if (strcmp(e->d_name, found[f->id]) < 0) {
                free(found[f->id]);
                found[f->id] = xstrdup(e->d_name);
            }
        } else {
            found[f->id] = xstrdup(e->d_name);
        }
    }
    closedir(d);
    if (nothers)
        qsort(others, nothers, sizeof *others, name_cmp);
    for (size_t i = 0; i < nothers; i++) {
        message(ig, 1, "warning: %s/%s: not a cohort file, ignored", dir, others[i]);
        free(others[i]);
    }
    free(others);

    if (need_residents && !found[COHORT_RESIDENTS]) {
        message(ig, 0, "residents.csv: required file not found in %s", dir);
        worst = IMGO_EDATA;
    }
    struct buf path = BUF_INIT;
    for (int id = 0; id < COHORT_NFILES; id++) {
        const struct cohort_file *f = cohort_file((enum cohort_file_id)id);
        if (!found[id])
            continue;
        if (ambiguous[id]) {
            message(ig, 0, "%s: more than one file in %s is named %s (names are matched "
                           "case-insensitively)",
                    f->name, dir, f->name);
            struct ingest_result res = { 0 };
            res.file = f->name;
            res.path = dir;
            res.outcome = INGEST_REJECTED;
            res.whole_file = 1;
            if (ig->o.sink.done)
                ig->o.sink.done(ig->o.sink.ctx, &res);
            if (worst < IMGO_EDATA)
                worst = IMGO_EDATA;
            continue;
        }
        buf_reset(&path);
        buf_adds(&path, dir);
        if (!path.len || path.data[path.len - 1] != '/')
            buf_addc(&path, '/');
        buf_adds(&path, found[id]);
        int st = ingest_file(ig, f, found[id], buf_str(&path), err);
        if (st < 0) {
            worst = IMGO_EIO;
            break;
        }
        if (st > worst)
            worst = st;
    }
    buf_release(&path);
    for (int id = 0; id < COHORT_NFILES; id++)
        free(found[id]);
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
