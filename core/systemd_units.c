/* Live unit status over sd-bus: LoadUnit, GetAll, then PropertiesChanged. */
#include "core/systemd_units.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/macro.h"
#include "core/systemd_bus.h"
#include "core/text.h"
#include "core/timeutil.h"

#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000
#define MAX_PER_PROCESS 256 /* messages dispatched per process() call */

typedef struct UnitEntry {
    UnitStatus st;
    SystemdUnits *owner;
    char *path;                  /* object path; owned */
    sd_bus_slot *load_call;      /* LoadUnit in flight */
    sd_bus_slot *unit_call;      /* GetAll(Unit) in flight */
    sd_bus_slot *type_call;      /* GetAll(Service/Timer) in flight */
    sd_bus_slot *mem_call;       /* Get(MemoryCurrent) in flight: one sample at a time */
    sd_bus_slot *match;          /* PropertiesChanged on path */
    bool answered;               /* the first read is complete (or failed) */
    bool again_unit, again_type; /* changed while a read was in flight: read once more */
} UnitEntry;

struct SystemdUnits {
    bool user_bus;
    unsigned flags;
    UnitEntry *u;
    size_t n;
    sd_bus *bus;
    sd_bus_slot *subscribe, *reloading;
    SystemdConn conn;
    char *error;
    long long retry_at;
    long long backoff_ms;
    bool changed;
    char *failing; /* set by a callback: go unavailable once sd_bus_process returned */
};

static const char *type_iface(const char *unit) {
    const char *dot = strrchr(unit, '.');
    if (!dot) {
        return NULL;
    }
    if (!strcmp(dot, ".service")) {
        return "org.freedesktop.systemd1.Service";
    }
    if (!strcmp(dot, ".timer")) {
        return "org.freedesktop.systemd1.Timer";
    }
    return NULL;
}

static void entry_drop_calls(UnitEntry *e) {
    e->load_call = sd_bus_slot_unref(e->load_call);
    e->unit_call = sd_bus_slot_unref(e->unit_call);
    e->type_call = sd_bus_slot_unref(e->type_call);
    e->mem_call = sd_bus_slot_unref(e->mem_call);
    e->match = sd_bus_slot_unref(e->match);
}

static void status_forget(UnitStatus *st) {
    st->load = mfree(st->load);
    st->active = mfree(st->active);
    st->sub = mfree(st->sub);
    st->description = mfree(st->description);
    st->known = false;
    st->main_pid = 0;
    st->n_restarts = 0;
    st->memory = SYSTEMD_USEC_NONE;
    st->since_usec = st->active_enter_usec = 0;
    st->next_elapse_usec = st->last_trigger_usec = 0;
}

static void touch(UnitEntry *e) {
    e->st.changes++;
    e->st.changed_mono_ms = time_mono_ms();
    e->owner->changed = true;
}

static void set_str(char **field, const char *v) {
    char *s = text_sanitize(v, strlen(v));
    if (s) {
        free(*field);
        *field = s;
    }
}

/* ---- properties ---- */

typedef enum PropType { P_STR, P_U32, P_U64 } PropType;

static const struct Prop {
    const char *name;
    PropType type;
    size_t off;
} props[] = {
    {"LoadState", P_STR, offsetof(UnitStatus, load)},
    {"ActiveState", P_STR, offsetof(UnitStatus, active)},
    {"SubState", P_STR, offsetof(UnitStatus, sub)},
    {"Description", P_STR, offsetof(UnitStatus, description)},
    {"StateChangeTimestamp", P_U64, offsetof(UnitStatus, since_usec)},
    {"ActiveEnterTimestamp", P_U64, offsetof(UnitStatus, active_enter_usec)},
    {"MainPID", P_U32, offsetof(UnitStatus, main_pid)},
    {"NRestarts", P_U32, offsetof(UnitStatus, n_restarts)},
    {"MemoryCurrent", P_U64, offsetof(UnitStatus, memory)},
    {"NextElapseUSecRealtime", P_U64, offsetof(UnitStatus, next_elapse_usec)},
    {"LastTriggerUSec", P_U64, offsetof(UnitStatus, last_trigger_usec)},
};

static const struct Prop *prop_find(const char *name) {
    for (size_t i = 0; i < ELEMENTSOF(props); i++) {
        if (!strcmp(props[i].name, name)) {
            return &props[i];
        }
    }
    return NULL;
}

