/* test_metrics.c: per-physician metrics, case-mix expected values, peer groups and funnel limits on
 * small hand-checked datasets. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/metrics.h"

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static int nline;

static void visit(cw_builder *b, const char *id, const char *phys, const char *inst, const char *dept, int kind,
                  const char *admit, const char *discharge, const char *dx)
{
	tu_add_visit_in(b, id, "PM", phys, inst, dept, kind, tu_time(admit), discharge ? tu_time(discharge) : CW_MINUTE_NONE,
	                dx);
}

/* A visit costing `yuan`: 40% drug, 60% consultation. */
static void costed(cw_builder *b, const char *id, const char *phys, const char *inst, const char *dept,
                   const char *day, const char *dx, int yuan)
{
	char admit[32], lid[32];
	snprintf(admit, sizeof admit, "2026-05-%s 09:00", day);
	visit(b, id, phys, inst, dept, CW_OUTPATIENT, admit, NULL, dx);
	snprintf(lid, sizeof lid, "L%d", ++nline);
	tu_add_line(b, lid, id, "DRUG", admit, CW_QTY_ONE, yuan * 40);
	snprintf(lid, sizeof lid, "L%d", ++nline);
	tu_add_line(b, lid, id, "CONS", admit, CW_QTY_ONE, yuan * 60);
}

static cw_builder *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	nline = 0;
	tu_add_department(b, "IM1", "H1", "internal");
	tu_add_department(b, "IM2", "H2", "internal");
	tu_add_department(b, "SK1", "H1", "skin");
	const char *m[] = { "M1", "M2", "M3", "M4", "M5" };
	for (int i = 0; i < 5; i++)
		tu_add_physician(b, m[i], "H1", "IM1");
	tu_add_physician(b, "N1", "H2", "IM2");
	tu_add_physician(b, "N2", "H2", "IM2");
	tu_add_physician(b, "N3", "H2", "IM2");
	tu_add_physician(b, "K1", "H1", "SK1");
	cw_item_row drug = tu_item_row("DRUG", CW_CAT_DRUG, 100000);
	tu_add_item(b, &drug);
	cw_item_row abx = tu_item_row("ABX", CW_CAT_DRUG, 100000);
	abx.antibiotic = 1;
	tu_add_item(b, &abx);
	cw_item_row cons = tu_item_row("CONS", CW_CAT_CONSULT, 1000000);
	tu_add_item(b, &cons);
	cw_item_row ct = tu_item_row("CT", CW_CAT_EXAM, 100000);
	ct.large_equipment = 1;
	tu_add_item(b, &ct);
	cw_item_row bed = tu_item_row("BED", CW_CAT_BED, 100000);
	tu_add_item(b, &bed);
	/* cost per outpatient visit, J06 and C34 (see the expected figures in the tests) */
	costed(b, "V1", "M1", "H1", "IM1", "02", "J06.9", 100);
	costed(b, "V2", "M1", "H1", "IM1", "03", "j06", 120);
	costed(b, "V3", "M2", "H1", "IM1", "04", "J06.1", 80);
	costed(b, "V4", "M2", "H1", "IM1", "05", "C34.1", 1000);
	costed(b, "V5", "M3", "H1", "IM1", "06", "J06.9", 100);
	costed(b, "V6", "M3", "H1", "IM1", "07", "C34.9", 1200);
	costed(b, "V7", "M4", "H1", "IM1", "08", "C34.2", 1100);
	costed(b, "V8", "M4", "H1", "IM1", "09", "C34.3", 900);
	costed(b, "V9", "M5", "H1", "IM1", "10", "J06.9", 110);
	costed(b, "V10", "M5", "H1", "IM1", "11", "J06.9", 90);
	/* level 2: too few for a level group, judged among the specialty */
	costed(b, "V11", "N1", "H2", "IM2", "12", "J06.9", 100);
	costed(b, "V12", "N1", "H2", "IM2", "13", "J06.9", 100);
	costed(b, "V13", "N2", "H2", "IM2", "14", "C34.9", 1000);
	costed(b, "V14", "N2", "H2", "IM2", "15", "C34.9", 1000);
	costed(b, "V15", "N3", "H2", "IM2", "16", "J06.9", 100); /* one visit: low volume */
	/* a specialty of one */
	costed(b, "V16", "K1", "H1", "SK1", "17", "L20", 50);
	costed(b, "V17", "K1", "H1", "SK1", "18", "L20", 50);
	return b;
}

