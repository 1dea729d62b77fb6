#pragma once
/* Durable file-system helpers of the journal (core/journal_fs.c). */
#include <stddef.h>
#include <sys/types.h>

#include "core/macro.h"

/* fsync() a directory; a file system that cannot (EINVAL) counts as done. */
int journal_fs_fsync_dir(const char *dir);

/* The directory part of path ("." when there is none); NULL on OOM. */
char *journal_fs_dirname(const char *path);

/* mkdir -p with mode for each directory created; the parent of each one created
 * is fsynced so that the chain survives a crash. */
int journal_fs_mkdir_p(const char *dir, mode_t mode);

/* write() all n bytes, looping over short writes and EINTR. */
int journal_fs_write_all(int fd, const void *buf, size_t n);

/* flock() retrying on EINTR. */
int journal_fs_flock(int fd, int op);
