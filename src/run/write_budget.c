/* write_budget.c: budget.csv, the global budget of the month's year to date (document 004, I1-I4, I12;
 * docs/budget.md), written when the data has budgets (DATA/budgets.csv, or the database's budgets table):
 * January to this month from the earlier month folders under ROOT and this month's indicators.csv and
 * findings.csv just written. The book stays in mr->budget for the report's budget page. */
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/outfile.h"
#include "judge/budget_book.h"
#include "run/run.h"
#include "store/colstore.h"

static int read_budgets(cw_budget_table *t, cw_month_run *mr)
{
	if (mr->pg)
		return cw_pg_budgets_read_conn(t, mr->pg);
	if (mr->opts->store)
		return cw_cs_budgets_read(t, mr->opts->store);
	return mr->opts->data_dir ? cw_budgets_read_dir(t, mr->opts->data_dir) : 0;
}

static int build(cw_month_run *mr, const cw_budget_table *t)
{
	char ind[4096], fnd[4096], ass[4096];
	snprintf(ind, sizeof ind, "%s", cw_outdir_file(mr->od, "indicators.csv"));
	snprintf(fnd, sizeof fnd, "%s", cw_outdir_file(mr->od, "findings.csv"));
	snprintf(ass, sizeof ass, "%s", cw_outdir_file(mr->od, "inst_assessment.csv"));
	cw_month m = mr->opts->month, jan = { m.year, 1 };
	cw_budget_month_files cur = { m, ind, fnd, ass };
	int zh = !(mr->opts->lang && !strcmp(mr->opts->lang, "en"));
	if (!(mr->budget = calloc(1, sizeof *mr->budget)))
		return cw_error_set(CW_ENOMEM, "out of memory");
	int rc = cw_budget_book_build(mr->budget, mr->opts->root, t, mr->rules, jan, m, &cur, zh);
	if (rc < 0) {
		free(mr->budget);
		mr->budget = NULL;
	}
	return rc;
}

/* Each warning of the book as a warning of the run. */
static void warnings(cw_month_run *mr)
{
	const char *w = mr->budget->warnings;
	while (w && *w) {
		const char *nl = strchr(w, '\n');
		int len = nl ? (int)(nl - w) : (int)strlen(w);
		cw_run_warn(mr, "budget: %.*s", len, w);
		w += len + (nl != NULL);
	}
}

int cw_write_budget(cw_month_run *mr)
{
	cw_budget_table t = { 0 };
	int rc = read_budgets(&t, mr);
	if (rc == 0 && t.n > 0 && (rc = build(mr, &t)) == 0) {
		const char *path = cw_outdir_file(mr->od, "budget.csv");
		FILE *f;
		warnings(mr);
		if ((rc = cw_outfile_open(&f, &mr->output, path)) == 0) {
			rc = cw_budget_write_csv(f, mr->budget, 0);
			int rc2 = cw_outfile_close(f, path);
			rc = rc < 0 ? rc : rc2;
		}
	}
	cw_budgets_free(&t);
	return rc;
}

void cw_budget_release(cw_month_run *mr)
{
	if (mr->budget)
		cw_budget_book_free(mr->budget);
	free(mr->budget);
	mr->budget = NULL;
}
