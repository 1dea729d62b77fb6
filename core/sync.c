/* The sync target of a plan, and taking what the stream holds into the journal. */
#include "core/sync.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"

/* Entries read without moving the journal's cursor before a sync-ack records
 * how far this journal has read (so that a console that mostly pushes does not
 * read its own events again on every start). */
#define CURSOR_SLACK 256
/* How often an append is tried again when another process on the same journal
 * appended the same events of others first. */
#define APPEND_TRIES 8

/* ---- the target ---- */

_printf_(2, 3) static int why_set(char **ret_why, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    if (ret_why && vasprintf(ret_why, fmt, ap) < 0) {
        *ret_why = NULL;
    }
    va_end(ap);
    return -EINVAL;
}

static const char *password_env_of(const Plan *p) {
    if (p->sync_password_env) {
        return p->sync_password_env;
    }
    for (size_t i = 0; i < p->n_redis; i++) {
        if (p->redis[i].url && p->redis[i].password_env && streq(p->redis[i].url, p->sync_redis)) {
            return p->redis[i].password_env;
        }
    }
    return NULL;
}

int sync_target_init(const Plan *p, SyncTarget *ret, char **ret_why) {
    *ret = (SyncTarget){0};
    if (ret_why) {
        *ret_why = NULL;
    }
    if (!p->sync_redis) {
        return -ENOENT;
    }
    _cleanup_(sync_target_done) SyncTarget t = {0};
    const char *why = NULL;
    int r = redis_url_parse(p->sync_redis, &t.url, &why);
    if (r == -ENOMEM) {
        return r;
    }
    t.url_shown = redis_url_redact(p->sync_redis);
    if (!t.url_shown) {
        return -ENOMEM;
    }
    if (r < 0) {
        return why_set(ret_why, "the sync URL is not valid: %s", why ? why : "?");
    }
    if (t.url.tls) {
        return why_set(ret_why,
                       "%s uses TLS (rediss://), which this build of opsdeck cannot speak; "
                       "use redis:// through a tunnel, or a unix socket",
                       t.url_shown);
    }
    const char *env = password_env_of(p);
    if (env) {
        const char *pw = getenv(env);
        if (!pw || !*pw) {
            return why_set(ret_why, "the Redis password variable $%s is not set", env);
        }
        t.password = strdup(pw);
        t.password_from = strdup(env);
        if (!t.password || !t.password_from) {
            return -ENOMEM;
        }
    }
    if (p->sync_key) {
        t.key = strdup(p->sync_key);
    } else if (asprintf(&t.key, "opsdeck:%s", p->id) < 0) {
        t.key = NULL;
    }
    if (!t.key || asprintf(&t.presence, "%s:console:", t.key) < 0) {
        return -ENOMEM;
    }
    *ret = t;
    t = (SyncTarget){0};
    return 0;
}

void sync_target_done(SyncTarget *t) {
    free(t->key);
    free(t->presence);
    free(t->url_shown);
    if (t->password) {
        explicit_bzero(t->password, strlen(t->password));
        free(t->password);
    }
    free(t->password_from);
    redis_url_done(&t->url);
    *t = (SyncTarget){0};
}

/* ---- the Sync ---- */

int sync_new(Journal *j, const char *actor, Sync **ret) {
    if (!j || !ret) {
        return -EINVAL;
    }
    Sync *s = calloc(1, sizeof(*s));
    if (!s || !(s->log = sync_log_new())) {
        free(s);
        return -ENOMEM;
    }
    s->journal = j;
    s->actor = actor && *actor ? actor : "opsdeck";
    s->writable = !journal_is_readonly(j);
    *ret = s;
    return 0;
}

Sync *sync_free(Sync *s) {
    if (s) {
        sync_log_free(s->log);
        free(s);
    }
    return NULL;
}

int sync_read_journal(Sync *s) {
    return journal_read(s->journal, sync_log_add_cb, s->log);
}

/* ---- uid sets ---- */

#define UID_CHUNK 1024

struct SyncUidSet {
    StrMap *map;         /* keys live in the chunks */
    char (**chunks)[33]; /* UID_CHUNK uids each */
    size_t n, n_chunks;
};

