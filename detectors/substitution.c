/*
 * substitution: drugs billed that the visit's prescriptions do not cover (串换药品收费; C7).
 *
 * Contract: partitioned by patients. Each live drug line of a visit (quantity above 0) draws on the
 * visit's prescription lines of the same drug written the same calendar day, then on those written at
 * most window_hours before it, earliest first, each prescription line's quantity used once. Per visit,
 * drug and tag, over the lines of the month: (a) unprescribed: no such prescription line at all; money
 * the lines' amount.
 * (b) over_quantity: such lines exist but their quantity is used up; money the quantity beyond, at the
 * lines' unit prices. (c) dearer_substitute: an unprescribed line whose drug shares its first
 * group_prefix code characters with a cheaper drug (std_price) prescribed in the same window and left
 * unbilled; money the unit-price difference on the prescribed quantity, the whole price beyond it (an
 * equal or cheaper substitute is no finding). Evidence the lines, `when` the latest, physician the
 * line's, class drug, severity violation. A visit is judged only when its institution has prescription
 * lines on visits of its kind group (outpatient and emergency, or inpatient) in the loaded window.
 * The full rule, its source, keys and blind spots: docs/detectors/substitution.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/detector.h"
#include "claimwatch/error.h"
#include "claimwatch/scan.h"

typedef struct config {
	cw_minute window;  /* window_hours in minutes */
	size_t prefix;     /* group_prefix: 0 = rule (c) off */
} config;

static int configure(void **out, const cw_section *rules)
{
	config *c = calloc(1, sizeof *c);
	long long hours, prefix;
	int rc;
	if (!c)
		return cw_error_set(CW_ENOMEM, "out of memory");
	if ((rc = cw_section_int(&hours, rules, "window_hours", 0, 72)) < 0 ||
	    (rc = cw_section_int(&prefix, rules, "group_prefix", 0, 64)) < 0) {
		free(c);
		return rc;
	}
	c->window = (cw_minute)(hours * 60);
	c->prefix = (size_t)prefix;
	*out = c;
	return 0;
}

enum { T_UNPRESCRIBED, T_OVER_QUANTITY, T_SUBSTITUTE, T_COUNT };
static const char *const tags[T_COUNT] = { "unprescribed", "over_quantity", "dearer_substitute" };

/* A drug line of the visit and what the prescriptions left of it. */
typedef struct dline {
	uint32_t line;
	cw_ref item;
	cw_qty unmet;      /* quantity no prescription line covered */
	int matched;       /* some prescription line of its drug was in its window */
	int tag;           /* T_*, or -1: no finding */
	uint32_t rx;       /* (c) the prescription row it replaced */
	cw_fen suspect;
} dline;

typedef struct scratch {
	uint64_t *rxkeys;  /* the slice's prescription rows: time << 32 | row, grouped by visit */
	size_t caprx;
	uint32_t *rxstart; /* per visit of the slice: offsets into rxkeys */
	size_t capstart;
	cw_qty *left;      /* per prescription row of the visit: quantity not yet billed */
	size_t capleft;
	uint64_t *bydrug;  /* the visit's rows by drug, then time: drug << 32 | index into its keys */
	size_t capbydrug;
	dline *lines;
	size_t caplines;
	uint8_t *judged;   /* per institution x kind group: it has prescription lines */
	cw_linebuf ev;
} scratch;

static int kind_group(int kind) { return kind == CW_INPATIENT; }

/* The institutions and kind groups that have prescription lines in the loaded window. */
static int find_judged(const cw_dataset *ds, scratch *sc)
{
	const cw_prescriptions *rx = cw_dataset_prescriptions(ds);
	const cw_visits *vs = cw_dataset_visits(ds);
	size_t ninst = cw_dataset_institutions(ds)->n;
	sc->judged = calloc(ninst * 2 + 1, 1);
	if (!sc->judged)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t r = 0; r < rx->n; r++) {
		cw_ref v = rx->visit[r];
		sc->judged[vs->inst[v] * 2 + (size_t)kind_group(vs->kind[v])] = 1;
	}
	return 0;
}

/* The prescription rows of the slice's visits [v0, v1), grouped by visit (counting sort) and each
 * visit's in time order: rxkeys[rxstart[v - v0] .. rxstart[v - v0 + 1]). */
