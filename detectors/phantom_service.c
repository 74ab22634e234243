/*
 * phantom_service: services billed that cannot have been given (虚构、多记医疗服务; D3, D2; C7 for a dead
 * patient's card).
 *
 * Contract: partitioned by patients. (a) before_admission / after_discharge: the live lines of the
 * month of an inpatient stay dated more than grace_hours before its admission or after its discharge,
 * one finding per stay and side; evidence those lines, money their amount, physician the stay's
 * attending, severity violation. (b) excess_days: a stay discharged in the month whose live bed (or
 * nursing) lines inside the stay (grace included) add up to more days than the stay lasted (discharge
 * day minus admit day, at least 1: the admit day counts, the discharge day does not); evidence the lines
 * the excess falls on (a calendar day billed twice first, then the latest days), money the excess
 * valued at their unit prices, `when` the discharge, severity
 * violation. (c) empty_swipe (空刷卡): an outpatient visit admitted in the month, on a day strictly
 * inside a stay of the patient at another institution, whose live lines hold no care (drug, lab, exam,
 * treatment, surgery, material); evidence its lines, money their amount, physician the visit's
 * attending, severity suspicious. (d) after_death: the live lines of the month of a visit dated on a day
 * after the patient's recorded death date (patients.death_date) plus death_grace_days, one finding per
 * visit; evidence those lines, money their amount, physician the visit's attending, severity violation;
 * such lines are (d)'s alone ((a), (b) and (c) leave them out). Class stay (dimension treatment).
 * The full rule, its source, keys and blind spots: docs/detectors/phantom_service.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/scan.h"

typedef struct config {
	cw_minute grace;  /* grace_hours in minutes */
	int excess_days;  /* (b) on or off */
	int empty_swipe;  /* (c) on or off */
	int after_death;  /* (d) on or off */
	int death_grace;  /* death_grace_days */
} config;

static int configure(void **out, const cw_section *rules)
{
	config *c = calloc(1, sizeof *c);
	long long hours, days;
	int rc;
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	if ((rc = cw_section_int(&hours, rules, "grace_hours", 0, 720)) < 0 ||
	    (rc = cw_section_bool(&c->excess_days, rules, "excess_days")) < 0 ||
	    (rc = cw_section_bool(&c->empty_swipe, rules, "empty_swipe")) < 0 ||
	    (rc = cw_section_bool(&c->after_death, rules, "after_death")) < 0 ||
	    (rc = cw_section_int(&days, rules, "death_grace_days", 0, 30)) < 0) {
		free(c);
		return rc;
	}
	c->grace = (cw_minute)(hours * 60);
	c->death_grace = (int)days;
	*out = c;
	return 0;
}

static int is_bed(int category) { return category == CW_CAT_BED || category == CW_CAT_NURSING; }

/* (d) The last day patient p may have a line on: the recorded death day plus the grace; CW_DAY_NONE
 * when no death is recorded or (d) is off. */
static cw_day last_day(const cw_scan *ctx, cw_ref p)
{
	const config *c = ctx->config;
	cw_day death = cw_dataset_patients(ctx->ds)->death[p];
	return c->after_death && death != CW_DAY_NONE ? death + c->death_grace : CW_DAY_NONE;
}

/* (d) A time on a day after `last` (never when last is CW_DAY_NONE): (d)'s, which the other rules leave. */
static int after_last(cw_day last, cw_minute t) { return last != CW_DAY_NONE && cw_day_of(t) > last; }

/* The fields every finding of stay or visit v shares. */
static cw_finding base(const cw_visits *vs, cw_ref v, int severity)
{
	cw_finding f = cw_finding_init();
	f.physician = vs->physician[v];
	f.patient = vs->patient[v];
	f.visit = v;
	f.cls = CW_CLASS_STAY;
	f.severity = severity;
	f.score = 1.0;
	return f;
}

/* The live lines of the month of visit v timed in [lo, hi) into ev and f (their money, the time of the
 * last), the time of the first into *first; ev empty when none. */
