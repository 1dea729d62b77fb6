/* opsdeck report: the Markdown post-migration report. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "core/duration.h"
#include "core/text.h"
#include "core/timeline.h"
#include "core/timeutil.h"

/* Events the report lists besides the fold: overrides and actions. */
typedef struct Noted {
    uint64_t seq;
    time_t at;
    EventType type;
    char *by, *target, *reason, *result, *detail;
    int exit_code;
    bool has_exit;
} Noted;

typedef struct ReportCtx {
    State *state;
    Noted *v;
    size_t n, cap;
} ReportCtx;

static char *dup_or_null(const char *s) {
    return s ? strdup(s) : NULL;
}

static int collect(const JournalEvent *ev, void *userdata) {
    ReportCtx *c = userdata;
    int r = state_apply(c->state, ev);
    if (r < 0) {
        return r;
    }
    if (ev->type != EVENT_PHASE_OVERRIDE && ev->type != EVENT_ACTION_START &&
        ev->type != EVENT_ACTION_END && !(ev->type == EVENT_TICK && ev->reason)) {
        return 0;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        Noted *v = realloc(c->v, cap * sizeof(*v));
        if (!v) {
            return -ENOMEM;
        }
        c->v = v, c->cap = cap;
    }
    Noted *n = &c->v[c->n++];
    *n = (Noted){.seq = ev->seq, .at = ev->at, .type = ev->type, .exit_code = ev->exit_code,
                 .has_exit = ev->has_exit};
    n->by = dup_or_null(ev->by);
    n->target = dup_or_null(ev->item ? ev->item : ev->phase ? ev->phase : ev->action);
    n->reason = dup_or_null(ev->reason);
    n->result = dup_or_null(ev->result);
    const cJSON *path = ev->extra ? cJSON_GetObjectItemCaseSensitive(ev->extra, "path") : NULL;
    const cJSON *sha = ev->extra ? cJSON_GetObjectItemCaseSensitive(ev->extra, "sha256") : NULL;
    if (cJSON_IsString(path) || cJSON_IsString(sha)) {
        char *d = NULL;
        if (asprintf(&d, "%s%s%s", cJSON_IsString(path) ? path->valuestring : "",
                     cJSON_IsString(sha) ? " sha256 " : "",
                     cJSON_IsString(sha) ? sha->valuestring : "") >= 0) {
            n->detail = d;
        }
    }
    return 0;
}

static void noted_free(ReportCtx *c) {
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].by);
        free(c->v[i].target);
        free(c->v[i].reason);
        free(c->v[i].result);
        free(c->v[i].detail);
    }
    free(c->v);
}

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

static const char *fmt_time(time_t t, char *buf, size_t size) {
    if (!t) {
        return "—";
    }
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

static const char *fmt_slip(int64_t s, bool known, char *buf, size_t size) {
    char d[32];
    if (!known) {
        return "—";
    }
    snprintf(buf, size, "%s%s", s > 0 ? "+" : "", duration_format(s, d, sizeof(d)));
    return buf;
}

static void report_header(FILE *f, const Session *s, const Timeline *tl) {
    const Plan *p = s->plan;
    const State *st = s->state;
    char a[32], b[32], c[32], d[32];
    fputs("# Post-migration report: ", f);
    md(f, p->title);
    fprintf(f, "\n\n");
    fprintf(f, "- Plan: `%s` (", p->id);
    md(f, p->file);
    fprintf(f, ")\n- Journal: ");
    md(f, s->journal_path);
    fprintf(f, " — %zu events, last seq %llu\n", st->n_events, (unsigned long long)st->last_seq);
    fprintf(f, "- Generated: %s UTC\n", fmt_time(time_now(), a, sizeof(a)));
    fprintf(f, "- Window: %s %s UTC; planned end %s UTC; %s %s UTC (%s)\n",
            tl->t0_from_plan ? "planned start" : "first event", fmt_time(tl->t0, a, sizeof(a)),
            fmt_time(tl->planned_end, b, sizeof(b)),
            st->done == st->total ? "finished" : "projected end",
            fmt_time(tl->projected_end, c, sizeof(c)),
            fmt_slip(tl->projected_slip, true, d, sizeof(d)));
    size_t complete = 0;
    for (size_t i = 0; i < p->n_phases; i++) {
        complete += st->phases[i].status == PHASE_COMPLETE;
    }
    fprintf(f, "- Progress: %zu/%zu items, %zu/%zu phases complete\n\n", st->done, st->total,
            complete, p->n_phases);
}

static void report_timeline(FILE *f, const Session *s, const Timeline *tl) {
    const Plan *p = s->plan;
    fprintf(f, "## Planned vs actual\n\n"
               "| Phase | Title | Risk | Status | Planned start | Planned end | Actual start | "
               "Actual end | Slip |\n"
               "|---|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < p->n_phases; i++) {
        const Phase *ph = &p->phases[i];
        const PhaseTimes *pt = &tl->phases[i];
        char a[32], b[32], c[32], d[32], e[32];
        fprintf(f, "| `%s`%s | ", ph->id, pt->critical ? " ★" : "");
        md(f, ph->title);
        fprintf(f, " | %s | %s | %s | %s | %s | %s | %s |\n", risk_to_string(ph->risk),
                phase_status_to_string(s->state->phases[i].status),
                fmt_time(tl->t0 + pt->planned_start, a, sizeof(a)),
                fmt_time(tl->t0 + pt->planned_end, b, sizeof(b)),
                fmt_time(pt->actual_start, c, sizeof(c)), fmt_time(pt->actual_end, d, sizeof(d)),
                fmt_slip(pt->slip, pt->actual_start != 0, e, sizeof(e)));
    }
    fprintf(f, "\n★ on the critical path\n\n");
}

static void report_items(FILE *f, const State *st, const Item *v, size_t n) {
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
            fprintf(f, " at %s UTC", fmt_time(is->at, a, sizeof(a)));
        }
        if (is->note) {
            fputs(" — note: ", f);
            md(f, is->note);
        }
        fputc('\n', f);
    }
}

