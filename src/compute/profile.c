/*
 * profile.c - the cohort profile (docs/METRICS-EXTRA.md,
 * cohort.residents): how many residents each group has, and how they split
 * by graduate type, visa, school region, track and program.
 *
 * One pass over the active residents (started by as-of, in a selected
 * program); each column's values
 * are interned and counted per group. A missing value (NULL) is in no
 * stratum. A count below min_cell is suppressed, not only a small group.
 */
#include "compute.h"
#include "db.h"
#include "mem.h"
#include "strdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const columns[] = { "graduate_type", "visa", "school_region", "track", "program" };
#define N_COLUMNS (sizeof columns / sizeof columns[0])

struct column_count {
    struct strdict values;
    long (*count)[2]; /* by value id and img */
    size_t alloc;
};

static void count_value(struct column_count *cc, const char *v, size_t len, int img)
{
    int id = strdict_intern(&cc->values, v, len);
    ALLOC_GROW_ZERO(cc->count, (size_t)id + 1, cc->alloc);
    cc->count[id][img]++;
}

int compute_cohort(struct compute_ctx *x, struct imgo_err *err)
{
    /* the cursor leaves out residents who are not active (not started, or
     * of a program not selected) */
    struct res_cursor cur;
    int rc = res_cursor_open(&cur, x,
                             "SELECT rid, graduate_type, visa, school_region, track, program FROM residents"
                             " ORDER BY rid",
                             err);
    if (rc)
        return rc;
    struct column_count cc[N_COLUMNS];
    memset(cc, 0, sizeof cc);
    for (size_t c = 0; c < N_COLUMNS; c++)
        strdict_init(&cc[c].values);
    long total[3] = { 0, 0, 0 };
    int s;
    while ((s = res_cursor_next(&cur, err)) > 0) {
        int img = cur.r->img;
        total[img]++;
        total[GROUP_ALL]++;
        for (size_t c = 0; c < N_COLUMNS; c++) {
            const char *v = (const char *)sqlite3_column_text(cur.st, (int)c + 1);
            if (v)
                count_value(&cc[c], v, (size_t)sqlite3_column_bytes(cur.st, (int)c + 1), img);
        }
    }
    if (s < 0)
        rc = err->status;
    res_cursor_close(&cur);
    if (!rc) {
        for (int g = 0; g < 3; g++)
            compute_add_rate(x, M_COHORT_RESIDENTS, g, NULL, NULL, total[g], total[g]);
        struct buf stratum = BUF_INIT;
        for (size_t c = 0; c < N_COLUMNS; c++)
            for (size_t id = 0; id < cc[c].values.len; id++) {
                buf_reset(&stratum);
                buf_addf(&stratum, "%s=%s", columns[c], strdict_str(&cc[c].values, (int)id));
                long k[3] = { cc[c].count[id][0], cc[c].count[id][1],
                              cc[c].count[id][0] + cc[c].count[id][1] };
                for (int g = 0; g < 3; g++) {
                    struct metric_row *row =
                        compute_add_rate(x, M_COHORT_RESIDENTS, g, buf_str(&stratum), NULL, k[g], total[g]);
                    /* A profile cell describes its k residents, whatever the
                     * size of the group: 1 to min_cell - 1 would point at
                     * people (0 names nobody). */
                    if (k[g] > 0 && k[g] < x->p->min_cell)
                        row->suppressed = 1;
                }
            }
        buf_release(&stratum);
    }
    for (size_t c = 0; c < N_COLUMNS; c++) {
        strdict_release(&cc[c].values);
        free(cc[c].count);
    }
    return rc;
}
