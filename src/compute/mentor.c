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

/* The role bits of a comma-separated list of canonical role names (the
 * required_roles_* parameters, validated by params). */
static unsigned role_bits(const char *list)
{
    unsigned bits = 0;
    char name[32];
    for (const char *s = list; s && *s;) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n < sizeof name) {
            memcpy(name, s, n);
            name[n] = '\0';
            bits |= (unsigned)role_bit(name);
        }
        s += n + (e != NULL);
    }
    return bits;
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

/* Each point is marked as part of its metric: the month curve counts
 * assignments too, and goes when they are absent while the weeks stay. */
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
                chart_add(x->c, C_MENTORSHIP_CADENCE, compute_group_name[g], part ? "month" : "week", p, n, k,
                          e.value, e.lo, e.hi, n < x->p->min_cell)
                    ->metric = part ? M_MENTORSHIP_MONTHLY_CADENCE : M_MENTORSHIP_EARLY_CADENCE;
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
    const unsigned need_role[2] = { role_bits(x->p->required_roles_non_img), role_bits(x->p->required_roles_img) };
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
            unsigned need = need_role[r->img];
            r->cov_subject = 1;
            r->covered = (roles & need) == need;
            compute_count(cov_n, cov_k, r->img, r->covered);
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
    /* a load counts the active residents only (started by as-of, in a
     * selected program): grouped here rather than in SQL */
    struct res_cursor c;
    int rc = res_cursor_open(&c, x,
                             "SELECT rid, role, mentor_id FROM mentor_assignments"
                             " WHERE assigned_date <= ?1 AND (ended_date IS NULL OR ended_date > ?1)"
                             " ORDER BY role, mentor_id, rid",
                             err);
    if (rc)
        return rc;
    long n[3] = { 0, 0, 0 }, over[3] = { 0, 0, 0 }, max[3] = { 0, 0, 0 };
    long *hist[3] = { NULL, NULL, NULL };
    size_t hist_len[3] = { 0, 0, 0 };
    struct buf mentor = BUF_INIT;
    int cur_role = -1, s;
    long load = 0;
    long long last_rid = 0;
    for (;;) {
        s = res_cursor_next(&c, err);
        int role = -1;
        const char *id = NULL;
        if (s > 0) {
            int bit = role_bit((const char *)sqlite3_column_text(c.st, 1));
            role = bit == ROLE_SENIOR ? 0 : bit == ROLE_FACULTY ? 1 : bit == ROLE_PEER ? 2 : -1;
            id = (const char *)sqlite3_column_text(c.st, 2);
            if (role < 0)
                continue;
        }
        if (cur_role >= 0 && (s <= 0 || role != cur_role || strcmp(id, buf_str(&mentor)))) {
            /* the previous (role, mentor) is complete */
            n[cur_role]++;
            over[cur_role] += load > x->p->max_mentees;
            if (load > max[cur_role])
                max[cur_role] = load;
            ALLOC_GROW_ZERO(hist[cur_role], (size_t)load + 1, hist_len[cur_role]);
            hist[cur_role][load]++;
            cur_role = -1;
        }
        if (s <= 0)
            break;
        if (cur_role < 0) {
            cur_role = role;
            buf_reset(&mentor);
            buf_adds(&mentor, id);
            load = 0;
        }
        if (!load || c.rid != last_rid) /* rows of one mentor come in rid order */
            load++;
        last_rid = c.rid;
    }
    if (s < 0)
        rc = err->status;
    res_cursor_close(&c);
    buf_release(&mentor);
    for (int r = 0; !rc && r < 3; r++) {
        char stratum[32];
        snprintf(stratum, sizeof stratum, "role=%s", role_names[r]);
        compute_add_rate(x, M_MENTORSHIP_MENTORS_OVERLOADED, GROUP_ALL, stratum, NULL, over[r], n[r]);
        struct stats_est e = { n[r] ? (double)max[r] : NAN, NAN, NAN, NAN };
        metric_add(x->m, M_MENTORSHIP_MENTOR_LOAD_MAX, "all", stratum, NULL, n[r], METRIC_EMPTY, e);
        for (long l = 1; l <= max[r]; l++)
            chart_add(x->c, C_MENTOR_LOAD, role_names[r], NULL, (double)l, n[r], hist[r][l],
                      (double)hist[r][l] / (double)n[r], NAN, NAN, n[r] < x->p->min_cell);
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
