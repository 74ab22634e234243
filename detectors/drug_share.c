/*
 * drug_share: a department, or a physician, whose drug share of revenue (药占比) is above its target.
 *
 * Serves E7 (全年的药品收入比例控制在48%左右: 48% by default), E9 (对超出药品比例的科室和个人将给予重罚;
 * 我院对各科的药比进行了制定工作: each department its own ratio, departments and individuals judged) and E10
 * (a cap per institution level, "××%" in the document: 48% too until a hospital sets its own). E8 (2-3 points
 * below last year) needs earlier months: the indicators judge it (indicators.csv, the report).
 *
 * Contract: one scan of the month (not partitioned). The month's claim lines, net of refunds, by the
 * department of their visit and by their physician (the ordering one, else the visit's attending): drug
 * lines / all lines. A department with min_department_revenue or more whose share is above its target
 * (by_department, else by_specialty, else target_by_level of its institution's level: the lookup the
 * indicators share, engine/indicators.h) gives a department-level finding (physician CW_NONE, dept set,
 * tag "department"); a physician with min_physician_revenue or more above the target of their
 * department gives a physician-level one (tag "physician"). No evidence lines (a share is the month's
 * whole billing); money at stake: the drug revenue above the target share (drug - target x revenue);
 * severity suspicious, class prescription, dimension medication.
 * The full rule, its source, keys and blind spots: docs/detectors/drug_share.md.
 */
#include <math.h>
#include <stdlib.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "engine/indicators.h"

typedef struct config {
	cw_section rules; /* detectors.drug_share: the targets, looked up per department in scan() */
	long long min_dept, min_phys; /* fen */
	double full_points;
	int physicians;
} config;

