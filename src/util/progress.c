/* progress.c: progress events to the calling thread's sink (see progress.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "util/progress.h"

static _Thread_local cw_progress_sink *current; /* the sink of this thread's work */
static _Thread_local cw_progress_sink own;      /* the one cw_progress_set fills */

double cw_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cw_progress_set(cw_progress_cb cb, void *payload)
{
	cw_progress_enter(&own, cb, payload);
}

cw_progress_sink *cw_progress_enter(cw_progress_sink *sink, cw_progress_cb cb, void *payload)
{
	cw_progress_sink *previous = current;
	*sink = (cw_progress_sink){ .cb = cb, .payload = payload, .unit = "" };
	current = cb ? sink : NULL;
	return previous;
}

void cw_progress_leave(cw_progress_sink *previous) { current = previous; }
cw_progress_sink *cw_progress_current(void) { return current; }
void cw_progress_adopt(cw_progress_sink *sink) { current = sink; }

static void emit(cw_progress_sink *s, cw_progress_kind kind, uint64_t done, const char *message)
{
	cw_progress ev = { .kind = kind, .stage = (cw_run_stage)s->stage, .month = s->month, .task = s->task,
		           .unit = s->unit, .done = done, .total = s->total, .message = message };
	if (kind != CW_PROGRESS_STAGE && kind != CW_PROGRESS_NOTE)
		ev.elapsed = cw_now() - s->started;
	s->cb(&ev, s->payload);
}

void cw_progress_stage(int stage, const char *month)
{
	cw_progress_sink *s = current;
	if (!s)
		return;
	s->stage = stage;
	snprintf(s->month, sizeof s->month, "%s", month ? month : "");
	emit(s, CW_PROGRESS_STAGE, 0, NULL);
}

void cw_progress_begin(const char *task, uint64_t total, const char *unit)
{
	cw_progress_sink *s = current;
	if (!s)
		return;
	snprintf(s->task, sizeof s->task, "%s", task);
	s->total = total;
	s->unit = unit ? unit : "";
	s->calls = 0;
	s->started = cw_now();
	emit(s, CW_PROGRESS_BEGIN, 0, NULL);
}

void cw_progress_tick(uint64_t done)
{
	cw_progress_sink *s = current;
	if (s && !(++s->calls & 0xffff))
		emit(s, CW_PROGRESS_UPDATE, done, NULL);
}

void cw_progress_end(void)
{
	cw_progress_sink *s = current;
	if (s)
		emit(s, CW_PROGRESS_END, 0, NULL);
}

void cw_progress_note(const char *fmt, ...)
{
	cw_progress_sink *s = current;
	if (!s)
		return;
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	emit(s, CW_PROGRESS_NOTE, 0, msg);
}

void cw_progress_error(const char *message)
{
	if (current)
		emit(current, CW_PROGRESS_ERROR, 0, message);
}
