/* store_read.c: a month from the columnar store (docs/store.md), as `claimwatch run --store PATH`
 * reads it.
 *
 * The catalogue says which partitions hold the window's rows: the month's and its look-back's, `any`
 * and the tables without dates. Each is mapped (mmap) and checked against the catalogue before a byte
 * of it is used: its size, its checksum, the layout its rows take, the heap's final NUL; a string's
 * offset is checked as it is read. A table's partitions are merged back into the source's order (the
 * seq column: the load, then the record's line; a row copied into several months comes once) and fed
 * to the same cw_builder the CSV source feeds, a rejected row written through cw_load_reject with its
 * text as read, so the dataset, the counts and the reject file are the CSV folder's. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "source/budgets.h"
#include "source/load_table.h"
#include "store/colstore.h"
#include "util/progress.h"

int cw_cs_map_sized(unsigned char **out, const char *path, const cw_cs_file *f, int prot, int flags)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cw_error_set(errno == ENOENT ? CW_ENOTFOUND : CW_EIO, "%s: %s (the store's catalogue names it; "
		                    "the store is refused: load it again)", path, strerror(errno));
	struct stat st;
	int rc = 0;
	if (fstat(fd, &st) != 0)
		rc = cw_error_set(CW_EIO, "%s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size != f->size)
		rc = cw_error_set(CW_EINVALID, "%s: %lld bytes where the store's catalogue says %llu (truncated or "
		                  "changed: the store is refused, load it again)", path, (long long)st.st_size,
		                  (unsigned long long)f->size);
	void *p = NULL;
	if (rc == 0 && f->size) {
		p = mmap(NULL, f->size, prot, MAP_PRIVATE | flags, fd, 0);
		if (p == MAP_FAILED) {
			p = NULL;
			rc = cw_error_set(CW_EIO, "%s: cannot map it: %s", path, strerror(errno));
		}
	}
	close(fd);
	*out = p;
	return rc;
}

/* Maps dir/f, checked against the catalogue's size and, when check, its checksum (read at once). */
static int map_file_as(const unsigned char **out, const char *dir, const cw_cs_file *f, int check)
{
	char path[4096];
	*out = NULL;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, f->name) >= sizeof path)
		return cw_error_set(CW_EINVALID, "%s: path too long", dir);
	unsigned char *p;
	int rc = cw_cs_map_sized(&p, path, f, PROT_READ, check ? MAP_POPULATE : 0);
	if (rc == 0 && check && cw_cs_checksum(p ? (const void *)p : "", f->size) != f->sum)
		rc = cw_error_set(CW_EINVALID, "%s: does not match its checksum in the store's catalogue (damaged or "
		                  "changed: the store is refused, load it again)", path);
	if (rc < 0 && p)
		munmap(p, f->size);
	*out = rc == 0 ? p : NULL;
	return rc;
}

static int map_file(const unsigned char **out, const char *dir, const cw_cs_file *f)
{
	return map_file_as(out, dir, f, 1);
}

int cw_cs_map_text(cw_cs_map *m)
{
	if (m->text_checked)
		return 0;
	if (cw_cs_checksum(m->text ? m->text : "", m->text_size) != m->part->text.sum)
		return cw_error_set(CW_EINVALID, "%s: does not match its checksum in the store's catalogue (damaged or "
		                    "changed: the store is refused, load it again)", m->text_path);
	m->text_checked = 1;
	return 0;
}

void cw_cs_map_close(cw_cs_map *m)
{
	if (m->col && m->col_size)
		munmap((void *)m->col, m->col_size);
	if (m->heap && m->heap_size)
		munmap((void *)m->heap, m->heap_size);
	if (m->text && m->text_size)
		munmap((void *)m->text, m->text_size);
	memset(m, 0, sizeof *m);
}

int cw_cs_map_check(cw_cs_map *m, const char *name)
{
	const cw_cs_part *p = m->part;
	int rc = cw_cs_layout_of(&m->lay, p->table, p->rows);
	if (rc < 0)
		return cw_error_wrap(rc, "%s", name);
	if (m->col_size != m->lay.size)
		return cw_error_set(CW_EINVALID, "%s: a column file of %llu bytes where %llu rows of %s take %llu",
		                    name, (unsigned long long)m->col_size, (unsigned long long)p->rows,
		                    cw_table_name(p->table), (unsigned long long)m->lay.size);
	if (!m->heap_size || m->heap[m->heap_size - 1])
		return cw_error_set(CW_EINVALID, "%s: the string heap does not end with a NUL byte", name);
	return 0;
}

