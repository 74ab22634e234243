/* assess.h: the insurer's assessment of institutions and departments (issue 14 item 2; docs/institutions.md).
 *
 * Requirements: L1 (a yearly grade per institution), L2 (dynamic, quantified, graded scoring), L3 (an annual
 * assessment tied to settlement), L6 and K1 (departments fined, departments' own self-inspection), F1-F3
 * (cost per visit and per stay, their growth, visits per patient 人次人头比), H4 and E6 (self-pay and
 * out-of-scope shares), E5 (essential drugs), E7 (drug share), B5 (large-equipment positive rate as an
 * assessment indicator), G7 (poor data uploads count against the institution).
 *
 * A row holds the numerators and denominators of one institution (or one department inside its hospital)
 * over a period: a month as a run computes it, or the sum of the month files of a quarter, half-year or
 * year. From them cw_assess_grade computes every indicator, compares it with its target, and scores:
 *
 *   score = 100 - (the points of every indicator over its target, or under its floor)
 *               - min(findings.max_points, findings.points_per_100_visits x findings per 100 visits)
 *               - min(money.max_points, money.points_per_percent x violation money as % of revenue)
 *               - min(data_quality.max_points, data_quality.points_per_percent x % of rows rejected)
 *   at least 0, in hundredths; grade A at grades.A or more, B at grades.B, C at grades.C, else D.
 *
 * Ranks: rank 1 is the highest score (ties: less violation money, then the id) within rank_group, the
 * institution's region when it has one, else its level ("level3"); a department's group is its hospital.
 * Every number comes from the rules section "assessment" except the drug share targets (the drug_share
 * detector's: detectors.drug_share, read through engine/indicators.h) and the positive rate floor
 * (detectors.low_positive_rate.threshold), which the month files carry so a period keeps the month's. */
#ifndef CW_JUDGE_ASSESS_H
#define CW_JUDGE_ASSESS_H
#include <stdint.h>
#include <stdio.h>
#include "claimwatch/rules.h"
#include "claimwatch/types.h"

/* The indicators with a target (a cap) or a floor (essential drug share, positive rate). */
enum {
	CW_AI_DRUG_SHARE, CW_AI_MATERIAL_SHARE, CW_AI_COST_PER_VISIT, CW_AI_COST_PER_STAY, CW_AI_VISIT_GROWTH,
	CW_AI_STAY_GROWTH, CW_AI_VISITS_PER_PATIENT, CW_AI_SELF_PAY_SHARE, CW_AI_OUT_OF_SCOPE_SHARE,
	CW_AI_ESSENTIAL_SHARE, CW_AI_POSITIVE_RATE, CW_AI_N
};
/* "drug_share", "material_share", "cost_per_visit", "cost_per_stay", "cost_per_visit_growth",
 * "cost_per_stay_growth", "visits_per_patient", "self_pay_share", "out_of_scope_share",
 * "essential_drug_share", "positive_rate". */
const char *cw_ai_name(int i);
const char *cw_ai_title(int i, int zh);
/* 1 for a floor (the value must not be below), 0 for a cap. */
int cw_ai_is_floor(int i);

#define CW_ASSESS_UNKNOWN (-1) /* a count that the data did not give */

typedef struct cw_assess_row {
	char period[8];           /* "2026-05", "2026-Q2", "2026-H1", "2026" */
	char inst[72], dept[72];  /* dept "" on an institution's row */
	char name[160], region[72];
	int level;
	int months;               /* the month files added up */
	/* additive over months; counts CW_ASSESS_UNKNOWN and money CW_FEN_NONE where the data lacks them */
	int64_t visits, stays, patients, claim_lines, rejected_rows, findings, resulted, positive;
	cw_fen revenue, drug, material, essential, visit_cost, stay_cost;
	cw_fen fund_paid, self_paid, out_of_scope;
	int fund_estimated;       /* 1: some fund figure of the period was estimated; CW_ASSESS_UNKNOWN */
	cw_fen violation, violation_fund, confirmed, confirmed_fund, refunded;
	double last_per_visit, last_per_stay; /* yuan, the period before; NAN unknown */
	double target[CW_AI_N];   /* NAN: no target */
	/* computed by cw_assess_grade */
	double value[CW_AI_N];
	int over[CW_AI_N];        /* over its cap or under its floor */
	double per_100_visits, violation_share, rejected_share; /* NAN without a denominator */
	double ded_indicators, ded_findings, ded_money, ded_data;
	long long score;          /* hundredths: 10000 = 100.00 */
	char grade;               /* 'A'..'D' */
	int rank, rank_of;
	char rank_group[80];
} cw_assess_row;

