/* gen_stacked.c: the stacked_supply detector's schemes and look-alikes (重复开药, E4).
 *
 * Each patient keeps the supplies of its outpatient and emergency prescriptions that still cover a day
 * (gen_pat.sup). The background is kept clean of stacking: a prescription row of a visit without a
 * case or look-alike that would overlap what the patient still has of its drug by more than
 * ALLOW_DAYS days becomes a short top-up of ALLOW_DAYS days (days_supply is read by large_prescription
 * only, which a shorter supply never triggers; its own cases, beyond their visit's limit, are kept).
 * The scheme: a drug the patient still has for 5 days or more added (5-7 days, one unit) to the
 * visit's prescription (outpatient visits only: 5-7 days is beyond an emergency visit's limit of 3),
 * by whatever physician and institution. The look-alikes: a refill of the same
 * drug written 1-ALLOW_DAYS days before the old supply ends (within the allowance, already in the
 * background of the chronic patients' monthly visits), a switch to another drug of the same group (the
 * first 6 characters of the code) while the old one is still supplied. Drawn from a random stream of
 * their own (per visit) and leaving the patient's day ledger as it was, never on a visit that holds
 * another case or look-alike, never with an antibiotic (antibiotic_overuse), never beyond a drug's
 * daily maximum, five drugs a prescription (large_prescription) or the background's amount cap. */
#include <string.h>
#include "gen.h"

#define ALLOW_DAYS 3        /* stacked_supply's max_overlap_days */
#define P_STACK 0.02        /* a scheme on a visit where the patient still has a drug */
#define P_LOOK_REFILL 0.05  /* an early refill within the allowance recorded as a look-alike */
#define P_LOOK_SWITCH 0.02  /* a switch to another drug of the group */
#define GROUP_PREFIX 6
#define LOOKBACK_DAYS 45    /* load.lookback_days: a scheme's old supply is one a run reads */
#define STREAM (1ull << 41) /* above every patient's stream and substitution's */

/* A case or look-alike of any detector already names the visit (they are recorded just before). */
static int visit_has_truth(const gen_ctx *g, uint64_t visit)
{
	for (size_t i = g->truth.n, k = 0; i > 0 && k < 32; i--, k++)
		if (g->truth.c[i - 1].visit == visit)
			return 1;
	return 0;
}

/* The last day (exclusive) the patient's supplies of drug written on day `since` or later cover, or 0. */
static cw_day cover_since(const gen_pat *p, int drug, cw_day since)
{
	cw_day end = 0;
	for (int k = 0; k < p->nsup; k++)
		if (p->sup[k].drug == drug && p->sup[k].day >= since && p->sup[k].end > end)
			end = p->sup[k].end;
	return end;
}

/* The same over all the supplies kept. */
static cw_day cover_end(const gen_pat *p, int drug) { return cover_since(p, drug, 0); }

/* The visit bills item (any day). */
static int has_item(const gen_visit *v, int item)
{
	for (size_t i = 0; i < v->nl; i++)
		if (v->l[i].item == item)
			return 1;
	return 0;
}

/* Drops the supplies that end by day d, then records those of v's prescriptions. */
static void remember(gen_pat *p, const gen_visit *v, cw_day d)
{
	int n = 0;
	for (int k = 0; k < p->nsup; k++)
		if (p->sup[k].end > d)
			p->sup[n++] = p->sup[k];
	p->nsup = n;
	for (size_t r = 0; r < v->nrx; r++)
		for (int i = 0; i < v->rx[r].n; i++) {
			cw_day day = cw_day_of(v->rx[r].t), end = day + v->rx[r].days[i];
			if (v->rx[r].days[i] <= 0 || end <= d)
				continue;
			if (p->nsup == GEN_SUP_MAX) { /* full: drop the one ending first */
				int m = 0;
				for (int k = 1; k < p->nsup; k++)
					if (p->sup[k].end < p->sup[m].end)
						m = k;
				p->sup[m] = p->sup[--p->nsup];
			}
			p->sup[p->nsup].drug = v->rx[r].drug[i];
			p->sup[p->nsup].day = day;
			p->sup[p->nsup++].end = end;
		}
}

/* The visit's limit of days for large_prescription: rows above it are its cases. */
static int visit_limit(const gen_ctx *g, const gen_visit *v)
{
	if (v->kind == CW_EMERGENCY)
		return 3;
	return (g->dx[v->dx].flags & DX_CHRONIC) ? 30 : 7;
}

/* The background: rows that would stack beyond the allowance become top-ups of ALLOW_DAYS days. */
static void keep_clean(const gen_ctx *g, const gen_pat *p, gen_visit *v)
{
	int limit = visit_limit(g, v);
	for (size_t r = 0; r < v->nrx; r++)
		for (int i = 0; i < v->rx[r].n; i++) {
			cw_day day = cw_day_of(v->rx[r].t), end = cover_end(p, v->rx[r].drug[i]);
			int days = v->rx[r].days[i];
			int overlap = end > day ? (int)((end < day + days ? end : day + days) - day) : 0;
			if (overlap > ALLOW_DAYS && days <= limit)
				v->rx[r].days[i] = ALLOW_DAYS;
		}
}

