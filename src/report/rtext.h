/*
 * rtext.h - the explanations every published report shares: how small
 * numbers are hidden (a part of Methods) and the glossary; and the
 * annual summary's list of headline figures.
 *
 * Internal to the report stage. Both write HTML into r->h; neither prints
 * a number of a metrics row (only the run's min_cell).
 */
#ifndef IMGO_RTEXT_H
#define IMGO_RTEXT_H

#include "rdata.h"

/* The reports a glossary term belongs to (or'ed). */
enum rep_terms {
    REP_TERMS_ANNUAL = 1 << 0,
    REP_TERMS_INSTITUTION = 1 << 1
};

/* "Small numbers": the min_cell rule, complementary suppression chosen by
 * linear programming, the audit and public.csv (a heading and its
 * paragraphs). */
void rep_small_numbers(struct rep *r);

/* The glossary: a lead line and every term of the reports in kinds. */
void rep_glossary(struct rep *r, unsigned kinds);

/* The annual summary's headline figures over every year up to as-of (the
 * yearly ones come before them, by exam and cycle): the summary and "Since
 * the last report" list the same. */
struct rep_headline {
    const char *label;
    enum metric_id metric;
    const char *group, *stratum;
    int show_n; /* as rep_est */
};
extern const struct rep_headline REP_HEADLINES[];
extern const size_t REP_N_HEADLINES;

#endif
