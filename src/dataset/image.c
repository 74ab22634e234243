/* image.c: a finished dataset as one flat image, and a dataset read in place from one (image.h).
 *
 * Layout, little-endian as the machine that wrote it (the header's fingerprint says whose):
 *   header   magic "CWDSIMG1", fingerprint, the dataset's scalars (window, counts, build stats, month
 *            rows, the id maps' sizes, the pool's length), the number of arrays;
 *   table    per array its offset and length in bytes;
 *   arrays   each at a multiple of 64 bytes: every table's columns in cw_dataset_init_views' order,
 *            the pool's bytes, every table's id map slots, then the indexes (INDEXES below).
 * The fingerprint hashes the format version, claimwatch's version and the size of every column and
 * copied struct, so an image of another build is told apart (CW_ENOTFOUND) from a damaged one. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "claimwatch/error.h"
#include "dataset/dataset_impl.h"
#include "dataset/image.h"

#ifndef CW_VERSION
#define CW_VERSION "?"
#endif
/* Bump when what a finished dataset holds changes meaning without changing a size. */
#define IMAGE_FORMAT 1
#define ALIGN 64
#define MAX_ARRAYS 160

typedef struct image_head {
	char magic[8];
	uint64_t fingerprint;
	cw_window win;
	cw_build_stats stats;
	uint64_t month_rows[CW_T_COUNT];
	uint64_t rows[CW_T_COUNT];
	uint64_t nrx;
	uint64_t map_slots[CW_T_COUNT], map_used[CW_T_COUNT], map_lean[CW_T_COUNT];
	uint64_t pool_len;
	uint64_t narrays;
} image_head;

typedef struct image_array {
	uint64_t off, len;
} image_array;

/* The indexes cw_finish builds (the dataset's owned arrays): where each lives and its length. */
enum { IX_PAT_VISITS, IX_PAT_LINES, IX_VISIT_LINES, IX_LINES_BY_VISIT, IX_PHYS_LINES, IX_LINES_BY_PHYS,
       IX_PHYS_VISITS, IX_VISITS_BY_PHYS, IX_RX_START, IX_COMPONENT_START, IX_COMPONENTS, IX_BUNDLE_START,
       IX_BUNDLES, IX_COUNT };

static const uint32_t **index_field(cw_dataset *ds, int i)
{
	switch (i) {
	case IX_PAT_VISITS: return &ds->pat.visit_start;
	case IX_PAT_LINES: return &ds->pat.line_start;
	case IX_VISIT_LINES: return &ds->visits.line_start;
	case IX_LINES_BY_VISIT: return &ds->claims.by_visit;
	case IX_PHYS_LINES: return &ds->phys.line_start;
	case IX_LINES_BY_PHYS: return &ds->claims.by_physician;
	case IX_PHYS_VISITS: return &ds->phys.visit_start;
	case IX_VISITS_BY_PHYS: return &ds->visits.by_physician;
	case IX_RX_START: return &ds->rx.rx_start;
	case IX_COMPONENT_START: return &ds->items.component_start;
	case IX_COMPONENTS: return &ds->items.components;
	case IX_BUNDLE_START: return &ds->items.bundle_start;
	default: return &ds->items.bundles;
	}
}

/* Entries of index i: the table it ranges over (its length is that table's rows, + 1 for offsets). */
static size_t index_len(const cw_dataset *ds, int i)
{
	switch (i) {
	case IX_PAT_VISITS: case IX_PAT_LINES: return ds->pat.n + 1;
	case IX_VISIT_LINES: return ds->visits.n + 1;
	case IX_LINES_BY_VISIT: case IX_LINES_BY_PHYS: return ds->claims.n;
	case IX_PHYS_LINES: case IX_PHYS_VISITS: return ds->phys.n + 1;
	case IX_VISITS_BY_PHYS: return ds->visits.n;
	case IX_RX_START: return ds->rx.nrx + 1;
	case IX_COMPONENT_START: case IX_BUNDLE_START: return ds->items.n + 1;
	default: return ds->store[CW_T_BUNDLES].n;
	}
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0x9E3779B97F4A7C15ull;
	return h ^ (h >> 29);
}

