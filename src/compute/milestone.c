/*
 * milestone.c - every metric of the milestone ratings, from one pass over
 * them: the IMG coefficient of rating ~ 1 + img + pgy dummies +
 * subcompetency dummies with cluster-robust (CR1, by resident) errors,
 * overall and per subcompetency (bias.milestone_gap), per academic year
 * with the weighted slope of the yearly gaps (trend.milestone_gap,
 * trend.milestone_gap_slope), per program (institution.milestone_gap),
 * with an era term for the mentorship launch (launch.milestone_gap_change:
 * the img:post coefficient), and Level 4 by graduation
 * (milestone.l4_at_graduation, milestone.ppv_not_l4).
 *
 * National cohorts hold ten million ratings, so no design matrix is ever
 * built. Every regressor is categorical (img and post are the resident's),
 * so one pass over the ratings in key order (rid, review_date) reduces
 * them to cells: per resident and academic year, per (pgy, subcompetency),
 * the count and sum of ratings. Each model takes the cells of its subset
 * (all, one subcompetency, one year, one program) and sums X'X and X'y
 * from them; after solving, each resident's score X_g'e_g = sum over their
 * cells of x_c (sum_c - n_c x_c'b) gives the CR1 "meat". A model's pgy and
 * subcompetency dummies are those of the levels present in its subset, the
 * lowest pgy and the first subcompetency in byte order being the reference.
 *
 * Level 4 needs each review whole (its mean, and whether every rating is
 * at least 4.0): the same pass keeps one resident's reviews at a time.
 */
#include "compute.h"
#include "db.h"
#include "mem.h"
#include "strdict.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#define PGY_LEVELS 256 /* pgy is 1..8 by the input contract; 0..255 accepted */
#define AY_MAX 256     /* distinct academic years of review dates */

struct mcell {
    double sum;
    uint32_t n;
    uint16_t s;  /* subcompetency id */
    uint8_t pgy;
    uint8_t ay;  /* academic year, index into mdata.ay_year */
};

struct mres {
    size_t first, end; /* cells [first, end), grouped by academic year */
    int img, post, program;
};

/* One review of the resident being read (Level 4): ratings dated by
 * their end_date only. */
struct review {
    int date;
    double sum;
    long n;
    int all_l4; /* every rating >= 4.0 */
};

/* Level 4 by graduation: counts over graduates. */
struct level4 {
    long n[3], k[3];             /* graduates, those who reached Level 4 */
    long *occ_n, *occ_k;         /* by occasion 1..: low mean, of them not Level 4 */
    size_t occ_n_alloc, occ_k_alloc;
    long max_reviews;            /* the most review dates of any graduate */
    struct review *rev;          /* the current resident's reviews */
    size_t n_rev, rev_alloc;
};

struct mdata {
    struct strdict subc;
    struct mcell *cells;
    size_t n_cells, cells_alloc;
    struct mres *res;
    size_t n_res, res_alloc;
    int ay_year[AY_MAX];
    size_t n_ay;
    /* per-resident-and-year cell lookup: [s * PGY_LEVELS + pgy] */
    int *pos;
    unsigned *stamp;
    size_t s_cap;
    struct level4 l4;
};

static void mdata_release(struct mdata *d)
{
    strdict_release(&d->subc);
    free(d->cells);
    free(d->res);
    free(d->pos);
    free(d->stamp);
    free(d->l4.occ_n);
    free(d->l4.occ_k);
    free(d->l4.rev);
}

/* Makes the lookup hold at least s_need subcompetencies; re-marks the cells
 * of the resident-year being read (from run_first, with stamp). */
static void grow_lookup(struct mdata *d, size_t s_need, size_t run_first, unsigned stamp)
{
    size_t cap = d->s_cap ? d->s_cap : 32;
    while (cap < s_need)
        cap *= 2;
    if (cap == d->s_cap)
        return;
    free(d->pos);
    free(d->stamp);
    d->pos = xmalloc(cap * PGY_LEVELS * sizeof *d->pos);
    d->stamp = xcalloc(cap * PGY_LEVELS, sizeof *d->stamp);
    d->s_cap = cap;
    for (size_t c = run_first; c < d->n_cells; c++) {
        size_t key = (size_t)d->cells[c].s * PGY_LEVELS + d->cells[c].pgy;
        d->pos[key] = (int)(c - run_first);
        d->stamp[key] = stamp;
    }
}

/* The index of academic year ay in d->ay_year, added when new; -1 when
 * there are AY_MAX already. */
