/* opsdeck PLAN / opsdeck --wallboard PLAN: hand the session to the panel. */
#include "cli/cli.h"
#include "tui/tui.h"

int cmd_panel(const Options *o, int argc, char **argv) {
    Session s;
    /* the panel folds the journal itself, to fill its activity view on the way */
    int rc = session_open(&s, o, argv[0], SESSION_WRITE | SESSION_NO_READ | SESSION_NO_SYNC);
    if (rc != EXIT_OK) {
        return rc;
    }
    TuiConfig cfg = {
        .plan_path = argv[0],
        .actor = cli_actor(o),
        .theme = o->theme,
        .rotate_seconds = (int)o->rotate,
        .readonly = o->readonly,
        .wallboard = o->wallboard,
        .user_bus = o->user,
    };
    rc = tui_run(&cfg, s.plan, s.journal_path, s.journal, s.state);
    /* tui_run owns them now */
    s = (Session){0};
    return rc;
}
