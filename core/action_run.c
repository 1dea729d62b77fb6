/* The action dispatcher: cancelling, output, the kinds, the journal. */
#include "core/action_run.h"

#include <errno.h>
#include <git2.h>
#include <mysql.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/action_internal.h"
#include "core/text.h"
#include "core/timeutil.h"

/* ---- cancelling ----------------------------------------------------------- */

struct ActionCancel {
    int efd;
    atomic_bool requested;
};

ActionCancel *action_cancel_new(void) {
    ActionCancel *c = calloc(1, sizeof(*c));
    if (!c) {
        return NULL;
    }
    c->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (c->efd < 0) {
        free(c);
        return NULL;
    }
    atomic_init(&c->requested, false);
    return c;
}

ActionCancel *action_cancel_free(ActionCancel *c) {
    if (c) {
        close(c->efd);
        free(c);
    }
    return NULL;
}

void action_cancel_request(ActionCancel *c) {
    if (c) {
        atomic_store(&c->requested, true);
        uint64_t one = 1;
        (void)!write(c->efd, &one, sizeof(one));
    }
}

bool action_cancel_requested(const ActionCancel *c) {
    return c && atomic_load(&((ActionCancel *)c)->requested);
}

int action_cancel_fd(const ActionCancel *c) {
    return c ? c->efd : -1;
}

/* ---- output --------------------------------------------------------------- */

char *act_mask(const char *s, size_t n, const char *secret) {
    size_t sl = secret ? strlen(secret) : 0, hits = 0;
    for (size_t i = 0; sl && i + sl <= n;) {
        if (memcmp(s + i, secret, sl) == 0) {
            hits++, i += sl;
        } else {
            i++;
        }
    }
    char *out = malloc(n + hits * 3 + 1), *o = out;
    if (!out) {
        return NULL;
    }
    for (size_t i = 0; i < n;) {
        if (hits && i + sl <= n && memcmp(s + i, secret, sl) == 0) {
            memcpy(o, "***", 3);
            o += 3, i += sl;
        } else {
            *o++ = s[i++];
        }
    }
    *o = '\0';
    return out;
}

void act_line_raw(ActionCtx *c, ActionLine kind, const char *s, size_t n) {
    if (!c->sink || !c->sink->line) {
        return;
    }
    _cleanup_(freep) char *masked = act_mask(s, n, c->s->password);
    _cleanup_(freep) char *safe = masked ? text_sanitize(masked, strlen(masked)) : NULL;
    if (safe) {
        c->sink->line(c->sink->userdata, kind, safe);
    }
}

void act_line(ActionCtx *c, ActionLine kind, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *raw = NULL;
    int k = vasprintf(&raw, fmt, ap);
    va_end(ap);
    if (k < 0) {
        return;
    }
    /* a formatted message may hold several lines */
    for (char *p = raw, *nl; p; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        act_line_raw(c, kind, p, nl ? (size_t)(nl - p) : strlen(p));
    }
    free(raw);
}

void act_progress(ActionCtx *c, uint64_t bytes, const char *what) {
    if (c->sink && c->sink->progress) {
        c->sink->progress(c->sink->userdata, bytes, what);
    }
}

int act_fail(ActionCtx *c, const char *result, int r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *raw = NULL;
    int k = vasprintf(&raw, fmt, ap);
    va_end(ap);
    if (k < 0) {
        return r;
    }
    _cleanup_(freep) char *masked = act_mask(raw, strlen(raw), c->s->password);
    free(raw);
    char *safe = masked ? text_sanitize(masked, strlen(masked)) : NULL;
    /* a run reports its error with its result; a dry run only through the sink */
    if (safe && !c->res && c->sink && c->sink->line) {
        c->sink->line(c->sink->userdata, ACTION_LINE_ERROR, safe);
    }
    if (c->res) {
        free(c->res->error);
        c->res->error = safe;
        free(c->res->result);
        c->res->result = strdup(result);
    } else {
        free(safe);
    }
    return r;
}

cJSON *act_extra(ActionCtx *c) {
    if (!c->res) {
        return NULL;
    }
    if (!c->res->extra) {
        c->res->extra = cJSON_CreateObject();
    }
    return c->res->extra;
}

void act_extra_str(ActionCtx *c, const char *key, const char *value) {
    cJSON *e = act_extra(c);
    if (e && value) {
        cJSON_DeleteItemFromObjectCaseSensitive(e, key);
        cJSON_AddStringToObject(e, key, value);
    }
}

