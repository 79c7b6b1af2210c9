/*
 * params.h - the parameters of a run, read from a pipeline file.
 *
 * A pipeline file (the .pipeline files in pipelines/, product.md) is `key = value` lines
 * with `#` comments. params_load reads one; params_set applies one key, so
 * command-line options override the file through the same validation.
 * Every key has a default (params_init), so a run without a pipeline file
 * uses the contract's defaults.
 *
 * Ownership: params_init's caller calls params_release; strings in the
 * struct are owned by it.
 */
#ifndef IMGO_PARAMS_H
#define IMGO_PARAMS_H

#include <stddef.h>

#include "err.h"

enum params_report { PARAMS_REPORT_ANNUAL, PARAMS_REPORT_QUARTERLY };

enum params_stage { STAGE_INGEST = 1 << 0, STAGE_COMPUTE = 1 << 1, STAGE_REPORT = 1 << 2 };

#define PARAMS_MAX_STAGES 8

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
    int has_launch;               /* 0: mentorship_launch empty, no launch rows */
    int launch;                   /* mentorship_launch, day number, when has_launch */
    double l4_threshold;          /* 2.5: a review's mean rating at most this is low */
    char *programs;               /* NULL: every program; else the program codes,
                                     trimmed, comma-separated, case kept */
    char *required_roles_img;     /* "senior_resident,faculty,peer": canonical role
                                     names (cohort.h), comma-separated, no repeats */
    char *required_roles_non_img; /* "senior_resident,faculty" */
    char *source;                 /* the pipeline file read, or NULL */
};

/* Sets every key to its default. */
void params_init(struct imgo_params *p);
void params_release(struct imgo_params *p);

/* Sets key to the text value (trimmed by the caller), validating it. On a bad
 * key or value returns IMGO_EUSAGE with "unknown key 'x'" or
 * "min_cell: 'abc' is not a whole number >= 1" style messages (no place:
 * callers prefix it). */
int params_set(struct imgo_params *p, const char *key, const char *value, struct imgo_err *err);

/* Reads a pipeline file: each key=value goes through params_set. Errors name
 * the place, "annual.pipeline:7: unknown key 'min_cel'" (IMGO_EUSAGE), or
 * "FILE: cannot read: ..." (IMGO_EIO). A key given twice is an error. */
int params_load(struct imgo_params *p, const char *path, struct imgo_err *err);

/* The parser behind params_load: the text of a pipeline file (len bytes,
 * any content) as if read from a file called name. Leaves p->source alone. */
int params_parse(struct imgo_params *p, const char *name, const char *text, size_t len,
                 struct imgo_err *err);

/* The name of a stage ("ingest", "compute", "report"). */
const char *params_stage_name(int stage);

/* Keys in the order they are documented, for provenance output: for each,
 * params_format writes the resolved value as text into out (size n). */
extern const char *const params_keys[];
void params_format(const struct imgo_params *p, const char *key, char *out, size_t n);

#endif
