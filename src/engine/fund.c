/* fund.c: the fund's share of money (issue 14 item 1, "who pays what").
 *
 * A claim line of data contract 2 may say what the fund paid (fund_amount, 统筹基金支付) and what the
 * patient paid inside the fund's scope (self_amount, 个人自付); the rest is out of scope (自费). Where
 * a line does not say, the fund's part is estimated as amount x fund.estimated_share and the patient's
 * as amount x (1 - share), nothing out of scope.
 *
 * The default share, 0.16, is the one figure of the seeds that sets a violation amount against what
 * went back to the fund: K7 (003/001), 59 institutions' self-check found 74.5万 yuan of violations and
 * 11.9万 to refund to the fund (11.9 / 74.5 = 0.1597). It is low next to a typical 甲-class fund share
 * because it is the refund actually agreed; an insurer with its own figure sets fund.estimated_share.
 *
 * The fund of a finding: its suspect money x (sum of fund_amount / sum of amount) over its evidence
 * lines when every one gives fund_amount (and their amounts do not sum to 0); otherwise suspect x the
 * share, marked estimated. */
#include <math.h>
#include "claimwatch/error.h"
#include "claimwatch/findings.h"

#define DEFAULT_SHARE 0.16

int cw_fund_share(double *out, const cw_rules *rules)
{
	*out = DEFAULT_SHARE;
	cw_section s = rules ? cw_rules_section(rules, "fund") : (cw_section){ NULL, "fund" };
	if (!cw_section_exists(&s))
		return 0;
	int rc = cw_section_double(out, &s, "estimated_share", 0.0, 1.0);
	return rc == CW_ENOTFOUND ? 0 : rc;
}

/* a x b / c rounded half away from zero, c != 0, in 128 bits. */
static cw_fen scale(cw_fen a, cw_fen b, cw_fen c)
{
	__int128 n = (__int128)a * b;
	int neg = (n < 0) != (c < 0);
	__int128 un = n < 0 ? -n : n, uc = c < 0 ? -(__int128)c : c;
	__int128 q = (un + uc / 2) / uc;
	return (cw_fen)(neg ? -q : q);
}

cw_fen cw_fund_estimate(cw_fen amount, double share)
{
	return (cw_fen)llround((double)amount * share);
}

void cw_line_pay(cw_fen *fund, cw_fen *self_pay, int *estimated, const cw_claims *cl, uint32_t line, double share)
{
	cw_fen amount = cl->amount[line];
	if (cl->fund[line] == CW_FEN_NONE) {
		*fund = cw_fund_estimate(amount, share);
		*self_pay = cl->self_pay[line] != CW_FEN_NONE ? cl->self_pay[line] : amount - *fund;
		if ((amount >= 0 && *fund + *self_pay > amount) || (amount < 0 && *fund + *self_pay < amount))
			*self_pay = amount - *fund; /* a given self part the estimate leaves no room for */
		*estimated = 1;
		return;
	}
	*fund = cl->fund[line];
	*self_pay = cl->self_pay[line] != CW_FEN_NONE ? cl->self_pay[line] : 0;
	*estimated = 0;
}

void cw_finding_fund(cw_fen *fund, int *estimated, const cw_dataset *ds, const cw_finding *f, double share)
{
	const cw_claims *cl = cw_dataset_claims(ds);
	cw_fen fsum = 0, asum = 0;
	int all = f->nlines > 0;
	for (size_t i = 0; i < f->nlines && all; i++) {
		uint32_t l = f->lines[i];
		if (l >= cl->n || cl->fund[l] == CW_FEN_NONE)
			all = 0;
		else {
			fsum += cl->fund[l];
			asum += cl->amount[l];
		}
	}
	if (all && asum != 0) {
		*fund = scale(f->suspect, fsum, asum);
		*estimated = 0;
	} else {
		*fund = cw_fund_estimate(f->suspect, share);
		*estimated = 1;
	}
}
