/* run.h: one monthly run, from the source to the files in ROOT/YYYY-MM/.
 *
 * The stages follow the data one way: load (CSV or PostgreSQL) -> metrics and
 * detect -> score, rank and sanction -> write -> commit the folder. Each stage reads what
 * the earlier ones left in the cw_month_run and adds its own part. */
#ifndef CW_RUN_H
#define CW_RUN_H
#include <cjson/cJSON.h>
#include "claimwatch/dxcoding.h"
#include "claimwatch/common.h"
#include "claimwatch/dataset.h"
#include "claimwatch/findings.h"
#include "claimwatch/metrics.h"
#include "claimwatch/review.h"
#include "claimwatch/rules.h"
#include "claimwatch/run.h"
#include "claimwatch/sanction.h"
#include "claimwatch/score.h"
#include "claimwatch/source.h"
#include "engine/indicators.h"
#include "io/outdir.h"
#include "io/output.h"
#include "io/pseudo.h"
#include "judge/assess.h"
#include "judge/inst_sanction.h"
#include "pg/pg.h"

typedef struct cw_month_run {
	const cw_run_options *opts; /* of this month: opts->month is the one run */
	struct cw_pg *pg;       /* the database when opts->db: source and destination */
	const cw_rules *rules;
	cw_dimset *dims;
	char month[8];
	cw_output output;       /* the month's set of outputs: file mode and size guard, from the rules */
	cw_outdir *od;
	cw_rejects *rejects;
	cw_dataset *ds;
	cw_load_stats load;
	char store_image[80]; /* the store's month image the dataset was mapped from, "" when built */
	cw_findings *findings;
	cw_detect_timing *timings;
	cw_pseudo pseudo;
	int threads;     /* for loading and detecting: 0 = all cores */
	int input_timeout; /* seconds a FIFO may keep the load waiting (0: no limit) */
	double max_reject_share; /* the limit on the month's share of rejected rows */
	char *warnings;  /* warnings (the loader's, the cycle's missing months), one per line */
	cw_reviews *reviews;       /* inspectors' decisions (ROOT/reviews.csv) */
	cw_score_rules score_rules;
	cw_scores *scores;         /* scores, grades and ranks of the month's physicians */
	cw_sanction_rules sanction_rules;
	struct {                   /* what the sanctions stage saw, for the summary */
		char cycle[8];
		char missing[CW_CYCLE_MONTHS * 8 + 1]; /* earlier months of the cycle without results */
		int months_read;
		size_t due[CW_LEVELS + 1];
	} sanctions;
	cw_indicators indicators;  /* institutions' and departments' figures (indicators.csv, the report) */
	cw_metrics_opts metrics_opts; /* the rules' metrics section */
	cw_metrics *metrics;       /* physicians' metrics against peers (detectors, metrics.csv, the funnel plots) */
	double t_start, t_load, t_detect, t_score, t_write, t_report;
	struct {                   /* the institutions' and departments' assessment (write_assessment.c) */
		cw_assess_table inst, dept; /* rows in the dataset's institution and department order */
	} assessment;
	struct {                   /* the institutions' ladder this month (write_inst_sanctions.c), for the summary */
		int computed;      /* 1: inst_sanctions.csv was written */
		size_t due[CW_INST_STEPS + 1]; /* institutions per step due; [0] those with none */
	} inst_sanctions;
	int empty; /* no claim line in the month */
	struct {                   /* the write-back to the database (pg_write.c) */
		char run_id[24];   /* the run's id, taken before summary.json is written */
		const char *target; /* "host:port/dbname" */
		int committed;     /* the database holds this run's results */
	} db;
	struct cw_budget_book *budget; /* the global budget's year to date (budget.csv, the report); NULL without budgets */
	cw_dx_month dx;   /* the month's diagnosis codes and the coding system in force (run_dx.c, issue 18) */
	struct cw_reject_log *reject_log; /* the run's, shared by its months (source/reject_log.h, issue 18) */
} cw_month_run;

/* The settings of a set of outputs (io/output.h) from the rules' output section, into *out: the file
 * mode from output.file_mode (an octal string, "0600" or "640", that gives the owner read and write and
 * nobody execute) and the size guard's limits from output.max_bytes and output.max_free_share
 * (io/outguard.h). A run reads them for its month; a command that writes files, for them. Errors name
 * the key; *out is then left at the defaults. */
int cw_output_load(cw_output *out, const cw_rules *rules);

/* --- the result tables' history (pg_history.c) ------------------------------------------------------ */

/* The run whose results are a month's current ones. */
typedef struct cw_pg_month_run {
	long long run_id;     /* 0: the month has no run in the database */
	char finished[24];    /* "YYYY-MM-DD HH:MM" */
	long long lines;      /* claim lines of the month it was made from */
} cw_pg_month_run;
/* The current run of month ("YYYY-MM"). */
int cw_pg_current_run(cw_pg_month_run *out, cw_pg *pg, const char *month);

/* The sanction history from the result tables: */
struct cw_history_source;
/* A history source that reads the earlier months' ranking from claimwatch.ranking (the months that
 * have a run), for cw_history_load_from. Valid while pg lives; free with cw_pg_history_free. */
