/*
 * unwarranted_admission: a short inpatient stay without surgery for a condition that outpatient care
 * handles: 低标准入院 when its care is light, 小病大治 when it is heavy (requirement D1; also D3-D6, and
 * F1-F3 for the outpatient cost per visit it compares with).
 *
 * Contract: one scan of the month (not partitioned: the heavy limit comes from the month's outpatient
 * visits). A stay discharged in the month, of at most max_days days, with no live surgery line and a
 * primary diagnosis starting with one of outpatient_manageable_prefixes is one finding, tagged
 * short_heavy_stay (小病大治) when its care per day is above the larger of max_care_per_day and
 * heavy_factor times the median outpatient care per visit of its ICD-10 category in the month (of every
 * listed diagnosis when the category has fewer than min_outpatient_visits visits; max_care_per_day alone
 * when they too are fewer), else short_light_stay (低标准入院). With light_only only stays with care per
 * day below max_care_per_day are flagged, all light. Evidence the stay's live lines, money at stake its
 * amount, `when` its discharge, severity suspicious, class admission (dimension diagnosis), physician the
 * stay's attending.
 * The full rule, its source, keys and blind spots: docs/detectors/unwarranted_admission.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/scan.h"
#include "dxcode.h"

#define TAG_LIGHT "short_light_stay"
#define TAG_HEAVY "short_heavy_stay"

typedef struct config {
	int max_days;             /* longest stay (in days) that is judged */
	cw_fen max_care_per_day;  /* light-only ceiling; the heavy limit is never below it */
	double heavy_factor;      /* heavy: care per day above this many times the outpatient reference */
	int min_outpatient_visits; /* fewest visits a median is taken from */
	int light_only;           /* the light reading alone (care per day below max_care_per_day) */
	dx_lists manageable;      /* outpatient-manageable dx prefixes, per coding system */
} config;

static void release(void *p)
{
	config *c = p;
	if (c)
		dx_lists_free(&c->manageable);
	free(c);
}

static int configure(void **out, const cw_section *rules)
{
	config *c = calloc(1, sizeof *c);
	long long days, care, visits;
	int rc;
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	if ((rc = cw_section_int(&days, rules, "max_days", 1, 365)) < 0 ||
	    (rc = cw_section_money(&care, rules, "max_care_per_day")) < 0 ||
	    (rc = cw_section_double(&c->heavy_factor, rules, "heavy_factor", 1.0, 1000.0)) < 0 ||
	    (rc = cw_section_int(&visits, rules, "min_outpatient_visits", 1, 1000000)) < 0 ||
	    (rc = cw_section_bool(&c->light_only, rules, "light_only")) < 0 ||
	    (rc = dx_lists_load(rules, "outpatient_manageable_prefixes", &c->manageable)) < 0) {
		release(c);
		return rc;
	}
	c->max_days = (int)days;
	c->max_care_per_day = care;
	c->min_outpatient_visits = (int)visits;
	*out = c;
	return 0;
}

/* The visit's live lines (into ev unless NULL), their total and care amounts, whether one of them
 * is a surgery; returns how many are live, or < 0. */
static int visit_lines(const cw_dataset *ds, cw_ref v, cw_linebuf *ev, cw_fen *total, cw_fen *care, int *surgery)
{
	const cw_visits *vs = cw_dataset_visits(ds);
	const cw_claims *cl = cw_dataset_claims(ds);
	const cw_items *it = cw_dataset_items(ds);
	int live = 0, rc;
	*total = *care = 0;
	*surgery = 0;
	for (uint32_t k = vs->line_start[v]; k < vs->line_start[v + 1]; k++) {
		uint32_t i = cl->by_visit[k];
		if (!cw_line_live(cl, i))
			continue;
		int cat = it->category[cl->item[i]];
		if (ev && (rc = cw_linebuf_push(ev, i)) < 0)
			return rc;
		live++;
		*total += cl->amount[i];
		if (cw_category_is_care(cat))
			*care += cl->amount[i];
		*surgery |= cat == CW_CAT_SURGERY;
	}
	return live;
}

/* --- the month's outpatient reference ------------------------------------------------------------ */
/* An outpatient visit of the month: its diagnosis category and its care amount. */
typedef struct op_visit {
	char cat[4];
	cw_fen care;
} op_visit;

/* Every outpatient visit of the month by category, then care; the care of those with a listed
 * diagnosis on its own, sorted (the fallback). */
