/* systemd.* plan actions: Manager method calls whose jobs are followed to
 * their JobRemoved signal. */
#include "core/systemd_action.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/systemd_bus.h"
#include "core/text.h"
#include "core/timeutil.h"

#define MAX_SEEN 64

const char *systemd_action_method(ActionKind kind) {
    switch (kind) {
    case ACTION_SYSTEMD_START:
        return "StartUnit";
    case ACTION_SYSTEMD_STOP:
        return "StopUnit";
    case ACTION_SYSTEMD_RESTART:
        return "RestartUnit";
    case ACTION_SYSTEMD_RELOAD:
        return "ReloadUnit";
    default:
        return NULL;
    }
}

const char *systemd_action_verb(ActionKind kind) {
    switch (kind) {
    case ACTION_SYSTEMD_START:
        return "start";
    case ACTION_SYSTEMD_STOP:
        return "stop";
    case ACTION_SYSTEMD_RESTART:
        return "restart";
    default:
        return "reload";
    }
}

/* The jobs whose JobRemoved was seen, newest last (a job can end before the
 * reply naming it is read). */
typedef struct Seen {
    char *path[MAX_SEEN];
    char *result[MAX_SEEN];
    size_t n;
} Seen;

static void seen_clear(Seen *s) {
    for (size_t i = 0; i < s->n; i++) {
        free(s->path[i]);
        free(s->result[i]);
    }
    s->n = 0;
}

static void seen_add(Seen *s, const char *path, const char *result) {
    if (s->n == MAX_SEEN) {
        free(s->path[0]);
        free(s->result[0]);
        memmove(s->path, s->path + 1, (MAX_SEEN - 1) * sizeof(char *));
        memmove(s->result, s->result + 1, (MAX_SEEN - 1) * sizeof(char *));
        s->n--;
    }
    s->path[s->n] = strdup(path);
    s->result[s->n] = text_sanitize(result, strlen(result));
    if (!s->path[s->n] || !s->result[s->n]) {
        free(s->path[s->n]);
        free(s->result[s->n]);
        return;
    }
    s->n++;
}

static const char *seen_find(const Seen *s, const char *path) {
    for (size_t i = 0; path && i < s->n; i++) {
        if (strcmp(s->path[i], path) == 0) {
            return s->result[i];
        }
    }
    return NULL;
}

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
    Seen *s = userdata;
    uint32_t id;
    const char *path, *unit, *result;
    if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) >= 0) {
        seen_add(s, path, result);
    }
    return 0;
}

_printf_(2, 3) static void logf_(FILE *log, const char *fmt, ...) {
    if (!log) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *s = text_sanitize_vf(fmt, ap);
    va_end(ap);
    if (s) {
        fprintf(log, "%s\n", s);
        fflush(log);
    }
    free(s);
}

static int set_result(char **ret_result, const char *result) {
    if (ret_result) {
        *ret_result = strdup(result);
        if (!*ret_result) {
            return -ENOMEM;
        }
    }
    return 0;
}

static int dry_run(const Action *a, bool user_bus, FILE *log, char **ret_result) {
    const char *method = systemd_action_method(a->kind);
    for (size_t i = 0; i < a->units.n; i++) {
        logf_(log,
              "would call on the %s bus: destination=%s path=%s interface=%s method=%s "
              "args=(\"%s\", \"replace\"), then wait for the job's JobRemoved signal",
              user_bus ? "user" : "system", SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, method,
              a->units.v[i]);
    }
    return set_result(ret_result, "dry-run");
}

/* Wait for the bus (its fd, its next timeout) or for cancel_fd (-1: none).
 * Returns 0 when the bus may have something to process, -ECANCELED once
 * cancel_fd is readable, or a negative errno.  A signal (EINTR) is 0: the
 * caller looks again, and a signal handler that cancels makes cancel_fd
 * readable before it returns. */
static int wait_bus(sd_bus *bus, int cancel_fd) {
    if (cancel_fd < 0) {
        int r = sd_bus_wait(bus, UINT64_MAX);
        return r < 0 && r != -EINTR ? r : 0;
    }
    int fd = sd_bus_get_fd(bus), ev = sd_bus_get_events(bus);
    if (fd < 0 || ev < 0) {
        return fd < 0 ? fd : ev;
    }
    int timeout = -1;
    uint64_t until = 0;
    if (sd_bus_get_timeout(bus, &until) >= 0 && until != UINT64_MAX) {
        long long now_us = time_mono_ms() * 1000;
        long long left = (long long)until - now_us;
        timeout = left <= 0 ? 0 : (int)MIN((left + 999) / 1000, 60000LL);
    }
    struct pollfd p[2] = {{.fd = fd, .events = (short)ev}, {.fd = cancel_fd, .events = POLLIN}};
    if (poll(p, 2, timeout) < 0) {
        return errno == EINTR ? 0 : -errno;
    }
    return p[1].revents ? -ECANCELED : 0;
}

