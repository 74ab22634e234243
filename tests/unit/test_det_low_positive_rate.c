/* test_det_low_positive_rate.c: large-equipment exams rarely positive: the plain 30% floor (B1) by default,
 * the upper confidence bound as an option. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "detcheck.h"
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/stats.h"

static int nline;

/* n exams of `item` ordered by phys in May (month 5) or April (4), on one visit of patient PM. */
static void exams(cw_builder *b, tu_rng *r, const char *phys, const char *item, int month, int n)
{
	char vid[32], lid[32], when[CW_FMT_SIZE];
	snprintf(vid, sizeof vid, "V%s-%s-%d", phys, item, month);
	cw_minute start = cw_days_from_civil(2026, month, 1) * CW_MINUTES_PER_DAY + 480;
	tu_add_visit_in(b, vid, "PM", "DR1", "H1", "D1", CW_INPATIENT, start, CW_MINUTE_NONE, "J18.9");
	for (int i = 0; i < n; i++) {
		snprintf(lid, sizeof lid, "L%05d", ++nline);
		cw_minute t = start + (int)(tu_uniform(r) * 27 * CW_MINUTES_PER_DAY);
		tu_add_line_by(b, lid, vid, item, cw_format_time(when, t), CW_QTY_ONE, 20000, phys);
	}
}

/* Results for the last n lines added: k with `result`, the rest negative. */
static void results(cw_builder *b, int n, int k, int result)
{
	char lid[32];
	for (int i = 0; i < n; i++) {
		snprintf(lid, sizeof lid, "L%05d", nline - n + 1 + i);
		tu_add_result(b, lid, i < k ? result : CW_RESULT_NEGATIVE);
	}
}

static cw_builder *start(void)
{
	cw_builder *b = tu_builder("2026-05");
	nline = 0;
	cw_item_row ct = tu_item_row("CT", CW_CAT_EXAM, 20000);
	ct.large_equipment = 1;
	tu_add_item(b, &ct);
	cw_item_row lab = tu_item_row("LAB", CW_CAT_LAB, 20000);
	tu_add_item(b, &lab);
	static const char *const more[] = { "DR6", "DR7", "DR8" };
	for (size_t i = 0; i < 3; i++) {
		cw_rowerr err;
		cw_physician_row ph = { more[i], more[i], "H1", "D1", NULL };
		assert_int_equal(cw_builder_add_physician(&err, b, &ph), 0);
	}
	return b;
}

static cw_dataset *world(void)
{
	cw_builder *b = start();
	tu_rng r = { 3 };
	exams(b, &r, "DR1", "CT", 5, 40);
	results(b, 40, 4, CW_RESULT_POSITIVE); /* 10%: upper bound 23.1% */
	exams(b, &r, "DR2", "CT", 5, 40);
	results(b, 40, 20, CW_RESULT_POSITIVE); /* 50% */
	/* DR3: 19 resulted; pending, missing, refunded, non-large-equipment and April exams do not count */
	exams(b, &r, "DR3", "CT", 5, 19);
	results(b, 19, 0, 0);
	exams(b, &r, "DR3", "LAB", 5, 30);
	results(b, 30, 0, 0);
	exams(b, &r, "DR3", "CT", 4, 30);
	results(b, 30, 0, 0);
	tu_add_line_by(b, "PEND1", "VDR3-CT-5", "CT", "2026-05-20 10:00", CW_QTY_ONE, 20000, "DR3");
	tu_add_line_by(b, "PEND2", "VDR3-CT-5", "CT", "2026-05-20 10:01", CW_QTY_ONE, 20000, "DR3");
	tu_add_line_by(b, "NONE1", "VDR3-CT-5", "CT", "2026-05-20 10:02", CW_QTY_ONE, 20000, "DR3");
	tu_add_line_by(b, "REF1", "VDR3-CT-5", "CT", "2026-05-20 10:03", CW_QTY_ONE, 20000, "DR3");
	tu_add_line_by(b, "REF1r", "VDR3-CT-5", "CT", "2026-05-20 11:00", -CW_QTY_ONE, 20000, "DR3");
	tu_add_result(b, "PEND1", CW_RESULT_PENDING);
	tu_add_result(b, "PEND2", CW_RESULT_PENDING);
	tu_add_result(b, "REF1", CW_RESULT_NEGATIVE);
	exams(b, &r, "DR4", "CT", 5, 20);
	results(b, 20, 0, 0); /* exactly the minimum: 0 of 20 */
	exams(b, &r, "DR5", "CT", 5, 30);
	results(b, 30, 4, CW_RESULT_POSITIVE); /* 13.3%: Wilson 29.7% < 30% <= Clopper-Pearson 30.7% */
	exams(b, &r, "DR6", "CT", 5, 60);
	results(b, 60, 12, CW_RESULT_POSITIVE); /* 20% of 60 (the example): Wilson bound 32.0% */
	exams(b, &r, "DR7", "CT", 5, 30);
	results(b, 30, 9, CW_RESULT_POSITIVE); /* exactly 30%: not below the floor */
	exams(b, &r, "DR8", "CT", 5, 58);
	results(b, 58, 17, CW_RESULT_POSITIVE); /* 29.3%: just below */
	return tu_finish(b);
}

