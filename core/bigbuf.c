#include "core/bigbuf.h"

#include <errno.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

#define PAGE ((size_t)4096)

/* Small buffers stay in small pages: a 30 KB plan must not cost a 2 MB page. */
static size_t round_up(size_t n) {
    size_t unit = n >= HUGE_PAGE ? HUGE_PAGE : PAGE;
    return (n + unit - 1) & ~(unit - 1);
}

int bigbuf_resize(void **p, size_t old_size, size_t new_size) {
    size_t o = round_up(old_size), n = round_up(new_size);
    if (n == o) {
        return 0;
    }
    void *q;
    if (!*p || o == 0) {
        q = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    } else if (n == 0) {
        munmap(*p, o);
        *p = NULL;
        return 0;
    } else {
        q = mremap(*p, o, n, MREMAP_MAYMOVE);
    }
    if (q == MAP_FAILED) {
        return -ENOMEM;
    }
    if (n >= HUGE_PAGE) {
        /* advisory: without THP it is just fewer, larger regions */
        (void)madvise(q, n, MADV_HUGEPAGE);
    }
    *p = q;
    return 0;
}

void bigbuf_free(void *p, size_t size) {
    if (p && size) {
        munmap(p, round_up(size));
    }
}
