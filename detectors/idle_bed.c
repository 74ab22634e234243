/*
 * idle_bed: inpatient days billed while the patient got no care or was somewhere else (挂床住院).
 *
 * Contract: partitioned by patients; per inpatient stay and calendar day. (a) no_care: a run of at least
 * min_idle_days days billed (bed or nursing) without care; evidence the run's bed and nursing lines,
 * money at stake their amount. (b) seen_elsewhere: a billed day, other than the admit and discharge
 * days, on which the patient has lines at another institution or an outpatient visit; evidence that
 * day's bed and nursing lines and the lines elsewhere. Severity suspicious, class stay, physician the
 * stay's attending; each idle day reported once, in the month of the finding's last day.
 * The full rule (month boundaries included), its source, keys and blind spots: docs/detectors/idle_bed.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/scan.h"

typedef struct config {
	int min_idle_days;  /* (a) shortest run of idle days that is flagged */
	int seen_elsewhere; /* (b) on or off */
} config;

static int configure(void **out, const cw_section *rules)
{
	config *c = calloc(1, sizeof *c);
	long long days;
	int rc;
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	if ((rc = cw_section_int(&days, rules, "min_idle_days", 1, 366)) < 0 ||
	    (rc = cw_section_bool(&c->seen_elsewhere, rules, "seen_elsewhere")) < 0) {
		free(c);
		return rc;
	}
	c->min_idle_days = (int)days;
	*out = c;
	return 0;
}

/* One calendar day of a stay. */
typedef struct day {
	uint8_t billed, care;
	cw_fen bed_amount;       /* bed and nursing lines */
	cw_minute bed_last;      /* the latest bed or nursing line */
	uint32_t first, end;     /* the day's lines: claims.by_visit[first .. end) */
} day;

typedef struct scratch {
	day *days;
	size_t cap;
	cw_linebuf ev;
} scratch;

static int is_idle(const day *x) { return x->billed && !x->care; }

static int is_bed(int category) { return category == CW_CAT_BED || category == CW_CAT_NURSING; }

/* The stay's days [lo, lo + n) from its lines. */
static int fill_days(const cw_dataset *ds, cw_ref s, cw_day lo, size_t n, scratch *sc)
{
	const cw_visits *vs = cw_dataset_visits(ds);
	const cw_claims *cl = cw_dataset_claims(ds);
	const cw_items *it = cw_dataset_items(ds);
	int rc = cw_grow((void **)&sc->days, &sc->cap, n, sizeof *sc->days);
	if (rc < 0)
		return rc;
	memset(sc->days, 0, n * sizeof *sc->days);
	for (uint32_t k = vs->line_start[s]; k < vs->line_start[s + 1]; k++) {
		uint32_t i = cl->by_visit[k];
		int64_t d = (int64_t)cw_day_of(cl->time[i]) - lo;
		if (d < 0 || (size_t)d >= n)
			continue;
		day *x = &sc->days[d];
		if (x->end == 0)
			x->first = k;
		x->end = k + 1;
		if (!cw_line_live(cl, i))
			continue;
		int cat = it->category[cl->item[i]];
		if (is_bed(cat)) {
			x->billed = 1;
			x->bed_amount += cl->amount[i];
			x->bed_last = cl->time[i]; /* lines are in time order */
		} else if (cw_category_is_care(cat)) {
			x->care = 1;
		}
	}
	return 0;
}

/* Appends the live bed and nursing lines of day x to the evidence. */
static int push_bed_lines(const cw_dataset *ds, const day *x, cw_linebuf *ev)
{
	const cw_claims *cl = cw_dataset_claims(ds);
	const cw_items *it = cw_dataset_items(ds);
	for (uint32_t k = x->first; k < x->end; k++) {
		uint32_t i = cl->by_visit[k];
		int rc;
		if (cw_line_live(cl, i) && is_bed(it->category[cl->item[i]]) && (rc = cw_linebuf_push(ev, i)) < 0)
			return rc;
	}
	return 0;
}

