/*
 * mapdraft.c - the draft of an import map from an export (see mapdraft.h).
 *
 * Three steps: sample every file (header, distinct values per column, per
 * REDCap instrument), match files and columns to the cohort table by name
 * and synonym, and write the map, settling what the values settle and
 * marking the rest TODO. The synonym tables below are the knowledge of
 * what real exports call things; everything about the cohort files
 * themselves comes from cohort.h.
 */
#include "mapdraft.h"
#include "cohort.h"
#include "csvread.h"
#include "date.h"
#include "encoding.h"
#include "map.h"
#include "mem.h"
#include "validate.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define VALUE_MAX 200      /* longer values are not kept as samples */
#define SHOWN_MAX 8        /* unused columns named in a TODO's comment */

/* ---- what exports call things (names compared as norm() gives them) ---- */

static const struct {
    int file;
    const char *names[12];
} file_names[] = {
    { COHORT_RESIDENTS, { "residents", "roster", "residentroster", "trainees", "residentlist",
                          "demographics", "people", "residentdemographics", "residentinfo", NULL } },
    { COHORT_MENTOR_ASSIGNMENTS, { "mentorassignments", "mentors", "mentoring", "mentorship", "mentorpairs",
                                   "mentorpairings", "assignments", "mentorassignment", NULL } },
    { COHORT_MENTORSHIP_MEETINGS, { "mentorshipmeetings", "meetings", "mentormeetings", "mentoringmeetings",
                                    "mentoringsessions", "mentorsessions", "meetinglog", NULL } },
    { COHORT_BOARD_EXAMS, { "boardexams", "boards", "boardscores", "exams", "examresults", "boardresults",
                            "boardcertification", "licensingexams", "certificationexams", NULL } },
    { COHORT_FELLOWSHIP_APPLICATIONS, { "fellowshipapplications", "fellowship", "fellowships",
                                        "fellowshipmatch", "match", "matchresults", "fellowshipapps", NULL } },
    { COHORT_MILESTONE_RATINGS, { "milestoneratings", "milestones", "cccmilestones", "milestonereport",
                                  "milestoneevaluations", NULL } },
    { COHORT_EVALUATIONS, { "evaluations", "evals", "rotationevaluations", "facultyevaluations", NULL } },
    { COHORT_FEEDBACK, { "feedback", "comments", "narrativefeedback", "narratives", NULL } },
    { COHORT_CCC_ACTIONS, { "cccactions", "ccc", "cccdecisions", "committeeactions", "cccoutcomes",
                            "competencycommittee", NULL } },
    { COHORT_EMPLOYMENT, { "employment", "jobs", "postgraduation", "careers", "alumni",
                           "graduateemployment", "positions", "employmentafterresidency", NULL } },
    { COHORT_PATIENT_EXPERIENCE, { "patientexperience", "patientsatisfaction", "hcahps", "pressganey",
                                   "patientsurveys", "patientexperiencescores", NULL } },
};

#define ANY (-1)
static const struct {
    int file;           /* ANY: every file with the column */
    const char *col;
    const char *names[12];
} col_names[] = {
    { ANY, "resident_id", { "residentid", "resident", "residentnumber", "traineeid", "recordid",
                            "personid", "residentcode", "id", NULL } },
    { COHORT_RESIDENTS, "program", { "programcode", "programid", "programname", NULL } },
    { COHORT_RESIDENTS, "specialty", { "speciality", "department", "specialtyname", NULL } },
    { COHORT_RESIDENTS, "start_date", { "programstartdate", "residencystartdate", "residencystart",
                                        "start", "begindate", "datestarted", "entrydate", NULL } },
    { COHORT_RESIDENTS, "end_date", { "completiondate", "programenddate", "leftdate", "dateleft",
                                      "exitdate", "end", "residencyenddate", NULL } },
    { COHORT_RESIDENTS, "exit_reason", { "reasonforleaving", "reasonleft", "departurereason",
                                         "leavingreason", "exittype", "reason", "completionstatus", NULL } },
    { COHORT_RESIDENTS, "graduate_type", { "imgstatus", "img", "imgtype", "medicalschooltype",
                                           "schooltype", "graduatecategory", "applicanttype", NULL } },
    { COHORT_RESIDENTS, "school_region", { "medicalschoolregion", "region", "medschoolregion",
                                           "schoolregion", NULL } },
    { COHORT_RESIDENTS, "graduation_year", { "gradyear", "medschoolgradyear", "medicalschoolgraduationyear",
                                             "yearofgraduation", "mdgradyear", "graduationyr", NULL } },
    { COHORT_RESIDENTS, "visa", { "visatype", "visastatus", "immigrationstatus", NULL } },
    { COHORT_RESIDENTS, "step2_score", { "step2ck", "usmlestep2ck", "step2", "step2ckscore",
                                         "usmlestep2", "usmlestep2score", NULL } },
    { COHORT_RESIDENTS, "track", { "positiontype", "tracktype", NULL } },
    { ANY, "mentor_id", { "mentor", "mentorcode", "mentorname", NULL } },
    { COHORT_MENTOR_ASSIGNMENTS, "role", { "mentorrole", "mentortype", "type", NULL } },
    { COHORT_MENTOR_ASSIGNMENTS, "assigned_date", { "assigned", "dateassigned", "assignmentdate",
                                                    "pairingdate", "startdate", "start", NULL } },
    { COHORT_MENTOR_ASSIGNMENTS, "ended_date", { "ended", "dateended", "enddate", "end", NULL } },
    { COHORT_MENTORSHIP_MEETINGS, "meeting_date", { "date", "meetingday", "sessiondate", NULL } },
    { COHORT_MENTORSHIP_MEETINGS, "kind", { "meetingtype", "type", "sessiontype", NULL } },
    { COHORT_BOARD_EXAMS, "exam", { "examname", "test", "testname", "board", "boardexam", NULL } },
    { COHORT_BOARD_EXAMS, "exam_date", { "testdate", "date", "datetaken", NULL } },
    { COHORT_BOARD_EXAMS, "attempt", { "attemptnumber", "attemptno", "attempt", NULL } },
    { COHORT_BOARD_EXAMS, "result", { "passfail", "outcome", "status", NULL } },
    { COHORT_BOARD_EXAMS, "score", { "scaledscore", "examscore", NULL } },
    { COHORT_FELLOWSHIP_APPLICATIONS, "cycle_year", { "matchyear", "year", "appointmentyear", "cycle", NULL } },
    { COHORT_FELLOWSHIP_APPLICATIONS, "fellowship_specialty", { "fellowship", "specialty", "program", NULL } },
    { COHORT_FELLOWSHIP_APPLICATIONS, "outcome", { "matchresult", "result", "status", NULL } },
    { COHORT_MILESTONE_RATINGS, "review_date", { "cccdate", "date", "reviewperiod", NULL } },
    { COHORT_MILESTONE_RATINGS, "pgy", { "pgylevel", "postgraduateyear", "year", NULL } },
    { COHORT_MILESTONE_RATINGS, "subcompetency", { "milestone", "competency", NULL } },
    { COHORT_MILESTONE_RATINGS, "rating", { "level", "score", "milestonelevel", NULL } },
    { ANY, "evaluator_id", { "evaluator", "faculty", "facultyid", "rater", "raterid", "evaluatorcode", NULL } },
    { COHORT_EVALUATIONS, "eval_date", { "evaluationdate", "date", "completeddate", NULL } },
    { COHORT_EVALUATIONS, "rotation", { "rotationname", "service", "block", NULL } },
    { COHORT_EVALUATIONS, "pgy", { "pgylevel", "postgraduateyear", NULL } },
    { COHORT_EVALUATIONS, "score", { "overallscore", "overall", "rating", NULL } },
    { COHORT_FEEDBACK, "feedback_date", { "date", "commentdate", NULL } },
    { COHORT_FEEDBACK, "theme", { "category", "code", "topic", NULL } },
    { COHORT_FEEDBACK, "valence", { "tone", "sentiment", "type", NULL } },
    { COHORT_CCC_ACTIONS, "review_date", { "cccdate", "meetingdate", "date", NULL } },
    { COHORT_CCC_ACTIONS, "action", { "decision", "cccaction", "outcome", "recommendation", NULL } },
    { COHORT_EMPLOYMENT, "start_date", { "start", "hiredate", NULL } },
    { COHORT_EMPLOYMENT, "end_date", { "end", NULL } },
    { COHORT_EMPLOYMENT, "employer", { "employertype", "location", "employerlocation", NULL } },
    { COHORT_EMPLOYMENT, "underserved", { "underservedarea", "hpsa", "underservedsetting", NULL } },
    { COHORT_PATIENT_EXPERIENCE, "period", { "quarter", "surveyperiod", NULL } },
    { COHORT_PATIENT_EXPERIENCE, "responses", { "numberofresponses", "n", "count", "surveys", NULL } },
    { COHORT_PATIENT_EXPERIENCE, "mean_score", { "score", "mean", "averagescore", "average", "rating", NULL } },
};

