/* crashsweep: what must hold of a journal after every crash point. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/journal.h"
#include "tests/crash/sweep.h"

_Static_assert(sizeof(((Ack *)0)->uid) == 33, "uid size");

void acks_add(Acks *a, uint64_t seq, const char *uid, const char *note) {
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->v = realloc(a->v, a->cap * sizeof(*a->v));
        if (!a->v) {
            abort();
        }
    }
    Ack *k = &a->v[a->n++];
    *k = (Ack){.seq = seq};
    snprintf(k->uid, sizeof(k->uid), "%s", uid ? uid : "");
    snprintf(k->note, sizeof(k->note), "%s", note ? note : "");
}

void acks_free(Acks *a) {
    free(a->v);
    *a = (Acks){0};
}

void recs_free(Recs *r) {
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].item);
        free(r->v[i].note);
    }
    free(r->v);
    free(r->first_warning);
    *r = (Recs){0};
}

static int collect(const JournalEvent *ev, void *userdata) {
    Recs *r = userdata;
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 256;
        r->v = realloc(r->v, r->cap * sizeof(*r->v));
        if (!r->v) {
            abort();
        }
    }
    Rec *x = &r->v[r->n++];
    *x = (Rec){.seq = ev->seq,
               .item = ev->item ? strdup(ev->item) : NULL,
               .note = ev->note ? strdup(ev->note) : NULL};
    snprintf(x->uid, sizeof(x->uid), "%s", ev->uid);
    return 0;
}

int read_journal(const char *path, Recs *ret) {
    *ret = (Recs){0};
    Journal *j = NULL;
    int r = journal_open(path, JOURNAL_READONLY, &j);
    if (r >= 0) {
        r = journal_read(j, collect, ret);
    }
    if (j) {
        ret->n_warnings = journal_n_warnings(j);
        if (ret->n_warnings > 0) {
            ret->first_warning = strdup(journal_warning(j, 0));
        }
    }
    journal_free(j);
    return r;
}

void parse_jcrash(const char *out, Acks *acks, const char **ret_fail_err, char *fail_err,
                  size_t size, const char **ret_bad) {
    *ret_fail_err = NULL;
    *ret_bad = NULL;
    for (const char *p = out; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[128];
        snprintf(line, sizeof(line), "%.*s", (int)MIN(len, sizeof(line) - 1), p);
        uint64_t seq;
        char uid[64], err[64];
        unsigned long k;
        if (sscanf(line, "ack %" SCNu64 " %63s", &seq, uid) == 2) {
            if (*ret_fail_err) {
                *ret_bad = "an event was acknowledged after a failed append";
            }
            acks_add(acks, seq, uid, NULL);
        } else if (sscanf(line, "fail %lu %63s", &k, err) == 2) {
            if (!*ret_fail_err) {
                snprintf(fail_err, size, "%s", err);
                *ret_fail_err = fail_err;
            } else if (strcmp(err, "EROFS") != 0) {
                *ret_bad = "an append after the failure was not refused with EROFS";
            }
        } else if (len > 0) {
            *ret_bad = "unexpected output from the workload";
        }
        p = nl ? nl + 1 : p + len;
    }
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

_printf_(3, 4) static bool fail(char *why, size_t size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
    return false;
}

bool check_journal(const char *path, const Acks *acks, size_t max_extra, bool by_note,
                   Recs *ret_recs, char *why, size_t size) {
    Recs recs;
    int r = read_journal(path, &recs);
    bool ok = false;
    if (r < 0) {
        fail(why, size, "the journal does not load: %s", strerror(-r));
        goto out;
    }
    if (recs.n_warnings > 0) {
        fail(why, size, "the reader warned: %s", recs.first_warning);
        goto out;
    }
    for (size_t i = 0; i < recs.n; i++) {
        if (recs.v[i].seq != i + 1) {
            fail(why, size, "record %zu has seq %" PRIu64 ": duplicated or missing", i + 1,
                 recs.v[i].seq);
            goto out;
        }
    }
    char **ids = malloc((recs.n + 1) * sizeof(*ids));
    for (size_t i = 0; i < recs.n; i++) {
        ids[i] = recs.v[i].uid;
    }
    qsort(ids, recs.n, sizeof(*ids), cmp_str);
    for (size_t i = 1; i < recs.n; i++) {
        if (strcmp(ids[i - 1], ids[i]) == 0) {
            fail(why, size, "id %s is in the journal twice", ids[i]);
            free(ids);
            goto out;
        }
    }
    free(ids);
    uint64_t max_seq = 0;
    for (size_t i = 0; i < acks->n; i++) {
        const Ack *a = &acks->v[i];
        if (a->seq < 1 || a->seq > recs.n) {
            fail(why, size, "acknowledged seq %" PRIu64 " is lost (the journal has %zu records)",
                 a->seq, recs.n);
            goto out;
        }
        const Rec *x = &recs.v[a->seq - 1];
        bool same = by_note ? x->note && strcmp(x->note, a->note) == 0 : !strcmp(x->uid, a->uid);
        if (!same) {
            fail(why, size, "acknowledged seq %" PRIu64 " (%s) is not the record there (%s)",
                 a->seq, by_note ? a->note : a->uid, by_note ? x->note : x->uid);
            goto out;
        }
        max_seq = MAX(max_seq, a->seq);
    }
    if (acks->n != max_seq) {
        fail(why, size, "the acknowledged seqs are not 1..%zu", acks->n);
        goto out;
    }
    if (recs.n > acks->n + max_extra) {
        fail(why, size,
             "%zu records but %zu acknowledged: more than the %zu of the append in flight", recs.n,
             acks->n, max_extra);
        goto out;
    }
    ok = true;
out:
    if (ok && ret_recs) {
        *ret_recs = recs;
    } else {
        recs_free(&recs);
    }
    return ok;
}

static bool check_torn_file(const char *path, const char *torn, size_t n, char *why, size_t size) {
    char *tpath = NULL, *data = NULL;
    size_t len = 0;
    bool ok = false;
    if (asprintf(&tpath, "%s.torn", path) < 0) {
        abort();
    }
    struct stat st;
    if (stat(tpath, &st) < 0) {
        fail(why, size, "no %s after a torn tail was set aside", tpath);
    } else if ((st.st_mode & 07777) != 0600) {
        fail(why, size, "%s has mode %o, not 0600", tpath, st.st_mode & 07777);
    } else if (slurp(tpath, &data, &len) < 0 || len < n || memcmp(data + len - n, torn, n)) {
        fail(why, size, "%s does not end with the %zu torn bytes", tpath, n);
    } else {
        ok = true;
    }
    free(data);
    free(tpath);
    return ok;
}

bool check_next_append(const char *path, const Acks *acks, const char *torn, size_t n_torn,
                       char *why, size_t size) {
    Recs before;
    if (!check_journal(path, acks, SIZE_MAX / 2, false, &before, why, size)) {
        return false;
    }
    size_t n_before = before.n;
    recs_free(&before);
    Journal *j = NULL;
    int r = journal_open(path, 0, &j);
    JournalEvent ev = {.type = EVENT_TICK, .by = "next", .item = "after"};
    if (r >= 0) {
        r = journal_append(j, &ev, 1, NULL, NULL);
    }
    bool ok = false;
    char uid[33] = "";
    if (r < 0) {
        fail(why, size, "the next append failed: %s",
             j && journal_failure(j) ? journal_failure(j) : strerror(-r));
        goto out;
    }
    snprintf(uid, sizeof(uid), "%s", ev.uid);
    size_t nw = journal_n_warnings(j);
    if (n_torn > 0) {
        char want[64];
        snprintf(want, sizeof(want), "torn record of %zu bytes", n_torn);
        if (nw != 1 || !strstr(journal_warning(j, 0), want)) {
            fail(why, size, "the next append did not report the torn tail of %zu bytes (%s)",
                 n_torn, nw ? journal_warning(j, 0) : "no warning");
            goto out;
        }
        if (!check_torn_file(path, torn, n_torn, why, size)) {
            goto out;
        }
    } else if (nw > 0) {
        fail(why, size, "the next append warned: %s", journal_warning(j, 0));
        goto out;
    }
    Acks more = {0};
    for (size_t i = 0; i < acks->n; i++) {
        acks_add(&more, acks->v[i].seq, acks->v[i].uid, NULL);
    }
    Recs after;
    ok = check_journal(path, &more, SIZE_MAX / 2, false, &after, why, size);
    acks_free(&more);
    if (!ok) {
        goto out;
    }
    if (after.n != n_before + 1 || strcmp(after.v[after.n - 1].uid, uid) != 0) {
        ok = fail(why, size, "after the next append: %zu records, expected %zu ending with it",
                  after.n, n_before + 1);
    }
    recs_free(&after);
out:
    journal_free(j);
    return ok;
}
