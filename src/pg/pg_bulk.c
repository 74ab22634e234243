/* pg_bulk.c: `claimwatch load`'s upsert of a staged table made a bulk operation (see pg_load.h).
 *
 * Measured on the 2-core machine (PostgreSQL 16, 413,678 prescriptions, a loaded machine): the
 * upsert INSERT ... ON CONFLICT into the table with its primary key and two indexes took 16.8 s; a
 * plain INSERT into the table with its primary key only 3.0 s, and building the two indexes after it
 * 3.6 s. The speculative insertion of ON CONFLICT, and one index insertion per row and index, are most
 * of a load's time. So a table whose staged rows are at least an eighth of its size has its indexes
 * that back no constraint dropped before and built again after (load_index_pause.sql), inside the
 * load's transaction: other sessions never see the table without them; the result is the upsert's.
 * (A table that has no row yet takes no staging table and no upsert at all: pg_direct.c.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "pg/pg.h"
#include "pg/pg_load.h"

void cw_pg_paused_free(cw_pg_paused *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->def[i]);
	free(p->def);
	memset(p, 0, sizeof *p);
}

int cw_pg_index_pause(cw_pg_paused *p, cw_pg *pg, const char *table, const char *stage)
{
	memset(p, 0, sizeof *p);
	const char *params[2] = { table, stage };
	PGresult *res;
	int rc = cw_pg_run_file(&res, pg, "load_index_pause.sql", 2, params);
	if (rc < 0)
		return rc;
	int n = PQntuples(res);
	if (n > 0 && !(p->def = calloc((size_t)n, sizeof *p->def)))
		rc = cw_error_set(CW_ENOMEM, "out of memory");
	for (int i = 0; i < n && rc == 0; i++) {
		char sql[1024], what[512];
		if (!(p->def[p->n] = strdup(PQgetvalue(res, i, 1)))) {
			rc = cw_error_set(CW_ENOMEM, "out of memory");
			break;
		}
		p->n++;
		snprintf(sql, sizeof sql, "DROP INDEX %s", PQgetvalue(res, i, 0)); /* a name the server quoted */
		snprintf(what, sizeof what, "loading %s: dropping the index %s for the bulk load", table, PQgetvalue(res, i, 0));
		rc = cw_pg_exec(pg, what, sql);
	}
	PQclear(res);
	return rc;
}

int cw_pg_index_resume(cw_pg_paused *p, cw_pg *pg, const char *table)
{
	char what[256];
	snprintf(what, sizeof what, "loading %s: building its indexes again", table);
	int rc = 0;
	for (int i = 0; i < p->n && rc == 0; i++)
		rc = cw_pg_exec(pg, what, p->def[i]);
	cw_pg_paused_free(p);
	return rc;
}
