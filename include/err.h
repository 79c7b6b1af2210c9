/*
 * err.h - the one error type of imgo.
 *
 * Library functions never print and never exit: they return an imgo_status
 * and fill a struct imgo_err with a message that carries its place
 * ("board_exams.csv:17:exam_date: ..."). Only the command front end
 * (src/cli/main.c, src/cli/cmd_*.c) prints "imgo: <msg>" and turns the status into
 * the exit status. The numbers are the exit statuses of the product contract
 * and are never renumbered.
 */
#ifndef IMGO_ERR_H
#define IMGO_ERR_H

#include <stdarg.h>

enum imgo_status {
    IMGO_OK = 0,     /* success */
    IMGO_EDATA = 1,  /* rejected data */
    IMGO_EUSAGE = 2, /* usage error: bad option, bad pipeline value */
    IMGO_EIO = 3     /* I/O or internal error */
};

#define IMGO_ERR_MSG_MAX 1024

struct imgo_err {
    int status;                  /* an enum imgo_status */
    char msg[IMGO_ERR_MSG_MAX];  /* lower-case, no full stop, no "imgo: " */
};

#define IMGO_ERR_INIT { IMGO_OK, "" }

/* Sets status and a printf-formatted message; returns status so that
 * `return imgo_err_set(err, IMGO_EIO, "...")` reads naturally. err may be
 * NULL (the message is dropped). */
int imgo_err_set(struct imgo_err *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int imgo_err_vset(struct imgo_err *err, int status, const char *fmt, va_list ap);

/* Resets err to IMGO_OK with an empty message. */
void imgo_err_clear(struct imgo_err *err);

/* A short name of a status ("rejected data", "usage", "i/o"). */
const char *imgo_strstatus(int status);

#endif
