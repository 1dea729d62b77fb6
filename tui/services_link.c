/* The services view's bus in the panel's one loop, unit actions (journaled
 * action-start / action-end), the header badge and the wallboard grid. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "tui/format.h"
#include "tui/journal_writer.h"
#include "tui/loop.h"
#include "tui/services_internal.h"

#define END_RETRY_MS 100
/* How often view 3 samples the memory of running units.  systemd sends no
 * PropertiesChanged for MemoryCurrent, so it is the one column that is read
 * rather than signalled; states stay event-driven. */
#define SAMPLE_EVERY_MS 5000

/* ---- the bus in the loop ---- */

static void rearm(App *a, ServicesView *sv);
static void end_set(ServicesView *sv, const UnitRun *ur, const char *result, int exit_code,
                    const char *error, const char *job);

static void process(App *a, ServicesView *sv) {
    if (systemd_units_process(a->units, time_mono_ms()) > 0) {
        View *v = &sv->base;
        v->ops->refresh(v, a);
        a->dirty = true; /* the header badge shows in every view */
    }
    rearm(a, sv);
}

static void on_fd(App *a, int fd, short revents, void *userdata) {
    process(a, userdata);
}

static void on_timer(App *a, void *userdata) {
    ServicesView *sv = userdata;
    sv->timer = 0;
    sv->deadline = -2;
    process(a, sv);
}

/* Poll what the bus wants now: its fd for its events, a timer for its timeout
 * (or the reconnect). */
static void rearm(App *a, ServicesView *sv) {
    int fd = systemd_units_fd(a->units);
    short ev = systemd_units_events(a->units);
    if (fd != sv->fd || ev != sv->events) {
        if (sv->fd >= 0) {
            loop_remove_fd(a, sv->fd);
            sv->fd = -1;
        }
        if (fd >= 0 && loop_add_fd(a, fd, ev, on_fd, sv) == 0) {
            sv->fd = fd;
            sv->events = ev;
        }
    }
    long long deadline = systemd_units_deadline_ms(a->units);
    if (deadline != sv->deadline) {
        if (sv->timer > 0) {
            loop_cancel_timer(a, sv->timer);
            sv->timer = 0;
        }
        if (deadline >= 0) {
            int id = loop_add_timer(a, deadline, on_timer, sv);
            sv->timer = id > 0 ? id : 0;
        }
        sv->deadline = deadline;
    }
}

void services_bus_kick(App *a) {
    ServicesView *sv = services_view(a);
    if (sv && a->units) {
        rearm(a, sv);
    }
}

/* ---- memory, sampled while shown ---- */

static bool memory_shown(const App *a) {
    return a->mode != APP_WALLBOARD && a->current == VIEW_SERVICES; /* the wallboard has none */
}

static void on_sample(App *a, void *userdata) {
    ServicesView *sv = userdata;
    sv->sample_timer = 0;
    services_sample(a, sv);
}

void services_sample(App *a, ServicesView *sv) {
    if (!a->units || sv->sample_timer > 0 || !memory_shown(a)) {
        return;
    }
    long long now = time_mono_ms();
    if (!sv->sampled_ms || now - sv->sampled_ms >= SAMPLE_EVERY_MS) {
        sv->sampled_ms = now;
        if (systemd_units_sample_memory(a->units) > 0) {
            rearm(a, sv);
        }
    }
    int id = loop_add_timer(a, sv->sampled_ms + SAMPLE_EVERY_MS, on_sample, sv);
    sv->sample_timer = id > 0 ? id : 0;
}

void services_link_start(App *a, ServicesView *sv) {
    sv->fd = -1;
    sv->deadline = -2;
    const Plan *p = a->plan;
    if (p->n_services == 0) {
        return;
    }
    const char **names = calloc(p->n_services, sizeof(*names));
    if (!names) {
        return;
    }
    for (size_t i = 0; i < p->n_services; i++) {
        names[i] = p->services[i].unit;
    }
    a->units = systemd_units_new(names, p->n_services, a->user_bus, SYSTEMD_UNITS_FOLLOW);
    free(names);
    if (a->units) {
        (void)systemd_units_connect(a->units, time_mono_ms()); /* unavailable: retried */
        rearm(a, sv);
    }
}

static void run_free(UnitRun *r) {
    if (!r) {
        return;
    }
    systemd_action_cancel(r->run);
    free(r->unit);
    free(r->id);
    free(r->line);
    free(r);
}

static void end_clear(ServicesView *sv) {
    free(sv->end_result);
    free(sv->end_error);
    cJSON_Delete(sv->end_extra);
    sv->end_result = sv->end_error = NULL;
    sv->end_extra = NULL;
    sv->end_pending = false;
    free((char *)sv->end.action);
    sv->end.action = NULL;
}