void act_extra_num(ActionCtx *c, const char *key, double value) {
    cJSON *e = act_extra(c);
    if (e) {
        cJSON_DeleteItemFromObjectCaseSensitive(e, key);
        cJSON_AddNumberToObject(e, key, value);
    }
}

bool act_cancelled(const ActionCtx *c) {
    return action_cancel_requested(c->cancel);
}

static void linesplit_emit(ActionCtx *c, LineSplit *ls) {
    act_line_raw(c, ls->kind, ls->buf, ls->len);
    ls->len = 0;
}

void linesplit_feed(ActionCtx *c, LineSplit *ls, const char *data, size_t n) {
    for (size_t i = 0; i < n; i++) {
        char ch = data[i];
        if (ch == '\n') {
            linesplit_emit(c, ls);
        } else if (ch == '\r') {
            /* "\r\n" ends the line; a lone '\r' restarts it (a progress meter) */
            if (i + 1 < n && data[i + 1] == '\n') {
                continue;
            }
            if (i + 1 < n) {
                ls->len = 0;
            }
        } else if (ch == '\t') {
            do {
                ls->buf[ls->len++] = ' ';
            } while (ls->len % 8 && ls->len < sizeof(ls->buf));
        } else {
            ls->buf[ls->len++] = ch;
        }
        if (ls->len >= sizeof(ls->buf) - 8) {
            /* a very long line is shown in pieces; avoid cutting a UTF-8 sequence */
            size_t cut = ls->len;
            while (cut > ls->len - 4 && ((unsigned char)ls->buf[cut - 1] & 0xc0) == 0x80) {
                cut--;
            }
            if (cut > ls->len - 4 && ((unsigned char)ls->buf[cut - 1] & 0xc0) == 0xc0) {
                cut--;
            } else {
                cut = ls->len;
            }
            size_t rest = ls->len - cut;
            act_line_raw(c, ls->kind, ls->buf, cut);
            memmove(ls->buf, ls->buf + cut, rest);
            ls->len = rest;
        }
    }
}

void linesplit_flush(ActionCtx *c, LineSplit *ls) {
    if (ls->len) {
        linesplit_emit(c, ls);
    }
}

/* ---- results -------------------------------------------------------------- */

void action_result_done(ActionResult *r) {
    if (!r) {
        return;
    }
    free(r->result);
    free(r->error);
    free(r->force_word);
    cJSON_Delete(r->extra);
    *r = (ActionResult){0};
}

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_init_once(void) {
    git_libgit2_init();
    (void)mysql_library_init(0, NULL, NULL);
}

void action_global_init(void) {
    pthread_once(&global_once, global_init_once);
}

/* ---- running -------------------------------------------------------------- */

int action_exec(const ActionSpec *s, const ActionSink *sink, ActionCancel *cancel,
                ActionResult *ret) {
    action_global_init();
    *ret = (ActionResult){0};
    ActionCtx c = {.s = s, .sink = sink, .cancel = cancel, .res = ret};
    long long t0 = time_mono_ms();
    int r;
    switch (s->kind) {
    case ACTION_GIT_FETCH:
    case ACTION_GIT_CHECKOUT:
    case ACTION_GIT_TAG:
    case ACTION_GIT_ROLLBACK:
        r = action_exec_git(&c);
        break;
    case ACTION_DB_BACKUP:
        r = action_exec_backup(&c);
        break;
    case ACTION_DB_QUERY:
        r = action_exec_query(&c);
        break;
    case ACTION_RUN:
        r = action_exec_command(&c);
        break;
    case ACTION_SYSTEMD_START:
    case ACTION_SYSTEMD_STOP:
    case ACTION_SYSTEMD_RESTART:
    case ACTION_SYSTEMD_RELOAD:
        r = action_exec_systemd(&c, false);
        break;
    default:
        r = act_fail(&c, "failed", -EINVAL, "unknown action kind");
        break;
    }
    if (r >= 0) {
        free(ret->result);
        ret->result = strdup("done");
    } else if (!ret->result) {
        act_fail(&c, "failed", r, "%s", strerror(-r));
    }
    if (!c.exit_set) {
        ret->exit_code = r >= 0 ? 0 : 1;
    }
    ret->duration_ms = time_mono_ms() - t0;
    return r >= 0 ? 0 : r;
}

