/* run.c: one monthly run, stage by stage (see run.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "pg/pg.h"
#include "run/run.h"
#include "source/reject_log.h"
#include "source/rejects.h"
#include "store/colstore.h"
#include "util/progress.h"

/* An integer setting: the command line's when given (>= 0), else the rules'. */
static int setting_int(const cw_section *s, const char *key, long long max, int given, int *out)
{
	long long v = given;
	int rc = given >= 0 ? 0 : cw_section_int(&v, s, key, 0, max);
	*out = (int)v;
	return rc;
}

static int settings(cw_month_run *mr, int *lookback)
{
	double *max_share = &mr->max_reject_share;
	cw_section load = cw_rules_section(mr->rules, "load");
	int rc;
	if ((rc = setting_int(&load, "lookback_days", 3660, mr->opts->lookback_days, lookback)) < 0 ||
	    (rc = setting_int(&load, "input_timeout_seconds", 86400, mr->opts->input_timeout, &mr->input_timeout)) < 0)
		return rc;
	if (mr->opts->max_reject_share >= 0)
		*max_share = mr->opts->max_reject_share;
	else if ((rc = cw_section_double(max_share, &load, "max_reject_share", 0, 1)) < 0)
		return rc;
	if ((rc = cw_output_load(&mr->output, mr->rules)) < 0)
		return rc;
	cw_section run = cw_rules_section(mr->rules, "run");
	return setting_int(&run, "threads", 256, mr->opts->threads, &mr->threads);
}

/* The metrics', scoring and sanction rules and the inspectors' decisions, read before the data. */
static int score_settings(cw_month_run *mr)
{
	int rc = cw_metrics_opts_load(&mr->metrics_opts, mr->rules);
	if (rc == 0)
		rc = cw_score_rules_load(&mr->score_rules, mr->rules);
	if (rc == 0)
		rc = cw_sanction_rules_load(&mr->sanction_rules, mr->rules);
	if (rc == 0)
		rc = cw_reviews_load(&mr->reviews, mr->opts->root);
	return rc;
}

static int load(cw_month_run *mr, int lookback)
{
	cw_progress_stage(CW_STAGE_LOAD, mr->month);
	double t0 = cw_now();
	int rc = cw_rejects_open_output(&mr->rejects, &mr->output, cw_outdir_file(mr->od, "rejects.csv"));
	if (rc < 0)
		return rc;
	if (!mr->opts->reveal_patients)
		cw_rejects_pseudonymise(mr->rejects, &mr->pseudo);
	if (mr->reject_log) {
		cw_rejects_share_log(mr->rejects, mr->reject_log);
		cw_reject_log_month_begin(mr->reject_log);
	}
	/* warnings are collected, then told (progress notes) and kept for summary.json */
	size_t len = 0;
	FILE *warn = open_memstream(&mr->warnings, &len);
	if (!warn)
		return cw_error_set(CW_ENOMEM, "out of memory collecting the loader's warnings");
	cw_load_opts lo = { .month = mr->opts->month, .lookback_days = lookback, .rejects = mr->rejects,
		            .warn = warn, .threads = mr->threads, .input_timeout = mr->input_timeout };
	if (mr->opts->db)
		rc = cw_load_pg(&mr->ds, &mr->load, mr->pg, &lo);
	else if (mr->opts->store)
		rc = cw_cs_load_month_as(&mr->ds, &mr->load, mr->store_image, mr->opts->store, &lo);
	else
		rc = cw_load_csv(&mr->ds, &mr->load, mr->opts->data_dir, &lo);
	if (ferror(warn) && rc == 0)
		rc = cw_error_set(CW_ENOMEM, "out of memory collecting the loader's warnings");
	fclose(warn);
	for (char *line = mr->warnings, *nl; line && *line; line = nl + 1) {
		if (!(nl = strchr(line, '\n')))
			break;
		cw_progress_note("%.*s", (int)(nl - line), line);
	}
	int rc2 = cw_rejects_close(mr->rejects);
	mr->rejects = NULL;
	mr->t_load = cw_now() - t0;
	if (rc == 0 && rc2 == 0)
		cw_run_rejects_note(mr);
	return rc < 0 ? rc : rc2;
}

