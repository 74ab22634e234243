/* gen_death.c: phantom_service's after_death rule (lines billed after a recorded death, 虚构医疗服务, D3):
 * a few deceased patients, with their death_date, after every other patient.
 *
 * Each is a patient of its own, numbered after the others (every other patient, visit and line keeps its
 * id and its data), aged 70-92, with one stay of a serious diagnosis (heart failure, COPD, stroke, lung
 * cancer, pneumonia) at a level 2 or 3 hospital, attended by a physician without a role (so the volumes
 * and rates the statistical detectors' roles were planned with barely move), and made by gen_stay like
 * any stay, so the background rules hold. For each month of the range, max(1, round(scale)) of each:
 *   - stay_after_death (case): the patient dies 3-7 days into the stay, which goes on being billed for
 *     2-4 more days (bed, nursing and care) before a discharge; the lines dated after the death day are
 *     the case, one per month they fall in;
 *   - card_after_death (case): the patient dies on the discharge day of the stay; 5-25 days later the
 *     card is used for an outpatient visit at a community centre (a chronic refill); its lines are the
 *     case;
 *   - death_day_lines (look-alike): the patient dies on the discharge day, whose last lines (monitoring,
 *     oxygen) are posted at 23:50: the death day itself is not after the death;
 *   - died_after_discharge (look-alike): the patient goes home and dies 3-20 days later: every line comes
 *     before the death.
 * The plan is drawn from a random stream of its own, each patient's care from one of its own. Only these
 * patients have a death_date in patients.csv (the column is there, empty, for every other). */
#include <math.h>
#include <string.h>
#include "gen.h"

#define STREAM (1ull << 43) /* above every patient's stream and substitution's, stacked_supply's and self_created_item's */
#define PER_MONTH_MAX 50

enum { D_STAY, D_CARD, D_LOOK_LATE, D_LOOK_HOME, D_COUNT };

/* Diagnoses a patient of 70-92 may die of in a stay, with their specialty. */
static const char *const serious[][2] = {
	{ "I50.9", "cardiology" }, { "J44.1", "respiratory" }, { "I63.9", "neurology" },
	{ "C34.9", "oncology" },   { "J18.9", "respiratory" },
};
#define NSERIOUS (int)(sizeof serious / sizeof serious[0])

/* The diagnosis of code in the specialty key, or -1. */
static int find_dx(const gen_ctx *g, const char *code, const char *spec)
{
	int s = gen_spec_find(g, spec);
	for (int i = 0; i < g->ndx; i++)
		if (g->dx[i].spec == s && !strcmp(g->dx[i].code, code))
			return i;
	return -1;
}

/* A physician without a role of department dept (attending stays when ward), drawn evenly; -1 when none. */
static int pick_phys(const gen_ctx *g, gen_rng *r, int dept, int ward)
{
	const gen_dept *d = &g->dept[dept];
	int pick = -1, n = 0;
	for (int j = d->phys0; j < d->phys0 + d->nphys; j++)
		if (g->phys[j].role == R_NONE && (!ward || g->phys[j].ward) && gen_int(r, 1, ++n) == 1)
			pick = j;
	return pick;
}

/* An institution of a level in [lo, hi] with a department of spec and a physician for it, drawn evenly:
 * its department and physician into *dept, *phys; -1 when none. */
static int pick_place(const gen_ctx *g, gen_rng *r, int spec, int lo, int hi, int ward, int *dept, int *phys)
{
	int pick = -1, n = 0;
	for (int k = 0; k < g->ninst; k++) {
		int dk = g->inst[k].level >= lo && g->inst[k].level <= hi ? gen_dept_of(g, k, spec) : -1;
		if (dk < 0 || (ward && !g->spec[spec].ward))
			continue;
		int ph = pick_phys(g, r, dk, ward);
		if (ph >= 0 && gen_int(r, 1, ++n) == 1) {
			pick = k;
			*dept = dk;
			*phys = ph;
		}
	}
	return pick;
}

static void patient_new(gen_ctx *g, gen_pat *p, uint64_t num, gen_rng *r)
{
	gen_rng_seed(&p->rng, g->o.seed, STREAM + num);
	p->num = num;
	p->sex = gen_chance(r, 0.5) ? CW_SEX_M : CW_SEX_F;
	p->birth = g->day_start - gen_int(r, 70, 92) * 365 - gen_int(r, 0, 364);
	p->profile = 0;
	p->home1 = p->home23 = -1;
	gen_pat_clear_history(g, p);
	p->nsup = 0;
}

