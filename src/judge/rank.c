/* rank.c: ranks of the month's physicians per dimension and composite, within the ranking scope.
 *
 * Rank 1 = most problems: the highest score, then the most money at stake, then
 * the physician id (bytewise, which is the dataset's physician order), then the institution (a physician
 * practising at several has a row at each: ranked there with that institution's visits). The
 * scope groups physicians: by institution (a hospital ranks its own, as the
 * medical affairs office does), by specialty (peers across institutions), or
 * all together. Physicians with too few cases get no rank (unless
 * scoring.rank_too_few made them rankable: then too_few is 0 and only
 * under_floor marks them), and neither does a score of 0 in a dimension: with
 * nothing to rank, nobody is "first" there. */
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/score.h"

typedef struct order_ctx {
	const cw_scores *s;
	const cw_dataset *ds;
	size_t dim;
	int scope;
} order_ctx;

static int cmp_group(const order_ctx *c, const cw_physcore *x, const cw_physcore *y)
{
	if (c->scope == CW_SCOPE_INSTITUTION)
		return (x->inst > y->inst) - (x->inst < y->inst);
	if (c->scope == CW_SCOPE_SPECIALTY) {
		const cw_departments *d = cw_dataset_departments(c->ds);
		return strcmp(cw_dataset_str(c->ds, d->specialty[x->dept]), cw_dataset_str(c->ds, d->specialty[y->dept]));
	}
	return 0;
}

static int cmp_rows(const void *a, const void *b, void *ctx)
{
	const order_ctx *c = ctx;
	const cw_physcore *x = &c->s->rows[*(const uint32_t *)a], *y = &c->s->rows[*(const uint32_t *)b];
	int g = cmp_group(c, x, y);
	if (g)
		return g;
	const cw_dimscore *dx = &x->dim[c->dim], *dy = &y->dim[c->dim];
	if (dx->score != dy->score)
		return dx->score > dy->score ? -1 : 1;
	if (dx->suspect != dy->suspect)
		return dx->suspect > dy->suspect ? -1 : 1;
	if (x->physician != y->physician)
		return x->physician > y->physician ? 1 : -1;
	return (x->inst > y->inst) - (x->inst < y->inst); /* one physician at two institutions (多点执业) */
}

int cw_rank(cw_scores *s, const cw_dataset *ds, int scope)
{
	uint32_t *idx = malloc((s->n ? s->n : 1) * sizeof *idx);
	if (!idx)
		return cw_error_set(CW_ENOMEM, "out of memory ranking");
	s->scope = scope;
	s->too_few = s->under_floor = 0;
	for (size_t i = 0; i < s->n; i++) {
		s->too_few += s->rows[i].too_few != 0;
		s->under_floor += s->rows[i].under_floor != 0;
	}
	s->ranked = s->n - s->too_few;
	for (size_t d = 0; d <= s->ndims; d++) {
		order_ctx c = { s, ds, d, scope };
		size_t m = 0;
		for (size_t i = 0; i < s->n; i++) {
			s->rows[i].dim[d].rank = 0;
			if (!s->rows[i].too_few && s->rows[i].dim[d].score > 0)
				idx[m++] = (uint32_t)i;
		}
		if (m)
			qsort_r(idx, m, sizeof *idx, cmp_rows, &c);
		uint32_t rank = 0;
		for (size_t i = 0; i < m; i++) {
			if (i == 0 || cmp_group(&c, &s->rows[idx[i - 1]], &s->rows[idx[i]]) != 0)
				rank = 0;
			s->rows[idx[i]].dim[d].rank = ++rank;
		}
	}
	free(idx);
	return 0;
}

/* Ranked first, then those with nothing to rank, then those with too few cases. */
static int written_kind(const cw_physcore *p, size_t dim)
{
	return p->too_few ? 2 : p->dim[dim].rank ? 0 : 1;
}

static int cmp_written(const void *a, const void *b, void *ctx)
{
	const order_ctx *c = ctx;
	const cw_physcore *x = &c->s->rows[*(const uint32_t *)a], *y = &c->s->rows[*(const uint32_t *)b];
	int kx = written_kind(x, c->dim), ky = written_kind(y, c->dim);
	if (kx != ky)
		return kx - ky;
	int g = cmp_group(c, x, y);
	if (g)
		return g;
	uint32_t rx = x->dim[c->dim].rank, ry = y->dim[c->dim].rank;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	if (x->physician != y->physician)
		return x->physician > y->physician ? 1 : -1;
	return (x->inst > y->inst) - (x->inst < y->inst); /* one physician at two institutions (多点执业) */
}

void cw_rank_order(uint32_t *idx, const cw_scores *s, const cw_dataset *ds, size_t dim)
{
	order_ctx c = { s, ds, dim, s->scope };
	for (size_t i = 0; i < s->n; i++)
		idx[i] = (uint32_t)i;
	if (s->n)
		qsort_r(idx, s->n, sizeof *idx, cmp_written, &c);
}
