/* test_export.c: CSV for Excel (byte-order mark, CRLF, quoting, formulas neutralised, numbers left
 * alone) and the month as one JSON document with typed fields. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "report/export.h"

static char *field(const char *s)
{
	static char buf[256];
	memset(buf, 0, sizeof buf);
	FILE *f = fmemopen(buf, sizeof buf, "w");
	cw_excel_field(f, s, strlen(s));
	fclose(f);
	return buf;
}

static void test_excel_field(void **state)
{
	(void)state;
	assert_string_equal(field("程强"), "程强");
	assert_string_equal(field("a,b"), "\"a,b\"");
	assert_string_equal(field("say \"hi\""), "\"say \"\"hi\"\"\"");
	assert_string_equal(field("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
	assert_string_equal(field("+1+2"), "\"'+1+2\"");
	assert_string_equal(field("@SUM(A1)"), "\"'@SUM(A1)\"");
	assert_string_equal(field("-5.00"), "-5.00");  /* a number stays a number */
	assert_string_equal(field("+12"), "+12");
	assert_string_equal(field("-"), "\"'-\"");
	assert_string_equal(field(""), "");
}

static void test_excel_csv(void **state)
{
	(void)state;
	const char *csv = "name,amount\n\"=cmd|' /C calc'!A0\",-1.50\n程强,\"1,000.00\"\n";
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(cw_csv_to_excel(csv, strlen(csv), "t", f), 0);
	fclose(f);
	assert_string_equal(text, "\xEF\xBB\xBFname,amount\r\n\"'=cmd|' /C calc'!A0\",-1.50\r\n程强,\"1,000.00\"\r\n");
	free(text);
	const char *bad = "a,b\n\"open,1\n";
	f = open_memstream(&text, &len);
	assert_int_equal(cw_csv_to_excel(bad, strlen(bad), "bad", f), CW_EINVALID);
	fclose(f);
	free(text);
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
	cJSON_Delete(o);
	free(text);

	/* a table for Excel; a missing month; a bad table name */
	f = open_memstream(&text, &len);
	assert_int_equal(cw_export_table_csv(root, (cw_month){ 2026, 5 }, "findings", 1, f), 0);
	fclose(f);
	assert_int_equal(memcmp(text, "\xEF\xBB\xBF" "finding_id,", 14), 0);
	assert_non_null(strstr(text, "\r\nFa,2026-05,DR1,L1 L2,10.00,1.000,\"a, b\",\r\n"));
	free(text);
	f = open_memstream(&text, &len);
	assert_int_equal(cw_export_month_json(root, (cw_month){ 2026, 6 }, f), CW_ENOTFOUND);
	assert_int_equal(cw_export_table_csv(root, (cw_month){ 2026, 5 }, "../x", 1, f), CW_EINVALID);
	assert_int_equal(cw_export_table_csv(root, (cw_month){ 2026, 5 }, "nope", 0, f), CW_ENOTFOUND);
	fclose(f);
	free(text);
	tu_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_excel_field),
		cmocka_unit_test(test_excel_csv),
		cmocka_unit_test(test_month_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
