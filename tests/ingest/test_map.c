/*
 * test_map.c - the import map parser and its look-ups (map.h).
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
#include "encoding.h"
#include "map.h"

static int parse(struct imgo_map *m, const char *text, struct imgo_err *err)
{
    map_init(m);
    return map_parse(m, "x.map", text, strlen(text), err);
}

/* The message of a map that must fail. */
static const char *fails(const char *text)
{
    static struct imgo_err err;
    struct imgo_map m;
    imgo_err_clear(&err);
    int rc = parse(&m, text, &err);
    map_release(&m);
    assert_int_equal(rc, IMGO_EUSAGE);
    return err.msg;
}

static const char rms[] =
    "\xEF\xBB\xBF# A residency-management export\r\n"
    "[map]\r\n"
    "Date Format = M/D/YYYY   # every file\r\n"
    "\n"
    "[Residents.CSV]\n"
    "file = Residents*.csv\n"
    "Resident ID = \"Resident ID\"\n"
    "program = constant IM-001\n"
    "graduate_type = IMG Status\n"
    "start date = Start Date\n"
    "end_date format = excel\n"
    "drop = Email, \"Notes, # internal\", Pager\n"
    "encoding = Windows-1252\n"
    "delimiter = ;\n"
    "\n"
    "[residents : Graduate Type]\n"
    "IMG (non-US) = non_us_img\n"
    "  US   IMG   = US_IMG\n"
    "\"a = b\" = usmd   # quoted to hold '='\n"
    "N/A =\n"
    "\n"
    "[milestone ratings]\n"
    "file = Milestones.csv\n"
    "rows where = \"Form Name\" is milestones\n"
    "unpivot = PC*, MK1\n"
    "subcompetency = unpivot name\n"
    "rating = Unpivot Value\n"
    "[ccc_actions]\n"
    "file = CCC.csv\n"
    "rows where = redcap_repeat_instrument is empty\n";

static void a_whole_map(void **state)
{
    (void)state;
    struct imgo_map m;
    struct imgo_err err = IMGO_ERR_INIT;
    int rc = parse(&m, rms, &err);
    assert_string_equal(err.msg, "");
    assert_int_equal(rc, 0);
    assert_string_equal(m.path, "x.map");
    assert_int_equal(m.date_fmt, DATE_FMT_MDY);
    assert_int_equal(m.encoding, -1);
    const struct map_section *r = &m.files[COHORT_RESIDENTS];
    assert_int_equal(r->line, 5);
    assert_string_equal(r->glob, "Residents*.csv");
    assert_int_equal(r->cols[0].source, MAP_COLUMN);
    assert_string_equal(r->cols[0].text, "Resident ID");
    assert_int_equal(r->cols[1].source, MAP_CONSTANT);
    assert_string_equal(r->cols[1].text, "IM-001");
    assert_int_equal(r->cols[2].source, MAP_BY_NAME);
    assert_string_equal(r->cols[3].text, "Start Date");
    assert_int_equal(r->cols[4].date_fmt, DATE_FMT_EXCEL);
    assert_int_equal(r->ndrop, 3);
    assert_string_equal(r->drop[1], "Notes, # internal");
    assert_int_equal(map_encoding(&m, COHORT_RESIDENTS), ENC_WINDOWS_1252);
    assert_int_equal(map_delim(&m, COHORT_RESIDENTS), ';');
    assert_int_equal(map_delim(&m, COHORT_BOARD_EXAMS), 0);
    assert_int_equal(map_encoding(&m, COHORT_BOARD_EXAMS), -1);
    assert_int_equal(map_date_fmt(&m, COHORT_RESIDENTS, 3), DATE_FMT_MDY);
    assert_int_equal(map_encoding(&m, COHORT_MILESTONE_RATINGS), -1);
    assert_int_equal(map_date_fmt(&m, COHORT_RESIDENTS, 4), DATE_FMT_EXCEL);

    const struct map_column *g = &r->cols[6];
    assert_int_equal(g->values_line, 16);
    assert_int_equal(g->nvalues, 4);
    assert_string_equal(g->values[0].shown, "IMG (non-US)");
    assert_string_equal(g->values[0].to, "non_us_img");
    assert_string_equal(g->values[1].from, "us img");
    assert_string_equal(g->values[1].to, "us_img");
    assert_string_equal(g->values[2].shown, "a = b");
    assert_string_equal(g->values[3].to, "");
    struct buf scratch = BUF_INIT;
    const struct map_value *v = map_lookup(g, "  img (NON-us) ", 15, &scratch);
    assert_non_null(v);
    assert_string_equal(v->to, "non_us_img");
    assert_non_null(map_lookup(g, "US\tIMG", 6, &scratch));
    assert_null(map_lookup(g, "USIMG", 5, &scratch));
    assert_null(map_lookup(g, "non_us_img", 10, &scratch));
    buf_release(&scratch);

    const struct map_section *ms = &m.files[COHORT_MILESTONE_RATINGS];
    assert_string_equal(ms->where_col, "Form Name");
    assert_string_equal(ms->where_val, "milestones");
    assert_int_equal(ms->nunpivot, 2);
    assert_int_equal(ms->cols[3].source, MAP_UNPIVOT_NAME);
    assert_int_equal(ms->cols[4].source, MAP_UNPIVOT_VALUE);
    assert_string_equal(m.files[COHORT_CCC_ACTIONS].where_val, "");
    assert_int_equal(m.ntodos, 0);
    map_release(&m);
}

