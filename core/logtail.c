/* Log tails: what journal and file tails share — sanitising, the ring, the sink. */
#include "core/logtail.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "core/logtail_internal.h"
#include "core/macro.h"
#include "core/text.h"
#include "core/timeutil.h"

#define TAB_STOP 8

static int reserve(char **buf, size_t *cap, size_t need) {
    if (need <= *cap) {
        return 0;
    }
    size_t c = *cap ? *cap : 256;
    while (c < need) {
        c *= 2;
    }
    char *b = realloc(*buf, c);
    if (!b) {
        return -ENOMEM;
    }
    *buf = b;
    *cap = c;
    return 0;
}

/* Tabs in the sanitised scratch become spaces to the next stop (by code
 * points: escapes and wide characters make it approximate, as in a pager). */
static int expand_tabs(LogTail *t) {
    size_t tabs = 0;
    for (size_t i = 0; i < t->scratch_len; i++) {
        tabs += t->scratch[i] == '\t';
    }
    if (!tabs) {
        return 0;
    }
    size_t need = t->scratch_len + tabs * (TAB_STOP - 1) + 1;
    char *out = malloc(need);
    if (!out) {
        return -ENOMEM;
    }
    size_t o = 0, col = 0;
    for (size_t i = 0; i < t->scratch_len; i++) {
        unsigned char c = (unsigned char)t->scratch[i];
        if (c == '\t') {
            size_t n = TAB_STOP - col % TAB_STOP;
            memset(out + o, ' ', n);
            o += n;
            col += n;
            continue;
        }
        out[o++] = (char)c;
        col += (c & 0xc0) != 0x80;
    }
    out[o] = '\0';
    free(t->scratch);
    t->scratch = out;
    t->scratch_len = o;
    t->scratch_cap = need;
    return 0;
}

static int deliver(LogTail *t, bool notice) {
    if (t->ring) {
        int r = logring_push(t->ring, t->scratch, t->scratch_len);
        if (r < 0) {
            return r;
        }
    }
    if (t->fn) {
        t->fn(t->userdata, t->scratch, t->scratch_len, notice);
    }
    if (!notice) {
        t->lines++;
    }
    t->delivered++;
    t->work++;
    return 0;
}

int logtail_emit(LogTail *t, const char *s, size_t len) {
    t->work += len / LOGTAIL_LINE_WORK;
    if (len && s[len - 1] == '\r') {
        len--; /* CRLF logs */
    }
    if (!memchr(s, '\t', len) && text_is_clean(s, len, 0)) {
        if (reserve(&t->scratch, &t->scratch_cap, len + 1) < 0) {
            return -ENOMEM;
        }
        memcpy(t->scratch, s, len);
        t->scratch[len] = '\0';
        t->scratch_len = len;
    } else {
        t->scratch_len = 0;
        if (t->scratch) {
            t->scratch[0] = '\0';
        }
        if (text_sanitize_append(&t->scratch, &t->scratch_len, &t->scratch_cap, s, len,
                                 TEXT_KEEP_TAB) < 0 ||
            expand_tabs(t) < 0) {
            return -ENOMEM;
        }
    }
    return deliver(t, false);
}

void logtail_notice(LogTail *t, const char *msg) {
    t->scratch_len = 0;
    if (t->scratch) {
        t->scratch[0] = '\0';
    }
    if (text_sanitize_append(&t->scratch, &t->scratch_len, &t->scratch_cap, msg, strlen(msg), 0) >=
        0) {
        (void)deliver(t, true);
    }
}

void logtail_set_error(LogTail *t, const char *msg) {
    free(t->error);
    t->error = msg ? text_sanitize(msg, strlen(msg)) : NULL;
}

static LogTail *tail_new(const LogTailConfig *cfg, LogTailFn fn, void *userdata, const char *name,
                         bool journal) {
    LogTail *t = calloc(1, sizeof(*t));
    if (!t) {
        return NULL;
    }
    t->cfg = *cfg;
    t->fn = fn;
    t->userdata = userdata;
    t->journal = journal;
    t->name = text_sanitize(name, strlen(name));
    if (!cfg->no_ring) {
        t->ring = logring_new(cfg->ring_cap ? cfg->ring_cap : LOGTAIL_DEFAULT_LINES);
    }
    if (!t->name || (!cfg->no_ring && !t->ring)) {
        free(t->name);
        logring_free(t->ring);
        free(t);
        return NULL;
    }
    return t;
}

int logtail_open_file(const char *path, const LogTailConfig *cfg, LogTailFn fn, void *userdata,
                      LogTail **ret) {
    LogTail *t = tail_new(cfg, fn, userdata, path, false);
    if (!t) {
        return -ENOMEM;
    }
    int r = logtail_file_start(t, path);
    if (r < 0) {
        logtail_free(t);
        return r;
    }
    *ret = t;
    return 0;
}

int logtail_open_journal(const char *unit, const LogTailConfig *cfg, LogTailFn fn, void *userdata,
                         LogTail **ret) {
    LogTail *t = tail_new(cfg, fn, userdata, unit, true);
    if (!t) {
        return -ENOMEM;
    }
    int r = logtail_journal_start(t, unit);
    if (r < 0) {
        logtail_free(t);
        return r;
    }
    *ret = t;
    return 0;
}

LogTail *logtail_free(LogTail *t) {
    if (!t) {
        return NULL;
    }
    if (t->journal) {
        logtail_journal_close(t);
    } else {
        logtail_file_close(t);
    }
    logring_free(t->ring);
    free(t->name);
    free(t->error);
    free(t->scratch);
    free(t);
    return NULL;
}

int logtail_fd(const LogTail *t) {
    if (!t->cfg.follow) {
        return -1;
    }
    return t->journal ? sd_journal_get_fd(t->jn.j) : t->f.inotify;
}

short logtail_events(const LogTail *t) {
    if (t->journal) {
        int ev = sd_journal_get_events(t->jn.j);
        return ev < 0 ? POLLIN : (short)ev;
    }
    return POLLIN;
}

long long logtail_deadline_ms(const LogTail *t) {
    if (t->journal ? t->jn.more : t->f.more) {
        return time_mono_ms();
    }
    if (t->journal && t->cfg.follow) {
        uint64_t usec;
        if (sd_journal_get_timeout(t->jn.j, &usec) >= 0 && usec != UINT64_MAX) {
            return (long long)((usec + 999) / 1000);
        }
    }
    return -1;
}

long logtail_process(LogTail *t, size_t max_lines) {
    t->delivered = 0;
    t->work = 0;
    return t->journal ? logtail_journal_process(t, max_lines) : logtail_file_process(t, max_lines);
}

bool logtail_idle(const LogTail *t) {
    return !(t->journal ? t->jn.more || t->jn.have_current : t->f.more);
}

const LogRing *logtail_ring(const LogTail *t) {
    return t->ring;
}

const char *logtail_error(const LogTail *t) {
    return t->error;
}

bool logtail_is_journal(const LogTail *t) {
    return t->journal;
}

const char *logtail_name(const LogTail *t) {
    return t->name;
}

unsigned long long logtail_lines(const LogTail *t) {
    return t->lines;
}
