/* pg_stage.c: what every command that writes to the database shares: a CSV file staged with COPY into a
 * temporary table of text columns, a command's row in claimwatch.runs, and a reject file copied into
 * claimwatch.rejects (see pg.h). `claimwatch load` and the write-back of a run's results both use them.
 *
 * A file is staged with COPY FROM STDIN (FORMAT binary: text fields need no quoting, and the server no CSV
 * parsing) into a temporary table of text columns matched to the file's header by name (extra columns do no harm, missing ones are NULL); the formula apostrophe claimwatch's
 * CSV outputs put before formula-like text is taken off, so the database holds the text itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/csv.h"
#include "io/month_summary.h"
#include "pg/pg.h"
#include "pg/pg_binary.h"
#include "util/safetext.h"

#define MAX_STAGE_COLS 96
#ifdef CW_VERSION
#define VERSION_TEXT CW_VERSION
#else
#define VERSION_TEXT "dev"
#endif

static const char *const rejects_cols[] = { "file", "line", "column", "reason", "record", NULL };

/* CREATE TEMP TABLE stage ("a" text, "b" text...) ON COMMIT DROP, from code-defined names only. */
static int create_stage(cw_pg *pg, const char *stage, const char *const *cols, char *what)
{
	char sql[8192];
	size_t n = (size_t)snprintf(sql, sizeof sql, "CREATE TEMP TABLE %s (", stage);
	for (int j = 0; cols[j]; j++)
		n += (size_t)snprintf(sql + n, sizeof sql - n, "%s\"%s\" text", j ? ", " : "", cols[j]);
	snprintf(sql + n, sizeof sql - n, ") ON COMMIT DROP");
	return cw_pg_exec(pg, what, sql);
}

/* Maps the header's fields onto cols: map[j] = the field of column j, or -1. */
static void map_header(const cw_csv_record *hdr, const char *const *cols, int *map)
{
	for (int j = 0; cols[j]; j++) {
		map[j] = -1;
		for (size_t i = 0; i < hdr->nfields; i++)
			if (strlen(cols[j]) == hdr->field[i].len && !memcmp(cols[j], hdr->field[i].ptr, hdr->field[i].len))
				map[j] = (int)i;
	}
}

static int copy_rows(cw_pg *pg, cw_csv *csv, const char *path, const char *const *cols, char *what,
                     long long *rows)
{
	cw_csv_record rec;
	int map[MAX_STAGE_COLS], ncols = 0, rc = cw_csv_next(csv, &rec);
	if (rc <= 0)
		return rc < 0 ? rc : cw_error_set(CW_EINVALID, "%s: empty file (expected a header row)", path);
	if (rec.error)
		return cw_error_set(CW_EINVALID, "%s: unreadable header: %s", path, rec.error);
	while (cols[ncols])
		ncols++;
	if (ncols > MAX_STAGE_COLS)
		return cw_error_set(CW_EINVALID, "%s: %d columns to stage, at most %d", path, ncols, MAX_STAGE_COLS);
	map_header(&rec, cols, map);
	cw_copybuf cb;
	char *o;
	if ((rc = cw_copybuf_init(&cb, pg, what)) < 0)
		return rc;
	if ((o = cw_copybuf_room(&cb, CW_PGBIN_HEADER_LEN)) != NULL) {
		cw_pgbin_put_header(o);
		cb.len += CW_PGBIN_HEADER_LEN;
	}
	while (cb.rc == 0 && (rc = cw_csv_next(csv, &rec)) > 0) {
		if (rec.error) {
			rc = cw_error_set(CW_EINVALID, "%s: line %llu: %s", path, (unsigned long long)rec.line, rec.error);
			break;
		}
		size_t need = 2;
		for (size_t i = 0; i < rec.nfields; i++)
			need += CW_PGBIN_FIELD_ROOM(rec.field[i].len);
		if (!(o = cw_copybuf_room(&cb, need + 4 * (size_t)ncols)))
			break;
		char *start = o;
		o = cw_pgbin_put_tuple(o, ncols);
		for (int j = 0; j < ncols; j++) { /* text: a missing column or an empty field is NULL */
			int i = map[j];
			int have = i >= 0 && (size_t)i < rec.nfields;
			size_t skip = have ? cw_csv_unneutral(rec.field[i].ptr, rec.field[i].len) : 0; /* a formula's apostrophe */
			const char *why;
			o = cw_pgbin_encode(o, &why, CW_PGBIN_TEXT, have ? rec.field[i].ptr + skip : NULL,
			                    have ? rec.field[i].len - skip : 0);
		}
		cb.len += (size_t)(o - start);
		(*rows)++;
	}
	if (rc == 0 && cb.rc == 0 && (o = cw_copybuf_room(&cb, 2)) != NULL) {
		cw_pgbin_put_trailer(o);
		cb.len += 2;
	}
	if (rc == 0)
		rc = cw_copybuf_flush(&cb);
	else if (cb.rc < 0)
		rc = cb.rc;
	cw_copybuf_free(&cb);
	return rc;
}

int cw_pg_stage_csv(long long *rows, cw_pg *pg, const char *path, const char *stage, const char *const *cols)
{
	char what[512], sql[256];
	snprintf(what, sizeof what, "writing %s to the database", path);
	*rows = 0;
	int rc = create_stage(pg, stage, cols, what);
	if (rc < 0)
		return rc;
	cw_csv *csv;
	if ((rc = cw_csv_open(&csv, path, NULL)) < 0)
		return rc;
	snprintf(sql, sizeof sql, "COPY %s FROM STDIN WITH (FORMAT binary)", stage);
	if ((rc = cw_pg_copy_in_begin(pg, what, sql)) == 0) {
		rc = copy_rows(pg, csv, path, cols, what, rows);
		if (rc < 0)
			cw_pg_copy_in_abort(pg, "claimwatch stopped the copy");
		else
			rc = cw_pg_copy_in_end(pg, what);
	}
	cw_csv_close(csv);
	return rc;
}

int cw_pg_insert_run(char *id, cw_pg *pg, const cw_pg_run_row *row)
{
	char started[32], read[24], rejected[24], findings[24];
	snprintf(started, sizeof started, "%.3f", row->started);
	snprintf(read, sizeof read, "%lld", row->rows_read);
	snprintf(rejected, sizeof rejected, "%lld", row->rows_rejected);
	snprintf(findings, sizeof findings, "%lld", row->findings);
	char *summary = cw_read_small_file(row->summary_path);
	const char *params[11] = { row->command, row->month, row->status, row->source, started, VERSION_TEXT,
	                           read, rejected, findings, summary, row->run_id };
	PGresult *res;
	int rc = cw_pg_run_file(&res, pg, "write_run.sql", 11, params);
	free(summary);
	if (rc < 0)
		return rc;
	snprintf(id, 24, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

int cw_pg_write_rejects(cw_pg *pg, const char *path, const char *run_id)
{
	long long rows;
	int rc = cw_pg_stage_csv(&rows, pg, path, "cw_stage_rejects", rejects_cols);
	if (rc == 0) {
		const char *params[1] = { run_id };
		rc = cw_pg_run_file(NULL, pg, "write_rejects.sql", 1, params);
	}
	return rc;
}
