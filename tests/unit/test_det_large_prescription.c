/* test_det_large_prescription.c: more than 5 drugs, too many days of supply (7 outpatient,
 * 3 emergency, 30 chronic dx, inpatient not judged), more than 2000.00 per prescription. */
#include "detcheck.h"

/* Drugs D1..D8, a lab; visits of 2026-05-10: OP outpatient (PM, J06.9), EM
 * emergency (PF, R51), IP inpatient (PC, J18.9), CH outpatient with a chronic
 * dx (PU, i10). */
static cw_builder *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	char code[16];
	for (int i = 1; i <= 8; i++) {
		snprintf(code, sizeof code, "D%d", i);
		cw_item_row r = tu_item_row(code, CW_CAT_DRUG, 100000);
		tu_add_item(b, &r);
	}
	cw_item_row lab = tu_item_row("LAB", CW_CAT_LAB, 3000);
	tu_add_item(b, &lab);
	tu_add_visit(b, "OP", "PM", "DR1", CW_OUTPATIENT, "2026-05-10 08:00", NULL, "J06.9");
	tu_add_visit(b, "EM", "PF", "DR1", CW_EMERGENCY, "2026-05-10 08:00", "2026-05-10 12:00", "R51");
	tu_add_visit(b, "IP", "PC", "DR1", CW_INPATIENT, "2026-05-10 08:00", NULL, "J18.9");
	tu_add_visit(b, "CH", "PU", "DR1", CW_OUTPATIENT, "2026-05-10 08:00", NULL, "i10");
	return b;
}

/* Prescription R1 on visit v at 2026-05-10 09:00 by DR2: drugs D1..Dn with
 * amounts 10.00, 20.00, ... and `days` days each. */
static void rx(cw_builder *b, const char *v, int n, int days)
{
	char code[16];
	for (int i = 1; i <= n; i++) {
		snprintf(code, sizeof code, "D%d", i);
		tu_add_rx(b, "R1", i, v, "DR2", "2026-05-10 09:00", code, CW_QTY_ONE, days, i * 1000);
	}
}

static cw_findings *run(const cw_dataset *ds) { return tu_detect(ds, "large_prescription", NULL); }

static size_t count(const char *v, int n, int days)
{
	cw_builder *b = world();
	rx(b, v, n, days);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	size_t k = cw_findings_count(fs);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	return k;
}

