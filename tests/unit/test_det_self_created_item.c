/* test_det_self_created_item.c: self_created_item: a claim line whose item_code is not in items (C1), kept by
 * the builder as an uncatalogued item, is one finding of the line's amount; the other detectors stay quiet on it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "detcheck.h"
#include "claimwatch/error.h"

#define DET "self_created_item"

/* LAB at 20.00 (retest after 24 h, at most 1 a day), DRUG at 3.33, in the catalogue; V1 an inpatient stay. */
static cw_builder *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row r = tu_item_row("LAB", CW_CAT_LAB, 2000);
	r.retest_hours = 24;
	r.max_daily_qty = CW_QTY_ONE;
	tu_add_item(b, &r);
	r = tu_item_row("DRUG", CW_CAT_DRUG, 333);
	tu_add_item(b, &r);
	tu_add_visit(b, "V1", "PM", "DR1", CW_INPATIENT, "2026-04-10 08:00", NULL, "J18.9");
	return b;
}

static cw_findings *run(cw_dataset *ds) { return tu_detect(ds, DET, NULL); }

static void test_catalogue_lines_give_nothing(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "L1", "V1", "LAB", "2026-05-08 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "L2", "V1", "DRUG", "2026-05-08 09:00", 3 * CW_QTY_ONE, 333);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	assert_int_equal(cw_dataset_items(ds)->n, 2);
	assert_int_equal(cw_dataset_build_stats(ds)->unknown_item_lines, 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_invented_code_is_a_finding_of_the_line(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "L1", "V1", "LAB", "2026-05-08 08:00", CW_QTY_ONE, 2000);
	tu_add_line_by(b, "L2", "V1", "ZX-CARE", "2026-05-08 09:00", 2 * CW_QTY_ONE, 4550, "DR2");
	cw_dataset *ds = tu_finish(b);
	const cw_items *it = cw_dataset_items(ds);
	cw_ref item = cw_dataset_find(ds, CW_T_ITEMS, "ZX-CARE");
	assert_int_not_equal(item, CW_NONE);
	assert_int_equal(it->n, 3);
	assert_int_equal(it->uncatalogued[item], 1);
	assert_int_equal(it->uncatalogued[cw_dataset_find(ds, CW_T_ITEMS, "LAB")], 0);
	assert_int_equal(it->category[item], CW_CAT_OTHER);
	assert_string_equal(cw_dataset_str(ds, it->name[item]), "ZX-CARE");
	assert_int_equal(it->retest_hours[item], CW_INT_NONE);
	assert_int_equal(it->max_daily_qty[item], CW_QTY_NONE);
	assert_int_equal(cw_dataset_build_stats(ds)->unknown_item_lines, 1);
	assert_int_equal(cw_dataset_build_stats(ds)->unknown_item_lines_in_month, 1);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "L2", "self_created"), 0);
	cw_record r = dc_get(fs, 0);
	assert_int_equal(r.f.suspect, 9100); /* the line's amount */
	assert_int_equal(r.f.severity, CW_VIOLATION);
	assert_int_equal(r.f.cls, CW_CAT_OTHER);
	assert_int_equal(r.f.item, item);
	assert_int_equal(r.f.physician, cw_dataset_find(ds, CW_T_PHYSICIANS, "DR2"));
	assert_int_equal(r.f.when, tu_time("2026-05-08 09:00"));
	assert_non_null(strstr(r.reason, "ZX-CARE"));
	assert_non_null(strstr(r.reason, "91.00"));
	assert_string_equal(r.detector->dimension, "treatment");
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* One finding per line; one item per code, its std_price the highest unit price billed. */
static void test_one_item_per_code_one_finding_per_line(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "L1", "V1", "ZX", "2026-05-08 08:00", CW_QTY_ONE, 1000);
	tu_add_line(b, "L2", "V1", "ZX", "2026-05-09 08:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "L3", "V1", "ZY", "2026-05-09 08:00", CW_QTY_ONE, 500);
	cw_dataset *ds = tu_finish(b);
	const cw_items *it = cw_dataset_items(ds);
	assert_int_equal(it->n, 4);
	assert_int_equal(it->std_price[cw_dataset_find(ds, CW_T_ITEMS, "ZX")], 3000);
	assert_int_equal(it->std_price[cw_dataset_find(ds, CW_T_ITEMS, "ZY")], 500);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 3);
	assert_int_equal(tu_find(ds, fs, "L1", NULL), 0);
	assert_int_equal(tu_find(ds, fs, "L2", NULL), 1);
	assert_int_equal(tu_find(ds, fs, "L3", NULL), 2);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* The reader does not normalise codes: one differing from a catalogue code in case or by a space is not in it. */
