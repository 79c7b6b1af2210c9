/*
 * cohort.c - the table of cohort files and columns (see cohort.h).
 *
 * Transcribed from the input contract, file by file. A change to the
 * contract is a change here (and in the schema, when a column is added).
 */
#include "cohort.h"

#include <string.h>
#include <strings.h>

#define REQ COHORT_REQUIRED
#define KEY (COHORT_KEY | COHORT_REQUIRED)
#define RANGE (COHORT_MIN | COHORT_MAX)
#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *const exit_reasons[] = { "completed", "withdrew", "dismissed", "transferred", NULL };
static const char *const graduate_types[] = { "usmd", "usdo", "us_img", "non_us_img", NULL };
static const char *const visas[] = { "none", "j1", "h1b", "other", NULL };
static const char *const tracks[] = { "categorical", "preliminary", NULL };
static const char *const roles[] = { "senior_resident", "faculty", "peer", NULL };
static const char *const kinds[] = { "scheduled", "ad_hoc", NULL };
static const char *const results[] = { "pass", "fail", NULL };
static const char *const outcomes[] = { "matched", "unmatched", "withdrew", NULL };
static const char *const themes[] = { "communication", "efficiency", "medical_knowledge",
                                      "professionalism", "documentation", "teamwork", "other", NULL };
static const char *const valences[] = { "positive", "negative", NULL };
static const char *const actions[] = { "satisfactory", "focused_review", "remediation",
                                       "probation", "non_promotion", "dismissal", NULL };
static const char *const employers[] = { "same_institution", "same_region", "elsewhere", NULL };
static const char *const yes_no[] = { "yes", "no", NULL };

/* The first column of every file but residents.csv: whose row it is. */
#define RESIDENT_REF                                                                        \
    {                                                                                       \
        "resident_id", COHORT_ID, KEY, NULL, 0, 0, "a resident of residents.csv (or of the database)" \
    }

static const struct cohort_column residents[] = {
    { "resident_id", COHORT_ID, KEY, NULL, 0, 0,
      "pseudonymous id of the resident, stable across exports" },
    { "program", COHORT_TEXT, REQ, NULL, 0, 0,
      "program code, e.g. IM-001" },
    { "specialty", COHORT_TEXT, REQ, NULL, 0, 0,
      "e.g. Internal Medicine" },
    { "start_date", COHORT_DATE, REQ, NULL, 0, 0,
      "first day of residency" },
    { "end_date", COHORT_DATE, 0, NULL, 0, 0,
      "last day of residency; empty while in training; not before start_date" },
    { "exit_reason", COHORT_ENUM, 0, exit_reasons, 0, 0,
      "why residency ended; required when end_date is set, empty when it is not" },
    { "graduate_type", COHORT_ENUM, REQ, graduate_types, 0, 0,
      "US MD, US DO, US citizen IMG, or non-US IMG" },
    { "school_region", COHORT_TEXT, 0, NULL, 0, 0,
      "region of the medical school, e.g. Caribbean, South Asia" },
    { "graduation_year", COHORT_INT, RANGE, NULL, 1950, 2100,
      "year of medical school graduation; not after the year of start_date" },
    { "visa", COHORT_ENUM, 0, visas, 0, 0,
      "visa during residency" },
    { "step2_score", COHORT_INT, RANGE, NULL, 1, 300,
      "USMLE Step 2 CK score" },
    { "track", COHORT_ENUM, 0, tracks, 0, 0,
      "categorical or preliminary position" },
};

static const struct cohort_column mentor_assignments[] = {
    RESIDENT_REF,
    { "mentor_id", COHORT_ID, KEY, NULL, 0, 0,
      "pseudonymous id of the mentor" },
    { "role", COHORT_ENUM, KEY, roles, 0, 0,
      "the mentor's role" },
    { "assigned_date", COHORT_DATE, KEY, NULL, 0, 0,
      "first day of the pairing" },
    { "ended_date", COHORT_DATE, 0, NULL, 0, 0,
      "last day of the pairing; empty while it lasts; not before assigned_date" },
};

static const struct cohort_column mentorship_meetings[] = {
    RESIDENT_REF,
    { "mentor_id", COHORT_ID, KEY, NULL, 0, 0,
      "pseudonymous id of the mentor met" },
    { "meeting_date", COHORT_DATE, KEY, NULL, 0, 0,
      "day of the meeting" },
    { "kind", COHORT_ENUM, 0, kinds, 0, 0,
      "scheduled or ad hoc" },
};

static const struct cohort_column board_exams[] = {
    RESIDENT_REF,
    { "exam", COHORT_UPPER, KEY, NULL, 0, 0,
      "exam name, upper-cased on ingest, e.g. ABIM-IM, USMLE-STEP3" },
    { "exam_date", COHORT_DATE, REQ, NULL, 0, 0,
      "day of the exam" },
    { "attempt", COHORT_INT, KEY | RANGE, NULL, 1, 99,
      "attempt number for this resident and exam" },
    { "result", COHORT_ENUM, REQ, results, 0, 0,
      "pass or fail" },
    { "score", COHORT_NUM, RANGE, NULL, 0, 1000,
      "scaled score, if reported" },
};

