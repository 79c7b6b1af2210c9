/*
 * pipeline.c - the stage table and run.json (see pipeline.h).
 *
 * Each stage is a function of one struct pipeline; the runner only walks
 * the table, so adding a stage is one entry, not a new code path.
 */
#include "pipeline.h"
#include "compute.h"
#include "db.h"
#include "fsutil.h"
#include "map.h"
#include "mem.h"
#include "origin.h"
#include "outdir.h"
#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef IMGO_PREFIX
#define IMGO_PREFIX "/usr/local" /* the Makefile's PREFIX */
#endif

struct pipeline {
    const struct imgo_params *p;
    const struct pipeline_opts *o;
    sqlite3 *db;
    /* the input directory the database holds, for run.json and the cover:
     * the one given when the pipeline ingests, else the database's own
     * when it holds one (NULL: none, or several) */
    const char *input;
    char *input_owned;
};

static int named(const struct imgo_params *p, int id);

static int stage_ingest(struct pipeline *pl, struct imgo_err *err)
{
    struct ingest ig;
    struct ingest_opts io = { 0 };
    struct buf rejects = BUF_INIT;
    io.sink = pl->o->sink;
    io.map = pl->o->map;
    if (pl->o->skip_bad_rows) {
        /* inputs.md: `imgo run` puts its rejects in OUT/rejects. */
        buf_addf(&rejects, "%s/rejects", pl->o->out);
        io.flags |= INGEST_SKIP_BAD_ROWS;
        io.rejects_dir = buf_str(&rejects);
    }
    int rc = ingest_init(&ig, pl->db, &io, err);
    if (!rc) {
        rc = ingest_dir(&ig, pl->o->input, 1, err);
        ingest_release(&ig);
    }
    buf_release(&rejects);
    if (rc == IMGO_EDATA && !err->status)
        return imgo_err_set(err, IMGO_EDATA, "%s: input rejected; nothing computed (fix the rows named above)",
                            pl->o->input);
    if (rc && !err->status)
        return imgo_err_set(err, rc, "%s: input could not be read; nothing computed", pl->o->input);
    return rc;
}

/* A compute warning, as ingest's warnings reach the caller. */
static void on_warning(void *ctx, const char *text)
{
    const struct pipeline *pl = ctx;
    if (!pl->o->sink.message)
        return;
    struct buf b = BUF_INIT;
    buf_addf(&b, "warning: %s", text);
    pl->o->sink.message(pl->o->sink.ctx, 1, buf_str(&b));
    buf_release(&b);
}

static int stage_compute(struct pipeline *pl, struct imgo_err *err)
{
    struct compute_sink sink = { on_warning, pl };
    return compute_run_sink(pl->db, pl->p, pl->o->out, &sink, err);
}

static int stage_report(struct pipeline *pl, struct imgo_err *err)
{
    int ingests = named(pl->p, STAGE_INGEST);
    const struct imgo_map *m = ingests ? pl->o->map : NULL;
    struct report_prov prov = { pl->p->source, pl->input, m ? m->path : NULL, m ? m->sha256 : NULL,
                                pl->o->prev };
    int kind = pl->p->report == PARAMS_REPORT_QUARTERLY     ? REPORT_QUARTERLY
               : pl->p->report == PARAMS_REPORT_INSTITUTION ? REPORT_INSTITUTION
                                                            : REPORT_ANNUAL;
    return report_write(pl->db, kind, pl->o->out, &prov, err);
}

static const struct stage {
    int id; /* enum params_stage */
    const char *name;
    int (*run)(struct pipeline *pl, struct imgo_err *err);
} stages[] = {
    { STAGE_INGEST, "ingest", stage_ingest },
    { STAGE_COMPUTE, "compute", stage_compute },
    { STAGE_REPORT, "report", stage_report },
};

static int named(const struct imgo_params *p, int id)
{
    for (int i = 0; i < p->n_stages; i++)
        if (p->stages[i] == id)
            return 1;
    return 0;
}

void pipeline_json_string(struct buf *b, const char *s)
{
    buf_addc(b, '"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            buf_addc(b, '\\');
            buf_addc(b, (char)c);
        } else if (c == '\n')
            buf_adds(b, "\\n");
        else if (c == '\t')
            buf_adds(b, "\\t");
        else if (c == '\r')
            buf_adds(b, "\\r");
        else if (c < 0x20 || c == 0x7f)
            buf_addf(b, "\\u%04x", c);
        else
            buf_addc(b, (char)c);
    }
    buf_addc(b, '"');
}

