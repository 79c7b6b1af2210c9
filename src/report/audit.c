/*
 * audit.c - the attacker's intervals of hidden counts, by linear and
 * integer programming, and the choice of complementary figures.
 *
 * A published cell is a constant; every other cell is an integer variable.
 * Variables tied by relations form components (found by a breadth-first
 * walk over the relations), and each component is one small problem: for
 * each of its cells, GLPK's simplex gives the smallest and largest value
 * over the LP relaxation; where that optimum is not an integer solution,
 * glp_intopt gives the integer one (the attacker knows counts are whole).
 * One problem object is reused: built per component, then only the
 * objective changes and the simplex starts from the last basis.
 *
 * GLPK reports misuse and internal failures through glp_error, which ends
 * the process unless a hook jumps out; every entry point runs under a
 * hook that longjmps back, frees GLPK's environment and returns IMGO_EIO,
 * and under a terminal hook that keeps GLPK's text for that message
 * (GLPK prints its errors even with terminal output off).
 * Nothing this module allocates is held in a local across GLPK calls: the
 * scratch arrays live in struct audit, so a jump loses no memory.
 *
 * audit_suppress re-solves only the components that hiding a figure can
 * change (the cells of that figure and those of relations it published),
 * or showing it again (also the cells that share a relation with its
 * cells); the others keep their intervals. Until its choice is made it
 * computes only the intervals a verdict reads (the counts rule 1 applies
 * to, the k of the rates rule 2 may apply to), and the others once at
 * the end.
 */
#include "audit.h"

#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

enum { PUB_HIDDEN, PUB_EXACT, PUB_RANGE };

/* The requirement a leaking cell fails, as one objective. */
enum need { NEED_UP, NEED_DOWN, NEED_NONZERO, NEED_NOTALL };

struct cell {
    char *name;
    unsigned flags;
    long truth, lo, hi;     /* hi AUDIT_NO_UPPER: none */
    long need_lo, need_hi;  /* rule 1: the interval must hold [need_lo, need_hi] (0, 0: 1..m-1) */
    int not_small;          /* a label says it is not 1..m-1: rule 1 does not apply */
    int pub;                /* PUB_* when its figure is shown */
    double v, vlo, vhi;     /* PUB_EXACT: v; PUB_RANGE: [vlo, vhi] */
    size_t fig;
    /* results */
    long rlo, rhi;
    enum audit_verdict verdict;
    unsigned fails;         /* bit (1 << NEED_*) per failed requirement */
    int dirty;              /* its interval must be solved again (suppress) */
};

struct rel {
    char *name;
    enum audit_op op;
    double rhs;
    size_t t0, nt;          /* its terms: tcell[t0 .. t0+nt), tcoef */
    size_t fig;             /* AUDIT_NONE: a definition, always known */
};

struct rate {
    size_t k, n;
    long gap;               /* max (n - k), after an audit */
};

struct fig {
    char *name;
    double cost;            /* < 0: default */
    unsigned flags;
    int hidden;
    enum audit_reason reason;
    size_t protects;
    double weight;          /* the cost used (audit_suppress) */
    int empty;
};

struct audit {
    int min_cell;
    struct cell *cells;
    size_t ncells, capc;
    struct rel *rels;
    size_t nrels, capr;
    size_t *tcell;
    double *tcoef;
    size_t nterms, capt;
    struct rate *rates;
    size_t nrates, caprt;
    struct fig *figs;
    size_t nfigs, capf;
    int misused;
    char misuse[IMGO_ERR_MSG_MAX];
    int solved;             /* results are in place */
    int stale;              /* the model changed: solve everything again */
    enum { SCOPE_ALL, SCOPE_RULE1, SCOPE_JUDGED } scope; /* the intervals solve_component computes */
    unsigned char *judged;  /* SCOPE_JUDGED: per cell, a verdict reads its interval */

    /* scratch for one call, sized to the model at its start */
    size_t *radj0, *radjn, *radj; /* cell -> relations naming it (CSR) */
    unsigned *cmark, *rmark, stamp;
    size_t *qcells, *qrels; /* a walk's cells and relations */
    size_t nq, nqr;
    int *colof;             /* cell -> column (0: a constant) */
    int *ind;
    double *val;
    double *acc;
    unsigned *seen, seen_stamp;
    size_t *devfig;         /* deviation column -> figure (1-based) */
    size_t ndev, capdev;
    int *objcol;
    size_t nobj;
    int *keep;              /* infeasibility search: relation kept */
    unsigned char *figmark;
    size_t *cand;           /* figures that may be hidden next */

    glp_prob *lp;
    struct buf glpk_text;   /* what GLPK would have printed (errors only) */
    glp_smcp smcp;
    glp_iocp iocp;
};

/* ---- building ------------------------------------------------------------ */

/* The model changed: results are gone until the next audit. */
static void touch(struct audit *a)
{
    a->stale = 1;
    a->solved = 0;
}

static void misuse(struct audit *a, const char *fmt, const char *what, size_t idx)
{
    if (a->misused)
        return;
    a->misused = 1;
    struct imgo_err e = IMGO_ERR_INIT;
    imgo_err_set(&e, IMGO_EIO, fmt, what, idx);
    memcpy(a->misuse, e.msg, sizeof a->misuse);
}

static int bad_cell(struct audit *a, const char *fn, size_t c)
{
    if (c < a->ncells)
        return 0;
    misuse(a, "audit: %s names cell %zu, which does not exist", fn, c);
    return 1;
}

static int bad_fig(struct audit *a, const char *fn, size_t f)
{
    if (f < a->nfigs)
        return 0;
    misuse(a, "audit: %s names figure %zu, which does not exist", fn, f);
    return 1;
}

struct audit *audit_new(int min_cell)
{
    struct audit *a = xcalloc(1, sizeof *a);
    a->min_cell = min_cell;
    a->stale = 1;
    if (min_cell < 1)
        misuse(a, "audit: %s %zu is not a min_cell (1 or more)", "audit_new", (size_t)0);
    return a;
}

static void scratch_release(struct audit *a)
{
    FREE_AND_NULL(a->radj0);
    FREE_AND_NULL(a->radjn);
    FREE_AND_NULL(a->radj);
    FREE_AND_NULL(a->cmark);
    FREE_AND_NULL(a->rmark);
    FREE_AND_NULL(a->qcells);
    FREE_AND_NULL(a->qrels);
    FREE_AND_NULL(a->colof);
    FREE_AND_NULL(a->ind);
    FREE_AND_NULL(a->val);
    FREE_AND_NULL(a->acc);
    FREE_AND_NULL(a->seen);
    FREE_AND_NULL(a->devfig);
    FREE_AND_NULL(a->objcol);
    FREE_AND_NULL(a->keep);
    FREE_AND_NULL(a->figmark);
    FREE_AND_NULL(a->cand);
    FREE_AND_NULL(a->judged);
    a->ndev = a->capdev = 0;
}

void audit_free(struct audit *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->ncells; i++)
        free(a->cells[i].name);
    for (size_t i = 0; i < a->nrels; i++)
        free(a->rels[i].name);
    for (size_t i = 0; i < a->nfigs; i++)
        free(a->figs[i].name);
    free(a->cells);
    free(a->rels);
    free(a->tcell);
    free(a->tcoef);
    free(a->rates);
    free(a->figs);
    scratch_release(a);
    buf_release(&a->glpk_text);
    free(a);
}

#define GROW(arr, n, cap)                                               \
    do {                                                                \
        if ((n) == (cap)) {                                             \
            (cap) = (cap) ? 2 * (cap) : 64;                             \
            (arr) = xrealloc((arr), (cap) * sizeof *(arr));             \
        }                                                               \
    } while (0)

size_t audit_cell(struct audit *a, const char *name, unsigned flags, long truth)
{
    GROW(a->cells, a->ncells, a->capc);
    struct cell *c = &a->cells[a->ncells];
    memset(c, 0, sizeof *c);
    c->name = xstrdup(name ? name : "");
    c->flags = flags;
    c->truth = truth;
    c->lo = 0;
    c->hi = AUDIT_NO_UPPER;
    c->pub = PUB_HIDDEN;
    c->fig = AUDIT_NONE;
    touch(a);
    return a->ncells++;
}

void audit_cell_need(struct audit *a, size_t cell, long lo, long hi)
{
    if (bad_cell(a, "audit_cell_need", cell))
        return;
    a->cells[cell].need_lo = lo;
    a->cells[cell].need_hi = hi;
    touch(a);
}

void audit_cell_not_small(struct audit *a, size_t cell)
{
    if (bad_cell(a, "audit_cell_not_small", cell))
        return;
    a->cells[cell].not_small = 1;
    touch(a);
}

/* The range rule 1 asks a small count's interval to hold. */
static long need_lo(const struct audit *a, const struct cell *x)
{
    return x->need_hi ? x->need_lo : 1;
    (void)a;
}

