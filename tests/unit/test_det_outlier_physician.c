/* test_det_outlier_physician.c: peer comparison with case-mix adjustment on generated months (fixed seed). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "detcheck.h"
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/metrics.h"

/* One generated physician: where, how many visits, how costly, which case mix. */
typedef struct doc {
	const char *id, *inst, *dept;
	int visits;
	double factor; /* cost multiplier */
	int sick;      /* 1: mostly expensive dx categories */
} doc;

static const doc docs[] = {
	{ "A01", "H1", "IM1", 60, 1, 0 }, { "A02", "H1", "IM1", 55, 1, 0 }, { "A03", "H1", "IM1", 70, 1, 0 },
	{ "A04", "H1", "IM1", 65, 1, 0 }, { "A05", "H1", "IM1", 60, 1, 0 }, { "A06", "H1", "IM1", 50, 1, 0 },
	{ "A07", "H1", "IM1", 60, 1, 1 },   /* sicker patients: a look-alike */
	{ "A08", "H1", "IM1", 60, 2, 0 },   /* the outlier */
	{ "B01", "H2", "IM2", 60, 1, 0 },
	{ "B02", "H2", "IM2", 30, 2, 0 },   /* judged among the specialty */
	{ "B03", "H2", "IM2", 29, 2, 0 },   /* one visit fewer: judged too (not below the floor of 10) */
	{ "S01", "H1", "SK1", 60, 1, 0 }, { "S02", "H1", "SK1", 60, 1, 0 },
	{ "S03", "H1", "SK1", 60, 3, 0 },   /* a specialty of three: not judged */
};
#define NDOCS (sizeof docs / sizeof *docs)

typedef struct world_opts {
	int outlier_month;  /* the month of A08's costly visits (5, or 4: only in the look-back) */
	int refunded_extra; /* A05 bills an extra 5000 yuan per visit, each refunded */
	int one_patient;    /* every visit of one patient */
	int giant_visit;    /* A03 has one 30 000 yuan visit */
} world_opts;

static const char *const dx_codes[3] = { "J06.9", "K29.7", "C34.1" };
static const double dx_cost[3] = { 100, 250, 1200 };

static int pick_dx(tu_rng *r, int sick)
{
	double u = tu_uniform(r);
	return sick ? (u < 0.1 ? 0 : u < 0.3 ? 1 : 2) : (u < 0.6 ? 0 : u < 0.9 ? 1 : 2);
}

static void line(cw_builder *b, int *n, const char *visit, const char *item, cw_minute t, cw_fen amount)
{
	char id[32], when[CW_FMT_SIZE];
	snprintf(id, sizeof id, "L%06d", ++*n);
	tu_add_line(b, id, visit, item, cw_format_time(when, t), CW_QTY_ONE, amount);
}

