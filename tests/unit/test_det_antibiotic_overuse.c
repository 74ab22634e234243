/* test_det_antibiotic_overuse.c: the share of prescriptions (stays) with an antibiotic, per visit kind,
 * judged by the lower confidence bound against the national limits. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "detcheck.h"
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/stats.h"

static int nvisit, nline;

static const char *inst_of(const char *p) { return !strcmp(p, "DR3") ? "H2" : !strcmp(p, "DR4") ? "H3" : "H1"; }

static const char *dept_of(const char *p)
{
	return !strcmp(p, "DR3") ? "D2" : !strcmp(p, "DR4") ? "D3" : !strcmp(p, "DR5") ? "D4" : "D1";
}

static char *line_id(char *buf, size_t size)
{
	snprintf(buf, size, "L%05d", ++nline);
	return buf;
}

/* n outpatient or emergency prescriptions by phys in `month`, one visit each, the first k with an antibiotic. */
static void prescriptions(cw_builder *b, tu_rng *r, const char *phys, int kind, int month, int n, int k)
{
	for (int i = 0; i < n; i++) {
		char vid[32], rx[32], when[CW_FMT_SIZE];
		snprintf(vid, sizeof vid, "V%05d", ++nvisit);
		snprintf(rx, sizeof rx, "RX%05d", nvisit);
		cw_minute t = (cw_days_from_civil(2026, month, 1) + (int)(tu_uniform(r) * 28)) * CW_MINUTES_PER_DAY + 540;
		tu_add_visit_in(b, vid, "PF", phys, inst_of(phys), dept_of(phys), kind, t, CW_MINUTE_NONE, "J06.9");
		cw_format_time(when, t + 10);
		tu_add_rx(b, rx, 1, vid, phys, when, "DRUG", CW_QTY_ONE, 3, 1000);
		if (i < k)
			tu_add_rx(b, rx, 2, vid, phys, when, "ABX", CW_QTY_ONE, 3, 2000);
	}
}

/* n stays attended by phys discharged on `discharge_day` of `month` (0: still open); the first k
 * with an antibiotic: on a claim line, or on a prescription only for one in five. The next
 * `refunded` have their antibiotic line refunded. */
static void stays(cw_builder *b, tu_rng *r, const char *phys, int month, int n, int k, int refunded)
{
	for (int i = 0; i < n; i++) {
		char vid[32], rx[32], lid[32], when[CW_FMT_SIZE];
		snprintf(vid, sizeof vid, "V%05d", ++nvisit);
		cw_minute dis = (cw_days_from_civil(2026, month, 1) + (int)(tu_uniform(r) * 27)) * CW_MINUTES_PER_DAY + 600;
		cw_minute admit = dis - 4 * CW_MINUTES_PER_DAY;
		tu_add_visit_in(b, vid, "PM", phys, inst_of(phys), dept_of(phys), CW_INPATIENT, admit, dis, "J18.9");
		tu_add_line(b, line_id(lid, sizeof lid), vid, "BED", cw_format_time(when, admit + 60), CW_QTY_ONE, 5000);
		if (i < k && i % 5 == 4) {
			snprintf(rx, sizeof rx, "RXS%05d", nvisit);
			tu_add_rx(b, rx, 1, vid, phys, cw_format_time(when, admit + 120), "ABX", CW_QTY_ONE, 3, 2000);
		} else if (i < k + refunded) {
			tu_add_line(b, line_id(lid, sizeof lid), vid, "ABX", cw_format_time(when, admit + 120), CW_QTY_ONE, 2000);
			if (i >= k)
				tu_add_line(b, line_id(lid, sizeof lid), vid, "ABX", cw_format_time(when, admit + 180),
				            -CW_QTY_ONE, 2000);
		}
	}
}

