/* gen_patients.c: the patients and their timelines.
 *
 * Each patient gets a profile (child, adult, elderly, chronic, cancer,
 * pregnancy) and a private random stream, then a sequence of events in time
 * order: outpatient and emergency visits and inpatient stays, never two on
 * the same day and never during a stay, with at least 17 days between a
 * discharge and the next admission unless a scheme or look-alike asks for a
 * readmission. The whole history of a patient is written before the next
 * patient starts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "gen.h"
#include "util/progress.h"

enum { PR_CHILD, PR_ADULT, PR_ELDER, PR_CHRONIC, PR_ONCO, PR_PREG, PR_COUNT };
static const double profile_w[PR_COUNT] = { 0.16, 0.42, 0.20, 0.16, 0.02, 0.04 };
#define READMIT_GAP_DAYS 17

/* --- choosing who treats ------------------------------------------------------------ */
int gen_choose_phys(gen_ctx *g, gen_pat *p, int dept, int dx, int kind)
{
	const gen_dept *d = &g->dept[dept];
	double w[64];
	int n = d->nphys > 64 ? 64 : d->nphys;
	double sum = 0;
	for (int j = 0; j < n; j++) {
		const gen_phys *ph = &g->phys[d->phys0 + j];
		double x = ph->w;
		if (kind == CW_INPATIENT && !ph->ward)
			x = 0;
		switch (ph->role) {
		/* physicians with a statistical role need the volume the tests require */
		case R_LOWPOS: x *= 7.0; break;
		case R_ABX_OP: case R_ABX_ER: x *= 3.5; break;
		case R_ER35: /* sees mostly infections: a high antibiotic rate its case mix explains */
			x *= 3.5;
			if (dx >= 0)
				x *= (g->dx[dx].flags & DX_INFECT) ? 4.0 : 0.25;
			break;
		/* well above the minimum volume every month; peers keep enough volume to be judged */
		case R_OUT_COST: case R_OUT_LARGE: x *= 3.0; break;
		case R_OUT_LOS: x *= kind == CW_INPATIENT ? 10.0 : 1.0; break;
		case R_BAD: x *= kind == CW_INPATIENT ? 1.6 : 3.0; break;
		case R_CASEMIX:
			if (dx >= 0)
				x *= (g->dx[dx].flags & DX_COSTLY) ? 4.0 : 0.25;
			break;
		default: break;
		}
		w[j] = x;
		sum += x;
	}
	if (sum <= 0)
		return d->phys0;
	return d->phys0 + gen_pick(&p->rng, w, n);
}

/* --- choosing what and where ------------------------------------------------------- */
static int dx_fits(const gen_ctx *g, const gen_pat *p, int i, int spec, int kmask, cw_minute t)
{
	const gen_dx *d = &g->dx[i];
	if (d->spec != spec || !(d->kinds & kmask) || d->w <= 0)
		return 0;
	if (d->sex && p->sex != d->sex)
		return 0;
	int age = gen_age(p, t);
	if (age < 0)
		age = 40;
	return age >= d->age_lo && age <= d->age_hi;
}

static int pick_dx(gen_ctx *g, gen_pat *p, int spec, int kmask, cw_minute t)
{
	double w[128];
	int idx[128], n = 0;
	for (int i = 0; i < g->ndx && n < 128; i++)
		if (dx_fits(g, p, i, spec, kmask, t)) {
			w[n] = g->dx[i].w;
			idx[n++] = i;
		}
	return n ? idx[gen_pick(&p->rng, w, n)] : -1;
}

static int pick_spec(gen_ctx *g, gen_pat *p, cw_minute t)
{
	int age = gen_age(p, t);
	if (age < 0)
		age = 40;
	double w[32];
	for (int s = 0; s < g->nspec; s++) {
		const gen_spec *sp = &g->spec[s];
		w[s] = sp->op_w;
		if (!strcmp(sp->key, "pediatrics"))
			w[s] = age <= 14 ? 8.0 : 0;
		else if (age <= 14)
			w[s] = !strcmp(sp->key, "general_practice") ? 0.5 : 0;
		else if (!strcmp(sp->key, "obstetrics_gynecology") && p->sex != CW_SEX_F)
			w[s] = 0;
		else if (age >= 65 && (!strcmp(sp->key, "cardiology") || !strcmp(sp->key, "neurology") ||
		                       !strcmp(sp->key, "respiratory")))
			w[s] *= 1.8;
		if (!strcmp(sp->key, "oncology"))
			w[s] = 0.05;
	}
	return gen_pick(&p->rng, w, g->nspec);
}

