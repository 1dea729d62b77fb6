#pragma once
/* The panel: one App owns the plan, the journal, the fold, the screen and the
 * views.  Data flows one way: events (keys, journal changes, signals, timers)
 * → core state → views marked dirty → one redraw before the next poll(). */
#include <stdbool.h>
#include <time.h>

#include "core/event_log.h"
#include "core/journal.h"
#include "core/plan.h"
#include "core/state.h"
#include "core/timeline.h"
#include "widgets/canvas.h"
#include "widgets/list.h"
#include "widgets/modal.h"
#include "widgets/overlay.h"
#include "widgets/theme.h"

typedef enum ViewId {
    VIEW_TIMELINE,
    VIEW_CHECKLIST,
    VIEW_SERVICES,
    VIEW_LOGS,
    VIEW_HEALTH,
    VIEW_ACTIVITY,
    _VIEW_MAX
} ViewId;

typedef struct App App;
typedef struct View View;

/* Each view fills one of these (as tig's view_ops). */
typedef struct ViewOps {
    const char *title;
    /* Rebuild rows from the core state: called when the state changed. */
    void (*refresh)(View *v, App *a);
    /* Draw into rows [y, y+rows) of the screen. */
    void (*draw)(View *v, App *a, int y, int rows, int cols);
    /* A key the command table did not take; returns WidgetResult bits. */
    unsigned (*handle_key)(View *v, App *a, int key);
    /* A command that acts on the selection (tick, note, search …). */
    bool (*command)(View *v, App *a, int command);
    /* Mouse: a click at screen row y (relative to the view's top), or the wheel. */
    void (*click)(View *v, App *a, int y, int x, bool double_click);
    void (*wheel)(View *v, App *a, int delta);
    void (*free)(View *v);
} ViewOps;

struct View {
    const ViewOps *ops;
    List *list; /* most views are a list; NULL otherwise */
    Line *rows; /* the list's row storage, refilled by refresh; owned */
    size_t cap_rows;
};

/* Shared by the list views (tui/view_list.c). */
/* Set ops and make the list; returns v, or NULL after freeing nothing on OOM. */
View *view_list_init(View *v, const ViewOps *ops, App *a);
/* Make room for n rows (new ones empty).  Returns 0 or -ENOMEM. */
int view_rows_reserve(View *v, size_t n);
/* Free the rows and the list (not v itself). */
void view_list_done(View *v);
/* Mouse: select the clicked row; the wheel scrolls. */
void view_list_click(View *v, App *a, int y, int x, bool double_click);
void view_list_wheel(View *v, App *a, int delta);

typedef enum AppMode {
    APP_NORMAL,
    APP_READONLY,  /* --readonly: the normal panel, nothing can change */
    APP_WALLBOARD, /* --wallboard: read-only, large, rotating */
} AppMode;

/* What the modal in flight is for. */
typedef enum PendingOp {
    OP_NONE,
    OP_NOTE,
    OP_OVERRIDE_REASON,
    OP_START_PONR, /* type the phase id to start a point-of-no-return phase */
    OP_PALETTE,
    OP_SEARCH,
    OP_FILTER_BY,
    OP_QUIT,
    OP_UNIT_ACTION,    /* start/stop/restart/reload a unit: confirm (or type its name) */
    OP_ACTION_CONFIRM, /* run a plan action: y/N, or type its id (tui/action_pane.c) */
    OP_ACTION_FORCE,   /* force a checkout of a dirty work tree: type the target */
    OP_ACTION_CANCEL,  /* cancel the running action */
} PendingOp;

struct App {
    AppMode mode;
    const char *actor;
    const char *plan_path;

    Plan *plan;
    char *journal_path;
    Journal *journal;
    State *state;
    Timeline *timeline;
    time_t now;
    time_t state_changed_at;   /* last time the journal brought something new */
    EventLog *activity;        /* the newest events, for the activity view and wallboard */
    int inotify_fd;            /* watches the journal's directory; -1 when unavailable */
    char *journal_name;        /* the journal's file name within that directory */
    size_t journal_warned;     /* journal warnings shown so far */
    struct WorkerPool *writer; /* appends the journal off the loop thread */
    bool append_in_flight;     /* the loop leaves the journal alone meanwhile */
    bool resync_pending;       /* the journal changed during a write: read it after */
    bool journal_ro;           /* cached when no write is in flight: the handle is read-only */
    bool journal_failed;       /* ... because a write or sync failed */