static long need_hi(const struct audit *a, const struct cell *x)
{
    return x->need_hi ? x->need_hi : a->min_cell - 1;
}

void audit_cell_bounds(struct audit *a, size_t cell, long lo, long hi)
{
    if (bad_cell(a, "audit_cell_bounds", cell))
        return;
    if (lo < 0 || hi < lo) {
        misuse(a, "audit: %s: cell %zu gets empty or negative bounds", "audit_cell_bounds", cell);
        return;
    }
    a->cells[cell].lo = lo;
    a->cells[cell].hi = hi;
    touch(a);
}

void audit_cell_exact(struct audit *a, size_t cell, double v)
{
    if (bad_cell(a, "audit_cell_exact", cell))
        return;
    if (!isfinite(v)) {
        misuse(a, "audit: %s: cell %zu gets a value that is not a number", "audit_cell_exact", cell);
        return;
    }
    a->cells[cell].pub = PUB_EXACT;
    a->cells[cell].v = v;
    touch(a);
}

void audit_cell_range(struct audit *a, size_t cell, double lo, double hi)
{
    if (bad_cell(a, "audit_cell_range", cell))
        return;
    if (isnan(lo) || isnan(hi) || lo > hi || lo == INFINITY || hi == -INFINITY) {
        misuse(a, "audit: %s: cell %zu gets an empty or undefined interval", "audit_cell_range", cell);
        return;
    }
    a->cells[cell].pub = PUB_RANGE;
    a->cells[cell].vlo = lo;
    a->cells[cell].vhi = hi;
    touch(a);
}

void audit_cell_hidden(struct audit *a, size_t cell)
{
    if (bad_cell(a, "audit_cell_hidden", cell))
        return;
    a->cells[cell].pub = PUB_HIDDEN;
    touch(a);
}

size_t audit_relation(struct audit *a, const char *name, enum audit_op op, double rhs, size_t nterms,
                      const size_t *cells, const double *coefs)
{
    for (size_t i = 0; i < nterms; i++) {
        if (bad_cell(a, "audit_relation", cells[i]))
            return AUDIT_NONE;
        if (!isfinite(coefs[i])) {
            misuse(a, "audit: %s: a coefficient of relation %zu is not a number", "audit_relation", a->nrels);
            return AUDIT_NONE;
        }
    }
    if (!isfinite(rhs) || (op != AUDIT_EQ && op != AUDIT_LE && op != AUDIT_GE)) {
        misuse(a, "audit: %s: relation %zu has no valid operator or right-hand side", "audit_relation", a->nrels);
        return AUDIT_NONE;
    }
    GROW(a->rels, a->nrels, a->capr);
    for (size_t i = 0; i < nterms; i++) {
        if (a->nterms == a->capt) {
            a->capt = a->capt ? 2 * a->capt : 256;
            a->tcell = xrealloc(a->tcell, a->capt * sizeof *a->tcell);
            a->tcoef = xrealloc(a->tcoef, a->capt * sizeof *a->tcoef);
        }
        a->tcell[a->nterms] = cells[i];
        a->tcoef[a->nterms] = coefs[i];
        a->nterms++;
    }
    struct rel *r = &a->rels[a->nrels];
    r->name = xstrdup(name ? name : "");
    r->op = op;
    r->rhs = rhs;
    r->t0 = a->nterms - nterms;
    r->nt = nterms;
    r->fig = AUDIT_NONE;
    touch(a);
    return a->nrels++;
}

size_t audit_sum(struct audit *a, const char *name, size_t total, size_t nparts, const size_t *parts)
{
    size_t *c = xmalloc((nparts + 1) * sizeof *c);
    double *k = xmalloc((nparts + 1) * sizeof *k);
    c[0] = total;
    k[0] = 1;
    for (size_t i = 0; i < nparts; i++) {
        c[i + 1] = parts[i];
        k[i + 1] = -1;
    }
    size_t r = audit_relation(a, name, AUDIT_EQ, 0, nparts + 1, c, k);
    free(c);
    free(k);
    return r;
}

size_t audit_fixed(struct audit *a, const char *name, size_t cell, long value)
{
    double one = 1;
    return audit_relation(a, name, AUDIT_EQ, (double)value, 1, &cell, &one);
}

size_t audit_rate(struct audit *a, const char *name, size_t k, size_t n)
{
    size_t c[2] = { k, n };
    double co[2] = { 1, -1 };
    size_t r = audit_relation(a, name, AUDIT_LE, 0, 2, c, co);
    if (r == AUDIT_NONE)
        return r;
    GROW(a->rates, a->nrates, a->caprt);
    a->rates[a->nrates].k = k;
    a->rates[a->nrates].n = n;
    a->rates[a->nrates].gap = 0;
    a->nrates++;
    return r;
}

void audit_rate_shown(struct audit *a, const char *name, size_t k, size_t n, double vlo, double vhi,
                      size_t figure)
{
    if (figure != AUDIT_NONE && bad_fig(a, "audit_rate_shown", figure))
        return;
    if (!isfinite(vlo) || !isfinite(vhi) || vlo > vhi) {
        misuse(a, "audit: %s: rate %zu gets an empty or undefined interval", "audit_rate_shown", a->nrels);
        return;
    }
    struct buf b = BUF_INIT;
    size_t c[2] = { k, n };
    double lo[2] = { 1, -vlo }, hi[2] = { 1, -vhi };
    size_t r[3];
    buf_addf(&b, "%s (rate at least %.10g)", name ? name : "", vlo);
    r[0] = audit_relation(a, buf_str(&b), AUDIT_GE, 0, 2, c, lo);
    buf_reset(&b);
    buf_addf(&b, "%s (rate at most %.10g)", name ? name : "", vhi);
    r[1] = audit_relation(a, buf_str(&b), AUDIT_LE, 0, 2, c, hi);
    buf_reset(&b);
    buf_addf(&b, "%s (a rate is printed, so n >= 1)", name ? name : "");
    double one = 1;
    r[2] = audit_relation(a, buf_str(&b), AUDIT_GE, 1, 1, &n, &one);
    buf_release(&b);
    for (int i = 0; i < 3; i++)
        if (r[i] != AUDIT_NONE)
            a->rels[r[i]].fig = figure;
}

void audit_relation_figure(struct audit *a, size_t rel, size_t figure)
{
    if (rel >= a->nrels) {
        misuse(a, "audit: %s names relation %zu, which does not exist", "audit_relation_figure", rel);
        return;
    }
    if (bad_fig(a, "audit_relation_figure", figure))
        return;
    a->rels[rel].fig = figure;
    touch(a);
}

size_t audit_figure(struct audit *a, const char *name, double cost, unsigned flags)
{
    GROW(a->figs, a->nfigs, a->capf);
    struct fig *f = &a->figs[a->nfigs];
    memset(f, 0, sizeof *f);
    f->name = xstrdup(name ? name : "");
    f->cost = isnan(cost) ? -1 : cost;
    f->flags = flags;
    f->reason = AUDIT_VISIBLE;
    f->protects = AUDIT_NONE;
    return a->nfigs++;
}

void audit_figure_cell(struct audit *a, size_t figure, size_t cell)
{
    if (bad_fig(a, "audit_figure_cell", figure) || bad_cell(a, "audit_figure_cell", cell))
        return;
    if (a->cells[cell].fig != AUDIT_NONE && a->cells[cell].fig != figure) {
        misuse(a, "audit: %s: cell %zu is already in another figure", "audit_figure_cell", cell);
        return;
    }
    a->cells[cell].fig = figure;
    touch(a);
}

static void mark_fig_dirty(struct audit *a, size_t f)
{
    for (size_t i = 0; i < a->ncells; i++)
        if (a->cells[i].fig == f)
            a->cells[i].dirty = 1;
    for (size_t r = 0; r < a->nrels; r++)
        if (a->rels[r].fig == f)
            for (size_t t = a->rels[r].t0; t < a->rels[r].t0 + a->rels[r].nt; t++)
                a->cells[a->tcell[t]].dirty = 1;
}

/* Figure f is shown again: its cells turn into published constants, which
 * can split the components they joined, and the relations it publishes
 * hold again. The cells sharing a relation with one of its cells must be
 * solved again with those of its own relations; every other component
 * keeps its intervals. */
static void mark_shown_dirty(struct audit *a, size_t f)
{
    mark_fig_dirty(a, f);
    for (size_t c = 0; c < a->ncells; c++) {
        if (a->cells[c].fig != f)
            continue;
        for (size_t i = a->radj0[c]; i < a->radj0[c] + a->radjn[c]; i++) {
            const struct rel *r = &a->rels[a->radj[i]];
            for (size_t t = r->t0; t < r->t0 + r->nt; t++)
                a->cells[a->tcell[t]].dirty = 1;
        }
    }
}

