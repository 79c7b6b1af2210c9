/*
 * encoding.c - naming, guessing and converting the encodings of exports
 * (see encoding.h).
 *
 * Conversion is iconv(3) from glibc; the two encodings imgo reads besides
 * UTF-8 have one byte per character, so a conversion never holds state
 * between calls and any cut of the input is a character boundary.
 */
#include "encoding.h"
#include "mem.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <glib.h>

#define SNIFF_CHUNK 65536

static const struct {
    const char *name;      /* shown */
    const char *iconv;     /* iconv's name */
    const char *alias[4];  /* accepted in maps */
} encs[ENC_COUNT] = {
    [ENC_UTF8] = { "UTF-8", "UTF-8", { "utf-8", "utf8", NULL, NULL } },
    [ENC_WINDOWS_1252] = { "Windows-1252", "WINDOWS-1252", { "windows-1252", "cp1252", "windows1252", NULL } },
    [ENC_LATIN1] = { "Latin-1", "ISO-8859-1", { "latin-1", "latin1", "iso-8859-1", "iso8859-1" } },
};

const char *encoding_name(enum text_encoding e)
{
    return (unsigned)e < ENC_COUNT ? encs[e].name : "?";
}

int encoding_lookup(const char *s, size_t len)
{
    for (int e = 0; e < ENC_COUNT; e++)
        for (int k = 0; k < 4 && encs[e].alias[k]; k++)
            if (strlen(encs[e].alias[k]) == len && !strncasecmp(encs[e].alias[k], s, len))
                return e;
    return -1;
}

int encoding_is_cp1252(unsigned char c)
{
    return c != 0x81 && c != 0x8D && c != 0x8F && c != 0x90 && c != 0x9D;
}

enum text_encoding encoding_guess(const char *s, size_t n)
{
    if (g_utf8_validate_len(s, n, NULL))
        return ENC_UTF8;
    for (size_t i = 0; i < n; i++)
        if (!encoding_is_cp1252((unsigned char)s[i]))
            return ENC_LATIN1;
    return ENC_WINDOWS_1252;
}

const char *encoding_hint(enum text_encoding e)
{
    switch (e) {
    case ENC_WINDOWS_1252:
        return "the file looks like Windows-1252 (Excel's \"CSV\"): a map with \"encoding = "
               "windows-1252\" reads it, see docs/MAPS.md";
    case ENC_LATIN1:
        return "the file looks like Latin-1: a map with \"encoding = latin-1\" reads it, see "
               "docs/MAPS.md";
    default:
        return "the file is not UTF-8";
    }
}

int encoding_conv_open(struct encoding_conv *c, enum text_encoding from, struct imgo_err *err)
{
    c->from = from;
    c->cd = NULL;
    if (from == ENC_UTF8)
        return 0;
    iconv_t cd = iconv_open("UTF-8", encs[from].iconv);
    if (cd == (iconv_t)-1)
        return imgo_err_set(err, IMGO_EIO, "iconv cannot convert %s to UTF-8: %s", encs[from].name,
                            strerror(errno));
    c->cd = cd;
    return 0;
}

void encoding_conv_close(struct encoding_conv *c)
{
    if (c->cd)
        iconv_close((iconv_t)c->cd);
    c->cd = NULL;
}

size_t encoding_conv_max(const struct encoding_conv *c)
{
    return c->cd ? 3 : 1;
}

