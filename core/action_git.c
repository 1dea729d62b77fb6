/* Action kinds git.fetch, git.checkout, git.tag, git.rollback (libgit2) on the
 * plan's repo.  Each journals commit_before and commit_after.  A checkout (and a
 * rollback) is refused while the work tree has changes to tracked files, unless
 * the spec's force_target equals the target (then the changes are discarded). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/action_internal.h"
#include "core/git_internal.h"

#define HEX_LEN (GIT_OID_HEXSZ + 1)

typedef struct Git {
    ActionCtx *c;
    git_repository *repo;
    char before[HEX_LEN]; /* "" when unborn */
    unsigned cred_tries;
} Git;

static int git_fail(ActionCtx *c, const char *what) {
    return act_fail(c, "failed", -EIO, "%s: %s", what, git_last_message());
}

static void oid_hex(const git_oid *oid, char out[HEX_LEN]) {
    git_oid_tostr(out, HEX_LEN, oid);
}

static int head_hex(git_repository *repo, char out[HEX_LEN]) {
    git_oid oid;
    out[0] = '\0';
    if (git_reference_name_to_id(&oid, repo, "HEAD") < 0) {
        return -ENOENT;
    }
    oid_hex(&oid, out);
    return 0;
}

/* "1a2b3c4 subject" of a commit, for messages; a new string. */
static char *commit_line(git_repository *repo, const char *hex) {
    git_oid oid;
    git_commit *commit = NULL;
    char *out = NULL;
    if (!*hex || git_oid_fromstr(&oid, hex) < 0 || git_commit_lookup(&commit, repo, &oid) < 0) {
        return strdup(*hex ? hex : "(no commit)");
    }
    const char *subject = git_commit_summary(commit);
    if (asprintf(&out, "%.7s %s", hex, subject ? subject : "") < 0) {
        out = NULL;
    }
    git_commit_free(commit);
    return out;
}

