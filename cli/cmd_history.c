/* opsdeck history: the journal as an audit trail, oldest first. */
#include <string.h>

#include "cli/cli.h"
#include "cli/event_json.h"
#include "cli/out.h"
#include "core/timeutil.h"

typedef struct HistoryCtx {
    bool json;
} HistoryCtx;

static const char *target(const JournalEvent *ev) {
    return ev->item ? ev->item : ev->phase ? ev->phase : ev->action ? ev->action : "-";
}

static int print_event(const JournalEvent *ev, void *userdata) {
    HistoryCtx *c = userdata;
    if (c->json) {
        cJSON *o = event_to_json(ev);
        if (!o || out_json(stdout, o) < 0) {
            cJSON_Delete(o);
            return -ENOMEM;
        }
        cJSON_Delete(o);
        return 0;
    }
    char at[32];
    printf("%6llu  %s  ", (unsigned long long)ev->seq, time_format_iso8601(ev->at, at, sizeof(at)));
    out_cell(stdout, ev->by, 10);
    fputs(" ", stdout);
    out_cell(stdout, ev->type_name ? ev->type_name : event_type_to_string(ev->type), 14);
    fputs(" ", stdout);
    out_text(stdout, target(ev));
    if (ev->result) {
        fputs("  result=", stdout);
        out_text(stdout, ev->result);
        if (ev->has_exit) {
            printf(" exit=%d", ev->exit_code);
        }
    }
    if (ev->reason) {
        fputs("  reason: ", stdout);
        out_text(stdout, ev->reason);
    }
    if (ev->note) {
        fputs("  note: ", stdout);
        out_text(stdout, ev->note);
    }
    fputs("  @", stdout);
    out_text(stdout, ev->host);
    putchar('\n');
    return 0;
}

int cmd_history(const Options *o, int argc, char **argv) {
    Session s;
    int rc = session_open(&s, o, argv[0], SESSION_NO_READ);
    if (rc != EXIT_OK) {
        return rc;
    }
    HistoryCtx c = {.json = o->json};
    if (!o->json) {
        printf("%6s  %-20s  %-10s %-14s %s\n", "SEQ", "AT (UTC)", "BY", "TYPE", "TARGET");
    }
    int r = session_read(&s, print_event, &c);
    session_print_warnings(&s);
    if (r < 0) {
        fputs("opsdeck: cannot read journal '", stderr);
        out_text(stderr, s.journal_path);
        fprintf(stderr, "': %s\n", strerror(-r));
        rc = EXIT_FAILED;
    }
    session_close(&s);
    return rc;
}
