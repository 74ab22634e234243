/* resource.h: files compiled into the binary, by their path in the source tree. */
#ifndef CW_RESOURCE_H
#define CW_RESOURCE_H
#include <stddef.h>

/* The bytes of "rules/default.json", "queries/extract_claims.sql"...,
 * NUL-terminated, or NULL when there is no such resource. */
const char *cw_resource_get(const char *path, size_t *len);
/* The i-th resource path, or NULL past the end (for listing). */
const char *cw_resource_path(size_t i);

#endif