/* At exit, once the loop is over and the journal writer has stopped (tui/run.c
 * stops it before the views are freed): a unit action still waiting for its
 * JobRemoved is journaled "detached" — systemd keeps running the job, quitting
 * does not cancel it, and nobody here will see its result — and an end still
 * waiting for the writer is written too.  Synchronously: it is durable
 * (fdatasync) before the process exits, and nothing else writes any more. */
static void journal_owed(App *a, ServicesView *sv) {
    UnitRun *ur = sv->run;
    bool detached = ur && ur->run && !sv->end_pending;
    if (detached) {
        const char *job = systemd_action_job(ur->run);
        char why[512];
        snprintf(why, sizeof(why),
                 "the panel quit before systemd finished the job%s%s; it keeps running in "
                 "systemd (systemctl status %s)",
                 job ? " " : "", job ? job : "", ur->unit);
        end_set(sv, ur, "detached", 1, why, job);
    }
    if (!sv->end_pending) {
        return;
    }
    if (a->writer && journal_writer_busy(a)) {
        /* not at exit: a write is in flight on the same handle */
        fprintf(stderr,
                "opsdeck: the end of '%s' (%s) could NOT be journaled: a write was in "
                "flight\n",
                sv->end.action, sv->end_result);
        return;
    }
    JournalEvent ev = sv->end;
    ev.by = a->actor;
    ev.result = sv->end_result;
    ev.extra = sv->end_extra;
    int r = journal_append(a->journal, &ev, 1, NULL, NULL);
    if (r < 0) {
        fprintf(stderr, "opsdeck: the end of '%s' (%s) could NOT be journaled: %s\n",
                sv->end.action, sv->end_result, strerror(-r));
    } else if (detached) {
        fprintf(stderr,
                "opsdeck: '%s' was still running: its job keeps running in systemd "
                "(systemctl status %s); journaled as detached (seq %llu)\n",
                sv->end.action, ur->unit, (unsigned long long)ev.seq);
    }
}

void services_link_stop(App *a, ServicesView *sv) {
    journal_owed(a, sv);
    run_free(sv->run);
    sv->run = NULL;
    if (sv->fd >= 0) {
        loop_remove_fd(a, sv->fd);
    }
    if (sv->timer > 0) {
        loop_cancel_timer(a, sv->timer);
    }
    if (sv->end_timer > 0) {
        loop_cancel_timer(a, sv->end_timer);
    }
    if (sv->sample_timer > 0) {
        loop_cancel_timer(a, sv->sample_timer);
    }
    if (sv->clock_timer > 0) {
        loop_cancel_timer(a, sv->clock_timer);
    }
    end_clear(sv);
    a->units = systemd_units_free(a->units);
}

/* ---- unit actions ---- */

bool services_run_unit(const ServicesView *sv, const char *unit) {
    return sv->run && sv->run->run && strcmp(sv->run->unit, unit) == 0;
}

const char *services_run_verb(const ServicesView *sv) {
    return sv->run ? systemd_action_verb(sv->run->action.kind) : "";
}

const char *services_run_line(const ServicesView *sv) {
    return sv->run && sv->run->run ? sv->run->line : NULL;
}

bool services_action_running(const App *a, char *buf, size_t size) {
    const ServicesView *sv = services_view(a);
    if (!sv || !sv->run || !sv->run->run) {
        return false;
    }
    if (buf && size) {
        snprintf(buf, size, "%s %s", systemd_action_verb(sv->run->action.kind), sv->run->unit);
    }
    return true;
}

void services_ask(App *a, ServicesView *sv, const Service *svc, ActionKind kind) {
    if (app_is_readonly(a)) {
        app_message(a, ROLE_READONLY, "Read-only: units cannot be %sed from here.",
                    systemd_action_verb(kind));
        return;
    }
    if (!a->units || !systemd_units_bus(a->units)) {
        app_message(a, ROLE_FAIL, "Cannot %s '%s': systemd is unavailable (%s).",
                    systemd_action_verb(kind), svc->unit,
                    a->units && systemd_units_error(a->units) ? systemd_units_error(a->units)
                                                              : "not connected yet");
        return;
    }
    if (sv->run && sv->run->run) {
        app_message(a, ROLE_WARN, "Wait: '%s %s' is still running.",
                    systemd_action_verb(sv->run->action.kind), sv->run->unit);
        return;
    }
    sv->ask_service = svc;
    sv->ask_kind = kind;
    char title[64], msg[512];
    snprintf(title, sizeof(title), "%c%s unit", systemd_action_verb(kind)[0] - 'a' + 'A',
             systemd_action_verb(kind) + 1);
    bool typed = svc->critical && (kind == ACTION_SYSTEMD_STOP || kind == ACTION_SYSTEMD_RESTART);
    snprintf(msg, sizeof(msg), "%s %s?%s\nThe action is journaled with your name.",
             systemd_action_verb(kind), svc->unit,
             typed ? "\nIt is marked critical: type its name to go ahead." : "");
    app_modal(a, OP_UNIT_ACTION, typed ? MODAL_TYPE_TO_CONFIRM : MODAL_CONFIRM, title, msg,
              typed ? svc->unit : NULL);
}

