/* test_dxcoding.c: the diagnosis coding system (issue 18 item 4): the shapes of ICD-10 and ICD-9 codes,
 * dx.coding read from the rules, the month's census and its choice under "auto", the exact warning and
 * note, and the detectors' prefix list chosen per system (split_admission's planned care). */
#include "detcheck.h"
#include "claimwatch/dxcoding.h"
#include "claimwatch/error.h"
#include "../detectors/dxcode.h"

static void test_icd10_shapes(void **state)
{
	(void)state;
	const char *yes[] = { "J18", "J18.9", "j189", "I10.x05", " E11.9 ", "C7A.0", "Z51.1", "V58.1", "E8809" };
	const char *no[] = { "", "J1", "J18.", "J18.12345", "18.9", "038", "JJ8", "J18 9", "E880.9", "250.00" };
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		assert_int_equal(cw_dx_looks_icd10(yes[i]), 1);
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		assert_int_equal(cw_dx_looks_icd10(no[i]), 0);
	assert_int_equal(cw_dx_looks_icd10(NULL), 0);
}

static void test_icd9_shapes(void **state)
{
	(void)state;
	const char *yes[] = { "038", "038.9", "250.00", "25000", "V58.1", "v5811", "E880.9", "E8809", " 401.9 " };
	const char *no[] = { "", "38", "250.000", "250.", "J18.9", "V5", "V58.123", "E88", "E880.91", "4O1", "I10" };
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		assert_int_equal(cw_dx_looks_icd9(yes[i]), 1);
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		assert_int_equal(cw_dx_looks_icd9(no[i]), 0);
	assert_int_equal(cw_dx_looks_icd9(NULL), 0);
}

static int coding_of(const char *json)
{
	cw_rules *r = NULL;
	int c = -1;
	assert_int_equal(cw_rules_load_text(&r, NULL, json, "t.json"), 0);
	int rc = cw_dx_coding_load(&c, r);
	cw_rules_free(r);
	return rc < 0 ? rc : c;
}

static void test_rules_key(void **state)
{
	(void)state;
	assert_int_equal(coding_of("{}"), CW_DX_ICD10);
	assert_int_equal(coding_of("{\"dx\": {\"coding\": \"icd9\"}}"), CW_DX_ICD9);
	assert_int_equal(coding_of("{\"dx\": {\"coding\": \"auto\"}}"), CW_DX_AUTO);
	assert_int_equal(coding_of("{\"dx\": {\"coding\": \"icd11\"}}"), CW_EINVALID);
	assert_string_equal(cw_error_last(), "dx.coding: 'icd11' is not one of icd10, icd9, auto");
	cw_rules *r = NULL;
	assert_int_equal(cw_rules_load_text(&r, NULL, "{\"dx\": {\"system\": \"icd9\"}}", "t.json"), CW_EINVALID);
	assert_string_equal(cw_error_last(), "t.json: dx.system: unknown key");
	assert_int_equal(cw_dx_coding_load(&(int){ 0 }, NULL), 0);
	assert_string_equal(cw_dx_coding_name(CW_DX_ICD9), "icd9");
	assert_string_equal(cw_dx_coding_label(CW_DX_ICD10), "ICD-10");
}

/* Stay A with adx, discharged 2026-05-05, and readmission B with bdx on 2026-05-10, both at H1. */
static cw_dataset *pair(const char *adx, const char *bdx, const char *odx)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row bed = tu_item_row("BED", CW_CAT_BED, 5000);
	tu_add_item(b, &bed);
	tu_add_visit(b, "A", "PM", "DR1", CW_INPATIENT, "2026-05-01 08:00", "2026-05-05 10:00", adx);
	tu_add_visit(b, "B", "PM", "DR1", CW_INPATIENT, "2026-05-10 08:00", NULL, bdx);
	tu_add_visit(b, "O", "PM", "DR1", CW_OUTPATIENT, "2026-05-12 08:00", NULL, odx);
	tu_add_line(b, "LA", "A", "BED", "2026-05-01 20:00", CW_QTY_ONE, 5000);
	tu_add_line(b, "LB", "B", "BED", "2026-05-10 20:00", CW_QTY_ONE, 5000);
	return tu_finish(b);
}

