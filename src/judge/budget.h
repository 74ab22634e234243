/* budget.h: the global-budget prepayment and year-end settlement of document 004 (总额预付, requirements
 * I1-I4, I12; docs/budget.md), as pure arithmetic on integer fen.
 *
 *   I1  each month the fund pays 94% of the month's base (prepay_share) and holds back the rest (6%, 考核
 *       预留金); at the year end the holdback is returned by the institution's grade (holdback_return).
 *   I2  spending over the annual budget is shared band by band: up to 10% over the fund pays 70% of it, from
 *       10% to 20% over 30%, beyond 20% nothing (band1_over, band2_over, band*_fund_share).
 *       A surplus (spending under the budget) is kept by the institution, all or a share (结余留用).
 *   I3  a budget derived from past fund payments: the mean of the last base_years full years, grown by
 *       growth (5-10%).
 *   I4  use by month, quarter, half-year and year; a projection to the year end and alerts at 10% and 20%
 *       projected over.
 *
 * Every share is held in parts per million (ppm) so that the arithmetic is exact: share(x, p) is x × p /
 * 10^6 rounded to the nearest fen, a half fen rounded up (away from zero). Amounts split in two (the
 * prepayment and the holdback, a band's fund and hospital parts) are computed as one rounded part and the
 * rest, so the parts always add up to the whole to the fen. */
#ifndef CW_BUDGET_H
#define CW_BUDGET_H
#include <stdint.h>
#include "claimwatch/rules.h"
#include "claimwatch/types.h"

#define CW_PPM INT64_C(1000000)
#define CW_BUDGET_GRADES 4 /* A B C D */

/* What the monthly 94% is taken of: the month's payable use capped at the month's budget (default), the
 * month's budget itself (the letter of I1), or the payable use uncapped. */
enum { CW_BUDGET_BASIS_CAPPED, CW_BUDGET_BASIS_BUDGET, CW_BUDGET_BASIS_USED };

/* The rules section "budget", shares in ppm. */
typedef struct cw_budget_rules {
	int64_t prepay_ppm;                         /* prepay_share 0.94 */
	int basis;                                  /* prepay_basis */
	int64_t band1_ppm, band2_ppm;               /* band1_over 0.10, band2_over 0.20 */
	int64_t band1_fund_ppm, band2_fund_ppm;     /* 0.70, 0.30 */
	int64_t beyond_fund_ppm;                    /* beyond_fund_share 0 */
	int64_t surplus_ppm;                        /* surplus_kept_share 1.0 */
	int64_t holdback_ppm[CW_BUDGET_GRADES];     /* holdback_return A B C D: 1.0 0.8 0.5 0 */
	int base_years;                             /* 3 */
	int64_t growth_ppm;                         /* growth 0.05, within 0.05..0.10 */
	int64_t alert1_ppm, alert2_ppm;             /* alert1_over 0.10, alert2_over 0.20 */
	int64_t drop_ppm;                           /* under_service.drop 0.30 */
	int baseline_months;                        /* under_service.baseline_months 3 */
	int64_t bind_ppm;                           /* under_service.bind_share 1.0 */
	int min_volume;                             /* under_service.min_volume 30: the baseline's least mean of
	                                             * visits, stays or cases for a fall to count */
	int share_needs_targets;                    /* share_needs_targets true: I2's condition, the fund shares
	                                             * an overspend only when 人次人头比 and 次均费用 kept their
	                                             * control targets */
} cw_budget_rules;

/* The defaults of rules/default.json, without rules. */
void cw_budget_rules_default(cw_budget_rules *out);
/* The section "budget" of the rules (errors name the key, e.g. a growth outside 0.05..0.10, a second band
 * edge not above the first). */
int cw_budget_rules_load(cw_budget_rules *out, const cw_rules *rules);
/* The grade a table of the rules gives an institution (budget.grades[inst_id], else budget.default_grade):
 * 0..3 for A..D, CW_EINVALID naming the key for anything else. */
int cw_budget_rules_grade(int *out, const cw_rules *rules, const char *inst_id);
/* 'A'..'D' into 0..3, -1 for anything else. */
int cw_budget_grade_parse(const char *s);

/* A share as ppm (0.94 -> 940000), the share rounded to the nearest ppm. */
int64_t cw_ppm(double share);
/* x × ppm / 10^6 to the nearest fen, a half fen away from zero (exact for |x| < 9.2 × 10^12 fen). */
cw_fen cw_share(cw_fen x, int64_t ppm);
/* x × num / den to the nearest fen, a half away from zero (den > 0; 128-bit intermediate). */
cw_fen cw_scale(cw_fen x, cw_fen num, cw_fen den);

/* The twelve monthly budgets of an annual one: by profile weights (any non-negative numbers in any unit
 * adding up to more than 0: shares or money) or, with profile NULL, evenly. Month m gets round(annual ×
 * cum(m)) - round(annual × cum(m-1)), cum being the share of the weights to month m, so the months add up
 * to the annual budget exactly. CW_EINVALID when the weights are negative or all 0. */
int cw_budget_months(cw_fen out[12], cw_fen annual, const cw_fen *profile);