static void add_visit(cw_builder *b, tu_rng *r, const doc *d, int k, int month, const world_opts *o, int *nline)
{
	char vid[32], pid[16], rx[40], when[CW_FMT_SIZE];
	int dx = pick_dx(r, d->sick);
	double factor = !strcmp(d->id, "A08") && month != o->outlier_month ? 1 : d->factor;
	cw_fen cost = (cw_fen)llround(dx_cost[dx] * factor * (0.4 + 1.2 * tu_uniform(r)) * 100);
	if (o->giant_visit && !strcmp(d->id, "A03") && k == 0 && month == 5)
		cost = 3000000;
	cw_minute t = cw_days_from_civil(2026, month, 1 + (int)(tu_uniform(r) * 28)) * CW_MINUTES_PER_DAY + 480 +
	              (int)(tu_uniform(r) * 480);
	snprintf(vid, sizeof vid, "V%s-%d-%03d", d->id, month, k);
	snprintf(pid, sizeof pid, "P%03d", o->one_patient ? 0 : (int)(tu_uniform(r) * 300));
	tu_add_visit_in(b, vid, pid, d->id, d->inst, d->dept, CW_OUTPATIENT, t, CW_MINUTE_NONE, dx_codes[dx]);
	cw_fen drug = cost * (30 + (cw_fen)(tu_uniform(r) * 20)) / 100;
	cw_fen exam = cost * (10 + (cw_fen)(tu_uniform(r) * 20)) / 100;
	line(b, nline, vid, "DRUG", t + 5, drug);
	line(b, nline, vid, tu_uniform(r) < 0.1 ? "CT" : "LAB", t + 10, exam);
	line(b, nline, vid, "CONS", t, cost - drug - exam);
	if (o->refunded_extra && !strcmp(d->id, "A05")) {
		line(b, nline, vid, "CONS", t + 20, 500000);
		char id[32];
		snprintf(id, sizeof id, "L%06d", ++*nline);
		tu_add_line(b, id, vid, "CONS", cw_format_time(when, t + 30), -CW_QTY_ONE, 500000);
	}
	snprintf(rx, sizeof rx, "RX%s", vid);
	int ab = tu_uniform(r) < (dx == 0 ? 0.3 : 0.1);
	tu_add_rx(b, rx, 1, vid, d->id, cw_format_time(when, t + 5), ab ? "ABX" : "DRUG", CW_QTY_ONE, 3, drug);
}

static cw_dataset *world(const world_opts *o)
{
	cw_builder *b = tu_builder("2026-05");
	tu_rng r = { 42 };
	int nline = 0;
	tu_add_department(b, "IM1", "H1", "internal");
	tu_add_department(b, "IM2", "H2", "internal");
	tu_add_department(b, "SK1", "H1", "skin");
	for (size_t i = 0; i < NDOCS; i++)
		tu_add_physician(b, docs[i].id, docs[i].inst, docs[i].dept);
	for (int i = 0; i < 300; i++) {
		char id[16];
		snprintf(id, sizeof id, "P%03d", i);
		tu_add_patient(b, id, i % 2 ? CW_SEX_F : CW_SEX_M, "1970-01-01");
	}
	const char *items[][2] = { { "DRUG", "d" }, { "ABX", "a" }, { "LAB", "l" }, { "CT", "c" }, { "CONS", "o" } };
	for (size_t i = 0; i < 5; i++) {
		int cat = items[i][1][0] == 'd' || items[i][1][0] == 'a' ? CW_CAT_DRUG
		          : items[i][1][0] == 'l' ? CW_CAT_LAB : items[i][1][0] == 'c' ? CW_CAT_EXAM : CW_CAT_CONSULT;
		cw_item_row it = tu_item_row(items[i][0], cat, 10000000);
		it.antibiotic = items[i][1][0] == 'a';
		it.large_equipment = items[i][1][0] == 'c';
		tu_add_item(b, &it);
	}
	for (int month = 4; month <= 5; month++)
		for (size_t i = 0; i < NDOCS; i++)
			for (int k = 0; k < docs[i].visits; k++)
				add_visit(b, &r, &docs[i], k, month, o, &nline);
	return tu_finish(b);
}

static const world_opts plain = { 5, 0, 0, 0 };

/* "A08 cost_per_outpatient_visit, B02 cost_per_outpatient_visit" */
static void summary(const cw_dataset *ds, const cw_findings *fs, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = 0;
	for (size_t i = 0; i < cw_findings_count(fs) && n < size; i++) {
		cw_record r;
		cw_findings_get(&r, fs, i);
		n += (size_t)snprintf(buf + n, size - n, "%s%s %s", i ? ", " : "",
		                      cw_dataset_str(ds, cw_dataset_physicians(ds)->id[r.f.physician]), r.f.metric);
	}
}

static void expect(const cw_dataset *ds, const char *rules, const char *want)
{
	cw_findings *fs = tu_detect(ds, "outlier_physician", rules);
	char got[1024];
	summary(ds, fs, got, sizeof got);
	assert_string_equal(got, want);
	cw_findings_free(fs);
}

