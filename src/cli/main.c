/*
 * main.c - the imgo command line: the command table, global options and
 * the help command.
 *
 * Everything else lives in libimgo: each command is a spec in
 * src/cli/cmd_<name>.c (cmd.h). This file finds the command, parses its
 * argv against its spec (opt.h), answers --help from the same spec
 * (help.h) and runs it.
 */
#include "buf.h"
#include "cmd.h"
#include "err.h"
#include "help.h"
#include "pipeline.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static int cmd_help(const struct opt_result *r);

enum { H_MAN, H_COMPLETION, H_PIPELINES };

/* Hidden: make runs them to write the man page and the completion file,
 * and the completion asks for pipeline names. */
static const struct opt help_options[] = {
    [H_MAN] = { .name = "man", .flags = OPT_HIDDEN, .help = "the man page imgo(1), in troff" },
    [H_COMPLETION] = { .name = "completion", .flags = OPT_HIDDEN, .help = "the bash completion script" },
    [H_PIPELINES] = { .name = "pipelines", .flags = OPT_HIDDEN, .help = "the installed pipeline names" },
    { .name = NULL },
};

static const struct opt_spec help_spec = {
    .name = "help",
    .run = cmd_help,
    .summary = "show the help of imgo, of a command, or of pipeline files",
    .usage = "[COMMAND | pipeline]",
    .description = "imgo help COMMAND shows the same text as imgo COMMAND --help; imgo help alone, "
                   "the same as imgo --help. imgo help pipeline describes pipeline files and every "
                   "key they can set, with its type, default and allowed values.",
    .args = { .name = "TOPIC", .what = "topic", .min = 0, .max = 1, .complete = OPT_COMPLETE_TOPIC,
              .help = "a command, or pipeline" },
    .opts = help_options,
    .out = "The help text.",
    .err = "Usage errors.",
    .exits = { "the help was shown", "never", "usage error: an unknown command or topic",
               "an I/O error writing the help" },
};

/* The command table: every command, in the order --help lists them. */
static const struct opt_spec *const commands[] = {
    &cmd_check_spec, &cmd_ingest_spec, &cmd_compute_spec, &cmd_report_spec,
    &cmd_run_spec, &cmd_audit_spec, &cmd_synth_spec, &cmd_map_spec, &cmd_template_spec, &help_spec, NULL,
};

enum { O_VERSION };

static const struct opt imgo_options[] = {
    [O_VERSION] = { .name = "version", .short_name = 'V', .help = "print the version and exit" },
    { .name = NULL },
};

static const struct opt_spec imgo_spec = {
    .name = NULL,
    .summary = "outcomes and bias analytics for the mentorship of international medical graduates",
    .usage = "COMMAND [OPTIONS]\nhelp [COMMAND | pipeline]\n--help | --version",
    .description = "IMG mentorship outcomes and bias analytics. imgo ingests a residency program's "
                   "cohort CSV exports into SQLite, computes retention, board pass rates, fellowship "
                   "placement, mentorship coverage and the patterns in which IMGs are evaluated, and "
                   "renders the annual accountability report, the quarterly IMG committee packet and "
                   "the institution report across programs."
                   "\n\n"
                   "Run 'imgo COMMAND --help' or 'imgo help COMMAND' for a command's options, and "
                   "'imgo help pipeline' for the keys of a pipeline file.",
    .opts = imgo_options,
    .out = "Results only: the summaries and paths each command documents.",
    .err = "Errors as \"imgo: FILE:LINE:COLUMN: message\" where a place is known, warnings, and "
           "progress lines when stderr is a terminal.",
    .exits = { "success", "rejected data: an input file or row, named on stderr",
               "usage error: a bad option, argument or parameter",
               "I/O or internal error: a missing or unreadable file, a database error, gnuplot "
               "missing" },
    .commands = commands,
    .flags = OPT_SPEC_COMMAND_FOLLOWS,
};

/* Writes b to out and releases it; IMGO_EIO when the write fails. */
static int emit(struct buf *b, FILE *out)
{
    int bad = fwrite(buf_str(b), 1, b->len, out) != b->len || fflush(out);
    buf_release(b);
    if (bad) {
        fputs("imgo: cannot write the help text\n", stderr);
        return IMGO_EIO;
    }
    return IMGO_OK;
}

static const struct opt_spec *find_command(const char *name)
{
    for (const struct opt_spec *const *c = commands; *c; c++)
        if (!strcmp((*c)->name, name))
            return *c;
    return NULL;
}

static int cmd_help(const struct opt_result *r)
{
    struct buf b = BUF_INIT;
    if (opt_count(r, H_MAN))
        help_man(&b, &imgo_spec);
    else if (opt_count(r, H_COMPLETION))
        help_completion(&b, &imgo_spec);
    else if (opt_count(r, H_PIPELINES))
        pipeline_list(&b);
    else if (!r->n_args)
        help_command(&b, &imgo_spec);
    else if (!strcmp(r->args[0], "pipeline"))
        help_pipeline(&b);
    else if (find_command(r->args[0]))
        help_command(&b, find_command(r->args[0]));
    else
        return cmd_usage_error("help: no command or topic '%s'; see 'imgo --help'", r->args[0]);
    return emit(&b, stdout);
}

/* Parses argv against c and runs it, or shows its help. */
static int run_command(const struct opt_spec *c, int argc, char **argv)
{
    struct opt_result r;
    struct imgo_err err = IMGO_ERR_INIT;
    int rc = opt_parse(c, argc, argv, &r, &err);
    if (rc) {
        rc = cmd_fail(&err);
    } else if (r.help) {
        struct buf b = BUF_INIT;
        help_command(&b, c);
        rc = emit(&b, stdout);
    } else {
        rc = c->run(&r);
    }
    opt_result_release(&r);
    return rc;
}

int main(int argc, char **argv)
{
    /* Outputs hold records about residents: owner-only unless the user's
     * umask is stricter still. */
    mode_t old = umask(0);
    umask(old | 077);

    struct opt_result r;
    struct imgo_err err = IMGO_ERR_INIT;
    struct buf b = BUF_INIT;
    const struct opt_spec *c;
    int rc = opt_parse(&imgo_spec, argc, argv, &r, &err);
    if (rc) {
        rc = cmd_fail(&err);
    } else if (r.help) {
        help_command(&b, &imgo_spec);
        rc = emit(&b, stdout);
    } else if (opt_count(&r, O_VERSION)) {
        printf("imgo %s\n", IMGO_VERSION);
    } else if (!r.n_args) {
        /* no command: the help, as a usage error */
        help_command(&b, &imgo_spec);
        emit(&b, stderr);
        rc = IMGO_EUSAGE;
    } else if (!(c = find_command(r.args[0]))) {
        rc = cmd_usage_error("unknown command '%s'; see 'imgo --help'", r.args[0]);
    } else {
        rc = run_command(c, r.n_args, r.args);
    }
    opt_result_release(&r);
    return rc;
}
