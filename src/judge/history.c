/* history.c: the cycle's earlier months, read back from their ranking.csv (see claimwatch/sanction.h).
 *
 * Each row of ranking.csv is one physician in one dimension; the rows of a
 * physician and month fold into one standing: the dimensions ranked first, the
 * composite's rank, grade and money at stake. A row with status too_few_cases
 * (listed with its findings and money, not ranked) never carries a first or a
 * grade, whatever else it says, so it never counts toward a sanction; one
 * under scoring.min_visits that scoring.rank_too_few ranked counts like any
 * other. The columns status and under_min_visits are optional: files written
 * before them read as before. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/sanction.h"
#include "claimwatch/score.h"
#include "io/csvtab.h"
#include "io/rootmonths.h"
#include "judge/history.h"
#include "util/grow.h"

enum { C_PHYS, C_INST, C_DEPT, C_DIM, C_GRADE, C_RANK, C_AMOUNT, C_NAME, C_STATUS, C_UNDER };
static const char *const columns[] = { "physician_id", "inst_id", "dept_id", "dimension", "grade", "rank",
	                               "suspect_amount", "?physician_name", "?status", "?under_min_visits", NULL };

/* A history being read: the standings grow by one per row of ranking.csv. */
typedef struct reading {
	cw_history *h;
	size_t cap;
} reading;

static int push(reading *rd, cw_standing **out)
{
	cw_history *h = rd->h;
	if (cw_grow((void **)&h->s, &rd->cap, h->n + 1, sizeof *h->s) < 0)
		return cw_error_set(CW_ENOMEM, "out of memory reading the cycle's rankings");
	*out = memset(&h->s[h->n++], 0, sizeof *h->s);
	return 0;
}

static int row_error(const cw_csvtab *t, const char *what, const char *value)
{
	return cw_error_set(CW_EINVALID, "%s: line %llu: %s '%s'", cw_csvtab_path(t), (unsigned long long)cw_csvtab_line(t),
	                    what, value);
}

/* One row of ranking.csv as a standing of its own (folded later). */
static int read_row(reading *rd, const cw_csvtab *t, int month)
{
	char dim[64], grade[32], rank[16], amount[32], status[32], under[8];
	cw_standing *s = NULL;
	int rc = push(rd, &s);
	if (rc < 0)
		return rc;
	s->month = month;
	s->composite_grade = CW_GRADE_NONE;
	cw_csvtab_copy(s->physician_id, sizeof s->physician_id, t, C_PHYS);
	cw_csvtab_copy(s->inst_id, sizeof s->inst_id, t, C_INST);
	cw_csvtab_copy(s->dept_id, sizeof s->dept_id, t, C_DEPT);
	cw_csvtab_copy(dim, sizeof dim, t, C_DIM);
	cw_csvtab_copy(grade, sizeof grade, t, C_GRADE);
	cw_csvtab_copy(rank, sizeof rank, t, C_RANK);
	cw_csvtab_copy(amount, sizeof amount, t, C_AMOUNT);
	cw_csvtab_copy(status, sizeof status, t, C_STATUS);
	cw_csvtab_copy(under, sizeof under, t, C_UNDER);
	s->under_floor = !strcmp(under, "1");
	s->name = cw_csvtab_dup(t, C_NAME);
	s->firsts = strdup("");
	if (!s->name || !s->firsts)
		return cw_error_set(CW_ENOMEM, "out of memory reading the cycle's rankings");
	if (!s->physician_id[0] || !dim[0])
		return row_error(t, "a row without physician or dimension:", s->physician_id);
	int g = cw_grade_parse(grade);
	if (grade[0] && g == CW_GRADE_NONE)
		return row_error(t, "unknown grade", grade);
	const char *why;
	if (amount[0] && cw_parse_money(&s->suspect, &why, amount, strlen(amount)) < 0)
		return row_error(t, why, amount);
	if (rank[0] && strspn(rank, "0123456789") != strlen(rank))
		return row_error(t, "not a rank:", rank);
	int listed_only = !strcmp(status, "too_few_cases");
	int first = !listed_only && !strcmp(rank, "1");
	if (listed_only)
		g = CW_GRADE_NONE;
	if (!strcmp(dim, "composite")) {
		s->composite_first = first;
		s->composite_grade = g;
	} else {
		s->suspect = 0;
		if (first) {
			free(s->firsts);
			if (!(s->firsts = strdup(dim)))
				return cw_error_set(CW_ENOMEM, "out of memory reading the cycle's rankings");
			s->nfirsts = 1;
		}
	}
	return 0;
}

