/*
 * test_csvread.c - streaming CSV records, line numbers and file-level
 * rejections (csvread.h).
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

#include "csvread.h"
#include "mem.h"

/* A file holding n bytes of s, opened for reading; the caller closes it. */
static int file_of(const char *s, size_t n)
{
    char path[] = "/tmp/imgo-csvread-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(write(fd, s, n), (ssize_t)n);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

struct got {
    int n;           /* records */
    long line[16];
    size_t nf[16];
    char text[16][128]; /* fields joined with '|' */
    char raw[16][128];
    int rc;          /* last csvread_next: 0 end, -1 failure */
    struct imgo_err err;
};

static void read_all(const char *s, size_t n, struct got *g)
{
    struct csvread r;
    struct csvread_record rec;
    int fd = file_of(s, n);
    memset(g, 0, sizeof *g);
    csvread_init(&r, fd, "t.csv", 1);
    while ((g->rc = csvread_next(&r, &rec, &g->err)) > 0 && g->n < 16) {
        g->line[g->n] = rec.line;
        g->nf[g->n] = rec.nfields;
        size_t o = 0;
        for (size_t i = 0; i < rec.nfields && o < 100; i++)
            o += (size_t)snprintf(g->text[g->n] + o, 128 - o, "%s%s", i ? "|" : "", rec.field[i]);
        snprintf(g->raw[g->n], 128, "%.*s", (int)rec.raw_len, rec.raw);
        g->n++;
    }
    csvread_release(&r);
    close(fd);
}

#define READ(lit, g) read_all(lit, sizeof(lit) - 1, g)

static void plain_lf_and_crlf_mixed(void **state)
{
    (void)state;
    struct got g;
    READ("a,b\r\n1,2\n3,4\r\n5,6", &g);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.text[0], "a|b");
    assert_string_equal(g.text[1], "1|2");
    assert_string_equal(g.text[3], "5|6"); /* no final newline */
    assert_int_equal(g.line[3], 4);
    assert_string_equal(g.raw[2], "3,4"); /* CRLF not part of raw */
}

static void bom_is_skipped(void **state)
{
    (void)state;
    struct got g;
    READ("\xEF\xBB\xBFid,x\n1,2\n", &g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.text[0], "id|x");
    assert_string_equal(g.raw[0], "id,x");
}

static void quoted_comma_newline_and_quotes(void **state)
{
    (void)state;
    struct got g;
    READ("h1,h2\n\"a,b\",\"line1\nline2\"\n\"say \"\"hi\"\"\",x\nlast,row\n", &g);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 4);
    assert_string_equal(g.text[1], "a,b|line1\nline2");
    assert_int_equal(g.line[1], 2);
    assert_string_equal(g.text[2], "say \"hi\"|x");
    assert_int_equal(g.line[2], 4); /* the record before spans lines 2-3 */
    assert_int_equal(g.line[3], 5);
    assert_string_equal(g.raw[1], "\"a,b\",\"line1\nline2\"");
}

static void blank_and_whitespace_lines_skipped(void **state)
{
    (void)state;
    struct got g;
    READ("h\n\n  \t \n\r\n1\n\n2\n\n", &g);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 3);
    assert_int_equal(g.line[1], 5);
    assert_int_equal(g.line[2], 7);
}

static void fields_trimmed_quoted_or_not(void **state)
{
    (void)state;
    struct got g;
    READ("a,b,c\n  x ,\t\" y \"\t, \"\t z\"\n", &g);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.text[1], "x|y|z");
    assert_int_equal(g.nf[1], 3);
}

static void empty_file_has_no_records(void **state)
{
    (void)state;
    struct got g;
    read_all("", 0, &g);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 0);
}

static void bare_cr_rejects_file(void **state)
{
    (void)state;
    struct got g;
    READ("a,b\n1,2\r3,4\n", &g);
    assert_int_equal(g.rc, -1);
    assert_int_equal(g.err.status, IMGO_EDATA);
    assert_string_equal(g.err.msg, "t.csv:2: bare CR line ending (only LF and CRLF are accepted)");
    READ("a,b\r1,2\r", &g);
    assert_int_equal(g.rc, -1);
    assert_string_equal(g.err.msg, "t.csv:1: bare CR line ending (only LF and CRLF are accepted)");
}

