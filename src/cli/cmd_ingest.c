/*
 * cmd_ingest.c - `imgo ingest DIR... --db FILE [--skip-bad-rows [--rejects
 * DIR]] [--strict]`, and the printing shared with `imgo check`.
 *
 * stdout gets one summary line per cohort file (the format is documented
 * in --help and docs/SCHEMA.md and is stable); stderr gets the errors and
 * warnings, and a progress line when stderr is a terminal.
 *
 * Ingest merges on purpose (several directories in one command, or a
 * later command into the same database): each directory is recorded as
 * an input of the database (origin.h), and a database that already holds
 * data from a directory this command does not name gets a warning, not a
 * refusal. imgo run is the strict one.
 */
#include "cmd.h"
#include "db.h"
#include "ingest.h"
#include "map.h"
#include "mem.h"
#include "origin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_message(void *ctx, int is_warning, const char *msg)
{
    (void)ctx;
    (void)is_warning;
    fprintf(stderr, "imgo: %s\n", msg);
}

static void on_done(void *ctx, const struct ingest_result *r)
{
    const struct cmd_ingest_out *o = ctx;
    const char *ok = o->check ? "valid" : "written";
    switch (r->outcome) {
    case INGEST_WRITTEN:
        printf("%s: %ld rows read, %ld %s, %ld rejected\n", r->file, r->rows_read, r->rows_written, ok,
               r->rows_rejected);
        break;
    case INGEST_UNCHANGED:
        printf("%s: unchanged (already ingested, sha256 %s)\n", r->file, r->sha256);
        break;
    case INGEST_REJECTED:
        if (r->whole_file)
            printf("%s: file rejected\n", r->file);
        else
            printf("%s: %ld rows read, 0 %s, %ld rejected (file rejected)\n", r->file, r->rows_read, ok,
                   r->rows_rejected);
        break;
    case INGEST_FAILED:
        printf("%s: not read (i/o error)\n", r->file);
        break;
    }
    fflush(stdout);
}

static void on_progress(void *ctx, const char *file, long rows, long long bytes, int final)
{
    struct cmd_ingest_out *o = ctx;
    if (final) {
        if (o->shown)
            fputs("\r\033[K", stderr);
        o->shown = 0;
        o->t0 = 0;
        return;
    }
    double t = now_s();
    if (o->t0 == 0)
        o->t0 = t;
    double dt = t - o->t0;
    fprintf(stderr, "\r\033[K%s: %ld rows, %.1f MB/s", file, rows, dt > 0 ? (double)bytes / 1e6 / dt : 0.0);
    o->shown = 1;
}

void cmd_ingest_sink(struct ingest_sink *s, struct cmd_ingest_out *o, int check)
{
    memset(o, 0, sizeof *o);
    o->check = check;
    s->message = on_message;
    s->done = on_done;
    s->progress = isatty(2) ? on_progress : NULL;
    s->ctx = o;
}

enum { O_DB, O_SKIP_BAD_ROWS, O_REJECTS, O_STRICT, O_MAP };

static const struct opt options[] = {
    [O_DB] = { .name = "db", .arg = "FILE", .complete = OPT_COMPLETE_FILE,
               .help = "the database (required; created when missing)" },
    [O_SKIP_BAD_ROWS] = { .name = "skip-bad-rows",
                          .help = "write a file's good rows; copy its bad rows verbatim, with a last "
                                  "column \"error\", to REJECTS/FILE" },
    [O_REJECTS] = { .name = "rejects", .arg = "DIR", .complete = OPT_COMPLETE_DIR,
                    .help = "REJECTS (default: \"rejects\" beside the database)" },
    [O_STRICT] = { .name = "strict", .help = "an unknown column rejects its file (else it is a warning)" },
    [O_MAP] = { .name = "map", .arg = "FILE", .complete = OPT_COMPLETE_FILE,
                .help = "read each DIR as an export through the import map FILE (docs/MAPS.md)" },
    { .name = NULL },
};

static int run(const struct opt_result *r);

const struct opt_spec cmd_ingest_spec = {
    .name = "ingest",
    .run = run,
    .summary = "validate and upsert cohort directories into a database",
    .usage = "DIR... --db FILE [--skip-bad-rows [--rejects DIR]] [--strict] [--map FILE]",
    .description = "Validates the cohort files in each DIR and upserts them into the database FILE "
                   "(created when missing), residents.csv first. Each file is written whole or not at "
                   "all, in one transaction; a file byte-identical to the one last ingested under its "
                   "name is skipped. The database records each DIR as one of its inputs; ingesting into "
                   "a database that holds data from another directory merges (with a warning), where "
                   "imgo run would refuse.",
    .args = { .name = "DIR...", .what = "cohort directory", .min = 1, .max = -1,
              .complete = OPT_COMPLETE_DIR, .help = "one or more cohort directories, ingested in order" },
    .opts = options,
    .out = "One line per cohort file:\n"
           "  FILE: N rows read, N written, N rejected\n"
           "  FILE: N rows read, 0 written, N rejected (file rejected)\n"
           "  FILE: file rejected\n"
           "  FILE: unchanged (already ingested, sha256 HEX)\n"
           "  FILE: not read (i/o error)\n"
           "(Through a map, FILE is the export's name and the cohort file it feeds: "
           "\"Milestones.csv (milestone_ratings.csv)\".)",
    .err = "\"imgo: FILE:LINE:COLUMN: message\" for each bad row (the first 100 of a file, then a "
           "count), and warnings (\"imgo: warning: FILE already holds data ingested from DIR; ...\" "
           "when the database holds another input).",
    .exits = { "every file was written or was unchanged (with --skip-bad-rows, bad rows allowed)",
               "a file or a row was rejected; the rejected file is not written", "usage error",
               "a path could not be read, or a database error" },
};

