/* prompts.c: the rules whose findings are prompts for an inspector, not violations (prompts.h). */
#include <string.h>
#include "judge/prompts.h"

const cw_detector cw_rule_budget_under_service = {
	CW_DETECTOR_INIT,
	.name = "budget_under_service",
	.title_zh = "总额预算下服务减少",
	.title_en = "Under-service under the global budget",
	.summary = "an institution's visits, stays or cost per case fell sharply in a month while its global budget "
	           "binds (document 004, I12): a prompt to look at its admissions and referrals, not a violation",
	.summary_zh = "总额预算吃紧时，机构当月门诊人次、住院人次或次均费用明显下降（文件 004，I12）："
	              "提示核查其收治与转诊情况，不作为违规",
	.dimension = NULL,
};

static const cw_detector *const rules[] = { &cw_rule_budget_under_service };

const cw_detector *cw_prompt_rule(const char *detector)
{
	for (size_t i = 0; detector && i < sizeof rules / sizeof *rules; i++)
		if (!strcmp(rules[i]->name, detector))
			return rules[i];
	return NULL;
}

int cw_finding_is_prompt(const char *detector)
{
	return cw_prompt_rule(detector) != NULL;
}
