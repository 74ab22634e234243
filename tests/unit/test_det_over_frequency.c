/* test_det_over_frequency.c: over_frequency: the daily maximum per patient, item and calendar day. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "detcheck.h"
#include "claimwatch/error.h"

#define DET "over_frequency"

/* INJ: at most 3 a day at 5.00; BED: once a day; LAB: no maximum. */
static cw_builder *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row inj = tu_item_row("INJ", CW_CAT_TREATMENT, 500);
	inj.max_daily_qty = 3 * CW_QTY_ONE;
	tu_add_item(b, &inj);
	cw_item_row bed = tu_item_row("BED", CW_CAT_BED, 3000);
	bed.max_daily_qty = CW_QTY_ONE;
	tu_add_item(b, &bed);
	cw_item_row lab = tu_item_row("LAB", CW_CAT_LAB, 2000);
	tu_add_item(b, &lab);
	tu_add_visit(b, "V1", "PM", "DR1", CW_INPATIENT, "2026-04-10 08:00", NULL, "J18.9");
	tu_add_visit(b, "V2", "PM", "DR3", CW_OUTPATIENT, "2026-05-08 08:00", NULL, "J06.9");
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

static void test_at_the_maximum_is_not_flagged(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "L1", "V1", "INJ", "2026-05-08 08:00", CW_QTY_ONE, 500);
	tu_add_line(b, "L2", "V1", "INJ", "2026-05-08 12:00", CW_QTY_ONE, 500);
	tu_add_line(b, "L3", "V1", "INJ", "2026-05-08 23:59", CW_QTY_ONE, 500);
	tu_add_line(b, "L4", "V1", "INJ", "2026-05-09 00:00", CW_QTY_ONE, 500); /* the next day */
	tu_add_line(b, "L5", "V1", "BED", "2026-05-08 23:59", CW_QTY_ONE, 3000);
	tu_add_line(b, "L6", "V1", "BED", "2026-05-09 00:00", CW_QTY_ONE, 3000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_one_unit_over(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "L1", "V1", "INJ", "2026-05-08 00:00", CW_QTY_ONE, 500);
	tu_add_line(b, "L2", "V1", "INJ", "2026-05-08 12:00", 2 * CW_QTY_ONE, 500);
	tu_add_line_by(b, "L3", "V1", "INJ", "2026-05-08 23:59", CW_QTY_ONE, 500, "DR2");
	tu_add_line(b, "L4", "V1", "LAB", "2026-05-08 12:00", 9 * CW_QTY_ONE, 2000); /* no maximum */
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	char buf[256];
	assert_string_equal(tu_lines(ds, fs, 0, buf, sizeof buf), "L1 L2 L3");
	cw_record r = dc_get(fs, 0);
	assert_int_equal(r.f.suspect, 500);
	assert_int_equal(r.f.severity, CW_VIOLATION);
	assert_int_equal(r.f.cls, CW_CAT_TREATMENT);
	assert_string_equal(r.f.tag, DET);
	assert_int_equal(r.f.when, tu_time("2026-05-08 23:59"));
	assert_int_equal(r.f.item, cw_dataset_find(ds, CW_T_ITEMS, "INJ"));
	/* the line that took the day over the maximum names the physician */
	assert_int_equal(r.f.physician, cw_dataset_find(ds, CW_T_PHYSICIANS, "DR2"));
	assert_non_null(strstr(r.reason, "INJ"));
	assert_non_null(strstr(r.reason, "4 units"));
	assert_non_null(strstr(r.reason, "maximum of 3"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_one_line_of_many_units(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "L1", "V1", "INJ", "2026-05-08 10:00", 5 * CW_QTY_ONE, 500);
	tu_add_line(b, "L2", "V1", "BED", "2026-05-08 10:00", 2 * CW_QTY_ONE, 3000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 2);
	int inj = tu_find(ds, fs, "L1", NULL), bed = tu_find(ds, fs, "L2", NULL);
	assert_true(inj >= 0 && bed >= 0);
	assert_int_equal(dc_get(fs, (size_t)inj).f.suspect, 1000);
	assert_int_equal(dc_get(fs, (size_t)bed).f.suspect, 3000);
	assert_int_equal(dc_get(fs, (size_t)bed).f.cls, CW_CAT_BED);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_fraction_of_a_unit_over(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "L1", "V1", "INJ", "2026-05-08 10:00", 3 * CW_QTY_ONE + 2, 500); /* 3.002 units, 15.01 */
	tu_add_line(b, "L2", "V1", "INJ", "2026-05-09 10:00", 3 * CW_QTY_ONE + 500, 500); /* 3.5 units */
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 2);
	assert_int_equal(dc_get(fs, 0).f.suspect, 1);   /* 0.002 x 15.01 / 3.002 = 1 fen */
	assert_int_equal(dc_get(fs, 1).f.suspect, 250); /* half a unit at 5.00 */
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_any_visit_and_institution_count(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "L1", "V1", "INJ", "2026-05-08 07:00", 2 * CW_QTY_ONE, 500);
	tu_add_line(b, "L2", "V2", "INJ", "2026-05-08 09:00", 2 * CW_QTY_ONE, 700); /* at H2 */
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	cw_record r = dc_get(fs, 0);
	/* mean unit price (2 x 5.00 + 2 x 7.00) / 4 = 6.00, one unit over */
	assert_int_equal(r.f.suspect, 600);
	assert_int_equal(r.f.visit, cw_dataset_find(ds, CW_T_VISITS, "V2"));
	assert_int_equal(r.f.physician, cw_dataset_find(ds, CW_T_PHYSICIANS, "DR3"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_other_patients_and_items_do_not_add_up(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_visit(b, "VF", "PF", "DR1", CW_OUTPATIENT, "2026-05-08 08:00", NULL, "J06.9");
	tu_add_line(b, "L1", "V1", "INJ", "2026-05-08 07:00", 2 * CW_QTY_ONE, 500);
	tu_add_line(b, "L2", "VF", "INJ", "2026-05-08 09:00", 2 * CW_QTY_ONE, 500);
	tu_add_line(b, "L3", "V1", "BED", "2026-05-08 09:00", CW_QTY_ONE, 3000);
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
	tu_add_line(b, "L1", "V1", "INJ", "2026-05-08 08:00", 2 * CW_QTY_ONE, 500);
	tu_add_line(b, "L2", "V1", "INJ", "2026-05-08 09:00", 2 * CW_QTY_ONE, 500);
	tu_add_line(b, "R2", "V1", "INJ", "2026-05-08 10:00", -2 * CW_QTY_ONE, 500); /* cancels L2 */
	tu_add_line(b, "L3", "V1", "BED", "2026-05-09 08:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "L4", "V1", "BED", "2026-05-09 09:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "R4", "V1", "BED", "2026-05-09 18:00", -CW_QTY_ONE, 3000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_days_outside_the_month_dropped(void **state)
{
	(void)state;
	cw_builder *b = world();
	/* the look-back's last day, over the maximum: reported in April's run, not May's */
	tu_add_line(b, "A1", "V1", "BED", "2026-04-30 08:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "A2", "V1", "BED", "2026-04-30 23:59", CW_QTY_ONE, 3000);
	/* the month's first minute */
	tu_add_line(b, "M1", "V1", "BED", "2026-05-01 00:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "M2", "V1", "BED", "2026-05-01 08:00", CW_QTY_ONE, 3000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "M1 M2", DET), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_tolerance_key(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "L1", "V1", "INJ", "2026-05-08 08:00", 4 * CW_QTY_ONE, 500);
	tu_add_line(b, "L2", "V1", "INJ", "2026-05-09 08:00", 5 * CW_QTY_ONE, 500);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, DET, "{\"detectors\":{\"over_frequency\":{\"tolerance_qty\":1}}}");
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "L2", NULL), 0);
	assert_int_equal(dc_get(fs, 0).f.suspect, 1000); /* the excess over the maximum itself */
	cw_findings_free(fs);
	cw_rules *rules;
	cw_dimset *dims;
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), "{\"detectors\":{\"over_frequency\":{\"tolerance_qty\":-1}}}",
	                                    "t"), 0);
	assert_int_equal(cw_dimset_load(&dims, rules), 0);
	cw_detect_opts o = { .threads = 1, .only = DET };
	assert_true(cw_detect(&fs, ds, rules, dims, &o) < 0);
	assert_non_null(strstr(cw_error_last(), "detectors.over_frequency.tolerance_qty"));
	cw_dimset_free(dims);
	cw_rules_free(rules);
	cw_dataset_free(ds);
}

static void test_thousands_of_lines_one_patient(void **state)
{
	(void)state;
	cw_builder *b = world();
	char id[32];
	int n = 0;
	/* 150 injections a day for the whole month, plus lab lines in between */
	for (int d = 0; d < 31; d++)
		for (int k = 0; k < 150; k++) {
			cw_minute t = tu_time("2026-05-01 00:00") + d * CW_MINUTES_PER_DAY + k * 9;
			snprintf(id, sizeof id, "L%05d", n++);
			tu_add_line_at(b, id, "V1", "INJ", t, CW_QTY_ONE, 500, NULL);
			snprintf(id, sizeof id, "L%05d", n++);
			tu_add_line_at(b, id, "V1", "LAB", t, CW_QTY_ONE, 2000, NULL);
		}
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 31);
	for (size_t i = 0; i < 31; i++) {
		cw_record r = dc_get(fs, i);
		assert_int_equal(r.f.nlines, 150);
		assert_int_equal(r.f.suspect, 147 * 500);
	}
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* 3000 patients x 160 lines: more than one slice of the runner. Every 7th
 * patient has one day with one injection too many. */
static cw_dataset *big(int *cases)
{
	cw_builder *b = world();
	char id[32], vid[16];
	*cases = 0;
	cw_minute may = tu_time("2026-05-01 00:00");
	for (int p = 0; p < 3000; p++) {
		tu_add_stay(b, p, "2026-04-25 08:00", vid);
		for (int k = 0; k < 160; k++) {
			int day = k / 5, slot = k % 5;
			const char *item = slot == 0 ? "BED" : slot < 4 ? "INJ" : "LAB";
			snprintf(id, sizeof id, "P%04dL%03d", p, k);
			tu_add_line_at(b, id, vid, item, may - 5 * CW_MINUTES_PER_DAY + day * CW_MINUTES_PER_DAY + slot * 60,
			               CW_QTY_ONE, item[0] == 'B' ? 3000 : 500, NULL);
		}
		if (p % 7 == 0) {
			snprintf(id, sizeof id, "P%04dX", p);
			tu_add_line_at(b, id, vid, "INJ", may + (p % 20) * CW_MINUTES_PER_DAY + 600, CW_QTY_ONE, 500, NULL);
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
		cmocka_unit_test(test_at_the_maximum_is_not_flagged),
		cmocka_unit_test(test_one_unit_over),
		cmocka_unit_test(test_one_line_of_many_units),
		cmocka_unit_test(test_fraction_of_a_unit_over),
		cmocka_unit_test(test_any_visit_and_institution_count),
		cmocka_unit_test(test_other_patients_and_items_do_not_add_up),
		cmocka_unit_test(test_refunds_ignored),
		cmocka_unit_test(test_days_outside_the_month_dropped),
		cmocka_unit_test(test_tolerance_key),
		cmocka_unit_test(test_thousands_of_lines_one_patient),
		cmocka_unit_test(test_same_output_with_one_and_two_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
