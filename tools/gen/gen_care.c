/* gen_care.c: what happens in a visit: the claim lines, prescriptions and
 * results of outpatient and emergency visits and of inpatient stays.
 *
 * Every line goes through gen_add_line(). With ADD_CHECK it refuses a line
 * that would trip a detector on background data: a second line of the same
 * item on the same patient-day (so no duplicate and no over-frequency), more
 * units than max_daily_qty, a restriction the patient, institution or visit
 * kind does not meet, a bundle beside one of its components or the last
 * missing component of a bundle, and a retest inside the interval after a
 * result that was not positive. */
#include <stdlib.h>
#include <string.h>
#include "gen.h"
#include "util/grow.h"

int gen_in_range(const gen_ctx *g, cw_minute t)
{
	return t >= g->range_start && t < g->range_end;
}

int gen_month_of(const gen_ctx *g, cw_minute t)
{
	if (!gen_in_range(g, t))
		return -1;
	for (int m = 0; m < g->nmonths; m++)
		if (t < g->month_start[m + 1])
			return m;
	return -1;
}

int gen_age(const gen_pat *p, cw_minute t)
{
	if (p->birth == CW_DAY_NONE)
		return -1;
	return cw_age_years(p->birth, cw_day_of(t));
}

void gen_ledger_day(gen_pat *p, cw_day d)
{
	if (p->led_day != d) {
		p->led_day = d;
		memset(p->led, 0, sizeof p->led);
	}
}

int gen_ledger_has(const gen_pat *p, int item)
{
	return (int)(p->led[item >> 6] >> (item & 63) & 1);
}

static void ledger_set(gen_pat *p, int item)
{
	p->led[item >> 6] |= (uint64_t)1 << (item & 63);
}

double gen_weyl(gen_ctx *g, int phys, cw_minute t, int which)
{
	int m = gen_month_of(g, t) + 1; /* slot 0: the warm-up */
	uint32_t *c = &g->weyl[((size_t)phys * (size_t)(g->nmonths + 1) + (size_t)m) * GW_COUNT + (size_t)which];
	uint32_t k = (*c)++;
	/* golden-ratio sequence with a per-physician offset: any run of k values is
	 * spread evenly over [0, 1), so a rate is met closely every month */
	double off = (double)((uint32_t)(phys * 2654435761u + (uint32_t)which * 40503u) % 1000u) / 1000.0;
	double u = off + (double)k * 0.6180339887498949;
	return u - (double)(long long)u;
}

cw_fen gen_unit_price(const gen_ctx *g, int item, int inst)
{
	const gen_item *it = &g->items[item];
	if (it->cat == CW_CAT_DRUG) /* zero mark-up on drugs: the ceiling everywhere */
		return it->price;
	int level = g->inst[inst].level;
	return level == 3 ? it->price : level == 2 ? it->price * 95 / 100 : it->price * 90 / 100;
}

static int restriction_ok(const gen_ctx *g, const gen_pat *p, const gen_visit *v, const gen_item *it, cw_minute t)
{
	if (it->sex && (p->sex == CW_SEX_M || p->sex == CW_SEX_F) && p->sex != it->sex)
		return 0;
	if (it->age_min >= 0 || it->age_max >= 0) {
		int age = gen_age(p, t);
		if (age >= 0 && ((it->age_min >= 0 && age < it->age_min) || (it->age_max >= 0 && age > it->age_max)))
			return 0;
	}
	if (it->min_level && g->inst[v->inst].level < it->min_level)
		return 0;
	if (it->setting == CW_SETTING_OUTPATIENT && v->kind == CW_INPATIENT)
		return 0;
	if (it->setting == CW_SETTING_INPATIENT && v->kind != CW_INPATIENT)
		return 0;
	return 1;
}

int gen_can_bill(gen_ctx *g, gen_pat *p, gen_visit *v, int item, cw_minute t, cw_qty qty)
{
	const gen_item *it = &g->items[item];
	gen_ledger_day(p, cw_day_of(t));
	if (gen_ledger_has(p, item))
		return 0;
	if (it->maxq && qty > (cw_qty)it->maxq * CW_QTY_ONE)
		return 0;
	if (!restriction_ok(g, p, v, it, t))
		return 0;
	if (it->ncomp) {
		for (int c = 0; c < it->ncomp; c++)
			if (gen_ledger_has(p, it->comp[c]))
				return 0;
	}
	if (it->bundle >= 0) {
		const gen_item *b = &g->items[it->bundle];
		if (gen_ledger_has(p, it->bundle))
			return 0;
		int have = 0;
		for (int c = 0; c < b->ncomp; c++)
			have += gen_ledger_has(p, b->comp[c]);
		if (have + 1 >= b->ncomp)
			return 0;
	}
	if (it->slot >= 0 && p->rt_time[it->slot] != CW_MINUTE_NONE) {
		cw_minute prev = p->rt_time[it->slot];
		if (t <= prev)
			return 0;
		if (t - prev < (cw_minute)it->retest * 60 && !p->rt_pos[it->slot])
			return 0;
	}
	return 1;
}