/* Values exports use for the enumerated values (normalised), by canonical
 * value. A value equal to a canonical one once normalised needs no entry
 * ("Senior Resident" is senior_resident, "J-1" is j1). */
static const struct {
    const char *canon;
    const char *names[10];
} value_names[] = {
    { "usmd", { "md", "allopathic", "usmdgraduate", "amg", NULL } },
    { "usdo", { "do", "osteopathic", "usdograduate", NULL } },
    { "us_img", { "uscitizenimg", "usimgcitizen", "img(us)", NULL } },
    { "non_us_img", { "imgnonus", "img", "international", "foreign", "fmg", "nonusimggraduate", NULL } },
    { "none", { "na", "no", "citizen", "uscitizen", "permanentresident", "greencard", "notapplicable", NULL } },
    { "other", { "f1", "o1", "ead", NULL } },
    { "completed", { "completedprogram", "graduated", "complete", NULL } },
    { "withdrew", { "withdrawn", "resigned", "resignation", NULL } },
    { "dismissed", { "terminated", "dismissal", NULL } },
    { "transferred", { "transfer", "transferredout", NULL } },
    { "pass", { "p", "passed", NULL } },
    { "fail", { "f", "failed", NULL } },
    { "yes", { "y", "true", "1", NULL } },
    { "no", { "n", "false", "0", NULL } },
    { "matched", { "match", NULL } },
    { "unmatched", { "nomatch", "didnotmatch", "notmatched", NULL } },
    { "senior_resident", { "senior", "seniorresidentmentor", NULL } },
    { "faculty", { "attending", "facultymentor", NULL } },
    { "peer", { "peermentor", NULL } },
    { "scheduled", { "planned", NULL } },
    { "ad_hoc", { "unscheduled", "informal", NULL } },
    { "categorical", { "cat", NULL } },
    { "preliminary", { "prelim", NULL } },
    { "same_institution", { "samehospital", "internal", "sameprogram", NULL } },
    { "same_region", { "local", "regional", NULL } },
    { "elsewhere", { "outside", NULL } },
    { "satisfactory", { "satisfactoryprogress", NULL } },
    { "non_promotion", { "notpromoted", NULL } },
    { "positive", { "pos", NULL } },
    { "negative", { "neg", NULL } },
};

/* Exam names as the pipelines know them (board_exams, step3_exam), and
 * how exports spell them: the certification exam of each specialty imgo
 * synth writes (Internal Medicine, Family Medicine, Pediatrics) and Step 3. */
static const struct {
    const char *name;
    const char *names[8];
} exam_names[] = {
    { "ABIM-IM", { "abimim", "abiminternalmedicine", "abimcertification", "abiminternalmedicinecertification",
                   "internalmedicineboards", NULL } },
    { "ABFM-FM", { "abfmfm", "abfmfamilymedicine", "abfmcertification", "abfmfamilymedicinecertification",
                   "familymedicineboards", NULL } },
    { "ABP-GP", { "abpgp", "abpgeneralpediatrics", "abppediatrics", "abpcertification",
                  "abpgeneralpediatricscertification", "pediatricsboards", NULL } },
    { "USMLE-STEP3", { "usmlestep3", "step3", "usmlestepiii", NULL } },
};

/* ---- the sample of an export -------------------------------------------- */

