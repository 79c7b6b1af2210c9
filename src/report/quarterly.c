/*
 * quarterly.c - the quarterly committee packet (product.md, "The
 * quarterly committee packet") as a table of sections.
 *
 * The packet is about people, not rates: besides its metrics rows (mentor
 * load, the quarterly.* bias screens and the Step 2 percentile that compute
 * writes) it lists residents by resident_id, so it reads the cohort tables
 * directly (prepared statements with bound as-of and quarter dates; every
 * text escaped) and is marked confidential on every page. The quarter is
 * the calendar quarter holding the as-of date that compute used.
 * Definitions follow the metrics wherever there is one (required roles,
 * weekly weeks 0-5 and monthly months 2-9, adverse actions); the rest are
 * stated in the packet itself.
 */
#include "sections.h"
#include "date.h"
#include "db.h"
#include "html.h"
#include "mem.h"
#include "rcover.h"
#include "rhtml.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROLE_SENIOR = 1, ROLE_FACULTY = 2, ROLE_PEER = 4 };

struct qres {
    long long rid;
    char *id;
    int img, start, end, has_end, grad_year, has_grad, step2, has_step2;
    char *visa;
    unsigned roles_week1;  /* roles assigned by start + 7 */
    unsigned roles_active; /* roles with an assignment active at as-of */
    unsigned weeks;        /* bit w: a meeting in week w (0..5) */
    unsigned months;       /* bit m: a faculty meeting in month m (2..9) */
    int step3_pass, step3_attempts;
    int falling;           /* latest review's mean rating below the one before */
    double last_mean, prev_mean;
    int n_reviews, last_review; /* distinct review dates <= as-of; the latest */
    int adverse;           /* an adverse CCC action dated <= as-of */
    int adverse_date;
};

struct quarter {
    struct rep *r;
    int as_of, qstart, qend, qyear, qnum;
    unsigned need[2];  /* required mentor roles of non-IMGs, IMGs */
    struct qres *res;  /* residents with start_date <= as-of, by resident_id */
    size_t n;
    size_t *by_rid;    /* indices of res sorted by rid */
    const char *step3;
};

static unsigned role_bit(const char *role);

/* The roles of a comma-separated list (compute's parameter). */
static unsigned role_list(const char *list, const char *def)
{
    char *s = xstrdup(list ? list : def);
    unsigned bits = 0;
    for (char *tok = s, *e; tok; tok = e) {
        e = strchr(tok, ',');
        if (e)
            *e++ = '\0';
        while (*tok == ' ')
            tok++;
        size_t n = strlen(tok);
        while (n && tok[n - 1] == ' ')
            tok[--n] = '\0';
        bits |= role_bit(tok);
    }
    free(s);
    return bits;
}

static unsigned role_bit(const char *role)
{
    if (!strcmp(role, "senior_resident"))
        return ROLE_SENIOR;
    if (!strcmp(role, "faculty"))
        return ROLE_FACULTY;
    if (!strcmp(role, "peer"))
        return ROLE_PEER;
    return 0;
}

static const struct quarter *sort_ctx;

static int cmp_rid(const void *a, const void *b)
{
    long long x = sort_ctx->res[*(const size_t *)a].rid, y = sort_ctx->res[*(const size_t *)b].rid;
    return (x > y) - (x < y);
}

static struct qres *find(const struct quarter *q, long long rid)
{
    size_t lo = 0, hi = q->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        long long v = q->res[q->by_rid[mid]].rid;
        if (v == rid)
            return &q->res[q->by_rid[mid]];
        if (v < rid)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int active(const struct quarter *q, const struct qres *x)
{
    return x->start <= q->as_of && (!x->has_end || x->end > q->as_of);
}

static int step_rows(sqlite3 *db, sqlite3_stmt *st, int (*row)(struct quarter *, sqlite3_stmt *),
                     struct quarter *q, struct imgo_err *err)
{
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW)
        if (row(q, st))
            break;
    sqlite3_finalize(st);
    return s == SQLITE_ROW || s == SQLITE_DONE ? IMGO_OK : db_error(db, err);
}

static int row_assign(struct quarter *q, sqlite3_stmt *st)
{
    struct qres *x = find(q, sqlite3_column_int64(st, 0));
    if (!x)
        return 0;
    unsigned b = role_bit((const char *)sqlite3_column_text(st, 1));
    int assigned = sqlite3_column_int(st, 2);
    int ended_null = sqlite3_column_type(st, 3) == SQLITE_NULL, ended = sqlite3_column_int(st, 3);
    if (assigned <= x->start + 7)
        x->roles_week1 |= b;
    if (ended_null || ended > q->as_of)
        x->roles_active |= b;
    return 0;
}

