/* test_assess.c: the institutions' and departments' assessment (judge/assess.c, assess_file.c;
 * docs/institutions.md): the score and the grade at each cut-off (exactly at it and one hundredth below),
 * an indicator at its target and just over it, the deductions' caps, the targets' lookup, the ranks
 * within region or level, a quarter as the sum of its months with the ratios recomputed, the periods'
 * names, and malformed month files refused naming file, line and column. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/rules.h"
#include "judge/assess.h"

static cw_rules *rules_of(const char *text)
{
	cw_rules *r = NULL;
	assert_int_equal(cw_rules_load_text(&r, tu_registry(), text, "t"), 0);
	return r;
}

static void load(cw_assess_rules *ar, cw_rules **keep, const char *text)
{
	*keep = rules_of(text);
	assert_int_equal(cw_assess_rules_load(ar, *keep), 0);
}

/* An institution with 100 visits, 1,000,000 fen of revenue, no drugs: no indicator over target. */
static void plain(cw_assess_row *r)
{
	cw_assess_row_init(r);
	snprintf(r->inst, sizeof r->inst, "H1");
	r->level = 3;
	r->visits = 100;
	r->revenue = 1000000;
	r->visit_cost = 1000000;
	r->claim_lines = 1000;
}

/* The score of `findings` findings per 100 visits (2 points each) and violation fen over 1,000,000 fen
 * of revenue (2 points per percent: 50 fen = 0.01 point). */
static long long score_of(const cw_assess_rules *ar, int64_t findings, cw_fen violation, char *grade)
{
	cw_assess_row r;
	plain(&r);
	r.findings = findings;
	r.violation = violation;
	cw_assess_grade(&r, ar);
	*grade = r.grade;
	return r.score;
}

static void grade_cutoffs(void **state)
{
	(void)state;
	cw_assess_rules ar;
	cw_rules *keep;
	char g;
	load(&ar, &keep, NULL);
	assert_int_equal(score_of(&ar, 0, 0, &g), 10000);
	assert_int_equal(g, 'A');
	/* A at 90: 5 findings per 100 visits = 10 points */
	assert_int_equal(score_of(&ar, 5, 0, &g), 9000);
	assert_int_equal(g, 'A');
	assert_int_equal(score_of(&ar, 5, 50, &g), 8999);
	assert_int_equal(g, 'B');
	/* B at 75: 12 findings = 24 points, then 1 point of money (5000 fen = 0.5%) */
	assert_int_equal(score_of(&ar, 12, 5000, &g), 7500);
	assert_int_equal(g, 'B');
	assert_int_equal(score_of(&ar, 12, 5050, &g), 7499);
	assert_int_equal(g, 'C');
	/* C at 60: 15 findings = 30 points (the cap), 10 points of money (5%) */
	assert_int_equal(score_of(&ar, 15, 50000, &g), 6000);
	assert_int_equal(g, 'C');
	assert_int_equal(score_of(&ar, 15, 50050, &g), 5999);
	assert_int_equal(g, 'D');
	/* the grade of a score alone */
	assert_int_equal(cw_assess_grade_of(9000, &ar), 'A');
	assert_int_equal(cw_assess_grade_of(8999, &ar), 'B');
	assert_int_equal(cw_assess_grade_of(7500, &ar), 'B');
	assert_int_equal(cw_assess_grade_of(7499, &ar), 'C');
	assert_int_equal(cw_assess_grade_of(6000, &ar), 'C');
	assert_int_equal(cw_assess_grade_of(5999, &ar), 'D');
	assert_int_equal(cw_assess_grade_of(0, &ar), 'D');
	cw_rules_free(keep);
}

