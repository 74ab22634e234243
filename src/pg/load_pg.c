/* load_pg.c: reading a month from PostgreSQL into a dataset (and cw_load_db, claimwatch/pg.h, which connects first).
 *
 * The month's window is bound once with queries/extract_params.sql ($1..$3 into transaction-local
 * settings), then each table is streamed with its queries/extract_<table>.sql, a COPY (SELECT ...) TO
 * STDOUT WITH (FORMAT binary). Rows arrive one at a time from PQgetCopyData; each value is rendered
 * in the contract's text form ("12.30", "2026-05-04 08:30", "1975-02-11") and the row goes through
 * the same typing (cw_row_add), builder and reject file as a row of the CSV source, so a value is
 * checked, and a month's findings come out, exactly as from the same data in CSV files. Nothing is
 * fetched as one result: memory holds the dataset being built, not the query's output.
 *
 * Why COPY, and why binary: COPY streams rows at a fraction of the per-row cost of single-row mode
 * PGresults, and in binary the server skips numeric_out, timestamp_out and CSV quoting, which are
 * most of its work per row: the client, which runs on the other core, renders the few numbers
 * instead. Every column is cast in the SQL to one of the types decoded here (text, int4, numeric,
 * date, timestamp), so the client knows them without asking. Times are cut to the minute, the
 * contract's precision.
 *
 * Why settings: COPY cannot take $n parameters, and claimwatch never pastes values into SQL text, so
 * the window is bound with $n to set_config() in the same transaction and the queries read it back
 * with current_setting(), once per query (InitPlans), which also lets PostgreSQL skip the claim-line
 * partitions outside the window.
 *
 * Every table is read in one REPEATABLE READ, READ ONLY transaction: one snapshot. A load in progress
 * is waited for before it begins (pg_lock.c): a load moves whole partitions, which a snapshot taken
 * before its commit would see empty. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/pg.h"
#include "pg/pg.h"
#include "source/load_table.h"
#include "source/rows.h"
#include "util/grow.h"
#include "util/progress.h"

/* The binary types the extract queries produce, per table in the schema's column order (rows.h). */
enum { B_TEXT, B_INT4, B_NUMERIC, B_DATE, B_TIMESTAMP };
#define T B_TEXT
#define I B_INT4
#define N B_NUMERIC
#define D B_DATE
#define S B_TIMESTAMP
static const uint8_t col_types[CW_T_COUNT][CW_ROW_MAX_COLS] = {
	[CW_T_INSTITUTIONS] = { T, T, I, T },
	[CW_T_DEPARTMENTS] = { T, T, T, T },
	[CW_T_PHYSICIANS] = { T, T, T, T, T },
	[CW_T_PATIENTS] = { T, T, D, D },
	[CW_T_ITEMS] = { T, T, T, T, N, I, I, I, N, T, I, I, I, T, T, I },
	[CW_T_BUNDLES] = { T, T },
	[CW_T_VISITS] = { T, T, T, T, T, T, S, S, T, T },
	[CW_T_CLAIMS] = { T, T, T, T, S, N, N, N, N, N },
	[CW_T_PRESCRIPTIONS] = { T, I, T, T, S, T, N, I, N },
	[CW_T_RESULTS] = { T, T },
};
#undef T
#undef I
#undef N
#undef D
#undef S

#define PG_EPOCH_DAYS 10957 /* 2000-01-01, PostgreSQL's epoch, in days since 1970-01-01 */
#define FIELD_TEXT 80       /* room for one rendered number or time */

/* --- the COPY stream --------------------------------------------------------------------------- */

/* A buffered view of the stream that keeps whole tuples in one piece. */
typedef struct tuple_reader {
	cw_pg_copyout cr;
	char *buf;
	size_t cap, start, end;
} tuple_reader;

/* Makes n bytes from start available: 1, 0 when the stream ends first, < 0 on error. */
static int ensure(tuple_reader *tr, size_t n)
{
	if (tr->end - tr->start >= n)
		return 1;
	if (tr->start) {
		memmove(tr->buf, tr->buf + tr->start, tr->end - tr->start);
		tr->end -= tr->start;
		tr->start = 0;
	}
	if (cw_grow((void **)&tr->buf, &tr->cap, n, 1) < 0)
		return cw_error_set(CW_ENOMEM, "out of memory reading %s", tr->cr.what);
	while (tr->end < n) {
		long k = cw_pg_copyout_read(&tr->cr, tr->buf + tr->end, tr->cap - tr->end);
		if (k < 0)
			return tr->cr.rc;
		if (k == 0)
			return 0;
		tr->end += (size_t)k;
	}
	return 1;
}

static uint32_t be32(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}
static uint16_t be16(const char *p) { return (uint16_t)((unsigned char)p[0] << 8 | (unsigned char)p[1]); }
static int64_t be64(const char *p) { return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4)); }

