/*
 * public.h - a report's published numbers read back (OUT/public.csv).
 *
 * The audit of a report starts from what a reader sees: every number the
 * report prints, as printed. OUT/public.csv lists them, one a row, under
 * the header (exactly)
 *
 *     metric,group,stratum,period,field,shown
 *
 * where field is n, k, value, ci_low, ci_high, p_value, q_value (the
 * Benjamini-Hochberg q of a family), or text:NAME (a count stated in a
 * sentence or a table of its own, such as the number at risk), and shown is the number exactly as printed,
 * or empty when the report hides it. public_shown turns a shown string into
 * the interval of values consistent with it:
 *
 *   count fields (n, k, text:NAME): digits only, exact ("14" is 14), or
 *     "fewer than M" as the report labels a count hidden for being small
 *     ([1, M - 1]);
 *   a rate "87.8%": [0.8775, 0.8785], clipped to [0, 1] ("100.0%" is
 *     [0.9995, 1]);
 *   a difference "+3.2 pp": [0.0315, 0.0325], clipped to [-1, 1]; a '+'
 *     also says the value is above 0, and imgo prints every positive
 *     difference with one, so in a value field a difference without a sign
 *     is 0 or below (a confidence bound may be printed without its sign);
 *   a plain number "1.25", "-0.120" or "180": half a unit of its last
 *     printed decimal either side ([1.245, 1.255]);
 *   "< 0.001" (p_value and q_value only): [0, 0.001];
 *   "n/a": printed, but not a number (not estimable);
 *   empty: hidden.
 * Anything else is an error: public.csv is imgo's own output, so a string
 * imgo would not print is a fault to report, not to guess at. Numbers have
 * at most 15 digits.
 *
 * Errors: public_shown fills err (IMGO_EDATA) with a message without a
 * place; public_read names FILE:LINE:COLUMN (FILE:LINE for the header, the
 * shape of a row or a duplicate key) and loses nothing: on any error the
 * table is left empty. A read error is IMGO_EIO.
 * Ownership: public_read fills a table that the caller releases with
 * public_table_release (also after an error); strings belong to the table.
 */
#ifndef IMGO_PUBLIC_H
#define IMGO_PUBLIC_H

#include <stddef.h>

#include "err.h"

enum public_field {
    PUBLIC_N, PUBLIC_K, PUBLIC_VALUE, PUBLIC_CI_LOW, PUBLIC_CI_HIGH, PUBLIC_P_VALUE, PUBLIC_Q_VALUE, PUBLIC_TEXT
};

enum public_kind {
    PUBLIC_HIDDEN,   /* empty: the report hides it */
    PUBLIC_NA,       /* "n/a": printed, not a number */
    PUBLIC_NUMBER    /* a number: lo <= value <= hi */
};

struct public_num {
    enum public_kind kind;
    double lo, hi;   /* for PUBLIC_NUMBER; equal for an exact count */
};

struct public_row {
    char *metric, *group, *stratum, *period;
    enum public_field field;
    char *text_name;   /* NAME of text:NAME, else NULL */
    char *shown;       /* as printed */
    struct public_num num;
    long line;         /* in the file, for messages */
};

struct public_table {
    struct public_row *rows;
    size_t n, cap;
};

/* The field for a name of the field column, with *text_name pointing
 * into name after "text:"; -1 when it is not one. */
int public_field_parse(const char *name, const char **text_name);

/* The interval of shown in a column of kind field; IMGO_OK or IMGO_EDATA. */
int public_shown(const char *shown, enum public_field field, struct public_num *num, struct imgo_err *err);

void public_table_init(struct public_table *t);
void public_table_release(struct public_table *t);

/* Reads public.csv from fd (not closed) into t (empty at the call); name
 * labels messages. */
int public_read_fd(struct public_table *t, int fd, const char *name, struct imgo_err *err);
/* The same from the file at path. */
int public_read(struct public_table *t, const char *path, struct imgo_err *err);

#endif