typedef struct reference {
	op_visit *v;
	size_t n, cap;
	cw_fen *pooled;
	size_t npooled, cappooled;
} reference;

static void reference_free(reference *r)
{
	free(r->v);
	free(r->pooled);
}

static int by_cat_care(const void *a, const void *b)
{
	const op_visit *x = a, *y = b;
	int c = strcmp(x->cat, y->cat);
	return c ? c : (x->care > y->care) - (x->care < y->care);
}

static int by_fen(const void *a, const void *b)
{
	cw_fen x = *(const cw_fen *)a, y = *(const cw_fen *)b;
	return (x > y) - (x < y);
}

static int reference_add(reference *r, const dx_prefixes *manageable, const char *norm, cw_fen care)
{
	int rc = cw_grow((void **)&r->v, &r->cap, r->n + 1, sizeof *r->v);
	if (rc < 0)
		return rc;
	dx_category(norm, r->v[r->n].cat);
	r->v[r->n++].care = care;
	if (!dx_prefixes_match(manageable, norm))
		return 0;
	if ((rc = cw_grow((void **)&r->pooled, &r->cappooled, r->npooled + 1, sizeof *r->pooled)) < 0)
		return rc;
	r->pooled[r->npooled++] = care;
	return 0;
}

/* The outpatient visits admitted in the month with at least one live line. */
static int reference_build(reference *r, const cw_scan *ctx)
{
	const config *c = ctx->config;
	const cw_window *w = cw_dataset_window(ctx->ds);
	const cw_visits *vs = cw_dataset_visits(ctx->ds);
	for (cw_ref v = 0; v < vs->n; v++) {
		if (vs->kind[v] != CW_OUTPATIENT || vs->admit[v] < w->month_start || vs->admit[v] >= w->month_end)
			continue;
		cw_fen total, care;
		int surgery, rc = visit_lines(ctx->ds, v, NULL, &total, &care, &surgery);
		char dx[DX_MAX];
		dx_normalize(cw_dataset_str(ctx->ds, vs->dx_code[v]), dx);
		if (rc < 0 || (rc > 0 && (rc = reference_add(r, dx_lists_for(&c->manageable, ctx), dx, care)) < 0))
			return rc;
	}
	if (r->n)
		qsort(r->v, r->n, sizeof *r->v, by_cat_care);
	if (r->npooled)
		qsort(r->pooled, r->npooled, sizeof *r->pooled, by_fen);
	return 0;
}

/* The middle of two sorted amounts: the median of an even count, rounded down to the fen. */
static cw_fen middle(cw_fen a, cw_fen b)
{
	return a + (b - a) / 2;
}

/* What a stay is judged against: the heavy limit per day and where it comes from. */
enum { REF_CATEGORY, REF_POOLED, REF_NONE };
typedef struct stay_ref {
	int source;          /* REF_* */
	char cat[4];
	size_t cat_visits, pooled_visits;
	cw_fen median;       /* the outpatient median (not with REF_NONE) */
	cw_fen limit;        /* care per day above this is heavy */
} stay_ref;

static void reference_of(stay_ref *out, const reference *r, const config *c, const char *norm)
{
	memset(out, 0, sizeof *out);
	dx_category(norm, out->cat);
	size_t lo = 0, hi = r->n;
	while (lo < hi) { /* the first visit of the category */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(r->v[mid].cat, out->cat) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < r->n && !strcmp(r->v[end].cat, out->cat))
		end++;
	out->cat_visits = end - lo;
	out->pooled_visits = r->npooled;
	if (out->cat_visits >= (size_t)c->min_outpatient_visits) {
		out->source = REF_CATEGORY;
		size_t n = out->cat_visits;
		out->median = middle(r->v[lo + (n - 1) / 2].care, r->v[lo + n / 2].care);
	} else if (r->npooled >= (size_t)c->min_outpatient_visits) {
		out->source = REF_POOLED;
		out->median = middle(r->pooled[(r->npooled - 1) / 2], r->pooled[r->npooled / 2]);
	} else {
		out->source = REF_NONE;
	}
	out->limit = c->max_care_per_day;
	if (out->source != REF_NONE) {
		cw_fen scaled = (cw_fen)llround(c->heavy_factor * (double)out->median);
		if (scaled > out->limit)
			out->limit = scaled;
	}
}

