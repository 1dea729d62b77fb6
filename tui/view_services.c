/* View 3: the plan's systemd units, live over sd-bus — the current phase's
 * watched units first, one row each with a state badge, since, restarts,
 * memory and main PID (timers: next and last run). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/duration.h"
#include "core/timeutil.h"
#include "tui/commands.h"
#include "tui/format.h"
#include "tui/loop.h"
#include "tui/services.h"
#include "tui/services_internal.h"

#define HEADING ((size_t)-1)

Role services_state_role(const UnitStatus *st) {
    if (!st || !st->known) {
        return ROLE_UNKNOWN;
    }
    if (strcmp(st->load, "loaded") != 0 || !strcmp(st->active, "failed")) {
        return ROLE_FAIL; /* not-found, masked, error, bad-setting; a failed unit */
    }
    if (!strcmp(st->active, "active")) {
        return ROLE_OK;
    }
    if (!strcmp(st->active, "inactive")) {
        return ROLE_UNKNOWN;
    }
    return ROLE_WARN; /* activating, deactivating, reloading, maintenance … */
}

static const char *state_glyph(const App *a, Role r) {
    switch (r) {
    case ROLE_OK:
        return canvas_glyph(&a->canvas, "●", "+");
    case ROLE_FAIL:
        return canvas_glyph(&a->canvas, "✖", "x");
    case ROLE_WARN:
        return canvas_glyph(&a->canvas, "◐", "~");
    default:
        return canvas_glyph(&a->canvas, "○", "-");
    }
}

/* Seconds until duration_format(d) reads differently ("42s" → "43s", "5m" → "6m"). */
static long long next_change(long long d) {
    long long unit = d < 60 ? 1 : d < 86400 ? 60 : d < 604800 ? 3600 : 86400;
    return unit - d % unit;
}

/* The relative times on screen change again in `in` seconds: the view redraws then. */
static void note_change_in(ServicesView *sv, long long in) {
    if (!sv->clock_change_s || in < sv->clock_change_s) {
        sv->clock_change_s = in;
    }
}

/* "2h 05m" since a realtime µs timestamp; "—" for never. */
static const char *ago(const App *a, ServicesView *sv, uint64_t usec, char *buf, size_t size) {
    if (!usec || usec == SYSTEMD_USEC_NONE) {
        snprintf(buf, size, "—");
        return buf;
    }
    long long d = (long long)a->now - (long long)(usec / 1000000ULL);
    char t[32];
    note_change_in(sv, next_change(d < 0 ? 0 : d));
    /* duration_format(0) reads "0m", right for a plan's durations; here seconds count */
    snprintf(buf, size, "%s", d <= 0 ? "0s" : duration_format(d, t, sizeof(t)));
    return buf;
}

static bool watched(const App *a, const char *unit) {
    ssize_t cur = state_current_phase(a->state);
    if (cur < 0) {
        return false;
    }
    const StrList *w = &a->plan->phases[cur].watch;
    for (size_t i = 0; i < w->n; i++) {
        if (streq(w->v[i], unit)) {
            return true;
        }
    }
    return false;
}

static void timer_cols(App *a, ServicesView *sv, Line *l, const UnitStatus *st) {
    char when[32], in[32];
    if (st->next_elapse_usec && st->next_elapse_usec != SYSTEMD_USEC_NONE) {
        long long d = (long long)(st->next_elapse_usec / 1000000ULL) - (long long)a->now;
        /* counting down: "42s" changes each second, "5m" when the seconds wrap */
        note_change_in(sv, d < 60 ? 1 : d % 60 + 1);
        line_addf(l, ROLE_NORMAL, "next %s (in %s)",
                  fmt_when((time_t)(st->next_elapse_usec / 1000000ULL), when, sizeof(when)),
                  duration_format(d < 0 ? 0 : d, in, sizeof(in)));
    } else {
        line_add(l, ROLE_DIM, "next —");
    }
    if (st->last_trigger_usec && st->last_trigger_usec != SYSTEMD_USEC_NONE) {
        line_addf(l, ROLE_DIM, "   last %s (%s ago)",
                  fmt_when((time_t)(st->last_trigger_usec / 1000000ULL), when, sizeof(when)),
                  ago(a, sv, st->last_trigger_usec, in, sizeof(in)));
    } else {
        line_add(l, ROLE_DIM, "   never triggered");
    }
}

static void service_cols(App *a, ServicesView *sv, Line *l, const UnitStatus *st) {
    char since[32], mem[24], pid[16];
    snprintf(pid, sizeof(pid), "%u", st->main_pid);
    line_addf(l, ROLE_NORMAL, "%9s ", ago(a, sv, st->since_usec, since, sizeof(since)));
    line_addf(l, st->n_restarts ? ROLE_WARN : ROLE_DIM, "%8u ", st->n_restarts);
    line_addf(l, ROLE_NORMAL, "%8s ", unit_format_memory(st->memory, mem, sizeof(mem)));
    line_addf(l, ROLE_DIM, "%8s", st->main_pid ? pid : "—");
}

