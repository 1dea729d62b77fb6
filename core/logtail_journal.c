/* Journal tails: sd-journal matching a unit, followed through its fd. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/logtail_internal.h"
#include "core/macro.h"

static int add_matches(sd_journal *j, const char *unit, bool user) {
    char m[512];
    /* the unit's own lines, and what systemd says about it (as journalctl -u) */
    snprintf(m, sizeof(m), "%s=%s", user ? "_SYSTEMD_USER_UNIT" : "_SYSTEMD_UNIT", unit);
    int r = sd_journal_add_match(j, m, 0);
    if (r >= 0) {
        r = sd_journal_add_disjunction(j);
    }
    if (r >= 0) {
        snprintf(m, sizeof(m), "%s=%s", user ? "USER_UNIT" : "UNIT", unit);
        r = sd_journal_add_match(j, m, 0);
    }
    if (r >= 0 && !user) {
        r = sd_journal_add_match(j, "_PID=1", 0);
    }
    return r;
}

int logtail_journal_start(LogTail *t, const char *unit) {
    LogTailJournal *jn = &t->jn;
    if (strlen(unit) > 256) {
        return -EINVAL;
    }
    jn->unit = strdup(unit);
    if (!jn->unit) {
        return -ENOMEM;
    }
    int r = sd_journal_open(&jn->j, SD_JOURNAL_LOCAL_ONLY);
    if (r < 0) {
        return r;
    }
    r = add_matches(jn->j, unit, t->cfg.user);
    if (r < 0) {
        return r;
    }
    if (t->cfg.follow) {
        r = sd_journal_get_fd(jn->j); /* before the first read, so nothing is missed */
        if (r < 0) {
            return r;
        }
    }
    if (t->cfg.backlog == LOGTAIL_ALL) {
        return sd_journal_seek_head(jn->j);
    }
    r = sd_journal_seek_tail(jn->j);
    if (r < 0) {
        return r;
    }
    /* Stand on a real entry: the last one (backlog 0: what follows is new) or
     * the first of the backlog.  With no entry at all, a position "at the
     * tail" would be taken lazily at the first read and skip what arrived
     * meanwhile: start from the head instead, which is as new. */
    r = t->cfg.backlog == 0 ? sd_journal_previous(jn->j)
                            : sd_journal_previous_skip(jn->j, t->cfg.backlog);
    if (r < 0) {
        return r;
    }
    if (r == 0) {
        return sd_journal_seek_head(jn->j);
    }
    jn->have_current = t->cfg.backlog > 0;
    return 0;
}

void logtail_journal_close(LogTail *t) {
    sd_journal_close(t->jn.j);
    free(t->jn.unit);
    free(t->jn.line);
}

static int field(sd_journal *j, const char *name, const char **ret, size_t *ret_len) {
    const void *d;
    size_t l;
    int r = sd_journal_get_data(j, name, &d, &l);
    if (r < 0) {
        return r;
    }
    size_t skip = strlen(name) + 1;
    if (l < skip) {
        return -EBADMSG;
    }
    *ret = (const char *)d + skip;
    *ret_len = l - skip;
    return 0;
}

static int compose(LogTailJournal *jn, const char *prefix, size_t plen, const char *s, size_t len) {
    size_t need = plen + len + 1;
    if (need > jn->line_cap) {
        char *p = realloc(jn->line, need);
        if (!p) {
            return -ENOMEM;
        }
        jn->line = p;
        jn->line_cap = need;
    }
    memcpy(jn->line, prefix, plen);
    memcpy(jn->line + plen, s, len);
    return 0;
}

/* "Nov 28 22:14:03 uplink-web[1234]: " then the message, one line per line of it. */
static int emit_entry(LogTail *t) {
    sd_journal *j = t->jn.j;
    char prefix[160];
    uint64_t usec = 0;
    (void)sd_journal_get_realtime_usec(j, &usec);
    time_t sec = (time_t)(usec / 1000000ULL);
    struct tm tm;
    localtime_r(&sec, &tm);
    size_t p = strftime(prefix, sizeof(prefix), "%b %d %H:%M:%S ", &tm);
    const char *ident = NULL, *pid = NULL, *msg = NULL;
    size_t ident_len = 0, pid_len = 0, msg_len = 0;
    if (field(j, "SYSLOG_IDENTIFIER", &ident, &ident_len) < 0) {
        (void)field(j, "_COMM", &ident, &ident_len);
    }
    if (field(j, "_PID", &pid, &pid_len) < 0) {
        pid = NULL;
    }
    /* the identifier is untrusted too: it goes through the same sanitiser */
    p += (size_t)snprintf(prefix + p, sizeof(prefix) - p, "%.*s%s%.*s%s: ", (int)MIN(ident_len, 64),
                          ident ? ident : "", pid ? "[" : "", (int)MIN(pid_len, 16), pid ? pid : "",
                          pid ? "]" : "");
    p = MIN(p, sizeof(prefix) - 1);
    if (field(j, "MESSAGE", &msg, &msg_len) < 0) {
        msg = "";
        msg_len = 0;
    }
    size_t plen = p;
    do {
        const char *nl = memchr(msg, '\n', msg_len);
        size_t len = nl ? (size_t)(nl - msg) : msg_len;
        int r = compose(&t->jn, prefix, plen, msg, len);
        if (r >= 0) {
            r = logtail_emit(t, t->jn.line, plen + len);
        }
        if (r < 0) {
            return r;
        }
        if (!nl) {
            break;
        }
        msg_len -= len + 1;
        msg = nl + 1;
        /* continuation lines are indented under the message */
        memset(prefix, ' ', plen);
    } while (msg_len > 0);
    return 0;
}

long logtail_journal_process(LogTail *t, size_t max_lines) {
    LogTailJournal *jn = &t->jn;
    if (t->cfg.follow) {
        (void)sd_journal_process(jn->j);
    }
    jn->more = false;
    for (;;) {
        if (max_lines && t->work >= max_lines) {
            jn->more = true;
            break;
        }
        if (jn->have_current) {
            jn->have_current = false;
        } else {
            int r = sd_journal_next(jn->j);
            if (r < 0) {
                return r;
            }
            if (r == 0) {
                break;
            }
        }
        int r = emit_entry(t);
        if (r < 0) {
            return r;
        }
    }
    return t->delivered;
}
