#include "core/timeutil.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil); exact for every year, no locale, no TZ. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool is_leap(int64_t y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(int64_t y, unsigned m) {
    static const unsigned days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Exactly n decimal digits at *p; advances *p. */
static bool digits(const char **p, unsigned n, unsigned *ret) {
    unsigned v = 0;
    for (unsigned i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') {
            return false;
        }
        v = v * 10 + (unsigned)(c - '0');
    }
    *p += n;
    *ret = v;
    return true;
}

static bool expect(const char **p, char c) {
    if (**p != c) {
        return false;
    }
    (*p)++;
    return true;
}

/* "Z", "+01:00", "+0100", "+01" or nothing (UTC): offset east of UTC in seconds. */
static bool parse_zone(const char **p, long *ret_offset) {
    const char *s = *p;
    if (*s == '\0') {
        *ret_offset = 0;
        return true;
    }
    if ((*s == 'Z' || *s == 'z') && s[1] == '\0') {
        *p = s + 1;
        *ret_offset = 0;
        return true;
    }
    if (*s != '+' && *s != '-') {
        return false;
    }
    int sign = *s == '-' ? -1 : 1;
    s++;
    unsigned hh, mm = 0;
    if (!digits(&s, 2, &hh)) {
        return false;
    }
    if (*s == ':') {
        s++;
        if (!digits(&s, 2, &mm)) {
            return false;
        }
    } else if (*s != '\0' && !digits(&s, 2, &mm)) {
        return false;
    }
    if (hh > 23 || mm > 59 || *s != '\0') {
        return false;
    }
    *p = s;
    *ret_offset = sign * (long)(hh * 3600 + mm * 60);
    return true;
}

int time_parse_iso8601(const char *s, time_t *ret) {
    if (!s || !ret) {
        return -EINVAL;
    }
    const char *p = s;
    unsigned y, mo, d, h = 0, mi = 0, sec = 0;
    if (!digits(&p, 4, &y) || !expect(&p, '-') || !digits(&p, 2, &mo) || !expect(&p, '-') ||
        !digits(&p, 2, &d)) {
        return -EINVAL;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) {
        return -EINVAL;
    }
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (!digits(&p, 2, &h) || !expect(&p, ':') || !digits(&p, 2, &mi)) {
            return -EINVAL;
        }
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &sec)) {
                return -EINVAL;
            }
            if (*p == '.' || *p == ',') { /* fractions of a second: accepted, dropped */
                p++;
                if (*p < '0' || *p > '9') {
                    return -EINVAL;
                }
                while (*p >= '0' && *p <= '9') {
                    p++;
                }
            }
        }
        /* 60: a leap second, counted as the first second of the next minute */
        if (h > 23 || mi > 59 || sec > 60) {
            return -EINVAL;
        }
    } else if (*p != '\0') {
        return -EINVAL;
    }
    long offset;
    if (!parse_zone(&p, &offset) || *p != '\0') {
        return -EINVAL;
    }
    int64_t t = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + mi * 60 + sec - offset;
    *ret = (time_t)t;
    return 0;
}

const char *time_format_iso8601(time_t t, char *buf, size_t size) {
    struct tm tm;
    if (size == 0) {
        return buf;
    }
    if (!gmtime_r(&t, &tm)) {
        snprintf(buf, size, "(invalid time)");
        return buf;
    }
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

time_t time_now(void) {
    const char *s = getenv("OPSDECK_NOW");
    time_t t;
    if (s && *s && time_parse_iso8601(s, &t) == 0) {
        return t;
    }
    return time(NULL);
}

long long time_mono_ms(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0) {
        return 0;
    }
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
