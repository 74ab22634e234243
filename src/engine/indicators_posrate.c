/* indicators_posrate.c: the large-equipment positive rate of the indicators (大型设备检查阳性率, B1, B5):
 * per institution, per department and, per institution, per equipment type (see indicators.h). The
 * floor is low_positive_rate's (detectors.low_positive_rate.threshold): one number in one place. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "engine/indicators.h"
#include "io/outfile.h"

double cw_posrate_floor(const cw_rules *rules)
{
	cw_section s = cw_rules_section(rules, "detectors.low_positive_rate");
	double floor = NAN;
	if (!cw_section_exists(&s) || cw_section_double(&floor, &s, "threshold", 0, 1) < 0) {
		cw_error_clear();
		return NAN;
	}
	return floor;
}

double cw_posrate_rate(const cw_posrate *p)
{
	return p->resulted ? (double)p->positive / (double)p->resulted : NAN;
}

int cw_posrate_under(const cw_posrate *p, double floor)
{
	double rate = cw_posrate_rate(p);
	return isfinite(rate) && isfinite(floor) && rate < floor;
}

void cw_posrates_free(cw_posrates *p)
{
	free(p->inst);
	free(p->dept);
	free(p->equip);
	memset(p, 0, sizeof *p);
}

static void add(cw_posrate *p, int positive)
{
	p->resulted++;
	p->positive += (uint32_t)positive;
}

/* The month's live large-equipment lines with a result, as low_positive_rate counts them; by the visit's
 * institution and department. */
int cw_posrates_compute(cw_posrates *out, const cw_dataset *ds, const cw_rules *rules)
{
	const cw_claims *cl = cw_dataset_claims(ds);
	const cw_visits *vi = cw_dataset_visits(ds);
	const cw_items *it = cw_dataset_items(ds);
	size_t ninst = cw_dataset_institutions(ds)->n, ndept = cw_dataset_departments(ds)->n;
	memset(out, 0, sizeof *out);
	out->floor = cw_posrate_floor(rules);
	out->nitems = it->n;
	out->inst = calloc(ninst + 1, sizeof *out->inst);
	out->dept = calloc(ndept + 1, sizeof *out->dept);
	out->equip = calloc(ninst * it->n + 1, sizeof *out->equip);
	if (!out->inst || !out->dept || !out->equip) {
		cw_posrates_free(out);
		return cw_error_set(CW_ENOMEM, "out of memory computing the positive rates");
	}
	for (size_t i = 0; i < cl->n; i++) {
		if (!cw_line_live(cl, i) || !(cl->flags[i] & CW_LINE_IN_MONTH) || !it->large_equipment[cl->item[i]] ||
		    (cl->result[i] != CW_RESULT_POSITIVE && cl->result[i] != CW_RESULT_NEGATIVE))
			continue;
		int pos = cl->result[i] == CW_RESULT_POSITIVE;
		cw_ref v = cl->visit[i];
		add(&out->inst[vi->inst[v]], pos);
		add(&out->dept[vi->dept[v]], pos);
		add(&out->equip[(size_t)vi->inst[v] * it->n + cl->item[i]], pos);
	}
	return 0;
}

/* --- indicators.csv's columns ------------------------------------------------------- */
static void number(FILE *f, double v, int decimals)
{
	if (isfinite(v))
		fprintf(f, "%.*f", decimals, v);
}

void cw_posrate_cells(FILE *f, const cw_posrate *p, double floor, const char *item_code)
{
	fprintf(f, "%u,%u,", p->resulted, p->positive);
	number(f, cw_posrate_rate(p), 4);
	fputc(',', f);
	number(f, floor, 4);
	fprintf(f, ",%d,", cw_posrate_under(p, floor));
	cw_csv_cell(f, item_code, 1);
}

int cw_posrate_equipment_rows(FILE *f, const cw_posrates *pos, const cw_dataset *ds, const char *const *columns)
{
	const cw_institutions *in = cw_dataset_institutions(ds);
	const cw_items *it = cw_dataset_items(ds);
	int blank = 0; /* the columns between level and the positive rate's, empty on these rows */
	while (columns[5 + blank] && strcmp(columns[5 + blank], CW_POSRATE_FIRST_COLUMN))
		blank++;
	for (size_t i = 0; i < in->n; i++)
		for (size_t item = 0; item < it->n; item++) {
			const cw_posrate *p = &pos->equip[i * it->n + item];
			if (!p->resulted)
				continue;
			cw_csv_cell(f, "equipment", 0);
			cw_csv_cell(f, cw_dataset_str(ds, in->id[i]), 0);
			cw_csv_cell(f, "", 0);
			cw_csv_cell(f, cw_dataset_str(ds, it->name[item]), 0);
			fprintf(f, "%d,", in->level[i]);
			for (int k = 0; k < blank; k++)
				fputc(',', f);
			cw_posrate_cells(f, p, pos->floor, cw_dataset_str(ds, it->code[item]));
		}
	return ferror(f) ? cw_error_set(CW_EIO, "write failed") : 0;
}
