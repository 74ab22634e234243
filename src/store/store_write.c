/* store_write.c: `claimwatch load --data DIR --store PATH` and `load --db URL --store PATH` (docs/store.md).
 *
 * One pass over the folder: every record of every table is read by the CSV source's reader
 * (cw_load_csv_records) and kept as its text (a blob, format.c) with its line. A database goes the same
 * way (cw_cs_load_source with src/pg/pg_store.c's source: each row in its text form, with its row
 * number), so nothing below knows where the records came from. Then each record is put
 * in the partitions whose runs need it, the way the CSV source's window would take it:
 *   - the tables without dates: the partition dim (every run reads it);
 *   - claim lines and prescriptions: the month of their time (or of its readable "YYYY-MM");
 *   - visits: every month their stay overlaps, and every month whose claim lines or prescriptions
 *     name them (a line outside its visit's stay must still find it); an open stay, or a visit_id
 *     that more than one record holds, goes to `any`;
 *   - exam results: the month of their claim line (`any` when the line is unknown or in several months);
 *   - records whose month cannot be told or that could not be split: `any`, which every run reads.
 * A run feeds the rows of its partitions merged back into the source's order (seq), so duplicates,
 * rejects and their order come out as from the folder. One pass rather than one per month: the folder
 * is parsed once, and a visit's partitions need the claim lines of every month.
 *
 * Writing: each partition's two files under new names (the load's id in them), each fsync'd; then the
 * catalogue, replaced atomically (catalog.c); then the files no catalogue names any more are removed.
 * A load killed before the rename leaves the previous store as it was. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "dataset/pool.h"
#include "io/outdir.h"
#include "source/budgets.h"
#include "source/load_table.h"
#include "store/colstore.h"
#include "util/grow.h"
#include "util/progress.h"

typedef struct tab {
	char *arena; /* the blobs */
	size_t len, cap;
	uint64_t *line, *blob;
	int32_t *key;           /* the home partition (CW_CS_ANY for visits decided later) */
	cw_minute *from, *to;   /* visits: the stay; 0, 0 when unknown */
	size_t n, ncap;
	size_t unknown;
} tab;

typedef struct pair { int32_t key; uint32_t row; uint8_t home; } pair;

typedef struct loader {
	tab t[CW_T_COUNT];
	int table; /* being read */
	pair *pairs;
	size_t npairs, pcap;
	int32_t *months; /* the load's months */
	int nmonths, mcap;
	cw_cs_catalog cat; /* the new catalogue */
	const char *path;
	uint32_t id;
	long fault; /* CLAIMWATCH_STORE_FAULT: killed after that many files (tests) */
	long files;
	cw_rowbuf rb;
	cw_builder *probe; /* the tables without dates and every visit once: which visits a run takes */
	int new_budgets;   /* this load wrote the budgets file */
} loader;

static int oom(void) { return cw_error_set(CW_ENOMEM, "out of memory loading the store"); }

static int put_u32(tab *t, uint32_t v)
{
	if (cw_grow((void **)&t->arena, &t->cap, t->len + 4, 1) < 0)
		return oom();
	memcpy(t->arena + t->len, &v, 4);
	t->len += 4;
	return 0;
}

static int put_bytes(tab *t, const char *s, size_t n)
{
	if (n >= UINT32_MAX)
		return cw_error_set(CW_EINVALID, "a field of %zu bytes", n);
	if (put_u32(t, (uint32_t)n) < 0 || cw_grow((void **)&t->arena, &t->cap, t->len + n + 1, 1) < 0)
		return oom();
	if (n)
		memcpy(t->arena + t->len, s, n);
	t->len += n;
	return 0;
}

static int add_row(tab *t, uint64_t line, int32_t key)
{
	if (t->n == t->ncap) {
		size_t cap = t->ncap ? t->ncap * 2 : 4096;
		void *a = realloc(t->line, cap * 8), *b = a ? (t->line = a, realloc(t->blob, cap * 8)) : NULL;
		void *c = b ? (t->blob = b, realloc(t->key, cap * 4)) : NULL;
		void *d = c ? (t->key = c, realloc(t->from, cap * 4)) : NULL;
		void *e = d ? (t->from = d, realloc(t->to, cap * 4)) : NULL;
		if (!e)
			return oom();
		t->to = e;
		t->ncap = cap;
	}
	if (t->n >= UINT32_MAX - 1)
		return cw_error_set(CW_EINVALID, "more than 4 billion rows in one table");
	t->line[t->n] = line;
	t->key[t->n] = key;
	t->from[t->n] = t->to[t->n] = 0;
	t->n++;
	return 0;
}

