/*
 * params.c - pipeline files and run parameters (see params.h).
 *
 * Values are checked here once, whatever their source (file or command
 * line), so that compute and report can trust every field.
 */
#include "params.h"
#include "buf.h"
#include "cohort.h"
#include "date.h"
#include "mem.h"
#include "validate.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const params_keys[] = {
    "stages", "report", "as_of", "confidence", "min_cell", "board_exams", "step3_exam",
    "board_pass_threshold", "max_mentees", "min_evaluator_n", "fdr_q", "mentorship_launch",
    "l4_threshold", "programs", "required_roles_img", "required_roles_non_img", NULL,
};

void params_init(struct imgo_params *p)
{
    memset(p, 0, sizeof *p);
    p->stages[0] = STAGE_INGEST;
    p->stages[1] = STAGE_COMPUTE;
    p->stages[2] = STAGE_REPORT;
    p->n_stages = 3;
    p->report = PARAMS_REPORT_ANNUAL;
    p->confidence = 0.95;
    p->min_cell = 5;
    p->step3_exam = xstrdup("USMLE-STEP3");
    p->board_pass_threshold = 0.80;
    p->max_mentees = 4;
    p->min_evaluator_n = 5;
    p->fdr_q = 0.10;
    p->l4_threshold = 2.5;
    p->required_roles_img = xstrdup("senior_resident,faculty,peer");
    p->required_roles_non_img = xstrdup("senior_resident,faculty");
}

void params_release(struct imgo_params *p)
{
    free(p->board_exams);
    free(p->step3_exam);
    free(p->source);
    free(p->programs);
    free(p->required_roles_img);
    free(p->required_roles_non_img);
    memset(p, 0, sizeof *p);
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

/* Pipeline numbers and whole numbers have the input contract's syntax. */
static int parse_number(const char *s, double *out)
{
    return validate_parse_number(s, strlen(s), out);
}

static int parse_int(const char *s, int lo, int hi, int *out)
{
    long long v;
    if (validate_parse_int(s, strlen(s), &v) || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* Exam names as ingest stores them: upper-cased, no surrounding spaces. */
static char *exam_list(const char *value, int single)
{
    struct buf b = BUF_INIT;
    const char *s = value;
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        const char *e = s;
        while (*e && *e != ',')
            e++;
        const char *t = e;
        while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
            t--;
        if (t == s || (single && *e == ',')) {
            buf_release(&b);
            return NULL;
        }
        if (b.len)
            buf_addc(&b, ',');
        for (const char *c = s; c < t; c++)
            buf_addc(&b, (char)toupper((unsigned char)*c));
        s = *e ? e + 1 : e;
        if (*e == ',' && !*s) {
            buf_release(&b);
            return NULL;
        }
    }
    if (!b.len)
        return NULL;
    return buf_detach(&b, NULL);
}

/* Program codes: split on ',', each trimmed of spaces and tabs and kept as
 * written (codes are case-sensitive); NULL when an item is empty. */
static char *program_list(const char *value)
{
    struct buf b = BUF_INIT;
    const char *s = value;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        const char *e = s;
        while (*e && *e != ',')
            e++;
        const char *t = e;
        while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
            t--;
        if (t == s) {
            buf_release(&b);
            return NULL;
        }
        if (b.len)
            buf_addc(&b, ',');
        buf_add(&b, s, (size_t)(t - s));
        if (!*e)
            break;
        s = e + 1;
    }
    return buf_detach(&b, NULL);
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
    const char *s = value;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        const char *e = s;
        while (*e && *e != ',')
            e++;
        const char *t = e;
        while (t > s && (t[-1] == ' ' || t[-1] == '\t'))
            t--;
        const char *role = cohort_enum_match(col, s, (size_t)(t - s));
        if (!role) {
            buf_add(bad, s, (size_t)(t - s));
            buf_release(&b);
            return NULL;
        }
        /* a repeat is kept once: look for ",role," in ",list," */
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
        if (!*e)
            break;
        s = e + 1;
    }
    return buf_detach(&b, NULL);
}

/* The role names of mentor_assignments.csv, for messages. */
static void role_names(struct buf *out)
{
    const struct cohort_file *f = cohort_file(COHORT_MENTOR_ASSIGNMENTS);
    const struct cohort_column *col = &f->cols[cohort_column_index(f, "role")];
    for (int i = 0; col->enums[i]; i++)
        buf_addf(out, "%s%s", i ? ", " : "", col->enums[i]);
}

