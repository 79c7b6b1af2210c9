/*
 * html.c - entity escaping and inline SVG for the reports (see html.h).
 */
#define _GNU_SOURCE /* strcasestr */
#include "html.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void html_escn(struct buf *b, const char *s, size_t n)
{
    for (size_t i = 0; s && i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '&': buf_adds(b, "&amp;"); break;
        case '<': buf_adds(b, "&lt;"); break;
        case '>': buf_adds(b, "&gt;"); break;
        case '"': buf_adds(b, "&quot;"); break;
        case '\'': buf_adds(b, "&#39;"); break;
        default:
            if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
                break;
            buf_addc(b, (char)c);
        }
    }
}

void html_esc(struct buf *b, const char *s)
{
    html_escn(b, s, s ? strlen(s) : 0);
}

void html_escf(struct buf *b, const char *fmt, ...)
{
    struct buf t = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&t, fmt, ap);
    va_end(ap);
    html_escn(b, buf_str(&t), t.len);
    buf_release(&t);
}

static int starts(const char *s, const char *end, const char *p)
{
    size_t n = strlen(p);
    return (size_t)(end - s) >= n && !memcmp(s, p, n);
}

int html_inline_svg(struct buf *b, const char *svg, size_t len, const char *prefix, struct imgo_err *err)
{
    const char *end = svg + len;
    /* Without a NUL inside, the C string svg is all len bytes, and
     * strcasestr sees every one of them. */
    const char *s = memchr(svg, '\0', len) ? NULL : strcasestr(svg, "<svg");
    if (!s)
        return imgo_err_set(err, IMGO_EIO, "chart %s: not an svg document", prefix);
    if (strcasestr(svg, "<script") || strcasestr(svg, "<foreignobject"))
        return imgo_err_set(err, IMGO_EIO, "chart %s: svg holds active content", prefix);
    /* Rewrite ids only inside tags: text between tags is data and stays as
     * gnuplot escaped it. */
    int in_tag = 0;
    while (s < end) {
        char c = *s;
        if (!in_tag && c == '<')
            in_tag = 1;
        else if (in_tag && c == '>')
            in_tag = 0;
        if (in_tag) {
            const char *pat[] = { "id='", "id=\"", "href='#", "href=\"#", "url(#" };
            size_t k;
            for (k = 0; k < sizeof pat / sizeof pat[0]; k++)
                if (starts(s, end, pat[k]) &&
                    (s == svg || (!isalnum((unsigned char)s[-1]) && s[-1] != '-' && s[-1] != '_')))
                    break;
            if (k < sizeof pat / sizeof pat[0]) {
                buf_adds(b, pat[k]);
                buf_addf(b, "%s-", prefix);
                s += strlen(pat[k]);
                continue;
            }
        }
        buf_addc(b, c);
        s++;
    }
    return IMGO_OK;
}