int cw_pg_history_source(cw_pg *pg, struct cw_history_source *src);
void cw_pg_history_free(struct cw_history_source *src);

/* Before `run --db` runs its months: puts into ROOT the results the database committed that a killed
 * run left beside their month folder, and says which month folders hold other results than the
 * database's current ones (pg_root.c). Connects with conninfo and checks the schema first. */
int cw_pg_reconcile_root(const char *conninfo, const char *root);

/* The built-in detectors and the plug-ins at plugins[0..n), and the rules loaded with them from path
 * (NULL: the defaults). The caller frees both, the rules first (entry.c). */
int cw_run_rules(cw_rules **rules, cw_registry **reg, const char *path, const char *const *plugins, size_t n);

/* Runs opts->month (cw_run has checked the options and loaded the rules) and fills *res. Returns 0,
 * CW_EREJECTS (the results were not replaced; the rejects are in ROOT/YYYY-MM.rejected/) or another
 * error. rejects: the run's memory of its rejected rows, shared by its months (NULL: the month's own). */
int cw_run_month(cw_run_result *res, const cw_run_options *opts, const cw_rules *rules,
                 struct cw_reject_log *rejects);
/* The month's rejects by table and reason (run_rejects.c): told first, after the load (zh/en), and
 * summary.json's "rejects_by_reason". */
void cw_run_rejects_note(const cw_month_run *mr);
cJSON *cw_run_rejects_json(const cw_month_run *mr);

/* A warning: told to the progress callback and kept with the run's warnings for summary.json. */
int cw_run_warn(cw_month_run *mr, const char *fmt, ...) CW_PRINTF(2, 3);
/* The month's diagnosis codes against the rules' dx.coding (run_dx.c): counted into mr->dx; a warning
 * (cw_run_warn) when most do not look like the declared system, a note saying which system "auto" picked.
 * 0 or the rules' error. */
int cw_run_dx_note(cw_month_run *mr);
/* summary.json's "dx_coding" object. */
cJSON *cw_run_dx_json(const cw_month_run *mr);
/* A warning when refund lines of the window cancel no original line (run_refunds.c, issue 18). */
int cw_run_refund_note(cw_month_run *mr);

/* The writers of the month's files, each into the run's temporary folder. */
int cw_write_findings(cw_month_run *mr);
/* findings.csv alone, from mr->findings (cw_write_findings also passes on the reviews' warnings); written
 * again when a later stage adds findings (cw_write_under_service). */
int cw_write_findings_file(cw_month_run *mr);
int cw_write_summary(cw_month_run *mr, const char *status);
int cw_write_ranking(cw_month_run *mr);
/* Reads the cycle's earlier months and the ranking.csv just written; writes sanctions.csv. */
int cw_write_sanctions(cw_month_run *mr);
/* inst_sanctions.csv when the month has an inst_assessment.csv: the institutions' ladder (LADDER). */
int cw_write_inst_sanctions(cw_month_run *mr);
/* evidence.csv: the claim lines behind each finding. */
int cw_write_evidence(cw_month_run *mr);
/* metrics.csv: mr->metrics, the physicians' metrics the run computed before detection. */
int cw_write_metrics(cw_month_run *mr);
/* "no_data", "low_volume", "few_peers", "judged" (metrics.csv's status). */
const char *cw_metric_status_name(int status);
/* Computes mr->indicators and writes indicators.csv. */
int cw_write_indicators(cw_month_run *mr);
/* Assesses the institutions and departments from mr->indicators, the findings and the month's rejects;
 * writes inst_assessment.csv and dept_assessment.csv (judge/assess.h). */
int cw_write_assessment(cw_month_run *mr);
/* budget.csv when the data has budgets (DATA/budgets.csv or the budgets table), after indicators.csv and
 * findings.csv: the global budget of January to this month (write_budget.c, docs/budget.md); the book
 * stays in mr->budget for the report, freed by cw_budget_release. */
int cw_write_budget(cw_month_run *mr);
void cw_budget_release(cw_month_run *mr);
/* After budget.csv: the month's I12 under-service signals of mr->budget as findings of the rule
 * budget_under_service (judge/prompts.h), appended to mr->findings and to findings.csv, which is written
 * again (write_under_service.c). Nothing without budgets or signals. */
int cw_write_under_service(cw_month_run *mr);
/* The HTML report, ROOT/YYYY-MM/report/ (write_report.c, src/report/). */
int cw_write_report(cw_month_run *mr);
/* The summary's "scoring" part (physicians, ranks, reviews, sanctions, history). */
cJSON *cw_scoring_summary(const cw_month_run *mr);
/* Copies the written files into the database's result tables in one transaction, writing summary.json
 * (with the run's id) on the way (pg_write.c). */
int cw_pg_write_month(cw_month_run *mr);
/* A month without claim lines whose current results (ROOT/YYYY-MM, or the database's) had some is an
 * error, unless opts->allow_empty (run_emptied.c). */
int cw_check_emptied(cw_month_run *mr);

#endif
