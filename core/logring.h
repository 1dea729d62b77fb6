#pragma once
/* A bounded ring of log lines (core's own: core never includes widgets/).
 * The newest cap lines are kept and the oldest dropped, so a tail followed
 * over a weekend costs the same memory on Sunday as on Friday. */
#include <stddef.h>

typedef struct LogRing {
    char **lines; /* owned; NUL-terminated */
    size_t cap, head, n;
    unsigned long long total; /* lines ever pushed */
} LogRing;

/* cap 0 is taken as 1.  NULL on OOM. */
LogRing *logring_new(size_t cap);
LogRing *logring_free(LogRing *r);
/* Copy s[0..len) in (already sanitised).  Returns 0 or -ENOMEM. */
int logring_push(LogRing *r, const char *s, size_t len);
/* i = 0 is the oldest line kept; NULL when out of range. */
const char *logring_get(const LogRing *r, size_t i);
void logring_clear(LogRing *r);
