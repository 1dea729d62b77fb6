#include "tui/secret_notice.h"

#include <stdlib.h>

#include "core/db_secrets.h"

void secret_notice_show(App *a) {
    _cleanup_(freep) char *first = NULL;
    size_t more = 0;
    for (size_t i = 0; i < a->plan->n_databases; i++) {
        char *w = NULL;
        if (db_secrets_option_file_warning(a->plan, &a->plan->databases[i], &w) < 0) {
            return;
        }
        if (w && !first) {
            first = w;
        } else if (w) {
            more++;
            free(w);
        }
    }
    if (!first) {
        return;
    }
    if (more) {
        app_message(a, ROLE_WARN, "Warning: %s (+%zu more: opsdeck validate)", first, more);
    } else {
        app_message(a, ROLE_WARN, "Warning: %s", first);
    }
}
