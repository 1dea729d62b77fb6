#include "core/event_log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

EventLog *event_log_new(size_t cap) {
    EventLog *l = calloc(1, sizeof(*l));
    if (!l) {
        return NULL;
    }
    l->cap = cap ? cap : 1;
    l->v = calloc(l->cap, sizeof(*l->v));
    if (!l->v) {
        free(l);
        return NULL;
    }
    return l;
}

static void logged_clear(LoggedEvent *e) {
    free(e->type_name);
    free(e->by);
    free(e->host);
    free(e->target);
    free(e->text);
    *e = (LoggedEvent){0};
}

EventLog *event_log_free(EventLog *l) {
    if (!l) {
        return NULL;
    }
    for (size_t i = 0; i < l->cap; i++) {
        logged_clear(&l->v[i]);
    }
    free(l->v);
    free(l);
    return NULL;
}

static char *dup_or_null(const char *s) {
    return s ? strdup(s) : NULL;
}

int event_log_add(EventLog *l, const JournalEvent *ev) {
    LoggedEvent *e = &l->v[l->head];
    logged_clear(e);
    const char *target = ev->item ? ev->item : ev->phase ? ev->phase : ev->action;
    const char *text = ev->note ? ev->note : ev->reason ? ev->reason : ev->result;
    const char *type_name = ev->type_name ? ev->type_name : event_type_to_string(ev->type);
    *e = (LoggedEvent){.seq = ev->seq,
                       .at = ev->at,
                       .type = ev->type,
                       .exit_code = ev->exit_code,
                       .has_exit = ev->has_exit};
    e->type_name = dup_or_null(type_name);
    e->by = dup_or_null(ev->by);
    e->host = dup_or_null(ev->host);
    e->target = dup_or_null(target);
    e->text = dup_or_null(text);
    if ((type_name && !e->type_name) || (ev->by && !e->by) || (target && !e->target) ||
        (text && !e->text) || (ev->host && !e->host)) {
        logged_clear(e);
        return -ENOMEM;
    }
    l->head = (l->head + 1) % l->cap;
    if (l->n < l->cap) {
        l->n++;
    }
    l->total++;
    return 0;
}

const LoggedEvent *event_log_get(const EventLog *l, size_t i) {
    if (i >= l->n) {
        return NULL;
    }
    return &l->v[(l->head + l->cap - 1 - i) % l->cap];
}
