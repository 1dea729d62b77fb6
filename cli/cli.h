#pragma once
/* The headless command line: one table of commands, shared options, and the
 * session (plan + journal + state) each command works on. */
#include <stdbool.h>
#include <stdio.h>

#include "core/journal.h"
#include "core/plan.h"
#include "core/state.h"

enum {
    EXIT_OK = 0,
    EXIT_FAILED = 1, /* an operation failed: action, check, connection, a refused gate */
    EXIT_USAGE = 2,  /* usage or plan error */
};

/* Options of every command; each command says which it accepts. */
typedef struct Options {
    const char *state;           /* --state PATH */
    bool readonly;               /* --readonly */
    const char *as;              /* --as NAME; default the login name */
    const char *theme;           /* --theme NAME */
    bool user;                   /* --user */
    bool wallboard;              /* --wallboard */
    bool json;                   /* --json */
    const char *note;            /* --note TEXT */
    const char *override_reason; /* --override REASON */
    const char *format;          /* --format md|html|json */
    const char *output;          /* -o PATH */
    long lines;                  /* -n N */
    bool follow;                 /* -f */
    bool yes;                    /* --yes */
    bool dry_run;                /* --dry-run */
    const char *force_target;    /* --force-target TARGET (run: a dirty git work tree) */
    long rotate;                 /* --rotate N */
    bool help;
    bool version;
    unsigned seen; /* OPT_* bits given on the command line */
} Options;

enum {
    OPT_STATE = 1u << 0,
    OPT_READONLY = 1u << 1,
    OPT_AS = 1u << 2,
    OPT_THEME = 1u << 3,
    OPT_USER = 1u << 4,
    OPT_WALLBOARD = 1u << 5,
    OPT_JSON = 1u << 6,
    OPT_NOTE = 1u << 7,
    OPT_OVERRIDE = 1u << 8,
    OPT_FORMAT = 1u << 9,
    OPT_OUTPUT = 1u << 10,
    OPT_LINES = 1u << 11,
    OPT_FOLLOW = 1u << 12,
    OPT_YES = 1u << 13,
    OPT_DRY_RUN = 1u << 14,
    OPT_ROTATE = 1u << 15,
    OPT_FORCE_TARGET = 1u << 16,
    OPT_GLOBAL = OPT_STATE | OPT_READONLY | OPT_AS | OPT_THEME | OPT_USER,
};

typedef struct Command {
    const char *name;
    int (*run)(const Options *o, int argc, char **argv); /* argv: the operands */
    int min_args, max_args;
    unsigned options; /* OPT_* accepted besides the global ones */
    const char *usage;
    const char *summary;
} Command;

const Command *cli_find_command(const char *name);
void cli_print_usage(FILE *f);
void cli_print_command_help(const Command *c, FILE *f);

/* What a command works on.  Owns everything. */
typedef struct Session {
    Plan *plan;
    char *journal_path;
    Journal *journal;
    State *state;
    size_t warned;            /* journal warnings printed so far */
    struct SessionSync *sync; /* with `sync:` in the plan (cli/sync_cli.c), else NULL */
} Session;

enum {
    SESSION_WRITE = 1u << 0,   /* open the journal for appending (unless --readonly) */
    SESSION_NO_READ = 1u << 1, /* open the journal but leave reading (and folding) to the caller */
    SESSION_NO_SYNC = 1u << 2, /* do not catch up from the sync stream (the panel syncs itself) */
};

/* Load the plan (diagnostics to stderr), open its journal, fold it.
 * Returns EXIT_OK or the exit code to leave with (the reason already printed). */
int session_open(Session *s, const Options *o, const char *plan_path, unsigned flags);
void session_close(Session *s);
/* New journal warnings (damaged records, a torn tail set aside) to stderr. */
void session_print_warnings(Session *s);
/* Read the journal, in the sync stream's order when the plan has `sync:`. */
int session_read(const Session *s, JournalEventFn fn, void *userdata);
/* journal_append's fn (userdata: the Session): folds, or feeds the sync log. */
int session_fold_cb(const JournalEvent *ev, void *userdata);
/* After an append: fold in the stream's order and push (no-op without sync). */
void session_sync_push(Session *s);
/* cli/sync_cli.c: catch up and push (session_open does it); report and close. */
int session_sync_open(Session *s, const Options *o, unsigned flags);
void session_sync_close(Session *s);

/* Who is acting: --as, else $OPSDECK_USER, else the login name. */
const char *cli_actor(const Options *o);

int cmd_validate(const Options *o, int argc, char **argv);
int cmd_status(const Options *o, int argc, char **argv);
int cmd_tick(const Options *o, int argc, char **argv);
int cmd_untick(const Options *o, int argc, char **argv);
int cmd_history(const Options *o, int argc, char **argv);
int cmd_sync_status(const Options *o, int argc, char **argv);
int cmd_report(const Options *o, int argc, char **argv);
int cmd_import(const Options *o, int argc, char **argv);
int cmd_not_built(const Options *o, int argc, char **argv);
int cmd_run(const Options *o, int argc, char **argv);
int cmd_tail(const Options *o, int argc, char **argv);
int cmd_panel(const Options *o, int argc, char **argv);
int cmd_complete(const Options *o, int argc, char **argv);
