/*
 * registry.h - the metric registry: every metric and chart, named once.
 *
 * include/metrics.def lists them; this header turns the list into ids and
 * the tables below. Compute adds rows by id (metric_add(set, M_RETENTION_KM,
 * ...)) and the report looks them up by id, so a metric's name is a string
 * in one place only and a misspelt id does not compile. The registry also
 * says which groups a metric has, which cohort files it counts, how a
 * report shows it, which chart it feeds, its Benjamini-Hochberg family, and
 * how its rows relate (a comparison rests on two group rows; a breakdown
 * partitions a group): the report's suppression rules are derived from it.
 *
 * Everything here is static and read-only; nothing to free.
 */
#ifndef IMGO_REGISTRY_H
#define IMGO_REGISTRY_H

#include <stddef.h>

#include "cohort.h"

/* Groups a metric's rows have. */
enum metric_groups {
    MG_RATE = 1 << 0, /* all, img, non_img */
    MG_CMP = 1 << 1,  /* img_vs_non_img */
    MG_ALL = 1 << 2,  /* all only */
    MG_IMG = 1 << 3,  /* img only */
    MG_PAIR = 1 << 4  /* img and non_img, no all */
};

/* How a report prints a value. */
enum metric_show {
    SHOW_PCT,   /* a proportion as a percentage: 87.8% */
    SHOW_PP,    /* a difference of proportions in percentage points: +3.2 pp */
    SHOW_NUM,   /* a number, 3 decimals */
    SHOW_RATIO, /* a ratio, 2 decimals */
    SHOW_INT,   /* a whole number */
    SHOW_CHI,   /* a test statistic, 2 decimals */
    SHOW_COUNT, /* the row's k, a count of residents */
    SHOW_FLAG   /* 1 raised, 0 not */
};

enum metric_flags {
    MF_GROUP_SIZES = 1 << 0, /* comparison: k is the IMG group's size, n - k the other's */
    MF_RATE = 1 << 1,        /* value = k / n, k of the n subjects */
    MF_K_SUBSET = 1 << 2,    /* k counts some of the n subjects */
    MF_PERIODS_ADD = 1 << 3, /* a span or the empty period is the sum of its years */
    MF_CMP_SUMS = 1 << 4,    /* comparison: n and k are the base groups' sums */
    MF_CMP_N = 1 << 5,       /* comparison: n is the base groups' sum */
    MF_CHANGE = 1 << 6       /* n, k: the base rate's 'all' rows of the period and the year before */
};

/* The cohort files a metric counts, as bits of enum cohort_file_id. */
#define SRC_BIT(id) (1u << (id))
#define SRC_RESIDENTS SRC_BIT(COHORT_RESIDENTS)
#define SRC_MENTOR_ASSIGNMENTS SRC_BIT(COHORT_MENTOR_ASSIGNMENTS)
#define SRC_MENTORSHIP_MEETINGS SRC_BIT(COHORT_MENTORSHIP_MEETINGS)
#define SRC_BOARD_EXAMS SRC_BIT(COHORT_BOARD_EXAMS)
#define SRC_FELLOWSHIP_APPLICATIONS SRC_BIT(COHORT_FELLOWSHIP_APPLICATIONS)
#define SRC_MILESTONE_RATINGS SRC_BIT(COHORT_MILESTONE_RATINGS)
#define SRC_EVALUATIONS SRC_BIT(COHORT_EVALUATIONS)
#define SRC_FEEDBACK SRC_BIT(COHORT_FEEDBACK)
#define SRC_CCC_ACTIONS SRC_BIT(COHORT_CCC_ACTIONS)
#define SRC_EMPLOYMENT SRC_BIT(COHORT_EMPLOYMENT)
#define SRC_PATIENT_EXPERIENCE SRC_BIT(COHORT_PATIENT_EXPERIENCE)

enum chart_id {
    C_NONE = -1,
#define CHART(ID, NAME, SPLIT) C_##ID,
#include "metrics.def"
    C_COUNT
};

enum metric_id {
    M_NONE = -1,
#define METRIC(ID, NAME, GROUPS, SOURCES, SHOW, CHART, BH, BASE, BASE_STRATUM, FLAGS) M_##ID,
#include "metrics.def"
    M_COUNT
};

struct metric_def {
    enum metric_id id;
    const char *name;         /* "retention.km" */
    unsigned groups;          /* enum metric_groups */
    unsigned sources;         /* SRC_* bits */
    enum metric_show show;
    enum chart_id chart;
    const char *bh_prefix;    /* NULL: no BH family */
    enum metric_id base;      /* M_NONE */
    const char *base_stratum; /* NULL: the comparison row's own */
    unsigned flags;           /* enum metric_flags */
};

struct chart_def {
    enum chart_id id;
    const char *name;
    int split;
};

struct partition_def {
    enum metric_id metric;
    const char *prefix;
    int size_is_k;
    int complete; /* the parts sum to the total (else to at most it) */
};

/* The rows of metric whose stratum starts with prefix count the cohort
 * files sources too (besides the metric's own SOURCES). */
struct stratum_source_def {
    enum metric_id metric;
    const char *prefix;
    unsigned sources;
};

/* The metric or chart with this id (0 <= id < M_COUNT / C_COUNT). */
const struct metric_def *metric_def(enum metric_id id);
const struct chart_def *chart_def(enum chart_id id);

/* The metric whose name is name, or NULL (a row of another imgo version). */
const struct metric_def *metric_def_find(const char *name);

/* Short forms: the name of a metric or a chart. */
const char *metric_name(enum metric_id id);
const char *chart_name(enum chart_id id);

/* The partitions, n of them. */
const struct partition_def *partition_defs(size_t *n);

/* The per-stratum sources, n of them. */
const struct stratum_source_def *stratum_source_defs(size_t *n);

/* Does the row of metric id with this stratum count a cohort file that is
 * not in present (SRC_* bits of the files with rows)? The residents file
 * counts for every metric. Such a row is not written (metrics.md "Absent
 * source, no rows"). */
int metric_source_absent(enum metric_id id, const char *stratum, unsigned present);

#endif
