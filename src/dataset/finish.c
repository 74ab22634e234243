/* finish.c: turning the rows a builder took into a dataset in canonical order, with its indexes.
 *
 * Canonical order makes the result independent of the source's row order:
 * dimension tables by id, visits by (patient, admit, id), claim lines by
 * (patient, time, id), prescriptions by (rx_id, line_no). Then the indexes of
 * dataset.h are counting sorts over that order, so they are stable too.
 *
 * Visits and claim lines are ordered the same way: one stable counting sort
 * by patient that writes each row as a 64-bit key (time, row), then a sort of
 * each patient's keys, comparing ids only between rows of the same minute.
 * The large passes (counting sorts, column permutations, remaps) are cut into
 * parts that run on the builder's threads; every part writes its own range,
 * so the result does not depend on the number of threads. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "dataset/dataset_impl.h"
#include "util/threads.h"

size_t cw_finish_part_rows;

/* Rows below which a pass is not worth a thread. */
static size_t min_part(void) { return cw_finish_part_rows ? cw_finish_part_rows : 32768; }

/* --- parts on threads ------------------------------------------------------- */

typedef void (*part_fn)(void *arg, size_t k, size_t nk);

typedef struct part_job {
	part_fn fn;
	void *arg;
	size_t k, nk;
} part_job;

static void *part_main(void *a)
{
	part_job *j = a;
	j->fn(j->arg, j->k, j->nk);
	return NULL;
}

/* Runs fn(arg, k, nk) for k = 0 .. nk - 1, nk = the threads worth using for
 * n items; a part whose thread cannot start runs on the caller's. */
static void run_parts(int threads, size_t n, part_fn fn, void *arg)
{
	size_t nk = threads > 1 ? (size_t)threads : 1;
	if (nk > 1 && n / nk < min_part())
		nk = n / min_part() > 1 ? n / min_part() : 1;
	if (nk > 16)
		nk = 16;
	pthread_t t[16];
	part_job job[16];
	int started[16] = { 0 };
	for (size_t k = 1; k < nk; k++) {
		job[k] = (part_job){ fn, arg, k, nk };
		started[k] = pthread_create(&t[k], NULL, part_main, &job[k]) == 0;
	}
	fn(arg, 0, nk);
	for (size_t k = 1; k < nk; k++) {
		if (started[k])
			pthread_join(t[k], NULL);
		else
			fn(arg, k, nk);
	}
}

/* Part k of nk of [0, n). */
static size_t part_lo(size_t n, size_t k, size_t nk) { return (size_t)((unsigned __int128)n * k / nk); }

/* --- small helpers --------------------------------------------------------------- */

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

typedef struct inverse_job {
	const uint32_t *perm;
	uint32_t *inv;
	size_t kept, n;
} inverse_job;

static void inverse_fill(void *a, size_t k, size_t nk)
{
	inverse_job *j = a;
	for (size_t i = part_lo(j->n, k, nk); i < part_lo(j->n, k + 1, nk); i++)
		j->inv[i] = CW_NONE;
}

static void inverse_set(void *a, size_t k, size_t nk)
{
	inverse_job *j = a;
	for (size_t i = part_lo(j->kept, k, nk); i < part_lo(j->kept, k + 1, nk); i++)
		j->inv[j->perm[i]] = (uint32_t)i;
}

/* old -> new from new -> old (perm of length kept, over n old rows). */
static uint32_t *inverse(const uint32_t *perm, size_t kept, size_t n, int threads)
{
	inverse_job j = { perm, malloc((n ? n : 1) * sizeof *j.inv), kept, n };
	if (!j.inv)
		return NULL;
	if (kept < n)
		run_parts(threads, n, inverse_fill, &j);
	run_parts(threads, kept, inverse_set, &j);
	return j.inv;
}

typedef struct remap_job {
	cw_ref *col;
	size_t n;
	const uint32_t *map;
} remap_job;

