/* write_report.c: the HTML report of a run (src/report/), fed with the month's results. */
#include "claimwatch/error.h"
#include "io/outdir.h"
#include "report/report.h"
#include "run/run.h"

int cw_write_report(cw_month_run *mr)
{
	const char *lang = mr->opts->lang ? mr->opts->lang : "";
	char dir[4096], sanctions[4096], inst_sanctions[4096];
	cw_report_input in = {
		.month = mr->month, .when = mr->opts->month, .root = mr->opts->root, .lang = cw_lang_parse(lang),
		.output = &mr->output,
		.ds = mr->ds, .detectors = cw_rules_registry(mr->rules), .findings = mr->findings, .dims = mr->dims,
		.scores = mr->scores,
		.score_rules = &mr->score_rules, .metrics = mr->metrics, .indicators = &mr->indicators,
		.reviews = mr->reviews, .pseudo = &mr->pseudo, .load = &mr->load, .warnings = mr->warnings,
		.cycle = mr->sanctions.cycle, .sanctions_due = mr->sanctions.due, .empty = mr->empty,
		.inst_assessment = &mr->assessment.inst, .dept_assessment = &mr->assessment.dept,
		.budget = mr->budget, .threads = mr->threads,
	};
	if (in.lang < 0)
		return cw_error_set(CW_EINVALID, "--lang is en or zh, not '%s'", lang);
	snprintf(dir, sizeof dir, "%s", cw_outdir_file(mr->od, "report"));
	snprintf(sanctions, sizeof sanctions, "%s", cw_outdir_file(mr->od, "sanctions.csv"));
	in.dir = dir;
	in.sanctions_csv = sanctions;
	snprintf(inst_sanctions, sizeof inst_sanctions, "%s", cw_outdir_file(mr->od, "inst_sanctions.csv"));
	in.inst_sanctions_csv = inst_sanctions;
	return cw_report_write(&in);
}
