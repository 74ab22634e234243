/*
 * large_prescription: a prescription with too many drugs, too long a supply or too high an amount (大处方).
 *
 * Contract: partitioned by patients (a prescription is judged alone, on its own rows, its visit and the
 * visit's lines that day: the slice holding its visit's patient judges it, so `claimwatch serve` judges it
 * on the patient's own dataset as the batch does); per prescription, one finding per
 * tag: drugs_per_rx (more than max_drugs distinct drugs), days_supply (a line beyond the day limit of
 * its visit kind, or of a chronic diagnosis), amount (above max_amount). Evidence the visit's live drug
 * lines of the prescription's drugs that day (may be none); money at stake the part beyond the limit;
 * severity suspicious, class prescription, physician the prescriber.
 * The full rule, its source, keys and blind spots: docs/detectors/large_prescription.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/scan.h"
#include "dxcode.h"

typedef struct config {
	int max_drugs;
	int max_days[CW_KIND_COUNT]; /* outpatient, emergency; inpatient unused */
	int max_days_chronic;
	dx_lists chronic; /* per coding system */
	cw_fen max_amount;
} config;

static void release(void *p)
{
	config *c = p;
	if (c)
		dx_lists_free(&c->chronic);
	free(c);
}

static int configure(void **out, const cw_section *rules)
{
	config *c = calloc(1, sizeof *c);
	long long drugs, op, em, chronic, amount;
	int rc;
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	if ((rc = cw_section_int(&drugs, rules, "max_drugs", 1, 1000)) < 0 ||
	    (rc = cw_section_int(&op, rules, "max_days_outpatient", 1, 3650)) < 0 ||
	    (rc = cw_section_int(&em, rules, "max_days_emergency", 1, 3650)) < 0 ||
	    (rc = cw_section_int(&chronic, rules, "max_days_chronic", 1, 3650)) < 0 ||
	    (rc = dx_lists_load(rules, "chronic_prefixes", &c->chronic)) < 0 ||
	    (rc = cw_section_money(&amount, rules, "max_amount")) < 0) {
		release(c);
		return rc;
	}
	c->max_drugs = (int)drugs;
	c->max_days[CW_OUTPATIENT] = (int)op;
	c->max_days[CW_EMERGENCY] = (int)em;
	c->max_days_chronic = (int)chronic;
	c->max_amount = amount;
	*out = c;
	return 0;
}

typedef struct drug_amount {
	cw_ref drug;
	cw_fen amount;
} drug_amount;

typedef struct scratch {
	drug_amount *drugs;
	size_t cap;
	cw_linebuf ev;
	int ev_done; /* ev holds the current prescription's evidence */
} scratch;

/* One prescription being judged. */
typedef struct rx_case {
	uint32_t r0, r1; /* its rows */
	cw_ref visit;
	cw_minute when;
	cw_fen total;
} rx_case;

static int by_drug(const void *a, const void *b)
{
	const drug_amount *x = a, *y = b;
	return (x->drug > y->drug) - (x->drug < y->drug);
}

static int by_amount_desc(const void *a, const void *b)
{
	const drug_amount *x = a, *y = b;
	if (x->amount != y->amount)
		return x->amount < y->amount ? 1 : -1;
	return (x->drug > y->drug) - (x->drug < y->drug);
}

/* The prescription's distinct drugs with their amounts, largest first, into
 * sc->drugs; returns their count. */
static int distinct_drugs(const cw_prescriptions *rx, const rx_case *k, scratch *sc, size_t *count)
{
	size_t n = k->r1 - k->r0, m = 0;
	int rc = cw_grow((void **)&sc->drugs, &sc->cap, n, sizeof *sc->drugs);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++)
		sc->drugs[i] = (drug_amount){ rx->drug[k->r0 + i], rx->amount[k->r0 + i] };
	qsort(sc->drugs, n, sizeof *sc->drugs, by_drug);
	for (size_t i = 0; i < n; i++) {
		if (m && sc->drugs[m - 1].drug == sc->drugs[i].drug)
			sc->drugs[m - 1].amount += sc->drugs[i].amount;
		else
			sc->drugs[m++] = sc->drugs[i];
	}
	qsort(sc->drugs, m, sizeof *sc->drugs, by_amount_desc);
	*count = m;
	return 0;
}

