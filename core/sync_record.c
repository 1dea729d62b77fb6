/* Stream ids, stream payloads and the sync records of the journal. */
#include "core/sync_record.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/journal_internal.h"
#include "core/macro.h"

static void json_freep(cJSON **p) {
    cJSON_Delete(*p);
}

int stream_id_parse(const char *s, size_t len, StreamId *ret) {
    uint64_t part[2] = {0, 0};
    size_t i = 0;
    for (int k = 0; k < 2; k++) {
        size_t start = i;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            uint64_t d = (uint64_t)(s[i] - '0');
            if (part[k] > (UINT64_MAX - d) / 10) {
                return -EINVAL;
            }
            part[k] = part[k] * 10 + d;
            i++;
        }
        if (i == start || i - start > 20) {
            return -EINVAL;
        }
        if (k == 0) {
            if (i >= len || s[i] != '-') {
                return -EINVAL;
            }
            i++;
        }
    }
    if (i != len) {
        return -EINVAL;
    }
    *ret = (StreamId){part[0], part[1]};
    return 0;
}

char *stream_id_format(StreamId id, char *buf) {
    snprintf(buf, STREAM_ID_MAX, "%" PRIu64 "-%" PRIu64, id.ms, id.seq);
    return buf;
}

int stream_id_cmp(StreamId a, StreamId b) {
    if (a.ms != b.ms) {
        return a.ms < b.ms ? -1 : 1;
    }
    if (a.seq != b.seq) {
        return a.seq < b.seq ? -1 : 1;
    }
    return 0;
}

StreamId stream_id_next(StreamId id) {
    if (id.seq == UINT64_MAX) {
        return (StreamId){id.ms + 1, 0};
    }
    return (StreamId){id.ms, id.seq + 1};
}

bool sync_uid_valid(const char *s, size_t len) {
    if (len != 32) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return false;
        }
    }
    return true;
}

/* ---- payloads ---- */

/* "seq":1, as journal_encode writes it right after the crc prefix. */
#define SEQ_ONE "\"seq\":1,"
#define SEQ_ONE_LEN (sizeof(SEQ_ONE) - 1)

int sync_payload_encode(const JournalEvent *ev, char **ret, size_t *ret_len) {
    JournalEvent e = *ev;
    e.seq = 1;
    _cleanup_(json_freep) cJSON *extra = NULL;
    if (cJSON_GetObjectItemCaseSensitive(ev->extra, SYNC_FIELD_STREAM_ID)) {
        extra = cJSON_Duplicate(ev->extra, true);
        if (!extra) {
            return -ENOMEM;
        }
        cJSON_DeleteItemFromObjectCaseSensitive(extra, SYNC_FIELD_STREAM_ID);
        e.extra = extra->child ? extra : NULL;
    }
    _cleanup_(freep) char *line = NULL;
    size_t len;
    int r = journal_encode(&e, &line, &len);
    if (r < 0) {
        return r;
    }
    size_t skip = JOURNAL_PREFIX_LEN + SEQ_ONE_LEN;
    if (len < skip + 2 || memcmp(line + JOURNAL_PREFIX_LEN, SEQ_ONE, SEQ_ONE_LEN) != 0) {
        return -EINVAL; /* not the record layout this code knows */
    }
    /* "{" + the members after seq, without the '\n' */
    size_t n = 1 + (len - 1 - skip);
    char *out = malloc(n + 1);
    if (!out) {
        return -ENOMEM;
    }
    out[0] = '{';
    memcpy(out + 1, line + skip, len - 1 - skip);
    out[n] = '\0';
    *ret = out;
    *ret_len = n;
    return 0;
}

