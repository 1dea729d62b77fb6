#pragma once
/* redis://[user@]host[:port][/db] and rediss://, unix:///path/to/socket[?db=N].
 * Passwords are never accepted inline: they come from password_env. */
#include <stdbool.h>

typedef struct RedisUrl {
    char *host;   /* owned; NULL for unix sockets */
    char *socket; /* owned; unix socket path or NULL */
    char *user;   /* owned or NULL */
    unsigned port;
    unsigned db;
    bool tls;
    bool has_password; /* the URL carried one: refused by the plan loader */
} RedisUrl;

/* Returns 0, -EINVAL (with *ret_why set to a static reason) or -ENOMEM. */
int redis_url_parse(const char *s, RedisUrl *ret, const char **ret_why);
void redis_url_done(RedisUrl *u);
/* The URL with any password replaced by "***", for display; new string or NULL. */
char *redis_url_redact(const char *s);
