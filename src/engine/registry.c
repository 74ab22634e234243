/* registry.c: the detectors of a run (claimwatch/detector.h): checked when added, in order, with the
 * shared objects of the plug-ins they came from, closed when the registry goes. */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "util/grow.h"

#define NAME_MAX_LEN 48

struct cw_registry {
	const cw_detector **v;
	size_t n, cap;
	void **plugins; /* dlopen handles */
	size_t nplugins, plugins_cap;
};

int cw_registry_new(cw_registry **out)
{
	cw_registry *reg = calloc(1, sizeof *reg);
	if (!reg)
		return cw_error_set(CW_ENOMEM, "out of memory");
	*out = reg;
	return 0;
}

void cw_registry_free(cw_registry *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < reg->nplugins; i++)
		dlclose(reg->plugins[i]);
	free(reg->plugins);
	free(reg->v);
	free(reg);
}

size_t cw_registry_count(const cw_registry *reg) { return reg ? reg->n : 0; }

const cw_detector *cw_registry_get(const cw_registry *reg, size_t i)
{
	return reg && i < reg->n ? reg->v[i] : NULL;
}

int cw_registry_index(const cw_registry *reg, const char *name)
{
	for (size_t i = 0; name && i < cw_registry_count(reg); i++)
		if (!strcmp(reg->v[i]->name, name))
			return (int)i;
	return -1;
}

const cw_detector *cw_registry_find(const cw_registry *reg, const char *name)
{
	int i = cw_registry_index(reg, name);
	return i < 0 ? NULL : reg->v[i];
}

static int valid_name(const char *name)
{
	size_t n = 0;
	for (; name[n]; n++)
		if (!((name[n] >= 'a' && name[n] <= 'z') || (name[n] >= '0' && name[n] <= '9') || name[n] == '_'))
			return 0;
	return n > 0 && n <= NAME_MAX_LEN;
}

static int present(const char *s) { return s && *s; }

/* Everything cw_registry_add checks but the duplicate name. */
static int check(const cw_detector *d)
{
	/* another version's struct may differ past the version and size: read nothing else */
	if (d->version != CW_DETECTOR_VERSION)
		return cw_error_set(CW_EINVALID, "a detector built for detector interface version %u; this claimwatch "
		                    "has version %d: rebuild it against this claimwatch's headers", d->version,
		                    CW_DETECTOR_VERSION);
	if (d->size != sizeof(cw_detector))
		return cw_error_set(CW_EINVALID, "detector %.*s: its struct has %zu bytes, this claimwatch's %zu "
		                    "(interface version %d): rebuild it against this claimwatch's headers", NAME_MAX_LEN,
		                    d->name ? d->name : "(unknown)", d->size, sizeof(cw_detector), CW_DETECTOR_VERSION);
	if (!d->name || !valid_name(d->name))
		return cw_error_set(CW_EINVALID, "detector '%.*s': a name is 1 to %d of a-z, 0-9 and _", NAME_MAX_LEN,
		                    d->name ? d->name : "", NAME_MAX_LEN);
	if (!present(d->title_zh) || !present(d->title_en) || !present(d->summary))
		return cw_error_set(CW_EINVALID, "detector %s: title_zh, title_en and summary are required", d->name);
	if (!d->configure || !d->scan)
		return cw_error_set(CW_EINVALID, "detector %s: configure and scan are required", d->name);
	if (d->partition != CW_PARTITION_NONE && d->partition != CW_PARTITION_PATIENTS)
		return cw_error_set(CW_EINVALID, "detector %s: unknown partition %d", d->name, (int)d->partition);
	return 0;
}

/* 1 when d may be added, 0 when it is already there, or an error. */
static int addable(const cw_registry *reg, const cw_detector *d)
{
	int rc = check(d);
	if (rc < 0)
		return rc;
	const cw_detector *same = cw_registry_find(reg, d->name);
	if (same == d)
		return 0;
	if (same)
		return cw_error_set(CW_EINVALID, "two detectors are named %s", d->name);
	return 1;
}

int cw_registry_add(cw_registry *reg, const cw_detector *d)
{
	int rc = addable(reg, d);
	if (rc <= 0)
		return rc;
	if ((rc = cw_grow((void **)&reg->v, &reg->cap, reg->n + 1, sizeof *reg->v)) < 0)
		return rc;
	reg->v[reg->n++] = d;
	return 0;
}

/* Checks every detector of a plug-in's table before any is added: all or none. */
static int check_table(const cw_registry *reg, const cw_detector *const *table)
{
	size_t n = 0;
	for (; table[n]; n++) {
		int rc = addable(reg, table[n]);
		if (rc < 0)
			return rc;
		for (size_t k = 0; k < n; k++)
			if (!strcmp(table[k]->name, table[n]->name) && table[k] != table[n])
				return cw_error_set(CW_EINVALID, "two detectors are named %s", table[n]->name);
	}
	if (n == 0)
		return cw_error_set(CW_EINVALID, "%s lists no detector", CW_PLUGIN_SYMBOL);
	return 0;
}

static int add_table(cw_registry *reg, void *handle, const cw_detector *const *table)
{
	size_t n0 = reg->n;
	int rc = cw_grow((void **)&reg->plugins, &reg->plugins_cap, reg->nplugins + 1, sizeof *reg->plugins);
	for (size_t i = 0; rc == 0 && table[i]; i++)
		rc = cw_registry_add(reg, table[i]);
	if (rc < 0) {
		reg->n = n0; /* none of them: the handle is closed */
		return rc;
	}
	reg->plugins[reg->nplugins++] = handle;
	return 0;
}

int cw_registry_load_plugin(cw_registry *reg, const char *path)
{
	char here[PATH_MAX];
	/* a bare name is a file of the current folder, not one for dlopen to search the library path for */
	if (!strchr(path, '/') && snprintf(here, sizeof here, "./%s", path) < (int)sizeof here)
		path = here;
	void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!handle)
		return cw_error_set(CW_EINVALID, "plugin %s: %s", path, dlerror());
	const cw_detector *const *table = dlsym(handle, CW_PLUGIN_SYMBOL);
	int rc = table ? check_table(reg, table)
	               : cw_error_set(CW_EINVALID, "exports no %s table (see claimwatch/detector.h)", CW_PLUGIN_SYMBOL);
	if (rc == 0)
		rc = add_table(reg, handle, table);
	if (rc < 0) {
		dlclose(handle);
		return cw_error_wrap(rc, "plugin %s", path);
	}
	return 0;
}
