/* View 5: health.  The checks the current phase watches come first, then the
 * rest grouped by kind; each row shows a status badge, the value, the latency,
 * the age of the result and why it is not ok.
 *
 * Under the checks, the git, database and Redis panels (tui/health_panels.c).
 *
 * The view owns the check engine (a->checks): it hands the engine's worker fd
 * and its next deadline to the loop, so checks run at their intervals on
 * worker threads and the loop thread only submits and collects.  The panels do
 * the same with their own probes. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/check_engine.h"
#include "core/timeutil.h"
#include "tui/app.h"
#include "tui/commands.h"
#include "tui/format.h"
#include "tui/health_panels.h"
#include "tui/loop.h"

#define HEADING SIZE_MAX

typedef struct HealthView {
    View base;
    App *app;
    int timer;            /* loop timer id; 0 = none */
    bool fd_added;        /* the engine's fd is a loop source */
    size_t *row_check;    /* row → check index, HEADING for other rows; owned */
    size_t *row_target;   /* row → panel target, HEALTH_PANELS_NONE for other rows; owned */
    bool *selectable;     /* owned */
    HealthPanels *panels; /* git, database, Redis; owned, NULL when the plan has none */
    bool panels_oom;      /* ... or when they could not start */
    size_t cap;
    size_t last_fail; /* failing checks at the last result, for the header badge */
} HealthView;

static Role status_role(const CheckEntry *ce) {
    static const Role roles[_CHECK_STATUS_MAX] = {
        [CHECK_STATUS_UNKNOWN] = ROLE_UNKNOWN,
        [CHECK_STATUS_OK] = ROLE_OK,
        [CHECK_STATUS_WARN] = ROLE_WARN,
        [CHECK_STATUS_FAIL] = ROLE_FAIL,
    };
    return ce->has_result ? roles[ce->result.status] : ROLE_UNKNOWN;
}

static const char *badge(const CheckEntry *ce) {
    static const char *const names[_CHECK_STATUS_MAX] = {
        [CHECK_STATUS_UNKNOWN] = "[ ?? ]",
        [CHECK_STATUS_OK] = "[ ok ]",
        [CHECK_STATUS_WARN] = "[WARN]",
        [CHECK_STATUS_FAIL] = "[FAIL]",
    };
    if (!ce->has_result) {
        return ce->running ? "[ .. ]" : "[ ?? ]";
    }
    return names[ce->result.status];
}

static void check_row(App *a, const CheckEntry *ce, Line *l) {
    const CheckResult *r = &ce->result;
    const Check *c = ce->check;
    _cleanup_(freep) char *id = fmt_cut(c->id, 20);
    _cleanup_(freep) char *value = fmt_cut(r->value ? r->value : "-", 14);
    line_addf(l, status_role(ce), " %s ", badge(ce));
    line_addf(l, ROLE_NORMAL, "%s", id ? id : "");
    line_pad(l, ROLE_NORMAL, 30);
    line_addf(l, ROLE_DIM, "%s", check_kind_to_string(c->kind));
    line_pad(l, ROLE_NORMAL, 38);
    line_addf(l, status_role(ce), "%s", value ? value : "");
    line_pad(l, ROLE_NORMAL, 53);
    if (ce->has_result) {
        char ms[32], age[32];
        snprintf(ms, sizeof(ms), "%lld ms", r->latency_ms);
        long long secs = (long long)(a->now - r->checked_at);
        health_format_age(secs, age, sizeof(age));
        bool stale = secs * 1000 > 2 * c->interval_ms;
        line_addf(l, ROLE_DIM, "%8s  ", ms);
        line_addf(l, stale ? ROLE_STALE : ROLE_DIM, "%-11s", age);
    } else {
        line_addf(l, ROLE_DIM, "%8s  %-11s", "-", ce->running ? "running" : "not yet");
    }
    line_pad(l, ROLE_NORMAL, 76);
    if (ce->running && ce->has_result) {
        line_add(l, ROLE_DIM, "running… ");
    }
    if (r->error) {
        line_addf(l, status_role(ce), "%s", r->error);
    } else if (r->note) {
        line_addf(l, ROLE_DIM, "%s", r->note);
    }
    if (ce->retry_ms > 0 && !ce->running) {
        long long in = (ce->next_ms - time_mono_ms() + 999) / 1000;
        line_addf(l, ROLE_DIM, " — retrying in %lld s", in > 0 ? in : 0);
    }
}

static bool watched(const App *a, const Check *c) {
    ssize_t cur = state_current_phase(a->state);
    if (cur < 0) {
        return false;
    }
    const StrList *w = &a->plan->phases[cur].watch;
    for (size_t i = 0; i < w->n; i++) {
        if (streq(w->v[i], c->id)) {
            return true;
        }
    }
    return false;
}

