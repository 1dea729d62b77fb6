#pragma once
/* A bounded ring of text lines: the newest cap lines are kept, the oldest
 * dropped, so memory stays flat however long a log runs.  With max_bytes set, the
 * oldest lines also go while the lines kept hold more bytes than that (long lines:
 * cap lines of them could be gigabytes); the newest line always stays. */
#include <stddef.h>

typedef struct Ring {
    char **lines; /* owned */
    size_t cap, head, n;
    unsigned long long total; /* lines ever pushed */
    size_t bytes;             /* held by the lines kept, NULs included */
    size_t max_bytes;         /* 0: no limit but cap */
} Ring;

/* cap 0 is taken as 1.  NULL on OOM. */
Ring *ring_new(size_t cap);
Ring *ring_free(Ring *r);
/* Copy s[0..len) in (the caller sanitised it).  Returns 0 or -ENOMEM. */
int ring_push(Ring *r, const char *s, size_t len);
/* i = 0 is the oldest kept line; NULL when out of range. */
const char *ring_get(const Ring *r, size_t i);
/* Drop every line; total keeps counting (lines cleared count as dropped). */
void ring_clear(Ring *r);
