/* test_det_unwarranted_admission.c: short (<= 3 days), light (care < 300.00 per day) stays
 * without surgery for an outpatient-manageable dx, discharged in the month (2026-05). */
#include "detcheck.h"

static cw_builder *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row r = tu_item_row("BED", CW_CAT_BED, 5000);
	tu_add_item(b, &r);
	r = tu_item_row("DRUG", CW_CAT_DRUG, 100000);
	tu_add_item(b, &r);
	r = tu_item_row("SURG", CW_CAT_SURGERY, 100000);
	tu_add_item(b, &r);
	r = tu_item_row("CONS", CW_CAT_CONSULT, 100000);
	tu_add_item(b, &r);
	return b;
}

/* A stay of PM from admit to discharge with dx, a bed line and a drug line of care fen. */
static cw_dataset *stay(const char *admit, const char *discharge, const char *dx, cw_fen care)
{
	cw_builder *b = world();
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, admit, discharge, dx);
	tu_add_line(b, "B1", "S", "BED", admit, CW_QTY_ONE, 5000);
	tu_add_line(b, "D1", "S", "DRUG", admit, CW_QTY_ONE, care);
	return tu_finish(b);
}

static size_t count(const char *admit, const char *discharge, const char *dx, cw_fen care)
{
	cw_dataset *ds = stay(admit, discharge, dx, care);
	cw_findings *fs = tu_detect(ds, "unwarranted_admission", NULL);
	size_t n = cw_findings_count(fs);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	return n;
}

