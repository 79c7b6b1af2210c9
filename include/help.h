/*
 * help.h - the documentation generated from the command specs (opt.h) and
 * the pipeline key table (params.h).
 *
 * One source for each fact: `imgo COMMAND --help`, `imgo help COMMAND`, the
 * man page imgo(1), the bash completion and `imgo help pipeline` are all
 * rendered here from the same tables the parsers use. Every function
 * appends to b (the caller owns it); the output depends on nothing but the
 * tables and the version, so it is the same bytes on every machine.
 */
#ifndef IMGO_HELP_H
#define IMGO_HELP_H

#include "buf.h"
#include "opt.h"

/* The --help text of a command, or of imgo itself (top->commands listed):
 * usage, description, commands, arguments, options, stdout, stderr and
 * exit status sections, in that order, in the same shape for every one. */
void help_command(struct buf *b, const struct opt_spec *s);

/* `imgo help pipeline`: what a pipeline file is, then every key with its
 * type, default, allowed values and help. */
void help_pipeline(struct buf *b);

/* The man page imgo(1) in troff (man macros): a section per command of
 * top->commands, then pipeline files, exit status, environment, files. */
void help_man(struct buf *b, const struct opt_spec *top);

/* A bash completion script for imgo: commands, their options, the values
 * of options that take a fixed set, pipeline keys after --set, pipeline
 * names (from `imgo help --pipelines`) and files or directories. */
void help_completion(struct buf *b, const struct opt_spec *top);

#endif
