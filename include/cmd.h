/*
 * cmd.h - the commands of the imgo front end.
 *
 * Each command lives in src/cmd_<name>.c, parses its own options (argv[0]
 * is the command name), prints results on stdout and errors on stderr as
 * "imgo: <message>", and returns the exit status (an enum imgo_status).
 * src/main.c dispatches through one table; a command is listed there, and
 * so in --help, only once it is built.
 */
#ifndef IMGO_CMD_H
#define IMGO_CMD_H

struct imgo_err;

/* Prints "imgo: <err->msg>" on stderr and returns err->status. */
int cmd_fail(const struct imgo_err *err);

/* Prints "imgo: <printf message>" on stderr and returns IMGO_EUSAGE. */
int cmd_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The commands, one per src/cmd_<name>.c. */
int cmd_synth(int argc, char **argv);

#endif
