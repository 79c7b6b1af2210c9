/*
 * synth.h - a synthetic cohort directory with known planted effects.
 *
 * synth_write() writes the eleven CSV files of the input contract into a
 * directory: residents of several programs who start each July 1 of
 * SYNTH_FIRST_COHORT .. SYNTH_FIRST_COHORT + SYNTH_COHORTS - 1, followed up
 * to the as-of date SYNTH_AS_OF, with mentoring, milestones, evaluations,
 * narrative feedback, CCC actions, board exams, fellowship applications,
 * employment and patient experience. The model and every planted effect are
 * described in docs/SYNTH.md.
 *
 * Output depends only on the residents count and the seed (GSL's
 * gsl_rng_mt19937 seeded with it; mt19937 treats seed 0 as its default seed
 * 4357): the same arguments give byte-identical files. Nothing is dated
 * after SYNTH_AS_OF, so that date is also the data's default as-of. Rows are
 * written ordered by resident, then by date within resident. Memory is O(N)
 * only in a few counters per program; residents are generated and written
 * one at a time.
 */
#ifndef IMGO_SYNTH_H
#define IMGO_SYNTH_H

#include "cohort.h"

struct imgo_err;

#define SYNTH_AS_OF "2026-06-30"
#define SYNTH_FIRST_COHORT 2019
#define SYNTH_COHORTS 7
#define SYNTH_MAX_RESIDENTS 10000000UL
/* --programs: the number of programs in all, the small one included. */
#define SYNTH_MIN_PROGRAMS 6UL
#define SYNTH_MAX_PROGRAMS 999UL

/* Planted effects that name an id (docs/SYNTH.md): the two evaluators who
 * score IMGs 1.5 points lower, the peer mentor with more than 4 active
 * mentees at as-of, the program whose first-attempt board pass rate is
 * markedly lower and the one whose adverse-action rate is higher than the
 * rest (both outside the institution funnels' limits). */
#define SYNTH_BIASED_EVALUATOR_A "E003"
#define SYNTH_BIASED_EVALUATOR_B "E007"
#define SYNTH_OVERLOADED_MENTOR "P01-00-01"
#define SYNTH_LOW_BOARD_PROGRAM "IM-004"
#define SYNTH_HIGH_ADVERSE_PROGRAM "IM-002"

/* The mentorship program's launch, the start of the 2022 cohort: residents
 * who start on or after it have a narrower IMG milestone gap, and IMGs among
 * them leave less in their first year, pass the board more often and get
 * fewer adverse CCC actions (the pipeline key mentorship_launch). */
#define SYNTH_LAUNCH "2022-07-01"

/* The files: the cohort files of cohort.h, in their order. */
enum synth_file {
    SYNTH_RESIDENTS = COHORT_RESIDENTS,
    SYNTH_MENTOR_ASSIGNMENTS = COHORT_MENTOR_ASSIGNMENTS,
    SYNTH_MENTORSHIP_MEETINGS = COHORT_MENTORSHIP_MEETINGS,
    SYNTH_BOARD_EXAMS = COHORT_BOARD_EXAMS,
    SYNTH_FELLOWSHIP = COHORT_FELLOWSHIP_APPLICATIONS,
    SYNTH_MILESTONES = COHORT_MILESTONE_RATINGS,
    SYNTH_EVALUATIONS = COHORT_EVALUATIONS,
    SYNTH_FEEDBACK = COHORT_FEEDBACK,
    SYNTH_CCC_ACTIONS = COHORT_CCC_ACTIONS,
    SYNTH_EMPLOYMENT = COHORT_EMPLOYMENT,
    SYNTH_PATIENT_EXPERIENCE = COHORT_PATIENT_EXPERIENCE,
    SYNTH_NFILES = COHORT_NFILES
};

struct synth_opts {
    unsigned long residents; /* 1 .. SYNTH_MAX_RESIDENTS */
    unsigned long seed;      /* 0 .. 4294967295 */
    /* Optional (may be NULL): called after every 10,000 residents and after
     * the last, with the count done so far; it must not touch the files. */
    void (*progress)(unsigned long done, unsigned long total, void *arg);
    void *progress_arg;
    /* 0: max(5, min(98, residents / 60)) regular programs and the small
     * one; else this many programs in all (SYNTH_MIN_PROGRAMS ..
     * SYNTH_MAX_PROGRAMS), the last of them the small one. */
    unsigned long programs;
};

/* Rows written per file (not counting headers). */
struct synth_stats {
    unsigned long long rows[SYNTH_NFILES];
};

/* "residents.csv", ... for an enum synth_file; NULL when out of range. */
const char *synth_file_name(int file);

/* The header line of a file, without the newline: its columns in
 * cohort.h, in order (synth writes every row in that order). */
const char *synth_file_header(int file);

/*
 * Creates dir (and missing parents) when it does not exist and writes the
 * eleven files into it, replacing files of the same names. Each file is
 * written as dir/.NAME.tmp and renamed to dir/NAME once all eleven are
 * complete, so a failed or interrupted run leaves no truncated file under a
 * contract name. Returns IMGO_OK and fills *stats (may be NULL); IMGO_EUSAGE
 * for options out of range (nothing written); IMGO_EIO when a directory or
 * file cannot be created or written (err names the path; the temporary files
 * are removed).
 */
int synth_write(const char *dir, const struct synth_opts *opts,
                struct synth_stats *stats, struct imgo_err *err);

#endif
