/* budget.c: the arithmetic of the global budget (总额预付, document 004, I1-I4, I12; docs/budget.md):
 * monthly prepayment and holdback, the year-end settlement band by band, the projection to the year end,
 * the budget derived from past payments. Integer fen throughout, shares in ppm, rounding half away from
 * zero to the fen (budget.h). */
#include <math.h>
#include <string.h>
#include "claimwatch/error.h"
#include "judge/budget.h"

void cw_budget_rules_default(cw_budget_rules *out)
{
	memset(out, 0, sizeof *out);
	out->prepay_ppm = 940000;
	out->basis = CW_BUDGET_BASIS_CAPPED;
	out->band1_ppm = 100000;
	out->band2_ppm = 200000;
	out->band1_fund_ppm = 700000;
	out->band2_fund_ppm = 300000;
	out->beyond_fund_ppm = 0;
	out->surplus_ppm = CW_PPM;
	out->holdback_ppm[0] = CW_PPM;
	out->holdback_ppm[1] = 800000;
	out->holdback_ppm[2] = 500000;
	out->holdback_ppm[3] = 0;
	out->base_years = 3;
	out->growth_ppm = 50000;
	out->alert1_ppm = 100000;
	out->alert2_ppm = 200000;
	out->drop_ppm = 300000;
	out->baseline_months = 3;
	out->bind_ppm = CW_PPM;
	out->min_volume = 30;
	out->share_needs_targets = 1;
}

int64_t cw_ppm(double share)
{
	return (int64_t)llround(share * 1e6);
}

cw_fen cw_share(cw_fen x, int64_t ppm)
{
	if (x < 0)
		return -cw_share(-x, ppm);
	cw_fen q = x / CW_PPM, r = x % CW_PPM;
	return q * ppm + (r * ppm + CW_PPM / 2) / CW_PPM;
}

cw_fen cw_scale(cw_fen x, cw_fen num, cw_fen den)
{
	__int128 p = (__int128)x * num;
	int neg = p < 0;
	if (neg)
		p = -p;
	__int128 q = (p + den / 2) / den;
	return (cw_fen)(neg ? -q : q);
}

int cw_budget_months(cw_fen out[12], cw_fen annual, const cw_fen *profile)
{
	cw_fen total = 0, cum = 0, before = 0;
	for (int m = 0; m < 12; m++) {
		cw_fen w = profile ? profile[m] : 1;
		if (w < 0)
			return cw_error_set(CW_EINVALID, "the monthly profile has a negative month (m%02d)", m + 1);
		total += w;
	}
	if (total <= 0)
		return cw_error_set(CW_EINVALID, "the monthly profile adds up to 0");
	for (int m = 0; m < 12; m++) {
		cum += profile ? profile[m] : 1;
		cw_fen upto = cw_scale(annual, cum, total);
		out[m] = upto - before;
		before = upto;
	}
	return 0;
}

void cw_budget_settle_month(cw_budget_month *m, const cw_budget_rules *r)
{
	m->used = m->claimed - m->violations;
	if (m->used < 0)
		m->used = 0;
	switch (r->basis) {
	case CW_BUDGET_BASIS_BUDGET: m->base = m->budget; break;
	case CW_BUDGET_BASIS_USED: m->base = m->used; break;
	default: m->base = m->used < m->budget ? m->used : m->budget; break;
	}
	if (m->base < 0)
		m->base = 0;
	m->prepaid = cw_share(m->base, r->prepay_ppm);
	m->holdback = m->base - m->prepaid;
}

/* The overspend band by band: [0, edge1], (edge1, edge2], beyond edge2, each split fund / hospital. */
static void share_overspend(cw_budget_year *y, const cw_budget_rules *r)
{
	int withheld = r->share_needs_targets && y->targets >= CW_TARGETS_VPP_OVER;
	y->shared = !withheld;
	cw_fen edge1 = cw_share(y->budget, r->band1_ppm), edge2 = cw_share(y->budget, r->band2_ppm);
	cw_fen over = y->over;
	y->band[0] = over < edge1 ? over : edge1;
	y->band[1] = over < edge2 ? over - y->band[0] : edge2 - edge1;
	y->band[2] = over - y->band[0] - y->band[1];
	const int64_t fund[3] = { r->band1_fund_ppm, r->band2_fund_ppm, r->beyond_fund_ppm };
	y->over_fund = y->over_hospital = 0;
	for (int b = 0; b < 3; b++) {
		y->band_fund[b] = withheld ? 0 : cw_share(y->band[b], fund[b]);
		y->band_hospital[b] = y->band[b] - y->band_fund[b];
		y->over_fund += y->band_fund[b];
		y->over_hospital += y->band_hospital[b];
	}
}

void cw_budget_settle_year(cw_budget_year *y, const cw_budget_rules *r, cw_fen budget, cw_fen used,
                           cw_fen prepaid, cw_fen held, int grade)
{
	cw_budget_settle_year_targets(y, r, budget, used, prepaid, held, grade, CW_TARGETS_UNKNOWN);
}

