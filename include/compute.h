/*
 * compute.h - the compute stage: every metric of metrics.md from the
 * database, into table metrics, OUT/metrics.csv and the chart data of
 * docs/TABLES.md (table chart_points and OUT/tables/NAME.csv).
 *
 * compute_run reads the cohort tables and writes the results in one
 * transaction: the database holds either the previous run's results or this
 * run's, never a mix. Files are renamed into place only when complete.
 *
 * What compute finds doubtful in the data (an as-of date long after the
 * last record, a Step 3 or board exam with no attempt, an exam name that
 * misses step3_exam by its spelling) is a warning: a plain sentence, kept
 * in table compute_warnings with the results and handed to the caller's
 * sink; the run still succeeds. Library code never prints them.
 *
 * The second half of this header is the interface between compute_run and
 * the metric families (the other files of src/compute); nothing outside
 * compute uses it.
 */
#ifndef IMGO_COMPUTE_H
#define IMGO_COMPUTE_H

#include <sqlite3.h>

#include "err.h"
#include "metrics.h"
#include "params.h"
#include "strdict.h"

/* Computes every metric on db with parameters p and writes them. outdir is
 * created when missing (its parent must exist). When db is a file, a second
 * read-only connection to it computes part of the metrics on a second
 * thread; the results do not depend on it. Returns IMGO_OK, IMGO_EDATA when
 * p has no as-of and the database holds no dated record, or IMGO_EIO. */
int compute_run(sqlite3 *db, const struct imgo_params *p, const char *outdir, struct imgo_err *err);

/* Where compute_run_sink hands its warnings: warning(ctx, text) once per
 * warning, in table order, after the results are committed (never on a
 * failed run). text is a sentence without "imgo: warning: ". */
struct compute_sink {
    void (*warning)(void *ctx, const char *text);
    void *ctx;
};

/* compute_run, with each warning also handed to sink (NULL: only stored). */
int compute_run_sink(sqlite3 *db, const struct imgo_params *p, const char *outdir, const struct compute_sink *sink,
                     struct imgo_err *err);

/* ---- for the metric families -------------------------------------------- */

enum compute_exit { EXIT_NONE, EXIT_COMPLETED, EXIT_WITHDREW, EXIT_DISMISSED, EXIT_TRANSFERRED };
enum compute_visa { VISA_NONE, VISA_J1, VISA_H1B, VISA_OTHER, VISA_MISSING };

/* Groups as array indices: counters are kept as x[GROUP_IMG] etc. */
enum compute_group { GROUP_NON_IMG = 0, GROUP_IMG = 1, GROUP_ALL = 2 };

/* A resident, as the families need it. */
struct compute_resident {
    long long rid;
    int start, end;      /* day numbers; has_end says whether end is set */
    int program;         /* id in compute_ctx.programs (the trimmed code) */
    int step2;           /* step2_score, or -1 when missing */
    unsigned char has_end, exit_reason, img, visa;
    unsigned char active; /* start <= as-of and in a selected program (the
                             programs parameter): only these are in any metric */
    unsigned char post;   /* start >= mentorship_launch (when set): era post */
    /* filled by compute_board: the first certification attempt
     * (mentorship.outcome_link, launch, institution) */
    unsigned char has_first_cert, first_cert_pass;
    int first_cert_date;
    /* filled by compute_mentor */
    unsigned char has_early;
    unsigned char cov_subject, covered; /* tiered coverage: counted, and covered */
    double early_a;
    /* filled by compute_adverse: a CCC review dated by as-of, and an
     * adverse action among them */
    unsigned char has_ccc, adverse;
};

/* Warnings in the order found; compute_warn adds one. */
struct compute_warnings {
    char **text;
    size_t len, alloc;
};

struct compute_ctx {
    sqlite3 *db;
    const struct imgo_params *p;
    int as_of;
    double conf;
    unsigned present;                /* SRC_* bits of the cohort files with rows */
    const struct strdict *programs;  /* every resident's program code */
    struct metric_set *m;
    struct chart_set *c;
    struct compute_resident *res; /* sorted by rid */
    size_t n_res;
    int *rid_index; /* rid -> index + 1 when rids are dense, else NULL */
    long long max_rid;
    struct compute_warnings *warnings; /* this thread's; see compute_warn */
    long step3_attempts; /* set by compute_board: attempts of step3_exam it read */
};

/* Adds a warning (printf-formatted) to x->warnings. Text that comes from
 * data goes through compute_quote. */
