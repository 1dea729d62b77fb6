#include "cli/secrets.h"

#include <stdlib.h>

#include "cli/out.h"
#include "core/db_secrets.h"

size_t cli_print_secret_warnings(const Plan *p, FILE *f) {
    size_t n = 0;
    for (size_t i = 0; i < p->n_databases; i++) {
        char *w = NULL;
        if (db_secrets_option_file_warning(p, &p->databases[i], &w) < 0) {
            fputs("opsdeck: warning: cannot check the option files of the databases: out of "
                  "memory\n",
                  f);
            break;
        }
        if (w) {
            fputs("opsdeck: warning: ", f);
            out_text(f, w);
            fputc('\n', f);
            free(w);
            n++;
        }
    }
    return n;
}
