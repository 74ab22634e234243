/*
 * split_billing: a bundled item's components billed one by one on the same patient-day (分解收费).
 *
 * Contract: partitioned by patients; per patient and calendar day, for each bundle of the catalogue:
 * component_beside_bundle (a component billed beside the bundle; money at stake the components'
 * amount) and all_components (every component billed without the bundle; money at stake what they cost
 * above the bundle's price, above min_excess). Live lines only; severity violation, class the bundle's
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
	if ((rc = cw_section_bool(rules, "component_beside_bundle", &beside)) < 0 ||
	    (rc = cw_section_bool(rules, "all_components", &all)) < 0 ||
	    (rc = cw_section_money(rules, "min_excess", &min_excess)) < 0)
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

/* One item's lines on one patient-day. */
typedef struct total {
	cw_qty qty;
	cw_fen amount;
	cw_minute last;
	size_t nlines;
} total;

/* Scratch arrays reused for every patient-day. */
typedef struct day {
	uint64_t *keys;   /* (item << 32 | row) of the day's bundle and component lines, sorted */
	size_t nkeys, keys_cap;
	cw_ref *cands;    /* bundles to judge */
	size_t ncands, cands_cap;
	uint32_t *ev;     /* one finding's evidence rows */
	size_t nev, ev_cap;
	total *tot;       /* per component of the bundle judged */
	size_t tot_cap;
} day;

static void day_free(day *d)
{
	free(d->keys);
	free(d->cands);
	free(d->ev);
	free(d->tot);
}

/* The first key of item, or nkeys when the item is not billed that day. */
static size_t find_item(const day *d, cw_ref item)
{
	size_t lo = 0, hi = d->nkeys;
	uint64_t want = (uint64_t)item << 32;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->keys[mid] < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->nkeys && (uint32_t)(d->keys[lo] >> 32) == item ? lo : d->nkeys;
}

/* Totals of one item's lines that day; appends its rows to the evidence. */
static int take_item(day *d, const cw_claims *cl, cw_ref item, total *t)
{
	*t = (total){ 0, 0, CW_MINUTE_NONE, 0 };
	for (size_t k = find_item(d, item); k < d->nkeys && (uint32_t)(d->keys[k] >> 32) == item; k++) {
		uint32_t row = (uint32_t)d->keys[k];
		if (cw_grow((void **)&d->ev, &d->ev_cap, d->nev + 1, sizeof *d->ev) < 0)
			return CW_ENOMEM;
		d->ev[d->nev++] = row;
		t->qty += cl->qty[row];
		t->amount += cl->amount[row];
		if (t->last == CW_MINUTE_NONE || cl->time[row] > t->last)
			t->last = cl->time[row];
		t->nlines++;
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

/* Fills in and emits a finding on bundle b from the evidence in d->ev. */
static int emit(const cw_scan *ctx, cw_findings *out, day *d, cw_ref b, const char *tag, cw_fen suspect,
                cw_minute when, uint32_t first_component, const char *what)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	cw_sort_u32(d->ev, d->nev); /* evidence in time order */
	cw_finding f = cw_finding_init();
	f.physician = cl->physician[first_component];
	f.patient = cl->patient[first_component];
	f.visit = cl->visit[first_component];
	f.item = b;
	f.cls = it->category[b];
	f.severity = CW_VIOLATION;
	f.suspect = suspect;
	f.when = when;
	f.lines = d->ev;
	f.nlines = d->nev;
	f.tag = tag;
	char date[CW_FMT_SIZE], money[CW_FMT_SIZE];
	return cw_emit(out, &f, "%s on %s: %s; %s at stake", cw_dataset_str(ctx->ds, it->name[b]),
	               cw_format_date(cw_day_of(when), date), what, cw_format_money(suspect, money));
}

/* Bundle b billed that day: its components billed beside it. */
static int judge_beside(const cw_scan *ctx, cw_findings *out, day *d, cw_ref b)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	total t;
	cw_fen suspect = 0;
	cw_minute when = CW_MINUTE_NONE;
	size_t ncomp = 0;
	uint32_t first = UINT32_MAX;
	char names[384] = "";
	d->nev = 0;
	for (uint32_t k = it->component_start[b]; k < it->component_start[b + 1]; k++) {
		size_t before = d->nev;
		if (take_item(d, cl, it->components[k], &t) < 0)
			return CW_ENOMEM;
		if (!t.nlines)
			continue;
		ncomp++;
		suspect += t.amount;
		add_name(names, sizeof names, cw_dataset_str(ctx->ds, it->name[it->components[k]]));
		when = when == CW_MINUTE_NONE || t.last > when ? t.last : when;
		for (size_t e = before; e < d->nev; e++)
			first = d->ev[e] < first ? d->ev[e] : first;
	}
	if (!ncomp)
		return 0;
	size_t ncomp_lines = d->nev;
	if (take_item(d, cl, b, &t) < 0)
		return CW_ENOMEM;
	when = t.last > when ? t.last : when;
	char what[512];
	snprintf(what, sizeof what, "%zu component(s) (%s) billed in %zu line(s) beside the bundle itself", ncomp,
	         names, ncomp_lines);
	return emit(ctx, out, d, b, "component_beside_bundle", suspect, when, first, what);
}

