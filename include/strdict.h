/*
 * strdict.h - interning of short strings into dense integer ids.
 *
 * The compute stage streams millions of rows whose text keys (exam names,
 * subcompetencies, evaluator ids, themes) take few distinct values; it
 * turns each into an id 0, 1, 2, ... in order of first appearance and keeps
 * its counts in arrays indexed by id. strdict_sorted gives the ids in byte
 * order of their strings, for output in the order metrics.md asks.
 *
 * Ownership: strdict_init's caller calls strdict_release, which frees the
 * copies of the strings; strdict_str's result lives as long as the dict.
 */
#ifndef IMGO_STRDICT_H
#define IMGO_STRDICT_H

#include <stddef.h>

struct strdict {
    char **strs;      /* id -> string, owned */
    size_t len, alloc;
    void *index;      /* GHashTable: string -> id + 1 */
};

void strdict_init(struct strdict *d);
void strdict_release(struct strdict *d);

/* The id of s (len bytes), adding a copy when it is new. */
int strdict_intern(struct strdict *d, const char *s, size_t len);

/* The id of s, or -1 when it is not in the dict. */
int strdict_find(const struct strdict *d, const char *s, size_t len);

const char *strdict_str(const struct strdict *d, int id);

/* A new array (caller frees) of every id, sorted by strcmp of its string. */
int *strdict_sorted(const struct strdict *d);

#endif
