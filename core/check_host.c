/* Host checks: disk (statvfs) and memory (/proc/meminfo), as percent used. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "core/check_internal.h"

static const char *human(double bytes, char *buf, size_t size) {
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    size_t u = 0;
    while (bytes >= 1024 && u + 1 < ELEMENTSOF(units)) {
        bytes /= 1024;
        u++;
    }
    snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
    return buf;
}

/* Percent used, rounded up, as df(1) does: used / (used + available to users). */
void check_run_disk(const CheckSpec *s, CheckRaw *raw) {
    const char *path = s->path ? s->path : "/";
    struct statvfs st;
    if (statvfs(path, &st) < 0) {
        check_raw_fail(raw, CHECK_STATUS_FAIL, "cannot read the file system of '%s': %s", path,
                       strerror(errno));
        return;
    }
    unsigned long long used = (unsigned long long)(st.f_blocks - st.f_bfree) * st.f_frsize;
    unsigned long long avail = (unsigned long long)st.f_bavail * st.f_frsize;
    unsigned long long total = used + avail;
    if (total == 0) {
        check_raw_value(raw, "0%%");
    } else {
        unsigned long long pct = (used * 100 + total - 1) / total;
        check_raw_value(raw, "%llu%%", pct);
    }
    char a[32], b[32];
    check_raw_note(raw, "%s free of %s", human((double)avail, a, sizeof(a)),
                   human((double)total, b, sizeof(b)));
    raw->judge = true;
}

/* Percent used = (MemTotal - MemAvailable) / MemTotal, as free(1) counts "used". */
void check_run_memory(const CheckSpec *s, CheckRaw *raw) {
    int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        check_raw_fail(raw, CHECK_STATUS_UNKNOWN, "cannot read /proc/meminfo: %s", strerror(errno));
        return;
    }
    char buf[8192];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0) {
        check_raw_fail(raw, CHECK_STATUS_UNKNOWN, "cannot read /proc/meminfo: %s",
                       n < 0 ? strerror(errno) : "empty");
        return;
    }
    buf[n] = '\0';
    unsigned long long total = 0, avail = 0;
    bool have_total = false, have_avail = false;
    for (char *line = buf; line && *line;) {
        char *next = strchr(line, '\n');
        if (next) {
            *next++ = '\0';
        }
        unsigned long long v;
        if (sscanf(line, "MemTotal: %llu kB", &v) == 1) {
            total = v * 1024, have_total = true;
        } else if (sscanf(line, "MemAvailable: %llu kB", &v) == 1) {
            avail = v * 1024, have_avail = true;
        }
        line = next;
    }
    if (!have_total || !have_avail || total == 0 || avail > total) {
        check_raw_fail(raw, CHECK_STATUS_UNKNOWN,
                       "/proc/meminfo has no MemTotal/MemAvailable (Linux 3.14 or later)");
        return;
    }
    unsigned long long used = total - avail;
    check_raw_value(raw, "%llu%%", (used * 100 + total / 2) / total);
    char a[32], b[32];
    check_raw_note(raw, "%s available of %s", human((double)avail, a, sizeof(a)),
                   human((double)total, b, sizeof(b)));
    raw->judge = true;
}
