/*
 * claimwatch/progress.h: what the library tells about long work, through a
 * callback of the caller's.
 *
 * The library prints nothing: a run (claimwatch/run.h, cw_run_options.progress)
 * or a load (cw_progress_set, then cw_load_csv or cw_load_db) hands each event
 * to the caller's callback, on the caller's thread or, one at a time, on one of
 * the work's own threads. A task (reading a table, indexing the month, writing
 * to the database) is a BEGIN, UPDATEs and an END; a NOTE is a line of its own:
 * a result ("2026-05: 8 findings in 0.1 s") or a warning ("warning: ..."); an
 * ERROR is a month of a range that failed. The command line's callback prints
 * them on standard error (README, "Usage"), the errors even with --quiet.
 *
 *   static void show(const cw_progress *ev, void *payload)
 *   {
 *       if (ev->kind == CW_PROGRESS_NOTE)
 *           fprintf(stderr, "%s\n", ev->message);
 *   }
 */
#ifndef CLAIMWATCH_PROGRESS_H
#define CLAIMWATCH_PROGRESS_H

#include <stdint.h>
#include "claimwatch/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cw_progress_kind {
	CW_PROGRESS_STAGE,  /* the run entered ev->stage (of ev->month) */
	CW_PROGRESS_BEGIN,  /* a task began: task, total (0 when unknown), unit */
	CW_PROGRESS_UPDATE, /* the task advanced to done, after elapsed seconds (every 65,536 steps) */
	CW_PROGRESS_END,    /* the task ended */
	CW_PROGRESS_NOTE,   /* a line of its own: message */
	CW_PROGRESS_ERROR   /* a month of a range failed, and the range goes on or stops: message says
	                     * why (the range's end is cw_run's return and cw_error_last()) */
} cw_progress_kind;

/* The stages of a month's run, in order (a run that fails stops at one). */
typedef enum cw_run_stage {
	CW_STAGE_NONE,    /* outside a run: a load called on its own */
	CW_STAGE_PREPARE, /* the rules, the output folder, the database connection */
	CW_STAGE_LOAD,    /* the month and its look-back window into a dataset */
	CW_STAGE_DETECT,  /* the physicians' metrics and the detectors */
	CW_STAGE_SCORE,   /* scores, grades and ranks */
	CW_STAGE_WRITE,   /* the month's files */
	CW_STAGE_REPORT,  /* the HTML report */
	CW_STAGE_COMMIT   /* summary.json, the database's result tables, then the new folder replaces
	                   * the month's earlier results */
} cw_run_stage;

typedef struct cw_progress {
	cw_progress_kind kind;
	cw_run_stage stage;
	const char *month;    /* "YYYY-MM" of the run; "" outside one */
	const char *task;     /* BEGIN, UPDATE, END: "reading claim_lines.csv" */
	const char *unit;     /* "rows", "patients" or "" */
	uint64_t done;        /* UPDATE */
	uint64_t total;       /* 0 when unknown */
	double elapsed;       /* seconds since the task began */
	const char *message;  /* NOTE: one line without its newline. It may quote paths and names from
	                       * the data as they are: escape control characters before a terminal. */
} cw_progress;

/* Called for every event; payload is the caller's, given with the callback. */
typedef void (*cw_progress_cb)(const cw_progress *ev, void *payload);

/* The callback of the calling thread's work from now on, for functions that
 * take none (cw_load_csv, cw_load_db); NULL: none. Per thread: another thread's
 * work (another embedder's run) keeps its own. cw_run uses its options' callback
 * and puts this one back when it returns. */
CW_EXTERN(void) cw_progress_set(cw_progress_cb cb, void *payload);

#ifdef __cplusplus
}
#endif
#endif
