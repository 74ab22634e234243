/* finish.c: turning the rows a builder took into a dataset in canonical order, with its indexes.
 *
 * Canonical order makes the result independent of the source's row order:
 * dimension tables by id, visits by (patient, admit, id), claim lines by
 * (patient, time, id), prescriptions by (rx_id, line_no). Then the indexes of
 * dataset.h are counting sorts over that order, so they are stable too. */
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "dataset_impl.h"

typedef struct sort_ctx {
	const cw_dataset *ds;
	const cw_str *ids;
} sort_ctx;

static int by_id(const void *a, const void *b, void *arg)
{
	const sort_ctx *c = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return strcmp(cw_pool_get(&c->ds->pool, c->ids[x]), cw_pool_get(&c->ds->pool, c->ids[y]));
}

static uint32_t *identity(size_t n)
{
	uint32_t *p = malloc((n ? n : 1) * sizeof *p);
	if (p)
		for (size_t i = 0; i < n; i++)
			p[i] = (uint32_t)i;
	return p;
}

/* old -> new from new -> old (perm of length kept, over n old rows). */
static uint32_t *inverse(const uint32_t *perm, size_t kept, size_t n)
{
	uint32_t *inv = malloc((n ? n : 1) * sizeof *inv);
	if (!inv)
		return NULL;
	for (size_t i = 0; i < n; i++)
		inv[i] = CW_NONE;
	for (size_t i = 0; i < kept; i++)
		inv[perm[i]] = (uint32_t)i;
	return inv;
}

static void remap(cw_ref *col, size_t n, const uint32_t *map)
{
	for (size_t i = 0; i < n; i++)
		if (col[i] != CW_NONE)
			col[i] = map[col[i]];
}

#define M(p) ((cw_ref *)(void *)(p))

/* Sorts a dimension table by id; returns old -> new in *map_out. */
static int sort_dimension(cw_dataset *ds, int t, const cw_str *const *ids, uint32_t **map_out)
{
	size_t n = ds->store[t].n;
	uint32_t *perm = identity(n);
	if (!perm)
		return cw_error_set(CW_ENOMEM, "out of memory sorting %s", cw_table_name(t));
	sort_ctx c = { ds, *ids };
	qsort_r(perm, n, sizeof *perm, by_id, &c);
	uint32_t *map = inverse(perm, n, n);
	int rc = map ? cw_store_permute(&ds->store[t], perm, n) : CW_ENOMEM;
	if (rc == 0)
		rc = cw_idmap_remap(&ds->map[t], map);
	free(perm);
	if (rc < 0) {
		free(map);
		return cw_error_set(CW_ENOMEM, "out of memory sorting %s", cw_table_name(t));
	}
	*map_out = map;
	return 0;
}

static int sort_dimensions(cw_dataset *ds)
{
	uint32_t *mi = NULL, *md = NULL, *mp = NULL, *mpat = NULL, *mit = NULL;
	int rc;
	if ((rc = sort_dimension(ds, CW_T_INSTITUTIONS, &ds->inst.id, &mi)) < 0 ||
	    (rc = sort_dimension(ds, CW_T_DEPARTMENTS, &ds->dept.id, &md)) < 0 ||
	    (rc = sort_dimension(ds, CW_T_PHYSICIANS, &ds->phys.id, &mp)) < 0 ||
	    (rc = sort_dimension(ds, CW_T_PATIENTS, &ds->pat.id, &mpat)) < 0 ||
	    (rc = sort_dimension(ds, CW_T_ITEMS, &ds->items.code, &mit)) < 0)
		goto done;
	remap(M(ds->dept.inst), ds->dept.n, mi);
	remap(M(ds->phys.inst), ds->phys.n, mi);
	remap(M(ds->phys.dept), ds->phys.n, md);
	remap(M(ds->visits.patient), ds->visits.n, mpat);
	remap(M(ds->visits.inst), ds->visits.n, mi);
	remap(M(ds->visits.dept), ds->visits.n, md);
	remap(M(ds->visits.physician), ds->visits.n, mp);
	remap(M(ds->claims.patient), ds->claims.n, mpat);
	remap(M(ds->claims.item), ds->claims.n, mit);
	remap(M(ds->claims.physician), ds->claims.n, mp);
	remap(M(ds->rx.physician), ds->rx.n, mp);
	remap(M(ds->rx.drug), ds->rx.n, mit);
	remap(ds->bundle_parent, ds->store[CW_T_BUNDLES].n, mit);
	remap(ds->bundle_child, ds->store[CW_T_BUNDLES].n, mit);
done:
	free(mi); free(md); free(mp); free(mpat); free(mit);
	return rc;
}