static void try_end(App *a, void *userdata);

static void journal_end(App *a, ServicesView *sv) {
    if (!sv->end_pending) {
        return;
    }
    if (journal_writer_busy(a)) {
        int id = loop_add_timer(a, time_mono_ms() + END_RETRY_MS, try_end, sv);
        sv->end_timer = id > 0 ? id : 0;
        return;
    }
    char msg[256];
    snprintf(msg, sizeof(msg), "%s: %s", sv->end.action, sv->end_result);
    JournalEvent ev = sv->end;
    ev.result = sv->end_result;
    ev.extra = sv->end_extra;
    if (journal_writer_append(a, &ev, 1, strcmp(sv->end_result, "done") == 0 ? ROLE_OK : ROLE_FAIL,
                              msg)) {
        end_clear(sv);
    }
}

static void try_end(App *a, void *userdata) {
    ServicesView *sv = userdata;
    sv->end_timer = 0;
    journal_end(a, sv);
}

/* The action-end of ur, kept until the journal writer takes it. */
static void end_set(ServicesView *sv, const UnitRun *ur, const char *result, int exit_code,
                    const char *error, const char *job) {
    end_clear(sv);
    sv->end = (JournalEvent){.type = EVENT_ACTION_END,
                             .action = strdup(ur->id),
                             .exit_code = exit_code,
                             .has_exit = true};
    sv->end_result = strdup(result);
    sv->end_extra = cJSON_CreateObject();
    if (sv->end_extra) {
        cJSON_AddStringToObject(sv->end_extra, "kind", action_kind_to_string(ur->action.kind));
        cJSON_AddNumberToObject(sv->end_extra, "duration_ms",
                                (double)(time_mono_ms() - ur->started_ms));
        if (error) {
            cJSON_AddStringToObject(sv->end_extra, "error", error);
        }
        if (job) {
            cJSON_AddStringToObject(sv->end_extra, "job", job);
        }
    }
    sv->end_pending = sv->end.action && sv->end_result;
}

static void on_action(SystemdActionRun *run, bool done, const char *line, const char *result, int r,
                      void *userdata) {
    ServicesView *sv = userdata;
    App *a = sv->app;
    UnitRun *ur = sv->run;
    if (!done) {
        free(ur->line);
        ur->line = strdup(line);
        a->dirty = true;
        return;
    }
    ur->run = NULL; /* it frees itself after this call */
    end_set(sv, ur, result ? result : "failed", r < 0 ? 1 : 0, r < 0 ? ur->line : NULL, NULL);
    if (r < 0) {
        app_message(a, ROLE_FAIL, "%s %s: %s. Enter opens its journal.",
                    systemd_action_verb(ur->action.kind), ur->unit, ur->line ? ur->line : result);
    }
    journal_end(a, sv);
    systemd_units_refresh(a->units);
    services_bus_kick(a);
    a->dirty = true;
}

