/*
 * claimwatch/run.h: a month's run in one call, what `claimwatch run` does.
 *
 * cw_run reads a month and its look-back window from a folder of CSV files or a
 * PostgreSQL database, runs every enabled detector, scores, ranks and sanctions
 * the physicians and writes ROOT/YYYY-MM/ (findings.csv, evidence.csv,
 * ranking.csv, sanctions.csv, indicators.csv, metrics.csv, rejects.csv,
 * summary.json, the report), replacing the month's earlier results only when
 * everything is written; from a database it also writes the results back to it.
 * The files are described in docs/data-format.md.
 *
 *   cw_run_options opts = CW_RUN_OPTIONS_INIT;
 *   opts.data_dir = "data";
 *   opts.root = "out";
 *   cw_month_parse(&opts.month, "2026-05");
 *   opts.progress = show;                  // claimwatch/progress.h; NULL: nothing is told
 *   cw_run_result res;
 *   int rc = cw_run(&res, &opts);          // 0, CW_EREJECTS, or another CW_E* (cw_error_last())
 *
 * The options are versioned as libgit2's: a program built against another
 * CW_RUN_OPTIONS_VERSION is refused with a message, never misread. Two runs on
 * two threads are independent: each tells its own callback.
 */
#ifndef CLAIMWATCH_RUN_H
#define CLAIMWATCH_RUN_H

#include <stddef.h>
#include <stdint.h>
#include "claimwatch/common.h"
#include "claimwatch/progress.h"
#include "claimwatch/rules.h"
#include "claimwatch/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CW_RUN_OPTIONS_VERSION 2 /* 2: store and db_connections appended */

typedef struct cw_run_options {
	unsigned int version;     /* CW_RUN_OPTIONS_VERSION */

	/* Settings that default to the rules: -1 takes the rules' value. */
	int threads;              /* threads loading and detecting, 0: one per core (run.threads) */
	int lookback_days;        /* days read before the month (load.lookback_days) */
	double max_reject_share;  /* above this share of rejected rows the run fails with CW_EREJECTS,
	                           * keeping the earlier results (load.max_reject_share) */
	int report;               /* write the HTML report (1, the default) */
	int load_wait;            /* from a database: seconds to wait for a load in progress (-1: 1800) */
	int input_timeout;        /* seconds a FIFO may keep the load waiting, 0: no limit
	                           * (load.input_timeout_seconds) */

	/* The source: one of the two. */
	const char *data_dir;     /* a folder of the data contract's CSV files */
	const char *db;           /* a libpq connection string (URL or key=value; PG* variables apply) */

	cw_month month;           /* the month to run, */
	cw_month last_month;      /* or the months month..last_month, in order ({0, 0}: month alone) */
	const char *root;         /* the output root: results go to ROOT/YYYY-MM/ (created when missing) */

	/* The rules: either a file merged over the defaults (NULL: the defaults) with plug-in
	 * detectors (paths of shared objects, as `claimwatch run --plugin`), or rules loaded by the
	 * caller (cw_rules_load), which keep their registry; not both. */
	const char *rules_path;
	const char *const *plugins;
	size_t plugin_count;
	const cw_rules *rules;

	const char *lang;         /* "zh" (NULL) or "en": the report, findings' reasons, the sanctions' measures */
	int reveal_patients;      /* raw patient ids instead of keyed pseudonyms */
	int allow_empty;          /* a month whose current results had claim lines may come out empty */

	cw_progress_cb progress;  /* NULL: the run tells nothing */
	void *payload;            /* passed to progress */

	/* A third source, instead of data_dir or db: a columnar store written by `claimwatch load --store`
	 * (docs/store.md); the month and its look-back are mapped from it. */
	const char *store;
	int db_connections;       /* from a database: connections the claim lines are read on (0: 1);
	                           * the results are the same whatever the number */
} cw_run_options;

#define CW_RUN_OPTIONS_INIT { .version = CW_RUN_OPTIONS_VERSION, .threads = -1, .lookback_days = -1, \
                              .max_reject_share = -1.0, .report = 1, .load_wait = -1, \
                              .input_timeout = -1 }

/* Sets opts to CW_RUN_OPTIONS_INIT; CW_EINVALID when version is not CW_RUN_OPTIONS_VERSION. */
CW_EXTERN(int) cw_run_options_init(cw_run_options *opts, unsigned int version);

/* How many months ran and failed, and what the last month run to the end found. */
typedef struct cw_run_result {
	unsigned int months;        /* months run to the end */
	unsigned int months_failed; /* months that failed (a range goes on after CW_EREJECTS) */
	size_t claim_lines;         /* claim lines of the month (without the look-back) */
	uint64_t rows_rejected;     /* input rows rejected (ROOT/YYYY-MM/rejects.csv) */
	size_t findings;
	size_t physicians_scored;
	size_t physicians_ranked;   /* scored with enough visits to be ranked */
} cw_run_result;

/* Runs opts->month, or the months up to opts->last_month in order, and fills *out (may be NULL).
 * Returns 0, CW_EREJECTS (too many rejected rows: the month's earlier results were kept, the rejects
 * are in ROOT/YYYY-MM.rejected/) or another negative CW_E* code with cw_error_last() saying what
 * failed. A month of a range refused with CW_EREJECTS does not stop the range; any other failure does
 * (the same folder, database or disk would most likely fail the next months alike). A range that did
 * not run whole tells each failed month's error to the progress callback (CW_PROGRESS_ERROR), returns
 * the worst month's code (any other error over CW_EREJECTS), and cw_error_last() says which months
 * ran, which failed and which were not run. */
CW_EXTERN(int) cw_run(cw_run_result *out, const cw_run_options *opts);

#ifdef __cplusplus
}
#endif
#endif
