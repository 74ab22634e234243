/* pg_history.c: what the result tables say of earlier runs: a month's current run
 * (queries/history_run.sql), and the sanction ladder's earlier months read from claimwatch.ranking (a
 * run from PostgreSQL counts the half-year cycle from the result tables, not from ROOT's files). Each
 * month of the ladder is one COPY (queries/history_ranking.sql) read through the same table reader as
 * ranking.csv; a month without a run in the database is absent, as a month without its folder is under
 * ROOT. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/sanction.h"
#include "io/csvtab.h"
#include "judge/history.h"
#include "pg/pg.h"
#include "run/run.h"

int cw_pg_current_run(cw_pg_month_run *out, cw_pg *pg, const char *month)
{
	char day[16];
	snprintf(day, sizeof day, "%.7s-01", month);
	const char *params[1] = { day };
	PGresult *res;
	memset(out, 0, sizeof *out);
	int rc = cw_pg_run_file(&res, pg, "history_run.sql", 1, params);
	if (rc < 0)
		return rc;
	if (PQntuples(res) > 0) {
		out->run_id = atoll(PQgetvalue(res, 0, 0));
		snprintf(out->finished, sizeof out->finished, "%s", PQgetvalue(res, 0, 1));
		out->lines = atoll(PQgetvalue(res, 0, 2));
	}
	PQclear(res);
	return 0;
}

typedef struct history_ctx {
	cw_pg *pg;
	cw_pg_copyout out;
	char what[96];
} history_ctx;

static int open_month(cw_csvtab **tab, void *ctx, cw_month m, const char *const *columns)
{
	history_ctx *hc = ctx;
	char day[16], ym[8];
	snprintf(day, sizeof day, "%s-01", cw_month_format(ym, m));
	snprintf(hc->what, sizeof hc->what, "reading the ranking of %s from claimwatch.ranking", ym);
	const char *params[1] = { day }, *sql;
	PGresult *res;
	int rc = cw_pg_run_file(&res, hc->pg, "history_month.sql", 1, params);
	if (rc < 0)
		return rc;
	int present = PQntuples(res) > 0;
	PQclear(res);
	if (!present)
		return CW_ENOTFOUND;
	if ((rc = cw_pg_sql(&sql, "history_ranking.sql")) < 0)
		return rc;
	res = PQexec(hc->pg->conn, sql);
	if (!res || PQresultStatus(res) != PGRES_COPY_OUT) {
		rc = cw_pg_fail(hc->pg, res, hc->what);
		PQclear(res);
		return rc;
	}
	PQclear(res);
	hc->out = (cw_pg_copyout){ .pg = hc->pg, .what = hc->what };
	rc = cw_csvtab_open_reader(tab, cw_pg_copyout_read, &hc->out, hc->what, columns);
	if (rc < 0) {
		while (cw_pg_copyout_read(&hc->out, day, sizeof day) > 0) /* end the COPY */
			;
		cw_pg_copyout_free(&hc->out);
	}
	return rc;
}

static void close_month(void *ctx)
{
	history_ctx *hc = ctx;
	char sink[256];
	while (!hc->out.done && cw_pg_copyout_read(&hc->out, sink, sizeof sink) > 0) /* a table read part-way */
		;
	cw_pg_copyout_free(&hc->out);
}

int cw_pg_history_source(cw_pg *pg, cw_history_source *src)
{
	history_ctx *hc = calloc(1, sizeof *hc);
	if (!hc)
		return cw_error_set(CW_ENOMEM, "out of memory");
	hc->pg = pg;
	*src = (cw_history_source){ .open_month = open_month, .close_month = close_month, .ctx = hc };
	return 0;
}

void cw_pg_history_free(cw_history_source *src)
{
	if (src)
		free(src->ctx);
}