static void sync_counts(cw_dataset *ds)
{
	ds->inst.n = ds->store[CW_T_INSTITUTIONS].n;
	ds->dept.n = ds->store[CW_T_DEPARTMENTS].n;
	ds->phys.n = ds->store[CW_T_PHYSICIANS].n;
	ds->pat.n = ds->store[CW_T_PATIENTS].n;
	ds->items.n = ds->store[CW_T_ITEMS].n;
	ds->visits.n = ds->store[CW_T_VISITS].n;
	ds->claims.n = ds->store[CW_T_CLAIMS].n;
	ds->rx.n = ds->store[CW_T_PRESCRIPTIONS].n;
}

static int by_visit_key(const void *a, const void *b, void *arg)
{
	const cw_dataset *ds = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (ds->visits.patient[x] != ds->visits.patient[y])
		return ds->visits.patient[x] < ds->visits.patient[y] ? -1 : 1;
	if (ds->visits.admit[x] != ds->visits.admit[y])
		return ds->visits.admit[x] < ds->visits.admit[y] ? -1 : 1;
	return strcmp(cw_pool_get(&ds->pool, ds->visits.id[x]), cw_pool_get(&ds->pool, ds->visits.id[y]));
}

static int overlaps_window(const cw_dataset *ds, size_t v)
{
	const cw_window *w = &ds->win;
	cw_minute admit = ds->visits.admit[v], dis = ds->visits.discharge[v];
	if (admit >= w->month_end)
		return 0;
	if (dis != CW_MINUTE_NONE)
		return dis >= w->window_start;
	return ds->visits.kind[v] == CW_INPATIENT || admit >= w->window_start;
}

/* Keeps the visits that overlap the window or own a loaded row; sorts them. */
static int sort_visits(cw_builder *b)
{
	cw_dataset *ds = b->ds;
	size_t n = ds->visits.n, kept = 0;
	uint32_t *perm = malloc((n ? n : 1) * sizeof *perm);
	if (!perm)
		return cw_error_set(CW_ENOMEM, "out of memory sorting visits");
	for (size_t v = 0; v < n; v++)
		if ((v < b->visit_used_cap && b->visit_used[v]) || overlaps_window(ds, v))
			perm[kept++] = (uint32_t)v;
	ds->stats.visits_dropped = n - kept;
	qsort_r(perm, kept, sizeof *perm, by_visit_key, ds);
	uint32_t *map = inverse(perm, kept, n);
	int rc = map ? cw_store_permute(&ds->store[CW_T_VISITS], perm, kept) : CW_ENOMEM;
	if (rc == 0)
		rc = cw_idmap_remap(&ds->map[CW_T_VISITS], map);
	if (rc == 0) {
		remap(M(ds->claims.visit), ds->claims.n, map);
		remap(M(ds->rx.visit), ds->rx.n, map);
	}
	free(perm);
	free(map);
	if (rc < 0)
		return cw_error_set(CW_ENOMEM, "out of memory sorting visits");
	sync_counts(ds);
	return 0;
}

/* Stable counting sort of rows 0..n-1 by key[row] < nkeys: *start gets nkeys + 1
 * offsets, *order the rows grouped by key. */
static int group_by(const cw_ref *key, size_t n, size_t nkeys, uint32_t **start, uint32_t **order)
{
	uint32_t *s = calloc(nkeys + 2, sizeof *s), *o = malloc((n ? n : 1) * sizeof *o);
	if (!s || !o) {
		free(s);
		free(o);
		return cw_error_set(CW_ENOMEM, "out of memory building indexes");
	}
	for (size_t i = 0; i < n; i++)
		s[key[i] + 2]++;
	for (size_t k = 2; k < nkeys + 2; k++)
		s[k] += s[k - 1];
	for (size_t i = 0; i < n; i++)
		o[s[key[i] + 1]++] = (uint32_t)i;
	*start = s; /* s[0..nkeys] now hold the group starts */
	*order = o;
	return 0;
}

