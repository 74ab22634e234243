/* test_sanction.c: the half-year ladder on hand-built histories (each level exactly at its
 * threshold and one below, both counting modes, the composite grade condition, a missing month,
 * a re-run earlier month, the cycle boundary) and, through whole monthly runs, the switch to the
 * examination / medication / treatment / billing dimensions by configuration only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/sanction.h"
#include "claimwatch/score.h"
#include "run/run.h"
#include "util/progress.h"

/* --- hand-built ranking.csv files ----------------------------------------------------- */

/* One physician in one month: the dimensions ranked first ("exam medication"), whether the
 * composite is ranked first, and the composite grade. */
typedef struct st {
	const char *phys;
	const char *firsts;
	int composite_first;
	const char *grade;
} st;

static const char *const four[] = { "exam", "diagnosis", "treatment", "medication", NULL };

static int has_word(const char *list, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = list; (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

static void write_month(const char *root, const char *month, const st *v, size_t n)
{
	char dir[4096], path[4200];
	snprintf(dir, sizeof dir, "%s/%s", root, month);
	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/ranking.csv", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "month,inst_id,dept_id,physician_id,dimension,score,grade,rank,findings,suspect_amount,"
	           "physician_name\n");
	for (size_t i = 0; i < n; i++) {
		for (int d = 0; four[d]; d++) {
			int first = has_word(v[i].firsts, four[d]);
			fprintf(f, "%s,H1,D1,%s,%s,%s,%s,%d,1,0.00,Dr %s\n", month, v[i].phys, four[d], first ? "70.00" : "10.00",
			        first ? "unreasonable" : "reasonable", first ? 1 : 2, v[i].phys);
		}
		fprintf(f, "%s,H1,D1,%s,composite,50.00,%s,%d,4,100.50,Dr %s\n", month, v[i].phys, v[i].grade,
		        v[i].composite_first ? 1 : 2, v[i].phys);
	}
	assert_int_equal(fclose(f), 0);
}

static cw_sanction_rules rules_of(const char *json, cw_rules **keep)
{
	cw_sanction_rules r;
	if (cw_rules_load_text(keep, tu_registry(), json, "test rules") < 0)
		fail_msg("rules: %s", cw_error_last());
	if (cw_sanction_rules_load(&r, *keep) < 0)
		fail_msg("sanction rules: %s", cw_error_last());
	return r;
}

typedef struct outcome {
	int level, max_level, single, composite, flagged;
	char detail[256], composite_months[64], missing[64];
	cw_fen suspect;
} outcome;

/* The tally of phys through `month`, with the rules json (NULL: defaults). */
static outcome tally(const char *root, const char *month, const char *phys, const char *json)
{
	cw_rules *rules;
	cw_sanction_rules r = rules_of(json, &rules);
	cw_month m;
	cw_history h;
	cw_tally *t;
	size_t n;
	outcome o;
	memset(&o, 0, sizeof o);
	assert_int_equal(cw_month_parse(&m, month), 0);
	if (cw_history_load(&h, root, m, NULL) < 0)
		fail_msg("history: %s", cw_error_last());
	assert_int_equal(cw_sanction_tally(&t, &n, &h, &r), 0);
	cw_history_missing(o.missing, sizeof o.missing, &h);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i].last->physician_id, phys))
			continue;
		o.level = t[i].level;
		o.max_level = t[i].max_level;
		o.single = t[i].single_firsts;
		o.composite = t[i].composite_firsts;
		o.flagged = t[i].months_flagged;
		o.suspect = t[i].suspect_total;
		snprintf(o.detail, sizeof o.detail, "%s", t[i].single_detail);
		snprintf(o.composite_months, sizeof o.composite_months, "%s", t[i].composite_months);
	}
	cw_tallies_free(t, n);
	cw_history_free(&h);
	cw_rules_free(rules);
	return o;
}

static const char *months[] = { "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06" };

