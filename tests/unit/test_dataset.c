/* test_dataset.c: the builder's checks, canonical order, indexes and refund matching. */
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"

static cw_builder *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row lab = tu_item_row("LAB1", CW_CAT_LAB, 2000);
	tu_add_item(b, &lab);
	cw_item_row bed = tu_item_row("BED", CW_CAT_BED, 3000);
	tu_add_item(b, &bed);
	return b;
}

static void test_canonical_order_independent_of_input_order(void **state)
{
	(void)state;
	const char *ids[2][3] = { { "Lb", "La", "Lc" }, { "Lc", "La", "Lb" } };
	char first[256] = "";
	for (int round = 0; round < 2; round++) {
		cw_builder *b = world();
		for (int k = 0; k < 2; k++) {
			if ((k == 0) == (round == 0))
				tu_add_visit(b, "V1", "PM", "DR1", CW_OUTPATIENT, "2026-05-03 08:00", NULL, "I10");
			else
				tu_add_visit(b, "V2", "PF", "DR2", CW_OUTPATIENT, "2026-05-02 08:00", NULL, "I10");
		}
		for (int i = 0; i < 3; i++)
			tu_add_line(b, ids[round][i], strcmp(ids[round][i], "Lc") ? "V1" : "V2", "LAB1",
			            "2026-05-03 09:00", CW_QTY_ONE, 2000);
		cw_dataset *ds = tu_finish(b);
		const cw_claims *c = cw_dataset_claims(ds);
		char got[256] = "";
		for (size_t i = 0; i < c->n; i++) {
			strcat(got, cw_dataset_str(ds, c->id[i]));
			strcat(got, " ");
		}
		if (round == 0)
			strcpy(first, got);
		else
			assert_string_equal(first, got);
		cw_dataset_free(ds);
	}
}

