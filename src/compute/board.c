/*
 * board.c - board certification (first-attempt pass rates by year
 * and over three years, the IMG vs non-IMG difference, the accreditation
 * flag, the eventual pass rate), Step 3 by month 12, and fellowship match.
 *
 * One pass over board_exams in key order (rid, exam, attempt) gives, per
 * resident and exam, the first attempt and whether any attempt passed;
 * the rates are then counted per exam, year and group in small arrays.
 * The adjusted odds ratio of the three-year span (board.adjusted_or) is a
 * logistic regression on that span's takers, a few thousand at most.
 * Each yearly rate also gets its change from the year before
 * (board.first_attempt_pass_change, fellowship.match_change).
 *
 * The exams' names decide what is Step 3 and what is a board exam, so the
 * names are where silent mistakes hide: a step3_exam or a named board exam
 * with no attempt, or a name that misses step3_exam only by its spelling,
 * is a warning of the run (compute_warn).
 */
#include "compute.h"
#include "date.h"
#include "db.h"
#include "mem.h"
#include "strdict.h"

#include <ctype.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One resident's history with one exam. */
struct take {
    size_t res;     /* index into x->res */
    int exam;       /* strdict id */
    int has_first;  /* attempt 1 dated <= as-of */
    int date1, pass1, any_pass;
};

static void add_diff(struct compute_ctx *x, enum metric_id metric, const char *stratum,
                     const char *period, const long k[3], const long n[3])
{
    if (n[GROUP_IMG] < 1 || n[GROUP_NON_IMG] < 1)
        return;
    struct stats_est e = stats_newcombe(k[GROUP_IMG], n[GROUP_IMG], k[GROUP_NON_IMG], n[GROUP_NON_IMG],
                                        x->conf);
    metric_add(x->m, metric, "img_vs_non_img", stratum, period, n[GROUP_IMG] + n[GROUP_NON_IMG],
               k[GROUP_IMG] + k[GROUP_NON_IMG], e);
}

/* Is exam name in the comma-separated list (case-insensitive)? */
static int in_list(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *s = list; *s;) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == len && !strncasecmp(s, name, len))
            return 1;
        if (!e)
            break;
        s = e + 1;
    }
    return 0;
}

/* board.adjusted_or of exam over the span ymax-2..ymax (period): logistic
 * regression pass ~ 1 + img + z on the span's first-time takers with a
 * step2_score, z = (step2_score - mean) / sd (sd with n - 1). Written when
 * both groups have a taker; value, interval and p are empty when a cell of
 * the img x pass table is 0, sd is 0 or there are fewer than 2 takers, or
 * no maximum likelihood estimate is found (stats_logit_fit: not converged
 * in 25 iterations, separated, or singular). */
