#include "core/fileio.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/macro.h"

int file_read_all(const char *path, size_t max, char **ret, size_t *ret_len) {
    _cleanup_(closep) int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return -errno;
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        return -errno;
    }
    if (S_ISDIR(st.st_mode)) {
        return -EISDIR;
    }
    bool regular = S_ISREG(st.st_mode);
    if (regular && (size_t)st.st_size > max) {
        return -EFBIG;
    }
    /* a regular file is read in one go; a pipe grows as it comes */
    size_t cap = regular && st.st_size > 0 ? (size_t)st.st_size + 1 : 65536, len = 0;
    _cleanup_(freep) char *buf = malloc(cap);
    if (!buf) {
        return -ENOMEM;
    }
    for (;;) {
        if (len + 1 >= cap) {
            if (cap > max) {
                return -EFBIG;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                return -ENOMEM;
            }
            buf = nb, cap *= 2;
        }
        ssize_t k = read(fd, buf + len, cap - len - 1);
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (k == 0) {
            break;
        }
        len += (size_t)k;
    }
    if (len > max) {
        return -EFBIG;
    }
    buf[len] = '\0';
    *ret = TAKE_PTR(buf);
    *ret_len = len;
    return 0;
}