/* What a reader must agree on with the writer: format, version, the shape of every copied thing. */
static uint64_t fingerprint(const cw_dataset *ds)
{
	uint64_t h = mix(0, IMAGE_FORMAT);
	h = mix(h, cw_hash(CW_VERSION, strlen(CW_VERSION)));
	h = mix(h, sizeof(image_head));
	h = mix(h, sizeof(cw_window));
	h = mix(h, sizeof(cw_build_stats));
	h = mix(h, CW_T_COUNT);
	h = mix(h, IX_COUNT);
	for (int t = 0; t < CW_T_COUNT; t++) {
		h = mix(h, (uint64_t)ds->store[t].ncols);
		for (int c = 0; c < ds->store[t].ncols; c++)
			h = mix(h, ds->store[t].col[c].size);
	}
	return h;
}

uint64_t cw_dataset_image_fingerprint(void)
{
	cw_dataset ds;
	memset(&ds, 0, sizeof ds);
	cw_dataset_init_views(&ds);
	return fingerprint(&ds);
}

static size_t up(size_t n) { return (n + ALIGN - 1) / ALIGN * ALIGN; }

/* The arrays in image order: calls fn(ctx, data, len) for each; data NULL for an empty one. */
typedef int (*array_fn)(void *ctx, const void *data, size_t len);
static int each_array(const cw_dataset *ds, array_fn fn, void *ctx)
{
	int rc = 0;
	for (int t = 0; t < CW_T_COUNT && rc == 0; t++)
		for (int c = 0; c < ds->store[t].ncols && rc == 0; c++)
			rc = fn(ctx, *ds->store[t].col[c].ptr, ds->store[t].n * ds->store[t].col[c].size);
	if (rc == 0)
		rc = fn(ctx, ds->pool.bytes, ds->pool.len);
	for (int t = 0; t < CW_T_COUNT && rc == 0; t++)
		rc = fn(ctx, ds->map[t].slot, cw_idmap_memory(&ds->map[t]));
	for (int i = 0; i < IX_COUNT && rc == 0; i++)
		rc = fn(ctx, *index_field((cw_dataset *)ds, i), index_len(ds, i) * sizeof(uint32_t));
	return rc;
}

typedef struct sizer {
	size_t n, at;
	image_array *table;
} sizer;

static int count_array(void *ctx, const void *data, size_t len)
{
	sizer *s = ctx;
	(void)data;
	if (s->table) {
		s->table[s->n].off = s->at;
		s->table[s->n].len = len;
	}
	s->n++;
	s->at += up(len);
	return 0;
}

static size_t table_bytes(size_t narrays) { return up(narrays * sizeof(image_array)); }

size_t cw_dataset_image_size(const cw_dataset *ds)
{
	sizer s = { 0 };
	each_array(ds, count_array, &s);
	return up(sizeof(image_head)) + table_bytes(s.n) + s.at;
}

typedef struct writer {
	cw_image_sink sink;
	void *ctx;
} writer;

static const unsigned char zeros[ALIGN];

static int write_array(void *ctx, const void *data, size_t len)
{
	writer *w = ctx;
	int rc = len ? w->sink(w->ctx, data, len) : 0;
	if (rc == 0 && up(len) > len)
		rc = w->sink(w->ctx, zeros, up(len) - len);
	return rc;
}

int cw_dataset_image_write(const cw_dataset *ds, cw_image_sink sink, void *ctx)
{
	if (!ds->pat.visit_start || !ds->claims.by_visit || !ds->rx.rx_start || !ds->items.component_start)
		return cw_error_set(CW_EINVALID, "internal: a dataset's image is written once it is finished");
	image_head h;
	memset(&h, 0, sizeof h);
	memcpy(h.magic, "CWDSIMG1", 8);
	h.fingerprint = fingerprint(ds);
	h.win = ds->win;
	h.stats = ds->stats;
	memcpy(h.month_rows, ds->month_rows, sizeof h.month_rows);
	for (int t = 0; t < CW_T_COUNT; t++) {
		h.rows[t] = ds->store[t].n;
		h.map_slots[t] = ds->map[t].nslots;
		h.map_used[t] = ds->map[t].used;
		h.map_lean[t] = (uint64_t)ds->map[t].lean;
	}
	h.nrx = ds->rx.nrx;
	h.pool_len = ds->pool.len;
	image_array table[MAX_ARRAYS];
	sizer s = { .table = table };
	each_array(ds, count_array, &s); /* sizes only: the first pass cannot overflow MAX_ARRAYS below */
	if (s.n > MAX_ARRAYS)
		return cw_error_set(CW_EINVALID, "internal: a dataset of more than %d arrays", MAX_ARRAYS);
	size_t base = up(sizeof h) + table_bytes(s.n);
	for (size_t i = 0; i < s.n; i++)
		table[i].off += base;
	h.narrays = s.n;
	writer w = { sink, ctx };
	int rc = write_array(&w, &h, sizeof h);
	if (rc == 0)
		rc = write_array(&w, table, s.n * sizeof *table);
	if (rc == 0)
		rc = each_array(ds, write_array, &w);
	return rc;
}

