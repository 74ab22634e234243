/* cli_progress.c: the command line's progress callback (claimwatch/progress.h): standard error.
 *
 * Nothing is printed during the first second of a task, so quick runs stay quiet; after that one line
 * is rewritten in place on a terminal (or a line every 5 s otherwise). Notes are lines of their own,
 * with control and bidirectional characters from the data escaped. Standard error is the process's, so
 * is this state. */
#include <stdio.h>
#include <unistd.h>
#include "cli.h"
#include "util/safetext.h"

static struct {
	char task[128];
	double last_print; /* elapsed seconds of the task at the last line */
	int shown;         /* a progress line is on the screen */
} line;

static void show(const cw_progress *ev)
{
	int tty = isatty(2);
	if (ev->elapsed < 1.0 || ev->elapsed - line.last_print < (tty ? 0.25 : 5.0))
		return;
	line.last_print = ev->elapsed;
	char rate[64] = "";
	if (ev->elapsed > 0 && ev->done)
		snprintf(rate, sizeof rate, ", %.0f %s/s", (double)ev->done / ev->elapsed, ev->unit);
	if (ev->total)
		fprintf(stderr, "%s%s: %llu/%llu %s (%.0f%%)%s, %.1f s%s", tty ? "\r\033[K" : "", line.task,
		        (unsigned long long)ev->done, (unsigned long long)ev->total, ev->unit,
		        100.0 * (double)ev->done / (double)ev->total, rate, ev->elapsed, tty ? "" : "\n");
	else
		fprintf(stderr, "%s%s: %llu %s%s, %.1f s%s", tty ? "\r\033[K" : "", line.task,
		        (unsigned long long)ev->done, ev->unit, rate, ev->elapsed, tty ? "" : "\n");
	line.shown = 1;
}

/* Clears a progress line from a terminal before what comes next. */
static void clear(void)
{
	if (line.shown && isatty(2))
		fprintf(stderr, "\r\033[K");
}

/* A note or an error: a line of its own. */
static void print_line(const cw_progress *ev)
{
	if (ev->kind == CW_PROGRESS_ERROR)
		fputs("claimwatch: error: ", stderr);
	cw_safe_fputs(stderr, ev->message, CW_SAFE_HEX, 0); /* messages quote paths and names from the data */
	fputc('\n', stderr);
}

void cw_cli_progress(const cw_progress *ev, void *payload)
{
	(void)payload;
	switch (ev->kind) {
	case CW_PROGRESS_BEGIN:
		cw_safe_copy(line.task, sizeof line.task, ev->task, CW_SAFE_HEX, 0); /* a path may hold anything */
		line.last_print = 0;
		line.shown = 0;
		break;
	case CW_PROGRESS_UPDATE: show(ev); break;
	case CW_PROGRESS_END:
		clear();
		line.shown = 0;
		break;
	case CW_PROGRESS_NOTE:
	case CW_PROGRESS_ERROR:
		clear();
		line.shown = 0;
		print_line(ev);
		break;
	case CW_PROGRESS_STAGE: break;
	}
}

void cw_cli_progress_errors(const cw_progress *ev, void *payload)
{
	(void)payload;
	if (ev->kind == CW_PROGRESS_ERROR)
		print_line(ev);
}
