/*
 * fsutil.c - directory creation and atomic file writes (see fsutil.h).
 */
#include "fsutil.h"
#include "buf.h"
#include "mem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fs_mkdirs(const char *dir, struct imgo_err *err)
{
    char *d = xstrdup(dir);
    int rc = IMGO_OK;
    for (char *c = d + 1;; c++) {
        if (*c && *c != '/')
            continue;
        char keep = *c;
        *c = '\0';
        if (mkdir(d, 0777) && errno != EEXIST) {
            rc = imgo_err_set(err, IMGO_EIO, "%s: cannot create directory: %s", d, strerror(errno));
            break;
        }
        *c = keep;
        if (!keep)
            break;
    }
    free(d);
    struct stat st;
    if (!rc && (stat(dir, &st) || !S_ISDIR(st.st_mode)))
        rc = imgo_err_set(err, IMGO_EIO, "%s: not a directory", dir);
    return rc;
}

void fs_temp_name(const char *path, struct buf *out)
{
    const char *slash = strrchr(path, '/');
    if (slash)
        buf_addf(out, "%.*s/.%s.%ld.tmp", (int)(slash - path), path, slash + 1, (long)getpid());
    else
        buf_addf(out, ".%s.%ld.tmp", path, (long)getpid());
}

int fs_write_atomic(const char *path, const void *data, size_t len, struct imgo_err *err)
{
    struct buf tmp = BUF_INIT;
    fs_temp_name(path, &tmp);
    const char *t = buf_str(&tmp);
    int rc = IMGO_OK;
    FILE *f = fopen(t, "wb");
    if (!f) {
        rc = imgo_err_set(err, IMGO_EIO, "%s: cannot write: %s", path, strerror(errno));
        buf_release(&tmp);
        return rc;
    }
    int bad = len && fwrite(data, 1, len, f) != len;
    /* On disk before the rename: a power cut leaves the old file or the new. */
    bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
    int saved = errno;
    bad |= fclose(f) != 0;
    if (!bad && rename(t, path) != 0) {
        saved = errno;
        bad = 1;
    }
    if (bad) {
        unlink(t);
        rc = imgo_err_set(err, IMGO_EIO, "%s: cannot write: %s", path, strerror(saved ? saved : errno));
    }
    buf_release(&tmp);
    return rc;
}

int fs_read_all(const char *path, struct buf *out, struct imgo_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return imgo_err_set(err, IMGO_EIO, "%s: cannot read: %s", path, strerror(errno));
    char tmp[8192];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        buf_add(out, tmp, n);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return imgo_err_set(err, IMGO_EIO, "%s: read error", path);
    return IMGO_OK;
}