static void test_outlier_found_lookalikes_not(void **state)
{
	(void)state;
	cw_dataset *ds = world(&plain);
	cw_findings *fs = tu_detect(ds, "outlier_physician", NULL);
	char got[1024];
	summary(ds, fs, got, sizeof got);
	/* not A07 (sicker case mix), not S03 (three skin physicians); B03 (29 visits, under the old
	 * minimum of 30) is judged and found like B02 */
	assert_string_equal(got, "A08 cost_per_outpatient_visit, B02 cost_per_outpatient_visit, "
	                         "B03 cost_per_outpatient_visit");
	cw_record r;
	cw_findings_get(&r, fs, 0);
	assert_int_equal(r.f.patient, CW_NONE);
	assert_int_equal(r.f.visit, CW_NONE);
	assert_int_equal(r.f.nlines, 0);
	assert_int_equal(r.f.cls, CW_CLASS_COST);
	assert_int_equal(r.f.when, cw_dataset_window(ds)->month_end - 1);
	assert_string_equal(r.f.tag, "cost_per_outpatient_visit");
	assert_true(r.f.value > r.f.limit && r.f.limit > r.f.expected);
	assert_true(r.f.value > 1.6 * r.f.expected && r.f.value < 2.4 * r.f.expected);
	assert_int_equal(r.f.suspect, llround((r.f.value - r.f.expected) * 60 * 100));
	assert_int_equal(r.f.severity, CW_SUSPICIOUS); /* z far above 5 */
	assert_true(r.f.score > 0.5 && r.f.score <= 1);
	assert_non_null(strstr(r.reason, "over 60 visits"));
	assert_non_null(strstr(r.reason, "internal peers (level 3)"));
	assert_string_equal(cw_dataset_str(ds, cw_dataset_institutions(ds)->id[r.inst]), "H1");
	cw_findings_get(&r, fs, 1);
	assert_non_null(strstr(r.reason, "internal peers (all levels)"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_min_volume_threshold(void **state)
{
	(void)state;
	cw_dataset *ds = world(&plain);
	/* B02 has 30 visits: judged at 30, not at 31; B03 (29) is judged at 29 */
	expect(ds, "{\"metrics\":{\"min_visits\":31}}", "A08 cost_per_outpatient_visit");
	expect(ds, "{\"metrics\":{\"min_visits\":29}}",
	       "A08 cost_per_outpatient_visit, B02 cost_per_outpatient_visit, B03 cost_per_outpatient_visit");
	cw_dataset_free(ds);
}

static void test_min_peers_threshold(void **state)
{
	(void)state;
	cw_dataset *ds = world(&plain);
#define COST "\"metrics\":[\"cost_per_outpatient_visit\"]"
	/* internal: 8 physicians at level 3, 11 across levels (B03 counts as a peer: it has visits) */
	expect(ds, "{\"detectors\":{\"outlier_physician\":{" COST "}},\"metrics\":{\"min_peers\":11}}",
	       "A08 cost_per_outpatient_visit, B02 cost_per_outpatient_visit, B03 cost_per_outpatient_visit");
	expect(ds, "{\"detectors\":{\"outlier_physician\":{" COST "}},\"metrics\":{\"min_peers\":12}}", "");
	/* skin has 3: judged once min_peers is 3, and S03 (three times the cost) is found; B02 is
	 * then judged in its level group of three, where B03 costs twice as much too: two of three
	 * alike make the reference (B01 stands out from them and is left out), so B02 is not found */
	expect(ds, "{\"detectors\":{\"outlier_physician\":{" COST "}},\"metrics\":{\"min_peers\":3}}",
	       "A08 cost_per_outpatient_visit, S03 cost_per_outpatient_visit");
#undef COST
	cw_dataset_free(ds);
}

static void test_metric_selection_and_excess(void **state)
{
	(void)state;
	cw_dataset *ds = world(&plain);
	expect(ds, "{\"detectors\":{\"outlier_physician\":{\"metrics\":[\"drug_share\",\"length_of_stay\"]}}}", "");
	/* twice the cost is 100% above expected: a 150% minimum excess silences it */
	expect(ds, "{\"metrics\":{\"min_excess\":1.5}}", "");
	cw_dataset_free(ds);
}

static void test_bad_rules(void **state)
{
	(void)state;
	cw_dataset *ds = world(&plain);
	cw_rules *rules;
	cw_dimset *dims;
	cw_findings *fs = NULL;
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), "{\"detectors\":{\"outlier_physician\":{\"metrics\":[\"cost\"]}}}",
	                                    "t"), 0);
	assert_int_equal(cw_dimset_load(&dims, rules), 0);
	cw_detect_opts o = { .threads = 1, .only = "outlier_physician" };
	assert_int_equal(cw_detect(&fs, ds, rules, dims, &o), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "detectors.outlier_physician.metrics[0]"));
	cw_dimset_free(dims);
	cw_rules_free(rules);
	cw_dataset_free(ds);
}