/* At a variant: read it into the status when it is one of ours, else skip it.
 * Returns 1 when a field was set, 0 when skipped, < 0 on a malformed message. */
static int read_variant(sd_bus_message *m, UnitStatus *st, const char *name) {
    const struct Prop *p = prop_find(name);
    static const char *const sig[] = {[P_STR] = "s", [P_U32] = "u", [P_U64] = "t"};
    if (!p || sd_bus_message_enter_container(m, 'v', sig[p->type]) <= 0) {
        return sd_bus_message_skip(m, "v") < 0 ? -EBADMSG : 0;
    }
    int r = 0;
    char *base = (char *)st;
    if (p->type == P_STR) {
        const char *v;
        r = sd_bus_message_read(m, "s", &v);
        if (r > 0) {
            set_str((char **)(base + p->off), v);
        }
    } else if (p->type == P_U32) {
        r = sd_bus_message_read(m, "u", (uint32_t *)(base + p->off));
    } else {
        r = sd_bus_message_read(m, "t", (uint64_t *)(base + p->off));
    }
    if (r < 0 || sd_bus_message_exit_container(m) < 0) {
        return -EBADMSG;
    }
    return 1;
}

/* At an a{sv}: apply every property of ours.  *ret_state: ActiveState or
 * SubState was among them. */
static int read_props(sd_bus_message *m, UnitStatus *st, bool *ret_state) {
    int r = sd_bus_message_enter_container(m, 'a', "{sv}");
    if (r < 0) {
        return r;
    }
    while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        const char *name;
        if (sd_bus_message_read(m, "s", &name) < 0) {
            return -EBADMSG;
        }
        bool state = !strcmp(name, "ActiveState") || !strcmp(name, "SubState");
        r = read_variant(m, st, name);
        if (r < 0) {
            return r;
        }
        if (r > 0 && state && ret_state) {
            *ret_state = true;
        }
        if (sd_bus_message_exit_container(m) < 0) {
            return -EBADMSG;
        }
    }
    if (r < 0) {
        return r;
    }
    return sd_bus_message_exit_container(m);
}

/* ---- reading a unit ---- */

static void mark_unavailable(SystemdUnits *s, const char *why);
static bool call_failed_for_bus(SystemdUnits *s, const sd_bus_error *e, int r);

static void read_again(UnitEntry *e);

static void entry_settle(UnitEntry *e) {
    if (!e->unit_call && !e->type_call && !e->load_call) {
        if (!e->answered) {
            e->answered = true;
            e->owner->changed = true;
        }
    }
}

static int on_unit_props(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
    UnitEntry *e = userdata;
    e->unit_call = sd_bus_slot_unref(e->unit_call);
    const sd_bus_error *err = sd_bus_message_get_error(m);
    if (err) {
        if (!call_failed_for_bus(e->owner, err, -sd_bus_message_get_errno(m))) {
            set_str(&e->st.load, "error");
            set_str(&e->st.active, "unknown");
            set_str(&e->st.sub, "unknown");
            set_str(&e->st.description, err->message ? err->message : err->name);
            e->st.known = true;
            touch(e);
            entry_settle(e);
        }
        return 0;
    }
    if (read_props(m, &e->st, NULL) >= 0) {
        e->st.known = e->st.load && e->st.active && e->st.sub;
        if (e->owner->conn == SYSTEMD_CONNECTING && !(e->owner->flags & SYSTEMD_UNITS_FOLLOW)) {
            e->owner->conn = SYSTEMD_CONNECTED;
        }
        touch(e);
    }
    entry_settle(e);
    read_again(e);
    return 0;
}

static int on_type_props(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
    UnitEntry *e = userdata;
    e->type_call = sd_bus_slot_unref(e->type_call);
    if (!sd_bus_message_is_method_error(m, NULL) && read_props(m, &e->st, NULL) >= 0) {
        touch(e);
    }
    entry_settle(e);
    read_again(e);
    return 0;
}

static int get_all(UnitEntry *e, const char *iface, sd_bus_slot **slot,
                   sd_bus_message_handler_t cb) {
    if (!e->path || *slot) {
        return 0;
    }
    return sd_bus_call_method_async(e->owner->bus, slot, SYSTEMD_DEST, e->path,
                                    "org.freedesktop.DBus.Properties", "GetAll", cb, e, "s", iface);
}

