#include "core/action_task.h"

#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "core/macro.h"

#define TASK_MAX_QUEUED 20000

typedef struct QueuedLine {
    ActionLine kind;
    char *text;
} QueuedLine;

struct ActionTask {
    ActionSpec *spec;
    unsigned journal_flags;
    ActionCancel *cancel;
    int efd;
    pthread_mutex_t lock;
    pthread_cond_t ended_cond;
    /* under lock */
    QueuedLine *lines;
    size_t n_lines, cap_lines;
    unsigned long long dropped;
    uint64_t bytes;
    bool ended;
    ActionResult result;
    int rc;
};

static void wake(ActionTask *t) {
    uint64_t one = 1;
    (void)!write(t->efd, &one, sizeof(one));
}

static void on_line(void *userdata, ActionLine kind, const char *text) {
    ActionTask *t = userdata;
    pthread_mutex_lock(&t->lock);
    if (t->n_lines >= TASK_MAX_QUEUED) {
        t->dropped++;
    } else {
        if (t->n_lines == t->cap_lines) {
            size_t cap = t->cap_lines ? 2 * t->cap_lines : 64;
            QueuedLine *v = realloc(t->lines, cap * sizeof(*v));
            if (v) {
                t->lines = v, t->cap_lines = cap;
            }
        }
        char *copy = t->n_lines < t->cap_lines ? strdup(text) : NULL;
        if (copy) {
            t->lines[t->n_lines++] = (QueuedLine){kind, copy};
        } else {
            t->dropped++;
        }
    }
    wake(t);
    pthread_mutex_unlock(&t->lock);
}

static void on_progress(void *userdata, uint64_t bytes, const char *what) {
    ActionTask *t = userdata;
    pthread_mutex_lock(&t->lock);
    t->bytes = bytes;
    wake(t);
    pthread_mutex_unlock(&t->lock);
}

static void work(void *job) {
    ActionTask *t = job;
    ActionSink sink = {.line = on_line, .progress = on_progress, .userdata = t};
    ActionResult res = {0};
    Journal *j = NULL;
    int rc =
        t->spec->journal_path ? journal_open(t->spec->journal_path, t->journal_flags, &j) : -EINVAL;
    if (rc >= 0) {
        rc = action_run(j, t->spec, &sink, t->cancel, NULL, NULL, &res);
        journal_free(j);
    } else {
        res.result = strdup("not run");
        res.exit_code = 1;
        if (asprintf(&res.error, "cannot open the journal: %s", strerror(-rc)) < 0) {
            res.error = NULL;
        }
    }
    pthread_mutex_lock(&t->lock);
    t->result = res;
    t->rc = rc;
    t->ended = true;
    pthread_cond_broadcast(&t->ended_cond);
    wake(t);
    pthread_mutex_unlock(&t->lock); /* from here on the task is the loop's */
}

static void done(void *job, void *userdata) {
    /* the task belongs to whoever started it; the pool only hands it back */
}

int action_task_start(WorkerPool *pool, ActionSpec *spec, unsigned journal_flags,
                      ActionTask **ret) {
    ActionTask *t = calloc(1, sizeof(*t));
    if (!t) {
        action_spec_free(spec);
        return -ENOMEM;
    }
    t->spec = spec;
    t->journal_flags = journal_flags;
    t->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    t->cancel = action_cancel_new();
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->ended_cond, NULL);
    if (t->efd < 0 || !t->cancel || worker_submit(pool, work, done, t) < 0) {
        t->ended = true;
        action_task_free(t);
        return -ENOMEM;
    }
    *ret = t;
    return 0;
}

const ActionSpec *action_task_spec(const ActionTask *t) {
    return t->spec;
}

int action_task_fd(const ActionTask *t) {
    return t->efd;
}

bool action_task_take(ActionTask *t, ActionTaskLineFn fn, void *userdata, uint64_t *ret_bytes) {
    uint64_t n;
    (void)!read(t->efd, &n, sizeof(n));
    pthread_mutex_lock(&t->lock);
    QueuedLine *lines = t->lines;
    size_t count = t->n_lines;
    unsigned long long dropped = t->dropped;
    t->lines = NULL;
    t->n_lines = t->cap_lines = 0;
    t->dropped = 0;
    bool ended = t->ended;
    if (ret_bytes) {
        *ret_bytes = t->bytes;
    }
    pthread_mutex_unlock(&t->lock);
    if (dropped && fn) {
        char note[96];
        snprintf(note, sizeof(note), "[%llu lines dropped: output came faster than shown]",
                 dropped);
        fn(userdata, ACTION_LINE_INFO, note);
    }
    for (size_t i = 0; i < count; i++) {
        if (fn) {
            fn(userdata, lines[i].kind, lines[i].text);
        }
        free(lines[i].text);
    }
    free(lines);
    return ended;
}

const ActionResult *action_task_result(const ActionTask *t) {
    return &t->result;
}

int action_task_rc(const ActionTask *t) {
    return t->rc;
}

void action_task_cancel(ActionTask *t) {
    action_cancel_request(t->cancel);
}

bool action_task_cancelling(const ActionTask *t) {
    return action_cancel_requested(t->cancel);
}

bool action_task_wait(ActionTask *t, long long ms) {
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++, until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&t->lock);
    while (!t->ended) {
        if (pthread_cond_timedwait(&t->ended_cond, &t->lock, &until) == ETIMEDOUT) {
            break;
        }
    }
    bool ended = t->ended;
    pthread_mutex_unlock(&t->lock);
    return ended;
}

ActionTask *action_task_free(ActionTask *t) {
    if (!t) {
        return NULL;
    }
    pthread_mutex_lock(&t->lock);
    bool ended = t->ended;
    pthread_mutex_unlock(&t->lock);
    if (!ended) {
        return t;
    }
    for (size_t i = 0; i < t->n_lines; i++) {
        free(t->lines[i].text);
    }
    free(t->lines);
    action_result_done(&t->result);
    action_spec_free(t->spec);
    action_cancel_free(t->cancel);
    if (t->efd >= 0) {
        close(t->efd);
    }
    pthread_cond_destroy(&t->ended_cond);
    pthread_mutex_destroy(&t->lock);
    free(t);
    return NULL;
}