static void caps_and_floor(void **state)
{
	(void)state;
	cw_assess_rules ar;
	cw_rules *keep;
	char g;
	load(&ar, &keep, NULL);
	/* findings capped at 30, money at 30 */
	assert_int_equal(score_of(&ar, 15, 0, &g), 7000);
	assert_int_equal(score_of(&ar, 500, 0, &g), 7000);
	assert_int_equal(score_of(&ar, 0, 150000, &g), 7000);
	assert_int_equal(score_of(&ar, 0, 900000, &g), 7000);
	cw_assess_row r;
	plain(&r);
	r.findings = 500;
	r.violation = 900000;
	r.rejected_rows = 1000; /* half the rows: 100% x 2 capped at 10 */
	for (int i = 0; i < CW_AI_N; i++)
		r.target[i] = cw_ai_is_floor(i) ? 1e9 : 0;
	r.drug = r.essential = 1;
	r.material = r.self_paid = r.out_of_scope = 1;
	r.patients = 1;
	r.stays = 1;
	r.stay_cost = 100;
	r.resulted = 1;
	cw_assess_grade(&r, &ar);
	assert_true(r.ded_data == 10);
	assert_int_equal(r.score, 0); /* never below 0 */
	assert_int_equal(r.grade, 'D');
	cw_rules_free(keep);
}

/* Drug share at its target is not over; one fen more is. A floor: at it is not under; below is. */
static void at_target_and_over(void **state)
{
	(void)state;
	cw_assess_rules ar;
	cw_rules *keep;
	load(&ar, &keep, NULL);
	cw_assess_row r;
	plain(&r);
	r.target[CW_AI_DRUG_SHARE] = 0.48;
	r.drug = 480000;
	cw_assess_grade(&r, &ar);
	assert_int_equal(r.over[CW_AI_DRUG_SHARE], 0);
	assert_int_equal(r.score, 10000);
	r.drug = 480001;
	cw_assess_grade(&r, &ar);
	assert_int_equal(r.over[CW_AI_DRUG_SHARE], 1);
	assert_int_equal(r.score, 9000); /* drug_share: 10 points */
	r.drug = 0;
	r.target[CW_AI_POSITIVE_RATE] = 0.5;
	r.resulted = 10;
	r.positive = 5;
	cw_assess_grade(&r, &ar);
	assert_int_equal(r.over[CW_AI_POSITIVE_RATE], 0);
	r.positive = 4;
	cw_assess_grade(&r, &ar);
	assert_int_equal(r.over[CW_AI_POSITIVE_RATE], 1);
	assert_int_equal(r.score, 9500);
	/* growth: 10% at a 10% cap is not over; more is */
	r.positive = 5;
	r.target[CW_AI_VISIT_GROWTH] = 0.1;
	r.visit_cost = 1000000; /* 100 yuan per visit */
	r.last_per_visit = 90.90;
	cw_assess_grade(&r, &ar);
	assert_int_equal(r.over[CW_AI_VISIT_GROWTH], 1);
	r.last_per_visit = 100.0 / 1.1 + 0.01;
	cw_assess_grade(&r, &ar);
	assert_int_equal(r.over[CW_AI_VISIT_GROWTH], 0);
	/* no value (no patients given): no deduction */
	r.target[CW_AI_VISITS_PER_PATIENT] = 0.1;
	cw_assess_grade(&r, &ar);
	assert_true(isnan(r.value[CW_AI_VISITS_PER_PATIENT]));
	assert_int_equal(r.over[CW_AI_VISITS_PER_PATIENT], 0);
	cw_rules_free(keep);
}