static int open_repo(Git *g) {
    const ActionSpec *s = g->c->s;
    if (!s->repo) {
        return act_fail(g->c, "failed", -EINVAL,
                        "the plan has no repo: add repo: { path: DIR } to run git actions");
    }
    if (git_repository_open_ext(&g->repo, s->repo, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
        return act_fail(g->c, "failed", -ENOENT, "cannot open the git repository '%s': %s", s->repo,
                        git_last_message());
    }
    (void)head_hex(g->repo, g->before);
    return 0;
}

static void close_repo(Git *g) {
    git_repository_free(g->repo);
    g->repo = NULL;
}

static void record_commits(Git *g) {
    char after[HEX_LEN];
    (void)head_hex(g->repo, after);
    act_extra_str(g->c, "commit_before", *g->before ? g->before : NULL);
    act_extra_str(g->c, "commit_after", *after ? after : NULL);
}

/* ---- resolving a target ----------------------------------------------------- */

/* A local branch (*ret_branch its full ref name) or anything rev-parse takes
 * (a tag, a commit, origin/main), peeled to its commit. */
static int resolve(Git *g, const char *ref, git_commit **ret, char **ret_branch) {
    git_reference *b = NULL;
    git_object *obj = NULL, *peeled = NULL;
    *ret_branch = NULL;
    if (git_branch_lookup(&b, g->repo, ref, GIT_BRANCH_LOCAL) == 0) {
        *ret_branch = strdup(git_reference_name(b));
        int r = git_reference_peel(&peeled, b, GIT_OBJECT_COMMIT);
        git_reference_free(b);
        if (r < 0 || !*ret_branch) {
            free(*ret_branch);
            *ret_branch = NULL;
            return git_fail(g->c, "cannot read the branch");
        }
        *ret = (git_commit *)peeled;
        return 0;
    }
    if (git_lookup_name(g->repo, ref, &obj) < 0) {
        return act_fail(g->c, "failed", -ENOENT,
                        "'%s' is no branch, tag or commit in '%s' (%s); fetch first?", ref,
                        g->c->s->repo, git_last_message());
    }
    int r = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
    git_object_free(obj);
    if (r < 0) {
        return act_fail(g->c, "failed", -EINVAL, "'%s' does not name a commit", ref);
    }
    *ret = (git_commit *)peeled;
    return 0;
}

/* The typed force target matches word, or (a commit) is a prefix of at least
 * 7 hex digits of full. */
static bool force_matches(const char *typed, const char *word, const char *full) {
    size_t n = strlen(typed);
    return streq(typed, word) || (full && n >= 7 && strncmp(full, typed, n) == 0);
}

/* Refuse a dirty tree unless forced; *ret_forced tells whether changes are discarded. */
static int check_clean(Git *g, const char *word, const char *full, bool *ret_forced) {
    ActionCtx *c = g->c;
    size_t dirty = 0, untracked = 0;
    _cleanup_(freep) char *paths = NULL;
    *ret_forced = false;
    if (git_repo_changes(g->repo, &dirty, &untracked, &paths) < 0) {
        return git_fail(c, "cannot read the work tree's status");
    }
    if (dirty == 0) {
        return 0;
    }
    const char *typed = c->s->force_target;
    if (typed && force_matches(typed, word, full)) {
        act_line(c, ACTION_LINE_INFO, "forced: discarding changes to %zu tracked file%s (%s)",
                 dirty, dirty == 1 ? "" : "s", paths ? paths : "");
        act_extra_num(c, "discarded", (double)dirty);
        *ret_forced = true;
        return 0;
    }
    if (c->res) {
        free(c->res->force_word);
        c->res->force_word = strdup(word);
    }
    if (typed) {
        return act_fail(c, "refused", -EPERM,
                        "the work tree of '%s' has %zu changed file%s (%s), and the "
                        "force target '%s' is not '%s'; nothing was checked out",
                        c->s->repo, dirty, dirty == 1 ? "" : "s", paths ? paths : "", typed, word);
    }
    return act_fail(c, "refused", -EPERM,
                    "the work tree of '%s' has %zu changed file%s (%s); nothing was "
                    "checked out. Commit or stash them, or force with the target '%s' (this "
                    "discards the changes)",
                    c->s->repo, dirty, dirty == 1 ? "" : "s", paths ? paths : "", word);
}

static int checkout(Git *g, git_commit *target, const char *branch, const char *word) {
    ActionCtx *c = g->c;
    char full[HEX_LEN];
    oid_hex(git_commit_id(target), full);
    bool forced = false;
    int r = check_clean(g, word, full, &forced);
    if (r < 0) {
        return r;
    }
    git_checkout_options co;
    git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
    co.checkout_strategy = forced ? GIT_CHECKOUT_FORCE : GIT_CHECKOUT_SAFE;
    if (git_checkout_tree(g->repo, (const git_object *)target, &co) < 0) {
        return git_fail(c, "the checkout failed (nothing was moved)");
    }
    r = branch ? git_repository_set_head(g->repo, branch)
               : git_repository_set_head_detached(g->repo, git_commit_id(target));
    if (r < 0) {
        return git_fail(c, "the files were checked out, but HEAD could not be moved");
    }
    record_commits(g);
    if (forced) {
        act_extra_str(c, "forced", "yes");
    }
    _cleanup_(freep) char *line = commit_line(g->repo, full);
    act_line(c, ACTION_LINE_INFO, "HEAD is now at %s (%s%s)", line ? line : full,
             branch ? "branch " : "detached", branch ? branch + strlen("refs/heads/") : "");
    return 0;
}

/* ---- fetch --------------------------------------------------------------- */

static int on_transfer(const git_indexer_progress *stats, void *payload) {
    Git *g = payload;
    act_progress(g->c, stats->received_bytes, "received");
    return act_cancelled(g->c) ? -1 : 0;
}

static int on_tip(const char *refname, const git_oid *a, const git_oid *b, void *payload) {
    Git *g = payload;
    char ha[HEX_LEN], hb[HEX_LEN];
    oid_hex(a, ha);
    oid_hex(b, hb);
    if (git_oid_is_zero(a)) {
        act_line(g->c, ACTION_LINE_OUT, "  new     %s %.7s", refname, hb);
    } else {
        act_line(g->c, ACTION_LINE_OUT, "  updated %s %.7s..%.7s", refname, ha, hb);
    }
    return act_cancelled(g->c) ? -1 : 0;
}

static int on_credentials(git_credential **out, const char *url, const char *user, unsigned allowed,
                          void *payload) {
    Git *g = payload;
    /* one try from the ssh agent; no prompting from a panel or a script */
    if (g->cred_tries++ == 0 && (allowed & GIT_CREDENTIAL_SSH_KEY)) {
        return git_credential_ssh_key_from_agent(out, user ? user : "git");
    }
    return GIT_PASSTHROUGH;
}

static int exec_fetch(Git *g) {
    ActionCtx *c = g->c;
    git_remote *remote = NULL;
    if (git_remote_lookup(&remote, g->repo, c->s->remote) < 0) {
        return act_fail(c, "failed", -ENOENT, "the repository '%s' has no remote '%s'", c->s->repo,
                        c->s->remote);
    }
    _cleanup_(freep) char *url = git_url_display(git_remote_url(remote));
    act_line(c, ACTION_LINE_INFO, "fetching from %s (%s)", c->s->remote, url ? url : "?");
    git_fetch_options fo;
    git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
    fo.callbacks.transfer_progress = on_transfer;
    fo.callbacks.update_tips = on_tip;
    fo.callbacks.credentials = on_credentials;
    fo.callbacks.payload = g;
    int r = git_remote_fetch(remote, NULL, &fo, "fetch (opsdeck)");
    if (r < 0) {
        git_remote_free(remote);
        if (act_cancelled(c)) {
            return act_fail(c, "cancelled", -ECANCELED, "fetch cancelled");
        }
        return git_fail(c, "the fetch failed");
    }
    const git_indexer_progress *st = git_remote_stats(remote);
    act_line(c, ACTION_LINE_INFO, "fetched %u objects, %zu bytes from %s", st->received_objects,
             st->received_bytes, c->s->remote);
    act_extra_str(c, "remote", c->s->remote);
    record_commits(g);
    git_remote_free(remote);
    return 0;
}

/* ---- checkout ----------------------------------------------------------- */

static int exec_checkout(Git *g) {
    const char *ref = g->c->s->ref;
    if (!ref) {
        return act_fail(g->c, "failed", -EINVAL, "git.checkout has no ref");
    }
    git_commit *target = NULL;
    _cleanup_(freep) char *branch = NULL;
    int r = resolve(g, ref, &target, &branch);
    if (r < 0) {
        return r;
    }
    act_extra_str(g->c, "ref", ref);
    r = checkout(g, target, branch, ref);
    git_commit_free(target);
    return r;
}

/* ---- tag ------------------------------------------------------------------- */

static int tag_signature(Git *g, git_signature **ret) {
    if (git_signature_default(ret, g->repo) == 0) {
        return 0;
    }
    char host[256] = "localhost", email[320];
    (void)gethostname(host, sizeof(host) - 1);
    snprintf(email, sizeof(email), "opsdeck@%s", host);
    return git_signature_now(ret, g->c->s->actor, email);
}

/* The commit tag points at now (*ret_hex ""), or -ENOENT when it does not exist. */
static int tag_target(Git *g, const char *tag, char ret_hex[HEX_LEN]) {
    char ref[1024];
    git_object *obj = NULL, *peeled = NULL;
    snprintf(ref, sizeof(ref), "refs/tags/%s", tag);
    ret_hex[0] = '\0';
    if (git_lookup_name(g->repo, ref, &obj) < 0) {
        return -ENOENT;
    }
    if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0) {
        oid_hex(git_object_id(peeled), ret_hex);
    }
    git_object_free(peeled);
    git_object_free(obj);
    return 0;
}

