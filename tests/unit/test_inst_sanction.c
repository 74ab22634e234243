/* test_inst_sanction.c: the institutions' sanction ladder (judge/inst_sanction.h) on hand-written
 * inst_assessment.csv files: each step's three triggers (grade, repeat months, fund) exactly at their
 * threshold and one below, a month without money owing nothing, the window's edges (the first month
 * in, the month before out, an absent month), the basis switch (violation_fund, confirmed_fund), the
 * penalty multiple, the rules' checks, and damaged files (an error naming file, line and column). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "judge/inst_sanction.h"
#include "report/report_inst_sanctions.h"

#define HEADER                                                                                               \
	"period,inst_id,name,level,region,visits,stays,patients,revenue,fund_paid,fund_estimated,findings,"      \
	"findings_per_100_visits,violation_amount,violation_fund,confirmed_amount,confirmed_fund,refunded_amount," \
	"rejected_rows,score,grade,rank,rank_of,rank_group\n"

/* One institution's month: grade ("" ungraded), violation_fund and confirmed_fund in yuan. */
static void write_row(FILE *f, const char *month, const char *inst, const char *grade, const char *vfund,
                      const char *cfund)
{
	fprintf(f, "%s,%s,Hospital %s,2,,100,10,90,1000.00,700.00,0,3,3.00,%s,%s,0.00,%s,0.00,0,50.00,%s,1,1,level2\n",
	        month, inst, inst, vfund, vfund, cfund, grade);
}

static void write_month(const char *root, const char *month, const char *grade, const char *vfund,
                        const char *cfund)
{
	char dir[4096], path[4200];
	snprintf(dir, sizeof dir, "%s/%s", root, month);
	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/inst_assessment.csv", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(HEADER, f);
	write_row(f, month, "H1", grade, vfund, cfund);
	write_row(f, month, "H9", "A", "0.00", "0.00"); /* a clean neighbour: never sanctioned */
	assert_int_equal(fclose(f), 0);
}

static cw_inst_sanction_rules rules_of(const char *json, cw_rules **keep)
{
	cw_inst_sanction_rules r;
	if (cw_rules_load_text(keep, NULL, json ? json : "{}", "test rules") < 0)
		fail_msg("rules: %s", cw_error_last());
	if (cw_inst_sanction_rules_load(&r, *keep) < 0)
		fail_msg("institution sanction rules: %s", cw_error_last());
	return r;
}

typedef struct outcome {
	int step, trigger, repeat;
	cw_fen refund, penalty, window_fund;
	char history[CW_INST_WINDOW_MAX * 11 + 1], missing[CW_INST_WINDOW_MAX * 8 + 1], reason[512];
} outcome;

/* H1's outcome in month under the rules json (NULL: the defaults). */
static outcome ladder(const char *root, const char *month, const char *json)
{
	cw_rules *rules;
	cw_inst_sanction_rules r = rules_of(json, &rules);
	cw_month m;
	assert_int_equal(cw_month_parse(&m, month), 0);
	cw_inst_history h;
	if (cw_inst_history_load(&h, root, m, (int)r.window, NULL) < 0)
		fail_msg("history: %s", cw_error_last());
	cw_inst_sanction *s;
	size_t n;
	assert_int_equal(cw_inst_sanctions_compute(&s, &n, &h, &r), 0);
	outcome o = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s[i].last->inst_id, "H1")) {
			assert_int_equal(s[i].step, 0);
			continue;
		}
		o.step = s[i].step;
		o.trigger = s[i].trigger;
		o.repeat = s[i].repeat_months;
		o.refund = s[i].refund;
		o.penalty = s[i].penalty;
		o.window_fund = s[i].window_fund;
		snprintf(o.history, sizeof o.history, "%s", s[i].history);
		cw_inst_sanction_reason(o.reason, sizeof o.reason, &s[i], &r, "en");
	}
	cw_inst_history_missing(o.missing, sizeof o.missing, &h);
	free(s);
	cw_inst_history_free(&h);
	cw_rules_free(rules);
	return o;
}

