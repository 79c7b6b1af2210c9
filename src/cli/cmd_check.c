/*
 * cmd_check.c - `imgo check DIR [--db FILE] [--strict] [--map FILE]`.
 *
 * Runs the ingest stage itself, so that check and ingest can never
 * disagree, on a private temporary database that SQLite deletes when it is
 * closed: nothing is written beside the cohort or to FILE, which is only
 * read (its residents count as existing).
 */
#include "cmd.h"
#include "db.h"
#include "ingest.h"
#include "map.h"

#include <stdio.h>
#include <string.h>

static const char check_usage[] =
    "usage: imgo check DIR [--db FILE] [--strict] [--map FILE]\n"
    "\n"
    "Validates the cohort directory DIR against the input contract and writes\n"
    "nothing. DIR must hold residents.csv unless --db FILE is given, whose\n"
    "residents then count as existing (FILE is only read).\n"
    "\n"
    "options:\n"
    "  --db FILE   an imgo database whose residents count as existing\n"
    "  --strict    an unknown column rejects its file (else a warning)\n"
    "  --map FILE  read DIR as an export through the import map FILE\n"
    "              (docs/MAPS.md)\n"
    "  --help      this text\n"
    "\n"
    "stdout, one line per cohort file:\n"
    "  FILE: N rows read, N valid, N rejected\n"
    "  FILE: N rows read, 0 valid, N rejected (file rejected)\n"
    "  FILE: file rejected\n"
    "(through a map, FILE is the export's name and the cohort file it feeds:\n"
    "\"Milestones.csv (milestone_ratings.csv)\")\n"
    "stderr: \"imgo: FILE:LINE:COLUMN: message\" for each bad row (the first 100 of\n"
    "a file, then a count), and warnings.\n"
    "\n"
    "Exit status: 0 valid, 1 rejected data, 2 usage error, 3 a path that cannot\n"
    "be read.\n";

int cmd_check(int argc, char **argv)
{
    const char *db_path = NULL, *dir = NULL, *map_path = NULL;
    unsigned flags = INGEST_VALIDATE_ONLY;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(check_usage, stdout);
            return IMGO_OK;
        } else if (!strcmp(a, "--db")) {
            if (i + 1 >= argc)
                return cmd_usage_error("--db needs a value; see 'imgo check --help'");
            db_path = argv[++i];
        } else if (!strncmp(a, "--db=", 5)) {
            db_path = a + 5;
        } else if (!strcmp(a, "--strict")) {
            flags |= INGEST_STRICT;
        } else if (!strcmp(a, "--map")) {
            if (i + 1 >= argc)
                return cmd_usage_error("--map needs a value; see 'imgo check --help'");
            map_path = argv[++i];
        } else if (!strncmp(a, "--map=", 6)) {
            map_path = a + 6;
        } else if (a[0] == '-' && a[1]) {
            return cmd_usage_error("unknown option '%s'; see 'imgo check --help'", a);
        } else if (dir) {
            return cmd_usage_error("one cohort directory at a time; see 'imgo check --help'");
        } else {
            dir = a;
        }
    }
    if (!dir)
        return cmd_usage_error("no cohort directory given; see 'imgo check --help'");

    struct imgo_map map;
    int st = map_path ? cmd_map_load(map_path, &map) : IMGO_OK;
    if (st)
        return st;
    struct imgo_err err = IMGO_ERR_INIT;
    sqlite3 *db;
    /* One thread uses each connection: no mutexes on the hot path (only
     * possible before SQLite initialises; harmless if it already has). */
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    /* "" is SQLite's private on-disk temporary database. */
    if (db_open("", 0, &db, &err)) {
        st = cmd_fail(&err);
        goto out;
    }
    if (db_path && ingest_seed_residents(db, db_path, &err)) {
        db_close(db);
        st = cmd_fail(&err);
        goto out;
    }
    struct ingest ig;
    struct ingest_opts o = { 0 };
    struct cmd_ingest_out out;
    o.flags = flags;
    o.map = map_path ? &map : NULL;
    cmd_ingest_sink(&o.sink, &out, 1);
    if (ingest_init(&ig, db, &o, &err)) {
        db_close(db);
        st = cmd_fail(&err);
        goto out;
    }
    st = ingest_dir(&ig, dir, db_path == NULL, &err);
    if (err.status)
        cmd_fail(&err);
    ingest_release(&ig);
    db_close(db);
out:
    if (map_path)
        map_release(&map);
    return st;
}