static void targets(void **state)
{
	(void)state;
	cw_assess_rules ar;
	cw_rules *keep;
	double t;
	load(&ar, &keep, "{\"assessment\":{\"indicators\":{\"material_share\":{\"by_level\":{\"level2\":0.3},"
	                 "\"by_institution\":{\"H9\":0.25},\"by_department\":{\"D9\":0.15,\"D0\":0.0}}}}}");
	assert_int_equal(cw_assess_target(&t, &ar, CW_AI_MATERIAL_SHARE, "H1", "", 2), 0);
	assert_true(t == 0.3);
	assert_int_equal(cw_assess_target(&t, &ar, CW_AI_MATERIAL_SHARE, "H9", "", 2), 0);
	assert_true(t == 0.25);
	assert_int_equal(cw_assess_target(&t, &ar, CW_AI_MATERIAL_SHARE, "H9", "D1", 2), 0);
	assert_true(t == 0.25);
	assert_int_equal(cw_assess_target(&t, &ar, CW_AI_MATERIAL_SHARE, "H9", "D9", 2), 0);
	assert_true(t == 0.15);
	assert_int_equal(cw_assess_target(&t, &ar, CW_AI_MATERIAL_SHARE, "H9", "D0", 2), 0);
	assert_true(isnan(t)); /* 0: no target */
	assert_int_equal(cw_assess_target(&t, &ar, CW_AI_COST_PER_VISIT, "H1", "", 3), 0);
	assert_true(isnan(t)); /* the default: none */
	cw_rules_free(keep);
	/* bad rules name the key */
	cw_rules *bad;
	assert_int_equal(cw_rules_load_text(&bad, tu_registry(),
	                                     "{\"assessment\":{\"grades\":{\"B\":95.0}}}", "t"), 0);
	assert_int_equal(cw_assess_rules_load(&ar, bad), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "assessment.grades.B"));
	cw_rules_free(bad);
	assert_int_equal(cw_rules_load_text(&bad, tu_registry(),
	                                     "{\"assessment\":{\"indicators\":{\"material_share\":{\"by_level\":"
	                                     "{\"level1\":1.5}}}}}", "t"), 0);
	assert_int_equal(cw_assess_rules_load(&ar, bad), 0);
	assert_true(cw_assess_target(&t, &ar, CW_AI_MATERIAL_SHARE, "H1", "", 1) < 0);
	assert_non_null(strstr(cw_error_last(), "by_level.level1"));
	cw_rules_free(bad);
}

static void ranks(void **state)
{
	(void)state;
	cw_assess_row r[5];
	static const char *const ids[] = { "H1", "H2", "H3", "H4", "H5" };
	static const long long score[] = { 8000, 9000, 8000, 7000, 5000 };
	for (int i = 0; i < 5; i++) {
		cw_assess_row_init(&r[i]);
		snprintf(r[i].inst, sizeof r[i].inst, "%s", ids[i]);
		r[i].score = score[i];
		r[i].level = i < 4 ? 3 : 2;
	}
	r[0].violation = 200; /* ties with H3 on the score: more money ranks below */
	r[2].violation = 100;
	assert_int_equal(cw_assess_rank(r, 5, 0), 0);
	assert_int_equal(r[1].rank, 1);
	assert_int_equal(r[2].rank, 2);
	assert_int_equal(r[0].rank, 3);
	assert_int_equal(r[3].rank, 4);
	assert_int_equal(r[0].rank_of, 4);
	assert_string_equal(r[0].rank_group, "level3");
	assert_int_equal(r[4].rank, 1);
	assert_int_equal(r[4].rank_of, 1);
	assert_string_equal(r[4].rank_group, "level2");
	/* a region, when given, is the group */
	snprintf(r[3].region, sizeof r[3].region, "R1");
	snprintf(r[4].region, sizeof r[4].region, "R1");
	assert_int_equal(cw_assess_rank(r, 5, 0), 0);
	assert_string_equal(r[3].rank_group, "R1");
	assert_int_equal(r[3].rank, 1);
	assert_int_equal(r[4].rank, 2);
	assert_int_equal(r[1].rank_of, 3);
}

/* ROOT/<month>/inst_assessment.csv with one row per (inst, revenue, drug, visits, findings, violation). */
static void month_file(const char *root, const char *month, const cw_assess_row *rows, size_t n)
{
	char dir[512], path[600];
	snprintf(dir, sizeof dir, "%s/%s", root, month);
	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/inst_assessment.csv", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	cw_assess_table t = { .rows = (cw_assess_row *)rows, .n = n };
	cw_assess_write_csv(f, &t, 0);
	fclose(f);
}

