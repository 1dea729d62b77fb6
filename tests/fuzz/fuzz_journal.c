/* Fuzz target: the journal reader.  The first byte picks a mode:
 *   mode 0  journal_decode of the rest as one record line
 *   mode 1  the same, with the line's checksum set right first (so the fuzzer gets
 *           past the CRC into the JSON)
 *   mode 2  the rest as a whole journal file: read through journal_open/journal_read,
 *           append one event (setting a torn tail aside), read it all again
 *   mode 3  the same file read in two steps (a writer appending in between)
 * Bit 2 of the first byte: in modes 2 and 3, set every line's checksum right; bits
 * 3-7: where mode 3 cuts the file, in 32nds.
 * Properties: decoding never crashes; a decoded record encodes, and that encoding
 * decodes and encodes to the same bytes; a file of any bytes reads without error,
 * accepts an append, and reads back with that event last; a torn tail goes to
 * PATH.torn byte for byte; reading in two steps yields the same events as one. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/journal.h"
#include "core/journal_internal.h"
#include "tests/fuzz/fuzz.h"

static char *dir, *path, *torn_path;

static void cleanup(void) {
    if (dir) {
        unlink(path);
        unlink(torn_path);
        rmdir(dir);
    }
}

static void setup(void) {
    if (dir) {
        return;
    }
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    if (asprintf(&dir, "%s/opsdeck-fuzz.XXXXXX", base ? base : "/tmp") < 0 || !mkdtemp(dir)) {
        abort();
    }
    if (asprintf(&path, "%s/j.journal", dir) < 0 || asprintf(&torn_path, "%s.torn", path) < 0) {
        abort();
    }
    atexit(cleanup);
}

static void fix_crc(char *line, size_t len) {
    if (len < JOURNAL_PREFIX_LEN || memcmp(line, "{\"crc\":\"", 8) != 0 ||
        memcmp(line + 16, "\",", 2) != 0) {
        return;
    }
    unsigned long crc =
        crc32(0L, (const Bytef *)line + JOURNAL_PREFIX_LEN, (uInt)(len - JOURNAL_PREFIX_LEN));
    char hex[9];
    snprintf(hex, sizeof(hex), "%08lx", crc);
    memcpy(line + 8, hex, 8);
}

static void round_trip(const char *line, size_t len) {
    JournalEvent ev;
    cJSON *json = NULL;
    if (journal_decode(line, len, &ev, &json) != 0) {
        return;
    }
    char *one = NULL, *two = NULL;
    size_t l1, l2;
    int r = journal_encode(&ev, &one, &l1);
    FUZZ_CHECK(r == 0, "a decoded record encodes (%d)", r);
    JournalEvent ev2;
    cJSON *json2 = NULL;
    FUZZ_CHECK(l1 > 0 && one[l1 - 1] == '\n', "an encoded record ends with a newline");
    r = journal_decode(one, l1 - 1, &ev2, &json2);
    FUZZ_CHECK(r == 0, "a record we encoded decodes: %.*s", (int)l1, one);
    FUZZ_CHECK(ev2.seq == ev.seq && ev2.at == ev.at && ev2.type == ev.type, "fields kept");
    FUZZ_CHECK(journal_encode(&ev2, &two, &l2) == 0, "it encodes again");
    FUZZ_CHECK(l1 == l2 && memcmp(one, two, l1) == 0, "encoding is a fixpoint:\n%s%s", one, two);
    free(one);
    free(two);
    cJSON_Delete(json);
    cJSON_Delete(json2);
}

typedef struct Seen {
    size_t n;
    uint64_t seq[4096];
    char uid[4096][33];
    size_t overflow;
} Seen;

static int collect(const JournalEvent *ev, void *userdata) {
    Seen *s = userdata;
    if (s->n < 4096) {
        s->seq[s->n] = ev->seq;
        snprintf(s->uid[s->n], 33, "%s", ev->uid);
        s->n++;
    } else {
        s->overflow++;
    }
    return 0;
}

static void write_file(const char *p, const char *data, size_t len, int flags) {
    int fd = open(p, O_WRONLY | O_CREAT | flags | O_CLOEXEC, 0600);
    FUZZ_CHECK(fd >= 0, "open the scratch file");
    FUZZ_CHECK(write(fd, data, len) == (ssize_t)len, "write the scratch file");
    close(fd);
}

static void read_all(Seen *s) {
    Journal *j = NULL;
    memset(s, 0, sizeof(*s));
    FUZZ_CHECK(journal_open(path, JOURNAL_READONLY, &j) == 0, "a read-only open");
    int r = journal_read(j, collect, s);
    FUZZ_CHECK(r == 0, "any file reads (%d)", r);
    journal_free(j);
}

static bool same(const Seen *a, const Seen *b) {
    if (a->n != b->n || a->overflow != b->overflow) {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (a->seq[i] != b->seq[i] || strcmp(a->uid[i], b->uid[i]) != 0) {
            return false;
        }
    }
    return true;
}

static Seen s1, s2, s3;

static void file_mode(const char *data, size_t len) {
    unlink(path);
    unlink(torn_path);
    write_file(path, data, len, O_TRUNC);
    read_all(&s1);

    Journal *j = NULL;
    FUZZ_CHECK(journal_open(path, 0, &j) == 0, "a read-write open");
    JournalEvent ev = {.type = EVENT_TICK, .by = "fuzz", .item = "x"};
    int r = journal_append(j, &ev, 1, NULL, NULL);
    uint64_t max_seq = 0;
    for (size_t i = 0; i < s1.n; i++) {
        max_seq = s1.seq[i] > max_seq ? s1.seq[i] : max_seq;
    }
    if (r == -EOVERFLOW && max_seq >= (UINT64_C(1) << 53) && s1.overflow == 0) {
        journal_free(j); /* seq cannot grow past 2^53: refused, file untouched */
        return;
    }
    FUZZ_CHECK(r == 0, "any file takes an append (%d: %s)", r,
               journal_failure(j) ? journal_failure(j) : "");
    char uid[33];
    snprintf(uid, sizeof(uid), "%s", ev.uid);
    journal_free(j);

    read_all(&s2);
    FUZZ_CHECK(s2.n + s2.overflow == s1.n + s1.overflow + 1, "one more event after the append");
    if (s2.overflow == 0) {
        FUZZ_CHECK(s2.n > 0 && strcmp(s2.uid[s2.n - 1], uid) == 0, "ours is last");
    }
    size_t tail = 0;
    while (tail < len && data[len - 1 - tail] != '\n') {
        tail++;
    }
    if (tail > 0) {
        int fd = open(torn_path, O_RDONLY | O_CLOEXEC);
        FUZZ_CHECK(fd >= 0, "a torn tail of %zu bytes is set aside", tail);
        char *got = malloc(tail + 1);
        ssize_t k = read(fd, got, tail + 1);
        close(fd);
        FUZZ_CHECK(k == (ssize_t)tail && memcmp(got, data + len - tail, tail) == 0,
                   "the torn file holds exactly the torn bytes");
        free(got);
    } else {
        FUZZ_CHECK(access(torn_path, F_OK) != 0, "no torn file without a torn tail");
    }
}

