/* test_det_stacked_supply.c: one patient's overlapping days' supply of the same drug (E4): the
 * allowance at its boundaries, across physicians and institutions, the cover of several earlier
 * prescriptions, another drug, inpatient and empty supplies, the month, the money and the evidence. */
#include "detcheck.h"

/* D1 and D2 share a group; visits of PM: O1 (DR1, H1), O2 (DR1, H1), O3 (DR4, H3), E (emergency), S (stay). */
static cw_builder *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row d1 = tu_item_row("XC08CAA011", CW_CAT_DRUG, 1000), d2 = tu_item_row("XC08CAA012", CW_CAT_DRUG, 1000);
	tu_add_item(b, &d1);
	tu_add_item(b, &d2);
	return b;
}

typedef struct rxs {
	const char *rx, *visit, *phys, *t, *drug;
	int kind, days;
	cw_fen amount;
} rxs;

/* The findings of a May run over the world plus these prescriptions, each on a visit of its own with
 * its billed line (line id "L" + rx id). */
static cw_findings *judge(cw_dataset **ds, const rxs *rx, size_t n, const char *rules)
{
	cw_builder *b = world();
	for (size_t i = 0; i < n; i++) {
		char line[16];
		snprintf(line, sizeof line, "L%s", rx[i].rx);
		tu_add_visit(b, rx[i].visit, "PM", rx[i].phys, rx[i].kind, rx[i].t,
		             rx[i].kind == CW_INPATIENT ? "2026-05-28 10:00" : NULL, "I10");
		tu_add_rx(b, rx[i].rx, 1, rx[i].visit, rx[i].phys, rx[i].t, rx[i].drug, CW_QTY_ONE, rx[i].days, rx[i].amount);
		tu_add_line(b, line, rx[i].visit, rx[i].drug, rx[i].t, CW_QTY_ONE, rx[i].amount);
	}
	*ds = tu_finish(b);
	return tu_detect(*ds, "stacked_supply", rules);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* One finding on `lines` with this money, or none when lines is NULL. */
static void expect(const rxs *rx, size_t n, const char *rules, const char *lines, cw_fen suspect)
{
	cw_dataset *ds;
	cw_findings *fs = judge(&ds, rx, n, rules);
	if (!lines) {
		if (cw_findings_count(fs))
			fail_msg("expected no finding, got %s", dc_get(fs, 0).reason);
	} else {
		char got[64];
		assert_int_equal(cw_findings_count(fs), 1);
		cw_record r = dc_get(fs, 0);
		assert_string_equal(tu_lines(ds, fs, 0, got, sizeof got), lines);
		assert_int_equal(r.f.suspect, suspect);
		assert_string_equal(r.f.tag, "overlap");
		assert_int_equal(r.f.severity, CW_SUSPICIOUS);
		assert_int_equal(r.f.cls, CW_CLASS_PRESCRIPTION);
	}
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* A 10-day supply from May 1 (covers May 1-10), then 7 days (700.00) on day X: the overlap is
 * min(11, X + 7) - X, allowed up to 3 days. */
static void test_allowance(void **state)
{
	(void)state;
	static const struct { const char *t, *rules, *lines; cw_fen suspect; } cases[] = {
		{ "2026-05-08 09:00", NULL, NULL, 0 },          /* 3 days: the allowance */
		{ "2026-05-07 23:59", NULL, "LB", 40000 },      /* 4 days: 4/7 of 700.00 */
		{ "2026-05-01 12:00", NULL, "LB", 70000 },      /* the same day: the whole supply */
		{ "2026-05-11 08:00", NULL, NULL, 0 },          /* the day after the supply ends */
		{ "2026-05-10 08:00", "{\"detectors\": {\"stacked_supply\": {\"max_overlap_days\": 0}}}", "LB", 10000 },
		{ "2026-05-11 08:00", "{\"detectors\": {\"stacked_supply\": {\"max_overlap_days\": 0}}}", NULL, 0 },
		{ "2026-05-04 08:00", "{\"detectors\": {\"stacked_supply\": {\"max_overlap_days\": 7}}}", NULL, 0 },
		{ "2026-05-03 08:00", "{\"detectors\": {\"stacked_supply\": {\"max_overlap_days\": 7}}}", NULL, 0 },
	};
	for (size_t i = 0; i < N(cases); i++) {
		rxs rx[] = { { "A", "O1", "DR1", "2026-05-01 09:00", "XC08CAA011", CW_OUTPATIENT, 10, 100000 },
			     { "B", "O2", "DR1", cases[i].t, "XC08CAA011", CW_OUTPATIENT, 7, 70000 } };
		expect(rx, 2, cases[i].rules, cases[i].lines, cases[i].suspect);
	}
}

/* Another physician at another institution, or an emergency visit, stacks all the same; the finding's
 * fields. */
static void test_fields(void **state)
{
	(void)state;
	static const rxs rx[] = { { "A", "O1", "DR1", "2026-05-01 09:00", "XC08CAA011", CW_OUTPATIENT, 30, 30000 },
		                  { "B", "O3", "DR4", "2026-05-12 10:15", "XC08CAA011", CW_OUTPATIENT, 30, 30000 } };
	cw_dataset *ds;
	cw_findings *fs = judge(&ds, rx, N(rx), NULL);
	assert_int_equal(cw_findings_count(fs), 1);
	cw_record r = dc_get(fs, 0);
	char lines[64];
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "LB");
	assert_int_equal(r.f.suspect, 19000); /* 19 of 30 days */
	assert_int_equal(r.f.when, tu_time("2026-05-12 10:15"));
	assert_string_equal(dc_visit(ds, fs, 0), "O3");
	assert_string_equal(dc_physician(ds, fs, 0), "DR4");
	assert_string_equal(cw_dataset_str(ds, cw_dataset_items(ds)->code[r.f.item]), "XC08CAA011");
	assert_non_null(strstr(r.reason, "19 day(s)"));
	assert_non_null(strstr(r.reason, "prescription A"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
	static const rxs er[] = { { "A", "O1", "DR1", "2026-05-01 09:00", "XC08CAA011", CW_OUTPATIENT, 30, 30000 },
		                  { "B", "E", "DR2", "2026-05-12 22:00", "XC08CAA011", CW_EMERGENCY, 5, 5000 } };
	expect(er, N(er), NULL, "LB", 5000);
}

/* Not stacked: another drug of the group, a stay's prescriptions, a supply of 0 days. */
static void test_not_stacked(void **state)
{
	(void)state;
	static const rxs other[] = { { "A", "O1", "DR1", "2026-05-01 09:00", "XC08CAA011", CW_OUTPATIENT, 30, 30000 },
		                     { "B", "O2", "DR1", "2026-05-05 09:00", "XC08CAA012", CW_OUTPATIENT, 30, 30000 } };
	expect(other, N(other), NULL, NULL, 0);
	static const rxs stay[] = { { "A", "S", "DR1", "2026-05-01 09:00", "XC08CAA011", CW_INPATIENT, 30, 30000 },
		                    { "B", "O2", "DR1", "2026-05-05 09:00", "XC08CAA011", CW_OUTPATIENT, 30, 30000 } };
	expect(stay, N(stay), NULL, NULL, 0);
	static const rxs zero[] = { { "A", "O1", "DR1", "2026-05-01 09:00", "XC08CAA011", CW_OUTPATIENT, 0, 30000 },
		                    { "B", "O2", "DR1", "2026-05-01 10:00", "XC08CAA011", CW_OUTPATIENT, 0, 30000 } };
	expect(zero, N(zero), NULL, NULL, 0);
}

/* The cover is the latest end of all the earlier supplies: a short top-up does not reset it. */
static void test_cover(void **state)
{
	(void)state;
	static const rxs rx[] = { { "A", "O1", "DR1", "2026-05-01 09:00", "XC08CAA011", CW_OUTPATIENT, 30, 30000 },
		                  { "C", "O2", "DR1", "2026-05-05 09:00", "XC08CAA011", CW_OUTPATIENT, 2, 2000 },
		                  { "B", "O3", "DR4", "2026-05-20 09:00", "XC08CAA011", CW_OUTPATIENT, 7, 7000 } };
	cw_dataset *ds;
	cw_findings *fs = judge(&ds, rx, N(rx), NULL);
	/* C overlaps 2 days (allowed); B 7 days of A's cover (until May 30) */
	assert_int_equal(cw_findings_count(fs), 1);
	assert_string_equal(dc_visit(ds, fs, 0), "O3");
	assert_int_equal(dc_get(fs, 0).f.suspect, 7000);
	assert_non_null(strstr(dc_get(fs, 0).reason, "prescription A"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* The month: a supply of the look-back counts, a finding of the look-back is not reported. */
static void test_month(void **state)
{
	(void)state;
	static const rxs back[] = { { "A", "O1", "DR1", "2026-04-20 09:00", "XC08CAA011", CW_OUTPATIENT, 30, 30000 },
		                    { "B", "O2", "DR1", "2026-05-01 00:00", "XC08CAA011", CW_OUTPATIENT, 30, 30000 } };
	expect(back, N(back), NULL, "LB", 19000);
	static const rxs april[] = { { "A", "O1", "DR1", "2026-04-10 09:00", "XC08CAA011", CW_OUTPATIENT, 30, 30000 },
		                     { "B", "O2", "DR1", "2026-04-30 23:59", "XC08CAA011", CW_OUTPATIENT, 30, 30000 } };
	expect(april, N(april), NULL, NULL, 0);
}

/* The same findings whatever the number of threads. */
static void test_threads(void **state)
{
	(void)state;
	cw_builder *b = world();
	for (int i = 0; i < 200; i++) {
		char v[16], rx[16], line[16], t[32];
		static const char *const pats[] = { "PM", "PF", "PC", "PU" };
		snprintf(v, sizeof v, "V%03d", i);
		snprintf(rx, sizeof rx, "R%03d", i);
		snprintf(line, sizeof line, "L%03d", i);
		snprintf(t, sizeof t, "2026-05-%02d %02d:00", 1 + i % 28, 8 + i % 10);
		tu_add_visit(b, v, pats[i % 4], "DR1", CW_OUTPATIENT, t, NULL, "I10");
		tu_add_rx(b, rx, 1, v, "DR1", t, i % 3 ? "XC08CAA011" : "XC08CAA012", CW_QTY_ONE, 1 + i % 9, 1000);
		tu_add_line(b, line, v, i % 3 ? "XC08CAA011" : "XC08CAA012", t, CW_QTY_ONE, 1000);
	}
	cw_dataset *ds = tu_finish(b);
	cw_findings *one = tu_detect_threads(ds, "stacked_supply", NULL, 1), *four = tu_detect_threads(ds, "stacked_supply", NULL, 4);
	assert_true(cw_findings_count(one) > 0);
	char *a = dc_fingerprint(ds, one), *c = dc_fingerprint(ds, four);
	assert_string_equal(a, c);
	free(a);
	free(c);
	cw_findings_free(one);
	cw_findings_free(four);
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowance), cmocka_unit_test(test_fields), cmocka_unit_test(test_not_stacked),
		cmocka_unit_test(test_cover),     cmocka_unit_test(test_month),  cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
