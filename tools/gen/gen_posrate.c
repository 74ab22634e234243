/* gen_posrate.c: low_positive_rate's departments: planted departments under the 30% floor and
 * look-alikes at it (大型设备检查阳性率, B1, B5), with their truth.
 *
 * Four departments whose physicians have no role of gen_schemes.c (chosen in a fixed order of
 * specialties and institutions, busy ones first) have their large-equipment results set by a pattern
 * rather than by chance, in the months of the range (never in the warm-up): two planted departments
 * (one every month, one in the second to the fourth month) where each physician's k-th resulted exam of
 * the month is positive when it makes the month's positives reach ceil(rate x n) (a rate of 12-20%
 * drawn per department from a random stream of its own); one at the floor by physician, where the same
 * pattern with 30% gives each physician the fewest positives that are not below the floor (exactly 30%
 * at multiples of ten exams; the department a little above); and one at the floor as a department, the
 * pattern counted over the department's exams (the department exactly at the fewest positives not below
 * 30%, its physicians around it: those below are cases). Nothing is drawn from the patients' random streams
 * and the generator's state keeps the background's results, so every visit, line and prescription is
 * the same as without these departments: only exam_results.csv changes, the results of the three
 * departments' large-equipment lines in the months, written when the patient's history is done (after
 * the patient's other results). A line that the same item follows within its retest interval, or that a
 * case or look-alike of another detector names, keeps its background result (repeat_test reads it),
 * and counts in the pattern as it is.
 *
 * Truth, from the exact counts of the month's resulted large-equipment lines (per department of the
 * visit and per ordering physician, as the detector counts): a case for every department (any of them:
 * the low-rate physicians of gen_schemes.c pull theirs down) under the floor at the detector's
 * department minimum; in the three departments, a case for a physician under the floor at the
 * physicians' minimum, and look-alikes: the at-floor departments, the physicians of the one at the floor by
 * physician at their minimum (not below the floor), physicians under the floor below their minimum, a
 * planted department below its minimum. */
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "gen.h"
#include "util/grow.h"

#define FLOOR_PM 300      /* the floor, per mille: low_positive_rate's threshold */
#define PHYS_MIN 20       /* low_positive_rate's min_resulted */
#define DEPT_MIN 30       /* low_positive_rate's department_min_resulted */
#define LOOK_MIN 5        /* a physician under the floor below PHYS_MIN is a look-alike from 5 exams */
#define STREAM (1ull << 42) /* above every patient's stream, substitution's and stacked_supply's */

enum { DM_NONE, DM_UNDER, DM_FLOOR, DM_FLOOR_DEPT };

/* A patterned line of the current patient: its result is written at the patient's end. */
typedef struct pending_line {
	uint64_t id;
	cw_minute t;
	int item, phys, dept, month;
	uint8_t result; /* the background's, final at the visit's flush */
	uint8_t pinned; /* keeps the background's result */
} pending_line;

typedef struct gen_posrate {
	uint8_t *mode;      /* per department: DM_* */
	uint16_t *rate_pm;  /* per department: the pattern's rate, per mille */
	uint32_t *active;   /* per department: bit m, the pattern acts in month m */
	uint32_t (*dn)[2];  /* per department and month: resulted, positive */
	uint32_t (*pn)[2];  /* per physician and month: resulted, positive */
	uint32_t (*pk)[2];  /* per physician and month: the pattern's resulted, positive so far */
	uint32_t (*dk)[2];  /* per department and month: the same, for DM_FLOOR_DEPT */
	pending_line *pl;   /* the current patient's patterned lines */
	size_t npl, cappl;
	size_t truth0;      /* truth entries before the current patient */
} gen_posrate;

static int dept_free_of_roles(const gen_ctx *g, int d)
{
	for (int i = 0; i < g->dept[d].nphys; i++)
		if (g->phys[g->dept[d].phys0 + i].role)
			return 0;
	return 1;
}

/* The first department of specialty key (tertiary institutions first) without roles and not yet chosen. */
static int pick(const gen_ctx *g, const gen_posrate *s, const char *key)
{
	int spec = gen_spec_find(g, key);
	for (int lv = 3; spec >= 0 && lv >= 1; lv--)
		for (int k = 0; k < g->ninst; k++) {
			int d = g->inst[k].level == lv ? gen_dept_of(g, k, spec) : -1;
			if (d >= 0 && s->mode[d] == DM_NONE && dept_free_of_roles(g, d))
				return d;
		}
	return -1;
}

static uint32_t months(const gen_ctx *g, int from, int to)
{
	uint32_t m = 0;
	for (int i = from; i <= to && i < g->nmonths && i < 32; i++)
		m |= 1u << i;
	return m ? m : 1u;
}

static void choose(gen_ctx *g, gen_posrate *s, gen_rng *rng, const char *const *keys, int mode, uint32_t active)
{
	for (int i = 0; keys[i]; i++) {
		int d = pick(g, s, keys[i]);
		if (d < 0)
			continue;
		s->mode[d] = (uint8_t)mode;
		s->rate_pm[d] = (uint16_t)(mode == DM_UNDER ? gen_int(rng, 120, 200) : FLOOR_PM);
		s->active[d] = active;
		return;
	}
}