const char *cw_budget_share_reason(const cw_budget_year *y, int zh)
{
	static const char *const en[] = { "shared by the bands (control targets not assessed)",
		"shared by the bands: visits per patient and cost per visit kept their targets",
		"not shared: visits per patient over its target (I2)", "not shared: cost per visit over its target (I2)",
		"not shared: visits per patient and cost per visit over their targets (I2)" };
	static const char *const cn[] = { "按档分担（未评估控制指标）", "按档分担：人次人头比、次均费用符合控制指标",
		"不予分担：人次人头比超出控制指标（I2）", "不予分担：次均费用超出控制指标（I2）",
		"不予分担：人次人头比、次均费用均超出控制指标（I2）" };
	if (y->over <= 0)
		return "";
	int t = y->targets < 0 || y->targets > CW_TARGETS_BOTH_OVER ? 0 : y->targets;
	if (!y->shared || t < CW_TARGETS_VPP_OVER)
		return zh ? cn[t] : en[t];
	return zh ? "按档分担（share_needs_targets 已关闭）" : "shared by the bands (share_needs_targets is off)";
}

void cw_budget_settle_year_targets(cw_budget_year *y, const cw_budget_rules *r, cw_fen budget, cw_fen used,
                                   cw_fen prepaid, cw_fen held, int grade, int targets)
{
	memset(y, 0, sizeof *y);
	y->targets = targets;
	y->budget = budget;
	y->used = used;
	y->prepaid = prepaid;
	y->held = held;
	y->grade = grade < 0 || grade >= CW_BUDGET_GRADES ? CW_BUDGET_GRADES - 1 : grade;
	y->within = used < budget ? used : budget;
	if (used < budget) {
		y->surplus = budget - used;
		y->surplus_kept = cw_share(y->surplus, r->surplus_ppm);
	} else {
		y->over = used - budget;
		share_overspend(y, r);
	}
	y->holdback_returned = cw_share(held, r->holdback_ppm[y->grade]);
	y->holdback_kept = held - y->holdback_returned;
	y->fund_total = y->within + y->over_fund + y->surplus_kept - y->holdback_kept;
	y->settlement = y->fund_total - prepaid;
}

static int last_year_known(const cw_fen *ly)
{
	if (!ly)
		return 0;
	for (int m = 0; m < 12; m++)
		if (ly[m] == CW_FEN_NONE)
			return 0;
	return 1;
}

static int64_t over_ppm(cw_fen projected, cw_fen annual)
{
	if (annual <= 0)
		return 0;
	return cw_scale(projected - annual, CW_PPM, annual);
}

void cw_budget_project(cw_budget_projection *p, const cw_budget_rules *r, const cw_fen *used, int months,
                       const cw_fen *last_year, const cw_fen *month_budget, int profile_given, cw_fen annual)
{
	cw_fen ly_part = 0, ly_total = 0, budget_part = 0;
	memset(p, 0, sizeof *p);
	if (months < 1)
		months = 1;
	if (months > 12)
		months = 12;
	for (int m = 0; m < months; m++)
		p->ytd += used[m];
	int known = last_year_known(last_year);
	for (int m = 0; known && m < 12; m++) {
		ly_total += last_year[m];
		ly_part += m < months ? last_year[m] : 0;
	}
	for (int m = 0; profile_given && month_budget && m < months; m++)
		budget_part += month_budget[m];
	if (known && ly_part > 0) {
		p->method = CW_PROJ_LAST_YEAR;
		p->projected = cw_scale(p->ytd, ly_total, ly_part);
	} else if (profile_given && month_budget && budget_part > 0) {
		p->method = CW_PROJ_PROFILE;
		p->projected = cw_scale(p->ytd, annual, budget_part);
	} else {
		p->method = CW_PROJ_LINEAR;
		p->projected = cw_scale(p->ytd, 12, months);
	}
	p->over_ppm = over_ppm(p->projected, annual);
	/* compared in fen, not in the rounded ppm: a projection a fen short of an edge is below it */
	cw_fen over = p->projected - annual;
	p->alert = annual <= 0 ? 0 : over >= cw_share(annual, r->alert2_ppm) ? 2 : over >= cw_share(annual, r->alert1_ppm) ? 1 : 0;
}

const char *cw_budget_method_name(int method)
{
	return method == CW_PROJ_LAST_YEAR ? "last_year" : method == CW_PROJ_PROFILE ? "profile" : "linear";
}

int cw_budget_derive(cw_fen *out, const cw_fen *years, int n, const cw_budget_rules *r)
{
	cw_fen sum = 0;
	if (n < 1)
		return cw_error_set(CW_EINVALID, "no past year to derive a budget from");
	for (int i = 0; i < n; i++)
		sum += years[i];
	*out = cw_share(cw_scale(sum, 1, n), CW_PPM + r->growth_ppm);
	return 0;
}

int cw_budget_fell(double *fall, double now, const double *baseline, int n, const cw_budget_rules *r)
{
	double sum = 0;
	int k = 0;
	for (int i = 0; i < n; i++)
		if (isfinite(baseline[i]))
			sum += baseline[i], k++;
	*fall = NAN;
	if (!k || !isfinite(now) || sum <= 0)
		return 0;
	double mean = sum / k;
	*fall = 1.0 - now / mean;
	/* compared in ppm so that a fall of exactly the key counts, whatever the binary fraction */
	return llround(*fall * 1e6) >= r->drop_ppm;
}