/* Only one trigger on: the others at "never". */
#define ONLY(s1, s2, s3, s4)                                                                                    \
	"{\"institution_sanctions\": {\"step1\": {" s1 "}, \"step2\": {" s2 "}, \"step3\": {" s3 "}, \"step4\": {" s4 "}}}"
#define NEVER "\"grade\": \"\", \"repeat_months\": 0, \"fund\": 0"

static void test_defaults(void **state)
{
	(void)state;
	cw_rules *rules;
	cw_inst_sanction_rules r = rules_of(NULL, &rules);
	assert_int_equal(r.basis, CW_INST_BASIS_VIOLATION);
	assert_int_equal(r.window, 12);
	assert_int_equal(r.repeat_grade, 3);
	assert_true(r.penalty_multiple == 1.0);
	assert_int_equal(r.step[1].fund, 1);
	assert_int_equal(r.step[2].grade, 3);
	assert_int_equal(r.step[2].repeat_months, 2);
	assert_int_equal(r.step[2].fund, 1000000);
	assert_int_equal(r.step[3].grade, 4);
	assert_int_equal(r.step[3].repeat_months, 3);
	assert_int_equal(r.step[3].fund, 10000000);
	assert_int_equal(r.step[4].grade, 0);
	assert_int_equal(r.step[4].repeat_months, 6);
	assert_int_equal(r.step[4].fund, 50000000);
	assert_string_equal(cw_inst_measure(&r, 3, "zh"), "暂停医疗保险服务费用结算");
	assert_string_equal(cw_inst_measure(&r, 4, "zh"), "解除医疗保险服务协议");
	assert_string_equal(cw_inst_measure(&r, 5, "en"), "");
	cw_rules_free(rules);
}

/* With the defaults: money this month is step 1, a refund of it and no penalty; no money, nothing. */
static void test_step1_and_no_money(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	write_month(root, "2026-05", "B", "0.01", "0.00");
	outcome o = ladder(root, "2026-05", NULL);
	assert_int_equal(o.step, 1);
	assert_int_equal(o.trigger, CW_INST_TRIGGER_FUND);
	assert_int_equal(o.refund, 1);
	assert_int_equal(o.penalty, 0);
	assert_string_equal(o.history, "2026-05:B");
	write_month(root, "2026-05", "D", "0.00", "0.00");
	o = ladder(root, "2026-05", NULL);
	assert_int_equal(o.step, 0); /* a D without money: nothing to refund, nothing due */
	assert_int_equal(o.refund, 0);
	tu_rmtree(root);
	free(root);
}

/* Each step's grade trigger at its grade and one grade better. */
static void test_grade_trigger(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	static const char *const grades[] = { "", "A", "B", "C", "D" };
	char json[1024];
	for (int k = 1; k <= 4; k++)
		for (int g = 2; g <= 4; g++) {
			/* step k triggers at grade g, the other steps never */
			char on[128];
			snprintf(on, sizeof on, "\"grade\": \"%s\", \"repeat_months\": 0, \"fund\": 0", grades[g]);
			snprintf(json, sizeof json, ONLY("%s", "%s", "%s", "%s"), k == 1 ? on : NEVER, k == 2 ? on : NEVER,
			         k == 3 ? on : NEVER, k == 4 ? on : NEVER);
			write_month(root, "2026-05", grades[g], "10.00", "0.00");
			outcome o = ladder(root, "2026-05", json);
			assert_int_equal(o.step, k);
			assert_int_equal(o.trigger, CW_INST_TRIGGER_GRADE);
			write_month(root, "2026-05", grades[g - 1], "10.00", "0.00");
			assert_int_equal(ladder(root, "2026-05", json).step, 0);
		}
	write_month(root, "2026-05", "", "10.00", "0.00"); /* ungraded: the grade triggers nothing */
	assert_int_equal(ladder(root, "2026-05", ONLY("\"grade\": \"A\", \"repeat_months\": 0, \"fund\": 0", NEVER, NEVER,
	                                              NEVER)).step, 0);
	tu_rmtree(root);
	free(root);
}