static int bad_stream(tuple_reader *tr, const char *why)
{
	return cw_error_set(CW_EDB, "%s: unexpected COPY output: %s", tr->cr.what, why);
}

/* The binary COPY header: signature, flags, extension. */
static int read_header(tuple_reader *tr)
{
	static const char sig[11] = "PGCOPY\n\377\r\n";
	int rc = ensure(tr, 19);
	if (rc <= 0)
		return rc < 0 ? rc : bad_stream(tr, "no header");
	if (memcmp(tr->buf + tr->start, sig, 11) != 0)
		return bad_stream(tr, "not binary COPY data");
	size_t ext = be32(tr->buf + tr->start + 15);
	if ((rc = ensure(tr, 19 + ext)) <= 0)
		return rc < 0 ? rc : bad_stream(tr, "cut header");
	tr->start += 19 + ext;
	return 0;
}

/* The next tuple: 1 with f[i] pointing at each field's bytes (ptr NULL for SQL NULL), 0 at the
 * trailer, < 0 on error. ncols is the count the table must have. */
static int next_tuple(tuple_reader *tr, int ncols, cw_slice *f)
{
	int rc = ensure(tr, 2);
	if (rc <= 0)
		return rc < 0 ? rc : bad_stream(tr, "no trailer");
	int16_t nf = (int16_t)be16(tr->buf + tr->start);
	if (nf == -1) {
		tr->start += 2;
		/* Drain to the end of the COPY and check its result. */
		char sink[256];
		long k;
		while ((k = cw_pg_copyout_read(&tr->cr, sink, sizeof sink)) > 0)
			;
		return k < 0 ? tr->cr.rc : 0;
	}
	if (nf != ncols) {
		char why[96];
		snprintf(why, sizeof why, "%d columns where %d are expected", nf, ncols);
		return bad_stream(tr, why);
	}
	size_t off = 2;
	for (int i = 0; i < nf; i++) { /* find the tuple's end first: ensure() may move the buffer */
		if ((rc = ensure(tr, off + 4)) <= 0)
			return rc < 0 ? rc : bad_stream(tr, "cut row");
		int32_t len = (int32_t)be32(tr->buf + tr->start + off);
		off += 4 + (len > 0 ? (size_t)len : 0);
		if ((rc = ensure(tr, off)) <= 0)
			return rc < 0 ? rc : bad_stream(tr, "cut row");
	}
	off = 2;
	for (int i = 0; i < nf; i++) {
		int32_t len = (int32_t)be32(tr->buf + tr->start + off);
		f[i].ptr = len < 0 ? NULL : tr->buf + tr->start + off + 4;
		f[i].len = len < 0 ? 0 : (size_t)len;
		off += 4 + (len > 0 ? (size_t)len : 0);
	}
	tr->start += off;
	return 1;
}

/* --- values as the contract writes them ---------------------------------------------------------- */

/* Decimal digits without sprintf, which is a fifth of the client's time otherwise. */
static char *put_uint(char *o, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n)
		*o++ = tmp[--n];
	return o;
}

static char *put_fixed(char *o, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--, v /= 10)
		o[i] = (char)('0' + v % 10);
	return o + width;
}

static size_t put_text(char *o, const char *s)
{
	size_t n = strlen(s);
	memcpy(o, s, n);
	return n;
}

/* A numeric in binary (base-10000 digit groups) as decimal text with its display scale. */
static size_t render_numeric(const cw_slice *v, char *o)
{
	if (v->len < 8)
		return put_text(o, "<bad numeric>");
	int nd = (int16_t)be16(v->ptr), weight = (int16_t)be16(v->ptr + 2), dscale = (int16_t)be16(v->ptr + 6);
	unsigned sign = be16(v->ptr + 4);
	if (sign == 0xC000 || sign == 0xD000 || sign == 0xF000)
		return put_text(o, sign == 0xC000 ? "NaN" : sign == 0xD000 ? "Infinity" : "-Infinity");
	if (nd < 0 || v->len < 8 + 2 * (size_t)nd || weight > 8 || dscale < 0 || dscale > 16)
		return put_text(o, "<numeric out of range>");
	char *p = o;
	if (sign == 0x4000)
		*p++ = '-';
	if (weight < 0)
		*p++ = '0';
	for (int g = 0; g <= weight; g++) {
		unsigned d = g < nd ? be16(v->ptr + 8 + 2 * g) : 0;
		p = g ? put_fixed(p, d, 4) : put_uint(p, d);
	}
	if (dscale > 0) {
		*p++ = '.';
		for (int j = 1, left = dscale; left > 0; j++, left -= 4) {
			int idx = weight + j;
			unsigned d = idx >= 0 && idx < nd ? be16(v->ptr + 8 + 2 * idx) : 0;
			char four[4];
			put_fixed(four, d, 4);
			memcpy(p, four, left < 4 ? (size_t)left : 4);
			p += left < 4 ? left : 4;
		}
	}
	return (size_t)(p - o);
}