static const struct cohort_column fellowship_applications[] = {
    RESIDENT_REF,
    { "cycle_year", COHORT_INT, KEY | RANGE, NULL, 1950, 2100,
      "appointment year of the match cycle" },
    { "fellowship_specialty", COHORT_TEXT, KEY, NULL, 0, 0,
      "e.g. Cardiology" },
    { "outcome", COHORT_ENUM, REQ, outcomes, 0, 0,
      "result of the application" },
};

static const struct cohort_column milestone_ratings[] = {
    RESIDENT_REF,
    { "review_date", COHORT_DATE, KEY, NULL, 0, 0,
      "date of the Clinical Competency Committee review" },
    { "pgy", COHORT_INT, REQ | RANGE, NULL, 1, 8,
      "postgraduate year at the review" },
    { "subcompetency", COHORT_UPPER, KEY, NULL, 0, 0,
      "upper-cased on ingest, e.g. PC1, MK2, ICS1, PROF3" },
    { "rating", COHORT_NUM, REQ | RANGE | COHORT_HALF, NULL, 1, 5,
      "milestone level, in steps of 0.5" },
};

static const struct cohort_column evaluations[] = {
    RESIDENT_REF,
    { "evaluator_id", COHORT_ID, KEY, NULL, 0, 0,
      "pseudonymous id of the faculty evaluator" },
    { "eval_date", COHORT_DATE, KEY, NULL, 0, 0,
      "date of the evaluation" },
    { "rotation", COHORT_TEXT, KEY, NULL, 0, 0,
      "e.g. Wards, ICU" },
    { "pgy", COHORT_INT, REQ | RANGE, NULL, 1, 8,
      "postgraduate year of the resident" },
    { "score", COHORT_NUM, REQ | RANGE, NULL, 1, 9,
      "overall score" },
};

static const struct cohort_column feedback[] = {
    RESIDENT_REF,
    { "evaluator_id", COHORT_ID, KEY, NULL, 0, 0,
      "pseudonymous id of who gave the feedback" },
    { "feedback_date", COHORT_DATE, KEY, NULL, 0, 0,
      "date of the comment" },
    { "theme", COHORT_ENUM, KEY, themes, 0, 0,
      "the theme the comment was coded with" },
    { "valence", COHORT_ENUM, KEY, valences, 0, 0,
      "positive or negative" },
};

static const struct cohort_column ccc_actions[] = {
    RESIDENT_REF,
    { "review_date", COHORT_DATE, KEY, NULL, 0, 0,
      "date of the Clinical Competency Committee review" },
    { "action", COHORT_ENUM, REQ, actions, 0, 0,
      "what the committee decided" },
};

static const struct cohort_column employment[] = {
    RESIDENT_REF,
    { "start_date", COHORT_DATE, KEY, NULL, 0, 0,
      "first day of the position" },
    { "end_date", COHORT_DATE, 0, NULL, 0, 0,
      "last day of the position; empty while still there; not before start_date" },
    { "employer", COHORT_ENUM, REQ, employers, 0, 0,
      "where the position is" },
    { "underserved", COHORT_ENUM, 0, yes_no, 0, 0,
      "whether the position serves an underserved area" },
};

static const struct cohort_column patient_experience[] = {
    RESIDENT_REF,
    { "period", COHORT_TEXT, KEY, NULL, 0, 0,
      "survey period, e.g. 2025-Q3" },
    { "responses", COHORT_INT, REQ | COHORT_MIN, NULL, 1, 0,
      "number of survey responses" },
    { "mean_score", COHORT_NUM, REQ | RANGE, NULL, 1, 5,
      "mean patient rating" },
};

#define FILE_ENTRY(id, name, table, cols, help) { id, name, table, cols, N(cols), help }

static const struct cohort_file files[COHORT_NFILES] = {
    FILE_ENTRY(COHORT_RESIDENTS, "residents.csv", "residents", residents,
               "one row per resident"),
    FILE_ENTRY(COHORT_MENTOR_ASSIGNMENTS, "mentor_assignments.csv", "mentor_assignments",
               mentor_assignments,
               "one row per pairing of a resident with a mentor"),
    FILE_ENTRY(COHORT_MENTORSHIP_MEETINGS, "mentorship_meetings.csv", "mentorship_meetings",
               mentorship_meetings,
               "one row per meeting of a resident with a mentor"),
    FILE_ENTRY(COHORT_BOARD_EXAMS, "board_exams.csv", "board_exams", board_exams,
               "one row per attempt at a certification or licensing exam"),
    FILE_ENTRY(COHORT_FELLOWSHIP_APPLICATIONS, "fellowship_applications.csv",
               "fellowship_applications", fellowship_applications,
               "one row per fellowship application in a match cycle"),
    FILE_ENTRY(COHORT_MILESTONE_RATINGS, "milestone_ratings.csv", "milestone_ratings",
               milestone_ratings,
               "one row per subcompetency rating at a semiannual Clinical Competency Committee review"),
    FILE_ENTRY(COHORT_EVALUATIONS, "evaluations.csv", "evaluations", evaluations,
               "one row per faculty end-of-rotation evaluation"),
    FILE_ENTRY(COHORT_FEEDBACK, "feedback.csv", "feedback", feedback,
               "one row per narrative comment, coded by theme and valence"),
    FILE_ENTRY(COHORT_CCC_ACTIONS, "ccc_actions.csv", "ccc_actions", ccc_actions,
               "one row per Clinical Competency Committee decision on a resident"),
    FILE_ENTRY(COHORT_EMPLOYMENT, "employment.csv", "employment", employment,
               "one row per position held after graduation"),
    FILE_ENTRY(COHORT_PATIENT_EXPERIENCE, "patient_experience.csv", "patient_experience",
               patient_experience,
               "one row per resident and survey period"),
};

