/* Unit tests of the pipeline runner's own parts: JSON strings, and the
 * errors it gives before any stage runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_string),
        cmocka_unit_test(test_needs_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
