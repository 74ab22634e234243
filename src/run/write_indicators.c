/* write_indicators.c: indicators.csv, the institutions' and departments' figures of the month
 * (drug share against its target, costs per visit and per stay, growth on last month; see indicators.h). */
#include "run/run.h"

int cw_write_indicators(cw_month_run *mr)
{
	int rc = cw_indicators_compute(&mr->indicators, mr->ds, mr->rules, mr->opts->root);
	if (rc < 0)
		return rc;
	return cw_indicators_write(&mr->indicators, mr->ds, &mr->output, cw_outdir_file(mr->od, "indicators.csv"));
}