static void split_mode(const char *data, size_t len, size_t cut) {
    unlink(path);
    write_file(path, data, len, O_TRUNC);
    read_all(&s1);

    unlink(path);
    write_file(path, data, cut, O_TRUNC);
    Journal *j = NULL;
    memset(&s2, 0, sizeof(s2));
    FUZZ_CHECK(journal_open(path, JOURNAL_READONLY, &j) == 0, "a read-only open");
    FUZZ_CHECK(journal_read(j, collect, &s2) == 0, "the first part reads");
    write_file(path, data + cut, len - cut, O_APPEND);
    FUZZ_CHECK(journal_read(j, collect, &s2) == 0, "the rest reads");
    journal_free(j);
    FUZZ_CHECK(same(&s1, &s2), "two reads (cut at %zu) give the events one read gives", cut);
    (void)s3;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) {
        return 0;
    }
    setup();
    unsigned mode = data[0] & 3;
    bool fix = data[0] & 4;
    size_t len = size - 1;
    char *buf = malloc(len + 1);
    memcpy(buf, data + 1, len);
    buf[len] = '\0';
    if (mode == 1 || (mode >= 2 && fix)) {
        for (size_t i = 0; i < len;) {
            char *nl = memchr(buf + i, '\n', len - i);
            size_t l = nl ? (size_t)(nl - (buf + i)) : len - i;
            fix_crc(buf + i, l);
            i += l + 1;
        }
    }
    switch (mode) {
    case 0:
    case 1:
        round_trip(buf, len);
        break;
    case 2:
        file_mode(buf, len);
        break;
    default:
        split_mode(buf, len, (size_t)(data[0] >> 3) * (len + 1) / 32);
        break;
    }
    free(buf);
    return 0;
}
