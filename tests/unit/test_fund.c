/* test_fund.c: who pays what (issue 14 item 1): the rules' fund.estimated_share, a line's parts, the fund
 * share of a finding (every evidence line says: their ratio; one line silent: the estimate, marked), and
 * the indicators' sums (fund_paid + self_paid + out_of_scope = revenue, estimated rows marked, patients,
 * visits per patient, material and essential-drug shares). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/findings.h"
#include "engine/indicators.h"

/* A line with its parts (CW_FEN_NONE: not given). */
static void line(cw_builder *b, const char *id, const char *visit, const char *item, const char *time, cw_fen amount,
                 cw_fen fund, cw_fen self_pay)
{
	cw_rowerr err;
	cw_qty q = amount < 0 ? -CW_QTY_ONE : CW_QTY_ONE;
	cw_claim_row r = { id, visit, item, NULL, tu_time(time), q, amount < 0 ? -amount : amount, amount, fund, self_pay };
	int rc = cw_builder_add_claim(&err, b, &r);
	if (rc != 0)
		fail_msg("%s: %s %s", id, err.column ? err.column : "", err.reason);
}

/* May 2026 at H1: PM's visit V1 (drug 100.00, fund 70 self 20, essential; material 50.00, fund 0 self 0:
 * out of scope), PF's visit V2 (lab 40.00, fund not given); PM's second visit V3 (drug 10.00 fund 5 self 5). */
static cw_dataset *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row drug = tu_item_row("DRUG", CW_CAT_DRUG, 100000), lab = tu_item_row("LAB", CW_CAT_LAB, 100000);
	cw_item_row mat = tu_item_row("MAT", CW_CAT_MATERIAL, 100000), drug2 = tu_item_row("DRUG2", CW_CAT_DRUG, 100000);
	drug.essential = 1;
	drug.catalogue_class = CW_CLASS_A;
	mat.catalogue_class = CW_CLASS_C;
	tu_add_item(b, &drug);
	tu_add_item(b, &drug2);
	tu_add_item(b, &lab);
	tu_add_item(b, &mat);
	tu_add_visit(b, "V1", "PM", "DR1", CW_OUTPATIENT, "2026-05-03 08:00", NULL, "I10");
	tu_add_visit(b, "V2", "PF", "DR1", CW_OUTPATIENT, "2026-05-04 08:00", NULL, "I10");
	tu_add_visit(b, "V3", "PM", "DR1", CW_OUTPATIENT, "2026-05-20 08:00", NULL, "I10");
	line(b, "L1", "V1", "DRUG", "2026-05-03 09:00", 10000, 7000, 2000);
	line(b, "L2", "V1", "MAT", "2026-05-03 09:10", 5000, 0, 0);
	line(b, "L3", "V2", "LAB", "2026-05-04 09:00", 4000, CW_FEN_NONE, CW_FEN_NONE);
	line(b, "L4", "V3", "DRUG2", "2026-05-20 09:00", 1000, 500, 500);
	return tu_finish(b);
}

static uint32_t row_of(const cw_dataset *ds, const char *id) { return cw_dataset_find(ds, CW_T_CLAIMS, id); }

static void test_share_rules(void **state)
{
	(void)state;
	double s;
	cw_rules *r;
	assert_int_equal(cw_fund_share(&s, NULL), 0);
	assert_true(fabs(s - 0.16) < 1e-12);
	assert_int_equal(cw_rules_load_text(&r, tu_registry(), "{\"fund\":{\"estimated_share\":0.5}}", "t"), 0);
	assert_int_equal(cw_fund_share(&s, r), 0);
	assert_true(fabs(s - 0.5) < 1e-12);
	cw_rules_free(r);
	assert_int_equal(cw_rules_load_text(&r, tu_registry(), "{\"fund\":{\"estimated_share\":1}}", "t"), 0);
	assert_int_equal(cw_fund_share(&s, r), 0); /* exactly at the bound */
	assert_true(s == 1.0);
	cw_rules_free(r);
	assert_int_equal(cw_rules_load_text(&r, tu_registry(), "{\"fund\":{\"estimated_share\":1.01}}", "t"), 0);
	assert_int_equal(cw_fund_share(&s, r), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "fund.estimated_share"));
	cw_rules_free(r);
	assert_int_not_equal(cw_rules_load_text(&r, tu_registry(), "{\"fund\":{\"share\":0.5}}", "t"), 0); /* unknown key */
}

static void test_line_pay(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	const cw_claims *cl = cw_dataset_claims(ds);
	cw_fen f, s;
	int est;
	cw_line_pay(&f, &s, &est, cl, row_of(ds, "L1"), 0.16);
	assert_true(f == 7000 && s == 2000 && est == 0);
	cw_line_pay(&f, &s, &est, cl, row_of(ds, "L3"), 0.16);
	assert_true(f == 640 && s == 3360 && est == 1);
	assert_int_equal(cw_fund_estimate(-4000, 0.16), -640);
	assert_int_equal(cw_fund_estimate(3, 0.5), 2); /* 1.5 fen: half away from zero */
	cw_dataset_free(ds);
}