static int configure(void **out, const cw_section *rules)
{
	config *c = malloc(sizeof *c);
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	c->rules = *rules;
	double t, cut;
	int rc = 0;
	for (int level = 1; rc == 0 && level <= 3; level++)
		rc = cw_drug_share_level_target(&t, rules, level);
	if (rc < 0 || (rc = cw_section_money(&c->min_dept, rules, "min_department_revenue")) < 0 ||
	    (rc = cw_section_money(&c->min_phys, rules, "min_physician_revenue")) < 0 ||
	    (rc = cw_section_bool(&c->physicians, rules, "physicians")) < 0 ||
	    (rc = cw_section_double(&c->full_points, rules, "full_score_points", 0.01, 100)) < 0 ||
	    (rc = cw_section_double(&cut, rules, "yoy_cut_points", 0, 100)) < 0) {
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

typedef struct sums {
	cw_fen revenue, drug;
} sums;

/* One pass over the month's lines: each adds to its visit's department and its physician. */
static void tally(const cw_dataset *ds, sums *dept, sums *phys)
{
	const cw_claims *cl = cw_dataset_claims(ds);
	const cw_visits *vi = cw_dataset_visits(ds);
	const cw_items *it = cw_dataset_items(ds);
	for (size_t l = 0; l < cl->n; l++) {
		if (!(cl->flags[l] & CW_LINE_IN_MONTH))
			continue;
		int drug = it->category[cl->item[l]] == CW_CAT_DRUG;
		sums *d = &dept[vi->dept[cl->visit[l]]], *p = &phys[cl->physician[l]];
		d->revenue += cl->amount[l];
		p->revenue += cl->amount[l];
		if (drug) {
			d->drug += cl->amount[l];
			p->drug += cl->amount[l];
		}
	}
}

/* A finding when s's share is above target; f names who it is about. */
static int judge(const cw_scan *ctx, cw_findings *out, cw_finding *f, const sums *s, double target)
{
	const config *c = ctx->config;
	if (s->revenue <= 0 || !isfinite(target))
		return 0;
	double share = (double)s->drug / (double)s->revenue;
	if (!(share > target))
		return 0;
	f->cls = CW_CLASS_PRESCRIPTION;
	f->severity = CW_SUSPICIOUS;
	f->when = cw_dataset_window(ctx->ds)->month_end - 1;
	f->metric = "drug_share";
	f->value = share;
	f->expected = f->limit = target;
	f->suspect = s->drug - (cw_fen)llround(target * (double)s->revenue);
	if (f->suspect < 0)
		f->suspect = 0;
	f->score = fmin(1, 0.5 + 0.5 * (share - target) * 100 / c->full_points);
	char drug[CW_FMT_SIZE], rev[CW_FMT_SIZE], over[CW_FMT_SIZE];
	cw_format_money(drug, s->drug);
	cw_format_money(rev, s->revenue);
	cw_format_money(over, f->suspect);
	if (f->dept != CW_NONE)
		return cw_emit_i18n(out, f,
		                    "the department's drug share %.1f%% (%s of %s yuan billed in the month) is above its "
		                    "target %.1f%%: %s yuan of drugs beyond the target share",
		                    "科室药占比 %.1f%%(药品 %s 元,当月收入 %s 元)超过目标 %.1f%%:超出目标比例的药品收入 %s 元",
		                    100 * share, drug, rev, 100 * target, over);
	return cw_emit_i18n(out, f,
	                    "drug share %.1f%% of the lines the physician ordered (%s of %s yuan in the month) is above "
	                    "the department's target %.1f%%: %s yuan of drugs beyond the target share",
	                    "医师开单药占比 %.1f%%(药品 %s 元,当月开单 %s 元)超过科室目标 %.1f%%:超出目标比例的药品收入 %s 元",
	                    100 * share, drug, rev, 100 * target, over);
}

static int judge_all(const cw_scan *ctx, cw_findings *out, const sums *dept, const sums *phys, double *target)
{
	const config *c = ctx->config;
	const cw_departments *de = cw_dataset_departments(ctx->ds);
	const cw_physicians *ph = cw_dataset_physicians(ctx->ds);
	int rc = 0;
	for (cw_ref d = 0; rc == 0 && d < de->n; d++)
		rc = cw_drug_share_dept_target(&target[d], &c->rules, ctx->ds, d);
	for (cw_ref d = 0; rc == 0 && d < de->n; d++) {
		if (dept[d].revenue < c->min_dept)
			continue;
		cw_finding f = cw_finding_init();
		f.dept = d;
		f.tag = "department";
		rc = judge(ctx, out, &f, &dept[d], target[d]);
	}
	for (cw_ref p = 0; rc == 0 && c->physicians && p < ph->n; p++) {
		if (phys[p].revenue < c->min_phys)
			continue;
		cw_finding f = cw_finding_init();
		f.physician = p;
		f.tag = "physician";
		rc = judge(ctx, out, &f, &phys[p], target[ph->dept[p]]);
	}
	return rc;
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	size_t nd = cw_dataset_departments(ctx->ds)->n, np = cw_dataset_physicians(ctx->ds)->n;
	sums *dept = calloc(nd + 1, sizeof *dept), *phys = calloc(np + 1, sizeof *phys);
	double *target = calloc(nd + 1, sizeof *target);
	int rc = dept && phys && target ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
	if (rc == 0) {
		tally(ctx->ds, dept, phys);
		rc = judge_all(ctx, out, dept, phys, target);
	}
	free(dept);
	free(phys);
	free(target);
	return rc;
}

const cw_detector cw_detector_drug_share = {
	CW_DETECTOR_INIT,
	.name = "drug_share",
	.title_zh = "药占比超标",
	.title_en = "Drug share over target",
	.summary = "a department's or a physician's drug share of revenue above its target (48%, E7, E9, E10)",
	.summary_zh = "科室或医师的药品收入占比（药占比）高于其目标（48%，E7、E9、E10）",
	.dimension = "medication",
	.defaults = "{ \"target_by_level\": { \"level1\": 0.48, \"level2\": 0.48, \"level3\": 0.48 }, "
	            "\"by_specialty\": { \"*\": 0.48 }, \"by_department\": { \"*\": 0.48 }, "
	            "\"min_department_revenue\": 10000.0, \"physicians\": true, \"min_physician_revenue\": 5000.0, "
	            "\"full_score_points\": 10.0, \"yoy_cut_points\": 2.0 }",
	.partition = CW_PARTITION_NONE,
	.configure = configure,
	.release = free,
	.scan = scan,
};
