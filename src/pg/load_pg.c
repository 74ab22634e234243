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
 * With `run --db-connections N` (N >= 2) the claim lines, most of the rows, are read in slices of blocks
 * on N connections that share the snapshot (load_pg_par.h), taken in slice order: the order in which one
 * COPY reads them (the month partitions in the order of their bounds, each in block order), so the rows
 * reach the builder in the same order, and rejects get the same row numbers, whatever N.
 * Values are decoded by pg_binary.c.
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
#include "pg/pg_binary.h"
#include "pg/load_pg_par.h"
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

#define FIELD_TEXT 80       /* room for one rendered number or time */

/* --- the COPY stream --------------------------------------------------------------------------- */

/* A buffered view of the stream that keeps whole tuples in one piece. */
typedef struct tuple_reader {
	cw_pg_copyout cr;
	char *buf;
	size_t cap, start, end;
	int mem; /* buf holds the whole stream (a slice's data, load_pg_par.h), not read from cr */
} tuple_reader;

/* Makes n bytes from start available: 1, 0 when the stream ends first, < 0 on error. */
static int ensure(tuple_reader *tr, size_t n)
{
	if (tr->end - tr->start >= n)
		return 1;
	if (tr->mem)
		return 0;
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

static int bad_stream(tuple_reader *tr, const char *why)
{
	return cw_error_set(CW_EDB, "%s: unexpected COPY output: %s", tr->cr.what, why);
}

/* The binary COPY header: signature, flags, extension. */
static int read_header(tuple_reader *tr)
{
	size_t need = CW_PGBIN_HEADER_LEN;
	const char *why;
	int rc;
	for (;;) {
		if ((rc = ensure(tr, need)) <= 0)
			return rc < 0 ? rc : bad_stream(tr, "no header");
		if ((rc = cw_pgbin_header(&need, &why, tr->buf + tr->start, tr->end - tr->start)) < 0)
			return bad_stream(tr, why);
		if (rc == 0)
			break;
	}
	tr->start += need;
	return 0;
}

/* The next tuple: 1 with f[i] pointing at each field's bytes (ptr NULL for SQL NULL), 0 at the
 * trailer, < 0 on error. ncols is the count the table must have. */
static int next_tuple(tuple_reader *tr, int ncols, cw_slice *f)
{
	int rc = ensure(tr, 2);
	if (rc <= 0)
		return rc < 0 ? rc : bad_stream(tr, "no trailer");
	int16_t nf = (int16_t)cw_pgbin_be16(tr->buf + tr->start);
	if (nf == -1) {
		tr->start += 2;
		if (tr->mem)
			return tr->start == tr->end ? 0 : bad_stream(tr, "data after the end");
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
		int32_t len = (int32_t)cw_pgbin_be32(tr->buf + tr->start + off);
		off += 4 + (len > 0 ? (size_t)len : 0);
		if ((rc = ensure(tr, off)) <= 0)
			return rc < 0 ? rc : bad_stream(tr, "cut row");
	}
	off = 2;
	for (int i = 0; i < nf; i++) {
		int32_t len = (int32_t)cw_pgbin_be32(tr->buf + tr->start + off);
		f[i].ptr = len < 0 ? NULL : tr->buf + tr->start + off + 4;
		f[i].len = len < 0 ? 0 : (size_t)len;
		off += 4 + (len > 0 ? (size_t)len : 0);
	}
	tr->start += off;
	return 1;
}

/* --- values as the contract writes them ---------------------------------------------------------- */

static char *put_fixed(char *o, unsigned v, int width)
{
	for (int i = width - 1; i >= 0; i--, v /= 10)
		o[i] = (char)('0' + v % 10);
	return o + width;
}

/* Days since 1970 as YYYY-MM-DD; 0 when the year has not four digits. */
static size_t put_day(int64_t days_1970, char *o)
{
	int y, m, d;
	cw_civil_from_days(&y, &m, &d, (cw_day)days_1970);
	if (y < 0 || y > 9999)
		return 0;
	char *p = put_fixed(o, (unsigned)y, 4);
	*p++ = '-';
	p = put_fixed(p, (unsigned)m, 2);
	*p++ = '-';
	p = put_fixed(p, (unsigned)d, 2);
	return (size_t)(p - o);
}

/* A decoded value as text, or what the decoder refused as its text (pg_binary.h), so that the typing
 * rejects the row naming its column. */
static size_t render_value(int type, const cw_slice *v, char *o, const char **why)
{
	int32_t len = (int32_t)v->len, i4, day;
	int64_t us;
	size_t n = 0;
	if (type == B_INT4 && cw_pgbin_int4(&i4, why, v->ptr, len) == 0) {
		char tmp[12], *p = o; /* without sprintf, which costs a fifth of the client's time */
		uint32_t u = i4 < 0 ? 0u - (uint32_t)i4 : (uint32_t)i4;
		int k = 0;
		do
			tmp[k++] = (char)('0' + u % 10);
		while ((u /= 10) != 0);
		if (i4 < 0)
			*p++ = '-';
		while (k)
			*p++ = tmp[--k];
		return (size_t)(p - o);
	}
	if (type == B_NUMERIC && cw_pgbin_numeric_text(o, &n, why, v->ptr, len) == 0)
		return n;
	if (type == B_DATE && cw_pgbin_date(&day, why, v->ptr, len) == 0) {
		*why = "<date out of range>";
		return put_day(day, o);
	}
	if (type == B_TIMESTAMP && cw_pgbin_timestamp(&us, why, v->ptr, len) == 0) {
		int64_t min = us / 60000000 - (us % 60000000 < 0); /* floor: cut to the minute */
		int64_t d = min / 1440 - (min % 1440 < 0), mod = min - d * 1440;
		*why = "<date out of range>";
		if ((n = put_day(d, o)) == 0)
			return 0;
		char *p = o + 10;
		*p++ = ' ';
		p = put_fixed(p, (unsigned)(mod / 60), 2);
		*p++ = ':';
		p = put_fixed(p, (unsigned)(mod % 60), 2);
		return (size_t)(p - o);
	}
	return 0;
}

/* One field into its text form; text fields are used as they are. */
static cw_slice render(int type, const cw_slice *v, char *o)
{
	cw_slice out = *v;
	if (!v->ptr || type == B_TEXT)
		return out;
	const char *why = "<bad value>";
	out.ptr = o;
	out.len = render_value(type, v, o, &why);
	if (out.len == 0) {
		out.len = strlen(why);
		memcpy(o, why, out.len);
	}
	return out;
}

/* What the extraction's connections share: the snapshot and the window. */
typedef struct extract_ctx {
	char snapshot[64]; /* pg_export_snapshot's id, when connections > 1 */
	char ws[CW_FMT_SIZE], ms[CW_FMT_SIZE], me[CW_FMT_SIZE];
	const char *window[3];
	int connections;
} extract_ctx;

/* --- tables -------------------------------------------------------------------------------------- */

typedef struct table_ctx {
	int table;
	const char *what;
	cw_builder *b;
	const cw_load_opts *opts;
	cw_table_stats *st;
	cw_rowbuf *rb;
	cw_record_sink record; /* set: every row goes here in its text form, none to a builder */
	void *record_ctx;
} table_ctx;

/* Types and adds one row; < 0 only when the extraction must stop. */
static int take_row(table_ctx *tc, const cw_slice *v, int ncols)
{
	char text[CW_ROW_MAX_COLS][FIELD_TEXT];
	cw_slice f[CW_ROW_MAX_COLS];
	for (int i = 0; i < ncols; i++)
		f[i] = render(col_types[tc->table][i], &v[i], text[i]);
	if (tc->record)
		return tc->record(tc->record_ctx, tc->st->read, f, ncols, NULL, 0, NULL);
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

/* The rows of one COPY stream: header, tuples, trailer. */
static int read_rows(tuple_reader *tr, table_ctx *tc, int ncols, cw_load_stats *stats)
{
	cw_slice v[CW_ROW_MAX_COLS];
	cw_table_stats *st = tc->st;
	int rc = read_header(tr);
	while (rc == 0 && (rc = next_tuple(tr, ncols, v)) > 0) {
		st->read++;
		stats->bytes += 2;
		for (int i = 0; i < ncols; i++)
			stats->bytes += 4 + v[i].len;
		rc = take_row(tc, v, ncols);
		cw_progress_tick(st->read);
	}
	return rc;
}

/* The table with one COPY on pg. */
static int read_copy(cw_pg *pg, const char *sql, table_ctx *tc, int ncols, cw_load_stats *stats)
{
	PGresult *res = PQexec(pg->conn, sql);
	int rc;
	if (!res || PQresultStatus(res) != PGRES_COPY_OUT) {
		rc = cw_pg_fail(pg, res, tc->what);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	tuple_reader tr = { .cr = { .pg = pg, .what = tc->what }, .cap = 1 << 20 };
	if (!(tr.buf = malloc(tr.cap)))
		return cw_error_set(CW_ENOMEM, "out of memory");
	rc = read_rows(&tr, tc, ncols, stats);
	cw_pg_copyout_free(&tr.cr);
	free(tr.buf);
	return rc;
}

/* The claim lines in slices on the run's connections (load_pg_par.h); *done 0 when their layout is one
 * the slices do not follow. */
static int read_slices(int *done, cw_pg *pg, const char *sql, const extract_ctx *ec, table_ctx *tc, int ncols,
                       cw_load_stats *stats)
{
	cw_pg_slices *s;
	*done = 0;
	/* One connection streams the table with one COPY: measured on the 2-core machine, slices read on one
	 * connection cost the client 1 to 2 s of CPU more for 1.43M lines (the rows of a whole slice wait in
	 * memory). TID range scans came with PostgreSQL 14. */
	if (ec->connections < 2 || PQserverVersion(pg->conn) < 140000)
		return 0;
	int rc = cw_pg_slices_start(&s, pg, sql, ec->snapshot, ec->window, ec->connections, tc->what);
	if (rc < 0 || !s)
		return rc;
	*done = 1;
	const char *data;
	size_t len;
	while ((rc = cw_pg_slices_next(s, &data, &len)) > 0) {
		tuple_reader tr = { .cr = { .what = tc->what }, .buf = (char *)data, .cap = len, .end = len, .mem = 1 };
		if ((rc = read_rows(&tr, tc, ncols, stats)) < 0)
			break;
	}
	cw_pg_slices_stop(s);
	return rc < 0 ? rc : 0;
}

/* The extraction query of table (queries/extract_TABLE.sql) into *sql, and what a message calls it. */
static int extract_query(const char **sql, char what[160], int table)
{
	char file[64];
	const char *tname = cw_table_name(table);
	snprintf(file, sizeof file, "extract_%s.sql", tname);
	snprintf(what, 160, "extracting %s (queries/%s)", tname, file);
	return cw_pg_sql(sql, file);
}

static int extract_table(cw_pg *pg, int table, cw_builder *b, const cw_load_opts *opts, cw_load_stats *stats,
                         cw_rowbuf *rb, const extract_ctx *ec)
{
	char what[160];
	const char *sql;
	int rc = extract_query(&sql, what, table);
	if (rc < 0)
		return rc;
	int ncols = cw_row_schema_of(table)->ncols, done = 0;
	cw_table_stats *st = &stats->table[table];
	table_ctx tc = { .table = table, .what = what, .b = b, .opts = opts, .st = st, .rb = rb };
	double t0 = cw_now();
	char task[96];
	snprintf(task, sizeof task, "reading %s", cw_table_name(table));
	cw_progress_begin(task, 0, "rows");
	if (table == CW_T_CLAIMS)
		rc = read_slices(&done, pg, sql, ec, &tc, ncols, stats);
	if (rc == 0 && !done)
		rc = read_copy(pg, sql, &tc, ncols, stats);
	cw_progress_end();
	cw_load_count_month(b, table, st);
	st->seconds += cw_now() - t0;
	return rc < 0 ? rc : 0;
}

static int bind_window(cw_pg *pg, const cw_window *w, extract_ctx *ec)
{
	ec->window[0] = cw_format_time(ec->ws, w->window_start);
	ec->window[1] = cw_format_time(ec->ms, w->month_start);
	ec->window[2] = cw_format_time(ec->me, w->month_end);
	int rc = cw_pg_run_file(NULL, pg, "extract_params.sql", 3, ec->window);
	if (rc < 0 || ec->connections < 2)
		return rc;
	/* The other connections join this transaction's snapshot: they see the same rows. */
	PGresult *res;
	if ((rc = cw_pg_query(&res, pg, "sharing the extraction's snapshot", "SELECT pg_export_snapshot()", 0, NULL)) < 0)
		return rc;
	snprintf(ec->snapshot, sizeof ec->snapshot, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/* Commits the extraction's transaction (rc 0) or rolls it back, and lets loads in again. */
static int end_extraction(cw_pg *pg, int rc, int locked)
{
	if (rc == 0)
		rc = cw_pg_exec(pg, "ending the extraction", "COMMIT");
	else if (PQstatus(pg->conn) == CONNECTION_OK && (PQtransactionStatus(pg->conn) == PQTRANS_INTRANS ||
	                                                 PQtransactionStatus(pg->conn) == PQTRANS_INERROR))
		PQclear(PQexec(pg->conn, "ROLLBACK")); /* not when none began: the server would warn */
	if (locked)
		cw_pg_unlock_for_run(pg);
	return rc;
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
	extract_ctx ec = { .connections = pg->connections > 0 ? pg->connections : CW_PG_CONNECTIONS };
	rc = cw_pg_lock_for_run(pg);
	int locked = rc == 0;
	if (rc == 0)
		rc = cw_pg_exec(pg, "starting the extraction", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (rc == 0)
		rc = bind_window(pg, cw_builder_window(b), &ec);
	for (int t = 0; t < CW_T_COUNT && rc == 0; t++) {
		/* A plain scan streamed by COPY gains nothing from parallel workers: the leader formats every
		 * row anyway, and the workers would take the core the client decodes on. The joins of the
		 * visits and results queries, during which the client waits, keep them. */
		int plain = t == CW_T_CLAIMS || t == CW_T_PRESCRIPTIONS;
		if (plain)
			rc = cw_pg_exec(pg, "setting the extraction up", "SET LOCAL max_parallel_workers_per_gather = 0");
		if (rc == 0)
			rc = extract_table(pg, t, b, opts, stats, &rb, &ec);
		if (rc == 0 && plain)
			rc = cw_pg_exec(pg, "setting the extraction up", "SET LOCAL max_parallel_workers_per_gather TO DEFAULT");
	}
	rc = end_extraction(pg, rc, locked);
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

/* --- every row, for the columnar store (pg_store.c) ---------------------------------------------- */

int cw_pg_records_begin(cw_pg *pg)
{
	/* The widest window the timestamps hold: every claim line, prescription, visit and result. */
	static const char *const all[3] = { "0001-01-01 00:00", "0001-01-01 00:00", "9999-12-31 00:00" };
	int rc = cw_pg_lock_for_run(pg);
	if (rc < 0)
		return rc;
	rc = cw_pg_exec(pg, "starting the extraction", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (rc == 0)
		rc = cw_pg_run_file(NULL, pg, "extract_params.sql", 3, all);
	return rc < 0 ? end_extraction(pg, rc, 1) : 0;
}

int cw_pg_records_table(cw_pg *pg, int table, cw_load_stats *stats, cw_record_sink sink, void *ctx)
{
	char what[160], task[96];
	const char *tname = cw_table_name(table), *sql;
	int rc = extract_query(&sql, what, table);
	if (rc < 0)
		return rc;
	cw_table_stats *st = &stats->table[table];
	table_ctx tc = { .table = table, .what = what, .st = st, .record = sink, .record_ctx = ctx };
	double t0 = cw_now();
	snprintf(task, sizeof task, "reading %s", tname);
	cw_progress_begin(task, 0, "rows");
	rc = read_copy(pg, sql, &tc, cw_row_schema_of(table)->ncols, stats);
	cw_progress_end();
	st->seconds += cw_now() - t0;
	return rc < 0 ? rc : 0;
}

int cw_pg_records_end(cw_pg *pg, int rc) { return end_extraction(pg, rc, 1); }