static void utf16_and_binary_reject_file(void **state)
{
    (void)state;
    struct got g;
    READ("\xFF\xFEi\0d\0\n\0", &g);
    assert_int_equal(g.rc, -1);
    assert_string_equal(g.err.msg, "t.csv:1: UTF-16 text is not accepted (export as UTF-8)");
    READ("i\0d\0,\0x\0\n\0", &g);
    assert_int_equal(g.rc, -1);
    assert_string_equal(g.err.msg, "t.csv:1: not a UTF-8 text file (UTF-16 or binary content)");
    READ("\x89PNG\r\n\x1a\n", &g);
    assert_int_equal(g.rc, -1);
    assert_string_equal(g.err.msg, "t.csv:1: not a UTF-8 text file (UTF-16 or binary content)");
    READ("id\xC3\x28,x\n", &g);
    assert_int_equal(g.rc, -1);
}

static void nul_in_data_row_is_not_a_file_error(void **state)
{
    (void)state;
    struct got g;
    READ("a,b\n1,x\0y\n", &g);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 2);
}

static void malformed_quoting_rejects_file(void **state)
{
    (void)state;
    struct got g;
    READ("a,b\n1,2\nx\"y,3\n", &g);
    assert_int_equal(g.rc, -1);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.err.msg, "t.csv:3: malformed quoting (a quote inside an unquoted field, "
                                   "or text after a closing quote)");
    READ("a,b\n1,\"open\nstill\n", &g);
    assert_int_equal(g.rc, -1);
    assert_string_equal(g.err.msg, "t.csv:2: quoted field not closed at the end of the file");
}

static void line_longer_than_a_chunk(void **state)
{
    (void)state;
    size_t n = CSVREAD_CHUNK + 5000;
    char *s = xmalloc(n + 64);
    size_t o = (size_t)snprintf(s, 64, "a,b\n1,");
    memset(s + o, 'x', n);
    o += n;
    memcpy(s + o, "\r\n2,3\n", 6);
    o += 6;
    struct csvread r;
    struct csvread_record rec;
    struct imgo_err err = IMGO_ERR_INIT;
    int fd = file_of(s, o);
    csvread_init(&r, fd, "t.csv", 0);
    assert_int_equal(csvread_next(&r, &rec, &err), 1);
    assert_int_equal(csvread_next(&r, &rec, &err), 1);
    assert_int_equal(rec.nfields, 2);
    assert_int_equal(rec.len[1], n);
    assert_int_equal(rec.line, 2);
    assert_int_equal(csvread_next(&r, &rec, &err), 1);
    assert_int_equal(rec.line, 3);
    assert_string_equal(rec.field[1], "3");
    assert_int_equal(csvread_next(&r, &rec, &err), 0);
    csvread_release(&r);
    close(fd);
    free(s);
}

