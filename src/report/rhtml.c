/*
 * rhtml.c - formatting what a report shows (see rhtml.h).
 */
#include "rhtml.h"
#include "disclose.h"
#include "cohort.h"
#include "html.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const GROUPS3[] = { "all", "img", "non_img" };

const char *rep_group_label(const char *g)
{
    if (!strcmp(g, "all"))
        return "All residents";
    if (!strcmp(g, "img"))
        return "IMG";
    if (!strcmp(g, "non_img"))
        return "Non-IMG";
    if (!strcmp(g, "img_vs_non_img"))
        return "IMG vs non-IMG";
    return g;
}

void rep_num(struct buf *b, double v, int decimals)
{
    char t[64];
    snprintf(t, sizeof t, "%.*f", decimals, v);
    int zero = 1;
    for (const char *c = t; *c; c++)
        if (*c >= '1' && *c <= '9')
            zero = 0;
    buf_adds(b, zero && t[0] == '-' ? t + 1 : t);
}

void rep_value(struct buf *b, double v, enum metric_show fmt)
{
    if (!isfinite(v)) {
        buf_adds(b, "n/a");
        return;
    }
    switch (fmt) {
    case SHOW_PCT:
        rep_num(b, 100 * v, 1);
        buf_addc(b, '%');
        break;
    case SHOW_PP:
        if (v > 0)
            buf_addc(b, '+');
        rep_num(b, 100 * v, 1);
        buf_adds(b, " pp");
        break;
    case SHOW_RATIO:
    case SHOW_CHI:
        rep_num(b, v, 2);
        break;
    case SHOW_INT:
    case SHOW_COUNT:
    case SHOW_FLAG:
        rep_num(b, v, 0);
        break;
    case SHOW_NUM:
        rep_num(b, v, 3);
        break;
    }
}

/* p as printed: "< 0.001", "0.123" or "n/a" (plain text). */
static void p_text(struct buf *b, double p)
{
    if (!isfinite(p))
        buf_adds(b, "n/a");
    else if (p < 0.001)
        buf_adds(b, "< 0.001");
    else
        rep_num(b, p, 3);
}

void rep_p(struct buf *b, double p)
{
    if (!isfinite(p))
        buf_adds(b, "n/a");
    else if (p < 0.001)
        buf_adds(b, "&lt; 0.001");
    else {
        buf_adds(b, "= ");
        rep_num(b, p, 3);
    }
}

void rep_supp(const struct rep *r, struct buf *b)
{
    buf_addf(b, "<span class=\"supp\">fewer than %d</span>", r->min_cell);
}

void rep_supp_text(const struct rep *r, char *out, size_t n)
{
    (void)r;
    snprintf(out, n, "hidden to protect small groups");
}

/* The field of a row hidden for being small that its label speaks of: the
 * row's n, or the k of a breakdown part (a group of residents itself). */
/* Whether a field of a row hidden for being small is labelled "fewer than
 * M": a group count (n, or a k that counts a group) of 1..M-1. What the
 * label tells is part of the audit's model (disclose.h). */
static int small_field(const struct rep *r, const struct mrow *m, const char *field)
{
    if (m->why != HIDE_SMALL)
        return 0;
    if (!strcmp(field, "n"))
        return m->n > 0 && m->n < r->min_cell;
    return !strcmp(field, "k") && disclose_k_is_group(m->id) && m->k > 0 && m->k < r->min_cell;
}

void rep_hidden(struct rep *r, struct buf *b, const struct mrow *m)
{
    if (m && m->why == HIDE_COMPLEMENT)
        buf_adds(b, "<span class=\"supp\" title=\"Hidden so that a small group elsewhere cannot be worked out "
                    "(see Methods)\">hidden: protects a small group</span>");
    else
        rep_supp(r, b);
    if (!m || !r->publish)
        return;
    /* a hidden row prints none of its numbers; its label says what it says */
    static const char *const fields[] = { "n", "k", "value", "ci_low", "ci_high", "p_value", "q_value" };
    int has[] = { m->n >= 0, m->k >= 0, 1, 1, 1, isfinite(m->p), isfinite(m->q) };
    char label[32];
    snprintf(label, sizeof label, "fewer than %d", r->min_cell);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (has[i])
            rep_publish(r, m, fields[i], small_field(r, m, fields[i]) ? label : "");
}

/* A number of a row: printed into b (escaped) and published as field. */
static void print_pub(struct rep *r, struct buf *b, const struct mrow *m, const char *field, const struct buf *text)
{
    html_esc(b, buf_str(text));
    rep_publish(r, m, field, buf_str(text));
}

