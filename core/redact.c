#include "core/redact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

char *redact_sanitize_n(const char *s, size_t n, const char *secret) {
    if (!s) {
        return NULL;
    }
    size_t sl = secret ? strlen(secret) : 0;
    if (sl == 0 || !memmem(s, n, secret, sl)) {
        return text_sanitize(s, n);
    }
    char *masked = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&masked, &len);
    if (!f) {
        return NULL;
    }
    for (const char *p = s, *end = s + n; p < end;) {
        const char *hit = memmem(p, (size_t)(end - p), secret, sl);
        size_t keep = hit ? (size_t)(hit - p) : (size_t)(end - p);
        fwrite(p, 1, keep, f);
        if (!hit) {
            break;
        }
        fputs("***", f);
        p = hit + sl;
    }
    if (fclose(f) != 0) {
        free(masked);
        return NULL;
    }
    char *out = text_sanitize(masked, len);
    free(masked);
    return out;
}

char *redact_sanitize(const char *s, const char *secret) {
    return s ? redact_sanitize_n(s, strlen(s), secret) : NULL;
}