void audit_figure_hide(struct audit *a, size_t figure)
{
    if (bad_fig(a, "audit_figure_hide", figure))
        return;
    if (!a->figs[figure].hidden) {
        a->figs[figure].hidden = 1;
        a->figs[figure].reason = AUDIT_GIVEN;
    }
    touch(a);
}

/* ---- the state of cells and relations ----------------------------------- */

static int eff_pub(const struct audit *a, size_t c)
{
    const struct cell *x = &a->cells[c];
    if (x->fig != AUDIT_NONE && a->figs[x->fig].hidden)
        return PUB_HIDDEN;
    return x->pub;
}

static int is_var(const struct audit *a, size_t c)
{
    return eff_pub(a, c) != PUB_EXACT;
}

static int rel_active(const struct audit *a, size_t r)
{
    return a->rels[r].fig == AUDIT_NONE || !a->figs[a->rels[r].fig].hidden;
}

/* A shown figure that audit_suppress may hide. */
static int hideable(const struct audit *a, size_t f)
{
    return f != AUDIT_NONE && !a->figs[f].hidden && !(a->figs[f].flags & AUDIT_KEEP) && !a->figs[f].empty;
}

static int small(const struct audit *a, long truth)
{
    return truth != AUDIT_NO_TRUTH && truth >= 1 && truth <= a->min_cell - 1;
}

/* Rule 1 judges cell c (when hidden): a count that is small, or without a
 * true value one no label says is not small. */
static int rule1_applies(const struct audit *a, size_t c)
{
    const struct cell *x = &a->cells[c];
    if (!(x->flags & AUDIT_COUNT) || a->min_cell <= 1)
        return 0;
    return x->truth == AUDIT_NO_TRUTH ? !x->not_small : small(a, x->truth);
}

/* Marks in a->judged the cells whose intervals a verdict can read: the
 * counts rule 1 applies to, and the k (with the n, when its true value is
 * not given) of each rate rule 2 may apply to. */
static void mark_judged(struct audit *a)
{
    free(a->judged);
    a->judged = xcalloc(a->ncells + 1, 1);
    for (size_t c = 0; c < a->ncells; c++)
        a->judged[c] = (unsigned char)rule1_applies(a, c);
    for (size_t q = 0; q < a->nrates; q++) {
        const struct cell *n = &a->cells[a->rates[q].n];
        if (n->truth == AUDIT_NO_TRUTH)
            a->judged[a->rates[q].k] = a->judged[a->rates[q].n] = 1;
        else if (small(a, n->truth))
            a->judged[a->rates[q].k] = 1;
    }
}

/* Whether solve_component computes the interval of cell c. */
static int in_scope(const struct audit *a, size_t c)
{
    switch (a->scope) {
    case SCOPE_RULE1:
        return eff_pub(a, c) == PUB_HIDDEN && rule1_applies(a, c);
    case SCOPE_JUDGED:
        return a->judged[c];
    default:
        return 1;
    }
}

/* ---- scratch and the walk over components ------------------------------- */

static void scratch_init(struct audit *a)
{
    scratch_release(a);
    size_t nc = a->ncells, nr = a->nrels;
    /* cell -> the relations naming it, each once, in order of creation */
    a->radj0 = xcalloc(nc + 1, sizeof *a->radj0);
    a->radjn = xcalloc(nc + 1, sizeof *a->radjn);
    a->radj = xmalloc((a->nterms + 1) * sizeof *a->radj);
    for (size_t t = 0; t < a->nterms; t++)
        a->radj0[a->tcell[t] + 1]++;
    for (size_t i = 0; i < nc; i++)
        a->radj0[i + 1] += a->radj0[i];
    for (size_t r = 0; r < nr; r++)
        for (size_t t = a->rels[r].t0; t < a->rels[r].t0 + a->rels[r].nt; t++) {
            size_t c = a->tcell[t], n = a->radjn[c];
            if (n && a->radj[a->radj0[c] + n - 1] == r)
                continue;
            a->radj[a->radj0[c] + a->radjn[c]++] = r;
        }
    a->cmark = xcalloc(nc + 1, sizeof *a->cmark);
    a->rmark = xcalloc(nr + 1, sizeof *a->rmark);
    a->qcells = xmalloc((nc + 1) * sizeof *a->qcells);
    a->qrels = xmalloc((nr + 1) * sizeof *a->qrels);
    a->colof = xcalloc(nc + 1, sizeof *a->colof);
    /* a row holds each cell once, plus two deviation columns */
    a->ind = xmalloc((nc + 3) * sizeof *a->ind);
    a->val = xmalloc((nc + 3) * sizeof *a->val);
    a->acc = xcalloc(nc + 2, sizeof *a->acc);
    a->seen = xcalloc(nc + 2, sizeof *a->seen);
    a->objcol = xmalloc((nc + 3) * sizeof *a->objcol);
    a->keep = xmalloc((nr + 1) * sizeof *a->keep);
    a->figmark = xcalloc(a->nfigs + 1, 1);
    a->cand = xmalloc((a->nfigs + 1) * sizeof *a->cand);
    a->stamp = a->seen_stamp = 0;
    a->nobj = 0;
}

/* Modes of a walk, both through the relations the attacker knows: the
 * attacker's (over the cells not published exactly) or the deviation
 * model's (also over the shown cells of hideable figures). */
enum walk { WALK_ATTACKER, WALK_DEVIATION };

static int walk_free(const struct audit *a, size_t c, enum walk mode)
{
    if (is_var(a, c))
        return 1;
    return mode == WALK_DEVIATION && hideable(a, a->cells[c].fig);
}

/* The component of seed: a->qcells[0..nq), a->qrels[0..nqr). With keep_marks
 * the marks of earlier walks stay (a pass over every component). */
static void walk(struct audit *a, size_t seed, enum walk mode, int keep_marks)
{
    if (!keep_marks)
        a->stamp++;
    unsigned s = a->stamp;
    a->nq = a->nqr = 0;
    a->qcells[a->nq++] = seed;
    a->cmark[seed] = s;
    for (size_t h = 0; h < a->nq; h++) {
        size_t c = a->qcells[h];
        for (size_t i = a->radj0[c]; i < a->radj0[c] + a->radjn[c]; i++) {
            size_t r = a->radj[i];
            if (a->rmark[r] == s || !rel_active(a, r))
                continue;
            a->rmark[r] = s;
            a->qrels[a->nqr++] = r;
            for (size_t t = a->rels[r].t0; t < a->rels[r].t0 + a->rels[r].nt; t++) {
                size_t d = a->tcell[t];
                if (a->cmark[d] != s && walk_free(a, d, mode)) {
                    a->cmark[d] = s;
                    a->qcells[a->nq++] = d;
                }
            }
        }
    }
}

/* ---- GLPK ------------------------------------------------------------------ */

static const char *glpk_code(int rc)
{
    switch (rc) {
    case GLP_EBADB: return "invalid basis";
    case GLP_ESING: return "singular basis matrix";
    case GLP_ECOND: return "ill-conditioned basis matrix";
    case GLP_EBOUND: return "invalid bounds";
    case GLP_EFAIL: return "solver failure";
    case GLP_EITLIM: return "iteration limit";
    case GLP_ETMLIM: return "time limit";
    case GLP_EROOT: return "no optimal basis of the relaxation";
    case GLP_ENOPFS: return "no primal feasible solution";
    case GLP_ENODFS: return "no dual feasible solution";
    case GLP_EMIPGAP: return "gap tolerance reached";
    case GLP_ESTOP: return "stopped";
    default: return "unknown error";
    }
}

/* Long values of LP optima: unbounded above is AUDIT_NO_UPPER. */
static long to_long(double v)
{
    if (v >= 9e18)
        return AUDIT_NO_UPPER;
    if (v <= -9e18)
        return LONG_MIN + 1;
    return (long)llround(v);
}

static double col_lo(const struct cell *x, int pub)
{
    double lo = (double)x->lo;
    if (pub == PUB_RANGE)
        lo = fmax(lo, ceil(x->vlo - 1e-9));
    return lo;
}

static double col_hi(const struct cell *x, int pub)
{
    double hi = x->hi == AUDIT_NO_UPPER ? INFINITY : (double)x->hi;
    if (pub == PUB_RANGE)
        hi = fmin(hi, floor(x->vhi + 1e-9));
    return hi;
}

static void set_bounds(glp_prob *lp, int j, double lo, double hi)
{
    if (isinf(hi))
        glp_set_col_bnds(lp, j, GLP_LO, lo, 0);
    else if (lo == hi)
        glp_set_col_bnds(lp, j, GLP_FX, lo, hi);
    else
        glp_set_col_bnds(lp, j, GLP_DB, lo, hi);
}

static void lp_reset(struct audit *a)
{
    if (!a->lp)
        a->lp = glp_create_prob();
    else
        glp_erase_prob(a->lp);
    a->nobj = 0;
    a->ndev = 0;
}