static void read_unit(UnitEntry *e, bool unit_iface, bool type) {
    const char *ti = type_iface(e->st.unit);
    if (unit_iface) {
        e->again_unit = e->unit_call != NULL; /* its answer may predate this change */
        (void)get_all(e, SYSTEMD_UNIT_IFACE, &e->unit_call, on_unit_props);
    }
    if (type && ti) {
        e->again_type = e->type_call != NULL;
        (void)get_all(e, ti, &e->type_call, on_type_props);
    }
}

/* A read answered: when something changed meanwhile, read again. */
static void read_again(UnitEntry *e) {
    bool u = e->again_unit && !e->unit_call, t = e->again_type && !e->type_call;
    if (u || t) {
        read_unit(e, u, t);
    }
}

static int on_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
    UnitEntry *e = userdata;
    const char *iface;
    if (sd_bus_message_read(m, "s", &iface) < 0) {
        return 0;
    }
    bool state = false;
    if (read_props(m, &e->st, &state) < 0) {
        return 0;
    }
    bool ours = !strcmp(iface, SYSTEMD_UNIT_IFACE);
    const char *ti = type_iface(e->st.unit);
    bool theirs = ti && !strcmp(iface, ti);
    bool invalid = false;
    char **inv = NULL;
    if (sd_bus_message_read_strv(m, &inv) >= 0 && inv) {
        for (char **p = inv; *p; p++) {
            invalid = invalid || prop_find(*p);
            free(*p);
        }
        free(inv);
    }
    if (ours || theirs) {
        touch(e);
    }
    /* MainPID and NRestarts are signalled (EmitsChangedSignal) and arrive with
     * the change itself; MemoryCurrent is not, so read the type's properties
     * again when the state moves (and systemd_units_sample_memory() samples it
     * while someone shows it) */
    if ((ours && (state || invalid)) || (theirs && invalid)) {
        read_unit(e, ours && invalid, true);
    }
    return 0;
}

static int on_match_added(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
    return 0; /* an error here leaves the unit without updates; the next reload retries */
}

static int on_loaded(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
    UnitEntry *e = userdata;
    SystemdUnits *s = e->owner;
    e->load_call = sd_bus_slot_unref(e->load_call);
    const sd_bus_error *err = sd_bus_message_get_error(m);
    if (err) {
        int r = -sd_bus_message_get_errno(m);
        if (call_failed_for_bus(s, err, r)) {
            return 0;
        }
        /* an invalid name, a unit that cannot be loaded */
        set_str(&e->st.load,
                strcmp(systemd_bus_error_word(err, r), "not-found") == 0 ? "not-found" : "error");
        set_str(&e->st.active, "inactive");
        set_str(&e->st.sub, "dead");
        set_str(&e->st.description, err->message ? err->message : err->name);
        e->st.known = true;
        touch(e);
        entry_settle(e);
        return 0;
    }
    const char *path;
    if (sd_bus_message_read(m, "o", &path) < 0) {
        entry_settle(e);
        return 0;
    }
    if (!e->path || strcmp(e->path, path) != 0) {
        free(e->path);
        e->path = strdup(path);
        e->match = sd_bus_slot_unref(e->match);
    }
    if (e->path && (s->flags & SYSTEMD_UNITS_FOLLOW) && !e->match) {
        (void)sd_bus_match_signal_async(s->bus, &e->match, SYSTEMD_DEST, e->path,
                                        "org.freedesktop.DBus.Properties", "PropertiesChanged",
                                        on_properties_changed, on_match_added, e);
    }
    read_unit(e, true, true);
    entry_settle(e);
    return 0;
}

static void load_unit(UnitEntry *e) {
    e->load_call = sd_bus_slot_unref(e->load_call);
    if (sd_bus_call_method_async(e->owner->bus, &e->load_call, SYSTEMD_DEST, SYSTEMD_PATH,
                                 SYSTEMD_MANAGER, "LoadUnit", on_loaded, e, "s", e->st.unit) < 0) {
        entry_settle(e);
    }
}

/* ---- the connection ---- */

