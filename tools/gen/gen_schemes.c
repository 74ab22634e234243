/* gen_schemes.c: the injected fraud schemes and the hard look-alikes.
 *
 * Every scheme follows detectors-spec.md exactly and trips exactly one
 * detector (or records the second detector it trips as a case of its own);
 * every look-alike is a pattern a careless detector would flag but the spec
 * does not. Both are recorded in truth.json with the ids the eval matches on.
 * Schemes are drawn per opportunity (a visit, a stay, a readmission, a
 * repeat) at small rates, much higher for the designated bad physicians, so
 * that they concentrate there; physician-level schemes (outliers, positive
 * rates, antibiotic rates) are roles given to a few physicians for some months
 * and are recorded after generation from the volumes actually produced. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "gen.h"

/* Chance per opportunity at an ordinary physician; bad physicians get BAD_MULT times more. */
enum {
	S_OVER_PRICE, S_DUPLICATE, S_OVER_FREQ, S_RESTRICTION, S_SPLIT_BILLING, S_LARGE_RX, S_VISIT_COUNT
};
static const double visit_rate[S_VISIT_COUNT] = { 0.0017, 0.0017, 0.0014, 0.0022, 0.0017, 0.0019 };
#define BAD_MULT 22.0
#define P_REPEAT_OP 0.03      /* a retest wanted inside its interval: billed anyway */
#define P_STAY_LINE 0.035     /* a line-level scheme on a stay */
#define P_UNWARRANTED 0.012 /* half light (低标准入院), half heavy (小病大治) */
#define P_UNWARRANTED_HEAVY 0.5
#define P_IDLE 0.014
#define P_SEEN 0.012
#define P_RT_STAY 0.012
#define P_SPLIT_ADM 0.012
#define P_LOOK_READMIT 0.006
#define P_LOOK_QUIET 0.012
#define P_LOOK_RT_EXACT 0.006
#define P_LOOK_AFTER_POS 0.25
#define P_LOOK_SUBSET 0.002
#define P_LOOK_DAYS 0.01
#define P_LOOK_CHRONIC30 0.004
#define P_LOOK_ER_ADMIT 0.5
#define P_LOOK_UA_SURGERY 0.06 /* per stay; applied in gastroenterology and cardiology (a tenth of the stays) */
#define P_LOOK_UA_OTHER_DX 0.006
#define P_LOOK_UA_FOUR_DAYS 0.006
#define P_REFUND 0.006
#define P_PHANTOM 0.014       /* a phantom_service scheme on a stay */
#define P_LOOK_PHANTOM 0.008  /* a phantom_service look-alike on a stay */

/* --- truth helpers ------------------------------------------------------------------------ */
static gen_case *new_case(gen_ctx *g, int look, const char *det, const char *kind, int month, int phys,
                          uint64_t pat, uint64_t visit)
{
	gen_case *c = gen_truth_add(&g->truth, look);
	if (!c)
		return NULL;
	c->det = gen_detector_index(det);
	c->kind = kind;
	c->month = month;
	c->phys = phys;
	c->pat = pat;
	c->visit = visit;
	return c;
}

void gen_case_lines(gen_ctx *g, int look, const char *det, const char *kind, int phys, uint64_t pat, uint64_t visit,
                    const uint64_t *ids, int nids, cw_fen suspect, cw_minute when, const char *fmt, ...)
{
	int m = gen_month_of(g, when);
	if (m < 0)
		return;
	gen_case *c = new_case(g, look, det, kind, m, phys, pat, visit);
	if (!c)
		return;
	c->suspect = suspect;
	if (nids)
		gen_truth_add_ids(&g->truth, c, ids, nids);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->note, sizeof c->note, fmt, ap);
	va_end(ap);
}

static int is_bad(const gen_ctx *g, int phys)
{
	return g->phys[phys].role == R_BAD;
}

static int role_on(const gen_ctx *g, int phys, int role, cw_minute t)
{
	const gen_phys *ph = &g->phys[phys];
	int m = gen_month_of(g, t);
	return ph->role == role && m >= 0 && (ph->active >> m & 1);
}

double gen_rate(const gen_ctx *g, int phys)
{
	return is_bad(g, phys) ? BAD_MULT : 1.0;
}

static int day_has_item(const gen_visit *v, cw_day d, int item)
{
	for (size_t i = 0; i < v->nl; i++)
		if (v->l[i].item == item && cw_day_of(v->l[i].t) == d)
			return 1;
	return 0;
}

static int day_has_care(const gen_ctx *g, const gen_visit *v, cw_day d)
{
	for (size_t i = 0; i < v->nl; i++)
		if (cw_day_of(v->l[i].t) == d && cw_category_is_care(g->items[v->l[i].item].cat))
			return 1;
	return 0;
}

/* --- roles ----------------------------------------------------------------------------------- */
static uint32_t months_mask(const gen_ctx *g, int from, int to)
{
	uint32_t m = 0;
	if (from >= g->nmonths)
		from = g->nmonths - 1;
	if (to >= g->nmonths)
		to = g->nmonths - 1;
	for (int i = from < 0 ? 0 : from; i <= to; i++)
		m |= 1u << i;
	return m;
}

/* A physician of one of the specialties (comma-separated keys) at a level in levels mask, not yet
 * given a role, not at an institution in taken (bitmask over the first 64), or -1. */
static int find_phys(gen_ctx *g, const char *specs, int levels, int ward, uint64_t taken_inst, int nth)
{
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < g->nphys; i++) {
			gen_phys *ph = &g->phys[i];
			const char *key = g->spec[ph->spec].key;
			const char *hit = strstr(specs, key);
			if (!hit || (hit[strlen(key)] != ',' && hit[strlen(key)] != 0))
				continue;
			if (ph->role || !(levels & (1 << ph->level)) || (ward && !ph->ward))
				continue;
			if (pass == 0 && ph->inst < 64 && (taken_inst >> ph->inst & 1))
				continue;
			int busy = 0; /* one role per department: roles compete for the same patients */
			for (int j = 0; j < g->dept[ph->dept].nphys; j++)
				busy |= g->phys[g->dept[ph->dept].phys0 + j].role != R_NONE;
			if (busy)
				continue;
			if (g->dept[ph->dept].nphys < 3 || (i - g->dept[ph->dept].phys0) != nth % g->dept[ph->dept].nphys)
				continue;
			return i;
		}
	return -1;
}

/* Level 3 first, then level 2, trying each position in the department. */
static int find_phys2(gen_ctx *g, const char *specs, int ward, uint64_t taken, int nth)
{
	for (int lv = 3; lv >= 2; lv--)
		for (int k = 0; k < 6; k++) {
			int p = find_phys(g, specs, 1 << lv, ward, taken, nth + k);
			if (p >= 0)
				return p;
		}
	return -1;
}

static void give(gen_ctx *g, int phys, int role, uint32_t active)
{
	if (phys < 0)
		return;
	gen_phys *ph = &g->phys[phys];
	ph->role = role;
	ph->active = active;
	ph->s_cost = ph->s_exam = ph->s_large = ph->s_los = ph->s_abx = 1.0;
	ph->pos = 0.57;
}

void gen_roles_assign(gen_ctx *g)
{
	uint32_t all = months_mask(g, 0, 31);
	uint64_t taken = 0;
	int nbad = g->ninst >= 7 ? 3 : 2;
	static const char *const bad_specs[] = { "respiratory", "gastroenterology", "cardiology", "endocrinology",
		                                 "orthopedics", "neurology" };
	for (int b = 0, tries = 0; b < nbad && tries < 12; tries++) {
		int ph = find_phys(g, bad_specs[(b + tries) % 6], (1 << 2) | (1 << 3), 1, taken, 0);
		if (ph < 0)
			continue;
		give(g, ph, R_BAD, all);
		if (g->phys[ph].inst < 64)
			taken |= 1ull << g->phys[ph].inst;
		b++;
	}
	int rheu = -1;
	for (int i = 0; i < g->nphys; i++)
		if (!strcmp(g->spec[g->phys[i].spec].key, "rheumatology")) {
			rheu = i;
			break;
		}
	give(g, rheu, R_RARE_COSTLY, all);
	if (!g->stat_roles)
		return;
	/* at tertiary hospitals first: they have the volume the statistics need */
	give(g, find_phys2(g, "gastroenterology,orthopedics", 0, taken, 1), R_OUT_COST, months_mask(g, 1, 3));
	give(g, find_phys2(g, "neurology,orthopedics", 0, taken, 2), R_OUT_LARGE, months_mask(g, 2, 4));
	/* the ward with the most (lengthenable) stays: the length of stay is judged at 10 stays a month */
	int los = find_phys2(g, "respiratory", 1, taken, 2);
	give(g, los >= 0 ? los : find_phys2(g, "cardiology,neurology", 1, taken, 2), R_OUT_LOS, months_mask(g, 3, 5));
	give(g, find_phys2(g, "emergency", 0, taken, 1), R_LOWPOS, all);
	give(g, find_phys2(g, "emergency", 0, taken, 4), R_LOWPOS, months_mask(g, 1, 3));
	give(g, find_phys2(g, "respiratory,pediatrics", 0, taken, 3), R_ABX_OP, all);
	give(g, find_phys2(g, "emergency", 0, taken, 2), R_ABX_ER, months_mask(g, 1, 4));
	give(g, find_phys2(g, "emergency", 0, taken, 3), R_ER35, all);
	give(g, find_phys2(g, "cardiology", 0, taken, 1), R_CASEMIX, all);
}

