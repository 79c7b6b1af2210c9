/*
 * test_encoding.c - encodings and delimiters of exports (encoding.h), and
 * csvread reading ';'- and tab-separated, Windows-1252 and Latin-1 files.
 *
 * Reference values: the Windows-1252 code chart (Unicode's mapping file
 * MAPPINGS/VENDORS/MICSFT/WINDOWS/CP1252.TXT): 0x80 is U+20AC EURO SIGN,
 * 0x93 and 0x94 U+201C and U+201D (curly double quotes), 0x96 U+2013 EN
 * DASH, 0xE9 U+00E9 (e acute); 0x81, 0x8D, 0x8F, 0x90 and 0x9D are
 * UNDEFINED. ISO-8859-1 maps every byte b to U+00bb, so 0x80 is U+0080.
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
#include "encoding.h"
#include "mem.h"

static int file_of(const char *s, size_t n)
{
    char path[] = "/tmp/imgo-encoding-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, s + done, n - done);
        assert_true(w > 0);
        done += (size_t)w;
    }
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

static void names(void **state)
{
    (void)state;
    assert_int_equal(encoding_lookup("UTF-8", 5), ENC_UTF8);
    assert_int_equal(encoding_lookup("utf8", 4), ENC_UTF8);
    assert_int_equal(encoding_lookup("Windows-1252", 12), ENC_WINDOWS_1252);
    assert_int_equal(encoding_lookup("CP1252", 6), ENC_WINDOWS_1252);
    assert_int_equal(encoding_lookup("latin-1", 7), ENC_LATIN1);
    assert_int_equal(encoding_lookup("ISO-8859-1", 10), ENC_LATIN1);
    assert_int_equal(encoding_lookup("ebcdic", 6), -1);
    assert_string_equal(encoding_name(ENC_WINDOWS_1252), "Windows-1252");
    assert_string_equal(encoding_delim_name(';'), "';'");
    assert_string_equal(encoding_delim_name('\t'), "tab");
}

static void guesses(void **state)
{
    (void)state;
    assert_int_equal(encoding_guess("plain ascii", 11), ENC_UTF8);
    assert_int_equal(encoding_guess("caf\xC3\xA9", 5), ENC_UTF8);
    assert_int_equal(encoding_guess("caf\xE9", 4), ENC_WINDOWS_1252);
    assert_int_equal(encoding_guess("\x93quoted\x94", 8), ENC_WINDOWS_1252);
    assert_int_equal(encoding_guess("caf\xE9 \x81", 6), ENC_LATIN1);
    assert_int_equal(encoding_is_cp1252(0x80), 1);
    for (int b = 0x81; b <= 0x9D; b++)
        assert_int_equal(encoding_is_cp1252((unsigned char)b),
                         !(b == 0x81 || b == 0x8D || b == 0x8F || b == 0x90 || b == 0x9D));
}

static void delimiters(void **state)
{
    (void)state;
    assert_int_equal(encoding_guess_delim("a;b;c", 5), ';');
    assert_int_equal(encoding_guess_delim("a,b;c,d", 7), ',');
    assert_int_equal(encoding_guess_delim("a\tb\tc", 5), '\t');
    assert_int_equal(encoding_guess_delim("\"a;b;c\",d", 9), ',');
    assert_int_equal(encoding_guess_delim("abc", 3), ',');
    assert_int_equal(encoding_guess_delim("a;b,c", 5), ',');
}

static void convert_cp1252_and_latin1(void **state)
{
    (void)state;
    struct encoding_conv c;
    struct buf b = BUF_INIT;
    size_t bad = 0;
    assert_int_equal(encoding_conv_open(&c, ENC_WINDOWS_1252, NULL), 0);
    assert_int_equal(encoding_conv_buf(&c, "\x80 \x93q\x94 \x96 caf\xE9", 12, &b, &bad), 0);
    assert_string_equal(buf_str(&b),
                        "\xE2\x82\xAC \xE2\x80\x9Cq\xE2\x80\x9D \xE2\x80\x93 caf\xC3\xA9");
    buf_reset(&b);
    assert_int_equal(encoding_conv_buf(&c, "ab\x81z", 4, &b, &bad), -1);
    assert_int_equal(bad, 2);
    assert_string_equal(buf_str(&b), "ab");
    /* the conversion goes on after a bad byte */
    buf_reset(&b);
    assert_int_equal(encoding_conv_buf(&c, "\xE9", 1, &b, &bad), 0);
    assert_string_equal(buf_str(&b), "\xC3\xA9");
    /* every defined byte becomes valid UTF-8 of at most 3 bytes */
    for (int x = 1; x < 256; x++) {
        char in = (char)x;
        buf_reset(&b);
        int rc = encoding_conv_buf(&c, &in, 1, &b, &bad);
        assert_int_equal(rc, encoding_is_cp1252((unsigned char)x) ? 0 : -1);
        assert_true(b.len <= 3);
        assert_true(csvread_is_utf8(b.data, b.len));
    }
    encoding_conv_close(&c);

    assert_int_equal(encoding_conv_open(&c, ENC_LATIN1, NULL), 0);
    char all[255];
    for (int x = 1; x < 256; x++)
        all[x - 1] = (char)x;
    buf_reset(&b);
    assert_int_equal(encoding_conv_buf(&c, all, sizeof all, &b, &bad), 0);
    assert_int_equal(b.len, 127 + 2 * 128);
    assert_true(csvread_is_utf8(b.data, b.len));
    buf_reset(&b);
    assert_int_equal(encoding_conv_buf(&c, "\x80\xE9", 2, &b, &bad), 0);
    assert_string_equal(buf_str(&b), "\xC2\x80\xC3\xA9");
    encoding_conv_close(&c);
    buf_release(&b);
}

