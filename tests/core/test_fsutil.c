/*
 * test_fsutil.c - directory creation and atomic writes (fsutil.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

static char base[128];

static int setup(void **state)
{
    (void)state;
    snprintf(base, sizeof base, "/tmp/imgo-fsutil-XXXXXX");
    return mkdtemp(base) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
    return system(cmd) == 0 ? 0 : -1;
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

static void mkdirs_creates_parents(void **state)
{
    (void)state;
    char path[256];
    struct imgo_err err = IMGO_ERR_INIT;
    snprintf(path, sizeof path, "%s/a/b/c", base);
    assert_int_equal(fs_mkdirs(path, &err), IMGO_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    /* again: it exists, which is fine */
    assert_int_equal(fs_mkdirs(path, &err), IMGO_OK);
}

static void mkdirs_under_a_file_fails(void **state)
{
    (void)state;
    char file[256], path[300], want[400];
    struct imgo_err err = IMGO_ERR_INIT;
    snprintf(file, sizeof file, "%s/plain", base);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    /* the path itself is a file */
    assert_int_equal(fs_mkdirs(file, &err), IMGO_EIO);
    snprintf(want, sizeof want, "%s: not a directory", file);
    assert_string_equal(err.msg, want);
    /* a directory below a file */
    snprintf(path, sizeof path, "%s/x", file);
    assert_int_equal(fs_mkdirs(path, &err), IMGO_EIO);
    snprintf(want, sizeof want, "%s: cannot create directory: Not a directory", path);
    assert_string_equal(err.msg, want);
}

static void write_atomic_replaces_whole(void **state)
{
    (void)state;
    char dir[256], path[300];
    struct imgo_err err = IMGO_ERR_INIT;
    snprintf(dir, sizeof dir, "%s/w", base);
    assert_int_equal(fs_mkdirs(dir, &err), IMGO_OK);
    snprintf(path, sizeof path, "%s/metrics.csv", dir);
    assert_int_equal(fs_write_atomic(path, "old\n", 4, &err), IMGO_OK);
    assert_int_equal(fs_write_atomic(path, "a,b\n", 4, &err), IMGO_OK);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char got[16] = "";
    assert_non_null(fgets(got, sizeof got, f));
    fclose(f);
    assert_string_equal(got, "a,b\n");
    /* no temporary file is left beside it */
    assert_int_equal(entries(dir), 1);
    /* an empty file is a file */
    assert_int_equal(fs_write_atomic(path, NULL, 0, &err), IMGO_OK);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 0);
}

static void write_atomic_failure_leaves_nothing(void **state)
{
    (void)state;
    char dir[256], path[300];
    struct imgo_err err = IMGO_ERR_INIT;
    snprintf(path, sizeof path, "%s/missing/metrics.csv", base);
    assert_int_equal(fs_write_atomic(path, "x", 1, &err), IMGO_EIO);
    assert_non_null(strstr(err.msg, "metrics.csv: cannot write: "));
    /* the target is a directory: rename fails, the temporary file goes */
    snprintf(dir, sizeof dir, "%s/d", base);
    assert_int_equal(fs_mkdirs(dir, &err), IMGO_OK);
    snprintf(path, sizeof path, "%s/d/sub", base);
    assert_int_equal(fs_mkdirs(path, &err), IMGO_OK);
    assert_int_equal(fs_write_atomic(path, "x", 1, &err), IMGO_EIO);
    assert_int_equal(entries(dir), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mkdirs_creates_parents),
        cmocka_unit_test(mkdirs_under_a_file_fails),
        cmocka_unit_test(write_atomic_replaces_whole),
        cmocka_unit_test(write_atomic_failure_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
