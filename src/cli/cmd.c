/*
 * cmd.c - what the commands share (cmd.h): printing errors, and the run
 * parameters of imgo compute and imgo run (the pipeline file, then the
 * command line's --set and --as-of, through the one validation of
 * params.c).
 */
#include "cmd.h"
#include "err.h"
#include "params.h"
#include "pipeline.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

int cmd_params(struct imgo_params *p, const char *pipeline, const struct opt_result *r, int o_set,
               int o_as_of, struct imgo_err *err)
{
    int rc = IMGO_OK;
    if (pipeline) {
        char *path;
        if ((rc = pipeline_find(pipeline, &path, err)))
            return rc;
        rc = params_load(p, path, err);
        free(path);
    }
    /* in command-line order: the last word on a key wins */
    for (int i = 0; !rc && i < r->n_hits; i++) {
        struct imgo_err e = IMGO_ERR_INIT;
        if (r->hits[i].opt == o_set) {
            if ((rc = params_set_pair(p, r->hits[i].value, &e)))
                imgo_err_set(err, rc, "--set: %s", e.msg);
        } else if (r->hits[i].opt == o_as_of) {
            if ((rc = params_set(p, "as_of", r->hits[i].value, &e)))
                imgo_err_set(err, rc, "--as-of: %s", e.msg);
        }
    }
    return rc;
}

int cmd_parse_ulong(const char *s, unsigned long max, unsigned long *out)
{
    unsigned long v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        unsigned long d = (unsigned long)(*s - '0');
        if (v > (max - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}
