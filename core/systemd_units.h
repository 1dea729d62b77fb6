#pragma once
/* Live status of the plan's systemd units over sd-bus, event-driven: one
 * LoadUnit per unit finds its object, GetAll reads it, then the manager's
 * PropertiesChanged signals on those objects keep it current.  States are never
 * polled.  The one exception is memory: systemd does not signal MemoryCurrent
 * (it is not an emitting property), so a caller that shows it samples it with
 * systemd_units_sample_memory() at a low rate, and only while it is shown.
 *
 * The owner drives it from its event loop: poll systemd_units_fd() for
 * systemd_units_events(), wake at systemd_units_deadline_ms() (bus timeouts and
 * reconnect backoff), and call systemd_units_process() on either.  When the bus
 * cannot be reached the set says so (systemd_units_error()) and retries with
 * backoff (1 s doubling to 30 s). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sd_bus;

typedef enum SystemdConn {
    SYSTEMD_CONNECTING,  /* the bus is open, the first answers are on their way */
    SYSTEMD_CONNECTED,   /* systemd answered: the states are live */
    SYSTEMD_UNAVAILABLE, /* no bus or no systemd on it; retried */
} SystemdConn;

#define SYSTEMD_USEC_NONE UINT64_MAX

/* What is known of one unit.  Strings are sanitised and owned by the set;
 * NULL until systemd has answered. */
typedef struct UnitStatus {
    char *unit;        /* as the plan names it */
    char *load;        /* LoadState: loaded, not-found, masked, error … */
    char *active;      /* ActiveState: active, inactive, failed, activating … */
    char *sub;         /* SubState: running, dead, exited, auto-restart … */
    char *description; /* Description */
    bool known;        /* load/active/sub were read */
    uint32_t main_pid; /* services; 0 = none */
    uint32_t n_restarts;
    uint64_t memory;            /* bytes, SYSTEMD_USEC_NONE when not accounted */
    uint64_t since_usec;        /* StateChangeTimestamp, realtime µs; 0 = never */
    uint64_t active_enter_usec; /* ActiveEnterTimestamp */
    bool is_timer;
    uint64_t next_elapse_usec;  /* timers: NextElapseUSecRealtime; 0 = none */
    uint64_t last_trigger_usec; /* timers: LastTriggerUSec; 0 = never */
    uint64_t changes;           /* bumped at every change seen */
    long long changed_mono_ms;  /* when the last change was read */
} UnitStatus;

typedef struct SystemdUnits SystemdUnits;

enum {
    SYSTEMD_UNITS_FOLLOW = 1u << 0, /* Subscribe and follow changes; otherwise read once */
};

/* A set for units[0..n) (copied; duplicates are kept once).  NULL on OOM. */
SystemdUnits *systemd_units_new(const char *const *units, size_t n, bool user_bus, unsigned flags);
SystemdUnits *systemd_units_free(SystemdUnits *s);

/* Open the bus and send the first calls; never blocks on systemd.  On failure
 * the set is UNAVAILABLE with the reason and a retry deadline; returns 0 or
 * the negative errno. */
int systemd_units_connect(SystemdUnits *s, long long now_ms);

/* The bus fd, or -1 when there is none. */
int systemd_units_fd(const SystemdUnits *s);
/* poll() events for the fd (POLLIN, and POLLOUT while output is queued). */
short systemd_units_events(const SystemdUnits *s);
/* The monotonic ms deadline by which process() must run (a bus timeout, a
 * retry), or -1 for none. */
long long systemd_units_deadline_ms(const SystemdUnits *s);
/* Dispatch whatever is ready; reconnect when the retry is due.  Returns > 0
 * when the connection or any unit changed, 0 when nothing did. */
int systemd_units_process(SystemdUnits *s, long long now_ms);

SystemdConn systemd_units_conn(const SystemdUnits *s);
/* Why it is unavailable (a sentence fragment), or NULL. */
const char *systemd_units_error(const SystemdUnits *s);
/* The monotonic ms of the next reconnect, when unavailable. */
long long systemd_units_retry_at(const SystemdUnits *s);
bool systemd_units_user_bus(const SystemdUnits *s);
/* All units read (or the bus is unavailable): a one-shot reader may stop. */
bool systemd_units_settled(const SystemdUnits *s);

size_t systemd_units_count(const SystemdUnits *s);
const UnitStatus *systemd_units_get(const SystemdUnits *s, size_t i);
/* By unit name, or NULL. */
const UnitStatus *systemd_units_find(const SystemdUnits *s, const char *unit);
/* The connection, for unit actions (systemd_action_start_async); NULL when
 * not connected.  Not a new reference. */
struct sd_bus *systemd_units_bus(const SystemdUnits *s);
/* Read everything again (after an action, on an explicit refresh). */
void systemd_units_refresh(SystemdUnits *s);
/* Sample MemoryCurrent of the services that have processes (active, activating,
 * deactivating, reloading): one asynchronous Get per unit, never more than one
 * in flight per unit (a unit whose last sample has not answered is skipped).
 * The answers arrive through systemd_units_process() like any change.  Returns
 * the number of calls sent; never blocks. */
int systemd_units_sample_memory(SystemdUnits *s);

/* One-shot, blocking at most timeout_ms: read the units once.  Returns 0 and
 * a set (settled, or with what arrived before the deadline), or a negative
 * errno with *ret_error (may be NULL) a new string saying why.  */
int systemd_units_query(const char *const *units, size_t n, bool user_bus, long long timeout_ms,
                        SystemdUnits **ret, char **ret_error);

/* "512K", "12.3M", "1.2G"; "-" when not accounted (SYSTEMD_USEC_NONE). */
const char *unit_format_memory(uint64_t bytes, char *buf, size_t size);
/* A realtime µs timestamp as ISO 8601 UTC ("2026-11-28T22:14:03Z"); "-" for 0. */
const char *unit_format_usec(uint64_t usec, char *buf, size_t size);
