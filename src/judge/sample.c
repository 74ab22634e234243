/* sample.c: the 双随机 draw of requirement J4 (docs/sample.md): a seeded sample
 * of physicians or institutions, part purely random, the rest weighted by risk. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/csvtab.h"
#include "io/outfile.h"
#include "io/rootmonths.h"
#include "judge/sample.h"

/* splitmix64: small, well mixed, and the same on every platform. */
static uint64_t next64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double uniform(uint64_t *state)
{
	return (double)(next64(state) >> 11) * 0x1.0p-53;
}

static void copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

int cw_sample_add(cw_sample *s, const char *id, const char *name, const char *inst_id, double risk)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		cw_sample_unit *u = realloc(s->u, cap * sizeof *u);
		if (!u)
			return cw_error_set(CW_ENOMEM, "out of memory");
		s->u = u;
		s->cap = cap;
	}
	cw_sample_unit *u = &s->u[s->n++];
	memset(u, 0, sizeof *u);
	copy(u->id, sizeof u->id, id);
	copy(u->name, sizeof u->name, name);
	copy(u->inst_id, sizeof u->inst_id, inst_id);
	u->risk = isfinite(risk) && risk > 0 ? risk : 0;
	return 0;
}

/* ceil(share × size) without the rounding noise of share × size (0.3 × 10). */
size_t cw_sample_count(size_t size, double share)
{
	double want = share * (double)size;
	size_t k = (size_t)floor(want);
	if ((double)k < want * (1.0 - 1e-12))
		k++;
	if (k < 1)
		k = 1;
	return k > size ? size : k;
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const cw_sample_unit *)a)->id, ((const cw_sample_unit *)b)->id);
}

/* Sorted by id, one unit per id (the highest risk), nothing drawn yet. */
static void normalise(cw_sample *s)
{
	size_t w = 0;
	qsort(s->u, s->n, sizeof *s->u, by_id);
	for (size_t i = 0; i < s->n; i++) {
		if (w && !strcmp(s->u[w - 1].id, s->u[i].id)) {
			if (s->u[i].risk > s->u[w - 1].risk)
				s->u[w - 1].risk = s->u[i].risk;
			continue;
		}
		s->u[w++] = s->u[i];
	}
	s->n = w;
	for (size_t i = 0; i < s->n; i++)
		s->u[i].pick = CW_SAMPLE_NONE, s->u[i].order = 0;
	s->drawn = s->random_drawn = 0;
}

/* One unit not yet drawn, uniformly (weighted 0) or by risk + epsilon. */
static size_t pick_one(const cw_sample *s, uint64_t *state, int weighted)
{
	double total = 0, last = 0;
	size_t chosen = s->n;
	for (size_t i = 0; i < s->n; i++)
		if (!s->u[i].pick)
			total += weighted ? s->u[i].risk + CW_SAMPLE_EPSILON : 1.0;
	double x = uniform(state) * total;
	for (size_t i = 0; i < s->n; i++) {
		if (s->u[i].pick)
			continue;
		chosen = i; /* the last one left takes what rounding leaves over */
		last += weighted ? s->u[i].risk + CW_SAMPLE_EPSILON : 1.0;
		if (x < last)
			break;
	}
	return chosen;
}

int cw_sample_draw(cw_sample *s, double share, double random_share, uint64_t seed)
{
	if (!(share > 0 && share <= 1))
		return cw_error_set(CW_EINVALID, "the share to draw must be above 0 and at most 1, not %g", share);
	if (!(random_share >= 0 && random_share <= 1))
		return cw_error_set(CW_EINVALID, "the pure-random share must be from 0 to 1, not %g", random_share);
	if (!s->n)
		return cw_error_set(CW_EINVALID, "nothing to draw from: the population is empty");
	normalise(s);
	size_t k = cw_sample_count(s->n, share);
	size_t r = random_share > 0 ? cw_sample_count(k, random_share) : 0;
	uint64_t state = seed;
	s->seed = seed;
	for (size_t j = 0; j < k; j++) {
		int weighted = j >= r;
		size_t i = pick_one(s, &state, weighted);
		s->u[i].pick = weighted ? CW_SAMPLE_RISK : CW_SAMPLE_RANDOM;
		s->u[i].order = j + 1;
	}
	s->drawn = k;
	s->random_drawn = r;
	return 0;
}

/* Field i of the row as a number into *out (0 when empty: a physician without a score); a field that is
 * not a number is an error naming the file, line and column, as the other readers of these files do. */
static int number(double *out, const cw_csvtab *t, size_t i, const char *column)
{
	char buf[64], *end;
	cw_csvtab_copy(buf, sizeof buf, t, i);
	*out = buf[0] ? strtod(buf, &end) : 0;
	if (buf[0] && (*end || !isfinite(*out) || *out < 0))
		return cw_error_set(CW_EINVALID, "%s: line %llu: %s '%s' is not a number", cw_csvtab_path(t),
		                    (unsigned long long)cw_csvtab_line(t), column, buf);
	return 0;
}

/* The composite rows of ranking.csv: physicians, or their institutions with risk 0. */
static int load_ranking(cw_sample *s, const char *root, cw_month m, int institutions)
{
	static const char *const cols[] = { "physician_id", "inst_id", "dimension", "score", "?physician_name", NULL };
	cw_csvtab *t;
	int rc = cw_root_month_table(&t, root, m, "ranking.csv", cols);
	char id[64], inst[64], dim[32], name[128];
	while (rc >= 0 && (rc = cw_csvtab_next(t)) > 0) {
		if (strcmp(cw_csvtab_copy(dim, sizeof dim, t, 2), "composite"))
			continue;
		cw_csvtab_copy(id, sizeof id, t, 0);
		if (!*cw_csvtab_copy(inst, sizeof inst, t, 1) && institutions)
			continue;
		cw_csvtab_copy(name, sizeof name, t, 4);
		double score = 0;
		if (!institutions && (rc = number(&score, t, 3, "score")) < 0)
			break;
		rc = institutions ? cw_sample_add(s, inst, "", inst, 0) : cw_sample_add(s, id, name, inst, score);
	}
	cw_csvtab_close(t);
	return rc < 0 ? rc : 0;
}

