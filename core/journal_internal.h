#pragma once
/* Shared between core/journal.c and core/journal_codec.c, and the unit tests.
 * Not part of the public journal contract. */
#include <stddef.h>

#include "core/journal.h"

/* Bytes of `{"crc":"XXXXXXXX",`, the fixed start of every record. */
#define JOURNAL_PREFIX_LEN 18

/* journal_decode, telling why a line was rejected: *ret_reason (if not NULL) gets a
 * static phrase such as "checksum mismatch" on -EBADMSG. */
int journal_decode_reason(const char *line, size_t len, JournalEvent *ret, cJSON **ret_json,
                          const char **ret_reason);

/* The same, for a line in a buffer of the caller's that may be written to during
 * the call (restored before it returns): one parse is cheaper.  The journal's
 * reader uses it. */
int journal_decode_buffer(char *line, size_t len, JournalEvent *ret, cJSON **ret_json,
                          const char **ret_reason);

/* Test hook: make every following fdatasync()/fsync() of the journal file fail with
 * errno err (0: stop failing), as a failing disk would.  The unit tests use it
 * to check that a failed sync poisons the handle; nothing else may call it. */
void journal_test_fail_sync(Journal *j, int err);
