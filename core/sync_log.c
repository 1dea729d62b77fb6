/* The ordered, deduplicated events of a synced journal. */
#include "core/sync_log.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"

/* An ack that came before its event (another process's records interleaved). */
typedef struct EarlyAck {
    char uid[33];
    StreamId id;
} EarlyAck;

struct SyncLog {
    SyncEvent **v; /* in order; owned */
    size_t n, cap;
    size_t folded; /* v[0 .. folded) went through sync_log_fold */
    bool refold;   /* the order changed below folded */
    size_t n_pending;
    uint64_t arrivals;
    StreamId cursor, last_id;
    uint64_t max_seq;
    StrMap *by_uid; /* uid → SyncEvent (keys live in the events) */
    StrMap *early;  /* uid → EarlyAck (owned) */
};

SyncLog *sync_log_new(void) {
    SyncLog *l = calloc(1, sizeof(*l));
    if (!l) {
        return NULL;
    }
    l->by_uid = strmap_new();
    l->early = strmap_new();
    if (!l->by_uid || !l->early) {
        return sync_log_free(l);
    }
    return l;
}

SyncLog *sync_log_free(SyncLog *l) {
    if (!l) {
        return NULL;
    }
    for (size_t i = 0; i < l->n; i++) {
        cJSON_Delete(l->v[i]->ev.extra);
        free(l->v[i]);
    }
    free(l->v);
    size_t it = 0;
    void *value;
    while (l->early && strmap_next(l->early, &it, NULL, &value, NULL)) {
        free(value);
    }
    strmap_free(l->early);
    strmap_free(l->by_uid);
    free(l);
    return NULL;
}

/* ---- order ---- */

/* Stream id first (pending last), then arrival: a total order (arrivals are unique). */
static int key_cmp(const SyncEvent *a, const SyncEvent *b) {
    bool pa = stream_id_is_none(a->sid), pb = stream_id_is_none(b->sid);
    if (pa != pb) {
        return pa ? 1 : -1;
    }
    int c = pa ? 0 : stream_id_cmp(a->sid, b->sid);
    if (c != 0) {
        return c;
    }
    return a->arrival < b->arrival ? -1 : a->arrival > b->arrival;
}

/* The first index whose event orders after se. */
static size_t upper_bound(const SyncLog *l, const SyncEvent *se) {
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_cmp(l->v[mid], se) <= 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static size_t index_of(const SyncLog *l, const SyncEvent *se) {
    size_t i = upper_bound(l, se);
    return i > 0 && l->v[i - 1] == se ? i - 1 : l->n;
}

static int insert_at(SyncLog *l, size_t i, SyncEvent *se) {
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        SyncEvent **v = realloc(l->v, cap * sizeof(*v));
        if (!v) {
            return -ENOMEM;
        }
        l->v = v;
        l->cap = cap;
    }
    memmove(l->v + i + 1, l->v + i, (l->n - i) * sizeof(*l->v));
    l->v[i] = se;
    l->n++;
    return 0;
}

static void note_id(SyncLog *l, StreamId id) {
    if (stream_id_cmp(id, l->last_id) > 0) {
        l->last_id = id;
    }
}

/* ---- copying an event in ---- */