static int exec_tag(Git *g) {
    ActionCtx *c = g->c;
    const char *tag = c->s->tag;
    int valid = 0;
    if (!tag || git_tag_name_is_valid(&valid, tag) < 0 || !valid) {
        return act_fail(c, "failed", -EINVAL, "'%s' is not a valid tag name", tag ? tag : "");
    }
    if (!*g->before) {
        return act_fail(c, "failed", -ENOENT, "'%s' has no commit to tag", c->s->repo);
    }
    char old[HEX_LEN];
    bool exists = tag_target(g, tag, old) == 0;
    if (exists && !c->s->tag_force) {
        return act_fail(c, "failed", -EEXIST,
                        "tag '%s' exists (at %.7s); set force: true in the action to move it", tag,
                        *old ? old : "?");
    }
    git_signature *sig = NULL;
    git_object *target = NULL;
    git_oid oid, head;
    char msg[512];
    snprintf(msg, sizeof(msg), "opsdeck: action %s by %s\n", c->s->id, c->s->actor);
    int r = git_oid_fromstr(&head, g->before);
    r = r < 0 ? r : git_object_lookup(&target, g->repo, &head, GIT_OBJECT_COMMIT);
    r = r < 0 ? r : tag_signature(g, &sig);
    r = r < 0 ? r : git_tag_create(&oid, g->repo, tag, target, sig, msg, c->s->tag_force);
    git_signature_free(sig);
    git_object_free(target);
    if (r < 0) {
        return git_fail(c, "cannot create the tag");
    }
    act_extra_str(c, "tag", tag);
    if (exists) {
        act_extra_str(c, "tag_before", *old ? old : NULL);
    }
    record_commits(g);
    act_line(c, ACTION_LINE_INFO, "tagged %.7s as %s%s%.7s%s", g->before, tag,
             exists ? " (moved from " : "", exists ? old : "", exists ? ")" : "");
    return 0;
}

