/* write_metrics.c: metrics.csv, every physician's figures of the month against their peers: one row per
 * physician and metric with units, value, case-mix expected value, upper control limit, z and the peer
 * group (see claimwatch/metrics.h). The figures the run computed before detection (the rules' metrics
 * section gives the settings), which the detectors judged; the report draws its funnel plots from them
 * and `claimwatch case` shows a physician's rows. */
#include <math.h>
#include <stdio.h>
#include "io/outfile.h"
#include "run/run.h"

static const char *const columns[] = {
	"month", "physician_id", "inst_id", "dept_id", "metric", "status", "volume", "value", "expected", "limit", "z",
	"zlimit", "flagged", "peer_group", "peers", "plotted", NULL
};

const char *cw_metric_status_name(int status)
{
	static const char *const names[] = { "no_data", "low_volume", "few_peers", "judged" };
	return status >= 0 && status <= CW_METRIC_JUDGED ? names[status] : "";
}

static void number(FILE *f, double v, int decimals)
{
	if (isfinite(v))
		fprintf(f, "%.*f", decimals, v);
	fputc(',', f);
}

/* "cardiology level 3", "cardiology all levels". */
static void peer_group(FILE *f, const cw_dataset *ds, const cw_peer_group *g)
{
	char buf[160];
	if (g->level)
		snprintf(buf, sizeof buf, "%s level %d", cw_dataset_str(ds, g->specialty), g->level);
	else
		snprintf(buf, sizeof buf, "%s all levels", cw_dataset_str(ds, g->specialty));
	cw_csv_cell(f, buf, 0);
}

static void write_row(FILE *f, const cw_month_run *mr, cw_ref p, const cw_metric_table *t)
{
	const cw_dataset *ds = mr->ds;
	const cw_physicians *ph = cw_dataset_physicians(ds);
	const cw_metric_row *r = &t->rows[p];
	cw_csv_cell(f, mr->month, 0);
	cw_csv_cell(f, cw_dataset_str(ds, ph->id[p]), 0);
	cw_csv_cell(f, cw_dataset_str(ds, cw_dataset_institutions(ds)->id[ph->inst[p]]), 0);
	cw_csv_cell(f, cw_dataset_str(ds, cw_dataset_departments(ds)->id[ph->dept[p]]), 0);
	cw_csv_cell(f, cw_metric_info_of(t->metric)->name, 0);
	cw_csv_cell(f, cw_metric_status_name(r->status), 0);
	fprintf(f, "%u,", r->volume);
	number(f, r->value, 4);
	number(f, r->expected, 4);
	number(f, r->limit, 4);
	number(f, r->z, 3);
	number(f, r->zlimit, 3);
	fprintf(f, "%d,", r->flagged);
	if (r->group >= 0) {
		peer_group(f, ds, &t->groups[r->group]);
		fprintf(f, "%u,", t->groups[r->group].peers);
	} else {
		fputs(",,", f);
	}
	if (isfinite(r->plotted))
		fprintf(f, "%.4f", r->plotted);
	fputc('\n', f);
}

int cw_write_metrics(cw_month_run *mr)
{
	const char *path = cw_outdir_file(mr->od, "metrics.csv");
	FILE *f;
	int rc;
	if ((rc = cw_outfile_open(&f, &mr->output, path)) < 0)
		return rc;
	cw_csv_header(f, columns);
	size_t np = cw_dataset_physicians(mr->ds)->n;
	for (cw_ref p = 0; p < np; p++)
		for (int k = 0; k < CW_METRIC_COUNT; k++) {
			const cw_metric_table *t = cw_metrics_table(mr->metrics, k);
			if (t->rows[p].status != CW_METRIC_NO_DATA)
				write_row(f, mr, p, t);
		}
	return cw_outfile_close(f, path);
}