static int ay_index(struct mdata *d, int ay)
{
    for (size_t i = 0; i < d->n_ay; i++)
        if (d->ay_year[i] == ay)
            return (int)i;
    if (d->n_ay == AY_MAX)
        return -1;
    d->ay_year[d->n_ay] = ay;
    return (int)d->n_ay++;
}

/* A graduate (metrics.md "Milestones: reaching Level 4 by graduation"):
 * completed by as-of. Their ratings dated by end_date count. */
static int graduate(const struct compute_ctx *x, const struct compute_resident *r)
{
    return r->exit_reason == EXIT_COMPLETED && r->has_end && r->end <= x->as_of;
}

/* The current resident's reviews are complete: count them when they are a
 * graduate's. A review's mean is its sum / count, compared with the
 * threshold exactly. */
static void level4_resident(struct compute_ctx *x, struct level4 *l, int img)
{
    if (!l->n_rev)
        return;
    int reached = l->rev[l->n_rev - 1].all_l4;
    compute_count(l->n, l->k, img, reached);
    if ((long)l->n_rev > l->max_reviews)
        l->max_reviews = (long)l->n_rev;
    ALLOC_GROW_ZERO(l->occ_n, l->n_rev, l->occ_n_alloc);
    ALLOC_GROW_ZERO(l->occ_k, l->n_rev, l->occ_k_alloc);
    for (size_t o = 0; o + 1 < l->n_rev; o++) {
        if (l->rev[o].sum / (double)l->rev[o].n <= x->p->l4_threshold) {
            l->occ_n[o]++;
            l->occ_k[o] += !reached;
        }
    }
    l->n_rev = 0;
}

static int read_cells(struct compute_ctx *x, struct mdata *d, struct imgo_err *err)
{
    struct res_cursor cur;
    int rc = res_cursor_open(&cur, x,
                             "SELECT rid, subcompetency, pgy, rating, review_date FROM milestone_ratings"
                             " WHERE review_date <= ?1 ORDER BY rid, review_date, subcompetency",
                             err);
    if (rc)
        return rc;
    unsigned stamp = 0;
    int last_s = -1, s, ay = 0, ay_id = 0, grad = 0, last_date = 0, last_date_ay = 0, have_date = 0;
    size_t run_first = 0; /* the first cell of the current resident-year */
    const struct compute_resident *r = NULL;
    struct buf last_name = BUF_INIT;
    struct level4 *l = &d->l4;
    while ((s = res_cursor_next(&cur, err)) > 0) {
        sqlite3_stmt *st = cur.st;
        int date = sqlite3_column_int(st, 4);
        if (!have_date || date != last_date) { /* rows of a review come together */
            last_date = date;
            last_date_ay = compute_academic_year(date);
            have_date = 1;
        }
        int row_ay = last_date_ay;
        if (cur.first) {
            if (r)
                level4_resident(x, l, r->img);
            r = cur.r;
            grad = graduate(x, r);
            if (d->n_res)
                d->res[d->n_res - 1].end = d->n_cells;
            ALLOC_GROW(d->res, d->n_res + 1, d->res_alloc);
            struct mres *m = &d->res[d->n_res++];
            m->first = m->end = d->n_cells;
            m->img = r->img;
            m->post = r->post;
            m->program = r->program;
        }
        if (cur.first || row_ay != ay) {
            /* a new resident-year: its cells start here */
            ay = row_ay;
            if ((ay_id = ay_index(d, ay)) < 0) {
                rc = imgo_err_set(err, IMGO_EDATA, "milestone_ratings: more than %d academic years", AY_MAX);
                break;
            }
            run_first = d->n_cells;
            if (++stamp == 0) { /* wrapped: clear the marks */
                memset(d->stamp, 0, d->s_cap * PGY_LEVELS * sizeof *d->stamp);
                stamp = 1;
            }
        }
        const char *name = (const char *)sqlite3_column_text(st, 1);
        size_t len = (size_t)sqlite3_column_bytes(st, 1);
        int sid;
        if (last_s >= 0 && last_name.len == len && !memcmp(last_name.data, name, len)) {
            sid = last_s;
        } else {
            sid = strdict_intern(&d->subc, name, len);
            buf_reset(&last_name);
            buf_add(&last_name, name, len);
            last_s = sid;
        }
        int pgy = sqlite3_column_int(st, 2);
        if (pgy < 0 || pgy >= PGY_LEVELS || sid > UINT16_MAX) {
            rc = imgo_err_set(err, IMGO_EDATA, "milestone_ratings: pgy %d or subcompetency count out of range",
                              pgy);
            break;
        }
        if ((size_t)sid >= d->s_cap)
            grow_lookup(d, (size_t)sid + 1, run_first, stamp);
        size_t key = (size_t)sid * PGY_LEVELS + (size_t)pgy;
        if (d->stamp[key] != stamp) {
            ALLOC_GROW(d->cells, d->n_cells + 1, d->cells_alloc);
            struct mcell *c = &d->cells[d->n_cells];
            c->sum = 0;
            c->n = 0;
            c->s = (uint16_t)sid;
            c->pgy = (uint8_t)pgy;
            c->ay = (uint8_t)ay_id;
            d->stamp[key] = stamp;
            d->pos[key] = (int)(d->n_cells - run_first);
            d->n_cells++;
        }
        double rating = sqlite3_column_double(st, 3);
        struct mcell *c = &d->cells[run_first + (size_t)d->pos[key]];
        c->sum += rating;
        c->n++;
        if (grad && date <= r->end) {
            if (!l->n_rev || l->rev[l->n_rev - 1].date != date) {
                ALLOC_GROW(l->rev, l->n_rev + 1, l->rev_alloc);
                l->rev[l->n_rev++] = (struct review){ date, 0.0, 0, 1 };
            }
            struct review *v = &l->rev[l->n_rev - 1];
            v->sum += rating;
            v->n++;
            v->all_l4 &= rating >= 4.0;
        }
    }
    if (!rc && s < 0)
        rc = err->status;
    if (!rc && r)
        level4_resident(x, l, r->img);
    if (d->n_res)
        d->res[d->n_res - 1].end = d->n_cells;
    buf_release(&last_name);
    res_cursor_close(&cur);
    return rc;
}

