/* What every report format needs: the fold, the timeline, overrides and actions. */
#include "cli/report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/duration.h"
#include "core/strmap.h"
#include "core/text.h"

/* A sanitised copy of journal text; NULL in, NULL out.  Returns 0 or -ENOMEM. */
static int sane_dup(const char *s, char **ret) {
    *ret = NULL;
    if (!s) {
        return 0;
    }
    *ret = text_sanitize(s, strlen(s));
    return *ret ? 0 : -ENOMEM;
}

static const char *extra_string(const JournalEvent *ev, const char *key) {
    const cJSON *v = ev->extra ? cJSON_GetObjectItemCaseSensitive(ev->extra, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool is_noted(const JournalEvent *ev) {
    return ev->type == EVENT_PHASE_OVERRIDE || ev->type == EVENT_ACTION_START ||
           ev->type == EVENT_ACTION_END || (ev->type == EVENT_TICK && ev->reason);
}

static int event_copy(ReportEvent *n, const JournalEvent *ev) {
    *n = (ReportEvent){.seq = ev->seq,
                       .at = ev->at,
                       .type = ev->type,
                       .exit_code = ev->exit_code,
                       .has_exit = ev->has_exit};
    const char *target = ev->item ? ev->item : ev->phase ? ev->phase : ev->action;
    int r = 0;
    r = r < 0 ? r : sane_dup(ev->by, &n->by);
    r = r < 0 ? r : sane_dup(target, &n->target);
    r = r < 0 ? r : sane_dup(ev->reason, &n->reason);
    r = r < 0 ? r : sane_dup(ev->result, &n->result);
    r = r < 0 ? r : sane_dup(extra_string(ev, "path"), &n->path);
    r = r < 0 ? r : sane_dup(extra_string(ev, "sha256"), &n->sha256);
    const cJSON *bytes = ev->extra ? cJSON_GetObjectItemCaseSensitive(ev->extra, "bytes") : NULL;
    if (cJSON_IsNumber(bytes) && bytes->valuedouble >= 0 && bytes->valuedouble < 9.0e15) {
        n->bytes = (int64_t)bytes->valuedouble;
        n->has_bytes = true;
    }
    return r;
}

static void event_done(ReportEvent *e) {
    free(e->by);
    free(e->target);
    free(e->reason);
    free(e->result);
    free(e->path);
    free(e->sha256);
}

static int collect(const JournalEvent *ev, void *userdata) {
    ReportData *d = userdata;
    int r = state_apply(d->state, ev);
    if (r < 0 || !is_noted(ev)) {
        return r;
    }
    if (d->n_events == d->cap_events) {
        size_t cap = d->cap_events ? d->cap_events * 2 : 32;
        ReportEvent *v = realloc(d->events, cap * sizeof(*v));
        if (!v) {
            return -ENOMEM;
        }
        d->events = v, d->cap_events = cap;
    }
    r = event_copy(&d->events[d->n_events], ev);
    d->n_events++; /* counted even when a copy failed, so that it is freed */
    return r;
}

/* Pair action ends with starts.  open maps an action id to 1 + the index of its
 * latest unpaired run; each run links to the one opened before it. */
static int pair_runs(ReportData *d) {
    size_t n_actions = 0;
    for (size_t i = 0; i < d->n_events; i++) {
        n_actions +=
            d->events[i].type == EVENT_ACTION_START || d->events[i].type == EVENT_ACTION_END;
    }
    if (n_actions == 0) {
        return 0;
    }
    d->runs = calloc(n_actions, sizeof(*d->runs));
    size_t *prev = calloc(n_actions, sizeof(*prev));
    StrMap *open = strmap_new();
    int r = d->runs && prev && open ? 0 : -ENOMEM;
    for (size_t i = 0; r >= 0 && i < d->n_events; i++) {
        const ReportEvent *e = &d->events[i];
        if (e->type != EVENT_ACTION_START && e->type != EVENT_ACTION_END) {
            continue;
        }
        uintptr_t top = e->target ? (uintptr_t)strmap_get(open, e->target, NULL) : 0;
        if (e->type == EVENT_ACTION_END && top) {
            d->runs[top - 1].end = i;
            r = strmap_set(open, e->target, (void *)(uintptr_t)prev[top - 1], 0);
            continue;
        }
        size_t k = d->n_runs++;
        d->runs[k] = (ReportRun){.start = REPORT_NONE, .end = REPORT_NONE};
        if (e->type == EVENT_ACTION_END) {
            d->runs[k].end = i;
            continue;
        }
        d->runs[k].start = i;
        prev[k] = top;
        if (e->target) {
            r = strmap_set(open, e->target, (void *)(uintptr_t)(k + 1), 0);
        }
    }
    free(prev);
    strmap_free(open);
    return r;
}

int report_data_collect(ReportData *d, const Session *s, time_t now) {
    *d = (ReportData){.session = s, .plan = s->plan, .state = s->state, .generated = now};
    int r = session_read(s, collect, d);
    if (r >= 0) {
        r = pair_runs(d);
    }
    if (r >= 0) {
        r = timeline_compute(s->plan, s->state, now, &d->timeline);
    }
    return r < 0 ? r : 0;
}

void report_data_done(ReportData *d) {
    for (size_t i = 0; i < d->n_events; i++) {
        event_done(&d->events[i]);
    }
    free(d->events);
    free(d->runs);
    d->timeline = timeline_free(d->timeline);
    *d = (ReportData){0};
}

size_t report_phases_complete(const ReportData *d) {
    size_t n = 0;
    for (size_t i = 0; i < d->plan->n_phases; i++) {
        n += d->state->phases[i].status == PHASE_COMPLETE;
    }
    return n;
}

bool report_rollback_touched(const ReportData *d, size_t phase) {
    const Phase *ph = &d->plan->phases[phase];
    for (size_t k = 0; k < ph->n_rollback; k++) {
        if (d->state->items[ph->rollback[k].index].by) {
            return true;
        }
    }
    return false;
}

bool report_window_running(const ReportData *d) {
    const Timeline *tl = d->timeline;
    return tl->now >= tl->t0 && d->state->done < d->state->total;
}

const char *report_fmt_time(time_t t, char *buf, size_t size) {
    if (!t) {
        return "—";
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

const char *report_fmt_slip(int64_t s, bool known, char *buf, size_t size) {
    char d[32];
    if (!known) {
        return "—";
    }
    snprintf(buf, size, "%s%s", s > 0 ? "+" : "", duration_format(s, d, sizeof(d)));
    return buf;
}
