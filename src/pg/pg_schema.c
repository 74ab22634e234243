/* pg_schema.c: creating and migrating claimwatch's database schema (queries/schema.sql and
 * queries/migrations/NNNN.sql), under an advisory lock so that two `db init` never race. */
#include <stdio.h>
#include <stdlib.h>
#include "claimwatch/error.h"
#include "pg/pg.h"

#define SCHEMA_LOCK "SELECT pg_advisory_xact_lock(7478003741)" /* any fixed number: claimwatch's */

/* The version recorded in the database, 0 when there is no claimwatch schema. */
static int db_version(cw_pg *pg, int *version)
{
	PGresult *res;
	const char *what = "reading claimwatch's schema version";
	int rc = cw_pg_query(pg, what, "SELECT to_regclass('claimwatch.schema_version') IS NOT NULL", 0, NULL, &res);
	if (rc < 0)
		return rc;
	int present = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	*version = 0;
	if (!present)
		return 0;
	if ((rc = cw_pg_query(pg, what, "SELECT coalesce(max(version), 0) FROM claimwatch.schema_version", 0, NULL,
	                      &res)) < 0)
		return rc;
	*version = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/* Runs one SQL file in its own transaction. */
static int apply(cw_pg *pg, const char *file)
{
	const char *sql;
	char what[160];
	int rc = cw_pg_sql(file, &sql);
	if (rc < 0)
		return rc;
	snprintf(what, sizeof what, "applying queries/%s", file);
	if ((rc = cw_pg_exec(pg, what, "BEGIN")) < 0)
		return rc;
	if ((rc = cw_pg_exec(pg, what, SCHEMA_LOCK)) == 0 && (rc = cw_pg_exec(pg, what, sql)) == 0)
		return cw_pg_exec(pg, what, "COMMIT");
	PQclear(PQexec(pg->conn, "ROLLBACK"));
	return rc;
}

int cw_pg_schema_init(cw_pg *pg, int *from, int *to)
{
	int v, rc = db_version(pg, &v);
	if (rc < 0)
		return rc;
	*from = *to = v;
	if (v > CW_PG_SCHEMA_VERSION)
		return cw_error_set(CW_EINVALID, "the database %s has claimwatch schema version %d, newer than the %d "
		                    "this claimwatch knows: use a newer claimwatch", pg->target, v,
		                    CW_PG_SCHEMA_VERSION);
	if (v == 0) {
		if ((rc = apply(pg, "schema.sql")) < 0)
			return rc;
		return db_version(pg, to);
	}
	for (int n = v + 1; n <= CW_PG_SCHEMA_VERSION; n++) {
		char file[64];
		snprintf(file, sizeof file, "migrations/%04d.sql", n);
		if ((rc = apply(pg, file)) < 0)
			return rc;
	}
	return db_version(pg, to);
}

int cw_pg_schema_check(cw_pg *pg)
{
	int v, rc = db_version(pg, &v);
	if (rc < 0)
		return rc;
	if (v == 0)
		return cw_error_set(CW_ENOTFOUND, "the database %s has no claimwatch schema: create it with "
		                    "`claimwatch db init --db URL`", pg->target);
	if (v < CW_PG_SCHEMA_VERSION)
		return cw_error_set(CW_EINVALID, "the database %s has claimwatch schema version %d, older than %d: "
		                    "migrate it with `claimwatch db init --db URL`", pg->target, v, CW_PG_SCHEMA_VERSION);
	if (v > CW_PG_SCHEMA_VERSION)
		return cw_error_set(CW_EINVALID, "the database %s has claimwatch schema version %d, newer than the %d "
		                    "this claimwatch knows: use a newer claimwatch", pg->target, v,
		                    CW_PG_SCHEMA_VERSION);
	return 0;
}
