/* opsdeck report --format json: the report as one JSON object, for scripts.
 *
 * {"plan", "id", "file", "journal", "generated", "events", "last_seq",
 *  "progress": {"done", "total"},
 *  "window": {"start", "pinned", "planned_end", "projected_end", "projected_slip",
 *             "finished", "running", "critical_path"},
 *  "phases": [{"id", "title", "risk", "status", "owner", "critical", "point_of_no_return",
 *              "duration", "planned_start", "planned_end", "started", "completed",
 *              "projected_end", "slip", "done", "total", "override",
 *              "items": [{"id", "text", "done", "optional", "by", "at", "note", "evidence"}],
 *              "rollback": [...]}],
 *  "overrides": [{"seq", "at", "by", "kind": "phase"|"tick", "phase", "item", "reason"}],
 *  "actions": [{"action", "title", "started", "started_by", "start_seq", "ended",
 *               "ended_by", "end_seq", "result", "exit", "path", "bytes", "sha256"}]}
 *
 * Times are ISO 8601 UTC or null; slips and durations are seconds.  Strings are
 * sanitised as out_json() does, and <, > and & in them are written as \u escapes. */
#include <errno.h>
#include <string.h>

#include "cli/out.h"
#include "cli/report.h"
#include "core/timeutil.h"

static void cjson_deletep(cJSON **p) {
    cJSON_Delete(*p);
}

static void add_time(cJSON *o, const char *key, time_t t) {
    char buf[32];
    if (t) {
        cJSON_AddStringToObject(o, key, time_format_iso8601(t, buf, sizeof(buf)));
    } else {
        cJSON_AddNullToObject(o, key);
    }
}

static void add_str(cJSON *o, const char *key, const char *v) {
    if (v) {
        cJSON_AddStringToObject(o, key, v);
    } else {
        cJSON_AddNullToObject(o, key);
    }
}

static cJSON *item_json(const State *st, const Item *it) {
    const ItemState *is = &st->items[it->index];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", it->id);
    cJSON_AddStringToObject(o, "text", it->text);
    cJSON_AddBoolToObject(o, "done", is->done);
    cJSON_AddBoolToObject(o, "optional", it->optional);
    add_str(o, "by", is->by);
    add_time(o, "at", is->by ? is->at : 0);
    add_str(o, "note", is->note);
    add_str(o, "evidence", is->evidence);
    return o;
}

static cJSON *items_json(const State *st, const Item *v, size_t n) {
    cJSON *a = cJSON_CreateArray();
    for (size_t k = 0; k < n; k++) {
        cJSON_AddItemToArray(a, item_json(st, &v[k]));
    }
    return a;
}

static cJSON *phase_json(const ReportData *d, size_t i) {
    const Phase *ph = &d->plan->phases[i];
    const PhaseState *ps = &d->state->phases[i];
    const PhaseTimes *pt = &d->timeline->phases[i];
    const time_t t0 = d->timeline->t0;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", ph->id);
    cJSON_AddStringToObject(o, "title", ph->title);
    cJSON_AddStringToObject(o, "risk", risk_to_string(ph->risk));
    cJSON_AddStringToObject(o, "status", phase_status_to_string(ps->status));
    add_str(o, "owner", ph->owner);
    cJSON_AddBoolToObject(o, "critical", pt->critical);
    cJSON_AddBoolToObject(o, "point_of_no_return", ph->point_of_no_return);
    cJSON_AddNumberToObject(o, "duration", (double)ph->duration);
    add_time(o, "planned_start", t0 + pt->planned_start);
    add_time(o, "planned_end", t0 + pt->planned_end);
    add_time(o, "started", pt->actual_start);
    add_time(o, "completed", pt->actual_end);
    add_time(o, "projected_end", pt->projected_end);
    if (pt->actual_start) {
        cJSON_AddNumberToObject(o, "slip", (double)pt->slip);
    } else {
        cJSON_AddNullToObject(o, "slip");
    }
    cJSON_AddNumberToObject(o, "done", (double)ps->done);
    cJSON_AddNumberToObject(o, "total", (double)ps->total);
    if (ps->overridden) {
        cJSON *ov = cJSON_AddObjectToObject(o, "override");
        add_str(ov, "by", ps->override_by);
        add_str(ov, "reason", ps->override_reason);
    } else {
        cJSON_AddNullToObject(o, "override");
    }
    cJSON_AddItemToObject(o, "items", items_json(d->state, ph->items, ph->n_items));
    cJSON_AddItemToObject(o, "rollback", items_json(d->state, ph->rollback, ph->n_rollback));
    return o;
}

static cJSON *window_json(const ReportData *d) {
    const Timeline *tl = d->timeline;
    cJSON *w = cJSON_CreateObject();
    add_time(w, "start", tl->t0);
    cJSON_AddBoolToObject(w, "pinned", tl->t0_from_plan);
    add_time(w, "planned_end", tl->planned_end);
    add_time(w, "projected_end", tl->projected_end);
    cJSON_AddNumberToObject(w, "projected_slip", (double)tl->projected_slip);
    cJSON_AddBoolToObject(w, "finished", d->state->done == d->state->total);
    cJSON_AddBoolToObject(w, "running", report_window_running(d));
    cJSON *cp = cJSON_AddArrayToObject(w, "critical_path");
    for (size_t i = 0; i < tl->n_critical; i++) {
        cJSON_AddItemToArray(cp, cJSON_CreateString(d->plan->phases[tl->critical_path[i]].id));
    }
    return w;
}

