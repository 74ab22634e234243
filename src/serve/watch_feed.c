/* watch_feed.c: the watch (watch.h) fed from datasets: the rules' serve.watch read and checked, the
 * counters rebuilt at start from the served month's history, and each judged claim turned into an
 * event of the counting core (watch.c). J2.
 *
 * A line counts for its visit's department and its physician (as detectors/drug_share.c counts them);
 * a finding for its responsible department and physician (cw_record: findings.csv's dept_id and
 * physician_id). Units of a patient's dataset are mapped to the history's by id. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "dataset/pool.h"
#include "engine/indicators.h"
#include "serve/watch.h"

/* --- the rules ----------------------------------------------------------------------------------- */

static int read_limits(cw_watch_limits *l, const cw_section *w, const char *key)
{
	cw_section s = cw_section_child(w, key);
	int rc = cw_section_int(&l->hits_today, &s, "hits_today", 0, 1000000000);
	if (rc == 0)
		rc = cw_section_int(&l->hits_month, &s, "hits_month", 0, 1000000000);
	if (rc == 0)
		rc = cw_section_money(&l->money_today, &s, "money_today");
	if (rc == 0)
		rc = cw_section_money(&l->money_month, &s, "money_month");
	if (rc == 0)
		rc = cw_section_bool(&l->drug_share, &s, "drug_share");
	return rc;
}

/* An id listed twice is an error naming it. */
static int check_ids(const char **ids, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++) {
		if (!*ids[i])
			return cw_error_set(CW_EINVALID, "serve.watch.%s[%zu]: an empty id", key, i);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(ids[i], ids[j]))
				return cw_error_set(CW_EINVALID, "serve.watch.%s[%zu]: '%s' is listed twice", key, i, ids[i]);
	}
	return 0;
}

int cw_watch_config_load(cw_watch_config *c, const cw_rules *rules, const char *const *det, size_t ndet)
{
	memset(c, 0, sizeof *c);
	cw_section w = cw_rules_section(rules, "serve.watch");
	cw_section ds = cw_rules_section(rules, "detectors.drug_share");
	int rc = cw_section_strings(&c->ids[CW_WATCH_DEPT], &c->nids[CW_WATCH_DEPT], &w, "departments");
	if (rc == 0)
		rc = cw_section_strings(&c->ids[CW_WATCH_PHYS], &c->nids[CW_WATCH_PHYS], &w, "physicians");
	if (rc == 0)
		rc = check_ids(c->ids[CW_WATCH_DEPT], c->nids[CW_WATCH_DEPT], "departments");
	if (rc == 0)
		rc = check_ids(c->ids[CW_WATCH_PHYS], c->nids[CW_WATCH_PHYS], "physicians");
	if (rc == 0)
		rc = cw_section_int(&c->top, &w, "top", 0, 10000);
	if (rc == 0)
		rc = cw_section_int(&c->alerts_kept, &w, "alerts_kept", 1, 100000);
	if (rc == 0)
		rc = read_limits(&c->lim[CW_WATCH_DEPT], &w, "department");
	if (rc == 0)
		rc = read_limits(&c->lim[CW_WATCH_PHYS], &w, "physician");
	/* the drug share's minimum revenues are the detector's (no detector: no minimum, no target) */
	if (rc == 0 && cw_section_exists(&ds) &&
	    ((rc = cw_section_money(&c->min_revenue[CW_WATCH_DEPT], &ds, "min_department_revenue")) == 0))
		rc = cw_section_money(&c->min_revenue[CW_WATCH_PHYS], &ds, "min_physician_revenue");
	for (size_t i = 0; i < ndet && i < CW_WATCH_MAX_DET; i++)
		c->det[c->ndet++] = det[i];
	if (rc < 0)
		cw_watch_config_free(c);
	return rc;
}

void cw_watch_config_free(cw_watch_config *c)
{
	for (int k = 0; k < CW_WATCH_KINDS; k++) {
		free(c->ids[k]);
		c->ids[k] = NULL;
		c->nids[k] = 0;
	}
}

/* --- rebuilding from the history ---------------------------------------------------------------- */

static int det_index(const cw_watch_config *c, const char *name)
{
	for (size_t d = 0; d < c->ndet; d++)
		if (!strcmp(c->det[d], name))
			return (int)d;
	return -1;
}

static uint64_t patient_key(const char *id) { return cw_hash(id, strlen(id)); }