static uint8_t decide_result(gen_ctx *g, gen_pat *p, gen_visit *v, int item, cw_minute t)
{
	const gen_item *it = &g->items[item];
	if (it->large) {
		const gen_phys *ph = &g->phys[v->phys];
		int m = gen_month_of(g, t);
		int low = ph->role == R_LOWPOS && m >= 0 && (ph->active >> m & 1);
		double rate = low ? 0.05 : ph->pos;
		double u = gen_weyl(g, v->phys, t, GW_POS);
		if (!low && gen_chance(&p->rng, 0.02))
			return CW_RESULT_PENDING;
		return u < rate ? CW_RESULT_POSITIVE : CW_RESULT_NEGATIVE;
	}
	double u = gen_unif(&p->rng);
	return u < 0.03 ? CW_RESULT_PENDING : u < 0.28 ? CW_RESULT_POSITIVE : CW_RESULT_NEGATIVE;
}

static gen_line *push_line(gen_visit *v)
{
	if (cw_grow((void **)&v->l, &v->capl, v->nl + 1, sizeof *v->l) < 0)
		return NULL;
	return &v->l[v->nl++];
}

int gen_add_line(gen_ctx *g, gen_pat *p, gen_visit *v, int item, cw_minute t, cw_qty qty, int mode)
{
	const gen_item *it = &g->items[item];
	gen_ledger_day(p, cw_day_of(t));
	if (mode == ADD_CHECK && !gen_can_bill(g, p, v, item, t, qty))
		return -1;
	uint64_t prev_pos = 0;
	if (mode == ADD_CHECK && it->slot >= 0 && p->rt_time[it->slot] != CW_MINUTE_NONE &&
	    t - p->rt_time[it->slot] < (cw_minute)it->retest * 60)
		prev_pos = p->rt_line[it->slot]; /* allowed: the previous result was positive */
	gen_line *l = push_line(v);
	if (!l)
		return -1;
	l->id = ++g->next_line;
	l->item = item;
	l->code = NULL;
	l->t = t;
	l->qty = qty;
	l->unit = gen_unit_price(g, item, v->inst);
	l->amount = l->unit * qty / CW_QTY_ONE;
	int ordered = it->cat == CW_CAT_EXAM || it->cat == CW_CAT_LAB || it->cat == CW_CAT_SURGERY;
	l->phys = ordered ? v->phys : -1;
	l->result = (it->cat == CW_CAT_EXAM || it->cat == CW_CAT_LAB) ? decide_result(g, p, v, item, t)
	                                                                : CW_RESULT_NONE;
	ledger_set(p, item);
	int prev_truth = 0;
	if (it->slot >= 0) {
		prev_truth = p->rt_truth[it->slot];
		p->rt_time[it->slot] = t;
		p->rt_line[it->slot] = l->id;
		p->rt_pos[it->slot] = l->result == CW_RESULT_POSITIVE;
		p->rt_truth[it->slot] = 0;
	}
	int idx = (int)(v->nl - 1);
	gen_posrate_line(g, v, idx);
	if (prev_pos)
		gen_note_after_positive(g, p, v, idx, prev_pos, prev_truth);
	return idx;
}

void gen_set_result(gen_ctx *g, gen_pat *p, gen_visit *v, int line, int result)
{
	gen_line *l = &v->l[line];
	l->result = (uint8_t)result;
	int slot = g->items[l->item].slot;
	if (slot >= 0 && p->rt_line[slot] == l->id)
		p->rt_pos[slot] = result == CW_RESULT_POSITIVE;
}

/* --- prescriptions ------------------------------------------------------------- */
int gen_add_rx(gen_ctx *g, gen_pat *p, gen_visit *v, cw_minute t, const int *drug, const int *days,
               const cw_qty *qty, int n, int mode)
{
	if (cw_grow((void **)&v->rx, &v->caprx, v->nrx + 1, sizeof *v->rx) < 0)
		return -1;
	gen_rx *rx = &v->rx[v->nrx];
	rx->n = 0;
	rx->t = t;
	for (int i = 0; i < n && rx->n < GEN_RX_MAX; i++) {
		int line = gen_add_line(g, p, v, drug[i], t, qty[i], mode);
		if (line < 0)
			continue;
		rx->drug[rx->n] = drug[i];
		rx->days[rx->n] = days[i];
		rx->qty[rx->n] = qty[i];
		rx->amount[rx->n] = v->l[line].amount;
		rx->line[rx->n] = line;
		rx->n++;
	}
	if (!rx->n)
		return -1;
	rx->id = ++g->next_rx;
	return (int)v->nrx++;
}

cw_fen gen_rx_amount(const gen_visit *v, int rx)
{
	cw_fen s = 0;
	for (int i = 0; i < v->rx[rx].n; i++)
		s += v->rx[rx].amount[i];
	return s;
}