struct column {
    char **vals;        /* distinct non-empty values, first seen first */
    size_t nvals;
    int more;           /* more than MAPDRAFT_DISTINCT, or too long to keep */
    long nonempty;
};

struct xfile;

/* A row of a REDCap data dictionary. */
struct dict_entry {
    char *field, *type, *choices;
};

struct view {
    struct xfile *x;
    char *instrument;   /* REDCap: the instrument ("" for the record's own), NULL: a plain file */
    struct column *cols; /* one per header column */
    long nrows;
    int file;           /* the cohort file it feeds, -1 */
};

struct xfile {
    char *name;
    enum text_encoding enc;
    int ascii;          /* any encoding reads it */
    int dictionary;     /* a REDCap data dictionary, not data */
    struct dict_entry *dict;
    size_t ndict;
    char delim;
    char *problem;      /* why it could not be read, or NULL */
    size_t ncols;
    char **header;
    int instr;          /* REDCap: index of redcap_repeat_instrument, -1 */
    struct view *views;
    size_t nviews;
};

/* Lower-case letters and digits of s (len bytes): how names are compared. */
static const char *norm(const char *s, size_t len, struct buf *b)
{
    buf_reset(b);
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            buf_addc(b, (char)(c - 'A' + 'a'));
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            buf_addc(b, c);
    }
    return buf_str(b);
}

static void add_value(struct column *c, const char *s, size_t len)
{
    if (!len)
        return;
    c->nonempty++;
    if (len > VALUE_MAX || memchr(s, '\0', len)) {
        c->more = 1;
        return;
    }
    for (size_t i = 0; i < c->nvals; i++)
        if (strlen(c->vals[i]) == len && !memcmp(c->vals[i], s, len))
            return;
    if (c->nvals >= MAPDRAFT_DISTINCT) {
        c->more = 1;
        return;
    }
    c->vals = xrealloc(c->vals, (c->nvals + 1) * sizeof *c->vals);
    c->vals[c->nvals++] = xstrndup(s, len);
}

static struct view *view_for(struct xfile *x, const struct csvread_record *rec)
{
    const char *inst = NULL;
    size_t ilen = 0;
    if (x->instr >= 0) {
        inst = "";
        if ((size_t)x->instr < rec->nfields) {
            inst = rec->field[x->instr];
            ilen = rec->len[x->instr];
        }
    }
    for (size_t v = 0; v < x->nviews; v++) {
        const char *vi = x->views[v].instrument;
        if (!inst || (strlen(vi) == ilen && !strncasecmp(vi, inst, ilen)))
            return &x->views[v];
    }
    x->views = xrealloc(x->views, (x->nviews + 1) * sizeof *x->views);
    struct view *v = &x->views[x->nviews++];
    memset(v, 0, sizeof *v);
    v->x = x;
    v->file = -1;
    v->instrument = inst ? xstrndup(inst, ilen) : NULL;
    v->cols = xcalloc(x->ncols ? x->ncols : 1, sizeof *v->cols);
    return v;
}

static void read_sample(struct xfile *x, const char *path)
{
    struct stat st;
    struct imgo_err err = IMGO_ERR_INIT;
    x->instr = -1;
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        x->problem = xstrdup(fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return;
    }
    struct encoding_sniff sn;
    if (encoding_sniff_fd(fd, x->name, &sn, &err)) {
        x->problem = xstrdup(err.msg);
        close(fd);
        return;
    }
    if (sn.kind != SNIFF_TEXT) {
        x->problem = xstrdup(sn.kind == SNIFF_EXCEL  ? "an Excel workbook: save it as CSV first"
                             : sn.kind == SNIFF_UTF16 ? "UTF-16 text: export it as UTF-8"
                                                      : "not a text file");
        close(fd);
        return;
    }
    x->enc = sn.encoding;
    x->ascii = sn.ascii;
    x->delim = sn.delim;
    struct csvread rd;
    struct csvread_record rec;
    struct csvread_format fmt = { sn.delim, sn.encoding };
    csvread_init_format(&rd, fd, x->name, 0, &fmt);
    int rc = csvread_next(&rd, &rec, &err);
    if (rc > 0) {
        x->ncols = rec.nfields < VALIDATE_MAX_COLUMNS ? rec.nfields : VALIDATE_MAX_COLUMNS;
        x->header = xcalloc(x->ncols ? x->ncols : 1, sizeof *x->header);
        for (size_t i = 0; i < x->ncols; i++) {
            x->header[i] = xstrndup(rec.field[i], rec.len[i]);
            if (!strcasecmp(x->header[i], "redcap_repeat_instrument"))
                x->instr = (int)i;
        }
        x->dictionary = x->ncols > 5 && !strcasecmp(x->header[0], "Variable / Field Name") &&
                        !strcasecmp(x->header[3], "Field Type") &&
                        !strcasecmp(x->header[5], "Choices, Calculations, OR Slider Labels");
        for (long n = 0; n < MAPDRAFT_SAMPLE_ROWS && (rc = csvread_next(&rd, &rec, &err)) > 0; n++) {
            if (x->dictionary) {
                if (rec.nfields > 5) {
                    x->dict = xrealloc(x->dict, (x->ndict + 1) * sizeof *x->dict);
                    struct dict_entry *de = &x->dict[x->ndict++];
                    de->field = xstrndup(rec.field[0], rec.len[0]);
                    de->type = xstrndup(rec.field[3], rec.len[3]);
                    de->choices = xstrndup(rec.field[5], rec.len[5]);
                }
                continue;
            }
            struct view *v = view_for(x, &rec);
            v->nrows++;
            for (size_t i = 0; i < x->ncols && i < rec.nfields; i++)
                add_value(&v->cols[i], rec.field[i], rec.len[i]);
        }
    } else if (rc == 0) {
        x->problem = xstrdup("empty file");
    }
    if (rc < 0)
        x->problem = xstrdup(err.msg);
    csvread_release(&rd);
    close(fd);
}

