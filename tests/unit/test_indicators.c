/* test_indicators.c: institution and department indicators: drug share against its target, cost
 * per outpatient visit and per inpatient stay, growth on last month from the look-back or from last
 * month's indicators.csv, and the CSV. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "engine/indicators.h"

/* May 2026 at H1 (level 3): DR1 (dept D1) sees PM on May 3 (drug 60 + lab 40) and PF on April 10 (drug
 * 50, in the look-back); DR5 (dept D4) keeps PC from April 28 to May 2 (bed 100 in April, drug 200 in
 * May). */
static cw_dataset *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row drug = tu_item_row("DRUG", CW_CAT_DRUG, 100000), lab = tu_item_row("LAB", CW_CAT_LAB, 100000);
	cw_item_row bed = tu_item_row("BED", CW_CAT_BED, 100000);
	tu_add_item(b, &drug);
	tu_add_item(b, &lab);
	tu_add_item(b, &bed);
	tu_add_visit(b, "V1", "PM", "DR1", CW_OUTPATIENT, "2026-05-03 08:00", NULL, "I10");
	tu_add_visit(b, "V2", "PF", "DR1", CW_OUTPATIENT, "2026-04-10 08:00", NULL, "I10");
	tu_add_visit(b, "V3", "PC", "DR5", CW_INPATIENT, "2026-04-28 08:00", "2026-05-02 10:00", "J18");
	tu_add_line(b, "L1", "V1", "DRUG", "2026-05-03 09:00", CW_QTY_ONE, 6000);
	tu_add_line(b, "L2", "V1", "LAB", "2026-05-03 09:10", CW_QTY_ONE, 4000);
	tu_add_line(b, "L3", "V2", "DRUG", "2026-04-10 09:00", CW_QTY_ONE, 5000);
	tu_add_line(b, "L4", "V3", "BED", "2026-04-29 20:00", CW_QTY_ONE, 10000);
	tu_add_line(b, "L5", "V3", "DRUG", "2026-05-01 10:00", CW_QTY_ONE, 20000);
	return tu_finish(b);
}

static const cw_indicator *inst(const cw_indicators *ind, const cw_dataset *ds, const char *id)
{
	cw_ref r = cw_dataset_find(ds, CW_T_INSTITUTIONS, id);
	assert_int_not_equal(r, CW_NONE);
	return &ind->inst[r];
}

static const cw_indicator *dept(const cw_indicators *ind, const cw_dataset *ds, const char *id)
{
	cw_ref r = cw_dataset_find(ds, CW_T_DEPARTMENTS, id);
	assert_int_not_equal(r, CW_NONE);
	return &ind->dept[r];
}

