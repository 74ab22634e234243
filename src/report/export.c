/* export.c: the month's results as one JSON document, and CSV for Excel (see export.h). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/csv.h"
#include "io/jsonfield.h"
#include "io/outfile.h"
#include "io/rootmonths.h"
#include "judge/assess.h"
#include "report/export.h"
#include "util/safetext.h"

/* --- CSV for people ------------------------------------------------------------------------- */

/* Every record of c into out, each field as it was meant (a formula's apostrophe taken off) and written
 * again per flags (outfile.h): neutralised unless CW_CSV_RAW, for Excel with CW_CSV_EXCEL. */
static int recode_records(cw_csv *c, const char *name, int flags, FILE *out)
{
	cw_csv_record rec;
	int rc;
	if (flags & CW_CSV_EXCEL)
		fputs("\xEF\xBB\xBF", out);
	while ((rc = cw_csv_next(c, &rec)) == 1) {
		if (rec.error)
			return cw_error_set(CW_EINVALID, "%s: line %llu: %s", name, (unsigned long long)rec.line, rec.error);
		for (size_t i = 0; i < rec.nfields; i++) {
			size_t skip = cw_csv_unneutral(rec.field[i].ptr, rec.field[i].len);
			cw_csv_put(out, rec.field[i].ptr + skip, rec.field[i].len - skip, i + 1 == rec.nfields, flags);
		}
	}
	return rc < 0 ? rc : 0;
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

int cw_export_table_csv(const char *root, cw_month m, const char *table, int flags, FILE *out)
{
	char path[4096];
	cw_csv *c;
	int rc = table_path(root, m, table, path, sizeof path);
	if (rc == 0)
		rc = cw_csv_open(&c, path, NULL);
	if (rc < 0)
		return rc;
	rc = recode_records(c, path, flags, out);
	cw_csv_close(c);
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
		"cost_per_stay_growth", "volume", "z", "flagged", "peers", "line", "ytd_months", "ytd_drug_share",
		"last_year_ytd_drug_share", "yoy_change", "yoy_short", "fund_estimated", "patients", "visits_per_patient",
		"material_share", "self_pay_share", "out_of_scope_share", "essential_drug_share",
		/* inst_assessment and dept_assessment (judge/assess.h) */
		"stays", "rejected_rows", "rank_of", "months", "claim_lines", "large_exams_resulted", "large_exams_positive",
		"violation_share", "rejected_share", "indicator_deduction", "findings_deduction", "money_deduction",
		"data_deduction",
		/* inst_sanctions (judge/inst_sanction.h) */
		"step", "window_months", "repeat_months", NULL
	};
	static const char *const lists[] = { "line_ids", "months_flagged", "firsts_this_month", "missing_months",
		                             "single_first_months", "composite_first_months",
		                             "history", NULL }; /* inst_sanctions: "2026-03:C 2026-05:D" */
	for (size_t i = 0; numbers[i]; i++)
		if (!strcmp(name, numbers[i]))
			return 'n';
	for (int i = 0; i < CW_AI_N; i++) { /* an assessment indicator, its target and its flag */
		size_t n = strlen(cw_ai_name(i));
		if (!strncmp(name, cw_ai_name(i), n) && (!name[n] || !strcmp(name + n, "_target") || !strcmp(name + n, "_over")))
			return 'n';
	}
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
		for (size_t i = 0; o && i < nhead; i++) {
			size_t skip = cw_csv_unneutral(rec.field[i].ptr, rec.field[i].len);
			if (head[i])
				cJSON_AddItemToObject(o, head[i], cw_json_field(rec.field[i].ptr + skip, rec.field[i].len - skip,
				                                                 column_kind(head[i])));
		}
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
	static const char *const tables[] = { "findings", "ranking", "sanctions", "indicators", "inst_assessment",
		                              "dept_assessment", "inst_sanctions", NULL };
	char path[4096], month[8];
	cw_month_format(month, m);
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
	char *text = rc == 0 ? cw_json_print(doc) : NULL;
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
