/*
 * rprev.h - an earlier run's output directory, read back (report.h,
 * report_prev_load), as the section "Since the last report" uses it.
 *
 * Internal to the report stage. Everything is copied out of the files:
 * strings belong to the struct, which report_prev_free frees.
 */
#ifndef IMGO_RPREV_H
#define IMGO_RPREV_H

#include <stddef.h>

#include "public.h"
#include "report.h"

/* One input file of run.json's "files". */
struct prev_file {
    char *file, *sha256;
    long long rows_read, rows_written, rows_rejected;
};

/* A raised accreditation flag of metrics.csv: its stratum (exam=E) and
 * period. */
struct prev_flag {
    char *stratum, *period;
};

struct report_prev {
    char *dir;                   /* as given */
    char *version;               /* run.json imgo_version */
    char *as_of;                 /* run.json as_of; NULL when null */
    char **param_k, **param_v;   /* run.json parameters, in its order */
    size_t n_params;
    struct prev_file *files;
    size_t n_files;
    int has_public;              /* public.csv was there */
    struct public_table pub;
    int has_metrics;             /* metrics.csv was there */
    struct prev_flag *flags;
    size_t n_flags;
};

/* run.json's value of parameter key, or NULL. */
const char *prev_param(const struct report_prev *p, const char *key);

#endif
