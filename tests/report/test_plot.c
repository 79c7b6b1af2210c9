/* Unit tests of the gnuplot driver: quoting, datablocks, and real renders
 * of hostile text (nothing may run, every text must arrive literally). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "mem.h"
#include "plot.h"

static void rm_rf(const char *dir)
{
    struct buf cmd = BUF_INIT;
    buf_addf(&cmd, "rm -rf '%s'", dir); /* a mkdtemp name: no quote in it */
    assert_int_equal(system(buf_str(&cmd)), 0);
    buf_release(&cmd);
}

static void test_quote(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    plot_quote(&b, "it's `x` @m\n\"q\"\x01");
    assert_string_equal(buf_str(&b), "'it''s `x` @m\"q\"'");
    buf_reset(&b);
    plot_quote(&b, NULL);
    assert_string_equal(buf_str(&b), "''");
    buf_release(&b);
}

static const char *const hostile[] = {
    "`touch PWNED`", "system(\"touch PWNED\")", "@macro", "EOD", "</svg><script>alert(1)</script>",
    "it's \"quoted\" ^{up}_{down} & \\n",
};

static double xs[] = { 1, 2, 3 }, ys[] = { 0.9, 0.8, NAN }, los[] = { 0.8, 0.7, 0.6 },
              his[] = { 1, 0.9, 0.95 };

static void chart_init(struct plot_chart *c, struct plot_layer *l, const char *name)
{
    memset(c, 0, sizeof *c);
    memset(l, 0, 2 * sizeof *l);
    c->name = name;
    c->title = "Title `touch PWNED` system(\"touch PWNED\") @macro </svg><script>";
    c->desc = "What it shows & where.";
    c->xlabel = "Year";
    c->ylabel = "Pass rate (proportion)";
    l[0].style = PLOT_POINTS_YERR;
    l[0].title = "EOD\n`touch PWNED`";
    l[0].n = 3;
    l[0].x = xs, l[0].y = ys, l[0].lo = los, l[0].hi = his;
    l[1].style = PLOT_STEPS;
    l[1].title = "it's";
    l[1].n = 3;
    l[1].x = xs, l[1].y = his;
    c->layers = l;
    c->n_layers = 2;
    c->has_hline = 1;
    c->hline = 0.8;
    c->hline_title = "threshold @imgo_cairo"; /* a defined gnuplot variable: must stay text */
    c->ylabels = (const char *const *)hostile;
    c->n_ylabels = sizeof hostile / sizeof hostile[0];
}

static void test_script_shape(void **state)
{
    (void)state;
    struct plot_chart c;
    struct plot_layer l[2];
    chart_init(&c, l, "t");
    struct buf b = BUF_INIT;
    plot_script(&b, &c, 7);
    const char *s = buf_str(&b);
    /* the NAN row is left out; the datablock has its own terminator */
    assert_non_null(strstr(s, "$imgo_7_0 << EOD_imgo_7_0\n1 0.9 0.8 1\n2 0.8 0.7 0.9\nEOD_imgo_7_0\n"));
    /* hostile text appears only inside single quotes, newline removed */
    assert_non_null(strstr(s, "title 'EOD`touch PWNED`'"));
    assert_non_null(strstr(s, "'it''s \"quoted\" ^{up}_{down} & \\n' 6"));
    assert_non_null(strstr(s, "set title 'Title `touch PWNED`"));
    /* no line of the script is a bare EOD or starts with text from data */
    assert_null(strstr(s, "\nEOD\n"));
    buf_release(&b);
}

static int read_file(const char *path, struct buf *out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char tmp[4096];
    size_t n;
    buf_reset(out);
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_add(out, tmp, n);
    fclose(f);
    return 0;
}

static void test_render_hostile(void **state)
{
    (void)state;
    char dir[] = "/tmp/imgo-test-plot-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0); /* PWNED would appear here */
    struct plot *p;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(plot_open(&p, dir, &err), 0);
    struct plot_chart c;
    struct plot_layer l[2];
    chart_init(&c, l, "hostile");
    assert_int_equal(plot_render(p, &c, &err), 0);
    c.name = "hostile2";
    assert_int_equal(plot_render(p, &c, &err), 0);
    assert_int_equal(plot_close(p, &err), 0);
    assert_int_equal(access("PWNED", F_OK), -1);

    struct buf a = BUF_INIT, b = BUF_INIT, path = BUF_INIT;
    buf_addf(&path, "%s/charts/hostile.svg", dir);
    assert_int_equal(read_file(buf_str(&path), &a), 0);
    assert_non_null(strstr(buf_str(&a), "Title `touch PWNED` system(\"touch PWNED\") @macro &lt;/svg>&lt;script>"));
    assert_null(strstr(buf_str(&a), "<script"));
    /* the SVG's own title and description, not gnuplot's "Gnuplot" */
    assert_null(strstr(buf_str(&a), "<title>Gnuplot</title>"));
    assert_non_null(strstr(buf_str(&a), "<title>Title `touch PWNED` system(&quot;touch PWNED&quot;) @macro "
                                         "&lt;/svg&gt;&lt;script&gt;</title>"));
    assert_non_null(strstr(buf_str(&a), "<desc>What it shows &amp; where. Drawn by gnuplot "));
    assert_non_null(strstr(buf_str(&a), "threshold @imgo_cairo"));
    buf_reset(&path);
    buf_addf(&path, "%s/charts/hostile2.svg", dir);
    assert_int_equal(read_file(buf_str(&path), &b), 0);
    assert_int_equal(a.len, b.len); /* same chart, same bytes */
    assert_memory_equal(a.data, b.data, a.len);
    buf_reset(&path);
    buf_addf(&path, "%s/charts/hostile.png", dir);
    assert_int_equal(read_file(buf_str(&path), &a), 0);
    buf_reset(&path);
    buf_addf(&path, "%s/charts/hostile2.png", dir);
    assert_int_equal(read_file(buf_str(&path), &b), 0);
    assert_true(a.len > 8 && !memcmp(a.data, "\x89PNG", 4));
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    buf_release(&a), buf_release(&b), buf_release(&path);
    assert_int_equal(chdir(cwd), 0);
    rm_rf(dir);
}