static int run_json(struct pipeline *pl, struct imgo_err *err)
{
    struct buf j = BUF_INIT;
    char val[1024];
    buf_adds(&j, "{\n  \"imgo_version\": ");
    pipeline_json_string(&j, IMGO_VERSION);
    buf_adds(&j, ",\n  \"pipeline\": ");
    if (pl->p->source)
        pipeline_json_string(&j, pl->p->source);
    else
        buf_adds(&j, "null");
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde && strspn(sde, "0123456789") == strlen(sde)) {
        time_t t = (time_t)strtoll(sde, NULL, 10);
        struct tm tm;
        char when[32];
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        buf_adds(&j, ",\n  \"generated_at\": ");
        pipeline_json_string(&j, when);
    }
    buf_adds(&j, ",\n  \"parameters\": {");
    for (int i = 0; params_keys[i]; i++) {
        params_format(pl->p, params_keys[i], val, sizeof val);
        buf_adds(&j, i ? ",\n    " : "\n    ");
        pipeline_json_string(&j, params_keys[i]);
        buf_adds(&j, ": ");
        pipeline_json_string(&j, val);
    }
    buf_adds(&j, "\n  },\n  \"as_of\": ");
    /* the as-of compute resolved (the parameter, or the latest event date) */
    sqlite3_stmt *st;
    int rc = db_prepare(pl->db, "SELECT value FROM compute_info WHERE key = 'as_of'", &st, err);
    if (rc)
        goto out;
    if (sqlite3_step(st) == SQLITE_ROW)
        pipeline_json_string(&j, (const char *)sqlite3_column_text(st, 0));
    else
        buf_adds(&j, "null");
    sqlite3_finalize(st);
    buf_adds(&j, ",\n  \"input\": ");
    if (pl->input)
        pipeline_json_string(&j, pl->input);
    else
        buf_adds(&j, "null");
    buf_adds(&j, ",\n  \"map\": ");
    if (pl->o->map && named(pl->p, STAGE_INGEST)) {
        buf_adds(&j, "{\"path\": ");
        pipeline_json_string(&j, pl->o->map->path);
        buf_adds(&j, ", \"sha256\": ");
        pipeline_json_string(&j, pl->o->map->sha256);
        buf_adds(&j, "}");
    } else {
        buf_adds(&j, "null");
    }
    buf_adds(&j, ",\n  \"files\": [");
    rc = db_prepare(pl->db,
                    "SELECT file, sha256, rows_read, rows_written, rows_rejected, "
                    "CASE WHEN EXISTS (SELECT 1 FROM ingest_map WHERE ingest_id = l.id) THEN path END "
                    "FROM ingest_ledger l "
                    "WHERE id = (SELECT MAX(id) FROM ingest_ledger m WHERE m.file = l.file) ORDER BY file",
                    &st, err);
    if (rc)
        goto out;
    long long rejected = 0;
    int n = 0, s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        buf_adds(&j, n++ ? ",\n    {" : "\n    {");
        buf_adds(&j, "\"file\": ");
        pipeline_json_string(&j, (const char *)sqlite3_column_text(st, 0));
        if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
            /* Read through a map: the export's own file name. */
            const char *path = (const char *)sqlite3_column_text(st, 5), *slash = strrchr(path, '/');
            buf_adds(&j, ", \"export\": ");
            pipeline_json_string(&j, slash ? slash + 1 : path);
        }
        buf_adds(&j, ", \"sha256\": ");
        pipeline_json_string(&j, (const char *)sqlite3_column_text(st, 1));
        buf_addf(&j, ", \"rows_read\": %lld, \"rows_written\": %lld, \"rows_rejected\": %lld}",
                 (long long)sqlite3_column_int64(st, 2), (long long)sqlite3_column_int64(st, 3),
                 (long long)sqlite3_column_int64(st, 4));
        rejected += sqlite3_column_int64(st, 4);
    }
    sqlite3_finalize(st);
    if (s != SQLITE_DONE) {
        rc = db_error(pl->db, err);
        goto out;
    }
    buf_addf(&j, "%s],\n  \"rows_rejected\": %lld\n}\n", n ? "\n  " : "", rejected);
    {
        struct buf path = BUF_INIT;
        buf_addf(&path, "%s/run.json", pl->o->out);
        rc = fs_write_atomic(buf_str(&path), j.data, j.len, err);
        buf_release(&path);
    }
