/* budgets.h: the optional input table budgets (data contract 2, document 004 I1/I3; docs/data-format.md,
 * docs/budget.md): one row per institution and year with the annual global budget the fund grants it and,
 * optionally, its monthly profile. Read from DATA/budgets.csv (or a file given on its own) and from the
 * PostgreSQL table budgets (src/pg).
 *
 * Columns: inst_id, year (CW_YEAR_MIN..CW_YEAR_MAX), annual_budget (yuan, up to 2 decimals, at least 0,
 * below 10^12), then optionally m01..m12: the monthly profile as weights (shares such as 0.08 or money
 * such as 100000.00, up to 6 decimals, not negative, adding up to more than 0), all twelve given or all
 * empty. Any other column, a repeated (inst_id, year) or a bad value is an error naming the file, line and
 * column. */
#ifndef CW_SOURCE_BUDGETS_H
#define CW_SOURCE_BUDGETS_H
#include <stddef.h>
#include "claimwatch/types.h"

#define CW_BUDGET_WEIGHT_ONE INT64_C(1000000) /* a profile weight of 1, in millionths */

typedef struct cw_budget_row {
	char inst_id[72];
	int year;
	cw_fen annual;
	int profile_given;
	cw_fen profile[12]; /* weights in millionths; all 0 when not given */
} cw_budget_row;

typedef struct cw_budget_table {
	cw_budget_row *rows;
	size_t n, cap;
	char source[256]; /* the file or table read, for messages and outputs */
} cw_budget_table;

/* Reads a budgets file into *out (rows appended). CW_ENOTFOUND when it does not exist, CW_EINVALID with a
 * message naming file, line and column, CW_EIO, CW_ENOMEM. */
int cw_budgets_read(cw_budget_table *out, const char *path);
/* DATA/budgets.csv when it exists: 0 with no rows when it does not (the table is optional). */
int cw_budgets_read_dir(cw_budget_table *out, const char *data_dir);
/* One row from its text fields (m may be NULL: no profile); `where` ("budgets.csv: line 3") prefixes the
 * messages, which name the column. Used by the CSV and the PostgreSQL readers alike. */
int cw_budgets_add_text(cw_budget_table *t, const char *where, const char *inst, const char *year,
                        const char *annual, const char *const m[12]);
/* The row of an institution and year, NULL when none. */
const cw_budget_row *cw_budgets_find(const cw_budget_table *t, const char *inst_id, int year);
void cw_budgets_free(cw_budget_table *t);

#endif
