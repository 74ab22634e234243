/* imp_src.c: one source record file read by field name, whether it is a CSV export (a header row, RFC
 * 4180, through src/io's reader) or JSON lines (one object per line, the platform's records as they are
 * sent, through cJSON). Numbers in JSON become their decimal text (up to 6 decimals, the platform's
 * widest), true/false 1/0, null empty. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>
#include "claimwatch/error.h"
#include "import.h"
#include "io/csv.h"

#define IMP_MAX_FIELDS 160

struct imp_src {
	char path[4096];
	const char *file; /* path's last part */
	const char *const *fields;
	size_t nf;
	int optional[IMP_MAX_FIELDS];
	long col[IMP_MAX_FIELDS]; /* CSV: the column of field i, -1 when absent */
	char *val[IMP_MAX_FIELDS];
	size_t header_fields;
	cw_csv *csv;      /* a CSV export */
	FILE *json;       /* JSON lines */
	char *linebuf;
	size_t linecap;
	uint64_t line;    /* the current row's line */
};

static const char *name_of(const imp_src *s, size_t i)
{
	return s->fields[i] + (s->fields[i][0] == '?');
}

static void clear(imp_src *s)
{
	for (size_t i = 0; i < s->nf; i++) {
		free(s->val[i]);
		s->val[i] = NULL;
	}
}

static int set(imp_src *s, size_t i, const char *p, size_t len)
{
	free(s->val[i]);
	if (!(s->val[i] = malloc(len + 1)))
		return cw_error_set(CW_ENOMEM, "out of memory");
	memcpy(s->val[i], p, len);
	s->val[i][len] = 0;
	return 0;
}

static int csv_header(imp_src *s)
{
	cw_csv_record rec;
	int rc = cw_csv_next(s->csv, &rec);
	if (rc < 0)
		return rc;
	if (rc == 0 || rec.error)
		return cw_error_set(CW_EINVALID, "%s: line 1: no readable header row%s%s", s->path,
		                    rc && rec.error ? ": " : "", rc && rec.error ? rec.error : "");
	s->header_fields = rec.nfields;
	for (size_t i = 0; i < s->nf; i++) {
		const char *want = name_of(s, i);
		s->col[i] = -1;
		for (size_t j = 0; j < rec.nfields; j++) {
			const cw_csv_field *f = &rec.field[j];
			size_t off = j == 0 && f->len >= 3 && !memcmp(f->ptr, "\xEF\xBB\xBF", 3) ? 3 : 0;
			if (f->len - off == strlen(want) && !memcmp(f->ptr + off, want, f->len - off))
				s->col[i] = (long)j;
		}
		if (s->col[i] < 0 && !s->optional[i])
			return cw_error_set(CW_EINVALID, "%s: line 1: the required column '%s' is missing", s->path, want);
	}
	return 0;
}

