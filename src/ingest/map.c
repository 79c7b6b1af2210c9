/*
 * map.c - the import map file: parsing, checking, and the look-ups the
 * record layer (maprec.h) and the ingest stage make (see map.h).
 *
 * The parser is written like the pipeline parser (params.c): one line at
 * a time, every error naming MAPFILE:LINE, nothing applied from a map that
 * fails. What a map names (files, columns, values) is checked against the
 * cohort table here, once, so that reading an export can trust it.
 */
#include "map.h"
#include "date.h"
#include "encoding.h"
#include "mem.h"
#include "validate.h"

#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#define MAP_MAX_LIST 256

void map_init(struct imgo_map *m)
{
    memset(m, 0, sizeof *m);
    m->encoding = m->delim = m->date_fmt = -1;
    for (int f = 0; f < COHORT_NFILES; f++) {
        struct map_section *s = &m->files[f];
        s->encoding = s->delim = s->date_fmt = -1;
        for (int c = 0; c < MAP_MAX_COLS; c++)
            s->cols[c].date_fmt = -1;
    }
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void map_release(struct imgo_map *m)
{
    free(m->path);
    for (int f = 0; f < COHORT_NFILES; f++) {
        struct map_section *s = &m->files[f];
        free(s->glob);
        free(s->where_col);
        free(s->where_val);
        free_list(s->drop, s->ndrop);
        free_list(s->unpivot, s->nunpivot);
        for (int c = 0; c < MAP_MAX_COLS; c++) {
            struct map_column *col = &s->cols[c];
            free(col->text);
            for (size_t i = 0; i < col->nvalues; i++) {
                free(col->values[i].from);
                free(col->values[i].shown);
                free(col->values[i].to);
            }
            free(col->values);
        }
    }
    for (size_t i = 0; i < m->ntodos; i++)
        free(m->todos[i].what);
    free(m->todos);
    map_init(m);
}

/* ---- names and values ----------------------------------------------------- */

void map_norm(const char *s, size_t len, struct buf *out)
{
    int sep = 0;
    size_t start = out->len;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t' || c == '_' || c == '-') {
            sep = 1;
            continue;
        }
        if (sep && out->len > start)
            buf_addc(out, '_');
        sep = 0;
        buf_addc(out, (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c);
    }
    buf_grow(out, 1);
    out->data[out->len] = '\0';
}

void map_fold(const char *s, size_t len, struct buf *out)
{
    struct buf t = BUF_INIT;
    int ascii = 1, space = 0;
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == ' ' || c == '\t') {
            space = 1;
            continue;
        }
        if (space)
            buf_addc(&t, ' ');
        space = 0;
        ascii &= !((unsigned char)c & 0x80);
        buf_addc(&t, (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c);
    }
    if (!ascii && g_utf8_validate_len(buf_str(&t), t.len, NULL)) {
        char *f = g_utf8_casefold(buf_str(&t), (gssize)t.len);
        buf_adds(out, f);
        g_free(f);
    } else {
        buf_add(out, buf_str(&t), t.len);
    }
    buf_release(&t);
}

const struct map_value *map_lookup(const struct map_column *c, const char *s, size_t len,
                                   struct buf *scratch)
{
    buf_reset(scratch);
    map_fold(s, len, scratch);
    for (size_t i = 0; i < c->nvalues; i++)
        if (!strcmp(c->values[i].from, buf_str(scratch)))
            return &c->values[i];
    return NULL;
}

