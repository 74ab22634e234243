/* rules.c: the rule base: defaults compiled in, every detector's own defaults merged under
 * detectors.<name>, a user's file merged over them, typed getters.
 *
 * Validation is generic: the defaults are the schema. A user's key must exist
 * in the defaults with a value of the same JSON type. An object in the defaults
 * that holds the key "*" is an open map: any key is allowed there, with a value
 * of the type of the "*" entry (for instance dimensions.by_detector). The
 * user's "plugins" are loaded into the registry first, so that their detectors'
 * keys are known when the file is checked. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/rules.h"
#include "engine/rules_json.h"
#include "util/resource.h"

struct cw_rules {
	cJSON *doc;
	const cw_registry *reg; /* the caller's */
};

static const char *type_name(const cJSON *j)
{
	if (cJSON_IsNumber(j)) return "a number";
	if (cJSON_IsString(j)) return "a string";
	if (cJSON_IsBool(j)) return "true or false";
	if (cJSON_IsArray(j)) return "an array";
	if (cJSON_IsObject(j)) return "an object";
	if (cJSON_IsNull(j)) return "null";
	return "an invalid value";
}

static int same_type(const cJSON *a, const cJSON *b)
{
	return (cJSON_IsBool(a) && cJSON_IsBool(b)) || (a->type & 0xff) == (b->type & 0xff);
}

static void join(char *out, size_t size, const char *path, const char *key)
{
	if (snprintf(out, size, "%s%s%s", path, *path ? "." : "", key) >= (int)size && size > 4)
		memcpy(out + size - 4, "...", 4); /* a path for messages: cut visibly */
}

/* Where cJSON stopped parsing, as "line L, column C". */
static void parse_position(const char *text, const char *stop, char *buf, size_t size)
{
	int line = 1, col = 1;
	for (const char *p = text; stop && p < stop && *p; p++) {
		if (*p == '\n') { line++; col = 1; } else col++;
	}
	snprintf(buf, size, "line %d, column %d", line, col);
}

static int check_array(const cJSON *def, const cJSON *user, const char *path)
{
	const cJSON *proto = cJSON_GetArrayItem(def, 0), *e;
	int i = 0;
	cJSON_ArrayForEach(e, user) {
		if (proto && !same_type(proto, e))
			return cw_error_set(CW_EINVALID, "%s[%d]: expected %s, got %s", path, i, type_name(proto),
			                    type_name(e));
		i++;
	}
	return 0;
}

/* Keys that moved: a user's file that still sets one is told where it went. */
static const struct { const char *old, *now; } moved[] = {
	{ "report.drug_share_target", "detectors.drug_share.target_by_level (level1..3), read by the drug_share "
	                              "detector and the indicators alike" },
};

static int unknown_key(const char *path)
{
	size_t n = strlen(path);
	for (size_t i = 0; i < sizeof moved / sizeof moved[0]; i++)
		if (!strncmp(moved[i].old, path, n) && (!moved[i].old[n] || moved[i].old[n] == '.'))
			return cw_error_set(CW_EINVALID, "%s: unknown key (%s moved to %s)", path, moved[i].old,
			                    moved[i].now);
	return cw_error_set(CW_EINVALID, "%s: unknown key", path);
}

static int merge(cJSON *def, const cJSON *user, const char *path)
{
	const cJSON *u;
	const cJSON *open = cJSON_GetObjectItemCaseSensitive(def, "*");
	cJSON_ArrayForEach(u, user) {
		char sub[256];
		join(sub, sizeof sub, path, u->string);
		cJSON *d = cJSON_GetObjectItemCaseSensitive(def, u->string);
		const cJSON *proto = d ? d : open;
		if (!proto || !strcmp(u->string, "*"))
			return unknown_key(sub);
		if (!same_type(proto, u))
			return cw_error_set(CW_EINVALID, "%s: expected %s, got %s", sub, type_name(proto), type_name(u));
		if (cJSON_IsNumber(u) && !isfinite(u->valuedouble))
			return cw_error_set(CW_EINVALID, "%s: number out of range", sub);
		if (cJSON_IsObject(u) && d) {
			int rc = merge(d, u, sub);
			if (rc < 0)
				return rc;
			continue;
		}
		if (cJSON_IsArray(u) && check_array(proto, u, sub) < 0)
			return CW_EINVALID;
		cJSON *copy = cJSON_Duplicate(u, 1);
		if (copy && d) /* cJSON 1.7 puts the copy in even when it cannot copy the key: it then has none */
			copy = cJSON_ReplaceItemInObjectCaseSensitive(def, u->string, copy) && copy->string ? copy : NULL;
		else if (copy && !cJSON_AddItemToObject(def, u->string, copy)) {
			cJSON_Delete(copy);
			copy = NULL;
		}
		if (!copy)
			return cw_error_set(CW_ENOMEM, "out of memory reading the rules");
	}
	return 0;
}

