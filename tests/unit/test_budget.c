/* test_budget.c: the global-budget arithmetic (judge/budget.c, document 004, I1-I4, I12): the three
 * hospitals of docs/budget.md worked through a year to the fen, each overspend band's edge (exactly 10% and
 * 20% over, and a fen either side), the holdback returned at each grade, the monthly split of a budget,
 * rounding of half fen, the projection and its alerts on a made-up year whose answer is known, the budget
 * derived from past years, the under-service fall, and the rules section read and refused. */
#include <math.h>
#include <string.h>
#include "testutil.h"
#include "claimwatch/error.h"
#include "judge/budget.h"

#define Y(yuan) ((cw_fen)(yuan) * 100) /* whole yuan as fen */

static cw_budget_rules defaults(void)
{
	cw_budget_rules r;
	cw_budget_rules_default(&r);
	return r;
}

/* One hospital's year: monthly budgets from the annual one (flat), each month settled, the year settled. */
typedef struct year_run {
	cw_budget_month m[12];
	cw_fen prepaid, held, used;
	cw_budget_year y;
} year_run;

static void run_year(year_run *run, cw_fen annual, const cw_fen claimed[12], const cw_fen violations[12], int grade)
{
	cw_budget_rules r = defaults();
	cw_fen months[12];
	memset(run, 0, sizeof *run);
	assert_int_equal(cw_budget_months(months, annual, NULL), 0);
	for (int i = 0; i < 12; i++) {
		run->m[i].budget = months[i];
		run->m[i].claimed = claimed[i];
		run->m[i].violations = violations ? violations[i] : 0;
		cw_budget_settle_month(&run->m[i], &r);
		run->prepaid += run->m[i].prepaid;
		run->held += run->m[i].holdback;
		run->used += run->m[i].used;
	}
	cw_budget_settle_year(&run->y, &r, annual, run->used, run->prepaid, run->held, grade);
}

/* 甲 (docs/budget.md): 1,200,000.00 budget, 1,100,000.00 used, December over its month, grade B. */
static void hospital_under_with_surplus(void **state)
{
	(void)state;
	cw_fen claimed[12], viol[12] = { 0 };
	for (int i = 0; i < 11; i++)
		claimed[i] = Y(90000);
	claimed[2] = Y(90500);
	viol[2] = Y(500);
	claimed[11] = Y(110000);
	year_run h;
	run_year(&h, Y(1200000), claimed, viol, 1);
	assert_int_equal(h.m[0].budget, Y(100000));
	assert_int_equal(h.m[2].used, Y(90000));
	assert_int_equal(h.m[2].prepaid, Y(84600));
	assert_int_equal(h.m[2].holdback, Y(5400));
	assert_int_equal(h.m[11].base, Y(100000)); /* capped at the month's budget */
	assert_int_equal(h.m[11].prepaid, Y(94000));
	assert_int_equal(h.used, Y(1100000));
	assert_int_equal(h.prepaid, Y(1024600));
	assert_int_equal(h.held, Y(65400));
	assert_int_equal(h.y.within, Y(1100000));
	assert_int_equal(h.y.surplus, Y(100000));
	assert_int_equal(h.y.surplus_kept, Y(100000));
	assert_int_equal(h.y.over, 0);
	assert_int_equal(h.y.holdback_returned, Y(52320));
	assert_int_equal(h.y.holdback_kept, Y(13080));
	assert_int_equal(h.y.fund_total, Y(1186920));
	assert_int_equal(h.y.settlement, Y(162320));
}

