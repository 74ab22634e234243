/*
 * split_admission: a patient discharged and readmitted to the same hospital for the same condition
 * within a few days (分解住院).
 *
 * Contract: partitioned by patients. A stay admitted within window_days of the discharge of an earlier
 * stay of the patient at the same institution, with the same ICD-10 category and no planned-care
 * prefix, is one finding about the readmission: its visit, attending physician and lines, its amount at
 * stake, its admit time as `when`. Severity suspicious, class admission.
 * The full rule, its source, keys and blind spots: docs/detectors/split_admission.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/scan.h"
#include "dxcode.h"

typedef struct config {
	int window_days;     /* readmission within this many days of the discharge */
	dx_lists planned; /* B's dx prefixes that are planned care, never flagged, per coding system */
} config;

static void release(void *p)
{
	config *c = p;
	if (c)
		dx_lists_free(&c->planned);
	free(c);
}

static int configure(void **out, const cw_section *rules)
{
	config *c = calloc(1, sizeof *c);
	long long days;
	int rc;
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	if ((rc = cw_section_int(&days, rules, "window_days", 0, 365)) < 0 ||
	    (rc = dx_lists_load(rules, "planned_care_prefixes", &c->planned)) < 0) {
		release(c);
		return rc;
	}
	c->window_days = (int)days;
	*out = c;
	return 0;
}

/* The longest discharged inpatient stay of visits [v0, v1), in minutes. */
static int64_t longest_stay(const cw_visits *vs, uint32_t v0, uint32_t v1)
{
	int64_t longest = 0;
	for (uint32_t v = v0; v < v1; v++)
		if (vs->kind[v] == CW_INPATIENT && vs->discharge[v] != CW_MINUTE_NONE &&
		    vs->discharge[v] - vs->admit[v] > longest)
			longest = vs->discharge[v] - vs->admit[v];
	return longest;
}

/* The earlier stay that B readmits: same institution and category, discharged
 * at most window minutes before B's admission (the latest such discharge), or
 * CW_NONE. Visits are in admit order, and a stay discharged within the window
 * was admitted at most window + longest minutes before B, which bounds the walk. */
static cw_ref first_stay(const cw_dataset *ds, uint32_t v0, uint32_t b, const char *bcat, int64_t window,
                         int64_t longest)
{
	const cw_visits *vs = cw_dataset_visits(ds);
	cw_ref best = CW_NONE;
	int64_t admit = vs->admit[b];
	for (uint32_t a = b; a-- > v0 && vs->admit[a] >= admit - window - longest;) {
		cw_minute dis = vs->discharge[a];
		if (vs->kind[a] != CW_INPATIENT || vs->inst[a] != vs->inst[b] || dis == CW_MINUTE_NONE ||
		    dis > admit || admit - dis > window || (best != CW_NONE && dis <= vs->discharge[best]))
			continue;
		char acat[DX_MAX];
		dx_normalize(cw_dataset_str(ds, vs->dx_code[a]), acat);
		if (dx_same_category(acat, bcat))
			best = a;
	}
	return best;
}