/* --- building blocks shared by visits and stays ------------------------------------------------- */
static int pick_line(gen_ctx *g, gen_pat *p, const gen_visit *v, int (*ok)(const gen_ctx *, const gen_visit *, size_t),
                     cw_day only_day)
{
	int cand[256], n = 0;
	for (size_t i = 0; i < v->nl && n < 256; i++)
		if ((only_day == CW_DAY_NONE || cw_day_of(v->l[i].t) == only_day) && ok(g, v, i))
			cand[n++] = (int)i;
	return n ? cand[gen_int(&p->rng, 0, n - 1)] : -1;
}

static int ok_price(const gen_ctx *g, const gen_visit *v, size_t i)
{
	const gen_item *it = &g->items[v->l[i].item];
	return v->l[i].qty > 0 && it->cat != CW_CAT_DRUG && it->cat != CW_CAT_BED && it->cat != CW_CAT_NURSING &&
	       v->l[i].unit <= it->price && it->price >= 500;
}

static int ok_dup(const gen_ctx *g, const gen_visit *v, size_t i)
{
	return v->l[i].qty > 0 && (g->items[v->l[i].item].flags & GI_DUP);
}

static int scheme_over_price(gen_ctx *g, gen_pat *p, gen_visit *v, cw_day day)
{
	int i = pick_line(g, p, v, ok_price, day);
	if (i < 0)
		return 0;
	gen_line *l = &v->l[i];
	const gen_item *it = &g->items[l->item];
	double f = is_bad(g, v->phys) ? 1.4 + 0.6 * gen_unif(&p->rng) : 1.12 + 0.4 * gen_unif(&p->rng);
	l->unit = (cw_fen)llround((double)it->price * f / 10.0) * 10;
	if (l->unit <= it->price)
		l->unit = it->price + 10;
	l->amount = l->unit * l->qty / CW_QTY_ONE;
	cw_fen suspect = (l->unit - it->price) * l->qty / CW_QTY_ONE;
	gen_case_lines(g, 0, "over_price", "over_price", v->phys, p->num, v->id, &l->id, 1, suspect, l->t,
	               "%s billed at %.2f over the ceiling %.2f", it->code, (double)l->unit / 100, (double)it->price / 100);
	return 1;
}

static int scheme_duplicate(gen_ctx *g, gen_pat *p, gen_visit *v, cw_day day)
{
	int i = pick_line(g, p, v, ok_dup, day);
	if (i < 0) {
		if (day != CW_DAY_NONE)
			return 0;
		cw_minute t = v->admit + 3;
		i = gen_add_line(g, p, v, g->it_ecg, t, CW_QTY_ONE, ADD_CHECK);
		if (i < 0)
			return 0;
	}
	gen_line copy = v->l[i];
	int j = gen_add_line(g, p, v, copy.item, copy.t, copy.qty, ADD_FORCE);
	if (j < 0)
		return 0;
	v->l[j].unit = copy.unit;
	v->l[j].amount = copy.amount;
	v->l[j].result = copy.result == CW_RESULT_NONE ? CW_RESULT_NONE : CW_RESULT_NEGATIVE;
	uint64_t ids[2] = { v->l[i].id, v->l[j].id };
	gen_case_lines(g, 0, "duplicate_billing", "duplicate_billing", v->phys, p->num, v->id, ids, 2, copy.amount, copy.t,
	               "%s billed twice at the same minute", g->items[copy.item].code);
	return 1;
}

static int scheme_over_freq(gen_ctx *g, gen_pat *p, gen_visit *v, cw_day day)
{
	int cand[8], n = 0;
	if (v->kind == CW_INPATIENT) {
		for (size_t i = 0; i < v->nl; i++)
			if (cw_day_of(v->l[i].t) == day && g->items[v->l[i].item].cat == CW_CAT_BED && v->l[i].qty == CW_QTY_ONE) {
				gen_line *l = &v->l[i];
				l->qty = 2 * CW_QTY_ONE;
				l->amount = l->unit * 2;
				gen_case_lines(g, 0, "over_frequency", "over_frequency", v->phys, p->num, v->id, &l->id, 1, l->unit, l->t,
				               "bed %s billed 2 days on one day", g->items[l->item].code);
				if (v->discharge != CW_MINUTE_NONE) /* one bed day more than the stay lasted */
					gen_case_lines(g, 0, "phantom_service", "excess_days", v->phys, p->num, v->id, &l->id, 1, l->unit,
					               v->discharge, "bed %s billed 2 days on one day", g->items[l->item].code);
				return 1;
			}
		return 0;
	}
	int opts[] = { g->it_nebul, g->it_im, g->it_physio, g->it_iv };
	for (int k = 0; k < 4; k++)
		if (!gen_ledger_has(p, opts[k]))
			cand[n++] = opts[k];
	if (!n)
		return 0;
	int item = cand[gen_int(&p->rng, 0, n - 1)];
	int maxq = g->items[item].maxq, extra = gen_int(&p->rng, 1, 2);
	int i = gen_add_line(g, p, v, item, v->admit + 70, (cw_qty)(maxq + extra) * CW_QTY_ONE, ADD_FORCE);
	if (i < 0)
		return 0;
	gen_line *l = &v->l[i];
	gen_case_lines(g, 0, "over_frequency", "over_frequency", v->phys, p->num, v->id, &l->id, 1, l->unit * extra, l->t,
	               "%s: %d units on one day, at most %d", g->items[item].code, maxq + extra, maxq);
	return 1;
}

/* One restricted item the patient, institution or visit kind does not qualify for. */
static int scheme_restriction(gen_ctx *g, gen_pat *p, gen_visit *v, cw_day day, cw_minute t)
{
	int cand[8], n = 0;
	const char *kinds[8];
	int age = gen_age(p, t);
	if (p->sex == CW_SEX_M) { cand[n] = g->it_vaginal; kinds[n++] = "sex_only"; }
	if (p->sex == CW_SEX_F) { cand[n] = g->it_prostate; kinds[n++] = "sex_only"; }
	if (age > 16) { cand[n] = g->it_tuina_child; kinds[n++] = "age_max"; }
	if (age >= 0 && age < 45 && p->rt_time[g->items[g->it_dxa].slot] == CW_MINUTE_NONE) {
		cand[n] = g->it_dxa;
		kinds[n++] = "age_min";
	}
	if (g->inst[v->inst].level < 3) { cand[n] = g->it_hbo; kinds[n++] = "min_level"; }
	if (v->kind == CW_INPATIENT) { cand[n] = g->it_consult_op[0]; kinds[n++] = "setting"; }
	else { cand[n] = g->it_monitor; kinds[n++] = "setting"; }
	int k = gen_int(&p->rng, 0, n - 1);
	int item = cand[k];
	if (v->kind == CW_INPATIENT ? day_has_item(v, day, item) : gen_ledger_has(p, item))
		return 0;
	int i = gen_add_line(g, p, v, item, t, CW_QTY_ONE, ADD_FORCE);
	if (i < 0)
		return 0;
	gen_line *l = &v->l[i];
	gen_case_lines(g, 0, "item_restriction", kinds[k], v->phys, p->num, v->id, &l->id, 1, l->amount, l->t,
	               "%s billed against its %s restriction", g->items[item].code, kinds[k]);
	return 1;
}

static int bundle_free(gen_ctx *g, gen_pat *p, const gen_visit *v, int b, cw_day day)
{
	const gen_item *it = &g->items[b];
	if (v->kind == CW_INPATIENT) {
		if (day_has_item(v, day, b))
			return 0;
		for (int c = 0; c < it->ncomp; c++)
			if (day_has_item(v, day, it->comp[c]))
				return 0;
		return 1;
	}
	if (gen_ledger_has(p, b))
		return 0;
	for (int c = 0; c < it->ncomp; c++)
		if (gen_ledger_has(p, it->comp[c]))
			return 0;
	return 1;
}

