/* metrics.c: per-physician metrics of the month, their peer groups, case-mix expected values and
 * funnel limits (see include/claimwatch/metrics.h for the definitions).
 *
 * One pass over the visits (and their lines through claims.by_visit) builds the
 * month's episodes, one pass over the prescriptions the prescription units.
 * Units are grouped into entries, one per (physician, stratum), and every entry
 * belongs to two cells, (its physician's level group, stratum) and (specialty
 * group, stratum): the same for every metric of a unit type. Per metric, one
 * pass over the units sums the powers of num and den per entry (and samples a
 * few units per cell for the fences), a second finds the units beyond their
 * cells' fences; everything else (both rounds, the fallback group, phi) works
 * on entries, cells and physicians, which are far fewer than units, but the
 * trimmed check of the few physicians beyond their limits, which goes back to
 * their units. */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/metrics.h"
#include "util/grow.h"

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
	o->min_volume[CW_VOLUME_VISITS] = 10;
	o->min_volume[CW_VOLUME_STAYS] = 5;
	o->min_volume[CW_VOLUME_PRESCRIPTIONS] = 5;
	o->judge_unreachable = 0;
	o->level = 0.9999;
	o->winsor = 0.1;
	o->min_excess = 0.1;
	o->unit_fence = 20;
	o->phi_min_peers = 20;
	o->min_stratum_units = 10;
	o->trim = 0.05;
}

int cw_metrics_opts_read(cw_metrics_opts *o, const cw_section *s)
{
	static const char *const keys[CW_VOLUME_COUNT] = { "min_visits", "min_stays", "min_prescriptions" };
	long long v;
	int rc;
	if ((rc = cw_section_int(&v, s, "min_peers", 2, 1000000)) < 0)
		return rc;
	o->min_peers = (int)v;
	for (int k = 0; k < CW_VOLUME_COUNT; k++) {
		if ((rc = cw_section_int(&v, s, keys[k], 1, 1000000000)) < 0)
			return rc;
		o->min_volume[k] = (uint32_t)v;
	}
	if ((rc = cw_section_bool(&o->judge_unreachable, s, "judge_unreachable")) < 0)
		return rc;
	if ((rc = cw_section_double(&o->level, s, "control_level", 0.5, 0.999999999)) < 0 ||
	    (rc = cw_section_double(&o->winsor, s, "winsor", 0, 0.49)) < 0 ||
	    (rc = cw_section_double(&o->min_excess, s, "min_excess", 0, 1000)) < 0 ||
	    (rc = cw_section_double(&o->unit_fence, s, "unit_fence", 3, 1e9)) < 0)
		return rc;
	if ((rc = cw_section_int(&v, s, "phi_min_peers", 3, 1000000)) < 0)
		return rc;
	o->phi_min_peers = (int)v;
	if ((rc = cw_section_int(&v, s, "min_stratum_units", 2, 1000000)) < 0)
		return rc;
	o->min_stratum_units = (int)v;
	if ((rc = cw_section_double(&o->trim, s, "trim", 0, 0.5)) < 0)
		return rc;
	return 0;
}

int cw_metrics_opts_load(cw_metrics_opts *o, const cw_rules *rules)
{
	cw_section s = cw_rules_section(rules, "metrics");
	return cw_metrics_opts_read(o, &s);
}

char *cw_dx_category(char buf[4], const char *dx)
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


/* --- the month's units ------------------------------------------------------------ */

#define KINDS 2   /* a physician's groups: [0] specialty at its level, [1] the specialty */
#define SAMPLE 32 /* units sampled per cell for its fence */

typedef struct episode {
	cw_ref phys;
	uint32_t stratum;
	uint8_t kind;
	uint8_t valid;     /* has a live line: a unit */
	uint32_t days;     /* inpatient: length of stay */
	uint32_t large;    /* large-equipment lines */
	cw_fen amount, drug, examlab;
} episode;

typedef struct rx_unit {
	cw_ref phys;
	uint32_t stratum;
	uint8_t antibiotic;
} rx_unit;

/* One (physician, stratum) of a unit type: its units are [first, next entry's
 * first), and its two cells. */
typedef struct entry {
	cw_ref phys;
	uint32_t first;
	uint32_t cell[KINDS];
} entry;

/* The entries and cells of one unit type (episodes or prescriptions), whose
 * units are ordered by (physician, stratum). */
typedef struct utype {
	entry *entries;       /* nentries + 1: the last one's first is the unit count */
	size_t nentries;
	uint32_t *cell_units; /* per cell: units of the type (bounds its sample) */
	uint32_t *phys_entry; /* per physician: its first entry (nphys + 1) */
	size_t ncells;
} utype;

/* A direct-mapped cache of (visit kind, dx_code) -> stratum: dx codes repeat. */
#define STRATUM_CACHE 4096
typedef struct stratum_slot {
	cw_str dx;
	uint32_t stratum;
	uint8_t kind, used;
} stratum_slot;

