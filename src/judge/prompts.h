/* prompts.h: the rules whose findings are prompts for an inspector, not violations (issue 15; document 004,
 * I12). Their findings are rows of findings.csv like any other (a stable id, an institution, a reason in
 * both languages) so that an inspector can review them, sample them and open them with `claimwatch case`;
 * but they accuse nobody of a breach: they have no evidence lines and no money, and they count in none of
 * the figures built on violations — the institutions' assessment and sanctions, the physicians' ranking,
 * sanctions and blacklist, the global budget's confirmed violations — nor in `claimwatch eval`'s precision.
 * They are made after the month's other outputs (budget.csv), not by the detectors, so they are not in the
 * rules' registry: cw_prompt_rule gives their description instead. */
#ifndef CW_PROMPTS_H
#define CW_PROMPTS_H
#include "claimwatch/detector.h"

/* budget_under_service (docs/budget.md, "Under-service (I12)"): an institution's visits, stays or cost
 * per case fell sharply in a month while its global budget binds. */
extern const cw_detector cw_rule_budget_under_service;

/* 1 when the findings of `detector` (a name as findings.csv's column detector gives it) are prompts,
 * which the figures above must not count; 0 otherwise (NULL too). The one place that says so. */
int cw_finding_is_prompt(const char *detector);

/* The prompt rule of that name, NULL when `detector` is none (a detector of the registry, say). */
const cw_detector *cw_prompt_rule(const char *detector);

#endif
