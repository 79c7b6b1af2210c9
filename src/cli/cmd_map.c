/*
 * cmd_map.c - `imgo map init EXPORT_DIR`, and the loading of `--map FILE`
 * shared by check, ingest and run.
 *
 * A map is loaded whole before anything is read: a map that does not
 * parse, or that still holds a TODO, stops the command with exit 2 and
 * every TODO named by its MAPFILE:LINE.
 */
#include "buf.h"
#include "cmd.h"
#include "err.h"
#include "map.h"
#include "mapdraft.h"

#include <stdio.h>
#include <string.h>

int cmd_map_load(const char *path, struct imgo_map *m)
{
    struct imgo_err err = IMGO_ERR_INIT;
    map_init(m);
    if (!path || !*path)
        return cmd_usage_error("--map needs a map file");
    if (map_load(m, path, &err))
        return cmd_fail(&err);
    if (m->ntodos) {
        for (size_t i = 0; i < m->ntodos; i++)
            fprintf(stderr, "imgo: %s:%d: TODO left: %s\n", path, m->todos[i].line, m->todos[i].what);
        cmd_usage_error("%s: %zu TODO%s left; fill %s in before reading an export with it "
                        "(docs/MAPS.md)",
                        path, m->ntodos, m->ntodos > 1 ? "s" : "", m->ntodos > 1 ? "them" : "it");
        map_release(m);
        return IMGO_EUSAGE;
    }
    return IMGO_OK;
}

static int run(const struct opt_result *r);

const struct opt_spec cmd_map_spec = {
    .name = "map",
    .run = run,
    .summary = "write a draft import map for an export directory",
    .usage = "init EXPORT_DIR",
    .description = "Prints on stdout a draft import map for the export in EXPORT_DIR: which file feeds "
                   "each cohort file, which column each cohort column, the date formats, encodings and "
                   "delimiters it detects, and value maps for the enumerated columns from the values it "
                   "finds. What it cannot settle is a TODO line, with what it takes in a comment. Save "
                   "the draft, fill in the TODOs, and read the export with it:\n"
                   "  imgo map init export/ > export.map\n"
                   "  imgo check export/ --map export.map\n\n"
                   "The map's syntax and settings: docs/MAPS.md.",
    .args = { .name = "init EXPORT_DIR", .what = "'init' and an export directory", .min = 2, .max = 2,
              .complete = OPT_COMPLETE_DIR,
              .help = "init, then the directory of the export's CSV files" },
    .out = "The draft map.",
    .err = "How many TODOs the draft holds, and errors.",
    .exits = { "the draft was written", "never", "usage error", "EXPORT_DIR cannot be read" },
};

static int run(const struct opt_result *r)
{
    if (strcmp(r->args[0], "init"))
        return cmd_usage_error("map: the only subcommand is 'init'; see 'imgo map --help'");
    const char *dir = r->args[1];
    if (!*dir)
        return cmd_usage_error("map init: no export directory given; see 'imgo map --help'");
    struct imgo_err err = IMGO_ERR_INIT;
    struct buf out = BUF_INIT;
    size_t ntodo = 0;
    if (mapdraft_write(dir, &out, &ntodo, &err)) {
        buf_release(&out);
        return cmd_fail(&err);
    }
    fwrite(out.data, 1, out.len, stdout);
    buf_release(&out);
    if (fflush(stdout)) {
        fputs("imgo: map init: cannot write the draft\n", stderr);
        return IMGO_EIO;
    }
    if (ntodo)
        fprintf(stderr, "imgo: the draft holds %zu TODO%s: fill %s in, then: imgo check %s --map MAPFILE\n",
                ntodo, ntodo > 1 ? "s" : "", ntodo > 1 ? "them" : "it", dir);
    else
        fprintf(stderr, "imgo: the draft holds no TODO; check it, then: imgo check %s --map MAPFILE\n", dir);
    return IMGO_OK;
}