/* Process the bus until done(state) or cancel_fd; 0, -ECANCELED or an errno. */
static int pump(sd_bus *bus, int cancel_fd, bool (*done)(const void *state), const void *state) {
    while (!done(state)) {
        int r = sd_bus_process(bus, NULL);
        if (r < 0) {
            return r;
        }
        if (r > 0) {
            continue;
        }
        r = wait_bus(bus, cancel_fd);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}

typedef struct JobWait {
    const Seen *seen;
    const char *job;
} JobWait;

static bool job_seen(const void *state) {
    const JobWait *w = state;
    return seen_find(w->seen, w->job) != NULL;
}

static bool call_answered(const void *state) {
    return *(sd_bus_message *const *)state != NULL;
}

static int on_call_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
    *(sd_bus_message **)userdata = sd_bus_message_ref(m);
    return 0;
}

/* Queue the job of one unit and wait for its JobRemoved.  On cancel (-ECANCELED)
 * nothing is logged; *ret_job (may be NULL) is the job queued, if known. */
static int run_unit(sd_bus *bus, const Action *a, const char *unit, bool user_bus, int cancel_fd,
                    Seen *seen, FILE *log, char **ret_result, char **ret_job) {
    const char *v = systemd_action_verb(a->kind);
    sd_bus_message *reply = NULL;
    sd_bus_slot *slot = NULL;
    int r = sd_bus_call_method_async(bus, &slot, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER,
                                     systemd_action_method(a->kind), on_call_reply, &reply, "ss",
                                     unit, "replace");
    if (r >= 0) {
        r = pump(bus, cancel_fd, call_answered, &reply);
    }
    sd_bus_slot_unref(slot); /* unanswered (cancelled): the reply is dropped */
    if (r == -ECANCELED) {
        (void)set_result(ret_result, "detached");
        return r;
    }
    const sd_bus_error *error = reply ? sd_bus_message_get_error(reply) : NULL;
    if (r >= 0 && error) {
        r = -sd_bus_message_get_errno(reply);
        r = r < 0 ? r : -EIO;
    }
    if (r < 0) {
        char *why = systemd_bus_error_reason(error, r, user_bus);
        logf_(log, "%s %s: cannot queue the job: %s", v, unit, why ? why : "out of memory");
        free(why);
        int q = set_result(ret_result, systemd_bus_error_word(error, r));
        sd_bus_message_unref(reply);
        return q < 0 ? q : r;
    }
    const char *job = NULL;
    r = sd_bus_message_read(reply, "o", &job);
    if (r < 0) {
        sd_bus_message_unref(reply);
        logf_(log, "%s %s: systemd's reply cannot be read: %s", v, unit, strerror(-r));
        (void)set_result(ret_result, "error");
        return r;
    }
    logf_(log, "%s %s: job %s queued", v, unit, job);
    JobWait w = {.seen = seen, .job = job};
    r = pump(bus, cancel_fd, job_seen, &w);
    if (r == -ECANCELED) {
        if (ret_job) {
            *ret_job = strdup(job);
        }
        sd_bus_message_unref(reply);
        (void)set_result(ret_result, "detached");
        return r;
    }
    if (r < 0) {
        sd_bus_message_unref(reply);
        logf_(log, "%s %s: lost the bus while waiting for the job: %s", v, unit, strerror(-r));
        (void)set_result(ret_result, "error");
        return r;
    }
    const char *result = seen_find(seen, job);
    sd_bus_message_unref(reply);
    logf_(log, "%s %s: %s", v, unit, result);
    int q = set_result(ret_result, result);
    if (q < 0) {
        return q;
    }
    return strcmp(result, "done") == 0 ? 0 : -EIO;
}

/* Stopped waiting: say what is known, in one line (the action's error). */
static void log_detached(FILE *log, const Action *a, size_t i, const char *job) {
    size_t rest = a->units.n - i - 1;
    char more[96] = "";
    if (rest) {
        snprintf(more, sizeof(more), "; %zu more unit%s not touched", rest, rest == 1 ? "" : "s");
    }
    if (job) {
        logf_(log,
              "%s %s: stopped waiting for job %s before systemd finished it; the job keeps "
              "running in systemd (systemctl status %s)%s",
              systemd_action_verb(a->kind), a->units.v[i], job, a->units.v[i], more);
    } else {
        logf_(log,
              "%s %s: stopped waiting before systemd answered; the job may have been queued and "
              "keeps running in systemd (systemctl status %s)%s",
              systemd_action_verb(a->kind), a->units.v[i], a->units.v[i], more);
    }
}

