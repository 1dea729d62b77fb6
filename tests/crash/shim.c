/* Crash-safety shim, loaded with LD_PRELOAD into a process that writes a journal.
 *
 * It wraps write/pwrite/writev, fsync/fdatasync, rename/renameat, ftruncate/truncate.
 * A call counts when its file (an fd resolved through /proc/self/fd, or a path
 * argument) ends with one of the suffixes in OPSDECK_SHIM_PATH (':'-separated);
 * every other call passes through untouched.  On the counted calls:
 *
 *   OPSDECK_SHIM_OPS=write,sync,rename,truncate  which kinds count (default: all)
 *   OPSDECK_SHIM_KILL_AT=N      SIGKILL the process at the N-th counted call ...
 *   OPSDECK_SHIM_KILL_WHEN=before|after|torn
 *                               ... before performing it, after it, or (a write) after
 *                               performing only the first half of its bytes
 *   OPSDECK_SHIM_FAIL_AT=N      the N-th counted call fails, not performed, with
 *   OPSDECK_SHIM_ERRNO=EIO|ENOSPC|EDQUOT|number   (default EIO)
 *   OPSDECK_SHIM_FAIL_STICKY=1  ... and so does every counted call after it
 *   OPSDECK_SHIM_SHORT_AT=N     the N-th counted write writes half its bytes and says so
 *   OPSDECK_SHIM_SHORT_ERRNO=E  ... and the counted write after it fails with E
 *                               (the disk filled up in the middle of a record)
 *   OPSDECK_SHIM_LOG=FILE       append "N KIND PATH" for every counted call
 *
 * Nothing is set: the shim is inert.  Used by tests/tools/crashsweep.c. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum { K_WRITE = 1, K_SYNC = 2, K_RENAME = 4, K_TRUNCATE = 8 };
enum { WHEN_BEFORE, WHEN_AFTER, WHEN_TORN };

#define MAX_SUFFIXES 16

static struct {
    bool active;
    char *suffixes[MAX_SUFFIXES];
    size_t n_suffixes;
    unsigned ops;
    long kill_at, fail_at, short_at;
    int when;
    int fail_errno, short_errno;
    bool sticky;
    bool short_pending; /* the write after a short one fails */
    int cur_errno;      /* what the call decided to fail fails with */
    int log_fd;
    long count;
} S = {.log_fd = -1};

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_rename)(const char *, const char *);
static int (*real_renameat)(int, const char *, int, const char *);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off_t);
static int (*real_truncate)(const char *, off_t);

static long env_long(const char *name) {
    const char *s = getenv(name);
    return s && *s ? strtol(s, NULL, 10) : 0;
}

static int env_errno(const char *name, int dflt) {
    const char *s = getenv(name);
    if (!s || !*s) {
        return dflt;
    }
    static const struct {
        const char *name;
        int value;
    } names[] = {
        {"EIO", EIO}, {"ENOSPC", ENOSPC}, {"EDQUOT", EDQUOT}, {"EROFS", EROFS}, {"EINTR", EINTR}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(s, names[i].name) == 0) {
            return names[i].value;
        }
    }
    return (int)strtol(s, NULL, 10);
}

static unsigned parse_ops(const char *s) {
    if (!s || !*s) {
        return K_WRITE | K_SYNC | K_RENAME | K_TRUNCATE;
    }
    unsigned ops = 0;
    ops |= strstr(s, "write") ? K_WRITE : 0;
    ops |= strstr(s, "sync") ? K_SYNC : 0;
    ops |= strstr(s, "rename") ? K_RENAME : 0;
    ops |= strstr(s, "truncate") ? K_TRUNCATE : 0;
    return ops;
}