static void run_unit(App *a, ServicesView *sv, const Service *svc, ActionKind kind) {
    UnitRun *ur = calloc(1, sizeof(*ur));
    if (!ur || !(ur->unit = strdup(svc->unit)) ||
        asprintf(&ur->id, "%s:%s", action_kind_to_string(kind), svc->unit) < 0) {
        if (ur) {
            ur->id = NULL;
        }
        run_free(ur);
        app_message(a, ROLE_FAIL, "Cannot %s '%s': out of memory.", systemd_action_verb(kind),
                    svc->unit);
        return;
    }
    ur->unit_v[0] = ur->unit;
    ur->action = (Action){.id = ur->id, .kind = kind, .units = {.v = ur->unit_v, .n = 1}};
    ur->started_ms = time_mono_ms();
    /* the start is journaled first: nothing runs unrecorded */
    cJSON *extra = cJSON_CreateObject();
    cJSON *targets = extra ? cJSON_AddArrayToObject(extra, "targets") : NULL;
    if (targets) {
        cJSON_AddStringToObject(extra, "kind", action_kind_to_string(kind));
        cJSON_AddItemToArray(targets, cJSON_CreateString(svc->unit));
    }
    JournalEvent ev = {.type = EVENT_ACTION_START, .action = ur->id, .extra = extra};
    char msg[256];
    snprintf(msg, sizeof(msg), "%s %s: journaled; the job is running", systemd_action_verb(kind),
             svc->unit);
    bool ok = targets && !sv->end_pending && journal_writer_append(a, &ev, 1, ROLE_DIM, msg);
    cJSON_Delete(extra);
    if (!ok) {
        run_free(ur);
        return; /* the writer said why */
    }
    /* polkit may ask on a terminal of the operator's, never on the wallboard */
    bool interactive = a->mode == APP_NORMAL && isatty(STDIN_FILENO);
    int r = systemd_action_start_async(systemd_units_bus(a->units), &ur->action, interactive,
                                       on_action, sv, &ur->run);
    run_free(sv->run);
    sv->run = ur;
    if (r < 0) {
        ur->run = NULL;
        free(ur->line);
        ur->line = strdup(strerror(-r));
        on_action(NULL, true, NULL, "error", r, sv);
        return;
    }
    free(ur->line);
    ur->line = NULL;
    if (asprintf(&ur->line, "%s %s: calling systemd…", systemd_action_verb(kind), svc->unit) < 0) {
        ur->line = NULL;
    }
    services_bus_kick(a);
}

void services_modal_done(App *a, bool accepted, const char *input) {
    ServicesView *sv = services_view(a);
    if (!sv || !sv->ask_service) {
        return;
    }
    const Service *svc = sv->ask_service;
    sv->ask_service = NULL;
    if (!accepted) {
        app_message(a, ROLE_DIM, "Nothing done to %s.", svc->unit);
        return;
    }
    if (!a->units || !systemd_units_bus(a->units)) {
        app_message(a, ROLE_FAIL, "Cannot %s '%s': systemd is unavailable now.",
                    systemd_action_verb(sv->ask_kind), svc->unit);
        return;
    }
    run_unit(a, sv, svc, sv->ask_kind);
}

/* ---- the header badge and the wallboard ---- */

bool services_badge(const App *a, char *buf, size_t size, Role *ret_role) {
    if (!a->units || systemd_units_count(a->units) == 0) {
        return false;
    }
    switch (systemd_units_conn(a->units)) {
    case SYSTEMD_CONNECTING:
        snprintf(buf, size, "systemd…");
        *ret_role = ROLE_WARN;
        return true;
    case SYSTEMD_UNAVAILABLE:
        snprintf(buf, size, "systemd unavailable");
        *ret_role = ROLE_FAIL;
        return true;
    default:
        break;
    }
    size_t failed = 0;
    for (size_t i = 0; i < systemd_units_count(a->units); i++) {
        failed += services_state_role(systemd_units_get(a->units, i)) == ROLE_FAIL;
    }
    if (failed) {
        snprintf(buf, size, "systemd: %zu down", failed);
        *ret_role = ROLE_FAIL;
    } else {
        snprintf(buf, size, "systemd");
        *ret_role = ROLE_OK;
    }
    return true;
}

void services_wallboard_line(App *a, int y, int cols) {
    if (!a->units) {
        return;
    }
    Line l;
    line_init(&l);
    line_add(&l, ROLE_DIM, " Services ");
    if (systemd_units_conn(a->units) == SYSTEMD_UNAVAILABLE) {
        line_addf(&l, ROLE_FAIL, "systemd unavailable: %s",
                  systemd_units_error(a->units) ? systemd_units_error(a->units) : "?");
    }
    for (size_t i = 0;
         systemd_units_conn(a->units) != SYSTEMD_UNAVAILABLE && i < systemd_units_count(a->units);
         i++) {
        const UnitStatus *st = systemd_units_get(a->units, i);
        Role r = services_state_role(st);
        char name[48];
        snprintf(name, sizeof(name), "%s", st->unit);
        char *dot = strrchr(name, '.');
        if (dot && !strcmp(dot, ".service")) {
            *dot = '\0'; /* the grid is short of room: services go without the suffix */
        }
        _cleanup_(freep) char *n = fmt_cut(name, 24);
        line_addf(&l, r, " %s %s ",
                  r == ROLE_OK     ? canvas_glyph(&a->canvas, "●", "+")
                  : r == ROLE_FAIL ? canvas_glyph(&a->canvas, "✖", "x")
                  : r == ROLE_WARN ? canvas_glyph(&a->canvas, "◐", "~")
                                   : canvas_glyph(&a->canvas, "○", "-"),
                  n ? n : "");
    }
    line_draw(&a->canvas, &l, y, 0, cols, true, ROLE_NORMAL);
    line_free(&l);
}
