/*
 * split_billing: a bundled item's components billed one by one on the same patient-day (分解收费).
 *
 * Contract: partitioned by patients; per patient and calendar day, for each bundle of the catalogue:
 * component_beside_bundle (a component billed beside the bundle; money at stake the components'
 * amount) and all_components (every component billed without the bundle; money at stake what they cost
 * above the bundle's price, above min_excess). Live lines only; a component's lines are cited by one
 * finding of the day at most (overlapping bundles stay linear); severity violation, class the bundle's
 * category, physician and visit of the first component line.
 * The full rule, its source, keys and blind spots: docs/detectors/split_billing.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/scan.h"

typedef struct config {
	int beside;       /* judge component_beside_bundle */
	int all;          /* judge all_components */
	cw_fen min_excess; /* all_components: report only above this */
} config;

static int configure(void **out, const cw_section *rules)
{
	int beside, all, rc;
	long long min_excess;
	if ((rc = cw_section_bool(&beside, rules, "component_beside_bundle")) < 0 ||
	    (rc = cw_section_bool(&all, rules, "all_components")) < 0 ||
	    (rc = cw_section_money(&min_excess, rules, "min_excess")) < 0)
		return rc;
	config *c = malloc(sizeof *c);
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	c->beside = beside;
	c->all = all;
	c->min_excess = min_excess;
	*out = c;
	return 0;
}

/* One item's live lines on one patient-day, kept at the item's first key.
 * owner: the verdict (index + 1) whose finding cites these lines as
 * components, 0 while none does. */
typedef struct slot {
	cw_qty qty;
	cw_fen amount;
	cw_minute last;
	uint32_t nlines;
	uint32_t owner;
} slot;

enum { NONE, BESIDE, ALL };

/* One bundle worth a look that day. */
typedef struct verdict {
	cw_ref b;
	int kind;          /* NONE, BESIDE or ALL */
	cw_fen suspect;    /* over every component billed that day */
	cw_qty sets;       /* ALL: complete sets billed */
	cw_fen billed;     /* ALL: what those sets of components cost */
	uint32_t ncomp;    /* components in the catalogue */
	uint32_t overlaps; /* bundles left out because this finding cites their components */
	int chosen;
} verdict;

/* Scratch arrays reused for every patient-day. */
typedef struct day {
	uint64_t *keys;   /* (item << 32 | row) of the day's bundle and component lines, sorted */
	size_t nkeys, keys_cap;
	slot *slots;      /* parallel to keys: each item's totals at its first key */
	size_t slots_cap;
	/* per catalogue item, so that a day costs no search nor sort of the bundles' memberships:
	 * billed[i] == epoch: item i is billed that day, from key first[i];
	 * cand[i] == epoch: bundle i is a candidate already */
	uint32_t *billed, *first, *cand;
	uint32_t epoch;   /* the day's number */
	cw_ref *cands;    /* bundles to judge */
	size_t ncands, cands_cap;
	verdict *v;       /* one per candidate, in bundle order */
	size_t v_cap;
	uint32_t *order;  /* the verdicts in the order they take their lines */
	size_t norder, order_cap;
	uint32_t *ev;     /* one finding's evidence rows */
	size_t nev, ev_cap;
} day;

static void day_free(day *d)
{
	free(d->keys);
	free(d->slots);
	free(d->billed);
	free(d->first);
	free(d->cand);
	free(d->cands);
	free(d->v);
	free(d->order);
	free(d->ev);
}

static cw_ref key_item(uint64_t key) { return (cw_ref)(key >> 32); }

/* The first key of item, or nkeys when the item is not billed that day. */
static size_t find_item(const day *d, cw_ref item) { return d->billed[item] == d->epoch ? d->first[item] : d->nkeys; }

/* The per-item marks, once per scan. */
static int day_init(day *d, size_t nitems)
{
	if (d->billed)
		return 0;
	d->billed = calloc(nitems + 1, sizeof *d->billed);
	d->first = calloc(nitems + 1, sizeof *d->first);
	d->cand = calloc(nitems + 1, sizeof *d->cand);
	return d->billed && d->first && d->cand ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
}

