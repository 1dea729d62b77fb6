#pragma once
/* Large growable arrays (a plan's YAML nodes and strings): mapped directly and
 * marked for transparent huge pages, so filling tens of megabytes costs a few
 * dozen page faults instead of thousands. */
#include <stddef.h>

/* Resize *p from old_size to new_size bytes (either may be 0).  Contents up to
 * the smaller size are kept.  Returns 0 or -ENOMEM (then *p is unchanged). */
int bigbuf_resize(void **p, size_t old_size, size_t new_size);
void bigbuf_free(void *p, size_t size);
