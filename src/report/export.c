/* export.c: the month's results as one JSON document, and CSV for Excel (see export.h). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/csv.h"
#include "io/jsonfield.h"
#include "io/rootmonths.h"
#include "report/export.h"

/* --- CSV for Excel ------------------------------------------------------------------------- */

/* A plain decimal number ("-5.00", "12", "0.25"): Excel reads it as a number, not a formula. */
static int is_number(const char *s, size_t len)
{
	size_t i = 0, digits = 0;
	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (i < len && s[i] == '.')
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
	return digits && i == len;
}

void cw_excel_field(FILE *out, const char *s, size_t len)
{
	int formula = len && strchr("=+-@\t\r", s[0]) && !is_number(s, len);
	int quote = formula || memchr(s, ',', len) || memchr(s, '"', len) || memchr(s, '\n', len) ||
	            memchr(s, '\r', len);
	if (quote)
		fputc('"', out);
	if (formula)
		fputc('\'', out);
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			fputc('"', out);
		fputc(s[i], out);
	}
	if (quote)
		fputc('"', out);
}

typedef struct membuf {
	const char *p;
	size_t left;
} membuf;

static long read_mem(void *ctx, char *buf, size_t n)
{
	membuf *m = ctx;
	if (n > m->left)
		n = m->left;
	memcpy(buf, m->p, n);
	m->p += n;
	m->left -= n;
	return (long)n;
}

/* Every record of c rewritten for Excel. */
static int excel_records(cw_csv *c, const char *name, FILE *out)
{
	cw_csv_record rec;
	int rc;
	fputs("\xEF\xBB\xBF", out);
	while ((rc = cw_csv_next(c, &rec)) == 1) {
		if (rec.error)
			return cw_error_set(CW_EINVALID, "%s: line %llu: %s", name, (unsigned long long)rec.line, rec.error);
		for (size_t i = 0; i < rec.nfields; i++) {
			if (i)
				fputc(',', out);
			cw_excel_field(out, rec.field[i].ptr, rec.field[i].len);
		}
		fputs("\r\n", out);
	}
	return rc < 0 ? rc : 0;
}

int cw_csv_to_excel(const char *data, size_t len, const char *name, FILE *out)
{
	membuf m = { data, len };
	cw_csv *c;
	int rc = cw_csv_open_reader(&c, read_mem, &m, name, NULL);
	if (rc < 0)
		return rc;
	rc = excel_records(c, name, out);
	cw_csv_close(c);
	return rc;
}

static int table_path(const char *root, cw_month m, const char *table, char *buf, size_t size)
{
	char file[128];
	if (!*table || strchr(table, '/') || strstr(table, "..") || strlen(table) > 100)
		return cw_error_set(CW_EINVALID, "not a table name: '%s'", table);
	snprintf(file, sizeof file, "%s.csv", table);
	if (cw_root_month_file(buf, size, root, m, file) < 0)
		return cw_error_set(CW_EINVALID, "path too long: %s", root);
	return 0;
}

int cw_export_table_csv(const char *root, cw_month m, const char *table, int excel, FILE *out)
{
	char path[4096];
	int rc = table_path(root, m, table, path, sizeof path);
	if (rc < 0)
		return rc;
	if (excel) {
		cw_csv *c;
		if ((rc = cw_csv_open(&c, path, NULL)) < 0)
			return rc;
		rc = excel_records(c, path, out);
		cw_csv_close(c);
		return rc;
	}
	FILE *in = fopen(path, "rb");
	if (!in)
		return cw_error_set(errno == ENOENT ? CW_ENOTFOUND : CW_EIO, "cannot read %s: %s", path, strerror(errno));
	char buf[1 << 16];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, n, out);
	rc = ferror(in) ? cw_error_set(CW_EIO, "reading %s failed", path) : 0;
	fclose(in);
	return rc;
}

/* --- the month as JSON --------------------------------------------------------------------------- */

/* How a column goes into JSON: 'n' number, 'l' list, 's' string (money stays a string: exact). */
static char column_kind(const char *name)
{
	static const char *const numbers[] = {
		"score", "rank", "findings", "visits", "level", "single_firsts", "composite_firsts", "money_share",
		"findings_per_100_visits", "outlier_severity", "confirmed", "dismissed", "value", "expected", "limit",
		"drug_share", "drug_share_target", "over_target", "outpatient_visits", "cost_per_visit",
		"last_cost_per_visit", "cost_per_visit_growth", "inpatient_stays", "cost_per_stay", "last_cost_per_stay",
		"cost_per_stay_growth", "volume", "z", "flagged", "peers", "line", NULL
	};
	static const char *const lists[] = { "line_ids", "months_flagged", "firsts_this_month", "missing_months",
		                             "single_first_months", "composite_first_months", NULL };
	for (size_t i = 0; numbers[i]; i++)
		if (!strcmp(name, numbers[i]))
			return 'n';
	for (size_t i = 0; lists[i]; i++)
		if (!strcmp(name, lists[i]))
			return 'l';
	return 's';
}

