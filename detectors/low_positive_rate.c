/*
 * low_positive_rate: a physician, or a department, whose large-equipment exams (CT, MRI, ultrasound, DR)
 * are rarely positive (大型设备检查阳性率低).
 *
 * Serves B1 (超声、DR等大型功能检查阳性率不得低于30%: a plain floor) and B5 (the positive rate as an
 * assessment indicator, of institutions and departments).
 *
 * Contract: one scan of the month (not partitioned). The month's live large-equipment lines with a
 * result, per ordering physician (at min_resulted exams or more) and, with `departments`, per department
 * of the visit (at department_min_resulted or more; tag "department", physician CW_NONE, dept set): a
 * finding (metric positive_rate) when the positive rate is below `threshold` (test "floor", the default:
 * the document's plain floor), or when the upper bound of its confidence interval is (test "interval").
 * No evidence lines, money at stake 0, severity suspicious, class exam_use.
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
	long long min_resulted, dept_min_resulted;
	int interval, test, departments;
} config;

static int configure(void **out, const cw_section *rules)
{
	config *c = malloc(sizeof *c);
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int rc;
	if ((rc = cw_section_double(&c->threshold, rules, "threshold", 0, 1)) < 0 ||
	    (rc = cw_section_int(&c->min_resulted, rules, "min_resulted", 1, 1000000000)) < 0 ||
	    (rc = cw_section_bool(&c->departments, rules, "departments")) < 0 ||
	    (rc = cw_section_int(&c->dept_min_resulted, rules, "department_min_resulted", 1, 1000000000)) < 0 ||
	    (rc = cw_section_double(&c->confidence, rules, "confidence", 0.5, 0.999999)) < 0 ||
	    (rc = cw_section_choice(&c->interval, rules, "interval", cw_interval_names)) < 0 ||
	    (rc = cw_section_choice(&c->test, rules, "test", test_names)) < 0) {
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

/* A department's reason names the scope; a physician's is the plain figures. */
static int emit_floor(cw_findings *out, const config *c, cw_finding *f, uint64_t positive, uint64_t resulted)
{
	f->limit = c->threshold;
	f->score = c->threshold > 0 ? 0.5 + 0.5 * (c->threshold - f->value) / c->threshold : 1;
	unsigned long long k = positive, n = resulted;
	if (f->dept != CW_NONE)
		return cw_emit_i18n(out, f,
		                    "department: %llu of %llu resulted large-equipment exams positive (%.1f%%), "
		                    "below the %.1f%% floor",
		                    "科室大型设备检查阳性%llu项/有结果%llu项(阳性率%.1f%%),低于%.1f%%的下限", k, n,
		                    100 * f->value, 100 * c->threshold);
	return cw_emit_i18n(out, f,
	                    "%llu of %llu resulted large-equipment exams positive (%.1f%%), below the %.1f%% floor",
	                    "大型设备检查阳性%llu项/有结果%llu项(阳性率%.1f%%),低于%.1f%%的下限", k, n, 100 * f->value,
	                    100 * c->threshold);
}

static int emit_interval(cw_findings *out, const config *c, cw_finding *f, uint64_t positive, uint64_t resulted,
                         double hi)
{
	f->score = c->threshold > 0 ? 0.5 + 0.5 * (c->threshold - hi) / c->threshold : 1;
	f->limit = hi;
	unsigned long long k = positive, n = resulted;
	const char *name = c->interval == CW_INTERVAL_WILSON ? "Wilson" : "Clopper-Pearson";
	if (f->dept != CW_NONE)
		return cw_emit_i18n(out, f,
		                    "department: %llu of %llu resulted large-equipment exams positive (%.1f%%); the %s "
		                    "upper bound %.1f%% (%.0f%% confidence) is below the %.1f%% threshold",
		                    "科室大型设备检查阳性%llu项/有结果%llu项(阳性率%.1f%%);%s置信上限%.1f%%"
		                    "(置信度%.0f%%)低于%.1f%%的下限",
		                    k, n, 100 * f->value, name, 100 * hi, 100 * c->confidence, 100 * c->threshold);
	return cw_emit_i18n(out, f,
	                    "%llu of %llu resulted large-equipment exams positive (%.1f%%); the %s upper bound %.1f%% "
	                    "(%.0f%% confidence) is below the %.1f%% threshold",
	                    "大型设备检查阳性%llu项/有结果%llu项(阳性率%.1f%%);%s置信上限%.1f%%(置信度%.0f%%)"
	                    "低于%.1f%%的下限",
	                    k, n, 100 * f->value, name, 100 * hi, 100 * c->confidence, 100 * c->threshold);
}

