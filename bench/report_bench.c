/* report_bench OPSDECK PLAN DIR [N]: how long `opsdeck report` takes on a big journal.
 *
 * Writes a journal of N events (default 100,000) for PLAN into DIR — encoded lines
 * written straight to a file, no fdatasync: mostly ticks and unticks walking through
 * the plan, notes, an override every 1,000 events and an action run (start and end,
 * backups with path, bytes and sha256) every 50 — then runs the OPSDECK binary on it,
 * best of three runs each:
 *
 *   report html: 100000 events in X ms   (the figure; target under 1 s)
 *   report md / report json               (the other formats)
 *   status --json                         (yardstick: the same read and fold, no report)
 *
 * Everything created in DIR is removed afterwards. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/journal.h"
#include "core/plan.h"
#include "core/timeutil.h"

#define STEP_SECONDS 60

static const char *const people[] = {"alice", "bob", "carol", "dave", "erin"};

static void die(const char *what, int err) {
    fprintf(stderr, "report_bench: %s: %s\n", what, strerror(err));
    exit(1);
}

/* Checklist items in dependency order: the order the weekend ticks them. */
static const Item **items_in_order(const Plan *p, size_t *ret_n) {
    const Item **v = calloc(p->n_items ? p->n_items : 1, sizeof(*v));
    size_t n = 0;
    if (!v) {
        die("items", ENOMEM);
    }
    for (size_t t = 0; t < p->n_phases; t++) {
        const Phase *ph = &p->phases[p->topo[t]];
        for (size_t k = 0; k < ph->n_items; k++) {
            v[n++] = &ph->items[k];
        }
    }
    *ret_n = n;
    return v;
}

/* Event k of n: its type and target; extra payload for a backup's end. */
static void make_event(const Plan *p, const Item **items, size_t n_items, uint64_t k, uint64_t n,
                       JournalEvent *ev, cJSON **extra) {
    size_t reached = (size_t)((double)k / (double)n * 0.7 * (double)n_items);
    const Item *it = items[(k * 7919) % (reached + 1)];
    ev->item = it->id;
    ev->type = k % 13 == 0 ? EVENT_UNTICK : EVENT_TICK;
    if (k % 10 == 3) {
        ev->type = EVENT_NOTE;
        ev->note = "checked with the DBA; see the ticket <OPS-1234> & the runbook";
    }
    if (k % 1000 == 500) {
        ev->item = NULL;
        ev->type = EVENT_PHASE_OVERRIDE;
        ev->phase = p->phases[it->phase].id;
        ev->reason = "change window moved; approved by the change board";
    }
    if (p->n_actions && (k % 50 == 0 || k % 50 == 1)) {
        const Action *a = &p->actions[(k / 50) % p->n_actions];
        ev->item = NULL;
        ev->action = a->id;
        ev->type = k % 50 == 0 ? EVENT_ACTION_START : EVENT_ACTION_END;
        if (ev->type == EVENT_ACTION_END) {
            ev->result = k % 400 == 1 ? "failed" : "done";
            ev->exit_code = k % 400 == 1 ? 1 : 0;
            ev->has_exit = true;
        }
        if (ev->type == EVENT_ACTION_END && a->kind == ACTION_DB_BACKUP) {
            *extra = cJSON_CreateObject();
            cJSON_AddStringToObject(*extra, "path", "/opt/uplink/backups/uplink-20261128.sql.gz");
            cJSON_AddNumberToObject(*extra, "bytes", 734003200);
            cJSON_AddStringToObject(*extra, "sha256",
                                    "9f86d081884c7d659a2feaa0c55ad015"
                                    "a3bf4f1b2b0b822cd15d6c15b0f00a08");
            ev->extra = *extra;
        }
    }
}

/* The plan's window, or one that ends an hour ago. */
static time_t start_of(const Plan *p, uint64_t n) {
    return p->has_start ? p->start : time(NULL) - (time_t)(n * STEP_SECONDS) - 3600;
}

