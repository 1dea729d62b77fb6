/* Log ingest figures of core/logtail.h, sanitising included:
 *   tail_bench catchup FILE      read FILE from its start into a 10,000-line
 *                                ring; lines/s and peak RSS
 *   tail_bench follow FILE N     follow FILE (from its end) until the line "N"
 *                                arrives while a writer appends 1..N; checks
 *                                every line arrived in order; lines/s, peak RSS */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/logtail.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_rss_kb(void) {
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

typedef struct Follow {
    unsigned long long next; /* the number expected on the next line */
    unsigned long long bad;
    double first;
} Follow;

static void check_line(void *userdata, const char *line, size_t len, bool notice) {
    Follow *f = userdata;
    if (notice) {
        return;
    }
    if (f->next == 1) {
        f->first = now_s();
    }
    if (strtoull(line, NULL, 10) != f->next) {
        f->bad++;
    }
    f->next++;
}

static int catchup(const char *file) {
    LogTailConfig cfg = {.backlog = LOGTAIL_ALL};
    LogTail *t = NULL;
    double t0 = now_s();
    if (logtail_open_file(file, &cfg, NULL, NULL, &t) < 0) {
        fprintf(stderr, "tail_bench: cannot open %s\n", file);
        return 1;
    }
    long n = logtail_process(t, 0);
    double dt = now_s() - t0;
    printf("catchup %ld lines in %.3f s: %.2f M lines/s, ring %zu lines, peak RSS %ld KB\n", n, dt,
           (double)n / dt / 1e6, logtail_ring(t)->n, peak_rss_kb());
    logtail_free(t);
    return 0;
}

static int follow(const char *file, unsigned long long want) {
    Follow f = {.next = 1};
    LogTailConfig cfg = {.backlog = 0, .follow = true};
    LogTail *t = NULL;
    if (logtail_open_file(file, &cfg, check_line, &f, &t) < 0) {
        fprintf(stderr, "tail_bench: cannot open %s\n", file);
        return 1;
    }
    printf("ready\n");
    fflush(stdout);
    double deadline = now_s() + 120;
    while (f.next <= want && now_s() < deadline) {
        struct pollfd p = {.fd = logtail_fd(t), .events = POLLIN};
        (void)poll(&p, 1, logtail_deadline_ms(t) >= 0 ? 0 : 1000); /* more waiting: no wait */
        if (logtail_process(t, 65536) < 0) {
            break;
        }
    }
    double dt = now_s() - f.first;
    unsigned long long got = f.next - 1;
    printf("follow %llu lines in %.3f s: %.2f M lines/s, %llu lost or out of order, ring %zu "
           "lines, peak RSS %ld KB\n",
           got, dt, (double)got / dt / 1e6, (want - got) + f.bad, logtail_ring(t)->n,
           peak_rss_kb());
    logtail_free(t);
    return got == want && !f.bad ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "catchup")) {
        return catchup(argv[2]);
    }
    if (argc == 4 && !strcmp(argv[1], "follow")) {
        return follow(argv[2], strtoull(argv[3], NULL, 10));
    }
    fprintf(stderr, "usage: tail_bench catchup FILE | follow FILE N\n");
    return 2;
}