static void sniff(const char *s, size_t n, struct encoding_sniff *out)
{
    int fd = file_of(s, n);
    assert_int_equal(encoding_sniff_fd(fd, "t.csv", out, NULL), 0);
    assert_int_equal(lseek(fd, 0, SEEK_CUR), 0); /* the offset is left alone */
    close(fd);
}

#define SNIFF(lit, out) sniff(lit, sizeof(lit) - 1, out)

static void sniffing_files(void **state)
{
    (void)state;
    struct encoding_sniff s;
    SNIFF("a;b;c\n1;2;3\n", &s);
    assert_int_equal(s.kind, SNIFF_TEXT);
    assert_int_equal(s.encoding, ENC_UTF8);
    assert_int_equal(s.delim, ';');
    assert_int_equal(s.bad_line, 0);
    assert_int_equal(s.ascii, 1);
    SNIFF("\xEF\xBB\xBF\n\na\tb\n1\tcaf\xC3\xA9\n", &s);
    assert_int_equal(s.bom, 1);
    assert_int_equal(s.delim, '\t');
    assert_int_equal(s.encoding, ENC_UTF8);
    assert_int_equal(s.ascii, 0);
    SNIFF("a;b\n1;2\n3;caf\xE9\n4;\x93x\x94\n", &s);
    assert_int_equal(s.encoding, ENC_WINDOWS_1252);
    assert_int_equal(s.bad_line, 3);
    SNIFF("a,b\n\x81,\xE9\n", &s);
    assert_int_equal(s.encoding, ENC_LATIN1);
    assert_int_equal(s.bad_line, 2);
    SNIFF("a,b\n1,x\0y\n", &s); /* NUL bytes are the fields' business */
    assert_int_equal(s.kind, SNIFF_TEXT);
    assert_int_equal(s.encoding, ENC_UTF8);
    SNIFF("\xFF\xFEi\0d\0", &s);
    assert_int_equal(s.kind, SNIFF_UTF16);
    SNIFF("PK\003\004\024\0\006\0", &s);
    assert_int_equal(s.kind, SNIFF_EXCEL);
    SNIFF("\320\317\021\340\241\261\032\341\0\0", &s);
    assert_int_equal(s.kind, SNIFF_EXCEL);
    SNIFF("\x89PNG\r\n\x1a\n", &s);
    assert_int_equal(s.kind, SNIFF_TEXT); /* first line has no control byte */
    SNIFF("ab\x01\n", &s);
    assert_int_equal(s.kind, SNIFF_BINARY);
}

/* A two-byte character across the 64 KiB chunks of the sniffer is UTF-8;
 * a truncated one at the very end is not. */
static void sniffing_across_chunks(void **state)
{
    (void)state;
    size_t n = 200000;
    char *b = xmalloc(n);
    memset(b, 'x', n);
    memcpy(b, "a,b\n", 4);
    for (size_t k = 65530; k < 65540; k++) {
        memset(b + 4, 'x', n - 4);
        b[k] = '\xC3';
        b[k + 1] = '\xA9';
        struct encoding_sniff s;
        sniff(b, n, &s);
        assert_int_equal(s.encoding, ENC_UTF8);
    }
    b[n - 1] = '\xC3';
    struct encoding_sniff s;
    sniff(b, n, &s);
    assert_int_equal(s.encoding, ENC_WINDOWS_1252);
    assert_int_equal(s.bad_line, 2);
    free(b);
}

struct got {
    int n;
    char text[8][200];
    int rc;
    struct imgo_err err;
};

