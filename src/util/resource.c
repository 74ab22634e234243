/* resource.c: files compiled into the binary (the rules, the SQL queries, the report templates). */
#include <string.h>
#include "util/resource.h"

struct cw_resource_entry { const char *path; const unsigned char *data; size_t len; };
extern const struct cw_resource_entry cw_resource_table[];

const char *cw_resource_get(const char *path, size_t *len)
{
	for (const struct cw_resource_entry *e = cw_resource_table; e->path; e++) {
		if (strcmp(e->path, path) == 0) {
			if (len)
				*len = e->len;
			return (const char *)e->data;
		}
	}
	return NULL;
}

const char *cw_resource_path(size_t i)
{
	return cw_resource_table[i].path;
}
