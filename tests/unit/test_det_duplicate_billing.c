/* test_det_duplicate_billing.c: duplicate_billing: the same item, patient and minute on two or more lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "detcheck.h"
#include "claimwatch/error.h"

#define DET "duplicate_billing"

static cw_builder *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row r = tu_item_row("LAB", CW_CAT_LAB, 2000);
	tu_add_item(b, &r);
	r = tu_item_row("BED", CW_CAT_BED, 3000);
	tu_add_item(b, &r);
	r = tu_item_row("DRUG", CW_CAT_DRUG, 500);
	tu_add_item(b, &r);
	tu_add_visit(b, "V1", "PM", "DR1", CW_INPATIENT, "2026-04-10 08:00", NULL, "J18.9");
	tu_add_visit(b, "V2", "PM", "DR3", CW_OUTPATIENT, "2026-05-08 08:00", NULL, "J06.9");
	tu_add_visit(b, "VF", "PF", "DR1", CW_OUTPATIENT, "2026-05-08 08:00", NULL, "J06.9");
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

static void test_same_minute_and_one_minute_apart(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line_by(b, "A1", "V1", "LAB", "2026-05-08 09:00", CW_QTY_ONE, 2000, "DR2");
	tu_add_line(b, "A2", "V1", "LAB", "2026-05-08 09:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "A3", "V1", "LAB", "2026-05-08 09:01", CW_QTY_ONE, 2000); /* a minute later: not */
	tu_add_line(b, "A4", "V1", "LAB", "2026-05-08 08:59", CW_QTY_ONE, 2000); /* a minute earlier: not */
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "A1 A2", NULL), 0);
	cw_record r = dc_get(fs, 0);
	assert_int_equal(r.f.suspect, 2000);
	assert_int_equal(r.f.severity, CW_VIOLATION);
	assert_int_equal(r.f.cls, CW_CAT_LAB);
	assert_int_equal(r.f.physician, cw_dataset_find(ds, CW_T_PHYSICIANS, "DR2")); /* the first line's */
	assert_int_equal(r.f.when, tu_time("2026-05-08 09:00"));
	assert_non_null(strstr(r.reason, "LAB billed 2 times"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_three_lines_any_visit_and_interleaved_items(void **state)
{
	(void)state;
	cw_builder *b = world();
	/* canonical order within the minute is by line id: A B C D E F */
	tu_add_line(b, "A", "V1", "LAB", "2026-05-08 09:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "B", "V1", "BED", "2026-05-08 09:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "C", "V2", "LAB", "2026-05-08 09:00", 2 * CW_QTY_ONE, 2000); /* other visit, other institution */
	tu_add_line(b, "D", "V1", "BED", "2026-05-08 09:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "E", "V1", "LAB", "2026-05-08 09:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "F", "V1", "DRUG", "2026-05-08 09:00", CW_QTY_ONE, 500);
	tu_add_line(b, "G", "VF", "DRUG", "2026-05-08 09:00", CW_QTY_ONE, 500); /* another patient */
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 2);
	int lab = tu_find(ds, fs, "A C E", NULL), bed = tu_find(ds, fs, "B D", NULL);
	assert_true(lab >= 0 && bed >= 0);
	assert_int_equal(dc_get(fs, (size_t)lab).f.suspect, 4000 + 2000); /* every line but the first */
	assert_int_equal(dc_get(fs, (size_t)bed).f.suspect, 3000);
	assert_int_equal(dc_get(fs, (size_t)bed).f.cls, CW_CAT_BED);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_refunds_ignored(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "A1", "V1", "LAB", "2026-05-08 09:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "A2", "V1", "LAB", "2026-05-08 09:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "A3", "V1", "LAB", "2026-05-08 09:00", -CW_QTY_ONE, 2000); /* refund at the same minute */
	/* two refunds at one minute are not a duplicate either */
	tu_add_line(b, "B1", "V1", "BED", "2026-05-09 09:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "B2", "V1", "BED", "2026-05-09 10:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "R1", "V1", "BED", "2026-05-09 11:00", -CW_QTY_ONE, 3000);
	tu_add_line(b, "R2", "V1", "BED", "2026-05-09 11:00", -CW_QTY_ONE, 3000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_minutes_outside_the_month_dropped(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "A1", "V1", "LAB", "2026-04-30 23:59", CW_QTY_ONE, 2000);
	tu_add_line(b, "A2", "V1", "LAB", "2026-04-30 23:59", CW_QTY_ONE, 2000);
	tu_add_line(b, "B1", "V1", "LAB", "2026-05-01 00:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "B2", "V1", "LAB", "2026-05-01 00:00", CW_QTY_ONE, 2000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "B1 B2", NULL), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* Bug found here: a group of more than 64 lines lost its later lines (and
 * their money), and a minute of n lines cost n * n. */
static void test_large_group_at_one_minute(void **state)
{
	(void)state;
	cw_builder *b = world();
	char id[32];
	/* a stay's charges posted at one minute: 3000 lines, LAB 100 times, DRUG 2900 times */
	for (int k = 0; k < 3000; k++) {
		snprintf(id, sizeof id, "L%05d", k);
		int is_lab = k % 30 == 0;
		tu_add_line(b, id, "V1", is_lab ? "LAB" : "DRUG", "2026-05-20 00:00", CW_QTY_ONE, is_lab ? 2000 : 500);
	}
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	int lab = -1;
	for (size_t i = 0; i < cw_findings_count(fs); i++)
		if (dc_get(fs, i).f.item == cw_dataset_find(ds, CW_T_ITEMS, "LAB"))
			lab = (int)i;
	assert_true(lab >= 0);
	cw_record r = dc_get(fs, (size_t)lab);
	assert_int_equal(r.f.nlines, 100);
	assert_int_equal(r.f.suspect, 99 * 2000);
	assert_int_equal(cw_findings_count(fs), 2);
	r = dc_get(fs, (size_t)!lab);
	assert_int_equal(r.f.nlines, 2900);
	assert_int_equal(r.f.suspect, 2899 * 500);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_thousands_of_lines_one_patient(void **state)
{
	(void)state;
	cw_builder *b = world();
	char id[32];
	/* 6000 lines a minute apart, every 100th minute billed twice */
	int n = 0;
	for (int k = 0; k < 6000; k++) {
		snprintf(id, sizeof id, "L%05d", n++);
		tu_add_line_at(b, id, "V1", "DRUG", tu_time("2026-05-01 00:00") + k, CW_QTY_ONE, 500, NULL);
		if (k % 100 == 0) {
			snprintf(id, sizeof id, "L%05d", n++);
			tu_add_line_at(b, id, "V1", "DRUG", tu_time("2026-05-01 00:00") + k, CW_QTY_ONE, 500, NULL);
		}
	}
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 60);
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
			/* BED and DRUG at the same minute: different items */
			tu_add_line_at(b, id, vid, k % 2 ? "BED" : "DRUG", may - 3 * CW_MINUTES_PER_DAY + (k / 2) * 480,
			               CW_QTY_ONE, 500, NULL);
		}
		if (p % 19 == 0) {
			snprintf(id, sizeof id, "P%04dX", p);
			tu_add_line_at(b, id, vid, "DRUG", may + 10 * 480, CW_QTY_ONE, 500, NULL);
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
		cmocka_unit_test(test_same_minute_and_one_minute_apart),
		cmocka_unit_test(test_three_lines_any_visit_and_interleaved_items),
		cmocka_unit_test(test_refunds_ignored),
		cmocka_unit_test(test_minutes_outside_the_month_dropped),
		cmocka_unit_test(test_large_group_at_one_minute),
		cmocka_unit_test(test_thousands_of_lines_one_patient),
		cmocka_unit_test(test_same_output_with_one_and_two_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
