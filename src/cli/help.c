/*
 * help.c - --help text, imgo(1), bash completion and the pipeline-key
 * documentation, all rendered from the command specs and the key table
 * (see help.h).
 *
 * The text of a spec is written once, as paragraphs; this file fills it to
 * the terminal width for --help, hands it to troff for the man page (which
 * fills it itself), and takes only names from it for the completion.
 */
#include "help.h"
#include "params.h"

#include <string.h>

#define WIDTH 79 /* the last column --help text uses */

/* The part of `imgo help pipeline` before the keys; also the man page's. */
static const char pipeline_intro[] =
    "A pipeline file holds the parameters of a run: one `key = value` per line. A `#` at the "
    "start of a line or after a space or tab starts a comment. A key left out has its default. "
    "An unknown key, a key given twice or a bad value is an error naming FILE:LINE (exit status 2)."
    "\n\n"
    "`imgo run PIPELINE` runs the stages the file names with its parameters. PIPELINE is a file, "
    "or the name of an installed pipeline: `imgo run annual` reads annual.pipeline from "
    "share/imgo/pipelines beside the directory of the imgo binary (../share/imgo/pipelines), then "
    "from PREFIX/share/imgo/pipelines of the installation, then from pipelines/ of the source "
    "tree when imgo runs from its build directory. run.json and the report name the file read."
    "\n\n"
    "`imgo run` and `imgo compute` take `--set KEY=VALUE` (repeatable) to set a key after the "
    "file, with the same checks (\"--set: ...\", exit status 2); `--as-of DATE` is short for "
    "`--set as_of=DATE`. run.json records the resolved value of every key.";

/* ---- filled text ---- */

struct cursor {
    int col;   /* characters on the current line */
    int words; /* the current line holds words (not only the indent or a label) */
};

static void newline(struct buf *b, struct cursor *c)
{
    buf_addc(b, '\n');
    c->col = 0;
    c->words = 0;
}

static void pad(struct buf *b, struct cursor *c, int indent)
{
    for (; c->col < indent; c->col++)
        buf_addc(b, ' ');
}

/* Appends the words of s[0..n), wrapping at WIDTH to indent. */
static void add_words(struct buf *b, struct cursor *c, const char *s, size_t n, int indent)
{
    const char *e = s + n;
    while (s < e) {
        while (s < e && *s == ' ')
            s++;
        const char *w = s;
        while (s < e && *s != ' ')
            s++;
        int len = (int)(s - w);
        if (!len)
            break;
        if (c->words && c->col + 1 + len > WIDTH)
            newline(b, c);
        if (c->words) {
            buf_addc(b, ' ');
            c->col++;
        } else {
            pad(b, c, indent);
        }
        buf_add(b, w, (size_t)len);
        c->col += len;
        c->words = 1;
    }
}

/* Appends text (paragraphs, see opt.h) filled to WIDTH at indent; the
 * cursor may already hold a label. Ends with a newline. */
static void fill_at(struct buf *b, struct cursor *c, const char *text, int indent)
{
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n == 0) {
            /* a blank line: between paragraphs */
            if (c->col)
                newline(b, c);
            newline(b, c);
        } else if (n >= 2 && p[0] == ' ' && p[1] == ' ') {
            if (c->col && c->words)
                newline(b, c);
            pad(b, c, indent);
            buf_add(b, p, n);
            newline(b, c);
        } else {
            add_words(b, c, p, n, indent);
        }
        p += n + (nl != NULL);
    }
    if (c->col)
        newline(b, c);
}

static void fill(struct buf *b, const char *text, int indent)
{
    struct cursor c = { 0, 0 };
    fill_at(b, &c, text, indent);
}

/* "  LABEL     text..." with the text filled at column col; a label too
 * long for the column gets a line of its own. */
static void item(struct buf *b, const char *label, const char *text, int col)
{
    struct cursor c = { 0, 0 };
    pad(b, &c, 2);
    buf_adds(b, label);
    c.col += (int)strlen(label);
    if (c.col + 2 > col)
        newline(b, &c);
    fill_at(b, &c, text ? text : "", col);
}

/* ---- --help ---- */

static void opt_label(struct buf *b, const struct opt *o)
{
    if (o->short_name)
        buf_addf(b, "-%c, ", o->short_name);
    buf_addf(b, "--%s", o->name);
    if (o->arg)
        buf_addf(b, " %s", o->arg);
}

