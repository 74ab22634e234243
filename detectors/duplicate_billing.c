/*
 * duplicate_billing: the same item billed twice for the same patient at the same minute (重复收费).
 *
 * Rule: two or more claim lines of one patient with the same item and the same
 * service minute, in any visit. Money at stake: every line of the group but the
 * first. Severity: violation.
 * Source: 重复收费 in the NHSA's list of irregular billing; hospital systems
 * that post an order twice produce exactly this pattern.
 * Blind spots: a duplicate posted a minute later (it looks like a second
 * service; see over_frequency for items with a daily maximum); a duplicate
 * cancelled by a refund after the month.
 */
#include <stdlib.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"

static int configure(const cw_section *rules, void **out)
{
	(void)rules;
	*out = NULL;
	return 0;
}

static int live(const cw_claims *cl, uint32_t i)
{
	return !(cl->flags[i] & (CW_LINE_REFUND | CW_LINE_REFUNDED));
}

/* Emits one finding for a group of live lines of one patient, item and minute. */
static int emit_group(const cw_scan *ctx, cw_findings *out, const uint32_t *group, size_t n)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	uint32_t first = group[0];
	cw_finding f = cw_finding_init();
	f.physician = cl->physician[first];
	f.patient = cl->patient[first];
	f.visit = cl->visit[first];
	f.item = cl->item[first];
	f.cls = it->category[f.item];
	f.severity = CW_VIOLATION;
	for (size_t k = 1; k < n; k++)
		f.suspect += cl->amount[group[k]];
	f.when = cl->time[first];
	f.lines = group;
	f.nlines = n;
	f.tag = "duplicate";
	char when[CW_FMT_SIZE];
	return cw_emit(out, &f, "%s billed %zu times at %s", cw_dataset_str(ctx->ds, it->name[f.item]), n,
	               cw_format_time(f.when, when));
}

static int scan(const cw_scan *ctx, cw_findings *out)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_patients *pat = cw_dataset_patients(ctx->ds);
	uint32_t end = pat->line_start[ctx->patient_end];
	uint32_t group[64];
	/* A patient's lines are in time order: each minute is a short run. */
	for (uint32_t lo = pat->line_start[ctx->patient_begin]; lo < end;) {
		uint32_t hi = lo + 1;
		while (hi < end && cl->patient[hi] == cl->patient[lo] && cl->time[hi] == cl->time[lo])
			hi++;
		if (hi - lo > 1 && (cl->flags[lo] & CW_LINE_IN_MONTH)) {
			for (uint32_t i = lo; i < hi; i++) {
				if (!live(cl, i))
					continue;
				size_t n = 0, seen_before = 0;
				for (uint32_t j = lo; j < i; j++)
					seen_before |= live(cl, j) && cl->item[j] == cl->item[i];
				if (seen_before)
					continue;
				for (uint32_t j = i; j < hi && n < sizeof group / sizeof *group; j++)
					if (live(cl, j) && cl->item[j] == cl->item[i])
						group[n++] = j;
				if (n > 1) {
					int rc = emit_group(ctx, out, group, n);
					if (rc < 0)
						return rc;
				}
			}
		}
		lo = hi;
	}
	return 0;
}

const cw_detector cw_detector_duplicate_billing = {
	.name = "duplicate_billing",
	.title_zh = "重复收费",
	.summary = "the same item billed twice for the same patient at the same minute",
	.dimension = NULL,
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = free,
	.scan = scan,
};
