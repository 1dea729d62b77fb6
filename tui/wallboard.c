/* The wallboard: a read-only overview for the war-room TV, in pages that
 * rotate: the weekend at a glance, every phase, the latest activity. */
#include <stdio.h>
#include <string.h>

#include "core/check_engine.h"
#include "core/duration.h"
#include "core/timeutil.h"
#include "tui/app.h"
#include "tui/format.h"
#include "tui/services.h"
#include "tui/sync_panel.h"
#include "widgets/bars.h"

#define PAGES 3

static void big_line(App *a, int y, int cols, Role role, const char *text) {
    canvas_fill(&a->canvas, y, 0, cols, role);
    int w = (int)strlen(text);
    canvas_put(&a->canvas, y, w < cols ? (cols - w) / 2 : 0, role, text, cols);
}

/* Data older than this is flagged stale: the journal is event-driven, so
 * "stale" means nothing has been journaled for a while. */
#define STALE_AFTER (30 * 60)

/* "Failing checks: health, huey-queue" — or that they are all ok. */
static void checks_line(App *a, int y, int cols) {
    const CheckEngine *e = a->checks;
    size_t n = check_engine_count(e), failing = check_engine_count_status(e, CHECK_STATUS_FAIL);
    char buf[512];
    if (failing == 0) {
        size_t ok = check_engine_count_status(e, CHECK_STATUS_OK);
        snprintf(buf, sizeof(buf), "Checks: %zu of %zu ok, none failing", ok, n);
        big_line(a, y, cols, ROLE_OK, buf);
        return;
    }
    size_t len = (size_t)snprintf(buf, sizeof(buf), "Failing checks (%zu):", failing);
    for (size_t i = 0; i < n && len < sizeof(buf); i++) {
        const CheckEntry *ce = check_engine_entry(e, i);
        if (ce->has_result && ce->result.status == CHECK_STATUS_FAIL) {
            _cleanup_(freep) char *id = fmt_safe(ce->check->id);
            len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %s", id ? id : "?");
        }
    }
    big_line(a, y, cols, ROLE_FAIL, buf);
}

static void page_overview(App *a, int y, int rows, int cols) {
    const State *st = a->state;
    char buf[256], d[32];
    int row = y + 1;
    snprintf(buf, sizeof(buf), "%zu / %zu items done", st->done, st->total);
    big_line(a, row++, cols, ROLE_TITLE, buf);
    progress_draw(&a->canvas, row++, 4, cols - 8, st->done, st->total, ROLE_DONE, ROLE_DIM);
    row++;
    ssize_t cur = state_current_phase(st);
    if (cur >= 0) {
        const Phase *ph = &a->plan->phases[cur];
        const PhaseState *ps = &st->phases[cur];
        _cleanup_(freep) char *title = fmt_cut(ph->title, cols - 20);
        snprintf(buf, sizeof(buf), "Now: %s", title ? title : "");
        big_line(a, row++, cols, fmt_risk_role(ph->risk), buf);
        snprintf(buf, sizeof(buf), "%zu / %zu  ·  risk %s  ·  %s", ps->done, ps->total,
                 risk_to_string(ph->risk), phase_status_to_string(ps->status));
        big_line(a, row++, cols, ROLE_NORMAL, buf);
        progress_draw(&a->canvas, row++, 10, cols - 20, ps->done, ps->total, ROLE_ACTIVE, ROLE_DIM);
        const PhaseTimes *pt = a->timeline ? &a->timeline->phases[cur] : NULL;
        if (pt && pt->projected_end > a->now) {
            snprintf(buf, sizeof(buf), "phase ends in %s (projected)",
                     duration_format(pt->projected_end - a->now, d, sizeof(d)));
            big_line(a, row++, cols, ROLE_NORMAL, buf);
        }
    } else {
        big_line(a, row++, cols, ROLE_OK, "All phases complete");
    }
    row++;
    if (a->timeline && row < y + rows) {
        const Timeline *tl = a->timeline;
        char s[32];
        if (a->now < tl->t0) {
            snprintf(buf, sizeof(buf), "Window opens in %s",
                     duration_format(tl->t0 - a->now, d, sizeof(d)));
        } else {
            snprintf(buf, sizeof(buf), "Projected finish %s (%s vs plan)",
                     fmt_when(tl->projected_end, s, sizeof(s)),
                     fmt_slip(tl->projected_slip, 1, d, sizeof(d)));
        }
        big_line(a, row++, cols, tl->projected_slip > 0 ? ROLE_WARN : ROLE_OK, buf);
    }
    if (a->checks && check_engine_count(a->checks) && row < y + rows) {
        checks_line(a, row++, cols);
    }
    if (a->units && row < y + rows) {
        services_wallboard_line(a, row++, cols);
    }
    if (row + 1 < y + rows) {
        long age = a->state->last_at ? (long)(a->now - a->state->last_at) : -1;
        if (age < 0) {
            snprintf(buf, sizeof(buf), "nothing journaled yet");
        } else {
            snprintf(buf, sizeof(buf), "last activity %s ago%s", duration_format(age, d, sizeof(d)),
                     age > STALE_AFTER ? " — STALE" : "");
        }
        big_line(a, row + 1, cols, age > STALE_AFTER ? ROLE_STALE : ROLE_DIM, buf);
    }
}

