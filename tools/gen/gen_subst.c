/* gen_subst.c: the substitution detector's schemes and look-alikes (串换药品收费, C7).
 *
 * In the background every drug line comes with its prescription line (gen_add_rx): the same drug,
 * quantity and minute. The schemes break that on a visit or on one day of a stay: a drug billed that
 * no prescription line covers (unprescribed), a line beyond the quantity prescribed (over_quantity), a
 * dearer drug of the prescribed drug's group (the first 6 characters of its code) billed in its place
 * (dearer_substitute). The look-alikes: a partial dispense (less than prescribed), a take-home drug
 * prescribed the evening before a morning discharge. Drawn from a random stream of their own (per
 * visit) and leaving the patient's day ledger as it was, so that the rest of the data is the same with
 * or without them; never on a visit that holds another case or look-alike, never with an antibiotic
 * (antibiotic_overuse counts a stay's drug lines), never beyond an item's max_daily_qty (over_frequency). */
#include <string.h>
#include "gen.h"

#define P_SUBST 0.0025       /* a scheme on an outpatient or emergency visit */
#define P_SUBST_STAY 0.02    /* a scheme on a stay */
#define P_LOOK_PARTIAL 0.003 /* a partial dispense on a visit */
#define P_LOOK_EVENING 0.08  /* a stay's take-home drug prescribed the evening before */
#define GROUP_PREFIX 6
#define STREAM (1ull << 40)  /* above every patient's stream */

enum { K_UNPRESCRIBED, K_OVER_QUANTITY, K_SUBSTITUTE, K_COUNT };
static const char *const kinds[K_COUNT] = { "unprescribed", "over_quantity", "dearer_substitute" };

/* A case or look-alike of any detector already names the visit (they are recorded just before). */
static int visit_has_truth(const gen_ctx *g, uint64_t visit)
{
	for (size_t i = g->truth.n, k = 0; i > 0 && k < 32; i--, k++)
		if (g->truth.c[i - 1].visit == visit)
			return 1;
	return 0;
}

/* The visit bills or prescribes item within a day of day d. */
static int near_item(const gen_visit *v, int item, cw_day d)
{
	for (size_t i = 0; i < v->nl; i++)
		if (v->l[i].item == item && cw_day_of(v->l[i].t) >= d - 1 && cw_day_of(v->l[i].t) <= d + 1)
			return 1;
	for (size_t r = 0; r < v->nrx; r++)
		for (int i = 0; i < v->rx[r].n; i++)
			if (v->rx[r].drug[i] == item && cw_day_of(v->rx[r].t) >= d - 1 && cw_day_of(v->rx[r].t) <= d + 1)
				return 1;
	return 0;
}

/* A drug the visit may bill at t without breaking another rule: not an antibiotic, not near a line or
 * prescription of its own, its restrictions met, no daily maximum (the day ledger is left as it was, so
 * a later visit of the day may bill it again). For a stay the day ledger is the visit's own lines. */
static int drug_ok(gen_ctx *g, gen_pat *p, gen_visit *v, int item, cw_minute t, cw_qty qty)
{
	const gen_item *it = &g->items[item];
	if (it->cat != CW_CAT_DRUG || it->abx || it->maxq || near_item(v, item, cw_day_of(t)))
		return 0;
	if (v->kind == CW_INPATIENT) { /* the ledger holds another day: check the rest only */
		cw_day keep = p->led_day;
		uint64_t led[GEN_LEDGER_WORDS];
		memcpy(led, p->led, sizeof led);
		gen_ledger_day(p, cw_day_of(t) + 100000);
		int ok = gen_can_bill(g, p, v, item, t, qty);
		p->led_day = keep;
		memcpy(p->led, led, sizeof led);
		return ok;
	}
	return gen_can_bill(g, p, v, item, t, qty);
}

