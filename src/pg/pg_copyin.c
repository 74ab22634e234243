/* pg_copyin.c: `claimwatch load`: a folder of the contract's CSV files into PostgreSQL.
 *
 * Every file is read, mapped, typed and checked exactly as a run reads it (load_table.h, with a
 * builder whose window takes every date), so the same rows are rejected for the same reasons, into a
 * reject file of the same format and into claimwatch.rejects. The rows taken are streamed with COPY
 * FROM STDIN as they are read: straight into a table that had no row (pg_direct.c), otherwise into a
 * staging table, then, per table:
 *   - claim lines are added, each replacing the line of the same line_id wherever it is; months named
 *     by --replace-months are replaced as a whole, their lines without a new version removed with their
 *     exam results (queries/load_claim_lines.sql, claimwatch.merge_claim_months);
 *   - the other tables are upserted on their primary key (queries/load_<table>.sql);
 *   - the optional budgets.csv, when the folder has one, is added or corrected by (inst_id, year)
 *     (queries/load_budgets.sql, pg_budgets.c).
 * So a folder of late corrections changes those lines only, and loading a month twice does not
 * duplicate it. All of it is one transaction, under the data lock that keeps runs from reading a load
 * half-done (pg_lock.c): a load that fails, or rejects more than the allowed share, changes nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "claimwatch/error.h"
#include "source/rejects.h"
#include "dataset/dataset_impl.h"
#include "pg/pg.h"
#include "pg/pg_binary.h"
#include "pg/pg_load.h"
#include "source/load_table.h"
#include "util/progress.h"

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

/* Where the rows taken go: the COPY into the table's staging table. Claim lines are staged per month
 * (a partition of claimwatch.claim_lines_stage each): the first row of a month ends the COPY, adds the
 * month's partition and starts the COPY again, so no row is ever moved twice. */
typedef struct stage {
	cw_pg *pg;
	int table;
	cw_copybuf cb;
	char copy_sql[1024];
	cw_pg_load_report *rep;
	int binary;                      /* COPY in binary: every column's type is one pg_binary.h writes */
	uint8_t types[CW_ROW_MAX_COLS];  /* enum cw_pgbin_type per schema column */
	unsigned long long row;          /* rows sent, for messages */
	int direct;                      /* the table had no row: the COPY goes straight into it (pg_direct.c) */
	int freeze;                      /* ... with FREEZE: it was truncated in this transaction */
} stage;

/* The COPY into the stage begins (its binary header) and ends (its trailer). */
static int stage_copy_begin(stage *sg)
{
	int rc = cw_pg_copy_in_begin(sg->pg, sg->cb.what, sg->copy_sql);
	char *o;
	if (rc == 0 && sg->binary) {
		if (!(o = cw_copybuf_room(&sg->cb, CW_PGBIN_HEADER_LEN)))
			return sg->cb.rc;
		cw_pgbin_put_header(o);
		sg->cb.len += CW_PGBIN_HEADER_LEN;
	}
	return rc;
}

static int stage_copy_end(stage *sg)
{
	char *o = sg->binary ? cw_copybuf_room(&sg->cb, 2) : NULL;
	if (o) {
		cw_pgbin_put_trailer(o);
		sg->cb.len += 2;
	}
	int rc = cw_copybuf_flush(&sg->cb);
	if (rc < 0) {
		cw_pg_copy_in_abort(sg->pg, "claimwatch stopped the load");
		return rc;
	}
	return cw_pg_copy_in_end(sg->pg, sg->cb.what);
}