static void close_bus(SystemdUnits *s) {
    for (size_t i = 0; i < s->n; i++) {
        entry_drop_calls(&s->u[i]);
        s->u[i].answered = false;
    }
    s->subscribe = sd_bus_slot_unref(s->subscribe);
    s->reloading = sd_bus_slot_unref(s->reloading);
    s->bus = sd_bus_flush_close_unref(s->bus);
}

static void mark_unavailable(SystemdUnits *s, const char *why) {
    close_bus(s);
    for (size_t i = 0; i < s->n; i++) {
        status_forget(&s->u[i].st);
        s->u[i].answered = true;
    }
    free(s->error);
    s->error = text_sanitize(why, strlen(why));
    s->conn = SYSTEMD_UNAVAILABLE;
    s->retry_at = time_mono_ms() + s->backoff_ms;
    s->backoff_ms = MIN(s->backoff_ms * 2, BACKOFF_MAX_MS);
    s->changed = true;
}

/* A call failed: when the bus or systemd itself is the reason, the set goes
 * unavailable (and true is returned). */
static bool call_failed_for_bus(SystemdUnits *s, const sd_bus_error *e, int r) {
    const char *word = systemd_bus_error_word(e, r);
    if (!strcmp(word, "no-systemd") || !strcmp(word, "no-answer") ||
        (!strcmp(word, "access-denied") && e && e->name &&
         !strcmp(e->name, SD_BUS_ERROR_ACCESS_DENIED))) {
        if (!s->failing) {
            char *why = systemd_bus_error_reason(e, r, s->user_bus);
            s->failing = why ? why : strdup(word);
        }
        return true;
    }
    return false;
}

static int on_subscribed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
    SystemdUnits *s = userdata;
    s->subscribe = sd_bus_slot_unref(s->subscribe);
    const sd_bus_error *err = sd_bus_message_get_error(m);
    if (err && call_failed_for_bus(s, err, -sd_bus_message_get_errno(m))) {
        return 0;
    }
    /* "already subscribed" is fine too */
    s->conn = SYSTEMD_CONNECTED;
    s->backoff_ms = BACKOFF_MIN_MS;
    s->error = mfree(s->error);
    s->changed = true;
    return 0;
}

static int on_reloading(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
    SystemdUnits *s = userdata;
    int active = 0;
    if (sd_bus_message_read(m, "b", &active) >= 0 && !active) {
        /* after daemon-reload: units may have appeared, gone or changed */
        for (size_t i = 0; i < s->n; i++) {
            load_unit(&s->u[i]);
        }
    }
    return 0;
}

int systemd_units_connect(SystemdUnits *s, long long now_ms) {
    close_bus(s);
    sd_bus *bus = NULL;
    int r = systemd_bus_open(s->user_bus, &bus);
    if (r < 0) {
        char why[160];
        snprintf(why, sizeof(why), "cannot reach the %s bus: %s", s->user_bus ? "user" : "system",
                 strerror(-r));
        mark_unavailable(s, why);
        return r;
    }
    s->bus = bus;
    s->conn = SYSTEMD_CONNECTING;
    s->changed = true;
    if (s->flags & SYSTEMD_UNITS_FOLLOW) {
        r = sd_bus_call_method_async(bus, &s->subscribe, SYSTEMD_DEST, SYSTEMD_PATH,
                                     SYSTEMD_MANAGER, "Subscribe", on_subscribed, s, "");
        if (r >= 0) {
            r = sd_bus_match_signal_async(bus, &s->reloading, SYSTEMD_DEST, SYSTEMD_PATH,
                                          SYSTEMD_MANAGER, "Reloading", on_reloading, NULL, s);
        }
        if (r < 0) {
            mark_unavailable(s, strerror(-r));
            return r;
        }
    }
    for (size_t i = 0; i < s->n; i++) {
        s->u[i].answered = false;
        load_unit(&s->u[i]);
    }
    return 0;
}

SystemdUnits *systemd_units_new(const char *const *units, size_t n, bool user_bus, unsigned flags) {
    SystemdUnits *s = calloc(1, sizeof(*s));
    if (!s || !(s->u = calloc(n ? n : 1, sizeof(*s->u)))) {
        free(s);
        return NULL;
    }
    s->user_bus = user_bus;
    s->flags = flags;
    s->backoff_ms = BACKOFF_MIN_MS;
    s->conn = SYSTEMD_CONNECTING;
    for (size_t i = 0; i < n; i++) {
        if (systemd_units_find(s, units[i])) {
            continue;
        }
        UnitEntry *e = &s->u[s->n];
        e->owner = s;
        e->st.memory = SYSTEMD_USEC_NONE;
        e->st.unit = strdup(units[i]);
        if (!e->st.unit) {
            return systemd_units_free(s);
        }
        e->st.is_timer = type_iface(units[i]) && strstr(type_iface(units[i]), "Timer");
        s->n++;
    }
    return s;
}

