/*
 * rtext.h - the explanations every published report shares: how small
 * numbers are hidden (a part of Methods) and the glossary.
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

#endif