static int pick_bundle(gen_ctx *g, gen_pat *p, const gen_visit *v, cw_day day, int lab_only)
{
	int cand[16], n = 0;
	for (int i = 0; i < g->nitems && n < 16; i++)
		if (g->items[i].ncomp && (!lab_only || g->items[i].cat == CW_CAT_LAB) && bundle_free(g, p, v, i, day))
			cand[n++] = i;
	return n ? cand[gen_int(&p->rng, 0, n - 1)] : -1;
}

static int scheme_split_billing(gen_ctx *g, gen_pat *p, gen_visit *v, cw_day day, cw_minute t)
{
	int b = pick_bundle(g, p, v, day, v->kind == CW_INPATIENT);
	if (b < 0)
		return 0;
	const gen_item *bi = &g->items[b];
	uint64_t ids[9];
	int n = 0;
	if (gen_chance(&p->rng, 0.5)) {
		int bl = gen_add_line(g, p, v, b, t, CW_QTY_ONE, ADD_FORCE);
		int c = bi->comp[gen_int(&p->rng, 0, bi->ncomp - 1)];
		int cl = gen_add_line(g, p, v, c, t, CW_QTY_ONE, ADD_FORCE);
		if (bl < 0 || cl < 0)
			return 0;
		ids[n++] = v->l[cl].id;
		ids[n++] = v->l[bl].id;
		gen_case_lines(g, 0, "split_billing", "component_beside_bundle", v->phys, p->num, v->id, ids, n,
		               v->l[cl].amount, t, "%s billed beside its bundle %s", g->items[c].code, bi->code);
		return 1;
	}
	cw_fen sum = 0;
	for (int c = 0; c < bi->ncomp; c++) {
		int cl = gen_add_line(g, p, v, bi->comp[c], t, CW_QTY_ONE, ADD_FORCE);
		if (cl < 0)
			return 0;
		ids[n++] = v->l[cl].id;
		sum += v->l[cl].amount;
	}
	gen_case_lines(g, 0, "split_billing", "all_components", v->phys, p->num, v->id, ids, n,
	               sum > bi->price ? sum - bi->price : 0, t, "every component of %s billed without it", bi->code);
	return 1;
}

/* A second prescription that breaks one prescription limit. */
static int scheme_large_rx(gen_ctx *g, gen_pat *p, gen_visit *v)
{
	static const char *const cheap[] = { "XZ0001003", "XZ0001005", "XR05DAA030", "XA12AXA047", "XB03BAA046",
		                             "XA02ADA038", "XR06AXA035", "XN02BEA054", "XA07BCA039", "XZ0001006",
		                             "XM02AAA045", "XD07AAA076" };
	const gen_dx *dx = &g->dx[v->dx];
	int chronic = (dx->flags & DX_CHRONIC) && v->kind == CW_OUTPATIENT;
	int limit = v->kind == CW_EMERGENCY ? 3 : chronic ? 30 : 7;
	int drug[GEN_RX_MAX], days[GEN_RX_MAX], n = 0;
	cw_qty qty[GEN_RX_MAX];
	cw_minute t = v->admit + 95;
	/* the over-ceiling amount (2,000+ yuan) only at bad physicians: elsewhere it would also make an
	 * ordinary physician's cost per visit an outlier */
	int tag = gen_int(&p->rng, 0, is_bad(g, v->phys) ? 2 : 1);
	const char *kind = tag == 0 ? "drugs_per_rx" : tag == 1 ? "days_supply" : "amount";
	int start = gen_int(&p->rng, 0, 11);
	int want = tag == 0 ? gen_int(&p->rng, 6, 8) : tag == 1 ? gen_int(&p->rng, 1, 2) : 1;
	if (tag == 2) {
		drug[n] = g->it_albumin;
		qty[n] = (cw_qty)gen_int(&p->rng, 6, 8) * CW_QTY_ONE;
		days[n++] = gen_int(&p->rng, 1, limit < 3 ? limit : 3);
	}
	for (int k = 0; k < 12 && n < want + (tag == 2); k++) {
		int it = gen_item_find(g, cheap[(start + k) % 12]);
		if (it < 0 || !gen_can_bill(g, p, v, it, t, CW_QTY_ONE))
			continue;
		drug[n] = it;
		if (tag == 1) {
			int d = chronic ? gen_int(&p->rng, 60, 90) : v->kind == CW_EMERGENCY ? gen_int(&p->rng, 5, 7)
			                                                                     : gen_int(&p->rng, 10, 28);
			days[n] = d;
			qty[n] = (cw_qty)(d / 7 + 1) * CW_QTY_ONE;
		} else {
			days[n] = gen_int(&p->rng, 1, limit < 5 ? limit : 5);
			qty[n] = CW_QTY_ONE;
		}
		n++;
	}
	if ((tag == 0 && n < 6) || (tag == 1 && n < 1))
		return 0;
	int rx = gen_add_rx(g, p, v, t, drug, days, qty, n, ADD_FORCE);
	if (rx < 0)
		return 0;
	const gen_rx *r = &v->rx[rx];
	uint64_t ids[GEN_RX_MAX];
	cw_fen amount = gen_rx_amount(v, rx), suspect = 0;
	for (int i = 0; i < r->n; i++)
		ids[i] = v->l[r->line[i]].id;
	if (tag == 0) { /* the amount of the drugs beyond the fifth, by amount descending */
		cw_fen a[GEN_RX_MAX];
		for (int i = 0; i < r->n; i++)
			a[i] = r->amount[i];
		for (int i = 0; i < r->n; i++)
			for (int j = i + 1; j < r->n; j++)
				if (a[j] > a[i]) {
					cw_fen x = a[i];
					a[i] = a[j];
					a[j] = x;
				}
		for (int i = 5; i < r->n; i++)
			suspect += a[i];
	} else if (tag == 1) {
		for (int i = 0; i < r->n; i++)
			if (r->days[i] > limit)
				suspect += r->amount[i] * (r->days[i] - limit) / r->days[i];
	} else {
		suspect = amount - 200000;
	}
	if (tag == 2 && amount <= 200000)
		return 1; /* cannot happen with the albumin quantities above; no finding then */
	gen_case_lines(g, 0, "large_prescription", kind, v->phys, p->num, v->id, ids, r->n, suspect, t,
	               "prescription of %d drugs, %.2f yuan (%s)", r->n, (double)amount / 100, kind);
	return 1;
}

/* Extra care of a cost outlier: padding with physiotherapy, acupuncture and the like. */
static void pad_costs(gen_ctx *g, gen_pat *p, gen_visit *v, double factor)
{
	static const char *const fill[] = { "430000010", "340200020", "430000002", "430000001", "340200010" };
	cw_fen have = 0;
	for (size_t i = 0; i < v->nl; i++)
		have += v->l[i].amount;
	cw_fen target = (cw_fen)((double)have * factor) + 8000;
	cw_minute t = v->admit + 100;
	for (int k = 0, s = gen_int(&p->rng, 0, 4); k < 5 && target > 0; k++) {
		int it = gen_item_find(g, fill[(s + k) % 5]);
		cw_fen unit = gen_unit_price(g, it, v->inst);
		int q = (int)(target / unit);
		if (q > 6)
			q = 6;
		if (q < 1)
			q = 1;
		if (gen_add_line(g, p, v, it, t + k, (cw_qty)q * CW_QTY_ONE, ADD_CHECK) >= 0)
			target -= unit * q;
	}
}

static void extra_large_exams(gen_ctx *g, gen_pat *p, gen_visit *v)
{
	static const char *const ex[] = { "210300001", "210400003", "210102002", "210400002", "210102001" };
	int s = gen_int(&p->rng, 0, 4), added = 0, want = 1 + gen_chance(&p->rng, 0.5);
	for (int k = 0; k < 5 && added < want; k++)
		if (gen_add_line(g, p, v, gen_item_find(g, ex[(s + k) % 5]), v->admit + 40 + k, CW_QTY_ONE, ADD_CHECK) >= 0)
			added++;
}

static void refund_noise(gen_ctx *g, gen_pat *p, gen_visit *v, cw_minute t)
{
	static const char *const r[] = { "C140100003", "C140300002", "C149900010", "C140300001", "C140100001" };
	int it = gen_item_find(g, r[gen_int(&p->rng, 0, 4)]);
	cw_qty q = (cw_qty)gen_int(&p->rng, 1, 2) * CW_QTY_ONE;
	if (gen_add_line(g, p, v, it, t, q, ADD_CHECK) < 0)
		return;
	gen_add_line(g, p, v, it, t + gen_int(&p->rng, 20, 90), -q, ADD_FORCE);
}

