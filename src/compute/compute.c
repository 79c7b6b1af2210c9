/*
 * compute.c - the compute stage's driver (see compute.h): resolves the
 * as-of date, loads the residents every family needs, runs the metric
 * families, and writes the metrics, chart data and run information.
 *
 * Everything is read and written inside one IMMEDIATE transaction, so the
 * numbers come from one consistent snapshot and the results replace the
 * previous run's atomically. Two rules apply to every family at once, here:
 * the programs parameter (a resident of another program is not active, so
 * no family counts them or their rows), and "absent source, no rows" (the
 * rows and chart points of a metric that counts a cohort file with no row
 * at all are dropped after the families ran, from the registry's SOURCES). The families are split in two lists; the
 * second runs on its own thread and read connection (the transaction keeps
 * writers out, so both see the same data), with its own metric and chart
 * sets that are merged before writing. Nothing else is shared but the
 * resident array, which the second list only reads.
 */
#include "compute.h"
#include "cohort.h"
#include "date.h"
#include "db.h"
#include "fsutil.h"
#include "mem.h"
#include "xlsx.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* The latest event date of metrics.md "as-of date" over the residents of
 * the selected programs (programs, a JSON array of codes, or NULL for
 * every resident), among the dates <= bound (INT_MAX: all of them); *found
 * 0 when there is none. Where the date is the second column of a table's
 * key, the maximum is one index seek per resident instead of a scan. */
static int latest_event(sqlite3 *db, const char *programs, int bound, int *as_of, int *found,
                        struct imgo_err *err)
{
#define SELECTED "(?1 IS NULL OR trim(r.program, ' ' || char(9)) IN (SELECT value FROM json_each(?1)))"
#define OF_SELECTED(t) "(?1 IS NULL OR " t ".rid IN (SELECT r.rid FROM residents r WHERE " SELECTED "))"
    static const char sql[] =
        "SELECT max(d) FROM ("
        " SELECT max(start_date) AS d FROM residents r WHERE start_date <= ?2 AND " SELECTED
        " UNION ALL SELECT max(end_date) FROM residents r WHERE end_date <= ?2 AND " SELECTED
        " UNION ALL SELECT max((SELECT max(review_date) FROM milestone_ratings m WHERE m.rid = r.rid"
        "  AND review_date <= ?2)) FROM residents r WHERE " SELECTED
        " UNION ALL SELECT max((SELECT max(review_date) FROM ccc_actions c WHERE c.rid = r.rid"
        "  AND review_date <= ?2)) FROM residents r WHERE " SELECTED
        " UNION ALL SELECT max((SELECT max(start_date) FROM employment e WHERE e.rid = r.rid"
        "  AND start_date <= ?2)) FROM residents r WHERE " SELECTED
        " UNION ALL SELECT max(assigned_date) FROM mentor_assignments a WHERE assigned_date <= ?2 AND "
        OF_SELECTED("a")
        " UNION ALL SELECT max(meeting_date) FROM mentorship_meetings t WHERE meeting_date <= ?2 AND "
        OF_SELECTED("t")
        " UNION ALL SELECT max(exam_date) FROM board_exams b WHERE exam_date <= ?2 AND " OF_SELECTED("b")
        " UNION ALL SELECT max(eval_date) FROM evaluations v WHERE eval_date <= ?2 AND " OF_SELECTED("v")
        " UNION ALL SELECT max(feedback_date) FROM feedback f WHERE feedback_date <= ?2 AND "
        OF_SELECTED("f") ")";
#undef SELECTED
#undef OF_SELECTED
    sqlite3_stmt *st;
    int rc = db_prepare(db, sql, &st, err);
    if (rc)
        return rc;
    if (programs)
        sqlite3_bind_text(st, 1, programs, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, bound);
    *found = 0;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = db_error(db, err);
    } else {
        *found = sqlite3_column_type(st, 0) != SQLITE_NULL;
        *as_of = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    return rc;
}

