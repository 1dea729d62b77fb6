/* journal_bench [DIR]: how fast the journal replays, and what durability costs.
 *
 *  (a) writes a 1,000,000-event journal (encoded lines written straight to a FILE,
 *      no fdatasync), then times one journal_read over all of it;
 *  (b) times N single-event journal_append calls (each one write + fdatasync under
 *      flock) against a bare loop of N write + fdatasync of the same size.
 *
 * DIR defaults to a new directory under /var/tmp (/tmp may be tmpfs, where
 * fdatasync costs nothing); everything created is removed afterwards. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/journal.h"

#define REPLAY_EVENTS 1000000
#define DURABLE_TICKS 200

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int err) {
    fprintf(stderr, "journal_bench: %s: %s\n", what, strerror(err));
    exit(1);
}

static const char *const people[] = {"alice", "bob", "carol", "dave"};

/* A plausible event k: mostly ticks, some notes and actions. */
static void make_event(uint64_t k, char item[32], char uid[33], const char *uid_prefix,
                       JournalEvent *ev) {
    snprintf(item, 32, "p%u.item%u", (unsigned)(k % 17), (unsigned)(k % 11));
    memcpy(uid, uid_prefix, 16);
    snprintf(uid + 16, 17, "%016llx", (unsigned long long)k);
    *ev = (JournalEvent){
        .seq = k,
        .uid = uid,
        .at = 1795817643 + (time_t)(k / 10),
        .by = people[k % 4],
        .host = "jump1.example.net",
        .type = k % 2 ? EVENT_TICK : EVENT_UNTICK,
        .item = item,
    };
    if (k % 10 == 0) {
        ev->type = EVENT_NOTE;
        ev->note = "checked with the DBA";
    }
}

static int count_event(const JournalEvent *ev, void *userdata) {
    (*(uint64_t *)userdata)++;
    return 0;
}

static void bench_replay(const char *path) {
    char prefix[33];
    int r = journal_uid_new(prefix);
    if (r < 0) {
        die("getrandom", -r);
    }
    prefix[16] = '\0';
    FILE *f = fopen(path, "we");
    if (!f) {
        die(path, errno);
    }
    size_t bytes = 0;
    double t0 = now_s();
    for (uint64_t k = 1; k <= REPLAY_EVENTS; k++) {
        char item[32], uid[33];
        JournalEvent ev;
        make_event(k, item, uid, prefix, &ev);
        char *line;
        size_t len;
        r = journal_encode(&ev, &line, &len);
        if (r < 0) {
            die("journal_encode", -r);
        }
        fwrite(line, 1, len, f);
        bytes += len;
        free(line);
    }
    if (fclose(f) != 0) {
        die(path, errno);
    }
    double t1 = now_s();
    printf("journal write: %d events, %zu bytes (%.0f bytes/record) in %.0f ms\n", REPLAY_EVENTS,
           bytes, (double)bytes / REPLAY_EVENTS, (t1 - t0) * 1e3);

    Journal *j = NULL;
    r = journal_open(path, JOURNAL_READONLY, &j);
    if (r < 0) {
        die(path, -r);
    }
    uint64_t n = 0;
    t0 = now_s();
    r = journal_read(j, count_event, &n);
    t1 = now_s();
    if (r < 0) {
        die("journal_read", -r);
    }
    if (n != REPLAY_EVENTS || journal_n_warnings(j) > 0) {
        fprintf(stderr, "journal_bench: read %llu events, %zu warnings\n", (unsigned long long)n,
                journal_n_warnings(j));
        exit(1);
    }
    printf("journal replay: %llu events in %.0f ms\n", (unsigned long long)n, (t1 - t0) * 1e3);
    journal_free(j);
}

static double bench_durable(const char *path, size_t *ret_len) {
    Journal *j = NULL;
    int r = journal_open(path, 0, &j);
    if (r < 0) {
        die(path, -r);
    }
    double t0 = now_s();
    for (unsigned k = 1; k <= DURABLE_TICKS; k++) {
        char item[32];
        snprintf(item, sizeof(item), "p%u.item%u", k % 17, k % 11);
        JournalEvent ev = {.type = EVENT_TICK, .by = "alice", .item = item};
        r = journal_append(j, &ev, 1, NULL, NULL);
        if (r < 0) {
            die("journal_append", -r);
        }
    }
    double dt = now_s() - t0;
    *ret_len = (size_t)lseek(journal_fd(j), 0, SEEK_END) / DURABLE_TICKS;
    journal_free(j);
    return DURABLE_TICKS / dt;
}

static double bench_bare(const char *path, size_t len) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        die(path, errno);
    }
    char *buf = malloc(len);
    if (!buf) {
        die("malloc", ENOMEM);
    }
    memset(buf, 'x', len);
    buf[len - 1] = '\n';
    double t0 = now_s();
    for (unsigned k = 0; k < DURABLE_TICKS; k++) {
        if (write(fd, buf, len) != (ssize_t)len || fdatasync(fd) < 0) {
            die(path, errno);
        }
    }
    double dt = now_s() - t0;
    free(buf);
    close(fd);
    return DURABLE_TICKS / dt;
}

int main(int argc, char **argv) {
    char tmpl[] = "/var/tmp/opsdeck-bench.XXXXXX";
    const char *dir = argc > 1 ? argv[1] : mkdtemp(tmpl);
    if (!dir) {
        die("mkdtemp", errno);
    }
    char *replay, *durable, *torn, *bare;
    if (asprintf(&replay, "%s/bench-replay.journal", dir) < 0 ||
        asprintf(&durable, "%s/bench-durable.journal", dir) < 0 ||
        asprintf(&torn, "%s.torn", durable) < 0 || asprintf(&bare, "%s/bench-bare.dat", dir) < 0) {
        die("asprintf", ENOMEM);
    }
    unlink(replay), unlink(durable), unlink(bare);

    bench_replay(replay);
    unlink(replay);

    size_t len;
    double durable_rate = bench_durable(durable, &len);
    double bare_rate = bench_bare(bare, len);
    printf("durable ticks: %.0f/s, bare fdatasync: %.0f/s, ratio %.2f (%zu-byte records, %s)\n",
           durable_rate, bare_rate, durable_rate / bare_rate, len, dir);

    unlink(durable), unlink(torn), unlink(bare);
    if (argc <= 1) {
        rmdir(dir);
    }
    free(replay), free(durable), free(torn), free(bare);
    return 0;
}
