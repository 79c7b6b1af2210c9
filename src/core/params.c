/*
 * params.c - pipeline files and run parameters (see params.h).
 *
 * Values are checked here once, whatever their source (file or command
 * line), so that compute and report can trust every field. Keys are rows of
 * params.def; what happens to a value depends only on its type, through the
 * parser and formatter of the type table below.
 */
#include "params.h"
#include "fsutil.h"
#include "buf.h"
#include "cohort.h"
#include "date.h"
#include "mem.h"
#include "validate.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct params_key params_table[] = {
#define PARAM(k, ...) { .key = #k, .off = offsetof(struct imgo_params, k), __VA_ARGS__ },
#include "params.def"
#undef PARAM
    { .key = NULL },
};

const char *const params_keys[] = {
#define PARAM(k, ...) #k,
#include "params.def"
#undef PARAM
    NULL,
};

/* The number of keys, for arrays indexed like the table. */
enum {
#define PARAM(k, ...) PARAMS_KEY_##k,
#include "params.def"
#undef PARAM
    PARAMS_N_KEYS
};

static const char *const report_names[] = {
    [PARAMS_REPORT_ANNUAL] = "annual",
    [PARAMS_REPORT_QUARTERLY] = "quarterly",
    [PARAMS_REPORT_INSTITUTION] = "institution",
};

static void *field(struct imgo_params *p, const struct params_key *k)
{
    return (char *)p + k->off;
}

static const void *cfield(const struct imgo_params *p, const struct params_key *k)
{
    return (const char *)p + k->off;
}

/* "KEY: 'VALUE' is not RANGE", the message of every type but stages. */
static int bad_value(const struct params_key *k, const char *value, struct imgo_err *err)
{
    return imgo_err_set(err, IMGO_EUSAGE, "%s: '%s' is not %s", k->key, value, k->range);
}

const char *params_stage_name(int stage)
{
    switch (stage) {
    case STAGE_INGEST: return "ingest";
    case STAGE_COMPUTE: return "compute";
    case STAGE_REPORT: return "report";
    }
    return "?";
}

static int parse_stages(const struct params_key *k, struct imgo_params *p, const char *value,
                        struct imgo_err *err)
{
    int n = 0, stages[PARAMS_MAX_STAGES];
    const char *s = value;
    (void)k;
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        const char *e = s;
        while (*e && *e != ' ' && *e != '\t')
            e++;
        size_t len = (size_t)(e - s);
        int st = 0;
        for (int c = STAGE_INGEST; c <= STAGE_REPORT; c <<= 1)
            if (strlen(params_stage_name(c)) == len && !strncmp(s, params_stage_name(c), len))
                st = c;
        if (!st)
            return imgo_err_set(err, IMGO_EUSAGE, "stages: unknown stage '%.*s' (ingest, compute, report)",
                                (int)len, s);
        for (int i = 0; i < n; i++)
            if (stages[i] == st)
                return imgo_err_set(err, IMGO_EUSAGE, "stages: '%.*s' is named twice", (int)len, s);
        if (n > 0 && stages[n - 1] > st)
            return imgo_err_set(err, IMGO_EUSAGE, "stages: must run in the order ingest compute report");
        stages[n++] = st;
        s = e;
    }
    if (!n)
        return imgo_err_set(err, IMGO_EUSAGE, "stages: names no stage");
    memcpy(p->stages, stages, sizeof stages[0] * (size_t)n);
    p->n_stages = n;
    return IMGO_OK;
}

static void format_stages(const struct params_key *k, const struct imgo_params *p, struct buf *out)
{
    (void)k;
    for (int i = 0; i < p->n_stages; i++)
        buf_addf(out, "%s%s", i ? " " : "", params_stage_name(p->stages[i]));
}

static int parse_report(const struct params_key *k, struct imgo_params *p, const char *value,
                        struct imgo_err *err)
{
    for (size_t i = 0; i < sizeof report_names / sizeof report_names[0]; i++)
        if (!strcmp(value, report_names[i])) {
            *(int *)field(p, k) = (int)i;
            return IMGO_OK;
        }
    return bad_value(k, value, err);
}

