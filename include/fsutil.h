/*
 * fsutil.h - the file-system operations every stage needs.
 *
 * Outputs are never half-written: fs_write_atomic writes a temporary file in
 * the target's directory, flushes it to disk, and renames it over the
 * target, so a reader (or a crash) sees the old file or the new one. Both
 * functions fill err with "PATH: ..." and return IMGO_EIO on failure.
 */
#ifndef IMGO_FSUTIL_H
#define IMGO_FSUTIL_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/* mkdir -p: creates dir and its missing parents (mode 0777 less the umask)
 * and checks that dir is a directory. */
int fs_mkdirs(const char *dir, struct imgo_err *err);

/* Appends the whole content of the file at path to out. */
int fs_read_all(const char *path, struct buf *out, struct imgo_err *err);

/* The temporary file an atomic write of path goes through: hidden, beside
 * path, carrying the pid so that two runs writing one directory never
 * share one (".NAME.PID.tmp"). */
void fs_temp_name(const char *path, struct buf *out);

/* Writes len bytes of data to path atomically (see above). A failure
 * removes the temporary file and leaves path as it was. */
int fs_write_atomic(const char *path, const void *data, size_t len, struct imgo_err *err);

#endif