static int gather_between(cw_linebuf *ev, cw_finding *f, cw_minute *first, const cw_dataset *ds, cw_ref v,
                          int64_t lo, int64_t hi)
{
	const cw_visits *vs = cw_dataset_visits(ds);
	const cw_claims *cl = cw_dataset_claims(ds);
	*first = CW_MINUTE_NONE;
	ev->n = 0;
	for (uint32_t k = vs->line_start[v]; k < vs->line_start[v + 1]; k++) {
		uint32_t i = cl->by_visit[k];
		if (!cw_line_live(cl, i) || !(cl->flags[i] & CW_LINE_IN_MONTH) || cl->time[i] < lo || cl->time[i] >= hi)
			continue;
		int rc = cw_linebuf_push(ev, i);
		if (rc < 0)
			return rc;
		f->suspect += cl->amount[i];
		if (*first == CW_MINUTE_NONE)
			*first = cl->time[i];
		f->when = cl->time[i]; /* time order */
	}
	f->lines = ev->v;
	f->nlines = ev->n;
	return 0;
}

/* The first minute after `last` ((d)'s lines start there); past every time when last is CW_DAY_NONE. */
static int64_t after_last_from(cw_day last)
{
	return last == CW_DAY_NONE ? INT64_MAX : ((int64_t)last + 1) * CW_MINUTES_PER_DAY;
}

/* (a) The live lines of the month of stay s on one side of it (after = 0: before the admission less
 * the grace; 1: after the discharge plus the grace), as one finding; not those after `last` (d). */
static int scan_outside(const cw_scan *ctx, cw_findings *out, cw_ref s, int after, cw_day last, cw_linebuf *ev)
{
	const config *c = ctx->config;
	const cw_dataset *ds = ctx->ds;
	const cw_visits *vs = cw_dataset_visits(ds);
	if (after && vs->discharge[s] == CW_MINUTE_NONE)
		return 0;
	int64_t edge = after ? (int64_t)vs->discharge[s] + c->grace : (int64_t)vs->admit[s] - c->grace;
	int64_t end = after_last_from(last);
	cw_finding f = base(vs, s, CW_VIOLATION);
	cw_minute first;
	int rc = gather_between(ev, &f, &first, ds, s, after ? edge + 1 : INT64_MIN, after ? end : (edge < end ? edge : end));
	if (rc < 0 || !ev->n)
		return rc;
	f.tag = after ? "after_discharge" : "before_admission";
	char t0[CW_FMT_SIZE], t1[CW_FMT_SIZE], ref[CW_FMT_SIZE], amount[CW_FMT_SIZE];
	cw_format_time(t0, first);
	cw_format_time(t1, f.when);
	cw_format_time(ref, after ? vs->discharge[s] : vs->admit[s]);
	cw_format_money(amount, f.suspect);
	return cw_emit_i18n(out, &f, "%zu line(s) (%s) of stay %s dated %s to %s, %s its %s%.0s at %s (grace %lld h)",
	                    "%zu 条明细（%s）属住院 %s，时间为 %s 至 %s，%.0s%.0s%s %s（宽限 %lld 小时），虚记医疗服务",
	                    ev->n, amount, cw_dataset_str(ds, vs->id[s]), t0, t1, after ? "after" : "before",
	                    after ? "discharge" : "admission", after ? "晚于出院时间" : "早于入院时间", ref,
	                    (long long)(c->grace / 60));
}

/* (b) A bed or nursing line of a stay: its days that are the first of their calendar day (reg) and
 * those beyond (sur: a day billed twice), and how many of them are found in excess (take). */
typedef struct part {
	uint32_t line;
	cw_qty reg, sur, take;
} part;

typedef struct scratch {
	part *parts;
	size_t cap;
	cw_linebuf ev;
	cw_day last; /* (d): the patient's last day (last_day) */
} scratch;

/* (b) The live lines of category group `nursing` (0: bed, 1: nursing) of stay s inside it (grace
 * included; not after the patient's last day, (d)) into sc->parts, in time order; their days into *sum.
 * Returns the number of lines or < 0. */
