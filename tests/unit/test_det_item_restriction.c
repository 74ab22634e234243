/* test_det_item_restriction.c: item_restriction: sex, age, institution level and setting restrictions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "detcheck.h"
#include "claimwatch/error.h"

#define DET "item_restriction"

/* Items: FEM (female only), CHILD (age 12 at most), ADULT (age 18 at least),
 * L3 (level 3 only), L2 (level 2 or more), OUT (outpatient only), IN
 * (inpatient only), MULTI (female only, level 3), FREE (no restriction).
 * Patients besides tu_builder's: K12 (born 2013-05-10: 12 on 2026-05-09,
 * 13 on 2026-05-10) and T18 (born 2008-05-10: 17 then 18). */
static cw_builder *world(const char *month)
{
	cw_builder *b = tu_builder(month);
	cw_item_row r = tu_item_row("FEM", CW_CAT_DRUG, 1000);
	r.sex_only = CW_SEX_F;
	tu_add_item(b, &r);
	r = tu_item_row("CHILD", CW_CAT_DRUG, 1000);
	r.age_max = 12;
	tu_add_item(b, &r);
	r = tu_item_row("ADULT", CW_CAT_DRUG, 1000);
	r.age_min = 18;
	tu_add_item(b, &r);
	r = tu_item_row("L3", CW_CAT_EXAM, 30000);
	r.min_level = 3;
	tu_add_item(b, &r);
	r = tu_item_row("L2", CW_CAT_TREATMENT, 5000);
	r.min_level = 2;
	tu_add_item(b, &r);
	r = tu_item_row("OUT", CW_CAT_CONSULT, 1000);
	r.setting = CW_SETTING_OUTPATIENT;
	tu_add_item(b, &r);
	r = tu_item_row("IN", CW_CAT_NURSING, 2800);
	r.setting = CW_SETTING_INPATIENT;
	tu_add_item(b, &r);
	r = tu_item_row("MULTI", CW_CAT_DRUG, 4000);
	r.sex_only = CW_SEX_F;
	r.min_level = 3;
	tu_add_item(b, &r);
	r = tu_item_row("FREE", CW_CAT_DRUG, 100);
	tu_add_item(b, &r);
	tu_add_patient(b, "K12", CW_SEX_M, "2013-05-10");
	tu_add_patient(b, "T18", CW_SEX_F, "2008-05-10");
	return b;
}

static cw_findings *run(cw_dataset *ds) { return tu_detect(ds, DET, NULL); }

static const char *tag_of(const cw_findings *fs, size_t i) { return dc_get(fs, i).f.tag; }

