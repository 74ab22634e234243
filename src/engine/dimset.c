/* dimset.c: the rules' four-reasonableness dimensions and how a finding maps to one. */
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/findings.h"
#include "engine/rules_json.h"

#define CW_MAX_DIMS 16

struct cw_dimset {
	const char *names[CW_MAX_DIMS]; /* owned by the rules document */
	size_t n;
	int by_class[CW_CLASS_COUNT];
	size_t ndetectors; /* of the rules' registry */
	int *by_detector; /* per detector: a dimension, or -1 for "the detector's default, else by class" */
	int *detector_default;
};

int cw_dimset_find(const cw_dimset *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->names[i], name))
			return (int)i;
	return -1;
}

size_t cw_dimset_count(const cw_dimset *d) { return d->n; }
const char *cw_dimset_name(const cw_dimset *d, size_t i) { return i < d->n ? d->names[i] : "?"; }

void cw_dimset_free(cw_dimset *d)
{
	if (!d)
		return;
	free(d->by_detector);
	free(d->detector_default);
	free(d);
}

static int load_names(cw_dimset *d, const cw_section *s)
{
	const char **names;
	size_t n;
	int rc = cw_section_strings(&names, &n, s, "names");
	if (rc < 0)
		return rc;
	if (n == 0 || n > CW_MAX_DIMS) {
		free(names);
		return cw_error_set(CW_EINVALID, "%s.names: give 1 to %d dimensions", s->path, CW_MAX_DIMS);
	}
	for (size_t i = 0; i < n; i++) {
		d->names[i] = names[i];
		d->n = i;
		if (!*names[i] || !strcmp(names[i], "composite") || cw_dimset_find(d, names[i]) >= 0) {
			/* the message quotes the name: set it before the array is freed */
			int rc = cw_error_set(CW_EINVALID, "%s.names[%zu]: '%s' is empty, repeated or reserved", s->path, i,
			                      names[i]);
			free(names);
			return rc;
		}
	}
	d->n = n;
	free(names);
	return 0;
}

static int load_classes(cw_dimset *d, const cw_section *s)
{
	cw_section m = cw_section_child(s, "by_class");
	for (int c = 0; c < CW_CLASS_COUNT; c++) {
		const char *v;
		int rc = cw_section_string(&v, &m, cw_class_name(c));
		if (rc < 0)
			return rc;
		if ((d->by_class[c] = cw_dimset_find(d, v)) < 0)
			return cw_error_set(CW_EINVALID, "%s.%s: '%s' is not one of dimensions.names", m.path,
			                    cw_class_name(c), v);
	}
	return 0;
}

static int load_detectors(cw_dimset *d, const cw_section *s, const cw_registry *reg)
{
	cw_section m = cw_section_child(s, "by_detector");
	size_t n = d->ndetectors = cw_registry_count(reg);
	d->by_detector = malloc((n ? n : 1) * sizeof *d->by_detector);
	d->detector_default = malloc((n ? n : 1) * sizeof *d->detector_default);
	if (!d->by_detector || !d->detector_default)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const char *dim = cw_registry_get(reg, i)->dimension;
		d->by_detector[i] = -1;
		d->detector_default[i] = dim ? cw_dimset_find(d, dim) : -1;
	}
	const cJSON *e;
	cJSON_ArrayForEach(e, cw_section_json(&m)) {
		if (!strcmp(e->string, "*"))
			continue;
		int det = cw_registry_index(reg, e->string);
		if (det < 0)
			return cw_error_set(CW_EINVALID, "%s.%s: no detector has that name", m.path, e->string);
		if ((d->by_detector[det] = cw_dimset_find(d, e->valuestring)) < 0)
			return cw_error_set(CW_EINVALID, "%s.%s: '%s' is not one of dimensions.names", m.path, e->string,
			                    e->valuestring);
	}
	return 0;
}

int cw_dimset_load(cw_dimset **out, const cw_rules *rules)
{
	cw_section s = cw_rules_section(rules, "dimensions");
	cw_dimset *d = calloc(1, sizeof *d);
	if (!d)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int rc;
	if ((rc = load_names(d, &s)) < 0 || (rc = load_classes(d, &s)) < 0 || (rc = load_detectors(d, &s, cw_rules_registry(rules))) < 0) {
		cw_dimset_free(d);
		return rc;
	}
	*out = d;
	return 0;
}

int cw_dimset_resolve(const cw_dimset *d, int detector, int cls)
{
	if (detector >= 0 && (size_t)detector < d->ndetectors) {
		if (d->by_detector[detector] >= 0)
			return d->by_detector[detector];
		if (d->detector_default[detector] >= 0)
			return d->detector_default[detector];
	}
	return cls >= 0 && cls < CW_CLASS_COUNT ? d->by_class[cls] : d->by_class[CW_CAT_OTHER];
}
