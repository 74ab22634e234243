/*
 * stacked_supply: one patient's overlapping days' supply of the same drug (重复开药, 叠加用药天数; E4).
 *
 * Contract: partitioned by patients. Each prescription row of an outpatient or emergency visit with a
 * days_supply above 0 covers the calendar days [day of rx_time, + days_supply). Per patient and drug,
 * rows in time order, a row written while earlier rows still cover max_overlap_days + 1 days or more of
 * its own supply is a finding (whatever the physician or institution): overlap = min(end of cover, end
 * of its own supply) - its day, end of cover the latest end of the earlier rows. One finding per such
 * row whose time is in the month; evidence the visit's live lines of the drug on its day (the earlier
 * prescription that covered longest is named in the reason); money the overlapping days' share of the row's amount; `when`
 * the latest of its time and its own lines; physician the row's; severity suspicious, class
 * prescription (dimension medication).
 * The full rule, its source, keys and blind spots: docs/detectors/stacked_supply.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/scan.h"

typedef struct config {
	int max_overlap; /* days */
} config;

static int configure(void **out, const cw_section *rules)
{
	config *c = calloc(1, sizeof *c);
	long long days;
	int rc;
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	if ((rc = cw_section_int(&days, rules, "max_overlap_days", 0, 365)) < 0) {
		free(c);
		return rc;
	}
	c->max_overlap = (int)days;
	*out = c;
	return 0;
}

/* A supply: one prescription row of the slice. */
typedef struct supply {
	cw_ref patient, drug;
	cw_minute time;
	uint32_t row;
} supply;

/* By patient, drug, time, then row. */
static int cmp_supply(const void *a, const void *b)
{
	const supply *x = a, *y = b;
	if (x->patient != y->patient)
		return (x->patient > y->patient) - (x->patient < y->patient);
	if (x->drug != y->drug)
		return (x->drug > y->drug) - (x->drug < y->drug);
	if (x->time != y->time)
		return (x->time > y->time) - (x->time < y->time);
	return (x->row > y->row) - (x->row < y->row);
}

/* The slice's supplies into *out, sorted; their count or < 0. */
static long collect(supply **out, const cw_scan *ctx)
{
	const cw_prescriptions *rx = cw_dataset_prescriptions(ctx->ds);
	const cw_visits *vs = cw_dataset_visits(ctx->ds);
	size_t n = 0, cap = 0;
	*out = NULL;
	for (size_t r = 0; r < rx->n; r++) {
		cw_ref v = rx->visit[r], p = vs->patient[v];
		if (p < ctx->patient_begin || p >= ctx->patient_end || vs->kind[v] == CW_INPATIENT || rx->days_supply[r] <= 0)
			continue;
		int rc = cw_grow((void **)out, &cap, n + 1, sizeof **out);
		if (rc < 0)
			return rc;
		(*out)[n++] = (supply){ p, rx->drug[r], rx->time[r], (uint32_t)r };
	}
	if (n > 1)
		qsort(*out, n, sizeof **out, cmp_supply);
	return (long)n;
}

/* Pushes the live lines of row r's drug on r's visit and day; the latest line's time raises *when. */
static int push_lines(cw_linebuf *ev, cw_minute *when, const cw_dataset *ds, uint32_t r)
{
	const cw_prescriptions *rx = cw_dataset_prescriptions(ds);
	const cw_visits *vs = cw_dataset_visits(ds);
	const cw_claims *cl = cw_dataset_claims(ds);
	cw_ref v = rx->visit[r];
	cw_day day = cw_day_of(rx->time[r]);
	for (uint32_t k = vs->line_start[v]; k < vs->line_start[v + 1]; k++) {
		uint32_t i = cl->by_visit[k];
		if (!cw_line_live(cl, i) || cl->item[i] != rx->drug[r] || cw_day_of(cl->time[i]) != day)
			continue;
		int rc = cw_linebuf_push(ev, i);
		if (rc < 0)
			return rc;
		if (cl->time[i] > *when)
			*when = cl->time[i];
	}
	return 0;
}

