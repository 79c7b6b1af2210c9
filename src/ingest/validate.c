/*
 * validate.c - field, row and header rules of the input contract.
 *
 * Every rule reads its parameters from the cohort table; the only rules
 * written out here are the few that relate two columns of a row.
 */
#include "validate.h"
#include "date.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define QUOTE_MAX 60

void validate_quote(struct buf *b, const char *s, size_t len)
{
    size_t n = len;
    if (n > QUOTE_MAX) {
        n = QUOTE_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    buf_addc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            buf_addc(b, '\\');
            buf_addc(b, (char)c);
        } else if (c < 0x20 || c == 0x7F) {
            buf_addf(b, "\\x%02x", c);
        } else {
            buf_addc(b, (char)c);
        }
    }
    if (n < len)
        buf_adds(b, "...");
    buf_addc(b, '"');
}

static int bad_value(struct buf *msg, const char *s, size_t len, const char *why)
{
    validate_quote(msg, s, len);
    buf_addc(msg, ' ');
    buf_adds(msg, why);
    return -1;
}

static int check_id(const char *s, size_t len)
{
    if (len < 1 || len > VALIDATE_ID_MAX)
        return -1;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-'))
            return -1;
    }
    return 0;
}

int validate_parse_int(const char *s, size_t len, long long *out)
{
    if (len == 0)
        return -1;
    long long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v < 100000000000000000LL ? v * 10 + (s[i] - '0') : 1000000000000000000LL;
    }
    *out = v;
    return 0;
}

int validate_parse_number(const char *s, size_t len, double *out)
{
    size_t i = 0;
    if (i < len && s[i] == '-')
        i++;
    size_t d0 = i;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == d0)
        return -1;
    if (i < len && s[i] == '.') {
        size_t f0 = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == f0)
            return -1;
    }
    if (i != len)
        return -1;
    /* Up to 15 digits and 22 decimals, mantissa / 10^k is one correctly
     * rounded division of two exact doubles: the same value strtod gives,
     * without its cost on every row. */
    static const double p10[] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                  1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
    long long m = 0;
    int digits = 0, decimals = -1;
    for (size_t j = d0; j < len; j++) {
        if (s[j] == '.') {
            decimals = 0;
            continue;
        }
        if (digits || s[j] != '0')
            digits++;
        m = m * 10 + (s[j] - '0');
        if (decimals >= 0)
            decimals++;
        if (digits > 15)
            break;
    }
    if (digits > 15 || decimals > 22) {
        *out = strtod(s, NULL);
        return 0;
    }
    double v = (double)m / p10[decimals > 0 ? decimals : 0];
    *out = d0 ? -v : v;
    return 0;
}

static int check_range(const struct cohort_column *c, double x, const char *s, size_t len,
                       struct buf *msg)
{
    int lo = (c->flags & COHORT_MIN) && x < c->min;
    int hi = (c->flags & COHORT_MAX) && x > c->max;
    if (!lo && !hi)
        return 0;
    validate_quote(msg, s, len);
    if ((c->flags & COHORT_MIN) && (c->flags & COHORT_MAX))
        buf_addf(msg, " is out of range %g..%g", c->min, c->max);
    else if (lo)
        buf_addf(msg, " is less than %g", c->min);
    else
        buf_addf(msg, " is more than %g", c->max);
    return -1;
}