/* An institution with a department of the specialty (beds when kind is inpatient). */
static int pick_inst(gen_ctx *g, gen_pat *p, int spec, int avoid)
{
	double w[4096];
	int idx[4096], n = 0;
	for (int k = 0; k < g->ninst && n < 4096; k++) {
		if (k == avoid || gen_dept_of(g, k, spec) < 0)
			continue;
		double x = g->inst[k].level == 3 ? 1.0 : g->inst[k].level == 2 ? 0.8 : 0.7;
		if (k == p->home1 || k == p->home23)
			x *= 4.0 + g->ninst / 4.0;
		w[n] = x;
		idx[n++] = k;
	}
	return n ? idx[gen_pick(&p->rng, w, n)] : -1;
}

void gen_pat_clear_history(const gen_ctx *g, gen_pat *p)
{
	for (int s = 0; s < g->nslots; s++) {
		p->rt_time[s] = CW_MINUTE_NONE;
		p->rt_line[s] = 0;
		p->rt_pos[s] = 0;
		p->rt_truth[s] = 0;
	}
	p->led_day = CW_DAY_NONE;
	memset(p->led, 0, sizeof p->led);
	p->last_discharge = CW_MINUTE_NONE;
	p->last_ip_inst = p->last_ip_dx = p->last_ip_phys = -1;
	p->last_ip_visit = 0;
	p->open_stay = 0;
}

static void patient_init(gen_ctx *g, gen_pat *p, uint64_t num)
{
	gen_rng_seed(&p->rng, g->o.seed, num);
	p->num = num;
	p->nsup = 0;
	p->profile = gen_pick(&p->rng, profile_w, PR_COUNT);
	int age;
	switch (p->profile) {
	case PR_CHILD: age = gen_int(&p->rng, 0, 14); break;
	case PR_ELDER: age = gen_int(&p->rng, 65, 92); break;
	case PR_CHRONIC: age = gen_int(&p->rng, 40, 88); break;
	case PR_ONCO: age = gen_int(&p->rng, 40, 80); break;
	case PR_PREG: age = gen_int(&p->rng, 22, 38); break;
	default: age = gen_int(&p->rng, 15, 64); break;
	}
	p->sex = p->profile == PR_PREG ? CW_SEX_F : gen_chance(&p->rng, 0.5) ? CW_SEX_M : CW_SEX_F;
	if (gen_chance(&p->rng, 0.003))
		p->sex = CW_SEX_U;
	p->birth = cw_day_of(g->range_start) - age * 365 - gen_int(&p->rng, 0, 364);
	if (gen_chance(&p->rng, 0.004))
		p->birth = CW_DAY_NONE;
	/* home institutions: a community centre and a hospital */
	int n1 = 0, n23 = 0;
	for (int k = 0; k < g->ninst; k++)
		if (g->inst[k].level == 1)
			n1++;
		else
			n23++;
	int a = gen_int(&p->rng, 0, n1 - 1), b = gen_int(&p->rng, 0, n23 - 1);
	p->home1 = p->home23 = -1;
	for (int k = 0; k < g->ninst; k++) {
		if (g->inst[k].level == 1 && a-- == 0)
			p->home1 = k;
		if (g->inst[k].level != 1 && b-- == 0)
			p->home23 = k;
	}
	gen_pat_clear_history(g, p);
}

static void write_patient(gen_ctx *g, const gen_pat *p)
{
	gen_out *o = &g->out[F_PAT];
	gen_out_reserve(o, 64);
	gen_put_u64(o, "P", p->num, 8);
	gen_put(o, p->sex == CW_SEX_M ? ",M," : p->sex == CW_SEX_F ? ",F," : ",U,");
	if (p->birth != CW_DAY_NONE)
		gen_put_date(o, p->birth);
	gen_put(o, ",\n"); /* no death_date: only gen_death.c's patients have one */
	g->st.patients++;
}

