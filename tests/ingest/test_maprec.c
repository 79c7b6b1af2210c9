/*
 * test_maprec.c - export records into cohort records (maprec.h): plans made
 * from headers, unpivots, filters, value maps, date formats and labels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "date.h"
#include "map.h"
#include "maprec.h"

/* A record of up to 16 fields given as one '|'-separated string. */
struct rec {
    char text[512];
    char *field[16];
    size_t len[16];
    struct csvread_record r;
};

static const struct csvread_record *record(struct rec *x, long line, const char *fields)
{
    snprintf(x->text, sizeof x->text, "%s", fields);
    size_t n = 0;
    char *s = x->text;
    for (;;) {
        char *bar = strchr(s, '|');
        if (bar)
            *bar = '\0';
        x->field[n] = s;
        x->len[n] = strlen(s);
        n++;
        if (!bar)
            break;
        s = bar + 1;
    }
    x->r.line = line;
    x->r.nfields = n;
    x->r.field = x->field;
    x->r.len = x->len;
    x->r.raw = "";
    x->r.raw_len = 0;
    return &x->r;
}

struct said {
    struct buf text;
    int errors;
};

static void on_header(void *ctx, int is_error, const char *msg)
{
    struct said *s = ctx;
    buf_addf(&s->text, "%s%s\n", is_error ? "" : "warning: ", msg);
    s->errors += is_error;
}

static void on_row(void *ctx, size_t row, const char *label, const char *msg)
{
    struct said *s = ctx;
    buf_addf(&s->text, "%zu:%s: %s\n", row, label, msg);
}

static void load(struct imgo_map *m, const char *text)
{
    struct imgo_err err = IMGO_ERR_INIT;
    map_init(m);
    assert_int_equal(map_parse(m, "t.map", text, strlen(text), &err), 0);
}

/* The text of every field of every row, "a,b,-|..." (- absent). */
static void rows(struct maprec_out *o, struct maprec_plan *p, struct buf *out)
{
    buf_reset(out);
    for (size_t k = 0; k < o->nrows; k++) {
        for (size_t c = 0; c < p->f->ncols; c++) {
            size_t len;
            char *t = maprec_field(o, p, k, c, &len);
            buf_addf(out, "%s%s", c ? "," : "", t ? t : "-");
        }
        buf_adds(out, "\n");
    }
}

static void wide_milestones(void **state)
{
    (void)state;
    struct imgo_map m;
    load(&m, "[milestone_ratings]\nfile = M.csv\ndate format = M/D/YYYY\nresident_id = Resident ID\n"
             "review_date = Review Date\npgy = PGY\nunpivot = PC*, mk1\nsubcompetency = unpivot name\n"
             "rating = unpivot value\ndrop = Notes\n");
    struct rec h, r;
    struct said s = { BUF_INIT, 0 };
    struct maprec_plan p;
    struct maprec_out o;
    struct buf got = BUF_INIT;
    maprec_out_init(&o);
    const struct cohort_file *f = cohort_file(COHORT_MILESTONE_RATINGS);
    assert_int_equal(maprec_plan(&p, &m, f, record(&h, 1, "Resident ID|Review Date|PGY|PC1|PC2|MK1|Notes|Extra"),
                                 NULL, 0, 0, on_header, &s),
                     0);
    assert_string_equal(buf_str(&s.text), "warning: unknown column \"Extra\" ignored\n");
    assert_int_equal(p.nunpivot, 3);
    assert_string_equal(p.unpivot[2].name_label, "MK1 (subcompetency)");
    assert_string_equal(p.unpivot[0].value_label, "PC1 (rating)");
    assert_string_equal(p.label[1], "Review Date (review_date)");
    assert_string_equal(p.label[2], "PGY"); /* the same name: no need to say it twice */

    /* empty cells give no row; the shared columns repeat */
    assert_int_equal(maprec_apply(&p, record(&r, 2, "R1|12/15/2021|1|2.5||3|x|y"), &o, on_row, &s), 0);
    rows(&o, &p, &got);
    assert_string_equal(buf_str(&got), "R1,2021-12-15,1,PC1,2.5\nR1,2021-12-15,1,MK1,3\n");
    assert_string_equal(o.label[1 * 5 + 4], "MK1 (rating)");
    assert_string_equal(o.label[1 * 5 + 1], "Review Date (review_date)");
    /* a record of only empty cells gives nothing */
    assert_int_equal(maprec_apply(&p, record(&r, 3, "R1|12/15/2021|1||||x|y"), &o, on_row, &s), 0);
    assert_int_equal(o.nrows, 0);
    /* a bad shared date is reported once, for the record */
    buf_reset(&s.text);
    assert_int_equal(maprec_apply(&p, record(&r, 4, "R1|2021-12-15|1|2|3|4||"), &o, on_row, &s), 1);
    assert_int_equal(o.nrows, 3);
    assert_string_equal(buf_str(&s.text),
                        "0:Review Date (review_date): \"2021-12-15\" is not a valid date (M/D/YYYY)\n");
    assert_int_equal(o.bad[1], 1);
    assert_int_equal(o.bad[2 * 5 + 1], 1);
    maprec_release(&p);

    /* two unpivoted columns giving one subcompetency refuse the file */
    buf_reset(&s.text);
    s.errors = 0;
    assert_int_equal(maprec_plan(&p, &m, f, record(&h, 1, "Resident ID|Review Date|PGY|PC1|pc1|MK1|Notes"), NULL, 0, 0,
                                 on_header, &s),
                     2);
    assert_string_equal(buf_str(&s.text), "column \"pc1\" appears twice (columns 4 and 5)\n"
                                          "columns \"PC1\" and \"pc1\" both give subcompetency \"pc1\"\n");
    maprec_release(&p);
    maprec_out_release(&o);
    map_release(&m);
    buf_release(&s.text);
    buf_release(&got);
}

