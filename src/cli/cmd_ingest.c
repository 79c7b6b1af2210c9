/*
 * cmd_ingest.c - `imgo ingest DIR... --db FILE [--skip-bad-rows [--rejects
 * DIR]] [--strict] [--map FILE]`, and the printing shared with `imgo check`.
 *
 * stdout gets one summary line per cohort file (the format is documented
 * in --help and docs/SCHEMA.md and is stable); stderr gets the errors and
 * warnings, and a progress line when stderr is a terminal.
 */
#include "cmd.h"
#include "db.h"
#include "ingest.h"
#include "map.h"

#include <stdio.h>
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

static const char ingest_usage[] =
    "usage: imgo ingest DIR... --db FILE [--skip-bad-rows [--rejects DIR]] [--strict]\n"
    "                   [--map FILE]\n"
    "\n"
    "Validates the cohort files in each DIR and upserts them into the database\n"
    "FILE (created when missing), residents.csv first. Each file is written whole\n"
    "or not at all, in one transaction; a file byte-identical to the one last\n"
    "ingested under its name is skipped.\n"
    "\n"
    "options:\n"
    "  --db FILE         the database (required)\n"
    "  --skip-bad-rows   write a file's good rows; copy its bad rows verbatim,\n"
    "                    with a last column \"error\", to REJECTS/FILE\n"
    "  --rejects DIR     REJECTS (default: \"rejects\" beside the database)\n"
    "  --strict          an unknown column rejects its file (else a warning)\n"
    "  --map FILE        read each DIR as an export through the import map FILE\n"
    "                    (docs/MAPS.md)\n"
    "  --help            this text\n"
    "\n"
    "stdout, one line per cohort file:\n"
    "  FILE: N rows read, N written, N rejected\n"
    "  FILE: N rows read, 0 written, N rejected (file rejected)\n"
    "  FILE: file rejected\n"
    "  FILE: unchanged (already ingested, sha256 HEX)\n"
    "  FILE: not read (i/o error)\n"
    "(through a map, FILE is the export's name and the cohort file it feeds:\n"
    "\"Milestones.csv (milestone_ratings.csv)\")\n"
    "stderr: \"imgo: FILE:LINE:COLUMN: message\" for each bad row (the first 100 of\n"
    "a file, then a count), and warnings.\n"
    "\n"
    "Exit status: 0 every file written (with --skip-bad-rows, bad rows allowed),\n"
    "1 a file or row rejected, 2 usage error, 3 a path that cannot be read or a\n"
    "database error.\n";

int cmd_ingest(int argc, char **argv)
{
    const char *db_path = NULL, *rejects = NULL, *map_path = NULL;
    unsigned flags = 0;
    char **dirs = argv + 1;
    int ndirs = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(ingest_usage, stdout);
            return IMGO_OK;
        } else if (!strcmp(a, "--db") || !strcmp(a, "--rejects")) {
            if (i + 1 >= argc)
                return cmd_usage_error("%s needs a value; see 'imgo ingest --help'", a);
            *(a[2] == 'd' ? &db_path : &rejects) = argv[++i];
        } else if (!strncmp(a, "--db=", 5)) {
            db_path = a + 5;
        } else if (!strncmp(a, "--rejects=", 10)) {
            rejects = a + 10;
        } else if (!strcmp(a, "--skip-bad-rows")) {
            flags |= INGEST_SKIP_BAD_ROWS;
        } else if (!strcmp(a, "--strict")) {
            flags |= INGEST_STRICT;
        } else if (!strcmp(a, "--map")) {
            if (i + 1 >= argc)
                return cmd_usage_error("--map needs a value; see 'imgo ingest --help'");
            map_path = argv[++i];
        } else if (!strncmp(a, "--map=", 6)) {
            map_path = a + 6;
        } else if (a[0] == '-' && a[1]) {
            return cmd_usage_error("unknown option '%s'; see 'imgo ingest --help'", a);
        } else {
            dirs[ndirs++] = argv[i];
        }
    }
    if (!ndirs)
        return cmd_usage_error("no cohort directory given; see 'imgo ingest --help'");
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

    struct imgo_map map;
    int worst = map_path ? cmd_map_load(map_path, &map) : IMGO_OK;
    if (worst)
        return worst;
    struct imgo_err err = IMGO_ERR_INIT;
    sqlite3 *db;
    /* One thread uses each connection: no mutexes on the hot path (only
     * possible before SQLite initialises; harmless if it already has). */
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    if (db_open(db_path, 0, &db, &err)) {
        worst = cmd_fail(&err);
        goto out;
    }
    struct ingest ig;
    struct ingest_opts o = { 0 };
    struct cmd_ingest_out out;
    o.flags = flags;
    o.rejects_dir = rejects;
    o.map = map_path ? &map : NULL;
    cmd_ingest_sink(&o.sink, &out, 0);
    if (ingest_init(&ig, db, &o, &err)) {
        db_close(db);
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
    db_close(db);
out:
    if (map_path)
        map_release(&map);
    return worst;
}