static int name_units(cw_watch *w, const cw_rules *rules, const cw_dataset *base)
{
	const cw_departments *de = cw_dataset_departments(base);
	const cw_physicians *ph = cw_dataset_physicians(base);
	cw_section ds = cw_rules_section(rules, "detectors.drug_share");
	double *target = calloc(de->n + 1, sizeof *target);
	int rc = target ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
	for (cw_ref d = 0; rc == 0 && d < de->n; d++) {
		target[d] = NAN;
		if (cw_section_exists(&ds))
			rc = cw_drug_share_dept_target(&target[d], &ds, base, d);
		cw_watch_unit(w, CW_WATCH_DEPT, d, cw_dataset_str(base, de->id[d]), cw_dataset_str(base, de->name[d]), target[d]);
	}
	for (cw_ref p = 0; rc == 0 && p < ph->n; p++)
		cw_watch_unit(w, CW_WATCH_PHYS, p, cw_dataset_str(base, ph->id[p]), cw_dataset_str(base, ph->name[p]),
		              target[ph->dept[p]]);
	free(target);
	return rc == 0 ? cw_watch_mark_listed(w) : rc;
}

typedef struct keyed {
	uint64_t key;
	uint32_t line;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	return x->key != y->key ? (x->key < y->key ? -1 : 1) : (x->line > y->line) - (x->line < y->line);
}

/* Bits of a line of base (new_visit): 1 << (2 * kind + period), period 0 the month, 1 its day; set by
 * sorting the month's lines by (visit[, physician], day). */
static int first_bits(uint8_t *bits, const cw_dataset *base)
{
	const cw_claims *cl = cw_dataset_claims(base);
	keyed *k = malloc((cl->n + 1) * sizeof *k);
	if (!k)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (int kind = 0; kind < CW_WATCH_KINDS; kind++) {
		size_t m = 0;
		for (uint32_t i = 0; i < cl->n; i++)
			if (cl->flags[i] & CW_LINE_IN_MONTH)
				k[m++] = (keyed){ (uint64_t)cl->visit[i] << 32 | (kind ? (uint64_t)(cl->physician[i] & 0xffffff) << 8 : 0) |
					                  (uint64_t)(cw_day_of(cl->time[i]) & 0xff), i };
		qsort(k, m, sizeof *k, cmp_keyed);
		for (size_t j = 0; j < m; j++) {
			bits[k[j].line] |= (uint8_t)((!j || k[j].key >> 8 != k[j - 1].key >> 8) << (2 * kind));
			bits[k[j].line] |= (uint8_t)((!j || k[j].key != k[j - 1].key) << (2 * kind + 1));
		}
	}
	free(k);
	return 0;
}

/* The month's lines of base, applied 4096 at a time; the latest first, so that the data's clock is
 * on its last day from the first batch on (a later day would start today's counters again). */
static int rebuild_lines(cw_watch *w, const cw_dataset *base)
{
	const cw_claims *cl = cw_dataset_claims(base);
	const cw_visits *vi = cw_dataset_visits(base);
	const cw_items *it = cw_dataset_items(base);
	enum { BATCH = 4096 };
	cw_watch_line *l = malloc(BATCH * sizeof *l);
	uint8_t *bits = calloc(cl->n + 1, 1);
	int rc = l && bits ? first_bits(bits, base) : cw_error_set(CW_ENOMEM, "out of memory");
	uint32_t last = CW_NONE;
	for (uint32_t i = 0; i < cl->n; i++)
		if ((cl->flags[i] & CW_LINE_IN_MONTH) && (last == CW_NONE || cl->time[i] > cl->time[last]))
			last = i;
	size_t n = 0;
	for (uint32_t j = 0; rc == 0 && last != CW_NONE && j <= cl->n; j++) {
		uint32_t i = j == 0 ? last : j - 1; /* the latest, then every other */
		if (j < cl->n + 1 && (j == 0 || (i != last && (cl->flags[i] & CW_LINE_IN_MONTH)))) {
			cw_watch_line *e = &l[n++];
			*e = (cw_watch_line){ .time = cl->time[i], .unit = { vi->dept[cl->visit[i]], cl->physician[i] },
				              .amount = cl->amount[i], .drug = it->category[cl->item[i]] == CW_CAT_DRUG };
			for (int k = 0; k < CW_WATCH_KINDS; k++)
				for (int d = 0; d < 2; d++)
					e->new_visit[k][d] = (uint8_t)(bits[i] >> (2 * k + d) & 1);
		}
		if (n == BATCH || (j == cl->n && n)) {
			cw_watch_event ev = { .lines = l, .nlines = n };
			rc = cw_watch_apply(w, &ev);
			n = 0;
		}
	}
	free(l);
	free(bits);
	return rc;
}

