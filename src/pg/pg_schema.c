/* pg_schema.c: creating, migrating and checking claimwatch's database schema.
 *
 * `db init` runs in one transaction, under an advisory lock so that two never race: schema.sql on a
 * database without claimwatch's schema (or whose `claimwatch` schema lost its version: every statement
 * of schema.sql may run over what is there), the migrations queries/migrations/NNNN.sql on an older one,
 * then queries/functions.sql, then a check of every table's columns. The check compares the live tables
 * with schema.sql itself: the file is applied a second time under other names (the input tables into
 * the schema REF_INPUT through the search_path, `claimwatch.` renamed REF_RESULTS), each reference
 * table's columns are looked up in its live table (queries/schema_diff.sql), then the reference is
 * dropped. A missing column that may be NULL (or has a default) is added, and said; a missing required
 * one is an error that names it and says what to do.
 *
 * `run`, `load` and `case` check less, and change nothing: the version, and that the input tables have
 * every column of the data contract (rows.h) that the extraction and the load name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "pg/pg.h"
#include "source/rows.h"
#include "util/progress.h"

#define SCHEMA_LOCK "SELECT pg_advisory_xact_lock(7478003741)" /* any fixed number: claimwatch's */
#define REF_INPUT "cw_reference_input"
#define REF_RESULTS "cw_reference_results"

/* The version recorded in the database: 0 when there is no claimwatch schema, CW_PG_SCHEMA_UNKNOWN when
 * the schema is there without its version (the table or its row gone). */
static int db_version(cw_pg *pg, int *version)
{
	PGresult *res;
	const char *what = "reading claimwatch's schema version";
	int rc = cw_pg_query(&res, pg, what, "SELECT to_regnamespace('claimwatch') IS NOT NULL, "
	                     "to_regclass('claimwatch.schema_version') IS NOT NULL", 0, NULL);
	if (rc < 0)
		return rc;
	int schema = PQgetvalue(res, 0, 0)[0] == 't', table = PQgetvalue(res, 0, 1)[0] == 't';
	PQclear(res);
	*version = schema ? CW_PG_SCHEMA_UNKNOWN : 0;
	if (!table)
		return 0;
	if ((rc = cw_pg_query(&res, pg, what, "SELECT max(version) FROM claimwatch.schema_version", 0, NULL)) < 0)
		return rc;
	if (!PQgetisnull(res, 0, 0))
		*version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

static int newer(cw_pg *pg, int v)
{
	return cw_error_set(CW_EINVALID, "the database %s has claimwatch schema version %d, newer than the %d this "
	                    "claimwatch knows: use a newer claimwatch", pg->target, v, CW_PG_SCHEMA_VERSION);
}

/* Runs one SQL file (the caller's transaction). */
static int apply(cw_pg *pg, const char *file)
{
	const char *sql;
	char what[160];
	int rc = cw_pg_sql(&sql, file);
	if (rc < 0)
		return rc;
	snprintf(what, sizeof what, "applying queries/%s", file);
	return cw_pg_exec(pg, what, sql);
}

/* s with every `from` replaced by `to` (malloc'd), NULL when out of memory. */
static char *replace_all(const char *s, const char *from, const char *to)
{
	size_t nf = strlen(from), nt = strlen(to), n = 0;
	for (const char *p = s; (p = strstr(p, from)); p += nf)
		n++;
	char *out = malloc(strlen(s) + n * (nt > nf ? nt - nf : 0) + 1), *o = out;
	if (!out)
		return NULL;
	for (const char *p = s, *q; ; p = q + nf) {
		if (!(q = strstr(p, from))) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, to, nt);
		o += nt;
	}
	return out;
}

