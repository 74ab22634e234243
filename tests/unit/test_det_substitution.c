/* test_det_substitution.c: drug lines that no prescription line of the visit covers (a), beyond the
 * quantity prescribed (b), a dearer drug of the group in place of the cheaper one prescribed (c); the
 * window of hours, the groups, refunds, months and the institutions without prescriptions, each at its
 * boundaries. */
#include "detcheck.h"

/* P, B (dearer) and C (cheaper) share the group XC08CA; O is of another group; X1 and X2 are codes
 * shorter than the prefix. */
static cw_builder *world(const char *month)
{
	static const struct { const char *code; int cat; cw_fen price; } items[] = {
		{ "XC08CAA011", CW_CAT_DRUG, 1000 }, { "XC08CAA012", CW_CAT_DRUG, 1500 }, { "XC08CAA013", CW_CAT_DRUG, 800 },
		{ "XA02BCA036", CW_CAT_DRUG, 2000 }, { "X1", CW_CAT_DRUG, 1000 },         { "X2", CW_CAT_DRUG, 3000 },
		{ "LAB", CW_CAT_LAB, 3000 },
	};
	cw_builder *b = tu_builder(month);
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
		cw_item_row r = tu_item_row(items[i].code, items[i].cat, items[i].price);
		tu_add_item(b, &r);
	}
	/* anchors: H1 has prescriptions on outpatient visits and on stays */
	tu_add_visit(b, "A", "PU", "DR2", CW_OUTPATIENT, "2026-05-02 09:00", NULL, "I10");
	tu_add_rx(b, "RA", 1, "A", "DR2", "2026-05-02 09:10", "XC08CAA011", CW_QTY_ONE, 7, 1000);
	tu_add_line(b, "LA", "A", "XC08CAA011", "2026-05-02 09:10", CW_QTY_ONE, 1000);
	tu_add_visit(b, "AS", "PU", "DR2", CW_INPATIENT, "2026-05-03 09:00", "2026-05-04 09:00", "I10");
	tu_add_rx(b, "RAS", 1, "AS", "DR2", "2026-05-03 10:00", "XC08CAA011", CW_QTY_ONE, 1, 1000);
	tu_add_line(b, "LAS", "AS", "XC08CAA011", "2026-05-03 10:00", CW_QTY_ONE, 1000);
	/* the visits the tests fill */
	tu_add_visit(b, "O", "PM", "DR1", CW_OUTPATIENT, "2026-05-12 09:00", NULL, "I10");
	tu_add_visit(b, "O2", "PM", "DR1", CW_OUTPATIENT, "2026-05-12 15:00", NULL, "I10");
	return b;
}

typedef struct rxs {
	const char *visit, *t, *drug;
	cw_qty qty;
} rxs;

typedef struct lns {
	const char *id, *visit, *item, *t;
	cw_qty qty;
	cw_fen unit; /* 0: the item's price */
} lns;

static cw_fen price_of(const char *item)
{
	return !strcmp(item, "XC08CAA012") ? 1500 : !strcmp(item, "XC08CAA013") ? 800 : !strcmp(item, "XA02BCA036") ? 2000
	       : !strcmp(item, "X2")        ? 3000 : 1000;
}

static cw_builder *fill(cw_builder *b, const rxs *rx, size_t nrx, const lns *ln, size_t nln)
{
	for (size_t i = 0; i < nrx; i++) {
		char id[16];
		snprintf(id, sizeof id, "R%zu", i);
		tu_add_rx(b, id, 1, rx[i].visit, "DR1", rx[i].t, rx[i].drug, rx[i].qty, 3,
		          price_of(rx[i].drug) * rx[i].qty / CW_QTY_ONE);
	}
	for (size_t i = 0; i < nln; i++)
		tu_add_line(b, ln[i].id, ln[i].visit, ln[i].item, ln[i].t, ln[i].qty,
		            ln[i].unit ? ln[i].unit : price_of(ln[i].item));
	return b;
}

