/* gen_selfitem.c: the self_created_item detector's schemes and look-alikes (擅自设立收费项目, C1).
 *
 * The scheme: a charge item the price catalogue does not have, billed on an outpatient visit or an
 * inpatient stay of the range: one line of a code from `invented` below (codes shaped like the
 * catalogue's, a nursing code one past the catalogue's last, and the local "HZ" codes a hospital makes
 * up), 1-2 units at its price, at the time of a line the visit already has. The look-alike: a local
 * item that *is* in the catalogue (the "HZ" items gen_catalog.c appends to the catalogue, billed by
 * nothing else), billed once the same way: its code looks as home-made as the scheme's, so only the
 * catalogue tells them apart.
 *
 * Drawn from a random stream of their own (per visit), after every other planting (just before flush),
 * without gen_add_line: no patient state (day ledger, retest slots, results) changes, and the lines
 * take ids of their own (SELF_ID_BASE + 2 * visit + k, beyond any id gen_add_line gives), so every
 * other line, prescription and truth entry of the data set is as it would be without them. The lines
 * are of category other (the catalogue's look-alikes; the invented codes become items of category
 * other in the dataset), which no bed-day, frequency, bundle or restriction rule reads. Emergency
 * visits are left alone (idle_bed's look-alike lists the lines of the emergency visit before an
 * admission). */
#include <string.h>
#include "claimwatch/error.h"
#include "gen.h"
#include "util/grow.h"

#define P_SELF 0.002          /* a scheme on a visit or stay */
#define P_LOOK 0.002          /* a look-alike */
#define STREAM (1ull << 42)   /* above every patient's stream, substitution's and stacked_supply's */
#define SELF_ID_BASE 9000000000000000ull

typedef struct invented {
	const char *code, *name;
	int cents; /* unit price, fen */
} invented;

/* Not in the catalogue (gen_selfitem_init checks it). */
static const invented invented_items[] = {
	{ "120100009", "Ⅰ级护理(加强)", 1500 },
	{ "311000099", "综合护理服务费", 2500 },
	{ "HZ0003", "特需服务费", 5000 },
	{ "HZ0105", "专家加号费", 3000 },
	{ "HZ-TL-01", "中医特色理疗费", 6000 },
};
#define NINVENTED ((int)(sizeof invented_items / sizeof invented_items[0]))

/* The catalogue's local items, the look-alikes (gen_catalog.c appends them). */
static const char *const local_items[] = { "HZ0001", "HZ0102" };
#define NLOCAL ((int)(sizeof local_items / sizeof local_items[0]))

int gen_selfitem_init(gen_ctx *g)
{
	for (int k = 0; k < NINVENTED; k++)
		if (gen_item_find(g, invented_items[k].code) >= 0)
			return cw_error_set(CW_ERROR, "gen: invented item %s is in the catalogue", invented_items[k].code);
	for (int k = 0; k < NLOCAL; k++)
		if (gen_item_find(g, local_items[k]) < 0)
			return cw_error_set(CW_ERROR, "gen: local item %s is not in the catalogue", local_items[k]);
	return 0;
}

/* A new line of v at the time of one of its lines of the range (none: NULL), its id of its own. */
static gen_line *add_line(gen_ctx *g, gen_visit *v, gen_rng *r, int k)
{
	int from = gen_int(r, 0, (int)v->nl - 1);
	for (size_t i = 0; i < v->nl; i++) {
		cw_minute t = v->l[((size_t)from + i) % v->nl].t;
		if (gen_month_of(g, t) < 0)
			continue;
		if (cw_grow((void **)&v->l, &v->capl, v->nl + 1, sizeof *v->l) < 0)
			return NULL;
		gen_line *l = &v->l[v->nl++];
		memset(l, 0, sizeof *l);
		l->id = SELF_ID_BASE + 2 * v->id + (uint64_t)k;
		l->t = t;
		l->phys = -1; /* the visit's attending */
		l->result = CW_RESULT_NONE;
		return l;
	}
	return NULL;
}

static void plant(gen_ctx *g, gen_pat *p, gen_visit *v, gen_rng *r)
{
	const invented *x = &invented_items[gen_int(r, 0, NINVENTED - 1)];
	gen_line *l = add_line(g, v, r, 0);
	if (!l)
		return;
	l->item = gen_item_find(g, local_items[0]); /* what the rest of gen reads: a harmless item of category other */
	l->code = x->code;                          /* what the file says */
	l->qty = (cw_qty)gen_int(r, 1, 2) * CW_QTY_ONE;
	l->unit = x->cents;
	l->amount = l->unit * l->qty / CW_QTY_ONE;
	gen_case_lines(g, 0, "self_created_item", "self_created", v->phys, p->num, v->id, &l->id, 1, l->amount, l->t,
	               "%s (%s) billed but not in the catalogue", x->code, x->name);
}

static void plant_local(gen_ctx *g, gen_pat *p, gen_visit *v, gen_rng *r)
{
	int item = gen_item_find(g, local_items[gen_int(r, 0, NLOCAL - 1)]);
	gen_line *l = add_line(g, v, r, 1);
	if (!l)
		return;
	l->item = item;
	l->qty = CW_QTY_ONE;
	l->unit = gen_unit_price(g, item, v->inst);
	l->amount = l->unit;
	gen_case_lines(g, 1, "self_created_item", "local_catalogue_item", v->phys, p->num, v->id, &l->id, 1, 0, l->t,
	               "%s, a local item in the catalogue, billed once", g->items[item].code);
}

void gen_selfitem_visit(gen_ctx *g, gen_pat *p, gen_visit *v)
{
	if (v->kind == CW_EMERGENCY || !v->nl)
		return;
	gen_rng r;
	gen_rng_seed(&r, g->o.seed, STREAM + v->id);
	if (gen_chance(&r, P_SELF * gen_rate(g, v->phys)))
		plant(g, p, v, &r);
	else if (gen_chance(&r, P_LOOK))
		plant_local(g, p, v, &r);
}