/* One finding: row r, overlapping `overlap` days with the cover of the earlier rows (src the longest). */
static int emit(const cw_scan *ctx, cw_findings *out, uint32_t r, uint32_t src, int overlap, cw_linebuf *ev)
{
	const cw_dataset *ds = ctx->ds;
	const config *c = ctx->config;
	const cw_prescriptions *rx = cw_dataset_prescriptions(ds);
	const cw_visits *vs = cw_dataset_visits(ds);
	const cw_items *it = cw_dataset_items(ds);
	const cw_window *w = cw_dataset_window(ds);
	cw_finding f = cw_finding_init();
	int days = rx->days_supply[r], rc;
	ev->n = 0;
	f.when = rx->time[r];
	if ((rc = push_lines(ev, &f.when, ds, r)) < 0)
		return rc;
	if (f.when < w->month_start || f.when >= w->month_end)
		return 0;
	cw_ref v = rx->visit[r], sv = rx->visit[src];
	f.patient = vs->patient[v];
	f.visit = v;
	f.physician = rx->physician[r];
	f.item = rx->drug[r];
	f.cls = CW_CLASS_PRESCRIPTION;
	f.severity = CW_SUSPICIOUS;
	f.tag = "overlap";
	f.lines = ev->v;
	f.nlines = ev->n;
	f.suspect = cw_muldiv_round(rx->amount[r], overlap, days);
	int limit = c->max_overlap > 0 ? c->max_overlap : 1;
	f.score = overlap >= 2 * limit ? 1.0 : 0.5 + 0.5 * (double)(overlap - c->max_overlap) / limit;
	if (f.score > 1.0)
		f.score = 1.0;
	char money[CW_FMT_SIZE], t[CW_FMT_SIZE], ts[CW_FMT_SIZE];
	cw_format_money(money, f.suspect);
	return cw_emit_i18n(out, &f,
	                    "%s %s prescribed for %d day(s) on %s (prescription %s, visit %s) while %d day(s) of it were "
	                    "still supplied (prescription %s of %s, visit %s, %d day(s)), "
	                    "more than the %d day(s) allowed; %s of the amount for the overlapping days",
	                    "%s %s 开具 %d 天用量（%s，处方 %s，就诊 %s），而此前所开仍有 %d 天未用完（处方 %s，开于 %s，"
	                    "就诊 %s，%d 天用量），超过允许的 %d 天，重复开药；重叠天数对应金额 %s",
	                    cw_dataset_str(ds, it->code[f.item]), cw_dataset_str(ds, it->name[f.item]), days,
	                    cw_format_time(t, rx->time[r]), cw_dataset_str(ds, rx->rx_id[r]), cw_dataset_str(ds, vs->id[v]),
	                    overlap, cw_dataset_str(ds, rx->rx_id[src]), cw_format_time(ts, rx->time[src]),
	                    cw_dataset_str(ds, vs->id[sv]), rx->days_supply[src], c->max_overlap, money);
}

/* The supplies [a, b) of one patient and drug, in time order. */
static int judge_drug(const cw_scan *ctx, cw_findings *out, const supply *a, const supply *b, cw_linebuf *ev)
{
	const config *c = ctx->config;
	const cw_prescriptions *rx = cw_dataset_prescriptions(ctx->ds);
	cw_day end = 0;
	uint32_t src = CW_NONE;
	for (const supply *s = a; s < b; s++) {
		cw_day day = cw_day_of(s->time), own = day + rx->days_supply[s->row];
		if (src != CW_NONE && end > day) {
			int overlap = (int)((end < own ? end : own) - day);
			int rc = overlap > c->max_overlap ? emit(ctx, out, s->row, src, overlap, ev) : 0;
			if (rc < 0)
				return rc;
		}
		if (src == CW_NONE || own > end) {
			end = own;
			src = s->row;
		}
	}
	return 0;
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	supply *s;
	cw_linebuf ev = { 0 };
	long n = collect(&s, ctx);
	int rc = n < 0 ? (int)n : 0;
	for (long i = 0, j; i < n && rc == 0; i = j) {
		for (j = i + 1; j < n && s[j].patient == s[i].patient && s[j].drug == s[i].drug; j++)
			;
		rc = judge_drug(ctx, out, s + i, s + j, &ev);
	}
	free(s);
	cw_linebuf_free(&ev);
	return rc;
}

const cw_detector cw_detector_stacked_supply = {
	CW_DETECTOR_INIT,
	.name = "stacked_supply",
	.title_zh = "重复开药",
	.title_en = "Stacked drug supply",
	.summary = "a patient prescribed a drug while earlier prescriptions of it still cover more than "
	           "max_overlap_days of the new supply, across prescriptions, physicians and institutions",
	.summary_zh = "患者此前所开同一药品尚未用完，又开新药，重叠超过 max_overlap_days 天（跨处方、医师和医疗机构）",
	.dimension = "medication",
	.defaults = "{ \"max_overlap_days\": 3 }",
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = free,
	.scan = scan,
};
