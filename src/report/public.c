/*
 * public.c - reading a report's published numbers back from public.csv.
 *
 * The audit must reason about what a reader sees, so each number is taken
 * as printed and widened to every value that prints the same: a rate shown
 * with one decimal of a percent is known to a twentieth of a percent
 * either side, no better. Interval ends are computed from the printed
 * digits as one division of two whole numbers (both exact in a double), so
 * "87.8%" gives the doubles nearest 0.8775 and 0.8785 and nothing drifts.
 * Records come from csvread (libcsv, RFC 4180, physical line numbers).
 */
#include "public.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "csvread.h"
#include "mem.h"
#include "strdict.h"

#define MAX_DIGITS 15

static const char *const FIELD_NAMES[] = { "n", "k", "value", "ci_low", "ci_high", "p_value", "q_value" };
static const char *const COLUMNS[] = { "metric", "group", "stratum", "period", "field", "shown" };
#define NCOLUMNS 6

int public_field_parse(const char *name, const char **text_name)
{
    *text_name = NULL;
    for (int i = 0; i < (int)(sizeof FIELD_NAMES / sizeof FIELD_NAMES[0]); i++)
        if (!strcmp(name, FIELD_NAMES[i]))
            return i;
    if (strncmp(name, "text:", 5) || !name[5])
        return -1;
    for (const char *p = name + 5; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
            return -1;
    *text_name = name + 5;
    return PUBLIC_TEXT;
}

static int is_count(enum public_field f)
{
    return f == PUBLIC_N || f == PUBLIC_K || f == PUBLIC_TEXT;
}

/* Digits [. digits] from *p: the digits as a whole number m and the count
 * of decimals d. No leading zero before another digit, at least one digit
 * after a point, at most MAX_DIGITS digits. */
static int decimal(const char **p, double *m, int *d)
{
    const char *s = *p;
    double v = 0;
    int n = 0, dec = 0;
    if (*s < '0' || *s > '9')
        return -1;
    if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
        return -1;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s++ - '0');
        n++;
    }
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return -1;
        while (*s >= '0' && *s <= '9') {
            v = v * 10 + (*s++ - '0');
            n++;
            dec++;
        }
    }
    if (n > MAX_DIGITS)
        return -1;
    *m = v;
    *d = dec;
    *p = s;
    return 0;
}

static int bad(const char *shown, struct imgo_err *err, const char *why)
{
    struct buf b = BUF_INIT;
    /* the string may be hostile: show at most 40 bytes, control bytes as '?' */
    for (size_t i = 0; shown[i] && i < 40; i++)
        buf_addc(&b, (unsigned char)shown[i] < 0x20 || shown[i] == 0x7f ? '?' : shown[i]);
    if (strlen(shown) > 40)
        buf_adds(&b, "...");
    imgo_err_set(err, IMGO_EDATA, "'%s' is not %s", buf_str(&b), why);
    buf_release(&b);
    return IMGO_EDATA;
}

