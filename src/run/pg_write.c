/* pg_write.c: a month's results written back to PostgreSQL, in one transaction.
 *
 * After the run has written its files into the month's temporary folder, the same files are read back
 * and copied into the result tables (schema `claimwatch`): the run's row in claimwatch.runs, then
 * findings.csv, ranking.csv, sanctions.csv, inst_assessment.csv and dept_assessment.csv (when the run wrote them)
 * and rejects.csv. What the
 * files say is what the database says. The transaction first takes the month's advisory lock and the
 * run's id, with which it writes summary.json (source.database, source.run_id), then inserts the new
 * run and deletes the month's previous one (its results go with it, ON DELETE CASCADE); a run that fails
 * or loses its connection half-way rolls back and leaves the previous results of the month as they
 * were. The folder is moved into place only after the commit; a run killed in between leaves it beside
 * ROOT/YYYY-MM, and the next `run --db` moves it into place (pg_root.c).
 *
 * Each file is staged with COPY FROM STDIN into a temporary table of text columns (matched to the
 * file's header by name, so extra columns do no harm), then converted and inserted by
 * queries/write_<table>.sql with the month and the run bound as $1 and $2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "io/csv.h"
#include "io/month_summary.h"
#include "pg/pg.h"
#include "judge/budget_book.h"
#include "run/run.h"
#include "util/progress.h"
#include "util/safetext.h"

static const char *const findings_cols[] = {
	"finding_id", "month", "detector", "dimension", "inst_id", "dept_id", "physician_id", "patient_id",
	"visit_id", "line_ids", "suspect_amount", "score", "reason", "severity", "tag", "metric", "value",
	"expected", "limit", "reason_en", "reason_zh", "fund_amount", "fund_estimated", NULL
};
static const char *const ranking_cols[] = {
	"month", "inst_id", "dept_id", "physician_id", "dimension", "score", "grade", "rank", "findings",
	"suspect_amount", "physician_name", "scope", "status", NULL
};
static const char *const sanctions_cols[] = {
	"month", "cycle", "physician_id", "inst_id", "level", "single_firsts", "composite_firsts", "measures",
	"dept_id", "physician_name", "months_flagged", "measures_zh", "measures_en", NULL
};

/* inst_assessment.csv and dept_assessment.csv (judge/assess.h): every column but period. */
static const char *const inst_assessment_cols[] = {
	"inst_id", "name", "level", "region", "visits", "stays", "patients", "revenue", "fund_paid", "fund_estimated",
	"findings", "findings_per_100_visits", "violation_amount", "violation_fund", "confirmed_amount",
	"confirmed_fund", "refunded_amount", "rejected_rows", "score", "grade", "rank", "rank_of", "rank_group",
	"months", "claim_lines", "drug_revenue", "material_revenue", "essential_drug_revenue", "outpatient_cost",
	"inpatient_cost", "self_paid", "out_of_scope", "large_exams_resulted", "large_exams_positive",
	"last_cost_per_visit", "last_cost_per_stay", "violation_share", "rejected_share", "indicator_deduction",
	"findings_deduction", "money_deduction", "data_deduction", "drug_share", "drug_share_target",
	"drug_share_over", "material_share", "material_share_target", "material_share_over", "cost_per_visit",
	"cost_per_visit_target", "cost_per_visit_over", "cost_per_stay", "cost_per_stay_target", "cost_per_stay_over",
	"cost_per_visit_growth", "cost_per_visit_growth_target", "cost_per_visit_growth_over", "cost_per_stay_growth",
	"cost_per_stay_growth_target", "cost_per_stay_growth_over", "visits_per_patient", "visits_per_patient_target",
	"visits_per_patient_over", "self_pay_share", "self_pay_share_target", "self_pay_share_over",
	"out_of_scope_share", "out_of_scope_share_target", "out_of_scope_share_over", "essential_drug_share",
	"essential_drug_share_target", "essential_drug_share_over", "positive_rate", "positive_rate_target",
	"positive_rate_over", NULL
};
static const char *const dept_assessment_cols[] = {
	"inst_id", "dept_id", "name", "level", "region", "visits", "stays", "patients", "revenue", "fund_paid",
	"fund_estimated", "findings", "findings_per_100_visits", "violation_amount", "violation_fund",
	"confirmed_amount", "confirmed_fund", "refunded_amount", "rejected_rows", "score", "grade", "rank", "rank_of",
	"rank_group", "months", "claim_lines", "drug_revenue", "material_revenue", "essential_drug_revenue",
	"outpatient_cost", "inpatient_cost", "self_paid", "out_of_scope", "large_exams_resulted",
	"large_exams_positive", "last_cost_per_visit", "last_cost_per_stay", "violation_share", "rejected_share",
	"indicator_deduction", "findings_deduction", "money_deduction", "data_deduction", "drug_share",
	"drug_share_target", "drug_share_over", "material_share", "material_share_target", "material_share_over",
	"cost_per_visit", "cost_per_visit_target", "cost_per_visit_over", "cost_per_stay", "cost_per_stay_target",
	"cost_per_stay_over", "cost_per_visit_growth", "cost_per_visit_growth_target", "cost_per_visit_growth_over",
	"cost_per_stay_growth", "cost_per_stay_growth_target", "cost_per_stay_growth_over", "visits_per_patient",
	"visits_per_patient_target", "visits_per_patient_over", "self_pay_share", "self_pay_share_target",
	"self_pay_share_over", "out_of_scope_share", "out_of_scope_share_target", "out_of_scope_share_over",
	"essential_drug_share", "essential_drug_share_target", "essential_drug_share_over", "positive_rate",
	"positive_rate_target", "positive_rate_over", NULL
};
static const char *const inst_sanctions_cols[] = {
	"month", "inst_id", "name", "step", "measure", "refund_fund", "penalty", "trigger", "reason", "history",
	"grade", "basis", "violation_fund", "confirmed_fund", "window_months", "window_fund", "repeat_months",
	"measure_zh", "measure_en", "reason_zh", "reason_en", "missing_months", NULL
};