static int month_seen(loader *L, int32_t key)
{
	for (int i = L->nmonths - 1; i >= 0; i--)
		if (L->months[i] == key)
			return 0;
	if (L->nmonths == L->mcap) {
		void *m = realloc(L->months, (size_t)(L->mcap = L->mcap ? L->mcap * 2 : 16) * sizeof *L->months);
		if (!m)
			return oom();
		L->months = m;
	}
	L->months[L->nmonths++] = key;
	return 0;
}

/* The record sink: keeps the record's text and its home partition where it can be told now. */
static int take(void *ctx, uint64_t line, const cw_slice *f, int ncols, const char *raw, size_t raw_len,
                const char *why)
{
	loader *L = ctx;
	int table = L->table;
	tab *t = &L->t[table];
	int32_t key = cw_row_dated(table) ? CW_CS_ANY : CW_CS_DIM;
	cw_minute from = 0, to = 0;
	int known = f && cw_row_span(table, f, &from, &to);
	if (known && table != CW_T_VISITS) {
		key = cw_cs_key_of(cw_month_of(from));
		if (month_seen(L, key) < 0)
			return oom();
	}
	int rc = add_row(t, line, key);
	if (rc < 0)
		return rc;
	if (known && table == CW_T_VISITS) {
		t->from[t->n - 1] = from;
		t->to[t->n - 1] = to;
	}
	t->blob[t->n - 1] = t->len;
	if (!f) {
		if ((rc = put_u32(t, UINT32_MAX)) < 0 || (rc = put_bytes(t, raw, raw_len)) < 0 ||
		    (rc = put_bytes(t, why, strlen(why))) < 0)
			return rc;
		return 0;
	}
	if ((rc = put_u32(t, (uint32_t)ncols)) < 0)
		return rc;
	for (int i = 0; i < ncols && rc == 0; i++)
		rc = f[i].ptr ? put_bytes(t, f[i].ptr, f[i].len) : put_u32(t, UINT32_MAX);
	return rc;
}

/* --- placing rows ----------------------------------------------------------------------------- */

static int add_pair(loader *L, int32_t key, size_t row, int home)
{
	if (L->npairs == L->pcap) {
		size_t cap = L->pcap ? L->pcap * 2 : 65536;
		void *p = realloc(L->pairs, cap * sizeof *L->pairs);
		if (!p)
			return oom();
		L->pairs = p;
		L->pcap = cap;
	}
	L->pairs[L->npairs++] = (pair){ key, (uint32_t)row, (uint8_t)home };
	return 0;
}

/* Field col of row r's blob, or len SIZE_MAX when the record was not split. */
static cw_slice field_of(const tab *t, size_t r, int col)
{
	cw_cs_blob b;
	cw_slice none = { NULL, SIZE_MAX };
	if (cw_cs_blob_decode(&b, t->arena, t->len, t->blob[r]) < 0 || !b.split || col >= b.ncols)
		return none;
	return b.f[col];
}

/* An index of a table's rows by one field: open addressing, slots hold row + 1. */
typedef struct idx {
	const tab *t;
	int col;
	uint32_t *slot;
	size_t mask;
} idx;

static int idx_init(idx *x, const tab *t, int col)
{
	size_t cap = 16;
	while (cap < t->n * 2)
		cap *= 2;
	*x = (idx){ t, col, calloc(cap, sizeof *x->slot), cap - 1 };
	return x->slot ? 0 : oom();
}

/* The slot of key s: its row + 1, or 0 (and where to put it). */
static uint32_t *idx_find(const idx *x, cw_slice s)
{
	size_t i = cw_hash(s.ptr, s.len) & x->mask;
	for (;; i = (i + 1) & x->mask) {
		uint32_t *p = &x->slot[i];
		if (!*p)
			return p;
		cw_slice k = field_of(x->t, *p - 1, x->col);
		if (k.len == s.len && memcmp(k.ptr, s.ptr, s.len) == 0)
			return p;
	}
}

