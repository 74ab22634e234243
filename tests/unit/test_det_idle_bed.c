/* test_det_idle_bed.c: (a) runs of >= 3 idle billed days, (b) billed days while the patient was
 * seen elsewhere; and how runs cross month boundaries. */
#include "detcheck.h"

static cw_builder *world(const char *month)
{
	cw_builder *b = tu_builder(month);
	cw_item_row r = tu_item_row("BED", CW_CAT_BED, 5000);
	tu_add_item(b, &r);
	r = tu_item_row("NURSE", CW_CAT_NURSING, 2000);
	tu_add_item(b, &r);
	r = tu_item_row("DRUG", CW_CAT_DRUG, 1000);
	tu_add_item(b, &r);
	r = tu_item_row("CONS", CW_CAT_CONSULT, 1500);
	tu_add_item(b, &r);
	r = tu_item_row("LAB", CW_CAT_LAB, 3000);
	tu_add_item(b, &r);
	return b;
}

/* Bills `date` ("2026-05-04") of stay v: nursing 08:00, bed 23:00, and a drug
 * at 10:00 when care. Line ids are <v>-<MMDD>-N/B/D. */
static void bill_day(cw_builder *b, const char *v, const char *date, int care)
{
	char id[64], t[32];
	const char *mmdd = date + 5;
	snprintf(id, sizeof id, "%s-%.2s%.2s-N", v, mmdd, mmdd + 3);
	snprintf(t, sizeof t, "%s 08:00", date);
	tu_add_line(b, id, v, "NURSE", t, CW_QTY_ONE, 2000);
	snprintf(id, sizeof id, "%s-%.2s%.2s-B", v, mmdd, mmdd + 3);
	snprintf(t, sizeof t, "%s 23:00", date);
	tu_add_line(b, id, v, "BED", t, CW_QTY_ONE, 5000);
	if (care) {
		snprintf(id, sizeof id, "%s-%.2s%.2s-D", v, mmdd, mmdd + 3);
		snprintf(t, sizeof t, "%s 10:00", date);
		tu_add_line(b, id, v, "DRUG", t, CW_QTY_ONE, 1000);
	}
}

/* Bills every day from `from` for `days` days; idle on the days whose index
 * (0-based) is in [idle0, idle1). */
static void bill_days(cw_builder *b, const char *v, const char *from, int days, int idle0, int idle1)
{
	cw_day d0 = tu_date(from);
	char date[CW_FMT_SIZE];
	for (int i = 0; i < days; i++)
		bill_day(b, v, cw_format_date(date, d0 + i), !(i >= idle0 && i < idle1));
}

static cw_findings *run(const cw_dataset *ds) { return tu_detect(ds, "idle_bed", NULL); }

/* A stay of PM May 1-10 with idle days [idle0, idle1) (0 = May 1). */
static size_t idle_runs(int idle0, int idle1)
{
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-05-01 08:00", "2026-05-10 10:00", "J18.9");
	bill_days(b, "S", "2026-05-01", 9, idle0, idle1);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	size_t n = dc_count_tag(fs, "no_care");
	assert_int_equal(n, cw_findings_count(fs));
	cw_findings_free(fs);
	cw_dataset_free(ds);
	return n;
}

