/* budget_rules.c: the rules section "budget" (document 004, I1-I3; docs/budget.md, docs/rules.md) read
 * into cw_budget_rules, every share in ppm, each key checked against its range. */
#include <string.h>
#include "claimwatch/error.h"
#include "judge/budget.h"

static int share(int64_t *out, const cw_section *s, const char *key, double min, double max)
{
	double v;
	int rc = cw_section_double(&v, s, key, min, max);
	if (rc == 0)
		*out = cw_ppm(v);
	return rc;
}

static int shares(cw_budget_rules *r, const cw_section *s)
{
	int rc = share(&r->prepay_ppm, s, "prepay_share", 0, 1);
	if (rc == 0)
		rc = share(&r->band1_ppm, s, "band1_over", 0, 10);
	if (rc == 0)
		rc = share(&r->band2_ppm, s, "band2_over", 0, 10);
	if (rc == 0)
		rc = share(&r->band1_fund_ppm, s, "band1_fund_share", 0, 1);
	if (rc == 0)
		rc = share(&r->band2_fund_ppm, s, "band2_fund_share", 0, 1);
	if (rc == 0)
		rc = share(&r->beyond_fund_ppm, s, "beyond_fund_share", 0, 1);
	if (rc == 0)
		rc = share(&r->surplus_ppm, s, "surplus_kept_share", 0, 1);
	if (rc == 0)
		rc = share(&r->growth_ppm, s, "growth", 0.05, 0.10); /* I3: 增幅应控制在5%~10% */
	if (rc == 0)
		rc = share(&r->alert1_ppm, s, "alert1_over", 0, 10);
	if (rc == 0)
		rc = share(&r->alert2_ppm, s, "alert2_over", 0, 10);
	if (rc == 0 && r->band2_ppm < r->band1_ppm)
		rc = cw_error_set(CW_EINVALID, "%s.band2_over: must not be below band1_over", s->path);
	if (rc == 0 && r->alert2_ppm < r->alert1_ppm)
		rc = cw_error_set(CW_EINVALID, "%s.alert2_over: must not be below alert1_over", s->path);
	return rc;
}

static int holdback(cw_budget_rules *r, const cw_section *s)
{
	static const char *const grade[CW_BUDGET_GRADES] = { "A", "B", "C", "D" };
	cw_section h = cw_section_child(s, "holdback_return");
	int rc = 0;
	for (int g = 0; g < CW_BUDGET_GRADES && rc == 0; g++)
		rc = share(&r->holdback_ppm[g], &h, grade[g], 0, 1);
	return rc;
}

static int under_service(cw_budget_rules *r, const cw_section *s)
{
	cw_section u = cw_section_child(s, "under_service");
	long long months;
	int rc = share(&r->drop_ppm, &u, "drop", 0, 1);
	if (rc == 0)
		rc = share(&r->bind_ppm, &u, "bind_share", 0, 10);
	if (rc == 0 && (rc = cw_section_int(&months, &u, "baseline_months", 1, 11)) == 0)
		r->baseline_months = (int)months;
	if (rc == 0 && (rc = cw_section_int(&months, &u, "min_volume", 0, 1000000)) == 0)
		r->min_volume = (int)months;
	return rc;
}

int cw_budget_rules_load(cw_budget_rules *out, const cw_rules *rules)
{
	static const char *const basis[] = { "capped", "budget", "used", NULL };
	cw_budget_rules r;
	long long years;
	cw_budget_rules_default(&r);
	if (!rules)
		return *out = r, 0;
	cw_section s = cw_rules_section(rules, "budget");
	int rc = shares(&r, &s);
	if (rc == 0)
		rc = cw_section_choice(&r.basis, &s, "prepay_basis", basis);
	if (rc == 0 && (rc = cw_section_int(&years, &s, "base_years", 1, 10)) == 0)
		r.base_years = (int)years;
	if (rc == 0)
		rc = holdback(&r, &s);
	if (rc == 0)
		rc = under_service(&r, &s);
	if (rc == 0)
		rc = cw_section_bool(&r.share_needs_targets, &s, "share_needs_targets");
	if (rc == 0)
		*out = r;
	return rc;
}

int cw_budget_grade_parse(const char *s)
{
	if (!s || !s[0] || s[1])
		return -1;
	return s[0] >= 'A' && s[0] <= 'D' ? s[0] - 'A' : -1;
}

int cw_budget_rules_grade(int *out, const cw_rules *rules, const char *inst_id)
{
	cw_section s = cw_rules_section(rules, "budget"), g = cw_section_child(&s, "grades");
	const char *v;
	const cw_section *in = &g;
	int rc = strcmp(inst_id, "*") ? cw_section_string(&v, &g, inst_id) : CW_ENOTFOUND;
	const char *key = inst_id;
	if (rc == CW_ENOTFOUND)
		rc = cw_section_string(&v, in = &s, key = "default_grade");
	if (rc < 0)
		return rc;
	int grade = cw_budget_grade_parse(v);
	if (grade < 0)
		return cw_error_set(CW_EINVALID, "%s.%s: a grade is A, B, C or D, not '%s'", in->path, key, v);
	*out = grade;
	return 0;
}