int public_shown(const char *shown, enum public_field field, struct public_num *num, struct imgo_err *err)
{
    const char *p = shown;
    num->kind = PUBLIC_NUMBER;
    num->lo = num->hi = 0;
    if (!*p) {
        num->kind = PUBLIC_HIDDEN;
        return IMGO_OK;
    }
    double m;
    int d;
    if (is_count(field)) {
        if (!strncmp(p, "fewer than ", 11)) {
            /* the label of a count hidden for being small */
            p += 11;
            if (decimal(&p, &m, &d) || d || *p || m < 2)
                return bad(shown, err, "a small count's label as imgo prints it ('fewer than 5')");
            num->lo = 1;
            num->hi = m - 1;
            return IMGO_OK;
        }
        if (decimal(&p, &m, &d) || d || *p)
            return bad(shown, err, "a count as imgo prints it (digits only)");
        num->lo = num->hi = m;
        return IMGO_OK;
    }
    if (!strcmp(p, "n/a")) {
        num->kind = PUBLIC_NA;
        return IMGO_OK;
    }
    if (p[0] == '<') {
        if ((field != PUBLIC_P_VALUE && field != PUBLIC_Q_VALUE) || p[1] != ' ')
            return bad(shown, err, "a number as imgo prints it ('<' only in '< 0.001' for a p-value)");
        p += 2;
        if (decimal(&p, &m, &d) || *p)
            return bad(shown, err, "a p-value bound as imgo prints it ('< 0.001')");
        num->lo = 0;
        num->hi = m / pow(10, d);
        return IMGO_OK;
    }
    int sign = 0;
    if (*p == '+' || *p == '-')
        sign = *p++ == '+' ? 1 : -1;
    if (decimal(&p, &m, &d))
        return bad(shown, err, "a number as imgo prints it");
    double scale = 1, lo_clip = -INFINITY, hi_clip = INFINITY;
    int rate = 0;
    if (!strcmp(p, "%")) {
        rate = 1;
        if (sign)
            return bad(shown, err, "a rate as imgo prints it (no sign)");
        scale = 100;
        lo_clip = 0;
        hi_clip = 1;
    } else if (!strcmp(p, " pp")) {
        scale = 100;
        lo_clip = -1;
        hi_clip = 1;
        if (sign == -1 && m == 0)
            return bad(shown, err, "a difference as imgo prints it (never '-0')");
        if (field == PUBLIC_VALUE && !sign && m != 0)
            return bad(shown, err, "a difference as imgo prints it (a positive one has '+')");
        if (sign == 1)
            lo_clip = 0;
        else if (field == PUBLIC_VALUE)
            hi_clip = 0;
    } else if (*p) {
        return bad(shown, err, "a number as imgo prints it (a count, '87.8%', '+3.2 pp', '1.25')");
    } else if (sign == 1) {
        return bad(shown, err, "a number as imgo prints it ('+' only before ' pp')");
    } else if (sign == -1 && m == 0) {
        return bad(shown, err, "a number as imgo prints it (never '-0')");
    }
    /* m / 10^d, half a unit of the last decimal either side: (2m -+ 1) /
     * (2 * 10^d * scale), each a whole number exact in a double */
    double den = 2 * pow(10, d) * scale;
    double lo = (2 * m - 1) / den, hi = (2 * m + 1) / den;
    if (sign == -1) {
        double t = lo;
        lo = -hi;
        hi = -t;
    }
    num->lo = fmax(lo, lo_clip);
    num->hi = fmin(hi, hi_clip);
    if (num->lo > num->hi)
        return bad(shown, err, rate ? "a rate as imgo prints it (0.0% to 100.0%)"
                                   : "a difference as imgo prints it (-100.0 pp to +100.0 pp)");
    return IMGO_OK;
}

void public_table_init(struct public_table *t)
{
    memset(t, 0, sizeof *t);
}

void public_table_release(struct public_table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        struct public_row *r = &t->rows[i];
        free(r->metric);
        free(r->group);
        free(r->stratum);
        free(r->period);
        free(r->text_name);
        free(r->shown);
    }
    free(t->rows);
    memset(t, 0, sizeof *t);
}

static int check_header(const struct csvread_record *rec, const char *name, struct imgo_err *err)
{
    int ok = rec->nfields == NCOLUMNS;
    for (size_t i = 0; ok && i < NCOLUMNS; i++)
        ok = rec->len[i] == strlen(COLUMNS[i]) && !memcmp(rec->field[i], COLUMNS[i], rec->len[i]);
    if (!ok)
        return imgo_err_set(err, IMGO_EDATA, "%s:%ld: the header must be exactly 'metric,group,stratum,period,"
                            "field,shown'", name, rec->line);
    return IMGO_OK;
}