static void remap_part(void *a, size_t k, size_t nk)
{
	remap_job *j = a;
	for (size_t i = part_lo(j->n, k, nk); i < part_lo(j->n, k + 1, nk); i++)
		if (j->col[i] != CW_NONE)
			j->col[i] = j->map[j->col[i]];
}

static void remap(cw_ref *col, size_t n, const uint32_t *map, int threads)
{
	remap_job j = { col, n, map };
	run_parts(threads, n, remap_part, &j);
}

typedef struct map_job {
	cw_idmap *m;
	const uint32_t *map;
} map_job;

static void remap_map_part(void *a, size_t k, size_t nk)
{
	map_job *j = a;
	cw_idmap_remap_slots(j->m, j->map, part_lo(j->m->nslots, k, nk), part_lo(j->m->nslots, k + 1, nk));
}

/* Remaps an id map; removed rows (kept < n) make it one thread's job. */
static int remap_map(cw_idmap *m, const uint32_t *map, size_t kept, size_t n, int threads)
{
	if (kept < n)
		return cw_idmap_remap(m, map);
	map_job j = { m, map };
	run_parts(threads, m->nslots, remap_map_part, &j);
	return 0;
}

typedef struct gather_job {
	const char *old;
	char *neu;
	size_t size, count;
	const uint32_t *perm;
} gather_job;

static void gather_part(void *a, size_t k, size_t nk)
{
	gather_job *j = a;
	size_t lo = part_lo(j->count, k, nk), hi = part_lo(j->count, k + 1, nk);
	const uint32_t *perm = j->perm;
	switch (j->size) {
	case 1: for (size_t i = lo; i < hi; i++) j->neu[i] = j->old[perm[i]]; break;
	case 4:
		for (size_t i = lo; i < hi; i++)
			((uint32_t *)(void *)j->neu)[i] = ((const uint32_t *)(const void *)j->old)[perm[i]];
		break;
	case 8:
		for (size_t i = lo; i < hi; i++)
			((uint64_t *)(void *)j->neu)[i] = ((const uint64_t *)(const void *)j->old)[perm[i]];
		break;
	default:
		for (size_t i = lo; i < hi; i++)
			memcpy(j->neu + i * j->size, j->old + (size_t)perm[i] * j->size, j->size);
	}
}

/* Reorders every column of s: new row i is old row perm[i]; keeps count
 * rows. One column at a time, each gathered by all threads, into the array
 * the previous column of its size left (only the first of each size takes
 * new memory, which the kernel must clear: a slow part of a large load). */
static int permute(cw_store *s, const uint32_t *perm, size_t count, int threads)
{
	static const size_t sizes[] = { 8, 4, 2, 1 };
	int done[CW_MAX_COLS] = { 0 };
	for (size_t z = 0; z <= sizeof sizes / sizeof sizes[0]; z++) {
		char *spare = NULL; /* the last column's old array, when it can hold count rows */
		for (int c = 0; c < s->ncols; c++) {
			size_t size = s->col[c].size;
			if (done[c] || (z < sizeof sizes / sizeof sizes[0] && size != sizes[z]))
				continue;
			gather_job j = { *s->col[c].ptr, spare, size, count, perm };
			if (!j.neu && (j.neu = malloc((count ? count : 1) * size)) != NULL)
				cw_advise_huge(j.neu, count * size);
			if (!j.neu) {
				free(spare);
				return cw_error_set(CW_ENOMEM, "out of memory reordering a table of %zu rows", count);
			}
			run_parts(threads, count, gather_part, &j);
			*s->col[c].ptr = j.neu;
			/* the old array can take the next column of this size if it
			 * has room (a table that drops rows only shrinks) */
			spare = s->cap >= count && z < sizeof sizes / sizeof sizes[0] ? (char *)j.old : NULL;
			if (!spare)
				free((void *)j.old);
			done[c] = 1;
		}
		free(spare);
	}
	s->n = s->cap = count;
	return 0;
}

