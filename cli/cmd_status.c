/* opsdeck status: where the weekend stands, for people and for scripts. */
#include <string.h>

#include "cli/checks.h"
#include "cli/cli.h"
#include "cli/out.h"
#include "cli/services.h"
#include "cli/secrets.h"
#include "core/duration.h"
#include "core/timeline.h"
#include "core/timeutil.h"

static cJSON *item_json(const State *st, const Item *it) {
    const ItemState *is = &st->items[it->index];
    cJSON *o = cJSON_CreateObject();
    char at[32];
    cJSON_AddStringToObject(o, "id", it->id);
    cJSON_AddBoolToObject(o, "done", is->done);
    if (is->by) {
        cJSON_AddStringToObject(o, "by", is->by);
        cJSON_AddStringToObject(o, "at", time_format_iso8601(is->at, at, sizeof(at)));
    } else {
        cJSON_AddNullToObject(o, "by");
        cJSON_AddNullToObject(o, "at");
    }
    if (is->note) {
        cJSON_AddStringToObject(o, "note", is->note);
    } else {
        cJSON_AddNullToObject(o, "note");
    }
    cJSON_AddBoolToObject(o, "optional", it->optional);
    return o;
}

static void add_time(cJSON *o, const char *key, time_t t) {
    char buf[32];
    if (t) {
        cJSON_AddStringToObject(o, key, time_format_iso8601(t, buf, sizeof(buf)));
    } else {
        cJSON_AddNullToObject(o, key);
    }
}

static cJSON *phase_json(const State *st, const Timeline *tl, size_t i) {
    const Phase *ph = &st->plan->phases[i];
    const PhaseState *ps = &st->phases[i];
    const PhaseTimes *pt = &tl->phases[i];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", ph->id);
    cJSON_AddStringToObject(o, "title", ph->title);
    cJSON_AddStringToObject(o, "risk", risk_to_string(ph->risk));
    cJSON_AddStringToObject(o, "status", phase_status_to_string(ps->status));
    cJSON_AddNumberToObject(o, "done", (double)ps->done);
    cJSON_AddNumberToObject(o, "total", (double)ps->total);
    if (ph->owner) {
        cJSON_AddStringToObject(o, "owner", ph->owner);
    }
    cJSON *deps = cJSON_AddArrayToObject(o, "depends");
    for (size_t k = 0; k < ph->depends.n; k++) {
        cJSON_AddItemToArray(deps, cJSON_CreateString(ph->depends.v[k]));
    }
    cJSON_AddNumberToObject(o, "duration", (double)ph->duration);
    cJSON_AddBoolToObject(o, "critical", pt->critical);
    cJSON_AddBoolToObject(o, "point_of_no_return", ph->point_of_no_return);
    add_time(o, "planned_start", tl->t0 + pt->planned_start);
    add_time(o, "planned_end", tl->t0 + pt->planned_end);
    add_time(o, "started", pt->actual_start);
    add_time(o, "completed", pt->actual_end);
    add_time(o, "projected_end", pt->projected_end);
    cJSON_AddNumberToObject(o, "slip", (double)pt->slip);
    if (ps->overridden) {
        cJSON_AddStringToObject(o, "override_reason", ps->override_reason);
    }
    cJSON *items = cJSON_AddArrayToObject(o, "items");
    for (size_t k = 0; k < ph->n_items; k++) {
        cJSON_AddItemToArray(items, item_json(st, &ph->items[k]));
    }
    cJSON *rb = cJSON_AddArrayToObject(o, "rollback");
    for (size_t k = 0; k < ph->n_rollback; k++) {
        cJSON_AddItemToArray(rb, item_json(st, &ph->rollback[k]));
    }
    return o;
}

static int print_json(const Session *s, const Timeline *tl, const CheckEngine *ce,
                      const CliServices *sv) {
    const Plan *p = s->plan;
    const State *st = s->state;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "plan", p->title);
    cJSON_AddStringToObject(o, "id", p->id);
    cJSON_AddStringToObject(o, "journal", s->journal_path);
    cJSON *prog = cJSON_AddObjectToObject(o, "progress");
    cJSON_AddNumberToObject(prog, "done", (double)st->done);
    cJSON_AddNumberToObject(prog, "total", (double)st->total);
    ssize_t cur = state_current_phase(st);
    if (cur >= 0) {
        cJSON_AddStringToObject(o, "current_phase", p->phases[cur].id);
    } else {
        cJSON_AddNullToObject(o, "current_phase");
    }
    cJSON *tj = cJSON_AddObjectToObject(o, "timeline");
    add_time(tj, "start", tl->t0);
    cJSON_AddBoolToObject(tj, "window_pinned", tl->t0_from_plan);
    add_time(tj, "planned_end", tl->planned_end);
    add_time(tj, "projected_end", tl->projected_end);
    cJSON_AddNumberToObject(tj, "projected_slip", (double)tl->projected_slip);
    cJSON *cp = cJSON_AddArrayToObject(tj, "critical_path");
    for (size_t i = 0; i < tl->n_critical; i++) {
        cJSON_AddItemToArray(cp, cJSON_CreateString(p->phases[tl->critical_path[i]].id));
    }
    cJSON *phases = cJSON_AddArrayToObject(o, "phases");
    for (size_t i = 0; i < p->n_phases; i++) {
        cJSON_AddItemToArray(phases, phase_json(st, tl, i));
    }
    cJSON_AddItemToObject(o, "services", cli_services_json(p, sv));
    cJSON *checks = cJSON_AddArrayToObject(o, "checks");
    for (size_t i = 0; ce && i < p->n_checks; i++) {
        cJSON_AddItemToArray(checks, cli_check_json(check_engine_entry(ce, i)));
    }
    int r = out_json(stdout, o);
    cJSON_Delete(o);
    return r < 0 ? EXIT_FAILED : EXIT_OK;
}

