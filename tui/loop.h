#pragma once
#include "tui/app.h"

/* The one event loop: poll() over the terminal, the journal's inotify watch and
 * the signal self-pipe, with deadlines for the clock and the wallboard.  Returns
 * the exit code. */
int loop_run(App *a);

/* Keys, as widgets receive them (widget.h convention). */
void input_key(App *a, int key);
/* Draw everything (tui/draw.c). */
void draw_screen(App *a);
/* Run a command of the command table (tui/dispatch.c). */
void dispatch_command(App *a, int command);
/* A dialog was answered (tui/actions.c). */
void actions_modal_done(App *a);