    Theme *theme;
    char *theme_search;
    char **theme_names;
    bool use_color;
    Canvas canvas;

    View *views[_VIEW_MAX];
    ViewId current;
    size_t phase; /* the selected phase, shared by timeline and checklist */

    struct CheckEngine *checks; /* the health checks; owned by the health view, NULL without */
    struct SystemdUnits *units; /* live unit states; owned by the services view, NULL without */
    bool user_bus;              /* --user: the user's systemd manager */

    struct ActionPane *action_pane; /* plan actions run from the panel; owned, NULL before */
    struct PanelSync *sync;         /* journal sync (tui/sync_panel.h); owned, NULL without */

    Modal *modal; /* at most one dialog */
    PendingOp pending;
    const Item *pending_item; /* the item a note/override is for */
    size_t pending_phase;     /* the phase an override/start is for */
    Help *help;               /* the help overlay when open */

    char *message; /* status line; owned */
    Role message_role;
    time_t message_until;

    char *search;    /* last search, for n/N; owned */
    char *filter_by; /* activity filter: person; owned */
    int filter_type; /* activity filter: -1 all, else EventType */

    int rotate_seconds; /* wallboard page rotation */
    int wall_page;
    time_t wall_next;

    struct screen *screen; /* curses */

    struct LoopSource {
        int fd;
        short events;
        void (*fn)(App *a, int fd, short revents, void *userdata);
        void *userdata;
    } sources[32];
    size_t n_sources;
    struct LoopTimer {
        int id; /* 0 = free slot */
        long long deadline_ms;
        void (*fn)(App *a, void *userdata);
        void *userdata;
    } timers[32];
    int next_timer_id;
    int rows, cols;
    bool dirty; /* redraw before the next poll */
    bool quit;
};

/* The first read of the journal, before the screen opens; prints why on failure. */
int app_load_journal(App *a);
/* Make the views; the timeline is shown with the first unfinished phase selected. */
void app_create_views(App *a);
/* Switch view. */
void app_show_view(App *a, ViewId id);
/* Tear down (the screen must be closed already). */
void app_close(App *a);

/* Read what the journal gained, fold it, recompute the timeline; true when
 * anything changed (the views are refreshed). */
bool app_sync_journal(App *a);
/* Recompute derived state and refresh every view. */
void app_refresh_views(App *a);

void app_message(App *a, Role role, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Open a dialog; texts are sanitised here. */
void app_modal(App *a, PendingOp op, ModalKind kind, const char *title, const char *message,
               const char *expected);

bool app_is_readonly(const App *a);
/* JournalEventFn folding an event into the state and the activity log (userdata: App). */
int app_fold_cb(const JournalEvent *ev, void *userdata);
/* Fold one event into the state and the activity log, whatever the order (the
 * sync log calls it in stream order). */
int app_fold_event(App *a, const JournalEvent *ev);

/* The command palette (tui/palette.c): run the best match of query. */
void palette_run(App *a, const char *query);
/* Draw the palette's matches under its dialog. */
void palette_draw(App *a);

/* The views (tui/view_*.c). */
View *view_timeline_new(App *a);
View *view_checklist_new(App *a);
View *view_activity_new(App *a);
View *view_placeholder_new(App *a, ViewId id);
/* View 3 (tui/view_services.c) and view 4 (tui/view_logs.c); tui/services.h has the rest. */
View *view_services_new(App *a);
View *view_logs_new(App *a);
/* View 5: starts the check engine (a->checks) on the loop. */
View *view_health_new(App *a);
/* The wallboard layout (replaces the views' drawing in APP_WALLBOARD). */
void wallboard_draw(App *a, int y, int rows, int cols);