static void read_fmt(const char *s, size_t n, char delim, enum text_encoding e, struct got *g)
{
    struct csvread r;
    struct csvread_record rec;
    struct csvread_format f = { delim, e };
    int fd = file_of(s, n);
    memset(g, 0, sizeof *g);
    csvread_init_format(&r, fd, "t.csv", 1, &f);
    while ((g->rc = csvread_next(&r, &rec, &g->err)) > 0) {
        if (g->n < 8) {
            size_t o = 0;
            for (size_t i = 0; i < rec.nfields && o < 150; i++)
                o += (size_t)snprintf(g->text[g->n] + o, 200 - o, "%s%s", i ? "|" : "", rec.field[i]);
        }
        g->n++;
    }
    csvread_release(&r);
    close(fd);
}

#define READF(lit, d, e, g) read_fmt(lit, sizeof(lit) - 1, d, e, g)

static void reading_formats(void **state)
{
    (void)state;
    struct got g;
    READF("id;name;x\r\n1;\"a;b\";caf\xE9\n2;\x93q\x94;\n", ';', ENC_WINDOWS_1252, &g);
    assert_int_equal(g.rc, 0);
    assert_int_equal(g.n, 3);
    assert_string_equal(g.text[0], "id|name|x");
    assert_string_equal(g.text[1], "1|a;b|caf\xC3\xA9");
    assert_string_equal(g.text[2], "2|\xE2\x80\x9Cq\xE2\x80\x9D|");
    /* tab-separated: an empty first field stays a field; spaces trimmed */
    READF("a\tb\tc\n\t x \ty\n", '\t', ENC_UTF8, &g);
    assert_int_equal(g.rc, 0);
    assert_string_equal(g.text[1], "|x|y");
    READF("a\tb\n \"q\"\t2\n", '\t', ENC_UTF8, &g);
    assert_string_equal(g.text[1], "q|2");
    READF("a,b\n1,\xE9\n", ',', ENC_LATIN1, &g);
    assert_string_equal(g.text[1], "1|\xC3\xA9");
    /* a byte Windows-1252 does not define fails the file, on its line */
    READF("a;b\n1;2\n\"3\n\";\x81\n", ';', ENC_WINDOWS_1252, &g);
    assert_int_equal(g.rc, -1);
    assert_string_equal(g.err.msg, "t.csv:4: byte 0x81 is not a Windows-1252 character (is the "
                                   "encoding right?)");
    /* the header's hint when a file is read as UTF-8 */
    READF("R\xE9sident,b\n1,2\n", ',', ENC_UTF8, &g);
    assert_int_equal(g.rc, -1);
    assert_string_equal(g.err.msg, "t.csv:1: not valid UTF-8: the file looks like Windows-1252 "
                                   "(Excel's \"CSV\"): a map with \"encoding = windows-1252\" reads "
                                   "it, see docs/MAPS.md");
    READF("PK\003\004\024\0\006\0", ',', ENC_UTF8, &g);
    assert_int_equal(g.rc, -1);
    assert_string_equal(g.err.msg, "t.csv:1: " CSVREAD_EXCEL_HINT);
}

/* A converted line longer than the reader's chunk: the reader must not
 * wait for a chunk it can never fill. */
static void long_converted_line(void **state)
{
    (void)state;
    size_t n = CSVREAD_CHUNK + CSVREAD_CHUNK / 2;
    char *b = xmalloc(n + 16);
    memcpy(b, "a;b\nx;", 6);
    memset(b + 6, '\xE9', n - 7);
    b[n - 1] = '\n';
    struct csvread r;
    struct csvread_record rec;
    struct csvread_format f = { ';', ENC_WINDOWS_1252 };
    struct imgo_err err = IMGO_ERR_INIT;
    int fd = file_of(b, n);
    csvread_init_format(&r, fd, "t.csv", 0, &f);
    assert_int_equal(csvread_next(&r, &rec, &err), 1);
    int rc = csvread_next(&r, &rec, &err);
    if ((n - 7) * 2 + 2 > CSVREAD_RECORD_MAX) {
        assert_int_equal(rc, -1); /* the fuzz build's small record limit */
    } else {
        assert_int_equal(rc, 1);
        assert_int_equal(rec.nfields, 2);
        assert_int_equal(rec.len[1], 2 * (n - 7));
        assert_true(csvread_is_utf8(rec.field[1], rec.len[1]));
        assert_int_equal(csvread_next(&r, &rec, &err), 0);
    }
    csvread_release(&r);
    close(fd);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),
        cmocka_unit_test(guesses),
        cmocka_unit_test(delimiters),
        cmocka_unit_test(convert_cp1252_and_latin1),
        cmocka_unit_test(sniffing_files),
        cmocka_unit_test(sniffing_across_chunks),
        cmocka_unit_test(reading_formats),
        cmocka_unit_test(long_converted_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
