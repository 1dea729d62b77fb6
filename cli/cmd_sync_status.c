/* opsdeck sync-status: the stream a plan syncs through, how far this journal
 * is, what is pending, and who else is connected.  Secrets never shown. */
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "cli/sync_cli.h"
#include "core/sync_conn.h"

typedef struct SyncView {
    SyncStreamInfo info;
    bool have_info;
    SyncConsole *consoles;
    size_t n_consoles;
    char *why; /* a query that failed while connected */
} SyncView;

static void add_id(cJSON *o, const char *key, StreamId id) {
    char buf[STREAM_ID_MAX];
    if (stream_id_is_none(id)) {
        cJSON_AddNullToObject(o, key);
    } else {
        cJSON_AddStringToObject(o, key, stream_id_format(id, buf));
    }
}

static const char *reason(const SessionSync *ss, const SyncView *v) {
    return ss->down ? ss->down : ss->failed ? ss->failed : v->why;
}

static int print_json(const Session *s, const SessionSync *ss, const SyncView *v) {
    const SyncLog *log = ss->sync->log;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "key", ss->have_target ? ss->target.key : "");
    cJSON_AddStringToObject(o, "url", ss->have_target ? ss->target.url_shown : "");
    cJSON_AddBoolToObject(o, "reachable", ss->conn != NULL);
    if (reason(ss, v)) {
        cJSON_AddStringToObject(o, "error", reason(ss, v));
    } else {
        cJSON_AddNullToObject(o, "error");
    }
    cJSON_AddStringToObject(o, "journal", s->journal_path);
    cJSON_AddNumberToObject(o, "events", (double)sync_log_size(log));
    cJSON_AddNumberToObject(o, "pending", (double)sync_log_n_pending(log));
    add_id(o, "last_seen", sync_log_last_id(log));
    add_id(o, "cursor", sync_log_cursor(log));
    cJSON_AddNumberToObject(o, "pushed", (double)ss->total.pushed);
    cJSON_AddNumberToObject(o, "received", (double)ss->total.added);
    cJSON_AddBoolToObject(o, "reseeded", ss->total.reseeded);
    if (v->have_info) {
        cJSON *st = cJSON_AddObjectToObject(o, "stream");
        cJSON_AddBoolToObject(st, "exists", v->info.exists);
        cJSON_AddNumberToObject(st, "length", (double)v->info.length);
        add_id(st, "first", v->info.first);
        add_id(st, "last", v->info.last);
    } else {
        cJSON_AddNullToObject(o, "stream");
    }
    cJSON *list = cJSON_AddArrayToObject(o, "consoles");
    for (size_t i = 0; i < v->n_consoles; i++) {
        const SyncConsole *c = &v->consoles[i];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "id", c->id);
        cJSON_AddStringToObject(e, "name", c->name);
        cJSON_AddStringToObject(e, "host", c->host);
        cJSON_AddStringToObject(e, "mode", c->mode);
        cJSON_AddBoolToObject(e, "readonly", c->readonly);
        cJSON_AddItemToArray(list, e);
    }
    int r = out_json(stdout, o);
    cJSON_Delete(o);
    return r < 0 ? EXIT_FAILED : EXIT_OK;
}

static void print_id(const char *label, StreamId id) {
    char buf[STREAM_ID_MAX];
    printf("%-10s %s\n", label, stream_id_is_none(id) ? "-" : stream_id_format(id, buf));
}

static int print_text(const Session *s, const SessionSync *ss, const SyncView *v) {
    const SyncLog *log = ss->sync->log;
    fputs("stream     ", stdout);
    out_text(stdout, ss->have_target ? ss->target.key : "-");
    fputs(" on ", stdout);
    out_text(stdout, ss->have_target ? ss->target.url_shown : "-");
    fputs("\nredis      ", stdout);
    if (ss->conn) {
        fputs("reachable", stdout);
    } else {
        fputs("unreachable: ", stdout);
        out_text(stdout, reason(ss, v));
    }
    fputs("\njournal    ", stdout);
    out_text(stdout, s->journal_path);
    printf(" (%zu events, %zu pending)\n", sync_log_size(log), sync_log_n_pending(log));
    print_id("last seen", sync_log_last_id(log));
    print_id("read to", sync_log_cursor(log));
    if (v->have_info) {
        char a[STREAM_ID_MAX];
        printf("entries    %zu, last %s\n", v->info.length,
               stream_id_is_none(v->info.last) ? "-" : stream_id_format(v->info.last, a));
    }
    if (ss->total.reseeded) {
        printf("re-seeded  the stream from this journal (%zu events pushed)\n", ss->total.pushed);
    }
    printf("consoles   %zu", v->n_consoles);
    for (size_t i = 0; i < v->n_consoles; i++) {
        const SyncConsole *c = &v->consoles[i];
        fputs(i ? ", " : ": ", stdout);
        out_text(stdout, c->name);
        fputs("@", stdout);
        out_text(stdout, c->host);
        fputs(" (", stdout);
        out_text(stdout, c->mode);
        fputs(c->readonly ? ", read-only)" : ")", stdout);
    }
    putchar('\n');
    return EXIT_OK;
}

int cmd_sync_status(const Options *o, int argc, char **argv) {
    Session s;
    int rc = session_open(&s, o, argv[0], 0);
    if (rc != EXIT_OK) {
        return rc;
    }
    SessionSync *ss = s.sync;
    if (!ss) {
        fprintf(stderr,
                "opsdeck: plan '%s' does not sync; add sync: { redis: \"redis://HOST:6379/0\" } "
                "to share its journal between consoles\n",
                s.plan->id);
        session_close(&s);
        return EXIT_USAGE;
    }
    SyncView v = {0};
    if (ss->conn) {
        v.have_info = sync_conn_stream_info(ss->conn, ss->target.key, &v.info, &v.why) == 0;
        if (!v.why) {
            (void)sync_conn_consoles(ss->conn, &ss->target, &v.consoles, &v.n_consoles, &v.why);
        }
    }
    rc = o->json ? print_json(&s, ss, &v) : print_text(&s, ss, &v);
    if (rc == EXIT_OK && !ss->conn) {
        rc = EXIT_FAILED; /* the connection is what was asked about */
    }
    sync_consoles_free(v.consoles, v.n_consoles);
    free(v.why);
    session_close(&s);
    return rc;
}