/* (a) A drug of the diagnosis's list, else a common one, billed at t with no prescription. */
static int plant_unprescribed(gen_ctx *g, gen_pat *p, gen_visit *v, gen_rng *r, cw_minute t)
{
	static const char *const common[] = { "XA02BCA036", "XR05CBA029", "XM01AEA043", "XB03BAA046", "XA12AXA047" };
	const gen_dx *dx = &g->dx[v->dx];
	int cand[GEN_LIST_MAX + 5], n = 0;
	for (int i = 0; i < dx->drugs.n; i++)
		cand[n++] = dx->drugs.item[i];
	for (int i = 0; i < 5; i++)
		cand[n++] = gen_item_find(g, common[i]);
	for (int k = 0, s = gen_int(r, 0, n - 1); k < n; k++) {
		int item = cand[(s + k) % n];
		if (item < 0 || !drug_ok(g, p, v, item, t, CW_QTY_ONE))
			continue;
		int line = gen_add_line(g, p, v, item, t, CW_QTY_ONE, ADD_FORCE);
		if (line < 0)
			return 0;
		gen_line *l = &v->l[line];
		gen_case_lines(g, 0, "substitution", kinds[K_UNPRESCRIBED], v->phys, p->num, v->id, &l->id, 1, l->amount,
		               l->t, "%s billed with no prescription", g->items[item].code);
		return 1;
	}
	return 0;
}

/* (b) Prescription line i of rx billed with one or two units more. */
static int plant_over(gen_ctx *g, gen_pat *p, gen_visit *v, gen_rng *r, const gen_rx *rx, int i)
{
	const gen_item *it = &g->items[rx->drug[i]];
	gen_line *l = &v->l[rx->line[i]];
	int extra = gen_int(r, 1, 2);
	if (it->abx || (it->maxq && l->qty + extra * CW_QTY_ONE > (cw_qty)it->maxq * CW_QTY_ONE))
		return 0;
	l->qty += (cw_qty)extra * CW_QTY_ONE;
	l->amount = l->unit * l->qty / CW_QTY_ONE;
	gen_case_lines(g, 0, "substitution", kinds[K_OVER_QUANTITY], v->phys, p->num, v->id, &l->id, 1, l->unit * extra,
	               l->t, "%s billed %d unit(s) beyond the prescription", it->code, extra);
	(void)p;
	return 1;
}

/* (c) Prescription line i of rx billed as a dearer drug of its group. */
static int plant_substitute(gen_ctx *g, gen_pat *p, gen_visit *v, gen_rng *r, const gen_rx *rx, int i)
{
	const gen_item *pi = &g->items[rx->drug[i]];
	gen_line *l = &v->l[rx->line[i]];
	int cand[16], n = 0;
	if (pi->abx)
		return 0;
	for (int b = 0; b < g->nitems && n < 16; b++) {
		const gen_item *bi = &g->items[b];
		if (bi->cat == CW_CAT_DRUG && bi->price > pi->price && !strncmp(bi->code, pi->code, GROUP_PREFIX) &&
		    strlen(bi->code) >= GROUP_PREFIX && drug_ok(g, p, v, b, l->t, l->qty))
			cand[n++] = b;
	}
	if (!n)
		return 0;
	int b = cand[gen_int(r, 0, n - 1)];
	l->item = b;
	l->unit = gen_unit_price(g, b, v->inst);
	l->amount = l->unit * l->qty / CW_QTY_ONE;
	cw_fen diff = (l->unit - pi->price) * l->qty / CW_QTY_ONE;
	gen_case_lines(g, 0, "substitution", kinds[K_SUBSTITUTE], v->phys, p->num, v->id, &l->id, 1, diff, l->t,
	               "%s billed where %s was prescribed", g->items[b].code, pi->code);
	return 1;
}

/* One scheme on prescription rx of v (its lines), the kind drawn and the others tried in turn. */
static int plant(gen_ctx *g, gen_pat *p, gen_visit *v, gen_rng *r, const gen_rx *rx)
{
	int first = gen_int(r, 0, K_COUNT - 1);
	for (int k = 0; k < K_COUNT; k++) {
		int kind = (first + k) % K_COUNT, i = gen_int(r, 0, rx->n - 1);
		if (kind == K_UNPRESCRIBED ? plant_unprescribed(g, p, v, r, rx->t + 5)
		    : kind == K_OVER_QUANTITY ? plant_over(g, p, v, r, rx, i)
		                              : plant_substitute(g, p, v, r, rx, i))
			return 1;
	}
	return 0;
}