static cw_metrics_opts small_opts(void)
{
	cw_metrics_opts o;
	cw_metrics_opts_default(&o);
	o.level = 0.998; /* z 3.090232 in the figures below */
	o.min_volume[CW_VOLUME_VISITS] = 2;
	o.min_volume[CW_VOLUME_STAYS] = 1;
	o.min_volume[CW_VOLUME_PRESCRIPTIONS] = 1;
	o.min_stratum_units = 2; /* the level's figures, however few */
	o.trim = 0;              /* the single largest unit */
	o.judge_unreachable = 1; /* the figures of one or two units, which could pass no limit */
	return o;
}

static cw_ref phys(const cw_dataset *ds, const char *id) { return cw_dataset_find(ds, CW_T_PHYSICIANS, id); }

static void test_case_mix_expected(void **state)
{
	(void)state;
	cw_dataset *ds = tu_finish(world());
	cw_metrics_opts o = small_opts();
	cw_metrics *m;
	assert_int_equal(cw_metrics_compute(&m, ds, &o), 0);
	const cw_metric_table *t = cw_metrics_table(m, CW_METRIC_COST_PER_OUTPATIENT_VISIT);
	/* level-3 internal: J06 units 100 120 80 100 110 90, C34 units 1000 1200 1100 900. A
	 * physician is compared with the others in each stratum (leave-one-out), and the
	 * variance counts the others' uncertainty: n_c v_c + n_c^2 v_c / others_c.
	 * M2 (J06 80, C34 1000): J06 others 100 120 100 110 90 (mean 104, v 520/5),
	 * C34 others 1200 1100 900 (mean 3200/3, v 46666.67/3). */
	double vj = 520.0 / 5, vc = (140000.0 / 3) / 3;
	double var2 = vj + vj / 5 + vc + vc / 3;
	const cw_metric_row *m2 = &t->rows[phys(ds, "M2")];
	assert_int_equal(m2->status, CW_METRIC_JUDGED);
	assert_int_equal(m2->volume, 2);
	NEAR(m2->value, 540, 1e-9);
	NEAR(m2->expected, (104 + 3200.0 / 3) / 2, 1e-9); /* its own case mix, at the others' figures */
	NEAR(m2->se, sqrt(var2) / 2, 1e-9);
	NEAR(m2->z, (540 - (104 + 3200.0 / 3) / 2) / (sqrt(var2) / 2), 1e-9); /* phi = 1 */
	const cw_metric_row *m4 = &t->rows[phys(ds, "M4")];
	NEAR(m4->value, 1000, 1e-9);
	NEAR(m4->expected, 1100, 1e-9); /* C34 others: 1000 1200 */
	/* M1 (J06 100 120): others 80 100 110 90 (mean 95, v 500/4, symmetric) */
	const cw_metric_row *m1 = &t->rows[phys(ds, "M1")];
	NEAR(m1->expected, 95, 1e-9);
	NEAR(m1->se, sqrt(2 * 125.0 + 4 * 125.0 / 4) / 2, 1e-9);
	NEAR(m1->zlimit, 3.090232, 1e-6); /* symmetric residuals: no skewness correction */
	NEAR(m1->limit, 95 + 3.090232 * m1->se, 1e-5);
	assert_false(m1->flagged);
	/* the group and its funnel */
	const cw_peer_group *g = &t->groups[m2->group];
	assert_string_equal(cw_dataset_str(ds, g->specialty), "internal");
	assert_int_equal(g->level, 3);
	assert_int_equal(g->peers, 5);
	assert_int_equal(g->judged, 5);
	assert_int_equal(g->volume, 10);
	NEAR(g->funnel.target, 480, 1e-9);
	NEAR(g->funnel.sd, sqrt(10 * 51000.0) / 10, 1e-9);
	NEAR(g->funnel.phi, 1, 0);
	NEAR(m2->plotted, 480 + m2->z * g->funnel.sd / sqrt(2), 1e-9);
	NEAR(g->funnel.skew, 0, 1e-12);
	/* the dot is above the curve exactly when z > zlimit */
	for (int i = 0; i < 5; i++) {
		const char *id[] = { "M1", "M2", "M3", "M4", "M5" };
		const cw_metric_row *r = &t->rows[phys(ds, id[i])];
		assert_true((r->plotted > cw_funnel_limit(&g->funnel, r->volume, +1)) == (r->z > r->zlimit));
	}
	/* drug share: 40% everywhere */
	const cw_metric_table *ds_t = cw_metrics_table(m, CW_METRIC_DRUG_SHARE);
	NEAR(ds_t->rows[phys(ds, "M3")].value, 0.4, 1e-12);
	NEAR(ds_t->rows[phys(ds, "M3")].expected, 0.4, 1e-12);
	cw_metrics_free(m);
	cw_dataset_free(ds);
}

