/* test_det_split_billing.c: split_billing: components beside their bundle, or all of them without it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "detcheck.h"
#include "claimwatch/error.h"

#define DET "split_billing"
#define BESIDE "component_beside_bundle"
#define ALL "all_components"

/* PANEL (lab, 50.00) = C1 + C2 + C3 (20.00 each); SET (treatment, 30.00) =
 * C1 + C4 (15.00): C1 belongs to two bundles. OTHER is in no bundle. */
static cw_builder *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row r = tu_item_row("PANEL", CW_CAT_LAB, 5000);
	tu_add_item(b, &r);
	r = tu_item_row("SET", CW_CAT_TREATMENT, 3000);
	tu_add_item(b, &r);
	const char *comp[] = { "C1", "C2", "C3", "C4" };
	for (int i = 0; i < 4; i++) {
		r = tu_item_row(comp[i], CW_CAT_LAB, i == 3 ? 1500 : 2000);
		tu_add_item(b, &r);
	}
	r = tu_item_row("OTHER", CW_CAT_LAB, 2000);
	tu_add_item(b, &r);
	tu_add_bundle(b, "PANEL", "C1");
	tu_add_bundle(b, "PANEL", "C2");
	tu_add_bundle(b, "PANEL", "C3");
	tu_add_bundle(b, "SET", "C1");
	tu_add_bundle(b, "SET", "C4");
	tu_add_visit(b, "V1", "PM", "DR1", CW_INPATIENT, "2026-04-10 08:00", NULL, "J18.9");
	tu_add_visit(b, "V2", "PM", "DR3", CW_OUTPATIENT, "2026-05-08 08:00", NULL, "J06.9");
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

