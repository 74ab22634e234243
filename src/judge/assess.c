/* assess.c: the score, grade and rank of institutions and departments (see assess.h, docs/institutions.md;
 * L1, L2, L3, L6, K1, F1-F3, H4, E5-E7, B5, G7). The files and the periods are in assess_file.c. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "engine/indicators.h"
#include "judge/assess.h"

static const struct {
	const char *name, *en, *zh;
	int floor;
} ai[CW_AI_N] = {
	{ "drug_share", "drug share", "药占比", 0 },
	{ "material_share", "material share", "耗材占比", 0 },
	{ "cost_per_visit", "cost per visit (yuan)", "门诊次均费用（元）", 0 },
	{ "cost_per_stay", "cost per stay (yuan)", "住院次均费用（元）", 0 },
	{ "cost_per_visit_growth", "growth of cost per visit", "门诊次均费用增长率", 0 },
	{ "cost_per_stay_growth", "growth of cost per stay", "住院次均费用增长率", 0 },
	{ "visits_per_patient", "visits per patient", "人次人头比", 0 },
	{ "self_pay_share", "self-pay share", "个人自付比例", 0 },
	{ "out_of_scope_share", "out-of-scope share", "自费（超范围）比例", 0 },
	{ "essential_drug_share", "essential drug share", "基本药物使用比例", 1 },
	{ "positive_rate", "large-equipment positive rate", "大型设备检查阳性率", 1 },
};

const char *cw_ai_name(int i) { return i >= 0 && i < CW_AI_N ? ai[i].name : "?"; }
const char *cw_ai_title(int i, int zh) { return i >= 0 && i < CW_AI_N ? (zh ? ai[i].zh : ai[i].en) : "?"; }
int cw_ai_is_floor(int i) { return i >= 0 && i < CW_AI_N && ai[i].floor; }

/* --- rules ------------------------------------------------------------------------------------------ */

static int part(double *points, double *max, const cw_section *s, const char *name, const char *key)
{
	cw_section p = cw_section_child(s, name);
	int rc = cw_section_double(points, &p, key, 0, 1000);
	return rc < 0 ? rc : cw_section_double(max, &p, "max_points", 0, 100);
}

static int grades(double cut[3], const cw_section *s)
{
	static const char *const names[] = { "A", "B", "C" };
	cw_section g = cw_section_child(s, "grades");
	for (int i = 0; i < 3; i++) {
		int rc = cw_section_double(&cut[i], &g, names[i], 0, 100);
		if (rc < 0)
			return rc;
		if (i && cut[i] > cut[i - 1])
			return cw_error_set(CW_EINVALID, "%s.grades.%s: %g is above grades.%s (%g): the cut-offs go down "
			                    "from A to C", s->path, names[i], cut[i], names[i - 1], cut[i - 1]);
	}
	return 0;
}

int cw_assess_rules_load(cw_assess_rules *out, const cw_rules *rules)
{
	memset(out, 0, sizeof *out);
	out->section = cw_rules_section(rules, "assessment");
	cw_section ind = cw_section_child(&out->section, "indicators");
	int rc = 0;
	for (int i = 0; rc == 0 && i < CW_AI_N; i++) {
		cw_section x = cw_section_child(&ind, ai[i].name);
		rc = cw_section_double(&out->points[i], &x, "points", 0, 100);
	}
	if (rc == 0)
		rc = part(&out->findings_points, &out->findings_max, &out->section, "findings", "points_per_100_visits");
	if (rc == 0)
		rc = part(&out->money_points, &out->money_max, &out->section, "money", "points_per_percent");
	if (rc == 0)
		rc = part(&out->data_points, &out->data_max, &out->section, "data_quality", "points_per_percent");
	return rc == 0 ? grades(out->cut, &out->section) : rc;
}

/* map[key] into *out: 1 when the map has it, 0 when not. */
static int lookup(double *out, const cw_section *s, const char *map, const char *key, double min, double max)
{
	cw_section m = cw_section_child(s, map);
	if (!key || !*key || !strcmp(key, "*"))
		return 0;
	int rc = cw_section_double(out, &m, key, min, max);
	if (rc == CW_ENOTFOUND) {
		cw_error_clear();
		return 0;
	}
	return rc < 0 ? rc : 1;
}

