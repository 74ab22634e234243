/* test_det_repeat_test.c: repeat_test: a test repeated sooner than retest_hours after a result not positive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "detcheck.h"
#include "claimwatch/error.h"

#define DET "repeat_test"

/* CRP (lab, 24 h, 30.00), CT (exam, 720 h), VIT (a drug with retest_hours:
 * not a test), OTHER (lab without retest_hours). */
static cw_builder *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row r = tu_item_row("CRP", CW_CAT_LAB, 3000);
	r.retest_hours = 24;
	tu_add_item(b, &r);
	r = tu_item_row("CT", CW_CAT_EXAM, 30000);
	r.retest_hours = 720;
	r.large_equipment = 1;
	tu_add_item(b, &r);
	r = tu_item_row("VIT", CW_CAT_DRUG, 500);
	r.retest_hours = 24;
	tu_add_item(b, &r);
	r = tu_item_row("OTHER", CW_CAT_LAB, 2000);
	tu_add_item(b, &r);
	tu_add_visit(b, "V1", "PM", "DR1", CW_INPATIENT, "2026-03-20 08:00", NULL, "J18.9"); /* H1 */
	tu_add_visit(b, "V2", "PM", "DR3", CW_OUTPATIENT, "2026-05-08 08:00", NULL, "J06.9"); /* H2 */
	return b;
}

static cw_findings *run(cw_dataset *ds) { return tu_detect(ds, DET, NULL); }

