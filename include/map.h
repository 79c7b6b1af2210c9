/*
 * map.h - import maps: how an export becomes the eleven cohort files.
 *
 * A map file (docs/MAPS.md) is written by a coordinator in a text editor:
 * `#` comments, `[sections]`, `setting = value` lines, names compared
 * without regard to case, spaces, '_' or '-'. Sections:
 *
 *   [map]                   settings for every file: encoding, delimiter,
 *                           date format (lines before any section count
 *                           as [map])
 *   [FILE]                  one cohort file (residents, residents.csv, ...):
 *                           file = EXPORT NAME OR GLOB; encoding; delimiter;
 *                           date format; rows where = COLUMN is VALUE|empty;
 *                           drop = COLUMN, ...; unpivot = COLUMN, ...;
 *                           COLUMN = EXPORT COLUMN | constant VALUE |
 *                           unpivot name | unpivot value;
 *                           COLUMN format = DATE FORMAT
 *   [FILE: COLUMN]          the value map of one column: EXPORT VALUE =
 *                           COHORT VALUE, one a line (an empty right side:
 *                           the value is missing)
 *
 * A value may be written in double quotes to keep spaces, '#', ',' or '='
 * ("" is a quote inside). A right side of TODO (unquoted, any case) is a
 * place left to fill in: the map parses, and map_todos lists them; reading
 * an export with such a map is refused by the commands.
 *
 * Errors are IMGO_EUSAGE "MAPFILE:LINE: message": syntax, unknown files,
 * columns, settings, encodings, delimiters and date formats (with the list
 * of valid ones), a setting, section or export value given twice, a
 * constant or mapped value the cohort column does not accept, an unpivot
 * without its name and value columns (the name must feed a key column),
 * a file section without `file`. The map is UTF-8 (a leading byte-order
 * mark is ignored), at most MAP_MAX_BYTES.
 *
 * Ownership: map_init's caller calls map_release; every string in the
 * struct is owned by it.
 */
#ifndef IMGO_MAP_H
#define IMGO_MAP_H
#include <stddef.h>

#include "buf.h"
#include "cohort.h"
#include "err.h"

#define MAP_MAX_BYTES (1u << 20)
#define MAP_MAX_COLS 32     /* columns of a cohort file, at most */

enum map_source {
    MAP_BY_NAME,       /* not set: the export column of the cohort column's own name */
    MAP_COLUMN,        /* an export column */
    MAP_CONSTANT,      /* the same value on every row */
    MAP_UNPIVOT_NAME,  /* the header of the unpivoted column */
    MAP_UNPIVOT_VALUE  /* the cell of the unpivoted column */
};

struct map_value {
    char *from;        /* the export's value, folded (map_fold) */
    char *shown;       /* as the map writes it */
    char *to;          /* the cohort value, canonical; "" for missing */
    int line;
};

struct map_column {
    enum map_source source;
    char *text;              /* MAP_COLUMN: the export column; MAP_CONSTANT: the value */
    int line;                /* where the source is set, 0 when not */
    int date_fmt;            /* enum date_fmt, -1: the file's */
    int fmt_line;
    struct map_value *values;
    size_t nvalues;
    int values_line;         /* of [FILE: COLUMN], 0 when no value map */
};

struct map_section {
    int line;                /* of [FILE], 0: no such section */
    char *glob;              /* the export file's name or glob */
    int glob_line;
    int encoding, delim, date_fmt;   /* -1: the map's; -2 (encoding, delimiter): detect */
    int encoding_line, delim_line, date_line;
    char *where_col, *where_val;     /* rows where; where_val "" is "empty" */
    int where_line;
    char **drop;
    size_t ndrop;
    int drop_line;
    char **unpivot;
    size_t nunpivot;
    int unpivot_line;
    struct map_column cols[MAP_MAX_COLS];
};

struct map_todo {
    int line;
    char *what;              /* "resident_id of [residents]" */
};

struct imgo_map {
    char *path;              /* the name messages use */
    char sha256[65];         /* of the file's bytes (map_load) */
    int encoding, delim, date_fmt;   /* -1: detect, detect, ISO (-2: detect, said so) */
    int encoding_line, delim_line, date_line, line;
    struct map_section files[COHORT_NFILES];
    struct map_todo *todos;
    size_t ntodos;
};

void map_init(struct imgo_map *m);
void map_release(struct imgo_map *m);

/* Parses the text of a map (len bytes, any content) named name in
 * messages. Returns 0 or IMGO_EUSAGE (err filled); m is then released. */
int map_parse(struct imgo_map *m, const char *name, const char *text, size_t len,
              struct imgo_err *err);

/* Reads the map file at path, records its SHA-256 and parses it. IMGO_EIO
 * when it cannot be read ("PATH: cannot read: ..."), else as map_parse. */
int map_load(struct imgo_map *m, const char *path, struct imgo_err *err);

/* The settings in force for cohort file id: its own, else the map's.
 * Encoding: an enum text_encoding, or -1 to detect; delimiter: ',' ';'
 * '\t', or 0 to detect; date format of column col (enum date_fmt). */
int map_encoding(const struct imgo_map *m, int id);
char map_delim(const struct imgo_map *m, int id);
int map_date_fmt(const struct imgo_map *m, int id, int col);

/* Appends s (len bytes) as value maps compare it: surrounding white space
 * removed, inner runs of it made one space, case folded. */
void map_fold(const char *s, size_t len, struct buf *out);

/* The mapping of export value s (len bytes) in c's value map, or NULL;
 * scratch is a buffer the caller keeps between calls. */
const struct map_value *map_lookup(const struct map_column *c, const char *s, size_t len,
                                   struct buf *scratch);

/* 1 when name matches glob (`*`, `?`, `[...]`) without regard to case. */
int map_glob_match(const char *glob, const char *name);

/* Normalises a name as the map compares them (lower case; runs of spaces,
 * tabs, '_' and '-' one '_'; trimmed) into out. */
void map_norm(const char *s, size_t len, struct buf *out);
#endif
