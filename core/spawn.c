#include "core/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/macro.h"
#include "core/timeutil.h"

extern char **environ;

/* After the child exited, how long to wait for its pipes to reach EOF (a
 * background process it started may hold them open). */
#define DRAIN_AFTER_EXIT_MS 1000
/* Without pidfd_open, how often to ask waitpid(). */
#define REAP_POLL_MS 100

char *spawn_which(const char *program) {
    if (strchr(program, '/')) {
        return strdup(program);
    }
    const char *path = getenv("PATH");
    if (!path || !*path) {
        path = "/usr/local/bin:/usr/bin:/bin";
    }
    for (const char *p = path; *p;) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        char *full = NULL;
        if (asprintf(&full, "%.*s/%s", (int)(len ? len : 1), len ? p : ".", program) < 0) {
            return NULL;
        }
        if (access(full, X_OK) == 0) {
            return full;
        }
        free(full);
        p += len + (colon ? 1 : 0);
    }
    errno = ENOENT;
    return NULL;
}

static int make_pipe(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC) < 0) {
        return -errno;
    }
    /* fewer wake-ups for a fast writer such as mysqldump (best effort) */
    (void)fcntl(fds[0], F_SETPIPE_SZ, 1 << 20);
    return 0;
}

static int set_nonblock(int fd) {
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -errno : 0;
}