/* The extra fields worth keeping (all but stream_id): 0 and a copy or NULL, or -ENOMEM. */
static int extra_copy(const cJSON *extra, cJSON **ret) {
    *ret = NULL;
    if (!extra || !extra->child) {
        return 0;
    }
    bool only_id = !extra->child->next && extra->child->string &&
                   streq(extra->child->string, SYNC_FIELD_STREAM_ID);
    if (only_id) {
        return 0;
    }
    cJSON *c = cJSON_Duplicate(extra, true);
    if (!c) {
        return -ENOMEM;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(c, SYNC_FIELD_STREAM_ID);
    *ret = c;
    return 0;
}

static SyncEvent *event_copy(const JournalEvent *ev) {
    const char *type_name = ev->type_name ? ev->type_name : event_type_to_string(ev->type);
    const char *src[] = {ev->uid,   ev->by,     ev->host, type_name,  ev->item,
                         ev->phase, ev->action, ev->note, ev->reason, ev->result};
    size_t total = 0;
    for (size_t i = 0; i < ELEMENTSOF(src); i++) {
        total += src[i] ? strlen(src[i]) + 1 : 0;
    }
    SyncEvent *se = malloc(sizeof(*se) + total);
    if (!se) {
        return NULL;
    }
    *se = (SyncEvent){.ev = *ev};
    const char **dst[] = {&se->ev.uid,    &se->ev.by,    &se->ev.host,   &se->ev.type_name,
                          &se->ev.item,   &se->ev.phase, &se->ev.action, &se->ev.note,
                          &se->ev.reason, &se->ev.result};
    char *p = (char *)(se + 1);
    for (size_t i = 0; i < ELEMENTSOF(src); i++) {
        *dst[i] = NULL;
        if (src[i]) {
            size_t k = strlen(src[i]) + 1;
            memcpy(p, src[i], k);
            *dst[i] = p;
            p += k;
        }
    }
    if (extra_copy(ev->extra, &se->ev.extra) < 0) {
        free(se);
        return NULL;
    }
    return se;
}

static void event_freep(SyncEvent **se) {
    if (*se) {
        cJSON_Delete((*se)->ev.extra);
        free(*se);
    }
}

/* ---- learning stream ids ---- */

static int remember_early(SyncLog *l, const char *uid, StreamId id) {
    EarlyAck *ea = strmap_get(l->early, uid, NULL);
    if (ea) {
        if (stream_id_is_none(ea->id) || stream_id_cmp(id, ea->id) < 0) {
            ea->id = id;
        }
        return 0;
    }
    ea = calloc(1, sizeof(*ea));
    if (!ea) {
        return -ENOMEM;
    }
    memcpy(ea->uid, uid, 32);
    ea->id = id;
    if (strmap_put(l->early, ea->uid, ea, 0, NULL, NULL) < 0) {
        free(ea);
        return -ENOMEM;
    }
    return 0;
}

int sync_log_learn(SyncLog *l, const char *uid, StreamId id) {
    if (!l || !uid || stream_id_is_none(id)) {
        return -EINVAL;
    }
    note_id(l, id);
    SyncEvent *se = strmap_get(l->by_uid, uid, NULL);
    if (!se) {
        return sync_uid_valid(uid, strlen(uid)) ? remember_early(l, uid, id) : 0;
    }
    if (!stream_id_is_none(se->sid) && stream_id_cmp(id, se->sid) >= 0) {
        return 0;
    }
    size_t old = index_of(l, se);
    if (old == l->n) {
        return -EINVAL; /* cannot happen: every event is in v */
    }
    memmove(l->v + old, l->v + old + 1, (l->n - old - 1) * sizeof(*l->v));
    l->n--;
    if (stream_id_is_none(se->sid)) {
        l->n_pending--;
    }
    se->sid = id;
    size_t at = upper_bound(l, se);
    (void)insert_at(l, at, se); /* cannot fail: it was just taken out */
    if (at != old && MIN(at, old) < l->folded) {
        l->refold = true;
    }
    return at != old;
}

void sync_log_read_to(SyncLog *l, StreamId id) {
    if (stream_id_cmp(id, l->cursor) > 0) {
        l->cursor = id;
    }
    note_id(l, id);
}

/* ---- adding records ---- */

static void ack_one(const char *uid, StreamId id, void *ud) {
    (void)sync_log_learn(ud, uid, id);
}

static int add_event(SyncLog *l, const JournalEvent *ev, StreamId sid) {
    _cleanup_(event_freep) SyncEvent *se = NULL;
    se = event_copy(ev);
    if (!se) {
        return -ENOMEM;
    }
    se->arrival = l->arrivals++;
    se->remote = !stream_id_is_none(sid);
    se->sid = sid;
    EarlyAck *ea = strmap_get(l->early, se->ev.uid, NULL);
    if (ea && !stream_id_is_none(ea->id) &&
        (stream_id_is_none(se->sid) || stream_id_cmp(ea->id, se->sid) < 0)) {
        se->sid = ea->id;
    }
    bool fast = l->n == 0 || key_cmp(l->v[l->n - 1], se) < 0;
    size_t at = fast ? l->n : upper_bound(l, se);
    if (insert_at(l, at, se) < 0) {
        return -ENOMEM;
    }
    if (strmap_put(l->by_uid, se->ev.uid, se, 0, NULL, NULL) < 0) {
        memmove(l->v + at, l->v + at + 1, (l->n - at - 1) * sizeof(*l->v));
        l->n--;
        return -ENOMEM;
    }
    if (ea) {
        ea->id = STREAM_ID_NONE; /* used up; the map keeps borrowing its key */
    }
    if (at < l->folded) {
        l->refold = true;
    }
    if (stream_id_is_none(se->sid)) {
        l->n_pending++;
    }
    note_id(l, se->sid);
    TAKE_PTR(se);
    return 1;
}

int sync_log_add(SyncLog *l, const JournalEvent *ev) {
    if (!l || !ev) {
        return -EINVAL;
    }
    l->max_seq = MAX(l->max_seq, ev->seq);
    if (sync_is_ack(ev)) {
        StreamId read;
        sync_ack_walk(ev, ack_one, l, &read);
        if (!stream_id_is_none(read)) {
            sync_log_read_to(l, read);
        }
        return 0;
    }
    if (!ev->uid) {
        return 0;
    }
    StreamId sid = sync_record_stream_id(ev);
    if (!stream_id_is_none(sid)) {
        sync_log_read_to(l, sid);
    }
    if (strmap_get(l->by_uid, ev->uid, NULL)) {
        /* a second copy: only where the stream has it counts */
        int r = stream_id_is_none(sid) ? 0 : sync_log_learn(l, ev->uid, sid);
        return r < 0 ? r : 0;
    }
    return add_event(l, ev, sid);
}

int sync_log_add_cb(const JournalEvent *ev, void *userdata) {
    int r = sync_log_add(userdata, ev);
    return r < 0 ? r : 0;
}

/* ---- reading ---- */

SyncEvent *sync_log_find(const SyncLog *l, const char *uid) {
    return l && uid ? strmap_get(l->by_uid, uid, NULL) : NULL;
}

size_t sync_log_size(const SyncLog *l) {
    return l ? l->n : 0;
}

SyncEvent *sync_log_get(const SyncLog *l, size_t i) {
    return l && i < l->n ? l->v[i] : NULL;
}

size_t sync_log_n_pending(const SyncLog *l) {
    return l ? l->n_pending : 0;
}

StreamId sync_log_cursor(const SyncLog *l) {
    return l ? l->cursor : STREAM_ID_NONE;
}

StreamId sync_log_last_id(const SyncLog *l) {
    return l ? l->last_id : STREAM_ID_NONE;
}

uint64_t sync_log_max_seq(const SyncLog *l) {
    return l ? l->max_seq : 0;
}

bool sync_log_needs_refold(const SyncLog *l) {
    return l && l->refold;
}

int sync_log_fold(SyncLog *l, int (*reset)(void *userdata), JournalEventFn fn, void *userdata) {
    int did = 0;
    if (l->refold) {
        int r = reset ? reset(userdata) : 0;
        if (r < 0) {
            return r;
        }
        l->folded = 0;
        l->refold = false;
        did = 1;
    }
    while (l->folded < l->n) {
        int r = fn(&l->v[l->folded]->ev, userdata);
        l->folded++;
        if (r < 0) {
            return r;
        }
    }
    return did;
}

/* ev with "stream_id" added to its extra, by reference: nothing is copied. */
static int with_stream_id(const SyncEvent *se, JournalEvent *ret, cJSON **ret_extra) {
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        return -ENOMEM;
    }
    for (cJSON *c = se->ev.extra ? se->ev.extra->child : NULL; c; c = c->next) {
        if (!cJSON_AddItemReferenceToObject(o, c->string, c)) {
            cJSON_Delete(o);
            return -ENOMEM;
        }
    }
    char buf[STREAM_ID_MAX];
    bool ok = stream_id_is_none(se->sid)
                  ? cJSON_AddNullToObject(o, SYNC_FIELD_STREAM_ID) != NULL
                  : cJSON_AddStringToObject(o, SYNC_FIELD_STREAM_ID,
                                            stream_id_format(se->sid, buf)) != NULL;
    if (!ok) {
        cJSON_Delete(o);
        return -ENOMEM;
    }
    *ret = se->ev;
    ret->extra = o;
    *ret_extra = o;
    return 0;
}

int sync_log_foreach(const SyncLog *l, JournalEventFn fn, void *userdata) {
    for (size_t i = 0; l && i < l->n; i++) {
        JournalEvent ev;
        cJSON *extra;
        int r = with_stream_id(l->v[i], &ev, &extra);
        if (r < 0) {
            return r;
        }
        r = fn(&ev, userdata);
        cJSON_Delete(extra);
        if (r < 0) {
            return r;
        }
    }
    return 0;
}
