/* imp_util.c: what both importers need to read their sources: decimals with more places than the
 * contract keeps (the platform's prices have 6, its quantities 4), the time forms of both sources, a
 * string map, and the mapping report's counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "import.h"

int imp_decimal(int64_t *out, int *rounded, const char **why, const char *s, int scale)
{
	int neg = 0, decimals = 0, digits = 0;
	int64_t micro = 0; /* the value in millionths */
	const char *p = s;
	*rounded = 0;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++, digits++)
		if ((micro = micro * 10 + (*p - '0')) > 1000000000000LL)
			return *why = "beyond 10^12", CW_EINVALID;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
			if (++decimals > 6)
				return *why = "more than 6 decimals", CW_EINVALID;
			micro = micro * 10 + (*p - '0');
		}
	}
	if (*p || !digits)
		return *why = "not a number", CW_EINVALID;
	for (int i = decimals; i < 6; i++)
		micro *= 10;
	int64_t unit = 1;
	for (int i = scale; i < 6; i++)
		unit *= 10;
	int64_t v = (micro + unit / 2) / unit; /* half away from zero (micro >= 0 here) */
	*rounded = v * unit != micro;
	*out = neg ? -v : v;
	return 0;
}

int imp_time(cw_minute *out, const char **why, const char *s)
{
	size_t n = strlen(s);
	if (n == 8 && strspn(s, "0123456789") == 8) { /* CMS: YYYYMMDD */
		char iso[11] = { s[0], s[1], s[2], s[3], '-', s[4], s[5], '-', s[6], s[7], 0 };
		cw_day d;
		if (cw_parse_date(&d, why, iso, 10) < 0)
			return CW_EINVALID;
		*out = (cw_minute)(d * CW_MINUTES_PER_DAY);
		return 0;
	}
	if (n == 10) {
		cw_day d;
		if (cw_parse_date(&d, why, s, n) < 0)
			return CW_EINVALID;
		*out = (cw_minute)(d * CW_MINUTES_PER_DAY);
		return 0;
	}
	return cw_parse_time(out, why, s, n) < 0 ? CW_EINVALID : 0;
}

/* FNV-1a */
static size_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

int64_t imp_map_get(const imp_map *m, const char *key)
{
	if (!m->cap)
		return -1;
	for (size_t i = hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		if (!m->key[i])
			return -1;
		if (!strcmp(m->key[i], key))
			return m->val[i];
	}
}

static int grow(imp_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	char **key = calloc(cap, sizeof *key);
	int64_t *val = calloc(cap, sizeof *val);
	if (!key || !val) {
		free(key);
		free(val);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	for (size_t j = 0; j < m->cap; j++) {
		if (!m->key[j])
			continue;
		size_t i = hash(m->key[j]) & (cap - 1);
		while (key[i])
			i = (i + 1) & (cap - 1);
		key[i] = m->key[j];
		val[i] = m->val[j];
	}
	free(m->key);
	free(m->val);
	m->key = key;
	m->val = val;
	m->cap = cap;
	return 0;
}

int imp_map_put(imp_map *m, const char *key, int64_t val)
{
	if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
		return CW_ENOMEM;
	size_t i = hash(key) & (m->cap - 1);
	for (; m->key[i]; i = (i + 1) & (m->cap - 1))
		if (!strcmp(m->key[i], key)) {
			m->val[i] = val;
			return 0;
		}
	if (!(m->key[i] = imp_strdup(key)))
		return cw_error_set(CW_ENOMEM, "out of memory");
	m->val[i] = val;
	m->n++;
	return 0;
}

void imp_map_free(imp_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->key[i]);
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof *m);
}

char *imp_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

void imp_count_add(imp_report *r, const char *record, int outcome, const char *reason, const char *reason_zh,
                   const char *example)
{
	for (size_t i = 0; i < r->n; i++) {
		imp_count *c = &r->c[i];
		if (c->outcome == outcome && !strcmp(c->record, record) &&
		    (c->reason == reason || (c->reason && reason && !strcmp(c->reason, reason)))) {
			c->n++;
			return;
		}
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		imp_count *c = realloc(r->c, cap * sizeof *c);
		if (!c) {
			r->failed = 1;
			return;
		}
		r->c = c;
		r->cap = cap;
	}
	imp_count *c = &r->c[r->n++];
	memset(c, 0, sizeof *c);
	c->record = record;
	c->outcome = outcome;
	c->reason = reason;
	c->reason_zh = reason_zh;
	c->n = 1;
	if (example)
		snprintf(c->example, sizeof c->example, "%s", example);
}

uint64_t imp_count_total(const imp_report *r, const char *record, int outcome)
{
	uint64_t n = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->c[i].outcome == outcome && !strcmp(r->c[i].record, record))
			n += r->c[i].n;
	return n;
}