int cw_assess_target(double *out, const cw_assess_rules *ar, int i, const char *inst, const char *dept, int level)
{
	char key[16];
	int growth = i == CW_AI_VISIT_GROWTH || i == CW_AI_STAY_GROWTH;
	double max = i == CW_AI_COST_PER_VISIT || i == CW_AI_COST_PER_STAY ? 1e9 : i == CW_AI_VISITS_PER_PATIENT ? 1000 :
	             growth ? 10 : 1;
	double min = growth ? -1 : 0; /* a growth cap may be a fall */
	cw_section ind = cw_section_child(&ar->section, "indicators");
	cw_section s = cw_section_child(&ind, ai[i].name);
	*out = NAN;
	int rc = dept && *dept ? lookup(out, &s, "by_department", dept, min, max) : 0;
	if (rc == 0)
		rc = lookup(out, &s, "by_institution", inst, min, max);
	if (rc == 0) {
		cw_section lv = cw_section_child(&s, "by_level");
		snprintf(key, sizeof key, "level%d", level);
		rc = cw_section_double(out, &lv, key, min, max);
	}
	if (rc < 0)
		return rc;
	if (*out == 0)
		*out = NAN;
	return 0;
}

/* --- score ------------------------------------------------------------------------------------------ */

void cw_assess_row_init(cw_assess_row *r)
{
	memset(r, 0, sizeof *r);
	r->patients = CW_ASSESS_UNKNOWN;
	r->material = r->essential = r->fund_paid = r->self_paid = r->out_of_scope = CW_FEN_NONE;
	r->violation_fund = r->confirmed_fund = CW_FEN_NONE;
	r->fund_estimated = CW_ASSESS_UNKNOWN;
	r->last_per_visit = r->last_per_stay = NAN;
	for (int i = 0; i < CW_AI_N; i++)
		r->target[i] = r->value[i] = NAN;
}

/* a / b for money, NAN when either is unknown or b is not positive. */
static double share(cw_fen a, cw_fen b)
{
	return a == CW_FEN_NONE || b == CW_FEN_NONE || b <= 0 ? NAN : (double)a / (double)b;
}

static double ratio(int64_t a, int64_t b)
{
	return a < 0 || b <= 0 ? NAN : (double)a / (double)b;
}

static void values(cw_assess_row *r)
{
	double *v = r->value;
	v[CW_AI_DRUG_SHARE] = share(r->drug, r->revenue);
	v[CW_AI_MATERIAL_SHARE] = share(r->material, r->revenue);
	v[CW_AI_COST_PER_VISIT] = r->visits > 0 ? (double)r->visit_cost / 100.0 / (double)r->visits : NAN;
	v[CW_AI_COST_PER_STAY] = r->stays > 0 ? (double)r->stay_cost / 100.0 / (double)r->stays : NAN;
	v[CW_AI_VISIT_GROWTH] = cw_growth(v[CW_AI_COST_PER_VISIT], r->last_per_visit);
	v[CW_AI_STAY_GROWTH] = cw_growth(v[CW_AI_COST_PER_STAY], r->last_per_stay);
	v[CW_AI_VISITS_PER_PATIENT] = ratio(r->visits + r->stays, r->patients);
	v[CW_AI_SELF_PAY_SHARE] = share(r->self_paid, r->revenue);
	v[CW_AI_OUT_OF_SCOPE_SHARE] = share(r->out_of_scope, r->revenue);
	v[CW_AI_ESSENTIAL_SHARE] = share(r->essential, r->drug);
	v[CW_AI_POSITIVE_RATE] = ratio(r->positive, r->resulted);
}

/* points x value, at most max; 0 without a value. */
static double capped(double points, double value, double max)
{
	if (!isfinite(value) || value <= 0)
		return 0;
	double d = points * value;
	return d < max ? d : max;
}

char cw_assess_grade_of(long long score, const cw_assess_rules *ar)
{
	for (int i = 0; i < 3; i++)
		if (score >= llround(ar->cut[i] * 100))
			return (char)('A' + i);
	return 'D';
}