/* Columns for the walk's cells in the attacker's model (or, for
 * WALK_DEVIATION, every free cell of the walk). */
static void add_cell_cols(struct audit *a, int integer, enum walk mode)
{
    int first = glp_add_cols(a->lp, (int)a->nq);
    for (size_t i = 0; i < a->nq; i++) {
        size_t c = a->qcells[i];
        int j = first + (int)i;
        const struct cell *x = &a->cells[c];
        int pub = eff_pub(a, c);
        a->colof[c] = j;
        if (integer)
            glp_set_col_kind(a->lp, j, GLP_IV);
        /* in the deviation model a shown cell of a hideable figure moves
         * through its deviation row, within its own bounds */
        if (mode == WALK_DEVIATION && pub != PUB_HIDDEN && hideable(a, x->fig))
            pub = PUB_HIDDEN;
        set_bounds(a->lp, j, col_lo(x, pub), col_hi(x, pub));
    }
}

static void clear_cols(struct audit *a)
{
    for (size_t i = 0; i < a->nq; i++)
        a->colof[a->qcells[i]] = 0;
}

/* Relation r as a row: its column terms merged into a->ind/a->val (count
 * returned), the constant part moved to *rhs. */
static int row_terms(struct audit *a, size_t r, double *rhs)
{
    const struct rel *x = &a->rels[r];
    double konst = 0;
    int nz = 0;
    unsigned s = ++a->seen_stamp;
    for (size_t t = x->t0; t < x->t0 + x->nt; t++) {
        size_t c = a->tcell[t];
        int j = a->colof[c];
        if (j) {
            if (a->seen[j] != s) {
                a->seen[j] = s;
                a->acc[j] = 0;
                a->ind[++nz] = j;
            }
            a->acc[j] += a->tcoef[t];
        } else {
            konst += a->tcoef[t] * a->cells[c].v;
        }
    }
    int m = 0;
    for (int i = 1; i <= nz; i++) {
        int j = a->ind[i];
        if (fabs(a->acc[j]) > 1e-12) {
            a->ind[++m] = j;
            a->val[m] = a->acc[j];
        }
    }
    *rhs = x->rhs - konst;
    return m;
}

static int holds(enum audit_op op, double lhs, double rhs)
{
    double tol = 1e-9 * (1 + fabs(lhs) + fabs(rhs));
    switch (op) {
    case AUDIT_EQ: return fabs(lhs - rhs) <= tol;
    case AUDIT_LE: return lhs <= rhs + tol;
    default: return lhs >= rhs - tol;
    }
}

static void set_row(glp_prob *lp, int i, enum audit_op op, double rhs)
{
    if (op == AUDIT_EQ)
        glp_set_row_bnds(lp, i, GLP_FX, rhs, rhs);
    else if (op == AUDIT_LE)
        glp_set_row_bnds(lp, i, GLP_UP, 0, rhs);
    else
        glp_set_row_bnds(lp, i, GLP_LO, rhs, 0);
}

/* The attacker's problem for the walk's cells and relations (those with
 * a->keep[r] when use_keep). Returns 0, or 1 when a relation without
 * variables does not hold (the problem is infeasible as it stands). */
static int build_attacker(struct audit *a, int use_keep)
{
    lp_reset(a);
    add_cell_cols(a, 1, WALK_ATTACKER);
    int bad = 0;
    for (size_t i = 0; i < a->nqr; i++) {
        size_t r = a->qrels[i];
        if (use_keep && !a->keep[r])
            continue;
        double rhs;
        int nz = row_terms(a, r, &rhs);
        if (!nz) {
            if (!holds(a->rels[r].op, 0, rhs))
                bad = 1;
            continue;
        }
        int row = glp_add_rows(a->lp, 1);
        glp_set_mat_row(a->lp, row, nz, a->ind, a->val);
        set_row(a->lp, row, a->rels[r].op, rhs);
    }
    return bad;
}

/* The simplex, retried once from a fresh basis when the last one fails.
 * *status: GLP_OPT, GLP_NOFEAS or GLP_UNBND. */
static int lp_simplex(struct audit *a, int *status, struct imgo_err *err)
{
    int rc = glp_simplex(a->lp, &a->smcp);
    if (rc == GLP_EBADB || rc == GLP_ESING || rc == GLP_ECOND || rc == GLP_EFAIL) {
        glp_std_basis(a->lp);
        rc = glp_simplex(a->lp, &a->smcp);
    }
    if (rc)
        return imgo_err_set(err, IMGO_EIO, "audit: glpk simplex failed: %s", glpk_code(rc));
    int st = glp_get_status(a->lp);
    if (st == GLP_OPT || st == GLP_NOFEAS || st == GLP_UNBND) {
        *status = st;
        return IMGO_OK;
    }
    /* primal infeasible with a dual ray, or undefined: ask again from the
     * standard basis before giving up */
    if (st == GLP_INFEAS || st == GLP_UNDEF) {
        glp_std_basis(a->lp);
        rc = glp_simplex(a->lp, &a->smcp);
        st = rc ? GLP_UNDEF : glp_get_status(a->lp);
        if (st == GLP_OPT || st == GLP_NOFEAS || st == GLP_UNBND) {
            *status = st;
            return IMGO_OK;
        }
    }
    return imgo_err_set(err, IMGO_EIO, "audit: glpk simplex ended without a verdict (status %d)", st);
}

static int lp_integral(struct audit *a)
{
    int n = glp_get_num_cols(a->lp);
    for (int j = 1; j <= n; j++) {
        if (glp_get_col_kind(a->lp, j) != GLP_IV)
            continue;
        double v = glp_get_col_prim(a->lp, j);
        if (fabs(v - nearbyint(v)) > 1e-7 * fmax(1, fabs(v)))
            return 0;
    }
    return 1;
}

/* The simplex of a new problem through GLPK's presolver (a deviation model
 * holds mostly published constants, which it removes), falling back to
 * lp_simplex when the presolver cannot settle it. *status as lp_simplex. */
static int lp_simplex_presolved(struct audit *a, int *status, struct imgo_err *err)
{
    a->smcp.presolve = GLP_ON;
    int rc = glp_simplex(a->lp, &a->smcp);
    a->smcp.presolve = GLP_OFF;
    if (rc == GLP_ENOPFS) {
        *status = GLP_NOFEAS;
        return IMGO_OK;
    }
    if (!rc) {
        int st = glp_get_status(a->lp);
        if (st == GLP_OPT || st == GLP_NOFEAS || st == GLP_UNBND) {
            *status = st;
            return IMGO_OK;
        }
    }
    glp_std_basis(a->lp);
    return lp_simplex(a, status, err);
}

/* Integer optimum over the current problem, whose LP relaxation has just
 * been solved to optimality. *status: GLP_OPT or GLP_NOFEAS. */
static int lp_intopt(struct audit *a, int *status, double *obj, struct imgo_err *err)
{
    int rc = glp_intopt(a->lp, &a->iocp);
    if (rc)
        return imgo_err_set(err, IMGO_EIO, "audit: glpk branch-and-bound failed: %s", glpk_code(rc));
    int st = glp_mip_status(a->lp);
    if (st == GLP_OPT) {
        *status = GLP_OPT;
        *obj = glp_mip_obj_val(a->lp);
        return IMGO_OK;
    }
    if (st == GLP_NOFEAS) {
        *status = GLP_NOFEAS;
        return IMGO_OK;
    }
    return imgo_err_set(err, IMGO_EIO, "audit: glpk branch-and-bound ended without a verdict (status %d)", st);
}

static void set_objective(struct audit *a, int dir, int n, const int *cols, const double *coefs)
{
    for (size_t i = 0; i < a->nobj; i++)
        glp_set_obj_coef(a->lp, a->objcol[i], 0);
    a->nobj = 0;
    for (int i = 0; i < n; i++) {
        glp_set_obj_coef(a->lp, cols[i], coefs[i]);
        a->objcol[a->nobj++] = cols[i];
    }
    glp_set_obj_dir(a->lp, dir);
}

/* Is there an integer point? */
static int lp_feasible(struct audit *a, int *ok, struct imgo_err *err)
{
    set_objective(a, GLP_MIN, 0, NULL, NULL);
    int st, rc = lp_simplex(a, &st, err);
    if (rc)
        return rc;
    if (st == GLP_NOFEAS) {
        *ok = 0;
        return IMGO_OK;
    }
    if (st == GLP_OPT && lp_integral(a)) {
        *ok = 1;
        return IMGO_OK;
    }
    double obj;
    if (st != GLP_OPT)
        return imgo_err_set(err, IMGO_EIO, "audit: a problem without objective is unbounded");
    rc = lp_intopt(a, &st, &obj, err);
    if (rc)
        return rc;
    *ok = st == GLP_OPT;
    return IMGO_OK;
}