/* 乙: 2,400,000.00 budget, 2,592,000.00 used (8% over), grade A. */
static void hospital_eight_percent_over(void **state)
{
	(void)state;
	cw_fen claimed[12];
	for (int i = 0; i < 12; i++)
		claimed[i] = Y(216000);
	year_run h;
	run_year(&h, Y(2400000), claimed, NULL, 0);
	assert_int_equal(h.m[5].base, Y(200000));
	assert_int_equal(h.m[5].prepaid, Y(188000));
	assert_int_equal(h.prepaid, Y(2256000));
	assert_int_equal(h.held, Y(144000));
	assert_int_equal(h.y.over, Y(192000));
	assert_int_equal(h.y.band[0], Y(192000));
	assert_int_equal(h.y.band[1], 0);
	assert_int_equal(h.y.band[2], 0);
	assert_int_equal(h.y.band_fund[0], Y(134400));
	assert_int_equal(h.y.band_hospital[0], Y(57600));
	assert_int_equal(h.y.over_fund, Y(134400));
	assert_int_equal(h.y.over_hospital, Y(57600));
	assert_int_equal(h.y.holdback_returned, Y(144000));
	assert_int_equal(h.y.fund_total, Y(2534400));
	assert_int_equal(h.y.settlement, Y(278400));
}

/* 丙: 999,999.99 budget (months of 83,333.33 and, in months 2, 6 and 10, 83,333.34), 1,250,000.00 used
 * (25% over and a fen), a violation of 1,000.00 in June, grade C. */
static void hospital_twenty_five_percent_over(void **state)
{
	(void)state;
	cw_fen claimed[12], viol[12] = { 0 };
	for (int i = 0; i < 12; i++)
		claimed[i] = 10416666;
	claimed[11] = 10416674;
	claimed[5] += Y(1000);
	viol[5] = Y(1000);
	year_run h;
	run_year(&h, 99999999, claimed, viol, 2);
	for (int i = 0; i < 12; i++) {
		int extra = i == 1 || i == 5 || i == 9;
		assert_int_equal(h.m[i].budget, 8333333 + extra);
		assert_int_equal(h.m[i].base, 8333333 + extra);
		assert_int_equal(h.m[i].prepaid, 7833333 + extra); /* 7,833,333.02 and 7,833,333.96 fen rounded */
		assert_int_equal(h.m[i].holdback, 500000);
	}
	assert_int_equal(h.m[5].used, 10416666);
	assert_int_equal(h.used, Y(1250000));
	assert_int_equal(h.prepaid, 93999999);
	assert_int_equal(h.held, Y(60000));
	assert_int_equal(h.y.over, 25000001);
	assert_int_equal(h.y.band[0], Y(100000)); /* 10% of 999,999.99 = 99,999.999 -> 100,000.00 */
	assert_int_equal(h.y.band[1], Y(100000));
	assert_int_equal(h.y.band[2], 5000001);
	assert_int_equal(h.y.band_fund[0], Y(70000));
	assert_int_equal(h.y.band_fund[1], Y(30000));
	assert_int_equal(h.y.band_fund[2], 0);
	assert_int_equal(h.y.over_fund, Y(100000));
	assert_int_equal(h.y.over_hospital, 15000001);
	assert_int_equal(h.y.holdback_returned, Y(30000));
	assert_int_equal(h.y.holdback_kept, Y(30000));
	assert_int_equal(h.y.fund_total, 106999999);
	assert_int_equal(h.y.settlement, Y(130000));
}

static cw_budget_year settle(cw_fen budget, cw_fen used)
{
	cw_budget_rules r = defaults();
	cw_budget_year y;
	cw_budget_settle_year(&y, &r, budget, used, 0, 0, 0);
	return y;
}