/* One linear model over a subset of cells: which columns a cell's
 * resident (img, post) and its pgy and subcompetency switch on (-1: none,
 * the reference level). */
struct model {
    size_t p;
    int col_post, col_ip; /* -1 unless the launch model: post, img:post */
    int col_pgy[PGY_LEVELS];
    int *col_s;           /* by subcompetency id; NULL: no subcompetency dummies */
    gsl_matrix *xtx, *inv, *meat;
    gsl_vector *xty, *beta, *u;
    long n_obs, n_clusters, n_group[2], g_group[2];
    long g_era[2][2];     /* residents by img and era (the launch model) */
    size_t last_res;      /* the resident whose score u holds, + 1 */
    int used, solved;
};

#define COL_IMG 1

/* Columns 0 (intercept) and 1 (img), then post and img:post when launch,
 * then a dummy for each pgy of present_pgy but the lowest, then, when
 * present_s is not NULL, one for each subcompetency present but the first
 * in byte order (order[0..S)). */
static void model_setup(struct model *m, const unsigned char *present_pgy, const unsigned char *present_s,
                        const int *order, size_t S, int launch)
{
    size_t col = 2;
    m->col_post = m->col_ip = -1;
    if (launch) {
        m->col_post = (int)col++;
        m->col_ip = (int)col++;
    }
    int lowest = 1;
    for (int l = 0; l < PGY_LEVELS; l++) {
        m->col_pgy[l] = -1;
        if (!present_pgy[l])
            continue;
        if (lowest)
            lowest = 0;
        else
            m->col_pgy[l] = (int)col++;
    }
    m->col_s = NULL;
    if (present_s) {
        m->col_s = xmalloc((S ? S : 1) * sizeof *m->col_s);
        int first = 1;
        for (size_t i = 0; i < S; i++) {
            m->col_s[order[i]] = -1;
            if (!present_s[order[i]])
                continue;
            if (first)
                first = 0;
            else
                m->col_s[order[i]] = (int)col++;
        }
    }
    m->p = col;
    m->xtx = gsl_matrix_calloc(col, col);
    m->inv = gsl_matrix_calloc(col, col);
    m->meat = gsl_matrix_calloc(col, col);
    m->xty = gsl_vector_calloc(col);
    m->beta = gsl_vector_calloc(col);
    m->u = gsl_vector_calloc(col);
    if (!m->xtx || !m->inv || !m->meat || !m->xty || !m->beta || !m->u) {
        fputs("imgo: out of memory\n", stderr);
        exit(3);
    }
    m->used = 1;
}

static void model_release(struct model *m)
{
    if (!m->used)
        return;
    gsl_matrix_free(m->xtx);
    gsl_matrix_free(m->inv);
    gsl_matrix_free(m->meat);
    gsl_vector_free(m->xty);
    gsl_vector_free(m->beta);
    gsl_vector_free(m->u);
    free(m->col_s);
}

