/* run.h: one monthly run, from the source to the files in ROOT/YYYY-MM/.
 *
 * The stages follow the data one way: load (CSV or PostgreSQL) -> detect ->
 * score, rank and sanction -> write -> commit the folder. Each stage reads what
 * the earlier ones left in the cw_month_run and adds its own part. */
#ifndef CW_RUN_H
#define CW_RUN_H
#include <cjson/cJSON.h>
#include "claimwatch/dataset.h"
#include "claimwatch/findings.h"
#include "claimwatch/metrics.h"
#include "claimwatch/review.h"
#include "claimwatch/rules.h"
#include "claimwatch/sanction.h"
#include "claimwatch/score.h"
#include "claimwatch/source.h"
#include "indicators.h"
#include "outdir.h"
#include "pseudo.h"

typedef struct cw_run_opts {
	const char *data_dir;   /* a folder of CSV files, or */
	const char *db;         /* a libpq connection string */
	const char *root;       /* output root: results go to ROOT/YYYY-MM/ */
	const char *rules_path; /* NULL: the defaults */
	cw_month month;
	int threads;            /* 0: all cores; -1: the rules' run.threads */
	int lookback_days;      /* -1: from the rules */
	double max_reject_share; /* < 0: from the rules */
	int input_timeout;      /* seconds a FIFO may keep the load waiting; 0: no limit; -1: from the rules */
	int reveal_patients;
	int report;             /* write the HTML report */
	const char *lang;       /* "zh" or "en": the report's labels and the sanctions' measures */
} cw_run_opts;

typedef struct cw_month_run {
	const cw_run_opts *opts;
	struct cw_pg *pg;       /* the database when opts->db: source and destination */
	const cw_rules *rules;
	cw_dimset *dims;
	char month[8];
	cw_outdir *od;
	cw_rejects *rejects;
	cw_dataset *ds;
	cw_load_stats load;
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
	cw_metrics *metrics;       /* physicians' metrics against peers (metrics.csv, the funnel plots) */
	double t_start, t_load, t_detect, t_score, t_write, t_report;
	int empty; /* no claim line in the month */
} cw_month_run;

/* Runs one month. Returns 0, CW_EREJECTS (the results were not replaced; the
 * rejects are in ROOT/YYYY-MM.rejected/) or another error. */
int cw_run_month(const cw_run_opts *opts, const cw_rules *rules);

/* The writers of the month's files, each into the run's temporary folder. */
int cw_write_findings(cw_month_run *mr);
int cw_write_summary(cw_month_run *mr, const char *status);
int cw_write_ranking(cw_month_run *mr);
/* Reads the cycle's earlier months and the ranking.csv just written; writes sanctions.csv. */
int cw_write_sanctions(cw_month_run *mr);
/* evidence.csv: the claim lines behind each finding. */
int cw_write_evidence(cw_month_run *mr);
/* Computes mr->metrics (with the outlier_physician detector's settings) and writes metrics.csv. */
int cw_write_metrics(cw_month_run *mr);
/* "no_data", "low_volume", "few_peers", "judged" (metrics.csv's status). */
const char *cw_metric_status_name(int status);
/* Computes mr->indicators and writes indicators.csv. */
int cw_write_indicators(cw_month_run *mr);
/* The HTML report, ROOT/YYYY-MM/report/ (report.c). */
int cw_write_report(cw_month_run *mr);
/* The summary's "scoring" part (physicians, ranks, reviews, sanctions, history). */
cJSON *cw_scoring_summary(const cw_month_run *mr);
/* Copies the written files into the database's result tables in one transaction (pg_write.c). */
int cw_pg_write_month(cw_month_run *mr);

#endif