static int set_roles(char **field, const char *key, const char *value, struct imgo_err *err)
{
    struct buf bad = BUF_INIT, names = BUF_INIT;
    char *list = role_list(value, &bad);
    int rc = IMGO_OK;
    if (!list) {
        role_names(&names);
        if (bad.len)
            rc = imgo_err_set(err, IMGO_EUSAGE, "%s: '%s' is not a mentor role (%s)", key, buf_str(&bad),
                              buf_str(&names));
        else
            rc = imgo_err_set(err, IMGO_EUSAGE, "%s: '%s' is not a comma-separated list of mentor roles (%s)",
                              key, value, buf_str(&names));
    } else {
        free(*field);
        *field = list;
    }
    buf_release(&bad);
    buf_release(&names);
    return rc;
}

static int set_stages(struct imgo_params *p, const char *value, struct imgo_err *err)
{
    int n = 0, stages[PARAMS_MAX_STAGES];
    const char *s = value;
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

int params_set(struct imgo_params *p, const char *key, const char *value, struct imgo_err *err)
{
    double d;
    int i;
    if (!strcmp(key, "stages"))
        return set_stages(p, value, err);
    if (!strcmp(key, "report")) {
        if (!strcmp(value, "annual"))
            p->report = PARAMS_REPORT_ANNUAL;
        else if (!strcmp(value, "quarterly"))
            p->report = PARAMS_REPORT_QUARTERLY;
        else
            return imgo_err_set(err, IMGO_EUSAGE, "report: '%s' is not annual or quarterly", value);
        return IMGO_OK;
    }
    if (!strcmp(key, "as_of")) {
        if (!*value) {
            p->has_as_of = 0;
            return IMGO_OK;
        }
        if (date_parse(value, strlen(value), &i))
            return imgo_err_set(err, IMGO_EUSAGE, "as_of: '%s' is not a valid date (YYYY-MM-DD)", value);
        p->has_as_of = 1;
        p->as_of = i;
        return IMGO_OK;
    }
    if (!strcmp(key, "confidence")) {
        if (parse_number(value, &d) || !(d > 0.5 && d < 1))
            return imgo_err_set(err, IMGO_EUSAGE, "confidence: '%s' is not a number between 0.5 and 1", value);
        p->confidence = d;
        return IMGO_OK;
    }
    if (!strcmp(key, "board_pass_threshold")) {
        if (parse_number(value, &d) || d < 0 || d > 1)
            return imgo_err_set(err, IMGO_EUSAGE, "board_pass_threshold: '%s' is not a number from 0 to 1", value);
        p->board_pass_threshold = d;
        return IMGO_OK;
    }
    if (!strcmp(key, "fdr_q")) {
        if (parse_number(value, &d) || !(d > 0 && d <= 1))
            return imgo_err_set(err, IMGO_EUSAGE, "fdr_q: '%s' is not a number in (0, 1]", value);
        p->fdr_q = d;
        return IMGO_OK;
    }
    if (!strcmp(key, "min_cell")) {
        if (parse_int(value, 1, 1000000, &i))
            return imgo_err_set(err, IMGO_EUSAGE, "min_cell: '%s' is not a whole number >= 1", value);
        p->min_cell = i;
        return IMGO_OK;
    }
    if (!strcmp(key, "max_mentees")) {
        if (parse_int(value, 0, 1000000, &i))
            return imgo_err_set(err, IMGO_EUSAGE, "max_mentees: '%s' is not a whole number >= 0", value);
        p->max_mentees = i;
        return IMGO_OK;
    }
    if (!strcmp(key, "min_evaluator_n")) {
        if (parse_int(value, 1, 1000000, &i))
            return imgo_err_set(err, IMGO_EUSAGE, "min_evaluator_n: '%s' is not a whole number >= 1", value);
        p->min_evaluator_n = i;
        return IMGO_OK;
    }
    if (!strcmp(key, "board_exams")) {
        if (!*value) {
            FREE_AND_NULL(p->board_exams);
            return IMGO_OK;
        }
        char *list = exam_list(value, 0);
        if (!list)
            return imgo_err_set(err, IMGO_EUSAGE, "board_exams: '%s' is not a comma-separated list of exam names", value);
        free(p->board_exams);
        p->board_exams = list;
        return IMGO_OK;
    }
    if (!strcmp(key, "step3_exam")) {
        char *name = exam_list(value, 1);
        if (!name)
            return imgo_err_set(err, IMGO_EUSAGE, "step3_exam: '%s' is not one exam name", value);
        free(p->step3_exam);
        p->step3_exam = name;
        return IMGO_OK;
    }
    if (!strcmp(key, "mentorship_launch")) {
        if (!*value) {
            p->has_launch = 0;
            return IMGO_OK;
        }
        if (date_parse(value, strlen(value), &i))
            return imgo_err_set(err, IMGO_EUSAGE, "mentorship_launch: '%s' is not a valid date (YYYY-MM-DD)",
                                value);
        p->has_launch = 1;
        p->launch = i;
        return IMGO_OK;
    }
    if (!strcmp(key, "l4_threshold")) {
        /* milestone ratings run from 1.0 to 5.0 (the input contract) */
        if (parse_number(value, &d) || d < 1 || d > 5)
            return imgo_err_set(err, IMGO_EUSAGE, "l4_threshold: '%s' is not a number from 1 to 5", value);
        p->l4_threshold = d;
        return IMGO_OK;
    }
    if (!strcmp(key, "programs")) {
        if (!*value) {
            FREE_AND_NULL(p->programs);
            return IMGO_OK;
        }
        char *list = program_list(value);
        if (!list)
            return imgo_err_set(err, IMGO_EUSAGE, "programs: '%s' is not a comma-separated list of program codes",
                                value);
        free(p->programs);
        p->programs = list;
        return IMGO_OK;
    }
    if (!strcmp(key, "required_roles_img"))
        return set_roles(&p->required_roles_img, key, value, err);
    if (!strcmp(key, "required_roles_non_img"))
        return set_roles(&p->required_roles_non_img, key, value, err);
    return imgo_err_set(err, IMGO_EUSAGE, "unknown key '%s'", key);
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
    int seen[32] = { 0 }; /* line where each of params_keys was set */
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
        int k;
        for (k = 0; params_keys[k]; k++)
            if (!strcmp(params_keys[k], key))
                break;
        if (params_keys[k] && seen[k]) {
            rc = imgo_err_set(err, IMGO_EUSAGE, "%s:%d: '%s' is set twice (first on line %d)", name,
                              lineno, key, seen[k]);
            break;
        }
        struct imgo_err e = IMGO_ERR_INIT;
        if ((rc = params_set(p, key, value, &e))) {
            imgo_err_set(err, rc, "%s:%d: %s", name, lineno, e.msg);
            break;
        }
        seen[k] = lineno;
    }
    buf_release(&line);
    return rc;
}

