#pragma once
/* What a piece of the screen means.  Widgets and views draw with roles; a theme
 * maps each role to colours and attributes.  No view ever names a colour. */

typedef enum Role {
    ROLE_NORMAL,
    ROLE_DIM,
    ROLE_TITLE,
    ROLE_HEADER,
    ROLE_HEADER_DIM,
    ROLE_SELECTED,
    ROLE_OK,
    ROLE_WARN,
    ROLE_FAIL,
    ROLE_UNKNOWN,
    ROLE_RISK_LOW,
    ROLE_RISK_MEDIUM,
    ROLE_RISK_COORDINATION,
    ROLE_RISK_HIGH,
    ROLE_ACTIVE,
    ROLE_DONE,
    ROLE_PENDING,
    ROLE_BLOCKED,
    ROLE_CRITICAL,
    ROLE_NOW,
    ROLE_PLANNED_BAR,
    ROLE_ACTUAL_BAR,
    ROLE_KEY,
    ROLE_KEY_LABEL,
    ROLE_MATCH,
    ROLE_MODAL,
    ROLE_MODAL_TITLE,
    ROLE_READONLY,
    ROLE_STALE,
    _ROLE_MAX
} Role;

/* "ok", "risk-high", … as theme files name them. */
const char *role_name(Role r);
/* -1 when unknown. */
int role_from_name(const char *name);
