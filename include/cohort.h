/*
 * cohort.h - the eleven files of a cohort directory, as data.
 *
 * The single source of truth for the input contract (docs/INPUTS.md): each
 * file's name, its database table, what a row is, and for each column its
 * type, whether it is required, its enumerated values, its range, whether
 * it is part of the natural key and what it holds. The validator, the
 * ingest stage, import maps, the synthetic-data generator and the
 * templates (`imgo template`) all read this table; nothing else spells a
 * column list.
 *
 * The database column of a CSV column has the same name, except that
 * resident_id in every file but residents.csv is stored as the integer rid
 * of table residents.
 *
 * Everything here is static and read-only; nothing to free.
 */
#ifndef IMGO_COHORT_H
#define IMGO_COHORT_H
#include <stddef.h>

enum cohort_type {
    COHORT_ID,    /* 1..64 of [A-Za-z0-9._-], case-sensitive */
    COHORT_TEXT,  /* any UTF-8 text, stored as given (trimmed) */
    COHORT_UPPER, /* text stored upper-cased (ASCII letters) */
    COHORT_DATE,  /* YYYY-MM-DD, stored as an INTEGER day number (date.h) */
    COHORT_INT,   /* decimal digits only, stored INTEGER */
    COHORT_NUM,   /* -?digits(.digits)?, stored REAL */
    COHORT_ENUM   /* one of enums[], case-insensitive, stored canonical */
};

enum cohort_column_flags {
    COHORT_REQUIRED = 1 << 0, /* a missing value is a row error */
    COHORT_KEY = 1 << 1,      /* part of the natural key */
    COHORT_MIN = 1 << 2,      /* min applies */
    COHORT_MAX = 1 << 3,      /* max applies */
    COHORT_HALF = 1 << 4      /* the value is a multiple of 0.5 */
};

struct cohort_column {
    const char *name;
    enum cohort_type type;
    unsigned flags;            /* enum cohort_column_flags */
    const char *const *enums;  /* COHORT_ENUM: canonical spellings, NULL-ended */
    double min, max;           /* inclusive, when COHORT_MIN / COHORT_MAX */
    const char *help;          /* what the column holds, and its rules between columns */
};

/* The files, in the order they are ingested (residents.csv first). */
enum cohort_file_id {
    COHORT_RESIDENTS,
    COHORT_MENTOR_ASSIGNMENTS,
    COHORT_MENTORSHIP_MEETINGS,
    COHORT_BOARD_EXAMS,
    COHORT_FELLOWSHIP_APPLICATIONS,
    COHORT_MILESTONE_RATINGS,
    COHORT_EVALUATIONS,
    COHORT_FEEDBACK,
    COHORT_CCC_ACTIONS,
    COHORT_EMPLOYMENT,
    COHORT_PATIENT_EXPERIENCE,
    COHORT_NFILES
};

struct cohort_file {
    enum cohort_file_id id;
    const char *name;   /* canonical file name, lower-case: "residents.csv" */
    const char *table;  /* database table */
    const struct cohort_column *cols;
    size_t ncols;
    const char *help;   /* what one row is */
};

/* The file with this id. */
const struct cohort_file *cohort_file(enum cohort_file_id id);

/* The file whose canonical name equals name case-insensitively
 * ("Residents.CSV"), or NULL. */
const struct cohort_file *cohort_find(const char *name);

/* The index of column name (exact, canonical spelling) in f, or -1. */
int cohort_column_index(const struct cohort_file *f, const char *name);

/* The IMG rule, written once: a resident whose graduate_type (canonical
 * spelling) is us_img or non_us_img is an international medical graduate;
 * usmd, usdo and NULL are not. Every connection db_open makes has it as the
 * SQL function is_img(graduate_type). */
int cohort_is_img(const char *graduate_type);

/* The words a report uses for an enumerated value of a column ("h1b" of
 * visa is "H-1B", "non_us_img" of graduate_type "Non-US IMG"), or NULL when
 * the column has no such value. column is a column name of any file. */
const char *cohort_value_label(const char *column, const char *value);

/* The name of a column type as the documentation gives it ("date
 * (YYYY-MM-DD)", "integer", ...). */
const char *cohort_type_name(enum cohort_type t);

/* The canonical spelling of an enumerated value (s, len bytes) matched
 * case-insensitively, or NULL when it is not one of c->enums. */
const char *cohort_enum_match(const struct cohort_column *c, const char *s, size_t len);
#endif
