/* Action kinds systemd.start / stop / restart / reload: handed to the systemd
 * capability (core/systemd_action.h), its progress lines into the sink. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/action_internal.h"

#if __has_include("core/systemd_action.h")
#include "core/systemd_action.h"

typedef struct SinkFile {
    ActionCtx *c;
    LineSplit ls;
    char last[512]; /* the last complete line: the reason when it fails */
    size_t cur;     /* bytes of the line being written */
    char line[512];
} SinkFile;

static ssize_t sink_write(void *cookie, const char *buf, size_t n) {
    SinkFile *sf = cookie;
    linesplit_feed(sf->c, &sf->ls, buf, n);
    for (size_t i = 0; i < n; i++) {
        if (buf[i] == '\n') {
            sf->line[sf->cur] = '\0';
            memcpy(sf->last, sf->line, sf->cur + 1);
            sf->cur = 0;
        } else if (sf->cur < sizeof(sf->line) - 1) {
            sf->line[sf->cur++] = buf[i];
        }
    }
    return (ssize_t)n;
}

int action_exec_systemd(ActionCtx *c, bool dry_run) {
    const ActionSpec *s = c->s;
    size_t n = 0;
    while (s->units && s->units[n]) {
        n++;
    }
    /* the call takes a plan Action: one made of the spec's own copies */
    Action a = {.id = s->id,
                .title = s->title,
                .kind = s->kind,
                .units = {.v = (const char **)s->units, .n = n}};
    SinkFile sf = {.c = c, .ls = {.kind = ACTION_LINE_OUT}};
    FILE *log = fopencookie(&sf, "w", (cookie_io_functions_t){.write = sink_write});
    if (log) {
        setvbuf(log, NULL, _IOLBF, 0);
    }
    _cleanup_(freep) char *result = NULL;
    /* cancelled (a signal to `opsdeck run`, a panel quitting): the wait stops,
     * the job keeps running in systemd, and the end is journaled "detached" */
    int r = systemd_action_run_cancellable(
        &a, s->user_bus, dry_run, dry_run ? -1 : action_cancel_fd(c->cancel), log, &result);
    if (log) {
        fclose(log);
    }
    linesplit_flush(c, &sf.ls);
    if (sf.cur) {
        sf.line[sf.cur] = '\0';
        memcpy(sf.last, sf.line, sf.cur + 1);
    }
    if (r < 0 && !dry_run) {
        return act_fail(c, result && !streq(result, "done") ? result : "failed", r, "%s",
                        sf.last[0] ? sf.last : strerror(-r));
    }
    if (r < 0) {
        return act_fail(c, "failed", r, "cannot tell what it would do: %s", strerror(-r));
    }
    return 0;
}

#else

int action_exec_systemd(ActionCtx *c, bool dry_run) {
    return act_fail(c, "failed", -EOPNOTSUPP,
                    "systemd actions are not built yet in this version of opsdeck");
}

#endif
