/*
 * test_xlsx.c - OUT/tables.xlsx (xlsx.h) from a database computed on
 * fixtures/tiny, read back part by part with `unzip -p`: sheet names and
 * order, numeric, text and empty cells against the database, the style of
 * suppressed rows and of the header, the frozen pane, sheet names made
 * valid, the file mode, byte-identical output a second apart, the creation
 * date, and failures that leave the previous file in place.
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
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "compute.h"
#include "db.h"
#include "ingest.h"
#include "metrics.h"
#include "params.h"
#include "xlsx.h"

static char dir[128], dbpath[160], out[160], book[200];
static sqlite3 *db;

static void quiet(void *ctx, int is_warning, const char *msg)
{
    (void)ctx;
    (void)is_warning;
    (void)msg;
}

static void sql(const char *text)
{
    struct imgo_err err = IMGO_ERR_INIT;
    if (db_exec(db, text, &err))
        fail_msg("%s: %s", text, err.msg);
}

/* fixtures/tiny ingested and computed with min_cell 1, so that rows with
 * n = 0 are suppressed and the others are not. */
static int setup(void **state)
{
    (void)state;
    struct imgo_err err = IMGO_ERR_INIT;
    snprintf(dir, sizeof dir, "/tmp/imgo-xlsx-test-%d", (int)getpid());
    snprintf(dbpath, sizeof dbpath, "%s/c.db", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(book, sizeof book, "%s/tables.xlsx", out);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0 || mkdir(dir, 0700))
        return -1;
    if (db_open(dbpath, 0, &db, &err))
        return -1;
    struct ingest ig;
    struct ingest_opts o = { 0 };
    o.sink.message = quiet;
    if (ingest_init(&ig, db, &o, &err))
        return -1;
    int st = ingest_dir(&ig, "fixtures/tiny", 1, &err);
    ingest_release(&ig);
    if (st)
        return -1;
    struct imgo_params p;
    params_init(&p);
    p.min_cell = 1;
    st = compute_run(db, &p, out, &err);
    params_release(&p);
    if (st)
        print_message("compute_run: %s\n", err.msg);
    return st ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    db_close(db);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) != 0;
}

/* One part of the zip, as text (the caller frees it). */
static char *part(const char *xlsx, const char *name)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "unzip -p '%s' '%s'", xlsx, name);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    struct buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, n);
    assert_int_equal(pclose(f), 0);
    if (!b.len)
        fail_msg("%s: no part %s", xlsx, name);
    return buf_detach(&b, NULL);
}

static char *sheet(int i)
{
    char name[64];
    snprintf(name, sizeof name, "xl/worksheets/sheet%d.xml", i);
    return part(book, name);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    struct buf b = BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return buf_detach(&b, NULL);
}

/* The <row r="R" ...>...</row> element of a sheet, copied. */
static char *row_of(const char *xml, long r)
{
    char tag[32];
    snprintf(tag, sizeof tag, "<row r=\"%ld\" ", r);
    const char *s = strstr(xml, tag);
    if (!s)
        fail_msg("no row %ld", r);
    const char *e = strstr(s, "</row>");
    assert_non_null(e);
    return strndup(s, (size_t)(e - s) + 6);
}

/* The <c r="REF" .../> or <c ...>...</c> element in row, copied; NULL
 * when the row has no such cell. */
static char *cell_of(const char *row, const char *ref)
{
    char tag[32];
    snprintf(tag, sizeof tag, "<c r=\"%s\"", ref);
    const char *s = strstr(row, tag);
    if (!s)
        return NULL;
    const char *close = strchr(s, '>');
    assert_non_null(close);
    const char *e = close[-1] == '/' ? close + 1 : strstr(s, "</c>") + 4;
    return strndup(s, (size_t)(e - s));
}