static cw_watch_hit hit_of(const cw_watch *w, const cw_record *r, const cw_dataset *ds, const cw_dataset *base)
{
	cw_watch_hit h = { .id = strtoull(r->id + 1, NULL, 16), .money = r->f.suspect, .fund = r->fund, .when = r->f.when,
		           .unit = { CW_NONE, CW_NONE } };
	(void)w;
	if (r->dept != CW_NONE)
		h.unit[CW_WATCH_DEPT] = ds == base ? r->dept
		                                   : cw_dataset_find(base, CW_T_DEPARTMENTS,
		                                                     cw_dataset_str(ds, cw_dataset_departments(ds)->id[r->dept]));
	if (r->f.physician != CW_NONE)
		h.unit[CW_WATCH_PHYS] = ds == base ? r->f.physician
		                                   : cw_dataset_find(base, CW_T_PHYSICIANS,
		                                                     cw_dataset_str(ds, cw_dataset_physicians(ds)->id[r->f.physician]));
	return h;
}

typedef struct phit {
	uint64_t patient;
	cw_watch_hit h;
} phit;

static int cmp_phit(const void *a, const void *b)
{
	const phit *x = a, *y = b;
	return x->patient != y->patient ? (x->patient < y->patient ? -1 : 1) : (x->h.id > y->h.id) - (x->h.id < y->h.id);
}

/* The findings of the service's detectors on base, applied patient by patient. */
static int rebuild_findings(cw_watch *w, const cw_watch_config *c, const cw_dataset *base, const cw_findings *f)
{
	size_t cnt = cw_findings_count(f), n = 0;
	phit *all = malloc((cnt + 1) * sizeof *all);
	cw_watch_hit *h = malloc((cnt + 1) * sizeof *h);
	int rc = all && h ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < cnt; i++) {
		cw_record r;
		cw_findings_get(&r, f, i);
		int d = det_index(c, r.detector->name);
		if (d < 0)
			continue;
		all[n].patient = r.f.patient == CW_NONE ? 0
		                 : patient_key(cw_dataset_str(base, cw_dataset_patients(base)->id[r.f.patient]));
		all[n].h = hit_of(w, &r, base, base);
		all[n++].h.det = d;
	}
	if (rc == 0 && n)
		qsort(all, n, sizeof *all, cmp_phit);
	for (size_t i = 0, j; rc == 0 && i < n; i = j) {
		for (j = i; j < n && all[j].patient == all[i].patient; j++)
			h[j - i] = all[j].h;
		cw_watch_event ev = { .patient = all[i].patient, .hits = h, .nhits = j - i };
		rc = cw_watch_apply(w, &ev);
	}
	free(h);
	free(all);
	return rc;
}

int cw_watch_open(cw_watch **out, const cw_rules *rules, const cw_dataset *base, const char *const *det,
                  size_t ndet, const cw_findings *month)
{
	cw_watch_config c;
	cw_watch *w = NULL;
	int rc = cw_watch_config_load(&c, rules, det, ndet);
	if (rc < 0)
		return rc;
	c.base = base;
	if ((rc = cw_watch_new(&w, &c, cw_dataset_departments(base)->n, cw_dataset_physicians(base)->n,
	                       cw_dataset_window(base)->month)) < 0)
		return rc;
	cw_watch_rebuilding(w, 1);
	rc = name_units(w, rules, base);
	if (rc == 0)
		rc = rebuild_lines(w, base);
	if (rc == 0)
		rc = rebuild_findings(w, &c, base, month);
	if (rc < 0) {
		cw_watch_free(w);
		return rc;
	}
	cw_watch_rebuilding(w, 0);
	*out = w;
	return 0;
}

/* --- a judged claim ------------------------------------------------------------------------------- */

static cw_ref base_ref(const cw_dataset *base, int table, const char *id)
{
	return id ? cw_dataset_find(base, table, id) : CW_NONE;
}

