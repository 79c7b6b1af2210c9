/*
 * synth.c - the synthetic cohort generator (see synth.h, docs/SYNTH.md).
 *
 * imgo's statistics must find effects that are really there and none that
 * are not, and its ingest and compute stages must be fast on national-scale
 * data. This module makes such data: a cohort whose generating parameters
 * (the planted effects) are written down, so tests and benchmarks can check
 * the pipeline recovers them. Each resident is drawn from one GSL mt19937
 * stream and all of that resident's rows are written before the next
 * resident is drawn, so memory stays bounded and the rows come out ordered by
 * resident and date. The few things shared between residents (programs,
 * evaluator leniencies, mentor slot counters) are small arrays made up front.
 */
#include "synth.h"
#include "date.h"
#include "err.h"
#include "fsutil.h"
#include "mem.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

const char *synth_file_name(int file)
{
    return file >= 0 && file < SYNTH_NFILES ? cohort_file((enum cohort_file_id)file)->name : NULL;
}

const char *synth_file_header(int file)
{
    /* Built once from the column table of cohort.h. */
    static char headers[SYNTH_NFILES][512];
    if (file < 0 || file >= SYNTH_NFILES)
        return NULL;
    if (!headers[file][0]) {
        const struct cohort_file *f = cohort_file((enum cohort_file_id)file);
        size_t len = 0;
        for (size_t c = 0; c < f->ncols && len < sizeof headers[file]; c++)
            len += (size_t)snprintf(headers[file] + len, sizeof headers[file] - len, "%s%s", c ? "," : "",
                                    f->cols[c].name);
    }
    return headers[file];
}

/* ---- the model's parameters (docs/SYNTH.md explains each) ---- */

/* Programs: REGULAR_MIN..REGULAR_MAX of three sizes, then one small
 * program of about SMALL_PROGRAM_N residents over all cohorts, so that its
 * IMG cells fall below the reports' min_cell. Two of the regular programs
 * stand out for the institution funnels (synth.h names them). */
#define REGULAR_MIN 5
#define REGULAR_MAX 98
#define SMALL_PROGRAM_N 8.0
#define SMALL_PROGRAM_MAX_SHARE 0.05
#define LOW_BOARD_PROG 3     /* SYNTH_LOW_BOARD_PROGRAM */
#define HIGH_ADVERSE_PROG 1  /* SYNTH_HIGH_ADVERSE_PROGRAM */

enum { SPEC_IM, SPEC_FM, SPEC_PEDS };
static const char *const spec_name[] = { "Internal Medicine", "Family Medicine", "Pediatrics" };
static const char *const spec_prefix[] = { "IM", "FM", "PD" };
static const char *const spec_exam[] = { "ABIM-IM", "ABFM-FM", "ABP-GP" };

enum { GT_USMD, GT_USDO, GT_USIMG, GT_NONUSIMG, GT_N };
static const char *const gtype_name[GT_N] = { "usmd", "usdo", "us_img", "non_us_img" };
/* Graduate types are dealt from a shuffled deck of 20 (11 usmd, 3 usdo,
 * 2 us_img, 4 non_us_img), so every 20 residents hold exactly 30% IMGs and
 * a small demo cohort is not off by chance. */
#define GT_DECK 20
static const int gtype_deck_count[GT_N] = { 11, 3, 2, 4 };

enum { RG_CARIB, RG_SASIA, RG_MEAST, RG_SSAF, RG_EEUR, RG_LATAM, RG_EASIA, RG_N };
static const char *const region_name[RG_N] = {
    "Caribbean", "South Asia", "Middle East", "Sub-Saharan Africa",
    "Eastern Europe", "Latin America", "East Asia",
};
static const double region_p_usimg[RG_N] = { 0.75, 0.05, 0.05, 0.03, 0.08, 0.04, 0.00 };
static const double region_p_nonus[RG_N] = { 0.06, 0.38, 0.16, 0.12, 0.10, 0.10, 0.08 };

enum { VISA_NONE, VISA_J1, VISA_H1B, VISA_OTHER, VISA_N };
static const char *const visa_name[VISA_N] = { "none", "j1", "h1b", "other" };
static const double visa_p_nonus[VISA_N] = { 0.15, 0.60, 0.20, 0.05 };

enum { EX_NONE, EX_COMPLETED, EX_WITHDREW, EX_DISMISSED, EX_TRANSFERRED };
static const char *const exit_name[] = { "", "completed", "withdrew", "dismissed", "transferred" };
/* Of the residents who leave early: withdrew, dismissed, transferred. */
static const double leave_p_non[3] = { 0.50, 0.15, 0.35 };
static const double leave_p_img[3] = { 0.40, 0.30, 0.30 };
#define ATTRITION_NON 0.020   /* per training year */
#define ATTRITION_IMG 0.050   /* IMGs, the second training year on */
/* IMGs in their first year: the mentorship launch (SYNTH_LAUNCH) cuts it. */
#define ATTRITION_IMG_Y1_PRE 0.100
#define ATTRITION_IMG_Y1_POST 0.020
#define PRELIM_SHARE 0.12     /* of Internal Medicine residents */
#define NONPROMO_NON 0.003    /* per June review before the last year */
#define NONPROMO_IMG 0.008

#define NSUB 18
static const char *const sub_name[NSUB] = {
    "PC1", "PC2", "PC3", "PC4", "PC5", "MK1", "MK2", "MK3", "SBP1", "SBP2", "SBP3",
    "PBLI1", "PBLI2", "PROF1", "PROF2", "ICS1", "ICS2", "ICS3",
};
static const double sub_offset[NSUB] = {
    0.05, 0.00, -0.05, 0.00, 0.05, 0.10, 0.00, -0.10, -0.05, 0.00, -0.10,
    -0.10, -0.05, 0.10, 0.05, 0.05, 0.00, 0.00,
};
/* The IMG gap of a rating (every subcompetency but ICS) is
 *   MS_GAP_PRE + MS_GAP_LAUNCH [resident started on or after SYNTH_LAUNCH]
 *              + MS_GAP_TREND (academic year of the review - MS_GAP_TREND_AY)
 * and MS_GAP_ICS more on ICS1..ICS3: averaged over the ratings about -0.25
 * and -0.50, as before the launch and the trend were planted. */
#define MS_GAP_PRE (-0.40)
#define MS_GAP_LAUNCH 0.25
#define MS_GAP_TREND 0.03
#define MS_GAP_TREND_AY 2023
#define MS_GAP_ICS (-0.25)
#define MS_BASE 1.85           /* PGY1 December mean */
#define MS_PER_PGY 0.95
#define MS_PER_HALF 0.45       /* December -> June */
#define MS_RESIDENT_SD 0.25
#define MS_NOISE_SD 0.35
/* A completer's final review is at Level 4 (every rating >= 4.0) when the
 * level expected there (mu below, without subcompetency offset or noise)
 * plus N(0, MS_L4_SD) is at least MS_L4_CUT; otherwise at least one rating
 * is below 4.0. */