/* Bundle b not billed that day: every component billed without it. */
static int judge_all(const cw_scan *ctx, const config *c, cw_findings *out, day *d, cw_ref b)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	uint32_t lo = it->component_start[b], hi = it->component_start[b + 1];
	cw_qty sets = 0;
	for (uint32_t k = lo; k < hi; k++) { /* cheap check first: every component billed? */
		if (find_item(d, it->components[k]) == d->nkeys)
			return 0;
	}
	/* the number of complete sets: the smallest quantity of any component */
	if (cw_grow((void **)&d->tot, &d->tot_cap, hi - lo, sizeof *d->tot) < 0)
		return CW_ENOMEM;
	d->nev = 0;
	cw_minute when = CW_MINUTE_NONE;
	char names[384] = "";
	for (uint32_t k = lo; k < hi; k++) {
		total *t = &d->tot[k - lo];
		add_name(names, sizeof names, cw_dataset_str(ctx->ds, it->name[it->components[k]]));
		if (take_item(d, cl, it->components[k], t) < 0)
			return CW_ENOMEM;
		if (t->qty <= 0)
			return 0; /* zero-quantity lines only: nothing was billed for it */
		sets = k == lo || t->qty < sets ? t->qty : sets;
		when = when == CW_MINUTE_NONE || t->last > when ? t->last : when;
	}
	/* what `sets` units of each component were billed */
	cw_fen billed = 0;
	for (uint32_t k = lo; k < hi; k++)
		billed += cw_muldiv_round(d->tot[k - lo].amount, sets, d->tot[k - lo].qty);
	cw_fen bundle = cw_muldiv_round(it->std_price[b], sets, CW_QTY_ONE);
	cw_fen suspect = billed - bundle;
	if (suspect <= c->min_excess) /* min_excess >= 0 */
		return 0;
	uint32_t first = UINT32_MAX;
	for (size_t e = 0; e < d->nev; e++)
		first = d->ev[e] < first ? d->ev[e] : first;
	char what[640], q[CW_FMT_SIZE], m1[CW_FMT_SIZE], m2[CW_FMT_SIZE];
	snprintf(what, sizeof what, "all %u components (%s) billed without the bundle: %s set(s) for %s where "
	         "the bundle costs %s", hi - lo, names, cw_format_qty(sets, q), cw_format_money(billed, m1),
	         cw_format_money(bundle, m2));
	return emit(ctx, out, d, b, "all_components", suspect, when, first, what);
}

/* The bundles worth a look that day: those billed, and those of the components billed. */
static int collect_candidates(day *d, const cw_items *it)
{
	d->ncands = 0;
	for (size_t k = 0; k < d->nkeys; k++) {
		cw_ref item = (cw_ref)(d->keys[k] >> 32);
		if (k && (cw_ref)(d->keys[k - 1] >> 32) == item)
			continue;
		size_t need = d->ncands + 1 + (it->bundle_start[item + 1] - it->bundle_start[item]);
		if (cw_grow((void **)&d->cands, &d->cands_cap, need, sizeof *d->cands) < 0)
			return CW_ENOMEM;
		if (it->component_start[item + 1] > it->component_start[item])
			d->cands[d->ncands++] = item;
		for (uint32_t j = it->bundle_start[item]; j < it->bundle_start[item + 1]; j++)
			d->cands[d->ncands++] = it->bundles[j];
	}
	cw_sort_u32(d->cands, d->ncands);
	size_t n = 0;
	for (size_t k = 0; k < d->ncands; k++)
		if (!n || d->cands[n - 1] != d->cands[k])
			d->cands[n++] = d->cands[k];
	d->ncands = n;
	return 0;
}

static int judge_day(const cw_scan *ctx, const config *c, cw_findings *out, day *d)
{
	const cw_items *it = cw_dataset_items(ctx->ds);
	cw_sort_u64(d->keys, d->nkeys);
	int rc = collect_candidates(d, it);
	for (size_t k = 0; rc == 0 && k < d->ncands; k++) {
		cw_ref b = d->cands[k];
		if (find_item(d, b) < d->nkeys)
			rc = c->beside ? judge_beside(ctx, out, d, b) : 0;
		else
			rc = c->all ? judge_all(ctx, c, out, d, b) : 0;
	}
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
	.dimension = NULL,
	.defaults = "{ \"component_beside_bundle\": true, \"all_components\": true, \"min_excess\": 0.0 }",
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = free,
	.scan = scan,
};
