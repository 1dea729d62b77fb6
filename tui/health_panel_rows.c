/* One target of the health panels as rows: a badge row (id, what it is, where,
 * the age of the answer; or the red badge with the reason and when it retries),
 * then its details.  Every string from a repository or a server goes through
 * fmt_cut(), which sanitises it (core/text.h) and cuts it to a width. */
#include <stdio.h>
#include <string.h>

#include "tui/format.h"
#include "tui/health_panels.h"
#include "tui/health_panels_internal.h"

#define COL_INFO 26  /* after the badge and the id */
#define COL_BYTES 52 /* a table's size, after its name */
#define INDENT "        "

Line *health_panel_row(HealthPanelRows *out, size_t target) {
    size_t k = (*out->k)++;
    Line *l = &out->rows[k];
    line_clear(l);
    out->target[k] = target;
    out->selectable[k] = target != HEALTH_PANELS_NONE;
    return l;
}

size_t health_panel_rows_max(HealthKind kind) {
    switch (kind) {
    case HEALTH_GIT:
        return 3;
    case HEALTH_DB:
        return 4 + DB_INFO_TABLES; /* badge, numbers, note, "largest tables", the tables */
    default:
        return 2;
    }
}

/* Untrusted or plan text, sanitised and cut to cols. */
static void add_cut(Line *l, Role role, const char *s, int cols) {
    _cleanup_(freep) char *c = fmt_cut(s ? s : "-", cols);
    line_add(l, role, c ? c : "");
}

static void fmt_us(long long us, char *buf, size_t size) {
    if (us < 0) {
        snprintf(buf, size, "-");
    } else if (us < 10000) {
        snprintf(buf, size, "%.1f ms", (double)us / 1000);
    } else {
        snprintf(buf, size, "%lld ms", us / 1000);
    }
}

static void fmt_bytes(uint64_t b, char *buf, size_t size) {
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)b;
    size_t u = 0;
    while (v >= 1024 && u + 1 < ELEMENTSOF(units)) {
        v /= 1024;
        u++;
    }
    snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static void fmt_uptime(long long s, char *buf, size_t size) {
    if (s < 0) {
        snprintf(buf, size, "-");
    } else if (s >= 86400) {
        snprintf(buf, size, "%lld d %lld h", s / 86400, s % 86400 / 3600);
    } else if (s >= 3600) {
        snprintf(buf, size, "%lld h %lld min", s / 3600, s % 3600 / 60);
    } else if (s >= 60) {
        snprintf(buf, size, "%lld min", s / 60);
    } else {
        snprintf(buf, size, "%lld s", s);
    }
}

static Role badge_role(const HealthEntry *e) {
    return !e->has_result ? ROLE_UNKNOWN : e->error ? ROLE_FAIL : ROLE_OK;
}

static const char *badge(const HealthEntry *e) {
    if (!e->has_result) {
        return e->running ? "[ .. ]" : "[ ?? ]";
    }
    return e->error ? "[FAIL]" : "[ ok ]";
}

/* Where the target is (least important: last but for the age, cut first). */
static void add_where(Line *l, const HealthEntry *e) {
    line_add(l, ROLE_DIM, " · ");
    add_cut(l, ROLE_DIM, e->where, 48);
}

/* Where, an answer's latency and age, and whether it is being probed again. */
static void add_tail(Line *l, App *a, const HealthEntry *e) {
    add_where(l, e);
    char age[32];
    health_format_age((long long)(a->now - e->checked_at), age, sizeof(age));
    line_addf(l, ROLE_DIM, "   %lld ms, %s", e->latency_ms, age);
    if (e->running) {
        line_add(l, ROLE_DIM, "   probing again…");
    }
}

/* A failure: when it is tried again, then why it failed (long: last). */
static void add_failure(Line *l, const HealthEntry *e, long long now_ms) {
    if (e->running) {
        line_add(l, ROLE_DIM, "probing again… · ");
    } else if (e->retry_ms > 0) {
        long long in = (e->next_ms - now_ms + 999) / 1000;
        line_addf(l, ROLE_DIM, "retrying in %lld s · ", in > 0 ? in : 0);
    }
    add_cut(l, ROLE_FAIL, e->error, 240);
    if (!strstr(e->error, e->where)) {
        add_where(l, e);
    }
}

/* The badge row up to COL_INFO. */
static Line *badge_row(HealthPanelRows *out, const HealthEntry *e, size_t i) {
    Line *l = health_panel_row(out, i);
    line_addf(l, badge_role(e), " %s ", badge(e));
    add_cut(l, ROLE_NORMAL, e->kind == HEALTH_GIT ? "repo" : e->id, COL_INFO - 10);
    line_pad(l, ROLE_NORMAL, COL_INFO);
    return l;
}