static long collect(const cw_scan *ctx, cw_ref s, int nursing, scratch *sc, cw_qty *sum)
{
	const config *c = ctx->config;
	const cw_visits *vs = cw_dataset_visits(ctx->ds);
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	cw_minute lo = vs->admit[s] - c->grace, hi = vs->discharge[s] + c->grace;
	cw_day today = CW_DAY_NONE;
	cw_qty used = 0;
	size_t n = 0;
	*sum = 0;
	for (uint32_t k = vs->line_start[s]; k < vs->line_start[s + 1]; k++) {
		uint32_t i = cl->by_visit[k];
		int cat = it->category[cl->item[i]];
		if (!cw_line_live(cl, i) || !is_bed(cat) || (cat == CW_CAT_NURSING) != nursing || cl->time[i] < lo ||
		    cl->time[i] > hi || cl->qty[i] <= 0 || after_last(sc->last, cl->time[i]))
			continue;
		int rc = cw_grow((void **)&sc->parts, &sc->cap, n + 1, sizeof *sc->parts);
		if (rc < 0)
			return rc;
		if (cw_day_of(cl->time[i]) != today) {
			today = cw_day_of(cl->time[i]);
			used = 0;
		}
		part *x = &sc->parts[n++];
		x->line = i;
		x->reg = cl->qty[i] < CW_QTY_ONE - used ? cl->qty[i] : CW_QTY_ONE - used;
		x->sur = cl->qty[i] - x->reg;
		x->take = 0;
		used += x->reg;
		*sum += cl->qty[i];
	}
	return (long)n;
}

/* (b) The days of one category group of stay s beyond `allowed`: taken first from the days billed twice
 * on a calendar day (in time order), then from the latest days; the lines they fall on go to the
 * evidence, their value to f->suspect and their count to *days. */
static int excess_of(const cw_scan *ctx, cw_ref s, int nursing, cw_qty allowed, cw_finding *f, cw_qty *days,
                     scratch *sc)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	cw_qty sum;
	long n = collect(ctx, s, nursing, sc, &sum);
	if (n < 0)
		return (int)n;
	cw_qty left = sum - allowed;
	if (left <= 0)
		return 0;
	*days += left;
	for (long j = 0; j < n && left > 0; j++) {
		part *x = &sc->parts[j];
		x->take = x->sur < left ? x->sur : left;
		left -= x->take;
	}
	for (long j = n - 1; j >= 0 && left > 0; j--) {
		part *x = &sc->parts[j];
		cw_qty t = x->reg < left ? x->reg : left;
		x->take += t;
		left -= t;
	}
	for (long j = 0; j < n; j++) {
		const part *x = &sc->parts[j];
		int rc;
		if (!x->take)
			continue;
		f->suspect += cw_muldiv_round(cl->unit_price[x->line], x->take, CW_QTY_ONE);
		if ((rc = cw_linebuf_push(&sc->ev, x->line)) < 0)
			return rc;
	}
	return 0;
}

/* (b) Stay s, discharged in the month: more bed or nursing days billed than it lasted. */
static int scan_excess(const cw_scan *ctx, cw_findings *out, cw_ref s, scratch *sc)
{
	const cw_dataset *ds = ctx->ds;
	const cw_window *w = cw_dataset_window(ds);
	const cw_visits *vs = cw_dataset_visits(ds);
	cw_minute dis = vs->discharge[s];
	if (dis == CW_MINUTE_NONE || dis < w->month_start || dis >= w->month_end)
		return 0;
	int64_t los = (int64_t)cw_day_of(dis) - cw_day_of(vs->admit[s]);
	if (los < 1)
		los = 1;
	cw_qty allowed = (cw_qty)los * CW_QTY_ONE, bed = 0, nursing = 0;
	cw_finding f = base(vs, s, CW_VIOLATION);
	cw_linebuf *ev = &sc->ev;
	int rc;
	ev->n = 0;
	if ((rc = excess_of(ctx, s, 0, allowed, &f, &bed, sc)) < 0 ||
	    (rc = excess_of(ctx, s, 1, allowed, &f, &nursing, sc)) < 0)
		return rc;
	if (!ev->n)
		return 0;
	cw_sort_u32(ev->v, ev->n);
	f.when = dis;
	f.lines = ev->v;
	f.nlines = ev->n;
	f.tag = "excess_days";
	char b[CW_FMT_SIZE], n[CW_FMT_SIZE], amount[CW_FMT_SIZE], a[CW_FMT_SIZE], d[CW_FMT_SIZE];
	return cw_emit_i18n(out, &f,
	                    "stay %s (%s to %s) lasted %lld day(s) but billed %s extra bed day(s) and %s extra nursing "
	                    "day(s) (%s)",
	                    "住院 %s（%s 至 %s）共 %lld 天，却多收床位费 %s 天、护理费 %s 天（%s），多记医疗服务",
	                    cw_dataset_str(ds, vs->id[s]), cw_format_time(a, vs->admit[s]), cw_format_time(d, dis),
	                    (long long)los, cw_format_qty(b, bed), cw_format_qty(n, nursing), cw_format_money(amount, f.suspect));
}