SystemdUnits *systemd_units_free(SystemdUnits *s) {
    if (!s) {
        return NULL;
    }
    close_bus(s);
    for (size_t i = 0; i < s->n; i++) {
        status_forget(&s->u[i].st);
        free(s->u[i].st.unit);
        free(s->u[i].path);
    }
    free(s->u);
    free(s->error);
    free(s->failing);
    free(s);
    return NULL;
}

int systemd_units_fd(const SystemdUnits *s) {
    return s->bus ? sd_bus_get_fd(s->bus) : -1;
}

short systemd_units_events(const SystemdUnits *s) {
    int ev = s->bus ? sd_bus_get_events(s->bus) : 0;
    return ev < 0 ? POLLIN : (short)ev;
}

long long systemd_units_deadline_ms(const SystemdUnits *s) {
    if (!s->bus) {
        return s->conn == SYSTEMD_UNAVAILABLE ? s->retry_at : -1;
    }
    uint64_t usec = 0;
    if (sd_bus_get_timeout(s->bus, &usec) < 0 || usec == UINT64_MAX) {
        return -1;
    }
    return (long long)((usec + 999) / 1000);
}

int systemd_units_process(SystemdUnits *s, long long now_ms) {
    if (!s->bus) {
        if (s->conn == SYSTEMD_UNAVAILABLE && now_ms >= s->retry_at) {
            (void)systemd_units_connect(s, now_ms);
        }
    }
    for (int i = 0; s->bus && i < MAX_PER_PROCESS; i++) {
        int r = sd_bus_process(s->bus, NULL);
        if (s->failing) {
            _cleanup_(freep) char *why = TAKE_PTR(s->failing);
            mark_unavailable(s, why ? why : "systemd failed");
            break;
        }
        if (r < 0) {
            char why[160];
            snprintf(why, sizeof(why), "lost the %s bus: %s", s->user_bus ? "user" : "system",
                     strerror(-r));
            mark_unavailable(s, why);
            break;
        }
        if (r == 0) {
            break;
        }
    }
    bool changed = s->changed;
    s->changed = false;
    return changed ? 1 : 0;
}

SystemdConn systemd_units_conn(const SystemdUnits *s) {
    return s->conn;
}

const char *systemd_units_error(const SystemdUnits *s) {
    return s->conn == SYSTEMD_UNAVAILABLE ? s->error : NULL;
}

long long systemd_units_retry_at(const SystemdUnits *s) {
    return s->retry_at;
}

bool systemd_units_user_bus(const SystemdUnits *s) {
    return s->user_bus;
}

bool systemd_units_settled(const SystemdUnits *s) {
    if (s->conn == SYSTEMD_UNAVAILABLE) {
        return true;
    }
    for (size_t i = 0; i < s->n; i++) {
        if (!s->u[i].answered) {
            return false;
        }
    }
    return true;
}

size_t systemd_units_count(const SystemdUnits *s) {
    return s->n;
}

const UnitStatus *systemd_units_get(const SystemdUnits *s, size_t i) {
    return i < s->n ? &s->u[i].st : NULL;
}

const UnitStatus *systemd_units_find(const SystemdUnits *s, const char *unit) {
    for (size_t i = 0; i < s->n; i++) {
        if (!strcmp(s->u[i].st.unit, unit)) {
            return &s->u[i].st;
        }
    }
    return NULL;
}

struct sd_bus *systemd_units_bus(const SystemdUnits *s) {
    return s->conn == SYSTEMD_UNAVAILABLE ? NULL : s->bus;
}

/* ---- sampling memory ---- */

static int on_memory(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
    UnitEntry *e = userdata;
    e->mem_call = sd_bus_slot_unref(e->mem_call);
    uint64_t v = 0;
    if (sd_bus_message_is_method_error(m, NULL) || sd_bus_message_read(m, "v", "t", &v) < 0) {
        return 0; /* gone or reloaded meanwhile: its next event reads it again */
    }
    if (v != e->st.memory) {
        e->st.memory = v;
        touch(e);
    }
    return 0;
}