/* --- visits ------------------------------------------------------------------------ */
void gen_visit_begin(gen_ctx *g, gen_visit *v, int inst, int dept, int phys, int kind, int dx, cw_minute admit)
{
	v->id = ++g->next_visit;
	v->inst = inst;
	v->dept = dept;
	v->phys = phys;
	v->kind = kind;
	v->dx = dx;
	v->admit = admit;
	v->discharge = CW_MINUTE_NONE;
	v->nl = 0;
	v->nrx = 0;
	v->longer = 0;
}

void gen_visit_free(gen_visit *v)
{
	free(v->l);
	free(v->rx);
	memset(v, 0, sizeof *v);
}

static void put_sep(gen_out *o) { gen_put_char(o, ','); }

static gen_pm *pm_at(gen_ctx *g, int phys, cw_minute t)
{
	int m = gen_month_of(g, t);
	return m < 0 ? NULL : &g->pm[(size_t)phys * (size_t)g->nmonths + (size_t)m];
}

/* The volumes that decide physician-level truth: visits, stays, resulted
 * large-equipment exams, prescriptions with and without antibiotics. */
static void count_volumes(gen_ctx *g, const gen_visit *v)
{
	gen_pm *pm = pm_at(g, v->phys, v->admit);
	if (pm) {
		if (v->kind == CW_OUTPATIENT)
			pm->op_visits++;
		else if (v->kind == CW_EMERGENCY)
			pm->er_visits++;
		else
			pm->stays_in++;
	}
	if (v->kind == CW_INPATIENT && v->discharge != CW_MINUTE_NONE && (pm = pm_at(g, v->phys, v->discharge))) {
		pm->stays_out++;
		pm->stays_long += (uint32_t)v->longer;
	}
	for (size_t i = 0; i < v->nl; i++) {
		const gen_line *l = &v->l[i];
		if (!g->items[l->item].large || (l->result != CW_RESULT_POSITIVE && l->result != CW_RESULT_NEGATIVE) ||
		    !(pm = pm_at(g, v->phys, l->t)))
			continue;
		if (l->result == CW_RESULT_POSITIVE)
			pm->large_pos++;
		else
			pm->large_neg++;
	}
	if (v->kind == CW_INPATIENT)
		return;
	for (size_t r = 0; r < v->nrx; r++) {
		if (!(pm = pm_at(g, v->phys, v->rx[r].t)))
			continue;
		int abx = 0;
		for (int i = 0; i < v->rx[r].n; i++)
			abx |= g->items[v->rx[r].drug[i]].abx;
		if (v->kind == CW_OUTPATIENT) {
			pm->rx_op++;
			pm->rx_op_abx += (uint32_t)abx;
		} else {
			pm->rx_er++;
			pm->rx_er_abx += (uint32_t)abx;
		}
	}
}

void gen_visit_flush(gen_ctx *g, gen_pat *p, gen_visit *v)
{
	gen_out *o = &g->out[F_VISITS];
	const gen_dx *dx = &g->dx[v->dx];
	gen_out_reserve(o, 512);
	gen_put_u64(o, "V", v->id, 9);
	gen_put_u64(o, ",P", p->num, 8);
	put_sep(o);
	gen_put(o, g->inst[v->inst].id);
	put_sep(o);
	gen_put(o, g->dept[v->dept].id);
	put_sep(o);
	gen_put(o, g->phys[v->phys].id);
	put_sep(o);
	gen_put(o, cw_visit_kind_name(v->kind));
	put_sep(o);
	gen_put_time(o, v->admit);
	put_sep(o);
	if (v->discharge != CW_MINUTE_NONE)
		gen_put_time(o, v->discharge);
	put_sep(o);
	gen_put(o, dx->code);
	put_sep(o);
	gen_put(o, dx->name_csv);
	gen_put_char(o, '\n');
	g->st.visits++;

	gen_out *lo = &g->out[F_LINES], *ro = &g->out[F_RESULTS];
	gen_drugshare_visit(g, v);
	for (size_t i = 0; i < v->nl; i++) {
		const gen_line *l = &v->l[i];
		gen_out_reserve(lo, 256);
		gen_put_u64(lo, "L", l->id, 0);
		gen_put_u64(lo, ",V", v->id, 9);
		put_sep(lo);
		gen_put(lo, l->code ? l->code : g->items[l->item].code);
		put_sep(lo);
		if (l->phys >= 0)
			gen_put(lo, g->phys[l->phys].id);
		put_sep(lo);
		gen_put_time(lo, l->t);
		put_sep(lo);
		gen_put_qty(lo, l->qty);
		put_sep(lo);
		gen_put_money(lo, l->unit);
		put_sep(lo);
		gen_put_money(lo, l->amount);
		gen_fund_line_cells(lo, g, v, l);
		gen_put_char(lo, '\n');
		g->st.lines++;
		if (gen_in_range(g, l->t))
			g->st.lines_in_range++;
		if (l->result != CW_RESULT_NONE && !gen_posrate_defer(g, v, l)) {
			gen_out_reserve(ro, 64);
			gen_put_u64(ro, "L", l->id, 0);
			gen_put(ro, l->result == CW_RESULT_POSITIVE ? ",positive\n"
			            : l->result == CW_RESULT_NEGATIVE ? ",negative\n" : ",pending\n");
			g->st.results++;
		}
	}
	/* the lines of the last visit, for look-alikes spanning visits */
	g->nlast = 0;
	g->last_visit = v->id;
	for (size_t i = 0; i < v->nl && g->nlast < 32; i++)
		g->last_ids[g->nlast++] = v->l[i].id;
	count_volumes(g, v);
	gen_out *xo = &g->out[F_RX];
	for (size_t r = 0; r < v->nrx; r++) {
		const gen_rx *rx = &v->rx[r];
		for (int i = 0; i < rx->n; i++) {
			gen_out_reserve(xo, 256);
			gen_put_u64(xo, "RX", rx->id, 9);
			gen_put_u64(xo, ",", (uint64_t)i + 1, 0);
			gen_put_u64(xo, ",V", v->id, 9);
			put_sep(xo);
			gen_put(xo, g->phys[v->phys].id);
			put_sep(xo);
			gen_put_time(xo, rx->t);
			put_sep(xo);
			gen_put(xo, g->items[rx->drug[i]].code);
			put_sep(xo);
			gen_put_qty(xo, rx->qty[i]);
			gen_put_u64(xo, ",", (uint64_t)rx->days[i], 0);
			put_sep(xo);
			gen_put_money(xo, rx->amount[i]);
			gen_put_char(xo, '\n');
			g->st.prescriptions++;
		}
	}
}