/* A row in binary: each field from the text the builder took. */
static int put_binary(stage *sg, const cw_slice *f, int ncols)
{
	size_t need = 2;
	for (int j = 0; j < ncols; j++)
		need += CW_PGBIN_FIELD_ROOM(f[j].len);
	char *o = cw_copybuf_room(&sg->cb, need), *start = o;
	if (!o)
		return sg->cb.rc;
	o = cw_pgbin_put_tuple(o, ncols);
	for (int j = 0; j < ncols; j++) {
		const char *why;
		char *e = cw_pgbin_encode(o, &why, sg->types[j], f[j].ptr, f[j].len);
		if (!e)
			return sg->cb.rc = cw_error_set(CW_EINVALID, "%s: row %llu, column %s: '%.*s' cannot be written: %s",
			                                sg->cb.what, sg->row, cw_row_schema_of(sg->table)->cols[j],
			                                (int)(f[j].len > 64 ? 64 : f[j].len), f[j].ptr, why);
		o = e;
	}
	sg->cb.len += (size_t)(o - start);
	return 0;
}

/* The report's entry of a month (YYYY-MM), -1 when it has none. */
static int find_month(const cw_pg_load_report *rep, const char *key)
{
	for (int i = 0; i < rep->nmonths; i++)
		if (!strcmp(rep->months[i].month, key))
			return i;
	return -1;
}

/* The report's entry of a month, added when new (the caller checks there is room). */
static int add_month(cw_pg_load_report *rep, const char *key)
{
	int i = find_month(rep, key);
	if (i >= 0)
		return i;
	memset(&rep->months[rep->nmonths], 0, sizeof rep->months[0]);
	snprintf(rep->months[rep->nmonths].month, sizeof rep->months[0].month, "%.7s", key);
	return rep->nmonths++;
}

static int staged_month(stage *sg, const cw_slice *time, int *index)
{
	cw_minute t;
	const char *why;
	if (cw_parse_time(&t, &why, time->ptr, time->len) < 0) /* the builder took it: cannot happen */
		return cw_error_set(CW_EINVALID, "%s: unreadable service_time", sg->cb.what);
	cw_month m = cw_month_of(t);
	char key[16];
	cw_month_format(key, m);
	cw_pg_load_report *rep = sg->rep;
	if ((*index = find_month(rep, key)) >= 0)
		return 0;
	if (rep->nmonths == CW_PG_LOAD_MONTHS)
		return cw_error_set(CW_EINVALID, "%s: claim lines of more than %d months in one load: load the folder "
		                    "in parts", sg->cb.what, CW_PG_LOAD_MONTHS);
	char day[24];
	snprintf(day, sizeof day, "%s-01", key);
	const char *params[1] = { day };
	int rc;
	if ((rc = stage_copy_end(sg)) < 0 || (rc = cw_pg_run_file(NULL, sg->pg, "load_stage_month.sql", 1, params)) < 0 ||
	    (rc = cw_pg_run_generated(sg->pg, "load_stage_bound.sql", 1, params)) < 0 || (rc = stage_copy_begin(sg)) < 0)
		return sg->cb.rc = rc;
	*index = add_month(rep, key);
	return 0;
}

static int sink_row(void *ctx, const cw_slice *f, int ncols)
{
	stage *sg = ctx;
	if (sg->table == CW_T_CLAIMS) {
		int i = 0, rc = staged_month(sg, &f[4], &i);
		if (rc < 0)
			return rc;
		sg->rep->months[i].loaded++;
	}
	sg->row++;
	if (sg->binary)
		return put_binary(sg, f, ncols);
	for (int j = 0; j < ncols; j++)
		cw_copybuf_field(&sg->cb, f[j].ptr, f[j].len, j == ncols - 1);
	return sg->cb.rc;
}