#define MS_L4_CUT 3.80
#define MS_L4_SD 0.25

enum { ROT_N = 7 };
static const char *const rotation_name[ROT_N] = {
    "Wards", "ICU", "Clinic", "ED", "Night Float", "Consults", "Elective",
};
static const double rotation_p[ROT_N] = { 0.35, 0.12, 0.18, 0.08, 0.10, 0.10, 0.07 };
static const double evals_per_block_p[4] = { 0.10, 0.55, 0.30, 0.05 };
#define EV_BASE 5.5
#define EV_PER_PGY 0.6
#define EV_ABILITY 0.35
#define EV_RESIDENT_SD 0.3
#define EV_LENIENCY_SD 0.5
#define EV_NOISE_SD 0.9
#define EV_BIASED_GAP (-1.5)
/* The two biased evaluators are these positions in program 1's pool, which
 * starts at E001: SYNTH_BIASED_EVALUATOR_A/B. Core faculty, each writes
 * EV_CORE_SHARE of that program's evaluations. */
#define EV_BIASED_A 2
#define EV_BIASED_B 6
#define EV_CORE_SHARE 0.10

enum { TH_COMM, TH_EFF, TH_MK, TH_PROF, TH_DOC, TH_TEAM, TH_OTHER, TH_N };
static const char *const theme_name[TH_N] = {
    "communication", "efficiency", "medical_knowledge", "professionalism",
    "documentation", "teamwork", "other",
};
/* Per resident: probability of at least one negative comment of the theme
 * (non-IMG and IMG alike, except communication whose odds double). */
static const double neg_p[TH_N] = { 0.20, 0.25, 0.18, 0.08, 0.22, 0.10, 0.05 };
#define NEG_COMM_IMG_OR 2.0
static const double pos_theme_p[TH_N] = { 0.20, 0.15, 0.20, 0.10, 0.10, 0.20, 0.05 };
#define POS_PER_EVAL 0.40

enum { CCC_SAT, CCC_FOCUS, CCC_REMED, CCC_PROB, CCC_NONPROMO, CCC_DISMISS };
static const char *const action_name[] = {
    "satisfactory", "focused_review", "remediation", "probation", "non_promotion", "dismissal",
};

enum { ROLE_SENIOR, ROLE_FACULTY, ROLE_PEER, ROLE_N };
static const char *const role_name[ROLE_N] = { "senior_resident", "faculty", "peer" };
#define GAP_IMG 0.10           /* IMGs with a late or missing role */
#define LATE_NON 0.015         /* non-IMGs with a late role */
/* Every second IMG still in training at as-of who gets a peer mentor gets
 * the overloaded one, until it carries OVERLOAD_CAP mentees. */
#define OVERLOAD_CAP 14
#define OVERLOAD_ID SYNTH_OVERLOADED_MENTOR

static const char *const fellowship_im[] = {
    "Cardiology", "Gastroenterology", "Pulmonary/Critical Care", "Nephrology",
    "Hematology/Oncology", "Infectious Disease", "Endocrinology", "Rheumatology",
    "Geriatrics",
};
static const double fellowship_im_p[] = { 0.24, 0.14, 0.16, 0.07, 0.15, 0.07, 0.07, 0.05, 0.05 };
#define NFELLOW_IM 9

enum { EMP_SAME, EMP_REGION, EMP_ELSE };
static const char *const employer_name[] = { "same_institution", "same_region", "elsewhere" };
static const double employer_p[3] = { 0.30, 0.30, 0.40 };

/* Step 2 CK: 245 + 15 z at ability z, STEP2_IMG lower for IMGs. The
 * first attempt of the certification exam passes with probability
 * logistic(BOARD_BASE + BOARD_STEP2 s + IMG term + program term), s the
 * standardised Step 2 score; the IMG term shrinks after the launch. */
#define STEP2_MEAN 245.0
#define STEP2_SD 15.0
#define STEP2_IMG (-6.0)
#define BOARD_BASE 2.60
#define BOARD_STEP2 0.80
#define BOARD_IMG_PRE (-1.30)
#define BOARD_IMG_POST (-0.10)
#define BOARD_LOW_PROGRAM (-2.30)

/* CCC actions per review: probation / remediation / focused review, the
 * base rates multiplied for IMGs (less after the launch), for struggling
 * residents and in the high-adverse-action program (the rates are
 * cumulative thresholds on one uniform draw, so a product above 1/0.044
 * means a focused review at least at every review). */
#define CCC_IMG_PRE 3.0
#define CCC_IMG_POST 1.0
#define CCC_STRUGGLING 4.0
#define CCC_HIGH_PROGRAM 4.0

/* ---- generator state ---- */

struct program {
    char code[16];
    int spec;
    int eval_first;  /* index of its first evaluator */
    int eval_count;
};

struct eval_row {
    int date;
    int evaluator;
    int rotation;
    int pgy;
    int score;
};

struct fb_row {
    int date;
    int evaluator;
    int theme;
    int valence; /* 0 positive, 1 negative */
};

struct meet_row {
    int date;
    int mentor; /* index into the resident's assignments */
    int adhoc;
};

struct assign_row {
    int date;
    int role;
    char id[48];
};

struct exam_row {
    int date;
    const char *exam;
    int attempt;
    int pass;
    int score;
};

#define EV_CAP 256
#define FB_CAP 512
#define MT_CAP 256
#define EX_CAP 16

struct synth {
    gsl_rng *rng;
    FILE *out[SYNTH_NFILES];
    char *outbuf[SYNTH_NFILES];
    char *tmp[SYNTH_NFILES];  /* DIR/.NAME.tmp, renamed to DIR/NAME at the end */
    char *path[SYNTH_NFILES]; /* DIR/NAME */
    unsigned long long rows[SYNTH_NFILES];
    int idwidth;
    int as_of;
    int launch;

    int nprog;
    struct program *prog;
    gsl_ran_discrete_t *d_prog;
    int nevaluators;
    double *leniency;
    int *slot[ROLE_N]; /* [nprog * SYNTH_COHORTS] mentees placed so far */
    int overload_load;
    int overload_seen; /* in-training IMGs given a peer so far */

    int deck[GT_DECK];
    int deck_pos;
    gsl_ran_discrete_t *d_region_usimg, *d_region_nonus, *d_visa;
    gsl_ran_discrete_t *d_leave_non, *d_leave_img, *d_rotation, *d_nevals;
    gsl_ran_discrete_t *d_pos_theme, *d_fellow, *d_employer;

