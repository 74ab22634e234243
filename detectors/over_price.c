/*
 * over_price: a claim line whose unit price passes the item's price ceiling (超标准收费).
 *
 * Contract: partitioned by patients. A live line of the month with unit_price > std_price + tolerance
 * is one finding: evidence the line, money at stake the excess per unit times the quantity, severity
 * violation, class the item's category.
 * The full rule, its source, keys and blind spots: docs/detectors/over_price.md.
 */
#include <stdlib.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/scan.h"

typedef struct config {
	cw_fen tolerance; /* fen per unit allowed above the ceiling */
} config;

static int configure(void **out, const cw_section *rules)
{
	config *c = malloc(sizeof *c);
	long long tol;
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int rc = cw_section_money(&tol, rules, "tolerance");
	if (rc < 0) {
		free(c);
		return rc;
	}
	c->tolerance = tol;
	*out = c;
	return 0;
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	const config *c = ctx->config;
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	const cw_patients *pat = cw_dataset_patients(ctx->ds);
	char price[CW_FMT_SIZE], ceiling[CW_FMT_SIZE];
	for (uint32_t i = pat->line_start[ctx->patient_begin]; i < pat->line_start[ctx->patient_end]; i++) {
		if (!cw_line_live(cl, i) || !(cl->flags[i] & CW_LINE_IN_MONTH))
			continue;
		cw_ref item = cl->item[i];
		if (cl->unit_price[i] <= it->std_price[item] + c->tolerance)
			continue;
		cw_finding f = cw_finding_init();
		f.physician = cl->physician[i];
		f.patient = cl->patient[i];
		f.visit = cl->visit[i];
		f.item = item;
		f.cls = it->category[item];
		f.severity = CW_VIOLATION;
		f.suspect = cw_muldiv_round(cl->unit_price[i] - it->std_price[item], cl->qty[i], CW_QTY_ONE);
		f.when = cl->time[i];
		f.lines = &i;
		f.nlines = 1;
		f.tag = "over_price";
		int rc = cw_emit_i18n(out, &f, "%s billed at %s per unit, above the ceiling of %s",
		                      "%s 收费单价 %s，超过限价 %s（超标准收费）",
		                      cw_dataset_str(ctx->ds, it->name[item]), cw_format_money(price, cl->unit_price[i]),
		                      cw_format_money(ceiling, it->std_price[item]));
		if (rc < 0)
			return rc;
	}
	return 0;
}

const cw_detector cw_detector_over_price = {
	CW_DETECTOR_INIT,
	.name = "over_price",
	.title_zh = "超标准收费",
	.title_en = "Over-price billing",
	.summary = "a line's unit price above the item's std_price (the catalogue's ceiling)",
	.summary_zh = "收费单价高于项目目录的标准价格（限价）",
	.dimension = NULL,
	.defaults = "{ \"tolerance\": 0.0 }",
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = free,
	.scan = scan,
};
