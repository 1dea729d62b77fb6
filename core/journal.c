/* The journal file: opening it durably, incremental reading, appending under
 * flock with one write() and one fdatasync(), setting a torn tail aside.
 * Record lines themselves are core/journal_codec.c. */
#include "core/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/journal_fs.h"
#include "core/journal_internal.h"
#include "core/timeutil.h"

#define READ_CHUNK (1024 * 1024) /* one pread; a record line always fits */
#define WARNINGS_MAX 1000

_Static_assert(READ_CHUNK >= JOURNAL_RECORD_MAX, "a record must fit in the read buffer");

/* One open journal.  Owns path, host, failure, buf, warnings, uids and fd. */
struct Journal {
    char *path;
    int fd; /* -1: read-only and the file does not exist (yet) */
    unsigned flags;
    bool poisoned; /* an I/O failure turned it read-only for good */
    char *failure; /* why, or NULL on OOM */
    char *host;    /* gethostname(), for events without one */
    uint64_t last_seq;
    uint64_t offset; /* bytes consumed: 0 or just after a '\n' */
    uint64_t line;   /* lines consumed */
    bool damaged;    /* a line was skipped since the last good record */
    char *buf;       /* READ_CHUNK bytes, allocated on first read */
    char **warnings;
    size_t n_warnings, cap_warnings;
    char (*uids)[33]; /* ids assigned by the last append */
    int fail_sync;    /* test hook: errno every sync fails with */
};

static const char *errno_text(int err) {
    const char *s = strerrordesc_np(err);
    return s ? s : "unknown error";
}

_printf_(2, 3) static void journal_warn(Journal *j, const char *fmt, ...) {
    if (j->n_warnings >= WARNINGS_MAX) {
        return;
    }
    if (j->n_warnings == j->cap_warnings) {
        size_t cap = j->cap_warnings ? j->cap_warnings * 2 : 8;
        char **v = realloc(j->warnings, cap * sizeof(*v));
        if (!v) {
            return;
        }
        j->warnings = v;
        j->cap_warnings = cap;
    }
    char *msg = NULL;
    if (j->n_warnings == WARNINGS_MAX - 1) {
        msg = strdup("too many warnings: further ones are not kept");
    } else {
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0) {
            msg = NULL;
        }
        va_end(ap);
    }
    if (msg) {
        j->warnings[j->n_warnings++] = msg;
    }
}

_printf_(2, 3) static void journal_poison(Journal *j, const char *fmt, ...) {
    if (j->poisoned) {
        return;
    }
    j->poisoned = true;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&j->failure, fmt, ap) < 0) {
        j->failure = NULL;
    }
    va_end(ap);
}

static int journal_sync(Journal *j) {
    if (j->fail_sync) {
        return -j->fail_sync;
    }
    return fdatasync(j->fd) < 0 ? -errno : 0;
}

void journal_test_fail_sync(Journal *j, int err) {
    j->fail_sync = err;
}

/* ---- opening ---- */

static int open_readonly(const char *path, int *ret_fd) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    struct stat st;
    int r = fstat(fd, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? -EISDIR : 0;
    if (r < 0) {
        (void)close(fd);
        return r;
    }
    *ret_fd = fd;
    return 0;
}

/* Create (0600, directories 0700) or open.  The directory is synced on every
 * read-write open, not only by the creator: another process may have created the
 * file an instant ago and not have synced its directory yet. */
static int open_rw(const char *path, int *ret_fd) {
    _cleanup_(freep) char *dir = journal_fs_dirname(path);
    if (!dir) {
        return -ENOMEM;
    }
    int r = journal_fs_mkdir_p(dir, 0700);
    if (r < 0) {
        return r;
    }
    _cleanup_(closep) int fd = -1;
    bool created = false;
    for (int tries = 0; fd < 0; tries++) {
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_APPEND, 0600);
        if (fd >= 0) {
            created = true;
            break;
        }
        if (errno != EEXIST) {
            return -errno;
        }
        fd = open(path, O_RDWR | O_CLOEXEC | O_APPEND);
        if (fd < 0 && (errno != ENOENT || tries >= 3)) {
            return -errno; /* ENOENT: removed in between; try to create it again */
        }
    }
    if (created && fsync(fd) < 0) {
        return -errno;
    }
    r = journal_fs_fsync_dir(dir);
    if (r < 0) {
        return r;
    }
    *ret_fd = TAKE_FD(fd);
    return 0;
}

static char *hostname_dup(void) {
    char buf[256] = "";
    if (gethostname(buf, sizeof(buf) - 1) < 0 || !buf[0]) {
        return strdup("localhost");
    }
    return strdup(buf);
}

