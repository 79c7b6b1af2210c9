/*
 * cmd_template.c - `imgo template DIR`: the eleven cohort files with their
 * header lines only, and a README.txt of every column (template.h).
 */
#include "cmd.h"
#include "err.h"
#include "template.h"

#include <stdio.h>

static int run(const struct opt_result *r);

const struct opt_spec cmd_template_spec = {
    .name = "template",
    .run = run,
    .summary = "write the eleven cohort files empty, to fill in, with a README",
    .usage = "DIR",
    .description = "Writes into DIR (created when missing) the eleven cohort files with their header line "
                   "and no rows, ready to fill in, and README.txt, which describes every column: its type, "
                   "whether it is required, its allowed values or range, and the key of each file. Files "
                   "of the same names are replaced. A template filled in by hand in a spreadsheet is read "
                   "with the map maps/spreadsheet.map (docs/MAPS.md).",
    .args = { .name = "DIR", .what = "directory", .min = 1, .max = 1, .complete = OPT_COMPLETE_DIR,
              .help = "where the templates go" },
    .out = "The path of each file written.",
    .err = "Errors.",
    .exits = { "the templates were written", "never", "usage error", "DIR or a file cannot be written" },
};

static int run(const struct opt_result *r)
{
    const char *dir = r->args[0];
    if (!*dir)
        return cmd_usage_error("template: no directory given; see 'imgo template --help'");
    struct imgo_err err = IMGO_ERR_INIT;
    if (template_write(dir, &err))
        return cmd_fail(&err);
    for (int id = 0; id < COHORT_NFILES; id++)
        printf("%s/%s\n", dir, cohort_file((enum cohort_file_id)id)->name);
    printf("%s/README.txt\n", dir);
    return IMGO_OK;
}