static void test_render_error(void **state)
{
    (void)state;
    char dir[] = "/tmp/imgo-test-plot-XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct plot *p;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(plot_open(&p, dir, &err), 0);
    struct plot_chart c;
    struct plot_layer l[2];
    chart_init(&c, l, "bad");
    /* the output file cannot be written: a directory is in its place */
    struct buf path = BUF_INIT;
    buf_addf(&path, "%s/charts/bad.svg", dir);
    assert_int_equal(mkdir(buf_str(&path), 0700), 0);
    buf_release(&path);
    assert_int_equal(plot_render(p, &c, &err), IMGO_EIO);
    assert_non_null(strstr(err.msg, "chart bad: gnuplot:"));
    struct imgo_err err2 = IMGO_ERR_INIT;
    assert_int_equal(plot_close(p, &err2), IMGO_EIO);

    c.name = "no/slash";
    assert_int_equal(plot_open(&p, dir, &err), 0);
    assert_int_equal(plot_render(p, &c, &err), IMGO_EIO);
    imgo_err_clear(&err);
    int rc = plot_close(p, &err);
    if (rc)
        print_message("%s\n", err.msg);
    assert_int_equal(rc, 0);
    rm_rf(dir);
}

/* WCAG 2 relative luminance of "#RRGGBB". */
static double luminance(const char *hex)
{
    double c[3];
    for (int i = 0; i < 3; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 1 + 2 * i, "%2x", &v), 1);
        double s = v / 255.0;
        c[i] = s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4);
    }
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

/* Every plotted colour stands out from the white background: a contrast
 * ratio (WCAG 2, (L1 + 0.05) / (L2 + 0.05)) of at least 3:1, the level for
 * graphics; the light Okabe-Ito colours (sky blue 2.3:1) are darkened. */
static void test_palette_contrast(void **state)
{
    (void)state;
    for (int i = 0; i < PLOT_N_COLOURS; i++) {
        const char *hex = plot_colour_hex(i);
        assert_int_equal(strlen(hex), 7);
        double ratio = 1.05 / (luminance(hex) + 0.05);
        if (ratio < 3)
            print_message("colour %d %s: contrast %.2f\n", i, hex, ratio);
        assert_true(ratio >= 3);
    }
    /* the reference values of the formula: black 21:1, white 1:1 */
    assert_float_equal(1.05 / (luminance("#000000") + 0.05), 21, 1e-9);
    assert_float_equal(1.05 / (luminance("#FFFFFF") + 0.05), 1, 1e-9);
}

/* Counts are drawn as bars, censoring as ticks; the bar width is the
 * chart's. */
static void test_boxes_and_ticks(void **state)
{
    (void)state;
    double x[] = { 1, 2, 3 }, y[] = { 0.5, 0.3, 0.2 };
    struct plot_layer l[2] = { { PLOT_BOXES, "Peer", PLOT_GREEN, 0, 3, x, y, NULL, NULL },
                               { PLOT_CENSOR, NULL, PLOT_BLUE, 0, 3, x, y, NULL, NULL } };
    struct plot_chart c = { 0 };
    c.name = "load";
    c.title = "Load";
    c.box_width = 0.25;
    c.layers = l;
    c.n_layers = 2;
    struct buf b = BUF_INIT;
    plot_script(&b, &c, 1);
    assert_non_null(strstr(buf_str(&b), "set boxwidth 0.25 absolute"));
    assert_non_null(strstr(buf_str(&b), "with boxes"));
    assert_non_null(strstr(buf_str(&b), "with points pt 1"));
    buf_release(&b);
}

static void test_no_gnuplot(void **state)
{
    (void)state;
    char *old = xstrdup(getenv("PATH") ? getenv("PATH") : "");
    setenv("PATH", "/nonexistent-imgo", 1);
    struct plot *p;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(plot_open(&p, "/tmp", &err), IMGO_EIO);
    assert_non_null(strstr(err.msg, "gnuplot not found in PATH"));
    setenv("PATH", old, 1);
    free(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_script_shape),
        cmocka_unit_test(test_render_hostile),
        cmocka_unit_test(test_render_error),
        cmocka_unit_test(test_no_gnuplot),
        cmocka_unit_test(test_palette_contrast),
        cmocka_unit_test(test_boxes_and_ticks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
