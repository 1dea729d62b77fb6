/* widgets/roles.c: the names theme files use for roles. */
#include "widgets/roles.h"

#include <string.h>

static const char *const role_names[_ROLE_MAX] = {
    [ROLE_NORMAL] = "normal",
    [ROLE_DIM] = "dim",
    [ROLE_TITLE] = "title",
    [ROLE_HEADER] = "header",
    [ROLE_HEADER_DIM] = "header-dim",
    [ROLE_SELECTED] = "selected",
    [ROLE_OK] = "ok",
    [ROLE_WARN] = "warn",
    [ROLE_FAIL] = "fail",
    [ROLE_UNKNOWN] = "unknown",
    [ROLE_RISK_LOW] = "risk-low",
    [ROLE_RISK_MEDIUM] = "risk-medium",
    [ROLE_RISK_COORDINATION] = "risk-coordination",
    [ROLE_RISK_HIGH] = "risk-high",
    [ROLE_ACTIVE] = "active",
    [ROLE_DONE] = "done",
    [ROLE_PENDING] = "pending",
    [ROLE_BLOCKED] = "blocked",
    [ROLE_CRITICAL] = "critical",
    [ROLE_NOW] = "now",
    [ROLE_PLANNED_BAR] = "planned-bar",
    [ROLE_ACTUAL_BAR] = "actual-bar",
    [ROLE_KEY] = "key",
    [ROLE_KEY_LABEL] = "key-label",
    [ROLE_MATCH] = "match",
    [ROLE_MODAL] = "modal",
    [ROLE_MODAL_TITLE] = "modal-title",
    [ROLE_READONLY] = "readonly",
    [ROLE_STALE] = "stale",
};

const char *role_name(Role r) {
    if ((unsigned)r >= _ROLE_MAX) {
        return NULL;
    }
    return role_names[r];
}

int role_from_name(const char *name) {
    if (!name) {
        return -1;
    }
    for (int r = 0; r < _ROLE_MAX; r++) {
        if (role_names[r] && strcmp(role_names[r], name) == 0) {
            return r;
        }
    }
    return -1;
}
