/* history.c: the service's history of claims and the one-patient datasets the detectors judge a
 * claim on (history.h).
 *
 * The window read at start is one dataset, never changed. What POST /v1/claims accepts since is kept
 * per patient as typed rows (their strings copied), with maps of the accepted visit and line ids to
 * tell a retried line from a new one. A one-patient dataset is built row by row through cw_builder,
 * so it is checked, ordered and indexed exactly as a month read from CSV is. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "claimwatch/pg.h"
#include "util/progress.h"
#include "dataset/dataset_impl.h"
#include "dataset/pool.h"
#include "serve/history.h"
#include "source/rejects.h"

typedef struct xline {
	cw_claim_row r;
	uint8_t result;
} xline;

/* A set of 64-bit keys (linear probing; 0 is stored as 1: a false "known" for one key in 2^64). */
typedef struct keyset {
	uint64_t *k;
	size_t cap, n; /* cap a power of two */
} keyset;

static int keyset_add(keyset *s, uint64_t key)
{
	key = key ? key : 1;
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		uint64_t *k = calloc(cap, sizeof *k);
		if (!k)
			return CW_ENOMEM;
		for (size_t i = 0; i < s->cap; i++)
			for (size_t j = s->k[i] & (cap - 1); s->k[i]; j = (j + 1) & (cap - 1))
				if (!k[j]) {
					k[j] = s->k[i];
					break;
				}
		free(s->k);
		s->k = k;
		s->cap = cap;
	}
	size_t j = key & (s->cap - 1);
	while (s->k[j] && s->k[j] != key)
		j = (j + 1) & (s->cap - 1);
	s->n += !s->k[j];
	s->k[j] = key;
	return 0;
}

static int keyset_has(const keyset *s, uint64_t key)
{
	key = key ? key : 1;
	for (size_t j = s->cap ? key & (s->cap - 1) : 0; s->cap && s->k[j]; j = (j + 1) & (s->cap - 1))
		if (s->k[j] == key)
			return 1;
	return 0;
}

/* A patient's rows accepted since the start, and the findings standing for the patient's month. */
typedef struct pex {
	cw_visit_row *v;
	size_t nv, cv;
	xline *l;
	size_t nl, cl;
	cw_rx_row *rx;
	size_t nrx, crx;
	cw_month month;
	uint64_t *standing;
	size_t nstanding;
} pex;

struct cw_hist {
	cw_dataset *base;
	pex **px;              /* per base patient, NULL until something is accepted */
	size_t npat;
	uint32_t *rx_start, *rx_rows; /* the base prescription rows by patient */
	cw_pool pool;          /* ids accepted since the start */
	cw_idmap vmap, lmap;
	cw_str *vid, *lid;
	cw_ref *vpat, *lvisit; /* a visit's patient; a line's visit (index into vid) */
	size_t nv, cv, nl, cl;
	keyset rxkeys;         /* (rx_id, line_no) of the base and accepted since */
	size_t bytes;
};

static uint64_t rx_key(const char *rx_id, int32_t line_no)
{
	return cw_hash(rx_id, strlen(rx_id)) * 1000003u + (uint32_t)line_no;
}

static int index_rx(cw_hist *h)
{
	const cw_prescriptions *rx = cw_dataset_prescriptions(h->base);
	const cw_visits *v = cw_dataset_visits(h->base);
	h->rx_start = calloc(h->npat + 2, sizeof *h->rx_start);
	h->rx_rows = malloc((rx->n ? rx->n : 1) * sizeof *h->rx_rows);
	if (!h->rx_start || !h->rx_rows)
		return cw_error_set(CW_ENOMEM, "out of memory");
	for (size_t i = 0; i < rx->n; i++)
		h->rx_start[v->patient[rx->visit[i]] + 2]++;
	for (size_t p = 2; p < h->npat + 2; p++)
		h->rx_start[p] += h->rx_start[p - 1];
	for (size_t i = 0; i < rx->n; i++) {
		h->rx_rows[h->rx_start[v->patient[rx->visit[i]] + 1]++] = (uint32_t)i;
		if (keyset_add(&h->rxkeys, rx_key(cw_dataset_str(h->base, rx->rx_id[i]), rx->line_no[i])) < 0)
			return cw_error_set(CW_ENOMEM, "out of memory");
	}
	return 0;
}