static const struct opt help_opt = { .name = "help", .short_name = 'h', .help = "show this help" };

/* The options --help and the man page list: the spec's visible ones, then
 * -h, --help. Calls f for each. */
static void each_opt(const struct opt_spec *s, void (*f)(const struct opt *o, void *ctx), void *ctx)
{
    for (const struct opt *o = s->opts; o && o->name; o++)
        if (!(o->flags & OPT_HIDDEN))
            f(o, ctx);
    f(&help_opt, ctx);
}

static void widest(const struct opt *o, void *ctx)
{
    struct buf l = BUF_INIT;
    opt_label(&l, o);
    if ((int)l.len > *(int *)ctx)
        *(int *)ctx = (int)l.len;
    buf_release(&l);
}

struct opt_item_ctx {
    struct buf *b;
    int col;
};

static void opt_item(const struct opt *o, void *ctx)
{
    struct opt_item_ctx *x = ctx;
    struct buf l = BUF_INIT;
    opt_label(&l, o);
    item(x->b, buf_str(&l), o->help, x->col);
    buf_release(&l);
}

/* "imgo" or "imgo NAME". */
static void prog(struct buf *b, const struct opt_spec *s)
{
    buf_adds(b, "imgo");
    if (s->name)
        buf_addf(b, " %s", s->name);
}

/* The usage forms, a line each; a form too long for one line continues
 * under its first word, breaking between [bracketed] groups. */
static void usage_lines(struct buf *b, const struct opt_spec *s)
{
    struct buf head = BUF_INIT;
    prog(&head, s);
    const char *p = s->usage;
    for (int form = 0; *p; form++) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        buf_adds(b, form ? "       " : "usage: ");
        buf_adds(b, buf_str(&head));
        int indent = 7 + (int)head.len + 1, col = indent - 1;
        size_t i = 0;
        while (i < n) {
            while (i < n && p[i] == ' ')
                i++;
            size_t w = i;
            int depth = 0;
            while (i < n && (depth || p[i] != ' ')) {
                depth += (p[i] == '[') - (p[i] == ']');
                i++;
            }
            int len = (int)(i - w);
            if (!len)
                break;
            if (col > indent - 1 && col + 1 + len > WIDTH) {
                buf_addc(b, '\n');
                for (col = 0; col < indent - 1; col++)
                    buf_addc(b, ' ');
            }
            buf_addc(b, ' ');
            buf_add(b, p + w, (size_t)len);
            col += 1 + len;
        }
        buf_addc(b, '\n');
        p += n + (nl != NULL);
    }
    buf_release(&head);
}

static const char *const status_name[4] = { "0", "1", "2", "3" };

void help_command(struct buf *b, const struct opt_spec *s)
{
    usage_lines(b, s);
    if (s->description) {
        buf_addc(b, '\n');
        fill(b, s->description, 0);
    }
    if (s->commands) {
        buf_adds(b, "\ncommands:\n");
        for (const struct opt_spec *const *c = s->commands; *c; c++)
            item(b, (*c)->name, (*c)->summary, 13);
    }
    /* arguments and options in one column, wide enough for most labels */
    int w = s->args.name ? (int)strlen(s->args.name) : 0;
    each_opt(s, widest, &w);
    struct opt_item_ctx x = { b, w + 4 > 24 ? 24 : w + 4 };
    if (s->args.name) {
        buf_adds(b, "\narguments:\n");
        item(b, s->args.name, s->args.help, x.col);
    }
    buf_adds(b, "\noptions:\n");
    each_opt(s, opt_item, &x);
    if (s->out) {
        buf_adds(b, "\nstdout:\n");
        fill(b, s->out, 2);
    }
    if (s->err) {
        buf_adds(b, "\nstderr:\n");
        fill(b, s->err, 2);
    }
    buf_adds(b, "\nexit status:\n");
    for (int i = 0; i < 4; i++)
        item(b, status_name[i], s->exits[i], 5);
}

/* ---- imgo help pipeline ---- */

static void key_default(struct buf *b, const struct params_key *k)
{
    if (*k->def)
        buf_adds(b, k->def);
    else
        buf_addf(b, "empty: %s", k->empty);
}

static void key_allowed(struct buf *b, const struct params_key *k)
{
    buf_adds(b, k->range);
    if (k->empty)
        buf_adds(b, "; or empty");
}

