/*
 * template.h - empty cohort files to fill in by hand (`imgo template`).
 *
 * A template directory holds the eleven cohort files with their header
 * line only (exactly the columns of cohort.h, in its order) and a
 * README.txt describing every column: its type, whether it is required,
 * its allowed values or range, what it holds, and each file's key. All of
 * it is generated from cohort.h; nothing here spells a column.
 *
 * Ownership: the caller owns the buffers; nothing is kept.
 */
#ifndef IMGO_TEMPLATE_H
#define IMGO_TEMPLATE_H

#include "buf.h"
#include "cohort.h"
#include "err.h"

/* Appends the header line of f ("resident_id,program,...\n"). */
void template_header(const struct cohort_file *f, struct buf *out);

/* Appends the text of README.txt. */
void template_readme(struct buf *out);

/* Writes the eleven header-only files and README.txt into dir (created
 * with its parents when missing; files of the same names are replaced),
 * each atomically. Returns 0 or IMGO_EIO. */
int template_write(const char *dir, struct imgo_err *err);

#endif