static void test_component_beside_bundle(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "B1", "V1", "PANEL", "2026-05-08 08:00", CW_QTY_ONE, 5000);
	tu_add_line_by(b, "C1", "V1", "C1", "2026-05-08 10:00", CW_QTY_ONE, 2000, "DR2");
	tu_add_line(b, "C2", "V1", "C2", "2026-05-08 23:59", 2 * CW_QTY_ONE, 2000);
	tu_add_line(b, "X", "V1", "OTHER", "2026-05-08 10:00", CW_QTY_ONE, 2000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "B1 C1 C2", BESIDE), 0);
	cw_record r = dc_get(fs, 0);
	assert_int_equal(r.f.suspect, 6000); /* C1 + both units of C2 */
	assert_int_equal(r.f.severity, CW_VIOLATION);
	assert_int_equal(r.f.cls, CW_CAT_LAB);
	assert_int_equal(r.f.item, cw_dataset_find(ds, CW_T_ITEMS, "PANEL"));
	assert_int_equal(r.f.physician, cw_dataset_find(ds, CW_T_PHYSICIANS, "DR2")); /* the first component's */
	assert_int_equal(r.f.when, tu_time("2026-05-08 23:59"));
	assert_non_null(strstr(r.reason, "PANEL"));
	assert_non_null(strstr(r.reason, "C1, C2"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_component_on_another_day_is_not_a_split(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "B1", "V1", "PANEL", "2026-05-08 23:59", CW_QTY_ONE, 5000);
	tu_add_line(b, "C1", "V1", "C1", "2026-05-09 00:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "C2", "V1", "C2", "2026-05-07 23:59", CW_QTY_ONE, 2000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_all_components_without_the_bundle(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "A", "V1", "C1", "2026-05-08 00:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "B", "V2", "C2", "2026-05-08 09:00", CW_QTY_ONE, 2000); /* another visit, same day */
	tu_add_line(b, "C", "V1", "C3", "2026-05-08 23:59", CW_QTY_ONE, 2000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "A B C", ALL), 0);
	cw_record r = dc_get(fs, 0);
	assert_int_equal(r.f.suspect, 1000); /* 60.00 billed, 50.00 for the bundle */
	assert_int_equal(r.f.cls, CW_CAT_LAB);
	assert_int_equal(r.f.visit, cw_dataset_find(ds, CW_T_VISITS, "V1"));
	assert_non_null(strstr(r.reason, "C1, C2, C3"));
	assert_non_null(strstr(r.reason, "50.00"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_all_components_over_two_days_or_a_subset(void **state)
{
	(void)state;
	cw_builder *b = world();
	/* spread over midnight */
	tu_add_line(b, "A", "V1", "C1", "2026-05-08 22:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "B", "V1", "C2", "2026-05-08 23:59", CW_QTY_ONE, 2000);
	tu_add_line(b, "C", "V1", "C3", "2026-05-09 00:00", CW_QTY_ONE, 2000);
	/* a subset: C2 and C3 only */
	tu_add_line(b, "D", "V1", "C2", "2026-05-10 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "E", "V1", "C3", "2026-05-10 08:00", 3 * CW_QTY_ONE, 2000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* The components cost 49.99, 50.00 and 50.01 against the bundle's 50.00. */
static void test_all_components_price_boundary(void **state)
{
	(void)state;
	cw_builder *b = world();
	cw_fen c3[] = { 999, 1000, 1001 };
	for (int d = 0; d < 3; d++) {
		char t[32], id[16];
		snprintf(t, sizeof t, "2026-05-1%d 08:00", d);
		snprintf(id, sizeof id, "A%d", d);
		tu_add_line(b, id, "V1", "C1", t, CW_QTY_ONE, 2000);
		snprintf(id, sizeof id, "B%d", d);
		tu_add_line(b, id, "V1", "C2", t, CW_QTY_ONE, 2000);
		snprintf(id, sizeof id, "C%d", d);
		tu_add_line(b, id, "V1", "C3", t, CW_QTY_ONE, c3[d]);
	}
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "A2 B2 C2", ALL), 0);
	assert_int_equal(dc_get(fs, 0).f.suspect, 1);
	cw_findings_free(fs);
	/* min_excess: only above it */
	fs = tu_detect(ds, DET, "{\"detectors\":{\"split_billing\":{\"min_excess\":0.01}}}");
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_multiple_units(void **state)
{
	(void)state;
	cw_builder *b = world();
	/* two full sets: 120.00 billed for what two bundles price at 100.00 */
	tu_add_line(b, "A", "V1", "C1", "2026-05-08 08:00", 2 * CW_QTY_ONE, 2000);
	tu_add_line(b, "B", "V1", "C2", "2026-05-08 08:00", 2 * CW_QTY_ONE, 2000);
	tu_add_line(b, "C1", "V1", "C3", "2026-05-08 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "C2", "V1", "C3", "2026-05-08 14:00", CW_QTY_ONE, 2000);
	/* one set and one more C1: the extra C1 is not part of the split */
	tu_add_line(b, "D", "V1", "C1", "2026-05-09 08:00", 2 * CW_QTY_ONE, 2000);
	tu_add_line(b, "E", "V1", "C2", "2026-05-09 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "F", "V1", "C3", "2026-05-09 08:00", CW_QTY_ONE, 2000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 2);
	int two = tu_find(ds, fs, "A B C1 C2", ALL), one = tu_find(ds, fs, "D E F", ALL);
	assert_true(two >= 0 && one >= 0);
	assert_int_equal(dc_get(fs, (size_t)two).f.suspect, 2000);
	assert_int_equal(dc_get(fs, (size_t)one).f.suspect, 1000);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_component_of_two_bundles(void **state)
{
	(void)state;
	cw_builder *b = world();
	/* SET billed with its component C1: beside SET only (PANEL is not billed) */
	tu_add_line(b, "S", "V1", "SET", "2026-05-08 08:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "A", "V1", "C1", "2026-05-08 08:00", CW_QTY_ONE, 2000);
	/* C1 + C4 without SET: 35.00 against 30.00 */
	tu_add_line(b, "D", "V1", "C1", "2026-05-09 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "E", "V1", "C4", "2026-05-09 08:00", CW_QTY_ONE, 1500);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 2);
	int beside = tu_find(ds, fs, "A S", BESIDE), all = tu_find(ds, fs, "D E", ALL);
	assert_true(beside >= 0 && all >= 0);
	assert_int_equal(dc_get(fs, (size_t)beside).f.suspect, 2000);
	assert_int_equal(dc_get(fs, (size_t)beside).f.cls, CW_CAT_TREATMENT);
	assert_int_equal(dc_get(fs, (size_t)all).f.suspect, 500);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_refunds(void **state)
{
	(void)state;
	cw_builder *b = world();
	/* day 8: the component beside the bundle was refunded */
	tu_add_line(b, "B8", "V1", "PANEL", "2026-05-08 08:00", CW_QTY_ONE, 5000);
	tu_add_line(b, "C8", "V1", "C1", "2026-05-08 09:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "R8", "V1", "C1", "2026-05-08 10:00", -CW_QTY_ONE, 2000);
	/* day 9: bundle and all its components, then the bundle refunded: an unbundling */
	tu_add_line(b, "B9", "V1", "PANEL", "2026-05-09 08:00", CW_QTY_ONE, 5000);
	tu_add_line(b, "X9", "V1", "C1", "2026-05-09 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "Y9", "V1", "C2", "2026-05-09 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "Z9", "V1", "C3", "2026-05-09 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "R9", "V1", "PANEL", "2026-05-09 12:00", -CW_QTY_ONE, 5000);
	/* day 10: all components, one of them refunded */
	tu_add_line(b, "X10", "V1", "C1", "2026-05-10 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "Y10", "V1", "C2", "2026-05-10 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "Z10", "V1", "C3", "2026-05-10 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "R10", "V1", "C3", "2026-05-10 09:00", -CW_QTY_ONE, 2000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "X9 Y9 Z9", ALL), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_variant_keys(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "B1", "V1", "PANEL", "2026-05-08 08:00", CW_QTY_ONE, 5000);
	tu_add_line(b, "C1", "V1", "C1", "2026-05-08 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "X", "V1", "C1", "2026-05-09 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "Y", "V1", "C2", "2026-05-09 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "Z", "V1", "C3", "2026-05-09 08:00", CW_QTY_ONE, 2000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, DET, "{\"detectors\":{\"split_billing\":{\"all_components\":false}}}");
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "B1 C1", BESIDE), 0);
	cw_findings_free(fs);
	fs = tu_detect(ds, DET, "{\"detectors\":{\"split_billing\":{\"component_beside_bundle\":false}}}");
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "X Y Z", ALL), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_days_outside_the_month_dropped(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_line(b, "A", "V1", "C1", "2026-04-30 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "B", "V1", "C2", "2026-04-30 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "C", "V1", "C3", "2026-04-30 23:59", CW_QTY_ONE, 2000);
	tu_add_line(b, "P", "V1", "PANEL", "2026-05-01 00:00", CW_QTY_ONE, 5000);
	tu_add_line(b, "Q", "V1", "C2", "2026-05-01 00:00", CW_QTY_ONE, 2000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(tu_find(ds, fs, "P Q", BESIDE), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* PANEL and SET share C1: its lines are cited by one finding only. */
static void test_overlapping_bundles_share_no_line(void **state)
{
	(void)state;
	cw_builder *b = world();
	/* day 8: all of PANEL (60.00 for 50.00) and all of SET (35.00 for 30.00): PANEL, the most money */
	tu_add_line(b, "A", "V1", "C1", "2026-05-08 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "B", "V1", "C2", "2026-05-08 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "C", "V1", "C3", "2026-05-08 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "D", "V1", "C4", "2026-05-08 08:00", CW_QTY_ONE, 1500);
	/* day 9: SET billed with C1, and C2 C3 beside: C1 is beside SET, and PANEL's C1 is taken */
	tu_add_line(b, "S9", "V1", "SET", "2026-05-09 08:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "A9", "V1", "C1", "2026-05-09 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "B9", "V1", "C2", "2026-05-09 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "C9", "V1", "C3", "2026-05-09 08:00", CW_QTY_ONE, 2000);
	/* day 10: both bundles billed beside C1 and C2: PANEL takes both (more money), SET has nothing left */
	tu_add_line(b, "P10", "V1", "PANEL", "2026-05-10 08:00", CW_QTY_ONE, 5000);
	tu_add_line(b, "S10", "V1", "SET", "2026-05-10 08:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "A10", "V1", "C1", "2026-05-10 08:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "B10", "V1", "C2", "2026-05-10 08:00", CW_QTY_ONE, 2000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 3);
	int all = tu_find(ds, fs, "A B C", ALL), set = tu_find(ds, fs, "A9 S9", BESIDE);
	int panel = tu_find(ds, fs, "A10 B10 P10", BESIDE);
	assert_true(all >= 0 && set >= 0 && panel >= 0);
	assert_int_equal(dc_get(fs, (size_t)all).f.suspect, 1000);
	assert_int_equal(dc_get(fs, (size_t)set).f.suspect, 2000);
	assert_int_equal(dc_get(fs, (size_t)panel).f.suspect, 4000);
	for (int i = 0; i < 3; i++) /* each finding left one bundle out and says so */
		assert_non_null(strstr(dc_get(fs, (size_t)(i == 0 ? all : i == 1 ? set : panel)).reason,
		                       "1 overlapping bundle(s) on the same lines not reported again"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* K bundles of the same K components (K^2 catalogue rows), billed without a
 * bundle on three visits (3K lines), then with every bundle on a fourth day
 * (2K lines). */
static cw_dataset *overlapping(int k)
{
	cw_builder *b = world();
	char code[32], comp[32];
	for (int i = 0; i < k; i++) {
		snprintf(code, sizeof code, "K%04d", i);
		cw_item_row r = tu_item_row(code, CW_CAT_LAB, 1000 * k); /* half what its components cost */
		tu_add_item(b, &r);
		snprintf(code, sizeof code, "X%04d", i);
		r = tu_item_row(code, CW_CAT_LAB, 2000);
		tu_add_item(b, &r);
	}
	for (int i = 0; i < k; i++)
		for (int j = 0; j < k; j++) {
			snprintf(code, sizeof code, "K%04d", i);
			snprintf(comp, sizeof comp, "X%04d", j);
			tu_add_bundle(b, code, comp);
		}
	cw_minute t = tu_time("2026-05-08 08:00");
	const char *visits[] = { "V1", "V2", "V1", "V2" };
	for (int v = 0; v < 4; v++)
		for (int i = 0; i < k; i++) {
			snprintf(code, sizeof code, "L%d-%04d", v, i);
			snprintf(comp, sizeof comp, "X%04d", i);
			tu_add_line_at(b, code, visits[v], comp, t + v * CW_MINUTES_PER_DAY, CW_QTY_ONE, 2000, NULL);
			if (v == 3) {
				snprintf(code, sizeof code, "B%d-%04d", v, i);
				snprintf(comp, sizeof comp, "K%04d", i);
				tu_add_line_at(b, code, visits[v], comp, t + v * CW_MINUTES_PER_DAY, CW_QTY_ONE, 1000 * k, NULL);
			}
		}
	return tu_finish(b);
}

/* Issue 11, item 8: the findings and their evidence grow with the lines, not
 * with the number of overlapping bundles (K^2 evidence rows before). */
static void test_overlapping_bundles_stay_linear(void **state)
{
	(void)state;
	for (int k = 10; k <= 1000; k *= 10) {
		cw_dataset *ds = overlapping(k);
		cw_findings *fs = run(ds);
		size_t lines = cw_dataset_claims(ds)->n, cited = 0;
		assert_int_equal(lines, 5 * (size_t)k);
		assert_int_equal(cw_findings_count(fs), 4); /* one a day */
		for (size_t i = 0; i < cw_findings_count(fs); i++)
			cited += dc_get(fs, i).f.nlines;
		assert_true(cited <= lines);
		assert_int_equal(cited, 4 * (size_t)k + 1); /* every component line once, and one bundle's line */
		assert_int_equal(dc_count_tag(fs, ALL), 3);
		assert_int_equal(dc_get(fs, 0).f.item, cw_dataset_find(ds, CW_T_ITEMS, "K0000")); /* the first of equals */
		char want[96];
		snprintf(want, sizeof want, "%d overlapping bundle(s) on the same lines not reported again", k - 1);
		assert_non_null(strstr(dc_get(fs, 0).reason, want));
		cw_findings_free(fs);
		cw_dataset_free(ds);
	}
}

static void test_thousands_of_lines_one_patient(void **state)
{
	(void)state;
	cw_builder *b = world();
	char id[32];
	static const char *items[] = { "C1", "C2", "C3", "OTHER", "C4" };
	int n = 0;
	/* each day of May: 40 rounds of C1 C2 C3 OTHER C4, i.e. all of PANEL and of SET, which share C1 */
	for (int d = 0; d < 31; d++)
		for (int k = 0; k < 200; k++) {
			snprintf(id, sizeof id, "L%05d", n++);
			tu_add_line_at(b, id, "V1", items[k % 5], tu_time("2026-05-01 00:00") + d * CW_MINUTES_PER_DAY + k * 7,
			               CW_QTY_ONE, 2000, NULL);
		}
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	/* one finding a day: the C1 lines go to one bundle, PANEL (40 sets of 60.00 for 50.00, as much money as
	 * SET's 40 x (40.00 - 30.00), and more components) */
	assert_int_equal(cw_findings_count(fs), 31);
	for (size_t i = 0; i < 31; i++) {
		cw_record r = dc_get(fs, i);
		assert_string_equal(r.f.tag, ALL);
		assert_int_equal(r.f.item, cw_dataset_find(ds, CW_T_ITEMS, "PANEL"));
		assert_int_equal(r.f.suspect, 40000);
		assert_int_equal(r.f.nlines, 120);
		assert_non_null(strstr(r.reason, "1 overlapping bundle(s)"));
	}
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* 3000 patients x 160 lines (more than one slice); every 13th patient has a
 * component beside its bundle one day. */
static cw_dataset *big(int *cases)
{
	cw_builder *b = world();
	char id[32], vid[16];
	*cases = 0;
	cw_minute may = tu_time("2026-05-01 00:00");
	for (int p = 0; p < 3000; p++) {
		tu_add_stay(b, p, "2026-04-25 08:00", vid);
		for (int k = 0; k < 160; k++) {
			/* a day holds PANEL, C4, OTHER x 2 (no split), then the next day */
			static const char *items[] = { "PANEL", "C4", "OTHER", "OTHER" };
			snprintf(id, sizeof id, "P%04dL%03d", p, k);
			tu_add_line_at(b, id, vid, items[k % 4], may - 5 * CW_MINUTES_PER_DAY + (k / 4) * CW_MINUTES_PER_DAY +
			               (k % 4) * 30, CW_QTY_ONE, 2000, NULL);
		}
		if (p % 13 == 0) {
			snprintf(id, sizeof id, "P%04dX", p);
			tu_add_line_at(b, id, vid, "C2", may + (p % 30) * CW_MINUTES_PER_DAY + 600, CW_QTY_ONE, 2000, NULL);
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
		cmocka_unit_test(test_component_beside_bundle),
		cmocka_unit_test(test_component_on_another_day_is_not_a_split),
		cmocka_unit_test(test_all_components_without_the_bundle),
		cmocka_unit_test(test_all_components_over_two_days_or_a_subset),
		cmocka_unit_test(test_all_components_price_boundary),
		cmocka_unit_test(test_multiple_units),
		cmocka_unit_test(test_component_of_two_bundles),
		cmocka_unit_test(test_refunds),
		cmocka_unit_test(test_variant_keys),
		cmocka_unit_test(test_days_outside_the_month_dropped),
		cmocka_unit_test(test_overlapping_bundles_share_no_line),
		cmocka_unit_test(test_overlapping_bundles_stay_linear),
		cmocka_unit_test(test_thousands_of_lines_one_patient),
		cmocka_unit_test(test_same_output_with_one_and_two_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