typedef struct cw_assess_rules {
	double points[CW_AI_N];
	double findings_points, findings_max, money_points, money_max, data_points, data_max;
	double cut[3];            /* grades A, B, C: the least score of each */
	cw_section section;       /* "assessment", for the targets */
} cw_assess_rules;

/* Reads the rules section "assessment"; errors name the key. */
int cw_assess_rules_load(cw_assess_rules *out, const cw_rules *rules);
/* The target of indicator i (not the drug share, not the positive rate: those are their detectors'):
 * assessment.indicators.<name>.by_department[dept] on a department's row, else by_institution[inst],
 * else by_level.levelN; 0 there means none (NAN). Errors name the key. */
int cw_assess_target(double *out, const cw_assess_rules *ar, int i, const char *inst, const char *dept,
                     int level);

/* An empty row: every count 0, money 0, the unknowns as unknown (fund, patients...), targets NAN. */
void cw_assess_row_init(cw_assess_row *r);
/* Indicators, deductions, score and grade of r from its figures and targets. */
void cw_assess_grade(cw_assess_row *r, const cw_assess_rules *ar);
/* The grade of a score in hundredths. */
char cw_assess_grade_of(long long score, const cw_assess_rules *ar);
/* Ranks rows[0..n) within their group (the region, else "levelN"; dept: the hospital). */
int cw_assess_rank(cw_assess_row *rows, size_t n, int dept);

/* A table of rows: the institutions' or the departments'. */
typedef struct cw_assess_table {
	cw_assess_row *rows;
	size_t n, cap;
	int dept;
} cw_assess_table;
/* A new zeroed row at the end (NULL when out of memory, with the error set). */
cw_assess_row *cw_assess_table_add(cw_assess_table *t);
void cw_assess_table_free(cw_assess_table *t);
/* The rows of t by grade: by_grade[0..3] for A..D; returns the rows without a grade. */
size_t cw_assess_count_grades(size_t by_grade[4], const cw_assess_table *t);

/* inst_assessment.csv / dept_assessment.csv (docs/data-format.md): rows in their order; flags are
 * outfile.h's CW_CSV_RAW, CW_CSV_EXCEL. */
void cw_assess_write_csv(FILE *f, const cw_assess_table *t, int flags);
/* The same as a JSON array (money as exact decimal strings); < 0 when out of memory. */
int cw_assess_write_json(FILE *f, const cw_assess_table *t);

/* A period "2026-05", "2026-Q2", "2026-H1" or "2026" into its first and last month; CW_EINVALID. */
int cw_assess_period_parse(cw_month *first, cw_month *last, const char *s);

/* Adds the rows of one month file (ROOT/YYYY-MM/inst_assessment.csv or dept_assessment.csv) to t, by
 * institution (and department), summing the additive columns; the name, level, region and targets
 * from the latest month. Returns 1 when read, 0 when the month has no such file, CW_EINVALID naming
 * file, line and column for a malformed one. */
int cw_assess_add_month(cw_assess_table *t, const char *root, cw_month m);
/* The period's table from its month files, graded and ranked (rules ar): the sums, the growth on the
 * period before (a month: the month file's own; longer: the period of the same length before, when every
 * month of it has a file) and period set. *months_read: the month files found (0: CW_ENOTFOUND). */
int cw_assess_period(cw_assess_table *out, int *months_read, const char *root, const char *period, int dept,
                     const cw_assess_rules *ar);
/* A month whose file is not (yet) under ROOT/YYYY-MM (a run's month being written): where it is. */
typedef struct cw_assess_month_file {
	cw_month month;
	const char *path;
} cw_assess_month_file;
/* cw_assess_period with cur's month read from cur->path (cur may be NULL). */
int cw_assess_period_with(cw_assess_table *out, int *months_read, const char *root, const char *period, int dept,
                          const cw_assess_rules *ar, const cw_assess_month_file *cur);

#endif
