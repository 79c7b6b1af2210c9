/*
 * rtext.c - the explanations every published report shares (see rtext.h):
 * the rule for small numbers in Methods, and the glossary's terms, each
 * marked with the reports that use it.
 */
#include "rtext.h"
#include "html.h"
#include "rhtml.h"

void rep_small_numbers(struct rep *r)
{
    struct buf *h = r->h;
    buf_adds(h, "<h3>Small numbers</h3>\n");
    if (r->min_cell <= 1) {
        buf_adds(h, "<p>The smallest count shown (min_cell) is 1: no count is hidden for being small. A group "
                    "of nobody reads <span class=\"na\">no data</span>.</p>\n");
    } else {
        buf_adds(h, "<p>A count of 1 to ");
        buf_addf(h, "%d", r->min_cell - 1);
        buf_adds(h, " residents (or records) is not printed: it reads ");
        rep_supp(r, h);
        buf_adds(h, ", and the figures resting on it (its rate, interval and chart points) are hidden with it. "
                    "A group of nobody reads <span class=\"na\">no data</span>. So that no hidden count can be "
                    "worked out from the numbers printed (a total less its other parts, a span of years less "
                    "its years, a 100% beside hidden groups), further figures are hidden with them; these read "
                    "<span class=\"supp\">hidden: protects a small group</span> and are not small "
                    "themselves.</p>\n<p>They are chosen by linear programming: for each hidden count imgo "
                    "works out the smallest and largest value a reader could compute from every printed number "
                    "and every way the numbers add up, and hides more (the figure of the smallest group first, "
                    "a total for all residents last, never an empty figure) until every small count could "
                    "still be any value from 1 to ");
        buf_addf(h, "%d", r->min_cell - 1);
        buf_adds(h, " and no small group's outcome is certain to be none or all of it. An IMG vs non-IMG "
                    "comparison built from a hidden group is hidden too. The report is then audited once more "
                    "from its printed numbers alone, and is not written if the audit fails; those numbers are "
                    "listed in public.csv beside it, where <code>imgo audit</code> repeats the proof. The "
                    "computed values stay in metrics.csv for authorised analysts.</p>\n");
    }
}

/* ---- glossary --------------------------------------------------------------------- */

static const struct term {
    const char *term, *text;
    unsigned kinds; /* enum rep_terms */
} GLOSSARY[] = {
    { "Confidence interval (CI)",
      "The range of values the data are compatible with, at the stated confidence (95% unless the parameters "
      "say otherwise). A narrow interval comes from many residents; a wide one from few.",
      REP_TERMS_ANNUAL | REP_TERMS_INSTITUTION },
    { "Percentage points (pp)",
      "The unit of a difference between two percentages: 80% against 70% is a difference of +10 pp (not 14%).",
      REP_TERMS_ANNUAL },
    { "Kaplan-Meier estimate",
      "The share of residents still in training after a given time, counting only the residents followed that "
      "long: one who started recently is counted for as long as they have been in training (censored), not as "
      "a departure.",
      REP_TERMS_ANNUAL | REP_TERMS_INSTITUTION },
    { "Censored",
      "Followed until a date without the event happening: still in training at the as-of date, or left for a "
      "reason that is not attrition (such as completing training).",
      REP_TERMS_ANNUAL | REP_TERMS_INSTITUTION },
    { "Log-rank test",
      "A test of whether two Kaplan-Meier curves (IMG and non-IMG) differ more than chance would make them.",
      REP_TERMS_ANNUAL },
    { "p-value (p)",
      "How surprising the observed difference would be if there were truly no difference: a small p (below 0.05) "
      "is evidence of a real difference. It does not measure how large the difference is.",
      REP_TERMS_ANNUAL | REP_TERMS_INSTITUTION },
    { "q-value (q, Benjamini-Hochberg)",
      "A p-value adjusted for testing many things at once (many evaluators, subcompetencies or themes), so that "
      "among the findings with q below 0.10 at most about one in ten is expected to be a false alarm.",
      REP_TERMS_ANNUAL },
    { "Odds ratio",
      "How much more likely one group is to have something (here: a negative comment on a theme) than the other, "
      "as a ratio of odds: 1 means no difference, 2 means twice the odds.",
      REP_TERMS_ANNUAL },
    { "Risk ratio",
      "The share of one group with an outcome divided by the share of the other: 1 means no difference.",
      REP_TERMS_ANNUAL },
    { "Funnel plot",
      "Each evaluator's score gap, or each program's rate, against the number of residents it rests on, with "
      "control limits that narrow as the number grows: a point outside the limits differs from the pooled figure "
      "(the centre line) more than chance would explain. Of points that truly match the pooled figure, about one "
      "in twenty falls outside the 95% limits by chance, and one in five hundred outside the 99.8% limits.",
      REP_TERMS_ANNUAL | REP_TERMS_INSTITUTION },
    { "Pooled rate",
      "Every program's residents counted together: the passes (or actions) of all programs divided by all their "
      "residents. It is the centre line of a funnel plot, so a large program weighs more than a small one.",
      REP_TERMS_INSTITUTION },
    { "Cluster-robust standard error (CR1)",
      "An interval that allows for one resident being rated many times: ratings of the same resident are not "
      "independent, so the interval is as wide as the number of residents, not of ratings, warrants.",
      REP_TERMS_ANNUAL | REP_TERMS_INSTITUTION },
    { "Suppressed",
      "Not shown, because it rests on too few residents to publish without pointing at people, or because it "
      "would let a reader work out such a figure by subtraction.",
      REP_TERMS_ANNUAL | REP_TERMS_INSTITUTION },
};

