/* opsdeck report --format html: one self-contained, printable page.
 *
 * Inline CSS, an inline SVG chart, no scripts, no external assets.  The markup is
 * also well-formed XML (void elements closed, only &amp; &lt; &gt; &quot; &#39;),
 * so both HTML and XML tools read it.  Every text passes text_sanitize() and is
 * then escaped for HTML. */
#include <string.h>

#include "cli/report.h"
#include "core/text.h"

static const char style[] =
    ":root { --ok: #1a7f37; --warn: #9a6700; --fail: #cf222e; --active: #0969da;"
    " --muted: #6e7781; --line: #d0d7de; --planned: #afb8c1; }\n"
    "body { font: 14px/1.45 system-ui, sans-serif; color: #1f2328; margin: 2em auto;"
    " max-width: 70em; padding: 0 1em; }\n"
    "h1 { font-size: 1.6em; margin-bottom: 0.2em; }\n"
    "h2 { border-bottom: 1px solid var(--line); padding-bottom: 0.2em; margin-top: 2em; }\n"
    "h3 { font-size: 1.05em; margin: 1.4em 0 0.4em; }\n"
    "code, .id { font-family: ui-monospace, monospace; font-size: 0.92em; }\n"
    "table { border-collapse: collapse; width: 100%; margin: 0.4em 0 1em; }\n"
    "th, td { text-align: left; vertical-align: top; padding: 0.25em 0.5em;"
    " border-bottom: 1px solid var(--line); }\n"
    "th { font-weight: 600; background: #f6f8fa; }\n"
    "table.summary { width: auto; } table.summary th { background: none; padding-right: 2em; }\n"
    ".ok, .complete, .done { color: var(--ok); }\n"
    ".fail, .late, .risk-high { color: var(--fail); }\n"
    ".active, .running { color: var(--active); }\n"
    ".blocked, .pending, .muted, .optional { color: var(--muted); }\n"
    ".risk-medium, .risk-coordination { color: var(--warn); }\n"
    ".bar { height: 0.6em; background: var(--line); border-radius: 0.3em; max-width: 30em; }\n"
    ".bar div { height: 100%; background: var(--ok); border-radius: 0.3em; }\n"
    ".mark { width: 1.5em; text-align: center; }\n"
    ".item-done .mark { color: var(--ok); } .item-unticked .mark { color: var(--warn); }\n"
    ".note, .evidence { white-space: pre-wrap; word-break: break-word; }\n"
    ".sha { word-break: break-all; }\n"
    "svg.timeline { display: block; margin: 0.5em 0; font: 11px system-ui, sans-serif; }\n"
    "svg .grid { stroke: var(--line); stroke-width: 1; }\n"
    "svg .tick { fill: var(--muted); text-anchor: middle; }\n"
    "svg .label { fill: #1f2328; } svg .label.critical { font-weight: 700; }\n"
    "svg rect.planned { fill: var(--planned); } svg rect.planned.critical { fill: #8c959f; }\n"
    "svg rect.done { fill: var(--ok); } svg rect.late { fill: var(--fail); }\n"
    "svg rect.running { fill: var(--active); }\n"
    "svg rect.projected { fill: none; stroke: var(--active); stroke-dasharray: 4 3; }\n"
    "svg .now { stroke: var(--fail); stroke-width: 2; }\n"
    "svg .now-label { fill: var(--fail); font-weight: 700; }\n"
    "svg .end { stroke: #1f2328; stroke-dasharray: 6 4; }\n"
    "svg .end-label { fill: #1f2328; text-anchor: end; }\n"
    ".legend span { margin-right: 1.5em; white-space: nowrap; }\n"
    ".legend i { display: inline-block; width: 1.6em; height: 0.7em; margin-right: 0.4em;"
    " vertical-align: middle; }\n"
    ".footer { margin-top: 3em; color: var(--muted); font-size: 0.9em; }\n"
    "@media print {\n"
    "  body { font-size: 10pt; margin: 0; max-width: none; color: #000; }\n"
    "  h2 { page-break-after: avoid; break-after: avoid; }\n"
    "  tr, svg.timeline { page-break-inside: avoid; break-inside: avoid; }\n"
    "  th { background: none; }\n"
    "  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
    "}\n";

