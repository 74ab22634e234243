/* budget_under.c: the I12 under-service signals of a month as findings at institution level (document 004,
 * I12; docs/budget.md, "Under-service (I12)"): one finding of the rule budget_under_service (prompts.h) per
 * institution whose budget book signals the month. No evidence lines, no money: a prompt for an inspector.
 * Its id hashes the rule, the month and the institution, so the same month gives the same id run after
 * run and an inspector's decision stays attached to it. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "claimwatch/error.h"
#include "dataset/pool.h"
#include "engine/findings_impl.h"
#include "judge/budget_book.h"
#include "judge/prompts.h"

void cw_budget_under_id(char id[CW_FINDING_ID_SIZE], const char *inst_id, cw_month m)
{
	const char *rule = cw_rule_budget_under_service.name;
	char month[8];
	cw_month_format(month, m);
	uint64_t h = cw_hash(rule, strlen(rule));
	h = h * 31 + cw_hash(month, 7);
	h = h * 31 + cw_hash(inst_id, strlen(inst_id));
	snprintf(id, CW_FINDING_ID_SIZE, "F%016llx", (unsigned long long)h);
}

/* Use to date against the budget to date at month k (0-based). */
static double pace(const cw_budget_inst *x, int k)
{
	cw_fen used = 0, budget = 0;
	for (int j = 0; j <= k; j++) {
		budget += x->m[j].budget;
		used += x->have[j] ? x->m[j].used : 0;
	}
	return budget > 0 ? (double)used / (double)budget : NAN;
}

static int add_one(cw_findings *out, const cw_budget_book *b, const cw_budget_inst *x, int k, cw_month m,
                   const cw_dataset *ds, int dimension)
{
	char id[CW_FINDING_ID_SIZE], what_en[160], what_zh[160], en[512], zh[512];
	int base = k < b->rules.baseline_months ? k : b->rules.baseline_months;
	cw_ref inst = cw_dataset_find(ds, CW_T_INSTITUTIONS, x->inst_id);
	if (inst == CW_NONE) /* the month's indicators name it, so its data does: a book of other data */
		return cw_error_set(CW_EINVALID, "budget: institution %s of the budget book is not in the month's data",
		                    x->inst_id);
	cw_budget_under_id(id, x->inst_id, m);
	cw_budget_under_text(what_en, sizeof what_en, x, k, 0);
	cw_budget_under_text(what_zh, sizeof what_zh, x, k, 1);
	double p = pace(x, k), top = 0;
	for (int s = 0; s < 3; s++)
		if (isfinite(x->under_fall[k][s]) && x->under_fall[k][s] > top)
			top = x->under_fall[k][s];
	snprintf(en, sizeof en, "%s against the mean of the %d month(s) before, while the global budget binds (use to "
	         "date %.1f%% of the budget to date%s): a prompt to check admissions and referrals (I12)", what_en, base,
	         100.0 * p, x->proj[k].alert ? ", projection alert" : "");
	snprintf(zh, sizeof zh, "%s（较前 %d 个月均值），总额预算吃紧（累计使用为累计预算的 %.1f%%%s）：请核查收治与转诊"
	         "（I12）", what_zh, base, 100.0 * p, x->proj[k].alert ? "，年末预测预警" : "");
	cw_finding f = cw_finding_init();
	f.severity = CW_NOTICE;
	f.score = top < 1 ? top : 1;
	f.tag = "under_service";
	f.metric = "budget_pace";
	f.value = p;
	f.limit = (double)b->rules.bind_ppm / 1e6;
	cw_placed at = { &cw_rule_budget_under_service, dimension, inst, CW_NONE, id };
	return cw_findings_add_placed(out, &f, en, zh, &at);
}

int cw_budget_under_findings(cw_findings *out, const cw_budget_book *b, cw_month m, const cw_dataset *ds,
                             int dimension)
{
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < b->n; i++) {
		const cw_budget_inst *x = &b->inst[i];
		if (x->year == m.year && x->under[m.month - 1])
			rc = add_one(out, b, x, m.month - 1, m, ds, dimension);
	}
	return rc;
}
