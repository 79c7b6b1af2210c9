/* Tests of reading published numbers back (src/report/public.c): each
 * printed form to the interval of values that print the same, worked out
 * by hand; what imgo never prints refused with the string in the message;
 * numbers formatted as the report formats them always inside their own
 * interval; public.csv rows with their lines, and every error naming
 * FILE:LINE (and the column); the fuzz harness on its regression inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "public.h"

#define LLVMFuzzerTestOneInput fuzz_public_one
#include "../fuzz/fuzz_public.c"
#undef LLVMFuzzerTestOneInput

static void num_is(const char *shown, enum public_field f, double lo, double hi)
{
    struct public_num n;
    struct imgo_err err = IMGO_ERR_INIT;
    int rc = public_shown(shown, f, &n, &err);
    if (rc)
        print_message("%s: %s\n", shown, err.msg);
    assert_int_equal(rc, IMGO_OK);
    assert_int_equal(n.kind, PUBLIC_NUMBER);
    if (n.lo != lo || n.hi != hi)
        print_message("%s: [%.17g, %.17g], expected [%.17g, %.17g]\n", shown, n.lo, n.hi, lo, hi);
    /* the ends are the doubles nearest the decimal bounds: exact equality */
    assert_true(n.lo == lo);
    assert_true(n.hi == hi);
}

/* Half a unit of the last printed decimal either side; a percent is a
 * hundredth. 87.8% is 0.878 +- 0.0005; 100.0% cannot exceed 1; a '+' says
 * above 0; in a value field a difference without '+' is 0 or below (imgo
 * prints every positive one with '+'), while a confidence bound is printed
 * without its sign. */
static void printed_forms(void **state)
{
    (void)state;
    num_is("87.8%", PUBLIC_VALUE, 0.8775, 0.8785);
    num_is("100.0%", PUBLIC_VALUE, 0.9995, 1);
    num_is("0.0%", PUBLIC_CI_LOW, 0, 0.0005);
    num_is("14", PUBLIC_N, 14, 14);
    num_is("0", PUBLIC_K, 0, 0);
    num_is("16", PUBLIC_TEXT, 16, 16);
    num_is("+3.2 pp", PUBLIC_VALUE, 0.0315, 0.0325);
    num_is("-3.2 pp", PUBLIC_VALUE, -0.0325, -0.0315);
    num_is("+0.0 pp", PUBLIC_VALUE, 0, 0.0005);
    num_is("0.0 pp", PUBLIC_VALUE, -0.0005, 0);
    num_is("0.0 pp", PUBLIC_CI_HIGH, -0.0005, 0.0005);
    num_is("3.1 pp", PUBLIC_CI_LOW, 0.0305, 0.0315);
    num_is("1.25", PUBLIC_VALUE, 1.245, 1.255);
    num_is("-0.120", PUBLIC_VALUE, -0.1205, -0.1195);
    num_is("180", PUBLIC_VALUE, 179.5, 180.5);
    num_is("0.032", PUBLIC_P_VALUE, 0.0315, 0.0325);
    num_is("< 0.001", PUBLIC_P_VALUE, 0, 0.001);

    struct public_num n;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(public_shown("", PUBLIC_N, &n, &err), IMGO_OK);
    assert_int_equal(n.kind, PUBLIC_HIDDEN);
    assert_int_equal(public_shown("", PUBLIC_VALUE, &n, &err), IMGO_OK);
    assert_int_equal(n.kind, PUBLIC_HIDDEN);
    assert_int_equal(public_shown("n/a", PUBLIC_VALUE, &n, &err), IMGO_OK);
    assert_int_equal(n.kind, PUBLIC_NA);
}

static void refused(const char *shown, enum public_field f)
{
    struct public_num n;
    struct imgo_err err = IMGO_ERR_INIT;
    if (public_shown(shown, f, &n, &err) != IMGO_EDATA)
        print_message("'%s' accepted as field %d\n", shown, (int)f);
    assert_int_equal(err.status, IMGO_EDATA);
    assert_non_null(strstr(err.msg, "is not"));
}

