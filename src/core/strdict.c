/*
 * strdict.c - string interning for the compute stage (see strdict.h).
 *
 * The look-up is GLib's GHashTable (string keys, g_str_hash); the strings
 * live in an id-indexed array so that per-id counters can be plain arrays.
 */
#include "strdict.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

#include <glib.h>

void strdict_init(struct strdict *d)
{
    memset(d, 0, sizeof *d);
    d->index = g_hash_table_new(g_str_hash, g_str_equal);
}

void strdict_release(struct strdict *d)
{
    if (d->index)
        g_hash_table_destroy(d->index);
    for (size_t i = 0; i < d->len; i++)
        free(d->strs[i]);
    free(d->strs);
    memset(d, 0, sizeof *d);
}

/* GHashTable wants NUL-terminated keys; s is len bytes. Short keys (every
 * id, exam and theme) are copied on the stack. */
static int lookup(const struct strdict *d, const char *s, size_t len)
{
    char small[256];
    char *key = len < sizeof small ? small : xmalloc(len + 1);
    memcpy(key, s, len);
    key[len] = '\0';
    gpointer v = g_hash_table_lookup(d->index, key);
    if (key != small)
        free(key);
    return v ? GPOINTER_TO_INT(v) - 1 : -1;
}

int strdict_find(const struct strdict *d, const char *s, size_t len)
{
    return lookup(d, s, len);
}

int strdict_intern(struct strdict *d, const char *s, size_t len)
{
    int id = lookup(d, s, len);
    if (id >= 0)
        return id;
    if (d->len == d->alloc) {
        d->alloc = d->alloc ? d->alloc * 2 : 16;
        d->strs = xrealloc(d->strs, d->alloc * sizeof *d->strs);
    }
    d->strs[d->len] = xstrndup(s, len);
    g_hash_table_insert(d->index, d->strs[d->len], GINT_TO_POINTER((int)d->len + 1));
    return (int)d->len++;
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