/* --- opening ------------------------------------------------------------------------------------------ */

typedef struct reader {
	const unsigned char *img;
	const image_array *table;
	size_t narrays, next;
	const char *name;
	int rc;
} reader;

static int bad(reader *r, const char *what)
{
	if (r->rc == 0)
		r->rc = cw_error_set(CW_EINVALID, "%s: %s (the image is refused)", r->name, what);
	return r->rc;
}

/* The next array, which must hold exactly len bytes; sets *out (NULL when empty). */
static void take(reader *r, const void **out, size_t len)
{
	*out = NULL;
	if (r->rc)
		return;
	if (r->next >= r->narrays) {
		bad(r, "fewer arrays than its header's counts need");
		return;
	}
	const image_array *a = &r->table[r->next++];
	if (a->len != len)
		bad(r, "an array's length does not match its header's counts");
	else if (len)
		*out = r->img + a->off;
}

/* References: each below n. */
static void refs(reader *r, const cw_ref *v, size_t count, size_t n, const char *what)
{
	for (size_t i = 0; i < count && r->rc == 0; i++)
		if (v[i] >= n)
			bad(r, what);
}

/* Strings: each inside the pool or CW_NONE. */
static void strs(reader *r, const cw_str *v, size_t count, size_t pool_len, const char *what)
{
	for (size_t i = 0; i < count && r->rc == 0; i++)
		if (v[i] != CW_NONE && v[i] >= pool_len)
			bad(r, what);
}

/* Small enumerations: each at most max. */
static void enums(reader *r, const uint8_t *v, size_t count, unsigned max, const char *what)
{
	for (size_t i = 0; i < count && r->rc == 0; i++)
		if (v[i] > max)
			bad(r, what);
}

/* Offsets: count entries from 0 up to total, never decreasing. */
static void offsets(reader *r, const uint32_t *v, size_t count, size_t total, const char *what)
{
	if (r->rc || !count)
		return;
	if (v[0] != 0 || v[count - 1] != total)
		bad(r, what);
	for (size_t i = 1; i < count && r->rc == 0; i++)
		if (v[i] < v[i - 1])
			bad(r, what);
}

/* An id map: every row inside its table, and at least one empty slot so a probe ends. */
static void check_map(reader *r, const cw_idmap *m, size_t rows)
{
	size_t empty = 0;
	for (size_t i = 0; i < m->nslots && r->rc == 0; i++) {
		uint32_t row = m->lean ? ((const uint32_t *)(const void *)m->slot)[i] : (uint32_t)m->slot[i];
		if (!row)
			empty++;
		else if (row > rows)
			bad(r, "an id map names a row past its table");
	}
	if (m->nslots && !empty)
		bad(r, "an id map without an empty slot");
}