static void write_patient(gen_ctx *g, const gen_pat *p, cw_day death)
{
	gen_out *o = &g->out[F_PAT];
	gen_out_reserve(o, 64);
	gen_put_u64(o, "P", p->num, 8);
	gen_put(o, p->sex == CW_SEX_M ? ",M," : ",F,");
	gen_put_date(o, p->birth);
	gen_put_char(o, ',');
	gen_put_date(o, death);
	gen_put_char(o, '\n');
	g->st.patients++;
}

/* A stay of a serious diagnosis admitted on day a and discharged on day a + los, into v (not flushed);
 * -1 when no place fits. */
static int dying_stay(gen_ctx *g, gen_pat *p, gen_rng *r, cw_day a, int los, gen_visit *v)
{
	int k = gen_int(r, 0, NSERIOUS - 1), dx = find_dx(g, serious[k][0], serious[k][1]), dept = -1, phys = -1;
	if (dx < 0)
		return -1;
	int inst = pick_place(g, r, g->dx[dx].spec, 2, 3, 1, &dept, &phys);
	if (inst < 0)
		return -1;
	gen_stay_plan sp;
	memset(&sp, 0, sizeof sp);
	sp.inst = inst;
	sp.dept = dept;
	sp.phys = phys;
	sp.dx = dx;
	sp.admit = a * CW_MINUTES_PER_DAY + gen_int(r, 8 * 60, 17 * 60);
	sp.los = los;
	gen_stay(g, p, v, &sp);
	return sp.open ? -1 : 0;
}

/* The case of the lines of v dated after day `death`, one per month they fall in. */
static void case_after(gen_ctx *g, const gen_pat *p, const gen_visit *v, cw_day death, const char *kind)
{
	char died[CW_FMT_SIZE];
	cw_format_date(died, death);
	for (int m = 0; m < g->nmonths; m++) {
		uint64_t ids[256];
		int n = 0;
		cw_fen sum = 0;
		cw_minute last = CW_MINUTE_NONE;
		for (size_t i = 0; i < v->nl && n < 256; i++) {
			const gen_line *l = &v->l[i];
			if (cw_day_of(l->t) <= death || gen_month_of(g, l->t) != m)
				continue;
			ids[n++] = l->id;
			sum += l->amount;
			if (last == CW_MINUTE_NONE || l->t > last)
				last = l->t;
		}
		if (n)
			gen_case_lines(g, 0, "phantom_service", kind, v->phys, p->num, v->id, ids, n, sum, last,
			               "%d line(s) of %s billed after the patient's death on %s", n,
			               v->kind == CW_INPATIENT ? "a stay" : "a visit", died);
	}
}

/* The look-alike of the lines of v on day `from` or later (at most 32). */
static void look_lines(gen_ctx *g, const gen_pat *p, const gen_visit *v, cw_day from, const char *kind,
                       const char *note)
{
	uint64_t ids[32];
	int n = 0;
	cw_minute last = CW_MINUTE_NONE;
	for (size_t i = 0; i < v->nl && n < 32; i++)
		if (cw_day_of(v->l[i].t) >= from) {
			ids[n++] = v->l[i].id;
			if (last == CW_MINUTE_NONE || v->l[i].t > last)
				last = v->l[i].t;
		}
	if (n)
		gen_case_lines(g, 1, "phantom_service", kind, v->phys, p->num, v->id, ids, n, 0, last, "%s", note);
}

/* stay_after_death: dies on day d, billed on for `after` more days. */
static void plan_stay(gen_ctx *g, gen_pat *p, gen_rng *r, cw_day d, cw_day earliest)
{
	int before = gen_int(r, 3, 7), after = gen_int(r, 2, 4);
	cw_day a = d - before < earliest ? earliest : d - before;
	d = a + before;
	if (a + before + after + 1 >= g->day_end - 1)
		return;
	gen_visit v = { 0 };
	if (dying_stay(g, p, r, a, before + after + 1, &v) == 0) {
		write_patient(g, p, d);
		case_after(g, p, &v, d, "stay_after_death");
		gen_visit_flush(g, p, &v);
	}
	gen_visit_free(&v);
}