static void adjusted_or(struct compute_ctx *x, const struct take *takes, size_t n_takes, int exam, int ymax,
                        const char *stratum, const char *period)
{
    size_t n = 0;
    long cell[2][2] = { { 0, 0 }, { 0, 0 } }; /* [img][pass] */
    struct stats_moments m = STATS_MOMENTS_INIT;
    for (size_t i = 0; i < n_takes; i++) {
        const struct take *t = &takes[i];
        const struct compute_resident *r = &x->res[t->res];
        if (t->exam != exam || !t->has_first || date_year(t->date1) < ymax - 2 || r->step2 < 0)
            continue;
        n++;
        cell[r->img][t->pass1 != 0]++;
        stats_moments_add(&m, (double)r->step2);
    }
    long n_img = cell[1][0] + cell[1][1], n_non = cell[0][0] + cell[0][1];
    if (n_img < 1 || n_non < 1)
        return;
    struct stats_est e = { NAN, NAN, NAN, NAN };
    double sd = sqrt(stats_moments_var(&m));
    if (cell[0][0] && cell[0][1] && cell[1][0] && cell[1][1] && n >= 2 && sd > 0) {
        gsl_matrix *xm = gsl_matrix_alloc(n, 3), *cov = gsl_matrix_alloc(3, 3);
        gsl_vector *y = gsl_vector_alloc(n), *beta = gsl_vector_alloc(3);
        if (!xm || !cov || !y || !beta) {
            fputs("imgo: out of memory\n", stderr);
            exit(3);
        }
        size_t row = 0;
        for (size_t i = 0; i < n_takes; i++) {
            const struct take *t = &takes[i];
            const struct compute_resident *r = &x->res[t->res];
            if (t->exam != exam || !t->has_first || date_year(t->date1) < ymax - 2 || r->step2 < 0)
                continue;
            gsl_matrix_set(xm, row, 0, 1.0);
            gsl_matrix_set(xm, row, 1, r->img);
            gsl_matrix_set(xm, row, 2, ((double)r->step2 - m.mean) / sd);
            gsl_vector_set(y, row, t->pass1 ? 1.0 : 0.0);
            row++;
        }
        struct stats_logit fit;
        if (stats_logit_fit(xm, y, NULL, beta, cov, &fit) == STATS_LOGIT_OK)
            e = stats_est_exp(stats_wald(beta, cov, 1, x->conf));
        gsl_matrix_free(xm);
        gsl_matrix_free(cov);
        gsl_vector_free(y);
        gsl_vector_free(beta);
    }
    metric_add(x->m, M_BOARD_ADJUSTED_OR, "img_vs_non_img", stratum, period, n_img + n_non,
               cell[0][1] + cell[1][1], e);
}

/* The rows of one certification exam; returns 1 when its accreditation
 * flag is raised. */
static int exam_rows(struct compute_ctx *x, const struct take *takes, size_t n_takes, int exam,
                      const char *name)
{
    int ymin = 0, ymax = 0, any = 0;
    for (size_t i = 0; i < n_takes; i++) {
        if (takes[i].exam != exam || !takes[i].has_first)
            continue;
        int y = date_year(takes[i].date1);
        if (!any || y < ymin)
            ymin = y;
        if (!any || y > ymax)
            ymax = y;
        any = 1;
    }
    struct buf stratum = BUF_INIT;
    buf_addf(&stratum, "exam=%s", name);
    /* eventual pass: every resident with an attempt of the exam */
    long en[3] = { 0, 0, 0 }, ek[3] = { 0, 0, 0 };
    for (size_t i = 0; i < n_takes; i++)
        if (takes[i].exam == exam)
            compute_count(en, ek, x->res[takes[i].res].img, takes[i].any_pass);
    for (int g = 0; g < 3; g++)
        compute_add_rate(x, M_BOARD_EVENTUAL_PASS_RATE, g, buf_str(&stratum), NULL, ek[g], en[g]);
    if (!any) {
        buf_release(&stratum);
        return 0;
    }
    size_t ny = (size_t)(ymax - ymin + 1);
    long (*n)[3] = xcalloc(ny, sizeof *n), (*k)[3] = xcalloc(ny, sizeof *k);
    for (size_t i = 0; i < n_takes; i++) {
        if (takes[i].exam != exam || !takes[i].has_first)
            continue;
        size_t y = (size_t)(date_year(takes[i].date1) - ymin);
        compute_count(n[y], k[y], x->res[takes[i].res].img, takes[i].pass1);
    }
    char period[32];
    long sn[3] = { 0, 0, 0 }, sk[3] = { 0, 0, 0 };
    for (size_t y = 0; y < ny; y++) {
        if (!n[y][GROUP_ALL])
            continue;
        snprintf(period, sizeof period, "%d", ymin + (int)y);
        for (int g = 0; g < 3; g++)
            compute_add_rate(x, M_BOARD_FIRST_ATTEMPT_PASS_RATE, g, buf_str(&stratum), period, k[y][g],
                             n[y][g]);
        add_diff(x, M_BOARD_FIRST_ATTEMPT_PASS_DIFF, buf_str(&stratum), period, k[y], n[y]);
        if (y > 0 && n[y - 1][GROUP_ALL])
            compute_add_change(x, M_BOARD_FIRST_ATTEMPT_PASS_CHANGE, buf_str(&stratum), ymin + (int)y,
                               k[y][GROUP_ALL], n[y][GROUP_ALL], k[y - 1][GROUP_ALL], n[y - 1][GROUP_ALL]);
        if (ymin + (int)y >= ymax - 2)
            for (int g = 0; g < 3; g++) {
                sn[g] += n[y][g];
                sk[g] += k[y][g];
            }
    }
    snprintf(period, sizeof period, "%d-%d", ymax - 2, ymax);
    for (int g = 0; g < 3; g++)
        compute_add_rate(x, M_BOARD_FIRST_ATTEMPT_PASS_RATE, g, buf_str(&stratum), period, sk[g], sn[g]);
    add_diff(x, M_BOARD_FIRST_ATTEMPT_PASS_DIFF, buf_str(&stratum), period, sk, sn);
    adjusted_or(x, takes, n_takes, exam, ymax, buf_str(&stratum), period);
    struct stats_est flag = { NAN, NAN, NAN, NAN };
    flag.value = (double)sk[GROUP_ALL] / (double)sn[GROUP_ALL] < x->p->board_pass_threshold ? 1 : 0;
    metric_add(x->m, M_BOARD_ACCREDITATION_FLAG, "all", buf_str(&stratum), period, sn[GROUP_ALL],
               sk[GROUP_ALL], flag);
    /* chart: by series (group), then year */
    static const int order[3] = { GROUP_ALL, GROUP_IMG, GROUP_NON_IMG };
    for (int oi = 0; oi < 3; oi++) {
        int g = order[oi];
        for (size_t y = 0; y < ny; y++) {
            if (!n[y][GROUP_ALL])
                continue;
            struct stats_est e = stats_wilson(k[y][g], n[y][g], x->conf);
            chart_add(x->c, C_BOARD_PASS, compute_group_name[g], name, ymin + (int)y, n[y][g], k[y][g],
                      e.value, e.lo, e.hi, n[y][g] < x->p->min_cell);
        }
    }
    free(n);
    free(k);
    buf_release(&stratum);
    return flag.value == 1;
}