int imp_src_open(imp_src **out, const char *dir, const char *name, const char *const *fields)
{
	*out = NULL;
	imp_src *s = calloc(1, sizeof *s);
	if (!s)
		return cw_error_set(CW_ENOMEM, "out of memory");
	s->fields = fields;
	while (fields[s->nf] && s->nf < IMP_MAX_FIELDS) {
		s->optional[s->nf] = fields[s->nf][0] == '?';
		s->nf++;
	}
	struct stat st;
	int json = 0;
	snprintf(s->path, sizeof s->path, "%s/%s.csv", dir, name);
	if (stat(s->path, &st) != 0) {
		snprintf(s->path, sizeof s->path, "%s/%s.jsonl", dir, name);
		json = 1;
		if (stat(s->path, &st) != 0) {
			free(s);
			return cw_error_set(CW_ENOTFOUND, "%s/%s.csv or .jsonl: not found", dir, name);
		}
	}
	const char *slash = strrchr(s->path, '/');
	s->file = slash ? slash + 1 : s->path;
	int rc = 0;
	if (json) {
		if (!(s->json = fopen(s->path, "rb")))
			rc = cw_error_set(CW_EIO, "%s: cannot read: %s", s->path, strerror(errno));
	} else if ((rc = cw_csv_open(&s->csv, s->path, NULL)) == 0)
		rc = csv_header(s);
	if (rc < 0) {
		imp_src_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

static int csv_next(imp_src *s)
{
	cw_csv_record rec;
	int rc = cw_csv_next(s->csv, &rec);
	if (rc <= 0)
		return rc;
	s->line = rec.line;
	if (rec.error)
		return cw_error_set(CW_EINVALID, "%s: line %llu: %s", s->path, (unsigned long long)rec.line, rec.error);
	if (rec.nfields != s->header_fields)
		return cw_error_set(CW_EINVALID, "%s: line %llu: %zu fields where the header has %zu", s->path,
		                    (unsigned long long)rec.line, rec.nfields, s->header_fields);
	for (size_t i = 0; i < s->nf; i++)
		if (s->col[i] >= 0 && (rc = set(s, i, rec.field[s->col[i]].ptr, rec.field[s->col[i]].len)) < 0)
			return rc;
	return 1;
}

/* A JSON number as decimal text: up to 6 decimals, trailing zeros cut. */
static void number_text(char *buf, size_t size, double v)
{
	snprintf(buf, size, "%.6f", v);
	char *dot = strchr(buf, '.');
	if (!dot)
		return;
	char *end = buf + strlen(buf) - 1;
	while (end > dot && *end == '0')
		*end-- = 0;
	if (end == dot)
		*end = 0;
}

static int json_value(imp_src *s, size_t i, const cJSON *v)
{
	char num[64];
	if (!v || cJSON_IsNull(v))
		return 0;
	if (cJSON_IsString(v))
		return set(s, i, v->valuestring, strlen(v->valuestring));
	if (cJSON_IsBool(v))
		return set(s, i, cJSON_IsTrue(v) ? "1" : "0", 1);
	if (cJSON_IsNumber(v)) {
		if (!(v->valuedouble > -9007199254740992.0 && v->valuedouble < 9007199254740992.0))
			return cw_error_set(CW_EINVALID, "%s: line %llu: column %s: a number beyond 2^53 is not read exactly "
			                    "(an id such as feedetl_sn written as a number?): write it as a string", s->path,
			                    (unsigned long long)s->line, name_of(s, i));
		number_text(num, sizeof num, v->valuedouble);
		return set(s, i, num, strlen(num));
	}
	return cw_error_set(CW_EINVALID, "%s: line %llu: column %s: an object or array where a value belongs", s->path,
	                    (unsigned long long)s->line, name_of(s, i));
}

static int json_next(imp_src *s)
{
	for (;;) {
		errno = 0;
		ssize_t n = getline(&s->linebuf, &s->linecap, s->json);
		if (n < 0)
			return errno ? cw_error_set(CW_EIO, "%s: read failed: %s", s->path, strerror(errno)) : 0;
		s->line++;
		if (strspn(s->linebuf, " \t\r\n") == (size_t)n)
			continue; /* a blank line */
		if (strlen(s->linebuf) != (size_t)n)
			return cw_error_set(CW_EINVALID, "%s: line %llu: a NUL byte", s->path, (unsigned long long)s->line);
		cJSON *doc = cJSON_ParseWithLength(s->linebuf, (size_t)n);
		if (!doc || !cJSON_IsObject(doc)) {
			const char *at = cJSON_GetErrorPtr();
			long col = doc || !at || at < s->linebuf || at > s->linebuf + n ? 0 : (long)(at - s->linebuf) + 1;
			cJSON_Delete(doc);
			if (col)
				return cw_error_set(CW_EINVALID, "%s: line %llu: column %ld: not a JSON object", s->path,
				                    (unsigned long long)s->line, col);
			return cw_error_set(CW_EINVALID, "%s: line %llu: not a JSON object", s->path,
			                    (unsigned long long)s->line);
		}
		int rc = 0;
		for (size_t i = 0; i < s->nf && rc == 0; i++)
			rc = json_value(s, i, cJSON_GetObjectItemCaseSensitive(doc, name_of(s, i)));
		cJSON_Delete(doc);
		return rc < 0 ? rc : 1;
	}
}

int imp_src_next(imp_src *s)
{
	clear(s);
	return s->csv ? csv_next(s) : json_next(s);
}

const char *imp_src_get(imp_src *s, size_t i)
{
	return i < s->nf && s->val[i] ? s->val[i] : "";
}

char *imp_src_where(char *buf, size_t size, const imp_src *s, int col)
{
	if (col >= 0 && (size_t)col < s->nf)
		snprintf(buf, size, "%s:%llu:%s", s->file, (unsigned long long)s->line, name_of(s, (size_t)col));
	else
		snprintf(buf, size, "%s:%llu", s->file, (unsigned long long)s->line);
	return buf;
}

const char *imp_src_file(const imp_src *s)
{
	return s->file;
}

void imp_src_close(imp_src *s)
{
	if (!s)
		return;
	clear(s);
	if (s->csv)
		cw_csv_close(s->csv);
	if (s->json)
		fclose(s->json);
	free(s->linebuf);
	free(s);
}

int imp_src_open_optional(imp_src **out, const char *dir, const char *name, const char *const *fields)
{
	int rc = imp_src_open(out, dir, name, fields);
	if (rc == CW_ENOTFOUND) {
		cw_error_clear();
		return 0;
	}
	return rc < 0 ? rc : 1;
}
