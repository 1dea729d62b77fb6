#pragma once
/* The plan: what the weekend is made of.  Loaded from YAML by plan_load();
 * immutable afterwards.  All strings point into the plan's own string arena. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/diag.h"
#include "core/macro.h"
#include "core/threshold.h"

typedef enum Risk { RISK_LOW, RISK_MEDIUM, RISK_COORDINATION, RISK_HIGH, _RISK_MAX } Risk;

typedef struct Pos {
    unsigned line, col; /* 1-based position in the plan file */
} Pos;

typedef struct StrList {
    const char **v;
    Pos *pos; /* where each entry is written; NULL for lists made by the loader itself */
    size_t n;
} StrList;

typedef struct Item {
    const char *id;
    const char *text;
    const char *details; /* NULL when absent */
    const char *action;  /* action id or NULL */
    const char *check;   /* check id (evidence gate) or NULL */
    bool optional;
    bool rollback; /* a rollback step, not part of the gate */
    Pos action_pos, check_pos;
    size_t phase; /* index of its phase in Plan.phases */
    size_t index; /* index over all items of the plan, rollback included */
    Pos pos;
} Item;

typedef struct Phase {
    const char *id;
    const char *title;
    const char *owner; /* NULL when absent */
    Risk risk;
    int64_t duration; /* planned, seconds; 0 when absent */
    bool point_of_no_return;
    StrList depends; /* phase ids, as written */
    size_t *dep;     /* resolved indexes into Plan.phases, depends.n of them */
    StrList watch;   /* service units, log ids, check ids */
    Item *items;
    size_t n_items;
    Item *rollback;
    size_t n_rollback;
    Pos pos;
} Phase;

typedef struct Service {
    const char *unit;
    const char *title; /* NULL when absent */
    bool critical;     /* stopping it asks to type its name */
    Pos pos;
} Service;

typedef struct LogSource {
    const char *id;
    const char *title;
    const char *unit; /* exactly one of unit and file */
    const char *file;
    StrList highlight;
    Pos pos;
} LogSource;

typedef enum CheckKind {
    CHECK_DISK,
    CHECK_MEMORY,
    CHECK_HTTP,
    CHECK_SQL,
    CHECK_REDIS,
    CHECK_UNIT,
    _CHECK_KIND_MAX
} CheckKind;

typedef struct Check {
    const char *id;
    const char *title;
    CheckKind kind;
    const char *path;     /* disk */
    const char *url;      /* http */
    const char *ca_file;  /* http: CA certificate file to verify the server with, as written */
    const char *database; /* sql: database id */
    const char *query;    /* sql */
    const char *redis;    /* redis: redis id */
    const char *command;  /* redis */
    const char *unit;     /* unit */
    Threshold warn, fail; /* .op == THRESH_NONE when absent */
    Threshold expect;
    Pos database_pos;    /* where the database reference is written */
    int64_t interval_ms; /* default 10 s */
    int64_t timeout_ms;  /* default 5 s */
    Pos pos;
} Check;

typedef enum ActionKind {
    ACTION_DB_BACKUP,
    ACTION_DB_QUERY,
    ACTION_SYSTEMD_START,
    ACTION_SYSTEMD_STOP,
    ACTION_SYSTEMD_RESTART,
    ACTION_SYSTEMD_RELOAD,
    ACTION_GIT_FETCH,
    ACTION_GIT_CHECKOUT,
    ACTION_GIT_TAG,
    ACTION_GIT_ROLLBACK,
    ACTION_RUN,
    _ACTION_KIND_MAX
} ActionKind;

typedef struct KeyValue {
    const char *key, *value;
} KeyValue;

typedef struct Action {
    const char *id;
    const char *title; /* NULL when absent: the id is shown */
    ActionKind kind;
    const char *database; /* db.backup, db.query */
    Pos database_pos;
    const char *dir;    /* db.backup: backup directory (NULL: beside the journal) */
    const char *query;  /* db.query */
    StrList units;      /* systemd.* */
    const char *remote; /* git.fetch */
    const char *ref;    /* git.checkout */
    const char *tag;    /* git.tag name or template */
    bool force;         /* git.tag */
    StrList argv;       /* run */
    const char *cwd;    /* run */
    KeyValue *env;      /* run */
    size_t n_env;
    int64_t timeout_ms; /* run; 0 = none */
    bool shell;         /* run: argv[0] is a shell command line */
    Pos pos;
} Action;

typedef struct Database {
    const char *id, *host, *user, *database, *password_env, *option_file, *socket;
    unsigned port;
    Pos pos;
} Database;

typedef struct RedisTarget {
    const char *id, *url, *password_env;
    Pos pos;
} RedisTarget;

typedef struct Plan {
    const char *file;  /* path it was loaded from */
    const char *title; /* `plan:` */
    const char *id;
    bool has_start;
    time_t start;      /* `start:`, UTC */
    const char *state; /* journal path as written, or NULL */
    const char *sync_redis, *sync_key;
    const char *sync_password_env; /* `sync: password_env`, or NULL */
    const char *repo_path, *repo_remote;

    Phase *phases;
    size_t n_phases;
    Service *services;
    size_t n_services;
    LogSource *logs;
    size_t n_logs;
    Check *checks;
    size_t n_checks;
    Action *actions;
    size_t n_actions;
    Database *databases;
    size_t n_databases;
    RedisTarget *redis;
    size_t n_redis;

    size_t n_items;         /* checklist items over all phases, rollback excluded */
    size_t n_all_items;     /* checklist and rollback items: the range of Item.index */
    const Item **all_items; /* by Item.index */
    size_t *topo;           /* phase indexes, dependencies before dependents */

    struct PlanIndex *index; /* id lookups; owned */
    struct PlanArena *arena; /* all strings and arrays; owned */
} Plan;

/* Load and validate.  Returns 0 and a plan, or a negative errno for I/O
 * failure (-ENOENT...), or -EINVAL when the plan has errors; every error is in
 * diags either way (the caller prints them).  Warnings may be present on success. */
int plan_load(const char *path, DiagList *diags, Plan **ret);
/* Same, from memory (the file name is used in diagnostics and to derive the id). */
int plan_load_buffer(const char *name, const char *buf, size_t len, DiagList *diags, Plan **ret);

Plan *plan_free(Plan *p);
DEFINE_FREEP(Plan, plan_free)

const Phase *plan_find_phase(const Plan *p, const char *id);
/* A checklist or rollback item by id. */
const Item *plan_find_item(const Plan *p, const char *id);
const Action *plan_find_action(const Plan *p, const char *id);
const Check *plan_find_check(const Plan *p, const char *id);
const LogSource *plan_find_log(const Plan *p, const char *id);
const Service *plan_find_service(const Plan *p, const char *unit);
ssize_t plan_phase_index(const Plan *p, const char *id);

const char *risk_to_string(Risk r);
int risk_from_string(const char *s); /* -EINVAL when unknown */
const char *check_kind_to_string(CheckKind k);
const char *action_kind_to_string(ActionKind k);

/* Default journal path: plan `state:` (relative to the plan file's directory),
 * else $XDG_STATE_HOME/opsdeck/<id>.journal (~/.local/state when unset). */
int plan_journal_path(const Plan *p, char **ret);
