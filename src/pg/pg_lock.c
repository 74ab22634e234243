/* pg_lock.c: runs and loads exclude each other (see pg.h).
 *
 * One advisory lock of the database stands for its input tables: a run's extraction holds it shared, a
 * load exclusive, so a run never reads a load half-done (which, as a load moves whole partitions, could
 * show a month without its lines) and a load waits for the extractions under way. The run takes it at
 * session level before its REPEATABLE READ transaction begins, so that its snapshot is taken after the
 * load has committed; the load takes it inside its transaction, which releases it.
 *
 * `claimwatch serve --db` takes it shared inside each accepted claim's transaction, without waiting: a
 * claim that comes during a load is refused (503), the client sends it again later.
 *
 * Whoever finds the lock taken says so in a note and then waits: a run for at most pg->load_wait
 * seconds (lock_timeout), then fails with a message that says why; a load for as long as it takes. */
#include <stdio.h>
#include <string.h>
#include "claimwatch/error.h"
#include "pg/pg.h"
#include "util/progress.h"

#define DATA_LOCK "7478003743" /* the key `load` has always held while it loads */
#define LOCK_TIMEOUT_STATE "55P03"

/* Runs a one-value boolean query: 1 for true, 0 for false, < 0 on error (*state: its SQLSTATE or ""). */
static int ask(cw_pg *pg, const char *what, const char *sql, char *state, size_t size)
{
	PGresult *res = PQexec(pg->conn, sql);
	const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	snprintf(state, size, "%s", s ? s : "");
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		int rc = cw_pg_fail(pg, res, what);
		PQclear(res);
		return rc;
	}
	int yes = PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return yes;
}

int cw_pg_lock_for_run(cw_pg *pg)
{
	char state[8], ms[32];
	const char *what = "waiting for the load in progress to finish";
	int rc = ask(pg, what, "SELECT pg_try_advisory_lock_shared(" DATA_LOCK ")", state, sizeof state);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (pg->load_wait == 0)
		return cw_error_set(CW_EDB, "a load into %s is in progress: run again when it is done (or give "
		                    "--load-wait SECONDS to wait for it)", pg->target);
	cw_progress_note("%s: a load is in progress: waiting for it to finish (at most %d s, --load-wait)",
	                 pg->target, pg->load_wait);
	snprintf(ms, sizeof ms, "%lld", 1000LL * pg->load_wait);
	const char *params[1] = { ms };
	if ((rc = cw_pg_query(NULL, pg, what, "SELECT set_config('lock_timeout', $1, false)", 1, params)) < 0)
		return rc;
	rc = ask(pg, what, "SELECT true FROM pg_advisory_lock_shared(" DATA_LOCK ")", state, sizeof state);
	if (rc < 0 && !strcmp(state, LOCK_TIMEOUT_STATE))
		rc = cw_error_set(CW_EDB, "a load into %s was still in progress after %d s (--load-wait): nothing was "
		                  "read; run again when it is done", pg->target, pg->load_wait);
	int rc2 = cw_pg_exec(pg, "waiting for the load in progress to finish", "RESET lock_timeout");
	return rc < 0 ? rc : rc2;
}

void cw_pg_unlock_for_run(cw_pg *pg)
{
	if (PQstatus(pg->conn) == CONNECTION_OK)
		PQclear(PQexec(pg->conn, "SELECT pg_advisory_unlock_shared(" DATA_LOCK ")"));
}

int cw_pg_lock_for_load(cw_pg *pg)
{
	char state[8];
	const char *what = "waiting for the runs reading the database, or another load, to finish";
	int rc = ask(pg, what, "SELECT pg_try_advisory_xact_lock(" DATA_LOCK ")", state, sizeof state);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	cw_progress_note("%s: runs are reading the database, or another load is in progress: waiting for them "
	                 "to finish", pg->target);
	rc = ask(pg, what, "SELECT true FROM pg_advisory_xact_lock(" DATA_LOCK ")", state, sizeof state);
	return rc < 0 ? rc : 0;
}

int cw_pg_lock_for_commit(cw_pg *pg)
{
	char state[8];
	return ask(pg, "waiting for a load to finish", "SELECT pg_try_advisory_xact_lock_shared(" DATA_LOCK ")", state,
	           sizeof state);
}