/* The integer optimum of sum(coefs * cols) in direction dir: *v, or
 * +-INFINITY when unbounded. The problem is known to be feasible. */
static int lp_optimize(struct audit *a, int dir, int n, const int *cols, const double *coefs, double *v,
                       struct imgo_err *err)
{
    set_objective(a, dir, n, cols, coefs);
    int st, rc = lp_simplex(a, &st, err);
    if (rc)
        return rc;
    if (st == GLP_UNBND) {
        *v = dir == GLP_MAX ? INFINITY : -INFINITY;
        return IMGO_OK;
    }
    if (st != GLP_OPT)
        return imgo_err_set(err, IMGO_EIO, "audit: a feasible problem became infeasible");
    if (lp_integral(a)) {
        *v = nearbyint(glp_get_obj_val(a->lp));
        return IMGO_OK;
    }
    double obj;
    rc = lp_intopt(a, &st, &obj, err);
    if (rc)
        return rc;
    if (st != GLP_OPT)
        return imgo_err_set(err, IMGO_EIO, "audit: a feasible problem has no integer optimum");
    *v = nearbyint(obj);
    return IMGO_OK;
}

/* ---- contradictions ---------------------------------------------------------- */

/* Published values that break a cell's own bounds or are not counts. */
static int check_cells(struct audit *a, struct imgo_err *err)
{
    for (size_t c = 0; c < a->ncells; c++) {
        const struct cell *x = &a->cells[c];
        int pub = eff_pub(a, c);
        if (pub == PUB_EXACT) {
            if (fabs(x->v - nearbyint(x->v)) > 1e-9)
                return imgo_err_set(err, IMGO_EDATA, "'%s' is published as %.10g, which is not a whole number",
                                    x->name, x->v);
            if (x->v < (double)x->lo - 1e-9 || (x->hi != AUDIT_NO_UPPER && x->v > (double)x->hi + 1e-9))
                return imgo_err_set(err, IMGO_EDATA, "'%s' is published as %.10g, outside its bounds", x->name,
                                    x->v);
        } else if (col_lo(x, pub) > col_hi(x, pub)) {
            return imgo_err_set(err, IMGO_EDATA, "'%s' is published as a value in [%.10g, %.10g], which holds no "
                                "whole number within its bounds", x->name, x->vlo, x->vhi);
        }
    }
    return IMGO_OK;
}

static void name_relations(struct audit *a, struct buf *b, const size_t *rs, size_t n)
{
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (shown == 8) {
            buf_addf(b, " and %zu more", n - shown);
            break;
        }
        buf_addf(b, "%s'%s'", shown ? (i + 1 == n ? " and " : ", ") : "", a->rels[rs[i]].name);
        shown++;
    }
}

/* Relations among published values only that do not hold. */
static int check_constants(struct audit *a, struct imgo_err *err)
{
    for (size_t r = 0; r < a->nrels; r++) {
        if (!rel_active(a, r))
            continue;
        const struct rel *x = &a->rels[r];
        double lhs = 0;
        int var = 0;
        for (size_t t = x->t0; t < x->t0 + x->nt; t++) {
            if (is_var(a, a->tcell[t])) {
                var = 1;
                break;
            }
            lhs += a->tcoef[t] * a->cells[a->tcell[t]].v;
        }
        if (!var && !holds(x->op, lhs, x->rhs))
            return imgo_err_set(err, IMGO_EDATA, "the published numbers contradict relation '%s' (%.10g %s %.10g)",
                                x->name, lhs, x->op == AUDIT_EQ ? "!=" : x->op == AUDIT_LE ? ">" : "<", x->rhs);
    }
    return IMGO_OK;
}

/* The component in a->qcells/qrels has no integer point: find relations
 * that cannot all hold (a deletion filter: drop each relation in turn and
 * keep it out while the rest still contradict each other). */
static int explain_infeasible(struct audit *a, struct imgo_err *err)
{
    for (size_t i = 0; i < a->nqr; i++)
        a->keep[a->qrels[i]] = 1;
    for (size_t i = 0; i < a->nqr; i++) {
        size_t r = a->qrels[i];
        a->keep[r] = 0;
        int ok = 0;
        if (!build_attacker(a, 1)) {
            int rc = lp_feasible(a, &ok, err);
            if (rc) {
                clear_cols(a);
                return rc;
            }
        }
        clear_cols(a);
        if (ok)
            a->keep[r] = 1; /* needed for the contradiction */
    }
    size_t n = 0;
    for (size_t i = 0; i < a->nqr; i++)
        if (a->keep[a->qrels[i]])
            a->qrels[n++] = a->qrels[i];
    struct buf b = BUF_INIT;
    if (!n) {
        buf_adds(&b, "the published values of ");
        for (size_t i = 0; i < a->nq && i < 8; i++)
            buf_addf(&b, "%s'%s'", i ? ", " : "", a->cells[a->qcells[i]].name);
        buf_adds(&b, " contradict their bounds");
    } else {
        buf_adds(&b, "the published numbers contradict each other: ");
        name_relations(a, &b, a->qrels, n);
        buf_adds(&b, n == 1 ? " cannot hold" : " cannot all hold");
    }
    imgo_err_set(err, IMGO_EDATA, "%s", buf_str(&b));
    buf_release(&b);
    return IMGO_EDATA;
}

/* ---- intervals ----------------------------------------------------------------- */

/* Solves the component now in a->qcells: every cell's interval and every
 * rate gap whose k is in it. */
static int solve_component(struct audit *a, struct imgo_err *err)
{
    int ok = 0, rc;
    if (build_attacker(a, 0)) {
        clear_cols(a);
        return explain_infeasible(a, err);
    }
    glp_scale_prob(a->lp, GLP_SF_AUTO);
    rc = lp_feasible(a, &ok, err);
    if (rc)
        goto out;
    if (!ok) {
        clear_cols(a);
        return explain_infeasible(a, err);
    }
    for (size_t i = 0; i < a->nq; i++) {
        size_t c = a->qcells[i];
        int j = a->colof[c];
        double one = 1, lo, hi;
        if (!in_scope(a, c)) {
            /* not asked for: its bounds alone */
            a->cells[c].rlo = a->cells[c].lo;
            a->cells[c].rhi = AUDIT_NO_UPPER;
            a->cells[c].dirty = 0;
            continue;
        }
        if ((rc = lp_optimize(a, GLP_MIN, 1, &j, &one, &lo, err)) != 0)
            goto out;
        if ((rc = lp_optimize(a, GLP_MAX, 1, &j, &one, &hi, err)) != 0)
            goto out;
        a->cells[c].rlo = to_long(lo);
        a->cells[c].rhi = isinf(hi) ? AUDIT_NO_UPPER : to_long(hi);
        a->cells[c].dirty = 0;
    }
    for (size_t q = 0; q < a->nrates && a->scope != SCOPE_RULE1; q++) {
        struct rate *x = &a->rates[q];
        int jk = a->colof[x->k], jn = a->colof[x->n];
        if (!jk || !in_scope(a, x->k))
            continue;
        if (!jn) {
            x->gap = to_long(a->cells[x->n].v) - a->cells[x->k].rlo;
            continue;
        }
        int cols[2] = { jn, jk };
        double co[2] = { 1, -1 }, g;
        if ((rc = lp_optimize(a, GLP_MAX, 2, cols, co, &g, err)) != 0)
            goto out;
        x->gap = isinf(g) ? AUDIT_NO_UPPER : to_long(g);
    }
out:
    clear_cols(a);
    return rc;
}

/* The verdict of every cell from the intervals in place. */
static void judge(struct audit *a)
{
    int m = a->min_cell;
    for (size_t c = 0; c < a->ncells; c++) {
        struct cell *x = &a->cells[c];
        int pub = eff_pub(a, c);
        x->fails = 0;
        if (pub == PUB_EXACT) {
            x->rlo = x->rhi = to_long(x->v);
            x->verdict = AUDIT_SHOWN;
            continue;
        }
        if (pub == PUB_RANGE) {
            x->verdict = AUDIT_SHOWN;
            continue;
        }
        x->verdict = AUDIT_NO_SECRET;
        if ((x->flags & AUDIT_COUNT) && m > 1) {
            int applies = x->truth == AUDIT_NO_TRUTH ? !x->not_small : small(a, x->truth);
            int safe = x->rlo <= need_lo(a, x) && x->rhi >= need_hi(a, x);
            if (x->truth == AUDIT_NO_TRUTH)
                safe = safe || x->rhi == 0 || x->rlo >= m;
            if (applies) {
                x->verdict = AUDIT_SAFE;
                if (!safe)
                    x->fails |= x->rhi < need_hi(a, x) ? 1u << NEED_UP : 1u << NEED_DOWN;
            }
        }
    }
    for (size_t q = 0; q < a->nrates; q++) {
        const struct rate *r = &a->rates[q];
        struct cell *k = &a->cells[r->k], *n = &a->cells[r->n];
        if (eff_pub(a, r->k) != PUB_HIDDEN || m <= 1)
            continue;
        int applies = n->truth == AUDIT_NO_TRUTH ? n->rlo < m && n->rhi >= 1 : small(a, n->truth);
        if (!applies)
            continue;
        if (k->verdict == AUDIT_NO_SECRET)
            k->verdict = AUDIT_SAFE;
        if (k->rhi < 1)
            k->fails |= 1u << NEED_NONZERO;
        if (r->gap < 1)
            k->fails |= 1u << NEED_NOTALL;
    }
    for (size_t c = 0; c < a->ncells; c++) {
        struct cell *x = &a->cells[c];
        if (x->fails & (1u << NEED_UP | 1u << NEED_DOWN))
            x->verdict = AUDIT_LEAK_RANGE;
        else if (x->fails & (1u << NEED_NONZERO))
            x->verdict = AUDIT_LEAK_ZERO;
        else if (x->fails & (1u << NEED_NOTALL))
            x->verdict = AUDIT_LEAK_ALL;
    }
}

