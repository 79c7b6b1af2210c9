/*
 * rcover.h - the cover of a published report and its table of input files.
 *
 * Internal to the report stage. A kind's cover writes its own heading, then
 * rep_cover: the programs, academic year, as-of date (and where it came
 * from), imgo version, under `imgo run` the pipeline, input directory and
 * import map, compute's warnings about the data, every cohort file
 * (provided or not, rows read, ingested and rejected, SHA-256) and the
 * parameters compute recorded. Nothing here prints a metrics row's number.
 *
 * Errors: IMGO_EIO for a database error (err filled).
 */
#ifndef IMGO_RCOVER_H
#define IMGO_RCOVER_H

#include "err.h"
#include "rdata.h"

/* Everything on the cover below its heading. */
int rep_cover(struct rep *r, struct imgo_err *err);

/* Compute's warnings about the data (as-of long after the last record, an
 * exam missing or misspelt), where a reader cannot miss them: also on the
 * quarterly packet's cover. Nothing when there are none. */
void rep_cover_warnings(struct rep *r);

/* The table of every cohort file: provided or not, rows read, ingested and
 * rejected (the latest ingest of each), and with_sha the SHA-256 of the
 * bytes ingested. */
int rep_files_table(struct rep *r, int with_sha, struct imgo_err *err);

#endif