    struct eval_row ev[EV_CAP];
    int nev;
    struct fb_row fb[FB_CAP];
    int nfb;
    struct meet_row mt[MT_CAP];
    int nmt;
    struct assign_row as[ROLE_N + 1];
    int nas;
    struct exam_row ex[EX_CAP];
    int nex;
};

struct resident {
    char id[24];
    int prog, spec, cohort, year; /* year = calendar year of start */
    int start, end;               /* end -1: in training at as-of */
    int last;                     /* last day with events: end or as-of */
    int exit;
    int gtype, img, region, grad_year, visa, step2, prelim;
    int step2_recorded;
    int post;       /* started on or after SYNTH_LAUNCH */
    double z;       /* ability */
    double ms_re;   /* milestone resident effect */
    double ev_re;   /* evaluation resident effect */
    int struggling; /* more CCC actions */
    int nyears;     /* training years actually begun */
    int pgy_of_year[6];
    int nonpromo_year; /* June review of this year is a non-promotion, -1 none */
    int matched;       /* fellowship */
};

/* ---- small helpers over gsl ---- */

static int unif(struct synth *s, int lo, int hi)
{
    return lo + (int)gsl_rng_uniform_int(s->rng, (unsigned long)(hi - lo + 1));
}

static int bern(struct synth *s, double p)
{
    return (int)gsl_ran_bernoulli(s->rng, p);
}

static double logistic(double x)
{
    return 1.0 / (1.0 + exp(-x));
}

static double logit(double p)
{
    return log(p / (1.0 - p));
}

static int pick(struct synth *s, const gsl_ran_discrete_t *d)
{
    return (int)gsl_ran_discrete(s->rng, d);
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void put_date(FILE *f, int day)
{
    char b[11];
    date_format(day, b);
    fputs(b, f);
}

/* ---- setup ---- */

static void make_programs(struct synth *s, unsigned long n, unsigned long programs)
{
    long np = (long)(n / 60);
    int regular = (int)(np < REGULAR_MIN ? REGULAR_MIN : np > REGULAR_MAX ? REGULAR_MAX : np);
    if (programs)
        regular = (int)programs - 1;
    s->nprog = regular + 1;
    s->prog = xcalloc((size_t)s->nprog, sizeof *s->prog);
    double *w = xmalloc((size_t)s->nprog * sizeof *w);
    int numbered[3] = { 0, 0, 0 };
    double wsum = 0;
    for (int i = 0; i < s->nprog; i++) {
        struct program *p = &s->prog[i];
        p->spec = i % 6 == 4 ? SPEC_FM : i % 6 == 5 ? SPEC_PEDS : SPEC_IM;
        snprintf(p->code, sizeof p->code, "%s-%03d", spec_prefix[p->spec], ++numbered[p->spec]);
        if (i < regular) {
            w[i] = 2.0 - 0.5 * (i % 3); /* programs of three sizes, the first the largest */
            wsum += w[i];
        }
    }
    /* The small program's weight gives it a share of SMALL_PROGRAM_N / n
     * (at most SMALL_PROGRAM_MAX_SHARE): a handful of residents at any n. */
    double share = SMALL_PROGRAM_N / (double)n;
    if (share > SMALL_PROGRAM_MAX_SHARE)
        share = SMALL_PROGRAM_MAX_SHARE;
    w[regular] = wsum * share / (1.0 - share);
    wsum += w[regular];
    int next = 0;
    for (int i = 0; i < s->nprog; i++) {
        double expect = (double)n * w[i] / wsum;
        int c = (int)(expect / 2);
        s->prog[i].eval_first = next;
        s->prog[i].eval_count = c < 40 ? 40 : c > 400 ? 400 : c;
        next += s->prog[i].eval_count;
    }
    s->nevaluators = next;
    s->d_prog = gsl_ran_discrete_preproc((size_t)s->nprog, w);
    free(w);
    s->leniency = xmalloc((size_t)s->nevaluators * sizeof *s->leniency);
    for (int e = 0; e < s->nevaluators; e++)
        s->leniency[e] = gsl_ran_gaussian(s->rng, EV_LENIENCY_SD);
    /* The biased evaluators are otherwise average. */
    s->leniency[EV_BIASED_A] = s->leniency[EV_BIASED_B] = 0.0;
    for (int r = 0; r < ROLE_N; r++)
        s->slot[r] = xcalloc((size_t)s->nprog * SYNTH_COHORTS, sizeof *s->slot[r]);
}

static void make_tables(struct synth *s)
{
    int k = 0;
    for (int g = 0; g < GT_N; g++)
        for (int i = 0; i < gtype_deck_count[g]; i++)
            s->deck[k++] = g;
    s->deck_pos = GT_DECK;
    s->d_region_usimg = gsl_ran_discrete_preproc(RG_N, region_p_usimg);
    s->d_region_nonus = gsl_ran_discrete_preproc(RG_N, region_p_nonus);
    s->d_visa = gsl_ran_discrete_preproc(VISA_N, visa_p_nonus);
    s->d_leave_non = gsl_ran_discrete_preproc(3, leave_p_non);
    s->d_leave_img = gsl_ran_discrete_preproc(3, leave_p_img);
    s->d_rotation = gsl_ran_discrete_preproc(ROT_N, rotation_p);
    s->d_nevals = gsl_ran_discrete_preproc(4, evals_per_block_p);
    s->d_pos_theme = gsl_ran_discrete_preproc(TH_N, pos_theme_p);
    s->d_fellow = gsl_ran_discrete_preproc(NFELLOW_IM, fellowship_im_p);
    s->d_employer = gsl_ran_discrete_preproc(3, employer_p);
}

static void synth_release(struct synth *s)
{
    gsl_ran_discrete_t **d[] = {
        &s->d_prog, &s->d_region_usimg, &s->d_region_nonus, &s->d_visa,
        &s->d_leave_non, &s->d_leave_img, &s->d_rotation, &s->d_nevals,
        &s->d_pos_theme, &s->d_fellow, &s->d_employer,
    };
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
        if (*d[i]) {
            gsl_ran_discrete_free(*d[i]);
            *d[i] = NULL;
        }
    for (int f = 0; f < SYNTH_NFILES; f++) {
        if (s->out[f])
            fclose(s->out[f]);
        s->out[f] = NULL;
        if (s->tmp[f])
            unlink(s->tmp[f]); /* still there only when something failed */
        FREE_AND_NULL(s->tmp[f]);
        FREE_AND_NULL(s->path[f]);
        FREE_AND_NULL(s->outbuf[f]);
    }
    for (int r = 0; r < ROLE_N; r++)
        FREE_AND_NULL(s->slot[r]);
    FREE_AND_NULL(s->leniency);
    FREE_AND_NULL(s->prog);
    if (s->rng)
        gsl_rng_free(s->rng);
    s->rng = NULL;
}

/* ---- one resident's history ---- */

static int year_start(const struct resident *r, int y)
{
    return date_from_ymd(r->year + y, 7, 1);
}

/* The training year (0-based) a day falls in. */
static int year_of(const struct resident *r, int day)
{
    int y = 0;
    while (y + 1 < r->nyears && day >= year_start(r, y + 1))
        y++;
    return y;
}

static void draw_resident(struct synth *s, struct resident *r, unsigned long idx)
{
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "R%0*lu", s->idwidth, idx + 1);
    r->prog = pick(s, s->d_prog);
    r->spec = s->prog[r->prog].spec;
    r->cohort = unif(s, 0, SYNTH_COHORTS - 1);
    r->year = SYNTH_FIRST_COHORT + r->cohort;
    r->start = date_from_ymd(r->year, 7, 1);
    r->post = r->start >= s->launch;
    if (s->deck_pos == GT_DECK) {
        gsl_ran_shuffle(s->rng, s->deck, GT_DECK, sizeof s->deck[0]);
        s->deck_pos = 0;
    }
    r->gtype = s->deck[s->deck_pos++];
    r->img = r->gtype == GT_USIMG || r->gtype == GT_NONUSIMG;
    r->region = r->gtype == GT_USIMG ? pick(s, s->d_region_usimg)
              : r->gtype == GT_NONUSIMG ? pick(s, s->d_region_nonus) : -1;
    if (r->img && bern(s, 0.01))
        r->region = -2; /* not recorded */
    r->visa = r->gtype == GT_NONUSIMG ? pick(s, s->d_visa) : VISA_NONE;

    int gap;
    if (r->gtype == GT_NONUSIMG)
        gap = 1 + (int)gsl_ran_poisson(s->rng, 3.0);
    else if (r->gtype == GT_USIMG)
        gap = (int)gsl_ran_poisson(s->rng, 1.0);
    else
        gap = bern(s, 0.10) ? 1 + (int)gsl_ran_poisson(s->rng, 0.5) : 0;
    r->grad_year = r->year - clampi(gap, 0, 15);

    /* Ability z is the same in both groups; the Step 2 score at equal
     * ability is lower for IMGs, so it explains part of their board gap. */
    r->z = gsl_ran_gaussian(s->rng, 1.0);
    double step2 = STEP2_MEAN + STEP2_SD * r->z + (r->img ? STEP2_IMG : 0.0);
    r->step2 = clampi((int)lround(step2), 190, 290);
    r->step2_recorded = !bern(s, 0.02);
    r->ms_re = gsl_ran_gaussian(s->rng, MS_RESIDENT_SD);
    r->ev_re = gsl_ran_gaussian(s->rng, EV_RESIDENT_SD);
    r->struggling = r->ms_re < -0.30;
    r->prelim = r->spec == SPEC_IM && bern(s, PRELIM_SHARE);

    /* Training: year by year, early exit or a repeated year. */
    int planned = r->prelim ? 1 : 3;
    r->nonpromo_year = -1;
    r->exit = EX_COMPLETED;
    r->end = -1;
    int y = 0, pgy = 1;
    for (; y < planned; y++) {
        r->pgy_of_year[y] = pgy;
        double leave = !r->img ? ATTRITION_NON
                     : y > 0 ? ATTRITION_IMG
                     : r->post ? ATTRITION_IMG_Y1_POST : ATTRITION_IMG_Y1_PRE;
        if (bern(s, leave)) {
            int k = pick(s, r->img ? s->d_leave_img : s->d_leave_non);
            r->exit = k == 0 ? EX_WITHDREW : k == 1 ? EX_DISMISSED : EX_TRANSFERRED;
            r->end = year_start(r, y) + unif(s, 20, 360);
            y++;
            break;
        }
        if (y + 1 < planned && r->nonpromo_year < 0 && planned < 5 &&
            bern(s, r->img ? NONPROMO_IMG : NONPROMO_NON)) {
            r->nonpromo_year = y;
            planned++;
            continue; /* same pgy next year */
        }
        pgy++;
    }
    r->nyears = y;
    if (r->exit == EX_COMPLETED)
        r->end = year_start(r, r->nyears) - 1;
    if (r->end > s->as_of) {
        r->end = -1;
        r->exit = EX_NONE;
        r->nyears = year_of(r, s->as_of) + 1;
    }
    r->last = r->end >= 0 ? r->end : s->as_of;
    /* A non-promotion decided after the last day never happened. */
    if (r->nonpromo_year >= 0 && date_from_ymd(r->year + r->nonpromo_year + 1, 6, 15) > r->last)
        r->nonpromo_year = -1;
}