/* The columns of a cell of a resident (img, post). */
static int cell_cols(const struct model *m, const struct mcell *c, const struct mres *r, size_t cols[6])
{
    int nc = 0;
    cols[nc++] = 0;
    if (r->img)
        cols[nc++] = COL_IMG;
    if (m->col_post >= 0 && r->post) {
        cols[nc++] = (size_t)m->col_post;
        if (r->img)
            cols[nc++] = (size_t)m->col_ip;
    }
    if (m->col_pgy[c->pgy] >= 0)
        cols[nc++] = (size_t)m->col_pgy[c->pgy];
    if (m->col_s && m->col_s[c->s] >= 0)
        cols[nc++] = (size_t)m->col_s[c->s];
    return nc;
}

/* X'X and X'y through their data pointers: this runs for every cell of
 * every model (tens of millions of times on a national cohort). */
static void model_add_cell(struct model *m, const struct mcell *c, const struct mres *r)
{
    size_t cols[6];
    int nc = cell_cols(m, c, r, cols);
    double *xtx = m->xtx->data, *xty = m->xty->data;
    size_t tda = m->xtx->tda, stride = m->xty->stride;
    for (int a = 0; a < nc; a++) {
        xty[cols[a] * stride] += c->sum;
        for (int b = 0; b < nc; b++)
            xtx[cols[a] * tda + cols[b]] += c->n;
    }
    m->n_obs += c->n;
    m->n_group[r->img] += c->n;
}

static void model_solve(struct model *m)
{
    m->solved = stats_ols_solve(m->xtx, m->xty, m->beta, m->inv) == 0;
}

/* Adds a cell's part of resident g's X_g'e_g into m->u; a resident's
 * first cell in the model starts a new cluster. */
static void model_score_cell(struct model *m, const struct mcell *c, const struct mres *r, size_t g)
{
    if (m->last_res != g + 1) {
        m->last_res = g + 1;
        m->n_clusters++;
        m->g_group[r->img]++;
        m->g_era[r->img][r->post]++;
        gsl_vector_set_zero(m->u);
    }
    if (!m->solved)
        return;
    size_t cols[6];
    int nc = cell_cols(m, c, r, cols);
    const double *beta = m->beta->data;
    double *u = m->u->data;
    size_t bs = m->beta->stride, us = m->u->stride;
    double xb = 0;
    for (int a = 0; a < nc; a++)
        xb += beta[cols[a] * bs];
    double e = c->sum - c->n * xb;
    for (int a = 0; a < nc; a++)
        u[cols[a] * us] += e;
}

/* The resident's score is complete: into the meat. */
static void model_end_resident(struct model *m, size_t g)
{
    if (m->last_res == g + 1 && m->solved)
        stats_cr1_meat_add(m->meat, m->u);
}

/* Coefficient j with its CR1 interval; *se (when not NULL) the standard
 * error behind the interval, NAN when there is none. Not clamped. */
static struct stats_est model_coef(struct compute_ctx *x, const struct model *m, size_t j, double *se)
{
    struct stats_est e = { NAN, NAN, NAN, NAN };
    if (se)
        *se = NAN;
    if (!m->solved)
        return e;
    e = stats_cr1(m->beta, m->inv, m->meat, m->n_obs, m->n_clusters, j, x->conf);
    /* the interval is value +- t(G-1) SE: SE is its half-width over t */
    if (se && isfinite(e.hi) && m->n_clusters >= 2)
        *se = (e.hi - e.value) / stats_t(x->conf, (double)(m->n_clusters - 1));
    return e;
}

/* ratings are 1.0..5.0 (inputs.md): a difference lies in [-4, 4] */
static struct stats_est gap_estimate(struct compute_ctx *x, const struct model *m, size_t j)
{
    return compute_clamp(model_coef(x, m, j, NULL), -4, 4);
}

/* All the models of one run. */
struct models {
    size_t S, n_prog;
    int *order;          /* subcompetency ids in byte order */
    struct model all, launch;
    struct model *sub;   /* by subcompetency id */
    struct model *ay;    /* by academic year index */
    struct model *prog;  /* by program id; used only for programs with ratings */
};

