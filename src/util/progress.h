/* progress.h: progress events of long work, handed to the caller's callback (claimwatch/progress.h).
 *
 * The work of a thread reports to that thread's sink: the callback set with cw_progress_set, or a
 * run's own (cw_progress_enter ... cw_progress_leave). A task is begin, ticks, end; a note is a line of
 * its own. Threads that do part of the caller's work report to the caller's sink (cw_progress_adopt),
 * one at a time. Without a callback every call returns at once. */
#ifndef CW_PROGRESS_H
#define CW_PROGRESS_H
#include <stdint.h>
#include "claimwatch/common.h"
#include "claimwatch/progress.h"

/* A sink: the callback and the state of its current task. */
typedef struct cw_progress_sink {
	cw_progress_cb cb;
	void *payload;
	int stage;
	char month[8];
	char task[128];
	const char *unit;
	uint64_t total, calls;
	double started;
} cw_progress_sink;

/* Makes sink (callback cb) the calling thread's and returns the one it replaces, for cw_progress_leave. */
cw_progress_sink *cw_progress_enter(cw_progress_sink *sink, cw_progress_cb cb, void *payload);
void cw_progress_leave(cw_progress_sink *previous);
/* The calling thread's sink (NULL: none), and a worker thread taking its caller's. */
cw_progress_sink *cw_progress_current(void);
void cw_progress_adopt(cw_progress_sink *sink);

/* The run entered stage (cw_run_stage) of month "YYYY-MM". */
void cw_progress_stage(int stage, const char *month);
/* Starts a task ("reading claim_lines.csv"); total 0 when unknown. */
void cw_progress_begin(const char *task, uint64_t total, const char *unit);
/* Cheap enough to call every row: reports every 65,536 calls. */
void cw_progress_tick(uint64_t done);
void cw_progress_end(void);
/* A line of its own (a warning, a result). */
void cw_progress_note(const char *fmt, ...) CW_PRINTF(1, 2);
/* A month of a range failed: message is its error. */
void cw_progress_error(const char *message);
/* Seconds since an arbitrary fixed point (monotonic clock). */
double cw_now(void);

#endif