/* Every reference, string, enumeration and index of ds checked against the counts. */
static void check(reader *r, const cw_dataset *ds)
{
	size_t pl = ds->pool.len;
	if (pl && ds->pool.bytes[pl - 1] != 0)
		bad(r, "the string pool does not end with a NUL");
	strs(r, ds->inst.id, ds->inst.n, pl, "a string past the pool");
	strs(r, ds->inst.name, ds->inst.n, pl, "a string past the pool");
	strs(r, ds->inst.region, ds->inst.n, pl, "a string past the pool");
	strs(r, ds->dept.id, ds->dept.n, pl, "a string past the pool");
	strs(r, ds->dept.name, ds->dept.n, pl, "a string past the pool");
	strs(r, ds->dept.specialty, ds->dept.n, pl, "a string past the pool");
	refs(r, ds->dept.inst, ds->dept.n, ds->inst.n, "a department of an institution past the table");
	strs(r, ds->phys.id, ds->phys.n, pl, "a string past the pool");
	strs(r, ds->phys.name, ds->phys.n, pl, "a string past the pool");
	strs(r, ds->phys.title, ds->phys.n, pl, "a string past the pool");
	refs(r, ds->phys.inst, ds->phys.n, ds->inst.n, "a physician of an institution past the table");
	refs(r, ds->phys.dept, ds->phys.n, ds->dept.n, "a physician of a department past the table");
	strs(r, ds->pat.id, ds->pat.n, pl, "a string past the pool");
	enums(r, ds->pat.sex, ds->pat.n, CW_SEX_U, "a patient's sex out of range");
	strs(r, ds->items.code, ds->items.n, pl, "a string past the pool");
	strs(r, ds->items.name, ds->items.n, pl, "a string past the pool");
	strs(r, ds->items.unit, ds->items.n, pl, "a string past the pool");
	enums(r, ds->items.category, ds->items.n, CW_CAT_COUNT - 1, "an item's category out of range");
	enums(r, ds->items.sex_only, ds->items.n, CW_SEX_U, "an item's sex out of range");
	enums(r, ds->items.setting, ds->items.n, CW_SETTING_INPATIENT, "an item's setting out of range");
	enums(r, ds->items.catalogue_class, ds->items.n, CW_CLASS_C, "an item's class out of range");
	enums(r, ds->items.min_level, ds->items.n, 3, "an item's level out of range");
	enums(r, ds->inst.level, ds->inst.n, 3, "an institution's level out of range");
	size_t nb = ds->store[CW_T_BUNDLES].n;
	refs(r, ds->bundle_parent, nb, ds->items.n, "a bundle of an item past the table");
	refs(r, ds->bundle_child, nb, ds->items.n, "a bundle of an item past the table");
	strs(r, ds->visits.id, ds->visits.n, pl, "a string past the pool");
	refs(r, ds->visits.patient, ds->visits.n, ds->pat.n, "a visit of a patient past the table");
	refs(r, ds->visits.inst, ds->visits.n, ds->inst.n, "a visit of an institution past the table");
	refs(r, ds->visits.dept, ds->visits.n, ds->dept.n, "a visit of a department past the table");
	refs(r, ds->visits.physician, ds->visits.n, ds->phys.n, "a visit of a physician past the table");
	enums(r, ds->visits.kind, ds->visits.n, CW_KIND_COUNT - 1, "a visit's kind out of range");
	strs(r, ds->visits.dx_code, ds->visits.n, pl, "a string past the pool");
	strs(r, ds->visits.dx_name, ds->visits.n, pl, "a string past the pool");
	size_t nl = ds->claims.n;
	strs(r, ds->claims.id, nl, pl, "a string past the pool");
	refs(r, ds->claims.visit, nl, ds->visits.n, "a claim line of a visit past the table");
	refs(r, ds->claims.patient, nl, ds->pat.n, "a claim line of a patient past the table");
	refs(r, ds->claims.item, nl, ds->items.n, "a claim line of an item past the table");
	refs(r, ds->claims.physician, nl, ds->phys.n, "a claim line of a physician past the table");
	enums(r, ds->claims.result, nl, CW_RESULT_PENDING, "a claim line's result out of range");
	strs(r, ds->rx.rx_id, ds->rx.n, pl, "a string past the pool");
	refs(r, ds->rx.visit, ds->rx.n, ds->visits.n, "a prescription of a visit past the table");
	refs(r, ds->rx.physician, ds->rx.n, ds->phys.n, "a prescription of a physician past the table");
	refs(r, ds->rx.drug, ds->rx.n, ds->items.n, "a prescription of an item past the table");
	offsets(r, ds->pat.visit_start, ds->pat.n + 1, ds->visits.n, "the patients' visit offsets");
	offsets(r, ds->pat.line_start, ds->pat.n + 1, nl, "the patients' line offsets");
	offsets(r, ds->visits.line_start, ds->visits.n + 1, nl, "the visits' line offsets");
	offsets(r, ds->phys.line_start, ds->phys.n + 1, nl, "the physicians' line offsets");
	offsets(r, ds->phys.visit_start, ds->phys.n + 1, ds->visits.n, "the physicians' visit offsets");
	offsets(r, ds->rx.rx_start, ds->rx.nrx + 1, ds->rx.n, "the prescriptions' offsets");
	offsets(r, ds->items.component_start, ds->items.n + 1, nb, "the bundles' offsets");
	offsets(r, ds->items.bundle_start, ds->items.n + 1, nb, "the bundles' offsets");
	refs(r, ds->claims.by_visit, nl, nl, "a line index past the table");
	refs(r, ds->claims.by_physician, nl, nl, "a line index past the table");
	refs(r, ds->visits.by_physician, ds->visits.n, ds->visits.n, "a visit index past the table");
	refs(r, ds->items.components, nb, ds->items.n, "a bundle of an item past the table");
	refs(r, ds->items.bundles, nb, ds->items.n, "a bundle of an item past the table");
	for (int t = 0; t < CW_T_COUNT; t++)
		check_map(r, &ds->map[t], ds->store[t].n);
}

