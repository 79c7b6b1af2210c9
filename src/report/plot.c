/*
 * plot.c - the gnuplot driver (see plot.h).
 *
 * One child process per report, like git's run-command lifecycle: start it
 * with its stdin and stdout on pipes and its stderr in an unlinked temporary
 * file; write a chart's script, then a `print` of a sync token, and read
 * the token back from stdout. When the token arrives the chart's files are
 * closed; anything that appeared on stderr meanwhile is that chart's error.
 * If gnuplot dies, the read sees end-of-file and the exit status says why.
 */
#include "plot.h"
#include "fsutil.h"
#include "html.h"
#include "mem.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const colours[PLOT_N_COLOURS] = {
    "#000000", "#A66A00", "#2F86C0", "#009E73", "#8A7A00", "#0072B2", "#D55E00", "#B85A92",
};

const char *plot_colour_hex(int colour)
{
    return colours[(unsigned)colour % PLOT_N_COLOURS];
}

struct plot {
    pid_t pid;
    FILE *in;          /* gnuplot's stdin */
    FILE *out;         /* gnuplot's stdout: sync tokens */
    int errfd;         /* gnuplot's stderr, a temporary file */
    off_t err_seen;    /* bytes of errfd already judged */
    char *dir;         /* DIR/charts */
    unsigned serial;   /* charts rendered */
    int failed;        /* a render failed: the process is not trusted any more */
    int reaped, status; /* gnuplot already waited for (it died mid-chart) */
    struct imgo_err first;
};

void plot_quote(struct buf *b, const char *s)
{
    buf_addc(b, '\'');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            continue;
        if (c == '\'')
            buf_addc(b, '\'');
        buf_addc(b, (char)c);
    }
    buf_addc(b, '\'');
}

static void add_num(struct buf *b, double v)
{
    if (v == 0)
        v = 0; /* no "-0" */
    buf_addf(b, "%.10g", v);
}

/* Appends one datablock whose lines are `lines` (each ending in '\n'),
 * choosing a terminator that no line equals. */
static void add_datablock(struct buf *b, const char *name, const struct buf *lines, unsigned serial)
{
    char term[64];
    for (unsigned k = 0;; k++) {
        snprintf(term, sizeof term, "EOD_imgo_%u_%u", serial, k);
        size_t tl = strlen(term);
        int clash = 0;
        const char *s = buf_str(lines);
        while (*s && !clash) {
            const char *e = strchr(s, '\n');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            if (len == tl && !memcmp(s, term, tl))
                clash = 1;
            s += len + (e ? 1 : 0);
        }
        if (!clash)
            break;
    }
    buf_addf(b, "%s << %s\n", name, term);
    buf_add(b, lines->data ? lines->data : "", lines->len);
    buf_addf(b, "%s\n", term);
}

static int ok(double v)
{
    return isfinite(v);
}

/* The data lines of a layer: numbers only, rows with a non-finite needed
 * value left out. A band is expanded into steps so it matches a KM curve. */
static void layer_lines(struct buf *d, const struct plot_layer *l)
{
    for (size_t i = 0; i < l->n; i++) {
        double x = l->x[i];
        switch (l->style) {
        case PLOT_BAND:
            if (!ok(x) || !ok(l->lo[i]) || !ok(l->hi[i]))
                continue;
            add_num(d, x), buf_addc(d, ' '), add_num(d, l->lo[i]), buf_addc(d, ' ');
            add_num(d, l->hi[i]), buf_addc(d, '\n');
            if (i + 1 < l->n && ok(l->x[i + 1])) {
                add_num(d, l->x[i + 1]), buf_addc(d, ' '), add_num(d, l->lo[i]), buf_addc(d, ' ');
                add_num(d, l->hi[i]), buf_addc(d, '\n');
            }
            break;
        case PLOT_POINTS_YERR:
        case PLOT_POINTS_XERR:
            if (!ok(x) || !ok(l->y[i]))
                continue;
            add_num(d, x), buf_addc(d, ' '), add_num(d, l->y[i]), buf_addc(d, ' ');
            /* A missing interval is drawn as none: lo = hi = estimate. */
            double est = l->style == PLOT_POINTS_YERR ? l->y[i] : x;
            add_num(d, ok(l->lo[i]) ? l->lo[i] : est), buf_addc(d, ' ');
            add_num(d, ok(l->hi[i]) ? l->hi[i] : est), buf_addc(d, '\n');
            break;
        default:
            if (!ok(x) || !ok(l->y[i]))
                continue;
            add_num(d, x), buf_addc(d, ' '), add_num(d, l->y[i]), buf_addc(d, '\n');
        }
    }
}

