/* test_case.c: `claimwatch case` on a hand-written month folder: a physician's scores (composite first),
 * sanction, metrics and findings (most money first); a finding with its evidence lines; aligned tables
 * with Chinese text; JSON types; what is missing is said. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "report/case.h"
#include "report/report.h"
#include "util/textwidth.h"

static char *fixture(int with_extras)
{
	char *root = tu_tempdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/2026-05", root);
	mkdir(dir, 0700);
	tu_write(dir, "ranking.csv",
	         "month,inst_id,dept_id,physician_id,dimension,score,grade,rank,findings,suspect_amount,physician_name,"
	         "grade_zh,scope,scope_group,visits,billed,money_share,findings_per_100_visits,outlier_severity,"
	         "confirmed,dismissed,status\n"
	         "2026-05,H1,D1,DR1,exam,12.50,reasonable,2,1,10.00,程强,合理,institution,H1,40,1000.00,0.0100,2.50,"
	         "0.000,0,0,ranked\n"
	         "2026-05,H1,D1,DR2,exam,30.00,basically_reasonable,1,1,5.00,李娜,基本合理,institution,H1,50,900.00,"
	         "0.0050,2.00,0.000,0,0,ranked\n"
	         "2026-05,H1,D1,DR1,composite,60.00,unreasonable,1,2,1010.00,程强,不合理,institution,H1,40,1000.00,"
	         "1.0100,5.00,0.000,1,0,ranked\n");
	/* with the extras, the reasons in both languages too (a run in English: reason is the English one) */
	if (with_extras)
		tu_write(dir, "findings.csv",
		         "finding_id,month,detector,dimension,inst_id,dept_id,physician_id,patient_id,visit_id,line_ids,"
		         "suspect_amount,score,reason,severity,tag,metric,value,expected,limit,status,reason_en,reason_zh\n"
		         "Fa,2026-05,over_price,exam,H1,D1,DR1,P-1,V1,L1 L2,10.00,1.000,\"price, above \"\"ceiling\"\"\","
		         "violation,,,,,,confirmed,\"price, above \"\"ceiling\"\"\",单价超过限价\n"
		         "Fb,2026-05,split_admission,diagnosis,H1,D1,DR1,P-2,V2,,1000.00,0.900,readmitted,suspicious,,,,,,,"
		         "readmitted,\n"
		         "Fc,2026-05,over_price,exam,H1,D1,DR2,P-3,V3,L9,5.00,1.000,x,violation,,,,,,,x,\n");
	else
		tu_write(dir, "findings.csv",
		         "finding_id,month,detector,dimension,inst_id,dept_id,physician_id,patient_id,visit_id,line_ids,"
		         "suspect_amount,score,reason,severity,tag,metric,value,expected,limit,status\n"
		         "Fa,2026-05,over_price,exam,H1,D1,DR1,P-1,V1,L1 L2,10.00,1.000,\"price, above \"\"ceiling\"\"\","
		         "violation,,,,,,confirmed\n"
		         "Fb,2026-05,split_admission,diagnosis,H1,D1,DR1,P-2,V2,,1000.00,0.900,readmitted,suspicious,,,,,,\n"
		         "Fc,2026-05,over_price,exam,H1,D1,DR2,P-3,V3,L9,5.00,1.000,x,violation,,,,,,\n");
	if (with_extras) {
		tu_write(dir, "evidence.csv",
		         "finding_id,line_id,visit_id,patient_id,physician_id,item_code,item_name,category,unit,"
		         "service_time,qty,unit_price,amount,std_price,refund\n"
		         "Fa,L1,V1,P-1,DR1,C1,普通门诊诊查费,consult,次,2026-05-04 08:30,1,15.00,15.00,10.00,\n"
		         "Fc,L9,V3,P-3,DR2,C1,x,consult,次,2026-05-05 08:30,1,15.00,15.00,10.00,\n"
		         "Fa,L2,V1,P-1,DR1,LAB1,血常规,lab,次,2026-05-04 09:00,2,25.00,50.00,20.00,refunded\n");
		tu_write(dir, "sanctions.csv",
		         "month,cycle,physician_id,inst_id,level,single_firsts,composite_firsts,measures\n"
		         "2026-05,2026-H1,DR1,H1,1,1,1,警告、通报批评\n");
		tu_write(dir, "metrics.csv",
		         "month,physician_id,inst_id,dept_id,metric,status,volume,value,expected,limit,z,zlimit,flagged,"
		         "peer_group,peers,plotted\n"
		         "2026-05,DR1,H1,D1,drug_share,judged,40,0.6000,0.4000,0.5000,4.100,3.700,1,cardiology level 3,"
		         "8,0.6100\n");
	}
	return root;
}

