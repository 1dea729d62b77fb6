/* File tails: pread from the last offset, inotify on the file and its
 * directory, rotation and truncation noticed at EOF. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/logtail_internal.h"
#include "core/macro.h"

#define READ_CHUNK (256 * 1024)
#define BACK_CHUNK (64 * 1024)
#define MAX_LINE (64 * 1024) /* a longer line is cut into pieces of this size */

/* Offset of the start of the last n lines of fd (size bytes). */
static off_t backlog_offset(int fd, off_t size, size_t n) {
    if (n == LOGTAIL_ALL || size == 0) {
        return 0;
    }
    if (n == 0) {
        return size;
    }
    char *buf = malloc(BACK_CHUNK);
    if (!buf) {
        return 0;
    }
    off_t end = size;
    char last;
    if (pread(fd, &last, 1, size - 1) == 1 && last == '\n') {
        end--; /* the final newline ends the last line; it does not start one */
    }
    size_t count = 0;
    off_t result = 0;
    while (end > 0) {
        off_t start = end > BACK_CHUNK ? end - BACK_CHUNK : 0;
        ssize_t got = pread(fd, buf, (size_t)(end - start), start);
        if (got <= 0) {
            break;
        }
        for (ssize_t i = got - 1; i >= 0; i--) {
            if (buf[i] == '\n' && ++count == n) {
                result = start + i + 1;
                free(buf);
                return result;
            }
        }
        end = start;
    }
    free(buf);
    return 0;
}

static void watch_file(LogTail *t) {
    LogTailFile *f = &t->f;
    if (f->inotify < 0) {
        return;
    }
    if (f->wd_file >= 0) {
        (void)inotify_rm_watch(f->inotify, f->wd_file);
    }
    f->wd_file = inotify_add_watch(f->inotify, f->path,
                                   IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF);
}

/* Open the file (again); backlog lines of it are read first. */
static int open_file(LogTail *t, size_t backlog) {
    LogTailFile *f = &t->f;
    int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        return -errno;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int r = -errno;
        close(fd);
        return r;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return -EISDIR;
    }
    f->fd = fd;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    f->offset = S_ISREG(st.st_mode) ? backlog_offset(fd, st.st_size, backlog) : 0;
    watch_file(t);
    logtail_set_error(t, NULL);
    return 0;
}

static void waiting(LogTail *t, int r) {
    char msg[PATH_MAX + 96];
    snprintf(msg, sizeof(msg), "%s: %s; waiting for it", t->f.path, strerror(-r));
    logtail_set_error(t, msg);
}

int logtail_file_start(LogTail *t, const char *path) {
    LogTailFile *f = &t->f;
    f->fd = f->inotify = f->wd_file = f->wd_dir = -1;
    f->path = strdup(path);
    char *d = strdup(path), *b = strdup(path);
    f->buf = malloc(READ_CHUNK);
    if (!f->path || !d || !b || !f->buf) {
        free(d);
        free(b);
        return -ENOMEM;
    }
    f->dir = strdup(dirname(d));
    f->base = strdup(basename(b));
    free(d);
    free(b);
    if (!f->dir || !f->base) {
        return -ENOMEM;
    }
    if (t->cfg.follow) {
        f->inotify = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (f->inotify < 0) {
            return -errno;
        }
        f->wd_dir = inotify_add_watch(f->inotify, f->dir,
                                      IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE);
        if (f->wd_dir < 0) {
            return -errno; /* the directory must exist */
        }
    }
    int r = open_file(t, t->cfg.backlog);
    if (r < 0) {
        if (!t->cfg.follow || r != -ENOENT) {
            return r;
        }
        waiting(t, r);
    }
    return 0;
}

void logtail_file_close(LogTail *t) {
    LogTailFile *f = &t->f;
    if (f->fd >= 0) {
        close(f->fd);
    }
    if (f->inotify >= 0) {
        close(f->inotify);
    }
    free(f->path);
    free(f->dir);
    free(f->base);
    free(f->partial);
    free(f->buf);
}

/* The unfinished line, delivered as it is (the file ended or moved on). */
static int flush_partial(LogTail *t) {
    LogTailFile *f = &t->f;
    if (!f->partial_len) {
        return 0;
    }
    int r = logtail_emit(t, f->partial, f->partial_len);
    f->partial_len = 0;
    return r;
}

static int add_partial(LogTailFile *f, const char *s, size_t n) {
    if (f->partial_len + n > f->partial_cap) {
        size_t c = MAX(f->partial_cap * 2, f->partial_len + n);
        char *p = realloc(f->partial, c);
        if (!p) {
            return -ENOMEM;
        }
        f->partial = p;
        f->partial_cap = c;
    }
    memcpy(f->partial + f->partial_len, s, n);
    f->partial_len += n;
    return 0;
}