int cw_hist_load(cw_hist **out, cw_load_stats *stats, const char *dir, const char *db, cw_month m, int lookback,
                 const char *rejects_path, int threads)
{
	cw_hist *h = calloc(1, sizeof *h);
	cw_rejects *rej = NULL;
	if (!h)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int rc = cw_rejects_open(&rej, rejects_path);
	if (rc == 0) {
		cw_load_opts lo = { .month = m, .lookback_days = lookback, .rejects = rej, .threads = threads };
		rc = db ? cw_load_db(&h->base, stats, db, &lo) : cw_load_csv(&h->base, stats, dir, &lo);
		uint64_t rejected = cw_rejects_count(rej);
		int rc2 = cw_rejects_close(rej);
		if (rc == 0)
			rc = rc2;
		if (rejected)
			cw_progress_note("%llu rows of %s were refused: see %s", (unsigned long long)rejected,
			                 db ? "the database" : dir, rejects_path);
		else
			unlink(rejects_path); /* nothing refused: no file left behind */
	}
	if (rc == 0) {
		h->npat = cw_dataset_patients(h->base)->n;
		h->px = calloc(h->npat ? h->npat : 1, sizeof *h->px);
		rc = h->px && cw_pool_init(&h->pool) == 0 && cw_idmap_init(&h->vmap, 1024) == 0 &&
		     cw_idmap_init(&h->lmap, 4096) == 0 ? index_rx(h) : cw_error_set(CW_ENOMEM, "out of memory");
	}
	if (rc < 0) {
		cw_hist_free(h);
		return rc;
	}
	*out = h;
	return 0;
}

static void free_strs(const char **s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)s[i]);
}

static void pex_free(pex *p)
{
	for (size_t i = 0; i < p->nv; i++)
		free_strs((const char *[]){ p->v[i].visit_id, p->v[i].patient_id, p->v[i].inst_id, p->v[i].dept_id,
		                            p->v[i].physician_id, p->v[i].dx_code, p->v[i].dx_name }, 7);
	for (size_t i = 0; i < p->nl; i++)
		free_strs((const char *[]){ p->l[i].r.line_id, p->l[i].r.visit_id, p->l[i].r.item_code,
		                            p->l[i].r.physician_id }, 4);
	for (size_t i = 0; i < p->nrx; i++)
		free_strs((const char *[]){ p->rx[i].rx_id, p->rx[i].visit_id, p->rx[i].physician_id,
		                            p->rx[i].drug_code }, 4);
	free(p->v);
	free(p->l);
	free(p->rx);
	free(p->standing);
	free(p);
}

void cw_hist_free(cw_hist *h)
{
	if (!h)
		return;
	for (size_t i = 0; h->px && i < h->npat; i++)
		if (h->px[i])
			pex_free(h->px[i]);
	free(h->px);
	free(h->rx_start);
	free(h->rx_rows);
	cw_pool_free(&h->pool);
	cw_idmap_free(&h->vmap);
	cw_idmap_free(&h->lmap);
	free(h->vid);
	free(h->lid);
	free(h->vpat);
	free(h->lvisit);
	free(h->rxkeys.k);
	cw_dataset_free(h->base);
	free(h);
}

const cw_window *cw_hist_window(const cw_hist *h) { return cw_dataset_window(h->base); }
const cw_dataset *cw_hist_base(const cw_hist *h) { return h->base; }
size_t cw_hist_lines(const cw_hist *h) { return cw_dataset_claims(h->base)->n + h->nl; }
size_t cw_hist_patients(const cw_hist *h) { return h->npat; }
size_t cw_hist_memory(const cw_hist *h)
{
	return cw_dataset_memory(h->base) + h->bytes + h->pool.cap + cw_idmap_memory(&h->vmap) +
	       cw_idmap_memory(&h->lmap) + h->npat * sizeof *h->px;
}

void cw_hist_known_free(cw_hist_known *k)
{
	free(k->line_known);
	free(k->rx_known);
	memset(k, 0, sizeof *k);
}

/* --- rows of the base dataset as builder rows ------------------------------------------------ */

static const char *opt(const cw_dataset *ds, cw_str s) { return s == CW_NONE ? NULL : cw_dataset_str(ds, s); }

static cw_visit_row base_visit(const cw_dataset *ds, cw_ref v)
{
	const cw_visits *vs = cw_dataset_visits(ds);
	return (cw_visit_row){
		.visit_id = opt(ds, vs->id[v]),
		.patient_id = opt(ds, cw_dataset_patients(ds)->id[vs->patient[v]]),
		.inst_id = opt(ds, cw_dataset_institutions(ds)->id[vs->inst[v]]),
		.dept_id = opt(ds, cw_dataset_departments(ds)->id[vs->dept[v]]),
		.physician_id = opt(ds, cw_dataset_physicians(ds)->id[vs->physician[v]]),
		.kind = vs->kind[v], .admit = vs->admit[v], .discharge = vs->discharge[v],
		.dx_code = opt(ds, vs->dx_code[v]), .dx_name = opt(ds, vs->dx_name[v]),
	};
}

static cw_claim_row base_line(const cw_dataset *ds, cw_ref l)
{
	const cw_claims *c = cw_dataset_claims(ds);
	return (cw_claim_row){
		.line_id = opt(ds, c->id[l]), .visit_id = opt(ds, cw_dataset_visits(ds)->id[c->visit[l]]),
		.item_code = opt(ds, cw_dataset_items(ds)->code[c->item[l]]),
		.physician_id = opt(ds, cw_dataset_physicians(ds)->id[c->physician[l]]),
		.time = c->time[l], .qty = c->qty[l], .unit_price = c->unit_price[l], .amount = c->amount[l],
		.fund = c->fund[l], .self_pay = c->self_pay[l],
	};
}

