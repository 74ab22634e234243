/*
 * unwarranted_admission: a short, light inpatient stay for a condition that outpatient care handles
 * (小病大治).
 *
 * Contract: partitioned by patients. A stay discharged in the month, of at most max_days days, with no
 * surgery, care below max_care_per_day a day and a primary diagnosis starting with one of
 * outpatient_manageable_prefixes is one finding: evidence the stay's lines, money at stake its amount,
 * `when` its discharge, severity suspicious, class admission, physician the stay's attending.
 * The full rule, its source, keys and blind spots: docs/detectors/unwarranted_admission.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/scan.h"
#include "dxcode.h"

typedef struct config {
	int max_days;             /* longest stay (in days) that is judged */
	cw_fen max_care_per_day;  /* care amount per day below this is low intensity */
	dx_prefixes manageable;   /* outpatient-manageable dx prefixes */
} config;

static void release(void *p)
{
	config *c = p;
	if (c)
		dx_prefixes_free(&c->manageable);
	free(c);
}

static int configure(void **out, const cw_section *rules)
{
	config *c = calloc(1, sizeof *c);
	long long days, care;
	int rc;
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	if ((rc = cw_section_int(&days, rules, "max_days", 1, 365)) < 0 ||
	    (rc = cw_section_money(&care, rules, "max_care_per_day")) < 0 ||
	    (rc = dx_prefixes_load(rules, "outpatient_manageable_prefixes", &c->manageable)) < 0) {
		release(c);
		return rc;
	}
	c->max_days = (int)days;
	c->max_care_per_day = care;
	*out = c;
	return 0;
}

/* The stay's live lines into ev, their total and care amounts, and whether
 * one of them is a surgery. */
static int stay_lines(const cw_dataset *ds, cw_ref s, cw_linebuf *ev, cw_fen *total, cw_fen *care, int *surgery)
{
	const cw_visits *vs = cw_dataset_visits(ds);
	const cw_claims *cl = cw_dataset_claims(ds);
	const cw_items *it = cw_dataset_items(ds);
	ev->n = 0;
	*total = *care = 0;
	*surgery = 0;
	for (uint32_t k = vs->line_start[s]; k < vs->line_start[s + 1]; k++) {
		uint32_t i = cl->by_visit[k];
		if (!cw_line_live(cl, i))
			continue;
		int cat = it->category[cl->item[i]], rc;
		if ((rc = cw_linebuf_push(ev, i)) < 0)
			return rc;
		*total += cl->amount[i];
		if (cw_category_is_care(cat))
			*care += cl->amount[i];
		*surgery |= cat == CW_CAT_SURGERY;
	}
	return 0;
}

/* Judges stay s (discharged in the month, its length `days` within max_days, dx matching `prefix`). */
static int judge(const cw_scan *ctx, cw_findings *out, cw_linebuf *ev, cw_ref s, int days, const char *prefix)
{
	const config *c = ctx->config;
	const cw_dataset *ds = ctx->ds;
	const cw_visits *vs = cw_dataset_visits(ds);
	cw_fen total, care;
	int surgery;
	int rc = stay_lines(ds, s, ev, &total, &care, &surgery);
	if (rc < 0 || surgery || care >= c->max_care_per_day * days)
		return rc;
	cw_finding f = cw_finding_init();
	f.physician = vs->physician[s];
	f.patient = vs->patient[s];
	f.visit = s;
	f.cls = CW_CLASS_ADMISSION;
	f.severity = CW_SUSPICIOUS;
	f.suspect = total;
	/* the lighter the stay, the stronger the sign */
	f.score = c->max_care_per_day > 0 ? 1.0 - 0.5 * (double)care / ((double)c->max_care_per_day * days) : 1.0;
	f.when = vs->discharge[s];
	f.lines = ev->v;
	f.nlines = ev->n;
	f.tag = "short_light_stay";
	char adm[CW_FMT_SIZE], dis[CW_FMT_SIZE], per_day[CW_FMT_SIZE], limit[CW_FMT_SIZE], amount[CW_FMT_SIZE];
	return cw_emit(out, &f,
	               "%d-day stay %s to %s for %s (outpatient-manageable %s), no surgery, care %s per day (below "
	               "%s), stay amount %s",
	               days, cw_format_time(adm, vs->admit[s]), cw_format_time(dis, vs->discharge[s]),
	               cw_dataset_str(ds, vs->dx_code[s]), prefix, cw_format_money(per_day, care / days),
	               cw_format_money(limit, c->max_care_per_day), cw_format_money(amount, total));
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	const config *c = ctx->config;
	const cw_window *w = cw_dataset_window(ctx->ds);
	const cw_visits *vs = cw_dataset_visits(ctx->ds);
	const cw_patients *pat = cw_dataset_patients(ctx->ds);
	cw_linebuf ev = { 0 };
	int rc = 0;
	for (uint32_t s = pat->visit_start[ctx->patient_begin]; s < pat->visit_start[ctx->patient_end] && rc == 0; s++) {
		cw_minute dis = vs->discharge[s];
		if (vs->kind[s] != CW_INPATIENT || dis == CW_MINUTE_NONE || dis < w->month_start || dis >= w->month_end)
			continue;
		int days = cw_day_of(dis) - cw_day_of(vs->admit[s]);
		if (days < 1)
			days = 1;
		if (days > c->max_days)
			continue;
		char dx[DX_MAX];
		dx_normalize(cw_dataset_str(ctx->ds, vs->dx_code[s]), dx);
		const char *prefix = dx_prefixes_match(&c->manageable, dx);
		if (prefix)
			rc = judge(ctx, out, &ev, s, days, prefix);
	}
	cw_linebuf_free(&ev);
	return rc;
}

const cw_detector cw_detector_unwarranted_admission = {
	CW_DETECTOR_INIT,
	.name = "unwarranted_admission",
	.title_zh = "小病大治",
	.title_en = "Unwarranted admission",
	.summary = "a short stay with no surgery and little care for a condition outpatient care handles",
	.dimension = "diagnosis",
	.defaults = "{ \"max_days\": 3, \"max_care_per_day\": 300.0,"
	            "  \"outpatient_manageable_prefixes\": [\"J06\", \"J00\", \"J02\", \"J20\", \"K29\", \"K52\","
	            "                                     \"M54\", \"R51\", \"I10\", \"E11\"] }",
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = release,
	.scan = scan,
};