int params_load(struct imgo_params *p, const char *path, struct imgo_err *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return imgo_err_set(err, IMGO_EIO, "%s: cannot read: %s", path, strerror(errno));
    struct buf text = BUF_INIT;
    char blk[4096];
    size_t n;
    while ((n = fread(blk, 1, sizeof blk, f)) > 0)
        buf_add(&text, blk, n);
    int rc = ferror(f) ? imgo_err_set(err, IMGO_EIO, "%s: read error", path) : IMGO_OK;
    fclose(f);
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
    out[0] = '\0';
    if (!strcmp(key, "stages")) {
        struct buf b = BUF_INIT;
        for (int i = 0; i < p->n_stages; i++)
            buf_addf(&b, "%s%s", i ? " " : "", params_stage_name(p->stages[i]));
        snprintf(out, n, "%s", buf_str(&b));
        buf_release(&b);
    } else if (!strcmp(key, "report"))
        snprintf(out, n, "%s", p->report == PARAMS_REPORT_QUARTERLY ? "quarterly" : "annual");
    else if (!strcmp(key, "as_of")) {
        if (p->has_as_of) {
            char d[11];
            date_format(p->as_of, d);
            snprintf(out, n, "%s", d);
        }
    } else if (!strcmp(key, "confidence"))
        snprintf(out, n, "%.10g", p->confidence);
    else if (!strcmp(key, "min_cell"))
        snprintf(out, n, "%d", p->min_cell);
    else if (!strcmp(key, "board_exams"))
        snprintf(out, n, "%s", p->board_exams ? p->board_exams : "");
    else if (!strcmp(key, "step3_exam"))
        snprintf(out, n, "%s", p->step3_exam);
    else if (!strcmp(key, "board_pass_threshold"))
        snprintf(out, n, "%.10g", p->board_pass_threshold);
    else if (!strcmp(key, "max_mentees"))
        snprintf(out, n, "%d", p->max_mentees);
    else if (!strcmp(key, "min_evaluator_n"))
        snprintf(out, n, "%d", p->min_evaluator_n);
    else if (!strcmp(key, "fdr_q"))
        snprintf(out, n, "%.10g", p->fdr_q);
    else if (!strcmp(key, "mentorship_launch")) {
        if (p->has_launch) {
            char d[11];
            date_format(p->launch, d);
            snprintf(out, n, "%s", d);
        }
    } else if (!strcmp(key, "l4_threshold"))
        snprintf(out, n, "%.10g", p->l4_threshold);
    else if (!strcmp(key, "programs"))
        snprintf(out, n, "%s", p->programs ? p->programs : "");
    else if (!strcmp(key, "required_roles_img"))
        snprintf(out, n, "%s", p->required_roles_img);
    else if (!strcmp(key, "required_roles_non_img"))
        snprintf(out, n, "%s", p->required_roles_non_img);
}