int action_describe(const ActionSpec *s, const ActionSink *sink) {
    action_global_init();
    ActionCtx c = {.s = s, .sink = sink};
    act_line(&c, ACTION_LINE_INFO, "dry run: %s (%s); nothing is changed and nothing journaled",
             s->id, action_kind_to_string(s->kind));
    switch (s->kind) {
    case ACTION_GIT_FETCH:
    case ACTION_GIT_CHECKOUT:
    case ACTION_GIT_TAG:
    case ACTION_GIT_ROLLBACK:
        return action_describe_git(&c);
    case ACTION_DB_BACKUP:
        return action_describe_backup(&c);
    case ACTION_DB_QUERY:
        return action_describe_query(&c);
    case ACTION_RUN:
        return action_describe_command(&c);
    case ACTION_SYSTEMD_START:
    case ACTION_SYSTEMD_STOP:
    case ACTION_SYSTEMD_RESTART:
    case ACTION_SYSTEMD_RELOAD:
        return action_exec_systemd(&c, true);
    default:
        return -EINVAL;
    }
}

/* ---- the journal ---------------------------------------------------------- */

static cJSON *start_extra(const ActionSpec *s) {
    cJSON *o = cJSON_CreateObject();
    cJSON *t = o ? cJSON_AddArrayToObject(o, "targets") : NULL;
    if (!t || !cJSON_AddStringToObject(o, "kind", action_kind_to_string(s->kind))) {
        cJSON_Delete(o);
        return NULL;
    }
    for (size_t i = 0; s->targets[i]; i++) {
        cJSON_AddItemToArray(t, cJSON_CreateString(s->targets[i]));
    }
    if (s->kind >= ACTION_GIT_FETCH && s->kind <= ACTION_GIT_ROLLBACK && s->repo) {
        cJSON_AddStringToObject(o, "repo", s->repo);
    }
    if (s->kind == ACTION_RUN && s->cwd) {
        cJSON_AddStringToObject(o, "cwd", s->cwd);
    }
    if (s->kind == ACTION_DB_QUERY && s->query) {
        cJSON_AddStringToObject(o, "query", s->query);
    }
    return o;
}

int action_journal_start(Journal *j, const ActionSpec *s, JournalEventFn fn, void *userdata) {
    cJSON *extra = start_extra(s);
    if (!extra) {
        return -ENOMEM;
    }
    JournalEvent ev = {.type = EVENT_ACTION_START,
                       .by = s->actor,
                       .action = s->id,
                       .item = s->item,
                       .extra = extra};
    int r = journal_append(j, &ev, 1, fn, userdata);
    cJSON_Delete(extra);
    return r;
}

int action_journal_end(Journal *j, const ActionSpec *s, const ActionResult *res, JournalEventFn fn,
                       void *userdata) {
    cJSON *extra = res->extra ? cJSON_Duplicate(res->extra, true) : cJSON_CreateObject();
    if (!extra) {
        return -ENOMEM;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(extra, "kind");
    cJSON_AddStringToObject(extra, "kind", action_kind_to_string(s->kind));
    if (res->error) {
        _cleanup_(freep) char *masked = act_mask(res->error, strlen(res->error), s->password);
        cJSON_AddStringToObject(extra, "error", masked ? masked : "?");
    }
    cJSON_AddNumberToObject(extra, "duration_ms", (double)res->duration_ms);
    JournalEvent ev = {.type = EVENT_ACTION_END,
                       .by = s->actor,
                       .action = s->id,
                       .item = s->item,
                       .result = res->result ? res->result : "failed",
                       .exit_code = res->exit_code,
                       .has_exit = true,
                       .extra = extra};
    int r = journal_append(j, &ev, 1, fn, userdata);
    cJSON_Delete(extra);
    return r;
}

int action_run(Journal *j, const ActionSpec *s, const ActionSink *sink, ActionCancel *cancel,
               JournalEventFn fn, void *userdata, ActionResult *ret) {
    int r = action_journal_start(j, s, fn, userdata);
    if (r < 0) {
        *ret = (ActionResult){.result = strdup("not run"), .exit_code = 1};
        if (asprintf(&ret->error, "cannot journal the start of the action: %s", strerror(-r)) < 0) {
            ret->error = NULL;
        }
        return r;
    }
    int rx = action_exec(s, sink, cancel, ret);
    r = action_journal_end(j, s, ret, fn, userdata);
    if (r < 0) {
        return -EIO;
    }
    return rx;
}