static long count_of(const char *hay, const char *needle)
{
    long n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The s attribute of a cell element, -1 when it has none. */
static long style_of(const char *cell)
{
    const char *s = strstr(cell, " s=\"");
    return s && s < strchr(cell, '>') ? strtol(s + 4, NULL, 10) : -1;
}

/* The <font> element behind cell style xf (styles.xml: cellXfs -> fontId). */
static char *font_of_style(const char *styles, long xf)
{
    const char *p = strstr(styles, "<cellXfs");
    assert_non_null(p);
    for (long i = 0; i <= xf; i++) {
        p = strstr(p + 1, "<xf ");
        assert_non_null(p);
    }
    const char *f = strstr(p, "fontId=\"");
    assert_non_null(f);
    long font = strtol(f + 8, NULL, 10);
    const char *q = strstr(styles, "<fonts");
    assert_non_null(q);
    for (long i = 0; i <= font; i++) {
        q = strstr(q + 1, "<font>");
        assert_non_null(q);
    }
    return strndup(q, (size_t)(strstr(q, "</font>") - q));
}

/* The <v> of a cell as a number. */
static double value_of(const char *cell)
{
    const char *v = strstr(cell, "<v>");
    if (!v)
        fail_msg("no value in %s", cell);
    return strtod(v + 3, NULL);
}

static const char *const sheet_order[] = {
    "metrics",          "retention_km", "workforce_km",     "board_pass",       "step3_visa",
    "fellowship_match", "mentorship_cadence", "mentor_load", "milestone_forest", "evaluator_funnel",
    "feedback_forest",  "trend_first_year_retention", "trend_adverse_action", "trend_milestone_gap",
    "institution_board_funnel", "institution_adverse_funnel",
};
#define N_SHEETS 16

static void write_book(void)
{
    struct imgo_err err = IMGO_ERR_INIT;
    int rc = xlsx_write_tables(db, book, &err);
    if (rc)
        fail_msg("xlsx_write_tables: %s", err.msg);
}

static void sheets_in_order(void **state)
{
    (void)state;
    unsetenv("SOURCE_DATE_EPOCH");
    mode_t old = umask(022);
    write_book();
    umask(old);
    struct stat sb;
    assert_int_equal(stat(book, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    char *wbx = part(book, "xl/workbook.xml");
    const char *at = wbx;
    for (int i = 0; i < N_SHEETS; i++) {
        char tag[96];
        snprintf(tag, sizeof tag, "<sheet name=\"%s\" sheetId=\"%d\"", sheet_order[i], i + 1);
        const char *s = strstr(at, tag);
        if (!s)
            fail_msg("sheet %d is not %s: %s", i + 1, sheet_order[i], wbx);
        at = s;
    }
    assert_int_equal(count_of(wbx, "<sheet "), N_SHEETS);
    free(wbx);

    /* every sheet: the header row frozen; rows = 1 + the table's rows */
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM chart_points WHERE chart = ?1", -1, &st, NULL),
                     SQLITE_OK);
    for (int i = 0; i < N_SHEETS; i++) {
        char *x = sheet(i + 1);
        assert_non_null(strstr(x, "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"));
        assert_null(strstr(x, "<f>")); /* no formula anywhere */
        long want;
        if (i == 0) {
            sqlite3_stmt *m;
            sqlite3_prepare_v2(db, "SELECT count(*) FROM metrics", -1, &m, NULL);
            sqlite3_step(m);
            want = sqlite3_column_int(m, 0);
            sqlite3_finalize(m);
        } else {
            sqlite3_reset(st);
            sqlite3_bind_text(st, 1, sheet_order[i], -1, SQLITE_STATIC);
            assert_int_equal(sqlite3_step(st), SQLITE_ROW);
            want = sqlite3_column_int(st, 0);
        }
        if (count_of(x, "<row ") != 1 + want)
            fail_msg("%s: %ld rows, want %ld", sheet_order[i], count_of(x, "<row "), 1 + want);
        free(x);
    }
    sqlite3_finalize(st);

    /* metrics.csv and the metrics sheet have the same number of rows */
    char csv[220];
    snprintf(csv, sizeof csv, "%s/metrics.csv", out);
    size_t len;
    char *text = slurp(csv, &len);
    char *m = sheet(1);
    assert_int_equal(count_of(text, "\n"), count_of(m, "<row "));
    free(m);
    free(text);

    char *core = part(book, "docProps/core.xml");
    assert_non_null(strstr(core, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">1980-01-01T00:00:00Z<"));
    free(core);
}

/* Row by row against table metrics in metrics.csv's order. */
static void cells_and_styles(void **state)
{
    (void)state;
    write_book();
    char *m = sheet(1), *styles = part(book, "xl/styles.xml");
    /* the header: bold text */
    char *hrow = row_of(m, 1), *h = cell_of(hrow, "A1");
    assert_non_null(strstr(h, "t=\"s\""));
    char *font = font_of_style(styles, style_of(h));
    assert_non_null(strstr(font, "<b/>"));
    free(font);
    free(h);
    free(hrow);

    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT n, value, q_value, suppressed FROM metrics"
                                        " ORDER BY metric, \"group\", stratum, period",
                                        -1, &st, NULL),
                     SQLITE_OK);
    long r = 1, n_supp = 0, n_plain = 0, n_value = 0, n_empty = 0;
    long supp_style = -2;
    while (sqlite3_step(st) == SQLITE_ROW) {
        r++;
        char ref[32];
        char *row = row_of(m, r);
        int supp = sqlite3_column_int(st, 3);
        /* text: a shared string */
        snprintf(ref, sizeof ref, "A%ld", r);
        char *a = cell_of(row, ref);
        assert_non_null(a);
        assert_non_null(strstr(a, "t=\"s\""));
        /* n: a number cell (no t attribute) with the database's value */
        snprintf(ref, sizeof ref, "E%ld", r);
        char *e = cell_of(row, ref);
        assert_non_null(e);
        assert_null(strstr(e, " t=\""));
        assert_true(value_of(e) == (double)sqlite3_column_int64(st, 0));
        /* value: the number metrics.csv prints, or an empty cell */
        snprintf(ref, sizeof ref, "G%ld", r);
        char *g = cell_of(row, ref);
        if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
            char num[64];
            metric_format_number(sqlite3_column_double(st, 1), num, sizeof num);
            assert_non_null(g);
            assert_null(strstr(g, " t=\""));
            assert_true(value_of(g) == strtod(num, NULL));
            n_value++;
        } else if (g) {
            assert_null(strstr(g, "<v>"));
        }
        /* q_value NULL: no cell, or (suppressed) a styled blank */
        snprintf(ref, sizeof ref, "K%ld", r);
        char *k = cell_of(row, ref);
        if (sqlite3_column_type(st, 2) == SQLITE_NULL) {
            if (supp) {
                assert_non_null(k);
                assert_null(strstr(k, "<v>"));
            } else {
                assert_null(k);
            }
            n_empty++;
        }
        if (supp) {
            /* every one of the 12 cells carries the one suppressed style */
            long s = style_of(a);
            if (supp_style == -2)
                supp_style = s;
            assert_true(s >= 0 && s == supp_style);
            char attr[32];
            snprintf(attr, sizeof attr, " s=\"%ld\"", s);
            assert_int_equal(count_of(row, "<c "), 12);
            assert_int_equal(count_of(row, attr), 12);
            n_supp++;
        } else {
            assert_int_equal(style_of(a), -1);
            assert_int_equal(style_of(e), -1);
            n_plain++;
        }
        free(k);
        free(g);
        free(e);
        free(a);
        free(row);
    }
    sqlite3_finalize(st);
    /* the data must exercise both kinds of row and both kinds of cell */
    assert_true(n_supp > 0 && n_plain > 0 && n_value > 0 && n_empty > 0);
    font = font_of_style(styles, supp_style);
    assert_non_null(strstr(font, "<i/>"));
    assert_non_null(strstr(font, "<color rgb=\"FF808080\"/>"));
    free(font);
    free(styles);
    free(m);
}