static void test_month(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_rules *rules;
	assert_int_equal(cw_rules_load(&rules, tu_registry(), NULL), 0);
	cw_indicators ind;
	assert_int_equal(cw_indicators_compute(&ind, ds, rules, NULL), 0);
	assert_true(fabs(ind.target[3] - 0.48) < 1e-9);
	const cw_indicator *h1 = inst(&ind, ds, "H1");
	assert_int_equal(h1->revenue, 30000);     /* May's lines: 60 + 40 + 200 */
	assert_int_equal(h1->drug, 26000);
	assert_true(fabs(cw_indicator_drug_share(h1) - 26000.0 / 30000) < 1e-9);
	assert_int_equal(h1->visits, 1);
	assert_true(fabs(cw_indicator_per_visit(h1) - 100.0) < 1e-9);
	assert_int_equal(h1->stays, 1);
	assert_true(fabs(cw_indicator_per_stay(h1) - 300.0) < 1e-9); /* the whole stay, April's bed too */
	/* last month from the look-back: April's one visit cost 50 */
	assert_int_equal(ind.prev, CW_PREV_LOOKBACK);
	assert_string_equal(ind.prev_month, "2026-04");
	assert_true(fabs(h1->prev_per_visit - 50.0) < 1e-9);
	assert_true(isnan(h1->prev_per_stay));
	assert_true(fabs(cw_growth(cw_indicator_per_visit(h1), h1->prev_per_visit) - 1.0) < 1e-9);
	/* departments */
	assert_int_equal(dept(&ind, ds, "D1")->revenue, 10000);
	assert_int_equal(dept(&ind, ds, "D4")->stays, 1);
	assert_true(isnan(cw_indicator_drug_share(dept(&ind, ds, "D2"))));
	cw_indicators_free(&ind);

	/* a configured target */
	cw_rules *mine;
	assert_int_equal(cw_rules_load_text(&mine, tu_registry(), "{\"detectors\":{\"drug_share\":{\"target_by_level\":"
	                                    "{\"level3\":0.3},\"by_department\":{\"D4\":0.6}}}}", "t"), 0);
	assert_int_equal(cw_indicators_compute(&ind, ds, mine, NULL), 0);
	assert_true(fabs(ind.target[3] - 0.3) < 1e-9 && fabs(ind.target[1] - 0.48) < 1e-9);
	/* a department's own target (the detector's), else its level's */
	assert_true(fabs(ind.dept_target[cw_dataset_find(ds, CW_T_DEPARTMENTS, "D4")] - 0.6) < 1e-9);
	assert_true(fabs(ind.dept_target[cw_dataset_find(ds, CW_T_DEPARTMENTS, "D1")] - 0.3) < 1e-9);
	cw_indicators_free(&ind);
	cw_rules_free(mine);
	assert_int_equal(cw_rules_load_text(&mine, tu_registry(), "{\"detectors\":{\"drug_share\":{\"target_by_level\":"
	                                    "{\"level1\":1.5}}}}", "t"), 0);
	assert_int_equal(cw_indicators_compute(&ind, ds, mine, NULL), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "detectors.drug_share.target_by_level.level1"));
	cw_rules_free(mine);
	/* rules without the detector: no target */
	assert_int_equal(cw_rules_load_text(&mine, NULL, NULL, "t"), 0);
	assert_int_equal(cw_indicators_compute(&ind, ds, mine, NULL), 0);
	assert_true(isnan(ind.target[3]) && isnan(ind.dept_target[0]));
	cw_indicators_free(&ind);
	cw_rules_free(mine);
	cw_rules_free(rules);
	cw_dataset_free(ds);
}

static void test_prev_file_and_csv(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_rules *rules;
	assert_int_equal(cw_rules_load(&rules, tu_registry(), NULL), 0);
	char *root = tu_tempdir(), dir[4200];
	snprintf(dir, sizeof dir, "%s/2026-04", root);
	mkdir(dir, 0700);
	tu_write(dir, "indicators.csv",
	         "scope,inst_id,dept_id,name,revenue,drug_revenue,cost_per_visit,cost_per_stay\n"
	         "institution,H1,,x,100.00,30.00,80.00,250.00\n"
	         "department,H1,D1,y,0.00,0.00,40.00,\n"
	         "institution,GONE,,z,1.00,1.00,1.00,1.00\n");
	cw_indicators ind;
	assert_int_equal(cw_indicators_compute(&ind, ds, rules, root), 0);
	assert_int_equal(ind.prev, CW_PREV_FILE);
	const cw_indicator *h1 = inst(&ind, ds, "H1");
	assert_true(fabs(h1->prev_per_visit - 80.0) < 1e-9);
	assert_true(fabs(h1->prev_per_stay - 250.0) < 1e-9);
	assert_true(fabs(dept(&ind, ds, "D1")->prev_per_visit - 40.0) < 1e-9);
	assert_true(isnan(dept(&ind, ds, "D1")->prev_per_stay));
	assert_true(isnan(inst(&ind, ds, "H2")->prev_per_visit));

	char path[4300];
	snprintf(path, sizeof path, "%s/indicators.csv", root);
	cw_output out;
	cw_output_init(&out);
	assert_int_equal(cw_indicators_write(&ind, ds, &out, path), 0);
	char *text = tu_read(path);
	assert_non_null(strstr(text, "scope,inst_id,dept_id,name,level,revenue,drug_revenue,drug_share,"));
	/* H1: 300.00 revenue, 260.00 drugs (86.67% above 48%), 1 visit at 100 vs 80 (+25%), 1 stay at 300 vs 250 */
	assert_non_null(strstr(text, "\ninstitution,H1,,"));
	/* the year to date: May and April (January to March were not run: 2 months), no last year */
	assert_non_null(strstr(text, ",3,300.00,260.00,0.8667,0.4800,1,1,100.00,100.00,80.00,0.2500,1,300.00,300.00,250.00,0.2000,"
	                             "2,0.7250,,,,"
	                             /* who pays (issue 14): 2 patients, 2 visits; no line gives fund_amount: 16% */
	                             "2,1.0000,0.00,0.0000,48.00,252.00,0.00,0.8400,0.0000,1,0.00,0.0000,"
	                             "0,0,,0.3000,0,\n"));
	assert_non_null(strstr(text, "\ndepartment,H1,D1,"));
	free(text);
	cw_indicators_free(&ind);

	/* a damaged file of last month is an error */
	tu_write(dir, "indicators.csv", "scope,inst_id\ninstitution\n");
	assert_true(cw_indicators_compute(&ind, ds, rules, root) < 0);
	assert_non_null(strstr(cw_error_last(), "indicators"));
	tu_rmtree(root);
	free(root);
	cw_rules_free(rules);
	cw_dataset_free(ds);
}

