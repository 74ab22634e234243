/* history.h: the sanction history read from another source than ROOT's ranking.csv files (a run from
 * PostgreSQL reads the cycle's earlier months from claimwatch.ranking: run/pg_history.c). The public
 * side, cw_history_load from ROOT, is in claimwatch/sanction.h. */
#ifndef CW_JUDGE_HISTORY_H
#define CW_JUDGE_HISTORY_H
#include "claimwatch/sanction.h"
#include "io/csvtab.h"

/* Where the months before the last one come from. open_month opens month m's rows, with the columns
 * of ranking.csv asked for, as a table (cw_csvtab_open_reader over any stream), or returns
 * CW_ENOTFOUND when the month was not run; close_month (optional) is called after the table is
 * closed. */
typedef struct cw_history_source {
	int (*open_month)(cw_csvtab **out, void *ctx, cw_month m, const char *const *columns);
	void (*close_month)(void *ctx);
	void *ctx;
} cw_history_source;

/* cw_history_load, with the months before `last` read from src (NULL: ROOT's ranking.csv files). */
int cw_history_load_from(cw_history *h, const cw_history_source *src, const char *root, cw_month last,
                         const char *last_path);

/* The months of a history window that were not run: first .. first + nmonths - 2 (the last, being
 * written, is never absent) where present[i] is 0, space separated, into buf (cut short at size). Both
 * ladders' "missing months" (cw_history_missing, cw_inst_history_missing). */
char *cw_months_absent(char *buf, size_t size, cw_month first, int nmonths, const int *present);

#endif