/* The physicians flagged (departments: dsummary), in order. */
static void summary(const cw_dataset *ds, const cw_findings *fs, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; i < cw_findings_count(fs) && n < size; i++) {
		cw_record r;
		cw_findings_get(&r, fs, i);
		if (r.f.physician == CW_NONE)
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? " " : "",
		                      cw_dataset_str(ds, cw_dataset_physicians(ds)->id[r.f.physician]));
	}
}

/* The departments flagged, in order; each after every physician's finding. */
static void dsummary(const cw_dataset *ds, const cw_findings *fs, char *buf, size_t size)
{
	size_t n = 0;
	int seen_dept = 0;
	buf[0] = 0;
	for (size_t i = 0; i < cw_findings_count(fs) && n < size; i++) {
		cw_record r;
		cw_findings_get(&r, fs, i);
		if (r.f.physician != CW_NONE) {
			assert_false(seen_dept);
			assert_int_equal(r.f.dept, CW_NONE);
			continue;
		}
		seen_dept = 1;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? " " : "",
		                      cw_dataset_str(ds, cw_dataset_departments(ds)->id[r.f.dept]));
	}
}

static void expect(const cw_dataset *ds, const char *rules, const char *want)
{
	cw_findings *fs = tu_detect(ds, "low_positive_rate", rules);
	char got[256];
	summary(ds, fs, got, sizeof got);
	assert_string_equal(got, want);
	cw_findings_free(fs);
}