/* --- choosing orders ------------------------------------------------------------------ */
static double clamp01(double x) { return x < 0 ? 0 : x > 0.98 ? 0.98 : x; }

static int role_on(const gen_ctx *g, int phys, int role, cw_minute t)
{
	const gen_phys *ph = &g->phys[phys];
	int m = gen_month_of(g, t);
	return ph->role == role && m >= 0 && (ph->active >> m & 1);
}

/* The antibiotic rate of a prescription (OP/ER) or stay (IP). */
static double abx_rate(const gen_ctx *g, int phys, const gen_dx *dx, int kind, cw_minute t)
{
	const gen_phys *ph = &g->phys[phys];
	if (kind == CW_OUTPATIENT && role_on(g, phys, R_ABX_OP, t))
		return 0.55;
	if (kind == CW_EMERGENCY && role_on(g, phys, R_ABX_ER, t))
		return 0.75;
	double r = dx->p_abx * ph->s_abx;
	if (kind == CW_OUTPATIENT) /* outpatient physicians stay far below the 20% limit */
		r *= 0.5;
	if (kind == CW_EMERGENCY && r > 0.4) /* infections 30-40%: only a physician seeing little else nears 40% */
		r = 0.4;
	if (kind == CW_INPATIENT && r > 0.5)
		r = 0.5;
	return r;
}

/* An antibiotic from the diagnosis's list the patient may have, else a common one. */
static int pick_abx(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_dx *dx, cw_minute t)
{
	int cand[GEN_LIST_MAX + 4], n = 0;
	for (int i = 0; i < dx->abx.n; i++)
		cand[n++] = dx->abx.item[i];
	if (!n) {
		cand[n++] = g->it_amoxicillin;
		cand[n++] = g->it_cefuroxime;
		cand[n++] = g->it_azithro;
	}
	int start = gen_int(&p->rng, 0, n - 1);
	for (int k = 0; k < n; k++) {
		int it = cand[(start + k) % n];
		if (restriction_ok(g, p, v, &g->items[it], t) && !gen_ledger_has(p, it))
			return it;
	}
	return -1;
}

static int is_injection(const gen_item *it)
{
	return !strcmp(it->unit, "支") || !strcmp(it->unit, "瓶");
}

/* Builds and adds the visit's prescription. */
static void op_prescription(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_dx *dx, cw_minute t)
{
	int drug[GEN_RX_MAX], days[GEN_RX_MAX], n = 0;
	cw_qty qty[GEN_RX_MAX];
	int chronic = (dx->flags & DX_CHRONIC) && v->kind == CW_OUTPATIENT;
	for (int i = 0; i < dx->drugs.n && n < 4; i++)
		if (gen_chance(&p->rng, dx->drugs.p[i]))
			drug[n++] = dx->drugs.item[i];
	if (!n && dx->drugs.n)
		drug[n++] = dx->drugs.item[0];
	if (!n)
		return;
	double u = gen_weyl(g, v->phys, t, v->kind == CW_EMERGENCY ? GW_ABX_ER : GW_ABX_OP);
	if (u < abx_rate(g, v->phys, dx, v->kind, t)) {
		int a = pick_abx(g, p, v, dx, t);
		if (a >= 0)
			drug[n++] = a;
	}
	cw_fen total = 0;
	for (int i = 0; i < n; i++) {
		const gen_item *it = &g->items[drug[i]];
		int q;
		if (v->kind == CW_EMERGENCY) {
			days[i] = gen_int(&p->rng, 1, 3);
			q = gen_int(&p->rng, 1, 2);
		} else if (chronic) {
			days[i] = gen_chance(&p->rng, 0.5) ? 30 : gen_int(&p->rng, 14, 30);
			q = gen_int(&p->rng, 2, 3);
		} else {
			days[i] = gen_int(&p->rng, 3, 7);
			q = gen_int(&p->rng, 1, 2);
		}
		if (is_injection(it) && v->kind != CW_INPATIENT) {
			days[i] = gen_int(&p->rng, 1, 3);
			q = gen_int(&p->rng, 1, 3);
		}
		if (it->maxq && q > it->maxq)
			q = it->maxq;
		if (total + it->price * q > 150000) /* keep background prescriptions far below the ceiling */
			q = 1;
		total += it->price * q;
		qty[i] = (cw_qty)q * CW_QTY_ONE;
	}
	gen_add_rx(g, p, v, t, drug, days, qty, n, ADD_CHECK);
}