/* Each band's edge: exactly 10% and 20% over, a fen below and above. */
static void band_edges(void **state)
{
	(void)state;
	cw_budget_year y = settle(Y(1000000), Y(1100000) - 1);
	assert_int_equal(y.band[0], Y(100000) - 1);
	assert_int_equal(y.band[1], 0);
	assert_int_equal(y.band_fund[0], 6999999); /* 9,999,999 × 0.7 = 6,999,999.3 fen */
	y = settle(Y(1000000), Y(1100000));
	assert_int_equal(y.band[0], Y(100000));
	assert_int_equal(y.band[1], 0);
	assert_int_equal(y.over_fund, Y(70000));
	assert_int_equal(y.over_hospital, Y(30000));
	y = settle(Y(1000000), Y(1100000) + 1);
	assert_int_equal(y.band[0], Y(100000));
	assert_int_equal(y.band[1], 1);
	assert_int_equal(y.band_fund[1], 0); /* 0.3 fen rounds to 0 */
	assert_int_equal(y.band_hospital[1], 1);
	y = settle(Y(1000000), Y(1200000) - 1);
	assert_int_equal(y.band[1], Y(100000) - 1);
	assert_int_equal(y.band[2], 0);
	y = settle(Y(1000000), Y(1200000));
	assert_int_equal(y.band[0], Y(100000));
	assert_int_equal(y.band[1], Y(100000));
	assert_int_equal(y.band[2], 0);
	assert_int_equal(y.over_fund, Y(100000));
	assert_int_equal(y.over_hospital, Y(100000));
	assert_int_equal(y.fund_total, Y(1100000));
	y = settle(Y(1000000), Y(1200000) + 1);
	assert_int_equal(y.band[2], 1);
	assert_int_equal(y.band_fund[2], 0);
	assert_int_equal(y.over_fund, Y(100000));
	assert_int_equal(y.over_hospital, Y(100000) + 1);
	y = settle(Y(1000000), Y(1000000)); /* exactly on budget: no surplus, no overspend */
	assert_int_equal(y.surplus, 0);
	assert_int_equal(y.over, 0);
	assert_int_equal(y.fund_total, Y(1000000));
}

/* I2's condition: the 8% and the exactly-20% overspends with the control targets kept, unknown, or one of
 * them over (the fund then shares nothing, the hospital bears every band), and the key that switches it
 * off; a year under budget is untouched by it. */
static void share_needs_targets(void **state)
{
	(void)state;
	cw_budget_rules r = defaults();
	cw_budget_year y;
	assert_int_equal(r.share_needs_targets, 1);
	cw_budget_settle_year_targets(&y, &r, Y(2400000), Y(2592000), Y(2256000), Y(144000), 0, CW_TARGETS_KEPT);
	assert_int_equal(y.shared, 1);
	assert_int_equal(y.over_fund, Y(134400));
	assert_int_equal(y.fund_total, Y(2534400));
	assert_string_equal(cw_budget_share_reason(&y, 0),
	                    "shared by the bands: visits per patient and cost per visit kept their targets");
	cw_budget_settle_year_targets(&y, &r, Y(2400000), Y(2592000), Y(2256000), Y(144000), 0, CW_TARGETS_UNKNOWN);
	assert_int_equal(y.shared, 1);
	assert_int_equal(y.over_fund, Y(134400));
	assert_string_equal(cw_budget_share_reason(&y, 0), "shared by the bands (control targets not assessed)");
	cw_budget_settle_year_targets(&y, &r, Y(2400000), Y(2592000), Y(2256000), Y(144000), 0, CW_TARGETS_CPV_OVER);
	assert_int_equal(y.shared, 0);
	assert_int_equal(y.band[0], Y(192000));
	assert_int_equal(y.band_fund[0], 0);
	assert_int_equal(y.band_hospital[0], Y(192000));
	assert_int_equal(y.over_fund, 0);
	assert_int_equal(y.over_hospital, Y(192000));
	assert_int_equal(y.fund_total, Y(2400000));
	assert_int_equal(y.settlement, Y(144000)); /* the holdback back, nothing of the overspend */
	assert_string_equal(cw_budget_share_reason(&y, 0), "not shared: cost per visit over its target (I2)");
	assert_string_equal(cw_budget_share_reason(&y, 1), "不予分担：次均费用超出控制指标（I2）");
	cw_budget_settle_year_targets(&y, &r, Y(1000000), Y(1200000), 0, 0, 0, CW_TARGETS_VPP_OVER);
	assert_int_equal(y.band[0] + y.band[1], Y(200000));
	assert_int_equal(y.over_fund, 0);
	assert_int_equal(y.over_hospital, Y(200000));
	assert_int_equal(y.fund_total, Y(1000000));
	cw_budget_settle_year_targets(&y, &r, Y(1000000), Y(1200000), 0, 0, 0, CW_TARGETS_BOTH_OVER);
	assert_int_equal(y.over_fund, 0);
	assert_string_equal(cw_budget_share_reason(&y, 0),
	                    "not shared: visits per patient and cost per visit over their targets (I2)");
	cw_budget_settle_year_targets(&y, &r, Y(1000000), Y(1000000) + 1, 0, 0, 0, CW_TARGETS_VPP_OVER);
	assert_int_equal(y.over_hospital, 1); /* a fen over: the condition holds at the edge too */
	cw_budget_settle_year_targets(&y, &r, Y(1000000), Y(900000), 0, 0, 0, CW_TARGETS_BOTH_OVER);
	assert_int_equal(y.surplus_kept, Y(100000)); /* under budget: nothing to share, nothing withheld */
	assert_int_equal(y.fund_total, Y(1000000));
	assert_string_equal(cw_budget_share_reason(&y, 0), "");
	r.share_needs_targets = 0;
	cw_budget_settle_year_targets(&y, &r, Y(1000000), Y(1200000), 0, 0, 0, CW_TARGETS_BOTH_OVER);
	assert_int_equal(y.shared, 1);
	assert_int_equal(y.over_fund, Y(100000));
	assert_string_equal(cw_budget_share_reason(&y, 0), "shared by the bands (share_needs_targets is off)");
}

