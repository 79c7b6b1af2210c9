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

enum { O_DB, O_STRICT, O_MAP };

static const struct opt options[] = {
    [O_DB] = { .name = "db", .arg = "FILE", .complete = OPT_COMPLETE_FILE,
               .help = "an imgo database whose residents count as existing (it is only read)" },
    [O_STRICT] = { .name = "strict", .help = "an unknown column rejects its file (else it is a warning)" },
    [O_MAP] = { .name = "map", .arg = "FILE", .complete = OPT_COMPLETE_FILE,
                .help = "read DIR as an export through the import map FILE (docs/MAPS.md)" },
    { .name = NULL },
};

static int run(const struct opt_result *r);

const struct opt_spec cmd_check_spec = {
    .name = "check",
    .run = run,
    .summary = "validate a cohort directory; writes nothing",
    .usage = "DIR [--db FILE] [--strict] [--map FILE]",
    .description = "Validates the cohort directory DIR against the input contract and writes nothing. "
                   "DIR must hold residents.csv unless --db FILE is given, whose residents then count "
                   "as existing (FILE is only read).",
    .args = { .name = "DIR", .what = "cohort directory", .min = 1, .max = 1, .complete = OPT_COMPLETE_DIR,
              .help = "the cohort directory: the CSV files of one export" },
    .opts = options,
    .out = "One line per cohort file:\n"
           "  FILE: N rows read, N valid, N rejected\n"
           "  FILE: N rows read, 0 valid, N rejected (file rejected)\n"
           "  FILE: file rejected\n"
           "(Through a map, FILE is the export's name and the cohort file it feeds: "
           "\"Milestones.csv (milestone_ratings.csv)\".)",
    .err = "\"imgo: FILE:LINE:COLUMN: message\" for each bad row (the first 100 of a file, then a "
           "count), and warnings.",
    .exits = { "every file is valid", "a file or a row was rejected", "usage error",
               "a path could not be read" },
};

static int run(const struct opt_result *r)
{
    const char *db_path = opt_value(r, O_DB), *dir = r->args[0], *map_path = opt_value(r, O_MAP);
    unsigned flags = INGEST_VALIDATE_ONLY;
    if (opt_count(r, O_STRICT))
        flags |= INGEST_STRICT;

    struct imgo_map map;
    int st = map_path ? cmd_map_load(map_path, &map) : IMGO_OK;
    if (st)
        return st;
    struct imgo_err err = IMGO_ERR_INIT;
    sqlite3 *db = NULL;
    struct ingest ig;
    struct ingest_opts o = { 0 };
    struct cmd_ingest_out out;
    /* One thread uses each connection: no mutexes on the hot path (only
     * possible before SQLite initialises; harmless if it already has). */
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    /* "" is SQLite's private on-disk temporary database. */
    if (db_open("", 0, &db, &err) || (db_path && ingest_seed_residents(db, db_path, &err))) {
        st = cmd_fail(&err);
        goto out;
    }
    o.flags = flags;
    o.map = map_path ? &map : NULL;
    cmd_ingest_sink(&o.sink, &out, 1);
    if (ingest_init(&ig, db, &o, &err)) {
        st = cmd_fail(&err);
        goto out;
    }
    st = ingest_dir(&ig, dir, db_path == NULL, &err);
    if (err.status)
        cmd_fail(&err);
    ingest_release(&ig);
out:
    db_close(db);
    if (map_path)
        map_release(&map);
    return st;
}