static void test_codes_compared_exactly(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "L1", "V1", "lab", "2026-05-08 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "L2", "V1", "LAB ", "2026-05-08 09:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "L3", "V1", "LAB", "2026-05-09 09:00", CW_QTY_ONE, 2000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 2);
	assert_int_equal(tu_find(ds, fs, "L1", NULL), 0);
	assert_int_equal(tu_find(ds, fs, "L2", NULL), 1);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_refunds_ignored(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "L1", "V1", "ZX", "2026-05-08 08:00", CW_QTY_ONE, 2500);
	tu_add_line(b, "R1", "V1", "ZX", "2026-05-08 09:00", -CW_QTY_ONE, 2500); /* cancels L1 */
	tu_add_line(b, "R2", "V1", "ZY", "2026-05-08 09:00", -CW_QTY_ONE, 900);  /* matches nothing */
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	assert_int_equal(cw_dataset_build_stats(ds)->unknown_item_lines, 3);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_lines_outside_the_month_dropped(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "A", "V1", "ZX", "2026-04-30 23:59", CW_QTY_ONE, 2500);
	tu_add_line(b, "B", "V1", "ZX", "2026-05-01 00:00", CW_QTY_ONE, 2500);
	tu_add_line(b, "C", "V1", "ZX", "2026-05-31 23:59", CW_QTY_ONE, 2500);
	cw_dataset *ds = tu_finish(b);
	assert_int_equal(cw_dataset_build_stats(ds)->unknown_item_lines, 3);
	assert_int_equal(cw_dataset_build_stats(ds)->unknown_item_lines_in_month, 2);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 2);
	assert_int_equal(tu_find(ds, fs, "B", NULL), 0);
	assert_int_equal(tu_find(ds, fs, "C", NULL), 1);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* An empty code is still a reject; so is a prescription's unknown drug_code (only claim lines are kept). */
static void test_empty_code_and_unknown_drug_rejected(void **state)
{
	(void)state;
	cw_builder *b = world();
	cw_rowerr err;
	cw_claim_row c = { "L1", "V1", "", NULL, tu_time("2026-05-08 08:00"), CW_QTY_ONE, 100, 100, CW_FEN_NONE, CW_FEN_NONE };
	assert_int_equal(cw_builder_add_claim(&err, b, &c), CW_EINVALID);
	assert_string_equal(err.column, "item_code");
	c.item_code = NULL;
	assert_int_equal(cw_builder_add_claim(&err, b, &c), CW_EINVALID);
	cw_rx_row rx = { "RX1", 1, "V1", "DR1", tu_time("2026-05-08 08:00"), "ZDRUG", CW_QTY_ONE, 3, 100 };
	assert_int_equal(cw_builder_add_prescription(&err, b, &rx), CW_EINVALID);
	assert_string_equal(err.column, "drug_code");
	cw_dataset *ds = tu_finish(b);
	assert_int_equal(cw_dataset_claims(ds)->n, 0);
	assert_int_equal(cw_dataset_items(ds)->n, 2);
	cw_dataset_free(ds);
}

/* No ceiling, limit or restriction on the synthetic item: the detectors that read them stay quiet. */
static void test_other_detectors_quiet(void **state)
{
	(void)state;
	static const char *const quiet[] = { "over_price", "over_frequency", "repeat_test", "item_restriction",
	                                     "split_billing", "substitution", "low_positive_rate" };
	cw_builder *b = world();
	char id[16], t[32];
	for (int k = 0; k < 8; k++) {
		snprintf(id, sizeof id, "L%d", k);
		snprintf(t, sizeof t, "2026-05-%02d 08:%02d", 3 + k / 4, k);
		tu_add_line(b, id, "V1", "ZX", t, 5 * CW_QTY_ONE, 1000 + 700 * k);
	}
	cw_dataset *ds = tu_finish(b);
	for (size_t d = 0; d < sizeof quiet / sizeof *quiet; d++) {
		cw_findings *fs = tu_detect(ds, quiet[d], NULL);
		if (cw_findings_count(fs) != 0)
			fail_msg("%s fired on an uncatalogued item", quiet[d]);
		cw_findings_free(fs);
	}
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 8);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static cw_dataset *big(int *cases)
{
	cw_builder *b = world();
	char id[32], vid[16];
	*cases = 0;
	cw_minute may = tu_time("2026-05-01 00:00");
	for (int p = 0; p < 2000; p++) {
		tu_add_stay(b, p, "2026-04-25 08:00", vid);
		for (int k = 0; k < 60; k++) {
			snprintf(id, sizeof id, "P%04dL%03d", p, k);
			int bad = k == 50 && p % 13 == 0;
			tu_add_line_at(b, id, vid, bad ? (p % 2 ? "ZX" : "ZY") : "DRUG", may + k * 240, CW_QTY_ONE, 333, NULL);
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
		cmocka_unit_test(test_catalogue_lines_give_nothing),
		cmocka_unit_test(test_invented_code_is_a_finding_of_the_line),
		cmocka_unit_test(test_one_item_per_code_one_finding_per_line),
		cmocka_unit_test(test_codes_compared_exactly),
		cmocka_unit_test(test_refunds_ignored),
		cmocka_unit_test(test_lines_outside_the_month_dropped),
		cmocka_unit_test(test_empty_code_and_unknown_drug_rejected),
		cmocka_unit_test(test_other_detectors_quiet),
		cmocka_unit_test(test_same_output_with_one_and_two_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
