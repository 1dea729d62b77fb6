/* widgets/theme_load.c: finding theme files along a search path. */
#include "widgets/theme.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define THEME_MAX_BYTES (64 * 1024)
#define THEME_SUFFIX ".theme"

/* A name that can only mean a file in one of the directories. */
static bool name_ok(const char *name) {
    return name && *name && name[0] != '.' && !strchr(name, '/') && strlen(name) < 128;
}

/* Read a regular file of at most THEME_MAX_BYTES into a new string. */
static int read_small_file(const char *path, char **ret) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return -errno;
    }
    struct stat st;
    int r = 0;
    char *buf = NULL;
    if (fstat(fd, &st) < 0) {
        r = -errno;
    } else if (!S_ISREG(st.st_mode)) {
        r = -EISDIR;
    } else if (st.st_size > THEME_MAX_BYTES) {
        r = -EFBIG;
    } else if (!(buf = malloc((size_t)st.st_size + 1))) {
        r = -ENOMEM;
    } else {
        size_t n = 0;
        while (n < (size_t)st.st_size) {
            ssize_t k = read(fd, buf + n, (size_t)st.st_size - n);
            if (k < 0 && errno == EINTR) {
                continue;
            }
            if (k <= 0) {
                r = k < 0 ? -errno : 0;
                break;
            }
            n += (size_t)k;
        }
        buf[n] = '\0';
        if (memchr(buf, '\0', n)) {
            r = -EBADMSG;
        }
    }
    (void)close(fd);
    if (r < 0) {
        free(buf);
        return r;
    }
    *ret = buf;
    return 0;
}

/* "path:" in front of every "LINE: message" line. */
static char *prefix_lines(const char *path, const char *errors) {
    size_t lines = 1, plen = strlen(path);
    for (const char *p = errors; *p; p++) {
        lines += *p == '\n';
    }
    char *out = malloc(strlen(errors) + lines * (plen + 1) + 1), *o = out;
    if (!out) {
        return NULL;
    }
    for (const char *p = errors; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
        o += sprintf(o, "%s:", path);
        memcpy(o, p, n);
        o += n;
        p += n;
    }
    *o = '\0';
    return out;
}

static char *error_string(const char *path, const char *what) {
    char *s = NULL;
    return asprintf(&s, "%s: %s", path, what) < 0 ? NULL : s;
}

int theme_load(const char *name, const char *search_path, Theme **ret, char **ret_error) {
    if (ret_error) {
        *ret_error = NULL;
    }
    if (!ret) {
        return -EINVAL;
    }
    if (!name_ok(name) || !search_path) {
        return -ENOENT;
    }
    const char *dir = search_path;
    while (*dir) {
        size_t dlen = strcspn(dir, ":");
        if (dlen > 0) {
            char *path = NULL, *text = NULL, *err = NULL;
            if (asprintf(&path, "%.*s/%s" THEME_SUFFIX, (int)dlen, dir, name) < 0) {
                return -ENOMEM;
            }
            int r = read_small_file(path, &text);
            if (r == -ENOENT || r == -ENOTDIR) {
                free(path);
                dir += dlen;
                dir += *dir == ':';
                continue;
            }
            if (r == 0) {
                r = theme_parse(name, text, ret, &err);
            } else if (ret_error) {
                *ret_error = error_string(path, r == -EFBIG     ? "file is too large for a theme"
                                                : r == -EBADMSG ? "file holds NUL bytes"
                                                                : strerror(-r));
                r = -EINVAL;
            }
            if (err && ret_error) {
                *ret_error = prefix_lines(path, err);
            }
            free(err);
            free(text);
            free(path);
            return r;
        }
        dir += dlen;
        dir += *dir == ':';
    }
    return -ENOENT;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append the theme names found in dir[0..dlen) to *names. */
static int scan_dir(const char *dir, size_t dlen, char ***names, size_t *n, size_t *cap) {
    char *path = strndup(dir, dlen);
    if (!path) {
        return -ENOMEM;
    }
    DIR *d = opendir(path);
    free(path);
    if (!d) {
        return 0;
    }
    int r = 0;
    for (struct dirent *de; r == 0 && (de = readdir(d));) {
        size_t len = strlen(de->d_name), slen = strlen(THEME_SUFFIX);
        if (len <= slen || de->d_name[0] == '.' ||
            strcmp(de->d_name + len - slen, THEME_SUFFIX) != 0 ||
            (de->d_type != DT_REG && de->d_type != DT_LNK && de->d_type != DT_UNKNOWN)) {
            continue;
        }
        if (*n + 2 > *cap) {
            size_t c = *cap ? *cap * 2 : 8;
            char **v = realloc(*names, c * sizeof(*v));
            if (!v) {
                r = -ENOMEM;
                break;
            }
            *names = v, *cap = c;
        }
        if (!((*names)[*n] = strndup(de->d_name, len - slen))) {
            r = -ENOMEM;
            break;
        }
        (*n)++;
    }
    closedir(d);
    return r;
}

char **theme_names(const char *search_path) {
    char **names = NULL;
    size_t n = 0, cap = 0;
    for (const char *dir = search_path; dir && *dir;) {
        size_t dlen = strcspn(dir, ":");
        if (dlen > 0 && scan_dir(dir, dlen, &names, &n, &cap) < 0) {
            for (size_t i = 0; i < n; i++) {
                free(names[i]);
            }
            free(names);
            return NULL;
        }
        dir += dlen;
        dir += *dir == ':';
    }
    if (!names && !(names = calloc(1, sizeof(*names)))) {
        return NULL;
    }
    qsort(names, n, sizeof(*names), cmp_str);
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (out > 0 && strcmp(names[out - 1], names[i]) == 0) {
            free(names[i]);
        } else {
            names[out++] = names[i];
        }
    }
    names[out] = NULL;
    return names;
}

void theme_names_free(char **names) {
    for (char **p = names; p && *p; p++) {
        free(*p);
    }
    free(names);
}