static int emit(const cw_scan *ctx, cw_findings *out, cw_linebuf *ev, cw_ref a, cw_ref b, const char *bcat)
{
	const config *c = ctx->config;
	const cw_dataset *ds = ctx->ds;
	const cw_visits *vs = cw_dataset_visits(ds);
	const cw_claims *cl = cw_dataset_claims(ds);
	cw_finding f = cw_finding_init();
	ev->n = 0;
	for (uint32_t k = vs->line_start[b]; k < vs->line_start[b + 1]; k++) {
		uint32_t i = cl->by_visit[k];
		if (!cw_line_live(cl, i))
			continue;
		int rc = cw_linebuf_push(ev, i);
		if (rc < 0)
			return rc;
		f.suspect += cl->amount[i];
	}
	int64_t gap = vs->admit[b] - vs->discharge[a];
	int64_t window = (int64_t)c->window_days * CW_MINUTES_PER_DAY;
	f.physician = vs->physician[b];
	f.patient = vs->patient[b];
	f.visit = b;
	f.cls = CW_CLASS_ADMISSION;
	f.severity = CW_SUSPICIOUS;
	/* the sooner the readmission, the stronger the sign */
	f.score = window > 0 ? 1.0 - 0.5 * (double)gap / (double)window : 1.0;
	f.when = vs->admit[b];
	f.lines = ev->v;
	f.nlines = ev->n;
	f.tag = "readmission";
	char dis[CW_FMT_SIZE], adm[CW_FMT_SIZE], amount[CW_FMT_SIZE];
	return cw_emit_i18n(out, &f,
	                    "readmitted %s with %s, %.1f days after discharge %s from stay %s with %s at the same "
	                    "institution: same %s category %.3s within %d days; stay amount %s",
	                    "%s 再次入院，诊断 %s，距上次出院仅 %.1f 天（%s 出院，住院 %s，诊断 %s，同一医疗机构）：同一 %s "
	                    "类目 %.3s 在 %d 天内再次住院，疑似分解住院；本次住院金额 %s",
	                    cw_format_time(adm, vs->admit[b]), cw_dataset_str(ds, vs->dx_code[b]),
	                    (double)gap / CW_MINUTES_PER_DAY, cw_format_time(dis, vs->discharge[a]),
	                    cw_dataset_str(ds, vs->id[a]), cw_dataset_str(ds, vs->dx_code[a]),
	                    cw_dx_coding_label(ctx->dx_coding), bcat, c->window_days,
	                    cw_format_money(amount, f.suspect));
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	const config *c = ctx->config;
	const cw_dataset *ds = ctx->ds;
	const cw_window *w = cw_dataset_window(ds);
	const cw_visits *vs = cw_dataset_visits(ds);
	const cw_patients *pat = cw_dataset_patients(ds);
	int64_t window = (int64_t)c->window_days * CW_MINUTES_PER_DAY;
	cw_linebuf ev = { 0 };
	int rc = 0;
	for (cw_ref p = ctx->patient_begin; p < ctx->patient_end && rc == 0; p++) {
		uint32_t v0 = pat->visit_start[p], v1 = pat->visit_start[p + 1];
		int64_t longest = -1; /* computed when the patient has a readmission to judge */
		for (uint32_t b = v0; b < v1 && rc == 0; b++) {
			if (vs->kind[b] != CW_INPATIENT || vs->admit[b] < w->month_start || vs->admit[b] >= w->month_end)
				continue;
			char bcat[DX_MAX];
			dx_normalize(cw_dataset_str(ds, vs->dx_code[b]), bcat);
			if (dx_prefixes_match(dx_lists_for(&c->planned, ctx), bcat))
				continue;
			if (longest < 0)
				longest = longest_stay(vs, v0, v1);
			cw_ref a = first_stay(ds, v0, b, bcat, window, longest);
			if (a != CW_NONE)
				rc = emit(ctx, out, &ev, a, b, bcat);
		}
	}
	cw_linebuf_free(&ev);
	return rc;
}

const cw_detector cw_detector_split_admission = {
	CW_DETECTOR_INIT,
	.name = "split_admission",
	.title_zh = "分解住院",
	.title_en = "Split admission",
	.summary = "a readmission to the same institution for the same ICD-10 category within window_days of a discharge",
	.summary_zh = "出院后 window_days 天内因同一 ICD-10 类目再次入住同一医疗机构（分解住院）",
	.dimension = "diagnosis",
	.defaults = "{ \"window_days\": 15, \"planned_care_prefixes\": [\"Z51\", \"Z49\", \"Z50\"],"
	            "  \"planned_care_prefixes_icd9\": [\"V58\", \"V56\", \"V57\"] }",
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = release,
	.scan = scan,
};