SyncUidSet *sync_uid_set_new(void) {
    SyncUidSet *set = calloc(1, sizeof(*set));
    if (set && !(set->map = strmap_new())) {
        free(set);
        return NULL;
    }
    return set;
}

SyncUidSet *sync_uid_set_free(SyncUidSet *set) {
    if (set) {
        for (size_t i = 0; i < set->n_chunks; i++) {
            free(set->chunks[i]);
        }
        free(set->chunks);
        strmap_free(set->map);
        free(set);
    }
    return NULL;
}

int sync_uid_set_add(SyncUidSet *set, const char *uid) {
    if (!uid || strlen(uid) != 32 || sync_uid_set_has(set, uid)) {
        return 0;
    }
    if (set->n == set->n_chunks * UID_CHUNK) {
        char(**c)[33] = realloc(set->chunks, (set->n_chunks + 1) * sizeof(*c));
        if (!c) {
            return -ENOMEM;
        }
        set->chunks = c;
        if (!(c[set->n_chunks] = malloc(UID_CHUNK * sizeof(**c)))) {
            return -ENOMEM;
        }
        set->n_chunks++;
    }
    char *key = set->chunks[set->n / UID_CHUNK][set->n % UID_CHUNK];
    memcpy(key, uid, 33);
    if (strmap_put(set->map, key, (void *)1, 0, NULL, NULL) < 0) {
        return -ENOMEM;
    }
    set->n++;
    return 0;
}

bool sync_uid_set_has(const SyncUidSet *set, const char *uid) {
    return set && uid && strmap_get(set->map, uid, NULL) != NULL;
}

/* ---- batches ---- */

SyncBatch *sync_batch_free(SyncBatch *b) {
    if (b) {
        for (size_t i = 0; i < b->n_trees; i++) {
            cJSON_Delete(b->trees[i]);
        }
        free(b->trees);
        free(b->evs);
        free(b->actor);
        free(b);
    }
    return NULL;
}

static SyncBatch *batch_new(const Sync *s, size_t n_events) {
    SyncBatch *b = calloc(1, sizeof(*b));
    if (!b) {
        return NULL;
    }
    b->evs = calloc(n_events + 1, sizeof(*b->evs));
    b->trees = calloc(2 * n_events + 1, sizeof(*b->trees));
    b->actor = strdup(s->actor);
    if (!b->evs || !b->trees || !b->actor) {
        return sync_batch_free(b);
    }
    return b;
}

/* Append the sync-ack record (it takes over extra). */
static void batch_add_ack(SyncBatch *b, cJSON *extra) {
    b->trees[b->n_trees++] = extra;
    bool have_uid = journal_uid_new(b->ack_uid) == 0;
    b->evs[b->n++] = (JournalEvent){.uid = have_uid ? b->ack_uid : NULL,
                                    .type = EVENT_UNKNOWN,
                                    .type_name = SYNC_ACK_TYPE,
                                    .by = b->actor,
                                    .extra = extra};
}

int sync_acks_prepare(Sync *s, const SyncAck *acks, size_t n, StreamId read, SyncBatch **ret) {
    *ret = NULL;
    if (n == 0 && stream_id_is_none(read)) {
        return 0;
    }
    _cleanup_(sync_batch_freep) SyncBatch *b = batch_new(s, 0);
    cJSON *extra = b ? sync_ack_extra(acks, n, read) : NULL;
    if (!extra) {
        return -ENOMEM;
    }
    batch_add_ack(b, extra);
    b->read_cursor = !stream_id_is_none(read);
    *ret = TAKE_PTR(b);
    return 0;
}

/* ---- appending without duplicates ---- */

typedef struct AppendCtx {
    const SyncAppendHooks *h;
    StrMap *ours; /* uid → the uid pointer of our copy */
    bool conflict;
} AppendCtx;

/* Records of other processes come first, ours after the fdatasync: a record with
 * one of our uids but not our pointer is another process's copy of it. */
static int append_cb(const JournalEvent *ev, void *userdata) {
    AppendCtx *c = userdata;
    int r = c->h->seen ? c->h->seen(ev, c->h->userdata) : 0;
    if (r < 0) {
        return r;
    }
    const char *mine = ev->uid ? strmap_get(c->ours, ev->uid, NULL) : NULL;
    if (mine && mine != ev->uid) {
        c->conflict = true;
        return -EAGAIN;
    }
    return 0;
}

