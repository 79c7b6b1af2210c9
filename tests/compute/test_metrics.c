/*
 * test_metrics.c - the output rules of metrics.md "metrics.csv": %.10g,
 * -0 written 0, NAN and infinities empty, RFC 4180 quoting, byte-order
 * sorting, the suppression flag, and the chart tables of docs/TABLES.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics.h"

static void numbers(void **state)
{
    (void)state;
    char out[64];
    metric_format_number(0.1, out, sizeof out);
    assert_string_equal(out, "0.1");
    metric_format_number(1.0 / 3.0, out, sizeof out);
    assert_string_equal(out, "0.3333333333");
    metric_format_number(-0.0, out, sizeof out);
    assert_string_equal(out, "0");
    metric_format_number(123456789012.0, out, sizeof out);
    assert_string_equal(out, "1.23456789e+11");
    metric_format_number(2.5e-12, out, sizeof out);
    assert_string_equal(out, "2.5e-12");
    metric_format_number(-1.25, out, sizeof out);
    assert_string_equal(out, "-1.25");
    metric_format_number(NAN, out, sizeof out);
    assert_string_equal(out, "");
    metric_format_number(INFINITY, out, sizeof out);
    assert_string_equal(out, "");
    metric_format_number(-INFINITY, out, sizeof out);
    assert_string_equal(out, "");
}

static void quoting(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    metric_csv_field(&b, "plain");
    buf_addc(&b, '|');
    metric_csv_field(&b, "a,b");
    buf_addc(&b, '|');
    metric_csv_field(&b, "say \"hi\"");
    buf_addc(&b, '|');
    metric_csv_field(&b, "cr\rlf\n");
    buf_addc(&b, '|');
    metric_csv_field(&b, "");
    assert_string_equal(buf_str(&b), "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"cr\rlf\n\"|");
    buf_release(&b);
}

static void rows_sorted_and_formatted(void **state)
{
    (void)state;
    struct metric_set s;
    metric_set_init(&s, 5);
    struct stats_est e = { 0.5, 0.25, 0.75, NAN };
    struct stats_est z = { -0.0, NAN, INFINITY, 0.04 };
    /* inserted out of order: byte order puts "bias." before "board.", "E"
     * before "e", "img" before "non_img", "t=1095" before "t=365", "" before
     * "2025" */
    struct stats_est none = { NAN, NAN, NAN, NAN };
    metric_add(&s, M_RETENTION_KM, "img", "t=365", NULL, 10, 2, e);
    metric_add(&s, M_RETENTION_KM, "img", "t=1095", NULL, 4, 1, e);
    metric_add(&s, M_BOARD_ACCREDITATION_FLAG, "non_img", NULL, "2025", 3, 1, z);
    metric_add(&s, M_BOARD_ACCREDITATION_FLAG, "non_img", NULL, NULL, 5, METRIC_EMPTY, z)->q = 0.08;
    metric_add(&s, M_BIAS_EVALUATOR_GAP, "all", "evaluator=e", NULL, 0, 0, none);
    metric_add(&s, M_BIAS_EVALUATOR_GAP, "all", "evaluator=E,1", NULL, 0, 0, none);
    metric_set_sort(&s);
    struct buf b = BUF_INIT;
    metric_set_csv(&s, &b);
    assert_string_equal(buf_str(&b),
                        "metric,group,stratum,period,n,k,value,ci_low,ci_high,p_value,q_value,suppressed\n"
                        "bias.evaluator_gap,all,\"evaluator=E,1\",,0,0,,,,,,1\n"
                        "bias.evaluator_gap,all,evaluator=e,,0,0,,,,,,1\n"
                        "board.accreditation_flag,non_img,,,5,,0,,,0.04,0.08,0\n"
                        "board.accreditation_flag,non_img,,2025,3,1,0,,,0.04,,1\n"
                        "retention.km,img,t=1095,,4,1,0.5,0.25,0.75,,,1\n"
                        "retention.km,img,t=365,,10,2,0.5,0.25,0.75,,,0\n");
    buf_release(&b);
    metric_set_release(&s);
}