void compute_warn(struct compute_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends s to b in double quotes, with control characters as \xHH, so
 * that a name from the data cannot move a terminal's cursor. */
void compute_quote(struct buf *b, const char *s);

/* Adds the change row of metric change (group all, period year): rate k1
 * of n1 in year minus rate k0 of n0 in year - 1, Newcombe's interval and
 * Fisher's p (stats_newcombe), n = n1 + n0, k = k1 + k0; suppressed when
 * either year has fewer than min_cell subjects. Needs n1, n0 >= 1. */
void compute_add_change(struct compute_ctx *x, enum metric_id change, const char *stratum, int year, long k1,
                        long n1, long k0, long n0);

/* The resident with this rid, or NULL. */
struct compute_resident *compute_find(const struct compute_ctx *x, long long rid);

/* Group names by enum compute_group: "non_img", "img", "all". */
extern const char *const compute_group_name[3];

/* Clamps e's interval bounds to [lo, hi], the possible range of the
 * estimate (metrics.md "Interval bounds are clamped to the possible
 * range"); NAN bounds stay NAN. */
struct stats_est compute_clamp(struct stats_est e, double lo, double hi);

/* Adds the row of a rate k of n for group g (Wilson interval); returns it
 * (owned by x->m) for a family that must set more of it. */
struct metric_row *compute_add_rate(struct compute_ctx *x, enum metric_id metric, int g, const char *stratum,
                                    const char *period, long k, long n);

/* Counts a subject of group img (0 or 1) in n[img] and n[GROUP_ALL], and
 * hit (0 or 1, or a count) in k likewise. */
void compute_count(long n[3], long k[3], int img, long hit);

/* The rows of a rate by group: all, img, non_img of k of n (Wilson), and,
 * when diff is not M_NONE and both groups have n >= 1, the img_vs_non_img
 * row of diff: rate(img) - rate(non_img), Newcombe interval, Fisher p,
 * n = n_img + n_non_img, k likewise. */
void compute_add_rates(struct compute_ctx *x, enum metric_id rate, enum metric_id diff, const char *stratum,
                       const char *period, const long k[3], const long n[3]);

/* metrics.md "First-year retention" for a resident with start_date + 365
 * <= as-of: 1 retained, 0 left by attrition within 365 days. */
int compute_first_year_retained(const struct compute_resident *r);

/* The academic year of a day number: AYyyyy runs from July 1 of yyyy - 1
 * to June 30 of yyyy; returns yyyy. */
int compute_academic_year(int day);

/* The period text of academic year yyyy: "AY2025" (out: 16 bytes). */
void compute_ay_period(int ay, char out[16]);

/* Rates by academic year: per year lo..hi, n and k of each group. Zero it
 * to start; compute_by_year_release frees it. */
struct compute_by_year {
    int lo, hi; /* hi < lo: empty */
    long (*n)[3], (*k)[3];
};
void compute_by_year_add(struct compute_by_year *t, int ay, int img, long hit);
/* The rows of rate and diff (compute_add_rates) for every year whose group
 * all has n >= 1, period AYyyyy, and the points of chart (series all, img,
 * non_img; x the year yyyy; C_NONE: none). */
void compute_by_year_rows(struct compute_ctx *x, const struct compute_by_year *t, enum metric_id rate,
                          enum metric_id diff, enum chart_id chart);
void compute_by_year_release(struct compute_by_year *t);

/* A statement over a cohort table whose rows come in rid order (rid in
 * column 0), read one row at a time with the resident each row belongs to.
 * Rows of a rid that is no resident, or of a resident who started after
 * as-of (in no metric), are skipped. */
struct res_cursor {
    struct compute_ctx *x;
    sqlite3_stmt *st;
    struct compute_resident *r; /* the current row's resident */
    int first;                  /* the row is the first of its resident */
    int started;
    long long rid;
};

/* Prepares sql and binds ?1 to x->as_of when sql has a parameter. */
int res_cursor_open(struct res_cursor *c, struct compute_ctx *x, const char *sql, struct imgo_err *err);

/* The next row: 1, 0 at the end, or -1 with err filled (a database error). */
int res_cursor_next(struct res_cursor *c, struct imgo_err *err);

/* Finalizes the statement; c may be closed twice, or never opened when
 * zeroed. */
void res_cursor_close(struct res_cursor *c);

/* Kaplan-Meier: survival observations of the three groups, the metric rows
 * at times ts[0..n_ts) and, when chart is not NULL, the step curves of img
 * and non_img. obs[g] arrays are sorted in place. */
struct compute_surv {
    struct stats_surv_obs *obs;
    size_t len, alloc;
};
void compute_surv_add(struct compute_surv *s, double time, int event, int group);
void compute_km_rows(struct compute_ctx *x, enum metric_id metric, struct compute_surv sv[3],
                     const int *ts, int n_ts, enum chart_id chart);

/* The families, called in this order by compute_run. Each returns an
 * imgo_status and fills err. */
int compute_cohort(struct compute_ctx *x, struct imgo_err *err);
int compute_retention(struct compute_ctx *x, struct imgo_err *err);
int compute_board(struct compute_ctx *x, struct imgo_err *err);
int compute_fellowship(struct compute_ctx *x, struct imgo_err *err);
int compute_mentor(struct compute_ctx *x, struct imgo_err *err);
int compute_milestones(struct compute_ctx *x, struct imgo_err *err);
int compute_evaluators(struct compute_ctx *x, struct imgo_err *err);
int compute_feedback(struct compute_ctx *x, struct imgo_err *err);
int compute_adverse(struct compute_ctx *x, struct imgo_err *err);
int compute_workforce(struct compute_ctx *x, struct imgo_err *err);
int compute_patient(struct compute_ctx *x, struct imgo_err *err);
int compute_quarterly(struct compute_ctx *x, struct imgo_err *err);
int compute_launch(struct compute_ctx *x, struct imgo_err *err);
int compute_institution(struct compute_ctx *x, struct imgo_err *err);

#endif