/* The totals of item's lines that day, NULL when it has none. */
static slot *billed_slot(const day *d, cw_ref item)
{
	size_t k = find_item(d, item);
	return k < d->nkeys ? &d->slots[k] : NULL;
}

/* Totals every item of the day once, at its first key, and marks it billed. */
static int sum_items(day *d, const cw_claims *cl)
{
	if (cw_grow((void **)&d->slots, &d->slots_cap, d->nkeys, sizeof *d->slots) < 0)
		return CW_ENOMEM;
	for (size_t k = 0; k < d->nkeys;) {
		cw_ref item = key_item(d->keys[k]);
		slot *s = &d->slots[k];
		d->billed[item] = d->epoch;
		d->first[item] = (uint32_t)k;
		*s = (slot){ 0, 0, CW_MINUTE_NONE, 0, 0 };
		for (; k < d->nkeys && key_item(d->keys[k]) == item; k++) {
			uint32_t row = (uint32_t)d->keys[k];
			s->qty += cl->qty[row];
			s->amount += cl->amount[row];
			if (s->last == CW_MINUTE_NONE || cl->time[row] > s->last)
				s->last = cl->time[row];
			s->nlines++;
		}
	}
	return 0;
}

/* Appends the rows of one item that day, from its first key at, to the evidence. */
static int cite_lines(day *d, size_t at)
{
	cw_ref item = key_item(d->keys[at]);
	for (size_t k = at; k < d->nkeys && key_item(d->keys[k]) == item; k++) {
		if (cw_grow((void **)&d->ev, &d->ev_cap, d->nev + 1, sizeof *d->ev) < 0)
			return CW_ENOMEM;
		d->ev[d->nev++] = (uint32_t)d->keys[k];
	}
	return 0;
}

/* Appends ", name" (or "name" first) to a list of item names, cut with "..." when full. */
static void add_name(char *buf, size_t size, const char *name)
{
	size_t n = strlen(buf);
	if (n >= 3 && !strcmp(buf + n - 3, "..."))
		return;
	const char *sep = n ? ", " : "";
	if (n + strlen(sep) + strlen(name) + 6 < size) /* keeps room for a final ", ..." */
		snprintf(buf + n, size - n, "%s%s", sep, name);
	else
		snprintf(buf + n, size - n, "%s...", sep);
}

/* Fills in and emits a finding on verdict v from the evidence in d->ev. */
static int emit(const cw_scan *ctx, cw_findings *out, day *d, const verdict *v, cw_fen suspect, cw_minute when,
                uint32_t first_component, const char *what, const char *what_zh)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	cw_sort_u32(d->ev, d->nev); /* evidence in time order */
	cw_finding f = cw_finding_init();
	f.physician = cl->physician[first_component];
	f.patient = cl->patient[first_component];
	f.visit = cl->visit[first_component];
	f.item = v->b;
	f.cls = it->category[v->b];
	f.severity = CW_VIOLATION;
	f.suspect = suspect;
	f.when = when;
	f.lines = d->ev;
	f.nlines = d->nev;
	f.tag = v->kind == BESIDE ? "component_beside_bundle" : "all_components";
	char date[CW_FMT_SIZE], money[CW_FMT_SIZE], others[96] = "", others_zh[160] = "";
	if (v->overlaps) {
		snprintf(others, sizeof others, "; %u overlapping bundle(s) on the same lines not reported again",
		         v->overlaps);
		snprintf(others_zh, sizeof others_zh, "；同一批明细上另有 %u 个重叠的组合项目，不再重复报告", v->overlaps);
	}
	return cw_emit_i18n(out, &f, "%s on %s: %s%.0s; %s at stake%s%.0s", "%s（%s）：%.0s%s；涉及金额 %s%.0s%s",
	                    cw_dataset_str(ctx->ds, it->name[v->b]), cw_format_date(date, cw_day_of(when)), what,
	                    what_zh, cw_format_money(money, suspect), others, others_zh);
}
/* What the complete sets of v's components cost that day: v->sets (the
 * smallest quantity billed of any component), v->billed, and v->suspect above
 * the bundle's price for as many sets. 0 when a component is missing or has
 * zero-quantity lines only. */
