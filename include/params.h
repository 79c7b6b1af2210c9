/*
 * params.h - the parameters of a run, read from a pipeline file.
 *
 * A pipeline file (the .pipeline files in pipelines/) is `key = value` lines
 * with `#` comments. Every key is one row of one table, params_table (its
 * rows are in src/core/params.def): the key's type, default, allowed values
 * and help. That table drives parsing and validation (params_set, generic
 * per type), formatting (params_format), the key order of run.json and
 * compute_info (params_keys), and the documentation (`imgo help pipeline`,
 * the man page, docs/PIPELINES.md). params_load reads a file; params_set
 * applies one key, so command-line options override the file through the
 * same validation. Every key has a default (params_init), so a run without
 * a pipeline file uses the defaults.
 *
 * Ownership: params_init's caller calls params_release; strings in the
 * struct are owned by it. The table and its strings are static.
 */
#ifndef IMGO_PARAMS_H
#define IMGO_PARAMS_H

#include <stddef.h>

#include "err.h"

enum params_report { PARAMS_REPORT_ANNUAL, PARAMS_REPORT_QUARTERLY, PARAMS_REPORT_INSTITUTION };

enum params_stage { STAGE_INGEST = 1 << 0, STAGE_COMPUTE = 1 << 1, STAGE_REPORT = 1 << 2 };

#define PARAMS_MAX_STAGES 8

/* A field is named like its key (params.def relies on it). */
struct imgo_params {
    int stages[PARAMS_MAX_STAGES]; /* enum params_stage, in pipeline order */
    int n_stages;
    int report;                   /* enum params_report */
    int has_as_of;                /* 0: default, the latest event date */
    int as_of;                    /* day number (date.h) when has_as_of */
    double confidence;            /* 0.95 */
    int min_cell;                 /* 5 */
    char *board_exams;            /* NULL: every exam but step3_exam; else upper-cased
                                     comma-separated list, spaces removed */
    char *step3_exam;             /* "USMLE-STEP3", upper-cased */
    double board_pass_threshold;  /* 0.80 */
    int max_mentees;              /* 4 */
    int min_evaluator_n;          /* 5 */
    double fdr_q;                 /* 0.10 */
    int has_mentorship_launch;    /* 0: mentorship_launch empty, no launch rows */
    int mentorship_launch;        /* day number, when has_mentorship_launch */
    double l4_threshold;          /* 2.5: a review's mean rating at most this is low */
    char *programs;               /* NULL: every program; else the program codes,
                                     trimmed, comma-separated, case kept */
    char *required_roles_img;     /* "senior_resident,faculty,peer": canonical role
                                     names (cohort.h), comma-separated, no repeats */
    char *required_roles_non_img; /* "senior_resident,faculty" */
    char *source;                 /* the pipeline file read, or NULL */
};

/* The kinds of value a key holds. Each has one parser and one formatter in
 * params.c; a new kind of value is a new type there. */
enum params_type {
    PARAMS_T_STAGES,   /* stage names separated by spaces, in stage order */
    PARAMS_T_REPORT,   /* a report kind: annual, quarterly or institution */
    PARAMS_T_DATE_OPT, /* YYYY-MM-DD, or empty */
    PARAMS_T_NUMBER,   /* the input contract's number syntax, within [lo, hi] */
    PARAMS_T_WHOLE,    /* a whole number lo..hi */
    PARAMS_T_EXAMS,    /* exam names separated by commas, or empty */
    PARAMS_T_EXAM,     /* one exam name */
    PARAMS_T_PROGRAMS, /* program codes separated by commas (case kept), or empty */
    PARAMS_T_ROLES,    /* mentor roles separated by commas */
};

/* flags of a PARAMS_T_NUMBER bound */
enum params_key_flags { PARAMS_LO_OPEN = 1 << 0, PARAMS_HI_OPEN = 1 << 1 };

/* One pipeline key. A bad value is reported as "KEY: 'VALUE' is not RANGE"
 * (the stages list has messages of its own). */
struct params_key {
    const char *key;
    enum params_type type;
    const char *def;   /* the default, as pipeline-file text; "" for none */
    const char *empty; /* what an empty value means; NULL when it is not allowed */
    const char *range; /* the allowed values, as the error message says them */
    const char *help;  /* what the key does, one or two sentences */
    /* for params.c: where the value lives in struct imgo_params, and bounds */
    size_t off;        /* offsetof the field named like the key */
    size_t off_has;    /* PARAMS_T_DATE_OPT: offsetof the int set when given */
    double lo, hi;     /* PARAMS_T_NUMBER, PARAMS_T_WHOLE */
    unsigned flags;    /* enum params_key_flags */
};

/* Every key, in the order they are documented and written to run.json;
 * the last row has key NULL. params_keys holds the same names, NULL-ended. */
extern const struct params_key params_table[];
extern const char *const params_keys[];

/* The row of key, or NULL. */
const struct params_key *params_key_find(const char *key);

/* The name of a type for documentation ("whole number", "optional date"). */
const char *params_type_name(enum params_type type);

/* Sets every key to its default (the table's def). */
void params_init(struct imgo_params *p);
void params_release(struct imgo_params *p);

/* Sets key to the text value (trimmed by the caller), validating it. On a bad
 * key or value returns IMGO_EUSAGE with "unknown key 'x'" or
 * "min_cell: 'abc' is not a whole number >= 1" style messages (no place:
 * callers prefix it); p is then unchanged. */
int params_set(struct imgo_params *p, const char *key, const char *value, struct imgo_err *err);

/* params_set from "KEY=VALUE" text (the form of --set; nothing is trimmed).
 * Text without '=' is IMGO_EUSAGE "'x' is not KEY=VALUE". */
int params_set_pair(struct imgo_params *p, const char *pair, struct imgo_err *err);

/* Reads a pipeline file: each key=value goes through params_set. Errors name
 * the place, "annual.pipeline:7: unknown key 'min_cel'" (IMGO_EUSAGE), or
 * "FILE: cannot read: ..." (IMGO_EIO). A key given twice is an error.
 * p->source becomes path. */
int params_load(struct imgo_params *p, const char *path, struct imgo_err *err);

/* The parser behind params_load: the text of a pipeline file (len bytes,
 * any content) as if read from a file called name. Leaves p->source alone. */
int params_parse(struct imgo_params *p, const char *name, const char *text, size_t len,
                 struct imgo_err *err);

/* The name of a stage ("ingest", "compute", "report"). */
const char *params_stage_name(int stage);

/* Writes the value of key as pipeline-file text into out (size n, always
 * NUL-terminated; "" for an unknown key). For provenance output. */
void params_format(const struct imgo_params *p, const char *key, char *out, size_t n);

#endif
