/* write_ranking.c: ranking.csv, one row per physician and dimension (contract columns, then extras).
 *
 * Each dimension (the rules' order, then the composite) lists its ranked
 * physicians by scope group and rank, then those with a score of 0 (graded,
 * not ranked; status no_problems), then those with too few cases (no score,
 * grade or rank; status too_few_cases), each with their findings and money.
 * The last column, under_min_visits, marks (1) every physician under
 * scoring.min_visits, also when scoring.rank_too_few ranks them like the
 * others; the columns before it keep their meaning for the ranked ones. */
#include <stdio.h>
#include <stdlib.h>
#include "claimwatch/error.h"
#include "io/outfile.h"
#include "run/run.h"

static const char *const columns[] = {
	"month", "inst_id", "dept_id", "physician_id", "dimension", "score", "grade", "rank", "findings",
	"suspect_amount",
	"physician_name", "grade_zh", "scope", "scope_group", "visits", "billed", "money_share",
	"findings_per_100_visits", "outlier_severity", "confirmed", "dismissed", "status", "under_min_visits", NULL
};

static const char *scope_group(const cw_month_run *mr, const cw_physcore *p)
{
	const cw_dataset *ds = mr->ds;
	switch (mr->scores->scope) {
	case CW_SCOPE_INSTITUTION: return cw_dataset_str(ds, cw_dataset_institutions(ds)->id[p->inst]);
	case CW_SCOPE_SPECIALTY: return cw_dataset_str(ds, cw_dataset_departments(ds)->specialty[p->dept]);
	default: return "all";
	}
}

static void write_row(FILE *f, const cw_month_run *mr, const cw_physcore *p, size_t dim)
{
	const cw_dataset *ds = mr->ds;
	const cw_dimscore *d = &p->dim[dim];
	char buf[CW_FMT_SIZE];
	cw_csv_cell(f, mr->month, 0);
	cw_csv_cell(f, cw_dataset_str(ds, cw_dataset_institutions(ds)->id[p->inst]), 0);
	cw_csv_cell(f, cw_dataset_str(ds, cw_dataset_departments(ds)->id[p->dept]), 0);
	cw_csv_cell(f, cw_dataset_str(ds, cw_dataset_physicians(ds)->id[p->physician]), 0);
	cw_csv_cell(f, dim < mr->scores->ndims ? cw_dimset_name(mr->dims, dim) : "composite", 0);
	if (p->too_few)
		fputs(",,,", f);
	else if (!d->rank)
		fprintf(f, "%d.%02d,%s,,", d->score / 100, d->score % 100, cw_grade_name(d->grade));
	else
		fprintf(f, "%d.%02d,%s,%u,", d->score / 100, d->score % 100, cw_grade_name(d->grade), d->rank);
	fprintf(f, "%u,", d->findings);
	cw_csv_cell(f, cw_format_money(buf, d->suspect), 0);
	cw_csv_cell(f, cw_dataset_str(ds, cw_dataset_physicians(ds)->name[p->physician]), 0);
	cw_csv_cell(f, cw_grade_name_zh(d->grade), 0);
	cw_csv_cell(f, cw_scope_name(mr->scores->scope), 0);
	cw_csv_cell(f, scope_group(mr, p), 0);
	fprintf(f, "%u,", p->visits);
	cw_csv_cell(f, cw_format_money(buf, p->billed), 0);
	fprintf(f, "%.4f,%.2f,%.3f,%u,%u,", d->money_share, d->per_100, d->outlier, d->confirmed, d->dismissed);
	cw_csv_cell(f, p->too_few ? "too_few_cases" : d->rank ? "ranked" : "no_problems", 0);
	cw_csv_cell(f, p->under_floor ? "1" : "0", 1);
}

int cw_write_ranking(cw_month_run *mr)
{
	const char *path = cw_outdir_file(mr->od, "ranking.csv");
	const cw_scores *s = mr->scores;
	FILE *f;
	int rc = cw_outfile_open(&f, &mr->output, path);
	if (rc < 0)
		return rc;
	cw_csv_header(f, columns);
	uint32_t *idx = s && s->n ? malloc(s->n * sizeof *idx) : NULL;
	if (s && s->n && !idx) {
		fclose(f);
		return cw_error_set(CW_ENOMEM, "out of memory writing ranking.csv");
	}
	for (size_t d = 0; s && s->n && d <= s->ndims; d++) {
		cw_rank_order(idx, s, mr->ds, d);
		for (size_t i = 0; i < s->n; i++)
			write_row(f, mr, &s->rows[idx[i]], d);
	}
	free(idx);
	return cw_outfile_close(f, path);
}
