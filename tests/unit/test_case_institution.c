/* test_case_institution.c: `case --institution`'s sanction part (report/case_institution.c): the step due
 * from inst_sanctions.csv in Chinese, English and JSON; an institution the file does not list (none due); a
 * month folder without the file (not computed); a file without the _zh/_en columns (the run's words); a
 * damaged file (an error naming it, never "none due"). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "judge/assess.h"
#include "report/case.h"
#include "report/report.h"
#include "testutil.h"

static const char *const fixed[] = {
	"period", "inst_id", "name", "level", "region", "visits", "stays", "patients", "revenue", "fund_paid",
	"fund_estimated", "findings", "findings_per_100_visits", "violation_amount", "violation_fund",
	"confirmed_amount", "confirmed_fund", "refunded_amount", "rejected_rows", "score", "grade", "rank", "rank_of",
	"rank_group", NULL
};

/* An inst_assessment.csv of two institutions, H1 (grade D) and H2 (grade A), every indicator empty. */
static void write_assessment(const char *dir)
{
	char text[8192];
	size_t n = 0;
	for (int i = 0; fixed[i]; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "%s%s", i ? "," : "", fixed[i]);
	for (int i = 0; i < CW_AI_N; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, ",%s,%s_target,%s_over", cw_ai_name(i), cw_ai_name(i),
		                      cw_ai_name(i));
	const char *rows[] = {
		"2026-05,H1,一院,3,R1,100,5,80,1000.00,700.00,0,9,9.00,300.00,210.00,0.00,0.00,0.00,0,55.00,D,2,2,R1",
		"2026-05,H2,二院,2,R1,100,5,80,1000.00,700.00,0,0,0.00,0.00,0.00,0.00,0.00,0.00,0,98.00,A,1,2,R1"
	};
	for (size_t r = 0; r < 2; r++) {
		n += (size_t)snprintf(text + n, sizeof text - n, "\n%s", rows[r]);
		for (int i = 0; i < 3 * CW_AI_N; i++)
			n += (size_t)snprintf(text + n, sizeof text - n, ",");
	}
	snprintf(text + n, sizeof text - n, "\n");
	tu_write(dir, "inst_assessment.csv", text);
}

static const char sanctions[] =
	"month,inst_id,name,step,measure,refund_fund,penalty,trigger,reason,history,grade,basis,violation_fund,"
	"confirmed_fund,window_months,window_fund,repeat_months,measure_zh,measure_en,reason_zh,reason_en,"
	"missing_months\n"
	"2026-05,H1,一院,3,暂停结算,210.00,210.00,grade,本月考核等级D,2026-04:C 2026-05:D,D,violation_fund,210.00,"
	"0.00,12,400.00,2,暂停医疗保险服务费用结算,settlement suspended,本月考核等级为D,this month's grade is D,\n";

typedef struct fixture {
	char *root, dir[4200];
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->root = tu_tempdir();
	snprintf(f->dir, sizeof f->dir, "%s/2026-05", f->root);
	mkdir(f->dir, 0700);
	write_assessment(f->dir);
	tu_write(f->dir, "inst_sanctions.csv", sanctions);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	tu_rmtree(f->root);
	free(f->root);
	free(f);
	return 0;
}

/* The command's output for inst in lang (json 0/1), or NULL with *rc set. */
static char *ask(const fixture *f, const char *inst, int lang, int json, int *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	*rc = cw_case_institution(out, f->root, (cw_month){ 2026, 5 }, inst, lang, json);
	fclose(out);
	return text;
}

static void test_step_due_in_both_languages(void **state)
{
	int rc;
	char *en = ask(*state, "H1", CW_LANG_EN, 0, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(en, "sanction step due this month"));
	assert_non_null(strstr(en, "  step                      3\n"));
	assert_non_null(strstr(en, "  measure                   settlement suspended\n"));
	assert_non_null(strstr(en, "  refund (fund)             210.00\n"));
	assert_non_null(strstr(en, "  penalty                   210.00\n"));
	assert_non_null(strstr(en, "  trigger                   grade\n"));
	assert_non_null(strstr(en, "  reason                    this month's grade is D\n"));
	assert_non_null(strstr(en, "2026-04:C 2026-05:D"));
	free(en);
	char *zh = ask(*state, "H1", CW_LANG_ZH, 0, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(zh, "本月机构处理"));
	assert_non_null(strstr(zh, "暂停医疗保险服务费用结算\n"));
	assert_non_null(strstr(zh, "考核等级\n")); /* the trigger's word in Chinese */
	assert_non_null(strstr(zh, "本月考核等级为D\n"));
	free(zh);
}