static int row_meeting(struct quarter *q, sqlite3_stmt *st)
{
    struct qres *x = find(q, sqlite3_column_int64(st, 0));
    if (!x)
        return 0;
    int day = sqlite3_column_int(st, 1) - x->start;
    if (day < 0)
        return 0;
    if (day < 42)
        x->weeks |= 1u << (day / 7);
    int m = day / 30 + 1;
    if (m >= 2 && m <= 9 && sqlite3_column_int(st, 2))
        x->months |= 1u << m;
    return 0;
}

static int row_step3(struct quarter *q, sqlite3_stmt *st)
{
    struct qres *x = find(q, sqlite3_column_int64(st, 0));
    if (x) {
        x->step3_attempts = sqlite3_column_int(st, 1);
        x->step3_pass = sqlite3_column_int(st, 2) > 0;
    }
    return 0;
}

static int row_rating(struct quarter *q, sqlite3_stmt *st)
{
    struct qres *x = find(q, sqlite3_column_int64(st, 0));
    if (x) {
        x->prev_mean = x->last_mean;
        x->last_mean = sqlite3_column_double(st, 2);
        x->last_review = sqlite3_column_int(st, 1);
        x->n_reviews++;
    }
    return 0;
}

static int row_adverse(struct quarter *q, sqlite3_stmt *st)
{
    struct qres *x = find(q, sqlite3_column_int64(st, 0));
    if (x) {
        x->adverse = 1;
        x->adverse_date = sqlite3_column_int(st, 1);
    }
    return 0;
}

static int load(struct quarter *q, struct imgo_err *err)
{
    sqlite3 *db = q->r->db;
    sqlite3_stmt *st;
    int rc = db_prepare(db,
                        "SELECT rid, resident_id, is_img(graduate_type), start_date, end_date, "
                        "graduation_year, step2_score, visa FROM residents WHERE start_date <= ?1 "
                        "ORDER BY resident_id",
                        &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, q->as_of);
    size_t cap = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (q->n == cap) {
            cap = cap ? 2 * cap : 256;
            q->res = xrealloc(q->res, cap * sizeof *q->res);
        }
        struct qres *x = &q->res[q->n++];
        memset(x, 0, sizeof *x);
        x->rid = sqlite3_column_int64(st, 0);
        x->id = xstrdup((const char *)sqlite3_column_text(st, 1));
        x->img = sqlite3_column_int(st, 2);
        x->start = sqlite3_column_int(st, 3);
        x->has_end = sqlite3_column_type(st, 4) != SQLITE_NULL;
        x->end = sqlite3_column_int(st, 4);
        x->has_grad = sqlite3_column_type(st, 5) != SQLITE_NULL;
        x->grad_year = sqlite3_column_int(st, 5);
        x->has_step2 = sqlite3_column_type(st, 6) != SQLITE_NULL;
        x->step2 = sqlite3_column_int(st, 6);
        const unsigned char *v = sqlite3_column_text(st, 7);
        x->visa = xstrdup(v ? (const char *)v : "");
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return db_error(db, err);
    q->by_rid = xcalloc(q->n ? q->n : 1, sizeof *q->by_rid);
    for (size_t i = 0; i < q->n; i++)
        q->by_rid[i] = i;
    sort_ctx = q;
    qsort(q->by_rid, q->n, sizeof *q->by_rid, cmp_rid);

    if ((rc = db_prepare(db,
                         "SELECT rid, role, assigned_date, ended_date FROM mentor_assignments "
                         "WHERE assigned_date <= ?1",
                         &st, err)))
        return rc;
    sqlite3_bind_int(st, 1, q->as_of);
    if ((rc = step_rows(db, st, row_assign, q, err)))
        return rc;
    /* Weekly: any mentor; monthly: a mentor assigned to the resident as
     * faculty by an assignment dated <= as-of (metrics.md). */
    if ((rc = db_prepare(db,
                         "SELECT m.rid, m.meeting_date, EXISTS (SELECT 1 FROM mentor_assignments a "
                         "WHERE a.rid = m.rid AND a.mentor_id = m.mentor_id AND a.role = 'faculty' "
                         "AND a.assigned_date <= ?1) FROM mentorship_meetings m "
                         "WHERE m.meeting_date BETWEEN ?2 AND ?1",
                         &st, err)))
        return rc;
    sqlite3_bind_int(st, 1, q->as_of);
    /* cadence is judged only for residents whose first 270 days reach into
     * the quarter, so older meetings never count */
    sqlite3_bind_int(st, 2, q->qstart - 270);
    if ((rc = step_rows(db, st, row_meeting, q, err)))
        return rc;
    if ((rc = db_prepare(db,
                         "SELECT rid, COUNT(*), SUM(result = 'pass') FROM board_exams "
                         "WHERE upper(exam) = ?2 AND exam_date <= ?1 GROUP BY rid",
                         &st, err)))
        return rc;
    sqlite3_bind_int(st, 1, q->as_of);
    sqlite3_bind_text(st, 2, q->step3, -1, SQLITE_STATIC);
    if ((rc = step_rows(db, st, row_step3, q, err)))
        return rc;
    if ((rc = db_prepare(db,
                         /* a review's mean as sum / count, as the metrics compute it: means
                          * exactly on l4_threshold are common */
                         "SELECT rid, review_date, SUM(rating) / COUNT(rating) FROM milestone_ratings "
                         "WHERE review_date <= ?1 "
                         "GROUP BY rid, review_date ORDER BY rid, review_date",
                         &st, err)))
        return rc;
    sqlite3_bind_int(st, 1, q->as_of);
    if ((rc = step_rows(db, st, row_rating, q, err)))
        return rc;
    for (size_t i = 0; i < q->n; i++)
        q->res[i].falling = q->res[i].n_reviews >= 2 && q->res[i].last_mean < q->res[i].prev_mean;
    if ((rc = db_prepare(db,
                         "SELECT rid, MAX(review_date) FROM ccc_actions WHERE review_date <= ?1 AND action IN "
                         "('remediation', 'probation', 'non_promotion', 'dismissal') GROUP BY rid",
                         &st, err)))
        return rc;
    sqlite3_bind_int(st, 1, q->as_of);
    return step_rows(db, st, row_adverse, q, err);
}