static int index_rx(const cw_dataset *ds, cw_ref v0, cw_ref v1, scratch *sc)
{
	const cw_prescriptions *rx = cw_dataset_prescriptions(ds);
	size_t nv = v1 - v0, n = 0;
	int rc;
	if ((rc = cw_grow((void **)&sc->rxstart, &sc->capstart, nv + 2, sizeof *sc->rxstart)) < 0)
		return rc;
	memset(sc->rxstart, 0, (nv + 2) * sizeof *sc->rxstart);
	for (size_t r = 0; r < rx->n; r++)
		if (rx->visit[r] >= v0 && rx->visit[r] < v1) {
			sc->rxstart[rx->visit[r] - v0 + 2]++;
			n++;
		}
	if ((rc = cw_grow((void **)&sc->rxkeys, &sc->caprx, n + 1, sizeof *sc->rxkeys)) < 0)
		return rc;
	for (size_t k = 2; k < nv + 2; k++)
		sc->rxstart[k] += sc->rxstart[k - 1];
	for (size_t r = 0; r < rx->n; r++)
		if (rx->visit[r] >= v0 && rx->visit[r] < v1) {
			uint64_t t = (uint32_t)rx->time[r] ^ 0x80000000u; /* order-preserving */
			sc->rxkeys[sc->rxstart[rx->visit[r] - v0 + 1]++] = t << 32 | (uint64_t)r;
		}
	for (size_t k = 0; k < nv; k++)
		cw_sort_u64(sc->rxkeys + sc->rxstart[k], sc->rxstart[k + 1] - sc->rxstart[k]);
	return 0;
}

/* Prescription row r may be billed by a line at t: in pass 0 when written the same calendar day (before
 * or after t), in pass 1 when written a day before and at most the window before t. */
static int in_window(const cw_prescriptions *rx, uint32_t r, cw_minute t, cw_minute window, int pass)
{
	cw_minute w = rx->time[r];
	if (cw_day_of(w) == cw_day_of(t))
		return pass == 0;
	return pass == 1 && w <= t && t - w <= window;
}

/* The items whose codes start with the first `prefix` characters of item's code: [*lo, *hi) (items
 * are in code order, so a group is a range). Empty when the code is shorter than the prefix. */
static void group_of(cw_ref *lo, cw_ref *hi, const cw_dataset *ds, cw_ref item, size_t prefix)
{
	const cw_items *it = cw_dataset_items(ds);
	const char *key = cw_dataset_str(ds, it->code[item]);
	*lo = *hi = item;
	if (strlen(key) < prefix)
		return;
	for (int upper = 0; upper < 2; upper++) {
		cw_ref a = 0, b = (cw_ref)it->n;
		while (a < b) {
			cw_ref mid = a + (b - a) / 2;
			int cmp = strncmp(cw_dataset_str(ds, it->code[mid]), key, prefix);
			if (cmp < 0 || (upper && cmp == 0))
				a = mid + 1;
			else
				b = mid;
		}
		*(upper ? hi : lo) = a;
	}
}

/* The visit's live drug lines (quantity above 0) into sc->lines, in time order; their count or < 0. */
static long collect_lines(const cw_dataset *ds, cw_ref v, scratch *sc)
{
	const cw_visits *vs = cw_dataset_visits(ds);
	const cw_claims *cl = cw_dataset_claims(ds);
	const cw_items *it = cw_dataset_items(ds);
	size_t n = 0;
	for (uint32_t k = vs->line_start[v]; k < vs->line_start[v + 1]; k++) {
		uint32_t i = cl->by_visit[k];
		if (!cw_line_live(cl, i) || it->category[cl->item[i]] != CW_CAT_DRUG || cl->qty[i] <= 0)
			continue;
		int rc = cw_grow((void **)&sc->lines, &sc->caplines, n + 1, sizeof *sc->lines);
		if (rc < 0)
			return rc;
		sc->lines[n++] = (dline){ .line = i, .item = cl->item[i], .unmet = cl->qty[i], .tag = -1, .rx = CW_NONE };
	}
	return (long)n;
}

/* The first of the visit's n rows (sc->bydrug) of drug, or n. */
static size_t first_of(const scratch *sc, size_t n, cw_ref drug)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sc->bydrug[mid] >> 32 < drug)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first of the visit's n rows (sc->bydrug) of drug written at or after t, or n: a drug's rows are
 * in time order. */