/* Leave out the events the journal has (the sync-ack is always new). */
static void drop_known(SyncBatch *b, const SyncAppendHooks *h) {
    size_t k = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (!b->evs[i].uid || sync_is_ack(&b->evs[i]) || !h->known ||
            !h->known(b->evs[i].uid, h->userdata)) {
            b->evs[k++] = b->evs[i];
        }
    }
    b->n = k;
}

int sync_batch_append(SyncBatch *b, Journal *j, const SyncAppendHooks *h) {
    for (int tries = 0; tries < APPEND_TRIES; tries++) {
        drop_known(b, h);
        if (b->n == 0) {
            return 0;
        }
        StrMap *ours = strmap_new();
        if (!ours || strmap_reserve(ours, b->n) < 0) {
            strmap_free(ours);
            return -ENOMEM;
        }
        for (size_t i = 0; i < b->n; i++) {
            const char *u = b->evs[i].uid;
            if (u && strmap_put(ours, u, (void *)u, 0, NULL, NULL) < 0) {
                strmap_free(ours);
                return -ENOMEM;
            }
        }
        AppendCtx c = {.h = h, .ours = ours};
        int r = journal_append(j, b->evs, b->n, append_cb, &c);
        strmap_free(ours);
        if (r == -EAGAIN && c.conflict) {
            continue;
        }
        return r;
    }
    return -EBUSY;
}

int sync_batch_apply(Sync *s, const SyncBatch *b) {
    for (size_t i = 0; b && i < b->n; i++) {
        int r = sync_log_add(s->log, &b->evs[i]);
        if (r < 0) {
            return r;
        }
    }
    if (b && b->read_cursor) {
        s->unread = 0;
    }
    return 0;
}

static bool log_known(const char *uid, void *userdata) {
    return sync_log_find(userdata, uid) != NULL;
}

int sync_batch_commit(Sync *s, SyncBatch *b) {
    if (!b) {
        return 0;
    }
    if (!s->writable) {
        return sync_batch_apply(s, b);
    }
    SyncAppendHooks h = {.known = log_known, .seen = sync_log_add_cb, .userdata = s->log};
    int r = sync_batch_append(b, s->journal, &h);
    if (r >= 0 && b->read_cursor) {
        s->unread = 0;
    }
    return r;
}

int sync_record_acks(Sync *s, const SyncAck *acks, size_t n, StreamId read) {
    _cleanup_(sync_batch_freep) SyncBatch *b = NULL;
    int r = sync_acks_prepare(s, acks, n, read, &b);
    return r < 0 ? r : sync_batch_commit(s, b);
}

/* ---- ingest ---- */

static const redisReply *entry_field(const redisReply *fields, const char *name) {
    for (size_t i = 0; i + 1 < fields->elements; i += 2) {
        const redisReply *k = fields->element[i];
        if (k->type == REDIS_REPLY_STRING && k->len == strlen(name) &&
            memcmp(k->str, name, k->len) == 0 &&
            fields->element[i + 1]->type == REDIS_REPLY_STRING) {
            return fields->element[i + 1];
        }
    }
    return NULL;
}

typedef struct Prep {
    SyncBatch *b;
    SyncAck *acks;
    size_t n_acks;
    StrMap *uids; /* uids of the events in b */
} Prep;

/* An event of another console, as its journal record here: extra += stream_id. */
static int add_remote(Prep *p, const redisReply *payload, const char *uid, const char *id_text) {
    SyncBatch *b = p->b;
    JournalEvent ev;
    cJSON *tree = NULL;
    int r = sync_payload_decode(payload->str, payload->len, &ev, &tree);
    if (r < 0) {
        return r;
    }
    b->trees[b->n_trees++] = tree;
    if (!streq(ev.uid, uid)) {
        return -EBADMSG;
    }
    cJSON *extra = ev.extra ? cJSON_Duplicate(ev.extra, true) : cJSON_CreateObject();
    if (!extra) {
        return -ENOMEM;
    }
    b->trees[b->n_trees++] = extra;
    cJSON_DeleteItemFromObjectCaseSensitive(extra, SYNC_FIELD_STREAM_ID);
    if (!cJSON_AddStringToObject(extra, SYNC_FIELD_STREAM_ID, id_text)) {
        return -ENOMEM;
    }
    ev.extra = extra;
    ev.seq = 0;
    if (strmap_put(p->uids, ev.uid, (void *)1, 0, NULL, NULL) < 0) {
        return -ENOMEM;
    }
    b->evs[b->n++] = ev;
    return 0;
}

