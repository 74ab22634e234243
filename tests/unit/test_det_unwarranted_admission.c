/* test_det_unwarranted_admission.c: short (<= 3 days) stays without surgery for an outpatient-manageable
 * dx, discharged in the month (2026-05): light (低标准入院, short_light_stay) at care per day up to the
 * heavy limit, heavy (小病大治, short_heavy_stay) above it; the limit is the larger of max_care_per_day
 * (300.00) and 3 x the month's median outpatient care per visit of the dx category (of every listed dx
 * under 20 visits; none under 20 of those either); light_only restores the light-only reading. */
#include "detcheck.h"
#include "claimwatch/detector.h"
#include "claimwatch/error.h"

#define LIGHT "short_light_stay"
#define HEAVY "short_heavy_stay"
#define ONLY_LIGHT "{\"detectors\": {\"unwarranted_admission\": {\"light_only\": true}}}"

static cw_builder *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row r = tu_item_row("BED", CW_CAT_BED, 5000);
	tu_add_item(b, &r);
	r = tu_item_row("DRUG", CW_CAT_DRUG, 100000);
	tu_add_item(b, &r);
	r = tu_item_row("LAB", CW_CAT_LAB, 100000);
	tu_add_item(b, &r);
	r = tu_item_row("EXAM", CW_CAT_EXAM, 100000);
	tu_add_item(b, &r);
	r = tu_item_row("SURG", CW_CAT_SURGERY, 100000);
	tu_add_item(b, &r);
	r = tu_item_row("CONS", CW_CAT_CONSULT, 100000);
	tu_add_item(b, &r);
	return b;
}

/* A stay S of PM from admit to discharge with dx, a bed line and a drug line of care fen. */
static void add_stay(cw_builder *b, const char *admit, const char *discharge, const char *dx, cw_fen care)
{
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, admit, discharge, dx);
	tu_add_line(b, "B1", "S", "BED", admit, CW_QTY_ONE, 5000);
	tu_add_line(b, "D1", "S", "DRUG", admit, CW_QTY_ONE, care);
}

static cw_dataset *stay(const char *admit, const char *discharge, const char *dx, cw_fen care)
{
	cw_builder *b = world();
	add_stay(b, admit, discharge, dx, care);
	return tu_finish(b);
}

/* n outpatient visits in May with dx, visit k with care[k % ncare] fen of labs (and a consult). */
static void add_outpatient(cw_builder *b, const char *prefix, int n, const char *dx, const cw_fen *care, int ncare)
{
	char id[32], lid[32];
	for (int k = 0; k < n; k++) {
		snprintf(id, sizeof id, "%s%03d", prefix, k);
		tu_add_visit(b, id, "PF", "DR2", CW_OUTPATIENT, "2026-05-05 09:00", NULL, dx);
		snprintf(lid, sizeof lid, "%s%03dC", prefix, k);
		tu_add_line(b, lid, id, "CONS", "2026-05-05 09:00", CW_QTY_ONE, 1500);
		snprintf(lid, sizeof lid, "%s%03dL", prefix, k);
		tu_add_line(b, lid, id, "LAB", "2026-05-05 09:10", CW_QTY_ONE, care[k % ncare]);
	}
}

/* The findings' tags of the stay S on ds: "" none, else the tag. */
static const char *tag_with(const cw_dataset *ds, const char *rules, char *buf, size_t size)
{
	cw_findings *fs = tu_detect(ds, "unwarranted_admission", rules);
	buf[0] = 0;
	if (cw_findings_count(fs) == 1) {
		cw_record r = dc_get(fs, 0);
		snprintf(buf, size, "%s", r.f.tag);
	} else {
		assert_int_equal(cw_findings_count(fs), 0);
	}
	cw_findings_free(fs);
	return buf;
}

/* The tag the stay gets alone ("" when not flagged). */
static const char *tag_of(const char *admit, const char *discharge, const char *dx, cw_fen care, const char *rules)
{
	static char buf[32];
	cw_dataset *ds = stay(admit, discharge, dx, care);
	tag_with(ds, rules, buf, sizeof buf);
	cw_dataset_free(ds);
	return buf;
}

static void test_light_stay(void **state)
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
	assert_int_equal(r.f.severity, CW_SUSPICIOUS);
	assert_string_equal(r.f.tag, LIGHT);
	assert_non_null(strstr(r.reason, "低标准入院"));
	assert_non_null(strstr(r.reason, "3-day stay"));
	assert_non_null(strstr(r.reason, "care 299.99 per day, not above 300.00"));
	assert_non_null(strstr(r.reason, "no outpatient reference"));
	assert_true(r.f.score > 0.5 && r.f.score < 0.51);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* both readings count in the diagnosis dimension */
	assert_string_equal(cw_registry_find(tu_registry(), "unwarranted_admission")->dimension, "diagnosis");
}