static void one_export_many_files(void **state)
{
    (void)state;
    struct imgo_map m;
    load(&m, "[residents]\nfile = x.csv\nrows where = form is empty\nresident_id = id\n"
             "program = constant IM-001\nstart_date = start\nstart_date format = excel\n"
             "graduate_type = img\nspecialty = constant Internal Medicine\n"
             "[residents: graduate_type]\n1 = usmd\n2 = non_us_img\nunknown =\n"
             "[board_exams]\nfile = x.csv\nrows where = form is exams\nresident_id = id\nexam = ex\n"
             "exam_date = day\nattempt = n\nresult = r\n");
    struct rec h, r;
    struct said s = { BUF_INIT, 0 };
    struct maprec_plan p;
    struct maprec_out o;
    struct buf got = BUF_INIT;
    maprec_out_init(&o);
    const char *header = "id|form|start|img|ex|day|n|r";
    const struct map_section *others[] = { &m.files[COHORT_BOARD_EXAMS] };
    assert_int_equal(maprec_plan(&p, &m, cohort_file(COHORT_RESIDENTS), record(&h, 1, header), others, 1, 0,
                                 on_header, &s),
                     0);
    assert_string_equal(buf_str(&s.text), ""); /* the exams' columns are not unknown */
    assert_true(maprec_wanted(&p, record(&r, 2, "R1||44743|2||||")));
    assert_false(maprec_wanted(&p, record(&r, 3, "R1|exams|||ABIM|2024-08-20|1|pass")));
    assert_true(maprec_wanted(&p, record(&r, 4, "R1"))); /* too short: taken, to be reported */
    maprec_apply(&p, record(&r, 2, "R1| |44743|2||||"), &o, on_row, &s);
    rows(&o, &p, &got);
    assert_string_equal(buf_str(&got), "R1,IM-001,Internal Medicine,2022-07-01,-,-,non_us_img,-,-,-,-,-\n");
    maprec_apply(&p, record(&r, 5, "R2||44743|Unknown||||"), &o, on_row, &s);
    rows(&o, &p, &got);
    assert_string_equal(buf_str(&got), "R2,IM-001,Internal Medicine,2022-07-01,-,-,,-,-,-,-,-\n");
    assert_int_equal(o.bad[6], 0); /* mapped to missing: no mapping error */
    buf_reset(&s.text);
    assert_int_equal(maprec_apply(&p, record(&r, 6, "R3||60|3||||"), &o, on_row, &s), 2);
    assert_string_equal(buf_str(&s.text),
                        "0:start (start_date): \"60\" is not a valid date (Excel day number)\n"
                        "0:img (graduate_type): \"3\" has no mapping for graduate_type (mapped: 1, 2, "
                        "unknown; t.map:10)\n");
    maprec_release(&p);

    /* without the other section, its columns are unknown */
    buf_reset(&s.text);
    assert_int_equal(maprec_plan(&p, &m, cohort_file(COHORT_RESIDENTS), record(&h, 1, header), NULL, 0,
                                 MAPREC_STRICT, on_header, &s),
                     4);
    assert_string_equal(buf_str(&s.text), "unknown column \"ex\"\nunknown column \"day\"\nunknown column \"n\"\n"
                                          "unknown column \"r\"\n");
    maprec_release(&p);
    maprec_out_release(&o);
    map_release(&m);
    buf_release(&s.text);
    buf_release(&got);
}

static void header_errors(void **state)
{
    (void)state;
    struct imgo_map m;
    load(&m, "[residents]\nfile = x.csv\nresident_id = Resident ID\nstart_date = Start\n"
             "rows where = Form is empty\n");
    struct rec h;
    struct said s = { BUF_INIT, 0 };
    struct maprec_plan p;
    assert_int_equal(maprec_plan(&p, &m, cohort_file(COHORT_RESIDENTS),
                                 record(&h, 1, "resident id|Program|Specialty||Graduate_Type"), NULL, 0, 0,
                                 on_header, &s),
                     3);
    assert_string_equal(buf_str(&s.text), "column 4 has an empty name\n"
                                          "column \"Start\" is not in the file (the map feeds start_date "
                                          "from it, t.map:4)\n"
                                          "column \"Form\" is not in the file (rows where, t.map:5)\n");
    assert_string_equal(p.label[0], "resident id (resident_id)");
    assert_string_equal(p.label[1], "Program");
    maprec_release(&p);
    map_release(&m);
    /* a section-less file: columns by name, a required one missing */
    load(&m, "date format = D/M/YYYY\n");
    buf_reset(&s.text);
    assert_int_equal(maprec_plan(&p, &m, cohort_file(COHORT_RESIDENTS),
                                 record(&h, 1, "resident_id|program|start_date|graduate_type"), NULL, 0, 0,
                                 on_header, &s),
                     1);
    assert_string_equal(buf_str(&s.text), "required column \"specialty\" is missing\n");
    assert_int_equal(p.date_fmt[3], DATE_FMT_DMY);
    maprec_release(&p);
    map_release(&m);
    buf_release(&s.text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wide_milestones),
        cmocka_unit_test(one_export_many_files),
        cmocka_unit_test(header_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
