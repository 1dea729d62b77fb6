#pragma once
/* The plan's targets: services, logs, checks, actions, databases, redis. */
#include "core/plan_internal.h"

void sections_load_targets(Loader *L, const YNode *root);
/* Report a redis URL that does not parse or carries a password. */
void sections_check_redis_url(Loader *L, const YNode *at, const char *url);