static void test_found_and_lookalikes(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_findings *fs = tu_detect(ds, "low_positive_rate", NULL);
	char got[256];
	summary(ds, fs, got, sizeof got);
	assert_string_equal(got, "DR1 DR4 DR5 DR6 DR8"); /* physician-level: as before departments were judged */
	dsummary(ds, fs, got, sizeof got);
	assert_string_equal(got, "D1"); /* every exam is of a D1 visit: 66 of 297 (22.2%) */
	cw_record r;
	cw_findings_get(&r, fs, 0);
	assert_int_equal(r.f.patient, CW_NONE);
	assert_int_equal(r.f.visit, CW_NONE);
	assert_int_equal(r.f.nlines, 0);
	assert_int_equal(r.f.suspect, 0);
	assert_int_equal(r.f.cls, CW_CLASS_EXAM_USE);
	assert_int_equal(r.f.severity, CW_SUSPICIOUS);
	assert_int_equal(r.f.when, cw_dataset_window(ds)->month_end - 1);
	assert_string_equal(r.f.metric, "positive_rate");
	assert_true(fabs(r.f.value - 0.1) < 1e-12);
	assert_true(fabs(r.f.expected - 0.3) < 1e-12);
	assert_true(fabs(r.f.limit - 0.3) < 1e-12);
	assert_true(fabs(r.f.score - (0.5 + 0.5 * 0.2 / 0.3)) < 1e-12);
	assert_non_null(strstr(r.reason, "4 of 40 resulted"));
	assert_non_null(strstr(r.reason, "below the 30.0% floor"));
	cw_findings_get(&r, fs, 3);
	assert_non_null(strstr(r.reason, "12 of 60 resulted"));
	assert_true(fabs(r.f.value - 0.2) < 1e-12);
	cw_findings_free(fs);
	/* the interval test: the bound is compared, not the rate */
	fs = tu_detect(ds, "low_positive_rate", "{\"detectors\":{\"low_positive_rate\":{\"test\":\"interval\"}}}");
	summary(ds, fs, got, sizeof got);
	assert_string_equal(got, "DR1 DR4 DR5");
	cw_findings_get(&r, fs, 0);
	assert_true(fabs(r.f.limit - 0.230518) < 1e-5);
	assert_true(r.f.score > 0.5 && r.f.score <= 1);
	assert_non_null(strstr(r.reason, "Wilson upper bound 23.1%"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

#define IV "\"test\":\"interval\","

static void test_thresholds(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	/* the minimum: DR4 has 20 resulted exams, DR3 19 (0 positive) */
	expect(ds, "{\"detectors\":{\"low_positive_rate\":{\"min_resulted\":21}}}", "DR1 DR5 DR6 DR8");
	expect(ds, "{\"detectors\":{\"low_positive_rate\":{\"min_resulted\":19}}}", "DR1 DR3 DR4 DR5 DR6 DR8");
	/* the floor: strictly below; DR7 is exactly 30%, DR8 17/58 */
	expect(ds, "{\"detectors\":{\"low_positive_rate\":{\"threshold\":0.1}}}", "DR4");
	char rules[256];
	snprintf(rules, sizeof rules, "{\"detectors\":{\"low_positive_rate\":{\"threshold\":%.17g}}}",
	         nextafter(0.1, 1));
	expect(ds, rules, "DR1 DR4");
	snprintf(rules, sizeof rules, "{\"detectors\":{\"low_positive_rate\":{\"threshold\":%.17g}}}", 17.0 / 58);
	expect(ds, rules, "DR1 DR4 DR5 DR6");
	/* the interval test: the bound must be strictly below the threshold: DR1's upper bound exactly */
	expect(ds, "{\"detectors\":{\"low_positive_rate\":{" IV "\"min_resulted\":21}}}", "DR1 DR5");
	cw_interval ci;
	assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_WILSON, 4, 40, 0.95), 0);
	snprintf(rules, sizeof rules, "{\"detectors\":{\"low_positive_rate\":{" IV "\"threshold\":%.17g}}}", ci.hi);
	expect(ds, rules, "DR4");
	snprintf(rules, sizeof rules, "{\"detectors\":{\"low_positive_rate\":{" IV "\"threshold\":%.17g}}}",
	         nextafter(ci.hi, 1));
	expect(ds, rules, "DR1 DR4");
	/* Clopper-Pearson is wider: DR5 is no longer below 30% */
	expect(ds, "{\"detectors\":{\"low_positive_rate\":{" IV "\"interval\":\"clopper_pearson\"}}}", "DR1 DR4");
	cw_dataset_free(ds);
}

static void test_bad_rules(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_rules *rules;
	cw_dimset *dims;
	cw_findings *fs = NULL;
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), "{\"detectors\":{\"low_positive_rate\":{\"interval\":\"exact\"}}}",
	                                    "t"), 0);
	assert_int_equal(cw_dimset_load(&dims, rules), 0);
	cw_detect_opts o = { .threads = 1, .only = "low_positive_rate" };
	assert_int_equal(cw_detect(&fs, ds, rules, dims, &o), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "detectors.low_positive_rate.interval"));
	cw_dimset_free(dims);
	cw_rules_free(rules);
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), "{\"detectors\":{\"low_positive_rate\":{\"test\":\"bound\"}}}",
	                                    "t"), 0);
	assert_int_equal(cw_dimset_load(&dims, rules), 0);
	assert_int_equal(cw_detect(&fs, ds, rules, dims, &o), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "detectors.low_positive_rate.test"));
	cw_dimset_free(dims);
	cw_rules_free(rules);
	cw_dataset_free(ds);
}

