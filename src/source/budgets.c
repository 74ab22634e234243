/* budgets.c: the optional budgets table (document 004 I1/I3; budgets.h, docs/data-format.md): DATA/
 * budgets.csv read whole with errors naming the file, line and column; the same row checks for the
 * PostgreSQL reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/csv.h"
#include "source/budgets.h"

#define ANNUAL_MAX INT64_C(99999999999999) /* fen: below 10^12 yuan */

/* A non-negative decimal with at most `decimals` decimals as an integer of 10^-decimals units. */
static int fixed(int64_t *out, const char *s, int decimals, int64_t max)
{
	int64_t v = 0;
	int frac = -1;
	if (!*s)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p == '.' && frac < 0 && p > s && p[1]) {
			frac = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || frac >= decimals || v > max)
			return -1;
		v = v * 10 + (*p - '0');
		frac += frac >= 0;
	}
	for (int f = frac < 0 ? 0 : frac; f < decimals; f++)
		v *= 10;
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static int grow(cw_budget_table *t)
{
	if (t->n < t->cap)
		return 0;
	size_t cap = t->cap ? t->cap * 2 : 16;
	cw_budget_row *r = realloc(t->rows, cap * sizeof *r);
	if (!r)
		return cw_error_set(CW_ENOMEM, "out of memory");
	t->rows = r;
	t->cap = cap;
	return 0;
}

static int profile(cw_budget_row *row, const char *where, const char *const m[12])
{
	int given = 0, missing = 0;
	cw_fen total = 0;
	for (int i = 12; i-- > 0;)
		if (m && m[i] && m[i][0])
			given++;
		else
			missing = i + 1;
	if (given && given < 12)
		return cw_error_set(CW_EINVALID, "%s: column m%02d: empty, but the row gives %d months of its monthly "
		                    "profile (give all twelve or none)", where, missing, given);
	for (int i = 0; given && i < 12; i++) {
		if (fixed(&row->profile[i], m[i], 6, INT64_C(999999999999999)) < 0)
			return cw_error_set(CW_EINVALID, "%s: column m%02d: '%s' is not a weight (a number from 0, "
			                    "up to 6 decimals)", where, i + 1, m[i]);
		total += row->profile[i];
	}
	if (given && total <= 0)
		return cw_error_set(CW_EINVALID, "%s: column m01: the monthly profile adds up to 0", where);
	row->profile_given = given == 12;
	return 0;
}

int cw_budgets_add_text(cw_budget_table *t, const char *where, const char *inst, const char *year,
                        const char *annual, const char *const m[12])
{
	cw_budget_row row;
	int64_t y;
	memset(&row, 0, sizeof row);
	if (!inst[0] || strlen(inst) >= sizeof row.inst_id)
		return cw_error_set(CW_EINVALID, "%s: column inst_id: %s", where, inst[0] ? "longer than 71 bytes" : "empty");
	snprintf(row.inst_id, sizeof row.inst_id, "%s", inst);
	if (fixed(&y, year, 0, CW_YEAR_MAX) < 0 || y < CW_YEAR_MIN)
		return cw_error_set(CW_EINVALID, "%s: column year: '%s' is not a year (%d-%d)", where, year,
		                    CW_YEAR_MIN, CW_YEAR_MAX);
	row.year = (int)y;
	if (fixed(&row.annual, annual, 2, ANNUAL_MAX) < 0)
		return cw_error_set(CW_EINVALID, "%s: column annual_budget: '%s' is not an amount in yuan (0 or more, "
		                    "up to 2 decimals, below 10^12)", where, annual);
	int rc = profile(&row, where, m);
	if (rc < 0)
		return rc;
	if (cw_budgets_find(t, row.inst_id, row.year))
		return cw_error_set(CW_EINVALID, "%s: column inst_id: institution %s has a second budget for %d",
		                    where, row.inst_id, row.year);
	if ((rc = grow(t)) < 0)
		return rc;
	t->rows[t->n++] = row;
	return 0;
}

