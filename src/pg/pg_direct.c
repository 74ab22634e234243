/* pg_direct.c: `claimwatch load` into tables without rows (a first load): COPY straight into the table
 * (see pg_load.h, cw_pg_direct).
 *
 * Measured on the 2-core machine (PostgreSQL 15, the --bench server, 2,247,353 prescriptions of the
 * six-month bench folder): COPY into the staging table then INSERT ... SELECT into the table took 5.5 s +
 * 10.0 s of the server; a COPY straight into the table with its primary key 7.0 s, and 4.5 s when the
 * table was truncated in the same transaction (wal_level = minimal then writes no WAL for it, nor for
 * the indexes built after it; COPY ... FREEZE writes the rows frozen, so that nothing rewrites their
 * pages later to set hint bits). Building the primary key after the COPY instead of during it took
 * the same time (5.4 s in all), so the key stays: no foreign key that refers to it has to be dropped.
 *
 * So, at the start of a load, in its transaction:
 *   - the load's session settings (queries/load_session.sql);
 *   - the input tables without a row are found, and truncated together in a savepoint (an empty table
 *     loses nothing; TRUNCATE gives it a new file). When that fails (a table of the hospital's own
 *     refers to one of them, no TRUNCATE privilege), the savepoint is rolled back and the load copies
 *     into them without FREEZE. Nothing is truncated when one of the input tables is published for
 *     logical replication: a subscriber would receive the TRUNCATE, and its table may hold rows of
 *     its own;
 *   - each such table (claim lines aside: they have their own path) then takes its rows by COPY
 *     straight from the folder, with its indexes that back no constraint dropped before and built
 *     after (pg_bulk.c), and its foreign keys paused as the upsert pauses them.
 * The rows are the same as the upsert's: the load sends only the rows it took, with unique keys. */
#include <stdio.h>
#include <string.h>
#include "claimwatch/error.h"
#include "pg/pg.h"
#include "pg/pg_load.h"
#include "source/rows.h"

/* Which input tables have no row, and which of them are plain tables (COPY FREEZE takes no other);
 * *published: one of them is in a publication (logical replication would send the TRUNCATE on). */
static int find_empty(cw_pg_direct *d, int *published, cw_pg *pg)
{
	char sql[6144];
	size_t n = (size_t)snprintf(sql, sizeof sql, "SELECT ");
	for (int t = 0; t < CW_T_COUNT; t++)
		n += (size_t)snprintf(sql + n, sizeof sql - n,
		                      "NOT EXISTS (SELECT 1 FROM %s), (SELECT relkind = 'r' FROM pg_class WHERE oid = '%s'::regclass), ",
		                      cw_table_name(t), cw_table_name(t));
	n += (size_t)snprintf(sql + n, sizeof sql - n, "EXISTS (SELECT 1 FROM pg_publication_tables p JOIN pg_class c ON "
	                      "c.relname = p.tablename JOIN pg_namespace s ON s.oid = c.relnamespace AND s.nspname = p.schemaname "
	                      "WHERE c.oid IN (");
	for (int t = 0; t < CW_T_COUNT; t++)
		n += (size_t)snprintf(sql + n, sizeof sql - n, "%s'%s'::regclass", t ? ", " : "", cw_table_name(t));
	snprintf(sql + n, sizeof sql - n, "))");
	PGresult *res;
	int rc = cw_pg_query(&res, pg, "loading: looking for tables without rows", sql, 0, NULL);
	if (rc < 0)
		return rc;
	for (int t = 0; t < CW_T_COUNT; t++) {
		d->empty[t] = PQgetvalue(res, 0, 2 * t)[0] == 't';
		d->plain[t] = PQgetvalue(res, 0, 2 * t + 1)[0] == 't';
	}
	*published = PQgetvalue(res, 0, 2 * CW_T_COUNT)[0] == 't';
	PQclear(res);
	return 0;
}

/* TRUNCATE of the empty tables together, in a savepoint: 1 when done, 0 when the server refused. */
static int truncate_empty(int *done, cw_pg_direct *d, cw_pg *pg)
{
	char sql[4096];
	size_t n = (size_t)snprintf(sql, sizeof sql, "TRUNCATE ");
	int any = 0;
	*done = 0;
	for (int t = 0; t < CW_T_COUNT; t++)
		if (d->empty[t])
			n += (size_t)snprintf(sql + n, sizeof sql - n, "%s%s", any++ ? ", " : "", cw_table_name(t));
	if (!any)
		return 0;
	int rc = cw_pg_exec(pg, "loading: a savepoint", "SAVEPOINT cw_direct");
	if (rc < 0)
		return rc;
	PGresult *res = PQexec(pg->conn, sql);
	int ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	if (!ok) /* the load goes on without FREEZE: nothing was changed */
		return cw_pg_exec(pg, "loading: back to the savepoint", "ROLLBACK TO SAVEPOINT cw_direct");
	*done = 1;
	return cw_pg_exec(pg, "loading: releasing a savepoint", "RELEASE SAVEPOINT cw_direct");
}

int cw_pg_direct_prepare(cw_pg_direct *d, cw_pg *pg)
{
	memset(d, 0, sizeof *d);
	int rc = cw_pg_run_file(NULL, pg, "load_session.sql", 0, NULL), truncated = 0, published = 0;
	if (rc == 0)
		rc = find_empty(d, &published, pg);
	if (rc == 0 && !published)
		rc = truncate_empty(&truncated, d, pg);
	for (int t = 0; t < CW_T_COUNT && rc == 0; t++)
		d->freeze[t] = truncated && d->empty[t] && d->plain[t];
	return rc;
}

int cw_pg_run_generated(cw_pg *pg, const char *file, int nparams, const char *const *params)
{
	PGresult *res;
	char what[128];
	int rc = cw_pg_run_file(&res, pg, file, nparams, params);
	if (rc < 0)
		return rc;
	snprintf(what, sizeof what, "loading (queries/%s)", file);
	for (int r = 0; rc == 0 && r < PQntuples(res); r++)
		rc = cw_pg_exec(pg, what, PQgetvalue(res, r, 0));
	PQclear(res);
	return rc;
}