static void test_one_patient_many_lines(void **state)
{
	(void)state;
	cw_builder *b = start();
	tu_rng r = { 5 };
	exams(b, &r, "DR2", "CT", 5, 3000);
	results(b, 3000, 600, CW_RESULT_POSITIVE); /* 20% of 3000 */
	cw_dataset *ds = tu_finish(b);
	expect(ds, NULL, "DR2");
	cw_dataset_free(ds);
}

static void test_threads_and_empty(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	assert_true(dc_same_with_threads(ds, "low_positive_rate") > 0);
	cw_dataset_free(ds);
	ds = tu_finish(start());
	expect(ds, NULL, "");
	cw_dataset_free(ds);
}

/* n exams in department dept (institution inst), k of them positive, ordered by physicians PA..PT in
 * turn (none of them near the physicians' minimum of 20: only the departments are judged here). */
static void dept_exams(cw_builder *b, const char *inst, const char *dept, int n, int k)
{
	char vid[32], lid[32], when[CW_FMT_SIZE], phys[8];
	snprintf(vid, sizeof vid, "V-%s", dept);
	cw_minute start = cw_days_from_civil(2026, 5, 1) * CW_MINUTES_PER_DAY + 480;
	snprintf(phys, sizeof phys, "P%s", dept);
	tu_add_visit_in(b, vid, "PM", phys, inst, dept, CW_INPATIENT, start, CW_MINUTE_NONE, "J18.9");
	for (int i = 0; i < n; i++) {
		snprintf(lid, sizeof lid, "L%05d", ++nline);
		snprintf(phys, sizeof phys, "P%c", 'A' + i % 20);
		tu_add_line_by(b, lid, vid, "CT", cw_format_time(when, start + i * 60), CW_QTY_ONE, 20000, phys);
	}
	results(b, n, k, CW_RESULT_POSITIVE);
}

/* Departments at the boundaries: D1 exactly 30% (9 of 30), D2 just under (8 of 30), D3 under the
 * department minimum (0 of 29), D4 10 of 100 (10%), D5 8 of 30 in exams with a pending and a refunded
 * one that do not count. */
static cw_dataset *dept_world(void)
{
	cw_builder *b = start();
	tu_add_department(b, "D5", "H2", "general");
	static const char *const ds[] = { "D1", "D2", "D3", "D4", "D5" };
	static const char *const is[] = { "H1", "H2", "H3", "H1", "H2" };
	for (int i = 0; i < 5; i++) {
		char id[8];
		snprintf(id, sizeof id, "P%s", ds[i]);
		tu_add_physician(b, id, is[i], ds[i]);
	}
	for (char c = 'A'; c <= 'T'; c++) {
		char id[4] = { 'P', c, 0 };
		tu_add_physician(b, id, "H1", "D1"); /* ordering physicians: the visit's department counts */
	}
	dept_exams(b, "H1", "D1", 30, 9);
	dept_exams(b, "H2", "D2", 30, 8);
	dept_exams(b, "H3", "D3", 29, 0);
	dept_exams(b, "H1", "D4", 100, 10);
	dept_exams(b, "H2", "D5", 30, 8);
	tu_add_line_by(b, "PEND", "V-D5", "CT", "2026-05-20 10:00", CW_QTY_ONE, 20000, "PA");
	tu_add_result(b, "PEND", CW_RESULT_PENDING);
	tu_add_line_by(b, "REF", "V-D5", "CT", "2026-05-20 10:01", CW_QTY_ONE, 20000, "PA");
	tu_add_line_by(b, "REFr", "V-D5", "CT", "2026-05-20 11:00", -CW_QTY_ONE, 20000, "PA");
	tu_add_result(b, "REF", CW_RESULT_POSITIVE);
	return tu_finish(b);
}

static void dexpect(const cw_dataset *ds, const char *rules, const char *want)
{
	cw_findings *fs = tu_detect(ds, "low_positive_rate", rules);
	char got[256];
	dsummary(ds, fs, got, sizeof got);
	assert_string_equal(got, want);
	cw_findings_free(fs);
}

#define LP(x) "{\"detectors\":{\"low_positive_rate\":{" x "}}}"

