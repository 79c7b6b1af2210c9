/*
 * mentor.c - mentorship structure: tiered coverage, weekly and
 * monthly cadence (metrics and adherence curves), mentor load, and the
 * cadence-outcome link.
 *
 * Assignments and meetings are both read in key order (rid first) and
 * merged with the resident list, so each resident is handled once with all
 * of their rows at hand and nothing is held for the whole cohort.
 */
#include "compute.h"
#include "db.h"
#include "mem.h"
#include "strdict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROLE_SENIOR = 1 << 0, ROLE_FACULTY = 1 << 1, ROLE_PEER = 1 << 2 };

static const char *const role_names[3] = { "senior_resident", "faculty", "peer" };

static int role_bit(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (s && !strcmp(s, role_names[i]))
            return 1 << i;
    return 0;
}

static int popcount(unsigned v)
{
    int n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

struct cadence {
    struct stats_moments mom[3];
    long full[3];
    long n_period[3][10], k_period[3][10]; /* per week 0..5 or month 2..9 */
};

static void cadence_add(struct cadence *c, int g, unsigned bits, int first, int count)
{
    double a = (double)popcount(bits) / count;
    int gs[2] = { g, GROUP_ALL };
    for (int j = 0; j < 2; j++) {
        stats_moments_add(&c->mom[gs[j]], a);
        c->full[gs[j]] += popcount(bits) == count;
        for (int p = first; p < first + count; p++) {
            c->n_period[gs[j]][p]++;
            c->k_period[gs[j]][p] += (bits >> p) & 1;
        }
    }
}

static void cadence_rows(struct compute_ctx *x, enum metric_id metric, const struct cadence *c)
{
    for (int g = 0; g < 3; g++) {
        /* a is a share of weeks or months: the mean lies in [0, 1] */
        struct stats_est e = compute_clamp(stats_mean_ci(&c->mom[g], x->conf), 0, 1);
        e.p = NAN;
        metric_add(x->m, metric, compute_group_name[g], NULL, NULL, c->mom[g].n, c->full[g], e);
    }
}

static void cadence_chart(struct compute_ctx *x, const struct cadence *wk, const struct cadence *mo)
{
    static const int order[3] = { GROUP_ALL, GROUP_IMG, GROUP_NON_IMG };
    for (int oi = 0; oi < 3; oi++) {
        int g = order[oi];
        for (int part = 0; part < 2; part++) {
            const struct cadence *c = part ? mo : wk;
            int first = part ? 2 : 0, last = part ? 9 : 5;
            for (int p = first; p <= last; p++) {
                long n = c->n_period[g][p], k = c->k_period[g][p];
                struct stats_est e = stats_wilson(k, n, x->conf);
                chart_add(x->c, C_MENTORSHIP_CADENCE, compute_group_name[g], part ? "month" : "week", p,
                          n, k, e.value, e.lo, e.hi, n < x->p->min_cell);
            }
        }
    }
}

/* The faculty mentors of the resident being handled. */
struct faculty {
    char **ids;
    size_t len, alloc;
};

static int faculty_has(const struct faculty *f, const char *id)
{
    for (size_t i = 0; i < f->len; i++)
        if (!strcmp(f->ids[i], id))
            return 1;
    return 0;
}

static void faculty_add(struct faculty *f, const char *id)
{
    if (faculty_has(f, id))
        return;
    ALLOC_GROW(f->ids, f->len + 1, f->alloc);
    f->ids[f->len++] = xstrdup(id);
}

static void faculty_clear(struct faculty *f)
{
    for (size_t i = 0; i < f->len; i++)
        free(f->ids[i]);
    f->len = 0;
}

static int per_resident(struct compute_ctx *x, struct imgo_err *err)
{
    struct res_cursor as, mt;
    memset(&mt, 0, sizeof mt);
    int rc = res_cursor_open(&as, x,
                             "SELECT rid, mentor_id, role, assigned_date FROM mentor_assignments"
                             " WHERE assigned_date <= ?1 ORDER BY rid",
                             err);
    if (!rc)
        rc = res_cursor_open(&mt, x,
                             "SELECT rid, mentor_id, meeting_date FROM mentorship_meetings"
                             " WHERE meeting_date <= ?1 ORDER BY rid, mentor_id, meeting_date",
                             err);
    /* both are read one row ahead and merged with the residents by rid */
    int as_row = rc ? -1 : res_cursor_next(&as, err);
    int mt_row = as_row < 0 ? -1 : res_cursor_next(&mt, err);
    if (!rc && mt_row < 0)
        rc = err->status;

    long cov_n[3] = { 0, 0, 0 }, cov_k[3] = { 0, 0, 0 };
    struct cadence *wk = xcalloc(1, sizeof *wk), *mo = xcalloc(1, sizeof *mo);
    struct faculty fac = { NULL, 0, 0 };
    struct buf last_mentor = BUF_INIT;
    for (size_t i = 0; !rc && i < x->n_res; i++) {
        struct compute_resident *r = &x->res[i];
        unsigned roles = 0, weeks = 0, months = 0;
        faculty_clear(&fac);
        for (; as_row > 0 && as.rid <= r->rid; as_row = res_cursor_next(&as, err)) {
            if (as.rid != r->rid)
                continue;
            const char *mentor = (const char *)sqlite3_column_text(as.st, 1);
            int bit = role_bit((const char *)sqlite3_column_text(as.st, 2));
            if (sqlite3_column_int(as.st, 3) <= r->start + 7)
                roles |= (unsigned)bit;
            if (bit == ROLE_FACULTY)
                faculty_add(&fac, mentor);
        }
        int last_is_faculty = 0;
        buf_reset(&last_mentor);
        for (; as_row >= 0 && mt_row > 0 && mt.rid <= r->rid; mt_row = res_cursor_next(&mt, err)) {
            if (mt.rid != r->rid)
                continue;
            const char *mentor = (const char *)sqlite3_column_text(mt.st, 1);
            int day = sqlite3_column_int(mt.st, 2) - r->start;
            if (day >= 0 && day <= 41)
                weeks |= 1u << (day / 7);
            if (day >= 30 && day <= 269) {
                /* meetings come grouped by mentor: look each mentor up once */
                if (!last_mentor.len || strcmp(buf_str(&last_mentor), mentor)) {
                    buf_reset(&last_mentor);
                    buf_adds(&last_mentor, mentor);
                    last_is_faculty = faculty_has(&fac, mentor);
                }
                if (last_is_faculty)
                    months |= 1u << (day / 30 + 1);
            }
        }
        if (as_row < 0 || mt_row < 0) {
            rc = err->status;
            break;
        }
        if (!r->active)
            continue;
        if (r->start + 7 <= x->as_of) {
            unsigned need = ROLE_SENIOR | ROLE_FACULTY | (r->img ? ROLE_PEER : 0);
            compute_count(cov_n, cov_k, r->img, (roles & need) == need);
        }
        if (r->start + 42 <= x->as_of) {
            cadence_add(wk, r->img, weeks, 0, 6);
            r->has_early = 1;
            r->early_a = (double)popcount(weeks) / 6;
        }
        if (r->start + 270 <= x->as_of)
            cadence_add(mo, r->img, months, 2, 8);
    }
    if (!rc) {
        for (int g = 0; g < 3; g++)
            compute_add_rate(x, M_MENTORSHIP_TIERED_COVERAGE, g, NULL, NULL, cov_k[g], cov_n[g]);
        cadence_rows(x, M_MENTORSHIP_EARLY_CADENCE, wk);
        cadence_rows(x, M_MENTORSHIP_MONTHLY_CADENCE, mo);
        cadence_chart(x, wk, mo);
    }
    faculty_clear(&fac);
    free(fac.ids);
    buf_release(&last_mentor);
    free(wk);
    free(mo);
    res_cursor_close(&as);
    res_cursor_close(&mt);
    return rc;
}

static int mentor_load(struct compute_ctx *x, struct imgo_err *err)
{
    sqlite3_stmt *st;
    int rc = db_prepare(x->db,
                        "SELECT a.role, a.mentor_id, count(DISTINCT a.rid)"
                        " FROM mentor_assignments a JOIN residents r ON r.rid = a.rid"
                        " WHERE r.start_date <= ?1 AND a.assigned_date <= ?1"
                        " AND (a.ended_date IS NULL OR a.ended_date > ?1)"
                        " GROUP BY a.role, a.mentor_id",
                        &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, x->as_of);
    long n[3] = { 0, 0, 0 }, over[3] = { 0, 0, 0 }, max[3] = { 0, 0, 0 };
    long *hist[3] = { NULL, NULL, NULL };
    size_t hist_len[3] = { 0, 0, 0 };
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int bit = role_bit((const char *)sqlite3_column_text(st, 0));
        if (!bit)
            continue;
        int r = bit == ROLE_SENIOR ? 0 : bit == ROLE_FACULTY ? 1 : 2;
        long load = (long)sqlite3_column_int64(st, 2);
        n[r]++;
        over[r] += load > x->p->max_mentees;
        if (load > max[r])
            max[r] = load;
        ALLOC_GROW_ZERO(hist[r], (size_t)load + 1, hist_len[r]);
        hist[r][load]++;
    }
    if (s != SQLITE_DONE)
        rc = db_error(x->db, err);
    sqlite3_finalize(st);
    for (int r = 0; !rc && r < 3; r++) {
        char stratum[32];
        snprintf(stratum, sizeof stratum, "role=%s", role_names[r]);
        compute_add_rate(x, M_MENTORSHIP_MENTORS_OVERLOADED, GROUP_ALL, stratum, NULL, over[r], n[r]);
        struct stats_est e = { n[r] ? (double)max[r] : NAN, NAN, NAN, NAN };
        metric_add(x->m, M_MENTORSHIP_MENTOR_LOAD_MAX, "all", stratum, NULL, n[r], METRIC_EMPTY, e);
        for (long load = 1; load <= max[r]; load++)
            chart_add(x->c, C_MENTOR_LOAD, role_names[r], NULL, (double)load, n[r], hist[r][load],
                      (double)hist[r][load] / (double)n[r], NAN, NAN, n[r] < x->p->min_cell);
    }
    for (int r = 0; r < 3; r++)
        free(hist[r]);
    return rc;
}

/* mentorship.outcome_link: needs early cadence (per_resident) and first
 * certification attempts (compute_board). */
static void outcome_link(struct compute_ctx *x)
{
    long n[2] = { 0, 0 }, k[2] = { 0, 0 }; /* [1] high, [0] low */
    for (size_t i = 0; i < x->n_res; i++) {
        const struct compute_resident *r = &x->res[i];
        if (!r->active || !r->img || !r->has_early || !r->has_first_cert)
            continue;
        int high = r->early_a >= 0.8;
        n[high]++;
        k[high] += r->first_cert_pass;
    }
    struct stats_est e = stats_newcombe(k[1], n[1], k[0], n[0], x->conf);
    if (!n[0] || !n[1])
        e.value = e.lo = e.hi = e.p = NAN;
    metric_add(x->m, M_MENTORSHIP_OUTCOME_LINK, "img", NULL, NULL, n[0] + n[1], k[0] + k[1], e);
}

int compute_mentor(struct compute_ctx *x, struct imgo_err *err)
{
    int rc = per_resident(x, err);
    if (!rc)
        rc = mentor_load(x, err);
    if (!rc)
        outcome_link(x);
    return rc;
}