static cw_rx_row base_rx(const cw_dataset *ds, cw_ref r)
{
	const cw_prescriptions *rx = cw_dataset_prescriptions(ds);
	return (cw_rx_row){
		.rx_id = opt(ds, rx->rx_id[r]), .line_no = rx->line_no[r],
		.visit_id = opt(ds, cw_dataset_visits(ds)->id[rx->visit[r]]),
		.physician_id = opt(ds, cw_dataset_physicians(ds)->id[rx->physician[r]]),
		.time = rx->time[r], .drug_code = opt(ds, cw_dataset_items(ds)->code[rx->drug[r]]),
		.qty = rx->qty[r], .days_supply = rx->days_supply[r], .amount = rx->amount[r],
	};
}

static int same_str(const char *a, const char *b) { return (!a || !*a) ? (!b || !*b) : b && !strcmp(a, b); }

/* The first column where two rows of one visit differ, NULL when they are the same. */
static const char *visit_differs(const cw_visit_row *a, const cw_visit_row *b)
{
	if (!same_str(a->patient_id, b->patient_id)) return "patient_id";
	if (!same_str(a->inst_id, b->inst_id)) return "inst_id";
	if (!same_str(a->dept_id, b->dept_id)) return "dept_id";
	if (!same_str(a->physician_id, b->physician_id)) return "physician_id";
	if (a->kind != b->kind) return "kind";
	if (a->admit != b->admit) return "admit_time";
	if (a->discharge != b->discharge) return "discharge_time";
	if (!same_str(a->dx_code, b->dx_code)) return "dx_code";
	if (!same_str(a->dx_name, b->dx_name)) return "dx_name";
	return NULL;
}

/* --- matching a request against the history ---------------------------------------------------- */

/* The stored row of a known visit id (base or accepted), its patient; 0 when unknown. */
static int known_visit(cw_visit_row *row, cw_ref *patient, const cw_hist *h, const char *id)
{
	cw_ref v = cw_dataset_find(h->base, CW_T_VISITS, id);
	if (v != CW_NONE) {
		*row = base_visit(h->base, v);
		*patient = cw_dataset_visits(h->base)->patient[v];
		return 1;
	}
	cw_ref a = cw_idmap_find(&h->vmap, &h->pool, h->vid, id, strlen(id));
	if (a == CW_NONE)
		return 0;
	*patient = h->vpat[a];
	const pex *p = h->px[*patient];
	for (size_t i = 0; i < p->nv; i++)
		if (!strcmp(p->v[i].visit_id, id))
			*row = p->v[i];
	return 1;
}

/* The visit id of a known line (base or accepted), NULL when unknown. */
static const char *known_line(const cw_hist *h, const char *id)
{
	cw_ref l = cw_dataset_find(h->base, CW_T_CLAIMS, id);
	if (l != CW_NONE)
		return cw_dataset_str(h->base, cw_dataset_visits(h->base)->id[cw_dataset_claims(h->base)->visit[l]]);
	cw_ref a = cw_idmap_find(&h->lmap, &h->pool, h->lid, id, strlen(id));
	return a == CW_NONE ? NULL : cw_pool_get(&h->pool, h->vid[h->lvisit[a]]);
}

static int in_window(cw_req_error *err, const cw_window *w, cw_minute t, const char *path)
{
	char m[8];
	if (t < w->window_start)
		return cw_req_refuse(err, M_BEFORE_WINDOW, path, cw_month_format(m, w->month));
	if (t >= w->month_end)
		return cw_req_refuse(err, M_AFTER_MONTH, path, cw_month_format(m, w->month));
	return 0;
}

static int catalogued(const cw_hist *h, const char *code)
{
	cw_ref i = cw_dataset_find(h->base, CW_T_ITEMS, code);
	return i != CW_NONE && !cw_dataset_items(h->base)->uncatalogued[i];
}

static int match_visit(cw_hist_known *k, cw_req_error *err, const cw_hist *h, const cw_request *rq)
{
	cw_visit_row old;
	cw_ref pat;
	k->patient = cw_dataset_find(h->base, CW_T_PATIENTS, rq->visit.patient_id);
	if (k->patient == CW_NONE)
		return cw_req_refuse(err, M_UNKNOWN_PATIENT, "visit.patient_id");
	if ((k->visit_known = known_visit(&old, &pat, h, rq->visit.visit_id))) {
		if (pat != k->patient)
			return cw_req_refuse(err, M_VISIT_OTHER_PATIENT, "visit.visit_id", rq->visit.visit_id);
		const char *col = visit_differs(&rq->visit, &old);
		if (col)
			return cw_req_refuse(err, M_CONFLICT, "visit", col, rq->visit.visit_id);
	}
	return in_window(err, cw_hist_window(h), rq->visit.admit, "visit.admit_time");
}

