/* summary_scoring.c: the "scoring" part of summary.json: physicians scored and ranked, grades,
 * inspectors' decisions applied, sanctions due and the cycle's missing months. */
#include <stdio.h>
#include <string.h>
#include "io/jsonfield.h"
#include "run/run.h"

static cJSON *grades_json(const cw_month_run *mr)
{
	cJSON *o = cJSON_CreateObject();
	const cw_scores *s = mr->scores;
	for (size_t d = 0; s && d <= s->ndims; d++) {
		size_t count[CW_GRADE_UNREASONABLE + 1] = { 0 };
		for (size_t i = 0; i < s->n; i++)
			if (s->rows[i].dim[d].grade >= 0)
				count[s->rows[i].dim[d].grade]++;
		cJSON *g = cJSON_AddObjectToObject(o, d < s->ndims ? cw_dimset_name(mr->dims, d) : "composite");
		for (int k = 0; k <= CW_GRADE_UNREASONABLE; k++)
			cJSON_AddNumberToObject(g, cw_grade_name(k), (double)count[k]);
	}
	return o;
}

/* The physicians under scoring.min_visits: how many, ranked or not, and those of them with findings. */
static cJSON *under_floor_json(const cw_month_run *mr)
{
	cJSON *o = cJSON_CreateObject();
	const cw_scores *s = mr->scores;
	size_t n = 0, with = 0;
	cw_fen money = 0;
	char buf[CW_FMT_SIZE];
	for (size_t i = 0; s && i < s->n; i++) {
		const cw_physcore *p = &s->rows[i];
		if (!p->under_floor)
			continue;
		n++;
		with += p->dim[s->ndims].findings > 0;
		money += p->dim[s->ndims].suspect;
	}
	cJSON_AddNumberToObject(o, "physicians", (double)n);
	cJSON_AddNumberToObject(o, "with_findings", (double)with);
	cJSON_AddStringToObject(o, "suspect_amount", cw_format_money(buf, money));
	cJSON_AddBoolToObject(o, "ranked", mr->score_rules.rank_too_few);
	return o;
}

static cJSON *sanctions_json(const cw_month_run *mr)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "cycle", mr->sanctions.cycle);
	cJSON_AddNumberToObject(o, "months_read", mr->sanctions.months_read);
	cJSON *miss = cJSON_AddArrayToObject(o, "missing_months");
	char buf[sizeof mr->sanctions.missing], *save = NULL;
	snprintf(buf, sizeof buf, "%s", mr->sanctions.missing);
	for (char *m = strtok_r(buf, " ", &save); m; m = strtok_r(NULL, " ", &save))
		cw_json_push(miss, cJSON_CreateString(m));
	if (mr->sanctions.missing[0])
		cJSON_AddStringToObject(o, "warning", "earlier months of the cycle have no results under the output "
		                        "root: their firsts are not counted");
	for (int level = 1; level <= CW_LEVELS; level++) {
		char key[16];
		snprintf(key, sizeof key, "level%d_due", level);
		cJSON_AddNumberToObject(o, key, (double)mr->sanctions.due[level]);
	}
	return o;
}

cJSON *cw_scoring_summary(const cw_month_run *mr)
{
	cJSON *o = cJSON_CreateObject();
	const cw_scores *s = mr->scores;
	cJSON_AddNumberToObject(o, "physicians", s ? (double)s->n : 0);
	cJSON_AddNumberToObject(o, "ranked", s ? (double)s->ranked : 0);
	cJSON_AddNumberToObject(o, "too_few_cases", s ? (double)s->too_few : 0);
	cJSON_AddNumberToObject(o, "min_visits", (double)mr->score_rules.min_visits);
	cw_json_add(o, "under_min_visits", under_floor_json(mr));
	cJSON_AddStringToObject(o, "scope", cw_scope_name(mr->score_rules.scope));
	cw_json_add(o, "grades", grades_json(mr));
	cJSON *rv = cJSON_AddObjectToObject(o, "reviews");
	cJSON_AddNumberToObject(rv, "decisions", (double)cw_reviews_count(mr->reviews));
	cJSON_AddNumberToObject(rv, "dismissed_findings", s ? (double)s->dismissed : 0);
	cJSON_AddNumberToObject(rv, "confirmed_findings", s ? (double)s->confirmed : 0);
	cw_json_add(o, "sanctions", sanctions_json(mr));
	return o;
}
