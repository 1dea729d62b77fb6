/* The panel's figures, measured through a pseudo-terminal as a user sees them:
 * launch to first complete frame, resident memory, a tick from keypress to
 * durable and redrawn, and idle CPU over a minute beside htop's. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct Term {
    pid_t pid;
    int fd;
    char buf[1 << 20];
    size_t len;
} Term;

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int term_spawn(Term *t, char *const argv[]) {
    struct winsize ws = {.ws_row = 40, .ws_col = 120};
    t->len = 0;
    t->pid = forkpty(&t->fd, NULL, NULL, &ws);
    if (t->pid < 0) {
        return -1;
    }
    if (t->pid == 0) {
        setenv("TERM", "xterm-256color", 1);
        setenv("LC_ALL", "C.UTF-8", 1);
        execvp(argv[0], argv);
        _exit(127);
    }
    return 0;
}

/* Read until needle appears after offset `from`, or timeout_ms passes. */
static int term_wait(Term *t, const char *needle, size_t from, int timeout_ms) {
    double deadline = now_ms() + timeout_ms;
    for (;;) {
        if (t->len > from && memmem(t->buf + from, t->len - from, needle, strlen(needle))) {
            return 0;
        }
        int left = (int)(deadline - now_ms());
        if (left <= 0) {
            return -ETIMEDOUT;
        }
        struct pollfd p = {.fd = t->fd, .events = POLLIN};
        if (poll(&p, 1, left) <= 0) {
            continue;
        }
        if (t->len == sizeof(t->buf)) {
            /* keep the tail */
            memmove(t->buf, t->buf + sizeof(t->buf) / 2, sizeof(t->buf) / 2);
            t->len = sizeof(t->buf) / 2;
            from = from > t->len ? from - sizeof(t->buf) / 2 : 0;
        }
        ssize_t n = read(t->fd, t->buf + t->len, sizeof(t->buf) - t->len);
        if (n <= 0) {
            return -EIO;
        }
        t->len += (size_t)n;
    }
}

static void term_drain(Term *t) {
    char tmp[65536];
    struct pollfd p = {.fd = t->fd, .events = POLLIN};
    while (poll(&p, 1, 0) > 0 && read(t->fd, tmp, sizeof(tmp)) > 0) {
    }
}

static void term_kill(Term *t) {
    kill(t->pid, SIGTERM);
    waitpid(t->pid, NULL, 0);
    close(t->fd);
}

/* Nanoseconds on a CPU so far (schedstat: finer than clock ticks, which an
 * idle panel never accumulates). */
static long long cpu_ns(pid_t pid) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
    FILE *f = fopen(path, "re");
    long long ns = -1;
    if (f && fscanf(f, "%lld", &ns) != 1) {
        ns = -1;
    }
    if (f) {
        fclose(f);
    }
    return ns;
}

static long rss_kb(pid_t pid) {
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%d/status", pid);
    FILE *f = fopen(path, "re");
    long kb = -1;
    while (f && fgets(line, sizeof(line), f)) {
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1) {
            break;
        }
    }
    if (f) {
        fclose(f);
    }
    return kb;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: panel_bench OPSDECK PLAN JOURNAL_DIR [IDLE_SECONDS]\n");
        return 2;
    }
    const char *bin = argv[1], *plan = argv[2], *dir = argv[3];
    int idle = argc > 4 ? atoi(argv[4]) : 60;
    char journal[512];
    snprintf(journal, sizeof(journal), "%s/bench.journal", dir);
    char *args[] = {(char *)bin, "--state", journal, "--as", "bench", (char *)plan, NULL};
    static Term t, h;

    /* launch to first complete frame: the function bar is drawn last */
    double launch[10];
    long rss = 0;
    for (int i = 0; i < 10; i++) {
        double t0 = now_ms();
        if (term_spawn(&t, args) < 0 || term_wait(&t, "Quit", 0, 5000) < 0) {
            fprintf(stderr, "panel_bench: the panel did not draw a frame\n");
            return 1;
        }
        launch[i] = now_ms() - t0;
        rss = rss_kb(t.pid);
        if (i < 9) {
            term_kill(&t);
        }
    }
    qsort(launch, 10, sizeof(double), cmp);
    printf("panel: launch to first complete frame: median %.1f ms (target < 50 ms)\n", launch[5]);
    printf("panel: resident memory with the plan: %.1f MB (target < 10 MB)\n", rss / 1024.0);

    /* tick latency: Space in the checklist until the confirmation is drawn */
    (void)!write(t.fd, "2", 1);
    term_wait(&t, "Checklist", 0, 2000);
    double lat[40];
    int n = 0;
    for (int i = 0; i < 40; i++) {
        term_drain(&t);
        size_t from = t.len;
        const char *want = i % 2 == 0 ? "Ticked" : "Unticked";
        double t0 = now_ms();
        (void)!write(t.fd, " ", 1);
        if (term_wait(&t, want, from, 3000) == 0) {
            lat[n++] = now_ms() - t0;
        }
    }
    if (n) {
        qsort(lat, (size_t)n, sizeof(double), cmp);
        printf("panel: tick keypress to durable and redrawn: median %.2f ms over %d (target < 10 "
               "ms)\n",
               lat[n / 2], n);
    }

    /* idle CPU: the panel and htop side by side, nothing happening */
    char *hargs[] = {"htop", NULL};
    int have_htop = term_spawn(&h, hargs) == 0 && term_wait(&h, "F10", 0, 5000) == 0;
    term_drain(&t);
    long long p0 = cpu_ns(t.pid), h0 = have_htop ? cpu_ns(h.pid) : 0;
    double t0 = now_ms();
    while (now_ms() - t0 < idle * 1000.0) {
        /* keep both pseudo-terminals drained so neither blocks on output */
        struct pollfd p[2] = {{.fd = t.fd, .events = POLLIN}, {.fd = h.fd, .events = POLLIN}};
        if (poll(p, have_htop ? 2 : 1, 500) > 0) {
            char tmp[65536];
            if (p[0].revents & POLLIN) {
                (void)!read(t.fd, tmp, sizeof(tmp));
            }
            if (have_htop && (p[1].revents & POLLIN)) {
                (void)!read(h.fd, tmp, sizeof(tmp));
            }
        }
    }
    double secs = (now_ms() - t0) / 1000.0;
    double panel_pct = 100.0 * (double)(cpu_ns(t.pid) - p0) / 1e9 / secs;
    printf("panel: idle CPU over %.0f s: %.4f%% of a core", secs, panel_pct);
    if (have_htop) {
        double htop_pct = 100.0 * (double)(cpu_ns(h.pid) - h0) / 1e9 / secs;
        printf("; htop %.4f%%; ratio %.0fx below htop (target >= 10x)", htop_pct,
               panel_pct > 0 ? htop_pct / panel_pct : 0.0);
        term_kill(&h);
    } else {
        printf("; htop not installed, no yardstick");
    }
    printf("\n");
    term_kill(&t);
    return 0;
}