void report_html_text(FILE *f, const char *s) {
    if (!s) {
        fputs("—", f);
        return;
    }
    _cleanup_(freep) char *safe = text_sanitize(s, strlen(s));
    const char *p = safe ? safe : "?";
    for (;;) {
        size_t n = strcspn(p, "&<>\"'");
        fwrite(p, 1, n, f);
        p += n;
        if (!*p) {
            break;
        }
        switch (*p++) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputs("&#39;", f);
            break;
        }
    }
}

/* <td class="cls">text</td> */
static void td(FILE *f, const char *cls, const char *s) {
    if (cls) {
        fprintf(f, "<td class=\"%s\">", cls);
    } else {
        fputs("<td>", f);
    }
    report_html_text(f, s);
    fputs("</td>", f);
}

static void td_time(FILE *f, time_t t) {
    char a[32];
    fprintf(f, "<td>%s</td>", report_fmt_time(t, a, sizeof(a)));
}

static void html_head(FILE *f, const ReportData *d) {
    fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\"/>\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
          "<meta name=\"generator\" content=\"opsdeck " OPSDECK_VERSION "\"/>\n<title>",
          f);
    fputs("Post-migration report: ", f);
    report_html_text(f, d->plan->title);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", style);
}

static void summary_row(FILE *f, const char *name) {
    fprintf(f, "<tr><th scope=\"row\">%s</th><td>", name);
}

static void html_summary(FILE *f, const ReportData *d) {
    const Plan *p = d->plan;
    const State *st = d->state;
    const Timeline *tl = d->timeline;
    char a[32], b[32];
    fputs("<h1>Post-migration report: ", f);
    report_html_text(f, p->title);
    fputs("</h1>\n<table class=\"summary\">\n", f);
    summary_row(f, "Plan");
    fputs("<code>", f);
    report_html_text(f, p->id);
    fputs("</code> (", f);
    report_html_text(f, p->file);
    fputs(")</td></tr>\n", f);
    summary_row(f, "Journal");
    report_html_text(f, d->session->journal_path);
    fprintf(f, " — %zu events, last seq %llu</td></tr>\n", st->n_events,
            (unsigned long long)st->last_seq);
    summary_row(f, "Generated");
    fprintf(f, "%s UTC</td></tr>\n", report_fmt_time(d->generated, a, sizeof(a)));
    summary_row(f, tl->t0_from_plan ? "Planned start" : "First event");
    fprintf(f, "%s UTC</td></tr>\n", report_fmt_time(tl->t0, a, sizeof(a)));
    summary_row(f, "Planned end");
    fprintf(f, "%s UTC</td></tr>\n", report_fmt_time(tl->planned_end, a, sizeof(a)));
    bool finished = st->done == st->total;
    summary_row(f, finished ? "Finished" : "Projected end");
    fprintf(f, "%s UTC <span class=\"%s\">(%s)</span></td></tr>\n",
            report_fmt_time(tl->projected_end, a, sizeof(a)),
            tl->projected_slip > 0 ? "late" : "ok",
            report_fmt_slip(tl->projected_slip, true, b, sizeof(b)));
    summary_row(f, "Progress");
    fprintf(f, "%zu/%zu items, %zu/%zu phases complete", st->done, st->total,
            report_phases_complete(d), p->n_phases);
    fprintf(f, "<div class=\"bar\"><div style=\"width: %zu%%\"></div></div></td></tr>\n",
            st->total ? st->done * 100 / st->total : 100);
    fputs("</table>\n", f);
}