static size_t render_day(int64_t days_1970, char *o)
{
	int y, m, d;
	if (days_1970 < INT32_MIN / 2 || days_1970 > INT32_MAX / 2)
		return put_text(o, "<date out of range>");
	cw_civil_from_days(&y, &m, &d, (cw_day)days_1970);
	char *p = o;
	if (y < 0 || y > 9999)
		return put_text(o, "<date out of range>");
	p = put_fixed(p, (unsigned)y, 4);
	*p++ = '-';
	p = put_fixed(p, (unsigned)m, 2);
	*p++ = '-';
	p = put_fixed(p, (unsigned)d, 2);
	return (size_t)(p - o);
}

/* One field into its text form; text fields are used as they are. */
static cw_slice render(int type, const cw_slice *v, char *o)
{
	cw_slice out = *v;
	if (!v->ptr || type == B_TEXT)
		return out;
	out.ptr = o;
	if (((type == B_INT4 || type == B_DATE) && v->len != 4) || (type == B_TIMESTAMP && v->len != 8)) {
		out.len = put_text(o, "<bad value>");
	} else if (type == B_INT4) {
		int32_t x = (int32_t)be32(v->ptr);
		char *p = o;
		if (x < 0)
			*p++ = '-';
		out.len = (size_t)(put_uint(p, x < 0 ? -(uint64_t)x : (uint64_t)x) - o);
	} else if (type == B_NUMERIC) {
		out.len = render_numeric(v, o);
	} else if (type == B_DATE) {
		int32_t d = (int32_t)be32(v->ptr);
		out.len = d == INT32_MAX || d == INT32_MIN ? put_text(o, d > 0 ? "infinity" : "-infinity")
		                                           : render_day((int64_t)d + PG_EPOCH_DAYS, o);
	} else {
		int64_t us = be64(v->ptr);
		if (us == INT64_MAX || us == INT64_MIN) {
			out.len = put_text(o, us > 0 ? "infinity" : "-infinity");
		} else {
			int64_t min = us / 60000000 - (us % 60000000 < 0); /* floor: cut to the minute */
			int64_t day = min / 1440 - (min % 1440 < 0), mod = min - day * 1440;
			out.len = render_day(day + PG_EPOCH_DAYS, o);
			if (out.len == 10) {
				char *p = o + 10;
				*p++ = ' ';
				p = put_fixed(p, (unsigned)(mod / 60), 2);
				*p++ = ':';
				p = put_fixed(p, (unsigned)(mod % 60), 2);
				out.len = (size_t)(p - o);
			}
		}
	}
	return out;
}

/* --- tables -------------------------------------------------------------------------------------- */

typedef struct table_ctx {
	int table;
	const char *what;
	cw_builder *b;
	const cw_load_opts *opts;
	cw_table_stats *st;
	cw_rowbuf *rb;
} table_ctx;

/* Types and adds one row; < 0 only when the extraction must stop. */
static int take_row(table_ctx *tc, const cw_slice *v, int ncols)
{
	char text[CW_ROW_MAX_COLS][FIELD_TEXT];
	cw_slice f[CW_ROW_MAX_COLS];
	for (int i = 0; i < ncols; i++)
		f[i] = render(col_types[tc->table][i], &v[i], text[i]);
	cw_rowerr err;
	int rc = cw_row_add(&err, tc->b, tc->table, f, tc->rb);
	if (rc == 0) {
		tc->st->loaded++;
		return 0;
	}
	if (rc == CW_SKIP) {
		tc->st->skipped++;
		return 0;
	}
	if (rc != CW_EINVALID)
		return cw_error_wrap(rc, "%s: row %llu", tc->what, (unsigned long long)tc->st->read);
	cw_reject rj = { tc->table, cw_table_name(tc->table), tc->st->read, f, err.column, err.reason, NULL, 0 };
	return cw_load_reject(tc->b, tc->opts->rejects, tc->st, &rj);
}

