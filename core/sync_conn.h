#pragma once
/* Talking to the sync Redis over a blocking hiredis connection with bounded
 * connect and read times: what the CLI uses to catch up before it answers, and
 * presence (who is connected).  The panel uses the async API instead. */
#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/sync.h"

/* Connect (at most timeout_ms for connecting, and for each reply after), AUTH
 * with the target's password, SELECT its database.  Returns 0, or -EIO with
 * *ret_why (new string: a short reason such as "Connection refused", never a
 * secret), -ENOMEM. */
int sync_conn_open(const SyncTarget *t, int timeout_ms, redisContext **ret, char **ret_why);
/* Drive a round of s to its end, writing its batches the blocking way.
 * Returns 0, or a negative errno with *ret_why. */
int sync_conn_run(redisContext *c, Sync *s, SyncRound *r, char **ret_why);

typedef struct SyncStreamInfo {
    bool exists;
    size_t length;
    StreamId first, last; /* first and last entry; none when empty */
} SyncStreamInfo;

/* What the stream holds.  Returns 0 or -EIO with *ret_why. */
int sync_conn_stream_info(redisContext *c, const char *key, SyncStreamInfo *ret, char **ret_why);

/* A console that announced itself (presence key, value sync_presence_encode()). */
typedef struct SyncConsole {
    char *id;   /* the key's suffix: host-pid */
    char *name; /* who (sanitised) */
    char *host; /* sanitised */
    char *mode; /* "panel", "wallboard" */
    bool readonly;
} SyncConsole;

/* The presence value: JSON {"name","host","mode","readonly"}; new string or NULL. */
char *sync_presence_encode(const char *name, const char *host, const char *mode, bool readonly);
/* Parse one (untrusted: strings are sanitised, lengths bounded).  Returns 0,
 * -EBADMSG or -ENOMEM. */
int sync_presence_decode(const char *id, const char *json, size_t len, SyncConsole *ret);
void sync_console_done(SyncConsole *c);
void sync_consoles_free(SyncConsole *v, size_t n);
/* Seconds a presence key lives, and how often a console renews it. */
#define SYNC_PRESENCE_TTL 15
#define SYNC_PRESENCE_EVERY_MS 5000

/* The SCAN pattern of t's presence keys (glob characters escaped); new string. */
char *sync_presence_pattern(const SyncTarget *t);
/* Every console announced under t (SCAN + MGET).  Returns 0 or -EIO/-ENOMEM. */
int sync_conn_consoles(redisContext *c, const SyncTarget *t, SyncConsole **ret, size_t *ret_n,
                       char **ret_why);