void help_pipeline(struct buf *b)
{
    struct buf t = BUF_INIT;
    buf_adds(b, "Pipeline files\n\n");
    fill(b, pipeline_intro, 0);
    buf_adds(b, "\nkeys, in the order run.json lists them:\n");
    for (const struct params_key *k = params_table; k->key; k++) {
        buf_addf(b, "\n  %s\n", k->key);
        buf_reset(&t);
        key_default(&t, k);
        buf_addf(b, "      type:     %s\n", params_type_name(k->type));
        item(b, "    default:", buf_str(&t), 16);
        buf_reset(&t);
        key_allowed(&t, k);
        item(b, "    allowed:", buf_str(&t), 16);
        fill(b, k->help, 6);
    }
    buf_release(&t);
}

/* ---- imgo(1) ---- */

/* Text for troff: backslashes and minus signs escaped, and a control
 * character at the start of a line made literal. */
static void roff_add(struct buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if ((c == '.' || c == '\'') && (b->len == 0 || b->data[b->len - 1] == '\n'))
            buf_adds(b, "\\&");
        if (c == '\\')
            buf_adds(b, "\\e");
        else if (c == '-')
            buf_adds(b, "\\-");
        else
            buf_addc(b, c);
    }
}

static void roff_adds(struct buf *b, const char *s)
{
    roff_add(b, s, strlen(s));
}

/* Paragraphs for troff: filled lines as they are (troff fills them),
 * literal lines in no-fill mode; sep starts each later paragraph. */
static void roff_text(struct buf *b, const char *text, const char *sep)
{
    const char *p = text;
    int literal = 0;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        int lit = n >= 2 && p[0] == ' ' && p[1] == ' ';
        if (lit != literal)
            buf_adds(b, lit ? ".nf\n" : ".fi\n");
        literal = lit;
        if (n == 0) {
            buf_adds(b, sep);
        } else {
            roff_add(b, p, n);
            buf_addc(b, '\n');
        }
        p += n + (nl != NULL);
    }
    if (literal)
        buf_adds(b, ".fi\n");
}

/* The usage forms as synopses: each fills and wraps under its first word. */
static void roff_usage(struct buf *b, const struct opt_spec *s)
{
    struct buf h = BUF_INIT;
    prog(&h, s);
    const char *p = s->usage;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        buf_adds(b, ".SY \"");
        roff_adds(b, buf_str(&h));
        buf_adds(b, "\"\n");
        roff_add(b, p, n);
        buf_adds(b, "\n.YS\n");
        p += n + (nl != NULL);
    }
    buf_release(&h);
}

/* Whether a usage form of top begins with the name of command c (then
 * the synopsis has c already). */
static int in_top_usage(const struct opt_spec *top, const struct opt_spec *c)
{
    size_t n = strlen(c->name);
    for (const char *p = top->usage; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, c->name, n) && p[n] == ' ')
            return 1;
    return 0;
}

static void man_opt(const struct opt *o, void *ctx)
{
    struct buf *b = ctx, l = BUF_INIT;
    opt_label(&l, o);
    buf_adds(b, ".TP\n\\fB");
    roff_adds(b, buf_str(&l));
    buf_adds(b, "\\fR\n");
    roff_text(b, o->help, ".sp\n");
    buf_release(&l);
}

static void man_exits(struct buf *b, const struct opt_spec *s)
{
    for (int i = 0; i < 4; i++) {
        buf_addf(b, ".TP\n.B %s\n", status_name[i]);
        roff_text(b, s->exits[i] ? s->exits[i] : "", ".sp\n");
    }
}

static void upper(struct buf *b, const char *s)
{
    for (; *s; s++)
        buf_addc(b, (char)(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s));
}

static void man_command(struct buf *b, const struct opt_spec *s)
{
    buf_adds(b, ".SH \"IMGO ");
    upper(b, s->name);
    buf_adds(b, "\"\n");
    roff_adds(b, s->summary);
    buf_adds(b, ".\n");
    roff_usage(b, s);
    buf_adds(b, ".PP\n");
    if (s->description)
        roff_text(b, s->description, ".PP\n");
    if (s->args.name) {
        buf_adds(b, ".SS Arguments\n.TP\n.I ");
        roff_adds(b, s->args.name);
        buf_addc(b, '\n');
        roff_text(b, s->args.help, ".sp\n");
    }
    buf_adds(b, ".SS Options\n");
    each_opt(s, man_opt, b);
    if (s->out || s->err)
        buf_adds(b, ".SS Output\n");
    if (s->out) {
        buf_adds(b, ".TP\n.B stdout\n");
        roff_text(b, s->out, ".sp\n");
    }
    if (s->err) {
        buf_adds(b, ".TP\n.B stderr\n");
        roff_text(b, s->err, ".sp\n");
    }
    buf_adds(b, ".SS \"Exit status\"\n");
    man_exits(b, s);
}

