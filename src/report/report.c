/*
 * report.c - renders a report kind (see report.h): the dispatcher.
 *
 * A kind is a table of sections (sections.h). This file loads what every
 * report reads (rdata.h), writes the document head, walks the kind's
 * sections - each section's element and numbered heading here, its body by
 * its render function - and writes report.html atomically once everything,
 * charts included, has succeeded. Nothing calls back into this file.
 */
#include "report.h"
#include "fsutil.h"
#include "html.h"
#include "plot.h"
#include "rdata.h"
#include "rhtml.h"
#include "sections.h"

#include <stdlib.h>
#include <string.h>

static const struct report_kind_def *const kinds[] = { &report_kind_annual, &report_kind_quarterly,
                                                      &report_kind_institution };

static const struct report_kind_def *find_kind(int kind)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if ((int)kinds[i]->kind == kind)
            return kinds[i];
    return NULL;
}

/* The printed pages' running header: the programs, the report, as-of. */
static void running_head(const struct rep *r, const char *title, struct buf *out)
{
    const char **prog;
    size_t n = rep_strata(r, M_COHORT_RESIDENTS, "program=", &prog);
    if (n > 3)
        buf_addf(out, "%zu programs", n);
    for (size_t i = 0; n <= 3 && i < n; i++)
        buf_addf(out, "%s%s", i ? ", " : "", prog[i] + strlen("program="));
    free(prog);
    buf_addf(out, "%s%s", out->len ? " \xc2\xb7 " : "", title);
    const char *as_of = rep_info(r, "as_of");
    if (as_of)
        buf_addf(out, " \xc2\xb7 as of %s", as_of);
}

/* The contents: every numbered section in the report, linked. */
static void toc(struct rep *r, const struct report_kind_def *k)
{
    struct buf *h = r->h;
    buf_adds(h, "<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n");
    for (size_t i = 0; i < k->n_sections; i++) {
        const struct report_section *s = &k->sections[i];
        if (!s->title || !rep_section_present(r, s))
            continue;
        buf_adds(h, "<li><a href=\"#");
        html_esc(h, s->id);
        buf_adds(h, "\">");
        html_esc(h, s->title);
        buf_adds(h, "</a></li>\n");
    }
    buf_adds(h, "</ol>\n</nav>\n");
}

/* The head, then each section in its element, numbered from 1; the
 * contents follow the cover. */
static int render(struct rep *r, const struct report_kind_def *k, struct imgo_err *err)
{
    int rc = IMGO_OK;
    struct buf title = BUF_INIT, running = BUF_INIT;
    k->title(r, &title);
    running_head(r, buf_str(&title), &running);
    rep_head(r->h, buf_str(&title), buf_str(&running), k->confidential);
    buf_release(&title);
    buf_release(&running);
    int number = 1;
    for (size_t i = 0; !rc && i < k->n_sections; i++) {
        const struct report_section *s = &k->sections[i];
        if (!rep_section_present(r, s))
            continue;
        if (s->title)
            rep_section(r->h, s->id, number++, s->title);
        else
            buf_addf(r->h, "<section id=\"%s\">\n", s->id);
        rc = s->render(r, err);
        buf_adds(r->h, "</section>\n");
        if (!s->title)
            toc(r, k);
    }
    buf_adds(r->h, "</body>\n</html>\n");
    return rc;
}

/* What the report hides. A published report is rendered twice: a first
 * pass with every row shown collects every number it would print, from
 * which the audit chooses what to hide (rep_hide); the second pass prints
 * with those rows hidden, and what it printed is proved again, from the
 * printed numbers alone, before anything is written. */
static int choose_hidden(struct rep *r, const struct report_kind_def *k, struct imgo_err *err)
{
    if (!k->published) {
        rep_hide_simple(r);
        return IMGO_OK;
    }
    struct buf scratch = BUF_INIT, *html = r->h;
    r->h = &scratch;
    r->dry = r->publish = 1;
    int rc = render(r, k, err);
    r->h = html;
    r->dry = 0;
    r->n_figures = 0;
    buf_release(&scratch);
    if (!rc)
        rc = rep_hide(r, err);
    rep_pub_clear(r);
    return rc;
}

int report_write(sqlite3 *db, int kind, const char *outdir, const struct report_prov *prov,
                 struct imgo_err *err)
{
    const struct report_kind_def *k = find_kind(kind);
    if (!k)
        return imgo_err_set(err, IMGO_EUSAGE, "no report of kind %d", kind);
    struct rep r;
    struct buf html = BUF_INIT;
    memset(&r, 0, sizeof r);
    r.db = db;
    r.out = outdir;
    r.h = &html;
    r.prov = prov;
    int rc = fs_mkdirs(outdir, err);
    if (!rc)
        rc = rep_load(&r, err);
    if (!rc && k->begin)
        rc = k->begin(&r, err);
    if (!rc)
        rc = choose_hidden(&r, k, err);
    if (!rc)
        rc = render(&r, k, err);
    if (!rc && k->published)
        rc = rep_verify(&r, err);
    if (k->end)
        k->end(&r);
    struct imgo_err perr = IMGO_ERR_INIT;
    int prc = plot_close(r.plot, &perr);
    if (!rc && prc)
        rc = imgo_err_set(err, prc, "%s", perr.msg);
    if (!rc && k->published) {
        struct buf path = BUF_INIT;
        buf_addf(&path, "%s/public.csv", outdir);
        rc = rep_write_public(&r, buf_str(&path), err);
        buf_release(&path);
    }
    if (!rc) {
        struct buf path = BUF_INIT;
        buf_addf(&path, "%s/report.html", outdir);
        rc = fs_write_atomic(buf_str(&path), html.data, html.len, err);
        buf_release(&path);
    }
    rep_release(&r);
    buf_release(&html);
    return rc;
}