static void not_as_printed(void **state)
{
    (void)state;
    static const char *const counts[] = { "14.0", "+14", "-1", "1,234", "014", "n/a", "1e3", "14 ", " 14x", "5%" };
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        refused(counts[i], PUBLIC_N);
        refused(counts[i], PUBLIC_TEXT);
    }
    static const char *const values[] = { "87.8 %", "87.8%%", "+87.8%", "-5.0%", "3.2 pp", "-0.0 pp", "+3.2pp",
                                          "-0", "-0.000", "+1.25", ".5", "5.", "1e3", "< 0.001", "inf", "nan",
                                          "1234567890123456", " pp", "%", "0x10", "1.2.3", "--1",
                                          "878%", "100.1%", "+100.1 pp", "-250.0 pp" };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        refused(values[i], PUBLIC_VALUE);
    refused("<0.001", PUBLIC_P_VALUE);
    refused("< -0.001", PUBLIC_P_VALUE);
    refused("= 0.032", PUBLIC_P_VALUE);
    /* the message shows the string, control bytes masked, long ones cut */
    struct public_num n;
    struct imgo_err err = IMGO_ERR_INIT;
    public_shown("8\x1b[2J7%", PUBLIC_VALUE, &n, &err);
    assert_non_null(strstr(err.msg, "'8?[2J7%'"));
    public_shown("123456789012345678901234567890123456789012345678901234567890", PUBLIC_VALUE, &n, &err);
    assert_non_null(strstr(err.msg, "'1234567890123456789012345678901234567890...'"));
}

/* Every value formatted as the report formats it (printf "%.*f", "-0"
 * printed as "0", a percent and percentage points with one decimal, a '+'
 * before a positive difference) lies in the interval read back from its
 * text, to within the rounding of a double. */
static void fmt(char *out, size_t n, double v, int dec)
{
    char t[64];
    snprintf(t, sizeof t, "%.*f", dec, v);
    int zero = strspn(t, "-0.") == strlen(t);
    snprintf(out, n, "%s", zero && t[0] == '-' ? t + 1 : t);
}

static void inside(const char *shown, enum public_field f, double v)
{
    struct public_num n;
    struct imgo_err err = IMGO_ERR_INIT;
    int rc = public_shown(shown, f, &n, &err);
    if (rc || !(n.lo - 1e-12 <= v && v <= n.hi + 1e-12))
        print_message("%.17g printed as '%s': [%.17g, %.17g] %s\n", v, shown, n.lo, n.hi, err.msg);
    assert_int_equal(rc, IMGO_OK);
    assert_true(n.lo - 1e-12 <= v && v <= n.hi + 1e-12);
}

static void round_trip(void **state)
{
    (void)state;
    char s[96], t[64];
    for (int i = 0; i <= 200000; i++) {
        double v = i / 200000.0;
        fmt(t, sizeof t, 100 * v, 1);
        snprintf(s, sizeof s, "%s%%", t);
        inside(s, PUBLIC_VALUE, v);
        double d = 2 * v - 1; /* a difference in [-1, 1] */
        fmt(t, sizeof t, 100 * d, 1);
        snprintf(s, sizeof s, "%s%s pp", d > 0 ? "+" : "", t);
        inside(s, PUBLIC_VALUE, d);
        double r = 8 * v - 3; /* a ratio, a mean or a gap */
        fmt(s, sizeof s, r, 2);
        inside(s, PUBLIC_VALUE, r);
        fmt(s, sizeof s, r, 3);
        inside(s, PUBLIC_CI_HIGH, r);
    }
}

/* ---- public.csv ----------------------------------------------------------------- */

static char dir[64];

static const char *write_file(const char *name, const char *text)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void read_rows(void **state)
{
    (void)state;
    const char *p = write_file("public.csv",
                               "metric,group,stratum,period,field,shown\r\n"
                               "board.first_attempt_pass_rate,all,exam=ABFM-FM,2023-2025,n,15\r\n"
                               "board.first_attempt_pass_rate,all,exam=ABFM-FM,2023-2025,value,93.3%\n"
                               "board.first_attempt_pass_rate,img,exam=ABFM-FM,2025,n,\n"
                               "\n"
                               "cohort.residents,all,\"school_region=Asia, South\",,text:residents,16\n"
                               "board.first_attempt_pass_diff,img_vs_non_img,exam=ABFM-FM,,value,+3.2 pp\n"
                               "patient.mean_score,all,,,ci_low,n/a\n");
    struct public_table t;
    struct imgo_err err = IMGO_ERR_INIT;
    public_table_init(&t);
    assert_int_equal(public_read(&t, p, &err), IMGO_OK);
    assert_int_equal(t.n, 6);
    assert_string_equal(t.rows[0].metric, "board.first_attempt_pass_rate");
    assert_string_equal(t.rows[0].stratum, "exam=ABFM-FM");
    assert_string_equal(t.rows[0].period, "2023-2025");
    assert_int_equal(t.rows[0].field, PUBLIC_N);
    assert_true(t.rows[0].num.lo == 15 && t.rows[0].num.hi == 15);
    assert_int_equal(t.rows[0].line, 2);
    assert_int_equal(t.rows[1].field, PUBLIC_VALUE);
    assert_true(t.rows[1].num.lo == 0.9325 && t.rows[1].num.hi == 0.9335);
    assert_int_equal(t.rows[2].num.kind, PUBLIC_HIDDEN);
    assert_string_equal(t.rows[3].stratum, "school_region=Asia, South");
    assert_string_equal(t.rows[3].period, "");
    assert_int_equal(t.rows[3].field, PUBLIC_TEXT);
    assert_string_equal(t.rows[3].text_name, "residents");
    assert_int_equal(t.rows[3].line, 6);
    assert_string_equal(t.rows[4].shown, "+3.2 pp");
    assert_int_equal(t.rows[5].num.kind, PUBLIC_NA);
    public_table_release(&t);
    assert_int_equal(t.n, 0);
}

