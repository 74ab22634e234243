/* load_pg.c: reading a month from PostgreSQL into a dataset.
 *
 * The month's window is bound once with queries/extract_params.sql ($1..$3 into transaction-local
 * settings), then each table is streamed with its queries/extract_<table>.sql, a COPY (SELECT ...) TO
 * STDOUT WITH (FORMAT csv, HEADER): rows arrive one at a time from PQgetCopyData and go through the
 * same CSV reader, row typing, builder and reject file as the CSV source (load_table.h), so a value
 * is checked, and a month's findings come out, exactly as from the same data in CSV files. Nothing is
 * fetched as one result: memory holds the dataset being built, not the query's output.
 *
 * Why COPY and settings rather than single-row mode with bound parameters: COPY sends plain rows that
 * the CSV reader already knows, at a fraction of the per-row cost of single-row PGresults; COPY cannot
 * take $n parameters, and pasting the window into the SQL is what claimwatch never does, so the values
 * are bound with $n to set_config() in the same transaction and the queries read them back.
 *
 * Every table is read in one REPEATABLE READ, READ ONLY transaction: one snapshot, so a load running at
 * the same time is seen whole or not at all. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "load_table.h"
#include "pg.h"
#include "progress.h"

typedef struct copy_reader {
	cw_pg *pg;
	const char *what;
	char *row;     /* the current row from PQgetCopyData */
	size_t len, off;
	int done;
	int rc;        /* an error of the COPY, its message in msg */
	char msg[1024];
} copy_reader;

static long fail_read(copy_reader *r, const PGresult *res)
{
	r->rc = cw_pg_fail(r->pg, res, r->what);
	snprintf(r->msg, sizeof r->msg, "%s", cw_error_last());
	r->done = 1;
	errno = EIO;
	return -1;
}

/* The end of the COPY: its command result must be a success. */
static long finish_copy(copy_reader *r)
{
	PGresult *res;
	long out = 0;
	r->done = 1;
	while ((res = PQgetResult(r->pg->conn)) != NULL) {
		if (out == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
			out = fail_read(r, res);
		PQclear(res);
	}
	return out;
}

/* cw_csv_read_fn: fills buf with COPY rows, whole or in part. */
static long copy_read(void *ctx, char *buf, size_t n)
{
	copy_reader *r = ctx;
	size_t got = 0;
	while (got < n) {
		if (r->off == r->len) {
			if (r->row)
				PQfreemem(r->row);
			r->row = NULL;
			r->len = r->off = 0;
			if (r->done)
				break;
			int k = PQgetCopyData(r->pg->conn, &r->row, 0);
			if (k == -1) {
				if (finish_copy(r) < 0)
					return -1;
				break;
			}
			if (k < 0)
				return fail_read(r, NULL);
			r->len = (size_t)k;
		}
		size_t take = r->len - r->off < n - got ? r->len - r->off : n - got;
		memcpy(buf + got, r->row + r->off, take);
		r->off += take;
		got += take;
	}
	return (long)got;
}

static int extract_table(cw_pg *pg, int table, cw_builder *b, const cw_load_opts *opts, cw_load_stats *stats,
                         cw_rowbuf *rb)
{
	char file[64], what[160];
	const char *tname = cw_table_name(table), *sql;
	snprintf(file, sizeof file, "extract_%s.sql", tname);
	snprintf(what, sizeof what, "extracting %s (queries/%s)", tname, file);
	int rc = cw_pg_sql(file, &sql);
	if (rc < 0)
		return rc;
	PGresult *res = PQexec(pg->conn, sql);
	if (!res || PQresultStatus(res) != PGRES_COPY_OUT) {
		rc = cw_pg_fail(pg, res, what);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	copy_reader r = { .pg = pg, .what = what };
	cw_table_input in = { .table = table, .name = what, .file = tname };
	if ((rc = cw_csv_open_reader(&in.csv, copy_read, &r, what, NULL)) < 0)
		return rc;
	rc = cw_load_table(b, &in, opts, stats, rb);
	cw_csv_close(in.csv);
	if (r.row)
		PQfreemem(r.row);
	if (r.rc < 0) /* the CSV reader only saw a failed read: give the server's reason */
		return cw_error_set(r.rc, "%s", r.msg);
	if (rc == 0 && !r.done)
		return cw_error_set(CW_EDB, "%s: the COPY output did not end where expected", what);
	return rc;
}

static int bind_window(cw_pg *pg, const cw_window *w)
{
	char ws[CW_FMT_SIZE], ms[CW_FMT_SIZE], me[CW_FMT_SIZE];
	const char *params[3] = { cw_format_time(w->window_start, ws), cw_format_time(w->month_start, ms),
	                          cw_format_time(w->month_end, me) };
	return cw_pg_run_file(pg, "extract_params.sql", 3, params, NULL);
}

int cw_load_pg(cw_pg *pg, const cw_load_opts *opts, cw_dataset **out, cw_load_stats *stats)
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
	rc = cw_pg_exec(pg, "starting the extraction", "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (rc == 0)
		rc = bind_window(pg, cw_builder_window(b));
	for (int t = 0; t < CW_T_COUNT && rc == 0; t++)
		rc = extract_table(pg, t, b, opts, stats, &rb);
	if (rc == 0)
		rc = cw_pg_exec(pg, "ending the extraction", "COMMIT");
	else if (PQstatus(pg->conn) == CONNECTION_OK && PQtransactionStatus(pg->conn) != PQTRANS_ACTIVE)
		PQclear(PQexec(pg->conn, "ROLLBACK"));
	cw_rowbuf_free(&rb);
	if (rc < 0) {
		cw_builder_free(b);
		return rc;
	}
	cw_progress_begin("indexing the month", 0, "");
	rc = cw_builder_finish(b, out);
	cw_progress_end();
	stats->seconds = cw_now() - t0;
	return rc;
}