static void write_resident_row(struct synth *s, const struct resident *r)
{
    FILE *f = s->out[SYNTH_RESIDENTS];
    const struct program *p = &s->prog[r->prog];
    fprintf(f, "%s,%s,%s,", r->id, p->code, spec_name[r->spec]);
    put_date(f, r->start);
    fputc(',', f);
    if (r->end >= 0)
        put_date(f, r->end);
    fprintf(f, ",%s,%s,%s,%d,%s,", exit_name[r->exit], gtype_name[r->gtype],
            r->region >= 0 ? region_name[r->region] : r->region == -1 ? "United States" : "",
            r->grad_year, visa_name[r->visa]);
    if (r->step2_recorded)
        fprintf(f, "%d", r->step2);
    fprintf(f, ",%s\n", r->prelim ? "preliminary" : "categorical");
    s->rows[SYNTH_RESIDENTS]++;
}

/* Mentor assignments; fills s->as for the meetings. */
static void gen_assignments(struct synth *s, const struct resident *r)
{
    int nroles = r->img ? 3 : 2;
    int late[ROLE_N] = { 0, 0, 0 };
    int missing_peer = 0;
    if (r->img && bern(s, GAP_IMG)) {
        int k = unif(s, 0, 3);
        if (k <= 1)
            missing_peer = 1;
        else if (k == 2)
            late[ROLE_PEER] = 1;
        else
            late[unif(s, 0, 1)] = 1;
    } else if (!r->img && bern(s, LATE_NON)) {
        late[unif(s, 0, 1)] = 1;
    }
    int active_at_asof = r->end < 0;
    int key = r->prog * SYNTH_COHORTS + r->cohort;
    int yy = r->year % 100;
    s->nas = 0;
    for (int role = 0; role < nroles; role++) {
        if (role == ROLE_PEER && missing_peer)
            continue;
        int day = r->start + (late[role] ? unif(s, 8, 60) : unif(s, -7, 5));
        if (day > r->last)
            continue;
        struct assign_row *a = &s->as[s->nas++];
        a->date = day;
        a->role = role;
        int n = s->slot[role][key]++;
        if (role == ROLE_FACULTY) {
            snprintf(a->id, sizeof a->id, "F%02d-%03d", r->prog + 1, n);
        } else if (role == ROLE_SENIOR) {
            snprintf(a->id, sizeof a->id, "S%02d-%02d-%02d", r->prog + 1, yy, n / 2);
        } else if (active_at_asof && s->overload_seen++ % 2 == 0 &&
                   s->overload_load < OVERLOAD_CAP) {
            snprintf(a->id, sizeof a->id, "%s", OVERLOAD_ID);
            s->overload_load++;
            s->slot[role][key]--;
        } else {
            snprintf(a->id, sizeof a->id, "P%02d-%02d-%02d", r->prog + 1, yy, n / 2);
        }
    }
    /* Ordered by date, then role. */
    for (int i = 1; i < s->nas; i++)
        for (int j = i; j > 0 && (s->as[j].date < s->as[j - 1].date ||
                                  (s->as[j].date == s->as[j - 1].date &&
                                   s->as[j].role < s->as[j - 1].role)); j--) {
            struct assign_row t = s->as[j];
            s->as[j] = s->as[j - 1];
            s->as[j - 1] = t;
        }
    FILE *f = s->out[SYNTH_MENTOR_ASSIGNMENTS];
    for (int i = 0; i < s->nas; i++) {
        fprintf(f, "%s,%s,%s,", r->id, s->as[i].id, role_name[s->as[i].role]);
        put_date(f, s->as[i].date);
        fputc(',', f);
        if (r->end >= 0)
            put_date(f, r->end);
        fputc('\n', f);
        s->rows[SYNTH_MENTOR_ASSIGNMENTS]++;
    }
}

