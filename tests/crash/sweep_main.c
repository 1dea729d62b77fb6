/* crashsweep [--events N] [--ticks N] [--shim SO] [--jcrash BIN] [--opsdeck BIN] [SWEEP...]
 *
 * The crash-safety sweep (see tests/crash/sweep.h).  SWEEPs: kill fail short pagecache
 * batch torn tick (default: all of them).  One TAP line per sweep, then
 * "crash points tried: N, survived: N".  Exit 0 when every point survived. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/macro.h"
#include "tests/crash/sweep.h"

void report(Sweep *s, bool ok, const char *name, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    printf("%s - crash sweep: %s: ", ok ? "ok" : "not ok", name);
    vprintf(fmt, ap);
    putchar('\n');
    va_end(ap);
    fflush(stdout);
    if (!ok) {
        s->checks_failed++;
    }
}

static bool wanted(char **sweeps, int n, const char *name) {
    if (n == 0) {
        return true;
    }
    for (int i = 0; i < n; i++) {
        if (strcmp(sweeps[i], name) == 0) {
            return true;
        }
    }
    return false;
}

static char *sibling(const char *argv0, const char *name) {
    const char *slash = strrchr(argv0, '/');
    char *p;
    if (asprintf(&p, "%.*s%s", slash ? (int)(slash - argv0 + 1) : 0, argv0, name) < 0) {
        abort();
    }
    return p;
}

static char *make_work(void) {
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    char *tmpl;
    if (asprintf(&tmpl, "%s/opsdeck-crash.XXXXXX", base ? base : "/tmp") < 0 || !mkdtemp(tmpl)) {
        perror("crashsweep: mkdtemp");
        exit(2);
    }
    return tmpl;
}

int main(int argc, char **argv) {
    Sweep s = {.events = 1000, .ticks = 300};
    char *shim = NULL, *jcrash = NULL;
    char *sweeps[16];
    int n_sweeps = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (streq(a, "--events") && i + 1 < argc) {
            s.events = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (streq(a, "--ticks") && i + 1 < argc) {
            s.ticks = (unsigned)strtoul(argv[++i], NULL, 10);
        } else if (streq(a, "--shim") && i + 1 < argc) {
            shim = strdup(argv[++i]);
        } else if (streq(a, "--jcrash") && i + 1 < argc) {
            jcrash = strdup(argv[++i]);
        } else if (streq(a, "--opsdeck") && i + 1 < argc) {
            s.opsdeck = argv[++i];
        } else if (a[0] != '-' && n_sweeps < 16) {
            sweeps[n_sweeps++] = argv[i];
        } else {
            fprintf(stderr, "usage: crashsweep [--events N] [--ticks N] [--shim SO] "
                            "[--jcrash BIN] [--opsdeck BIN] [kill|fail|short|pagecache|batch|"
                            "torn|tick]...\n");
            return 2;
        }
    }
    s.shim = shim ? shim : (shim = sibling(argv[0], "shim.so"));
    s.jcrash = jcrash ? jcrash : (jcrash = sibling(argv[0], "../tools/jcrash"));
    if (access(s.shim, R_OK) != 0 || access(s.jcrash, X_OK) != 0) {
        fprintf(stderr, "crashsweep: need %s and %s (make check builds them)\n", s.shim, s.jcrash);
        return 2;
    }
    s.work = make_work();
    unsigned ev = s.events, small = MAX(ev / 10, 10u);
    if (wanted(sweeps, n_sweeps, "kill")) {
        sweep_kill(&s, "before", ev, 1, false);
        sweep_kill(&s, "after", ev, 1, false);
        sweep_kill(&s, "torn", ev, 1, false);
    }
    if (wanted(sweeps, n_sweeps, "batch")) {
        sweep_kill(&s, "torn", small, 3, false);
        sweep_kill(&s, "after", small, 3, false);
    }
    if (wanted(sweeps, n_sweeps, "torn")) {
        sweep_kill(&s, "before", 5, 1, true);
        sweep_kill(&s, "after", 5, 1, true);
        sweep_kill(&s, "torn", 5, 1, true);
        sweep_fail(&s, "sync", "EIO", 5, true);
        sweep_fail(&s, "write", "ENOSPC", 5, true);
    }
    if (wanted(sweeps, n_sweeps, "fail")) {
        sweep_fail(&s, "sync", "EIO", ev, false);
        sweep_fail(&s, "sync", "ENOSPC", ev, false);
        sweep_fail(&s, "write", "EIO", small, false);
        sweep_fail(&s, "write", "ENOSPC", small, false);
        sweep_fail(&s, "truncate,rename", "EIO", small, true);
    }
    if (wanted(sweeps, n_sweeps, "short")) {
        sweep_short(&s, NULL, small);
        sweep_short(&s, "ENOSPC", small);
    }
    if (wanted(sweeps, n_sweeps, "pagecache")) {
        sweep_pagecache(&s, 20, 5);
    }
    if (wanted(sweeps, n_sweeps, "tick")) {
        sweep_tick(&s, "before", NULL, s.ticks);
        sweep_tick(&s, "after", NULL, s.ticks);
        sweep_tick(&s, "torn", NULL, s.ticks);
        sweep_tick(&s, NULL, "EIO", s.ticks);
        sweep_tick(&s, NULL, "ENOSPC", s.ticks);
    }
    if (s.partial_batches > 0) {
        printf("# %ld crash points left the first records of an unacknowledged batch readable "
               "(a batch is all-or-nothing only once acknowledged)\n",
               s.partial_batches);
    }
    printf("crash points tried: %ld, survived: %ld\n", s.tried, s.survived);
    reset_dir(s.work);
    rmdir(s.work);
    free(s.work);
    free(shim);
    free(jcrash);
    return s.checks_failed == 0 && s.tried == s.survived ? 0 : 1;
}