/* --- stable counting sorts ------------------------------------------------------- */

/* Rows (rows[i], or i when rows is NULL, i < n) by key[row] < nkeys, stable.
 * Each part counts and places its own range of rows; a row goes out as its
 * index (order) or, with pack, as (time key << 32 | row) (packed). */
typedef struct csort {
	const cw_ref *key;
	size_t nkeys;
	const uint32_t *rows;
	size_t n;
	int pack;              /* out as packed keys, with time */
	const int32_t *time;
	uint32_t *start; /* nkeys + 1 */
	uint32_t *at;    /* per part and key: the next place */
	uint32_t *order;
	uint64_t *packed;
} csort;

static inline uint64_t time_key(int32_t t) { return (uint64_t)((uint32_t)t ^ 0x80000000u) << 32; }

static void csort_count(void *a, size_t k, size_t nk)
{
	csort *c = a;
	uint32_t *at = c->at + k * c->nkeys;
	for (size_t i = part_lo(c->n, k, nk); i < part_lo(c->n, k + 1, nk); i++)
		at[c->key[c->rows ? c->rows[i] : i]]++;
}

static void csort_place(void *a, size_t k, size_t nk)
{
	csort *c = a;
	uint32_t *at = c->at + k * c->nkeys;
	for (size_t i = part_lo(c->n, k, nk); i < part_lo(c->n, k + 1, nk); i++) {
		uint32_t r = c->rows ? c->rows[i] : (uint32_t)i;
		uint32_t to = at[c->key[r]]++;
		if (c->pack)
			c->packed[to] = time_key(c->time[r]) | r;
		else
			c->order[to] = r;
	}
}

/* The parts a counting sort of n rows over nkeys keys is cut into. */
static size_t csort_parts(int threads, size_t n, size_t nkeys)
{
	size_t nk = threads > 1 ? (size_t)threads : 1;
	while (nk > 1 && (n / nk < min_part() || nkeys > n / nk))
		nk--; /* per-part counts must stay small next to the rows */
	return nk;
}

static int csort_run(csort *c, int threads)
{
	size_t nk = csort_parts(threads, c->n, c->nkeys);
	c->start = malloc((c->nkeys + 1) * sizeof *c->start);
	c->at = calloc(nk * c->nkeys + 1, sizeof *c->at);
	if (c->pack)
		c->packed = malloc((c->n ? c->n : 1) * sizeof *c->packed);
	else
		c->order = malloc((c->n ? c->n : 1) * sizeof *c->order);
	if (!c->start || !c->at || (!c->packed && !c->order)) {
		free(c->start);
		free(c->at);
		free(c->packed);
		free(c->order);
		return cw_error_set(CW_ENOMEM, "out of memory building indexes");
	}
	run_parts((int)nk, nk * min_part(), csort_count, c);
	uint32_t off = 0;
	for (size_t g = 0; g < c->nkeys; g++) {
		c->start[g] = off;
		for (size_t k = 0; k < nk; k++) {
			uint32_t n = c->at[k * c->nkeys + g];
			c->at[k * c->nkeys + g] = off;
			off += n;
		}
	}
	c->start[c->nkeys] = off;
	run_parts((int)nk, nk * min_part(), csort_place, c);
	free(c->at);
	c->at = NULL;
	return 0;
}

/* Stable counting sort of rows 0..n-1 by key[row] < nkeys: *start gets nkeys + 1
 * offsets, *order the rows grouped by key. */
static int group_by(const cw_ref *key, size_t n, size_t nkeys, uint32_t **start, uint32_t **order, int threads)
{
	csort c = { .key = key, .nkeys = nkeys, .n = n };
	int rc = csort_run(&c, threads);
	if (rc < 0)
		return rc;
	*start = c.start;
	*order = c.order;
	return 0;
}

