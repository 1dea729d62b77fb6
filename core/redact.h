#pragma once
/* Text from a server on its way to the screen: any occurrence of a secret (the
 * password the client sent) becomes "***", then every control byte and invalid
 * UTF-8 becomes a visible escape (core/text.h). */
#include <stddef.h>

/* A new string (NULL only on OOM or when s is NULL); secret may be NULL or empty. */
char *redact_sanitize(const char *s, const char *secret);
/* The same for n bytes of s, which may hold NULs. */
char *redact_sanitize_n(const char *s, size_t n, const char *secret);
