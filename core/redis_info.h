#pragma once
/* What a plan's Redis target looks like, read once for the health view's Redis
 * panel: the round trip of PING, the server's role, memory and clients.
 * Blocking (it connects through core/redis_connect.h, bounded by the target's
 * timeout): call it from a worker thread. */
#include "core/macro.h"
#include "core/redis_connect.h"

/* Every string is owned, sanitised for display (core/text.h) and free of the
 * password.  A number the server did not give is -1; a string, NULL. */
typedef struct RedisInfo {
    long long ping_us;           /* the round trip of PING, microseconds */
    char *role;                  /* ROLE's first element: "master", "slave", "sentinel" */
    char *version;               /* INFO: redis_version */
    char *used_memory_human;     /* INFO: used_memory_human ("1.02M") */
    long long used_memory;       /* INFO: used_memory, bytes */
    long long connected_clients; /* INFO: connected_clients (this probe included) */
} RedisInfo;

/* Connect to e and read it all.  Returns 0, or a negative errno as
 * redis_connect() (-ETIMEDOUT and -EHOSTUNREACH: the target did not answer;
 * -EIO: it answered with an error) with *ret_error a new sanitised sentence
 * saying what failed. */
int redis_info_probe(const RedisEndpoint *e, RedisInfo **ret, char **ret_error);
RedisInfo *redis_info_free(RedisInfo *i);
DEFINE_FREEP(RedisInfo, redis_info_free)