__attribute__((constructor)) static void shim_init(void) {
    real_write = dlsym(RTLD_NEXT, "write");
    real_pwrite = dlsym(RTLD_NEXT, "pwrite");
    real_pwrite64 = dlsym(RTLD_NEXT, "pwrite64");
    real_writev = dlsym(RTLD_NEXT, "writev");
    real_fsync = dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
    real_rename = dlsym(RTLD_NEXT, "rename");
    real_renameat = dlsym(RTLD_NEXT, "renameat");
    real_ftruncate = dlsym(RTLD_NEXT, "ftruncate");
    real_ftruncate64 = dlsym(RTLD_NEXT, "ftruncate64");
    real_truncate = dlsym(RTLD_NEXT, "truncate");

    const char *paths = getenv("OPSDECK_SHIM_PATH");
    if (!paths || !*paths) {
        return;
    }
    char *copy = strdup(paths);
    for (char *save = NULL, *tok = strtok_r(copy, ":", &save); tok && S.n_suffixes < MAX_SUFFIXES;
         tok = strtok_r(NULL, ":", &save)) {
        S.suffixes[S.n_suffixes++] = tok;
    }
    S.ops = parse_ops(getenv("OPSDECK_SHIM_OPS"));
    S.kill_at = env_long("OPSDECK_SHIM_KILL_AT");
    S.fail_at = env_long("OPSDECK_SHIM_FAIL_AT");
    S.short_at = env_long("OPSDECK_SHIM_SHORT_AT");
    S.sticky = env_long("OPSDECK_SHIM_FAIL_STICKY") != 0;
    S.fail_errno = env_errno("OPSDECK_SHIM_ERRNO", EIO);
    S.short_errno = env_errno("OPSDECK_SHIM_SHORT_ERRNO", 0);
    const char *when = getenv("OPSDECK_SHIM_KILL_WHEN");
    S.when = when && strcmp(when, "after") == 0  ? WHEN_AFTER
             : when && strcmp(when, "torn") == 0 ? WHEN_TORN
                                                 : WHEN_BEFORE;
    const char *log = getenv("OPSDECK_SHIM_LOG");
    if (log && *log) {
        S.log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    }
    S.active = true;
}

static bool path_matches(const char *path) {
    size_t n = strlen(path);
    for (size_t i = 0; i < S.n_suffixes; i++) {
        size_t k = strlen(S.suffixes[i]);
        if (k <= n && memcmp(path + n - k, S.suffixes[i], k) == 0) {
            return true;
        }
    }
    return false;
}

