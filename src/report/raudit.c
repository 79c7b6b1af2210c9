/*
 * raudit.c - the small-cell audit of a written report (report.h,
 * report_audit): what a reader of OUT/public.csv can work out.
 *
 * The model is the one the report proved before it wrote anything
 * (disclose.h), built from files instead of the database: the rows are the
 * keys of OUT/metrics.csv (the values there are not read: a reader of the
 * report does not have them) and of public.csv, the printed numbers are
 * public.csv's. A report written by imgo passes; one edited by hand, or a
 * public.csv with a number added, may not.
 */
#include "report.h"
#include "audit.h"
#include "csvread.h"
#include "disclose.h"
#include "mem.h"
#include "public.h"
#include "registry.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const FIELD_NAMES[] = { "n", "k", "value", "ci_low", "ci_high", "p_value", "q_value" };

/* The rows of the model, owning their key strings. */
struct keys {
    struct disclose_row *rows;
    size_t n, cap;
};

static void keys_add(struct keys *k, const char *metric, const char *group, const char *stratum,
                     const char *period)
{
    ALLOC_GROW(k->rows, k->n + 1, k->cap);
    struct disclose_row *r = &k->rows[k->n++];
    memset(r, 0, sizeof *r);
    const struct metric_def *d = metric_def_find(metric);
    r->id = d ? d->id : M_NONE;
    r->metric = xstrdup(metric);
    r->group = xstrdup(group);
    r->stratum = xstrdup(stratum);
    r->period = xstrdup(period);
    r->n = r->k = AUDIT_NO_TRUTH;
}

static void keys_release(struct keys *k)
{
    for (size_t i = 0; i < k->n; i++) {
        free((char *)k->rows[i].metric);
        free((char *)k->rows[i].group);
        free((char *)k->rows[i].stratum);
        free((char *)k->rows[i].period);
    }
    free(k->rows);
    memset(k, 0, sizeof *k);
}

static int cmp_rows(const void *a, const void *b)
{
    const struct disclose_row *y = b;
    return disclose_cmp_key(a, y->metric, y->group, y->stratum, y->period);
}

/* Sorts the rows as metrics.csv and keeps one of each key. */
static void keys_sort(struct keys *k)
{
    if (k->n)
        qsort(k->rows, k->n, sizeof *k->rows, cmp_rows);
    size_t u = 0;
    for (size_t i = 0; i < k->n; i++) {
        struct disclose_row *r = &k->rows[i];
        if (u && !cmp_rows(&k->rows[u - 1], r)) {
            free((char *)r->metric);
            free((char *)r->group);
            free((char *)r->stratum);
            free((char *)r->period);
            continue;
        }
        k->rows[u++] = *r;
    }
    k->n = u;
}

static size_t keys_find(const struct keys *k, const struct public_row *p)
{
    return disclose_find(k->rows, k->n, p->metric, p->group, p->stratum, p->period);
}

/* The row keys of OUT/metrics.csv (its first four columns); a missing file
 * adds none. */
static int read_metric_keys(struct keys *k, const char *path, struct imgo_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? IMGO_OK : imgo_err_set(err, IMGO_EIO, "%s: %s", path, strerror(errno));
    static const char *const head[] = { "metric", "group", "stratum", "period" };
    struct csvread rd;
    struct csvread_record rec;
    csvread_init(&rd, fd, path, 0);
    int rc = IMGO_OK, got;
    long line = 0;
    while (!rc && (got = csvread_next(&rd, &rec, err)) > 0) {
        int ok = rec.nfields >= 4;
        for (size_t i = 0; ok && i < 4; i++) {
            ok = csvread_is_utf8(rec.field[i], rec.len[i]) || !rec.len[i];
            if (ok && !line)
                ok = !strcmp(rec.field[i], head[i]);
        }
        if (!ok)
            rc = imgo_err_set(err, IMGO_EDATA, "%s:%ld: %s", path, rec.line,
                              line ? "not a row of metrics.csv (metric, group, stratum, period first)"
                                   : "the header must begin 'metric,group,stratum,period'");
        else if (line++)
            keys_add(k, rec.field[0], rec.field[1], rec.field[2], rec.field[3]);
    }
    if (!rc && got < 0)
        rc = err->status;
    csvread_release(&rd);
    close(fd);
    return rc;
}

/* The M of the "fewer than M" labels, 0 when there are none; the labels
 * must agree. */