/* The first of the visit's lines by_visit[lo .. hi) at or after time t. */
static uint32_t lower_visit_line(const cw_claims *cl, uint32_t lo, uint32_t hi, cw_minute t)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (cl->time[cl->by_visit[mid]] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The evidence of prescription k, computed once for all its findings. */
static int evidence(const cw_dataset *ds, const rx_case *k, scratch *sc)
{
	if (sc->ev_done)
		return 0;
	const cw_prescriptions *rx = cw_dataset_prescriptions(ds);
	const cw_visits *vs = cw_dataset_visits(ds);
	const cw_claims *cl = cw_dataset_claims(ds);
	const cw_items *it = cw_dataset_items(ds);
	cw_day day = cw_day_of(rx->time[k->r0]);
	uint32_t hi = vs->line_start[k->visit + 1];
	sc->ev.n = 0;
	for (uint32_t j = lower_visit_line(cl, vs->line_start[k->visit], hi, (cw_minute)(day * CW_MINUTES_PER_DAY));
	     j < hi; j++) {
		uint32_t i = cl->by_visit[j];
		if (cw_day_of(cl->time[i]) != day)
			break;
		if (!cw_line_live(cl, i) || it->category[cl->item[i]] != CW_CAT_DRUG)
			continue;
		int ours = 0;
		for (uint32_t r = k->r0; r < k->r1 && !ours; r++)
			ours = rx->drug[r] == cl->item[i];
		int rc;
		if (ours && (rc = cw_linebuf_push(&sc->ev, i)) < 0)
			return rc;
	}
	sc->ev_done = 1;
	return 0;
}

/* Emits one finding of prescription k; f holds the tag-specific fields. */
static int emit(const cw_scan *ctx, cw_findings *out, const rx_case *k, scratch *sc, cw_finding *f, const char *reason,
                const char *reason_zh)
{
	const cw_dataset *ds = ctx->ds;
	const cw_prescriptions *rx = cw_dataset_prescriptions(ds);
	const cw_claims *cl = cw_dataset_claims(ds);
	int rc = evidence(ds, k, sc);
	if (rc < 0)
		return rc;
	f->physician = rx->physician[k->r0];
	f->patient = cw_dataset_visits(ds)->patient[k->visit];
	f->visit = k->visit;
	f->cls = CW_CLASS_PRESCRIPTION;
	f->severity = CW_SUSPICIOUS;
	f->when = k->when;
	for (size_t i = 0; i < sc->ev.n; i++)
		if (cl->time[sc->ev.v[i]] > f->when)
			f->when = cl->time[sc->ev.v[i]];
	f->lines = sc->ev.v;
	f->nlines = sc->ev.n;
	return cw_emit_i18n(out, f, "prescription %s: %s%.0s", "处方 %s：%.0s%s，大处方", cw_dataset_str(ds, rx->rx_id[k->r0]),
	                    reason, reason_zh);
}

/* (a) more than max_drugs distinct drugs. */
static int judge_drugs(const cw_scan *ctx, cw_findings *out, const rx_case *k, scratch *sc)
{
	const config *c = ctx->config;
	const cw_items *it = cw_dataset_items(ctx->ds);
	size_t n = 0;
	int rc;
	if (k->r1 - k->r0 <= (uint32_t)c->max_drugs)
		return 0;
	if ((rc = distinct_drugs(cw_dataset_prescriptions(ctx->ds), k, sc, &n)) < 0 || n <= (size_t)c->max_drugs)
		return rc;
	cw_finding f = cw_finding_init();
	char reason[512], reason_zh[512], money[CW_FMT_SIZE];
	int len = snprintf(reason, sizeof reason, "%zu distinct drugs, more than %d; beyond the %d largest:", n,
	                   c->max_drugs, c->max_drugs);
	int len_zh = snprintf(reason_zh, sizeof reason_zh, "开具 %zu 种药品，多于 %d 种；金额最大的 %d 种之外：", n,
	                      c->max_drugs, c->max_drugs);
	for (size_t i = (size_t)c->max_drugs; i < n; i++) {
		f.suspect += sc->drugs[i].amount;
		const char *name = cw_dataset_str(ctx->ds, it->name[sc->drugs[i].drug]);
		cw_format_money(money, sc->drugs[i].amount);
		if (len > 0 && (size_t)len < sizeof reason)
			len += snprintf(reason + len, sizeof reason - (size_t)len, "%s %s (%s)", i > (size_t)c->max_drugs ? "," : "",
			                name, money);
		if (len_zh > 0 && (size_t)len_zh < sizeof reason_zh)
			len_zh += snprintf(reason_zh + len_zh, sizeof reason_zh - (size_t)len_zh, "%s%s（%s）",
			                   i > (size_t)c->max_drugs ? "、" : "", name, money);
	}
	f.score = n >= 2 * (size_t)c->max_drugs ? 1.0 : 0.5 + 0.5 * (double)(n - (size_t)c->max_drugs) / c->max_drugs;
	f.tag = "drugs_per_rx";
	return emit(ctx, out, k, sc, &f, reason, reason_zh);
}

/* (b) a line supplying more days than the visit allows; inpatient not judged. */
static int judge_days(const cw_scan *ctx, cw_findings *out, const rx_case *k, scratch *sc)
{
	const config *c = ctx->config;
	const cw_dataset *ds = ctx->ds;
	const cw_prescriptions *rx = cw_dataset_prescriptions(ds);
	const cw_visits *vs = cw_dataset_visits(ds);
	int kind = vs->kind[k->visit];
	if (kind == CW_INPATIENT)
		return 0;
	int limit = c->max_days[kind], longest = 0;
	uint32_t top = k->r0;
	for (uint32_t r = k->r0; r < k->r1; r++)
		if (rx->days_supply[r] > longest) {
			longest = rx->days_supply[r];
			top = r;
		}
	if (longest <= limit)
		return 0;
	char dx[DX_MAX];
	dx_normalize(cw_dataset_str(ds, vs->dx_code[k->visit]), dx);
	int chronic = dx_prefixes_match(dx_lists_for(&c->chronic, ctx), dx) != NULL;
	if (chronic)
		limit = c->max_days_chronic;
	if (longest <= limit)
		return 0;
	cw_finding f = cw_finding_init();
	int over = 0;
	for (uint32_t r = k->r0; r < k->r1; r++) {
		int days = rx->days_supply[r];
		if (days <= limit)
			continue;
		over++;
		f.suspect += (rx->amount[r] * (days - limit) + days / 2) / days;
	}
	char reason[512], reason_zh[512];
	const char *drug = cw_dataset_str(ds, cw_dataset_items(ds)->name[rx->drug[top]]);
	snprintf(reason, sizeof reason, "%d line(s) above the %s%s limit of %d days, the longest %s for %d days",
	         over, cw_visit_kind_name(kind), chronic ? " chronic-dx" : "", limit, drug, longest);
	snprintf(reason_zh, sizeof reason_zh, "%d 条药品用量超过%s%s %d 天的限量，最长的 %s 为 %d 天",
	         over, cw_visit_kind_name_zh(kind), chronic ? "慢性病" : "", limit, drug, longest);
	f.item = rx->drug[top];
	f.score = longest >= 2 * limit ? 1.0 : 0.5 + 0.5 * (double)(longest - limit) / limit;
	f.tag = "days_supply";
	return emit(ctx, out, k, sc, &f, reason, reason_zh);
}

/* (c) the prescription's amount above max_amount. */
static int judge_amount(const cw_scan *ctx, cw_findings *out, const rx_case *k, scratch *sc)
{
	const config *c = ctx->config;
	if (k->total <= c->max_amount)
		return 0;
	cw_finding f = cw_finding_init();
	char reason[256], reason_zh[256], total[CW_FMT_SIZE], ceiling[CW_FMT_SIZE];
	snprintf(reason, sizeof reason, "amount %s above the ceiling of %s (%u lines)",
	         cw_format_money(total, k->total), cw_format_money(ceiling, c->max_amount), k->r1 - k->r0);
	snprintf(reason_zh, sizeof reason_zh, "处方金额 %s，超过上限 %s（%u 条）", total, ceiling, k->r1 - k->r0);
	f.suspect = k->total - c->max_amount;
	f.score = c->max_amount > 0 && k->total < 2 * c->max_amount
	                  ? 0.5 + 0.5 * (double)(k->total - c->max_amount) / (double)c->max_amount
	                  : 1.0;
	f.tag = "amount";
	return emit(ctx, out, k, sc, &f, reason, reason_zh);
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	const cw_dataset *ds = ctx->ds;
	const cw_window *w = cw_dataset_window(ds);
	const cw_prescriptions *rx = cw_dataset_prescriptions(ds);
	const cw_visits *vs = cw_dataset_visits(ds);
	scratch sc = { 0 };
	int rc = 0;
	/* prescriptions are ordered by rx_id, not by patient: judge those whose
	 * (first row's) visit belongs to the slice */
	for (size_t p = 0; p < rx->nrx && rc == 0; p++) {
		rx_case k = { rx->rx_start[p], rx->rx_start[p + 1], rx->visit[rx->rx_start[p]], CW_MINUTE_NONE, 0 };
		cw_ref patient = vs->patient[k.visit];
		if (patient < ctx->patient_begin || patient >= ctx->patient_end)
			continue;
		for (uint32_t r = k.r0; r < k.r1; r++) {
			if (rx->time[r] > k.when)
				k.when = rx->time[r];
			k.total += rx->amount[r];
		}
		if (k.when < w->month_start || k.when >= w->month_end)
			continue;
		sc.ev_done = 0;
		if ((rc = judge_drugs(ctx, out, &k, &sc)) == 0 && (rc = judge_days(ctx, out, &k, &sc)) == 0)
			rc = judge_amount(ctx, out, &k, &sc);
	}
	free(sc.drugs);
	cw_linebuf_free(&sc.ev);
	return rc;
}

const cw_detector cw_detector_large_prescription = {
	CW_DETECTOR_INIT,
	.name = "large_prescription",
	.title_zh = "大处方",
	.title_en = "Large prescription",
	.summary = "a prescription with more than max_drugs drugs, too many days of supply, or above max_amount",
	.summary_zh = "一张处方药品超过 max_drugs 种、用药天数超过限量，或金额超过 max_amount",
	.dimension = "medication",
	.defaults = "{ \"max_drugs\": 5, \"max_days_outpatient\": 7, \"max_days_emergency\": 3,"
	            "  \"max_days_chronic\": 30, \"max_amount\": 2000.0,"
	            "  \"chronic_prefixes\": [\"I10\", \"I11\", \"E11\", \"E10\", \"J44\", \"I25\", \"N18\", \"F20\"],"
	            "  \"chronic_prefixes_icd9\": [\"401\", \"402\", \"250\", \"491\", \"492\", \"496\", \"414\", \"412\","
	            "                            \"585\", \"295\"] }",
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = release,
	.scan = scan,
};