/* schema.sql applied under the reference names, the search_path put back after. */
static int build_reference(cw_pg *pg)
{
	const char *sql, *what = "building the reference schema to check the tables against";
	int rc = cw_pg_sql(&sql, "schema.sql");
	if (rc < 0)
		return rc;
	char *a = replace_all(sql, "claimwatch.", REF_RESULTS "."),
	     *b = a ? replace_all(a, "SCHEMA IF NOT EXISTS claimwatch;", "SCHEMA " REF_RESULTS ";") : NULL;
	free(a);
	if (!b)
		return cw_error_set(CW_ENOMEM, "out of memory");
	PGresult *res;
	rc = cw_pg_exec(pg, what, "CREATE SCHEMA " REF_INPUT);
	if (rc == 0 && (rc = cw_pg_query(&res, pg, what, "SELECT current_setting('search_path')", 0, NULL)) == 0) {
		char *path = strdup(PQgetvalue(res, 0, 0));
		PQclear(res);
		const char *params[1] = { path };
		if (!path)
			rc = cw_error_set(CW_ENOMEM, "out of memory");
		if (rc == 0)
			rc = cw_pg_exec(pg, what, "SELECT set_config('search_path', '" REF_INPUT "', true)");
		if (rc == 0)
			rc = cw_pg_exec(pg, what, b);
		if (rc == 0)
			rc = cw_pg_query(NULL, pg, what, "SELECT set_config('search_path', $1, true)", 1, params);
		free(path);
	}
	free(b);
	return rc;
}

/* Adds the missing columns that can be added; the first that cannot is the error. */
static int fix_columns(cw_pg *pg, int *added)
{
	const char *params[2] = { REF_INPUT, REF_RESULTS };
	PGresult *res;
	int rc = cw_pg_run_file(&res, pg, "schema_diff.sql", 2, params);
	if (rc < 0)
		return rc;
	for (int i = 0; i < PQntuples(res) && rc == 0; i++) {
		const char *table = PQgetvalue(res, i, 0), *column = PQgetvalue(res, i, 1), *type = PQgetvalue(res, i, 2);
		if (PQgetisnull(res, i, 3)) {
			rc = cw_error_set(CW_EINVALID, "the table %s of %s has no column \"%s\" (%s NOT NULL), which claimwatch "
			                  "needs and cannot add empty: add and fill it (ALTER TABLE %s ADD COLUMN %s %s, "
			                  "UPDATE, ALTER COLUMN %s SET NOT NULL), then run `claimwatch db init` again",
			                  table, pg->target, column, type, table, column, type, column);
			break;
		}
		char what[256];
		snprintf(what, sizeof what, "adding the column %s to %s", column, table);
		if ((rc = cw_pg_exec(pg, what, PQgetvalue(res, i, 3))) == 0) {
			cw_progress_note("%s: added the column %s (%s) that the table %s lacked", pg->target, column, type, table);
			(*added)++;
		}
	}
	PQclear(res);
	return rc;
}

static int check_columns(cw_pg *pg, int *added)
{
	int rc = build_reference(pg);
	if (rc == 0)
		rc = fix_columns(pg, added);
	if (rc == 0)
		rc = cw_pg_exec(pg, "dropping the reference schema",
		                "DROP SCHEMA " REF_INPUT " CASCADE; DROP SCHEMA " REF_RESULTS " CASCADE");
	return rc;
}

/* The schema or the migrations, the functions and the columns, in the open transaction. */
static int init_in_transaction(cw_pg *pg, int *from, int *to, int *added)
{
	int v, rc = cw_pg_exec(pg, "waiting for another claimwatch db init", SCHEMA_LOCK);
	if (rc == 0)
		rc = db_version(pg, &v);
	if (rc < 0)
		return rc;
	*from = v;
	if (v > CW_PG_SCHEMA_VERSION)
		return newer(pg, v);
	if (v <= 0)
		rc = apply(pg, "schema.sql");
	for (int n = v + 1; v > 0 && n <= CW_PG_SCHEMA_VERSION && rc == 0; n++) {
		char file[64];
		snprintf(file, sizeof file, "migrations/%04d.sql", n);
		rc = apply(pg, file);
	}
	if (rc == 0)
		rc = apply(pg, "functions.sql");
	if (rc == 0)
		rc = check_columns(pg, added);
	if (rc == 0)
		rc = db_version(pg, to);
	return rc;
}

