/*
 * test_synth.c - the synthetic cohort generator (synth.h): its contract on
 * options, files, row counts and determinism. The statistical magnitudes are
 * checked on a larger cohort by tests/e2e/synth.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "synth.h"

/* A fresh temporary directory; the name is static storage of the caller. */
static void make_tmp(char *name, size_t size)
{
    const char *base = getenv("TMPDIR");
    snprintf(name, size, "%s/imgo-synth-XXXXXX", base && *base ? base : "/tmp");
    assert_non_null(mkdtemp(name));
}

static void remove_tree(const char *dir)
{
    char path[512];
    for (int f = 0; f < SYNTH_NFILES; f++) {
        snprintf(path, sizeof path, "%s/%s", dir, synth_file_name(f));
        unlink(path);
    }
    rmdir(dir);
}

/* The whole file, NUL-terminated; *len its size. */
static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap + 1);
    assert_non_null(p);
    size_t got;
    while ((got = fread(p + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            p = realloc(p, cap + 1);
            assert_non_null(p);
        }
    }
    fclose(f);
    p[n] = '\0';
    *len = n;
    return p;
}

static void names_and_headers(void **state)
{
    (void)state;
    assert_string_equal(synth_file_name(SYNTH_RESIDENTS), "residents.csv");
    assert_string_equal(synth_file_name(SYNTH_PATIENT_EXPERIENCE), "patient_experience.csv");
    assert_null(synth_file_name(SYNTH_NFILES));
    assert_null(synth_file_name(-1));
    /* inputs.md, "ccc_actions.csv (key: resident_id, review_date)". */
    assert_string_equal(synth_file_header(SYNTH_CCC_ACTIONS), "resident_id,review_date,action");
    assert_null(synth_file_header(SYNTH_NFILES));
}

static void options_out_of_range(void **state)
{
    (void)state;
    char dir[256];
    make_tmp(dir, sizeof dir);
    struct imgo_err err = IMGO_ERR_INIT;
    struct synth_opts o = { .residents = 0, .seed = 1 };
    assert_int_equal(synth_write(dir, &o, NULL, &err), IMGO_EUSAGE);
    o.residents = SYNTH_MAX_RESIDENTS + 1;
    assert_int_equal(synth_write(dir, &o, NULL, &err), IMGO_EUSAGE);
    o.residents = 10;
    o.seed = 4294967296UL;
    if (o.seed != 0) /* only where unsigned long is wider than 32 bits */
        assert_int_equal(synth_write(dir, &o, NULL, &err), IMGO_EUSAGE);
    char path[512];
    snprintf(path, sizeof path, "%s/residents.csv", dir);
    assert_int_not_equal(access(path, F_OK), 0); /* nothing written */
    remove_tree(dir);
}

