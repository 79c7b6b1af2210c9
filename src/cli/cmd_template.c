/*
 * cmd_template.c - `imgo template DIR`: the eleven cohort files with their
 * header lines only, and a README.txt of every column (template.h).
 */
#include "cmd.h"
#include "err.h"
#include "template.h"

#include <stdio.h>
#include <string.h>

static const char template_usage[] =
    "usage: imgo template DIR\n"
    "\n"
    "Writes into DIR (created when missing) the eleven cohort files with their\n"
    "header line and no rows, ready to fill in, and README.txt, which describes\n"
    "every column: its type, whether it is required, its allowed values or\n"
    "range, and the key of each file. Files of the same names are replaced.\n"
    "\n"
    "stdout: the path of each file written.\n"
    "Exit status: 0 success, 2 usage error, 3 I/O error.\n";

int cmd_template(int argc, char **argv)
{
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(template_usage, stdout);
            return IMGO_OK;
        } else if (a[0] == '-' && a[1]) {
            return cmd_usage_error("template: unknown option '%s'; see 'imgo template --help'", a);
        } else if (dir) {
            return cmd_usage_error("template: one directory at a time; see 'imgo template --help'");
        } else {
            dir = a;
        }
    }
    if (!dir || !*dir)
        return cmd_usage_error("template: no directory given; see 'imgo template --help'");
    struct imgo_err err = IMGO_ERR_INIT;
    if (template_write(dir, &err))
        return cmd_fail(&err);
    for (int id = 0; id < COHORT_NFILES; id++)
        printf("%s/%s\n", dir, cohort_file((enum cohort_file_id)id)->name);
    printf("%s/README.txt\n", dir);
    return IMGO_OK;
}
