/*
 * over_frequency: more units of an item for one patient on one calendar day than allowed (超频次收费).
 *
 * Contract: partitioned by patients; per patient, item with max_daily_qty and calendar day (any visit,
 * any institution): live lines adding up to more than max_daily_qty + tolerance_qty units are one
 * finding. Evidence every such line that day; money at stake the excess units at the lines' mean unit
 * price; severity violation; physician and visit those of the line that passed the maximum.
 * The full rule, its source, keys and blind spots: docs/detectors/over_frequency.md.
 */
#include <stdlib.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/scan.h"

typedef struct config {
	cw_qty tolerance; /* units allowed above max_daily_qty, in thousandths */
} config;

static int configure(void **out, const cw_section *rules)
{
	double tol;
	int rc = cw_section_double(&tol, rules, "tolerance_qty", 0, 1e9);
	if (rc < 0)
		return rc;
	config *c = malloc(sizeof *c);
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	c->tolerance = (cw_qty)(tol * CW_QTY_ONE + 0.5);
	*out = c;
	return 0;
}

/* Scratch reused for every day: (item << 32 | row) keys of the day's lines
 * that have a daily maximum, and room for one item's rows. */
typedef struct keys {
	uint64_t *v;
	uint32_t *rows;
	size_t n, cap, rows_cap;
} keys;

/* Judges the lines rows[0..n) of one patient, item and day (in time order). */
static int judge(const cw_scan *ctx, const config *c, cw_findings *out, const uint32_t *rows, size_t n)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	cw_ref item = cl->item[rows[0]];
	cw_qty limit = it->max_daily_qty[item], total = 0;
	cw_fen amount = 0;
	uint32_t crossing = rows[0];
	for (size_t k = 0; k < n; k++) {
		if (total <= limit + c->tolerance)
			crossing = rows[k];
		total += cl->qty[rows[k]];
		amount += cl->amount[rows[k]];
	}
	if (total <= limit + c->tolerance || total <= 0)
		return 0;
	cw_qty excess = total - limit;
	cw_finding f = cw_finding_init();
	f.physician = cl->physician[crossing];
	f.patient = cl->patient[crossing];
	f.visit = cl->visit[crossing];
	f.item = item;
	f.cls = it->category[item];
	f.severity = CW_VIOLATION;
	f.suspect = cw_muldiv_round(excess, amount, total);
	f.when = cl->time[rows[n - 1]];
	f.lines = rows;
	f.nlines = n;
	f.tag = "over_frequency";
	char q[CW_FMT_SIZE], lim[CW_FMT_SIZE], day[CW_FMT_SIZE], ex[CW_FMT_SIZE], mean[CW_FMT_SIZE];
	return cw_emit_i18n(out, &f, "%s: %s units billed on %s in %zu line(s), above the daily maximum of %s; "
	                    "excess %s at a mean price of %s per unit",
	                    "%s：%s 单位于 %s 分 %zu 条收费，超过每日最多 %s 单位；超出 %s 单位，平均单价 %s，超频次收费",
	                    cw_dataset_str(ctx->ds, it->name[item]), cw_format_qty(q, total),
	                    cw_format_date(day, cw_day_of(f.when)), n, cw_format_qty(lim, limit),
	                    cw_format_qty(ex, excess), cw_format_money(mean, cw_muldiv_round(amount, CW_QTY_ONE, total)));
}

/* Keys of the live lines of [lo, hi) (one patient-day) whose item has a daily maximum. */
static int collect_day(const cw_claims *cl, const cw_items *it, keys *k, uint32_t lo, uint32_t hi)
{
	k->n = 0;
	if (cw_grow((void **)&k->v, &k->cap, hi - lo, sizeof *k->v) < 0)
		return CW_ENOMEM;
	for (uint32_t i = lo; i < hi; i++)
		if (cw_line_live(cl, i) && it->max_daily_qty[cl->item[i]] != CW_QTY_NONE)
			k->v[k->n++] = (uint64_t)cl->item[i] << 32 | i;
	return 0;
}

/* Groups one patient-day's keys by item and judges each group. */
static int judge_day(const cw_scan *ctx, const config *c, cw_findings *out, keys *k)
{
	cw_sort_u64(k->v, k->n); /* by item, then time */
	for (size_t lo = 0, hi; lo < k->n; lo = hi) {
		uint32_t item = (uint32_t)(k->v[lo] >> 32);
		for (hi = lo; hi < k->n && (uint32_t)(k->v[hi] >> 32) == item;)
			hi++;
		if (cw_grow((void **)&k->rows, &k->rows_cap, hi - lo, sizeof *k->rows) < 0)
			return CW_ENOMEM;
		for (size_t i = lo; i < hi; i++)
			k->rows[i - lo] = (uint32_t)k->v[i];
		int rc = judge(ctx, c, out, k->rows, hi - lo);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* One patient's day: its live lines by item, then judged. */
typedef struct day_scan {
	keys k;
	cw_findings *out;
} day_scan;

static int on_day(const cw_scan *ctx, uint32_t lo, uint32_t hi, void *arg)
{
	day_scan *s = arg;
	int rc = collect_day(cw_dataset_claims(ctx->ds), cw_dataset_items(ctx->ds), &s->k, lo, hi);
	return rc == 0 && s->k.n ? judge_day(ctx, ctx->config, s->out, &s->k) : rc;
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	day_scan s = { .out = out };
	int rc = cw_each_patient_day(ctx, on_day, &s);
	free(s.k.v);
	free(s.k.rows);
	return rc;
}

const cw_detector cw_detector_over_frequency = {
	CW_DETECTOR_INIT,
	.name = "over_frequency",
	.title_zh = "超频次收费",
	.title_en = "Over-frequency billing",
	.summary = "more units of an item for one patient on one day than its max_daily_qty",
	.summary_zh = "同一患者同一天某项目收费数量超过其每日最多数量（max_daily_qty）",
	.dimension = NULL,
	.defaults = "{ \"tolerance_qty\": 0.0 }",
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = free,
	.scan = scan,
};