const struct cohort_file *cohort_file(enum cohort_file_id id)
{
    return (unsigned)id < COHORT_NFILES ? &files[id] : NULL;
}

const struct cohort_file *cohort_find(const char *name)
{
    for (size_t i = 0; i < COHORT_NFILES; i++)
        if (!strcasecmp(files[i].name, name))
            return &files[i];
    return NULL;
}

int cohort_column_index(const struct cohort_file *f, const char *name)
{
    for (size_t i = 0; i < f->ncols; i++)
        if (!strcmp(f->cols[i].name, name))
            return (int)i;
    return -1;
}

const char *cohort_type_name(enum cohort_type t)
{
    switch (t) {
    case COHORT_ID: return "id";
    case COHORT_TEXT: return "text";
    case COHORT_UPPER: return "text, upper-cased";
    case COHORT_DATE: return "date";
    case COHORT_INT: return "integer";
    case COHORT_NUM: return "number";
    case COHORT_ENUM: return "one of";
    }
    return "?";
}

const char *cohort_enum_match(const struct cohort_column *c, const char *s, size_t len)
{
    if (!c->enums)
        return NULL;
    for (const char *const *e = c->enums; *e; e++)
        if (strlen(*e) == len && !strncasecmp(*e, s, len))
            return *e;
    return NULL;
}

int cohort_is_img(const char *graduate_type)
{
    return graduate_type && (!strcmp(graduate_type, "us_img") || !strcmp(graduate_type, "non_us_img"));
}

/* The enumerations in a committee's words, for reports. */
static const struct {
    const char *column, *value, *label;
} value_labels[] = {
    { "graduate_type", "usmd", "US MD graduate" },
    { "graduate_type", "usdo", "US DO graduate" },
    { "graduate_type", "us_img", "US-citizen IMG" },
    { "graduate_type", "non_us_img", "Non-US IMG" },
    { "visa", "none", "No visa" },
    { "visa", "j1", "J-1" },
    { "visa", "h1b", "H-1B" },
    { "visa", "other", "Other visa" },
    { "track", "categorical", "Categorical" },
    { "track", "preliminary", "Preliminary" },
    { "exit_reason", "completed", "Completed" },
    { "exit_reason", "withdrew", "Withdrew" },
    { "exit_reason", "dismissed", "Dismissed" },
    { "exit_reason", "transferred", "Transferred" },
    { "role", "senior_resident", "Senior resident" },
    { "role", "faculty", "Faculty" },
    { "role", "peer", "Peer" },
    { "kind", "scheduled", "Scheduled" },
    { "kind", "ad_hoc", "Ad hoc" },
    { "result", "pass", "Pass" },
    { "result", "fail", "Fail" },
    { "outcome", "matched", "Matched" },
    { "outcome", "unmatched", "Unmatched" },
    { "outcome", "withdrew", "Withdrew" },
    { "theme", "communication", "Communication" },
    { "theme", "efficiency", "Efficiency" },
    { "theme", "medical_knowledge", "Medical knowledge" },
    { "theme", "professionalism", "Professionalism" },
    { "theme", "documentation", "Documentation" },
    { "theme", "teamwork", "Teamwork" },
    { "theme", "other", "Other" },
    { "valence", "positive", "Positive" },
    { "valence", "negative", "Negative" },
    { "action", "satisfactory", "Satisfactory" },
    { "action", "focused_review", "Focused review" },
    { "action", "remediation", "Remediation" },
    { "action", "probation", "Probation" },
    { "action", "non_promotion", "Non-promotion" },
    { "action", "dismissal", "Dismissal" },
    { "employer", "same_institution", "Same institution" },
    { "employer", "same_region", "Same region" },
    { "employer", "elsewhere", "Elsewhere" },
    { "underserved", "yes", "Yes" },
    { "underserved", "no", "No" },
};

const char *cohort_value_label(const char *column, const char *value)
{
    for (size_t i = 0; i < N(value_labels); i++)
        if (!strcmp(value_labels[i].column, column) && !strcmp(value_labels[i].value, value))
            return value_labels[i].label;
    return NULL;
}