/* Months 1..k each with the same standing for DR1, and a clean DR2. */
static char *history(int k, st dr1)
{
	char *root = tu_tempdir();
	st dr2 = { "DR2", "", 0, "reasonable" };
	for (int i = 0; i < k; i++) {
		st v[2] = { dr1, dr2 };
		write_month(root, months[i], v, 2);
	}
	return root;
}

static void done(char *root)
{
	tu_rmtree(root);
	free(root);
}

static void test_level1_any_counting_month(void **state)
{
	(void)state;
	char *root = history(1, (st){ "DR1", "exam", 0, "unreasonable" });
	outcome o = tally(root, "2026-01", "DR1", NULL);
	assert_int_equal(o.level, 1);
	assert_int_equal(o.single, 1);
	assert_int_equal(o.composite, 0);
	assert_string_equal(o.detail, "2026-01:exam");
	o = tally(root, "2026-01", "DR2", NULL);
	assert_int_equal(o.level, 0);
	assert_int_equal(o.flagged, 0);
	done(root);
}

static void test_composite_grade_condition(void **state)
{
	(void)state;
	char *root = history(1, (st){ "DR1", "exam", 1, "basically_reasonable" });
	outcome o = tally(root, "2026-01", "DR1", NULL);
	assert_int_equal(o.level, 0); /* first, but the composite is only basically reasonable */
	assert_int_equal(o.single, 0);
	o = tally(root, "2026-01", "DR1", "{\"sanctions\": {\"min_composite_grade\": \"basically_reasonable\"}}");
	assert_int_equal(o.level, 1);
	assert_int_equal(o.single, 1);
	assert_int_equal(o.composite, 1);
	done(root);
}

static void test_level2_single_firsts(void **state)
{
	(void)state;
	char *root = history(4, (st){ "DR1", "exam", 0, "unreasonable" });
	outcome o = tally(root, "2026-03", "DR1", NULL);
	assert_int_equal(o.single, 3);
	assert_int_equal(o.level, 1); /* one below the threshold of 4 */
	o = tally(root, "2026-04", "DR1", NULL);
	assert_int_equal(o.single, 4);
	assert_int_equal(o.level, 2); /* exactly at it */
	done(root);
}

static void test_level2_composite_firsts(void **state)
{
	(void)state;
	char *root = history(2, (st){ "DR1", "", 1, "unreasonable" });
	outcome o = tally(root, "2026-01", "DR1", NULL);
	assert_int_equal(o.composite, 1);
	assert_int_equal(o.single, 0);
	assert_int_equal(o.level, 1);
	o = tally(root, "2026-02", "DR1", NULL);
	assert_int_equal(o.composite, 2);
	assert_int_equal(o.level, 2);
	assert_string_equal(o.composite_months, "2026-01 2026-02");
	done(root);
}

static void test_level3_single_firsts(void **state)
{
	(void)state;
	char *root = history(6, (st){ "DR1", "medication", 0, "unreasonable" });
	outcome o = tally(root, "2026-05", "DR1", NULL);
	assert_int_equal(o.single, 5);
	assert_int_equal(o.level, 2);
	o = tally(root, "2026-06", "DR1", NULL);
	assert_int_equal(o.single, 6);
	assert_int_equal(o.level, 3);
	assert_int_equal(o.flagged, 6);
	done(root);
}

static void test_level3_composite_firsts(void **state)
{
	(void)state;
	char *root = history(3, (st){ "DR1", "", 1, "unreasonable" });
	assert_int_equal(tally(root, "2026-02", "DR1", NULL).level, 2);
	assert_int_equal(tally(root, "2026-03", "DR1", NULL).level, 3);
	done(root);
}

