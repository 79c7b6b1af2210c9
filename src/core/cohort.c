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

static const struct cohort_column residents[] = {
    { "resident_id", COHORT_ID, KEY, NULL, 0, 0 },
    { "program", COHORT_TEXT, REQ, NULL, 0, 0 },
    { "specialty", COHORT_TEXT, REQ, NULL, 0, 0 },
    { "start_date", COHORT_DATE, REQ, NULL, 0, 0 },
    { "end_date", COHORT_DATE, 0, NULL, 0, 0 },
    { "exit_reason", COHORT_ENUM, 0, exit_reasons, 0, 0 },
    { "graduate_type", COHORT_ENUM, REQ, graduate_types, 0, 0 },
    { "school_region", COHORT_TEXT, 0, NULL, 0, 0 },
    { "graduation_year", COHORT_INT, RANGE, NULL, 1950, 2100 },
    { "visa", COHORT_ENUM, 0, visas, 0, 0 },
    { "step2_score", COHORT_INT, RANGE, NULL, 1, 300 },
    { "track", COHORT_ENUM, 0, tracks, 0, 0 },
};

static const struct cohort_column mentor_assignments[] = {
    { "resident_id", COHORT_ID, KEY, NULL, 0, 0 },
    { "mentor_id", COHORT_ID, KEY, NULL, 0, 0 },
    { "role", COHORT_ENUM, KEY, roles, 0, 0 },
    { "assigned_date", COHORT_DATE, KEY, NULL, 0, 0 },
    { "ended_date", COHORT_DATE, 0, NULL, 0, 0 },
};

static const struct cohort_column mentorship_meetings[] = {
    { "resident_id", COHORT_ID, KEY, NULL, 0, 0 },
    { "mentor_id", COHORT_ID, KEY, NULL, 0, 0 },
    { "meeting_date", COHORT_DATE, KEY, NULL, 0, 0 },
    { "kind", COHORT_ENUM, 0, kinds, 0, 0 },
};

static const struct cohort_column board_exams[] = {
    { "resident_id", COHORT_ID, KEY, NULL, 0, 0 },
    { "exam", COHORT_UPPER, KEY, NULL, 0, 0 },
    { "exam_date", COHORT_DATE, REQ, NULL, 0, 0 },
    { "attempt", COHORT_INT, KEY | RANGE, NULL, 1, 99 },
    { "result", COHORT_ENUM, REQ, results, 0, 0 },
    { "score", COHORT_NUM, RANGE, NULL, 0, 1000 },
};

static const struct cohort_column fellowship_applications[] = {
    { "resident_id", COHORT_ID, KEY, NULL, 0, 0 },
    { "cycle_year", COHORT_INT, KEY | RANGE, NULL, 1950, 2100 },
    { "fellowship_specialty", COHORT_TEXT, KEY, NULL, 0, 0 },
    { "outcome", COHORT_ENUM, REQ, outcomes, 0, 0 },
};

static const struct cohort_column milestone_ratings[] = {
    { "resident_id", COHORT_ID, KEY, NULL, 0, 0 },
    { "review_date", COHORT_DATE, KEY, NULL, 0, 0 },
    { "pgy", COHORT_INT, REQ | RANGE, NULL, 1, 8 },
    { "subcompetency", COHORT_UPPER, KEY, NULL, 0, 0 },
    { "rating", COHORT_NUM, REQ | RANGE | COHORT_HALF, NULL, 1, 5 },
};

static const struct cohort_column evaluations[] = {
    { "resident_id", COHORT_ID, KEY, NULL, 0, 0 },
    { "evaluator_id", COHORT_ID, KEY, NULL, 0, 0 },
    { "eval_date", COHORT_DATE, KEY, NULL, 0, 0 },
    { "rotation", COHORT_TEXT, KEY, NULL, 0, 0 },
    { "pgy", COHORT_INT, REQ | RANGE, NULL, 1, 8 },
    { "score", COHORT_NUM, REQ | RANGE, NULL, 1, 9 },
};

static const struct cohort_column feedback[] = {
    { "resident_id", COHORT_ID, KEY, NULL, 0, 0 },
    { "evaluator_id", COHORT_ID, KEY, NULL, 0, 0 },
    { "feedback_date", COHORT_DATE, KEY, NULL, 0, 0 },
    { "theme", COHORT_ENUM, KEY, themes, 0, 0 },
    { "valence", COHORT_ENUM, KEY, valences, 0, 0 },
};

static const struct cohort_column ccc_actions[] = {
    { "resident_id", COHORT_ID, KEY, NULL, 0, 0 },
    { "review_date", COHORT_DATE, KEY, NULL, 0, 0 },
    { "action", COHORT_ENUM, REQ, actions, 0, 0 },
};

static const struct cohort_column employment[] = {
    { "resident_id", COHORT_ID, KEY, NULL, 0, 0 },
    { "start_date", COHORT_DATE, KEY, NULL, 0, 0 },
    { "end_date", COHORT_DATE, 0, NULL, 0, 0 },
    { "employer", COHORT_ENUM, REQ, employers, 0, 0 },
    { "underserved", COHORT_ENUM, 0, yes_no, 0, 0 },
};

static const struct cohort_column patient_experience[] = {
    { "resident_id", COHORT_ID, KEY, NULL, 0, 0 },
    { "period", COHORT_TEXT, KEY, NULL, 0, 0 },
    { "responses", COHORT_INT, REQ | COHORT_MIN, NULL, 1, 0 },
    { "mean_score", COHORT_NUM, REQ | RANGE, NULL, 1, 5 },
};

#define FILE_ENTRY(id, name, table, cols) { id, name, table, cols, N(cols) }

static const struct cohort_file files[COHORT_NFILES] = {
    FILE_ENTRY(COHORT_RESIDENTS, "residents.csv", "residents", residents),
    FILE_ENTRY(COHORT_MENTOR_ASSIGNMENTS, "mentor_assignments.csv", "mentor_assignments",
               mentor_assignments),
    FILE_ENTRY(COHORT_MENTORSHIP_MEETINGS, "mentorship_meetings.csv", "mentorship_meetings",
               mentorship_meetings),
    FILE_ENTRY(COHORT_BOARD_EXAMS, "board_exams.csv", "board_exams", board_exams),
    FILE_ENTRY(COHORT_FELLOWSHIP_APPLICATIONS, "fellowship_applications.csv",
               "fellowship_applications", fellowship_applications),
    FILE_ENTRY(COHORT_MILESTONE_RATINGS, "milestone_ratings.csv", "milestone_ratings",
               milestone_ratings),
    FILE_ENTRY(COHORT_EVALUATIONS, "evaluations.csv", "evaluations", evaluations),
    FILE_ENTRY(COHORT_FEEDBACK, "feedback.csv", "feedback", feedback),
    FILE_ENTRY(COHORT_CCC_ACTIONS, "ccc_actions.csv", "ccc_actions", ccc_actions),
    FILE_ENTRY(COHORT_EMPLOYMENT, "employment.csv", "employment", employment),
    FILE_ENTRY(COHORT_PATIENT_EXPERIENCE, "patient_experience.csv", "patient_experience",
               patient_experience),
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
