#include <errno.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "core/db_secrets.h"

/* Credentials at risk are warnings: the plan is still valid (exit 0). */
static void add_secret_warnings(const Plan *p, DiagList *d) {
    for (size_t i = 0; i < p->n_databases; i++) {
        const Database *db = &p->databases[i];
        _cleanup_(freep) char *w = NULL;
        if (db_secrets_option_file_warning(p, db, &w) < 0) {
            diag_warn(d, db->pos.line, db->pos.col,
                      "cannot check the option file of database '%s': out of memory", db->id);
        } else if (w) {
            diag_warn(d, db->pos.line, db->pos.col, "%s", w);
        }
    }
}

int cmd_validate(const Options *o, int argc, char **argv) {
    const char *path = argv[0];
    _cleanup_(diag_list_freep) DiagList *d = diag_list_new(path);
    _cleanup_(plan_freep) Plan *p = NULL;
    if (!d) {
        return EXIT_FAILED;
    }
    int r = plan_load(path, d, &p);
    if (r >= 0) {
        add_secret_warnings(p, d);
    }
    diag_sort(d);
    diag_print(d, stderr);
    if (r == -EINVAL) {
        fprintf(stderr, "%zu error%s\n", d->n_errors, d->n_errors == 1 ? "" : "s");
        return EXIT_USAGE;
    }
    if (r < 0) {
        fputs("opsdeck: cannot read plan '", stderr);
        out_text(stderr, path);
        fprintf(stderr, "': %s\n", strerror(-r));
        return EXIT_USAGE;
    }
    size_t n_rollback = p->n_all_items - p->n_items;
    out_text(stdout, p->file);
    fputs(": ok: ", stdout);
    out_text(stdout, p->title);
    printf(" — %zu phases, %zu items, %zu rollback steps, %zu services, %zu logs, %zu checks, "
           "%zu actions\n",
           p->n_phases, p->n_items, n_rollback, p->n_services, p->n_logs, p->n_checks,
           p->n_actions);
    return EXIT_OK;
}

int cmd_not_built(const Options *o, int argc, char **argv) {
    fprintf(stderr,
            "opsdeck: this command is not built yet in opsdeck %s; see 'opsdeck --help' for "
            "what works today\n",
            OPSDECK_VERSION);
    return EXIT_FAILED;
}
