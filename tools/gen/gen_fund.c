/* gen_fund.c: who pays what in the demo data (data contract 2, issue 14 item 1).
 *
 * Every item gets a catalogue class and, for drugs, the essential-drug flag; every institution a region
 * (统筹区); every claim line the fund's part (fund_amount) and the patient's in-scope part (self_amount):
 *   甲 (A)   in scope: the fund pays the visit's rate of it, the patient the rest;
 *   乙 (B)   the patient pays 10% first (乙类先行自付), the fund the rate of the remaining 90%;
 *   丙 (C)   out of scope (自费): neither column has any of it; so is a code outside the catalogue;
 * the rate by visit kind and level (a lower co-payment nearer home, 分级诊疗): stays 90/85/80% at levels
 * 1/2/3, outpatient and emergency visits 70/60/50%. A refund line mirrors its original (the same
 * negative parts). The classes are drawn once, from a random stream of their own, so every other file
 * row and truth entry stays as it was: the files gain only their new columns. */
#include <stdlib.h>
#include "claimwatch/error.h"
#include "gen.h"

#define STREAM (1ull << 44) /* above every other stream (gen_death.c's is 1 << 43 plus patients) */
#define REGIONS 3
#define B_FIRST_PERMILLE 100 /* 乙类先行自付 */

struct gen_fund {
	uint8_t *cls;       /* per item: CW_CLASS_A.. */
	uint8_t *essential; /* per item */
};

/* The class of an item of category cat: weights of A, B, C. */
static int draw_class(gen_rng *r, int cat)
{
	static const double w[CW_CAT_COUNT][3] = {
		[CW_CAT_DRUG] = { 0.6, 0.35, 0.05 },     [CW_CAT_EXAM] = { 0.8, 0.2, 0 },
		[CW_CAT_LAB] = { 0.9, 0.1, 0 },           [CW_CAT_TREATMENT] = { 0.7, 0.25, 0.05 },
		[CW_CAT_SURGERY] = { 0.5, 0.5, 0 },       [CW_CAT_MATERIAL] = { 0.1, 0.6, 0.3 },
		[CW_CAT_BED] = { 1, 0, 0 },               [CW_CAT_NURSING] = { 1, 0, 0 },
		[CW_CAT_CONSULT] = { 1, 0, 0 },           [CW_CAT_OTHER] = { 0.2, 0.3, 0.5 },
	};
	return CW_CLASS_A + gen_pick(r, w[cat], 3);
}

int gen_fund_init(gen_ctx *g)
{
	struct gen_fund *f = calloc(1, sizeof *f);
	if (f) {
		f->cls = calloc((size_t)g->nitems + 1, 1);
		f->essential = calloc((size_t)g->nitems + 1, 1);
	}
	g->fund = f;
	if (!f || !f->cls || !f->essential)
		return cw_error_set(CW_ENOMEM, "out of memory");
	gen_rng r;
	gen_rng_seed(&r, g->o.seed, STREAM);
	for (int i = 0; i < g->nitems; i++) {
		f->cls[i] = (uint8_t)draw_class(&r, g->items[i].cat);
		f->essential[i] = (uint8_t)(g->items[i].cat == CW_CAT_DRUG && gen_chance(&r, 0.45));
	}
	return 0;
}

void gen_fund_free(gen_ctx *g)
{
	if (g->fund) {
		free(g->fund->cls);
		free(g->fund->essential);
	}
	free(g->fund);
	g->fund = NULL;
}

void gen_fund_item_cells(gen_out *o, const gen_ctx *g, int item)
{
	static const char *const names[] = { "", "甲", "乙", "丙" };
	gen_put_char(o, ',');
	gen_put(o, names[g->fund->cls[item]]);
	gen_put(o, g->fund->essential[item] ? ",1" : ",0");
}

void gen_fund_inst_cells(gen_out *o, const gen_ctx *g, int inst)
{
	(void)g;
	gen_put_u64(o, ",R", (uint64_t)(inst % REGIONS) + 1, 2);
}

/* The permille of the in-scope part the fund pays, by visit kind and institution level. */
static int fund_rate(int kind, int level)
{
	static const int stay[4] = { 0, 900, 850, 800 }, visit[4] = { 0, 700, 600, 500 };
	int lv = level < 1 ? 1 : level > 3 ? 3 : level;
	return kind == CW_INPATIENT ? stay[lv] : visit[lv];
}

/* x * permille / 1000 rounded half up, x >= 0. */
static cw_fen permille(cw_fen x, int pm)
{
	return (x * pm + 500) / 1000;
}

void gen_fund_line_parts(cw_fen *fund, cw_fen *self_pay, const gen_ctx *g, const gen_visit *v, const gen_line *l)
{
	int cls = l->code ? CW_CLASS_C : g->fund->cls[l->item]; /* an invented code: out of scope */
	cw_fen a = l->amount < 0 ? -l->amount : l->amount, f = 0, s = 0;
	int rate = fund_rate(v->kind, g->inst[v->inst].level);
	if (cls == CW_CLASS_A) {
		f = permille(a, rate);
		s = a - f;
	} else if (cls == CW_CLASS_B) {
		cw_fen first = permille(a, B_FIRST_PERMILLE);
		f = permille(a - first, rate);
		s = a - f;
	}
	*fund = l->amount < 0 ? -f : f;
	*self_pay = l->amount < 0 ? -s : s;
}

void gen_fund_line_cells(gen_out *o, const gen_ctx *g, const gen_visit *v, const gen_line *l)
{
	cw_fen f, s;
	gen_fund_line_parts(&f, &s, g, v, l);
	gen_put_char(o, ',');
	gen_put_money(o, f);
	gen_put_char(o, ',');
	gen_put_money(o, s);
}
