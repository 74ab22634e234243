/* test_detect_set.c: a set of detectors configured once (claimwatch/findings.h, cw_detector_set_new and
 * cw_detect_set): the findings of cw_detect, in the same order, for every detector or those named; names
 * that are unknown or disabled; a bad key; opts->only; the stop callback; one set run by several threads at
 * once. The failed allocations of the same calls: tests/oom/test_oom_detect.c. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "detset_month.h"


typedef struct world {
	cw_dataset *ds;
	cw_rules *rules;
	cw_dimset *dims;
} world;

static world make(const char *rules_json)
{
	world w = { detset_month(), NULL, NULL };
	if (cw_rules_load_text(&w.rules, tu_registry(), rules_json ? rules_json : "{}", "test rules") < 0 ||
	    cw_dimset_load(&w.dims, w.rules) < 0)
		fail_msg("rules: %s", cw_error_last());
	return w;
}

static void unmake(world *w)
{
	cw_dimset_free(w->dims);
	cw_rules_free(w->rules);
	cw_dataset_free(w->ds);
}

/* The findings' ids and detectors, one line each. */
static char *listing(const cw_findings *fs)
{
	size_t n = cw_findings_count(fs), len = 0;
	char *s = calloc(n + 1, 64);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		cw_record r;
		cw_findings_get(&r, fs, i);
		len += (size_t)snprintf(s + len, 64, "%s %s\n", r.id, r.detector->name);
	}
	return s;
}

static char *detect_listing(const world *w, const char *only)
{
	cw_findings *fs = NULL;
	cw_detect_opts o = { .threads = 1, .only = only };
	assert_int_equal(cw_detect(&fs, w->ds, w->rules, w->dims, &o), 0);
	char *s = listing(fs);
	cw_findings_free(fs);
	return s;
}

static char *set_listing(const cw_detector_set *set, const world *w, const cw_detect_opts *o)
{
	cw_findings *fs = NULL;
	assert_int_equal(cw_detect_set(&fs, w->ds, set, o), 0);
	char *s = listing(fs);
	cw_findings_free(fs);
	return s;
}

static void test_every_enabled_detector_as_cw_detect(void **state)
{
	(void)state;
	world w = make(NULL);
	cw_detector_set *set = NULL;
	assert_int_equal(cw_detector_set_new(&set, w.rules, w.dims, NULL, 0), 0);
	const cw_registry *reg = cw_rules_registry(w.rules);
	assert_int_equal(cw_detector_set_count(set), cw_registry_count(reg)); /* every one is enabled by default */
	for (size_t i = 0; i < cw_registry_count(reg); i++)
		assert_ptr_equal(cw_detector_set_get(set, i), cw_registry_get(reg, i));
	assert_null(cw_detector_set_get(set, cw_registry_count(reg)));
	char *a = detect_listing(&w, NULL), *b = set_listing(set, &w, NULL);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, " duplicate_billing\n"));
	assert_non_null(strstr(a, " over_price\n"));
	assert_non_null(strstr(a, " large_prescription\n"));
	free(a);
	free(b);
	cw_detector_set_free(set);
	unmake(&w);
}

static void test_named_detectors_in_registry_order(void **state)
{
	(void)state;
	world w = make(NULL);
	const char *names[] = { "over_price", "duplicate_billing" };
	cw_detector_set *set = NULL;
	assert_int_equal(cw_detector_set_new(&set, w.rules, w.dims, names, 2), 0);
	assert_int_equal(cw_detector_set_count(set), 2);
	assert_string_equal(cw_detector_set_get(set, 0)->name, "duplicate_billing");
	assert_string_equal(cw_detector_set_get(set, 1)->name, "over_price");
	assert_null(cw_detector_set_get(set, 2));
	char *dup = detect_listing(&w, "duplicate_billing"), *price = detect_listing(&w, "over_price");
	char *both = set_listing(set, &w, NULL), *want = malloc(strlen(dup) + strlen(price) + 1);
	assert_non_null(want);
	strcat(strcpy(want, dup), price);
	assert_string_equal(both, want);
	/* opts->only narrows the run to one of the set; one outside the set runs nothing */
	cw_detect_opts o = { .threads = 1, .only = "over_price" };
	char *one = set_listing(set, &w, &o);
	assert_string_equal(one, price);
	o.only = "large_prescription";
	char *none = set_listing(set, &w, &o);
	assert_string_equal(none, "");
	o.only = "no_such_detector";
	cw_findings *fs = NULL;
	assert_int_equal(cw_detect_set(&fs, w.ds, set, &o), CW_EUSAGE);
	assert_null(fs);
	assert_non_null(strstr(cw_error_last(), "no_such_detector"));
	free(dup), free(price), free(both), free(want), free(one), free(none);
	cw_detector_set_free(set);
	unmake(&w);
}