static void test_counting_modes(void **state)
{
	(void)state;
	char *root = history(2, (st){ "DR1", "exam medication", 0, "unreasonable" });
	outcome o = tally(root, "2026-02", "DR1", NULL);
	assert_int_equal(o.single, 2); /* a month with two dimensions first counts once */
	assert_int_equal(o.level, 1);
	assert_string_equal(o.detail, "2026-01:exam+medication 2026-02:exam+medication");
	o = tally(root, "2026-02", "DR1", "{\"sanctions\": {\"count_each_dimension\": true}}");
	assert_int_equal(o.single, 4); /* each dimension counts */
	assert_int_equal(o.level, 2);
	done(root);
}

static void test_thresholds_configurable(void **state)
{
	(void)state;
	char *root = history(2, (st){ "DR1", "exam", 0, "unreasonable" });
	const char *json = "{\"sanctions\": {\"level2\": {\"single_firsts\": 2}, \"level3\": {\"single_firsts\": 0,"
	                   " \"composite_firsts\": 0}}}";
	assert_int_equal(tally(root, "2026-01", "DR1", json).level, 1);
	assert_int_equal(tally(root, "2026-02", "DR1", json).level, 2);
	cw_rules *rules;
	cw_sanction_rules r = rules_of(NULL, &rules);
	assert_string_equal(cw_sanction_measures(&r, 1, "zh"), "警告、通报批评");
	assert_string_equal(cw_sanction_measures(&r, 3, "en"),
	                    "practice suspended for half a year; a bad-practice record; three months' performance pay "
	                    "deducted; annual assessment set to incompetent");
	cw_rules_free(rules);
	done(root);
}

static void test_due_only_in_counting_months(void **state)
{
	(void)state;
	char *root = history(4, (st){ "DR1", "exam", 0, "unreasonable" });
	st v[1] = { { "DR1", "", 0, "unreasonable" } };
	write_month(root, "2026-05", v, 1);
	outcome o = tally(root, "2026-05", "DR1", NULL);
	assert_int_equal(o.level, 0);     /* nothing due in May */
	assert_int_equal(o.max_level, 2); /* reached in April */
	assert_int_equal(o.single, 4);
	done(root);
}

static void test_missing_month(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	st v[1] = { { "DR1", "", 1, "unreasonable" } };
	write_month(root, "2026-01", v, 1);
	write_month(root, "2026-03", v, 1);
	outcome o = tally(root, "2026-03", "DR1", NULL);
	assert_string_equal(o.missing, "2026-02");
	assert_int_equal(o.composite, 2);
	assert_int_equal(o.level, 2);
	assert_int_equal(o.suspect, 2 * 10050);
	done(root);
}

static void test_rerun_earlier_month_changes_count(void **state)
{
	(void)state;
	char *root = history(3, (st){ "DR1", "", 1, "unreasonable" });
	assert_int_equal(tally(root, "2026-03", "DR1", NULL).level, 3);
	st v[1] = { { "DR1", "", 0, "reasonable" } }; /* February re-run: a dismissed finding, no longer first */
	write_month(root, "2026-02", v, 1);
	outcome o = tally(root, "2026-03", "DR1", NULL);
	assert_int_equal(o.composite, 2);
	assert_int_equal(o.level, 2);
	assert_string_equal(o.composite_months, "2026-01 2026-03");
	done(root);
}

static void test_cycle_boundary(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	st v[1] = { { "DR1", "", 1, "unreasonable" } };
	write_month(root, "2026-06", v, 1);
	write_month(root, "2026-07", v, 1);
	outcome o = tally(root, "2026-07", "DR1", NULL);
	assert_int_equal(o.composite, 1); /* June belongs to 2026-H1 */
	assert_int_equal(o.level, 1);
	assert_string_equal(o.missing, "");
	done(root);
}

static void test_damaged_ranking(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	char dir[4200];
	snprintf(dir, sizeof dir, "%s/2026-01", root);
	mkdir(dir, 0700);
	tu_write(dir, "ranking.csv", "month,inst_id,dept_id,physician_id,dimension,grade,rank,suspect_amount\n"
	                             "2026-01,H1,D1,DR1,composite,awful,1,0.00\n");
	cw_month m = { 2026, 1 };
	cw_history h;
	assert_int_equal(cw_history_load(&h, root, m, NULL), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "line 2"));
	assert_non_null(strstr(cw_error_last(), "awful"));
	done(root);
}

