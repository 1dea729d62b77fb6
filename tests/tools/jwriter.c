/* jwriter PATH N BY: append N tick events (items i1..iN, by BY) to the journal at
 * PATH one at a time, printing each acknowledged seq on its own line.  Warnings
 * of the journal go to stderr.  Used to run several writers at once. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/journal.h"

static void print_warnings(const Journal *j, size_t *shown) {
    for (; *shown < journal_n_warnings(j); (*shown)++) {
        fprintf(stderr, "jwriter: warning: %s\n", journal_warning(j, *shown));
    }
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: jwriter PATH N BY\n");
        return 2;
    }
    char *end;
    errno = 0;
    unsigned long n = strtoul(argv[2], &end, 10);
    if (errno || *end || !*argv[2]) {
        fprintf(stderr, "jwriter: bad count '%s'\n", argv[2]);
        return 2;
    }
    _cleanup_(journal_freep) Journal *j = NULL;
    int r = journal_open(argv[1], 0, &j);
    if (r < 0) {
        fprintf(stderr, "jwriter: cannot open '%s': %s\n", argv[1], strerror(-r));
        return 1;
    }
    size_t shown = 0;
    for (unsigned long k = 1; k <= n; k++) {
        char item[32];
        snprintf(item, sizeof(item), "i%lu", k);
        JournalEvent ev = {.type = EVENT_TICK, .by = argv[3], .item = item};
        r = journal_append(j, &ev, 1, NULL, NULL);
        print_warnings(j, &shown);
        if (r < 0) {
            const char *why = journal_failure(j);
            fprintf(stderr, "jwriter: append %lu failed: %s\n", k, why ? why : strerror(-r));
            return 1;
        }
        printf("%" PRIu64 "\n", ev.seq);
        fflush(stdout);
    }
    return 0;
}