/* Where the limit comes from, for the reason. */
static void describe_limit(char *buf, size_t size, const stay_ref *s, const config *c)
{
	char floor[CW_FMT_SIZE], med[CW_FMT_SIZE];
	cw_format_money(floor, c->max_care_per_day);
	if (s->source == REF_NONE) {
		snprintf(buf, size, "max_care_per_day %s; no outpatient reference: %zu outpatient visits of %s and %zu "
		         "of the listed diagnoses this month, fewer than %d", floor, s->cat_visits, s->cat,
		         s->pooled_visits, c->min_outpatient_visits);
		return;
	}
	cw_format_money(med, s->median);
	if (s->source == REF_CATEGORY)
		snprintf(buf, size, "the larger of max_care_per_day %s and %g x %s, the median outpatient care per "
		         "visit of %s this month (%zu visits)", floor, c->heavy_factor, med, s->cat, s->cat_visits);
	else
		snprintf(buf, size, "the larger of max_care_per_day %s and %g x %s, the median outpatient care per "
		         "visit of the listed diagnoses this month (%zu visits; %s has %zu, fewer than %d)", floor,
		         c->heavy_factor, med, s->pooled_visits, s->cat, s->cat_visits, c->min_outpatient_visits);
}

/* The same in Chinese. */
static void describe_limit_zh(char *buf, size_t size, const stay_ref *s, const config *c)
{
	char floor[CW_FMT_SIZE], med[CW_FMT_SIZE];
	cw_format_money(floor, c->max_care_per_day);
	if (s->source == REF_NONE) {
		snprintf(buf, size, "每日诊疗费上限 max_care_per_day %s；无门诊参照：本月 %s 门诊 %zu 人次、所列诊断门诊 %zu "
		         "人次，少于 %d", floor, s->cat, s->cat_visits, s->pooled_visits, c->min_outpatient_visits);
		return;
	}
	cw_format_money(med, s->median);
	if (s->source == REF_CATEGORY)
		snprintf(buf, size, "取 max_care_per_day %s 与 %g 倍 %s（本月 %s 门诊每人次诊疗费中位数，%zu 人次）之较大者",
		         floor, c->heavy_factor, med, s->cat, s->cat_visits);
	else
		snprintf(buf, size, "取 max_care_per_day %s 与 %g 倍 %s（本月所列诊断门诊每人次诊疗费中位数，%zu 人次；%s "
		         "仅 %zu 人次，少于 %d）之较大者", floor, c->heavy_factor, med, s->pooled_visits, s->cat,
		         s->cat_visits, c->min_outpatient_visits);
}

/* --- judging a stay ---------------------------------------------------------------------------------- */
/* How a stay's care compares with its limit. */
typedef struct verdict {
	int heavy;
	cw_fen limit;             /* care per day */
	const char *compare;      /* "above", "not above", "below" */
	const char *limit_text;   /* where the limit comes from */
	const char *compare_zh, *limit_text_zh; /* the same in Chinese */
} verdict;

/* Emits the finding of stay s, its live lines in ev. */
static int emit(const cw_scan *ctx, cw_findings *out, const cw_linebuf *ev, cw_ref s, int days, const char *prefix,
                cw_fen total, cw_fen care, const verdict *v)
{
	const cw_dataset *ds = ctx->ds;
	const cw_visits *vs = cw_dataset_visits(ds);
	double per_day = (double)care / days, lim = (double)v->limit;
	cw_finding f = cw_finding_init();
	f.physician = vs->physician[s];
	f.patient = vs->patient[s];
	f.visit = s;
	f.cls = CW_CLASS_ADMISSION;
	f.severity = CW_SUSPICIOUS;
	f.suspect = total;
	/* the further from the limit, the stronger the sign: 0.5 at the limit, 1 with no care or far above */
	f.score = lim <= 0 ? 1.0 : v->heavy ? 1.0 - 0.5 * lim / per_day : 1.0 - 0.5 * per_day / lim;
	f.when = vs->discharge[s];
	f.lines = ev->v;
	f.nlines = ev->n;
	f.tag = v->heavy ? TAG_HEAVY : TAG_LIGHT;
	char adm[CW_FMT_SIZE], dis[CW_FMT_SIZE], pd[CW_FMT_SIZE], limit[CW_FMT_SIZE], amount[CW_FMT_SIZE];
	return cw_emit_i18n(out, &f,
	                    "%s%.0s: %d-day stay %s to %s for %s (outpatient-manageable %s), no surgery, care %s per day, "
	                    "%s%.0s %s (%s%.0s); stay amount %s",
	                    "%.0s%s：住院 %d 天（%s 至 %s），诊断 %s（门诊可诊治的 %s），无手术，每日诊疗费 %s，%.0s%s %s"
	                    "（%.0s%s）；住院金额 %s",
	                    v->heavy ? "小病大治 (minor illness, major treatment)" : "低标准入院 (admission below the criteria)",
	                    v->heavy ? "小病大治" : "低标准入院", days, cw_format_time(adm, vs->admit[s]),
	                    cw_format_time(dis, vs->discharge[s]), cw_dataset_str(ds, vs->dx_code[s]), prefix,
	                    cw_format_money(pd, care / days), v->compare, v->compare_zh, cw_format_money(limit, v->limit),
	                    v->limit_text, v->limit_text_zh, cw_format_money(amount, total));
}