/* Whether the stage's columns all have a type pg_binary.h writes: sg->types then holds them. */
static int stage_types(stage *sg, const char *stage_name, const char *what)
{
	const cw_row_schema *s = cw_row_schema_of(sg->table);
	char list[1024];
	size_t n = 0;
	for (int j = 0; j < s->ncols; j++)
		n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", j ? "," : "", s->cols[j]);
	const char *params[2] = { stage_name, list };
	PGresult *res;
	int rc = cw_pg_query(&res, sg->pg, what,
	                     "SELECT c.name, a.atttypid FROM unnest(string_to_array($2, ',')) WITH ORDINALITY c(name, i) "
	                     "LEFT JOIN pg_attribute a ON a.attrelid = $1::regclass AND a.attname = c.name "
	                     "AND NOT a.attisdropped ORDER BY c.i", 2, params);
	if (rc < 0)
		return rc;
	sg->binary = PQntuples(res) == s->ncols;
	for (int j = 0; j < s->ncols && sg->binary; j++) {
		sg->types[j] = (uint8_t)cw_pgbin_type_of_oid((unsigned)strtoul(PQgetvalue(res, j, 1), NULL, 10));
		sg->binary = sg->types[j] != CW_PGBIN_UNSUPPORTED;
	}
	PQclear(res);
	return 0;
}

/* The staging table of a table and the COPY into it: binary when every column's type allows it, CSV
 * otherwise (a table of the hospital's own with a type claimwatch does not write in binary). A table
 * without rows takes the COPY itself (sg->direct), with FREEZE when it was truncated in the load. */
static int begin_stage(stage *sg, const char *what)
{
	const char *t = cw_table_name(sg->table);
	char sql[1024], name[96];
	int rc;
	if (sg->table == CW_T_CLAIMS) {
		snprintf(name, sizeof name, "claimwatch.claim_lines_stage");
		rc = cw_pg_exec(sg->pg, what, "CREATE TABLE claimwatch.claim_lines_stage (LIKE claim_lines) "
		                "PARTITION BY RANGE (service_time)");
	} else if (sg->direct) {
		snprintf(name, sizeof name, "%s", t);
		rc = 0;
	} else {
		snprintf(name, sizeof name, "pg_temp.cw_load_%s", t);
		snprintf(sql, sizeof sql, "CREATE TEMP TABLE cw_load_%s (LIKE %s) ON COMMIT DROP", t, t);
		rc = cw_pg_exec(sg->pg, what, sql);
	}
	if (rc == 0)
		rc = stage_types(sg, name, what);
	if (rc < 0)
		return rc;
	const cw_row_schema *s = cw_row_schema_of(sg->table);
	char *q = sg->copy_sql;
	size_t n = (size_t)snprintf(q, sizeof sg->copy_sql, "COPY %s (", name);
	for (int j = 0; j < s->ncols; j++)
		n += (size_t)snprintf(q + n, sizeof sg->copy_sql - n, "%s\"%s\"", j ? ", " : "", s->cols[j]);
	snprintf(q + n, sizeof sg->copy_sql - n, ") FROM STDIN WITH (FORMAT %s%s)", sg->binary ? "binary" : "csv",
	         sg->freeze ? ", FREEZE" : "");
	return stage_copy_begin(sg);
}

/* What a table has dropped for the bulk load, to add back after it. */
typedef struct paused {
	cw_pg_paused idx;
	int fks;
} paused;

/* Before the rows go into the table: a large table with foreign keys has its keys dropped (added back,
 * so checked in one pass instead of one query per row, by resume_table); its other indexes likewise
 * when the rows are many (pg_bulk.c: `stage` holds them; the table itself when it is empty). */
static int pause_table(paused *p, cw_pg *pg, int table, const char *stage)
{
	const char *tname = cw_table_name(table), *params[1] = { tname };
	int bulk = table == CW_T_VISITS || table == CW_T_PRESCRIPTIONS, rc = 0;
	PGresult *res;
	memset(p, 0, sizeof *p);
	if (bulk && (rc = cw_pg_run_file(&res, pg, "load_fk_pause.sql", 1, params)) == 0) {
		p->fks = PQgetvalue(res, 0, 0)[0] == 't';
		PQclear(res);
	}
	if (rc == 0)
		rc = cw_pg_index_pause(&p->idx, pg, tname, stage);
	return rc;
}