static void utf8_validator(void **state)
{
    (void)state;
    assert_true(csvread_is_utf8("plain", 5));
    assert_true(csvread_is_utf8("S\xC3\xA3o Paulo", 10));
    assert_true(csvread_is_utf8("\xF0\x9F\x98\x80", 4));
    assert_false(csvread_is_utf8("\xC3", 1));          /* truncated */
    assert_false(csvread_is_utf8("\xC0\xAF", 2));      /* overlong */
    assert_false(csvread_is_utf8("\xED\xA0\x80", 3));  /* surrogate */
    assert_false(csvread_is_utf8("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(csvread_is_utf8("\xFF", 1));
}

/* Differential check on random files without quotes: every physical line
 * that is not blank is one record, its fields the comma-separated pieces
 * trimmed of spaces and tabs, and its line number is the physical line. */
static void random_unquoted_files_match_naive_split(void **state)
{
    (void)state;
    static const char alphabet[] = "ab, \t,x\n";
    unsigned seed = 12345;
    char *text = xmalloc(4096);
    for (int iter = 0; iter < 400; iter++) {
        size_t n = 0, len = 1 + (seed = seed * 1103515245u + 12345u) % 3000;
        while (n < len) {
            seed = seed * 1103515245u + 12345u;
            char c = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
            if (c == '\n' && (seed >> 8) % 3 == 0)
                text[n++] = '\r'; /* CRLF */
            text[n++] = c;
        }
        int fd = file_of(text, n);
        struct csvread r;
        struct csvread_record rec;
        struct imgo_err err = IMGO_ERR_INIT;
        csvread_init(&r, fd, "r.csv", 1);
        /* walk the physical lines */
        size_t pos = 0;
        long line = 1;
        while (pos < n) {
            const char *nl = memchr(text + pos, '\n', n - pos);
            size_t end = nl ? (size_t)(nl - text) : n;
            size_t e = end;
            if (e > pos && text[e - 1] == '\r')
                e--;
            size_t k = pos;
            while (k < e && (text[k] == ' ' || text[k] == '\t'))
                k++;
            if (k < e) {
                assert_int_equal(csvread_next(&r, &rec, &err), 1);
                assert_int_equal(rec.line, line);
                assert_int_equal(rec.raw_len, e - pos);
                assert_memory_equal(rec.raw, text + pos, e - pos);
                size_t f = 0, a = pos;
                for (size_t b = pos; b <= e; b++)
                    if (b == e || text[b] == ',') {
                        size_t x = a, y = b;
                        while (x < y && (text[x] == ' ' || text[x] == '\t'))
                            x++;
                        while (y > x && (text[y - 1] == ' ' || text[y - 1] == '\t'))
                            y--;
                        assert_true(f < rec.nfields);
                        assert_int_equal(rec.len[f], y - x);
                        assert_memory_equal(rec.field[f], text + x, y - x);
                        f++;
                        a = b + 1;
                    }
                assert_int_equal(rec.nfields, f);
            }
            pos = end + 1;
            line++;
        }
        assert_int_equal(csvread_next(&r, &rec, &err), 0);
        csvread_release(&r);
        close(fd);
    }
    free(text);
}

/* Random bytes with quotes, CRs and NULs: the reader never crashes, never
 * goes backwards in lines, and ends with 0 or a contract error. */
static void random_files_are_survived(void **state)
{
    (void)state;
    static const char alphabet[] = "a,\"\"\n \r\t\0\xc3\xa9";
    unsigned seed = 777;
    char *text = xmalloc(4096);
    for (int iter = 0; iter < 1000; iter++) {
        size_t len = (seed = seed * 1103515245u + 12345u) % 2000;
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245u + 12345u;
            text[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        text[0] = 'h'; /* a text header, so that the body is parsed */
        int fd = file_of(text, len);
        struct csvread r;
        struct csvread_record rec;
        struct imgo_err err = IMGO_ERR_INIT;
        csvread_init(&r, fd, "r.csv", iter % 2);
        long last = 0;
        int rc;
        while ((rc = csvread_next(&r, &rec, &err)) > 0) {
            assert_true(rec.line > last);
            last = rec.line;
            for (size_t f = 0; f < rec.nfields && f < CSVREAD_MAX_FIELDS; f++)
                assert_int_equal(rec.field[f][rec.len[f]], '\0');
        }
        if (rc < 0)
            assert_int_equal(err.status, IMGO_EDATA);
        csvread_release(&r);
        close(fd);
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_lf_and_crlf_mixed),
        cmocka_unit_test(bom_is_skipped),
        cmocka_unit_test(quoted_comma_newline_and_quotes),
        cmocka_unit_test(blank_and_whitespace_lines_skipped),
        cmocka_unit_test(fields_trimmed_quoted_or_not),
        cmocka_unit_test(empty_file_has_no_records),
        cmocka_unit_test(bare_cr_rejects_file),
        cmocka_unit_test(utf16_and_binary_reject_file),
        cmocka_unit_test(nul_in_data_row_is_not_a_file_error),
        cmocka_unit_test(malformed_quoting_rejects_file),
        cmocka_unit_test(line_longer_than_a_chunk),
        cmocka_unit_test(utf8_validator),
        cmocka_unit_test(random_unquoted_files_match_naive_split),
        cmocka_unit_test(random_files_are_survived),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
