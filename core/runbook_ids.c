#include "core/runbook_ids.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/macro.h"
#include "core/runbook_chars.h"

/* ---- phases --------------------------------------------------------------------- */

size_t hint_phase_ref(const char *s, char buf[static HINT_ID_MAX]) {
    size_t n = strnlen(s, 64);
    size_t k = word_at(s, n, "phase");
    if (!k) {
        return 0;
    }
    size_t i = skip_spaces(s, n, k);
    if (i == k || i >= n || !is_digit(s[i])) {
        return 0;
    }
    size_t len = 0;
    buf[len++] = 'p';
    for (size_t d = 0; i < n && is_digit(s[i]) && d < 4; i++, d++) {
        buf[len++] = s[i];
    }
    if (i + 1 < n && s[i] == '.' && is_digit(s[i + 1])) {
        buf[len++] = '_';
        for (i++; i < n && is_digit(s[i]) && len < 12; i++) {
            buf[len++] = s[i];
        }
    }
    if (i < n && is_alpha(s[i]) && !(i + 1 < n && is_alnum(s[i + 1]))) {
        buf[len++] = lower(s[i++]);
    }
    if (i < n && (is_alnum(s[i]) || (s[i] == '.' && i + 1 < n && is_digit(s[i + 1])))) {
        return 0;
    }
    buf[len] = '\0';
    return i;
}

size_t hint_phase_refs(const char *s, size_t n, char (*ids)[HINT_ID_MAX], size_t max) {
    size_t found = 0;
    for (size_t i = 0; i < n && found < max; i++) {
        if ((i > 0 && is_alpha(s[i - 1])) || lower(s[i]) != 'p') {
            continue;
        }
        char tmp[64];
        size_t len = MIN(n - i, sizeof(tmp) - 1);
        memcpy(tmp, s + i, len);
        tmp[len] = '\0';
        size_t k = hint_phase_ref(tmp, ids[found]);
        if (k) {
            found++;
            i += k - 1;
        }
    }
    return found;
}

bool hint_lead_in_phase(const char *para, char buf[static HINT_ID_MAX]) {
    size_t n = strlen(para);
    while (n > 0 && strchr(" \t\n", para[n - 1])) {
        n--;
    }
    size_t i = skip_spaces(para, n, 0);
    if (n == 0 || para[n - 1] != ':' || n - i > 120 || memchr(para + i, '\n', n - i)) {
        return false;
    }
    size_t k = word_at(para + i, n - i, "before");
    if (k) {
        i = skip_spaces(para, n, i + k);
    }
    return hint_phase_ref(para + i, buf) > 0;
}

bool hint_says_rollback(const char *s) {
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        if ((i == 0 || !is_alpha(s[i - 1])) && lower(s[i]) == 'r' &&
            (strncasecmp(s + i, "rollback", 8) == 0 || strncasecmp(s + i, "roll back", 9) == 0 ||
             strncasecmp(s + i, "roll-back", 9) == 0)) {
            return true;
        }
    }
    return false;
}

bool hint_says_checklist(const char *s) {
    return strcasestr(s, "checklist") != NULL;
}

bool hint_is_generic_title(const char *title) {
    static const char *const generic[] = {"checklist",
                                          "completion checklist",
                                          "the checklist",
                                          "action items",
                                          "tasks",
                                          "task list",
                                          "todo",
                                          "to do",
                                          "to-do",
                                          "steps",
                                          "checks",
                                          "acceptance criteria",
                                          "definition of done",
                                          "done when",
                                          "exit criteria",
                                          "success criteria",
                                          "completion criteria",
                                          "prerequisites",
                                          "sign-off",
                                          "sign off"};
    const char *s = title;
    while (*s && !is_alnum(*s)) {
        s++;
    }
    /* a section number first: "2C.1 ", "D.3.1 ", "4. " */
    size_t k = 0;
    bool digit = false;
    while (is_alnum(s[k]) || s[k] == '.') {
        digit |= is_digit(s[k]);
        k++;
    }
    if (digit && s[k] == ' ') {
        s += k + 1;
    }
    while (*s == ' ') {
        s++;
    }
    size_t n = strlen(s);
    const char *paren = strchr(s, '(');
    if (paren) {
        n = (size_t)(paren - s);
    }
    while (n > 0 && strchr(" :.", s[n - 1])) {
        n--;
    }
    for (size_t g = 0; g < ELEMENTSOF(generic); g++) {
        if (strlen(generic[g]) == n && strncasecmp(s, generic[g], n) == 0) {
            return true;
        }
    }
    return false;
}

static uint32_t fnv1a(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 16777619u;
    }
    return h;
}

size_t hint_slug(const char *s, size_t max, char buf[static HINT_ID_MAX]) {
    char tmp[HINT_ID_MAX + 8];
    max = MIN(max, (size_t)HINT_ID_MAX - 1);
    size_t len = 0;
    bool sep = false;
    for (const char *p = s; *p && len <= max; p++) {
        if (*p == '\'') {
            continue; /* "Let's" → "lets" */
        }
        if (strncmp(p, "\xe2\x80\x99", 3) == 0) {
            p += 2; /* the same with a typographic apostrophe */
            continue;
        }
        if (!is_alnum(*p)) {
            sep = true;
            continue;
        }
        if (sep && len > 0) {
            tmp[len++] = '-';
        }
        tmp[len++] = lower(*p);
        sep = false;
    }
    if (len > max) {
        /* cut at the last word boundary, unless that leaves too little */
        size_t cut = max;
        while (cut > max / 3 && tmp[cut] != '-') {
            cut--;
        }
        len = tmp[cut] == '-' ? cut : max;
    }
    while (len > 0 && tmp[len - 1] == '-') {
        len--;
    }
    if (len == 0) {
        len = (size_t)snprintf(tmp, sizeof(tmp), "x%08x", fnv1a(s));
        len = MIN(len, max);
    }
    memcpy(buf, tmp, len);
    buf[len] = '\0';
    return len;
}

void hint_heading_id(const char *title, char buf[static HINT_ID_MAX]) {
    const char *s = title;
    while (*s && !is_alnum(*s)) {
        s++;
    }
    if (hint_phase_ref(s, buf)) {
        return;
    }
    /* "Appendix C: ...", "Enhancement 1: ...", "Step 3: ..." */
    size_t w = 0;
    while (is_alpha(s[w])) {
        w++;
    }
    if (w > 0 && s[w] == ' ') {
        size_t l = w + 1;
        while (is_alnum(s[l]) || s[l] == '.') {
            l++;
        }
        if (l > w + 1 && l - w - 1 <= 4 && s[l] == ':') {
            char head[64];
            snprintf(head, sizeof(head), "%.*s", (int)l, s);
            hint_slug(head, HINT_PHASE_SLUG, buf);
            return;
        }
    }
    hint_slug(title, HINT_PHASE_SLUG, buf);
}