static int price_sets(const day *d, const cw_items *it, verdict *v)
{
	uint32_t lo = it->component_start[v->b], hi = it->component_start[v->b + 1];
	for (uint32_t k = lo; k < hi; k++) {
		const slot *s = billed_slot(d, it->components[k]);
		if (!s || s->qty <= 0)
			return 0;
		v->sets = k == lo || s->qty < v->sets ? s->qty : v->sets;
	}
	v->billed = 0;
	for (uint32_t k = lo; k < hi; k++) {
		const slot *s = billed_slot(d, it->components[k]);
		v->billed += cw_muldiv_round(s->amount, v->sets, s->qty);
	}
	v->suspect = v->billed - cw_muldiv_round(it->std_price[v->b], v->sets, CW_QTY_ONE);
	return 1;
}

/* Judges bundle v->b on the whole day, before any finding takes lines. */
static void evaluate(const config *c, const cw_items *it, const day *d, verdict *v)
{
	uint32_t lo = it->component_start[v->b], hi = it->component_start[v->b + 1];
	*v = (verdict){ .b = v->b, .kind = NONE, .ncomp = hi - lo };
	if (billed_slot(d, v->b)) {
		for (uint32_t k = lo; c->beside && k < hi; k++) {
			const slot *s = billed_slot(d, it->components[k]);
			if (s) {
				v->kind = BESIDE;
				v->suspect += s->amount;
			}
		}
	} else if (c->all && price_sets(d, it, v) && v->suspect > c->min_excess) { /* min_excess >= 0 */
		v->kind = ALL;
	}
}

/* Components beside their bundle first (the stronger evidence), then the most
 * money at stake, the most components, the catalogue's order. */
static int by_priority(const void *a, const void *b, void *arg)
{
	const verdict *v = arg, *x = &v[*(const uint32_t *)a], *y = &v[*(const uint32_t *)b];
	if (x->kind != y->kind)
		return x->kind == BESIDE ? -1 : 1;
	if (x->suspect != y->suspect)
		return x->suspect > y->suspect ? -1 : 1;
	if (x->ncomp != y->ncomp)
		return x->ncomp > y->ncomp ? -1 : 1;
	return (x->b > y->b) - (x->b < y->b);
}

/* Verdict i takes the components no finding cites yet: beside its bundle, those
 * left (none left: no finding); all_components, every one or none. A bundle
 * left out is counted on the finding that took its first component. */
static void take(const cw_items *it, day *d, uint32_t i)
{
	verdict *v = &d->v[i];
	uint32_t lo = it->component_start[v->b], hi = it->component_start[v->b + 1], taken_by = 0, left = 0;
	for (uint32_t k = lo; k < hi; k++) {
		const slot *s = billed_slot(d, it->components[k]);
		if (s && s->owner && !taken_by)
			taken_by = s->owner;
		left += s && !s->owner;
	}
	if (v->kind == ALL ? taken_by != 0 : left == 0) {
		d->v[taken_by - 1].overlaps++;
		return;
	}
	v->chosen = 1;
	for (uint32_t k = lo; k < hi; k++) {
		slot *s = billed_slot(d, it->components[k]);
		if (s && !s->owner)
			s->owner = i + 1;
	}
}

/* Gives each component line of the day to one finding at most, so findings
 * and evidence stay linear in the lines however many bundles overlap. */
static int choose(const cw_items *it, day *d)
{
	if (cw_grow((void **)&d->order, &d->order_cap, d->ncands, sizeof *d->order) < 0)
		return CW_ENOMEM;
	d->norder = 0;
	for (size_t k = 0; k < d->ncands; k++)
		if (d->v[k].kind != NONE)
			d->order[d->norder++] = (uint32_t)k;
	qsort_r(d->order, d->norder, sizeof *d->order, by_priority, d->v);
	for (size_t k = 0; k < d->norder; k++)
		take(it, d, d->order[k]);
	return 0;
}