void rep_glossary(struct rep *r, unsigned kinds)
{
    struct buf *h = r->h;
    buf_adds(h, "<p class=\"lead\">The terms of this report in plain words.</p>\n<dl class=\"glossary\">\n");
    for (size_t i = 0; i < sizeof GLOSSARY / sizeof GLOSSARY[0]; i++) {
        if (!(GLOSSARY[i].kinds & kinds))
            continue;
        buf_adds(h, "<dt>");
        html_esc(h, GLOSSARY[i].term);
        buf_adds(h, "</dt><dd>");
        html_esc(h, GLOSSARY[i].text);
        buf_adds(h, "</dd>\n");
    }
    buf_adds(h, "</dl>\n");
}

/* Figures over every year up to as-of: no change from the year before. */
const struct rep_headline REP_HEADLINES[] = {
    { "Retained in training at 1 year (Kaplan-Meier)", M_RETENTION_KM, "all", "t=365", 1 },
    { "Retained in training at 3 years (Kaplan-Meier)", M_RETENTION_KM, "all", "t=1095", 1 },
    { "Step 3 passed by month 12", M_STEP3_PASS_BY_MONTH12, "all", "", 2 },
    { "All required mentors assigned in week 1", M_MENTORSHIP_TIERED_COVERAGE, "all", "", 2 },
    { "Weekly mentoring in the first six weeks (mean share of weeks)", M_MENTORSHIP_EARLY_CADENCE, "all", "", 1 },
    { "Monthly faculty mentoring, months 2-9 (mean share of months)", M_MENTORSHIP_MONTHLY_CADENCE, "all", "", 1 },
    { "Milestone rating gap, IMG minus non-IMG (levels)", M_BIAS_MILESTONE_GAP, "img_vs_non_img", "", 1 },
    { "Adverse CCC action, IMG vs non-IMG (risk ratio)", M_BIAS_ADVERSE_ACTION_RR, "img_vs_non_img", "", 1 },
    { "Milestone gap, change per academic year (levels; positive: closing)", M_TREND_MILESTONE_GAP_SLOPE,
      "img_vs_non_img", "", 0 },
    { "Graduates who reached Level 4 in every subcompetency", M_MILESTONE_L4_AT_GRADUATION, "all", "", 2 },
};
const size_t REP_N_HEADLINES = sizeof REP_HEADLINES / sizeof REP_HEADLINES[0];