int encoding_conv_bytes(struct encoding_conv *c, const char *in, size_t n, char *out, size_t cap,
                        size_t *outlen, size_t *bad)
{
    if (!c->cd) {
        if (n)
            memcpy(out, in, n);
        *outlen = n;
        return 0;
    }
    char *ip = (char *)in, *op = out;
    size_t il = n, ol = cap;
    size_t rc = iconv((iconv_t)c->cd, &ip, &il, &op, &ol);
    *outlen = cap - ol;
    if (rc == (size_t)-1) {
        /* EILSEQ: a byte the encoding does not define; E2BIG cannot happen
         * with the room the caller gives, but stops at the same place. */
        *bad = (size_t)(ip - in);
        iconv((iconv_t)c->cd, NULL, NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

int encoding_conv_buf(struct encoding_conv *c, const char *in, size_t n, struct buf *out, size_t *bad)
{
    size_t cap = n * encoding_conv_max(c), got = 0;
    buf_grow(out, cap + 1);
    int rc = encoding_conv_bytes(c, in, n, out->data + out->len, cap, &got, bad);
    out->len += got;
    out->data[out->len] = '\0';
    return rc;
}

char encoding_guess_delim(const char *line, size_t n)
{
    size_t comma = 0, semi = 0, tab = 0;
    int quoted = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = line[i];
        if (ch == '"')
            quoted = !quoted;
        else if (!quoted && ch == ',')
            comma++;
        else if (!quoted && ch == ';')
            semi++;
        else if (!quoted && ch == '\t')
            tab++;
    }
    if (semi > comma && semi >= tab)
        return ';';
    if (tab > comma && tab > semi)
        return '\t';
    return ',';
}

const char *encoding_delim_name(char d)
{
    switch (d) {
    case ';':
        return "';'";
    case '\t':
        return "tab";
    default:
        return "','";
    }
}

static long count_lf(const char *s, size_t n)
{
    long k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '\n';
    return k;
}

static ssize_t pread_all(int fd, char *b, size_t n, off_t off)
{
    for (;;) {
        ssize_t got = pread(fd, b, n, off);
        if (got >= 0 || errno != EINTR)
            return got;
    }
}

/* The start of the file: byte-order marks, workbooks, binary content,
 * and the delimiter of its first non-blank line. */
static void sniff_start(const char *b, size_t n, struct encoding_sniff *s)
{
    const unsigned char *u = (const unsigned char *)b;
    if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        s->kind = SNIFF_UTF16;
        return;
    }
    if ((n >= 4 && !memcmp(b, "PK\003\004", 4)) ||
        (n >= 8 && !memcmp(b, "\320\317\021\340\241\261\032\341", 8))) {
        s->kind = SNIFF_EXCEL;
        return;
    }
    size_t i = 0;
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        s->bom = 1;
        i = 3;
    }
    while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n'))
        i++;
    const char *nl = memchr(b + i, '\n', n - i);
    size_t len = nl ? (size_t)(nl - (b + i)) : n - i;
    for (size_t k = 0; k < len; k++) {
        unsigned char c = u[i + k];
        if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F) {
            s->kind = SNIFF_BINARY;
            return;
        }
    }
    s->delim = encoding_guess_delim(b + i, len);
}

int encoding_sniff_fd(int fd, const char *name, struct encoding_sniff *s, struct imgo_err *err)
{
    memset(s, 0, sizeof *s);
    s->kind = SNIFF_TEXT;
    s->delim = ',';
    char *b = xmalloc(SNIFF_CHUNK + 4);
    int rc = 0, utf8 = 1, cp1252 = 1, ascii = 1;
    ssize_t n = pread_all(fd, b, SNIFF_CHUNK, 0);
    if (n < 0)
        goto read_error;
    sniff_start(b, (size_t)n, s);
    if (s->kind != SNIFF_TEXT)
        goto out;
    /* The whole file, in chunks; a character cut by the end of a chunk is
     * carried over to the next. NUL bytes are not the business of the
     * encoding (they are errors of their fields) and are stepped over. */
    off_t off = 0;
    size_t carry = 0;
    long line = 1;
    for (;;) {
        n = pread_all(fd, b + carry, SNIFF_CHUNK, off);
        if (n < 0)
            goto read_error;
        off += n;
        size_t total = carry + (size_t)n, keep = 0;
        int eof = n == 0;
        if (total == 0)
            break;
        for (size_t i = 0; utf8 && i < total;) {
            const gchar *end;
            if (g_utf8_validate_len(b + i, total - i, &end))
                break;
            size_t k = (size_t)(end - b);
            if (b[k] == '\0') {
                i = k + 1;
                continue;
            }
            if (!eof && total - k < 4) {
                keep = total - k;
                break;
            }
            utf8 = 0;
            s->bad_line = line + count_lf(b, k);
        }
        for (size_t i = 0; ascii && i < total - keep; i++)
            ascii = !((unsigned char)b[i] & 0x80);
        for (size_t i = 0; cp1252 && i < total - keep; i++)
            cp1252 = encoding_is_cp1252((unsigned char)b[i]);
        line += count_lf(b, total - keep);
        memmove(b, b + total - keep, keep);
        carry = keep;
        if (eof)
            break;
    }
    s->encoding = utf8 ? ENC_UTF8 : cp1252 ? ENC_WINDOWS_1252 : ENC_LATIN1;
    s->ascii = ascii;
    goto out;
read_error:
    rc = imgo_err_set(err, IMGO_EIO, "%s: %s", name, strerror(errno));
out:
    free(b);
    return rc;
}