int cw_pg_schema_init(int *from, int *to, int *added, cw_pg *pg)
{
	*from = *to = *added = 0;
	int rc = cw_pg_exec(pg, "starting claimwatch db init", "BEGIN");
	if (rc == 0)
		rc = init_in_transaction(pg, from, to, added);
	if (rc == 0)
		return cw_pg_exec(pg, "committing claimwatch db init", "COMMIT");
	if (PQstatus(pg->conn) == CONNECTION_OK)
		PQclear(PQexec(pg->conn, "ROLLBACK"));
	return rc;
}

/* The data contract's (table, column) pairs as two array literals, for queries/schema_columns.sql. */
static void contract_columns(char *tables, char *columns, size_t size)
{
	size_t nt = 0, nc = 0;
	tables[nt++] = '{';
	columns[nc++] = '{';
	for (int t = 0; t < CW_T_COUNT; t++) {
		const cw_row_schema *s = cw_row_schema_of(t);
		for (int j = 0; j < s->ncols; j++) {
			int first = nc == 1;
			nt += (size_t)snprintf(tables + nt, size - nt, "%s%s", first ? "" : ",", cw_table_name(t));
			nc += (size_t)snprintf(columns + nc, size - nc, "%s%s", first ? "" : ",", s->cols[j]);
		}
	}
	snprintf(tables + nt, size - nt, "}");
	snprintf(columns + nc, size - nc, "}");
}

/* Every column of the contract is in its input table: otherwise what is missing and what to do. */
static int check_contract(cw_pg *pg)
{
	char tables[2048], columns[2048];
	contract_columns(tables, columns, sizeof tables);
	const char *params[2] = { tables, columns };
	PGresult *res;
	int rc = cw_pg_run_file(&res, pg, "schema_columns.sql", 2, params);
	if (rc < 0 || PQntuples(res) == 0) {
		PQclear(res);
		return rc;
	}
	const char *table = PQgetvalue(res, 0, 0), *column = PQgetvalue(res, 0, 1);
	const cw_row_schema *s = NULL;
	for (int t = 0; t < CW_T_COUNT && !s; t++)
		if (!strcmp(cw_table_name(t), table))
			s = cw_row_schema_of(t);
	int j = s ? cw_row_schema_find(s, column, strlen(column)) : -1;
	if (PQgetvalue(res, 0, 2)[0] != 't')
		rc = cw_error_set(CW_ENOTFOUND, "the database %s: relation \"%s\" does not exist (are the tables there? "
		                  "`claimwatch db init --db URL` creates them)", pg->target, table);
	else if (j >= 0 && s->optional[j])
		rc = cw_error_set(CW_EINVALID, "the table %s of %s has no column \"%s\" (an optional column of the data "
		                  "contract, newer than the table): `claimwatch db init --db URL` adds it", table,
		                  pg->target, column);
	else
		rc = cw_error_set(CW_EINVALID, "the table %s of %s has no column \"%s\", which the data contract "
		                  "requires (docs/data-format.md): add and fill it", table, pg->target, column);
	PQclear(res);
	return rc;
}

int cw_pg_schema_check(cw_pg *pg)
{
	int v, rc = db_version(pg, &v);
	if (rc < 0)
		return rc;
	if (v == 0)
		return cw_error_set(CW_ENOTFOUND, "the database %s has no claimwatch schema: create it with "
		                    "`claimwatch db init --db URL`", pg->target);
	if (v == CW_PG_SCHEMA_UNKNOWN)
		return cw_error_set(CW_EINVALID, "the database %s has a claimwatch schema without its version "
		                    "(claimwatch.schema_version is missing or empty): `claimwatch db init --db URL` "
		                    "checks and completes it and records the version", pg->target);
	if (v < CW_PG_SCHEMA_VERSION)
		return cw_error_set(CW_EINVALID, "the database %s has claimwatch schema version %d, older than %d: "
		                    "migrate it with `claimwatch db init --db URL`", pg->target, v, CW_PG_SCHEMA_VERSION);
	if (v > CW_PG_SCHEMA_VERSION)
		return newer(pg, v);
	return check_contract(pg);
}