static void git_rows(HealthPanelRows *out, App *a, const HealthEntry *e, Line *l,
                     long long now_ms) {
    const GitStatus *g = e->git;
    if (g->branch) {
        line_add(l, ROLE_NORMAL, "on ");
        add_cut(l, ROLE_NORMAL, g->branch, 30);
    } else {
        line_add(l, ROLE_WARN, "detached");
        if (g->head_tags) {
            line_add(l, ROLE_NORMAL, " at ");
            add_cut(l, ROLE_NORMAL, g->head_tags, 30);
        }
    }
    if (g->upstream) {
        line_add(l, ROLE_DIM, " → ");
        add_cut(l, ROLE_DIM, g->upstream, 30);
        line_addf(l, g->ahead || g->behind ? ROLE_WARN : ROLE_DIM, " ahead %zu, behind %zu",
                  g->ahead, g->behind);
    }
    line_addf(l, g->dirty ? ROLE_WARN : ROLE_DIM, " · %zu changed, %zu untracked", g->dirty,
              g->untracked);
    add_tail(l, a, e);
    l = health_panel_row(out, HEALTH_PANELS_NONE);
    char when[64];
    line_addf(l, ROLE_DIM, INDENT "HEAD %.7s ", g->head ? g->head : "(no commit yet)");
    add_cut(l, ROLE_NORMAL, g->subject ? g->subject : "", 100);
    line_addf(l, ROLE_DIM, "  (%s)", fmt_when(g->head_time, when, sizeof(when)));
    l = health_panel_row(out, HEALTH_PANELS_NONE);
    line_add(l, ROLE_DIM, INDENT "describe ");
    add_cut(l, ROLE_NORMAL, g->describe, 40);
    line_add(l, ROLE_DIM, " · recent tags: ");
    for (size_t t = 0; t < g->n_tags && t < 6; t++) {
        if (t) {
            line_add(l, ROLE_DIM, ", ");
        }
        add_cut(l, ROLE_NORMAL, g->tags[t], 24);
    }
    if (g->n_tags == 0) {
        line_add(l, ROLE_DIM, "none");
    }
}

static void db_rows(HealthPanelRows *out, App *a, const HealthEntry *e, Line *l, long long now_ms) {
    const DbInfo *d = e->db;
    char buf[64];
    line_add(l, ROLE_NORMAL, "server ");
    add_cut(l, ROLE_NORMAL, d->version, 40);
    fmt_uptime(d->uptime_s, buf, sizeof(buf));
    line_addf(l, ROLE_DIM, " · up %s", buf);
    add_tail(l, a, e);
    l = health_panel_row(out, HEALTH_PANELS_NONE);
    fmt_us(d->select1_us, buf, sizeof(buf));
    line_addf(l, ROLE_DIM, INDENT "SELECT 1 %s · connections ", buf);
    bool crowded = d->max_connections > 0 && d->threads_connected * 5 >= d->max_connections * 4;
    line_addf(l, crowded ? ROLE_WARN : ROLE_NORMAL, "%lld/%lld", d->threads_connected,
              d->max_connections);
    line_add(l, ROLE_DIM, " · slow queries ");
    line_addf(l, d->slow_queries > 0 ? ROLE_WARN : ROLE_NORMAL, "%lld", d->slow_queries);
    if (d->note) {
        add_cut(health_panel_row(out, HEALTH_PANELS_NONE), ROLE_WARN, d->note, 200);
    }
    if (d->n_tables == 0) {
        return;
    }
    line_add(health_panel_row(out, HEALTH_PANELS_NONE), ROLE_DIM, INDENT "largest tables:");
    for (size_t t = 0; t < d->n_tables; t++) {
        const DbTable *tb = &d->tables[t];
        l = health_panel_row(out, HEALTH_PANELS_NONE);
        line_add(l, ROLE_NORMAL, INDENT "  ");
        add_cut(l, ROLE_NORMAL, tb->schema, 24);
        line_add(l, ROLE_NORMAL, ".");
        add_cut(l, ROLE_NORMAL, tb->name, 40);
        line_pad(l, ROLE_NORMAL, COL_BYTES);
        fmt_bytes(tb->bytes, buf, sizeof(buf));
        line_addf(l, ROLE_NORMAL, "%10s", buf);
        line_addf(l, ROLE_DIM, "  ~%llu rows", (unsigned long long)tb->rows);
    }
}

static void redis_rows(HealthPanelRows *out, App *a, const HealthEntry *e, Line *l,
                       long long now_ms) {
    const RedisInfo *r = e->redis;
    char buf[32];
    add_cut(l, ROLE_NORMAL, r->role, 16);
    line_add(l, ROLE_DIM, " · Redis ");
    add_cut(l, ROLE_NORMAL, r->version, 20);
    add_tail(l, a, e);
    l = health_panel_row(out, HEALTH_PANELS_NONE);
    fmt_us(r->ping_us, buf, sizeof(buf));
    line_addf(l, ROLE_DIM, INDENT "PING %s · memory ", buf);
    add_cut(l, ROLE_NORMAL, r->used_memory_human, 16);
    line_add(l, ROLE_DIM, " · clients ");
    line_addf(l, ROLE_NORMAL, "%lld", r->connected_clients);
}

void health_panel_target(HealthPanelRows *out, App *a, const HealthEntry *e, size_t i,
                         long long now_ms) {
    Line *l = badge_row(out, e, i);
    if (e->error) {
        add_failure(l, e, now_ms);
    } else if (e->git) {
        git_rows(out, a, e, l, now_ms);
    } else if (e->db) {
        db_rows(out, a, e, l, now_ms);
    } else if (e->redis) {
        redis_rows(out, a, e, l, now_ms);
    } else {
        line_add(l, ROLE_DIM, e->running ? "probing…" : "not probed yet");
        add_where(l, e);
    }
}