static int reserve(HealthView *hv, size_t n) {
    if (view_rows_reserve(&hv->base, n) < 0) {
        return -1;
    }
    if (n > hv->cap) {
        size_t *rc = realloc(hv->row_check, n * sizeof(*rc));
        if (rc) {
            hv->row_check = rc;
        }
        size_t *rt = realloc(hv->row_target, n * sizeof(*rt));
        if (rt) {
            hv->row_target = rt;
        }
        bool *sel = realloc(hv->selectable, n * sizeof(*sel));
        if (sel) {
            hv->selectable = sel;
        }
        if (!rc || !rt || !sel) {
            return -1;
        }
        hv->cap = n;
    }
    return 0;
}

static void add_heading(HealthView *hv, size_t *k, const char *text) {
    Line *l = &hv->base.rows[*k];
    line_clear(l);
    line_addf(l, ROLE_TITLE, " %s", text);
    hv->row_check[*k] = HEADING;
    hv->row_target[*k] = HEALTH_PANELS_NONE;
    hv->selectable[(*k)++] = false;
}

static void add_check(HealthView *hv, App *a, size_t *k, size_t i) {
    Line *l = &hv->base.rows[*k];
    line_clear(l);
    check_row(a, check_engine_entry(a->checks, i), l);
    hv->row_check[*k] = i;
    hv->row_target[*k] = HEALTH_PANELS_NONE;
    hv->selectable[(*k)++] = true;
}

static void refresh(View *v, App *a) {
    HealthView *hv = (HealthView *)v;
    const Plan *p = a->plan;
    size_t n = 2 * p->n_checks + _CHECK_KIND_MAX + 2 + health_panels_max_rows(hv->panels);
    if ((!a->checks && !hv->panels) || reserve(hv, n) < 0) {
        return;
    }
    a->now = time_now();
    size_t k = 0;
    ssize_t cur = state_current_phase(a->state);
    bool any_watched = false;
    for (size_t i = 0; a->checks && i < p->n_checks; i++) {
        if (watched(a, &p->checks[i])) {
            if (!any_watched) {
                char h[160];
                snprintf(h, sizeof(h), "Watched by %s", p->phases[cur].id);
                add_heading(hv, &k, h);
                any_watched = true;
            }
            add_check(hv, a, &k, i);
        }
    }
    for (int kind = 0; a->checks && kind < _CHECK_KIND_MAX; kind++) {
        bool heading = false;
        for (size_t i = 0; i < p->n_checks; i++) {
            if ((int)p->checks[i].kind != kind || watched(a, &p->checks[i])) {
                continue;
            }
            if (!heading) {
                add_heading(hv, &k, check_kind_to_string((CheckKind)kind));
                heading = true;
            }
            add_check(hv, a, &k, i);
        }
    }
    if (hv->panels) {
        for (size_t i = k; i < n; i++) {
            hv->row_check[i] = HEADING;
        }
        health_panels_rows(hv->panels, a, v->rows, hv->row_target, hv->selectable, &k);
    }
    list_set_rows(v->list, v->rows, hv->selectable, k);
}

static void draw(View *v, App *a, int y, int rows, int cols) {
    HealthView *hv = (HealthView *)v;
    refresh(v, a); /* the ages move with the clock */
    health_panels_shown(hv->panels, a);
    Line h;
    line_init(&h);
    line_add(&h, ROLE_TITLE, " Health");
    if (a->checks) {
        const CheckEngine *e = a->checks;
        size_t ok = check_engine_count_status(e, CHECK_STATUS_OK);
        size_t warn = check_engine_count_status(e, CHECK_STATUS_WARN);
        size_t fail = check_engine_count_status(e, CHECK_STATUS_FAIL);
        line_addf(&h, ROLE_TITLE, " — %zu checks: ", check_engine_count(e));
        line_addf(&h, ROLE_OK, "%zu ok", ok);
        line_add(&h, ROLE_TITLE, ", ");
        line_addf(&h, warn ? ROLE_WARN : ROLE_TITLE, "%zu warn", warn);
        line_add(&h, ROLE_TITLE, ", ");
        line_addf(&h, fail ? ROLE_FAIL : ROLE_TITLE, "%zu fail", fail);
        line_addf(&h, ROLE_TITLE, ", %zu unknown", check_engine_count(e) - ok - warn - fail);
    } else {
        line_add(&h, a->plan->n_checks ? ROLE_FAIL : ROLE_TITLE,
                 a->plan->n_checks ? " — the checks cannot run: out of memory" : " — no checks");
    }
    if (hv->panels) {
        size_t down = health_panels_failing(hv->panels);
        line_add(&h, ROLE_TITLE, "; panels: ");
        if (down) {
            line_addf(&h, ROLE_FAIL, "%zu of %zu down", down, health_panels_count(hv->panels));
        } else {
            line_addf(&h, ROLE_OK, "%zu ok", health_panels_count(hv->panels));
        }
    } else if (hv->panels_oom) {
        line_add(&h, ROLE_FAIL, "; panels: cannot probe git, databases, Redis: out of memory");
    }
    if (a->checks || hv->panels) {
        line_add(&h, ROLE_DIM,
                 hv->panels ? "   Enter: run the selected check or probe now"
                            : "   Enter: run the selected check now");
    }
    line_draw(&a->canvas, &h, y, 0, cols, true, ROLE_TITLE);
    line_free(&h);
    if ((!a->checks || check_engine_count(a->checks) == 0) && !hv->panels) {
        canvas_put(&a->canvas, y + 2, 2, ROLE_DIM,
                   a->checks || !a->plan->n_checks
                       ? "The plan has no checks, no repo, no databases and no Redis targets."
                       : "The checks cannot run: out of memory.",
                   cols - 4);
        return;
    }
    widget_resize(&v->list->base, 0, y + 1, cols, rows - 1);
    widget_draw(&v->list->base);
}