/* What a row that is missing or hidden prints instead of its numbers: 1
 * when it printed that, else 0 (the row shows its numbers). */
static int not_shown(struct rep *r, struct buf *b, const struct mrow *m)
{
    if (!m) {
        buf_adds(b, "<span class=\"na\">no data</span>");
        return 1;
    }
    if (m->suppressed) {
        rep_hidden(r, b, m);
        return 1;
    }
    return 0;
}

void rep_count(struct rep *r, struct buf *b, const struct mrow *m, const char *field, long v)
{
    if (not_shown(r, b, m))
        return;
    struct buf t = BUF_INIT;
    buf_addf(&t, "%ld", v);
    print_pub(r, b, m, field, &t);
    buf_release(&t);
}

void rep_est(struct rep *r, struct buf *b, const struct mrow *m, enum metric_show fmt, int show_n)
{
    if (not_shown(r, b, m))
        return;
    if (m->n == 0) {
        /* an empty group: nobody to report on */
        buf_adds(b, "<span class=\"na\">no data</span>");
        rep_publish(r, m, "n", "0");
        return;
    }
    struct buf t = BUF_INIT;
    if (!isfinite(m->value))
        buf_adds(b, "not estimable");
    else {
        rep_value(&t, m->value, fmt);
        print_pub(r, b, m, "value", &t);
    }
    if (isfinite(m->value) && isfinite(m->lo) && isfinite(m->hi)) {
        buf_adds(b, " <span class=\"ci\">(");
        buf_reset(&t);
        if (fmt == SHOW_PP) {
            rep_num(&t, 100 * m->lo, 1);
            buf_adds(b, buf_str(&t));
            buf_adds(&t, " pp");
            rep_publish(r, m, "ci_low", buf_str(&t));
            buf_adds(b, " to ");
            buf_reset(&t);
            rep_num(&t, 100 * m->hi, 1);
            buf_adds(b, buf_str(&t));
            buf_adds(&t, " pp");
            rep_publish(r, m, "ci_high", buf_str(&t));
            buf_adds(b, " pp");
        } else {
            rep_value(&t, m->lo, fmt);
            print_pub(r, b, m, "ci_low", &t);
            buf_adds(b, " to ");
            buf_reset(&t);
            rep_value(&t, m->hi, fmt);
            print_pub(r, b, m, "ci_high", &t);
        }
        buf_adds(b, ")</span>");
    }
    if (show_n && m->n >= 0) {
        buf_adds(b, "<br><span class=\"nk\">");
        if (show_n == 2 && m->k >= 0) {
            rep_count(r, b, m, "k", m->k);
            buf_adds(b, " of ");
        } else
            buf_adds(b, "n = ");
        rep_count(r, b, m, "n", m->n);
        buf_adds(b, "</span>");
    }
    buf_release(&t);
}

void rep_row_value(struct rep *r, struct buf *b, const struct mrow *m, enum metric_show fmt)
{
    if (not_shown(r, b, m))
        return;
    if (!isfinite(m->value)) {
        buf_adds(b, "n/a");
        return;
    }
    struct buf t = BUF_INIT;
    rep_value(&t, m->value, fmt);
    print_pub(r, b, m, "value", &t);
    buf_release(&t);
}

void rep_pvalue(struct rep *r, struct buf *b, const struct mrow *m, int with_q)
{
    if (not_shown(r, b, m))
        return;
    struct buf t = BUF_INIT;
    buf_adds(b, "p ");
    rep_p(b, m->p);
    p_text(&t, m->p);
    rep_publish(r, m, "p_value", buf_str(&t));
    if (with_q) {
        buf_adds(b, "<br>q ");
        rep_p(b, m->q);
        buf_reset(&t);
        p_text(&t, m->q);
        rep_publish(r, m, "q_value", buf_str(&t));
    }
    buf_release(&t);
}

void rep_p_cell(struct rep *r, struct buf *b, const struct mrow *m, int with_q)
{
    buf_adds(b, "<td>");
    if (m && !m->suppressed && m->n == 0)
        buf_adds(b, "<span class=\"na\">no data</span>");
    else
        rep_pvalue(r, b, m, with_q);
    buf_adds(b, "</td>");
}

void rep_no_data(struct buf *b, const char *what)
{
    buf_adds(b, "<p class=\"nodata\">No data: ");
    html_esc(b, what);
    buf_adds(b, "</p>\n");
}