/* A repeat of a test wanted by the visit inside its interval, after a result that was not positive. */
static int scheme_repeat_op(gen_ctx *g, gen_pat *p, gen_visit *v)
{
	const gen_dx *dx = &g->dx[v->dx];
	const gen_list *ls[2] = { &dx->labs, &dx->exams };
	cw_minute t = v->admit + 30;
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < ls[k]->n; i++) {
			int it = ls[k]->item[i];
			const gen_item *x = &g->items[it];
			/* not after a line that is already in a repeat_test case or look-alike: the eval
			 * matches on shared lines */
			if (x->slot < 0 || p->rt_time[x->slot] == CW_MINUTE_NONE || p->rt_pos[x->slot] || p->rt_truth[x->slot] ||
			    t - p->rt_time[x->slot] >= x->retest * 60 || t <= p->rt_time[x->slot] || gen_ledger_has(p, it))
				continue;
			if (!gen_chance(&p->rng, P_REPEAT_OP * gen_rate(g, v->phys)))
				return 0;
			uint64_t prev = p->rt_line[x->slot];
			double hours = (double)(t - p->rt_time[x->slot]) / 60.0;
			int l = gen_add_line(g, p, v, it, t, CW_QTY_ONE, ADD_FORCE);
			p->rt_truth[x->slot] = 1;
			uint64_t ids[2] = { prev, v->l[l].id };
			gen_case_lines(g, 0, "repeat_test", "repeat_test", v->phys, p->num, v->id, ids, 2, v->l[l].amount, t,
			               "%s repeated %.1f h after a result that was not positive (interval %d h)", x->code,
			               hours, x->retest);
			return 1;
		}
	return 0;
}

void gen_note_after_positive(gen_ctx *g, gen_pat *p, gen_visit *v, int line, uint64_t prev, int prev_truth)
{
	if (!gen_chance(&p->rng, P_LOOK_AFTER_POS) || prev_truth)
		return;
	p->rt_truth[g->items[v->l[line].item].slot] = 1;
	uint64_t ids[2] = { prev, v->l[line].id };
	gen_case_lines(g, 1, "repeat_test", "after_positive", v->phys, p->num, v->id, ids, 2, 0, v->l[line].t,
	               "%s repeated inside its interval after a positive result", g->items[v->l[line].item].code);
}

/* --- outpatient and emergency visits -------------------------------------------------------------- */
void gen_schemes_visit(gen_ctx *g, gen_pat *p, gen_visit *v)
{
	if (gen_month_of(g, v->admit) < 0)
		return;
	gen_ledger_day(p, cw_day_of(v->admit));
	const gen_phys *ph = &g->phys[v->phys];
	/* physician-level roles */
	if (role_on(g, v->phys, R_OUT_COST, v->admit) || ph->role == R_RARE_COSTLY || (ph->role == R_BAD && g->stat_roles))
		pad_costs(g, p, v, 1.5);
	if (role_on(g, v->phys, R_OUT_LARGE, v->admit) && gen_chance(&p->rng, 0.9))
		extra_large_exams(g, p, v);
	/* one line-level scheme at most */
	if (!scheme_repeat_op(g, p, v)) {
		double mult = gen_rate(g, v->phys), u = gen_unif(&p->rng), acc = 0;
		for (int s = 0; s < S_VISIT_COUNT; s++) {
			acc += visit_rate[s] * mult;
			if (u >= acc)
				continue;
			cw_minute t = v->admit + 60;
			switch (s) {
			case S_OVER_PRICE: scheme_over_price(g, p, v, CW_DAY_NONE); break;
			case S_DUPLICATE: scheme_duplicate(g, p, v, CW_DAY_NONE); break;
			case S_OVER_FREQ: scheme_over_freq(g, p, v, CW_DAY_NONE); break;
			case S_RESTRICTION: scheme_restriction(g, p, v, cw_day_of(t), t); break;
			case S_SPLIT_BILLING: scheme_split_billing(g, p, v, cw_day_of(t), t); break;
			case S_LARGE_RX: scheme_large_rx(g, p, v); break;
			}
			break;
		}
	}
	/* look-alikes */
	if (gen_chance(&p->rng, P_LOOK_SUBSET)) {
		int b = pick_bundle(g, p, v, cw_day_of(v->admit), 1);
		if (b >= 0 && g->items[b].ncomp >= 3) {
			uint64_t ids[8];
			int n = 0;
			for (int c = 0; c < g->items[b].ncomp - 1; c++) {
				int l = gen_add_line(g, p, v, g->items[b].comp[c], v->admit + 20, CW_QTY_ONE, ADD_CHECK);
				if (l >= 0)
					ids[n++] = v->l[l].id;
			}
			if (n)
				gen_case_lines(g, 1, "split_billing", "subset_same_day", v->phys, p->num, v->id, ids, n, 0,
				               v->admit + 20, "%d of the %d components of %s on one day, without it", n,
				               g->items[b].ncomp, g->items[b].code);
		}
	}
	if (v->kind == CW_OUTPATIENT && (g->dx[v->dx].flags & DX_CHRONIC) && v->nrx &&
	    gen_chance(&p->rng, P_LOOK_CHRONIC30)) {
		const gen_rx *r = &v->rx[0];
		int has30 = 0;
		uint64_t ids[GEN_RX_MAX];
		for (int i = 0; i < r->n; i++) {
			has30 |= r->days[i] == 30;
			ids[i] = v->l[r->line[i]].id;
		}
		if (has30)
			gen_case_lines(g, 1, "large_prescription", "chronic_30_days", v->phys, p->num, v->id, ids, r->n, 0, r->t,
			               "30 days of drugs for the chronic diagnosis %s", g->dx[v->dx].code);
	}
	if (gen_chance(&p->rng, P_REFUND))
		refund_noise(g, p, v, v->admit + 50);
}

/* --- stays ------------------------------------------------------------------------------------------ */
/* An inpatient diagnosis of the specialty for the patient (sex, age at t), or -1: one outpatient care
 * handles (easy), or else one it does not handle that needs no surgery or plan (pneumonia beside the
 * common cold). */
static int stay_dx_for(gen_ctx *g, gen_pat *p, int spec, cw_minute t, int easy)
{
	int cand[16], n = 0;
	for (int i = 0; i < g->ndx && n < 16; i++) {
		const gen_dx *d = &g->dx[i];
		int fits = easy ? (d->flags & DX_EASY) != 0 : !(d->flags & (DX_EASY | DX_PLANNED | DX_SURGICAL)) && d->w > 0;
		if (d->spec != spec || !fits || !(d->kinds & K_IP))
			continue;
		if (d->sex && d->sex != p->sex)
			continue;
		int age = gen_age(p, t);
		if (age >= 0 && (age < d->age_lo || age > d->age_hi))
			continue;
		cand[n++] = i;
	}
	return n ? cand[gen_int(&p->rng, 0, n - 1)] : -1;
}

/* phantom_service (虚构、多记): which scheme a stay gets, when it allows one. */
static void phantom_plan(gen_ctx *g, gen_pat *p, gen_stay_plan *sp)
{
	cw_day a = cw_day_of(sp->admit), d = a + sp->los;
	if (d + 10 >= g->day_end)
		return;
	switch (gen_int(&p->rng, 0, 3)) {
	case 0: /* five bed days billed 5 to 9 days after the discharge: nothing else happens meanwhile */
		sp->ph_kind = PH_AFTER;
		sp->ph_busy = d + 10;
		break;
	case 1: /* two days billed before the admission, long after any earlier stay */
		if (p->last_discharge == CW_MINUTE_NONE || cw_day_of(p->last_discharge) + 8 < a)
			sp->ph_kind = PH_BEFORE;
		break;
	case 2: /* the discharge day billed too (算入又算出) */
		sp->ph_kind = PH_DISCHARGE_DAY;
		break;
	default: /* a card swiped at another hospital for nothing during the stay (空刷卡) */
		if (sp->los < 4)
			break;
		for (int tries = 0; tries < 8; tries++) {
			int k = gen_int(&p->rng, 0, g->ninst - 1);
			if (k != sp->inst) {
				sp->seen_inst = k;
				sp->seen_day = gen_int(&p->rng, 1, sp->los - 2);
				sp->ph_kind = PH_SWIPE;
				break;
			}
		}
		break;
	}
}

