#pragma once
/* The command line's side of journal sync (docs/sync.md): a command on a plan
 * with `sync:` catches up from the stream before it answers and pushes what is
 * pending; when Redis cannot be reached it answers from the local journal and
 * says so on stderr. */
#include <hiredis/hiredis.h>

#include "cli/cli.h"
#include "core/sync.h"

/* Session.sync; owns everything. */
typedef struct SessionSync {
    SyncTarget target;
    bool have_target;
    Sync *sync;
    redisContext *conn; /* NULL when down */
    char *down;         /* why Redis is not in reach, or NULL */
    char *failed;       /* why the last round failed while connected, or NULL */
    int lock_fd;        /* the push lock file, -1 */
    unsigned rounds;    /* run on this connection */
    SyncRoundStats total;
} SessionSync;

/* Milliseconds the CLI waits to connect, and for each reply. */
#define SYNC_CLI_TIMEOUT_MS 2000