static void add_list(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_list *l, cw_minute t, double mult,
                     int step)
{
	for (int i = 0; i < l->n; i++) {
		const gen_item *it = &g->items[l->item[i]];
		double pr = l->p[i] * mult * (it->large ? g->phys[v->phys].s_large : 1.0);
		if (!gen_chance(&p->rng, clamp01(pr)))
			continue;
		int q = gen_int(&p->rng, 1, l->q[i]);
		gen_add_line(g, p, v, l->item[i], t, (cw_qty)q * CW_QTY_ONE, ADD_CHECK);
		t += step;
	}
}

void gen_op_visit(gen_ctx *g, gen_pat *p, gen_visit *v, int inst, int dept, int phys, int kind, int dx_i,
                  cw_minute t0)
{
	const gen_dx *dx = &g->dx[dx_i];
	const gen_phys *ph = &g->phys[phys];
	gen_visit_begin(g, v, inst, dept, phys, kind, dx_i, t0);
	if (kind == CW_EMERGENCY) {
		gen_add_line(g, p, v, g->it_consult_er, t0, CW_QTY_ONE, ADD_CHECK);
	} else {
		/* the general consult fee for everyone: a fee by title would make senior physicians look
		 * costly in the peer comparison for no clinical reason */
		gen_add_line(g, p, v, g->it_reg, t0, CW_QTY_ONE, ADD_CHECK);
		gen_add_line(g, p, v, g->it_consult_op[0], t0, CW_QTY_ONE, ADD_CHECK);
	}
	double mult = ph->s_cost * ph->s_exam;
	cw_minute t = t0 + gen_int(&p->rng, 8, 25);
	add_list(g, p, v, &dx->labs, t, mult, 0);
	t += gen_int(&p->rng, 10, 40);
	add_list(g, p, v, &dx->exams, t, mult, 7);
	t += gen_int(&p->rng, 20, 50);
	op_prescription(g, p, v, dx, t);
	t += gen_int(&p->rng, 5, 20);
	size_t before = v->nl;
	add_list(g, p, v, &dx->treats, t, ph->s_cost, 0);
	for (size_t i = before; i < v->nl; i++)
		if (v->l[i].item == g->it_iv) {
			gen_add_line(g, p, v, g->it_infusion_set, t, v->l[i].qty, ADD_CHECK);
			break;
		}
}

/* --- stays --------------------------------------------------------------------------- */
static int pick_bed(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_dx *dx, int k)
{
	if ((dx->flags & DX_COSTLY) && (dx->flags & DX_SURGICAL) && k < 2 && g->inst[v->inst].level == 3 &&
	    !strcmp(dx->code, "I21.9"))
		return g->it_bed[2];
	return (p->num & 1) ? g->it_bed[1] : g->it_bed[0];
}

static int pick_nurse(gen_ctx *g, int bed, int k)
{
	if (bed == g->it_bed[2])
		return g->it_nurse[0];
	return k < 2 ? g->it_nurse[1] : k < 6 ? g->it_nurse[2] : g->it_nurse[3];
}

static int count_care_on(const gen_ctx *g, const gen_visit *v, cw_day d, size_t from)
{
	int n = 0;
	for (size_t i = from; i < v->nl; i++)
		if (cw_day_of(v->l[i].t) == d && cw_category_is_care(g->items[v->l[i].item].cat))
			n++;
	return n;
}

/* The day's drug order of a stay. A heavy stay (小病大治) takes two of the diagnosis's drugs and two
 * Chinese-medicine injections on top, two of each: five drugs, within large_prescription's max_drugs. */
