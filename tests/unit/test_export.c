/* test_export.c: CSV fields (quoting, formulas neutralised unless raw, numbers left alone, unsafe
 * characters replaced), a month's table for Excel and raw, and the month as one JSON document with typed
 * fields. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "claimwatch/error.h"
#include "io/outfile.h"
#include "report/export.h"
#include "testutil.h"
#include "claimwatch/error.h"
#include "report/export.h"

static char *field(const char *s, int raw)
{
	static char buf[256];
	memset(buf, 0, sizeof buf);
	FILE *f = fmemopen(buf, sizeof buf, "w");
	cw_csv_write(f, s, strlen(s), raw);
	fclose(f);
	return buf;
}

static void test_csv_field(void **state)
{
	(void)state;
	assert_string_equal(field("程强", 0), "程强");
	assert_string_equal(field("a,b", 0), "\"a,b\"");
	assert_string_equal(field("say \"hi\"", 0), "\"say \"\"hi\"\"\"");
	assert_string_equal(field("=HYPERLINK(\"http://x\")", 0), "\"'=HYPERLINK(\"\"http://x\"\")\"");
	assert_string_equal(field("+1+2", 0), "\"'+1+2\"");
	assert_string_equal(field("@SUM(A1)", 0), "\"'@SUM(A1)\"");
	assert_string_equal(field("\tx", 0), "\"'\tx\"");
	assert_string_equal(field("\rx", 0), "\"'\rx\"");
	assert_string_equal(field("-5.00", 0), "-5.00");  /* a number stays a number */
	assert_string_equal(field("-12.30", 0), "-12.30");
	assert_string_equal(field("+12", 0), "+12");
	assert_string_equal(field("-", 0), "\"'-\"");
	assert_string_equal(field("'=x", 0), "\"''=x\""); /* an apostrophe of the text itself is kept apart */
	assert_string_equal(field("'abc", 0), "'abc");
	assert_string_equal(field("", 0), "");
	assert_string_equal(field("=1+2", 1), "=1+2");     /* raw: as it is */
	/* control and bidirectional characters never reach the file */
	assert_string_equal(field("a\x1b[31mb\a", 0), "a\xEF\xBF\xBD[31mb\xEF\xBF\xBD");
	assert_string_equal(field("x\xC2\x9By\xE2\x80\xAEz", 1), "x\xEF\xBF\xBDy\xEF\xBF\xBDz");
}

static void test_table_flags(void **state)
{
	(void)state;
	char *root = tu_tempdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/2026-05", root);
	mkdir(dir, 0700);
	/* one field as an older claimwatch wrote it (raw), one as this one writes it (neutralised) */
	tu_write(dir, "ranking.csv", "name,amount\n\"=cmd|' /C calc'!A0\",-1.50\n\"'@SUM(A1)\",\"1,000.00\"\n");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(cw_export_table_csv(root, (cw_month){ 2026, 5 }, "ranking", CW_CSV_EXCEL, f), 0);
	fclose(f);
	assert_string_equal(text, "\xEF\xBB\xBFname,amount\r\n\"'=cmd|' /C calc'!A0\",-1.50\r\n\"'@SUM(A1)\",\"1,000.00\"\r\n");
	free(text);
	f = open_memstream(&text, &len);
	assert_int_equal(cw_export_table_csv(root, (cw_month){ 2026, 5 }, "ranking", CW_CSV_RAW, f), 0);
	fclose(f);
	assert_string_equal(text, "name,amount\n=cmd|' /C calc'!A0,-1.50\n@SUM(A1),\"1,000.00\"\n");
	free(text);
	tu_write(dir, "bad.csv", "a,b\n\"open,1\n");
	f = open_memstream(&text, &len);
	assert_int_equal(cw_export_table_csv(root, (cw_month){ 2026, 5 }, "bad", 0, f), CW_EINVALID);
	fclose(f);
	free(text);
	tu_rmtree(root);
	free(root);
}

static char *month_root(void)
{
	char *root = tu_tempdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/2026-05", root);
	mkdir(dir, 0700);
	tu_write(dir, "summary.json", "{\"month\":\"2026-05\",\"status\":\"ok\"}\n");
	tu_write(dir, "findings.csv",
	         "finding_id,month,physician_id,line_ids,suspect_amount,score,reason,value\n"
	         "Fa,2026-05,DR1,L1 L2,10.00,1.000,\"a, b\",\n");
	tu_write(dir, "ranking.csv", "\xEF\xBB\xBFphysician_id,dimension,score,rank,grade\nDR1,composite,60.00,1,unreasonable\n"
	                             "DR2,composite,0.00,,reasonable\n");
	tu_write(dir, "sanctions.csv", "physician_id,level,months_flagged\nDR1,1,2026-04 2026-05\n");
	/* the institutions' ladder (judge/inst_sanction.h): a step with a history, one without */
	tu_write(dir, "inst_sanctions.csv",
	         "month,inst_id,name,step,measure,refund_fund,penalty,trigger,reason,history,grade,window_months,"
	         "repeat_months,missing_months\n"
	         "2026-05,H1,\"'=一院\",2,罚款,100.00,200.00,repeat,\"两个月, C\",2026-04:C 2026-05:D,D,12,2,2026-03\n"
	         "2026-05,H2,二院,1,退回,0.01,0.00,fund,x,,B,12,0,\n");
	return root;
}

