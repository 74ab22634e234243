/* test_score.c: the per-physician score: visits, billing, money counted once per line, the formula,
 * grades at their cut-offs, grade floors, too few cases, inspectors' decisions. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "claimwatch/score.h"
#include "engine/findings_impl.h"

enum { EXAM, DIAG, TREAT, MED, COMP };

/* May 2026: DR1 attends V1 and V2; DR5 orders a line on V1; DR2 attends V3 (look-back only) and V4
 * (admitted in April, a line in May). */
static cw_dataset *world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row lab = tu_item_row("LAB1", CW_CAT_LAB, 2000), drug = tu_item_row("DRUG1", CW_CAT_DRUG, 1000);
	cw_item_row bed = tu_item_row("BED", CW_CAT_BED, 4000);
	tu_add_item(b, &lab);
	tu_add_item(b, &drug);
	tu_add_item(b, &bed);
	tu_add_visit(b, "V1", "PM", "DR1", CW_OUTPATIENT, "2026-05-03 08:00", NULL, "I10");
	tu_add_visit(b, "V2", "PF", "DR1", CW_OUTPATIENT, "2026-05-04 08:00", NULL, "I10");
	tu_add_visit(b, "V3", "PM", "DR2", CW_OUTPATIENT, "2026-03-20 08:00", NULL, "I10");
	tu_add_visit(b, "V4", "PC", "DR2", CW_INPATIENT, "2026-04-28 08:00", "2026-05-02 10:00", "J18");
	tu_add_line(b, "L1", "V1", "LAB1", "2026-05-03 09:00", CW_QTY_ONE, 2000);
	tu_add_line_by(b, "L2", "V1", "LAB1", "2026-05-03 09:10", CW_QTY_ONE, 2000, "DR5");
	tu_add_line(b, "L3", "V2", "DRUG1", "2026-05-04 09:00", CW_QTY_ONE, 1000);
	tu_add_line(b, "L4", "V3", "LAB1", "2026-03-20 09:00", CW_QTY_ONE, 2000);
	tu_add_line(b, "L5", "V4", "BED", "2026-05-01 20:00", CW_QTY_ONE, 4000);
	return tu_finish(b);
}

/* A hand-made finding: lines space separated ("" none), pat NULL for physician-level. */
static void add(cw_findings *fs, const cw_dataset *ds, const char *phys, const char *pat, int dim, cw_fen suspect,
                int severity, double score, const char *lines, const char *metric, const char *id)
{
	uint32_t rows[8];
	size_t n = 0;
	char buf[128], *save = NULL;
	snprintf(buf, sizeof buf, "%s", lines);
	for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		rows[n] = cw_dataset_find(ds, CW_T_CLAIMS, t);
		assert_int_not_equal(rows[n], CW_NONE);
		n++;
	}
	cw_finding f = cw_finding_init();
	f.physician = cw_dataset_find(ds, CW_T_PHYSICIANS, phys);
	f.patient = pat ? cw_dataset_find(ds, CW_T_PATIENTS, pat) : CW_NONE;
	f.severity = severity;
	f.score = score;
	f.suspect = suspect;
	f.lines = rows;
	f.nlines = n;
	f.metric = metric;
	assert_int_equal(cw_emit(fs, &f, "test finding %s", id), 0);
	cw_stored *s = cw_findings_last(fs);
	s->detector = cw_registry_get(tu_registry(), (size_t)cw_registry_index(tu_registry(), "over_price")); /* no floor */
	s->dimension = dim;
	snprintf(s->id, sizeof s->id, "%s", id);
}

static cw_findings *sample(const cw_dataset *ds)
{
	cw_findings *fs;
	assert_int_equal(cw_findings_new(&fs), 0);
	add(fs, ds, "DR1", "PM", EXAM, 500, CW_VIOLATION, 1, "L1", NULL, "F1");
	add(fs, ds, "DR1", "PM", EXAM, 800, CW_VIOLATION, 1, "L1", NULL, "F2");      /* same line: the larger counts */
	add(fs, ds, "DR1", "PF", MED, 5000, CW_VIOLATION, 1, "L3", NULL, "F3");      /* capped by the line: 1000 */
	add(fs, ds, "DR1", "PM", TREAT, 300, CW_SUSPICIOUS, 1, "L1", NULL, "F4");    /* another dimension, same line */
	add(fs, ds, "DR1", "PM", DIAG, 700, CW_SUSPICIOUS, 1, "", NULL, "F5");       /* a patient, no lines: in full */
	add(fs, ds, "DR1", NULL, EXAM, 10000, CW_NOTICE, 0.5, "", "cost", "F6");     /* physician-level: severity */
	add(fs, ds, "DR5", "PM", EXAM, 1000, CW_VIOLATION, 1, "L1 L2", NULL, "F7");  /* spread 500 + 500 */
	return fs;
}

