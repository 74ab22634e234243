/* pg_load.h: `claimwatch load`, a folder of CSV files into the database (pg_copyin.c). */
#ifndef CW_PG_LOAD_H
#define CW_PG_LOAD_H
#include "claimwatch/source.h"
#include "pg.h"

struct cw_pseudo;
typedef struct cw_pg_load_opts {
	const char *rejects_path; /* the reject file to write */
	double max_reject_share;  /* above it the load is rolled back (CW_EREJECTS) */
	const struct cw_pseudo *pseudo; /* pseudonymises the patient ids of rejected rows; NULL: withheld */
} cw_pg_load_opts;

#define CW_PG_LOAD_MONTHS 240
typedef struct cw_pg_load_report {
	char run_id[24]; /* the load's row in claimwatch.runs */
	double share;    /* rejected rows over rows read */
	int nmonths;     /* months of claim lines replaced */
	struct { char month[16]; long long lines; } months[CW_PG_LOAD_MONTHS];
} cw_pg_load_report;

/* Loads DIR/<table>.csv for every table of the contract, in one transaction. */
int cw_pg_load(cw_pg *pg, const char *dir, const cw_pg_load_opts *opts, cw_load_stats *stats,
               cw_pg_load_report *rep);

#endif
