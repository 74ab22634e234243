/* test_budgets_csv.c: the optional budgets table (source/budgets.c, docs/data-format.md): a good file with
 * and without monthly profiles, DATA/budgets.csv absent (no budgets, no error), and every malformed input
 * refused with the file, line and column named. */
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "source/budgets.h"

static void good_file(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	tu_write(dir, "budgets.csv",
	         "inst_id,year,annual_budget,m01,m02,m03,m04,m05,m06,m07,m08,m09,m10,m11,m12\r\n"
	         "H1,2026,1200000.00,,,,,,,,,,,,\r\n"
	         "H2,2026,2400000.5,0.05,0.05,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.05,0.05\r\n"
	         "H1,2025,999999.99,1,1,1,1,1,1,1,1,1,1,1,9\r\n");
	cw_budget_table t = { 0 };
	assert_int_equal(cw_budgets_read_dir(&t, dir), 0);
	assert_int_equal(t.n, 3);
	const cw_budget_row *r = cw_budgets_find(&t, "H1", 2026);
	assert_non_null(r);
	assert_int_equal(r->annual, 120000000);
	assert_int_equal(r->profile_given, 0);
	r = cw_budgets_find(&t, "H2", 2026);
	assert_int_equal(r->annual, 240000050);
	assert_int_equal(r->profile_given, 1);
	assert_int_equal(r->profile[2], 100000);
	r = cw_budgets_find(&t, "H1", 2025);
	assert_int_equal(r->profile[11], 9 * CW_BUDGET_WEIGHT_ONE);
	assert_null(cw_budgets_find(&t, "H3", 2026));
	cw_budgets_free(&t);
	tu_write(dir, "b2.csv", "year,annual_budget,inst_id\n2026,5,H9\n"); /* any column order, no profile */
	assert_int_equal(cw_budgets_read(&t, tu_path(dir, "b2.csv")), 0);
	assert_int_equal(t.rows[0].annual, 500);
	cw_budgets_free(&t);
	tu_rmtree(dir);
	free(dir);
}

static void absent_is_none(void **state)
{
	(void)state;
	char *dir = tu_tempdir();
	cw_budget_table t = { 0 };
	assert_int_equal(cw_budgets_read_dir(&t, dir), 0);
	assert_int_equal(t.n, 0);
	assert_int_equal(cw_budgets_read(&t, tu_path(dir, "budgets.csv")), CW_ENOTFOUND);
	cw_budgets_free(&t);
	tu_rmtree(dir);
	free(dir);
}

static void refused(void **state)
{
	(void)state;
	static const struct {
		const char *text, *message;
	} cases[] = {
		{ "inst_id,year\nH1,2026\n", "missing required column 'annual_budget'" },
		{ "inst_id,year,annual_budget,budget\n", "line 1: column 'budget' is not a column" },
		{ "inst_id,year,annual_budget,m1\n", "column 'm1' is not a column" },
		{ "inst_id,year,annual_budget,year\n", "column 'year' appears twice" },
		{ "inst_id,year,annual_budget\nH1,2026,12.345\n", "line 2: column annual_budget: '12.345'" },
		{ "inst_id,year,annual_budget\nH1,2026,-5\n", "line 2: column annual_budget: '-5'" },
		{ "inst_id,year,annual_budget\nH1,2026,1e6\n", "column annual_budget: '1e6'" },
		{ "inst_id,year,annual_budget\nH1,2026,100000000000000\n", "column annual_budget" },
		{ "inst_id,year,annual_budget\nH1,26,5\n", "line 2: column year: '26'" },
		{ "inst_id,year,annual_budget\nH1,2026.0,5\n", "column year" },
		{ "inst_id,year,annual_budget\n,2026,5\n", "line 2: column inst_id: empty" },
		{ "inst_id,year,annual_budget\nH1,2026,5\nH2,2026,5\nH1,2026,6\n", "line 4: column inst_id: institution H1 has a second budget for 2026" },
		{ "inst_id,year,annual_budget\nH1,2026,5,7\n", "line 2: 4 fields, the header has 3" },
		{ "inst_id,year,annual_budget\nH1,\"2026,5\n", "line 2:" },
		{ "inst_id,year,annual_budget,m01,m02,m03,m04,m05,m06,m07,m08,m09,m10,m11,m12\n"
		  "H1,2026,5,1,1,1,1,1,,1,1,1,1,1,1\n", "line 2: column m06: empty, but the row gives 11 months" },
		{ "inst_id,year,annual_budget,m01,m02,m03,m04,m05,m06,m07,m08,m09,m10,m11,m12\n"
		  "H1,2026,5,1,1,1,1,1,-1,1,1,1,1,1,1\n", "line 2: column m06: '-1' is not a weight" },
		{ "inst_id,year,annual_budget,m01,m02,m03,m04,m05,m06,m07,m08,m09,m10,m11,m12\n"
		  "H1,2026,5,0,0,0,0,0,0,0,0,0,0,0,0\n", "line 2: column m01: the monthly profile adds up to 0" },
		{ "", "the file is empty" },
	};
	char *dir = tu_tempdir();
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		cw_budget_table t = { 0 };
		tu_write(dir, "budgets.csv", cases[i].text);
		assert_int_equal(cw_budgets_read_dir(&t, dir), CW_EINVALID);
		if (!strstr(cw_error_last(), cases[i].message) || !strstr(cw_error_last(), "budgets.csv"))
			fail_msg("case %zu: '%s' lacks '%s'", i, cw_error_last(), cases[i].message);
		cw_budgets_free(&t);
	}
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file),
		cmocka_unit_test(absent_is_none),
		cmocka_unit_test(refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