/* Deliver the lines of buf[0..n); *ret_used: bytes consumed (less than n when
 * max_lines was reached). */
static int split_lines(LogTail *t, const char *buf, size_t n, size_t max_lines, size_t *ret_used) {
    LogTailFile *f = &t->f;
    size_t i = 0;
    while (i < n) {
        if (max_lines && t->work >= max_lines) {
            break;
        }
        const char *nl = memchr(buf + i, '\n', n - i);
        if (!nl) {
            int r = add_partial(f, buf + i, n - i);
            if (r < 0) {
                return r;
            }
            i = n;
            if (f->partial_len >= MAX_LINE) {
                r = flush_partial(t);
                if (r < 0) {
                    return r;
                }
            }
            break;
        }
        size_t len = (size_t)(nl - (buf + i));
        int r;
        if (f->partial_len) {
            r = add_partial(f, buf + i, len);
            if (r >= 0) {
                r = flush_partial(t);
            }
        } else {
            r = logtail_emit(t, buf + i, len);
        }
        if (r < 0) {
            return r;
        }
        i += len + 1;
    }
    *ret_used = i;
    return 0;
}

/* Read fd from the offset to its end (or max_lines).  Returns 1 at EOF, 0 when
 * stopped early. */
static int read_to_end(LogTail *t, size_t max_lines) {
    LogTailFile *f = &t->f;
    for (;;) {
        if (max_lines && t->work >= max_lines) {
            return 0;
        }
        ssize_t n = pread(f->fd, f->buf, READ_CHUNK, f->offset);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EAGAIN ? 1 : -errno;
        }
        if (n == 0) {
            return 1;
        }
        size_t used = 0;
        int r = split_lines(t, f->buf, (size_t)n, max_lines, &used);
        if (r < 0) {
            return r;
        }
        f->offset += (off_t)used;
    }
}

/* At EOF: was the file truncated, renamed or deleted? */
static void check_moved(LogTail *t) {
    LogTailFile *f = &t->f;
    struct stat st;
    if (fstat(f->fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < f->offset) {
        (void)flush_partial(t);
        logtail_notice(t, "-- file truncated; reading it from the start --");
        f->offset = 0;
        return;
    }
    if (!t->cfg.follow) {
        return;
    }
    int r = stat(f->path, &st) < 0 ? -errno : 0;
    if (r == 0 && st.st_dev == f->dev && st.st_ino == f->ino) {
        return;
    }
    if (r < 0) {
        /* renamed or deleted, nothing new in its place yet: a writer may still
         * be finishing the old file, so keep reading it until one appears */
        if (!f->orphaned) {
            f->orphaned = true;
            logtail_notice(t, "-- file moved away; reading the rest of it until a new one "
                              "appears --");
        }
        return;
    }
    /* rotated: the old file was read to its end above */
    (void)flush_partial(t);
    close(f->fd);
    f->fd = -1;
    f->orphaned = false;
    if (f->wd_file >= 0) {
        (void)inotify_rm_watch(f->inotify, f->wd_file);
        f->wd_file = -1;
    }
    if (open_file(t, LOGTAIL_ALL) == 0) {
        logtail_notice(t, "-- file rotated; following the new file --");
    } else {
        waiting(t, -ENOENT);
    }
}

static void drain_inotify(LogTailFile *f) {
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    while (read(f->inotify, buf, sizeof(buf)) > 0) {
        /* the events only wake us: what changed is read from the file itself */
    }
}

long logtail_file_process(LogTail *t, size_t max_lines) {
    LogTailFile *f = &t->f;
    if (f->inotify >= 0) {
        drain_inotify(f);
    }
    f->more = false;
    for (int round = 0; round < 3; round++) {
        if (f->fd < 0) {
            if (!t->cfg.follow) {
                break;
            }
            int r = open_file(t, LOGTAIL_ALL);
            if (r < 0) {
                break;
            }
            logtail_notice(t, "-- file appeared --");
        }
        int r = read_to_end(t, max_lines);
        if (r < 0) {
            char msg[PATH_MAX + 64];
            snprintf(msg, sizeof(msg), "%s: %s", f->path, strerror(-r));
            logtail_set_error(t, msg);
            return r;
        }
        if (r == 0) {
            f->more = true;
            break;
        }
        ino_t ino = f->ino;
        off_t off = f->offset;
        check_moved(t);
        if (f->fd >= 0 && f->ino == ino && f->offset == off) {
            break; /* nothing moved: up to date */
        }
    }
    if (!t->cfg.follow && !f->more) {
        (void)flush_partial(t); /* the last line of a file without a final newline */
    }
    return t->delivered;
}