static int cmp_meet(const void *a, const void *b)
{
    const struct meet_row *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return (x->mentor > y->mentor) - (x->mentor < y->mentor);
}

static void add_meeting(struct synth *s, int date, int mentor, int adhoc)
{
    if (s->nmt < MT_CAP) {
        s->mt[s->nmt].date = date;
        s->mt[s->nmt].mentor = mentor;
        s->mt[s->nmt].adhoc = adhoc;
        s->nmt++;
    }
}

/* A random mentor assigned on or before day, or -1. */
static int mentor_at(struct synth *s, int day, int role)
{
    int cand[ROLE_N + 1], n = 0;
    for (int i = 0; i < s->nas; i++)
        if (s->as[i].date <= day && (role < 0 || s->as[i].role == role))
            cand[n++] = i;
    return n ? cand[unif(s, 0, n - 1)] : -1;
}

static void gen_meetings(struct synth *s, const struct resident *r)
{
    s->nmt = 0;
    /* Weekly in the first six weeks: a week is missed 10% of the time. */
    for (int w = 0; w < 6; w++) {
        int day = r->start + 7 * w + unif(s, 0, 4);
        if (day > r->last || !bern(s, 0.90))
            continue;
        int m = mentor_at(s, day, -1);
        if (m >= 0)
            add_meeting(s, day, m, 0);
    }
    /* Monthly with the faculty mentor from the second month on. */
    for (int mo = 2;; mo++) {
        int day = r->start + 30 * (mo - 1) + unif(s, 0, 24);
        if (day > r->last)
            break;
        if (!bern(s, 0.80))
            continue;
        int m = mentor_at(s, day, ROLE_FACULTY);
        if (m >= 0)
            add_meeting(s, day, m, 0);
    }
    /* Ad hoc: about 1.5 a year with any mentor. */
    int span = r->last - r->start + 1;
    int nadhoc = (int)gsl_ran_poisson(s->rng, 1.5 * span / 365.0);
    for (int i = 0; i < nadhoc && i < 24; i++) {
        int day = r->start + unif(s, 0, span - 1);
        int m = mentor_at(s, day, -1);
        if (m >= 0)
            add_meeting(s, day, m, 1);
    }
    qsort(s->mt, (size_t)s->nmt, sizeof s->mt[0], cmp_meet);
    FILE *f = s->out[SYNTH_MENTORSHIP_MEETINGS];
    for (int i = 0; i < s->nmt; i++) {
        if (i > 0 && s->mt[i].date == s->mt[i - 1].date && s->mt[i].mentor == s->mt[i - 1].mentor)
            continue; /* one meeting per mentor and day */
        fprintf(f, "%s,%s,", r->id, s->as[s->mt[i].mentor].id);
        put_date(f, s->mt[i].date);
        fprintf(f, ",%s\n", s->mt[i].adhoc ? "ad_hoc" : "scheduled");
        s->rows[SYNTH_MENTORSHIP_MEETINGS]++;
    }
}

/* The IMG milestone gap (every subcompetency but ICS) of a resident's
 * rating in academic year ay (AYyyyy: July yyyy-1 to June yyyy). */
static double ms_img_gap(const struct resident *r, int ay)
{
    return MS_GAP_PRE + (r->post ? MS_GAP_LAUNCH : 0.0) + MS_GAP_TREND * (ay - MS_GAP_TREND_AY);
}

/* One review's 18 ratings into milestone_ratings.csv. final: the last
 * review of a completer, where Level 4 is decided. */
static void put_ratings(struct synth *s, const struct resident *r, const char *ds, int y, int half,
                        int final)
{
    int pgy = r->pgy_of_year[y];
    double gap = r->img ? ms_img_gap(r, r->year + y + 1) : 0.0;
    double mu = MS_BASE + MS_PER_PGY * (pgy - 1) + MS_PER_HALF * half + r->ms_re + 0.10 * r->z + gap;
    int halves[NSUB], lowest = 0;
    double vmin = 0;
    for (int k = 0; k < NSUB; k++) {
        double v = mu + sub_offset[k] + gsl_ran_gaussian(s->rng, MS_NOISE_SD);
        if (r->img && sub_name[k][0] == 'I')
            v += MS_GAP_ICS;
        if (k == 0 || v < vmin) {
            vmin = v;
            lowest = k;
        }
        v = floor(v * 2.0 + 0.5) / 2.0;
        v = v < 1.0 ? 1.0 : v > 5.0 ? 5.0 : v;
        halves[k] = (int)(v * 2.0);
    }
    if (final) {
        /* The committee's consensus at graduation: Level 4 everywhere, or
         * not yet somewhere (the lowest drawn rating). */
        int l4 = mu + gsl_ran_gaussian(s->rng, MS_L4_SD) >= MS_L4_CUT, all4 = 1;
        for (int k = 0; k < NSUB; k++) {
            if (l4 && halves[k] < 8)
                halves[k] = 8;
            all4 &= halves[k] >= 8;
        }
        if (!l4 && all4)
            halves[lowest] = 7;
    }
    /* Tens of millions of these rows at national scale: the common prefix
     * is formatted once per review. */
    char line[96];
    int plen = snprintf(line, sizeof line, "%s,%s,%d,", r->id, ds, pgy);
    FILE *fm = s->out[SYNTH_MILESTONES];
    for (int k = 0; k < NSUB; k++) {
        int n = plen;
        size_t sl = strlen(sub_name[k]);
        memcpy(line + n, sub_name[k], sl);
        n += (int)sl;
        line[n++] = ',';
        line[n++] = (char)('0' + halves[k] / 2);
        line[n++] = '.';
        line[n++] = halves[k] % 2 ? '5' : '0';
        line[n++] = '\n';
        fwrite(line, 1, (size_t)n, fm);
    }
    s->rows[SYNTH_MILESTONES] += NSUB;
}