/* A given as-of date long after the data's last record: the records of
 * the days between have most likely not been exported yet, and a rate of
 * that time would read them as "nothing happened". */
#define AS_OF_GAP_DAYS 31

/* The warning of a given as-of date: latest is the latest event on or
 * before it (found 0: none). */
static void as_of_warning(struct compute_ctx *x, int latest, int found)
{
    char as_of[11], last[11];
    date_format(x->as_of, as_of);
    if (!found) {
        compute_warn(x,
                     "No dated record in the data is on or before the as-of date %s: every figure is "
                     "empty.",
                     as_of);
    } else if (x->as_of - latest > AS_OF_GAP_DAYS) {
        date_format(latest, last);
        compute_warn(x,
                     "The as-of date %s is %d days after the latest event in the data (%s): figures of "
                     "the last %d days may be missing.",
                     as_of, x->as_of - latest, last, x->as_of - latest);
    }
}

/* The programs parameter as a JSON array of strings, for json_each in SQL
 * (bound, never spliced into the text); NULL when it is not set. */
static char *programs_json(const char *list)
{
    if (!list)
        return NULL;
    struct buf b = BUF_INIT;
    buf_addc(&b, '[');
    buf_addc(&b, '"');
    for (const char *c = list; *c; c++) {
        unsigned char u = (unsigned char)*c;
        if (u == ',')
            buf_adds(&b, "\",\"");
        else if (u == '"' || u == '\\')
            buf_addf(&b, "\\%c", u);
        else if (u < 0x20)
            buf_addf(&b, "\\u%04x", u);
        else
            buf_addc(&b, (char)u);
    }
    buf_adds(&b, "\"]");
    return buf_detach(&b, NULL);
}

/* Is code (len bytes) one of the comma-separated list (exact bytes)? */
static int in_programs(const char *list, const char *code, size_t len)
{
    for (const char *s = list;;) {
        const char *e = strchr(s, ',');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        if (n == len && !memcmp(s, code, len))
            return 1;
        if (!e)
            return 0;
        s = e + 1;
    }
}

/* Which cohort files have any row at all (metrics.md "Absent source, no
 * rows": judged before the as-of and programs filters). Table names come
 * from cohort.h, not from data. */
static int source_presence(sqlite3 *db, unsigned *present, struct imgo_err *err)
{
    struct buf sql = BUF_INIT;
    int rc = IMGO_OK;
    *present = 0;
    for (int i = 0; !rc && i < COHORT_NFILES; i++) {
        sqlite3_stmt *st;
        buf_reset(&sql);
        buf_addf(&sql, "SELECT EXISTS (SELECT 1 FROM %s)", cohort_file(i)->table);
        rc = db_prepare(db, buf_str(&sql), &st, err);
        if (rc)
            break;
        if (sqlite3_step(st) != SQLITE_ROW)
            rc = db_error(db, err);
        else if (sqlite3_column_int(st, 0))
            *present |= SRC_BIT(i);
        sqlite3_finalize(st);
    }
    buf_release(&sql);
    return rc;
}