/* The run computes the metrics once and hands them over: the detector judges by those, not by figures of its
 * own (here the run's were computed with a minimum of 31 visits, the rules' say 30). */
static void test_metrics_given_by_the_run(void **state)
{
	(void)state;
	cw_dataset *ds = world(&plain);
	cw_metrics_opts mo;
	cw_metrics_opts_default(&mo);
	mo.min_volume[CW_VOLUME_VISITS] = 31;
	cw_metrics *m;
	assert_int_equal(cw_metrics_compute(&m, ds, &mo), 0);
	cw_rules *rules;
	cw_dimset *dims;
	cw_findings *fs = NULL;
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), NULL, NULL), 0);
	assert_int_equal(cw_dimset_load(&dims, rules), 0);
	cw_detect_opts o = { .threads = 1, .only = "outlier_physician", .metrics = m };
	assert_int_equal(cw_detect(&fs, ds, rules, dims, &o), 0);
	char got[1024];
	summary(ds, fs, got, sizeof got);
	assert_string_equal(got, "A08 cost_per_outpatient_visit");
	cw_findings_free(fs);
	cw_dimset_free(dims);
	cw_rules_free(rules);
	cw_metrics_free(m);
	cw_dataset_free(ds);
}

static void test_refunds_ignored(void **state)
{
	(void)state;
	world_opts o = plain;
	o.refunded_extra = 1;
	cw_dataset *ds = world(&o);
	expect(ds, NULL, "A08 cost_per_outpatient_visit, B02 cost_per_outpatient_visit, B03 cost_per_outpatient_visit");
	cw_dataset_free(ds);
}

/* One exceptional visit raises A03's mean far above the limit, but it is not a pattern. */
static void test_single_visit_is_not_a_pattern(void **state)
{
	(void)state;
	world_opts o = plain;
	o.giant_visit = 1;
	cw_dataset *ds = world(&o);
	cw_metrics_opts mo;
	cw_metrics_opts_default(&mo);
	cw_metrics *m;
	assert_int_equal(cw_metrics_compute(&m, ds, &mo), 0);
	const cw_metric_row *a03 = &cw_metrics_table(m, CW_METRIC_COST_PER_OUTPATIENT_VISIT)
	                                    ->rows[cw_dataset_find(ds, CW_T_PHYSICIANS, "A03")];
	print_message("z %g zlimit %g value %g limit %g expected %g\n", a03->z, a03->zlimit, a03->value, a03->limit, a03->expected);
	assert_true(a03->z > a03->zlimit && a03->value > a03->limit);
	assert_false(a03->flagged);
	cw_metrics_free(m);
	expect(ds, NULL, "A08 cost_per_outpatient_visit, B02 cost_per_outpatient_visit, B03 cost_per_outpatient_visit");
	cw_dataset_free(ds);
}