/* --- events ------------------------------------------------------------------------ */
static cw_minute time_on(gen_pat *p, cw_day d, int from_h, int to_h)
{
	return d * CW_MINUTES_PER_DAY + gen_int(&p->rng, from_h * 60, to_h * 60 - 1);
}

static int ip_allowed(const gen_pat *p, cw_day d)
{
	return p->last_discharge == CW_MINUTE_NONE || d >= cw_day_of(p->last_discharge) + READMIT_GAP_DAYS;
}

static void do_op(gen_ctx *g, gen_pat *p, int inst, int dept, int phys, int kind, int dx, cw_minute t)
{
	gen_visit v = { 0 };
	gen_op_visit(g, p, &v, inst, dept, phys, kind, dx, t);
	gen_schemes_visit(g, p, &v);
	gen_subst_visit(g, p, &v);
	gen_stacked_visit(g, p, &v);
	gen_badinst_visit(g, p, &v);
	gen_selfitem_visit(g, p, &v);
	gen_visit_flush(g, p, &v);
	gen_visit_free(&v);
	p->free_day = cw_day_of(t) + 1;
}

/* Whether a stay admitted at `admit` and lasting los days ends in a month where
 * the attending's length-of-stay role acts, or after the range (still open). */
static int los_role_at_discharge(const gen_ctx *g, const gen_phys *ph, cw_minute admit, int los)
{
	cw_minute discharge = (cw_day_of(admit) + los) * CW_MINUTES_PER_DAY;
	if (discharge >= g->range_end)
		return ph->active >> (g->nmonths - 1) & 1;
	int m = gen_month_of(g, discharge);
	return m >= 0 && (ph->active >> m & 1);
}

/* Length of stay for a diagnosis and attending. A length-of-stay role keeps
 * its patients GEN_LOS_FACTOR times longer when the longer stay ends in one of the
 * role's months: the detector judges stays by their discharge month, so every
 * stay discharged in those months is a longer one, and no other is (*longer
 * says which). */
static int draw_los(gen_ctx *g, gen_pat *p, int dx, int phys, cw_minute admit, int *longer)
{
	const gen_dx *d = &g->dx[dx];
	const gen_phys *ph = &g->phys[phys];
	double med = d->los * ph->s_los;
	double x = gen_lognormal(&p->rng, 1.0, 0.3);
	int los = (int)lround(med * x);
	*longer = 0;
	if (ph->role == R_OUT_LOS && los_role_at_discharge(g, ph, admit, (int)lround(med * GEN_LOS_FACTOR * x))) {
		los = (int)lround(med * GEN_LOS_FACTOR * x);
		*longer = 1;
	}
	if (!strcmp(d->code, "Z51.1"))
		los = gen_int(&p->rng, 2, 4);
	else if (!strcmp(d->code, "O80"))
		los = gen_int(&p->rng, 2, 3);
	if (!strcmp(d->code, "Z51.1") || !strcmp(d->code, "O80"))
		*longer = 0;
	if (los < 2)
		los = 2;
	if ((d->flags & DX_EASY) && los < 5)
		los = 5 + gen_int(&p->rng, 0, 2);
	if (los > 45)
		los = 45;
	return los;
}

/* Runs one stay (with its schemes) and its readmission when a scheme asks for one. */
static void do_stay(gen_ctx *g, gen_pat *p, gen_stay_plan *sp);

static void readmission(gen_ctx *g, gen_pat *p, const gen_stay_plan *a, int kind, int b_dx, int b_inst)
{
	cw_day d = cw_day_of(a->discharge) + gen_int(&p->rng, 2, 13);
	if (d >= g->day_end - 3)
		return;
	gen_stay_plan b;
	memset(&b, 0, sizeof b);
	b.dx = b_dx;
	b.inst = b_inst;
	b.dept = gen_dept_of(g, b_inst, g->dx[b_dx].spec);
	if (b.dept < 0)
		return;
	b.phys = b_inst == a->inst && b.dept == a->dept && g->phys[a->phys].ward ? a->phys
	                                                                         : gen_choose_phys(g, p, b.dept, b_dx, CW_INPATIENT);
	b.admit = time_on(p, d, 8, 18);
	b.los = draw_los(g, p, b_dx, b.phys, b.admit, &b.longer);
	b.case_kind = kind;
	do_stay(g, p, &b);
}

