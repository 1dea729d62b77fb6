#pragma once
/* A journal event as the JSON object `history --json` prints (no checksum). */
#include <cjson/cJSON.h>

#include "core/journal.h"

cJSON *event_to_json(const JournalEvent *ev);