int rep_missing(const struct rep *r, enum metric_id metric, struct buf *out)
{
    unsigned need = metric_def(metric)->sources;
    int n = 0;
    for (int f = 0; f < COHORT_NFILES; f++)
        if ((need & SRC_BIT(f)) && rep_source(r, f) == 0)
            buf_addf(out, "%s%s", n++ ? " and " : "", cohort_file(f)->name);
    if (n)
        buf_addf(out, " %s not provided", n > 1 ? "were" : "was");
    return n > 0;
}

int rep_require(struct rep *r, enum metric_id metric)
{
    struct buf missing = BUF_INIT;
    int absent = rep_missing(r, metric, &missing);
    if (absent) {
        buf_addc(&missing, '.');
        rep_no_data(r->h, buf_str(&missing));
    }
    buf_release(&missing);
    return !absent;
}

void rep_section(struct buf *b, const char *id, int number, const char *title)
{
    buf_adds(b, "<section id=\"");
    html_esc(b, id);
    buf_addf(b, "\">\n<h2>%d. ", number);
    html_esc(b, title);
    buf_adds(b, "</h2>\n");
}

void rep_group_cells(struct rep *r, struct buf *b, const char *label, enum metric_id metric,
                     const char *stratum, const char *period, enum metric_show fmt, int show_n)
{
    buf_adds(b, "<tr><th scope=\"row\">");
    html_esc(b, label);
    buf_adds(b, "</th>");
    for (int g = 0; g < 3; g++) {
        buf_adds(b, "<td>");
        rep_est(r, b, rep_find(r, metric, GROUPS3[g], stratum, period), fmt, show_n);
        buf_adds(b, "</td>");
    }
}

void rep_group_row(struct rep *r, struct buf *b, const char *label, enum metric_id metric,
                   const char *stratum, const char *period, enum metric_show fmt, int show_n)
{
    rep_group_cells(r, b, label, metric, stratum, period, fmt, show_n);
    buf_adds(b, "</tr>\n");
}

void rep_group_head(struct buf *b, const char *first, const char *extra)
{
    buf_adds(b, "<table>\n<thead><tr><th scope=\"col\">");
    html_esc(b, first);
    buf_adds(b, "</th><th scope=\"col\">All residents</th><th scope=\"col\">IMG</th><th scope=\"col\">Non-IMG</th>");
    if (extra)
        buf_adds(b, extra);
    buf_adds(b, "</tr></thead>\n<tbody>\n");
}

void rep_label(struct buf *b, const char *column, const char *value)
{
    const char *l = cohort_value_label(column, value);
    if (!l) {
        html_esc(b, value);
        return;
    }
    html_esc(b, l);
    buf_adds(b, " <span class=\"code\">");
    html_esc(b, value);
    buf_adds(b, "</span>");
}

const char *rep_label_text(const char *column, const char *value)
{
    const char *l = cohort_value_label(column, value);
    return l ? l : value;
}

void rep_subcompetency(struct buf *b, const char *code)
{
    /* The six ACGME core competencies, by the prefix of their codes. */
    static const struct {
        const char *prefix, *name;
    } comp[] = {
        { "PBLI", "Practice-based learning and improvement" },
        { "PROF", "Professionalism" },
        { "ICS", "Interpersonal and communication skills" },
        { "SBP", "Systems-based practice" },
        { "PC", "Patient care" },
        { "MK", "Medical knowledge" },
    };
    for (size_t i = 0; i < sizeof comp / sizeof comp[0]; i++) {
        size_t pl = strlen(comp[i].prefix);
        if (strncmp(code, comp[i].prefix, pl) || strspn(code + pl, "0123456789") != strlen(code + pl))
            continue;
        html_esc(b, comp[i].name);
        if (code[pl]) {
            buf_addc(b, ' ');
            html_esc(b, code + pl);
        }
        buf_adds(b, " <span class=\"code\">");
        html_esc(b, code);
        buf_adds(b, "</span>");
        return;
    }
    html_esc(b, code);
}

/* s as a CSS string literal: ASCII letters, digits and plain punctuation
 * as they are, other ASCII (quotes, backslash, <) as escapes, control
 * characters dropped, UTF-8 kept; at most 120 bytes of s, so no text from
 * data can end the string or the <style> element. */
static void css_string(struct buf *b, const char *s)
{
    buf_addc(b, '"');
    for (size_t n = 0; s && *s && n < 120; s++, n++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            strchr(" ,.;:-_()/+&#", c))
            buf_addc(b, (char)c);
        else if (c >= 0x20 && c != 0x7f)
            buf_addf(b, "\\%x ", c);
    }
    buf_addc(b, '"');
}