/* The institutions' risk: money at stake of their findings (not dismissed), 100 × share of the largest. */
static int load_money(cw_sample *s, const char *root, cw_month m)
{
	static const char *const cols[] = { "inst_id", "suspect_amount", "?status", NULL };
	cw_csvtab *t;
	int rc = cw_root_month_table(&t, root, m, "findings.csv", cols);
	char inst[64], status[32];
	while (rc >= 0 && (rc = cw_csvtab_next(t)) > 0) {
		if (!strcmp(cw_csvtab_copy(status, sizeof status, t, 2), "dismissed"))
			continue;
		cw_sample_unit key = { 0 };
		copy(key.id, sizeof key.id, cw_csvtab_copy(inst, sizeof inst, t, 0));
		cw_sample_unit *u = bsearch(&key, s->u, s->n, sizeof *s->u, by_id);
		double money;
		if ((rc = number(&money, t, 1, "suspect_amount")) < 0)
			break;
		if (u)
			u->risk += money;
	}
	cw_csvtab_close(t);
	double max = 0;
	for (size_t i = 0; i < s->n; i++)
		max = s->u[i].risk > max ? s->u[i].risk : max;
	for (size_t i = 0; i < s->n; i++)
		s->u[i].risk = max > 0 ? 100.0 * s->u[i].risk / max : 0;
	return rc < 0 ? rc : 0;
}

/* The institutions' risk from the month's assessment (inst_assessment.csv, docs/institutions.md) when there
 * is one: 100 - its score (0 to 100, 100 best), so a low grade is a high risk; an ungraded institution (an
 * empty score) 0. CW_ENOTFOUND when the month has no assessment. */
static int load_assessment(cw_sample *s, const char *root, cw_month m)
{
	static const char *const cols[] = { "inst_id", "score", NULL };
	cw_csvtab *t;
	int rc = cw_root_month_table(&t, root, m, "inst_assessment.csv", cols);
	if (rc < 0)
		return rc;
	char inst[64], score[32];
	while ((rc = cw_csvtab_next(t)) > 0) {
		cw_sample_unit key = { 0 };
		copy(key.id, sizeof key.id, cw_csvtab_copy(inst, sizeof inst, t, 0));
		cw_sample_unit *u = bsearch(&key, s->u, s->n, sizeof *s->u, by_id);
		double v;
		if ((rc = number(&v, t, 1, "score")) < 0)
			break;
		if (v > 100)
			rc = cw_error_set(CW_EINVALID, "%s: line %llu: score '%s' is above 100", cw_csvtab_path(t),
			                  (unsigned long long)cw_csvtab_line(t), cw_csvtab_copy(score, sizeof score, t, 1));
		if (rc < 0)
			break;
		if (u && cw_csvtab_copy(score, sizeof score, t, 1)[0])
			u->risk = 100.0 - v;
	}
	cw_csvtab_close(t);
	return rc < 0 ? rc : 0;
}

int cw_sample_load(cw_sample *s, const char *root, cw_month m, int institutions)
{
	int rc = load_ranking(s, root, m, institutions);
	s->institutions = institutions;
	if (rc < 0 || !institutions)
		return rc;
	normalise(s);
	rc = load_assessment(s, root, m);
	return rc == CW_ENOTFOUND ? load_money(s, root, m) : rc;
}

static int by_order(const void *a, const void *b)
{
	const cw_sample_unit *x = *(const cw_sample_unit *const *)a, *y = *(const cw_sample_unit *const *)b;
	return (x->order > y->order) - (x->order < y->order);
}

int cw_sample_write_csv(const cw_sample *s, FILE *f, int csv_flags)
{
	static const char *const head[] = { "unit_id", "name", "inst_id", "risk", "pick", "order", "seed", NULL };
	const cw_sample_unit **d = malloc((s->drawn ? s->drawn : 1) * sizeof *d);
	size_t n = 0;
	char risk[32], order[32], seed[32];
	if (!d)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t i = 0; i < s->n && n < s->drawn; i++)
		if (s->u[i].pick)
			d[n++] = &s->u[i];
	qsort(d, n, sizeof *d, by_order);
	if (csv_flags & CW_CSV_EXCEL)
		fputs("\xEF\xBB\xBF", f);
	for (size_t c = 0; head[c]; c++)
		cw_csv_put(f, head[c], strlen(head[c]), !head[c + 1], csv_flags);
	snprintf(seed, sizeof seed, "%llu", (unsigned long long)s->seed);
	for (size_t i = 0; i < n; i++) {
		const char *pick = d[i]->pick == CW_SAMPLE_RANDOM ? "random" : "risk";
		snprintf(risk, sizeof risk, "%.2f", d[i]->risk);
		snprintf(order, sizeof order, "%zu", d[i]->order);
		const char *row[] = { d[i]->id, d[i]->name, d[i]->inst_id, risk, pick, order, seed };
		for (size_t c = 0; c < 7; c++)
			cw_csv_put(f, row[c], strlen(row[c]), c == 6, csv_flags);
	}
	free(d);
	return 0;
}

void cw_sample_free(cw_sample *s)
{
	free(s->u);
	memset(s, 0, sizeof *s);
}
