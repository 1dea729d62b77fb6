/* opsdeck tail PLAN LOG [-n N] [-f]: a log of the plan, every line sanitised. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "core/logtail.h"
#include "core/timeutil.h"

#define BATCH_LINES 65536

static void print_line(void *userdata, const char *line, size_t len, bool notice) {
    if (notice) {
        fflush(stdout);
        fprintf(stderr, "opsdeck: tail: %s\n", line); /* sanitised by the tail */
        return;
    }
    /* the line is sanitised already: nothing in it can drive the terminal */
    fwrite_unlocked(line, 1, len, stdout);
    putc_unlocked('\n', stdout);
}

static int load_plan(const char *path, Plan **ret) {
    _cleanup_(diag_list_freep) DiagList *d = diag_list_new(path);
    if (!d) {
        return -ENOMEM;
    }
    int r = plan_load(path, d, ret);
    diag_sort(d);
    diag_print(d, stderr);
    if (r < 0 && r != -EINVAL) {
        fputs("opsdeck: cannot read plan '", stderr);
        out_text(stderr, path);
        fprintf(stderr, "': %s\n", strerror(-r));
    }
    return r;
}

static void no_such_log(const Plan *p, const char *id) {
    fputs("opsdeck: plan '", stderr);
    out_text(stderr, p->id);
    fputs("' has no log '", stderr);
    out_text(stderr, id);
    if (p->n_logs == 0) {
        fputs("' (it lists no logs)\n", stderr);
        return;
    }
    fputs("'; its logs:", stderr);
    for (size_t i = 0; i < p->n_logs; i++) {
        fputc(' ', stderr);
        out_text(stderr, p->logs[i].id);
    }
    fputc('\n', stderr);
}

static int follow(LogTail *t) {
    for (;;) {
        long long deadline = logtail_deadline_ms(t);
        long long now = time_mono_ms();
        int timeout = deadline < 0 ? -1 : deadline <= now ? 0 : (int)MIN(deadline - now, 60000);
        struct pollfd p = {.fd = logtail_fd(t), .events = logtail_events(t)};
        if (poll(&p, 1, timeout) < 0 && errno != EINTR) {
            return -errno;
        }
        long r = logtail_process(t, BATCH_LINES);
        if (r < 0) {
            return (int)r;
        }
        if (fflush(stdout) == EOF || ferror(stdout)) {
            return 0; /* the reader went away */
        }
    }
}

int cmd_tail(const Options *o, int argc, char **argv) {
    _cleanup_(plan_freep) Plan *p = NULL;
    int r = load_plan(argv[0], &p);
    if (r < 0) {
        return EXIT_USAGE;
    }
    const LogSource *ls = plan_find_log(p, argv[1]);
    if (!ls) {
        no_such_log(p, argv[1]);
        return EXIT_USAGE;
    }
    LogTailConfig cfg = {
        .no_ring = true,
        .backlog = o->lines < 0 ? LOGTAIL_ALL : (size_t)o->lines,
        .follow = o->follow,
        .user = o->user,
    };
    (void)setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    _cleanup_(logtail_freep) LogTail *t = NULL;
    r = ls->unit ? logtail_open_journal(ls->unit, &cfg, print_line, NULL, &t)
                 : logtail_open_file(ls->file, &cfg, print_line, NULL, &t);
    if (r < 0) {
        fputs("opsdeck: cannot open log '", stderr);
        out_text(stderr, ls->id);
        fputs("' (", stderr);
        out_text(stderr, ls->unit ? ls->unit : ls->file);
        fprintf(stderr, "): %s\n", strerror(-r));
        return EXIT_FAILED;
    }
    if (logtail_error(t)) {
        fprintf(stderr, "opsdeck: tail: %s\n", logtail_error(t));
    }
    r = (int)logtail_process(t, 0);
    if (r >= 0 && o->follow) {
        fflush(stdout);
        r = follow(t);
    }
    if (fflush(stdout) == EOF) {
        return errno == EPIPE ? EXIT_OK : EXIT_FAILED;
    }
    if (r < 0) {
        fputs("opsdeck: reading log '", stderr);
        out_text(stderr, ls->id);
        fprintf(stderr, "' failed: %s\n", strerror(-r));
        return EXIT_FAILED;
    }
    return EXIT_OK;
}
