/* pg_store.c: `claimwatch load --db URL --store PATH`: the input tables of a database into the columnar
 * store (docs/store.md), through the store's own load (store_write.c, cw_cs_load_source) with the
 * PostgreSQL tables as its source of records.
 *
 * Every row of every table, whatever its month, is read in one snapshot by the run's extraction queries
 * with the widest window (load_pg.c, cw_pg_records_*), rendered in the contract's text form exactly as a
 * run from the database renders it, and kept by the store with its row number. The store types and
 * places it as it does a CSV record, so a run from the store finds what a run from the database finds.
 * Rejected rows are numbered by their row in the whole table, where a run from the database numbers
 * them in the month's extraction (docs/store.md). The budgets table goes in as a budgets.csv. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "pg/pg.h"
#include "pg/pg_load.h"
#include "store/colstore.h"

static int read_table(void *ctx, int table, const cw_load_opts *lo, cw_load_stats *st, cw_record_sink sink,
                      void *sink_ctx, size_t *unknown)
{
	(void)lo;
	*unknown = 0; /* the extraction names its columns: none outside the contract */
	return cw_pg_records_table(ctx, table, st, sink, sink_ctx);
}

static int budgets(void *ctx, char **text, size_t *len) { return cw_pg_budgets_csv(text, len, ctx); }

int cw_pg_load_store(cw_cs_load_report *rep, cw_pg *pg, const char *path)
{
	memset(rep, 0, sizeof *rep);
	int rc = cw_pg_records_begin(pg);
	if (rc < 0)
		return rc;
	cw_cs_source src = { .read = read_table, .budgets = budgets, .ctx = pg, .file_ext = "" };
	rc = cw_cs_load_source(rep, &src, path);
	return cw_pg_records_end(pg, rc);
}
