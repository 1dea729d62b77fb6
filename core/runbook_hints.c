#include "core/runbook_hints.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/macro.h"
#include "core/runbook_chars.h"

#define DURATION_MAX ((int64_t)10 * 365 * 86400)

/* ---- durations -------------------------------------------------------------------- */

static const struct {
    const char *name;
    int64_t seconds;
} unit_words[] = {
    {"minutes", 60}, {"minute", 60}, {"mins", 60},  {"min", 60},       {"m", 60},
    {"hours", 3600}, {"hour", 3600}, {"hrs", 3600}, {"hr", 3600},      {"h", 3600},
    {"days", 86400}, {"day", 86400}, {"d", 86400},  {"weeks", 604800}, {"week", 604800},
    {"wks", 604800}, {"wk", 604800}, {"w", 604800}, {"seconds", 1},    {"second", 1},
    {"secs", 1},     {"sec", 1},     {"s", 1},
};

static const char *const number_words[] = {"zero", "one",    "two",   "three", "four",
                                           "five", "six",    "seven", "eight", "nine",
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
    static const char *const words[] = {"about",   "approx", "approximately", "around", "up to",
                                        "roughly", "est",    "estimated",     "ca"};
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
        "duration",       "estimated duration", "timeline", "time", "time required",
        "estimated time", "time estimate",      "estimate", "eta",  "effort",
        "length"};
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
    bool too_long = false;
    int64_t secs;
    for (const char *p = strchr(title, '('); p; p = strchr(p + 1, '(')) {
        const char *close = strchr(p, ')');
        if (!close) {
            break;
        }
        int r = hint_parse_duration(p + 1, (size_t)(close - p - 1), &secs);
        if (r == 0) {
            *ret_seconds = secs;
            return 1;
        }
        too_long |= r == -ERANGE;
    }
    for (size_t i = 0; i < n; i++) {
        if ((i == 0 || !is_alpha(title[i - 1])) && word_at(title + i, n - i, "week") &&
            parse_week_span(title, n, i, &secs) != i) {
            if (secs <= DURATION_MAX) {
                *ret_seconds = secs;
                return 1;
            }
            too_long = true;
        }
    }
    /* "Cutover — 2 hours", "Step 3: 10 minutes" */
    for (size_t i = n; i-- > 1;) {
        bool dash = title[i] == '-' && title[i - 1] == ' ';
        bool colon = title[i] == ':';
        bool udash = i >= 2 && (unsigned char)title[i - 2] == 0xe2 &&
                     (unsigned char)title[i - 1] == 0x80 &&
                     ((unsigned char)title[i] == 0x93 || (unsigned char)title[i] == 0x94);
        if ((dash || colon || udash) && whole_duration(title + i + 1, n - i - 1, &secs)) {
            *ret_seconds = secs;
            return 1;
        }
    }
    return too_long ? -ERANGE : 0;
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
    } levels[] = {{"low", RISK_LOW},
                  {"medium", RISK_MEDIUM},
                  {"moderate", RISK_MEDIUM},
                  {"med", RISK_MEDIUM},
                  {"high", RISK_HIGH},
                  {"critical", RISK_HIGH},
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

/* ---- labels ----------------------------------------------------------------------- */

const char *hint_depends_label(const char *para, size_t *ret_len) {
    static const char *const labels[] = {
        "prerequisites", "prerequisite", "prereqs",  "depends on", "depends", "dependencies",
        "dependency",    "requires",     "required", "blocked by", "after"};
    static const char *const when[] = {"when", "when to implement", "when to start", "when to run",
                                       "start"};
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

bool hint_starts_with_label(const char *s) {
    while (*s && !is_alnum(*s)) {
        s++;
    }
    for (size_t i = 0; i < 48 && s[i] && s[i] != '\n'; i++) {
        if (s[i] == ':') {
            return i > 0 && (s[i + 1] == ' ' || s[i + 1] == '\n' || s[i + 1] == '\0');
        }
    }
    return false;
}