int validate_field(const struct cohort_column *c, char *s, size_t len, struct validate_value *v,
                   struct buf *msg)
{
    memset(v, 0, sizeof *v);
    v->s = s;
    v->len = len;
    /* One pass for the common case: ASCII without NUL. */
    unsigned char any = 0, nul = 1;
    for (size_t i = 0; i < len; i++) {
        any |= (unsigned char)s[i];
        nul &= s[i] != '\0';
    }
    if (!nul) {
        v->bad = 1;
        buf_adds(msg, "field contains a NUL byte");
        return -1;
    }
    if ((any & 0x80) && !csvread_is_utf8(s, len)) {
        v->bad = 1;
        buf_adds(msg, "field is not valid UTF-8");
        return -1;
    }
    if (len > VALIDATE_FIELD_MAX) {
        v->bad = 1;
        buf_addf(msg, "field is longer than %d bytes", VALIDATE_FIELD_MAX);
        return -1;
    }
    if (len == 0) {
        v->missing = 1;
        if (c->flags & COHORT_REQUIRED) {
            v->bad = 1;
            buf_adds(msg, "required value is missing");
            return -1;
        }
        return 0;
    }
    int rc = 0;
    switch (c->type) {
    case COHORT_ID:
        if (check_id(s, len))
            rc = bad_value(msg, s, len, "is not a valid id (1 to 64 of A-Z a-z 0-9 . _ -)");
        break;
    case COHORT_TEXT:
        break;
    case COHORT_UPPER:
        for (size_t i = 0; i < len; i++)
            if (s[i] >= 'a' && s[i] <= 'z')
                s[i] = (char)(s[i] - 'a' + 'A');
        break;
    case COHORT_DATE: {
        int day;
        if (date_parse(s, len, &day))
            rc = bad_value(msg, s, len, "is not a valid date (YYYY-MM-DD)");
        else
            v->i = day;
        break;
    }
    case COHORT_INT:
        if (validate_parse_int(s, len, &v->i))
            rc = bad_value(msg, s, len, "is not an integer");
        else
            rc = check_range(c, (double)v->i, s, len, msg);
        break;
    case COHORT_NUM:
        if (validate_parse_number(s, len, &v->d)) {
            rc = bad_value(msg, s, len, "is not a number");
        } else {
            rc = check_range(c, v->d, s, len, msg);
            if (!rc && (c->flags & COHORT_HALF) && v->d * 2 != floor(v->d * 2))
                rc = bad_value(msg, s, len, "is not a multiple of 0.5");
        }
        break;
    case COHORT_ENUM: {
        const char *canon = cohort_enum_match(c, s, len);
        if (!canon) {
            validate_quote(msg, s, len);
            buf_adds(msg, " is not one of ");
            for (const char *const *e = c->enums; *e; e++) {
                buf_adds(msg, *e);
                if (e[1])
                    buf_adds(msg, ", ");
            }
            rc = -1;
        } else {
            v->s = canon;
            v->len = strlen(canon);
        }
        break;
    }
    }
    if (rc)
        v->bad = 1;
    return rc;
}

/* ---- rules between columns ---------------------------------------------- */

static const struct validate_value *col(const struct cohort_file *f, const struct validate_value *vals,
                                        const char *name, int *idx)
{
    *idx = cohort_column_index(f, name);
    return *idx >= 0 ? &vals[*idx] : NULL;
}

static int usable(const struct validate_value *v)
{
    return v && !v->missing && !v->bad;
}

/* end (column `end`) must not be before start. */
static int not_before(const struct cohort_file *f, const struct validate_value *vals, const char *end,
                      const char *start, void (*report)(void *, int, const char *), void *ctx)
{
    int ie, is;
    const struct validate_value *ve = col(f, vals, end, &ie), *vs = col(f, vals, start, &is);
    if (!usable(ve) || !usable(vs) || ve->i >= vs->i)
        return 0;
    struct buf m = BUF_INIT;
    validate_quote(&m, ve->s, ve->len);
    buf_addf(&m, " is before %s ", start);
    validate_quote(&m, vs->s, vs->len);
    report(ctx, ie, buf_str(&m));
    buf_release(&m);
    return 1;
}