static void test_empty(void **state)
{
	(void)state;
	cw_dataset *ds = tu_finish(world());
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* A negative test, then a repeat one minute before, at, and one minute after the interval. */
static void test_interval_boundary(void **state)
{
	(void)state;
	const char *second[] = { "2026-05-11 07:59", "2026-05-11 08:00", "2026-05-11 08:01" };
	for (int k = 0; k < 3; k++) {
		cw_builder *b = world();
		tu_add_line(b, "L1", "V1", "CRP", "2026-05-10 08:00", CW_QTY_ONE, 3000);
		tu_add_result(b, "L1", CW_RESULT_NEGATIVE);
		tu_add_line_by(b, "L2", "V1", "CRP", second[k], CW_QTY_ONE, 3000, "DR2");
		cw_dataset *ds = tu_finish(b);
		cw_findings *fs = run(ds);
		assert_int_equal(cw_findings_count(fs), k == 0 ? 1 : 0);
		if (k == 0) {
			cw_record r = dc_get(fs, 0);
			assert_int_equal(tu_find(ds, fs, "L1 L2", DET), 0);
			assert_int_equal(r.f.suspect, 3000);
			assert_int_equal(r.f.severity, CW_SUSPICIOUS);
			assert_int_equal(r.f.cls, CW_CAT_LAB);
			assert_int_equal(r.f.physician, cw_dataset_find(ds, CW_T_PHYSICIANS, "DR2"));
			assert_int_equal(r.f.when, tu_time("2026-05-11 07:59"));
			assert_true(r.f.score >= 0.5 && r.f.score <= 1.0);
			assert_non_null(strstr(r.reason, "CRP"));
			assert_non_null(strstr(r.reason, "23h59m"));
			assert_non_null(strstr(r.reason, "negative"));
			assert_non_null(strstr(r.reason, "24 h"));
		}
		cw_findings_free(fs);
		cw_dataset_free(ds);
	}
}

static void test_previous_result(void **state)
{
	(void)state;
	/* one day per kind of result of the first test */
	const int results[] = { CW_RESULT_POSITIVE, CW_RESULT_NEGATIVE, CW_RESULT_PENDING, -1 };
	cw_builder *b = world();
	for (int d = 0; d < 4; d++) {
		char t1[32], t2[32], id1[8], id2[8];
		snprintf(t1, sizeof t1, "2026-05-1%d 08:00", 2 * d);
		snprintf(t2, sizeof t2, "2026-05-1%d 20:00", 2 * d);
		snprintf(id1, sizeof id1, "A%d", d);
		snprintf(id2, sizeof id2, "B%d", d);
		tu_add_line(b, id1, "V1", "CRP", t1, CW_QTY_ONE, 3000);
		tu_add_line(b, id2, "V1", "CRP", t2, CW_QTY_ONE, 3000);
		if (results[d] >= 0)
			tu_add_result(b, id1, results[d]);
		tu_add_result(b, id2, CW_RESULT_POSITIVE); /* the repeat's own result does not matter */
	}
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 3);
	assert_true(tu_find(ds, fs, "A1 B1", DET) >= 0);
	assert_true(tu_find(ds, fs, "A2 B2", DET) >= 0);
	int none = tu_find(ds, fs, "A3 B3", DET);
	assert_true(none >= 0);
	assert_non_null(strstr(dc_get(fs, (size_t)none).reason, "no result"));
	cw_findings_free(fs);
	/* pending_counts_as_positive */
	fs = tu_detect(ds, DET, "{\"detectors\":{\"repeat_test\":{\"pending_counts_as_positive\":true}}}");
	assert_int_equal(cw_findings_count(fs), 2);
	assert_int_equal(tu_find(ds, fs, "A2 B2", DET), -1);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_other_institution_counts(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "A", "V2", "CRP", "2026-05-08 09:00", CW_QTY_ONE, 3000); /* H2, negative */
	tu_add_result(b, "A", CW_RESULT_NEGATIVE);
	tu_add_line(b, "B", "V1", "CRP", "2026-05-08 15:00", CW_QTY_ONE, 3000); /* H1 */
	tu_add_line(b, "C", "V2", "CT", "2026-05-09 09:00", CW_QTY_ONE, 30000); /* H2, positive */
	tu_add_result(b, "C", CW_RESULT_POSITIVE);
	tu_add_line(b, "D", "V1", "CT", "2026-05-09 15:00", CW_QTY_ONE, 30000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "A B", DET), 0);
	cw_record r = dc_get(fs, 0);
	assert_int_equal(r.f.visit, cw_dataset_find(ds, CW_T_VISITS, "V1"));
	assert_non_null(strstr(r.reason, "at H2"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_previous_test_in_the_look_back(void **state)
{
	(void)state;
	cw_builder *b = world();
	/* 30-day interval: the first CT 25 days earlier, in the look-back */
	tu_add_line(b, "A", "V1", "CT", "2026-04-10 08:00", CW_QTY_ONE, 30000);
	tu_add_line(b, "B", "V1", "CT", "2026-05-05 08:00", CW_QTY_ONE, 30000);
	/* a repeat inside the look-back: April's finding, not May's */
	tu_add_line(b, "C", "V1", "CRP", "2026-04-30 08:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "D", "V1", "CRP", "2026-04-30 23:59", CW_QTY_ONE, 3000);
	/* and across the month start: May's */
	tu_add_line(b, "E", "V1", "CRP", "2026-05-01 00:00", CW_QTY_ONE, 3000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 2);
	assert_true(tu_find(ds, fs, "A B", DET) >= 0);
	assert_true(tu_find(ds, fs, "D E", DET) >= 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_chain_of_repeats(void **state)
{
	(void)state;
	cw_builder *b = world();
	/* day 10: three negatives six hours apart: each judged against its predecessor */
	tu_add_line(b, "A1", "V1", "CRP", "2026-05-10 08:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "A2", "V1", "CRP", "2026-05-10 14:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "A3", "V1", "CRP", "2026-05-10 20:00", CW_QTY_ONE, 3000);
	/* day 20: the middle one positive: the third is justified */
	tu_add_line(b, "B1", "V1", "CRP", "2026-05-20 08:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "B2", "V1", "CRP", "2026-05-20 14:00", CW_QTY_ONE, 3000);
	tu_add_result(b, "B2", CW_RESULT_POSITIVE);
	tu_add_line(b, "B3", "V1", "CRP", "2026-05-20 20:00", CW_QTY_ONE, 3000);
	/* day 25: the first positive, the second negative: only the third is a repeat */
	tu_add_line(b, "C1", "V1", "CRP", "2026-05-25 08:00", CW_QTY_ONE, 3000);
	tu_add_result(b, "C1", CW_RESULT_POSITIVE);
	tu_add_line(b, "C2", "V1", "CRP", "2026-05-25 14:00", CW_QTY_ONE, 3000);
	tu_add_result(b, "C2", CW_RESULT_NEGATIVE);
	tu_add_line(b, "C3", "V1", "CRP", "2026-05-26 13:59", CW_QTY_ONE, 3000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 4);
	assert_true(tu_find(ds, fs, "A1 A2", DET) >= 0);
	assert_true(tu_find(ds, fs, "A2 A3", DET) >= 0);
	assert_true(tu_find(ds, fs, "B1 B2", DET) >= 0);
	assert_true(tu_find(ds, fs, "C2 C3", DET) >= 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_same_minute_is_not_a_repeat(void **state)
{
	(void)state;
	cw_builder *b = world();
	/* billed twice at one minute: duplicate_billing's case, not a repeat */
	tu_add_line(b, "A", "V1", "CRP", "2026-05-10 08:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "B", "V1", "CRP", "2026-05-10 08:00", CW_QTY_ONE, 3000);
	tu_add_result(b, "A", CW_RESULT_POSITIVE);
	/* the next test follows a positive event */
	tu_add_line(b, "C", "V1", "CRP", "2026-05-10 12:00", CW_QTY_ONE, 3000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_refunds_ignored(void **state)
{
	(void)state;
	cw_builder *b = world();
	/* the repeat was refunded */
	tu_add_line(b, "A", "V1", "CRP", "2026-05-10 08:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "B", "V1", "CRP", "2026-05-10 12:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "RB", "V1", "CRP", "2026-05-10 13:00", -CW_QTY_ONE, 3000);
	/* the first test was refunded (never done): the next is no repeat */
	tu_add_line(b, "C", "V1", "CT", "2026-05-12 08:00", CW_QTY_ONE, 30000);
	tu_add_line(b, "RC", "V1", "CT", "2026-05-12 09:00", -CW_QTY_ONE, 30000);
	tu_add_line(b, "D", "V1", "CT", "2026-05-12 10:00", CW_QTY_ONE, 30000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_categories_key(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "A", "V1", "VIT", "2026-05-10 08:00", CW_QTY_ONE, 500);
	tu_add_line(b, "B", "V1", "VIT", "2026-05-10 12:00", CW_QTY_ONE, 500);
	tu_add_line(b, "C", "V1", "OTHER", "2026-05-10 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "D", "V1", "OTHER", "2026-05-10 12:00", CW_QTY_ONE, 2000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	fs = tu_detect(ds, DET, "{\"detectors\":{\"repeat_test\":{\"categories\":[\"lab\",\"drug\"]}}}");
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "A B", DET), 0);
	cw_findings_free(fs);
	cw_rules *rules;
	cw_dimset *dims;
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), "{\"detectors\":{\"repeat_test\":{\"categories\":[\"labs\"]}}}",
	                                    "t"), 0);
	assert_int_equal(cw_dimset_load(&dims, rules), 0);
	cw_detect_opts o = { .threads = 1, .only = DET };
	assert_true(cw_detect(&fs, ds, rules, dims, &o) < 0);
	assert_non_null(strstr(cw_error_last(), "detectors.repeat_test.categories[0]"));
	cw_dimset_free(dims);
	cw_rules_free(rules);
	cw_dataset_free(ds);
}

static void test_thousands_of_lines_one_patient(void **state)
{
	(void)state;
	cw_builder *b = world();
	char id[32];
	/* a line every 10 minutes from 2026-04-01 to 2026-05-12, every 4th a CRP */
	cw_minute t0 = tu_time("2026-04-01 00:00");
	int n = 0;
	for (int k = 0; k < 6000; k++) {
		snprintf(id, sizeof id, "L%05d", n++);
		tu_add_line_at(b, id, "V1", k % 4 ? "OTHER" : "CRP", t0 + k * 10, CW_QTY_ONE, 3000, NULL);
	}
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	/* every CRP of May (k >= 4320) repeats the one 40 minutes before */
	assert_int_equal(cw_findings_count(fs), (6000 - 4320) / 4);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* 3000 patients x 160 lines (more than one slice); each patient gets a
 * negative CRP a day at midnight (exactly 24 h apart: no repeat); every 9th
 * patient a second one 6 hours later, once, positive (the next day's is no repeat). */
static cw_dataset *big(int *cases)
{
	cw_builder *b = world();
	char id[32], vid[16];
	*cases = 0;
	cw_minute may = tu_time("2026-05-01 00:00");
	for (int p = 0; p < 3000; p++) {
		tu_add_stay(b, p, "2026-04-20 08:00", vid);
		for (int k = 0; k < 160; k++) {
			snprintf(id, sizeof id, "P%04dL%03d", p, k);
			tu_add_line_at(b, id, vid, k % 4 ? "OTHER" : "CRP", may - 9 * CW_MINUTES_PER_DAY + (k / 4) *
			               CW_MINUTES_PER_DAY + (k % 4) * 60, CW_QTY_ONE, 3000, NULL);
			if (k % 4 == 0)
				tu_add_result(b, id, CW_RESULT_NEGATIVE);
		}
		if (p % 9 == 0) {
			snprintf(id, sizeof id, "P%04dX", p);
			tu_add_line_at(b, id, vid, "CRP", may + (p % 28) * CW_MINUTES_PER_DAY + 360, CW_QTY_ONE, 3000, NULL);
			tu_add_result(b, id, CW_RESULT_POSITIVE);
			++*cases;
		}
	}
	return tu_finish(b);
}

static void test_same_output_with_one_and_two_threads(void **state)
{
	(void)state;
	int cases;
	cw_dataset *ds = big(&cases);
	assert_int_equal(dc_same_with_threads(ds, DET), (size_t)cases);
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_interval_boundary),
		cmocka_unit_test(test_previous_result),
		cmocka_unit_test(test_other_institution_counts),
		cmocka_unit_test(test_previous_test_in_the_look_back),
		cmocka_unit_test(test_chain_of_repeats),
		cmocka_unit_test(test_same_minute_is_not_a_repeat),
		cmocka_unit_test(test_refunds_ignored),
		cmocka_unit_test(test_categories_key),
		cmocka_unit_test(test_thousands_of_lines_one_patient),
		cmocka_unit_test(test_same_output_with_one_and_two_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