static void test_peer_groups_fallback(void **state)
{
	(void)state;
	cw_dataset *ds = tu_finish(world());
	cw_metrics_opts o = small_opts();
	cw_metrics *m;
	assert_int_equal(cw_metrics_compute(&m, ds, &o), 0);
	const cw_metric_table *t = cw_metrics_table(m, CW_METRIC_COST_PER_OUTPATIENT_VISIT);
	const cw_metric_row *n1 = &t->rows[phys(ds, "N1")];
	assert_int_equal(n1->status, CW_METRIC_JUDGED);
	const cw_peer_group *g = &t->groups[n1->group];
	assert_int_equal(g->level, 0);  /* the specialty across levels */
	assert_int_equal(g->peers, 8);  /* M1..M5, N1, N2, N3 (below the minimum volume, but a peer) */
	assert_int_equal(g->judged, 2); /* N1, N2 */
	assert_int_equal(g->volume, 15);
	NEAR(n1->value, 100, 1e-9);
	/* J06 across the specialty: 100 120 80 100 110 90 100 100 100 -> 900 / 9 */
	NEAR(n1->expected, 100, 1e-9);
	assert_int_equal(t->rows[phys(ds, "N3")].status, CW_METRIC_LOW_VOLUME);
	NEAR(t->rows[phys(ds, "N3")].value, 100, 1e-9);
	assert_true(isnan(t->rows[phys(ds, "N3")].expected));
	assert_int_equal(t->rows[phys(ds, "N3")].group, -1);
	assert_int_equal(t->rows[phys(ds, "K1")].status, CW_METRIC_FEW_PEERS);
	assert_int_equal(t->rows[phys(ds, "DR1")].status, CW_METRIC_NO_DATA);
	assert_int_equal(t->rows[phys(ds, "DR1")].volume, 0);
	/* groups listed: internal level 0, internal level 3 */
	assert_int_equal(t->ngroups, 2);
	assert_int_equal(t->groups[0].level, 0);
	assert_int_equal(t->groups[1].level, 3);
	/* exactly min_peers: 8 is enough for the specialty, 9 is not */
	o.min_peers = 8;
	cw_metrics_free(m);
	assert_int_equal(cw_metrics_compute(&m, ds, &o), 0);
	t = cw_metrics_table(m, CW_METRIC_COST_PER_OUTPATIENT_VISIT);
	assert_int_equal(t->rows[phys(ds, "M1")].status, CW_METRIC_JUDGED);
	assert_int_equal(t->groups[t->rows[phys(ds, "M1")].group].level, 0);
	o.min_peers = 9;
	cw_metrics_free(m);
	assert_int_equal(cw_metrics_compute(&m, ds, &o), 0);
	t = cw_metrics_table(m, CW_METRIC_COST_PER_OUTPATIENT_VISIT);
	assert_int_equal(t->rows[phys(ds, "M1")].status, CW_METRIC_FEW_PEERS);
	assert_int_equal(t->ngroups, 0);
	cw_metrics_free(m);
	cw_dataset_free(ds);
}