/* CCC reviews and milestone ratings, review by review. */
static void gen_reviews(struct synth *s, const struct resident *r)
{
    FILE *fc = s->out[SYNTH_CCC_ACTIONS];
    double mult = (r->img ? (r->post ? CCC_IMG_POST : CCC_IMG_PRE) : 1.0) *
                  (r->struggling ? CCC_STRUGGLING : 1.0) *
                  (r->prog == HIGH_ADVERSE_PROG ? CCC_HIGH_PROGRAM : 1.0);
    int last_review = -1;
    for (int y = 0; y < r->nyears; y++) {
        for (int half = 0; half < 2; half++) {
            int day = half ? date_from_ymd(r->year + y + 1, 6, 15)
                           : date_from_ymd(r->year + y, 12, 15);
            if (day > r->last)
                break;
            char ds[11];
            date_format(day, ds);
            put_ratings(s, r, ds, y, half, r->exit == EX_COMPLETED && y == r->nyears - 1 && half);
            int action = CCC_SAT;
            double u = gsl_rng_uniform(s->rng);
            if (half && y == r->nonpromo_year)
                action = CCC_NONPROMO;
            else if (r->exit == EX_DISMISSED && day >= r->end - 200)
                action = CCC_PROB;
            else if (u < 0.004 * mult)
                action = CCC_PROB;
            else if (u < 0.014 * mult)
                action = CCC_REMED;
            else if (u < 0.044 * mult)
                action = CCC_FOCUS;
            if (r->exit == EX_DISMISSED && day == r->end)
                action = CCC_DISMISS;
            fprintf(fc, "%s,%s,%s\n", r->id, ds, action_name[action]);
            s->rows[SYNTH_CCC_ACTIONS]++;
            last_review = day;
        }
    }
    /* A dismissal is decided at an extra CCC meeting on the last day. */
    if (r->exit == EX_DISMISSED && last_review != r->end) {
        fputs(r->id, fc);
        fputc(',', fc);
        put_date(fc, r->end);
        fprintf(fc, ",%s\n", action_name[CCC_DISMISS]);
        s->rows[SYNTH_CCC_ACTIONS]++;
    }
}

static int cmp_eval(const void *a, const void *b)
{
    const struct eval_row *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    return (x->evaluator > y->evaluator) - (x->evaluator < y->evaluator);
}

static int cmp_fb(const void *a, const void *b)
{
    const struct fb_row *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    if (x->evaluator != y->evaluator)
        return x->evaluator < y->evaluator ? -1 : 1;
    if (x->theme != y->theme)
        return x->theme < y->theme ? -1 : 1;
    return (x->valence > y->valence) - (x->valence < y->valence);
}

static void put_evaluator(FILE *f, int e)
{
    fprintf(f, "E%03d", e + 1);
}

/* End-of-rotation evaluations in 4-week blocks, then the feedback coded
 * from them. */
static void gen_evaluations(struct synth *s, const struct resident *r)
{
    const struct program *p = &s->prog[r->prog];
    s->nev = 0;
    for (int y = 0; y < r->nyears; y++) {
        int ys = year_start(r, y);
        for (int b = 0; b < 13; b++) {
            int bend = ys + 28 * b + 27;
            if (bend > r->last)
                break;
            int rot = pick(s, s->d_rotation);
            int k = pick(s, s->d_nevals);
            int chosen[3];
            int date = bend + unif(s, 0, 13);
            if (date > s->as_of)
                continue;
            for (int i = 0; i < k && s->nev < EV_CAP; i++) {
                int e, dup;
                do {
                    double u = r->prog == 0 ? gsl_rng_uniform(s->rng) : 1.0;
                    if (u < EV_CORE_SHARE)
                        e = EV_BIASED_A;
                    else if (u < 2 * EV_CORE_SHARE)
                        e = EV_BIASED_B;
                    else
                        e = p->eval_first + unif(s, 0, p->eval_count - 1);
                    dup = 0;
                    for (int j = 0; j < i; j++)
                        dup |= chosen[j] == e;
                } while (dup);
                chosen[i] = e;
                double v = EV_BASE + EV_PER_PGY * (r->pgy_of_year[y] - 1) + EV_ABILITY * r->z +
                           r->ev_re + s->leniency[e] + gsl_ran_gaussian(s->rng, EV_NOISE_SD);
                if (r->img && (e == EV_BIASED_A || e == EV_BIASED_B))
                    v += EV_BIASED_GAP;
                struct eval_row *ev = &s->ev[s->nev++];
                ev->date = date;
                ev->evaluator = e;
                ev->rotation = rot;
                ev->pgy = r->pgy_of_year[y];
                ev->score = clampi((int)lround(v), 1, 9);
            }
        }
    }
    qsort(s->ev, (size_t)s->nev, sizeof s->ev[0], cmp_eval);
    FILE *f = s->out[SYNTH_EVALUATIONS];
    for (int i = 0; i < s->nev; i++) {
        fprintf(f, "%s,", r->id);
        put_evaluator(f, s->ev[i].evaluator);
        fputc(',', f);
        put_date(f, s->ev[i].date);
        fprintf(f, ",%s,%d,%d\n", rotation_name[s->ev[i].rotation], s->ev[i].pgy, s->ev[i].score);
    }
    s->rows[SYNTH_EVALUATIONS] += (unsigned long long)s->nev;

    /* Feedback: positive comments on some evaluations; negative comments
     * decided per resident and theme, then attached to evaluations. */
    s->nfb = 0;
    if (s->nev == 0)
        return;
    for (int i = 0; i < s->nev && s->nfb < FB_CAP; i++)
        if (bern(s, POS_PER_EVAL)) {
            struct fb_row *fb = &s->fb[s->nfb++];
            fb->date = s->ev[i].date;
            fb->evaluator = s->ev[i].evaluator;
            fb->theme = pick(s, s->d_pos_theme);
            fb->valence = 0;
        }
    for (int t = 0; t < TH_N; t++) {
        double pn = neg_p[t];
        if (t == TH_COMM && r->img)
            pn = logistic(logit(pn) + log(NEG_COMM_IMG_OR));
        if (!bern(s, pn))
            continue;
        int k = 1 + (int)gsl_ran_poisson(s->rng, 0.5);
        for (int i = 0; i < k && i < 4 && s->nfb < FB_CAP; i++) {
            const struct eval_row *ev = &s->ev[unif(s, 0, s->nev - 1)];
            struct fb_row *fb = &s->fb[s->nfb++];
            fb->date = ev->date;
            fb->evaluator = ev->evaluator;
            fb->theme = t;
            fb->valence = 1;
        }
    }
    qsort(s->fb, (size_t)s->nfb, sizeof s->fb[0], cmp_fb);
    f = s->out[SYNTH_FEEDBACK];
    for (int i = 0; i < s->nfb; i++) {
        if (i > 0 && !cmp_fb(&s->fb[i], &s->fb[i - 1]))
            continue;
        fprintf(f, "%s,", r->id);
        put_evaluator(f, s->fb[i].evaluator);
        fputc(',', f);
        put_date(f, s->fb[i].date);
        fprintf(f, ",%s,%s\n", theme_name[s->fb[i].theme], s->fb[i].valence ? "negative" : "positive");
        s->rows[SYNTH_FEEDBACK]++;
    }
}