/* Physicians under scoring.min_visits: January's file is older (no status, no under_min_visits), February's
 * is today's. Listed but not ranked (empty rank and grade, or status too_few_cases even with a stray rank
 * 1) never counts toward a sanction, though its money is read; ranked by scoring.rank_too_few, it counts. */
static void test_history_reads_under_floor_rows(void **state)
{
	(void)state;
	char *root = tu_tempdir();
	char dir[4200];
	snprintf(dir, sizeof dir, "%s/2026-01", root);
	mkdir(dir, 0700);
	tu_write(dir, "ranking.csv", "month,inst_id,dept_id,physician_id,dimension,score,grade,rank,findings,suspect_amount\n"
	                             "2026-01,H1,D1,DR1,composite,80.00,unreasonable,1,5,100.00\n"
	                             "2026-01,H1,D1,DR9,composite,,,,2,50.00\n");
	snprintf(dir, sizeof dir, "%s/2026-02", root);
	mkdir(dir, 0700);
	tu_write(dir, "ranking.csv", "month,inst_id,dept_id,physician_id,dimension,score,grade,rank,findings,suspect_amount,"
	                             "physician_name,status,under_min_visits\n"
	                             "2026-02,H1,D1,DR1,composite,80.00,unreasonable,1,5,100.00,Dr 1,ranked,0\n"
	                             "2026-02,H1,D1,DR7,composite,90.00,unreasonable,1,3,70.00,Dr 7,ranked,1\n"
	                             "2026-02,H1,D1,DR8,composite,,unreasonable,1,1,10.00,Dr 8,too_few_cases,1\n"
	                             "2026-02,H1,D1,DR9,composite,,,,4,25.00,Dr 9,too_few_cases,1\n");
	outcome o = tally(root, "2026-02", "DR1", NULL);
	assert_int_equal(o.composite, 2);           /* both formats read alike */
	o = tally(root, "2026-02", "DR9", NULL);
	assert_int_equal(o.flagged, 0);             /* listed, never counted */
	assert_int_equal(o.suspect, 7500);          /* its money is still read */
	o = tally(root, "2026-02", "DR8", NULL);
	assert_int_equal(o.flagged, 0);             /* too_few_cases wins over a stray rank */
	o = tally(root, "2026-02", "DR7", NULL);
	assert_int_equal(o.composite, 1);           /* ranked under the floor: counts */
	assert_int_equal(o.level, 1);
	cw_month m = { 2026, 2 };
	cw_history h;
	assert_int_equal(cw_history_load(&h, root, m, NULL), 0);
	for (size_t i = 0; i < h.n; i++) {
		int want = h.s[i].month == 1 && (!strcmp(h.s[i].physician_id, "DR7") || !strcmp(h.s[i].physician_id, "DR8") ||
		                                 !strcmp(h.s[i].physician_id, "DR9"));
		assert_int_equal(h.s[i].under_floor, want);
	}
	cw_history_free(&h);
	done(root);
}

/* --- whole monthly runs ------------------------------------------------------------------ */

/* Three months of a small hospital H1: DR1, DR2 (D1) and DR5 (D4), 8 outpatient visits each a
 * month; DR1 bills the lab above its ceiling in the months of bad_months (bit per month). */
