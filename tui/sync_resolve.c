/* The sync Redis's host name, resolved off the loop thread: hiredis's connect
 * calls getaddrinfo(), which can wait seconds on DNS.  A detached thread
 * resolves and sends the numeric address back over a socketpair the loop
 * polls; a panel that quits meanwhile closes its end and does not wait for
 * the resolver (its late send fails quietly). */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tui/sync_panel_internal.h"

typedef struct ResolveJob {
    int fd;
    char *host;
} ResolveJob;

static void *resolve_main(void *arg) {
    ResolveJob *j = arg;
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    char msg[512];
    int r = getaddrinfo(j->host, NULL, &hints, &res);
    char addr[INET6_ADDRSTRLEN] = "";
    if (r == 0) {
        r = getnameinfo(res->ai_addr, res->ai_addrlen, addr, sizeof(addr), NULL, 0, NI_NUMERICHOST);
        freeaddrinfo(res);
    }
    if (r == 0) {
        snprintf(msg, sizeof(msg), "+%s", addr);
    } else {
        snprintf(msg, sizeof(msg), "-cannot resolve '%.200s': %s", j->host,
                 r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
    }
    (void)send(j->fd, msg, strlen(msg), MSG_NOSIGNAL);
    close(j->fd);
    free(j->host);
    free(j);
    return NULL;
}

static void resolve_close(PanelSync *ps) {
    if (ps->resolve_fd >= 0) {
        loop_remove_fd(ps->a, ps->resolve_fd);
        close(ps->resolve_fd);
        ps->resolve_fd = -1;
    }
}

static void on_resolved(App *a, int fd, short revents, void *userdata) {
    PanelSync *ps = userdata;
    char msg[512];
    ssize_t n = recv(fd, msg, sizeof(msg) - 1, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    resolve_close(ps);
    msg[n > 0 ? n : 0] = '\0';
    if (n <= 0 || msg[0] != '+') {
        sync_link_down(ps, n > 0 ? msg + 1 : "the name resolver stopped");
        return;
    }
    free(ps->addr);
    ps->addr = strdup(msg + 1);
    if (!ps->addr) {
        sync_link_down(ps, "out of memory");
        return;
    }
    sync_link_resolved(ps);
}

bool sync_resolve_needed(const PanelSync *ps) {
    const RedisUrl *u = &ps->target.url;
    if (u->socket || ps->addr) {
        return false;
    }
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, u->host, buf) != 1 && inet_pton(AF_INET6, u->host, buf) != 1;
}

int sync_resolve_start(PanelSync *ps) {
    if (ps->resolve_fd >= 0) {
        return 0; /* one at a time */
    }
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        return -errno;
    }
    ResolveJob *j = calloc(1, sizeof(*j));
    char *host = strdup(ps->target.url.host);
    if (!j || !host) {
        free(j);
        free(host);
        close(sv[0]);
        close(sv[1]);
        return -ENOMEM;
    }
    *j = (ResolveJob){.fd = sv[1], .host = host};
    int r = loop_add_fd(ps->a, sv[0], POLLIN, on_resolved, ps);
    pthread_attr_t attr;
    pthread_t t;
    if (r >= 0) {
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        r = -pthread_create(&t, &attr, resolve_main, j);
        pthread_attr_destroy(&attr);
        if (r < 0) {
            loop_remove_fd(ps->a, sv[0]);
        }
    }
    if (r < 0) {
        free(j->host);
        free(j);
        close(sv[0]);
        close(sv[1]);
        return r;
    }
    ps->resolve_fd = sv[0];
    return 0;
}

void sync_resolve_forget(PanelSync *ps) {
    resolve_close(ps);
    free(ps->addr);
    ps->addr = NULL;
}