/* A physician far above the limit on the strength of one visit is not flagged. */
static void test_one_visit_is_not_a_pattern(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_physician(b, "M6", "H1", "IM1");
	costed(b, "V20", "M6", "H1", "IM1", "20", "J06.9", 5000);
	costed(b, "V21", "M1", "H1", "IM1", "21", "J06.9", 110); /* more J06 units for a steadier reference */
	costed(b, "V22", "M3", "H1", "IM1", "22", "J06.9", 95);
	cw_dataset *ds = tu_finish(b);
	cw_metrics_opts o = small_opts();
	o.min_volume[CW_VOLUME_VISITS] = 1;
	cw_metrics *m;
	assert_int_equal(cw_metrics_compute(&m, ds, &o), 0);
	const cw_metric_row *r = &cw_metrics_table(m, CW_METRIC_COST_PER_OUTPATIENT_VISIT)->rows[phys(ds, "M6")];
	assert_int_equal(r->status, CW_METRIC_JUDGED);
	assert_true(r->z > r->zlimit && r->value > r->limit);
	assert_false(r->flagged);
	cw_metrics_free(m);
	cw_dataset_free(ds);
}

/* A stratum with fewer than min_stratum_units peer units at the level takes the
 * specialty's units across levels; one no peer treats counts as expected. */
static void test_sparse_strata(void **state)
{
	(void)state;
	cw_builder *b = world();
	costed(b, "V30", "M1", "H1", "IM1", "20", "Q87.1", 700); /* nobody else treats Q87 */
	cw_dataset *ds = tu_finish(b);
	cw_metrics_opts o = small_opts();
	o.min_stratum_units = 10;
	cw_metrics *m;
	assert_int_equal(cw_metrics_compute(&m, ds, &o), 0);
	const cw_metric_table *t = cw_metrics_table(m, CW_METRIC_COST_PER_OUTPATIENT_VISIT);
	/* M2 (J06 80, C34 1000), level 3 has 5 and 3 other units there: the specialty's then,
	 * J06 100 120 100 110 90 100 100 100 (820 / 8), C34 1200 1100 900 1000 1000 (5200 / 5) */
	const cw_metric_row *m2 = &t->rows[phys(ds, "M2")];
	assert_int_equal(m2->status, CW_METRIC_JUDGED);
	assert_int_equal(t->groups[m2->group].level, 3); /* still judged in its level group */
	NEAR(m2->expected, (820.0 / 8 + 5200.0 / 5) / 2, 1e-9);
	/* M1: J06 at the specialty's 80 100 110 90 100 100 100 (680 / 7); Q87 as expected, no variance */
	const cw_metric_row *m1 = &t->rows[phys(ds, "M1")];
	assert_int_equal(m1->volume, 3);
	NEAR(m1->expected, (2 * 680.0 / 7 + 700) / 3, 1e-9);
	double v = 0; /* the J06 others' per-unit variance */
	const double others[] = { 80, 100, 110, 90, 100, 100, 100 };
	for (int i = 0; i < 7; i++)
		v += (others[i] - 680.0 / 7) * (others[i] - 680.0 / 7) / 7;
	NEAR(m1->se, sqrt(2 * v + 4 * v / 7) / 3, 1e-9);
	/* at the default of 2, the level's units */
	o.min_stratum_units = 2;
	cw_metrics_free(m);
	assert_int_equal(cw_metrics_compute(&m, ds, &o), 0);
	t = cw_metrics_table(m, CW_METRIC_COST_PER_OUTPATIENT_VISIT);
	NEAR(t->rows[phys(ds, "M2")].expected, (104 + 3200.0 / 3) / 2, 1e-9);
	cw_metrics_free(m);
	cw_dataset_free(ds);
}