static void chart_csv_in_insertion_order(void **state)
{
    (void)state;
    struct chart_set c;
    chart_set_init(&c);
    chart_add(&c, C_RETENTION_KM, "img", NULL, 0, 5, 0, 1, NAN, NAN, 0);
    chart_add(&c, C_BOARD_PASS, "x", "a\"b", 1, METRIC_EMPTY, METRIC_EMPTY, -0.0, 1, 2, 1);
    chart_add(&c, C_RETENTION_KM, "img", NULL, 300, 5, 1, 0.8, 0.2, 0.97, 0);
    struct buf b = BUF_INIT;
    chart_set_csv(&c, C_RETENTION_KM, &b);
    assert_string_equal(buf_str(&b), "series,label,x,n,k,value,ci_low,ci_high,suppressed\n"
                                     "img,,0,5,0,1,,,0\n"
                                     "img,,300,5,1,0.8,0.2,0.97,0\n");
    buf_reset(&b);
    chart_set_csv(&c, C_BOARD_PASS, &b);
    assert_string_equal(buf_str(&b), "series,label,x,n,k,value,ci_low,ci_high,suppressed\n"
                                     "x,\"a\"\"b\",1,,,0,1,2,1\n");
    buf_release(&b);
    chart_set_release(&c);
}

/* metric_set_bh: q within the registry's family only (the rows of the
 * metric whose stratum has the family's prefix), as R's
 * p.adjust(c(0.01, 0.04, 0.03), "BH") = 0.03, 0.04, 0.04. */
static void bh_family(void **state)
{
    (void)state;
    struct metric_set s;
    metric_set_init(&s, 5);
    struct stats_est e = { 0, NAN, NAN, 0.01 };
    metric_add(&s, M_BIAS_EVALUATOR_GAP, "img_vs_non_img", "evaluator=A", NULL, 10, 5, e);
    e.p = 0.04;
    metric_add(&s, M_BIAS_EVALUATOR_GAP, "img_vs_non_img", "evaluator=B", NULL, 10, 5, e);
    e.p = 0.5; /* the pooled row: not in the family */
    metric_add(&s, M_BIAS_EVALUATOR_GAP, "img_vs_non_img", NULL, NULL, 20, 10, e);
    e.p = 0.03;
    metric_add(&s, M_BIAS_EVALUATOR_GAP, "img_vs_non_img", "evaluator=C", NULL, 10, 5, e);
    e.p = 0.001; /* another metric: not in the family */
    metric_add(&s, M_BIAS_FEEDBACK_THEME, "img_vs_non_img", "theme=other", NULL, 10, 5, e);
    metric_set_bh(&s, M_BIAS_EVALUATOR_GAP);
    assert_float_equal(s.rows[0].q, 0.03, 1e-15);
    assert_float_equal(s.rows[1].q, 0.04, 1e-15);
    assert_true(isnan(s.rows[2].q));
    assert_float_equal(s.rows[3].q, 0.04, 1e-15);
    assert_true(isnan(s.rows[4].q));
    metric_set_release(&s);
}

/* Chart file names from exam names: [a-z0-9-] only, never a path, a dot or
 * an empty name, unique, and the same for the same labels (compute and
 * report both call it). */
static void label_slugs(void **state)
{
    (void)state;
    /* in byte order, as chart_set_labels gives them */
    const char *labels[] = {
        "../../etc/passwd", "A-VERY-LONG-EXAM-NAME-THAT-GOES-ON-AND-ON-AND-ON-PAST-FORTY-CHARACTERS", "ABIM IM",
        "ABIM-IM", "EX`touch PWNED`@m</svg><script>", "abim-im", "abim-im-2", "x/y.z", "\xc3\xa9\xc3\xa9",
    };
    size_t n = sizeof labels / sizeof labels[0];
    char **s = chart_label_slugs(labels, n);
    const char *want[] = {
        "etc-passwd", "a-very-long-exam-name-that-goes-on-a", "abim-im", "abim-im-2", "ex-touch-pwned-m-svg-script",
        "abim-im-3", "abim-im-2-2", "x-y-z", "x",
    };
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(s[i], want[i]);
        assert_true(strlen(s[i]) >= 1 && strlen(s[i]) <= CHART_SLUG_MAX);
        assert_int_equal(strspn(s[i], "abcdefghijklmnopqrstuvwxyz0123456789-"), strlen(s[i]));
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(s[i], s[j]);
    }
    char **again = chart_label_slugs(labels, n);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(again[i], s[i]);
        free(again[i]);
        free(s[i]);
    }
    free(again);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers),
        cmocka_unit_test(quoting),
        cmocka_unit_test(rows_sorted_and_formatted),
        cmocka_unit_test(chart_csv_in_insertion_order),
        cmocka_unit_test(bh_family),
        cmocka_unit_test(label_slugs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