/* The physicians' metrics, computed once: for the detectors that need them, metrics.csv and the report. */
static int detect(cw_month_run *mr)
{
	cw_progress_stage(CW_STAGE_DETECT, mr->month);
	double t0 = cw_now();
	mr->timings = calloc(cw_registry_count(cw_rules_registry(mr->rules)) + 1, sizeof *mr->timings);
	if (!mr->timings)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int rc = cw_metrics_compute(&mr->metrics, mr->ds, &mr->metrics_opts);
	if (rc < 0)
		return cw_error_wrap(rc, "the physicians' metrics");
	cw_detect_opts o = { .threads = mr->threads, .timings = mr->timings, .metrics = mr->metrics };
	rc = cw_detect(&mr->findings, mr->ds, mr->rules, mr->dims, &o);
	mr->t_detect = cw_now() - t0;
	return rc;
}

static int score(cw_month_run *mr)
{
	cw_progress_stage(CW_STAGE_SCORE, mr->month);
	double t0 = cw_now();
	int rc = cw_score(&mr->scores, mr->ds, mr->findings, mr->dims, &mr->score_rules, mr->reviews);
	if (rc == 0)
		rc = cw_rank(mr->scores, mr->ds, mr->score_rules.scope);
	mr->t_score = cw_now() - t0;
	return rc;
}

/* Too many of the month's rows rejected: the month's results stay as they
 * were; the rejects and the summary go to ROOT/YYYY-MM.rejected/ for
 * diagnosis. */
static int too_many_rejects(cw_month_run *mr, double share, double max)
{
	cw_table_stats sum = cw_load_totals(&mr->load);
	char name[32];
	snprintf(name, sizeof name, "%s.rejected", mr->month);
	int rc = cw_write_summary(mr, "too_many_rejects");
	if (rc == 0 && (rc = cw_outdir_retarget(mr->od, name)) == 0) {
		rc = cw_outdir_commit(mr->od);
		mr->od = NULL;
	}
	if (rc < 0)
		return rc;
	return cw_error_set(CW_EREJECTS,
	                    "%s: %.2f%% of the month's rows were rejected (%llu of %llu), above the limit of %.2f%% "
	                    "(load.max_reject_share); earlier results were left as they were; "
	                    "see %s/%s/rejects.csv", mr->month, 100 * share,
	                    (unsigned long long)(sum.rejected - sum.rejected_lookback - sum.rejected_unknown),
	                    (unsigned long long)sum.month_rows, 100 * max, mr->opts->root, name);
}

/* What the load read and rejected, in one note. */
static void load_note(const cw_month_run *mr)
{
	cw_table_stats sum = cw_load_totals(&mr->load);
	size_t n = cw_dataset_lines_in_month(mr->ds);
	cw_progress_note("%s: loaded %zu claim lines of the month (%zu with the look-back), %llu rows rejected "
	                 "(%llu of the month, %llu of the look-back, %llu whose month cannot be told), in %.1f s",
	                 mr->month, n, cw_dataset_claims(mr->ds)->n, (unsigned long long)sum.rejected,
	                 (unsigned long long)(sum.rejected - sum.rejected_lookback - sum.rejected_unknown),
	                 (unsigned long long)sum.rejected_lookback, (unsigned long long)sum.rejected_unknown, mr->t_load);
}

