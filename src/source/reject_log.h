/* reject_log.h: what the rejects of a load, or of a run's months, remember (issue 18 item 3): the rows
 * whose rejection cascades (a visit, a claim line), so that a row referring to one says why it is
 * missing; the rows already written, so that a run over several months reports each once; and the
 * month's rejects by table and reason, for the summary a run prints first and keeps in summary.json. */
#ifndef CW_SOURCE_REJECT_LOG_H
#define CW_SOURCE_REJECT_LOG_H
#include <stdint.h>
#include "source/load_table.h"

typedef struct cw_reject_log cw_reject_log;

/* A new, empty log into *out (free with cw_reject_log_free); 0 or CW_ENOMEM. */
int cw_reject_log_new(cw_reject_log **out);
void cw_reject_log_free(cw_reject_log *log);

/* The reason rj is to be written with, into *reason: rj->reason, or, for a claim line or prescription
 * whose visit was rejected (a result whose claim line was), "visit V1 was rejected (visits.csv line 12:
 * dx_code: dx_code is required)" in why (size bytes). Remembers a rejected visit or claim line for the
 * rows that refer to it. 0 or CW_ENOMEM. */
int cw_reject_log_explain(cw_reject_log *log, const cw_reject *rj, const char **reason, char *why, size_t size);

/* 1 when the same row (file, line and fields) was written before under this log (an earlier month of
 * the run), 0 when not (it is remembered now), or CW_ENOMEM. */
int cw_reject_log_seen(cw_reject_log *log, const cw_reject *rj);

/* Counts a written reject in its group: file, column and the reason's kind (the reason with each quoted
 * value as '…', a cascade's without its ids). 0 or CW_ENOMEM. */
int cw_reject_log_count(cw_reject_log *log, const cw_reject *rj, const char *reason);
/* Counts a reject that was not written again (cw_reject_log_seen). */
void cw_reject_log_count_repeat(cw_reject_log *log);

/* The month's groups from now on start empty (the rows seen and the cascades are kept). */
void cw_reject_log_month_begin(cw_reject_log *log);

/* One group of the month's written rejects. */
typedef struct cw_reject_group {
	const char *file, *column, *kind;
	uint64_t rows;
} cw_reject_group;
/* The month's groups, by file (in the order first seen) then by count, most first: *n of them. */
const cw_reject_group *cw_reject_log_groups(cw_reject_log *log, size_t *n);
/* The month's rejects not written again. */
uint64_t cw_reject_log_repeats(const cw_reject_log *log);

#endif
