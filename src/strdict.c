/*
 * strdict.c - string interning for the compute stage (see strdict.h).
 *
 * An open-addressing table of ids over FNV-1a hashes; the strings live in
 * an id-indexed array so that per-id counters can be plain arrays.
 */
#include "strdict.h"
#include "mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void strdict_init(struct strdict *d)
{
    memset(d, 0, sizeof *d);
}

void strdict_release(struct strdict *d)
{
    for (size_t i = 0; i < d->len; i++)
        free(d->strs[i]);
    free(d->strs);
    free(d->slots);
    memset(d, 0, sizeof *d);
}

static uint64_t hash(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static size_t slot_of(const struct strdict *d, const char *s, size_t len)
{
    size_t mask = d->n_slots - 1, i = (size_t)hash(s, len) & mask;
    for (;;) {
        int id = d->slots[i] - 1;
        if (id < 0)
            return i;
        const char *t = d->strs[id];
        if (!strncmp(t, s, len) && t[len] == '\0')
            return i;
        i = (i + 1) & mask;
    }
}

static void rehash(struct strdict *d, size_t n_slots)
{
    free(d->slots);
    d->slots = xcalloc(n_slots, sizeof *d->slots);
    d->n_slots = n_slots;
    for (size_t id = 0; id < d->len; id++)
        d->slots[slot_of(d, d->strs[id], strlen(d->strs[id]))] = (int)id + 1;
}

int strdict_find(const struct strdict *d, const char *s, size_t len)
{
    if (!d->n_slots)
        return -1;
    return d->slots[slot_of(d, s, len)] - 1;
}

int strdict_intern(struct strdict *d, const char *s, size_t len)
{
    if ((d->len + 1) * 2 > d->n_slots)
        rehash(d, d->n_slots ? d->n_slots * 2 : 64);
    size_t i = slot_of(d, s, len);
    if (d->slots[i])
        return d->slots[i] - 1;
    if (d->len == d->alloc) {
        d->alloc = d->alloc ? d->alloc * 2 : 16;
        d->strs = xrealloc(d->strs, d->alloc * sizeof *d->strs);
    }
    d->strs[d->len] = xstrndup(s, len);
    d->slots[i] = (int)++d->len;
    return (int)d->len - 1;
}

const char *strdict_str(const struct strdict *d, int id)
{
    return d->strs[id];
}

/* Sorted as (string, id) pairs: no global state, so two threads may sort
 * their own dicts at once. */
struct named_id {
    const char *s;
    int id;
};

static int cmp_named(const void *a, const void *b)
{
    return strcmp(((const struct named_id *)a)->s, ((const struct named_id *)b)->s);
}

int *strdict_sorted(const struct strdict *d)
{
    size_t n = d->len ? d->len : 1;
    struct named_id *pairs = xmalloc(n * sizeof *pairs);
    int *ids = xmalloc(n * sizeof *ids);
    for (size_t i = 0; i < d->len; i++) {
        pairs[i].s = d->strs[i];
        pairs[i].id = (int)i;
    }
    qsort(pairs, d->len, sizeof *pairs, cmp_named);
    for (size_t i = 0; i < d->len; i++)
        ids[i] = pairs[i].id;
    free(pairs);
    return ids;
}
