/*
 * test_params.c - pipeline files and parameter validation (params.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "date.h"
#include "params.h"

static char path[64];

static void write_file(const char *text)
{
    snprintf(path, sizeof path, "/tmp/imgo-params-%d.pipeline", (int)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void defaults(void **state)
{
    (void)state;
    struct imgo_params p;
    params_init(&p);
    assert_int_equal(p.n_stages, 3);
    assert_true(p.confidence == 0.95);
    assert_int_equal(p.min_cell, 5);
    assert_null(p.board_exams);
    assert_string_equal(p.step3_exam, "USMLE-STEP3");
    assert_true(p.board_pass_threshold == 0.80);
    assert_int_equal(p.max_mentees, 4);
    assert_int_equal(p.min_evaluator_n, 5);
    assert_true(p.fdr_q == 0.10);
    assert_int_equal(p.has_as_of, 0);
    assert_int_equal(p.has_launch, 0);
    assert_true(p.l4_threshold == 2.5);
    assert_null(p.programs);
    assert_string_equal(p.required_roles_img, "senior_resident,faculty,peer");
    assert_string_equal(p.required_roles_non_img, "senior_resident,faculty");
    char out[64];
    params_format(&p, "mentorship_launch", out, sizeof out);
    assert_string_equal(out, "");
    params_format(&p, "l4_threshold", out, sizeof out);
    assert_string_equal(out, "2.5");
    params_release(&p);
}

/* The keys of version 2: a launch date, the Level 4 threshold, a programs
 * filter (codes trimmed, case kept) and the required mentor roles (trimmed,
 * lower-cased, a repeat kept once). */
static void version2_keys(void **state)
{
    (void)state;
    struct imgo_params p;
    struct imgo_err err = IMGO_ERR_INIT;
    char out[128];
    params_init(&p);
    write_file("mentorship_launch = 2023-07-01\nl4_threshold = 3\nprograms =  IM-001 , fm-002\t,IM 003\n"
               "required_roles_img = Faculty , PEER,faculty\nrequired_roles_non_img = senior_resident\n");
    assert_int_equal(params_load(&p, path, &err), IMGO_OK);
    assert_int_equal(p.has_launch, 1);
    assert_int_equal(p.launch, date_from_ymd(2023, 7, 1));
    assert_true(p.l4_threshold == 3.0);
    assert_string_equal(p.programs, "IM-001,fm-002,IM 003");
    assert_string_equal(p.required_roles_img, "faculty,peer");
    assert_string_equal(p.required_roles_non_img, "senior_resident");
    params_format(&p, "mentorship_launch", out, sizeof out);
    assert_string_equal(out, "2023-07-01");
    params_format(&p, "programs", out, sizeof out);
    assert_string_equal(out, "IM-001,fm-002,IM 003");
    params_format(&p, "required_roles_img", out, sizeof out);
    assert_string_equal(out, "faculty,peer");
    /* empty: no launch, every program */
    assert_int_equal(params_set(&p, "mentorship_launch", "", &err), IMGO_OK);
    assert_int_equal(p.has_launch, 0);
    assert_int_equal(params_set(&p, "programs", "", &err), IMGO_OK);
    assert_null(p.programs);
    params_release(&p);
    unlink(path);
}

static void load_good_file(void **state)
{
    (void)state;
    struct imgo_params p;
    struct imgo_err err = IMGO_ERR_INIT;
    params_init(&p);
    write_file("# annual run\n\nstages = ingest compute\r\nreport = quarterly  # the packet\n"
               "as_of = 2025-06-30\nconfidence = 0.9\nmin_cell = 10\n"
               "board_exams = abim-im , ABP\nstep3_exam = usmle-step3\nfdr_q = 0.05\n");
    assert_int_equal(params_load(&p, path, &err), IMGO_OK);
    assert_int_equal(p.n_stages, 2);
    assert_int_equal(p.stages[1], STAGE_COMPUTE);
    assert_int_equal(p.report, PARAMS_REPORT_QUARTERLY);
    assert_int_equal(p.has_as_of, 1);
    assert_int_equal(p.as_of, date_from_ymd(2025, 6, 30));
    assert_true(p.confidence == 0.9);
    assert_int_equal(p.min_cell, 10);
    assert_string_equal(p.board_exams, "ABIM-IM,ABP");
    assert_string_equal(p.step3_exam, "USMLE-STEP3");
    char out[64];
    params_format(&p, "stages", out, sizeof out);
    assert_string_equal(out, "ingest compute");
    params_format(&p, "as_of", out, sizeof out);
    assert_string_equal(out, "2025-06-30");
    params_release(&p);
    unlink(path);
}

