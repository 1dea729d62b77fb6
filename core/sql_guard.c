#include "core/sql_guard.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

/* Skip blanks and comments; NULL when an executable comment starts at q. */
static const char *skip_blank(const char *q) {
    for (;;) {
        while (isspace((unsigned char)*q)) {
            q++;
        }
        if (q[0] == '/' && q[1] == '*') {
            if (q[2] == '!' || (q[2] == 'M' && q[3] == '!')) {
                return NULL; /* executed by the server: not a comment */
            }
            const char *end = strstr(q + 2, "*/");
            q = end ? end + 2 : q + strlen(q);
        } else if (q[0] == '#' ||
                   (q[0] == '-' && q[1] == '-' && (isspace((unsigned char)q[2]) || !q[2]))) {
            const char *nl = strchr(q, '\n');
            q = nl ? nl + 1 : q + strlen(q);
        } else {
            return q;
        }
    }
}

static bool word_is(const char *w, size_t n, const char *kw) {
    return strlen(kw) == n && strncasecmp(w, kw, n) == 0;
}

static bool fail(const char **ret_why, const char *why) {
    if (ret_why) {
        *ret_why = why;
    }
    return false;
}

bool sql_is_read_only(const char *q, const char **ret_why) {
    static const char *const first_ok[] = {"SELECT", "SHOW", "EXPLAIN", "DESCRIBE", "DESC"};
    bool first = true, after_semicolon = false, second_seen = false;
    const char *prev = NULL;
    size_t prev_n = 0;
    if (!q) {
        return fail(ret_why, "there is no query");
    }
    for (const char *p = q;;) {
        p = skip_blank(p);
        if (!p) {
            return fail(ret_why, "an executable comment (/*! … */) is not allowed");
        }
        if (!*p) {
            break;
        }
        if (after_semicolon) {
            return fail(ret_why, "only one statement is allowed");
        }
        if (*p == '\'' || *p == '"' || *p == '`') {
            char quote = *p++;
            while (*p && *p != quote) {
                p += *p == '\\' && p[1] && quote != '`' ? 2 : 1;
            }
            p += *p ? 1 : 0;
            first = false;
            prev = NULL;
            continue;
        }
        if (*p == ';') {
            after_semicolon = true;
            p++;
            continue;
        }
        if (!isalpha((unsigned char)*p) && *p != '_') {
            if (first) {
                return fail(ret_why, "it must start with SELECT, SHOW, EXPLAIN or DESCRIBE");
            }
            p++;
            prev = NULL;
            continue;
        }
        const char *w = p;
        while (isalnum((unsigned char)*p) || *p == '_' || *p == '$') {
            p++;
        }
        size_t n = (size_t)(p - w);
        if (prev && !second_seen && word_is(w, n, "ANALYZE")) {
            return fail(ret_why, "EXPLAIN ANALYZE runs the statement: not allowed");
        }
        second_seen = !first;
        if (first) {
            bool ok = false;
            for (size_t i = 0; i < sizeof(first_ok) / sizeof(first_ok[0]); i++) {
                ok = ok || word_is(w, n, first_ok[i]);
            }
            if (!ok) {
                return fail(ret_why, "only SELECT, SHOW, EXPLAIN and DESCRIBE are allowed");
            }
            first = false;
        } else if (word_is(w, n, "INTO")) {
            return fail(ret_why, "SELECT … INTO writes (a file or variables): not allowed");
        } else if (prev && word_is(prev, prev_n, "FOR") && word_is(w, n, "UPDATE")) {
            return fail(ret_why, "FOR UPDATE takes locks: not allowed");
        } else if (prev && word_is(prev, prev_n, "LOCK") && word_is(w, n, "IN")) {
            return fail(ret_why, "LOCK IN SHARE MODE takes locks: not allowed");
        }
        prev = w, prev_n = n;
    }
    if (first) {
        return fail(ret_why, "the query is empty");
    }
    return true;
}
