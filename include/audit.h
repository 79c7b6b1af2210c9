/*
 * audit.h - proving that a report's hidden counts cannot be recovered.
 *
 * A report publishes some counts and hides others. An attacker who knows
 * every published number and how the numbers add up (a total is the sum of
 * its parts, all = img + non_img, a span is the sum of its years, k <= n,
 * a printed rate bounds k/n) can compute, for each hidden count, the
 * smallest and largest value it can take. This module builds that model
 * and solves it exactly with linear and integer programming (GLPK), then
 * judges each hidden cell by the protection rules; audit_suppress chooses
 * complementary figures to hide until every rule holds.
 *
 * The model:
 * - A cell is one integer count with a name (for messages), bounds (lower,
 *   default 0; upper, default none) and an optional true value. Its
 *   published state is an exact value, an interval (a value known only to
 *   lie in [lo, hi]), or hidden. A published cell is a constant in every
 *   relation. The true value is used only to decide which cells are small
 *   (primary) and which figures are empty, never as a constraint.
 * - A relation is sum(coef * cell) OP rhs with real coefficients, OP one of
 *   =, <=, >=. A relation may belong to a figure: it is published
 *   information (a printed rate) that the attacker has only while that
 *   figure is shown. Other relations hold always (they are definitions).
 * - A figure is a group of cells shown or hidden together (a table row
 *   "7 of 7 (100%)" is its n, k and the rate relation of its value). A cell
 *   belongs to at most one figure; a number printed in two places is two
 *   cells tied by an equality. While its figure is hidden a cell is hidden
 *   whatever its own published state.
 *
 * The protection rules (min_cell m, audit_new):
 * 1. A hidden count cell (AUDIT_COUNT) whose true value is 1..m-1 must be
 *    able to take every value from 1 to m-1: its interval holds [1, m-1].
 *    A true value of 0 names nobody and m or more is not small: nothing to
 *    protect. Without a true value the cell is judged as if it might be
 *    small: safe when its interval holds [1, m-1], when it is 0 for
 *    certain, or when it is m or more for certain.
 * 2. The k of a rate (audit_rate) that is hidden while the rate's n is
 *    small (true value 1..m-1; without a true value, when n may be below m)
 *    must have neither k = 0 nor k = n certain: max k >= 1 and
 *    max (n - k) >= 1 over everything the attacker knows.
 *
 * Ownership and errors: audit_new's caller calls audit_free. Names are
 * copied. Builder functions never fail: a call that names a cell, relation
 * or figure that does not exist, or gives a value that is not a number,
 * is remembered and makes the next audit_check or audit_suppress fail with
 * IMGO_EIO naming the call. audit_check and audit_suppress return IMGO_OK,
 * IMGO_EDATA when the published numbers contradict each other (the message
 * names the relations that cannot all hold), or IMGO_EIO when GLPK fails
 * (the message says how) or when no choice of figures can protect a cell
 * (audit_suppress; the message names the cell). GLPK never prints and
 * never ends the process: its errors become IMGO_EIO, and its environment
 * is freed at the end of every call, so no GLPK object outlives one.
 *
 * Fault injection for tests: when the environment variable IMGO_FAIL_GLPK
 * is set, audit_check and audit_suppress make a call GLPK refuses before
 * any work, as if GLPK failed inside.
 */
#ifndef IMGO_AUDIT_H
#define IMGO_AUDIT_H

#include <limits.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

#define AUDIT_NONE ((size_t)-1)   /* no cell, relation or figure */
#define AUDIT_NO_UPPER LONG_MAX   /* an upper bound or interval end: none */
#define AUDIT_NO_TRUTH LONG_MIN   /* a cell whose true value is not given */

/* Cell flags. */
enum audit_cell_flags {
    AUDIT_COUNT = 1 << 0   /* counts residents: protection rule 1 applies */
};

/* Figure flags. */
enum audit_figure_flags {
    AUDIT_HEADLINE = 1 << 0,  /* a headline figure: hidden last by default */
    AUDIT_KEEP = 1 << 1       /* never hidden as a complement */
};

enum audit_op { AUDIT_EQ, AUDIT_LE, AUDIT_GE };

/* What the audit found for a cell. */
enum audit_verdict {
    AUDIT_SHOWN,       /* published (exactly or as an interval): not judged */
    AUDIT_NO_SECRET,   /* hidden, and no rule applies to it */
    AUDIT_SAFE,        /* hidden, and every rule that applies holds */
    AUDIT_LEAK_RANGE,  /* rule 1 fails: its interval misses part of 1..m-1 */
    AUDIT_LEAK_ZERO,   /* rule 2 fails: k = 0 is certain */
    AUDIT_LEAK_ALL     /* rule 2 fails: k = n is certain */
};

/* Why a figure is hidden. */
enum audit_reason {
    AUDIT_VISIBLE,     /* not hidden */
    AUDIT_GIVEN,       /* hidden by the caller (audit_figure_hide) */
    AUDIT_PRIMARY,     /* holds a count cell whose true value is 1..m-1 */
    AUDIT_COMPLEMENT   /* hidden by audit_suppress to protect another */
};

struct audit;

/* A new empty model; min_cell >= 1 (1 protects nothing). */
struct audit *audit_new(int min_cell);
void audit_free(struct audit *a);  /* NULL is fine */

/* ---- building the model ------------------------------------------------ */

/* A new cell, hidden, bounds [0, no upper]; truth may be AUDIT_NO_TRUTH.
 * Returns its index (0, 1, 2, ... in order of creation). */