static int quarter_start(int y, int qn)
{
    return date_from_ymd(y, 3 * (qn - 1) + 1, 1);
}

/* ---- the sections --------------------------------------------------------- */

static void date_cell(struct buf *h, int day)
{
    char d[11];
    date_format(day, d);
    buf_addf(h, "<td>%s</td>", d);
}

static void id_cell(struct buf *h, const struct qres *x)
{
    buf_adds(h, "<tr><th scope=\"row\">");
    html_esc(h, x->id);
    buf_adds(h, "</th><td>");
    buf_adds(h, x->img ? "IMG" : "Non-IMG");
    buf_adds(h, "</td>");
}

static void roles_text(struct buf *h, unsigned have, unsigned need)
{
    static const char *const names[] = { "senior resident", "faculty", "peer" }; /* by role bit */
    int n = 0;
    for (int i = 0; i < 3; i++)
        if ((need & (1u << i)) && !(have & (1u << i))) {
            buf_adds(h, n++ ? ", " : "");
            buf_adds(h, names[i]);
        }
    if (!n)
        buf_adds(h, "none");
}

/* Weeks (0..5) complete by as-of without a meeting; months (2..9) likewise. */
static int weeks_missed(const struct quarter *q, const struct qres *x, struct buf *out)
{
    int n = 0;
    for (int w = 0; w < 6; w++)
        if (x->start + 7 * w + 6 <= q->as_of && !(x->weeks & (1u << w))) {
            if (out)
                buf_addf(out, "%s%d", n ? ", " : "", w + 1);
            n++;
        }
    return n;
}

static int months_missed(const struct quarter *q, const struct qres *x, struct buf *out)
{
    int n = 0;
    for (int m = 2; m <= 9; m++)
        if (x->start + 30 * m - 1 <= q->as_of && !(x->months & (1u << m))) {
            if (out)
                buf_addf(out, "%s%d", n ? ", " : "", m);
            n++;
        }
    return n;
}

/* Cadence is judged while it applies: the first six weeks, or months 2-9,
 * overlapping the quarter. */
static int weekly_window(const struct quarter *q, const struct qres *x)
{
    return x->start + 41 >= q->qstart;
}