/* A short stay for a condition outpatient care handles: light or heavy care, or a look-alike (a surgery,
 * one day more). The stay must end inside the range. */
static void plan_unwarranted(gen_ctx *g, gen_pat *p, gen_stay_plan *sp, int los, int heavy, int look)
{
	int dx = stay_dx_for(g, p, g->dept[sp->dept].spec, sp->admit, 1);
	if (dx < 0 || cw_day_of(sp->admit) + los >= g->day_end - 1)
		return;
	sp->dx = dx;
	sp->los = los;
	sp->longer = 0;
	sp->easy = !heavy;
	sp->heavy = heavy;
	sp->extra_cost = heavy; /* treatments every day */
	sp->ua_look = look;
}

/* A surgery a short stay of the department's outpatient-manageable diagnoses may have, or -1: an
 * endoscopic polypectomy in gastroenterology, a coronary stent in cardiology; the institution must
 * be allowed to bill it. */
static int ua_surgery_for(const gen_ctx *g, const gen_stay_plan *sp)
{
	const char *spec = g->spec[g->dept[sp->dept].spec].key;
	const char *code = !strcmp(spec, "gastroenterology") ? "310905001" : !strcmp(spec, "cardiology") ? "330803001"
	                                                                                                  : NULL;
	int it = code ? gen_item_find(g, code) : -1;
	if (it < 0 || g->items[it].min_level > g->inst[sp->inst].level || g->items[it].setting == CW_SETTING_OUTPATIENT)
		return -1;
	return it;
}

/* The unwarranted_admission look-alikes. */
static void plan_ua_look(gen_ctx *g, gen_pat *p, gen_stay_plan *sp, int look)
{
	if (look == UA_SURGERY) { /* light or heavy care and a surgery on the admission day */
		int it = ua_surgery_for(g, sp);
		if (it >= 0) {
			plan_unwarranted(g, p, sp, gen_int(&p->rng, 1, 3), gen_chance(&p->rng, 0.5), UA_SURGERY);
			sp->ua_surg = it;
		}
	} else if (look == UA_FOUR_DAYS) { /* light or heavy care, one day beyond max_days */
		plan_unwarranted(g, p, sp, 4, gen_chance(&p->rng, 0.5), UA_FOUR_DAYS);
	} else { /* ordinary care for two or three days */
		int dx = stay_dx_for(g, p, g->dept[sp->dept].spec, sp->admit, 0);
		int los = gen_int(&p->rng, 2, 3);
		if (dx >= 0 && cw_day_of(sp->admit) + los < g->day_end - 1) {
			sp->dx = dx;
			sp->los = los;
			sp->longer = 0;
			sp->ua_look = UA_OTHER_DX;
		}
	}
}

void gen_schemes_stay_plan(gen_ctx *g, gen_pat *p, gen_stay_plan *sp)
{
	int m = gen_month_of(g, sp->admit);
	if (m < 0)
		return;
	double mult = gen_rate(g, sp->phys);
	cw_day a = cw_day_of(sp->admit);
	if (g->phys[sp->phys].role == R_BAD && g->stat_roles) /* (an outpatient cost outlier pads visits only) */
		sp->extra_cost = 1;
	/* one plan at most: draw the band first, then apply it when the stay allows */
	double w[11] = { P_UNWARRANTED * mult, P_IDLE * mult, P_SEEN * mult, P_RT_STAY * mult, P_LOOK_QUIET,
		         3 * P_LOOK_RT_EXACT, P_PHANTOM * mult, P_LOOK_PHANTOM, P_LOOK_UA_SURGERY, P_LOOK_UA_OTHER_DX,
		         P_LOOK_UA_FOUR_DAYS };
	double u = gen_unif(&p->rng), acc = 0;
	int band = -1;
	for (int i = 0; i < 11 && band < 0; i++)
		if (u < (acc += w[i]))
			band = i;
	switch (band) {
	case 0: /* unwarranted admission: a short stay for a condition an outpatient visit handles */
		plan_unwarranted(g, p, sp, gen_int(&p->rng, 1, 3), gen_chance(&p->rng, P_UNWARRANTED_HEAVY), UA_NONE);
		break;
	case 8: case 9: case 10:
		plan_ua_look(g, p, sp, band == 8 ? UA_SURGERY : band == 9 ? UA_OTHER_DX : UA_FOUR_DAYS);
		break;
	case 1: /* a run of days without care */
		if (sp->los < 8 || a + sp->los >= g->day_end)
			break;
		sp->idle_from = gen_int(&p->rng, 2, sp->los - 6);
		sp->idle_len = gen_int(&p->rng, 3, 5);
		if (sp->idle_from + sp->idle_len > sp->los - 2)
			sp->idle_len = sp->los - 2 - sp->idle_from;
		if (sp->idle_len < 3)
			sp->idle_len = 0;
		break;
	case 2: /* seen at another hospital during the stay */
		if (sp->los < 4 || a + sp->los >= g->day_end)
			break;
		for (int tries = 0; tries < 8; tries++) {
			int k = gen_int(&p->rng, 0, g->ninst - 1);
			if (k != sp->inst) {
				sp->seen_inst = k;
				sp->seen_day = gen_int(&p->rng, 1, sp->los - 2);
				break;
			}
		}
		break;
	case 3:
		if (sp->los >= 3)
			sp->rt_kind = RT_SCHEME;
		break;
	case 4: /* look-alike: one or two quiet days, on a weekend when there is one */
		if (sp->los < 6 || a + sp->los >= g->day_end)
			break;
		sp->quiet_len = gen_int(&p->rng, 1, 2);
		sp->quiet_from = gen_int(&p->rng, 2, sp->los - 2 - sp->quiet_len);
		for (int k = sp->quiet_from; k + sp->quiet_len <= sp->los - 2; k++)
			if (cw_weekday(a + k) == 5) {
				sp->quiet_from = k;
				break;
			}
		break;
	case 5: /* look-alike: a repeat exactly at the interval, one minute after, or after a positive */
		if (sp->los >= 4) {
			int r = gen_int(&p->rng, 0, 2);
			sp->rt_kind = r == 0 ? RT_EXACT : r == 1 ? RT_EXACT_PLUS1 : RT_AFTER_POSITIVE;
		}
		break;
	case 6:
		phantom_plan(g, p, sp);
		break;
	case 7: /* look-alike: the last night's bed posted late, or a lab before the admission hour */
		if (a + sp->los < g->day_end)
			sp->ph_kind = gen_chance(&p->rng, 0.5) ? PH_LOOK_LATE_POST : PH_LOOK_EARLY_LAB;
		break;
	}
}

/* The idle run's days [k0, k1) of the stay as one case (their bed and nursing lines). */
static void idle_part(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_stay_plan *sp, int k0, int k1, int cont)
{
	cw_day a = cw_day_of(sp->admit);
	uint64_t ids[32];
	int n = 0;
	cw_fen sum = 0;
	cw_minute last = 0;
	for (size_t i = 0; i < v->nl && n < 32; i++) {
		int k = (int)(cw_day_of(v->l[i].t) - a);
		int cat = g->items[v->l[i].item].cat;
		if (k < k0 || k >= k1 || (cat != CW_CAT_BED && cat != CW_CAT_NURSING))
			continue;
		ids[n++] = v->l[i].id;
		sum += v->l[i].amount;
		if (v->l[i].t > last)
			last = v->l[i].t;
	}
	if (!n)
		return;
	if (cont)
		gen_case_lines(g, 0, "idle_bed", "no_care", sp->phys, p->num, v->id, ids, n, sum, last,
		               "%d more days billed with bed and nursing only, continuing last month's run", k1 - k0);
	else
		gen_case_lines(g, 0, "idle_bed", "no_care", sp->phys, p->num, v->id, ids, n, sum, last,
		               "%d days billed with bed and nursing only", k1 - k0);
}

/* A run crossing a month's end is judged as the detector sees it: the month
 * reports the days it has when they reach the minimum (3), and the next month
 * the continuation; a shorter first part is reported whole next month. */
static void idle_case(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_stay_plan *sp)
{
	cw_day a = cw_day_of(sp->admit);
	int k0 = sp->idle_from, k1 = sp->idle_from + sp->idle_len, cut = k1;
	for (int k = k0 + 1; k < k1; k++)
		if (gen_month_of(g, (a + k) * CW_MINUTES_PER_DAY) != gen_month_of(g, (a + k - 1) * CW_MINUTES_PER_DAY))
			cut = k;
	if (cut < k1 && cut - k0 >= 3) {
		idle_part(g, p, v, sp, k0, cut, 0);
		idle_part(g, p, v, sp, cut, k1, 1);
	} else {
		idle_part(g, p, v, sp, k0, k1, 0);
	}
}