static void test_step_due_json(void **state)
{
	int rc;
	char *text = ask(*state, "H1", CW_LANG_ZH, 1, &rc);
	assert_int_equal(rc, 0);
	cJSON *o = cJSON_Parse(text), *s = cJSON_GetObjectItem(o, "sanction");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "sanction_computed")));
	assert_int_equal(cJSON_GetObjectItem(s, "step")->valueint, 3);
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(s, "step")));
	assert_string_equal(cJSON_GetObjectItem(s, "measure")->valuestring, "暂停结算");
	assert_string_equal(cJSON_GetObjectItem(s, "measure_en")->valuestring, "settlement suspended");
	assert_string_equal(cJSON_GetObjectItem(s, "refund_fund")->valuestring, "210.00");
	assert_string_equal(cJSON_GetObjectItem(s, "penalty")->valuestring, "210.00");
	assert_string_equal(cJSON_GetObjectItem(s, "trigger")->valuestring, "grade");
	assert_string_equal(cJSON_GetObjectItem(s, "reason_en")->valuestring, "this month's grade is D");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(s, "history")), 2);
	assert_string_equal(cJSON_GetObjectItem(o, "grade")->valuestring, "D");
	cJSON_Delete(o);
	free(text);
}

static void test_none_due(void **state)
{
	int rc;
	char *en = ask(*state, "H2", CW_LANG_EN, 0, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(en, "sanction step due this month (inst_sanctions.csv)\n  none due\n"));
	free(en);
	char *zh = ask(*state, "H2", CW_LANG_ZH, 0, &rc);
	assert_non_null(strstr(zh, "无（本月未达任何处理档次）"));
	free(zh);
	char *text = ask(*state, "H2", CW_LANG_EN, 1, &rc);
	cJSON *o = cJSON_Parse(text);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "sanction")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "sanction_computed")));
	cJSON_Delete(o);
	free(text);
}

static void test_no_file(void **state)
{
	fixture *f = *state;
	char path[4300];
	snprintf(path, sizeof path, "%s/inst_sanctions.csv", f->dir);
	unlink(path);
	int rc;
	char *en = ask(f, "H1", CW_LANG_EN, 0, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(en, "not computed (the month folder has no inst_sanctions.csv)"));
	free(en);
	char *text = ask(f, "H1", CW_LANG_EN, 1, &rc);
	cJSON *o = cJSON_Parse(text);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "sanction")));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "sanction_computed")));
	cJSON_Delete(o);
	free(text);
}

/* A file without the two-language columns: the run's measure and reason, whatever --lang says. */
static void test_file_without_languages(void **state)
{
	fixture *f = *state;
	tu_write(f->dir, "inst_sanctions.csv",
	         "month,inst_id,name,step,measure,refund_fund,penalty,trigger,reason\n"
	         "2026-05,H1,一院,1,退回,0.01,0.00,fund,本月违规\n");
	int rc;
	char *en = ask(f, "H1", CW_LANG_EN, 0, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(en, "  measure                   退回\n"));
	assert_non_null(strstr(en, "  refund (fund)             0.01\n"));
	assert_non_null(strstr(en, "  months counted            -\n"));
	free(en);
	char *text = ask(f, "H1", CW_LANG_EN, 1, &rc);
	cJSON *o = cJSON_Parse(text), *s = cJSON_GetObjectItem(o, "sanction");
	assert_int_equal(cJSON_GetObjectItem(s, "step")->valueint, 1);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(s, "history")));
	cJSON_Delete(o);
	free(text);
}

static void test_damaged_file(void **state)
{
	fixture *f = *state;
	tu_write(f->dir, "inst_sanctions.csv", "month,inst_id\n2026-05,H1\n"); /* columns missing */
	int rc;
	free(ask(f, "H1", CW_LANG_EN, 0, &rc));
	assert_int_equal(rc, CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "inst_sanctions.csv"));
	tu_write(f->dir, "inst_sanctions.csv", "month,inst_id,step,measure,refund_fund,penalty,trigger,reason\n"
	                                       "2026-05,\"H1\n"); /* an open quote */
	free(ask(f, "H1", CW_LANG_EN, 0, &rc));
	assert_true(rc < 0);
	assert_non_null(strstr(cw_error_last(), "inst_sanctions.csv"));
	/* the same care for the month's other files: a findings.csv without its columns, an assessment without */
	tu_write(f->dir, "findings.csv", "finding_id\nF1\n");
	free(ask(f, "H1", CW_LANG_EN, 0, &rc));
	assert_int_equal(rc, CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "findings.csv"));
	tu_write(f->dir, "inst_assessment.csv", "period,inst_id\n2026-05,H1\n");
	free(ask(f, "H1", CW_LANG_EN, 0, &rc));
	assert_int_equal(rc, CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "inst_assessment.csv"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_step_due_in_both_languages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_step_due_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none_due, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_without_languages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damaged_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