void help_man(struct buf *b, const struct opt_spec *top)
{
    struct buf t = BUF_INIT;
    buf_adds(b, ".\\\" imgo(1), generated by `imgo help --man` from the command table: edit the specs in\n"
                ".\\\" src/cli/, not this file.\n");
    buf_adds(b, ".TH IMGO 1 \"\" \"imgo ");
    roff_adds(b, IMGO_VERSION);
    buf_adds(b, "\" \"imgo manual\"\n.SH NAME\nimgo \\- ");
    roff_adds(b, top->summary);
    buf_adds(b, "\n.SH SYNOPSIS\n");
    roff_usage(b, top);
    for (const struct opt_spec *const *c = top->commands; *c; c++)
        if (!in_top_usage(top, *c))
            roff_usage(b, *c);
    buf_adds(b, ".SH DESCRIPTION\n");
    roff_text(b, top->description, ".PP\n");
    buf_adds(b, ".SH COMMANDS\n");
    for (const struct opt_spec *const *c = top->commands; *c; c++) {
        buf_adds(b, ".TP\n.B ");
        roff_adds(b, (*c)->name);
        buf_addc(b, '\n');
        roff_adds(b, (*c)->summary);
        buf_addc(b, '\n');
    }
    buf_adds(b, ".SH OPTIONS\n");
    each_opt(top, man_opt, b);
    for (const struct opt_spec *const *c = top->commands; *c; c++)
        man_command(b, *c);

    buf_adds(b, ".SH \"PIPELINE FILES\"\n");
    roff_text(b, pipeline_intro, ".PP\n");
    buf_adds(b, ".PP\nThe keys, in the order run.json lists them:\n");
    for (const struct params_key *k = params_table; k->key; k++) {
        buf_adds(b, ".TP\n\\fB");
        roff_adds(b, k->key);
        buf_adds(b, "\\fR (");
        roff_adds(b, params_type_name(k->type));
        buf_adds(b, ")\n");
        roff_adds(b, k->help);
        buf_adds(b, "\n.br\nDefault: ");
        buf_reset(&t);
        key_default(&t, k);
        roff_adds(b, buf_str(&t));
        buf_adds(b, ".\n.br\nAllowed: ");
        buf_reset(&t);
        key_allowed(&t, k);
        roff_adds(b, buf_str(&t));
        buf_adds(b, ".\n");
    }
    buf_adds(b, ".SH \"EXIT STATUS\"\n");
    man_exits(b, top);
    buf_adds(b, ".SH ENVIRONMENT\n.TP\n.B SOURCE_DATE_EPOCH\n");
    roff_adds(b, "When set to a number of seconds since 1970, run.json records it as generated_at; "
                 "otherwise no output holds a clock time, so the same data and parameters give "
                 "the same bytes.");
    buf_adds(b, "\n.TP\n.B PATH\n");
    roff_adds(b, "imgo report and imgo run start gnuplot from PATH to draw the charts.");
    buf_adds(b, "\n.SH FILES\n.TP\n.I PREFIX/share/imgo/pipelines/*.pipeline\n");
    roff_adds(b, "the installed pipelines (annual, quarterly, institution), found by name by imgo run.");
    buf_adds(b, "\n.TP\n.I PREFIX/share/doc/imgo/\n");
    roff_adds(b, "README.md and the documentation: the database schema, ingest, compute, the "
                 "reports, the pipeline keys (PIPELINES.md), security.");
    buf_adds(b, "\n.SH \"SEE ALSO\"\n.BR gnuplot (1),\n.BR sqlite3 (1)\n");
    buf_release(&t);
}

/* ---- bash completion ---- */

/* Appends the words bash offers for a value of kind k (a compgen call),
 * for the COMPREPLY of a case branch. */
