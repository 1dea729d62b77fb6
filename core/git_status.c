#include "core/git_status.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/git_internal.h"
#include "core/text.h"

const char *git_last_message(void) {
    const git_error *e = git_error_last();
    return e && e->message ? e->message : "unknown error";
}

char *git_url_display(const char *url) {
    if (!url) {
        return NULL;
    }
    const char *scheme = strstr(url, "://");
    const char *host = scheme ? scheme + 3 : url;
    const char *at = strchr(host, '@');
    const char *slash = strchr(host, '/');
    if (!scheme || !at || (slash && slash < at)) {
        return strdup(url);
    }
    char *out = NULL;
    /* keep a user name (ssh://git@host), drop a password */
    const char *colon = memchr(host, ':', (size_t)(at - host));
    if (!colon) {
        return strdup(url);
    }
    if (asprintf(&out, "%.*s%.*s:***%s", (int)(host - url), url, (int)(colon - host), host, at) <
        0) {
        return NULL;
    }
    return out;
}

int git_lookup_name(git_repository *repo, const char *name, git_object **ret) {
    git_reference *ref = NULL, *direct = NULL;
    if (git_reference_dwim(&ref, repo, name) == 0) {
        int r = git_reference_resolve(&direct, ref);
        git_reference_free(ref);
        if (r < 0) {
            return r;
        }
        r = git_object_lookup(ret, repo, git_reference_target(direct), GIT_OBJECT_ANY);
        git_reference_free(direct);
        return r;
    }
    size_t n = strlen(name);
    git_oid oid;
    if (n >= 4 && n <= GIT_OID_HEXSZ && strspn(name, "0123456789abcdefABCDEF") == n &&
        git_oid_fromstrn(&oid, name, n) == 0 &&
        git_object_lookup_prefix(ret, repo, &oid, n, GIT_OBJECT_ANY) == 0) {
        return 0;
    }
    return git_revparse_single(ret, repo, name);
}

int git_repo_changes(git_repository *repo, size_t *ret_dirty, size_t *ret_untracked,
                     char **ret_paths) {
    git_status_options opts;
    git_status_options_init(&opts, GIT_STATUS_OPTIONS_VERSION);
    opts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    opts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX;
    git_status_list *list = NULL;
    int r = git_status_list_new(&list, repo, &opts);
    if (r < 0) {
        return r;
    }
    size_t dirty = 0, untracked = 0, n = git_status_list_entrycount(list);
    char *paths = NULL;
    size_t len = 0;
    FILE *f = ret_paths ? open_memstream(&paths, &len) : NULL;
    for (size_t i = 0; i < n; i++) {
        const git_status_entry *e = git_status_byindex(list, i);
        if (e->status == GIT_STATUS_CURRENT || (e->status & GIT_STATUS_IGNORED)) {
            continue;
        }
        if (e->status == GIT_STATUS_WT_NEW) {
            untracked++;
            continue;
        }
        const git_diff_delta *d = e->head_to_index ? e->head_to_index : e->index_to_workdir;
        if (f && dirty < 3 && d) {
            fprintf(f, "%s%s", dirty ? ", " : "",
                    d->new_file.path ? d->new_file.path : d->old_file.path);
        }
        dirty++;
    }
    if (f) {
        if (dirty > 3) {
            fprintf(f, ", … (%zu in all)", dirty);
        }
        if (fclose(f) == 0) {
            *ret_paths = paths;
        } else {
            free(paths);
            *ret_paths = NULL;
        }
    }
    git_status_list_free(list);
    *ret_dirty = dirty;
    *ret_untracked = untracked;
    return 0;
}

static char *safe(const char *s) {
    return s ? text_sanitize(s, strlen(s)) : NULL;
}

typedef struct TagTime {
    char *name;
    git_time_t when;
} TagTime;

static int cmp_tag(const void *a, const void *b) {
    const TagTime *x = a, *y = b;
    if (x->when != y->when) {
        return x->when > y->when ? -1 : 1;
    }
    return strcmp(x->name, y->name);
}

