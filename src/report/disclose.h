/*
 * disclose.h - what a reader can work out from a report: its published
 * numbers and the relations between them, as a model for the small-cell
 * audit (audit.h).
 *
 * Internal to the report stage. The report (to choose what to hide, and to
 * prove its choice) and `imgo audit` (from a written OUT/public.csv) build
 * the same model here from the same two inputs: the metrics rows a report
 * draws on, and the numbers it prints of them (field and text as printed).
 * Each published row is a figure; its n and k are whole-number cells. The
 * relations come from the metric registry (include/metrics.def): a rate is
 * k of n, all = img + non_img, a comparison's counts are its groups', a
 * span is the sum of its years, a breakdown's parts sum to its total, US
 * graduates are no IMGs and the reverse, a change adds two years. The
 * report's labels are knowledge too: a count labelled "fewer than M" lies
 * in 1..M-1, and a row hidden to protect another is not itself small (its
 * count is M or more), so both enter the model as relations.
 *
 * Ownership: disclose_build's caller calls disclose_release, which frees
 * the audit model too.
 */
#ifndef IMGO_DISCLOSE_H
#define IMGO_DISCLOSE_H

#include <stddef.h>

#include "audit.h"
#include "err.h"
#include "registry.h"

/* A row of the metrics table. Rows are sorted by metric name, group,
 * stratum, period (byte order), as metrics.csv. */
struct disclose_row {
    enum metric_id id; /* M_NONE: a metric this imgo does not know, left out */
    const char *metric, *group, *stratum, *period;
    long n, k;         /* the true counts, or AUDIT_NO_TRUTH (-1: empty) */
    int hidden;        /* with the truth: 1 for a row the report will hide as small;
                        * without, unused: the printed labels tell */
};

/* A number the report prints: a field of a row, as printed. */
struct disclose_pub {
    size_t row;        /* index into the rows */
    const char *field; /* n, k, value, ci_low, ci_high, p_value, q_value, text:NAME */
    const char *shown; /* as printed; "" hidden */
};

struct disclose {
    struct audit *a;
    size_t nrows;
    size_t *figure;   /* per row: its figure, AUDIT_NONE when it prints nothing */
    size_t *cell_n;   /* per row: its n cell, AUDIT_NONE */
    size_t *cell_k;   /* per row: its k cell, AUDIT_NONE */
    size_t *cell_row; /* per cell: its row */
    size_t cap_cell_row;
};

/* Builds the model of rows and what is printed of them. with_truth: the
 * rows' n and k are their true counts (the report choosing what to hide);
 * else only what is printed is known (auditing a written report). Rows of
 * metrics of which nothing is printed are left out. Returns IMGO_OK, or
 * IMGO_EDATA when a printed number is not one imgo prints (err says which). */
int disclose_build(struct disclose *d, const struct disclose_row *rows, size_t nrows,
                   const struct disclose_pub *pub, size_t npub, int min_cell, int with_truth,
                   struct imgo_err *err);
void disclose_release(struct disclose *d);

/* Whether a metric's k counts a group of residents (a part of a breakdown,
 * the IMG group of a comparison), so that a small k is protected and
 * labelled like a small n; else k counts an outcome among the n, protected
 * by the rate rule. */
int disclose_k_is_group(enum metric_id id);

/* Rows in metrics.csv's order: r's key against the given one (strcmp's
 * sign), and the index of a key among sorted rows, or AUDIT_NONE. */
int disclose_cmp_key(const struct disclose_row *r, const char *metric, const char *group, const char *stratum,
                     const char *period);
size_t disclose_find(const struct disclose_row *rows, size_t n, const char *metric, const char *group,
                     const char *stratum, const char *period);

#endif
