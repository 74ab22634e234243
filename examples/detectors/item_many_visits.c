/*
 * item_many_visits: the same item billed on more than max_visits visits of one patient in the month
 * (同一项目多次就诊收费). An example of a detector written outside claimwatch's tree: it includes the
 * public headers only, so it builds both ways (examples/detectors/README.md):
 *
 *   compiled in:  cmake -DCW_DETECTOR_DIRS=/path/to/examples/detectors ...
 *   a plug-in:    cc -shared -fPIC $(pkg-config --cflags claimwatch) item_many_visits.c -o item_many_visits.so
 *                 claimwatch run --plugin ./item_many_visits.so ...
 *
 * Contract: partitioned by patients; per patient, the live lines of the month grouped by item; an item
 * on more than max_visits distinct visits is one finding on the patient, its evidence every such line,
 * money at stake the amount of the lines of the visits after the first max_visits, severity
 * suspicious, class the item's category, responsible physician the one who ordered the latest line.
 * Keys: detectors.item_many_visits.max_visits (3).
 * The full rule, its source and blind spots: docs/detectors/item_many_visits.md.
 */
#include <stdlib.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/scan.h"

typedef struct config {
	long long max_visits;
} config;

static int configure(void **out, const cw_section *rules)
{
	config *c = malloc(sizeof *c);
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int rc = cw_section_int(&c->max_visits, rules, "max_visits", 1, 1000);
	if (rc < 0) {
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

typedef struct scratch {
	uint64_t *keys; /* item << 32 | line row: one patient's lines of the month, by item then time */
	size_t keys_cap;
	cw_ref *visits; /* the distinct visits of one item, in order of their first line */
	size_t visits_cap;
	cw_linebuf ev;
} scratch;

/* The position of visit v among the item's visits so far (added when new). */
static int visit_rank(scratch *s, size_t *n, cw_ref v, size_t *rank)
{
	for (*rank = 0; *rank < *n; (*rank)++)
		if (s->visits[*rank] == v)
			return 0;
	int rc = cw_grow((void **)&s->visits, &s->visits_cap, *n + 1, sizeof *s->visits);
	if (rc == 0)
		s->visits[(*n)++] = v;
	return rc;
}

/* One item's lines keys[lo, hi): a finding when they fall on more than max_visits visits. */
static int judge(const cw_scan *ctx, cw_findings *out, scratch *s, size_t lo, size_t hi)
{
	const config *c = ctx->config;
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	size_t nvisits = 0, rank;
	cw_fen beyond = 0;
	s->ev.n = 0;
	for (size_t k = lo; k < hi; k++) {
		uint32_t i = (uint32_t)s->keys[k];
		int rc = visit_rank(s, &nvisits, cl->visit[i], &rank);
		if (rc == 0)
			rc = cw_linebuf_push(&s->ev, i);
		if (rc < 0)
			return rc;
		if (rank >= (size_t)c->max_visits)
			beyond += cl->amount[i];
	}
	if (nvisits <= (size_t)c->max_visits)
		return 0;
	uint32_t last = s->ev.v[s->ev.n - 1];
	cw_finding f = cw_finding_init();
	f.physician = cl->physician[last];
	f.patient = cl->patient[last];
	f.item = cl->item[last];
	f.cls = it->category[f.item];
	f.suspect = beyond;
	f.when = cl->time[last];
	f.lines = s->ev.v;
	f.nlines = s->ev.n;
	return cw_emit_i18n(out, &f, "%s billed on %zu visits of this patient in the month (at most %lld)",
	                    "%s 本月在该患者的 %zu 次就诊中收费（最多 %lld 次）",
	                    cw_dataset_str(ctx->ds, it->name[f.item]), nvisits, c->max_visits);
}

/* A patient's live lines of the month, as keys sorted by item, then time. */
static int patient_keys(const cw_scan *ctx, cw_ref p, scratch *s, size_t *n)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_patients *pat = cw_dataset_patients(ctx->ds);
	uint32_t end = pat->line_start[p + 1];
	uint32_t lo = cw_first_line_at(cl, pat->line_start[p], end, cw_dataset_window(ctx->ds)->month_start);
	int rc = cw_grow((void **)&s->keys, &s->keys_cap, end - lo, sizeof *s->keys);
	*n = 0;
	for (uint32_t i = lo; rc == 0 && i < end; i++)
		if (cw_line_live(cl, i) && (cl->flags[i] & CW_LINE_IN_MONTH))
			s->keys[(*n)++] = (uint64_t)cl->item[i] << 32 | i;
	cw_sort_u64(s->keys, *n);
	return rc;
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	scratch s = { 0 };
	int rc = 0;
	for (cw_ref p = ctx->patient_begin; rc == 0 && p < ctx->patient_end; p++) {
		size_t n;
		rc = patient_keys(ctx, p, &s, &n);
		for (size_t lo = 0, hi; rc == 0 && lo < n; lo = hi) {
			for (hi = lo + 1; hi < n && s.keys[hi] >> 32 == s.keys[lo] >> 32; hi++)
				;
			rc = judge(ctx, out, &s, lo, hi);
		}
	}
	free(s.keys);
	free(s.visits);
	cw_linebuf_free(&s.ev);
	return rc;
}

const cw_detector cw_detector_item_many_visits = {
	CW_DETECTOR_INIT,
	.name = "item_many_visits",
	.title_zh = "同一项目多次就诊收费",
	.title_en = "Item billed on many visits",
	.summary = "the same item billed on more than max_visits visits of one patient in the month",
	.summary_zh = "同一患者本月有超过 max_visits 次就诊收取同一项目",
	.dimension = NULL,
	.defaults = "{ \"max_visits\": 3 }",
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = free,
	.scan = scan,
};

/* As a plug-in (claimwatch run --plugin): the table claimwatch looks up (none when compiled in). */
CW_PLUGIN_DETECTORS(&cw_detector_item_many_visits);