typedef struct ctx {
	const cw_dataset *ds;
	const cw_metrics_opts *o;
	size_t nphys, ngids;
	uint32_t *gid[KINDS]; /* per physician */
	keymap strata;
	stratum_slot *cache;
	episode *ep;
	size_t nep;
	rx_unit *rx;
	size_t nrx;
	utype type[2];        /* [0] episodes, [1] prescriptions */
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
	for (int k = 0; k < KINDS; k++)
		c->gid[k] = malloc((c->nphys ? c->nphys : 1) * sizeof *c->gid[k]);
	if (!spec || !c->gid[0] || !c->gid[1]) {
		free(spec);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	if (dp->n) { /* no department: the column is NULL */
		memcpy(spec, dp->specialty, dp->n * sizeof *spec);
		qsort_r(spec, dp->n, sizeof *spec, by_text, (void *)c->ds);
	}
	size_t ns = 0;
	for (size_t i = 0; i < dp->n; i++) /* specialties are interned: equal text, equal cw_str */
		if (ns == 0 || spec[ns - 1] != spec[i])
			spec[ns++] = spec[i];
	for (size_t p = 0; p < c->nphys; p++) {
		const char *s = cw_dataset_str(c->ds, dp->specialty[ph->dept[p]]);
		size_t lo = 0, hi = ns; /* binary search by text */
		while (hi - lo > 1) {
			size_t mid = (lo + hi) / 2;
			if (strcmp(cw_dataset_str(c->ds, spec[mid]), s) <= 0)
				lo = mid;
			else
				hi = mid;
		}
		c->gid[0][p] = (uint32_t)(4 * lo + in->level[ph->inst[p]]);
		c->gid[1][p] = (uint32_t)(4 * lo);
	}
	c->ngids = 4 * ns;
	free(spec);
	return 0;
}

/* The stratum (visit kind, dx category) of visit v; UINT32_MAX when out of memory. */
static uint32_t stratum_of(ctx *c, cw_ref v)
{
	const cw_visits *vi = cw_dataset_visits(c->ds);
	cw_str dx = vi->dx_code[v];
	uint8_t kind = vi->kind[v];
	stratum_slot *slot = &c->cache[mix((uint64_t)dx << 2 | kind) & (STRATUM_CACHE - 1)];
	if (slot->used && slot->dx == dx && slot->kind == kind)
		return slot->stratum;
	char cat[4];
	cw_dx_category(cat, cw_dataset_str(c->ds, dx));
	uint64_t key = (uint64_t)kind << 32;
	for (int i = 0; i < 3 && cat[i]; i++)
		key |= (uint64_t)(uint8_t)cat[i] << (16 - 8 * i);
	uint32_t s = keymap_get(&c->strata, key);
	*slot = (stratum_slot){ dx, s, kind, s != UINT32_MAX };
	return s;
}

static int episode_in_month(const cw_visits *vi, const cw_window *w, cw_ref v)
{
	if (vi->kind[v] != CW_INPATIENT)
		return vi->admit[v] >= w->month_start && vi->admit[v] < w->month_end;
	return vi->discharge[v] != CW_MINUTE_NONE && vi->discharge[v] >= w->month_start &&
	       vi->discharge[v] < w->month_end;
}

/* Offsets of each physician's units: start[p] .. start[p + 1), from counts in start[p + 1]. */
static void prefix(uint32_t *start, size_t nphys)
{
	for (size_t p = 0; p < nphys; p++)
		start[p + 1] += start[p];
}

/* The month's episodes, written straight into their physician's range (so no
 * global sort is needed later); an episode without live lines stays as a
 * placeholder with valid = 0. */
static int build_episodes(ctx *c, uint32_t *start)
{
	const cw_visits *vi = cw_dataset_visits(c->ds);
	const cw_claims *cl = cw_dataset_claims(c->ds);
	const cw_items *it = cw_dataset_items(c->ds);
	const cw_window *w = cw_dataset_window(c->ds);
	for (cw_ref v = 0; v < vi->n; v++)
		start[vi->physician[v] + 1] += episode_in_month(vi, w, v);
	prefix(start, c->nphys);
	c->nep = start[c->nphys];
	c->ep = malloc((c->nep ? c->nep : 1) * sizeof *c->ep);
	if (!c->ep)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (cw_ref v = 0; v < vi->n; v++) {
		if (!episode_in_month(vi, w, v))
			continue;
		episode e = { .phys = vi->physician[v], .kind = vi->kind[v] };
		for (uint32_t k = vi->line_start[v]; k < vi->line_start[v + 1]; k++) {
			uint32_t i = cl->by_visit[k];
			if (!cw_line_live(cl, i))
				continue;
			int cat = it->category[cl->item[i]];
			e.valid = 1;
			e.amount += cl->amount[i];
			e.drug += cat == CW_CAT_DRUG ? cl->amount[i] : 0;
			e.examlab += cat == CW_CAT_EXAM || cat == CW_CAT_LAB ? cl->amount[i] : 0;
			e.large += it->large_equipment[cl->item[i]];
		}
		if (e.kind == CW_INPATIENT) {
			cw_day days = cw_day_of(vi->discharge[v]) - cw_day_of(vi->admit[v]);
			e.days = days < 1 ? 1 : (uint32_t)days;
		}
		if ((e.stratum = stratum_of(c, v)) == UINT32_MAX)
			return cw_error_set(CW_ENOMEM, "out of memory");
		c->ep[start[e.phys]++] = e; /* start[p] ends as the start of p + 1 */
	}
	return 0;
}

/* An outpatient or emergency prescription of the month. Inpatient orders are
 * not units: a stay's daily orders repeat the same antibiotic for days, so they
 * are far from independent (antibiotic_overuse judges stays instead). */
static int rx_unit_of_month(const cw_prescriptions *rx, const cw_visits *vi, size_t k)
{
	uint32_t r0 = rx->rx_start[k];
	return rx->in_month[r0] && vi->kind[rx->visit[r0]] != CW_INPATIENT;
}

/* The month's prescription units, written straight into their physician's range. */
static int build_rx(ctx *c, uint32_t *start)
{
	const cw_prescriptions *rx = cw_dataset_prescriptions(c->ds);
	const cw_visits *vi = cw_dataset_visits(c->ds);
	const cw_items *it = cw_dataset_items(c->ds);
	for (size_t k = 0; k < rx->nrx; k++)
		start[rx->physician[rx->rx_start[k]] + 1] += rx_unit_of_month(rx, vi, k);
	prefix(start, c->nphys);
	c->nrx = start[c->nphys];
	c->rx = malloc((c->nrx ? c->nrx : 1) * sizeof *c->rx);
	if (!c->rx)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t k = 0; k < rx->nrx; k++) {
		uint32_t r0 = rx->rx_start[k];
		if (!rx_unit_of_month(rx, vi, k))
			continue;
		rx_unit u = { .phys = rx->physician[r0] };
		for (uint32_t r = r0; r < rx->rx_start[k + 1]; r++)
			u.antibiotic |= it->antibiotic[rx->drug[r]];
		if ((u.stratum = stratum_of(c, rx->visit[r0])) == UINT32_MAX)
			return cw_error_set(CW_ENOMEM, "out of memory");
		c->rx[start[u.phys]++] = u;
	}
	return 0;
}

/* Within each physician's range (ends[p - 1] .. ends[p]), orders the units of a
 * type (elements of `size` bytes with the stratum at offset so) by stratum in
 * order of first appearance, and cuts them into entries with their cells. */
static int make_entries(ctx *c, char *units, size_t size, size_t so, const uint32_t *ends, utype *t)
{
	size_t n = ends[c->nphys ? c->nphys - 1 : 0], longest = 0;
	if (!c->nphys)
		n = 0;
	for (size_t p = 0; p < c->nphys; p++) {
		size_t len = ends[p] - (p ? ends[p - 1] : 0);
		longest = len > longest ? len : longest;
	}
	uint32_t *count = calloc(c->strata.n + 1, sizeof *count), *seen = malloc((longest + 1) * sizeof *seen);
	char *tmp = malloc((longest + 1) * size);
	keymap cells = { 0 };
	int rc = count && seen && tmp ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
	t->entries = rc == 0 ? malloc((n + 1) * sizeof *t->entries) : NULL;
	t->cell_units = rc == 0 ? malloc((KINDS * n + 1) * sizeof *t->cell_units) : NULL;
	t->phys_entry = rc == 0 ? malloc((c->nphys + 1) * sizeof *t->phys_entry) : NULL;
	if (rc == 0 && (!t->entries || !t->cell_units || !t->phys_entry))
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t p = 0; rc == 0 && p < c->nphys; p++) {
		uint32_t lo = p ? ends[p - 1] : 0, hi = ends[p], nseen = 0, s;
		t->phys_entry[p] = (uint32_t)t->nentries;
		for (uint32_t i = lo; i < hi; i++) { /* strata in order of first appearance */
			memcpy(&s, units + (size_t)i * size + so, sizeof s);
			if (count[s]++ == 0)
				seen[nseen++] = s;
		}
		uint32_t at = lo;
		for (uint32_t j = 0; j < nseen && rc == 0; j++) { /* one entry per stratum */
			s = seen[j];
			entry *en = &t->entries[t->nentries++];
			*en = (entry){ .phys = (cw_ref)p, .first = at };
			for (int k = 0; k < KINDS && rc == 0; k++) {
				uint32_t cell = keymap_get(&cells, (uint64_t)c->gid[k][p] << 32 | s);
				if (cell == UINT32_MAX)
					rc = cw_error_set(CW_ENOMEM, "out of memory");
				else if (cell == t->ncells)
					t->cell_units[t->ncells++] = 0;
				en->cell[k] = cell;
				if (rc == 0)
					t->cell_units[cell] += count[s];
			}
			uint32_t len = count[s];
			count[s] = at - lo; /* now the stratum's offset in tmp */
			at += len;
		}
		for (uint32_t i = lo; rc == 0 && i < hi; i++) {
			memcpy(&s, units + (size_t)i * size + so, sizeof s);
			memcpy(tmp + (size_t)count[s]++ * size, units + (size_t)i * size, size);
		}
		if (rc == 0)
			memcpy(units + (size_t)lo * size, tmp, (size_t)(hi - lo) * size);
		for (uint32_t j = 0; j < nseen; j++)
			count[seen[j]] = 0;
	}
	if (rc == 0) {
		t->entries[t->nentries].first = (uint32_t)n; /* the sentinel */
		t->phys_entry[c->nphys] = (uint32_t)t->nentries;
	}
	keymap_free(&cells);
	free(count);
	free(seen);
	free(tmp);
	return rc;
}

