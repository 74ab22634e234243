/* test_det_split_admission.c: readmission to the same institution for the same ICD-10 category
 * within window_days (15) of a discharge. Month 2026-05, look-back from 2026-03-17. */
#include "detcheck.h"
#include "claimwatch/error.h"

static cw_builder *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row bed = tu_item_row("BED", CW_CAT_BED, 5000);
	tu_add_item(b, &bed);
	cw_item_row drug = tu_item_row("DRUG", CW_CAT_DRUG, 1000);
	tu_add_item(b, &drug);
	return b;
}

/* Stay A of PM at H1 (DR1), discharged 2026-05-05 10:00, and readmission B at
 * `admit` with `dx` by `physician`. */
static cw_dataset *pair(const char *admit, const char *physician, const char *adx, const char *bdx)
{
	cw_builder *b = world();
	tu_add_visit(b, "A", "PM", "DR1", CW_INPATIENT, "2026-05-01 08:00", "2026-05-05 10:00", adx);
	tu_add_visit(b, "B", "PM", physician, CW_INPATIENT, admit, NULL, bdx);
	tu_add_line(b, "LA", "A", "BED", "2026-05-01 20:00", CW_QTY_ONE, 5000);
	tu_add_line(b, "LB1", "B", "BED", admit, CW_QTY_ONE, 5000);
	tu_add_line(b, "LB2", "B", "DRUG", admit, 3 * CW_QTY_ONE, 1000);
	return tu_finish(b);
}

static size_t count(const char *admit, const char *physician, const char *adx, const char *bdx)
{
	cw_dataset *ds = pair(admit, physician, adx, bdx);
	cw_findings *fs = tu_detect(ds, "split_admission", NULL);
	size_t n = cw_findings_count(fs);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	return n;
}