/* Lower-cased for a case-insensitive match: ASCII, or folded UTF-8. */
static char *lower(const char *s)
{
    if (g_utf8_validate(s, -1, NULL))
        return g_utf8_casefold(s, -1);
    char *d = g_strdup(s);
    for (char *p = d; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return d;
}

int map_glob_match(const char *glob, const char *name)
{
    char *g = lower(glob), *n = lower(name);
    int ok = g_pattern_match_simple(g, n) ? 1 : 0;
    g_free(g);
    g_free(n);
    return ok;
}

/* A setting's value: -1 not set, MAP_DETECT set to detect. */
#define MAP_DETECT (-2)

int map_encoding(const struct imgo_map *m, int id)
{
    int e = m->files[id].encoding != -1 ? m->files[id].encoding : m->encoding;
    return e >= 0 ? e : -1;
}

char map_delim(const struct imgo_map *m, int id)
{
    int d = m->files[id].delim != -1 ? m->files[id].delim : m->delim;
    return d > 0 ? (char)d : 0;
}

int map_date_fmt(const struct imgo_map *m, int id, int col)
{
    const struct map_section *s = &m->files[id];
    if (col >= 0 && col < MAP_MAX_COLS && s->cols[col].date_fmt >= 0)
        return s->cols[col].date_fmt;
    if (s->date_fmt >= 0)
        return s->date_fmt;
    return m->date_fmt >= 0 ? m->date_fmt : DATE_FMT_ISO;
}

/* ---- the parser ------------------------------------------------------------ */

enum section_kind { SEC_MAP, SEC_FILE, SEC_VALUES };

struct parser {
    struct imgo_map *m;
    const char *name;
    int line;
    enum section_kind kind;
    int file, col;          /* SEC_FILE, SEC_VALUES */
    int seen[COHORT_NFILES][MAP_MAX_COLS + 1]; /* line of each [FILE] / [FILE: COLUMN] */
    struct imgo_err *err;
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    imgo_err_set(p->err, IMGO_EUSAGE, "%s:%d: %s", p->name, p->line, buf_str(&b));
    buf_release(&b);
    return IMGO_EUSAGE;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* The first c outside double quotes, or NULL. */
static char *find_unquoted(char *s, char c)
{
    int q = 0;
    for (; *s; s++) {
        if (*s == '"')
            q = !q;
        else if (!q && *s == c)
            return s;
    }
    return NULL;
}

static void strip_comment(char *s)
{
    int q = 0;
    for (char *h = s; *h; h++) {
        if (*h == '"')
            q = !q;
        else if (!q && *h == '#' && (h == s || h[-1] == ' ' || h[-1] == '\t')) {
            *h = '\0';
            return;
        }
    }
}

/* The text of a value: s trimmed, or the inside of "..." with "" a quote.
 * Sets *quoted. Returns 0, or -1 for a quote left open or text after it. */
static int unquote(const char *s, struct buf *out, int *quoted)
{
    buf_reset(out);
    while (*s == ' ' || *s == '\t')
        s++;
    *quoted = *s == '"';
    if (!*quoted) {
        size_t n = strlen(s);
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        buf_add(out, s, n);
        buf_grow(out, 1);
        out->data[out->len] = '\0';
        return 0;
    }
    for (s++;; s++) {
        if (!*s)
            return -1;
        if (*s == '"') {
            if (s[1] != '"')
                break;
            s++;
        }
        buf_addc(out, *s);
    }
    for (s++; *s == ' ' || *s == '\t'; s++)
        ;
    buf_grow(out, 1);
    out->data[out->len] = '\0';
    return *s ? -1 : 0;
}

static int is_todo(const struct buf *v, int quoted)
{
    return !quoted && !strcasecmp(buf_str(v), "TODO");
}

static void add_todo(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_todo(struct parser *p, const char *fmt, ...)
{
    struct imgo_map *m = p->m;
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    m->todos = xrealloc(m->todos, (m->ntodos + 1) * sizeof *m->todos);
    m->todos[m->ntodos].line = p->line;
    m->todos[m->ntodos].what = buf_detach(&b, NULL);
    m->ntodos++;
}

/* A comma-separated list of names, each maybe quoted. */
static int parse_list(struct parser *p, char *value, const char *key, char ***out, size_t *n)
{
    struct buf item = BUF_INIT;
    int rc = 0;
    char *s = value;
    for (;;) {
        char *comma = find_unquoted(s, ',');
        if (comma)
            *comma = '\0';
        int quoted;
        if (unquote(s, &item, &quoted)) {
            rc = fail(p, "%s: a quote is not closed, or text follows it", key);
            break;
        }
        if (!item.len) {
            rc = fail(p, "%s: an empty name in the list", key);
            break;
        }
        if (*n >= MAP_MAX_LIST) {
            rc = fail(p, "%s: more than %d names", key, MAP_MAX_LIST);
            break;
        }
        *out = xrealloc(*out, (*n + 1) * sizeof **out);
        (*out)[(*n)++] = buf_detach(&item, NULL);
        if (!comma)
            break;
        s = comma + 1;
    }
    buf_release(&item);
    return rc;
}

/* The cohort file a section names ("residents", "Residents.CSV", "board
 * exams"), or -1. */
static int file_named(const char *s)
{
    struct buf a = BUF_INIT, b = BUF_INIT;
    size_t n = strlen(s);
    if (n >= 4 && !strcasecmp(s + n - 4, ".csv"))
        n -= 4;
    map_norm(s, n, &a);
    int found = -1;
    for (int f = 0; f < COHORT_NFILES && found < 0; f++) {
        const char *name = cohort_file((enum cohort_file_id)f)->name;
        buf_reset(&b);
        map_norm(name, strlen(name) - 4, &b);
        if (!strcmp(buf_str(&a), buf_str(&b)))
            found = f;
    }
    buf_release(&a);
    buf_release(&b);
    return found;
}

static int column_named(const struct cohort_file *f, const char *norm)
{
    for (size_t c = 0; c < f->ncols; c++)
        if (!strcmp(f->cols[c].name, norm))
            return (int)c;
    return -1;
}

static void list_files(struct buf *b)
{
    buf_adds(b, "map");
    for (int f = 0; f < COHORT_NFILES; f++) {
        const char *n = cohort_file((enum cohort_file_id)f)->name;
        buf_addf(b, ", %.*s", (int)(strlen(n) - 4), n);
    }
}

static void list_columns(const struct cohort_file *f, struct buf *b)
{
    for (size_t c = 0; c < f->ncols; c++)
        buf_addf(b, "%s%s", c ? ", " : "", f->cols[c].name);
}

static const char *file_short(int f, struct buf *b)
{
    const char *n = cohort_file((enum cohort_file_id)f)->name;
    buf_reset(b);
    buf_add(b, n, strlen(n) - 4);
    return buf_str(b);
}

static int section(struct parser *p, char *s)
{
    size_t n = strlen(s);
    if (s[n - 1] != ']')
        return fail(p, "a section is written [NAME] or [FILE: COLUMN]");
    s[n - 1] = '\0';
    char *colon = find_unquoted(s + 1, ':');
    if (colon)
        *colon = '\0';
    struct buf name = BUF_INIT, m = BUF_INIT;
    int quoted, rc = 0;
    if (unquote(s + 1, &name, &quoted) || !name.len) {
        rc = fail(p, "a section is written [NAME] or [FILE: COLUMN]");
        goto out;
    }
    map_norm(name.data, name.len, &m);
    if (!strcmp(buf_str(&m), "map") && !colon) {
        if (p->m->line) {
            rc = fail(p, "[map] appears twice (first on line %d)", p->m->line);
            goto out;
        }
        p->m->line = p->line;
        p->kind = SEC_MAP;
        goto out;
    }
    int f = file_named(buf_str(&name));
    if (f < 0) {
        buf_reset(&m);
        list_files(&m);
        rc = fail(p, "unknown cohort file '%s' (sections: %s)", buf_str(&name), buf_str(&m));
        goto out;
    }
    const struct cohort_file *cf = cohort_file((enum cohort_file_id)f);
    int col = MAP_MAX_COLS;
    if (colon) {
        if (unquote(colon + 1, &name, &quoted) || !name.len) {
            rc = fail(p, "a section is written [NAME] or [FILE: COLUMN]");
            goto out;
        }
        buf_reset(&m);
        map_norm(name.data, name.len, &m);
        col = column_named(cf, buf_str(&m));
        if (col < 0) {
            buf_reset(&m);
            list_columns(cf, &m);
            rc = fail(p, "unknown column '%s' of %s (columns: %s)", buf_str(&name), cf->name,
                      buf_str(&m));
            goto out;
        }
    }
    if (p->seen[f][col]) {
        rc = fail(p, "section [%s] appears twice (first on line %d)", trim(s + 1), p->seen[f][col]);
        goto out;
    }
    p->seen[f][col] = p->line;
    p->file = f;
    p->col = col;
    if (colon) {
        p->kind = SEC_VALUES;
        p->m->files[f].cols[col].values_line = p->line;
    } else {
        p->kind = SEC_FILE;
        p->m->files[f].line = p->line;
    }
out:
    buf_release(&name);
    buf_release(&m);
    return rc;
}

/* Checks a constant or mapped value against column c and returns its
 * canonical text, or NULL with the reason in msg. */
static char *cohort_value(const struct cohort_column *c, const char *v, size_t len, struct buf *msg)
{
    struct validate_value val;
    char *copy = xstrndup(v, len);
    char *out = NULL;
    if (!validate_field(c, copy, len, &val, msg))
        out = xstrndup(val.s, val.len);
    free(copy);
    return out;
}

static int set_once(struct parser *p, int *line, const char *key)
{
    if (*line)
        return fail(p, "'%s' is set twice (first on line %d)", key, *line);
    *line = p->line;
    return 0;
}

/* encoding = ..., delimiter = ..., date format = ... (in [map] or [FILE]). */
static int common_setting(struct parser *p, const char *key, const struct buf *v, int quoted,
                          int *encoding, int *enc_line, int *delim, int *delim_line, int *date,
                          int *date_line, const char *where)
{
    const char *s = buf_str(v);
    if (!strcmp(key, "encoding")) {
        if (set_once(p, enc_line, "encoding"))
            return IMGO_EUSAGE;
        if (is_todo(v, quoted))
            return add_todo(p, "encoding of %s", where), 0;
        if (!strcasecmp(s, "detect"))
            return *encoding = MAP_DETECT, 0;
        int e = encoding_lookup(s, v->len);
        if (e < 0)
            return fail(p, "encoding: '%s' is not one of utf-8, windows-1252, latin-1, detect", s);
        *encoding = e;
        return 0;
    }
    if (!strcmp(key, "delimiter")) {
        if (set_once(p, delim_line, "delimiter"))
            return IMGO_EUSAGE;
        if (is_todo(v, quoted))
            return add_todo(p, "delimiter of %s", where), 0;
        if (!strcasecmp(s, "detect"))
            return *delim = MAP_DETECT, 0;
        if (!strcmp(s, ",") || !strcasecmp(s, "comma"))
            *delim = ',';
        else if (!strcmp(s, ";") || !strcasecmp(s, "semicolon"))
            *delim = ';';
        else if (!strcasecmp(s, "tab") || !strcmp(s, "\t"))
            *delim = '\t';
        else
            return fail(p, "delimiter: '%s' is not one of , ; tab detect", s);
        return 0;
    }
    if (!strcmp(key, "date_format") || !strcmp(key, "dates")) {
        if (set_once(p, date_line, "date format"))
            return IMGO_EUSAGE;
        if (is_todo(v, quoted))
            return add_todo(p, "date format of %s", where), 0;
        int f = date_fmt_lookup(s, v->len);
        if (f < 0)
            return fail(p, "date format: '%s' is not one of YYYY-MM-DD (ISO), M/D/YYYY, D/M/YYYY, "
                           "D-Mon-YYYY, Excel",
                        s);
        *date = f;
        return 0;
    }
    return -1; /* not one of them */
}

/* rows where = COLUMN is VALUE | COLUMN is empty */
static int where_setting(struct parser *p, struct map_section *s, char *value)
{
    /* the last " is " outside quotes splits it */
    char *is = NULL;
    int q = 0;
    for (char *c = value; *c; c++) {
        if (*c == '"')
            q = !q;
        else if (!q && (c[0] == ' ' || c[0] == '\t') && (c[1] == 'i' || c[1] == 'I') &&
                 (c[2] == 's' || c[2] == 'S') && (c[3] == ' ' || c[3] == '\t'))
            is = c;
    }
    if (!is)
        return fail(p, "rows where: write 'rows where = COLUMN is VALUE' or 'COLUMN is empty'");
    *is = '\0';
    struct buf col = BUF_INIT, val = BUF_INIT;
    int quoted, rc = 0;
    if (unquote(value, &col, &quoted) || !col.len || unquote(is + 4, &val, &quoted) || !val.len) {
        rc = fail(p, "rows where: write 'rows where = COLUMN is VALUE' or 'COLUMN is empty'");
    } else {
        s->where_col = buf_detach(&col, NULL);
        s->where_val = !quoted && !strcasecmp(buf_str(&val), "empty") ? xstrdup("")
                                                                      : buf_detach(&val, NULL);
    }
    buf_release(&col);
    buf_release(&val);
    return rc;
}

static int file_setting(struct parser *p, const char *key, const char *key_shown, char *raw,
                        const struct buf *v, int quoted)
{
    struct map_section *s = &p->m->files[p->file];
    const struct cohort_file *cf = cohort_file((enum cohort_file_id)p->file);
    struct buf where = BUF_INIT, t = BUF_INIT;
    buf_addf(&where, "[%s]", file_short(p->file, &t));
    buf_release(&t);
    int rc = common_setting(p, key, v, quoted, &s->encoding, &s->encoding_line, &s->delim,
                            &s->delim_line, &s->date_fmt, &s->date_line, buf_str(&where));
    if (rc >= 0)
        goto out;
    rc = 0;
    if (!strcmp(key, "file")) {
        if ((rc = set_once(p, &s->glob_line, "file")))
            goto out;
        if (is_todo(v, quoted))
            add_todo(p, "file of %s", buf_str(&where));
        else if (!v->len)
            rc = fail(p, "file: give the export file's name (or a glob such as Residents*.csv)");
        else
            s->glob = xstrdup(buf_str(v));
        goto out;
    }
    if (!strcmp(key, "rows_where") || !strcmp(key, "where")) {
        if ((rc = set_once(p, &s->where_line, "rows where")))
            goto out;
        if (is_todo(v, quoted))
            add_todo(p, "rows where of %s", buf_str(&where));
        else
            rc = where_setting(p, s, raw);
        goto out;
    }
    if (!strcmp(key, "drop") || !strcmp(key, "unpivot")) {
        int drop = key[0] == 'd';
        if ((rc = set_once(p, drop ? &s->drop_line : &s->unpivot_line, key)))
            goto out;
        if (is_todo(v, quoted))
            add_todo(p, "%s of %s", key, buf_str(&where));
        else if (drop)
            rc = parse_list(p, raw, key, &s->drop, &s->ndrop);
        else
            rc = parse_list(p, raw, key, &s->unpivot, &s->nunpivot);
        goto out;
    }
    int c = column_named(cf, key);
    if (c >= 0) {
        struct map_column *col = &s->cols[c];
        const struct cohort_column *cc = &cf->cols[c];
        if ((rc = set_once(p, &col->line, cc->name)))
            goto out;
        if (is_todo(v, quoted)) {
            add_todo(p, "%s of %s", cc->name, buf_str(&where));
            goto out;
        }
        if (!v->len) {
            rc = fail(p, "%s: give the export column that feeds it, 'constant VALUE', or TODO", cc->name);
            goto out;
        }
        if (!quoted && !strncasecmp(buf_str(v), "constant", 8) &&
            (v->data[8] == ' ' || v->data[8] == '\t' || v->data[8] == '\0')) {
            struct buf cv = BUF_INIT, msg = BUF_INIT;
            int q2;
            if (unquote(v->data + 8, &cv, &q2)) {
                rc = fail(p, "%s: a quote is not closed, or text follows it", cc->name);
            } else if (!cv.len) {
                rc = fail(p, "%s: constant of what value?", cc->name);
            } else if (!(col->text = cohort_value(cc, cv.data, cv.len, &msg))) {
                rc = fail(p, "%s: constant %s", cc->name, buf_str(&msg));
            } else {
                col->source = MAP_CONSTANT;
            }
            buf_release(&cv);
            buf_release(&msg);
            goto out;
        }
        if (!quoted) {
            struct buf u = BUF_INIT;
            map_norm(v->data, v->len, &u);
            int name = !strcmp(buf_str(&u), "unpivot_name"), value = !strcmp(buf_str(&u), "unpivot_value");
            buf_release(&u);
            if (name || value) {
                col->source = name ? MAP_UNPIVOT_NAME : MAP_UNPIVOT_VALUE;
                goto out;
            }
        }
        col->source = MAP_COLUMN;
        col->text = xstrdup(buf_str(v));
        goto out;
    }
    size_t kl = strlen(key);
    if (kl > 7 && !strcmp(key + kl - 7, "_format")) {
        struct buf cn = BUF_INIT;
        buf_add(&cn, key, kl - 7);
        c = column_named(cf, buf_str(&cn));
        buf_release(&cn);
        if (c >= 0) {
            struct map_column *col = &s->cols[c];
            const struct cohort_column *cc = &cf->cols[c];
            if (cc->type != COHORT_DATE) {
                rc = fail(p, "'%s': %s is not a date column", key_shown, cc->name);
                goto out;
            }
            if ((rc = set_once(p, &col->fmt_line, key_shown)))
                goto out;
            if (is_todo(v, quoted)) {
                add_todo(p, "date format of %s in %s", cc->name, buf_str(&where));
                goto out;
            }
            int f = date_fmt_lookup(buf_str(v), v->len);
            if (f < 0)
                rc = fail(p, "%s: '%s' is not one of YYYY-MM-DD (ISO), M/D/YYYY, D/M/YYYY, "
                             "D-Mon-YYYY, Excel",
                          key_shown, buf_str(v));
            else
                col->date_fmt = f;
            goto out;
        }
    }
    {
        struct buf cols = BUF_INIT;
        list_columns(cf, &cols);
        rc = fail(p, "unknown setting '%s' in %s (settings: file, encoding, delimiter, date format, "
                     "rows where, drop, unpivot, COLUMN, COLUMN format; columns: %s)",
                  key_shown, buf_str(&where), buf_str(&cols));
        buf_release(&cols);
    }
out:
    buf_release(&where);
    return rc;
}

static int value_line(struct parser *p, char *left, char *right)
{
    struct map_section *s = &p->m->files[p->file];
    struct map_column *col = &s->cols[p->col];
    const struct cohort_file *cf = cohort_file((enum cohort_file_id)p->file);
    const struct cohort_column *cc = &cf->cols[p->col];
    struct buf from = BUF_INIT, to = BUF_INIT, fold = BUF_INIT, msg = BUF_INIT, t = BUF_INIT;
    int ql, qr, rc = 0;
    if (unquote(left, &from, &ql) || unquote(right, &to, &qr)) {
        rc = fail(p, "a quote is not closed, or text follows it");
        goto out;
    }
    if (!from.len) {
        rc = fail(p, "an empty export value cannot be mapped (an empty cell is a missing value)");
        goto out;
    }
    map_fold(from.data, from.len, &fold);
    for (size_t i = 0; i < col->nvalues; i++)
        if (!strcmp(col->values[i].from, buf_str(&fold))) {
            rc = fail(p, "value \"%s\" is mapped twice (first on line %d)", buf_str(&from),
                      col->values[i].line);
            goto out;
        }
    if (is_todo(&to, qr)) {
        add_todo(p, "value \"%s\" of [%s: %s]", buf_str(&from), file_short(p->file, &t), cc->name);
        goto out;
    }
    char *canon = to.len ? cohort_value(cc, to.data, to.len, &msg) : xstrdup("");
    if (!canon) {
        rc = fail(p, "%s: %s", cc->name, buf_str(&msg));
        goto out;
    }
    col->values = xrealloc(col->values, (col->nvalues + 1) * sizeof *col->values);
    struct map_value *mv = &col->values[col->nvalues++];
    mv->from = buf_detach(&fold, NULL);
    mv->shown = buf_detach(&from, NULL);
    mv->to = canon;
    mv->line = p->line;
out:
    buf_release(&from);
    buf_release(&to);
    buf_release(&fold);
    buf_release(&msg);
    buf_release(&t);
    return rc;
}

static int one_line(struct parser *p, char *s)
{
    strip_comment(s);
    s = trim(s);
    if (!*s)
        return 0;
    if (*s == '[')
        return section(p, s);
    char *eq = find_unquoted(s, '=');
    if (!eq)
        return fail(p, p->kind == SEC_VALUES ? "expected 'EXPORT VALUE = COHORT VALUE'"
                                             : "expected 'setting = value' or a [section]");
    *eq = '\0';
    char *left = trim(s), *right = trim(eq + 1);
    if (p->kind == SEC_VALUES)
        return value_line(p, left, right);
    if (!*left)
        return fail(p, "expected 'setting = value'");
    struct buf key = BUF_INIT, v = BUF_INIT;
    int quoted, rc;
    map_norm(left, strlen(left), &key);
    int bad_quote = unquote(right, &v, &quoted);
    const char *k = buf_str(&key);
    /* These have a syntax of their own, with quotes inside. */
    int own = p->kind == SEC_FILE && (!strcmp(k, "rows_where") || !strcmp(k, "where") ||
                                      !strcmp(k, "drop") || !strcmp(k, "unpivot"));
    if (bad_quote && own) {
        buf_reset(&v);
        buf_adds(&v, right);
        quoted = 1; /* never TODO */
    }
    if (bad_quote && !own) {
        rc = fail(p, "%s: a quote is not closed, or text follows it", left);
    } else if (p->kind == SEC_MAP) {
        struct imgo_map *m = p->m;
        rc = common_setting(p, buf_str(&key), &v, quoted, &m->encoding, &m->encoding_line, &m->delim,
                            &m->delim_line, &m->date_fmt, &m->date_line, "[map]");
        if (rc < 0)
            rc = fail(p, "unknown setting '%s' in [map] (settings: encoding, delimiter, date "
                         "format; the settings of one file go in its own section)",
                      left);
    } else {
        rc = file_setting(p, buf_str(&key), left, right, &v, quoted);
    }
    buf_release(&key);
    buf_release(&v);
    return rc;
}

/* What a map needs besides its lines' syntax. */
static int finish(struct parser *p)
{
    struct buf t = BUF_INIT;
    int rc = 0;
    for (int f = 0; !rc && f < COHORT_NFILES; f++) {
        struct map_section *s = &p->m->files[f];
        const struct cohort_file *cf = cohort_file((enum cohort_file_id)f);
        int name_col = -1, value_col = -1;
        for (size_t c = 0; !rc && c < cf->ncols; c++) {
            struct map_column *col = &s->cols[c];
            p->line = col->line;
            if (col->source == MAP_UNPIVOT_NAME) {
                if (name_col >= 0)
                    rc = fail(p, "two columns are the unpivot name (%s and %s)", cf->cols[name_col].name,
                              cf->cols[c].name);
                else if (!(cf->cols[c].flags & COHORT_KEY))
                    rc = fail(p, "%s is not a key column of %s, so it cannot be the unpivot name "
                                 "(each unpivoted row needs a key of its own)",
                              cf->cols[c].name, cf->name);
                name_col = (int)c;
            } else if (col->source == MAP_UNPIVOT_VALUE) {
                if (value_col >= 0)
                    rc = fail(p, "two columns are the unpivot value (%s and %s)",
                              cf->cols[value_col].name, cf->cols[c].name);
                value_col = (int)c;
            }
            if (!rc && (col->source == MAP_UNPIVOT_NAME || col->source == MAP_UNPIVOT_VALUE) &&
                !s->unpivot_line)
                rc = fail(p, "%s is an unpivot %s, but [%s] has no 'unpivot = COLUMNS'", cf->cols[c].name,
                          col->source == MAP_UNPIVOT_NAME ? "name" : "value", file_short(f, &t));
            if (!rc && col->values_line && col->source == MAP_CONSTANT) {
                p->line = col->values_line;
                rc = fail(p, "%s is a constant (line %d): its values cannot be mapped", cf->cols[c].name,
                          col->line);
            }
        }
        if (rc)
            break;
        if (s->line && !s->glob_line) {
            p->line = s->line;
            rc = fail(p, "[%s] has no 'file = ...' (the export file that feeds it)", file_short(f, &t));
        } else if (s->nunpivot && (name_col < 0 || value_col < 0) && !p->m->ntodos) {
            p->line = s->unpivot_line;
            rc = fail(p, "unpivot needs a column set to 'unpivot name' and one set to 'unpivot value'");
        }
    }
    buf_release(&t);
    return rc;
}

int map_parse(struct imgo_map *m, const char *name, const char *text, size_t len, struct imgo_err *err)
{
    struct parser *p = xcalloc(1, sizeof *p);
    struct buf line = BUF_INIT;
    int rc = 0;
    size_t pos = 0;
    p->m = m;
    p->name = name;
    p->kind = SEC_MAP;
    p->err = err;
    if (len > MAP_MAX_BYTES) {
        rc = imgo_err_set(err, IMGO_EUSAGE, "%s: a map of more than %u bytes", name, MAP_MAX_BYTES);
        goto out;
    }
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        pos = 3;
    while (!rc && pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        p->line++;
        buf_reset(&line);
        buf_add(&line, text + pos, n);
        pos += n + (nl != NULL);
        if (line.len && line.data[line.len - 1] == '\r')
            line.data[--line.len] = '\0';
        if (memchr(buf_str(&line), '\0', line.len))
            rc = fail(p, "a NUL byte (is this a text file?)");
        else if (!g_utf8_validate_len(buf_str(&line), line.len, NULL))
            rc = fail(p, "not valid UTF-8 (save the map as UTF-8)");
        else if (line.len)
            rc = one_line(p, line.data);
    }
    if (!rc)
        rc = finish(p);
out:
    if (rc) {
        map_release(m);
    } else {
        free(m->path);
        m->path = xstrdup(name);
    }
    buf_release(&line);
    free(p);
    return rc;
}

int map_load(struct imgo_map *m, const char *path, struct imgo_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return imgo_err_set(err, IMGO_EIO, "%s: cannot read: %s", path, strerror(errno));
    struct buf text = BUF_INIT;
    char blk[4096];
    size_t n;
    while ((n = fread(blk, 1, sizeof blk, f)) > 0 && text.len <= MAP_MAX_BYTES)
        buf_add(&text, blk, n);
    int rc = ferror(f) ? imgo_err_set(err, IMGO_EIO, "%s: read error", path) : IMGO_OK;
    fclose(f);
    if (!rc)
        rc = map_parse(m, path, buf_str(&text), text.len, err);
    if (!rc) {
        struct sha256_ctx h;
        uint8_t d[SHA256_DIGEST_SIZE];
        sha256_init(&h);
        sha256_update(&h, text.len, (const uint8_t *)buf_str(&text));
        sha256_digest(&h, sizeof d, d);
        for (size_t i = 0; i < sizeof d; i++)
            snprintf(m->sha256 + 2 * i, 3, "%02x", d[i]);
    }
    buf_release(&text);
    return rc;
}