static void test_flagged_stay(void **state)
{
	(void)state;
	cw_dataset *ds = stay("2026-05-10 08:00", "2026-05-13 10:00", "J06.9", 89999);
	cw_findings *fs = tu_detect(ds, "unwarranted_admission", NULL);
	char lines[128];
	assert_int_equal(cw_findings_count(fs), 1);
	cw_record r = dc_get(fs, 0);
	assert_string_equal(dc_visit(ds, fs, 0), "S");
	assert_string_equal(dc_physician(ds, fs, 0), "DR1");
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "B1 D1");
	assert_int_equal(r.f.suspect, 5000 + 89999);
	assert_int_equal(r.f.when, tu_time("2026-05-13 10:00"));
	assert_int_equal(r.f.cls, CW_CLASS_ADMISSION);
	assert_non_null(strstr(r.reason, "3-day stay"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_length_boundary(void **state)
{
	(void)state;
	/* length = discharge date - admit date, whatever the hours */
	assert_int_equal(count("2026-05-10 23:00", "2026-05-13 01:00", "J06.9", 100), 1);
	assert_int_equal(count("2026-05-10 00:00", "2026-05-13 23:59", "J06.9", 100), 1);
	assert_int_equal(count("2026-05-10 23:00", "2026-05-14 01:00", "J06.9", 100), 0);
	assert_int_equal(count("2026-05-10 08:00", "2026-05-12 08:00", "J06.9", 100), 1);
	/* a same-day stay counts one day */
	assert_int_equal(count("2026-05-10 08:00", "2026-05-10 18:00", "J06.9", 29999), 1);
	assert_int_equal(count("2026-05-10 08:00", "2026-05-10 18:00", "J06.9", 30000), 0);
}

static void test_care_boundary(void **state)
{
	(void)state;
	/* 3 days: the ceiling is 900.00 of care */
	assert_int_equal(count("2026-05-10 08:00", "2026-05-13 10:00", "J06.9", 90000), 0);
	assert_int_equal(count("2026-05-10 08:00", "2026-05-13 10:00", "J06.9", 90001), 0);
	assert_int_equal(count("2026-05-10 08:00", "2026-05-13 10:00", "J06.9", 89999), 1);
	/* a consult is not care, a bed either */
	cw_builder *b = world();
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-05-10 08:00", "2026-05-11 10:00", "K29.7");
	tu_add_line(b, "C1", "S", "CONS", "2026-05-10 09:00", 5 * CW_QTY_ONE, 100000);
	tu_add_line(b, "B1", "S", "BED", "2026-05-10 09:00", 5 * CW_QTY_ONE, 100000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "unwarranted_admission", NULL);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(dc_get(fs, 0).f.suspect, 1000000);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* a higher ceiling from the rules */
	ds = stay("2026-05-10 08:00", "2026-05-13 10:00", "J06.9", 90000);
	fs = tu_detect(ds, "unwarranted_admission", "{\"detectors\": {\"unwarranted_admission\": {\"max_care_per_day\": 300.01}}}");
	assert_int_equal(cw_findings_count(fs), 1);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_dx_list(void **state)
{
	(void)state;
	assert_int_equal(count("2026-05-10 08:00", "2026-05-12 08:00", "j06", 100), 1);
	assert_int_equal(count("2026-05-10 08:00", "2026-05-12 08:00", "E11.9", 100), 1);
	assert_int_equal(count("2026-05-10 08:00", "2026-05-12 08:00", "I10", 100), 1);
	assert_int_equal(count("2026-05-10 08:00", "2026-05-12 08:00", "M54.5", 100), 1);
	/* not on the list: pneumonia, hypertensive heart disease */
	assert_int_equal(count("2026-05-10 08:00", "2026-05-12 08:00", "J18.9", 100), 0);
	assert_int_equal(count("2026-05-10 08:00", "2026-05-12 08:00", "I11.9", 100), 0);
}

static void test_lookalikes(void **state)
{
	(void)state;
	cw_builder *b = world();
	/* a surgery */
	tu_add_visit(b, "S1", "PM", "DR1", CW_INPATIENT, "2026-05-10 08:00", "2026-05-11 10:00", "K29.7");
	tu_add_line(b, "X1", "S1", "SURG", "2026-05-10 09:00", CW_QTY_ONE, 100);
	/* a refunded surgery does not count */
	tu_add_visit(b, "S2", "PF", "DR1", CW_INPATIENT, "2026-05-10 08:00", "2026-05-11 10:00", "K29.7");
	tu_add_line(b, "X2", "S2", "SURG", "2026-05-10 09:00", CW_QTY_ONE, 100);
	tu_add_line(b, "R2", "S2", "SURG", "2026-05-10 12:00", -CW_QTY_ONE, 100);
	tu_add_line(b, "B2", "S2", "BED", "2026-05-10 12:00", CW_QTY_ONE, 5000);
	/* an outpatient visit, an open stay, a stay discharged in April or in June */
	tu_add_visit(b, "O", "PC", "DR1", CW_OUTPATIENT, "2026-05-10 08:00", NULL, "J06.9");
	tu_add_visit(b, "S3", "PC", "DR1", CW_INPATIENT, "2026-05-20 08:00", NULL, "J06.9");
	tu_add_visit(b, "S4", "PU", "DR1", CW_INPATIENT, "2026-04-28 08:00", "2026-04-30 23:59", "J06.9");
	tu_add_visit(b, "S5", "PU", "DR1", CW_INPATIENT, "2026-05-30 08:00", "2026-06-01 00:00", "J06.9");
	/* discharged at the first minute of the month: in */
	tu_add_visit(b, "S6", "PU", "DR2", CW_INPATIENT, "2026-04-29 08:00", "2026-05-01 00:00", "J06.9");
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "unwarranted_admission", NULL);
	char lines[128];
	assert_int_equal(cw_findings_count(fs), 2);
	assert_string_equal(dc_visit(ds, fs, 0), "S2");
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "B2");
	assert_int_equal(dc_get(fs, 0).f.suspect, 5000);
	assert_string_equal(dc_visit(ds, fs, 1), "S6");
	assert_int_equal(dc_get(fs, 1).f.nlines, 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_empty(void **state)
{
	(void)state;
	cw_dataset *ds = tu_finish(world());
	cw_findings *fs = tu_detect(ds, "unwarranted_admission", NULL);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* Many short stays on two slices of patients (more than 200000 lines), one
 * patient with thousands of lines per stay. */
static void test_large_and_threads(void **state)
{
	(void)state;
	cw_builder *b = world();
	const char *pats[] = { "PC", "PF", "PM", "PU" };
	char id[32], lid[32], t[32], t2[32];
	int nline = 0;
	for (int p = 0; p < 4; p++) {
		for (int s = 0; s < 25; s++) {
			cw_minute admit = tu_time("2026-04-10 08:00") + s * 2 * CW_MINUTES_PER_DAY;
			snprintf(id, sizeof id, "S-%s-%02d", pats[p], s);
			tu_add_visit(b, id, pats[p], "DR1", CW_INPATIENT, cw_format_time(t, admit),
			             cw_format_time(t2, admit + CW_MINUTES_PER_DAY), s % 3 ? "J06.9" : "J18.9");
			int lines = p == 2 ? 9000 : 10;
			for (int k = 0; k < lines; k++) {
				snprintf(lid, sizeof lid, "L%07d", nline++);
				tu_add_line(b, lid, id, "BED", cw_format_time(t, admit + k % 1000), CW_QTY_ONE, 1);
			}
		}
	}
	cw_dataset *ds = tu_finish(b);
	assert_true(cw_dataset_claims(ds)->n > 200000);
	/* discharged in May: s = 10..24, of which s % 3 != 0: 10 stays per patient */
	assert_int_equal(dc_same_with_threads(ds, "unwarranted_admission"), 4 * 10);
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flagged_stay),
		cmocka_unit_test(test_length_boundary),
		cmocka_unit_test(test_care_boundary),
		cmocka_unit_test(test_dx_list),
		cmocka_unit_test(test_lookalikes),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_large_and_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
