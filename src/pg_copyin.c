/* pg_copyin.c: `claimwatch load`: a folder of the contract's CSV files into PostgreSQL.
 *
 * Every file is read, mapped, typed and checked exactly as a run reads it (load_table.h, with a
 * builder whose window takes every date), so the same rows are rejected for the same reasons, into a
 * reject file of the same format and into claimwatch.rejects. The rows taken are streamed with COPY
 * FROM STDIN into a staging table as they are read, then, per table:
 *   - claim lines replace the months they cover: each month's new rows become its partition
 *     (queries/load_claim_lines.sql), so loading a month twice does not duplicate it;
 *   - the other tables are upserted on their primary key (queries/load_<table>.sql).
 * All of it is one transaction: a load that fails, or rejects more than the allowed share, changes
 * nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "claimwatch/error.h"
#include "dataset_impl.h"
#include "load_table.h"
#include "pg.h"
#include "pg_load.h"
#include "progress.h"

#define LOAD_LOCK "SELECT pg_advisory_xact_lock(7478003743)" /* one load at a time */

/* A builder that takes rows of any date: the window of a load is all of time. */
static int open_builder(cw_builder **b)
{
	int rc = cw_builder_new(b, (cw_month){ 2000, 1 }, 0);
	if (rc == 0) {
		(*b)->ds->win.window_start = CW_MINUTE_NONE + 1;
		(*b)->ds->win.month_start = CW_MINUTE_NONE + 1;
		(*b)->ds->win.month_end = INT32_MAX;
	}
	return rc;
}

static int sink_row(void *ctx, const cw_slice *f, int ncols)
{
	cw_copybuf *cb = ctx;
	for (int j = 0; j < ncols; j++)
		cw_copybuf_field(cb, f[j].ptr, f[j].len, j == ncols - 1);
	return cb->rc;
}

/* The staging table of a table and the COPY into it. */
static int begin_stage(cw_pg *pg, int table, const char *what)
{
	const char *t = cw_table_name(table);
	char sql[1024];
	int rc;
	if (table == CW_T_CLAIMS)
		rc = cw_pg_exec(pg, what, "CREATE TABLE claimwatch.claim_lines_stage (LIKE claim_lines)");
	else {
		snprintf(sql, sizeof sql, "CREATE TEMP TABLE cw_load_%s (LIKE %s) ON COMMIT DROP", t, t);
		rc = cw_pg_exec(pg, what, sql);
	}
	if (rc < 0)
		return rc;
	const cw_row_schema *s = cw_row_schema_of(table);
	size_t n = table == CW_T_CLAIMS ? (size_t)snprintf(sql, sizeof sql, "COPY claimwatch.claim_lines_stage (")
	                                : (size_t)snprintf(sql, sizeof sql, "COPY cw_load_%s (", t);
	for (int j = 0; j < s->ncols; j++)
		n += (size_t)snprintf(sql + n, sizeof sql - n, "%s\"%s\"", j ? ", " : "", s->cols[j]);
	snprintf(sql + n, sizeof sql - n, ") FROM STDIN WITH (FORMAT csv)");
	return cw_pg_copy_in_begin(pg, what, sql);
}

/* After the COPY: move the staged rows into the table. */
static int merge_stage(cw_pg *pg, int table, cw_pg_load_report *rep)
{
	char file[64];
	snprintf(file, sizeof file, "load_%s.sql", cw_table_name(table));
	PGresult *res;
	int rc = cw_pg_run_file(pg, file, 0, NULL, &res);
	if (rc < 0)
		return rc;
	if (table == CW_T_CLAIMS)
		for (int i = 0; i < PQntuples(res) && rep->nmonths < CW_PG_LOAD_MONTHS; i++) {
			snprintf(rep->months[rep->nmonths].month, sizeof rep->months[0].month, "%s", PQgetvalue(res, i, 0));
			rep->months[rep->nmonths++].lines = atoll(PQgetvalue(res, i, 1));
		}
	PQclear(res);
	return 0;
}