/* (a) Reports idle days [from, to] of a run that began at `started` (indexes into sc->days, lo = day of index 0). */
static int emit_run(const cw_scan *ctx, cw_findings *out, cw_ref s, scratch *sc, cw_day lo, size_t started,
                    size_t from, size_t to)
{
	const config *c = ctx->config;
	const cw_visits *vs = cw_dataset_visits(ctx->ds);
	cw_finding f = cw_finding_init();
	sc->ev.n = 0;
	for (size_t d = from; d <= to; d++) {
		int rc = push_bed_lines(ctx->ds, &sc->days[d], &sc->ev);
		if (rc < 0)
			return rc;
		f.suspect += sc->days[d].bed_amount;
	}
	int len = (int)(to - from + 1);
	f.physician = vs->physician[s];
	f.patient = vs->patient[s];
	f.visit = s;
	f.cls = CW_CLASS_STAY;
	f.severity = CW_SUSPICIOUS;
	f.score = len >= 2 * c->min_idle_days ? 1.0 : len >= c->min_idle_days ? 0.5 + 0.5 * (len - c->min_idle_days) / c->min_idle_days : 0.5;
	f.when = sc->days[to].bed_last;
	f.lines = sc->ev.v;
	f.nlines = sc->ev.n;
	f.tag = "no_care";
	char d0[CW_FMT_SIZE], d1[CW_FMT_SIZE], amount[CW_FMT_SIZE], began[CW_FMT_SIZE];
	if (started != from)
		return cw_emit_i18n(out, &f,
		                    "%d more days %s to %s billed bed/nursing (%s) with no care line, continuing the idle "
		                    "run that began %s (reported last month)",
		                    "又有 %d 天（%s 至 %s）只收床位/护理费（%s）而无任何诊疗，延续自 %s 开始的挂床（上月已报告）",
		                    len, cw_format_date(d0, lo + (cw_day)from), cw_format_date(d1, lo + (cw_day)to),
		                    cw_format_money(amount, f.suspect), cw_format_date(began, lo + (cw_day)started));
	return cw_emit_i18n(out, &f,
	                    "%d consecutive days %s to %s billed bed/nursing (%s) with no care line (drug, lab, exam, "
	                    "treatment, surgery, material); threshold %d days",
	                    "连续 %d 天（%s 至 %s）只收床位/护理费（%s）而无任何诊疗（药品、检验、检查、治疗、手术、材料），"
	                    "挂床住院；阈值 %d 天",
	                    len, cw_format_date(d0, lo + (cw_day)from), cw_format_date(d1, lo + (cw_day)to),
	                    cw_format_money(amount, f.suspect), c->min_idle_days);
}

/* (a) Finds the runs of idle days of stay s and reports those of this month
 * (see the month boundary rules at the top). */
