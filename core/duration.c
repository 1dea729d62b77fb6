#include "core/duration.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define DURATION_MAX ((int64_t)10 * 365 * 86400)

static const struct {
    char unit;
    int64_t seconds;
} units[] = {{'w', 604800}, {'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};

int duration_parse(const char *s, int64_t *ret_seconds) {
    int64_t total = 0;
    size_t next_unit = 0; /* units must appear largest first, each at most once */
    const char *p = s;
    if (!*p) {
        return -EINVAL;
    }
    while (*p) {
        if (*p < '0' || *p > '9') {
            return -EINVAL;
        }
        int64_t n = 0;
        while (*p >= '0' && *p <= '9') {
            n = n * 10 + (*p - '0');
            if (n > DURATION_MAX) {
                return -ERANGE;
            }
            p++;
        }
        size_t u = next_unit;
        while (u < sizeof(units) / sizeof(units[0]) && units[u].unit != *p) {
            u++;
        }
        if (u == sizeof(units) / sizeof(units[0])) {
            return -EINVAL;
        }
        total += n * units[u].seconds;
        if (total > DURATION_MAX) {
            return -ERANGE;
        }
        next_unit = u + 1;
        p++;
    }
    *ret_seconds = total;
    return 0;
}

const char *duration_format(int64_t seconds, char *buf, size_t size) {
    const char *sign = seconds < 0 ? "-" : "";
    uint64_t s = seconds < 0 ? (uint64_t)(-(seconds + 1)) + 1 : (uint64_t)seconds;
    uint64_t w = s / 604800, d = s % 604800 / 86400, h = s % 86400 / 3600, m = s % 3600 / 60;
    if (w > 0) {
        snprintf(buf, size, "%s%luw %lud", sign, (unsigned long)w, (unsigned long)d);
    } else if (d > 0) {
        snprintf(buf, size, "%s%lud %luh", sign, (unsigned long)d, (unsigned long)h);
    } else if (h > 0) {
        snprintf(buf, size, "%s%luh %02lum", sign, (unsigned long)h, (unsigned long)m);
    } else if (m > 0 || s == 0) {
        snprintf(buf, size, "%s%lum", sign, (unsigned long)m);
    } else {
        snprintf(buf, size, "%s%lus", sign, (unsigned long)s);
    }
    return buf;
}
