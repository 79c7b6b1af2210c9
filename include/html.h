/*
 * html.h - writing HTML safely.
 *
 * Every text that goes into a report passes through html_esc (or
 * html_escn): & < > " ' become entities and control characters other than
 * newline and tab are dropped, so no data can open a tag, close an
 * attribute or start a script. html_inline_svg embeds a chart gnuplot wrote,
 * with its ids made unique within the page.
 */
#ifndef IMGO_HTML_H
#define IMGO_HTML_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* Appends s (NULL as "") entity-escaped. */
void html_esc(struct buf *b, const char *s);
void html_escn(struct buf *b, const char *s, size_t n);

/* Appends printf text, escaped as a whole. */
void html_escf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends the SVG document svg (len bytes, as gnuplot's svg terminal writes
 * it) for inline use: everything before "<svg" is dropped, every id and
 * reference to one gets the prefix `prefix-`. Refuses (IMGO_EIO) a document
 * without <svg or one holding <script or <foreignObject. */
int html_inline_svg(struct buf *b, const char *svg, size_t len, const char *prefix, struct imgo_err *err);

#endif
