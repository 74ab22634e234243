/* progress.h: the progress line on standard error for long work.
 *
 * Nothing is printed during the first second of a task, so quick runs stay
 * quiet; after that one line is rewritten in place on a terminal (or a line
 * every 5 s otherwise). cw_progress_quiet(1) silences everything. Safe to call
 * from one thread at a time. */
#ifndef CW_PROGRESS_H
#define CW_PROGRESS_H
#include <stdint.h>

void cw_progress_quiet(int quiet);
int cw_progress_is_quiet(void);
/* Starts a task ("reading claim_lines.csv"); total 0 when unknown. */
void cw_progress_begin(const char *task, uint64_t total, const char *unit);
/* Cheap enough to call every row: looks at the clock every 64k calls. */
void cw_progress_tick(uint64_t done);
void cw_progress_end(void);
/* A line of its own (a warning, a result), not overwritten by the progress line. */
void cw_progress_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Seconds since an arbitrary fixed point (monotonic clock). */
double cw_now(void);

#endif
