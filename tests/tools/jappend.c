/* jappend PATH JSON...: append one event per JSON argument to the journal at PATH,
 * one journal_append each, printing each acknowledged seq on its own line.  An
 * argument is an object with "type" (required) and any of "by" (default "tester"),
 * "host", "item", "phase", "action", "note", "reason", "result", "at" (ISO 8601),
 * "exit"; every other member becomes payload.  Exit 0, 1 when an append failed, 2
 * when an argument is not an event. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/journal.h"
#include "core/timeutil.h"

static const char *const known[] = {"type",   "by",   "at",     "host",   "item", "phase",
                                    "action", "note", "reason", "result", "exit"};

static const char *str_member(const cJSON *o, const char *name) {
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(c) ? c->valuestring : NULL;
}

static bool is_known(const char *key) {
    for (size_t i = 0; i < ELEMENTSOF(known); i++) {
        if (strcmp(known[i], key) == 0) {
            return true;
        }
    }
    return false;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: jappend PATH JSON...\n");
        return 2;
    }
    _cleanup_(journal_freep) Journal *j = NULL;
    int r = journal_open(argv[1], 0, &j);
    if (r < 0) {
        fprintf(stderr, "jappend: cannot open '%s': %s\n", argv[1], strerror(-r));
        return 1;
    }
    for (int i = 2; i < argc; i++) {
        cJSON *o = cJSON_Parse(argv[i]);
        const char *type = str_member(o, "type");
        cJSON *extra = NULL;
        if (!cJSON_IsObject(o) || !type) {
            goto bad;
        }
        const char *by = str_member(o, "by");
        JournalEvent ev = {.by = by ? by : "tester",
                           .host = str_member(o, "host"),
                           .type = event_type_from_string(type),
                           .item = str_member(o, "item"),
                           .phase = str_member(o, "phase"),
                           .action = str_member(o, "action"),
                           .note = str_member(o, "note"),
                           .reason = str_member(o, "reason"),
                           .result = str_member(o, "result")};
        if (ev.type == EVENT_UNKNOWN) {
            ev.type_name = type;
        }
        const char *at = str_member(o, "at");
        if (at && time_parse_iso8601(at, &ev.at) < 0) {
            goto bad;
        }
        const cJSON *ex = cJSON_GetObjectItemCaseSensitive(o, "exit");
        if (cJSON_IsNumber(ex)) {
            ev.exit_code = ex->valueint;
            ev.has_exit = true;
        }
        for (const cJSON *c = o->child; c; c = c->next) {
            if (is_known(c->string)) {
                continue;
            }
            if (!extra && !(extra = cJSON_CreateObject())) {
                goto bad;
            }
            cJSON_AddItemToObject(extra, c->string, cJSON_Duplicate(c, true));
        }
        ev.extra = extra;
        r = journal_append(j, &ev, 1, NULL, NULL);
        cJSON_Delete(o);
        cJSON_Delete(extra);
        if (r < 0) {
            fprintf(stderr, "jappend: append failed: %s\n", strerror(-r));
            return 1;
        }
        printf("%llu\n", (unsigned long long)ev.seq);
        continue;
    bad:
        fprintf(stderr, "jappend: not an event: %s\n", argv[i]);
        cJSON_Delete(o);
        cJSON_Delete(extra);
        return 2;
    }
    return 0;
}
