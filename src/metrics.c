/* metrics.c: per-physician metrics of the month, their peer groups, case-mix expected values and
 * funnel limits (see include/claimwatch/metrics.h for the definitions).
 *
 * One pass over the visits (and their lines through claims.by_visit) builds the
 * month's episodes; one pass over the prescriptions builds the prescription
 * units. Then, per metric, three linear passes over the units fill a hash table
 * of (peer group, stratum) sums, the strata's residual variances and each
 * physician's expected value and variance, once against the specialty-at-level
 * group and once against the specialty group, so the fallback costs nothing
 * extra. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/metrics.h"

static const cw_metric_info infos[CW_METRIC_COUNT] = {
	{ "cost_per_outpatient_visit", "次均门诊费用", "yuan", CW_VOLUME_VISITS, "visits", 1, CW_CLASS_COST },
	{ "cost_per_inpatient_stay", "次均住院费用", "yuan", CW_VOLUME_STAYS, "stays", 1, CW_CLASS_COST },
	{ "length_of_stay", "平均住院日", "days", CW_VOLUME_STAYS, "stays", 0, CW_CLASS_COST },
	{ "drug_share", "药占比", "share", CW_VOLUME_VISITS, "visits", 0, CW_CLASS_PRESCRIPTION },
	{ "exam_share", "检查检验占比", "share", CW_VOLUME_VISITS, "visits", 0, CW_CLASS_EXAM_USE },
	{ "antibiotic_rate", "抗菌药物处方率", "share", CW_VOLUME_PRESCRIPTIONS, "prescriptions", 0,
	  CW_CLASS_PRESCRIPTION },
	{ "large_equipment_per_100", "大型设备检查百次率", "per 100 visits", CW_VOLUME_VISITS, "visits", 0,
	  CW_CLASS_EXAM_USE },
};

const cw_metric_info *cw_metric_info_of(int metric)
{
	return metric >= 0 && metric < CW_METRIC_COUNT ? &infos[metric] : NULL;
}

int cw_metric_parse(const char *name)
{
	for (int m = 0; m < CW_METRIC_COUNT; m++)
		if (!strcmp(infos[m].name, name))
			return m;
	return -1;
}

void cw_metrics_opts_default(cw_metrics_opts *o)
{
	o->min_peers = 5;
	o->min_volume[CW_VOLUME_VISITS] = 30;
	o->min_volume[CW_VOLUME_STAYS] = 10;
	o->min_volume[CW_VOLUME_PRESCRIPTIONS] = 30;
	o->level = 0.998;
	o->winsor = 0.1;
	o->min_excess = 0.1;
}

int cw_metrics_opts_read(const cw_section *s, cw_metrics_opts *o)
{
	static const char *const keys[CW_VOLUME_COUNT] = { "min_visits", "min_stays", "min_prescriptions" };
	long long v;
	int rc;
	if ((rc = cw_section_int(s, "min_peers", 2, 1000000, &v)) < 0)
		return rc;
	o->min_peers = (int)v;
	for (int k = 0; k < CW_VOLUME_COUNT; k++) {
		if ((rc = cw_section_int(s, keys[k], 1, 1000000000, &v)) < 0)
			return rc;
		o->min_volume[k] = (uint32_t)v;
	}
	if ((rc = cw_section_double(s, "control_level", 0.5, 0.999999999, &o->level)) < 0 ||
	    (rc = cw_section_double(s, "winsor", 0, 0.49, &o->winsor)) < 0 ||
	    (rc = cw_section_double(s, "min_excess", 0, 1000, &o->min_excess)) < 0)
		return rc;
	return 0;
}

char *cw_dx_category(const char *dx, char buf[4])
{
	size_t n = 0;
	for (; *dx && n < 3; dx++) {
		if (*dx == '.')
			continue;
		buf[n++] = (char)(*dx >= 'a' && *dx <= 'z' ? *dx - 'a' + 'A' : *dx);
	}
	buf[n] = 0;
	return buf;
}

/* --- a hash map from 64-bit keys to dense indices ----------------------------- */