/* Shares: a visit's residual drug - r amount has the peers' per-unit variance,
 * whatever its amount (units are independent draws of drug and amount). */
static void test_share_variance(void **state)
{
	(void)state;
	cw_builder *b = tu_builder("2026-05");
	tu_add_department(b, "IMX", "H1", "internal");
	const char *ids[] = { "Q1", "Q2", "Q3", "Q4", "Q5", "Q6" };
	/* drug, consult of each physician's two J06 visits */
	const int drug[6][2] = { { 40, 30 }, { 20, 80 }, { 50, 10 }, { 30, 30 }, { 60, 20 }, { 90, 10 } };
	const int cons[6][2] = { { 60, 170 }, { 80, 20 }, { 50, 190 }, { 70, 70 }, { 40, 80 }, { 10, 90 } };
	cw_item_row dr = tu_item_row("DRUG", CW_CAT_DRUG, 100000);
	tu_add_item(b, &dr);
	cw_item_row co = tu_item_row("CONS", CW_CAT_CONSULT, 1000000);
	tu_add_item(b, &co);
	for (int i = 0; i < 6; i++) {
		tu_add_physician(b, ids[i], "H1", "IMX");
		for (int k = 0; k < 2; k++) {
			char vid[16], l1[16], l2[16];
			snprintf(vid, sizeof vid, "W%d%d", i, k);
			snprintf(l1, sizeof l1, "LD%d%d", i, k);
			snprintf(l2, sizeof l2, "LC%d%d", i, k);
			visit(b, vid, ids[i], "H1", "IMX", CW_OUTPATIENT, k ? "2026-05-04 09:00" : "2026-05-03 09:00", NULL, "J06");
			tu_add_line(b, l1, vid, "DRUG", "2026-05-03 09:00", CW_QTY_ONE, drug[i][k] * 100);
			tu_add_line(b, l2, vid, "CONS", "2026-05-03 09:00", CW_QTY_ONE, cons[i][k] * 100);
		}
	}
	cw_dataset *ds = tu_finish(b);
	cw_metrics_opts o = small_opts();
	cw_metrics *m;
	assert_int_equal(cw_metrics_compute(&m, ds, &o), 0);
	const cw_metric_row *q6 = &cw_metrics_table(m, CW_METRIC_DRUG_SHARE)->rows[phys(ds, "Q6")];
	assert_int_equal(q6->status, CW_METRIC_JUDGED);
	double sn = 0, sd = 0, res2 = 0;
	for (int i = 0; i < 5; i++)
		for (int k = 0; k < 2; k++) {
			sn += drug[i][k];
			sd += drug[i][k] + cons[i][k];
		}
	double r = sn / sd;
	for (int i = 0; i < 5; i++)
		for (int k = 0; k < 2; k++) {
			double e = drug[i][k] - r * (drug[i][k] + cons[i][k]);
			res2 += e * e;
		}
	double v = res2 / 10, d6 = 200; /* Q6's amount */
	NEAR(q6->expected, r, 1e-12);
	NEAR(q6->se, sqrt(2 * v + d6 * d6 * v * 10 / (sd * sd)) / d6, 1e-12);
	cw_metrics_free(m);
	cw_dataset_free(ds);
}

/* A physician who pads visits with costly non-drug lines would weigh most in
 * the drug share of its strata (units weigh by their amount); it stands out and
 * is left out of the reference, so it does not lower everyone's expected drug
 * share. */
