/* pg_load.h: `claimwatch load`, a folder of CSV files into the database (pg_copyin.c). */
#ifndef CW_PG_LOAD_H
#define CW_PG_LOAD_H
#include "claimwatch/source.h"
#include "pg/pg.h"

struct cw_pseudo;
typedef struct cw_pg_load_opts {
	const char *rejects_path; /* the reject file to write */
	const char *rejects_name; /* what messages call it; NULL: a private file the user never sees */
	double max_reject_share;  /* above it the load is rolled back (CW_EREJECTS) */
	const struct cw_pseudo *pseudo; /* pseudonymises the patient ids of rejected rows; NULL: withheld */
	int replace;              /* replace the months replace_first..replace_last as a whole */
	cw_month replace_first, replace_last;
} cw_pg_load_opts;

/* What the load did to the claim lines of one month. */
typedef struct cw_pg_load_month {
	char month[8];             /* YYYY-MM */
	long long loaded;          /* lines of the folder */
	long long before;          /* lines the month had before the load */
	long long replaced;        /* of those, the earlier versions of lines loaded (same line_id) */
	long long removed;         /* of those, removed without a new version (--replace-months) */
	long long results_removed; /* exam results of the removed lines, removed with them */
	int replaced_whole;        /* the month was replaced as a whole */
} cw_pg_load_month;

#define CW_PG_LOAD_MONTHS 240
typedef struct cw_pg_load_report {
	char run_id[24]; /* the load's row in claimwatch.runs */
	double share;    /* rejected rows over rows read */
	int nmonths;     /* months whose claim lines changed, in order */
	cw_pg_load_month months[CW_PG_LOAD_MONTHS];
	int budgets;     /* rows of DIR/budgets.csv added or corrected (0 when the folder has none) */
} cw_pg_load_report;

/* Loads DIR/<table>.csv for every table of the contract, in one transaction: every row is added, or
 * replaces the row of the same key (a claim line: of the same line_id, in whatever month); the months
 * of opts->replace are replaced as a whole. The optional DIR/budgets.csv goes into budgets likewise. */
int cw_pg_load(cw_load_stats *stats, cw_pg_load_report *rep, cw_pg *pg, const char *dir,
               const cw_pg_load_opts *opts);

/* --- the upsert as a bulk operation (pg_bulk.c) ----------------------------------------------------- */

/* The indexes dropped for a bulk load, to build again. */
typedef struct cw_pg_paused {
	char **def; /* CREATE INDEX statements */
	int n;
} cw_pg_paused;
/* Drops the indexes of `table` that back no constraint when the user owns it and the staged rows
 * (in `stage`) take at least an eighth of its size (queries/load_index_pause.sql); p lists them. */
int cw_pg_index_pause(cw_pg_paused *p, cw_pg *pg, const char *table, const char *stage);
/* Builds them again; frees p. */
int cw_pg_index_resume(cw_pg_paused *p, cw_pg *pg, const char *table);
void cw_pg_paused_free(cw_pg_paused *p);

/* --- tables without rows: COPY straight into them (pg_direct.c) ------------------------------------ */

typedef struct cw_pg_direct {
	unsigned char empty[CW_T_COUNT];  /* the table had no row when the load began */
	unsigned char plain[CW_T_COUNT];  /* it is a plain table (not partitioned, not a view) */
	unsigned char freeze[CW_T_COUNT]; /* empty, plain and truncated in the load's transaction: COPY FREEZE */
} cw_pg_direct;
/* In the load's transaction, before any row: sets the load's session settings (queries/load_session.sql),
 * finds the input tables without rows and truncates them together (in a savepoint: when the server
 * refuses, they are left as they are and d->freeze stays 0). */
int cw_pg_direct_prepare(cw_pg_direct *d, cw_pg *pg);
/* Runs the statement of queries/<file>, whose rows are each one statement (DDL the server wrote with
 * format(), so that no value is pasted into SQL here), then each of those. */
int cw_pg_run_generated(cw_pg *pg, const char *file, int nparams, const char *const *params);

/* `load --db URL --store PATH`: every input table of the database (in one snapshot, as a run reads it)
 * into the columnar store at path (pg_store.c, docs/store.md). */
struct cw_cs_load_report;
int cw_pg_load_store(struct cw_cs_load_report *rep, cw_pg *pg, const char *path);

#endif