static int monthly_window(const struct quarter *q, const struct qres *x)
{
    return x->start + 269 >= q->qstart && x->start + 59 <= q->as_of;
}

static int new_residents(struct rep *r, struct imgo_err *err)
{
    (void)err;
    struct quarter *q = r->kind_state;
    struct buf *h = r->h;
    int n = 0;
    for (size_t i = 0; i < q->n; i++) {
        const struct qres *x = &q->res[i];
        if (x->start < q->qstart || x->start > q->as_of)
            continue;
        if (!n++)
            buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Resident</th><th scope=\"col\">Group</th>"
                        "<th scope=\"col\">Start</th><th scope=\"col\">Mentors missing at day 7</th>"
                        "<th scope=\"col\">Mentors missing now</th></tr></thead>\n<tbody>\n");
        id_cell(h, x);
        date_cell(h, x->start);
        buf_adds(h, "<td>");
        if (x->start + 7 > q->as_of)
            buf_adds(h, "<span class=\"na\">day 7 not reached</span>");
        else
            roles_text(h, x->roles_week1, q->need[x->img]);
        buf_adds(h, "</td><td>");
        roles_text(h, x->roles_active, q->need[x->img]);
        buf_adds(h, "</td></tr>\n");
    }
    if (n)
        buf_adds(h, "</tbody>\n</table>\n");
    else
        rep_no_data(h, "no resident started in this quarter.");
    /* the program's own rule (required_roles_img, required_roles_non_img) */
    buf_adds(h, "<p>Required mentors, assigned by day 7: for IMGs ");
    roles_text(h, 0, q->need[1]);
    buf_adds(h, "; for non-IMGs ");
    roles_text(h, 0, q->need[0]);
    buf_adds(h, ".</p>\n");
    return IMGO_OK;
}

static int cadence(struct rep *r, struct imgo_err *err)
{
    (void)err;
    struct quarter *q = r->kind_state;
    struct buf *h = r->h;
    struct buf w = BUF_INIT, m = BUF_INIT;
    int n = 0;
    for (size_t i = 0; i < q->n; i++) {
        const struct qres *x = &q->res[i];
        if (!active(q, x))
            continue;
        buf_reset(&w);
        buf_reset(&m);
        int nw = weekly_window(q, x) ? weeks_missed(q, x, &w) : 0;
        int nm = monthly_window(q, x) ? months_missed(q, x, &m) : 0;
        if (!nw && !nm)
            continue;
        if (!n++)
            buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Resident</th><th scope=\"col\">Group</th>"
                        "<th scope=\"col\">Start</th><th scope=\"col\">Weeks without a meeting</th>"
                        "<th scope=\"col\">Months without a faculty meeting</th></tr></thead>\n<tbody>\n");
        id_cell(h, x);
        date_cell(h, x->start);
        buf_addf(h, "<td>%s</td><td>%s</td></tr>\n", nw ? buf_str(&w) : "-", nm ? buf_str(&m) : "-");
    }
    if (n)
        buf_adds(h, "</tbody>\n</table>\n<p>Weekly: a meeting with any mentor in each of weeks 1-6 of training; "
                    "monthly: a meeting with an assigned faculty mentor in each of months 2-9. Only weeks and "
                    "months complete by the as-of date count.</p>\n");
    else
        buf_adds(h, "<p>No resident in the weekly or monthly cadence period is behind.</p>\n");
    buf_release(&w);
    buf_release(&m);
    return IMGO_OK;
}

static int mentor_load(struct rep *r, struct imgo_err *err)
{
    struct quarter *q = r->kind_state;
    struct buf *h = r->h;
    const char *mm = rep_info(r, "max_mentees");
    int max = mm ? atoi(mm) : 4;
    const char **roles;
    size_t nr = rep_strata(r, M_MENTORSHIP_MENTORS_OVERLOADED, "role=", &roles);
    if (nr)
        rep_mentor_load_table(r, roles, nr);
    free(roles);
    sqlite3_stmt *st;
    int rc = db_prepare(r->db,
                        "SELECT role, mentor_id, COUNT(DISTINCT rid) FROM mentor_assignments "
                        "WHERE assigned_date <= ?1 AND (ended_date IS NULL OR ended_date > ?1) "
                        "GROUP BY role, mentor_id HAVING COUNT(DISTINCT rid) > ?2 ORDER BY role, mentor_id",
                        &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, q->as_of);
    sqlite3_bind_int(st, 2, max);
    int n = 0, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        if (!n++)
            buf_addf(h, "<p>Mentors with more than %d residents in one role at the as-of date:</p>\n<table>\n"
                        "<thead><tr><th scope=\"col\">Mentor</th><th scope=\"col\">Role</th>"
                        "<th scope=\"col\">Residents</th></tr></thead>\n<tbody>\n", max);
        buf_adds(h, "<tr><th scope=\"row\">");
        html_esc(h, (const char *)sqlite3_column_text(st, 1));
        buf_adds(h, "</th><td>");
        rep_label(h, "role", (const char *)sqlite3_column_text(st, 0));
        buf_addf(h, "</td><td>%d</td></tr>\n", sqlite3_column_int(st, 2));
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE)
        return db_error(r->db, err);
    if (n)
        buf_adds(h, "</tbody>\n</table>\n");
    else
        buf_addf(h, "<p>No mentor has more than %d residents in one role.</p>\n", max);
    return IMGO_OK;
}

