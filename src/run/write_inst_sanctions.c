/* write_inst_sanctions.c: inst_sanctions.csv, the step of the institutions' ladder due this month
 * (judge/inst_sanction.h, docs/institution-sanctions.md).
 *
 * Written when the month has an inst_assessment.csv (the run has just written it into its folder): the
 * window's earlier months come from ROOT/YYYY-MM/inst_assessment.csv alone, so `claimwatch
 * inst-sanctions` and an independent script recompute every row from those files. A month of the window
 * without its file is named in the column missing_months. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include "claimwatch/error.h"
#include "io/outfile.h"
#include "judge/inst_sanction.h"
#include "run/run.h"

static int write_file(cw_month_run *mr, const cw_inst_sanction *s, size_t n, const cw_inst_sanction_rules *r,
                      const char *missing)
{
	const char *path = cw_outdir_file(mr->od, "inst_sanctions.csv");
	FILE *f;
	int rc = cw_outfile_open(&f, &mr->output, path);
	if (rc < 0)
		return rc;
	cw_inst_sanctions_write_csv(f, mr->month, s, n, r, mr->opts->lang, missing);
	return cw_outfile_close(f, path);
}

int cw_write_inst_sanctions(cw_month_run *mr)
{
	char assessment[4096], missing[CW_INST_WINDOW_MAX * 8 + 1];
	struct stat st;
	snprintf(assessment, sizeof assessment, "%s", cw_outdir_file(mr->od, "inst_assessment.csv"));
	if (stat(assessment, &st) != 0)
		return 0; /* no assessment this month: nothing to sanction */
	cw_inst_sanction_rules r;
	int rc = cw_inst_sanction_rules_load(&r, mr->rules);
	if (rc < 0)
		return rc;
	cw_inst_history h;
	rc = cw_inst_history_load(&h, mr->opts->root, mr->opts->month, (int)r.window, assessment);
	if (rc < 0)
		return cw_error_wrap(rc, "reading the institutions' assessments of the sanction window");
	cw_inst_sanction *s = NULL;
	size_t n = 0;
	rc = cw_inst_sanctions_compute(&s, &n, &h, &r);
	if (rc == 0)
		rc = write_file(mr, s, n, &r, cw_inst_history_missing(missing, sizeof missing, &h));
	if (rc == 0) { /* for summary.json and the run's last note */
		mr->inst_sanctions.computed = 1;
		for (size_t i = 0; i < n; i++)
			mr->inst_sanctions.due[s[i].step >= 0 && s[i].step <= CW_INST_STEPS ? s[i].step : 0]++;
	}
	free(s);
	cw_inst_history_free(&h);
	return rc;
}