static void row_for(cw_assess_row *r, const char *inst, const char *month, cw_fen revenue, cw_fen drug,
                    int64_t visits, int64_t findings, cw_fen violation)
{
	cw_assess_row_init(r);
	snprintf(r->inst, sizeof r->inst, "%s", inst);
	snprintf(r->period, sizeof r->period, "%s", month);
	snprintf(r->name, sizeof r->name, "name %s %s", inst, month);
	r->level = 2;
	r->months = 1;
	r->revenue = revenue;
	r->drug = drug;
	r->visits = visits;
	r->visit_cost = revenue;
	r->findings = findings;
	r->violation = violation;
	r->claim_lines = 10 * visits;
	r->target[CW_AI_DRUG_SHARE] = 0.48;
}

static void quarter_is_sum(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	cw_assess_rules ar;
	cw_rules *keep;
	load(&ar, &keep, NULL);
	cw_assess_row m[3][2];
	row_for(&m[0][0], "H1", "2026-01", 100000, 60000, 10, 1, 1000);
	row_for(&m[0][1], "H2", "2026-01", 300000, 30000, 30, 0, 0);
	row_for(&m[1][0], "H1", "2026-02", 900000, 300000, 90, 2, 2000);
	row_for(&m[1][1], "H2", "2026-02", 100000, 10000, 10, 0, 0);
	row_for(&m[2][0], "H1", "2026-03", 1000000, 400000, 100, 3, 3001);
	month_file(root, "2026-01", m[0], 2);
	month_file(root, "2026-02", m[1], 2);
	month_file(root, "2026-03", m[2], 1);
	cw_assess_table t;
	int months;
	assert_int_equal(cw_assess_period(&t, &months, root, "2026-Q1", 0, &ar), 0);
	assert_int_equal(months, 3);
	assert_int_equal(t.n, 2);
	cw_assess_row *h1 = &t.rows[0];
	assert_string_equal(h1->inst, "H1");
	assert_string_equal(h1->period, "2026-Q1");
	assert_string_equal(h1->name, "name H1 2026-03"); /* the latest month's */
	assert_int_equal(h1->months, 3);
	assert_int_equal(h1->revenue, 2000000);
	assert_int_equal(h1->drug, 760000);
	assert_int_equal(h1->visits, 200);
	assert_int_equal(h1->findings, 6);
	assert_int_equal(h1->violation, 6001);
	/* ratios recomputed from the sums, not averaged: 760000 / 2000000 = 0.38 (the months: 0.6, 0.33, 0.4) */
	assert_true(fabs(h1->value[CW_AI_DRUG_SHARE] - 0.38) < 1e-12);
	assert_int_equal(h1->over[CW_AI_DRUG_SHARE], 0);
	assert_true(fabs(h1->per_100_visits - 3.0) < 1e-12);
	assert_int_equal(h1->score, 10000 - 600 - llround(2 * 100 * 6001.0 / 2000000 * 100));
	assert_int_equal(t.rows[1].months, 2);
	assert_int_equal(t.rows[1].revenue, 400000);
	assert_true(isnan(h1->last_per_visit)); /* no quarter before */
	cw_assess_table_free(&t);
	/* one month: the month file's figures as they are */
	assert_int_equal(cw_assess_period(&t, &months, root, "2026-02", 0, &ar), 0);
	assert_int_equal(t.rows[0].revenue, 900000);
	assert_true(fabs(t.rows[0].value[CW_AI_DRUG_SHARE] - 1.0 / 3) < 1e-12);
	assert_int_equal(t.rows[0].over[CW_AI_DRUG_SHARE], 0);
	cw_assess_table_free(&t);
	/* the half-year and the year hold the same three months */
	assert_int_equal(cw_assess_period(&t, &months, root, "2026", 0, &ar), 0);
	assert_int_equal(months, 3);
	assert_int_equal(t.rows[0].revenue, 2000000);
	cw_assess_table_free(&t);
	/* a quarter without files */
	assert_int_equal(cw_assess_period(&t, &months, root, "2026-Q3", 0, &ar), CW_ENOTFOUND);
	assert_non_null(strstr(cw_error_last(), "2026-Q3"));
	/* the growth on the quarter before, when all its months are there */
	cw_assess_row q2[3];
	row_for(&q2[0], "H1", "2026-04", 2000000, 0, 100, 0, 0);
	row_for(&q2[1], "H1", "2026-05", 0, 0, 0, 0, 0);
	row_for(&q2[2], "H1", "2026-06", 0, 0, 0, 0, 0);
	q2[2].target[CW_AI_VISIT_GROWTH] = 0.1; /* the latest month's targets hold */
	month_file(root, "2026-04", &q2[0], 1);
	month_file(root, "2026-05", &q2[1], 1);
	month_file(root, "2026-06", &q2[2], 1);
	assert_int_equal(cw_assess_period(&t, &months, root, "2026-Q2", 0, &ar), 0);
	/* Q1: 2,000,000 fen over 200 visits = 100 yuan; Q2: 20,000 yuan over 100 = 200 yuan: +100% */
	assert_true(fabs(t.rows[0].last_per_visit - 100.0) < 1e-9);
	assert_true(fabs(t.rows[0].value[CW_AI_VISIT_GROWTH] - 1.0) < 1e-9);
	assert_int_equal(t.rows[0].over[CW_AI_VISIT_GROWTH], 1);
	cw_assess_table_free(&t);
	cw_rules_free(keep);
	tu_rmtree(root);
	free(root);
}

