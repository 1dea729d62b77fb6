/* gitstatus DIR: core/git_status.c's view of a repository, one key=value a line,
 * for tests to compare with what git itself says.  Exit 0, or 1 with the error. */
#include <stdio.h>
#include <stdlib.h>

#include "core/git_status.h"

static const char *or_dash(const char *s) {
    return s ? s : "-";
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: gitstatus DIR\n");
        return 2;
    }
    GitStatus *st = NULL;
    char *err = NULL;
    if (git_status_read(argv[1], &st, &err) < 0) {
        fprintf(stderr, "gitstatus: %s\n", err ? err : "failed");
        free(err);
        return 1;
    }
    printf("head=%s\nsubject=%s\nbranch=%s\nhead_tags=%s\ndescribe=%s\nupstream=%s\n",
           or_dash(st->head), or_dash(st->subject), or_dash(st->branch), or_dash(st->head_tags),
           or_dash(st->describe), or_dash(st->upstream));
    printf("ahead=%zu\nbehind=%zu\ndirty=%zu\nuntracked=%zu\ntags=", st->ahead, st->behind,
           st->dirty, st->untracked);
    for (size_t i = 0; i < st->n_tags; i++) {
        printf("%s%s", i ? " " : "", st->tags[i]);
    }
    putchar('\n');
    git_status_free(st);
    return 0;
}