static void test_month_json(void **state)
{
	(void)state;
	char *root = month_root();
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(cw_export_month_json(root, (cw_month){ 2026, 5 }, f), 0);
	fclose(f);
	cJSON *o = cJSON_Parse(text);
	assert_non_null(o);
	assert_string_equal(cJSON_GetObjectItem(o, "month")->valuestring, "2026-05");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "summary"), "status")->valuestring, "ok");
	cJSON *fa = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "findings"), 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(fa, "line_ids")), 2);
	assert_string_equal(cJSON_GetObjectItem(fa, "suspect_amount")->valuestring, "10.00");
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(fa, "score")));
	assert_string_equal(cJSON_GetObjectItem(fa, "reason")->valuestring, "a, b");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(fa, "value")));
	cJSON *r2 = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "ranking"), 1);
	assert_non_null(cJSON_GetObjectItem(r2, "physician_id")); /* the byte-order mark is not part of the name */
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(r2, "rank")));
	cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "sanctions"), 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(s, "months_flagged")), 2);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "indicators"))); /* no such file in this folder */
	cJSON *is = cJSON_GetObjectItem(o, "inst_sanctions");
	assert_int_equal(cJSON_GetArraySize(is), 2);
	cJSON *h1 = cJSON_GetArrayItem(is, 0), *h2 = cJSON_GetArrayItem(is, 1);
	assert_string_equal(cJSON_GetObjectItem(h1, "name")->valuestring, "=一院"); /* the apostrophe taken off */
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(h1, "step")));
	assert_int_equal(cJSON_GetObjectItem(h1, "step")->valueint, 2);
	assert_string_equal(cJSON_GetObjectItem(h1, "refund_fund")->valuestring, "100.00"); /* money: exact text */
	assert_string_equal(cJSON_GetObjectItem(h1, "penalty")->valuestring, "200.00");
	assert_string_equal(cJSON_GetObjectItem(h1, "trigger")->valuestring, "repeat");
	assert_string_equal(cJSON_GetObjectItem(h1, "reason")->valuestring, "两个月, C");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(h1, "history")), 2);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(h1, "history"), 1)->valuestring, "2026-05:D");
	assert_int_equal(cJSON_GetObjectItem(h1, "window_months")->valueint, 12);
	assert_int_equal(cJSON_GetObjectItem(h1, "repeat_months")->valueint, 2);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(h1, "missing_months")), 1);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(h2, "history"))); /* empty: null */
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(h2, "missing_months")));
	assert_string_equal(cJSON_GetObjectItem(h2, "refund_fund")->valuestring, "0.01");
	cJSON_Delete(o);
	free(text);

	/* a table for Excel; a missing month; a bad table name */
	f = open_memstream(&text, &len);
	assert_int_equal(cw_export_table_csv(root, (cw_month){ 2026, 5 }, "findings", CW_CSV_EXCEL, f), 0);
	fclose(f);
	assert_int_equal(memcmp(text, "\xEF\xBB\xBF" "finding_id,", 14), 0);
	assert_non_null(strstr(text, "\r\nFa,2026-05,DR1,L1 L2,10.00,1.000,\"a, b\",\r\n"));
	free(text);
	f = open_memstream(&text, &len);
	assert_int_equal(cw_export_month_json(root, (cw_month){ 2026, 6 }, f), CW_ENOTFOUND);
	assert_int_equal(cw_export_table_csv(root, (cw_month){ 2026, 5 }, "../x", CW_CSV_EXCEL, f), CW_EINVALID);
	assert_int_equal(cw_export_table_csv(root, (cw_month){ 2026, 5 }, "nope", 0, f), CW_ENOTFOUND);
	fclose(f);
	free(text);
	/* the ladder's table for Excel: the formula-like name stays neutralised */
	f = open_memstream(&text, &len);
	assert_int_equal(cw_export_table_csv(root, (cw_month){ 2026, 5 }, "inst_sanctions", CW_CSV_EXCEL, f), 0);
	fclose(f);
	assert_int_equal(memcmp(text, "\xEF\xBB\xBF" "month,inst_id,", 17), 0);
	assert_non_null(strstr(text, "\r\n2026-05,H1,\"'=一院\",2,罚款,100.00,200.00,repeat,\"两个月, C\",2026-04:C 2026-05:D,"));
	free(text);
	/* a month folder without inst_sanctions.csv: null */
	char path[4300];
	snprintf(path, sizeof path, "%s/2026-05/inst_sanctions.csv", root);
	unlink(path);
	f = open_memstream(&text, &len);
	assert_int_equal(cw_export_month_json(root, (cw_month){ 2026, 5 }, f), 0);
	fclose(f);
	o = cJSON_Parse(text);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "inst_sanctions")));
	cJSON_Delete(o);
	free(text);
	tu_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_field),
		cmocka_unit_test(test_table_flags),
		cmocka_unit_test(test_month_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
