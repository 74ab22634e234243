/* progress.c: the progress line on standard error (see progress.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "util/safetext.h"
#include "util/progress.h"

static int quiet;
static char task[128];
static const char *unit = "";
static uint64_t total, calls;
static double started, last_print;
static int shown;

double cw_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void cw_progress_quiet(int q) { quiet = q; }
int cw_progress_is_quiet(void) { return quiet; }

void cw_progress_begin(const char *t, uint64_t n, const char *u)
{
	cw_safe_copy(task, sizeof task, t, CW_SAFE_HEX, 0); /* a path may hold anything */
	total = n;
	unit = u ? u : "";
	calls = 0;
	shown = 0;
	started = last_print = cw_now();
}

static void show(uint64_t done, int final)
{
	double now = cw_now(), el = now - started;
	int tty = isatty(2);
	if (!final && now - last_print < (tty ? 0.25 : 5.0))
		return;
	last_print = now;
	char rate[64] = "";
	if (el > 0 && done)
		snprintf(rate, sizeof rate, ", %.0f %s/s", (double)done / el, unit);
	if (total)
		fprintf(stderr, "%s%s: %llu/%llu %s (%.0f%%)%s, %.1f s%s", tty ? "\r\033[K" : "", task,
		        (unsigned long long)done, (unsigned long long)total, unit, 100.0 * (double)done / (double)total,
		        rate, el, tty && !final ? "" : "\n");
	else
		fprintf(stderr, "%s%s: %llu %s%s, %.1f s%s", tty ? "\r\033[K" : "", task, (unsigned long long)done,
		        unit, rate, el, tty && !final ? "" : "\n");
	shown = 1;
}

void cw_progress_tick(uint64_t done)
{
	if (quiet || (++calls & 0xffff))
		return;
	if (cw_now() - started >= 1.0)
		show(done, 0);
}

void cw_progress_end(void)
{
	if (!quiet && shown && isatty(2))
		fprintf(stderr, "\r\033[K");
	shown = 0;
}

void cw_progress_note(const char *fmt, ...)
{
	if (quiet)
		return;
	if (shown && isatty(2))
		fprintf(stderr, "\r\033[K");
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cw_safe_fputs(stderr, msg, CW_SAFE_HEX, 0); /* notes quote paths and names from the data */
	fputc('\n', stderr);
}