/* --- rows ordered by (group, time, id) --------------------------------------------- */

typedef struct tsort {
	const cw_dataset *ds;
	const cw_str *ids;
	const uint32_t *start;
	size_t ngroups, n;
	uint64_t *packed;
} tsort;

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int by_packed_id(const void *a, const void *b, void *arg)
{
	const tsort *t = arg;
	uint32_t x = (uint32_t)*(const uint64_t *)a, y = (uint32_t)*(const uint64_t *)b;
	return strcmp(cw_pool_get(&t->ds->pool, t->ids[x]), cw_pool_get(&t->ds->pool, t->ids[y]));
}

/* One group's keys by time, then by id among equal times. */
static void sort_group(const tsort *t, uint64_t *a, size_t n)
{
	if (n <= 32) {
		for (size_t i = 1; i < n; i++) {
			uint64_t v = a[i];
			size_t j = i;
			for (; j > 0 && a[j - 1] > v; j--)
				a[j] = a[j - 1];
			a[j] = v;
		}
	} else {
		qsort(a, n, sizeof *a, cmp_u64);
	}
	for (size_t i = 0; i + 1 < n;) {
		size_t j = i + 1;
		while (j < n && a[j] >> 32 == a[i] >> 32)
			j++;
		if (j - i > 1)
			qsort_r(a + i, j - i, sizeof *a, by_packed_id, (void *)t);
		i = j;
	}
}

