/*
 * milestone.c - bias.milestone_gap: the IMG coefficient of
 * rating ~ 1 + img + pgy dummies + subcompetency dummies, with
 * cluster-robust (CR1, by resident) errors, overall and per subcompetency.
 *
 * National cohorts hold ten million ratings, so the design matrix is never
 * built. Every regressor is categorical, so one pass over the ratings in
 * key order (rid first) reduces them to cells: per resident, per (pgy,
 * subcompetency), the count and sum of ratings. X'X and X'y come from the
 * cells summed over residents; after solving, each resident's score
 * X_g'e_g = sum over their cells of x_c (sum_c - n_c x_c'b) gives the CR1
 * "meat". The per-subcompetency models come from the same cells.
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

struct mcell {
    double sum;
    uint32_t n;
    uint16_t s;  /* subcompetency id */
    uint8_t pgy;
};

struct mres {
    size_t first, end; /* cells [first, end) */
    int img;
};

struct mdata {
    struct strdict subc;
    struct mcell *cells;
    size_t n_cells, cells_alloc;
    struct mres *res;
    size_t n_res, res_alloc;
    /* per-resident cell lookup: [s * PGY_LEVELS + pgy] */
    int *pos;
    unsigned *stamp;
    size_t s_cap;
};

static void mdata_release(struct mdata *d)
{
    strdict_release(&d->subc);
    free(d->cells);
    free(d->res);
    free(d->pos);
    free(d->stamp);
}

/* Makes the lookup hold at least s_need subcompetencies; re-marks the cells
 * of the resident being read (stamp). */
static void grow_lookup(struct mdata *d, size_t s_need, unsigned stamp)
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
    if (d->n_res) {
        const struct mres *r = &d->res[d->n_res - 1];
        for (size_t c = r->first; c < d->n_cells; c++) {
            size_t key = (size_t)d->cells[c].s * PGY_LEVELS + d->cells[c].pgy;
            d->pos[key] = (int)(c - r->first);
            d->stamp[key] = stamp;
        }
    }
}