static const char *status_icon(PhaseStatus st) {
    static const char *const icons[_PHASE_STATUS_MAX] = {
        [PHASE_PENDING] = "○",
        [PHASE_ACTIVE] = "◐",
        [PHASE_COMPLETE] = "●",
        [PHASE_BLOCKED] = "·",
    };
    return st < _PHASE_STATUS_MAX ? icons[st] : "?";
}

static void print_window(const Timeline *tl) {
    char a[32], b[32], c[32], d[32];
    printf("Window:  %s %s   planned end %s   projected end %s (%s%s)\n",
           tl->t0_from_plan ? "starts" : "started", time_format_iso8601(tl->t0, a, sizeof(a)),
           time_format_iso8601(tl->planned_end, b, sizeof(b)),
           time_format_iso8601(tl->projected_end, c, sizeof(c)), tl->projected_slip > 0 ? "+" : "",
           duration_format(tl->projected_slip, d, sizeof(d)));
}

static int print_text(const Session *s, const Timeline *tl, const CheckEngine *ce,
                      const CliServices *sv) {
    const Plan *p = s->plan;
    const State *st = s->state;
    out_text(stdout, p->title);
    printf(" (%s)   %zu/%zu items", p->id, st->done, st->total);
    ssize_t cur = state_current_phase(st);
    if (cur >= 0) {
        printf("   current: %s", p->phases[cur].id);
    } else {
        printf("   all phases complete");
    }
    putchar('\n');
    print_window(tl);
    fputs("Journal: ", stdout);
    out_text(stdout, s->journal_path);
    printf(" (%zu events)\n\n", st->n_events);
    printf("   %-10s %-9s %7s  %-12s %-9s %-9s %s\n", "PHASE", "STATUS", "DONE", "RISK", "PLANNED",
           "SLIP", "TITLE");
    for (size_t k = 0; k < p->n_phases; k++) {
        const Phase *ph = &p->phases[k];
        const PhaseState *ps = &st->phases[k];
        const PhaseTimes *pt = &tl->phases[k];
        char done[32], dur[32], slip[32];
        snprintf(done, sizeof(done), "%zu/%zu", ps->done, ps->total);
        duration_format(ph->duration, dur, sizeof(dur));
        if (pt->slip) {
            char tmp[32];
            snprintf(slip, sizeof(slip), "%s%s", pt->slip > 0 ? "+" : "",
                     duration_format(pt->slip, tmp, sizeof(tmp)));
        } else {
            snprintf(slip, sizeof(slip), "-");
        }
        printf(" %s%s ", status_icon(ps->status), pt->critical ? "*" : " ");
        out_cell(stdout, ph->id, 10);
        printf(" %-9s %7s  %-12s %-9s %-9s ", phase_status_to_string(ps->status), done,
               risk_to_string(ph->risk), dur, slip);
        out_text(stdout, ph->title);
        if (ph->point_of_no_return) {
            fputs("  [point of no return]", stdout);
        }
        putchar('\n');
    }
    printf("\n * on the critical path\n");
    cli_services_print(stdout, p, sv);
    if (ce && p->n_checks) {
        printf("\nChecks (%zu): %zu ok, %zu warn, %zu fail, %zu unknown\n", p->n_checks,
               check_engine_count_status(ce, CHECK_STATUS_OK),
               check_engine_count_status(ce, CHECK_STATUS_WARN),
               check_engine_count_status(ce, CHECK_STATUS_FAIL),
               p->n_checks - check_engine_count_status(ce, CHECK_STATUS_OK) -
                   check_engine_count_status(ce, CHECK_STATUS_WARN) -
                   check_engine_count_status(ce, CHECK_STATUS_FAIL));
        for (size_t i = 0; i < p->n_checks; i++) {
            cli_check_print(stdout, check_engine_entry(ce, i));
        }
    }
    return EXIT_OK;
}

int cmd_status(const Options *o, int argc, char **argv) {
    Session s;
    int rc = session_open(&s, o, argv[0], 0);
    if (rc != EXIT_OK) {
        return rc;
    }
    (void)cli_print_secret_warnings(s.plan, stderr);
    _cleanup_(timeline_freep) Timeline *tl = NULL;
    if (timeline_compute(s.plan, s.state, time_now(), &tl) < 0) {
        fprintf(stderr, "opsdeck: cannot compute the timeline: out of memory\n");
        session_close(&s);
        return EXIT_FAILED;
    }
    /* every check once, in parallel, each bounded by its timeout */
    CheckEngine *ce = NULL;
    if (s.plan->n_checks && cli_checks_run(s.plan, o, NULL, 0, &ce) < 0) {
        fprintf(stderr, "opsdeck: cannot run the checks: out of memory\n");
    }
    CliServices sv;
    cli_services_query(s.plan, o->user, &sv);
    rc = o->json ? print_json(&s, tl, ce, &sv) : print_text(&s, tl, ce, &sv);
    cli_services_done(&sv);
    if (rc == EXIT_OK && ce && check_engine_count_status(ce, CHECK_STATUS_FAIL) > 0) {
        rc = EXIT_FAILED;
    }
    cli_checks_done(ce);
    session_close(&s);
    return rc;
}