static cw_scores *score_with(const cw_dataset *ds, const cw_findings *fs, const char *rules_json,
                             const cw_reviews *rv)
{
	cw_rules *rules;
	cw_dimset *dims;
	cw_score_rules sr;
	cw_scores *s;
	if (cw_rules_load_text(&rules, tu_registry(), rules_json, "test rules") < 0)
		fail_msg("rules: %s", cw_error_last());
	assert_int_equal(cw_dimset_load(&dims, rules), 0);
	if (cw_score_rules_load(&sr, rules) < 0)
		fail_msg("score rules: %s", cw_error_last());
	if (cw_score(&s, ds, fs, dims, &sr, rv) < 0)
		fail_msg("score: %s", cw_error_last());
	assert_int_equal(cw_rank(s, ds, sr.scope), 0);
	cw_dimset_free(dims);
	cw_rules_free(rules);
	return s;
}

static const cw_physcore *row_of(const cw_scores *s, const cw_dataset *ds, const char *phys)
{
	cw_ref p = cw_dataset_find(ds, CW_T_PHYSICIANS, phys);
	for (size_t i = 0; i < s->n; i++)
		if (s->rows[i].physician == p)
			return &s->rows[i];
	return NULL;
}

/* Saturation points far away, so the formula's parts stay visible. */
#define WEIGHTS "\"weights\": {\"money\": 0.5, \"frequency\": 0.3, \"outlier\": 0.2}"
static const char *linear =
	"{\"scoring\": {\"min_visits\": 0, \"money_share_full\": 1.0, \"per_100_visits_full\": 1000,"
	" \"outlier_full\": 1.0, " WEIGHTS "}}";

static void test_visits_and_billing(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_scores *s = score_with(ds, NULL, linear, NULL);
	assert_int_equal(s->n, 3); /* DR1, DR2, DR5: DR3 and DR4 did nothing this month */
	const cw_physcore *dr1 = row_of(s, ds, "DR1"), *dr2 = row_of(s, ds, "DR2"), *dr5 = row_of(s, ds, "DR5");
	assert_non_null(dr1);
	assert_non_null(dr2);
	assert_non_null(dr5);
	assert_int_equal(dr1->visits, 2);
	assert_int_equal(dr1->billed, 3000);
	assert_int_equal(dr5->visits, 1);   /* ordered a line on V1 */
	assert_int_equal(dr5->billed, 2000);
	assert_int_equal(dr2->visits, 1);   /* V4 has a line in May; V3 is in the look-back only */
	assert_int_equal(dr2->billed, 4000);
	assert_null(row_of(s, ds, "DR3"));
	for (size_t d = 0; d <= s->ndims; d++) {
		assert_int_equal(dr1->dim[d].score, 0);
		assert_int_equal(dr1->dim[d].grade, CW_GRADE_REASONABLE);
		assert_int_equal(dr1->dim[d].rank, 0); /* nothing to rank */
	}
	cw_scores_free(s);
	cw_dataset_free(ds);
}

