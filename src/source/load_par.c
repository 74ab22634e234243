/* load_par.c: reading one large table file on several threads (see load_par.h).
 *
 * Every thread, the caller's included, loops over three kinds of job, taken
 * under one mutex in this order of preference:
 *   commit  the next chunk in file order, once parsed (one thread at a time):
 *           its rejects and rows in record order, through cw_builder_commit;
 *   read    the next chunk from the file (one thread at a time): a block of
 *           bytes cut after its last whole record, the rest carried over;
 *   parse   any chunk read: records -> cw_row_type -> cw_builder_resolve,
 *           into the chunk's own arrays (rows, rejects, copied strings).
 * At most `max_chunks` chunks are in flight, so memory stays a few blocks per
 * thread. While a table's rows are committed, the threads only read the maps
 * and columns of the tables loaded before it, and the pool has room reserved
 * for every string the file can add, so its bytes never move under a reader. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "dataset/dataset_impl.h"
#include "io/csv.h"
#include "source/load_par.h"
#include "source/load_table.h"
#include "source/rows.h"
#include "util/grow.h"
#include "util/progress.h"
#include "util/threads.h"

size_t cw_load_chunk_bytes;

#define CHUNK_BYTES ((size_t)256 << 10)
#define ARENA_BLOCK ((size_t)256 << 10)
#define PREFETCH 8 /* rows committed ahead of their key map probe */

/* A record rejected while parsing, placed among the chunk's rows. */
typedef struct rejrow {
	size_t before;       /* rows of the chunk resolved before it */
	uint64_t line;       /* from 1 at the chunk's start */
	size_t raw, raw_len; /* the record's text: data[raw .. raw + raw_len) */
	const char *column;  /* static, or NULL */
	const char *reason;  /* in the arena */
} rejrow;

typedef struct rowmeta {
	uint64_t line;
	size_t raw, raw_len;
} rowmeta;

typedef struct ablock {
	struct ablock *next;
	size_t used, cap;
	char data[];
} ablock;

typedef struct chunk {
	struct chunk *next_free;
	uint64_t seq;
	uint64_t offset;   /* file offset of data[0] */
	char *data;        /* cap + CW_CSV_PAD bytes */
	size_t cap, len;   /* data[0..len): whole records */
	int fallback;      /* the streaming reader goes on at data + stop */
	size_t stop;
	int parsed;
	/* what parsing found */
	uint64_t nread, nskipped, newlines; /* newlines: in data[0..stop) */
	cw_row_res *res;
	rowmeta *meta;
	size_t nres, res_cap;
	rejrow *rej;
	size_t nrej, rej_cap;
	ablock *arena, *arena_cur;
	int rc;
	char msg[1024];
} chunk;

typedef struct par par;

/* A record typed, waiting for its batch to be resolved. */
typedef struct pending {
	cw_row_any x;
	cw_rowbuf rb;    /* x's strings */
	int rejected;    /* err says why */
	cw_rowerr err;
	uint64_t line;   /* from 1 at the chunk's start */
	size_t raw, raw_len;
} pending;

#define BATCH 16

typedef struct worker {
	_Alignas(64) par *p;
	cw_csv *csv; /* a memory reader */
	pending batch[BATCH];
	cw_ref_cache cache;
	cw_builder b;  /* snapshots to resolve with (see cw_builder_snapshot) */
	cw_dataset ds;
} worker;

struct par {
	const cw_par_table *t;
	size_t block, giant;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* input: only the thread holding `reading` touches these */
	int fd;
	uint64_t read_off, end_off; /* next byte to read; the file's size when the load began */
	char *carry;                /* bytes read past the last chunk's end */
	size_t carry_len, carry_cap;
	cw_csv *scanner;
	/* jobs, under mu */
	int reading, committing, input_done, stop;
	uint64_t next_read, next_parse, next_commit;
	chunk **ring; /* in-flight chunks by seq % max_chunks */
	size_t max_chunks, nchunks;
	chunk *free;
	cw_progress_sink *progress; /* the caller's: a commit ticks it, on whichever thread commits */
	/* the result */
	uint64_t line;        /* line of the next chunk to commit */
	uint64_t resume_off, resume_line;
	int rc;
	char msg[1024];
};

