/*
 * test_opt.c - the option parser (opt.h) and the help rendered from a
 * spec (help.h): both spellings of a value, short names, flags, `--`,
 * argument counts, the shape of every usage error, and the shape and
 * width of the help of every command.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "help.h"
#include "opt.h"
#include "params.h"

enum { T_DB, T_OUT, T_STRICT, T_SET };

static const struct opt t_opts[] = {
    [T_DB] = { .name = "db", .arg = "FILE", .help = "the database" },
    [T_OUT] = { .name = "out", .short_name = 'o', .arg = "DIR", .help = "the output directory" },
    [T_STRICT] = { .name = "strict", .short_name = 's', .help = "be strict" },
    [T_SET] = { .name = "set", .arg = "KEY=VALUE", .help = "set a key" },
    { .name = NULL },
};

static const struct opt_spec t_spec = {
    .name = "t",
    .summary = "a test command",
    .usage = "DIR [--db FILE] [-o DIR] [--strict] [--set KEY=VALUE]...",
    .description = "A command for the tests.",
    .args = { .name = "DIR", .what = "cohort directory", .min = 1, .max = 1, .help = "a directory" },
    .opts = t_opts,
    .out = "Nothing.",
    .err = "Errors.",
    .exits = { "ok", "bad data", "usage", "i/o" },
};

static const struct opt_spec t_many = {
    .name = "many",
    .usage = "A B",
    .args = { .name = "X", .what = "thing", .min = 0, .max = 2 },
    .exits = { "ok", "bad data", "usage", "i/o" },
};

/* Parses the words of argv (NULL-ended) against s; opt_parse does not
 * write to argv. */
static int parse(const struct opt_spec *s, struct opt_result *r, struct imgo_err *err, const char **argv)
{
    int argc = 0;
    while (argv[argc])
        argc++;
    return opt_parse(s, argc, (char **)argv, r, err);
}

#define ARGV(...) ((const char *[]){ __VA_ARGS__, NULL })

static void both_spellings(void **state)
{
    (void)state;
    struct opt_result r;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(parse(&t_spec, &r, &err, ARGV("t", "--db", "a.db", "d", "--db=b.db", "-o", "x", "-oy")),
                     IMGO_OK);
    assert_string_equal(opt_value(&r, T_DB), "b.db");
    assert_int_equal(opt_count(&r, T_DB), 2);
    assert_string_equal(opt_value(&r, T_OUT), "y");
    assert_int_equal(opt_count(&r, T_OUT), 2);
    assert_null(opt_value(&r, T_STRICT));
    assert_int_equal(opt_count(&r, T_STRICT), 0);
    assert_int_equal(r.n_args, 1);
    assert_string_equal(r.args[0], "d");
    assert_int_equal(r.help, 0);
    opt_result_release(&r);

    /* an empty value, a value that begins with '-', flags both ways */
    assert_int_equal(parse(&t_spec, &r, &err, ARGV("t", "--db=", "--out", "-1", "--strict", "-s", "d")), IMGO_OK);
    assert_string_equal(opt_value(&r, T_DB), "");
    assert_string_equal(opt_value(&r, T_OUT), "-1");
    assert_int_equal(opt_count(&r, T_STRICT), 2);
    opt_result_release(&r);
}

static void order_kept(void **state)
{
    (void)state;
    struct opt_result r;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(parse(&t_spec, &r, &err, ARGV("t", "--set", "a=1", "d", "--db", "x", "--set=b=2")), IMGO_OK);
    assert_int_equal(r.n_hits, 3);
    assert_int_equal(r.hits[0].opt, T_SET);
    assert_string_equal(r.hits[0].value, "a=1");
    assert_int_equal(r.hits[1].opt, T_DB);
    assert_int_equal(r.hits[2].opt, T_SET);
    assert_string_equal(r.hits[2].value, "b=2");
    opt_result_release(&r);
}

static void dashes(void **state)
{
    (void)state;
    struct opt_result r;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(parse(&t_spec, &r, &err, ARGV("t", "--", "--strict")), IMGO_OK);
    assert_int_equal(r.n_args, 1);
    assert_string_equal(r.args[0], "--strict");
    assert_int_equal(opt_count(&r, T_STRICT), 0);
    opt_result_release(&r);
    assert_int_equal(parse(&t_spec, &r, &err, ARGV("t", "-")), IMGO_OK);
    assert_string_equal(r.args[0], "-");
    opt_result_release(&r);
}