/* An exam name reduced to its lower-case letters and digits (other bytes
 * of UTF-8 kept), so that "USMLE Step 3" and "USMLE-STEP3" meet; the
 * caller frees it. */
static char *name_key(const char *name)
{
    struct buf b = BUF_INIT;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
        if (*c >= 0x80 || isalnum(*c))
            buf_addc(&b, (char)tolower(*c));
    }
    return buf_detach(&b, NULL);
}

/* The warnings about exam names (board.c's opening comment). attempts[i]
 * counts the attempts of exam i read (dated by as-of, selected residents);
 * cert[i] says whether it is a certification exam, flag[i] whether its
 * accreditation flag is raised. */
static void exam_warnings(struct compute_ctx *x, const struct strdict *exams, const long *attempts,
                          const unsigned char *cert, const unsigned char *flag, const int *order)
{
    char date[11];
    date_format(x->as_of, date);
    char *step3_key = name_key(x->p->step3_exam);
    struct buf step3 = BUF_INIT, name = BUF_INIT;
    compute_quote(&step3, x->p->step3_exam);
    if (x->step3_attempts == 0)
        compute_warn(x,
                     "board_exams.csv records no attempt of %s (the step3_exam) up to the as-of date %s: "
                     "Step 3 passed by month 12 cannot be measured.",
                     buf_str(&step3), date);
    /* names that differ from step3_exam only by case, spaces or punctuation */
    for (size_t i = 0; *step3_key && i < exams->len; i++) {
        int id = order[i];
        char *key = name_key(strdict_str(exams, id));
        if (!strcmp(key, step3_key) && strcasecmp(strdict_str(exams, id), x->p->step3_exam)) {
            buf_reset(&name);
            compute_quote(&name, strdict_str(exams, id));
            if (cert[id])
                compute_warn(x,
                             "The exam %s (%ld attempt%s in board_exams.csv) differs from step3_exam %s only "
                             "by case, spaces or punctuation: it is counted as a certification board exam, "
                             "not as Step 3%s. If it is Step 3, set step3_exam to its name in the pipeline.",
                             buf_str(&name), attempts[id], attempts[id] == 1 ? "" : "s", buf_str(&step3),
                             flag[id] ? ", and its first-attempt pass rate raises an accreditation flag" : "");
            else
                compute_warn(x,
                             "The exam %s (%ld attempt%s in board_exams.csv) differs from step3_exam %s only "
                             "by case, spaces or punctuation: it is counted neither as Step 3 nor as a "
                             "certification board exam (board_exams does not name it). If it is Step 3, set "
                             "step3_exam to its name in the pipeline.",
                             buf_str(&name), attempts[id], attempts[id] == 1 ? "" : "s", buf_str(&step3));
        }
        free(key);
    }
    /* each exam board_exams names, with no attempt */
    for (const char *s = x->p->board_exams; s && *s;) {
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        long n = 0;
        for (size_t i = 0; i < exams->len; i++) {
            const char *have = strdict_str(exams, (int)i);
            if (strlen(have) == len && !strncasecmp(have, s, len))
                n += attempts[i];
        }
        if (!n) {
            char *want = xstrndup(s, len);
            buf_reset(&name);
            compute_quote(&name, want);
            compute_warn(x,
                         "board_exams names %s, but board_exams.csv records no attempt of it up to the "
                         "as-of date %s: it has no pass rate and no accreditation flag.",
                         buf_str(&name), date);
            free(want);
        }
        s = e ? e + 1 : s + len;
    }
    buf_release(&step3);
    buf_release(&name);
    free(step3_key);
}