static void html_timeline(FILE *f, const ReportData *d) {
    const Plan *p = d->plan;
    const Timeline *tl = d->timeline;
    fputs("<h2 id=\"timeline\">Planned vs actual</h2>\n", f);
    report_svg_timeline(f, d);
    fputs("<p class=\"legend\"><span><i style=\"background: #afb8c1\"></i>planned</span>"
          "<span><i style=\"background: #1a7f37\"></i>done on time</span>"
          "<span><i style=\"background: #cf222e\"></i>done late</span>"
          "<span><i style=\"background: #0969da\"></i>running</span>"
          "<span><i style=\"border: 1px dashed #0969da\"></i>projected</span>"
          "<span>★ critical path</span></p>\n",
          f);
    fputs("<table class=\"phases\">\n<thead><tr><th>Phase</th><th>Title</th><th>Risk</th>"
          "<th>Status</th><th>Planned start</th><th>Planned end</th><th>Actual start</th>"
          "<th>Actual end</th><th>Slip</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t i = 0; i < p->n_phases; i++) {
        const Phase *ph = &p->phases[i];
        const PhaseTimes *pt = &tl->phases[i];
        const char *status = phase_status_to_string(d->state->phases[i].status);
        char a[32];
        fputs("<tr><td><a href=\"#phase-", f);
        report_html_text(f, ph->id);
        fputs("\"><code>", f);
        report_html_text(f, ph->id);
        fprintf(f, "</code></a>%s</td>", pt->critical ? " ★" : "");
        td(f, NULL, ph->title);
        fprintf(f, "<td class=\"risk-%s\">%s</td>", risk_to_string(ph->risk),
                risk_to_string(ph->risk));
        fprintf(f, "<td class=\"%s\">%s</td>", status, status);
        td_time(f, tl->t0 + pt->planned_start);
        td_time(f, tl->t0 + pt->planned_end);
        td_time(f, pt->actual_start);
        td_time(f, pt->actual_end);
        fprintf(f, "<td class=\"%s\">%s</td></tr>\n",
                !pt->actual_start ? "muted"
                : pt->slip > 0    ? "late"
                                  : "ok",
                report_fmt_slip(pt->slip, pt->actual_start != 0, a, sizeof(a)));
    }
    fputs("</tbody>\n</table>\n<p class=\"muted\">Times in UTC. ★ on the critical path.</p>\n", f);
}