/* ---- rollback: the deployed commits, from the journal --------------------------- */

typedef struct Deploys {
    char (*v)[HEX_LEN];
    size_t n, cap;
} Deploys;

static const char *extra_str(const JournalEvent *ev, const char *key) {
    const cJSON *v = ev->extra ? cJSON_GetObjectItemCaseSensitive(ev->extra, key) : NULL;
    return cJSON_IsString(v) && strlen(v->valuestring) == GIT_OID_HEXSZ ? v->valuestring : NULL;
}

static int push(Deploys *d, const char *hex) {
    if (d->n && streq(d->v[d->n - 1], hex)) {
        return 0;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 16;
        void *v = realloc(d->v, cap * sizeof(*d->v));
        if (!v) {
            return -ENOMEM;
        }
        d->v = v, d->cap = cap;
    }
    memcpy(d->v[d->n++], hex, HEX_LEN);
    return 0;
}

/* A checkout pushes the commit it deployed (the first one also what was there
 * before it); a rollback pops the commit it rolled back from. */
static int on_event(const JournalEvent *ev, void *userdata) {
    Deploys *d = userdata;
    const cJSON *kind = ev->extra ? cJSON_GetObjectItemCaseSensitive(ev->extra, "kind") : NULL;
    if (ev->type != EVENT_ACTION_END || !ev->result || !streq(ev->result, "done") ||
        !cJSON_IsString(kind)) {
        return 0;
    }
    const char *after = extra_str(ev, "commit_after"), *before = extra_str(ev, "commit_before");
    if (!after) {
        return 0;
    }
    if (streq(kind->valuestring, "git.checkout")) {
        int r = d->n == 0 && before ? push(d, before) : 0;
        return r < 0 ? r : push(d, after);
    }
    if (streq(kind->valuestring, "git.rollback")) {
        if (d->n) {
            d->n--;
        }
        return push(d, after);
    }
    return 0;
}

static int read_deploys(ActionCtx *c, Deploys *d) {
    Journal *j = NULL;
    if (!c->s->journal_path) {
        return act_fail(c, "failed", -EINVAL, "no journal to read the deployed commits from");
    }
    int r = journal_open(c->s->journal_path, JOURNAL_READONLY, &j);
    if (r >= 0) {
        r = journal_read(j, on_event, d);
        journal_free(j);
    }
    if (r < 0) {
        return act_fail(c, "failed", r, "cannot read the journal '%s': %s", c->s->journal_path,
                        strerror(-r));
    }
    if (d->n < 2) {
        return act_fail(c, "failed", -ENOENT,
                        "nothing to roll back to: the journal records no commit deployed before "
                        "the current one (git.checkout actions record them)");
    }
    return 0;
}

/* The target of a rollback; says what it is. */
static int rollback_target(Git *g, Deploys *d, git_commit **ret) {
    ActionCtx *c = g->c;
    int r = read_deploys(c, d);
    if (r < 0) {
        return r;
    }
    const char *cur = d->v[d->n - 1], *prev = d->v[d->n - 2];
    if (!streq(g->before, cur)) {
        act_line(c, ACTION_LINE_INFO,
                 "note: HEAD (%.7s) is not the commit last deployed through opsdeck (%.7s)",
                 *g->before ? g->before : "none", cur);
    }
    _cleanup_(freep) char *from = commit_line(g->repo, cur);
    _cleanup_(freep) char *to = commit_line(g->repo, prev);
    act_line(c, ACTION_LINE_INFO, "rolling back from %s", from ? from : cur);
    act_line(c, ACTION_LINE_INFO, "               to %s (deployed before it)", to ? to : prev);
    git_oid oid;
    if (git_oid_fromstr(&oid, prev) < 0 || git_commit_lookup(ret, g->repo, &oid) < 0) {
        return act_fail(c, "failed", -ENOENT, "commit %.7s is not in '%s' any more", prev,
                        c->s->repo);
    }
    act_extra_str(c, "rollback_from", cur);
    return 0;
}

static int exec_rollback(Git *g) {
    Deploys d = {0};
    git_commit *target = NULL;
    int r = rollback_target(g, &d, &target);
    if (r >= 0) {
        char word[8];
        snprintf(word, sizeof(word), "%.7s", d.v[d.n - 2]);
        r = checkout(g, target, NULL, word);
    }
    git_commit_free(target);
    free(d.v);
    return r;
}

