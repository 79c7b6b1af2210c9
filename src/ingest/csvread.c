/*
 * csvread.c - chunked, line-aware reading of CSV files over libcsv.
 *
 * The chunk is cut into physical lines (at LF) and each line is handed to
 * csv_parse on its own. libcsv ends a record only at an unquoted CR or LF,
 * and bare CRs are refused before parsing, so a record always ends at the
 * end of a fed line: after feeding a line we know whether a record ended,
 * and the first non-blank line fed outside a record is where the next one
 * starts. That gives exact start lines without a second CSV state machine.
 */
#include "csvread.h"
#include "mem.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#define CSVREAD_BLK_MIN 65536 /* the least growth of libcsv's field buffer */

static void on_field(void *s, size_t len, void *data)
{
    struct csvread *r = data;
    const char *p = s ? s : "";
    while (len && (*p == ' ' || *p == '\t'))
        p++, len--;
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    if (r->nfields < CSVREAD_MAX_FIELDS) {
        struct buf *a = &r->arena;
        r->off[r->nfields] = a->len;
        r->flen[r->nfields] = len;
        buf_grow(a, len + 1);
        memcpy(a->data + a->len, p, len);
        a->len += len + 1;
        a->data[a->len - 1] = '\0';
    }
    r->nfields++;
}

static void on_row(int c, void *data)
{
    struct csvread *r = data;
    (void)c;
    r->rec_done = 1;
}

/* With tab as the delimiter, a tab must not count as the space libcsv
 * skips before a field (the reader trims fields itself). */
static int space_only(unsigned char c)
{
    return c == ' ';
}

static void parser_init(struct csvread *r, char delim)
{
    csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_realloc_func(&r->parser, xrealloc);
    csv_set_free_func(&r->parser, free);
    csv_set_delim(&r->parser, (unsigned char)delim);
    if (delim == '\t')
        csv_set_space_func(&r->parser, space_only);
}

void csvread_init_format(struct csvread *r, int fd, const char *name, int keep_raw,
                         const struct csvread_format *f)
{
    memset(r, 0, sizeof *r);
    r->keep_raw = keep_raw;
    r->fd = fd;
    r->name = name;
    r->chunk = xmalloc(CSVREAD_CHUNK);
    r->line = 1;
    buf_init(&r->raw);
    buf_init(&r->arena);
    parser_init(r, f->delim == ';' || f->delim == '\t' ? f->delim : ',');
    struct imgo_err e = IMGO_ERR_INIT;
    if (encoding_conv_open(&r->conv, f->encoding, &e)) {
        /* the message, cut to the room there is */
        size_t l = strnlen(e.msg, sizeof r->conv_error - 1);
        memcpy(r->conv_error, e.msg, l);
        r->conv_error[l] = '\0';
    }
    r->unit = encoding_conv_max(&r->conv);
    if (r->conv.cd)
        r->in = xmalloc(CSVREAD_CHUNK / r->unit + 1);
}

void csvread_init(struct csvread *r, int fd, const char *name, int keep_raw)
{
    static const struct csvread_format plain = { ',', ENC_UTF8 };
    csvread_init_format(r, fd, name, keep_raw, &plain);
}

void csvread_release(struct csvread *r)
{
    csv_free(&r->parser);
    free(r->chunk);
    r->chunk = NULL;
    free(r->in);
    r->in = NULL;
    encoding_conv_close(&r->conv);
    buf_release(&r->raw);
    buf_release(&r->arena);
}

long long csvread_offset(const struct csvread *r)
{
    return r->consumed;
}

/* GLib's validator: rejects overlong forms, surrogates, code points past
 * U+10FFFF, truncated sequences and NUL bytes. */
int csvread_is_utf8(const char *str, size_t n)
{
    return g_utf8_validate_len(str, n, NULL) ? 1 : 0;
}

static int fail(struct csvread *r, struct imgo_err *err, int status, long line, const char *msg)
{
    r->finished = r->failed = 1;
    if (line > 0)
        return imgo_err_set(err, status, "%s:%ld: %s", r->name, line, msg), -1;
    return imgo_err_set(err, status, "%s: %s", r->name, msg), -1;
}

static long count_lf(const char *s, size_t n);

/* No room for one more input byte: the chunk holds all it can. */
static int chunk_full(const struct csvread *r)
{
    return CSVREAD_CHUNK - r->end < r->unit;
}