static int by_line_key(const void *a, const void *b, void *arg)
{
	const cw_dataset *ds = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (ds->claims.time[x] != ds->claims.time[y])
		return ds->claims.time[x] < ds->claims.time[y] ? -1 : 1;
	return strcmp(cw_pool_get(&ds->pool, ds->claims.id[x]), cw_pool_get(&ds->pool, ds->claims.id[y]));
}

static int sort_claims(cw_dataset *ds)
{
	uint32_t *start, *perm;
	size_t n = ds->claims.n;
	int rc = group_by(ds->claims.patient, n, ds->pat.n, &start, &perm);
	if (rc < 0)
		return rc;
	for (size_t p = 0; p < ds->pat.n; p++)
		if (start[p + 1] - start[p] > 1)
			qsort_r(perm + start[p], start[p + 1] - start[p], sizeof *perm, by_line_key, ds);
	/* permute first and free perm before the inverse: the peak of a load is here */
	rc = cw_store_permute(&ds->store[CW_T_CLAIMS], perm, n);
	uint32_t *map = rc == 0 ? inverse(perm, n, n) : NULL;
	free(perm);
	if (rc == 0)
		rc = map ? cw_idmap_remap(&ds->map[CW_T_CLAIMS], map) : CW_ENOMEM;
	free(map);
	if (rc < 0 || (rc = cw_dataset_own(ds, start)) < 0) {
		free(start);
		return cw_error_set(CW_ENOMEM, "out of memory sorting claim lines");
	}
	ds->pat.line_start = start;
	return 0;
}

static int build_indexes(cw_dataset *ds)
{
	uint32_t *start, *order, *dummy;
	int rc;
	/* a patient's visits are contiguous: offsets only */
	if ((rc = group_by(ds->visits.patient, ds->visits.n, ds->pat.n, &start, &dummy)) < 0)
		return rc;
	free(dummy);
	if ((rc = cw_dataset_own(ds, start)) < 0)
		return rc;
	ds->pat.visit_start = start;
#define INDEX(key, n, nkeys, start_field, order_field)                                   \
	if ((rc = group_by(key, n, nkeys, &start, &order)) < 0)                          \
		return rc;                                                               \
	if ((rc = cw_dataset_own(ds, start)) < 0 || (rc = cw_dataset_own(ds, order)) < 0) \
		return rc;                                                               \
	start_field = start;                                                             \
	order_field = order;
	INDEX(ds->claims.visit, ds->claims.n, ds->visits.n, ds->visits.line_start, ds->claims.by_visit);
	INDEX(ds->claims.physician, ds->claims.n, ds->phys.n, ds->phys.line_start, ds->claims.by_physician);
	INDEX(ds->visits.physician, ds->visits.n, ds->phys.n, ds->phys.visit_start, ds->visits.by_physician);
#undef INDEX
	return 0;
}

/* A refund line cancels the latest earlier line of the same visit and item
 * with the same quantity that is not cancelled yet. */
static void match_refunds(cw_dataset *ds)
{
	const cw_claims *c = &ds->claims;
	uint8_t *flags = (uint8_t *)(void *)c->flags;
	for (size_t v = 0; v < ds->visits.n; v++) {
		uint32_t lo = ds->visits.line_start[v], hi = ds->visits.line_start[v + 1];
		for (uint32_t i = lo; i < hi; i++) {
			uint32_t r = c->by_visit[i];
			if (!(flags[r] & CW_LINE_REFUND))
				continue;
			int matched = 0;
			for (uint32_t j = hi; j-- > lo;) {
				uint32_t o = c->by_visit[j];
				if (c->time[o] <= c->time[r] && c->item[o] == c->item[r] && c->qty[o] == -c->qty[r] &&
				    !(flags[o] & (CW_LINE_REFUND | CW_LINE_REFUNDED))) {
					flags[o] |= CW_LINE_REFUNDED;
					matched = 1;
					break;
				}
			}
			if (matched)
				ds->stats.refunds_matched++;
			else
				ds->stats.refunds_unmatched++;
		}
	}
}

