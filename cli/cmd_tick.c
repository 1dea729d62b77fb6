/* opsdeck tick / untick: record an item durably, then say so. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/checks.h"
#include "cli/cli.h"
#include "cli/out.h"
#include "cli/secrets.h"
#include "core/text.h"
#include "core/timeutil.h"

static int refuse_unknown_item(const Plan *p, const char *id) {
    fputs("opsdeck: the plan has no item '", stderr);
    out_text(stderr, id);
    fputs("'", stderr);
    /* a phase id given by mistake is the usual slip */
    const Phase *ph = plan_find_phase(p, id);
    if (ph && ph->n_items) {
        fputs("; it is a phase — its items are ", stderr);
        for (size_t k = 0; k < ph->n_items && k < 5; k++) {
            fprintf(stderr, "%s%s", k ? ", " : "", ph->items[k].id);
        }
        fputs(ph->n_items > 5 ? ", …" : "", stderr);
    }
    fputs("\n", stderr);
    return EXIT_USAGE;
}

static bool valid_text(const char *what, const char *s) {
    if (s && text_utf8_validate(s, strlen(s)) != strlen(s)) {
        fprintf(stderr, "opsdeck: the %s is not valid UTF-8; write it in UTF-8\n", what);
        return false;
    }
    return true;
}

/* The evidence gate: run the item's check once (bounded by its timeout).  Ok:
 * the tick records its value.  Otherwise refuse, unless --override: then the
 * tick records the reason and the check's status, value and error. */
static int check_evidence(const Session *s, const Options *o, const Item *it, cJSON **ret_extra) {
    size_t idx = 0;
    for (; idx < s->plan->n_checks && !streq(s->plan->checks[idx].id, it->check); idx++) {
    }
    if (idx == s->plan->n_checks) {
        fprintf(stderr, "opsdeck: item '%s' names check '%s', which the plan does not have\n",
                it->id, it->check);
        return EXIT_USAGE;
    }
    CheckEngine *e = NULL;
    if (cli_checks_run(s->plan, o, &idx, 1, &e) < 0) {
        fprintf(stderr, "opsdeck: cannot run check '%s': out of memory\n", it->check);
        return EXIT_FAILED;
    }
    const CheckEntry *ce = check_engine_entry(e, idx);
    char why[1024];
    cli_check_summary(ce, why, sizeof(why));
    int rc = EXIT_OK;
    if (ce->result.status != CHECK_STATUS_OK) {
        fprintf(stderr, "opsdeck: %s '%s': check '%s' is %s (",
                o->override_reason ? "overriding" : "cannot tick", it->id, it->check,
                check_status_to_string(ce->result.status));
        out_text(stderr, why);
        if (o->override_reason) {
            fputs("); ticking it with your reason (journaled with the check's result)\n", stderr);
        } else {
            fputs("). Fix it and tick again, or pass --override REASON to tick it without that "
                  "evidence (the reason is journaled).\n",
                  stderr);
            rc = EXIT_FAILED;
        }
    }
    if (rc == EXIT_OK && !(*ret_extra = check_entry_evidence(ce))) {
        fprintf(stderr, "opsdeck: out of memory\n");
        rc = EXIT_FAILED;
    }
    cli_checks_done(e);
    return rc;
}

static int check_gates(const Session *s, const Options *o, const Item *it, bool *ret_override,
                       cJSON **ret_extra) {
    *ret_override = false;
    _cleanup_(freep) char *missing = NULL;
    const Phase *ph = &s->plan->phases[it->phase];
    if (state_gate(s->state, it, &missing) == -EPERM) {
        if (!o->override_reason) {
            fprintf(stderr,
                    "opsdeck: cannot tick '%s': phase '%s' depends on %s, not complete yet. "
                    "Finish %s first, or pass --override REASON to start '%s' anyway (the "
                    "reason is journaled).\n",
                    it->id, ph->id, missing ? missing : "phases", missing ? "them" : "those",
                    ph->id);
            return EXIT_FAILED;
        }
        *ret_override = true;
    }
    if (it->check && !it->rollback) {
        return check_evidence(s, o, it, ret_extra);
    }
    return EXIT_OK;
}

