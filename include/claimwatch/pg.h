/*
 * claimwatch/pg.h: a month from a PostgreSQL database into a dataset, as
 * cw_load_csv reads one from a folder of CSV files (claimwatch/source.h).
 *
 * The database holds the data contract's tables in the schema `claimwatch db
 * init` creates (`claimwatch load` fills them from CSV files; docs/postgresql.md).
 * The month's window is read in one read-only snapshot, after any load in
 * progress has finished, with the same typing, checks, reject file (file = the
 * table's name) and counts as the CSV source: the same data gives the same
 * dataset. The connection lasts the call.
 */
#ifndef CLAIMWATCH_PG_H
#define CLAIMWATCH_PG_H

#include "claimwatch/common.h"
#include "claimwatch/source.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Connects with conninfo (a libpq connection string: a URL or key=value pairs; the PG* variables and
 * ~/.pgpass apply; no password is ever put in a message), checks the schema, and reads the month of
 * opts into *out; stats may be NULL. Returns 0, or CW_EDB (the database failed or could not be
 * reached; the message says which, and `claimwatch db init` when tables are missing) or another
 * CW_E* code. */
CW_EXTERN(int) cw_load_db(cw_dataset **out, cw_load_stats *stats, const char *conninfo, const cw_load_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