static int32_t key_at(cw_minute t) { return cw_cs_key_of(cw_month_of(t)); }

/* Visits: the months of their stay; `any` for an open or unreadable stay or a repeated visit_id. Then
 * the months of the claim lines and prescriptions that name a visit outside its stay. */
static int place_visits(loader *L, idx *vx)
{
	tab *v = &L->t[CW_T_VISITS];
	uint8_t *dup = calloc(v->n + 1, 1);
	int rc = dup ? idx_init(vx, v, 0) : oom();
	for (size_t r = 0; r < v->n && rc == 0; r++) {
		cw_slice id = field_of(v, r, 0);
		if (id.len == SIZE_MAX || !id.len)
			continue;
		uint32_t *p = idx_find(vx, id);
		if (*p)
			dup[*p - 1] = dup[r] = 1;
		else
			*p = (uint32_t)r + 1;
	}
	for (size_t r = 0; r < v->n && rc == 0; r++) {
		int open = v->to[r] == INT32_MAX || (!v->from[r] && !v->to[r]);
		if (dup[r] || open) {
			v->key[r] = CW_CS_ANY;
			rc = add_pair(L, CW_CS_ANY, r, 1);
			continue;
		}
		int32_t a = key_at(v->from[r]), b = v->to[r] > v->from[r] ? key_at(v->to[r] - 1) : a;
		if (b - a > 1200)
			b = a; /* a stay of a century: its admission month (and the lines' months below) */
		v->key[r] = a;
		for (int32_t k = a; k <= b && rc == 0; k++)
			rc = add_pair(L, k, r, k == a);
	}
	/* a visit named by a line of a month outside its stay */
	static const int vcol[2][2] = { { CW_T_CLAIMS, 1 }, { CW_T_PRESCRIPTIONS, 2 } };
	for (int k = 0; k < 2 && rc == 0; k++) {
		tab *t = &L->t[vcol[k][0]];
		for (size_t r = 0; r < t->n && rc == 0; r++) {
			if (t->key[r] < 0)
				continue;
			cw_slice id = field_of(t, r, vcol[k][1]);
			uint32_t *p = id.len == SIZE_MAX || !id.len ? NULL : idx_find(vx, id);
			if (!p || !*p || dup[*p - 1] || v->key[*p - 1] == CW_CS_ANY)
				continue;
			size_t vr = *p - 1;
			int32_t a = key_at(v->from[vr]), b = v->to[vr] > v->from[vr] ? key_at(v->to[vr] - 1) : a;
			if (t->key[r] < a || t->key[r] > b)
				rc = add_pair(L, t->key[r], vr, 0);
		}
	}
	free(dup);
	return rc;
}

/* Exam results: the month of their claim line; `any` when it is unknown or in several months. */
static int place_results(loader *L)
{
	tab *c = &L->t[CW_T_CLAIMS], *res = &L->t[CW_T_RESULTS];
	idx cx;
	int rc = idx_init(&cx, c, 0);
	for (size_t r = 0; r < c->n && rc == 0; r++) {
		cw_slice id = field_of(c, r, 0);
		if (id.len == SIZE_MAX || !id.len)
			continue;
		uint32_t *p = idx_find(&cx, id);
		if (!*p)
			*p = (uint32_t)r + 1;
		else if (c->key[*p - 1] != c->key[r])
			c->key[*p - 1] = CW_CS_ANY - 100; /* a line id in several months: its results go to any (the lines
			                                     were written already) */
	}
	for (size_t r = 0; r < res->n && rc == 0; r++) {
		cw_slice id = field_of(res, r, 0);
		uint32_t *p = id.len == SIZE_MAX || !id.len ? NULL : idx_find(&cx, id);
		int32_t key = p && *p && c->key[*p - 1] >= 0 ? c->key[*p - 1] : CW_CS_ANY;
		res->key[r] = key;
		rc = add_pair(L, key, r, 1);
	}
	free(cx.slot);
	return rc;
}

