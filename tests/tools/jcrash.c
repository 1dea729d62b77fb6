/* jcrash: the crash sweep's workload (tests/tools/crashsweep.c).
 *
 *   jcrash PATH N [--batch K] [--by NAME] [--after-fail M]
 *       append N tick events (items i1..iN), K per journal_append (default 1); after
 *       each append that returned print "ack SEQ UID" for each of its events, or
 *       "fail EVENT ERRNO" when it failed; after a failure try M more appends
 *       (default 3: they must fail with EROFS) and stop.  stdout is flushed after
 *       every line, so a reader sees every acknowledgement before the next append.
 *   jcrash --nosync PATH N
 *       write N records after the journal's last one with plain write(), no
 *       fdatasync and no lock: a writer whose page cache the power cut will drop.
 *
 * Exit 0 when every append was acknowledged, 1 when one failed, 2 on usage. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/journal.h"
#include "core/journal_fs.h"

static unsigned long parse_count(const char *s) {
    char *end;
    errno = 0;
    unsigned long n = strtoul(s, &end, 10);
    if (errno || *end || !*s) {
        fprintf(stderr, "jcrash: bad count '%s'\n", s);
        exit(2);
    }
    return n;
}

static const char *errno_name(int err) {
    const char *s = strerrorname_np(err);
    return s ? s : "E?";
}

static int write_unsynced(const char *path, unsigned long n) {
    _cleanup_(journal_freep) Journal *j = NULL;
    int r = journal_open(path, 0, &j);
    if (r >= 0) {
        r = journal_read(j, NULL, NULL);
    }
    if (r < 0) {
        fprintf(stderr, "jcrash: cannot open '%s': %s\n", path, strerror(-r));
        return 1;
    }
    uint64_t seq = journal_last_seq(j);
    for (unsigned long k = 1; k <= n; k++) {
        char item[32], uid[33];
        snprintf(item, sizeof(item), "u%lu", k);
        if (journal_uid_new(uid) < 0) {
            return 1;
        }
        JournalEvent ev = {.seq = seq + k,
                           .uid = uid,
                           .at = 1795000000,
                           .by = "nosync",
                           .host = "crash",
                           .type = EVENT_TICK,
                           .item = item};
        _cleanup_(freep) char *line = NULL;
        size_t len;
        if (journal_encode(&ev, &line, &len) < 0 ||
            journal_fs_write_all(journal_fd(j), line, len) < 0) {
            fprintf(stderr, "jcrash: write failed\n");
            return 1;
        }
        printf("unsynced %" PRIu64 " %s\n", ev.seq, uid);
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    const char *path = NULL, *by = "crash";
    unsigned long n = 0, batch = 1, after_fail = 3;
    bool have_n = false, nosync = false;
    for (int i = 1; i < argc; i++) {
        if (streq(argv[i], "--batch") && i + 1 < argc) {
            batch = parse_count(argv[++i]);
        } else if (streq(argv[i], "--by") && i + 1 < argc) {
            by = argv[++i];
        } else if (streq(argv[i], "--after-fail") && i + 1 < argc) {
            after_fail = parse_count(argv[++i]);
        } else if (streq(argv[i], "--nosync")) {
            nosync = true;
        } else if (!path) {
            path = argv[i];
        } else if (!have_n) {
            n = parse_count(argv[i]);
            have_n = true;
        } else {
            path = NULL;
            break;
        }
    }
    if (!path || !have_n || batch < 1 || batch > 64) {
        fprintf(stderr, "usage: jcrash PATH N [--batch K] [--by NAME] [--after-fail M]\n"
                        "       jcrash --nosync PATH N\n");
        return 2;
    }
    if (nosync) {
        return write_unsynced(path, n);
    }
    _cleanup_(journal_freep) Journal *j = NULL;
    int r = journal_open(path, 0, &j);
    if (r < 0) {
        printf("fail 0 %s\n", errno_name(-r));
        fflush(stdout);
        return 1;
    }
    bool failed = false;
    unsigned long tries_left = after_fail;
    for (unsigned long k = 1; k <= n; k += batch) {
        JournalEvent evs[64];
        char items[64][32];
        size_t m = 0;
        for (; m < batch && k + m <= n; m++) {
            snprintf(items[m], sizeof(items[m]), "i%lu", k + m);
            evs[m] = (JournalEvent){.type = EVENT_TICK, .by = by, .item = items[m]};
        }
        r = journal_append(j, evs, m, NULL, NULL);
        if (r < 0) {
            printf("fail %lu %s\n", k, errno_name(-r));
            fflush(stdout);
            failed = true;
            if (tries_left-- == 0) {
                break;
            }
            continue;
        }
        for (size_t i = 0; i < m; i++) {
            printf("ack %" PRIu64 " %s\n", evs[i].seq, evs[i].uid);
        }
        if (fflush(stdout) != 0) {
            return 1;
        }
    }
    for (size_t i = 0; i < journal_n_warnings(j); i++) {
        fprintf(stderr, "jcrash: warning: %s\n", journal_warning(j, i));
    }
    return failed ? 1 : 0;
}
