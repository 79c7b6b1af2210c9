/*
 * err.c - filling struct imgo_err; see err.h for the rule that only the
 * front end prints.
 */
#include "err.h"

#include <stdio.h>

int imgo_err_vset(struct imgo_err *err, int status, const char *fmt, va_list ap)
{
    if (err) {
        err->status = status;
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    }
    return status;
}

int imgo_err_set(struct imgo_err *err, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    imgo_err_vset(err, status, fmt, ap);
    va_end(ap);
    return status;
}

void imgo_err_clear(struct imgo_err *err)
{
    if (err) {
        err->status = IMGO_OK;
        err->msg[0] = '\0';
    }
}

const char *imgo_strstatus(int status)
{
    switch (status) {
    case IMGO_OK: return "ok";
    case IMGO_EDATA: return "rejected data";
    case IMGO_EUSAGE: return "usage";
    case IMGO_EIO: return "i/o";
    }
    return "unknown";
}
