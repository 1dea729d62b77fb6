/* opsdeck __complete PLAN KIND: the ids of a plan, one per line, for the shell
 * completions (completions/opsdeck.bash, completions/_opsdeck).  Hidden from
 * --help.  KIND: items (checklist and rollback), actions, logs, phases, checks.
 * Quiet: a plan that does not load prints nothing and exits 2. */
#include <string.h>

#include "cli/cli.h"

static void print_items(const Plan *p) {
    for (size_t i = 0; i < p->n_all_items; i++) {
        puts(p->all_items[i]->id);
    }
}

static void print_actions(const Plan *p) {
    for (size_t i = 0; i < p->n_actions; i++) {
        puts(p->actions[i].id);
    }
}

static void print_logs(const Plan *p) {
    for (size_t i = 0; i < p->n_logs; i++) {
        puts(p->logs[i].id);
    }
}

static void print_phases(const Plan *p) {
    for (size_t i = 0; i < p->n_phases; i++) {
        puts(p->phases[i].id);
    }
}

static void print_checks(const Plan *p) {
    for (size_t i = 0; i < p->n_checks; i++) {
        puts(p->checks[i].id);
    }
}

static const struct {
    const char *kind;
    void (*print)(const Plan *p);
} kinds[] = {
    {"items", print_items},   {"actions", print_actions}, {"logs", print_logs},
    {"phases", print_phases}, {"checks", print_checks},
};

int cmd_complete(const Options *o, int argc, char **argv) {
    for (size_t k = 0; k < ELEMENTSOF(kinds); k++) {
        if (!streq(kinds[k].kind, argv[1])) {
            continue;
        }
        _cleanup_(diag_list_freep) DiagList *d = diag_list_new(argv[0]);
        _cleanup_(plan_freep) Plan *p = NULL;
        if (!d || plan_load(argv[0], d, &p) < 0) {
            return EXIT_USAGE;
        }
        kinds[k].print(p);
        return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILED;
    }
    fprintf(stderr, "opsdeck __complete: KIND is one of items, actions, logs, phases, checks\n");
    return EXIT_USAGE;
}
