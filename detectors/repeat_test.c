/*
 * repeat_test: the same test repeated on a patient sooner than its re-test interval (重复检查).
 *
 * Contract: partitioned by patients. A live line of an item with retest_hours (in `categories`) less
 * than retest_hours after the patient's previous live line of the item (any visit or institution, the
 * look-back included) whose result was not positive is one finding: evidence both lines, money at stake
 * the repeat's amount, severity suspicious, score from 1 (right after) down to 0.5 (at the interval).
 * The full rule, its source, keys and blind spots: docs/detectors/repeat_test.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"

typedef struct config {
	int category[CW_CAT_COUNT];  /* judged categories */
	int pending_positive;        /* a pending result counts as positive */
} config;

static int configure(void **out, const cw_section *rules)
{
	const char **names = NULL;
	size_t n = 0;
	int pending, rc;
	if ((rc = cw_section_bool(&pending, rules, "pending_counts_as_positive")) < 0 ||
	    (rc = cw_section_strings(&names, &n, rules, "categories")) < 0)
		return rc;
	config *c = calloc(1, sizeof *c);
	if (!c) {
		free(names);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	c->pending_positive = pending;
	for (size_t i = 0; i < n; i++) {
		int cat = cw_category_parse(names[i], strlen(names[i]));
		if (cat < 0) {
			rc = cw_error_set(CW_EINVALID, "%s.categories[%zu]: unknown item category '%s'", rules->path, i,
			                  names[i]);
			free(names);
			free(c);
			return rc;
		}
		c->category[cat] = 1;
	}
	free(names);
	*out = c;
	return 0;
}

/* The patient's latest test event of one item. Entries of other patients are
 * stale: `patient` tells them apart, so the table is never cleared. */
typedef struct last_test {
	cw_ref patient;  /* CW_NONE: never seen */
	cw_minute time;
	uint32_t row;    /* the last line of the event (canonical order) */
	uint8_t positive;
} last_test;

static int positive(const config *c, int result)
{
	return result == CW_RESULT_POSITIVE || (c->pending_positive && result == CW_RESULT_PENDING);
}

static const char *result_name(int r)
{
	return r == CW_RESULT_NEGATIVE ? "negative" : r == CW_RESULT_PENDING ? "pending" :
	       r == CW_RESULT_POSITIVE ? "positive" : "no result";
}

static const char *result_name_zh(int r)
{
	return r == CW_RESULT_NEGATIVE ? "阴性" : r == CW_RESULT_PENDING ? "待出" : r == CW_RESULT_POSITIVE ? "阳性" : "无结果";
}

static int emit(const cw_scan *ctx, cw_findings *out, uint32_t l1, uint32_t l2, int32_t hours)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	const cw_visits *vis = cw_dataset_visits(ctx->ds);
	const cw_institutions *inst = cw_dataset_institutions(ctx->ds);
	cw_ref item = cl->item[l2];
	cw_minute gap = cl->time[l2] - cl->time[l1]; /* both inside the loaded window */
	uint32_t rows[2] = { l1, l2 };
	cw_finding f = cw_finding_init();
	f.physician = cl->physician[l2];
	f.patient = cl->patient[l2];
	f.visit = cl->visit[l2];
	f.item = item;
	f.cls = it->category[item];
	f.severity = CW_SUSPICIOUS;
	f.suspect = cl->amount[l2];
	f.score = 1.0 - 0.5 * (double)gap / (hours * 60.0);
	f.when = cl->time[l2];
	f.lines = rows;
	f.nlines = 2;
	f.tag = "repeat_test";
	char t1[CW_FMT_SIZE], t2[CW_FMT_SIZE];
	cw_ref i1 = vis->inst[cl->visit[l1]], i2 = vis->inst[cl->visit[l2]];
	char where[160] = "", where_zh[160] = "";
	if (i1 != i2) {
		snprintf(where, sizeof where, " at %s", cw_dataset_str(ctx->ds, inst->id[i1]));
		snprintf(where_zh, sizeof where_zh, "，在 %s", cw_dataset_str(ctx->ds, inst->id[i1]));
	}
	return cw_emit_i18n(out, &f, "%s at %s repeated %dh%02dm after the test of %s%s%.0s (%s%.0s), sooner than its "
	                    "re-test interval of %d h",
	                    "%s 于 %s 重复检查，距上次检查仅 %d 小时 %02d 分（上次 %s%.0s%s，结果%.0s%s），短于复查间隔 %d 小时",
	                    cw_dataset_str(ctx->ds, it->name[item]), cw_format_time(t2, cl->time[l2]), gap / 60,
	                    gap % 60, cw_format_time(t1, cl->time[l1]), where, where_zh, result_name(cl->result[l1]),
	                    result_name_zh(cl->result[l1]), (int)hours);
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	const config *c = ctx->config;
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	const cw_patients *pat = cw_dataset_patients(ctx->ds);
	last_test *last = malloc((it->n ? it->n : 1) * sizeof *last);
	if (!last)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t k = 0; k < it->n; k++)
		last[k].patient = CW_NONE;
	int rc = 0;
	/* a patient's lines are in time order: one pass keeps each item's latest test */
	for (uint32_t i = pat->line_start[ctx->patient_begin]; rc == 0 && i < pat->line_start[ctx->patient_end]; i++) {
		cw_ref item = cl->item[i], p = cl->patient[i];
		int32_t hours = it->retest_hours[item];
		if (hours == CW_INT_NONE || hours <= 0 || !c->category[it->category[item]] ||
		    !cw_line_live(cl, i))
			continue;
		last_test *l = &last[item];
		int pos = positive(c, cl->result[i]);
		if (l->patient == p && l->time == cl->time[i]) { /* same minute: the same test event */
			l->row = i;
			l->positive |= (uint8_t)pos;
			continue;
		}
		if (l->patient == p && !l->positive && (cl->flags[i] & CW_LINE_IN_MONTH) &&
		    (int64_t)cl->time[i] - l->time < (int64_t)hours * 60)
			rc = emit(ctx, out, l->row, i, hours);
		*l = (last_test){ p, cl->time[i], i, (uint8_t)pos };
	}
	free(last);
	return rc;
}

const cw_detector cw_detector_repeat_test = {
	CW_DETECTOR_INIT,
	.name = "repeat_test",
	.title_zh = "重复检查",
	.title_en = "Repeat test",
	.summary = "a test repeated sooner than its retest_hours after a result that was not positive",
	.summary_zh = "检查结果非阳性，未到复查间隔（retest_hours）又重复检查",
	.dimension = "exam",
	.defaults = "{ \"categories\": [\"exam\", \"lab\"], \"pending_counts_as_positive\": false }",
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = free,
	.scan = scan,
};
