/*
 * mem.h - allocation that never returns NULL.
 *
 * imgo holds no data whose loss on out-of-memory could be worse than
 * stopping: every write to the database is inside a transaction that SQLite
 * rolls back when the process ends. So an allocation failure prints
 * "imgo: out of memory" and exits with status 3 (IMGO_EIO).
 *
 * Failure injection for tests: when the environment variable
 * IMGO_FAIL_ALLOC_AFTER=N is set, the allocation after the first N
 * succeeds fails as if memory were exhausted.
 */
#ifndef IMGO_MEM_H
#define IMGO_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Frees *pp and sets it to NULL. */
#define FREE_AND_NULL(p) do { free(p); (p) = NULL; } while (0)

#endif