static int parse(const char *text, const char *name, cJSON **out)
{
	const char *end = NULL;
	errno = 0; /* cJSON returns NULL for a syntax error and for a failed allocation alike */
	cJSON *j = cJSON_ParseWithOpts(text, &end, 1);
	if (!j && errno == ENOMEM)
		return cw_error_set(CW_ENOMEM, "%s: out of memory parsing the rules", name);
	if (!j) {
		char pos[64];
		parse_position(text, end ? end : cJSON_GetErrorPtr(), pos, sizeof pos);
		return cw_error_set(CW_EINVALID, "%s: not valid JSON (at %s)", name, pos);
	}
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return cw_error_set(CW_EINVALID, "%s: the rules must be a JSON object", name);
	}
	*out = j;
	return 0;
}

/* Adds item under key, or frees it and fails when cJSON cannot (its copy of the key). */
static int add_item(cJSON *object, const char *key, cJSON *item)
{
	if (cJSON_AddItemToObject(object, key, item))
		return 0;
	cJSON_Delete(item);
	return cw_error_set(CW_ENOMEM, "out of memory");
}

/* A detector's section: its defaults, with "enabled": true first unless they give it. */
static int detector_section(const cw_detector *d, cJSON **out)
{
	char name[96];
	snprintf(name, sizeof name, "detector %s: its defaults", d->name);
	cJSON *own = NULL, *sec = cJSON_CreateObject();
	int rc = sec ? parse(d->defaults ? d->defaults : "{}", name, &own) : cw_error_set(CW_ENOMEM, "out of memory");
	if (rc == 0 && !cJSON_GetObjectItemCaseSensitive(own, "enabled") && !cJSON_AddTrueToObject(sec, "enabled"))
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	while (rc == 0 && own->child) {
		cJSON *item = cJSON_DetachItemViaPointer(own, own->child);
		rc = add_item(sec, item->string, item);
	}
	cJSON_Delete(own);
	if (rc < 0) {
		cJSON_Delete(sec);
		return rc;
	}
	*out = sec;
	return 0;
}

/* Every detector's section under detectors.<name>, in the registry's order. */
static int merge_detectors(cJSON *doc, const cw_registry *reg)
{
	cJSON *all = cJSON_GetObjectItemCaseSensitive(doc, "detectors");
	if (!cJSON_IsObject(all))
		return cw_error_set(CW_ERROR, "internal: rules/default.json has no detectors object");
	for (size_t i = 0; i < cw_registry_count(reg); i++) {
		const cw_detector *d = cw_registry_get(reg, i);
		cJSON *sec;
		int rc = detector_section(d, &sec);
		if (rc < 0)
			return rc;
		if (cJSON_GetObjectItemCaseSensitive(all, d->name)) {
			cJSON_Delete(sec);
			return cw_error_set(CW_ERROR, "internal: rules/default.json names the detector %s", d->name);
		}
		if ((rc = add_item(all, d->name, sec)) < 0)
			return rc;
	}
	return 0;
}

/* A plug-in's path: as given when absolute, else relative to the folder base ("" for the current one). */
static int plugin_path(const char *base, const char *path, char *out, size_t size)
{
	int n = path[0] == '/' || !*base ? snprintf(out, size, "%s", path) : snprintf(out, size, "%s/%s", base, path);
	return n < 0 || (size_t)n >= size ? cw_error_set(CW_EINVALID, "plugins: path too long: %s", path) : 0;
}

/* The user's "plugins", loaded into the registry before anything is checked. */
static int load_plugins(const cJSON *user, cw_registry *reg, const char *base)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(user, "plugins"), *e;
	int i = 0;
	if (list && !cJSON_IsArray(list))
		return cw_error_set(CW_EINVALID, "plugins: expected an array of paths, got %s", type_name(list));
	cJSON_ArrayForEach(e, list) {
		char path[PATH_MAX];
		int rc;
		if (!cJSON_IsString(e))
			return cw_error_set(CW_EINVALID, "plugins[%d]: expected a path, got %s", i, type_name(e));
		if (!reg)
			return cw_error_set(CW_EINVALID, "plugins[%d]: no detector registry to load %s into", i, e->valuestring);
		if ((rc = plugin_path(base, e->valuestring, path, sizeof path)) < 0 ||
		    (rc = cw_registry_load_plugin(reg, path)) < 0)
			return rc;
		i++;
	}
	return 0;
}

