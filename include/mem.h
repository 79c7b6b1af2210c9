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
#include <string.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Makes the array p (of alloc elements) hold at least nr elements,
 * doubling its allocation (from 16) so that n appends cost O(n). */
#define ALLOC_GROW(p, nr, alloc)                                              \
    do {                                                                      \
        if ((size_t)(nr) > (size_t)(alloc)) {                                 \
            size_t alloc_grow_ = (alloc) ? (size_t)(alloc) : 16;              \
            while (alloc_grow_ < (size_t)(nr))                                \
                alloc_grow_ *= 2;                                             \
            (p) = xrealloc((p), alloc_grow_ * sizeof *(p));                   \
            (alloc) = alloc_grow_;                                            \
        }                                                                     \
    } while (0)

/* ALLOC_GROW, and the new elements zeroed. */
#define ALLOC_GROW_ZERO(p, nr, alloc)                                         \
    do {                                                                      \
        size_t alloc_old_ = (size_t)(alloc);                                  \
        ALLOC_GROW(p, nr, alloc);                                             \
        if ((size_t)(alloc) > alloc_old_)                                     \
            memset((p) + alloc_old_, 0, ((size_t)(alloc) - alloc_old_) * sizeof *(p)); \
    } while (0)

/* Frees *pp and sets it to NULL. */
#define FREE_AND_NULL(p) do { free(p); (p) = NULL; } while (0)

#endif