static int scan_runs(const cw_scan *ctx, cw_findings *out, cw_ref s, scratch *sc, cw_day lo, size_t n)
{
	const config *c = ctx->config;
	cw_day first = cw_day_of(cw_dataset_window(ctx->ds)->month_start);
	for (size_t d = 0; d < n;) {
		if (!is_idle(&sc->days[d])) {
			d++;
			continue;
		}
		size_t r0 = d;
		while (d < n && is_idle(&sc->days[d]))
			d++;
		cw_day a = lo + (cw_day)r0, b = lo + (cw_day)(d - 1);
		if (b < first)
			continue; /* ended in an earlier month, which reported it */
		size_t from = r0;
		if (a < first && first - a >= c->min_idle_days)
			from = r0 + (size_t)(first - a); /* the earlier month reported the days up to its end */
		else if ((int)(d - r0) < c->min_idle_days)
			continue;
		int rc = emit_run(ctx, out, s, sc, lo, r0, from, d - 1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* (b) One finding for day x of stay s, seen elsewhere: lines [l0, l1) are the
 * patient's lines of that day, visit o an outpatient/emergency visit admitted
 * that day (CW_NONE if none). */
static int emit_elsewhere(const cw_scan *ctx, cw_findings *out, cw_ref s, scratch *sc, const day *x, cw_day dd,
                          uint32_t l0, uint32_t l1, cw_ref o)
{
	const cw_dataset *ds = ctx->ds;
	const cw_visits *vs = cw_dataset_visits(ds);
	const cw_claims *cl = cw_dataset_claims(ds);
	cw_finding f = cw_finding_init();
	uint32_t other = CW_NONE; /* the first line elsewhere, for the reason */
	int rc;
	sc->ev.n = 0;
	if ((rc = push_bed_lines(ds, x, &sc->ev)) < 0)
		return rc;
	f.when = x->bed_last;
	for (uint32_t i = l0; i < l1; i++) {
		cw_ref v = cl->visit[i];
		if (v == s || !cw_line_live(cl, i) || (vs->inst[v] == vs->inst[s] && vs->kind[v] == CW_INPATIENT))
			continue;
		if (vs->inst[v] == vs->inst[s] && cw_day_of(vs->admit[v]) != dd)
			continue; /* an earlier outpatient visit of the same institution */
		if ((rc = cw_linebuf_push(&sc->ev, i)) < 0)
			return rc;
		if (other == CW_NONE)
			other = i;
		if (cl->time[i] > f.when)
			f.when = cl->time[i];
	}
	if (o != CW_NONE && vs->admit[o] > f.when)
		f.when = vs->admit[o];
	f.physician = vs->physician[s];
	f.patient = vs->patient[s];
	f.visit = s;
	f.cls = CW_CLASS_STAY;
	f.severity = CW_SUSPICIOUS;
	f.suspect = x->bed_amount;
	f.lines = sc->ev.v;
	f.nlines = sc->ev.n;
	f.tag = "seen_elsewhere";
	char date[CW_FMT_SIZE], t[CW_FMT_SIZE], amount[CW_FMT_SIZE];
	cw_format_date(date, dd);
	cw_format_money(amount, x->bed_amount);
	const cw_institutions *in = cw_dataset_institutions(ds);
	if (other != CW_NONE) {
		cw_ref v = cl->visit[other];
		f.score = vs->inst[v] != vs->inst[s] ? 0.9 : 0.7;
		return cw_emit_i18n(out, &f,
		                    "bed/nursing billed on %s (%s) while the patient was at %s: %s at %s (visit %s, %s%.0s)",
		                    "%s 收取床位/护理费（%s），而患者当时在 %s：%s，%s（就诊 %s，%.0s%s），挂床住院",
		                    date, amount, cw_dataset_str(ds, in->id[vs->inst[v]]),
		                    cw_dataset_str(ds, cw_dataset_items(ds)->name[cl->item[other]]),
		                    cw_format_time(t, cl->time[other]), cw_dataset_str(ds, vs->id[v]),
		                    cw_visit_kind_name(vs->kind[v]), cw_visit_kind_name_zh(vs->kind[v]));
	}
	f.score = vs->inst[o] != vs->inst[s] ? 0.9 : 0.7;
	return cw_emit_i18n(out, &f,
	                    "bed/nursing billed on %s (%s) while the patient had a %s%.0s visit %s at %s admitted %s",
	                    "%s 收取床位/护理费（%s），而患者当时另有%.0s%s就诊 %s（%s，%s 入院/就诊），挂床住院",
	                    date, amount, cw_visit_kind_name(vs->kind[o]), cw_visit_kind_name_zh(vs->kind[o]),
	                    cw_dataset_str(ds, vs->id[o]), cw_dataset_str(ds, in->id[vs->inst[o]]),
	                    cw_format_time(t, vs->admit[o]));
}

/* (b) The billed days of stay s in this month, other than its admit and
 * discharge days, on which the patient p was elsewhere. */
static int scan_elsewhere(const cw_scan *ctx, cw_findings *out, cw_ref p, cw_ref s, scratch *sc, cw_day lo, size_t n)
{
	const cw_dataset *ds = ctx->ds;
	const cw_window *w = cw_dataset_window(ds);
	const cw_visits *vs = cw_dataset_visits(ds);
	const cw_claims *cl = cw_dataset_claims(ds);
	const cw_patients *pat = cw_dataset_patients(ds);
	cw_day d0 = cw_day_of(vs->admit[s]) + 1, d1 = lo + (cw_day)n - 1;
	if (vs->discharge[s] != CW_MINUTE_NONE && cw_day_of(vs->discharge[s]) <= d1)
		d1 = cw_day_of(vs->discharge[s]) - 1;
	if (d0 < cw_day_of(w->month_start))
		d0 = cw_day_of(w->month_start);
	if (d0 > d1)
		return 0;
	uint32_t pend = pat->line_start[p + 1];
	uint32_t l = cw_first_line_at(cl, pat->line_start[p], pend, (cw_minute)(d0 * CW_MINUTES_PER_DAY));
	uint32_t v = pat->visit_start[p], vend = pat->visit_start[p + 1];
	for (cw_day dd = d0; dd <= d1; dd++) {
		const day *x = &sc->days[dd - lo];
		uint32_t l0 = l;
		int seen = 0;
		while (l < pend && cw_day_of(cl->time[l]) == dd) {
			cw_ref lv = cl->visit[l];
			seen |= lv != s && cw_line_live(cl, l) && vs->inst[lv] != vs->inst[s];
			l++;
		}
		while (v < vend && cw_day_of(vs->admit[v]) < dd)
			v++;
		cw_ref o = CW_NONE;
		for (uint32_t k = v; k < vend && cw_day_of(vs->admit[k]) == dd && o == CW_NONE; k++)
			if (vs->kind[k] != CW_INPATIENT)
				o = k;
		if (!x->billed || (!seen && o == CW_NONE))
			continue;
		int rc = emit_elsewhere(ctx, out, s, sc, x, dd, l0, l, o);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	const config *c = ctx->config;
	const cw_window *w = cw_dataset_window(ctx->ds);
	const cw_visits *vs = cw_dataset_visits(ctx->ds);
	const cw_patients *pat = cw_dataset_patients(ctx->ds);
	cw_day first = cw_day_of(w->month_start), last = cw_day_of(w->month_end - 1);
	cw_day start = cw_day_of(w->window_start);
	scratch sc = { 0 };
	int rc = 0;
	for (cw_ref p = ctx->patient_begin; p < ctx->patient_end && rc == 0; p++) {
		for (uint32_t s = pat->visit_start[p]; s < pat->visit_start[p + 1] && rc == 0; s++) {
			if (vs->kind[s] != CW_INPATIENT)
				continue;
			cw_day lo = cw_day_of(vs->admit[s]), hi = last;
			if (vs->discharge[s] != CW_MINUTE_NONE && cw_day_of(vs->discharge[s]) < hi)
				hi = cw_day_of(vs->discharge[s]);
			if (lo < start)
				lo = start; /* no line before the look-back was loaded */
			if (hi < first - 1 || hi < lo)
				continue; /* nothing of it can be reported this month */
			size_t n = (size_t)(hi - lo + 1);
			if ((rc = fill_days(ctx->ds, s, lo, n, &sc)) < 0)
				break;
			rc = scan_runs(ctx, out, s, &sc, lo, n);
			if (rc == 0 && c->seen_elsewhere)
				rc = scan_elsewhere(ctx, out, p, s, &sc, lo, n);
		}
	}
	free(sc.days);
	cw_linebuf_free(&sc.ev);
	return rc;
}

const cw_detector cw_detector_idle_bed = {
	CW_DETECTOR_INIT,
	.name = "idle_bed",
	.title_zh = "挂床住院",
	.title_en = "Idle bed",
	.summary = "inpatient days billed with no care for min_idle_days in a row, or while the patient was elsewhere",
	.summary_zh = "住院连续 min_idle_days 天只收床位护理费而无诊疗，或患者当时在别处就诊（挂床住院）",
	.dimension = "treatment",
	.defaults = "{ \"min_idle_days\": 3, \"seen_elsewhere\": true }",
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = free,
	.scan = scan,
};
