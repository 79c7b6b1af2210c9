/*
 * sections.h - a report kind as a table of sections.
 *
 * Internal to the report stage. A kind is { kind, title, sections[] } and a
 * section { id, title, render }: report.c walks the table, writes each
 * section's element and numbered heading (numbers follow the table's
 * order, from 1; the cover is not numbered and is followed by the
 * contents) and calls its render function, which writes the body. A section
 * knows nothing of the others or of the dispatcher; adding one is a row in
 * its kind's table and a render function.
 */
#ifndef IMGO_SECTIONS_H
#define IMGO_SECTIONS_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "rdata.h"

struct report_section {
    const char *id;    /* the element's id */
    const char *title; /* the heading without its number; NULL: the cover,
                        * unnumbered, which writes its own heading */
    int (*render)(struct rep *r, struct imgo_err *err);
};

struct report_kind_def {
    enum report_kind kind;
    const char *name;                              /* "annual" */
    void (*title)(const struct rep *r, struct buf *out); /* the document's title */
    int confidential;                              /* marked so on every page */
    int published;                                 /* for publication: OUT/public.csv, the audit */
    /* Optional: before the first section (the kind's own data in
     * r->kind_state) and after the last (frees it, also after an error). */
    int (*begin)(struct rep *r, struct imgo_err *err);
    void (*end)(struct rep *r);
    const struct report_section *sections;
    size_t n_sections;
};

/* The kinds (annual.c, quarterly.c, institution.c). */
extern const struct report_kind_def report_kind_annual;
extern const struct report_kind_def report_kind_quarterly;
extern const struct report_kind_def report_kind_institution;

/* The annual report's sections outside annual.c. */
int rep_sec_cohort(struct rep *r, struct imgo_err *err);       /* annual_outcomes.c */
int rep_sec_retention(struct rep *r, struct imgo_err *err);
int rep_sec_board(struct rep *r, struct imgo_err *err);
int rep_sec_fellowship(struct rep *r, struct imgo_err *err);
int rep_sec_workforce(struct rep *r, struct imgo_err *err);
int rep_sec_mentorship(struct rep *r, struct imgo_err *err);   /* annual_mentor.c */
/* The table of mentors per role, overloaded and the largest load (the
 * annual report and the quarterly packet). */
void rep_mentor_load_table(struct rep *r, const char **roles, size_t nr);
int rep_sec_bias(struct rep *r, struct imgo_err *err);         /* annual_bias.c */
int rep_sec_trends(struct rep *r, struct imgo_err *err);       /* annual_trends.c */
int rep_sec_level4(struct rep *r, struct imgo_err *err);
int rep_sec_launch(struct rep *r, struct imgo_err *err);

/* "Since the last report" (since.c), in the annual and the institution
 * report with --compare-to. */
int rep_sec_since_annual(struct rep *r, struct imgo_err *err);
int rep_sec_since_institution(struct rep *r, struct imgo_err *err);

/* Whether section s is in this report (its element, heading, number and
 * contents entry): every section is but "Since the last report", which is
 * there only with --compare-to (since.c). */
int rep_section_present(const struct rep *r, const struct report_section *s);

#endif