static void step3_rows(struct compute_ctx *x, const unsigned char *passed12)
{
    static const char *const visa_name[4] = { "none", "j1", "h1b", "other" };
    long n[3] = { 0, 0, 0 }, k[3] = { 0, 0, 0 }, vn[4] = { 0, 0, 0, 0 }, vk[4] = { 0, 0, 0, 0 };
    for (size_t i = 0; i < x->n_res; i++) {
        const struct compute_resident *r = &x->res[i];
        if (!r->active || r->start + 365 > x->as_of)
            continue;
        compute_count(n, k, r->img, passed12[i]);
        if (r->img && r->visa != VISA_MISSING) {
            vn[r->visa]++;
            vk[r->visa] += passed12[i];
        }
    }
    static const int order[3] = { GROUP_ALL, GROUP_IMG, GROUP_NON_IMG };
    for (int oi = 0; oi < 3; oi++) {
        int g = order[oi];
        compute_add_rate(x, M_STEP3_PASS_BY_MONTH12, g, NULL, NULL, k[g], n[g]);
        struct stats_est e = stats_wilson(k[g], n[g], x->conf);
        chart_add(x->c, C_STEP3_VISA, "group", compute_group_name[g], oi + 1, n[g], k[g], e.value, e.lo,
                  e.hi, n[g] < x->p->min_cell);
    }
    for (int v = 0; v < 4; v++) {
        char stratum[16];
        snprintf(stratum, sizeof stratum, "visa=%s", visa_name[v]);
        compute_add_rate(x, M_STEP3_PASS_BY_MONTH12, GROUP_IMG, stratum, NULL, vk[v], vn[v]);
        struct stats_est e = stats_wilson(vk[v], vn[v], x->conf);
        chart_add(x->c, C_STEP3_VISA, "visa", visa_name[v], v + 1, vn[v], vk[v], e.value, e.lo, e.hi,
                  vn[v] < x->p->min_cell);
    }
}