/* --- chunks ----------------------------------------------------------------- */

static void chunk_free(chunk *c)
{
	if (!c)
		return;
	free(c->data);
	free(c->res);
	free(c->meta);
	free(c->rej);
	for (ablock *a = c->arena, *n; a; a = n) {
		n = a->next;
		free(a);
	}
	free(c);
}

static void chunk_clear(chunk *c)
{
	c->len = c->stop = 0;
	c->fallback = c->parsed = 0;
	c->nread = c->nskipped = c->newlines = 0;
	c->nres = c->nrej = 0;
	for (ablock *a = c->arena; a; a = a->next)
		a->used = 0;
	c->arena_cur = c->arena;
	c->rc = 0;
	c->msg[0] = 0;
}

/* A NUL-terminated copy of s that lives until the chunk is reused. */
static char *arena_copy(chunk *c, const char *s, size_t len)
{
	ablock *a = c->arena_cur;
	while (a && a->used + len + 1 > a->cap)
		a = a->next; /* a block too full (or too small) stays empty until the chunk is reused */
	if (!a) {
		size_t cap = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;
		if (!(a = malloc(sizeof *a + cap)))
			return NULL;
		a->used = 0;
		a->cap = cap;
		a->next = c->arena;
		c->arena = a;
	}
	c->arena_cur = a;
	char *d = a->data + a->used;
	memcpy(d, s, len);
	d[len] = 0;
	a->used += len + 1;
	return d;
}

static int chunk_fail(chunk *c, int rc)
{
	c->rc = rc;
	snprintf(c->msg, sizeof c->msg, "%s", cw_error_last());
	return rc;
}

static int add_reject(chunk *c, const pending *pd)
{
	if (cw_grow((void **)&c->rej, &c->rej_cap, c->nrej + 1, sizeof *c->rej) < 0)
		return chunk_fail(c, cw_error_set(CW_ENOMEM, "out of memory reading a chunk"));
	const char *why = arena_copy(c, pd->err.reason, strlen(pd->err.reason));
	if (!why)
		return chunk_fail(c, cw_error_set(CW_ENOMEM, "out of memory reading a chunk"));
	c->rej[c->nrej++] = (rejrow){ c->nres, pd->line, pd->raw, pd->raw_len, pd->err.column, why };
	return 0;
}

static int grow_rows(chunk *c)
{
	size_t cap = cw_grown(c->res_cap, c->res_cap + 1, 4096);
	cw_row_res *r = realloc(c->res, cap * sizeof *r);
	if (r)
		c->res = r;
	rowmeta *m = r ? realloc(c->meta, cap * sizeof *m) : NULL;
	if (!m)
		return chunk_fail(c, cw_error_set(CW_ENOMEM, "out of memory reading a chunk"));
	c->meta = m;
	c->res_cap = cap;
	return 0;
}

/* --- parsing ------------------------------------------------------------------ */

/* Types one record into pd (its strings in pd->rb); a record that fails is
 * marked rejected with its column and reason. A well-formed record of another
 * month is only counted as skipped (cw_row_outside): returns 1 then, and pd is
 * not used. < 0 only on failure. */
static int type_record(worker *w, chunk *c, const cw_csv_record *rec, pending *pd)
{
	const cw_par_table *t = w->p->t;
	pd->line = rec->line;
	pd->raw = (size_t)(rec->raw - c->data);
	pd->raw_len = rec->raw_len;
	pd->rejected = 1;
	pd->err.column = NULL;
	if (rec->error) {
		snprintf(pd->err.reason, sizeof pd->err.reason, "%s", rec->error);
		return 0;
	}
	if (rec->nfields != t->nhdr) {
		cw_load_field_count(pd->err.reason, sizeof pd->err.reason, rec, t->nhdr);
		return 0;
	}
	cw_slice f[CW_ROW_MAX_COLS];
	cw_load_fields(cw_row_schema_of(t->table), t->col, rec, f);
	if (cw_row_outside(&w->b, t->table, f)) {
		c->nskipped++;
		return 1;
	}
	int rc = cw_row_type(&pd->x, &pd->err, t->table, f, &pd->rb);
	if (rc == 0)
		pd->rejected = 0;
	else if (rc != CW_EINVALID)
		return chunk_fail(c, rc);
	return 0;
}

