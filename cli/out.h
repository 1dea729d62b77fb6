#pragma once
/* Printing untrusted text: always sanitised, never a format string. */
#include <cjson/cJSON.h>
#include <stdio.h>

/* Sanitised s (NULL prints "-"). */
void out_text(FILE *f, const char *s);
/* Sanitised and padded/truncated to width display columns. */
void out_cell(FILE *f, const char *s, int width);
/* One JSON value on one line.  Strings are escaped by cJSON; on top of that C1
 * controls, bidi overrides and invalid UTF-8 become \u escapes so that a terminal
 * showing the output is safe too.  Returns 0 or -ENOMEM. */
int out_json(FILE *f, const cJSON *v);
/* The same, as a new string. */
char *out_json_string(const cJSON *v);