static void models_release(struct models *ms, size_t n_ay)
{
    model_release(&ms->all);
    model_release(&ms->launch);
    for (size_t i = 0; ms->sub && i < ms->S; i++)
        model_release(&ms->sub[i]);
    for (size_t i = 0; ms->ay && i < n_ay; i++)
        model_release(&ms->ay[i]);
    for (size_t i = 0; ms->prog && i < ms->n_prog; i++)
        model_release(&ms->prog[i]);
    free(ms->sub);
    free(ms->ay);
    free(ms->prog);
    free(ms->order);
}

/* Sets the models up from the levels present in each subset. */
static void models_setup(struct compute_ctx *x, struct mdata *d, struct models *ms)
{
    size_t S = d->subc.len, A = d->n_ay, P = x->programs->len;
    ms->S = S;
    ms->n_prog = P;
    ms->order = strdict_sorted(&d->subc);
    unsigned char *pgy_all = xcalloc(PGY_LEVELS, 1);
    unsigned char *pgy_sub = xcalloc((S ? S : 1) * PGY_LEVELS, 1);
    unsigned char *pgy_ay = xcalloc((A ? A : 1) * PGY_LEVELS, 1), *s_ay = xcalloc((A ? A : 1) * (S ? S : 1), 1);
    unsigned char *pgy_prog = xcalloc((P ? P : 1) * PGY_LEVELS, 1), *s_prog = xcalloc((P ? P : 1) * (S ? S : 1), 1);
    unsigned char *s_all = xmalloc(S ? S : 1);
    unsigned char *has_prog = xcalloc(P ? P : 1, 1);
    memset(s_all, 1, S ? S : 1);
    for (size_t g = 0; g < d->n_res; g++) {
        const struct mres *r = &d->res[g];
        has_prog[r->program] = 1;
        for (size_t c = r->first; c < r->end; c++) {
            const struct mcell *cell = &d->cells[c];
            pgy_all[cell->pgy] = 1;
            pgy_sub[(size_t)cell->s * PGY_LEVELS + cell->pgy] = 1;
            pgy_ay[(size_t)cell->ay * PGY_LEVELS + cell->pgy] = 1;
            s_ay[(size_t)cell->ay * S + cell->s] = 1;
            pgy_prog[(size_t)r->program * PGY_LEVELS + cell->pgy] = 1;
            s_prog[(size_t)r->program * S + cell->s] = 1;
        }
    }
    model_setup(&ms->all, pgy_all, s_all, ms->order, S, 0);
    if (x->p->has_mentorship_launch)
        model_setup(&ms->launch, pgy_all, s_all, ms->order, S, 1);
    ms->sub = xcalloc(S ? S : 1, sizeof *ms->sub);
    for (size_t s = 0; s < S; s++)
        model_setup(&ms->sub[s], pgy_sub + s * PGY_LEVELS, NULL, ms->order, S, 0);
    ms->ay = xcalloc(A ? A : 1, sizeof *ms->ay);
    for (size_t a = 0; a < A; a++)
        model_setup(&ms->ay[a], pgy_ay + a * PGY_LEVELS, s_ay + a * S, ms->order, S, 0);
    ms->prog = xcalloc(P ? P : 1, sizeof *ms->prog);
    for (size_t p = 0; p < P; p++)
        if (has_prog[p])
            model_setup(&ms->prog[p], pgy_prog + p * PGY_LEVELS, s_prog + p * S, ms->order, S, 0);
    free(pgy_all);
    free(pgy_sub);
    free(pgy_ay);
    free(s_ay);
    free(pgy_prog);
    free(s_prog);
    free(s_all);
    free(has_prog);
}

/* The models a cell of resident r belongs to, n of them (at most 5). */
static int cell_models(struct models *ms, const struct mcell *c, const struct mres *r, struct model *out[5])
{
    int n = 0;
    out[n++] = &ms->all;
    out[n++] = &ms->sub[c->s];
    out[n++] = &ms->ay[c->ay];
    out[n++] = &ms->prog[r->program];
    if (ms->launch.used)
        out[n++] = &ms->launch;
    return n;
}

/* The largest table of sums sweep_sums allocates (entries of 16 bytes);
 * a test sets it to 0 to run sweep_cells. */
#ifndef MILESTONE_SUMS_MAX
#define MILESTONE_SUMS_MAX ((size_t)1 << 22)
#endif

struct sum {
    double sum;
    uint64_t n;
};

/* X'X and X'y of every model. Cells whose columns are the same add the same
 * x x' times their count, so the cells are first summed by (img, post,
 * year, pgy, subcompetency) for the overall, launch, subcompetency and year
 * models and by (program, img, pgy, subcompetency) for the program models,
 * and each sum is added once: a few thousand additions to the models
 * instead of five per cell. Ratings are multiples of 0.5, so every sum is
 * exact whatever its order. Returns 0, or -1 (nothing added) when the
 * tables would be too big (absurd numbers of levels), for sweep_cells. */