static int read_head(reader *r, image_head *h, const void *img, size_t len)
{
	if (len < sizeof *h || ((uintptr_t)img % ALIGN) != 0)
		return bad(r, "shorter than its header, or not aligned");
	memcpy(h, img, sizeof *h);
	if (memcmp(h->magic, "CWDSIMG1", 8) != 0)
		return bad(r, "not a dataset image");
	if (h->narrays > MAX_ARRAYS || up(sizeof *h) + table_bytes(h->narrays) > len)
		return bad(r, "its table of arrays does not fit");
	r->table = (const image_array *)(const void *)((const unsigned char *)img + up(sizeof *h));
	r->narrays = h->narrays;
	size_t at = up(sizeof *h) + table_bytes(h->narrays);
	for (size_t i = 0; i < h->narrays; i++) {
		const image_array *a = &r->table[i];
		if (a->off != at || a->len > len - at || up(a->len) > len - at)
			return bad(r, "an array outside the image or out of order");
		at += up(a->len);
	}
	if (at != len)
		return bad(r, "bytes past its last array");
	for (int t = 0; t < CW_T_COUNT; t++)
		if (h->rows[t] >= CW_NONE || h->map_used[t] > h->map_slots[t] || h->map_lean[t] > 1 ||
		    h->map_slots[t] > len)
			return bad(r, "a count out of range");
	if (h->nrx > h->rows[CW_T_PRESCRIPTIONS] || h->pool_len >= UINT32_MAX)
		return bad(r, "a count out of range");
	return 0;
}

static void set_counts(cw_dataset *ds, const image_head *h)
{
	ds->win = h->win;
	ds->stats = h->stats;
	memcpy(ds->month_rows, h->month_rows, sizeof ds->month_rows);
	for (int t = 0; t < CW_T_COUNT; t++)
		ds->store[t].n = ds->store[t].cap = h->rows[t];
	ds->inst.n = h->rows[CW_T_INSTITUTIONS];
	ds->dept.n = h->rows[CW_T_DEPARTMENTS];
	ds->phys.n = h->rows[CW_T_PHYSICIANS];
	ds->pat.n = h->rows[CW_T_PATIENTS];
	ds->items.n = h->rows[CW_T_ITEMS];
	ds->visits.n = h->rows[CW_T_VISITS];
	ds->claims.n = h->rows[CW_T_CLAIMS];
	ds->rx.n = h->rows[CW_T_PRESCRIPTIONS];
	ds->rx.nrx = h->nrx;
}

int cw_dataset_image_open(cw_dataset **out, const void *img, size_t len, void *map, size_t map_len,
                          const char *name)
{
	*out = NULL;
	reader r = { .img = img, .name = name };
	image_head h;
	if (read_head(&r, &h, img, len) < 0)
		return r.rc;
	cw_dataset *ds = calloc(1, sizeof *ds);
	if (!ds)
		return cw_error_set(CW_ENOMEM, "out of memory opening %s", name);
	cw_dataset_init_views(ds);
	if (h.fingerprint != fingerprint(ds)) {
		free(ds);
		return cw_error_set(CW_ENOTFOUND, "%s: written by another build of claimwatch", name);
	}
	set_counts(ds, &h);
	const void *p;
	for (int t = 0; t < CW_T_COUNT; t++)
		for (int c = 0; c < ds->store[t].ncols; c++) {
			take(&r, &p, h.rows[t] * ds->store[t].col[c].size);
			*ds->store[t].col[c].ptr = (void *)p;
		}
	take(&r, &p, h.pool_len);
	ds->pool.bytes = (char *)p;
	ds->pool.len = ds->pool.cap = h.pool_len;
	for (int t = 0; t < CW_T_COUNT; t++) {
		ds->map[t].nslots = h.map_slots[t];
		ds->map[t].used = h.map_used[t];
		ds->map[t].lean = (int)h.map_lean[t];
		take(&r, &p, cw_idmap_memory(&ds->map[t]));
		ds->map[t].slot = (uint64_t *)p;
	}
	for (int i = 0; i < IX_COUNT; i++) {
		take(&r, &p, index_len(ds, i) * sizeof(uint32_t));
		*index_field(ds, i) = p;
	}
	if (r.rc == 0 && r.next != r.narrays)
		bad(&r, "more arrays than its header's counts need");
	if (r.rc == 0)
		check(&r, ds);
	if (r.rc < 0) {
		free(ds);
		return r.rc;
	}
	ds->from_image = 1;
	ds->image = map;
	ds->image_len = map_len;
	*out = ds;
	return 0;
}
