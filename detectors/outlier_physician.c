/*
 * outlier_physician: a physician whose figures of the month are far above those of their peers for the
 * same kind of patients (医师指标异常, 同行对比).
 *
 * Contract: one scan of the month (not partitioned), needing the month's metrics (CW_NEEDS_METRICS:
 * claimwatch/metrics.h, computed once by the run with the rules' `metrics` section and shared with
 * metrics.csv and the report). For each metric in `metrics`, a physician the metrics flag (above the
 * peers' case-mix adjusted funnel limit by min_excess, without their largest units) is one finding
 * (tag and metric = the metric; value, expected, limit set). Physician-level: no evidence lines; money
 * at stake (value - expected) x volume for the cost metrics, else 0; severity notice, suspicious when z
 * is above suspicious_z; class the metric's.
 * Serves A1, A3, E1, E2/C8, B6, E7/E10, F1-F3, D6, J2 (../shared/seed-requirements.md). A reference
 * of 0 or 1 is never exact (Jeffreys), and small volumes are judged when they can reach the limit
 * (issue 13).
 * The full rule and method, its source, keys and blind spots: docs/detectors/outlier_physician.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/metrics.h"

typedef struct config {
	int enabled[CW_METRIC_COUNT];
	double suspicious_z;
} config;

static int read_metrics(const cw_section *rules, config *c)
{
	const char **names = NULL;
	size_t n = 0;
	int rc = cw_section_strings(&names, &n, rules, "metrics");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int m = cw_metric_parse(names[i]);
		if (m < 0)
			rc = cw_error_set(CW_EINVALID, "%s.metrics[%zu]: '%s' is not a metric (cost_per_outpatient_visit, "
			                  "cost_per_inpatient_stay, length_of_stay, drug_share, exam_share, "
			                  "antibiotic_rate, large_equipment_per_100)", rules->path, i, names[i]);
		else
			c->enabled[m] = 1;
	}
	free(names);
	return rc;
}

static int configure(void **out, const cw_section *rules)
{
	config *c = calloc(1, sizeof *c);
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int rc = read_metrics(rules, c);
	if (rc == 0)
		rc = cw_section_double(&c->suspicious_z, rules, "suspicious_z", 0, 1000);
	if (rc < 0) {
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

/* A metric's value in words: "412.30 yuan", "9.5 days", "43.1%", "12.0 per 100 visits". */
static const char *show(const cw_metric_info *mi, double v, char *buf, size_t size)
{
	if (mi->money)
		snprintf(buf, size, "%.2f yuan", v);
	else if (mi->unit[0] == 'd')
		snprintf(buf, size, "%.1f days", v);
	else if (mi->unit[0] == 's')
		snprintf(buf, size, "%.1f%%", 100 * v);
	else
		snprintf(buf, size, "%.1f %s", v, mi->unit);
	return buf;
}

/* The same in Chinese: "412.30 元", "9.5 天", "43.1%", "12.0 次/百人次". */
static const char *show_zh(const cw_metric_info *mi, double v, char *buf, size_t size)
{
	if (mi->money)
		snprintf(buf, size, "%.2f 元", v);
	else if (mi->unit[0] == 'd')
		snprintf(buf, size, "%.1f 天", v);
	else if (mi->unit[0] == 's')
		snprintf(buf, size, "%.1f%%", 100 * v);
	else
		snprintf(buf, size, "%.1f 次/百人次", v);
	return buf;
}

/* What a metric's volume counts, in Chinese. */
static const char *volume_zh(const cw_metric_info *mi)
{
	return mi->volume_kind == CW_VOLUME_STAYS ? "例住院" : mi->volume_kind == CW_VOLUME_PRESCRIPTIONS ? "张处方"
	                                                                                                 : "人次";
}