static void add_exam(struct synth *s, int date, const char *exam, int attempt, int pass, int score)
{
    if (s->nex < EX_CAP) {
        struct exam_row *e = &s->ex[s->nex++];
        e->date = date;
        e->exam = exam;
        e->attempt = attempt;
        e->pass = pass;
        e->score = score;
    }
}

static int cmp_exam(const void *a, const void *b)
{
    const struct exam_row *x = a, *y = b;
    if (x->date != y->date)
        return x->date < y->date ? -1 : 1;
    int c = strcmp(x->exam, y->exam);
    if (c)
        return c;
    return (x->attempt > y->attempt) - (x->attempt < y->attempt);
}

static void gen_exams(struct synth *s, const struct resident *r)
{
    s->nex = 0;
    /* USMLE Step 3: before residency for H-1B (the visa needs it) and some
     * others, mostly in months 4-14, some later. */
    int day;
    if (r->visa == VISA_H1B || bern(s, 0.08))
        day = r->start - unif(s, 30, 300);
    else if (bern(s, 0.85))
        day = r->start + unif(s, 90, 425);
    else
        day = r->start + unif(s, 426, 700);
    double a3 = logit(r->img ? 0.93 : 0.96) + 0.6 * r->z;
    for (int att = 1; att <= 3 && day <= r->last; att++) {
        int pass = bern(s, logistic(a3 + (att > 1 ? 0.3 : 0.0)));
        int score = pass ? 200 + (int)lround(gsl_ran_gamma(s->rng, 3.0, 9.0))
                         : 199 - (int)lround(gsl_ran_gamma(s->rng, 2.0, 6.0));
        add_exam(s, day, "USMLE-STEP3", att, pass, clampi(score, 100, 300));
        if (pass || !bern(s, 0.9))
            break;
        day += unif(s, 60, 150);
    }
    /* The certification exam: in August after completing categorical
     * training, retaken the next August by most who fail. */
    if (r->exit == EX_COMPLETED && !r->prelim && bern(s, 0.97)) {
        int ey = date_year(r->end);
        double a1 = BOARD_BASE + BOARD_STEP2 * (r->step2 - STEP2_MEAN) / STEP2_SD +
                    (r->img ? (r->post ? BOARD_IMG_POST : BOARD_IMG_PRE) : 0.0) +
                    (r->prog == LOW_BOARD_PROG ? BOARD_LOW_PROGRAM : 0.0);
        for (int att = 1; att <= 4; att++) {
            int d = date_from_ymd(ey + att - 1, 8, 5) + unif(s, 0, 25);
            if (d > s->as_of)
                break;
            int pass = bern(s, logistic(att == 1 ? a1 : 0.8 + 0.7 * r->z));
            int score = pass ? 410 + (int)lround(gsl_ran_gamma(s->rng, 2.0, 45.0))
                             : 399 - (int)lround(gsl_ran_gamma(s->rng, 2.0, 25.0));
            add_exam(s, d, spec_exam[r->spec], att, pass, clampi(score, 150, 800));
            if (pass || !bern(s, 0.85))
                break;
        }
    }
    qsort(s->ex, (size_t)s->nex, sizeof s->ex[0], cmp_exam);
    FILE *f = s->out[SYNTH_BOARD_EXAMS];
    for (int i = 0; i < s->nex; i++) {
        fprintf(f, "%s,%s,", r->id, s->ex[i].exam);
        put_date(f, s->ex[i].date);
        fprintf(f, ",%d,%s,%d\n", s->ex[i].attempt, s->ex[i].pass ? "pass" : "fail", s->ex[i].score);
    }
    s->rows[SYNTH_BOARD_EXAMS] += (unsigned long long)s->nex;
}

/* Internal Medicine categorical residents apply in the fall of PGY2 for the
 * appointment year after completion; the match is known by December. */
static void gen_fellowship(struct synth *s, struct resident *r)
{
    r->matched = 0;
    if (r->spec != SPEC_IM || r->prelim)
        return;
    int match_day = date_from_ymd(r->year + 1, 12, 1);
    if (match_day > r->last || !bern(s, r->img ? 0.60 : 0.55))
        return;
    int nspec = bern(s, 0.2) ? 2 : 1;
    int sp[2];
    sp[0] = pick(s, s->d_fellow);
    do
        sp[1] = pick(s, s->d_fellow);
    while (nspec == 2 && sp[1] == sp[0]);
    int withdrew = bern(s, 0.05);
    int matched = !withdrew && bern(s, logistic(logit(r->img ? 0.60 : 0.72) + 0.5 * r->z));
    int which = unif(s, 0, nspec - 1);
    r->matched = matched;
    if (nspec == 2 && strcmp(fellowship_im[sp[0]], fellowship_im[sp[1]]) > 0) {
        int t = sp[0];
        sp[0] = sp[1];
        sp[1] = t;
        which = nspec - 1 - which;
    }
    FILE *f = s->out[SYNTH_FELLOWSHIP];
    for (int i = 0; i < nspec; i++) {
        const char *out = withdrew ? "withdrew" : matched && i == which ? "matched" : "unmatched";
        fprintf(f, "%s,%d,%s,%s\n", r->id, r->year + 3, fellowship_im[sp[i]], out);
        s->rows[SYNTH_FELLOWSHIP]++;
    }
}

/* Positions after graduation for graduates who did not go on to a
 * fellowship. IMGs more often take underserved posts (J-1 waivers). */