static void test_census_and_auto(void **state)
{
	(void)state;
	cw_dataset *ds = pair("V58.1", "V58.11", "401.9");
	cw_dx_month m;
	cw_dx_month_census(&m, ds, CW_DX_AUTO);
	assert_int_equal(m.codes, 3);
	assert_int_equal(m.icd9, 3);
	assert_int_equal(m.icd10, 2); /* V58.1 and V58.11 look like both */
	assert_int_equal(m.coding, CW_DX_ICD9);
	assert_int_equal(m.unlike, 0);
	char buf[512];
	assert_int_equal(cw_dx_month_message(buf, sizeof buf, &m, "2026-05", "en"), 1);
	assert_string_equal(buf, "2026-05: dx.coding \"auto\": of 3 diagnosis codes 3 look like ICD-9, 2 like ICD-10: the "
	                         "ICD-9 diagnosis lists are used");
	assert_int_equal(cw_dx_month_message(buf, sizeof buf, &m, "2026-05", "zh"), 1);
	assert_string_equal(buf, "2026-05：dx.coding 为 \"auto\"：3 个诊断编码中 3 个像 ICD-9，2 个像 ICD-10：使用 ICD-9 "
	                         "的诊断列表");
	cw_dx_month_census(&m, ds, CW_DX_ICD10); /* 1 of 3 unlike: no warning */
	assert_int_equal(m.unlike, 1);
	assert_int_equal(cw_dx_month_message(buf, sizeof buf, &m, "2026-05", "en"), 0);
	assert_string_equal(buf, "");
	cw_dataset_free(ds);

	ds = pair("411.1", "411.81", "J06.9");
	cw_dx_month_census(&m, ds, CW_DX_ICD10);
	assert_int_equal(m.unlike, 2);
	assert_int_equal(cw_dx_month_message(buf, sizeof buf, &m, "2026-05", "en"), 1);
	assert_string_equal(buf, "warning: 2026-05: 2 of 3 diagnosis codes do not look like ICD-10, the rules' dx.coding "
	                         "(\"icd10\"), and 2 look like ICD-9: the ICD-10 diagnosis lists will not match them (set "
	                         "dx.coding to \"icd9\" or \"auto\")");
	assert_int_equal(cw_dx_month_message(buf, sizeof buf, &m, "2026-05", NULL), 1);
	assert_string_equal(buf, "警告：2026-05：3 个诊断编码中 2 个不像规则 dx.coding（\"icd10\"）声明的 ICD-10 编码，2 个像 "
	                         "ICD-9：ICD-10 的诊断列表与之不符（请把 dx.coding 设为 \"icd9\" 或 \"auto\"）");
	cw_dx_month_census(&m, ds, CW_DX_AUTO); /* 2 ICD-9 against 1 ICD-10 */
	assert_int_equal(m.coding, CW_DX_ICD9);
	cw_dataset_free(ds);
}

static void test_list_per_system(void **state)
{
	(void)state;
	cw_registry *reg = tu_registry();
	cw_rules *r = NULL;
	assert_int_equal(cw_rules_load(&r, reg, NULL), 0);
	cw_section s = cw_rules_section(r, "detectors.split_admission");
	dx_lists l = { 0 };
	assert_int_equal(dx_lists_load(&s, "planned_care_prefixes", &l), 0);
	cw_scan icd10 = { .dx_coding = CW_DX_ICD10 }, icd9 = { .dx_coding = CW_DX_ICD9 };
	assert_string_equal(dx_prefixes_match(dx_lists_for(&l, &icd10), "Z511"), "Z51");
	assert_null(dx_prefixes_match(dx_lists_for(&l, &icd10), "V581"));
	assert_string_equal(dx_prefixes_match(dx_lists_for(&l, &icd9), "V581"), "V58");
	assert_null(dx_prefixes_match(dx_lists_for(&l, &icd9), "Z511"));
	dx_lists_free(&l);
	cw_rules_free(r);
	assert_int_equal(cw_rules_load_text(&r, reg, "{\"detectors\": {\"split_admission\": "
	                                   "{\"planned_care_prefixes_icd9\": [\" . \"]}}}", "t.json"), 0);
	s = cw_rules_section(r, "detectors.split_admission");
	assert_int_equal(dx_lists_load(&s, "planned_care_prefixes", &l), CW_EINVALID);
	assert_string_equal(cw_error_last(), "detectors.split_admission.planned_care_prefixes_icd9[0]: expected an "
	                                     "ICD-9 code prefix such as \"V58\"");
	dx_lists_free(&l);
	cw_rules_free(r);
}

/* A readmission for chemotherapy (V58.11) is planned care under icd9, not under icd10; the reason names
 * the system in force. */
static void test_split_admission_by_system(void **state)
{
	(void)state;
	cw_dataset *ds = pair("V58.1", "V58.11", "401.9");
	cw_findings *fs = tu_detect(ds, "split_admission", "{\"dx\": {\"coding\": \"icd9\"}}");
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	fs = tu_detect(ds, "split_admission", "{\"dx\": {\"coding\": \"auto\"}}");
	assert_int_equal(cw_findings_count(fs), 0);
	cw_findings_free(fs);
	fs = tu_detect(ds, "split_admission", NULL);
	assert_int_equal(cw_findings_count(fs), 1);
	cw_findings_free(fs);
	cw_dataset_free(ds);
	ds = pair("411.1", "411.81", "J06.9");
	fs = tu_detect(ds, "split_admission", "{\"dx\": {\"coding\": \"icd9\"}}");
	assert_int_equal(cw_findings_count(fs), 1);
	cw_record rec = dc_get(fs, 0);
	assert_non_null(strstr(cw_record_reason(&rec, "en"), "same ICD-9 category 411 within 15 days"));
	assert_non_null(strstr(cw_record_reason(&rec, "zh"), "同一 ICD-9 类目 411"));
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_icd10_shapes),
		cmocka_unit_test(test_icd9_shapes),
		cmocka_unit_test(test_rules_key),
		cmocka_unit_test(test_census_and_auto),
		cmocka_unit_test(test_list_per_system),
		cmocka_unit_test(test_split_admission_by_system),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