static void unwritable_directory(void **state)
{
    (void)state;
    char dir[256], file[300], sub[320];
    make_tmp(dir, sizeof dir);
    snprintf(file, sizeof file, "%s/plain", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    snprintf(sub, sizeof sub, "%s/sub", file);
    struct imgo_err err = IMGO_ERR_INIT;
    struct synth_opts o = { .residents = 10, .seed = 1 };
    assert_int_equal(synth_write(sub, &o, NULL, &err), IMGO_EIO);
    assert_int_equal(err.status, IMGO_EIO);
    assert_non_null(strstr(err.msg, "plain"));
    unlink(file);
    rmdir(dir);
}

/* Counts the lines of every file: rows reported + 1 header. */
static void counts_match_files(void **state)
{
    (void)state;
    char dir[256];
    make_tmp(dir, sizeof dir);
    struct imgo_err err = IMGO_ERR_INIT;
    struct synth_opts o = { .residents = 300, .seed = 2026 };
    struct synth_stats st;
    assert_int_equal(synth_write(dir, &o, &st, &err), IMGO_OK);
    assert_int_equal(st.rows[SYNTH_RESIDENTS], 300);
    for (int i = 0; i < SYNTH_NFILES; i++) {
        size_t len, lines = 0;
        char *p = slurp(dir, synth_file_name(i), &len);
        for (size_t k = 0; k < len; k++)
            lines += p[k] == '\n';
        assert_true(len > 0 && p[len - 1] == '\n');
        size_t hl = strlen(synth_file_header(i));
        assert_memory_equal(p, synth_file_header(i), hl);
        assert_int_equal(p[hl], '\n');
        assert_int_equal(lines, st.rows[i] + 1);
        /* Every file has rows at this size. */
        assert_true(st.rows[i] > 0);
        free(p);
    }
    /* The first resident, zero-padded to six digits. */
    size_t len;
    char *p = slurp(dir, "residents.csv", &len);
    assert_non_null(strstr(p, "\nR000001,"));
    assert_non_null(strstr(p, "\nR000300,"));
    assert_null(strstr(p, "\nR000301,"));
    free(p);
    remove_tree(dir);
}

static void deterministic_by_seed(void **state)
{
    (void)state;
    char a[256], b[256], c[256];
    make_tmp(a, sizeof a);
    make_tmp(b, sizeof b);
    make_tmp(c, sizeof c);
    struct imgo_err err = IMGO_ERR_INIT;
    struct synth_opts o = { .residents = 200, .seed = 7 };
    assert_int_equal(synth_write(a, &o, NULL, &err), IMGO_OK);
    assert_int_equal(synth_write(b, &o, NULL, &err), IMGO_OK);
    o.seed = 8;
    assert_int_equal(synth_write(c, &o, NULL, &err), IMGO_OK);
    for (int i = 0; i < SYNTH_NFILES; i++) {
        size_t la, lb, lc;
        char *pa = slurp(a, synth_file_name(i), &la);
        char *pb = slurp(b, synth_file_name(i), &lb);
        char *pc = slurp(c, synth_file_name(i), &lc);
        assert_int_equal(la, lb);
        assert_memory_equal(pa, pb, la);
        assert_true(la != lc || memcmp(pa, pc, la) != 0);
        free(pa);
        free(pb);
        free(pc);
    }
    remove_tree(a);
    remove_tree(b);
    remove_tree(c);
}

static void count_progress(unsigned long done, unsigned long total, void *arg)
{
    unsigned long *calls = arg;
    assert_true(done >= 1 && done <= total);
    calls[0]++;
    calls[1] = done;
}

/* Progress every 10,000 residents and at the end; no temporary file stays. */
static void progress_and_no_temporaries(void **state)
{
    (void)state;
    char a[256], path[512];
    make_tmp(a, sizeof a);
    unsigned long calls[2] = { 0, 0 };
    struct synth_opts o = { .residents = 20001, .seed = 5, .progress = count_progress,
                            .progress_arg = calls };
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(synth_write(a, &o, NULL, &err), IMGO_OK);
    assert_int_equal(calls[0], 3); /* 10000, 20000, 20001 */
    assert_int_equal(calls[1], 20001);
    for (int f = 0; f < SYNTH_NFILES; f++) {
        snprintf(path, sizeof path, "%s/.%s.tmp", a, synth_file_name(f));
        assert_int_not_equal(access(path, F_OK), 0);
    }
    remove_tree(a);
}

/* Writing into an existing directory replaces the files. */
static void rewrite_replaces(void **state)
{
    (void)state;
    char a[256];
    make_tmp(a, sizeof a);
    struct imgo_err err = IMGO_ERR_INIT;
    struct synth_opts o = { .residents = 50, .seed = 3 };
    struct synth_stats s1, s2;
    assert_int_equal(synth_write(a, &o, &s1, &err), IMGO_OK);
    o.residents = 20;
    assert_int_equal(synth_write(a, &o, &s2, &err), IMGO_OK);
    size_t len, lines = 0;
    char *p = slurp(a, "residents.csv", &len);
    for (size_t k = 0; k < len; k++)
        lines += p[k] == '\n';
    assert_int_equal(lines, 21);
    free(p);
    remove_tree(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_and_headers),
        cmocka_unit_test(options_out_of_range),
        cmocka_unit_test(unwritable_directory),
        cmocka_unit_test(counts_match_files),
        cmocka_unit_test(deterministic_by_seed),
        cmocka_unit_test(rewrite_replaces),
        cmocka_unit_test(progress_and_no_temporaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