/* A month's indicators.csv under root with H1's revenue and drugs. */
static void month_file(const char *root, const char *month, const char *revenue, const char *drug)
{
	char dir[4200], text[512];
	snprintf(dir, sizeof dir, "%s/%s", root, month);
	mkdir(dir, 0700);
	snprintf(text, sizeof text, "scope,inst_id,dept_id,name,revenue,drug_revenue,cost_per_visit,cost_per_stay\n"
	         "institution,H1,,x,%s,%s,,\n", revenue, drug);
	tu_write(dir, "indicators.csv", text);
}

/* E8: the year to date against last year's same months. May 2026: H1 billed 300, 260 of it drugs; January
 * to April 100 each, 30 of it drugs: 380 of 700 (54.29%). Last year January to May 100 each, 58 drugs
 * (58%): 3.71 points below. */
static void test_year_to_date(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_rules *rules;
	assert_int_equal(cw_rules_load(&rules, tu_registry(), NULL), 0);
	char *root = tu_tempdir(), m[16];
	for (int k = 1; k <= 5; k++) {
		snprintf(m, sizeof m, "2025-%02d", k);
		month_file(root, m, "100.00", "58.00");
		snprintf(m, sizeof m, "2026-%02d", k);
		if (k < 5)
			month_file(root, m, "100.00", "30.00");
	}
	cw_indicators ind;
	assert_int_equal(cw_indicators_compute(&ind, ds, rules, root), 0);
	const cw_indicator *h1 = inst(&ind, ds, "H1");
	assert_int_equal(ind.month_no, 5);
	assert_int_equal(ind.ytd_months, 5);
	assert_int_equal(ind.ly_months, 5);
	assert_true(fabs(cw_indicator_ytd_share(h1) - 380.0 / 700) < 1e-9);
	assert_true(fabs(cw_indicator_ly_share(&ind, h1) - 0.58) < 1e-9);
	assert_int_equal(cw_indicator_yoy_short(&ind, h1), 0); /* 3.71 points below: at least 2 */
	assert_int_equal(cw_indicator_yoy_short(&ind, inst(&ind, ds, "H2")), -1); /* nothing billed */
	cw_indicators_free(&ind);
	/* 4 points asked: short */
	cw_rules *mine;
	assert_int_equal(cw_rules_load_text(&mine, tu_registry(), "{\"detectors\":{\"drug_share\":{\"yoy_cut_points\":4}}}",
	                                    "t"), 0);
	assert_int_equal(cw_indicators_compute(&ind, ds, mine, root), 0);
	assert_int_equal(cw_indicator_yoy_short(&ind, inst(&ind, ds, "H1")), 1);
	cw_indicators_free(&ind);
	cw_rules_free(mine);
	/* a month of last year not run: no comparison */
	char path[4300];
	snprintf(path, sizeof path, "%s/2025-03/indicators.csv", root);
	assert_int_equal(remove(path), 0);
	assert_int_equal(cw_indicators_compute(&ind, ds, rules, root), 0);
	h1 = inst(&ind, ds, "H1");
	assert_int_equal(ind.ly_months, 4);
	assert_true(isnan(cw_indicator_ly_share(&ind, h1)));
	assert_int_equal(cw_indicator_yoy_short(&ind, h1), -1);
	cw_indicators_free(&ind);
	tu_rmtree(root);
	free(root);
	cw_rules_free(rules);
	cw_dataset_free(ds);
}

