/*
 * encoding.h - the text encodings and delimiters of exports.
 *
 * imgo stores UTF-8. Exports also come as Windows-1252 (what Excel writes
 * for "CSV" on Windows) and Latin-1, separated by commas, semicolons (Excel
 * where the decimal mark is a comma) or tabs. This module names them,
 * guesses them from a file's bytes, and converts the two single-byte
 * encodings to UTF-8 with iconv(3).
 *
 * Guessing: bytes that are valid UTF-8 are UTF-8 (ASCII is all three
 * encodings at once, and UTF-8 is then the right reading). Otherwise the
 * text is Windows-1252 when every byte is a Windows-1252 character, else
 * Latin-1 (the five bytes 0x81 0x8D 0x8F 0x90 0x9D are not characters of
 * Windows-1252; in Latin-1 every byte is one). The delimiter is the one of
 * ',' ';' and tab that occurs most often outside quotes in the header line;
 * ',' when none occurs or on a tie.
 *
 * Ownership: encoding_conv_open's caller calls encoding_conv_close. Errors
 * go through struct imgo_err; nothing here prints.
 */
#ifndef IMGO_ENCODING_H
#define IMGO_ENCODING_H
#include <stddef.h>

#include "buf.h"
#include "err.h"

enum text_encoding { ENC_UTF8, ENC_WINDOWS_1252, ENC_LATIN1, ENC_COUNT };

/* "UTF-8", "Windows-1252", "Latin-1": the names messages and maps use. */
const char *encoding_name(enum text_encoding e);

/* The encoding named by s (len bytes), case-insensitively: utf-8, utf8,
 * windows-1252, cp1252, latin-1, latin1, iso-8859-1. Returns it or -1. */
int encoding_lookup(const char *s, size_t len);

/* The guess for n bytes of text (see above). */
enum text_encoding encoding_guess(const char *s, size_t n);

/* 1 when byte c is a character of Windows-1252. */
int encoding_is_cp1252(unsigned char c);

/* What to tell a user whose file is not valid UTF-8 and looks like e:
 * "the file looks like Windows-1252 (a map with "encoding = windows-1252"
 * reads it; see docs/MAPS.md)". */
const char *encoding_hint(enum text_encoding e);

/* A conversion from a single-byte encoding to UTF-8. */
struct encoding_conv {
    void *cd;                   /* iconv_t; NULL for UTF-8 (no conversion) */
    enum text_encoding from;
};

/* Opens the conversion from `from` to UTF-8 (for ENC_UTF8, a copy).
 * Returns 0, or IMGO_EIO when iconv cannot convert it. */
int encoding_conv_open(struct encoding_conv *c, enum text_encoding from, struct imgo_err *err);
void encoding_conv_close(struct encoding_conv *c);

/* The most bytes of UTF-8 one byte of c's encoding becomes (3 or 1). */
size_t encoding_conv_max(const struct encoding_conv *c);

/* Converts in[0..n) into out, which has room for cap bytes; cap must be at
 * least n * encoding_conv_max(c). Sets *outlen. Returns 0, or -1 with *bad
 * the offset of the first byte that is not a character of the encoding
 * (what came before it is converted, *outlen bytes). */
int encoding_conv_bytes(struct encoding_conv *c, const char *in, size_t n, char *out, size_t cap,
                        size_t *outlen, size_t *bad);

/* The same, appending to a buffer. */
int encoding_conv_buf(struct encoding_conv *c, const char *in, size_t n, struct buf *out, size_t *bad);

/* The delimiter of a header line (n bytes), see above. */
char encoding_guess_delim(const char *line, size_t n);

/* How a delimiter is named in messages: "','", "';'", "tab". */
const char *encoding_delim_name(char d);

/* What a look at a whole file found. */
enum sniff_kind {
    SNIFF_TEXT,   /* text in one of the encodings */
    SNIFF_UTF16,  /* a UTF-16 byte-order mark */
    SNIFF_EXCEL,  /* an Excel workbook (.xlsx zip or .xls compound file) */
    SNIFF_BINARY  /* a NUL byte or a control character in the first line */
};

struct encoding_sniff {
    enum sniff_kind kind;
    int bom;                      /* starts with a UTF-8 byte-order mark */
    enum text_encoding encoding;  /* the guess for the whole file */
    long bad_line;                /* the first line that is not valid UTF-8, 0 when none */
    int ascii;                    /* every byte is ASCII: any of the encodings reads it */
    char delim;                   /* the guess from the first line */
};

/* Reads the whole of fd from offset 0 with pread (the file offset is left
 * alone) in bounded memory, and fills *s. Returns 0, or IMGO_EIO with err
 * ("NAME: ...") on a read error. */
int encoding_sniff_fd(int fd, const char *name, struct encoding_sniff *s, struct imgo_err *err);
#endif
