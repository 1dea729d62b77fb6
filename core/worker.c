#include "core/worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

typedef struct Job {
    struct Job *next;
    WorkFn work;
    DoneFn done;
    void *data;
} Job;

typedef struct Queue {
    Job *head, *tail;
} Queue;

struct WorkerPool {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    Queue todo, finished;
    unsigned busy; /* queued + running */
    bool stopping;
    int efd;
    pthread_t *threads;
    unsigned n_threads;
};

static void push(Queue *q, Job *j) {
    j->next = NULL;
    if (q->tail) {
        q->tail->next = j;
    } else {
        q->head = j;
    }
    q->tail = j;
}

static Job *pop(Queue *q) {
    Job *j = q->head;
    if (j) {
        q->head = j->next;
        if (!q->head) {
            q->tail = NULL;
        }
    }
    return j;
}

static void *worker_main(void *arg) {
    WorkerPool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stopping && !p->todo.head) {
            pthread_cond_wait(&p->wake, &p->lock);
        }
        if (p->stopping) {
            break;
        }
        Job *j = pop(&p->todo);
        pthread_mutex_unlock(&p->lock);
        j->work(j->data);
        pthread_mutex_lock(&p->lock);
        push(&p->finished, j);
        uint64_t one = 1;
        (void)!write(p->efd, &one, sizeof(one));
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

WorkerPool *worker_pool_new(unsigned threads) {
    WorkerPool *p = calloc(1, sizeof(*p));
    if (!p) {
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    p->threads = calloc(threads ? threads : 1, sizeof(pthread_t));
    if (p->efd < 0 || !p->threads) {
        return worker_pool_free(p);
    }
    for (unsigned i = 0; i < (threads ? threads : 1); i++) {
        if (pthread_create(&p->threads[i], NULL, worker_main, p) != 0) {
            break;
        }
        p->n_threads++;
    }
    if (p->n_threads == 0) {
        return worker_pool_free(p);
    }
    return p;
}

WorkerPool *worker_pool_free(WorkerPool *p) {
    if (!p) {
        return NULL;
    }
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (unsigned i = 0; i < p->n_threads; i++) {
        pthread_join(p->threads[i], NULL);
    }
    /* what never ran, and what finished but was never dispatched, is freed by its
     * done() with no userdata: done must cope with userdata == NULL */
    for (Job *j; (j = pop(&p->todo)) || (j = pop(&p->finished));) {
        j->done(j->data, NULL);
        free(j);
    }
    free(p->threads);
    if (p->efd >= 0) {
        close(p->efd);
    }
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p);
    return NULL;
}

int worker_pool_fd(const WorkerPool *p) {
    return p->efd;
}

int worker_submit(WorkerPool *p, WorkFn work, DoneFn done, void *data) {
    Job *j = malloc(sizeof(*j));
    if (!j) {
        return -ENOMEM;
    }
    *j = (Job){.work = work, .done = done, .data = data};
    pthread_mutex_lock(&p->lock);
    push(&p->todo, j);
    p->busy++;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    return 0;
}

unsigned worker_pool_dispatch(WorkerPool *p, void *userdata) {
    uint64_t n;
    (void)!read(p->efd, &n, sizeof(n));
    pthread_mutex_lock(&p->lock);
    Queue done = p->finished;
    p->finished = (Queue){0};
    pthread_mutex_unlock(&p->lock);
    unsigned count = 0;
    for (Job *j; (j = pop(&done));) {
        j->done(j->data, userdata);
        free(j);
        count++;
        pthread_mutex_lock(&p->lock);
        p->busy--;
        pthread_mutex_unlock(&p->lock);
    }
    return count;
}

unsigned worker_pool_busy(const WorkerPool *p) {
    return p->busy;
}