static void test_lookback_not_reported(void **state)
{
	(void)state;
	world_opts o = plain;
	o.outlier_month = 4; /* A08 was costly in April only */
	cw_dataset *ds = world(&o);
	expect(ds, NULL, "B02 cost_per_outpatient_visit, B03 cost_per_outpatient_visit");
	cw_dataset_free(ds);
}

static void test_one_patient_many_lines(void **state)
{
	(void)state;
	world_opts o = plain;
	o.one_patient = 1; /* about 5000 lines on one patient */
	cw_dataset *ds = world(&o);
	expect(ds, NULL, "A08 cost_per_outpatient_visit, B02 cost_per_outpatient_visit, B03 cost_per_outpatient_visit");
	cw_dataset_free(ds);
}

static void test_threads_same_output(void **state)
{
	(void)state;
	cw_dataset *ds = world(&plain);
	assert_true(dc_same_with_threads(ds, "outlier_physician") > 0);
	cw_dataset_free(ds);
}

static void test_empty(void **state)
{
	(void)state;
	cw_dataset *ds = tu_finish(tu_builder("2026-05"));
	expect(ds, NULL, "");
	cw_dataset_free(ds);
}

/* Stays: the length of stay of a physician who keeps patients twice as long is found; one whose
 * patients have a long-stay diagnosis is not. */
static cw_dataset *stay_world(void)
{
	cw_builder *b = tu_builder("2026-05");
	tu_rng r = { 7 };
	int nline = 0;
	tu_add_department(b, "SU1", "H1", "surgery");
	const char *ids[] = { "C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08" };
	for (int i = 0; i < 8; i++)
		tu_add_physician(b, ids[i], "H1", "SU1");
	cw_item_row bed = tu_item_row("BED", CW_CAT_BED, 100000);
	tu_add_item(b, &bed);
	cw_item_row op = tu_item_row("OP", CW_CAT_SURGERY, 10000000);
	tu_add_item(b, &op);
	static const char *const dx[2] = { "K35.8", "S72.0" }; /* appendicitis ~5 days, hip fracture ~12 days */
	for (int i = 0; i < 8; i++)
		for (int k = 0; k < 15; k++) {
			int d = i == 6 ? (k < 12) : (k < 3); /* C07: mostly hip fractures */
			int days = (int)llround((d ? 12 : 5) * (0.7 + 0.6 * tu_uniform(&r)) * (i == 7 ? 2 : 1));
			char vid[32], when[CW_FMT_SIZE], lid[32];
			cw_minute admit = cw_days_from_civil(2026, 4, 1 + (int)(tu_uniform(&r) * 20)) * CW_MINUTES_PER_DAY + 600;
			cw_minute dis = cw_days_from_civil(2026, 5, 1 + (int)(tu_uniform(&r) * 28)) * CW_MINUTES_PER_DAY + 600;
			admit = dis - days * CW_MINUTES_PER_DAY;
			snprintf(vid, sizeof vid, "S%s-%02d", ids[i], k);
			tu_add_visit_in(b, vid, "PM", ids[i], "H1", "SU1", CW_INPATIENT, admit, dis, dx[d]);
			snprintf(lid, sizeof lid, "L%05d", ++nline);
			tu_add_line(b, lid, vid, "OP", cw_format_time(when, admit + 120), CW_QTY_ONE, d ? 2000000 : 800000);
			for (int day = 0; day < days; day++) {
				snprintf(lid, sizeof lid, "L%05d", ++nline);
				tu_add_line(b, lid, vid, "BED", cw_format_time(when, admit + day * CW_MINUTES_PER_DAY + 60),
				            CW_QTY_ONE, 8000);
			}
		}
	return tu_finish(b);
}

