/* File-system steps of the journal that must be durable: creating its directory
 * chain, syncing a directory, writing all of a buffer. */
#include "core/journal_fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int journal_fs_fsync_dir(const char *dir) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    int r = fsync(fd) < 0 ? -errno : 0;
    (void)close(fd);
    /* some file systems cannot sync a directory: nothing more to do there */
    return r == -EINVAL ? 0 : r;
}

char *journal_fs_dirname(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) {
        return strdup(".");
    }
    while (slash > path && slash[-1] == '/') {
        slash--;
    }
    if (slash == path) {
        return strdup("/");
    }
    return strndup(path, (size_t)(slash - path));
}

int journal_fs_mkdir_p(const char *dir, mode_t mode) {
    _cleanup_(freep) char *p = strdup(dir);
    if (!p) {
        return -ENOMEM;
    }
    size_t n = strlen(p);
    for (size_t i = 1; i <= n; i++) {
        if (p[i] != '/' && p[i] != '\0') {
            continue;
        }
        if (p[i - 1] == '/') {
            continue; /* "a//b" */
        }
        char saved = p[i];
        p[i] = '\0';
        if (mkdir(p, mode) == 0) {
            /* make the new entry durable in its parent */
            _cleanup_(freep) char *parent = journal_fs_dirname(p);
            if (!parent) {
                return -ENOMEM;
            }
            int r = journal_fs_fsync_dir(parent);
            if (r < 0) {
                return r;
            }
        } else if (errno != EEXIST) {
            return -errno;
        }
        p[i] = saved;
    }
    return 0;
}

int journal_fs_write_all(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (k == 0) {
            return -EIO;
        }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

int journal_fs_flock(int fd, int op) {
    while (flock(fd, op) < 0) {
        if (errno != EINTR) {
            return -errno;
        }
    }
    return 0;
}