static void ip_prescription(gen_ctx *g, gen_pat *p, gen_visit *v, const gen_dx *dx, cw_minute t, int abx_today,
                            int chemo, int easy, int heavy)
{
	int drug[GEN_RX_MAX], days[GEN_RX_MAX], n = 0;
	cw_qty qty[GEN_RX_MAX];
	if (chemo) {
		static const char *const chemo_codes[] = { "XL01CDA055", "XL01XAA056", "XL01XAA057" };
		int c = gen_item_find(g, chemo_codes[p->num % 3]);
		if (c >= 0)
			drug[n++] = c;
	}
	for (int i = 0; i < dx->drugs.n && n < (heavy ? 2 : 3); i++)
		if (gen_chance(&p->rng, dx->drugs.p[i] * (easy ? 0.8 : 0.9)))
			drug[n++] = dx->drugs.item[i];
	if (!n && dx->drugs.n)
		drug[n++] = dx->drugs.item[0];
	if (!easy && n < 4 && !gen_ledger_has(p, g->it_ns)) {
		int dup = 0;
		for (int i = 0; i < n; i++)
			dup |= drug[i] == g->it_ns;
		if (!dup)
			drug[n++] = g->it_ns;
	}
	if (abx_today && n < 5) {
		int a = pick_abx(g, p, v, dx, t);
		if (a >= 0)
			drug[n++] = a;
	}
	int heavy0 = n;
	if (heavy) {
		static const char *const inj[] = { "XZ0001001", "XZ0001002" }; /* 血塞通注射液, 丹参注射液 */
		for (int i = 0; i < 2 && n < 5; i++) {
			int c = gen_item_find(g, inj[i]);
			if (c >= 0)
				drug[n++] = c;
		}
	}
	cw_fen total = 0;
	for (int i = 0; i < n; i++) {
		const gen_item *it = &g->items[drug[i]];
		int q = easy ? 1 : i >= heavy0 ? 2 : gen_int(&p->rng, 1, 2);
		if (it->maxq && q > it->maxq)
			q = it->maxq;
		if (total + it->price * q > 150000)
			q = 1;
		total += it->price * q;
		qty[i] = (cw_qty)q * CW_QTY_ONE;
		days[i] = 1;
	}
	if (n)
		gen_add_rx(g, p, v, t, drug, days, qty, n, ADD_CHECK);
}

/* The visit elsewhere during a stay (idle_bed seen_elsewhere scheme). */
static void seen_elsewhere(gen_ctx *g, gen_pat *p, gen_stay_plan *sp, cw_day d)
{
	int inst = sp->seen_inst, dept = -1;
	for (int k = g->inst[inst].dept0; k < g->inst[inst].dept0 + g->inst[inst].ndept; k++)
		if (g->spec[g->dept[k].spec].key[0] != 'e' && g->dept[k].spec != g->dept[sp->dept].spec) {
			dept = k;
			if (gen_chance(&p->rng, 0.5))
				break;
		}
	if (dept < 0)
		dept = g->inst[inst].dept0;
	int phys = gen_choose_phys(g, p, dept, -1, CW_OUTPATIENT);
	int dx = -1;
	for (int i = 0; i < g->ndx; i++)
		if (g->dx[i].spec == g->dept[dept].spec && (g->dx[i].kinds & K_OP) && !(g->dx[i].flags & DX_CHRONIC)) {
			dx = i;
			break;
		}
	if (dx < 0)
		dx = sp->dx;
	gen_visit ov = { 0 };
	cw_minute t0 = d * CW_MINUTES_PER_DAY + gen_int(&p->rng, 13 * 60, 15 * 60);
	gen_visit_begin(g, &ov, inst, dept, phys, CW_OUTPATIENT, dx, t0);
	int c = g->it_consult_op[0];
	gen_add_line(g, p, &ov, g->it_reg, t0, CW_QTY_ONE, ADD_CHECK);
	gen_add_line(g, p, &ov, c, t0, CW_QTY_ONE, ADD_CHECK);
	const gen_dx *dd = &g->dx[dx];
	if (dd->drugs.n && sp->ph_kind != PH_SWIPE) { /* 空刷卡: a card swiped for nothing */
		int drug[1] = { dd->drugs.item[0] }, days[1] = { 3 };
		cw_qty qty[1] = { CW_QTY_ONE };
		gen_add_rx(g, p, &ov, t0 + 20, drug, days, qty, 1, ADD_CHECK);
	}
	sp->seen_visit = ov.id;
	sp->seen_phys = phys;
	sp->seen_t = t0;
	for (size_t i = 0; i < ov.nl && sp->nseen < 20; i++)
		sp->seen_ids[sp->nseen++] = ov.l[i].id;
	for (size_t i = 0; i < ov.nl; i++)
		sp->seen_care += cw_category_is_care(g->items[ov.l[i].item].cat);
	gen_visit_flush(g, p, &ov);
	gen_visit_free(&ov);
}

/* The admission panel of a heavy stay (小病大治) on its first day: the labs and the ECG of a
 * serious admission, each refused as usual when the patient had it too recently. */
static void heavy_panel(gen_ctx *g, gen_pat *p, gen_visit *v, cw_minute t)
{
	static const char *const codes[] = { "250101015", "250102035", "250305000", "250306000", "250307000",
		                             "250203000", "250304000", "230100001" };
	for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
		int it = gen_item_find(g, codes[i]);
		if (it >= 0)
			gen_add_line(g, p, v, it, t, CW_QTY_ONE, ADD_CHECK);
	}
}

