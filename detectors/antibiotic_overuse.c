/*
 * antibiotic_overuse: a physician who gives antibiotics to a larger share of patients than the national
 * limits allow (抗菌药物使用异常).
 *
 * Contract: one scan of the whole month (not partitioned). Per physician and visit kind, the share of
 * units with an antibiotic (outpatient and emergency prescriptions written in the month; inpatient stays
 * discharged in the month) is judged against limits.<kind>; a finding (tag = the kind) when the lower
 * bound of its confidence interval is above the limit, at min_volume units or more. Physician-level:
 * no evidence lines, money at stake 0, severity suspicious, class prescription.
 * The full rule, its source, keys and blind spots: docs/detectors/antibiotic_overuse.md.
 */
#include <stdlib.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/stats.h"

typedef struct config {
	double limit[CW_KIND_COUNT];
	double confidence;
	long long min_volume;
	int interval;
} config;

static int configure(void **out, const cw_section *rules)
{
	config *c = malloc(sizeof *c);
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	cw_section limits = cw_section_child(rules, "limits");
	int rc = 0;
	for (int k = 0; rc == 0 && k < CW_KIND_COUNT; k++)
		rc = cw_section_double(&c->limit[k], &limits, cw_visit_kind_name(k), 0, 1);
	if (rc == 0 && (rc = cw_section_int(&c->min_volume, rules, "min_volume", 1, 1000000000)) == 0 &&
	    (rc = cw_section_double(&c->confidence, rules, "confidence", 0.5, 0.999999)) == 0)
		rc = cw_section_choice(&c->interval, rules, "interval", cw_interval_names);
	if (rc < 0) {
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

/* Units and units with an antibiotic, per physician and kind. */
typedef struct tally {
	uint32_t n[CW_KIND_COUNT], k[CW_KIND_COUNT];
} tally;

static void count_prescriptions(const cw_dataset *ds, tally *t)
{
	const cw_prescriptions *rx = cw_dataset_prescriptions(ds);
	const cw_visits *vi = cw_dataset_visits(ds);
	const cw_items *it = cw_dataset_items(ds);
	for (size_t k = 0; k < rx->nrx; k++) {
		uint32_t r0 = rx->rx_start[k];
		int kind = vi->kind[rx->visit[r0]];
		if (!rx->in_month[r0] || kind == CW_INPATIENT)
			continue;
		uint8_t ab = 0;
		for (uint32_t r = r0; r < rx->rx_start[k + 1]; r++)
			ab |= it->antibiotic[rx->drug[r]];
		t[rx->physician[r0]].n[kind]++;
		t[rx->physician[r0]].k[kind] += ab;
	}
}

static int count_stays(const cw_dataset *ds, tally *t)
{
	const cw_prescriptions *rx = cw_dataset_prescriptions(ds);
	const cw_visits *vi = cw_dataset_visits(ds);
	const cw_claims *cl = cw_dataset_claims(ds);
	const cw_items *it = cw_dataset_items(ds);
	const cw_window *w = cw_dataset_window(ds);
	uint8_t *ab = calloc(vi->n ? vi->n : 1, 1); /* per visit: an antibiotic prescribed */
	if (!ab)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t r = 0; r < rx->n; r++)
		ab[rx->visit[r]] |= it->antibiotic[rx->drug[r]];
	for (cw_ref v = 0; v < vi->n; v++) {
		if (vi->kind[v] != CW_INPATIENT || vi->discharge[v] == CW_MINUTE_NONE ||
		    vi->discharge[v] < w->month_start || vi->discharge[v] >= w->month_end)
			continue;
		size_t live = 0;
		for (uint32_t k = vi->line_start[v]; k < vi->line_start[v + 1]; k++) {
			uint32_t i = cl->by_visit[k];
			if (!cw_line_live(cl, i))
				continue;
			live++;
			ab[v] |= it->antibiotic[cl->item[i]] && it->category[cl->item[i]] == CW_CAT_DRUG;
		}
		if (!live) /* a stay with nothing billed (cancelled) is not a stay of the month */
			continue;
		t[vi->physician[v]].n[CW_INPATIENT]++;
		t[vi->physician[v]].k[CW_INPATIENT] += ab[v];
	}
	free(ab);
	return 0;
}

static int judge(const cw_scan *ctx, cw_findings *out, cw_ref p, int kind, uint32_t k, uint32_t n)
{
	static const char *const metric[CW_KIND_COUNT] = { "antibiotic_rate_outpatient", "antibiotic_rate_emergency",
		                                           "antibiotic_rate_inpatient" };
	static const char *const units[CW_KIND_COUNT] = { "outpatient prescriptions", "emergency prescriptions",
		                                          "stays discharged" };
	static const char *const units_zh[CW_KIND_COUNT] = { "张门诊处方", "张急诊处方", "例出院患者" };
	const config *c = ctx->config;
	cw_interval ci;
	int rc = cw_binomial_interval(&ci, c->interval, k, n, c->confidence);
	if (rc < 0 || !(ci.lo > c->limit[kind]))
		return rc;
	cw_finding f = cw_finding_init();
	f.physician = p;
	f.cls = CW_CLASS_PRESCRIPTION;
	f.severity = CW_SUSPICIOUS;
	f.score = c->limit[kind] < 1 ? 0.5 + 0.5 * (ci.lo - c->limit[kind]) / (1 - c->limit[kind]) : 1;
	f.when = cw_dataset_window(ctx->ds)->month_end - 1;
	f.tag = cw_visit_kind_name(kind);
	f.metric = metric[kind];
	f.value = (double)k / (double)n;
	f.expected = c->limit[kind];
	f.limit = ci.lo;
	return cw_emit_i18n(out, &f,
	                    "%u of %u %s%.0s with an antibiotic (%.1f%%); the %s lower bound %.1f%% (%.0f%% confidence) "
	                    "is above the %s%.0s limit of %.0f%%",
	                    "%u/%u %.0s%s使用抗菌药物（%.1f%%）；%s法置信下限 %.1f%%（置信度 %.0f%%）高于%.0s%s限值 %.0f%%，"
	                    "抗菌药物使用率超标",
	                    k, n, units[kind], units_zh[kind], 100 * f.value,
	                    c->interval == CW_INTERVAL_WILSON ? "Wilson" : "Clopper-Pearson", 100 * ci.lo,
	                    100 * c->confidence, cw_visit_kind_name(kind), cw_visit_kind_name_zh(kind),
	                    100 * c->limit[kind]);
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	const config *c = ctx->config;
	size_t nphys = cw_dataset_physicians(ctx->ds)->n;
	tally *t = calloc(nphys ? nphys : 1, sizeof *t);
	if (!t)
		return cw_error_set(CW_ENOMEM, "out of memory");
	count_prescriptions(ctx->ds, t);
	int rc = count_stays(ctx->ds, t);
	for (cw_ref p = 0; rc == 0 && p < nphys; p++)
		for (int kind = 0; rc == 0 && kind < CW_KIND_COUNT; kind++)
			if (t[p].n[kind] >= (uint64_t)c->min_volume)
				rc = judge(ctx, out, p, kind, t[p].k[kind], t[p].n[kind]);
	free(t);
	return rc;
}

const cw_detector cw_detector_antibiotic_overuse = {
	CW_DETECTOR_INIT,
	.name = "antibiotic_overuse",
	.title_zh = "抗菌药物使用异常",
	.title_en = "Antibiotic overuse",
	.summary = "a physician's share of prescriptions (stays) with an antibiotic above the national limit, by visit kind",
	.summary_zh = "医师使用抗菌药物的处方（住院患者）比例超过国家限值，按门诊、急诊、住院分别判断",
	.dimension = "medication",
	.defaults = "{ \"limits\": { \"outpatient\": 0.20, \"emergency\": 0.40, \"inpatient\": 0.60 },"
	            "  \"min_volume\": 30, \"confidence\": 0.95, \"interval\": \"wilson\" }",
	.partition = CW_PARTITION_NONE,
	.configure = configure,
	.release = free,
	.scan = scan,
};
