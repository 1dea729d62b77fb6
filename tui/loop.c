#include "tui/loop.h"

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "widgets/widget.h"

/* The one global STYLE.md allows: the write end of the signal self-pipe. */
static int signal_pipe_w = -1;

/* ...and, part of the same machinery, the SIGWINCH handler curses installed (it makes
 * the next wget_wch() return KEY_RESIZE).  Ours calls it, then wakes the loop through
 * the pipe: a resize that arrives while the loop is busy rather than blocked in
 * poll(), or in another thread, would otherwise wait for the next key. */
static struct sigaction curses_winch;

static void on_signal(int sig) {
    int saved = errno;
    unsigned char c = (unsigned char)sig;
    (void)!write(signal_pipe_w, &c, 1);
    errno = saved;
}

static void on_winch(int sig, siginfo_t *info, void *ctx) {
    if (curses_winch.sa_flags & SA_SIGINFO) {
        if (curses_winch.sa_sigaction) {
            curses_winch.sa_sigaction(sig, info, ctx);
        }
    } else if (curses_winch.sa_handler != SIG_DFL && curses_winch.sa_handler != SIG_IGN) {
        curses_winch.sa_handler(sig);
    }
    on_signal(sig);
}

static int install_signals(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
        return -errno;
    }
    signal_pipe_w = fds[1];
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    struct sigaction winch = {.sa_sigaction = on_winch, .sa_flags = SA_SIGINFO | SA_RESTART};
    sigemptyset(&winch.sa_mask);
    sigaction(SIGWINCH, &winch, &curses_winch);
    return 0;
}

static void restore_signals(void) {
    sigaction(SIGWINCH, &curses_winch, NULL);
    signal_pipe_w = -1;
}

/* Read what the signal handlers wrote: true when one asks to quit. */
static bool drain_signals(int fd, bool *ret_winch) {
    unsigned char buf[64];
    bool quit = false;
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == SIGWINCH) {
                *ret_winch = true;
            } else {
                quit = true;
            }
        }
    }
    return quit;
}

static void drain_inotify(App *a) {
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    bool ours = false;
    for (;;) {
        ssize_t n = read(a->inotify_fd, buf, sizeof(buf));
        if (n <= 0) {
            break;
        }
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            if (ev->len && strcmp(ev->name, a->journal_name) == 0) {
                ours = true;
            }
            if (ev->mask & IN_Q_OVERFLOW) {
                ours = true;
            }
            p += sizeof(*ev) + ev->len;
        }
    }
    if (ours) {
        app_sync_journal(a);
    }
}

static void read_keys(App *a) {
    for (;;) {
        wint_t ch;
        int r = wget_wch(stdscr, &ch);
        if (r == ERR) {
            break;
        }
        input_key(a, r == KEY_CODE_YES ? WKEY_CODE((int)ch) : (int)ch);
        if (a->quit) {
            break;
        }
    }
}

int loop_add_fd(App *a, int fd, short events, LoopFdFn fn, void *userdata) {
    for (size_t i = 0; i < a->n_sources; i++) {
        if (a->sources[i].fd == fd) {
            return -EEXIST;
        }
    }
    if (a->n_sources >= LOOP_MAX_SOURCES) {
        return -ENOSPC;
    }
    a->sources[a->n_sources++] =
        (struct LoopSource){.fd = fd, .events = events, .fn = fn, .userdata = userdata};
    return 0;
}

void loop_remove_fd(App *a, int fd) {
    for (size_t i = 0; i < a->n_sources; i++) {
        if (a->sources[i].fd == fd) {
            a->sources[i] = a->sources[--a->n_sources];
            return;
        }
    }
}

int loop_add_timer(App *a, long long deadline_ms, LoopTimerFn fn, void *userdata) {
    for (size_t i = 0; i < ELEMENTSOF(a->timers); i++) {
        if (a->timers[i].id == 0) {
            a->next_timer_id = a->next_timer_id % 1000000 + 1;
            a->timers[i] = (struct LoopTimer){
                .id = a->next_timer_id, .deadline_ms = deadline_ms, .fn = fn, .userdata = userdata};
            return a->next_timer_id;
        }
    }
    return -ENOSPC;
}

