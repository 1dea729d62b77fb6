/* sync_bench PORT DIR: journal sync against a redis-server on 127.0.0.1:PORT.
 *
 *  (a) the yardstick: Redis's own delivery, XADD on one connection to XREAD
 *      BLOCK returning on another, one entry at a time;
 *  (b) tick on console A to applied on console B: A appends the tick to its
 *      journal (fdatasync) and pushes it as the CLI and panel do (a round: read
 *      the stream to its end, XADD, a sync-ack); B, blocked in XREAD, takes it
 *      into its own journal (fdatasync).  Timed from before A's append to after
 *      B's append returned;
 *  (c) catch-up: a fresh console reads a stream of 100,000 events into its
 *      journal (one round, batches of 10,000, one fdatasync each).
 *
 * Journals live in DIR (a real disk: fdatasync must cost what it costs). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/sync.h"
#include "core/sync_conn.h"

#define ROUNDS 1000
#define CATCHUP 100000

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what, const char *why) {
    fprintf(stderr, "sync_bench: %s: %s\n", what, why ? why : "failed");
    exit(1);
}

static redisContext *connect_to(int port) {
    struct timeval tv = {5, 0};
    redisContext *c = redisConnectWithTimeout("127.0.0.1", port, tv);
    if (!c || c->err) {
        die("connect", c ? c->errstr : "out of memory");
    }
    return c;
}

static int cmp_ll(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static double pct_ms(long long *v, size_t n, double p) {
    qsort(v, n, sizeof(*v), cmp_ll);
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return (double)v[i] / 1e6;
}

/* ---- (a) Redis alone ---- */

typedef struct Reader {
    int port;
    const char *key;
    atomic_llong got_ns; /* when the last entry arrived */
    atomic_int got;      /* entries received */
    Sync *sync;          /* (b): take entries into this journal */
    atomic_int stop;
} Reader;

static void *reader_main(void *arg) {
    Reader *rd = arg;
    redisContext *c = connect_to(rd->port);
    char from[STREAM_ID_MAX] = "$";
    while (!atomic_load(&rd->stop)) {
        redisReply *r = redisCommand(c, "XREAD BLOCK 1000 STREAMS %s %s", rd->key, from);
        if (!r) {
            die("XREAD", c->errstr);
        }
        if (r->type == REDIS_REPLY_ARRAY && r->elements == 1) {
            const redisReply *entries = r->element[0]->element[1];
            if (rd->sync) {
                SyncIngest st;
                int e = sync_ingest(rd->sync, entries, NULL, &st);
                if (e < 0) {
                    die("ingest", strerror(-e));
                }
            }
            long long t = now_ns();
            const redisReply *last = entries->element[entries->elements - 1];
            snprintf(from, sizeof(from), "%s", last->element[0]->str);
            atomic_store(&rd->got_ns, t);
            atomic_fetch_add(&rd->got, (int)entries->elements);
        }
        freeReplyObject(r);
    }
    redisFree(c);
    return NULL;
}

static void wait_for(Reader *rd, int n) {
    long long deadline = now_ns() + 5000000000LL;
    while (atomic_load(&rd->got) < n) {
        if (now_ns() > deadline) {
            die("waiting for delivery", "nothing arrived within 5 s");
        }
        sched_yield();
    }
}

