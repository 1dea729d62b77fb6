#include "cli/checks.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>

#include "cli/out.h"
#include "core/timeutil.h"

int cli_checks_run(const Plan *p, const Options *o, const size_t *idx, size_t n,
                   CheckEngine **ret) {
    CheckEngine *e = NULL;
    int r = check_engine_new(p, CHECK_ENGINE_MANUAL, o->user ? CHECK_SPEC_USER_BUS : 0, &e);
    if (r < 0) {
        return r;
    }
    long long now = time_mono_ms(), longest = 0;
    size_t count = idx ? n : p->n_checks;
    for (size_t k = 0; k < count; k++) {
        size_t i = idx ? idx[k] : k;
        if (check_engine_run_now(e, i, now) == 0) {
            longest = MAX(longest, (long long)p->checks[i].timeout_ms);
        }
    }
    long long deadline = now + longest + CHECK_ENGINE_GRACE_MS;
    while (check_engine_busy(e) > 0) {
        now = time_mono_ms();
        if (now >= deadline) {
            (void)check_engine_run_due(e, now, NULL); /* reports what is overdue */
            break;
        }
        struct pollfd pfd = {.fd = check_engine_fd(e), .events = POLLIN};
        int pr = poll(&pfd, 1, (int)MIN(deadline - now, (long long)INT_MAX));
        if (pr < 0 && errno != EINTR) {
            break;
        }
        if (pr > 0) {
            (void)check_engine_collect(e, time_mono_ms());
        }
    }
    *ret = e;
    return 0;
}

void cli_checks_done(CheckEngine *e) {
    if (e && check_engine_busy(e) == 0) {
        check_engine_free(e);
    }
}

static void add_str(cJSON *o, const char *key, const char *v) {
    if (v) {
        cJSON_AddStringToObject(o, key, v);
    } else {
        cJSON_AddNullToObject(o, key);
    }
}

cJSON *cli_check_json(const CheckEntry *ce) {
    const CheckResult *r = &ce->result;
    cJSON *c = cJSON_CreateObject();
    char at[32];
    cJSON_AddStringToObject(c, "id", ce->check->id);
    cJSON_AddStringToObject(c, "kind", check_kind_to_string(ce->check->kind));
    cJSON_AddStringToObject(c, "status", check_status_to_string(r->status));
    add_str(c, "value", r->value);
    add_str(c, "error", r->error);
    add_str(c, "note", r->note);
    if (ce->has_result) {
        cJSON_AddNumberToObject(c, "latency_ms", (double)r->latency_ms);
        cJSON_AddStringToObject(c, "checked_at",
                                time_format_iso8601(r->checked_at, at, sizeof(at)));
    } else {
        cJSON_AddNullToObject(c, "latency_ms");
        cJSON_AddNullToObject(c, "checked_at");
    }
    return c;
}

void cli_check_summary(const CheckEntry *ce, char *buf, size_t size) {
    const CheckResult *r = &ce->result;
    if (!ce->has_result) {
        snprintf(buf, size, "it has not run");
    } else if (r->error && r->value && !strstr(r->error, r->value)) {
        snprintf(buf, size, "value %s: %s", r->value, r->error);
    } else if (r->error) {
        snprintf(buf, size, "%s", r->error);
    } else {
        snprintf(buf, size, "value %s after %lld ms", r->value ? r->value : "none", r->latency_ms);
    }
}

void cli_check_print(FILE *f, const CheckEntry *ce) {
    const CheckResult *r = &ce->result;
    char ms[32] = "-";
    if (ce->has_result) {
        snprintf(ms, sizeof(ms), "%lld ms", r->latency_ms);
    }
    fprintf(f, "   %-8s ", check_status_to_string(r->status));
    out_cell(f, ce->check->id, 16);
    fprintf(f, " %-7s ", check_kind_to_string(ce->check->kind));
    out_cell(f, r->value ? r->value : "-", 12);
    fprintf(f, " %8s  ", ms);
    if (r->error) {
        out_text(f, r->error);
    } else if (r->note) {
        out_text(f, r->note);
    }
    fputc('\n', f);
}