static void periods(void **state)
{
	(void)state;
	cw_month f, l;
	assert_int_equal(cw_assess_period_parse(&f, &l, "2026-05"), 0);
	assert_true(f.month == 5 && l.month == 5);
	assert_int_equal(cw_assess_period_parse(&f, &l, "2026-Q2"), 0);
	assert_true(f.month == 4 && l.month == 6 && l.year == 2026);
	assert_int_equal(cw_assess_period_parse(&f, &l, "2026-H2"), 0);
	assert_true(f.month == 7 && l.month == 12);
	assert_int_equal(cw_assess_period_parse(&f, &l, "2026"), 0);
	assert_true(f.month == 1 && l.month == 12);
	static const char *const bad[] = { "2026-Q5", "2026-Q0", "2026-H3", "2026-13", "26", "2026-Q1x", "2026-q1", "" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(cw_assess_period_parse(&f, &l, bad[i]), CW_EINVALID);
		assert_non_null(strstr(cw_error_last(), "not a period"));
	}
}

/* A month file with one cell replaced: the error names the file, the line and the column. */
static void malformed(void **state)
{
	(void)state;
	static const struct { const char *column, *value, *says; } cases[] = {
		{ "revenue", "12x", "column revenue: not an amount" },
		{ "visits", "-3", "column visits: not a count" },
		{ "level", "7", "column level: not a level" },
		{ "drug_revenue", "", "column drug_revenue: empty" },
		{ "drug_share_target", "abc", "column drug_share_target: not a number" },
		{ "inst_id", "", "column inst_id: empty" },
	};
	cw_assess_rules ar;
	cw_rules *keep;
	load(&ar, &keep, NULL);
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		char *root = tu_tempdir(), dir[512], *text;
		cw_assess_row rows[2];
		row_for(&rows[0], "H1", "2026-01", 100, 10, 1, 0, 0);
		row_for(&rows[1], "H2", "2026-01", 100, 10, 1, 0, 0);
		month_file(root, "2026-01", rows, 2);
		snprintf(dir, sizeof dir, "%s/2026-01", root);
		text = tu_read(tu_path(dir, "inst_assessment.csv"));
		/* the column's index in the header, then that field of line 3 replaced */
		char *nl = strchr(text, '\n'), *line3 = strchr(nl + 1, '\n') + 1;
		int col = 0;
		for (char *p = text, *q; p < nl; p = q + 1, col++) {
			q = p + strcspn(p, ",\n");
			if ((size_t)(q - p) == strlen(cases[c].column) && !strncmp(p, cases[c].column, (size_t)(q - p)))
				break;
		}
		char *p = line3;
		for (int k = 0; k < col; k++)
			p += strcspn(p, ",") + 1;
		size_t len = strcspn(p, ",\n");
		char out[8192];
		snprintf(out, sizeof out, "%.*s%s%s", (int)(p - text), text, cases[c].value, p + len);
		tu_write(dir, "inst_assessment.csv", out);
		cw_assess_table t;
		int months;
		assert_int_equal(cw_assess_period(&t, &months, root, "2026-01", 0, &ar), CW_EINVALID);
		const char *msg = cw_error_last();
		assert_non_null(strstr(msg, "2026-01/inst_assessment.csv: line 3"));
		if (!strstr(msg, cases[c].says))
			fail_msg("%s: %s", cases[c].column, msg);
		free(text);
		tu_rmtree(root);
		free(root);
	}
	/* a missing column */
	char *root = tu_tempdir(), dir[512];
	snprintf(dir, sizeof dir, "%s/2026-01", root);
	mkdir(dir, 0700);
	tu_write(dir, "inst_assessment.csv", "period,inst_id\n2026-01,H1\n");
	cw_assess_table t;
	int months;
	assert_int_equal(cw_assess_period(&t, &months, root, "2026-01", 0, &ar), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "inst_assessment.csv"));
	tu_rmtree(root);
	free(root);
	cw_rules_free(keep);
}

