#pragma once
/* Reading a whole file the operator names (a plan, a runbook). */
#include <stddef.h>

/* Read path into a new NUL-terminated buffer of *ret_len bytes.  Returns 0,
 * -EISDIR, -EFBIG (more than max bytes), -ENOMEM or the -errno of open/read. */
int file_read_all(const char *path, size_t max, char **ret, size_t *ret_len);