int validate_row(const struct cohort_file *f, const struct validate_value *vals,
                 void (*report)(void *ctx, int col, const char *msg), void *ctx)
{
    int n = 0;
    switch (f->id) {
    case COHORT_RESIDENTS: {
        int ie, ix, is, ig;
        const struct validate_value *end = col(f, vals, "end_date", &ie);
        const struct validate_value *exr = col(f, vals, "exit_reason", &ix);
        const struct validate_value *start = col(f, vals, "start_date", &is);
        const struct validate_value *grad = col(f, vals, "graduation_year", &ig);
        n += not_before(f, vals, "end_date", "start_date", report, ctx);
        if (!end->missing && exr->missing) {
            report(ctx, ix, "missing; required when end_date is set");
            n++;
        } else if (end->missing && !exr->missing) {
            struct buf m = BUF_INIT;
            validate_quote(&m, exr->s, exr->len);
            buf_adds(&m, " must be empty when end_date is empty");
            report(ctx, ix, buf_str(&m));
            buf_release(&m);
            n++;
        }
        if (usable(grad) && usable(start) && grad->i > date_year((int)start->i)) {
            struct buf m = BUF_INIT;
            validate_quote(&m, grad->s, grad->len);
            buf_adds(&m, " is after the year of start_date ");
            validate_quote(&m, start->s, start->len);
            report(ctx, ig, buf_str(&m));
            buf_release(&m);
            n++;
        }
        break;
    }
    case COHORT_MENTOR_ASSIGNMENTS:
        n += not_before(f, vals, "ended_date", "assigned_date", report, ctx);
        break;
    case COHORT_EMPLOYMENT:
        n += not_before(f, vals, "end_date", "start_date", report, ctx);
        break;
    default:
        break;
    }
    return n;
}

/* ---- header --------------------------------------------------------------- */

int validate_header(const struct cohort_file *f, const struct csvread_record *hdr, unsigned flags,
                    struct validate_header *h,
                    void (*report)(void *ctx, int is_error, const char *msg), void *ctx)
{
    int errors = 0;
    struct buf m = BUF_INIT;
    for (size_t c = 0; c < sizeof h->field_of / sizeof h->field_of[0]; c++)
        h->field_of[c] = -1;
    h->nfields = hdr->nfields;
    if (hdr->nfields > VALIDATE_MAX_COLUMNS) {
        buf_addf(&m, "%zu columns; at most %d are accepted", hdr->nfields, VALIDATE_MAX_COLUMNS);
        report(ctx, 1, buf_str(&m));
        buf_release(&m);
        return 1;
    }
    for (size_t i = 0; i < hdr->nfields; i++) {
        const char *name = hdr->field[i];
        size_t len = hdr->len[i];
        buf_reset(&m);
        if (len == 0) {
            buf_addf(&m, "column %zu has an empty name", i + 1);
            report(ctx, 1, buf_str(&m));
            errors++;
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (hdr->len[j] == len && !strncasecmp(hdr->field[j], name, len)) {
                buf_adds(&m, "column ");
                validate_quote(&m, name, len);
                buf_addf(&m, " appears twice (columns %zu and %zu)", j + 1, i + 1);
                report(ctx, 1, buf_str(&m));
                errors++;
                break;
            }
        if (m.len)
            continue;
        int found = -1;
        for (size_t c = 0; c < f->ncols; c++)
            if (strlen(f->cols[c].name) == len && !strncasecmp(f->cols[c].name, name, len))
                found = (int)c;
        if (found >= 0) {
            h->field_of[found] = (int)i;
        } else {
            buf_adds(&m, "unknown column ");
            validate_quote(&m, name, len);
            if (flags & VALIDATE_STRICT) {
                report(ctx, 1, buf_str(&m));
                errors++;
            } else {
                buf_adds(&m, " ignored");
                report(ctx, 0, buf_str(&m));
            }
        }
    }
    for (size_t c = 0; c < f->ncols; c++)
        if ((f->cols[c].flags & COHORT_REQUIRED) && h->field_of[c] < 0) {
            buf_reset(&m);
            buf_addf(&m, "required column \"%s\" is missing", f->cols[c].name);
            report(ctx, 1, buf_str(&m));
            errors++;
        }
    buf_release(&m);
    return errors;
}