/* The findings of a May run over the world plus these rows. */
static cw_findings *judge(cw_dataset **ds, const rxs *rx, size_t nrx, const lns *ln, size_t nln, const char *rules)
{
	*ds = tu_finish(fill(world("2026-05"), rx, nrx, ln, nln));
	return tu_detect(*ds, "substitution", rules);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* One finding expected (or none when tag is NULL): its tag, evidence and money. */
static void expect(const rxs *rx, size_t nrx, const lns *ln, size_t nln, const char *rules, const char *tag,
                   const char *lines, cw_fen suspect)
{
	cw_dataset *ds;
	cw_findings *fs = judge(&ds, rx, nrx, ln, nln, rules);
	if (!tag) {
		if (cw_findings_count(fs))
			fail_msg("expected no finding, got %s: %s", dc_get(fs, 0).f.tag, dc_get(fs, 0).reason);
	} else {
		char got[256];
		assert_int_equal(cw_findings_count(fs), 1);
		cw_record r = dc_get(fs, 0);
		assert_string_equal(r.f.tag, tag);
		assert_string_equal(tu_lines(ds, fs, 0, got, sizeof got), lines);
		assert_int_equal(r.f.suspect, suspect);
		assert_int_equal(r.f.severity, CW_VIOLATION);
		assert_int_equal(r.f.cls, CW_CAT_DRUG);
	}
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_clean(void **state)
{
	(void)state;
	static const rxs rx[] = { { "O", "2026-05-12 09:30", "XC08CAA011", 2 * CW_QTY_ONE },
		                  { "O", "2026-05-12 09:30", "XA02BCA036", CW_QTY_ONE } };
	static const lns ln[] = { { "L1", "O", "XC08CAA011", "2026-05-12 09:30", 2 * CW_QTY_ONE, 0 },
		                  { "L2", "O", "XA02BCA036", "2026-05-12 09:40", CW_QTY_ONE, 0 },
		                  { "L3", "O", "LAB", "2026-05-12 09:20", CW_QTY_ONE, 0 } }; /* a lab needs none */
	expect(rx, N(rx), ln, N(ln), NULL, NULL, NULL, 0);
	cw_dataset *ds = tu_finish(world("2026-05"));
	cw_findings *fs = tu_detect(ds, "substitution", NULL);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* (a) A drug line with no prescription line: the whole line, its fields. */
static void test_unprescribed(void **state)
{
	(void)state;
	static const rxs rx[] = { { "O", "2026-05-12 09:30", "XC08CAA011", CW_QTY_ONE } };
	static const lns ln[] = { { "L1", "O", "XC08CAA011", "2026-05-12 09:30", CW_QTY_ONE, 0 },
		                  { "L2", "O", "XA02BCA036", "2026-05-12 09:31", 2 * CW_QTY_ONE, 0 } };
	cw_dataset *ds;
	cw_findings *fs = judge(&ds, rx, N(rx), ln, N(ln), NULL);
	assert_int_equal(cw_findings_count(fs), 1);
	cw_record r = dc_get(fs, 0);
	char lines[64];
	assert_string_equal(r.f.tag, "unprescribed");
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "L2");
	assert_int_equal(r.f.suspect, 4000);
	assert_int_equal(r.f.when, tu_time("2026-05-12 09:31"));
	assert_string_equal(dc_visit(ds, fs, 0), "O");
	assert_string_equal(dc_physician(ds, fs, 0), "DR1");
	assert_string_equal(cw_dataset_str(ds, cw_dataset_items(ds)->code[r.f.item]), "XA02BCA036");
	assert_non_null(strstr(r.reason, "within 24 h"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* a prescription of another visit of the same patient and day covers nothing */
	static const rxs other[] = { { "O2", "2026-05-12 15:00", "XA02BCA036", 2 * CW_QTY_ONE } };
	static const lns one[] = { { "L2", "O", "XA02BCA036", "2026-05-12 09:31", 2 * CW_QTY_ONE, 0 } };
	expect(other, N(other), one, N(one), NULL, "unprescribed", "L2", 4000);
}

/* The window: the same calendar day whatever the order, or a prescription at most window_hours before. */
static void test_window(void **state)
{
	(void)state;
	static const struct { const char *rx, *line, *rules; int flagged; } cases[] = {
		{ "2026-05-12 20:00", "2026-05-12 08:00", NULL, 0 },  /* written later the same day */
		{ "2026-05-11 18:30", "2026-05-12 08:00", NULL, 0 },  /* the evening before a morning dispense */
		{ "2026-05-11 09:00", "2026-05-12 09:00", NULL, 0 },  /* exactly 24 h */
		{ "2026-05-11 08:59", "2026-05-12 09:00", NULL, 1 },  /* 24 h and a minute */
		{ "2026-05-13 00:00", "2026-05-12 23:59", NULL, 1 },  /* written the next day */
		{ "2026-05-11 23:59", "2026-05-12 00:00", "{\"detectors\": {\"substitution\": {\"window_hours\": 0}}}", 1 },
		{ "2026-05-12 00:00", "2026-05-12 23:59", "{\"detectors\": {\"substitution\": {\"window_hours\": 0}}}", 0 },
		{ "2026-05-10 09:00", "2026-05-12 09:00", "{\"detectors\": {\"substitution\": {\"window_hours\": 48}}}", 0 },
		{ "2026-05-10 08:59", "2026-05-12 09:00", "{\"detectors\": {\"substitution\": {\"window_hours\": 48}}}", 1 },
	};
	for (size_t i = 0; i < N(cases); i++) {
		rxs rx[] = { { "O", cases[i].rx, "XC08CAA011", CW_QTY_ONE } };
		lns ln[] = { { "L1", "O", "XC08CAA011", cases[i].line, CW_QTY_ONE, 0 } };
		expect(rx, 1, ln, 1, cases[i].rules, cases[i].flagged ? "unprescribed" : NULL, "L1", 1000);
	}
}

/* (b) More than prescribed; a partial dispense and a quantity drawn from several prescriptions are not. */
static void test_quantity(void **state)
{
	(void)state;
	static const rxs two[] = { { "O", "2026-05-12 09:30", "XC08CAA011", 2 * CW_QTY_ONE } };
	lns ln[] = { { "L1", "O", "XC08CAA011", "2026-05-12 09:30", 2 * CW_QTY_ONE, 0 } };
	expect(two, 1, ln, 1, NULL, NULL, NULL, 0);
	ln[0].qty = CW_QTY_ONE; /* a partial dispense */
	expect(two, 1, ln, 1, NULL, NULL, NULL, 0);
	ln[0].qty = 2 * CW_QTY_ONE + 1; /* a thousandth beyond: 1 fen at 10.00 a unit */
	expect(two, 1, ln, 1, NULL, "over_quantity", "L1", 1);
	ln[0].qty = 3 * CW_QTY_ONE;
	expect(two, 1, ln, 1, NULL, "over_quantity", "L1", 1000);
	/* two prescription lines of one each cover a line of two */
	static const rxs ones[] = { { "O", "2026-05-12 09:30", "XC08CAA011", CW_QTY_ONE },
		                    { "O", "2026-05-12 10:30", "XC08CAA011", CW_QTY_ONE } };
	ln[0].qty = 2 * CW_QTY_ONE;
	expect(ones, 2, ln, 1, NULL, NULL, NULL, 0);
	/* billed twice: the second line is beyond, whole */
	static const lns twice[] = { { "L1", "O", "XC08CAA011", "2026-05-12 09:30", 2 * CW_QTY_ONE, 0 },
		                     { "L2", "O", "XC08CAA011", "2026-05-12 11:00", 2 * CW_QTY_ONE, 0 } };
	expect(two, 1, twice, 2, NULL, "over_quantity", "L2", 2000);
	/* a refunded line is no line: billed 3, refunded, billed 2 */
	static const lns refunded[] = { { "L1", "O", "XC08CAA011", "2026-05-12 09:30", 3 * CW_QTY_ONE, 0 },
		                        { "R1", "O", "XC08CAA011", "2026-05-12 09:45", -3 * CW_QTY_ONE, 0 },
		                        { "L2", "O", "XC08CAA011", "2026-05-12 10:00", 2 * CW_QTY_ONE, 0 } };
	expect(two, 1, refunded, 3, NULL, NULL, NULL, 0);
}

/* (c) A dearer drug of the prescribed drug's group in its place. */
static void test_substitute(void **state)
{
	(void)state;
	static const rxs p2[] = { { "O", "2026-05-12 09:30", "XC08CAA011", 2 * CW_QTY_ONE } };
	lns b[] = { { "L1", "O", "XC08CAA012", "2026-05-12 09:30", 2 * CW_QTY_ONE, 0 } };
	expect(p2, 1, b, 1, NULL, "dearer_substitute", "L1", 2 * 500);
	/* beyond the quantity prescribed, the whole price */
	b[0].qty = 3 * CW_QTY_ONE;
	expect(p2, 1, b, 1, NULL, "dearer_substitute", "L1", 2 * 500 + 1500);
	/* billed at the prescribed drug's price or below: nothing lost */
	b[0].qty = 2 * CW_QTY_ONE;
	b[0].unit = 1000;
	expect(p2, 1, b, 1, NULL, NULL, NULL, 0);
	b[0].unit = 0;
	/* the rule off: an unprescribed line */
	expect(p2, 1, b, 1, "{\"detectors\": {\"substitution\": {\"group_prefix\": 0}}}", "unprescribed", "L1", 3000);
	/* a cheaper one of the group: nothing lost, no finding */
	static const lns c[] = { { "L1", "O", "XC08CAA013", "2026-05-12 09:30", 2 * CW_QTY_ONE, 0 } };
	expect(p2, 1, c, 1, NULL, NULL, NULL, 0);
	/* the prescribed drug billed too: the dearer one is unprescribed */
	static const lns both[] = { { "L1", "O", "XC08CAA011", "2026-05-12 09:30", 2 * CW_QTY_ONE, 0 },
		                    { "L2", "O", "XC08CAA012", "2026-05-12 09:31", 2 * CW_QTY_ONE, 0 } };
	expect(p2, 1, both, 2, NULL, "unprescribed", "L2", 3000);
	/* another group, a prescription outside the window, codes shorter than the prefix: unprescribed */
	static const lns o[] = { { "L1", "O", "XA02BCA036", "2026-05-12 09:30", CW_QTY_ONE, 0 } };
	expect(p2, 1, o, 1, NULL, "unprescribed", "L1", 2000);
	static const rxs old[] = { { "O", "2026-05-11 09:29", "XC08CAA011", 2 * CW_QTY_ONE } };
	expect(old, 1, b, 1, NULL, "unprescribed", "L1", 3000);
	static const rxs x1[] = { { "O", "2026-05-12 09:30", "X1", CW_QTY_ONE } };
	static const lns x2[] = { { "L1", "O", "X2", "2026-05-12 09:30", CW_QTY_ONE, 0 } };
	expect(x1, 1, x2, 1, NULL, "unprescribed", "L1", 3000);
	expect(x1, 1, x2, 1, "{\"detectors\": {\"substitution\": {\"group_prefix\": 1}}}", "dearer_substitute", "L1",
	       2000);
	/* the reason names both drugs */
	cw_dataset *ds;
	cw_findings *fs = judge(&ds, p2, 1, b, 1, NULL);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_non_null(strstr(dc_get(fs, 0).reason, "XC08CAA012"));
	assert_non_null(strstr(dc_get(fs, 0).reason, "XC08CAA011"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* Findings group a visit's lines by tag and drug; lines of the month only. */
static void test_grouping(void **state)
{
	(void)state;
	static const lns ln[] = { { "L1", "O", "XA02BCA036", "2026-05-12 09:30", CW_QTY_ONE, 0 },
		                  { "L2", "O", "XC08CAA011", "2026-05-12 09:31", CW_QTY_ONE, 0 },
		                  { "L3", "O", "XA02BCA036", "2026-05-12 16:00", CW_QTY_ONE, 0 } };
	cw_dataset *ds;
	cw_findings *fs = judge(&ds, NULL, 0, ln, N(ln), NULL);
	assert_int_equal(cw_findings_count(fs), 2);
	assert_true(tu_find(ds, fs, "L1 L3", "unprescribed") >= 0);
	assert_true(tu_find(ds, fs, "L2", "unprescribed") >= 0);
	int k = tu_find(ds, fs, "L1 L3", "unprescribed");
	assert_int_equal(dc_get(fs, (size_t)k).f.suspect, 4000);
	assert_int_equal(dc_get(fs, (size_t)k).f.when, tu_time("2026-05-12 16:00"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* A stay's daily orders: one day billed twice the order; the take-home drug prescribed the evening
 * before the morning of the discharge. */
static void test_stay(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PF", "DR1", CW_INPATIENT, "2026-05-10 14:00", "2026-05-15 10:00", "I10");
	for (int d = 10; d <= 14; d++) {
		char id[16], t[32];
		snprintf(t, sizeof t, "2026-05-%d 09:15", d);
		snprintf(id, sizeof id, "RS%d", d);
		tu_add_rx(b, id, 1, "S", "DR1", t, "XC08CAA011", CW_QTY_ONE, 1, 1000);
		snprintf(id, sizeof id, "S%d", d);
		tu_add_line(b, id, "S", "XC08CAA011", t, d == 12 ? 2 * CW_QTY_ONE : CW_QTY_ONE, 1000);
	}
	tu_add_rx(b, "RH", 1, "S", "DR1", "2026-05-14 19:00", "XA02BCA036", CW_QTY_ONE, 7, 2000);
	tu_add_line(b, "SH", "S", "XA02BCA036", "2026-05-15 09:30", CW_QTY_ONE, 2000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "substitution", NULL);
	char lines[64];
	assert_int_equal(cw_findings_count(fs), 1);
	assert_string_equal(dc_get(fs, 0).f.tag, "over_quantity");
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "S12");
	assert_int_equal(dc_get(fs, 0).f.suspect, 1000);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* day 12's order billed as the dearer drug of its group: the next day's dispense takes its own
	 * day's order, and day 12's is left to judge the substitute against */
	b = world("2026-05");
	tu_add_visit(b, "S", "PF", "DR1", CW_INPATIENT, "2026-05-10 14:00", "2026-05-15 10:00", "I10");
	for (int d = 10; d <= 14; d++) {
		char id[16], t[32];
		snprintf(t, sizeof t, "2026-05-%d 09:15", d);
		snprintf(id, sizeof id, "RS%d", d);
		tu_add_rx(b, id, 1, "S", "DR1", t, "XC08CAA011", CW_QTY_ONE, 1, 1000);
		snprintf(id, sizeof id, "S%d", d);
		tu_add_line(b, id, "S", d == 12 ? "XC08CAA012" : "XC08CAA011", t, CW_QTY_ONE, d == 12 ? 1500 : 1000);
	}
	ds = tu_finish(b);
	fs = tu_detect(ds, "substitution", NULL);
	assert_int_equal(cw_findings_count(fs), 1);
	assert_string_equal(dc_get(fs, 0).f.tag, "dearer_substitute");
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "S12");
	assert_int_equal(dc_get(fs, 0).f.suspect, 500);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* An institution, or a kind of visit at it, with no prescription lines in the window is not judged. */
static void test_no_prescriptions(void **state)
{
	(void)state;
	/* DR3 works at H2, which has no prescriptions */
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "V2", "PF", "DR3", CW_OUTPATIENT, "2026-05-12 09:00", NULL, "I10");
	tu_add_line(b, "L1", "V2", "XC08CAA011", "2026-05-12 09:30", CW_QTY_ONE, 1000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "substitution", NULL);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	/* one prescription line on any outpatient visit of H2 and it is judged */
	b = world("2026-05");
	tu_add_visit(b, "V2", "PF", "DR3", CW_OUTPATIENT, "2026-05-12 09:00", NULL, "I10");
	tu_add_line(b, "L1", "V2", "XC08CAA011", "2026-05-12 09:30", CW_QTY_ONE, 1000);
	tu_add_visit(b, "V3", "PC", "DR3", CW_EMERGENCY, "2026-05-20 09:00", NULL, "J06.9");
	tu_add_rx(b, "R3", 1, "V3", "DR3", "2026-05-20 09:10", "X1", CW_QTY_ONE, 1, 1000);
	tu_add_visit(b, "S3", "PC", "DR3", CW_INPATIENT, "2026-05-21 09:00", "2026-05-23 09:00", "J18.9");
	tu_add_line(b, "L3", "S3", "X1", "2026-05-21 10:00", CW_QTY_ONE, 1000); /* H2's stays: none */
	ds = tu_finish(b);
	fs = tu_detect(ds, "substitution", NULL);
	assert_int_equal(cw_findings_count(fs), 1); /* V2's line; V3's prescription never billed is none */
	char lines[64];
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "L1");
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* A line of the look-back is the look-back's; a prescription of the look-back covers the month's line. */
static void test_month(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PF", "DR1", CW_INPATIENT, "2026-04-28 14:00", "2026-05-03 10:00", "I10");
	tu_add_line(b, "S1", "S", "XA02BCA036", "2026-04-29 09:00", CW_QTY_ONE, 2000); /* April's finding */
	tu_add_rx(b, "RS", 1, "S", "DR1", "2026-04-30 20:00", "XC08CAA011", CW_QTY_ONE, 1, 1000);
	tu_add_line(b, "S2", "S", "XC08CAA011", "2026-05-01 07:00", CW_QTY_ONE, 1000);
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "substitution", NULL);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_threads(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	char vid[32], lid[32], rid[32];
	for (int n = 0; n < 300; n++) {
		tu_add_stay(b, n, "2026-05-02 08:00", vid);
		snprintf(lid, sizeof lid, "L%04d", n);
		tu_add_line(b, lid, vid, n % 2 ? "XC08CAA012" : "XC08CAA011", "2026-05-02 09:00", 2 * CW_QTY_ONE,
		            n % 2 ? 1500 : 1000);
		snprintf(rid, sizeof rid, "R%04d", n);
		if (n % 5 != 1)
			tu_add_rx(b, rid, 1, vid, "DR1", "2026-05-02 08:30", "XC08CAA011", CW_QTY_ONE, 1, 1000);
	}
	cw_dataset *ds = tu_finish(b);
	/* every stay is judged (its institution has stays with prescriptions): a fifth without, the rest
	 * with half the quantity or a dearer drug */
	assert_int_equal(dc_same_with_threads(ds, "substitution"), 300);
	cw_dataset_free(ds);
}

/* A stay with thousands of dispenses of one drug, each with its order (every 5 minutes for 17 days):
 * each line looks at the orders of its window only; the last one billed twice. */
static void test_many_orders(void **state)
{
	(void)state;
	cw_builder *b = world("2026-05");
	tu_add_visit(b, "S", "PF", "DR1", CW_INPATIENT, "2026-05-10 00:00", "2026-05-28 00:00", "I10");
	cw_minute t0 = tu_time("2026-05-10 00:00");
	const int n = 5000;
	for (int i = 0; i < n; i++) {
		char id[16], t[32], day[CW_FMT_SIZE];
		snprintf(t, sizeof t, "%s", cw_format_time(day, t0 + 5 * i));
		snprintf(id, sizeof id, "R%05d", i);
		tu_add_rx(b, id, 1, "S", "DR1", t, "XC08CAA011", CW_QTY_ONE, 1, 1000);
		snprintf(id, sizeof id, "L%05d", i);
		tu_add_line(b, id, "S", "XC08CAA011", t, i == n - 1 ? 2 * CW_QTY_ONE : CW_QTY_ONE, 1000);
	}
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "substitution", NULL);
	char lines[64];
	assert_int_equal(cw_findings_count(fs), 1);
	assert_string_equal(tu_lines(ds, fs, 0, lines, sizeof lines), "L04999");
	assert_string_equal(dc_get(fs, 0).f.tag, "over_quantity");
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_unprescribed),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_quantity),
		cmocka_unit_test(test_substitute),
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_stay),
		cmocka_unit_test(test_no_prescriptions),
		cmocka_unit_test(test_month),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_many_orders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