/* The components a finding cites, in catalogue order. */
typedef struct cited {
	size_t ncomp, nlines;
	cw_fen amount;
	cw_minute when;  /* the latest of their lines */
	uint32_t first;  /* their first line */
	char names[384];
} cited;

/* Cites the components verdict v took into d->ev. */
static int cite_components(const cw_scan *ctx, day *d, const verdict *v, cited *c)
{
	const cw_items *it = cw_dataset_items(ctx->ds);
	uint32_t me = (uint32_t)(v - d->v) + 1;
	*c = (cited){ .when = CW_MINUTE_NONE, .first = UINT32_MAX };
	d->nev = 0;
	for (uint32_t k = it->component_start[v->b]; k < it->component_start[v->b + 1]; k++) {
		cw_ref comp = it->components[k];
		size_t at = find_item(d, comp);
		if (at == d->nkeys || d->slots[at].owner != me)
			continue;
		const slot *s = &d->slots[at];
		if (cite_lines(d, at) < 0)
			return CW_ENOMEM;
		c->ncomp++;
		c->nlines += s->nlines;
		c->amount += s->amount;
		c->when = c->when == CW_MINUTE_NONE || s->last > c->when ? s->last : c->when;
		c->first = (uint32_t)d->keys[at] < c->first ? (uint32_t)d->keys[at] : c->first;
		add_name(c->names, sizeof c->names, cw_dataset_str(ctx->ds, it->name[comp]));
	}
	return 0;
}

/* Bundle v->b billed that day: the components it took, billed beside it. */
static int emit_beside(const cw_scan *ctx, cw_findings *out, day *d, const verdict *v)
{
	cited c;
	size_t self = find_item(d, v->b);
	if (cite_components(ctx, d, v, &c) < 0 || cite_lines(d, self) < 0)
		return CW_ENOMEM;
	cw_minute when = d->slots[self].last > c.when ? d->slots[self].last : c.when;
	char what[512], what_zh[512];
	snprintf(what, sizeof what, "%zu component(s) (%s) billed in %zu line(s) beside the bundle itself", c.ncomp,
	         c.names, c.nlines);
	snprintf(what_zh, sizeof what_zh, "组合项目之外又分解收取其 %zu 个子项（%s），共 %zu 条明细", c.ncomp, c.names,
	         c.nlines);
	return emit(ctx, out, d, v, c.amount, when, c.first, what, what_zh);
}

/* Bundle v->b not billed that day: every component billed without it. */
static int emit_all(const cw_scan *ctx, cw_findings *out, day *d, const verdict *v)
{
	cited c;
	if (cite_components(ctx, d, v, &c) < 0)
		return CW_ENOMEM;
	char what[640], what_zh[640], q[CW_FMT_SIZE], m1[CW_FMT_SIZE], m2[CW_FMT_SIZE];
	snprintf(what, sizeof what, "all %u components (%s) billed without the bundle: %s set(s) for %s where "
	         "the bundle costs %s", v->ncomp, c.names, cw_format_qty(q, v->sets), cw_format_money(m1, v->billed),
	         cw_format_money(m2, v->billed - v->suspect));
	snprintf(what_zh, sizeof what_zh, "全部 %u 个子项（%s）分解收费而未按组合项目收费：%s 套共收 %s，按组合项目应收 %s",
	         v->ncomp, c.names, q, m1, m2);
	return emit(ctx, out, d, v, v->suspect, c.when, c.first, what, what_zh);
}

static void add_candidate(day *d, cw_ref b)
{
	if (d->cand[b] != d->epoch) {
		d->cand[b] = d->epoch;
		d->cands[d->ncands++] = b;
	}
}