/* (c) The stay of the patient's visits [v0, v1) at another institution than visit o's whose days
 * strictly include o's admit day, or CW_NONE. */
static cw_ref stay_around(const cw_visits *vs, uint32_t v0, uint32_t v1, cw_ref o)
{
	cw_day d = cw_day_of(vs->admit[o]);
	for (uint32_t s = v0; s < v1; s++)
		if (vs->kind[s] == CW_INPATIENT && vs->inst[s] != vs->inst[o] && cw_day_of(vs->admit[s]) < d &&
		    (vs->discharge[s] == CW_MINUTE_NONE || cw_day_of(vs->discharge[s]) > d))
			return s;
	return CW_NONE;
}

/* (c) Outpatient visit o (admitted in the month) of a patient in stay s elsewhere: a finding when its
 * live lines hold no care. */
static int scan_swipe(const cw_scan *ctx, cw_findings *out, cw_ref o, cw_ref s, cw_linebuf *ev)
{
	const cw_dataset *ds = ctx->ds;
	const cw_visits *vs = cw_dataset_visits(ds);
	const cw_claims *cl = cw_dataset_claims(ds);
	const cw_items *it = cw_dataset_items(ds);
	cw_finding f = base(vs, o, CW_SUSPICIOUS);
	ev->n = 0;
	for (uint32_t k = vs->line_start[o]; k < vs->line_start[o + 1]; k++) {
		uint32_t i = cl->by_visit[k];
		if (!cw_line_live(cl, i))
			continue;
		if (cw_category_is_care(it->category[cl->item[i]]))
			return 0;
		int rc = cw_linebuf_push(ev, i);
		if (rc < 0)
			return rc;
		f.suspect += cl->amount[i];
		f.when = cl->time[i];
	}
	if (!ev->n)
		return 0;
	f.score = 0.8;
	f.lines = ev->v;
	f.nlines = ev->n;
	f.tag = "empty_swipe";
	const cw_institutions *in = cw_dataset_institutions(ds);
	char t[CW_FMT_SIZE], amount[CW_FMT_SIZE];
	return cw_emit_i18n(out, &f,
	                    "outpatient visit %s at %s on %s billed %s with no care (no drug, lab, exam, treatment, surgery "
	                    "or material) while the patient was an inpatient at %s (stay %s)",
	                    "门诊就诊 %s（%s，%s）收费 %s 却无任何诊疗（无药品、检验、检查、治疗、手术或材料），而患者当时正在 %s "
	                    "住院（住院 %s），疑似空刷卡",
	                    cw_dataset_str(ds, vs->id[o]), cw_dataset_str(ds, in->id[vs->inst[o]]),
	                    cw_format_time(t, vs->admit[o]), cw_format_money(amount, f.suspect),
	                    cw_dataset_str(ds, in->id[vs->inst[s]]), cw_dataset_str(ds, vs->id[s]));
}