size_t audit_cell(struct audit *a, const char *name, unsigned flags, long truth);
/* Narrows rule 1 for a cell: its interval must hold [lo, hi] (within
 * 1..m-1) instead of all of 1..m-1. For a count whose label already tells
 * a reader something (disclose.h): it asks the published numbers to add
 * nothing to what the labels and definitions alone allow. */
void audit_cell_need(struct audit *a, size_t cell, long lo, long hi);
/* A cell without a true value that a label says is not small (0, or m or
 * more: a count hidden to protect another): rule 1 does not apply to it.
 * What the label tells of its value (not 1..m-1) is not a linear relation
 * and stays out of the model. */
void audit_cell_not_small(struct audit *a, size_t cell);

/* Bounds a cell: lo <= value <= hi (hi may be AUDIT_NO_UPPER); lo >= 0. */
void audit_cell_bounds(struct audit *a, size_t cell, long lo, long hi);
/* Publishes a cell as exactly v (a whole number). */
void audit_cell_exact(struct audit *a, size_t cell, double v);
/* Publishes a cell as some value in [lo, hi] (hi may be INFINITY). */
void audit_cell_range(struct audit *a, size_t cell, double lo, double hi);
/* Hides a cell (the state of a new cell). */
void audit_cell_hidden(struct audit *a, size_t cell);

/* sum(coef[i] * cell[i]) OP rhs; a cell may appear more than once (its
 * coefficients add up). Returns the relation's index. */
size_t audit_relation(struct audit *a, const char *name, enum audit_op op, double rhs, size_t nterms,
                      const size_t *cells, const double *coefs);
/* total = parts[0] + ... + parts[nparts-1]. */
size_t audit_sum(struct audit *a, const char *name, size_t total, size_t nparts, const size_t *parts);
/* cell = value (a zero by definition, e.g. usmd residents among IMGs). */
size_t audit_fixed(struct audit *a, const char *name, size_t cell, long value);
/* k of n: adds the relation k <= n and puts k under rule 2. */
size_t audit_rate(struct audit *a, const char *name, size_t k, size_t n);
/* A rate k/n printed as a value in [vlo, vhi] while figure is shown
 * (AUDIT_NONE: always): adds k - vlo*n >= 0, k - vhi*n <= 0 and n >= 1
 * (a rate of nobody is not printed as a number), named NAME. */
void audit_rate_shown(struct audit *a, const char *name, size_t k, size_t n, double vlo, double vhi,
                      size_t figure);
/* The relation is known only while figure is shown. */
void audit_relation_figure(struct audit *a, size_t rel, size_t figure);

/* A new figure, shown. cost >= 0 orders the choice of complements (lower
 * is hidden first); a negative cost asks for the default: the largest true
 * value of its count cells (a smaller group is hidden first), plus 10^9
 * for a headline figure. Returns its index. */
size_t audit_figure(struct audit *a, const char *name, double cost, unsigned flags);
/* cell is shown and hidden with figure. */
void audit_figure_cell(struct audit *a, size_t figure, size_t cell);
/* Hides figure before any audit (reason AUDIT_GIVEN). */
void audit_figure_hide(struct audit *a, size_t figure);

/* ---- auditing ------------------------------------------------------------ */

/* Computes every hidden cell's interval and verdict under the figures as
 * they stand. */
int audit_check(struct audit *a, struct imgo_err *err);

/* As audit_check, but computes only the intervals that protection rule 1
 * judges: those of the hidden count cells it applies to (small, or
 * without a true value and not labelled not small). Every other cell's
 * interval reads as its lower bound to no upper bound, and no verdict is
 * meant: for a model whose intervals narrow another's requirements
 * (audit_cell_need), which only rule 1's cells have. */
int audit_check_rule1(struct audit *a, struct imgo_err *err);

/* Hides every figure holding a count cell whose true value is 1..m-1
 * (AUDIT_PRIMARY), then repeats: audit; take the first failing cell (in
 * order of creation); among the shown figures that share a relation with
 * it or with a hidden cell it is tied to, hide the one of least cost whose
 * hiding widens the failing bound (ties: the figure created first);
 * when no single figure does, hide the cheapest set of figures that makes
 * the failing bound reachable (an LP over deviations from the published
 * values, weighted by cost). Then shows again, the most costly first, each
 * complement the others have made unneeded. Never hides an empty figure
 * (all its count cells true 0) or an AUDIT_KEEP one. Ends with every hidden
 * cell safe and the verdicts of the last audit in place. Deterministic. */
int audit_suppress(struct audit *a, struct imgo_err *err);

/* ---- results (after a successful audit_check or audit_suppress) --------- */

size_t audit_ncells(const struct audit *a);
const char *audit_cell_name(const struct audit *a, size_t cell);
/* The verdict of a cell, and its interval in *lo, *hi (hi AUDIT_NO_UPPER
 * when unbounded); a shown cell's interval is its published value rounded
 * inward to whole numbers. */
enum audit_verdict audit_cell_result(const struct audit *a, size_t cell, long *lo, long *hi);
/* Cells whose verdict is a leak. */
size_t audit_nleaks(const struct audit *a);
/* Appends a sentence on a cell's verdict, e.g. "'ABFM 2025 n' is 3 for
 * certain, so it cannot be any of 1..4". */
void audit_explain(const struct audit *a, size_t cell, struct buf *b);

int audit_figure_hidden(const struct audit *a, size_t figure);
/* Why figure is hidden; for AUDIT_COMPLEMENT, *protects (may be NULL) is
 * the figure it protects (AUDIT_NONE when the protected cell has none). */
enum audit_reason audit_figure_reason(const struct audit *a, size_t figure, size_t *protects);
size_t audit_nfigures(const struct audit *a);
const char *audit_figure_name(const struct audit *a, size_t figure);

#endif
