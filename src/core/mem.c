/*
 * mem.c - x-allocators with an optional injected failure (see mem.h).
 */
#include "mem.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long fail_after = -2; /* -2: not read yet; -1: never fail */

static void check_injected(void)
{
    if (fail_after == -2) {
        const char *s = getenv("IMGO_FAIL_ALLOC_AFTER");
        fail_after = s && *s ? strtol(s, NULL, 10) : -1;
    }
    if (fail_after == 0) {
        fputs("imgo: out of memory\n", stderr);
        exit(IMGO_EIO);
    }
    if (fail_after > 0)
        fail_after--;
}

static void *checked(void *p)
{
    if (!p) {
        fputs("imgo: out of memory\n", stderr);
        exit(IMGO_EIO);
    }
    return p;
}

void *xmalloc(size_t n)
{
    check_injected();
    return checked(malloc(n ? n : 1));
}

void *xcalloc(size_t count, size_t size)
{
    check_injected();
    return checked(calloc(count ? count : 1, size ? size : 1));
}

void *xrealloc(void *p, size_t n)
{
    check_injected();
    return checked(realloc(p, n ? n : 1));
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}
