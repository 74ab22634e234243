/* indicators.h: the figures an institution and a department are measured on each month.
 *
 *   drug share of revenue   drug lines / all lines of the month, net of refunds, against its target: an
 *                           institution's level's, a department's own (rules detectors.drug_share, read
 *                           here and by the drug_share detector alike: docs/detectors/drug_share.md)
 *   cost per outpatient visit  lines of the outpatient and emergency visits admitted in the month / visits
 *   cost per inpatient stay    lines of the stays discharged in the month (as far as the loaded window
 *                              reaches) / stays
 * and the growth of both costs on the previous month; the drug share of the year to date and of last year's
 * same months (E7 is yearly, E8 asks 2-3 points below last year: detectors.drug_share.yoy_cut_points),
 * from this month and the indicators.csv of the earlier months of the same root. Last month's figures come from
 * ROOT/<last month>/indicators.csv when that run wrote one (the figures people were shown), else from the
 * look-back window when it covers the whole of last month, else there is no growth.
 *
 * and the large-equipment positive rate (see cw_posrates below).
 *
 * A line, visit or stay counts for the institution and department of its visit. The run writes
 * indicators.csv into every month folder; the report shows the same figures. */
#ifndef CW_INDICATORS_H
#define CW_INDICATORS_H
#include <stdint.h>
#include <stdio.h>
#include "claimwatch/dataset.h"
#include "claimwatch/rules.h"
#include "io/output.h"

typedef struct cw_indicator {
	cw_fen revenue, drug;
	uint32_t visits;
	cw_fen visit_cost;
	uint32_t stays;
	cw_fen stay_cost;
	double prev_per_visit, prev_per_stay; /* yuan; NAN when unknown */
	cw_fen ytd_revenue, ytd_drug; /* January to this month: this month and the earlier months' files */
	cw_fen ly_revenue, ly_drug;   /* last year's January to the same month, from their files */
	/* Who pays what (issue 14 item 1, data contract 2; H4, F3), over the same lines as revenue (the month's
	 * lines net of refunds): the fund's and the patient's in-scope parts as the lines give them, estimated
	 * where a line lacks fund_amount (cw_line_pay: amount x fund.estimated_share, the patient the rest) and
	 * then fund_estimated = 1; out of scope = revenue - fund_paid - self_paid. patients: distinct patients
	 * with a live line in the month. */
	uint32_t patients;
	cw_fen material, fund_paid, self_paid, essential_drug;
	int fund_estimated;
} cw_indicator;

enum cw_prev_source { CW_PREV_NONE, CW_PREV_FILE, CW_PREV_LOOKBACK };

/* The large-equipment positive rate (大型设备检查阳性率, B1, B5; indicators_posrate.c): the month's live
 * large-equipment lines with a result (positive or negative), as low_positive_rate counts them, by the
 * institution and department of the visit and, per institution, by equipment item (CT, MRI, ultrasound
 * and DR are items of their own), against low_positive_rate's floor. */
typedef struct cw_posrate {
	uint32_t resulted, positive;
} cw_posrate;

typedef struct cw_posrates {
	cw_posrate *inst, *dept; /* per institution row, per department row */
	cw_posrate *equip;       /* per institution and item: equip[inst * nitems + item] */
	size_t nitems;
	double floor;            /* detectors.low_positive_rate.threshold; NAN when the rules have no such detector */
} cw_posrates;

typedef struct cw_indicators {
	size_t ninst, ndept;
	cw_indicator *inst, *dept; /* per institution row, per department row */
	double target[4];          /* drug share target per level (1..3); NAN without the drug_share rules */
	double *dept_target;       /* per department row: its own target (NAN as above) */
	int prev;                  /* enum cw_prev_source */
	char prev_month[8];
	int month_no;              /* this month's number in its year: the months the year to date should hold */
	int ytd_months;            /* the months of the year to date found: this one and the earlier ones run */
	int ly_months;             /* last year's same months found */
	double yoy_cut;            /* points (E8), NAN without the drug_share rules */
	cw_posrates pos;           /* large-equipment positive rates */
} cw_indicators;