/* A line's key for the visits billed: its physician (kind CW_WATCH_PHYS) and its day (day 1). */
static uint64_t unit_day(const cw_claims *cl, uint32_t r, int kind, int day)
{
	return (kind ? (uint64_t)cl->physician[r] << 32 : 0) | (day ? (uint32_t)cw_day_of(cl->time[r]) : 0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* new_visit of the n new lines at rows nr[] of ds (one visit, the request's): a line is the first of its
 * visit for its unit (in the month, on its day) when no old line of the visit has its key and no new
 * line before it in the request does. Sorting, so a stay of thousands of lines stays cheap. */
static int mark_first(cw_watch_line *l, const uint32_t *nr, size_t n, const cw_dataset *ds, const uint8_t *isnew)
{
	const cw_claims *cl = cw_dataset_claims(ds);
	uint64_t *old = malloc((cl->n + 1) * sizeof *old);
	keyed *k = malloc((n + 1) * sizeof *k);
	if (!old || !k) {
		free(old), free(k);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	for (int kind = 0; n && kind < CW_WATCH_KINDS; kind++)
		for (int day = 0; day < 2; day++) {
			size_t m = 0;
			for (uint32_t j = 0; j < cl->n; j++)
				if (cl->visit[j] == cl->visit[nr[0]] && (cl->flags[j] & CW_LINE_IN_MONTH) && !isnew[j])
					old[m++] = unit_day(cl, j, kind, day);
			qsort(old, m, sizeof *old, cmp_u64);
			for (size_t i = 0; i < n; i++)
				k[i] = (keyed){ unit_day(cl, nr[i], kind, day), (uint32_t)i };
			qsort(k, n, sizeof *k, cmp_keyed);
			for (size_t i = 0; i < n; i++)
				l[k[i].line].new_visit[kind][day] = (uint8_t)((!i || k[i].key != k[i - 1].key) &&
				                                               !(m && bsearch(&k[i].key, old, m, sizeof *old, cmp_u64)));
		}
	free(old);
	free(k);
	return 0;
}

/* The request's new lines of the month as events (*n of them). */
static int new_lines(cw_watch_line **out, size_t *n, const cw_dataset *ds, const cw_dataset *base,
                     const cw_request *rq, const uint8_t *line_known)
{
	const cw_claims *cl = cw_dataset_claims(ds);
	const cw_visits *vi = cw_dataset_visits(ds);
	const cw_items *it = cw_dataset_items(ds);
	uint8_t *isnew = calloc(cl->n + 1, 1);
	cw_watch_line *l = calloc(rq->nlines + 1, sizeof *l);
	uint32_t *nr = malloc((rq->nlines + 1) * sizeof *nr);
	*out = l;
	*n = 0;
	int rc = isnew && l && nr ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < rq->nlines; i++) {
		uint32_t r = line_known[i] ? CW_NONE : cw_dataset_find(ds, CW_T_CLAIMS, rq->lines[i].row.line_id);
		if (r == CW_NONE || isnew[r])
			continue;
		isnew[r] = 1;
		if (cl->flags[r] & CW_LINE_IN_MONTH)
			nr[(*n)++] = r;
	}
	for (size_t i = 0; rc == 0 && i < *n; i++) {
		uint32_t r = nr[i];
		cw_watch_line *e = &l[i];
		e->time = cl->time[r];
		e->unit[CW_WATCH_DEPT] = base_ref(base, CW_T_DEPARTMENTS,
		                                  cw_dataset_str(ds, cw_dataset_departments(ds)->id[vi->dept[cl->visit[r]]]));
		e->unit[CW_WATCH_PHYS] = base_ref(base, CW_T_PHYSICIANS,
		                                  cw_dataset_str(ds, cw_dataset_physicians(ds)->id[cl->physician[r]]));
		e->amount = cl->amount[r];
		e->drug = it->category[cl->item[r]] == CW_CAT_DRUG;
	}
	if (rc == 0)
		rc = mark_first(l, nr, *n, ds, isnew);
	free(nr);
	free(isnew);
	return rc;
}

/* The latest time of the request's lines (its admission when it has none). */
static cw_minute check_time(const cw_request *rq)
{
	cw_minute t = rq->visit.admit;
	for (size_t i = 0; i < rq->nlines; i++)
		if (rq->lines[i].row.time > t)
			t = rq->lines[i].row.time;
	return t;
}

int cw_watch_claim(cw_watch *w, const cw_dataset *ds, cw_month m, const cw_request *rq, const uint8_t *line_known,
                   const cw_record *rec, size_t nrec, int commit)
{
	const cw_watch_config *c = cw_watch_config_of(w);
	if (cw_month_cmp(m, cw_dataset_window(c->base)->month))
		return 0; /* a claim of the look-back: not the served month's */
	cw_watch_event ev = { .patient = patient_key(rq->visit.patient_id), .check = !commit,
		              .check_time = check_time(rq),
		              .check_unit = { base_ref(c->base, CW_T_DEPARTMENTS, rq->visit.dept_id),
		                              base_ref(c->base, CW_T_PHYSICIANS, rq->visit.physician_id) } };
	cw_watch_line *lines = NULL;
	cw_watch_hit *h = malloc((nrec + 1) * sizeof *h);
	int rc = h ? 0 : cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < nrec; i++) {
		h[i] = hit_of(w, &rec[i], ds, c->base);
		h[i].det = det_index(c, rec[i].detector->name);
	}
	ev.hits = h;
	ev.nhits = nrec;
	if (rc == 0 && commit)
		rc = new_lines(&lines, &ev.nlines, ds, c->base, rq, line_known);
	ev.lines = lines;
	if (rc == 0)
		rc = cw_watch_apply(w, &ev);
	free(lines);
	free(h);
	return rc;
}