static int label_min_cell(const struct public_table *t, int *m, struct imgo_err *err)
{
    *m = 0;
    for (size_t i = 0; i < t->n; i++) {
        const struct public_row *p = &t->rows[i];
        if (p->num.kind != PUBLIC_NUMBER || p->num.lo == p->num.hi || strncmp(p->shown, "fewer than ", 11))
            continue;
        int v = (int)p->num.hi + 1;
        if (*m && v != *m)
            return imgo_err_set(err, IMGO_EDATA, "public.csv:%ld: 'fewer than %d', where earlier lines say "
                                "'fewer than %d'", p->line, v, *m);
        *m = v;
    }
    return IMGO_OK;
}

static void interval(struct buf *b, long lo, long hi)
{
    if (hi == AUDIT_NO_UPPER)
        buf_addf(b, "%ld or more", lo);
    else if (lo == hi)
        buf_addf(b, "%ld for certain", lo);
    else
        buf_addf(b, "%ld to %ld", lo, hi);
}

int report_audit(const char *outdir, int min_cell, struct buf *out, size_t *leaks, struct imgo_err *err)
{
    *leaks = 0;
    struct public_table t;
    struct keys k = { 0 };
    struct buf path = BUF_INIT, field = BUF_INIT;
    struct disclose_pub *pub = NULL;
    struct disclose d;
    int built = 0, labels;
    public_table_init(&t);
    buf_addf(&path, "%s/public.csv", outdir);
    int rc = public_read(&t, buf_str(&path), err);
    if (!rc)
        rc = label_min_cell(&t, &labels, err);
    if (!rc && labels && min_cell && labels != min_cell)
        rc = imgo_err_set(err, IMGO_EUSAGE, "%s labels small counts 'fewer than %d', not %d: the report was "
                          "written with min_cell %d", buf_str(&path), labels, min_cell, labels);
    if (!min_cell)
        min_cell = labels ? labels : 5;
    buf_reset(&path);
    buf_addf(&path, "%s/metrics.csv", outdir);
    if (!rc)
        rc = read_metric_keys(&k, buf_str(&path), err);
    if (!rc) {
        for (size_t i = 0; i < t.n; i++)
            keys_add(&k, t.rows[i].metric, t.rows[i].group, t.rows[i].stratum, t.rows[i].period);
        keys_sort(&k);
        /* field names as the model takes them; the strings live in names */
        char **names = xcalloc(t.n ? t.n : 1, sizeof *names);
        pub = xcalloc(t.n ? t.n : 1, sizeof *pub);
        for (size_t i = 0; i < t.n; i++) {
            const struct public_row *p = &t.rows[i];
            buf_reset(&field);
            if (p->field == PUBLIC_TEXT)
                buf_addf(&field, "text:%s", p->text_name);
            else
                buf_adds(&field, FIELD_NAMES[p->field]);
            names[i] = xstrdup(buf_str(&field));
            pub[i].row = keys_find(&k, p);
            pub[i].field = names[i];
            pub[i].shown = p->shown;
        }
        rc = disclose_build(&d, k.rows, k.n, pub, t.n, min_cell, 0, err);
        built = !rc;
        if (!rc)
            rc = audit_check(d.a, err);
        for (size_t i = 0; i < t.n; i++)
            free(names[i]);
        free(names);
    }
    size_t nprot = 0, nfree = 0;
    for (size_t c = 0; !rc && c < audit_ncells(d.a); c++) {
        long lo, hi;
        enum audit_verdict v = audit_cell_result(d.a, c, &lo, &hi);
        int printed = d.figure[d.cell_row[c]] != AUDIT_NONE;
        if (v == AUDIT_SHOWN || (!printed && (v == AUDIT_SAFE || v == AUDIT_NO_SECRET)))
            continue;
        if (v == AUDIT_LEAK_RANGE || v == AUDIT_LEAK_ZERO || v == AUDIT_LEAK_ALL) {
            ++*leaks;
            buf_adds(out, "LEAK       ");
            audit_explain(d.a, c, out);
        } else {
            /* a count 0 or min_cell or more for certain is no small group */
            int prot = v == AUDIT_SAFE && hi != 0 && lo < min_cell;
            if (prot)
                nprot++;
            else
                nfree++;
            buf_addf(out, "%-10s %s: ", prot ? "protected" : "not secret", audit_cell_name(d.a, c));
            interval(out, lo, hi);
        }
        buf_addc(out, '\n');
    }
    if (!rc)
        buf_addf(out, "%zu hidden counts: %zu protected, %zu not secret, %zu leaking (min_cell %d)\n",
                 nprot + nfree + *leaks, nprot, nfree, *leaks, min_cell);
    if (built)
        disclose_release(&d);
    free(pub);
    keys_release(&k);
    public_table_release(&t);
    buf_release(&path);
    buf_release(&field);
    return rc;
}