static const char CSS[] =
    "body{font-family:Helvetica,Arial,sans-serif;font-size:11pt;line-height:1.4;color:#111;"
    "max-width:60em;margin:2em auto;padding:0 1em}\n"
    "h1{font-size:1.8em;margin-bottom:.2em}h2{font-size:1.35em;border-bottom:2px solid #0072B2;"
    "padding-bottom:.2em;margin-top:2em}h3{font-size:1.1em}\n"
    "h1,h2,h3,.lead,figcaption+p{break-after:avoid;page-break-after:avoid}\n"
    "table{border-collapse:collapse;margin:.8em 0;width:100%}\n"
    "th,td{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top}\n"
    "thead th{background:#eef3f8}td{font-variant-numeric:tabular-nums}\n"
    ".ci{color:#444}.nk{color:#555;font-size:.9em}.supp{color:#8a4b00;font-style:italic}\n"
    ".na,.nodata{color:#555;font-style:italic}.flag{color:#A33A00;font-weight:bold}\n"
    ".code{color:#555;font-size:.8em;font-family:monospace}\n"
    ".hash{font-size:.75em;word-break:break-all}table.files{font-size:.9em}\n"
    ".warn{border-left:4px solid #A33A00;background:#fdf3ec;padding:.4em .8em;margin:.8em 0}\n"
    ".confidential{background:#000;color:#fff;text-align:center;font-weight:bold;padding:.3em;"
    "letter-spacing:.1em}\n"
    "nav.toc ol{padding-left:1.5em}nav.toc a{color:inherit}\n"
    "figure.chart{margin:1em 0}figure.chart svg{width:100%;height:auto;max-width:800px}\n"
    "figcaption{font-size:.9em;color:#333}dl.meta dt{font-weight:bold}dl.meta dd{margin:0 0 .4em 0}\n"
    "dl.glossary dt{font-weight:bold;margin-top:.5em}dl.glossary dd{margin:0 0 0 1.5em}\n"
    "code{font-size:.95em}\n"
    "@page{size:Letter;margin:18mm 15mm 18mm 15mm;"
    "@bottom-right{content:\"Page \" counter(page) \" of \" counter(pages);font:8pt Helvetica,Arial,"
    "sans-serif;color:#555}}\n"
    "@media print{body{max-width:none;margin:0;padding:0;font-size:10pt}"
    "section{break-before:page;page-break-before:always}section#cover{break-before:auto;"
    "page-break-before:avoid}"
    "tr,figure,.keep{page-break-inside:avoid;break-inside:avoid}thead{display:table-header-group}"
    "a{color:inherit;text-decoration:none}.screen{display:none}}\n";

void rep_head(struct buf *h, const char *title, const char *running, int confidential)
{
    buf_adds(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                "style-src 'unsafe-inline'; img-src data:\">\n<title>");
    html_esc(h, title);
    buf_adds(h, "</title>\n<style>\n");
    buf_adds(h, CSS);
    /* the running header of printed pages: every page but the cover */
    buf_adds(h, "@page{@top-left{content:");
    css_string(h, running);
    buf_adds(h, ";font:8pt Helvetica,Arial,sans-serif;color:#555}}\n@page:first{@top-left{content:none}}\n");
    /* in the margin of every printed page, so it covers nothing */
    if (confidential)
        buf_adds(h, "@page{@top-right{content:\"CONFIDENTIAL \\B7  IMG committee only \\B7  do not forward\";"
                    "font:bold 8pt Helvetica,Arial,sans-serif;color:#000}}\n");
    buf_adds(h, "</style>\n</head>\n<body>\n");
    if (confidential)
        buf_adds(h, "<div class=\"confidential screen\" role=\"note\">CONFIDENTIAL: lists residents by ID. "
                    "For the IMG committee only; do not forward.</div>\n");
}

const char REP_DIFF_HEAD[] = "<th scope=\"col\">IMG minus non-IMG (Newcombe interval)</th>"
                             "<th scope=\"col\">p (Fisher exact)</th>";
const char REP_WELCH_HEAD[] = "<th scope=\"col\">IMG minus non-IMG (Welch interval)</th>"
                              "<th scope=\"col\">p (Welch t)</th>";

void rep_diff_cells(struct rep *r, enum metric_id metric, const char *stratum, const char *period)
{
    const struct mrow *d = rep_find(r, metric, "img_vs_non_img", stratum, period);
    buf_adds(r->h, "<td>");
    rep_est(r, r->h, d, SHOW_PP, 0);
    buf_adds(r->h, "</td>");
    rep_p_cell(r, r->h, d, 0);
}
