/* test_blacklist.c: blacklist candidates of a cycle: by level and by money, the detectors and
 * finding ids behind them without dismissed findings, missing months, CSV and JSON output. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/review.h"
#include "judge/blacklist.h"

static void month_dir(const char *root, const char *month, char *dir, size_t size)
{
	snprintf(dir, size, "%s/%s", root, month);
	mkdir(dir, 0700);
}

/* DR1: composite first and unreasonable in the month; DR2: ranked second, big money; DR3 clean. */
static void write_month(const char *root, const char *month, int dr1_first, const char *dr2_amount)
{
	char dir[4200], text[4096];
	month_dir(root, month, dir, sizeof dir);
	snprintf(text, sizeof text,
	         "month,inst_id,dept_id,physician_id,dimension,score,grade,rank,findings,suspect_amount,physician_name\n"
	         "%s,H1,D1,DR1,exam,80.00,unreasonable,%d,2,300.00,Dr One\n"
	         "%s,H1,D1,DR1,composite,80.00,unreasonable,%d,2,300.00,Dr One\n"
	         "%s,H1,D1,DR2,composite,40.00,basically_reasonable,2,1,%s,Dr Two\n"
	         "%s,H1,D1,DR3,composite,0.00,reasonable,,0,0.00,Dr Three\n",
	         month, dr1_first ? 1 : 2, month, dr1_first ? 1 : 3, month, dr2_amount, month);
	tu_write(dir, "ranking.csv", text);
	snprintf(text, sizeof text,
	         "finding_id,month,detector,dimension,inst_id,dept_id,physician_id,patient_id,visit_id,line_ids,"
	         "suspect_amount,score,reason\n"
	         "F%s-1,%s,over_price,exam,H1,D1,DR1,P-1,V1,L1,200.00,1.000,x\n"
	         "F%s-2,%s,repeat_test,exam,H1,D1,DR1,P-1,V1,L2,100.00,1.000,x\n"
	         "F%s-3,%s,split_admission,diagnosis,H1,D1,DR2,P-2,V2,,%s,1.000,x\n",
	         month, month, month, month, month, month, dr2_amount);
	tu_write(dir, "findings.csv", text);
}

static cw_blacklist_opts opts(const char *root, cw_sanction_rules *r, cw_rules **keep)
{
	assert_int_equal(cw_rules_load(keep, tu_registry(), NULL), 0);
	assert_int_equal(cw_sanction_rules_load(r, *keep), 0);
	cw_blacklist_opts o = { .root = root, .cycle_first = { 2026, 1 }, .min_level = 3, .min_amount = 0,
		                .top_detectors = 3, .rules = r };
	return o;
}

static char *fixture(void)
{
	char *root = tu_tempdir();
	write_month(root, "2026-01", 1, "5000.00");
	write_month(root, "2026-02", 1, "5000.00");
	write_month(root, "2026-04", 1, "5000.00"); /* March missing */
	write_month(root, "2026-05", 0, "5000.00");
	cw_review d = { "F2026-02-2", "2026-02", CW_REVIEW_DISMISSED, "li", "duplicate", NULL, 0, 0, 0 };
	cw_review c = { "F2026-01-1", "2026-01", CW_REVIEW_CONFIRMED, "li", "checked", NULL, 0, 0, 0 };
	assert_int_equal(tu_review(root, &d), 0);
	assert_int_equal(tu_review(root, &c), 0);
	return root;
}

