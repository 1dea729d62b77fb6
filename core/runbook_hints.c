#include "core/runbook_hints.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/macro.h"

#define DURATION_MAX ((int64_t)10 * 365 * 86400)

static bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

static bool is_alnum(char c) {
    return is_alpha(c) || is_digit(c);
}

static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* The word w (lower case) at s[0..n), case-insensitively, not followed by a letter. */
static size_t word_at(const char *s, size_t n, const char *w) {
    size_t k = strlen(w);
    if (k > n || strncasecmp(s, w, k) != 0 || (k < n && is_alpha(s[k]))) {
        return 0;
    }
    return k;
}

static size_t skip_spaces(const char *s, size_t n, size_t i) {
    while (i < n && (s[i] == ' ' || s[i] == '\t')) {
        i++;
    }
    return i;
}

/* ---- durations -------------------------------------------------------------------- */

static const struct {
    const char *name;
    int64_t seconds;
} unit_words[] = {
    {"minutes", 60},     {"minute", 60},      {"mins", 60},     {"min", 60},
    {"m", 60},           {"hours", 3600},     {"hour", 3600},   {"hrs", 3600},
    {"hr", 3600},        {"h", 3600},         {"days", 86400},  {"day", 86400},
    {"d", 86400},        {"weeks", 604800},   {"week", 604800}, {"wks", 604800},
    {"wk", 604800},      {"w", 604800},       {"seconds", 1},   {"second", 1},
    {"secs", 1},         {"sec", 1},          {"s", 1},
};

static const char *const number_words[] = {"zero", "one", "two",   "three", "four",
                                           "five", "six", "seven", "eight", "nine",
                                           "ten",  "eleven", "twelve"};

/* A number at s[i..n) in thousandths ("1.5" → 1500, "two" → 2000, "an" → 1000).
 * Returns the index after it, or i when there is none. */
static size_t parse_number(const char *s, size_t n, size_t i, int64_t *ret_milli) {
    if (i < n && is_digit(s[i])) {
        int64_t v = 0;
        size_t j = i;
        while (j < n && is_digit(s[j])) {
            if (v < 100000000) {
                v = v * 10 + (s[j] - '0');
            }
            j++;
        }
        v *= 1000;
        if (j + 1 < n && s[j] == '.' && is_digit(s[j + 1])) {
            int64_t scale = 100;
            for (j++; j < n && is_digit(s[j]); j++) {
                v += (s[j] - '0') * scale;
                scale /= 10;
            }
        }
        *ret_milli = v;
        return j;
    }
    for (size_t w = 0; w < ELEMENTSOF(number_words); w++) {
        size_t k = word_at(s + i, n - i, number_words[w]);
        if (k) {
            *ret_milli = (int64_t)w * 1000;
            return i + k;
        }
    }
    size_t k = word_at(s + i, n - i, "an");
    k = k ? k : word_at(s + i, n - i, "a");
    if (k) {
        *ret_milli = 1000;
        return i + k;
    }
    return i;
}

/* A range separator ("-", "–", "—", "to") at s[i..n): the index after it, or i. */
static size_t parse_range_sep(const char *s, size_t n, size_t i) {
    size_t j = skip_spaces(s, n, i);
    if (j < n && s[j] == '-') {
        return skip_spaces(s, n, j + 1);
    }
    if (j + 2 < n && (unsigned char)s[j] == 0xe2 && (unsigned char)s[j + 1] == 0x80 &&
        ((unsigned char)s[j + 2] == 0x93 || (unsigned char)s[j + 2] == 0x94)) {
        return skip_spaces(s, n, j + 3);
    }
    size_t k = word_at(s + j, n - j, "to");
    return k ? skip_spaces(s, n, j + k) : i;
}