static int visa_rank(const char *v)
{
    return !strcmp(v, "h1b") ? 0 : !strcmp(v, "j1") ? 1 : !strcmp(v, "other") ? 2 : !strcmp(v, "none") ? 3 : 4;
}

static int step3_watch(struct rep *r, struct imgo_err *err)
{
    (void)err;
    struct quarter *q = r->kind_state;
    struct buf *h = r->h;
    /* visa first (H-1B holders need Step 3 before month 12), then longest in training */
    size_t *idx = xcalloc(q->n ? q->n : 1, sizeof *idx);
    size_t n = 0;
    for (size_t i = 0; i < q->n; i++) {
        const struct qres *x = &q->res[i];
        if (active(q, x) && !x->step3_pass && q->as_of - x->start >= 240)
            idx[n++] = i;
    }
    for (size_t i = 1; i < n; i++) /* insertion sort: stable, small lists */
        for (size_t j = i; j > 0; j--) {
            const struct qres *a = &q->res[idx[j - 1]], *b = &q->res[idx[j]];
            int ra = visa_rank(a->visa), rb = visa_rank(b->visa);
            if (ra < rb || (ra == rb && a->start <= b->start))
                break;
            size_t t = idx[j];
            idx[j] = idx[j - 1];
            idx[j - 1] = t;
        }
    if (n) {
        buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Resident</th><th scope=\"col\">Group</th>"
                    "<th scope=\"col\">Visa</th><th scope=\"col\">Start</th><th scope=\"col\">Month of training</th>"
                    "<th scope=\"col\">Step 3 attempts</th></tr></thead>\n<tbody>\n");
        for (size_t i = 0; i < n; i++) {
            const struct qres *x = &q->res[idx[i]];
            id_cell(h, x);
            buf_adds(h, "<td>");
            if (*x->visa)
                rep_label(h, "visa", x->visa);
            else
                buf_adds(h, "not recorded");
            buf_adds(h, "</td>");
            date_cell(h, x->start);
            buf_addf(h, "<td>%d</td><td>%d</td></tr>\n", (q->as_of - x->start) / 30 + 1, x->step3_attempts);
        }
        buf_adds(h, "</tbody>\n</table>\n");
    } else
        buf_adds(h, "<p>No resident in month 9 or later is without a Step 3 pass.</p>\n");
    buf_adds(h, "<p>Residents in training in month 9 or later (day 240 on) with no pass of ");
    html_esc(h, q->step3);
    buf_adds(h, " dated by the as-of date; H-1B holders first.</p>\n");
    free(idx);
    return IMGO_OK;
}

/* ---- bias signals by quarter ------------------------------------------------ */

/* A screen's cell: the comparison row of a quarter, "no data" when neither
 * group had anyone, hidden when a group is suppressed. A signal is a shown
 * gap against IMGs whose interval excludes no difference. */
struct screen {
    enum metric_id rate, diff;
    enum metric_show fmt;
    int negative_is_against; /* a gap below 0 is against IMGs (scores) */
};

static const struct mrow *screen_row(const struct rep *r, const struct screen *s, const char *period, int *no_data)
{
    const struct mrow *a = rep_find(r, s->rate, "img", "", period), *b = rep_find(r, s->rate, "non_img", "", period);
    *no_data = (!a || a->n <= 0) && (!b || b->n <= 0);
    return rep_find(r, s->diff, "img_vs_non_img", "", period);
}

