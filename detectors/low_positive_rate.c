/*
 * low_positive_rate: a physician whose large-equipment exams (CT, MRI, ultrasound, DR) are rarely
 * positive (大型设备检查阳性率低).
 *
 * Serves B1 (超声、DR等大型功能检查阳性率不得低于30%: a plain floor) and B5 (the positive rate as an
 * assessment indicator).
 *
 * Contract: one scan of the month (not partitioned). Per ordering physician, the month's live
 * large-equipment lines with a result: a finding (metric positive_rate) when the positive rate is below
 * `threshold` (test "floor", the default: the document's plain floor), or when the upper bound of its
 * confidence interval is (test "interval"), at min_resulted exams or more.
 * Physician-level: no evidence lines, money at stake 0, severity suspicious, class exam_use.
 * The full rule, its source, keys and blind spots: docs/detectors/low_positive_rate.md.
 */
#include <math.h>
#include <stdlib.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/stats.h"

enum { TEST_FLOOR, TEST_INTERVAL };
static const char *const test_names[] = { "floor", "interval", NULL };

typedef struct config {
	double threshold, confidence;
	long long min_resulted;
	int interval, test;
} config;

static int configure(void **out, const cw_section *rules)
{
	config *c = malloc(sizeof *c);
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int rc;
	if ((rc = cw_section_double(&c->threshold, rules, "threshold", 0, 1)) < 0 ||
	    (rc = cw_section_int(&c->min_resulted, rules, "min_resulted", 1, 1000000000)) < 0 ||
	    (rc = cw_section_double(&c->confidence, rules, "confidence", 0.5, 0.999999)) < 0 ||
	    (rc = cw_section_choice(&c->interval, rules, "interval", cw_interval_names)) < 0 ||
	    (rc = cw_section_choice(&c->test, rules, "test", test_names)) < 0) {
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

static int emit_floor(const cw_scan *ctx, cw_findings *out, cw_finding *f, uint64_t positive, uint64_t resulted)
{
	const config *c = ctx->config;
	f->limit = c->threshold;
	f->score = c->threshold > 0 ? 0.5 + 0.5 * (c->threshold - f->value) / c->threshold : 1;
	return cw_emit(out, f,
	               "%llu of %llu resulted large-equipment exams positive (%.1f%%), below the %.1f%% floor",
	               (unsigned long long)positive, (unsigned long long)resulted, 100 * f->value,
	               100 * c->threshold);
}

static int judge(const cw_scan *ctx, cw_findings *out, cw_ref p, uint64_t positive, uint64_t resulted)
{
	const config *c = ctx->config;
	cw_finding f = cw_finding_init();
	f.physician = p;
	f.cls = CW_CLASS_EXAM_USE;
	f.severity = CW_SUSPICIOUS;
	f.when = cw_dataset_window(ctx->ds)->month_end - 1;
	f.metric = "positive_rate";
	f.value = (double)positive / (double)resulted;
	f.expected = c->threshold;
	if (c->test == TEST_FLOOR)
		return f.value < c->threshold ? emit_floor(ctx, out, &f, positive, resulted) : 0;
	cw_interval ci;
	int rc = cw_binomial_interval(&ci, c->interval, positive, resulted, c->confidence);
	if (rc < 0 || !(ci.hi < c->threshold))
		return rc;
	f.score = c->threshold > 0 ? 0.5 + 0.5 * (c->threshold - ci.hi) / c->threshold : 1;
	f.limit = ci.hi;
	return cw_emit(out, &f,
	               "%llu of %llu resulted large-equipment exams positive (%.1f%%); the %s upper bound %.1f%% "
	               "(%.0f%% confidence) is below the %.1f%% threshold",
	               (unsigned long long)positive, (unsigned long long)resulted, 100 * f.value,
	               c->interval == CW_INTERVAL_WILSON ? "Wilson" : "Clopper-Pearson", 100 * ci.hi,
	               100 * c->confidence, 100 * c->threshold);
}

/* One linear pass over the claim lines (in storage order, for the cache), then
 * one judgement per physician. */
static int scan(cw_findings *out, const cw_scan *ctx)
{
	const config *c = ctx->config;
	const cw_physicians *ph = cw_dataset_physicians(ctx->ds);
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	uint32_t (*count)[2] = calloc(ph->n ? ph->n : 1, sizeof *count); /* resulted, positive */
	if (!count)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t i = 0; i < cl->n; i++) {
		if (!cw_line_live(cl, i) || !(cl->flags[i] & CW_LINE_IN_MONTH) ||
		    (cl->result[i] != CW_RESULT_POSITIVE && cl->result[i] != CW_RESULT_NEGATIVE) ||
		    !it->large_equipment[cl->item[i]])
			continue;
		count[cl->physician[i]][0]++;
		count[cl->physician[i]][1] += cl->result[i] == CW_RESULT_POSITIVE;
	}
	int rc = 0;
	for (cw_ref p = 0; rc == 0 && p < ph->n; p++)
		if (count[p][0] >= (uint64_t)c->min_resulted)
			rc = judge(ctx, out, p, count[p][1], count[p][0]);
	free(count);
	return rc;
}

const cw_detector cw_detector_low_positive_rate = {
	CW_DETECTOR_INIT,
	.name = "low_positive_rate",
	.title_zh = "大型设备检查阳性率低",
	.title_en = "Low positive rate",
	.summary = "a physician's large-equipment exams rarely positive: the rate below the 30% floor (B1)",
	.dimension = "exam",
	.defaults = "{ \"threshold\": 0.30, \"min_resulted\": 20, \"test\": \"floor\", \"confidence\": 0.95, "
	            "\"interval\": \"wilson\" }",
	.partition = CW_PARTITION_NONE,
	.configure = configure,
	.release = free,
	.scan = scan,
};
