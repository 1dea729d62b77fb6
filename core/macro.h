#pragma once
/* Small helpers shared by every module: cleanup attributes, ownership hand-over. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

/* Hand a pointer out of a _cleanup_ variable. */
#define TAKE_PTR(p)                                                                                \
    ({                                                                                             \
        __typeof__(p) _p_ = (p);                                                                   \
        (p) = NULL;                                                                                \
        _p_;                                                                                       \
    })

#define TAKE_FD(fd)                                                                                \
    ({                                                                                             \
        int _fd_ = (fd);                                                                           \
        (fd) = -1;                                                                                 \
        _fd_;                                                                                      \
    })

static inline void freep(void *p) {
    free(*(void **)p);
}

static inline void *mfree(void *p) {
    free(p);
    return NULL;
}

static inline void closep(int *fd) {
    if (*fd >= 0) {
        int saved = errno;
        (void)close(*fd);
        errno = saved;
    }
}

/* Declare fooP(Foo **p) calling foo_free(*p) for _cleanup_. */
#define DEFINE_FREEP(type, func)                                                                   \
    static inline void func##p(type **p) {                                                         \
        if (*p) {                                                                                  \
            func(*p);                                                                              \
        }                                                                                          \
    }

#define streq(a, b) (strcmp((a), (b)) == 0)
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