/* The default repeat_months (2, 3, 6), the grades off: each step exactly at its count, and one month
 * fewer. */
static void test_repeat_trigger_defaults(void **state)
{
	(void)state;
	static const char *const months[] = { "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06" };
	static const int due[] = { 0, 1, 2, 3, 3, 3, 4 }; /* months counted -> step (2 at 2, 3 at 3, 4 at 6) */
	for (int count = 1; count <= 6; count++) {
		char *root = tu_tempdir();
		for (int i = 0; i < 6; i++)
			write_month(root, months[i], i >= 6 - count ? "C" : "B", "10.00", "0.00");
		outcome o = ladder(root, "2026-06", "{\"institution_sanctions\": {\"step2\": {\"grade\": \"\"}, "
		                                    "\"step3\": {\"grade\": \"\"}}}");
		assert_int_equal(o.repeat, count);
		assert_int_equal(o.step, due[count]);
		assert_int_equal(o.trigger, count == 1 ? CW_INST_TRIGGER_FUND : CW_INST_TRIGGER_REPEAT);
		tu_rmtree(root);
		free(root);
	}
}

/* A month counts for repeat_months only with money and a grade at or below repeat_grade. */
static void test_repeat_needs_money_and_grade(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	const char *json = ONLY(NEVER, "\"grade\": \"\", \"repeat_months\": 2, \"fund\": 0", NEVER, NEVER);
	write_month(root, "2026-04", "D", "0.00", "0.00");
	write_month(root, "2026-05", "C", "5.00", "0.00");
	outcome o = ladder(root, "2026-05", json);
	assert_int_equal(o.repeat, 1);
	assert_int_equal(o.step, 0);
	write_month(root, "2026-04", "D", "0.01", "0.00");
	o = ladder(root, "2026-05", json);
	assert_int_equal(o.repeat, 2);
	assert_int_equal(o.step, 2);
	assert_int_equal(o.trigger, CW_INST_TRIGGER_REPEAT);
	assert_string_equal(o.history, "2026-04:D 2026-05:C");
	write_month(root, "2026-04", "B", "0.01", "0.00");
	o = ladder(root, "2026-05", json);
	assert_int_equal(o.repeat, 1);
	assert_int_equal(o.step, 0);
	tu_rmtree(root);
	free(root);
}

/* Each step's fund trigger at its amount and one fen below. */
static void test_fund_trigger(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	static const char *const at[] = { "", "0.01", "10000.00", "100000.00", "500000.00" };
	static const char *const below[] = { "", "0.00", "9999.99", "99999.99", "499999.99" };
	for (int k = 2; k <= 4; k++) {
		/* two months: the amount split across the window */
		char half[32];
		write_month(root, "2026-04", "A", "0.01", "0.00");
		snprintf(half, sizeof half, "%.2f", atof(at[k]) - 0.01);
		write_month(root, "2026-05", "A", half, "0.00");
		outcome o = ladder(root, "2026-05", NULL);
		assert_int_equal(o.step, k);
		assert_int_equal(o.trigger, CW_INST_TRIGGER_FUND);
		snprintf(half, sizeof half, "%.2f", atof(below[k]) - 0.01);
		write_month(root, "2026-05", "A", half, "0.00");
		o = ladder(root, "2026-05", NULL);
		assert_int_equal(o.step, k - 1);
	}
	tu_rmtree(root);
	free(root);
}

