/* Unit tests of HTML escaping and inline SVG. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "buf.h"
#include "html.h"

static void test_escape(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    html_esc(&b, "<script>alert(\"x\")</script> & 'y'\x01\x7f\n\t");
    assert_string_equal(buf_str(&b),
                        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;\n\t");
    buf_reset(&b);
    html_esc(&b, NULL);
    assert_string_equal(buf_str(&b), "");
    html_escf(&b, "%s=%d", "<a>", 5);
    assert_string_equal(buf_str(&b), "&lt;a&gt;=5");
    buf_reset(&b);
    html_esc(&b, "caf\xc3\xa9 `x` @m"); /* UTF-8 and gnuplot specials pass as text */
    assert_string_equal(buf_str(&b), "caf\xc3\xa9 `x` @m");
    buf_release(&b);
}

static const char SVG[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"  standalone=\"no\"?>\n"
    "<svg width=\"10\" height=\"10\">\n<g id=\"gnuplot_canvas\">\n<defs>\n"
    "\t<circle id='gpDot' r='0.5'/>\n"
    "\t<use xlink:href='#gpPt5' id='gpPt6'/>\n</defs>\n"
    "<text>id='gpDot' &lt;/svg> url(#x)</text>\n"
    "<path fill=\"url(#grad)\"/>\n</g>\n</svg>\n";

static void test_inline_svg(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(html_inline_svg(&b, SVG, strlen(SVG), "c1", &err), 0);
    const char *s = buf_str(&b);
    assert_true(!strncmp(s, "<svg", 4)); /* the XML declaration is gone */
    assert_non_null(strstr(s, "<g id=\"c1-gnuplot_canvas\">"));
    assert_non_null(strstr(s, "<circle id='c1-gpDot'"));
    assert_non_null(strstr(s, "<use xlink:href='#c1-gpPt5' id='c1-gpPt6'/>"));
    assert_non_null(strstr(s, "fill=\"url(#c1-grad)\""));
    /* text between tags is data: left as it was */
    assert_non_null(strstr(s, "<text>id='gpDot' &lt;/svg> url(#x)</text>"));
    buf_release(&b);
}

static void test_inline_svg_refuses(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    struct imgo_err err = IMGO_ERR_INIT;
    const char *bad = "<svg><SCRIPT>alert(1)</SCRIPT></svg>";
    assert_int_equal(html_inline_svg(&b, bad, strlen(bad), "c2", &err), IMGO_EIO);
    assert_string_equal(err.msg, "chart c2: svg holds active content");
    const char *fo = "<svg><foreignObject></foreignObject></svg>";
    assert_int_equal(html_inline_svg(&b, fo, strlen(fo), "c3", &err), IMGO_EIO);
    assert_int_equal(html_inline_svg(&b, "<html>", 6, "c4", &err), IMGO_EIO);
    assert_string_equal(err.msg, "chart c4: not an svg document");
    /* a NUL byte cannot hide a script behind it */
    static const char nul[] = "<svg>\0<script>alert(1)</script></svg>";
    assert_int_equal(html_inline_svg(&b, nul, sizeof nul - 1, "c5", &err), IMGO_EIO);
    assert_string_equal(err.msg, "chart c5: not an svg document");
    buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_inline_svg),
        cmocka_unit_test(test_inline_svg_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