static void todos_are_listed(void **state)
{
    (void)state;
    struct imgo_map m;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(parse(&m, "[residents]\nfile = TODO\nresident_id = todo  # which column?\n"
                               "program = \"TODO\"\n[residents: visa]\nJ-1 = j1\nF-1 = TODO\n",
                           &err),
                     0);
    assert_int_equal(m.ntodos, 3);
    assert_int_equal(m.todos[0].line, 2);
    assert_string_equal(m.todos[0].what, "file of [residents]");
    assert_int_equal(m.todos[1].line, 3);
    assert_string_equal(m.todos[1].what, "resident_id of [residents]");
    assert_int_equal(m.todos[2].line, 7);
    assert_string_equal(m.todos[2].what, "value \"F-1\" of [residents: visa]");
    /* a quoted "TODO" is a column of that name */
    assert_string_equal(m.files[0].cols[1].text, "TODO");
    map_release(&m);
}

static void errors_name_their_line(void **state)
{
    (void)state;
    assert_string_equal(fails("[residents]\nfile = R.csv\nresident_id\n"),
                        "x.map:3: expected 'setting = value' or a [section]");
    assert_string_equal(fails("# x\n[resident]\n"),
                        "x.map:2: unknown cohort file 'resident' (sections: map, residents, "
                        "mentor_assignments, mentorship_meetings, board_exams, "
                        "fellowship_applications, milestone_ratings, evaluations, feedback, "
                        "ccc_actions, employment, patient_experience)");
    assert_string_equal(fails("[board_exams: results]\n"),
                        "x.map:1: unknown column 'results' of board_exams.csv (columns: "
                        "resident_id, exam, exam_date, attempt, result, score)");
    assert_string_equal(fails("[board_exams]\nfile = B.csv\nexam date = Date\nresults = R\n"),
                        "x.map:4: unknown setting 'results' in [board_exams] (settings: file, "
                        "encoding, delimiter, date format, rows where, drop, unpivot, COLUMN, "
                        "COLUMN format; columns: resident_id, exam, exam_date, attempt, result, "
                        "score)");
    assert_string_equal(fails("[board_exams]\nfile = B.csv\nexam = Exam\nExam = Test\n"),
                        "x.map:4: 'exam' is set twice (first on line 3)");
    assert_string_equal(fails("[board_exams]\nfile = B.csv\n[Board Exams.csv]\n"),
                        "x.map:3: section [Board Exams.csv] appears twice (first on line 1)");
    assert_string_equal(fails("[map]\n[map]\n"), "x.map:2: [map] appears twice (first on line 1)");
    assert_string_equal(fails("[board_exams: result]\nP = pass\np = fail\n"),
                        "x.map:3: value \"p\" is mapped twice (first on line 2)");
    assert_string_equal(fails("[board_exams: result]\nP = passed\n"),
                        "x.map:2: result: \"passed\" is not one of pass, fail");
    assert_string_equal(fails("[board_exams: attempt]\nfirst = 1st\n"),
                        "x.map:2: attempt: \"1st\" is not an integer");
    assert_string_equal(fails("[board_exams: result]\n = pass\n"),
                        "x.map:2: an empty export value cannot be mapped (an empty cell is a "
                        "missing value)");
    assert_string_equal(fails("encoding = ebcdic\n"),
                        "x.map:1: encoding: 'ebcdic' is not one of utf-8, windows-1252, latin-1, detect");
    assert_string_equal(fails("[map]\ndelimiter = |\n"),
                        "x.map:2: delimiter: '|' is not one of , ; tab detect");
    assert_string_equal(fails("date format = YY/MM/DD\n"),
                        "x.map:1: date format: 'YY/MM/DD' is not one of YYYY-MM-DD (ISO), M/D/YYYY, "
                        "D/M/YYYY, D-Mon-YYYY, Excel");
    assert_string_equal(fails("[map]\nfile = x.csv\n"),
                        "x.map:2: unknown setting 'file' in [map] (settings: encoding, delimiter, "
                        "date format; the settings of one file go in its own section)");
    assert_string_equal(fails("[residents]\nfile = R.csv\nprogram = constant \n"),
                        "x.map:3: program: constant of what value?");
    assert_string_equal(fails("[residents]\nfile = R.csv\nvisa = constant J-1\n"),
                        "x.map:3: visa: constant \"J-1\" is not one of none, j1, h1b, other");
    assert_string_equal(fails("[residents]\nfile = R.csv\nprogram =\n"),
                        "x.map:3: program: give the export column that feeds it, 'constant VALUE', or TODO");
    assert_string_equal(fails("[residents]\nfile = R.csv\nvisa format = excel\n"),
                        "x.map:3: 'visa format': visa is not a date column");
    assert_string_equal(fails("[residents]\nfile = R.csv\nprogram = constant IM\n[residents: program]\nx = y\n"),
                        "x.map:4: program is a constant (line 3): its values cannot be mapped");
    assert_string_equal(fails("[residents]\nresident_id = ID\n"),
                        "x.map:1: [residents] has no 'file = ...' (the export file that feeds it)");
    assert_string_equal(fails("[milestone_ratings]\nfile = M.csv\nunpivot = PC1, PC2\nrating = unpivot value\n"),
                        "x.map:3: unpivot needs a column set to 'unpivot name' and one set to "
                        "'unpivot value'");
    assert_string_equal(fails("[milestone_ratings]\nfile = M.csv\nunpivot = PC1\npgy = unpivot name\n"
                              "rating = unpivot value\n"),
                        "x.map:4: pgy is not a key column of milestone_ratings.csv, so it cannot be "
                        "the unpivot name (each unpivoted row needs a key of its own)");
    assert_string_equal(fails("[milestone_ratings]\nfile = M.csv\nrating = unpivot value\n"),
                        "x.map:3: rating is an unpivot value, but [milestone_ratings] has no "
                        "'unpivot = COLUMNS'");
    assert_string_equal(fails("[milestone_ratings]\nfile = M.csv\nunpivot = PC1,,PC2\n"),
                        "x.map:3: unpivot: an empty name in the list");
    assert_string_equal(fails("[residents]\nfile = \"R.csv\n"),
                        "x.map:2: file: a quote is not closed, or text follows it");
    assert_string_equal(fails("[residents]\nfile = R.csv\nrows where = Form\n"),
                        "x.map:3: rows where: write 'rows where = COLUMN is VALUE' or 'COLUMN is empty'");
    assert_string_equal(fails("[residents\n"), "x.map:1: a section is written [NAME] or [FILE: COLUMN]");
    {
        struct imgo_map m;
        struct imgo_err err = IMGO_ERR_INIT;
        map_init(&m);
        assert_int_equal(map_parse(&m, "x.map", "# ok\nfile = a\0b\n", 15, &err), IMGO_EUSAGE);
        assert_string_equal(err.msg, "x.map:2: a NUL byte (is this a text file?)");
        map_release(&m);
    }
    assert_string_equal(fails("[residents]\nfile = R\xE9sidents.csv\n"),
                        "x.map:2: not valid UTF-8 (save the map as UTF-8)");
}