static void help_stops(void **state)
{
    (void)state;
    struct opt_result r;
    struct imgo_err err = IMGO_ERR_INIT;
    /* no argument count and no later option is checked after --help */
    assert_int_equal(parse(&t_spec, &r, &err, ARGV("t", "--help", "--bogus")), IMGO_OK);
    assert_int_equal(r.help, 1);
    opt_result_release(&r);
    assert_int_equal(parse(&t_spec, &r, &err, ARGV("t", "--db", "x", "-h")), IMGO_OK);
    assert_int_equal(r.help, 1);
    opt_result_release(&r);
    /* an option before --help is still checked */
    assert_int_equal(parse(&t_spec, &r, &err, ARGV("t", "--bogus", "--help")), IMGO_EUSAGE);
    opt_result_release(&r);
}

static void expect_error(const struct opt_spec *s, const char **argv, const char *msg)
{
    struct opt_result r;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(parse(s, &r, &err, argv), IMGO_EUSAGE);
    assert_string_equal(err.msg, msg);
    opt_result_release(&r);
}

static void usage_errors(void **state)
{
    (void)state;
    expect_error(&t_spec, ARGV("t", "d", "--bogus"), "t: unknown option '--bogus'; see 'imgo t --help'");
    expect_error(&t_spec, ARGV("t", "d", "--bogus=1"), "t: unknown option '--bogus=1'; see 'imgo t --help'");
    expect_error(&t_spec, ARGV("t", "d", "-x"), "t: unknown option '-x'; see 'imgo t --help'");
    expect_error(&t_spec, ARGV("t", "d", "-sx"), "t: unknown option '-sx'; see 'imgo t --help'");
    /* no prefix matching: --d is not --db */
    expect_error(&t_spec, ARGV("t", "d", "--d", "x"), "t: unknown option '--d'; see 'imgo t --help'");
    expect_error(&t_spec, ARGV("t", "d", "--db"), "t: option '--db' needs a value (FILE); see 'imgo t --help'");
    expect_error(&t_spec, ARGV("t", "d", "-o"), "t: option '-o' needs a value (DIR); see 'imgo t --help'");
    expect_error(&t_spec, ARGV("t", "d", "--strict=yes"), "t: option '--strict' takes no value; see 'imgo t --help'");
    expect_error(&t_spec, ARGV("t", "--strict"), "t: no cohort directory given; see 'imgo t --help'");
    expect_error(&t_spec, ARGV("t", "a", "b"), "t: one cohort directory only ('a' and 'b'); see 'imgo t --help'");
    expect_error(&t_many, ARGV("many", "a", "b", "c"), "many: too many arguments ('c'); see 'imgo many --help'");
    static const struct opt_spec none = { .name = "none", .usage = "" };
    expect_error(&none, ARGV("none", "a"), "none: unexpected argument 'a'; see 'imgo none --help'");
}

static const struct opt top_opts[] = {
    { .name = "version", .short_name = 'V', .help = "the version" },
    { .name = NULL },
};

static void command_follows(void **state)
{
    (void)state;
    static const struct opt_spec top = { .usage = "COMMAND", .opts = top_opts,
                                         .flags = OPT_SPEC_COMMAND_FOLLOWS };
    struct opt_result r;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(parse(&top, &r, &err, ARGV("imgo", "-V", "run", "--bogus", "x")), IMGO_OK);
    assert_int_equal(opt_count(&r, 0), 1);
    assert_int_equal(r.n_args, 3);
    assert_string_equal(r.args[0], "run");
    assert_string_equal(r.args[1], "--bogus");
    opt_result_release(&r);
    assert_int_equal(parse(&top, &r, &err, ARGV("imgo")), IMGO_OK);
    assert_int_equal(r.n_args, 0);
    opt_result_release(&r);
    expect_error(&top, ARGV("imgo", "--frob"), "unknown option '--frob'; see 'imgo --help'");
}

/* The lines of a help text: none wider than 79 columns, and the sections
 * in their order. */
