/*
 * buf.h - a growable byte buffer, always NUL-terminated.
 *
 * Used for SQL text, report HTML, gnuplot scripts and messages, so that no
 * code writes into a fixed array it might overrun. Ownership: whoever calls
 * buf_init (or uses BUF_INIT) calls buf_release; buf_detach hands the memory
 * to the caller, who frees it with free(). buf_str never returns NULL.
 */
#ifndef IMGO_BUF_H
#define IMGO_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *data;   /* NULL until the first append */
    size_t len;   /* bytes used, not counting the NUL */
    size_t cap;   /* bytes allocated */
};

#define BUF_INIT { NULL, 0, 0 }

void buf_init(struct buf *b);
void buf_release(struct buf *b);
void buf_reset(struct buf *b);               /* len = 0, keeps the memory */
void buf_setlen(struct buf *b, size_t len);  /* len <= b->len: cut to len bytes */
void buf_grow(struct buf *b, size_t extra);  /* room for extra more bytes */
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* s as a CSV field in double quotes, a '"' doubled (RFC 4180). */
void buf_add_csv_quoted(struct buf *b, const char *s);
const char *buf_str(const struct buf *b);    /* "" when empty */
char *buf_detach(struct buf *b, size_t *len); /* b is empty afterwards */

#endif