/* Reads more bytes after the unread part, converted to UTF-8 when the file
 * is in another encoding; 0, -1 on a read error (errno), or -2 for a byte
 * the encoding does not define (err filled). */
static int fill(struct csvread *r, struct imgo_err *err)
{
    if (r->pos > 0) {
        memmove(r->chunk, r->chunk + r->pos, r->end - r->pos);
        r->end -= r->pos;
        r->pos = 0;
    }
    while (!chunk_full(r) && !r->eof) {
        size_t room = CSVREAD_CHUNK - r->end;
        char *dst = r->conv.cd ? r->in : r->chunk + r->end;
        size_t want = r->conv.cd ? room / r->unit : room;
        ssize_t n = read(r->fd, dst, want);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (n == 0)
            r->eof = 1;
        if (r->conv.cd && n > 0) {
            size_t got, bad;
            if (encoding_conv_bytes(&r->conv, r->in, (size_t)n, r->chunk + r->end, room, &got, &bad)) {
                long line = r->line + count_lf(r->chunk + r->pos, r->end - r->pos) +
                            count_lf(r->chunk + r->end, got);
                r->finished = r->failed = 1;
                imgo_err_set(err, IMGO_EDATA, "%s:%ld: byte 0x%02X is not a %s character (is the "
                             "encoding right?)", r->name, line, (unsigned char)r->in[bad],
                             encoding_name(r->conv.from));
                return -2;
            }
            n = (ssize_t)got;
        }
        r->end += (size_t)n;
        if (r->end >= 4096)
            break;
    }
    return 0;
}

/* The start of the file: byte-order marks, workbooks and binary content. */
static int check_start(struct csvread *r, struct imgo_err *err)
{
    const unsigned char *u = (const unsigned char *)r->chunk;
    size_t n = r->end;
    if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return fail(r, err, IMGO_EDATA, 1, "UTF-16 text is not accepted (export as UTF-8)");
    if ((n >= 4 && !memcmp(r->chunk, "PK\003\004", 4)) ||
        (n >= 8 && !memcmp(r->chunk, "\320\317\021\340\241\261\032\341", 8)))
        return fail(r, err, IMGO_EDATA, 1, CSVREAD_EXCEL_HINT);
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
        r->pos = 3;
    const char *first = r->chunk + r->pos;
    const char *nl = memchr(first, '\n', r->end - r->pos);
    size_t len = nl ? (size_t)(nl - first) : r->end - r->pos;
    /* Do not judge a multi-byte character cut at the end of the chunk. */
    if (!nl && !r->eof && len > 4)
        len -= 4;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)first[i];
        if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F)
            return fail(r, err, IMGO_EDATA, 1, "not a UTF-8 text file (UTF-16 or binary content)");
    }
    if (!csvread_is_utf8(first, len)) {
        /* Text in another encoding (most likely Windows-1252 from Excel)
         * when nothing that was read holds a control character. */
        for (size_t i = r->pos; i < r->end; i++) {
            unsigned char c = (unsigned char)r->chunk[i];
            if ((c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7F)
                return fail(r, err, IMGO_EDATA, 1, "not a UTF-8 text file (UTF-16 or binary content)");
        }
        char m[300];
        snprintf(m, sizeof m, "not valid UTF-8: %s", encoding_hint(encoding_guess(first, len)));
        return fail(r, err, IMGO_EDATA, 1, m);
    }
    return 0;
}

/* The next piece to parse: a whole line with its LF, or, for a line longer
 * than the chunk or at the end of the file, as much of it as there is.
 * A CR at the end of a partial piece is held back until its next byte is
 * known. Returns 0 and sets *s, *n (0 at the end of the file), or what
 * fill returns. */
static int next_piece(struct csvread *r, const char **s, size_t *n, struct imgo_err *err)
{
    for (;;) {
        size_t avail = r->end - r->pos;
        if (avail) {
            const char *p = r->chunk + r->pos;
            const char *nl = memchr(p, '\n', avail);
            if (nl) {
                *s = p;
                *n = (size_t)(nl - p) + 1;
                r->pos += *n;
                return 0;
            }
            if (r->eof || (r->pos == 0 && chunk_full(r))) {
                size_t k = avail;
                if (!r->eof && p[k - 1] == '\r')
                    k--;
                *s = p;
                *n = k;
                r->pos += k;
                return 0;
            }
        } else if (r->eof) {
            *s = NULL;
            *n = 0;
            return 0;
        }
        int rc = fill(r, err);
        if (rc)
            return rc;
    }
}

