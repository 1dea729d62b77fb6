#pragma once
/* Between check.c and the kinds (check_host.c, check_http.c, check_sql.c,
 * check_redis.c, check_unit.c). */
#include <stdarg.h>

#include "core/check.h"

/* What a kind reports, raw (check.c sanitises and masks it). */
typedef struct CheckRaw {
    char *value; /* owned or NULL */
    char *error; /* owned or NULL */
    char *note;  /* owned or NULL */
    /* judge: status comes from check_judge(value); otherwise from status */
    bool judge;
    CheckStatus status;
    bool unreachable;
} CheckRaw;

/* Replace raw->error (and set status, judge = false). */
void check_raw_fail(CheckRaw *raw, CheckStatus status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void check_raw_note(CheckRaw *raw, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void check_raw_value(CheckRaw *raw, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void check_run_disk(const CheckSpec *s, CheckRaw *raw);
void check_run_memory(const CheckSpec *s, CheckRaw *raw);
void check_run_http(const CheckSpec *s, CheckRaw *raw);
void check_run_sql(const CheckSpec *s, CheckRaw *raw);
void check_run_redis(const CheckSpec *s, CheckRaw *raw);
void check_run_unit(const CheckSpec *s, CheckRaw *raw);

void check_http_global_init(void);
void check_sql_global_init(void);

/* Seconds for client libraries that count in whole seconds: at least 1. */
unsigned check_timeout_seconds(const CheckSpec *s);
/* "~/x" → "$HOME/x"; a new string or NULL. */
char *check_expand_home(const char *path);