/* Resolves a typed record into the chunk (or rejects it); < 0 only on failure. */
static int resolve_record(worker *w, chunk *c, pending *pd)
{
	const cw_par_table *t = w->p->t;
	if (pd->rejected)
		return add_reject(c, pd);
	if (c->nres == c->res_cap && grow_rows(c) < 0)
		return c->rc;
	cw_row_res *o = &c->res[c->nres];
	int rc = cw_builder_resolve(o, &pd->err, &w->b, t->table, &pd->x, &w->cache);
	if (rc == CW_SKIP) {
		c->nskipped++;
		return 0;
	}
	if (rc == CW_EINVALID)
		return add_reject(c, pd);
	if (rc < 0)
		return chunk_fail(c, rc);
	const char **sp;
	for (int i = 0; (sp = cw_row_res_string(t->table, o, i)) != NULL; i++)
		if (*sp && !(*sp = arena_copy(c, *sp, strlen(*sp))))
			return chunk_fail(c, cw_error_set(CW_ENOMEM, "out of memory reading a chunk"));
	c->meta[c->nres] = (rowmeta){ pd->line, pd->raw, pd->raw_len };
	c->nres++;
	return 0;
}

/* Resolves a batch in record order, after bringing what the lookups will
 * read in two rounds of prefetches over the whole batch, so that the cache
 * misses of its records overlap instead of following one another. */
static int resolve_batch(worker *w, chunk *c, pending *pd, int n)
{
	const cw_par_table *t = w->p->t;
	for (int stage = 0; stage <= 1; stage++)
		for (int i = 0; i < n; i++)
			if (!pd[i].rejected)
				cw_builder_prefetch_refs(&w->b, t->table, &pd[i].x, &w->cache, stage);
	for (int i = 0; i < n; i++)
		if (resolve_record(w, c, &pd[i]) < 0)
			return c->rc;
	return 0;
}

static void parse_chunk(worker *w, chunk *c)
{
	cw_csv_mem_reset(w->csv, c->data, c->len, 1);
	cw_csv_record rec;
	uint64_t off, line;
	int rc, n = 0;
	c->stop = c->len;
	while ((rc = cw_csv_next(w->csv, &rec)) > 0) {
		if (rec.raw_len + 2 > w->p->giant) { /* leave it to the streaming reader */
			c->fallback = 1;
			c->stop = (size_t)(rec.raw - c->data);
			c->newlines = rec.line - 1;
			resolve_batch(w, c, w->batch, n);
			return;
		}
		c->nread++;
		int typed = type_record(w, c, &rec, &w->batch[n]);
		if (typed < 0)
			return;
		if (typed == 0 && ++n == BATCH) {
			if (resolve_batch(w, c, w->batch, n) < 0)
				return;
			n = 0;
		}
	}
	if (rc < 0) {
		chunk_fail(c, rc);
		return;
	}
	if (resolve_batch(w, c, w->batch, n) < 0)
		return;
	cw_csv_tell(&off, &line, w->csv);
	c->newlines = line - 1;
}

/* --- reading ------------------------------------------------------------------ */

