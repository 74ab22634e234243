/*
 * duplicate_billing: the same item billed twice for the same patient at the same minute (重复收费).
 *
 * Contract: partitioned by patients. Two or more live lines of one patient with the same item and
 * service minute (any visit) are one finding: evidence the group's lines, money at stake every line but
 * the first, severity violation, class the item's category.
 * The full rule, its source and blind spots: docs/detectors/duplicate_billing.md.
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
	return cw_emit_i18n(out, &f, "%s billed %zu times at %s", "%s 同一时刻收费 %zu 次（%s），重复收费",
	                    cw_dataset_str(ctx->ds, it->name[f.item]), n, cw_format_time(when, f.when));
}

/* Scratch space for one minute's lines, reused: (item << 32 | row) keys and
 * one group's rows. Sized to the longest run, so a minute with thousands of
 * lines (a stay's charges posted at once) costs a sort, not a quadratic scan. */
typedef struct scratch {
	uint64_t *keys;
	uint32_t *group;
	size_t keys_cap, group_cap;
} scratch;

/* Lines rows [lo, hi) share patient and minute: one finding per item billed twice or more. */
static int judge_minute(const cw_scan *ctx, cw_findings *out, scratch *s, uint32_t lo, uint32_t hi)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	size_t n = 0;
	int rc = 0;
	if (cw_grow((void **)&s->keys, &s->keys_cap, hi - lo, sizeof *s->keys) < 0 ||
	    cw_grow((void **)&s->group, &s->group_cap, hi - lo, sizeof *s->group) < 0)
		return CW_ENOMEM;
	for (uint32_t i = lo; i < hi; i++)
		if (cw_line_live(cl, i))
			s->keys[n++] = (uint64_t)cl->item[i] << 32 | i;
	cw_sort_u64(s->keys, n); /* by item, then canonical order */
	for (size_t a = 0, b; rc == 0 && a < n; a = b) {
		for (b = a; b < n && s->keys[b] >> 32 == s->keys[a] >> 32; b++)
			s->group[b - a] = (uint32_t)s->keys[b];
		if (b - a > 1)
			rc = emit_group(ctx, out, s->group, b - a);
	}
	return rc;
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_patients *pat = cw_dataset_patients(ctx->ds);
	uint32_t end = pat->line_start[ctx->patient_end];
	scratch s = { 0 };
	int rc = 0;
	/* A patient's lines are in time order: each minute is a short run. */
	for (uint32_t lo = pat->line_start[ctx->patient_begin], hi; rc == 0 && lo < end; lo = hi) {
		for (hi = lo + 1; hi < end && cl->patient[hi] == cl->patient[lo] && cl->time[hi] == cl->time[lo];)
			hi++;
		if (hi - lo > 1 && (cl->flags[lo] & CW_LINE_IN_MONTH))
			rc = judge_minute(ctx, out, &s, lo, hi);
	}
	free(s.keys);
	free(s.group);
	return rc;
}

const cw_detector cw_detector_duplicate_billing = {
	CW_DETECTOR_INIT,
	.name = "duplicate_billing",
	.title_zh = "重复收费",
	.title_en = "Duplicate billing",
	.summary = "the same item billed twice for the same patient at the same minute",
	.summary_zh = "同一患者同一项目在同一分钟内收费两次以上",
	.dimension = NULL,
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = free,
	.scan = scan,
};