static void test_departments(void **state)
{
	(void)state;
	cw_dataset *ds = dept_world();
	cw_findings *fs = tu_detect(ds, "low_positive_rate", NULL);
	char got[256];
	summary(ds, fs, got, sizeof got);
	assert_string_equal(got, ""); /* no physician has 20 exams */
	dsummary(ds, fs, got, sizeof got);
	assert_string_equal(got, "D2 D4 D5"); /* D1 at the floor, D3 under the minimum */
	cw_record r;
	cw_findings_get(&r, fs, 0);
	assert_int_equal(r.f.physician, CW_NONE);
	assert_string_equal(cw_dataset_str(ds, cw_dataset_departments(ds)->id[r.f.dept]), "D2");
	assert_int_equal(r.f.patient, CW_NONE);
	assert_int_equal(r.f.visit, CW_NONE);
	assert_int_equal(r.f.nlines, 0);
	assert_int_equal(r.f.suspect, 0);
	assert_int_equal(r.f.cls, CW_CLASS_EXAM_USE);
	assert_int_equal(r.f.severity, CW_SUSPICIOUS);
	assert_string_equal(r.f.tag, "department");
	assert_string_equal(r.f.metric, "positive_rate");
	assert_true(fabs(r.f.value - 8.0 / 30) < 1e-12);
	assert_true(fabs(r.f.limit - 0.3) < 1e-12);
	assert_non_null(strstr(r.reason, "department: 8 of 30 resulted"));
	assert_non_null(strstr(r.reason, "below the 30.0% floor"));
	assert_non_null(r.reason_zh);
	assert_non_null(strstr(r.reason_zh, "科室大型设备检查阳性8项/有结果30项(阳性率26.7%),低于30.0%的下限"));
	cw_findings_get(&r, fs, 2);
	assert_non_null(strstr(r.reason, "8 of 30")); /* D5: the pending and refunded exams do not count */
	cw_findings_free(fs);
	/* the department minimum is its own key; the physicians' is not used */
	dexpect(ds, LP("\"department_min_resulted\":29"), "D2 D3 D4 D5");
	dexpect(ds, LP("\"department_min_resulted\":31"), "D4");
	dexpect(ds, LP("\"min_resulted\":1"), "D2 D4 D5");
	/* the floor is shared: strictly below */
	dexpect(ds, LP("\"threshold\":0.1"), "");
	char rules[256];
	snprintf(rules, sizeof rules, LP("\"threshold\":%.17g"), nextafter(0.1, 1));
	dexpect(ds, rules, "D4");
	snprintf(rules, sizeof rules, LP("\"threshold\":%.17g"), nextafter(0.3, 1));
	dexpect(ds, rules, "D1 D2 D4 D5");
	/* departments off */
	dexpect(ds, LP("\"departments\":false"), "");
	cw_dataset_free(ds);
}

static void test_departments_interval(void **state)
{
	(void)state;
	cw_dataset *ds = dept_world();
	/* 8 of 30: Wilson bound 44.5%, not below; 10 of 100: 17.4%, below */
	dexpect(ds, LP("\"test\":\"interval\""), "D4");
	cw_findings *fs = tu_detect(ds, "low_positive_rate", LP("\"test\":\"interval\""));
	cw_record r;
	cw_findings_get(&r, fs, 0);
	cw_interval ci;
	assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_WILSON, 10, 100, 0.95), 0);
	assert_true(fabs(r.f.limit - ci.hi) < 1e-12);
	assert_non_null(strstr(r.reason, "department: 10 of 100 resulted"));
	assert_non_null(strstr(r.reason, "Wilson upper bound"));
	assert_non_null(strstr(r.reason_zh, "Wilson置信上限"));
	cw_findings_free(fs);
	/* the bound exactly at the threshold is not below it */
	char rules[256];
	snprintf(rules, sizeof rules, LP("\"test\":\"interval\",\"threshold\":%.17g"), ci.hi);
	dexpect(ds, rules, "");
	snprintf(rules, sizeof rules, LP("\"test\":\"interval\",\"threshold\":%.17g"), nextafter(ci.hi, 1));
	dexpect(ds, rules, "D4");
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found_and_lookalikes),
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_bad_rules),
		cmocka_unit_test(test_one_patient_many_lines),
		cmocka_unit_test(test_threads_and_empty),
		cmocka_unit_test(test_departments),
		cmocka_unit_test(test_departments_interval),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
