/* crashsweep: running a workload process, and small file helpers. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/crash/sweep.h"

static void append_buf(char **buf, size_t *len, size_t *cap, const char *p, size_t n) {
    if (*len + n + 1 > *cap) {
        size_t c = *cap ? *cap : 4096;
        while (c < *len + n + 1) {
            c *= 2;
        }
        char *b = realloc(*buf, c);
        if (!b) {
            abort();
        }
        *buf = b;
        *cap = c;
    }
    memcpy(*buf + *len, p, n);
    *len += n;
    (*buf)[*len] = '\0';
}

/* Read both pipes to their end without letting either fill up. */
static void drain(int out_fd, int err_fd, Child *c) {
    size_t lens[2] = {0, 0}, caps[2] = {0, 0};
    char *bufs[2] = {NULL, NULL};
    struct pollfd p[2] = {{.fd = out_fd, .events = POLLIN}, {.fd = err_fd, .events = POLLIN}};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                continue;
            }
            char chunk[65536];
            ssize_t k = read(p[i].fd, chunk, sizeof(chunk));
            if (k > 0) {
                append_buf(&bufs[i], &lens[i], &caps[i], chunk, (size_t)k);
            } else if (k == 0 || errno != EINTR) {
                close(p[i].fd);
                p[i].fd = -1;
                open_fds--;
            }
        }
    }
    c->out = bufs[0] ? bufs[0] : strdup("");
    c->err = bufs[1] ? bufs[1] : strdup("");
}

int run_child(const Sweep *s, char *const argv[], char *const env[], bool preload, Child *ret) {
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC) < 0) {
        return -errno;
    }
    if (pipe2(err, O_CLOEXEC) < 0) {
        close(out[0]);
        close(out[1]);
        return -errno;
    }
    pid_t pid = fork();
    if (pid < 0) {
        return -errno;
    }
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        for (size_t i = 0; env && env[i]; i++) {
            putenv(env[i]);
        }
        if (preload) {
            setenv("LD_PRELOAD", s->shim, 1);
        }
        execv(argv[0], argv);
        fprintf(stderr, "crashsweep: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    *ret = (Child){0};
    drain(out[0], err[0], ret);
    while (waitpid(pid, &ret->status, 0) < 0) {
        if (errno != EINTR) {
            return -errno;
        }
    }
    return 0;
}

void child_done(Child *c) {
    free(c->out);
    free(c->err);
    *c = (Child){0};
}

bool child_killed(const Child *c) {
    return WIFSIGNALED(c->status) && WTERMSIG(c->status) == SIGKILL;
}

int child_exit(const Child *c) {
    return WIFEXITED(c->status) ? WEXITSTATUS(c->status) : -1;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

int reset_dir(const char *path) {
    if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT) {
        return -errno;
    }
    return mkdir(path, 0700) < 0 ? -errno : 0;
}

char *path_join(const char *a, const char *b) {
    char *p;
    if (asprintf(&p, "%s/%s", a, b) < 0) {
        abort();
    }
    return p;
}

int slurp(const char *path, char **ret, size_t *ret_len) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        char chunk[65536];
        ssize_t k = read(fd, chunk, sizeof(chunk));
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            int r = k < 0 ? -errno : 0;
            close(fd);
            if (r < 0) {
                free(buf);
                return r;
            }
            break;
        }
        append_buf(&buf, &len, &cap, chunk, (size_t)k);
    }
    *ret = buf ? buf : strdup("");
    *ret_len = len;
    return 0;
}

int spit(const char *path, const char *data, size_t len, int mode) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        return -errno;
    }
    for (size_t done = 0; done < len;) {
        ssize_t k = write(fd, data + done, len - done);
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            int r = k < 0 ? -errno : -EIO;
            close(fd);
            return r;
        }
        done += (size_t)k;
    }
    return close(fd) < 0 ? -errno : 0;
}

size_t torn_len(const char *data, size_t len) {
    size_t n = 0;
    while (n < len && data[len - 1 - n] != '\n') {
        n++;
    }
    return n;
}

long count_lines(const char *path) {
    char *buf;
    size_t len;
    if (slurp(path, &buf, &len) < 0) {
        return 0;
    }
    long n = 0;
    for (size_t i = 0; i < len; i++) {
        n += buf[i] == '\n';
    }
    free(buf);
    return n;
}
