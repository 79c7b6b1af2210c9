/*
 * outdir.h - the files imgo run writes in its output directory, known by
 * name: removing them all for `imgo run --fresh`, and removing the tables
 * and charts of an earlier run that this run did not write again (a chart
 * of an exam no longer in the data must not sit beside the new ones).
 *
 * Only names imgo itself writes are ever touched, never another file:
 *   OUT/metrics.csv, OUT/public.csv, OUT/report.html, OUT/run.json;
 *   OUT/rejects/FILE for FILE a cohort file name (residents.csv...);
 *   OUT/tables/NAME.csv and OUT/charts/NAME.svg, NAME.png, where NAME is a
 *   chart name of the registry (retention_km...) or, for a chart drawn once
 *   per label, NAME_LABEL with LABEL of [a-z0-9-] (chart_label_slugs).
 * A file "this run did not write" is one whose inode, size, modification
 * and change times are all as they were when the run started: every
 * writer of these files replaces or rewrites them, which changes them.
 *
 * Errors: IMGO_EIO with "PATH: reason" (a directory that cannot be read,
 * a file that cannot be removed). Ownership: outdir_snapshot's caller
 * calls outdir_snap_release.
 */
#ifndef IMGO_OUTDIR_H
#define IMGO_OUTDIR_H

#include <stddef.h>

#include "err.h"

/* Is name (a file name, no directory) one imgo writes in OUT/tables, in
 * OUT/charts? */
int outdir_is_table(const char *name);
int outdir_is_chart(const char *name);

enum outdir_folder { OUTDIR_TABLES = 1 << 0, OUTDIR_CHARTS = 1 << 1 };

struct outdir_file;
struct outdir_snap {
    struct outdir_file *f;
    size_t len, alloc;
};

/* Records imgo's files in dir/tables and dir/charts as they are now (a
 * folder that is missing or cannot be read has none). */
void outdir_snapshot(const char *dir, struct outdir_snap *s);
void outdir_snap_release(struct outdir_snap *s);

/* Removes the files of s in the folders of which (enum outdir_folder,
 * or'ed) that are unchanged since the snapshot; *removed (may be NULL)
 * counts them. */
int outdir_remove_stale(const char *dir, const struct outdir_snap *s, unsigned which, size_t *removed,
                        struct imgo_err *err);

/* Removes every file of the list above from dir (the folders tables,
 * charts and rejects too, when that leaves them empty), and the database
 * db_path with its journal files. db_path must be an imgo database
 * (IMGO_EUSAGE "PATH: not an imgo database; not removed" otherwise) or
 * missing. */
int outdir_clear(const char *dir, const char *db_path, struct imgo_err *err);

#endif