static void write_journal(const Plan *p, const char *path, uint64_t n) {
    size_t n_items;
    const Item **items = items_in_order(p, &n_items);
    char prefix[33];
    int r = journal_uid_new(prefix);
    if (r < 0) {
        die("getrandom", -r);
    }
    FILE *f = fopen(path, "we");
    if (!f) {
        die(path, errno);
    }
    for (uint64_t k = 1; k <= n; k++) {
        char uid[33];
        memcpy(uid, prefix, 16);
        snprintf(uid + 16, 17, "%016llx", (unsigned long long)k);
        cJSON *extra = NULL;
        JournalEvent ev = {.seq = k,
                           .uid = uid,
                           .by = people[k % ELEMENTSOF(people)],
                           .host = "jump1.example.net",
                           .at = start_of(p, n) + (time_t)(k * STEP_SECONDS)};
        make_event(p, items, n_items, k, n, &ev, &extra);
        char *line;
        size_t len;
        if ((r = journal_encode(&ev, &line, &len)) < 0) {
            die("journal_encode", -r);
        }
        fwrite(line, 1, len, f);
        free(line);
        cJSON_Delete(extra);
    }
    if (fclose(f) != 0) {
        die(path, errno);
    }
    free(items);
}

/* Run opsdeck ARGS... with stdout to /dev/null; best wall time of three, in ms. */
static long long best_of_three(char *const argv[]) {
    long long best = -1;
    for (int run = 0; run < 3; run++) {
        long long t0 = time_mono_ms();
        pid_t pid = fork();
        if (pid < 0) {
            die("fork", errno);
        }
        if (pid == 0) {
            int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
            if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
                _exit(127);
            }
            execv(argv[0], argv);
            _exit(127);
        }
        int status;
        if (waitpid(pid, &status, 0) < 0) {
            die("waitpid", errno);
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "report_bench: %s %s failed\n", argv[0], argv[1]);
            exit(1);
        }
        long long ms = time_mono_ms() - t0;
        best = best < 0 || ms < best ? ms : best;
    }
    return best;
}

int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: report_bench OPSDECK PLAN DIR [N]\n");
        return 2;
    }
    unsigned long long n = argc == 5 ? strtoull(argv[4], NULL, 10) : 100000;
    _cleanup_(diag_list_freep) DiagList *d = diag_list_new(argv[2]);
    _cleanup_(plan_freep) Plan *p = NULL;
    int r = d ? plan_load(argv[2], d, &p) : -ENOMEM;
    if (r < 0) {
        die(argv[2], -r);
    }
    char journal[4096], now[32];
    snprintf(journal, sizeof(journal), "%s/report-bench.journal", argv[3]);
    write_journal(p, journal, n);
    /* stand an hour after the last event: the window is still running */
    time_format_iso8601(start_of(p, n) + (time_t)(n * STEP_SECONDS) + 3600, now, sizeof(now));
    setenv("OPSDECK_NOW", now, 1);
    static const char *const what[][2] = {
        {"report", "html"}, {"report", "md"}, {"report", "json"}, {"status", NULL}};
    for (size_t i = 0; i < ELEMENTSOF(what); i++) {
        char *args[] = {argv[1],
                        (char *)what[i][0],
                        "--state",
                        journal,
                        (char *)"--format",
                        (char *)what[i][1],
                        argv[2],
                        NULL};
        if (!what[i][1]) {
            args[4] = "--json", args[5] = argv[2], args[6] = NULL;
        }
        long long ms = best_of_three(args);
        if (what[i][1]) {
            printf("report %s: %llu events in %lld ms%s\n", what[i][1], n, ms,
                   i == 0 ? (ms < 1000 ? " (target: under 1 s)" : " (SLOW: target under 1 s)")
                          : "");
        } else {
            printf("  yardstick: status --json (read and fold only): %lld ms\n", ms);
        }
    }
    (void)unlink(journal);
    return 0;
}
