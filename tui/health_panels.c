/* The git, database and Redis panels of view 5: the refresher on the loop, and
 * the rows (tui/health_panel_rows.c draws each target). */
#include "tui/health_panels.h"

#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/health_refresh.h"
#include "core/timeutil.h"
#include "tui/health_panels_internal.h"
#include "tui/loop.h"

struct HealthPanels {
    HealthRefresh *refresh; /* owned */
    int timer;              /* loop timer id; 0 = none */
    bool fd_added;          /* the refresher's fd is a loop source */
};

void health_format_age(long long s, char *buf, size_t size) {
    if (s < 0) {
        s = 0;
    }
    if (s < 120) {
        snprintf(buf, size, "%lld s ago", s);
    } else if (s < 7200) {
        snprintf(buf, size, "%lld min ago", s / 60);
    } else {
        snprintf(buf, size, "%lld h ago", s / 3600);
    }
}

static void changed(App *a) {
    if (a->current == VIEW_HEALTH) {
        a->dirty = true;
    }
}

static void schedule(App *a, HealthPanels *hp);

static void on_timer(App *a, void *userdata) {
    HealthPanels *hp = userdata;
    hp->timer = 0;
    schedule(a, hp);
}

/* Submit what is due and arm one timer for the next deadline, while view 5 shows;
 * on another view the timer lapses and health_panels_shown() starts it again. */
static void schedule(App *a, HealthPanels *hp) {
    if (a->current != VIEW_HEALTH) {
        if (hp->timer > 0) {
            loop_cancel_timer(a, hp->timer);
            hp->timer = 0;
        }
        return;
    }
    bool moved = false;
    long long next = health_refresh_run_due(hp->refresh, time_mono_ms(), &moved);
    if (moved) {
        changed(a);
    }
    if (hp->timer > 0) {
        loop_cancel_timer(a, hp->timer);
        hp->timer = 0;
    }
    if (next != LLONG_MAX) {
        int id = loop_add_timer(a, next, on_timer, hp);
        hp->timer = id > 0 ? id : 0;
    }
}

static void on_results(App *a, int fd, short revents, void *userdata) {
    HealthPanels *hp = userdata;
    if (health_refresh_collect(hp->refresh, time_mono_ms()) > 0) {
        changed(a);
    }
    schedule(a, hp);
}

HealthPanels *health_panels_new(App *a, bool *ret_oom) {
    *ret_oom = false;
    if (!health_refresh_wanted(a->plan)) {
        return NULL;
    }
    HealthPanels *hp = calloc(1, sizeof(*hp));
    if (!hp || health_refresh_new(a->plan, NULL, &hp->refresh) < 0) {
        free(hp);
        *ret_oom = true;
        return NULL;
    }
    hp->fd_added = loop_add_fd(a, health_refresh_fd(hp->refresh), POLLIN, on_results, hp) == 0;
    return hp;
}

void health_panels_shown(HealthPanels *hp, App *a) {
    if (hp && hp->timer <= 0) {
        schedule(a, hp); /* what went stale while another view showed is due now */
    }
}

HealthPanels *health_panels_free(HealthPanels *hp, App *a) {
    if (!hp) {
        return NULL;
    }
    if (hp->fd_added) {
        loop_remove_fd(a, health_refresh_fd(hp->refresh));
    }
    if (hp->timer > 0) {
        loop_cancel_timer(a, hp->timer);
    }
    health_refresh_free(hp->refresh);
    free(hp);
    return NULL;
}

size_t health_panels_count(const HealthPanels *hp) {
    return hp ? health_refresh_count(hp->refresh) : 0;
}

size_t health_panels_failing(const HealthPanels *hp) {
    size_t n = 0;
    for (size_t i = 0; i < health_panels_count(hp); i++) {
        n += health_refresh_entry(hp->refresh, i)->error != NULL;
    }
    return n;
}

size_t health_panels_max_rows(const HealthPanels *hp) {
    size_t n = 2 * _HEALTH_KIND_MAX; /* a heading and a blank line before each panel */
    for (size_t i = 0; i < health_panels_count(hp); i++) {
        n += health_panel_rows_max(health_refresh_entry(hp->refresh, i)->kind);
    }
    return n;
}

static const char *const headings[_HEALTH_KIND_MAX] = {
    [HEALTH_GIT] = "git",
    [HEALTH_DB] = "database",
    [HEALTH_REDIS] = "redis",
};

void health_panels_rows(HealthPanels *hp, App *a, Line *rows, size_t *ret_target,
                        bool *ret_selectable, size_t *k) {
    HealthPanelRows out = {
        .rows = rows, .target = ret_target, .selectable = ret_selectable, .k = k};
    long long now_ms = time_mono_ms();
    for (int kind = 0; kind < _HEALTH_KIND_MAX; kind++) {
        bool heading = false;
        for (size_t i = 0; i < health_panels_count(hp); i++) {
            const HealthEntry *e = health_refresh_entry(hp->refresh, i);
            if ((int)e->kind != kind) {
                continue;
            }
            if (!heading) {
                (void)health_panel_row(&out, HEALTH_PANELS_NONE); /* a blank line */
                line_addf(health_panel_row(&out, HEALTH_PANELS_NONE), ROLE_TITLE, " %s",
                          headings[kind]);
                heading = true;
            }
            health_panel_target(&out, a, e, i, now_ms);
        }
    }
}

void health_panels_probe_now(HealthPanels *hp, App *a, size_t target) {
    const HealthEntry *e = health_refresh_entry(hp->refresh, target);
    if (!e) {
        return;
    }
    int r = health_refresh_run_now(hp->refresh, target, time_mono_ms());
    const char *what = headings[e->kind];
    if (r == -EBUSY) {
        app_message(a, ROLE_DIM, "The %s probe of '%s' is running already.", what, e->id);
    } else if (r < 0) {
        app_message(a, ROLE_FAIL, "Cannot probe %s '%s': out of memory. Try again.", what, e->id);
    } else {
        app_message(a, ROLE_DIM, "Probing %s '%s'…", what, e->id);
        changed(a);
    }
    schedule(a, hp);
}