static int read_more(par *p, chunk *c, int *end)
{
	while (c->len < c->cap) {
		size_t want = c->cap - c->len;
		if (want > p->end_off - p->read_off)
			want = (size_t)(p->end_off - p->read_off);
		if (want == 0) {
			*end = 1;
			return 0;
		}
		ssize_t n = read(p->fd, c->data + c->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cw_error_set(CW_EIO, "%s: read failed: %s", p->t->path, strerror(errno));
		if (n == 0) {
			*end = 1;
			return 0;
		}
		c->len += (size_t)n;
		p->read_off += (uint64_t)n;
	}
	return 0;
}

static int grow_data(chunk *c, size_t cap)
{
	char *d = realloc(c->data, cap + CW_CSV_PAD);
	if (!d)
		return cw_error_set(CW_ENOMEM, "out of memory reading a chunk");
	c->data = d;
	c->cap = cap;
	return 0;
}

/* Where the whole records of data[0..len) end when more input follows;
 * sets c->fallback when a record there is too long to cut at. */
static int cut(par *p, chunk *c, size_t *whole)
{
	const char *nl = memrchr(c->data, '\n', c->len);
	*whole = nl ? (size_t)(nl + 1 - c->data) : 0;
	if (!*whole || !memchr(c->data, '"', *whole))
		return 0;
	int giant;
	int rc = cw_csv_whole(p->scanner, c->data, c->len, p->giant, whole, &giant);
	if (rc < 0)
		return rc;
	if (giant)
		c->fallback = 1;
	return 0;
}

/* Fills c with the next chunk: the carried bytes, then a block from the file,
 * cut after its last whole record. The end of the file makes it the last
 * chunk: the streaming reader reads what is left after it. */
static int read_chunk(par *p, chunk *c)
{
	int rc, end = 0;
	size_t whole = 0;
	chunk_clear(c);
	c->seq = p->next_read;
	c->offset = p->read_off - p->carry_len;
	size_t cap = p->block > p->carry_len ? p->block : p->carry_len * 2;
	if (c->cap < cap && (rc = grow_data(c, cap)) < 0)
		return rc;
	if (p->carry_len)
		memcpy(c->data, p->carry, p->carry_len);
	c->len = p->carry_len;
	for (;;) {
		if ((rc = read_more(p, c, &end)) < 0 || (rc = cut(p, c, &whole)) < 0)
			return rc;
		if (whole > 0 || c->fallback || end)
			break;
		/* not one whole record yet: a longer block (a record past max_record
		 * is found giant by then) */
		if (c->cap >= p->block + 4 * (size_t)CW_CSV_MAX_RECORD) {
			c->fallback = 1;
			break;
		}
		if ((rc = grow_data(c, c->cap * 2)) < 0)
			return rc;
	}
	if (end)
		c->fallback = 1;
	size_t rest = c->len - whole;
	if (rest > p->carry_cap) {
		char *r = realloc(p->carry, rest);
		if (!r)
			return cw_error_set(CW_ENOMEM, "out of memory reading a chunk");
		p->carry = r;
		p->carry_cap = rest;
	}
	if (rest)
		memcpy(p->carry, c->data + whole, rest);
	p->carry_len = rest;
	c->len = whole;
	memset(c->data + whole, 0, CW_CSV_PAD); /* the SIMD splitter may look past a record's end */
	return 0;
}

/* --- committing --------------------------------------------------------------- */

/* Rejects a record of the chunk: its fields, read again from its text (rejects are few), tell the
 * month it belongs to and are what the reject file shows. */
static int emit(par *p, worker *w, uint64_t base, uint64_t line, const char *column, const char *reason,
                const char *raw, size_t raw_len)
{
	const cw_par_table *t = p->t;
	cw_csv_record rec;
	cw_slice f[CW_ROW_MAX_COLS];
	cw_csv_mem_reset(w->csv, raw, raw_len, 1);
	int split = cw_csv_next(w->csv, &rec) == 1 && !rec.error && rec.nfields == t->nhdr;
	if (split)
		cw_load_fields(cw_row_schema_of(t->table), t->col, &rec, f);
	cw_reject rj = { t->table, t->file, base + line - 1, split ? f : NULL, column, reason, raw, raw_len };
	return cw_load_reject(t->b, t->rejects, t->st, &rj);
}

/* Adds the chunk's rows and writes its rejects, in record order. */
static int commit_chunk(par *p, worker *w, chunk *c)
{
	const cw_par_table *t = p->t;
	uint64_t base = p->line;
	size_t k = 0;
	int rc;
	for (size_t i = 0;; i++) {
		for (; k < c->nrej && c->rej[k].before == i; k++) {
			const rejrow *r = &c->rej[k];
			if ((rc = emit(p, w, base, r->line, r->column, r->reason, c->data + r->raw, r->raw_len)) < 0)
				return rc;
		}
		if (i == c->nres)
			break;
		if (i + PREFETCH < c->nres)
			cw_builder_prefetch(t->b, t->table, &c->res[i + PREFETCH]);
		cw_rowerr err;
		rc = cw_builder_commit(&err, t->b, t->table, &c->res[i]);
		const rowmeta *m = &c->meta[i];
		if (rc == 0)
			t->st->loaded++;
		else if (rc == CW_EINVALID)
			rc = emit(p, w, base, m->line, err.column, err.reason, c->data + m->raw, m->raw_len);
		else
			return cw_error_wrap(rc, "%s: line %llu", t->path, (unsigned long long)(base + m->line - 1));
		if (rc < 0)
			return rc;
		cw_progress_tick(t->st->read + m->line);
	}
	t->st->read += c->nread;
	t->st->skipped += c->nskipped;
	p->line = base + c->newlines;
	if (c->fallback) {
		p->resume_off = c->offset + c->stop;
		p->resume_line = p->line;
	}
	return 0;
}

/* --- the threads ---------------------------------------------------------------- */

static void fail(par *p, int rc, const char *msg)
{
	if (p->rc == 0) {
		p->rc = rc;
		snprintf(p->msg, sizeof p->msg, "%s", msg);
	}
	p->stop = 1;
}

static chunk *take_free(par *p)
{
	chunk *c = p->free;
	if (c) {
		p->free = c->next_free;
		return c;
	}
	if (p->nchunks == p->max_chunks)
		return NULL;
	if ((c = calloc(1, sizeof *c)) != NULL)
		p->nchunks++;
	return c;
}

static void give_back(par *p, chunk *c)
{
	c->next_free = p->free;
	p->free = c;
}

/* One job, with mu held on entry and exit; 0 when there was none to do. */
static int one_job(par *p, worker *w)
{
	chunk *c = p->ring[p->next_commit % p->max_chunks];
	if (!p->committing && c && c->parsed) {
		p->committing = 1;
		pthread_mutex_unlock(&p->mu);
		int rc = c->rc ? c->rc : commit_chunk(p, w, c);
		const char *msg = c->rc ? c->msg : cw_error_last();
		char copy[1024];
		snprintf(copy, sizeof copy, "%s", msg);
		pthread_mutex_lock(&p->mu);
		p->committing = 0;
		p->ring[p->next_commit % p->max_chunks] = NULL;
		p->next_commit++;
		if (rc < 0)
			fail(p, rc, copy);
		else if (c->fallback)
			p->stop = 1; /* the streaming reader does the rest */
		give_back(p, c);
		return 1;
	}
	if (!p->reading && !p->input_done && (p->free || p->nchunks < p->max_chunks)) {
		if (!(c = take_free(p))) {
			fail(p, CW_ENOMEM, "out of memory reading a chunk");
			return 1;
		}
		p->reading = 1;
		pthread_mutex_unlock(&p->mu);
		int rc = read_chunk(p, c);
		char copy[1024];
		snprintf(copy, sizeof copy, "%s", rc < 0 ? cw_error_last() : "");
		pthread_mutex_lock(&p->mu);
		p->reading = 0;
		if (rc < 0) {
			give_back(p, c);
			fail(p, rc, copy);
			return 1;
		}
		p->ring[c->seq % p->max_chunks] = c;
		p->next_read++;
		if (c->fallback)
			p->input_done = 1;
		return 1;
	}
	if (p->next_parse < p->next_read) {
		c = p->ring[p->next_parse % p->max_chunks];
		p->next_parse++;
		pthread_mutex_unlock(&p->mu);
		parse_chunk(w, c);
		pthread_mutex_lock(&p->mu);
		c->parsed = 1;
		return 1;
	}
	return 0;
}

static void *run(void *arg)
{
	worker *w = arg;
	par *p = w->p;
	cw_progress_adopt(p->progress);
	pthread_mutex_lock(&p->mu);
	while (!p->stop) {
		if (one_job(p, w))
			pthread_cond_broadcast(&p->cv);
		else
			pthread_cond_wait(&p->cv, &p->mu);
	}
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static void par_free(par *p, worker *w, int nw)
{
	for (int i = 0; i < nw; i++) {
		cw_csv_close(w[i].csv);
		for (int k = 0; k < BATCH; k++)
			cw_rowbuf_free(&w[i].batch[k].rb);
	}
	for (size_t i = 0; p->ring && i < p->max_chunks; i++)
		chunk_free(p->ring[i]);
	while (p->free) {
		chunk *c = p->free;
		p->free = c->next_free;
		chunk_free(c);
	}
	free(w);
	free(p->ring);
	free(p->carry);
	cw_csv_close(p->scanner);
	if (p->fd >= 0)
		close(p->fd);
}

/* Opens the file at offset and sets up the workers. */
static int par_open(par *p, const cw_par_table *t, uint64_t offset, worker *w, int nw)
{
	struct stat st;
	p->fd = open(t->path, O_RDONLY | O_CLOEXEC);
	if (p->fd < 0 || fstat(p->fd, &st) < 0 || lseek(p->fd, (off_t)offset, SEEK_SET) == (off_t)-1)
		return cw_error_set(CW_EIO, "%s: %s", t->path, strerror(errno));
	p->read_off = offset;
	p->end_off = (uint64_t)st.st_size > offset ? (uint64_t)st.st_size : offset;
	p->max_chunks = (size_t)nw * 2 + 1;
	if (!(p->ring = calloc(p->max_chunks, sizeof *p->ring)))
		return cw_error_set(CW_ENOMEM, "out of memory");
	int rc = cw_csv_open_mem(&p->scanner, t->path, NULL);
	for (int i = 0; i < nw && rc == 0; i++) {
		w[i].p = p;
		cw_builder_snapshot(&w[i].b, &w[i].ds, t->b);
		w[i].cache.visit.len = w[i].cache.phys.len = 0;
		rc = cw_csv_open_mem(&w[i].csv, t->path, NULL);
	}
	return rc;
}

int cw_load_par(const cw_par_table *t, uint64_t *offset, uint64_t *line)
{
	worker *w;
	pthread_t tid[CW_THREADS_MAX];
	int nw = t->threads < CW_THREADS_MAX ? t->threads : CW_THREADS_MAX, started = 0;
	par p = { .t = t, .fd = -1, .line = *line, .resume_off = *offset, .resume_line = *line,
	          .progress = cw_progress_current() };
	p.block = cw_load_chunk_bytes ? cw_load_chunk_bytes : CHUNK_BYTES;
	p.giant = CW_CSV_MAX_RECORD / 2;
	if (!(w = aligned_alloc(64, sizeof *w * CW_THREADS_MAX)))
		return cw_error_set(CW_ENOMEM, "out of memory");
	memset(w, 0, sizeof *w * CW_THREADS_MAX);
	int rc = par_open(&p, t, *offset, w, nw);
	/* every string a row adds is a field of the file plus a NUL (a field's
	 * separator at most): room for the rest of the file keeps the pool still */
	cw_pool *pool = cw_builder_pool(t->b);
	if (rc == 0 && cw_pool_reserve(pool, (size_t)(p.end_off - *offset) + 1) < 0) {
		par_free(&p, w, nw);
		return 0; /* no room: the streaming reader reads it all */
	}
	if (rc < 0) {
		par_free(&p, w, nw);
		return rc;
	}
	for (int i = 0; i < nw; i++) /* after the pool has its room: it does not move from here */
		cw_builder_snapshot(&w[i].b, &w[i].ds, t->b);
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	for (int i = 1; i < nw; i++, started++)
		if (pthread_create(&tid[i], NULL, run, &w[i]) != 0)
			break;
	run(&w[0]);
	for (int i = 1; i <= started; i++)
		pthread_join(tid[i], NULL);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
	cw_pool_trim(pool);
	par_free(&p, w, nw);
	if (p.rc < 0)
		return cw_error_set(p.rc, "%s", p.msg);
	*offset = p.resume_off;
	*line = p.resume_line;
	return 0;
}
