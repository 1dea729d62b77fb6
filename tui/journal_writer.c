#include "tui/journal_writer.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"
#include "core/worker.h"
#include "tui/loop.h"

#define MAX_EVENTS 4

typedef struct AppendJob {
    Journal *journal; /* the App's: the loop leaves it alone while the job runs */
    JournalEvent evs[MAX_EVENTS];
    char *strings[MAX_EVENTS * 7]; /* owned copies the events point into */
    cJSON *extras[MAX_EVENTS];     /* owned copies */
    size_t n, n_strings;
    char **lines; /* every event journal_append reported, encoded, in order */
    size_t n_lines, cap_lines;
    int r;
    Role role;
    char *done_msg;
} AppendJob;

static void job_free(AppendJob *j) {
    for (size_t i = 0; i < j->n_strings; i++) {
        free(j->strings[i]);
    }
    for (size_t i = 0; i < j->n_lines; i++) {
        free(j->lines[i]);
    }
    for (size_t i = 0; i < MAX_EVENTS; i++) {
        cJSON_Delete(j->extras[i]);
    }
    free(j->lines);
    free(j->done_msg);
    free(j);
}

static const char *keep(AppendJob *j, const char *s) {
    if (!s || j->n_strings == ELEMENTSOF(j->strings)) {
        return NULL;
    }
    char *c = strdup(s);
    if (c) {
        j->strings[j->n_strings++] = c;
    }
    return c;
}

/* On the worker: encode what the journal hands us; the loop decodes and folds. */
static int collect(const JournalEvent *ev, void *userdata) {
    AppendJob *j = userdata;
    if (j->n_lines == j->cap_lines) {
        size_t cap = j->cap_lines ? j->cap_lines * 2 : 8;
        char **v = realloc(j->lines, cap * sizeof(*v));
        if (!v) {
            return -ENOMEM;
        }
        j->lines = v;
        j->cap_lines = cap;
    }
    size_t len;
    int r = journal_encode(ev, &j->lines[j->n_lines], &len);
    if (r < 0) {
        return r;
    }
    j->n_lines++;
    return 0;
}

static void work(void *data) {
    AppendJob *j = data;
    j->r = journal_append(j->journal, j->evs, j->n, collect, j);
}

static void done(void *data, void *userdata) {
    AppendJob *j = data;
    App *a = userdata;
    if (!a) {
        job_free(j);
        return;
    }
    a->append_in_flight = false;
    a->journal_ro = journal_is_readonly(a->journal);
    a->journal_failed = journal_failure(a->journal) != NULL;
    for (size_t i = 0; i < j->n_lines; i++) {
        JournalEvent ev;
        cJSON *json = NULL;
        size_t len = strlen(j->lines[i]);
        while (len && j->lines[i][len - 1] == '\n') {
            len--;
        }
        if (journal_decode(j->lines[i], len, &ev, &json) == 0) {
            (void)app_fold_cb(&ev, a);
        }
        cJSON_Delete(json);
    }
    if (j->r < 0) {
        app_message(a, ROLE_FAIL, "NOT recorded: cannot write the journal (%s).%s", strerror(-j->r),
                    a->journal_failed
                        ? " The journal is now read-only; check the disk and restart opsdeck."
                        : "");
    } else {
        a->state_changed_at = time_now();
        app_message(a, j->role, "%s (seq %llu).", j->done_msg,
                    (unsigned long long)j->evs[j->n - 1].seq);
    }
    app_refresh_views(a);
    if (a->resync_pending) {
        a->resync_pending = false;
        app_sync_journal(a);
    }
    job_free(j);
}

static void on_ready(App *a, int fd, short revents, void *userdata) {
    worker_pool_dispatch(a->writer, a);
}

int journal_writer_start(App *a) {
    a->writer = worker_pool_new(1);
    if (!a->writer) {
        return -ENOMEM;
    }
    return loop_add_fd(a, worker_pool_fd(a->writer), POLLIN, on_ready, NULL);
}

void journal_writer_stop(App *a) {
    if (a->writer) {
        loop_remove_fd(a, worker_pool_fd(a->writer));
        /* joins: a write in flight finishes (it is durable or it failed) first */
        a->writer = worker_pool_free(a->writer);
    }
}

bool journal_writer_busy(const App *a) {
    return a->append_in_flight;
}

bool journal_writer_append(App *a, const JournalEvent *evs, size_t n, Role role,
                           const char *done_msg) {
    if (a->append_in_flight) {
        app_message(a, ROLE_WARN, "Still writing the previous change; try again in a moment.");
        return false;
    }
    AppendJob *j = calloc(1, sizeof(*j));
    if (!j || n > MAX_EVENTS || !(j->done_msg = strdup(done_msg))) {
        free(j);
        app_message(a, ROLE_FAIL, "NOT recorded: out of memory.");
        return false;
    }
    j->journal = a->journal;
    j->role = role;
    j->n = n;
    for (size_t i = 0; i < n; i++) {
        JournalEvent e = evs[i];
        e.by = keep(j, a->actor);
        e.item = keep(j, evs[i].item);
        e.phase = keep(j, evs[i].phase);
        e.action = keep(j, evs[i].action);
        e.note = keep(j, evs[i].note);
        e.reason = keep(j, evs[i].reason);
        e.result = keep(j, evs[i].result);
        e.extra = j->extras[i] = evs[i].extra ? cJSON_Duplicate(evs[i].extra, true) : NULL;
        j->evs[i] = e;
    }
    if (worker_submit(a->writer, work, done, j) < 0) {
        job_free(j);
        app_message(a, ROLE_FAIL, "NOT recorded: out of memory.");
        return false;
    }
    a->append_in_flight = true;
    return true;
}