/* The defaults, the detectors' defaults, then the user's text (when given) merged over them. */
static int build(cJSON **out, cw_registry *reg, const char *text, const char *name, const char *base)
{
	const char *defaults = cw_resource_get("rules/default.json", NULL);
	cJSON *doc = NULL, *user = NULL;
	int rc;
	if (!defaults)
		return cw_error_set(CW_ERROR, "internal: rules/default.json is not compiled in");
	if ((rc = parse(defaults, "rules/default.json", &doc)) < 0)
		return rc;
	if (text && (rc = parse(text, name, &user)) == 0 && (rc = load_plugins(user, reg, base)) < 0)
		cw_error_wrap(rc, "%s", name);
	if (rc == 0)
		rc = merge_detectors(doc, reg);
	if (rc == 0 && user && (rc = merge(doc, user, "")) < 0 && rc != CW_ENOMEM)
		cw_error_wrap(rc, "%s", name);
	cJSON_Delete(user);
	if (rc < 0) {
		cJSON_Delete(doc);
		return rc;
	}
	*out = doc;
	return 0;
}

static int load(cw_rules **out, cw_registry *reg, const char *text, const char *name, const char *base)
{
	cJSON *doc = NULL;
	int rc = build(&doc, reg, text, name, base);
	if (rc < 0)
		return rc;
	cw_rules *r = malloc(sizeof *r);
	if (!r) {
		cJSON_Delete(doc);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	r->doc = doc;
	r->reg = reg;
	*out = r;
	return 0;
}

int cw_rules_load_text(cw_rules **out, cw_registry *reg, const char *text, const char *name)
{
	return load(out, reg, text, name, "");
}

static int read_all(const char *path, char **out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return cw_error_set(errno == ENOENT ? CW_ENOTFOUND : CW_EIO, "rules file %s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return cw_error_set(CW_EIO, "rules file %s: is a folder, not a file", path);
	}
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap) {
			if (cap >= (size_t)64 << 20) {
				free(buf);
				fclose(f);
				return cw_error_set(CW_EINVALID, "rules file %s: larger than 64 MiB", path);
			}
			char *b = realloc(buf, cap *= 2);
			if (!b) { free(buf); buf = NULL; }
			buf = b;
		}
	}
	int err = ferror(f);
	fclose(f);
	if (!buf)
		return cw_error_set(CW_ENOMEM, "out of memory reading %s", path);
	if (err) {
		free(buf);
		return cw_error_set(CW_EIO, "rules file %s: read error", path);
	}
	if (memchr(buf, 0, len)) {
		free(buf);
		return cw_error_set(CW_EINVALID, "rules file %s: not JSON (holds a NUL byte)", path);
	}
	buf[len] = 0;
	*out = buf;
	return 0;
}

int cw_rules_load(cw_rules **out, cw_registry *reg, const char *path)
{
	if (!path)
		return load(out, reg, NULL, NULL, "");
	char *text = NULL, base[PATH_MAX];
	const char *slash = strrchr(path, '/');
	snprintf(base, sizeof base, "%.*s", slash ? (int)(slash - path) + (slash == path) : 0, path);
	int rc = read_all(path, &text);
	if (rc < 0)
		return rc;
	rc = load(out, reg, text, path, base);
	free(text);
	return rc;
}

void cw_rules_free(cw_rules *r)
{
	if (!r)
		return;
	cJSON_Delete(r->doc);
	free(r);
}

const cJSON *cw_rules_json(const cw_rules *r) { return r->doc; }
const cw_registry *cw_rules_registry(const cw_rules *r) { return r->reg; }
int cw_section_exists(const cw_section *s) { return s->node != NULL; }

cw_section cw_rules_section(const cw_rules *r, const char *dotted)
{
	cw_section s = { r->doc, "" };
	char key[128];
	const char *p = dotted;
	while (s.node && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (n >= sizeof key)
			n = sizeof key - 1;
		memcpy(key, p, n);
		key[n] = 0;
		s = cw_section_child(&s, key);
		p = dot ? dot + 1 : p + n;
	}
	snprintf(s.path, sizeof s.path, "%s", dotted);
	return s;
}

cw_section cw_section_child(const cw_section *s, const char *key)
{
	cw_section c;
	const cJSON *j = s->node ? cJSON_GetObjectItemCaseSensitive(cw_section_json(s), key) : NULL;
	c.node = cJSON_IsObject(j) ? j : NULL;
	join(c.path, sizeof c.path, s->path, key);
	return c;
}