static void test_length_of_stay(void **state)
{
	(void)state;
	cw_dataset *ds = stay_world();
	/* C08's bed days double its stays' cost too; C07's long stays are its case mix */
	expect(ds, "{\"detectors\":{\"outlier_physician\":{\"metrics\":[\"length_of_stay\"]}}}", "C08 length_of_stay");
	cw_findings *fs = tu_detect(ds, "outlier_physician", "{\"detectors\":{\"outlier_physician\":{\"metrics\":"
	                                                    "[\"length_of_stay\"]}}}");
	cw_record r;
	cw_findings_get(&r, fs, 0);
	assert_int_equal(r.f.suspect, 0); /* days are not money */
	assert_int_equal(r.f.cls, CW_CLASS_COST);
	assert_non_null(strstr(r.reason, "days over 15 stays"));
	cw_findings_free(fs);
	/* 15 stays: judged at min_stays 15, not at 16 */
	expect(ds, "{\"detectors\":{\"outlier_physician\":{\"metrics\":[\"length_of_stay\"]}},\"metrics\":{\"min_stays\":15}}",
	       "C08 length_of_stay");
	expect(ds, "{\"detectors\":{\"outlier_physician\":{\"metrics\":[\"length_of_stay\"]}},\"metrics\":{\"min_stays\":16}}", "");
	cw_dataset_free(ds);
}

/* Antibiotic prescriptions against peers at (or near) 0% and at 100%. Each physician: its outpatient
 * prescriptions, so many with an antibiotic. */
typedef struct rxdoc {
	const char *id, *dept;
	int rx, antibiotic;
	int exam; /* visits whose 20 yuan are half a CT (exam, large equipment), half drugs */
} rxdoc;

static const rxdoc rxdocs[] = {
	/* cardiology: eight peers at 0% */
	{ "K01", "CA", 60, 0, 0 }, { "K02", "CA", 55, 0, 0 }, { "K03", "CA", 70, 0, 0 }, { "K04", "CA", 65, 0, 0 },
	{ "K05", "CA", 60, 0, 0 }, { "K06", "CA", 50, 0, 0 }, { "K07", "CA", 60, 0, 0 }, { "K08", "CA", 62, 0, 0 },
	{ "K09", "CA", 74, 52, 0 },  /* the issue's cardiologist: 70% against 0% */
	{ "K10", "CA", 20, 0, 0 },   /* at the peers' rate */
	{ "K11", "CA", 30, 0, 20 }, /* CTs where no peer has any: exam share and large equipment from 0 */
	/* oncology: eight peers near 0% (one each) */
	{ "N01", "ON", 60, 1, 0 }, { "N02", "ON", 55, 1, 0 }, { "N03", "ON", 70, 1, 0 }, { "N04", "ON", 65, 1, 0 },
	{ "N05", "ON", 60, 1, 0 }, { "N06", "ON", 50, 1, 0 }, { "N07", "ON", 60, 1, 0 }, { "N08", "ON", 62, 1, 0 },
	{ "N09", "ON", 18, 13, 0 },  /* the issue's oncologist: 13 of 18 */
	{ "N10", "ON", 18, 1, 0 },   /* at the peers' rate: judged, not flagged */
	{ "N11", "ON", 3, 3, 0 },    /* 3 of 3: no value of 3 units can pass the limit */
	{ "N12", "ON", 12, 2, 0 },   /* 2 of 12: above the peers, not significantly */
	/* urology: every prescription with an antibiotic (a reference of 1) */
	{ "U01", "UR", 40, 40, 0 }, { "U02", "UR", 45, 45, 0 }, { "U03", "UR", 50, 50, 0 }, { "U04", "UR", 40, 40, 0 },
	{ "U05", "UR", 44, 44, 0 }, { "U06", "UR", 30, 30, 0 },
};
#define NRXDOCS (sizeof rxdocs / sizeof *rxdocs)