static void quiet_look(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_stay_plan *sp)
{
	cw_day a = cw_day_of(sp->admit);
	uint64_t ids[8];
	int n = 0;
	cw_minute last = 0;
	for (size_t i = 0; i < v->nl && n < 8; i++) {
		int k = (int)(cw_day_of(v->l[i].t) - a);
		int cat = g->items[v->l[i].item].cat;
		if (k >= sp->quiet_from && k < sp->quiet_from + sp->quiet_len && (cat == CW_CAT_BED || cat == CW_CAT_NURSING)) {
			ids[n++] = v->l[i].id;
			last = v->l[i].t;
		}
	}
	if (n)
		gen_case_lines(g, 1, "idle_bed", sp->quiet_len == 1 ? "one_quiet_day" : "two_quiet_days", sp->phys, p->num,
		               v->id, ids, n, 0, last, "%d day(s) without care in the stay (a weekend)", sp->quiet_len);
}

static void seen_case(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_stay_plan *sp)
{
	if (!sp->seen_visit)
		return;
	cw_day d = cw_day_of(sp->seen_t);
	uint64_t ids[40];
	int n = 0;
	cw_fen sum = 0;
	for (size_t i = 0; i < v->nl; i++) {
		int cat = g->items[v->l[i].item].cat;
		if (cw_day_of(v->l[i].t) == d && (cat == CW_CAT_BED || cat == CW_CAT_NURSING)) {
			ids[n++] = v->l[i].id;
			sum += v->l[i].amount;
		}
	}
	for (int i = 0; i < sp->nseen && n < 40; i++)
		ids[n++] = sp->seen_ids[i];
	gen_case_lines(g, 0, "idle_bed", "seen_elsewhere", sp->phys, p->num, v->id, ids, n, sum, sp->seen_t,
	               "in a bed at %s while seen at %s", g->inst[sp->inst].id, g->inst[sp->seen_inst].id);
	/* phantom_service: the visit elsewhere is a card swiped for nothing unless it gave care */
	gen_case_lines(g, sp->seen_care > 0, "phantom_service", sp->seen_care ? "swipe_with_care" : "empty_swipe",
	               sp->seen_phys, p->num, sp->seen_visit, sp->seen_ids, sp->nseen, 0, sp->seen_t,
	               sp->seen_care ? "seen at %s during a stay at %s, with care" : "card swiped at %s during a stay at %s, no care",
	               g->inst[sp->seen_inst].id, g->inst[sp->inst].id);
}

static void rt_case(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_stay_plan *sp)
{
	if (!sp->rt_l1 || !sp->rt_l2)
		return;
	uint64_t ids[2] = { sp->rt_l1, sp->rt_l2 };
	const gen_item *it = &g->items[sp->rt_item];
	cw_fen amount = 0;
	for (size_t i = 0; i < v->nl; i++)
		if (v->l[i].id == sp->rt_l2)
			amount = v->l[i].amount;
	switch (sp->rt_kind) {
	case RT_SCHEME:
		gen_case_lines(g, 0, "repeat_test", "repeat_test", sp->phys, p->num, v->id, ids, 2, amount, sp->rt_t2,
		               "%s repeated inside its %d h interval after a negative result", it->code, it->retest);
		break;
	case RT_EXACT:
		gen_case_lines(g, 1, "repeat_test", "at_interval", sp->phys, p->num, v->id, ids, 2, 0, sp->rt_t2,
		               "%s repeated exactly %d h later", it->code, it->retest);
		break;
	case RT_EXACT_PLUS1:
		gen_case_lines(g, 1, "repeat_test", "interval_plus_1min", sp->phys, p->num, v->id, ids, 2, 0, sp->rt_t2,
		               "%s repeated %d h and 1 minute later", it->code, it->retest);
		break;
	case RT_AFTER_POSITIVE:
		gen_case_lines(g, 1, "repeat_test", "after_positive", sp->phys, p->num, v->id, ids, 2, 0, sp->rt_t2,
		               "%s repeated inside its interval after a positive result", it->code);
		break;
	}
}

static cw_fen stay_amount(const gen_visit *v)
{
	cw_fen s = 0;
	for (size_t i = 0; i < v->nl; i++)
		s += v->l[i].amount;
	return s;
}

static void readmit_truth(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_stay_plan *sp)
{
	/* the readmission is judged against the previous stay, still in p->last_* */
	if (p->last_discharge == CW_MINUTE_NONE || sp->admit > p->last_discharge + 15 * CW_MINUTES_PER_DAY)
		return;
	const char *prev = g->dx[p->last_ip_dx].code;
	switch (sp->case_kind) {
	case CK_SPLIT:
		gen_case_lines(g, 0, "split_admission", "split_admission", sp->phys, p->num, v->id, NULL, 0, stay_amount(v),
		               sp->admit, "readmitted for %s at %s %.1f days after discharge for %s", g->dx[sp->dx].code,
		               g->inst[sp->inst].id, (double)(sp->admit - p->last_discharge) / 1440.0, prev);
		break;
	case CK_OTHER_COND:
		gen_case_lines(g, 1, "split_admission", "other_condition", sp->phys, p->num, v->id, NULL, 0, 0, sp->admit,
		               "readmitted for %s after %s: another condition", g->dx[sp->dx].code, prev);
		break;
	case CK_OTHER_HOSP:
		gen_case_lines(g, 1, "split_admission", "other_hospital", sp->phys, p->num, v->id, NULL, 0, 0, sp->admit,
		               "readmitted for %s at %s after a stay at %s", g->dx[sp->dx].code, g->inst[sp->inst].id,
		               g->inst[p->last_ip_inst].id);
		break;
	case CK_PLANNED:
		if (!gen_chance(&p->rng, 0.2))
			break;
		gen_case_lines(g, 1, "split_admission", "planned_readmission", sp->phys, p->num, v->id, NULL, 0, 0,
		               sp->admit, "planned %s after a stay for %s", g->dx[sp->dx].code, prev);
		break;
	}
}

/* Components of a bundle spread over two consecutive days of a stay (a look-alike). */
static void components_two_days(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_stay_plan *sp, int k)
{
	cw_day d = cw_day_of(sp->admit) + k;
	int b = -1;
	for (int tries = 0; tries < 4 && b < 0; tries++) {
		int c = pick_bundle(g, p, v, d, 1);
		if (c >= 0 && bundle_free(g, p, v, c, d + 1))
			b = c;
	}
	if (b < 0)
		return;
	const gen_item *bi = &g->items[b];
	int split = gen_int(&p->rng, 1, bi->ncomp - 1);
	uint64_t ids[8];
	int n = 0;
	cw_minute t = 0;
	for (int c = 0; c < bi->ncomp; c++) {
		t = (d + (c >= split)) * CW_MINUTES_PER_DAY + 6 * 60 + 45;
		int l = gen_add_line(g, p, v, bi->comp[c], t, CW_QTY_ONE, ADD_FORCE);
		ids[n++] = v->l[l].id;
	}
	gen_case_lines(g, 1, "split_billing", "components_different_days", sp->phys, p->num, v->id, ids, n, 0, t,
	               "the components of %s over two days", bi->code);
}

/* A care day of the stay that is safe to touch: not the admit day, not idle, quiet or seen. */
static int safe_day(const gen_ctx *g, const gen_visit *v, const gen_stay_plan *sp, int k)
{
	cw_day a = cw_day_of(sp->admit), last = sp->open ? g->day_end - 1 : cw_day_of(sp->discharge) - 1;
	if (k < 1 || a + k > last || a + k + 1 > last)
		return 0;
	if (sp->idle_len && k >= sp->idle_from - 1 && k <= sp->idle_from + sp->idle_len)
		return 0;
	if (sp->quiet_len && k >= sp->quiet_from - 1 && k <= sp->quiet_from + sp->quiet_len)
		return 0;
	if (sp->seen_day && (k == sp->seen_day || k + 1 == sp->seen_day))
		return 0;
	if (!gen_in_range(g, (a + k) * CW_MINUTES_PER_DAY) || !gen_in_range(g, (a + k + 2) * CW_MINUTES_PER_DAY))
		return 0;
	return day_has_care(g, v, a + k) && day_has_care(g, v, a + k + 1);
}

