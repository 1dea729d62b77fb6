/* Record lines: encode an event as `{"crc":"XXXXXXXX",…}` and verify/decode one back.
 * The decoder is fed untrusted bytes (and fuzzed): every length is checked, nothing
 * is assumed NUL-terminated. */
#include "core/journal.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <zlib.h>

#include "core/journal_internal.h"
#include "core/text.h"
#include "core/timeutil.h"

static const char *const event_type_names[_EVENT_TYPE_MAX] = {
    [EVENT_TICK] = "tick",
    [EVENT_UNTICK] = "untick",
    [EVENT_NOTE] = "note",
    [EVENT_PHASE_START] = "phase-start",
    [EVENT_PHASE_OVERRIDE] = "phase-override",
    [EVENT_ACTION_START] = "action-start",
    [EVENT_ACTION_END] = "action-end",
    [EVENT_UNKNOWN] = "unknown",
};

const char *event_type_to_string(EventType t) {
    if ((unsigned)t >= _EVENT_TYPE_MAX) {
        return NULL;
    }
    return event_type_names[t];
}

EventType event_type_from_string(const char *s) {
    if (!s) {
        return EVENT_UNKNOWN;
    }
    for (unsigned t = 0; t < EVENT_UNKNOWN; t++) {
        if (streq(s, event_type_names[t])) {
            return (EventType)t;
        }
    }
    return EVENT_UNKNOWN;
}

int journal_uid_new(char ret[static 33]) {
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    size_t got = 0;
    while (got < sizeof(b)) {
        ssize_t k = getrandom(b + got, sizeof(b) - got, 0);
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        got += (size_t)k;
    }
    for (size_t i = 0; i < sizeof(b); i++) {
        ret[2 * i] = hex[b[i] >> 4];
        ret[2 * i + 1] = hex[b[i] & 15];
    }
    ret[32] = '\0';
    return 0;
}

/* ---- the fields of a record ---- */

typedef enum FieldKind {
    F_CRC,     /* the prefix; checked before parsing */
    F_SEQ,     /* positive integer */
    F_AT,      /* ISO 8601 string */
    F_STR,     /* required string */
    F_OPT_STR, /* optional string (null = unset) */
    F_EXIT,    /* optional integer */
} FieldKind;

typedef struct Field {
    const char *name;
    FieldKind kind;
    size_t offset; /* of the const char * in JournalEvent, for strings */
} Field;

#define STR_FIELD(n, k, m)                                                                         \
    { n, k, offsetof(JournalEvent, m) }
static const Field fields[] = {
    {"crc", F_CRC, 0},
    {"seq", F_SEQ, 0},
    STR_FIELD("id", F_STR, uid),
    {"at", F_AT, 0},
    STR_FIELD("by", F_STR, by),
    STR_FIELD("host", F_STR, host),
    STR_FIELD("type", F_STR, type_name),
    STR_FIELD("item", F_OPT_STR, item),
    STR_FIELD("phase", F_OPT_STR, phase),
    STR_FIELD("action", F_OPT_STR, action),
    STR_FIELD("note", F_OPT_STR, note),
    STR_FIELD("reason", F_OPT_STR, reason),
    STR_FIELD("result", F_OPT_STR, result),
    {"exit", F_EXIT, 0},
};
#define REQUIRED_FIELDS ((1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 6))

/* Index into fields[] of a key, or -1.  Called for every member of every record
 * replayed, so it dispatches on the first byte before comparing. */
static int field_lookup(const char *k) {
    int a = -1, b = -1;
    switch (k[0]) {
    case 'a':
        a = 3, b = 9;
        break;
    case 'b':
        a = 4;
        break;
    case 'c':
        a = 0;
        break;
    case 'e':
        a = 13;
        break;
    case 'h':
        a = 5;
        break;
    case 'i':
        a = 2, b = 7;
        break;
    case 'n':
        a = 10;
        break;
    case 'p':
        a = 8;
        break;
    case 'r':
        a = 11, b = 12;
        break;
    case 's':
        a = 1;
        break;
    case 't':
        a = 6;
        break;
    default:
        return -1;
    }
    if (streq(k, fields[a].name)) {
        return a;
    }
    if (b >= 0 && streq(k, fields[b].name)) {
        return b;
    }
    return -1;
}