static int match_lines(cw_hist_known *k, cw_req_error *err, const cw_hist *h, const cw_request *rq, int accept)
{
	char p[64];
	for (size_t i = 0; i < rq->nlines; i++) {
		const cw_claim_row *l = &rq->lines[i].row;
		const char *vid = known_line(h, l->line_id);
		snprintf(p, sizeof p, "lines[%zu]", i);
		if (vid && strcmp(vid, rq->visit.visit_id)) {
			cw_visit_row old;
			cw_ref pat = CW_NONE;
			known_visit(&old, &pat, h, vid);
			return cw_req_refuse(err, pat == k->patient ? M_LINE_OTHER_VISIT : M_LINE_OTHER_PATIENT, p, l->line_id);
		}
		k->line_known[i] = vid != NULL;
		k->new_lines += !vid;
		if (!accept && !catalogued(h, l->item_code))
			return cw_req_refuse(err, M_UNKNOWN_ITEM, p, l->item_code);
		snprintf(p, sizeof p, "lines[%zu].service_time", i);
		if (in_window(err, cw_hist_window(h), l->time, p) < 0)
			return CW_EINVALID;
	}
	return 0;
}

static int match_rx(cw_hist_known *k, cw_req_error *err, const cw_hist *h, const cw_request *rq)
{
	char p[64];
	for (size_t i = 0; i < rq->nrx; i++) {
		const cw_rx_row *r = &rq->rx[i];
		snprintf(p, sizeof p, "prescriptions[%zu]", i);
		if (!catalogued(h, r->drug_code))
			return cw_req_refuse(err, M_UNKNOWN_DRUG, p, r->drug_code);
		k->rx_known[i] = keyset_has(&h->rxkeys, rx_key(r->rx_id, r->line_no));
		k->new_rx += !k->rx_known[i];
		snprintf(p, sizeof p, "prescriptions[%zu].rx_time", i);
		if (in_window(err, cw_hist_window(h), r->time, p) < 0)
			return CW_EINVALID;
	}
	return 0;
}

int cw_hist_match(cw_hist_known *k, cw_req_error *err, const cw_hist *h, const cw_request *rq,
                  int accept_uncatalogued)
{
	memset(k, 0, sizeof *k);
	k->line_known = calloc(rq->nlines + 1, 1);
	k->rx_known = calloc(rq->nrx + 1, 1);
	if (!k->line_known || !k->rx_known)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int rc = match_visit(k, err, h, rq);
	if (rc == 0)
		rc = match_lines(k, err, h, rq, accept_uncatalogued);
	if (rc == 0)
		rc = match_rx(k, err, h, rq);
	return rc;
}

/* --- the one-patient dataset ------------------------------------------------------------------- */

/* The reference rows a patient's dataset needs, marked per table (item: 1 the item, 2 a bundle with
 * its components). */
typedef struct marks {
	uint8_t *inst, *dept, *phys, *item;
} marks;

static void mark_phys(marks *mk, const cw_dataset *ds, cw_ref p)
{
	if (p == CW_NONE)
		return;
	const cw_physicians *ph = cw_dataset_physicians(ds);
	mk->phys[p] = 1;
	mk->dept[ph->dept[p]] = 1;
	mk->inst[ph->inst[p]] = 1;
}

static void mark_bundle(marks *mk, const cw_items *it, cw_ref b)
{
	mk->item[b] = 2;
	for (uint32_t j = it->component_start[b]; j < it->component_start[b + 1]; j++)
		if (!mk->item[it->components[j]])
			mk->item[it->components[j]] = 1;
}

/* An item, every bundle it belongs to, and its components when it is a bundle. */
static void mark_item(marks *mk, const cw_dataset *ds, cw_ref c)
{
	const cw_items *it = cw_dataset_items(ds);
	if (c == CW_NONE || it->uncatalogued[c])
		return;
	if (!mk->item[c])
		mk->item[c] = 1;
	for (uint32_t j = it->bundle_start[c]; j < it->bundle_start[c + 1]; j++)
		if (mk->item[it->bundles[j]] != 2)
			mark_bundle(mk, it, it->bundles[j]);
	if (it->component_start[c + 1] > it->component_start[c] && mk->item[c] != 2)
		mark_bundle(mk, it, c);
}

static void mark_visit_refs(marks *mk, const cw_dataset *ds, const char *inst, const char *dept, const char *phys)
{
	cw_ref r;
	if ((r = cw_dataset_find(ds, CW_T_INSTITUTIONS, inst)) != CW_NONE)
		mk->inst[r] = 1;
	if ((r = cw_dataset_find(ds, CW_T_DEPARTMENTS, dept)) != CW_NONE) {
		mk->dept[r] = 1;
		mk->inst[cw_dataset_departments(ds)->inst[r]] = 1;
	}
	mark_phys(mk, ds, cw_dataset_find(ds, CW_T_PHYSICIANS, phys));
}