/* The stay's first bed line and the nursing line beside it (-1 when none). */
static void stay_bed_items(const gen_ctx *g, const gen_visit *v, int *bed, int *nurse)
{
	*bed = *nurse = -1;
	for (size_t i = 0; i < v->nl && (*bed < 0 || *nurse < 0); i++) {
		int cat = g->items[v->l[i].item].cat;
		if (cat == CW_CAT_BED && *bed < 0)
			*bed = v->l[i].item;
		else if (cat == CW_CAT_NURSING && *nurse < 0)
			*nurse = v->l[i].item;
	}
}

/* Bills bed (and nursing when nurse >= 0) lines on days [from, from + n) outside the stay, one case per
 * month the detector reports them in. */
static void phantom_days(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_stay_plan *sp, cw_day from, int n,
                         int bed, int nurse, const char *kind)
{
	uint64_t ids[16];
	int k = 0;
	cw_fen sum = 0;
	cw_minute last = 0;
	for (int i = 0; i <= n; i++) {
		cw_day d = from + i;
		if (k && (i == n || gen_month_of(g, d * CW_MINUTES_PER_DAY) != gen_month_of(g, last))) {
			gen_case_lines(g, 0, "phantom_service", kind, sp->phys, p->num, v->id, ids, k, sum, last,
			               "%d line(s) billed %s the stay", k, !strcmp(kind, "after_discharge") ? "after" : "before");
			k = 0;
			sum = 0;
		}
		if (i == n)
			break;
		cw_minute t = d * CW_MINUTES_PER_DAY + 7 * 60 + (int)(p->num % 50);
		int items[2] = { bed, nurse };
		for (int j = 0; j < 2; j++) {
			if (items[j] < 0)
				continue;
			int line = gen_add_line(g, p, v, items[j], t + j, CW_QTY_ONE, ADD_FORCE);
			if (line < 0)
				continue;
			ids[k++] = v->l[line].id;
			sum += v->l[line].amount;
			last = v->l[line].t;
		}
	}
}

/* phantom_service schemes and look-alikes of a stay (see PH_*). */
static void phantom_case(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_stay_plan *sp)
{
	int bed, nurse;
	if (sp->open || sp->ph_kind == PH_NONE || sp->ph_kind == PH_SWIPE)
		return; /* the swipe's truth is written with the visit elsewhere (seen_case) */
	stay_bed_items(g, v, &bed, &nurse);
	if (bed < 0 || nurse < 0)
		return;
	cw_day a = cw_day_of(sp->admit), d = cw_day_of(sp->discharge);
	switch (sp->ph_kind) {
	case PH_AFTER:
		phantom_days(g, p, v, sp, d + 5, 5, bed, -1, "after_discharge");
		break;
	case PH_BEFORE:
		phantom_days(g, p, v, sp, a - 3, 2, bed, nurse, "before_admission");
		break;
	case PH_DISCHARGE_DAY: {
		uint64_t ids[2];
		cw_fen sum = 0;
		for (int j = 0; j < 2; j++) {
			int line = gen_add_line(g, p, v, j ? nurse : bed, sp->discharge - 15 + j, CW_QTY_ONE, ADD_FORCE);
			if (line < 0)
				return;
			ids[j] = v->l[line].id;
			sum += v->l[line].amount;
		}
		gen_case_lines(g, 0, "phantom_service", "excess_days", sp->phys, p->num, v->id, ids, 2, sum, sp->discharge,
		               "the discharge day billed bed and nursing too");
		break;
	}
	case PH_LOOK_LATE_POST: { /* the last night's bed and nursing posted at 23:50 on the discharge day */
		uint64_t ids[4];
		int n = 0;
		cw_minute t = d * CW_MINUTES_PER_DAY + 23 * 60 + 50;
		for (size_t i = 0; i < v->nl && n < 4; i++) {
			int cat = g->items[v->l[i].item].cat;
			if (cw_day_of(v->l[i].t) == d - 1 && (cat == CW_CAT_BED || cat == CW_CAT_NURSING)) {
				v->l[i].t = t + n;
				ids[n++] = v->l[i].id;
			}
		}
		if (n)
			gen_case_lines(g, 1, "phantom_service", "late_posted_bed_day", sp->phys, p->num, v->id, ids, n, 0, t,
			               "the last night's bed posted at 23:50 on the discharge day");
		break;
	}
	case PH_LOOK_EARLY_LAB: { /* a lab on the admission day before the admission hour */
		cw_minute t = sp->admit - 120;
		if (cw_day_of(t) != a)
			t = sp->admit - 30;
		int line = gen_add_line(g, p, v, g->it_cbc, t, CW_QTY_ONE, ADD_FORCE);
		if (line >= 0)
			gen_case_lines(g, 1, "phantom_service", "lab_before_admission_hour", sp->phys, p->num, v->id,
			               &v->l[line].id, 1, 0, t, "a lab at %d:%02d, before the admission", (int)(t % 1440 / 60),
			               (int)(t % 60));
		break;
	}
	}
}

/* The care amount of a stay. */
static cw_fen stay_care(const gen_ctx *g, const gen_visit *v)
{
	cw_fen s = 0;
	for (size_t i = 0; i < v->nl; i++)
		if (cw_category_is_care(g->items[v->l[i].item].cat))
			s += v->l[i].amount;
	return s;
}

static int stay_has_surgery(const gen_ctx *g, const gen_visit *v)
{
	for (size_t i = 0; i < v->nl; i++)
		if (g->items[v->l[i].item].cat == CW_CAT_SURGERY)
			return 1;
	return 0;
}

/* The unwarranted_admission case or look-alike of a stay planned as one (judged at its discharge). */
static void ua_truth(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_stay_plan *sp)
{
	if (sp->open || (!sp->easy && !sp->heavy && !sp->ua_look))
		return;
	const char *dx = g->dx[sp->dx].code;
	double per_day = (double)stay_care(g, v) / 100.0 / sp->los;
	int surgery = stay_has_surgery(g, v);
	if (sp->ua_look == UA_OTHER_DX)
		gen_case_lines(g, 1, "unwarranted_admission", "not_manageable_dx", sp->phys, p->num, v->id, NULL, 0, 0,
		               sp->discharge, "%d-day stay for %s, which outpatient care does not handle", sp->los, dx);
	else if (sp->ua_look == UA_FOUR_DAYS)
		gen_case_lines(g, 1, "unwarranted_admission", "four_day_stay", sp->phys, p->num, v->id, NULL, 0, 0,
		               sp->discharge, "%d-day stay for %s with %s care (%.2f a day): one day beyond 3", sp->los, dx,
		               sp->heavy ? "heavy" : "light", per_day);
	else if (sp->ua_look == UA_SURGERY && surgery)
		gen_case_lines(g, 1, "unwarranted_admission", "short_stay_with_surgery", sp->phys, p->num, v->id, NULL, 0, 0,
		               sp->discharge, "%d-day stay for %s with a surgery (%s)", sp->los, dx,
		               g->items[sp->ua_surg].code);
	else /* a case; also a surgery look-alike whose surgery could not be billed */
		gen_case_lines(g, 0, "unwarranted_admission", sp->heavy ? "short_heavy_stay" : "short_light_stay", sp->phys,
		               p->num, v->id, NULL, 0, stay_amount(v), sp->discharge, "%d-day stay for %s with %s care (%.2f a day)",
		               sp->los, dx, sp->heavy ? "heavy" : "light", per_day);
}

void gen_schemes_stay_done(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_stay_plan *sp)
{
	if (sp->case_kind) {
		readmit_truth(g, p, v, sp);
		return;
	}
	ua_truth(g, p, v, sp);
	if (sp->idle_len)
		idle_case(g, p, v, sp);
	if (sp->quiet_len)
		quiet_look(g, p, v, sp);
	seen_case(g, p, v, sp);
	rt_case(g, p, v, sp);
	phantom_case(g, p, v, sp);
	if (gen_month_of(g, sp->admit) < 0 || sp->easy || sp->heavy || sp->ua_look)
		return;
	int last = (int)((sp->open ? g->day_end - 1 : cw_day_of(sp->discharge) - 1) - cw_day_of(sp->admit));
	int k = last >= 2 ? gen_int(&p->rng, 1, last - 1) : -1;
	if (k < 0 || !safe_day(g, v, sp, k))
		return;
	cw_day d = cw_day_of(sp->admit) + k;
	if (gen_chance(&p->rng, P_STAY_LINE * gen_rate(g, sp->phys))) {
		cw_minute t = d * CW_MINUTES_PER_DAY + 15 * 60 + 10;
		switch (gen_int(&p->rng, 0, 4)) {
		case 0: scheme_over_price(g, p, v, d); break;
		case 1: scheme_duplicate(g, p, v, d); break;
		case 2: scheme_over_freq(g, p, v, d); break;
		case 3: scheme_restriction(g, p, v, d, t); break;
		default: scheme_split_billing(g, p, v, d, t); break;
		}
	} else if (gen_chance(&p->rng, P_LOOK_DAYS)) {
		components_two_days(g, p, v, sp, k);
	}
}