/* "N unit" or "N-M unit": the index after it, or i.  *ret_seconds gets the upper bound. */
static size_t parse_amount(const char *s, size_t n, size_t i, int64_t *ret_seconds) {
    int64_t a;
    size_t j = parse_number(s, n, i, &a);
    if (j == i) {
        return i;
    }
    int64_t b;
    size_t k = parse_range_sep(s, n, j);
    if (k != j) {
        size_t e = parse_number(s, n, k, &b);
        if (e == k || !is_digit(s[k]) || b < a) {
            return i;
        }
        a = b, j = e;
    }
    j = skip_spaces(s, n, j);
    for (size_t u = 0; u < ELEMENTSOF(unit_words); u++) {
        size_t w = word_at(s + j, n - j, unit_words[u].name);
        if (w) {
            *ret_seconds = a * unit_words[u].seconds / 1000;
            return j + w;
        }
    }
    return i;
}

/* "Week 1-2": weeks one to two, a span of two weeks. */
static size_t parse_week_span(const char *s, size_t n, size_t i, int64_t *ret_seconds) {
    size_t k = word_at(s + i, n - i, "week");
    if (!k) {
        return i;
    }
    size_t j = skip_spaces(s, n, i + k);
    int64_t a, b;
    size_t e = j < n && is_digit(s[j]) ? parse_number(s, n, j, &a) : j;
    if (e == j) {
        return i;
    }
    b = a;
    size_t r = parse_range_sep(s, n, e);
    if (r != e && r < n && is_digit(s[r])) {
        size_t e2 = parse_number(s, n, r, &b);
        if (b < a) {
            return i;
        }
        e = e2;
    }
    *ret_seconds = ((b - a) / 1000 + 1) * 604800;
    return e;
}

static size_t skip_approx(const char *s, size_t n, size_t i) {
    static const char *const words[] = {"about", "approx", "approximately", "around",
                                        "up to", "roughly", "est", "estimated", "ca"};
    i = skip_spaces(s, n, i);
    if (i < n && s[i] == '~') {
        return skip_spaces(s, n, i + 1);
    }
    for (size_t w = 0; w < ELEMENTSOF(words); w++) {
        size_t k = word_at(s + i, n - i, words[w]);
        if (k) {
            i += k;
            if (i < n && s[i] == '.') {
                i++;
            }
            return skip_spaces(s, n, i);
        }
    }
    return i;
}

/* The duration at the start of s[0..n) and how many bytes it took. */
static int parse_duration_used(const char *s, size_t n, int64_t *ret_seconds, size_t *ret_used) {
    size_t i = skip_approx(s, n, 0);
    int64_t total = 0, part;
    size_t j = parse_week_span(s, n, i, &part);
    if (j != i) {
        total = part, i = j;
    } else {
        bool got = false;
        for (;;) {
            j = parse_amount(s, n, i, &part);
            if (j == i) {
                break;
            }
            total += part, got = true, i = j;
            if (total > DURATION_MAX) {
                return -ERANGE;
            }
            j = skip_spaces(s, n, i);
            size_t k = word_at(s + j, n - j, "and");
            j = k ? skip_spaces(s, n, j + k) : j < n && s[j] == ',' ? skip_spaces(s, n, j + 1) : j;
            int64_t probe;
            if (parse_amount(s, n, j, &probe) == j) {
                break;
            }
            i = j;
        }
        if (!got) {
            return -EINVAL;
        }
    }
    if (total <= 0) {
        return -EINVAL;
    }
    if (total > DURATION_MAX) {
        return -ERANGE;
    }
    *ret_seconds = total;
    if (ret_used) {
        *ret_used = i;
    }
    return 0;
}

int hint_parse_duration(const char *s, size_t n, int64_t *ret_seconds) {
    return parse_duration_used(s, n, ret_seconds, NULL);
}

/* The trimmed line of para that starts at *pos; advances *pos past it. */
static const char *next_line(const char *para, size_t *pos, size_t *ret_len) {
    const char *s = para + *pos;
    if (!*s) {
        return NULL;
    }
    const char *nl = strchr(s, '\n');
    size_t len = nl ? (size_t)(nl - s) : strlen(s);
    *pos += len + (nl ? 1 : 0);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
        len--;
    }
    /* leading spaces, list dashes and emoji before the label */
    while (len > 0 && !is_alnum(*s)) {
        s++, len--;
    }
    *ret_len = len;
    return s;
}