static void mark_all(marks *mk, const cw_hist *h, cw_ref pat, const pex *px, const cw_request *rq)
{
	const cw_dataset *ds = h->base;
	const cw_patients *pa = cw_dataset_patients(ds);
	const cw_visits *vs = cw_dataset_visits(ds);
	const cw_claims *cl = cw_dataset_claims(ds);
	const cw_prescriptions *rx = cw_dataset_prescriptions(ds);
	for (uint32_t v = pa->visit_start[pat]; v < pa->visit_start[pat + 1]; v++) {
		mk->inst[vs->inst[v]] = mk->dept[vs->dept[v]] = 1;
		mark_phys(mk, ds, vs->physician[v]);
	}
	for (uint32_t l = pa->line_start[pat]; l < pa->line_start[pat + 1]; l++) {
		mark_item(mk, ds, cl->item[l]);
		mark_phys(mk, ds, cl->physician[l]);
	}
	for (uint32_t j = h->rx_start[pat]; j < h->rx_start[pat + 1]; j++) {
		mark_item(mk, ds, rx->drug[h->rx_rows[j]]);
		mark_phys(mk, ds, rx->physician[h->rx_rows[j]]);
	}
	for (size_t i = 0; px && i < px->nv; i++)
		mark_visit_refs(mk, ds, px->v[i].inst_id, px->v[i].dept_id, px->v[i].physician_id);
	for (size_t i = 0; px && i < px->nl; i++) {
		mark_item(mk, ds, cw_dataset_find(ds, CW_T_ITEMS, px->l[i].r.item_code));
		mark_phys(mk, ds, cw_dataset_find(ds, CW_T_PHYSICIANS, px->l[i].r.physician_id));
	}
	for (size_t i = 0; px && i < px->nrx; i++) {
		mark_item(mk, ds, cw_dataset_find(ds, CW_T_ITEMS, px->rx[i].drug_code));
		mark_phys(mk, ds, cw_dataset_find(ds, CW_T_PHYSICIANS, px->rx[i].physician_id));
	}
	mark_visit_refs(mk, ds, rq->visit.inst_id, rq->visit.dept_id, rq->visit.physician_id);
	for (size_t i = 0; i < rq->nlines; i++) {
		mark_item(mk, ds, cw_dataset_find(ds, CW_T_ITEMS, rq->lines[i].row.item_code));
		mark_phys(mk, ds, cw_dataset_find(ds, CW_T_PHYSICIANS, rq->lines[i].row.physician_id));
	}
	for (size_t i = 0; i < rq->nrx; i++) {
		mark_item(mk, ds, cw_dataset_find(ds, CW_T_ITEMS, rq->rx[i].drug_code));
		mark_phys(mk, ds, cw_dataset_find(ds, CW_T_PHYSICIANS, rq->rx[i].physician_id));
	}
}

/* A builder result: a row of the history must be taken (or skipped); a request row refused is the
 * client's error, at path. */
static int took(int rc, cw_req_error *err, const cw_rowerr *re, const char *path)
{
	if (rc >= 0 || rc == CW_ENOMEM)
		return rc == CW_ENOMEM ? rc : 0;
	if (!path)
		return cw_error_set(CW_ERROR, "the history's own row was refused: %s: %s", re->column ? re->column : "row",
		                    re->reason);
	char where[128];
	snprintf(where, sizeof where, "%s%s%s", path, re->column ? "." : "", re->column ? re->column : "");
	return cw_req_refuse(err, strstr(re->reason, "unknown") ? M_UNKNOWN_REFERENCE : M_INVALID_VALUE, path, where,
	                     re->reason);
}