static void format_report(const struct params_key *k, const struct imgo_params *p, struct buf *out)
{
    int v = *(const int *)cfield(p, k);
    if (v >= 0 && (size_t)v < sizeof report_names / sizeof report_names[0])
        buf_adds(out, report_names[v]);
}

static int parse_date_opt(const struct params_key *k, struct imgo_params *p, const char *value,
                          struct imgo_err *err)
{
    int *has = (int *)(void *)((char *)p + k->off_has), day;
    if (!*value) {
        *has = 0;
        return IMGO_OK;
    }
    if (date_parse(value, strlen(value), &day))
        return bad_value(k, value, err);
    *has = 1;
    *(int *)field(p, k) = day;
    return IMGO_OK;
}

static void format_date_opt(const struct params_key *k, const struct imgo_params *p, struct buf *out)
{
    if (*(const int *)(const void *)((const char *)p + k->off_has)) {
        char d[11];
        date_format(*(const int *)cfield(p, k), d);
        buf_adds(out, d);
    }
}

/* Pipeline numbers and whole numbers have the input contract's syntax. */
static int parse_number(const struct params_key *k, struct imgo_params *p, const char *value,
                        struct imgo_err *err)
{
    double d;
    if (validate_parse_number(value, strlen(value), &d) ||
        ((k->flags & PARAMS_LO_OPEN) ? !(d > k->lo) : !(d >= k->lo)) ||
        ((k->flags & PARAMS_HI_OPEN) ? !(d < k->hi) : !(d <= k->hi)))
        return bad_value(k, value, err);
    *(double *)field(p, k) = d;
    return IMGO_OK;
}

static void format_number(const struct params_key *k, const struct imgo_params *p, struct buf *out)
{
    buf_addf(out, "%.10g", *(const double *)cfield(p, k));
}

static int parse_whole(const struct params_key *k, struct imgo_params *p, const char *value,
                       struct imgo_err *err)
{
    long long v;
    if (validate_parse_int(value, strlen(value), &v) || (double)v < k->lo || (double)v > k->hi)
        return bad_value(k, value, err);
    *(int *)field(p, k) = (int)v;
    return IMGO_OK;
}

static void format_whole(const struct params_key *k, const struct imgo_params *p, struct buf *out)
{
    buf_addf(out, "%d", *(const int *)cfield(p, k));
}

/* The next item of a comma-separated list at *s, without surrounding spaces
 * and tabs (*item, *len; an item may be empty); *s moves past it and its
 * comma. Returns 1 when it was the last item. */
static int list_item(const char **s, const char **item, size_t *len)
{
    const char *a = *s;
    while (*a == ' ' || *a == '\t')
        a++;
    const char *e = a;
    while (*e && *e != ',')
        e++;
    const char *t = e;
    while (t > a && (t[-1] == ' ' || t[-1] == '\t'))
        t--;
    *item = a;
    *len = (size_t)(t - a);
    *s = *e ? e + 1 : e;
    return !*e;
}

/* The items of a list, each trimmed, upper-cased when upper (exam names
 * as ingest stores them), joined by ','; NULL when an item is empty (or,
 * single, when there is more than one). */
static char *item_list(const char *value, int upper, int single)
{
    struct buf b = BUF_INIT;
    const char *s = value, *it;
    size_t len;
    int last;
    do {
        last = list_item(&s, &it, &len);
        if (!len || (single && !last)) {
            buf_release(&b);
            return NULL;
        }
        if (b.len)
            buf_addc(&b, ',');
        for (size_t c = 0; c < len; c++)
            buf_addc(&b, upper ? (char)toupper((unsigned char)it[c]) : it[c]);
    } while (!last);
    return buf_detach(&b, NULL);
}

static int set_exams(const struct params_key *k, struct imgo_params *p, const char *value, int single,
                     struct imgo_err *err)
{
    char **slot = field(p, k), *list = NULL;
    if (*value || !k->empty) {
        list = item_list(value, 1, single);
        if (!list)
            return bad_value(k, value, err);
    }
    free(*slot);
    *slot = list;
    return IMGO_OK;
}

static int parse_exams(const struct params_key *k, struct imgo_params *p, const char *value,
                       struct imgo_err *err)
{
    return set_exams(k, p, value, 0, err);
}

static int parse_exam(const struct params_key *k, struct imgo_params *p, const char *value,
                      struct imgo_err *err)
{
    return set_exams(k, p, value, 1, err);
}

