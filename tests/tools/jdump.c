/* jdump PATH: print every valid record of the journal at PATH as its JSON line
 * (re-encoded, so byte for byte what a writer would write), warnings to stderr.
 * Exit 0, or 1 when the journal cannot be read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/journal.h"

static int print_event(const JournalEvent *ev, void *userdata) {
    char *line = NULL;
    size_t len;
    int r = journal_encode(ev, &line, &len);
    if (r < 0) {
        fprintf(stderr, "jdump: cannot encode seq %llu: %s\n", (unsigned long long)ev->seq,
                strerror(-r));
        return 0;
    }
    fwrite(line, 1, len, stdout);
    free(line);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: jdump PATH\n");
        return 2;
    }
    _cleanup_(journal_freep) Journal *j = NULL;
    int r = journal_open(argv[1], JOURNAL_READONLY, &j);
    if (r >= 0) {
        r = journal_read(j, print_event, NULL);
    }
    for (size_t i = 0; j && i < journal_n_warnings(j); i++) {
        fprintf(stderr, "jdump: warning: %s\n", journal_warning(j, i));
    }
    if (r < 0) {
        fprintf(stderr, "jdump: cannot read '%s': %s\n", argv[1], strerror(-r));
        return 1;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
