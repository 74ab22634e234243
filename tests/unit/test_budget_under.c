/* test_budget_under.c: the I12 under-service signals as findings at institution level (judge/budget_under.c,
 * judge/prompts.h; docs/budget.md "Under-service (I12)"): the prompt predicate, the reason in both
 * languages, the stable id, and the findings of a month from a hand-made book: one per institution
 * signalled in that month, at institution level, without lines or money; an institution the month's data
 * lacks is an error, not a finding without a place. */
#include <math.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "judge/budget_book.h"
#include "judge/prompts.h"

static void test_prompt_predicate(void **state)
{
	(void)state;
	assert_true(cw_finding_is_prompt("budget_under_service"));
	assert_false(cw_finding_is_prompt("split_billing"));
	assert_false(cw_finding_is_prompt(""));
	assert_false(cw_finding_is_prompt(NULL));
	const cw_detector *d = cw_prompt_rule("budget_under_service");
	assert_ptr_equal(d, &cw_rule_budget_under_service);
	assert_string_equal(d->title_zh, "总额预算下服务减少");
	assert_non_null(d->summary_zh);
	assert_null(cw_prompt_rule("over_price"));
}

/* An institution of the book: a budget of 100 a month, 120 used a month (it binds), no signal. */
static void inst(cw_budget_inst *x, const char *id)
{
	memset(x, 0, sizeof *x);
	snprintf(x->inst_id, sizeof x->inst_id, "%s", id);
	x->year = 2026;
	for (int k = 0; k < 12; k++) {
		x->m[k].budget = 10000;
		x->m[k].used = 12000;
		x->have[k] = k < 4;
		x->under_fall[k][0] = x->under_fall[k][1] = x->under_fall[k][2] = NAN;
	}
}

static void signal(cw_budget_inst *x, int k, double visits, double stays, double cost)
{
	x->under[k] = 1;
	x->under_fall[k][0] = visits;
	x->under_fall[k][1] = stays;
	x->under_fall[k][2] = cost;
}

static void test_reason_text(void **state)
{
	(void)state;
	cw_budget_inst x;
	char buf[160];
	inst(&x, "H1");
	cw_budget_under_text(buf, sizeof buf, &x, 3, 0);
	assert_string_equal(buf, "");
	signal(&x, 3, 0.4, NAN, 0.3);
	cw_budget_under_text(buf, sizeof buf, &x, 3, 0);
	assert_string_equal(buf, "visits -40.0%; cost per case -30.0%");
	cw_budget_under_text(buf, sizeof buf, &x, 3, 1);
	assert_string_equal(buf, "门诊人次 -40.0%; 次均费用 -30.0%");
	signal(&x, 2, NAN, 0.35, NAN);
	cw_budget_under_text(buf, sizeof buf, &x, 2, 0);
	assert_string_equal(buf, "stays -35.0%");
	cw_budget_under_text(buf, 8, &x, 3, 0); /* cut, never overrun */
	assert_string_equal(buf, "visits ");
}

static void test_stable_id(void **state)
{
	(void)state;
	char a[CW_FINDING_ID_SIZE], b[CW_FINDING_ID_SIZE], c[CW_FINDING_ID_SIZE], d[CW_FINDING_ID_SIZE];
	cw_budget_under_id(a, "H1", (cw_month){ 2026, 4 });
	cw_budget_under_id(b, "H1", (cw_month){ 2026, 4 });
	cw_budget_under_id(c, "H1", (cw_month){ 2026, 5 });
	cw_budget_under_id(d, "H2", (cw_month){ 2026, 4 });
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(a, d);
	assert_int_equal(strlen(a), 17);
	assert_int_equal(a[0], 'F');
	assert_int_equal(strspn(a + 1, "0123456789abcdef"), 16);
}

static void test_findings_of_a_month(void **state)
{
	(void)state;
	cw_dataset *ds = tu_finish(tu_builder("2026-04"));
	cw_budget_inst xs[3];
	cw_budget_book b = { .inst = xs, .n = 3 };
	cw_budget_rules_default(&b.rules);
	inst(&xs[0], "H1");
	inst(&xs[1], "H2");
	inst(&xs[2], "H3");
	signal(&xs[0], 3, 0.467, NAN, NAN); /* April: H1 */
	signal(&xs[1], 2, 0.5, NAN, NAN);   /* March only: H2 */
	cw_findings *fs;
	assert_int_equal(cw_findings_new(&fs), 0);
	assert_int_equal(cw_budget_under_findings(fs, &b, (cw_month){ 2026, 4 }, ds, 2), 0);
	assert_int_equal(cw_findings_count(fs), 1);
	cw_record r;
	cw_findings_get(&r, fs, 0);
	char id[CW_FINDING_ID_SIZE];
	cw_budget_under_id(id, "H1", (cw_month){ 2026, 4 });
	assert_string_equal(r.id, id);
	assert_ptr_equal(r.detector, &cw_rule_budget_under_service);
	assert_string_equal(cw_dataset_str(ds, cw_dataset_institutions(ds)->id[r.inst]), "H1");
	assert_int_equal(r.dept, CW_NONE);
	assert_int_equal(r.f.physician, CW_NONE);
	assert_int_equal(r.f.patient, CW_NONE);
	assert_int_equal(r.f.visit, CW_NONE);
	assert_int_equal(r.f.nlines, 0);
	assert_int_equal(r.f.suspect, 0);
	assert_int_equal(r.fund, 0);
	assert_int_equal(r.fund_estimated, 0);
	assert_int_equal(r.f.severity, CW_NOTICE);
	assert_int_equal(r.dimension, 2);
	assert_float_equal(r.f.score, 0.467, 1e-9);
	assert_float_equal(r.f.value, 1.2, 1e-9); /* 4 x 120 used of 4 x 100 */
	assert_string_equal(r.f.tag, "under_service");
	assert_non_null(strstr(r.reason, "visits -46.7% against the mean of the 3 month(s) before"));
	assert_non_null(strstr(r.reason, "use to date 120.0% of the budget to date"));
	assert_non_null(strstr(r.reason_zh, "门诊人次 -46.7%（较前 3 个月均值）"));
	/* March gives H2's; a month without signals none */
	assert_int_equal(cw_budget_under_findings(fs, &b, (cw_month){ 2026, 3 }, ds, 2), 0);
	assert_int_equal(cw_findings_count(fs), 2);
	cw_findings_get(&r, fs, 1);
	assert_string_equal(cw_dataset_str(ds, cw_dataset_institutions(ds)->id[r.inst]), "H2");
	assert_non_null(strstr(r.reason, "the 2 month(s) before"));
	assert_int_equal(cw_budget_under_findings(fs, &b, (cw_month){ 2026, 2 }, ds, 2), 0);
	assert_int_equal(cw_findings_count(fs), 2);
	/* another year's book row is not this year's */
	xs[0].year = 2025;
	assert_int_equal(cw_budget_under_findings(fs, &b, (cw_month){ 2026, 4 }, ds, 2), 0);
	assert_int_equal(cw_findings_count(fs), 2);
	/* an institution the month's data does not have */
	inst(&xs[2], "H9");
	signal(&xs[2], 3, 0.4, NAN, NAN);
	assert_int_equal(cw_budget_under_findings(fs, &b, (cw_month){ 2026, 4 }, ds, 2), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "H9"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prompt_predicate),
		cmocka_unit_test(test_reason_text),
		cmocka_unit_test(test_stable_id),
		cmocka_unit_test(test_findings_of_a_month),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