static int cmp_pair(const void *a, const void *b)
{
	const pair *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/* --- writing ------------------------------------------------------------------------------------ */

/* Writes len bytes to path (created or emptied); fsync'd when sync. */
static int write_file(const char *path, const void *data, size_t len, int sync);

int cw_cs_write_file(const char *path, const void *data, size_t len) { return write_file(path, data, len, 1); }

static int write_file(const char *path, const void *data, size_t len, int sync)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return cw_error_set(CW_EIO, "cannot create %s: %s", path, strerror(errno));
	const char *p = data;
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;
			close(fd);
			unlink(path);
			return cw_error_set(CW_EIO, "cannot write %s: %s", path, n < 0 ? strerror(e) : "short write");
		}
		done += (size_t)n;
	}
	if (sync && fsync(fd) != 0 && errno != EINVAL && errno != EROFS) {
		int e = errno;
		close(fd);
		return cw_error_set(CW_EIO, "cannot sync %s: %s", path, strerror(e));
	}
	if (close(fd) != 0)
		return cw_error_set(CW_EIO, "cannot close %s: %s", path, strerror(errno));
	return 0;
}

static int write_named(loader *L, cw_cs_file *f, const char *name, const void *data, size_t len)
{
	char path[4096];
	if (L->fault >= 0 && L->files >= L->fault)
		raise(SIGKILL); /* the fault tests: a load killed while writing the store */
	L->files++;
	snprintf(f->name, sizeof f->name, "%s", name);
	f->size = len;
	f->sum = cw_cs_checksum(data, len);
	if ((size_t)snprintf(path, sizeof path, "%s/%s", L->path, name) >= sizeof path)
		return cw_error_set(CW_EINVALID, "%s: path too long", L->path);
	return write_file(path, data, len, 0); /* synced together before the catalogue (sync_all) */
}

/* Every file of the new load to disk, then the folder, before the catalogue names them: one pass of
 * fsync after all are written lets the kernel write them together (one fsync each as they were
 * written cost a second a load here). */
static int sync_all(loader *L)
{
	char path[4096];
	for (size_t i = 0; i <= L->cat.nparts; i++) {
		const cw_cs_part *p = i < L->cat.nparts ? &L->cat.parts[i] : NULL;
		if (p ? p->load != L->id : !L->new_budgets)
			continue;
		for (int k = 0; k < (p ? 3 : 1); k++) {
			const cw_cs_file *f = !p ? &L->cat.budgets : k == 2 ? &p->text : k ? &p->heap : &p->col;
			snprintf(path, sizeof path, "%s/%s", L->path, f->name);
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL && errno != EROFS)) {
				int rc = cw_error_set(CW_EIO, "cannot sync %s: %s", path, strerror(errno));
				if (fd >= 0)
					close(fd);
				return rc;
			}
			close(fd);
		}
	}
	int fd = open(L->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	return 0;
}

typedef struct heap { char *p; size_t len, cap; } heap;

static int heap_add(heap *h, const void *s, size_t n, uint32_t *at)
{
	if (h->len + n > UINT32_MAX - 1)
		return cw_error_set(CW_EINVALID, "a partition's strings pass 4 GiB: load fewer months at once");
	if (cw_grow((void **)&h->p, &h->cap, h->len + n, 1) < 0)
		return oom();
	memcpy(h->p + h->len, s, n);
	*at = (uint32_t)h->len;
	h->len += n;
	return 0;
}

