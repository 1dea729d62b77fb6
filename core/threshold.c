#include "core/threshold.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *skip_space(const char *s) {
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    return s;
}

/* A full-string number, optionally followed by '%'. */
static int parse_number(const char *s, double *ret, bool *ret_percent) {
    s = skip_space(s);
    if (*s == '\0') {
        return -EINVAL;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || !isfinite(v)) {
        return -EINVAL;
    }
    bool pct = false;
    end = (char *)skip_space(end);
    if (*end == '%') {
        pct = true;
        end = (char *)skip_space(end + 1);
    }
    if (*end != '\0') {
        return -EINVAL;
    }
    /* reject hex, inf and nan spellings that strtod accepts */
    for (const char *p = s; p < end; p++) {
        if (*p == 'x' || *p == 'X' || *p == 'n' || *p == 'N' || *p == 'i' || *p == 'I') {
            return -EINVAL;
        }
    }
    *ret = v;
    *ret_percent = pct;
    return 0;
}

static const struct {
    const char *tok;
    ThresholdOp op;
} ops[] = {
    {">=", THRESH_GE}, {"<=", THRESH_LE}, {"==", THRESH_EQ}, {"!=", THRESH_NE},
    {">", THRESH_GT},  {"<", THRESH_LT},  {"=", THRESH_EQ},
};

int threshold_parse(const char *s, ThresholdMode mode, Threshold *ret) {
    Threshold t = {.op = THRESH_NONE};
    const char *p = skip_space(s);
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        size_t l = strlen(ops[i].tok);
        if (strncmp(p, ops[i].tok, l) == 0) {
            if (parse_number(p + l, &t.value, &t.percent) < 0) {
                if (mode == THRESHOLD_LIMIT) {
                    return -EINVAL;
                }
                /* an expectation that is not a comparison is text to match: "= ok"
                 * matches "ok"; anything else ("!= error") matches itself */
                t.op = THRESH_STR;
                t.str = ops[i].op == THRESH_EQ ? skip_space(p + l) : s;
                *ret = t;
                return 0;
            }
            t.op = ops[i].op;
            *ret = t;
            return 0;
        }
    }
    if (parse_number(p, &t.value, &t.percent) == 0) {
        t.op = mode == THRESHOLD_LIMIT ? THRESH_GE : THRESH_EQ;
        *ret = t;
        return 0;
    }
    if (mode == THRESHOLD_LIMIT) {
        return -EINVAL;
    }
    t.op = THRESH_STR;
    t.str = s;
    *ret = t;
    return 0;
}

bool threshold_match(const Threshold *t, const char *text) {
    if (t->op == THRESH_NONE) {
        return false;
    }
    if (t->op == THRESH_STR) {
        return strcmp(t->str, text) == 0;
    }
    double v;
    bool pct;
    if (parse_number(text, &v, &pct) < 0) {
        return false;
    }
    switch (t->op) {
    case THRESH_GT:
        return v > t->value;
    case THRESH_GE:
        return v >= t->value;
    case THRESH_LT:
        return v < t->value;
    case THRESH_LE:
        return v <= t->value;
    case THRESH_EQ:
        return v == t->value;
    case THRESH_NE:
        return v != t->value;
    default:
        return false;
    }
}

const char *threshold_format(const Threshold *t, char *buf, unsigned size) {
    static const char *const names[] = {
        [THRESH_GT] = ">",  [THRESH_GE] = ">=", [THRESH_LT] = "<",
        [THRESH_LE] = "<=", [THRESH_EQ] = "=",  [THRESH_NE] = "!=",
    };
    if (t->op == THRESH_NONE) {
        snprintf(buf, size, "-");
    } else if (t->op == THRESH_STR) {
        snprintf(buf, size, "= \"%s\"", t->str);
    } else {
        snprintf(buf, size, "%s %g%s", names[t->op], t->value, t->percent ? "%" : "");
    }
    return buf;
}