/* The issue's example: 3 days for a cold, 1,020.00 of labs, exams and drugs. */
static cw_builder *heavy_cold(void)
{
	cw_builder *b = world();
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-05-10 08:00", "2026-05-13 10:00", "J06.9");
	tu_add_line(b, "B1", "S", "BED", "2026-05-10 08:00", 3 * CW_QTY_ONE, 5000);
	tu_add_line(b, "L1", "S", "LAB", "2026-05-10 09:00", CW_QTY_ONE, 32000);
	tu_add_line(b, "E1", "S", "EXAM", "2026-05-10 10:00", CW_QTY_ONE, 40000);
	tu_add_line(b, "D1", "S", "DRUG", "2026-05-11 09:00", CW_QTY_ONE, 15000);
	tu_add_line(b, "D2", "S", "DRUG", "2026-05-12 09:00", CW_QTY_ONE, 15000);
	return b;
}

static void test_heavy_stay(void **state)
{
	(void)state;
	cw_dataset *ds = tu_finish(heavy_cold());
	cw_findings *fs = tu_detect(ds, "unwarranted_admission", NULL);
	char lines[128];
	assert_int_equal(cw_findings_count(fs), 1);
	cw_record r = dc_get(fs, 0);
	assert_string_equal(dc_visit(ds, fs, 0), "S");
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "B1 L1 E1 D1 D2");
	assert_int_equal(r.f.suspect, 15000 + 102000);
	assert_int_equal(r.f.cls, CW_CLASS_ADMISSION);
	assert_string_equal(r.f.tag, HEAVY);
	assert_non_null(strstr(r.reason, "小病大治"));
	assert_non_null(strstr(r.reason, "care 340.00 per day, above 300.00"));
	/* 0.5 at the limit, towards 1 far above it: 1 - 0.5 * 300 / 340 */
	assert_true(r.f.score > 0.558 && r.f.score < 0.56);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* the same against a month where a cold costs 80.00 of care in outpatient care: 3 x 80 < 300 */
	cw_builder *b = heavy_cold();
	const cw_fen eighty[] = { 8000 };
	add_outpatient(b, "O", 20, "J06.9", eighty, 1);
	ds = tu_finish(b);
	fs = tu_detect(ds, "unwarranted_admission", NULL);
	assert_int_equal(cw_findings_count(fs), 1);
	r = dc_get(fs, 0);
	assert_string_equal(r.f.tag, HEAVY);
	assert_non_null(strstr(r.reason, "3 x 80.00, the median outpatient care per visit of J06 this month (20 visits)"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_care_boundary(void **state)
{
	(void)state;
	const char *a = "2026-05-10 08:00", *d = "2026-05-13 10:00";
	/* 3 days, no outpatient reference: the limit is 300.00 a day, 900.00 in all */
	assert_string_equal(tag_of(a, d, "J06.9", 0, NULL), LIGHT);
	assert_string_equal(tag_of(a, d, "J06.9", 89999, NULL), LIGHT);
	assert_string_equal(tag_of(a, d, "J06.9", 90000, NULL), LIGHT);
	assert_string_equal(tag_of(a, d, "J06.9", 90001, NULL), HEAVY);
	assert_string_equal(tag_of(a, d, "J06.9", 9000000, NULL), HEAVY);
	/* a same-day stay counts one day */
	assert_string_equal(tag_of("2026-05-10 08:00", "2026-05-10 18:00", "J06.9", 30000, NULL), LIGHT);
	assert_string_equal(tag_of("2026-05-10 08:00", "2026-05-10 18:00", "J06.9", 30001, NULL), HEAVY);
	/* a higher floor from the rules */
	assert_string_equal(tag_of(a, d, "J06.9", 90001,
	                           "{\"detectors\": {\"unwarranted_admission\": {\"max_care_per_day\": 300.01}}}"),
	                    LIGHT);
	/* a consult is not care, a bed either */
	cw_builder *b = world();
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-05-10 08:00", "2026-05-11 10:00", "K29.7");
	tu_add_line(b, "C1", "S", "CONS", "2026-05-10 09:00", 5 * CW_QTY_ONE, 100000);
	tu_add_line(b, "B1", "S", "BED", "2026-05-10 09:00", 5 * CW_QTY_ONE, 100000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "unwarranted_admission", NULL);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(dc_get(fs, 0).f.suspect, 1000000);
	assert_string_equal(dc_get(fs, 0).f.tag, LIGHT);
	assert_true(dc_get(fs, 0).f.score == 1.0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* The tag of a 3-day J06.9 stay with care fen, in a month with n outpatient visits of dx costing
 * care[k % ncare] each, under rules. */
static const char *tag_in_month(cw_fen stay_care, int n, const char *dx, const cw_fen *care, int ncare,
                                const char *rules)
{
	static char buf[32];
	cw_builder *b = world();
	add_stay(b, "2026-05-10 08:00", "2026-05-13 10:00", "J06.9", stay_care);
	add_outpatient(b, "O", n, dx, care, ncare);
	cw_dataset *ds = tu_finish(b);
	tag_with(ds, rules, buf, sizeof buf);
	cw_dataset_free(ds);
	return buf;
}

static void test_outpatient_reference(void **state)
{
	(void)state;
	/* 20 visits: the median of 100.00 x 10 and 200.00 x 10 is 150.00, the limit 450.00 a day */
	const cw_fen two[] = { 10000, 20000 };
	assert_string_equal(tag_in_month(135000, 20, "J06.9", two, 2, NULL), LIGHT);
	assert_string_equal(tag_in_month(135001, 20, "J06.9", two, 2, NULL), HEAVY);
	/* an odd count: 11 x 100.00 and 10 x 200.00, median 100.00, 3 x 100 = 300.00 */
	assert_string_equal(tag_in_month(90001, 21, "J06.9", two, 2, NULL), HEAVY);
	/* the same category written otherwise counts; another category does not */
	assert_string_equal(tag_in_month(135000, 20, "j06.0", two, 2, NULL), LIGHT);
	assert_string_equal(tag_in_month(90001, 20, "J18.9", two, 2, NULL), HEAVY);
	/* the factor from the rules: 2 x 150.00 */
	assert_string_equal(tag_in_month(90001, 20, "J06.9", two, 2,
	                                 "{\"detectors\": {\"unwarranted_admission\": {\"heavy_factor\": 2.0}}}"),
	                    HEAVY);
	assert_string_equal(tag_in_month(120000, 20, "J06.9", two, 2,
	                                 "{\"detectors\": {\"unwarranted_admission\": {\"heavy_factor\": 4.0}}}"),
	                    LIGHT);
	/* 19 visits of J06 and no other listed dx: no reference, the floor 300.00 decides */
	assert_string_equal(tag_in_month(90001, 19, "J06.9", two, 2, NULL), HEAVY);
	const cw_fen two_r[] = { 20000, 10000 }; /* 10 x 200.00 and 9 x 100.00: median 200.00 */
	assert_string_equal(tag_in_month(90001, 19, "J06.9", two_r, 2, NULL), HEAVY);
	assert_string_equal(tag_in_month(90001, 19, "J06.9", two_r, 2,
	                                 "{\"detectors\": {\"unwarranted_admission\": {\"min_outpatient_visits\": 19}}}"),
	                    LIGHT);
	/* 19 of J06 and 1 of K29: the listed diagnoses together (median 150.00) */
	cw_builder *b = world();
	add_stay(b, "2026-05-10 08:00", "2026-05-13 10:00", "J06.9", 135000);
	add_outpatient(b, "O", 19, "J06.9", two, 2);
	add_outpatient(b, "K", 1, "K29.7", two + 1, 1);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "unwarranted_admission", NULL);
	assert_int_equal(cw_findings_count(fs), 1);
	cw_record r = dc_get(fs, 0);
	assert_string_equal(r.f.tag, LIGHT);
	assert_non_null(strstr(r.reason, "of the listed diagnoses this month (20 visits; J06 has 19, fewer than 20)"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* a dx not on the list does not pool */
	assert_string_equal(tag_in_month(90001, 25, "J18.9", two, 2, NULL), HEAVY);
}

/* Visits that are not the month's outpatient care do not make the reference. */
static void test_reference_visits(void **state)
{
	(void)state;
	const cw_fen two[] = { 10000, 20000 };
	cw_builder *b = world();
	add_stay(b, "2026-05-10 08:00", "2026-05-13 10:00", "J06.9", 90001);
	add_outpatient(b, "O", 19, "J06.9", two, 2);
	/* in April, an emergency visit, a visit whose only line is refunded */
	tu_add_visit(b, "A", "PF", "DR2", CW_OUTPATIENT, "2026-04-28 09:00", NULL, "J06.9");
	tu_add_line(b, "AL", "A", "LAB", "2026-04-28 09:10", CW_QTY_ONE, 20000);
	tu_add_visit(b, "E", "PF", "DR2", CW_EMERGENCY, "2026-05-06 09:00", NULL, "J06.9");
	tu_add_line(b, "EL", "E", "LAB", "2026-05-06 09:10", CW_QTY_ONE, 20000);
	tu_add_visit(b, "R", "PF", "DR2", CW_OUTPATIENT, "2026-05-07 09:00", NULL, "J06.9");
	tu_add_line(b, "RL", "R", "LAB", "2026-05-07 09:10", CW_QTY_ONE, 20000);
	tu_add_line(b, "RR", "R", "LAB", "2026-05-07 09:20", -CW_QTY_ONE, 20000);
	cw_dataset *ds = tu_finish(b);
	char buf[32];
	assert_string_equal(tag_with(ds, NULL, buf, sizeof buf), HEAVY);
	cw_dataset_free(ds);
	/* a 20th visit in May with a consult only: care 0.00 counts (median 100.00) */
	b = world();
	add_stay(b, "2026-05-10 08:00", "2026-05-13 10:00", "J06.9", 90001);
	add_outpatient(b, "O", 19, "J06.9", two, 2);
	tu_add_visit(b, "C", "PF", "DR2", CW_OUTPATIENT, "2026-05-31 23:59", NULL, "J06.9");
	tu_add_line(b, "CC", "C", "CONS", "2026-05-31 23:59", CW_QTY_ONE, 1500);
	ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "unwarranted_admission", NULL);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_string_equal(dc_get(fs, 0).f.tag, HEAVY);
	assert_non_null(strstr(dc_get(fs, 0).reason, "3 x 100.00"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_light_only(void **state)
{
	(void)state;
	const char *a = "2026-05-10 08:00", *d = "2026-05-13 10:00";
	/* the pre-D1 reading: care strictly below 300.00 a day, all light */
	assert_string_equal(tag_of(a, d, "J06.9", 89999, ONLY_LIGHT), LIGHT);
	assert_string_equal(tag_of(a, d, "J06.9", 90000, ONLY_LIGHT), "");
	assert_string_equal(tag_of(a, d, "J06.9", 90001, ONLY_LIGHT), "");
	assert_string_equal(tag_of("2026-05-10 08:00", "2026-05-10 18:00", "J06.9", 29999, ONLY_LIGHT), LIGHT);
	assert_string_equal(tag_of("2026-05-10 08:00", "2026-05-10 18:00", "J06.9", 30000, ONLY_LIGHT), "");
	cw_dataset *ds = tu_finish(heavy_cold());
	cw_findings *fs = tu_detect(ds, "unwarranted_admission", ONLY_LIGHT);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	ds = stay(a, d, "J06.9", 60000);
	fs = tu_detect(ds, "unwarranted_admission", ONLY_LIGHT);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_non_null(strstr(dc_get(fs, 0).reason, "care 200.00 per day, below 300.00"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_length_boundary(void **state)
{
	(void)state;
	/* length = discharge date - admit date, whatever the hours; light or heavy alike */
	assert_string_equal(tag_of("2026-05-10 23:00", "2026-05-13 01:00", "J06.9", 100, NULL), LIGHT);
	assert_string_equal(tag_of("2026-05-10 00:00", "2026-05-13 23:59", "J06.9", 100, NULL), LIGHT);
	assert_string_equal(tag_of("2026-05-10 08:00", "2026-05-12 08:00", "J06.9", 100, NULL), LIGHT);
	assert_string_equal(tag_of("2026-05-10 08:00", "2026-05-12 08:00", "J06.9", 1000000, NULL), HEAVY);
	/* a long stay: 4 days */
	assert_string_equal(tag_of("2026-05-10 23:00", "2026-05-14 01:00", "J06.9", 100, NULL), "");
	assert_string_equal(tag_of("2026-05-10 23:00", "2026-05-14 01:00", "J06.9", 1000000, NULL), "");
	assert_string_equal(tag_of("2026-05-10 23:00", "2026-05-14 01:00", "J06.9", 100,
	                           "{\"detectors\": {\"unwarranted_admission\": {\"max_days\": 4}}}"),
	                    LIGHT);
}

static void test_dx_list(void **state)
{
	(void)state;
	const char *a = "2026-05-10 08:00", *d = "2026-05-12 08:00";
	assert_string_equal(tag_of(a, d, "j06", 100, NULL), LIGHT);
	assert_string_equal(tag_of(a, d, "E11.9", 100, NULL), LIGHT);
	assert_string_equal(tag_of(a, d, "I10", 100, NULL), LIGHT);
	assert_string_equal(tag_of(a, d, "M54.5", 1000000, NULL), HEAVY);
	/* not on the list: pneumonia, hypertensive heart disease, light or heavy */
	assert_string_equal(tag_of(a, d, "J18.9", 100, NULL), "");
	assert_string_equal(tag_of(a, d, "J18.9", 1000000, NULL), "");
	assert_string_equal(tag_of(a, d, "I11.9", 100, NULL), "");
}

static void test_lookalikes(void **state)
{
	(void)state;
	cw_builder *b = world();
	/* a surgery, with light or heavy care */
	tu_add_visit(b, "S1", "PM", "DR1", CW_INPATIENT, "2026-05-10 08:00", "2026-05-11 10:00", "K29.7");
	tu_add_line(b, "X1", "S1", "SURG", "2026-05-10 09:00", CW_QTY_ONE, 100);
	tu_add_visit(b, "S7", "PM", "DR1", CW_INPATIENT, "2026-05-20 08:00", "2026-05-22 10:00", "K29.7");
	tu_add_line(b, "X7", "S7", "SURG", "2026-05-20 09:00", CW_QTY_ONE, 80000);
	tu_add_line(b, "L7", "S7", "LAB", "2026-05-20 09:00", CW_QTY_ONE, 90000);
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
	assert_string_equal(dc_get(fs, 1).f.tag, LIGHT);
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
	ds = tu_finish(world());
	fs = tu_detect(ds, "unwarranted_admission", ONLY_LIGHT);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_bad_keys(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"{\"detectors\": {\"unwarranted_admission\": {\"heavy_factor\": 0.5}}}",
		"{\"detectors\": {\"unwarranted_admission\": {\"min_outpatient_visits\": 0}}}",
		"{\"detectors\": {\"unwarranted_admission\": {\"light_only\": 1}}}",
	};
	static const char *const key[] = { "unwarranted_admission.heavy_factor",
		                           "unwarranted_admission.min_outpatient_visits",
		                           "unwarranted_admission.light_only" };
	cw_dataset *ds = tu_finish(world());
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cw_rules *rules;
		cw_dimset *dims;
		cw_findings *fs = NULL;
		/* refused by the rules loader (a key of the wrong type) or by configure() (out of range) */
		if (cw_rules_load_text(&rules, tu_registry(), bad[i], "t") == 0) {
			assert_int_equal(cw_dimset_load(&dims, rules), 0);
			cw_detect_opts o = { .threads = 1, .only = "unwarranted_admission" };
			assert_true(cw_detect(&fs, ds, rules, dims, &o) < 0);
			cw_dimset_free(dims);
			cw_rules_free(rules);
		}
		assert_non_null(strstr(cw_error_last(), key[i]));
	}
	cw_dataset_free(ds);
}

/* Many short stays (more than 200000 lines) and a month of outpatient visits; one patient with
 * thousands of lines per stay. */
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
				tu_add_line(b, lid, id, s % 2 ? "DRUG" : "BED", cw_format_time(t, admit + k % 1000),
				            CW_QTY_ONE, 10 * (s + 1));
			}
		}
	}
	const cw_fen care[] = { 1000, 5000, 9000 };
	add_outpatient(b, "O", 300, "J06.9", care, 3);
	cw_dataset *ds = tu_finish(b);
	assert_true(cw_dataset_claims(ds)->n > 200000);
	/* discharged in May: s = 10..24, of which s % 3 != 0: 10 stays per patient */
	assert_int_equal(dc_same_with_threads(ds, "unwarranted_admission"), 4 * 10);
	cw_findings *fs = tu_detect(ds, "unwarranted_admission", NULL);
	/* the median is 50.00, the limit 300.00: the drug stays of patient PM are heavy (s odd: 5 in May) */
	assert_int_equal(dc_count_tag(fs, HEAVY), 5);
	assert_int_equal(dc_count_tag(fs, LIGHT), 35);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_light_stay),
		cmocka_unit_test(test_heavy_stay),
		cmocka_unit_test(test_care_boundary),
		cmocka_unit_test(test_outpatient_reference),
		cmocka_unit_test(test_reference_visits),
		cmocka_unit_test(test_light_only),
		cmocka_unit_test(test_length_boundary),
		cmocka_unit_test(test_dx_list),
		cmocka_unit_test(test_lookalikes),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_large_and_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