static void check_help(const struct opt_spec *s)
{
    struct buf b = BUF_INIT;
    help_command(&b, s);
    const char *t = buf_str(&b);
    char head[64];
    snprintf(head, sizeof head, "usage: imgo %s", s->name);
    assert_true(!strncmp(t, head, strlen(head)));
    for (const char *l = t; *l;) {
        const char *nl = strchr(l, '\n');
        assert_non_null(nl);
        if (nl - l > 79)
            fail_msg("%s --help: a line of %d columns: %.*s", s->name, (int)(nl - l), (int)(nl - l), l);
        l = nl + 1;
    }
    const char *opts = strstr(t, "\noptions:\n"), *out = strstr(t, "\nstdout:\n"),
               *err = strstr(t, "\nstderr:\n"), *ex = strstr(t, "\nexit status:\n");
    assert_non_null(opts);
    assert_non_null(out);
    assert_non_null(err);
    assert_non_null(ex);
    assert_true(opts < out && out < err && err < ex);
    assert_non_null(strstr(opts, "\n  -h, --help "));
    for (const struct opt *o = s->opts; o && o->name; o++) {
        char want[64], with_short[64];
        snprintf(want, sizeof want, "\n  --%s", o->name);
        snprintf(with_short, sizeof with_short, "\n  -%c, --%s", o->short_name, o->name);
        const char *at = strstr(opts, o->short_name ? with_short : want);
        if ((at && at < out) != !(o->flags & OPT_HIDDEN))
            fail_msg("%s --help: --%s %s", s->name, o->name, at && at < out ? "listed" : "not listed");
    }
    assert_non_null(strstr(ex, "\n  0  "));
    assert_non_null(strstr(ex, "\n  1  "));
    assert_non_null(strstr(ex, "\n  2  "));
    assert_non_null(strstr(ex, "\n  3  "));
    buf_release(&b);
}

static void help_of_every_command(void **state)
{
    (void)state;
    const struct opt_spec *const specs[] = { &cmd_check_spec, &cmd_ingest_spec, &cmd_compute_spec,
                                             &cmd_report_spec, &cmd_run_spec, &cmd_synth_spec, &t_spec };
    for (size_t i = 0; i < sizeof specs / sizeof specs[0]; i++)
        check_help(specs[i]);
}

static void help_text(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    help_command(&b, &t_spec);
    assert_string_equal(buf_str(&b),
                        "usage: imgo t DIR [--db FILE] [-o DIR] [--strict] [--set KEY=VALUE]...\n"
                        "\n"
                        "A command for the tests.\n"
                        "\n"
                        "arguments:\n"
                        "  DIR              a directory\n"
                        "\n"
                        "options:\n"
                        "  --db FILE        the database\n"
                        "  -o, --out DIR    the output directory\n"
                        "  -s, --strict     be strict\n"
                        "  --set KEY=VALUE  set a key\n"
                        "  -h, --help       show this help\n"
                        "\n"
                        "stdout:\n"
                        "  Nothing.\n"
                        "\n"
                        "stderr:\n"
                        "  Errors.\n"
                        "\n"
                        "exit status:\n"
                        "  0  ok\n"
                        "  1  bad data\n"
                        "  2  usage\n"
                        "  3  i/o\n");
    buf_release(&b);
}

/* A long usage form continues under its first word, between groups. */
static void usage_wraps(void **state)
{
    (void)state;
    static const struct opt_spec w = {
        .name = "wide",
        .usage = "--aaaaaaaaaa A --bbbbbbbbbb B [--cccccccccc C] [--dddddddddd D [--eeeee E]] [--ffff F]\nx",
    };
    struct buf b = BUF_INIT;
    help_command(&b, &w);
    const char *want = "usage: imgo wide --aaaaaaaaaa A --bbbbbbbbbb B [--cccccccccc C]\n"
                       "                 [--dddddddddd D [--eeeee E]] [--ffff F]\n"
                       "       imgo wide x\n";
    assert_true(!strncmp(buf_str(&b), want, strlen(want)));
    buf_release(&b);
}

/* imgo help pipeline: every key with its type, default, allowed values and
 * help, in table order. */
static void pipeline_help(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    help_pipeline(&b);
    const char *t = buf_str(&b), *at = t;
    for (const struct params_key *k = params_table; k->key; k++) {
        char want[256];
        snprintf(want, sizeof want, "\n  %s\n      type:     %s\n      default:  %s%s\n", k->key,
                 params_type_name(k->type), *k->def ? k->def : "empty: ", *k->def ? "" : k->empty);
        const char *p = strstr(at, want);
        if (!p)
            fail_msg("no entry for %s in order: %s", k->key, want);
        at = p + 1;
    }
    assert_non_null(strstr(t, "      allowed:  a whole number >= 1\n"));
    assert_non_null(strstr(t, "      allowed:  a valid date (YYYY-MM-DD); or empty\n"));
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(both_spellings),
        cmocka_unit_test(order_kept),
        cmocka_unit_test(dashes),
        cmocka_unit_test(help_stops),
        cmocka_unit_test(usage_errors),
        cmocka_unit_test(command_follows),
        cmocka_unit_test(help_of_every_command),
        cmocka_unit_test(help_text),
        cmocka_unit_test(usage_wraps),
        cmocka_unit_test(pipeline_help),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