static void complete_value(struct buf *b, enum opt_complete k, const char *words)
{
    switch (k) {
    case OPT_COMPLETE_FILE:
        buf_adds(b, "compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\"))");
        break;
    case OPT_COMPLETE_DIR:
        buf_adds(b, "compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- \"$cur\"))");
        break;
    case OPT_COMPLETE_WORDS:
        buf_addf(b, "COMPREPLY=($(compgen -W \"%s\" -- \"$cur\"))", words ? words : "");
        break;
    case OPT_COMPLETE_PARAM:
        buf_adds(b, "compopt -o nospace 2>/dev/null; COMPREPLY=($(compgen -W \"");
        for (const struct params_key *k2 = params_table; k2->key; k2++)
            buf_addf(b, "%s%s=", k2 == params_table ? "" : " ", k2->key);
        buf_adds(b, "\" -- \"$cur\"))");
        break;
    case OPT_COMPLETE_PIPELINE:
        buf_adds(b, "compopt -o filenames 2>/dev/null; "
                    "COMPREPLY=($(compgen -W \"$(\"${COMP_WORDS[0]}\" help --pipelines 2>/dev/null)\" "
                    "-- \"$cur\") $(compgen -f -- \"$cur\"))");
        break;
    case OPT_COMPLETE_TOPIC:
        buf_adds(b, "COMPREPLY=($(compgen -W \"$commands pipeline\" -- \"$cur\"))");
        break;
    case OPT_COMPLETE_NONE:
        buf_adds(b, "COMPREPLY=()");
        break;
    }
}

static void complete_options(struct buf *b, const struct opt_spec *s)
{
    for (const struct opt *o = s->opts; o && o->name; o++)
        if (!(o->flags & OPT_HIDDEN)) {
            buf_addf(b, "--%s ", o->name);
            if (o->short_name)
                buf_addf(b, "-%c ", o->short_name);
        }
    buf_adds(b, "--help -h");
}

static void complete_command(struct buf *b, const struct opt_spec *s)
{
    int values = 0;
    buf_addf(b, "    %s)\n        case $prev in\n", s->name);
    for (const struct opt *o = s->opts; o && o->name; o++)
        if (o->arg && !(o->flags & OPT_HIDDEN)) {
            values = 1;
            buf_addf(b, "        --%s", o->name);
            if (o->short_name)
                buf_addf(b, " | -%c", o->short_name);
            buf_adds(b, ")\n            ");
            complete_value(b, o->complete, o->words);
            buf_adds(b, "\n            return ;;\n");
        }
    if (!values)
        buf_adds(b, "        -*) ;;\n");
    buf_adds(b, "        esac\n        case $cur in\n        -*) COMPREPLY=($(compgen -W \"");
    complete_options(b, s);
    buf_adds(b, "\" -- \"$cur\")) ;;\n        *) ");
    complete_value(b, s->args.name ? s->args.complete : OPT_COMPLETE_NONE, NULL);
    buf_adds(b, " ;;\n        esac ;;\n");
}

void help_completion(struct buf *b, const struct opt_spec *top)
{
    buf_adds(b, "# bash completion for imgo, generated by `imgo help --completion` from the\n"
                "# command table: commands, options, pipeline keys and pipeline names.\n"
                "_imgo()\n{\n"
                "    local cur=${COMP_WORDS[COMP_CWORD]} prev=\"\" cmd=\"\" i\n"
                "    local commands=\"");
    for (const struct opt_spec *const *c = top->commands; *c; c++)
        buf_addf(b, "%s%s", c == top->commands ? "" : " ", (*c)->name);
    buf_adds(b, "\"\n"
                "    [ \"$COMP_CWORD\" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
                "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
                "        case ${COMP_WORDS[i]} in\n"
                "        -*) ;;\n"
                "        *) cmd=${COMP_WORDS[i]}; break ;;\n"
                "        esac\n"
                "    done\n"
                "    COMPREPLY=()\n"
                "    case $cmd in\n"
                "    \"\")\n"
                "        case $cur in\n"
                "        -*) COMPREPLY=($(compgen -W \"");
    complete_options(b, top);
    buf_adds(b, "\" -- \"$cur\")) ;;\n"
                "        *) COMPREPLY=($(compgen -W \"$commands\" -- \"$cur\")) ;;\n"
                "        esac ;;\n");
    for (const struct opt_spec *const *c = top->commands; *c; c++)
        complete_command(b, *c);
    buf_adds(b, "    esac\n}\ncomplete -F _imgo imgo\n");
}