static int spawn_setup(const SpawnOptions *o, int out_w, int err_w, posix_spawn_file_actions_t *fa,
                       posix_spawnattr_t *at) {
    int r = posix_spawn_file_actions_addopen(fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    r = r ? r : posix_spawn_file_actions_adddup2(fa, out_w, STDOUT_FILENO);
    r = r ? r : posix_spawn_file_actions_adddup2(fa, err_w, STDERR_FILENO);
    if (!r && o->cwd) {
        r = posix_spawn_file_actions_addchdir_np(fa, o->cwd);
    }
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    r = r ? r : posix_spawnattr_setsigmask(at, &none);
    r = r ? r : posix_spawnattr_setsigdefault(at, &all);
    r = r ? r : posix_spawnattr_setpgroup(at, 0);
    r = r ? r
          : posix_spawnattr_setflags(at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                             POSIX_SPAWN_SETPGROUP);
    return -r;
}

int spawn_child(const SpawnOptions *o, Child *ret) {
    int out[2] = {-1, -1}, err[2] = {-1, -1};
    int r = make_pipe(out);
    if (r >= 0 && !o->merge_stderr) {
        r = make_pipe(err);
    }
    if (r < 0) {
        closep(&out[0]), closep(&out[1]);
        return r;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    pid_t pid = -1;
    r = spawn_setup(o, out[1], o->merge_stderr ? out[1] : err[1], &fa, &at);
    if (r >= 0) {
        r = -posix_spawnp(&pid, o->argv[0], &fa, &at, o->argv, o->envp ? o->envp : environ);
    }
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    closep(&out[1]);
    closep(&err[1]);
    if (r < 0) {
        closep(&out[0]);
        closep(&err[0]);
        return r;
    }
    *ret = (Child){.pid = pid, .pidfd = -1, .out_fd = out[0], .err_fd = err[0]};
#ifdef SYS_pidfd_open
    ret->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
    (void)set_nonblock(ret->out_fd);
    if (ret->err_fd >= 0) {
        (void)set_nonblock(ret->err_fd);
    }
    return 0;
}

void spawn_signal(const Child *c, int sig) {
    if (c->pid > 0 && !c->reaped) {
        (void)kill(-c->pid, sig);
    }
}

static bool try_reap(Child *c, bool block) {
    if (c->reaped) {
        return true;
    }
    int st;
    pid_t p;
    do {
        p = waitpid(c->pid, &st, block ? 0 : WNOHANG);
    } while (p < 0 && errno == EINTR);
    if (p == c->pid || (p < 0 && errno == ECHILD)) {
        c->reaped = true;
        c->status = p == c->pid ? st : 0;
        closep(&c->pidfd);
        c->pidfd = -1;
        return true;
    }
    return false;
}

/* Read what fd has; EOF closes it.  Returns the callback's error, or 0. */
static int drain(int *fd, int (*fn)(void *, const char *, size_t), void *ud, bool discard) {
    char buf[65536];
    for (;;) {
        ssize_t n = read(*fd, buf, sizeof(buf));
        if (n > 0) {
            int r = fn && !discard ? fn(ud, buf, (size_t)n) : 0;
            if (r < 0) {
                return r;
            }
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            return 0;
        }
        closep(fd); /* EOF or an error: nothing more comes */
        *fd = -1;
        return 0;
    }
}

static long long min_wait(long long cur, long long until, long long now) {
    long long w = until - now;
    w = w < 0 ? 0 : w;
    return cur < 0 || w < cur ? w : cur;
}

/* One pump: the child, what to do with its output, and where the ending stands. */
typedef struct Pump {
    Child *c;
    const PumpOps *ops;
    void *ud;
    int cancel_fd;
    long long deadline_ms, term_at, reaped_at;
    bool term_sent;
    PumpResult res;
} Pump;

/* SIGTERM once there is a reason to stop; SIGKILL after the grace period. */
static void escalate(Pump *p, long long now) {
    if (!p->term_sent) {
        p->term_sent = true;
        p->term_at = now;
        spawn_signal(p->c, SIGTERM);
    } else if (!p->res.killed && now >= p->term_at + SPAWN_KILL_GRACE_MS) {
        p->res.killed = true;
        spawn_signal(p->c, SIGKILL);
    }
}

/* How long poll() may wait: until the deadline, the SIGKILL, the end of the drain
 * after the exit, or the next waitpid() without a pidfd. */
static int pump_wait(const Pump *p, long long now) {
    long long wait = -1;
    if (!p->term_sent && p->deadline_ms) {
        wait = min_wait(wait, p->deadline_ms, now);
    }
    if (p->term_sent && !p->res.killed) {
        wait = min_wait(wait, p->term_at + SPAWN_KILL_GRACE_MS, now);
    }
    if (p->c->reaped) {
        wait = min_wait(wait, p->reaped_at + DRAIN_AFTER_EXIT_MS, now);
    } else if (p->c->pidfd < 0) {
        wait = min_wait(wait, now + REAP_POLL_MS, now);
    }
    return wait > 60000 ? 60000 : (int)wait;
}

static void reap(Pump *p) {
    if (!p->c->reaped && try_reap(p->c, false)) {
        p->reaped_at = time_mono_ms();
    }
}

/* One poll() over the pipes, the pidfd and the cancel fd.  Returns 0 or -errno. */
static int pump_once(Pump *p, long long now) {
    Child *c = p->c;
    struct pollfd fds[4];
    nfds_t n = 0;
    int i_out = -1, i_err = -1, i_pid = -1, i_cancel = -1;
    if (c->out_fd >= 0) {
        i_out = (int)n, fds[n++] = (struct pollfd){.fd = c->out_fd, .events = POLLIN};
    }
    if (c->err_fd >= 0) {
        i_err = (int)n, fds[n++] = (struct pollfd){.fd = c->err_fd, .events = POLLIN};
    }
    if (!c->reaped && c->pidfd >= 0) {
        i_pid = (int)n, fds[n++] = (struct pollfd){.fd = c->pidfd, .events = POLLIN};
    }
    if (p->cancel_fd >= 0 && !p->res.cancelled) {
        i_cancel = (int)n, fds[n++] = (struct pollfd){.fd = p->cancel_fd, .events = POLLIN};
    }
    int pr = poll(fds, n, pump_wait(p, now));
    if (pr < 0) {
        return errno == EINTR ? 0 : -errno;
    }
    p->res.cancelled = p->res.cancelled || (i_cancel >= 0 && fds[i_cancel].revents);
    bool discard = p->res.error != 0;
    if (i_out >= 0 && fds[i_out].revents) {
        int r = drain(&c->out_fd, p->ops ? p->ops->out : NULL, p->ud, discard);
        p->res.error = p->res.error ? p->res.error : r;
    }
    if (i_err >= 0 && fds[i_err].revents) {
        int r = drain(&c->err_fd, p->ops ? p->ops->err : NULL, p->ud, discard);
        p->res.error = p->res.error ? p->res.error : r;
    }
    if ((i_pid >= 0 && fds[i_pid].revents) || c->pidfd < 0) {
        reap(p);
    }
    return 0;
}

int spawn_pump(Child *c, const PumpOps *ops, void *ud, int cancel_fd, long long deadline_ms,
               PumpResult *ret) {
    Pump p = {.c = c, .ops = ops, .ud = ud, .cancel_fd = cancel_fd, .deadline_ms = deadline_ms};
    int rc = 0;
    for (;;) {
        long long now = time_mono_ms();
        if (!p.term_sent && deadline_ms && now >= deadline_ms) {
            p.res.timed_out = true;
        }
        if (p.res.timed_out || p.res.cancelled || p.res.error) {
            escalate(&p, now);
        }
        if (c->reaped && c->out_fd < 0 && c->err_fd < 0) {
            break;
        }
        if (c->reaped && now >= p.reaped_at + DRAIN_AFTER_EXIT_MS) {
            p.res.output_left = c->out_fd >= 0 || c->err_fd >= 0;
            break;
        }
        if ((rc = pump_once(&p, now)) < 0) {
            spawn_signal(c, SIGKILL);
            break;
        }
    }
    try_reap(c, true);
    closep(&c->out_fd);
    closep(&c->err_fd);
    c->out_fd = c->err_fd = -1;
    p.res.status = c->status;
    *ret = p.res;
    return rc;
}

void spawn_close(Child *c) {
    if (c->pid > 0 && !c->reaped) {
        spawn_signal(c, SIGKILL);
        try_reap(c, true);
    }
    closep(&c->out_fd);
    closep(&c->err_fd);
    closep(&c->pidfd);
    c->out_fd = c->err_fd = c->pidfd = -1;
}

const char *spawn_status_string(int status, char *buf, size_t size) {
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        const char *name = sigabbrev_np(sig);
        snprintf(buf, size, "killed by SIG%s", name ? name : "?");
    } else {
        snprintf(buf, size, "exit %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    return buf;
}

int spawn_exit_code(int status) {
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}
