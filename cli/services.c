#include "cli/services.h"

#include <stdlib.h>
#include <string.h>

#include "cli/out.h"

void cli_services_query(const Plan *p, bool user_bus, CliServices *ret) {
    *ret = (CliServices){0};
    if (p->n_services == 0) {
        return;
    }
    const char **names = calloc(p->n_services, sizeof(*names));
    if (!names) {
        ret->error = strdup("out of memory");
        return;
    }
    for (size_t i = 0; i < p->n_services; i++) {
        names[i] = p->services[i].unit;
    }
    int r = systemd_units_query(names, p->n_services, user_bus, CLI_SERVICES_TIMEOUT_MS,
                                &ret->units, &ret->error);
    free(names);
    if (r < 0 && !ret->error) {
        ret->error = strdup(strerror(-r));
    }
}

void cli_services_done(CliServices *sv) {
    sv->units = systemd_units_free(sv->units);
    free(sv->error);
    sv->error = NULL;
}

static void add_str(cJSON *o, const char *key, const char *v) {
    if (v) {
        cJSON_AddStringToObject(o, key, v);
    } else {
        cJSON_AddNullToObject(o, key);
    }
}

static void add_usec(cJSON *o, const char *key, uint64_t usec) {
    char buf[40];
    if (usec == 0 || usec == SYSTEMD_USEC_NONE) {
        cJSON_AddNullToObject(o, key);
    } else {
        cJSON_AddStringToObject(o, key, unit_format_usec(usec, buf, sizeof(buf)));
    }
}

static cJSON *service_json(const Service *svc, const UnitStatus *st, const char *error) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "unit", svc->unit);
    if (svc->title) {
        cJSON_AddStringToObject(o, "title", svc->title);
    }
    cJSON_AddBoolToObject(o, "critical", svc->critical);
    if (!st || !st->known) {
        cJSON_AddStringToObject(o, "load", "unknown");
        cJSON_AddStringToObject(o, "active", "unknown");
        cJSON_AddStringToObject(o, "sub", "unknown");
        cJSON_AddStringToObject(o, "error", error ? error : "systemd did not answer");
        return o;
    }
    cJSON_AddStringToObject(o, "load", st->load);
    cJSON_AddStringToObject(o, "active", st->active);
    cJSON_AddStringToObject(o, "sub", st->sub);
    add_str(o, "description", st->description);
    add_usec(o, "since", st->since_usec);
    if (st->is_timer) {
        add_usec(o, "next_elapse", st->next_elapse_usec);
        add_usec(o, "last_trigger", st->last_trigger_usec);
    } else {
        cJSON_AddNumberToObject(o, "main_pid", st->main_pid);
        cJSON_AddNumberToObject(o, "restarts", st->n_restarts);
        if (st->memory == SYSTEMD_USEC_NONE) {
            cJSON_AddNullToObject(o, "memory");
        } else {
            cJSON_AddNumberToObject(o, "memory", (double)st->memory);
        }
    }
    cJSON_AddNullToObject(o, "error");
    return o;
}

cJSON *cli_services_json(const Plan *p, const CliServices *sv) {
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < p->n_services; i++) {
        const UnitStatus *st =
            sv->units ? systemd_units_find(sv->units, p->services[i].unit) : NULL;
        cJSON_AddItemToArray(a, service_json(&p->services[i], st, sv->error));
    }
    return a;
}

void cli_services_print(FILE *f, const Plan *p, const CliServices *sv) {
    if (p->n_services == 0) {
        return;
    }
    if (!sv->units) {
        fprintf(f, "\nServices (%zu): unknown — ", p->n_services);
        out_text(f, sv->error ? sv->error : "systemd did not answer");
        fputc('\n', f);
        return;
    }
    fprintf(f, "\nServices (%zu):\n", p->n_services);
    fprintf(f, "   %-32s %-10s %-10s %-14s %8s %7s %s\n", "UNIT", "LOAD", "ACTIVE", "SUB", "PID",
            "MEMORY", "SINCE");
    for (size_t i = 0; i < p->n_services; i++) {
        const UnitStatus *st = systemd_units_find(sv->units, p->services[i].unit);
        char mem[24], since[40], pid[16];
        fputs("   ", f);
        out_cell(f, p->services[i].unit, 32);
        if (!st || !st->known) {
            fputs(" unknown    unknown    unknown\n", f);
            continue;
        }
        snprintf(pid, sizeof(pid), "%u", st->main_pid);
        fprintf(f, " %-10s %-10s %-14s %8s %7s %s\n", st->load, st->active, st->sub,
                st->main_pid ? pid : "-", unit_format_memory(st->memory, mem, sizeof(mem)),
                unit_format_usec(st->since_usec, since, sizeof(since)));
    }
}