static int sweep_sums(struct compute_ctx *x, struct mdata *d, struct models *ms)
{
    size_t S = ms->S, A = d->n_ay, P = x->programs->len, PG = 0;
    int pgy_at[PGY_LEVELS], pgy_of[PGY_LEVELS];
    unsigned char present[PGY_LEVELS];
    memset(present, 0, sizeof present);
    uint64_t total = 0;
    for (size_t c = 0; c < d->n_cells; c++) {
        present[d->cells[c].pgy] = 1;
        total += d->cells[c].n;
    }
    for (int l = 0; l < PGY_LEVELS; l++) {
        pgy_at[l] = present[l] ? (int)PG : -1;
        if (present[l])
            pgy_of[PG++] = l;
    }
    size_t n1 = 4 * (A ? A : 1) * (PG ? PG : 1) * (S ? S : 1), n2 = 2 * (P ? P : 1) * (PG ? PG : 1) * (S ? S : 1);
    if (n1 > MILESTONE_SUMS_MAX || n2 > MILESTONE_SUMS_MAX || total > UINT32_MAX)
        return -1;
    struct sum *t1 = xcalloc(n1, sizeof *t1), *t2 = xcalloc(n2, sizeof *t2);
    for (size_t g = 0; g < d->n_res; g++) {
        const struct mres *r = &d->res[g];
        for (size_t c = r->first; c < r->end; c++) {
            const struct mcell *cell = &d->cells[c];
            size_t pg = (size_t)pgy_at[cell->pgy];
            struct sum *a = &t1[(((size_t)(r->img * 2 + r->post) * A + cell->ay) * PG + pg) * S + cell->s];
            struct sum *b = &t2[(((size_t)r->program * 2 + (size_t)r->img) * PG + pg) * S + cell->s];
            a->sum += cell->sum;
            a->n += cell->n;
            b->sum += cell->sum;
            b->n += cell->n;
        }
    }
    for (size_t i = 0; i < n1; i++) {
        if (!t1[i].n)
            continue;
        size_t s = i % S, pg = i / S % PG, ay = i / S / PG % A, ip = i / S / PG / A;
        struct mcell cell = { t1[i].sum, (uint32_t)t1[i].n, (uint16_t)s, (uint8_t)pgy_of[pg], (uint8_t)ay };
        struct mres r = { 0, 0, (int)(ip / 2), (int)(ip % 2), 0 };
        model_add_cell(&ms->all, &cell, &r);
        model_add_cell(&ms->sub[s], &cell, &r);
        model_add_cell(&ms->ay[ay], &cell, &r);
        if (ms->launch.used)
            model_add_cell(&ms->launch, &cell, &r);
    }
    for (size_t i = 0; i < n2; i++) {
        if (!t2[i].n)
            continue;
        size_t s = i % S, pg = i / S % PG, img = i / S / PG % 2, prog = i / S / PG / 2;
        struct mcell cell = { t2[i].sum, (uint32_t)t2[i].n, (uint16_t)s, (uint8_t)pgy_of[pg], 0 };
        struct mres r = { 0, 0, (int)img, 0, (int)prog };
        model_add_cell(&ms->prog[prog], &cell, &r);
    }
    free(t1);
    free(t2);
    return 0;
}

/* X'X and X'y cell by cell: what sweep_sums does when its tables would be
 * too big. */
static void sweep_cells(struct mdata *d, struct models *ms)
{
    struct model *in[5];
    for (size_t g = 0; g < d->n_res; g++) {
        const struct mres *r = &d->res[g];
        for (size_t c = r->first; c < r->end; c++) {
            int n = cell_models(ms, &d->cells[c], r, in);
            for (int i = 0; i < n; i++)
                model_add_cell(in[i], &d->cells[c], r);
        }
    }
}

/* X'X and X'y, then (after solving) each resident's score into each
 * model's meat. */