void plot_script(struct buf *b, const struct plot_chart *c, unsigned serial)
{
    struct buf d = BUF_INIT, name = BUF_INIT;
    int *has = xcalloc(c->n_layers ? c->n_layers : 1, sizeof *has);
    buf_adds(b, "reset\nset encoding utf8\nset datafile separator whitespace\n");
    for (size_t i = 0; i < c->n_layers; i++) {
        buf_reset(&d);
        buf_reset(&name);
        layer_lines(&d, &c->layers[i]);
        has[i] = d.len > 0;
        if (!has[i])
            continue;
        buf_addf(&name, "$imgo_%u_%zu", serial, i);
        add_datablock(b, buf_str(&name), &d, serial);
    }
    buf_adds(b, "set title ");
    plot_quote(b, c->title);
    buf_adds(b, " noenhanced\nset xlabel ");
    plot_quote(b, c->xlabel);
    buf_adds(b, " noenhanced\nset ylabel ");
    plot_quote(b, c->ylabel);
    buf_adds(b, " noenhanced\n"
                "set border 3\nset tics nomirror out\nset grid lc rgb '#d9d9d9' lw 1\n"
                "set key outside top center horizontal noenhanced\n"
                "set style fill transparent solid 0.20 noborder\n");
    if (c->has_xrange) {
        buf_adds(b, "set xrange [");
        add_num(b, c->xmin), buf_addc(b, ':'), add_num(b, c->xmax), buf_adds(b, "]\n");
    }
    if (c->has_yrange) {
        buf_adds(b, "set yrange [");
        add_num(b, c->ymin), buf_addc(b, ':'), add_num(b, c->ymax), buf_adds(b, "]\n");
    }
    if (c->xlog)
        buf_adds(b, "set logscale x\n");
    if (c->x_integer_tics)
        buf_adds(b, "set xtics 1 format '%.0f'\nset mxtics 1\n");
    buf_adds(b, "set boxwidth ");
    add_num(b, c->box_width > 0 ? c->box_width : 0.8);
    buf_adds(b, " absolute\n");
    if (c->n_xlabels) {
        buf_adds(b, "set xtics (");
        for (size_t i = 0; i < c->n_xlabels; i++) {
            if (i)
                buf_adds(b, ", ");
            plot_quote(b, c->xlabels[i]);
            buf_addf(b, " %zu", i + 1);
        }
        buf_adds(b, ")\n");
        if (!c->has_xrange)
            buf_addf(b, "set xrange [0.5:%zu.5]\n", c->n_xlabels);
    }
    if (c->n_ylabels) {
        buf_adds(b, "set ytics (");
        for (size_t i = 0; i < c->n_ylabels; i++) {
            if (i)
                buf_adds(b, ", ");
            plot_quote(b, c->ylabels[i]);
            buf_addf(b, " %zu", i + 1);
        }
        buf_adds(b, ")\n");
        if (!c->has_yrange)
            buf_addf(b, "set yrange [%zu.5:0.5]\n", c->n_ylabels);
        buf_adds(b, "set offsets graph 0.05, graph 0.05, 0, 0\n");
        buf_adds(b, "set grid noytics\n");
    }
    if (c->has_vline) {
        buf_adds(b, "set arrow from first ");
        add_num(b, c->vline);
        buf_adds(b, ", graph 0 to first ");
        add_num(b, c->vline);
        buf_adds(b, ", graph 1 nohead lc rgb '#000000' dt 2 lw 1\n");
    }
    int first = 1;
    buf_adds(b, "plot ");
    for (size_t i = 0; i < c->n_layers; i++) {
        const struct plot_layer *l = &c->layers[i];
        if (!has[i])
            continue;
        if (!first)
            buf_adds(b, ", \\\n     ");
        first = 0;
        const char *col = colours[(unsigned)l->colour % PLOT_N_COLOURS];
        buf_addf(b, "$imgo_%u_%zu ", serial, i);
        switch (l->style) {
        case PLOT_STEPS:
            buf_addf(b, "using 1:2 with steps lw 2 dt %d lc rgb '%s'", l->dash ? l->dash : 1, col);
            break;
        case PLOT_BAND:
            buf_addf(b, "using 1:2:3 with filledcurves lc rgb '%s'", col);
            break;
        case PLOT_POINTS_YERR:
            buf_addf(b, "using 1:2:3:4 with yerrorbars pt %d ps 1.2 lw 1.5 lc rgb '%s'", 5 + 2 * (int)(i % 4), col);
            break;
        case PLOT_POINTS_XERR:
            buf_addf(b, "using 1:2:3:4 with xerrorbars pt %d ps 1.2 lw 1.5 lc rgb '%s'", 5 + 2 * (int)(i % 4), col);
            break;
        case PLOT_POINTS:
            buf_addf(b, "using 1:2 with points pt %d ps 1 lc rgb '%s'", 7 + 2 * (int)(i % 3), col);
            break;
        case PLOT_CENSOR:
            buf_addf(b, "using 1:2 with points pt 1 ps 0.8 lw 1.5 lc rgb '%s'", col);
            break;
        case PLOT_BOXES:
            buf_addf(b, "using 1:2 with boxes fs solid 0.85 border lc rgb '%s' lc rgb '%s'", col, col);
            break;
        case PLOT_LINESPOINTS:
            buf_addf(b, "using 1:2 with linespoints lw 1.5 pt %d ps 1 dt %d lc rgb '%s'", 5 + 2 * (int)(i % 4),
                     l->dash ? l->dash : 1, col);
            break;
        default:
            buf_addf(b, "using 1:2 with lines lw 1.5 dt %d lc rgb '%s'", l->dash ? l->dash : 1, col);
        }
        if (l->title && *l->title) {
            buf_adds(b, " title ");
            plot_quote(b, l->title);
        } else
            buf_adds(b, " notitle");
    }
    if (c->has_hline) {
        if (!first)
            buf_adds(b, ", \\\n     ");
        first = 0;
        add_num(b, c->hline);
        buf_adds(b, " with lines lw 1.5 dt 2 lc rgb '#000000'");
        if (c->hline_title && *c->hline_title) {
            buf_adds(b, " title ");
            plot_quote(b, c->hline_title);
        } else
            buf_adds(b, " notitle");
    }
    buf_addc(b, '\n');
    free(has);
    buf_release(&d);
    buf_release(&name);
}