int compute_board(struct compute_ctx *x, struct imgo_err *err)
{
    struct res_cursor c;
    int rc = res_cursor_open(&c, x,
                             "SELECT rid, exam, attempt, exam_date, result FROM board_exams"
                             " WHERE exam_date <= ?1 ORDER BY rid, exam, attempt",
                             err);
    if (rc)
        return rc;
    struct strdict exams;
    strdict_init(&exams);
    struct take *takes = NULL;
    size_t n_takes = 0, alloc = 0;
    unsigned char *passed12 = xcalloc(x->n_res ? x->n_res : 1, 1);
    long *attempts = NULL; /* by exam id */
    size_t attempts_alloc = 0;
    int last_exam = -1, s;
    while ((s = res_cursor_next(&c, err)) > 0) {
        const struct compute_resident *r = c.r;
        const char *exam = (const char *)sqlite3_column_text(c.st, 1);
        int id = strdict_intern(&exams, exam, (size_t)sqlite3_column_bytes(c.st, 1));
        ALLOC_GROW_ZERO(attempts, exams.len, attempts_alloc);
        attempts[id]++;
        int attempt = sqlite3_column_int(c.st, 2), date = sqlite3_column_int(c.st, 3);
        const char *result = (const char *)sqlite3_column_text(c.st, 4);
        int pass = result && !strcmp(result, "pass");
        if (c.first || id != last_exam) {
            ALLOC_GROW(takes, n_takes + 1, alloc);
            struct take *t = &takes[n_takes++];
            memset(t, 0, sizeof *t);
            t->res = (size_t)(r - x->res);
            t->exam = id;
            last_exam = id;
        }
        struct take *t = &takes[n_takes - 1];
        if (attempt == 1) {
            t->has_first = 1;
            t->date1 = date;
            t->pass1 = pass;
        }
        t->any_pass |= pass;
        if (pass && date <= r->start + 365 && !strcasecmp(exam, x->p->step3_exam))
            passed12[r - x->res] = 1;
    }
    res_cursor_close(&c);
    if (s < 0)
        rc = err->status;
    if (!rc) {
        /* the certification exams, in byte order of their names */
        int *order = strdict_sorted(&exams);
        unsigned char *cert = xcalloc(exams.len ? exams.len : 1, 1);
        unsigned char *flag = xcalloc(exams.len ? exams.len : 1, 1);
        x->step3_attempts = 0;
        for (size_t i = 0; i < exams.len; i++) {
            const char *name = strdict_str(&exams, (int)i);
            cert[i] = x->p->board_exams ? in_list(x->p->board_exams, name)
                                        : strcasecmp(name, x->p->step3_exam) != 0;
            if (!strcasecmp(name, x->p->step3_exam))
                x->step3_attempts += attempts[i];
        }
        for (size_t i = 0; i < exams.len; i++)
            if (cert[order[i]])
                flag[order[i]] = (unsigned char)exam_rows(x, takes, n_takes, order[i],
                                                          strdict_str(&exams, order[i]));
        /* an absent file warns of nothing: the report says it was not provided */
        if (x->present & SRC_BOARD_EXAMS)
            exam_warnings(x, &exams, attempts, cert, flag, order);
        /* each resident's earliest first attempt of a certification exam;
         * takes are in (rid, exam byte order), so the first of equal dates
         * wins the tie as metrics.md asks */
        for (size_t i = 0; i < n_takes; i++) {
            const struct take *t = &takes[i];
            if (!cert[t->exam] || !t->has_first)
                continue;
            struct compute_resident *r = &x->res[t->res];
            if (!r->has_first_cert || t->date1 < r->first_cert_date) {
                r->has_first_cert = 1;
                r->first_cert_pass = (unsigned char)t->pass1;
                r->first_cert_date = t->date1;
            }
        }
        free(cert);
        free(flag);
        free(order);
        step3_rows(x, passed12);
    }
    free(attempts);
    free(passed12);
    free(takes);
    strdict_release(&exams);
    return rc;
}