static bool fd_matches(int fd, char *buf, size_t size) {
    char link[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t k = readlink(link, buf, size - 1);
    if (k <= 0) {
        return false;
    }
    buf[k] = '\0';
    return path_matches(buf);
}

static void die_now(void) {
    (void)kill(getpid(), SIGKILL);
    for (;;) {
        pause();
    }
}

typedef enum Verdict { V_PASS, V_KILL_BEFORE, V_KILL_AFTER, V_TORN, V_FAIL, V_SHORT } Verdict;

/* Count a call of kind on path (NULL: not ours) and decide its fate. */
static Verdict decide(unsigned kind, const char *name, const char *path) {
    if (!S.active || !path || !(S.ops & kind)) {
        return V_PASS;
    }
    long n = __atomic_add_fetch(&S.count, 1, __ATOMIC_SEQ_CST);
    if (S.log_fd >= 0) {
        char line[4200];
        int len = snprintf(line, sizeof(line), "%ld %s %s\n", n, name, path);
        if (len > 0) {
            (void)real_write(S.log_fd, line, (size_t)len < sizeof(line) ? (size_t)len : 0);
        }
    }
    if (n == S.kill_at) {
        if (S.when == WHEN_AFTER) {
            return V_KILL_AFTER;
        }
        return S.when == WHEN_TORN && kind == K_WRITE ? V_TORN : V_KILL_BEFORE;
    }
    if (S.fail_at > 0 && (n == S.fail_at || (S.sticky && n > S.fail_at))) {
        S.cur_errno = S.fail_errno;
        return V_FAIL;
    }
    if (kind == K_WRITE && S.short_pending) {
        S.short_pending = false;
        S.cur_errno = S.short_errno;
        return V_FAIL;
    }
    if (kind == K_WRITE && n == S.short_at) {
        S.short_pending = S.short_errno != 0;
        return V_SHORT;
    }
    return V_PASS;
}

/* The fate of one call; the macros below run the real call as it says. */
#define FD_PATH(fd) (S.active && fd_matches((fd), pathbuf, sizeof(pathbuf)) ? pathbuf : NULL)

#define FAIL_WITH(err)                                                                             \
    do {                                                                                           \
        errno = (err);                                                                             \
        return -1;                                                                                 \
    } while (0)

/* For calls that are all or nothing (sync, rename, truncate). */
#define WRAP_SIMPLE(kind, name, path, call)                                                        \
    do {                                                                                           \
        Verdict v = decide((kind), (name), (path));                                                \
        if (v == V_KILL_BEFORE || v == V_TORN) {                                                   \
            die_now();                                                                             \
        }                                                                                          \
        if (v == V_FAIL) {                                                                         \
            FAIL_WITH(S.cur_errno);                                                                \
        }                                                                                          \
        int r_ = (call);                                                                           \
        if (v == V_KILL_AFTER) {                                                                   \
            die_now();                                                                             \
        }                                                                                          \
        return r_;                                                                                 \
    } while (0)

/* For writes: torn and short ones perform half of the bytes. */
#define WRAP_WRITE(name, path, n, call_n)                                                          \
    do {                                                                                           \
        Verdict v = decide(K_WRITE, (name), (path));                                               \
        if (v == V_KILL_BEFORE) {                                                                  \
            die_now();                                                                             \
        }                                                                                          \
        if (v == V_FAIL) {                                                                         \
            FAIL_WITH(S.cur_errno);                                                                \
        }                                                                                          \
        size_t half_ = (n) / 2;                                                                    \
        if (v == V_TORN) {                                                                         \
            if (half_ > 0) {                                                                       \
                (void)call_n(half_);                                                               \
            }                                                                                      \
            die_now();                                                                             \
        }                                                                                          \
        if (v == V_SHORT && half_ > 0) {                                                           \
            return call_n(half_);                                                                  \
        }                                                                                          \
        ssize_t r_ = call_n(n);                                                                    \
        if (v == V_KILL_AFTER) {                                                                   \
            die_now();                                                                             \
        }                                                                                          \
        return r_;                                                                                 \
    } while (0)

ssize_t write(int fd, const void *buf, size_t n) {
    char pathbuf[4096];
#define CALL(k) real_write(fd, buf, (k))
    WRAP_WRITE("write", FD_PATH(fd), n, CALL);
#undef CALL
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
    char pathbuf[4096];
#define CALL(k) real_pwrite(fd, buf, (k), off)
    WRAP_WRITE("pwrite", FD_PATH(fd), n, CALL);
#undef CALL
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) {
    char pathbuf[4096];
#define CALL(k) real_pwrite64(fd, buf, (k), off)
    WRAP_WRITE("pwrite", FD_PATH(fd), n, CALL);
#undef CALL
}

/* writev: torn and short ones write the first half of the bytes with write(). */
static ssize_t writev_prefix(int fd, const struct iovec *iov, int cnt, size_t k) {
    size_t done = 0;
    for (int i = 0; i < cnt && done < k; i++) {
        size_t take = iov[i].iov_len < k - done ? iov[i].iov_len : k - done;
        ssize_t w = real_write(fd, iov[i].iov_base, take);
        if (w < 0) {
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)w;
        if ((size_t)w < take) {
            break;
        }
    }
    return (ssize_t)done;
}

ssize_t writev(int fd, const struct iovec *iov, int cnt) {
    char pathbuf[4096];
    size_t total = 0;
    for (int i = 0; i < cnt; i++) {
        total += iov[i].iov_len;
    }
#define CALL(k) ((k) == total ? real_writev(fd, iov, cnt) : writev_prefix(fd, iov, cnt, (k)))
    WRAP_WRITE("writev", FD_PATH(fd), total, CALL);
#undef CALL
}

int fsync(int fd) {
    char pathbuf[4096];
    WRAP_SIMPLE(K_SYNC, "fsync", FD_PATH(fd), real_fsync(fd));
}

int fdatasync(int fd) {
    char pathbuf[4096];
    WRAP_SIMPLE(K_SYNC, "fdatasync", FD_PATH(fd), real_fdatasync(fd));
}

int ftruncate(int fd, off_t len) {
    char pathbuf[4096];
    WRAP_SIMPLE(K_TRUNCATE, "ftruncate", FD_PATH(fd), real_ftruncate(fd, len));
}

int ftruncate64(int fd, off_t len) {
    char pathbuf[4096];
    WRAP_SIMPLE(K_TRUNCATE, "ftruncate", FD_PATH(fd), real_ftruncate64(fd, len));
}

int truncate(const char *path, off_t len) {
    const char *p = S.active && path_matches(path) ? path : NULL;
    WRAP_SIMPLE(K_TRUNCATE, "truncate", p, real_truncate(path, len));
}

int rename(const char *from, const char *to) {
    const char *p = NULL;
    if (S.active) {
        p = path_matches(to) ? to : path_matches(from) ? from : NULL;
    }
    WRAP_SIMPLE(K_RENAME, "rename", p, real_rename(from, to));
}

int renameat(int fromfd, const char *from, int tofd, const char *to) {
    const char *p = NULL;
    if (S.active) {
        p = path_matches(to) ? to : path_matches(from) ? from : NULL;
    }
    WRAP_SIMPLE(K_RENAME, "rename", p, real_renameat(fromfd, from, tofd, to));
}