/* One physician (dept CW_NONE) or one department (p CW_NONE) against the floor. */
static int judge(const cw_scan *ctx, cw_findings *out, cw_ref p, cw_ref dept, uint64_t positive, uint64_t resulted)
{
	const config *c = ctx->config;
	cw_finding f = cw_finding_init();
	f.physician = p;
	f.dept = dept;
	f.tag = dept != CW_NONE ? "department" : NULL;
	f.cls = CW_CLASS_EXAM_USE;
	f.severity = CW_SUSPICIOUS;
	f.when = cw_dataset_window(ctx->ds)->month_end - 1;
	f.metric = "positive_rate";
	f.value = (double)positive / (double)resulted;
	f.expected = c->threshold;
	if (c->test == TEST_FLOOR)
		return f.value < c->threshold ? emit_floor(out, c, &f, positive, resulted) : 0;
	cw_interval ci;
	int rc = cw_binomial_interval(&ci, c->interval, positive, resulted, c->confidence);
	if (rc < 0 || !(ci.hi < c->threshold))
		return rc;
	return emit_interval(out, c, &f, positive, resulted, ci.hi);
}

/* One linear pass over the claim lines (in storage order, for the cache), counting per ordering physician
 * and per department of the visit; then one judgement per physician, then per department. */
static int scan(cw_findings *out, const cw_scan *ctx)
{
	const config *c = ctx->config;
	const cw_physicians *ph = cw_dataset_physicians(ctx->ds);
	const cw_departments *de = cw_dataset_departments(ctx->ds);
	const cw_visits *vi = cw_dataset_visits(ctx->ds);
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	uint32_t (*count)[2] = calloc(ph->n + de->n + 1, sizeof *count); /* resulted, positive */
	if (!count)
		return cw_error_set(CW_ENOMEM, "out of memory");
	uint32_t (*dcount)[2] = count + ph->n;
	for (size_t i = 0; i < cl->n; i++) {
		if (!cw_line_live(cl, i) || !(cl->flags[i] & CW_LINE_IN_MONTH) ||
		    (cl->result[i] != CW_RESULT_POSITIVE && cl->result[i] != CW_RESULT_NEGATIVE) ||
		    !it->large_equipment[cl->item[i]])
			continue;
		int pos = cl->result[i] == CW_RESULT_POSITIVE;
		count[cl->physician[i]][0]++;
		count[cl->physician[i]][1] += (uint32_t)pos;
		dcount[vi->dept[cl->visit[i]]][0]++;
		dcount[vi->dept[cl->visit[i]]][1] += (uint32_t)pos;
	}
	int rc = 0;
	for (cw_ref p = 0; rc == 0 && p < ph->n; p++)
		if (count[p][0] >= (uint64_t)c->min_resulted)
			rc = judge(ctx, out, p, CW_NONE, count[p][1], count[p][0]);
	for (cw_ref d = 0; rc == 0 && c->departments && d < de->n; d++)
		if (dcount[d][0] >= (uint64_t)c->dept_min_resulted)
			rc = judge(ctx, out, CW_NONE, d, dcount[d][1], dcount[d][0]);
	free(count);
	return rc;
}

const cw_detector cw_detector_low_positive_rate = {
	CW_DETECTOR_INIT,
	.name = "low_positive_rate",
	.title_zh = "大型设备检查阳性率低",
	.title_en = "Low positive rate",
	.summary = "a physician's or a department's large-equipment exams rarely positive: the rate below the 30% "
	           "floor (B1, B5)",
	.summary_zh = "医师或科室的大型设备检查阳性率低于30%的下限（B1、B5）",
	.dimension = "exam",
	.defaults = "{ \"threshold\": 0.30, \"min_resulted\": 20, \"departments\": true, "
	            "\"department_min_resulted\": 30, \"test\": \"floor\", \"confidence\": 0.95, "
	            "\"interval\": \"wilson\" }",
	.partition = CW_PARTITION_NONE,
	.configure = configure,
	.release = free,
	.scan = scan,
};