static void test_indexes(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_visit(b, "V1", "PM", "DR1", CW_INPATIENT, "2026-05-01 08:00", "2026-05-04 10:00", "J18.9");
	tu_add_visit(b, "V2", "PM", "DR2", CW_OUTPATIENT, "2026-05-10 08:00", NULL, "J06.9");
	tu_add_line(b, "L3", "V2", "LAB1", "2026-05-10 09:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "L1", "V1", "BED", "2026-05-01 23:00", CW_QTY_ONE, 3000);
	tu_add_line_by(b, "L2", "V1", "LAB1", "2026-05-02 09:00", CW_QTY_ONE, 2000, "DR5");
	cw_dataset *ds = tu_finish(b);
	const cw_claims *c = cw_dataset_claims(ds);
	const cw_visits *v = cw_dataset_visits(ds);
	const cw_patients *p = cw_dataset_patients(ds);
	const cw_physicians *ph = cw_dataset_physicians(ds);
	assert_int_equal(c->n, 3);
	cw_ref pm = cw_dataset_find(ds, CW_T_PATIENTS, "PM");
	assert_int_equal(p->line_start[pm + 1] - p->line_start[pm], 3);
	assert_int_equal(p->visit_start[pm + 1] - p->visit_start[pm], 2);
	cw_ref v1 = cw_dataset_find(ds, CW_T_VISITS, "V1");
	assert_int_equal(v->line_start[v1 + 1] - v->line_start[v1], 2);
	assert_string_equal(cw_dataset_str(ds, c->id[c->by_visit[v->line_start[v1]]]), "L1");
	cw_ref dr5 = cw_dataset_find(ds, CW_T_PHYSICIANS, "DR5");
	assert_int_equal(ph->line_start[dr5 + 1] - ph->line_start[dr5], 1);
	cw_ref l2 = cw_dataset_find(ds, CW_T_CLAIMS, "L2");
	assert_int_equal(c->physician[l2], dr5);
	cw_ref l1 = cw_dataset_find(ds, CW_T_CLAIMS, "L1");
	assert_int_equal(c->physician[l1], cw_dataset_find(ds, CW_T_PHYSICIANS, "DR1"));
	assert_true(c->flags[l1] & CW_LINE_IN_MONTH);
	cw_dataset_free(ds);
}

static void test_rejects_and_skips(void **state)
{
	(void)state;
	cw_builder *b = world();
	cw_rowerr err;
	tu_add_visit(b, "V1", "PM", "DR1", CW_OUTPATIENT, "2026-05-01 08:00", NULL, "I10");
	cw_claim_row r = { "L1", "V9", "LAB1", NULL, tu_time("2026-05-02 08:00"), CW_QTY_ONE, 100, 100, CW_FEN_NONE, CW_FEN_NONE };
	assert_int_equal(cw_builder_add_claim(&err, b, &r), CW_EINVALID);
	assert_string_equal(err.column, "visit_id");
	assert_non_null(strstr(err.reason, "V9"));
	r.visit_id = "V1";
	assert_int_equal(cw_builder_add_claim(&err, b, &r), 0);
	assert_int_equal(cw_builder_add_claim(&err, b, &r), CW_EINVALID); /* duplicate line id */
	assert_string_equal(err.column, "line_id");
	r.line_id = "L2";
	r.time = tu_time("2026-06-01 00:00"); /* after the month */
	assert_int_equal(cw_builder_add_claim(&err, b, &r), CW_SKIP);
	r.time = tu_time("2026-03-01 00:00"); /* before the look-back */
	assert_int_equal(cw_builder_add_claim(&err, b, &r), CW_SKIP);
	r.time = tu_time("2026-04-20 00:00"); /* in the look-back */
	assert_int_equal(cw_builder_add_claim(&err, b, &r), 0);
	r.line_id = "L3";
	r.amount = -100;
	assert_int_equal(cw_builder_add_claim(&err, b, &r), CW_EINVALID);
	assert_string_equal(err.column, "amount");
	/* the fund's and the patient's parts at the top of the range: refused, without overflowing their sum
	 * (found by fuzz_store: a damaged store hands the builder any value) */
	r.amount = INT64_MAX;
	r.fund = INT64_MAX;
	r.self_pay = INT64_MAX;
	assert_int_equal(cw_builder_add_claim(&err, b, &r), CW_EINVALID);
	assert_string_equal(err.column, "self_amount");
	r.amount = -100;
	r.fund = r.self_pay = CW_FEN_NONE;
	cw_bundle_row self = { "LAB1", "LAB1" };
	assert_int_equal(cw_builder_add_bundle(&err, b, &self), CW_EINVALID);
	cw_result_row res = { "NOPE", CW_RESULT_POSITIVE };
	assert_int_equal(cw_builder_add_result(&err, b, &res), CW_SKIP);
	res.line_id = "L1";
	assert_int_equal(cw_builder_add_result(&err, b, &res), 0);
	assert_int_equal(cw_builder_add_result(&err, b, &res), CW_EINVALID);
	cw_dataset *ds = tu_finish(b);
	const cw_claims *c = cw_dataset_claims(ds);
	assert_int_equal(c->n, 2);
	assert_int_equal(c->result[cw_dataset_find(ds, CW_T_CLAIMS, "L1")], CW_RESULT_POSITIVE);
	assert_false(c->flags[cw_dataset_find(ds, CW_T_CLAIMS, "L2")] & CW_LINE_IN_MONTH);
	cw_dataset_free(ds);
}

static void test_refund_cancels_its_line(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_visit(b, "V1", "PM", "DR1", CW_OUTPATIENT, "2026-05-01 08:00", NULL, "I10");
	tu_add_line(b, "L1", "V1", "LAB1", "2026-05-01 09:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "L2", "V1", "LAB1", "2026-05-01 09:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "R1", "V1", "LAB1", "2026-05-01 11:00", -CW_QTY_ONE, 2000);
	cw_dataset *ds = tu_finish(b);
	const cw_claims *c = cw_dataset_claims(ds);
	int refunded = 0;
	for (size_t i = 0; i < c->n; i++)
		refunded += !!(c->flags[i] & CW_LINE_REFUNDED);
	assert_int_equal(refunded, 1);
	assert_true(c->flags[cw_dataset_find(ds, CW_T_CLAIMS, "R1")] & CW_LINE_REFUND);
	assert_int_equal(cw_dataset_build_stats(ds)->refunds_matched, 1);
	/* the duplicate was cancelled: nothing left to flag */
	cw_findings *fs = tu_detect(ds, "duplicate_billing", NULL);
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_visits_outside_window_dropped(void **state)
{
	(void)state;
	cw_builder *b = world();
	tu_add_visit(b, "OLD", "PM", "DR1", CW_OUTPATIENT, "2025-01-01 08:00", NULL, "I10");
	tu_add_visit(b, "STAY", "PF", "DR1", CW_INPATIENT, "2025-12-01 08:00", NULL, "I10");
	tu_add_visit(b, "NEXT", "PM", "DR1", CW_OUTPATIENT, "2026-06-02 08:00", NULL, "I10");
	tu_add_visit(b, "NOW", "PM", "DR1", CW_OUTPATIENT, "2026-05-02 08:00", NULL, "I10");
	cw_dataset *ds = tu_finish(b);
	assert_int_equal(cw_dataset_visits(ds)->n, 2);
	assert_int_not_equal(cw_dataset_find(ds, CW_T_VISITS, "STAY"), CW_NONE);
	assert_int_not_equal(cw_dataset_find(ds, CW_T_VISITS, "NOW"), CW_NONE);
	assert_int_equal(cw_dataset_find(ds, CW_T_VISITS, "OLD"), CW_NONE);
	assert_int_equal(cw_dataset_build_stats(ds)->visits_dropped, 2);
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canonical_order_independent_of_input_order),
		cmocka_unit_test(test_indexes),
		cmocka_unit_test(test_rejects_and_skips),
		cmocka_unit_test(test_refund_cancels_its_line),
		cmocka_unit_test(test_visits_outside_window_dropped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
