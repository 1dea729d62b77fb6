/* The worker pool: jobs run off the calling thread, come back in
 * worker_pool_dispatch() through the eventfd, in order for one worker; many
 * jobs on many workers all come back once; freeing a pool with jobs queued
 * hands each to its done() with no userdata. */
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/worker.h"

typedef struct Record {
    int order[64];
    int n;
    int done_null;   /* done() calls with userdata NULL */
    int done_called; /* all done() calls */
    pthread_t loop;  /* the thread that must run done() */
    bool wrong_thread;
} Record;

typedef struct TestJob {
    int index;
    Record *rec;
    sem_t *started; /* work posts it first when set */
    sem_t *gate;    /* then waits on it when set */
    bool ran;
    pthread_t ran_on;
    bool *ran_flag; /* where ran is reported after the job is freed; may be NULL */
} TestJob;

static void work(void *data) {
    TestJob *j = data;
    if (j->started) {
        sem_post(j->started);
    }
    if (j->gate) {
        sem_wait(j->gate);
    }
    j->ran = true;
    j->ran_on = pthread_self();
}

static void done(void *data, void *userdata) {
    TestJob *j = data;
    Record *r = j->rec;
    r->done_called++;
    if (!userdata) {
        r->done_null++;
    } else {
        assert_ptr_equal(userdata, r);
        if (!pthread_equal(pthread_self(), r->loop) || pthread_equal(j->ran_on, r->loop)) {
            r->wrong_thread = true;
        }
        if (r->n < 64) {
            r->order[r->n++] = j->index;
        }
    }
    if (j->ran_flag) {
        *j->ran_flag = j->ran;
    }
    free(j);
}

static TestJob *job(Record *r, int index) {
    TestJob *j = calloc(1, sizeof(*j));
    assert_non_null(j);
    j->index = index;
    j->rec = r;
    return j;
}

/* Dispatch until want jobs came back: a bounded wait on the eventfd. */
static void collect(WorkerPool *p, Record *r, int want) {
    int got = 0;
    while (got < want) {
        struct pollfd pfd = {.fd = worker_pool_fd(p), .events = POLLIN};
        int n = poll(&pfd, 1, 10000);
        assert_true(n > 0); /* not a timing test: 10 s means it never came */
        got += (int)worker_pool_dispatch(p, r);
    }
    assert_int_equal(got, want);
}

static void test_dispatch_order(void **state) {
    Record r = {.loop = pthread_self()};
    WorkerPool *p = worker_pool_new(1);
    assert_non_null(p);
    assert_true(worker_pool_fd(p) >= 0);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(worker_submit(p, work, done, job(&r, i)), 0);
    }
    collect(p, &r, 20);
    assert_int_equal(r.n, 20);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(r.order[i], i); /* one worker: first in, first out */
    }
    assert_false(r.wrong_thread); /* work on the worker, done on the caller */
    assert_int_equal(worker_pool_busy(p), 0);
    assert_int_equal(r.done_null, 0);
    /* nothing more: dispatching again finds nothing */
    assert_int_equal(worker_pool_dispatch(p, &r), 0);
    worker_pool_free(p);
}

static void test_many_jobs(void **state) {
    enum { N = 5000 };
    Record r = {.loop = pthread_self()};
    WorkerPool *p = worker_pool_new(4);
    assert_non_null(p);
    for (int i = 0; i < N; i++) {
        assert_int_equal(worker_submit(p, work, done, job(&r, i)), 0);
    }
    assert_true(worker_pool_busy(p) <= N);
    collect(p, &r, N);
    assert_int_equal(r.done_called, N);
    assert_int_equal(r.done_null, 0);
    assert_false(r.wrong_thread);
    assert_int_equal(worker_pool_busy(p), 0);
    worker_pool_free(p);
}

static void test_free_with_queued_jobs(void **state) {
    Record r = {.loop = pthread_self()};
    sem_t gate, started;
    assert_int_equal(sem_init(&gate, 0, 0), 0);
    assert_int_equal(sem_init(&started, 0, 0), 0);
    WorkerPool *p = worker_pool_new(1);
    assert_non_null(p);
    bool ran[6] = {false};
    for (int i = 0; i < 6; i++) {
        TestJob *j = job(&r, i);
        j->ran_flag = &ran[i];
        if (i == 0) {
            j->started = &started;
            j->gate = &gate; /* the worker is busy with this one … */
        }
        assert_int_equal(worker_submit(p, work, done, j), 0);
    }
    sem_wait(&started);
    assert_int_equal(worker_pool_busy(p), 6); /* … while five wait in the queue */
    sem_post(&gate);
    worker_pool_free(p); /* never dispatched: every job goes to done(NULL) */
    assert_int_equal(r.done_called, 6);
    assert_int_equal(r.done_null, 6);
    assert_int_equal(r.n, 0);
    assert_true(ran[0]); /* the running job finished before the workers stopped */
    sem_destroy(&gate);
    sem_destroy(&started);
}

static void test_free_null(void **state) {
    assert_null(worker_pool_free(NULL));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dispatch_order),
        cmocka_unit_test(test_many_jobs),
        cmocka_unit_test(test_free_with_queued_jobs),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