void loop_cancel_timer(App *a, int id) {
    for (size_t i = 0; id > 0 && i < ELEMENTSOF(a->timers); i++) {
        if (a->timers[i].id == id) {
            a->timers[i].id = 0;
        }
    }
}

static void run_due_timers(App *a) {
    long long now = time_mono_ms();
    for (size_t i = 0; i < ELEMENTSOF(a->timers); i++) {
        struct LoopTimer t = a->timers[i];
        if (t.id && t.deadline_ms <= now) {
            a->timers[i].id = 0; /* one-shot: fn may re-arm into this slot */
            t.fn(a, t.userdata);
        }
    }
}

/* Milliseconds until the next thing the screen must show by itself: the clock's
 * next minute, a status message expiring, the wallboard's next page.  Nothing
 * else wakes an idle panel. */
static int next_timeout(App *a) {
    time_t now = time_now();
    time_t next = (now / 60 + 1) * 60;
    if (a->message && a->message_until > now && a->message_until < next) {
        next = a->message_until;
    }
    if (a->mode == APP_WALLBOARD && a->wall_next > now && a->wall_next < next) {
        next = a->wall_next;
    }
    long long ms = (long long)(next - now) * 1000;
    long long mono = time_mono_ms();
    for (size_t i = 0; i < ELEMENTSOF(a->timers); i++) {
        if (a->timers[i].id && a->timers[i].deadline_ms - mono < ms) {
            ms = a->timers[i].deadline_ms - mono;
        }
    }
    return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

static void on_timer(App *a) {
    time_t now = time_now();
    if (a->message && a->message_until <= now) {
        free(a->message);
        a->message = NULL;
        a->dirty = true;
    }
    if (a->mode == APP_WALLBOARD && a->wall_next <= now) {
        a->wall_page++;
        a->wall_next = now + a->rotate_seconds;
        a->dirty = true;
    }
    if (now / 60 != a->now / 60) {
        /* the clock, the countdown and projections move with the minute */
        app_refresh_views(a);
    }
}

int loop_run(App *a) {
    int sig[2] = {-1, -1};
    if (install_signals(sig) < 0) {
        return 1;
    }
    a->wall_next = time_now() + a->rotate_seconds;
    while (!a->quit) {
        if (a->dirty) {
            draw_screen(a);
            a->dirty = false;
        }
        /* fixed slots first (terminal, signals, the journal), then the sources */
        struct pollfd fds[3 + LOOP_MAX_SOURCES] = {
            {.fd = STDIN_FILENO, .events = POLLIN},
            {.fd = sig[0], .events = POLLIN},
            {.fd = a->inotify_fd, .events = POLLIN},
        };
        size_t n_src = a->n_sources;
        struct LoopSource src[LOOP_MAX_SOURCES];
        memcpy(src, a->sources, n_src * sizeof(*src));
        for (size_t i = 0; i < n_src; i++) {
            fds[3 + i] = (struct pollfd){.fd = src[i].fd, .events = src[i].events};
        }
        int r = poll(fds, 3 + n_src, next_timeout(a));
        if (r < 0 && errno != EINTR) {
            break;
        }
        if (r < 0) {
            /* SIGWINCH: curses queues KEY_RESIZE for us */
            read_keys(a);
            continue;
        }
        if (fds[1].revents & POLLIN) {
            bool winch = false;
            if (drain_signals(sig[0], &winch)) {
                a->quit = true;
                break;
            }
            if (winch) {
                read_keys(a); /* KEY_RESIZE, queued by curses' handler */
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (fds[0].revents & (POLLHUP | POLLERR) && !(fds[0].revents & POLLIN)) {
                a->quit = true; /* the terminal went away */
                break;
            }
            read_keys(a);
        }
        if (a->inotify_fd >= 0 && (fds[2].revents & POLLIN)) {
            drain_inotify(a);
        }
        for (size_t i = 0; i < n_src; i++) {
            if (fds[3 + i].revents) {
                src[i].fn(a, src[i].fd, fds[3 + i].revents, src[i].userdata);
            }
        }
        run_due_timers(a);
        on_timer(a);
    }
    restore_signals();
    close(sig[0]);
    close(sig[1]);
    return 0;
}