static void models_fit(struct compute_ctx *x, struct mdata *d, struct models *ms)
{
    struct model *in[5];
    if (sweep_sums(x, d, ms))
        sweep_cells(d, ms);
    model_solve(&ms->all);
    if (ms->launch.used)
        model_solve(&ms->launch);
    for (size_t s = 0; s < ms->S; s++)
        model_solve(&ms->sub[s]);
    for (size_t a = 0; a < d->n_ay; a++)
        model_solve(&ms->ay[a]);
    for (size_t p = 0; p < ms->n_prog; p++)
        if (ms->prog[p].used)
            model_solve(&ms->prog[p]);

    /* a resident's cells touch each subcompetency model and each year
     * model in their own order: remember which, to close them */
    struct model **touched = xmalloc((ms->S + d->n_ay + 3) * sizeof *touched);
    for (size_t g = 0; g < d->n_res; g++) {
        const struct mres *r = &d->res[g];
        size_t n_touched = 0;
        for (size_t c = r->first; c < r->end; c++) {
            int n = cell_models(ms, &d->cells[c], r, in);
            for (int i = 0; i < n; i++) {
                if (in[i]->last_res != g + 1)
                    touched[n_touched++] = in[i];
                model_score_cell(in[i], &d->cells[c], r, g);
            }
        }
        for (size_t t = 0; t < n_touched; t++)
            model_end_resident(touched[t], g);
    }
    free(touched);
}

/* bias.milestone_gap: per subcompetency (BH family), then overall, with
 * the forest plot. */