/* Judges stay s (discharged in the month, its length `days` within max_days, its normalised dx `dx`
 * matching `prefix`). */
static int judge(const cw_scan *ctx, const reference *ref, cw_findings *out, cw_linebuf *ev, cw_ref s, int days,
                 const char *dx, const char *prefix)
{
	const config *c = ctx->config;
	cw_fen total, care;
	int surgery;
	ev->n = 0;
	int rc = visit_lines(ctx->ds, s, ev, &total, &care, &surgery);
	if (rc < 0 || surgery)
		return rc < 0 ? rc : 0;
	char text[320], text_zh[400];
	verdict v = { 0, c->max_care_per_day, "below", "max_care_per_day; light_only", "低于",
		      "每日诊疗费上限 max_care_per_day；light_only" };
	if (c->light_only) { /* strictly below the ceiling; the ceiling itself is not flagged */
		if (care >= c->max_care_per_day * days)
			return 0;
	} else {
		stay_ref sr;
		reference_of(&sr, ref, c, dx);
		describe_limit(text, sizeof text, &sr, c);
		describe_limit_zh(text_zh, sizeof text_zh, &sr, c);
		v.limit = sr.limit;
		v.heavy = care > sr.limit * days;
		v.compare = v.heavy ? "above" : "not above";
		v.compare_zh = v.heavy ? "高于" : "不高于";
		v.limit_text = text;
		v.limit_text_zh = text_zh;
	}
	return emit(ctx, out, ev, s, days, prefix, total, care, &v);
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	const config *c = ctx->config;
	const cw_window *w = cw_dataset_window(ctx->ds);
	const cw_visits *vs = cw_dataset_visits(ctx->ds);
	const cw_patients *pat = cw_dataset_patients(ctx->ds);
	reference ref = { 0 };
	cw_linebuf ev = { 0 };
	int rc = c->light_only ? 0 : reference_build(&ref, ctx);
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
		const char *prefix = dx_prefixes_match(dx_lists_for(&c->manageable, ctx), dx);
		if (prefix)
			rc = judge(ctx, &ref, out, &ev, s, days, dx, prefix);
	}
	cw_linebuf_free(&ev);
	reference_free(&ref);
	return rc;
}

const cw_detector cw_detector_unwarranted_admission = {
	CW_DETECTOR_INIT,
	.name = "unwarranted_admission",
	.title_zh = "小病大治",
	.title_en = "Unwarranted admission",
	.summary = "a short stay with no surgery for a condition outpatient care handles: light (低标准入院) or "
	           "heavy (小病大治) care",
	.summary_zh = "门诊可诊治的疾病短期住院且无手术：诊疗费用过低（低标准入院）或过高（小病大治）",
	.dimension = "diagnosis",
	.defaults = "{ \"max_days\": 3, \"max_care_per_day\": 300.0, \"heavy_factor\": 3.0,"
	            "  \"min_outpatient_visits\": 20, \"light_only\": false,"
	            "  \"outpatient_manageable_prefixes\": [\"J06\", \"J00\", \"J02\", \"J20\", \"K29\", \"K52\","
	            "                                     \"M54\", \"R51\", \"I10\", \"E11\"],"
	            "  \"outpatient_manageable_prefixes_icd9\": [\"465\", \"460\", \"462\", \"466\", \"535\","
	            "                                          \"558\", \"723\", \"724\", \"7840\", \"401\", \"250\"] }",
	.partition = CW_PARTITION_NONE,
	.configure = configure,
	.release = release,
	.scan = scan,
};