static int resume_table(paused *p, cw_pg *pg, int table)
{
	const char *tname = cw_table_name(table), *params[1] = { tname };
	int rc = cw_pg_index_resume(&p->idx, pg, tname);
	cw_pg_paused_free(&p->idx);
	if (rc == 0 && p->fks)
		rc = cw_pg_run_file(NULL, pg, "load_fk_resume.sql", 1, params);
	return rc;
}

/* After the COPY into the staging table: the staged rows upserted into the table (which had rows when
 * the load began: an empty one took the COPY itself). */
static int merge_stage(cw_pg *pg, int table)
{
	char file[64], stage[96];
	const char *tname = cw_table_name(table);
	snprintf(file, sizeof file, "load_%s.sql", tname);
	snprintf(stage, sizeof stage, "pg_temp.cw_load_%s", tname);
	paused p;
	int rc = pause_table(&p, pg, table, stage);
	if (rc == 0)
		rc = cw_pg_run_file(NULL, pg, file, 0, NULL);
	if (rc == 0)
		rc = resume_table(&p, pg, table);
	cw_pg_paused_free(&p.idx);
	return rc;
}

static int by_month(const void *a, const void *b)
{
	return strcmp(((const cw_pg_load_month *)a)->month, ((const cw_pg_load_month *)b)->month);
}

/* The staged claim lines into claim_lines; what each month had and lost goes into the report. */
static int merge_claims(cw_pg *pg, const cw_pg_load_opts *opts, cw_pg_load_report *rep)
{
	char from[16] = "", to[16] = "", ym[8];
	if (opts->replace) {
		snprintf(from, sizeof from, "%s-01", cw_month_format(ym, opts->replace_first));
		snprintf(to, sizeof to, "%s-01", cw_month_format(ym, opts->replace_last));
	}
	const char *params[2] = { opts->replace ? from : NULL, opts->replace ? to : NULL };
	PGresult *res;
	int rc = cw_pg_run_file(&res, pg, "load_claim_lines.sql", 2, params);
	if (rc < 0)
		return rc;
	for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
		const char *key = PQgetvalue(res, r, 0);
		if (find_month(rep, key) < 0 && rep->nmonths == CW_PG_LOAD_MONTHS) {
			rc = cw_error_set(CW_EINVALID, "loading claim lines: more than %d months changed in one load: load the "
			                  "folder in parts", CW_PG_LOAD_MONTHS);
			break;
		}
		cw_pg_load_month *m = &rep->months[add_month(rep, key)];
		m->before = atoll(PQgetvalue(res, r, 1));
		m->replaced = atoll(PQgetvalue(res, r, 2));
		m->removed = atoll(PQgetvalue(res, r, 3));
	}
	PQclear(res);
	if (rc == 0)
		rc = cw_pg_run_generated(pg, "load_stage_unbound.sql", 0, NULL);
	for (int i = 0; i < rep->nmonths && opts->replace; i++)
		rep->months[i].replaced_whole =
			strncmp(rep->months[i].month, from, 7) >= 0 && strncmp(rep->months[i].month, to, 7) <= 0;
	qsort(rep->months, (size_t)rep->nmonths, sizeof rep->months[0], by_month);
	return rc;
}

/* --replace-months, once the folder's exam results are in: the results of the lines removed go too. */
static int remove_results(cw_pg *pg, cw_pg_load_report *rep)
{
	PGresult *res;
	int rc = cw_pg_run_file(&res, pg, "load_removed_results.sql", 0, NULL);
	if (rc < 0)
		return rc;
	for (int r = 0; r < PQntuples(res); r++) {
		int i = find_month(rep, PQgetvalue(res, r, 0));
		if (i >= 0)
			rep->months[i].results_removed = atoll(PQgetvalue(res, r, 1));
	}
	PQclear(res);
	return 0;
}