/* Warns when db holds data from an input none of mine[0..n) is. */
static int warn_merge(sqlite3 *db, const char *db_path, const struct origin *mine, int n, struct imgo_err *err)
{
    struct origin_list rec;
    int rc = origin_recorded(db, &rec, err);
    if (rc)
        return rc;
    struct buf held = BUF_INIT, into = BUF_INIT;
    size_t n_held = 0;
    for (size_t i = 0; i < rec.len; i++) {
        int named = 0;
        for (int j = 0; j < n && !named; j++)
            named = mine[j].realpath && origin_same(&rec.v[i], &mine[j]);
        if (named)
            continue;
        if (n_held++)
            buf_adds(&held, ", ");
        origin_describe(&held, &rec.v[i]);
    }
    int n_into = 0;
    for (int j = 0; n_held && j < n; j++) {
        if (!mine[j].realpath)
            continue;
        if (n_into++)
            buf_adds(&into, ", ");
        origin_describe(&into, &mine[j]);
    }
    if (n_held && into.len)
        fprintf(stderr,
                "imgo: warning: %s already holds data ingested from %s; %s %s merged into it (a row with the "
                "same key replaces the stored one, the other rows stay)\n",
                db_path, buf_str(&held), buf_str(&into), n_into > 1 ? "are" : "is");
    buf_release(&held);
    buf_release(&into);
    origin_list_release(&rec);
    return IMGO_OK;
}

static int run(const struct opt_result *r)
{
    const char *db_path = opt_value(r, O_DB), *rejects = opt_value(r, O_REJECTS);
    unsigned flags = 0;
    char **dirs = r->args;
    int ndirs = r->n_args;
    if (opt_count(r, O_SKIP_BAD_ROWS))
        flags |= INGEST_SKIP_BAD_ROWS;
    if (opt_count(r, O_STRICT))
        flags |= INGEST_STRICT;
    if (!db_path || !*db_path)
        return cmd_usage_error("--db FILE is required; see 'imgo ingest --help'");
    if (rejects && !(flags & INGEST_SKIP_BAD_ROWS))
        return cmd_usage_error("--rejects needs --skip-bad-rows");

    char default_rejects[4096];
    if (!rejects) {
        const char *slash = strrchr(db_path, '/');
        if (slash)
            snprintf(default_rejects, sizeof default_rejects, "%.*s/rejects", (int)(slash - db_path),
                     db_path);
        else
            snprintf(default_rejects, sizeof default_rejects, "rejects");
        rejects = default_rejects;
    }

    const char *map_path = opt_value(r, O_MAP);
    struct imgo_map map;
    int worst = map_path ? cmd_map_load(map_path, &map) : IMGO_OK;
    if (worst)
        return worst;
    struct imgo_err err = IMGO_ERR_INIT;
    sqlite3 *db = NULL;
    struct origin *mine = xcalloc((size_t)ndirs, sizeof *mine);
    struct ingest ig;
    struct ingest_opts o = { 0 };
    struct cmd_ingest_out out;
    /* One thread uses each connection: no mutexes on the hot path (only
     * possible before SQLite initialises; harmless if it already has). */
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    if (db_open(db_path, 0, &db, &err)) {
        worst = cmd_fail(&err);
        goto out;
    }
    /* a directory that cannot be resolved is reported by ingest_dir */
    for (int i = 0; i < ndirs; i++)
        if (origin_of(dirs[i], map_path, &mine[i], NULL))
            memset(&mine[i], 0, sizeof mine[i]);
    if (warn_merge(db, db_path, mine, ndirs, &err)) {
        worst = cmd_fail(&err);
        goto out;
    }
    o.flags = flags;
    o.rejects_dir = rejects;
    o.map = map_path ? &map : NULL;
    cmd_ingest_sink(&o.sink, &out, 0);
    if (ingest_init(&ig, db, &o, &err)) {
        worst = cmd_fail(&err);
        goto out;
    }
    for (int i = 0; i < ndirs; i++) {
        int st = ingest_dir(&ig, dirs[i], 0, &err);
        if (st > worst)
            worst = st;
        if (err.status) {
            cmd_fail(&err);
            break;
        }
    }
    ingest_release(&ig);
out:
    for (int i = 0; i < ndirs; i++)
        origin_release(&mine[i]);
    free(mine);
    db_close(db);
    if (map_path)
        map_release(&map);
    return worst;
}
