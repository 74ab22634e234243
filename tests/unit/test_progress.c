/* test_progress.c: what the library tells goes to the caller's progress callback, per run and per
 * thread (claimwatch/progress.h, src/util/progress.c):
 *   - two runs on two threads at once each tell their own callback, and only their own month's events,
 *     and the thread's own callback (cw_progress_set) hears nothing of the run and is back after it;
 *   - a run's stages arrive in order; the loader's warnings come as notes, in a run and in a load
 *     given no file for them;
 *   - without a callback the library writes nothing on standard error;
 *   - a range tells each failed month as an error and goes on after a month refused for its rejects
 *     only; its end says which months ran, failed and were not run;
 *   - the loader's worker threads report to the callback of the thread that called the load: every row
 *     ticks, so a table of N rows gives N / 65,536 updates however the threads share the commits. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/run.h"
#include "claimwatch/source.h"
#include "source/load_par.h"

typedef struct heard {
	int stages[16], nstages;
	int begins, updates, bad_month, errors;
	uint64_t last_done;
	char notes[8192];
} heard;

static void listen(const cw_progress *ev, void *payload)
{
	heard *h = payload;
	switch (ev->kind) {
	case CW_PROGRESS_STAGE:
		if (h->nstages < 16)
			h->stages[h->nstages++] = ev->stage;
		h->bad_month += strcmp(ev->month, "2026-05") != 0;
		break;
	case CW_PROGRESS_BEGIN: h->begins++; break;
	case CW_PROGRESS_UPDATE:
		h->updates++;
		h->last_done = ev->done;
		break;
	case CW_PROGRESS_END: break;
	case CW_PROGRESS_ERROR: /* counted, and kept with the notes */
		h->errors++;
		/* fall through */
	case CW_PROGRESS_NOTE:
		strncat(h->notes, ev->message, sizeof h->notes - strlen(h->notes) - 2);
		strcat(h->notes, "\n");
		break;
	}
}

/* The mini month, with an unknown column in institutions.csv (a loader's warning). */
static char *month_with_warning(void)
{
	char *dir = tu_tempdir();
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "cp %s/tests/data/mini/*.csv %s/ && sed -i '1s/$/,motto/; 2,$s/$/,x/' %s/institutions.csv",
	         CW_SOURCE_DIR, dir, dir);
	assert_int_equal(system(cmd), 0);
	return dir;
}

typedef struct runner {
	const char *data;
	char *root;
	heard run, own, after;
	int rc;
} runner;

static void *run_thread(void *arg)
{
	runner *r = arg;
	cw_progress_set(listen, &r->own); /* the thread's own callback, for work outside the run */
	cw_run_options o = CW_RUN_OPTIONS_INIT;
	o.data_dir = r->data;
	o.root = r->root;
	o.threads = 1;
	o.report = 0;
	o.progress = listen;
	o.payload = &r->run;
	cw_month_parse(&o.month, "2026-05");
	r->rc = cw_run(NULL, &o);
	cw_progress_set(listen, &r->after); /* back to the thread's own: a load tells it */
	cw_load_opts lo = { .month = o.month, .lookback_days = 45, .threads = 1 };
	char rej[4200];
	snprintf(rej, sizeof rej, "%s/load-rejects.csv", r->root);
	cw_dataset *ds = NULL;
	if (cw_rejects_open(&lo.rejects, rej) == 0) {
		lo.warn = fopen("/dev/null", "w");
		if (cw_load_csv(&ds, NULL, r->data, &lo) < 0)
			r->rc = -1;
		fclose(lo.warn);
		cw_rejects_close(lo.rejects);
	}
	cw_dataset_free(ds);
	cw_progress_set(NULL, NULL);
	return NULL;
}

static void test_two_runs_on_two_threads_tell_their_own_callbacks(void **state)
{
	(void)state;
	char *data = month_with_warning();
	runner r[2] = { { .data = data, .root = tu_tempdir() }, { .data = data, .root = tu_tempdir() } };
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, run_thread, &r[i]), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	static const int order[] = { CW_STAGE_PREPARE, CW_STAGE_LOAD, CW_STAGE_DETECT, CW_STAGE_SCORE, CW_STAGE_WRITE,
		                     CW_STAGE_COMMIT };
	for (int i = 0; i < 2; i++) {
		char mine[4300], other[4300];
		assert_int_equal(r[i].rc, 0);
		assert_int_equal(r[i].run.nstages, 6); /* no report */
		assert_memory_equal(r[i].run.stages, order, sizeof order);
		assert_int_equal(r[i].run.bad_month, 0);
		assert_true(r[i].run.begins >= CW_T_COUNT); /* a task per table, and more */
		snprintf(mine, sizeof mine, "2026-05: results in %s/2026-05\n", r[i].root);
		snprintf(other, sizeof other, "results in %s/", r[1 - i].root);
		assert_non_null(strstr(r[i].run.notes, mine));
		assert_null(strstr(r[i].run.notes, other));
		assert_non_null(strstr(r[i].run.notes, "warning: "));
		assert_non_null(strstr(r[i].run.notes, "motto"));
		/* the thread's own callback heard nothing of the run, and is the thread's again after it */
		assert_int_equal(r[i].own.nstages + r[i].own.begins + (int)strlen(r[i].own.notes), 0);
		assert_true(r[i].after.begins >= CW_T_COUNT);
		assert_int_equal(r[i].after.nstages, 0);
	}
	for (int i = 0; i < 2; i++) {
		tu_rmtree(r[i].root);
		free(r[i].root);
	}
	tu_rmtree(data);
	free(data);
}