static int add_refs(cw_builder *b, const cw_dataset *ds, const marks *mk, cw_ref pat)
{
	const cw_institutions *in = cw_dataset_institutions(ds);
	const cw_departments *de = cw_dataset_departments(ds);
	const cw_physicians *ph = cw_dataset_physicians(ds);
	const cw_patients *pa = cw_dataset_patients(ds);
	const cw_items *it = cw_dataset_items(ds);
	cw_rowerr re = { 0 };
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < in->n; i++)
		if (mk->inst[i])
			rc = took(cw_builder_add_institution(&re, b, &(cw_institution_row){ opt(ds, in->id[i]),
			          opt(ds, in->name[i]), in->level[i], opt(ds, in->region[i]) }),
			          NULL, &re, NULL);
	for (size_t i = 0; rc == 0 && i < de->n; i++)
		if (mk->dept[i])
			rc = took(cw_builder_add_department(&re, b, &(cw_department_row){ opt(ds, de->id[i]),
			          opt(ds, in->id[de->inst[i]]), opt(ds, de->name[i]), opt(ds, de->specialty[i]) }), NULL, &re, NULL);
	for (size_t i = 0; rc == 0 && i < ph->n; i++)
		if (mk->phys[i])
			rc = took(cw_builder_add_physician(&re, b, &(cw_physician_row){ opt(ds, ph->id[i]), opt(ds, ph->name[i]),
			          opt(ds, in->id[ph->inst[i]]), opt(ds, de->id[ph->dept[i]]), opt(ds, ph->title[i]) }), NULL, &re,
			          NULL);
	if (rc == 0)
		rc = took(cw_builder_add_patient(&re, b, &(cw_patient_row){ opt(ds, pa->id[pat]), pa->sex[pat],
		          pa->birth[pat], pa->death[pat] }), NULL, &re, NULL);
	for (size_t i = 0; rc == 0 && i < it->n; i++)
		if (mk->item[i])
			rc = took(cw_builder_add_item(&re, b, &(cw_item_row){
				.item_code = opt(ds, it->code[i]), .name = opt(ds, it->name[i]), .unit = opt(ds, it->unit[i]),
				.category = it->category[i], .std_price = it->std_price[i],
				.large_equipment = it->large_equipment[i], .antibiotic = it->antibiotic[i],
				.retest_hours = it->retest_hours[i], .max_daily_qty = it->max_daily_qty[i],
				.sex_only = it->sex_only[i], .age_min = it->age_min[i], .age_max = it->age_max[i],
				.min_level = it->min_level[i], .setting = it->setting[i],
				.catalogue_class = it->catalogue_class[i], .essential = it->essential[i] }), NULL, &re, NULL);
	for (size_t i = 0; rc == 0 && i < it->n; i++)
		for (uint32_t j = it->component_start[i]; rc == 0 && mk->item[i] == 2 && j < it->component_start[i + 1]; j++)
			rc = took(cw_builder_add_bundle(&re, b, &(cw_bundle_row){ opt(ds, it->code[i]),
			          opt(ds, it->code[it->components[j]]) }), NULL, &re, NULL);
	return rc;
}

static int add_visits(cw_builder *b, cw_req_error *err, const cw_hist *h, cw_ref pat, const pex *px,
                      const cw_request *rq, const cw_hist_known *k)
{
	const cw_patients *pa = cw_dataset_patients(h->base);
	cw_rowerr re = { 0 };
	int rc = 0;
	for (uint32_t v = pa->visit_start[pat]; rc == 0 && v < pa->visit_start[pat + 1]; v++) {
		cw_visit_row row = base_visit(h->base, v);
		rc = took(cw_builder_add_visit(&re, b, &row), err, &re, NULL);
	}
	for (size_t i = 0; rc == 0 && px && i < px->nv; i++)
		rc = took(cw_builder_add_visit(&re, b, &px->v[i]), err, &re, NULL);
	if (rc == 0 && !k->visit_known)
		rc = took(cw_builder_add_visit(&re, b, &rq->visit), err, &re, "visit");
	return rc;
}

static int add_lines(cw_builder *b, cw_req_error *err, const cw_hist *h, cw_ref pat, const pex *px,
                     const cw_request *rq, const cw_hist_known *k)
{
	const cw_patients *pa = cw_dataset_patients(h->base);
	cw_rowerr re = { 0 };
	char path[32];
	int rc = 0;
	for (uint32_t l = pa->line_start[pat]; rc == 0 && l < pa->line_start[pat + 1]; l++) {
		cw_claim_row row = base_line(h->base, l);
		rc = took(cw_builder_add_claim(&re, b, &row), err, &re, NULL);
	}
	for (size_t i = 0; rc == 0 && px && i < px->nl; i++)
		rc = took(cw_builder_add_claim(&re, b, &px->l[i].r), err, &re, NULL);
	for (size_t i = 0; rc == 0 && i < rq->nlines; i++) {
		snprintf(path, sizeof path, "lines[%zu]", i);
		if (!k->line_known[i])
			rc = took(cw_builder_add_claim(&re, b, &rq->lines[i].row), err, &re, path);
	}
	return rc;
}

static int add_rx(cw_builder *b, cw_req_error *err, const cw_hist *h, cw_ref pat, const pex *px,
                  const cw_request *rq, const cw_hist_known *k)
{
	cw_rowerr re = { 0 };
	char path[40];
	int rc = 0;
	for (uint32_t j = h->rx_start[pat]; rc == 0 && j < h->rx_start[pat + 1]; j++) {
		cw_rx_row row = base_rx(h->base, h->rx_rows[j]);
		rc = took(cw_builder_add_prescription(&re, b, &row), err, &re, NULL);
	}
	for (size_t i = 0; rc == 0 && px && i < px->nrx; i++)
		rc = took(cw_builder_add_prescription(&re, b, &px->rx[i]), err, &re, NULL);
	for (size_t i = 0; rc == 0 && i < rq->nrx; i++) {
		snprintf(path, sizeof path, "prescriptions[%zu]", i);
		if (!k->rx_known[i])
			rc = took(cw_builder_add_prescription(&re, b, &rq->rx[i]), err, &re, path);
	}
	return rc;
}

