#include "cli/event_json.h"

#include "core/timeutil.h"

static void add_opt(cJSON *o, const char *key, const char *v) {
    if (v) {
        cJSON_AddStringToObject(o, key, v);
    }
}

cJSON *event_to_json(const JournalEvent *ev) {
    char at[32];
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        return NULL;
    }
    cJSON_AddNumberToObject(o, "seq", (double)ev->seq);
    add_opt(o, "id", ev->uid);
    cJSON_AddStringToObject(o, "at", time_format_iso8601(ev->at, at, sizeof(at)));
    add_opt(o, "by", ev->by);
    add_opt(o, "host", ev->host);
    cJSON_AddStringToObject(o, "type",
                            ev->type_name ? ev->type_name : event_type_to_string(ev->type));
    add_opt(o, "item", ev->item);
    add_opt(o, "phase", ev->phase);
    add_opt(o, "action", ev->action);
    if (ev->type == EVENT_TICK || ev->type == EVENT_UNTICK || ev->type == EVENT_NOTE) {
        if (ev->note) {
            cJSON_AddStringToObject(o, "note", ev->note);
        } else {
            cJSON_AddNullToObject(o, "note");
        }
    }
    add_opt(o, "reason", ev->reason);
    add_opt(o, "result", ev->result);
    if (ev->has_exit) {
        cJSON_AddNumberToObject(o, "exit", ev->exit_code);
    }
    if (ev->extra) {
        for (const cJSON *e = ev->extra->child; e; e = e->next) {
            if (e->string && !cJSON_HasObjectItem(o, e->string)) {
                cJSON_AddItemToObject(o, e->string, cJSON_Duplicate(e, true));
            }
        }
    }
    return o;
}