static cw_case_source source(const char *root)
{
	cw_case_source s;
	assert_int_equal(cw_case_folder_source(&s, root), 0);
	return s;
}

/* The text `case` prints for p, into *text (the caller's, so that the stream writes into a live variable). */
static void print_physician(char **text, const cw_case_physician *p, int lang)
{
	size_t len = 0;
	FILE *f = open_memstream(text, &len);
	assert_int_equal(cw_case_print_physician(f, p, lang), 0);
	fclose(f);
}

static void test_physician(void **state)
{
	(void)state;
	char *root = fixture(1);
	cw_case_source s = source(root);
	cw_case_physician p;
	assert_int_equal(s.physician(s.ctx, "2026-05", "DR1", &p), 0);
	assert_string_equal(p.name, "程强");
	assert_string_equal(p.inst_id, "H1");
	assert_string_equal(p.visits, "40");
	assert_int_equal(p.standings.n, 2);
	assert_string_equal(p.standings.rec[0].v[CS_DIMENSION], "composite");
	assert_string_equal(p.standings.rec[1].v[CS_GRADE_ZH], "合理");
	assert_int_equal(p.findings.n, 2);
	assert_string_equal(p.findings.rec[0].v[CF_ID], "Fb"); /* most money first */
	assert_string_equal(p.findings.rec[1].v[CF_REASON], "price, above \"ceiling\"");
	assert_string_equal(p.sanction_level, "1");
	assert_string_equal(p.cycle, "2026-H1");
	assert_true(p.have_metrics);
	assert_int_equal(p.metrics.n, 1);
	assert_string_equal(p.metrics.rec[0].v[CM_PEER_GROUP], "cardiology level 3");

	char *text = NULL;
	print_physician(&text, &p, CW_LANG_ZH);
	assert_non_null(strstr(text, "应予处理  第 1 级（2026-H1）：警告、通报批评"));
	assert_non_null(strstr(text, "问题（按涉及金额从高到低）（2）"));
	assert_non_null(strstr(text, "单价超过限价")); /* the Chinese reason */
	assert_non_null(strstr(text, "readmitted"));   /* none in Chinese: the English one */
	assert_non_null(strstr(text, "违规"));         /* the severity's word */
	free(text);
	text = NULL;
	print_physician(&text, &p, CW_LANG_EN);
	assert_non_null(strstr(text, "sanction due   level 1 (2026-H1): 警告、通报批评"));
	assert_non_null(strstr(text, "price, above \"ceiling\""));
	assert_null(strstr(text, "单价超过限价"));
	assert_non_null(strstr(text, "findings, most money first (2)"));
	/* the scores table: columns line up in display width, Chinese counting two */
	char *head = strstr(text, "dimension"), *row1 = strchr(head, '\n') + 1, *row2 = strchr(row1, '\n') + 1;
	*strchr(row2, '\n') = 0;
	char *g1 = strstr(row1, "不合理"), *g2 = strstr(row2, "合理");
	*g1 = 0;
	*g2 = 0;
	assert_int_equal(cw_text_width(row1), cw_text_width(row2));
	free(text);

	char *json = cw_case_physician_json(&p);
	cJSON *o = cJSON_Parse(json);
	assert_non_null(o);
	cJSON *sc = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "scores"), 0);
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(sc, "score")));
	assert_true(cJSON_IsString(cJSON_GetObjectItem(sc, "suspect_amount")));
	cJSON *f1 = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "findings"), 1);
	cJSON *lines = cJSON_GetObjectItem(f1, "line_ids");
	assert_int_equal(cJSON_GetArraySize(lines), 2);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(f1, "metric")));
	assert_int_equal((int)cJSON_GetObjectItem(cJSON_GetObjectItem(o, "sanction"), "level")->valuedouble, 1);
	cJSON_Delete(o);
	free(json);
	cw_case_physician_free(&p);

	/* a physician with no score and no finding; a month without results */
	assert_int_equal(s.physician(s.ctx, "2026-05", "DR9", &p), CW_ENOTFOUND);
	assert_non_null(strstr(cw_error_last(), "DR9"));
	assert_int_equal(s.physician(s.ctx, "2026-06", "DR1", &p), CW_ENOTFOUND);
	assert_non_null(strstr(cw_error_last(), "no results for 2026-06"));
	s.close(s.ctx);
	tu_rmtree(root);
	free(root);
}