static int add_results(cw_builder *b, cw_req_error *err, const cw_hist *h, cw_ref pat, const pex *px,
                       const cw_request *rq, const cw_hist_known *k)
{
	const cw_patients *pa = cw_dataset_patients(h->base);
	const cw_claims *cl = cw_dataset_claims(h->base);
	cw_rowerr re = { 0 };
	int rc = 0;
	for (uint32_t l = pa->line_start[pat]; rc == 0 && l < pa->line_start[pat + 1]; l++)
		if (cl->result[l] != CW_RESULT_NONE)
			rc = took(cw_builder_add_result(&re, b, &(cw_result_row){ opt(h->base, cl->id[l]), cl->result[l] }), err,
			          &re, NULL);
	for (size_t i = 0; rc == 0 && px && i < px->nl; i++)
		if (px->l[i].result != CW_RESULT_NONE)
			rc = took(cw_builder_add_result(&re, b, &(cw_result_row){ px->l[i].r.line_id, px->l[i].result }), err,
			          &re, NULL);
	for (size_t i = 0; rc == 0 && i < rq->nlines; i++)
		if (!k->line_known[i] && rq->lines[i].result != CW_RESULT_NONE)
			rc = took(cw_builder_add_result(&re, b, &(cw_result_row){ rq->lines[i].row.line_id,
			          rq->lines[i].result }), err, &re, "lines.result");
	return rc;
}

int cw_hist_dataset(cw_dataset **out, cw_req_error *err, const cw_hist *h, const cw_request *rq,
                    const cw_hist_known *k, cw_month m, int lookback)
{
	const cw_dataset *ds = h->base;
	cw_ref pat = k->patient;
	const pex *px = h->px[pat];
	marks mk = { calloc(cw_dataset_institutions(ds)->n + 1, 1), calloc(cw_dataset_departments(ds)->n + 1, 1),
		     calloc(cw_dataset_physicians(ds)->n + 1, 1), calloc(cw_dataset_items(ds)->n + 1, 1) };
	cw_builder *b = NULL;
	int rc = mk.inst && mk.dept && mk.phys && mk.item ? cw_builder_new(&b, m, lookback)
	                                                   : cw_error_set(CW_ENOMEM, "out of memory");
	if (rc == 0) {
		cw_builder_set_threads(b, 1); /* a one-patient dataset: sorting on this thread, no count of the cores */
		mark_all(&mk, h, pat, px, rq);
		rc = add_refs(b, ds, &mk, pat);
	}
	if (rc == 0)
		rc = add_visits(b, err, h, pat, px, rq, k);
	if (rc == 0)
		rc = add_lines(b, err, h, pat, px, rq, k);
	if (rc == 0)
		rc = add_rx(b, err, h, pat, px, rq, k);
	if (rc == 0)
		rc = add_results(b, err, h, pat, px, rq, k);
	free(mk.inst);
	free(mk.dept);
	free(mk.phys);
	free(mk.item);
	if (rc < 0) {
		cw_builder_free(b);
		return rc;
	}
	return cw_builder_finish(out, b);
}

/* --- accepting rows ------------------------------------------------------------------------------ */

static char *copy_str(const char *s) { return s ? strdup(s) : NULL; }

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 8;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * size);
	if (!q)
		return CW_ENOMEM;
	*p = q;
	*cap = c;
	return 0;
}

/* Remembers an accepted id in the maps: a visit (visit CW_NONE) with its patient, or a line with its
 * visit's index. */
static int remember(cw_hist *h, int line, const char *id, cw_ref link)
{
	cw_str s = cw_pool_add(&h->pool, id, strlen(id));
	if (s == CW_NONE)
		return CW_ENOMEM;
	if (!line) {
		if (grow((void **)&h->vid, &h->cv, h->nv + 1, sizeof *h->vid) < 0)
			return CW_ENOMEM;
		cw_ref *vp = realloc(h->vpat, h->cv * sizeof *vp);
		if (!vp)
			return CW_ENOMEM;
		h->vpat = vp;
		h->vid[h->nv] = s;
		h->vpat[h->nv] = link;
		return cw_idmap_insert(&h->vmap, &h->pool, h->vid, id, strlen(id), (cw_ref)h->nv++) == CW_NONE - 1 ? CW_ENOMEM : 0;
	}
	if (grow((void **)&h->lid, &h->cl, h->nl + 1, sizeof *h->lid) < 0)
		return CW_ENOMEM;
	cw_ref *lv = realloc(h->lvisit, h->cl * sizeof *lv);
	if (!lv)
		return CW_ENOMEM;
	h->lvisit = lv;
	h->lid[h->nl] = s;
	h->lvisit[h->nl] = link;
	return cw_idmap_insert(&h->lmap, &h->pool, h->lid, id, strlen(id), (cw_ref)h->nl++) == CW_NONE - 1 ? CW_ENOMEM : 0;
}