static cw_builder *start(void)
{
	cw_builder *b = tu_builder("2026-05");
	nvisit = nline = 0;
	cw_item_row drug = tu_item_row("DRUG", CW_CAT_DRUG, 100000);
	tu_add_item(b, &drug);
	cw_item_row abx = tu_item_row("ABX", CW_CAT_DRUG, 100000);
	abx.antibiotic = 1;
	tu_add_item(b, &abx);
	cw_item_row bed = tu_item_row("BED", CW_CAT_BED, 100000);
	tu_add_item(b, &bed);
	return b;
}

static cw_dataset *world(void)
{
	cw_builder *b = start();
	tu_rng r = { 11 };
	prescriptions(b, &r, "DR1", CW_OUTPATIENT, 5, 40, 20); /* 50%: lower bound 35.2% > 20% */
	prescriptions(b, &r, "DR2", CW_OUTPATIENT, 5, 40, 10); /* 25%: lower bound 14.2% */
	prescriptions(b, &r, "DR3", CW_OUTPATIENT, 5, 29, 29); /* one short of the minimum */
	prescriptions(b, &r, "DR3", CW_OUTPATIENT, 4, 40, 40); /* April */
	prescriptions(b, &r, "DR4", CW_OUTPATIENT, 5, 30, 30); /* exactly the minimum */
	prescriptions(b, &r, "DR5", CW_EMERGENCY, 5, 40, 32);  /* 80%: lower bound 65.2% > 40% */
	prescriptions(b, &r, "DR2", CW_EMERGENCY, 5, 40, 20);  /* 50%: above 20%, not above 40% */
	stays(b, &r, "DR1", 5, 30, 25, 0);  /* 83%: lower bound 66.4% > 60% */
	stays(b, &r, "DR1", 4, 10, 10, 0);  /* discharged in April */
	stays(b, &r, "DR2", 5, 30, 20, 5);  /* 20 (67%, lower bound 48.8%); 25 if refunds counted */
	/* DR1's open stay with an antibiotic is not judged yet */
	tu_add_visit_in(b, "OPEN", "PM", "DR1", "H1", "D1", CW_INPATIENT, tu_time("2026-05-20 10:00"), CW_MINUTE_NONE,
	                "J18.9");
	tu_add_line(b, "OPEN1", "OPEN", "ABX", "2026-05-20 12:00", CW_QTY_ONE, 2000);
	return tu_finish(b);
}

/* "DR1 outpatient, DR1 inpatient" */
static void summary(const cw_dataset *ds, const cw_findings *fs, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; i < cw_findings_count(fs) && n < size; i++) {
		cw_record r;
		cw_findings_get(&r, fs, i);
		n += (size_t)snprintf(buf + n, size - n, "%s%s %s", i ? ", " : "",
		                      cw_dataset_str(ds, cw_dataset_physicians(ds)->id[r.f.physician]), r.f.tag);
	}
}

static void expect(const cw_dataset *ds, const char *rules, const char *want)
{
	cw_findings *fs = tu_detect(ds, "antibiotic_overuse", rules);
	char got[512];
	summary(ds, fs, got, sizeof got);
	assert_string_equal(got, want);
	cw_findings_free(fs);
}