static int write_all(cw_month_run *mr)
{
	cw_progress_stage(CW_STAGE_WRITE, mr->month);
	double t0 = cw_now();
	int rc = cw_write_findings(mr);
	if (rc == 0)
		rc = cw_write_evidence(mr);
	if (rc == 0)
		rc = cw_write_ranking(mr);
	if (rc == 0)
		rc = cw_write_sanctions(mr);
	if (rc == 0)
		rc = cw_write_indicators(mr);
	if (rc == 0)
		rc = cw_write_assessment(mr);
	if (rc == 0)
		rc = cw_write_metrics(mr);
	if (rc == 0)
		rc = cw_write_inst_sanctions(mr); /* after the institutions' assessment (inst_assessment.csv) */
	if (rc == 0)
		rc = cw_write_budget(mr);
	if (rc == 0)
		rc = cw_write_under_service(mr); /* after budget.csv, which it reads the signals of: counted in nothing before */
	mr->t_write = cw_now() - t0;
	if (rc == 0 && mr->opts->report) {
		cw_progress_stage(CW_STAGE_REPORT, mr->month);
		t0 = cw_now();
		rc = cw_write_report(mr);
		mr->t_report = cw_now() - t0;
	}
	if (rc == 0)
		cw_progress_stage(CW_STAGE_COMMIT, mr->month);
	if (rc == 0) /* from a database, summary.json is written in the write-back, with the run's id */
		rc = mr->pg ? cw_pg_write_month(mr) : cw_write_summary(mr, mr->empty ? "empty" : "ok");
	return rc;
}

static void cleanup(cw_month_run *mr)
{
	if (mr->rejects)
		cw_rejects_close(mr->rejects);
	cw_outdir_abort(mr->od);
	cw_findings_free(mr->findings);
	cw_scores_free(mr->scores);
	cw_reviews_free(mr->reviews);
	cw_dataset_free(mr->ds);
	cw_dimset_free(mr->dims);
	cw_indicators_free(&mr->indicators);
	cw_assess_table_free(&mr->assessment.inst);
	cw_assess_table_free(&mr->assessment.dept);
	cw_budget_release(mr);
	cw_metrics_free(mr->metrics);
	cw_pg_close(mr->pg);
	free(mr->timings);
	free(mr->warnings);
}

/* The institutions' grades and the ladder's steps due, the run's last word on the month. */
static void inst_note(const cw_month_run *mr)
{
	const cw_assess_table *t = &mr->assessment.inst;
	size_t grade[4], with = 0;
	if (!t->n)
		return;
	cw_assess_count_grades(grade, t);
	for (int k = 1; k <= CW_INST_STEPS; k++)
		with += mr->inst_sanctions.due[k];
	cw_progress_note("%s: %zu institutions assessed (A %zu, B %zu, C %zu, D %zu), %zu with a sanction step due "
	                 "(step 1: %zu, 2: %zu, 3: %zu, 4: %zu)", mr->month, t->n, grade[0], grade[1], grade[2],
	                 grade[3], with, mr->inst_sanctions.due[1], mr->inst_sanctions.due[2], mr->inst_sanctions.due[3],
	                 mr->inst_sanctions.due[4]);
}

/* Decisions recorded while the run was in flight are not in the folder it committed: say so. */
static void warn_late_reviews(const cw_month_run *mr)
{
	size_t n = cw_reviews_changed(mr->reviews, mr->opts->root, mr->month);
	if (n)
		cw_progress_note("warning: %s: %zu decision(s) on this month's findings were recorded in %s/reviews.csv "
		                 "while this run was in flight: these results do not have them; run %s again to apply them",
		                 mr->month, n, mr->opts->root, mr->month);
}

/* A run from the database connects first: a wrong address or a missing schema fails in a second,
 * not after the extraction. */
static int connect_db(cw_month_run *mr)
{
	int rc = cw_pg_connect(&mr->pg, mr->opts->db);
	if (rc == 0 && mr->opts->load_wait >= 0)
		mr->pg->load_wait = mr->opts->load_wait;
	if (rc == 0)
		mr->pg->connections = mr->opts->db_connections;
	if (rc == 0)
		rc = cw_pg_schema_check(mr->pg);
	return rc;
}