static void free_xfile(struct xfile *x)
{
    for (size_t v = 0; v < x->nviews; v++) {
        for (size_t i = 0; i < x->ncols; i++) {
            for (size_t k = 0; k < x->views[v].cols[i].nvals; k++)
                free(x->views[v].cols[i].vals[k]);
            free(x->views[v].cols[i].vals);
        }
        free(x->views[v].cols);
        free(x->views[v].instrument);
    }
    free(x->views);
    for (size_t i = 0; i < x->ncols; i++)
        free(x->header[i]);
    free(x->header);
    for (size_t i = 0; i < x->ndict; i++) {
        free(x->dict[i].field);
        free(x->dict[i].type);
        free(x->dict[i].choices);
    }
    free(x->dict);
    free(x->name);
    free(x->problem);
}

/* ---- a REDCap data dictionary -------------------------------------------- */

/* Trims spaces and tabs from both ends of [*a, *e). */
static void trim_span(const char **a, const char **e)
{
    while (*a < *e && (**a == ' ' || **a == '\t'))
        (*a)++;
    while (*e > *a && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
        (*e)--;
}

/* The next choice of a REDCap choices text ("1, Completed | 2, Withdrew")
 * at *c: its code and label, trimmed; *c moves past it. Returns 0 at the
 * end; a choice without a comma has *code NULL. */
static int next_choice(const char **c, const char **code, size_t *code_len, const char **label,
                       size_t *label_len)
{
    if (!**c)
        return 0;
    const char *bar = strchr(*c, '|'), *end = bar ? bar : *c + strlen(*c);
    const char *comma = memchr(*c, ',', (size_t)(end - *c));
    *code = NULL;
    if (comma) {
        const char *k = *c, *ke = comma, *l = comma + 1, *le = end;
        trim_span(&k, &ke);
        trim_span(&l, &le);
        *code = k;
        *code_len = (size_t)(ke - k);
        *label = l;
        *label_len = (size_t)(le - l);
    }
    *c = bar ? bar + 1 : end;
    return 1;
}

/* The label of choice `code` of REDCap field `field` in the dictionary, or
 * NULL (the caller frees it). Choices are written "1, Completed | 2,
 * Withdrew"; a yesno field is 1 Yes and 0 No, a truefalse field 1 True and
 * 0 False. */
static char *choice_label(const struct xfile *dict, const char *field, const char *code)
{
    for (size_t i = 0; dict && i < dict->ndict; i++) {
        const struct dict_entry *e = &dict->dict[i];
        if (strcasecmp(e->field, field))
            continue;
        if (!strcasecmp(e->type, "yesno") || !strcasecmp(e->type, "truefalse")) {
            int yes = !strcasecmp(e->type, "yesno");
            if (!strcmp(code, "1"))
                return xstrdup(yes ? "Yes" : "True");
            if (!strcmp(code, "0"))
                return xstrdup(yes ? "No" : "False");
            return NULL;
        }
        const char *c = e->choices, *k, *l;
        size_t kl, ll;
        while (next_choice(&c, &k, &kl, &l, &ll))
            if (k && kl == strlen(code) && !strncmp(k, code, kl))
                return xstrndup(l, ll);
    }
    return NULL;
}

/* Every choice code of REDCap field `field`, in the dictionary's order. */
static void choice_codes(const struct xfile *dict, const char *field, char ***codes, size_t *n)
{
    for (size_t i = 0; dict && i < dict->ndict; i++) {
        const struct dict_entry *e = &dict->dict[i];
        if (strcasecmp(e->field, field))
            continue;
        if (!strcasecmp(e->type, "yesno") || !strcasecmp(e->type, "truefalse")) {
            *codes = xrealloc(*codes, (*n + 2) * sizeof **codes);
            (*codes)[(*n)++] = xstrdup("1");
            (*codes)[(*n)++] = xstrdup("0");
            return;
        }
        const char *c = e->choices, *k, *l;
        size_t kl, ll;
        while (next_choice(&c, &k, &kl, &l, &ll))
            if (k) {
                *codes = xrealloc(*codes, (*n + 1) * sizeof **codes);
                (*codes)[(*n)++] = xstrndup(k, kl);
            }
        return;
    }
}

/* ---- matching ----------------------------------------------------------- */

static int file_of_name(const char *name)
{
    struct buf a = BUF_INIT, b = BUF_INIT;
    const char *dot = strrchr(name, '.');
    size_t n = dot && dot != name ? (size_t)(dot - name) : strlen(name);
    const char *k = norm(name, n, &a);
    int found = -1;
    for (int id = 0; id < COHORT_NFILES && found < 0; id++) {
        const char *cn = cohort_file((enum cohort_file_id)id)->name;
        if (!strcmp(k, norm(cn, strlen(cn) - 4, &b)))
            found = id;
    }
    for (size_t i = 0; found < 0 && i < sizeof file_names / sizeof file_names[0]; i++)
        for (int j = 0; file_names[i].names[j] && found < 0; j++) {
            const char *s = file_names[i].names[j];
            size_t sl = strlen(s), kl = strlen(k);
            /* also the name with one 's' more or less */
            if (!strcmp(k, s) || (kl == sl + 1 && k[sl] == 's' && !strncmp(k, s, sl)) ||
                (sl == kl + 1 && s[kl] == 's' && !strncmp(k, s, kl)))
                found = file_names[i].file;
        }
    buf_release(&a);
    buf_release(&b);
    return found;
}

/* The export columns a view can use: every header column of a plain file;
 * for a REDCap instrument those with a value in its rows, without
 * REDCap's own columns. */
static int usable(const struct view *v, size_t i)
{
    const char *h = v->x->header[i];
    size_t n = strlen(h);
    if (!v->instrument)
        return n > 0;
    if (!strncasecmp(h, "redcap_", 7) || (n > 9 && !strcasecmp(h + n - 9, "_complete")))
        return 0;
    return i == 0 || v->cols[i].nonempty > 0;
}

struct plan {
    int src[MAP_MAX_COLS];   /* export column, -1 */
    int unpivot;             /* milestone columns unpivoted */
    unsigned char *used;     /* per export column */
};

static int is_subcompetency(const char *h)
{
    static const char *const prefixes[] = { "pc", "mk", "sbp", "pbli", "prof", "ics", NULL };
    struct buf b = BUF_INIT;
    const char *k = norm(h, strlen(h), &b);
    int ok = 0;
    for (int p = 0; prefixes[p] && !ok; p++) {
        size_t pl = strlen(prefixes[p]);
        if (!strncmp(k, prefixes[p], pl) && k[pl] && strspn(k + pl, "0123456789") == strlen(k + pl) &&
            strlen(k + pl) <= 2 && strlen(k) == strlen(h))
            ok = 1;
    }
    buf_release(&b);
    return ok;
}

static void match_columns(const struct view *v, const struct cohort_file *f, struct plan *p)
{
    const struct xfile *x = v->x;
    struct buf a = BUF_INIT, b = BUF_INIT;
    for (size_t c = 0; c < MAP_MAX_COLS; c++)
        p->src[c] = -1;
    p->unpivot = 0;
    p->used = xcalloc(x->ncols + 1, 1);
    /* REDCap: the record is the resident */
    if (v->instrument && x->ncols) {
        p->src[0] = 0;
        p->used[0] = 1;
    }
    /* the cohort name itself, then REDCap's prefixed field names */
    for (int pass = 0; pass < 2; pass++)
        for (size_t c = 0; c < f->ncols; c++) {
            const char *cn = f->cols[c].name;
            for (size_t i = 0; p->src[c] < 0 && i < x->ncols; i++) {
                if (p->used[i] || !usable(v, i))
                    continue;
                const char *h = x->header[i];
                size_t hl = strlen(h), cl = strlen(cn);
                int hit = pass == 0 ? !strcmp(norm(h, hl, &a), norm(cn, cl, &b))
                                    : hl > cl + 1 && h[hl - cl - 1] == '_' && !strcasecmp(h + hl - cl, cn);
                if (hit) {
                    p->src[c] = (int)i;
                    p->used[i] = 1;
                }
            }
        }
    /* synonyms, the most telling first */
    for (int rank = 0; rank < 12; rank++)
        for (size_t c = 0; c < f->ncols; c++) {
            if (p->src[c] >= 0)
                continue;
            for (size_t s = 0; s < sizeof col_names / sizeof col_names[0]; s++) {
                if ((col_names[s].file != ANY && col_names[s].file != (int)f->id) ||
                    strcmp(col_names[s].col, f->cols[c].name))
                    continue;
                const char *syn = col_names[s].names[rank];
                for (size_t i = 0; syn && p->src[c] < 0 && i < x->ncols; i++)
                    if (!p->used[i] && usable(v, i) && !strcmp(norm(x->header[i], strlen(x->header[i]), &a), syn)) {
                        p->src[c] = (int)i;
                        p->used[i] = 1;
                    }
            }
        }
    /* a milestone file with a column per subcompetency */
    if (f->id == COHORT_MILESTONE_RATINGS) {
        int sc = cohort_column_index(f, "subcompetency"), rt = cohort_column_index(f, "rating");
        if (p->src[sc] < 0 && p->src[rt] < 0) {
            for (size_t i = 0; i < x->ncols; i++)
                if (!p->used[i] && usable(v, i) && is_subcompetency(x->header[i])) {
                    p->used[i] = 2;
                    p->unpivot++;
                }
        }
    }
    buf_release(&a);
    buf_release(&b);
}

/* ---- writing ------------------------------------------------------------- */

struct draft {
    const struct xfile *dict; /* a REDCap data dictionary of the export, or NULL */
    struct buf *out;
    size_t ntodo;
    int enc_all, delim_all;   /* every file agrees: written once in [map], else -1 */
    unsigned dates;           /* the date formats some column of the export settles */
};

/* s as a map value: in double quotes when it would otherwise be read
 * differently (spaces around it, '#', ',', '"', '=', a leading '[', TODO,
 * constant, unpivot). */
static void value(struct buf *out, const char *s)
{
    size_t n = strlen(s);
    struct buf k = BUF_INIT;
    map_norm(s, n, &k);
    int q = !n || s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t' || s[0] == '[' ||
            strpbrk(s, "#,\"=") || !strcasecmp(s, "todo") || !strncasecmp(s, "constant", 8) ||
            !strcmp(buf_str(&k), "unpivot_name") || !strcmp(buf_str(&k), "unpivot_value") ||
            !strcasecmp(s, "empty");
    buf_release(&k);
    if (q)
        buf_add_csv_quoted(out, s);
    else
        buf_adds(out, s);
}

static void todo(struct draft *d, const char *comment)
{
    buf_addf(d->out, "TODO    # %s\n", comment);
    d->ntodo++;
}

/* The formats every sampled value of a column fits, one bit each. */
static unsigned date_fits(const struct column *c)
{
    unsigned m = 0;
    if (!c->nvals)
        return 0;
    for (int f = 0; f < DATE_FMT_COUNT; f++) {
        int all = 1, day;
        for (size_t i = 0; i < c->nvals && all; i++)
            all = !date_parse_fmt((enum date_fmt)f, c->vals[i], strlen(c->vals[i]), &day);
        if (all)
            m |= 1u << f;
    }
    return m;
}

static int single(unsigned m)
{
    for (int f = 0; f < DATE_FMT_COUNT; f++)
        if (m == 1u << f)
            return f;
    return -1;
}

static void fits_text(unsigned m, struct buf *out)
{
    int first = 1;
    for (int f = 0; f < DATE_FMT_COUNT; f++)
        if (m & (1u << f)) {
            buf_addf(out, "%s%s", first ? "" : " or ", date_fmt_name((enum date_fmt)f));
            first = 0;
        }
}

static const char *guess_plain(const struct cohort_column *cc, const char *v);

/* The canonical value an export value stands for, or NULL: the value, or
 * failing that the value without a part in parentheses ("US IMG (US
 * citizen)"). */
static const char *guess_value(const struct cohort_column *cc, const char *v)
{
    const char *g = guess_plain(cc, v), *open = strchr(v, '('), *close = open ? strchr(open, ')') : NULL;
    if (g || !close)
        return g;
    struct buf b = BUF_INIT;
    buf_add(&b, v, (size_t)(open - v));
    buf_adds(&b, close + 1);
    g = guess_plain(cc, buf_str(&b));
    buf_release(&b);
    return g;
}

static const char *guess_plain(const struct cohort_column *cc, const char *v)
{
    const char *exact = cohort_enum_match(cc, v, strlen(v));
    if (exact)
        return exact;
    struct buf a = BUF_INIT, b = BUF_INIT;
    const char *k = norm(v, strlen(v), &a), *found = NULL;
    for (const char *const *e = cc->enums; *e && !found; e++)
        if (!strcmp(k, norm(*e, strlen(*e), &b)))
            found = *e;
    for (size_t i = 0; !found && i < sizeof value_names / sizeof value_names[0]; i++) {
        const char *canon = cohort_enum_match(cc, value_names[i].canon, strlen(value_names[i].canon));
        if (!canon)
            continue;
        for (int j = 0; value_names[i].names[j] && !found; j++)
            if (!strcmp(k, value_names[i].names[j]))
                found = canon;
    }
    buf_release(&a);
    buf_release(&b);
    return found;
}

static int cmp_str(const void *a, const void *b)
{
    return strcasecmp(*(char *const *)a, *(char *const *)b);
}

static void allowed(const struct cohort_column *cc, struct buf *out)
{
    buf_adds(out, "one of ");
    for (const char *const *e = cc->enums; *e; e++)
        buf_addf(out, "%s%s", *e, e[1] ? ", " : "");
}

/* The value map of an enumerated column fed by export column `field`,
 * when its values need one: every value seen, and every choice the REDCap
 * dictionary gives the field. */
static void value_section(struct draft *d, const struct cohort_file *f, size_t c, const struct column *col,
                          const char *field)
{
    const struct cohort_column *cc = &f->cols[c];
    char **codes = NULL;
    size_t ncodes = 0;
    choice_codes(d->dict, field, &codes, &ncodes);
    int needed = col->more || ncodes;
    for (size_t i = 0; i < col->nvals && !needed; i++)
        needed = !cohort_enum_match(cc, col->vals[i], strlen(col->vals[i]));
    if (!needed)
        return;
    struct buf cm = BUF_INIT;
    allowed(cc, &cm);
    buf_addf(d->out, "\n[%.*s: %s]    # %s\n", (int)(strlen(f->name) - 4), f->name, cc->name, buf_str(&cm));
    if (col->more)
        buf_addf(d->out, "# more than %d distinct values, the first of them below: is this the right column?\n",
                 MAPDRAFT_DISTINCT);
    /* the dictionary's codes first, in its order, then values it lacks */
    size_t n = ncodes;
    char **v = xmalloc((ncodes + col->nvals + 1) * sizeof *v);
    if (ncodes)
        memcpy(v, codes, ncodes * sizeof *v);
    char **seen = v + ncodes;
    size_t nseen = 0;
    for (size_t i = 0; i < col->nvals; i++) {
        int dup = 0;
        for (size_t k = 0; k < ncodes && !dup; k++)
            dup = !strcmp(codes[k], col->vals[i]);
        if (!dup)
            seen[nseen++] = col->vals[i];
    }
    if (nseen)
        qsort(seen, nseen, sizeof *seen, cmp_str);
    n += nseen;
    for (size_t i = 0; i < n; i++) {
        char *label = choice_label(d->dict, field, v[i]);
        const char *g = guess_value(cc, label ? label : v[i]);
        value(d->out, v[i]);
        buf_adds(d->out, " = ");
        if (g && label) {
            buf_addf(d->out, "%s    # %s\n", g, label);
        } else if (g) {
            buf_addf(d->out, "%s\n", g);
        } else if (label) {
            struct buf lc = BUF_INIT;
            buf_addf(&lc, "\"%s\": %s", label, buf_str(&cm));
            todo(d, buf_str(&lc));
            buf_release(&lc);
        } else {
            todo(d, buf_str(&cm));
        }
        free(label);
    }
    for (size_t k = 0; k < ncodes; k++)
        free(codes[k]);
    free(codes);
    free(v);
    buf_release(&cm);
}

/* The value map of board_exams' exam, when the export spells a known exam
 * another way ("USMLE Step 3"): every value seen, the others as they are. */
static void exam_section(struct draft *d, const struct column *col)
{
    struct buf k = BUF_INIT;
    const char **to = xcalloc(col->nvals + 1, sizeof *to);
    int needed = 0;
    for (size_t i = 0; i < col->nvals; i++) {
        const char *n = norm(col->vals[i], strlen(col->vals[i]), &k);
        for (size_t e = 0; e < sizeof exam_names / sizeof exam_names[0] && !to[i]; e++)
            for (int j = 0; exam_names[e].names[j] && !to[i]; j++)
                if (!strcmp(n, exam_names[e].names[j]))
                    to[i] = exam_names[e].name;
        if (to[i] && strcasecmp(to[i], col->vals[i]))
            needed = 1;
    }
    if (needed) {
        buf_adds(d->out, "\n[board_exams: exam]    # the exam names the pipelines use (board_exams, step3_exam)\n");
        char **v = xmalloc((col->nvals + 1) * sizeof *v);
        memcpy(v, col->vals, col->nvals * sizeof *v); /* needed: at least one value */
        qsort(v, col->nvals, sizeof *v, cmp_str);
        for (size_t i = 0; i < col->nvals; i++) {
            const char *g = NULL;
            for (size_t j = 0; j < col->nvals; j++)
                if (col->vals[j] == v[i])
                    g = to[j];
            value(d->out, v[i]);
            buf_adds(d->out, " = ");
            if (g) {
                buf_addf(d->out, "%s\n", g);
            } else {
                value(d->out, v[i]);
                buf_adds(d->out, "    # kept as it is\n");
            }
        }
        free(v);
    }
    free(to);
    buf_release(&k);
}

/* A name for the file line: REDCap's dated export names as a glob, so the
 * next export is read by the same map. */
static void file_value(struct buf *out, const char *name)
{
    const char *d = strstr(name, "_DATA_");
    size_t n = strlen(name);
    if (d && n > 4 && !strcasecmp(name + n - 4, ".csv") &&
        strspn(d + 6, "0123456789-_") == (size_t)(name + n - 4 - (d + 6))) {
        struct buf g = BUF_INIT;
        buf_add(&g, name, (size_t)(d + 6 - name));
        buf_adds(&g, "*.csv");
        value(out, buf_str(&g));
        buf_release(&g);
        return;
    }
    value(out, name);
}

static void unused_list(const struct view *v, const struct plan *p, struct buf *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < v->x->ncols; i++)
        if (!p->used[i] && usable(v, i)) {
            if (n < max) {
                buf_adds(out, n ? ", " : "");
                value(out, v->x->header[i]);
            }
            n++;
        }
    if (n > max)
        buf_addf(out, " and %zu more", n - max);
    if (!n)
        buf_adds(out, "none");
}

/* The date formats of a view's date columns: fits[c] for each column, and
 * the formats all of them fit (~0 when there is no date). */
static unsigned view_dates(const struct view *v, const struct cohort_file *f, const struct plan *p,
                           unsigned *fits)
{
    unsigned all = ~0u;
    for (size_t c = 0; c < f->ncols; c++) {
        fits[c] = 0;
        if (f->cols[c].type == COHORT_DATE && p->src[c] >= 0) {
            fits[c] = date_fits(&v->cols[p->src[c]]);
            if (fits[c])
                all &= fits[c];
        }
    }
    return all;
}

static void section(struct draft *d, const struct view *v)
{
    const struct xfile *x = v->x;
    const struct cohort_file *f = cohort_file((enum cohort_file_id)v->file);
    struct buf *o = d->out, t = BUF_INIT;
    struct plan p;
    match_columns(v, f, &p);
    buf_addf(o, "\n[%.*s]    # %s\nfile = ", (int)(strlen(f->name) - 4), f->name, f->help);
    file_value(o, x->name);
    buf_addc(o, '\n');
    if (v->instrument) {
        buf_adds(o, "rows where = redcap_repeat_instrument is ");
        if (*v->instrument)
            value(o, v->instrument);
        else
            buf_adds(o, "empty");
        buf_adds(o, "\n");
    }
    if (d->enc_all < 0)
        buf_addf(o, "encoding = %s    # detected\n", encoding_name(x->enc));
    if (d->delim_all < 0)
        buf_addf(o, "delimiter = %s    # detected\n", x->delim == '\t' ? "tab" : x->delim == ';' ? ";" : ",");
    /* Dates: one format for the file when its columns agree, settled by the
     * rest of the export when the file's own dates fit two (7/1 and 1/7). */
    unsigned fits[MAP_MAX_COLS];
    unsigned all = view_dates(v, f, &p, fits);
    int file_fmt = all == ~0u ? DATE_FMT_ISO : single(all);
    if (file_fmt < 0 && all && single(all & d->dates) >= 0) {
        file_fmt = single(all & d->dates);
        buf_addf(o, "date format = %s    # as in the rest of the export\n", date_fmt_name((enum date_fmt)file_fmt));
    } else if (file_fmt < 0 && all) {
        buf_reset(&t);
        fits_text(all, &t);
        buf_adds(&t, ": every date seen fits each");
        buf_adds(o, "date format = ");
        todo(d, buf_str(&t));
    } else if (file_fmt > DATE_FMT_ISO) {
        buf_addf(o, "date format = %s    # every date seen fits it\n", date_fmt_name((enum date_fmt)file_fmt));
    }
    for (size_t c = 0; c < f->ncols; c++) {
        const struct cohort_column *cc = &f->cols[c];
        if (p.src[c] >= 0) {
            buf_addf(o, "%s = ", cc->name);
            value(o, x->header[p.src[c]]);
            buf_addc(o, '\n');
            if (cc->type != COHORT_DATE || !v->cols[p.src[c]].nvals ||
                (fits[c] && file_fmt >= 0 && (fits[c] & (1u << file_fmt))))
                continue;
            buf_addf(o, "%s format = ", cc->name);
            if (single(fits[c]) >= 0) {
                buf_addf(o, "%s\n", date_fmt_name((enum date_fmt)single(fits[c])));
            } else if (single(fits[c] & d->dates) >= 0) {
                buf_addf(o, "%s    # as in the rest of the export\n",
                         date_fmt_name((enum date_fmt)single(fits[c] & d->dates)));
            } else {
                buf_reset(&t);
                if (fits[c]) {
                    fits_text(fits[c], &t);
                    buf_adds(&t, ": every value seen fits each");
                } else {
                    buf_adds(&t, "no date format fits every value seen (YYYY-MM-DD, M/D/YYYY, D/M/YYYY, "
                                 "D-Mon-YYYY, Excel)");
                }
                todo(d, buf_str(&t));
            }
            continue;
        }
        if (p.unpivot && !strcmp(cc->name, "subcompetency")) {
            buf_adds(o, "subcompetency = unpivot name\n");
            continue;
        }
        if (p.unpivot && !strcmp(cc->name, "rating")) {
            buf_adds(o, "rating = unpivot value\n");
            continue;
        }
        buf_reset(&t);
        buf_addf(&t, "%s%s", (cc->flags & COHORT_REQUIRED) ? "required " : "",
                 cc->type == COHORT_ENUM ? "" : cohort_type_name(cc->type));
        if (cc->type == COHORT_ENUM)
            allowed(cc, &t);
        buf_addf(&t, " (%s): an export column, or constant VALUE; not used: ", cc->help);
        unused_list(v, &p, &t, SHOWN_MAX);
        if (cc->flags & COHORT_REQUIRED) {
            buf_addf(o, "%s = ", cc->name);
            todo(d, buf_str(&t));
        } else {
            buf_addf(o, "# %s =    # optional, no column matched\n", cc->name);
        }
    }
    if (p.unpivot) {
        buf_adds(o, "unpivot = ");
        int n = 0;
        for (size_t i = 0; i < x->ncols; i++)
            if (p.used[i] == 2) {
                buf_adds(o, n++ ? ", " : "");
                value(o, x->header[i]);
            }
        buf_adds(o, "    # one row per non-empty cell of these columns\n");
    }
    int nunused = 0;
    for (size_t i = 0; i < x->ncols; i++)
        nunused += !p.used[i] && usable(v, i);
    if (v->instrument) {
        buf_adds(o, "drop = redcap_repeat_instance, *_complete");
        if (nunused)
            buf_adds(o, ", ");
    } else if (nunused) {
        buf_adds(o, "drop = ");
    }
    if (nunused) {
        buf_reset(&t);
        unused_list(v, &p, &t, (size_t)-1);
        buf_adds(o, buf_str(&t));
        buf_adds(o, "    # not used above: check that none of them should feed a column");
    }
    if (v->instrument || nunused)
        buf_addc(o, '\n');
    for (size_t c = 0; c < f->ncols; c++) {
        if (f->cols[c].type == COHORT_ENUM && p.src[c] >= 0)
            value_section(d, f, c, &v->cols[p.src[c]], x->header[p.src[c]]);
        if (f->id == COHORT_BOARD_EXAMS && !strcmp(f->cols[c].name, "exam") && p.src[c] >= 0 &&
            !v->cols[p.src[c]].more)
            exam_section(d, &v->cols[p.src[c]]);
    }
    free(p.used);
    buf_release(&t);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int mapdraft_write(const char *dir, struct buf *out, size_t *ntodo, struct imgo_err *err)
{
    DIR *dd = opendir(dir);
    if (!dd)
        return imgo_err_set(err, IMGO_EIO, "%s: cannot open directory: %s", dir, strerror(errno));
    char **names = NULL;
    size_t nnames = 0;
    struct dirent *e;
    while ((e = readdir(dd))) {
        if (e->d_name[0] == '.')
            continue;
        names = xrealloc(names, (nnames + 1) * sizeof *names);
        names[nnames++] = xstrdup(e->d_name);
    }
    closedir(dd);
    if (nnames)
        qsort(names, nnames, sizeof *names, name_cmp);
    struct xfile *xs = xcalloc(nnames + 1, sizeof *xs);
    struct buf path = BUF_INIT;
    struct draft d = { NULL, out, 0, -2, -2, 0 };
    const struct view *chosen[COHORT_NFILES] = { NULL };
    for (size_t i = 0; i < nnames; i++) {
        buf_reset(&path);
        buf_addf(&path, "%s/%s", dir, names[i]);
        xs[i].name = names[i];
        read_sample(&xs[i], buf_str(&path));
        if (xs[i].problem)
            continue;
        if (xs[i].dictionary) {
            if (!d.dict)
                d.dict = &xs[i];
            continue;
        }
        if (!xs[i].ascii)
            d.enc_all = d.enc_all == -2 || d.enc_all == (int)xs[i].enc ? (int)xs[i].enc : -1;
        d.delim_all = d.delim_all == -2 || d.delim_all == xs[i].delim ? xs[i].delim : -1;
        for (size_t v = 0; v < xs[i].nviews; v++) {
            struct view *vw = &xs[i].views[v];
            int id = vw->instrument ? (*vw->instrument ? file_of_name(vw->instrument) : COHORT_RESIDENTS)
                                    : file_of_name(names[i]);
            if (id >= 0 && !chosen[id]) {
                vw->file = id;
                chosen[id] = vw;
            }
        }
        /* a file without rows still names its cohort file */
        if (!xs[i].nviews) {
            int id = file_of_name(names[i]);
            if (id >= 0 && !chosen[id]) {
                struct csvread_record none = { 0 };
                struct view *vw = view_for(&xs[i], &none);
                vw->file = id;
                chosen[id] = vw;
            }
        }
    }
    free(names);
    if (d.enc_all == -2)
        d.enc_all = ENC_UTF8; /* only ASCII: any reading is right */
    d.dates = 0;
    for (int id = 0; id < COHORT_NFILES; id++)
        if (chosen[id]) {
            struct plan p;
            unsigned fits[MAP_MAX_COLS];
            const struct cohort_file *f = cohort_file((enum cohort_file_id)id);
            match_columns(chosen[id], f, &p);
            view_dates(chosen[id], f, &p, fits);
            for (size_t c = 0; c < f->ncols; c++)
                if (single(fits[c]) >= 0)
                    d.dates |= fits[c];
            free(p.used);
        }
    buf_addf(out, "# imgo import map: a draft made by `imgo map init %s`.\n"
                  "# Check every line; fill in each TODO (what it takes is in its comment),\n"
                  "# then: imgo check EXPORT_DIR --map THIS_FILE. The syntax: docs/MAPS.md.\n",
             dir);
    if (d.dict)
        buf_addf(out, "# The codes of the value maps are named by the REDCap data dictionary %s.\n",
                 d.dict->name);
    if (d.enc_all >= 0 || d.delim_all >= 0)
        buf_adds(out, "\n[map]\n");
    if (d.enc_all >= 0)
        buf_addf(out, "encoding = %s    # detected\n", encoding_name((enum text_encoding)d.enc_all));
    if (d.delim_all >= 0)
        buf_addf(out, "delimiter = %s    # detected\n",
                 d.delim_all == '\t' ? "tab" : d.delim_all == ';' ? ";" : ",");
    for (int id = 0; id < COHORT_NFILES; id++) {
        if (chosen[id]) {
            section(&d, chosen[id]);
        } else if (id == COHORT_RESIDENTS) {
            buf_adds(out, "\n[residents]    # required\nfile = ");
            todo(&d, "the export file of the residents: no file name matched");
        }
    }
    struct buf t = BUF_INIT;
    for (int id = 1; id < COHORT_NFILES; id++)
        if (!chosen[id])
            buf_addf(&t, "%s%s", t.len ? ", " : "", cohort_file((enum cohort_file_id)id)->name);
    if (t.len)
        buf_addf(out, "\n# No export file matched (they are optional; add a section to read one):\n#   %s\n",
                 buf_str(&t));
    for (size_t i = 0; i < nnames; i++) {
        if (xs[i].problem) {
            buf_addf(out, "# Not read: %s: %s\n", xs[i].name, xs[i].problem);
            continue;
        }
        if (xs[i].dictionary)
            continue;
        for (size_t v = 0; v < xs[i].nviews; v++)
            if (xs[i].views[v].file < 0) {
                if (xs[i].views[v].instrument)
                    buf_addf(out, "# Not matched to a cohort file: %s, instrument \"%s\"\n", xs[i].name,
                             xs[i].views[v].instrument);
                else
                    buf_addf(out, "# Not matched to a cohort file: %s\n", xs[i].name);
            }
    }
    buf_release(&t);
    buf_release(&path);
    for (size_t i = 0; i < nnames; i++)
        free_xfile(&xs[i]);
    free(xs);
    *ntodo = d.ntodo;
    return 0;
}