static int parse_programs(const struct params_key *k, struct imgo_params *p, const char *value,
                          struct imgo_err *err)
{
    char **slot = field(p, k), *list = NULL;
    /* program codes are case-sensitive: kept as written */
    if (*value && !(list = item_list(value, 0, 0)))
        return bad_value(k, value, err);
    free(*slot);
    *slot = list;
    return IMGO_OK;
}

/* Mentor roles: split on ',', trimmed, matched case-insensitively to the
 * role enumeration of mentor_assignments.csv and written in its canonical
 * lower-case spelling, a repeat kept once. NULL (and *bad, the offending
 * item, set) when an item is empty or not a role. */
static char *role_list(const char *value, struct buf *bad)
{
    const struct cohort_file *f = cohort_file(COHORT_MENTOR_ASSIGNMENTS);
    const struct cohort_column *col = &f->cols[cohort_column_index(f, "role")];
    struct buf b = BUF_INIT;
    const char *s = value, *it;
    size_t len;
    int last;
    do {
        last = list_item(&s, &it, &len);
        const char *role = cohort_enum_match(col, it, len);
        if (!role) {
            buf_add(bad, it, len);
            buf_release(&b);
            return NULL;
        }
        /* a repeat is kept once: look for it in the list so far */
        int seen = 0;
        size_t rl = strlen(role);
        for (const char *c = buf_str(&b); *c;) {
            const char *ce = strchr(c, ',');
            size_t cl = ce ? (size_t)(ce - c) : strlen(c);
            if (cl == rl && !strncmp(c, role, rl))
                seen = 1;
            c += cl + (ce != NULL);
        }
        if (!seen) {
            if (b.len)
                buf_addc(&b, ',');
            buf_adds(&b, role);
        }
    } while (!last);
    return buf_detach(&b, NULL);
}

static int parse_roles(const struct params_key *k, struct imgo_params *p, const char *value,
                       struct imgo_err *err)
{
    const struct cohort_file *f = cohort_file(COHORT_MENTOR_ASSIGNMENTS);
    const struct cohort_column *col = &f->cols[cohort_column_index(f, "role")];
    struct buf bad = BUF_INIT, names = BUF_INIT;
    char *list = role_list(value, &bad);
    int rc = IMGO_OK;
    if (!list) {
        for (int i = 0; col->enums[i]; i++)
            buf_addf(&names, "%s%s", i ? ", " : "", col->enums[i]);
        if (bad.len)
            rc = imgo_err_set(err, IMGO_EUSAGE, "%s: '%s' is not a mentor role (%s)", k->key, buf_str(&bad),
                              buf_str(&names));
        else
            rc = imgo_err_set(err, IMGO_EUSAGE, "%s: '%s' is not %s (%s)", k->key, value, k->range,
                              buf_str(&names));
    } else {
        char **slot = field(p, k);
        free(*slot);
        *slot = list;
    }
    buf_release(&bad);
    buf_release(&names);
    return rc;
}

static void format_string(const struct params_key *k, const struct imgo_params *p, struct buf *out)
{
    const char *s = *(char *const *)cfield(p, k);
    buf_adds(out, s ? s : "");
}

/* What each type does with a value. A parser returns IMGO_OK, or
 * IMGO_EUSAGE with err set, leaving p unchanged. owns: the field is a
 * malloc'd string (or NULL) that params_release frees. */
static const struct type_ops {
    const char *name;
    int (*parse)(const struct params_key *k, struct imgo_params *p, const char *value, struct imgo_err *err);
    void (*format)(const struct params_key *k, const struct imgo_params *p, struct buf *out);
    int owns;
} types[] = {
    [PARAMS_T_STAGES] = { "stages list", parse_stages, format_stages, 0 },
    [PARAMS_T_REPORT] = { "report kind", parse_report, format_report, 0 },
    [PARAMS_T_DATE_OPT] = { "optional date", parse_date_opt, format_date_opt, 0 },
    [PARAMS_T_NUMBER] = { "number", parse_number, format_number, 0 },
    [PARAMS_T_WHOLE] = { "whole number", parse_whole, format_whole, 0 },
    [PARAMS_T_EXAMS] = { "exam list", parse_exams, format_string, 1 },
    [PARAMS_T_EXAM] = { "exam name", parse_exam, format_string, 1 },
    [PARAMS_T_PROGRAMS] = { "program list", parse_programs, format_string, 1 },
    [PARAMS_T_ROLES] = { "mentor role list", parse_roles, format_string, 1 },
};

