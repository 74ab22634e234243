/*
 * item_restriction: an item billed against its payment restrictions (限定支付).
 *
 * Contract: partitioned by patients. One finding per live line of the month and broken restriction of
 * its item (tag = sex_only, age_min, age_max, min_level or setting; `restrictions` lists those judged):
 * evidence the line, money at stake its amount, severity violation, class the item's category.
 * The full rule, its source, keys and blind spots: docs/detectors/item_restriction.md.
 */
#include <stdlib.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"

enum { R_SEX, R_AGE_MIN, R_AGE_MAX, R_LEVEL, R_SETTING, R_COUNT };
static const char *const restriction_names[R_COUNT + 1] = { "sex_only", "age_min", "age_max", "min_level",
	                                                    "setting", NULL };

typedef struct config {
	int check[R_COUNT]; /* which restrictions are judged */
} config;

static int configure(void **out, const cw_section *rules)
{
	const char **names = NULL;
	size_t n = 0;
	int rc = cw_section_strings(&names, &n, rules, "restrictions");
	if (rc < 0)
		return rc;
	config *c = calloc(1, sizeof *c);
	if (!c) {
		free(names);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		int r = 0;
		while (r < R_COUNT && strcmp(restriction_names[r], names[i]))
			r++;
		if (r == R_COUNT) {
			rc = cw_error_set(CW_EINVALID, "%s.restrictions[%zu]: unknown restriction '%s' (expected "
			                  "sex_only, age_min, age_max, min_level or setting)", rules->path, i, names[i]);
			free(names);
			free(c);
			return rc;
		}
		c->check[r] = 1;
	}
	free(names);
	*out = c;
	return 0;
}

static const char *sex_name(int s)
{
	return s == CW_SEX_M ? "M" : s == CW_SEX_F ? "F" : "U";
}

static const char *sex_name_zh(int s)
{
	return s == CW_SEX_M ? "男" : s == CW_SEX_F ? "女" : "不详";
}

/* The restrictions line i breaks, as bits of 1 << R_*. *age gets the age (or -1). */
static unsigned broken(const cw_scan *ctx, const config *c, uint32_t i, int *age)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	const cw_patients *pat = cw_dataset_patients(ctx->ds);
	const cw_visits *vis = cw_dataset_visits(ctx->ds);
	const cw_institutions *inst = cw_dataset_institutions(ctx->ds);
	cw_ref item = cl->item[i], p = cl->patient[i], v = cl->visit[i];
	unsigned bits = 0;
	int sex = pat->sex[p];
	if (it->sex_only[item] != CW_SEX_NONE && (sex == CW_SEX_M || sex == CW_SEX_F) && sex != it->sex_only[item])
		bits |= 1u << R_SEX;
	*age = -1;
	cw_day on = cw_day_of(cl->time[i]);
	if ((it->age_min[item] != CW_INT_NONE || it->age_max[item] != CW_INT_NONE) && pat->birth[p] != CW_DAY_NONE &&
	    pat->birth[p] <= on) /* born after the service: bad data, not judged */
		*age = cw_age_years(pat->birth[p], on);
	if (*age >= 0 && it->age_min[item] != CW_INT_NONE && *age < it->age_min[item])
		bits |= 1u << R_AGE_MIN;
	if (*age >= 0 && it->age_max[item] != CW_INT_NONE && *age > it->age_max[item])
		bits |= 1u << R_AGE_MAX;
	if (it->min_level[item] && inst->level[vis->inst[v]] < it->min_level[item])
		bits |= 1u << R_LEVEL;
	int inpatient = vis->kind[v] == CW_INPATIENT; /* else outpatient or emergency: outpatient */
	if ((it->setting[item] == CW_SETTING_OUTPATIENT && inpatient) ||
	    (it->setting[item] == CW_SETTING_INPATIENT && !inpatient))
		bits |= 1u << R_SETTING;
	for (int r = 0; r < R_COUNT; r++)
		if (!c->check[r])
			bits &= ~(1u << r);
	return bits;
}

