/* test_det_drug_share.c: a department's and a physician's drug share of the month against their target
 * (E7, E9, E10): the department's own, else its specialty's, else its institution level's (48%). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "detcheck.h"
#include "testutil.h"
#include "claimwatch/error.h"

/* Small minimums so that a few lines count. */
#define LOW "\"min_department_revenue\":100,\"min_physician_revenue\":100"
#define RULES(extra) "{\"detectors\":{\"drug_share\":{" LOW extra "}}}"

/* tu_builder's world: H1 (level 3) holds D1 (cardiology: DR1, DR2) and D4 (respiratory: DR5); H2 (level 2)
 * holds D2 (cardiology: DR3).
 *   D1: DR1 orders 300 of drugs + 100 of labs (75%), DR2 100 + 200 (33.3%): 400 of 700, 57.1%
 *   D4: DR5 47 of 100 (47%, just under 48%); a drug line refunded and April's drugs do not count
 *   D2: DR3 50 of 100 (50%) */
static cw_dataset *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row drug = tu_item_row("DRUG", CW_CAT_DRUG, 100), lab = tu_item_row("LAB", CW_CAT_LAB, 100);
	tu_add_item(b, &drug);
	tu_add_item(b, &lab);
	tu_add_visit(b, "V1", "PM", "DR1", CW_OUTPATIENT, "2026-05-03 09:00", NULL, "I10");
	tu_add_line(b, "L1", "V1", "DRUG", "2026-05-03 09:10", 300 * CW_QTY_ONE, 100);
	tu_add_line(b, "L2", "V1", "LAB", "2026-05-03 09:10", 100 * CW_QTY_ONE, 100);
	tu_add_visit(b, "V2", "PF", "DR2", CW_OUTPATIENT, "2026-05-04 09:00", NULL, "I10");
	tu_add_line(b, "L3", "V2", "DRUG", "2026-05-04 09:10", 100 * CW_QTY_ONE, 100);
	tu_add_line(b, "L4", "V2", "LAB", "2026-05-04 09:10", 200 * CW_QTY_ONE, 100);
	tu_add_visit(b, "V4a", "PC", "DR5", CW_OUTPATIENT, "2026-04-20 09:00", NULL, "J18.9");
	tu_add_line(b, "L5", "V4a", "DRUG", "2026-04-20 09:10", 900 * CW_QTY_ONE, 100);
	tu_add_visit(b, "V4", "PC", "DR5", CW_OUTPATIENT, "2026-05-06 09:00", NULL, "J18.9");
	tu_add_line(b, "L6", "V4", "DRUG", "2026-05-06 09:10", 47 * CW_QTY_ONE, 100);
	tu_add_line(b, "L7", "V4", "LAB", "2026-05-06 09:10", 53 * CW_QTY_ONE, 100);
	tu_add_line(b, "L8", "V4", "DRUG", "2026-05-06 09:20", 50 * CW_QTY_ONE, 100);
	tu_add_line(b, "L8r", "V4", "DRUG", "2026-05-06 10:00", -50 * CW_QTY_ONE, 100);
	tu_add_visit(b, "V3", "PU", "DR3", CW_OUTPATIENT, "2026-05-07 09:00", NULL, "I10");
	tu_add_line(b, "L9", "V3", "DRUG", "2026-05-07 09:10", 50 * CW_QTY_ONE, 100);
	tu_add_line(b, "L10", "V3", "LAB", "2026-05-07 09:10", 50 * CW_QTY_ONE, 100);
	return tu_finish(b);
}

/* The findings as "D1 DR1 ...": the department of a department-level finding, else the physician. */
static void summary(const cw_dataset *ds, const cw_findings *fs, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; i < cw_findings_count(fs) && n < size; i++) {
		cw_record r = dc_get(fs, i);
		const char *who = r.f.physician == CW_NONE ? cw_dataset_str(ds, cw_dataset_departments(ds)->id[r.f.dept])
		                                           : dc_physician(ds, fs, i);
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? " " : "", who);
	}
}

static void expect(const cw_dataset *ds, const char *rules, const char *want)
{
	cw_findings *fs = tu_detect(ds, "drug_share", rules);
	char got[256];
	summary(ds, fs, got, sizeof got);
	assert_string_equal(got, want);
	cw_findings_free(fs);
}

