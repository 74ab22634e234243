/* test_selfcheck.c: self-inspection totals and the statistics form (judge/selfcheck.h): findings of a
 * window of month folders counted by their state after the decisions, per institution, department and
 * month; the refund counted while the finding stays confirmed; the form's rows, subtotals and titles
 * (a detector not in the registry shown by its name); a window without results; a damaged money field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/review.h"
#include "io/outfile.h"
#include "judge/selfcheck.h"

static void decide(const char *root, const char *id, const char *m, int act, cw_fen amount)
{
	cw_review r = { id, m, act, "li", "x", "2020-06-01", amount, 0, 0 };
	assert_int_equal(tu_review(root, &r), 0);
}

/* A root with findings in 2018-01, 2019-06 and 2021-01 and decisions on four of them. */
static char *fixture(void)
{
	char *root = tu_tempdir();
	tu_write_findings(root, "2018-01", "A1,2018-01,over_price,m,H1,D1,P1,,,,10.00,1,x\n"
	                       "A2,2018-01,split_billing,m,H1,D2,P2,,,,20.00,1,x\n");
	tu_write_findings(root, "2019-06", "B1,2019-06,over_price,m,H1,D1,P1,,,,30.00,1,x\n"
	                       "B2,2019-06,my_plugin,m,H2,D9,P9,,,,40.00,1,x\n");
	tu_write_findings(root, "2021-01", "C1,2021-01,over_price,m,H1,D1,P1,,,,99.00,1,x\n");
	decide(root, "A1", "2018-01", CW_REVIEW_CONFIRMED, 0);
	decide(root, "A1", "2018-01", CW_REVIEW_REFUNDED, 400);
	decide(root, "A2", "2018-01", CW_REVIEW_DISMISSED, 0);
	decide(root, "B1", "2019-06", CW_REVIEW_CONFIRMED, 0);
	decide(root, "B1", "2019-06", CW_REVIEW_RECTIFIED, 0);
	decide(root, "B1", "2019-06", CW_REVIEW_REFUNDED, 1000);
	decide(root, "B1", "2019-06", CW_REVIEW_APPEALED, 0);
	decide(root, "C1", "2021-01", CW_REVIEW_CONFIRMED, 0);
	return root;
}

static cw_month ym(int y, int m) { return (cw_month){ y, m }; }

static void test_by_institution(void **state)
{
	(void)state;
	char *root = fixture();
	cw_selfcheck sc;
	assert_int_equal(cw_selfcheck_build(&sc, root, ym(2018, 1), ym(2020, 5), CW_SC_INSTITUTION), 0);
	assert_int_equal(sc.months_read, 2);
	assert_int_equal(sc.n, 2);
	const cw_sc_row *h1 = &sc.rows[0], *h2 = &sc.rows[1];
	assert_string_equal(h1->inst, "H1");
	assert_int_equal(h1->found, 3);
	assert_int_equal(h1->found_amount, 6000);
	assert_int_equal(h1->n[CW_REVIEW_REFUNDED], 1);
	assert_int_equal(h1->amount[CW_REVIEW_REFUNDED], 1000);
	assert_int_equal(h1->n[CW_REVIEW_DISMISSED], 1);
	assert_int_equal(h1->n[CW_REVIEW_APPEALED], 1);
	assert_int_equal(h1->amount[CW_REVIEW_APPEALED], 3000);
	assert_int_equal(h1->refund, 1400); /* the appealed finding's refund still counts */
	assert_string_equal(h2->inst, "H2");
	assert_int_equal(h2->n[CW_REVIEW_NONE], 1);
	assert_int_equal(sc.total.found, 4);
	assert_int_equal(sc.total.found_amount, 10000);
	size_t sum = 0;
	cw_fen money = 0;
	for (int s = 0; s < CW_SC_STATES; s++) {
		sum += sc.total.n[s];
		money += sc.total.amount[s];
	}
	assert_int_equal(sum, sc.total.found); /* the states add up */
	assert_int_equal(money, sc.total.found_amount);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(cw_selfcheck_write_totals(f, &sc, 0, 0), 0);
	fclose(f);
	assert_non_null(strstr(text, "\nH1,3,60.00,0,0.00,0,0.00,1,20.00,0,0.00,1,10.00,14.00,1,30.00,2018-01,2020-05\n"));
	assert_non_null(strstr(text, "\ntotal,4,100.00,1,40.00,"));
	free(text);
	cw_selfcheck_free(&sc);
	tu_rmtree(root);
	free(root);
}

