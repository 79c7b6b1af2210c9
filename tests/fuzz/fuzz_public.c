/*
 * fuzz_public.c - libFuzzer harness for the public.csv reader and the
 * parser of printed numbers (public.h).
 *
 * An even first byte makes the rest a whole public.csv, read through
 * public_read_fd (csvread, libcsv); an odd one makes it one shown string,
 * parsed as each kind of field. What the contract promises, checked here
 * (a broken promise aborts, a finding): a file loads, or fails with
 * IMGO_EDATA naming "fuzz.csv:LINE" and leaves the table empty; every
 * number loaded or parsed has finite ends lo <= hi, a count is one whole
 * number or, labelled "fewer than M", the whole numbers 1 .. M - 1, a rate
 * lies in [0, 1] and a difference in [-1, 1].
 */
#include "public.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_num(const struct public_num *n, enum public_field f, const char *shown)
{
    if (n->kind == PUBLIC_HIDDEN) {
        if (*shown)
            abort();
        return;
    }
    if (n->kind == PUBLIC_NA) {
        if (strcmp(shown, "n/a") || f == PUBLIC_N || f == PUBLIC_K || f == PUBLIC_TEXT)
            abort();
        return;
    }
    if (n->kind != PUBLIC_NUMBER || !isfinite(n->lo) || !isfinite(n->hi) || n->lo > n->hi)
        abort();
    if (f == PUBLIC_N || f == PUBLIC_K || f == PUBLIC_TEXT) {
        int label = !strncmp(shown, "fewer than ", 11);
        if (n->lo != floor(n->lo) || n->hi != floor(n->hi) || n->lo < 0 || (label ? n->lo != 1 : n->lo != n->hi))
            abort();
    }
    size_t len = strlen(shown);
    if (len && shown[len - 1] == '%' && (n->lo < 0 || n->hi > 1))
        abort();
    if (len > 3 && !strcmp(shown + len - 3, " pp") && (n->lo < -1 || n->hi > 1))
        abort();
}

static int tmp_fd = -1;

static void read_file(const uint8_t *data, size_t size)
{
    if (tmp_fd < 0) {
        char path[] = "/tmp/imgo-fuzz-public-XXXXXX";
        tmp_fd = mkstemp(path);
        if (tmp_fd < 0)
            abort();
        unlink(path);
    }
    if (ftruncate(tmp_fd, 0) || (size && pwrite(tmp_fd, data, size, 0) != (ssize_t)size) ||
        lseek(tmp_fd, 0, SEEK_SET) != 0)
        abort();
    struct public_table t;
    struct imgo_err err = IMGO_ERR_INIT;
    public_table_init(&t);
    int rc = public_read_fd(&t, tmp_fd, "fuzz.csv", &err);
    if (rc) {
        if (rc != IMGO_EDATA || strncmp(err.msg, "fuzz.csv:", 9) || t.n || t.rows)
            abort();
        return;
    }
    for (size_t i = 0; i < t.n; i++) {
        const struct public_row *r = &t.rows[i];
        if (!*r->metric || (r->field == PUBLIC_TEXT) != (r->text_name != NULL) || r->line < 2)
            abort();
        check_num(&r->num, r->field, r->shown);
    }
    public_table_release(&t);
}

static void parse_shown(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = 0;
    for (int f = PUBLIC_N; f <= PUBLIC_TEXT; f++) {
        struct public_num n;
        struct imgo_err err = IMGO_ERR_INIT;
        int rc = public_shown(s, (enum public_field)f, &n, &err);
        if (rc == IMGO_OK)
            check_num(&n, (enum public_field)f, s);
        else if (rc != IMGO_EDATA || !err.msg[0])
            abort();
    }
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] & 1)
        parse_shown(data + 1, size - 1);
    else
        read_file(data + 1, size - 1);
    return 0;
}