/* Every component with a dirty cell solved again, then the verdicts. */
static int check_all(struct audit *a, struct imgo_err *err)
{
    int rc = check_cells(a, err);
    if (!rc)
        rc = check_constants(a, err);
    if (rc)
        return rc;
    a->stamp++;
    for (size_t c = 0; c < a->ncells; c++) {
        if (a->cmark[c] == a->stamp || !is_var(a, c))
            continue;
        walk(a, c, WALK_ATTACKER, 1);
        int dirty = a->stale;
        for (size_t i = 0; i < a->nq && !dirty; i++)
            dirty = a->cells[a->qcells[i]].dirty;
        if (!dirty)
            continue;
        rc = solve_component(a, err);
        if (rc)
            return rc;
    }
    judge(a);
    a->solved = 1;
    a->stale = 0;
    return IMGO_OK;
}

/* ---- complementary suppression ----------------------------------------------- */

static void fig_defaults(struct audit *a)
{
    for (size_t f = 0; f < a->nfigs; f++) {
        a->figs[f].weight = -1;
        a->figs[f].empty = 0;
    }
    /* largest true count (else any true value) of each figure */
    double *bigc = xmalloc((a->nfigs + 1) * sizeof *bigc), *biga = xmalloc((a->nfigs + 1) * sizeof *biga);
    int *ncount = xcalloc(a->nfigs + 1, sizeof *ncount), *nzero = xcalloc(a->nfigs + 1, sizeof *nzero);
    for (size_t f = 0; f < a->nfigs; f++)
        bigc[f] = biga[f] = -1;
    for (size_t c = 0; c < a->ncells; c++) {
        const struct cell *x = &a->cells[c];
        if (x->fig == AUDIT_NONE || x->truth == AUDIT_NO_TRUTH)
            continue;
        biga[x->fig] = fmax(biga[x->fig], (double)x->truth);
        if (x->flags & AUDIT_COUNT) {
            bigc[x->fig] = fmax(bigc[x->fig], (double)x->truth);
            ncount[x->fig]++;
            nzero[x->fig] += x->truth == 0;
        }
    }
    for (size_t f = 0; f < a->nfigs; f++) {
        struct fig *g = &a->figs[f];
        g->empty = ncount[f] > 0 && nzero[f] == ncount[f];
        double w = g->cost >= 0 ? g->cost : bigc[f] >= 0 ? bigc[f] : biga[f] >= 0 ? biga[f] : 0;
        if (g->cost < 0 && (g->flags & AUDIT_HEADLINE))
            w += 1e9;
        g->weight = w;
    }
    free(bigc);
    free(biga);
    free(ncount);
    free(nzero);
}

static void hide_fig(struct audit *a, size_t f, enum audit_reason why, size_t protects)
{
    a->figs[f].hidden = 1;
    a->figs[f].reason = why;
    a->figs[f].protects = protects;
    mark_fig_dirty(a, f);
}

/* The objective of requirement need on cell c (a rate's k for the rate
 * requirements, whose n is rate q's): terms over cells, to maximise. */
struct goal {
    size_t cell[2];
    double coef[2];
    int n;
    double target;   /* the requirement holds when the maximum >= target */
};

static void goal_of(const struct audit *a, size_t c, enum need need, size_t q, struct goal *g)
{
    g->n = 1;
    g->cell[0] = c;
    switch (need) {
    case NEED_UP:
        g->coef[0] = 1;
        g->target = (double)need_hi(a, &a->cells[c]);
        break;
    case NEED_DOWN:
        g->coef[0] = -1;
        g->target = -(double)need_lo(a, &a->cells[c]);
        break;
    case NEED_NONZERO:
        g->coef[0] = 1;
        g->target = 1;
        break;
    case NEED_NOTALL:
        g->n = 2;
        g->cell[0] = a->rates[q].n;
        g->coef[0] = 1;
        g->cell[1] = c;
        g->coef[1] = -1;
        g->target = 1;
        break;
    }
}

/* The maximum of goal g over the attacker's component of its cell. */
static int goal_max(struct audit *a, const struct goal *g, double *v, struct imgo_err *err)
{
    walk(a, g->cell[g->n - 1], WALK_ATTACKER, 0);
    int rc = IMGO_OK;
    if (build_attacker(a, 0)) {
        clear_cols(a);
        return imgo_err_set(err, IMGO_EIO, "audit: hiding a figure made the published numbers contradict");
    }
    int cols[2], n = 0;
    double co[2], konst = 0;
    for (int i = 0; i < g->n; i++) {
        int j = a->colof[g->cell[i]];
        if (j) {
            cols[n] = j;
            co[n++] = g->coef[i];
        } else {
            konst += g->coef[i] * a->cells[g->cell[i]].v;
        }
    }
    int ok;
    rc = lp_feasible(a, &ok, err);
    if (!rc && !ok)
        rc = imgo_err_set(err, IMGO_EIO, "audit: hiding a figure made the published numbers contradict");
    if (!rc)
        rc = lp_optimize(a, GLP_MAX, n, cols, co, v, err);
    if (!rc)
        *v += konst;
    clear_cols(a);
    return rc;
}

/* The figures that may be hidden for cell c, into out: shown, hideable
 * figures holding a cell of a relation of c's component, or publishing one
 * of its relations; in order of weight, then of creation. Returns their
 * count. */
static size_t candidates(struct audit *a, size_t c, size_t *out)
{
    walk(a, c, WALK_ATTACKER, 0);
    size_t n = 0;
    memset(a->figmark, 0, a->nfigs + 1);
    for (size_t i = 0; i < a->nqr; i++) {
        const struct rel *r = &a->rels[a->qrels[i]];
        if (hideable(a, r->fig) && !a->figmark[r->fig]) {
            a->figmark[r->fig] = 1;
            out[n++] = r->fig;
        }
        for (size_t t = r->t0; t < r->t0 + r->nt; t++) {
            size_t f = a->cells[a->tcell[t]].fig;
            if (hideable(a, f) && !a->figmark[f]) {
                a->figmark[f] = 1;
                out[n++] = f;
            }
        }
    }
    /* by weight, then by creation (insertion sort: candidate lists are short) */
    for (size_t i = 1; i < n; i++) {
        size_t f = out[i], j = i;
        while (j > 0 && (a->figs[out[j - 1]].weight > a->figs[f].weight ||
                         (a->figs[out[j - 1]].weight == a->figs[f].weight && out[j - 1] > f))) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = f;
    }
    return n;
}

/* The deviation model: the published values of hideable figures may move,
 * at their weight per unit, and the relations they publish may break, at
 * the same price; find the cheapest movement that lets goal g reach its
 * target. The figures that move are hidden (marked in a->figmark). Returns
 * IMGO_OK with *found 0 when nothing moved. */