int cw_cs_map_open(cw_cs_map *m, const char *dir, const cw_cs_part *part)
{
	memset(m, 0, sizeof *m);
	m->part = part;
	int rc = map_file(&m->col, dir, &part->col);
	m->col_size = m->col ? part->col.size : 0;
	if (rc == 0) {
		const unsigned char *h;
		rc = map_file(&h, dir, &part->heap);
		m->heap = (const char *)h;
		m->heap_size = h ? part->heap.size : 0;
	}
	if (rc == 0) { /* the text: its size now, its checksum when a rejected row needs it */
		const unsigned char *t;
		rc = map_file_as(&t, dir, &part->text, 0);
		m->text = (const char *)t;
		m->text_size = t ? part->text.size : 0;
		snprintf(m->text_path, sizeof m->text_path, "%s/%s", dir, part->text.name);
	}
	if (rc == 0) {
		char name[4200];
		snprintf(name, sizeof name, "%s/%s", dir, part->col.name);
		rc = cw_cs_map_check(m, name);
	}
	if (rc < 0)
		cw_cs_map_close(m);
	return rc;
}

uint64_t cw_cs_map_seq(const cw_cs_map *m, uint64_t r)
{
	uint64_t v;
	memcpy(&v, m->col + m->lay.off[0] + 8 * r, 8);
	return v;
}

uint32_t cw_cs_map_blob(const cw_cs_map *m, uint64_t r)
{
	uint32_t v;
	memcpy(&v, m->col + m->lay.off[1] + 4 * r, 4);
	return v;
}

int cw_cs_map_status(const cw_cs_map *m, uint64_t r) { return m->col[m->lay.off[2] + r]; }

int32_t cw_cs_map_home(const cw_cs_map *m, uint64_t r)
{
	int32_t v;
	memcpy(&v, m->col + m->lay.off[3] + 4 * r, 4);
	return v;
}

int cw_cs_map_row(cw_row_any *out, const cw_cs_map *m, uint64_t r)
{
	const cw_cs_layout *lay = &m->lay;
	for (int c = CW_CS_ROWCOLS; c < lay->ncols; c++) {
		char *dst = (char *)out + lay->field[c];
		const unsigned char *src = m->col + lay->off[c];
		if (lay->kind[c] == CW_CS_STR) {
			uint32_t at;
			memcpy(&at, src + 4 * r, 4);
			if (at != UINT32_MAX && at >= m->heap_size)
				return cw_error_set(CW_EINVALID, "%s: a string of row %llu past the heap's end",
				                    m->part->col.name, (unsigned long long)r);
			const char *s = at == UINT32_MAX ? NULL : m->heap + at;
			memcpy(dst, &s, sizeof s);
		} else
			memcpy(dst, src + (lay->kind[c] == CW_CS_I32 ? 4 : 8) * r, lay->kind[c] == CW_CS_I32 ? 4 : 8);
	}
	return 0;
}

int cw_cs_budgets_read(struct cw_budget_table *t, const char *path)
{
	cw_cs_catalog cat;
	memset(t, 0, sizeof *t);
	int rc = cw_cs_catalog_read(&cat, path);
	if (rc < 0 || !cat.has_budgets) {
		cw_cs_catalog_free(&cat);
		return rc;
	}
	const unsigned char *p;
	if ((rc = map_file(&p, path, &cat.budgets)) == 0) {
		char file[4200];
		if (p)
			munmap((void *)p, cat.budgets.size);
		snprintf(file, sizeof file, "%s/%s", path, cat.budgets.name);
		rc = cw_budgets_read(t, file);
	}
	cw_cs_catalog_free(&cat);
	return rc;
}

/* --- feeding a month ---------------------------------------------------------------------------- */

typedef struct feed {
	cw_builder *b;
	const cw_load_opts *opts;
	cw_load_stats *st;
	cw_rowbuf rb;
	const char *file; /* the table's file in the reject file */
	int32_t first, last; /* the window's partition keys */
	uint64_t outside;    /* visits taken whose home partition is outside the window */
} feed;

/* A row the builder took (rc 0) or left (CW_SKIP): counted as the CSV source counts it. A visit whose
 * home partition is outside the window is counted there (cw_cs_part.valid) instead. */