out:
    buf_release(&j);
    return rc;
}

/* One database holds one input: refuses (IMGO_EUSAGE, nothing written)
 * when db_path holds data of another. Ingest records this one with each
 * file it writes. */
static int claim_input(struct pipeline *pl, const char *db_path, struct imgo_err *err)
{
    struct origin me;
    struct origin_list others;
    int rc = origin_of(pl->o->input, pl->o->map ? pl->o->map->path : NULL, &me, err);
    if (rc)
        return rc;
    rc = origin_others(pl->db, &me, &others, err);
    if (!rc && others.len) {
        struct buf held = BUF_INIT, mine = BUF_INIT;
        for (size_t i = 0; i < others.len; i++) {
            if (i)
                buf_adds(&held, i + 1 == others.len ? " and " : ", ");
            origin_describe(&held, &others.v[i]);
        }
        origin_describe(&mine, &me);
        rc = imgo_err_set(err, IMGO_EUSAGE,
                          "%s holds data ingested from %s, not from this run's input %s; one database "
                          "holds one input: give --fresh to remove that database and this run's outputs "
                          "and start again, or --db FILE to use another database",
                          db_path, buf_str(&held), buf_str(&mine));
        buf_release(&held);
        buf_release(&mine);
    }
    origin_list_release(&others);
    origin_release(&me);
    return rc;
}

/* The database's own input, when the pipeline does not ingest. */
static int stored_input(struct pipeline *pl, struct imgo_err *err)
{
    struct origin_list l;
    int rc = origin_recorded(pl->db, &l, err);
    if (!rc && l.len == 1) {
        pl->input_owned = l.v[0].path;
        l.v[0].path = NULL;
        pl->input = pl->input_owned;
    }
    origin_list_release(&l);
    return rc;
}

int pipeline_run(const struct imgo_params *p, const struct pipeline_opts *o, struct imgo_err *err)
{
    struct stat sb;
    int ingests = named(p, STAGE_INGEST);
    if (ingests) {
        if (!o->input || !*o->input)
            return imgo_err_set(err, IMGO_EUSAGE, "the pipeline ingests: --input DIR is required");
        if (stat(o->input, &sb) || !S_ISDIR(sb.st_mode))
            return imgo_err_set(err, IMGO_EIO, "%s: %s", o->input,
                                errno == ENOENT ? "no such input directory" : "not a directory");
    }
    /* a database that nothing refills is not removed */
    if (o->fresh && !ingests)
        return imgo_err_set(err, IMGO_EUSAGE,
                            "--fresh: the pipeline does not ingest, so a new database would stay empty; "
                            "nothing removed");
    int rc = fs_mkdirs(o->out, err);
    if (rc)
        return rc;
    struct buf dbp = BUF_INIT;
    if (o->db_path)
        buf_adds(&dbp, o->db_path);
    else
        buf_addf(&dbp, "%s/outcomes.db", o->out);
    struct pipeline pl = { p, o, NULL, ingests ? o->input : NULL, NULL };
    struct outdir_snap snap = { 0 };
    if (o->fresh)
        rc = outdir_clear(o->out, buf_str(&dbp), err);
    /* what an earlier run left, to tell its files from this run's */
    if (!rc)
        outdir_snapshot(o->out, &snap);
    if (!rc)
        rc = db_open(buf_str(&dbp), 0, &pl.db, err);
    if (!rc)
        rc = ingests ? claim_input(&pl, buf_str(&dbp), err) : stored_input(&pl, err);
    for (size_t i = 0; !rc && i < sizeof stages / sizeof stages[0]; i++)
        if (named(p, stages[i].id))
            rc = stages[i].run(&pl, err);
    if (!rc)
        rc = run_json(&pl, err);
    if (!rc)
        rc = outdir_remove_stale(o->out, &snap,
                                 (named(p, STAGE_COMPUTE) ? OUTDIR_TABLES : 0u) |
                                     (named(p, STAGE_REPORT) ? OUTDIR_CHARTS : 0u),
                                 NULL, err);
    db_close(pl.db);
    outdir_snap_release(&snap);
    free(pl.input_owned);
    buf_release(&dbp);
    return rc;
}

