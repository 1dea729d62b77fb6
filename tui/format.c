#include "tui/format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/duration.h"
#include "core/text.h"

const char *fmt_status_icon(const Canvas *c, PhaseStatus st) {
    switch (st) {
    case PHASE_COMPLETE:
        return canvas_glyph(c, "●", "x");
    case PHASE_ACTIVE:
        return canvas_glyph(c, "◐", ">");
    case PHASE_PENDING:
        return canvas_glyph(c, "○", "o");
    default:
        return canvas_glyph(c, "·", ".");
    }
}

Role fmt_status_role(PhaseStatus st) {
    switch (st) {
    case PHASE_COMPLETE:
        return ROLE_DONE;
    case PHASE_ACTIVE:
        return ROLE_ACTIVE;
    case PHASE_PENDING:
        return ROLE_PENDING;
    default:
        return ROLE_BLOCKED;
    }
}

Role fmt_risk_role(Risk r) {
    switch (r) {
    case RISK_MEDIUM:
        return ROLE_RISK_MEDIUM;
    case RISK_COORDINATION:
        return ROLE_RISK_COORDINATION;
    case RISK_HIGH:
        return ROLE_RISK_HIGH;
    default:
        return ROLE_RISK_LOW;
    }
}

const char *fmt_when(time_t t, char *buf, size_t size) {
    if (!t) {
        snprintf(buf, size, "—");
        return buf;
    }
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(buf, size, "%a %H:%M", &tm);
    return buf;
}

const char *fmt_slip(long long seconds, int known, char *buf, size_t size) {
    char d[32];
    if (!known) {
        snprintf(buf, size, "—");
    } else if (seconds == 0) {
        snprintf(buf, size, "on time");
    } else {
        snprintf(buf, size, "%s%s", seconds > 0 ? "+" : "", duration_format(seconds, d, sizeof(d)));
    }
    return buf;
}

char *fmt_safe(const char *s) {
    return text_sanitize(s ? s : "", s ? strlen(s) : 0);
}

char *fmt_cut(const char *s, int cols) {
    char *safe = fmt_safe(s);
    if (!safe || cols <= 0 || (int)text_width(safe) <= cols) {
        return safe;
    }
    /* keep whole characters while they fit in cols - 1, then the ellipsis */
    size_t n = strlen(safe), i = 0;
    int w = 0;
    while (i < n) {
        unsigned cp;
        size_t l = text_utf8_len((const unsigned char *)safe + i, n - i, &cp);
        char one[8] = "";
        memcpy(one, safe + i, l ? l : 1);
        int cw = (int)text_width(one);
        if (w + cw > cols - 1) {
            break;
        }
        w += cw;
        i += l ? l : 1;
    }
    char *out = realloc(safe, i + sizeof("…"));
    if (!out) {
        free(safe);
        return NULL;
    }
    memcpy(out + i, "…", sizeof("…"));
    return out;
}
