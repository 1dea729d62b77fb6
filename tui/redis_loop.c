/* The hiredis async adapter for tui/loop.c (as hiredis's adapters/ae.h is for
 * redis's own loop). */
#include "tui/redis_loop.h"

#include <errno.h>
#include <poll.h>

#include "tui/loop.h"

static void on_ready(App *a, int fd, short revents, void *userdata) {
    RedisLoop *s = userdata;
    if (!s->ac || s->fd != fd) {
        return; /* freed, or a new socket reusing the number: not ours now */
    }
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        redisAsyncHandleRead(s->ac);
    }
    /* reading may have freed the context (a closed connection) */
    if (s->ac && (revents & (POLLOUT | POLLERR))) {
        redisAsyncHandleWrite(s->ac);
    }
}

static void update(RedisLoop *s, short events) {
    if (events == s->events || s->fd < 0) {
        s->events = events;
        return;
    }
    loop_remove_fd(s->a, s->fd);
    s->events = events;
    if (events) {
        (void)loop_add_fd(s->a, s->fd, events, on_ready, s);
    }
}

static void add_read(void *p) {
    RedisLoop *s = p;
    update(s, s->events | POLLIN);
}

static void del_read(void *p) {
    RedisLoop *s = p;
    update(s, s->events & ~POLLIN);
}

static void add_write(void *p) {
    RedisLoop *s = p;
    update(s, s->events | POLLOUT);
}

static void del_write(void *p) {
    RedisLoop *s = p;
    update(s, s->events & ~POLLOUT);
}

/* hiredis is freeing the context (asked to, or the connection failed). */
static void cleanup(void *p) {
    RedisLoop *s = p;
    update(s, 0);
    s->fd = -1;
    s->ac = NULL;
}

int redis_loop_attach(RedisLoop *slot, App *a, redisAsyncContext *ac) {
    *slot = (RedisLoop){.a = a, .fd = -1};
    if (!ac || ac->err || ac->ev.data) {
        return -EINVAL;
    }
    slot->ac = ac;
    slot->fd = ac->c.fd;
    ac->ev.addRead = add_read;
    ac->ev.delRead = del_read;
    ac->ev.addWrite = add_write;
    ac->ev.delWrite = del_write;
    ac->ev.cleanup = cleanup;
    ac->ev.data = slot;
    /* a non-blocking connect completes when the socket turns writable */
    add_write(slot);
    return 0;
}

void redis_loop_close(RedisLoop *slot) {
    if (slot->ac) {
        redisAsyncFree(slot->ac); /* calls cleanup() */
    }
    slot->ac = NULL;
    slot->fd = -1;
    slot->events = 0;
}
