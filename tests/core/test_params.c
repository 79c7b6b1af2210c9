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
    assert_int_equal(p.has_mentorship_launch, 0);
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
    assert_int_equal(p.has_mentorship_launch, 1);
    assert_int_equal(p.mentorship_launch, date_from_ymd(2023, 7, 1));
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
    assert_int_equal(p.has_mentorship_launch, 0);
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
    expect_load_error("report = monthly\n", IMGO_EUSAGE, "1: report: 'monthly' is not annual, quarterly or institution");
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

/* Every row of the table: its default parses, params_init applies it, and
 * the formatted value reads back to the same value. */
static void table_defaults_round_trip(void **state)
{
    (void)state;
    struct imgo_params p, q;
    struct imgo_err err = IMGO_ERR_INIT;
    char a[256], b[256];
    params_init(&p);
    params_init(&q);
    int n = 0;
    for (const struct params_key *k = params_table; k->key; k++, n++) {
        assert_string_equal(params_keys[n], k->key);
        assert_ptr_equal(params_key_find(k->key), k);
        assert_non_null(k->help);
        assert_non_null(k->range);
        assert_non_null(params_type_name(k->type));
        assert_int_equal(params_set(&q, k->key, k->def, &err), IMGO_OK);
        params_format(&p, k->key, a, sizeof a);
        assert_int_equal(params_set(&q, k->key, a, &err), IMGO_OK);
        params_format(&q, k->key, b, sizeof b);
        assert_string_equal(a, b);
        /* an empty value is allowed exactly where the table says what it means */
        assert_int_equal(params_set(&q, k->key, "", &err) == IMGO_OK, k->empty != NULL);
    }
    assert_null(params_keys[n]);
    assert_true(n >= 11); /* the keys run.json has always had */
    assert_null(params_key_find("min_cel"));
    params_release(&p);
    params_release(&q);
}

/* Messages come from the table's range text; the value is left alone. */
static void table_messages(void **state)
{
    (void)state;
    struct imgo_params p;
    struct imgo_err err = IMGO_ERR_INIT;
    params_init(&p);
    assert_int_equal(params_set(&p, "fdr_q", "0", &err), IMGO_EUSAGE);
    assert_string_equal(err.msg, "fdr_q: '0' is not a number in (0, 1]");
    assert_int_equal(params_set(&p, "fdr_q", "1", &err), IMGO_OK);
    assert_true(p.fdr_q == 1);
    assert_int_equal(params_set(&p, "board_pass_threshold", "1.01", &err), IMGO_EUSAGE);
    assert_string_equal(err.msg, "board_pass_threshold: '1.01' is not a number from 0 to 1");
    assert_int_equal(params_set(&p, "board_pass_threshold", "0", &err), IMGO_OK);
    assert_true(p.board_pass_threshold == 0);
    assert_int_equal(params_set(&p, "confidence", "0.5", &err), IMGO_EUSAGE);
    assert_int_equal(params_set(&p, "confidence", "1", &err), IMGO_EUSAGE);
    assert_true(p.confidence == 0.95);
    assert_int_equal(params_set(&p, "max_mentees", "0", &err), IMGO_OK);
    assert_int_equal(p.max_mentees, 0);
    assert_int_equal(params_set(&p, "max_mentees", "-1", &err), IMGO_EUSAGE);
    assert_string_equal(err.msg, "max_mentees: '-1' is not a whole number >= 0");
    assert_int_equal(params_set(&p, "min_evaluator_n", "1000001", &err), IMGO_EUSAGE);
    assert_string_equal(err.msg, "min_evaluator_n: '1000001' is not a whole number >= 1");
    assert_int_equal(params_set(&p, "stages", "  ", &err), IMGO_EUSAGE);
    assert_string_equal(err.msg, "stages: names no stage");
    assert_int_equal(params_set(&p, "stages", "compute compute", &err), IMGO_EUSAGE);
    assert_string_equal(err.msg, "stages: 'compute' is named twice");
    assert_int_equal(p.n_stages, 3);
    assert_int_equal(params_set(&p, "as_of", "2025-06-30", &err), IMGO_OK);
    assert_int_equal(params_set(&p, "as_of", "", &err), IMGO_OK);
    assert_int_equal(p.has_as_of, 0);
    assert_int_equal(params_set(&p, "board_exams", "abim-im", &err), IMGO_OK);
    assert_int_equal(params_set(&p, "board_exams", "", &err), IMGO_OK);
    assert_null(p.board_exams);
    assert_int_equal(params_set(&p, "step3_exam", "", &err), IMGO_EUSAGE);
    assert_string_equal(err.msg, "step3_exam: '' is not one exam name");
    assert_string_equal(p.step3_exam, "USMLE-STEP3");
    char out[8];
    params_format(&p, "stages", out, sizeof out); /* truncated, still a string */
    assert_string_equal(out, "ingest ");
    params_format(&p, "nope", out, sizeof out);
    assert_string_equal(out, "");
    params_release(&p);
}