static void band_fund_rounding(void **state)
{
	(void)state;
	/* 9,999,999 fen × 70% = 6,999,999.3 -> 6,999,999; the hospital the rest */
	cw_budget_year y = settle(Y(1000000), Y(1000000) + 9999999);
	assert_int_equal(y.band_fund[0], 6999999);
	assert_int_equal(y.band_hospital[0], 3000000);
	y = settle(Y(1000000), Y(1000000) + 5); /* 3.5 fen -> 4 (half up), the hospital 1 */
	assert_int_equal(y.band_fund[0], 4);
	assert_int_equal(y.band_hospital[0], 1);
}

/* The holdback of 甲 (65,400.00) returned at each grade, and a half fen. */
static void holdback_by_grade(void **state)
{
	(void)state;
	static const cw_fen back[4] = { Y(65400), Y(52320), Y(32700), 0 };
	cw_budget_rules r = defaults();
	cw_budget_year y;
	for (int g = 0; g < 4; g++) {
		cw_budget_settle_year(&y, &r, Y(1200000), Y(1100000), Y(1024600), Y(65400), g);
		assert_int_equal(y.holdback_returned, back[g]);
		assert_int_equal(y.holdback_kept, Y(65400) - back[g]);
		assert_int_equal(y.fund_total, Y(1200000) - (Y(65400) - back[g]));
	}
	cw_budget_settle_year(&y, &r, Y(10), Y(10), 0, 1, 2); /* 1 fen × 50% = 0.5 -> 1 */
	assert_int_equal(y.holdback_returned, 1);
	cw_budget_settle_year(&y, &r, Y(10), Y(10), 0, 3, 1); /* 3 × 80% = 2.4 -> 2 */
	assert_int_equal(y.holdback_returned, 2);
}

