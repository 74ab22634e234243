/* gen_budget.c: the demo's global budgets (总额预付, document 004; docs/budget.md): DIR/budgets.csv with
 * one row per institution and year of the range. An institution's annual budget is its mean monthly
 * revenue over the range × 12 × an assumed fund share (FUND_SHARE, the fund's part of revenue) × a
 * factor drawn per institution from 0.85 to 1.20, rounded to 100 yuan: some institutions end the year
 * under their budget, some over it, a few past the 10% and 20% bands. Every other institution gets a
 * monthly profile (weights a little higher in winter), the others none (even months). The draws come from
 * a stream of their own, after everything else is written, so the other files stay byte-identical. */
#include <stdio.h>
#include "claimwatch/error.h"
#include "gen.h"

#define STREAM ((1ull << 44) + 0xB0D6) /* above every other stream of gen */
#define FUND_SHARE 0.65

static const int winter[12] = { 110, 100, 100, 95, 95, 95, 95, 95, 100, 100, 105, 110 };

static cw_fen mean_month_revenue(const gen_ctx *g, int inst)
{
	const gen_inst *in = &g->inst[inst];
	cw_fen sum = 0;
	for (int m = 0; m < g->nmonths; m++)
		for (int d = in->dept0; d < in->dept0 + in->ndept; d++)
			sum += gen_drugshare_revenue(g, d, m);
	return g->nmonths > 0 ? sum / g->nmonths : 0;
}

static void write_row(FILE *f, const gen_ctx *g, gen_rng *r, int inst, int year)
{
	double factor = 0.85 + 0.35 * gen_unif(r);
	double annual = (double)mean_month_revenue(g, inst) * 12.0 * FUND_SHARE * factor;
	long long hundreds = (long long)(annual / 10000.0 + 0.5); /* fen to whole hundreds of yuan */
	fprintf(f, "%s,%d,%lld.00", g->inst[inst].id, year, hundreds * 100);
	for (int m = 0; m < 12; m++)
		if (inst % 2)
			fprintf(f, ",%d", winter[m]);
		else
			fputc(',', f);
	fputc('\n', f);
}

int gen_budget_write(gen_ctx *g)
{
	char path[1100];
	gen_rng r;
	gen_rng_seed(&r, g->o.seed, STREAM);
	snprintf(path, sizeof path, "%s/budgets.csv", g->o.out_dir);
	FILE *f = fopen(path, "wb");
	if (!f)
		return cw_error_set(CW_EIO, "%s: cannot create", path);
	fputs("inst_id,year,annual_budget,m01,m02,m03,m04,m05,m06,m07,m08,m09,m10,m11,m12\n", f);
	for (int year = g->o.first.year; year <= g->o.last.year; year++)
		for (int i = 0; i < g->ninst; i++)
			write_row(f, g, &r, i, year);
	int rc = ferror(f) ? cw_error_set(CW_EIO, "%s: write failed", path) : 0;
	if (fclose(f) != 0 && !rc)
		rc = cw_error_set(CW_EIO, "%s: write failed", path);
	return rc;
}
