/* tui_run: check the terminal, open the screen, run the loop, close cleanly. */
#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "core/timeutil.h"
#include "tui/app.h"
#include "tui/journal_writer.h"
#include "tui/loop.h"
#include "tui/secret_notice.h"
#include "tui/sync_panel.h"
#include "tui/tui.h"

#ifndef OPSDECK_DATADIR
#define OPSDECK_DATADIR "/usr/local/share/opsdeck"
#endif

/* $OPSDECK_THEMES, ~/.config/opsdeck/themes, themes/ beside the binary's tree,
 * the installed share directory. */
static char *theme_search_path(void) {
    char exe[PATH_MAX] = "", *out = NULL;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    exe[n > 0 ? n : 0] = '\0';
    char *exedir = n > 0 ? dirname(exe) : ".";
    const char *env = getenv("OPSDECK_THEMES");
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    char cfg[PATH_MAX] = "";
    if (xdg && *xdg) {
        snprintf(cfg, sizeof(cfg), "%s/opsdeck/themes", xdg);
    } else if (home && *home) {
        snprintf(cfg, sizeof(cfg), "%s/.config/opsdeck/themes", home);
    }
    if (asprintf(&out, "%s%s%s:%s/../themes:%s/../share/opsdeck/themes:%s/themes", env ? env : "",
                 env ? ":" : "", cfg, exedir, exedir, OPSDECK_DATADIR) < 0) {
        return NULL;
    }
    return out;
}

static int load_theme(App *a, const char *name) {
    _cleanup_(freep) char *err = NULL;
    Theme *t = NULL;
    int r = theme_load(name, a->theme_search, &t, &err);
    if (r < 0) {
        if (r == -ENOENT) {
            fprintf(stderr, "opsdeck: unknown theme '%s'; available:", name);
            for (char **n = a->theme_names; n && *n; n++) {
                fprintf(stderr, " %s", *n);
            }
            fprintf(stderr, " (searched %s)\n", a->theme_search);
        } else {
            fprintf(stderr, "opsdeck: theme '%s' is not valid: %s\n", name,
                    err ? err : strerror(-r));
        }
        return -1;
    }
    a->theme = t;
    return 0;
}

static int watch_journal(App *a) {
    _cleanup_(freep) char *copy = strdup(a->journal_path);
    _cleanup_(freep) char *copy2 = strdup(a->journal_path);
    if (!copy || !copy2) {
        return -ENOMEM;
    }
    a->journal_name = strdup(basename(copy));
    a->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (a->inotify_fd < 0 || !a->journal_name) {
        return -errno;
    }
    /* the directory, not the file: the journal may not exist yet, and a writer
     * creates it with a rename-free O_CREAT we must see */
    if (inotify_add_watch(a->inotify_fd, dirname(copy2),
                          IN_MODIFY | IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO) < 0) {
        int r = -errno;
        close(a->inotify_fd);
        a->inotify_fd = -1;
        return r;
    }
    return 0;
}

static int open_screen(App *a) {
    const char *term = getenv("TERM");
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        fprintf(stderr, "opsdeck: the panel needs a terminal; for scripts use 'opsdeck status'\n");
        return -1;
    }
    if (!term || !*term) {
        fprintf(stderr, "opsdeck: TERM is not set; set it to your terminal's type, e.g. "
                        "TERM=xterm-256color\n");
        return -1;
    }
    SCREEN *s = newterm(NULL, stdout, stdin);
    if (!s) {
        fprintf(stderr,
                "opsdeck: cannot use terminal type '%.64s' (TERM): it is not in the terminfo "
                "database. Set TERM to a known type, e.g. TERM=xterm-256color\n",
                term);
        return -1;
    }
    set_term(s);
    a->screen = s;
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED |
                  BUTTON5_PRESSED,
              NULL);
    mouseinterval(200);
    a->use_color = has_colors() && !getenv("NO_COLOR");
    if (a->use_color) {
        start_color();
        use_default_colors();
    }
    theme_apply(a->theme, a->use_color);
    getmaxyx(stdscr, a->rows, a->cols);
    return 0;
}

static void close_screen(App *a) {
    if (a->screen) {
        endwin();
        delscreen(a->screen);
        a->screen = NULL;
    }
}

int tui_run(const TuiConfig *cfg, Plan *plan, char *journal_path, Journal *journal, State *state) {
    App a = {
        .mode = cfg->wallboard  ? APP_WALLBOARD
                : cfg->readonly ? APP_READONLY
                                : APP_NORMAL,
        .actor = cfg->actor,
        .plan_path = cfg->plan_path,
        .plan = plan,
        .journal_path = journal_path,
        .journal = journal,
        .state = state,
        .inotify_fd = -1,
        .filter_type = -1,
        .rotate_seconds = cfg->rotate_seconds > 0 ? cfg->rotate_seconds : 15,
        .user_bus = cfg->user_bus,
    };
    int rc = 2;
    const char *codeset = nl_langinfo(CODESET);
    a.canvas.utf8 = codeset && strcmp(codeset, "UTF-8") == 0;
    a.theme_search = theme_search_path();
    a.theme_names = a.theme_search ? theme_names(a.theme_search) : NULL;
    const char *theme = cfg->theme ? cfg->theme : getenv("NO_COLOR") ? "mono" : "default";
    a.activity = event_log_new(5000);
    if (!a.theme_search || !a.activity || load_theme(&a, theme) < 0) {
        goto out;
    }
    a.canvas.theme = a.theme;
    if (sync_panel_new(&a) < 0 || app_load_journal(&a) < 0) {
        rc = 1;
        goto out;
    }
    secret_notice_show(&a);
    if (watch_journal(&a) < 0) {
        /* live updates need inotify; without it the panel still works */
        app_message(&a, ROLE_WARN,
                    "Cannot watch the journal for changes (%s); press Ctrl-L "
                    "to reread it.",
                    strerror(errno));
    }
    if (open_screen(&a) < 0) {
        goto out;
    }
    app_create_views(&a);
    if (!app_is_readonly(&a) && journal_writer_start(&a) < 0) {
        close_screen(&a);
        fprintf(stderr, "opsdeck: cannot start the journal writer: out of memory\n");
        rc = 1;
        goto out;
    }
    sync_panel_start(&a);
    rc = loop_run(&a);
    journal_writer_stop(&a);
out:
    close_screen(&a);
    app_close(&a);
    return rc;
}
