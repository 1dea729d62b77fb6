#pragma once
/* Shared by view_services.c and services_link.c. */
#include "core/systemd_action.h"
#include "tui/services.h"

typedef struct UnitRun {
    Action action; /* the action being run: one unit */
    const char *unit_v[1];
    char *unit;            /* owned */
    char *id;              /* journaled action id: "systemd.restart:unit"; owned */
    SystemdActionRun *run; /* NULL once ended */
    long long started_ms;
    char *line; /* the last progress line; owned */
} UnitRun;

typedef struct ServicesView {
    View base;
    App *app;
    size_t *row_unit; /* per row: index into plan->services, or HEADING */
    bool *selectable;
    size_t cap;
    /* the bus in the loop */
    int fd;
    short events;
    int timer;
    long long deadline;
    /* memory is sampled while view 3 shows it (systemd does not signal it) */
    int sample_timer;
    long long sampled_ms; /* when the last sample was sent; 0 = never */
    /* "since" and "in" columns: redrawn when their text would change, while shown */
    int clock_timer;
    long long clock_change_s; /* seconds until the first of them changes; 0 = none */
    /* the unit action asked for, and the one running */
    const Service *ask_service;
    ActionKind ask_kind;
    UnitRun *run;
    /* an action-end that could not be handed to the journal writer yet */
    JournalEvent end;
    char *end_result, *end_error;
    cJSON *end_extra;
    bool end_pending;
    int end_timer;
} ServicesView;

ServicesView *services_view(const App *a);
void services_link_start(App *a, ServicesView *sv);
void services_link_stop(App *a, ServicesView *sv);
/* Ask before acting on svc (y/N, or type its name when critical). */
void services_ask(App *a, ServicesView *sv, const Service *svc, ActionKind kind);
/* The unit an action is running on is unit. */
bool services_run_unit(const ServicesView *sv, const char *unit);
const char *services_run_verb(const ServicesView *sv);
/* The running action's last progress line, or NULL. */
const char *services_run_line(const ServicesView *sv);
/* View 3 is drawn: sample the units' memory now when the last sample is a
 * period old, and keep sampling every period while view 3 stays current.  The
 * timer is not re-armed once another view (or the wallboard) shows: an idle
 * panel elsewhere costs nothing. */
void services_sample(App *a, ServicesView *sv);
