#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/out.h"

const char *cli_actor(const Options *o) {
    if (o->as && *o->as) {
        return o->as;
    }
    const char *env = getenv("OPSDECK_USER");
    if (env && *env) {
        return env;
    }
    const char *login = getlogin();
    if (login && *login) {
        return login;
    }
    struct passwd *pw = getpwuid(geteuid());
    if (pw && pw->pw_name) {
        return pw->pw_name;
    }
    env = getenv("USER");
    return env && *env ? env : "unknown";
}

static int load_plan(Session *s, const char *plan_path) {
    _cleanup_(diag_list_freep) DiagList *d = diag_list_new(plan_path);
    if (!d) {
        fprintf(stderr, "opsdeck: out of memory\n");
        return EXIT_FAILED;
    }
    int r = plan_load(plan_path, d, &s->plan);
    diag_sort(d);
    diag_print(d, stderr);
    if (r == -EINVAL) {
        fprintf(stderr, "opsdeck: plan '%s' has %zu error%s; fix them and run again\n", plan_path,
                d->n_errors, d->n_errors == 1 ? "" : "s");
        return EXIT_USAGE;
    }
    if (r < 0) {
        fputs("opsdeck: cannot read plan '", stderr);
        out_text(stderr, plan_path);
        fprintf(stderr, "': %s\n", strerror(-r));
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

int session_open(Session *s, const Options *o, const char *plan_path, unsigned flags) {
    *s = (Session){0};
    int rc = load_plan(s, plan_path);
    if (rc != EXIT_OK) {
        return rc;
    }
    int r;
    if (o->state) {
        s->journal_path = strdup(o->state);
        r = s->journal_path ? 0 : -ENOMEM;
    } else {
        r = plan_journal_path(s->plan, &s->journal_path);
    }
    if (r < 0) {
        fprintf(stderr,
                "opsdeck: cannot tell where the journal of plan '%s' lives (%s); pass "
                "--state PATH or set XDG_STATE_HOME\n",
                s->plan->id, strerror(-r));
        session_close(s);
        return EXIT_FAILED;
    }
    /* with sync, every command may record what the stream brings and push */
    bool sync = s->plan->sync_redis && !(flags & SESSION_NO_SYNC);
    bool write = ((flags & SESSION_WRITE) || sync) && !o->readonly && !o->wallboard;
    r = journal_open(s->journal_path, write ? 0 : JOURNAL_READONLY, &s->journal);
    if (r < 0 && sync && !(flags & SESSION_WRITE) && (r == -EACCES || r == -EROFS)) {
        r = journal_open(s->journal_path, JOURNAL_READONLY, &s->journal);
    }
    if (r < 0) {
        fprintf(stderr, "opsdeck: cannot open journal '");
        out_text(stderr, s->journal_path);
        fprintf(stderr, "': %s%s\n", strerror(-r),
                r == -EACCES || r == -EROFS ? "; check its permissions or pass --state PATH" : "");
        session_close(s);
        return EXIT_FAILED;
    }
    r = state_new(s->plan, &s->state);
    if (r >= 0 && sync) {
        r = session_sync_open(s, o, flags);
    } else if (r >= 0 && !(flags & SESSION_NO_READ)) {
        r = journal_read(s->journal, state_apply_cb, s->state);
    }
    session_print_warnings(s);
    if (r < 0) {
        fprintf(stderr, "opsdeck: cannot read journal '");
        out_text(stderr, s->journal_path);
        fprintf(stderr, "': %s\n", strerror(-r));
        session_close(s);
        return EXIT_FAILED;
    }
    return EXIT_OK;
}

void session_print_warnings(Session *s) {
    for (size_t i = s->warned; i < journal_n_warnings(s->journal); i++, s->warned++) {
        fprintf(stderr, "opsdeck: warning: journal '");
        out_text(stderr, s->journal_path);
        fprintf(stderr, "': ");
        out_text(stderr, journal_warning(s->journal, i));
        fputc('\n', stderr);
    }
}

void session_close(Session *s) {
    session_sync_close(s);
    s->state = state_free(s->state);
    s->journal = journal_free(s->journal);
    free(s->journal_path);
    s->journal_path = NULL;
    s->plan = plan_free(s->plan);
}