static void gap_rows(struct compute_ctx *x, struct mdata *d, struct models *ms)
{
    size_t n_rows = 0;
    struct buf stratum = BUF_INIT;
    for (size_t i = 0; i < ms->S; i++) {
        struct model *m = &ms->sub[ms->order[i]];
        if (m->g_group[0] < 2 || m->g_group[1] < 2)
            continue;
        const char *name = strdict_str(&d->subc, ms->order[i]);
        buf_reset(&stratum);
        buf_addf(&stratum, "subcompetency=%s", name);
        struct stats_est e = gap_estimate(x, m, COL_IMG);
        metric_add(x->m, M_BIAS_MILESTONE_GAP, "img_vs_non_img", buf_str(&stratum), NULL, m->n_obs,
                   m->n_clusters, e);
        n_rows++;
        chart_add(x->c, C_MILESTONE_FOREST, "subcompetency", name, (double)n_rows, m->n_obs, m->n_clusters,
                  e.value, e.lo, e.hi, m->n_obs < x->p->min_cell);
    }
    metric_set_bh(x->m, M_BIAS_MILESTONE_GAP);
    const struct model *all = &ms->all;
    if (all->n_group[0] >= 1 && all->n_group[1] >= 1) {
        struct stats_est e = gap_estimate(x, all, COL_IMG);
        metric_add(x->m, M_BIAS_MILESTONE_GAP, "img_vs_non_img", NULL, NULL, all->n_obs, all->n_clusters, e);
        chart_add(x->c, C_MILESTONE_FOREST, "overall", "overall", (double)n_rows + 1, all->n_obs,
                  all->n_clusters, e.value, e.lo, e.hi, all->n_obs < x->p->min_cell);
    }
    buf_release(&stratum);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* trend.milestone_gap per academic year, and the inverse-variance weighted
 * slope of the yearly values on the year (written even with no year). */
static void trend_rows(struct compute_ctx *x, struct mdata *d, struct models *ms)
{
    size_t A = d->n_ay, used = 0;
    int *years = xmalloc((A ? A : 1) * sizeof *years);
    double *xs = xmalloc((A ? A : 1) * sizeof *xs), *ys = xmalloc((A ? A : 1) * sizeof *ys);
    double *ses = xmalloc((A ? A : 1) * sizeof *ses);
    memcpy(years, d->ay_year, A * sizeof *years);
    qsort(years, A, sizeof *years, cmp_int);
    for (size_t i = 0; i < A; i++) {
        size_t a = 0;
        while (d->ay_year[a] != years[i])
            a++;
        const struct model *m = &ms->ay[a];
        if (m->g_group[0] < 2 || m->g_group[1] < 2)
            continue;
        double se;
        struct stats_est e = model_coef(x, m, COL_IMG, &se);
        char period[16];
        compute_ay_period(years[i], period);
        struct metric_row *row = metric_add(x->m, M_TREND_MILESTONE_GAP, "img_vs_non_img", NULL, period,
                                            m->n_obs, m->n_clusters, compute_clamp(e, -4, 4));
        chart_add(x->c, C_TREND_MILESTONE_GAP, "gap", NULL, years[i], row->n, row->k, row->value, row->ci_low,
                  row->ci_high, row->suppressed);
        /* the slope weighs the years that have a value and a standard error */
        if (isfinite(e.value) && isfinite(se) && se > 0) {
            xs[used] = years[i];
            ys[used] = e.value;
            ses[used++] = se;
        }
    }
    struct stats_est slope = stats_ivw_slope(xs, ys, ses, used, x->conf);
    /* n counts years, not people: never suppressed */
    metric_add(x->m, M_TREND_MILESTONE_GAP_SLOPE, "img_vs_non_img", NULL, NULL, (long)used, METRIC_EMPTY, slope)
        ->suppressed = 0;
    /* the fitted line through the weighted means, at the first and last
     * year used */
    if (used >= 3 && isfinite(slope.value)) {
        double sw = 0, xw = 0, yw = 0;
        for (size_t i = 0; i < used; i++) {
            double w = 1 / (ses[i] * ses[i]);
            sw += w;
            xw += w * xs[i];
            yw += w * ys[i];
        }
        xw /= sw;
        yw /= sw;
        for (size_t i = 0; i < used; i += used - 1)
            chart_add(x->c, C_TREND_MILESTONE_GAP, "fit", NULL, xs[i], METRIC_EMPTY, METRIC_EMPTY,
                      yw + slope.value * (xs[i] - xw), NAN, NAN, 0);
    }
    free(years);
    free(xs);
    free(ys);
    free(ses);
}

/* launch.milestone_gap_change: the img:post coefficient, empty unless
 * every cell of img x era has 2 rated residents. It is a difference of two
 * gaps of ratings 1.0..5.0, so it lies in [-8, 8]. */
static void launch_row(struct compute_ctx *x, const struct models *ms)
{
    const struct model *m = &ms->launch;
    struct stats_est e = { NAN, NAN, NAN, NAN };
    if (m->g_era[0][0] >= 2 && m->g_era[0][1] >= 2 && m->g_era[1][0] >= 2 && m->g_era[1][1] >= 2)
        e = compute_clamp(model_coef(x, m, (size_t)m->col_ip, NULL), -8, 8);
    metric_add(x->m, M_LAUNCH_MILESTONE_GAP_CHANGE, "img_vs_non_img", NULL, NULL, m->n_obs, m->n_clusters, e);
}

/* institution.milestone_gap: the overall model within each program whose
 * two groups both have a rated resident. */
static void program_rows(struct compute_ctx *x, const struct models *ms)
{
    int *order = strdict_sorted(x->programs);
    struct buf stratum = BUF_INIT;
    for (size_t i = 0; i < ms->n_prog; i++) {
        const struct model *m = &ms->prog[order[i]];
        if (!m->used || m->g_group[0] < 1 || m->g_group[1] < 1)
            continue;
        buf_reset(&stratum);
        buf_addf(&stratum, "program=%s", strdict_str(x->programs, order[i]));
        metric_add(x->m, M_INSTITUTION_MILESTONE_GAP, "img_vs_non_img", buf_str(&stratum), NULL, m->n_obs,
                   m->n_clusters, gap_estimate(x, m, COL_IMG));
    }
    buf_release(&stratum);
    free(order);
}

/* milestone.l4_at_graduation (+ _diff) and milestone.ppv_not_l4 for
 * occasions 1 .. the most review dates of a graduate - 1. */
static void level4_rows(struct compute_ctx *x, const struct level4 *l)
{
    compute_add_rates(x, M_MILESTONE_L4_AT_GRADUATION, M_MILESTONE_L4_AT_GRADUATION_DIFF, NULL, NULL, l->k, l->n);
    char stratum[32];
    for (long o = 1; o < l->max_reviews; o++) {
        snprintf(stratum, sizeof stratum, "occasion=%ld", o);
        compute_add_rate(x, M_MILESTONE_PPV_NOT_L4, GROUP_ALL, stratum, NULL, l->occ_k[o - 1], l->occ_n[o - 1]);
    }
}

int compute_milestones(struct compute_ctx *x, struct imgo_err *err)
{
    struct mdata d;
    memset(&d, 0, sizeof d);
    strdict_init(&d.subc);
    int rc = read_cells(x, &d, err);
    if (rc) {
        mdata_release(&d);
        return rc;
    }
    struct models ms;
    memset(&ms, 0, sizeof ms);
    models_setup(x, &d, &ms);
    models_fit(x, &d, &ms);
    gap_rows(x, &d, &ms);
    trend_rows(x, &d, &ms);
    if (x->p->has_mentorship_launch)
        launch_row(x, &ms);
    program_rows(x, &ms);
    level4_rows(x, &d.l4);
    models_release(&ms, d.n_ay);
    mdata_release(&d);
    return IMGO_OK;
}
