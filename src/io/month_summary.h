/* month_summary.h: what a month folder's summary.json says of the run that wrote it: whether the month
 * had claim lines, and the database run it was committed as (run --db). Read by the checks of a new run
 * (run_emptied.c) and by the reconciliation of ROOT with the database (pg_root.c). */
#ifndef CW_MONTH_SUMMARY_H
#define CW_MONTH_SUMMARY_H

typedef struct cw_month_summary {
	int found;                /* the folder has a summary.json */
	char status[16];          /* "ok", "empty", ... */
	long long lines_in_month; /* dataset.claim_lines_in_month */
	char database[256];       /* source.database: "host:port/dbname", "" for a run from CSV */
	long long run_id;         /* source.run_id in that database, 0 when none */
} cw_month_summary;

/* Reads DIR/summary.json; a folder without one gives found = 0 and no error. */
int cw_month_summary_read(cw_month_summary *out, const char *dir);

/* The text of a small file (at most 64 MB), NULL when it cannot be read (free it). */
char *cw_read_small_file(const char *path);

#endif
