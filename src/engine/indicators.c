/* indicators.c: institution and department indicators of a month (see indicators.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "engine/indicators.h"
#include "io/csvtab.h"
#include "io/outfile.h"
#include "io/rootmonths.h"

int cw_indicators_targets(double target[4], const cw_rules *rules)
{
	cw_section s = cw_rules_section(rules, "report.drug_share_target");
	target[0] = NAN;
	for (int level = 1; level <= 3; level++) {
		char key[16];
		snprintf(key, sizeof key, "level%d", level);
		int rc = cw_section_double(&target[level], &s, key, 0, 1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

double cw_indicator_per_visit(const cw_indicator *i)
{
	return i->visits ? (double)i->visit_cost / 100.0 / i->visits : NAN;
}

double cw_indicator_per_stay(const cw_indicator *i)
{
	return i->stays ? (double)i->stay_cost / 100.0 / i->stays : NAN;
}

double cw_indicator_drug_share(const cw_indicator *i)
{
	return i->revenue > 0 ? (double)i->drug / (double)i->revenue : NAN;
}

double cw_growth(double now, double before)
{
	if (!isfinite(now) || !isfinite(before) || before == 0)
		return NAN;
	return (now - before) / before;
}

/* Adds one amount to a visit's institution and department. */
#define BOTH(field, op) do { inst[vi->inst[v]].field op; dept[vi->dept[v]].field op; } while (0)

/* The figures of [start, end) into inst[] and dept[] (zeroed by the caller). */
static void tally(const cw_dataset *ds, cw_minute start, cw_minute end, cw_indicator *inst, cw_indicator *dept)
{
	const cw_claims *c = cw_dataset_claims(ds);
	const cw_visits *vi = cw_dataset_visits(ds);
	const cw_items *it = cw_dataset_items(ds);
	for (size_t l = 0; l < c->n; l++) {
		if (c->time[l] < start || c->time[l] >= end)
			continue;
		cw_ref v = c->visit[l];
		BOTH(revenue, += c->amount[l]);
		if (it->category[c->item[l]] == CW_CAT_DRUG)
			BOTH(drug, += c->amount[l]);
	}
	for (size_t v = 0; v < vi->n; v++) {
		int op = vi->kind[v] != CW_INPATIENT;
		cw_minute when = op ? vi->admit[v] : vi->discharge[v];
		if (when == CW_MINUTE_NONE || when < start || when >= end)
			continue;
		cw_fen cost = 0;
		for (uint32_t k = vi->line_start[v]; k < vi->line_start[v + 1]; k++)
			cost += c->amount[c->by_visit[k]];
		if (op) {
			BOTH(visits, ++);
			BOTH(visit_cost, += cost);
		} else {
			BOTH(stays, ++);
			BOTH(stay_cost, += cost);
		}
	}
}

static void clear_prev(cw_indicators *ind)
{
	for (size_t i = 0; i < ind->ninst; i++)
		ind->inst[i].prev_per_visit = ind->inst[i].prev_per_stay = NAN;
	for (size_t i = 0; i < ind->ndept; i++)
		ind->dept[i].prev_per_visit = ind->dept[i].prev_per_stay = NAN;
}

static double field_number(const cw_csvtab *t, size_t i)
{
	char buf[64], *end;
	cw_csvtab_copy(buf, sizeof buf, t, i);
	double v = strtod(buf, &end);
	return buf[0] && !*end ? v : NAN;
}