/* The window: its first month counts, the month before does not; an absent month is named. */
static void test_window_edges(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	const char *json = "{\"institution_sanctions\": {\"window_months\": 3, \"step1\": {" NEVER "}, "
	                   "\"step2\": {\"grade\": \"\", \"repeat_months\": 2, \"fund\": 0}, \"step3\": {" NEVER "}, "
	                   "\"step4\": {" NEVER "}}}";
	write_month(root, "2026-02", "C", "1.00", "0.00");
	write_month(root, "2026-05", "C", "1.00", "0.00");
	outcome o = ladder(root, "2026-05", json); /* window 2026-03..05: 2026-02 is out */
	assert_int_equal(o.repeat, 1);
	assert_int_equal(o.step, 0);
	assert_string_equal(o.missing, "2026-03 2026-04");
	write_month(root, "2026-03", "C", "1.00", "0.00"); /* the window's first month is in */
	o = ladder(root, "2026-05", json);
	assert_int_equal(o.repeat, 2);
	assert_int_equal(o.step, 2);
	assert_int_equal(o.window_fund, 200);
	assert_string_equal(o.history, "2026-03:C 2026-05:C");
	assert_string_equal(o.missing, "2026-04");
	/* across a year's end */
	write_month(root, "2025-12", "D", "1.00", "0.00");
	write_month(root, "2026-01", "D", "1.00", "0.00");
	o = ladder(root, "2026-01", json);
	assert_int_equal(o.repeat, 2);
	assert_string_equal(o.history, "2025-12:D 2026-01:D");
	assert_string_equal(o.missing, "2025-11");
	tu_rmtree(root);
	free(root);
}

/* The basis: confirmed_fund instead of violation_fund; the penalty multiple. */
static void test_basis_and_penalty(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	write_month(root, "2026-05", "C", "100.00", "40.00");
	outcome o = ladder(root, "2026-05", NULL);
	assert_int_equal(o.step, 2);
	assert_int_equal(o.refund, 10000);
	assert_int_equal(o.penalty, 10000);
	o = ladder(root, "2026-05", "{\"institution_sanctions\": {\"basis\": \"confirmed_fund\", \"penalty_multiple\": 2.5}}");
	assert_int_equal(o.step, 2);
	assert_int_equal(o.refund, 4000);
	assert_int_equal(o.penalty, 10000);
	assert_string_equal(o.reason, "graded C this month, C or below, with 40.00 yuan of the fund's money in violation");
	write_month(root, "2026-05", "C", "100.00", "0.00");
	o = ladder(root, "2026-05", "{\"institution_sanctions\": {\"basis\": \"confirmed_fund\"}}");
	assert_int_equal(o.step, 0); /* nothing confirmed: nothing due */
	tu_rmtree(root);
	free(root);
}

static void expect_rules_error(const char *json, const char *needle)
{
	cw_rules *rules;
	cw_inst_sanction_rules r;
	if (cw_rules_load_text(&rules, NULL, json, "test rules") < 0) {
		assert_non_null(strstr(cw_error_last(), needle));
		return;
	}
	assert_int_equal(cw_inst_sanction_rules_load(&r, rules), CW_EINVALID);
	if (!strstr(cw_error_last(), needle))
		fail_msg("'%s' does not name '%s'", cw_error_last(), needle);
	cw_rules_free(rules);
}

static void test_rules_checked(void **state)
{
	(void)state;
	expect_rules_error("{\"institution_sanctions\": {\"basis\": \"billed\"}}", "institution_sanctions.basis");
	expect_rules_error("{\"institution_sanctions\": {\"repeat_grade\": \"E\"}}", "institution_sanctions.repeat_grade");
	expect_rules_error("{\"institution_sanctions\": {\"repeat_grade\": \"\"}}", "institution_sanctions.repeat_grade");
	expect_rules_error("{\"institution_sanctions\": {\"step2\": {\"grade\": \"c\"}}}", "institution_sanctions.step2.grade");
	expect_rules_error("{\"institution_sanctions\": {\"window_months\": 0}}", "institution_sanctions.window_months");
	expect_rules_error("{\"institution_sanctions\": {\"window_months\": 37}}", "institution_sanctions.window_months");
	expect_rules_error("{\"institution_sanctions\": {\"penalty_multiple\": -1}}", "penalty_multiple");
}