static void gen_employment(struct synth *s, const struct resident *r)
{
    if (r->exit != EX_COMPLETED || r->prelim || r->matched || !bern(s, 0.88))
        return;
    FILE *f = s->out[SYNTH_EMPLOYMENT];
    int start = r->end + unif(s, 20, 75);
    for (int pos = 0; pos < 3 && start <= s->as_of; pos++) {
        int emp = pos == 0 ? pick(s, s->d_employer) : unif(s, 1, 2);
        double pu = r->img ? 0.60 : 0.25;
        int und = bern(s, 0.05) ? -1 : bern(s, pu);
        int end = start + (int)lround(gsl_ran_exponential(s->rng, 365.0 * (r->img ? 5.0 : 4.0)));
        fprintf(f, "%s,", r->id);
        put_date(f, start);
        fputc(',', f);
        if (end <= s->as_of)
            put_date(f, end);
        fprintf(f, ",%s,%s\n", employer_name[emp], und < 0 ? "" : und ? "yes" : "no");
        s->rows[SYNTH_EMPLOYMENT]++;
        if (end > s->as_of)
            break;
        start = end + unif(s, 15, 90);
    }
}

/* Patient experience per quarter of training. */
static void gen_patient(struct synth *s, const struct resident *r)
{
    FILE *f = s->out[SYNTH_PATIENT_EXPERIENCE];
    double re = gsl_ran_gaussian(s->rng, 0.20);
    int y0, m0, d0, y1, m1, d1;
    date_to_ymd(r->start, &y0, &m0, &d0);
    date_to_ymd(r->last, &y1, &m1, &d1);
    int q = y0 * 4 + (m0 - 1) / 3, qlast = y1 * 4 + (m1 - 1) / 3;
    for (; q <= qlast; q++) {
        if (!bern(s, 0.85))
            continue;
        int n = 1 + (int)gsl_ran_poisson(s->rng, 10.0);
        double v = 4.35 + re + gsl_ran_gaussian(s->rng, 0.45 / sqrt((double)n));
        v = v < 1.0 ? 1.0 : v > 5.0 ? 5.0 : v;
        fprintf(f, "%s,%d-Q%d,%d,%.2f\n", r->id, q / 4, q % 4 + 1, n, v);
        s->rows[SYNTH_PATIENT_EXPERIENCE]++;
    }
}

/* ---- files ---- */

static char *join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = xmalloc(a + b + 2);
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

int synth_write(const char *dir, const struct synth_opts *opts,
                struct synth_stats *stats, struct imgo_err *err)
{
    if (opts->residents < 1 || opts->residents > SYNTH_MAX_RESIDENTS)
        return imgo_err_set(err, IMGO_EUSAGE, "--residents must be 1..%lu", SYNTH_MAX_RESIDENTS);
    if (opts->seed > 4294967295UL)
        return imgo_err_set(err, IMGO_EUSAGE, "--seed must be 0..4294967295");
    if (opts->programs && (opts->programs < SYNTH_MIN_PROGRAMS || opts->programs > SYNTH_MAX_PROGRAMS))
        return imgo_err_set(err, IMGO_EUSAGE, "--programs must be %lu..%lu", SYNTH_MIN_PROGRAMS,
                            SYNTH_MAX_PROGRAMS);
    int as_of, launch;
    if (date_parse(SYNTH_AS_OF, strlen(SYNTH_AS_OF), &as_of) != 0 ||
        date_parse(SYNTH_LAUNCH, strlen(SYNTH_LAUNCH), &launch) != 0)
        return imgo_err_set(err, IMGO_EIO, "internal error: bad SYNTH_AS_OF or SYNTH_LAUNCH");
    int rc = fs_mkdirs(dir, err);
    if (rc)
        return rc;

    struct synth *s = xcalloc(1, sizeof *s);
    s->rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!s->rng) {
        free(s);
        return imgo_err_set(err, IMGO_EIO, "cannot allocate the random number generator");
    }
    gsl_rng_set(s->rng, opts->seed);
    s->as_of = as_of;
    s->launch = launch;
    s->idwidth = 6;
    for (unsigned long n = opts->residents; n >= 1000000UL; n /= 10)
        s->idwidth++;

    /* Each file is written under a temporary name and renamed only when
     * every file is complete, so an interrupted run leaves no truncated CSV
     * under a name ingest would read. */
    for (int f = 0; f < SYNTH_NFILES; f++) {
        s->path[f] = join(dir, synth_file_name(f));
        size_t n = strlen(synth_file_name(f)) + 6;
        char *hidden = xmalloc(n);
        snprintf(hidden, n, ".%s.tmp", synth_file_name(f));
        s->tmp[f] = join(dir, hidden);
        free(hidden);
        s->out[f] = fopen(s->tmp[f], "w");
        if (!s->out[f]) {
            int e = errno;
            rc = imgo_err_set(err, IMGO_EIO, "cannot write '%s': %s", s->tmp[f], strerror(e));
            FREE_AND_NULL(s->tmp[f]); /* not created */
            synth_release(s);
            free(s);
            return rc;
        }
        s->outbuf[f] = xmalloc(1 << 18);
        setvbuf(s->out[f], s->outbuf[f], _IOFBF, 1 << 18);
        fprintf(s->out[f], "%s\n", synth_file_header(f));
    }
    make_programs(s, opts->residents, opts->programs);
    make_tables(s);

    struct resident r;
    for (unsigned long i = 0; i < opts->residents; i++) {
        draw_resident(s, &r, i);
        write_resident_row(s, &r);
        gen_assignments(s, &r);
        gen_meetings(s, &r);
        gen_exams(s, &r);
        gen_fellowship(s, &r);
        gen_reviews(s, &r);
        gen_evaluations(s, &r);
        gen_employment(s, &r);
        gen_patient(s, &r);
        if (opts->progress && ((i + 1) % 10000 == 0 || i + 1 == opts->residents))
            opts->progress(i + 1, opts->residents, opts->progress_arg);
    }

    rc = IMGO_OK;
    for (int f = 0; f < SYNTH_NFILES; f++) {
        errno = 0;
        int bad = ferror(s->out[f]);
        int e = errno;
        int closed = fclose(s->out[f]);
        if (closed != 0)
            e = errno;
        s->out[f] = NULL;
        if ((closed != 0 || bad) && !rc)
            rc = imgo_err_set(err, IMGO_EIO, "cannot write '%s': %s", s->tmp[f],
                              e ? strerror(e) : "write error");
    }
    for (int f = 0; f < SYNTH_NFILES && !rc; f++) {
        if (rename(s->tmp[f], s->path[f]) != 0) {
            int e = errno;
            rc = imgo_err_set(err, IMGO_EIO, "cannot rename '%s' to '%s': %s", s->tmp[f],
                              s->path[f], strerror(e));
            break;
        }
        FREE_AND_NULL(s->tmp[f]);
    }
    if (stats)
        memcpy(stats->rows, s->rows, sizeof stats->rows);
    synth_release(s);
    free(s);
    return rc;
}
