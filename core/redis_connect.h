#pragma once
/* One way into a plan's Redis target, shared by the Redis checks and the health
 * view's Redis panel: parse the URL, connect with a timeout that also bounds
 * every reply, AUTH with the password read from password_env, SELECT the URL's
 * database.  Blocking (hiredis' synchronous API): call it from a worker thread. */
#include <hiredis.h>
#include <stdbool.h>

/* What to connect to; every pointer is borrowed. */
typedef struct RedisEndpoint {
    const char *id;       /* the plan's redis id, for messages */
    const char *url;      /* redis://[user@]host[:port][/db], unix:///path[?db=N] */
    const char *password; /* from password_env; NULL: none */
    long long timeout_ms; /* connect and each reply */
} RedisEndpoint;

/* Connect.  Returns 0 and *ret (redisFree() it), or a negative errno and
 * *ret_error, a new sentence saying what failed:
 *   -ETIMEDOUT     no answer within the timeout
 *   -EHOSTUNREACH  the server cannot be reached or the connection broke
 *   -EIO           Redis answered with an error (AUTH, SELECT)
 *   -EINVAL        the URL cannot be used (bad, or rediss://)
 *   -ENOMEM */
int redis_connect(const RedisEndpoint *e, redisContext **ret, char **ret_error);

/* Send argv (what: the command's name for messages).  Returns 0 and *ret (a reply
 * that is not an error; freeReplyObject() it), or the errors of redis_connect(). */
int redis_call(const RedisEndpoint *e, redisContext *c, int argc, const char **argv,
               const char *what, redisReply **ret, char **ret_error);

/* The error means the target did not answer (retry sooner). */
bool redis_connect_unreachable(int r);