/* A state in which the unit has a cgroup whose memory moves. */
static bool has_processes(const UnitStatus *st) {
    static const char *const states[] = {"active", "reloading", "activating", "deactivating"};
    for (size_t i = 0; st->active && i < ELEMENTSOF(states); i++) {
        if (!strcmp(st->active, states[i])) {
            return true;
        }
    }
    return false;
}

int systemd_units_sample_memory(SystemdUnits *s) {
    if (!s->bus || s->conn == SYSTEMD_UNAVAILABLE) {
        return 0;
    }
    int n = 0;
    for (size_t i = 0; i < s->n; i++) {
        UnitEntry *e = &s->u[i];
        const char *ti = type_iface(e->st.unit);
        if (!e->path || e->mem_call || !ti || e->st.is_timer || !e->st.known ||
            !has_processes(&e->st)) {
            continue;
        }
        if (sd_bus_call_method_async(s->bus, &e->mem_call, SYSTEMD_DEST, e->path,
                                     "org.freedesktop.DBus.Properties", "Get", on_memory, e, "ss",
                                     ti, "MemoryCurrent") >= 0) {
            n++;
        }
    }
    return n;
}

void systemd_units_refresh(SystemdUnits *s) {
    if (!s->bus) {
        return;
    }
    for (size_t i = 0; i < s->n; i++) {
        if (s->u[i].path) {
            read_unit(&s->u[i], true, true);
        } else if (!s->u[i].load_call) {
            load_unit(&s->u[i]);
        }
    }
}

int systemd_units_query(const char *const *units, size_t n, bool user_bus, long long timeout_ms,
                        SystemdUnits **ret, char **ret_error) {
    SystemdUnits *s = systemd_units_new(units, n, user_bus, 0);
    if (!s) {
        return -ENOMEM;
    }
    long long deadline = time_mono_ms() + timeout_ms;
    int r = systemd_units_connect(s, time_mono_ms());
    while (r >= 0 && !systemd_units_settled(s)) {
        long long now = time_mono_ms();
        if (now >= deadline) {
            r = -ETIMEDOUT;
            break;
        }
        long long wake = systemd_units_deadline_ms(s);
        long long wait = wake < 0 || wake > deadline ? deadline - now : MAX(wake - now, 0);
        struct pollfd p = {.fd = systemd_units_fd(s), .events = systemd_units_events(s)};
        if (poll(&p, 1, (int)wait) < 0 && errno != EINTR) {
            r = -errno;
            break;
        }
        (void)systemd_units_process(s, time_mono_ms());
    }
    if (r >= 0 && s->conn == SYSTEMD_UNAVAILABLE) {
        r = -ECONNREFUSED;
    }
    if (r < 0) {
        if (ret_error) {
            char *why = NULL;
            if (r == -ETIMEDOUT) {
                if (asprintf(&why, "systemd did not answer within %lld ms", timeout_ms) < 0) {
                    why = NULL;
                }
            } else {
                why = strdup(s->error ? s->error : strerror(-r));
            }
            *ret_error = why;
        }
        systemd_units_free(s);
        return r;
    }
    *ret = s;
    return 0;
}

const char *unit_format_memory(uint64_t bytes, char *buf, size_t size) {
    if (bytes == SYSTEMD_USEC_NONE) {
        snprintf(buf, size, "-");
    } else if (bytes < 1024) {
        snprintf(buf, size, "%lluB", (unsigned long long)bytes);
    } else if (bytes < 1024ULL * 1024) {
        snprintf(buf, size, "%lluK", (unsigned long long)(bytes / 1024));
    } else if (bytes < 1024ULL * 1024 * 1024) {
        snprintf(buf, size, "%.1fM", (double)bytes / (1024.0 * 1024));
    } else {
        snprintf(buf, size, "%.1fG", (double)bytes / (1024.0 * 1024 * 1024));
    }
    return buf;
}

const char *unit_format_usec(uint64_t usec, char *buf, size_t size) {
    if (usec == 0 || usec == SYSTEMD_USEC_NONE) {
        snprintf(buf, size, "-");
        return buf;
    }
    return time_format_iso8601((time_t)(usec / 1000000ULL), buf, size);
}