static int extract_table(cw_pg *pg, int table, cw_builder *b, const cw_load_opts *opts, cw_load_stats *stats,
                         cw_rowbuf *rb)
{
	char file[64], what[160];
	const char *tname = cw_table_name(table), *sql;
	snprintf(file, sizeof file, "extract_%s.sql", tname);
	snprintf(what, sizeof what, "extracting %s (queries/%s)", tname, file);
	int rc = cw_pg_sql(&sql, file);
	if (rc < 0)
		return rc;
	PGresult *res = PQexec(pg->conn, sql);
	if (!res || PQresultStatus(res) != PGRES_COPY_OUT) {
		rc = cw_pg_fail(pg, res, what);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	int ncols = cw_row_schema_of(table)->ncols;
	cw_table_stats *st = &stats->table[table];
	table_ctx tc = { .table = table, .what = what, .b = b, .opts = opts, .st = st, .rb = rb };
	tuple_reader tr = { .cr = { .pg = pg, .what = what }, .cap = 1 << 20 };
	tr.buf = malloc(tr.cap);
	if (!tr.buf)
		return cw_error_set(CW_ENOMEM, "out of memory");
	double t0 = cw_now();
	char task[96];
	snprintf(task, sizeof task, "reading %s", tname);
	cw_progress_begin(task, 0, "rows");
	cw_slice v[CW_ROW_MAX_COLS];
	rc = read_header(&tr);
	while (rc == 0 && (rc = next_tuple(&tr, ncols, v)) > 0) {
		st->read++;
		stats->bytes += 2;
		for (int i = 0; i < ncols; i++)
			stats->bytes += 4 + v[i].len;
		rc = take_row(&tc, v, ncols);
		cw_progress_tick(st->read);
	}
	cw_progress_end();
	cw_load_count_month(b, table, st);
	st->seconds += cw_now() - t0;
	cw_pg_copyout_free(&tr.cr);
	free(tr.buf);
	return rc < 0 ? rc : 0;
}

static int bind_window(cw_pg *pg, const cw_window *w)
{
	char ws[CW_FMT_SIZE], ms[CW_FMT_SIZE], me[CW_FMT_SIZE];
	const char *params[3] = { cw_format_time(ws, w->window_start), cw_format_time(ms, w->month_start),
	                          cw_format_time(me, w->month_end) };
	return cw_pg_run_file(NULL, pg, "extract_params.sql", 3, params);
}

int cw_load_pg(cw_dataset **out, cw_load_stats *stats, cw_pg *pg, const cw_load_opts *opts)
{
	cw_load_stats local;
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof *stats);
	*out = NULL;
	if (!opts || !opts->rejects)
		return cw_error_set(CW_EINVALID, "extracting from %s: no reject file given", pg->target);
	double t0 = cw_now();
	cw_builder *b;
	int rc = cw_builder_new(&b, opts->month, opts->lookback_days);
	if (rc < 0)
		return rc;
	cw_rowbuf rb = { 0 };
	rc = cw_pg_lock_for_run(pg);
	int locked = rc == 0;
	if (rc == 0)
		rc = cw_pg_exec(pg, "starting the extraction", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (rc == 0)
		rc = bind_window(pg, cw_builder_window(b));
	for (int t = 0; t < CW_T_COUNT && rc == 0; t++) {
		/* A plain scan streamed by COPY gains nothing from parallel workers: the leader formats every
		 * row anyway, and the workers would take the core the client decodes on. The joins of the
		 * visits and results queries, during which the client waits, keep them. */
		int plain = t == CW_T_CLAIMS || t == CW_T_PRESCRIPTIONS;
		if (plain)
			rc = cw_pg_exec(pg, "setting the extraction up", "SET LOCAL max_parallel_workers_per_gather = 0");
		if (rc == 0)
			rc = extract_table(pg, t, b, opts, stats, &rb);
		if (rc == 0 && plain)
			rc = cw_pg_exec(pg, "setting the extraction up", "SET LOCAL max_parallel_workers_per_gather TO DEFAULT");
	}
	if (rc == 0)
		rc = cw_pg_exec(pg, "ending the extraction", "COMMIT");
	else if (PQstatus(pg->conn) == CONNECTION_OK && (PQtransactionStatus(pg->conn) == PQTRANS_INTRANS ||
	                                                 PQtransactionStatus(pg->conn) == PQTRANS_INERROR))
		PQclear(PQexec(pg->conn, "ROLLBACK")); /* not when none began: the server would warn */
	if (locked)
		cw_pg_unlock_for_run(pg);
	cw_rowbuf_free(&rb);
	if (rc < 0) {
		cw_builder_free(b);
		return rc;
	}
	cw_progress_begin("indexing the month", 0, "");
	rc = cw_builder_finish(out, b);
	cw_progress_end();
	stats->seconds = cw_now() - t0;
	return rc;
}

int cw_load_db(cw_dataset **out, cw_load_stats *stats, const char *conninfo, const cw_load_opts *opts)
{
	cw_pg *pg;
	*out = NULL;
	if (stats)
		memset(stats, 0, sizeof *stats);
	int rc = cw_pg_connect(&pg, conninfo);
	if (rc < 0)
		return rc;
	if ((rc = cw_pg_schema_check(pg)) == 0)
		rc = cw_load_pg(out, stats, pg, opts);
	cw_pg_close(pg);
	return rc;
}