static cJSON *overrides_json(const ReportData *d) {
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < d->n_events; i++) {
        const ReportEvent *e = &d->events[i];
        if (e->type != EVENT_PHASE_OVERRIDE && e->type != EVENT_TICK) {
            continue;
        }
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "seq", (double)e->seq);
        add_time(o, "at", e->at);
        add_str(o, "by", e->by);
        bool tick = e->type == EVENT_TICK;
        cJSON_AddStringToObject(o, "kind", tick ? "tick" : "phase");
        const Item *it = tick && e->target ? plan_find_item(d->plan, e->target) : NULL;
        add_str(o, "phase", tick ? (it ? d->plan->phases[it->phase].id : NULL) : e->target);
        add_str(o, "item", tick ? e->target : NULL);
        add_str(o, "reason", e->reason);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static cJSON *run_json(const ReportData *d, const ReportRun *run) {
    const ReportEvent *s = run->start != REPORT_NONE ? &d->events[run->start] : NULL;
    const ReportEvent *e = run->end != REPORT_NONE ? &d->events[run->end] : NULL;
    const char *id = s ? s->target : e->target;
    const Action *a = id ? plan_find_action(d->plan, id) : NULL;
    cJSON *o = cJSON_CreateObject();
    add_str(o, "action", id);
    add_str(o, "title", a ? a->title : NULL);
    add_time(o, "started", s ? s->at : 0);
    add_str(o, "started_by", s ? s->by : NULL);
    if (s) {
        cJSON_AddNumberToObject(o, "start_seq", (double)s->seq);
    } else {
        cJSON_AddNullToObject(o, "start_seq");
    }
    add_time(o, "ended", e ? e->at : 0);
    add_str(o, "ended_by", e ? e->by : NULL);
    if (e) {
        cJSON_AddNumberToObject(o, "end_seq", (double)e->seq);
    } else {
        cJSON_AddNullToObject(o, "end_seq");
    }
    add_str(o, "result", e ? e->result : "running");
    if (e && e->has_exit) {
        cJSON_AddNumberToObject(o, "exit", e->exit_code);
    } else {
        cJSON_AddNullToObject(o, "exit");
    }
    add_str(o, "path", e ? e->path : NULL);
    if (e && e->has_bytes) {
        cJSON_AddNumberToObject(o, "bytes", (double)e->bytes);
    } else {
        cJSON_AddNullToObject(o, "bytes");
    }
    add_str(o, "sha256", e ? e->sha256 : NULL);
    return o;
}

int report_json(FILE *f, const ReportData *d) {
    const Plan *p = d->plan;
    const State *st = d->state;
    _cleanup_(cjson_deletep) cJSON *o = cJSON_CreateObject();
    if (!o) {
        return -ENOMEM;
    }
    cJSON_AddStringToObject(o, "plan", p->title);
    cJSON_AddStringToObject(o, "id", p->id);
    cJSON_AddStringToObject(o, "file", p->file);
    cJSON_AddStringToObject(o, "journal", d->session->journal_path);
    add_time(o, "generated", d->generated);
    cJSON_AddNumberToObject(o, "events", (double)st->n_events);
    cJSON_AddNumberToObject(o, "last_seq", (double)st->last_seq);
    cJSON *prog = cJSON_AddObjectToObject(o, "progress");
    cJSON_AddNumberToObject(prog, "done", (double)st->done);
    cJSON_AddNumberToObject(prog, "total", (double)st->total);
    cJSON_AddNumberToObject(prog, "phases_complete", (double)report_phases_complete(d));
    cJSON_AddNumberToObject(prog, "phases", (double)p->n_phases);
    cJSON_AddItemToObject(o, "window", window_json(d));
    cJSON *phases = cJSON_AddArrayToObject(o, "phases");
    for (size_t i = 0; i < p->n_phases; i++) {
        cJSON_AddItemToArray(phases, phase_json(d, i));
    }
    cJSON_AddItemToObject(o, "overrides", overrides_json(d));
    cJSON *actions = cJSON_AddArrayToObject(o, "actions");
    for (size_t i = 0; i < d->n_runs; i++) {
        cJSON_AddItemToArray(actions, run_json(d, &d->runs[i]));
    }
    /* out_json's escaping, and on top of it <, > and & as \u escapes (only strings can
     * hold them), so that the report is safe to paste into a web page as well */
    _cleanup_(freep) char *s = out_json_string(o);
    if (!s) {
        return -ENOMEM;
    }
    for (const char *c = s;;) {
        size_t n = strcspn(c, "<>&");
        fwrite(c, 1, n, f);
        c += n;
        if (!*c) {
            break;
        }
        fprintf(f, "\\u%04x", (unsigned)*c++);
    }
    fputc('\n', f);
    return 0;
}