/* A CSV file as an array of objects; a missing file gives NULL in *out (not an error). */
static int table_json(const char *path, cJSON **out)
{
	cw_csv *c;
	cw_csv_record rec;
	*out = NULL;
	int rc = cw_csv_open(&c, path, NULL);
	if (rc == CW_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	char **head = NULL;
	size_t nhead = 0;
	cJSON *rows = cJSON_CreateArray();
	while (rows && (rc = cw_csv_next(c, &rec)) == 1) {
		if (rec.error) {
			rc = cw_error_set(CW_EINVALID, "%s: line %llu: %s", path, (unsigned long long)rec.line, rec.error);
			break;
		}
		if (!head) {
			nhead = rec.nfields;
			if (!(head = calloc(nhead + 1, sizeof *head))) {
				rc = cw_error_set(CW_ENOMEM, "out of memory");
				break;
			}
			for (size_t i = 0; i < nhead; i++) {
				size_t off = i == 0 && rec.field[i].len >= 3 && !memcmp(rec.field[i].ptr, "\xEF\xBB\xBF", 3) ? 3 : 0;
				head[i] = strndup(rec.field[i].ptr + off, rec.field[i].len - off);
			}
			continue;
		}
		if (rec.nfields != nhead) {
			rc = cw_error_set(CW_EINVALID, "%s: line %llu: %zu fields where the header has %zu", path,
			                  (unsigned long long)rec.line, rec.nfields, nhead);
			break;
		}
		cJSON *o = cJSON_CreateObject();
		for (size_t i = 0; o && i < nhead; i++)
			if (head[i])
				cJSON_AddItemToObject(o, head[i], cw_json_field(rec.field[i].ptr, rec.field[i].len, column_kind(head[i])));
		cJSON_AddItemToArray(rows, o);
	}
	for (size_t i = 0; head && i < nhead; i++)
		free(head[i]);
	free(head);
	cw_csv_close(c);
	if (rc < 0 || !rows) {
		cJSON_Delete(rows);
		return rc < 0 ? rc : cw_error_set(CW_ENOMEM, "out of memory");
	}
	*out = rows;
	return 0;
}

static int summary_json(const char *path, cJSON **out)
{
	*out = NULL;
	FILE *f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? 0 : cw_error_set(CW_EIO, "cannot read %s: %s", path, strerror(errno));
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	char buf[1 << 14];
	while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
		if (len + n + 1 > cap) {
			char *t = realloc(text, cap = 2 * (len + n + 1));
			if (!t) {
				free(text);
				fclose(f);
				return cw_error_set(CW_ENOMEM, "out of memory");
			}
			text = t;
		}
		memcpy(text + len, buf, n);
		len += n;
	}
	fclose(f);
	if (text)
		text[len] = 0;
	*out = text ? cJSON_Parse(text) : NULL;
	free(text);
	return *out ? 0 : cw_error_set(CW_EINVALID, "%s: not valid JSON", path);
}

int cw_export_month_json(const char *root, cw_month m, FILE *out)
{
	static const char *const tables[] = { "findings", "ranking", "sanctions", "indicators", NULL };
	char path[4096], month[8];
	cw_month_format(m, month);
	if (cw_root_month_file(path, sizeof path, root, m, "summary.json") < 0)
		return cw_error_set(CW_EINVALID, "path too long: %s", root);
	cJSON *doc = cJSON_CreateObject(), *part;
	if (!doc)
		return cw_error_set(CW_ENOMEM, "out of memory");
	cJSON_AddStringToObject(doc, "month", month);
	int rc = summary_json(path, &part);
	if (rc == 0 && !part)
		rc = cw_error_set(CW_ENOTFOUND, "no results for %s under %s (no %s)", month, root, path);
	if (rc == 0)
		cJSON_AddItemToObject(doc, "summary", part);
	for (size_t i = 0; rc == 0 && tables[i]; i++) {
		char file[64];
		snprintf(file, sizeof file, "%s.csv", tables[i]);
		cw_root_month_file(path, sizeof path, root, m, file);
		if ((rc = table_json(path, &part)) == 0)
			cJSON_AddItemToObject(doc, tables[i], part ? part : cJSON_CreateNull());
	}
	char *text = rc == 0 ? cJSON_Print(doc) : NULL;
	cJSON_Delete(doc);
	if (rc < 0)
		return rc;
	if (!text)
		return cw_error_set(CW_ENOMEM, "out of memory");
	fputs(text, out);
	fputc('\n', out);
	free(text);
	return 0;
}