static void do_stay(gen_ctx *g, gen_pat *p, gen_stay_plan *sp)
{
	gen_visit v = { 0 };
	if (!sp->case_kind)
		gen_schemes_stay_plan(g, p, sp);
	gen_stay(g, p, &v, sp);
	gen_schemes_stay_done(g, p, &v, sp);
	gen_subst_stay(g, p, &v, sp);
	gen_badinst_visit(g, p, &v);
	gen_selfitem_visit(g, p, &v);
	gen_visit_flush(g, p, &v);
	gen_visit_free(&v);
	if (sp->open) {
		p->open_stay = 1;
		p->free_day = g->day_end;
		return;
	}
	p->last_discharge = sp->discharge;
	p->last_ip_inst = sp->inst;
	p->last_ip_dx = sp->dx;
	p->last_ip_phys = sp->phys;
	p->last_ip_visit = v.id;
	p->free_day = cw_day_of(sp->discharge) + 1;
	if (sp->ph_busy > p->free_day)
		p->free_day = sp->ph_busy;
	if (sp->case_kind)
		return; /* a readmission is not itself followed by another */
	int kind, b_dx, b_inst;
	if (gen_schemes_readmit(g, p, sp, &kind, &b_dx, &b_inst))
		readmission(g, p, sp, kind, b_dx, b_inst);
}

static int plan_ip(gen_ctx *g, gen_pat *p, int spec, int dx, cw_minute t, int inst)
{
	if (inst < 0)
		inst = pick_inst(g, p, spec, -1);
	if (inst < 0)
		return -1;
	int dept = gen_dept_of(g, inst, spec);
	if (dept < 0)
		return -1;
	gen_stay_plan sp;
	memset(&sp, 0, sizeof sp);
	sp.inst = inst;
	sp.dept = dept;
	sp.dx = dx;
	sp.phys = gen_choose_phys(g, p, dept, dx, CW_INPATIENT);
	sp.admit = t;
	sp.los = draw_los(g, p, dx, sp.phys, t, &sp.longer);
	do_stay(g, p, &sp);
	return 0;
}

/* An acute event: an outpatient or emergency visit, or a stay. */
static void acute_event(gen_ctx *g, gen_pat *p, cw_day d)
{
	int age = gen_age(p, d * CW_MINUTES_PER_DAY);
	double p_er = 0.12, p_ip = p->profile == PR_ELDER ? 0.10 : p->profile == PR_CHILD ? 0.04 : 0.05;
	double u = gen_unif(&p->rng);
	int er_spec = gen_spec_find(g, "emergency");
	if (u < p_er) {
		int inst = pick_inst(g, p, er_spec, -1);
		int dx = pick_dx(g, p, er_spec, K_ER, d * CW_MINUTES_PER_DAY);
		if (inst < 0 || dx < 0)
			return;
		int dept = gen_dept_of(g, inst, er_spec);
		cw_minute t = time_on(p, d, 1, 20);
		do_op(g, p, inst, dept, gen_choose_phys(g, p, dept, dx, CW_EMERGENCY), CW_EMERGENCY, dx, t);
		/* some emergency patients are admitted the same day */
		if (gen_chance(&p->rng, 0.08) && ip_allowed(p, d) && t < d * CW_MINUTES_PER_DAY + 17 * 60) {
			static const char *const to[][3] = { { "R07.4", "cardiology", "I20.0" },
				                             { "R10.4", "general_surgery", "K35.8" },
				                             { "R50.9", "respiratory", "J18.9" },
				                             { "R55", "neurology", "G45.9" } };
			for (size_t i = 0; i < 4; i++) {
				if (strcmp(g->dx[dx].code, to[i][0]))
					continue;
				int spec = gen_spec_find(g, to[i][1]), ipdx = -1;
				for (int j = 0; j < g->ndx; j++)
					if (!strcmp(g->dx[j].code, to[i][2]) && g->dx[j].spec == spec)
						ipdx = j;
				if (ipdx < 0 || gen_dept_of(g, inst, spec) < 0 || !dx_fits(g, p, ipdx, spec, K_IP, t))
					break;
				cw_minute ta = t + gen_int(&p->rng, 150, 300);
				gen_schemes_note_er_admit(g, p, inst, dx, ta);
				plan_ip(g, p, spec, ipdx, ta, inst);
				break;
			}
		}
		return;
	}
	int spec = pick_spec(g, p, d * CW_MINUTES_PER_DAY);
	if (spec < 0)
		return;
	cw_minute t = time_on(p, d, 8, 17);
	if (u < p_er + p_ip && ip_allowed(p, d) && g->spec[spec].ward) {
		int dx = pick_dx(g, p, spec, K_IP, t);
		if (dx >= 0 && strncmp(g->dx[dx].code, "Z51", 3) && plan_ip(g, p, spec, dx, t, -1) == 0)
			return;
	}
	int dx = pick_dx(g, p, spec, K_OP, t);
	int inst = pick_inst(g, p, spec, -1);
	if (dx < 0 || inst < 0)
		return;
	int dept = gen_dept_of(g, inst, spec);
	do_op(g, p, inst, dept, gen_choose_phys(g, p, dept, dx, CW_OUTPATIENT), CW_OUTPATIENT, dx, t);
	(void)age;
}