/* Adds drug to prescription rx of v for days; the claim line's index or -1. */
static int add_to_rx(gen_ctx *g, gen_pat *p, gen_visit *v, gen_rx *rx, int drug, int days)
{
	const gen_item *it = &g->items[drug];
	cw_fen total = 0;
	for (int i = 0; i < rx->n; i++)
		total += rx->amount[i];
	if (rx->n >= 4 || it->cat != CW_CAT_DRUG || it->abx || total + it->price > 150000 || has_item(v, drug))
		return -1;
	for (int i = 0; i < rx->n; i++)
		if (g->items[rx->drug[i]].abx) /* antibiotic_overuse weighs the prescription's drugs */
			return -1;
	int line = gen_add_line(g, p, v, drug, rx->t, CW_QTY_ONE, ADD_CHECK);
	if (line < 0)
		return -1;
	rx->drug[rx->n] = drug;
	rx->days[rx->n] = days;
	rx->qty[rx->n] = CW_QTY_ONE;
	rx->amount[rx->n] = v->l[line].amount;
	rx->line[rx->n] = line;
	rx->n++;
	return line;
}

/* The scheme: a drug the patient still has for 5 days or more prescribed again for 5-7 days. */
static int plant(gen_ctx *g, gen_pat *p, gen_visit *v, gen_rng *r, gen_rx *rx, cw_day d)
{
	for (int k = 0, s = gen_int(r, 0, p->nsup - 1); k < p->nsup; k++) {
		int drug = p->sup[(s + k) % p->nsup].drug;
		cw_day end = cover_since(p, drug, d - LOOKBACK_DAYS); /* what a run of the month loads */
		if (end - d < 5)
			continue;
		int days = gen_int(r, 5, 7), overlap = (int)(end - d < days ? end - d : days);
		int line = add_to_rx(g, p, v, rx, drug, days);
		if (line < 0)
			continue;
		gen_line *l = &v->l[line];
		gen_case_lines(g, 0, "stacked_supply", "stacked", v->phys, p->num, v->id, &l->id, 1,
		               l->amount * overlap / days, l->t, "%s prescribed for %d days while %d days of it are still supplied",
		               g->items[drug].code, days, overlap);
		return 1;
	}
	return 0;
}

/* The look-alike: another drug of a supplied drug's group, while the old one still covers. */
static int plant_switch(gen_ctx *g, gen_pat *p, gen_visit *v, gen_rng *r, gen_rx *rx, cw_day d)
{
	for (int k = 0, s = gen_int(r, 0, p->nsup - 1); k < p->nsup; k++) {
		const gen_item *old = &g->items[p->sup[(s + k) % p->nsup].drug];
		if (cover_end(p, (int)(old - g->items)) - d < 5 || strlen(old->code) < GROUP_PREFIX)
			continue;
		for (int b = 0; b < g->nitems; b++) {
			const gen_item *bi = &g->items[b];
			if (bi == old || strncmp(bi->code, old->code, GROUP_PREFIX) || cover_end(p, b) > d)
				continue;
			int line = add_to_rx(g, p, v, rx, b, gen_int(r, 5, 7));
			if (line < 0)
				continue;
			gen_case_lines(g, 1, "stacked_supply", "switched_drug", v->phys, p->num, v->id, &v->l[line].id, 1, 0,
			               v->l[line].t, "%s prescribed while %s of its group is still supplied", bi->code, old->code);
			return 1;
		}
	}
	return 0;
}

/* The look-alike already in the background: a row of v that refills 1-ALLOW_DAYS days early. */
static void early_refill(gen_ctx *g, const gen_pat *p, gen_visit *v, cw_day d)
{
	for (size_t r = 0; r < v->nrx; r++)
		for (int i = 0; i < v->rx[r].n; i++) {
			cw_day end = cover_end(p, v->rx[r].drug[i]);
			if (end - d < 1 || end - d > ALLOW_DAYS || v->rx[r].days[i] <= ALLOW_DAYS)
				continue;
			gen_line *l = &v->l[v->rx[r].line[i]];
			gen_case_lines(g, 1, "stacked_supply", "early_refill", v->phys, p->num, v->id, &l->id, 1, 0, l->t,
			               "%s refilled %d day(s) before the old supply ends", g->items[l->item].code, (int)(end - d));
			return;
		}
}

void gen_stacked_visit(gen_ctx *g, gen_pat *p, gen_visit *v)
{
	cw_day d = cw_day_of(v->admit);
	if (v->kind == CW_INPATIENT || !v->nrx)
		return;
	/* emergency visits: their 3-day limit leaves no room for a scheme beyond the allowance */
	if (visit_has_truth(g, v->id) || gen_month_of(g, v->admit) < 0 || !p->nsup || v->kind == CW_EMERGENCY) {
		keep_clean(g, p, v);
		remember(p, v, d);
		return;
	}
	gen_rng r;
	gen_rng_seed(&r, g->o.seed, STREAM + v->id);
	cw_day keep = p->led_day; /* gen_add_line marks the ledger: leave it as it was */
	uint64_t led[GEN_LEDGER_WORDS];
	memcpy(led, p->led, sizeof led);
	keep_clean(g, p, v);
	gen_rx *rx = &v->rx[gen_int(&r, 0, (int)v->nrx - 1)];
	if (!(gen_chance(&r, P_STACK * gen_rate(g, v->phys)) && plant(g, p, v, &r, rx, d))) {
		if (gen_chance(&r, P_LOOK_SWITCH))
			plant_switch(g, p, v, &r, rx, d);
		else if (gen_chance(&r, P_LOOK_REFILL))
			early_refill(g, p, v, d);
	}
	p->led_day = keep;
	memcpy(p->led, led, sizeof led);
	remember(p, v, d);
}
