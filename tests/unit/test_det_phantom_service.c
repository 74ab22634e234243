/* test_det_phantom_service.c: (a) lines of a stay dated before its admission or after its discharge,
 * beyond the grace; (b) more bed or nursing days than the stay lasted; (c) outpatient lines without
 * care while an inpatient elsewhere (空刷卡); (d) lines after the patient's recorded death; each at its
 * boundaries. */
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
	r = tu_item_row("LAB", CW_CAT_LAB, 3000);
	tu_add_item(b, &r);
	r = tu_item_row("REG", CW_CAT_OTHER, 100);
	tu_add_item(b, &r);
	r = tu_item_row("CONS", CW_CAT_CONSULT, 1000);
	tu_add_item(b, &r);
	return b;
}

static cw_findings *run(const cw_dataset *ds) { return tu_detect(ds, "phantom_service", NULL); }

/* Stay S of PM at H1, May 10 14:00 to May 14 10:00 (4 days), billed bed and nursing May 10-13 with a
 * drug each day: clean. */
static cw_builder *stay_world(void)
{
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-05-10 14:00", "2026-05-14 10:00", "J18.9");
	static const char *const days[] = { "10", "11", "12", "13" };
	for (int i = 0; i < 4; i++) {
		char id[32], t[32];
		snprintf(t, sizeof t, "2026-05-%s %s", days[i], i == 0 ? "14:10" : "07:00");
		snprintf(id, sizeof id, "B%s", days[i]);
		tu_add_line(b, id, "S", "BED", t, CW_QTY_ONE, 5000);
		snprintf(id, sizeof id, "N%s", days[i]);
		tu_add_line(b, id, "S", "NURSE", t, CW_QTY_ONE, 2000);
		snprintf(t, sizeof t, "2026-05-%s %s", days[i], i == 0 ? "15:00" : "09:00");
		snprintf(id, sizeof id, "D%s", days[i]);
		tu_add_line(b, id, "S", "DRUG", t, CW_QTY_ONE, 1000);
	}
	return b;
}

static void test_clean_stay(void **state)
{
	(void)state;
	cw_dataset *ds = tu_finish(stay_world());
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* The stay plus one line of `item` at time t: the number of findings with tag (all findings must
 * carry it). */
static size_t outside_one(const char *item, const char *t, const char *tag, const char *rules)
{
	cw_builder *b = stay_world();
	tu_add_line(b, "X", "S", item, t, CW_QTY_ONE, 3000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "phantom_service", rules);
	size_t n = dc_count_tag(fs, tag);
	assert_int_equal(n, cw_findings_count(fs));
	if (n) {
		char lines[256];
		assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "X");
		assert_int_equal(dc_get(fs, 0).f.suspect, 3000);
		assert_int_equal(dc_get(fs, 0).f.when, tu_time(t));
		assert_int_equal(dc_get(fs, 0).f.severity, CW_VIOLATION);
		assert_string_equal(dc_visit(ds, fs, 0), "S");
		assert_string_equal(dc_physician(ds, fs, 0), "DR1");
	}
	cw_findings_free(fs);
	cw_dataset_free(ds);
	return n;
}

static void test_outside_boundaries(void **state)
{
	(void)state;
	/* before the admission (14:00 May 10), grace 24 h */
	assert_int_equal(outside_one("LAB", "2026-05-09 14:00", "before_admission", NULL), 0);
	assert_int_equal(outside_one("LAB", "2026-05-09 13:59", "before_admission", NULL), 1);
	assert_int_equal(outside_one("LAB", "2026-05-10 08:00", "before_admission", NULL), 0); /* look-alike */
	/* after the discharge (10:00 May 14) */
	assert_int_equal(outside_one("LAB", "2026-05-15 10:00", "after_discharge", NULL), 0);
	assert_int_equal(outside_one("LAB", "2026-05-15 10:01", "after_discharge", NULL), 1);
	/* the grace as a key: 0 h flags a line a minute after the discharge, 48 h spares the next day's */
	const char *none = "{\"detectors\": {\"phantom_service\": {\"grace_hours\": 0}}}";
	const char *two = "{\"detectors\": {\"phantom_service\": {\"grace_hours\": 48}}}";
	assert_int_equal(outside_one("LAB", "2026-05-14 10:00", "after_discharge", none), 0);
	assert_int_equal(outside_one("LAB", "2026-05-14 10:01", "after_discharge", none), 1);
	assert_int_equal(outside_one("LAB", "2026-05-10 13:59", "before_admission", none), 1);
	assert_int_equal(outside_one("LAB", "2026-05-16 10:00", "after_discharge", two), 0);
	assert_int_equal(outside_one("LAB", "2026-05-16 10:01", "after_discharge", two), 1);
}