static int load_file(cw_pg *pg, const char *dir, int table, cw_builder *b, const cw_load_opts *lo,
                     cw_load_stats *stats, cw_rowbuf *rb, const cw_pg_load_opts *opts, cw_pg_load_report *rep,
                     const cw_pg_direct *d)
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
	stage sg = { .pg = pg, .table = table, .rep = rep };
	sg.direct = table != CW_T_CLAIMS && d->empty[table];
	sg.freeze = sg.direct && d->freeze[table];
	paused p = { 0 };
	if (sg.direct) /* the table is its own stage: what is dropped goes before the COPY */
		rc = pause_table(&p, pg, table, cw_table_name(table));
	if (rc == 0 && (rc = cw_copybuf_init(&sg.cb, pg, what)) == 0 && (rc = begin_stage(&sg, what)) == 0) {
		in.sink_ctx = &sg;
		rc = cw_load_table(b, &in, lo, stats, rb);
		if (rc == 0)
			rc = stage_copy_end(&sg);
		else
			cw_pg_copy_in_abort(pg, "claimwatch stopped the load");
		if (rc == 0 && table == CW_T_CLAIMS)
			rc = merge_claims(pg, opts, rep);
		else if (rc == 0 && sg.direct)
			rc = resume_table(&p, pg, table);
		else if (rc == 0)
			rc = merge_stage(pg, table);
	}
	cw_pg_paused_free(&p.idx);
	cw_copybuf_free(&sg.cb);
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
	int rc = cw_pg_insert_run(rep->run_id, pg, &row);
	if (rc == 0)
		rc = cw_pg_write_rejects(pg, rejects_path, rep->run_id);
	return rc;
}

int cw_pg_load(cw_load_stats *stats, cw_pg_load_report *rep, cw_pg *pg, const char *dir,
               const cw_pg_load_opts *opts)
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
	if (opts->pseudo) /* the database holds pseudonyms only */
		cw_rejects_pseudonymise(rejects, opts->pseudo);
	else
		cw_rejects_withhold_patients(rejects);
	cw_load_opts lo = { .rejects = rejects };
	cw_rowbuf rb = { 0 };
	cw_pg_direct d;
	rc = cw_pg_exec(pg, "starting the load", "BEGIN");
	if (rc == 0)
		rc = cw_pg_lock_for_load(pg);
	if (rc == 0)
		rc = cw_pg_direct_prepare(&d, pg);
	for (int t = 0; t < CW_T_COUNT && rc == 0; t++)
		rc = load_file(pg, dir, t, b, &lo, stats, &rb, opts, rep, &d);
	if (rc == 0 && opts->replace)
		rc = remove_results(pg, rep);
	if (rc == 0) /* the optional budgets (docs/budget.md), as a run of the folder reads them */
		rc = cw_pg_budgets_load(&rep->budgets, pg, dir);
	cw_rowbuf_free(&rb);
	cw_builder_free(b);
	int rc2 = cw_rejects_close(rejects);
	if (rc == 0)
		rc = rc2;
	rep->share = cw_load_reject_share(stats);
	if (rc == 0 && rep->share > opts->max_reject_share)
		rc = cw_error_set(CW_EREJECTS, "%.2f%% of the rows were rejected, above the limit of %.2f%%: nothing "
		                  "was loaded; %s%s", 100 * rep->share, 100 * opts->max_reject_share,
		                  opts->rejects_name ? "see " : "load again with --rejects FILE to see them",
		                  opts->rejects_name ? opts->rejects_name : "");
	if (rc == 0)
		rc = record_load(pg, dir, stats, started, opts->rejects_path, rep);
	if (rc == 0)
		rc = cw_pg_exec(pg, "committing the load", "COMMIT");
	else if (PQstatus(pg->conn) == CONNECTION_OK)
		PQclear(PQexec(pg->conn, "ROLLBACK"));
	if (rc == 0)
		rc = cw_pg_run_file(NULL, pg, "load_analyze.sql", 0, NULL);
	stats->seconds = cw_now() - t0;
	return rc;
}
