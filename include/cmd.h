/*
 * cmd.h - the commands of the imgo front end.
 *
 * Each command is a spec (opt.h) in src/cli/cmd_<name>.c: its options,
 * arguments, help text and its run function, which gets the parsed command
 * line, prints results on stdout and errors on stderr as "imgo: <message>",
 * and returns the exit status (an enum imgo_status). src/cli/main.c lists
 * the specs in its one command table, parses argv against the spec and
 * answers --help; a command is listed there, and so in --help, the man page
 * and the completion, only once it is built.
 */
#ifndef IMGO_CMD_H
#define IMGO_CMD_H

#include "opt.h"

struct imgo_err;
struct imgo_params;
struct ingest_sink;

/* The commands, one per src/cli/cmd_<name>.c. */
extern const struct opt_spec cmd_check_spec;
extern const struct opt_spec cmd_ingest_spec;
extern const struct opt_spec cmd_compute_spec;
extern const struct opt_spec cmd_report_spec;
extern const struct opt_spec cmd_run_spec;
extern const struct opt_spec cmd_synth_spec;
extern const struct opt_spec cmd_map_spec;
extern const struct opt_spec cmd_template_spec;
extern const struct opt_spec cmd_audit_spec;

/* The printing shared by check and ingest: summary lines on stdout, errors
 * and warnings on stderr, progress when stderr is a terminal. */
struct cmd_ingest_out {
    int check;      /* say "valid" instead of "written" */
    int shown;      /* a progress line is on the terminal */
    double t0;
};
void cmd_ingest_sink(struct ingest_sink *s, struct cmd_ingest_out *o, int check);

/* The parameters of compute and run (src/cli/cmd.c): the defaults,
 * then the pipeline file when pipeline is not NULL (found by pipeline_find),
 * then the options o_set (--set KEY=VALUE) and o_as_of (--as-of DATE) of r
 * in command-line order. p must be params_init'ed. Errors name their source:
 * "FILE:LINE: ...", "--set: ...", "--as-of: ..." (IMGO_EUSAGE), or a
 * pipeline that cannot be found or read (IMGO_EIO). */
int cmd_params(struct imgo_params *p, const char *pipeline, const struct opt_result *r, int o_set,
               int o_as_of, struct imgo_err *err);

/* Loads the map of --map FILE (cmd_map.c): 0, or the exit status after
 * printing why not (a map that does not parse; one that still holds a
 * TODO, each named). m is then released. */
struct imgo_map;
int cmd_map_load(const char *path, struct imgo_map *m);

/* A whole number of decimal digits only, at most max, into *out: 0, or
 * -1 for anything else (a sign, a space, an empty string, overflow). */
int cmd_parse_ulong(const char *s, unsigned long max, unsigned long *out);

/* Prints "imgo: <err->msg>" on stderr and returns err->status (cmd.c). */
int cmd_fail(const struct imgo_err *err);

/* Prints "imgo: <printf message>" on stderr and returns IMGO_EUSAGE. */
int cmd_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