static void test_department_over_target_flagged(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_findings *fs = tu_detect(ds, "drug_share", RULES(""));
	char got[256];
	summary(ds, fs, got, sizeof got);
	assert_string_equal(got, "D1 D2 DR1 DR3");
	cw_record r = dc_get(fs, 0); /* D1: 400 of 700 */
	assert_int_equal(r.f.physician, CW_NONE);
	assert_int_equal(r.f.patient, CW_NONE);
	assert_int_equal(r.f.visit, CW_NONE);
	assert_int_equal(r.f.nlines, 0);
	assert_string_equal(r.f.tag, "department");
	assert_string_equal(r.f.metric, "drug_share");
	assert_true(fabs(r.f.value - 400.0 / 700) < 1e-12);
	assert_true(fabs(r.f.expected - 0.48) < 1e-12 && fabs(r.f.limit - 0.48) < 1e-12);
	assert_int_equal(r.f.suspect, 40000 - 33600); /* the drugs beyond 48% of 700 yuan: 64 yuan */
	assert_int_equal(r.f.cls, CW_CLASS_PRESCRIPTION);
	assert_int_equal(r.f.severity, CW_SUSPICIOUS);
	assert_int_equal(r.f.when, cw_dataset_window(ds)->month_end - 1);
	assert_true(fabs(r.f.score - fmin(1, 0.5 + 0.5 * (400.0 / 700 - 0.48) * 100 / 10)) < 1e-12);
	assert_non_null(strstr(r.reason, "drug share 57.1%"));
	assert_non_null(strstr(r.reason, "target 48.0%"));
	r = dc_get(fs, 2); /* DR1: 300 of 400 against D1's target */
	assert_string_equal(r.f.tag, "physician");
	assert_int_equal(r.f.dept, CW_NONE);
	assert_true(fabs(r.f.value - 0.75) < 1e-12);
	assert_int_equal(r.f.suspect, 30000 - 19200);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_targets(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	/* the level's target: H2 is level 2, H1 level 3 */
	expect(ds, RULES(",\"target_by_level\":{\"level2\":0.5}"), "D1 DR1");
	expect(ds, RULES(",\"target_by_level\":{\"level3\":0.46}"), "D1 D2 D4 DR1 DR3 DR5");
	/* a specialty's target beats the level's; a department's beats both */
	expect(ds, RULES(",\"by_specialty\":{\"cardiology\":0.55}"), "D1 DR1");
	expect(ds, RULES(",\"by_specialty\":{\"cardiology\":0.55},\"by_department\":{\"D1\":0.6}"), "DR1");
	expect(ds, RULES(",\"by_department\":{\"D1\":0.75}"), "D2 DR3");
	expect(ds, RULES(",\"by_department\":{\"D1\":0.7499}"), "D2 DR1 DR3");
	/* strictly above: D1 exactly at its target */
	char rules[256];
	snprintf(rules, sizeof rules, RULES(",\"by_department\":{\"D1\":%.17g}"), 400.0 / 700);
	expect(ds, rules, "D2 DR1 DR3");
	/* the minimums (yuan): D1 billed 700, DR1 400; physicians off */
	expect(ds, "{\"detectors\":{\"drug_share\":{\"min_department_revenue\":701,\"min_physician_revenue\":401}}}",
	       "");
	expect(ds, "{\"detectors\":{\"drug_share\":{\"min_department_revenue\":700,\"min_physician_revenue\":400}}}",
	       "D1 DR1");
	expect(ds, RULES(",\"physicians\":false"), "D1 D2");
	/* the defaults' minimums: 10,000 and 5,000 yuan */
	expect(ds, NULL, "");
	cw_dataset_free(ds);
}

static void test_bad_rules(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	static const char *const bad[][2] = {
		{ RULES(",\"by_specialty\":{\"cardiology\":1.5}"), "detectors.drug_share.by_specialty.cardiology" },
		{ RULES(",\"target_by_level\":{\"level1\":-0.1}"), "detectors.drug_share.target_by_level.level1" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cw_rules *rules;
		cw_dimset *dims;
		cw_findings *fs = NULL;
		assert_int_equal(cw_rules_load_text(&rules, tu_registry(), bad[i][0], "t"), 0);
		assert_int_equal(cw_dimset_load(&dims, rules), 0);
		cw_detect_opts o = { .threads = 1, .only = "drug_share" };
		assert_int_equal(cw_detect(&fs, ds, rules, dims, &o), CW_EINVALID);
		assert_non_null(strstr(cw_error_last(), bad[i][1]));
		cw_dimset_free(dims);
		cw_rules_free(rules);
	}
	/* the old key is refused with where it went */
	cw_rules *rules;
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), "{\"report\":{\"drug_share_target\":{\"level3\":0.3}}}",
	                                    "t"), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "detectors.drug_share.target_by_level"));
	cw_dataset_free(ds);
}

static void test_threads_and_empty(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	(void)dc_same_with_threads(ds, "drug_share"); /* the same findings on 1 and 2 threads */
	cw_dataset_free(ds);
	ds = tu_finish(tu_builder("2026-05"));
	expect(ds, RULES(""), "");
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_department_over_target_flagged),
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_bad_rules),
		cmocka_unit_test(test_threads_and_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