static int screen_signal(const struct mrow *d, const struct screen *s)
{
    if (!d || d->suppressed)
        return 0;
    return s->negative_is_against ? d->hi < 0 : d->lo > 0;
}

static void signal_cell(struct rep *r, const struct screen *s, const char *period, const char *prev)
{
    struct buf *h = r->h;
    int no_data, prev_no_data;
    const struct mrow *d = screen_row(r, s, period, &no_data);
    buf_adds(h, "<td>");
    if (no_data)
        buf_adds(h, "<span class=\"na\">no data</span>");
    else if (!d || d->suppressed)
        rep_supp(r, h);
    else {
        rep_value(h, d->value, s->fmt);
        if (isfinite(d->lo) && isfinite(d->hi)) {
            buf_adds(h, " <span class=\"ci\">(");
            rep_num(h, s->fmt == SHOW_PP ? 100 * d->lo : d->lo, s->fmt == SHOW_PP ? 1 : 3);
            buf_adds(h, " to ");
            rep_num(h, s->fmt == SHOW_PP ? 100 * d->hi : d->hi, s->fmt == SHOW_PP ? 1 : 3);
            buf_adds(h, ")</span>");
        }
        if (screen_signal(d, s)) {
            int recurs = screen_signal(screen_row(r, s, prev, &prev_no_data), s);
            buf_adds(h, recurs ? "<br><span class=\"flag\">signal, recurring (2 quarters running)</span>"
                               : "<br><span class=\"flag\">signal</span>");
        }
    }
    buf_adds(h, "</td>");
}

static int bias_signals(struct rep *r, struct imgo_err *err)
{
    (void)err;
    struct quarter *q = r->kind_state;
    struct buf *h = r->h;
    static const struct screen screens[3] = {
        { M_QUARTERLY_EVALUATION_SCORE, M_QUARTERLY_EVALUATION_GAP, SHOW_NUM, 1 },
        { M_QUARTERLY_NEGATIVE_FEEDBACK_RATE, M_QUARTERLY_NEGATIVE_FEEDBACK_DIFF, SHOW_PP, 0 },
        { M_QUARTERLY_ADVERSE_ACTION_RATE, M_QUARTERLY_ADVERSE_ACTION_DIFF, SHOW_PP, 0 },
    };
    /* the four quarters up to this one, and the one before them, which
     * decides whether the first shown quarter's signal recurs */
    char period[5][16];
    for (int i = 0; i < 5; i++) {
        int qi = q->qyear * 4 + (q->qnum - 1) - (4 - i);
        snprintf(period[i], sizeof period[i], "%dQ%d", qi / 4, qi % 4 + 1);
    }
    buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Quarter</th><th scope=\"col\">Evaluation score gap, "
                "IMG minus non-IMG</th><th scope=\"col\">Residents with negative feedback, IMG minus non-IMG</th>"
                "<th scope=\"col\">Residents with an adverse CCC action, IMG minus non-IMG</th></tr></thead>\n"
                "<tbody>\n");
    for (int i = 1; i < 5; i++) {
        int qi = q->qyear * 4 + (q->qnum - 1) - (4 - i);
        buf_addf(h, "<tr><th scope=\"row\">%d Q%d</th>", qi / 4, qi % 4 + 1);
        for (int s = 0; s < 3; s++)
            signal_cell(r, &screens[s], period[i], period[i - 1]);
        buf_adds(h, "</tr>\n");
    }
    buf_adds(h, "</tbody>\n</table>\n<p>A signal is a gap against IMGs whose confidence interval excludes no "
                "difference (Welch for scores, Newcombe for the shares of residents); a signal in two quarters "
                "running is marked recurring. These are unadjusted quarterly screens; the annual report holds "
                "the adjusted analyses. Cells with fewer than ");
    buf_addf(h, "%d", r->min_cell);
    buf_adds(h, " evaluations or residents in a group are suppressed.</p>\n");
    return IMGO_OK;
}

/* ---- early warning ------------------------------------------------------------ */

/* Residents in training whose latest review is low, with how often a low
 * review at that occasion was followed by not reaching Level 4. */
