/*
 * pipeline.h - running the stages a pipeline file names (`imgo run`).
 *
 * pipeline_run walks one stage table { name, run } in its order (ingest,
 * compute, report) and runs the stages the parameters name. Ingest is
 * all-or-nothing by default: any rejected file or row stops the run with
 * IMGO_EDATA before compute, so nothing is computed from half the data.
 * With skip_bad_rows, good rows are written, bad rows are copied to
 * OUT/rejects/FILE, and the run goes on unless a file is rejected whole;
 * run.json and the report's cover count the rejected rows. After the last
 * stage it writes OUT/run.json: imgo version,
 * pipeline file, resolved parameters, as-of, and every input file of the
 * database with its SHA-256 and row counts from the ingest ledger (and,
 * for a file read through an import map, the export's name), and the map
 * ("map": its path and SHA-256, or null). run.json
 * holds no clock time unless SOURCE_DATE_EPOCH is set, and no output or
 * database path, so that the same data and parameters give the same bytes.
 *
 * Ownership: the caller owns params and the option strings.
 */
#ifndef IMGO_PIPELINE_H
#define IMGO_PIPELINE_H

#include "buf.h"
#include "err.h"
#include "ingest.h"
#include "params.h"

struct pipeline_opts {
    const char *input;    /* cohort directory; needed when ingest is a stage */
    const char *out;      /* output directory, created when missing */
    const char *db_path;  /* NULL: OUT/outcomes.db */
    int skip_bad_rows;    /* ingest writes good rows, bad ones to OUT/rejects */
    const struct imgo_map *map; /* the import map the input is read through, or NULL */
    struct ingest_sink sink; /* where ingest reports files and bad rows */
};

/* Runs the stages of p. Returns IMGO_OK, IMGO_EDATA (rejected input),
 * IMGO_EUSAGE (missing --input for an ingest stage) or IMGO_EIO. */
int pipeline_run(const struct imgo_params *p, const struct pipeline_opts *o, struct imgo_err *err);

/* Appends s as a JSON string literal (quotes, backslash and control
 * characters escaped). */
void pipeline_json_string(struct buf *b, const char *s);

#endif