/* The regular follow-up of a chronic, cancer or pregnant patient. */
typedef struct regular {
	int spec, dx, inst, dept, phys;
	int cycle;      /* days */
	int stage;      /* cancer: 0 diagnosis stay pending; pregnancy: visits so far */
} regular;

static int regular_init(gen_ctx *g, gen_pat *p, regular *r)
{
	memset(r, 0, sizeof *r);
	const char *spec_key, *dx_code;
	cw_minute t = g->range_start;
	if (p->profile == PR_CHRONIC) {
		static const char *const opts[][2] = { { "cardiology", "I10" }, { "general_practice", "I10" },
			                               { "endocrinology", "E11.9" }, { "general_practice", "E11.9" },
			                               { "respiratory", "J44.9" }, { "cardiology", "I25.1" },
			                               { "nephrology", "N18.3" } };
		int k = gen_int(&p->rng, 0, 6);
		spec_key = opts[k][0];
		dx_code = opts[k][1];
		r->cycle = 30;
	} else if (p->profile == PR_ONCO) {
		static const char *const c[] = { "C34.9", "C16.9", "C18.9", "C50.9" };
		spec_key = "oncology";
		dx_code = c[p->sex == CW_SEX_F ? gen_int(&p->rng, 0, 3) : gen_int(&p->rng, 0, 2)];
		r->cycle = 24;
	} else {
		spec_key = "obstetrics_gynecology";
		dx_code = "Z34.9";
		r->cycle = 30;
		r->stage = gen_int(&p->rng, 0, 8);
	}
	r->spec = gen_spec_find(g, spec_key);
	r->dx = -1;
	for (int i = 0; i < g->ndx; i++)
		if (!strcmp(g->dx[i].code, dx_code) && g->dx[i].spec == r->spec)
			r->dx = i;
	if (r->dx < 0 || !dx_fits(g, p, r->dx, r->spec, K_OP | K_IP, t))
		return -1;
	r->inst = r->spec == gen_spec_find(g, "general_practice") ? p->home1 : pick_inst(g, p, r->spec, -1);
	if (r->inst < 0 || gen_dept_of(g, r->inst, r->spec) < 0)
		r->inst = pick_inst(g, p, r->spec, -1);
	if (r->inst < 0)
		return -1;
	r->dept = gen_dept_of(g, r->inst, r->spec);
	r->phys = gen_choose_phys(g, p, r->dept, r->dx, CW_OUTPATIENT);
	return 0;
}

