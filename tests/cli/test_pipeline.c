/* Unit tests of the pipeline runner's own parts: JSON strings, and the
 * errors it gives before any stage runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "params.h"
#include "pipeline.h"

static void test_json_string(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    pipeline_json_string(&b, "a\"b\\c\nd\te\x01\x1f caf\xc3\xa9 </script>");
    assert_string_equal(buf_str(&b), "\"a\\\"b\\\\c\\nd\\te\\u0001\\u001f caf\xc3\xa9 </script>\"");
    buf_reset(&b);
    pipeline_json_string(&b, "");
    assert_string_equal(buf_str(&b), "\"\"");
    buf_release(&b);
}

static void test_needs_input(void **state)
{
    (void)state;
    struct imgo_params p;
    struct imgo_err err = IMGO_ERR_INIT;
    params_init(&p);
    struct pipeline_opts o = { 0 };
    o.out = "/tmp/imgo-test-pipeline-unused";
    assert_int_equal(pipeline_run(&p, &o, &err), IMGO_EUSAGE);
    assert_string_equal(err.msg, "the pipeline ingests: --input DIR is required");
    o.input = "/nonexistent-imgo-input";
    assert_int_equal(pipeline_run(&p, &o, &err), IMGO_EIO);
    assert_string_equal(err.msg, "/nonexistent-imgo-input: no such input directory");
    params_release(&p);
}

/* Names resolve to NAME.pipeline; this test runs from build/ in the
 * source tree (tests/run.sh runs it from the root), so the last place
 * searched is ./pipelines. */
static void test_find(void **state)
{
    (void)state;
    char cwd[PATH_MAX], want[PATH_MAX + 64], *path;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_non_null(getcwd(cwd, sizeof cwd));
    char *dirs[PIPELINE_MAX_DIRS];
    int n = pipeline_dirs(dirs);
    assert_true(n >= 2);
    snprintf(want, sizeof want, "%s/pipelines", cwd);
    assert_string_equal(dirs[n - 1], want);
    assert_string_equal(dirs[n - 2], IMGO_PREFIX "/share/imgo/pipelines");
    for (int i = 0; i < n; i++)
        free(dirs[i]);

    /* a path is itself, found or not */
    assert_int_equal(pipeline_find("pipelines/annual.pipeline", &path, &err), IMGO_OK);
    assert_string_equal(path, "pipelines/annual.pipeline");
    free(path);
    assert_int_equal(pipeline_find("./nope", &path, &err), IMGO_OK);
    assert_string_equal(path, "./nope");
    free(path);
    /* an existing file in the working directory is a path */
    assert_int_equal(pipeline_find("Makefile", &path, &err), IMGO_OK);
    assert_string_equal(path, "Makefile");
    free(path);

    /* a name: the first directory that holds it (an installed copy in
     * IMGO_PREFIX comes before the source tree) */
    assert_int_equal(pipeline_find("quarterly", &path, &err), IMGO_OK);
    const char *suffix = "/pipelines/quarterly.pipeline";
    size_t len = strlen(path), slen = strlen(suffix);
    assert_true(len > slen && !strcmp(path + len - slen, suffix));
    assert_int_equal(access(path, R_OK), 0);
    char *again;
    assert_int_equal(pipeline_find("quarterly.pipeline", &again, &err), IMGO_OK);
    assert_string_equal(again, path);
    free(again);
    free(path);

    assert_int_equal(pipeline_find("no-such-pipeline", &path, &err), IMGO_EIO);
    assert_null(path);
    const char *head = "no pipeline 'no-such-pipeline': no file no-such-pipeline here, and no "
                       "no-such-pipeline.pipeline in ";
    assert_true(!strncmp(err.msg, head, strlen(head)));
    assert_non_null(strstr(err.msg, want));
    assert_non_null(strstr(err.msg, " or "));
}

static void test_list(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    pipeline_list(&b);
    /* sorted, each once (an installed copy does not repeat a name) */
    const char *t = buf_str(&b), *a = strstr(t, "annual\n"), *q = strstr(t, "quarterly\n");
    assert_non_null(a);
    assert_non_null(q);
    assert_true(a < q);
    assert_null(strstr(a + 1, "\nannual\n"));
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_string),
        cmocka_unit_test(test_needs_input),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