/* docs/institutions.md's worked example, number for number. */
static void worked_example(void **state)
{
	(void)state;
	cw_assess_rules ar;
	cw_rules *keep;
	load(&ar, &keep, NULL);
	cw_assess_row r;
	cw_assess_row_init(&r);
	snprintf(r.inst, sizeof r.inst, "H9");
	r.level = 2;
	r.revenue = 80000000;
	r.drug = 41600000;
	r.visits = 3800;
	r.stays = 200;
	r.visit_cost = 45600000;
	r.last_per_visit = 105.00;
	r.resulted = 120;
	r.positive = 30;
	r.findings = 60;
	r.violation = 1200000;
	r.rejected_rows = 40;
	r.claim_lines = 19960;
	for (int i = 0; i < CW_AI_N; i++)
		assert_int_equal(cw_assess_target(&r.target[i], &ar, i, "H9", "", 2), i == CW_AI_DRUG_SHARE ||
		                 i == CW_AI_POSITIVE_RATE ? CW_ENOTFOUND : 0);
	cw_error_clear();
	r.target[CW_AI_DRUG_SHARE] = 0.48;
	r.target[CW_AI_POSITIVE_RATE] = 0.30;
	cw_assess_grade(&r, &ar);
	assert_true(r.over[CW_AI_DRUG_SHARE] && r.over[CW_AI_VISIT_GROWTH] && r.over[CW_AI_POSITIVE_RATE]);
	assert_true(r.ded_indicators == 20);
	assert_true(fabs(r.ded_findings - 3.0) < 1e-9 && fabs(r.ded_money - 3.0) < 1e-9 && fabs(r.ded_data - 0.4) < 1e-9);
	assert_int_equal(r.score, 7360);
	assert_int_equal(r.grade, 'C');
	r.drug = 38400000; /* 48.0% exactly: not over */
	cw_assess_grade(&r, &ar);
	assert_int_equal(r.score, 8360);
	assert_int_equal(r.grade, 'B');
	cw_rules_free(keep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grade_cutoffs), cmocka_unit_test(caps_and_floor), cmocka_unit_test(at_target_and_over),
		cmocka_unit_test(targets),       cmocka_unit_test(ranks),          cmocka_unit_test(quarter_is_sum),
		cmocka_unit_test(periods),       cmocka_unit_test(malformed),      cmocka_unit_test(worked_example),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