static void share_rounding(void **state)
{
	(void)state;
	assert_int_equal(cw_share(25, 940000), 24); /* 23.5 -> 24 */
	assert_int_equal(cw_share(24, 940000), 23); /* 22.56 -> 23 */
	assert_int_equal(cw_share(-25, 940000), -24);
	assert_int_equal(cw_share(INT64_C(999999999999), 940000), INT64_C(939999999999));
	assert_int_equal(cw_share(INT64_C(1000000000000), 60000), INT64_C(60000000000));
	assert_int_equal(cw_ppm(0.94), 940000);
	assert_int_equal(cw_ppm(0.07), 70000);
	assert_int_equal(cw_scale(5, 1, 2), 3);
	assert_int_equal(cw_scale(-5, 1, 2), -3);
	cw_budget_rules r = defaults();
	cw_budget_month m = { .budget = 25, .claimed = 25 };
	cw_budget_settle_month(&m, &r);
	assert_int_equal(m.prepaid, 24);
	assert_int_equal(m.holdback, 1);
}

static void monthly_split(void **state)
{
	(void)state;
	cw_fen m[12], sum = 0;
	assert_int_equal(cw_budget_months(m, 100, NULL), 0); /* 8.33 fen a month */
	for (int i = 0; i < 12; i++)
		sum += m[i];
	assert_int_equal(sum, 100);
	assert_int_equal(m[0], 8);
	assert_int_equal(m[1], 9); /* cum 16.67 -> 17 */
	cw_fen profile[12] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9 }; /* December 45% */
	assert_int_equal(cw_budget_months(m, Y(2000), profile), 0);
	assert_int_equal(m[0], Y(100));
	assert_int_equal(m[11], Y(900));
	cw_fen bad[12] = { 1, -1 };
	assert_int_equal(cw_budget_months(m, Y(2000), bad), CW_EINVALID);
	cw_fen zero[12] = { 0 };
	assert_int_equal(cw_budget_months(m, Y(2000), zero), CW_EINVALID);
}

static void prepay_bases(void **state)
{
	(void)state;
	cw_budget_rules r = defaults();
	cw_budget_month m = { .budget = Y(100), .claimed = Y(150), .violations = Y(10) };
	cw_budget_settle_month(&m, &r);
	assert_int_equal(m.used, Y(140));
	assert_int_equal(m.base, Y(100));
	r.basis = CW_BUDGET_BASIS_USED;
	cw_budget_settle_month(&m, &r);
	assert_int_equal(m.base, Y(140));
	r.basis = CW_BUDGET_BASIS_BUDGET;
	m.claimed = Y(20);
	cw_budget_settle_month(&m, &r);
	assert_int_equal(m.used, Y(10));
	assert_int_equal(m.base, Y(100));
	assert_int_equal(m.prepaid, Y(94));
	m.violations = Y(30); /* more confirmed than claimed: use 0, never negative */
	cw_budget_settle_month(&m, &r);
	assert_int_equal(m.used, 0);
}

/* The made-up year: last year used 80, 90, 100 x 6, then 110 x 3 thousand (1,200 thousand in all). */
static const cw_fen last_year[12] = { Y(80000),  Y(90000),  Y(100000), Y(100000), Y(100000), Y(100000),
                                      Y(100000), Y(100000), Y(100000), Y(110000), Y(110000), Y(110000) };

static void projection_known_year(void **state)
{
	(void)state;
	cw_budget_rules r = defaults();
	cw_budget_projection p;
	/* 20% above last year's first quarter (270 thousand): 324 -> 324 × 1200 / 270 = 1,440 = 20% over */
	cw_fen used[12] = { Y(96000), Y(108000), Y(120000) };
	cw_budget_project(&p, &r, used, 3, last_year, NULL, 0, Y(1200000));
	assert_int_equal(p.method, CW_PROJ_LAST_YEAR);
	assert_int_equal(p.ytd, Y(324000));
	assert_int_equal(p.projected, Y(1440000));
	assert_int_equal(p.over_ppm, 200000);
	assert_int_equal(p.alert, 2);
	/* the same months without last year: linear, 324 × 4 = 1,296 = 8% over, no alert */
	cw_budget_project(&p, &r, used, 3, NULL, NULL, 0, Y(1200000));
	assert_int_equal(p.method, CW_PROJ_LINEAR);
	assert_int_equal(p.projected, Y(1296000));
	assert_int_equal(p.over_ppm, 80000);
	assert_int_equal(p.alert, 0);
	/* exactly 10% over: 297 -> 1,320; a fen less: below */
	cw_fen ten[12] = { Y(88000), Y(99000), Y(110000) };
	cw_budget_project(&p, &r, ten, 3, last_year, NULL, 0, Y(1200000));
	assert_int_equal(p.projected, Y(1320000));
	assert_int_equal(p.alert, 1);
	ten[2] -= 1;
	cw_budget_project(&p, &r, ten, 3, last_year, NULL, 0, Y(1200000));
	assert_int_equal(p.alert, 0);
	/* a fen under the 20% edge: alert 1 */
	used[2] -= 1;
	cw_budget_project(&p, &r, used, 3, last_year, NULL, 0, Y(1200000));
	assert_int_equal(p.alert, 1);
}