int journal_open(const char *path, unsigned flags, Journal **ret) {
    if (!path || !*path || !ret || (flags & ~(unsigned)JOURNAL_READONLY)) {
        return -EINVAL;
    }
    _cleanup_(journal_freep) Journal *j = calloc(1, sizeof(*j));
    if (!j) {
        return -ENOMEM;
    }
    j->fd = -1;
    j->flags = flags;
    j->path = strdup(path);
    j->host = hostname_dup();
    if (!j->path || !j->host) {
        return -ENOMEM;
    }
    int r;
    if (flags & JOURNAL_READONLY) {
        r = open_readonly(path, &j->fd);
        if (r == -ENOENT) {
            r = 0; /* reads as empty until it appears */
        }
    } else {
        r = open_rw(path, &j->fd);
    }
    if (r < 0) {
        return r;
    }
    *ret = TAKE_PTR(j);
    return 0;
}

Journal *journal_free(Journal *j) {
    if (!j) {
        return NULL;
    }
    if (j->fd >= 0) {
        (void)close(j->fd);
    }
    for (size_t i = 0; i < j->n_warnings; i++) {
        free(j->warnings[i]);
    }
    free(j->warnings);
    free(j->buf);
    free(j->uids);
    free(j->failure);
    free(j->host);
    free(j->path);
    free(j);
    return NULL;
}

/* ---- reading ---- */

/* Decode one complete line and hand it to fn.  next_offset: just after its '\n'. */
static int consume_line(Journal *j, char *line, size_t len, bool too_long, uint64_t next_offset,
                        JournalEventFn fn, void *userdata) {
    JournalEvent ev;
    cJSON *json = NULL;
    const char *why = "longer than any record";
    int r = too_long ? -EBADMSG : journal_decode_buffer(line, len, &ev, &json, &why);
    if (r == -ENOMEM) {
        return r; /* not consumed: the next read tries again */
    }
    j->line++;
    j->offset = next_offset;
    if (r < 0) {
        journal_warn(j, "line %" PRIu64 ": damaged record skipped (%s)", j->line, why);
        j->damaged = true;
        return 0;
    }
    if (ev.seq <= j->last_seq) {
        journal_warn(j, "line %" PRIu64 ": seq %" PRIu64 " out of order after %" PRIu64, j->line,
                     ev.seq, j->last_seq);
    } else if (ev.seq != j->last_seq + 1 && !j->damaged) {
        journal_warn(j, "line %" PRIu64 ": seq jumps from %" PRIu64 " to %" PRIu64, j->line,
                     j->last_seq, ev.seq);
    }
    j->damaged = false;
    j->last_seq = MAX(j->last_seq, ev.seq);
    r = fn ? fn(&ev, userdata) : 0;
    cJSON_Delete(json);
    return r < 0 ? r : 0;
}

/* Read every complete line from j->offset up to the size the file has now.  A
 * last line without '\n' is left unconsumed (a write in progress, or torn); *ret_end
 * (if not NULL) gets the offset where reading stopped, i.e. the end of the file. */
static int read_locked(Journal *j, JournalEventFn fn, void *userdata, uint64_t *ret_end) {
    struct stat st;
    if (fstat(j->fd, &st) < 0) {
        return -errno;
    }
    uint64_t size = (uint64_t)st.st_size;
    if (size < j->offset) {
        journal_warn(j,
                     "journal %s shrank to %" PRIu64 " bytes, below the %" PRIu64
                     " already read: it was rewritten or replaced",
                     j->path, size, j->offset);
        return -ESTALE;
    }
    if (!j->buf && !(j->buf = malloc(READ_CHUNK))) {
        return -ENOMEM;
    }
    uint64_t base = j->offset; /* file offset of buf[0] */
    size_t have = 0;
    bool skipping = false; /* inside a line longer than the buffer */
    while (base + have < size) {
        size_t want = (size_t)MIN((uint64_t)(READ_CHUNK - have), size - base - have);
        ssize_t k = pread(j->fd, j->buf + have, want, (off_t)(base + have));
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (k == 0) {
            break;
        }
        have += (size_t)k;
        size_t pos = 0;
        char *nl;
        while ((nl = memchr(j->buf + pos, '\n', have - pos))) {
            size_t len = (size_t)(nl - (j->buf + pos));
            int r =
                consume_line(j, j->buf + pos, len, skipping, base + pos + len + 1, fn, userdata);
            if (r < 0) {
                return r;
            }
            skipping = false;
            pos += len + 1;
        }
        if (pos == 0 && have == READ_CHUNK) {
            skipping = true; /* no '\n' in a full buffer: drop what we have of it */
            pos = have;
        }
        memmove(j->buf, j->buf + pos, have - pos);
        have -= pos;
        base += pos;
    }
    if (ret_end) {
        *ret_end = base + have;
    }
    return 0;
}