static void test_costly_peer_out_of_shares(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_physician(b, "M7", "H1", "IM1");
	for (int k = 0; k < 6; k++) {
		char vid[16], l1[16], l2[16], day[4];
		snprintf(vid, sizeof vid, "V4%d", k);
		snprintf(l1, sizeof l1, "L4%dd", k);
		snprintf(l2, sizeof l2, "L4%dc", k);
		snprintf(day, sizeof day, "%02d", 20 + k);
		char admit[32];
		snprintf(admit, sizeof admit, "2026-05-%s 09:00", day);
		visit(b, vid, "M7", "H1", "IM1", CW_OUTPATIENT, admit, NULL, "J06.9");
		tu_add_line(b, l1, vid, "DRUG", admit, CW_QTY_ONE, 4000);  /* 40 yuan of drugs */
		tu_add_line(b, l2, vid, "CONS", admit, CW_QTY_ONE, 96000); /* and 960 of padding */
	}
	cw_dataset *ds = tu_finish(b);
	cw_metrics_opts o = small_opts();
	cw_metrics *m;
	assert_int_equal(cw_metrics_compute(&m, ds, &o), 0);
	const cw_metric_table *t = cw_metrics_table(m, CW_METRIC_DRUG_SHARE);
	NEAR(t->rows[phys(ds, "M1")].expected, 0.4, 1e-12); /* 40% at every other physician */
	NEAR(t->rows[phys(ds, "M7")].value, 0.04, 1e-12);
	cw_metrics_free(m);
	cw_dataset_free(ds);
}

/* A finding must survive without the physician's largest units, a share `trim`
 * of its volume: two exceptional visits among forty are not a pattern. */
static void test_trim(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_physician(b, "M8", "H1", "IM1");
	for (int k = 0; k < 40; k++) {
		char vid[16], day[4];
		snprintf(vid, sizeof vid, "V8%02d", k);
		snprintf(day, sizeof day, "%02d", 1 + k % 28);
		costed(b, vid, "M8", "H1", "IM1", day, "J06.9", k < 2 ? 3000 : 100 + k % 3 * 5);
	}
	cw_dataset *ds = tu_finish(b);
	cw_metrics_opts o = small_opts();
	cw_metrics *m;
	o.trim = 0; /* without its single largest visit, M8 is still far above */
	assert_int_equal(cw_metrics_compute(&m, ds, &o), 0);
	const cw_metric_row *r = &cw_metrics_table(m, CW_METRIC_COST_PER_OUTPATIENT_VISIT)->rows[phys(ds, "M8")];
	assert_true(r->z > r->zlimit);
	assert_true(r->flagged);
	cw_metrics_free(m);
	o.trim = 0.05; /* without its 2 largest (5% of 40), nothing is left */
	assert_int_equal(cw_metrics_compute(&m, ds, &o), 0);
	r = &cw_metrics_table(m, CW_METRIC_COST_PER_OUTPATIENT_VISIT)->rows[phys(ds, "M8")];
	assert_true(r->z > r->zlimit);
	assert_false(r->flagged);
	cw_metrics_free(m);
	cw_dataset_free(ds);
}

