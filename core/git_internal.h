#pragma once
/* libgit2 helpers shared by git_status.c and action_git.c. */
#include <git2.h>
#include <stddef.h>

/* Count the work tree's changes as `git status --porcelain` lines: *ret_dirty the
 * tracked ones (staged or not, a staged rename once), *ret_untracked the "??" ones.
 * ret_paths (may be NULL): a new string naming the first few changed paths.
 * Returns 0 or a libgit2 error. */
int git_repo_changes(git_repository *repo, size_t *ret_dirty, size_t *ret_untracked,
                     char **ret_paths);

/* The object name stands for: a reference by git's rules (refs/NAME, refs/tags/NAME,
 * refs/heads/NAME, refs/remotes/NAME ...), its target not peeled (an annotated tag
 * stays a tag); else a commit id or a prefix of one (4 hex digits or more); else
 * rev-parse syntax (HEAD~1).  git_revparse_single() is kept for that last case:
 * libgit2 1.5 leaks its pcre2 match data for every name that is not describe
 * output.  Returns 0 or a libgit2 error. */
int git_lookup_name(git_repository *repo, const char *name, git_object **ret);

/* The last libgit2 error's message, or "unknown error". */
const char *git_last_message(void);

/* A copy of url with any "user:password@" taken out, for display. */
char *git_url_display(const char *url);