int gen_posrate_init(gen_ctx *g)
{
	gen_posrate *s = calloc(1, sizeof *s);
	size_t nd = (size_t)g->ndept + 1, np = (size_t)g->nphys + 1, nm = (size_t)g->nmonths;
	if (!s || !(s->mode = calloc(nd, 1)) || !(s->rate_pm = calloc(nd, sizeof *s->rate_pm)) ||
	    !(s->active = calloc(nd, sizeof *s->active)) || !(s->pk = calloc(np * nm, sizeof *s->pk)) ||
	    !(s->dk = calloc(nd * nm, sizeof *s->dk)) ||
	    !(s->dn = calloc(nd * nm, sizeof *s->dn)) || !(s->pn = calloc(np * nm, sizeof *s->pn))) {
		g->posrate = s;
		gen_posrate_free(g);
		return cw_error_set(CW_ENOMEM, "gen: out of memory");
	}
	g->posrate = s;
	gen_rng rng;
	gen_rng_seed(&rng, g->o.seed, STREAM);
	static const char *const under[] = { "obstetrics_gynecology", "respiratory", "orthopedics", "cardiology",
		                             "general_surgery", NULL };
	static const char *const floor[] = { "respiratory", "obstetrics_gynecology", "orthopedics", "cardiology",
		                             "general_surgery", NULL };
	choose(g, s, &rng, under, DM_UNDER, months(g, 0, 31));
	choose(g, s, &rng, floor, DM_FLOOR, months(g, 0, 31));
	choose(g, s, &rng, under, DM_UNDER, months(g, 1, 3));
	choose(g, s, &rng, floor, DM_FLOOR_DEPT, months(g, 0, 31));
	return 0;
}

void gen_posrate_free(gen_ctx *g)
{
	gen_posrate *s = g->posrate;
	if (!s)
		return;
	free(s->mode);
	free(s->rate_pm);
	free(s->active);
	free(s->pk);
	free(s->dk);
	free(s->pl);
	free(s->dn);
	free(s->pn);
	free(s);
	g->posrate = NULL;
}

/* The department's pattern acts on v's large-equipment line at t. */
static int patterned(const gen_ctx *g, const gen_visit *v, const gen_line *l)
{
	const gen_posrate *s = g->posrate;
	int m = gen_month_of(g, l->t);
	return s && m >= 0 && g->items[l->item].large && s->mode[v->dept] != DM_NONE && (s->active[v->dept] >> m & 1);
}

void gen_posrate_line(gen_ctx *g, const gen_visit *v, int idx)
{
	gen_posrate *s = g->posrate;
	const gen_line *l = &v->l[idx];
	const gen_item *it = &g->items[l->item];
	if (!s)
		return;
	for (size_t i = 0; it->slot >= 0 && i < s->npl; i++) {
		const gen_item *x = &g->items[s->pl[i].item];
		if (x->slot == it->slot && l->t >= s->pl[i].t && l->t - s->pl[i].t < (cw_minute)x->retest * 60)
			s->pl[i].pinned = 1; /* repeated within its interval: repeat_test reads its result */
	}
	if (!patterned(g, v, l) || cw_grow((void **)&s->pl, &s->cappl, s->npl + 1, sizeof *s->pl) < 0)
		return;
	pending_line *e = &s->pl[s->npl++];
	memset(e, 0, sizeof *e);
	e->id = l->id;
	e->t = l->t;
	e->item = l->item;
	e->phys = l->phys >= 0 ? l->phys : v->phys;
	e->dept = v->dept;
	e->month = gen_month_of(g, l->t);
}

static pending_line *find(gen_posrate *s, uint64_t id)
{
	for (size_t i = s ? s->npl : 0; i > 0; i--)
		if (s->pl[i - 1].id == id)
			return &s->pl[i - 1];
	return NULL;
}

static void count(gen_ctx *g, int dept, int phys, int month, int result)
{
	gen_posrate *s = g->posrate;
	if (result != CW_RESULT_POSITIVE && result != CW_RESULT_NEGATIVE)
		return;
	int pos = result == CW_RESULT_POSITIVE;
	uint32_t *d = s->dn[(size_t)dept * (size_t)g->nmonths + (size_t)month];
	uint32_t *p = s->pn[(size_t)phys * (size_t)g->nmonths + (size_t)month];
	d[0]++;
	d[1] += (uint32_t)pos;
	p[0]++;
	p[1] += (uint32_t)pos;
}

int gen_posrate_defer(gen_ctx *g, const gen_visit *v, const gen_line *l)
{
	gen_posrate *s = g->posrate;
	pending_line *e = find(s, l->id);
	if (e) {
		e->result = l->result;
		return 1;
	}
	int m = gen_month_of(g, l->t);
	if (s && m >= 0 && g->items[l->item].large)
		count(g, v->dept, l->phys >= 0 ? l->phys : v->phys, m, l->result);
	return 0;
}