/* Retest items usable for a repeat inside a stay: interval of at most 72 h. */
static int pick_rt_item(gen_ctx *g, gen_pat *p, gen_visit *v, cw_minute t, int max_hours)
{
	static const char *const codes[] = { "250401017", "250203065", "250990006", "250401035", "250307025",
		                             "250990013", "210102001" };
	int start = gen_int(&p->rng, 0, 6);
	for (int k = 0; k < 7; k++) {
		int it = gen_item_find(g, codes[(start + k) % 7]);
		if (it < 0 || g->items[it].retest > max_hours)
			continue;
		if (gen_can_bill(g, p, v, it, t, CW_QTY_ONE))
			return it;
	}
	return -1;
}

void gen_stay(gen_ctx *g, gen_pat *p, gen_visit *v, gen_stay_plan *sp)
{
	const gen_dx *dx = &g->dx[sp->dx];
	const gen_phys *ph = &g->phys[sp->phys];
	gen_visit_begin(g, v, sp->inst, sp->dept, sp->phys, CW_INPATIENT, sp->dx, sp->admit);
	v->longer = sp->longer;
	cw_day a_day = cw_day_of(sp->admit), d_day = a_day + (sp->los < 1 ? 1 : sp->los);
	sp->open = d_day >= g->day_end;
	cw_day last_billed = sp->open ? g->day_end - 1 : d_day - 1;
	sp->discharge = sp->open ? CW_MINUTE_NONE : d_day * CW_MINUTES_PER_DAY + gen_int(&p->rng, 9 * 60, 11 * 60 + 30);
	v->discharge = sp->discharge;
	int chemo = !strncmp(dx->code, "Z51", 3);
	int surgical = (dx->flags & DX_SURGICAL) && !sp->easy && dx->surg.n;
	int surg_day = surgical ? (!strcmp(dx->code, "O80") ? 0 : 1) : -1;
	if (surg_day > (int)(last_billed - a_day))
		surg_day = -1;
	double u = gen_weyl(g, sp->phys, sp->admit, GW_ABX_IP);
	int abx = !sp->easy && !sp->heavy && u < abx_rate(g, sp->phys, dx, CW_INPATIENT, sp->admit);
	int abx_from = surgical && surg_day >= 0 ? surg_day : 0;
	int abx_days = surgical ? gen_int(&p->rng, 1, 3) : gen_int(&p->rng, 3, 7);
	int minute_of_day = 7 * 60 + (int)(p->num % 50);
	int rt_day2 = -1;
	cw_minute rt_t1 = 0;

	for (cw_day d = a_day; d <= last_billed; d++) {
		int k = (int)(d - a_day);
		cw_minute tb = k == 0 ? sp->admit + 2 : d * CW_MINUTES_PER_DAY + minute_of_day;
		size_t day_start = v->nl;
		int bed = pick_bed(g, p, v, dx, k);
		gen_add_line(g, p, v, bed, tb, CW_QTY_ONE, ADD_CHECK);
		gen_add_line(g, p, v, pick_nurse(g, bed, k), tb + 1, CW_QTY_ONE, ADD_CHECK);
		cw_minute tc = k == 0 ? sp->admit + 10 : d * CW_MINUTES_PER_DAY + 8 * 60 + 30 + (int)(p->num % 40);
		gen_add_line(g, p, v, g->it_consult_ip, tc, CW_QTY_ONE, ADD_CHECK);
		int idle = sp->idle_len && k >= sp->idle_from && k < sp->idle_from + sp->idle_len;
		int quiet = sp->quiet_len && k >= sp->quiet_from && k < sp->quiet_from + sp->quiet_len;
		if (idle || quiet)
			continue;
		/* repeat-test plans inside the stay: the first test on day 0, before routine care */
		if (k == 0 && sp->rt_kind) {
			int max_h = sp->rt_kind == RT_SCHEME || sp->rt_kind == RT_AFTER_POSITIVE ? 72
			            : (int)(last_billed - a_day) * 24 - 24;
			cw_minute t1 = sp->admit + 20;
			int it = max_h >= 24 ? pick_rt_item(g, p, v, t1, max_h) : -1;
			if (it >= 0) {
				int line = gen_add_line(g, p, v, it, t1, CW_QTY_ONE, ADD_FORCE);
				gen_set_result(g, p, v, line, sp->rt_kind == RT_AFTER_POSITIVE ? CW_RESULT_POSITIVE : CW_RESULT_NEGATIVE);
				sp->rt_item = it;
				sp->rt_l1 = v->l[line].id;
				rt_t1 = t1;
				int h = g->items[it].retest;
				if (sp->rt_kind == RT_EXACT || sp->rt_kind == RT_EXACT_PLUS1)
					sp->rt_t2 = t1 + h * 60 + (sp->rt_kind == RT_EXACT_PLUS1);
				else
					sp->rt_t2 = t1 + h * 60 - gen_int(&p->rng, 60, h * 60 / 2);
				rt_day2 = (int)(cw_day_of(sp->rt_t2) - a_day);
				if (rt_day2 < 1 || cw_day_of(sp->rt_t2) > last_billed ||
				    (sp->idle_len && rt_day2 >= sp->idle_from && rt_day2 < sp->idle_from + sp->idle_len) ||
				    (sp->quiet_len && rt_day2 >= sp->quiet_from && rt_day2 < sp->quiet_from + sp->quiet_len))
					rt_day2 = -1;
			}
		}
		if (k == rt_day2 && rt_day2 > 0) {
			gen_ledger_day(p, d);
			if (!gen_ledger_has(p, sp->rt_item) && sp->rt_t2 > rt_t1) {
				int line = gen_add_line(g, p, v, sp->rt_item, sp->rt_t2, CW_QTY_ONE, ADD_FORCE);
				sp->rt_l2 = v->l[line].id;
				p->rt_truth[g->items[sp->rt_item].slot] = 1;
			}
		}
		cw_minute tl = k == 0 ? sp->admit + 30 : d * CW_MINUTES_PER_DAY + 6 * 60 + 30 + (int)(p->num % 20);
		double mult = ph->s_cost * ph->s_exam;
		if (k == 0) {
			if (sp->easy)
				gen_add_line(g, p, v, g->it_cbc, tl, CW_QTY_ONE, ADD_CHECK);
			else {
				add_list(g, p, v, &dx->labs, tl, mult, 0);
				add_list(g, p, v, &dx->exams, tl + 40, mult, 10);
			}
			if (sp->heavy)
				heavy_panel(g, p, v, tl + 5);
			if (sp->ua_look == UA_SURGERY)
				gen_add_line(g, p, v, sp->ua_surg, sp->admit + 120, CW_QTY_ONE, ADD_CHECK);
		} else if (!sp->easy && k % 3 == 0) {
			gen_add_line(g, p, v, g->it_cbc, tl, CW_QTY_ONE, ADD_CHECK);
			if (gen_chance(&p->rng, 0.5 * mult))
				gen_add_line(g, p, v, gen_item_find(g, "250307000"), tl, CW_QTY_ONE, ADD_CHECK);
			if ((dx->flags & DX_INFECT) && gen_chance(&p->rng, 0.6))
				gen_add_line(g, p, v, gen_item_find(g, "250401017"), tl, CW_QTY_ONE, ADD_CHECK);
		}
		if (k == surg_day) {
			cw_minute ts = d * CW_MINUTES_PER_DAY + 10 * 60 + (k == 0 ? 0 : 0);
			if (ts < sp->admit + 60)
				ts = sp->admit + 60;
			for (int i = 0; i < dx->surg.n; i++)
				if (gen_chance(&p->rng, dx->surg.p[i]))
					gen_add_line(g, p, v, dx->surg.item[i], ts + i, CW_QTY_ONE, ADD_CHECK);
		}
		cw_minute tr = k == 0 ? sp->admit + 90 : d * CW_MINUTES_PER_DAY + 9 * 60 + 15 + (int)(p->num % 30);
		int abx_today = abx && k >= abx_from && k < abx_from + abx_days;
		ip_prescription(g, p, v, dx, tr, abx_today, chemo && k == 0, sp->easy, sp->heavy);
		size_t before = v->nl;
		if (!sp->easy)
			add_list(g, p, v, &dx->treats, tr + 20, ph->s_cost, 0);
		int inj = 0;
		for (size_t i = day_start; i < v->nl; i++)
			if (g->items[v->l[i].item].cat == CW_CAT_DRUG && is_injection(&g->items[v->l[i].item]))
				inj++;
		if (inj) {
			int q = inj > 4 ? 4 : inj;
			gen_add_line(g, p, v, g->it_iv, tr + 20, (cw_qty)q * CW_QTY_ONE, ADD_CHECK);
			gen_add_line(g, p, v, g->it_infusion_set, tr + 20, (cw_qty)q * CW_QTY_ONE, ADD_CHECK);
		}
		if (sp->heavy)
			gen_add_line(g, p, v, gen_item_find(g, "310701001"), tr + 35, CW_QTY_ONE, ADD_CHECK);
		if (sp->extra_cost) {
			gen_add_line(g, p, v, gen_item_find(g, "430000010"), tr + 40, 4 * CW_QTY_ONE, ADD_CHECK);
			gen_add_line(g, p, v, gen_item_find(g, "340200020"), tr + 45, 3 * CW_QTY_ONE, ADD_CHECK);
		}
		(void)before;
		if (!count_care_on(g, v, d, day_start)) /* care every billed day */
			gen_add_line(g, p, v, g->it_syringe, tr + 30, CW_QTY_ONE, ADD_FORCE);
		if (sp->seen_day && k == sp->seen_day)
			seen_elsewhere(g, p, sp, d);
	}
	/* take-home drugs on the discharge day */
	if (!sp->open && !sp->easy && gen_chance(&p->rng, 0.4) && dx->drugs.n) {
		int drug[1] = { dx->drugs.item[0] }, days[1] = { 7 };
		cw_qty qty[1] = { CW_QTY_ONE };
		gen_add_rx(g, p, v, sp->discharge - 30, drug, days, qty, 1, ADD_CHECK);
	}
}
