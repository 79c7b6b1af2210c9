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
#include "plot.h"
#include "rdata.h"
#include "rhtml.h"
#include "sections.h"

#include <string.h>

static const struct report_kind_def *const kinds[] = { &report_kind_annual, &report_kind_quarterly };

static const struct report_kind_def *find_kind(int kind)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if ((int)kinds[i]->kind == kind)
            return kinds[i];
    return NULL;
}

/* The head, then each section in its element. */
static int render(struct rep *r, const struct report_kind_def *k, struct imgo_err *err)
{
    int rc = k->begin ? k->begin(r, err) : IMGO_OK;
    if (rc)
        return rc;
    struct buf title = BUF_INIT;
    k->title(r, &title);
    rep_head(r->h, buf_str(&title), k->confidential);
    buf_release(&title);
    int number = k->number_from;
    for (size_t i = 0; !rc && i < k->n_sections; i++) {
        const struct report_section *s = &k->sections[i];
        if (s->title)
            rep_section(r->h, s->id, number++, s->title);
        else
            buf_addf(r->h, "<section id=\"%s\">\n", s->id);
        rc = s->render(r, err);
        buf_adds(r->h, "</section>\n");
    }
    buf_adds(r->h, "</body>\n</html>\n");
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
    if (!rc)
        rc = render(&r, k, err);
    if (k->end)
        k->end(&r);
    struct imgo_err perr = IMGO_ERR_INIT;
    int prc = plot_close(r.plot, &perr);
    if (!rc && prc)
        rc = imgo_err_set(err, prc, "%s", perr.msg);
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