static cw_dataset *rx_world(void)
{
	cw_builder *b = tu_builder("2026-05");
	tu_add_department(b, "CA", "H1", "cardiology");
	tu_add_department(b, "ON", "H1", "oncology");
	tu_add_department(b, "UR", "H1", "urology");
	tu_add_patient(b, "P1", CW_SEX_F, "1970-01-01");
	cw_item_row drug = tu_item_row("DRUG", CW_CAT_DRUG, 10000000), abx = tu_item_row("ABX", CW_CAT_DRUG, 10000000);
	cw_item_row ct = tu_item_row("CT", CW_CAT_EXAM, 10000000);
	abx.antibiotic = 1;
	ct.large_equipment = 1;
	tu_add_item(b, &drug);
	tu_add_item(b, &abx);
	tu_add_item(b, &ct);
	int nline = 0;
	for (size_t i = 0; i < NRXDOCS; i++) {
		const rxdoc *d = &rxdocs[i];
		tu_add_physician(b, d->id, "H1", d->dept);
		for (int k = 0; k < d->rx; k++) {
			char vid[32], rx[40], when[CW_FMT_SIZE];
			cw_minute t = cw_days_from_civil(2026, 5, 1 + k % 28) * CW_MINUTES_PER_DAY + 480 + k;
			int ab = k * d->antibiotic / d->rx != (k + 1) * d->antibiotic / d->rx; /* spread over the month */
			snprintf(vid, sizeof vid, "V%s-%03d", d->id, k);
			tu_add_visit_in(b, vid, "P1", d->id, "H1", d->dept, CW_OUTPATIENT, t, CW_MINUTE_NONE, "I10");
			int exam = k < d->exam;
			line(b, &nline, vid, ab ? "ABX" : "DRUG", t + 5, exam ? 1000 : 2000);
			if (exam)
				line(b, &nline, vid, "CT", t + 10, 1000);
			snprintf(rx, sizeof rx, "RX%s", vid);
			tu_add_rx(b, rx, 1, vid, d->id, cw_format_time(when, t + 5), ab ? "ABX" : "DRUG", CW_QTY_ONE, 3, 2000);
		}
	}
	return tu_finish(b);
}

static const cw_metric_row *rx_row(const cw_metrics *m, const cw_dataset *ds, const char *id)
{
	return &cw_metrics_table(m, CW_METRIC_ANTIBIOTIC_RATE)->rows[cw_dataset_find(ds, CW_T_PHYSICIANS, id)];
}

/* A reference of exactly 0 or 1 widens nothing: 52 of 74 against peers at 0% and 13 of 18 against
 * peers near 0% are flagged, and so are CTs (exam share, large equipment) where no peer has any; a
 * physician at the peers' rate, at 100% among peers at 100% (antibiotics in urology, drugs
 * everywhere), 2 of 12 and 3 of 3 (which no value of three units can make significant) are not. */
