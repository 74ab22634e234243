/* test_report_threads.c: the report's pages on several threads (cw_report_run_tasks): every item written
 * once, whatever the number of threads and items; the pages counted as one thread counts them (the
 * largest page the first of the largest); a failed item fails the whole with the code and message of
 * the first item, in order, that failed, from whichever thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "report/report.h"

typedef struct job {
	unsigned char *seen;   /* per item: times written */
	size_t fail_a, fail_b; /* items that fail (SIZE_MAX: none) */
	const cw_report *r;    /* the caller's report */
	_Atomic int copies;    /* a task was handed a report other than the caller's */
} job;

/* Item i's page: (i * 7919) % 50 bytes, so that many pages tie for the largest. */
static uint64_t size_of(size_t i) { return (uint64_t)(i * 7919 % 50); }

static int task(cw_report *w, void *ctx, size_t from, size_t to)
{
	job *j = ctx;
	char name[32];
	if (w != j->r)
		j->copies = 1;
	for (size_t i = from; i < to; i++) {
		if (i == j->fail_a || i == j->fail_b)
			return cw_error_set(CW_EIO, "item %zu failed", i);
		j->seen[i]++;
		snprintf(name, sizeof name, "p/%zu.html", i);
		const char *path = cw_report_file(w, name);
		cw_report_count(w, name, size_of(i));
		/* the scratch file name is the thread's own: no other thread wrote over it meanwhile */
		assert_ptr_equal(path, w->path);
		assert_string_equal(path + strlen(w->dir) + 1, name);
	}
	return 0;
}

static void test_every_item_once(void **state)
{
	(void)state;
	static const size_t counts[] = { 0, 1, 2, 7, 31, 100, 1000 };
	static const int threads[] = { 1, 2, 3, 16, 0 };
	for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
		for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
			size_t n = counts[c];
			cw_report r = { .dir = "/report" };
			job j = { .seen = calloc(n + 1, 1), .fail_a = SIZE_MAX, .fail_b = SIZE_MAX, .r = &r };
			assert_non_null(j.seen);
			assert_int_equal(cw_report_run_tasks(&r, threads[t], n, 8, task, &j), 0);
			uint64_t bytes = 0, largest = 0;
			size_t first = 0;
			for (size_t i = 0; i < n; i++) {
				assert_int_equal(j.seen[i], 1);
				bytes += size_of(i);
				if (size_of(i) > largest) {
					largest = size_of(i);
					first = i;
				}
			}
			assert_int_equal(r.files, n);
			assert_int_equal(r.bytes, bytes);
			assert_int_equal(r.largest, largest);
			char want[32] = "";
			if (largest)
				snprintf(want, sizeof want, "p/%zu.html", first);
			assert_string_equal(r.largest_name, want);
			if (threads[t] == 1)
				assert_false(j.copies); /* one thread: straight into the caller's report */
			free(j.seen);
		}
	}
}

static void test_first_error(void **state)
{
	(void)state;
	static const int threads[] = { 1, 2, 4 };
	for (size_t t = 0; t < sizeof threads / sizeof *threads; t++) {
		cw_report r = { .dir = "/report" };
		job j = { .seen = calloc(101, 1), .fail_a = 60, .fail_b = 5, .r = &r };
		assert_non_null(j.seen);
		cw_error_clear();
		assert_int_equal(cw_report_run_tasks(&r, threads[t], 100, 8, task, &j), CW_EIO);
		assert_string_equal(cw_error_last(), "item 5 failed");
		for (size_t i = 0; i < 5; i++)
			assert_int_equal(j.seen[i], 1);
		free(j.seen);
	}
	/* one task of many fails, at its last item */
	cw_report r = { .dir = "/report" };
	job j = { .seen = calloc(1001, 1), .fail_a = 999, .fail_b = SIZE_MAX, .r = &r };
	assert_non_null(j.seen);
	assert_int_equal(cw_report_run_tasks(&r, 2, 1000, 8, task, &j), CW_EIO);
	assert_string_equal(cw_error_last(), "item 999 failed");
	free(j.seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_item_once),
		cmocka_unit_test(test_first_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
