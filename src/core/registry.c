/*
 * registry.c - the tables of include/metrics.def (see registry.h).
 *
 * The X-macro list is expanded here into arrays indexed by id; names are
 * looked up by a scan of the few dozen names.
 */
#include "registry.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>


static const struct metric_def metrics[M_COUNT] = {
#define METRIC(ID, NAME, GROUPS, SOURCES, SHOW, CHART, BH, BASE, BASE_STRATUM, FLAGS) \
    { M_##ID, NAME, GROUPS, SOURCES, SHOW, C_##CHART, BH, M_##BASE, BASE_STRATUM, FLAGS },
#include "metrics.def"
};

static const struct chart_def charts[C_COUNT] = {
#define CHART(ID, NAME, SPLIT) { C_##ID, NAME, SPLIT },
#include "metrics.def"
};

static const struct partition_def partitions[] = {
#define PARTITION(METRIC, PREFIX, SIZE_IS_K, COMPLETE) { M_##METRIC, PREFIX, SIZE_IS_K, COMPLETE },
#include "metrics.def"
};

static const struct stratum_source_def stratum_sources[] = {
#define SOURCE_BY_STRATUM(METRIC, PREFIX, SOURCES) { M_##METRIC, PREFIX, SOURCES },
#include "metrics.def"
};

const struct metric_def *metric_def(enum metric_id id)
{
    assert(id >= 0 && id < M_COUNT);
    return &metrics[id];
}

const struct chart_def *chart_def(enum chart_id id)
{
    assert(id >= 0 && id < C_COUNT);
    return &charts[id];
}

const char *metric_name(enum metric_id id)
{
    return metric_def(id)->name;
}

const char *chart_name(enum chart_id id)
{
    return chart_def(id)->name;
}

const struct partition_def *partition_defs(size_t *n)
{
    *n = sizeof partitions / sizeof partitions[0];
    return partitions;
}

const struct stratum_source_def *stratum_source_defs(size_t *n)
{
    *n = sizeof stratum_sources / sizeof stratum_sources[0];
    return stratum_sources;
}

int metric_source_absent(enum metric_id id, const char *stratum, unsigned present)
{
    unsigned need = metric_def(id)->sources | SRC_RESIDENTS;
    for (size_t i = 0; stratum && i < sizeof stratum_sources / sizeof stratum_sources[0]; i++) {
        const struct stratum_source_def *d = &stratum_sources[i];
        if (d->metric == id && !strncmp(stratum, d->prefix, strlen(d->prefix)))
            need |= d->sources;
    }
    return (need & ~present) != 0;
}

const struct metric_def *metric_def_find(const char *name)
{
    /* M_COUNT is a few dozen: a linear scan is as fast as anything here */
    for (int i = 0; i < M_COUNT; i++)
        if (!strcmp(metrics[i].name, name))
            return &metrics[i];
    return NULL;
}
