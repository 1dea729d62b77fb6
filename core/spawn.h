#pragma once
/* Child processes for actions (command actions, mysqldump): spawned without a
 * shell in a process group of their own, stdin from /dev/null, output through
 * pipes; pumped by one poll() loop that also watches a cancel fd and a deadline,
 * and stopped with SIGTERM, then SIGKILL after a grace period. */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* How long a child has between SIGTERM and SIGKILL. */
#define SPAWN_KILL_GRACE_MS 5000

typedef struct SpawnOptions {
    char *const *argv; /* argv[0] is looked up in PATH when it has no '/' */
    char *const *envp; /* NULL: this process's environment */
    const char *cwd;   /* NULL: this process's working directory */
    bool merge_stderr; /* stderr into the stdout pipe (in order); else its own pipe */
} SpawnOptions;

typedef struct Child {
    pid_t pid;  /* also the process group id */
    int pidfd;  /* -1 when the kernel has no pidfd_open */
    int out_fd; /* read ends, non-blocking; -1 once at EOF or closed */
    int err_fd; /* -1 when merged */
    bool reaped;
    int status; /* wait status once reaped */
} Child;

/* Start a child.  Returns 0, or the -errno of the failure (-ENOENT: no such
 * program, -EACCES, -ENOTDIR/-ENOENT for a bad cwd ...). */
int spawn_child(const SpawnOptions *o, Child *ret);

/* What the pump does with output; a negative return stops the child (it is
 * terminated as on cancel) and becomes PumpResult.error. */
typedef struct PumpOps {
    int (*out)(void *userdata, const char *buf, size_t n);
    int (*err)(void *userdata, const char *buf, size_t n); /* may be NULL: ignored */
} PumpOps;

typedef struct PumpResult {
    int status;       /* wait status */
    bool timed_out;   /* the deadline passed: terminated */
    bool cancelled;   /* cancel_fd became readable: terminated */
    bool killed;      /* SIGKILL was needed after the grace period */
    bool output_left; /* the child exited, but something it started kept the pipe open */
    int error;        /* a callback's negative return, else 0 */
} PumpResult;

/* Pump output until the child exited and its pipes are drained.  cancel_fd (-1:
 * none) readable or deadline_ms (time_mono_ms(), 0: none) passed → SIGTERM to the
 * group, SIGKILL SPAWN_KILL_GRACE_MS later.  Always reaps the child; returns 0, or
 * a -errno when poll/wait failed (the child is killed and reaped anyway). */
int spawn_pump(Child *c, const PumpOps *ops, void *userdata, int cancel_fd, long long deadline_ms,
               PumpResult *ret);

/* Signal the child's process group. */
void spawn_signal(const Child *c, int sig);
/* Close the fds; kills (SIGKILL) and reaps a child still running.  Idempotent. */
void spawn_close(Child *c);

/* "exit 3", "killed by SIGTERM" into buf. */
const char *spawn_status_string(int status, char *buf, size_t size);
/* The shell's convention: the exit code, or 128 + the signal number. */
int spawn_exit_code(int status);

/* The full path of program in PATH (or program itself when it has a '/'), or
 * NULL when not found (errno set).  A new string. */
char *spawn_which(const char *program);