static pex *pex_of(cw_hist *h, cw_ref pat)
{
	if (!h->px[pat])
		h->px[pat] = calloc(1, sizeof **h->px);
	return h->px[pat];
}

/* The index of the visit id in the accepted map, adding it when new (the base's visits get an entry
 * too, so a line can name its visit). */
static int visit_index(cw_ref *out, cw_hist *h, const char *vid, cw_ref pat)
{
	cw_ref a = cw_idmap_find(&h->vmap, &h->pool, h->vid, vid, strlen(vid));
	if (a == CW_NONE) {
		if (remember(h, 0, vid, pat) < 0)
			return CW_ENOMEM;
		a = (cw_ref)(h->nv - 1);
	}
	*out = a;
	return 0;
}

int cw_hist_add(cw_hist *h, const cw_request *rq, const cw_hist_known *k)
{
	pex *p = pex_of(h, k->patient);
	cw_ref va;
	if (!p || visit_index(&va, h, rq->visit.visit_id, k->patient) < 0)
		return cw_error_set(CW_ENOMEM, "out of memory");
	if (!k->visit_known) {
		if (grow((void **)&p->v, &p->cv, p->nv + 1, sizeof *p->v) < 0)
			return cw_error_set(CW_ENOMEM, "out of memory");
		cw_visit_row v = rq->visit;
		v.visit_id = copy_str(v.visit_id), v.patient_id = copy_str(v.patient_id), v.inst_id = copy_str(v.inst_id);
		v.dept_id = copy_str(v.dept_id), v.physician_id = copy_str(v.physician_id), v.dx_code = copy_str(v.dx_code);
		v.dx_name = copy_str(v.dx_name);
		p->v[p->nv++] = v;
		h->bytes += sizeof v + 64;
	}
	for (size_t i = 0; i < rq->nlines; i++) {
		if (k->line_known[i])
			continue;
		if (grow((void **)&p->l, &p->cl, p->nl + 1, sizeof *p->l) < 0 || remember(h, 1, rq->lines[i].row.line_id, va) < 0)
			return cw_error_set(CW_ENOMEM, "out of memory");
		xline x = { rq->lines[i].row, (uint8_t)rq->lines[i].result };
		x.r.line_id = copy_str(x.r.line_id), x.r.visit_id = copy_str(x.r.visit_id), x.r.item_code = copy_str(x.r.item_code);
		x.r.physician_id = copy_str(x.r.physician_id);
		p->l[p->nl++] = x;
		h->bytes += sizeof x + 48;
	}
	for (size_t i = 0; i < rq->nrx; i++) {
		if (k->rx_known[i])
			continue;
		if (grow((void **)&p->rx, &p->crx, p->nrx + 1, sizeof *p->rx) < 0 ||
		    keyset_add(&h->rxkeys, rx_key(rq->rx[i].rx_id, rq->rx[i].line_no)) < 0)
			return cw_error_set(CW_ENOMEM, "out of memory");
		cw_rx_row r = rq->rx[i];
		r.rx_id = copy_str(r.rx_id), r.visit_id = copy_str(r.visit_id), r.physician_id = copy_str(r.physician_id);
		r.drug_code = copy_str(r.drug_code);
		p->rx[p->nrx++] = r;
		h->bytes += sizeof r + 48;
	}
	return 0;
}

void cw_hist_standing(const uint64_t **ids, size_t *n, const cw_hist *h, cw_ref patient, cw_month m)
{
	const pex *p = h->px[patient];
	*ids = NULL;
	*n = 0;
	if (p && p->month.year && !cw_month_cmp(p->month, m)) {
		*ids = p->standing;
		*n = p->nstanding;
	}
}

int cw_hist_set_standing(cw_hist *h, cw_ref patient, cw_month m, const uint64_t *ids, size_t n)
{
	pex *p = pex_of(h, patient);
	uint64_t *c = malloc((n ? n : 1) * sizeof *c);
	if (!p || !c) {
		free(c);
		return cw_error_set(CW_ENOMEM, "out of memory");
	}
	memcpy(c, ids, n * sizeof *c);
	free(p->standing);
	p->standing = c;
	p->nstanding = n;
	p->month = m;
	return 0;
}

cw_month cw_request_month(const cw_request *rq)
{
	cw_minute t = rq->visit.admit;
	for (size_t i = 0; i < rq->nlines; i++)
		if (rq->lines[i].row.time > t)
			t = rq->lines[i].row.time;
	for (size_t i = 0; i < rq->nrx; i++)
		if (rq->rx[i].time > t)
			t = rq->rx[i].time;
	return cw_month_of(t);
}
