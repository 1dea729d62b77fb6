#pragma once
/* Shared by the journal's unit tests: collect what a read saw, temporary
 * directories, whole-file reads and writes, records with a valid crc.
 * Include after <cmocka.h>. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "core/journal.h"
#include "core/journal_internal.h"
#include "core/timeutil.h"

typedef struct Rec {
    uint64_t seq;
    EventType type;
    char by[32];
    char item[32];
    char uid[33];
} Rec;

/* What a JournalEventFn saw.  fail_at: return -ECANCELED for the event with that
 * index (0 = never). */
typedef struct Seen {
    size_t n;
    size_t fail_at;
    Rec v[2048];
} Seen;

static inline int collect(const JournalEvent *ev, void *userdata) {
    Seen *s = userdata;
    if (s->fail_at && s->n + 1 == s->fail_at) {
        s->fail_at = 0;
        return -ECANCELED;
    }
    assert_true(s->n < ELEMENTSOF(s->v));
    Rec *r = &s->v[s->n++];
    r->seq = ev->seq;
    r->type = ev->type;
    snprintf(r->by, sizeof(r->by), "%s", ev->by ? ev->by : "");
    snprintf(r->item, sizeof(r->item), "%s", ev->item ? ev->item : "");
    snprintf(r->uid, sizeof(r->uid), "%s", ev->uid ? ev->uid : "");
    return 0;
}

static inline Seen *seen_new(void) {
    Seen *s = calloc(1, sizeof(Seen));
    assert_non_null(s);
    return s;
}

static inline int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
    return remove(p);
}

static inline int setup_dir(void **state) {
    const char *tmp = getenv("TMPDIR");
    char *dir = NULL;
    assert_true(asprintf(&dir, "%s/opsdeck-tj.XXXXXX", tmp && *tmp ? tmp : "/tmp") > 0);
    assert_non_null(mkdtemp(dir));
    *state = dir;
    return 0;
}

static inline int teardown_dir(void **state) {
    char *dir = *state;
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
    return 0;
}

static inline char *pathf(const char *dir, const char *name) {
    char *p = NULL;
    assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
    return p;
}

static inline int append_tick(Journal *j, const char *by, const char *item) {
    JournalEvent ev = {.type = EVENT_TICK, .by = by, .item = item};
    return journal_append(j, &ev, 1, NULL, NULL);
}

static inline Journal *open_rw(const char *path) {
    Journal *j = NULL;
    assert_int_equal(journal_open(path, 0, &j), 0);
    assert_non_null(j);
    return j;
}

/* Read the whole journal with a fresh read-only handle. */
static inline Seen *read_fresh(const char *path, size_t *ret_warnings, char **ret_first_warning) {
    Journal *j = NULL;
    assert_int_equal(journal_open(path, JOURNAL_READONLY, &j), 0);
    Seen *s = seen_new();
    assert_int_equal(journal_read(j, collect, s), 0);
    *ret_warnings = journal_n_warnings(j);
    if (ret_first_warning) {
        *ret_first_warning = journal_warning(j, 0) ? strdup(journal_warning(j, 0)) : NULL;
    }
    journal_free(j);
    return s;
}

static inline char *slurp(const char *path, size_t *ret_len) {
    FILE *f = fopen(path, "re");
    assert_non_null(f);
    char *buf = NULL;
    size_t cap = 0, len = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            buf = realloc(buf, cap + 1);
            assert_non_null(buf);
        }
        size_t k = fread(buf + len, 1, cap - len, f);
        if (k == 0) {
            break;
        }
        len += k;
    }
    fclose(f);
    buf[len] = '\0';
    *ret_len = len;
    return buf;
}

static inline void spit(const char *path, const char *data, size_t len, const char *mode) {
    FILE *f = fopen(path, mode);
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static inline bool is_hex32(const char *s) {
    if (!s || strlen(s) != 32) {
        return false;
    }
    return strspn(s, "0123456789abcdef") == 32;
}

static inline char *encode(const JournalEvent *ev) {
    char *line = NULL;
    size_t len = 0;
    assert_int_equal(journal_encode(ev, &line, &len), 0);
    assert_int_equal(strlen(line), len);
    return line;
}

/* A line with a valid crc around rest ("…}", the part after the prefix). */
static inline char *with_crc(const char *rest, size_t rest_len, size_t *ret_len) {
    char *line = malloc(JOURNAL_PREFIX_LEN + rest_len + 1);
    assert_non_null(line);
    unsigned long crc = crc32(0L, (const Bytef *)rest, (uInt)rest_len);
    snprintf(line, JOURNAL_PREFIX_LEN + 1, "{\"crc\":\"%08lx\",", crc);
    memcpy(line + JOURNAL_PREFIX_LEN, rest, rest_len);
    line[JOURNAL_PREFIX_LEN + rest_len] = '\0';
    *ret_len = JOURNAL_PREFIX_LEN + rest_len;
    return line;
}

#define UID "0123456789abcdef0123456789abcdef"