/* A damaged file: an error naming the file, the line and the column. */
static void expect_damaged(const char *row, const char *needle)
{
	char *root = tu_tempdir(), dir[4096], text[2048];
	snprintf(dir, sizeof dir, "%s/2026-05", root);
	mkdir(dir, 0700);
	snprintf(text, sizeof text, HEADER "2026-05,H2,B,2,,1,1,1,1.00,1.00,0,0,0,0.00,0.00,0.00,0.00,0.00,0,1,A,1,1,x\n%s\n",
	         row);
	tu_write(dir, "inst_assessment.csv", text);
	cw_inst_history h;
	cw_month m = { 2026, 5 };
	assert_int_equal(cw_inst_history_load(&h, root, m, 12, NULL), CW_EINVALID);
	if (!strstr(cw_error_last(), needle) || !strstr(cw_error_last(), "inst_assessment.csv"))
		fail_msg("'%s' does not name '%s'", cw_error_last(), needle);
	tu_rmtree(root);
	free(root);
}

static void test_damaged_files(void **state)
{
	(void)state;
	const char *ok = ",2,,1,1,1,1.00,1.00,0,0,0,0.00,";
	char row[512];
	snprintf(row, sizeof row, "2026-05,H1,A%s0.00,0.00,0.00,0.00,0,1,E,1,1,x", ok);
	expect_damaged(row, "line 3: column grade: 'E' is not a grade");
	snprintf(row, sizeof row, "2026-05,H1,A%s12.3x,0.00,0.00,0.00,0,1,A,1,1,x", ok);
	expect_damaged(row, "line 3: column violation_fund: '12.3x' is not an amount");
	snprintf(row, sizeof row, "2026-05,H1,A%s0.00,0.00,1.005,0.00,0,1,A,1,1,x", ok);
	expect_damaged(row, "line 3: column confirmed_fund: '1.005'");
	snprintf(row, sizeof row, "2026-04,H1,A%s0.00,0.00,0.00,0.00,0,1,A,1,1,x", ok);
	expect_damaged(row, "line 3: column period: '2026-04' is not the file's month");
	snprintf(row, sizeof row, "2026-05,,A%s0.00,0.00,0.00,0.00,0,1,A,1,1,x", ok);
	expect_damaged(row, "line 3: column inst_id: '' is empty");
	snprintf(row, sizeof row, "2026-05,H2,A%s0.00,0.00,0.00,0.00,0,1,A,1,1,x", ok);
	expect_damaged(row, "institution H2 is listed twice");
	expect_damaged("2026-05,H1,A,2", "line 3"); /* a short row */
	/* a missing column */
	char *root = tu_tempdir(), dir[4096];
	snprintf(dir, sizeof dir, "%s/2026-05", root);
	mkdir(dir, 0700);
	tu_write(dir, "inst_assessment.csv", "period,inst_id,name,violation_fund,confirmed_fund\n2026-05,H1,A,1.00,0.00\n");
	cw_inst_history h;
	cw_month m = { 2026, 5 };
	assert_int_equal(cw_inst_history_load(&h, root, m, 12, NULL), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "grade"));
	tu_rmtree(root);
	free(root);
}