static void projection_profile_and_unknown(void **state)
{
	(void)state;
	cw_budget_rules r = defaults();
	cw_budget_projection p;
	cw_fen months[12], ly[12];
	assert_int_equal(cw_budget_months(months, Y(1200000), last_year), 0); /* the budget shaped like last year */
	cw_fen used[12] = { Y(96000), Y(108000), Y(120000) };
	cw_budget_project(&p, &r, used, 3, NULL, months, 1, Y(1200000));
	assert_int_equal(p.method, CW_PROJ_PROFILE);
	assert_int_equal(p.projected, Y(1440000));
	assert_int_equal(p.alert, 2);
	memcpy(ly, last_year, sizeof ly);
	ly[7] = CW_FEN_NONE; /* a month of last year not run: its profile is unknown */
	cw_budget_project(&p, &r, used, 3, ly, NULL, 0, Y(1200000));
	assert_int_equal(p.method, CW_PROJ_LINEAR);
	cw_budget_project(&p, &r, used, 12, NULL, NULL, 0, 0); /* no budget: no alert */
	assert_int_equal(p.alert, 0);
	assert_string_equal(cw_budget_method_name(CW_PROJ_LAST_YEAR), "last_year");
}

static void derived_budget(void **state)
{
	(void)state;
	cw_budget_rules r = defaults();
	cw_fen years[3] = { Y(1000000), Y(1100000), Y(1200000) }, out = 0;
	assert_int_equal(cw_budget_derive(&out, years, 3, &r), 0);
	assert_int_equal(out, Y(1155000));
	r.growth_ppm = 100000;
	assert_int_equal(cw_budget_derive(&out, years, 2, &r), 0);
	assert_int_equal(out, Y(1155000)); /* 1,050,000 × 1.10 */
	assert_int_equal(cw_budget_derive(&out, years, 0, &r), CW_EINVALID);
}

static void under_service_fall(void **state)
{
	(void)state;
	cw_budget_rules r = defaults();
	double base[3] = { 100, 100, 100 }, fall;
	assert_int_equal(cw_budget_fell(&fall, 70, base, 3, &r), 1); /* exactly 30% */
	assert_true(fabs(fall - 0.3) < 1e-12);
	assert_int_equal(cw_budget_fell(&fall, 70.01, base, 3, &r), 0);
	double gaps[3] = { NAN, 100, NAN };
	assert_int_equal(cw_budget_fell(&fall, 50, gaps, 3, &r), 1);
	double none[3] = { NAN, NAN, NAN };
	assert_int_equal(cw_budget_fell(&fall, 0, none, 3, &r), 0);
	assert_true(isnan(fall));
}