static void test_stays_rx_totals(void **state)
{
	(void)state;
	cw_builder *b = world();
	/* M1's stays: 3 days, same day (1), admitted in April (10 days); one still open, one discharged in June */
	visit(b, "S1", "M1", "H1", "IM1", CW_INPATIENT, "2026-05-03 10:00", "2026-05-06 09:00", "J18.9");
	visit(b, "S2", "M1", "H1", "IM1", CW_INPATIENT, "2026-05-10 10:00", "2026-05-10 18:00", "J18.9");
	visit(b, "S3", "M1", "H1", "IM1", CW_INPATIENT, "2026-04-25 10:00", "2026-05-05 09:00", "J18.9");
	visit(b, "S4", "M1", "H1", "IM1", CW_INPATIENT, "2026-05-25 10:00", NULL, "J18.9");
	visit(b, "S5", "M1", "H1", "IM1", CW_INPATIENT, "2026-05-28 10:00", "2026-06-02 10:00", "J18.9");
	tu_add_line(b, "B1", "S1", "BED", "2026-05-03 23:00", CW_QTY_ONE, 10000);
	tu_add_line(b, "B2", "S2", "BED", "2026-05-10 12:00", CW_QTY_ONE, 10000);
	tu_add_line(b, "B3", "S3", "BED", "2026-04-25 23:00", CW_QTY_ONE, 10000); /* look-back: part of the stay */
	tu_add_line(b, "B3b", "S3", "CT", "2026-05-02 09:00", CW_QTY_ONE, 30000);
	tu_add_line(b, "B4", "S4", "BED", "2026-05-25 23:00", CW_QTY_ONE, 10000);
	tu_add_line(b, "B5", "S5", "BED", "2026-05-28 23:00", CW_QTY_ONE, 10000);
	/* a refunded line and its refund are ignored */
	tu_add_line(b, "B6", "S1", "CT", "2026-05-04 09:00", CW_QTY_ONE, 30000);
	tu_add_line(b, "B6r", "S1", "CT", "2026-05-04 10:00", -CW_QTY_ONE, 30000);
	tu_add_rx(b, "RX1", 1, "V1", "M1", "2026-05-02 09:10", "ABX", CW_QTY_ONE, 3, 500);
	tu_add_rx(b, "RX1", 2, "V1", "M1", "2026-05-02 09:10", "DRUG", CW_QTY_ONE, 3, 500);
	tu_add_rx(b, "RX2", 1, "V2", "M1", "2026-05-03 09:10", "DRUG", CW_QTY_ONE, 3, 500);
	tu_add_rx(b, "RX3", 1, "V2", "M1", "2026-04-03 09:10", "ABX", CW_QTY_ONE, 3, 500); /* April */
	cw_dataset *ds = tu_finish(b);
	cw_metrics_opts o = small_opts();
	cw_metrics *m;
	assert_int_equal(cw_metrics_compute(&m, ds, &o), 0);
	cw_ref m1 = phys(ds, "M1");
	const cw_metric_row *los = &cw_metrics_table(m, CW_METRIC_LENGTH_OF_STAY)->rows[m1];
	assert_int_equal(los->volume, 3);
	NEAR(los->value, (3 + 1 + 10) / 3.0, 1e-12);
	const cw_metric_row *cost = &cw_metrics_table(m, CW_METRIC_COST_PER_INPATIENT_STAY)->rows[m1];
	NEAR(cost->value, (100 + 100 + 400) / 3.0, 1e-9);
	const cw_metric_row *ab = &cw_metrics_table(m, CW_METRIC_ANTIBIOTIC_RATE)->rows[m1];
	assert_int_equal(ab->volume, 2);
	NEAR(ab->value, 0.5, 0);
	/* large equipment per 100 visits: M1 has 2 visits and 3 stays, one CT (S3's) */
	const cw_metric_row *le = &cw_metrics_table(m, CW_METRIC_LARGE_EQUIPMENT_PER_100)->rows[m1];
	assert_int_equal(le->volume, 5);
	NEAR(le->value, 20, 1e-12);
	const cw_physician_totals *tot = &cw_metrics_totals(m)[m1];
	assert_int_equal(tot->visits, 2);
	assert_int_equal(tot->stays, 3);
	assert_int_equal(tot->prescriptions, 2);
	/* in-month live lines: 4 of the visits, B1, B2, B3b, B4, B5 */
	assert_int_equal(tot->lines, 9);
	assert_int_equal(tot->billed, 22000 + 10000 * 4 + 30000);
	cw_metrics_free(m);
	cw_dataset_free(ds);
}

