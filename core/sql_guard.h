#pragma once
/* Telling a read-only statement from one that may change something, before it
 * is sent: db.query runs only SELECT, SHOW, EXPLAIN, DESCRIBE (DESC). */
#include <stdbool.h>

/* True when q is one statement whose first keyword is SELECT, SHOW, EXPLAIN,
 * DESCRIBE or DESC, with no INTO (OUTFILE, DUMPFILE, variables), no FOR UPDATE
 * or LOCK IN SHARE MODE, no executable comment and nothing after a ';'.  Else
 * false and *ret_why (may be NULL) is a static sentence. */
bool sql_is_read_only(const char *q, const char **ret_why);