/* The typed columns of row i from its blob; untyped (status 0) when the fields do not type. */
static int put_typed(loader *L, const cw_cs_layout *lay, unsigned char *col, size_t i, const cw_cs_blob *b,
                     cw_cs_part *part, int home, heap *h)
{
	cw_row_any x;
	cw_rowerr err;
	int table = part->table;
	int rc = cw_row_type(&x, &err, table, b->f, &L->rb);
	if (rc == CW_ENOMEM)
		return rc;
	col[lay->off[2] + i] = rc == 0 ? CW_CS_TYPED : CW_CS_UNTYPED;
	if (rc == 0 && table <= CW_T_VISITS && (table != CW_T_VISITS || home)) {
		/* a visit outside a run's window is counted as loaded when the builder takes it */
		int taken = cw_row_add_typed(&err, L->probe, table, &x);
		if (taken == CW_ENOMEM)
			return taken;
		part->valid += table == CW_T_VISITS && taken == 0;
	}
	for (int c = CW_CS_ROWCOLS; c < lay->ncols; c++) {
		const char *src = (const char *)&x + lay->field[c];
		unsigned char *dst = col + lay->off[c];
		if (lay->kind[c] == CW_CS_STR) {
			const char *s = NULL;
			uint32_t at = UINT32_MAX;
			if (rc == 0)
				memcpy(&s, src, sizeof s);
			if (s && heap_add(h, s, strlen(s) + 1, &at) < 0)
				return CW_ENOMEM;
			memcpy(dst + 4 * i, &at, 4);
		} else if (lay->kind[c] == CW_CS_I32) {
			int32_t v = 0;
			if (rc == 0)
				memcpy(&v, src, 4);
			memcpy(dst + 4 * i, &v, 4);
		} else {
			int64_t v = 0;
			if (rc == 0)
				memcpy(&v, src, 8);
			memcpy(dst + 8 * i, &v, 8);
		}
	}
	return 0;
}

/* One partition: pairs [a, b) of one table and key. */
static int write_part(loader *L, int table, const pair *a, const pair *b)
{
	tab *t = &L->t[table];
	uint64_t rows = (uint64_t)(b - a);
	cw_cs_layout lay;
	int rc = cw_cs_layout_of(&lay, table, rows);
	if (rc < 0)
		return rc;
	unsigned char *col = calloc(1, lay.size ? lay.size : 1);
	heap h = { 0 }, tx = { 0 }; /* the strings; the records' text */
	uint32_t at = 0;
	if (!col || heap_add(&h, "", 1, &at) < 0) {
		free(col);
		free(h.p);
		return oom();
	}
	cw_cs_part part = { .table = table, .key = a->key, .load = L->id, .rows = rows };
	for (uint64_t i = 0; i < rows && rc == 0; i++) {
		size_t r = a[i].row;
		uint64_t seq = (uint64_t)L->id << 40 | t->line[r];
		part.home += a[i].home;
		memcpy(col + lay.off[0] + 8 * i, &seq, 8);
		cw_cs_blob bl;
		size_t end = r + 1 < t->n ? t->blob[r + 1] : t->len;
		if ((rc = cw_cs_blob_decode(&bl, t->arena, t->len, t->blob[r])) < 0 ||
		    (rc = heap_add(&tx, t->arena + t->blob[r], end - t->blob[r], &at)) < 0)
			break;
		memcpy(col + lay.off[1] + 4 * i, &at, 4);
		memcpy(col + lay.off[3] + 4 * i, &t->key[r], 4);
		if (!bl.split)
			col[lay.off[2] + i] = CW_CS_UNSPLIT;
		else
			rc = put_typed(L, &lay, col, (size_t)i, &bl, &part, a[i].home, &h);
	}
	if (rc == 0)
		rc = heap_add(&h, "", 1, &at); /* the heap ends with a NUL: every string in it ends */
	char name[80], k[8];
	cw_cs_key_name(k, part.key);
	snprintf(name, sizeof name, "%s.%s.%u.col", cw_table_name(table), k, L->id);
	if (rc == 0)
		rc = write_named(L, &part.col, name, col, lay.size);
	snprintf(name, sizeof name, "%s.%s.%u.heap", cw_table_name(table), k, L->id);
	if (rc == 0)
		rc = write_named(L, &part.heap, name, h.p, h.len);
	snprintf(name, sizeof name, "%s.%s.%u.text", cw_table_name(table), k, L->id);
	if (rc == 0)
		rc = write_named(L, &part.text, name, tx.p ? tx.p : "", tx.len);
	free(col);
	free(h.p);
	free(tx.p);
	if (rc < 0)
		return rc;
	void *grown = realloc(L->cat.parts, (L->cat.nparts + 1) * sizeof *L->cat.parts);
	if (!grown)
		return oom();
	L->cat.parts = grown;
	L->cat.parts[L->cat.nparts++] = part;
	return 0;
}