static void test_run_threshold(void **state)
{
	(void)state;
	assert_int_equal(idle_runs(3, 5), 0); /* a weekend */
	assert_int_equal(idle_runs(3, 6), 1);
	assert_int_equal(idle_runs(3, 7), 1);
	assert_int_equal(idle_runs(0, 9), 1);
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-05-01 08:00", "2026-05-10 10:00", "J18.9");
	bill_days(b, "S", "2026-05-01", 9, 3, 6);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	char lines[512];
	assert_int_equal(cw_findings_count(fs), 1);
	cw_record r = dc_get(fs, 0);
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "S-0504-N S-0504-B S-0505-N S-0505-B S-0506-N S-0506-B");
	assert_int_equal(r.f.suspect, 3 * 7000);
	assert_int_equal(r.f.when, tu_time("2026-05-06 23:00"));
	assert_int_equal(r.f.cls, CW_CLASS_STAY);
	assert_string_equal(dc_visit(ds, fs, 0), "S");
	assert_string_equal(dc_physician(ds, fs, 0), "DR1");
	assert_non_null(strstr(r.reason, "2026-05-04 to 2026-05-06"));
	cw_findings_free(fs);
	/* a longer minimum from the rules */
	fs = tu_detect(ds, "idle_bed", "{\"detectors\": {\"idle_bed\": {\"min_idle_days\": 4}}}");
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_what_is_care(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-05-01 08:00", "2026-05-10 10:00", "J18.9");
	bill_days(b, "S", "2026-05-01", 9, 3, 6);
	/* a consult is not care; a refunded drug is no care either */
	tu_add_line(b, "C1", "S", "CONS", "2026-05-04 11:00", CW_QTY_ONE, 1500);
	tu_add_line(b, "D1", "S", "DRUG", "2026-05-05 11:00", CW_QTY_ONE, 1000);
	tu_add_line(b, "R1", "S", "DRUG", "2026-05-05 12:00", -CW_QTY_ONE, 1000);
	/* PF: a lab on the middle day breaks the run */
	tu_add_visit(b, "T", "PF", "DR1", CW_INPATIENT, "2026-05-01 08:00", "2026-05-10 10:00", "J18.9");
	bill_days(b, "T", "2026-05-01", 9, 3, 6);
	tu_add_line(b, "L1", "T", "LAB", "2026-05-05 11:00", CW_QTY_ONE, 3000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_string_equal(dc_visit(ds, fs, 0), "S");
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_unbilled_day_breaks_run(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-05-01 08:00", "2026-05-10 10:00", "J18.9");
	bill_days(b, "S", "2026-05-01", 3, 0, 0);
	bill_days(b, "S", "2026-05-04", 2, 0, 2); /* idle May 4, 5 */
	/* May 6: bed refunded, nursing too: not billed */
	tu_add_line(b, "B6", "S", "BED", "2026-05-06 23:00", CW_QTY_ONE, 5000);
	tu_add_line(b, "R6", "S", "BED", "2026-05-06 23:30", -CW_QTY_ONE, 5000);
	bill_days(b, "S", "2026-05-07", 2, 0, 2); /* idle May 7, 8 */
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* A month-boundary case: one stay of PM from `admit` to `discharge` (NULL:
 * open), billed daily from the admit day for `days` days with idle days
 * [idle0, idle1), run as `month`; expected: no finding (first NULL), or one
 * whose evidence is the bed and nursing lines of days first..last and whose
 * `when` is `when`. */
typedef struct boundary_case {
	const char *note, *month, *admit, *discharge;
	int days, idle0, idle1;
	const char *first, *last, *when;
} boundary_case;

static void check_boundary(const boundary_case *c)
{
	cw_builder *b = world(c->month);
	char date[CW_FMT_SIZE], want[1024] = "", got[1024];
	snprintf(date, sizeof date, "%.10s", c->admit);
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, c->admit, c->discharge, "J18.9");
	bill_days(b, "S", date, c->days, c->idle0, c->idle1);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	print_message("%s\n", c->note);
	if (!c->first) {
		assert_int_equal(cw_findings_count(fs), 0);
	} else {
		for (cw_day d = tu_date(c->first); d <= tu_date(c->last); d++) {
			cw_format_date(date, d);
			size_t n = strlen(want);
			snprintf(want + n, sizeof want - n, "%sS-%.2s%.2s-N S-%.2s%.2s-B", n ? " " : "", date + 5, date + 8,
			         date + 5, date + 8);
		}
		assert_int_equal(cw_findings_count(fs), 1);
		assert_string_equal(tu_lines(ds, fs, 0, got, sizeof got), want);
		assert_int_equal(dc_get(fs, 0).f.when, tu_time(c->when));
	}
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_month_boundaries(void **state)
{
	(void)state;
	static const boundary_case cases[] = {
		{ "run Apr 28 - May 2 of a stay to May 10: April reports Apr 28-30", "2026-04", "2026-04-25 08:00",
		  "2026-05-10 10:00", 15, 3, 8, "2026-04-28", "2026-04-30", "2026-04-30 23:00" },
		{ "... and May only May 1-2, which continue it", "2026-05", "2026-04-25 08:00", "2026-05-10 10:00", 15, 3, 8,
		  "2026-05-01", "2026-05-02", "2026-05-02 23:00" },
		{ "run Apr 20-23 (care Apr 24) belongs to April", "2026-04", "2026-04-18 08:00", "2026-05-10 10:00", 22, 2,
		  6, "2026-04-20", "2026-04-23", "2026-04-23 23:00" },
		{ "... not to May", "2026-05", "2026-04-18 08:00", "2026-05-10 10:00", 22, 2, 6, NULL, NULL, NULL },
		{ "run Apr 27-30, care May 1, stay to May 10: April's, its last day is in April", "2026-04",
		  "2026-04-25 08:00", "2026-05-10 10:00", 15, 2, 6, "2026-04-27", "2026-04-30", "2026-04-30 23:00" },
		{ "... not May's", "2026-05", "2026-04-25 08:00", "2026-05-10 10:00", 15, 2, 6, NULL, NULL, NULL },
		{ "run Apr 27-30 of a stay discharged Apr 30: April's", "2026-04", "2026-04-25 08:00", "2026-04-30 18:00", 6,
		  2, 6, "2026-04-27", "2026-04-30", "2026-04-30 23:00" },
		{ "... not May's", "2026-05", "2026-04-25 08:00", "2026-04-30 18:00", 6, 2, 6, NULL, NULL, NULL },
		{ "run May 29-31 of a stay discharged in June: May reports what it sees", "2026-05", "2026-05-20 08:00",
		  "2026-06-03 10:00", 12, 9, 12, "2026-05-29", "2026-05-31", "2026-05-31 23:00" },
		{ "open stay, run May 29-31: the stay runs to the month end", "2026-05", "2026-05-20 08:00", NULL, 12, 9, 12,
		  "2026-05-29", "2026-05-31", "2026-05-31 23:00" },
		{ "open stay, run Apr 28 - May 3: April reports Apr 28-30", "2026-04", "2026-04-20 08:00", NULL, 20, 8, 14,
		  "2026-04-28", "2026-04-30", "2026-04-30 23:00" },
		{ "... and May only May 1-3", "2026-05", "2026-04-20 08:00", NULL, 20, 8, 14, "2026-05-01", "2026-05-03",
		  "2026-05-03 23:00" },
		{ "open stay, run Apr 29 - May 2: too short in April", "2026-04", "2026-04-20 08:00", NULL, 20, 9, 13, NULL,
		  NULL, NULL },
		{ "... so May reports all 4 days", "2026-05", "2026-04-20 08:00", NULL, 20, 9, 13, "2026-04-29",
		  "2026-05-02", "2026-05-02 23:00" },
		{ "open stay, run Apr 28 - May 2: April reported 3 days, May's 2 continue it", "2026-05",
		  "2026-04-20 08:00", NULL, 20, 8, 13, "2026-05-01", "2026-05-02", "2026-05-02 23:00" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		check_boundary(&cases[i]);
}

/* Stay S of PM at H1, May 1-10, care every day, plus what the test adds. */
static cw_builder *elsewhere_world(void)
{
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-05-01 08:00", "2026-05-10 10:00", "J18.9");
	return b;
}

static void test_seen_elsewhere(void **state)
{
	(void)state;
	cw_builder *b = elsewhere_world();
	/* May 3: an outpatient visit at H2 with a lab */
	tu_add_visit(b, "O2", "PM", "DR3", CW_OUTPATIENT, "2026-05-03 09:00", NULL, "J06.9");
	/* May 4: an outpatient visit at the same institution, no lines */
	tu_add_visit(b, "O1", "PM", "DR2", CW_OUTPATIENT, "2026-05-04 15:00", NULL, "J06.9");
	/* May 6: an emergency visit at H3 */
	tu_add_visit(b, "E3", "PM", "DR4", CW_EMERGENCY, "2026-05-06 21:00", "2026-05-06 23:50", "R51");
	/* May 7: a line of an H2 stay admitted earlier */
	tu_add_visit(b, "S2", "PM", "DR3", CW_INPATIENT, "2026-04-01 08:00", "2026-05-08 23:00", "J18.9");
	bill_days(b, "S", "2026-05-01", 9, 0, 0);
	tu_add_line(b, "X3", "O2", "LAB", "2026-05-03 09:30", CW_QTY_ONE, 3000);
	tu_add_line(b, "X7", "S2", "LAB", "2026-05-07 09:30", CW_QTY_ONE, 3000);
	/* the admit and discharge days are transfer days */
	tu_add_visit(b, "O9", "PM", "DR3", CW_OUTPATIENT, "2026-05-01 18:00", NULL, "J06.9");
	tu_add_visit(b, "OA", "PM", "DR3", CW_OUTPATIENT, "2026-05-10 11:00", NULL, "J06.9");
	tu_add_line(b, "X1", "O9", "LAB", "2026-05-01 18:30", CW_QTY_ONE, 3000);
	tu_add_line(b, "XA", "OA", "LAB", "2026-05-10 11:30", CW_QTY_ONE, 3000);
	/* May 8: a refunded line elsewhere is no visit */
	tu_add_line(b, "X8", "S2", "LAB", "2026-05-08 10:00", CW_QTY_ONE, 3000);
	tu_add_line(b, "R8", "S2", "LAB", "2026-05-08 11:00", -CW_QTY_ONE, 3000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	char lines[512];
	assert_int_equal(cw_findings_count(fs), 4);
	assert_int_equal(dc_count_tag(fs, "seen_elsewhere"), 4);
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "S-0503-N S-0503-B X3");
	assert_int_equal(dc_get(fs, 0).f.suspect, 7000);
	assert_int_equal(dc_get(fs, 0).f.when, tu_time("2026-05-03 23:00"));
	assert_non_null(strstr(dc_get(fs, 0).reason, "H2"));
	assert_string_equal(tu_lines(ds, fs, 1, lines, sizeof lines), "S-0504-N S-0504-B");
	assert_non_null(strstr(dc_get(fs, 1).reason, "O1"));
	assert_string_equal(tu_lines(ds, fs, 2, lines, sizeof lines), "S-0506-N S-0506-B");
	assert_int_equal(dc_get(fs, 2).f.when, tu_time("2026-05-06 23:00"));
	assert_string_equal(tu_lines(ds, fs, 3, lines, sizeof lines), "S-0507-N S-0507-B X7");
	assert_string_equal(dc_visit(ds, fs, 3), "S");
	cw_findings_free(fs);
	fs = tu_detect(ds, "idle_bed", "{\"detectors\": {\"idle_bed\": {\"seen_elsewhere\": false}}}");
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_seen_elsewhere_needs_billed_day_in_month(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-04-25 08:00", "2026-05-10 10:00", "J18.9");
	bill_days(b, "S", "2026-04-25", 15, 0, 0);
	/* Apr 29: elsewhere, but April's finding */
	tu_add_visit(b, "O1", "PM", "DR3", CW_OUTPATIENT, "2026-04-29 09:00", NULL, "J06.9");
	/* May 11 is after the stay; May 10 the discharge day */
	tu_add_visit(b, "O2", "PM", "DR3", CW_OUTPATIENT, "2026-05-11 09:00", NULL, "J06.9");
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* a day without bed or nursing line is not billed */
	b = world("2026-05");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-05-01 08:00", "2026-05-10 10:00", "J18.9");
	bill_days(b, "S", "2026-05-01", 3, 0, 0);
	tu_add_visit(b, "O1", "PM", "DR3", CW_OUTPATIENT, "2026-05-05 09:00", NULL, "J06.9");
	ds = tu_finish(b);
	fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_empty(void **state)
{
	(void)state;
	cw_dataset *ds = tu_finish(world("2026-05"));
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* a stay with no lines at all */
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-01-01 08:00", NULL, "J18.9");
	ds = tu_finish(b);
	fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* Long stays with many lines per day on two slices of patients (more than
 * 200000 lines): idle runs and outpatient visits elsewhere. */
static void test_large_and_threads(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	const char *pats[] = { "PC", "PF", "PM", "PU" };
	char id[32], lid[32], t[32];
	int nline = 0;
	for (int p = 0; p < 4; p++) {
		snprintf(id, sizeof id, "S-%s", pats[p]);
		tu_add_visit(b, id, pats[p], "DR1", CW_INPATIENT, "2026-03-20 08:00", NULL, "J18.9");
		cw_day d0 = tu_date("2026-03-20");
		int per_day = p == 2 ? 3000 : 10;
		for (int d = 0; d < 73; d++) {
			cw_minute day = (d0 + d) * CW_MINUTES_PER_DAY;
			int idle = d % 10 >= 6; /* 4 idle days in every 10 */
			if (d % 7 == 3) {
				char o[32];
				snprintf(o, sizeof o, "O-%s-%02d", pats[p], d);
				tu_add_visit(b, o, pats[p], "DR3", CW_OUTPATIENT, cw_format_time(t, day + 600), NULL, "J06.9");
			}
			for (int k = 0; k < per_day; k++) {
				snprintf(lid, sizeof lid, "L%07d", nline++);
				const char *item = k == 0 ? "BED" : idle ? "NURSE" : "DRUG";
				tu_add_line(b, lid, id, item, cw_format_time(t, day + 60 + k % 1200), CW_QTY_ONE, 1000);
			}
		}
	}
	cw_dataset *ds = tu_finish(b);
	assert_true(cw_dataset_claims(ds)->n > 200000);
	size_t n = dc_same_with_threads(ds, "idle_bed");
	/* per patient in May: runs May 5-8, 15-18, 25-28 and 4 outpatient visits elsewhere */
	assert_int_equal(n, 4 * (3 + 4));
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_threshold),
		cmocka_unit_test(test_what_is_care),
		cmocka_unit_test(test_unbilled_day_breaks_run),
		cmocka_unit_test(test_month_boundaries),
		cmocka_unit_test(test_seen_elsewhere),
		cmocka_unit_test(test_seen_elsewhere_needs_billed_day_in_month),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_large_and_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
