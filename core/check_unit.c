/* Unit checks over sd-bus: ask systemd for the unit's ActiveState.  Runs on a
 * worker with its own bus connection; a bus that cannot be reached makes the
 * check unknown, with the reason. */
#include <string.h>
#include <systemd/sd-bus.h>

#include "core/check_internal.h"

#define SD_DEST "org.freedesktop.systemd1"

static void bus_failed(CheckRaw *raw, const char *what, const sd_bus_error *e, int r) {
    check_raw_fail(raw, CHECK_STATUS_UNKNOWN, "%s: %s", what,
                   e && e->message ? e->message : strerror(-r));
}

static char *get_string(sd_bus *bus, const char *path, const char *prop, sd_bus_error *e,
                        int *ret_r) {
    char *v = NULL;
    *ret_r = sd_bus_get_property_string(bus, SD_DEST, path, SD_DEST ".Unit", prop, e, &v);
    return *ret_r < 0 ? NULL : v;
}

static void judge_state(const CheckSpec *s, const char *load, const char *active, CheckRaw *raw) {
    check_raw_value(raw, "%s", active);
    if (streq(active, "active")) {
        raw->status = CHECK_STATUS_OK;
    } else if (load && !streq(load, "loaded")) {
        check_raw_fail(raw, CHECK_STATUS_FAIL, "unit '%s' is %s (%s)", s->unit, active, load);
    } else if (streq(active, "activating") || streq(active, "reloading")) {
        check_raw_fail(raw, CHECK_STATUS_WARN, "unit '%s' is %s, not active yet", s->unit, active);
    } else {
        check_raw_fail(raw, CHECK_STATUS_FAIL, "unit '%s' is %s, expected active", s->unit, active);
    }
}

void check_run_unit(const CheckSpec *s, CheckRaw *raw) {
    bool user = s->flags & CHECK_SPEC_USER_BUS;
    const char *which = user ? "the user's systemd" : "systemd";
    sd_bus *bus = NULL;
    int r = user ? sd_bus_open_user(&bus) : sd_bus_open_system(&bus);
    if (r < 0) {
        check_raw_fail(raw, CHECK_STATUS_UNKNOWN, "cannot reach the %s bus: %s",
                       user ? "user" : "system", strerror(-r));
        return;
    }
    (void)sd_bus_set_method_call_timeout(bus, (uint64_t)s->timeout_ms * 1000);
    sd_bus_error e = SD_BUS_ERROR_NULL;
    sd_bus_message *reply = NULL;
    const char *path = NULL;
    char *load = NULL, *active = NULL;
    char what[128];
    snprintf(what, sizeof(what), "cannot ask %s about the unit", which);
    r = sd_bus_call_method(bus, SD_DEST, "/org/freedesktop/systemd1", SD_DEST ".Manager",
                           "LoadUnit", &e, &reply, "s", s->unit ? s->unit : "");
    if (r < 0) {
        bus_failed(raw, what, &e, r);
        goto out;
    }
    if ((r = sd_bus_message_read(reply, "o", &path)) < 0) {
        bus_failed(raw, what, NULL, r);
        goto out;
    }
    load = get_string(bus, path, "LoadState", &e, &r);
    if (r >= 0) {
        active = get_string(bus, path, "ActiveState", &e, &r);
    }
    if (r < 0) {
        bus_failed(raw, what, &e, r);
        goto out;
    }
    judge_state(s, load, active, raw);
out:
    free(load);
    free(active);
    sd_bus_error_free(&e);
    sd_bus_message_unref(reply);
    sd_bus_flush_close_unref(bus);
}