static void test_money_once_per_line(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_findings *fs = sample(ds);
	cw_scores *s = score_with(ds, fs, linear, NULL);
	const cw_physcore *dr1 = row_of(s, ds, "DR1"), *dr5 = row_of(s, ds, "DR5");
	assert_int_equal(dr1->dim[EXAM].suspect, 800);
	assert_int_equal(dr1->dim[MED].suspect, 1000);
	assert_int_equal(dr1->dim[TREAT].suspect, 300);
	assert_int_equal(dr1->dim[DIAG].suspect, 700);
	assert_int_equal(dr1->dim[COMP].suspect, 800 + 1000 + 700); /* L1 once, at its largest share */
	assert_int_equal(dr1->dim[EXAM].findings, 3);
	assert_int_equal(dr1->dim[COMP].findings, 6);
	assert_true(fabs(dr1->dim[EXAM].outlier - 0.15) < 1e-9); /* notice weight 0.3 x score 0.5 */
	assert_true(fabs(dr1->dim[COMP].outlier - 0.15) < 1e-9);
	assert_true(fabs(dr1->dim[MED].outlier) < 1e-9);
	assert_int_equal(dr5->dim[EXAM].suspect, 1000);
	assert_int_equal(dr5->dim[COMP].suspect, 1000);
	cw_scores_free(s);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_physician_level_amount_by_rule(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_findings *fs = sample(ds);
	cw_scores *s = score_with(ds, fs,
	                          "{\"scoring\": {\"min_visits\": 0, \"count_physician_level_amount\": true}}", NULL);
	const cw_physcore *dr1 = row_of(s, ds, "DR1");
	assert_int_equal(dr1->dim[EXAM].suspect, 800 + 10000);
	assert_int_equal(dr1->dim[COMP].suspect, 2500 + 10000);
	cw_scores_free(s);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_formula(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_findings *fs = sample(ds);
	cw_scores *s = score_with(ds, fs, linear, NULL);
	const cw_physcore *dr1 = row_of(s, ds, "DR1");
	/* composite: money 2500/3000, 6 findings on 2 visits = 300 per 100 -> 0.3, outlier 0.15:
	 * 100 x (0.5 x 0.8333 + 0.3 x 0.3 + 0.2 x 0.15) = 53.67 */
	assert_int_equal(dr1->dim[COMP].score, 5367);
	/* exam: 800/3000, 150 per 100 -> 0.15, 0.15: 100 x (0.1333 + 0.045 + 0.03) = 20.83 */
	assert_int_equal(dr1->dim[EXAM].score, 2083);
	/* medication: 1000/3000, 50 per 100 -> 0.05: 100 x (0.1667 + 0.015) = 18.17 */
	assert_int_equal(dr1->dim[MED].score, 1817);
	assert_true(fabs(dr1->dim[COMP].per_100 - 300.0) < 1e-9);
	assert_true(fabs(dr1->dim[COMP].money_share - 2500.0 / 3000.0) < 1e-9);
	cw_scores_free(s);
	/* the defaults saturate: 10% of billing, 20 findings per 100 visits; weights 0.4, 0.4, 0.2 */
	s = score_with(ds, fs, "{\"scoring\": {\"min_visits\": 0}}", NULL);
	dr1 = row_of(s, ds, "DR1");
	assert_int_equal(dr1->dim[COMP].score, 8300); /* 100 x (0.4 + 0.4 + 0.2 x 0.15) */
	assert_int_equal(dr1->dim[MED].score, 8000);  /* both parts full, no outlier: 100 x (0.4 + 0.4) */
	cw_scores_free(s);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_grades_at_cut_offs(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_findings *fs = sample(ds);
	char rules[512];
	snprintf(rules, sizeof rules, "{\"scoring\": {\"min_visits\": 0, \"money_share_full\": 1.0,"
	         " \"per_100_visits_full\": 1000, " WEIGHTS "}, \"grades\": {\"basically_reasonable\": 20.83,"
	         " \"unreasonable\": 53.67}}");
	cw_scores *s = score_with(ds, fs, rules, NULL);
	const cw_physcore *dr1 = row_of(s, ds, "DR1");
	assert_int_equal(dr1->dim[COMP].grade, CW_GRADE_UNREASONABLE); /* 53.67: exactly at the cut-off */
	assert_int_equal(dr1->dim[EXAM].grade, CW_GRADE_BASIC);        /* 20.83: exactly at the cut-off */
	assert_int_equal(dr1->dim[MED].grade, CW_GRADE_REASONABLE);    /* 18.17 */
	cw_scores_free(s);
	snprintf(rules, sizeof rules, "{\"scoring\": {\"min_visits\": 0, \"money_share_full\": 1.0,"
	         " \"per_100_visits_full\": 1000, " WEIGHTS "}, \"grades\": {\"basically_reasonable\": 20.84,"
	         " \"unreasonable\": 53.68}}");
	s = score_with(ds, fs, rules, NULL);
	dr1 = row_of(s, ds, "DR1");
	assert_int_equal(dr1->dim[COMP].grade, CW_GRADE_BASIC);        /* 0.01 below */
	assert_int_equal(dr1->dim[EXAM].grade, CW_GRADE_REASONABLE);
	assert_string_equal(cw_grade_name(CW_GRADE_BASIC), "basically_reasonable");
	assert_string_equal(cw_grade_name_zh(CW_GRADE_UNREASONABLE), "不合理");
	cw_scores_free(s);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* The example: DR1 orders one CT on each of 60 outpatient visits, 12 positive (20%), and
 * nothing else is wrong. */
static cw_dataset *low_positive_world(void)
{
	cw_builder *b = tu_builder("2026-05");
	cw_item_row ct = tu_item_row("CT", CW_CAT_EXAM, 20000);
	ct.large_equipment = 1;
	tu_add_item(b, &ct);
	char vid[16], lid[16], when[32];
	for (int i = 0; i < 60; i++) {
		snprintf(vid, sizeof vid, "V%02d", i);
		snprintf(lid, sizeof lid, "L%02d", i);
		snprintf(when, sizeof when, "2026-05-%02d %02d:00", 1 + i % 28, 8 + i / 28);
		tu_add_visit(b, vid, "PM", "DR1", CW_OUTPATIENT, when, NULL, "R10");
		tu_add_line(b, lid, vid, "CT", when, CW_QTY_ONE, 20000);
		tu_add_result(b, lid, i < 12 ? CW_RESULT_POSITIVE : CW_RESULT_NEGATIVE);
	}
	return tu_finish(b);
}

/* docs/scoring.md's drug_share example: DR1 orders 250 yuan on each of 40 outpatient visits, 135 of it drugs
 * (54% against the 48% target of D1, level 3), and nothing else is wrong. */
static void test_grade_floor_drug_share(void **state)
{
	(void)state;
	cw_builder *b = tu_builder("2026-05");
	cw_item_row drug = tu_item_row("DRUG", CW_CAT_DRUG, 100), lab = tu_item_row("LAB", CW_CAT_LAB, 100);
	tu_add_item(b, &drug);
	tu_add_item(b, &lab);
	char vid[16], lid[16], when[32];
	for (int i = 0; i < 40; i++) {
		snprintf(vid, sizeof vid, "V%02d", i);
		snprintf(when, sizeof when, "2026-05-%02d %02d:00", 1 + i % 28, 8 + i / 28);
		tu_add_visit(b, vid, "PM", "DR1", CW_OUTPATIENT, when, NULL, "I10");
		snprintf(lid, sizeof lid, "D%02d", i);
		tu_add_line(b, lid, vid, "DRUG", when, 135 * CW_QTY_ONE, 100);
		snprintf(lid, sizeof lid, "B%02d", i);
		tu_add_line(b, lid, vid, "LAB", when, 115 * CW_QTY_ONE, 100);
	}
	cw_dataset *ds = tu_finish(b);
	cw_findings *fs = tu_detect(ds, "drug_share", NULL);
	assert_int_equal(cw_findings_count(fs), 2); /* D1 (department-level) and DR1 */
	cw_record r;
	cw_findings_get(&r, fs, 1);
	assert_int_equal(r.f.suspect, 60000); /* 5,400 - 0.48 x 10,000 yuan */
	assert_true(fabs(r.f.score - 0.8) < 1e-9);
	/* 1 finding per 40 visits (2.5 of 20: 0.125), severity 0.6 x 0.8 = 0.48, no money (physician-level):
	 * 100 x (0.4 x 0.125 + 0.2 x 0.48) = 14.6, under 25; the floor lifts the medication grade */
	cw_scores *s = score_with(ds, fs, "{}", NULL);
	const cw_physcore *dr1 = row_of(s, ds, "DR1");
	assert_non_null(dr1);
	assert_int_equal(dr1->dim[MED].score, 1460);
	assert_int_equal(dr1->dim[MED].grade, CW_GRADE_BASIC);
	assert_int_equal(dr1->dim[COMP].grade, CW_GRADE_REASONABLE);
	cw_scores_free(s);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_grade_floor(void **state)
{
	(void)state;
	cw_dataset *ds = low_positive_world();
	cw_findings *fs = tu_detect(ds, "low_positive_rate", NULL);
	/* DR1's, then its department's (D1: the same 60 exams), which counts in no physician's score */
	assert_int_equal(cw_findings_count(fs), 2);
	/* default rules: 1 finding per 60 visits (1.67 of 20: 0.083), severity 0.6 x (0.5 + 0.5 x 0.1 / 0.3)
	 * = 0.4, no money: 100 x (0.4 x 0.083 + 0.2 x 0.4) = 11.33, under 25, but the floor lifts the grade */
	cw_scores *s = score_with(ds, fs, "{}", NULL);
	const cw_physcore *dr1 = row_of(s, ds, "DR1");
	assert_non_null(dr1);
	assert_int_equal(dr1->visits, 60);
	assert_int_equal(dr1->dim[EXAM].score, 1133);
	assert_int_equal(dr1->dim[EXAM].grade, CW_GRADE_BASIC);
	assert_int_equal(dr1->dim[EXAM].min_grade, CW_GRADE_BASIC);
	assert_int_equal(dr1->dim[EXAM].rank, 1);                    /* ranks follow the score, unchanged */
	assert_int_equal(dr1->dim[COMP].grade, CW_GRADE_REASONABLE); /* the floor is the dimension's */
	assert_int_equal(dr1->dim[MED].grade, CW_GRADE_REASONABLE);
	cw_scores_free(s);
	/* an unreasonable floor; and "" removes one */
	s = score_with(ds, fs, "{\"scoring\": {\"grade_floor\": {\"low_positive_rate\": \"unreasonable\"}}}", NULL);
	assert_int_equal(row_of(s, ds, "DR1")->dim[EXAM].grade, CW_GRADE_UNREASONABLE);
	cw_scores_free(s);
	s = score_with(ds, fs, "{\"scoring\": {\"grade_floor\": {\"low_positive_rate\": \"\"}}}", NULL);
	assert_int_equal(row_of(s, ds, "DR1")->dim[EXAM].grade, CW_GRADE_REASONABLE);
	assert_int_equal(row_of(s, ds, "DR1")->dim[EXAM].score, 1133);
	cw_scores_free(s);
	/* a dismissed finding lifts nothing */
	cw_reviews *rv;
	cw_record r;
	cw_findings_get(&r, fs, 0);
	char *root = tu_tempdir(), csv[256];
	snprintf(csv, sizeof csv, "time,by,finding_id,month,status,note\n2026-06-01T10:00:00+0800,li,%s,2026-05,dismissed,\n",
	         r.id);
	tu_write(root, "reviews.csv", csv);
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	s = score_with(ds, fs, "{}", rv);
	assert_int_equal(row_of(s, ds, "DR1")->dim[EXAM].grade, CW_GRADE_REASONABLE);
	assert_int_equal(row_of(s, ds, "DR1")->dim[EXAM].score, 0);
	cw_scores_free(s);
	cw_reviews_free(rv);
	tu_rmtree(root);
	free(root);
	/* too few cases: no grade, floor or not */
	s = score_with(ds, fs, "{\"scoring\": {\"min_visits\": 61}}", NULL);
	assert_int_equal(row_of(s, ds, "DR1")->dim[EXAM].grade, CW_GRADE_NONE);
	cw_scores_free(s);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_too_few_cases(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_findings *fs = sample(ds);
	cw_scores *s = score_with(ds, fs, "{\"scoring\": {\"min_visits\": 2}}", NULL);
	const cw_physcore *dr1 = row_of(s, ds, "DR1"), *dr5 = row_of(s, ds, "DR5");
	assert_false(dr1->too_few);                 /* exactly 2 visits */
	assert_int_equal(dr1->dim[COMP].rank, 1);
	assert_true(dr5->too_few);                  /* 1 visit */
	assert_int_equal(dr5->dim[COMP].grade, CW_GRADE_NONE);
	assert_int_equal(dr5->dim[COMP].rank, 0);
	assert_int_equal(dr5->dim[COMP].findings, 1); /* still listed with its findings */
	assert_int_equal(s->too_few, 2);            /* DR2 and DR5 */
	assert_int_equal(s->ranked, 1);
	cw_scores_free(s);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

/* scoring.rank_too_few: those under min_visits are graded and ranked like the others, still marked. */
static void test_too_few_ranked_by_key(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_findings *fs = sample(ds);
	cw_scores *s = score_with(ds, fs, "{\"scoring\": {\"min_visits\": 2, \"rank_too_few\": true}}", NULL);
	const cw_physcore *dr1 = row_of(s, ds, "DR1"), *dr5 = row_of(s, ds, "DR5");
	assert_false(dr1->under_floor);
	assert_true(dr5->under_floor);              /* 1 visit: still marked */
	assert_false(dr5->too_few);                 /* but graded and ranked */
	assert_int_not_equal(dr5->dim[COMP].grade, CW_GRADE_NONE);
	assert_true(dr5->dim[COMP].rank >= 1);
	assert_int_equal(dr5->dim[COMP].findings, 1);
	assert_int_equal(s->too_few, 0);
	assert_int_equal(s->under_floor, 2);        /* DR2 and DR5 */
	assert_int_equal(s->ranked, s->n);
	cw_scores_free(s);
	s = score_with(ds, fs, "{\"scoring\": {\"min_visits\": 2}}", NULL);
	dr5 = row_of(s, ds, "DR5");
	assert_true(dr5->under_floor && dr5->too_few); /* the default: listed, not ranked */
	assert_int_equal(s->under_floor, 2);
	cw_scores_free(s);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_reviews_applied(void **state)
{
	(void)state;
	cw_dataset *ds = world();
	cw_findings *fs = sample(ds);
	char *root = tu_tempdir();
	tu_write(root, "reviews.csv",
	         "time,by,finding_id,month,status,note\n"
	         "2026-06-01T10:00:00+0800,li,F2,2026-05,confirmed,first look\n"
	         "2026-06-02T10:00:00+0800,wang,F2,2026-05,dismissed,\"price approved, see file\"\n"
	         "2026-06-02T11:00:00+0800,wang,F1,2026-05,confirmed,checked\n");
	cw_reviews *rv;
	assert_int_equal(cw_reviews_load(&rv, root), 0);
	cw_scores *s = score_with(ds, fs, linear, rv);
	const cw_physcore *dr1 = row_of(s, ds, "DR1");
	assert_int_equal(dr1->dim[EXAM].suspect, 500);   /* F2 (800) dismissed: F1 (500) counts */
	assert_int_equal(dr1->dim[EXAM].findings, 2);
	assert_int_equal(dr1->dim[EXAM].dismissed, 1);
	assert_int_equal(dr1->dim[EXAM].confirmed, 1);
	assert_int_equal(dr1->dim[COMP].suspect, 500 + 1000 + 700);
	assert_int_equal(s->dismissed, 1);
	assert_int_equal(s->confirmed, 1);
	cw_scores_free(s);
	cw_reviews_free(rv);
	tu_rmtree(root);
	free(root);
	cw_findings_free(fs);
	cw_dataset_free(ds);
}

static void test_bad_rules(void **state)
{
	(void)state;
	cw_rules *rules;
	cw_score_rules sr;
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), "{\"grades\": {\"basically_reasonable\": 70, \"unreasonable\": 60}}",
	                                    "t"), 0);
	assert_int_equal(cw_score_rules_load(&sr, rules), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "grades.basically_reasonable"));
	cw_rules_free(rules);
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), "{\"ranking\": {\"scope\": \"ward\"}}", "t"), 0);
	assert_int_equal(cw_score_rules_load(&sr, rules), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "ranking.scope"));
	cw_rules_free(rules);
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), "{\"scoring\": {\"weights\": {\"money\": 0, \"frequency\": 0,"
	                                    " \"outlier\": 0}}}", "t"), 0);
	assert_int_equal(cw_score_rules_load(&sr, rules), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "scoring.weights"));
	cw_rules_free(rules);
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), "{\"scoring\": {\"grade_floor\": {\"low_postive_rate\":"
	                                    " \"unreasonable\"}}}", "t"), 0);
	assert_int_equal(cw_score_rules_load(&sr, rules), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "scoring.grade_floor.low_postive_rate: no detector"));
	cw_rules_free(rules);
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), "{\"scoring\": {\"grade_floor\": {\"low_positive_rate\":"
	                                    " \"bad\"}}}", "t"), 0);
	assert_int_equal(cw_score_rules_load(&sr, rules), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "is not a grade"));
	cw_rules_free(rules);
	/* rules without detectors: the default floors name none, and lift nothing */
	assert_int_equal(cw_rules_load_text(&rules, NULL, NULL, "t"), 0);
	assert_int_equal(cw_score_rules_load(&sr, rules), 0);
	assert_int_equal(sr.nfloor, 0);
	cw_rules_free(rules);
	assert_int_equal(cw_rules_load_text(&rules, tu_registry(), NULL, "t"), 0);
	assert_int_equal(cw_score_rules_load(&sr, rules), 0);
	assert_int_equal(sr.nfloor, 4);
	cw_rules_free(rules);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_visits_and_billing),
		cmocka_unit_test(test_money_once_per_line),
		cmocka_unit_test(test_physician_level_amount_by_rule),
		cmocka_unit_test(test_formula),
		cmocka_unit_test(test_grades_at_cut_offs),
		cmocka_unit_test(test_grade_floor),
		cmocka_unit_test(test_grade_floor_drug_share),
		cmocka_unit_test(test_too_few_cases),
		cmocka_unit_test(test_too_few_ranked_by_key),
		cmocka_unit_test(test_reviews_applied),
		cmocka_unit_test(test_bad_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