/* Recent tags and the ones at HEAD. */
static int read_tags(git_repository *repo, const git_oid *head, GitStatus *st) {
    git_strarray names = {0};
    int r = git_tag_list(&names, repo);
    if (r < 0) {
        return r;
    }
    TagTime *v = calloc(names.count ? names.count : 1, sizeof(*v));
    size_t n = 0;
    char *at_head = NULL;
    size_t hl = 0;
    FILE *f = open_memstream(&at_head, &hl);
    for (size_t i = 0; v && f && i < names.count; i++) {
        char ref[1024];
        snprintf(ref, sizeof(ref), "refs/tags/%s", names.strings[i]);
        git_object *obj = NULL, *peeled = NULL;
        if (git_lookup_name(repo, ref, &obj) < 0) {
            continue;
        }
        git_time_t when = 0;
        if (git_object_type(obj) == GIT_OBJECT_TAG && git_tag_tagger((git_tag *)obj)) {
            when = git_tag_tagger((git_tag *)obj)->when.time;
        }
        if (git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT) == 0) {
            if (!when) {
                when = git_commit_time((git_commit *)peeled);
            }
            if (head && git_oid_equal(git_object_id(peeled), head)) {
                fprintf(f, "%s%s", hl ? ", " : "", names.strings[i]);
                fflush(f);
            }
        }
        v[n++] = (TagTime){.name = names.strings[i], .when = when};
        git_object_free(peeled);
        git_object_free(obj);
    }
    if (v) {
        qsort(v, n, sizeof(*v), cmp_tag);
        for (size_t i = 0; i < n && st->n_tags < GIT_STATUS_TAGS; i++) {
            st->tags[st->n_tags++] = safe(v[i].name);
        }
    }
    if (f && fclose(f) == 0 && hl) {
        st->head_tags = safe(at_head);
    }
    free(at_head);
    free(v);
    git_strarray_dispose(&names);
    return 0;
}

static void read_head(git_repository *repo, const git_oid *head, GitStatus *st) {
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof(hex), head);
    st->head = strdup(hex);
    git_commit *commit = NULL;
    if (git_commit_lookup(&commit, repo, head) == 0) {
        st->subject = safe(git_commit_summary(commit));
        st->head_time = (time_t)git_commit_time(commit);
        git_describe_options dopts;
        git_describe_format_options fopts;
        git_describe_options_init(&dopts, GIT_DESCRIBE_OPTIONS_VERSION);
        git_describe_format_options_init(&fopts, GIT_DESCRIBE_FORMAT_OPTIONS_VERSION);
        git_describe_result *res = NULL;
        git_buf buf = {0};
        if (git_describe_commit(&res, (git_object *)commit, &dopts) == 0 &&
            git_describe_format(&buf, res, &fopts) == 0) {
            st->describe = safe(buf.ptr);
        }
        git_buf_dispose(&buf);
        git_describe_result_free(res);
        git_commit_free(commit);
    }
}

static void read_branch(git_repository *repo, const git_oid *head, GitStatus *st) {
    git_reference *ref = NULL, *up = NULL;
    if (git_repository_head_detached(repo) == 1 || git_repository_head(&ref, repo) < 0) {
        return;
    }
    const char *name = NULL;
    if (git_branch_name(&name, ref) == 0) {
        st->branch = safe(name);
    }
    if (head && git_branch_upstream(&up, ref) == 0) {
        const char *uname = NULL;
        if (git_branch_name(&uname, up) == 0) {
            st->upstream = safe(uname);
        }
        const git_oid *uoid = git_reference_target(up);
        if (uoid) {
            (void)git_graph_ahead_behind(&st->ahead, &st->behind, repo, head, uoid);
        }
        git_reference_free(up);
    }
    git_reference_free(ref);
}

int git_status_read(const char *path, GitStatus **ret, char **ret_error) {
    git_libgit2_init();
    git_repository *repo = NULL;
    int r = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
    GitStatus *st = r < 0 ? NULL : calloc(1, sizeof(*st));
    if (st) {
        git_oid head;
        bool born = git_reference_name_to_id(&head, repo, "HEAD") == 0;
        if (born) {
            read_head(repo, &head, st);
        }
        read_branch(repo, born ? &head : NULL, st);
        r = read_tags(repo, born ? &head : NULL, st);
        if (r >= 0 && !git_repository_is_bare(repo)) {
            r = git_repo_changes(repo, &st->dirty, &st->untracked, NULL);
        }
    }
    if (r < 0 || !st) {
        if (ret_error) {
            *ret_error = st || r < 0 ? safe(git_last_message()) : NULL;
        }
        git_status_free(st);
        git_repository_free(repo);
        git_libgit2_shutdown();
        return r < 0 ? (r == GIT_ENOTFOUND ? -ENOENT : -EIO) : -ENOMEM;
    }
    git_repository_free(repo);
    git_libgit2_shutdown();
    *ret = st;
    return 0;
}

GitStatus *git_status_free(GitStatus *s) {
    if (!s) {
        return NULL;
    }
    free(s->head);
    free(s->subject);
    free(s->branch);
    free(s->head_tags);
    free(s->describe);
    free(s->upstream);
    for (size_t i = 0; i < s->n_tags; i++) {
        free(s->tags[i]);
    }
    free(s);
    return NULL;
}