static void test_without_a_callback_nothing_is_printed(void **state)
{
	(void)state;
	char *data = month_with_warning(), *root = tu_tempdir();
	fflush(stderr);
	int saved = dup(2);
	FILE *err = tmpfile();
	assert_non_null(err);
	dup2(fileno(err), 2);
	cw_run_options o = CW_RUN_OPTIONS_INIT;
	o.data_dir = data;
	o.root = root;
	o.threads = 2;
	cw_month_parse(&o.month, "2026-05");
	int rc = cw_run(NULL, &o);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	assert_int_equal(rc, 0);
	assert_int_equal(lseek(fileno(err), 0, SEEK_END), 0); /* not a byte */
	fclose(err);
	tu_rmtree(root);
	tu_rmtree(data);
	free(root);
	free(data);
}

static void test_a_loads_warnings_without_a_file_are_notes(void **state)
{
	(void)state;
	char *data = month_with_warning();
	heard h = { .nstages = 0 };
	cw_progress_set(listen, &h);
	cw_load_opts lo = { .lookback_days = 45, .threads = 1 }; /* .warn NULL */
	cw_month_parse(&lo.month, "2026-05");
	assert_int_equal(cw_rejects_open(&lo.rejects, tu_path(data, "rejects.out")), 0);
	cw_dataset *ds;
	int rc = cw_load_csv(&ds, NULL, data, &lo);
	cw_progress_set(NULL, NULL);
	assert_int_equal(cw_rejects_close(lo.rejects), 0);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(h.notes, "warning: "));
	assert_non_null(strstr(h.notes, "institutions.csv: unknown column 'motto' ignored\n"));
	cw_dataset_free(ds);
	tu_rmtree(data);
	free(data);
}

/* A month whose claim_lines.csv has n valid rows. */
static char *month_of_lines(size_t n)
{
	char *dir = tu_tempdir();
	tu_write_month(dir);
	char *path = (char *)tu_path(dir, "claim_lines.csv");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("line_id,visit_id,item_code,physician_id,service_time,qty,unit_price,amount\n", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "L%zu,V1,I1,DR1,2026-05-03 09:30,1,300,300\n", i);
	assert_int_equal(fclose(f), 0);
	tu_write(dir, "exam_results.csv", "line_id,result\n");
	return dir;
}

static void test_the_loaders_threads_report_to_the_callers_callback(void **state)
{
	(void)state;
	const size_t rows = 3 * 65536; /* a tick lost is an update lost */
	char *dir = month_of_lines(rows);
	heard h = { .nstages = 0 };
	cw_progress_set(listen, &h);
	cw_load_chunk_bytes = 16 << 10; /* hundreds of chunks, committed by both threads */
	cw_load_opts lo = { .lookback_days = 45, .threads = 2 };
	cw_month_parse(&lo.month, "2026-05");
	assert_int_equal(cw_rejects_open(&lo.rejects, tu_path(dir, "rejects.out")), 0);
	lo.warn = fopen("/dev/null", "w");
	cw_dataset *ds;
	cw_load_stats st;
	int rc = cw_load_csv(&ds, &st, dir, &lo);
	cw_load_chunk_bytes = 0;
	cw_progress_set(NULL, NULL);
	fclose(lo.warn);
	assert_int_equal(cw_rejects_close(lo.rejects), 0);
	if (rc < 0)
		fail_msg("load: %s", cw_error_last());
	assert_int_equal(st.table[CW_T_CLAIMS].loaded, rows);
	assert_int_equal(h.updates, 3); /* 3 x 65,536 ticks of the claim lines, none of the small tables' */
	assert_int_equal(h.last_done, rows);
	cw_dataset_free(ds);
	tu_rmtree(dir);
	free(dir);
}

/* A range over the mini folder without prescriptions.csv: the first month fails, which stops the range. */
static void test_a_range_stops_at_a_failure_other_than_rejects(void **state)
{
	(void)state;
	char *data = month_with_warning(), *root = tu_tempdir();
	assert_int_equal(unlink(tu_path(data, "prescriptions.csv")), 0);
	heard h = { .nstages = 0 };
	cw_run_options o = CW_RUN_OPTIONS_INIT;
	o.data_dir = data;
	o.root = root;
	o.threads = 1;
	o.report = 0;
	o.progress = listen;
	o.payload = &h;
	assert_int_equal(cw_month_range_parse(&o.month, &o.last_month, "2026-04..2026-06"), 0);
	cw_run_result res;
	assert_int_equal(cw_run(&res, &o), CW_ENOTFOUND);
	assert_int_equal(res.months, 0);
	assert_int_equal(res.months_failed, 1);
	assert_int_equal(h.errors, 1);
	assert_non_null(strstr(h.notes, "prescriptions.csv"));
	assert_string_equal(cw_error_last(), "months run: none; failed: 2026-04; not run: 2026-05, 2026-06");
	/* a single month returns its own error */
	o.last_month = (cw_month){ 0, 0 };
	h.errors = 0;
	assert_int_equal(cw_run(&res, &o), CW_ENOTFOUND);
	assert_int_equal(h.errors, 0);
	assert_non_null(strstr(cw_error_last(), "prescriptions.csv"));
	tu_rmtree(data);
	tu_rmtree(root);
	free(data);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_runs_on_two_threads_tell_their_own_callbacks),
		cmocka_unit_test(test_without_a_callback_nothing_is_printed),
		cmocka_unit_test(test_a_loads_warnings_without_a_file_are_notes),
		cmocka_unit_test(test_the_loaders_threads_report_to_the_callers_callback),
		cmocka_unit_test(test_a_range_stops_at_a_failure_other_than_rejects),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