int systemd_action_run(const Action *a, bool user_bus, bool dry_run_only, FILE *log,
                       char **ret_result) {
    return systemd_action_run_cancellable(a, user_bus, dry_run_only, -1, log, ret_result);
}

int systemd_action_run_cancellable(const Action *a, bool user_bus, bool dry_run_only, int cancel_fd,
                                   FILE *log, char **ret_result) {
    if (!a || !systemd_action_method(a->kind)) {
        return -EINVAL;
    }
    if (dry_run_only) {
        return dry_run(a, user_bus, log, ret_result);
    }
    sd_bus *bus = NULL;
    int r = systemd_bus_open(user_bus, &bus);
    if (r < 0) {
        logf_(log, "cannot reach the %s bus: %s", user_bus ? "user" : "system", strerror(-r));
        (void)set_result(ret_result, "no-bus");
        return r;
    }
    (void)sd_bus_set_method_call_timeout(bus, SYSTEMD_CALL_TIMEOUT_USEC);
    (void)sd_bus_set_allow_interactive_authorization(bus, isatty(STDIN_FILENO) == 1);
    Seen seen = {0};
    sd_bus_slot *slot = NULL;
    sd_bus_error error = SD_BUS_ERROR_NULL;
    r = sd_bus_match_signal(bus, &slot, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "JobRemoved",
                            on_job_removed, &seen);
    if (r >= 0) {
        r = sd_bus_call_method(bus, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "Subscribe",
                               &error, NULL, "");
    }
    if (r < 0) {
        char *why = systemd_bus_error_reason(&error, r, user_bus);
        logf_(log, "cannot talk to systemd: %s", why ? why : strerror(-r));
        free(why);
        (void)set_result(ret_result, systemd_bus_error_word(&error, r));
        sd_bus_error_free(&error);
        sd_bus_slot_unref(slot);
        sd_bus_flush_close_unref(bus);
        return r;
    }
    char *result = NULL;
    for (size_t i = 0; i < a->units.n; i++) {
        free(result);
        result = NULL;
        _cleanup_(freep) char *job = NULL;
        r = run_unit(bus, a, a->units.v[i], user_bus, cancel_fd, &seen, log, &result, &job);
        if (r == -ECANCELED) {
            log_detached(log, a, i, job);
            break;
        }
        if (r < 0) {
            if (i + 1 < a->units.n) {
                logf_(log, "%s: stopped after %s; %zu unit%s not touched", a->id, a->units.v[i],
                      a->units.n - i - 1, a->units.n - i - 1 == 1 ? "" : "s");
            }
            break;
        }
    }
    /* Unsubscribe is not waited for when cancelled: the caller is on its way out */
    if (r == -ECANCELED) {
        (void)sd_bus_call_method_async(bus, NULL, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER,
                                       "Unsubscribe", NULL, NULL, "");
    } else {
        (void)sd_bus_call_method(bus, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "Unsubscribe",
                                 NULL, NULL, "");
    }
    seen_clear(&seen);
    sd_bus_slot_unref(slot);
    sd_bus_flush_close_unref(bus);
    if (ret_result) {
        *ret_result = result ? result : strdup("error");
    } else {
        free(result);
    }
    return r;
}

/* ---- asynchronous, on the panel's connection ---- */

struct SystemdActionRun {
    sd_bus *bus; /* a reference */
    const Action *action;
    bool interactive;
    size_t next; /* the unit whose job is in flight */
    sd_bus_slot *match, *call;
    char *job; /* the job awaited; owned */
    Seen seen;
    unsigned busy;  /* inside a callback to the caller */
    bool cancelled; /* cancelled from inside a callback: freed on the way out */
    SystemdActionCallback cb;
    void *userdata;
};

static void run_free(SystemdActionRun *run) {
    sd_bus_slot_unref(run->match);
    sd_bus_slot_unref(run->call);
    free(run->job);
    seen_clear(&run->seen);
    sd_bus_unref(run->bus);
    free(run);
}

_printf_(2, 3) static void progress(SystemdActionRun *run, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = text_sanitize_vf(fmt, ap);
    va_end(ap);
    run->busy++;
    run->cb(run, false, s ? s : "", NULL, 0, run->userdata);
    run->busy--;
    free(s);
}

static void finish(SystemdActionRun *run, const char *result, int r) {
    if (!run->cancelled) {
        run->busy++;
        run->cb(run, true, NULL, result, r, run->userdata);
        run->busy--;
    }
    run_free(run);
}

static void call_next(SystemdActionRun *run);

