/*
 * cmd_common.c - what every command's front end shares: printing an error
 * with its status (cmd.h).
 */
#include "cmd.h"
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int cmd_fail(const struct imgo_err *err)
{
    fprintf(stderr, "imgo: %s\n", err->msg);
    return err->status;
}

int cmd_usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("imgo: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return IMGO_EUSAGE;
}