/* Last month's figures from its indicators.csv: 1 when read, 0 when there is none. */
static int prev_from_file(cw_indicators *ind, const cw_dataset *ds, const char *root, cw_month prev)
{
	static const char *const cols[] = { "scope", "inst_id", "dept_id", "cost_per_visit", "cost_per_stay", NULL };
	char path[4096], scope[32], id[80];
	if (!root || cw_root_month_file(path, sizeof path, root, prev, "indicators.csv") < 0)
		return 0;
	cw_csvtab *t;
	int rc = cw_csvtab_open(&t, path, cols);
	if (rc == CW_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	while ((rc = cw_csvtab_next(t)) == 1) {
		cw_csvtab_copy(scope, sizeof scope, t, 0);
		if (!strcmp(scope, "equipment")) /* the positive rate per equipment type: no costs */
			continue;
		int dept = !strcmp(scope, "department");
		cw_csvtab_copy(id, sizeof id, t, dept ? 2 : 1);
		cw_ref r = cw_dataset_find(ds, dept ? CW_T_DEPARTMENTS : CW_T_INSTITUTIONS, id);
		if (r == CW_NONE)
			continue;
		cw_indicator *x = dept ? &ind->dept[r] : &ind->inst[r];
		x->prev_per_visit = field_number(t, 3);
		x->prev_per_stay = field_number(t, 4);
	}
	cw_csvtab_close(t);
	return rc < 0 ? rc : 1;
}

/* Last month's figures from the look-back window, when it covers the whole month. */
static int prev_from_lookback(cw_indicators *ind, const cw_dataset *ds, cw_month prev)
{
	const cw_window *w = cw_dataset_window(ds);
	if (w->window_start > cw_month_start(prev))
		return 0;
	cw_indicator *inst = calloc(ind->ninst + 1, sizeof *inst), *dept = calloc(ind->ndept + 1, sizeof *dept);
	if (!inst || !dept) {
		free(inst);
		free(dept);
		return cw_error_set(CW_ENOMEM, "out of memory computing the indicators");
	}
	tally(ds, cw_month_start(prev), cw_month_end(prev), inst, dept);
	for (size_t i = 0; i < ind->ninst; i++) {
		ind->inst[i].prev_per_visit = cw_indicator_per_visit(&inst[i]);
		ind->inst[i].prev_per_stay = cw_indicator_per_stay(&inst[i]);
	}
	for (size_t i = 0; i < ind->ndept; i++) {
		ind->dept[i].prev_per_visit = cw_indicator_per_visit(&dept[i]);
		ind->dept[i].prev_per_stay = cw_indicator_per_stay(&dept[i]);
	}
	free(inst);
	free(dept);
	return 1;
}

int cw_indicators_compute(cw_indicators *out, const cw_dataset *ds, const cw_rules *rules, const char *root)
{
	memset(out, 0, sizeof *out);
	int rc = cw_indicators_targets(out->target, rules);
	if (rc < 0)
		return rc;
	out->ninst = cw_dataset_institutions(ds)->n;
	out->ndept = cw_dataset_departments(ds)->n;
	out->inst = calloc(out->ninst + 1, sizeof *out->inst);
	out->dept = calloc(out->ndept + 1, sizeof *out->dept);
	if (!out->inst || !out->dept) {
		cw_indicators_free(out);
		return cw_error_set(CW_ENOMEM, "out of memory computing the indicators");
	}
	const cw_window *w = cw_dataset_window(ds);
	tally(ds, w->month_start, w->month_end, out->inst, out->dept);
	if ((rc = cw_posrates_compute(&out->pos, ds, rules)) < 0) {
		cw_indicators_free(out);
		return rc;
	}
	clear_prev(out);
	cw_month prev = cw_month_prev(w->month);
	cw_month_format(out->prev_month, prev);
	rc = prev_from_file(out, ds, root, prev);
	if (rc == 0 && (rc = prev_from_lookback(out, ds, prev)) == 1)
		out->prev = CW_PREV_LOOKBACK;
	else if (rc == 1)
		out->prev = CW_PREV_FILE;
	if (rc < 0) {
		cw_indicators_free(out);
		return cw_error_wrap(rc, "last month's indicators");
	}
	return 0;
}

void cw_indicators_free(cw_indicators *ind)
{
	free(ind->inst);
	free(ind->dept);
	cw_posrates_free(&ind->pos);
	ind->inst = ind->dept = NULL;
	ind->ninst = ind->ndept = 0;
}

/* --- indicators.csv -------------------------------------------------------------- */

static const char *const columns[] = {
	"scope", "inst_id", "dept_id", "name", "level", "revenue", "drug_revenue", "drug_share", "drug_share_target",
	"over_target", "outpatient_visits", "outpatient_cost", "cost_per_visit", "last_cost_per_visit",
	"cost_per_visit_growth", "inpatient_stays", "inpatient_cost", "cost_per_stay", "last_cost_per_stay",
	"cost_per_stay_growth",
	CW_POSRATE_FIRST_COLUMN, "large_exams_positive", "positive_rate", "positive_rate_floor",
	"under_positive_rate_floor", "item_code", NULL
};

static void number(FILE *f, double v, int decimals, int last)
{
	if (isfinite(v))
		fprintf(f, "%.*f", decimals, v);
	fputc(last ? '\n' : ',', f);
}

static void write_row(FILE *f, const cw_indicators *ind, const cw_indicator *x, const cw_posrate *pos,
                      const char *scope, const char *inst, const char *dept, const char *name, int level)
{
	char buf[CW_FMT_SIZE];
	double share = cw_indicator_drug_share(x), target = ind->target[level];
	double pv = cw_indicator_per_visit(x), ps = cw_indicator_per_stay(x);
	cw_csv_cell(f, scope, 0);
	cw_csv_cell(f, inst, 0);
	cw_csv_cell(f, dept, 0);
	cw_csv_cell(f, name, 0);
	fprintf(f, "%d,", level);
	cw_csv_cell(f, cw_format_money(buf, x->revenue), 0);
	cw_csv_cell(f, cw_format_money(buf, x->drug), 0);
	number(f, share, 4, 0);
	number(f, target, 4, 0);
	fprintf(f, "%d,%u,", isfinite(share) && share > target, x->visits);
	cw_csv_cell(f, cw_format_money(buf, x->visit_cost), 0);
	number(f, pv, 2, 0);
	number(f, x->prev_per_visit, 2, 0);
	number(f, cw_growth(pv, x->prev_per_visit), 4, 0);
	fprintf(f, "%u,", x->stays);
	cw_csv_cell(f, cw_format_money(buf, x->stay_cost), 0);
	number(f, ps, 2, 0);
	number(f, x->prev_per_stay, 2, 0);
	number(f, cw_growth(ps, x->prev_per_stay), 4, 0);
	cw_posrate_cells(f, pos, ind->pos.floor, "");
}

int cw_indicators_write(const cw_indicators *ind, const cw_dataset *ds, cw_output *o, const char *path)
{
	const cw_institutions *in = cw_dataset_institutions(ds);
	const cw_departments *de = cw_dataset_departments(ds);
	FILE *f;
	int rc = cw_outfile_open(&f, o, path);
	if (rc < 0)
		return rc;
	cw_csv_header(f, columns);
	for (size_t i = 0; i < ind->ninst; i++)
		write_row(f, ind, &ind->inst[i], &ind->pos.inst[i], "institution", cw_dataset_str(ds, in->id[i]), "",
		          cw_dataset_str(ds, in->name[i]), in->level[i]);
	for (size_t d = 0; d < ind->ndept; d++)
		write_row(f, ind, &ind->dept[d], &ind->pos.dept[d], "department", cw_dataset_str(ds, in->id[de->inst[d]]),
		          cw_dataset_str(ds, de->id[d]), cw_dataset_str(ds, de->name[d]), in->level[de->inst[d]]);
	cw_posrate_equipment_rows(f, &ind->pos, ds, columns);
	return cw_outfile_close(f, path);
}