static void expect_load_error(const char *text, int status, const char *suffix)
{
    struct imgo_params p;
    struct imgo_err err = IMGO_ERR_INIT;
    char want[256];
    params_init(&p);
    write_file(text);
    assert_int_equal(params_load(&p, path, &err), status);
    snprintf(want, sizeof want, "%s:%s", path, suffix);
    assert_string_equal(err.msg, want);
    params_release(&p);
    unlink(path);
}

static void load_errors_name_the_line(void **state)
{
    (void)state;
    expect_load_error("min_cell = 5\nmin_cel = 5\n", IMGO_EUSAGE, "2: unknown key 'min_cel'");
    expect_load_error("# x\nmin_cell = five\n", IMGO_EUSAGE, "2: min_cell: 'five' is not a whole number >= 1");
    expect_load_error("min_cell = 0\n", IMGO_EUSAGE, "1: min_cell: '0' is not a whole number >= 1");
    expect_load_error("confidence = 1.5\n", IMGO_EUSAGE, "1: confidence: '1.5' is not a number between 0.5 and 1");
    expect_load_error("confidence = .95\n", IMGO_EUSAGE, "1: confidence: '.95' is not a number between 0.5 and 1");
    expect_load_error("as_of = 2025-02-30\n", IMGO_EUSAGE, "1: as_of: '2025-02-30' is not a valid date (YYYY-MM-DD)");
    expect_load_error("report = monthly\n", IMGO_EUSAGE, "1: report: 'monthly' is not annual or quarterly");
    expect_load_error("stages = ingest publish\n", IMGO_EUSAGE, "1: stages: unknown stage 'publish' (ingest, compute, report)");
    expect_load_error("stages = report ingest\n", IMGO_EUSAGE, "1: stages: must run in the order ingest compute report");
    expect_load_error("fdr_q = 0.1\n\nfdr_q = 0.2\n", IMGO_EUSAGE, "3: 'fdr_q' is set twice (first on line 1)");
    expect_load_error("just words\n", IMGO_EUSAGE, "1: expected 'key = value'");
    expect_load_error("board_exams = ABIM-IM,\n", IMGO_EUSAGE,
                      "1: board_exams: 'ABIM-IM,' is not a comma-separated list of exam names");
    expect_load_error("step3_exam = A,B\n", IMGO_EUSAGE, "1: step3_exam: 'A,B' is not one exam name");
    expect_load_error("mentorship_launch = 2023-7-1\n", IMGO_EUSAGE,
                      "1: mentorship_launch: '2023-7-1' is not a valid date (YYYY-MM-DD)");
    expect_load_error("l4_threshold = 0.5\n", IMGO_EUSAGE, "1: l4_threshold: '0.5' is not a number from 1 to 5");
    expect_load_error("l4_threshold = 2,5\n", IMGO_EUSAGE, "1: l4_threshold: '2,5' is not a number from 1 to 5");
    expect_load_error("programs = IM-001,,FM-002\n", IMGO_EUSAGE,
                      "1: programs: 'IM-001,,FM-002' is not a comma-separated list of program codes");
    expect_load_error("required_roles_img = faculty, chief\n", IMGO_EUSAGE,
                      "1: required_roles_img: 'chief' is not a mentor role (senior_resident, faculty, peer)");
    expect_load_error("required_roles_non_img = faculty,\n", IMGO_EUSAGE,
                      "1: required_roles_non_img: 'faculty,' is not a comma-separated list of mentor roles"
                      " (senior_resident, faculty, peer)");
    expect_load_error("required_roles_img =\n", IMGO_EUSAGE,
                      "1: required_roles_img: '' is not a comma-separated list of mentor roles"
                      " (senior_resident, faculty, peer)");
}

static void missing_file_is_io(void **state)
{
    (void)state;
    struct imgo_params p;
    struct imgo_err err = IMGO_ERR_INIT;
    params_init(&p);
    assert_int_equal(params_load(&p, "/nonexistent/x.pipeline", &err), IMGO_EIO);
    assert_string_equal(err.msg, "/nonexistent/x.pipeline: cannot read: No such file or directory");
    params_release(&p);
}

static void command_line_overrides(void **state)
{
    (void)state;
    struct imgo_params p;
    struct imgo_err err = IMGO_ERR_INIT;
    params_init(&p);
    assert_int_equal(params_set(&p, "min_cell", "11", &err), IMGO_OK);
    assert_int_equal(p.min_cell, 11);
    assert_int_equal(params_set(&p, "max_mentees", "-1", &err), IMGO_EUSAGE);
    assert_int_equal(p.min_cell, 11);
    assert_int_equal(params_set(&p, "nope", "1", &err), IMGO_EUSAGE);
    assert_string_equal(err.msg, "unknown key 'nope'");
    params_release(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults),
        cmocka_unit_test(load_good_file),
        cmocka_unit_test(version2_keys),
        cmocka_unit_test(load_errors_name_the_line),
        cmocka_unit_test(missing_file_is_io),
        cmocka_unit_test(command_line_overrides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