static int get(const cw_section *s, const char *key, const cJSON **out)
{
	const cJSON *j = s->node ? cJSON_GetObjectItemCaseSensitive(cw_section_json(s), key) : NULL;
	if (!j)
		return cw_error_set(CW_ENOTFOUND, "%s%s%s: missing from the rules", s->path, *s->path ? "." : "", key);
	*out = j;
	return 0;
}

#define KEYFMT "%s%s%s"
#define KEYARGS(s, key) (s)->path, *(s)->path ? "." : "", key

int cw_section_double(double *out, const cw_section *s, const char *key, double min, double max)
{
	const cJSON *j = NULL;
	if (get(s, key, &j) < 0)
		return CW_ENOTFOUND;
	if (!cJSON_IsNumber(j) || !isfinite(j->valuedouble))
		return cw_error_set(CW_EINVALID, KEYFMT ": expected a number, got %s", KEYARGS(s, key), type_name(j));
	if (j->valuedouble < min || j->valuedouble > max)
		return cw_error_set(CW_EINVALID, KEYFMT ": %g is outside %g..%g", KEYARGS(s, key), j->valuedouble, min, max);
	*out = j->valuedouble;
	return 0;
}

int cw_section_int(long long *out, const cw_section *s, const char *key, long long min, long long max)
{
	const cJSON *j = NULL;
	if (get(s, key, &j) < 0)
		return CW_ENOTFOUND;
	double v = j->valuedouble;
	if (!cJSON_IsNumber(j) || !isfinite(v) || v != floor(v))
		return cw_error_set(CW_EINVALID, KEYFMT ": expected a whole number, got %s", KEYARGS(s, key),
		                    cJSON_IsNumber(j) ? "a fraction" : type_name(j));
	if (v < (double)min || v > (double)max)
		return cw_error_set(CW_EINVALID, KEYFMT ": %g is outside %lld..%lld", KEYARGS(s, key), v, min, max);
	*out = (long long)v;
	return 0;
}

int cw_section_bool(int *out, const cw_section *s, const char *key)
{
	const cJSON *j = NULL;
	if (get(s, key, &j) < 0)
		return CW_ENOTFOUND;
	if (!cJSON_IsBool(j))
		return cw_error_set(CW_EINVALID, KEYFMT ": expected true or false, got %s", KEYARGS(s, key), type_name(j));
	*out = cJSON_IsTrue(j);
	return 0;
}

int cw_section_string(const char **out, const cw_section *s, const char *key)
{
	const cJSON *j = NULL;
	if (get(s, key, &j) < 0)
		return CW_ENOTFOUND;
	if (!cJSON_IsString(j))
		return cw_error_set(CW_EINVALID, KEYFMT ": expected a string, got %s", KEYARGS(s, key), type_name(j));
	*out = j->valuestring;
	return 0;
}

int cw_section_choice(int *out, const cw_section *s, const char *key, const char *const *choices)
{
	const char *v;
	int rc = cw_section_string(&v, s, key);
	if (rc < 0)
		return rc;
	char list[256] = "";
	for (int i = 0; choices[i]; i++) {
		if (!strcmp(v, choices[i])) {
			*out = i;
			return 0;
		}
		size_t n = strlen(list);
		snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", choices[i]);
	}
	return cw_error_set(CW_EINVALID, KEYFMT ": '%s' is not one of %s", KEYARGS(s, key), v, list);
}

int cw_section_strings(const char ***out, size_t *n, const cw_section *s, const char *key)
{
	const cJSON *j = NULL, *e;
	if (get(s, key, &j) < 0)
		return CW_ENOTFOUND;
	if (!cJSON_IsArray(j))
		return cw_error_set(CW_EINVALID, KEYFMT ": expected an array of strings, got %s", KEYARGS(s, key),
		                    type_name(j));
	size_t count = (size_t)cJSON_GetArraySize(j), i = 0;
	const char **v = malloc((count ? count : 1) * sizeof *v);
	if (!v)
		return cw_error_set(CW_ENOMEM, "out of memory");
	cJSON_ArrayForEach(e, j) {
		if (!cJSON_IsString(e)) {
			free(v);
			return cw_error_set(CW_EINVALID, KEYFMT "[%zu]: expected a string, got %s", KEYARGS(s, key), i,
			                    type_name(e));
		}
		v[i++] = e->valuestring;
	}
	*out = v;
	*n = count;
	return 0;
}

int cw_section_money(long long *out_fen, const cw_section *s, const char *key)
{
	double yuan = 0;
	int rc = cw_section_double(&yuan, s, key, 0, 1e12);
	if (rc < 0)
		return rc;
	*out_fen = llround(yuan * 100.0);
	return 0;
}