/* Cuts the last path component: "/a/b" -> "/a"; 0 when none is left. */
static int cut_last(struct buf *b)
{
    char *slash = b->len ? strrchr(b->data, '/') : NULL;
    if (!slash || slash == b->data)
        return 0;
    b->len = (size_t)(slash - b->data);
    *slash = '\0';
    return 1;
}

static int add_dir(char *dirs[PIPELINE_MAX_DIRS], int n, struct buf *d)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(dirs[i], buf_str(d)))
            return n;
    dirs[n] = buf_detach(d, NULL);
    return n + 1;
}

int pipeline_dirs(char *dirs[PIPELINE_MAX_DIRS])
{
    int n = 0;
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    struct buf d = BUF_INIT;
    if (len > 0) {
        exe[len] = '\0';
        /* BIN/imgo -> BIN/../share/imgo/pipelines, without the ".." */
        buf_adds(&d, exe);
        if (cut_last(&d) && cut_last(&d)) {
            buf_adds(&d, "/share/imgo/pipelines");
            n = add_dir(dirs, n, &d);
        }
        buf_reset(&d);
    }
    buf_adds(&d, IMGO_PREFIX "/share/imgo/pipelines");
    n = add_dir(dirs, n, &d);
    if (len > 0) {
        /* TREE/build/.../imgo -> TREE/pipelines */
        char *b = NULL;
        for (char *s = strstr(exe, "/build/"); s; s = strstr(s + 1, "/build/"))
            b = s;
        if (b) {
            buf_reset(&d);
            buf_add(&d, exe, (size_t)(b - exe));
            buf_adds(&d, "/pipelines");
            n = add_dir(dirs, n, &d);
        }
    }
    buf_release(&d);
    return n;
}

static int is_file(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && !S_ISDIR(sb.st_mode);
}

int pipeline_find(const char *name, char **path, struct imgo_err *err)
{
    if (strchr(name, '/') || is_file(name)) {
        *path = xstrdup(name);
        return IMGO_OK;
    }
    static const char ext[] = ".pipeline";
    size_t len = strlen(name);
    int has_ext = len >= sizeof ext - 1 && !strcmp(name + len - (sizeof ext - 1), ext);
    char *dirs[PIPELINE_MAX_DIRS];
    int n = pipeline_dirs(dirs), rc = IMGO_OK;
    struct buf p = BUF_INIT, where = BUF_INIT;
    *path = NULL;
    for (int i = 0; i < n; i++) {
        if (!*path) {
            buf_reset(&p);
            buf_addf(&p, "%s/%s%s", dirs[i], name, has_ext ? "" : ext);
            if (is_file(buf_str(&p)))
                *path = buf_detach(&p, NULL);
        }
        buf_addf(&where, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ", dirs[i]);
        free(dirs[i]);
    }
    if (!*path)
        rc = imgo_err_set(err, IMGO_EIO, "no pipeline '%s': no file %s here, and no %s%s in %s", name, name,
                          name, has_ext ? "" : ext, buf_str(&where));
    buf_release(&p);
    buf_release(&where);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void pipeline_list(struct buf *b)
{
    char *dirs[PIPELINE_MAX_DIRS], **names = NULL;
    size_t n_names = 0, cap = 0;
    int n = pipeline_dirs(dirs);
    for (int i = 0; i < n; i++) {
        DIR *d = opendir(dirs[i]);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            size_t len = strlen(e->d_name);
            if (len <= 9 || strcmp(e->d_name + len - 9, ".pipeline"))
                continue;
            if (n_names == cap) {
                cap = cap ? 2 * cap : 16;
                names = xrealloc(names, cap * sizeof *names);
            }
            names[n_names++] = xstrndup(e->d_name, len - 9);
        }
        if (d)
            closedir(d);
        free(dirs[i]);
    }
    if (n_names)
        qsort(names, n_names, sizeof *names, cmp_str);
    for (size_t i = 0; i < n_names; i++)
        if (!i || strcmp(names[i], names[i - 1]))
            buf_addf(b, "%s\n", names[i]);
    for (size_t i = 0; i < n_names; i++)
        free(names[i]);
    free(names);
}