static int low_reviews(struct rep *r, struct imgo_err *err)
{
    (void)err;
    struct quarter *q = r->kind_state;
    struct buf *h = r->h;
    if (!rep_require(r, M_MILESTONE_PPV_NOT_L4))
        return IMGO_OK;
    const char *ts = rep_info(r, "l4_threshold");
    double thr = ts ? strtod(ts, NULL) : 2.5;
    buf_adds(h, "<p class=\"lead\">Residents in training whose latest milestone review has a mean rating of at "
                "most ");
    rep_num(h, thr, 2);
    buf_adds(h, " (l4_threshold). Beside each: of the program's graduates whose review at the same occasion (their "
                "first, second, ... review) was that low, the share who did not reach Level 4 by graduation.</p>\n");
    int n = 0;
    struct buf st = BUF_INIT;
    for (size_t i = 0; i < q->n; i++) {
        const struct qres *x = &q->res[i];
        if (!active(q, x) || !x->n_reviews || !(x->last_mean <= thr))
            continue;
        if (!n++)
            buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Resident</th><th scope=\"col\">Group</th>"
                        "<th scope=\"col\">Latest review</th><th scope=\"col\">Review</th><th scope=\"col\">"
                        "Mean rating</th><th scope=\"col\">Graduates with a review this low who did not reach "
                        "Level 4</th></tr></thead>\n<tbody>\n");
        id_cell(h, x);
        date_cell(h, x->last_review);
        buf_addf(h, "<td>%d</td><td>", x->n_reviews);
        rep_num(h, x->last_mean, 2);
        buf_adds(h, "</td><td>");
        buf_reset(&st);
        buf_addf(&st, "occasion=%d", x->n_reviews);
        const struct mrow *m = rep_find(r, M_MILESTONE_PPV_NOT_L4, "all", buf_str(&st), "");
        if (m)
            rep_est(r, h, m, SHOW_PCT, 2);
        else
            buf_adds(h, "<span class=\"na\">no graduate had so many reviews</span>");
        buf_adds(h, "</td></tr>\n");
    }
    buf_release(&st);
    if (n)
        buf_adds(h, "</tbody>\n</table>\n");
    else
        buf_adds(h, "<p>No resident in training has a latest review this low.</p>\n");
    return IMGO_OK;
}

static int early_warning(struct rep *r, struct imgo_err *err)
{
    (void)err;
    struct quarter *q = r->kind_state;
    struct buf *h = r->h;
    /* the packet names residents anyway: the percentile is used whatever
     * its row's suppression */
    const struct mrow *pm = rep_find(r, M_QUARTERLY_STEP2_P10, "all", "", "");
    double p10 = pm ? pm->value : NAN;
    struct buf why = BUF_INIT;
    int n = 0;
    for (size_t i = 0; i < q->n; i++) {
        const struct qres *x = &q->res[i];
        if (!active(q, x))
            continue;
        buf_reset(&why);
        int sy = date_year(x->start);
        if (x->has_grad && sy - x->grad_year >= 5)
            buf_addf(&why, "%sgraduated %d years before starting", why.len ? "; " : "", sy - x->grad_year);
        if (x->has_step2 && isfinite(p10) && x->step2 < p10) {
            buf_addf(&why, "%sStep 2 score %d below the cohort's 10th percentile (", why.len ? "; " : "", x->step2);
            rep_num(&why, p10, 1);
            buf_adds(&why, ")");
        }
        unsigned miss = q->need[x->img] & ~x->roles_active;
        if (x->start + 7 <= q->as_of && miss) {
            buf_addf(&why, "%sno active ", why.len ? "; " : "");
            roles_text(&why, x->roles_active, q->need[x->img]);
            buf_adds(&why, " mentor");
        }
        int nw = weekly_window(q, x) ? weeks_missed(q, x, NULL) : 0;
        int nm = monthly_window(q, x) ? months_missed(q, x, NULL) : 0;
        if (nw || nm)
            buf_addf(&why, "%scadence behind (%d week(s), %d month(s) without a meeting)", why.len ? "; " : "", nw, nm);
        if (x->falling) {
            buf_addf(&why, "%smilestone ratings falling (mean ", why.len ? "; " : "");
            rep_num(&why, x->prev_mean, 2);
            buf_adds(&why, " to ");
            rep_num(&why, x->last_mean, 2);
            buf_adds(&why, ")");
        }
        if (x->adverse) {
            char d[11];
            date_format(x->adverse_date, d);
            buf_addf(&why, "%sadverse CCC action (%s)", why.len ? "; " : "", d);
        }
        if (!why.len)
            continue;
        if (!n++)
            buf_adds(h, "<table>\n<thead><tr><th scope=\"col\">Resident</th><th scope=\"col\">Group</th>"
                        "<th scope=\"col\">Reasons</th></tr></thead>\n<tbody>\n");
        id_cell(h, x);
        buf_adds(h, "<td>");
        html_esc(h, buf_str(&why));
        buf_adds(h, "</td></tr>\n");
    }
    if (n)
        buf_adds(h, "</tbody>\n</table>\n");
    else
        buf_adds(h, "<p>No resident in training meets an early-warning criterion.</p>\n");
    buf_adds(h, "<p>Criteria: graduation 5 or more years before the start of residency; Step 2 score below the "
                "10th percentile of the cohort; a required mentor role with no active assignment; cadence "
                "behind (section 2); mean milestone rating lower at the latest review than at the one before; "
                "any remediation, probation, non-promotion or dismissal.</p>\n");
    buf_release(&why);
    return IMGO_OK;
}