/* The issue's example: five bed days billed 5 to 9 days after the discharge; a refunded one and one
 * in the look-back are not reported. */
static void test_bed_days_after_discharge(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-04-25 14:00", "2026-05-02 10:00", "J18.9");
	tu_add_line(b, "B0", "S", "BED", "2026-04-20 07:00", CW_QTY_ONE, 5000); /* April's: before the admission */
	static const char *const days[] = { "07", "08", "09", "10", "11" };
	for (int i = 0; i < 5; i++) {
		char id[32], t[32];
		snprintf(t, sizeof t, "2026-05-%s 07:00", days[i]);
		snprintf(id, sizeof id, "B%s", days[i]);
		tu_add_line(b, id, "S", "BED", t, CW_QTY_ONE, 5000);
	}
	tu_add_line(b, "B12", "S", "BED", "2026-05-12 07:00", CW_QTY_ONE, 5000);
	tu_add_line(b, "R12", "S", "BED", "2026-05-12 08:00", -CW_QTY_ONE, 5000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	char lines[256];
	assert_int_equal(cw_findings_count(fs), 1);
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "B07 B08 B09 B10 B11");
	cw_record r = dc_get(fs, 0);
	assert_string_equal(r.f.tag, "after_discharge");
	assert_int_equal(r.f.suspect, 5 * 5000);
	assert_int_equal(r.f.when, tu_time("2026-05-11 07:00"));
	assert_int_equal(r.f.cls, CW_CLASS_STAY);
	assert_non_null(strstr(r.reason, "2026-05-02 10:00"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* April's run reports the line before the admission, not May's */
	b = world("2026-04");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-04-25 14:00", "2026-05-02 10:00", "J18.9");
	tu_add_line(b, "B0", "S", "BED", "2026-04-20 07:00", CW_QTY_ONE, 5000);
	ds = tu_finish(b);
	fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_string_equal(dc_get(fs, 0).f.tag, "before_admission");
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* An open stay has no discharge: nothing is after it. */
static void test_open_stay(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-05-10 14:00", NULL, "J18.9");
	tu_add_line(b, "B1", "S", "BED", "2026-05-31 07:00", CW_QTY_ONE, 5000);
	tu_add_line(b, "B2", "S", "BED", "2026-05-31 08:00", CW_QTY_ONE, 5000); /* not judged: not discharged */
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* The stay plus lines (item, time, qty): the findings tagged excess_days (all must be). */
typedef struct extra {
	const char *id, *item, *t;
	cw_qty qty;
} extra;

static cw_findings *with_extras(cw_dataset **ds, const extra *x, size_t n, const char *rules)
{
	cw_builder *b = stay_world();
	for (size_t i = 0; i < n; i++)
		tu_add_line(b, x[i].id, "S", x[i].item, x[i].t, x[i].qty, !strcmp(x[i].item, "BED") ? 5000 : 2000);
	*ds = tu_finish(b);
	cw_findings *fs = tu_detect(*ds, "phantom_service", rules);
	assert_int_equal(dc_count_tag(fs, "excess_days"), cw_findings_count(fs));
	return fs;
}

static void test_excess_days(void **state)
{
	(void)state;
	cw_dataset *ds;
	char lines[256];
	/* the discharge day billed too (算入又算出): one day too many of each, on the discharge day's lines */
	static const extra both[] = { { "B14", "BED", "2026-05-14 09:00", CW_QTY_ONE },
		                      { "N14", "NURSE", "2026-05-14 09:00", CW_QTY_ONE } };
	cw_findings *fs = with_extras(&ds, both, 2, NULL);
	assert_int_equal(cw_findings_count(fs), 1);
	cw_record r = dc_get(fs, 0);
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "B14 N14");
	assert_int_equal(r.f.suspect, 7000);
	assert_int_equal(r.f.when, tu_time("2026-05-14 10:00"));
	assert_int_equal(r.f.severity, CW_VIOLATION);
	assert_non_null(strstr(r.reason, "lasted 4 day(s)"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* turned off */
	fs = with_extras(&ds, both, 2, "{\"detectors\": {\"phantom_service\": {\"excess_days\": false}}}");
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* a line of 3 nursing days at once after the 4 billed: all 3 beyond, valued at its unit price (a
	 * line only partly beyond: test_excess_month) */
	static const extra lump[] = { { "NL", "NURSE", "2026-05-13 18:00", 3 * CW_QTY_ONE } };
	fs = with_extras(&ds, lump, 1, NULL);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "NL");
	assert_int_equal(dc_get(fs, 0).f.suspect, 3 * 2000);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* May 11 billed two bed days on one line: the excess falls on that line, not on the last day's */
	static const extra twice[] = { { "B11x", "BED", "2026-05-11 12:00", 2 * CW_QTY_ONE } };
	fs = with_extras(&ds, twice, 1, NULL);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "B11x");
	assert_int_equal(dc_get(fs, 0).f.suspect, 2 * 5000);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* the last night's bed posted at 23:50 on the discharge day, instead of May 13's: 4 days, no finding
	 * (nor is it outside the stay: the grace) */
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-05-10 14:00", "2026-05-14 10:00", "J18.9");
	tu_add_line(b, "B10", "S", "BED", "2026-05-10 14:10", CW_QTY_ONE, 5000);
	tu_add_line(b, "B11", "S", "BED", "2026-05-11 07:00", CW_QTY_ONE, 5000);
	tu_add_line(b, "B12", "S", "BED", "2026-05-12 07:00", CW_QTY_ONE, 5000);
	tu_add_line(b, "B14", "S", "BED", "2026-05-14 23:50", CW_QTY_ONE, 5000);
	ds = tu_finish(b);
	fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* a refunded extra day is no extra day; a line beyond the grace is (a)'s, not (b)'s */
	static const extra gone[] = { { "B14", "BED", "2026-05-14 09:00", CW_QTY_ONE },
		                      { "R14", "BED", "2026-05-14 09:30", -CW_QTY_ONE },
		                      { "B16", "BED", "2026-05-16 09:00", CW_QTY_ONE } };
	b = stay_world();
	for (size_t i = 0; i < 3; i++)
		tu_add_line(b, gone[i].id, "S", gone[i].item, gone[i].t, gone[i].qty, 5000);
	ds = tu_finish(b);
	fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_string_equal(dc_get(fs, 0).f.tag, "after_discharge");
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* A stay admitted and discharged the same day lasts one day. */
static void test_same_day_stay(void **state)
{
	(void)state;
	for (int extra_day = 0; extra_day < 2; extra_day++) {
		cw_builder *b = world("2026-05");
		tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-05-10 08:00", "2026-05-10 20:00", "O80");
		tu_add_line(b, "B1", "S", "BED", "2026-05-10 09:00", CW_QTY_ONE, 5000);
		if (extra_day)
			tu_add_line(b, "B2", "S", "BED", "2026-05-10 19:00", CW_QTY_ONE, 5000);
		cw_dataset *ds = tu_finish(b);
		cw_findings *fs = run(ds);
		assert_int_equal(cw_findings_count(fs), (size_t)extra_day);
		if (extra_day)
			assert_int_equal(tu_find(ds, fs, "B2", "excess_days"), 0);
		cw_findings_free(fs);
		cw_dataset_free(ds);
	}
}

/* A stay discharged in June is judged in June. */
static void test_excess_month(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-05-30 08:00", "2026-06-01 10:00", "J18.9");
	tu_add_line(b, "B1", "S", "BED", "2026-05-30 09:00", 5 * CW_QTY_ONE, 5000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	b = world("2026-06");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-05-30 08:00", "2026-06-01 10:00", "J18.9");
	tu_add_line(b, "B1", "S", "BED", "2026-05-30 09:00", 5 * CW_QTY_ONE, 5000);
	ds = tu_finish(b);
	fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_int_equal(dc_get(fs, 0).f.suspect, 3 * 5000);
	assert_int_equal(dc_get(fs, 0).f.when, tu_time("2026-06-01 10:00"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* Stay S of PM at H1 May 10-20 (open when open), plus an outpatient visit O of physician phys, kind,
 * admitted at t with a registration and a consult, and a drug when care (refunded when care is 2).
 * The number of empty_swipe findings (all must be). */
static size_t swipe(const char *phys, int kind, const char *t, int care, int open, const char *rules)
{
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-05-10 14:00", open ? NULL : "2026-05-20 10:00", "J18.9");
	tu_add_visit(b, "O", "PM", phys, kind, t, NULL, "J06.9");
	tu_add_line(b, "G", "O", "REG", t, CW_QTY_ONE, 100);
	tu_add_line(b, "C", "O", "CONS", t, CW_QTY_ONE, 1000);
	if (care) {
		char t2[32];
		snprintf(t2, sizeof t2, "%.11s23:00", t);
		tu_add_line(b, "D", "O", "DRUG", t, CW_QTY_ONE, 1000);
		if (care == 2)
			tu_add_line(b, "R", "O", "DRUG", t2, -CW_QTY_ONE, 1000);
	}
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "phantom_service", rules);
	size_t n = dc_count_tag(fs, "empty_swipe");
	assert_int_equal(n, cw_findings_count(fs));
	if (n) {
		char lines[256];
		cw_record r = dc_get(fs, 0);
		assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "C G"); /* same minute: by line id */
		assert_int_equal(r.f.suspect, 1100);
		assert_int_equal(r.f.severity, CW_SUSPICIOUS);
		assert_string_equal(dc_visit(ds, fs, 0), "O");
		assert_string_equal(dc_physician(ds, fs, 0), phys);
		assert_non_null(strstr(r.reason, "H1"));
	}
	cw_findings_free(fs);
	cw_dataset_free(ds);
	return n;
}

static void test_empty_swipe(void **state)
{
	(void)state;
	/* DR3 works at H2, DR2 at H1 (the stay's own institution), DR4 at H3 */
	assert_int_equal(swipe("DR3", CW_OUTPATIENT, "2026-05-12 09:00", 0, 0, NULL), 1);
	assert_int_equal(swipe("DR4", CW_OUTPATIENT, "2026-05-19 16:00", 0, 0, NULL), 1);
	assert_int_equal(swipe("DR3", CW_OUTPATIENT, "2026-05-12 09:00", 1, 0, NULL), 0); /* care given */
	assert_int_equal(swipe("DR3", CW_OUTPATIENT, "2026-05-12 09:00", 2, 0, NULL), 1); /* care refunded */
	assert_int_equal(swipe("DR3", CW_OUTPATIENT, "2026-05-10 09:00", 0, 0, NULL), 0); /* admit day */
	assert_int_equal(swipe("DR3", CW_OUTPATIENT, "2026-05-20 15:00", 0, 0, NULL), 0); /* discharge day */
	assert_int_equal(swipe("DR3", CW_OUTPATIENT, "2026-05-21 09:00", 0, 0, NULL), 0); /* after */
	assert_int_equal(swipe("DR2", CW_OUTPATIENT, "2026-05-12 09:00", 0, 0, NULL), 0); /* same institution */
	assert_int_equal(swipe("DR3", CW_EMERGENCY, "2026-05-12 09:00", 0, 0, NULL), 0);
	assert_int_equal(swipe("DR3", CW_OUTPATIENT, "2026-05-11 00:00", 0, 1, NULL), 1); /* an open stay */
	assert_int_equal(swipe("DR3", CW_OUTPATIENT, "2026-05-12 09:00", 0, 0,
	                       "{\"detectors\": {\"phantom_service\": {\"empty_swipe\": false}}}"),
	                 0);
}

/* A visit of April is April's. */
static void test_swipe_month(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PM", "DR1", CW_INPATIENT, "2026-04-20 14:00", "2026-05-20 10:00", "J18.9");
	tu_add_visit(b, "O", "PM", "DR3", CW_OUTPATIENT, "2026-04-29 09:00", NULL, "J06.9");
	tu_add_line(b, "G", "O", "REG", "2026-04-29 09:00", CW_QTY_ONE, 100);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_empty_and_threads(void **state)
{
	(void)state;
	cw_dataset *ds = tu_finish(world("2026-05"));
	cw_findings *fs = run(ds);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* many patients, each with a stay and a bed line after its discharge */
	cw_builder *b = world("2026-05");
	char vid[32], lid[32];
	for (int n = 0; n < 300; n++) {
		tu_add_stay(b, n, "2026-05-02 08:00", vid);
		snprintf(lid, sizeof lid, "L%04d", n);
		tu_add_line(b, lid, vid, "BED", "2026-04-25 08:00", CW_QTY_ONE, 5000);
	}
	ds = tu_finish(b);
	assert_int_equal(dc_same_with_threads(ds, "phantom_service"), 0); /* April's lines: April's findings */
	cw_dataset_free(ds);
	b = world("2026-04");
	for (int n = 0; n < 300; n++) {
		tu_add_stay(b, n, "2026-05-02 08:00", vid);
		snprintf(lid, sizeof lid, "L%04d", n);
		tu_add_line(b, lid, vid, "BED", "2026-04-25 08:00", CW_QTY_ONE, 5000);
	}
	ds = tu_finish(b);
	assert_int_equal(dc_same_with_threads(ds, "phantom_service"), 300);
	cw_dataset_free(ds);
}

/* (d) Patient PD (died on `death`, NULL: none recorded) with an outpatient visit O of DR1 on May 12 at
 * 09:00 (a registration G) and one line X of a drug at t, in a run of `month`; the number of after_death
 * findings (all must be). A finding must hold the line X alone (both when died before May 12). */
static size_t after_death_one(const char *month, const char *death, const char *t, const char *rules)
{
	cw_builder *b = world(month);
	tu_add_patient_died(b, "PD", CW_SEX_F, "1940-03-01", death);
	tu_add_visit(b, "O", "PD", "DR1", CW_OUTPATIENT, "2026-05-12 09:00", NULL, "J06.9");
	tu_add_line(b, "G", "O", "REG", "2026-05-12 09:00", CW_QTY_ONE, 100);
	tu_add_line(b, "X", "O", "DRUG", t, 2 * CW_QTY_ONE, 1000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "phantom_service", rules);
	size_t n = dc_count_tag(fs, "after_death");
	assert_int_equal(n, cw_findings_count(fs));
	if (n) {
		char lines[256];
		cw_record r = dc_get(fs, 0);
		int both = strcmp(death, "2026-05-12") < 0;
		assert_int_equal(n, 1);
		assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), both ? "G X" : "X");
		assert_int_equal(r.f.suspect, both ? 2100 : 2000);
		assert_int_equal(r.f.when, tu_time(t));
		assert_int_equal(r.f.severity, CW_VIOLATION);
		assert_int_equal(r.f.cls, CW_CLASS_STAY);
		assert_string_equal(dc_visit(ds, fs, 0), "O");
		assert_string_equal(dc_physician(ds, fs, 0), "DR1");
		assert_non_null(strstr(r.reason, death));
	}
	cw_findings_free(fs);
	cw_dataset_free(ds);
	return n;
}

static void test_after_death_boundaries(void **state)
{
	(void)state;
	/* the death day itself is fine, to its last minute; the next day is not */
	assert_int_equal(after_death_one("2026-05", "2026-05-12", "2026-05-12 23:50", NULL), 0);
	assert_int_equal(after_death_one("2026-05", "2026-05-12", "2026-05-12 23:59", NULL), 0);
	assert_int_equal(after_death_one("2026-05", "2026-05-12", "2026-05-13 00:00", NULL), 1);
	assert_int_equal(after_death_one("2026-05", "2026-05-11", "2026-05-12 09:05", NULL), 1); /* G and X */
	/* no death date recorded */
	assert_int_equal(after_death_one("2026-05", NULL, "2026-05-20 10:00", NULL), 0);
	/* a death in a later month: May's lines come before it */
	assert_int_equal(after_death_one("2026-05", "2026-06-03", "2026-05-31 10:00", NULL), 0);
	/* a death in an earlier month: every later line is after it */
	assert_int_equal(after_death_one("2026-05", "2026-03-28", "2026-05-12 10:00", NULL), 1);
	/* a line after the death in June is June's, not May's */
	assert_int_equal(after_death_one("2026-05", "2026-05-20", "2026-06-02 10:00", NULL), 0);
	assert_int_equal(after_death_one("2026-06", "2026-05-20", "2026-06-02 10:00", NULL), 1);
	/* the grace as a key; the rule turned off */
	const char *one = "{\"detectors\": {\"phantom_service\": {\"death_grace_days\": 1}}}";
	const char *off = "{\"detectors\": {\"phantom_service\": {\"after_death\": false}}}";
	assert_int_equal(after_death_one("2026-05", "2026-05-12", "2026-05-13 23:59", one), 0);
	assert_int_equal(after_death_one("2026-05", "2026-05-12", "2026-05-14 00:00", one), 1);
	assert_int_equal(after_death_one("2026-05", "2026-05-11", "2026-05-20 10:00", off), 0);
}

/* (d) A stay that goes on after the death: the bed days after it are (d)'s, one finding for the stay;
 * refunded lines are no lines; the death day's own lines (23:50, the look-alike) are fine. */
static void test_stay_after_death(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_patient_died(b, "PD", CW_SEX_M, "1938-07-01", "2026-05-12");
	tu_add_visit(b, "S", "PD", "DR2", CW_INPATIENT, "2026-05-10 14:00", "2026-05-16 10:00", "J18.9");
	static const char *const days[] = { "10", "11", "12", "13", "14", "15" };
	for (int i = 0; i < 6; i++) {
		char id[32], t[32];
		snprintf(t, sizeof t, "2026-05-%s %s", days[i], i == 2 ? "23:50" : "07:00");
		snprintf(id, sizeof id, "B%s", days[i]);
		tu_add_line(b, id, "S", "BED", t, CW_QTY_ONE, 5000);
	}
	tu_add_line(b, "D15", "S", "DRUG", "2026-05-15 09:00", CW_QTY_ONE, 1000);
	tu_add_line(b, "R15", "S", "DRUG", "2026-05-15 10:00", -CW_QTY_ONE, 1000); /* D15 refunded */
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = run(ds);
	char lines[256];
	assert_int_equal(cw_findings_count(fs), 1);
	cw_record r = dc_get(fs, 0);
	assert_string_equal(r.f.tag, "after_death");
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "B13 B14 B15");
	assert_int_equal(r.f.suspect, 3 * 5000);
	assert_int_equal(r.f.when, tu_time("2026-05-15 07:00"));
	assert_string_equal(dc_physician(ds, fs, 0), "DR2");
	assert_non_null(strstr(r.reason, "2026-05-12"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* (d) Lines after the death are (d)'s alone: a stay closed at the death billed on for days after it is
 * not also (a)'s after_discharge nor (b)'s excess; an empty card swipe after the death elsewhere is not
 * also (c)'s. With (d) turned off, (a) and (c) judge them as before. */
static void test_after_death_alone(void **state)
{
	(void)state;
	for (int off = 0; off < 2; off++) {
		cw_builder *b = world("2026-05");
		tu_add_patient_died(b, "PD", CW_SEX_M, "1938-07-01", "2026-05-12");
		tu_add_visit(b, "S", "PD", "DR1", CW_INPATIENT, "2026-05-10 14:00", "2026-05-12 23:00", "J18.9");
		tu_add_line(b, "B10", "S", "BED", "2026-05-10 15:00", CW_QTY_ONE, 5000);
		tu_add_line(b, "B11", "S", "BED", "2026-05-11 07:00", CW_QTY_ONE, 5000);
		tu_add_line(b, "B13", "S", "BED", "2026-05-13 07:00", CW_QTY_ONE, 5000); /* in (a)'s grace */
		tu_add_line(b, "B17", "S", "BED", "2026-05-17 07:00", CW_QTY_ONE, 5000);
		/* an open stay elsewhere (H2) from May 14, and an empty swipe at H3 on May 15 */
		tu_add_visit(b, "S2", "PD", "DR3", CW_INPATIENT, "2026-05-14 10:00", NULL, "J18.9");
		tu_add_line(b, "B2", "S2", "BED", "2026-05-14 11:00", CW_QTY_ONE, 5000);
		tu_add_visit(b, "O", "PD", "DR4", CW_OUTPATIENT, "2026-05-15 09:00", NULL, "J06.9");
		tu_add_line(b, "G", "O", "REG", "2026-05-15 09:00", CW_QTY_ONE, 100);
		cw_dataset *ds = tu_finish(b);
		cw_findings *fs = tu_detect(ds, "phantom_service",
		                            off ? "{\"detectors\": {\"phantom_service\": {\"after_death\": false}}}" : NULL);
		if (!off) {
			assert_int_equal(cw_findings_count(fs), 3);
			assert_int_equal(dc_count_tag(fs, "after_death"), 3);
			assert_true(tu_find(ds, fs, "B13 B17", "after_death") >= 0);
			assert_true(tu_find(ds, fs, "B2", "after_death") >= 0);
			assert_true(tu_find(ds, fs, "G", "after_death") >= 0);
		} else {
			/* B13 within (a)'s grace, B13 and B17 beyond the 2 days the stay lasted */
			assert_true(tu_find(ds, fs, "B17", "after_discharge") >= 0);
			assert_true(tu_find(ds, fs, "G", "empty_swipe") >= 0);
			assert_int_equal(dc_count_tag(fs, "after_death"), 0);
		}
		cw_findings_free(fs);
		cw_dataset_free(ds);
	}
}

/* (d) Many dead patients, on several threads: the same findings. */
static void test_after_death_threads(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	char pid[32], vid[32], lid[32];
	for (int n = 0; n < 300; n++) {
		snprintf(pid, sizeof pid, "PD%04d", n);
		snprintf(vid, sizeof vid, "VD%04d", n);
		snprintf(lid, sizeof lid, "LD%04d", n);
		tu_add_patient_died(b, pid, CW_SEX_F, "1950-01-01", n % 2 ? "2026-05-03" : NULL);
		tu_add_visit(b, vid, pid, "DR1", CW_OUTPATIENT, "2026-05-04 09:00", NULL, "J06.9");
		tu_add_line(b, lid, vid, "DRUG", "2026-05-04 09:10", CW_QTY_ONE, 1000);
	}
	cw_dataset *ds = tu_finish(b);
	assert_int_equal(dc_same_with_threads(ds, "phantom_service"), 150);
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_stay),
		cmocka_unit_test(test_outside_boundaries),
		cmocka_unit_test(test_bed_days_after_discharge),
		cmocka_unit_test(test_open_stay),
		cmocka_unit_test(test_excess_days),
		cmocka_unit_test(test_same_day_stay),
		cmocka_unit_test(test_excess_month),
		cmocka_unit_test(test_empty_swipe),
		cmocka_unit_test(test_swipe_month),
		cmocka_unit_test(test_empty_and_threads),
		cmocka_unit_test(test_after_death_boundaries),
		cmocka_unit_test(test_stay_after_death),
		cmocka_unit_test(test_after_death_alone),
		cmocka_unit_test(test_after_death_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
