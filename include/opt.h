/*
 * opt.h - the command line of every imgo command, declared as data.
 *
 * A command is a struct opt_spec: name, one-line summary, usage forms,
 * description, positional arguments, options, what stdout and stderr
 * carry and what each exit status means. opt_parse reads argv against it
 * the same way for every command: `--name VALUE` and `--name=VALUE`,
 * `-x VALUE` and `-xVALUE` where an option has a short name, flags, `--`
 * before arguments that begin with '-', and -h/--help everywhere. help.h
 * renders the same spec as --help text, the man page and the bash
 * completion, so none of them can disagree with the parser.
 *
 * Text fields (description, out, err, help of an argument) are paragraphs
 * separated by "\n\n"; help fills each line of a paragraph to the width of
 * the terminal text, except lines beginning with two spaces, which are
 * shown as written (examples, output formats).
 *
 * Ownership: specs are static. An opt_result points into argv and owns only
 * its arrays: opt_parse's caller calls opt_result_release.
 */
#ifndef IMGO_OPT_H
#define IMGO_OPT_H

#include "err.h"

/* What the bash completion offers for a value or an argument. */
enum opt_complete {
    OPT_COMPLETE_NONE,
    OPT_COMPLETE_FILE,
    OPT_COMPLETE_DIR,
    OPT_COMPLETE_WORDS,    /* the words of struct opt.words */
    OPT_COMPLETE_PARAM,    /* pipeline keys, as KEY= */
    OPT_COMPLETE_PIPELINE, /* pipeline names (imgo help --pipelines) and files */
    OPT_COMPLETE_TOPIC,    /* help topics: command names and "pipeline" */
};

enum opt_flags {
    OPT_HIDDEN = 1 << 0, /* parsed, but in no help, man page or completion */
};

struct opt {
    const char *name;  /* long name without "--"; NULL ends a table */
    char short_name;   /* 0: none */
    const char *arg;   /* the value's name ("FILE"); NULL: a flag, taking no value */
    const char *help;  /* one line or two; filled like a paragraph */
    unsigned flags;    /* enum opt_flags */
    enum opt_complete complete;
    const char *words; /* OPT_COMPLETE_WORDS: the values, separated by spaces */
};

/* The positional arguments of a command (one kind per command). */
struct opt_args {
    const char *name;  /* "DIR"; NULL: the command takes none */
    const char *what;  /* "cohort directory", for messages */
    const char *help;
    int min, max;      /* how many; max -1: any number */
    enum opt_complete complete;
};

enum opt_spec_flags {
    /* Options end at the first argument, which is a command: the rest of
     * argv is its own (imgo COMMAND ...). */
    OPT_SPEC_COMMAND_FOLLOWS = 1 << 0,
};

struct opt_result;

struct opt_spec {
    const char *name;        /* the command; NULL for imgo itself */
    int (*run)(const struct opt_result *r);
    const char *summary;     /* one line, lower-case, for command lists */
    const char *usage;       /* forms after "imgo NAME", separated by "\n" */
    const char *description;
    struct opt_args args;
    const struct opt *opts;  /* may be NULL; -h/--help is not listed here */
    const char *out;         /* what stdout carries */
    const char *err;         /* what stderr carries */
    const char *exits[4];    /* what exit statuses 0..3 mean for this command */
    const struct opt_spec *const *commands; /* imgo itself: its commands, NULL-ended */
    unsigned flags;          /* enum opt_spec_flags */
};

/* One option given on the command line. */
struct opt_hit {
    int opt;           /* index in spec->opts */
    const char *value; /* NULL for a flag */
};

struct opt_result {
    const struct opt_spec *spec;
    struct opt_hit *hits;  /* the options, in command-line order */
    int n_hits;
    char **args;           /* the positional arguments, in order */
    int n_args;
    int help;              /* -h or --help was given: show the help, nothing else */
};

/* Parses argv[1..argc-1] (argv[0] is the command's name) against s. Returns
 * IMGO_OK, or IMGO_EUSAGE with a message naming the command and the option
 * and pointing to --help ("check: unknown option '--x'; see 'imgo check
 * --help'"): an unknown option, a missing value, a value given to a flag,
 * too few or too many arguments. Parsing stops at -h/--help (r->help; no
 * argument count is checked then). r is valid, and must be released, in
 * every case. */
int opt_parse(const struct opt_spec *s, int argc, char **argv, struct opt_result *r,
              struct imgo_err *err);
void opt_result_release(struct opt_result *r);

/* The value of the last occurrence of option opt, or NULL when it was not
 * given (or is a flag). */
const char *opt_value(const struct opt_result *r, int opt);

/* How many times option opt was given. */
int opt_count(const struct opt_result *r, int opt);

#endif