static void taken(feed *F, const cw_cs_map *m, uint64_t r, int rc)
{
	int table = m->part->table;
	if (rc)
		return;
	F->st->table[table].loaded++;
	int32_t home = cw_cs_map_home(m, r);
	if (table == CW_T_VISITS && home >= 0 && (home < F->first || home > F->last))
		F->outside++;
}

static int damaged(const cw_cs_map *m, uint64_t r)
{
	return cw_error_set(CW_EINVALID, "%s: row %llu: %s (the store is refused: load it again)", m->part->col.name,
	                    (unsigned long long)r, cw_error_last());
}

/* Row r of m, a row of the source's line `line`, through the builder as take_record (load_csv.c) does. */
static int feed_row(feed *F, const cw_cs_map *m, uint64_t r, uint64_t line)
{
	int table = m->part->table;
	cw_table_stats *st = &F->st->table[table];
	int status = cw_cs_map_status(m, r);
	cw_cs_blob bl;
	cw_rowerr err = { 0 };
	cw_row_any x;
	int rc = 0;
	if (status == CW_CS_TYPED) {
		if (cw_cs_map_row(&x, m, r) < 0)
			return damaged(m, r);
		rc = cw_row_add_typed(&err, F->b, table, &x);
		if (rc == 0 || rc == CW_SKIP) {
			taken(F, m, r, rc);
			return 0;
		}
	}
	if (cw_cs_map_text((cw_cs_map *)m) < 0)
		return CW_EINVALID;
	if (cw_cs_blob_decode(&bl, m->text, m->text_size, cw_cs_map_blob(m, r)) < 0)
		return damaged(m, r);
	if (status == CW_CS_UNSPLIT) {
		char why[512];
		if (bl.split)
			return cw_error_set(CW_EINVALID, "%s: row %llu: not the record it says", m->part->col.name,
			                    (unsigned long long)r);
		snprintf(why, sizeof why, "%.*s", (int)bl.why_len, bl.why);
		cw_reject rj = { table, F->file, line, NULL, NULL, why, bl.raw, bl.raw_len };
		return cw_load_reject(F->b, F->opts->rejects, st, &rj);
	}
	if (!bl.split || bl.ncols != cw_row_schema_of(table)->ncols || status > CW_CS_UNSPLIT)
		return cw_error_set(CW_EINVALID, "%s: row %llu: not the record it says", m->part->col.name,
		                    (unsigned long long)r);
	if (status == CW_CS_UNTYPED) { /* typed as the CSV source types it, for the same reason */
		rc = cw_row_add(&err, F->b, table, bl.f, &F->rb);
		if (rc == 0 || rc == CW_SKIP) {
			taken(F, m, r, rc);
			return 0;
		}
	}
	if (rc != CW_EINVALID)
		return cw_error_wrap(rc, "%s: line %llu", F->file, (unsigned long long)line);
	cw_reject rj = { table, F->file, line, bl.f, err.column, err.reason, NULL, 0 };
	return cw_load_reject(F->b, F->opts->rejects, st, &rj);
}

/* Rows fed in batches: the large tables' typed rows are resolved together after two rounds of prefetches
 * over the batch, then committed in order with a prefetch ahead, as load_par.c feeds the builder, so the
 * cache misses of a batch overlap (resolving needs only the tables before; a duplicate key is found at
 * commit, in order). The other rows go through feed_row. */
enum { BATCH = 64, AHEAD = 8 };
typedef struct pend {
	const cw_cs_map *m;
	uint64_t r, line;
	int rc; /* of resolve; 1 when the row goes through feed_row */
	cw_row_any x;
	cw_row_res res;
	cw_rowerr err;
} pend;

/* A row resolved or committed with err: taken, or rejected with its text. */
static int settle(feed *F, pend *p, int rc)
{
	if (rc == 0 || rc == CW_SKIP) {
		taken(F, p->m, p->r, rc);
		return 0;
	}
	int table = p->m->part->table;
	if (rc != CW_EINVALID)
		return cw_error_wrap(rc, "%s: line %llu", F->file, (unsigned long long)p->line);
	cw_cs_blob bl;
	if (cw_cs_map_text((cw_cs_map *)p->m) < 0)
		return CW_EINVALID;
	if (cw_cs_blob_decode(&bl, p->m->text, p->m->text_size, cw_cs_map_blob(p->m, p->r)) < 0)
		return damaged(p->m, p->r);
	if (!bl.split || bl.ncols != cw_row_schema_of(table)->ncols)
		return cw_error_set(CW_EINVALID, "%s: row %llu: not the record it says", p->m->part->col.name,
		                    (unsigned long long)p->r);
	cw_reject rj = { table, F->file, p->line, bl.f, p->err.column, p->err.reason, NULL, 0 };
	return cw_load_reject(F->b, F->opts->rejects, &F->st->table[table], &rj);
}