const char *params_type_name(enum params_type type)
{
    return types[type].name;
}

const struct params_key *params_key_find(const char *key)
{
    for (const struct params_key *k = params_table; k->key; k++)
        if (!strcmp(k->key, key))
            return k;
    return NULL;
}

void params_init(struct imgo_params *p)
{
    memset(p, 0, sizeof *p);
    /* The table's defaults parse (tests/core/test_params.c checks each). */
    for (const struct params_key *k = params_table; k->key; k++)
        types[k->type].parse(k, p, k->def, NULL);
}

void params_release(struct imgo_params *p)
{
    for (const struct params_key *k = params_table; k->key; k++)
        if (types[k->type].owns)
            free(*(char **)field(p, k));
    free(p->source);
    memset(p, 0, sizeof *p);
}

int params_set(struct imgo_params *p, const char *key, const char *value, struct imgo_err *err)
{
    const struct params_key *k = params_key_find(key);
    if (!k)
        return imgo_err_set(err, IMGO_EUSAGE, "unknown key '%s'", key);
    return types[k->type].parse(k, p, value, err);
}

int params_set_pair(struct imgo_params *p, const char *pair, struct imgo_err *err)
{
    const char *eq = strchr(pair, '=');
    if (!eq)
        return imgo_err_set(err, IMGO_EUSAGE, "'%s' is not KEY=VALUE", pair);
    char *key = xstrndup(pair, (size_t)(eq - pair));
    int rc = params_set(p, key, eq + 1, err);
    free(key);
    return rc;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

int params_parse(struct imgo_params *p, const char *name, const char *text, size_t len,
                 struct imgo_err *err)
{
    int seen[PARAMS_N_KEYS] = { 0 }; /* line where each key was set */
    struct buf line = BUF_INIT;
    int rc = IMGO_OK, lineno = 0;
    size_t pos = 0;
    while (!rc && pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
        buf_reset(&line);
        buf_add(&line, text + pos, n);
        pos += n + (nl != NULL);
        lineno++;
        /* A NUL byte ends the line's text, as it would for a C string. */
        char *s = line.data ? line.data : (char *)"";
        /* A comment runs from a '#' at the start or after white space. */
        for (char *h = s; *h; h++)
            if (*h == '#' && (h == s || h[-1] == ' ' || h[-1] == '\t')) {
                *h = '\0';
                break;
            }
        s = trim(s);
        if (!*s)
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = imgo_err_set(err, IMGO_EUSAGE, "%s:%d: expected 'key = value'", name, lineno);
            break;
        }
        *eq = '\0';
        char *key = trim(s), *value = trim(eq + 1);
        const struct params_key *k = params_key_find(key);
        int *first = k ? &seen[k - params_table] : NULL;
        if (first && *first) {
            rc = imgo_err_set(err, IMGO_EUSAGE, "%s:%d: '%s' is set twice (first on line %d)", name,
                              lineno, key, *first);
            break;
        }
        struct imgo_err e = IMGO_ERR_INIT;
        if ((rc = params_set(p, key, value, &e))) {
            imgo_err_set(err, rc, "%s:%d: %s", name, lineno, e.msg);
            break;
        }
        *first = lineno;
    }
    buf_release(&line);
    return rc;
}

int params_load(struct imgo_params *p, const char *path, struct imgo_err *err)
{
    struct buf text = BUF_INIT;
    int rc = fs_read_all(path, &text, err);
    if (!rc)
        rc = params_parse(p, path, buf_str(&text), text.len, err);
    buf_release(&text);
    if (!rc) {
        free(p->source);
        p->source = xstrdup(path);
    }
    return rc;
}

void params_format(const struct imgo_params *p, const char *key, char *out, size_t n)
{
    const struct params_key *k = params_key_find(key);
    struct buf b = BUF_INIT;
    if (k)
        types[k->type].format(k, p, &b);
    snprintf(out, n, "%s", buf_str(&b));
    buf_release(&b);
}
