/*
 * self_created_item: a claim line billing an item code the catalogue does not have (擅自设立收费项目,
 * requirement C1).
 *
 * Contract: partitioned by patients. Each live line of the month whose item is uncatalogued
 * (cw_items.uncatalogued: the builder keeps a line whose item_code is not in items and gives its code an
 * item of its own) is one finding: evidence the line, money at stake the line's amount, severity
 * violation, dimension treatment (the rules' dimensions.by_detector may move it), class other.
 * The full rule, its source, keys and blind spots: docs/detectors/self_created_item.md.
 */
#include <stdlib.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/scan.h"

static int configure(void **out, const cw_section *rules)
{
	(void)rules;
	*out = NULL;
	return 0;
}

static int emit_line(cw_findings *out, const cw_scan *ctx, uint32_t i)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	char amount[CW_FMT_SIZE];
	cw_finding f = cw_finding_init();
	f.physician = cl->physician[i];
	f.patient = cl->patient[i];
	f.visit = cl->visit[i];
	f.item = cl->item[i];
	f.cls = CW_CAT_OTHER;
	f.severity = CW_VIOLATION;
	f.suspect = cl->amount[i];
	f.when = cl->time[i];
	f.lines = &i;
	f.nlines = 1;
	f.tag = "self_created";
	return cw_emit_i18n(out, &f, "item code '%s' is not in the price catalogue (a self-created charge item), billed %s",
	                    "收费项目编码“%s”不在收费目录中（擅自设立收费项目），金额 %s",
	                    cw_dataset_str(ctx->ds, it->code[f.item]), cw_format_money(amount, cl->amount[i]));
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	const cw_patients *pat = cw_dataset_patients(ctx->ds);
	int rc = 0;
	for (uint32_t i = pat->line_start[ctx->patient_begin]; rc == 0 && i < pat->line_start[ctx->patient_end]; i++)
		if (it->uncatalogued[cl->item[i]] && cw_line_live(cl, i) && (cl->flags[i] & CW_LINE_IN_MONTH))
			rc = emit_line(out, ctx, i);
	return rc;
}

const cw_detector cw_detector_self_created_item = {
	CW_DETECTOR_INIT,
	.name = "self_created_item",
	.title_zh = "擅自设立收费项目",
	.title_en = "Self-created charge item",
	.summary = "a claim line billing an item code that is not in the price catalogue (items)",
	.summary_zh = "收费明细的项目编码不在价格目录（items）中：擅自设立收费项目",
	.dimension = "treatment",
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = free,
	.scan = scan,
};
