/* inst_history.c: the institutions' sanction history, read back from the month files
 * ROOT/YYYY-MM/inst_assessment.csv (written by every run: docs/institutions.md) through one reader,
 * cw_inst_assessment_read (see judge/inst_sanction.h).
 *
 * The ladder reads six columns: period, inst_id, name, grade, violation_fund and confirmed_fund; the
 * others are ignored. A damaged field is an error naming the file, the line and the column: these files
 * are claimwatch's own, and a sanction must never rest on a half-read one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/csvtab.h"
#include "io/rootmonths.h"
#include "judge/history.h"
#include "judge/inst_sanction.h"
#include "util/grow.h"

enum { C_PERIOD, C_INST, C_NAME, C_GRADE, C_VIOLATION, C_CONFIRMED };
static const char *const columns[] = { "period", "inst_id", "name", "grade", "violation_fund", "confirmed_fund",
	                               NULL };

static int field_error(const cw_csvtab *t, int col, const char *value, const char *what)
{
	return cw_error_set(CW_EINVALID, "%s: line %llu: column %s: '%s' %s", cw_csvtab_path(t),
	                    (unsigned long long)cw_csvtab_line(t), columns[col], value, what);
}

static int money(cw_fen *out, const cw_csvtab *t, int col)
{
	char buf[48];
	const char *why;
	cw_csvtab_copy(buf, sizeof buf, t, (size_t)col);
	*out = 0;
	if (buf[0] && cw_parse_money(out, &why, buf, strlen(buf)) < 0)
		return field_error(t, col, buf, "is not an amount in yuan");
	return 0;
}

static int read_row(cw_inst_history *h, const cw_csvtab *t, cw_month m)
{
	char period[16], grade[8], want[8];
	if (cw_grow((void **)&h->r, &h->cap, h->n + 1, sizeof *h->r) < 0)
		return cw_error_set(CW_ENOMEM, "out of memory reading the institutions' assessments");
	cw_inst_month *r = memset(&h->r[h->n], 0, sizeof *h->r);
	r->month = m;
	size_t len;
	cw_csvtab_field(t, C_INST, &len);
	cw_csvtab_copy(r->inst_id, sizeof r->inst_id, t, C_INST);
	if (!r->inst_id[0] || len >= sizeof r->inst_id)
		return field_error(t, C_INST, r->inst_id, r->inst_id[0] ? "is too long for an id" : "is empty");
	cw_csvtab_copy(period, sizeof period, t, C_PERIOD);
	if (strcmp(period, cw_month_format(want, m)) != 0)
		return field_error(t, C_PERIOD, period, "is not the file's month");
	cw_csvtab_copy(grade, sizeof grade, t, C_GRADE);
	if ((r->grade = cw_inst_grade_parse(grade)) < 0)
		return field_error(t, C_GRADE, grade, "is not a grade (A, B, C, D or empty)");
	int rc;
	if ((rc = money(&r->violation_fund, t, C_VIOLATION)) < 0 || (rc = money(&r->confirmed_fund, t, C_CONFIRMED)) < 0)
		return rc;
	if (!(r->name = cw_csvtab_dup(t, C_NAME)))
		return cw_error_set(CW_ENOMEM, "out of memory reading the institutions' assessments");
	h->n++;
	return 0;
}

int cw_inst_assessment_read(cw_inst_history *h, const char *path, cw_month m)
{
	cw_csvtab *t;
	int rc = cw_csvtab_open(&t, path, columns);
	if (rc < 0)
		return rc;
	while ((rc = cw_csvtab_next(t)) == 1)
		if ((rc = read_row(h, t, m)) < 0)
			break;
	cw_csvtab_close(t);
	return rc < 0 ? rc : 0;
}

static int by_inst_month(const void *a, const void *b)
{
	const cw_inst_month *x = a, *y = b;
	int c = strcmp(x->inst_id, y->inst_id);
	return c ? c : cw_month_cmp(x->month, y->month);
}

/* Sorted by institution and month; a second row of one institution in one month is an error. */
static int sort_rows(cw_inst_history *h)
{
	if (h->n)
		qsort(h->r, h->n, sizeof *h->r, by_inst_month);
	for (size_t i = 1; i < h->n; i++)
		if (!by_inst_month(&h->r[i - 1], &h->r[i])) {
			char m[8];
			return cw_error_set(CW_EINVALID, "inst_assessment.csv of %s: institution %s is listed twice",
			                    cw_month_format(m, h->r[i].month), h->r[i].inst_id);
		}
	return 0;
}

int cw_inst_history_load(cw_inst_history *h, const char *root, cw_month last, int window, const char *last_path)
{
	memset(h, 0, sizeof *h);
	if (window < 1 || window > CW_INST_WINDOW_MAX)
		return cw_error_set(CW_EINVALID, "the sanction window must be 1 to %d months, not %d", CW_INST_WINDOW_MAX,
		                    window);
	cw_month m = last;
	for (int i = 1; i < window; i++)
		m = cw_month_prev(m);
	h->first = m;
	h->last = last;
	h->nmonths = window;
	int rc = 0;
	for (int i = 0; rc == 0 && i < window; i++, m = cw_month_next(m)) {
		char path[4096];
		if (i + 1 == window && last_path)
			snprintf(path, sizeof path, "%s", last_path);
		else if ((rc = cw_root_month_file(path, sizeof path, root, m, "inst_assessment.csv")) < 0)
			break;
		rc = cw_inst_assessment_read(h, path, m);
		if (rc == CW_ENOTFOUND) {
			rc = 0;
			continue;
		}
		h->present[i] = rc == 0;
	}
	if (rc == 0)
		rc = sort_rows(h);
	if (rc < 0)
		cw_inst_history_free(h);
	return rc;
}

void cw_inst_history_free(cw_inst_history *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->r[i].name);
	free(h->r);
	h->r = NULL;
	h->n = h->cap = 0;
}

char *cw_inst_history_missing(char *buf, size_t size, const cw_inst_history *h)
{
	return cw_months_absent(buf, size, h->first, h->nmonths, h->present);
}
