/*
 * mapdraft.h - a first draft of an import map from an export directory
 * (`imgo map init EXPORT_DIR`).
 *
 * Every file of the directory is looked at: its encoding and delimiter
 * (encoding.h), its header and a sample of its values (the first
 * MAPDRAFT_SAMPLE_ROWS records, up to MAPDRAFT_DISTINCT distinct values a
 * column). A REDCap export (a `redcap_repeat_instrument` column) is looked
 * at per instrument. From that the draft proposes:
 *  - which file (or REDCap instrument) feeds each cohort file: its name
 *    compared without regard to case, spaces and punctuation, and with a
 *    table of the names exports use (Board Exams, Residents, Milestones,
 *    Mentors, ...);
 *  - which export column feeds each cohort column: the same comparison, a
 *    table of synonyms (Resident ID, Start Date, IMG Status, Visa Type,
 *    Step 2 CK, ...), and REDCap's prefixed field names (emp_start_date);
 *    a milestone file with one column per subcompetency is unpivoted;
 *  - the date format of each date column, from its values;
 *  - value maps for the enumerated columns, from their distinct values:
 *    exact and case-insensitive matches, and synonyms (Yes/No, Pass/Fail,
 *    P/F, IMG (non-US), US IMG, MD, DO, J-1, H-1B, ...);
 *  - the columns nothing uses, dropped, in a list to check.
 * Whatever it cannot settle is a `TODO` line with what is allowed in a
 * comment; a map with a TODO is refused until it is filled in (map.h).
 *
 * The draft depends only on the files' bytes and names: the same export
 * gives the same draft.
 */
#ifndef IMGO_MAPDRAFT_H
#define IMGO_MAPDRAFT_H
#include <stddef.h>

#include "buf.h"
#include "err.h"

#define MAPDRAFT_SAMPLE_ROWS 20000
#define MAPDRAFT_DISTINCT 64

/* Appends the draft map of the export directory dir to out and sets
 * *ntodo to the number of TODO lines in it. Returns 0, or IMGO_EIO when
 * the directory cannot be read (a file that cannot be read is named in a
 * comment of the draft). */
int mapdraft_write(const char *dir, struct buf *out, size_t *ntodo, struct imgo_err *err);
#endif
