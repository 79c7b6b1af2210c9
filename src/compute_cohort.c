/*
 * compute_cohort.c - the cohort profile (docs/METRICS-EXTRA.md,
 * cohort.residents): how many residents each group has, and how they split
 * by graduate type, visa, school region, track and program.
 *
 * Counts come from SQL GROUP BY over residents who started by as-of; a
 * missing value (NULL) is in no stratum.
 */
#include "compute.h"
#include "db.h"
#include "mem.h"
#include "strdict.h"

#include <stdio.h>
#include <stdlib.h>

static const struct {
    const char *key;
    const char *sql;
} columns[] = {
    { "graduate_type", "SELECT graduate_type, graduate_type IN ('us_img', 'non_us_img'), count(*)"
                       " FROM residents WHERE start_date <= ?1 AND graduate_type IS NOT NULL"
                       " GROUP BY 1, 2" },
    { "visa", "SELECT visa, graduate_type IN ('us_img', 'non_us_img'), count(*)"
              " FROM residents WHERE start_date <= ?1 AND visa IS NOT NULL GROUP BY 1, 2" },
    { "school_region", "SELECT school_region, graduate_type IN ('us_img', 'non_us_img'), count(*)"
                       " FROM residents WHERE start_date <= ?1 AND school_region IS NOT NULL"
                       " GROUP BY 1, 2" },
    { "track", "SELECT track, graduate_type IN ('us_img', 'non_us_img'), count(*)"
               " FROM residents WHERE start_date <= ?1 AND track IS NOT NULL GROUP BY 1, 2" },
    { "program", "SELECT program, graduate_type IN ('us_img', 'non_us_img'), count(*)"
                 " FROM residents WHERE start_date <= ?1 AND program IS NOT NULL GROUP BY 1, 2" },
};

static int one_column(struct compute_ctx *x, int col, const long total[3], struct imgo_err *err)
{
    sqlite3_stmt *st;
    int rc = db_prepare(x->db, columns[col].sql, &st, err);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, x->as_of);
    struct strdict values;
    strdict_init(&values);
    long (*count)[2] = NULL;
    size_t alloc = 0;
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        int id = strdict_intern(&values, v, (size_t)sqlite3_column_bytes(st, 0));
        if ((size_t)id >= alloc) {
            size_t old = alloc;
            alloc = alloc ? alloc * 2 : 16;
            count = xrealloc(count, alloc * sizeof *count);
            for (size_t i = old; i < alloc; i++)
                count[i][0] = count[i][1] = 0;
        }
        count[id][sqlite3_column_int(st, 1) ? 1 : 0] += sqlite3_column_int64(st, 2);
    }
    if (s != SQLITE_DONE)
        rc = db_error(x->db, err);
    sqlite3_finalize(st);
    struct buf stratum = BUF_INIT;
    for (size_t id = 0; !rc && id < values.len; id++) {
        buf_reset(&stratum);
        buf_addf(&stratum, "%s=%s", columns[col].key, strdict_str(&values, (int)id));
        long k[3] = { count[id][0], count[id][1], count[id][0] + count[id][1] };
        for (int g = 0; g < 3; g++)
            compute_add_rate(x, "cohort.residents", g, buf_str(&stratum), NULL, k[g], total[g]);
    }
    buf_release(&stratum);
    free(count);
    strdict_release(&values);
    return rc;
}

int compute_cohort(struct compute_ctx *x, struct imgo_err *err)
{
    long total[3] = { 0, 0, 0 };
    for (size_t i = 0; i < x->n_res; i++)
        if (x->res[i].active) {
            total[x->res[i].img]++;
            total[GROUP_ALL]++;
        }
    for (int g = 0; g < 3; g++)
        compute_add_rate(x, "cohort.residents", g, NULL, NULL, total[g], total[g]);
    int rc = IMGO_OK;
    for (size_t c = 0; !rc && c < sizeof columns / sizeof columns[0]; c++)
        rc = one_column(x, (int)c, total, err);
    return rc;
}