static void html_items(FILE *f, const State *st, const Item *v, size_t n) {
    fputs("<table class=\"items\">\n<thead><tr><th class=\"mark\"></th><th>Item</th><th>Text</th>"
          "<th>By</th><th>At (UTC)</th><th>Note</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t k = 0; k < n; k++) {
        const ItemState *is = &st->items[v[k].index];
        fprintf(f, "<tr class=\"%s\"><td class=\"mark\">%s</td><td><code>",
                is->done ? "item-done"
                : is->by ? "item-unticked"
                         : "item-open",
                is->done ? "✓"
                : is->by ? "↺"
                         : "☐");
        report_html_text(f, v[k].id);
        fputs("</code></td><td>", f);
        report_html_text(f, v[k].text);
        if (v[k].optional) {
            fputs(" <span class=\"optional\">(optional)</span>", f);
        }
        fputs("</td>", f);
        td(f, NULL, is->by);
        td_time(f, is->by ? is->at : 0);
        fputs("<td class=\"note\">", f);
        if (is->note) {
            report_html_text(f, is->note);
        }
        if (is->evidence) {
            fputs(is->note ? "<br/>evidence: " : "evidence: ", f);
            report_html_text(f, is->evidence);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody>\n</table>\n", f);
}

static void html_checklists(FILE *f, const ReportData *d) {
    const Plan *p = d->plan;
    fputs("<h2 id=\"checklists\">Checklists</h2>\n", f);
    for (size_t i = 0; i < p->n_phases; i++) {
        const Phase *ph = &p->phases[i];
        const PhaseState *ps = &d->state->phases[i];
        fputs("<h3 id=\"phase-", f);
        report_html_text(f, ph->id);
        fputs("\">", f);
        report_html_text(f, ph->title);
        fputs(" <span class=\"id\">(", f);
        report_html_text(f, ph->id);
        fprintf(f, ")</span> <span class=\"%s\">%zu/%zu</span>", phase_status_to_string(ps->status),
                ps->done, ps->total);
        if (ph->owner) {
            fputs(" <span class=\"muted\">owner: ", f);
            report_html_text(f, ph->owner);
            fputs("</span>", f);
        }
        fputs("</h3>\n", f);
        html_items(f, d->state, ph->items, ph->n_items);
        if (report_rollback_touched(d, i)) {
            fputs("<p><strong>Rollback steps</strong></p>\n", f);
            html_items(f, d->state, ph->rollback, ph->n_rollback);
        }
    }
}

static void html_overrides(FILE *f, const ReportData *d) {
    fputs("<h2 id=\"overrides\">Overrides</h2>\n", f);
    size_t n = 0;
    for (size_t i = 0; i < d->n_events; i++) {
        const ReportEvent *e = &d->events[i];
        if (e->type != EVENT_PHASE_OVERRIDE && e->type != EVENT_TICK) {
            continue;
        }
        if (n++ == 0) {
            fputs("<table class=\"overrides\">\n<thead><tr><th>At (UTC)</th><th>Seq</th>"
                  "<th>By</th><th>What</th><th>Reason</th></tr></thead>\n<tbody>\n",
                  f);
        }
        fputs("<tr>", f);
        td_time(f, e->at);
        fprintf(f, "<td>%llu</td>", (unsigned long long)e->seq);
        td(f, NULL, e->by);
        fputs(e->type == EVENT_TICK ? "<td>ticked <code>" : "<td>started phase <code>", f);
        report_html_text(f, e->target);
        fputs(e->type == EVENT_TICK ? "</code> past its check</td>" : "</code> early</td>", f);
        td(f, "note", e->reason);
        fputs("</tr>\n", f);
    }
    fputs(n ? "</tbody>\n</table>\n" : "<p>None.</p>\n", f);
}

static const char *run_class(const ReportEvent *end) {
    if (!end || !end->result) {
        return "running";
    }
    bool ok =
        streq(end->result, "done") || streq(end->result, "ok") || streq(end->result, "success");
    return ok && (!end->has_exit || end->exit_code == 0) ? "ok" : "fail";
}

static void html_run(FILE *f, const ReportData *d, const ReportRun *run) {
    const ReportEvent *s = run->start != REPORT_NONE ? &d->events[run->start] : NULL;
    const ReportEvent *e = run->end != REPORT_NONE ? &d->events[run->end] : NULL;
    const char *id = s ? s->target : e->target;
    const Action *a = id ? plan_find_action(d->plan, id) : NULL;
    fputs("<tr><td><code>", f);
    report_html_text(f, id);
    fputs("</code>", f);
    if (a && a->title) {
        fputs("<br/>", f);
        report_html_text(f, a->title);
    }
    fputs("</td>", f);
    td_time(f, s ? s->at : 0);
    td(f, NULL, s ? s->by : NULL);
    td_time(f, e ? e->at : 0);
    fprintf(f, "<td class=\"%s\">", run_class(e));
    report_html_text(f, e ? e->result : "no end recorded");
    if (e && e->has_exit) {
        fprintf(f, " (exit %d)", e->exit_code);
    }
    fputs("</td><td>", f);
    if (e && (e->path || e->sha256 || e->has_bytes)) {
        report_html_text(f, e->path);
        if (e->has_bytes) {
            fprintf(f, "<br/>%lld bytes", (long long)e->bytes);
        }
        if (e->sha256) {
            fputs("<br/>sha256 <code class=\"sha\">", f);
            report_html_text(f, e->sha256);
            fputs("</code>", f);
        }
    }
    fputs("</td></tr>\n", f);
}

static void html_actions(FILE *f, const ReportData *d) {
    fputs("<h2 id=\"actions\">Actions</h2>\n", f);
    if (d->n_runs == 0) {
        fputs("<p>None.</p>\n", f);
        return;
    }
    fputs("<table class=\"actions\">\n<thead><tr><th>Action</th><th>Started (UTC)</th>"
          "<th>By</th><th>Ended (UTC)</th><th>Result</th><th>Backup</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t i = 0; i < d->n_runs; i++) {
        html_run(f, d, &d->runs[i]);
    }
    fputs("</tbody>\n</table>\n", f);
}

int report_html(FILE *f, const ReportData *d) {
    html_head(f, d);
    html_summary(f, d);
    html_timeline(f, d);
    html_checklists(f, d);
    html_overrides(f, d);
    html_actions(f, d);
    fprintf(f,
            "<p class=\"footer\">Generated by opsdeck %s from %zu journal events.</p>\n"
            "</body>\n</html>\n",
            OPSDECK_VERSION, d->state->n_events);
    return 0;
}