int sync_payload_decode(const char *s, size_t len, JournalEvent *ret, cJSON **ret_json) {
    if (!s || len < 2 || s[0] != '{' || len > JOURNAL_RECORD_MAX) {
        return -EBADMSG;
    }
    /* Make it a record line (crc prefix and "seq":1) and let the journal's decoder
     * judge it, so that the stream is held to exactly the journal's rules. */
    size_t n = JOURNAL_PREFIX_LEN + SEQ_ONE_LEN + (len - 1);
    _cleanup_(freep) char *line = malloc(n + 1);
    if (!line) {
        return -ENOMEM;
    }
    memcpy(line + JOURNAL_PREFIX_LEN, SEQ_ONE, SEQ_ONE_LEN);
    memcpy(line + JOURNAL_PREFIX_LEN + SEQ_ONE_LEN, s + 1, len - 1);
    unsigned long crc =
        crc32(0L, (const Bytef *)line + JOURNAL_PREFIX_LEN, (uInt)(n - JOURNAL_PREFIX_LEN));
    char head[JOURNAL_PREFIX_LEN + 1];
    snprintf(head, sizeof(head), "{\"crc\":\"%08lx\",", crc & 0xffffffffUL);
    memcpy(line, head, JOURNAL_PREFIX_LEN);
    line[n] = '\0';
    int r = journal_decode(line, n, ret, ret_json);
    return r == -ENOMEM ? r : r < 0 ? -EBADMSG : 0;
}

/* ---- sync records ---- */

bool sync_is_ack(const JournalEvent *ev) {
    return ev->type == EVENT_UNKNOWN && ev->type_name && streq(ev->type_name, SYNC_ACK_TYPE);
}

static StreamId json_stream_id(const cJSON *v) {
    StreamId id;
    if (!cJSON_IsString(v) || stream_id_parse(v->valuestring, strlen(v->valuestring), &id) < 0) {
        return STREAM_ID_NONE;
    }
    return id;
}

StreamId sync_record_stream_id(const JournalEvent *ev) {
    if (!ev->extra) {
        return STREAM_ID_NONE;
    }
    return json_stream_id(cJSON_GetObjectItemCaseSensitive(ev->extra, SYNC_FIELD_STREAM_ID));
}

cJSON *sync_ack_extra(const SyncAck *acks, size_t n, StreamId read) {
    _cleanup_(json_freep) cJSON *o = cJSON_CreateObject();
    cJSON *list = o ? cJSON_AddArrayToObject(o, "acks") : NULL;
    if (!list) {
        return NULL;
    }
    char buf[STREAM_ID_MAX];
    for (size_t i = 0; i < n; i++) {
        cJSON *pair = cJSON_CreateArray();
        if (!pair || !cJSON_AddItemToArray(list, pair) ||
            !cJSON_AddItemToArray(pair, cJSON_CreateString(acks[i].uid)) ||
            !cJSON_AddItemToArray(pair, cJSON_CreateString(stream_id_format(acks[i].id, buf)))) {
            return NULL;
        }
    }
    if (!stream_id_is_none(read) &&
        !cJSON_AddStringToObject(o, "read", stream_id_format(read, buf))) {
        return NULL;
    }
    return TAKE_PTR(o);
}

void sync_ack_walk(const JournalEvent *ev, void (*fn)(const char *uid, StreamId id, void *ud),
                   void *ud, StreamId *ret_read) {
    *ret_read = STREAM_ID_NONE;
    if (!ev->extra) {
        return;
    }
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(ev->extra, "acks");
    if (!cJSON_IsArray(list)) {
        list = NULL;
    }
    const cJSON *pair;
    cJSON_ArrayForEach(pair, list) {
        const cJSON *uid = cJSON_GetArrayItem(pair, 0);
        StreamId id = json_stream_id(cJSON_GetArrayItem(pair, 1));
        if (cJSON_IsString(uid) && sync_uid_valid(uid->valuestring, strlen(uid->valuestring)) &&
            !stream_id_is_none(id)) {
            fn(uid->valuestring, id, ud);
        }
    }
    *ret_read = json_stream_id(cJSON_GetObjectItemCaseSensitive(ev->extra, "read"));
}