static void test_finding_fund(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	uint32_t both[2] = { row_of(ds, "L1"), row_of(ds, "L2") }, mixed[2] = { row_of(ds, "L1"), row_of(ds, "L3") };
	cw_finding f = { 0 };
	cw_fen fund;
	int est;
	/* every line says: 3000 x 7000 / 15000 = 1400 */
	f.suspect = 3000;
	f.lines = both;
	f.nlines = 2;
	cw_finding_fund(&fund, &est, ds, &f, 0.16);
	assert_int_equal(fund, 1400);
	assert_int_equal(est, 0);
	/* one line missing fund_amount: the estimate, 3000 x 0.16 */
	f.lines = mixed;
	cw_finding_fund(&fund, &est, ds, &f, 0.16);
	assert_int_equal(fund, 480);
	assert_int_equal(est, 1);
	/* no lines (a finding on the physician's figures): the estimate */
	f.nlines = 0;
	f.lines = NULL;
	cw_finding_fund(&fund, &est, ds, &f, 0.25);
	assert_int_equal(fund, 750);
	assert_int_equal(est, 1);
	/* rounding: 1 fen x 7000 / 15000 = 0.47 -> 0; 2 fen -> 0.93 -> 1 */
	f.lines = both;
	f.nlines = 2;
	f.suspect = 1;
	cw_finding_fund(&fund, &est, ds, &f, 0.16);
	assert_int_equal(fund, 0);
	f.suspect = 2;
	cw_finding_fund(&fund, &est, ds, &f, 0.16);
	assert_int_equal(fund, 1);
	cw_dataset_free(ds);
}

static void test_indicator_sums(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_rules *rules;
	assert_int_equal(cw_rules_load(&rules, tu_registry(), NULL), 0);
	cw_indicators ind;
	assert_int_equal(cw_indicators_compute(&ind, ds, rules, NULL), 0);
	const cw_indicator *h = &ind.inst[cw_dataset_find(ds, CW_T_INSTITUTIONS, "H1")];
	assert_int_equal(h->revenue, 20000);
	assert_int_equal(h->fund_paid, 7000 + 0 + 640 + 500);
	assert_int_equal(h->self_paid, 2000 + 0 + 3360 + 500);
	assert_int_equal(cw_indicator_out_of_scope(h), 5000 + 1000); /* the material, and L1's 10.00 */
	assert_int_equal(h->fund_paid + h->self_paid + cw_indicator_out_of_scope(h), h->revenue);
	assert_int_equal(h->fund_estimated, 1); /* L3 */
	assert_int_equal(h->patients, 2);
	assert_int_equal(h->visits, 3);
	assert_true(fabs(cw_indicator_visits_per_patient(h) - 1.5) < 1e-12);
	assert_int_equal(h->material, 5000);
	assert_true(fabs(cw_indicator_material_share(h) - 0.25) < 1e-12);
	assert_int_equal(h->essential_drug, 10000);
	assert_true(fabs(cw_indicator_essential_share(h) - 10000.0 / 11000.0) < 1e-12);
	assert_true(fabs(cw_indicator_out_of_scope_share(h) - 0.3) < 1e-12);
	/* H2 has no lines: no revenue, no shares */
	const cw_indicator *h2 = &ind.inst[cw_dataset_find(ds, CW_T_INSTITUTIONS, "H2")];
	assert_int_equal(h2->fund_estimated, 0);
	assert_true(isnan(cw_indicator_self_pay_share(h2)) && isnan(cw_indicator_essential_share(h2)) &&
	            isnan(cw_indicator_visits_per_patient(h2)));
	cw_indicators_free(&ind);
	cw_rules_free(rules);
	cw_dataset_free(ds);
}

/* Every line gives fund_amount: the row is not estimated. */
static void test_indicator_all_given(void **state)
{
	(void)state;
	cw_builder *b = tu_builder("2026-05");
	cw_item_row drug = tu_item_row("DRUG", CW_CAT_DRUG, 100000);
	tu_add_item(b, &drug);
	tu_add_visit(b, "V1", "PM", "DR1", CW_OUTPATIENT, "2026-05-03 08:00", NULL, "I10");
	line(b, "L1", "V1", "DRUG", "2026-05-03 09:00", 10000, 7000, CW_FEN_NONE); /* self not given: 0 */
	line(b, "R1", "V1", "DRUG", "2026-05-03 10:00", -10000, -7000, CW_FEN_NONE); /* its refund */
	line(b, "L2", "V1", "DRUG", "2026-05-03 11:00", 10000, 6000, 3000);
	cw_dataset *ds = tu_finish(b);
	cw_rules *rules;
	assert_int_equal(cw_rules_load(&rules, tu_registry(), NULL), 0);
	cw_indicators ind;
	assert_int_equal(cw_indicators_compute(&ind, ds, rules, NULL), 0);
	const cw_indicator *h = &ind.inst[cw_dataset_find(ds, CW_T_INSTITUTIONS, "H1")];
	assert_int_equal(h->revenue, 10000);
	assert_int_equal(h->fund_paid, 6000);
	assert_int_equal(h->self_paid, 3000);
	assert_int_equal(cw_indicator_out_of_scope(h), 1000);
	assert_int_equal(h->fund_estimated, 0);
	assert_int_equal(h->patients, 1);
	cw_indicators_free(&ind);
	cw_rules_free(rules);
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_share_rules),
		cmocka_unit_test(test_line_pay),
		cmocka_unit_test(test_finding_fund),
		cmocka_unit_test(test_indicator_sums),
		cmocka_unit_test(test_indicator_all_given),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