static unsigned handle_key(View *v, App *a, int key) {
    return widget_handle_key(&v->list->base, key);
}

static void schedule(App *a, HealthView *hv);

static bool command(View *v, App *a, int cmd) {
    HealthView *hv = (HealthView *)v;
    if (cmd != CMD_OPEN || (!a->checks && !hv->panels) || v->list->n_rows == 0) {
        return false;
    }
    size_t sel = v->list->selected, i = hv->row_check[sel];
    if (hv->row_target[sel] != HEALTH_PANELS_NONE) {
        health_panels_probe_now(hv->panels, a, hv->row_target[sel]);
        return true;
    }
    if (i == HEADING || !a->checks) {
        return true;
    }
    const char *id = a->plan->checks[i].id;
    int r = check_engine_run_now(a->checks, i, time_mono_ms());
    if (r == -EBUSY) {
        app_message(a, ROLE_DIM, "Check '%s' is running already.", id);
    } else if (r < 0) {
        app_message(a, ROLE_FAIL, "Cannot run check '%s': out of memory.", id);
    } else {
        app_message(a, ROLE_DIM, "Running check '%s'…", id);
    }
    schedule(a, hv);
    return true;
}

/* A result changed: redraw when it shows (this view, the wallboard, the header
 * badge when the number of failing checks moved). */
static void changed(App *a, HealthView *hv) {
    size_t fail = check_engine_count_status(a->checks, CHECK_STATUS_FAIL);
    if (a->current == VIEW_HEALTH || a->mode == APP_WALLBOARD || fail != hv->last_fail) {
        a->dirty = true;
    }
    hv->last_fail = fail;
}

static void on_timer(App *a, void *userdata) {
    HealthView *hv = userdata;
    hv->timer = 0;
    schedule(a, hv);
}

/* Submit what is due and arm one timer for the next deadline. */
static void schedule(App *a, HealthView *hv) {
    bool moved = false;
    long long next = check_engine_run_due(a->checks, time_mono_ms(), &moved);
    if (moved) {
        changed(a, hv);
    }
    if (hv->timer > 0) {
        loop_cancel_timer(a, hv->timer);
        hv->timer = 0;
    }
    if (next != LLONG_MAX) {
        int id = loop_add_timer(a, next, on_timer, hv);
        hv->timer = id > 0 ? id : 0;
    }
}

static void on_results(App *a, int fd, short revents, void *userdata) {
    HealthView *hv = userdata;
    if (check_engine_collect(a->checks, time_mono_ms()) > 0) {
        changed(a, hv);
    }
    schedule(a, hv);
}

static void free_view(View *v) {
    HealthView *hv = (HealthView *)v;
    App *a = hv->app;
    if (a->checks) {
        if (hv->fd_added) {
            loop_remove_fd(a, check_engine_fd(a->checks));
        }
        if (hv->timer > 0) {
            loop_cancel_timer(a, hv->timer);
        }
        a->checks = check_engine_free(a->checks);
    }
    hv->panels = health_panels_free(hv->panels, a);
    free(hv->row_check);
    free(hv->row_target);
    free(hv->selectable);
    view_list_done(v);
    free(hv);
}

static const ViewOps health_ops = {
    .title = "Health",
    .refresh = refresh,
    .draw = draw,
    .handle_key = handle_key,
    .command = command,
    .click = view_list_click,
    .wheel = view_list_wheel,
    .free = free_view,
};

View *view_health_new(App *a) {
    HealthView *hv = calloc(1, sizeof(*hv));
    if (!hv || !view_list_init(&hv->base, &health_ops, a)) {
        free(hv);
        return NULL;
    }
    hv->app = a;
    unsigned flags = a->user_bus ? CHECK_SPEC_USER_BUS : 0; /* unit checks: --user */
    if (a->plan->n_checks && check_engine_new(a->plan, 0, flags, &a->checks) == 0) {
        hv->fd_added = loop_add_fd(a, check_engine_fd(a->checks), POLLIN, on_results, hv) == 0;
        schedule(a, hv); /* every check is due now */
    }
    if (a->mode != APP_WALLBOARD) { /* the wallboard shows no panels: probe nothing */
        hv->panels = health_panels_new(a, &hv->panels_oom);
    }
    return &hv->base;
}