static int deviation(struct audit *a, const struct goal *g, int integer, int *found, struct imgo_err *err)
{
    walk(a, g->cell[g->n - 1], WALK_DEVIATION, 0);
    lp_reset(a);
    add_cell_cols(a, integer, WALK_DEVIATION);
    int rc = IMGO_OK;
    /* one deviation pair (up, down) per shown cell of a hideable figure */
    for (size_t i = 0; i < a->nq; i++) {
        size_t c = a->qcells[i];
        const struct cell *x = &a->cells[c];
        int pub = eff_pub(a, c);
        if (pub == PUB_HIDDEN || !hideable(a, x->fig))
            continue;
        double w = a->figs[x->fig].weight + 1;
        int j = glp_add_cols(a->lp, 2);
        for (int k = 0; k < 2; k++) {
            glp_set_col_bnds(a->lp, j + k, GLP_LO, 0, 0);
            glp_set_obj_coef(a->lp, j + k, w);
            GROW(a->devfig, a->ndev, a->capdev);
            a->devfig[a->ndev++] = x->fig;
        }
        int row = glp_add_rows(a->lp, 1);
        int ind[4] = { 0, a->colof[c], j, j + 1 };
        double val[4] = { 0, 1, -1, 1 };
        glp_set_mat_row(a->lp, row, 3, ind, val);
        if (pub == PUB_EXACT)
            glp_set_row_bnds(a->lp, row, GLP_FX, x->v, x->v);
        else if (isinf(x->vlo) && isinf(x->vhi))
            glp_set_row_bnds(a->lp, row, GLP_FR, 0, 0);
        else if (isinf(x->vhi))
            glp_set_row_bnds(a->lp, row, GLP_LO, x->vlo, 0);
        else if (isinf(x->vlo))
            glp_set_row_bnds(a->lp, row, GLP_UP, 0, x->vhi);
        else
            glp_set_row_bnds(a->lp, row, x->vlo == x->vhi ? GLP_FX : GLP_DB, x->vlo, x->vhi);
    }
    for (size_t i = 0; i < a->nqr; i++) {
        size_t r = a->qrels[i];
        double rhs;
        int nz = row_terms(a, r, &rhs);
        size_t f = a->rels[r].fig;
        int slack = hideable(a, f);
        if (!nz && !slack) {
            if (!holds(a->rels[r].op, 0, rhs))
                rc = imgo_err_set(err, IMGO_EIO, "audit: relation '%s' does not hold in the deviation model",
                                  a->rels[r].name);
            continue;
        }
        if (slack) {
            /* a published relation may break when its figure is hidden */
            double w = a->figs[f].weight + 1;
            int j = glp_add_cols(a->lp, 2);
            for (int k = 0; k < 2; k++) {
                glp_set_col_bnds(a->lp, j + k, GLP_LO, 0, 0);
                glp_set_obj_coef(a->lp, j + k, w);
                GROW(a->devfig, a->ndev, a->capdev);
                a->devfig[a->ndev++] = f;
                a->ind[++nz] = j + k;
                a->val[nz] = k ? -1 : 1;
            }
        }
        int row = glp_add_rows(a->lp, 1);
        glp_set_mat_row(a->lp, row, nz, a->ind, a->val);
        set_row(a->lp, row, a->rels[r].op, rhs);
    }
    if (rc)
        goto out;
    /* the goal reaches its target */
    {
        int ind[3] = { 0 }, nz = 0;
        double val[3] = { 0 }, konst = 0;
        for (int i = 0; i < g->n; i++) {
            int j = a->colof[g->cell[i]];
            if (j) {
                ind[++nz] = j;
                val[nz] = g->coef[i];
            } else {
                konst += g->coef[i] * a->cells[g->cell[i]].v;
            }
        }
        if (!nz) {
            *found = 0;
            goto out;
        }
        int row = glp_add_rows(a->lp, 1);
        glp_set_mat_row(a->lp, row, nz, ind, val);
        glp_set_row_bnds(a->lp, row, GLP_LO, g->target - konst, 0);
    }
    /* deviation columns come after the cell columns, in a->devfig order */
    glp_set_obj_dir(a->lp, GLP_MIN);
    int st;
    rc = lp_simplex_presolved(a, &st, err);
    if (rc)
        goto out;
    if (st == GLP_OPT && integer) {
        double obj;
        rc = lp_intopt(a, &st, &obj, err);
        if (rc)
            goto out;
    }
    *found = 0;
    if (st != GLP_OPT)
        goto out;
    memset(a->figmark, 0, a->nfigs + 1);
    int first = (int)a->nq + 1;
    for (size_t d = 0; d < a->ndev; d++) {
        int j = first + (int)d;
        double v = integer ? glp_mip_col_val(a->lp, j) : glp_get_col_prim(a->lp, j);
        if (v > 1e-6 && !a->figmark[a->devfig[d]]) {
            a->figmark[a->devfig[d]] = 1;
            *found = 1;
        }
    }
out:
    clear_cols(a);
    return rc;
}

static const char *need_words(enum need need)
{
    switch (need) {
    case NEED_UP: return "reach the largest small value";
    case NEED_DOWN: return "go down to 1";
    case NEED_NONZERO: return "be more than 0";
    default: return "be less than its n";
    }
}

struct wfig {
    double weight;
    size_t fig;
};

/* The most costly first; ties: the one created last first. */
static int cmp_wfig(const void *x, const void *y)
{
    const struct wfig *f = x, *g = y;
    if (f->weight != g->weight)
        return f->weight > g->weight ? -1 : 1;
    return f->fig < g->fig ? 1 : -1;
}

/* Shows again each complement that is no longer needed, the most costly
 * first: a choice made early can be made redundant by later ones. Ends
 * with the verdicts of the final figures in place. */
static int prune(struct audit *a, struct imgo_err *err)
{
    size_t n = 0;
    struct wfig *order = xmalloc((a->nfigs ? a->nfigs : 1) * sizeof *order);
    for (size_t f = 0; f < a->nfigs; f++)
        if (a->figs[f].hidden && a->figs[f].reason == AUDIT_COMPLEMENT)
            order[n++] = (struct wfig){ a->figs[f].weight, f };
    if (n)
        qsort(order, n, sizeof *order, cmp_wfig);
    int rc = IMGO_OK;
    for (size_t i = 0; !rc && i < n; i++) {
        size_t f = order[i].fig, protects = a->figs[f].protects;
        a->figs[f].hidden = 0;
        a->figs[f].reason = AUDIT_VISIBLE;
        /* its cells become constants of their neighbours' components:
         * solve those again */
        mark_shown_dirty(a, f);
        rc = check_all(a, err);
        if (!rc && audit_nleaks(a))
            hide_fig(a, f, AUDIT_COMPLEMENT, protects);
    }
    /* every interval again, for the results */
    a->scope = SCOPE_ALL;
    a->stale = 1;
    if (!rc)
        rc = check_all(a, err);
    free(order);
    return rc;
}

/* Whether hiding the candidates cand[lo..hi) together lets goal g go past
 * before: *helps. */
static int hiding_helps(struct audit *a, const struct goal *g, double before, const size_t *cand, size_t lo,
                        size_t hi, int *helps, struct imgo_err *err)
{
    for (size_t i = lo; i < hi; i++)
        a->figs[cand[i]].hidden = 1;
    double after;
    int rc = goal_max(a, g, &after, err);
    for (size_t i = lo; i < hi; i++)
        a->figs[cand[i]].hidden = 0;
    *helps = !rc && after > before;
    return rc;
}

/* The first of cand[0..n) whose hiding alone lets g go past before, or n.
 * Hiding more only widens what a reader cannot rule out, so a run of
 * candidates that does not help together holds none that helps alone: the
 * run before the first one that helps alone is skipped by halving, not one
 * candidate at a time. */
static int first_helper(struct audit *a, const struct goal *g, double before, const size_t *cand, size_t n,
                        size_t *found, struct imgo_err *err)
{
    size_t i = 0;
    int helps, rc;
    *found = n;
    while (i < n) {
        if ((rc = hiding_helps(a, g, before, cand, i, n, &helps, err)) != 0)
            return rc;
        if (!helps)
            return IMGO_OK;
        /* the shortest run cand[i..lo) that helps together */
        size_t lo = i + 1, hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if ((rc = hiding_helps(a, g, before, cand, i, mid, &helps, err)) != 0)
                return rc;
            if (helps)
                hi = mid;
            else
                lo = mid + 1;
        }
        /* none before cand[lo - 1] helps alone; does it? */
        if ((rc = hiding_helps(a, g, before, cand, lo - 1, lo, &helps, err)) != 0)
            return rc;
        if (helps) {
            *found = lo - 1;
            return IMGO_OK;
        }
        i = lo;
    }
    return IMGO_OK;
}