static int emit(const cw_scan *ctx, cw_findings *out, uint32_t i, int r, int age)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	const cw_visits *vis = cw_dataset_visits(ctx->ds);
	const cw_institutions *inst = cw_dataset_institutions(ctx->ds);
	cw_ref item = cl->item[i], v = cl->visit[i];
	cw_finding f = cw_finding_init();
	f.physician = cl->physician[i];
	f.patient = cl->patient[i];
	f.visit = v;
	f.item = item;
	f.cls = it->category[item];
	f.severity = CW_VIOLATION;
	f.suspect = cl->amount[i];
	f.when = cl->time[i];
	f.lines = &i;
	f.nlines = 1;
	f.tag = restriction_names[r];
	const char *name = cw_dataset_str(ctx->ds, it->name[item]);
	char when[CW_FMT_SIZE];
	cw_format_time(when, f.when);
	switch (r) {
	case R_SEX:
		return cw_emit_i18n(out, &f, "%s (restricted to sex %s%.0s) billed at %s for a patient of sex %s%.0s",
		                    "%s（限%.0s%s性使用）于 %s 用于%.0s%s性患者，超限定支付范围", name,
		                    sex_name(it->sex_only[item]), sex_name_zh(it->sex_only[item]), when,
		                    sex_name(cw_dataset_patients(ctx->ds)->sex[f.patient]),
		                    sex_name_zh(cw_dataset_patients(ctx->ds)->sex[f.patient]));
	case R_AGE_MIN:
		return cw_emit_i18n(out, &f, "%s (minimum age %d) billed at %s for a patient aged %d",
		                    "%s（限 %d 岁及以上）于 %s 用于 %d 岁患者，超限定支付范围", name,
		                    (int)it->age_min[item], when, age);
	case R_AGE_MAX:
		return cw_emit_i18n(out, &f, "%s (maximum age %d) billed at %s for a patient aged %d",
		                    "%s（限 %d 岁及以下）于 %s 用于 %d 岁患者，超限定支付范围", name,
		                    (int)it->age_max[item], when, age);
	case R_LEVEL:
		return cw_emit_i18n(out, &f, "%s (institutions of level %d or higher) billed at %s by %s, of level %d",
		                    "%s（限 %d 级及以上医疗机构）于 %s 由 %s 收费，该机构为 %d 级，超限定支付范围", name,
		                    it->min_level[item], when, cw_dataset_str(ctx->ds, inst->id[vis->inst[v]]),
		                    inst->level[vis->inst[v]]);
	default:
		return cw_emit_i18n(out, &f, "%s (%s%.0s only) billed at %s on an %s%.0s visit",
		                    "%s（限%.0s%s使用）于 %s 在%.0s%s就诊中收费，超限定支付范围", name,
		                    it->setting[item] == CW_SETTING_INPATIENT ? "inpatient" : "outpatient",
		                    it->setting[item] == CW_SETTING_INPATIENT ? "住院" : "门诊", when,
		                    cw_visit_kind_name(vis->kind[v]), cw_visit_kind_name_zh(vis->kind[v]));
	}
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	const config *c = ctx->config;
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	const cw_patients *pat = cw_dataset_patients(ctx->ds);
	for (uint32_t i = pat->line_start[ctx->patient_begin]; i < pat->line_start[ctx->patient_end]; i++) {
		if (!cw_line_live(cl, i) || !(cl->flags[i] & CW_LINE_IN_MONTH))
			continue;
		cw_ref item = cl->item[i];
		if (it->sex_only[item] == CW_SEX_NONE && it->age_min[item] == CW_INT_NONE &&
		    it->age_max[item] == CW_INT_NONE && !it->min_level[item] && it->setting[item] == CW_SETTING_ANY)
			continue; /* the common case: an item without restrictions */
		int age;
		unsigned bits = broken(ctx, c, i, &age);
		for (int r = 0; bits && r < R_COUNT; r++)
			if (bits & (1u << r)) {
				int rc = emit(ctx, out, i, r, age);
				if (rc < 0)
					return rc;
			}
	}
	return 0;
}

const cw_detector cw_detector_item_restriction = {
	CW_DETECTOR_INIT,
	.name = "item_restriction",
	.title_zh = "限定支付",
	.title_en = "Restricted item",
	.summary = "an item billed against its sex, age, institution-level or setting restriction",
	.summary_zh = "项目收费违反其性别、年龄、医疗机构级别或门诊/住院的限定支付范围",
	.dimension = NULL,
	.defaults = "{ \"restrictions\": [\"sex_only\", \"age_min\", \"age_max\", \"min_level\", \"setting\"] }",
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = free,
	.scan = scan,
};