static void test_empty_and_info(void **state)
{
	(void)state;
	cw_dataset *ds = tu_finish(tu_builder("2026-05"));
	cw_metrics_opts o;
	cw_metrics_opts_default(&o);
	cw_metrics *m;
	assert_int_equal(cw_metrics_compute(&m, ds, &o), 0);
	for (int k = 0; k < CW_METRIC_COUNT; k++) {
		assert_int_equal(cw_metrics_table(m, k)->ngroups, 0);
		assert_int_equal(cw_metrics_table(m, k)->rows[0].status, CW_METRIC_NO_DATA);
		assert_int_equal(cw_metric_parse(cw_metric_info_of(k)->name), k);
	}
	assert_int_equal(cw_metric_parse("nope"), -1);
	assert_null(cw_metrics_table(m, CW_METRIC_COUNT));
	cw_metrics_free(m);
	o.level = 1.5;
	assert_int_equal(cw_metrics_compute(&m, ds, &o), CW_EINVALID);
	cw_dataset_free(ds);
	char buf[4];
	assert_string_equal(cw_dx_category(buf, "J06.9"), "J06");
	assert_string_equal(cw_dx_category(buf, "i10"), "I10");
	assert_string_equal(cw_dx_category(buf, "C3.4x"), "C34");
	assert_string_equal(cw_dx_category(buf, "Z"), "Z");
}

static void test_options_from_rules(void **state)
{
	(void)state;
	cw_rules *r;
	assert_int_equal(cw_rules_load(&r, tu_registry(), NULL), 0);
	cw_metrics_opts o, d;
	assert_int_equal(cw_metrics_opts_load(&o, r), 0);
	cw_metrics_opts_default(&d);
	assert_int_equal(o.min_peers, d.min_peers);
	for (int k = 0; k < CW_VOLUME_COUNT; k++)
		assert_int_equal(o.min_volume[k], d.min_volume[k]);
	assert_int_equal(o.judge_unreachable, d.judge_unreachable);
	NEAR(o.level, d.level, 0);
	NEAR(o.winsor, d.winsor, 0);
	NEAR(o.min_excess, d.min_excess, 0);
	assert_int_equal(o.min_stratum_units, d.min_stratum_units);
	NEAR(o.trim, d.trim, 0);
	cw_rules_free(r);
	assert_int_equal(cw_rules_load_text(&r, tu_registry(), "{\"metrics\":{\"winsor\":0.6}}", "t"), 0);
	assert_int_equal(cw_metrics_opts_load(&o, r), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "metrics.winsor"));
	cw_rules_free(r);
}

/* An empty month (no institution, no department, nobody): nothing to judge, no crash.
 * Found by fuzz_load: the empty department column was copied from NULL. */
static void test_empty_dataset(void **state)
{
	(void)state;
	cw_builder *b;
	cw_month m = { 2026, 5 };
	cw_dataset *ds;
	cw_metrics *mx;
	cw_metrics_opts o;
	assert_int_equal(cw_builder_new(&b, m, 45), 0);
	assert_int_equal(cw_builder_finish(&ds, b), 0);
	cw_metrics_opts_default(&o);
	assert_int_equal(cw_metrics_compute(&mx, ds, &o), 0);
	assert_int_equal(cw_metrics_table(mx, CW_METRIC_DRUG_SHARE)->ngroups, 0);
	cw_metrics_free(mx);
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_dataset),
		cmocka_unit_test(test_case_mix_expected),
		cmocka_unit_test(test_peer_groups_fallback),
		cmocka_unit_test(test_one_visit_is_not_a_pattern),
		cmocka_unit_test(test_sparse_strata),
		cmocka_unit_test(test_share_variance),
		cmocka_unit_test(test_costly_peer_out_of_shares),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_stays_rx_totals),
		cmocka_unit_test(test_empty_and_info),
		cmocka_unit_test(test_options_from_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