static void read_fails(const char *text, int status, const char *want)
{
    const char *p = write_file("public.csv", text);
    struct public_table t;
    struct imgo_err err = IMGO_ERR_INIT;
    public_table_init(&t);
    int rc = public_read(&t, p, &err);
    if (rc != status || !strstr(err.msg, want))
        print_message("got %d '%s', expected %d '%s'\n", rc, err.msg, status, want);
    assert_int_equal(rc, status);
    assert_non_null(strstr(err.msg, want));
    assert_int_equal(t.n, 0);
    assert_null(t.rows);
    public_table_release(&t);
}

#define HDR "metric,group,stratum,period,field,shown\n"

static void read_errors(void **state)
{
    (void)state;
    read_fails("", IMGO_EDATA, "public.csv:1: empty file");
    read_fails("metric,group,stratum,period,field\n", IMGO_EDATA, "public.csv:1: the header must be exactly");
    read_fails("metric,group,stratum,period,field,Shown\n", IMGO_EDATA, "public.csv:1: the header");
    read_fails(HDR "m,all,,,n,3\nm,all,,,k\n", IMGO_EDATA, "public.csv:3: 5 fields, expected 6");
    read_fails(HDR "m,all,,,n,3\nm,all,,,k,2\nm,all,,,value,87.8 %\n", IMGO_EDATA,
               "public.csv:4:shown: '87.8 %' is not");
    read_fails(HDR "m,all,,,N,3\n", IMGO_EDATA, "public.csv:2:field: not one of");
    read_fails(HDR "m,all,,,text:,3\n", IMGO_EDATA, "public.csv:2:field:");
    read_fails(HDR "m,all,,,text:Residents,3\n", IMGO_EDATA, "public.csv:2:field:");
    read_fails(HDR ",all,,,n,3\n", IMGO_EDATA, "public.csv:2:metric: empty");
    read_fails(HDR "m,all,,2025,n,3\nm,img,,2025,n,1\nm,all,,2025,n,3\n", IMGO_EDATA,
               "public.csv:4: the same metric, group, stratum, period and field as line 2");
    read_fails(HDR "m,all,\"a\"b,,n,3\n", IMGO_EDATA, "public.csv:2:");
    read_fails(HDR "m,all,\xff,,n,3\n", IMGO_EDATA, "public.csv:2:stratum: not valid UTF-8");
    read_fails(HDR "m,all,,,n,3\rm,all,,,k,3\n", IMGO_EDATA, "public.csv:");

    struct public_table t;
    struct imgo_err err = IMGO_ERR_INIT;
    public_table_init(&t);
    char missing[128];
    snprintf(missing, sizeof missing, "%s/nope.csv", dir);
    assert_int_equal(public_read(&t, missing, &err), IMGO_EIO);
    assert_non_null(strstr(err.msg, "nope.csv: "));
}

/* The fuzz harness on its regression inputs (tests/fuzz/regress/public-*). */
static void fuzz_regressions(void **state)
{
    (void)state;
    DIR *d = opendir("tests/fuzz/regress");
    assert_non_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, "public-", 7))
            continue;
        char path[512];
        snprintf(path, sizeof path, "tests/fuzz/regress/%s", e->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        struct buf b = BUF_INIT;
        char blk[4096];
        size_t k;
        while ((k = fread(blk, 1, sizeof blk, f)) > 0)
            buf_add(&b, blk, k);
        fclose(f);
        fuzz_public_one((const uint8_t *)buf_str(&b), b.len);
        buf_release(&b);
        n++;
    }
    closedir(d);
    assert_true(n >= 2);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/imgo-test-public-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char p[128];
    snprintf(p, sizeof p, "%s/public.csv", dir);
    unlink(p);
    rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(printed_forms),   cmocka_unit_test(not_as_printed), cmocka_unit_test(round_trip),
        cmocka_unit_test(read_rows),       cmocka_unit_test(read_errors),    cmocka_unit_test(fuzz_regressions),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
