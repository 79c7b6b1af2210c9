/* The metric registry (include/metrics.def): ids and names agree, every
 * relation it states points at a metric of the right kind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "registry.h"

static void names_unique_and_found(void **state)
{
    (void)state;
    for (int i = 0; i < M_COUNT; i++) {
        const struct metric_def *d = metric_def(i);
        assert_int_equal(d->id, i);
        assert_non_null(strchr(d->name, '.'));
        assert_ptr_equal(metric_def_find(d->name), d);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(metric_def(j)->name, d->name);
    }
    assert_null(metric_def_find("board.first_attempt_pass_rates"));
    assert_string_equal(metric_name(M_BOARD_FIRST_ATTEMPT_PASS_RATE), "board.first_attempt_pass_rate");
    for (int i = 0; i < C_COUNT; i++) {
        assert_int_equal(chart_def(i)->id, i);
        for (int j = 0; j < i; j++)
            assert_string_not_equal(chart_name(j), chart_name(i));
    }
    assert_string_equal(chart_name(C_EVALUATOR_FUNNEL), "evaluator_funnel");
}

/* A comparison's base is a rate with img and non_img rows; a BH family is
 * a comparison's; a partition is of a metric with group rows. */
static void relations_consistent(void **state)
{
    (void)state;
    for (int i = 0; i < M_COUNT; i++) {
        const struct metric_def *d = metric_def(i);
        if (d->base != M_NONE) {
            assert_true(d->groups & MG_CMP);
            assert_true(metric_def(d->base)->groups & MG_RATE);
        }
        if (d->bh_prefix) {
            assert_true(d->groups & MG_CMP);
            assert_int_equal(d->bh_prefix[strlen(d->bh_prefix) - 1], '=');
        }
        if (d->flags & MF_GROUP_SIZES)
            assert_true(d->groups & MG_CMP);
    }
    size_t n;
    const struct partition_def *p = partition_defs(&n);
    assert_true(n >= 1);
    for (size_t i = 0; i < n; i++) {
        assert_true(metric_def(p[i].metric)->groups & (MG_RATE | MG_ALL | MG_IMG));
        assert_int_equal(p[i].prefix[strlen(p[i].prefix) - 1], '=');
    }
}

/* "Absent source, no rows": a metric's own files, the residents file for
 * every metric, and the per-stratum files of the launch outcomes. */
static void absent_sources(void **state)
{
    (void)state;
    unsigned all = 0;
    for (int i = 0; i < COHORT_NFILES; i++)
        all |= SRC_BIT(i);
    for (int i = 0; i < M_COUNT; i++)
        assert_false(metric_source_absent(i, "", all));
    unsigned no_board = all & ~SRC_BOARD_EXAMS;
    assert_true(metric_source_absent(M_STEP3_PASS_BY_MONTH12, "visa=h1b", no_board));
    assert_true(metric_source_absent(M_MENTORSHIP_OUTCOME_LINK, "", no_board));
    assert_false(metric_source_absent(M_RETENTION_KM, "t=365", no_board));
    assert_true(metric_source_absent(M_RETENTION_KM, "t=365", all & ~SRC_RESIDENTS));
    assert_true(metric_source_absent(M_MENTORSHIP_MONTHLY_CADENCE, "", all & ~SRC_MENTOR_ASSIGNMENTS));
    assert_false(metric_source_absent(M_MENTORSHIP_EARLY_CADENCE, "", all & ~SRC_MENTOR_ASSIGNMENTS));
    /* launch.rate: each outcome its own file */
    assert_true(metric_source_absent(M_LAUNCH_RATE, "outcome=board_first_attempt;era=pre", no_board));
    assert_false(metric_source_absent(M_LAUNCH_RATE, "outcome=adverse_action;era=pre", no_board));
    assert_false(metric_source_absent(M_LAUNCH_RATE, "outcome=first_year_retention;era=post", no_board));
    assert_true(metric_source_absent(M_LAUNCH_DID, "outcome=adverse_action", all & ~SRC_CCC_ACTIONS));
    assert_false(metric_source_absent(M_LAUNCH_DID, "outcome=first_year_retention", SRC_RESIDENTS));
    assert_true(metric_source_absent(M_INSTITUTION_MILESTONE_GAP, "program=A", all & ~SRC_MILESTONE_RATINGS));
    assert_false(metric_source_absent(M_INSTITUTION_RETENTION_3Y, "program=A", SRC_RESIDENTS));
    size_t n;
    const struct stratum_source_def *d = stratum_source_defs(&n);
    assert_true(n >= 1);
    for (size_t i = 0; i < n; i++)
        assert_true(d[i].sources != 0 && strchr(d[i].prefix, '=') != NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_unique_and_found),
        cmocka_unit_test(relations_consistent),
        cmocka_unit_test(absent_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