static void fill_totals(const ctx *c, cw_physician_totals *t)
{
	const cw_claims *cl = cw_dataset_claims(c->ds);
	for (size_t i = 0; i < cl->n; i++) {
		if (!cw_line_live(cl, i) || !(cl->flags[i] & CW_LINE_IN_MONTH))
			continue;
		t[cl->physician[i]].lines++;
		t[cl->physician[i]].billed += cl->amount[i];
	}
	for (size_t e = 0; e < c->nep; e++) {
		if (!c->ep[e].valid)
			continue;
		if (c->ep[e].kind == CW_INPATIENT)
			t[c->ep[e].phys].stays++;
		else
			t[c->ep[e].phys].visits++;
	}
	const cw_prescriptions *rx = cw_dataset_prescriptions(c->ds);
	for (size_t k = 0; k < rx->nrx; k++)
		t[rx->physician[rx->rx_start[k]]].prescriptions += rx->in_month[rx->rx_start[k]];
}

/* --- a metric's units ------------------------------------------------------------ */

static int type_of(int metric) { return metric == CW_METRIC_ANTIBIOTIC_RATE; }

/* Every unit's (num, den) for a metric, den 0 when that unit is not one of the
 * metric (an inpatient stay for cost per outpatient visit, a visit without
 * amount for the shares). */
static void fill_values(const ctx *c, int metric, double *num, double *den)
{
	if (metric == CW_METRIC_ANTIBIOTIC_RATE) {
		for (size_t i = 0; i < c->nrx; i++) {
			num[i] = c->rx[i].antibiotic;
			den[i] = 1;
		}
		return;
	}
	for (size_t i = 0; i < c->nep; i++) {
		const episode *e = &c->ep[i];
		int in = e->kind == CW_INPATIENT;
		switch (metric) {
		case CW_METRIC_COST_PER_OUTPATIENT_VISIT:
			num[i] = (double)e->amount / 100.0;
			den[i] = !in;
			break;
		case CW_METRIC_COST_PER_INPATIENT_STAY:
			num[i] = (double)e->amount / 100.0;
			den[i] = in;
			break;
		case CW_METRIC_LENGTH_OF_STAY:
			num[i] = e->days;
			den[i] = in;
			break;
		case CW_METRIC_DRUG_SHARE: /* amounts in yuan: smaller powers below */
			num[i] = (double)e->drug / 100.0;
			den[i] = e->amount > 0 ? (double)e->amount / 100.0 : 0;
			break;
		case CW_METRIC_EXAM_SHARE:
			num[i] = (double)e->examlab / 100.0;
			den[i] = e->amount > 0 ? (double)e->amount / 100.0 : 0;
			break;
		default: /* CW_METRIC_LARGE_EQUIPMENT_PER_100 */
			num[i] = 100.0 * e->large;
			den[i] = 1;
			break;
		}
		den[i] = e->valid ? den[i] : 0;
	}
}

/* --- sums of powers -------------------------------------------------------------- */

/* The sums of num^a den^b (a + b <= 3) of some units: enough for the moments of
 * their residuals num - r den for any r. */
typedef struct sums {
	double n, s1, sd, snn, snd, sdd, snnn, snnd, sndd, sddd;
} sums;

static void sums_add(sums *s, double x, double d, double sign)
{
	s->n += sign;
	s->s1 += sign * x;
	s->sd += sign * d;
	s->snn += sign * x * x;
	s->snd += sign * x * d;
	s->sdd += sign * d * d;
	s->snnn += sign * x * x * x;
	s->snnd += sign * x * x * d;
	s->sndd += sign * x * d * d;
	s->sddd += sign * d * d * d;
}

static void sums_merge(sums *s, const sums *t)
{
	s->n += t->n;
	s->s1 += t->s1;
	s->sd += t->sd;
	s->snn += t->snn;
	s->snd += t->snd;
	s->sdd += t->sdd;
	s->snnn += t->snnn;
	s->snnd += t->snnd;
	s->sndd += t->sndd;
	s->sddd += t->sddd;
}

static void sums_sub(sums *s, const sums *t)
{
	s->n -= t->n;
	s->s1 -= t->s1;
	s->sd -= t->sd;
	s->snn -= t->snn;
	s->snd -= t->snd;
	s->sdd -= t->sdd;
	s->snnn -= t->snnn;
	s->snnd -= t->snnd;
	s->sndd -= t->sndd;
	s->sddd -= t->sddd;
}

/* sum((num - r den)^2) and sum((num - r den)^3). */
static double sums_res2(const sums *s, double r)
{
	double v = s->snn - 2 * r * s->snd + r * r * s->sdd;
	return v > 0 ? v : 0;
}

static double sums_res3(const sums *s, double r)
{
	return s->snnn - 3 * r * s->snnd + 3 * r * r * s->sndd - r * r * r * s->sddd;
}

/* --- one metric ------------------------------------------------------------------ */

/* One (peer group, stratum): the sums of its reference units (extreme units at
 * their fence), its fence and the figures its physicians are judged by. */
typedef struct cell {
	sums ref;
	double r0, lo, hi; /* the plain ratio (round 1) and the fence on residuals num - r0 den */
	double r;          /* the ratio */
	double v, k3;      /* second and third moments of a unit's residual num - r den */
	uint32_t sample;   /* offset of its sample in work.sample */
	uint32_t nsample, cap;
} cell;

/* A sampled unit: the SAMPLE units of smallest priority (a hash of the unit's
 * position) make a cell's sample, spread over all its physicians. */
typedef struct sampled {
	uint64_t prio;
	double num, den;
} sampled;

/* A physician's figures against one of its groups, and its unit of largest
 * residual (against the plain ratios) so that a finding can be checked without it. */
typedef struct against {
	double expected, var, k3;
} against;

/* Per gid: the group's physicians with the minimum volume, those judged in it,
 * and the totals of its reference units. */
typedef struct gsum {
	uint32_t peers, judged;
	double volume, num, den, res2, res3, phi;
} gsum;

/* What capping an entry's extreme units at the fence of its cell of one kind
 * changes in the reference sums (few entries have any). */