static void set_pair(void **state)
{
    (void)state;
    struct imgo_params p;
    struct imgo_err err = IMGO_ERR_INIT;
    params_init(&p);
    assert_int_equal(params_set_pair(&p, "min_cell=7", &err), IMGO_OK);
    assert_int_equal(p.min_cell, 7);
    assert_int_equal(params_set_pair(&p, "board_exams=a=b", &err), IMGO_OK);
    assert_string_equal(p.board_exams, "A=B");
    assert_int_equal(params_set_pair(&p, "as_of=", &err), IMGO_OK);
    assert_int_equal(params_set_pair(&p, "min_cell", &err), IMGO_EUSAGE);
    assert_string_equal(err.msg, "'min_cell' is not KEY=VALUE");
    assert_int_equal(params_set_pair(&p, "=5", &err), IMGO_EUSAGE);
    assert_string_equal(err.msg, "unknown key ''");
    assert_int_equal(params_set_pair(&p, "min_cell=", &err), IMGO_EUSAGE);
    assert_string_equal(err.msg, "min_cell: '' is not a whole number >= 1");
    assert_int_equal(p.min_cell, 7);
    params_release(&p);
}

/* The pipelines shipped in pipelines/ document every key of the table: a
 * comment right above a `key = value` line. They hold the defaults (the
 * quarterly one differs in report only), as their header says. */
static void check_pipeline_file(const char *file, const char *report)
{
    FILE *f = fopen(file, "r");
    assert_non_null(f);
    char lines[200][256];
    int n = 0;
    while (n < 200 && fgets(lines[n], sizeof lines[n], f))
        n++;
    fclose(f);
    for (const struct params_key *k = params_table; k->key; k++) {
        size_t len = strlen(k->key);
        int at = -1;
        for (int i = 0; i < n; i++) {
            const char *s = lines[i] + len;
            while (*s == ' ')
                s++;
            if (!strncmp(lines[i], k->key, len) && *s == '=')
                at = i;
        }
        if (at < 1 || lines[at - 1][0] != '#')
            fail_msg("%s: no '# comment' and '%s = value' lines", file, k->key);
    }
    struct imgo_params p, d;
    struct imgo_err err = IMGO_ERR_INIT;
    params_init(&p);
    params_init(&d);
    assert_int_equal(params_load(&p, file, &err), IMGO_OK);
    assert_int_equal(params_set(&d, "report", report, &err), IMGO_OK);
    for (const struct params_key *k = params_table; k->key; k++) {
        char a[256], b[256];
        params_format(&p, k->key, a, sizeof a);
        params_format(&d, k->key, b, sizeof b);
        if (strcmp(a, b))
            fail_msg("%s: %s = %s, the default is %s", file, k->key, a, b);
    }
    params_release(&p);
    params_release(&d);
}

static void shipped_pipelines_document_every_key(void **state)
{
    (void)state;
    check_pipeline_file("pipelines/annual.pipeline", "annual");
    check_pipeline_file("pipelines/quarterly.pipeline", "quarterly");
    check_pipeline_file("pipelines/institution.pipeline", "institution");
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
        cmocka_unit_test(table_defaults_round_trip),
        cmocka_unit_test(table_messages),
        cmocka_unit_test(set_pair),
        cmocka_unit_test(shipped_pipelines_document_every_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