static int emit(const cw_scan *ctx, const config *c, cw_findings *out, int metric, cw_ref p,
                const cw_metric_table *t)
{
	const cw_metrics_opts *mo = cw_metrics_options(ctx->metrics);
	const cw_metric_info *mi = cw_metric_info_of(metric);
	const cw_metric_row *r = &t->rows[p];
	const cw_peer_group *g = &t->groups[r->group];
	cw_finding f = cw_finding_init();
	f.physician = p;
	f.cls = mi->cls;
	f.severity = r->z > c->suspicious_z ? CW_SUSPICIOUS : CW_NOTICE;
	f.suspect = mi->money ? (cw_fen)llround((r->value - r->expected) * r->volume * 100.0) : 0;
	f.score = 0.5 + 0.5 * fmin(1, (r->z - r->zlimit) / 2); /* 0.5 at the limit, 1 two z-units beyond */
	f.when = cw_dataset_window(ctx->ds)->month_end - 1;
	f.tag = mi->name;
	f.metric = mi->name;
	f.value = r->value;
	f.expected = r->expected;
	f.limit = r->limit;
	char value[48], expected[48], limit[48], level[16] = "all levels";
	char value_zh[48], expected_zh[48], limit_zh[48], level_zh[32] = "各级";
	if (g->level) {
		snprintf(level, sizeof level, "level %d", g->level);
		snprintf(level_zh, sizeof level_zh, "%d 级", g->level);
	}
	const char *spec = cw_dataset_str(ctx->ds, g->specialty), *spec_zh = cw_specialty_name_zh(spec);
	return cw_emit_i18n(out, &f,
	                    "%s%.0s %s%.0s over %u %s%.0s, expected %s%.0s for this case mix among %u %s%.0s peers "
	                    "(%s%.0s); upper limit %s%.0s (%.4g%%, over-dispersion %.2f), z %.1f beyond %.1f",
	                    "%.0s%s %.0s%s（%u %.0s%s），按病例构成预期 %.0s%s（同行 %u 名，%.0s%s，%.0s%s医疗机构）；"
	                    "上限 %.0s%s（控制水平 %.4g%%，离散度 %.2f），z 值 %.1f 超过 %.1f，高于同行",
	                    mi->name, mi->title_zh, show(mi, r->value, value, sizeof value),
	                    show_zh(mi, r->value, value_zh, sizeof value_zh), r->volume, mi->volume, volume_zh(mi),
	                    show(mi, r->expected, expected, sizeof expected),
	                    show_zh(mi, r->expected, expected_zh, sizeof expected_zh), g->peers, spec,
	                    spec_zh ? spec_zh : spec, level, level_zh, show(mi, r->limit, limit, sizeof limit),
	                    show_zh(mi, r->limit, limit_zh, sizeof limit_zh), 100 * mo->level, g->funnel.phi, r->z,
	                    r->zlimit);
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	const config *c = ctx->config;
	int rc = 0;
	size_t nphys = cw_dataset_physicians(ctx->ds)->n;
	for (cw_ref p = 0; rc == 0 && p < nphys; p++)
		for (int k = 0; rc == 0 && k < CW_METRIC_COUNT; k++) {
			const cw_metric_table *t = cw_metrics_table(ctx->metrics, k);
			if (c->enabled[k] && t->rows[p].flagged)
				rc = emit(ctx, c, out, k, p, t);
		}
	return rc;
}

const cw_detector cw_detector_outlier_physician = {
	CW_DETECTOR_INIT,
	.name = "outlier_physician",
	.title_zh = "医师指标异常",
	.title_en = "Outlier against peers",
	.summary = "a physician's case-mix adjusted cost, stay, drug, exam or antibiotic figures above the peers' funnel limit",
	.summary_zh = "医师经病例构成调整的费用、住院日、药占比、检查占比或抗菌药物使用率高于同行漏斗图上限",
	.dimension = NULL,
	.defaults = "{ \"metrics\": [\"cost_per_outpatient_visit\", \"cost_per_inpatient_stay\", \"length_of_stay\","
	            "              \"drug_share\", \"exam_share\", \"antibiotic_rate\", \"large_equipment_per_100\"],"
	            "  \"suspicious_z\": 5.0 }",
	.partition = CW_PARTITION_NONE,
	.needs = CW_NEEDS_METRICS,
	.configure = configure,
	.release = free,
	.scan = scan,
};