void cw_assess_grade(cw_assess_row *r, const cw_assess_rules *ar)
{
	values(r);
	r->ded_indicators = 0;
	for (int i = 0; i < CW_AI_N; i++) {
		double v = r->value[i], t = r->target[i];
		r->over[i] = isfinite(v) && isfinite(t) && (ai[i].floor ? v < t : v > t);
		if (r->over[i])
			r->ded_indicators += ar->points[i];
	}
	r->per_100_visits = r->visits + r->stays > 0 ? 100.0 * (double)r->findings / (double)(r->visits + r->stays) : NAN;
	r->violation_share = share(r->violation, r->revenue);
	r->rejected_share = ratio(r->rejected_rows, r->claim_lines + r->rejected_rows);
	r->ded_findings = capped(ar->findings_points, r->per_100_visits, ar->findings_max);
	r->ded_money = capped(ar->money_points, 100 * r->violation_share, ar->money_max);
	r->ded_data = capped(ar->data_points, 100 * r->rejected_share, ar->data_max);
	double total = r->ded_indicators + r->ded_findings + r->ded_money + r->ded_data;
	r->score = llround((100.0 - total) * 100);
	if (r->score < 0)
		r->score = 0;
	r->grade = cw_assess_grade_of(r->score, ar);
}

/* --- ranks ------------------------------------------------------------------------------------------ */

static void group_of(cw_assess_row *r, int dept)
{
	if (dept)
		snprintf(r->rank_group, sizeof r->rank_group, "%s", r->inst);
	else if (r->region[0])
		snprintf(r->rank_group, sizeof r->rank_group, "%s", r->region);
	else
		snprintf(r->rank_group, sizeof r->rank_group, "level%d", r->level);
}

static int by_rank(const void *pa, const void *pb)
{
	const cw_assess_row *a = *(const cw_assess_row *const *)pa, *b = *(const cw_assess_row *const *)pb;
	int c = strcmp(a->rank_group, b->rank_group);
	if (c)
		return c;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->violation != b->violation)
		return a->violation < b->violation ? -1 : 1;
	c = strcmp(a->inst, b->inst);
	return c ? c : strcmp(a->dept, b->dept);
}

int cw_assess_rank(cw_assess_row *rows, size_t n, int dept)
{
	cw_assess_row **p = malloc((n + 1) * sizeof *p);
	if (!p)
		return cw_error_set(CW_ENOMEM, "out of memory ranking the assessment");
	for (size_t i = 0; i < n; i++) {
		group_of(&rows[i], dept);
		p[i] = &rows[i];
	}
	qsort(p, n, sizeof *p, by_rank);
	for (size_t i = 0, start = 0; i < n; i++) {
		if (i && strcmp(p[i]->rank_group, p[i - 1]->rank_group))
			start = i;
		p[i]->rank = (int)(i - start + 1);
		size_t end = i + 1;
		while (end < n && !strcmp(p[end]->rank_group, p[i]->rank_group))
			end++;
		p[i]->rank_of = (int)(end - start);
	}
	free(p);
	return 0;
}

cw_assess_row *cw_assess_table_add(cw_assess_table *t)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 32;
		cw_assess_row *r = realloc(t->rows, cap * sizeof *r);
		if (!r) {
			cw_error_set(CW_ENOMEM, "out of memory building the assessment");
			return NULL;
		}
		t->rows = r;
		t->cap = cap;
	}
	cw_assess_row *r = &t->rows[t->n++];
	cw_assess_row_init(r);
	return r;
}

size_t cw_assess_count_grades(size_t by_grade[4], const cw_assess_table *t)
{
	size_t ungraded = 0;
	for (int k = 0; k < 4; k++)
		by_grade[k] = 0;
	for (size_t i = 0; i < t->n; i++) {
		char g = t->rows[i].grade;
		if (g >= 'A' && g <= 'D')
			by_grade[g - 'A']++;
		else
			ungraded++;
	}
	return ungraded;
}

void cw_assess_table_free(cw_assess_table *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n = t->cap = 0;
}