/* (d) The live lines of the month of visit v dated after the patient's last day, as one finding. */
static int scan_after_death(const cw_scan *ctx, cw_findings *out, cw_ref v, cw_day last, cw_linebuf *ev)
{
	const cw_dataset *ds = ctx->ds;
	const cw_visits *vs = cw_dataset_visits(ds);
	cw_finding f = base(vs, v, CW_VIOLATION);
	cw_minute first;
	int rc = gather_between(ev, &f, &first, ds, v, after_last_from(last), INT64_MAX);
	if (rc < 0 || !ev->n)
		return rc;
	const config *c = ctx->config;
	f.tag = "after_death";
	char t0[CW_FMT_SIZE], t1[CW_FMT_SIZE], died[CW_FMT_SIZE], amount[CW_FMT_SIZE];
	cw_format_time(t0, first);
	cw_format_time(t1, f.when);
	cw_format_date(died, cw_dataset_patients(ds)->death[vs->patient[v]]);
	cw_format_money(amount, f.suspect);
	return cw_emit_i18n(out, &f,
	                    "%zu line(s) (%s) of visit %s dated %s to %s, after the patient's recorded death on %s "
	                    "(grace %d day(s))",
	                    "%zu 条收费明细（%s）属就诊 %s，日期 %s 至 %s，晚于患者登记的死亡日期 %s（宽限 %d 天），疑似虚构医疗服务",
	                    ev->n, amount, cw_dataset_str(ds, vs->id[v]), t0, t1, died, c->death_grace);
}

/* Every rule on patient p's visits. */
static int scan_patient(const cw_scan *ctx, cw_findings *out, cw_ref p, scratch *sc)
{
	const config *c = ctx->config;
	const cw_window *w = cw_dataset_window(ctx->ds);
	const cw_visits *vs = cw_dataset_visits(ctx->ds);
	const cw_patients *pat = cw_dataset_patients(ctx->ds);
	uint32_t v0 = pat->visit_start[p], v1 = pat->visit_start[p + 1];
	cw_linebuf *ev = &sc->ev;
	cw_day last = sc->last = last_day(ctx, p);
	int rc = 0;
	for (uint32_t v = v0; v < v1 && rc == 0; v++) {
		if (vs->kind[v] == CW_INPATIENT) {
			if ((rc = scan_outside(ctx, out, v, 0, last, ev)) == 0 &&
			    (rc = scan_outside(ctx, out, v, 1, last, ev)) == 0 && c->excess_days)
				rc = scan_excess(ctx, out, v, sc);
		} else if (vs->kind[v] == CW_OUTPATIENT && c->empty_swipe && vs->admit[v] >= w->month_start &&
		           vs->admit[v] < w->month_end && !after_last(last, vs->admit[v])) {
			cw_ref s = stay_around(vs, v0, v1, v);
			if (s != CW_NONE)
				rc = scan_swipe(ctx, out, v, s, ev);
		}
		if (rc == 0 && last != CW_DAY_NONE)
			rc = scan_after_death(ctx, out, v, last, ev);
	}
	return rc;
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	scratch sc = { 0 };
	int rc = 0;
	for (cw_ref p = ctx->patient_begin; p < ctx->patient_end && rc == 0; p++)
		rc = scan_patient(ctx, out, p, &sc);
	free(sc.parts);
	cw_linebuf_free(&sc.ev);
	return rc;
}

const cw_detector cw_detector_phantom_service = {
	CW_DETECTOR_INIT,
	.name = "phantom_service",
	.title_zh = "虚构、多记医疗服务",
	.title_en = "Phantom services",
	.summary = "lines of a stay dated outside it, more bed or nursing days than the stay lasted, outpatient "
	           "lines without care while an inpatient elsewhere, lines after the patient's recorded death",
	.summary_zh = "住院期外的住院收费、床位或护理天数多于实际住院天数、住院期间在别处有门诊收费而无诊疗（空刷卡）、患者登记死亡日期之后的收费",
	.dimension = "treatment",
	.defaults = "{ \"grace_hours\": 24, \"excess_days\": true, \"empty_swipe\": true, \"after_death\": true, "
	            "\"death_grace_days\": 0 }",
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = free,
	.scan = scan,
};