static int suppress(struct audit *a, struct imgo_err *err)
{
    fig_defaults(a);
    /* until the choice is made, only the intervals a verdict reads matter
     * (a component is solved again after each figure hidden or shown) */
    mark_judged(a);
    a->scope = SCOPE_JUDGED;
    a->stale = 1;
    for (size_t c = 0; c < a->ncells; c++) {
        const struct cell *x = &a->cells[c];
        if (x->fig == AUDIT_NONE || !(x->flags & AUDIT_COUNT) || !small(a, x->truth))
            continue;
        struct fig *f = &a->figs[x->fig];
        if (!f->hidden || f->reason == AUDIT_GIVEN)
            hide_fig(a, x->fig, AUDIT_PRIMARY, AUDIT_NONE);
    }
    size_t *cand = a->cand;
    int rc;
    for (;;) {
        rc = check_all(a, err);
        if (rc)
            break;
        size_t c = 0;
        while (c < a->ncells && !a->cells[c].fails)
            c++;
        if (c == a->ncells)
            break;
        struct cell *x = &a->cells[c];
        enum need need = NEED_UP;
        while (!(x->fails & (1u << need)))
            need++;
        size_t q = 0;
        if (need == NEED_NOTALL)
            while (q < a->nrates && !(a->rates[q].k == c && a->rates[q].gap < 1))
                q++;
        struct goal g;
        goal_of(a, c, need, q, &g);
        double before;
        switch (need) {
        case NEED_UP: before = (double)x->rhi; break;
        case NEED_DOWN: before = -(double)x->rlo; break;
        case NEED_NONZERO: before = (double)x->rhi; break;
        default: before = (double)a->rates[q].gap; break;
        }
        size_t protects = x->fig;
        size_t nc = candidates(a, c, cand), first;
        if ((rc = first_helper(a, &g, before, cand, nc, &first, err)) != 0)
            goto out;
        if (first < nc) {
            hide_fig(a, cand[first], AUDIT_COMPLEMENT, protects);
            continue;
        }
        int found = 0;
        rc = deviation(a, &g, 0, &found, err);
        if (!rc && !found)
            rc = deviation(a, &g, 1, &found, err);
        if (rc)
            goto out;
        if (!found) {
            rc = imgo_err_set(err, IMGO_EIO, "audit: no choice of figures to hide protects '%s': it cannot %s",
                              x->name, need_words(need));
            goto out;
        }
        for (size_t f = 0; f < a->nfigs; f++)
            if (a->figmark[f])
                hide_fig(a, f, AUDIT_COMPLEMENT, protects);
    }
    if (!rc)
        rc = prune(a, err);
out:
    return rc;
}

/* ---- entry points under GLPK's error hook --------------------------------- */

static void glpk_jump(void *info)
{
    longjmp(*(jmp_buf *)info, 1);
}

/* GLPK turns its terminal output back on to report an error: keep the
 * text for the message instead (a little of it), print nothing. */
static int glpk_text(void *info, const char *s)
{
    struct buf *b = info;
    if (b->len < 300)
        buf_adds(b, s);
    return 1;
}

static int guarded(struct audit *a, int (*fn)(struct audit *, struct imgo_err *), struct imgo_err *err)
{
    if (a->misused)
        return imgo_err_set(err, IMGO_EIO, "%s", a->misuse);
    a->solved = 0;
    jmp_buf jb;
    buf_reset(&a->glpk_text);
    if (setjmp(jb)) {
        /* GLPK's state is unusable after an error: free all of it */
        a->lp = NULL;
        glp_free_env();
        scratch_release(a);
        a->scope = SCOPE_ALL;
        a->stale = 1;
        a->solved = 0;
        struct buf *t = &a->glpk_text;
        while (t->len && (t->data[t->len - 1] == '\n' || t->data[t->len - 1] == ' '))
            t->data[--t->len] = 0;
        for (size_t i = 0; i < t->len; i++)
            if (t->data[i] == '\n')
                t->data[i] = ' ';
        imgo_err_set(err, IMGO_EIO, "audit: glpk failed: %.300s", t->len ? buf_str(t) : "internal error");
        buf_reset(t);
        return IMGO_EIO;
    }
    glp_term_hook(glpk_text, &a->glpk_text);
    glp_error_hook(glpk_jump, &jb);
    glp_term_out(GLP_OFF);
    glp_init_smcp(&a->smcp);
    a->smcp.msg_lev = GLP_MSG_OFF;
    a->smcp.presolve = GLP_OFF;
    glp_init_iocp(&a->iocp);
    a->iocp.msg_lev = GLP_MSG_OFF;
    a->iocp.presolve = GLP_OFF;
    a->iocp.mip_gap = 0;
    /* as strict as lp_integral: a printed rate's bounds sit a multiple of
     * 0.0005 n from a whole k, far above this */
    a->iocp.tol_int = 1e-7;
    scratch_init(a);
    if (getenv("IMGO_FAIL_GLPK")) {
        /* fault injection (audit.h): a call GLPK refuses, as an internal
         * failure of GLPK would end */
        a->lp = glp_create_prob();
        glp_set_col_bnds(a->lp, 1, GLP_LO, 0, 0);
    }
    int rc = fn(a, err);
    if (a->lp)
        glp_delete_prob(a->lp);
    a->lp = NULL;
    glp_error_hook(NULL, NULL);
    glp_term_hook(NULL, NULL);
    glp_free_env();
    scratch_release(a);
    a->scope = SCOPE_ALL;
    if (rc) {
        a->solved = 0;
        a->stale = 1;
    }
    return rc;
}

int audit_check(struct audit *a, struct imgo_err *err)
{
    return guarded(a, check_all, err);
}

int audit_suppress(struct audit *a, struct imgo_err *err)
{
    return guarded(a, suppress, err);
}

int audit_check_rule1(struct audit *a, struct imgo_err *err)
{
    a->scope = SCOPE_RULE1;
    a->stale = 1;
    int rc = guarded(a, check_all, err);
    a->stale = 1;
    return rc;
}

/* ---- results ------------------------------------------------------------------- */

size_t audit_ncells(const struct audit *a)
{
    return a->ncells;
}

const char *audit_cell_name(const struct audit *a, size_t cell)
{
    return cell < a->ncells ? a->cells[cell].name : "";
}

enum audit_verdict audit_cell_result(const struct audit *a, size_t cell, long *lo, long *hi)
{
    if (cell >= a->ncells || !a->solved) {
        if (lo)
            *lo = 0;
        if (hi)
            *hi = AUDIT_NO_UPPER;
        return AUDIT_NO_SECRET;
    }
    const struct cell *x = &a->cells[cell];
    long l = x->rlo, h = x->rhi;
    if (x->verdict == AUDIT_SHOWN && eff_pub(a, cell) == PUB_RANGE) {
        l = (long)fmax((double)x->lo, ceil(x->vlo - 1e-9));
        h = isinf(x->vhi) ? x->hi : (long)fmin(x->hi == AUDIT_NO_UPPER ? INFINITY : (double)x->hi,
                                                floor(x->vhi + 1e-9));
    }
    if (lo)
        *lo = l;
    if (hi)
        *hi = h;
    return x->verdict;
}

size_t audit_nleaks(const struct audit *a)
{
    size_t n = 0;
    if (!a->solved)
        return 0;
    for (size_t c = 0; c < a->ncells; c++)
        n += a->cells[c].fails != 0;
    return n;
}

static void add_range(struct buf *b, long lo, long hi)
{
    if (hi == AUDIT_NO_UPPER)
        buf_addf(b, "anything from %ld up", lo);
    else if (lo == hi)
        buf_addf(b, "%ld for certain", lo);
    else
        buf_addf(b, "anything from %ld to %ld", lo, hi);
}

void audit_explain(const struct audit *a, size_t cell, struct buf *b)
{
    if (cell >= a->ncells) {
        buf_addf(b, "there is no cell %zu", cell);
        return;
    }
    const struct cell *x = &a->cells[cell];
    if (!a->solved) {
        buf_addf(b, "'%s' has not been audited", x->name);
        return;
    }
    long lo, hi;
    enum audit_verdict v = audit_cell_result(a, cell, &lo, &hi);
    buf_addf(b, "'%s' ", x->name);
    switch (v) {
    case AUDIT_SHOWN:
        buf_adds(b, "is published: ");
        add_range(b, lo, hi);
        break;
    case AUDIT_NO_SECRET:
        buf_adds(b, "is hidden with nothing to protect (no rule applies); a reader knows it is ");
        add_range(b, lo, hi);
        break;
    case AUDIT_SAFE:
        buf_adds(b, "is protected: a reader knows only that it is ");
        add_range(b, lo, hi);
        break;
    case AUDIT_LEAK_RANGE:
        buf_adds(b, "leaks: a reader knows it is ");
        add_range(b, lo, hi);
        buf_addf(b, ", so it cannot be every value from %ld to %ld", need_lo(a, x), need_hi(a, x));
        break;
    case AUDIT_LEAK_ZERO:
        buf_adds(b, "leaks: a reader knows it is 0, so none of a small group has it");
        break;
    case AUDIT_LEAK_ALL:
        buf_adds(b, "leaks: a reader knows it equals its n, so all of a small group have it");
        break;
    }
}

int audit_figure_hidden(const struct audit *a, size_t figure)
{
    return figure < a->nfigs && a->figs[figure].hidden;
}

enum audit_reason audit_figure_reason(const struct audit *a, size_t figure, size_t *protects)
{
    if (protects)
        *protects = AUDIT_NONE;
    if (figure >= a->nfigs)
        return AUDIT_VISIBLE;
    if (protects)
        *protects = a->figs[figure].protects;
    return a->figs[figure].reason;
}

size_t audit_nfigures(const struct audit *a)
{
    return a->nfigs;
}

const char *audit_figure_name(const struct audit *a, size_t figure)
{
    return figure < a->nfigs ? a->figs[figure].name : "";
}