static int read_cells(struct compute_ctx *x, struct mdata *d, struct imgo_err *err)
{
    struct res_cursor cur;
    int rc = res_cursor_open(&cur, x,
                             "SELECT rid, subcompetency, pgy, rating FROM milestone_ratings"
                             " WHERE review_date <= ?1 ORDER BY rid, review_date, subcompetency",
                             err);
    if (rc)
        return rc;
    unsigned stamp = 0;
    int last_s = -1, s;
    struct buf last_name = BUF_INIT;
    while ((s = res_cursor_next(&cur, err)) > 0) {
        sqlite3_stmt *st = cur.st;
        if (cur.first) {
            if (d->n_res)
                d->res[d->n_res - 1].end = d->n_cells;
            ALLOC_GROW(d->res, d->n_res + 1, d->res_alloc);
            d->res[d->n_res].first = d->res[d->n_res].end = d->n_cells;
            d->res[d->n_res].img = cur.r->img;
            d->n_res++;
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
            grow_lookup(d, (size_t)sid + 1, stamp);
        size_t key = (size_t)sid * PGY_LEVELS + (size_t)pgy;
        size_t first = d->res[d->n_res - 1].first;
        if (d->stamp[key] != stamp) {
            ALLOC_GROW(d->cells, d->n_cells + 1, d->cells_alloc);
            struct mcell *c = &d->cells[d->n_cells];
            c->sum = 0;
            c->n = 0;
            c->s = (uint16_t)sid;
            c->pgy = (uint8_t)pgy;
            d->stamp[key] = stamp;
            d->pos[key] = (int)(d->n_cells - first);
            d->n_cells++;
        }
        struct mcell *c = &d->cells[first + (size_t)d->pos[key]];
        c->sum += sqlite3_column_double(st, 3);
        c->n++;
    }
    if (!rc && s < 0)
        rc = err->status;
    if (d->n_res)
        d->res[d->n_res - 1].end = d->n_cells;
    buf_release(&last_name);
    res_cursor_close(&cur);
    return rc;
}

/* One linear model over a subset of cells: which columns a cell's pgy and
 * subcompetency switch on (-1: the reference level, none). */
struct model {
    size_t p;
    int col_pgy[PGY_LEVELS];
    int *col_s;        /* by subcompetency id; NULL: no subcompetency dummies */
    gsl_matrix *xtx, *inv, *meat;
    gsl_vector *xty, *beta, *u;
    long n_obs, n_clusters, n_group[2], g_group[2];
    int solved;
};

static void model_init(struct model *m, size_t p)
{
    m->p = p;
    m->xtx = gsl_matrix_calloc(p, p);
    m->inv = gsl_matrix_calloc(p, p);
    m->meat = gsl_matrix_calloc(p, p);
    m->xty = gsl_vector_calloc(p);
    m->beta = gsl_vector_calloc(p);
    m->u = gsl_vector_calloc(p);
    if (!m->xtx || !m->inv || !m->meat || !m->xty || !m->beta || !m->u) {
        fputs("imgo: out of memory\n", stderr);
        exit(3);
    }
}

static void model_release(struct model *m)
{
    gsl_matrix_free(m->xtx);
    gsl_matrix_free(m->inv);
    gsl_matrix_free(m->meat);
    gsl_vector_free(m->xty);
    gsl_vector_free(m->beta);
    gsl_vector_free(m->u);
    free(m->col_s);
}

/* The columns of a cell: intercept, img, its pgy and subcompetency dummies. */
static int cell_cols(const struct model *m, const struct mcell *c, int img, size_t cols[4])
{
    int nc = 0;
    cols[nc++] = 0;
    if (img)
        cols[nc++] = 1;
    if (m->col_pgy[c->pgy] >= 0)
        cols[nc++] = (size_t)m->col_pgy[c->pgy];
    if (m->col_s && m->col_s[c->s] >= 0)
        cols[nc++] = (size_t)m->col_s[c->s];
    return nc;
}

static void model_add_cell(struct model *m, const struct mcell *c, int img)
{
    size_t cols[4];
    int nc = cell_cols(m, c, img, cols);
    for (int a = 0; a < nc; a++) {
        *gsl_vector_ptr(m->xty, cols[a]) += c->sum;
        for (int b = 0; b < nc; b++)
            *gsl_matrix_ptr(m->xtx, cols[a], cols[b]) += c->n;
    }
    m->n_obs += c->n;
    m->n_group[img] += c->n;
}

/* Adds a cell's part of its resident's X_g'e_g into m->u. */
static void model_score_cell(struct model *m, const struct mcell *c, int img)
{
    size_t cols[4];
    int nc = cell_cols(m, c, img, cols);
    double xb = 0;
    for (int a = 0; a < nc; a++)
        xb += gsl_vector_get(m->beta, cols[a]);
    double r = c->sum - c->n * xb;
    for (int a = 0; a < nc; a++)
        *gsl_vector_ptr(m->u, cols[a]) += r;
}

static struct stats_est model_estimate(struct compute_ctx *x, struct model *m)
{
    struct stats_est e = { NAN, NAN, NAN, NAN };
    if (!m->solved)
        return e;
    /* ratings are 1.0..5.0 (inputs.md): a difference lies in [-4, 4] */
    return compute_clamp(stats_cr1(m->beta, m->inv, m->meat, m->n_obs, m->n_clusters, 1, x->conf), -4, 4);
}

/* Sets pgy columns from 2 + extra on for the levels present[] but the lowest;
 * returns the number of pgy columns. */
static size_t set_pgy_cols(struct model *m, const unsigned char *present, size_t first_col)
{
    size_t col = first_col;
    int lowest = 1;
    for (int l = 0; l < PGY_LEVELS; l++) {
        m->col_pgy[l] = -1;
        if (!present[l])
            continue;
        if (lowest)
            lowest = 0;
        else
            m->col_pgy[l] = (int)col++;
    }
    return col - first_col;
}

int compute_milestones(struct compute_ctx *x, struct imgo_err *err)
{
    struct mdata d;
    memset(&d, 0, sizeof d);
    strdict_init(&d.subc);
    int rc = read_cells(x, &d, err);
    if (rc || !d.n_cells) {
        mdata_release(&d);
        return rc;
    }
    size_t S = d.subc.len;
    int *order = strdict_sorted(&d.subc);
    unsigned char *present = xcalloc(PGY_LEVELS, 1);
    unsigned char *present_s = xcalloc(S * PGY_LEVELS, 1);
    for (size_t c = 0; c < d.n_cells; c++) {
        present[d.cells[c].pgy] = 1;
        present_s[(size_t)d.cells[c].s * PGY_LEVELS + d.cells[c].pgy] = 1;
    }

    /* the overall model: 1, img, pgy dummies, subcompetency dummies */
    struct model all;
    memset(&all, 0, sizeof all);
    size_t n_pgy = set_pgy_cols(&all, present, 2);
    all.col_s = xmalloc(S * sizeof *all.col_s);
    for (size_t i = 0; i < S; i++)
        all.col_s[order[i]] = i == 0 ? -1 : (int)(2 + n_pgy + i - 1);
    model_init(&all, 2 + n_pgy + S - 1);

    /* one model per subcompetency: 1, img, pgy dummies of its levels */
    struct model *sub = xcalloc(S, sizeof *sub);
    for (size_t s = 0; s < S; s++) {
        size_t np = set_pgy_cols(&sub[s], present_s + s * PGY_LEVELS, 2);
        model_init(&sub[s], 2 + np);
    }

    for (size_t g = 0; g < d.n_res; g++) {
        const struct mres *r = &d.res[g];
        for (size_t c = r->first; c < r->end; c++) {
            model_add_cell(&all, &d.cells[c], r->img);
            model_add_cell(&sub[d.cells[c].s], &d.cells[c], r->img);
        }
    }
    all.solved = stats_ols_solve(all.xtx, all.xty, all.beta, all.inv) == 0;
    for (size_t s = 0; s < S; s++)
        sub[s].solved = stats_ols_solve(sub[s].xtx, sub[s].xty, sub[s].beta, sub[s].inv) == 0;

    /* second sweep over the cells: each resident's score, into the meat */
    unsigned *seen = xcalloc(S, sizeof *seen);
    size_t *touched = xmalloc(S * sizeof *touched);
    for (size_t g = 0; g < d.n_res; g++) {
        const struct mres *r = &d.res[g];
        size_t n_touched = 0;
        gsl_vector_set_zero(all.u);
        for (size_t c = r->first; c < r->end; c++) {
            const struct mcell *cell = &d.cells[c];
            if (all.solved)
                model_score_cell(&all, cell, r->img);
            if (seen[cell->s] != g + 1) {
                seen[cell->s] = (unsigned)(g + 1);
                touched[n_touched++] = cell->s;
                gsl_vector_set_zero(sub[cell->s].u);
            }
            if (sub[cell->s].solved)
                model_score_cell(&sub[cell->s], cell, r->img);
        }
        all.n_clusters++;
        all.g_group[r->img]++;
        if (all.solved)
            stats_cr1_meat_add(all.meat, all.u);
        for (size_t t = 0; t < n_touched; t++) {
            struct model *m = &sub[touched[t]];
            m->n_clusters++;
            m->g_group[r->img]++;
            if (m->solved)
                stats_cr1_meat_add(m->meat, m->u);
        }
    }

    /* rows: per subcompetency (BH family), then overall */
    size_t n_rows = 0;
    struct buf stratum = BUF_INIT;
    for (size_t i = 0; i < S; i++) {
        struct model *m = &sub[order[i]];
        if (m->g_group[0] < 2 || m->g_group[1] < 2)
            continue;
        const char *name = strdict_str(&d.subc, order[i]);
        buf_reset(&stratum);
        buf_addf(&stratum, "subcompetency=%s", name);
        struct stats_est e = model_estimate(x, m);
        metric_add(x->m, M_BIAS_MILESTONE_GAP, "img_vs_non_img", buf_str(&stratum), NULL, m->n_obs,
                   m->n_clusters, e);
        n_rows++;
        chart_add(x->c, C_MILESTONE_FOREST, "subcompetency", name, (double)n_rows, m->n_obs,
                  m->n_clusters, e.value, e.lo, e.hi, m->n_obs < x->p->min_cell);
    }
    metric_set_bh(x->m, M_BIAS_MILESTONE_GAP);
    if (all.n_group[0] >= 1 && all.n_group[1] >= 1) {
        struct stats_est e = model_estimate(x, &all);
        metric_add(x->m, M_BIAS_MILESTONE_GAP, "img_vs_non_img", NULL, NULL, all.n_obs, all.n_clusters, e);
        chart_add(x->c, C_MILESTONE_FOREST, "overall", "overall", (double)n_rows + 1, all.n_obs,
                  all.n_clusters, e.value, e.lo, e.hi, all.n_obs < x->p->min_cell);
    }
    buf_release(&stratum);
    free(seen);
    free(touched);
    for (size_t s = 0; s < S; s++)
        model_release(&sub[s]);
    free(sub);
    model_release(&all);
    free(present);
    free(present_s);
    free(order);
    mdata_release(&d);
    return rc;
}
