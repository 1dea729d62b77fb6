#pragma once
#include "tui/app.h"

/* The one event loop: poll() over the terminal, the journal's inotify watch and
 * the signal self-pipe, with deadlines for the clock and the wallboard.  Returns
 * the exit code. */
int loop_run(App *a);

/* Other sources of events for the one loop (the bus, journal tails, child pipes,
 * a worker queue's eventfd): fn runs on the loop when fd is ready.  At most
 * LOOP_MAX_SOURCES.  Returns 0, -ENOSPC or -EEXIST. */
#define LOOP_MAX_SOURCES 32
typedef void (*LoopFdFn)(App *a, int fd, short revents, void *userdata);
int loop_add_fd(App *a, int fd, short events, LoopFdFn fn, void *userdata);
void loop_remove_fd(App *a, int fd);

/* A one-shot timer at a monotonic deadline (time_mono_ms()); re-arm from fn for a
 * period.  Returns a timer id > 0, or -ENOSPC.  A timer wakes the loop only when
 * it is due: nothing polls. */
typedef void (*LoopTimerFn)(App *a, void *userdata);
int loop_add_timer(App *a, long long deadline_ms, LoopTimerFn fn, void *userdata);
void loop_cancel_timer(App *a, int id);

/* Keys, as widgets receive them (widget.h convention). */
void input_key(App *a, int key);
/* Draw everything (tui/draw.c). */
void draw_screen(App *a);
/* Run a command of the command table (tui/dispatch.c). */
void dispatch_command(App *a, int command);
/* A dialog was answered (tui/actions.c). */
void actions_modal_done(App *a);
