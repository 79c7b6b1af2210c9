/*
 * maprec.c - export records into cohort records (see maprec.h).
 *
 * The plan is made once per file from its header, so that the work per
 * record is a copy of the fields the cohort file takes, a value-map
 * look-up or a date conversion where the map asks for one, and nothing
 * else. An unpivoted record shares the text of its repeated columns
 * between its rows: they are converted (and their errors reported) once.
 */
#include "maprec.h"
#include "date.h"
#include "mem.h"
#include "validate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAPPED_SHOWN_MAX 12 /* values listed in a "no mapping" message */

static void say(void (*report)(void *, int, const char *), void *ctx, int is_error, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void say(void (*report)(void *, int, const char *), void *ctx, int is_error, const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    report(ctx, is_error, buf_str(&b));
    buf_release(&b);
}

/* 1 when the export's name a (n bytes) is the map's name b: compared
 * folded (case, surrounding and repeated spaces). */
static int same_name(const char *a, size_t n, const char *b, struct buf *t1, struct buf *t2)
{
    buf_reset(t1);
    buf_reset(t2);
    map_fold(a, n, t1);
    map_fold(b, strlen(b), t2);
    return !strcmp(buf_str(t1), buf_str(t2));
}

static int find_header(const struct csvread_record *hdr, const char *name, struct buf *t1, struct buf *t2)
{
    for (size_t i = 0; i < hdr->nfields; i++)
        if (same_name(hdr->field[i], hdr->len[i], name, t1, t2))
            return (int)i;
    return -1;
}

static int matches_any(char *const *pats, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (map_glob_match(pats[i], name))
            return 1;
    return 0;
}

/* Does section s (of cohort file f) read, drop or filter on the export
 * column name? */
static int section_uses(const struct map_section *s, const struct cohort_file *f, const char *name,
                        struct buf *t1, struct buf *t2)
{
    size_t n = strlen(name);
    for (size_t c = 0; c < f->ncols; c++) {
        const struct map_column *mc = &s->cols[c];
        if (mc->source == MAP_COLUMN && same_name(name, n, mc->text, t1, t2))
            return 1;
        if (mc->source == MAP_BY_NAME && same_name(name, n, f->cols[c].name, t1, t2))
            return 1;
    }
    if (s->where_col && same_name(name, n, s->where_col, t1, t2))
        return 1;
    return matches_any(s->drop, s->ndrop, name) || matches_any(s->unpivot, s->nunpivot, name);
}

static void list_mapped(const struct map_column *mc, struct buf *out)
{
    for (size_t i = 0; i < mc->nvalues && i < MAPPED_SHOWN_MAX; i++)
        buf_addf(out, "%s%s", i ? ", " : "", mc->values[i].shown);
    if (mc->nvalues > MAPPED_SHOWN_MAX)
        buf_addf(out, " and %zu more", mc->nvalues - MAPPED_SHOWN_MAX);
}

/* The cohort text of export value v (len bytes, not empty) for column c:
 * its mapping, or the date in YYYY-MM-DD, or v itself. Returns 0 with *out
 * and *outlen set (valid until the next call), or -1 with the reason in
 * msg. */
static int convert(struct maprec_plan *p, size_t c, const char *v, size_t len, const char **out,
                   size_t *outlen, struct buf *msg)
{
    const struct map_column *mc = &p->s->cols[c];
    const struct cohort_column *cc = &p->f->cols[c];
    if (mc->values_line) {
        const struct map_value *mv = map_lookup(mc, v, len, &p->scratch);
        if (!mv) {
            validate_quote(msg, v, len);
            buf_addf(msg, " has no mapping for %s (mapped: ", cc->name);
            list_mapped(mc, msg);
            buf_addf(msg, "; %s:%d)", p->map->path, mc->values_line);
            return -1;
        }
        *out = mv->to;
        *outlen = strlen(mv->to);
        return 0;
    }
    if (cc->type == COHORT_DATE && p->date_fmt[c] != DATE_FMT_ISO) {
        int day;
        if (date_parse_fmt((enum date_fmt)p->date_fmt[c], v, len, &day)) {
            validate_quote(msg, v, len);
            buf_addf(msg, " is not a valid date (%s)", date_fmt_name((enum date_fmt)p->date_fmt[c]));
            return -1;
        }
        buf_reset(&p->scratch);
        buf_grow(&p->scratch, 11);
        date_format(day, p->scratch.data);
        p->scratch.len = 10;
        *out = p->scratch.data;
        *outlen = 10;
        return 0;
    }
    *out = v;
    *outlen = len;
    return 0;
}

static char *label_of(const char *export, size_t n, const char *cohort)
{
    struct buf b = BUF_INIT;
    if (strlen(cohort) == n && !strncasecmp(export, cohort, n))
        buf_add(&b, export, n);
    else
        buf_addf(&b, "%.*s (%s)", (int)n, export, cohort);
    return buf_detach(&b, NULL);
}

/* Key values compare as the validator stores them: enums and upper-cased
 * text without regard to case, other text exactly. */
static int same_key_text(const struct cohort_column *c, const char *a, const char *b)
{
    if (c->type == COHORT_UPPER || c->type == COHORT_ENUM)
        return !strcasecmp(a, b);
    return !strcmp(a, b);
}

static int plan_unpivot(struct maprec_plan *p, const struct csvread_record *hdr, unsigned char *used,
                        void (*report)(void *, int, const char *), void *ctx)
{
    const struct map_section *s = p->s;
    int errors = 0, name_col = -1;
    for (size_t c = 0; c < p->f->ncols; c++)
        if (s->cols[c].source == MAP_UNPIVOT_NAME)
            name_col = (int)c;
    for (size_t k = 0; k < s->nunpivot; k++) {
        int n = 0;
        for (size_t i = 0; i < hdr->nfields; i++) {
            if (used[i] == 1 || !map_glob_match(s->unpivot[k], hdr->field[i]))
                continue;
            n++;
            if (used[i] == 2)
                continue;
            used[i] = 2;
            p->unpivot = xrealloc(p->unpivot, (p->nunpivot + 1) * sizeof *p->unpivot);
            struct maprec_unpivot *u = &p->unpivot[p->nunpivot++];
            memset(u, 0, sizeof *u);
            u->field = (int)i;
        }
        if (!n) {
            say(report, ctx, 1, "unpivot \"%s\" matches no column of the file (%s:%d)", s->unpivot[k],
                p->map->path, s->unpivot_line);
            errors++;
        }
    }
    const struct cohort_column *nc = &p->f->cols[name_col];
    struct buf msg = BUF_INIT;
    for (size_t k = 0; k < p->nunpivot; k++) {
        struct maprec_unpivot *u = &p->unpivot[k];
        const char *h = hdr->field[u->field];
        size_t hl = hdr->len[u->field];
        u->name_label = label_of(h, hl, nc->name);
        for (size_t c = 0; c < p->f->ncols; c++)
            if (p->kind[c] == MAPREC_UNPIVOT_VALUE)
                u->value_label = label_of(h, hl, p->f->cols[c].name);
        const char *out;
        size_t outlen;
        buf_reset(&msg);
        if (convert(p, (size_t)name_col, h, hl, &out, &outlen, &msg)) {
            say(report, ctx, 1, "column header %s", buf_str(&msg));
            errors++;
            u->name = xstrdup("");
            continue;
        }
        u->name = xstrndup(out, outlen);
        if (!outlen) {
            say(report, ctx, 1, "column \"%.*s\" gives an empty %s", (int)hl, h, nc->name);
            errors++;
            continue;
        }
        for (size_t j = 0; j < k; j++)
            if (p->unpivot[j].name && same_key_text(nc, p->unpivot[j].name, u->name)) {
                say(report, ctx, 1, "columns \"%s\" and \"%.*s\" both give %s \"%s\"",
                    hdr->field[p->unpivot[j].field], (int)hl, h, nc->name, u->name);
                errors++;
                break;
            }
    }
    buf_release(&msg);
    return errors;
}

int maprec_plan(struct maprec_plan *p, const struct imgo_map *m, const struct cohort_file *f,
                const struct csvread_record *hdr, const struct map_section *const *others,
                size_t nothers, unsigned flags,
                void (*report)(void *ctx, int is_error, const char *msg), void *ctx)
{
    memset(p, 0, sizeof *p);
    p->map = m;
    p->s = &m->files[f->id];
    p->f = f;
    p->where_field = -1;
    p->nfields = hdr->nfields;
    const struct map_section *s = p->s;
    struct buf t1 = BUF_INIT, t2 = BUF_INIT;
    int errors = 0;
    if (hdr->nfields > VALIDATE_MAX_COLUMNS) {
        say(report, ctx, 1, "%zu columns; at most %d are accepted", hdr->nfields, VALIDATE_MAX_COLUMNS);
        return 1;
    }
    unsigned char *used = xcalloc(hdr->nfields + 1, 1); /* 1 a source or filter, 2 unpivoted */
    for (size_t i = 0; i < hdr->nfields; i++) {
        if (hdr->len[i] == 0) {
            say(report, ctx, 1, "column %zu has an empty name", i + 1);
            errors++;
            continue;
        }
        for (size_t j = 0; j < i; j++)
            if (hdr->len[j] == hdr->len[i] && !strncasecmp(hdr->field[j], hdr->field[i], hdr->len[i])) {
                struct buf q = BUF_INIT;
                validate_quote(&q, hdr->field[i], hdr->len[i]);
                say(report, ctx, 1, "column %s appears twice (columns %zu and %zu)", buf_str(&q), j + 1, i + 1);
                buf_release(&q);
                errors++;
                break;
            }
    }
    for (size_t c = 0; c < f->ncols; c++) {
        const struct map_column *mc = &s->cols[c];
        const char *cname = f->cols[c].name;
        p->date_fmt[c] = map_date_fmt(m, f->id, (int)c);
        int i;
        switch (mc->source) {
        case MAP_BY_NAME:
        case MAP_COLUMN:
            i = find_header(hdr, mc->source == MAP_COLUMN ? mc->text : cname, &t1, &t2);
            if (i >= 0) {
                p->kind[c] = MAPREC_FIELD;
                p->src[c] = i;
                used[i] = 1;
                p->label[c] = label_of(hdr->field[i], hdr->len[i], cname);
            } else if (mc->source == MAP_COLUMN) {
                say(report, ctx, 1, "column \"%s\" is not in the file (the map feeds %s from it, %s:%d)",
                    mc->text, cname, m->path, mc->line);
                errors++;
            }
            break;
        case MAP_CONSTANT:
            p->kind[c] = MAPREC_CONSTANT;
            break;
        case MAP_UNPIVOT_NAME:
            p->kind[c] = MAPREC_UNPIVOT_NAME;
            break;
        case MAP_UNPIVOT_VALUE:
            p->kind[c] = MAPREC_UNPIVOT_VALUE;
            break;
        }
        if (!p->label[c])
            p->label[c] = xstrdup(cname);
    }
    if (s->where_col) {
        int i = find_header(hdr, s->where_col, &t1, &t2);
        if (i < 0) {
            say(report, ctx, 1, "column \"%s\" is not in the file (rows where, %s:%d)", s->where_col,
                m->path, s->where_line);
            errors++;
        } else {
            p->where_field = i;
            used[i] = 1;
            map_fold(s->where_val, strlen(s->where_val), &p->where_fold);
        }
    }
    if (s->nunpivot)
        errors += plan_unpivot(p, hdr, used, report, ctx);
    for (size_t c = 0; c < f->ncols; c++)
        if ((f->cols[c].flags & COHORT_REQUIRED) && p->kind[c] == MAPREC_ABSENT &&
            s->cols[c].source == MAP_BY_NAME) {
            say(report, ctx, 1, "required column \"%s\" is missing", f->cols[c].name);
            errors++;
        }
    for (size_t i = 0; i < hdr->nfields; i++) {
        if (used[i] || !hdr->len[i] || matches_any(s->drop, s->ndrop, hdr->field[i]))
            continue;
        int elsewhere = 0;
        for (size_t k = 0; k < nothers && !elsewhere; k++) {
            int of = (int)(others[k] - m->files);
            elsewhere = section_uses(others[k], cohort_file((enum cohort_file_id)of), hdr->field[i], &t1, &t2);
        }
        if (elsewhere)
            continue;
        struct buf q = BUF_INIT;
        validate_quote(&q, hdr->field[i], hdr->len[i]);
        if (flags & MAPREC_STRICT) {
            say(report, ctx, 1, "unknown column %s", buf_str(&q));
            errors++;
        } else {
            say(report, ctx, 0, "unknown column %s ignored", buf_str(&q));
        }
        buf_release(&q);
    }
    free(used);
    buf_release(&t1);
    buf_release(&t2);
    return errors;
}

void maprec_release(struct maprec_plan *p)
{
    for (size_t c = 0; c < MAP_MAX_COLS; c++)
        free(p->label[c]);
    for (size_t k = 0; k < p->nunpivot; k++) {
        free(p->unpivot[k].name);
        free(p->unpivot[k].name_label);
        free(p->unpivot[k].value_label);
    }
    free(p->unpivot);
    buf_release(&p->where_fold);
    buf_release(&p->scratch);
    memset(p, 0, sizeof *p);
    p->where_field = -1;
}

int maprec_wanted(struct maprec_plan *p, const struct csvread_record *rec)
{
    if (p->where_field < 0 || (size_t)p->where_field >= rec->nfields ||
        p->where_field >= CSVREAD_MAX_FIELDS)
        return 1;
    buf_reset(&p->scratch);
    map_fold(rec->field[p->where_field], rec->len[p->where_field], &p->scratch);
    return !strcmp(buf_str(&p->scratch), buf_str(&p->where_fold));
}

void maprec_out_init(struct maprec_out *o)
{
    memset(o, 0, sizeof *o);
    buf_init(&o->text);
}

void maprec_out_release(struct maprec_out *o)
{
    free(o->off);
    free(o->len);
    free(o->label);
    free(o->bad);
    buf_release(&o->text);
    memset(o, 0, sizeof *o);
}

/* Appends s as the text of (row k, column c). */
static void put(struct maprec_out *o, size_t ncols, size_t k, size_t c, const char *s, size_t len)
{
    o->off[k * ncols + c] = o->text.len;
    o->len[k * ncols + c] = len;
    o->bad[k * ncols + c] = 0;
    buf_add(&o->text, s, len);
    buf_addc(&o->text, '\0');
}

/* Converts export field i for column c of row k; 0, or 1 after reporting. */
static int map_cell(struct maprec_plan *p, const struct csvread_record *rec, int i, size_t k, size_t c,
                    struct maprec_out *o, const char *label,
                    void (*report)(void *, size_t, const char *, const char *), void *ctx)
{
    size_t ncols = p->f->ncols;
    const char *v = rec->field[i], *out;
    size_t len = rec->len[i], outlen;
    struct buf msg = BUF_INIT;
    int bad = 0;
    if (len == 0) {
        put(o, ncols, k, c, "", 0);
    } else if (convert(p, c, v, len, &out, &outlen, &msg)) {
        report(ctx, k, label, buf_str(&msg));
        put(o, ncols, k, c, "", 0);
        o->bad[k * ncols + c] = 1;
        bad = 1;
    } else {
        put(o, ncols, k, c, out, outlen);
    }
    buf_release(&msg);
    return bad;
}

int maprec_apply(struct maprec_plan *p, const struct csvread_record *rec, struct maprec_out *o,
                 void (*report)(void *ctx, size_t row, const char *label, const char *msg), void *ctx)
{
    size_t ncols = p->f->ncols, nrows = 1;
    int errors = 0;
    buf_reset(&o->text);
    if (p->nunpivot) {
        nrows = 0;
        for (size_t u = 0; u < p->nunpivot; u++)
            nrows += rec->len[p->unpivot[u].field] > 0;
    }
    o->nrows = nrows;
    if (nrows > o->cap) {
        o->cap = nrows;
        o->off = xrealloc(o->off, nrows * ncols * sizeof *o->off);
        o->len = xrealloc(o->len, nrows * ncols * sizeof *o->len);
        o->label = xrealloc(o->label, nrows * ncols * sizeof *o->label);
        o->bad = xrealloc(o->bad, nrows * ncols * sizeof *o->bad);
    }
    if (!nrows)
        return 0;
    /* The columns every row of the record shares, once, as row 0. */
    for (size_t c = 0; c < ncols; c++) {
        o->label[c] = p->label[c];
        switch (p->kind[c]) {
        case MAPREC_ABSENT:
            o->off[c] = SIZE_MAX;
            o->len[c] = 0;
            o->bad[c] = 0;
            break;
        case MAPREC_CONSTANT:
            put(o, ncols, 0, c, p->s->cols[c].text, strlen(p->s->cols[c].text));
            break;
        case MAPREC_FIELD:
            errors += map_cell(p, rec, p->src[c], 0, c, o, p->label[c], report, ctx);
            break;
        default:
            break;
        }
    }
    size_t k = 0;
    for (size_t u = 0; u < (p->nunpivot ? p->nunpivot : 1); u++) {
        const struct maprec_unpivot *up = p->nunpivot ? &p->unpivot[u] : NULL;
        if (up && rec->len[up->field] == 0)
            continue;
        if (k > 0)
            for (size_t c = 0; c < ncols; c++) {
                o->off[k * ncols + c] = o->off[c];
                o->len[k * ncols + c] = o->len[c];
                o->label[k * ncols + c] = o->label[c];
                o->bad[k * ncols + c] = o->bad[c];
            }
        for (size_t c = 0; up && c < ncols; c++) {
            if (p->kind[c] == MAPREC_UNPIVOT_NAME) {
                o->label[k * ncols + c] = up->name_label;
                put(o, ncols, k, c, up->name, strlen(up->name));
            } else if (p->kind[c] == MAPREC_UNPIVOT_VALUE) {
                o->label[k * ncols + c] = up->value_label;
                errors += map_cell(p, rec, up->field, k, c, o, up->value_label, report, ctx);
            }
        }
        k++;
    }
    return errors;
}

char *maprec_field(struct maprec_out *o, const struct maprec_plan *p, size_t k, size_t c, size_t *len)
{
    size_t i = k * p->f->ncols + c;
    *len = o->len[i];
    return o->off[i] == SIZE_MAX ? NULL : o->text.data + o->off[i];
}
