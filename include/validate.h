/*
 * validate.h - the input contract applied to headers, fields and rows.
 *
 * Pure functions over the cohort table (cohort.h): no database, no I/O.
 * They turn a field's text into its canonical value (day number, integer,
 * number, canonical enum spelling, upper-cased text) or say why they
 * cannot. Messages are the contract's: lower-case, the offending value in
 * double quotes (escaped, shortened to 60 bytes), without the
 * "FILE:LINE:COLUMN: " place, which the caller adds.
 *
 * Checks in order, first failure wins: NUL byte, invalid UTF-8, longer than
 * VALIDATE_FIELD_MAX bytes, missing (empty) value when required, then the
 * column's type, range and step.
 */
#ifndef IMGO_VALIDATE_H
#define IMGO_VALIDATE_H
#include <stddef.h>

#include "buf.h"
#include "cohort.h"
#include "csvread.h"

#define VALIDATE_FIELD_MAX 10000   /* bytes in a field */
#define VALIDATE_MAX_COLUMNS 256   /* columns in a header */
#define VALIDATE_ID_MAX 64         /* characters in an id */

struct validate_value {
    int missing;      /* the field was empty (or its column absent) */
    int bad;          /* the field failed validation */
    const char *s;    /* canonical text: the field itself (trimmed,
                       * upper-cased for COHORT_UPPER) or the static
                       * canonical spelling for COHORT_ENUM */
    size_t len;
    long long i;      /* COHORT_INT; COHORT_DATE: day number */
    double d;         /* COHORT_NUM */
};

/* The input contract's integer syntax: decimal digits only (leading zeros
 * allowed); values of 10^18 and beyond saturate, and so fail any range.
 * Returns 0 and sets *out, or -1. */
int validate_parse_int(const char *s, size_t len, long long *out);

/* The input contract's number syntax: -?digits(.digits)? and nothing else
 * (".5", "1e2", "inf" fail); s[len] must be a NUL. Returns 0 and sets *out
 * (the value strtod gives), or -1. */
int validate_parse_number(const char *s, size_t len, double *out);

/* Validates one field of column c. s holds len bytes followed by a NUL and
 * may be modified in place (upper-casing). Fills *v; returns 0, or -1 and
 * appends the reason to msg. A missing optional value is valid. */
int validate_field(const struct cohort_column *c, char *s, size_t len,
                   struct validate_value *v, struct buf *msg);

/* The rules between fields of one row (end_date after start_date,
 * exit_reason with end_date, graduation_year not after the start year,
 * ended_date after assigned_date). vals is indexed like f->cols; fields
 * that are bad are not compared. For each broken rule calls report with
 * the column index it is reported on and the message. Returns the number
 * of broken rules. */
int validate_row(const struct cohort_file *f, const struct validate_value *vals,
                 void (*report)(void *ctx, int col, const char *msg), void *ctx);

/* Where each column of the file is found in a header. */
struct validate_header {
    int field_of[32];     /* cohort column -> header field index, or -1 */
    size_t nfields;       /* fields in the header */
};

enum validate_header_flags {
    VALIDATE_STRICT = 1 << 0  /* an unknown column is an error */
};

/* Matches header names (trimmed, case-insensitive, any order) to the
 * columns of f. Calls report(ctx, is_error, msg) for each problem: unknown
 * columns are warnings ("unknown column "x" ignored"), errors under
 * VALIDATE_STRICT; a missing required column, a duplicated or empty name
 * and more than VALIDATE_MAX_COLUMNS columns are errors. Returns the
 * number of errors (0: the header is usable). */
int validate_header(const struct cohort_file *f, const struct csvread_record *hdr, unsigned flags,
                    struct validate_header *h,
                    void (*report)(void *ctx, int is_error, const char *msg), void *ctx);

/* Appends s (len bytes) to b in double quotes, with control characters,
 * '"' and '\' escaped, and cut to 60 bytes on a character boundary. */
void validate_quote(struct buf *b, const char *s, size_t len);
#endif
