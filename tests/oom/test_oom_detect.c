/* test_oom_detect.c: a set of detectors configured once and run (cw_detector_set_new, cw_detect_set, as
 * `claimwatch serve` uses them) while allocations fail (oomalloc.h). On a small month with findings of
 * three detectors, every allocation call of a clean set-up-run-free is failed in turn, once (on one
 * thread and on two) and from then on; each time the calls must return CW_ENOMEM with a message saying
 * so, or succeed with exactly the clean run's findings, and leave no block behind (ASan watches the
 * rest). The functional tests of the same calls: tests/unit/test_detect_set.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "oomalloc.h"
#include "claimwatch/error.h"
#include "detset_month.h"

static struct {
	cw_dataset *ds;
	cw_rules *rules;
	cw_dimset *dims;
} w;

/* The findings' ids, detectors and money, summed into one number (0 when none). */
static unsigned long long digest(const cw_findings *fs)
{
	unsigned long long h = 1469598103934665603ULL;
	for (size_t i = 0; i < cw_findings_count(fs); i++) {
		cw_record r;
		cw_findings_get(&r, fs, i);
		for (const char *c = r.id; *c; c++)
			h = (h ^ (unsigned char)*c) * 1099511628211ULL;
		h = (h ^ (unsigned long long)r.f.suspect) * 1099511628211ULL;
	}
	return h;
}

/* What serve does at start and per request: a set of three detectors, one run, everything freed. */
static int work(unsigned long long *out, int threads)
{
	const char *names[] = { "duplicate_billing", "large_prescription", "over_price" };
	cw_detector_set *set = NULL;
	cw_findings *fs = NULL;
	cw_detect_opts o = { .threads = threads };
	int rc = cw_detector_set_new(&set, w.rules, w.dims, names, 3);
	if (rc == 0)
		rc = cw_detect_set(&fs, w.ds, set, &o);
	if (rc == 0) {
		*out = digest(fs);
		if (cw_findings_count(fs) != 3)
			rc = cw_error_set(CW_ERROR, "%zu findings, not 3", cw_findings_count(fs));
	}
	cw_findings_free(fs);
	cw_detector_set_free(set);
	return rc;
}

static void pass(unsigned long calls, enum oom_mode mode, int threads, unsigned long long clean)
{
	int problems = 0, failures = 0;
	for (unsigned long n = 1; n <= calls && problems < 10; n++) {
		size_t live = oom_live();
		unsigned long serial = oom_serial();
		unsigned long long got = 0;
		cw_error_clear();
		oom_arm(n, mode);
		int rc = work(&got, threads);
		oom_disarm();
		int failed = oom_failed();
		if (rc < 0) {
			failures++;
			if (rc != CW_ENOMEM && !strstr(cw_error_last(), "memory")) {
				print_error("call %lu failing: the error does not say what failed: %s\n", n, cw_error_last());
				problems++;
			}
		} else if (!failed || got != clean) {
			print_error("call %lu failing: %s\n", n, failed ? "other findings than the clean run" : "nothing failed");
			problems++;
		}
		if (oom_live() != live) {
			print_error("call %lu failing: %zu block(s) left behind\n", n, oom_live() - live);
			oom_report_live(stderr, serial, 8);
			problems++;
		}
	}
	print_message("%s, %d thread(s): %lu calls tried, %d runs failed cleanly, %d problems\n",
	              mode == OOM_PERSISTENT ? "from the Nth call on" : "the Nth call", threads, calls, failures, problems);
	assert_int_equal(problems, 0);
	assert_true(failures > 0);
}

static void test_every_allocation_fails_in_turn(void **state)
{
	(void)state;
	unsigned long long clean = 0;
	oom_arm(0, OOM_ONE_SHOT);
	int rc = work(&clean, 1);
	unsigned long calls = oom_disarm();
	assert_int_equal(rc, 0);
	assert_true(calls > 10);
	pass(calls, OOM_ONE_SHOT, 1, clean);
	pass(calls, OOM_PERSISTENT, 1, clean);
	oom_arm(0, OOM_ONE_SHOT);
	unsigned long long two = 0;
	rc = work(&two, 2);
	calls = oom_disarm();
	assert_int_equal(rc, 0);
	assert_true(two == clean);
	pass(calls, OOM_ONE_SHOT, 2, clean);
}

int main(void)
{
	w.ds = detset_month();
	if (cw_rules_load_text(&w.rules, tu_registry(), "{}", "test rules") < 0 || cw_dimset_load(&w.dims, w.rules) < 0) {
		fprintf(stderr, "rules: %s\n", cw_error_last());
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_allocation_fails_in_turn),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	cw_dimset_free(w.dims);
	cw_rules_free(w.rules);
	cw_dataset_free(w.ds);
	return rc;
}
