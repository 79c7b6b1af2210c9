/*
 * test_fuzz_regress.c - the fuzz harnesses (tests/fuzz/) run as ordinary
 * tests on the regression inputs in tests/fuzz/regress/ and on the tiny
 * fixtures, in every build: an input a fuzzer once crashed on is kept
 * there (named csv-*, pipeline-* or map-* for the harness it belongs to), and the
 * harnesses cannot rot unbuilt. A harness aborts on a broken promise, which
 * fails this program.
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

#define LLVMFuzzerTestOneInput fuzz_csv_one
#define LLVMFuzzerInitialize fuzz_csv_init
#include "../fuzz/fuzz_csv.c"
#undef LLVMFuzzerTestOneInput
#undef LLVMFuzzerInitialize
#define LLVMFuzzerTestOneInput fuzz_pipeline_one
#include "../fuzz/fuzz_pipeline.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_map_one
#include "../fuzz/fuzz_map.c"
#undef LLVMFuzzerTestOneInput

#include "buf.h"

static int read_all(const char *path, struct buf *b)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char blk[4096];
    size_t n;
    while ((n = fread(blk, 1, sizeof blk, f)) > 0)
        buf_add(b, blk, n);
    fclose(f);
    return 0;
}

/* Each regression input through its harness. */
static void regression_inputs(void **state)
{
    (void)state;
    DIR *d = opendir("tests/fuzz/regress");
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        int csv = !strncmp(e->d_name, "csv-", 4), pipe = !strncmp(e->d_name, "pipeline-", 9);
        int map = !strncmp(e->d_name, "map-", 4);
        if (!csv && !pipe && !map)
            continue;
        char path[512];
        struct buf b = BUF_INIT;
        snprintf(path, sizeof path, "tests/fuzz/regress/%s", e->d_name);
        assert_int_equal(read_all(path, &b), 0);
        if (csv)
            fuzz_csv_one((const uint8_t *)buf_str(&b), b.len);
        else if (map)
            fuzz_map_one((const uint8_t *)buf_str(&b), b.len);
        else
            fuzz_pipeline_one((const uint8_t *)buf_str(&b), b.len);
        buf_release(&b);
        n++;
    }
    closedir(d);
    assert_true(n >= 8);
}

/* The fuzz_csv seeds: every tiny fixture in each of the four modes. */
static void fixtures_in_every_mode(void **state)
{
    (void)state;
    for (int id = 0; id < COHORT_NFILES; id++) {
        char path[256];
        struct buf b = BUF_INIT;
        snprintf(path, sizeof path, "fixtures/tiny/%s", cohort_file((enum cohort_file_id)id)->name);
        buf_addc(&b, 0);
        assert_int_equal(read_all(path, &b), 0);
        for (int mode = 0; mode < 4; mode++) {
            b.data[0] = (char)(id + COHORT_NFILES * mode);
            fuzz_csv_one((const uint8_t *)b.data, b.len);
        }
        buf_release(&b);
    }
}

/* The fuzz_map seeds: the maps that ship and the test's map. */
static void maps_through_the_map_harness(void **state)
{
    (void)state;
    static const char *const maps[] = { "maps/spreadsheet.map", "maps/redcap/redcap.map",
                                        "fixtures/exports/rms.map", NULL };
    for (int i = 0; maps[i]; i++) {
        struct buf b = BUF_INIT;
        assert_int_equal(read_all(maps[i], &b), 0);
        fuzz_map_one((const uint8_t *)buf_str(&b), b.len);
        buf_release(&b);
    }
}

int main(void)
{
    fuzz_csv_init(NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(regression_inputs),
        cmocka_unit_test(fixtures_in_every_mode),
        cmocka_unit_test(maps_through_the_map_harness),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
