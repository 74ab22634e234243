/* rules.c: the rule base: defaults compiled in, a user's file merged over them, typed getters.
 *
 * Validation is generic: the defaults are the schema. A user's key must exist
 * in the defaults with a value of the same JSON type. An object in the defaults
 * that holds the key "*" is an open map: any key is allowed there, with a value
 * of the type of the "*" entry (for instance dimensions.by_detector). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "claimwatch/error.h"
#include "claimwatch/rules.h"
#include "util/resource.h"

struct cw_rules {
	cJSON *doc;
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
			return cw_error_set(CW_EINVALID, "%s: unknown key", sub);
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

int cw_rules_load_text(cw_rules **out, const char *text, const char *name)
{
	const char *defaults = cw_resource_get("rules/default.json", NULL);
	cJSON *doc = NULL, *user = NULL;
	int rc;
	if (!defaults)
		return cw_error_set(CW_ERROR, "internal: rules/default.json is not compiled in");
	if ((rc = parse(defaults, "rules/default.json", &doc)) < 0)
		return rc;
	if (text) {
		if ((rc = parse(text, name, &user)) < 0 || (rc = merge(doc, user, "")) < 0) {
			if (rc != CW_ENOMEM && user)
				cw_error_wrap(rc, "%s", name);
			cJSON_Delete(doc);
			cJSON_Delete(user);
			return rc;
		}
		cJSON_Delete(user);
	}
	cw_rules *r = malloc(sizeof *r);
	if (!r) {
		cJSON_Delete(doc);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	r->doc = doc;
	*out = r;
	return 0;
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

int cw_rules_load(cw_rules **out, const char *path)
{
	if (!path)
		return cw_rules_load_text(out, NULL, NULL);
	char *text = NULL;
	int rc = read_all(path, &text);
	if (rc < 0)
		return rc;
	rc = cw_rules_load_text(out, text, path);
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
char *cw_rules_print(const cw_rules *r) { return cJSON_Print(r->doc); }

cw_section cw_rules_section(const cw_rules *r, const char *dotted)
{
	cw_section s = { r->doc, "" };
	char key[128];
	const char *p = dotted;
	while (s.json && *p) {
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
	const cJSON *j = s->json ? cJSON_GetObjectItemCaseSensitive(s->json, key) : NULL;
	c.json = cJSON_IsObject(j) ? j : NULL;
	join(c.path, sizeof c.path, s->path, key);
	return c;
}

static int get(const cw_section *s, const char *key, const cJSON **out)
{
	const cJSON *j = s->json ? cJSON_GetObjectItemCaseSensitive(s->json, key) : NULL;
	if (!j)
		return cw_error_set(CW_ENOTFOUND, "%s%s%s: missing from the rules", s->path, *s->path ? "." : "", key);
	*out = j;
	return 0;
}

#define KEYFMT "%s%s%s"
#define KEYARGS(s, key) (s)->path, *(s)->path ? "." : "", key

int cw_section_double(const cw_section *s, const char *key, double min, double max, double *out)
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

int cw_section_int(const cw_section *s, const char *key, long long min, long long max, long long *out)
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

int cw_section_bool(const cw_section *s, const char *key, int *out)
{
	const cJSON *j = NULL;
	if (get(s, key, &j) < 0)
		return CW_ENOTFOUND;
	if (!cJSON_IsBool(j))
		return cw_error_set(CW_EINVALID, KEYFMT ": expected true or false, got %s", KEYARGS(s, key), type_name(j));
	*out = cJSON_IsTrue(j);
	return 0;
}

int cw_section_string(const cw_section *s, const char *key, const char **out)
{
	const cJSON *j = NULL;
	if (get(s, key, &j) < 0)
		return CW_ENOTFOUND;
	if (!cJSON_IsString(j))
		return cw_error_set(CW_EINVALID, KEYFMT ": expected a string, got %s", KEYARGS(s, key), type_name(j));
	*out = j->valuestring;
	return 0;
}

int cw_section_choice(const cw_section *s, const char *key, const char *const *choices, int *out)
{
	const char *v;
	int rc = cw_section_string(s, key, &v);
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

int cw_section_strings(const cw_section *s, const char *key, const char ***out, size_t *n)
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

int cw_section_money(const cw_section *s, const char *key, long long *out_fen)
{
	double yuan = 0;
	int rc = cw_section_double(s, key, 0, 1e12, &yuan);
	if (rc < 0)
		return rc;
	*out_fen = llround(yuan * 100.0);
	return 0;
}