int action_exec_git(ActionCtx *c) {
    Git g = {.c = c};
    int r = open_repo(&g);
    if (r < 0) {
        return r;
    }
    act_extra_str(c, "repo", c->s->repo);
    switch (c->s->kind) {
    case ACTION_GIT_FETCH:
        r = exec_fetch(&g);
        break;
    case ACTION_GIT_CHECKOUT:
        r = exec_checkout(&g);
        break;
    case ACTION_GIT_TAG:
        r = exec_tag(&g);
        break;
    default:
        r = exec_rollback(&g);
        break;
    }
    if (r < 0) {
        record_commits(&g);
    }
    close_repo(&g);
    return r;
}

/* ---- dry runs ---------------------------------------------------------------- */

static void describe_tree(Git *g, const char *word) {
    size_t dirty = 0, untracked = 0;
    _cleanup_(freep) char *paths = NULL;
    if (git_repo_changes(g->repo, &dirty, &untracked, &paths) < 0) {
        act_line(g->c, ACTION_LINE_INFO, "  work tree: cannot tell (%s)", git_last_message());
    } else if (dirty == 0) {
        act_line(g->c, ACTION_LINE_INFO, "  work tree: clean (%zu untracked)", untracked);
    } else {
        act_line(g->c, ACTION_LINE_INFO, "  work tree: %zu changed file%s (%s): %s", dirty,
                 dirty == 1 ? "" : "s", paths ? paths : "",
                 g->c->s->force_target ? "the force target discards them if it matches"
                                       : "it would be REFUSED");
        act_line(g->c, ACTION_LINE_INFO,
                 "  to discard the changes: --force-target %s (the panel asks to type it)", word);
    }
}

static int describe_move(Git *g, git_commit *target, const char *branch, const char *word) {
    char full[HEX_LEN];
    oid_hex(git_commit_id(target), full);
    _cleanup_(freep) char *to = commit_line(g->repo, full);
    _cleanup_(freep) char *from = commit_line(g->repo, g->before);
    act_line(g->c, ACTION_LINE_INFO, "  HEAD now: %s", from ? from : g->before);
    act_line(g->c, ACTION_LINE_INFO, "  would move to: %s (%s)", to ? to : full,
             branch ? "on the branch" : "detached HEAD");
    act_line(g->c, ACTION_LINE_INFO, "  commit_after would be %s", full);
    describe_tree(g, word);
    return 0;
}

int action_describe_git(ActionCtx *c) {
    Git g = {.c = c};
    int r = open_repo(&g);
    if (r < 0) {
        return r;
    }
    const ActionSpec *s = c->s;
    git_commit *target = NULL;
    _cleanup_(freep) char *branch = NULL;
    if (s->kind == ACTION_GIT_FETCH) {
        git_remote *remote = NULL;
        if (git_remote_lookup(&remote, g.repo, s->remote) < 0) {
            r = act_fail(c, "failed", -ENOENT, "the repository has no remote '%s'", s->remote);
        } else {
            _cleanup_(freep) char *url = git_url_display(git_remote_url(remote));
            act_line(c, ACTION_LINE_INFO, "would fetch from remote '%s' (%s) into %s", s->remote,
                     url ? url : "?", s->repo);
            act_line(c, ACTION_LINE_INFO, "  HEAD stays at %.7s; the work tree is not touched",
                     g.before);
            git_remote_free(remote);
        }
    } else if (s->kind == ACTION_GIT_CHECKOUT) {
        act_line(c, ACTION_LINE_INFO, "would check out '%s' in %s", s->ref ? s->ref : "", s->repo);
        r = s->ref ? resolve(&g, s->ref, &target, &branch) : -EINVAL;
        r = r < 0 ? r : describe_move(&g, target, branch, s->ref);
    } else if (s->kind == ACTION_GIT_TAG) {
        char old[HEX_LEN];
        bool exists = s->tag && tag_target(&g, s->tag, old) == 0;
        act_line(c, ACTION_LINE_INFO, "would tag HEAD %.7s as '%s' (annotated) in %s", g.before,
                 s->tag ? s->tag : "", s->repo);
        if (exists) {
            act_line(c, ACTION_LINE_INFO, "  the tag exists at %.7s: %s", old,
                     s->tag_force ? "it would be moved (force: true)"
                                  : "it would FAIL (no force: true)");
        }
    } else {
        Deploys d = {0};
        act_line(c, ACTION_LINE_INFO,
                 "would roll back %s to the commit deployed before the "
                 "current one (from the journal)",
                 s->repo);
        r = rollback_target(&g, &d, &target);
        char word[8] = "";
        if (r >= 0) {
            snprintf(word, sizeof(word), "%.7s", d.v[d.n - 2]);
            r = describe_move(&g, target, NULL, word);
        }
        free(d.v);
    }
    git_commit_free(target);
    close_repo(&g);
    return r;
}