static void write_data(const char *dir, unsigned bad_months)
{
	tu_write(dir, "institutions.csv", "inst_id,name,level\nH1,Hospital 1,3\n");
	tu_write(dir, "departments.csv", "dept_id,inst_id,name,specialty\nD1,H1,Cardiology,cardiology\n"
	                                 "D4,H1,Respiratory,respiratory\n");
	tu_write(dir, "physicians.csv", "physician_id,name,inst_id,dept_id,title\nDR1,Dr One,H1,D1,\n"
	                                "DR2,Dr Two,H1,D1,\nDR5,Dr Five,H1,D4,\n");
	tu_write(dir, "patients.csv", "patient_id,sex,birth_date\nPM,M,1980-01-01\nPF,F,1990-06-15\n");
	tu_write(dir, "items.csv", "item_code,name,category,unit,std_price,large_equipment,retest_hours,antibiotic,"
	                           "max_daily_qty,sex_only,age_min,age_max,min_level,setting\n"
	                           "LAB1,Lab,lab,,20.00,0,,0,,,,,,\nDRUG1,Drug,drug,,10.00,0,,0,,,,,,\n");
	tu_write(dir, "bundles.csv", "bundle_code,component_code\n");
	tu_write(dir, "prescriptions.csv", "rx_id,line_no,visit_id,physician_id,rx_time,drug_code,qty,days_supply,amount\n");
	tu_write(dir, "exam_results.csv", "line_id,result\n");
	char path[4200];
	snprintf(path, sizeof path, "%s/visits.csv", dir);
	FILE *v = fopen(path, "w");
	snprintf(path, sizeof path, "%s/claim_lines.csv", dir);
	FILE *l = fopen(path, "w");
	assert_non_null(v);
	assert_non_null(l);
	fprintf(v, "visit_id,patient_id,inst_id,dept_id,physician_id,kind,admit_time,discharge_time,dx_code,dx_name\n");
	fprintf(l, "line_id,visit_id,item_code,physician_id,service_time,qty,unit_price,amount\n");
	static const char *phys[][2] = { { "DR1", "D1" }, { "DR2", "D1" }, { "DR5", "D4" } };
	for (int m = 1; m <= 3; m++)
		for (int p = 0; p < 3; p++)
			for (int k = 0; k < 8; k++) {
				int bad = p == 0 && (bad_months >> m & 1) && k % 2 == 0;
				const char *price = bad ? "35.00" : "20.00";
				fprintf(v, "V%d%d%d,%s,H1,%s,%s,outpatient,2026-%02d-%02d 08:00,,I10,\n", m, p, k, k % 2 ? "PF" : "PM",
				        phys[p][1], phys[p][0], m, 2 + 3 * k + p);
				fprintf(l, "L%d%d%da,V%d%d%d,LAB1,,2026-%02d-%02d 09:00,1,%s,%s\n", m, p, k, m, p, k, m,
				        2 + 3 * k + p, price, price);
				fprintf(l, "L%d%d%db,V%d%d%d,DRUG1,,2026-%02d-%02d 09:30,2,10.00,20.00\n", m, p, k, m, p, k, m,
				        2 + 3 * k + p);
			}
	assert_int_equal(fclose(v), 0);
	assert_int_equal(fclose(l), 0);
}

static int run(const char *data, const char *root, const char *month, const cw_rules *rules)
{
	cw_run_options o = CW_RUN_OPTIONS_INIT;
	o.data_dir = data;
	o.root = root;
	o.threads = 1;
	o.report = 0;
	o.rules = rules;
	assert_int_equal(cw_month_parse(&o.month, month), 0);
	int rc = cw_run(NULL, &o);
	if (rc < 0)
		fail_msg("run %s: %s", month, cw_error_last());
	return rc;
}

static char *month_file(const char *root, const char *month, const char *file)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s/%s", root, month, file);
	char *s = tu_read(path);
	assert_non_null(s);
	return s;
}

static const char *billing_rules =
	"{\"dimensions\": {\"names\": [\"exam\", \"medication\", \"treatment\", \"billing\"],"
	"  \"by_class\": {\"admission\": \"treatment\"},"
	"  \"by_detector\": {\"over_price\": \"billing\", \"duplicate_billing\": \"billing\"}},"
	" \"scoring\": {\"min_visits\": 5}}";