/* The same data a second later: the same bytes. SOURCE_DATE_EPOCH sets
 * the document date and nothing else. */
static void deterministic(void **state)
{
    (void)state;
    unsetenv("SOURCE_DATE_EPOCH");
    write_book();
    size_t la, lb;
    char *a = slurp(book, &la);
    sleep(1);
    write_book();
    char *b = slurp(book, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(b);
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    write_book();
    char *core = part(book, "docProps/core.xml");
    assert_non_null(strstr(core, ">2023-11-14T22:13:20Z</dcterms:created>"));
    free(core);
    setenv("SOURCE_DATE_EPOCH", "0", 1); /* libxlsxwriter would read 0 as now */
    write_book();
    b = slurp(book, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    unsetenv("SOURCE_DATE_EPOCH");
    free(b);
    free(a);
}

/* Charts the list of docs/TABLES.md does not name still get a sheet, in
 * byte order, under a name Excel accepts. */
static void sheet_names_made_valid(void **state)
{
    (void)state;
    sql("INSERT INTO chart_points (chart, seq, series, label, x, n, k, value, ci_low, ci_high, suppressed)"
        " VALUES ('Metrics', 1, 's', '=1+1', 1, 2, 1, 0.5, NULL, NULL, 0),"
        " ('''quoted''', 1, 's', '', 2, 3, 1, NULL, NULL, NULL, 1),"
        " ('a/b:c*d?e[f]g\\h: a name longer than thirty-one characters', 1, 's', 'x', 3, 4, 1, 0.25, 0.1, 0.4, 0),"
        " ('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' || char(233), 1, 's', 'y', 4, 5, 1, 0.2, 0.1, 0.3, 0)");
    write_book();
    char *wbx = part(book, "xl/workbook.xml");
    /* byte order: ', M, a, x */
    const char *s15 = strstr(wbx, "<sheet name=\"quoted\" sheetId=\"17\"");
    const char *s16 = strstr(wbx, "<sheet name=\"Metrics~2\" sheetId=\"18\"");
    const char *s17 = strstr(wbx, "<sheet name=\"a_b_c_d_e_f_g_h_ a name longer \" sheetId=\"19\"");
    const char *s18 = strstr(wbx, "<sheet name=\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" sheetId=\"20\"");
    if (!s15 || !s16 || !s17 || !s18)
        fail_msg("sheet names: %s", wbx);
    free(wbx);
    /* "=1+1" is text, not a formula */
    char *x = sheet(18), *row = row_of(x, 2), *b = cell_of(row, "B2");
    assert_non_null(strstr(b, "t=\"s\""));
    assert_null(strstr(x, "<f>"));
    char *strings = part(book, "xl/sharedStrings.xml");
    assert_non_null(strstr(strings, "<t>=1+1</t>"));
    free(strings);
    free(b);
    free(row);
    free(x);
    sql("DELETE FROM chart_points WHERE seq = 1 AND series = 's'");
}

static void failures_keep_the_old_file(void **state)
{
    (void)state;
    write_book();
    size_t la, lb;
    char *a = slurp(book, &la);
    struct imgo_err err = IMGO_ERR_INIT;
    /* a database without the chart table: an error, the old file kept */
    sql("ALTER TABLE chart_points RENAME TO chart_points_away");
    assert_int_equal(xlsx_write_tables(db, book, &err), IMGO_EIO);
    assert_true(err.msg[0] != '\0');
    sql("ALTER TABLE chart_points_away RENAME TO chart_points");
    char *b = slurp(book, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    free(b);
    free(a);
    /* and no temporary file left behind */
    char cmd[300];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | grep -q '^\\.tables\\.xlsx'", out);
    assert_int_not_equal(system(cmd), 0);
    /* a directory that does not exist */
    char path[256];
    snprintf(path, sizeof path, "%s/missing/tables.xlsx", dir);
    imgo_err_clear(&err);
    assert_int_equal(xlsx_write_tables(db, path, &err), IMGO_EIO);
    assert_non_null(strstr(err.msg, path));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sheets_in_order),
        cmocka_unit_test(cells_and_styles),
        cmocka_unit_test(deterministic),
        cmocka_unit_test(sheet_names_made_valid),
        cmocka_unit_test(failures_keep_the_old_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
