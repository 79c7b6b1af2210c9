/*
 * opt.c - one option parser for every command (see opt.h).
 *
 * The parser only reads argv against a spec and records what it found, in
 * order; each command then takes its values from the result. Every usage
 * error of the parser has one shape: the command, what is wrong with which
 * option or argument, and where the help is.
 */
#include "opt.h"
#include "buf.h"
#include "mem.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A usage error: "check: MESSAGE; see 'imgo check --help'". */
static int usage_error(const struct opt_spec *s, struct imgo_err *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int usage_error(const struct opt_spec *s, struct imgo_err *err, const char *fmt, ...)
{
    struct buf msg = BUF_INIT;
    va_list ap;
    if (s->name)
        buf_addf(&msg, "%s: ", s->name);
    va_start(ap, fmt);
    buf_vaddf(&msg, fmt, ap);
    va_end(ap);
    buf_addf(&msg, "; see 'imgo%s%s --help'", s->name ? " " : "", s->name ? s->name : "");
    int rc = imgo_err_set(err, IMGO_EUSAGE, "%s", buf_str(&msg));
    buf_release(&msg);
    return rc;
}

static int add_hit(struct opt_result *r, int opt, const char *value)
{
    r->hits[r->n_hits].opt = opt;
    r->hits[r->n_hits].value = value;
    r->n_hits++;
    return IMGO_OK;
}

static int find_long(const struct opt_spec *s, const char *name, size_t len)
{
    for (int i = 0; s->opts && s->opts[i].name; i++)
        if (strlen(s->opts[i].name) == len && !strncmp(s->opts[i].name, name, len))
            return i;
    return -1;
}

static int find_short(const struct opt_spec *s, char c)
{
    for (int i = 0; s->opts && s->opts[i].name; i++)
        if (s->opts[i].short_name && s->opts[i].short_name == c)
            return i;
    return -1;
}

/* --name, --name=VALUE or --name VALUE at argv[*i]. */
static int parse_long(const struct opt_spec *s, int argc, char **argv, int *i, struct opt_result *r,
                      struct imgo_err *err)
{
    const char *a = argv[*i], *name = a + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    int o = find_long(s, name, len);
    if (o < 0)
        return usage_error(s, err, "unknown option '%s'", a);
    const struct opt *opt = &s->opts[o];
    if (!opt->arg) {
        if (eq)
            return usage_error(s, err, "option '--%s' takes no value", opt->name);
        return add_hit(r, o, NULL);
    }
    if (eq)
        return add_hit(r, o, eq + 1);
    if (*i + 1 >= argc)
        return usage_error(s, err, "option '--%s' needs a value (%s)", opt->name, opt->arg);
    return add_hit(r, o, argv[++*i]);
}

/* -x, -xVALUE or -x VALUE at argv[*i]. Flags are not bundled (-ab). */
static int parse_short(const struct opt_spec *s, int argc, char **argv, int *i, struct opt_result *r,
                       struct imgo_err *err)
{
    const char *a = argv[*i];
    int o = find_short(s, a[1]);
    if (o < 0)
        return usage_error(s, err, "unknown option '%s'", a);
    const struct opt *opt = &s->opts[o];
    if (!opt->arg) {
        if (a[2])
            return usage_error(s, err, "unknown option '%s'", a);
        return add_hit(r, o, NULL);
    }
    if (a[2])
        return add_hit(r, o, a + 2);
    if (*i + 1 >= argc)
        return usage_error(s, err, "option '%s' needs a value (%s)", a, opt->arg);
    return add_hit(r, o, argv[++*i]);
}

static int check_args(const struct opt_spec *s, const struct opt_result *r, struct imgo_err *err)
{
    const struct opt_args *g = &s->args;
    if (!g->name && r->n_args)
        return usage_error(s, err, "unexpected argument '%s'", r->args[0]);
    if (r->n_args < g->min)
        return usage_error(s, err, "no %s given", g->what);
    if (g->max >= 0 && r->n_args > g->max) {
        if (g->max == 1)
            return usage_error(s, err, "one %s only ('%s' and '%s')", g->what, r->args[0], r->args[1]);
        return usage_error(s, err, "too many arguments ('%s')", r->args[g->max]);
    }
    return IMGO_OK;
}

int opt_parse(const struct opt_spec *s, int argc, char **argv, struct opt_result *r,
              struct imgo_err *err)
{
    memset(r, 0, sizeof *r);
    r->spec = s;
    /* no more of either than argv has words */
    r->hits = xmalloc((size_t)(argc > 0 ? argc : 1) * sizeof *r->hits);
    r->args = xmalloc((size_t)(argc > 0 ? argc : 1) * sizeof *r->args);
    int rc = IMGO_OK, only_args = 0;
    for (int i = 1; !rc && i < argc; i++) {
        char *a = argv[i];
        if (only_args || a[0] != '-' || !a[1]) {
            r->args[r->n_args++] = a;
            if (s->flags & OPT_SPEC_COMMAND_FOLLOWS) {
                /* the command's own words, unparsed */
                while (++i < argc)
                    r->args[r->n_args++] = argv[i];
                return IMGO_OK;
            }
        } else if (!strcmp(a, "--")) {
            only_args = 1;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            r->help = 1;
            return IMGO_OK;
        } else if (a[1] == '-') {
            rc = parse_long(s, argc, argv, &i, r, err);
        } else {
            rc = parse_short(s, argc, argv, &i, r, err);
        }
    }
    if (!rc && !(s->flags & OPT_SPEC_COMMAND_FOLLOWS))
        rc = check_args(s, r, err);
    return rc;
}

void opt_result_release(struct opt_result *r)
{
    free(r->hits);
    free(r->args);
    memset(r, 0, sizeof *r);
}

const char *opt_value(const struct opt_result *r, int opt)
{
    for (int i = r->n_hits - 1; i >= 0; i--)
        if (r->hits[i].opt == opt)
            return r->hits[i].value;
    return NULL;
}

int opt_count(const struct opt_result *r, int opt)
{
    int n = 0;
    for (int i = 0; i < r->n_hits; i++)
        n += r->hits[i].opt == opt;
    return n;
}
