/*
 * maprec.h - the record layer of import maps: an export record in, zero
 * or more cohort records out.
 *
 * It sits between the reader (csvread) and the validator inside the ingest
 * stage. maprec_plan reads the export's header once and decides, for each
 * column of the cohort file, where its text comes from: an export column,
 * a constant, the header or the cell of an unpivoted column, or nowhere
 * (the column is then absent, as when a cohort file's header lacks it).
 * maprec_apply turns one export record into cohort records whose fields
 * are plain cohort text: value maps applied, dates converted to
 * YYYY-MM-DD. Everything else (types, ranges, enums, required values,
 * rules between columns, keys, residents) is left to the validator and the
 * ingest stage, so every rule of the input contract applies after mapping.
 *
 * Labels: each cohort field carries the label its errors are reported on,
 * the export's column with the cohort column it feeds, "Start Date
 * (start_date)", or the export column alone when the two names are the
 * same.
 *
 * What maprec reports (through the callbacks, never printing):
 *  - of the header (maprec_plan; is_error 0 for warnings): an export
 *    column the map names but the file lacks, a required cohort column
 *    nothing feeds, an unpivot pattern that matches no column, two
 *    unpivoted columns giving one name, a header name with no mapping in
 *    the unpivot name's value map, the filter's column missing, an empty,
 *    duplicated or 257th column name, and columns no section of the map
 *    uses or drops ("unknown column ... ignored", an error under strict);
 *  - of a record (maprec_apply): a value that has no mapping (listing the
 *    values that have one), and a date that is not in its format.
 *
 * Ownership: maprec_plan's caller calls maprec_release (also after an
 * error); a plan keeps pointers into the map, which must outlive it.
 * maprec_apply's output lives until the next call.
 */
#ifndef IMGO_MAPREC_H
#define IMGO_MAPREC_H
#include <stddef.h>

#include "buf.h"
#include "cohort.h"
#include "csvread.h"
#include "map.h"

enum maprec_kind { MAPREC_ABSENT, MAPREC_FIELD, MAPREC_CONSTANT, MAPREC_UNPIVOT_NAME, MAPREC_UNPIVOT_VALUE };

struct maprec_unpivot {
    int field;            /* export field index */
    char *name;           /* the cohort value its header gives */
    char *name_label;     /* "PC1 (subcompetency)" */
    char *value_label;    /* "PC1 (rating)" */
};

struct maprec_plan {
    const struct imgo_map *map;
    const struct map_section *s;
    const struct cohort_file *f;
    size_t nfields;                      /* of the export's header */
    enum maprec_kind kind[MAP_MAX_COLS];
    int src[MAP_MAX_COLS];               /* MAPREC_FIELD: export field index */
    int date_fmt[MAP_MAX_COLS];
    char *label[MAP_MAX_COLS];
    struct maprec_unpivot *unpivot;
    size_t nunpivot;
    int where_field;                     /* -1: every record */
    struct buf where_fold, scratch;
};

enum maprec_flags {
    MAPREC_STRICT = 1 << 0 /* an unused export column is an error */
};

/* Plans cohort file f of map m (its section, explicit or not) over the
 * export header hdr. others: the sections of the map that read the same
 * export file (their columns are not "unknown" here). Reports each problem
 * with report(ctx, is_error, msg); returns the number of errors (0: the
 * plan is usable). */
int maprec_plan(struct maprec_plan *p, const struct imgo_map *m, const struct cohort_file *f,
                const struct csvread_record *hdr, const struct map_section *const *others,
                size_t nothers, unsigned flags,
                void (*report)(void *ctx, int is_error, const char *msg), void *ctx);
void maprec_release(struct maprec_plan *p);

/* 1 when record rec is one of this file's rows (its `rows where` holds, or
 * there is none). A record too short to hold the filter's column is
 * taken, so that its field count is reported. */
int maprec_wanted(struct maprec_plan *p, const struct csvread_record *rec);

/* The cohort rows of one export record with the header's field count. */
struct maprec_out {
    size_t nrows;
    size_t cap;                /* rows allocated */
    size_t *off;               /* nrows * ncols offsets into text; SIZE_MAX: absent */
    size_t *len;
    const char **label;        /* nrows * ncols */
    unsigned char *bad;        /* nrows * ncols: the mapping failed (reported) */
    struct buf text;
};

void maprec_out_init(struct maprec_out *o);
void maprec_out_release(struct maprec_out *o);

/* Maps rec into o. For each mapping error calls report(ctx, row, label,
 * msg) (row: the index of the cohort row it belongs to) and returns the
 * number of them; the rows are all produced, bad fields empty and marked
 * in o->bad. */
int maprec_apply(struct maprec_plan *p, const struct csvread_record *rec, struct maprec_out *o,
                 void (*report)(void *ctx, size_t row, const char *label, const char *msg), void *ctx);

/* The field of column c of row k: NUL-ended text that may be modified in
 * place, or NULL when the column is absent; *len set. */
char *maprec_field(struct maprec_out *o, const struct maprec_plan *p, size_t k, size_t c, size_t *len);
#endif