static void test_by_level(void **state)
{
	(void)state;
	char *root = fixture();
	cw_sanction_rules r;
	cw_rules *rules;
	cw_blacklist_opts o = opts(root, &r, &rules);
	cw_blacklist b;
	if (cw_blacklist_build(&b, &o) < 0)
		fail_msg("%s", cw_error_last());
	assert_string_equal(b.through, "2026-05");
	assert_string_equal(b.missing, "2026-03");
	assert_int_equal(b.months_read, 4);
	assert_int_equal(b.n, 1); /* DR1: 3 composite firsts -> level 3 */
	const cw_bl_entry *e = &b.e[0];
	assert_string_equal(e->t->last->physician_id, "DR1");
	assert_string_equal(e->t->last->name, "Dr One");
	assert_int_equal(e->t->max_level, 3);
	assert_string_equal(e->t->flagged, "2026-01 2026-02 2026-04");
	assert_int_equal(e->t->suspect_total, 4 * 30000);
	assert_string_equal(e->finding_ids, "F2026-01-1 F2026-01-2 F2026-02-1 F2026-04-1 F2026-04-2 F2026-05-1 F2026-05-2");
	assert_string_equal(e->confirmed_ids, "F2026-01-1");
	assert_int_equal(e->ndet, 2);
	assert_string_equal(e->det[0].name, "over_price"); /* most money first */
	assert_int_equal(e->det[0].amount, 4 * 20000);
	assert_int_equal(e->det[1].findings, 3);           /* one repeat_test dismissed */
	cw_blacklist_free(&b);
	o.min_level = 2;
	assert_int_equal(cw_blacklist_build(&b, &o), 0);
	assert_int_equal(b.n, 1); /* DR2 was never first */
	cw_blacklist_free(&b);
	cw_rules_free(rules);
	tu_rmtree(root);
	free(root);
}

static void test_by_amount_and_output(void **state)
{
	(void)state;
	char *root = fixture();
	cw_sanction_rules r;
	cw_rules *rules;
	cw_blacklist_opts o = opts(root, &r, &rules);
	o.min_amount = 20000 * 100; /* 20,000 yuan: DR2 has 4 x 5,000 */
	o.top_detectors = 1;
	cw_blacklist b;
	assert_int_equal(cw_blacklist_build(&b, &o), 0);
	assert_int_equal(b.n, 2);
	assert_string_equal(b.e[0].t->last->physician_id, "DR1"); /* level first */
	assert_string_equal(b.e[1].t->last->physician_id, "DR2");
	assert_int_equal(b.e[1].by_amount, 1);
	assert_int_equal(b.e[1].by_level, 0);
	char *path = NULL;
	assert_true(asprintf(&path, "%s/out.csv", root) > 0);
	FILE *f = fopen(path, "w");
	assert_int_equal(cw_blacklist_write_csv(&b, f, 0), 0);
	fclose(f);
	char *csv = tu_read(path);
	const char *head = "physician_id,name,inst_id,dept_id,level,months_flagged,suspect_amount_total,"
	                   "top_detectors,finding_ids,";
	assert_int_equal(strncmp(csv, head, strlen(head)), 0);
	assert_non_null(strstr(csv, "\nDR1,Dr One,H1,D1,3,2026-01 2026-02 2026-04,1200.00,over_price,F2026-01-1 "));
	assert_non_null(strstr(csv, "\nDR2,Dr Two,H1,D1,0,,20000.00,split_admission,F2026-01-3 F2026-02-3 F2026-04-3 "
	                            "F2026-05-3,2026-H1,2026-05,amount,"));
	char *json = cw_blacklist_json(&b);
	cJSON *doc = cJSON_Parse(json);
	assert_non_null(doc);
	const cJSON *list = cJSON_GetObjectItem(doc, "physicians");
	assert_int_equal(cJSON_GetArraySize(list), 2);
	const cJSON *first = cJSON_GetArrayItem(list, 0);
	assert_string_equal(cJSON_GetObjectItem(first, "physician_id")->valuestring, "DR1");
	assert_int_equal(cJSON_GetObjectItem(first, "level")->valueint, 3);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(first, "finding_ids")), 7);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(first, "months_flagged")), 3);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "missing_months"), 0)->valuestring, "2026-03");
	cJSON_Delete(doc);
	free(json);
	free(csv);
	free(path);
	cw_blacklist_free(&b);
	cw_rules_free(rules);
	tu_rmtree(root);
	free(root);
}

static void test_empty_cycle(void **state)
{
	(void)state;
	char *root = fixture();
	cw_sanction_rules r;
	cw_rules *rules;
	cw_blacklist_opts o = opts(root, &r, &rules);
	o.cycle_first = (cw_month){ 2026, 7 };
	cw_blacklist b;
	assert_int_equal(cw_blacklist_build(&b, &o), CW_ENOTFOUND);
	assert_non_null(strstr(cw_error_last(), "2026-H2"));
	cw_rules_free(rules);
	tu_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_level),
		cmocka_unit_test(test_by_amount_and_output),
		cmocka_unit_test(test_empty_cycle),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
