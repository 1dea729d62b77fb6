/* logflood [-r LINES_PER_S] [-m MAX_BYTES] PATH SECONDS: append log lines to PATH for
 * SECONDS, at full speed (blocks of about 64 KiB, one write(2) each) or, with -r, paced
 * to LINES_PER_S (a batch every 10 ms against a monotonic schedule, so a late batch
 * is caught up, not lost).  When PATH passes MAX_BYTES (default 64 MiB) it is rotated
 * as logrotate does: renamed to PATH.1 (replacing the one before) and a new PATH
 * created, so a minute at full speed holds at most about three files of MAX_BYTES on
 * disk (PATH, PATH.1 and a deleted one a slow reader still holds open).
 *
 * The lines look like a service's log; every 100th has ERROR in it, every 50th a tab
 * and every 1,000th an escape sequence, so a reader's highlight, tab expansion and
 * sanitising all run.  On SIGTERM/SIGINT, or at the end, prints
 *   "lines=N bytes=B rotations=R seconds=S"
 * For tests/e2e/test_panel_bounds.sh and bench/panel_flood.sh. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BLOCK (64 * 1024)
#define TICK_NS 10000000LL /* paced: a batch every 10 ms */

static volatile sig_atomic_t stop;

static void on_signal(int sig) {
    (void)sig;
    stop = 1;
}

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int open_log(const char *path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "logflood: %s: %s\n", path, strerror(errno));
    }
    return fd;
}

/* One line, numbered n, at buf; returns its length ('\n' included). */
static size_t make_line(char *buf, unsigned long long n) {
    const char *level = n % 100 == 0 ? "ERROR" : "INFO";
    const char *extra = n % 1000 == 0 ? " \033]0;pwned\007 \033[2J"
                        : n % 50 == 0 ? "\tqueue=7"
                                      : "";
    return (size_t)sprintf(
        buf, "2026-11-28T22:14:03.%03llu %s worker[4242]: processed job %llu in %llu ms%s\n",
        n % 1000, level, n, n % 97, extra);
}

static int write_all(int fd, const char *buf, size_t len) {
    while (len) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

int main(int argc, char **argv) {
    long rate = 0;
    unsigned long long max_bytes = 64ULL << 20;
    int opt;
    while ((opt = getopt(argc, argv, "r:m:")) != -1) {
        if (opt == 'r') {
            rate = strtol(optarg, NULL, 10);
        } else if (opt == 'm') {
            max_bytes = strtoull(optarg, NULL, 10);
        } else {
            optind = argc + 1;
        }
    }
    if (argc - optind != 2 || rate < 0 || max_bytes < BLOCK) {
        fprintf(stderr, "usage: logflood [-r LINES_PER_S] [-m MAX_BYTES] PATH SECONDS\n");
        return 2;
    }
    const char *path = argv[optind];
    double seconds = strtod(argv[optind + 1], NULL);
    char *rotated = NULL;
    if (asprintf(&rotated, "%s.1", path) < 0) {
        return 2;
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    int fd = open_log(path);
    if (fd < 0) {
        return 1;
    }
    struct stat st;
    unsigned long long size = fstat(fd, &st) == 0 ? (unsigned long long)st.st_size : 0;
    static char buf[BLOCK + 512];
    unsigned long long n = 0, bytes = 0, rotations = 0;
    long long t0 = now_ns(), end = t0 + (long long)(seconds * 1e9), next = t0;
    int rc = 0;
    while (!stop && now_ns() < end) {
        /* how many lines now: a block's worth, or what the schedule owes */
        unsigned long long want = ~0ULL;
        if (rate > 0) {
            struct timespec ts = {next / 1000000000LL, next % 1000000000LL};
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR && !stop) {
            }
            next += TICK_NS;
            unsigned long long due =
                (unsigned long long)((double)(now_ns() - t0) / 1e9 * (double)rate);
            want = due > n ? due - n : 0;
        }
        while (want > 0 && !stop) {
            size_t len = 0;
            while (len < BLOCK && want > 0) {
                len += make_line(buf + len, ++n);
                want--;
            }
            int r = write_all(fd, buf, len);
            if (r < 0) {
                fprintf(stderr, "logflood: write %s: %s\n", path, strerror(-r));
                rc = 1;
                stop = 1;
                break;
            }
            bytes += len;
            size += len;
            if (size >= max_bytes) {
                close(fd);
                if (rename(path, rotated) < 0 || (fd = open_log(path)) < 0) {
                    fprintf(stderr, "logflood: rotating %s: %s\n", path, strerror(errno));
                    return 1;
                }
                size = 0;
                rotations++;
            }
            if (rate == 0 && now_ns() >= end) {
                break;
            }
        }
    }
    close(fd);
    printf("lines=%llu bytes=%llu rotations=%llu seconds=%.1f\n", n, bytes, rotations,
           (double)(now_ns() - t0) / 1e9);
    free(rotated);
    return rc;
}