int gen_schemes_readmit(gen_ctx *g, gen_pat *p, const gen_stay_plan *a, int *kind, int *dx, int *inst)
{
	const gen_dx *ad = &g->dx[a->dx];
	cw_day next = cw_day_of(a->discharge) + 2;
	if (a->easy || a->heavy || a->ua_look || a->open || (ad->flags & DX_PLANNED) || a->ph_kind == PH_AFTER ||
	    next < g->day_start || next >= g->day_end - 16)
		return 0;
	double u = gen_unif(&p->rng), mult = gen_rate(g, a->phys);
	if (u < P_SPLIT_ADM * mult) {
		*kind = CK_SPLIT;
		*dx = a->dx;
		*inst = a->inst;
		return 1;
	}
	u -= P_SPLIT_ADM * mult;
	if (u < P_LOOK_READMIT) { /* another condition at the same hospital */
		int cand[32], n = 0;
		for (int i = 0; i < g->ndx && n < 32; i++) {
			const gen_dx *d = &g->dx[i];
			if (!(d->kinds & K_IP) || (d->flags & (DX_EASY | DX_PLANNED)) || !strcmp(d->cat, ad->cat) ||
			    gen_dept_of(g, a->inst, d->spec) < 0 || (d->sex && d->sex != p->sex) || d->w <= 0)
				continue;
			int age = gen_age(p, a->discharge);
			if (age >= 0 && (age < d->age_lo || age > d->age_hi))
				continue;
			cand[n++] = i;
		}
		if (!n)
			return 0;
		*kind = CK_OTHER_COND;
		*dx = cand[gen_int(&p->rng, 0, n - 1)];
		*inst = a->inst;
		return 1;
	}
	u -= P_LOOK_READMIT;
	if (u < P_LOOK_READMIT) { /* the same condition at another hospital */
		for (int tries = 0; tries < 10; tries++) {
			int k = gen_int(&p->rng, 0, g->ninst - 1);
			if (k != a->inst && gen_dept_of(g, k, ad->spec) >= 0) {
				*kind = CK_OTHER_HOSP;
				*dx = a->dx;
				*inst = k;
				return 1;
			}
		}
	}
	return 0;
}

void gen_schemes_note_er_admit(gen_ctx *g, gen_pat *p, int inst, int dx, cw_minute admit)
{
	(void)inst;
	(void)dx;
	if (!gen_chance(&p->rng, P_LOOK_ER_ADMIT) || !g->nlast)
		return;
	gen_case_lines(g, 1, "idle_bed", "er_visit_on_admit_day", -1, p->num, g->last_visit, g->last_ids, g->nlast, 0,
	               admit, "emergency visit on the day of admission (a transfer day)");
}

/* --- physician-level truth ----------------------------------------------------------------------- */
static void wilson(double k, double n, double *lo, double *hi)
{
	const double z = 1.959963984540054;
	double ph = k / n, z2 = z * z, den = 1 + z2 / n;
	double centre = (ph + z2 / (2 * n)) / den;
	double half = z * sqrt(ph * (1 - ph) / n + z2 / (4 * n * n)) / den;
	*lo = centre - half;
	*hi = centre + half;
}

static void phys_case(gen_ctx *g, int look, const char *det, const char *kind, int phys, int m, const char *fmt, ...)
	CW_PRINTF(7, 8);
static void phys_case(gen_ctx *g, int look, const char *det, const char *kind, int phys, int m, const char *fmt, ...)
{
	gen_case *c = new_case(g, look, det, kind, m, phys, 0, 0);
	if (!c)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->note, sizeof c->note, fmt, ap);
	va_end(ap);
}

void gen_schemes_physician_truth(gen_ctx *g)
{
	for (int i = 0; i < g->nphys; i++) {
		const gen_phys *ph = &g->phys[i];
		if (!ph->role)
			continue;
		for (int m = 0; m < g->nmonths; m++) {
			const gen_pm *pm = &g->pm[(size_t)i * (size_t)g->nmonths + (size_t)m];
			int on = ph->active >> m & 1;
			/* the detector's volumes: visits for the cost per visit, visits and stays discharged
			 * in the month for the shares and large equipment, prescriptions for the antibiotic rate */
			uint32_t visits = pm->op_visits + pm->er_visits, episodes = visits + pm->stays_out;
			uint32_t rx = pm->rx_op + pm->rx_er;
			double lo, hi;
			switch (ph->role) {
			case R_BAD:
				if (g->stat_roles && visits >= 30)
					phys_case(g, 0, "outlier_physician", "cost_per_outpatient_visit", i, m,
					          "bad physician: padded visits and schemes (%u visits)", visits);
				break;
			case R_OUT_COST:
				if (on && visits >= 30)
					phys_case(g, 0, "outlier_physician", "cost_per_outpatient_visit", i, m,
					          "visits padded to about 2.5 times the cost (%u visits)", visits);
				break;
			case R_OUT_LARGE:
				if (on && episodes >= 30)
					phys_case(g, 0, "outlier_physician", "large_equipment_per_100", i, m,
					          "one or two extra CT/MRI/DR on most visits (%u visits and stays)", episodes);
				break;
			case R_OUT_LOS:
				/* judged by discharge month, at 10 stays; in the role's months every stay is a
				 * longer one but the odd unwarranted or planned admission (also longer: the cost
				 * per stay) */
				if (pm->stays_out >= 10 && 10 * pm->stays_long >= 7 * pm->stays_out)
					phys_case(g, 0, "outlier_physician", "length_of_stay", i, m,
					          "%u of %u stays discharged in the month about %.1f times longer", pm->stays_long,
					          pm->stays_out, GEN_LOS_FACTOR);
				break;
			case R_LOWPOS: {
				double n = pm->large_pos + pm->large_neg;
				if (!on || n < 20) /* the detector's minimum; at a 5% rate any n >= 20 is far below */
					break;
				if (pm->large_pos < 0.30 * n) /* the plain 30% floor (B1), the detector's default */
					phys_case(g, 0, "low_positive_rate", "positive_rate", i, m,
					          "%u of %.0f large-equipment exams positive, below the 30%% floor", pm->large_pos, n);
				break;
			}
			case R_ABX_OP: case R_ABX_ER: {
				double n = ph->role == R_ABX_OP ? pm->rx_op : pm->rx_er;
				double k = ph->role == R_ABX_OP ? pm->rx_op_abx : pm->rx_er_abx;
				double limit = ph->role == R_ABX_OP ? 0.20 : 0.40;
				if (!on)
					break;
				if (rx >= 30) /* also the drug share (and cost) of the visits, against the same peers */
					phys_case(g, 0, "outlier_physician", "antibiotic_rate", i, m,
					          "the antibiotic overuse also shows in the peer comparison (%u prescriptions)", rx);
				if (n < 30) /* the detector's rule, exactly; the rates are far from the limit */
					break;
				wilson(k, n, &lo, &hi);
				if (lo > limit)
					phys_case(g, 0, "antibiotic_overuse", ph->role == R_ABX_OP ? "outpatient" : "emergency", i, m,
					          "%.0f of %.0f prescriptions with an antibiotic, lower bound %.3f", k, n, lo);
				break;
			}
			case R_ER35: /* about 30-35%, from a case mix of infections at the peers' rates */
				if (pm->rx_er >= 30) {
					wilson(pm->rx_er_abx, pm->rx_er, &lo, &hi);
					phys_case(g, 1, "antibiotic_overuse", "emergency_below_limit", i, m,
					          "%u of %u emergency prescriptions with an antibiotic (lower bound %.3f < 0.40)",
					          pm->rx_er_abx, pm->rx_er, lo);
					phys_case(g, 1, "outlier_physician", "case_mix_antibiotics", i, m,
					          "%u of %u prescriptions with an antibiotic: mostly infections, at the peers' rates",
					          pm->rx_er_abx, pm->rx_er);
				}
				break;
			case R_CASEMIX:
				if (visits >= 30)
					phys_case(g, 1, "outlier_physician", "case_mix", i, m,
					          "costly because the patients are sicker (heart failure, atrial fibrillation)");
				break;
			case R_RARE_COSTLY:
				if (visits >= 1)
					phys_case(g, 1, "outlier_physician", "few_peers", i, m,
					          "costly, but the specialty has too few physicians to compare");
				break;
			}
		}
	}
}