static void test_antibiotic_rate_edges(void **state)
{
	(void)state;
	cw_dataset *ds = rx_world();
	expect(ds, "{\"detectors\":{\"outlier_physician\":{\"metrics\":[\"antibiotic_rate\"]}}}",
	       "K09 antibiotic_rate, N09 antibiotic_rate");
	expect(ds, NULL, "K09 antibiotic_rate, K11 exam_share, K11 large_equipment_per_100, N09 antibiotic_rate");
	cw_metrics_opts mo;
	cw_metrics_opts_default(&mo);
	cw_metrics *m;
	assert_int_equal(cw_metrics_compute(&m, ds, &mo), 0);
	const cw_metric_row *k09 = rx_row(m, ds, "K09"), *k10 = rx_row(m, ds, "K10");
	print_message("K09 value %g expected %g limit %g z %g zlimit %g\n", k09->value, k09->expected, k09->limit,
	              k09->z, k09->zlimit);
	assert_int_equal(k09->status, CW_METRIC_JUDGED);
	assert_true(k09->flagged);
	assert_true(k09->expected > 0 && k09->expected < 0.01); /* never exactly the peers' 0 */
	assert_true(k09->limit > k09->expected && k09->limit < 0.1); /* a few prescriptions of 74, not 0 */
	assert_true(k09->z > k09->zlimit);
	assert_true(k09->plotted > k09->limit); /* above the curve on the funnel plot */
	assert_int_equal(k10->status, CW_METRIC_JUDGED); /* 20 prescriptions at 0%: judged */
	assert_false(k10->flagged);
	assert_true(k10->z < 0);
	const cw_metric_row *n09 = rx_row(m, ds, "N09"), *n10 = rx_row(m, ds, "N10");
	assert_int_equal(n09->volume, 18);
	assert_int_equal(n09->status, CW_METRIC_JUDGED); /* 18 prescriptions: judged, no longer low_volume */
	assert_true(n09->flagged);
	assert_true(n09->plotted > n09->limit);
	assert_int_equal(n10->status, CW_METRIC_JUDGED);
	assert_false(n10->flagged);
	assert_int_equal(rx_row(m, ds, "N11")->status, CW_METRIC_LOW_VOLUME); /* 3 of 3 cannot reach */
	assert_false(rx_row(m, ds, "N11")->flagged);
	assert_false(rx_row(m, ds, "N12")->flagged);
	for (int i = 1; i <= 6; i++) { /* a reference of 1: no value can pass it, nobody is judged */
		char id[8];
		snprintf(id, sizeof id, "U%02d", i);
		const cw_metric_row *u = rx_row(m, ds, id);
		assert_false(u->flagged);
		assert_int_equal(u->status, CW_METRIC_LOW_VOLUME);
		assert_true(u->value == 1);
	}
	const cw_metric_table *t = cw_metrics_table(m, CW_METRIC_ANTIBIOTIC_RATE); /* curves that are not flat */
	for (size_t g = 0; g < t->ngroups; g++) {
		assert_true(t->groups[g].funnel.sd > 0);
		assert_true(t->groups[g].funnel.target > 0 && t->groups[g].funnel.target < 1);
	}
	const cw_metric_row *k11 = &cw_metrics_table(m, CW_METRIC_EXAM_SHARE)->rows[cw_dataset_find(ds, CW_T_PHYSICIANS, "K11")];
	assert_true(k11->flagged && k11->expected > 0 && k11->limit < 0.1);
	const cw_metric_table *ds_t = cw_metrics_table(m, CW_METRIC_DRUG_SHARE); /* drugs are the whole amount */
	assert_int_equal(ds_t->rows[cw_dataset_find(ds, CW_T_PHYSICIANS, "K01")].status, CW_METRIC_LOW_VOLUME);
	assert_int_equal(ds_t->ngroups, 0);
	cw_metrics_free(m);
	/* the floor stays a key: at 20 prescriptions, the oncologist is not judged */
	expect(ds, "{\"detectors\":{\"outlier_physician\":{\"metrics\":[\"antibiotic_rate\"]}},"
	           "\"metrics\":{\"min_prescriptions\":20}}", "K09 antibiotic_rate");
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outlier_found_lookalikes_not),
		cmocka_unit_test(test_min_volume_threshold),
		cmocka_unit_test(test_min_peers_threshold),
		cmocka_unit_test(test_metric_selection_and_excess),
		cmocka_unit_test(test_bad_rules),
		cmocka_unit_test(test_metrics_given_by_the_run),
		cmocka_unit_test(test_refunds_ignored),
		cmocka_unit_test(test_single_visit_is_not_a_pattern),
		cmocka_unit_test(test_lookback_not_reported),
		cmocka_unit_test(test_one_patient_many_lines),
		cmocka_unit_test(test_threads_same_output),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_length_of_stay),
		cmocka_unit_test(test_antibiotic_rate_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