/* A map that fails leaves nothing behind (and nothing leaks). */
static void failed_map_is_empty(void **state)
{
    (void)state;
    struct imgo_map m;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(parse(&m, "[residents]\nfile = R.csv\ndrop = a, b\nprogram = constant X\n"
                               "[residents: graduate_type]\nIMG = non_us_img\nF-1 = TODO\nbad line\n",
                           &err),
                     IMGO_EUSAGE);
    assert_null(m.files[0].glob);
    assert_int_equal(m.ntodos, 0);
    assert_int_equal(m.files[0].ndrop, 0);
    map_release(&m);
}

/* "detect" in a file's section overrides the map's setting. */
static void detect_overrides(void **state)
{
    (void)state;
    struct imgo_map m;
    struct imgo_err err = IMGO_ERR_INIT;
    assert_int_equal(parse(&m, "encoding = latin-1\ndelimiter = ;\n[residents]\nfile = r.csv\n"
                               "encoding = detect\ndelimiter = Detect\n",
                           &err),
                     0);
    assert_int_equal(map_encoding(&m, COHORT_RESIDENTS), -1);
    assert_int_equal(map_delim(&m, COHORT_RESIDENTS), 0);
    assert_int_equal(map_encoding(&m, COHORT_FEEDBACK), ENC_LATIN1);
    assert_int_equal(map_delim(&m, COHORT_FEEDBACK), ';');
    map_release(&m);
}