/* May 2026: at H1, CT on V1 (dept D1): 10 resulted, 2 positive (20%), plus a pending one and a refunded
 * positive one; MRI on V1: 4 of 10; CT on V3 (dept D4): 3 of 10; a lab with a result is no equipment. */
static cw_dataset *equipment_world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row ct = tu_item_row("CT", CW_CAT_EXAM, 20000), mri = tu_item_row("MRI", CW_CAT_EXAM, 50000);
	cw_item_row lab = tu_item_row("LAB", CW_CAT_LAB, 1000);
	ct.large_equipment = mri.large_equipment = 1;
	tu_add_item(b, &ct);
	tu_add_item(b, &mri);
	tu_add_item(b, &lab);
	tu_add_visit(b, "V1", "PM", "DR1", CW_INPATIENT, "2026-05-01 08:00", NULL, "I10");
	tu_add_visit(b, "V3", "PC", "DR5", CW_INPATIENT, "2026-05-01 08:00", NULL, "J18");
	char lid[16], when[32];
	static const struct { const char *visit, *item; int n, k; } runs[] = {
		{ "V1", "CT", 10, 2 }, { "V1", "MRI", 10, 4 }, { "V3", "CT", 10, 3 }, { "V1", "LAB", 10, 0 }
	};
	int line = 0;
	for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++)
		for (int i = 0; i < runs[r].n; i++) {
			snprintf(lid, sizeof lid, "E%d", ++line);
			snprintf(when, sizeof when, "2026-05-%02d 09:%02d", 2 + i, (int)r);
			tu_add_line(b, lid, runs[r].visit, runs[r].item, when, CW_QTY_ONE, 20000);
			tu_add_result(b, lid, i < runs[r].k ? CW_RESULT_POSITIVE : CW_RESULT_NEGATIVE);
		}
	tu_add_line(b, "PEND", "V1", "CT", "2026-05-20 10:00", CW_QTY_ONE, 20000);
	tu_add_result(b, "PEND", CW_RESULT_PENDING);
	tu_add_line(b, "REF", "V1", "CT", "2026-05-20 10:01", CW_QTY_ONE, 20000);
	tu_add_line(b, "REFr", "V1", "CT", "2026-05-20 11:00", -CW_QTY_ONE, 20000);
	tu_add_result(b, "REF", CW_RESULT_POSITIVE);
	return tu_finish(b);
}