static void test_readmission_at_the_window_end(void **state)
{
	(void)state;
	cw_dataset *ds = pair("2026-05-20 10:00", "DR2", "J18.9", "J18.0");
	cw_findings *fs = tu_detect(ds, "split_admission", NULL);
	assert_int_equal(cw_findings_count(fs), 1);
	cw_record r = dc_get(fs, 0);
	char lines[256];
	assert_string_equal(dc_visit(ds, fs, 0), "B");
	assert_string_equal(dc_physician(ds, fs, 0), "DR2");
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "LB1 LB2");
	assert_int_equal(r.f.suspect, 8000);
	assert_int_equal(r.f.when, tu_time("2026-05-20 10:00"));
	assert_int_equal(r.f.cls, CW_CLASS_ADMISSION);
	assert_int_equal(r.f.severity, CW_SUSPICIOUS);
	assert_non_null(strstr(r.reason, "J18"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_window_boundary(void **state)
{
	(void)state;
	assert_int_equal(count("2026-05-20 09:59", "DR1", "J18.9", "J18.0"), 1);
	assert_int_equal(count("2026-05-20 10:01", "DR1", "J18.9", "J18.0"), 0);
	assert_int_equal(count("2026-05-19 10:00", "DR1", "J18.9", "J18.0"), 1);
	assert_int_equal(count("2026-05-21 10:00", "DR1", "J18.9", "J18.0"), 0);
	/* readmitted the minute of the discharge */
	assert_int_equal(count("2026-05-05 10:00", "DR1", "J18.9", "J18.0"), 1);
	/* a wider window from the rules */
	cw_dataset *ds = pair("2026-05-21 10:00", "DR1", "J18.9", "J18.0");
	cw_findings *fs = tu_detect(ds, "split_admission", "{\"detectors\": {\"split_admission\": {\"window_days\": 16}}}");
	assert_int_equal(cw_findings_count(fs), 1);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_category_normalised(void **state)
{
	(void)state;
	assert_int_equal(count("2026-05-10 08:00", "DR1", "J18.9", "j189"), 1);
	assert_int_equal(count("2026-05-10 08:00", "DR1", "J18", "J18.1"), 1);
	assert_int_equal(count("2026-05-10 08:00", "DR1", "i10.x", "I10"), 1);
}

static void test_lookalikes(void **state)
{
	(void)state;
	/* another category */
	assert_int_equal(count("2026-05-10 08:00", "DR1", "J18.9", "J44.1"), 0);
	/* another institution (DR3 works at H2) */
	assert_int_equal(count("2026-05-10 08:00", "DR3", "J18.9", "J18.9"), 0);
	/* planned care: chemotherapy cycles, dialysis, rehabilitation */
	assert_int_equal(count("2026-05-10 08:00", "DR1", "Z51.1", "Z51.1"), 0);
	assert_int_equal(count("2026-05-10 08:00", "DR1", "Z49.1", "z49.1"), 0);
	assert_int_equal(count("2026-05-10 08:00", "DR1", "Z50.1", "Z50"), 0);
	/* a configurable list */
	cw_dataset *ds = pair("2026-05-10 08:00", "DR1", "Z51.1", "Z51.1");
	cw_findings *fs = tu_detect(ds, "split_admission",
	                            "{\"detectors\": {\"split_admission\": {\"planned_care_prefixes\": [\"Z49\"]}}}");
	assert_int_equal(cw_findings_count(fs), 1);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* an outpatient visit in between is no admission */
	cw_builder *b = world();
	tu_add_visit(b, "A", "PM", "DR1", CW_INPATIENT, "2026-05-01 08:00", "2026-05-05 10:00", "J18.9");
	tu_add_visit(b, "O", "PM", "DR1", CW_OUTPATIENT, "2026-05-08 08:00", NULL, "J18.9");
	tu_add_visit(b, "E", "PM", "DR1", CW_EMERGENCY, "2026-05-09 08:00", "2026-05-09 12:00", "J18.9");
	ds = tu_finish(b);
	fs = tu_detect(ds, "split_admission", NULL);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_first_stay_in_lookback_and_month_filter(void **state)
{
	(void)state;
	cw_builder *b = world();
	/* A discharged in the look-back, B in the month: reported */
	tu_add_visit(b, "A", "PF", "DR1", CW_INPATIENT, "2026-04-20 08:00", "2026-04-25 10:00", "K29.7");
	tu_add_visit(b, "B", "PF", "DR1", CW_INPATIENT, "2026-05-02 08:00", "2026-05-06 10:00", "K29.1");
	/* both in the look-back: reported in April, not now */
	tu_add_visit(b, "C", "PM", "DR1", CW_INPATIENT, "2026-04-01 08:00", "2026-04-05 10:00", "K29.7");
	tu_add_visit(b, "D", "PM", "DR1", CW_INPATIENT, "2026-04-10 08:00", "2026-04-12 10:00", "K29.7");
	/* a third stay chained to B: also a readmission */
	tu_add_visit(b, "E", "PF", "DR2", CW_INPATIENT, "2026-05-15 08:00", "2026-05-18 10:00", "K29");
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "split_admission", NULL);
	assert_int_equal(cw_findings_count(fs), 2);
	assert_string_equal(dc_visit(ds, fs, 0), "B");
	assert_string_equal(dc_visit(ds, fs, 1), "E");
	assert_int_equal(dc_get(fs, 0).f.nlines, 0); /* no lines: the finding stands on the visits */
	assert_non_null(strstr(dc_get(fs, 1).reason, "stay B"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_open_or_overlapping_first_stay(void **state)
{
	(void)state;
	cw_builder *b = world();
	/* A still open: B is no readmission */
	tu_add_visit(b, "A", "PM", "DR1", CW_INPATIENT, "2026-05-01 08:00", NULL, "J18.9");
	tu_add_visit(b, "B", "PM", "DR1", CW_INPATIENT, "2026-05-03 08:00", "2026-05-06 08:00", "J18.9");
	/* C discharged after D's admission: overlapping, not a readmission */
	tu_add_visit(b, "C", "PF", "DR1", CW_INPATIENT, "2026-05-01 08:00", "2026-05-10 08:00", "J18.9");
	tu_add_visit(b, "D", "PF", "DR1", CW_INPATIENT, "2026-05-09 08:00", "2026-05-12 08:00", "J18.9");
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "split_admission", NULL);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_long_first_stay(void **state)
{
	(void)state;
	/* a 40-day stay then an outpatient visit: the walk back must reach the stay */
	cw_builder *b = world();
	tu_add_visit(b, "A", "PM", "DR1", CW_INPATIENT, "2026-03-20 08:00", "2026-04-30 10:00", "N18.5");
	tu_add_visit(b, "O", "PM", "DR1", CW_OUTPATIENT, "2026-05-01 08:00", NULL, "N18.5");
	tu_add_visit(b, "B", "PM", "DR1", CW_INPATIENT, "2026-05-10 08:00", "2026-05-12 08:00", "N18.4");
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "split_admission", NULL);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_string_equal(dc_visit(ds, fs, 0), "B");
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_refunds_ignored(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_visit(b, "A", "PM", "DR1", CW_INPATIENT, "2026-05-01 08:00", "2026-05-05 10:00", "J18.9");
	tu_add_visit(b, "B", "PM", "DR1", CW_INPATIENT, "2026-05-08 08:00", "2026-05-10 10:00", "J18.9");
	tu_add_line(b, "LB1", "B", "BED", "2026-05-08 20:00", CW_QTY_ONE, 5000);
	tu_add_line(b, "LB2", "B", "DRUG", "2026-05-09 09:00", CW_QTY_ONE, 1000);
	tu_add_line(b, "RB2", "B", "DRUG", "2026-05-09 10:00", -CW_QTY_ONE, 1000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "split_admission", NULL);
	char lines[256];
	assert_int_equal(cw_findings_count(fs), 1);
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "LB1");
	assert_int_equal(dc_get(fs, 0).f.suspect, 5000);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_empty(void **state)
{
	(void)state;
	cw_dataset *ds = tu_finish(world());
	cw_findings *fs = tu_detect(ds, "split_admission", NULL);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_bad_rules(void **state)
{
	(void)state;
	cw_dataset *ds = tu_finish(world());
	cw_rules *rules;
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), "{\"detectors\": {\"split_admission\": {\"planned_care_prefixes\": [\".\"]}}}",
	                                     "test"), 0);
	cw_dimset *dims;
	assert_int_equal(cw_dimset_load(&dims, rules), 0);
	cw_findings *fs = NULL;
	cw_detect_opts o = { .threads = 1, .only = "split_admission" };
	assert_int_equal(cw_detect(&fs, ds, rules, dims, &o), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "detectors.split_admission.planned_care_prefixes[0]"));
	cw_dimset_free(dims);
	cw_rules_free(rules);
	cw_dataset_free(ds);
}

/* Many readmissions across two slices of patients (more than 200000 lines),
 * and a patient with thousands of lines and visits. */
static void test_large_and_threads(void **state)
{
	(void)state;
	cw_builder *b = world();
	const char *pats[] = { "PC", "PF", "PM", "PU" };
	char id[32], lid[32], admit[32], dis[32];
	int nline = 0;
	for (int p = 0; p < 4; p++) {
		for (int s = 0; s < 300; s++) {
			/* stays of 1 day every 2 days from 2026-03-18: all readmissions */
			cw_minute t = tu_time("2026-03-18 08:00") + s * 2 * CW_MINUTES_PER_DAY;
			snprintf(id, sizeof id, "%s-%03d", pats[p], s);
			cw_format_time(admit, t);
			cw_format_time(dis, t + CW_MINUTES_PER_DAY);
			if (t >= tu_time("2026-06-01 00:00"))
				break;
			tu_add_visit(b, id, pats[p], "DR1", CW_INPATIENT, admit, dis, s % 2 ? "J18.9" : "J18.1");
			int lines = p == 2 ? 6000 : 20;
			for (int k = 0; k < lines; k++) {
				snprintf(lid, sizeof lid, "L%07d", nline++);
				cw_format_time(admit, t + k % 600);
				tu_add_line(b, lid, id, "DRUG", admit, CW_QTY_ONE, 1000);
			}
		}
	}
	cw_dataset *ds = tu_finish(b);
	assert_true(cw_dataset_claims(ds)->n > 200000);
	/* 16 stays admitted in May per patient, each a readmission */
	assert_int_equal(dc_same_with_threads(ds, "split_admission"), 4 * 16);
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readmission_at_the_window_end),
		cmocka_unit_test(test_window_boundary),
		cmocka_unit_test(test_category_normalised),
		cmocka_unit_test(test_lookalikes),
		cmocka_unit_test(test_first_stay_in_lookback_and_month_filter),
		cmocka_unit_test(test_open_or_overlapping_first_stay),
		cmocka_unit_test(test_long_first_stay),
		cmocka_unit_test(test_refunds_ignored),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_bad_rules),
		cmocka_unit_test(test_large_and_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