static const char **field_str(JournalEvent *ev, const Field *f) {
    return (const char **)((char *)ev + f->offset);
}

static const char *const *field_cstr(const JournalEvent *ev, const Field *f) {
    return (const char *const *)((const char *)ev + f->offset);
}

/* ---- encoding ---- */

static bool add_item(cJSON *o, const char *key, cJSON *item) {
    if (!item) {
        return false;
    }
    if (!cJSON_AddItemToObjectCS(o, key, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}

static int build_object(const JournalEvent *ev, cJSON *o) {
    char at[32], seq[24];
    const char *type = ev->type == EVENT_UNKNOWN ? ev->type_name : event_type_to_string(ev->type);
    time_format_iso8601(ev->at, at, sizeof(at));
    /* cJSON prints doubles with 15 significant digits: write seq exactly */
    snprintf(seq, sizeof(seq), "%" PRIu64, ev->seq);
    if (!add_item(o, "seq", cJSON_CreateRaw(seq)) ||
        !add_item(o, "id", cJSON_CreateString(ev->uid)) ||
        !add_item(o, "at", cJSON_CreateString(at)) ||
        !add_item(o, "by", cJSON_CreateString(ev->by)) ||
        !add_item(o, "host", cJSON_CreateString(ev->host)) ||
        !add_item(o, "type", cJSON_CreateString(type))) {
        return -ENOMEM;
    }
    for (size_t i = 0; i < ELEMENTSOF(fields); i++) {
        const Field *f = &fields[i];
        if (f->kind == F_OPT_STR && *field_cstr(ev, f) &&
            !add_item(o, f->name, cJSON_CreateString(*field_cstr(ev, f)))) {
            return -ENOMEM;
        }
    }
    if (ev->has_exit && !add_item(o, "exit", cJSON_CreateNumber(ev->exit_code))) {
        return -ENOMEM;
    }
    if (!ev->extra) {
        return 0;
    }
    for (const cJSON *c = ev->extra->child; c; c = c->next) {
        cJSON *dup = cJSON_Duplicate(c, true);
        if (!dup) {
            return -ENOMEM;
        }
        if (!cJSON_AddItemToObject(o, c->string, dup)) {
            cJSON_Delete(dup);
            return -ENOMEM;
        }
    }
    return 0;
}

#define SEQ_MAX 9007199254740992.0    /* 2^53: a JSON number any reader gets exactly */
#define AT_MIN ((time_t)-62167219200) /* 0000-01-01T00:00:00Z */
#define AT_MAX ((time_t)253402300799) /* 9999-12-31T23:59:59Z */

static int validate_for_encode(const JournalEvent *ev) {
    if ((unsigned)ev->type >= _EVENT_TYPE_MAX || !ev->uid || !ev->by || !ev->host) {
        return -EINVAL;
    }
    if (ev->seq < 1 || ev->seq > (1ull << 53) || ev->at < AT_MIN || ev->at > AT_MAX) {
        return -EINVAL;
    }
    if (ev->type == EVENT_UNKNOWN && (!ev->type_name || !*ev->type_name)) {
        return -EINVAL;
    }
    if (!ev->extra) {
        return 0;
    }
    if (!cJSON_IsObject(ev->extra)) {
        return -EINVAL;
    }
    for (const cJSON *c = ev->extra->child; c; c = c->next) {
        if (!c->string || field_lookup(c->string) >= 0) {
            return -EINVAL;
        }
        for (const cJSON *d = ev->extra->child; d != c; d = d->next) {
            if (streq(d->string, c->string)) {
                return -EINVAL; /* a duplicate key: readers would disagree on it */
            }
        }
    }
    return 0;
}

/* cJSON passes bytes >= 0x80 through as they are; replace every invalid UTF-8
 * sequence by U+FFFD so each record is valid JSON for any reader.  Such bytes can
 * only be inside strings, so the structure is untouched. */
static char *utf8_fix(const char *s, size_t n, size_t *ret_len) {
    char *out = malloc(n * 3 + 1);
    if (!out) {
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = text_utf8_len((const unsigned char *)s + i, n - i, &cp);
        if (k == 0) {
            memcpy(out + o, "\xef\xbf\xbd", 3);
            o += 3;
            i++;
        } else {
            memcpy(out + o, s + i, k);
            o += k;
            i += k;
        }
    }
    out[o] = '\0';
    *ret_len = o;
    return out;
}

static void put_hex32(char *p, unsigned long v) {
    static const char hex[] = "0123456789abcdef";
    for (int i = 7; i >= 0; i--) {
        p[i] = hex[v & 15];
        v >>= 4;
    }
}

int journal_encode(const JournalEvent *ev, char **ret_line, size_t *ret_len) {
    if (!ev || !ret_line || !ret_len) {
        return -EINVAL;
    }
    int r = validate_for_encode(ev);
    if (r < 0) {
        return r;
    }
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        return -ENOMEM;
    }
    r = build_object(ev, o);
    char *printed = r < 0 ? NULL : cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!printed) {
        return -ENOMEM;
    }
    size_t plen = strlen(printed);
    if (text_utf8_validate(printed, plen) != plen) {
        char *fixed = utf8_fix(printed, plen, &plen);
        cJSON_free(printed);
        if (!fixed) {
            return -ENOMEM;
        }
        printed = fixed;
    }
    /* printed is "{…}"; the record is the prefix, then printed without its '{' */
    size_t rest_len = plen - 1, len = JOURNAL_PREFIX_LEN + rest_len + 1;
    if (len > JOURNAL_RECORD_MAX) {
        cJSON_free(printed);
        return -E2BIG;
    }
    char *line = malloc(len + 1);
    if (!line) {
        cJSON_free(printed);
        return -ENOMEM;
    }
    memcpy(line, "{\"crc\":\"", 8);
    put_hex32(line + 8, crc32(0L, (const Bytef *)printed + 1, (uInt)rest_len));
    memcpy(line + 16, "\",", 2);
    memcpy(line + JOURNAL_PREFIX_LEN, printed + 1, rest_len);
    line[len - 1] = '\n';
    line[len] = '\0';
    cJSON_free(printed);
    *ret_line = line;
    *ret_len = len;
    return 0;
}