typedef struct adjustment {
	uint32_t entry;
	int kind;
	sums s;
} adjustment;

typedef struct work {
	const utype *t;
	int metric;           /* the metric being computed */
	sums *esum;           /* per entry: its units' sums */
	adjustment *adj;      /* in entry order */
	size_t nadj, adjcap;
	cell *cell;           /* per cell */
	sampled *sample;
	double *unum, *uden;  /* per unit: the metric's (num, den); den 0: not a unit */
	double *n, *num, *den; /* per physician */
	against *vs[KINDS];   /* per physician */
	double *efig[KINDS];  /* per entry: the (r, v, k3) it was judged by (v < 0: no information) */
	uint8_t *out[KINDS];  /* per physician: left out of that group's reference */
	gsum *g;              /* per gid */
} work;

static void work_free(work *w)
{
	free(w->esum);
	for (int k = 0; k < KINDS; k++) {
		free(w->vs[k]);
		free(w->efig[k]);
		free(w->out[k]);
	}
	free(w->adj);
	free(w->cell);
	free(w->sample);
	free(w->unum);
	free(w->uden);
	free(w->n);
	free(w->num);
	free(w->den);
	free(w->g);
	memset(w, 0, sizeof *w);
}

/* Work space for the metrics of unit type t. */
static int work_alloc(const ctx *c, const utype *t, size_t nunits, work *w)
{
	size_t np = c->nphys ? c->nphys : 1, ne = t->nentries ? t->nentries : 1, nc = t->ncells ? t->ncells : 1;
	size_t ns = 0;
	for (size_t k = 0; k < t->ncells; k++)
		ns += t->cell_units[k] < SAMPLE ? t->cell_units[k] : SAMPLE;
	int ok = 1;
	memset(w, 0, sizeof *w);
	w->t = t;
	ok &= (w->esum = malloc(ne * sizeof *w->esum)) != NULL;
	for (int k = 0; k < KINDS; k++) {
		ok &= (w->vs[k] = malloc(np * sizeof *w->vs[k])) != NULL;
		ok &= (w->efig[k] = malloc(3 * ne * sizeof *w->efig[k])) != NULL;
		ok &= (w->out[k] = malloc(np)) != NULL;
	}
	ok &= (w->cell = malloc(nc * sizeof *w->cell)) != NULL;
	ok &= (w->sample = malloc((ns ? ns : 1) * sizeof *w->sample)) != NULL;
	ok &= (w->unum = malloc((nunits ? nunits : 1) * sizeof *w->unum)) != NULL;
	ok &= (w->uden = malloc((nunits ? nunits : 1) * sizeof *w->uden)) != NULL;
	ok &= (w->n = malloc(np * sizeof *w->n)) != NULL;
	ok &= (w->num = malloc(np * sizeof *w->num)) != NULL;
	ok &= (w->den = malloc(np * sizeof *w->den)) != NULL;
	ok &= (w->g = malloc((c->ngids ? c->ngids : 1) * sizeof *w->g)) != NULL;
	if (!ok) {
		work_free(w);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	return 0;
}

static void work_reset(const ctx *c, int metric, work *w)
{
	const utype *t = w->t;
	w->metric = metric;
	memset(w->esum, 0, t->nentries * sizeof *w->esum);
	w->nadj = 0;
	for (int k = 0; k < KINDS; k++) {
		memset(w->out[k], 0, c->nphys);
		memset(w->vs[k], 0, c->nphys * sizeof *w->vs[k]);
	}
	uint32_t at = 0;
	for (size_t k = 0; k < t->ncells; k++) {
		uint32_t cap = t->cell_units[k] < SAMPLE ? t->cell_units[k] : SAMPLE;
		w->cell[k] = (cell){ .lo = -INFINITY, .hi = INFINITY, .sample = at, .cap = cap };
		at += cap;
	}
	memset(w->n, 0, c->nphys * sizeof *w->n);
	memset(w->num, 0, c->nphys * sizeof *w->num);
	memset(w->den, 0, c->nphys * sizeof *w->den);
}

/* Offers unit (prio, num, den) to a cell's sample, a max-heap on priority
 * once full: the SAMPLE smallest priorities stay. */
static inline void offer(work *w, cell *ce, uint64_t prio, double num, double den)
{
	sampled *s = w->sample + ce->sample;
	uint32_t n = ce->nsample;
	if (n == ce->cap) {
		if (!n || prio >= s[0].prio)
			return;
		uint32_t i = 0; /* replace the root and sift down */
		for (;;) {
			uint32_t l = 2 * i + 1, r = l + 1, big = i;
			uint64_t pb = prio;
			if (l < n && s[l].prio > pb)
				big = l, pb = s[l].prio;
			if (r < n && s[r].prio > pb)
				big = r;
			if (big == i)
				break;
			s[i] = s[big];
			i = big;
		}
		s[i] = (sampled){ prio, num, den };
		return;
	}
	uint32_t i = ce->nsample++; /* sift up */
	while (i > 0 && s[(i - 1) / 2].prio < prio) {
		s[i] = s[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	s[i] = (sampled){ prio, num, den };
}

/* Unit pass 1: every entry's sums, every physician's own figures, and every cell's sample. */
static void pass_sums(const ctx *c, int metric, work *w)
{
	const utype *t = w->t;
	fill_values(c, metric, w->unum, w->uden);
	for (size_t e = 0; e < t->nentries; e++) {
		const entry *en = &t->entries[e];
		sums s = { 0 };
		for (uint32_t i = en->first; i < en[1].first; i++) {
			double num = w->unum[i], den = w->uden[i];
			if (den == 0)
				continue;
			sums_add(&s, num, den, 1);
			uint64_t prio = mix(i + 1);
			for (int k = 0; k < KINDS; k++)
				offer(w, &w->cell[en->cell[k]], prio, num, den);
		}
		w->esum[e] = s;
		w->n[en->phys] += s.n;
		w->num[en->phys] += s.s1;
		w->den[en->phys] += s.sd;
	}
}

/* The k-th smallest of a[0..n) (0-based), reordering a (Wirth's selection). */
static double select_kth(double *a, size_t n, size_t k)
{
	ptrdiff_t l = 0, m = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
	while (l < m) {
		double x = a[kk];
		ptrdiff_t i = l, j = m;
		do {
			while (a[i] < x)
				i++;
			while (x < a[j])
				j--;
			if (i <= j) {
				double t = a[i];
				a[i++] = a[j];
				a[j--] = t;
			}
		} while (i <= j);
		if (j < kk)
			l = i;
		if (kk < i)
			m = j;
	}
	return a[kk];
}

/* Every cell's fence: median +/- unit_fence robust standard deviations
 * (interquartile range / 1.349) of its sampled units' residuals against the
 * plain ratio r0. */
static void set_fences(const ctx *c, work *w)
{
	double res[SAMPLE];
	for (size_t k = 0; k < w->t->ncells; k++) {
		cell *ce = &w->cell[k];
		size_t n = ce->nsample;
		ce->r0 = ce->r;
		if (n < 5)
			continue;
		for (size_t i = 0; i < n; i++)
			res[i] = w->sample[ce->sample + i].num - ce->r0 * w->sample[ce->sample + i].den;
		double q1 = select_kth(res, n, (n - 1) / 4), q3 = select_kth(res, n, 3 * (n - 1) / 4);
		double q2 = select_kth(res, n, (n - 1) / 2), scale = (q3 - q1) / 1.349;
		if (scale > 0) {
			ce->lo = q2 - c->o->unit_fence * scale;
			ce->hi = q2 + c->o->unit_fence * scale;
		}
	}
}

/* The adjustment of (entry e, kind k): the last one when it is e's, else a new one. */
static adjustment *adjustment_of(work *w, uint32_t e, int k)
{
	for (size_t i = w->nadj; i-- > 0 && w->adj[i].entry == e;)
		if (w->adj[i].kind == k)
			return &w->adj[i];
	if (cw_grow((void **)&w->adj, &w->adjcap, w->nadj + 1, sizeof *w->adj) < 0)
		return NULL;
	w->adj[w->nadj] = (adjustment){ .entry = e, .kind = k };
	return &w->adj[w->nadj++];
}

/* Unit pass 2: units beyond their cell's fence are capped at it in the
 * reference (as adjustments). */
static int pass_extremes(work *w)
{
	const utype *t = w->t;
	for (size_t e = 0; e < t->nentries; e++) {
		const entry *en = &t->entries[e];
		if (w->esum[e].n == 0)
			continue;
		const cell *ce[KINDS] = { &w->cell[en->cell[0]], &w->cell[en->cell[1]] };
		for (uint32_t i = en->first; i < en[1].first; i++) {
			double num = w->unum[i], den = w->uden[i];
			if (den == 0)
				continue;
			for (int k = 0; k < KINDS; k++) {
				double res = num - ce[k]->r0 * den;
				if (res > ce[k]->hi || res < ce[k]->lo) {
					double capped = ce[k]->r0 * den + (res > ce[k]->hi ? ce[k]->hi : ce[k]->lo);
					adjustment *adj = adjustment_of(w, (uint32_t)e, k);
					if (!adj)
						return cw_error_set(CW_ENOMEM, "out of memory");
					sums_add(&adj->s, num, den, -1);
					sums_add(&adj->s, capped, den, 1);
				}
			}
		}
	}
	return 0;
}

/* Counts of events (antibiotic prescriptions, large-equipment exams) vary at
 * least as much as a Poisson count with the expected mean, and are as skewed:
 * with a few expected events the binomial figures of small strata understate
 * both (the standard funnel for observed/expected counts is Poisson). The
 * floors apply to metrics whose num is `scale` times a count. */
static double count_scale(int metric)
{
	return metric == CW_METRIC_ANTIBIOTIC_RATE ? 1 : metric == CW_METRIC_LARGE_EQUIPMENT_PER_100 ? 100 : 0;
}

/* Whether a metric's num is at most its den in every unit (the shares, the antibiotic rate): its
 * value is at most 1, so a small volume may be unable to pass any limit. */
static int bounded(int metric)
{
	return metric == CW_METRIC_DRUG_SHARE || metric == CW_METRIC_EXAM_SHARE || metric == CW_METRIC_ANTIBIOTIC_RATE;
}

/* A reference of a share, a rate or a count is never exactly 0, nor 1 for a share or a rate: when the
 * peers' n units have no event (no drug amount, no antibiotic, no large-equipment line) or have
 * nothing else (the whole amount drugs, an antibiotic on every prescription), their figure is
 * Jeffreys' p = (x + 1/2) / (n + 1), x = 0 or n. A share's or a rate's unit is then taken as all or
 * nothing (num = den with probability p, as a prescription has an antibiotic or not), a count's as
 * Poisson of mean p events: the variance and third moment of a unit's residual follow, with d2 and d3
 * the mean den^2 and den^3 of the units. A reference of exactly 0 has no variance: a physician with
 * 52 of 74 prescriptions carrying an antibiotic against peers at 0% had an expected 0, a limit 0 and
 * a z of 0, and was never flagged. With it the limit is a few events above a fraction of one, where
 * the exact binomial or Poisson tail puts it, and widens nothing. The peers' own figures elsewhere;
 * costs and days are never 0. */
static void edge_reference(int metric, double n, double num, double den, double d2, double d3, double *r,
                           double *v, double *k3)
{
	double scale = count_scale(metric);
	int share = bounded(metric);
	if ((!share && scale == 0) || !(n > 0) || !(num <= 0 || (share && num >= den)))
		return;
	double p = ((num > 0 ? n : 0) + 0.5) / (n + 1);
	if (share) {
		*r = p;
		*v = p * (1 - p) * d2;
		*k3 = p * (1 - p) * (1 - 2 * p) * d3;
	} else {
		*r = scale * p;
		*v = scale * scale * p;
		*k3 = scale * scale * scale * p;
	}
}

static int eligible(const ctx *c, int metric, const work *w, size_t p)
{
	return w->n[p] > 0 && w->n[p] >= c->o->min_volume[infos[metric].volume_kind];
}

/* One round: the reference figures of every cell and group (without the
 * left-out physicians) and every physician's expected sums against them. */
static void cell_figures(const ctx *c, work *w)
{
	const utype *t = w->t;
	for (size_t k = 0; k < t->ncells; k++)
		w->cell[k].ref = (sums){ 0 };
	for (size_t e = 0; e < t->nentries; e++) {
		const entry *en = &t->entries[e];
		if (w->esum[e].n == 0)
			continue;
		for (int k = 0; k < KINDS; k++) {
			if (w->out[k][en->phys])
				continue;
			sums_merge(&w->cell[en->cell[k]].ref, &w->esum[e]);
		}
	}
	for (size_t i = 0; i < w->nadj; i++) {
		const adjustment *a = &w->adj[i];
		const entry *en = &t->entries[a->entry];
		if (!w->out[a->kind][en->phys])
			sums_merge(&w->cell[en->cell[a->kind]].ref, &a->s);
	}
	for (size_t k = 0; k < t->ncells; k++) {
		cell *ce = &w->cell[k];
		if (!(ce->ref.n > 0))
			continue; /* only left-out physicians: keep the previous round's figures */
		ce->r = ce->ref.sd > 0 ? ce->ref.s1 / ce->ref.sd : 0;
		ce->v = sums_res2(&ce->ref, ce->r) / ce->ref.n;
		ce->k3 = sums_res3(&ce->ref, ce->r) / ce->ref.n;
	}
	(void)c;
}

/* The reference units of a cell without the entry's own (s and own_adj, its
 * capped units), or all of them when own_adj is NULL (the physician is left
 * out of the reference): leave-one-out, so that a physician who treats most of
 * a stratum does not set its own expectation. */
static sums others_of(const cell *ce, const sums *s, const sums *own_adj)
{
	sums o = ce->ref;
	if (own_adj) {
		sums_sub(&o, s);
		sums_sub(&o, own_adj);
	}
	return o;
}

/* Adds an entry's expected sum, variance and third moment to its physician's,
 * against the peers' units o of its stratum. Units are independent draws of
 * (num, den): a unit's residual num - r den has the peers' per-unit variance
 * whatever its den (for the shares, a visit's amount is as random as its drug
 * amount: a cheap visit's share is not more certain). The variance includes the
 * uncertainty of the peers' ratio, which matters when they are few. When the
 * peers have fewer than two units there, the stratum says nothing either way:
 * its units count as expected, with no variance. The figures used (r, v, k3)
 * go to fig (v = -1: no information). */
static void expect_against(int metric, against *a, const sums *o, const sums *s, double fig[3])
{
	if (!(o->n >= 1.5 && o->sd > 0)) {
		a->expected += s->s1;
		fig[0] = s->sd > 0 ? s->s1 / s->sd : 0;
		fig[1] = -1;
		fig[2] = 0;
		return;
	}
	double r = o->s1 / o->sd, v = sums_res2(o, r) / o->n, k3 = sums_res3(o, r) / o->n;
	edge_reference(metric, o->n, o->s1, o->sd, o->sdd / o->n, o->sddd / o->n, &r, &v, &k3);
	a->expected += r * s->sd;
	a->var += s->n * v + s->sd * s->sd * v * o->n / (o->sd * o->sd); /* + D^2 Var(r) */
	a->k3 += s->n * k3;
	fig[0] = r;
	fig[1] = v;
	fig[2] = k3;
}

/* Every physician's expected sums against its two groups (a stratum with fewer
 * than min_stratum_units peer units at the physician's level takes the
 * specialty's units across levels, when they are more), and every group's
 * reference totals. */
static void group_and_physician_sums(const ctx *c, work *w)
{
	const utype *t = w->t;
	memset(w->g, 0, c->ngids * sizeof *w->g);
	for (int k = 0; k < KINDS; k++)
		for (size_t p = 0; p < c->nphys; p++)
			w->vs[k][p].expected = w->vs[k][p].var = w->vs[k][p].k3 = 0;
	size_t ai = 0;
	for (size_t e = 0; e < t->nentries; e++) {
		const entry *en = &t->entries[e];
		const sums *s = &w->esum[e];
		sums own_adj[KINDS];
		memset(own_adj, 0, sizeof own_adj);
		for (; ai < w->nadj && w->adj[ai].entry == e; ai++)
			own_adj[w->adj[ai].kind] = w->adj[ai].s;
		if (s->n == 0)
			continue;
		sums o[KINDS];
		for (int k = 0; k < KINDS; k++)
			o[k] = others_of(&w->cell[en->cell[k]], s, w->out[k][en->phys] ? NULL : &own_adj[k]);
		for (int k = 0; k < KINDS; k++) {
			const cell *ce = &w->cell[en->cell[k]];
			int sparse = k == 0 && o[0].n < c->o->min_stratum_units && o[1].n > o[0].n;
			expect_against(w->metric, &w->vs[k][en->phys], &o[sparse ? 1 : k], s, &w->efig[k][3 * e]);
			if (w->out[k][en->phys])
				continue;
			gsum *g = &w->g[c->gid[k][en->phys]];
			g->volume += s->n;
			g->num += s->s1;
			g->den += s->sd;
			g->res2 += sums_res2(s, ce->r);
			g->res3 += sums_res3(s, ce->r);
		}
	}
	for (size_t i = 0; i < w->nadj; i++) { /* the capped units, in the groups' references */
		const adjustment *a = &w->adj[i];
		const entry *en = &t->entries[a->entry];
		if (w->out[a->kind][en->phys])
			continue;
		const cell *ce = &w->cell[en->cell[a->kind]];
		gsum *g = &w->g[c->gid[a->kind][en->phys]];
		g->num += a->s.s1;
		g->res2 += a->s.snn - 2 * ce->r * a->s.snd + ce->r * ce->r * a->s.sdd; /* a difference: not clamped */
		g->res3 += sums_res3(&a->s, ce->r);
	}
}

/* (value - expected) / se of physician p against its group of kind k, without over-dispersion. */
static double raw_z(const work *w, int k, size_t p)
{
	const against *a = &w->vs[k][p];
	return a->var > 0 ? (w->num[p] - a->expected) / sqrt(a->var) : 0;
}

/* The raw z-scores of the physicians in their groups' references, those with
 * the minimum volume (any_volume 0) or all with units (1): grouped by gid,
 * z[start[g] .. start[g + 1]), and pooled per group kind over all groups,
 * pool[k][0 .. npool[k]). */
typedef struct zsets {
	uint32_t *start;
	double *z, *pool[KINDS];
	size_t npool[KINDS];
} zsets;

static void zsets_free(zsets *zs)
{
	free(zs->start);
	free(zs->z);
	for (int k = 0; k < KINDS; k++)
		free(zs->pool[k]);
}

static int collect_z(const ctx *c, int metric, const work *w, int any_volume, zsets *zs)
{
	size_t np = c->nphys ? c->nphys : 1;
	uint32_t *fill = calloc(c->ngids + 1, sizeof *fill);
	memset(zs, 0, sizeof *zs);
	zs->start = calloc(c->ngids + 1, sizeof *zs->start);
	zs->z = malloc(KINDS * np * sizeof *zs->z);
	for (int k = 0; k < KINDS; k++)
		zs->pool[k] = malloc(np * sizeof *zs->pool[k]);
	if (!fill || !zs->start || !zs->z || !zs->pool[0] || !zs->pool[1]) {
		free(fill);
		zsets_free(zs);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	for (size_t p = 0; p < c->nphys; p++)
		for (int k = 0; k < KINDS && (any_volume ? w->n[p] > 0 : eligible(c, metric, w, p)); k++)
			zs->start[c->gid[k][p] + 1] += !w->out[k][p];
	for (size_t g = 0; g < c->ngids; g++)
		zs->start[g + 1] += zs->start[g];
	for (size_t p = 0; p < c->nphys; p++)
		for (int k = 0; k < KINDS && (any_volume ? w->n[p] > 0 : eligible(c, metric, w, p)); k++) {
			uint32_t gid = c->gid[k][p];
			if (w->out[k][p])
				continue;
			double z = raw_z(w, k, p);
			zs->z[zs->start[gid] + fill[gid]++] = z;
			zs->pool[k][zs->npool[k]++] = z;
		}
	free(fill);
	return 0;
}

/* Every group's peers (its physicians with units of the metric) and its
 * over-dispersion phi (at least 1): the winsorised mean z^2 of its own peers in
 * the reference when they are at least phi_min_peers, else that of all groups
 * of its kind together (a handful of z-scores say little about dispersion, and
 * an outlier among them would inflate phi and mask itself). */
static int estimate_phi(const ctx *c, int metric, work *w)
{
	zsets zs;
	double pooled[KINDS] = { 1, 1 };
	for (size_t p = 0; p < c->nphys; p++)
		for (int k = 0; k < KINDS && w->n[p] > 0; k++)
			w->g[c->gid[k][p]].peers++;
	int rc = collect_z(c, metric, w, 0, &zs);
	if (rc < 0)
		return rc;
	for (int k = 0; rc == 0 && k < KINDS; k++)
		rc = cw_overdispersion(&pooled[k], zs.pool[k], zs.npool[k], c->o->winsor);
	for (size_t g = 0; rc == 0 && g < c->ngids; g++) {
		size_t n = zs.start[g + 1] - zs.start[g];
		double phi = pooled[g % 4 == 0];
		if (n >= (size_t)c->o->phi_min_peers)
			rc = cw_overdispersion(&phi, zs.z + zs.start[g], n, c->o->winsor);
		w->g[g].phi = phi > 1 ? phi : 1;
	}
	zsets_free(&zs);
	return rc;
}

static void poisson_floor(const ctx *c, int metric, work *w)
{
	double scale = count_scale(metric);
	if (scale == 0)
		return;
	for (int k = 0; k < KINDS; k++)
		for (size_t p = 0; p < c->nphys; p++) {
			against *a = &w->vs[k][p];
			if (a->var < scale * a->expected)
				a->var = scale * a->expected;
			if (a->k3 < scale * scale * a->expected)
				a->k3 = scale * scale * a->expected;
		}
}

static int run_round(const ctx *c, int metric, work *w)
{
	cell_figures(c, w);
	group_and_physician_sums(c, w);
	poisson_floor(c, metric, w);
	return estimate_phi(c, metric, w);
}

/* Leaves out of each group's reference the physicians whose z stands out on
 * either side (below the minimum volume too; a very low outlier with large
 * amounts drags a share's reference as much as a high one): robust z beyond
 * z_alpha, with the median and MAD (scale at least 1) of the z of the group's
 * physicians with units of the metric, whatever their volume (a z-score is
 * standardised whatever the volume; the median and MAD of the three with the
 * minimum volume of a small group cannot tell one outlier among them); in a
 * group with fewer than three, of every group of the kind. Not pooled
 * otherwise: when one outlier drags a group's reference, every other peer of
 * the group stands out from the pool, not from its group. Robust, so several
 * outliers in one group are all left out. *any is set when someone is. */
static int leave_out_outliers(const ctx *c, int metric, work *w, double z_alpha, int *any)
{
	zsets zs;
	double pmed[KINDS], pscale[KINDS];
	int rc = collect_z(c, metric, w, 1, &zs);
	if (rc < 0)
		return rc;
	double *med = malloc(2 * (c->ngids ? c->ngids : 1) * sizeof *med), *scale = med + c->ngids;
	if (!med)
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t g = 0; rc == 0 && g < c->ngids; g++) {
		rc = cw_median_mad(&med[g], &scale[g], zs.z + zs.start[g], zs.start[g + 1] - zs.start[g]);
		scale[g] = scale[g] > 1 ? scale[g] : 1;
	}
	for (int k = 0; rc == 0 && k < KINDS; k++) {
		rc = cw_median_mad(&pmed[k], &pscale[k], zs.pool[k], zs.npool[k]);
		pscale[k] = pscale[k] > 1 ? pscale[k] : 1;
	}
	*any = 0;
	for (size_t p = 0; rc == 0 && p < c->nphys; p++) /* anyone with units, judged or not */
		for (int k = 0; k < KINDS && w->n[p] > 0; k++) {
			uint32_t gid = c->gid[k][p];
			double z = raw_z(w, k, p);
			if (zs.start[gid + 1] - zs.start[gid] >= 3)
				w->out[k][p] = fabs(z - med[gid]) / scale[gid] > z_alpha;
			else
				w->out[k][p] = fabs(z - pmed[k]) / pscale[k] > z_alpha;
			*any |= w->out[k][p];
		}
	free(med);
	zsets_free(&zs);
	return rc;
}

/* A group's funnel: its target (the reference's ratio), the per-unit sd such that sd / sqrt(n) is the
 * standard error of n units with the group's average denominator and residual variance, and the
 * skewness of one reference unit's residual; a reference at 0 (or a share's at 1) as edge_reference
 * says, so that its curve is not flat on the target. */
static cw_funnel group_funnel(const ctx *c, int metric, const gsum *g)
{
	double r = g->den > 0 ? g->num / g->den : 0, v = g->volume > 0 ? g->res2 / g->volume : 0;
	double k3 = g->volume > 0 ? g->res3 / g->volume : 0, dbar = g->volume > 0 ? g->den / g->volume : 1;
	edge_reference(metric, g->volume, g->num, g->den, dbar * dbar, dbar * dbar * dbar, &r, &v, &k3);
	cw_funnel f = cw_funnel_mean(r, dbar > 0 ? sqrt(v) / dbar : 0, c->o->level, g->phi);
	f.skew = v > 0 ? k3 / pow(v, 1.5) : 0;
	return f;
}

/* A unit's part in its physician's figures: residual num - r den, variance, third moment, expected num. */
typedef struct unit_part {
	double res, v, k3, expected;
} unit_part;

static int by_residual_desc(const void *a, const void *b)
{
	double x = ((const unit_part *)a)->res, y = ((const unit_part *)b)->res;
	return x < y ? 1 : x > y ? -1 : 0;
}

/* Whether physician p, judged in its group of kind k, stays beyond its limit
 * without its units of largest residual, a share `trim` of its volume (at least
 * one): a finding that vanishes without a few visits (a 40 000 yuan drug, two
 * stays with albumin, an MRI among cheap visits) rests on those visits, not on a
 * pattern. The units are taken out with the figures they were judged by; units
 * of strata without information count for nothing either way. */
static int broad_excess(const ctx *c, int metric, const work *w, int k, size_t p, double sqphi, double z_alpha)
{
	const utype *t = w->t;
	const against *a = &w->vs[k][p];
	size_t n = (size_t)w->n[p], drop = (size_t)ceil(c->o->trim * (double)n), m = 0;
	drop = drop < 1 ? 1 : drop;
	unit_part *u = malloc((n ? n : 1) * sizeof *u);
	if (!u)
		return 1; /* out of memory: judged without the check */
	for (uint32_t e = t->phys_entry[p]; e < t->phys_entry[p + 1]; e++) {
		const double *fig = &w->efig[k][3 * e];
		for (uint32_t i = t->entries[e].first; fig[1] >= 0 && i < t->entries[e + 1].first && m < n; i++)
			if (w->uden[i] != 0)
				u[m++] = (unit_part){ w->unum[i] - fig[0] * w->uden[i], fig[1], fig[2], fig[0] * w->uden[i] };
	}
	qsort(u, m, sizeof *u, by_residual_desc);
	double res = 0, var = a->var, k3 = a->k3, expected = a->expected;
	for (size_t j = 0; j < drop && j < m; j++) {
		res += u[j].res;
		var -= u[j].v;
		k3 -= u[j].k3;
		expected -= u[j].expected;
	}
	free(u);
	double scale = count_scale(metric);
	if (var < scale * expected) /* the Poisson floors of the counts, for what remains */
		var = scale * expected;
	if (k3 < scale * scale * expected)
		k3 = scale * scale * expected;
	if (m <= drop || !(var > 0))
		return 0; /* nothing else to go on: a few units are not a pattern */
	double z = (w->num[p] - a->expected - res) / sqrt(var) / sqphi;
	return z > cw_cornish_fisher(z_alpha, k3 / pow(var, 1.5), +1);
}

/* Whether physician p's volume can pass its limit at all, against its figures a: more units than the
 * trimmed check drops, and for a share or a rate (at most 1 per unit of den), all of them at that
 * maximum would pass the limit by the minimum excess also without the dropped ones (taken as an
 * average share of the figures). The costs, days and counts are unbounded: the volume floor and the
 * trimmed check are their only gates. Funnel limits widen as the volume falls; a volume that no value
 * can take beyond them is not judged (13 of 18 prescriptions against peers at 2% can; 3 of 3 cannot). */
static int can_reach(const ctx *c, int metric, const work *w, const against *a, size_t p, double sqphi,
                     double z_alpha)
{
	double n = w->n[p], drop = fmax(1, ceil(c->o->trim * n));
	if (c->o->judge_unreachable)
		return 1;
	if (!(n > drop))
		return 0;
	if (!bounded(metric))
		return 1;
	double f = (n - drop) / n, most = w->den[p];
	if (!(a->var > 0) || most < a->expected * (1 + c->o->min_excess))
		return 0;
	double z = (most - a->expected) * f / sqrt(a->var * f) / sqphi;
	return z > cw_cornish_fisher(z_alpha, a->k3 / pow(a->var, 1.5) / sqrt(f), +1);
}

/* Judges physician p; row->group is left as a gid (renumbered later). */
static void judge(const ctx *c, int metric, work *w, size_t p, double z_alpha, cw_metric_row *row)
{
	*row = (cw_metric_row){ .volume = (uint32_t)w->n[p], .value = NAN, .expected = NAN, .se = NAN, .z = NAN,
		                .zlimit = NAN, .limit = NAN, .plotted = NAN, .group = -1,
		                .status = CW_METRIC_NO_DATA };
	if (w->n[p] == 0)
		return;
	row->value = w->num[p] / w->den[p];
	row->status = CW_METRIC_LOW_VOLUME;
	if (!eligible(c, metric, w, p))
		return;
	row->status = CW_METRIC_FEW_PEERS;
	uint32_t min = (uint32_t)c->o->min_peers; /* the level group first, then the specialty */
	int k = w->g[c->gid[0][p]].peers >= min ? 0 : w->g[c->gid[1][p]].peers >= min ? 1 : -1;
	if (k < 0)
		return;
	uint32_t gid = c->gid[k][p];
	gsum *gs = &w->g[gid];
	const against *a = &w->vs[k][p];
	double sqphi = sqrt(gs->phi), z0 = raw_z(w, k, p), n = w->n[p];
	double skew = a->var > 0 ? a->k3 / pow(a->var, 1.5) : 0; /* of the physician's sum */
	if (!can_reach(c, metric, w, a, p, sqphi, z_alpha)) {
		row->status = CW_METRIC_LOW_VOLUME;
		return;
	}
	cw_funnel gf = group_funnel(c, metric, gs);
	double curve = cw_cornish_fisher(z_alpha, gf.skew / sqrt(n), +1);
	row->status = CW_METRIC_JUDGED;
	row->expected = a->expected / w->den[p];
	row->se = sqrt(a->var) / w->den[p];
	row->z = z0 / sqphi;
	row->zlimit = cw_cornish_fisher(z_alpha, skew, +1);
	row->limit = row->expected + row->zlimit * sqphi * row->se;
	row->plotted = gf.target + z0 * gf.sd / sqrt(n) * curve / row->zlimit;
	row->flagged = row->z > row->zlimit && row->value >= row->expected * (1 + c->o->min_excess) &&
	               broad_excess(c, metric, w, k, p, sqphi, z_alpha);
	row->group = (int32_t)gid;
	gs->judged++;
}

/* The groups that judged someone, in gid order (specialty text, then level 0..3). */
static int list_groups(const ctx *c, int metric, const work *w, cw_metric_row *rows, cw_peer_group **out, size_t *nout)
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
			.judged = gs->judged, .volume = (uint64_t)gs->volume,
			.funnel = group_funnel(c, metric, gs),
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
	int rc, again = 0;
	work_reset(c, metric, w);
	pass_sums(c, metric, w);
	cell_figures(c, w); /* plain ratios for the fences */
	set_fences(c, w);
	if ((rc = pass_extremes(w)) < 0)
		return rc;
	if ((rc = run_round(c, metric, w)) < 0 || (rc = leave_out_outliers(c, metric, w, z_alpha, &again)) < 0 ||
	    (again && (rc = run_round(c, metric, w)) < 0))
		return rc;
	cw_metric_row *rows = malloc((c->nphys ? c->nphys : 1) * sizeof *rows);
	if (!rows)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t p = 0; p < c->nphys; p++)
		judge(c, metric, w, p, z_alpha, &rows[p]);
	size_t ng = 0;
	if ((rc = list_groups(c, metric, w, rows, &m->groups[metric], &ng)) < 0) {
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
	for (int k = 0; k < KINDS; k++)
		free(c->gid[k]);
	free(c->ep);
	free(c->rx);
	free(c->cache);
	keymap_free(&c->strata);
	for (int t = 0; t < 2; t++) {
		free(c->type[t].entries);
		free(c->type[t].cell_units);
		free(c->type[t].phys_entry);
	}
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

static int compute_all(ctx *c, cw_metrics *m)
{
	int rc = 0;
	for (int t = 0; rc == 0 && t < 2; t++) {
		work w;
		if ((rc = work_alloc(c, &c->type[t], t ? c->nrx : c->nep, &w)) < 0)
			break;
		for (int k = 0; rc == 0 && k < CW_METRIC_COUNT; k++)
			if (type_of(k) == t)
				rc = compute_metric(c, k, &w, m);
		work_free(&w);
	}
	return rc;
}

int cw_metrics_compute(cw_metrics **out, const cw_dataset *ds, const cw_metrics_opts *o)
{
	ctx c = { .ds = ds, .o = o, .nphys = cw_dataset_physicians(ds)->n };
	cw_metrics *m = calloc(1, sizeof *m);
	int rc = m ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
	if (rc == 0 && !(cw_z_two_sided(o->level) > 0))
		rc = cw_error_set(CW_EINVALID, "metrics: control level %g is not inside (0, 1)", o->level);
	if (rc == 0) {
		m->opts = *o;
		m->totals = calloc(c.nphys ? c.nphys : 1, sizeof *m->totals);
		if (!m->totals)
			rc = cw_error_set(CW_ENOMEM, "out of memory");
	}
	if (rc == 0 && !(c.cache = calloc(STRATUM_CACHE, sizeof *c.cache)))
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	uint32_t *ends[2] = { NULL, NULL }; /* per type: the end of each physician's units */
	for (int t = 0; rc == 0 && t < 2; t++)
		if (!(ends[t] = calloc(c.nphys + 1, sizeof *ends[t])))
			rc = cw_error_set(CW_ENOMEM, "out of memory");
	if (rc == 0 && (rc = assign_groups(&c)) == 0 && (rc = build_episodes(&c, ends[0])) == 0 &&
	    (rc = build_rx(&c, ends[1])) == 0 &&
	    (rc = make_entries(&c, (char *)c.ep, sizeof *c.ep, offsetof(episode, stratum), ends[0], &c.type[0])) == 0 &&
	    (rc = make_entries(&c, (char *)c.rx, sizeof *c.rx, offsetof(rx_unit, stratum), ends[1], &c.type[1])) == 0) {
		fill_totals(&c, m->totals);
		rc = compute_all(&c, m);
	}
	free(ends[0]);
	free(ends[1]);
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