static void unit_row(App *a, ServicesView *sv, Line *l, size_t i) {
    const Service *svc = &a->plan->services[i];
    const UnitStatus *st = a->units ? systemd_units_find(a->units, svc->unit) : NULL;
    Role role = services_state_role(st);
    _cleanup_(freep) char *name = fmt_cut(svc->unit, 30);
    line_addf(l, role, " %s ", state_glyph(a, role));
    line_addf(l, ROLE_NORMAL, "%-30s ", name ? name : "");
    char state[64];
    if (st && st->known) {
        snprintf(state, sizeof(state), "%s/%s", st->active, st->sub);
        if (strcmp(st->load, "loaded") != 0) {
            snprintf(state, sizeof(state), "%s", st->load);
        }
    } else {
        snprintf(state, sizeof(state), "unknown");
    }
    _cleanup_(freep) char *state_cut = fmt_cut(state, 22);
    line_addf(l, role, "%-22s ", state_cut ? state_cut : "");
    if (services_run_unit(sv, svc->unit)) {
        line_addf(l, ROLE_WARN, "%s %s… ", canvas_glyph(&a->canvas, "⟳", "*"),
                  services_run_verb(sv));
    }
    if (st && st->known && st->is_timer) {
        timer_cols(a, sv, l, st);
    } else if (st && st->known) {
        service_cols(a, sv, l, st);
    }
    const char *title = svc->title ? svc->title : st ? st->description : NULL;
    if (title) {
        _cleanup_(freep) char *t = fmt_safe(title);
        line_addf(l, ROLE_DIM, "  %s", t ? t : "");
    }
    if (svc->critical) {
        line_add(l, ROLE_RISK_HIGH, "  [critical]");
    }
}

static int reserve(ServicesView *sv, size_t n) {
    if (view_rows_reserve(&sv->base, n) < 0) {
        return -1;
    }
    if (n > sv->cap) {
        size_t *ru = realloc(sv->row_unit, n * sizeof(*ru));
        if (ru) {
            sv->row_unit = ru;
        }
        bool *sel = realloc(sv->selectable, n * sizeof(*sel));
        if (sel) {
            sv->selectable = sel;
        }
        if (!ru || !sel) {
            return -1;
        }
        sv->cap = n;
    }
    return 0;
}

static void add_row(ServicesView *sv, App *a, size_t *k, size_t unit, const char *heading) {
    Line *l = &sv->base.rows[*k];
    line_clear(l);
    if (heading) {
        line_addf(l, ROLE_TITLE, " %s", heading);
    } else {
        unit_row(a, sv, l, unit);
    }
    sv->row_unit[*k] = heading ? HEADING : unit;
    sv->selectable[(*k)++] = !heading;
}

static void refresh(View *v, App *a) {
    ServicesView *sv = (ServicesView *)v;
    const Plan *p = a->plan;
    if (reserve(sv, p->n_services + 3) < 0) {
        return;
    }
    size_t k = 0, n_watched = 0;
    ssize_t cur = state_current_phase(a->state);
    for (size_t i = 0; i < p->n_services; i++) {
        if (watched(a, p->services[i].unit)) {
            if (!n_watched++) {
                char h[160];
                snprintf(h, sizeof(h), "Watched by %s", p->phases[cur].id);
                add_row(sv, a, &k, 0, h);
            }
            add_row(sv, a, &k, i, NULL);
        }
    }
    if (n_watched && n_watched < p->n_services) {
        add_row(sv, a, &k, 0, "Other units");
    }
    for (size_t i = 0; i < p->n_services; i++) {
        if (!watched(a, p->services[i].unit)) {
            add_row(sv, a, &k, i, NULL);
        }
    }
    list_set_rows(v->list, v->rows, sv->selectable, k);
}

static void header(App *a, ServicesView *sv, Line *h) {
    line_add(h, ROLE_TITLE, " Services");
    if (!a->units) {
        line_add(h, ROLE_DIM, " — the plan lists no units");
        return;
    }
    const char *bus = a->user_bus ? "user manager" : "system manager";
    switch (systemd_units_conn(a->units)) {
    case SYSTEMD_CONNECTING:
        line_addf(h, ROLE_WARN, " — connecting to the %s…", bus);
        break;
    case SYSTEMD_CONNECTED: {
        size_t n[4] = {0};
        for (size_t i = 0; i < systemd_units_count(a->units); i++) {
            Role r = services_state_role(systemd_units_get(a->units, i));
            n[r == ROLE_OK ? 0 : r == ROLE_WARN ? 1 : r == ROLE_FAIL ? 2 : 3]++;
        }
        line_addf(h, ROLE_TITLE, " — %s: ", bus);
        line_addf(h, ROLE_OK, "%zu active", n[0]);
        line_addf(h, n[1] ? ROLE_WARN : ROLE_TITLE, ", %zu changing", n[1]);
        line_addf(h, n[2] ? ROLE_FAIL : ROLE_TITLE, ", %zu failed or missing", n[2]);
        line_addf(h, ROLE_TITLE, ", %zu inactive", n[3]);
        break;
    }
    case SYSTEMD_UNAVAILABLE: {
        long long in = (systemd_units_retry_at(a->units) - time_mono_ms() + 999) / 1000;
        line_addf(h, ROLE_FAIL, " — systemd unavailable: %s. Retrying in %lld s.",
                  systemd_units_error(a->units) ? systemd_units_error(a->units) : "?",
                  in > 0 ? in : 0);
        break;
    }
    }
}