int compute_fellowship(struct compute_ctx *x, struct imgo_err *err)
{
    struct res_cursor c;
    int rc = res_cursor_open(&c, x,
                             "SELECT rid, cycle_year, max(outcome = 'matched'),"
                             " max(outcome IN ('matched', 'unmatched'))"
                             " FROM fellowship_applications WHERE cycle_year <= ?1"
                             " GROUP BY rid, cycle_year ORDER BY rid, cycle_year",
                             err);
    if (rc)
        return rc;
    sqlite3_bind_int(c.st, 1, date_year(x->as_of)); /* cycles by year, not by day */
    int ymin = 0, ymax = -1, s;
    long (*n)[3] = NULL, (*k)[3] = NULL;
    long pn[3] = { 0, 0, 0 }, pk[3] = { 0, 0, 0 };
    while ((s = res_cursor_next(&c, err)) > 0) {
        if (!sqlite3_column_int(c.st, 3))
            continue; /* only withdrawn applications: not an applicant */
        int y = sqlite3_column_int(c.st, 1), matched = sqlite3_column_int(c.st, 2) != 0;
        if (ymax < ymin || y < ymin || y > ymax) {
            /* widen the year range to hold y */
            int nmin = ymax < ymin ? y : (y < ymin ? y : ymin);
            int nmax = ymax < ymin ? y : (y > ymax ? y : ymax);
            size_t len = (size_t)(nmax - nmin + 1);
            long (*nn)[3] = xcalloc(len, sizeof *nn), (*nk)[3] = xcalloc(len, sizeof *nk);
            for (int yy = ymin; yy <= ymax; yy++) {
                memcpy(nn[yy - nmin], n[yy - ymin], sizeof *nn);
                memcpy(nk[yy - nmin], k[yy - ymin], sizeof *nk);
            }
            free(n);
            free(k);
            n = nn;
            k = nk;
            ymin = nmin;
            ymax = nmax;
        }
        compute_count(n[y - ymin], k[y - ymin], c.r->img, matched);
        compute_count(pn, pk, c.r->img, matched);
    }
    res_cursor_close(&c);
    if (s < 0)
        rc = err->status;
    if (!rc) {
        /* the pooled rows are written whenever the file has rows (those of
         * an absent file are dropped by compute_run), with n = 0 when no
         * application counts by as-of */
        for (int g = 0; g < 3; g++)
            compute_add_rate(x, M_FELLOWSHIP_MATCH_RATE, g, NULL, NULL, pk[g], pn[g]);
        add_diff(x, M_FELLOWSHIP_MATCH_DIFF, NULL, NULL, pk, pn);
        char period[16];
        for (int y = ymin; y <= ymax; y++) {
            if (!n[y - ymin][GROUP_ALL])
                continue;
            snprintf(period, sizeof period, "%d", y);
            for (int g = 0; g < 3; g++)
                compute_add_rate(x, M_FELLOWSHIP_MATCH_RATE, g, NULL, period, k[y - ymin][g], n[y - ymin][g]);
            add_diff(x, M_FELLOWSHIP_MATCH_DIFF, NULL, period, k[y - ymin], n[y - ymin]);
            if (y > ymin && n[y - 1 - ymin][GROUP_ALL])
                compute_add_change(x, M_FELLOWSHIP_MATCH_CHANGE, NULL, y, k[y - ymin][GROUP_ALL],
                                   n[y - ymin][GROUP_ALL], k[y - 1 - ymin][GROUP_ALL],
                                   n[y - 1 - ymin][GROUP_ALL]);
        }
        static const int order[3] = { GROUP_ALL, GROUP_IMG, GROUP_NON_IMG };
        for (int oi = 0; oi < 3; oi++) {
            int g = order[oi];
            for (int y = ymin; y <= ymax; y++) {
                if (!n[y - ymin][GROUP_ALL])
                    continue;
                snprintf(period, sizeof period, "%d", y);
                long nn = n[y - ymin][g], kk = k[y - ymin][g];
                struct stats_est e = stats_wilson(kk, nn, x->conf);
                chart_add(x->c, C_FELLOWSHIP_MATCH, compute_group_name[g], period, y, nn, kk, e.value,
                          e.lo, e.hi, nn < x->p->min_cell);
            }
        }
    }
    free(n);
    free(k);
    return rc;
}