/* Pins the lines that a case or look-alike recorded during the patient names. */
static void pin_truth(gen_ctx *g)
{
	gen_posrate *s = g->posrate;
	for (size_t c = s->truth0; c < g->truth.n; c++)
		for (uint32_t k = 0; k < g->truth.c[c].nlines; k++) {
			pending_line *e = find(s, g->truth.ids[g->truth.c[c].line0 + k]);
			if (e)
				e->pinned = 1;
		}
}

/* The pattern: positive while the physician's (DM_FLOOR_DEPT: the department's) positives of the month
 * are fewer than ceil(rate x n). */
static uint8_t decide(gen_ctx *g, pending_line *e)
{
	gen_posrate *s = g->posrate;
	uint32_t *k = s->mode[e->dept] == DM_FLOOR_DEPT ? s->dk[(size_t)e->dept * (size_t)g->nmonths + (size_t)e->month]
	                                                 : s->pk[(size_t)e->phys * (size_t)g->nmonths + (size_t)e->month];
	if (e->result != CW_RESULT_POSITIVE && e->result != CW_RESULT_NEGATIVE)
		return e->result;
	uint8_t r = e->result;
	if (!e->pinned) {
		uint64_t want = ((uint64_t)(k[0] + 1) * s->rate_pm[e->dept] + 999) / 1000;
		r = k[1] < want ? CW_RESULT_POSITIVE : CW_RESULT_NEGATIVE;
	}
	k[0]++;
	k[1] += r == CW_RESULT_POSITIVE;
	return r;
}

void gen_posrate_patient_end(gen_ctx *g)
{
	gen_posrate *s = g->posrate;
	if (!s)
		return;
	pin_truth(g);
	gen_out *ro = &g->out[F_RESULTS];
	for (size_t i = 0; i < s->npl; i++) {
		pending_line *e = &s->pl[i];
		uint8_t r = decide(g, e);
		count(g, e->dept, e->phys, e->month, r);
		if (r == CW_RESULT_NONE)
			continue;
		gen_out_reserve(ro, 64);
		gen_put_u64(ro, "L", e->id, 0);
		gen_put(ro, r == CW_RESULT_POSITIVE ? ",positive\n" : r == CW_RESULT_NEGATIVE ? ",negative\n" : ",pending\n");
		g->st.results++;
	}
	s->npl = 0;
	s->truth0 = g->truth.n;
}

static int under(const uint32_t *n) { return 1000ull * n[1] < (uint64_t)FLOOR_PM * n[0]; }

static gen_case *add(gen_ctx *g, int look, const char *kind, int m, int phys, int dept, const uint32_t *n)
{
	gen_case *c = gen_truth_add(&g->truth, look);
	if (!c)
		return NULL;
	c->det = gen_detector_index("low_positive_rate");
	c->kind = kind;
	c->month = m;
	c->phys = phys;
	c->dept1 = dept + 1; /* 0: none */
	snprintf(c->note, sizeof c->note, "%s%u of %u resulted large-equipment exams positive (%.1f%%)",
	         dept >= 0 ? "department: " : "", n[1], n[0], 100.0 * n[1] / n[0]);
	return c;
}

/* The physicians of a patterned department in month m. */
static void physicians_truth(gen_ctx *g, int d, int m)
{
	const gen_posrate *s = g->posrate;
	for (int i = 0; i < g->dept[d].nphys; i++) {
		int ph = g->dept[d].phys0 + i;
		const uint32_t *n = s->pn[(size_t)ph * (size_t)g->nmonths + (size_t)m];
		if (n[0] >= PHYS_MIN && under(n))
			add(g, 0, "physician_in_patterned_department", m, ph, -1, n);
		else if (n[0] >= PHYS_MIN && s->mode[d] == DM_FLOOR)
			add(g, 1, "physician_at_floor", m, ph, -1, n);
		else if (n[0] >= LOOK_MIN && n[0] < PHYS_MIN && under(n))
			add(g, 1, "physician_under_min_volume", m, ph, -1, n);
	}
}

void gen_posrate_truth(gen_ctx *g)
{
	const gen_posrate *s = g->posrate;
	for (int d = 0; s && d < g->ndept; d++)
		for (int m = 0; m < g->nmonths; m++) {
			const uint32_t *n = s->dn[(size_t)d * (size_t)g->nmonths + (size_t)m];
			int patterned = s->mode[d] != DM_NONE && (s->active[d] >> m & 1);
			if (n[0] >= DEPT_MIN && under(n))
				add(g, 0, s->mode[d] == DM_UNDER ? "department_planted" : "department_under_floor", m, -1, d,
				    n);
			else if (patterned && n[0] >= DEPT_MIN)
				add(g, 1, "department_at_floor", m, -1, d, n);
			else if (patterned && n[0] >= LOOK_MIN && under(n))
				add(g, 1, "department_under_min_volume", m, -1, d, n);
			if (patterned)
				physicians_truth(g, d, m);
		}
}
