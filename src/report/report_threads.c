/* report_threads.c: pages written on several threads (see report.h, cw_report_run_tasks). The items of
 * the work are cut into tasks, runs of items in the order one thread would write them (a few tasks a
 * thread at least, so that the work is shared out evenly); each thread takes the next task not yet
 * taken and writes its pages through a copy of the report of its own (its scratch file name and its
 * counts), everything the copy points to being shared and read only. The pages are whole files of their
 * own, so they come out byte for byte as one thread writes them; the counts of each task are added up in
 * the tasks' order afterwards, so the progress line says the same; an error is that of the first task, in
 * order, that failed, with its message (messages are per thread, claimwatch/error.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "report/report.h"
#include "util/threads.h"

/* What a task wrote. */
typedef struct tally {
	size_t files;
	uint64_t bytes, largest;
	char largest_name[sizeof ((cw_report *)0)->largest_name];
} tally;

typedef struct pool {
	cw_report_task task;
	void *ctx;
	size_t items, per; /* task k: items [k * per, min((k + 1) * per, items)) */
	size_t n;          /* tasks */
	tally *tallies; /* per task, each written by the thread that ran it */
	pthread_mutex_t lock;
	size_t next;    /* the next task to take, under lock */
	int stop;       /* a task failed: take no more, under lock */
} pool;

typedef struct worker {
	pool *p;
	cw_report w;      /* this thread's copy of the report */
	int rc;           /* the first error of this thread's tasks, 0 when none */
	size_t failed;    /* the task that failed */
	char error[2048]; /* its message */
} worker;

static size_t take(pool *p)
{
	pthread_mutex_lock(&p->lock);
	size_t k = p->stop ? p->n : p->next++;
	pthread_mutex_unlock(&p->lock);
	return k;
}

static void *work(void *arg)
{
	worker *t = arg;
	pool *p = t->p;
	for (size_t k; (k = take(p)) < p->n;) {
		t->w.files = 0;
		t->w.bytes = t->w.largest = 0;
		t->w.largest_name[0] = 0;
		size_t to = (k + 1) * p->per < p->items ? (k + 1) * p->per : p->items;
		int rc = p->task(&t->w, p->ctx, k * p->per, to);
		tally *c = &p->tallies[k];
		c->files = t->w.files;
		c->bytes = t->w.bytes;
		c->largest = t->w.largest;
		memcpy(c->largest_name, t->w.largest_name, sizeof c->largest_name);
		if (rc < 0) {
			t->rc = rc;
			t->failed = k;
			snprintf(t->error, sizeof t->error, "%s", cw_error_last());
			pthread_mutex_lock(&p->lock);
			p->stop = 1;
			pthread_mutex_unlock(&p->lock);
			return NULL;
		}
	}
	return NULL;
}

/* The counts of every task into r, in the tasks' order: the largest page is the first of the largest. */
static void add_up(cw_report *r, const tally *tallies, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		r->files += tallies[k].files;
		r->bytes += tallies[k].bytes;
		if (tallies[k].largest > r->largest) {
			r->largest = tallies[k].largest;
			memcpy(r->largest_name, tallies[k].largest_name, sizeof r->largest_name);
		}
	}
}

/* The error of the first task that failed, in the caller's thread; 0 when none did. */
static int first_error(const worker *t, int nt)
{
	const worker *first = NULL;
	for (int i = 0; i < nt; i++)
		if (t[i].rc < 0 && (!first || t[i].failed < first->failed))
			first = &t[i];
	return first ? cw_error_set(first->rc, "%s", first->error) : 0;
}

int cw_report_run_tasks(cw_report *r, int threads, size_t items, size_t max_per_task, cw_report_task task, void *ctx)
{
	int nt = cw_threads(threads);
	if ((size_t)nt > items)
		nt = items ? (int)items : 1;
	if (nt == 1) /* one thread: every item in one task, straight into r */
		return items ? task(r, ctx, 0, items) : 0;
	/* four tasks a thread at least, at most max_per_task items each */
	size_t per = (items + (size_t)nt * 4 - 1) / ((size_t)nt * 4);
	if (per < 1)
		per = 1;
	if (max_per_task && per > max_per_task)
		per = max_per_task;
	size_t n = (items + per - 1) / per;
	pool p = { .task = task, .ctx = ctx, .items = items, .per = per, .n = n, .tallies = calloc(n, sizeof *p.tallies) };
	worker *t = calloc((size_t)nt, sizeof *t);
	pthread_t tid[CW_THREADS_MAX];
	int started = 0;
	if (!p.tallies || !t) {
		free(p.tallies);
		free(t);
		return cw_error_set(CW_ENOMEM, "out of memory writing the report");
	}
	pthread_mutex_init(&p.lock, NULL);
	for (int i = 0; i < nt; i++) {
		t[i].p = &p;
		t[i].w = *r;
	}
	/* a thread that cannot start leaves its share to the others: the caller's takes tasks too */
	for (int i = 1; i < nt && pthread_create(&tid[i], NULL, work, &t[i]) == 0; i++)
		started++;
	work(&t[0]);
	for (int i = 1; i <= started; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&p.lock);
	int rc = first_error(t, nt);
	if (rc == 0)
		add_up(r, p.tallies, n);
	free(p.tallies);
	free(t);
	return rc;
}