static void globs(void **state)
{
    (void)state;
    assert_true(map_glob_match("Residents*.csv", "RESIDENTS_2024.CSV"));
    assert_true(map_glob_match("residents.csv", "Residents.csv"));
    assert_true(map_glob_match("*_DATA_*.csv", "IMGMentorship_DATA_2025-07-01_1200.csv"));
    assert_true(map_glob_match("Board Exams?.csv", "board examsX.csv"));
    assert_false(map_glob_match("Residents*.csv", "Residents.xlsx"));
    assert_false(map_glob_match("Board Exams.csv", "BoardExams.csv"));
    assert_true(map_glob_match("C\xC3\xB4te.csv", "C\xC3\x94TE.CSV"));
}

static void folding(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    map_fold("  IMG   (non-US)\t", 17, &b);
    assert_string_equal(buf_str(&b), "img (non-us)");
    buf_reset(&b);
    map_fold("C\xC3\x94TE D'IVOIRE", 14, &b); /* CÔTE: U+00D4 folds to U+00F4 */
    assert_string_equal(buf_str(&b), "c\xC3\xB4te d'ivoire");
    buf_reset(&b);
    map_norm(" Start  Date-Format ", 20, &b);
    assert_string_equal(buf_str(&b), "start_date_format");
    buf_release(&b);
}

static void load_and_digest(void **state)
{
    (void)state;
    struct imgo_map m;
    struct imgo_err err = IMGO_ERR_INIT;
    map_init(&m);
    assert_int_equal(map_load(&m, "/nonexistent/x.map", &err), IMGO_EIO);
    assert_string_equal(err.msg, "/nonexistent/x.map: cannot read: No such file or directory");
    char path[] = "/tmp/imgo-map-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    /* The SHA-256 of no bytes (FIPS 180-2's empty message). */
    assert_int_equal(map_load(&m, path, &err), 0);
    assert_string_equal(m.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_string_equal(m.path, path);
    map_release(&m);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_whole_map),
        cmocka_unit_test(todos_are_listed),
        cmocka_unit_test(errors_name_their_line),
        cmocka_unit_test(failed_map_is_empty),
        cmocka_unit_test(detect_overrides),
        cmocka_unit_test(globs),
        cmocka_unit_test(folding),
        cmocka_unit_test(load_and_digest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