/* The look-alike: a line of rx with 2 units or more dispensed one unit short. */
static void partial_dispense(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_rx *rx)
{
	for (int i = 0; i < rx->n; i++) {
		gen_line *l = &v->l[rx->line[i]];
		if (l->qty < 2 * CW_QTY_ONE)
			continue;
		l->qty -= CW_QTY_ONE;
		l->amount = l->unit * l->qty / CW_QTY_ONE;
		gen_case_lines(g, 1, "substitution", "partial_dispense", v->phys, p->num, v->id, &l->id, 1, 0, l->t,
		               "%s dispensed one unit short of the prescription", g->items[l->item].code);
		return;
	}
}

void gen_subst_visit(gen_ctx *g, gen_pat *p, gen_visit *v)
{
	if (gen_month_of(g, v->admit) < 0 || !v->nrx || visit_has_truth(g, v->id))
		return;
	gen_rng r;
	gen_rng_seed(&r, g->o.seed, STREAM + v->id);
	cw_day keep = p->led_day; /* gen_add_line marks the ledger: leave it as it was */
	uint64_t led[GEN_LEDGER_WORDS];
	memcpy(led, p->led, sizeof led);
	const gen_rx *rx = &v->rx[gen_int(&r, 0, (int)v->nrx - 1)];
	if (gen_chance(&r, P_SUBST * gen_rate(g, v->phys)))
		plant(g, p, v, &r, rx);
	else if (gen_chance(&r, P_LOOK_PARTIAL))
		partial_dispense(g, p, v, rx);
	p->led_day = keep;
	memcpy(p->led, led, sizeof led);
}

/* The look-alike: the take-home prescription written the evening before a morning discharge. */
static void evening_before(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_stay_plan *sp, gen_rng *r)
{
	for (size_t k = 0; k < v->nrx; k++) {
		gen_rx *rx = &v->rx[k];
		if (rx->t != sp->discharge - 30)
			continue;
		rx->t = (cw_day_of(sp->discharge) - 1) * CW_MINUTES_PER_DAY + gen_int(r, 18 * 60, 21 * 60);
		uint64_t ids[GEN_RX_MAX];
		for (int i = 0; i < rx->n; i++)
			ids[i] = v->l[rx->line[i]].id;
		gen_case_lines(g, 1, "substitution", "prescribed_evening_before", sp->phys, p->num, v->id, ids, rx->n, 0,
		               v->l[rx->line[0]].t, "take-home drug prescribed the evening before a morning discharge");
		return;
	}
}

void gen_subst_stay(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_stay_plan *sp)
{
	if (sp->case_kind || sp->easy || !v->nrx || visit_has_truth(g, v->id))
		return;
	gen_rng r;
	gen_rng_seed(&r, g->o.seed, STREAM + v->id);
	/* the ledger holds the stay's last day, which the patient's next event reads: a line added on an
	 * earlier day must not replace it */
	cw_day keep = p->led_day;
	uint64_t led[GEN_LEDGER_WORDS];
	memcpy(led, p->led, sizeof led);
	if (gen_chance(&r, P_SUBST_STAY * gen_rate(g, sp->phys))) {
		/* a daily order of the stay, in the range, not the admission day's */
		const gen_rx *rx = &v->rx[gen_int(&r, 0, (int)v->nrx - 1)];
		if (gen_month_of(g, rx->t) >= 0 && cw_day_of(rx->t) != cw_day_of(sp->admit) &&
		    (sp->open || rx->t != sp->discharge - 30))
			plant(g, p, v, &r, rx);
	} else if (!sp->open && gen_month_of(g, sp->discharge) >= 0 && gen_chance(&r, P_LOOK_EVENING)) {
		evening_before(g, p, v, sp, &r);
	}
	p->led_day = keep;
	memcpy(p->led, led, sizeof led);
}