/* Returns the next day of the regular sequence. */
static cw_day regular_event(gen_ctx *g, gen_pat *p, regular *r, cw_day d)
{
	cw_minute t = time_on(p, d, 8, 16);
	if (p->profile == PR_ONCO) {
		int z51 = -1;
		for (int i = 0; i < g->ndx; i++)
			if (!strcmp(g->dx[i].code, "Z51.1"))
				z51 = i;
		if (r->stage != 1 && !ip_allowed(p, d))
			return cw_day_of(p->last_discharge) + READMIT_GAP_DAYS;
		gen_stay_plan sp;
		memset(&sp, 0, sizeof sp);
		sp.inst = r->inst;
		sp.dept = r->dept;
		sp.phys = gen_choose_phys(g, p, r->dept, r->dx, CW_INPATIENT);
		sp.admit = t;
		if (r->stage == 0) { /* the diagnosis stay */
			sp.dx = r->dx;
			sp.los = draw_los(g, p, r->dx, sp.phys, t, &sp.longer);
			r->stage = 1;
			do_stay(g, p, &sp);
			if (p->open_stay)
				return g->day_end;
			/* the first chemotherapy soon after: a planned readmission, not a split */
			return cw_day_of(p->last_discharge) + gen_int(&p->rng, 4, 12);
		}
		sp.dx = z51;
		sp.los = draw_los(g, p, z51, sp.phys, t, &sp.longer);
		if (r->stage == 1) {
			sp.case_kind = CK_PLANNED;
			r->stage = 2;
		}
		do_stay(g, p, &sp);
		if (p->open_stay)
			return g->day_end;
		cw_day next = d + gen_int(&p->rng, 21, 28);
		cw_day min = cw_day_of(p->last_discharge) + READMIT_GAP_DAYS;
		return next < min ? min : next;
	}
	if (p->profile == PR_PREG) {
		int spec = r->spec;
		if (r->stage >= 9 && ip_allowed(p, d)) {
			int dx = pick_dx(g, p, spec, K_IP, t);
			if (dx >= 0 && g->dx[dx].code[0] == 'O') {
				plan_ip(g, p, spec, dx, t, r->inst);
				p->profile = PR_ADULT;
				return g->day_end; /* after the delivery: acute events only */
			}
		}
		r->stage++;
	}
	do_op(g, p, r->inst, r->dept, r->phys, CW_OUTPATIENT, r->dx, t);
	return d + r->cycle + gen_int(&p->rng, -2, 2);
}

static void timeline(gen_ctx *g, gen_pat *p)
{
	cw_day start = cw_day_of(g->gen_start), end = g->day_end;
	static const double rate[PR_COUNT] = { 0.45, 0.30, 0.55, 0.25, 0.30, 0.15 }; /* acute events a month */
	regular r;
	int has_regular = (p->profile == PR_CHRONIC || p->profile == PR_ONCO || p->profile == PR_PREG) &&
	                  regular_init(g, p, &r) == 0;
	cw_day next_reg = has_regular ? start + gen_int(&p->rng, 0, 29) : end;
	cw_day next_acute = start + (cw_day)gen_exp(&p->rng, 30.0 / rate[p->profile]);
	p->free_day = start;
	while (!p->open_stay) {
		int reg = next_reg <= next_acute;
		cw_day d = reg ? next_reg : next_acute;
		if (d < p->free_day)
			d = p->free_day;
		if (d >= end)
			break;
		if (reg) {
			next_reg = regular_event(g, p, &r, d);
		} else {
			acute_event(g, p, d);
			next_acute = d + 1 + (cw_day)gen_exp(&p->rng, 30.0 / rate[p->profile]);
		}
	}
}

int gen_patients_run(gen_ctx *g)
{
	uint64_t n = g->npat;
	gen_pat p;
	memset(&p, 0, sizeof p);
	p.rt_time = calloc((size_t)g->nslots + 1, sizeof *p.rt_time);
	p.rt_line = calloc((size_t)g->nslots + 1, sizeof *p.rt_line);
	p.rt_pos = calloc((size_t)g->nslots + 1, 1);
	p.rt_truth = calloc((size_t)g->nslots + 1, 1);
	if (!p.rt_time || !p.rt_line || !p.rt_pos || !p.rt_truth) {
		free(p.rt_time);
		free(p.rt_line);
		free(p.rt_pos);
		free(p.rt_truth);
		return cw_error_set(CW_ENOMEM, "gen: out of memory");
	}
	if (g->o.progress)
		cw_progress_begin("generating patients", n, "patients");
	for (uint64_t i = 1; i <= n; i++) {
		patient_init(g, &p, i);
		write_patient(g, &p);
		timeline(g, &p);
		gen_posrate_patient_end(g);
		if (g->o.progress)
			cw_progress_tick(i);
	}
	if (g->o.progress)
		cw_progress_end();
	gen_death_run(g, &p);
	free(p.rt_time);
	free(p.rt_line);
	free(p.rt_pos);
	free(p.rt_truth);
	return 0;
}