/* A table's rows placed (pairs), sorted by partition and source order, each partition written. */
static int write_table(loader *L, int table)
{
	tab *t = &L->t[table];
	idx vx = { 0 };
	int rc = 0;
	L->npairs = 0;
	if (table == CW_T_VISITS)
		rc = place_visits(L, &vx);
	else if (table == CW_T_RESULTS)
		rc = place_results(L);
	else
		for (size_t r = 0; r < t->n && rc == 0; r++)
			rc = add_pair(L, t->key[r], r, 1);
	free(vx.slot);
	if (rc < 0)
		return rc;
	qsort(L->pairs, L->npairs, sizeof *L->pairs, cmp_pair);
	size_t n = 0; /* a visit named by several lines of a month: once */
	for (size_t i = 0; i < L->npairs; i++)
		if (n && L->pairs[n - 1].key == L->pairs[i].key && L->pairs[n - 1].row == L->pairs[i].row)
			L->pairs[n - 1].home |= L->pairs[i].home;
		else
			L->pairs[n++] = L->pairs[i];
	for (size_t a = 0, b; a < n && rc == 0; a = b) {
		for (b = a + 1; b < n && L->pairs[b].key == L->pairs[a].key; b++)
			;
		rc = write_part(L, table, L->pairs + a, L->pairs + b);
	}
	return rc;
}

/* --- the catalogue ------------------------------------------------------------------------------ */

static int has_month(const cw_cs_load *l, int32_t key)
{
	for (int i = 0; i < l->nmonths; i++)
		if (l->months[i] == key)
			return 1;
	return 0;
}

static const cw_cs_load *load_of(const cw_cs_catalog *c, uint32_t id)
{
	for (size_t i = 0; i < c->nloads; i++)
		if (c->loads[i].id == id)
			return &c->loads[i];
	return NULL;
}

/* An earlier load all of whose months later loads replaced: nothing of it is read any more. */
static int superseded(const cw_cs_catalog *c, const cw_cs_load *l)
{
	for (int i = 0; i < l->nmonths; i++) {
		int found = 0;
		for (size_t j = 0; j < c->nloads && !found; j++)
			found = c->loads[j].id > l->id && has_month(&c->loads[j], l->months[i]);
		if (!found)
			return 0;
	}
	return 1;
}

/* The earlier catalogue's partitions that stay: not of a table without dates (the new load's replace
 * them), not of one of the new load's months, not of a superseded load. */
static int keep_old(loader *L, const cw_cs_catalog *old, const cw_cs_load *now)
{
	cw_cs_catalog *c = &L->cat;
	for (size_t i = 0; i < old->nloads; i++) {
		void *g = realloc(c->loads, (c->nloads + 1) * sizeof *c->loads);
		if (!g)
			return oom();
		c->loads = g;
		c->loads[c->nloads] = old->loads[i];
		c->loads[c->nloads].months = NULL;
		if (old->loads[i].nmonths) {
			size_t sz = (size_t)old->loads[i].nmonths * sizeof(int32_t);
			if (!(c->loads[c->nloads].months = malloc(sz)))
				return oom();
			memcpy(c->loads[c->nloads].months, old->loads[i].months, sz);
		}
		c->nloads++;
	}
	void *g = realloc(c->loads, (c->nloads + 1) * sizeof *c->loads);
	if (!g)
		return oom();
	c->loads = g;
	c->loads[c->nloads++] = *now;
	L->months = NULL; /* the catalogue's now */
	c->has_budgets = old->has_budgets; /* unless this load has its own (keep_budgets) */
	c->budgets = old->budgets;
	for (size_t i = 0; i < old->nparts; i++) {
		const cw_cs_part *p = &old->parts[i];
		const cw_cs_load *l = load_of(c, p->load);
		if (p->key == CW_CS_DIM || (p->key >= 0 && has_month(now, p->key)) || !l || superseded(c, l))
			continue;
		g = realloc(c->parts, (c->nparts + 1) * sizeof *c->parts);
		if (!g)
			return oom();
		c->parts = g;
		c->parts[c->nparts++] = *p;
	}
	/* loads no partition names any more are forgotten */
	size_t n = 0;
	for (size_t i = 0; i < c->nloads; i++) {
		int used = 0;
		for (size_t j = 0; j < c->nparts && !used; j++)
			used = c->parts[j].load == c->loads[i].id;
		if (used || c->loads[i].id == now->id)
			c->loads[n++] = c->loads[i];
		else
			free(c->loads[i].months);
	}
	c->nloads = n;
	return 0;
}