int journal_read(Journal *j, JournalEventFn fn, void *userdata) {
    if (!j) {
        return -EINVAL;
    }
    if (j->fd < 0) {
        int r = open_readonly(j->path, &j->fd);
        if (r < 0) {
            return r == -ENOENT ? 0 : r;
        }
    }
    /* shared lock: a writer's batch is seen whole, and only after its fdatasync */
    int r = journal_fs_flock(j->fd, LOCK_SH);
    if (r < 0) {
        return r;
    }
    r = read_locked(j, fn, userdata, NULL);
    (void)journal_fs_flock(j->fd, LOCK_UN);
    return r;
}

/* ---- appending ---- */

/* Bytes [j->offset, end) are a record cut short by a writer that died: never
 * acknowledged.  Keep them in PATH.torn and cut the journal back to its last '\n'.
 * A failed write or sync on the way poisons the handle, as one of the journal does:
 * the disk is failing, and nothing is retried and then acknowledged. */
static int set_aside_torn(Journal *j, uint64_t end) {
    uint64_t n = end - j->offset;
    _cleanup_(freep) char *torn = NULL;
    _cleanup_(freep) char *dir = journal_fs_dirname(j->path);
    if (!dir || asprintf(&torn, "%s.torn", j->path) < 0) {
        return -ENOMEM;
    }
    _cleanup_(closep) int tfd = open(torn, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (tfd < 0) {
        return -errno;
    }
    int r = 0;
    for (uint64_t done = 0; done < n && r == 0;) {
        size_t want = (size_t)MIN((uint64_t)READ_CHUNK, n - done);
        ssize_t k = pread(j->fd, j->buf, want, (off_t)(j->offset + done));
        if (k < 0 && errno == EINTR) {
            continue;
        }
        if (k <= 0) {
            r = k < 0 ? -errno : -EIO;
            break;
        }
        r = journal_fs_write_all(tfd, j->buf, (size_t)k);
        done += (uint64_t)k;
    }
    if (r == 0 && fsync(tfd) < 0) {
        r = -errno;
    }
    if (r == 0) {
        r = journal_fs_fsync_dir(dir);
    }
    if (r < 0) {
        journal_poison(j, "setting a torn record aside in %s failed: %s", torn, errno_text(-r));
        return r;
    }
    if (ftruncate(j->fd, (off_t)j->offset) < 0) {
        r = -errno;
        journal_poison(j, "cutting off a torn record failed: %s", errno_text(-r));
        return r;
    }
    r = journal_sync(j);
    if (r < 0) {
        journal_poison(j, "fdatasync failed: %s", errno_text(-r));
        return r;
    }
    journal_warn(j, "torn record of %" PRIu64 " bytes at offset %" PRIu64 " set aside in %s", n,
                 j->offset, torn);
    return 0;
}

static int encode_batch(const Journal *j, JournalEvent *evs, size_t n, char **ret_buf,
                        size_t *ret_len) {
    _cleanup_(freep) char *buf = NULL;
    size_t len = 0, cap = 0;
    for (size_t i = 0; i < n; i++) {
        evs[i].seq = j->last_seq + 1 + i;
        _cleanup_(freep) char *line = NULL;
        size_t l;
        int r = journal_encode(&evs[i], &line, &l);
        if (r < 0) {
            return r;
        }
        if (len + l > cap) {
            size_t ncap = MAX(cap * 2, len + l);
            char *nbuf = realloc(buf, ncap);
            if (!nbuf) {
                return -ENOMEM;
            }
            buf = nbuf;
            cap = ncap;
        }
        memcpy(buf + len, line, l);
        len += l;
    }
    *ret_buf = TAKE_PTR(buf);
    *ret_len = len;
    return 0;
}

/* Under LOCK_EX: catch up, repair a torn tail, write the batch, sync it. */
static int append_locked(Journal *j, JournalEvent *evs, size_t n, JournalEventFn fn,
                         void *userdata) {
    uint64_t end;
    int r = read_locked(j, fn, userdata, &end);
    if (r < 0) {
        return r;
    }
    /* seq stops at 2^53, the largest integer any JSON reader gets exactly: a journal
     * that claims to be there (a forged or damaged record) takes no more records */
    if (n > (UINT64_C(1) << 53) || j->last_seq > (UINT64_C(1) << 53) - n) {
        return -EOVERFLOW;
    }
    if (end > j->offset && (r = set_aside_torn(j, end)) < 0) {
        return r;
    }
    _cleanup_(freep) char *buf = NULL;
    size_t len;
    r = encode_batch(j, evs, n, &buf, &len);
    if (r < 0) {
        return r;
    }
    r = journal_fs_write_all(j->fd, buf, len);
    if (r < 0) {
        /* keep the batch all-or-nothing: cut off what part of it reached the file */
        struct stat st;
        bool cut = fstat(j->fd, &st) == 0 &&
                   ((uint64_t)st.st_size <= j->offset || ftruncate(j->fd, (off_t)j->offset) == 0);
        journal_poison(j, "write failed: %s%s", errno_text(-r),
                       cut ? "" : " (a partial record may remain in the file)");
        return r;
    }
    r = journal_sync(j);
    if (r < 0) {
        /* Never retried: the kernel may have marked the pages clean already.  The
         * batch is reported as not recorded, so take it back out of the file (no
         * reader has seen it: we hold the lock), making the cut durable if the disk
         * still lets us; a later read then shows what the operator was told. */
        bool cut = ftruncate(j->fd, (off_t)j->offset) == 0;
        if (cut) {
            (void)fdatasync(j->fd);
        }
        journal_poison(j, "fdatasync failed: %s%s", errno_text(-r),
                       cut ? "" : " (the unacknowledged records may remain in the file)");
        return r;
    }
    j->offset += len;
    j->line += n;
    j->last_seq += n;
    j->damaged = false;
    return 0;
}

/* Copy evs, filling uid/at/host/type_name; *ret_uids holds the new ids. */
static int prepare(const Journal *j, const JournalEvent *evs, size_t n, JournalEvent **ret_evs,
                   char (**ret_uids)[33]) {
    _cleanup_(freep) JournalEvent *ours = malloc(n * sizeof(*ours));
    _cleanup_(freep) char(*uids)[33] = calloc(n, sizeof(*uids));
    if (!ours || !uids) {
        return -ENOMEM;
    }
    time_t now = time_now();
    for (size_t i = 0; i < n; i++) {
        ours[i] = evs[i];
        if (!ours[i].uid) {
            int r = journal_uid_new(uids[i]);
            if (r < 0) {
                return r;
            }
            ours[i].uid = uids[i];
        }
        if (!ours[i].at) {
            ours[i].at = now;
        }
        if (!ours[i].host) {
            ours[i].host = j->host;
        }
        if (ours[i].type != EVENT_UNKNOWN) {
            ours[i].type_name = event_type_to_string(ours[i].type);
        }
    }
    *ret_evs = TAKE_PTR(ours);
    *ret_uids = TAKE_PTR(uids);
    return 0;
}

int journal_append(Journal *j, JournalEvent *evs, size_t n, JournalEventFn fn, void *userdata) {
    if (!j || (n > 0 && !evs)) {
        return -EINVAL;
    }
    if (journal_is_readonly(j)) {
        return -EROFS;
    }
    if (n == 0) {
        return 0;
    }
    _cleanup_(freep) JournalEvent *ours = NULL;
    _cleanup_(freep) char(*uids)[33] = NULL;
    int r = prepare(j, evs, n, &ours, &uids);
    if (r < 0) {
        return r;
    }
    r = journal_fs_flock(j->fd, LOCK_EX);
    if (r < 0) {
        return r;
    }
    r = append_locked(j, ours, n, fn, userdata);
    (void)journal_fs_flock(j->fd, LOCK_UN);
    if (r < 0) {
        return r;
    }
    /* acknowledged: the records are on disk */
    free(j->uids);
    j->uids = TAKE_PTR(uids);
    for (size_t i = 0; i < n; i++) {
        evs[i].seq = ours[i].seq;
        evs[i].uid = ours[i].uid;
        evs[i].at = ours[i].at;
        evs[i].host = ours[i].host;
    }
    for (size_t i = 0; fn && i < n; i++) {
        if (fn(&ours[i], userdata) < 0) {
            break;
        }
    }
    return 0;
}

/* ---- accessors ---- */

bool journal_is_readonly(const Journal *j) {
    return !j || (j->flags & JOURNAL_READONLY) || j->poisoned;
}

const char *journal_failure(const Journal *j) {
    if (!j || !j->poisoned) {
        return NULL;
    }
    return j->failure ? j->failure : "an I/O operation on the journal failed";
}

const char *journal_path(const Journal *j) {
    return j ? j->path : NULL;
}

int journal_fd(const Journal *j) {
    return j ? j->fd : -1;
}

uint64_t journal_last_seq(const Journal *j) {
    return j ? j->last_seq : 0;
}

size_t journal_n_warnings(const Journal *j) {
    return j ? j->n_warnings : 0;
}

const char *journal_warning(const Journal *j, size_t i) {
    return j && i < j->n_warnings ? j->warnings[i] : NULL;
}

void journal_clear_warnings(Journal *j) {
    if (!j) {
        return;
    }
    for (size_t i = 0; i < j->n_warnings; i++) {
        free(j->warnings[i]);
    }
    j->n_warnings = 0;
}
