/*
 * template.c - header-only cohort files and their README (see template.h).
 *
 * The README is written for whoever fills the files in, often in a
 * spreadsheet: what each column takes, in the words the messages of
 * `imgo check` use, so that an error can be looked up in it.
 */
#include "template.h"
#include "fsutil.h"
#include "validate.h"

#include <stdio.h>
#include <string.h>

void template_header(const struct cohort_file *f, struct buf *out)
{
    for (size_t c = 0; c < f->ncols; c++)
        buf_addf(out, "%s%s", c ? "," : "", f->cols[c].name);
    buf_addc(out, '\n');
}

/* "1..300", ">= 1" */
static void range(const struct cohort_column *c, struct buf *out)
{
    if ((c->flags & COHORT_MIN) && (c->flags & COHORT_MAX))
        buf_addf(out, ", %g to %g", c->min, c->max);
    else if (c->flags & COHORT_MIN)
        buf_addf(out, ", at least %g", c->min);
    else if (c->flags & COHORT_MAX)
        buf_addf(out, ", at most %g", c->max);
}

/* What a value of column c must look like. */
static void kind(const struct cohort_column *c, struct buf *out)
{
    switch (c->type) {
    case COHORT_ID:
        buf_addf(out, "id: 1 to %d characters of A-Z a-z 0-9 . _ - (R003 and r003 differ)",
                 VALIDATE_ID_MAX);
        break;
    case COHORT_TEXT:
        buf_adds(out, "text");
        break;
    case COHORT_UPPER:
        buf_adds(out, "text, stored upper-cased");
        break;
    case COHORT_DATE:
        buf_adds(out, "date, YYYY-MM-DD (2024-07-01)");
        break;
    case COHORT_INT:
        buf_adds(out, "whole number (digits only)");
        range(c, out);
        break;
    case COHORT_NUM:
        buf_adds(out, "number (digits, optionally a '.' and digits)");
        range(c, out);
        if (c->flags & COHORT_HALF)
            buf_adds(out, ", in steps of 0.5");
        break;
    case COHORT_ENUM:
        buf_adds(out, "one of ");
        for (const char *const *e = c->enums; *e; e++)
            buf_addf(out, "%s%s", *e, e[1] ? ", " : " (any case)");
        break;
    }
}

static void file_section(const struct cohort_file *f, struct buf *out)
{
    buf_addf(out, "%s\n", f->name);
    for (size_t i = strlen(f->name); i > 0; i--)
        buf_addc(out, '-');
    buf_addf(out, "\nOne file of %s: %s.\nKey:", f->id == COHORT_RESIDENTS ? "the cohort, required" : "the cohort, optional", f->help);
    int first = 1;
    for (size_t c = 0; c < f->ncols; c++)
        if (f->cols[c].flags & COHORT_KEY) {
            buf_addf(out, "%s %s", first ? "" : ",", f->cols[c].name);
            first = 0;
        }
    buf_adds(out, " (two rows with the same key are both errors).\n\n");
    for (size_t c = 0; c < f->ncols; c++) {
        const struct cohort_column *col = &f->cols[c];
        buf_addf(out, "  %s%s\n      ", col->name, (col->flags & COHORT_REQUIRED) ? " (required)" : "");
        kind(col, out);
        buf_addf(out, "\n      %s\n", col->help);
    }
    buf_addc(out, '\n');
}

void template_readme(struct buf *out)
{
    buf_adds(out,
             "imgo cohort files: templates\n"
             "============================\n"
             "\n"
             "This directory holds the eleven files imgo reads, each with its header\n"
             "line and no rows. Fill them in (a spreadsheet program will do), one row\n"
             "per line, and check them with `imgo check DIR`. Only residents.csv is\n"
             "required; a file you have no data for can be left out.\n"
             "\n"
             "Rules for every file\n"
             "--------------------\n"
             "- UTF-8 text, comma-separated, the header line first. From Excel, save\n"
             "  with File > Save As > \"CSV UTF-8 (Comma delimited) (*.csv)\". A file\n"
             "  saved as plain \"CSV\", with dates as 7/1/2022, or separated by ';',\n"
             "  is read with the map maps/spreadsheet.map: imgo check DIR --map\n"
             "  maps/spreadsheet.map.\n"
             "- Columns may come in any order; names are matched in any case.\n"
             "- Spaces around a value are ignored; an empty cell is a missing value.\n"
             "  A column marked (required) must have a value in every row.\n"
             "- Every resident_id of a file other than residents.csv must be a\n"
             "  resident of residents.csv (or of the database already).\n"
             "- A file is taken whole or not at all: one bad row and nothing of that\n"
             "  file is written. Every bad row is reported as FILE:LINE:COLUMN.\n"
             "\n");
    for (int id = 0; id < COHORT_NFILES; id++)
        file_section(cohort_file((enum cohort_file_id)id), out);
}

int template_write(const char *dir, struct imgo_err *err)
{
    int rc = fs_mkdirs(dir, err);
    struct buf path = BUF_INIT, text = BUF_INIT;
    for (int id = 0; !rc && id <= COHORT_NFILES; id++) {
        buf_reset(&path);
        buf_reset(&text);
        if (id < COHORT_NFILES) {
            const struct cohort_file *f = cohort_file((enum cohort_file_id)id);
            buf_addf(&path, "%s/%s", dir, f->name);
            template_header(f, &text);
        } else {
            buf_addf(&path, "%s/README.txt", dir);
            template_readme(&text);
        }
        rc = fs_write_atomic(buf_str(&path), text.data, text.len, err);
    }
    buf_release(&path);
    buf_release(&text);
    return rc;
}
