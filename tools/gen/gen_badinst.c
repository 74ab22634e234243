/* gen_badinst.c: the bad institutions (issue 14 item 3, L2-L4): one or two designated institutions whose
 * physicians commit markedly more of an existing scheme, so that the institutions' assessment grades them
 * low, their sanction ladder climbs and `claimwatch sample --of institutions` draws them more often than
 * chance. truth.json lists them as "bad_institutions".
 *
 * The institutions: one of level 2 (a district hospital: not a tertiary one, whose volume alone would
 * put it first), and a second of level 1 when there are ten institutions or more. The scheme is
 * over_price's (收费超标准, C-series): a non-drug, non-bed, non-nursing line of at least 5.00 yuan billed
 * above its catalogue ceiling by 12-52%, recorded in the truth like every over_price case; on P_VISIT of
 * their outpatient and emergency visits and P_STAY of their stays (over_price's ordinary rate is 0.0017
 * a visit: over a hundred times more), on the visit's dearest eligible line whose item the visit does not
 * refund. Never on a visit that already holds a case or look-alike.
 *
 * Drawn from a random stream of their own (per visit), before self_created_item's planting, without
 * gen_add_line: a line's price changes, no line, id or patient state is added, so the rest of the data
 * set is as it would be without them. */
#include <math.h>
#include <string.h>
#include "gen.h"

#define P_VISIT 0.25
#define P_STAY 0.6
#define STREAM (1ull << 43) /* above every patient's stream and the other plantings' */

int gen_badinst_is(const gen_ctx *g, int inst)
{
	for (int i = 0; i < g->nbad_inst; i++)
		if (g->bad_inst[i] == inst)
			return 1;
	return 0;
}

/* A uniformly drawn institution of a level, or -1. */
static int pick_level(const gen_ctx *g, gen_rng *r, int level)
{
	int n = 0;
	for (int i = 0; i < g->ninst; i++)
		n += g->inst[i].level == level;
	if (!n)
		return -1;
	int k = gen_int(r, 0, n - 1);
	for (int i = 0; i < g->ninst; i++)
		if (g->inst[i].level == level && k-- == 0)
			return i;
	return -1;
}

void gen_badinst_init(gen_ctx *g)
{
	gen_rng r;
	gen_rng_seed(&r, g->o.seed, STREAM);
	g->nbad_inst = 0;
	int a = pick_level(g, &r, 2);
	if (a >= 0)
		g->bad_inst[g->nbad_inst++] = a;
	int b = g->ninst >= 10 ? pick_level(g, &r, 1) : -1;
	if (b >= 0)
		g->bad_inst[g->nbad_inst++] = b;
}

static int visit_has_truth(const gen_ctx *g, uint64_t visit)
{
	for (size_t i = g->truth.n, k = 0; i > 0 && k < 32; i--, k++)
		if (g->truth.c[i - 1].visit == visit)
			return 1;
	return 0;
}

/* over_price's eligibility (gen_schemes.c's ok_price): a line at or under its ceiling of 5.00 or more. */
static int eligible(const gen_ctx *g, const gen_line *l)
{
	const gen_item *it = &g->items[l->item];
	return l->qty > 0 && !l->code && it->cat != CW_CAT_DRUG && it->cat != CW_CAT_BED && it->cat != CW_CAT_NURSING &&
	       l->unit <= it->price && it->price >= 500;
}

/* A refund line (negative quantity) of the item in the visit: the refund nets the line, so it is left alone. */
static int refunded(const gen_visit *v, int item)
{
	for (size_t i = 0; i < v->nl; i++)
		if (v->l[i].item == item && v->l[i].qty < 0)
			return 1;
	return 0;
}

/* The dearest eligible line of the visit inside the range, or -1. */
static int dearest(const gen_ctx *g, const gen_visit *v)
{
	int best = -1;
	for (size_t i = 0; i < v->nl; i++)
		if (eligible(g, &v->l[i]) && gen_in_range(g, v->l[i].t) && !refunded(v, v->l[i].item) &&
		    (best < 0 || v->l[i].amount > v->l[best].amount))
			best = (int)i;
	return best;
}

static void plant(gen_ctx *g, gen_pat *p, gen_visit *v, gen_rng *r, int i)
{
	gen_line *l = &v->l[i];
	const gen_item *it = &g->items[l->item];
	double f = 1.12 + 0.4 * gen_unif(r);
	l->unit = (cw_fen)llround((double)it->price * f / 10.0) * 10;
	if (l->unit <= it->price)
		l->unit = it->price + 10;
	l->amount = l->unit * l->qty / CW_QTY_ONE;
	cw_fen suspect = (l->unit - it->price) * l->qty / CW_QTY_ONE;
	gen_case_lines(g, 0, "over_price", "over_price", v->phys, p->num, v->id, &l->id, 1, suspect, l->t,
	               "bad institution: %s billed at %.2f over the ceiling %.2f", it->code, (double)l->unit / 100,
	               (double)it->price / 100);
}

void gen_badinst_visit(gen_ctx *g, gen_pat *p, gen_visit *v)
{
	if (!gen_badinst_is(g, v->inst) || !v->nl || visit_has_truth(g, v->id))
		return;
	gen_rng r;
	gen_rng_seed(&r, g->o.seed, STREAM + 1 + v->id);
	if (!gen_chance(&r, v->kind == CW_INPATIENT ? P_STAY : P_VISIT))
		return;
	int i = dearest(g, v);
	if (i >= 0)
		plant(g, p, v, &r, i);
}