/* When line starts with one of labels followed by ':', the index of its value. */
static size_t label_value(const char *line, size_t len, const char *const *labels, size_t n) {
    for (size_t l = 0; l < n; l++) {
        size_t k = word_at(line, len, labels[l]);
        if (!k) {
            continue;
        }
        size_t j = skip_spaces(line, len, k);
        if (j < len && line[j] == ':') {
            return skip_spaces(line, len, j + 1);
        }
    }
    return 0;
}

int hint_label_duration(const char *para, int64_t *ret_seconds, const char **ret_value,
                        size_t *ret_len) {
    static const char *const labels[] = {
        "duration", "estimated duration", "timeline", "time",   "time required",
        "estimated time", "time estimate", "estimate", "eta", "effort", "length"};
    const char *bad = NULL;
    size_t bad_len = 0, pos = 0, len;
    int bad_r = -EINVAL;
    for (const char *line; (line = next_line(para, &pos, &len));) {
        size_t v = label_value(line, len, labels, ELEMENTSOF(labels));
        if (!v) {
            continue;
        }
        int64_t secs;
        int r = hint_parse_duration(line + v, len - v, &secs);
        if (r == 0) {
            *ret_seconds = secs;
            return 1;
        }
        if (!bad) {
            bad = line + v, bad_len = len - v, bad_r = r;
        }
    }
    if (!bad) {
        return 0;
    }
    *ret_value = bad, *ret_len = bad_len;
    return bad_r;
}

/* A duration filling the rest of s[0..n) but for spaces and closing punctuation. */
static bool whole_duration(const char *s, size_t n, int64_t *ret_seconds) {
    size_t used;
    if (parse_duration_used(s, n, ret_seconds, &used) < 0) {
        return false;
    }
    for (size_t i = used; i < n; i++) {
        if (!strchr(" \t.)!", s[i])) {
            return false;
        }
    }
    return true;
}