/* card_after_death: dies on the discharge day d; an outpatient visit `gap` days later. */
static void plan_card(gen_ctx *g, gen_pat *p, gen_rng *r, cw_day visit_day, cw_day earliest)
{
	int gap = gen_int(r, 5, 25), los = gen_int(r, 5, 10);
	cw_day d = visit_day - gap, a = d - los;
	if (a < earliest) {
		a = earliest;
		d = a + los;
		visit_day = d + gap;
	}
	int dx = find_dx(g, "I10", "general_practice"), dept = -1, phys = -1;
	int inst = dx >= 0 ? pick_place(g, r, g->dx[dx].spec, 1, 1, 0, &dept, &phys) : -1;
	if (inst < 0 || visit_day >= g->day_end)
		return;
	gen_visit v = { 0 }, o = { 0 };
	if (dying_stay(g, p, r, a, los, &v) == 0) {
		write_patient(g, p, d);
		gen_visit_flush(g, p, &v);
		gen_op_visit(g, p, &o, inst, dept, phys, CW_OUTPATIENT, dx,
		             visit_day * CW_MINUTES_PER_DAY + gen_int(r, 8 * 60, 16 * 60));
		case_after(g, p, &o, d, "card_after_death");
		gen_visit_flush(g, p, &o);
	}
	gen_visit_free(&v);
	gen_visit_free(&o);
}

/* death_day_lines: dies on the discharge day d, whose last lines are posted at 23:50. */
static void plan_late(gen_ctx *g, gen_pat *p, gen_rng *r, cw_day d, cw_day earliest)
{
	int los = gen_int(r, 5, 10);
	cw_day a = d - los < earliest ? earliest : d - los;
	d = a + los;
	if (d >= g->day_end - 1)
		return;
	gen_visit v = { 0 };
	if (dying_stay(g, p, r, a, los, &v) == 0) {
		cw_minute t = d * CW_MINUTES_PER_DAY + 23 * 60 + 50;
		int added = (gen_add_line(g, p, &v, g->it_monitor, t, CW_QTY_ONE, ADD_CHECK) >= 0) +
		            (gen_add_line(g, p, &v, g->it_oxygen, t, CW_QTY_ONE, ADD_CHECK) >= 0);
		write_patient(g, p, d);
		char note[120], died[CW_FMT_SIZE];
		snprintf(note, sizeof note, "died on %s; %d line(s) of that day posted at 23:50, none after it",
		         cw_format_date(died, d), added);
		look_lines(g, p, &v, d, "death_day_lines", note);
		gen_visit_flush(g, p, &v);
	}
	gen_visit_free(&v);
}

/* died_after_discharge: discharged on day x, dies 3-20 days later at home. */
static void plan_home(gen_ctx *g, gen_pat *p, gen_rng *r, cw_day x, cw_day earliest)
{
	int los = gen_int(r, 5, 10), later = gen_int(r, 3, 20);
	cw_day a = x - los < earliest ? earliest : x - los;
	x = a + los;
	if (x >= g->day_end - 1)
		return;
	gen_visit v = { 0 };
	if (dying_stay(g, p, r, a, los, &v) == 0) {
		char note[120], died[CW_FMT_SIZE];
		write_patient(g, p, x + later);
		snprintf(note, sizeof note, "discharged alive; died on %s, %d days later: every line before the death",
		         cw_format_date(died, x + later), later);
		look_lines(g, p, &v, x - 1, "died_after_discharge", note);
		gen_visit_flush(g, p, &v);
	}
	gen_visit_free(&v);
}

void gen_death_run(gen_ctx *g, gen_pat *p)
{
	gen_rng r;
	gen_rng_seed(&r, g->o.seed, STREAM);
	long per = lround(g->o.scale);
	per = per < 1 ? 1 : per > PER_MONTH_MAX ? PER_MONTH_MAX : per;
	cw_day earliest = cw_day_of(g->gen_start) + 1;
	uint64_t num = g->npat;
	for (int m = 0; m < g->nmonths; m++) {
		cw_day ms = cw_day_of(g->month_start[m]), me = cw_day_of(g->month_start[m + 1]);
		for (long i = 0; i < per; i++)
			for (int kind = 0; kind < D_COUNT; kind++) {
				patient_new(g, p, ++num, &r);
				cw_day d = gen_int(&r, ms, (int)me - 1);
				switch (kind) {
				case D_STAY: plan_stay(g, p, &r, d, earliest); break;
				case D_CARD: plan_card(g, p, &r, d, earliest); break;
				case D_LOOK_LATE: plan_late(g, p, &r, d, earliest); break;
				default: plan_home(g, p, &r, d, earliest); break;
				}
			}
	}
}