static void test_billing_dimension_set_by_configuration(void **state)
{
	(void)state;
	char *data = tu_tempdir(), *root = tu_tempdir();
	cw_rules *rules;
	write_data(data, 0x6); /* January and February */
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), billing_rules, "billing rules"), 0);
	run(data, root, "2026-01", rules);
	run(data, root, "2026-02", rules);
	char *ranking = month_file(root, "2026-02", "ranking.csv");
	assert_non_null(strstr(ranking, "2026-02,H1,D1,DR1,billing,"));
	assert_non_null(strstr(ranking, ",DR1,composite,"));
	assert_null(strstr(ranking, ",diagnosis,"));
	char *sanctions = month_file(root, "2026-02", "sanctions.csv");
	/* first in billing and in the composite in both months: 2 composite firsts -> level 2 */
	assert_non_null(strstr(sanctions, "2026-02,2026-H1,DR1,H1,2,2,2,"));
	assert_non_null(strstr(sanctions, "2026-01:billing 2026-02:billing"));
	free(ranking);
	free(sanctions);
	cw_rules_free(rules);
	tu_rmtree(data);
	tu_rmtree(root);
	free(data);
	free(root);
}

static void test_runs_missing_month_and_rerun(void **state)
{
	(void)state;
	char *data = tu_tempdir(), *root = tu_tempdir();
	cw_rules *rules;
	write_data(data, 0xe); /* January to March */
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), "{\"scoring\": {\"min_visits\": 5}}", "rules"), 0);
	run(data, root, "2026-01", rules);
	run(data, root, "2026-03", rules); /* February not run yet */
	char *summary = month_file(root, "2026-03", "summary.json");
	assert_non_null(strstr(summary, "\"missing_months\":\t[\"2026-02\"]"));
	char *sanctions = month_file(root, "2026-03", "sanctions.csv");
	assert_non_null(strstr(sanctions, "2026-03,2026-H1,DR1,H1,2,2,2,")); /* Jan + Mar */
	assert_non_null(strstr(sanctions, ",2026-02\n"));                    /* missing_months column */
	free(summary);
	free(sanctions);
	run(data, root, "2026-02", rules);
	run(data, root, "2026-03", rules); /* with February now */
	sanctions = month_file(root, "2026-03", "sanctions.csv");
	assert_non_null(strstr(sanctions, "2026-03,2026-H1,DR1,H1,3,3,3,"));
	free(sanctions);
	/* February re-run on data where DR1 is clean that month: March counts again from the files */
	write_data(data, 0xa);
	run(data, root, "2026-02", rules);
	run(data, root, "2026-03", rules);
	sanctions = month_file(root, "2026-03", "sanctions.csv");
	assert_non_null(strstr(sanctions, "2026-03,2026-H1,DR1,H1,2,2,2,"));
	free(sanctions);
	cw_rules_free(rules);
	tu_rmtree(data);
	tu_rmtree(root);
	free(data);
	free(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level1_any_counting_month),
		cmocka_unit_test(test_history_reads_under_floor_rows),
		cmocka_unit_test(test_composite_grade_condition),
		cmocka_unit_test(test_level2_single_firsts),
		cmocka_unit_test(test_level2_composite_firsts),
		cmocka_unit_test(test_level3_single_firsts),
		cmocka_unit_test(test_level3_composite_firsts),
		cmocka_unit_test(test_counting_modes),
		cmocka_unit_test(test_thresholds_configurable),
		cmocka_unit_test(test_due_only_in_counting_months),
		cmocka_unit_test(test_missing_month),
		cmocka_unit_test(test_rerun_earlier_month_changes_count),
		cmocka_unit_test(test_cycle_boundary),
		cmocka_unit_test(test_damaged_ranking),
		cmocka_unit_test(test_billing_dimension_set_by_configuration),
		cmocka_unit_test(test_runs_missing_month_and_rerun),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
