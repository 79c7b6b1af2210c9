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
struct ingest_sink;

/* imgo check / imgo ingest (src/cmd_check.c, src/cmd_ingest.c). */
int cmd_check(int argc, char **argv);
int cmd_ingest(int argc, char **argv);

/* The printing shared by check and ingest: summary lines on stdout, errors
 * and warnings on stderr, progress when stderr is a terminal. */
struct cmd_ingest_out {
    int check;      /* say "valid" instead of "written" */
    int shown;      /* a progress line is on the terminal */
    double t0;
};
void cmd_ingest_sink(struct ingest_sink *s, struct cmd_ingest_out *o, int check);

/* Loads the map of --map FILE (cmd_map.c): 0, or the exit status after
 * printing why not (a map that does not parse; one that still holds a
 * TODO, each named). m is then released. */
struct imgo_map;
int cmd_map_load(const char *path, struct imgo_map *m);

/* Prints "imgo: <err->msg>" on stderr and returns err->status. */
int cmd_fail(const struct imgo_err *err);

/* Prints "imgo: <printf message>" on stderr and returns IMGO_EUSAGE. */
int cmd_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The commands, one per src/cmd_<name>.c. */
int cmd_compute(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_synth(int argc, char **argv);
int cmd_template(int argc, char **argv);
int cmd_map(int argc, char **argv);

#endif