static void test_unknown_disabled_and_bad_keys(void **state)
{
	(void)state;
	world w = make("{\"detectors\": {\"over_price\": {\"enabled\": false}}}");
	cw_detector_set *set = (cw_detector_set *)&w; /* untouched on failure */
	const char *unknown[] = { "duplicate_billing", "no_such_detector" };
	assert_int_equal(cw_detector_set_new(&set, w.rules, w.dims, unknown, 2), CW_EUSAGE);
	assert_ptr_equal(set, (cw_detector_set *)&w);
	assert_non_null(strstr(cw_error_last(), "'no_such_detector'"));
	const char *disabled[] = { "over_price" };
	assert_int_equal(cw_detector_set_new(&set, w.rules, w.dims, disabled, 1), 0);
	assert_int_equal(cw_detector_set_count(set), 0); /* a disabled detector is left out */
	char *s = set_listing(set, &w, NULL);
	assert_string_equal(s, "");
	free(s);
	cw_detector_set_free(set);
	cw_detector_set_free(NULL);
	unmake(&w);

	cw_rules *bad;
	assert_int_equal(cw_rules_load_text(&bad, tu_registry(), "{\"detectors\": {\"over_price\": {\"tolerance\": -1}}}",
	                                    "bad rules"), 0);
	set = NULL;
	assert_true(cw_detector_set_new(&set, bad, NULL, NULL, 0) < 0);
	assert_null(set);
	assert_non_null(strstr(cw_error_last(), "over_price"));
	assert_non_null(strstr(cw_error_last(), "tolerance"));
	assert_true(cw_detect_check(bad) < 0); /* the same check, before a run reads its data */
	cw_rules_free(bad);
}

static void test_a_set_without_dimensions_only_checks(void **state)
{
	(void)state;
	world w = make(NULL);
	cw_detector_set *set = NULL;
	assert_int_equal(cw_detector_set_new(&set, w.rules, NULL, NULL, 0), 0);
	cw_findings *fs = NULL;
	assert_int_equal(cw_detect_set(&fs, w.ds, set, NULL), CW_EUSAGE);
	assert_null(fs);
	cw_detector_set_free(set);
	unmake(&w);
}

static int calls_left;
static int stop_after(void *arg)
{
	(*(int *)arg)++;
	return calls_left-- <= 0;
}

static void test_stop_between_jobs(void **state)
{
	(void)state;
	world w = make(NULL);
	cw_detector_set *set = NULL;
	assert_int_equal(cw_detector_set_new(&set, w.rules, w.dims, NULL, 0), 0);
	int asked = 0;
	cw_detect_opts o = { .threads = 1, .stop = stop_after, .stop_arg = &asked };
	cw_findings *fs = NULL;
	calls_left = 0; /* at once */
	assert_int_equal(cw_detect_set(&fs, w.ds, set, &o), CW_ERROR);
	assert_null(fs);
	assert_non_null(strstr(cw_error_last(), "stopped"));
	assert_int_equal(asked, 1);
	calls_left = 3; /* after three jobs */
	asked = 0;
	assert_int_equal(cw_detect_set(&fs, w.ds, set, &o), CW_ERROR);
	assert_null(fs);
	assert_int_equal(asked, 4);
	calls_left = 1000; /* never */
	asked = 0;
	assert_int_equal(cw_detect_set(&fs, w.ds, set, &o), 0);
	assert_int_equal(asked, (int)cw_detector_set_count(set)); /* one job a detector on a small month */
	char *a = listing(fs), *b = detect_listing(&w, NULL);
	assert_string_equal(a, b);
	free(a);
	free(b);
	cw_findings_free(fs);
	cw_detector_set_free(set);
	unmake(&w);
}

/* One set, several threads at once, each with its own dataset and runs (as `claimwatch serve`). */
typedef struct racer {
	const cw_detector_set *set;
	const char *want;
	int threads, bad;
} racer;

static void *race(void *arg)
{
	racer *r = arg;
	cw_dataset *ds = detset_month();
	for (int i = 0; i < 40 && !r->bad; i++) {
		cw_findings *fs = NULL;
		cw_detect_opts o = { .threads = r->threads };
		if (cw_detect_set(&fs, ds, r->set, &o) < 0) {
			r->bad = 1;
			break;
		}
		char *s = listing(fs);
		r->bad = strcmp(s, r->want) != 0;
		free(s);
		cw_findings_free(fs);
	}
	cw_dataset_free(ds);
	return NULL;
}

static void test_one_set_many_threads(void **state)
{
	(void)state;
	world w = make(NULL);
	cw_detector_set *set = NULL;
	assert_int_equal(cw_detector_set_new(&set, w.rules, w.dims, NULL, 0), 0);
	char *want = detect_listing(&w, NULL);
	pthread_t t[4];
	racer r[4];
	for (int i = 0; i < 4; i++) {
		r[i] = (racer){ set, want, 1 + i % 2, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(r[i].bad, 0);
	}
	free(want);
	cw_detector_set_free(set);
	unmake(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_enabled_detector_as_cw_detect),
		cmocka_unit_test(test_named_detectors_in_registry_order),
		cmocka_unit_test(test_unknown_disabled_and_bad_keys),
		cmocka_unit_test(test_a_set_without_dimensions_only_checks),
		cmocka_unit_test(test_stop_between_jobs),
		cmocka_unit_test(test_one_set_many_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
