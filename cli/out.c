#include "cli/out.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/macro.h"
#include "core/text.h"

void out_text(FILE *f, const char *s) {
    if (!s) {
        fputs("-", f);
        return;
    }
    _cleanup_(freep) char *safe = text_sanitize(s, strlen(s));
    fputs(safe ? safe : "?", f);
}

void out_cell(FILE *f, const char *s, int width) {
    _cleanup_(freep) char *safe = text_sanitize(s ? s : "-", strlen(s ? s : "-"));
    if (!safe) {
        return;
    }
    size_t w = text_width(safe);
    if ((int)w > width && width > 1) {
        /* cut at a character boundary, leave room for the ellipsis */
        size_t cols = 0, i = 0, n = strlen(safe);
        while (i < n) {
            unsigned cp;
            size_t l = text_utf8_len((const unsigned char *)safe + i, n - i, &cp);
            if (l == 0) {
                l = 1;
            }
            int cw = l > 1 ? wcwidth((wchar_t)cp) : 1;
            cw = cw < 0 ? 1 : cw;
            if ((int)cols + cw > width - 1) {
                break;
            }
            cols += (size_t)cw;
            i += l;
        }
        fwrite(safe, 1, i, f);
        fputs("…", f);
        w = cols + 1;
    } else {
        fputs(safe, f);
    }
    for (int k = (int)w; k < width; k++) {
        fputc(' ', f);
    }
}

char *out_json_string(const cJSON *v) {
    _cleanup_(freep) char *raw = cJSON_PrintUnformatted(v);
    if (!raw) {
        return NULL;
    }
    size_t n = strlen(raw);
    if (text_is_clean(raw, n, 0)) {
        return TAKE_PTR(raw);
    }
    char *out = malloc(n * 6 + 1);
    if (!out) {
        return NULL;
    }
    const unsigned char *p = (const unsigned char *)raw;
    char *o = out;
    for (size_t i = 0; i < n;) {
        if (p[i] == 0x7f) { /* DEL: JSON lets it through raw, a terminal must not get it */
            o += sprintf(o, "\\u007f");
            i++;
            continue;
        }
        if (p[i] < 0x80) {
            *o++ = (char)p[i++];
            continue;
        }
        unsigned cp;
        size_t l = text_utf8_len(p + i, n - i, &cp);
        if (l == 0) {
            o += sprintf(o, "\\ufffd");
            i++;
        } else if (text_cp_is_dangerous(cp)) {
            o += sprintf(o, "\\u%04x", cp);
            i += l;
        } else {
            memcpy(o, p + i, l);
            o += l;
            i += l;
        }
    }
    *o = '\0';
    return out;
}

int out_json(FILE *f, const cJSON *v) {
    _cleanup_(freep) char *s = out_json_string(v);
    if (!s) {
        return -ENOMEM;
    }
    fputs(s, f);
    fputc('\n', f);
    return 0;
}
