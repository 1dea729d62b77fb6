/* The command table: names, arity, accepted options and help, in one place. */
#include <string.h>

#include "cli/cli.h"

static const Command commands[] = {
    {"validate", cmd_validate, 1, 1, 0, "validate PLAN",
     "check a plan; exit 0, or 2 with every error as FILE:LINE:COL: message"},
    {"status", cmd_status, 1, 1, OPT_JSON, "status PLAN [--json]",
     "phases, progress, timeline, services and checks"},
    {"tick", cmd_tick, 2, 2, OPT_NOTE | OPT_OVERRIDE,
     "tick PLAN ITEM [--note TEXT] [--as NAME] [--override REASON]",
     "record an item as done, durably, then print it"},
    {"untick", cmd_untick, 2, 2, OPT_NOTE, "untick PLAN ITEM [--note TEXT] [--as NAME]",
     "record an item as not done, durably, then print it"},
    {"history", cmd_history, 1, 1, OPT_JSON, "history PLAN [--json]",
     "the journal as an audit trail, oldest first"},
    {"sync-status", cmd_sync_status, 1, 1, OPT_JSON, "sync-status PLAN [--json]",
     "the sync stream: redacted URL, last id seen, pending events, consoles connected"},
    {"report", cmd_report, 1, 1, OPT_FORMAT | OPT_OUTPUT,
     "report PLAN [--format md|html|json] [-o FILE]",
     "post-migration report: planned vs actual, ticks, overrides, actions"},
    {"tail", cmd_tail, 2, 2, OPT_LINES | OPT_FOLLOW, "tail PLAN LOG [-n N] [-f]",
     "a log of the plan (journal unit or file), control characters escaped; -f follows"},
    {"run", cmd_run, 2, 2, OPT_YES | OPT_DRY_RUN | OPT_FORCE_TARGET,
     "run PLAN ACTION [--yes] [--dry-run] [--force-target TARGET]",
     "run one action headless, journaled; --dry-run prints what it would do"},
    {"import", cmd_import, 1, 1, OPT_OUTPUT, "import RUNBOOK.md [-o PLAN]",
     "a plan from a Markdown runbook: headings become phases, '- [ ]' lines items"},
    {"panel", cmd_panel, 1, 1, OPT_WALLBOARD | OPT_ROTATE,
     "[--wallboard [--rotate N]] [--readonly] [--theme NAME] PLAN",
     "the interactive panel; --wallboard: the read-only board for a big screen"},
    /* hidden from --help: the shell completions ask it for the ids of a plan */
    {"__complete", cmd_complete, 2, 2, 0, "__complete PLAN items|actions|logs|phases|checks",
     "the ids of a plan, one per line"},
};

const Command *cli_find_command(const char *name) {
    for (size_t i = 0; i < ELEMENTSOF(commands); i++) {
        if (strcmp(commands[i].name, name) == 0) {
            return &commands[i];
        }
    }
    return NULL;
}

void cli_print_usage(FILE *f) {
    fprintf(f, "opsdeck — a terminal control panel for an infrastructure upgrade\n\n"
               "usage: opsdeck [OPTIONS] PLAN              the interactive panel\n"
               "       opsdeck [OPTIONS] COMMAND ARGS...\n\ncommands:\n");
    for (size_t i = 0; i < ELEMENTSOF(commands); i++) {
        if (strcmp(commands[i].name, "panel") != 0 && strncmp(commands[i].name, "__", 2) != 0) {
            fprintf(f, "  %-58s %s\n", commands[i].usage, "");
            fprintf(f, "      %s\n", commands[i].summary);
        }
    }
    fprintf(f, "\noptions (every command):\n"
               "  --state PATH   use this journal instead of the plan's\n"
               "  --readonly     change nothing (the journal is opened read-only)\n"
               "  --as NAME      who is acting (default: $OPSDECK_USER, else the login name)\n"
               "  --theme NAME   colour theme of the panel\n"
               "  --user         talk to the user's systemd manager\n"
               "  --help         help for a command: opsdeck COMMAND --help\n"
               "  --version      version and linked libraries\n\n"
               "exit status: 0 success, 1 an operation failed, 2 usage or plan error\n");
}

void cli_print_command_help(const Command *c, FILE *f) {
    fprintf(f, "usage: opsdeck %s\n  %s\n", c->usage, c->summary);
    fprintf(f, "global options: --state PATH, --readonly, --as NAME, --theme NAME, --user\n");
}