static void job_ended(SystemdActionRun *run, const char *result) {
    const char *unit = run->action->units.v[run->next];
    progress(run, "%s %s: %s", systemd_action_verb(run->action->kind), unit, result);
    if (run->cancelled) {
        run_free(run);
        return;
    }
    if (strcmp(result, "done") != 0) {
        _cleanup_(freep) char *res = strdup(result);
        finish(run, res ? res : "failed", -EIO);
        return;
    }
    free(run->job);
    run->job = NULL;
    run->next++;
    call_next(run);
}

static int on_async_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
    SystemdActionRun *run = userdata;
    uint32_t id;
    const char *path, *unit, *result;
    if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0) {
        return 0;
    }
    if (run->job && strcmp(path, run->job) == 0) {
        _cleanup_(freep) char *res = text_sanitize(result, strlen(result));
        job_ended(run, res ? res : "failed");
    } else {
        seen_add(&run->seen, path, result);
    }
    return 0;
}

static int on_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
    SystemdActionRun *run = userdata;
    const char *unit = run->action->units.v[run->next];
    run->call = sd_bus_slot_unref(run->call);
    const sd_bus_error *e = sd_bus_message_get_error(m);
    if (e) {
        int r = -sd_bus_message_get_errno(m);
        _cleanup_(freep) char *why = systemd_bus_error_reason(e, r, false);
        progress(run, "%s %s: cannot queue the job: %s", systemd_action_verb(run->action->kind),
                 unit, why ? why : "?");
        if (run->cancelled) {
            run_free(run);
            return 0;
        }
        finish(run, systemd_bus_error_word(e, r), r < 0 ? r : -EIO);
        return 0;
    }
    const char *job = NULL;
    if (sd_bus_message_read(m, "o", &job) < 0 || !(run->job = strdup(job))) {
        finish(run, "error", -EBADMSG);
        return 0;
    }
    progress(run, "%s %s: job %s queued", systemd_action_verb(run->action->kind), unit, job);
    if (run->cancelled) {
        run_free(run);
        return 0;
    }
    const char *res = seen_find(&run->seen, job);
    if (res) {
        _cleanup_(freep) char *copy = strdup(res);
        job_ended(run, copy ? copy : "failed");
    }
    return 0;
}

/* Send the call for the next unit.  Returns 0, or a negative errno when it
 * could not be sent (nothing was called back). */
static int send_next(SystemdActionRun *run) {
    sd_bus_message *m = NULL;
    int r =
        sd_bus_message_new_method_call(run->bus, &m, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER,
                                       systemd_action_method(run->action->kind));
    if (r >= 0) {
        r = sd_bus_message_append(m, "ss", run->action->units.v[run->next], "replace");
    }
    if (r >= 0) {
        r = sd_bus_message_set_allow_interactive_authorization(m, run->interactive);
    }
    if (r >= 0) {
        r = sd_bus_call_async(run->bus, &run->call, m, on_reply, run, SYSTEMD_CALL_TIMEOUT_USEC);
    }
    sd_bus_message_unref(m);
    return r;
}

static void call_next(SystemdActionRun *run) {
    if (run->next >= run->action->units.n) {
        finish(run, "done", 0);
        return;
    }
    int r = send_next(run);
    if (r < 0) {
        progress(run, "%s %s: cannot send the call: %s", systemd_action_verb(run->action->kind),
                 run->action->units.v[run->next], strerror(-r));
        finish(run, "error", r);
    }
}

int systemd_action_start_async(sd_bus *bus, const Action *a, bool interactive,
                               SystemdActionCallback cb, void *userdata, SystemdActionRun **ret) {
    if (!bus || !a || !cb || !systemd_action_method(a->kind) || a->units.n == 0) {
        return -EINVAL;
    }
    SystemdActionRun *run = calloc(1, sizeof(*run));
    if (!run) {
        return -ENOMEM;
    }
    run->bus = sd_bus_ref(bus);
    run->action = a;
    run->interactive = interactive;
    run->cb = cb;
    run->userdata = userdata;
    /* The match is queued before the first call on the same connection, so the
     * bus has it in place before systemd can finish the job. */
    int r = sd_bus_match_signal_async(bus, &run->match, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER,
                                      "JobRemoved", on_async_removed, NULL, run);
    if (r >= 0) {
        r = send_next(run);
    }
    if (r < 0) {
        run_free(run);
        return r;
    }
    if (ret) {
        *ret = run;
    }
    return 0;
}

const char *systemd_action_job(const SystemdActionRun *run) {
    return run ? run->job : NULL;
}

void systemd_action_cancel(SystemdActionRun *run) {
    if (!run) {
        return;
    }
    if (run->busy) {
        run->cancelled = true;
        return;
    }
    run_free(run);
}
