/*
 * cmd_map.c - `imgo map init EXPORT_DIR`, and the loading of `--map FILE`
 * shared by check, ingest and run.
 *
 * A map is loaded whole before anything is read: a map that does not
 * parse, or that still holds a TODO, stops the command with exit 2 and
 * every TODO named by its MAPFILE:LINE.
 */
#include "cmd.h"
#include "err.h"
#include "map.h"

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