/* The first group starting at or after row position pos. */
static size_t group_at(const uint32_t *start, size_t ngroups, size_t pos)
{
	size_t lo = 0, hi = ngroups;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (start[mid] < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void tsort_part(void *a, size_t k, size_t nk)
{
	tsort *t = a;
	size_t g0 = group_at(t->start, t->ngroups, part_lo(t->n, k, nk));
	size_t g1 = k + 1 == nk ? t->ngroups : group_at(t->start, t->ngroups, part_lo(t->n, k + 1, nk));
	for (size_t g = g0; g < g1; g++)
		if (t->start[g + 1] - t->start[g] > 1)
			sort_group(t, t->packed + t->start[g], t->start[g + 1] - t->start[g]);
}

/* Orders rows (rows[i], or i when rows is NULL, i < n) by (group[row],
 * time[row], ids[row]): *order gets the rows, *start the ngroups + 1 offsets. */
static int order_by_time(const cw_dataset *ds, const cw_ref *group, size_t ngroups, const int32_t *time,
                         const cw_str *ids, const uint32_t *rows, size_t n, uint32_t **start, uint32_t **order,
                         int threads)
{
	csort c = { .key = group, .nkeys = ngroups, .rows = rows, .n = n, .pack = 1, .time = time };
	int rc = csort_run(&c, threads);
	if (rc < 0)
		return rc;
	tsort t = { ds, ids, c.start, ngroups, n, c.packed };
	run_parts(threads, n, tsort_part, &t);
	/* the rows into the first half of the keys' array, in place (row i
	 * overwrites bytes of keys before i only) */
	uint32_t *o = (uint32_t *)(void *)c.packed;
	for (size_t i = 0; i < n; i++)
		o[i] = (uint32_t)c.packed[i];
	uint32_t *shrunk = realloc(o, (n ? n : 1) * sizeof *o);
	*order = shrunk ? shrunk : o;
	*start = c.start;
	return 0;
}

/* --- the tables ---------------------------------------------------------------------- */

#define M(p) ((cw_ref *)(void *)(p))

typedef int (*cmp_fn)(const void *, const void *, void *);

/* Sorts the rows of perm by cmp (whose keys are all distinct), in one pass
 * when they are nearly in order already, as files often are: the rows that
 * keep the order so far stay, the others are sorted aside and merged back
 * in from the end. Returns 1 when the rows were in order, 0, or CW_ENOMEM. */
static int sort_nearly(uint32_t *perm, size_t n, cmp_fn cmp, void *arg)
{
	uint32_t *side = NULL;
	size_t m = 0, k = 0;
	for (size_t i = 0; i < n; i++) {
		if (m == 0 || cmp(&perm[m - 1], &perm[i], arg) < 0) {
			perm[m++] = perm[i];
			continue;
		}
		if (!side && !(side = malloc((n - i) * sizeof *side)))
			return CW_ENOMEM;
		side[k++] = perm[i];
	}
	if (!k)
		return 1;
	qsort_r(side, k, sizeof *side, cmp, arg);
	for (size_t at = n; k > 0;) { /* at == m + k: a place is free before a main row moves */
		uint32_t r = m > 0 && cmp(&perm[m - 1], &side[k - 1], arg) > 0 ? perm[--m] : side[--k];
		perm[--at] = r;
	}
	free(side);
	return 0;
}

/* Sorts a dimension table by id; returns old -> new in *map_out (NULL when
 * the table was in order). */
static int sort_dimension(cw_dataset *ds, int t, const cw_str *const *ids, uint32_t **map_out, int threads)
{
	size_t n = ds->store[t].n;
	*map_out = NULL;
	uint32_t *perm = identity(n);
	sort_ctx c = { ds, *ids };
	int sorted = perm ? sort_nearly(perm, n, by_id, &c) : CW_ENOMEM;
	if (sorted != 0) { /* in order already (1), or out of memory */
		free(perm);
		return sorted == 1 ? 0 : cw_error_set(CW_ENOMEM, "out of memory sorting %s", cw_table_name(t));
	}
	uint32_t *map = inverse(perm, n, n, threads);
	int rc = map ? permute(&ds->store[t], perm, n, threads) : CW_ENOMEM;
	if (rc == 0)
		rc = remap_map(&ds->map[t], map, n, n, threads);
	free(perm);
	if (rc < 0) {
		free(map);
		return cw_error_set(CW_ENOMEM, "out of memory sorting %s", cw_table_name(t));
	}
	*map_out = map;
	return 0;
}

/* remap() when the table was reordered. */
static void remap_if(cw_ref *col, size_t n, const uint32_t *map, int threads)
{
	if (map)
		remap(col, n, map, threads);
}

static int sort_dimensions(cw_dataset *ds, int threads)
{
	uint32_t *mi = NULL, *md = NULL, *mp = NULL, *mpat = NULL, *mit = NULL;
	int rc;
	if ((rc = sort_dimension(ds, CW_T_INSTITUTIONS, &ds->inst.id, &mi, threads)) < 0 ||
	    (rc = sort_dimension(ds, CW_T_DEPARTMENTS, &ds->dept.id, &md, threads)) < 0 ||
	    (rc = sort_dimension(ds, CW_T_PHYSICIANS, &ds->phys.id, &mp, threads)) < 0 ||
	    (rc = sort_dimension(ds, CW_T_PATIENTS, &ds->pat.id, &mpat, threads)) < 0 ||
	    (rc = sort_dimension(ds, CW_T_ITEMS, &ds->items.code, &mit, threads)) < 0)
		goto done;
	remap_if(M(ds->dept.inst), ds->dept.n, mi, threads);
	remap_if(M(ds->phys.inst), ds->phys.n, mi, threads);
	remap_if(M(ds->phys.dept), ds->phys.n, md, threads);
	remap_if(M(ds->visits.patient), ds->visits.n, mpat, threads);
	remap_if(M(ds->visits.inst), ds->visits.n, mi, threads);
	remap_if(M(ds->visits.dept), ds->visits.n, md, threads);
	remap_if(M(ds->visits.physician), ds->visits.n, mp, threads);
	remap_if(M(ds->claims.patient), ds->claims.n, mpat, threads);
	remap_if(M(ds->claims.item), ds->claims.n, mit, threads);
	remap_if(M(ds->claims.physician), ds->claims.n, mp, threads);
	remap_if(M(ds->rx.physician), ds->rx.n, mp, threads);
	remap_if(M(ds->rx.drug), ds->rx.n, mit, threads);
	remap_if(ds->bundle_parent, ds->store[CW_T_BUNDLES].n, mit, threads);
	remap_if(ds->bundle_child, ds->store[CW_T_BUNDLES].n, mit, threads);
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

/* Keeps the visits that overlap the window or own a loaded row; sorts them by
 * (patient, admit, id). Gives each patient's visit offsets. */
static int sort_visits(cw_builder *b, int threads)
{
	cw_dataset *ds = b->ds;
	size_t n = ds->visits.n, kept = 0;
	uint32_t *rows = malloc((n ? n : 1) * sizeof *rows), *start, *perm;
	if (!rows)
		return cw_error_set(CW_ENOMEM, "out of memory sorting visits");
	for (size_t v = 0; v < n; v++)
		if ((v < b->visit_used_cap && b->visit_used[v]) || overlaps_window(ds, v))
			rows[kept++] = (uint32_t)v;
	ds->stats.visits_dropped = n - kept;
	free(b->visit_used);
	b->visit_used = NULL;
	b->visit_used_cap = 0;
	int rc = order_by_time(ds, ds->visits.patient, ds->pat.n, ds->visits.admit, ds->visits.id, rows, kept, &start,
	                       &perm, threads);
	free(rows);
	if (rc < 0)
		return rc;
	uint32_t *map = inverse(perm, kept, n, threads);
	rc = map ? permute(&ds->store[CW_T_VISITS], perm, kept, threads) : CW_ENOMEM;
	if (rc == 0)
		rc = remap_map(&ds->map[CW_T_VISITS], map, kept, n, threads);
	if (rc == 0) {
		remap(M(ds->claims.visit), ds->claims.n, map, threads);
		remap(M(ds->rx.visit), ds->rx.n, map, threads);
	}
	free(perm);
	free(map);
	if (rc < 0 || (rc = cw_dataset_own(ds, start)) < 0) {
		free(start);
		return cw_error_set(CW_ENOMEM, "out of memory sorting visits");
	}
	ds->pat.visit_start = start;
	sync_counts(ds);
	return 0;
}

static int sort_claims(cw_dataset *ds, int threads)
{
	uint32_t *start, *perm;
	size_t n = ds->claims.n;
	int rc = order_by_time(ds, ds->claims.patient, ds->pat.n, ds->claims.time, ds->claims.id, NULL, n, &start, &perm,
	                       threads);
	if (rc < 0)
		return rc;
	/* permute first and free perm before the inverse: the peak of a load is here */
	rc = permute(&ds->store[CW_T_CLAIMS], perm, n, threads);
	uint32_t *map = rc == 0 ? inverse(perm, n, n, threads) : NULL;
	free(perm);
	if (rc == 0)
		rc = map ? remap_map(&ds->map[CW_T_CLAIMS], map, n, n, threads) : CW_ENOMEM;
	free(map);
	if (rc < 0 || (rc = cw_dataset_own(ds, start)) < 0) {
		free(start);
		return cw_error_set(CW_ENOMEM, "out of memory sorting claim lines");
	}
	ds->pat.line_start = start;
	return 0;
}

/* One index: a counting sort, owned by the dataset. */
typedef struct index_job {
	cw_dataset *ds;
	const cw_ref *key;
	size_t n, nkeys;
	int threads;
	uint32_t *start, *order;
	int rc;
	char msg[256];
} index_job;

static void index_run(void *a, size_t k, size_t nk)
{
	(void)nk;
	index_job *j = (index_job *)a + k;
	j->rc = group_by(j->key, j->n, j->nkeys, &j->start, &j->order, j->threads);
	if (j->rc < 0)
		snprintf(j->msg, sizeof j->msg, "%s", cw_error_last());
}

static int build_indexes(cw_dataset *ds, int threads)
{
	/* the two claim-line indexes at once, each on half the threads */
	int half = threads > 1 ? threads / 2 : 1;
	index_job j[3] = {
		{ ds, ds->claims.visit, ds->claims.n, ds->visits.n, half, NULL, NULL, 0, "" },
		{ ds, ds->claims.physician, ds->claims.n, ds->phys.n, threads - half > 0 ? threads - half : 1, NULL, NULL, 0,
		  "" },
		{ ds, ds->visits.physician, ds->visits.n, ds->phys.n, threads, NULL, NULL, 0, "" },
	};
	if (threads > 1 && ds->claims.n >= 2 * min_part())
		run_parts(2, 2 * min_part(), index_run, j);
	else {
		index_run(j, 0, 1);
		index_run(j, 1, 1);
	}
	index_run(j, 2, 1);
	int rc = 0;
	for (int i = 0; i < 3; i++)
		if (j[i].rc < 0 && rc == 0)
			rc = cw_error_set(j[i].rc, "%s", j[i].msg);
	for (int i = 0; i < 3 && rc < 0; i++) {
		free(j[i].start);
		free(j[i].order);
	}
	for (int i = 0; i < 3 && rc == 0; i++)
		if ((rc = cw_dataset_own(ds, j[i].start)) < 0 || (rc = cw_dataset_own(ds, j[i].order)) < 0)
			return rc;
	if (rc < 0)
		return rc;
	ds->visits.line_start = j[0].start;
	ds->claims.by_visit = j[0].order;
	ds->phys.line_start = j[1].start;
	ds->claims.by_physician = j[1].order;
	ds->phys.visit_start = j[2].start;
	ds->visits.by_physician = j[2].order;
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
				    cw_line_live(c, o)) {
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

static int sort_prescriptions(cw_dataset *ds, int threads)
{
	size_t n = ds->rx.n;
	uint32_t *perm = identity(n);
	if (!perm)
		return cw_error_set(CW_ENOMEM, "out of memory sorting prescriptions");
	int rc = sort_nearly(perm, n, by_rx_key, ds);
	if (rc == 0) /* not in order already */
		rc = permute(&ds->store[CW_T_PRESCRIPTIONS], perm, n, threads);
	free(perm);
	if (rc < 0)
		return cw_error_set(CW_ENOMEM, "out of memory sorting prescriptions");
	uint32_t *start = malloc((n + 1) * sizeof *start);
	if ((rc = cw_dataset_own(ds, start)) < 0)
		return rc;
	size_t k = 0;
	for (size_t r = 0; r < n; r++)
		if (r == 0 || ds->rx.rx_id[r] != ds->rx.rx_id[r - 1])
			start[k++] = (uint32_t)r;
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
	if ((rc = group_by(key, n, ds->items.n, &start, &order, 1)) < 0)                 \
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
	int rc, threads = cw_threads(b->threads);
	if ((rc = cw_builder_add_uncatalogued(b)) < 0)
		return rc;
	sync_counts(ds);
	/* what only loading needed goes before the peak of sort_claims */
	cw_idmap_free(&b->rx_keys);
	cw_u64set_free(&b->bundle_keys);
	cw_pool_seal(&ds->pool); /* nothing is interned from here */
	cw_idmap_lean(&ds->map[CW_T_CLAIMS]);
	if ((rc = sort_dimensions(ds, threads)) < 0 || (rc = sort_visits(b, threads)) < 0 ||
	    (rc = sort_claims(ds, threads)) < 0 || (rc = sort_prescriptions(ds, threads)) < 0 ||
	    (rc = build_indexes(ds, threads)) < 0 || (rc = build_bundles(ds)) < 0)
		return rc;
	sync_counts(ds);
	match_refunds(ds);
	return 0;
}
