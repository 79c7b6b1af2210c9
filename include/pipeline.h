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
 * One database holds one input (origin.h): when the pipeline ingests and
 * the database already holds data from another input directory (or the
 * same one through another map), the run stops with IMGO_EUSAGE before
 * writing anything, naming both; fresh removes the database and the
 * run's known outputs first (outdir.h). After a successful run, the
 * tables and charts of an earlier run that this one did not write again
 * are removed (tables when compute ran, charts when report ran). Compute's
 * warnings go to sink.message as warnings ("warning: TEXT").
 *
 * Ownership: the caller owns params and the option strings.
 */
#ifndef IMGO_PIPELINE_H
#define IMGO_PIPELINE_H

#include "buf.h"
#include "err.h"
#include "ingest.h"
#include "params.h"
#include "report.h"

struct pipeline_opts {
    const char *input;    /* cohort directory; needed when ingest is a stage */
    const char *out;      /* output directory, created when missing */
    const char *db_path;  /* NULL: OUT/outcomes.db */
    int skip_bad_rows;    /* ingest writes good rows, bad ones to OUT/rejects */
    const struct imgo_map *map; /* the import map the input is read through, or NULL */
    int fresh;            /* remove the database and OUT's imgo files first */
    const struct report_prev *prev; /* --compare-to: the earlier run (report.h), or NULL */
    struct ingest_sink sink; /* where ingest reports files and bad rows */
};

/* Runs the stages of p. Returns IMGO_OK, IMGO_EDATA (rejected input),
 * IMGO_EUSAGE (missing --input for an ingest stage, a database that holds
 * another input, fresh for a pipeline that does not ingest or with a
 * database that is not imgo's) or IMGO_EIO. */
int pipeline_run(const struct imgo_params *p, const struct pipeline_opts *o, struct imgo_err *err);

/* The directories where `imgo run NAME` looks for NAME.pipeline, in order:
 * share/imgo/pipelines beside the running binary's directory (from
 * /proc/self/exe, so that an install under DESTDIR works), the compiled-in
 * IMGO_PREFIX/share/imgo/pipelines, and pipelines/ of the source tree when
 * the binary runs from a build/ directory in it. Sets dirs[0..n) to
 * malloc'd paths (the caller frees each) and returns n. */
#define PIPELINE_MAX_DIRS 3
int pipeline_dirs(char *dirs[PIPELINE_MAX_DIRS]);

/* Resolves the PIPELINE argument of imgo run and imgo compute --pipeline.
 * Text with a '/' or naming an existing file (not a directory) is a path,
 * used as it is; a name is NAME.pipeline (NAME itself if it ends in
 * .pipeline) in the first of pipeline_dirs that holds it. Sets *path to a
 * malloc'd path (the caller frees it) and returns IMGO_OK, or IMGO_EIO
 * "no pipeline 'x': no file x here, and no x.pipeline in DIR, DIR or DIR". */
int pipeline_find(const char *name, char **path, struct imgo_err *err);

/* Appends the names (without .pipeline) of the pipelines in pipeline_dirs,
 * sorted, each once, a line each. */
void pipeline_list(struct buf *b);

/* Appends s as a JSON string literal (quotes, backslash and control
 * characters escaped). */
void pipeline_json_string(struct buf *b, const char *s);

#endif