/* What the run found, for cw_run's caller. */
static void result(cw_run_result *res, const cw_month_run *mr)
{
	res->claim_lines = cw_dataset_lines_in_month(mr->ds);
	res->rows_rejected = cw_load_totals(&mr->load).rejected;
	res->findings = mr->findings ? cw_findings_count(mr->findings) : 0;
	res->physicians_scored = mr->scores ? mr->scores->n : 0;
	res->physicians_ranked = mr->scores ? mr->scores->ranked : 0;
}

int cw_run_month(cw_run_result *res, const cw_run_options *opts, const cw_rules *rules,
                 struct cw_reject_log *rejects)
{
	cw_month_run mr = { .opts = opts, .rules = rules, .t_start = cw_now(), .reject_log = rejects };
	int lookback;
	cw_month_format(mr.month, opts->month);
	cw_progress_stage(CW_STAGE_PREPARE, mr.month);
	int rc = cw_dimset_load(&mr.dims, rules);
	if (rc == 0)
		rc = cw_detect_check(rules);
	if (rc == 0)
		rc = settings(&mr, &lookback);
	if (rc == 0)
		rc = score_settings(&mr);
	if (rc == 0)
		rc = cw_outdir_begin(&mr.od, &mr.output, opts->root, mr.month);
	if (rc == 0)
		rc = cw_pseudo_init(&mr.pseudo, opts->root, NULL, opts->reveal_patients);
	if (rc == 0 && opts->db)
		rc = connect_db(&mr);
	if (rc == 0)
		rc = load(&mr, lookback);
	if (rc == 0) {
		double share = cw_load_month_share(&mr.load);
		if (share > mr.max_reject_share)
			rc = too_many_rejects(&mr, share, mr.max_reject_share);
	}
	if (rc == 0) {
		mr.empty = cw_dataset_lines_in_month(mr.ds) == 0;
		load_note(&mr);
		rc = cw_run_dx_note(&mr);
		if (rc == 0)
			rc = cw_run_refund_note(&mr);
		result(res, &mr);
		if (rc == 0 && mr.empty && (rc = cw_check_emptied(&mr)) == 0)
			cw_progress_note("%s: no claim lines in this month: writing empty results", mr.month);
		if (rc == 0)
			rc = detect(&mr);
	}
	if (rc == 0) {
		cw_progress_note("%s: %zu findings in %.1f s", mr.month, cw_findings_count(mr.findings), mr.t_detect);
		rc = score(&mr);
	}
	if (rc == 0) {
		cw_progress_note("%s: %zu physicians scored, %zu ranked, %zu with too few cases", mr.month,
		                 mr.scores->n, mr.scores->ranked, mr.scores->too_few);
		rc = write_all(&mr);
	}
	if (rc == 0) {
		rc = cw_outdir_commit(mr.od);
		mr.od = NULL;
		if (rc == 0) {
			result(res, &mr);
			cw_progress_note("%s: results in %s/%s", mr.month, opts->root, mr.month);
			inst_note(&mr);
			warn_late_reviews(&mr);
		}
	}
	if (rc < 0 && mr.db.committed) /* the database has the new results, ROOT not */
		cw_error_wrap(rc, "run %s: the database %s holds the new results (run %s), but ROOT/%s could not be "
		              "replaced: run the month again", mr.month, mr.db.target, mr.db.run_id, mr.month);
	else if (rc < 0 && rc != CW_EREJECTS) {
		cw_error_wrap(rc, "run %s", mr.month);
		if (mr.od) { /* failed after the results folder was begun: say the old one is untouched */
			char msg[1024];
			snprintf(msg, sizeof msg, "%s", cw_error_last());
			cw_error_set(rc, "%s (the earlier results in %s/%s, if any, are as they were)", msg, opts->root,
			             mr.month);
		}
	}
	cleanup(&mr);
	return rc;
}