static void print_evidence(const cJSON *extra) {
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(extra, "check");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(extra, "check_status");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(extra, "check_value");
    if (!cJSON_IsString(id) || !cJSON_IsString(st)) {
        return;
    }
    printf("evidence: check %s is %s, value ", id->valuestring, st->valuestring);
    out_text(stdout, cJSON_IsString(v) ? v->valuestring : NULL);
    putchar('\n');
}

static void print_result(const Session *s, const JournalEvent *ev, const Item *it) {
    char at[32];
    const PhaseState *ps = &s->state->phases[it->phase];
    printf("%s %s by ", ev->type == EVENT_TICK ? "ticked" : "unticked", it->id);
    out_text(stdout, ev->by);
    printf(" at %s (seq %llu)", time_format_iso8601(ev->at, at, sizeof(at)),
           (unsigned long long)ev->seq);
    if (ev->note) {
        fputs(" — ", stdout);
        out_text(stdout, ev->note);
    }
    printf("\nphase %s: %zu/%zu %s; plan: %zu/%zu items\n", s->plan->phases[it->phase].id, ps->done,
           ps->total, phase_status_to_string(ps->status), s->state->done, s->state->total);
}

static int tick_common(const Options *o, char **argv, bool tick) {
    if (!valid_text("note", o->note) || !valid_text("reason", o->override_reason) ||
        !valid_text("name given with --as", o->as)) {
        return EXIT_USAGE;
    }
    if (o->readonly) {
        fprintf(stderr, "opsdeck: --readonly: nothing is recorded; drop --readonly to %s\n",
                tick ? "tick" : "untick");
        return EXIT_FAILED;
    }
    Session s;
    cJSON *extra = NULL; /* the evidence a gated tick records */
    int rc = session_open(&s, o, argv[0], SESSION_WRITE);
    if (rc != EXIT_OK) {
        return rc;
    }
    (void)cli_print_secret_warnings(s.plan, stderr);
    const Item *it = plan_find_item(s.plan, argv[1]);
    if (!it) {
        rc = refuse_unknown_item(s.plan, argv[1]);
        goto out;
    }
    const ItemState *is = &s.state->items[it->index];
    if (is->done == tick && !o->note) {
        char at[32];
        printf("%s is already %s (by ", it->id, tick ? "ticked" : "not ticked");
        out_text(stdout, is->by);
        printf(" at %s); nothing recorded\n",
               is->at ? time_format_iso8601(is->at, at, sizeof(at)) : "-");
        rc = EXIT_OK;
        goto out;
    }
    bool override = false;
    if (tick && (rc = check_gates(&s, o, it, &override, &extra)) != EXIT_OK) {
        goto out;
    }
    const char *by = cli_actor(o);
    const Phase *ph = &s.plan->phases[it->phase];
    JournalEvent evs[2];
    size_t n = 0;
    if (override) {
        evs[n++] = (JournalEvent){
            .type = EVENT_PHASE_OVERRIDE, .by = by, .phase = ph->id, .reason = o->override_reason};
    }
    evs[n++] = (JournalEvent){.type = tick ? EVENT_TICK : EVENT_UNTICK,
                              .by = by,
                              .item = it->id,
                              .note = o->note,
                              .reason = tick && it->check ? o->override_reason : NULL,
                              .extra = extra};
    int r = journal_append(s.journal, evs, n, session_fold_cb, &s);
    session_print_warnings(&s);
    if (r < 0) {
        fprintf(stderr, "opsdeck: the %s of '%s' was NOT recorded: cannot write journal '",
                tick ? "tick" : "untick", it->id);
        out_text(stderr, s.journal_path);
        fprintf(stderr, "': %s. %s\n", strerror(-r),
                journal_failure(s.journal)
                    ? "The journal is now read-only; check the disk, then run the command again."
                    : "Check the path and its permissions, then run the command again.");
        rc = EXIT_FAILED;
        goto out;
    }
    session_sync_push(&s); /* durable here; now to the other consoles */
    if (override) {
        printf("override of phase %s journaled: ", ph->id);
        out_text(stdout, o->override_reason);
        putchar('\n');
    }
    print_result(&s, &evs[n - 1], it);
    print_evidence(extra);
    rc = EXIT_OK;
out:
    cJSON_Delete(extra);
    session_close(&s);
    return rc;
}

int cmd_tick(const Options *o, int argc, char **argv) {
    return tick_common(o, argv, true);
}

int cmd_untick(const Options *o, int argc, char **argv) {
    return tick_common(o, argv, false);
}