static void test_drugs_per_rx(void **state)
{
	(void)state;
	assert_int_equal(count("OP", 5, 1), 0);
	cw_builder *b = world();
	rx(b, "OP", 6, 1);
	/* evidence: the visit's drug lines of these drugs that day */
	tu_add_line(b, "L1", "OP", "D1", "2026-05-10 09:30", CW_QTY_ONE, 10000);
	tu_add_line(b, "L6", "OP", "D6", "2026-05-10 23:59", CW_QTY_ONE, 60000);
	tu_add_line(b, "L7", "OP", "D7", "2026-05-10 09:30", CW_QTY_ONE, 70000);      /* not on the rx */
	tu_add_line(b, "L8", "OP", "D2", "2026-05-11 09:30", CW_QTY_ONE, 20000);      /* another day */
	tu_add_line(b, "L9", "OP", "LAB", "2026-05-10 09:30", CW_QTY_ONE, 3000);      /* not a drug */
	tu_add_line(b, "LA", "OP", "D3", "2026-05-10 10:00", CW_QTY_ONE, 30000);      /* refunded */
	tu_add_line(b, "RA", "OP", "D3", "2026-05-10 11:00", -CW_QTY_ONE, 30000);
	tu_add_line(b, "LB", "EM", "D4", "2026-05-10 09:30", CW_QTY_ONE, 40000);      /* another visit */
	tu_add_line(b, "L0", "OP", "D5", "2026-05-09 23:59", CW_QTY_ONE, 50000);      /* the day before */
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	char lines[128];
	assert_int_equal(cw_findings_count(fs), 1);
	cw_record r = dc_get(fs, 0);
	assert_string_equal(r.f.tag, "drugs_per_rx");
	assert_int_equal(r.f.suspect, 1000); /* the smallest, D1, is beyond the 5 largest */
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "L1 L6");
	assert_string_equal(dc_physician(ds, fs, 0), "DR2");
	assert_string_equal(dc_visit(ds, fs, 0), "OP");
	assert_int_equal(r.f.cls, CW_CLASS_PRESCRIPTION);
	assert_int_equal(r.f.when, tu_time("2026-05-10 23:59"));
	assert_non_null(strstr(r.reason, "R1"));
	assert_non_null(strstr(r.reason, "D1 (10.00)"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* 7 lines but 5 distinct drugs */
	b = world();
	rx(b, "OP", 5, 1);
	tu_add_rx(b, "R1", 6, "OP", "DR2", "2026-05-10 09:00", "D1", CW_QTY_ONE, 1, 100);
	tu_add_rx(b, "R1", 7, "OP", "DR2", "2026-05-10 09:00", "D2", CW_QTY_ONE, 1, 100);
	ds = tu_finish(b);
	fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* 8 drugs: the 3 smallest are beyond */
	b = world();
	rx(b, "IP", 8, 1);
	ds = tu_finish(b);
	fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(dc_get(fs, 0).f.suspect, 1000 + 2000 + 3000);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static size_t days_findings(const char *v, int days, cw_fen *suspect)
{
	cw_builder *b = world();
	tu_add_rx(b, "R1", 1, v, "DR2", "2026-05-10 09:00", "D1", CW_QTY_ONE, days, 1000);
	tu_add_rx(b, "R1", 2, v, "DR2", "2026-05-10 09:00", "D2", CW_QTY_ONE, 1, 1000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	size_t n = cw_findings_count(fs);
	if (n) {
		assert_string_equal(dc_get(fs, 0).f.tag, "days_supply");
		*suspect = dc_get(fs, 0).f.suspect;
		assert_int_equal(dc_get(fs, 0).f.item, cw_dataset_find(ds, CW_T_ITEMS, "D1"));
	}
	cw_findings_free(fs);
	cw_dataset_free(ds);
	return n;
}

static void test_days_supply(void **state)
{
	(void)state;
	cw_fen s = 0;
	assert_int_equal(days_findings("OP", 7, &s), 0);
	assert_int_equal(days_findings("OP", 8, &s), 1);
	assert_int_equal(s, 125); /* 10.00 x 1 / 8 */
	assert_int_equal(days_findings("OP", 6, &s), 0);
	assert_int_equal(days_findings("EM", 3, &s), 0);
	assert_int_equal(days_findings("EM", 4, &s), 1);
	assert_int_equal(s, 250);
	assert_int_equal(days_findings("CH", 8, &s), 0);
	assert_int_equal(days_findings("CH", 30, &s), 0);
	assert_int_equal(days_findings("CH", 31, &s), 1);
	assert_int_equal(s, 32); /* 10.00 x 1 / 31, rounded */
	assert_int_equal(days_findings("CH", 29, &s), 0);
	/* inpatient: not judged on days */
	assert_int_equal(days_findings("IP", 60, &s), 0);
	/* two long lines: one finding, both lines' excess */
	cw_builder *b = world();
	tu_add_rx(b, "R1", 1, "OP", "DR2", "2026-05-10 09:00", "D1", CW_QTY_ONE, 14, 1400);
	tu_add_rx(b, "R1", 2, "OP", "DR2", "2026-05-10 09:00", "D2", CW_QTY_ONE, 10, 1000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(dc_get(fs, 0).f.suspect, 700 + 300);
	assert_non_null(strstr(dc_get(fs, 0).reason, "D1 for 14 days"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_amount(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_rx(b, "R1", 1, "IP", "DR2", "2026-05-10 09:00", "D1", CW_QTY_ONE, 1, 150000);
	tu_add_rx(b, "R1", 2, "IP", "DR2", "2026-05-10 09:00", "D2", CW_QTY_ONE, 1, 50000);
	tu_add_rx(b, "R2", 1, "IP", "DR2", "2026-05-10 09:00", "D1", CW_QTY_ONE, 1, 200001);
	tu_add_rx(b, "R3", 1, "IP", "DR2", "2026-05-10 09:00", "D1", CW_QTY_ONE, 1, 199999);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	cw_record r = dc_get(fs, 0);
	assert_string_equal(r.f.tag, "amount");
	assert_int_equal(r.f.suspect, 1);
	assert_non_null(strstr(r.reason, "R2"));
	cw_findings_free(fs);
	/* a lower ceiling from the rules: R1 (2000.00) is above it too, R3 (1999.99) is not */
	fs = tu_detect(ds, "large_prescription", "{\"detectors\": {\"large_prescription\": {\"max_amount\": 1999.99}}}");
	assert_int_equal(cw_findings_count(fs), 2);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_all_tags_and_month(void **state)
{
	(void)state;
	cw_builder *b = world();
	char code[16];
	for (int i = 1; i <= 7; i++) {
		snprintf(code, sizeof code, "D%d", i);
		tu_add_rx(b, "R1", i, "EM", "DR2", "2026-05-10 09:00", code, CW_QTY_ONE, 5, 50000);
	}
	/* the same in the look-back: April's */
	tu_add_visit(b, "OLD", "PF", "DR1", CW_EMERGENCY, "2026-04-10 08:00", "2026-04-10 12:00", "R51");
	for (int i = 1; i <= 7; i++) {
		snprintf(code, sizeof code, "D%d", i);
		tu_add_rx(b, "R0", i, "OLD", "DR2", "2026-04-30 23:59", code, CW_QTY_ONE, 5, 50000);
	}
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 3);
	assert_string_equal(dc_get(fs, 0).f.tag, "drugs_per_rx");
	assert_string_equal(dc_get(fs, 1).f.tag, "days_supply");
	assert_string_equal(dc_get(fs, 2).f.tag, "amount");
	assert_int_equal(dc_get(fs, 0).f.suspect, 100000);
	assert_int_equal(dc_get(fs, 1).f.suspect, 7 * 20000);
	assert_int_equal(dc_get(fs, 2).f.suspect, 350000 - 200000);
	for (int i = 0; i < 3; i++)
		assert_string_equal(dc_visit(ds, fs, (size_t)i), "EM");
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_empty(void **state)
{
	(void)state;
	cw_dataset *ds = tu_finish(world());
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* Many prescriptions and a visit with thousands of lines (more than 200000
 * lines in all). */
static void test_large_and_threads(void **state)
{
	(void)state;
	cw_builder *b = world();
	char id[32], t[32], code[16];
	int nline = 0, nrx = 0;
	tu_add_visit(b, "BIG", "PM", "DR1", CW_INPATIENT, "2026-04-01 08:00", NULL, "J18.9");
	for (int d = 0; d < 60; d++) {
		cw_minute day = tu_time("2026-04-01 08:00") + d * CW_MINUTES_PER_DAY;
		for (int k = 0; k < 3500; k++) {
			snprintf(id, sizeof id, "L%07d", nline++);
			snprintf(code, sizeof code, "D%d", 1 + k % 8);
			tu_add_line(b, id, "BIG", code, cw_format_time(t, day + k % 900), CW_QTY_ONE, 100);
		}
		for (int r = 0; r < 20; r++) {
			snprintf(id, sizeof id, "RX%05d", nrx++);
			for (int i = 1; i <= 6; i++) {
				snprintf(code, sizeof code, "D%d", i);
				tu_add_rx(b, id, i, r % 2 ? "BIG" : "CH", "DR2", cw_format_time(t, day + r), code, CW_QTY_ONE,
				          r % 2 ? 1 : 40, 100);
			}
		}
	}
	cw_dataset *ds = tu_finish(b);
	assert_true(cw_dataset_claims(ds)->n > 200000);
	/* May: days 30..59, 20 prescriptions a day with 6 drugs, half also 40 days (chronic limit 30) */
	assert_int_equal(dc_same_with_threads(ds, "large_prescription"), 30 * (20 + 10));
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drugs_per_rx),
		cmocka_unit_test(test_days_supply),
		cmocka_unit_test(test_amount),
		cmocka_unit_test(test_all_tags_and_month),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_large_and_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