static void report_checklists(FILE *f, const Session *s) {
    const Plan *p = s->plan;
    fprintf(f, "## Checklists\n\n");
    for (size_t i = 0; i < p->n_phases; i++) {
        const Phase *ph = &p->phases[i];
        const PhaseState *ps = &s->state->phases[i];
        fprintf(f, "### ");
        md(f, ph->title);
        fprintf(f, " (`%s`, %zu/%zu)\n\n", ph->id, ps->done, ps->total);
        report_items(f, s->state, ph->items, ph->n_items);
        bool any_rb = false;
        for (size_t k = 0; k < ph->n_rollback; k++) {
            any_rb |= s->state->items[ph->rollback[k].index].by != NULL;
        }
        if (any_rb) {
            fprintf(f, "\nRollback steps:\n\n");
            report_items(f, s->state, ph->rollback, ph->n_rollback);
        }
        fputc('\n', f);
    }
}

static void report_noted(FILE *f, const ReportCtx *c) {
    fprintf(f, "## Overrides\n\n");
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++) {
        const Noted *e = &c->v[i];
        if (e->type != EVENT_PHASE_OVERRIDE && e->type != EVENT_TICK) {
            continue;
        }
        char a[32];
        fprintf(f, "- %s UTC, seq %llu: ", fmt_time(e->at, a, sizeof(a)),
                (unsigned long long)e->seq);
        md(f, e->by);
        fprintf(f, e->type == EVENT_TICK ? " ticked `%s` past its check: " : " started phase `%s` early: ",
                e->target ? e->target : "?");
        md(f, e->reason);
        fputc('\n', f);
        n++;
    }
    fprintf(f, "%s\n## Actions\n\n", n ? "" : "None.\n");
    n = 0;
    for (size_t i = 0; i < c->n; i++) {
        const Noted *e = &c->v[i];
        if (e->type != EVENT_ACTION_START && e->type != EVENT_ACTION_END) {
            continue;
        }
        char a[32];
        fprintf(f, "- %s UTC, seq %llu: `%s` %s by ", fmt_time(e->at, a, sizeof(a)),
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
        if (e->detail) {
            fputs(" — ", f);
            md(f, e->detail);
        }
        fputc('\n', f);
        n++;
    }
    fprintf(f, "%s", n ? "" : "None.\n");
}

int cmd_report(const Options *o, int argc, char **argv) {
    if (o->format && strcmp(o->format, "md") != 0) {
        fprintf(stderr, "opsdeck report: format '%s' is not built yet; use --format md\n",
                o->format);
        return EXIT_USAGE;
    }
    Session s;
    int rc = session_open(&s, o, argv[0], SESSION_NO_READ);
    if (rc != EXIT_OK) {
        return rc;
    }
    ReportCtx c = {.state = s.state};
    _cleanup_(timeline_freep) Timeline *tl = NULL;
    int r = journal_read(s.journal, collect, &c);
    session_print_warnings(&s);
    if (r >= 0) {
        r = timeline_compute(s.plan, s.state, time_now(), &tl);
    }
    FILE *f = stdout;
    if (r >= 0 && o->output && !(f = fopen(o->output, "we"))) {
        r = -errno;
    }
    if (r < 0) {
        fprintf(stderr, "opsdeck report: cannot write the report: %s\n", strerror(-r));
        rc = EXIT_FAILED;
    } else {
        report_header(f, &s, tl);
        report_timeline(f, &s, tl);
        report_checklists(f, &s);
        report_noted(f, &c);
        if (f != stdout && fclose(f) != 0) {
            fprintf(stderr, "opsdeck report: cannot write '%s': %s\n", o->output,
                    strerror(errno));
            rc = EXIT_FAILED;
        }
    }
    noted_free(&c);
    session_close(&s);
    return rc;
}
