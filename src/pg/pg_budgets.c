/* pg_budgets.c: the optional budgets table from PostgreSQL (schema 9, queries/extract_budgets.sql;
 * document 004, docs/budget.md), each row checked as a row of budgets.csv (source/budgets.c); and
 * `claimwatch load` writing a folder's budgets.csv into it (queries/load_budgets.sql); and the table as a
 * budgets.csv for `load --db URL --store PATH` (pg_store.c). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/outfile.h"
#include "pg/pg.h"
#include "source/budgets.h"

int cw_pg_budgets_read_conn(cw_budget_table *out, cw_pg *pg)
{
	PGresult *res;
	int rc = cw_pg_run_file(&res, pg, "extract_budgets.sql", 0, NULL);
	if (rc < 0)
		return rc;
	snprintf(out->source, sizeof out->source, "%.200s: table budgets", pg->target);
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		char where[320];
		const char *m[12];
		for (int k = 0; k < 12; k++)
			m[k] = PQgetisnull(res, i, 3 + k) ? "" : PQgetvalue(res, i, 3 + k);
		snprintf(where, sizeof where, "%s: table budgets: row %d (%s, %s)", pg->target, i + 1,
		         PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
		rc = cw_budgets_add_text(out, where, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1), PQgetvalue(res, i, 2), m);
	}
	PQclear(res);
	return rc;
}

int cw_pg_budgets_csv(char **out, size_t *len, cw_pg *pg)
{
	static const char *const header[] = { "inst_id", "year", "annual_budget", "m01", "m02", "m03", "m04", "m05",
	                                      "m06", "m07", "m08", "m09", "m10", "m11", "m12", NULL };
	PGresult *res;
	*out = NULL;
	*len = 0;
	int rc = cw_pg_run_file(&res, pg, "extract_budgets.sql", 0, NULL);
	if (rc < 0 || PQntuples(res) == 0) {
		PQclear(res);
		return rc;
	}
	FILE *f = open_memstream(out, len);
	if (!f) {
		PQclear(res);
		return cw_error_set(CW_ENOMEM, "out of memory copying the budgets table");
	}
	cw_csv_header(f, header);
	for (int i = 0; i < PQntuples(res); i++)
		for (int k = 0; k < 15; k++) /* as the values are: a NULL an empty field, as budgets.csv has it */
			cw_csv_put(f, PQgetvalue(res, i, k), (size_t)PQgetlength(res, i, k), k == 14, CW_CSV_RAW);
	PQclear(res);
	int bad = ferror(f);
	if (fclose(f) != 0 || bad) {
		free(*out);
		*out = NULL;
		return cw_error_set(CW_ENOMEM, "out of memory copying the budgets table");
	}
	return 0;
}

int cw_pg_budgets_read(cw_budget_table *out, const char *conninfo)
{
	cw_pg *pg;
	int rc = cw_pg_connect(&pg, conninfo);
	if (rc < 0)
		return rc;
	rc = cw_pg_schema_check(pg);
	if (rc == 0)
		rc = cw_pg_budgets_read_conn(out, pg);
	cw_pg_close(pg);
	return rc;
}

/* A profile weight in millionths as the decimal text the table stores ("0.083333", "100000"). */
static void weight_text(char *o, size_t size, cw_fen w)
{
	snprintf(o, size, "%" PRId64 ".%06" PRId64, w / CW_BUDGET_WEIGHT_ONE, w % CW_BUDGET_WEIGHT_ONE);
}

static int load_row(cw_pg *pg, const cw_budget_row *r)
{
	char year[16], annual[CW_FMT_SIZE], m[12][48];
	const char *params[15] = { r->inst_id, year, cw_format_money(annual, r->annual) };
	snprintf(year, sizeof year, "%d", r->year);
	for (int k = 0; k < 12; k++) {
		weight_text(m[k], sizeof m[k], r->profile[k]);
		params[3 + k] = r->profile_given ? m[k] : NULL;
	}
	return cw_pg_run_file(NULL, pg, "load_budgets.sql", 15, params);
}

int cw_pg_budgets_load(int *n, cw_pg *pg, const char *dir)
{
	cw_budget_table t = { 0 };
	*n = 0;
	int rc = cw_budgets_read_dir(&t, dir);
	for (size_t i = 0; rc == 0 && i < t.n; i++)
		rc = load_row(pg, &t.rows[i]);
	if (rc == 0)
		*n = (int)t.n;
	cw_budgets_free(&t);
	return rc;
}