/* Removes the store's files that the catalogue does not name (earlier loads', a killed load's, month
 * images of an earlier state). */
void cw_cs_remove_unnamed(const char *path, const cw_cs_catalog *c)
{
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		int ours = (n > 4 && !strcmp(e->d_name + n - 4, ".col")) || (n > 5 && !strcmp(e->d_name + n - 5, ".heap")) ||
		           (n > 5 && !strcmp(e->d_name + n - 5, ".text")) || (n > 4 && !strcmp(e->d_name + n - 4, ".img")) ||
		           (n > 12 && !strncmp(e->d_name, "budgets.", 8) && !strcmp(e->d_name + n - 4, ".csv"));
		if (ours && c->has_budgets && !strcmp(c->budgets.name, e->d_name))
			ours = 0;
		for (size_t i = 0; i < c->nparts && ours; i++)
			ours = strcmp(c->parts[i].col.name, e->d_name) && strcmp(c->parts[i].heap.name, e->d_name) &&
			       strcmp(c->parts[i].text.name, e->d_name);
		for (size_t i = 0; i < c->nimages && ours; i++)
			ours = strcmp(c->images[i].file.name, e->d_name) != 0;
		if (ours) {
			char p[4096];
			if ((size_t)snprintf(p, sizeof p, "%s/%s", path, e->d_name) < sizeof p)
				unlink(p);
		}
	}
	closedir(d);
}

static void loader_free(loader *L)
{
	for (int t = 0; t < CW_T_COUNT; t++) {
		tab *x = &L->t[t];
		free(x->arena), free(x->line), free(x->blob), free(x->key), free(x->from), free(x->to);
	}
	free(L->pairs);
	free(L->months);
	cw_rowbuf_free(&L->rb);
	cw_cs_catalog_free(&L->cat);
	cw_builder_free(L->probe);
}

/* Reads every table of the source into L; the reject file only serves the CSV reader's header checks. */
static int read_source(loader *L, const cw_cs_source *src, cw_load_stats *st)
{
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof tmp, "%s/.load-rejects.tmp", L->path) >= sizeof tmp)
		return cw_error_set(CW_EINVALID, "%s: path too long", L->path);
	cw_rejects *rj;
	int rc = cw_rejects_open(&rj, tmp);
	if (rc < 0)
		return rc;
	unlink(tmp);
	cw_load_opts lo = { .month = { 2000, 1 }, .rejects = rj, .threads = src->threads };
	memset(st, 0, sizeof *st);
	for (int t = 0; t < CW_T_COUNT && rc == 0; t++) {
		L->table = t;
		rc = src->read(src->ctx, t, &lo, st, take, L, &L->t[t].unknown);
	}
	int rc2 = cw_rejects_close(rj);
	return rc < 0 ? rc : rc2;
}

/* DIR/budgets.csv, when there is one, checked as a run reads it: its text in *out (malloc'd, *len bytes),
 * or *out NULL when there is none. */
static int csv_budgets(void *ctx, char **out, size_t *len_out)
{
	const char *dir = ctx;
	char path[4096];
	*out = NULL;
	*len_out = 0;
	if ((size_t)snprintf(path, sizeof path, "%s/budgets.csv", dir) >= sizeof path)
		return cw_error_set(CW_EINVALID, "%s: path too long", dir);
	cw_budget_table t = { 0 };
	int rc = cw_budgets_read(&t, path);
	cw_budgets_free(&t);
	if (rc == CW_ENOTFOUND) {
		cw_error_clear();
		return 0;
	}
	if (rc < 0)
		return rc;
	FILE *f = fopen(path, "rb");
	if (!f)
		return cw_error_set(CW_EIO, "%s: %s", path, strerror(errno));
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	do {
		if (cw_grow((void **)&buf, &cap, len + 65536, 1) < 0) {
			rc = oom();
			break;
		}
		len += n = fread(buf + len, 1, 65536, f);
	} while (n > 0);
	if (rc == 0 && ferror(f))
		rc = cw_error_set(CW_EIO, "%s: read error", path);
	fclose(f);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	if (!buf && !(buf = malloc(1)))
		return oom();
	*out = buf;
	*len_out = len;
	return 0;
}