static int store_sources(sqlite3 *db, unsigned present, struct imgo_err *err)
{
    sqlite3_stmt *st;
    int rc = db_exec(db, "DELETE FROM compute_sources", err);
    if (!rc)
        rc = db_prepare(db, "INSERT INTO compute_sources (file, has_rows) VALUES (?1, ?2)", &st, err);
    if (rc)
        return rc;
    for (int i = 0; !rc && i < COHORT_NFILES; i++) {
        sqlite3_bind_text(st, 1, cohort_file(i)->name, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 2, (present & SRC_BIT(i)) != 0);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(db, err);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

static int keep_row(const struct metric_row *r, void *arg)
{
    return !metric_source_absent(r->id, r->stratum, *(const unsigned *)arg);
}

/* A point of a metric's part is dropped with that metric; any other point
 * when every metric that feeds its chart is dropped. */
static int keep_point(const struct chart_point *pt, void *arg)
{
    unsigned present = *(const unsigned *)arg;
    if (pt->metric != M_NONE)
        return !metric_source_absent(pt->metric, NULL, present);
    int fed = 0;
    for (int i = 0; i < M_COUNT; i++) {
        if (metric_def(i)->chart != pt->chart)
            continue;
        fed = 1;
        if (!metric_source_absent(i, NULL, present))
            return 1;
    }
    return !fed;
}

/* The index of s in names[0..n), or -1 (also for NULL). */
static int name_index(const char *const *names, int n, const unsigned char *s)
{
    for (int i = 0; s && i < n; i++)
        if (!strcmp((const char *)s, names[i]))
            return i;
    return -1;
}

/* enum compute_exit after EXIT_NONE, enum compute_visa before VISA_MISSING */
static const char *const exit_names[] = { "completed", "withdrew", "dismissed", "transferred" };
static const char *const visa_names[] = { "none", "j1", "h1b", "other" };

/* Every resident, active when started by x->as_of and in a selected
 * program; programs receives each resident's program code. */
static int load_residents(struct compute_ctx *x, struct strdict *programs, struct imgo_err *err)
{
    sqlite3_stmt *st;
    int rc = db_prepare(x->db,
                        "SELECT rid, start_date, end_date, exit_reason, is_img(graduate_type), visa, program,"
                        " step2_score FROM residents ORDER BY rid",
                        &st, err);
    if (rc)
        return rc;
    size_t alloc = 0, sel_alloc = 0, n_decided = 0;
    unsigned char *selected = NULL; /* by program id */
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        ALLOC_GROW(x->res, x->n_res + 1, alloc);
        struct compute_resident *r = &x->res[x->n_res++];
        memset(r, 0, sizeof *r);
        r->rid = sqlite3_column_int64(st, 0);
        r->start = sqlite3_column_int(st, 1);
        r->has_end = sqlite3_column_type(st, 2) != SQLITE_NULL;
        r->end = sqlite3_column_int(st, 2);
        r->exit_reason = (unsigned char)(EXIT_COMPLETED + name_index(exit_names, 4, sqlite3_column_text(st, 3)));
        r->img = sqlite3_column_int(st, 4) != 0;
        int v = name_index(visa_names, 4, sqlite3_column_text(st, 5));
        r->visa = (unsigned char)(v < 0 ? VISA_MISSING : v);
        /* program codes are compared trimmed (metrics.md "programs") */
        const char *prog = (const char *)sqlite3_column_text(st, 6);
        size_t plen = (size_t)sqlite3_column_bytes(st, 6);
        while (plen && (*prog == ' ' || *prog == '\t')) {
            prog++;
            plen--;
        }
        while (plen && (prog[plen - 1] == ' ' || prog[plen - 1] == '\t'))
            plen--;
        r->program = strdict_intern(programs, prog ? prog : "", plen);
        if ((size_t)r->program >= n_decided) { /* a new code: ids come densely */
            ALLOC_GROW(selected, (size_t)r->program + 1, sel_alloc);
            selected[r->program] = !x->p->programs || in_programs(x->p->programs, prog ? prog : "", plen);
            n_decided = (size_t)r->program + 1;
        }
        r->step2 = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 7);
        r->active = r->start <= x->as_of && selected[r->program];
        r->post = x->p->has_mentorship_launch && r->start >= x->p->mentorship_launch;
    }
    free(selected);
    if (s != SQLITE_DONE)
        rc = db_error(x->db, err);
    sqlite3_finalize(st);
    if (rc)
        return rc;
    /* rids are assigned densely by ingest: index them directly when so */
    x->max_rid = x->n_res ? x->res[x->n_res - 1].rid : 0;
    if (x->n_res && x->res[0].rid >= 0 && x->max_rid <= 4 * (long long)x->n_res + 1024) {
        x->rid_index = xcalloc((size_t)x->max_rid + 1, sizeof *x->rid_index);
        for (size_t i = 0; i < x->n_res; i++)
            x->rid_index[x->res[i].rid] = (int)i + 1;
    }
    return IMGO_OK;
}

