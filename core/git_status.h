#pragma once
/* What the deployed git checkout looks like, read-only (libgit2): for the health
 * view and the dry runs.  Blocking (it walks the work tree): call it from a
 * worker thread in the panel. */
#include <stddef.h>
#include <time.h>

#include "core/macro.h"

#define GIT_STATUS_TAGS 10

/* Every string is owned and sanitised for display (core/text.h). */
typedef struct GitStatus {
    char *head;           /* 40 hex digits; NULL when the branch has no commit yet */
    char *subject;        /* HEAD's subject line */
    time_t head_time;     /* HEAD's commit time */
    char *branch;         /* short branch name; NULL when HEAD is detached */
    char *head_tags;      /* the tags pointing at HEAD, ", "-separated; NULL when none */
    char *describe;       /* as `git describe` (annotated tags); NULL when no tag reaches HEAD */
    char *upstream;       /* the branch's upstream ("origin/main"); NULL when none */
    size_t ahead, behind; /* commits HEAD has that the upstream has not, and back */
    size_t dirty;         /* changed tracked paths, staged or not (`status --porcelain` lines
                             other than "??") */
    size_t untracked;     /* "??" lines: untracked files, a new directory counting once */
    char *tags[GIT_STATUS_TAGS]; /* the most recent tags (tagger or commit time), newest first */
    size_t n_tags;
} GitStatus;

/* Read the repository at path (not searching upwards).  Returns 0, or a negative
 * errno with *ret_error (may be NULL) a new sentence from libgit2. */
int git_status_read(const char *path, GitStatus **ret, char **ret_error);
GitStatus *git_status_free(GitStatus *s);
DEFINE_FREEP(GitStatus, git_status_free)