static void finish_record(struct csvread *r, struct csvread_record *rec)
{
    size_t kept = r->nfields < CSVREAD_MAX_FIELDS ? r->nfields : CSVREAD_MAX_FIELDS;
    for (size_t i = 0; i < kept; i++)
        r->fptr[i] = r->arena.data + r->off[i];
    size_t n = r->raw.len;
    if (n && r->raw.data[n - 1] == '\n')
        n--;
    if (n && r->raw.data[n - 1] == '\r')
        n--;
    rec->line = r->rec_line;
    rec->nfields = r->nfields;
    rec->field = r->fptr;
    rec->len = r->flen;
    rec->raw = r->raw.data ? r->raw.data : "";
    rec->raw_len = n;
    r->in_record = 0;
    r->rec_done = 0;
    r->nrecords++;
}

static long count_lf(const char *s, size_t n)
{
    long k = 0;
    const char *end = s + n;
    while (s < end && (s = memchr(s, '\n', (size_t)(end - s)))) {
        k++;
        s++;
    }
    return k;
}

int csvread_next(struct csvread *r, struct csvread_record *rec, struct imgo_err *err)
{
    if (r->failed)
        return imgo_err_set(err, IMGO_EIO, "%s: read after a failure", r->name), -1;
    if (r->finished)
        return 0;
    if (!r->started) {
        r->started = 1;
        if (r->conv_error[0])
            return fail(r, err, IMGO_EIO, 0, r->conv_error);
        int rc = fill(r, err);
        if (rc == -2)
            return -1;
        if (rc)
            return fail(r, err, IMGO_EIO, 0, strerror(errno));
        if (check_start(r, err))
            return -1;
    }
    for (;;) {
        const char *s;
        size_t n;
        int rc = next_piece(r, &s, &n, err);
        if (rc == -2)
            return -1;
        if (rc)
            return fail(r, err, IMGO_EIO, 0, strerror(errno));
        if (n == 0)
            break;
        /* Only a CR right before an LF ends a line. */
        for (const char *cr = memchr(s, '\r', n); cr; cr = memchr(cr + 1, '\r', n - (size_t)(cr + 1 - s)))
            if ((size_t)(cr + 1 - s) >= n || cr[1] != '\n')
                return fail(r, err, IMGO_EDATA, r->line + count_lf(s, (size_t)(cr - s)),
                            "bare CR line ending (only LF and CRLF are accepted)");
        if (!r->in_record) {
            size_t i = 0;
            while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
                i++;
            if (i < n) {
                r->in_record = 1;
                r->rec_line = r->line;
                r->nfields = 0;
                r->rec_bytes = 0;
                buf_reset(&r->arena);
                buf_reset(&r->raw);
            }
        }
        if (r->in_record) {
            r->rec_bytes += n;
            if (r->rec_bytes > CSVREAD_RECORD_MAX) {
                char m[80];
                snprintf(m, sizeof m, "record longer than %u bytes (a quoted field left open?)",
                         (unsigned)CSVREAD_RECORD_MAX);
                return fail(r, err, IMGO_EDATA, r->rec_line, m);
            }
            if (r->keep_raw || r->nrecords == 0)
                buf_add(&r->raw, s, n);
        }
        /* libcsv grows its field buffer by a fixed block: make the block
         * as large as the buffer, so that it doubles, or a long field (up
         * to the record limit) costs quadratic copying in realloc. */
        size_t have = csv_get_buffer_size(&r->parser);
        csv_set_blk_size(&r->parser, have > CSVREAD_BLK_MIN ? have : CSVREAD_BLK_MIN);
        size_t done = csv_parse(&r->parser, s, n, on_field, on_row, r);
        r->consumed += (long long)n;
        if (done < n)
            return fail(r, err, IMGO_EDATA, r->line + count_lf(s, done),
                        "malformed quoting (a quote inside an unquoted field, or text after a "
                        "closing quote)");
        if (n && s[n - 1] == '\n')
            r->line++;
        if (r->rec_done) {
            finish_record(r, rec);
            return 1;
        }
    }
    r->finished = 1;
    if (csv_fini(&r->parser, on_field, on_row, r) != 0)
        return fail(r, err, IMGO_EDATA, r->rec_line, "quoted field not closed at the end of the file");
    if (r->rec_done) {
        finish_record(r, rec);
        return 1;
    }
    return 0;
}