static size_t first_at(const cw_prescriptions *rx, const scratch *sc, const uint64_t *keys, size_t n, cw_ref drug,
                       cw_minute t)
{
	size_t lo = first_of(sc, n, drug), hi = first_of(sc, n, drug + 1);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rx->time[(uint32_t)keys[(uint32_t)sc->bydrug[mid]]] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Rules (a) and (b): each line draws on the prescription lines of its drug of its own day first, then
 * on those of the days before in the window, earliest first. */
static void draw(const cw_scan *ctx, const uint64_t *keys, size_t nrx, size_t nlines, scratch *sc)
{
	const config *c = ctx->config;
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_prescriptions *rx = cw_dataset_prescriptions(ctx->ds);
	for (size_t j = 0; j < nlines; j++) {
		dline *d = &sc->lines[j];
		cw_minute t = cl->time[d->line], day = cw_day_of(t) * CW_MINUTES_PER_DAY;
		size_t x0 = first_at(rx, sc, keys, nrx, d->item, t - c->window < day ? t - c->window : day);
		for (int pass = 0; pass < 2; pass++)
			for (size_t x = x0; x < nrx && sc->bydrug[x] >> 32 == d->item && d->unmet > 0; x++) {
				size_t k = (uint32_t)sc->bydrug[x];
				if (rx->time[(uint32_t)keys[k]] >= day + CW_MINUTES_PER_DAY)
					break;
				if (!in_window(rx, (uint32_t)keys[k], t, c->window, pass))
					continue;
				cw_qty take = sc->left[k] < d->unmet ? sc->left[k] : d->unmet;
				d->matched = 1;
				sc->left[k] -= take;
				d->unmet -= take;
			}
		if (!d->matched)
			d->tag = T_UNPRESCRIBED;
		else if (d->unmet > 0)
			d->tag = T_OVER_QUANTITY;
		if (d->tag == T_UNPRESCRIBED)
			d->suspect = cl->amount[d->line];
		else if (d->tag == T_OVER_QUANTITY)
			d->suspect = cw_muldiv_round(cl->unit_price[d->line], d->unmet, CW_QTY_ONE);
	}
}

/* Rule (c): the prescription row (index into keys) of another drug of line d's group, in its window
 * (its day first, earliest first) and left unbilled, or -1. */
static long substitute_of(const cw_scan *ctx, const uint64_t *keys, size_t nrx, const dline *d, const scratch *sc)
{
	const config *c = ctx->config;
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_prescriptions *rx = cw_dataset_prescriptions(ctx->ds);
	cw_ref glo, ghi;
	group_of(&glo, &ghi, ctx->ds, d->item, c->prefix);
	size_t x0 = first_of(sc, nrx, glo), x1 = first_of(sc, nrx, ghi);
	for (int pass = 0; pass < 2; pass++) {
		size_t best = nrx;
		for (size_t x = x0; x < x1; x++) {
			size_t k = (uint32_t)sc->bydrug[x];
			if (sc->bydrug[x] >> 32 != d->item && sc->left[k] > 0 && k < best &&
			    in_window(rx, (uint32_t)keys[k], cl->time[d->line], c->window, pass))
				best = k;
		}
		if (best < nrx)
			return (long)best;
	}
	return -1;
}

/* Rule (c): an unprescribed line in place of a drug of its group prescribed in its window and left
 * unbilled. A dearer one is a finding for the difference (and the whole price beyond the quantity
 * prescribed); an equal or cheaper one is none. */
static void substitutes(const cw_scan *ctx, const uint64_t *keys, size_t nrx, size_t nlines, scratch *sc)
{
	const config *c = ctx->config;
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	const cw_items *it = cw_dataset_items(ctx->ds);
	const cw_prescriptions *rx = cw_dataset_prescriptions(ctx->ds);
	for (size_t j = 0; j < nlines && c->prefix; j++) {
		dline *d = &sc->lines[j];
		long k = d->tag == T_UNPRESCRIBED ? substitute_of(ctx, keys, nrx, d, sc) : -1;
		if (k < 0)
			continue;
		uint32_t r = (uint32_t)keys[k];
		cw_qty part = sc->left[k] < d->unmet ? sc->left[k] : d->unmet;
		cw_fen diff = cl->unit_price[d->line] - it->std_price[rx->drug[r]];
		sc->left[k] -= part;
		d->rx = r;
		d->tag = it->std_price[d->item] > it->std_price[rx->drug[r]] && diff > 0 ? T_SUBSTITUTE : -1;
		d->suspect = d->tag < 0 ? 0
		                        : cw_muldiv_round(diff, part, CW_QTY_ONE) +
		                                  cw_muldiv_round(cl->unit_price[d->line], d->unmet - part, CW_QTY_ONE);
	}
}

/* By tag, drug, then line. */
static int cmp_dline(const void *a, const void *b)
{
	const dline *x = a, *y = b;
	if (x->tag != y->tag)
		return x->tag - y->tag;
	if (x->item != y->item)
		return (x->item > y->item) - (x->item < y->item);
	return (x->line > y->line) - (x->line < y->line);
}

/* One finding: the lines [a, b) of sc->lines, one tag and drug, of visit v. */
static int emit_group(const cw_scan *ctx, cw_findings *out, cw_ref v, const dline *a, const dline *b, scratch *sc)
{
	const cw_dataset *ds = ctx->ds;
	const config *c = ctx->config;
	const cw_claims *cl = cw_dataset_claims(ds);
	const cw_items *it = cw_dataset_items(ds);
	const cw_visits *vs = cw_dataset_visits(ds);
	cw_finding f = cw_finding_init();
	cw_qty billed = 0, unmet = 0;
	sc->ev.n = 0;
	for (const dline *d = a; d < b; d++) {
		int rc = cw_linebuf_push(&sc->ev, d->line);
		if (rc < 0)
			return rc;
		f.suspect += d->suspect;
		billed += cl->qty[d->line];
		unmet += d->unmet;
		if (f.when == CW_MINUTE_NONE || cl->time[d->line] > f.when) {
			f.when = cl->time[d->line];
			f.physician = cl->physician[d->line];
		}
	}
	cw_ref drug = a->item;
	f.patient = vs->patient[v];
	f.visit = v;
	f.item = drug;
	f.cls = CW_CAT_DRUG;
	f.severity = CW_VIOLATION;
	f.lines = sc->ev.v;
	f.nlines = sc->ev.n;
	f.tag = tags[a->tag];
	char q[CW_FMT_SIZE], u[CW_FMT_SIZE], m[CW_FMT_SIZE], t[CW_FMT_SIZE], p[CW_FMT_SIZE];
	const char *code = cw_dataset_str(ds, it->code[drug]), *name = cw_dataset_str(ds, it->name[drug]);
	const char *visit = cw_dataset_str(ds, vs->id[v]);
	cw_format_money(m, f.suspect);
	cw_format_time(t, f.when);
	if (a->tag == T_UNPRESCRIBED)
		return cw_emit_i18n(out, &f,
		                    "%s %s billed in %zu line(s) (%s unit(s), %s, the last at %s) on visit %s, prescribed by "
		                    "no prescription line of the visit that day or within %lld h before",
		                    "%s %s 收费 %zu 条（%s 单位，%s，最后一条 %s），就诊 %s 当天及之前 %lld 小时内均无对应处方，"
		                    "无处方收取药费",
		                    code, name, sc->ev.n, cw_format_qty(q, billed), m, t, visit, (long long)(c->window / 60));
	if (a->tag == T_OVER_QUANTITY)
		return cw_emit_i18n(out, &f,
		                    "%s %s billed %s unit(s) on visit %s, %s beyond what was prescribed (%s, the last at %s)",
		                    "%s %s 收费 %s 单位（就诊 %s），超出处方数量 %s 单位（%s，最后一条 %s），超量收取药费",
		                    code, name, cw_format_qty(q, billed), visit, cw_format_qty(u, unmet), m, t);
	const cw_prescriptions *rx = cw_dataset_prescriptions(ds);
	cw_ref pd = rx->drug[a->rx];
	return cw_emit_i18n(out, &f,
	                    "%s %s (std price %s) billed in %zu line(s) on visit %s where the cheaper %s %s (std price %s) "
	                    "of the same group was prescribed (%s, the last at %s)",
	                    "收取 %s %s（标准价 %s）%zu 条（就诊 %s），而处方开的是同组较便宜的 %s %s（标准价 %s），"
	                    "串换药品收费（%s，最后一条 %s）",
	                    code, name, cw_format_money(u, it->std_price[drug]), sc->ev.n, visit,
	                    cw_dataset_str(ds, it->code[pd]), cw_dataset_str(ds, it->name[pd]),
	                    cw_format_money(p, it->std_price[pd]), m, t);
}

/* The visit's findings: its flagged lines of the month, one finding per tag and drug. */
static int emit_visit(const cw_scan *ctx, cw_findings *out, cw_ref v, size_t nlines, scratch *sc)
{
	const cw_claims *cl = cw_dataset_claims(ctx->ds);
	size_t n = 0;
	for (size_t j = 0; j < nlines; j++)
		if (sc->lines[j].tag >= 0 && (cl->flags[sc->lines[j].line] & CW_LINE_IN_MONTH))
			sc->lines[n++] = sc->lines[j];
	if (n > 1)
		qsort(sc->lines, n, sizeof *sc->lines, cmp_dline);
	int rc = 0;
	for (size_t a = 0, b; a < n && rc == 0; a = b) {
		for (b = a + 1; b < n && sc->lines[b].tag == sc->lines[a].tag && sc->lines[b].item == sc->lines[a].item; b++)
			;
		rc = emit_group(ctx, out, v, sc->lines + a, sc->lines + b, sc);
	}
	return rc;
}

/* Every rule on visit v, whose prescription rows are keys[0 .. nrx). */
static int scan_visit(const cw_scan *ctx, cw_findings *out, cw_ref v, const uint64_t *keys, size_t nrx, scratch *sc)
{
	const cw_prescriptions *rx = cw_dataset_prescriptions(ctx->ds);
	long n = collect_lines(ctx->ds, v, sc);
	if (n <= 0)
		return (int)n;
	int rc;
	if ((rc = cw_grow((void **)&sc->left, &sc->capleft, nrx + 1, sizeof *sc->left)) < 0 ||
	    (rc = cw_grow((void **)&sc->bydrug, &sc->capbydrug, nrx + 1, sizeof *sc->bydrug)) < 0)
		return rc;
	for (size_t k = 0; k < nrx; k++) {
		sc->left[k] = rx->qty[(uint32_t)keys[k]];
		sc->bydrug[k] = (uint64_t)rx->drug[(uint32_t)keys[k]] << 32 | k; /* k: time order */
	}
	cw_sort_u64(sc->bydrug, nrx);
	draw(ctx, keys, nrx, (size_t)n, sc);
	substitutes(ctx, keys, nrx, (size_t)n, sc);
	return emit_visit(ctx, out, v, (size_t)n, sc);
}

static int scan(cw_findings *out, const cw_scan *ctx)
{
	const cw_dataset *ds = ctx->ds;
	const cw_patients *pat = cw_dataset_patients(ds);
	const cw_visits *vs = cw_dataset_visits(ds);
	scratch sc = { 0 };
	cw_ref v0 = pat->visit_start[ctx->patient_begin], v1 = pat->visit_start[ctx->patient_end];
	int rc = find_judged(ds, &sc);
	if (rc == 0)
		rc = index_rx(ds, v0, v1, &sc);
	for (cw_ref v = v0; v < v1 && rc == 0; v++) {
		if (!sc.judged[vs->inst[v] * 2 + (size_t)kind_group(vs->kind[v])])
			continue;
		uint32_t k0 = sc.rxstart[v - v0], k1 = sc.rxstart[v - v0 + 1];
		rc = scan_visit(ctx, out, v, sc.rxkeys + k0, k1 - k0, &sc);
	}
	free(sc.rxkeys);
	free(sc.rxstart);
	free(sc.left);
	free(sc.bydrug);
	free(sc.lines);
	free(sc.judged);
	cw_linebuf_free(&sc.ev);
	return rc;
}

const cw_detector cw_detector_substitution = {
	CW_DETECTOR_INIT,
	.name = "substitution",
	.title_zh = "串换药品收费",
	.title_en = "Substituted drug billing",
	.summary = "drug lines no prescription line of the visit covers, beyond the quantity prescribed, or a "
	           "dearer drug of the group billed in place of the cheaper one prescribed",
	.summary_zh = "药品收费无当次就诊的处方对应、超出处方数量，或以同组较贵药品替换处方所开的较便宜药品收费",
	.dimension = NULL,
	.defaults = "{ \"window_hours\": 24, \"group_prefix\": 6 }",
	.partition = CW_PARTITION_PATIENTS,
	.configure = configure,
	.release = free,
	.scan = scan,
};