static void test_finding(void **state)
{
	(void)state;
	char *root = fixture(1);
	cw_case_source s = source(root);
	cw_case_finding c;
	assert_int_equal(s.finding(s.ctx, "2026-05", "Fa", &c), 0);
	c.rule = cw_registry_find(tu_registry(), c.f.v[CF_DETECTOR]);
	assert_true(c.have_lines);
	assert_int_equal(c.lines.n, 2);
	assert_string_equal(c.lines.rec[1].v[CL_ITEM_NAME], "血常规");
	assert_string_equal(c.lines.rec[1].v[CL_REFUND], "refunded");
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(cw_case_print_finding(f, &c, CW_LANG_EN), 0);
	fclose(f);
	assert_non_null(strstr(text, "detector        over_price Over-price billing"));
	assert_non_null(strstr(text, "rule            a line's unit price above"));
	assert_non_null(strstr(text, "severity        violation"));
	assert_non_null(strstr(text, "evidence lines (2)"));
	assert_non_null(strstr(text, "65.00")); /* the total of the amounts */
	for (char *l = text; (l = strchr(l, '\n')); l++) /* no trailing blanks */
		assert_true(l == text || l[-1] != ' ');
	free(text);
	text = NULL;
	f = open_memstream(&text, &len);
	assert_int_equal(cw_case_print_finding(f, &c, CW_LANG_ZH), 0);
	fclose(f);
	assert_non_null(strstr(text, "规则      over_price 超标准收费"));
	assert_non_null(strstr(text, "规则说明  收费单价高于"));
	assert_non_null(strstr(text, "性质      违规"));
	assert_non_null(strstr(text, "理由      单价超过限价"));
	assert_non_null(strstr(text, "证据明细（2）"));
	assert_non_null(strstr(text, "检验")); /* the category's word */
	free(text);
	char *json = cw_case_finding_json(&c);
	cJSON *o = cJSON_Parse(json);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "rule"), "title_zh")->valuestring, "超标准收费");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "lines")), 2);
	assert_true(cJSON_IsNumber(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(o, "lines"), 1), "qty")));
	cJSON_Delete(o);
	free(json);
	cw_case_finding_free(&c);
	assert_int_equal(s.finding(s.ctx, "2026-05", "Fz", &c), CW_ENOTFOUND);
	assert_non_null(strstr(cw_error_last(), "Fz"));
	s.close(s.ctx);
	tu_rmtree(root);
	free(root);
}

/* A folder written before evidence.csv, sanctions.csv and metrics.csv existed still answers. */
static void test_old_folder(void **state)
{
	(void)state;
	char *root = fixture(0);
	cw_case_source s = source(root);
	cw_case_finding c;
	assert_int_equal(s.finding(s.ctx, "2026-05", "Fa", &c), 0);
	assert_false(c.have_lines);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(cw_case_print_finding(f, &c, CW_LANG_EN), 0);
	fclose(f);
	assert_non_null(strstr(text, "evidence lines: L1 L2"));
	assert_non_null(strstr(text, "reason          price, above")); /* no reason_en column: the reason */
	free(text);
	cw_case_finding_free(&c);
	cw_case_physician p;
	assert_int_equal(s.physician(s.ctx, "2026-05", "DR2", &p), 0);
	assert_false(p.have_metrics);
	assert_string_equal(p.sanction_level, "");
	char *out = NULL;
	print_physician(&out, &p, CW_LANG_EN);
	assert_null(strstr(out, "sanction due"));
	assert_null(strstr(out, "metrics against peers"));
	free(out);
	cw_case_physician_free(&p);
	s.close(s.ctx);
	tu_rmtree(root);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_physician),
		cmocka_unit_test(test_finding),
		cmocka_unit_test(test_old_folder),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
