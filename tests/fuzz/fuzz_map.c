/*
 * fuzz_map.c - libFuzzer harness for import maps and the conversion of
 * exports' encodings.
 *
 * Each input is, at once:
 *  - the text of a map (map_parse): it must load or fail with a usage
 *    error naming its place ("fuzz.map:LINE: ..."); a loaded map must hold
 *    only what map.h promises (settings in range, canonical values that
 *    the cohort column accepts, every value found by its own spelling),
 *    and each of its file sections is planned over a fixed export header
 *    and applied to a record (maprec.h), which must give at most one row
 *    per unpivoted column;
 *  - bytes in Windows-1252 and in Latin-1 (encoding.h): the conversion must
 *    give valid UTF-8 of at most three bytes per byte, fail exactly at the
 *    first byte Windows-1252 lacks, and never fail for Latin-1.
 * A broken promise aborts (a finding). Seeded from maps/ by scripts/fuzz.sh.
 */
#include "cohort.h"
#include "csvread.h"
#include "encoding.h"
#include "map.h"
#include "maprec.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet_header(void *ctx, int is_error, const char *msg)
{
    (void)ctx;
    (void)is_error;
    if (!msg)
        abort();
}

static void quiet_row(void *ctx, size_t row, const char *label, const char *msg)
{
    (void)ctx;
    (void)row;
    if (!label || !msg)
        abort();
}

static void check_map(struct imgo_map *m)
{
    if (m->encoding < -2 || m->encoding >= ENC_COUNT || m->date_fmt < -1 || m->date_fmt > 4)
        abort();
    if (m->delim != -1 && m->delim != -2 && m->delim != ',' && m->delim != ';' && m->delim != '\t')
        abort();
    for (int f = 0; f < COHORT_NFILES; f++) {
        int e = map_encoding(m, f);
        char d = map_delim(m, f);
        if (e < -1 || e >= ENC_COUNT || (d && d != ',' && d != ';' && d != '\t'))
            abort();
    }
    for (size_t i = 0; i < m->ntodos; i++)
        if (m->todos[i].line < 1 || !m->todos[i].what)
            abort();
    struct buf scratch = BUF_INIT;
    char hv[7][32] = { "Resident ID", "Start Date", "PC1", "PC2", "redcap_repeat_instrument", "x", "" };
    char rv[7][32] = { "R1", "7/1/2022", "3", "", "board_exams", "y", "" };
    char *hf[7], *rf[7];
    size_t hl[7], rl[7];
    for (int i = 0; i < 7; i++) {
        hf[i] = hv[i];
        hl[i] = strlen(hv[i]);
        rf[i] = rv[i];
        rl[i] = strlen(rv[i]);
    }
    struct csvread_record hdr = { 1, 6, hf, hl, "", 0 }, rec = { 2, 6, rf, rl, "", 0 };
    for (int f = 0; f < COHORT_NFILES; f++) {
        const struct cohort_file *cf = cohort_file((enum cohort_file_id)f);
        const struct map_section *s = &m->files[f];
        if (s->line && !s->glob_line)
            abort();
        for (size_t c = 0; c < cf->ncols; c++) {
            const struct map_column *col = &s->cols[c];
            for (size_t v = 0; v < col->nvalues; v++) {
                const struct map_value *mv = &col->values[v];
                if (cf->cols[c].type == COHORT_ENUM && *mv->to &&
                    !cohort_enum_match(&cf->cols[c], mv->to, strlen(mv->to)))
                    abort();
                const struct map_value *got = map_lookup(col, mv->shown, strlen(mv->shown), &scratch);
                if (!got || strcmp(got->from, mv->from))
                    abort();
            }
        }
        if (m->ntodos)
            continue;
        struct maprec_plan p;
        struct maprec_out o;
        maprec_out_init(&o);
        if (!maprec_plan(&p, m, cf, &hdr, NULL, 0, 0, quiet_header, NULL)) {
            if (maprec_wanted(&p, &rec)) {
                maprec_apply(&p, &rec, &o, quiet_row, NULL);
                if (o.nrows > (p.nunpivot ? p.nunpivot : 1))
                    abort();
                for (size_t k = 0; k < o.nrows; k++)
                    for (size_t c = 0; c < cf->ncols; c++) {
                        size_t len;
                        char *t = maprec_field(&o, &p, k, c, &len);
                        if (t && strlen(t) != len)
                            abort();
                    }
            }
        }
        maprec_release(&p);
        maprec_out_release(&o);
    }
    buf_release(&scratch);
}

static void check_conversion(const uint8_t *data, size_t size)
{
    struct encoding_conv c;
    struct buf out = BUF_INIT;
    size_t bad = 0, first_bad = size;
    for (size_t i = 0; i < size && first_bad == size; i++)
        if (!encoding_is_cp1252(data[i]))
            first_bad = i;
    if (encoding_conv_open(&c, ENC_WINDOWS_1252, NULL))
        abort();
    int rc = encoding_conv_buf(&c, (const char *)data, size, &out, &bad);
    if ((rc != 0) != (first_bad < size) || (rc && bad != first_bad))
        abort();
    if (out.len > 3 * size || (out.len && !csvread_is_utf8(out.data, out.len) && !memchr(data, 0, size)))
        abort();
    encoding_conv_close(&c);
    buf_reset(&out);
    if (encoding_conv_open(&c, ENC_LATIN1, NULL))
        abort();
    if (encoding_conv_buf(&c, (const char *)data, size, &out, &bad))
        abort();
    size_t high = 0;
    for (size_t i = 0; i < size; i++)
        high += data[i] >= 0x80;
    if (out.len != size + high)
        abort();
    encoding_conv_close(&c);
    buf_release(&out);
    char d = encoding_guess_delim((const char *)data, size);
    if (d != ',' && d != ';' && d != '\t')
        abort();
    enum text_encoding g = encoding_guess((const char *)data, size);
    if (g == ENC_WINDOWS_1252 && first_bad < size)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct imgo_map m;
    struct imgo_err err = IMGO_ERR_INIT;
    map_init(&m);
    int rc = map_parse(&m, "fuzz.map", (const char *)data, size, &err);
    if (rc != IMGO_OK && rc != IMGO_EUSAGE)
        abort();
    if (rc && strncmp(err.msg, "fuzz.map", 8))
        abort();
    if (!rc)
        check_map(&m);
    map_release(&m);
    check_conversion(data, size);
    return 0;
}