static void test_empty(void **state)
{
	(void)state;
	cw_dataset *ds = tu_finish(world("2026-05"));
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_sex(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "VM", "PM", "DR1", CW_OUTPATIENT, "2026-05-08 08:00", NULL, "N40");
	tu_add_visit(b, "VF", "PF", "DR1", CW_OUTPATIENT, "2026-05-08 08:00", NULL, "N76");
	tu_add_visit(b, "VU", "PU", "DR1", CW_OUTPATIENT, "2026-05-08 08:00", NULL, "N76");
	tu_add_line_by(b, "LM", "VM", "FEM", "2026-05-08 09:00", 2 * CW_QTY_ONE, 1000, "DR2");
	tu_add_line(b, "LF", "VF", "FEM", "2026-05-08 09:00", CW_QTY_ONE, 1000);
	tu_add_line(b, "LU", "VU", "FEM", "2026-05-08 09:00", CW_QTY_ONE, 1000); /* sex U: not judged */
	tu_add_line(b, "LX", "VM", "FREE", "2026-05-08 09:00", CW_QTY_ONE, 100);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	cw_record r = dc_get(fs, 0);
	assert_int_equal(tu_find(ds, fs, "LM", "sex_only"), 0);
	assert_int_equal(r.f.suspect, 2000);
	assert_int_equal(r.f.severity, CW_VIOLATION);
	assert_int_equal(r.f.cls, CW_CAT_DRUG);
	assert_int_equal(r.f.physician, cw_dataset_find(ds, CW_T_PHYSICIANS, "DR2"));
	assert_int_equal(r.f.visit, cw_dataset_find(ds, CW_T_VISITS, "VM"));
	assert_int_equal(r.f.when, tu_time("2026-05-08 09:00"));
	assert_non_null(strstr(r.reason, "FEM"));
	assert_non_null(strstr(r.reason, "sex M"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_age_bounds_on_the_birthday(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "VK", "K12", "DR1", CW_OUTPATIENT, "2026-05-09 08:00", NULL, "J06");
	tu_add_visit(b, "VT", "T18", "DR1", CW_OUTPATIENT, "2026-05-09 08:00", NULL, "J06");
	tu_add_visit(b, "VU", "PU", "DR1", CW_OUTPATIENT, "2026-05-09 08:00", NULL, "J06");
	/* K12 is 12 on the 9th (the maximum: payable) and 13 from the 10th */
	tu_add_line(b, "K9", "VK", "CHILD", "2026-05-09 23:59", CW_QTY_ONE, 1000);
	tu_add_line(b, "K10", "VK", "CHILD", "2026-05-10 00:00", CW_QTY_ONE, 1000);
	/* T18 is 17 on the 9th and 18 (the minimum: payable) from the 10th */
	tu_add_line(b, "T9", "VT", "ADULT", "2026-05-09 23:59", CW_QTY_ONE, 1000);
	tu_add_line(b, "T10", "VT", "ADULT", "2026-05-10 00:00", CW_QTY_ONE, 1000);
	/* no birth date: not judged */
	tu_add_line(b, "U1", "VU", "CHILD", "2026-05-10 00:00", CW_QTY_ONE, 1000);
	tu_add_line(b, "U2", "VU", "ADULT", "2026-05-10 00:00", CW_QTY_ONE, 1000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 2);
	int k = tu_find(ds, fs, "K10", "age_max"), t = tu_find(ds, fs, "T9", "age_min");
	assert_true(k >= 0 && t >= 0);
	assert_non_null(strstr(dc_get(fs, (size_t)k).reason, "aged 13"));
	assert_non_null(strstr(dc_get(fs, (size_t)t).reason, "aged 17"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_age_of_a_leap_day_birth(void **state)
{
	(void)state;
	/* born 2008-02-29: 17 on 2026-02-28, 18 on 2026-03-01 */
	const char *months[] = { "2026-02", "2026-03" };
	for (int m = 0; m < 2; m++) {
		cw_builder *b = world(months[m]);
		tu_add_patient(b, "LEAP", CW_SEX_M, "2008-02-29");
		tu_add_visit(b, "V1", "LEAP", "DR1", CW_OUTPATIENT, "2026-02-28 08:00", NULL, "J06");
		tu_add_line(b, "F28", "V1", "ADULT", "2026-02-28 23:59", CW_QTY_ONE, 1000);
		tu_add_line(b, "M01", "V1", "ADULT", "2026-03-01 00:00", CW_QTY_ONE, 1000);
		cw_dataset *ds = tu_finish(b);
		cw_findings *fs = run(ds);
		if (m == 0) {
			assert_int_equal(cw_findings_count(fs), 1);
			assert_int_equal(tu_find(ds, fs, "F28", "age_min"), 0);
		} else {
			assert_int_equal(cw_findings_count(fs), 0);
		}
		cw_findings_free(fs);
		cw_dataset_free(ds);
	}
}

static void test_min_level(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "V1", "PM", "DR1", CW_OUTPATIENT, "2026-05-08 08:00", NULL, "I10"); /* H1, level 3 */
	tu_add_visit(b, "V2", "PM", "DR3", CW_OUTPATIENT, "2026-05-09 08:00", NULL, "I10"); /* H2, level 2 */
	tu_add_visit(b, "V3", "PM", "DR4", CW_OUTPATIENT, "2026-05-10 08:00", NULL, "I10"); /* H3, level 1 */
	tu_add_line(b, "A1", "V1", "L3", "2026-05-08 09:00", CW_QTY_ONE, 30000);
	tu_add_line(b, "A2", "V2", "L3", "2026-05-09 09:00", CW_QTY_ONE, 30000);
	tu_add_line(b, "A3", "V3", "L3", "2026-05-10 09:00", CW_QTY_ONE, 30000);
	tu_add_line(b, "B1", "V1", "L2", "2026-05-08 09:00", CW_QTY_ONE, 5000);
	tu_add_line(b, "B2", "V2", "L2", "2026-05-09 09:00", CW_QTY_ONE, 5000);
	tu_add_line(b, "B3", "V3", "L2", "2026-05-10 09:00", CW_QTY_ONE, 5000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 3);
	assert_true(tu_find(ds, fs, "A2", "min_level") >= 0);
	assert_true(tu_find(ds, fs, "A3", "min_level") >= 0);
	int i = tu_find(ds, fs, "B3", "min_level");
	assert_true(i >= 0);
	assert_non_null(strstr(dc_get(fs, (size_t)i).reason, "H3, of level 1"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_setting_emergency_counts_as_outpatient(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "VO", "PM", "DR1", CW_OUTPATIENT, "2026-05-08 08:00", NULL, "I10");
	tu_add_visit(b, "VE", "PM", "DR1", CW_EMERGENCY, "2026-05-09 08:00", NULL, "I10");
	tu_add_visit(b, "VI", "PM", "DR1", CW_INPATIENT, "2026-05-10 08:00", "2026-05-12 08:00", "I10");
	tu_add_line(b, "O-O", "VO", "OUT", "2026-05-08 09:00", CW_QTY_ONE, 1000);
	tu_add_line(b, "O-E", "VE", "OUT", "2026-05-09 09:00", CW_QTY_ONE, 1000);
	tu_add_line(b, "O-I", "VI", "OUT", "2026-05-10 09:00", CW_QTY_ONE, 1000);
	tu_add_line(b, "I-O", "VO", "IN", "2026-05-08 09:00", CW_QTY_ONE, 2800);
	tu_add_line(b, "I-E", "VE", "IN", "2026-05-09 09:00", CW_QTY_ONE, 2800);
	tu_add_line(b, "I-I", "VI", "IN", "2026-05-10 09:00", CW_QTY_ONE, 2800);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 3);
	int oi = tu_find(ds, fs, "O-I", "setting");
	assert_true(oi >= 0);
	assert_non_null(strstr(dc_get(fs, (size_t)oi).reason, "outpatient only"));
	assert_non_null(strstr(dc_get(fs, (size_t)oi).reason, "inpatient visit"));
	assert_true(tu_find(ds, fs, "I-O", "setting") >= 0);
	int ie = tu_find(ds, fs, "I-E", "setting");
	assert_true(ie >= 0);
	assert_non_null(strstr(dc_get(fs, (size_t)ie).reason, "emergency visit"));
	assert_int_equal(dc_get(fs, (size_t)ie).f.cls, CW_CAT_NURSING);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_one_finding_per_broken_restriction(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "V2", "PM", "DR3", CW_OUTPATIENT, "2026-05-09 08:00", NULL, "I10"); /* level 2 */
	tu_add_line(b, "L1", "V2", "MULTI", "2026-05-09 09:00", CW_QTY_ONE, 4000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 2);
	assert_string_equal(tag_of(fs, 0), "sex_only");
	assert_string_equal(tag_of(fs, 1), "min_level");
	char a[16], c[16];
	assert_string_equal(tu_lines(ds, fs, 0, a, sizeof a), "L1");
	assert_string_equal(tu_lines(ds, fs, 1, c, sizeof c), "L1");
	/* two findings on one line: two distinct ids */
	assert_string_not_equal(dc_get(fs, 0).id, dc_get(fs, 1).id);
	cw_findings_free(fs);
	/* the key `restrictions` picks what is judged */
	fs = tu_detect(ds, DET, "{\"detectors\":{\"item_restriction\":{\"restrictions\":[\"min_level\"]}}}");
	assert_int_equal(cw_findings_count(fs), 1);
	assert_string_equal(tag_of(fs, 0), "min_level");
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_unknown_restriction_key(void **state)
{
	(void)state;
	cw_dataset *ds = tu_finish(world("2026-05"));
	cw_rules *rules;
	cw_dimset *dims;
	cw_findings *fs = NULL;
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), "{\"detectors\":{\"item_restriction\":{\"restrictions\":[\"sex\"]}}}",
	                                    "t"), 0);
	assert_int_equal(cw_dimset_load(&dims, rules), 0);
	cw_detect_opts o = { .threads = 1, .only = DET };
	assert_true(cw_detect(&fs, ds, rules, dims, &o) < 0);
	assert_non_null(strstr(cw_error_last(), "detectors.item_restriction.restrictions[0]"));
	assert_non_null(strstr(cw_error_last(), "'sex'"));
	cw_dimset_free(dims);
	cw_rules_free(rules);
	cw_dataset_free(ds);
}

static void test_refunds_and_look_back_ignored(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "V1", "PM", "DR1", CW_OUTPATIENT, "2026-04-20 08:00", NULL, "N40");
	tu_add_visit(b, "V2", "PM", "DR1", CW_OUTPATIENT, "2026-05-08 08:00", NULL, "N40");
	tu_add_line(b, "OLD", "V1", "FEM", "2026-04-30 23:59", CW_QTY_ONE, 1000); /* look-back */
	tu_add_line(b, "L1", "V2", "FEM", "2026-05-08 09:00", CW_QTY_ONE, 1000);
	tu_add_line(b, "R1", "V2", "FEM", "2026-05-08 10:00", -CW_QTY_ONE, 1000); /* cancels L1 */
	tu_add_line(b, "NEW", "V2", "FEM", "2026-05-31 23:59", CW_QTY_ONE, 1000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "NEW", "sex_only"), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_thousands_of_lines_one_patient(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "V1", "PM", "DR3", CW_INPATIENT, "2026-04-01 08:00", NULL, "I10"); /* H2, level 2 */
	char id[32];
	static const char *items[] = { "FREE", "FEM", "L3", "OUT", "IN", "MULTI" };
	for (int k = 0; k < 6000; k++) {
		snprintf(id, sizeof id, "L%05d", k);
		tu_add_line_at(b, id, "V1", items[k % 6], tu_time("2026-04-01 00:00") + k * 10, CW_QTY_ONE, 1000, NULL);
	}
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	/* lines from 2026-05-01 on: k >= 4320; per 6 lines: FEM 1, L3 1, OUT 1, MULTI 2 */
	assert_int_equal(cw_findings_count(fs), (6000 - 4320) / 6 * 5);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* 3000 patients x 160 lines (more than one slice); every 11th patient gets an
 * outpatient-only consult on the stay. */
static cw_dataset *big(int *cases)
{
	cw_builder *b = world("2026-05");
	char id[32], vid[16];
	*cases = 0;
	cw_minute may = tu_time("2026-05-01 00:00");
	for (int p = 0; p < 3000; p++) {
		tu_add_stay(b, p, "2026-04-25 08:00", vid);
		for (int k = 0; k < 160; k++) {
			snprintf(id, sizeof id, "P%04dL%03d", p, k);
			tu_add_line_at(b, id, vid, k % 2 ? "IN" : "FREE", may - 4 * CW_MINUTES_PER_DAY + k * 240, CW_QTY_ONE,
			               1000, NULL);
		}
		if (p % 11 == 0) {
			snprintf(id, sizeof id, "P%04dX", p);
			tu_add_line_at(b, id, vid, "OUT", may + (p % 25) * CW_MINUTES_PER_DAY, CW_QTY_ONE, 1000, NULL);
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
		cmocka_unit_test(test_sex),
		cmocka_unit_test(test_age_bounds_on_the_birthday),
		cmocka_unit_test(test_age_of_a_leap_day_birth),
		cmocka_unit_test(test_min_level),
		cmocka_unit_test(test_setting_emergency_counts_as_outpatient),
		cmocka_unit_test(test_one_finding_per_broken_restriction),
		cmocka_unit_test(test_unknown_restriction_key),
		cmocka_unit_test(test_refunds_and_look_back_ignored),
		cmocka_unit_test(test_thousands_of_lines_one_patient),
		cmocka_unit_test(test_same_output_with_one_and_two_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