static void test_found_and_lookalikes(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_findings *fs = tu_detect(ds, "antibiotic_overuse", NULL);
	char got[512];
	summary(ds, fs, got, sizeof got);
	assert_string_equal(got, "DR1 outpatient, DR1 inpatient, DR4 outpatient, DR5 emergency");
	cw_record r;
	cw_findings_get(&r, fs, 0);
	assert_int_equal(r.f.patient, CW_NONE);
	assert_int_equal(r.f.visit, CW_NONE);
	assert_int_equal(r.f.nlines, 0);
	assert_int_equal(r.f.suspect, 0);
	assert_int_equal(r.f.cls, CW_CLASS_PRESCRIPTION);
	assert_int_equal(r.f.severity, CW_SUSPICIOUS);
	assert_int_equal(r.f.when, cw_dataset_window(ds)->month_end - 1);
	assert_string_equal(r.f.metric, "antibiotic_rate_outpatient");
	assert_true(fabs(r.f.value - 0.5) < 1e-12);
	assert_true(fabs(r.f.expected - 0.2) < 1e-12);
	assert_true(fabs(r.f.limit - 0.351995) < 1e-5);
	assert_non_null(strstr(r.reason, "20 of 40 outpatient prescriptions"));
	cw_findings_get(&r, fs, 1);
	assert_string_equal(r.f.metric, "antibiotic_rate_inpatient");
	assert_true(fabs(r.f.value - 25.0 / 30) < 1e-12);
	assert_non_null(strstr(r.reason, "25 of 30 stays discharged"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_thresholds(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	expect(ds, "{\"detectors\":{\"antibiotic_overuse\":{\"min_volume\":31}}}", "DR1 outpatient, DR5 emergency");
	expect(ds, "{\"detectors\":{\"antibiotic_overuse\":{\"min_volume\":29}}}",
	       "DR1 outpatient, DR1 inpatient, DR3 outpatient, DR4 outpatient, DR5 emergency");
	/* the lower bound must be strictly above the limit: DR1's bound exactly */
	cw_interval ci;
	assert_int_equal(cw_binomial_interval(&ci, CW_INTERVAL_WILSON, 20, 40, 0.95), 0);
	char rules[256];
	snprintf(rules, sizeof rules, "{\"detectors\":{\"antibiotic_overuse\":{\"limits\":{\"outpatient\":%.17g}}}}", ci.lo);
	expect(ds, rules, "DR1 inpatient, DR4 outpatient, DR5 emergency");
	snprintf(rules, sizeof rules, "{\"detectors\":{\"antibiotic_overuse\":{\"limits\":{\"outpatient\":%.17g}}}}",
	         nextafter(ci.lo, 0));
	expect(ds, rules, "DR1 outpatient, DR1 inpatient, DR4 outpatient, DR5 emergency");
	/* Clopper-Pearson: DR1's stays (25/30: lower bound 65.3%) still above 60% */
	expect(ds, "{\"detectors\":{\"antibiotic_overuse\":{\"interval\":\"clopper_pearson\"}}}",
	       "DR1 outpatient, DR1 inpatient, DR4 outpatient, DR5 emergency");
	cw_dataset_free(ds);
}

static void test_bad_rules(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_rules *rules;
	cw_dimset *dims;
	cw_findings *fs = NULL;
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), "{\"detectors\":{\"antibiotic_overuse\":{\"limits\":"
	                                            "{\"emergency\":1.5}}}}", "t"), 0);
	assert_int_equal(cw_dimset_load(&dims, rules), 0);
	cw_detect_opts o = { .threads = 1, .only = "antibiotic_overuse" };
	assert_int_equal(cw_detect(&fs, ds, rules, dims, &o), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "detectors.antibiotic_overuse.limits.emergency"));
	cw_dimset_free(dims);
	cw_rules_free(rules);
	cw_dataset_free(ds);
}

static void test_one_patient_many_lines(void **state)
{
	(void)state;
	cw_builder *b = start();
	tu_rng r = { 13 };
	stays(b, &r, "DR3", 5, 600, 500, 100); /* 600 stays of patient PM: 1300 lines */
	cw_dataset *ds = tu_finish(b);
	expect(ds, NULL, "DR3 inpatient");
	cw_dataset_free(ds);
}

static void test_threads_and_empty(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	assert_true(dc_same_with_threads(ds, "antibiotic_overuse") > 0);
	cw_dataset_free(ds);
	ds = tu_finish(start());
	expect(ds, NULL, "");
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found_and_lookalikes),
		cmocka_unit_test(test_thresholds),
		cmocka_unit_test(test_bad_rules),
		cmocka_unit_test(test_one_patient_many_lines),
		cmocka_unit_test(test_threads_and_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