static void rules_section(void **state)
{
	(void)state;
	cw_rules *rules;
	cw_budget_rules r;
	int grade = -1;
	assert_int_equal(cw_rules_load(&rules, NULL, NULL), 0);
	assert_int_equal(cw_budget_rules_load(&r, rules), 0);
	cw_budget_rules d = defaults();
	assert_memory_equal(&r, &d, sizeof r);
	assert_int_equal(cw_budget_rules_grade(&grade, rules, "H1"), 0);
	assert_int_equal(grade, 0);
	cw_rules_free(rules);

	assert_int_equal(cw_rules_load_text(&rules, NULL,
	                                    "{\"budget\": {\"prepay_share\": 0.9, \"prepay_basis\": \"budget\","
	                                    " \"holdback_return\": {\"B\": 0.6}, \"default_grade\": \"C\", \"grades\": {\"H2\": \"B\"}}}",
	                                    "t.json"), 0);
	assert_int_equal(cw_budget_rules_load(&r, rules), 0);
	assert_int_equal(r.prepay_ppm, 900000);
	assert_int_equal(r.basis, CW_BUDGET_BASIS_BUDGET);
	assert_int_equal(r.holdback_ppm[1], 600000);
	assert_int_equal(cw_budget_rules_grade(&grade, rules, "H2"), 0);
	assert_int_equal(grade, 1);
	assert_int_equal(r.share_needs_targets, 1);
	assert_int_equal(cw_budget_rules_grade(&grade, rules, "H9"), 0);
	assert_int_equal(grade, 2);
	cw_rules_free(rules);
	assert_int_equal(cw_rules_load_text(&rules, NULL, "{\"budget\": {\"share_needs_targets\": false}}", "s.json"), 0);
	assert_int_equal(cw_budget_rules_load(&r, rules), 0);
	assert_int_equal(r.share_needs_targets, 0);
	cw_rules_free(rules);

	static const char *const bad[] = {
		"{\"budget\": {\"growth\": 0.12}}",
		"{\"budget\": {\"growth\": 0.04}}",
		"{\"budget\": {\"band1_over\": 0.3}}",
		"{\"budget\": {\"alert1_over\": 0.25}}",
		"{\"budget\": {\"prepay_share\": 1.2}}",
		"{\"budget\": {\"prepay_basis\": \"monthly\"}}",
		"{\"budget\": {\"under_service\": {\"min_volume\": -1}}}",
		"{\"budget\": {\"share_needs_targets\": 1}}",
		NULL,
	};
	for (size_t i = 0; bad[i]; i++) {
		int rc = cw_rules_load_text(&rules, NULL, bad[i], "bad.json");
		if (rc == 0) {
			rc = cw_budget_rules_load(&r, rules);
			cw_rules_free(rules);
		}
		assert_int_equal(rc, CW_EINVALID);
		assert_non_null(strstr(cw_error_last(), "budget."));
	}
	assert_int_equal(cw_rules_load_text(&rules, NULL, "{\"budget\": {\"grades\": {\"H1\": \"E\"}}}", "g.json"), 0);
	assert_int_equal(cw_budget_rules_grade(&grade, rules, "H1"), CW_EINVALID);
	assert_non_null(strstr(cw_error_last(), "budget.grades.H1"));
	cw_rules_free(rules);
	assert_int_equal(cw_budget_grade_parse("B"), 1);
	assert_int_equal(cw_budget_grade_parse("AB"), -1);
	assert_int_equal(cw_budget_grade_parse(""), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hospital_under_with_surplus),
		cmocka_unit_test(hospital_eight_percent_over),
		cmocka_unit_test(hospital_twenty_five_percent_over),
		cmocka_unit_test(band_edges),
		cmocka_unit_test(share_needs_targets),
		cmocka_unit_test(band_fund_rounding),
		cmocka_unit_test(holdback_by_grade),
		cmocka_unit_test(share_rounding),
		cmocka_unit_test(monthly_split),
		cmocka_unit_test(prepay_bases),
		cmocka_unit_test(projection_known_year),
		cmocka_unit_test(projection_profile_and_unknown),
		cmocka_unit_test(derived_budget),
		cmocka_unit_test(under_service_fall),
		cmocka_unit_test(rules_section),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