/* docs/institution-sanctions.md's worked example, month by month. */
static void test_worked_example(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	static const struct { const char *month, *grade, *fund; int step, trigger; cw_fen refund, penalty; } ex[] = {
		{ "2026-01", "B", "1200.00", 1, CW_INST_TRIGGER_FUND, 120000, 0 },
		{ "2026-02", "C", "2500.00", 2, CW_INST_TRIGGER_GRADE, 250000, 250000 },
		{ "2026-03", "A", "0.00", 0, CW_INST_TRIGGER_NONE, 0, 0 },
		{ "2026-04", "C", "4000.00", 2, CW_INST_TRIGGER_GRADE, 400000, 400000 },
		{ "2026-05", "D", "3000.00", 3, CW_INST_TRIGGER_GRADE, 300000, 300000 },
	};
	for (size_t i = 0; i < sizeof ex / sizeof ex[0]; i++) {
		write_month(root, ex[i].month, ex[i].grade, ex[i].fund, "0.00");
		outcome o = ladder(root, ex[i].month, NULL);
		assert_int_equal(o.step, ex[i].step);
		assert_int_equal(o.trigger, ex[i].trigger);
		assert_int_equal(o.refund, ex[i].refund);
		assert_int_equal(o.penalty, ex[i].penalty);
		if (i == 3)
			assert_int_equal(o.repeat, 2);
		if (i == 4) {
			assert_string_equal(o.history, "2026-01:B 2026-02:C 2026-04:C 2026-05:D");
			assert_int_equal(o.repeat, 3);
			assert_int_equal(o.window_fund, 1070000);
		}
	}
	tu_rmtree(root);
	free(root);
}

/* The report's table: the run's file as written (written by cw_inst_sanctions_write_csv), escaped, in
 * both languages; a month without the file gives nothing. */
static void test_report_table(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	write_month(root, "2026-05", "D", "300.00", "0.00");
	cw_rules *rules;
	cw_inst_sanction_rules r = rules_of(NULL, &rules);
	cw_inst_history h;
	cw_month m = { 2026, 5 };
	assert_int_equal(cw_inst_history_load(&h, root, m, 12, NULL), 0);
	free(h.r[0].name); /* a name holding markup is shown as text */
	h.r[0].name = strdup("<b>H&1</b>");
	cw_inst_sanction *s;
	size_t n;
	assert_int_equal(cw_inst_sanctions_compute(&s, &n, &h, &r), 0);
	char path[4200];
	snprintf(path, sizeof path, "%s/inst_sanctions.csv", root);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	cw_inst_sanctions_write_csv(f, "2026-05", s, n, &r, "zh", "");
	assert_int_equal(fclose(f), 0);
	for (int lang = 0; lang < 2; lang++) {
		cw_report_input in = { .month = "2026-05" };
		cw_report rep = { .in = &in, .lang = lang ? CW_LANG_ZH : CW_LANG_EN };
		char *html = NULL;
		size_t len = 0;
		FILE *mf = open_memstream(&html, &len);
		assert_int_equal(cw_report_inst_sanctions_table(&rep, mf, path), 0);
		fclose(mf);
		assert_non_null(strstr(html, "&lt;b&gt;H&amp;1&lt;/b&gt;"));
		assert_null(strstr(html, "<b>H"));
		assert_non_null(strstr(html, lang ? "暂停医疗保险服务费用结算" : "settlement of medical-insurance services suspended"));
		assert_non_null(strstr(html, lang ? "本月考核等级D" : "graded D this month"));
		assert_non_null(strstr(html, ">300.00<"));
		free(html);
	}
	cw_report_input in = { .month = "2026-06" };
	cw_report rep = { .in = &in };
	snprintf(path, sizeof path, "%s/none.csv", root);
	assert_int_equal(cw_report_inst_sanctions_table(&rep, stdout, path), 0);
	free(s);
	cw_inst_history_free(&h);
	cw_rules_free(rules);
	tu_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_step1_and_no_money),
		cmocka_unit_test(test_grade_trigger),
		cmocka_unit_test(test_repeat_trigger_defaults),
		cmocka_unit_test(test_repeat_needs_money_and_grade),
		cmocka_unit_test(test_fund_trigger),
		cmocka_unit_test(test_window_edges),
		cmocka_unit_test(test_basis_and_penalty),
		cmocka_unit_test(test_rules_checked),
		cmocka_unit_test(test_damaged_files),
		cmocka_unit_test(test_worked_example),
		cmocka_unit_test(test_report_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
