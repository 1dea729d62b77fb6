#include "core/systemd_bus.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

int systemd_bus_open(bool user_bus, sd_bus **ret) {
    sd_bus *bus = NULL;
    int r = user_bus ? sd_bus_open_user(&bus) : sd_bus_open_system(&bus);
    if (r < 0) {
        return r;
    }
    *ret = bus;
    return 0;
}

static bool name_is(const sd_bus_error *e, const char *name) {
    return e && e->name && strcmp(e->name, name) == 0;
}

const char *systemd_bus_error_word(const sd_bus_error *e, int r) {
    if (name_is(e, "org.freedesktop.systemd1.NoSuchUnit") ||
        name_is(e, "org.freedesktop.systemd1.LoadFailed") || r == -ENOENT) {
        return "not-found";
    }
    if (name_is(e, SD_BUS_ERROR_ACCESS_DENIED) ||
        name_is(e, SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED) || r == -EACCES ||
        r == -EPERM) {
        return "access-denied";
    }
    if (name_is(e, SD_BUS_ERROR_NO_REPLY) || name_is(e, SD_BUS_ERROR_TIMEOUT) || r == -ETIMEDOUT) {
        return "no-answer";
    }
    if (name_is(e, SD_BUS_ERROR_SERVICE_UNKNOWN) || name_is(e, SD_BUS_ERROR_NAME_HAS_NO_OWNER)) {
        return "no-systemd";
    }
    return "error";
}

char *systemd_bus_error_reason(const sd_bus_error *e, int r, bool user_bus) {
    const char *word = systemd_bus_error_word(e, r);
    char *raw = NULL;
    int n;
    if (!strcmp(word, "access-denied")) {
        n = asprintf(&raw,
                     "not authorised (%s); run it as root, or with a polkit agent in this "
                     "terminal",
                     e && e->message ? e->message : strerror(r < 0 ? -r : EACCES));
    } else if (!strcmp(word, "no-answer")) {
        n = asprintf(&raw,
                     "no answer within %llu s (an authorisation prompt nobody answered? "
                     "run it as root, or start a polkit agent)",
                     SYSTEMD_CALL_TIMEOUT_USEC / 1000000ULL);
    } else if (!strcmp(word, "no-systemd")) {
        n = asprintf(&raw, "systemd is not on the %s bus", user_bus ? "user" : "system");
    } else if (e && e->message) {
        n = asprintf(&raw, "%s", e->message);
    } else {
        n = asprintf(&raw, "%s", strerror(r < 0 ? -r : EIO));
    }
    if (n < 0) {
        return NULL;
    }
    char *s = text_sanitize(raw, strlen(raw));
    free(raw);
    return s;
}