static void test_by_department_and_month(void **state)
{
	(void)state;
	char *root = fixture();
	cw_selfcheck sc;
	assert_int_equal(cw_selfcheck_build(&sc, root, ym(2018, 1), ym(2021, 12), CW_SC_DEPARTMENT), 0);
	assert_int_equal(sc.n, 3); /* H1/D1, H1/D2, H2/D9 */
	assert_string_equal(sc.rows[0].dept, "D1");
	assert_int_equal(sc.rows[0].found, 3);
	assert_int_equal(sc.rows[0].n[CW_REVIEW_CONFIRMED], 1); /* C1 of 2021 */
	cw_selfcheck_free(&sc);
	assert_int_equal(cw_selfcheck_build(&sc, root, ym(2018, 1), ym(2021, 12), CW_SC_MONTH), 0);
	assert_int_equal(sc.n, 3);
	assert_string_equal(sc.rows[2].month, "2021-01");
	assert_int_equal(sc.rows[2].found_amount, 9900);
	cw_selfcheck_free(&sc);
	assert_int_equal(cw_selfcheck_build(&sc, root, ym(2018, 1), ym(2021, 12), CW_SC_QUARTER), 0);
	assert_int_equal(sc.n, 3);
	assert_string_equal(sc.rows[0].month, "2018-Q1");
	assert_string_equal(sc.rows[1].month, "2019-Q2");
	cw_selfcheck_free(&sc);
	assert_int_equal(cw_selfcheck_build(&sc, root, ym(2018, 1), ym(2021, 12), CW_SC_YEAR), 0);
	assert_string_equal(sc.rows[2].month, "2021");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(cw_selfcheck_write_totals(f, &sc, 1, 0), 0);
	fclose(f);
	assert_int_equal(strncmp(text, "年度,发现问题数,", 22), 0);
	assert_non_null(strstr(text, "\n2019,2,70.00,"));
	assert_non_null(strstr(text, "\n合计,5,199.00,"));
	free(text);
	cw_selfcheck_free(&sc);
	assert_int_equal(cw_selfcheck_build(&sc, root, ym(2020, 1), ym(2020, 12), CW_SC_MONTH), CW_ENOTFOUND);
	assert_non_null(strstr(cw_error_last(), "2020-01..2020-12"));
	tu_rmtree(root);
	free(root);
}

static void test_form(void **state)
{
	(void)state;
	char *root = fixture();
	cw_selfcheck sc;
	cw_registry *reg;
	assert_int_equal(cw_registry_builtin(&reg), 0);
	assert_int_equal(cw_selfcheck_build(&sc, root, ym(2018, 1), ym(2020, 5), CW_SC_FORM), 0);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(cw_selfcheck_write_form(f, &sc, reg, 1, CW_CSV_EXCEL), 0);
	fclose(f);
	assert_int_equal(strncmp(text, "\xEF\xBB\xBF机构编码,违规类型代码,违规类型,", 3 + 37), 0);
	assert_non_null(strstr(text, "\r\nH1,over_price,超标准收费,2,40.00,2,40.00,0,1,14.00,1\r\n"));
	assert_non_null(strstr(text, "\r\nH1,split_billing,分解收费,1,20.00,0,0.00,0,0,0.00,0\r\n"));
	assert_non_null(strstr(text, "\r\nH1,,小计,3,60.00,2,40.00,0,1,14.00,1\r\n"));
	assert_non_null(strstr(text, "\r\nH2,my_plugin,my_plugin,1,40.00,0,0.00,0,0,0.00,0\r\n"));
	assert_non_null(strstr(text, "\r\n合计,,,4,100.00,2,40.00,0,1,14.00,1\r\n"));
	free(text);
	cw_selfcheck_free(&sc);
	assert_int_equal(cw_selfcheck_build(&sc, root, ym(2018, 1), ym(2020, 5), CW_SC_INSTITUTION), 0);
	f = open_memstream(&text, &len);
	assert_int_equal(cw_selfcheck_write_form(f, &sc, reg, 1, 0), CW_EINVALID); /* not grouped for the form */
	fclose(f);
	free(text);
	cw_selfcheck_free(&sc);
	cw_registry_free(reg);
	tu_rmtree(root);
	free(root);
}

static void test_damaged_money(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	tu_write_findings(root, "2018-01", "A1,2018-01,over_price,m,H1,D1,P1,,,,10.001,1,x\n");
	cw_selfcheck sc;
	assert_int_equal(cw_selfcheck_build(&sc, root, ym(2018, 1), ym(2018, 1), CW_SC_INSTITUTION), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "line 2: suspect_amount '10.001'"));
	tu_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_institution),
		cmocka_unit_test(test_by_department_and_month),
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_damaged_money),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
