/*
 * csvread.h - streaming CSV records with their physical line numbers.
 *
 * Reads an open file descriptor in fixed-size chunks and parses it with
 * libcsv (RFC 4180, strict quoting), handing out one record at a time, so
 * that a file of any size is read in bounded memory. For each record it
 * gives the physical line where the record starts (the first line of the
 * file is 1, also when earlier quoted fields held newlines), its fields
 * with surrounding spaces and tabs trimmed (quoted or not), and its bytes
 * verbatim (for rejects files).
 *
 * What it accepts: a leading UTF-8 byte-order mark (skipped), LF and CRLF
 * line endings, mixed; a missing final newline; blank lines and lines of
 * only spaces and tabs (skipped, never records).
 * What fails the whole file (csvread_next returns -1, status IMGO_EDATA,
 * message "NAME:LINE: ..."): a CR not followed by LF (bare-CR line
 * endings), a UTF-16 byte-order mark, an Excel workbook, a first line
 * holding a NUL byte or control characters (UTF-16 or binary content) or
 * invalid UTF-8 (the message then says which encoding the line looks
 * like, encoding_hint), malformed
 * quoting (after which record boundaries cannot be known), a quoted field
 * left open at the end of the file, and a record longer than
 * CSVREAD_RECORD_MAX bytes. A read error is IMGO_EIO.
 * Field contents (NUL bytes, invalid UTF-8, length) are not checked here:
 * they are row errors, the validator's business.
 *
 * Formats (import maps): csvread_init_format reads ';'- or tab-separated
 * files, and Windows-1252 or Latin-1 text converted to UTF-8 as it is read
 * (encoding.h), so that everything after the reader sees UTF-8; a byte the
 * encoding does not define fails the file ("NAME:LINE: byte 0x81 is not a
 * Windows-1252 character"). Records' raw bytes are then the converted text.
 *
 * Ownership: the caller owns fd (csvread never closes it) and calls
 * csvread_release after csvread_init. A record's fields and raw bytes stay
 * valid, and may be modified in place, until the next csvread_next.
 */
#ifndef IMGO_CSVREAD_H
#define IMGO_CSVREAD_H
#include <csv.h>
#include <stddef.h>

#include "buf.h"
#include "encoding.h"
#include "err.h"

/* The fuzzers build with a small chunk and record limit (-D), so that
 * inputs of a few KiB cross chunk boundaries and reach the limit. */
#ifndef CSVREAD_CHUNK
#define CSVREAD_CHUNK (1u << 20)       /* bytes read at a time */
#endif
#ifndef CSVREAD_RECORD_MAX
#define CSVREAD_RECORD_MAX (8u << 20)  /* longest record accepted */
#endif
#define CSVREAD_MAX_FIELDS 1024        /* fields kept per record (more are counted) */

/* What a workbook gets instead of "binary content" (also for .xlsx and .xls
 * files found beside the cohort files). */
#define CSVREAD_EXCEL_HINT                                                                   \
    "an Excel workbook, not a CSV file: in Excel, use File > Save As > \"CSV UTF-8 (Comma " \
    "delimited) (*.csv)\", one file per sheet"

struct csvread_record {
    long line;        /* physical line where the record starts */
    size_t nfields;   /* fields in the record (may exceed CSVREAD_MAX_FIELDS) */
    char **field;     /* the first min(nfields, CSVREAD_MAX_FIELDS), NUL-ended */
    size_t *len;      /* their lengths (a field may hold NUL bytes) */
    const char *raw;  /* the record's bytes, without its final line ending */
    size_t raw_len;
};

/* How a file is written: its delimiter and encoding. */
struct csvread_format {
    char delim;                  /* ',', ';' or '\t' */
    enum text_encoding encoding; /* converted to UTF-8 as read */
};

struct csvread {
    int fd;
    const char *name;           /* for messages; not owned */
    struct csv_parser parser;
    char *chunk;
    size_t pos, end;
    int eof, finished, failed, started;
    long line;                  /* physical line of the next byte */
    int in_record, rec_done, keep_raw;
    size_t rec_bytes;
    long nrecords;
    long rec_line;
    long long consumed;         /* bytes handed to the parser so far */
    struct buf raw, arena;
    size_t nfields;
    size_t off[CSVREAD_MAX_FIELDS];
    size_t flen[CSVREAD_MAX_FIELDS];
    char *fptr[CSVREAD_MAX_FIELDS];
    struct encoding_conv conv;  /* conv.cd NULL: the file is UTF-8 */
    char *in;                   /* bytes read before conversion */
    size_t unit;                /* most bytes one input byte becomes */
    char conv_error[160];       /* the conversion could not be opened */
};

/* Prepares to read fd from its current offset; name labels messages.
 * keep_raw: keep each record's verbatim bytes (else raw is "" after the
 * header; the header's are always kept). */
void csvread_init(struct csvread *r, int fd, const char *name, int keep_raw);

/* The same for a file of format f (csvread_init is f = { ',', ENC_UTF8 }). */
void csvread_init_format(struct csvread *r, int fd, const char *name, int keep_raw,
                         const struct csvread_format *f);
void csvread_release(struct csvread *r);

/* The next record: 1 and *rec filled, 0 at the end of the file, or -1 with
 * err filled (IMGO_EDATA for a file the contract rejects, IMGO_EIO for a
 * read error); after -1 the reader only returns -1. */
int csvread_next(struct csvread *r, struct csvread_record *rec, struct imgo_err *err);

/* Bytes consumed so far (for progress). */
long long csvread_offset(const struct csvread *r);

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, at
 * most U+10FFFF, no NUL byte), else 0. */
int csvread_is_utf8(const char *s, size_t n);
#endif