int hint_heading_duration(const char *title, int64_t *ret_seconds) {
    size_t n = strlen(title);
    for (const char *p = strchr(title, '('); p; p = strchr(p + 1, '(')) {
        const char *close = strchr(p, ')');
        if (!close) {
            break;
        }
        if (hint_parse_duration(p + 1, (size_t)(close - p - 1), ret_seconds) == 0) {
            return 1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if ((i == 0 || !is_alpha(title[i - 1])) && word_at(title + i, n - i, "week")) {
            size_t j = parse_week_span(title, n, i, ret_seconds);
            if (j != i) {
                return 1;
            }
        }
    }
    /* "Cutover — 2 hours", "Step 3: 10 minutes" */
    for (size_t i = n; i-- > 1;) {
        bool dash = title[i] == '-' && title[i - 1] == ' ';
        bool colon = title[i] == ':';
        bool udash = i >= 2 && (unsigned char)title[i - 2] == 0xe2 &&
                     (unsigned char)title[i - 1] == 0x80 &&
                     ((unsigned char)title[i] == 0x93 || (unsigned char)title[i] == 0x94);
        if ((dash || colon || udash) && whole_duration(title + i + 1, n - i - 1, ret_seconds)) {
            return 1;
        }
    }
    return 0;
}

void hint_format_duration(int64_t seconds, char *buf, size_t size) {
    static const struct {
        char unit;
        int64_t seconds;
    } units[] = {{'w', 604800}, {'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
    size_t len = 0;
    buf[0] = '\0';
    for (size_t u = 0; u < ELEMENTSOF(units) && seconds > 0; u++) {
        int64_t k = seconds / units[u].seconds;
        if (k > 0 && len < size) {
            int w = snprintf(buf + len, size - len, "%lld%c", (long long)k, units[u].unit);
            len += w > 0 ? (size_t)w : 0;
            seconds -= k * units[u].seconds;
        }
    }
}

/* ---- risk ------------------------------------------------------------------------- */

static int risk_word(const char *s, size_t n, Risk *ret) {
    static const struct {
        const char *word;
        Risk risk;
    } levels[] = {{"low", RISK_LOW},       {"medium", RISK_MEDIUM},
                  {"moderate", RISK_MEDIUM}, {"med", RISK_MEDIUM},
                  {"high", RISK_HIGH},     {"critical", RISK_HIGH},
                  {"coordination", RISK_COORDINATION}};
    for (size_t l = 0; l < ELEMENTSOF(levels); l++) {
        if (word_at(s, n, levels[l].word)) {
            *ret = levels[l].risk;
            return 1;
        }
    }
    return 0;
}

int hint_risk(const char *s, Risk *ret_risk, const char **ret_word, size_t *ret_len) {
    size_t n = strlen(s);
    /* "Risk: High", "Risk level - medium" */
    for (size_t i = 0; i < n; i++) {
        size_t k = (i == 0 || !is_alpha(s[i - 1])) ? word_at(s + i, n - i, "risk") : 0;
        if (!k) {
            continue;
        }
        size_t j = skip_spaces(s, n, i + k);
        size_t lv = word_at(s + j, n - j, "level");
        j = skip_spaces(s, n, j + lv);
        if (j >= n || (s[j] != ':' && s[j] != '-')) {
            continue;
        }
        j++;
        while (j < n && !is_alpha(s[j])) {
            j++;
        }
        if (risk_word(s + j, n - j, ret_risk)) {
            return 1;
        }
        size_t e = j;
        while (e < n && is_alpha(s[e])) {
            e++;
        }
        if (e > j) {
            *ret_word = s + j, *ret_len = e - j;
            return -EINVAL;
        }
    }
    /* "HIGH RISK", "Medium-risk" */
    for (size_t i = 1; i < n; i++) {
        if (!is_alpha(s[i - 1]) && word_at(s + i, n - i, "risk") && i >= 2 &&
            (s[i - 1] == ' ' || s[i - 1] == '-')) {
            size_t w = i - 1;
            while (w > 0 && is_alpha(s[w - 1])) {
                w--;
            }
            if (w < i - 1 && risk_word(s + w, i - 1 - w, ret_risk)) {
                return 1;
            }
        }
    }
    static const struct {
        const char *emoji;
        Risk risk;
    } marks[] = {{"\xf0\x9f\x94\xb4", RISK_HIGH},
                 {"\xf0\x9f\x9f\xa1", RISK_MEDIUM},
                 {"\xf0\x9f\x94\xb5", RISK_COORDINATION},
                 {"\xf0\x9f\x9f\xa2", RISK_LOW}};
    const char *first = NULL;
    for (size_t m = 0; m < ELEMENTSOF(marks); m++) {
        const char *p = strstr(s, marks[m].emoji);
        if (p && (!first || p < first)) {
            first = p, *ret_risk = marks[m].risk;
        }
    }
    return first ? 1 : 0;
}

/* ---- phases, labels, headings ----------------------------------------------------- */

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

const char *hint_depends_label(const char *para, size_t *ret_len) {
    static const char *const labels[] = {"prerequisites", "prerequisite", "prereqs",
                                         "depends on",    "depends",      "dependencies",
                                         "dependency",    "requires",     "required",
                                         "blocked by",    "after"};
    static const char *const when[] = {"when", "when to implement", "when to start",
                                       "when to run", "start"};
    size_t pos = 0, len;
    for (const char *line; (line = next_line(para, &pos, &len));) {
        size_t v = label_value(line, len, labels, ELEMENTSOF(labels));
        if (!v) {
            v = label_value(line, len, when, ELEMENTSOF(when));
            if (v && !word_at(line + v, len - v, "after")) {
                v = 0;
            }
        }
        if (v && v < len) {
            *ret_len = len - v;
            return line + v;
        }
    }
    return NULL;
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
    static const char *const generic[] = {
        "checklist",         "completion checklist", "the checklist",    "action items",
        "tasks",             "task list",            "todo",             "to do",
        "to-do",             "steps",                "checks",           "acceptance criteria",
        "definition of done", "done when",           "exit criteria",    "success criteria",
        "completion criteria", "prerequisites",      "sign-off",         "sign off"};
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