static void page_phases(App *a, int y, int rows, int cols) {
    big_line(a, y, cols, ROLE_TITLE, "Phases");
    for (size_t i = 0; i < a->plan->n_phases && (int)i + 2 < rows; i++) {
        const Phase *ph = &a->plan->phases[i];
        const PhaseState *ps = &a->state->phases[i];
        Line l;
        line_init(&l);
        _cleanup_(freep) char *title = fmt_cut(ph->title, cols / 2);
        line_addf(&l, fmt_status_role(ps->status), "  %s %-10s",
                  fmt_status_icon(&a->canvas, ps->status), phase_status_to_string(ps->status));
        line_addf(&l, fmt_risk_role(ph->risk), " %-12s", risk_to_string(ph->risk));
        line_addf(&l, ROLE_NORMAL, " %s", title ? title : "");
        line_pad(&l, ROLE_NORMAL, cols - 24);
        line_draw(&a->canvas, &l, y + 2 + (int)i, 0, cols, true, ROLE_NORMAL);
        progress_draw(&a->canvas, y + 2 + (int)i, cols - 22, 20, ps->done, ps->total, ROLE_DONE,
                      ROLE_DIM);
        line_free(&l);
    }
}

static void page_activity(App *a, int y, int rows, int cols) {
    big_line(a, y, cols, ROLE_TITLE, "Latest activity");
    for (size_t i = 0; i < a->activity->n && (int)i + 2 < rows; i++) {
        const LoggedEvent *e = event_log_get(a->activity, i);
        char when[32];
        Line l;
        line_init(&l);
        _cleanup_(freep) char *by = fmt_cut(e->by ? e->by : "?", 16);
        _cleanup_(freep) char *what = fmt_cut(e->target ? e->target : "", 30);
        _cleanup_(freep) char *type = fmt_safe(e->type_name);
        line_addf(&l, ROLE_DIM, "  %s  ", fmt_when(e->at, when, sizeof(when)));
        line_addf(&l, ROLE_NORMAL, "%-16s %-14s %s", by ? by : "", type ? type : "",
                  what ? what : "");
        line_draw(&a->canvas, &l, y + 2 + (int)i, 0, cols, true, ROLE_NORMAL);
        line_free(&l);
    }
    if (a->activity->n == 0) {
        big_line(a, y + 3, cols, ROLE_DIM, "Nothing journaled yet");
    }
}

void wallboard_draw(App *a, int y, int rows, int cols) {
    int page = a->wall_page % PAGES;
    char pager[64];
    size_t consoles = sync_panel_consoles(a); /* with sync: who is connected, us included */
    if (consoles) {
        snprintf(pager, sizeof(pager), "%zu console%s connected, page %d/%d", consoles,
                 consoles == 1 ? "" : "s", page + 1, PAGES);
    } else {
        snprintf(pager, sizeof(pager), "page %d/%d", page + 1, PAGES);
    }
    switch (page) {
    case 0:
        page_overview(a, y, rows - 1, cols);
        break;
    case 1:
        page_phases(a, y, rows - 1, cols);
        break;
    default:
        page_activity(a, y, rows - 1, cols);
        break;
    }
    canvas_put(&a->canvas, y + rows - 1, cols - (int)strlen(pager) - 1, ROLE_DIM, pager,
               (int)strlen(pager));
}