/* One entry: [id, [field, value, …]]. */
static int take_entry(Sync *s, Prep *p, const redisReply *e, SyncUidSet *seen, SyncIngest *st) {
    StreamId id;
    if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
        e->element[0]->type != REDIS_REPLY_STRING || e->element[1]->type != REDIS_REPLY_ARRAY ||
        stream_id_parse(e->element[0]->str, e->element[0]->len, &id) < 0) {
        st->bad++;
        return 0;
    }
    st->last = id;
    const redisReply *uidr = entry_field(e->element[1], "uid");
    const redisReply *payload = entry_field(e->element[1], "ev");
    if (!uidr || !payload || !sync_uid_valid(uidr->str, uidr->len)) {
        st->bad++;
        return 0;
    }
    char uid[33];
    memcpy(uid, uidr->str, 32);
    uid[32] = '\0';
    if (seen && sync_uid_set_add(seen, uid) < 0) {
        return -ENOMEM;
    }
    SyncEvent *se = sync_log_find(s->log, uid);
    if (se) {
        if (stream_id_is_none(se->sid) || stream_id_cmp(id, se->sid) < 0) {
            p->acks[p->n_acks] = (SyncAck){.id = id};
            memcpy(p->acks[p->n_acks++].uid, uid, 33);
        }
        return 0;
    }
    if (strmap_get(p->uids, uid, NULL)) {
        return 0; /* the stream has it twice: the first one counts */
    }
    char text[STREAM_ID_MAX];
    int r = add_remote(p, payload, uid, stream_id_format(id, text));
    if (r == -EBADMSG) {
        st->bad++;
        return 0;
    }
    return r;
}

int sync_ingest_prepare(Sync *s, const redisReply *entries, SyncUidSet *seen, SyncIngest *ret,
                        SyncBatch **ret_batch) {
    SyncIngest st = {0};
    *ret_batch = NULL;
    if (ret) {
        *ret = st;
    }
    if (!entries || entries->type != REDIS_REPLY_ARRAY) {
        return entries && entries->type == REDIS_REPLY_NIL ? 0 : -EBADMSG;
    }
    size_t n = entries->elements;
    if (n == 0) {
        return 0;
    }
    _cleanup_(sync_batch_freep) SyncBatch *b = batch_new(s, n);
    _cleanup_(freep) SyncAck *acks = calloc(n, sizeof(*acks));
    Prep p = {.b = b, .acks = acks, .uids = strmap_new()};
    int r = b && acks && p.uids ? 0 : -ENOMEM;
    for (size_t i = 0; r == 0 && i < n; i++) {
        r = take_entry(s, &p, entries->element[i], seen, &st);
    }
    strmap_free(p.uids);
    if (r < 0) {
        return r;
    }
    st.entries = n;
    st.added = b->n;
    st.acked = p.n_acks;
    /* Record how far this journal has read when a sync-ack is written anyway, or
     * when many entries went by without moving the cursor. */
    s->unread = b->n > 0 ? 0 : s->unread + n;
    bool with_read = (p.n_acks > 0 || s->unread >= CURSOR_SLACK) && !stream_id_is_none(st.last);
    if (with_read) {
        cJSON *extra = sync_ack_extra(p.acks, p.n_acks, st.last);
        if (!extra) {
            return -ENOMEM;
        }
        batch_add_ack(b, extra);
        b->read_cursor = true;
    }
    if (ret) {
        *ret = st;
    }
    if (b->n > 0) {
        *ret_batch = TAKE_PTR(b);
    }
    return 0;
}

int sync_ingest(Sync *s, const redisReply *entries, SyncUidSet *seen, SyncIngest *ret) {
    _cleanup_(sync_batch_freep) SyncBatch *b = NULL;
    int r = sync_ingest_prepare(s, entries, seen, ret, &b);
    return r < 0 ? r : sync_batch_commit(s, b);
}