static int store_warnings(sqlite3 *db, const struct compute_warnings *w, struct imgo_err *err)
{
    sqlite3_stmt *st;
    int rc = db_exec(db, "DELETE FROM compute_warnings", err);
    if (!rc)
        rc = db_prepare(db, "INSERT INTO compute_warnings (seq, text) VALUES (?1, ?2)", &st, err);
    if (rc)
        return rc;
    for (size_t i = 0; !rc && i < w->len; i++) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
        sqlite3_bind_text(st, 2, w->text[i], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(db, err);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

static void warnings_release(struct compute_warnings *w)
{
    for (size_t i = 0; i < w->len; i++)
        free(w->text[i]);
    free(w->text);
    memset(w, 0, sizeof *w);
}

static int store_info(struct compute_ctx *x, int as_of_given, struct imgo_err *err)
{
    sqlite3_stmt *st;
    int rc = db_exec(x->db, "DELETE FROM compute_info", err);
    if (!rc)
        rc = db_prepare(x->db, "INSERT INTO compute_info (key, value) VALUES (?1, ?2)", &st, err);
    if (rc)
        return rc;
    char val[1024];
    char date[11];
    date_format(x->as_of, date);
    /* step3_exam_attempts only when board_exams.csv was provided: "0"
     * then says the data has no attempt of it, not that there is no file */
    int first = x->present & SRC_BOARD_EXAMS ? -3 : -2;
    for (int i = first; !rc && (i < 0 || params_keys[i]); i++) {
        const char *key;
        if (i == -3) {
            key = "step3_exam_attempts";
            snprintf(val, sizeof val, "%ld", x->step3_attempts);
        } else if (i == -2) {
            key = "imgo_version";
            snprintf(val, sizeof val, "%s", IMGO_VERSION);
        } else if (i == -1) {
            key = "as_of_source";
            snprintf(val, sizeof val, "%s", as_of_given ? "parameter" : "latest event date");
        } else {
            key = params_keys[i];
            if (!strcmp(key, "as_of"))
                snprintf(val, sizeof val, "%s", date);
            else
                params_format(x->p, key, val, sizeof val);
        }
        sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, val, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = db_error(x->db, err);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

static int write_files(struct compute_ctx *x, const char *outdir, struct imgo_err *err)
{
    struct buf path = BUF_INIT, text = BUF_INIT;
    int rc = fs_mkdirs(outdir, err);
    if (!rc) {
        buf_addf(&path, "%s/tables", outdir);
        rc = fs_mkdirs(buf_str(&path), err);
    }
    if (!rc) {
        metric_set_csv(x->m, &text);
        buf_reset(&path);
        buf_addf(&path, "%s/metrics.csv", outdir);
        rc = fs_write_atomic(buf_str(&path), buf_str(&text), text.len, err);
    }
    /* Every chart's file is written, empty or not (docs/TABLES.md). */
    for (int i = 0; !rc && i < C_COUNT; i++) {
        buf_reset(&text);
        chart_set_csv(x->c, i, &text);
        buf_reset(&path);
        buf_addf(&path, "%s/tables/%s.csv", outdir, chart_name(i));
        rc = fs_write_atomic(buf_str(&path), buf_str(&text), text.len, err);
    }
    /* The report draws some charts once per label: each such chart's data
     * is also in a file of the chart's own name, NAME_LABEL.csv. */
    for (int i = 0; !rc && i < C_COUNT; i++) {
        if (!chart_def(i)->split)
            continue;
        const char **labels;
        size_t n = chart_set_labels(x->c, i, &labels);
        char **slugs = chart_label_slugs(labels, n);
        for (size_t j = 0; j < n; j++) {
            if (!rc) {
                buf_reset(&text);
                chart_set_csv_label(x->c, i, labels[j], &text);
                buf_reset(&path);
                buf_addf(&path, "%s/tables/%s_%s.csv", outdir, chart_name(i), slugs[j]);
                rc = fs_write_atomic(buf_str(&path), buf_str(&text), text.len, err);
            }
            free(slugs[j]);
        }
        free(slugs);
        free(labels);
    }
    /* the same tables as one workbook, read back from the rows just
     * stored (this transaction sees them) */
    if (!rc) {
        buf_reset(&path);
        buf_addf(&path, "%s/tables.xlsx", outdir);
        rc = xlsx_write_tables(x->db, buf_str(&path), err);
    }
    buf_release(&path);
    buf_release(&text);
    return rc;
}

typedef int (*compute_family)(struct compute_ctx *, struct imgo_err *);

/* The families in two lists that share no state but the residents (the
 * second list only reads them), so they run on two connections at once:
 * the milestone model is about half of the work. The second list uses the
 * as-of date only to leave out rows dated after it, so it can start before
 * the default as-of is known (see compute_run). */
static const compute_family families_a[] = {
    compute_cohort,     compute_retention, compute_board,     compute_fellowship, compute_mentor,
    compute_evaluators, compute_adverse,   compute_workforce, compute_quarterly,  compute_launch,
    compute_institution,
};
static const compute_family families_b[] = { compute_milestones, compute_feedback, compute_patient };

/* The second thread: its own connection, metric rows and chart points. */
struct worker {
    struct compute_ctx x;
    struct metric_set m;
    struct chart_set c;
    int rc;
    struct imgo_err err;
};

static void *worker_run(void *arg)
{
    struct worker *w = arg;
    for (size_t i = 0; !w->rc && i < sizeof families_b / sizeof families_b[0]; i++)
        w->rc = families_b[i](&w->x, &w->err);
    return NULL;
}

/* A read connection to the same database file, or NULL (an in-memory
 * database, or any failure: then everything runs on one connection). The
 * caller's IMMEDIATE transaction keeps writers out, so both connections
 * read the same data. */
static sqlite3 *second_connection(sqlite3 *db)
{
    const char *path = sqlite3_db_filename(db, "main");
    sqlite3 *db2 = NULL;
    if (!path || !*path)
        return NULL;
    if (db_open(path, DB_READONLY, &db2, NULL))
        return NULL;
    return db2;
}

int compute_run(sqlite3 *db, const struct imgo_params *p, const char *outdir, struct imgo_err *err)
{
    return compute_run_sink(db, p, outdir, NULL, err);
}

int compute_run_sink(sqlite3 *db, const struct imgo_params *p, const char *outdir, const struct compute_sink *sink,
                     struct imgo_err *err)
{
    struct metric_set m;
    struct compute_warnings warn, warn_a, warn_b; /* the run's; of each list of families */
    struct chart_set c;
    struct compute_ctx x;
    struct worker w;
    memset(&x, 0, sizeof x);
    memset(&w, 0, sizeof w);
    memset(&warn, 0, sizeof warn);
    memset(&warn_a, 0, sizeof warn_a);
    memset(&warn_b, 0, sizeof warn_b);
    x.db = db;
    x.warnings = &warn_a;
    x.p = p;
    x.conf = p->confidence;
    x.m = &m;
    x.c = &c;
    metric_set_init(&m, p->min_cell);
    chart_set_init(&c);
    metric_set_init(&w.m, p->min_cell);
    chart_set_init(&w.c);
    pthread_t th;
    int threaded = 0;
    struct strdict programs;
    strdict_init(&programs);
    x.programs = &programs;
    char *programs_sql = programs_json(p->programs);
#ifdef __GLIBC__
    /* The milestone cells (85 MB on a national cohort) grow by doubling
     * while the other thread allocates and frees large blocks (the exact
     * separation check of board.adjusted_or). Each large free raises
     * glibc's mmap threshold, and the next large blocks then come from a
     * heap, where growing copies and the old copy stays resident (170 MB
     * peak instead of 148). A fixed threshold keeps every large block
     * mapped, grown in place by mremap. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif

    int rc = db_exec(db, "BEGIN IMMEDIATE", err);
    if (rc)
        goto out;
    rc = source_presence(db, &x.present, err);
    /* The default as-of is the latest date of every dated row of the
     * selected programs, so none of their rows is after it and every one
     * of their residents has started by it: until it is known, INT_MAX
     * gives the same filters and the second list can start. */
    x.as_of = p->has_as_of ? p->as_of : INT_MAX;
    if (!rc)
        rc = load_residents(&x, &programs, err);
    if (!rc) {
        w.x = x;
        w.x.db = second_connection(db);
        w.x.m = &w.m;
        w.x.c = &w.c;
        w.x.warnings = &warn_b;
        threaded = w.x.db && pthread_create(&th, NULL, worker_run, &w) == 0;
    }
    if (!rc && !p->has_as_of) {
        int found = 0;
        rc = latest_event(db, programs_sql, INT_MAX, &x.as_of, &found, err);
        if (!rc && !found)
            rc = imgo_err_set(err, IMGO_EDATA, "no as-of date: %s no dated record; give --as-of",
                              p->programs ? "the selected programs have" : "the database holds");
    }
    for (size_t i = 0; !rc && i < sizeof families_a / sizeof families_a[0]; i++)
        rc = families_a[i](&x, err);
    /* the default as-of is the latest event itself: only a given one can
     * be far after it. Looked up while the milestone pass still runs. */
    int latest = 0, found_latest = 0;
    if (!rc && p->has_as_of)
        rc = latest_event(db, programs_sql, x.as_of, &latest, &found_latest, err);
    if (threaded) {
        pthread_join(th, NULL);
    } else if (!rc) {
        w.x.db = db;
        worker_run(&w);
        w.x.db = NULL;
    }
    if (!rc && w.rc)
        rc = imgo_err_set(err, w.rc, "%s", w.err.msg);
    if (w.x.db)
        db_close(w.x.db); /* the writes below need the reader gone */
    w.x.db = NULL;
    if (!rc) {
        metric_set_take(&m, &w.m);
        chart_set_take(&c, &w.c);
        /* the as-of first, then the families' in list order */
        x.warnings = &warn;
        if (p->has_as_of)
            as_of_warning(&x, latest, found_latest);
        for (size_t i = 0; i < warn_a.len; i++)
            compute_warn(&x, "%s", warn_a.text[i]);
        for (size_t i = 0; i < warn_b.len; i++)
            compute_warn(&x, "%s", warn_b.text[i]);
        /* absent source, no rows: one rule for every family */
        metric_set_filter(&m, keep_row, &x.present);
        chart_set_filter(&c, keep_point, &x.present);
        metric_set_sort(&m);
        rc = metric_set_store(&m, db, err);
    }
    if (!rc)
        rc = chart_set_store(&c, db, err);
    if (!rc)
        rc = store_info(&x, p->has_as_of, err);
    if (!rc)
        rc = store_sources(db, x.present, err);
    if (!rc)
        rc = store_warnings(db, &warn, err);
    if (!rc)
        rc = write_files(&x, outdir, err);
    if (!rc)
        rc = db_exec(db, "COMMIT", err);
    if (rc)
        db_exec(db, "ROLLBACK", NULL);
    for (size_t i = 0; !rc && sink && sink->warning && i < warn.len; i++)
        sink->warning(sink->ctx, warn.text[i]);
out:
    free(programs_sql);
    strdict_release(&programs);
    free(x.res);
    free(x.rid_index);
    metric_set_release(&m);
    chart_set_release(&c);
    metric_set_release(&w.m);
    chart_set_release(&w.c);
    warnings_release(&warn);
    warnings_release(&warn_a);
    warnings_release(&warn_b);
    return rc;
}