/* The bundles worth a look that day: those billed, and those of the components billed. */
static int collect_candidates(day *d, const cw_items *it)
{
	d->ncands = 0;
	for (size_t k = 0; k < d->nkeys; k++) {
		cw_ref item = key_item(d->keys[k]);
		if (k && key_item(d->keys[k - 1]) == item)
			continue;
		size_t need = d->ncands + 1 + (it->bundle_start[item + 1] - it->bundle_start[item]);
		if (cw_grow((void **)&d->cands, &d->cands_cap, need, sizeof *d->cands) < 0)
			return CW_ENOMEM;
		if (it->component_start[item + 1] > it->component_start[item])
			add_candidate(d, item);
		for (uint32_t j = it->bundle_start[item]; j < it->bundle_start[item + 1]; j++)
			add_candidate(d, it->bundles[j]);
	}
	cw_sort_u32(d->cands, d->ncands);
	return cw_grow((void **)&d->v, &d->v_cap, d->ncands, sizeof *d->v);
}

static int judge_day(const cw_scan *ctx, const config *c, cw_findings *out, day *d)
{
	const cw_items *it = cw_dataset_items(ctx->ds);
	cw_sort_u64(d->keys, d->nkeys);
	d->epoch++;
	int rc = day_init(d, it->n);
	if (rc == 0)
		rc = sum_items(d, cw_dataset_claims(ctx->ds));
	if (rc == 0)
		rc = collect_candidates(d, it);
	for (size_t k = 0; rc == 0 && k < d->ncands; k++) {
		d->v[k].b = d->cands[k];
		evaluate(c, it, d, &d->v[k]);
	}
	if (rc == 0)
		rc = choose(it, d);
	for (size_t k = 0; rc == 0 && k < d->ncands; k++)
		if (d->v[k].chosen)
			rc = d->v[k].kind == BESIDE ? emit_beside(ctx, out, d, &d->v[k]) : emit_all(ctx, out, d, &d->v[k]);
	return rc;
}

/* Keys of the live bundle and component lines of [lo, hi) into d. */
static int collect_day(const cw_claims *cl, const cw_items *it, day *d, uint32_t lo, uint32_t hi)
{
	d->nkeys = 0;
	if (cw_grow((void **)&d->keys, &d->keys_cap, hi - lo, sizeof *d->keys) < 0)
		return CW_ENOMEM;
	for (uint32_t i = lo; i < hi; i++) {
		cw_ref item = cl->item[i];
		int in_bundles = it->component_start[item + 1] > it->component_start[item] ||
		                 it->bundle_start[item + 1] > it->bundle_start[item];
		if (in_bundles && cw_line_live(cl, i))
			d->keys[d->nkeys++] = (uint64_t)item << 32 | i;
	}
	return 0;
}

/* One patient's day: its lines in bundles collected, then judged. */
typedef struct day_scan {
	day d;
	cw_findings *out;
} day_scan;

static int on_day(const cw_scan *ctx, uint32_t lo, uint32_t hi, void *arg)
{
	day_scan *s = arg;
	int rc = collect_day(cw_dataset_claims(ctx->ds), cw_dataset_items(ctx->ds), &s->d, lo, hi);
	return rc == 0 && s->d.nkeys ? judge_day(ctx, ctx->config, s->out, &s->d) : rc;
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	day_scan s = { .out = out };
	int rc = cw_each_patient_day(ctx, on_day, &s);
	day_free(&s.d);
	return rc;
}

const cw_detector cw_detector_split_billing = {
	CW_DETECTOR_INIT,
	.name = "split_billing",
	.title_zh = "分解收费",
	.title_en = "Split billing",
	.summary = "a bundle's components billed beside it, or all of them without it, on one patient-day",
	.summary_zh = "同一患者同一天，组合项目之外又收其子项，或不收组合项目而分别收取全部子项",
	.dimension = NULL,
	.defaults = "{ \"component_beside_bundle\": true, \"all_components\": true, \"min_excess\": 0.0 }",
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = free,
	.scan = scan,
};
