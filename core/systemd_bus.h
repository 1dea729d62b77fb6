#pragma once
/* Small helpers shared by the systemd modules: names on the bus, turning a
 * bus error into a short result word and a sentence. */
#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-bus.h>

#define SYSTEMD_DEST "org.freedesktop.systemd1"
#define SYSTEMD_PATH "/org/freedesktop/systemd1"
#define SYSTEMD_MANAGER "org.freedesktop.systemd1.Manager"
#define SYSTEMD_UNIT_IFACE "org.freedesktop.systemd1.Unit"
/* A method call waits at most this long: a polkit agent nobody answers costs
 * this, not a hang. */
#define SYSTEMD_CALL_TIMEOUT_USEC (25ULL * 1000000ULL)

/* Open the system bus (user_bus: the user's).  Returns 0 or a negative errno. */
int systemd_bus_open(bool user_bus, sd_bus **ret);

/* A short word for a failed call: "not-found", "access-denied", "no-answer",
 * "no-systemd", "error". */
const char *systemd_bus_error_word(const sd_bus_error *e, int r);

/* The reason a call failed, as a phrase (sanitised, new string; NULL on OOM). */
char *systemd_bus_error_reason(const sd_bus_error *e, int r, bool user_bus);
