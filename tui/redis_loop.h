#pragma once
/* hiredis's async API on the panel's one loop: the context's socket is a loop
 * source, polled for reading and writing as hiredis asks (its ev hooks), and
 * redisAsyncHandleRead/Write run when it is ready.  A RedisLoop slot outlives
 * the contexts attached to it, so a loop callback never sees freed memory. */
#include <hiredis/async.h>
#include <stdbool.h>

#include "tui/app.h"

typedef struct RedisLoop {
    App *a;
    redisAsyncContext *ac; /* attached; NULL once hiredis freed it (or never) */
    int fd;                /* registered with the loop; -1 when not */
    short events;          /* POLLIN / POLLOUT wanted */
} RedisLoop;

/* Attach ac (just made by redisAsyncConnect*) to the loop through slot.
 * Returns 0, or -EINVAL when ac has failed already. */
int redis_loop_attach(RedisLoop *slot, App *a, redisAsyncContext *ac);
/* Free the attached context, if any: its pending callbacks run with a NULL
 * reply now.  Never call it from inside a hiredis callback (defer to a timer). */
void redis_loop_close(RedisLoop *slot);