static int feed_batch(feed *F, pend *pd, int n, cw_ref_cache *cache)
{
	if (!n)
		return 0;
	int table = pd[0].m->part->table;
	for (int i = 0; i < n; i++) {
		pd[i].rc = 1;
		if (cw_cs_map_status(pd[i].m, pd[i].r) == CW_CS_TYPED) {
			if (cw_cs_map_row(&pd[i].x, pd[i].m, pd[i].r) < 0)
				return damaged(pd[i].m, pd[i].r);
			pd[i].rc = 0;
		}
	}
	for (int stage = 0; stage <= 1; stage++)
		for (int i = 0; i < n; i++)
			if (pd[i].rc == 0)
				cw_builder_prefetch_refs(F->b, table, &pd[i].x, cache, stage);
	for (int i = 0; i < n; i++)
		if (pd[i].rc == 0) {
			pd[i].err.column = NULL;
			pd[i].rc = cw_builder_resolve(&pd[i].res, &pd[i].err, F->b, table, &pd[i].x, cache);
			if (pd[i].rc < 0 && pd[i].rc != CW_EINVALID)
				return pd[i].rc;
		}
	for (int i = 0; i < n; i++) {
		int rc;
		if (pd[i].rc == 1)
			rc = feed_row(F, pd[i].m, pd[i].r, pd[i].line);
		else if (pd[i].rc != 0)
			rc = settle(F, &pd[i], pd[i].rc);
		else {
			if (i + AHEAD < n && pd[i + AHEAD].rc == 0)
				cw_builder_prefetch(F->b, table, &pd[i + AHEAD].res);
			rc = settle(F, &pd[i], cw_builder_commit(&pd[i].err, F->b, table, &pd[i].res));
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The table's partitions (maps[0..n)) merged by seq; a seq in several of them comes once. */
static int feed_table(feed *F, cw_cs_map *maps, size_t n)
{
	uint64_t pos[64] = { 0 };
	static __thread pend pd[BATCH];
	cw_ref_cache cache;
	int np = 0, batched = n && cw_builder_splits(maps[0].part->table);
	memset(&cache, 0, sizeof cache);
	if (n > 64)
		return cw_error_set(CW_EINVALID, "a window of more than 64 partitions of a table");
	for (;;) {
		size_t best = n;
		uint64_t seq = UINT64_MAX;
		for (size_t i = 0; i < n; i++)
			if (pos[i] < maps[i].part->rows) {
				uint64_t s = cw_cs_map_seq(&maps[i], pos[i]);
				if (best == n || s < seq)
					best = i, seq = s;
			}
		uint64_t line = seq & (((uint64_t)1 << 40) - 1);
		int rc = 0;
		if (best == n)
			return batched ? feed_batch(F, pd, np, &cache) : 0;
		if (!batched)
			rc = feed_row(F, &maps[best], pos[best], line);
		else {
			pd[np].m = &maps[best];
			pd[np].r = pos[best];
			pd[np++].line = line;
			if (np == BATCH) {
				rc = feed_batch(F, pd, np, &cache);
				np = 0;
			}
		}
		if (rc < 0)
			return rc;
		for (size_t i = 0; i < n; i++) /* the same record in other partitions: fed already */
			while (pos[i] < maps[i].part->rows && cw_cs_map_seq(&maps[i], pos[i]) == seq)
				pos[i]++;
	}
}

static const cw_cs_load *load_of(const cw_cs_catalog *c, uint32_t id)
{
	for (size_t i = 0; i < c->nloads; i++)
		if (c->loads[i].id == id)
			return &c->loads[i];
	return NULL;
}

/* One table: its partitions of the window mapped and fed, then its counts as the CSV source's. */
static int load_table(feed *F, const cw_cs_catalog *cat, int table, int32_t first, int32_t last,
                      const char *path)
{
	cw_cs_map maps[64];
	size_t n = 0;
	uint64_t read = 0, rows = 0, valid_out = 0;
	const cw_cs_load *newest = NULL;
	int unknown = 0, rc = 0;
	double t0 = cw_now();
	for (size_t i = 0; i < cat->nparts && rc == 0; i++) {
		const cw_cs_part *p = &cat->parts[i];
		if (p->table != table)
			continue;
		read += p->home;
		if (p->key >= 0 && (p->key < first || p->key > last)) {
			valid_out += p->valid; /* visits the CSV source takes and drops at the end */
			continue;
		}
		if (n == 64) {
			rc = cw_error_set(CW_EINVALID, "%s: more than 64 partitions of %s in one window", path,
			                  cw_table_name(table));
			break;
		}
		const cw_cs_load *l = load_of(cat, p->load);
		if (!newest || l->id > newest->id)
			newest = l;
		unknown |= l->unknown[table] > 0;
		F->st->warnings += l->unknown[table];
		if ((rc = cw_cs_map_open(&maps[n], path, p)) == 0) {
			F->st->bytes += p->col.size + p->heap.size;
			rows += p->rows;
			n++;
		}
	}
	F->file = newest && newest->file[table][0] ? newest->file[table] : cw_table_name(table);
	if (rc == 0 && (unknown || cw_row_schema_find(cw_row_schema_of(table), "patient_id", 10) >= 0))
		rc = cw_rejects_protect(F->opts->rejects, F->file, unknown);
	if (rc == 0 && rows)
		rc = cw_builder_expect(F->b, table, rows);
	if (rc == 0)
		rc = feed_table(F, maps, n);
	for (size_t i = 0; i < n; i++)
		cw_cs_map_close(&maps[i]);
	cw_table_stats *st = &F->st->table[table];
	if (table == CW_T_VISITS)
		st->loaded = st->loaded - F->outside + valid_out;
	if (rc == 0 && read < st->loaded + st->rejected)
		rc = cw_error_set(CW_EINVALID, "%s: the catalogue counts %llu rows of %s, fewer than were read", path,
		                  (unsigned long long)read, cw_table_name(table));
	st->read = read;
	st->skipped = rc == 0 ? read - st->loaded - st->rejected : 0; /* every other row is another month's */
	cw_load_count_month(F->b, table, st);
	st->seconds = cw_now() - t0;
	return rc;
}

int cw_cs_load_month_from(cw_dataset **out, cw_load_stats *stats, const char *path, const cw_cs_catalog *cat,
                          const cw_load_opts *opts)
{
	cw_builder *b;
	int rc = cw_builder_new(&b, opts->month, opts->lookback_days);
	if (rc < 0)
		return rc;
	const cw_window *w = cw_builder_window(b);
	int32_t first = cw_cs_key_of(cw_month_of(w->window_start)), last = cw_cs_key_of(opts->month);
	feed F = { .b = b, .opts = opts, .st = stats, .first = first, .last = last };
	cw_progress_begin("reading the store", 0, "");
	for (int t = 0; t < CW_T_COUNT && rc == 0; t++)
		rc = load_table(&F, cat, t, first, last, path);
	cw_progress_end();
	cw_rowbuf_free(&F.rb);
	if (rc < 0) {
		cw_builder_free(b);
		return rc;
	}
	cw_progress_begin("indexing the month", 0, "");
	cw_builder_set_threads(b, opts->threads);
	rc = cw_builder_finish(out, b);
	cw_progress_end();
	return rc;
}

int cw_cs_load_month(cw_dataset **out, cw_load_stats *stats, const char *path, const cw_load_opts *opts)
{
	return cw_cs_load_month_as(out, stats, NULL, path, opts);
}

int cw_cs_load_month_as(cw_dataset **out, cw_load_stats *stats, char image[80], const char *path,
                        const cw_load_opts *opts)
{
	cw_load_stats local;
	if (image)
		image[0] = 0;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	*out = NULL;
	if (!opts || !opts->rejects)
		return cw_error_set(CW_EINVALID, "loading %s: no reject file given", path);
	double t0 = cw_now();
	cw_cs_catalog cat;
	int rc = cw_cs_catalog_read(&cat, path);
	if (rc < 0)
		return rc;
	const char *use = getenv("CLAIMWATCH_STORE_IMAGES");
	rc = use && !strcmp(use, "0") ? CW_ENOTFOUND : cw_cs_image_open(out, stats, image, path, &cat, opts);
	if (rc == CW_ENOTFOUND) {
		memset(stats, 0, sizeof *stats);
		rc = cw_cs_load_month_from(out, stats, path, &cat, opts);
	}
	cw_cs_catalog_free(&cat);
	stats->seconds = cw_now() - t0;
	return rc;
}