/* The source's budgets, when it has them, kept as they were read. */
static int keep_budgets(loader *L, const cw_cs_source *src)
{
	char name[64], *buf;
	size_t len;
	if (!src->budgets)
		return 0;
	int rc = src->budgets(src->ctx, &buf, &len);
	if (rc < 0 || !buf)
		return rc;
	snprintf(name, sizeof name, "budgets.%u.csv", L->id);
	if ((rc = write_named(L, &L->cat.budgets, name, buf, len)) == 0)
		L->cat.has_budgets = L->new_budgets = 1;
	free(buf);
	return rc;
}

int cw_cs_load_source(cw_cs_load_report *rep, const cw_cs_source *src, const char *path)
{
	loader L = { .path = path, .fault = -1 };
	cw_cs_catalog old = { 0 };
	memset(rep, 0, sizeof *rep);
	const char *fault = getenv("CLAIMWATCH_STORE_FAULT");
	if (fault && *fault && strcmp(fault, "image")) /* "image": store_image.c's */
		L.fault = atol(fault);
	int rc = cw_builder_new(&L.probe, (cw_month){ 2000, 1 }, 0);
	if (rc == 0)
		rc = cw_mkdirs(path, 0700);
	if (rc == 0 && (rc = cw_cs_catalog_read(&old, path)) == CW_ENOTFOUND)
		rc = 0;
	uint32_t id = 0;
	for (size_t i = 0; rc == 0 && i < old.nloads; i++)
		if (old.loads[i].id > id)
			id = old.loads[i].id;
	L.id = id + 1;
	if (rc == 0 && L.id >= (1u << 23))
		rc = cw_error_set(CW_EINVALID, "%s: too many loads; load the data into a new store", path);
	cw_load_stats st;
	if (rc == 0)
		rc = read_source(&L, src, &st);
	if (rc == 0)
		qsort(L.months, (size_t)L.nmonths, sizeof *L.months, cw_cs_key_cmp);
	cw_cs_load now = { .id = L.id, .nmonths = L.nmonths, .months = L.months };
	for (int t = 0; t < CW_T_COUNT; t++) {
		snprintf(now.file[t], sizeof now.file[t], "%s%s", cw_table_name(t), src->file_ext);
		now.unknown[t] = (uint32_t)L.t[t].unknown;
	}
	if (rc == 0)
		rc = keep_old(&L, &old, &now);
	if (rc == 0)
		rc = keep_budgets(&L, src);
	for (int t = 0; t < CW_T_COUNT && rc == 0; t++) {
		rc = write_table(&L, t);
		rep->rows += L.t[t].n;
		rep->bytes += L.t[t].len;
	}
	if (rc == 0)
		rc = sync_all(&L);
	if (rc == 0 && L.fault >= 0)
		raise(SIGKILL); /* killed before the catalogue (a fault past the files) */
	if (rc == 0)
		rc = cw_cs_catalog_write(path, &L.cat);
	if (rc == 0) {
		cw_cs_remove_unnamed(path, &L.cat);
		rep->nparts = (int)L.cat.nparts;
		rep->nmonths = now.nmonths;
		rep->load = L.id;
	}
	cw_cs_catalog_free(&old);
	loader_free(&L);
	return rc;
}

/* The CSV source: DIR/<table>.csv through the CSV source's reader. */
static int csv_read(void *ctx, int table, const cw_load_opts *lo, cw_load_stats *st, cw_record_sink sink,
                    void *sink_ctx, size_t *unknown)
{
	return cw_load_csv_records(ctx, table, lo, st, sink, sink_ctx, unknown);
}

int cw_cs_load_csv(cw_cs_load_report *rep, const char *dir, const char *path, int threads)
{
	cw_cs_source src = { .read = csv_read, .budgets = csv_budgets, .ctx = (void *)dir, .file_ext = ".csv",
	                     .threads = threads };
	return cw_cs_load_source(rep, &src, path);
}
