#include "core/redis_url.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/macro.h"

static void curl_freep(char **p) {
    curl_free(*p);
}

static void urlp(CURLU **u) {
    curl_url_cleanup(*u);
}

/* unix:///path/to/socket[?db=N]: curl would read a first path word as a host. */
static int parse_unix(const char *s, RedisUrl *ret, const char **ret_why) {
    const char *path = s + strlen("unix://");
    if (path[0] != '/') {
        *ret_why = "a unix socket URL needs an absolute path: unix:///run/redis.sock";
        return -EINVAL;
    }
    size_t len = strcspn(path, "?#");
    RedisUrl u = {0};
    const char *q = path[len] == '?' ? path + len + 1 : NULL;
    if (q && strncmp(q, "db=", 3) == 0) {
        char *end;
        long n = strtol(q + 3, &end, 10);
        if (end == q + 3 || (*end && *end != '&' && *end != '#') || n < 0 || n > 65535) {
            *ret_why = "the database must be a number: unix:///run/redis.sock?db=0";
            return -EINVAL;
        }
        u.db = (unsigned)n;
    }
    u.socket = strndup(path, len);
    if (!u.socket) {
        return -ENOMEM;
    }
    *ret = u;
    return 0;
}

int redis_url_parse(const char *s, RedisUrl *ret, const char **ret_why) {
    if (strncmp(s, "unix://", 7) == 0) {
        return parse_unix(s, ret, ret_why);
    }
    RedisUrl u = {.port = 6379};
    _cleanup_(urlp) CURLU *h = curl_url();
    if (!h) {
        return -ENOMEM;
    }
    if (curl_url_set(h, CURLUPART_URL, s, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
        *ret_why = "not a URL such as redis://127.0.0.1:6379/0";
        return -EINVAL;
    }
    _cleanup_(curl_freep) char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL,
                               *user = NULL, *password = NULL;
    (void)curl_url_get(h, CURLUPART_SCHEME, &scheme, 0);
    (void)curl_url_get(h, CURLUPART_HOST, &host, 0);
    (void)curl_url_get(h, CURLUPART_PORT, &port, 0);
    (void)curl_url_get(h, CURLUPART_PATH, &path, CURLU_URLDECODE);
    (void)curl_url_get(h, CURLUPART_USER, &user, CURLU_URLDECODE);
    (void)curl_url_get(h, CURLUPART_PASSWORD, &password, 0);
    if (!scheme) {
        *ret_why = "no scheme: write redis://HOST:PORT/DB";
        return -EINVAL;
    }
    u.has_password = password && *password;
    const char *db = NULL;
    if (strcmp(scheme, "redis") == 0 || strcmp(scheme, "rediss") == 0) {
        u.tls = scheme[5] == 's';
        if (!host || !*host || (path && strncmp(s + strlen(scheme), ":///", 4) == 0)) {
            *ret_why = "no host";
            return -EINVAL;
        }
        if (port) {
            char *end;
            long p = strtol(port, &end, 10);
            if (*end || p <= 0 || p > 65535) {
                *ret_why = "port out of range";
                return -EINVAL;
            }
            u.port = (unsigned)p;
        }
        if (path && strcmp(path, "/") != 0) {
            db = path + 1;
        }
    } else {
        *ret_why = "scheme must be redis, rediss or unix";
        return -EINVAL;
    }
    if (db && *db) {
        char *end;
        long n = strtol(db, &end, 10);
        if (*end || n < 0 || n > 65535) {
            *ret_why = "the database must be a number: redis://HOST:PORT/0";
            return -EINVAL;
        }
        u.db = (unsigned)n;
    }
    u.host = strdup(host);
    if (!u.host) {
        return -ENOMEM;
    }
    if (user && *user) {
        u.user = strdup(user);
        if (!u.user) {
            redis_url_done(&u);
            return -ENOMEM;
        }
    }
    *ret = u;
    return 0;
}

void redis_url_done(RedisUrl *u) {
    free(u->host);
    free(u->socket);
    free(u->user);
    *u = (RedisUrl){0};
}

char *redis_url_redact(const char *s) {
    if (strncmp(s, "unix://", 7) == 0) {
        return strdup(s); /* a socket path carries no password */
    }
    _cleanup_(urlp) CURLU *h = curl_url();
    if (!h) {
        return NULL;
    }
    if (curl_url_set(h, CURLUPART_URL, s, CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
        return strdup("(unparsable URL)");
    }
    _cleanup_(curl_freep) char *password = NULL;
    if (curl_url_get(h, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK && password) {
        (void)curl_url_set(h, CURLUPART_PASSWORD, "***", 0);
    }
    _cleanup_(curl_freep) char *out = NULL;
    if (curl_url_get(h, CURLUPART_URL, &out, 0) != CURLUE_OK) {
        return NULL;
    }
    return strdup(out);
}
