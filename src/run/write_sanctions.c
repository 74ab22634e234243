/* write_sanctions.c: sanctions.csv, the measures due this month under the half-year cycle.
 *
 * The counts come from ranking.csv only: the cycle's earlier month folders
 * under the output root and the ranking.csv this run has just written, so an
 * independent check can recompute every level from those files. An earlier
 * month of the cycle without results is warned about (stderr and summary.json):
 * its firsts cannot be counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/outfile.h"
#include "judge/history.h"
#include "pg/pg.h"
#include "run/run.h"
#include "util/progress.h"

static const char *const columns[] = {
	"month", "cycle", "physician_id", "inst_id", "level", "single_firsts", "composite_firsts", "measures",
	"dept_id", "physician_name", "months_flagged", "single_first_months", "composite_first_months",
	"firsts_this_month", "measures_zh", "measures_en", "missing_months", NULL
};

static void write_row(FILE *f, const cw_month_run *mr, const cw_tally *t)
{
	const cw_sanction_rules *r = &mr->sanction_rules;
	cw_csv_cell(f, mr->month, 0);
	cw_csv_cell(f, mr->sanctions.cycle, 0);
	cw_csv_cell(f, t->last->physician_id, 0);
	cw_csv_cell(f, t->last->inst_id, 0);
	fprintf(f, "%d,%d,%d,", t->level, t->single_firsts, t->composite_firsts);
	cw_csv_cell(f, cw_sanction_measures(r, t->level, mr->opts->lang), 0);
	cw_csv_cell(f, t->last->dept_id, 0);
	cw_csv_cell(f, t->last->name, 0);
	cw_csv_cell(f, t->flagged, 0);
	cw_csv_cell(f, t->single_detail, 0);
	cw_csv_cell(f, t->composite_months, 0);
	cw_csv_cell(f, t->last_firsts, 0);
	cw_csv_cell(f, cw_sanction_measures(r, t->level, "zh"), 0);
	cw_csv_cell(f, cw_sanction_measures(r, t->level, "en"), 0);
	cw_csv_cell(f, mr->sanctions.missing, 1);
}

/* Shown (unless --quiet) and kept with the run's warnings for summary.json. */
static int warn_missing(cw_month_run *mr)
{
	if (!mr->sanctions.missing[0])
		return 0;
	return cw_run_warn(mr, "warning: %s: no results under %s for %s, earlier month(s) of the cycle %s: their "
	                   "firsts are not counted in sanctions.csv (run those months, then this one again)", mr->month,
	                   mr->opts->root, mr->sanctions.missing, mr->sanctions.cycle);
}

static int write_file(cw_month_run *mr, const cw_tally *t, size_t n)
{
	const char *path = cw_outdir_file(mr->od, "sanctions.csv");
	FILE *f;
	int rc = cw_outfile_open(&f, &mr->output, path);
	if (rc < 0)
		return rc;
	cw_csv_header(f, columns);
	for (int level = CW_LEVELS; level >= 1; level--)
		for (size_t i = 0; i < n; i++)
			if (t[i].level == level) {
				write_row(f, mr, &t[i]);
				mr->sanctions.due[level]++;
			}
	return cw_outfile_close(f, path);
}

int cw_write_sanctions(cw_month_run *mr)
{
	char ranking[4096];
	cw_history h;
	cw_tally *t = NULL;
	size_t n = 0;
	snprintf(ranking, sizeof ranking, "%s", cw_outdir_file(mr->od, "ranking.csv"));
	/* From a database, the cycle's earlier months come from its result tables. */
	cw_history_source db, *src = NULL;
	int rc = mr->pg ? cw_pg_history_source(mr->pg, &db) : 0;
	if (rc < 0)
		return rc;
	if (mr->pg)
		src = &db;
	rc = cw_history_load_from(&h, src, mr->opts->root, mr->opts->month, ranking);
	cw_pg_history_free(src);
	if (rc < 0)
		return cw_error_wrap(rc, "reading the rankings of the cycle");
	snprintf(mr->sanctions.cycle, sizeof mr->sanctions.cycle, "%s", h.cycle);
	cw_history_missing(mr->sanctions.missing, sizeof mr->sanctions.missing, &h);
	mr->sanctions.months_read = 0;
	for (int i = 0; i < h.nmonths; i++)
		mr->sanctions.months_read += h.present[i];
	rc = warn_missing(mr);
	if (rc == 0)
		rc = cw_sanction_tally(&t, &n, &h, &mr->sanction_rules);
	if (rc == 0)
		rc = write_file(mr, t, n);
	cw_tallies_free(t, n);
	cw_history_free(&h);
	return rc;
}