typedef struct keymap {
	uint64_t *keys; /* key + 1; 0 = empty */
	uint32_t *vals;
	size_t cap, n;
} keymap;

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static int keymap_grow(keymap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 1024;
	uint64_t *keys = calloc(cap, sizeof *keys);
	uint32_t *vals = malloc(cap * sizeof *vals);
	if (!keys || !vals) {
		free(keys);
		free(vals);
		return CW_ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = mix(m->keys[i]) & (cap - 1);
		while (keys[j])
			j = (j + 1) & (cap - 1);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

/* The index of key, adding it as the next index (m->n - 1 afterwards) when
 * new; UINT32_MAX when out of memory. */
static uint32_t keymap_get(keymap *m, uint64_t key)
{
	if (2 * (m->n + 1) > m->cap && keymap_grow(m) < 0)
		return UINT32_MAX;
	uint64_t k = key + 1;
	size_t j = mix(k) & (m->cap - 1);
	while (m->keys[j]) {
		if (m->keys[j] == k)
			return m->vals[j];
		j = (j + 1) & (m->cap - 1);
	}
	m->keys[j] = k;
	m->vals[j] = (uint32_t)m->n;
	return (uint32_t)m->n++;
}

static void keymap_free(keymap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* --- the month's units --------------------------------------------------------- */

typedef struct episode {
	cw_ref phys;
	uint32_t stratum;
	uint8_t kind;
	uint32_t days;     /* inpatient: length of stay */
	uint32_t large;    /* large-equipment lines */
	cw_fen amount, drug, examlab;
} episode;

typedef struct rx_unit {
	cw_ref phys;
	uint32_t stratum;
	uint8_t antibiotic;
} rx_unit;

typedef struct ctx {
	const cw_dataset *ds;
	const cw_metrics_opts *o;
	size_t nphys, ngids;
	uint32_t *gid_level, *gid_spec; /* per physician */
	episode *ep;
	size_t nep;
	rx_unit *rx;
	size_t nrx;
	keymap strata;
} ctx;

struct cw_metrics {
	cw_metrics_opts opts;
	cw_metric_table table[CW_METRIC_COUNT];
	cw_metric_row *rows[CW_METRIC_COUNT];
	cw_peer_group *groups[CW_METRIC_COUNT];
	cw_physician_totals *totals;
};

static int by_text(const void *a, const void *b, void *arg)
{
	const cw_dataset *ds = arg;
	return strcmp(cw_dataset_str(ds, *(const cw_str *)a), cw_dataset_str(ds, *(const cw_str *)b));
}

/* Peer groups: specialty s (in text order) at level l is gid 4 s + l; 4 s is s across levels. */
static int assign_groups(ctx *c)
{
	const cw_departments *dp = cw_dataset_departments(c->ds);
	const cw_physicians *ph = cw_dataset_physicians(c->ds);
	const cw_institutions *in = cw_dataset_institutions(c->ds);
	cw_str *spec = malloc((dp->n ? dp->n : 1) * sizeof *spec);
	c->gid_level = malloc((c->nphys ? c->nphys : 1) * sizeof *c->gid_level);
	c->gid_spec = malloc((c->nphys ? c->nphys : 1) * sizeof *c->gid_spec);
	if (!spec || !c->gid_level || !c->gid_spec) {
		free(spec);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	memcpy(spec, dp->specialty, dp->n * sizeof *spec);
	qsort_r(spec, dp->n, sizeof *spec, by_text, (void *)c->ds);
	size_t ns = 0;
	for (size_t i = 0; i < dp->n; i++) /* specialties are interned: equal text, equal cw_str */
		if (ns == 0 || spec[ns - 1] != spec[i])
			spec[ns++] = spec[i];
	for (size_t p = 0; p < c->nphys; p++) {
		cw_str s = dp->specialty[ph->dept[p]];
		size_t lo = 0, hi = ns; /* binary search by text */
		while (hi - lo > 1) {
			size_t mid = (lo + hi) / 2;
			if (strcmp(cw_dataset_str(c->ds, spec[mid]), cw_dataset_str(c->ds, s)) <= 0)
				lo = mid;
			else
				hi = mid;
		}
		c->gid_spec[p] = (uint32_t)(4 * lo);
		c->gid_level[p] = (uint32_t)(4 * lo + in->level[ph->inst[p]]);
	}
	c->ngids = 4 * ns;
	free(spec);
	return 0;
}

static uint32_t stratum_of(ctx *c, cw_ref v)
{
	const cw_visits *vi = cw_dataset_visits(c->ds);
	char cat[4];
	cw_dx_category(cw_dataset_str(c->ds, vi->dx_code[v]), cat);
	uint64_t key = (uint64_t)vi->kind[v] << 32 | (uint64_t)(uint8_t)cat[0] << 16 |
	               (uint64_t)(uint8_t)(cat[0] ? cat[1] : 0) << 8 | (uint64_t)(uint8_t)(cat[0] && cat[1] ? cat[2] : 0);
	return keymap_get(&c->strata, key);
}

static int episode_in_month(const cw_visits *vi, const cw_window *w, cw_ref v)
{
	if (vi->kind[v] != CW_INPATIENT)
		return vi->admit[v] >= w->month_start && vi->admit[v] < w->month_end;
	return vi->discharge[v] != CW_MINUTE_NONE && vi->discharge[v] >= w->month_start &&
	       vi->discharge[v] < w->month_end;
}

static int build_episodes(ctx *c)
{
	const cw_visits *vi = cw_dataset_visits(c->ds);
	const cw_claims *cl = cw_dataset_claims(c->ds);
	const cw_items *it = cw_dataset_items(c->ds);
	const cw_window *w = cw_dataset_window(c->ds);
	c->ep = malloc((vi->n ? vi->n : 1) * sizeof *c->ep);
	if (!c->ep)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (cw_ref v = 0; v < vi->n; v++) {
		if (!episode_in_month(vi, w, v))
			continue;
		episode e = { .phys = vi->physician[v], .kind = vi->kind[v] };
		size_t live = 0;
		for (uint32_t k = vi->line_start[v]; k < vi->line_start[v + 1]; k++) {
			uint32_t i = cl->by_visit[k];
			if (cl->flags[i] & (CW_LINE_REFUND | CW_LINE_REFUNDED))
				continue;
			int cat = it->category[cl->item[i]];
			live++;
			e.amount += cl->amount[i];
			e.drug += cat == CW_CAT_DRUG ? cl->amount[i] : 0;
			e.examlab += cat == CW_CAT_EXAM || cat == CW_CAT_LAB ? cl->amount[i] : 0;
			e.large += it->large_equipment[cl->item[i]];
		}
		if (!live)
			continue;
		if (e.kind == CW_INPATIENT) {
			cw_day days = cw_day_of(vi->discharge[v]) - cw_day_of(vi->admit[v]);
			e.days = days < 1 ? 1 : (uint32_t)days;
		}
		if ((e.stratum = stratum_of(c, v)) == UINT32_MAX)
			return cw_error_set(CW_ENOMEM, "out of memory");
		c->ep[c->nep++] = e;
	}
	return 0;
}

static int build_rx(ctx *c)
{
	const cw_prescriptions *rx = cw_dataset_prescriptions(c->ds);
	const cw_items *it = cw_dataset_items(c->ds);
	c->rx = malloc((rx->nrx ? rx->nrx : 1) * sizeof *c->rx);
	if (!c->rx)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t k = 0; k < rx->nrx; k++) {
		uint32_t r0 = rx->rx_start[k];
		if (!rx->in_month[r0])
			continue;
		rx_unit u = { .phys = rx->physician[r0] };
		for (uint32_t r = r0; r < rx->rx_start[k + 1]; r++)
			u.antibiotic |= it->antibiotic[rx->drug[r]];
		if ((u.stratum = stratum_of(c, rx->visit[r0])) == UINT32_MAX)
			return cw_error_set(CW_ENOMEM, "out of memory");
		c->rx[c->nrx++] = u;
	}
	return 0;
}

static void fill_totals(const ctx *c, cw_physician_totals *t)
{
	const cw_claims *cl = cw_dataset_claims(c->ds);
	for (size_t i = 0; i < cl->n; i++) {
		if ((cl->flags[i] & (CW_LINE_REFUND | CW_LINE_REFUNDED)) || !(cl->flags[i] & CW_LINE_IN_MONTH))
			continue;
		t[cl->physician[i]].lines++;
		t[cl->physician[i]].billed += cl->amount[i];
	}
	for (size_t e = 0; e < c->nep; e++) {
		if (c->ep[e].kind == CW_INPATIENT)
			t[c->ep[e].phys].stays++;
		else
			t[c->ep[e].phys].visits++;
	}
	for (size_t r = 0; r < c->nrx; r++)
		t[c->rx[r].phys].prescriptions++;
}

/* --- one metric ------------------------------------------------------------------ */

typedef struct unit {
	cw_ref phys;
	uint32_t stratum;
	double num, den;
} unit;

static size_t unit_count(const ctx *c, int metric)
{
	return metric == CW_METRIC_ANTIBIOTIC_RATE ? c->nrx : c->nep;
}

/* Unit i of a metric; 0 when that episode is not a unit of the metric. */
static int unit_at(const ctx *c, int metric, size_t i, unit *u)
{
	if (metric == CW_METRIC_ANTIBIOTIC_RATE) {
		const rx_unit *r = &c->rx[i];
		*u = (unit){ r->phys, r->stratum, r->antibiotic, 1 };
		return 1;
	}
	const episode *e = &c->ep[i];
	*u = (unit){ e->phys, e->stratum, 0, 1 };
	switch (metric) {
	case CW_METRIC_COST_PER_OUTPATIENT_VISIT:
		u->num = (double)e->amount / 100.0;
		return e->kind != CW_INPATIENT;
	case CW_METRIC_COST_PER_INPATIENT_STAY:
		u->num = (double)e->amount / 100.0;
		return e->kind == CW_INPATIENT;
	case CW_METRIC_LENGTH_OF_STAY:
		u->num = e->days;
		return e->kind == CW_INPATIENT;
	case CW_METRIC_DRUG_SHARE:
		u->num = (double)e->drug;
		u->den = (double)e->amount;
		return e->amount > 0;
	case CW_METRIC_EXAM_SHARE:
		u->num = (double)e->examlab;
		u->den = (double)e->amount;
		return e->amount > 0;
	case CW_METRIC_LARGE_EQUIPMENT_PER_100:
		u->num = 100.0 * e->large;
		return 1;
	default:
		return 0;
	}
}

/* One (peer group, stratum): the sums of its reference units, then the ratio r
 * and per-unit residual variance v that the group's physicians are judged by. */
typedef struct cell {
	uint32_t n;
	double num, den, res2;
	double r, v;
} cell;

/* A physician's sums against one group: sum(r den) and sum(v) over its units. */
typedef struct against {
	double expected, var;
} against;

/* Per gid: the group's physicians with the minimum volume, those judged in it,
 * and the totals of its reference units. */
typedef struct gsum {
	uint32_t peers, judged;
	uint64_t volume;
	double num, den, res2, phi;
} gsum;

/* Group kinds: a physician's group at its level [0] and its specialty group [1]. */
#define KINDS 2

typedef struct work {
	uint32_t *n;          /* per physician: units */
	double *num, *den;    /* per physician */
	against *vs[KINDS];   /* per physician, against each of its groups */
	uint8_t *out[KINDS];  /* per physician: left out of that group's reference (beyond its limit in round 1) */
	uint32_t *slots;      /* per unit: its cell in each group; UINT32_MAX when not a unit of the metric */
	keymap cells;
	cell *cell;
	size_t ncells, cellcap;
	gsum *g;              /* per gid */
} work;

static void work_free(work *w)
{
	free(w->n);
	free(w->num);
	free(w->den);
	for (int k = 0; k < KINDS; k++) {
		free(w->vs[k]);
		free(w->out[k]);
	}
	free(w->slots);
	keymap_free(&w->cells);
	free(w->cell);
	free(w->g);
}

static int work_alloc(const ctx *c, work *w)
{
	size_t np = c->nphys ? c->nphys : 1, ng = c->ngids ? c->ngids : 1;
	size_t nu = c->nep > c->nrx ? c->nep : c->nrx;
	int ok = 1;
	memset(w, 0, sizeof *w);
	ok &= (w->n = malloc(np * sizeof *w->n)) != NULL;
	ok &= (w->num = malloc(np * sizeof *w->num)) != NULL;
	ok &= (w->den = malloc(np * sizeof *w->den)) != NULL;
	for (int k = 0; k < KINDS; k++) {
		ok &= (w->vs[k] = malloc(np * sizeof *w->vs[k])) != NULL;
		ok &= (w->out[k] = malloc(np)) != NULL;
	}
	ok &= (w->slots = malloc(KINDS * (nu ? nu : 1) * sizeof *w->slots)) != NULL;
	ok &= (w->g = malloc(ng * sizeof *w->g)) != NULL;
	return ok ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
}

static uint32_t gid_of(const ctx *c, cw_ref phys, int kind)
{
	return kind == 0 ? c->gid_level[phys] : c->gid_spec[phys];
}

static uint32_t cell_of(work *w, uint32_t gid, uint32_t stratum)
{
	uint32_t k = keymap_get(&w->cells, (uint64_t)gid << 32 | stratum);
	if (k == UINT32_MAX || k < w->ncells)
		return k;
	if (w->ncells == w->cellcap) { /* a new cell */
		size_t cap = w->cellcap ? 2 * w->cellcap : 1024;
		cell *p = realloc(w->cell, cap * sizeof *p);
		if (!p)
			return UINT32_MAX;
		w->cell = p;
		w->cellcap = cap;
	}
	w->cell[w->ncells++] = (cell){ 0 };
	return k;
}

/* Finds every unit's cells and sums the physicians' own figures (once per metric). */
static int pass_units(const ctx *c, int metric, work *w)
{
	size_t nu = unit_count(c, metric);
	unit u;
	for (size_t i = 0; i < nu; i++) {
		for (int g = 0; g < KINDS; g++)
			w->slots[KINDS * i + g] = UINT32_MAX;
		if (!unit_at(c, metric, i, &u))
			continue;
		w->n[u.phys]++;
		w->num[u.phys] += u.num;
		w->den[u.phys] += u.den;
		for (int g = 0; g < KINDS; g++)
			if ((w->slots[KINDS * i + g] = cell_of(w, gid_of(c, u.phys, g), u.stratum)) == UINT32_MAX)
				return cw_error_set(CW_ENOMEM, "out of memory");
	}
	return 0;
}

/* Round pass 1: the cells' reference sums and ratios. A cell without reference
 * units (only left-out physicians treat that stratum) keeps the previous round's figures. */
static void pass_ratios(const ctx *c, int metric, work *w)
{
	size_t nu = unit_count(c, metric);
	unit u;
	for (size_t k = 0; k < w->ncells; k++)
		w->cell[k].n = 0, w->cell[k].num = w->cell[k].den = w->cell[k].res2 = 0;
	for (size_t i = 0; i < nu; i++) {
		if (w->slots[KINDS * i] == UINT32_MAX)
			continue;
		unit_at(c, metric, i, &u);
		for (int g = 0; g < KINDS; g++) {
			if (w->out[g][u.phys])
				continue;
			cell *k = &w->cell[w->slots[KINDS * i + g]];
			k->n++;
			k->num += u.num;
			k->den += u.den;
		}
	}
	for (size_t k = 0; k < w->ncells; k++)
		if (w->cell[k].n && w->cell[k].den > 0)
			w->cell[k].r = w->cell[k].num / w->cell[k].den;
}

/* Round pass 2: the cells' residual variances and the groups' reference totals. */
static void pass_variances(const ctx *c, int metric, work *w)
{
	size_t nu = unit_count(c, metric);
	unit u;
	for (size_t i = 0; i < nu; i++) {
		if (w->slots[KINDS * i] == UINT32_MAX)
			continue;
		unit_at(c, metric, i, &u);
		for (int g = 0; g < KINDS; g++) {
			if (w->out[g][u.phys])
				continue;
			cell *k = &w->cell[w->slots[KINDS * i + g]];
			gsum *gs = &w->g[gid_of(c, u.phys, g)];
			double res = u.num - k->r * u.den;
			k->res2 += res * res;
			gs->volume++;
			gs->num += u.num;
			gs->den += u.den;
			gs->res2 += res * res;
		}
	}
	for (size_t k = 0; k < w->ncells; k++)
		if (w->cell[k].n)
			w->cell[k].v = w->cell[k].res2 / w->cell[k].n;
}

/* Round pass 3: each physician's expected sum and variance against both its groups. */
static void pass_expected(const ctx *c, int metric, work *w)
{
	size_t nu = unit_count(c, metric);
	unit u;
	for (size_t i = 0; i < nu; i++) {
		if (w->slots[KINDS * i] == UINT32_MAX)
			continue;
		unit_at(c, metric, i, &u);
		for (int g = 0; g < KINDS; g++) {
			const cell *k = &w->cell[w->slots[KINDS * i + g]];
			w->vs[g][u.phys].expected += k->r * u.den;
			w->vs[g][u.phys].var += k->v;
		}
	}
}

static int eligible(const ctx *c, int metric, const work *w, size_t p)
{
	return w->n[p] > 0 && w->n[p] >= c->o->min_volume[infos[metric].volume_kind];
}

/* (value - expected) / se of physician p against its group of kind g, without over-dispersion. */
static double raw_z(const work *w, int g, size_t p)
{
	const against *a = &w->vs[g][p];
	double value = w->num[p] / w->den[p], expected = a->expected / w->den[p];
	double se = sqrt(a->var) / w->den[p];
	return se > 0 ? (value - expected) / se : 0;
}

/* The raw z of every group's peers in its reference, grouped by gid:
 * z[start[g] .. start[g + 1]). */
static int group_z(const ctx *c, int metric, work *w, uint32_t **start_out, double **z_out)
{
	uint32_t *start = calloc(c->ngids + 1, sizeof *start), *fill = calloc(c->ngids + 1, sizeof *fill);
	double *z = malloc(KINDS * (c->nphys ? c->nphys : 1) * sizeof *z);
	if (!start || !fill || !z) {
		free(start);
		free(fill);
		free(z);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	for (size_t p = 0; p < c->nphys; p++)
		for (int g = 0; g < KINDS && eligible(c, metric, w, p); g++)
			start[gid_of(c, (cw_ref)p, g) + 1] += !w->out[g][p];
	for (size_t g = 0; g < c->ngids; g++)
		start[g + 1] += start[g];
	for (size_t p = 0; p < c->nphys; p++)
		for (int g = 0; g < KINDS && eligible(c, metric, w, p); g++) {
			uint32_t gid = gid_of(c, (cw_ref)p, g);
			if (!w->out[g][p])
				z[start[gid] + fill[gid]++] = raw_z(w, g, p);
		}
	free(fill);
	*start_out = start;
	*z_out = z;
	return 0;
}

/* Every group's peers and its over-dispersion phi (at least 1) from the
 * winsorised raw z of the peers in its reference. */
static int estimate_phi(const ctx *c, int metric, work *w)
{
	uint32_t *start = NULL;
	double *z = NULL;
	for (size_t p = 0; p < c->nphys; p++)
		for (int g = 0; g < KINDS && eligible(c, metric, w, p); g++)
			w->g[gid_of(c, (cw_ref)p, g)].peers++;
	int rc = group_z(c, metric, w, &start, &z);
	for (size_t g = 0; rc == 0 && g < c->ngids; g++) {
		double phi = 1;
		rc = cw_overdispersion(z + start[g], start[g + 1] - start[g], c->o->winsor, &phi);
		w->g[g].phi = phi > 1 ? phi : 1;
	}
	free(start);
	free(z);
	return rc;
}

/* One round: the reference figures of every group and every physician's
 * expected value against them. */
static int run_round(const ctx *c, int metric, work *w)
{
	memset(w->g, 0, c->ngids * sizeof *w->g);
	for (int g = 0; g < KINDS; g++)
		memset(w->vs[g], 0, c->nphys * sizeof *w->vs[g]);
	pass_ratios(c, metric, w);
	pass_variances(c, metric, w);
	pass_expected(c, metric, w);
	return estimate_phi(c, metric, w);
}

/* Leaves out of each group's reference the peers whose z stands out from the
 * other peers' z: robust z (median, MAD with a scale of at least 1) above
 * z_alpha. Robust, so several outliers in one group are all left out. *any is
 * set when someone is. */
static int leave_out_outliers(const ctx *c, int metric, work *w, double z_alpha, int *any)
{
	uint32_t *start;
	double *z;
	int rc = group_z(c, metric, w, &start, &z);
	if (rc < 0)
		return rc;
	double *med = malloc(2 * (c->ngids ? c->ngids : 1) * sizeof *med), *scale = med + c->ngids;
	for (size_t g = 0; med && rc == 0 && g < c->ngids; g++) {
		rc = cw_median_mad(z + start[g], start[g + 1] - start[g], &med[g], &scale[g]);
		scale[g] = scale[g] > 1 ? scale[g] : 1;
	}
	if (!med)
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	*any = 0;
	for (size_t p = 0; rc == 0 && p < c->nphys; p++)
		for (int g = 0; g < KINDS && eligible(c, metric, w, p); g++) {
			uint32_t gid = gid_of(c, (cw_ref)p, g);
			w->out[g][p] = (raw_z(w, g, p) - med[gid]) / scale[gid] > z_alpha;
			*any |= w->out[g][p];
		}
	free(med);
	free(start);
	free(z);
	return rc;
}

static double group_target(const gsum *g) { return g->den > 0 ? g->num / g->den : 0; }

/* The per-unit sd of a group's funnel: sd / sqrt(n) is the standard error of n
 * units with the group's average denominator and residual variance. */
static double group_sd(const gsum *g)
{
	return g->den > 0 ? sqrt((double)g->volume * g->res2) / g->den : 0;
}

/* Judges physician p; row->group is left as a gid (renumbered later). */
static void judge(const ctx *c, int metric, work *w, size_t p, double z_alpha, cw_metric_row *row)
{
	*row = (cw_metric_row){ .volume = w->n[p], .value = NAN, .expected = NAN, .se = NAN, .z = NAN,
		                .limit = NAN, .plotted = NAN, .group = -1, .status = CW_METRIC_NO_DATA };
	if (w->n[p] == 0)
		return;
	row->value = w->num[p] / w->den[p];
	row->status = CW_METRIC_LOW_VOLUME;
	if (!eligible(c, metric, w, p))
		return;
	row->status = CW_METRIC_FEW_PEERS;
	uint32_t min = (uint32_t)c->o->min_peers; /* the level group first, then the specialty */
	int g = w->g[c->gid_level[p]].peers >= min ? 0 : w->g[c->gid_spec[p]].peers >= min ? 1 : -1;
	if (g < 0)
		return;
	uint32_t gid = gid_of(c, (cw_ref)p, g);
	gsum *gs = &w->g[gid];
	double sqphi = sqrt(gs->phi), z0 = raw_z(w, g, p);
	row->status = CW_METRIC_JUDGED;
	row->expected = w->vs[g][p].expected / w->den[p];
	row->se = sqrt(w->vs[g][p].var) / w->den[p];
	row->z = z0 / sqphi;
	row->limit = row->expected + z_alpha * sqphi * row->se;
	row->plotted = group_target(gs) + z0 * group_sd(gs) / sqrt((double)w->n[p]);
	row->flagged = row->z > z_alpha && row->value >= row->expected * (1 + c->o->min_excess);
	row->group = (int32_t)gid;
	gs->judged++;
}

/* The groups that judged someone, in gid order (specialty text, then level 0..3). */
static int list_groups(const ctx *c, const work *w, cw_metric_row *rows, cw_peer_group **out, size_t *nout)
{
	const cw_departments *dp = cw_dataset_departments(c->ds);
	const cw_physicians *ph = cw_dataset_physicians(c->ds);
	int32_t *index = malloc((c->ngids ? c->ngids : 1) * sizeof *index);
	size_t ng = 0;
	if (!index)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t g = 0; g < c->ngids; g++)
		index[g] = w->g[g].judged ? (int32_t)ng++ : -1;
	cw_peer_group *groups = malloc((ng ? ng : 1) * sizeof *groups);
	if (!groups) {
		free(index);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	for (size_t p = 0; p < c->nphys; p++) {
		if (rows[p].group < 0)
			continue;
		uint32_t gid = (uint32_t)rows[p].group;
		const gsum *gs = &w->g[gid];
		groups[index[gid]] = (cw_peer_group){
			.specialty = dp->specialty[ph->dept[p]], .level = (int)(gid % 4), .peers = gs->peers,
			.judged = gs->judged, .volume = gs->volume,
			.funnel = cw_funnel_mean(group_target(gs), group_sd(gs), c->o->level, gs->phi),
		};
		rows[p].group = index[gid];
	}
	free(index);
	*out = groups;
	*nout = ng;
	return 0;
}

/* Round 1 uses every unit; when some peers stand out from the others, round 2
 * recomputes the groups' figures without them, so that outliers inflate
 * neither the peers' means and variances nor phi (which would mask them and
 * each other). Everyone is judged by the last round. */
static int compute_metric(const ctx *c, int metric, work *w, cw_metrics *m)
{
	double z_alpha = cw_z_two_sided(c->o->level);
	int rc;
	memset(w->n, 0, c->nphys * sizeof *w->n);
	memset(w->num, 0, c->nphys * sizeof *w->num);
	memset(w->den, 0, c->nphys * sizeof *w->den);
	for (int g = 0; g < KINDS; g++)
		memset(w->out[g], 0, c->nphys);
	keymap_free(&w->cells);
	w->ncells = 0;
	if ((rc = pass_units(c, metric, w)) < 0 || (rc = run_round(c, metric, w)) < 0)
		return rc;
	int again = 0;
	if ((rc = leave_out_outliers(c, metric, w, z_alpha, &again)) < 0 || (again && (rc = run_round(c, metric, w)) < 0))
		return rc;
	cw_metric_row *rows = malloc((c->nphys ? c->nphys : 1) * sizeof *rows);
	if (!rows)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t p = 0; p < c->nphys; p++)
		judge(c, metric, w, p, z_alpha, &rows[p]);
	size_t ng;
	if ((rc = list_groups(c, w, rows, &m->groups[metric], &ng)) < 0) {
		free(rows);
		return rc;
	}
	m->rows[metric] = rows;
	m->table[metric] = (cw_metric_table){ metric, rows, ng, m->groups[metric] };
	return 0;
}

/* --- the whole ------------------------------------------------------------------- */

static void ctx_free(ctx *c)
{
	free(c->gid_level);
	free(c->gid_spec);
	free(c->ep);
	free(c->rx);
	keymap_free(&c->strata);
}

void cw_metrics_free(cw_metrics *m)
{
	if (!m)
		return;
	for (int k = 0; k < CW_METRIC_COUNT; k++) {
		free(m->rows[k]);
		free(m->groups[k]);
	}
	free(m->totals);
	free(m);
}

int cw_metrics_compute(const cw_dataset *ds, const cw_metrics_opts *o, cw_metrics **out)
{
	ctx c = { .ds = ds, .o = o, .nphys = cw_dataset_physicians(ds)->n };
	work w;
	cw_metrics *m = calloc(1, sizeof *m);
	int rc = m ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
	if (rc == 0 && !(cw_z_two_sided(o->level) > 0))
		rc = cw_error_set(CW_EINVALID, "metrics: control level %g is not inside (0.5, 1)", o->level);
	if (rc == 0) {
		m->opts = *o;
		m->totals = calloc(c.nphys ? c.nphys : 1, sizeof *m->totals);
		if (!m->totals)
			rc = cw_error_set(CW_ENOMEM, "out of memory");
	}
	if (rc == 0 && (rc = assign_groups(&c)) == 0 && (rc = build_episodes(&c)) == 0 && (rc = build_rx(&c)) == 0) {
		fill_totals(&c, m->totals);
		rc = work_alloc(&c, &w);
		for (int k = 0; rc == 0 && k < CW_METRIC_COUNT; k++)
			rc = compute_metric(&c, k, &w, m);
		work_free(&w);
	}
	ctx_free(&c);
	if (rc < 0) {
		cw_metrics_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

const cw_metrics_opts *cw_metrics_options(const cw_metrics *m) { return &m->opts; }

const cw_metric_table *cw_metrics_table(const cw_metrics *m, int metric)
{
	return metric >= 0 && metric < CW_METRIC_COUNT ? &m->table[metric] : NULL;
}

const cw_physician_totals *cw_metrics_totals(const cw_metrics *m) { return m->totals; }
