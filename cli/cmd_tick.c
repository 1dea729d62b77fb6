/* opsdeck tick / untick: record an item durably, then say so. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
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

static int check_gates(const Session *s, const Options *o, const Item *it, bool *ret_override) {
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
    if (it->check && !it->rollback && !o->override_reason) {
        fprintf(stderr,
                "opsdeck: cannot tick '%s': it needs check '%s' to be ok, and this version of "
                "opsdeck cannot run health checks yet. Pass --override REASON to tick it "
                "without that evidence (the reason is journaled).\n",
                it->id, it->check);
        return EXIT_FAILED;
    }
    return EXIT_OK;
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
    printf("\nphase %s: %zu/%zu %s; plan: %zu/%zu items\n", s->plan->phases[it->phase].id,
           ps->done, ps->total, phase_status_to_string(ps->status), s->state->done,
           s->state->total);
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
    int rc = session_open(&s, o, argv[0], SESSION_WRITE);
    if (rc != EXIT_OK) {
        return rc;
    }
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
    if (tick && (rc = check_gates(&s, o, it, &override)) != EXIT_OK) {
        goto out;
    }
    const char *by = cli_actor(o);
    const Phase *ph = &s.plan->phases[it->phase];
    JournalEvent evs[2];
    size_t n = 0;
    if (override) {
        evs[n++] = (JournalEvent){.type = EVENT_PHASE_OVERRIDE, .by = by, .phase = ph->id,
                                  .reason = o->override_reason};
    }
    evs[n++] = (JournalEvent){.type = tick ? EVENT_TICK : EVENT_UNTICK, .by = by,
                              .item = it->id, .note = o->note,
                              .reason = tick && it->check ? o->override_reason : NULL};
    int r = journal_append(s.journal, evs, n, state_apply_cb, s.state);
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
    if (override) {
        printf("override of phase %s journaled: ", ph->id);
        out_text(stdout, o->override_reason);
        putchar('\n');
    }
    print_result(&s, &evs[n - 1], it);
    rc = EXIT_OK;
out:
    session_close(&s);
    return rc;
}

int cmd_tick(const Options *o, int argc, char **argv) {
    return tick_common(o, argv, true);
}

int cmd_untick(const Options *o, int argc, char **argv) {
    return tick_common(o, argv, false);
}
