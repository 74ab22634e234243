/* test_det_over_price.c: over_price: a unit price above the item's std_price (+ tolerance). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "detcheck.h"
#include "claimwatch/error.h"

#define DET "over_price"

/* LAB at 20.00, DRUG at 3.33 a unit. */
static cw_builder *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row r = tu_item_row("LAB", CW_CAT_LAB, 2000);
	tu_add_item(b, &r);
	r = tu_item_row("DRUG", CW_CAT_DRUG, 333);
	tu_add_item(b, &r);
	tu_add_visit(b, "V1", "PM", "DR1", CW_INPATIENT, "2026-04-10 08:00", NULL, "J18.9");
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

static void test_price_boundary(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "L1", "V1", "LAB", "2026-05-08 08:00", CW_QTY_ONE, 1999);
	tu_add_line(b, "L2", "V1", "LAB", "2026-05-08 09:00", CW_QTY_ONE, 2000);
	tu_add_line_by(b, "L3", "V1", "LAB", "2026-05-08 10:00", 2 * CW_QTY_ONE, 2001, "DR2");
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "L3", "over_price"), 0);
	cw_record r = dc_get(fs, 0);
	assert_int_equal(r.f.suspect, 2); /* one fen too much, two units */
	assert_int_equal(r.f.severity, CW_VIOLATION);
	assert_int_equal(r.f.cls, CW_CAT_LAB);
	assert_int_equal(r.f.physician, cw_dataset_find(ds, CW_T_PHYSICIANS, "DR2"));
	assert_int_equal(r.f.when, tu_time("2026-05-08 10:00"));
	assert_non_null(strstr(r.reason, "20.01"));
	assert_non_null(strstr(r.reason, "20.00"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* Bug found here: the suspect amount was truncated, not rounded. */
static void test_fractional_quantity_rounds_to_the_fen(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "L1", "V1", "DRUG", "2026-05-08 08:00", 2500, 336); /* 2.5 x 0.03 = 0.075 */
	tu_add_line(b, "L2", "V1", "DRUG", "2026-05-08 09:00", 1500, 334); /* 1.5 x 0.01 = 0.015 */
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 2);
	assert_int_equal(dc_get(fs, 0).f.suspect, 8);
	assert_int_equal(dc_get(fs, 1).f.suspect, 2);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_tolerance(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "L1", "V1", "LAB", "2026-05-08 08:00", CW_QTY_ONE, 2100);
	tu_add_line(b, "L2", "V1", "LAB", "2026-05-08 09:00", CW_QTY_ONE, 2101);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, DET, "{\"detectors\":{\"over_price\":{\"tolerance\":1.00}}}");
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "L2", NULL), 0);
	assert_int_equal(dc_get(fs, 0).f.suspect, 101); /* the excess over the ceiling itself */
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_refunds_ignored(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "L1", "V1", "LAB", "2026-05-08 08:00", CW_QTY_ONE, 2500);
	tu_add_line(b, "R1", "V1", "LAB", "2026-05-08 09:00", -CW_QTY_ONE, 2500); /* cancels L1 */
	tu_add_line(b, "R2", "V1", "DRUG", "2026-05-08 09:00", -CW_QTY_ONE, 900);  /* matches nothing */
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_lines_outside_the_month_dropped(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "A", "V1", "LAB", "2026-04-30 23:59", CW_QTY_ONE, 2500);
	tu_add_line(b, "B", "V1", "LAB", "2026-05-01 00:00", CW_QTY_ONE, 2500);
	tu_add_line(b, "C", "V1", "LAB", "2026-05-31 23:59", CW_QTY_ONE, 2500);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 2);
	assert_int_equal(tu_find(ds, fs, "B", NULL), 0);
	assert_int_equal(tu_find(ds, fs, "C", NULL), 1);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_thousands_of_lines_one_patient(void **state)
{
	(void)state;
	cw_builder *b = world();
	char id[32];
	for (int k = 0; k < 6000; k++) {
		snprintf(id, sizeof id, "L%05d", k);
		tu_add_line_at(b, id, "V1", k % 2 ? "LAB" : "DRUG", tu_time("2026-05-01 00:00") + k * 7, CW_QTY_ONE,
		               k % 10 == 0 ? 400 : k % 2 ? 2000 : 333, NULL);
	}
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 600);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static cw_dataset *big(int *cases)
{
	cw_builder *b = world();
	char id[32], vid[16];
	*cases = 0;
	cw_minute may = tu_time("2026-05-01 00:00");
	for (int p = 0; p < 3000; p++) {
		tu_add_stay(b, p, "2026-04-25 08:00", vid);
		for (int k = 0; k < 160; k++) {
			snprintf(id, sizeof id, "P%04dL%03d", p, k);
			int bad = k == 100 && p % 17 == 0;
			tu_add_line_at(b, id, vid, "LAB", may - 3 * CW_MINUTES_PER_DAY + k * 240, CW_QTY_ONE, bad ? 2200 : 2000,
			               NULL);
			*cases += bad;
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
		cmocka_unit_test(test_price_boundary),
		cmocka_unit_test(test_fractional_quantity_rounds_to_the_fen),
		cmocka_unit_test(test_tolerance),
		cmocka_unit_test(test_refunds_ignored),
		cmocka_unit_test(test_lines_outside_the_month_dropped),
		cmocka_unit_test(test_thousands_of_lines_one_patient),
		cmocka_unit_test(test_same_output_with_one_and_two_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