/* ---- decoding ---- */

static bool parse_hex32(const char *p, unsigned long *ret) {
    unsigned long v = 0;
    for (int i = 0; i < 8; i++) {
        char c = p[i];
        unsigned d;
        if (c >= '0' && c <= '9') {
            d = (unsigned)(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            d = (unsigned)(c - 'a' + 10);
        } else {
            return false;
        }
        v = v << 4 | d;
    }
    *ret = v;
    return true;
}

/* An integral JSON number within [lo, hi]. */
static bool json_integer(const cJSON *c, double lo, double hi, double *ret) {
    if (!cJSON_IsNumber(c)) {
        return false;
    }
    double d = c->valuedouble;
    if (!(d >= lo && d <= hi) || d != (double)(long long)d) {
        return false;
    }
    *ret = d;
    return true;
}

static const char *decode_field(const Field *f, const cJSON *c, JournalEvent *ev) {
    double d;
    switch (f->kind) {
    case F_CRC:
        return NULL;
    case F_SEQ:
        if (!json_integer(c, 1, SEQ_MAX, &d)) {
            return "bad seq";
        }
        ev->seq = (uint64_t)d;
        return NULL;
    case F_AT:
        if (!cJSON_IsString(c) || time_parse_iso8601(c->valuestring, &ev->at) < 0 ||
            ev->at < AT_MIN || ev->at > AT_MAX) {
            return "bad time";
        }
        return NULL;
    case F_STR:
        if (!cJSON_IsString(c)) {
            return "field of the wrong type";
        }
        *field_str(ev, f) = c->valuestring;
        return NULL;
    case F_OPT_STR:
        if (cJSON_IsNull(c)) {
            return NULL;
        }
        if (!cJSON_IsString(c)) {
            return "field of the wrong type";
        }
        *field_str(ev, f) = c->valuestring;
        return NULL;
    case F_EXIT:
        if (cJSON_IsNull(c)) {
            return NULL;
        }
        if (!json_integer(c, INT_MIN, INT_MAX, &d)) {
            return "bad exit code";
        }
        ev->exit_code = (int)d;
        ev->has_exit = true;
        return NULL;
    }
    return "unknown field kind";
}

/* Walk the members: known ones fill ev, unknown ones move into a new object. */
static const char *decode_members(cJSON *root, unsigned seen, JournalEvent *ev, cJSON **extra,
                                  int *ret_errno) {
    for (cJSON *c = root->child, *next; c; c = next) {
        next = c->next;
        if (!c->string) {
            return "bad JSON";
        }
        int i = field_lookup(c->string);
        if (i < 0) {
            if (!*extra && !(*extra = cJSON_CreateObject())) {
                *ret_errno = ENOMEM;
                return "out of memory";
            }
            if (cJSON_GetObjectItemCaseSensitive(*extra, c->string)) {
                return "duplicate field";
            }
            cJSON_DetachItemViaPointer(root, c);
            if (!cJSON_AddItemToObject(*extra, c->string, c)) {
                cJSON_Delete(c);
                *ret_errno = ENOMEM;
                return "out of memory";
            }
            continue;
        }
        if (seen & (1u << i)) {
            return "duplicate field";
        }
        seen |= 1u << i;
        const char *why = decode_field(&fields[i], c, ev);
        if (why) {
            return why;
        }
    }
    if ((seen & REQUIRED_FIELDS) != REQUIRED_FIELDS) {
        return "missing field";
    }
    if (!*ev->type_name) {
        return "empty type";
    }
    ev->type = event_type_from_string(ev->type_name);
    return NULL;
}

/* Verify and decode.  With writable (the same bytes as line), the JSON is parsed
 * from the byte before "rest", turned into '{' for the time of the parse: the crc
 * member is not parsed again (and counts as seen, so that a second one is still a
 * duplicate).  Either way the result is the same. */
static int decode(const char *line, size_t len, char *writable, JournalEvent *ret, cJSON **ret_json,
                  const char **why) {
    *why = NULL;
    if (len < JOURNAL_PREFIX_LEN + 1 || memcmp(line, "{\"crc\":\"", 8) != 0 ||
        memcmp(line + 16, "\",", 2) != 0) {
        *why = len == 0 ? "empty line" : "not a record";
        return -EBADMSG;
    }
    unsigned long want;
    if (!parse_hex32(line + 8, &want)) {
        *why = "bad checksum field";
        return -EBADMSG;
    }
    if (crc32(0L, (const Bytef *)line + JOURNAL_PREFIX_LEN, (uInt)(len - JOURNAL_PREFIX_LEN)) !=
        want) {
        *why = "checksum mismatch";
        return -EBADMSG;
    }
    /* cJSON strings are C strings: a NUL could hide the rest of a value */
    if (memchr(line, '\0', len)) {
        *why = "NUL byte in record";
        return -EBADMSG;
    }
    size_t skip = writable ? JOURNAL_PREFIX_LEN - 1 : 0;
    if (writable) {
        writable[skip] = '{';
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(line + skip, len - skip, &end, false);
    if (writable) {
        writable[skip] = ',';
    }
    if (!root || end != line + len || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        *why = "bad JSON";
        return -EBADMSG;
    }
    JournalEvent ev = {0};
    cJSON *extra = NULL;
    int err = EBADMSG;
    *why = decode_members(root, writable ? 1u : 0u, &ev, &extra, &err);
    /* extra hangs off root under a constant empty key, so that root owns it all */
    if (!*why && extra && !cJSON_AddItemToObjectCS(root, "", extra)) {
        *why = "out of memory";
        err = ENOMEM;
    }
    if (*why) {
        cJSON_Delete(extra);
        cJSON_Delete(root);
        return -err;
    }
    ev.extra = extra;
    *ret = ev;
    *ret_json = root;
    return 0;
}

int journal_decode_reason(const char *line, size_t len, JournalEvent *ret, cJSON **ret_json,
                          const char **ret_reason) {
    const char *dummy;
    if ((!line && len > 0) || !ret || !ret_json) {
        return -EINVAL;
    }
    return decode(line ? line : "", len, NULL, ret, ret_json, ret_reason ? ret_reason : &dummy);
}

int journal_decode_buffer(char *line, size_t len, JournalEvent *ret, cJSON **ret_json,
                          const char **ret_reason) {
    const char *dummy;
    if ((!line && len > 0) || !ret || !ret_json) {
        return -EINVAL;
    }
    return decode(line ? line : "", len, line, ret, ret_json, ret_reason ? ret_reason : &dummy);
}

int journal_decode(const char *line, size_t len, JournalEvent *ret, cJSON **ret_json) {
    return journal_decode_reason(line, len, ret, ret_json, NULL);
}