/* One record as a row of t; the key's id in keys tells a duplicate. */
static int take_row(struct public_table *t, const struct csvread_record *rec, const char *name,
                    struct strdict *keys, long **first_line, struct imgo_err *err)
{
    if (rec->nfields != NCOLUMNS)
        return imgo_err_set(err, IMGO_EDATA, "%s:%ld: %zu fields, expected %d", name, rec->line, rec->nfields,
                            NCOLUMNS);
    for (size_t i = 0; i < NCOLUMNS; i++)
        if (rec->len[i] && !csvread_is_utf8(rec->field[i], rec->len[i]))
            return imgo_err_set(err, IMGO_EDATA, "%s:%ld:%s: not valid UTF-8 text", name, rec->line, COLUMNS[i]);
    if (!rec->len[0])
        return imgo_err_set(err, IMGO_EDATA, "%s:%ld:metric: empty", name, rec->line);
    const char *text_name;
    int field = public_field_parse(rec->field[4], &text_name);
    if (field < 0)
        return imgo_err_set(err, IMGO_EDATA, "%s:%ld:field: not one of n, k, value, ci_low, ci_high, p_value, "
                            "text:NAME (NAME of a-z 0-9 _ . -)", name, rec->line);
    struct public_num num;
    struct imgo_err perr = IMGO_ERR_INIT;
    if (public_shown(rec->field[5], (enum public_field)field, &num, &perr))
        return imgo_err_set(err, IMGO_EDATA, "%s:%ld:shown: %s", name, rec->line, perr.msg);

    /* the key: five fields joined by 0xff, a byte valid UTF-8 never holds */
    struct buf key = BUF_INIT;
    for (size_t i = 0; i < 5; i++) {
        buf_add(&key, rec->field[i], rec->len[i]);
        buf_addc(&key, (char)0xff);
    }
    size_t before = keys->len;
    int id = strdict_intern(keys, key.data, key.len);
    buf_release(&key);
    if ((size_t)id < before)
        return imgo_err_set(err, IMGO_EDATA, "%s:%ld: the same metric, group, stratum, period and field as line %ld",
                            name, rec->line, (*first_line)[id]);
    *first_line = xrealloc(*first_line, keys->len * sizeof **first_line);
    (*first_line)[id] = rec->line;

    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 64;
        t->rows = xrealloc(t->rows, t->cap * sizeof *t->rows);
    }
    struct public_row *r = &t->rows[t->n++];
    r->metric = xstrdup(rec->field[0]);
    r->group = xstrdup(rec->field[1]);
    r->stratum = xstrdup(rec->field[2]);
    r->period = xstrdup(rec->field[3]);
    r->field = (enum public_field)field;
    r->text_name = text_name ? xstrdup(text_name) : NULL;
    r->shown = xstrdup(rec->field[5]);
    r->num = num;
    r->line = rec->line;
    return IMGO_OK;
}

int public_read_fd(struct public_table *t, int fd, const char *name, struct imgo_err *err)
{
    struct csvread rd;
    struct csvread_record rec;
    struct strdict keys;
    long *first_line = NULL;
    int rc = IMGO_OK, got;
    csvread_init(&rd, fd, name, 0);
    strdict_init(&keys);
    got = csvread_next(&rd, &rec, err);
    if (got < 0) {
        rc = err->status;
        goto out;
    }
    if (got == 0) {
        rc = imgo_err_set(err, IMGO_EDATA, "%s:1: empty file; expected the header 'metric,group,stratum,period,"
                          "field,shown'", name);
        goto out;
    }
    if ((rc = check_header(&rec, name, err)) != 0)
        goto out;
    while ((got = csvread_next(&rd, &rec, err)) > 0)
        if ((rc = take_row(t, &rec, name, &keys, &first_line, err)) != 0)
            goto out;
    if (got < 0)
        rc = err->status;
out:
    if (rc)
        public_table_release(t);
    free(first_line);
    strdict_release(&keys);
    csvread_release(&rd);
    return rc;
}

int public_read(struct public_table *t, const char *path, struct imgo_err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return imgo_err_set(err, IMGO_EIO, "%s: %s", path, strerror(errno));
    int rc = public_read_fd(t, fd, path, err);
    close(fd);
    return rc;
}