static void start_reader(Reader *rd, pthread_t *th) {
    if (pthread_create(th, NULL, reader_main, rd) != 0) {
        die("pthread_create", NULL);
    }
    /* XREAD with "$" must be blocking before the first XADD */
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static void bench_redis(int port, long long *lat) {
    Reader rd = {.port = port, .key = "opsdeck:bench-raw"};
    pthread_t th;
    start_reader(&rd, &th);
    redisContext *c = connect_to(port);
    for (int i = 0; i < ROUNDS; i++) {
        long long t0 = now_ns();
        redisReply *r = redisCommand(c, "XADD %s * uid %032x ev {}", rd.key, i);
        if (!r) {
            die("XADD", c->errstr);
        }
        freeReplyObject(r);
        wait_for(&rd, i + 1);
        lat[i] = atomic_load(&rd.got_ns) - t0;
    }
    atomic_store(&rd.stop, 1);
    pthread_join(th, NULL);
    redisFree(c);
}

/* ---- (b) console to console ---- */

static Sync *console(const char *dir, const char *name, Journal **ret_j) {
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s.journal", dir, name);
    unlink(path);
    Journal *j;
    Sync *s;
    if (journal_open(path, 0, &j) < 0 || sync_new(j, name, &s) < 0) {
        die("journal", path);
    }
    *ret_j = j;
    return s;
}

static void round_on(redisContext *c, Sync *s, const char *key, unsigned flags) {
    SyncRound *r;
    char *why = NULL;
    if (sync_round_new(s, key, flags, &r) < 0 || sync_conn_run(c, s, r, &why) < 0) {
        die("round", why);
    }
    sync_round_free(r);
}

static void bench_consoles(int port, const char *dir, long long *lat) {
    const char *key = "opsdeck:bench-sync";
    Journal *ja, *jb;
    Sync *a = console(dir, "a", &ja), *b = console(dir, "b", &jb);
    Reader rd = {.port = port, .key = key, .sync = b};
    pthread_t th;
    start_reader(&rd, &th);
    redisContext *c = connect_to(port);
    round_on(c, a, key, SYNC_ROUND_PUSH); /* the first round of a console */
    for (int i = 0; i < ROUNDS; i++) {
        JournalEvent ev = {
            .type = i % 2 ? EVENT_UNTICK : EVENT_TICK, .by = "alice", .item = "p1.a"};
        long long t0 = now_ns();
        if (journal_append(ja, &ev, 1, sync_log_add_cb, a->log) < 0) {
            die("append", "journal a");
        }
        round_on(c, a, key, SYNC_ROUND_PUSH | SYNC_ROUND_NO_PROBE);
        wait_for(&rd, i + 1);
        lat[i] = atomic_load(&rd.got_ns) - t0;
    }
    atomic_store(&rd.stop, 1);
    pthread_join(th, NULL);
    if (sync_log_size(b->log) != ROUNDS || sync_log_n_pending(a->log) != 0) {
        die("consoles", "B did not get every tick once");
    }
    redisFree(c);
    sync_free(a);
    sync_free(b);
    journal_free(ja);
    journal_free(jb);
}

/* ---- (c) catch-up ---- */

static void fill_stream(redisContext *c, const char *key) {
    char *payload;
    size_t len;
    for (int i = 0; i < CATCHUP; i++) {
        char uid[33], item[32];
        snprintf(uid, sizeof(uid), "%032x", 0x40000000 + i);
        snprintf(item, sizeof(item), "p%d.item%d", i % 17, i % 11);
        JournalEvent ev = {.uid = uid,
                           .at = 1795817643 + i / 10,
                           .by = i % 2 ? "alice" : "bob",
                           .host = "jump1.example.net",
                           .type = i % 3 ? EVENT_TICK : EVENT_UNTICK,
                           .item = item};
        if (sync_payload_encode(&ev, &payload, &len) < 0) {
            die("encode", NULL);
        }
        redisAppendCommand(c, "XADD %s * uid %s ev %b", key, uid, payload, len);
        free(payload);
        if (i % 1000 == 999) {
            for (int k = 0; k < 1000; k++) {
                redisReply *r;
                if (redisGetReply(c, (void **)&r) != REDIS_OK) {
                    die("XADD", c->errstr);
                }
                freeReplyObject(r);
            }
        }
    }
}

static double bench_catchup(int port, const char *dir) {
    const char *key = "opsdeck:bench-catchup";
    redisContext *c = connect_to(port);
    fill_stream(c, key);
    Journal *j;
    Sync *s = console(dir, "c", &j);
    long long t0 = now_ns();
    round_on(c, s, key, 0);
    double secs = (double)(now_ns() - t0) / 1e9;
    if (sync_log_size(s->log) != CATCHUP) {
        die("catch-up", "not every event arrived");
    }
    sync_free(s);
    journal_free(j);
    redisFree(c);
    return secs;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: sync_bench PORT DIR\n");
        return 2;
    }
    int port = atoi(argv[1]);
    static long long raw[ROUNDS], ours[ROUNDS];
    bench_redis(port, raw);
    bench_consoles(port, argv[2], ours);
    double r50 = pct_ms(raw, ROUNDS, 0.5), r99 = pct_ms(raw, ROUNDS, 0.99);
    double o50 = pct_ms(ours, ROUNDS, 0.5), o99 = pct_ms(ours, ROUNDS, 0.99);
    printf("Redis XADD -> XREAD delivery:            p50 %7.3f ms   p99 %7.3f ms   (%d entries)\n",
           r50, r99, ROUNDS);
    printf("tick on A (durable) -> applied on B (durable): p50 %7.3f ms   p99 %7.3f ms   "
           "(target p50 < 2, p99 < 10)\n",
           o50, o99);
    printf("ratio to Redis's own delivery:           p50 %.1fx   p99 %.1fx\n", o50 / r50,
           o99 / r99);
    double secs = bench_catchup(port, argv[2]);
    printf("catch-up of %d events from the stream: %.3f s (%.0f events/s; target < 1 s)\n", CATCHUP,
           secs, CATCHUP / secs);
    return 0;
}
