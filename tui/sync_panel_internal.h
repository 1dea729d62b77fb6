#pragma once
/* Shared by tui/sync_panel.c (connections, rounds, reading) and
 * tui/sync_presence.c (who is connected). */
#include <hiredis/async.h>

#include "core/sync.h"
#include "core/sync_conn.h"
#include "tui/loop.h"
#include "tui/redis_loop.h"
#include "tui/sync_panel.h"
#include "tui/sync_writer.h"

/* Milliseconds: connecting and each command; XREAD blocks this long, and is
 * given up this long after; reconnecting backs off from/to. */
#define SYNC_CMD_TIMEOUT_MS 3000
#define SYNC_BLOCK_MS 5000
#define SYNC_BACKOFF_MIN_MS 500
#define SYNC_BACKOFF_MAX_MS 15000

typedef enum LinkState { LINK_OFF, LINK_CONNECTING, LINK_UP, LINK_DOWN } LinkState;

/* Owned by the App (a->sync). */
struct PanelSync {
    App *a;
    SyncTarget target;
    bool have_target;
    char *config_why; /* why the plan's sync cannot work, or NULL */
    Sync *sync;
    SyncWriter *writer; /* NULL: read-only, what the stream brings stays in memory */
    RedisLoop cmd, rd;  /* rounds and presence; XREAD */
    char *addr;         /* the host name resolved (tui/sync_resolve.c), or NULL */
    int resolve_fd;     /* a resolution in flight, or -1 */
    LinkState link;
    char *why; /* why down */
    int backoff_ms;
    bool tearing; /* closing the contexts: their callbacks are void */
    size_t cmd_outstanding;
    int t_cmd, t_rd, t_reconnect, t_kick, t_settle, t_presence, t_teardown;
    /* rounds on cmd */
    SyncRound *round;
    unsigned round_gen;
    size_t round_left; /* replies of the pipeline still to come */
    bool want_round;
    bool first_done;
    int lock_fd;
    bool locked;
    /* XREAD on rd */
    bool xread_out;
    StreamId xread_from;
    /* presence */
    char host[256];
    char console_id[300];
    char *presence_key, *presence_value, *scan_pattern;
    SyncConsole *others;
    size_t n_others;
    char **scan_keys;
    size_t n_scan, cap_scan;
    bool scanning;
    /* the fold */
    size_t folded; /* events folded: tells a settle that changed something */
    char badge[2][96];
};

/* tui/sync_resolve.c: a host name is resolved off the loop thread first. */
bool sync_resolve_needed(const PanelSync *ps);
/* Starts resolving; sync_link_resolved() or sync_link_down() follows.  Returns 0 or
 * a negative errno. */
int sync_resolve_start(PanelSync *ps);
/* Drops the address (the next connect resolves again) and any resolution in flight. */
void sync_resolve_forget(PanelSync *ps);
/* tui/sync_link.c: connect to the address just resolved. */
void sync_link_resolved(PanelSync *ps);

/* tui/sync_panel.c */
void sync_timer_set(PanelSync *ps, int *id, long long in_ms, LoopTimerFn fn);
void sync_timer_cancel(PanelSync *ps, int *id);
void sync_unlock(PanelSync *ps);
/* A round soon (the first after connecting, or for new pending events). */
void sync_kick_soon(PanelSync *ps, long long in_ms);
/* Abort the round in flight (writing the acks XADD did answer), stop reading. */
void sync_round_stop(PanelSync *ps);

/* tui/sync_link.c */
void sync_link_down(PanelSync *ps, const char *why);
/* Send on the command connection; fn gets (ac, reply, ps).  false: down. */
bool sync_cmd_send(PanelSync *ps, redisCallbackFn *fn, int argc, const char **argv,
                   const size_t *lens);
/* A reply on the command connection arrived (timeout bookkeeping); false when
 * it is stale (the link went down or is being torn down). */
bool sync_cmd_reply(PanelSync *ps, const redisAsyncContext *ac, const void *reply);

/* tui/sync_presence.c */
int sync_presence_init(PanelSync *ps);
/* Announce and look around now, then every SYNC_PRESENCE_EVERY_MS. */
void sync_presence_start(PanelSync *ps);
void sync_presence_stop(PanelSync *ps);
/* Quitting: take our presence key away (best effort, without waiting). */
void sync_presence_leave(PanelSync *ps);
void sync_presence_free(PanelSync *ps);