/* The relative times on screen moved: take the clock and redraw, while view 3 shows. */
static void on_clock(App *a, void *userdata) {
    ServicesView *sv = userdata;
    sv->clock_timer = 0;
    if (a->current != VIEW_SERVICES) {
        return;
    }
    time_t now = time_now();
    if (now / 60 != a->now / 60) {
        app_refresh_views(a); /* what the minute tick does */
    } else {
        a->now = now;
    }
    a->dirty = true;
}

static void clock_arm(App *a, ServicesView *sv) {
    if (sv->clock_timer > 0 || !sv->clock_change_s) {
        return;
    }
    int id = loop_add_timer(a, time_mono_ms() + sv->clock_change_s * 1000, on_clock, sv);
    sv->clock_timer = id > 0 ? id : 0;
}

static void draw(View *v, App *a, int y, int rows, int cols) {
    ServicesView *sv = (ServicesView *)v;
    sv->clock_change_s = 0; /* the rows say again when their times change */
    refresh(v, a);          /* "since" moves with the clock */
    services_sample(a, sv); /* memory is sampled while it shows */
    Line h;
    line_init(&h);
    header(a, sv, &h);
    line_draw(&a->canvas, &h, y, 0, cols, true, ROLE_TITLE);
    line_free(&h);
    Line c;
    line_init(&c);
    line_addf(&c, ROLE_DIM, "   %-30s %-22s %9s %8s %8s %8s  %s", "UNIT", "STATE", "SINCE",
              "RESTARTS", "MEMORY", "PID", "DESCRIPTION");
    line_draw(&a->canvas, &c, y + 1, 0, cols, true, ROLE_DIM);
    line_free(&c);
    int used = 2;
    if (services_run_line(sv)) {
        canvas_put(&a->canvas, y + rows - 1, 1, ROLE_WARN, services_run_line(sv), cols - 2);
        used++;
    }
    if (a->plan->n_services == 0) {
        canvas_put(&a->canvas, y + 3, 2, ROLE_DIM,
                   "The plan lists no services (services: in the plan).", cols - 4);
        return;
    }
    widget_resize(&v->list->base, 0, y + 2, cols, rows - used);
    widget_draw(&v->list->base);
    clock_arm(a, sv);
}

static unsigned handle_key(View *v, App *a, int key) {
    return widget_handle_key(&v->list->base, key);
}

static void click(View *v, App *a, int y, int x, bool double_click) {
    long row = list_row_at(v->list, y + 2);
    if (row >= 0) {
        list_select(v->list, (size_t)row);
        if (double_click) {
            dispatch_command(a, CMD_OPEN);
        }
    }
}

/* The service index of the selection, or HEADING. */
static size_t selected(ServicesView *sv) {
    List *l = sv->base.list;
    return l->n_rows ? sv->row_unit[l->selected] : HEADING;
}

static bool command(View *v, App *a, int cmd) {
    ServicesView *sv = (ServicesView *)v;
    size_t i = selected(sv);
    if (i == HEADING) {
        return false;
    }
    const Service *svc = &a->plan->services[i];
    switch (cmd) {
    case CMD_OPEN:
        view_logs_open_unit(a, svc->unit);
        return true;
    case CMD_UNIT_START:
        services_ask(a, sv, svc, ACTION_SYSTEMD_START);
        return true;
    case CMD_UNIT_STOP:
        services_ask(a, sv, svc, ACTION_SYSTEMD_STOP);
        return true;
    case CMD_UNIT_RESTART:
        services_ask(a, sv, svc, ACTION_SYSTEMD_RESTART);
        return true;
    case CMD_UNIT_RELOAD:
        services_ask(a, sv, svc, ACTION_SYSTEMD_RELOAD);
        return true;
    default:
        return false;
    }
}

static void free_view(View *v) {
    ServicesView *sv = (ServicesView *)v;
    services_link_stop(sv->app, sv);
    free(sv->row_unit);
    free(sv->selectable);
    view_list_done(v);
    free(sv);
}

static const ViewOps services_ops = {
    .title = "Services",
    .refresh = refresh,
    .draw = draw,
    .handle_key = handle_key,
    .command = command,
    .click = click,
    .wheel = view_list_wheel,
    .free = free_view,
};

ServicesView *services_view(const App *a) {
    View *v = a->views[VIEW_SERVICES];
    return v && v->ops == &services_ops ? (ServicesView *)v : NULL;
}

View *view_services_new(App *a) {
    ServicesView *sv = calloc(1, sizeof(*sv));
    if (!sv || !view_list_init(&sv->base, &services_ops, a)) {
        free(sv);
        return NULL;
    }
    sv->app = a;
    services_link_start(a, sv);
    return &sv->base;
}