/* One month of one institution. */
typedef struct cw_budget_month {
	cw_fen budget;      /* the month's share of the annual budget */
	cw_fen claimed;     /* fund payments of the month's claims (indicators fund_paid) */
	cw_fen violations;  /* the fund's part of confirmed violations found in the month: not payable */
	cw_fen used;        /* claimed - violations, never below 0: the budget's use */
	cw_fen base;        /* what the prepayment is taken of (basis) */
	cw_fen prepaid;     /* share(base, prepay) */
	cw_fen holdback;    /* base - prepaid */
} cw_budget_month;

/* Fills used, base, prepaid and holdback from budget, claimed and violations. */
void cw_budget_settle_month(cw_budget_month *m, const cw_budget_rules *r);

/* The year-end settlement of one institution. */
typedef struct cw_budget_year {
	cw_fen budget, used, prepaid, held;  /* the annual budget; the months' use, prepayments, holdbacks */
	cw_fen within;                       /* min(used, budget): paid in full */
	cw_fen surplus, surplus_kept;        /* budget - used when under; the part the institution keeps */
	cw_fen over;                         /* used - budget when over */
	cw_fen band[3];                      /* the overspend in each band: to band1, band1 to band2, beyond */
	cw_fen band_fund[3], band_hospital[3];
	cw_fen over_fund, over_hospital;     /* the band parts added up */
	int grade;                           /* 0..3 */
	cw_fen holdback_returned, holdback_kept;
	cw_fen fund_total;                   /* the fund's payment for the year: within + over_fund +
	                                      * surplus_kept - holdback_kept */
	cw_fen settlement;                   /* fund_total - prepaid: paid at the year end (< 0: recovered) */
	int targets;                         /* I2's condition: CW_TARGETS_* */
	int shared;                          /* 1: the overspend was shared by the bands; 0: the fund paid none */
} cw_budget_year;

/* I2's condition (document 004: 人次与人数的比例、次均门诊费用符合控制指标的部分,按规定比例分担,超出控制
 * 指标的社保基金不予分担): whether the year's visits per patient and cost per visit kept their targets. */
enum { CW_TARGETS_UNKNOWN, CW_TARGETS_KEPT, CW_TARGETS_VPP_OVER, CW_TARGETS_CPV_OVER, CW_TARGETS_BOTH_OVER };

/* The settlement of a year from the budget, the year's use, prepayments and holdbacks and the grade. */
void cw_budget_settle_year(cw_budget_year *y, const cw_budget_rules *r, cw_fen budget, cw_fen used,
                           cw_fen prepaid, cw_fen held, int grade);
/* The same with I2's condition: `targets` (CW_TARGETS_*) says whether the institution kept its control
 * targets; when one was over and share_needs_targets holds, the fund shares nothing of the overspend (every
 * band's fund part 0, the hospital bears it all). Unknown targets (no assessment) do not withhold the
 * share: the absence of a file is no evidence of a breach. */
void cw_budget_settle_year_targets(cw_budget_year *y, const cw_budget_rules *r, cw_fen budget, cw_fen used,
                                   cw_fen prepaid, cw_fen held, int grade, int targets);
/* Why the fund shared the overspend or not, in zh or en ("" when there is no overspend). */
const char *cw_budget_share_reason(const cw_budget_year *y, int zh);

/* The projection of the year's use at the end of month `months` (1..12) from the use of those months. */
enum { CW_PROJ_LINEAR, CW_PROJ_PROFILE, CW_PROJ_LAST_YEAR };
typedef struct cw_budget_projection {
	cw_fen ytd;        /* the use of months 1..months */
	cw_fen projected;  /* the year's use projected */
	int method;        /* CW_PROJ_* */
	int64_t over_ppm;  /* projected / budget - 1, in ppm (negative: under); 0 without a budget */
	int alert;         /* 0; 1 at alert1 or more over; 2 at alert2 or more over */
} cw_budget_projection;

/* used[0..months-1]: the months' use (a month not run counts 0 and should not be asked for). The method:
 * last year's seasonal profile when last_year holds its twelve months (NULL or any CW_FEN_NONE: unknown)
 * and its months 1..months add up to more than 0: ytd × last year's total / last year's same months;
 * else the budget's own monthly profile when it was given (profile_given; month_budget the months):
 * ytd × annual / the budget of months 1..months; else linear: ytd × 12 / months. */
void cw_budget_project(cw_budget_projection *p, const cw_budget_rules *r, const cw_fen *used, int months,
                       const cw_fen *last_year, const cw_fen *month_budget, int profile_given, cw_fen annual);
/* "linear", "profile", "last_year". */
const char *cw_budget_method_name(int method);

/* The budget derived from past years' fund payments (I3): the mean of the given yearly totals (n >= 1),
 * rounded, grown by growth: share(mean, 10^6 + growth). CW_EINVALID when n is 0. */
int cw_budget_derive(cw_fen *out, const cw_fen *years, int n, const cw_budget_rules *r);

/* The I12 signal: value now against the mean of the baseline (n > 0 values, NAN skipped): 1 when it fell
 * by drop or more (now <= mean × (1 - drop)), 0 otherwise or without a baseline; *fall the fall as a
 * share (NAN without a baseline). */
int cw_budget_fell(double *fall, double now, const double *baseline, int n, const cw_budget_rules *r);

#endif