static void test_positive_rates(void **state)
{
	(void)state;
	cw_dataset *ds = equipment_world();
	cw_rules *rules;
	assert_int_equal(cw_rules_load(&rules, tu_registry(), NULL), 0);
	cw_indicators ind;
	assert_int_equal(cw_indicators_compute(&ind, ds, rules, NULL), 0);
	assert_true(fabs(ind.pos.floor - 0.30) < 1e-12); /* low_positive_rate's threshold */
	cw_ref h1 = cw_dataset_find(ds, CW_T_INSTITUTIONS, "H1");
	cw_ref d1 = cw_dataset_find(ds, CW_T_DEPARTMENTS, "D1"), d4 = cw_dataset_find(ds, CW_T_DEPARTMENTS, "D4");
	cw_ref ct = cw_dataset_find(ds, CW_T_ITEMS, "CT"), mri = cw_dataset_find(ds, CW_T_ITEMS, "MRI");
	assert_int_equal(ind.pos.inst[h1].resulted, 30);
	assert_int_equal(ind.pos.inst[h1].positive, 9);
	assert_int_equal(ind.pos.dept[d1].resulted, 20);
	assert_int_equal(ind.pos.dept[d1].positive, 6);   /* exactly 30%: not under */
	assert_false(cw_posrate_under(&ind.pos.dept[d1], ind.pos.floor));
	assert_int_equal(ind.pos.dept[d4].positive, 3);
	const cw_posrate *e_ct = &ind.pos.equip[h1 * ind.pos.nitems + ct], *e_mri = &ind.pos.equip[h1 * ind.pos.nitems + mri];
	assert_int_equal(e_ct->resulted, 20);
	assert_int_equal(e_ct->positive, 5);              /* 25%: under */
	assert_true(cw_posrate_under(e_ct, ind.pos.floor));
	assert_int_equal(e_mri->resulted, 10);
	assert_false(cw_posrate_under(e_mri, ind.pos.floor));
	/* the CSV: the departments' and institutions' rates, a row per institution and equipment type */
	char *root = tu_tempdir(), path[4300];
	snprintf(path, sizeof path, "%s/indicators.csv", root);
	cw_output out;
	cw_output_init(&out);
	assert_int_equal(cw_indicators_write(&ind, ds, &out, path), 0);
	char *text = tu_read(path);
	assert_non_null(strstr(text, ",yoy_short,patients,visits_per_patient,material_revenue,material_share,fund_paid,"
	                             "self_paid,out_of_scope,self_pay_share,out_of_scope_share,fund_estimated,"
	                             "essential_drug_revenue,essential_drug_share,large_exams_resulted,large_exams_positive,positive_rate,"
	                             "positive_rate_floor,under_positive_rate_floor,item_code\n"));
	assert_non_null(strstr(text, ",30,9,0.3000,0.3000,0,\n"));
	assert_non_null(strstr(text, "\nequipment,H1,,CT,3,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,20,5,0.2500,0.3000,1,CT\n"));
	assert_non_null(strstr(text, "\nequipment,H1,,MRI,3,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,10,4,0.4000,0.3000,0,MRI\n"));
	assert_null(strstr(text, "equipment,H1,,LAB"));
	free(text);
	cw_indicators_free(&ind);
	/* next month reads this file for its growth and year to date: the equipment rows are skipped */
	char dir[4200];
	snprintf(dir, sizeof dir, "%s/2026-04", root);
	mkdir(dir, 0700);
	tu_write(dir, "indicators.csv",
	         "scope,inst_id,dept_id,name,revenue,drug_revenue,cost_per_visit,cost_per_stay\n"
	         "institution,H1,,x,100.00,50.00,80.00,250.00\n"
	         "equipment,H1,,CT,,,,\n");
	assert_int_equal(cw_indicators_compute(&ind, ds, rules, root), 0);
	assert_true(fabs(ind.inst[h1].prev_per_visit - 80.0) < 1e-9);
	assert_int_equal(ind.inst[h1].ytd_revenue, ind.inst[h1].revenue + 10000); /* April's institution row only */
	cw_indicators_free(&ind);
	tu_rmtree(root);
	free(root);
	cw_rules_free(rules);
	/* the floor is the detector's: a user's threshold moves the mark */
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(),
	                                    "{\"detectors\":{\"low_positive_rate\":{\"threshold\":0.25}}}", "t"), 0);
	assert_int_equal(cw_indicators_compute(&ind, ds, rules, NULL), 0);
	assert_false(cw_posrate_under(&ind.pos.equip[h1 * ind.pos.nitems + ct], ind.pos.floor));
	cw_indicators_free(&ind);
	cw_rules_free(rules);
	/* rules without the detector: no floor, nothing marked */
	assert_int_equal(cw_rules_load_text(&rules, NULL, "{}", "t"), 0);
	assert_int_equal(cw_indicators_compute(&ind, ds, rules, NULL), 0);
	assert_true(isnan(ind.pos.floor));
	assert_false(cw_posrate_under(&ind.pos.equip[h1 * ind.pos.nitems + ct], ind.pos.floor));
	cw_indicators_free(&ind);
	cw_rules_free(rules);
	cw_dataset_free(ds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_month),
		cmocka_unit_test(test_prev_file_and_csv),
		cmocka_unit_test(test_year_to_date),
		cmocka_unit_test(test_positive_rates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