static int load_file(cw_pg *pg, const char *dir, int table, cw_builder *b, const cw_load_opts *lo,
                     cw_load_stats *stats, cw_rowbuf *rb, cw_pg_load_report *rep)
{
	char file[64], path[4096], what[4200];
	snprintf(file, sizeof file, "%s.csv", cw_table_name(table));
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, file) >= sizeof path)
		return cw_error_set(CW_EINVALID, "%s: path too long", dir);
	snprintf(what, sizeof what, "loading %s into %s", path, cw_table_name(table));
	cw_table_input in = { .table = table, .name = path, .file = file, .sink = sink_row };
	int rc = cw_csv_open(&in.csv, path, NULL);
	if (rc == CW_ENOTFOUND)
		return cw_error_set(CW_ENOTFOUND, "%s: missing file (every table of the contract needs one, "
		                    "with at least a header row)", path);
	if (rc < 0)
		return rc;
	cw_copybuf cb;
	if ((rc = cw_copybuf_init(&cb, pg, what)) == 0 && (rc = begin_stage(pg, table, what)) == 0) {
		in.sink_ctx = &cb;
		rc = cw_load_table(b, &in, lo, stats, rb);
		if (rc == 0)
			rc = cw_copybuf_flush(&cb);
		if (rc < 0 && PQstatus(pg->conn) == CONNECTION_OK)
			PQputCopyEnd(pg->conn, "claimwatch stopped the load");
		int rc2 = cw_pg_copy_in_end(pg, what);
		if (rc == 0)
			rc = rc2;
		if (rc == 0)
			rc = merge_stage(pg, table, rep);
	}
	cw_copybuf_free(&cb);
	cw_csv_close(in.csv);
	return rc;
}

static int record_load(cw_pg *pg, const char *dir, const cw_load_stats *st, double started,
                       const char *rejects_path, cw_pg_load_report *rep)
{
	cw_pg_run_row row = { .command = "load", .status = "ok", .source = dir, .started = started };
	for (int t = 0; t < CW_T_COUNT; t++) {
		row.rows_read += (long long)st->table[t].read;
		row.rows_rejected += (long long)st->table[t].rejected;
	}
	int rc = cw_pg_insert_run(pg, &row, rep->run_id);
	if (rc == 0)
		rc = cw_pg_write_rejects(pg, rejects_path, rep->run_id);
	return rc;
}

int cw_pg_load(cw_pg *pg, const char *dir, const cw_pg_load_opts *opts, cw_load_stats *stats,
               cw_pg_load_report *rep)
{
	memset(stats, 0, sizeof *stats);
	memset(rep, 0, sizeof *rep);
	double t0 = cw_now(), started = (double)time(NULL);
	cw_builder *b;
	cw_rejects *rejects;
	int rc = cw_rejects_open(&rejects, opts->rejects_path);
	if (rc < 0)
		return rc;
	if ((rc = open_builder(&b)) < 0) {
		cw_rejects_close(rejects);
		return rc;
	}
	cw_load_opts lo = { .rejects = rejects };
	cw_rowbuf rb = { 0 };
	rc = cw_pg_exec(pg, "starting the load", "BEGIN");
	if (rc == 0)
		rc = cw_pg_exec(pg, "waiting for another load to finish", LOAD_LOCK);
	for (int t = 0; t < CW_T_COUNT && rc == 0; t++)
		rc = load_file(pg, dir, t, b, &lo, stats, &rb, rep);
	cw_rowbuf_free(&rb);
	cw_builder_free(b);
	int rc2 = cw_rejects_close(rejects);
	if (rc == 0)
		rc = rc2;
	rep->share = cw_load_reject_share(stats);
	if (rc == 0 && rep->share > opts->max_reject_share)
		rc = cw_error_set(CW_EREJECTS, "%.2f%% of the rows were rejected, above the limit of %.2f%%: nothing "
		                  "was loaded; see %s", 100 * rep->share, 100 * opts->max_reject_share,
		                  opts->rejects_path);
	if (rc == 0)
		rc = record_load(pg, dir, stats, started, opts->rejects_path, rep);
	if (rc == 0)
		rc = cw_pg_exec(pg, "committing the load", "COMMIT");
	else if (PQstatus(pg->conn) == CONNECTION_OK)
		PQclear(PQexec(pg->conn, "ROLLBACK"));
	if (rc == 0)
		rc = cw_pg_run_file(pg, "load_analyze.sql", 0, NULL, NULL);
	stats->seconds = cw_now() - t0;
	return rc;
}