/* The header: where each known column is (-1 when absent); an unknown column is an error. */
static int header(int col[15], const cw_csv_record *rec, const char *path)
{
	static const char *const names[3] = { "inst_id", "year", "annual_budget" };
	for (int c = 0; c < 15; c++)
		col[c] = -1;
	for (size_t i = 0; i < rec->nfields; i++) {
		char name[32];
		int k = -1;
		snprintf(name, sizeof name, "%.*s", (int)(rec->field[i].len < 31 ? rec->field[i].len : 31), rec->field[i].ptr);
		for (int c = 0; c < 3 && k < 0; c++)
			k = strcmp(name, names[c]) ? -1 : c;
		if (k < 0 && name[0] == 'm' && strlen(name) == 3 && atoi(name + 1) >= 1 && atoi(name + 1) <= 12 &&
		    name[1] >= '0' && name[1] <= '1' && name[2] >= '0' && name[2] <= '9')
			k = 2 + atoi(name + 1);
		if (k < 0)
			return cw_error_set(CW_EINVALID, "%s: line %llu: column '%s' is not a column of budgets.csv "
			                    "(inst_id, year, annual_budget, m01..m12)", path, (unsigned long long)rec->line, name);
		if (col[k] >= 0)
			return cw_error_set(CW_EINVALID, "%s: line %llu: column '%s' appears twice", path,
			                    (unsigned long long)rec->line, name);
		col[k] = (int)i;
	}
	for (int c = 0; c < 3; c++)
		if (col[c] < 0)
			return cw_error_set(CW_EINVALID, "%s: missing required column '%s'", path, names[c]);
	return 0;
}

static int row(cw_budget_table *t, const int col[15], const cw_csv_record *rec, const char *path)
{
	char where[300], text[15][64];
	const char *m[12];
	if (rec->error)
		return cw_error_set(CW_EINVALID, "%s: line %llu: %s", path, (unsigned long long)rec->line, rec->error);
	snprintf(where, sizeof where, "%s: line %llu", path, (unsigned long long)rec->line);
	for (int c = 0; c < 15; c++) {
		text[c][0] = 0;
		if (col[c] < 0)
			continue;
		const cw_csv_field *f = &rec->field[col[c]];
		if (f->len >= sizeof text[c])
			return cw_error_set(CW_EINVALID, "%s: column %s: value longer than 63 bytes", where,
			                    c < 3 ? (const char *[]){ "inst_id", "year", "annual_budget" }[c] : "m..");
		memcpy(text[c], f->ptr, f->len);
		text[c][f->len] = 0;
	}
	for (int i = 0; i < 12; i++)
		m[i] = text[3 + i];
	return cw_budgets_add_text(t, where, text[0], text[1], text[2], m);
}

int cw_budgets_read(cw_budget_table *out, const char *path)
{
	cw_csv *c;
	cw_csv_record rec;
	int col[15], rc = cw_csv_open(&c, path, NULL), seen = 0;
	size_t width = 0;
	if (rc < 0)
		return rc;
	snprintf(out->source, sizeof out->source, "%s", path);
	while ((rc = cw_csv_next(c, &rec)) > 0) {
		if (!seen++) {
			rc = rec.error ? cw_error_set(CW_EINVALID, "%s: line %llu: unreadable header: %s", path,
			                              (unsigned long long)rec.line, rec.error)
			               : header(col, &rec, path);
			width = rec.nfields;
		} else {
			rc = !rec.error && rec.nfields != width
			             ? cw_error_set(CW_EINVALID, "%s: line %llu: %zu fields, the header has %zu", path,
			                            (unsigned long long)rec.line, rec.nfields, width)
			             : row(out, col, &rec, path);
		}
		if (rc < 0)
			break;
	}
	if (rc == 0 && !seen)
		rc = cw_error_set(CW_EINVALID, "%s: the file is empty (expected the header inst_id,year,annual_budget)", path);
	cw_csv_close(c);
	return rc < 0 ? rc : 0;
}

int cw_budgets_read_dir(cw_budget_table *out, const char *data_dir)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s/budgets.csv", data_dir) >= (int)sizeof path)
		return cw_error_set(CW_EINVALID, "%s: the path is too long", data_dir);
	int rc = cw_budgets_read(out, path);
	if (rc == CW_ENOTFOUND) {
		cw_error_clear();
		return 0;
	}
	return rc;
}

const cw_budget_row *cw_budgets_find(const cw_budget_table *t, const char *inst_id, int year)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].year == year && !strcmp(t->rows[i].inst_id, inst_id))
			return &t->rows[i];
	return NULL;
}

void cw_budgets_free(cw_budget_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof *t);
}