/* The result files a run writes, in write order; rejects last. */
static const struct result_file {
	const char *file, *stage, *sql;
	const char *const *cols;
	int required;
} results[] = {
	{ "findings.csv", "cw_stage_findings", "write_findings.sql", findings_cols, 1 },
	{ "ranking.csv", "cw_stage_ranking", "write_ranking.sql", ranking_cols, 0 },
	{ "sanctions.csv", "cw_stage_sanctions", "write_sanctions.sql", sanctions_cols, 0 },
	{ "inst_assessment.csv", "cw_stage_inst_assessment", "write_inst_assessment.sql", inst_assessment_cols, 0 },
	{ "dept_assessment.csv", "cw_stage_dept_assessment", "write_dept_assessment.sql", dept_assessment_cols, 0 },
	{ "inst_sanctions.csv", "cw_stage_inst_sanctions", "write_inst_sanctions.sql", inst_sanctions_cols, 0 },
	{ "budget.csv", "cw_stage_budget", "write_budget.sql", cw_budget_columns, 0 },
};

static int write_file(cw_pg *pg, cw_month_run *mr, const struct result_file *r, const char *month,
                      const char *run_id)
{
	const char *path = cw_outdir_file(mr->od, r->file);
	if (!r->required && access(path, F_OK) != 0)
		return 0;
	char copy[4096];
	snprintf(copy, sizeof copy, "%s", path);
	long long rows;
	int rc = cw_pg_stage_csv(&rows, pg, copy, r->stage, r->cols);
	if (rc == 0) {
		const char *params[2] = { month, run_id };
		rc = cw_pg_run_file(NULL, pg, r->sql, 2, params);
	}
	return rc;
}

static long long rows_read(const cw_load_stats *st, long long *rejected)
{
	long long n = 0;
	*rejected = 0;
	for (int t = 0; t < CW_T_COUNT; t++) {
		n += (long long)st->table[t].read;
		*rejected += (long long)st->table[t].rejected;
	}
	return n;
}

/* The run's id, taken now so that summary.json can carry it (its source.database and source.run_id) into
 * the folder, which is moved into place only after the commit: a folder and the database's row that
 * name the same run_id hold the same results (pg_root.c). */
static int reserve_run(cw_pg *pg, cw_month_run *mr)
{
	PGresult *res;
	int rc = cw_pg_run_file(&res, pg, "write_reserve.sql", 0, NULL);
	if (rc < 0)
		return rc;
	snprintf(mr->db.run_id, sizeof mr->db.run_id, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	mr->db.target = pg->target;
	return cw_write_summary(mr, mr->empty ? "empty" : "ok");
}

static int insert_run(cw_pg *pg, cw_month_run *mr, const char *month)
{
	char summary[4096];
	snprintf(summary, sizeof summary, "%s", cw_outdir_file(mr->od, "summary.json"));
	cw_pg_run_row row = { .command = "run", .month = month, .status = mr->empty ? "empty" : "ok",
	                      .source = "postgresql", .started = (double)time(NULL) - (cw_now() - mr->t_start),
	                      .findings = mr->findings ? (long long)cw_findings_count(mr->findings) : 0,
	                      .summary_path = summary, .run_id = mr->db.run_id };
	row.rows_read = rows_read(&mr->load, &row.rows_rejected);
	char id[24];
	return cw_pg_insert_run(id, pg, &row);
}

static int write_month(cw_pg *pg, cw_month_run *mr)
{
	char month[16], key[16];
	const char *run_id = mr->db.run_id;
	snprintf(month, sizeof month, "%s-01", mr->month);
	snprintf(key, sizeof key, "%04d%02d", mr->opts->month.year, mr->opts->month.month);
	const char *p_key[1] = { key };
	int rc = cw_pg_exec(pg, "writing the results back", "BEGIN");
	if (rc == 0)
		rc = cw_pg_run_file(NULL, pg, "write_lock.sql", 1, p_key);
	if (rc == 0)
		rc = reserve_run(pg, mr);
	if (rc == 0)
		rc = insert_run(pg, mr, month);
	for (size_t i = 0; rc == 0 && i < sizeof results / sizeof results[0]; i++)
		rc = write_file(pg, mr, &results[i], month, run_id);
	if (rc == 0) {
		char path[4096];
		snprintf(path, sizeof path, "%s", cw_outdir_file(mr->od, "rejects.csv"));
		rc = cw_pg_write_rejects(pg, path, run_id);
	}
	const char *p_clear[2] = { month, run_id };
	if (rc == 0)
		rc = cw_pg_run_file(NULL, pg, "write_clear.sql", 2, p_clear);
	if (rc == 0)
		rc = cw_pg_exec(pg, "committing the results", "COMMIT");
	else if (PQstatus(pg->conn) == CONNECTION_OK)
		PQclear(PQexec(pg->conn, "ROLLBACK"));
	mr->db.committed = rc == 0;
	return rc;
}

int cw_pg_write_month(cw_month_run *mr)
{
	double t0 = cw_now();
	cw_progress_begin("writing the results to the database", 0, "");
	int rc = write_month(mr->pg, mr);
	cw_progress_end();
	if (rc == 0)
		cw_progress_note("%s: results written to %s in %.1f s", mr->month, mr->pg->target, cw_now() - t0);
	else {
		char msg[2048];
		snprintf(msg, sizeof msg, "%s", cw_error_last());
		cw_error_set(rc, "%s (the month's earlier results were kept)", msg);
	}
	return rc;
}