/* The drug-share targets, from the section s of the rules (detectors.drug_share): a level's
 * (target_by_level.levelN), and a department's own: by_department[dept_id], else
 * by_specialty[specialty], else its institution level's. A section that does not exist (rules without
 * the drug_share detector) gives NAN: no target. Errors name the key (a target outside 0..1). */
int cw_drug_share_level_target(double *out, const cw_section *s, int level);
int cw_drug_share_dept_target(double *out, const cw_section *s, const cw_dataset *ds, cw_ref dept);
/* The level targets and every department's of the rules into ind (dept_target allocated). */
int cw_indicators_targets(cw_indicators *ind, const cw_dataset *ds, const cw_rules *rules);
/* The dataset's month; last month's figures as above (root may be NULL: no file). */
int cw_indicators_compute(cw_indicators *out, const cw_dataset *ds, const cw_rules *rules, const char *root);
void cw_indicators_free(cw_indicators *ind);
/* Writes indicators.csv at path, in the set of outputs o: one row per institution, then one per
 * department, then one per institution and large-equipment item (scope "equipment"). */
int cw_indicators_write(const cw_indicators *ind, const cw_dataset *ds, cw_output *o, const char *path);

/* Yuan per visit / per stay, NAN without any; the drug share, NAN without revenue. */
double cw_indicator_per_visit(const cw_indicator *i);
double cw_indicator_per_stay(const cw_indicator *i);
double cw_indicator_drug_share(const cw_indicator *i);
/* (visits + stays) / patients (人次人头比), NAN without patients; material / revenue; self_paid and
 * out_of_scope / revenue (NAN without revenue); essential drugs / drugs (NAN without drugs). */
double cw_indicator_visits_per_patient(const cw_indicator *i);
double cw_indicator_material_share(const cw_indicator *i);
cw_fen cw_indicator_out_of_scope(const cw_indicator *i);
double cw_indicator_self_pay_share(const cw_indicator *i);
double cw_indicator_out_of_scope_share(const cw_indicator *i);
double cw_indicator_essential_share(const cw_indicator *i);
/* The year-to-date drug share; last year's over the same months, NAN unless every one of them was run;
 * the E8 flag: 1 when the year to date (complete) is not yoy_cut points or more below last year's, 0 when
 * it is, -1 when either is incomplete. */
double cw_indicator_ytd_share(const cw_indicator *i);
double cw_indicator_ly_share(const cw_indicators *ind, const cw_indicator *i);
int cw_indicator_yoy_short(const cw_indicators *ind, const cw_indicator *i);
/* (now - before) / before, NAN when either is unknown or before is 0. */
double cw_growth(double now, double before);

/* --- the positive rates (indicators_posrate.c) --- */
/* low_positive_rate's threshold in the rules, NAN when they have no such detector. */
double cw_posrate_floor(const cw_rules *rules);
int cw_posrates_compute(cw_posrates *out, const cw_dataset *ds, const cw_rules *rules);
void cw_posrates_free(cw_posrates *p);
/* positive / resulted, NAN without any; 1 when the rate is known and below a known floor. */
double cw_posrate_rate(const cw_posrate *p);
int cw_posrate_under(const cw_posrate *p, double floor);
/* indicators.csv's last columns, from CW_POSRATE_FIRST_COLUMN: large_exams_resulted,
 * large_exams_positive, positive_rate, positive_rate_floor, under_positive_rate_floor (0/1), item_code
 * (equipment rows); the row's newline too. */
#define CW_POSRATE_FIRST_COLUMN "large_exams_resulted"
void cw_posrate_cells(FILE *f, const cw_posrate *p, double floor, const char *item_code);
/* The rows of scope "equipment": one per institution and large-equipment item with resulted exams; the
 * columns between `level` and CW_POSRATE_FIRST_COLUMN of `columns` empty. */
int cw_posrate_equipment_rows(FILE *f, const cw_posrates *pos, const cw_dataset *ds, const char *const *columns);

#endif