static int in_path(const char *prog)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        return 0;
    struct buf b = BUF_INIT;
    int found = 0;
    while (!found) {
        const char *e = strchr(path, ':');
        size_t len = e ? (size_t)(e - path) : strlen(path);
        buf_reset(&b);
        if (len)
            buf_add(&b, path, len);
        else
            buf_addc(&b, '.');
        buf_addf(&b, "/%s", prog);
        found = access(buf_str(&b), X_OK) == 0;
        if (!e)
            break;
        path = e + 1;
    }
    buf_release(&b);
    return found;
}

int plot_open(struct plot **out, const char *dir, struct imgo_err *err)
{
    *out = NULL;
    if (!in_path("gnuplot"))
        return imgo_err_set(err, IMGO_EIO, "gnuplot not found in PATH; install gnuplot (e.g. gnuplot-nox) to render charts");
    struct buf cd = BUF_INIT;
    buf_addf(&cd, "%s/charts", dir);
    int rc = fs_mkdirs(buf_str(&cd), err);
    if (rc) {
        buf_release(&cd);
        return rc;
    }
    int in[2], outp[2];
    char tmpl[] = "/tmp/imgo-gnuplot-XXXXXX";
    int errfd = mkstemp(tmpl);
    if (errfd < 0) {
        buf_release(&cd);
        return imgo_err_set(err, IMGO_EIO, "cannot create a temporary file: %s", strerror(errno));
    }
    unlink(tmpl);
    if (pipe(in)) {
        close(errfd);
        buf_release(&cd);
        return imgo_err_set(err, IMGO_EIO, "pipe: %s", strerror(errno));
    }
    if (pipe(outp)) {
        close(in[0]), close(in[1]), close(errfd);
        buf_release(&cd);
        return imgo_err_set(err, IMGO_EIO, "pipe: %s", strerror(errno));
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(in[0]), close(in[1]), close(outp[0]), close(outp[1]), close(errfd);
        buf_release(&cd);
        return imgo_err_set(err, IMGO_EIO, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(outp[1], 1);
        dup2(errfd, 2);
        close(in[0]), close(in[1]), close(outp[0]), close(outp[1]), close(errfd);
        execlp("gnuplot", "gnuplot", (char *)NULL);
        _exit(127);
    }
    close(in[0]);
    close(outp[1]);
    fcntl(in[1], F_SETFD, FD_CLOEXEC);
    fcntl(outp[0], F_SETFD, FD_CLOEXEC);
    fcntl(errfd, F_SETFD, FD_CLOEXEC);
    struct plot *p = xcalloc(1, sizeof *p);
    p->pid = pid;
    p->in = fdopen(in[1], "w");
    p->out = fdopen(outp[0], "r");
    p->errfd = errfd;
    p->dir = buf_detach(&cd, NULL);
    if (!p->in || !p->out) {
        imgo_err_set(err, IMGO_EIO, "fdopen: %s", strerror(errno));
        plot_close(p, NULL);
        return IMGO_EIO;
    }
    /* Writing to a gnuplot that died must be an error, not a SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    fputs("set print '-'\n"
          "imgo_cairo = strstrt(GPVAL_TERMINALS, 'pngcairo') > 0\n", p->in);
    *out = p;
    return IMGO_OK;
}

/* The text gnuplot wrote on stderr since the last call, first line only. */
static int new_stderr(struct plot *p, char *msg, size_t n)
{
    off_t end = lseek(p->errfd, 0, SEEK_END);
    if (end <= p->err_seen)
        return 0;
    size_t len = (size_t)(end - p->err_seen) < n - 1 ? (size_t)(end - p->err_seen) : n - 1;
    ssize_t got = pread(p->errfd, msg, len, p->err_seen);
    p->err_seen = end;
    msg[got > 0 ? got : 0] = '\0';
    /* The useful line is the last non-empty one ("line 3: ..."). */
    for (char *c = msg; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '\t')
            *c = ' ';
    return 1;
}

int plot_has_data(const struct plot_chart *c)
{
    struct buf d = BUF_INIT;
    for (size_t i = 0; i < c->n_layers && !d.len; i++)
        layer_lines(&d, &c->layers[i]);
    int has = d.len > 0;
    buf_release(&d);
    return has;
}

/* gnuplot does not report a failed write (a full disk): a chart file is
 * trusted only when it ends as its format ends, an SVG with </svg> and a
 * PNG with its IEND chunk. */
static int check_file(const char *path, const char *tail, size_t tail_len, size_t slack, struct imgo_err *err)
{
    char b[64];
    int fd = open(path, O_RDONLY);
    off_t end = fd < 0 ? -1 : lseek(fd, 0, SEEK_END);
    size_t want = tail_len + slack;
    ssize_t got = -1;
    if (end >= (off_t)tail_len) {
        off_t from = end > (off_t)want ? end - (off_t)want : 0;
        got = pread(fd, b, (size_t)(end - from), from);
    }
    if (fd >= 0)
        close(fd);
    int found = 0;
    for (ssize_t i = 0; got > 0 && i + (ssize_t)tail_len <= got && !found; i++)
        found = !memcmp(b + i, tail, tail_len);
    if (!found)
        return imgo_err_set(err, IMGO_EIO, "%s: incomplete chart file (is the disk full?)", path);
    return IMGO_OK;
}

/* Replaces the text between the first open and close (exclusive) in b by
 * text; 0 when they are not found. */
static int replace_between(struct buf *b, const char *open, const char *close, const char *text)
{
    char *s = strstr(b->data ? b->data : "", open);
    char *e = s ? strstr(s + strlen(open), close) : NULL;
    if (!e)
        return 0;
    struct buf out = BUF_INIT;
    buf_add(&out, b->data, (size_t)(s - b->data) + strlen(open));
    buf_adds(&out, text);
    buf_adds(&out, e);
    buf_release(b);
    *b = out;
    return 1;
}

/* gnuplot titles every SVG "Gnuplot" and describes it as its own product:
 * a screen reader, or a reader of the file alone, needs the chart's own
 * title and what it shows. The gnuplot version stays in the description. */
static int label_svg(const char *path, const struct plot_chart *c, struct imgo_err *err)
{
    struct buf svg = BUF_INIT, title = BUF_INIT, desc = BUF_INIT;
    int rc = fs_read_all(path, &svg, err);
    if (!rc) {
        html_esc(&title, c->title);
        if (c->desc)
            html_esc(&desc, c->desc);
        const char *v = strstr(buf_str(&svg), "<desc>Produced by GNUPLOT ");
        if (v) {
            v += strlen("<desc>Produced by GNUPLOT ");
            size_t n = strcspn(v, "<");
            while (n && v[n - 1] == ' ')
                n--;
            buf_addf(&desc, "%sDrawn by gnuplot %.*s.", desc.len ? " " : "", (int)n, v);
        }
        if (!replace_between(&svg, "<title>", "</title>", buf_str(&title)) ||
            !replace_between(&svg, "<desc>", "</desc>", buf_str(&desc)))
            rc = imgo_err_set(err, IMGO_EIO, "%s: gnuplot wrote no <title> and <desc>", path);
    }
    if (!rc)
        rc = fs_write_atomic(path, svg.data, svg.len, err);
    buf_release(&svg);
    buf_release(&title);
    buf_release(&desc);
    return rc;
}

int plot_render(struct plot *p, const struct plot_chart *c, struct imgo_err *err)
{
    if (p->failed)
        return imgo_err_set(err, p->first.status, "%s", p->first.msg);
    if (!plot_has_data(c))
        return imgo_err_set(err, IMGO_EIO, "chart %s: nothing to draw", c->name ? c->name : "");
    size_t nl = c->name ? strlen(c->name) : 0;
    if (!nl || nl > 64 || strspn(c->name, "abcdefghijklmnopqrstuvwxyz0123456789_-") != nl)
        return imgo_err_set(err, IMGO_EIO, "chart name '%s' is not [a-z0-9_-]+", c->name ? c->name : "");
    unsigned serial = ++p->serial;
    struct buf b = BUF_INIT, path = BUF_INIT;
    buf_adds(&b, "set terminal svg size 800,480 fixed noenhanced font 'Helvetica,13' background '#ffffff'\n");
    buf_addf(&path, "%s/%s.svg", p->dir, c->name);
    buf_adds(&b, "set output ");
    plot_quote(&b, buf_str(&path));
    buf_addc(&b, '\n');
    plot_script(&b, c, serial);
    buf_adds(&b, "unset output\n"
                 "if (imgo_cairo) {\n"
                 "  set terminal pngcairo size 1600,960 noenhanced font 'Helvetica,26' linewidth 2 background '#ffffff'\n"
                 "} else {\n"
                 "  set terminal png size 1600,960 noenhanced large background '#ffffff'\n"
                 "}\n");
    buf_reset(&path);
    buf_addf(&path, "%s/%s.png", p->dir, c->name);
    buf_adds(&b, "set output ");
    plot_quote(&b, buf_str(&path));
    buf_adds(&b, "\nreplot\nunset output\n");
    for (size_t i = 0; i < c->n_layers; i++)
        buf_addf(&b, "undefine $imgo_%u_%zu\n", serial, i);
    buf_addf(&b, "print 'IMGO_SYNC %u'\n", serial);
    int rc = IMGO_OK;
    if (fwrite(b.data, 1, b.len, p->in) != b.len || fflush(p->in))
        rc = imgo_err_set(err, IMGO_EIO, "chart %s: gnuplot stopped reading: %s", c->name, strerror(errno));
    char want[64], line[256], msg[512];
    snprintf(want, sizeof want, "IMGO_SYNC %u\n", serial);
    while (!rc) {
        if (!fgets(line, sizeof line, p->out)) {
            rc = imgo_err_set(err, IMGO_EIO, "chart %s: gnuplot exited before finishing it", c->name);
            break;
        }
        if (!strcmp(line, want))
            break;
    }
    if (rc && !p->reaped) {
        /* The pipe broke or closed: gnuplot has most likely exited. Say how,
         * without waiting long for one that merely closed its pipes. */
        for (int i = 0; i < 20 && !p->reaped; i++) {
            pid_t w = waitpid(p->pid, &p->status, WNOHANG);
            if (w == p->pid)
                p->reaped = 1;
            else if (w < 0 && errno != EINTR)
                break;
            else
                usleep(25000);
        }
        if (p->reaped && WIFEXITED(p->status))
            rc = imgo_err_set(err, IMGO_EIO, "chart %s: gnuplot exited with status %d", c->name,
                              WEXITSTATUS(p->status));
        else if (p->reaped && WIFSIGNALED(p->status))
            rc = imgo_err_set(err, IMGO_EIO, "chart %s: gnuplot was killed by signal %d", c->name,
                              WTERMSIG(p->status));
    }
    if (new_stderr(p, msg, sizeof msg)) {
        if (!rc)
            rc = imgo_err_set(err, IMGO_EIO, "chart %s: gnuplot: %s", c->name, msg);
        else
            rc = imgo_err_set(err, IMGO_EIO, "chart %s: gnuplot: %s", c->name, msg);
    }
    if (!rc) {
        buf_reset(&path);
        buf_addf(&path, "%s/%s.svg", p->dir, c->name);
        rc = check_file(buf_str(&path), "</svg>", 6, 8, err);
        if (!rc)
            rc = label_svg(buf_str(&path), c, err);
    }
    if (!rc) {
        buf_reset(&path);
        buf_addf(&path, "%s/%s.png", p->dir, c->name);
        rc = check_file(buf_str(&path), "IEND\xae\x42\x60\x82", 8, 0, err);
    }
    if (rc) {
        p->failed = 1;
        p->first = *err;
    }
    buf_release(&b);
    buf_release(&path);
    return rc;
}

int plot_close(struct plot *p, struct imgo_err *err)
{
    if (!p)
        return IMGO_OK;
    int rc = p->failed ? imgo_err_set(err, p->first.status, "%s", p->first.msg) : IMGO_OK;
    if (p->in) {
        fputs("exit\n", p->in);
        fclose(p->in);
    }
    if (p->out)
        fclose(p->out);
    int status = p->status;
    while (!p->reaped && waitpid(p->pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!rc) {
        char msg[512];
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
            rc = imgo_err_set(err, IMGO_EIO, "gnuplot could not be started");
        else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            rc = imgo_err_set(err, IMGO_EIO, "gnuplot failed (status %d)", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        else if (new_stderr(p, msg, sizeof msg))
            rc = imgo_err_set(err, IMGO_EIO, "gnuplot: %s", msg);
    }
    close(p->errfd);
    free(p->dir);
    free(p);
    return rc;
}