static int by_rx_key(const void *a, const void *b, void *arg)
{
	const cw_dataset *ds = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	if (ds->rx.rx_id[x] != ds->rx.rx_id[y]) {
		int c = strcmp(cw_pool_get(&ds->pool, ds->rx.rx_id[x]), cw_pool_get(&ds->pool, ds->rx.rx_id[y]));
		if (c)
			return c;
	}
	return (ds->rx.line_no[x] > ds->rx.line_no[y]) - (ds->rx.line_no[x] < ds->rx.line_no[y]);
}

static int sort_prescriptions(cw_dataset *ds)
{
	size_t n = ds->rx.n;
	uint32_t *perm = identity(n);
	if (!perm)
		return cw_error_set(CW_ENOMEM, "out of memory sorting prescriptions");
	qsort_r(perm, n, sizeof *perm, by_rx_key, ds);
	int rc = cw_store_permute(&ds->store[CW_T_PRESCRIPTIONS], perm, n);
	free(perm);
	if (rc < 0)
		return rc;
	uint32_t *start = malloc((n + 1) * sizeof *start);
	if ((rc = cw_dataset_own(ds, start)) < 0)
		return rc;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || ds->rx.rx_id[i] != ds->rx.rx_id[i - 1])
			start[k++] = (uint32_t)i;
	start[k] = (uint32_t)n;
	ds->rx.nrx = k;
	ds->rx.rx_start = start;
	return 0;
}

static int build_bundles(cw_dataset *ds)
{
	size_t n = ds->store[CW_T_BUNDLES].n;
	uint32_t *start, *order;
	int rc;
	cw_ref *list;
#define CSR(key, other, start_field, list_field)                                         \
	if ((rc = group_by(key, n, ds->items.n, &start, &order)) < 0)                    \
		return rc;                                                               \
	list = malloc((n ? n : 1) * sizeof *list);                                       \
	if (list)                                                                        \
		for (size_t i = 0; i < n; i++)                                           \
			list[i] = other[order[i]];                                       \
	free(order);                                                                     \
	if ((rc = cw_dataset_own(ds, start)) < 0 || (rc = cw_dataset_own(ds, list)) < 0) \
		return rc;                                                               \
	start_field = start;                                                             \
	list_field = list;
	CSR(ds->bundle_parent, ds->bundle_child, ds->items.component_start, ds->items.components);
	CSR(ds->bundle_child, ds->bundle_parent, ds->items.bundle_start, ds->items.bundles);
#undef CSR
	/* each list in item order, so scans are deterministic */
	for (size_t it = 0; it < ds->items.n; it++) {
		cw_ref *c = (cw_ref *)(void *)ds->items.components;
		cw_ref *p = (cw_ref *)(void *)ds->items.bundles;
		for (uint32_t i = ds->items.component_start[it] + 1; i < ds->items.component_start[it + 1]; i++)
			for (uint32_t j = i; j > ds->items.component_start[it] && c[j - 1] > c[j]; j--) {
				cw_ref t = c[j]; c[j] = c[j - 1]; c[j - 1] = t;
			}
		for (uint32_t i = ds->items.bundle_start[it] + 1; i < ds->items.bundle_start[it + 1]; i++)
			for (uint32_t j = i; j > ds->items.bundle_start[it] && p[j - 1] > p[j]; j--) {
				cw_ref t = p[j]; p[j] = p[j - 1]; p[j - 1] = t;
			}
	}
	return 0;
}

int cw_finish(cw_builder *b)
{
	cw_dataset *ds = b->ds;
	int rc;
	sync_counts(ds);
	if ((rc = sort_dimensions(ds)) < 0 || (rc = sort_visits(b)) < 0 || (rc = sort_claims(ds)) < 0 ||
	    (rc = build_indexes(ds)) < 0 || (rc = sort_prescriptions(ds)) < 0 || (rc = build_bundles(ds)) < 0)
		return rc;
	sync_counts(ds);
	match_refunds(ds);
	cw_pool_seal(&ds->pool);
	return 0;
}