/* ---- the kind ------------------------------------------------------------------ */

static void packet_title(const struct rep *r, struct buf *out)
{
    int y, m, d;
    date_to_ymd(r->as_of, &y, &m, &d);
    buf_addf(out, "IMG committee packet, %d Q%d", y, (m - 1) / 3 + 1);
}

static int cover(struct rep *r, struct imgo_err *err)
{
    (void)err;
    struct quarter *q = r->kind_state;
    struct buf *h = r->h, title = BUF_INIT;
    packet_title(r, &title);
    char a[11], qs[11], qe[11];
    date_format(q->as_of, a);
    date_format(q->qstart, qs);
    date_format(q->qend, qe);
    buf_adds(h, "<h1>");
    html_esc(h, buf_str(&title));
    buf_addf(h, "</h1>\n<dl class=\"meta\">\n<dt>Quarter</dt><dd>%s to %s</dd>\n<dt>Data as of</dt><dd>%s</dd>\n"
                "<dt>imgo version</dt><dd>", qs, qe, a);
    html_esc(h, rep_info(r, "imgo_version") ? rep_info(r, "imgo_version") : "n/a");
    buf_adds(h, "</dd>\n</dl>\n");
    rep_cover_warnings(r);
    buf_adds(h, "<p>This packet names residents by ID for the IMG committee's follow-up. "
                "Keep it within the committee.</p>\n");
    buf_release(&title);
    return IMGO_OK;
}

static void end(struct rep *r)
{
    struct quarter *q = r->kind_state;
    if (!q)
        return;
    for (size_t i = 0; i < q->n; i++) {
        free(q->res[i].id);
        free(q->res[i].visa);
    }
    free(q->res);
    free(q->by_rid);
    free(q);
    r->kind_state = NULL;
}

static int begin(struct rep *r, struct imgo_err *err)
{
    if (!r->has_as_of)
        return imgo_err_set(err, IMGO_EUSAGE, "the database records no as-of date; run 'imgo compute' first");
    struct quarter *q = xcalloc(1, sizeof *q);
    r->kind_state = q;
    q->r = r;
    q->as_of = r->as_of;
    const char *s3 = rep_info(r, "step3_exam");
    q->step3 = s3 && *s3 ? s3 : "USMLE-STEP3";
    q->need[1] = role_list(rep_info(r, "required_roles_img"), "senior_resident,faculty,peer");
    q->need[0] = role_list(rep_info(r, "required_roles_non_img"), "senior_resident,faculty");
    int y, m, d;
    date_to_ymd(q->as_of, &y, &m, &d);
    q->qyear = y;
    q->qnum = (m - 1) / 3 + 1;
    q->qstart = quarter_start(y, q->qnum);
    q->qend = (q->qnum == 4 ? date_from_ymd(y + 1, 1, 1) : quarter_start(y, q->qnum + 1)) - 1;
    return load(q, err);
}

static const struct report_section sections[] = {
    { "cover", NULL, cover },
    { "new-residents", "New residents and their mentors", new_residents },
    { "cadence", "Residents behind on mentoring cadence", cadence },
    { "mentor-load", "Mentor load", mentor_load },
    { "step3-watch", "Step 3 watch list", step3_watch },
    { "bias-signals", "Bias signals, last four quarters", bias_signals },
    { "low-reviews", "Low milestone reviews and reaching Level 4", low_reviews },
    { "early-warning", "Early-warning list", early_warning },
};

const struct report_kind_def report_kind_quarterly = {
    REPORT_QUARTERLY, "quarterly", packet_title, 1, 0, begin, end, sections, sizeof sections / sizeof sections[0],
};
