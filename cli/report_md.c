/* opsdeck report --format md: the Markdown post-migration report. */
#include <string.h>

#include "cli/report.h"
#include "core/text.h"

/* Sanitised, with the characters that would change Markdown structure escaped. */
static void md(FILE *f, const char *s) {
    if (!s) {
        fputs("—", f);
        return;
    }
    _cleanup_(freep) char *safe = text_sanitize(s, strlen(s));
    for (const char *p = safe; p && *p; p++) {
        if (strchr("\\`*_[]<>|#", *p)) {
            fputc('\\', f);
        }
        fputc(*p, f);
    }
}

static void md_header(FILE *f, const ReportData *d) {
    const Plan *p = d->plan;
    const State *st = d->state;
    const Timeline *tl = d->timeline;
    char a[32], b[32], c[32], e[32];
    fputs("# Post-migration report: ", f);
    md(f, p->title);
    fprintf(f, "\n\n");
    fprintf(f, "- Plan: `%s` (", p->id);
    md(f, p->file);
    fprintf(f, ")\n- Journal: ");
    md(f, d->session->journal_path);
    fprintf(f, " — %zu events, last seq %llu\n", st->n_events, (unsigned long long)st->last_seq);
    fprintf(f, "- Generated: %s UTC\n", report_fmt_time(d->generated, a, sizeof(a)));
    fprintf(f, "- Window: %s %s UTC; planned end %s UTC; %s %s UTC (%s)\n",
            tl->t0_from_plan ? "planned start" : "first event",
            report_fmt_time(tl->t0, a, sizeof(a)), report_fmt_time(tl->planned_end, b, sizeof(b)),
            st->done == st->total ? "finished" : "projected end",
            report_fmt_time(tl->projected_end, c, sizeof(c)),
            report_fmt_slip(tl->projected_slip, true, e, sizeof(e)));
    fprintf(f, "- Progress: %zu/%zu items, %zu/%zu phases complete\n\n", st->done, st->total,
            report_phases_complete(d), p->n_phases);
}

static void md_timeline(FILE *f, const ReportData *d) {
    const Plan *p = d->plan;
    const Timeline *tl = d->timeline;
    fprintf(f, "## Planned vs actual\n\n"
               "| Phase | Title | Risk | Status | Planned start | Planned end | Actual start | "
               "Actual end | Slip |\n"
               "|---|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < p->n_phases; i++) {
        const Phase *ph = &p->phases[i];
        const PhaseTimes *pt = &tl->phases[i];
        char a[32], b[32], c[32], e[32], g[32];
        fprintf(f, "| `%s`%s | ", ph->id, pt->critical ? " ★" : "");
        md(f, ph->title);
        fprintf(f, " | %s | %s | %s | %s | %s | %s | %s |\n", risk_to_string(ph->risk),
                phase_status_to_string(d->state->phases[i].status),
                report_fmt_time(tl->t0 + pt->planned_start, a, sizeof(a)),
                report_fmt_time(tl->t0 + pt->planned_end, b, sizeof(b)),
                report_fmt_time(pt->actual_start, c, sizeof(c)),
                report_fmt_time(pt->actual_end, e, sizeof(e)),
                report_fmt_slip(pt->slip, pt->actual_start != 0, g, sizeof(g)));
    }
    fprintf(f, "\n★ on the critical path\n\n");
}

static void md_items(FILE *f, const State *st, const Item *v, size_t n) {
    for (size_t k = 0; k < n; k++) {
        const ItemState *is = &st->items[v[k].index];
        char a[32];
        fprintf(f, "- [%c] `%s` ", is->done ? 'x' : ' ', v[k].id);
        md(f, v[k].text);
        if (v[k].optional) {
            fputs(" *(optional)*", f);
        }
        if (is->by) {
            fprintf(f, " — %s by ", is->done ? "ticked" : "unticked");
            md(f, is->by);
            fprintf(f, " at %s UTC", report_fmt_time(is->at, a, sizeof(a)));
        }
        if (is->note) {
            fputs(" — note: ", f);
            md(f, is->note);
        }
        fputc('\n', f);
    }
}

static void md_checklists(FILE *f, const ReportData *d) {
    const Plan *p = d->plan;
    fprintf(f, "## Checklists\n\n");
    for (size_t i = 0; i < p->n_phases; i++) {
        const Phase *ph = &p->phases[i];
        const PhaseState *ps = &d->state->phases[i];
        fprintf(f, "### ");
        md(f, ph->title);
        fprintf(f, " (`%s`, %zu/%zu)\n\n", ph->id, ps->done, ps->total);
        md_items(f, d->state, ph->items, ph->n_items);
        if (report_rollback_touched(d, i)) {
            fprintf(f, "\nRollback steps:\n\n");
            md_items(f, d->state, ph->rollback, ph->n_rollback);
        }
        fputc('\n', f);
    }
}

static void md_overrides(FILE *f, const ReportData *d) {
    fprintf(f, "## Overrides\n\n");
    size_t n = 0;
    for (size_t i = 0; i < d->n_events; i++) {
        const ReportEvent *e = &d->events[i];
        if (e->type != EVENT_PHASE_OVERRIDE && e->type != EVENT_TICK) {
            continue;
        }
        char a[32];
        fprintf(f, "- %s UTC, seq %llu: ", report_fmt_time(e->at, a, sizeof(a)),
                (unsigned long long)e->seq);
        md(f, e->by);
        fputs(e->type == EVENT_TICK ? " ticked `" : " started phase `", f);
        fputs(e->target ? e->target : "?", f);
        fputs(e->type == EVENT_TICK ? "` past its check: " : "` early: ", f);
        md(f, e->reason);
        fputc('\n', f);
        n++;
    }
    fprintf(f, "%s\n", n ? "" : "None.\n");
}

static void md_actions(FILE *f, const ReportData *d) {
    fprintf(f, "## Actions\n\n");
    size_t n = 0;
    for (size_t i = 0; i < d->n_events; i++) {
        const ReportEvent *e = &d->events[i];
        if (e->type != EVENT_ACTION_START && e->type != EVENT_ACTION_END) {
            continue;
        }
        char a[32];
        fprintf(f, "- %s UTC, seq %llu: `%s` %s by ", report_fmt_time(e->at, a, sizeof(a)),
                (unsigned long long)e->seq, e->target ? e->target : "?",
                e->type == EVENT_ACTION_START ? "started" : "ended");
        md(f, e->by);
        if (e->result) {
            fputs(": ", f);
            md(f, e->result);
        }
        if (e->has_exit) {
            fprintf(f, " (exit %d)", e->exit_code);
        }
        if (e->path || e->sha256) {
            fputs(" — ", f);
            md(f, e->path ? e->path : "");
            if (e->sha256) {
                fputs(" sha256 ", f);
                md(f, e->sha256);
            }
        }
        fputc('\n', f);
        n++;
    }
    fprintf(f, "%s", n ? "" : "None.\n");
}

int report_md(FILE *f, const ReportData *d) {
    md_header(f, d);
    md_timeline(f, d);
    md_checklists(f, d);
    md_overrides(f, d);
    md_actions(f, d);
    return 0;
}