static int read_month(reading *rd, const cw_history_source *src, cw_month m, const char *path, int month)
{
	cw_csvtab *t;
	int rc = path ? cw_csvtab_open(&t, path, columns) : src->open_month(&t, src->ctx, m, columns);
	if (rc == CW_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	rd->h->present[month] = 1;
	while ((rc = cw_csvtab_next(t)) == 1)
		if ((rc = read_row(rd, t, month)) < 0)
			break;
	cw_csvtab_close(t);
	if (!path && src->close_month)
		src->close_month(src->ctx);
	return rc < 0 ? rc : 0;
}

/* Orders row indexes into the standings (ctx) by physician and month, and the rows of one physician and
 * month in file order (their index), so that folding them is the same on every C library. */
static int by_physician_month(const void *a, const void *b, void *ctx)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const cw_standing *x = (const cw_standing *)ctx + i, *y = (const cw_standing *)ctx + j;
	int c = strcmp(x->physician_id, y->physician_id);
	if (c)
		return c;
	if (x->month != y->month)
		return x->month - y->month;
	return (i > j) - (i < j);
}

/* Sorts the standings by physician and month, stably. */
static int sort_rows(cw_history *h)
{
	size_t *idx = malloc(h->n * sizeof *idx);
	cw_standing *sorted = malloc(h->n * sizeof *sorted);
	if (!idx || !sorted) {
		free(idx);
		free(sorted);
		return cw_error_set(CW_ENOMEM, "out of memory reading the cycle's rankings");
	}
	for (size_t i = 0; i < h->n; i++)
		idx[i] = i;
	qsort_r(idx, h->n, sizeof *idx, by_physician_month, h->s);
	for (size_t i = 0; i < h->n; i++)
		sorted[i] = h->s[idx[i]];
	free(idx);
	free(h->s);
	h->s = sorted;
	return 0;
}

/* Adds b's dimension rows into a (same physician and month). */
static int merge(cw_standing *a, cw_standing *b)
{
	if (b->nfirsts) {
		size_t la = strlen(a->firsts), lb = strlen(b->firsts);
		char *f = realloc(a->firsts, la + lb + 2);
		if (!f)
			return cw_error_set(CW_ENOMEM, "out of memory reading the cycle's rankings");
		if (la)
			f[la++] = ' ';
		memcpy(f + la, b->firsts, lb + 1);
		a->firsts = f;
		a->nfirsts += b->nfirsts;
	}
	if (b->composite_grade != CW_GRADE_NONE || b->composite_first) {
		a->composite_first |= b->composite_first;
		if (b->composite_grade > a->composite_grade) /* at several institutions: the worst */
			a->composite_grade = b->composite_grade;
	}
	a->suspect += b->suspect;
	a->under_floor |= b->under_floor;
	if (!a->name[0] && b->name[0]) {
		char *t = a->name;
		a->name = b->name;
		b->name = t;
	}
	free(b->name);
	free(b->firsts);
	return 0;
}

static int fold(cw_history *h)
{
	if (!h->n)
		return 0;
	int rc = sort_rows(h);
	if (rc < 0)
		return rc;
	size_t w = 0;
	for (size_t i = 0; i < h->n; i++) {
		cw_standing *a = w ? &h->s[w - 1] : NULL, *b = &h->s[i];
		if (a && a->month == b->month && !strcmp(a->physician_id, b->physician_id)) {
			rc = merge(a, b);
			if (rc < 0) {
				for (size_t k = i; k < h->n; k++) {
					free(h->s[k].name);
					free(h->s[k].firsts);
				}
				h->n = w;
				return rc;
			}
			continue;
		}
		h->s[w++] = *b;
	}
	h->n = w;
	return 0;
}

int cw_history_load(cw_history *h, const char *root, cw_month last, const char *last_path)
{
	return cw_history_load_from(h, NULL, root, last, last_path);
}

int cw_history_load_from(cw_history *h, const cw_history_source *src, const char *root, cw_month last,
                         const char *last_path)
{
	memset(h, 0, sizeof *h);
	reading rd = { .h = h };
	h->first = cw_cycle_first(last);
	cw_cycle_name(h->cycle, last);
	h->nmonths = last.month - h->first.month + 1;
	cw_month m = h->first;
	int rc = 0;
	for (int i = 0; rc == 0 && i < h->nmonths; i++, m = cw_month_next(m)) {
		char path[4096];
		if (i + 1 == h->nmonths && last_path)
			snprintf(path, sizeof path, "%s", last_path);
		else if (src)
			path[0] = 0;
		else if ((rc = cw_root_month_file(path, sizeof path, root, m, "ranking.csv")) < 0)
			break;
		rc = read_month(&rd, src, m, path[0] ? path : NULL, i);
	}
	if (rc == 0)
		rc = fold(h);
	if (rc < 0)
		cw_history_free(h);
	return rc;
}

void cw_history_free(cw_history *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->s[i].name);
		free(h->s[i].firsts);
	}
	free(h->s);
	h->s = NULL;
	h->n = 0;
}

char *cw_months_absent(char *buf, size_t size, cw_month first, int nmonths, const int *present)
{
	size_t n = 0;
	cw_month m = first;
	buf[0] = 0;
	for (int i = 0; i + 1 < nmonths; i++, m = cw_month_next(m)) {
		char name[8];
		if (!present[i] && n + 9 < size)
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? " " : "", cw_month_format(name, m));
	}
	return buf;
}

char *cw_history_missing(char *buf, size_t size, const cw_history *h)
{
	return cw_months_absent(buf, size, h->first, h->nmonths, h->present);
}
