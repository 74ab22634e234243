/* indicators.c: institution and department indicators of a month (see indicators.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/findings.h"
#include "engine/indicators.h"
#include "io/csvtab.h"
#include "io/outfile.h"
#include "io/rootmonths.h"

int cw_drug_share_level_target(double *out, const cw_section *s, int level)
{
	char key[16];
	*out = NAN;
	if (!cw_section_exists(s))
		return 0;
	cw_section lv = cw_section_child(s, "target_by_level");
	snprintf(key, sizeof key, "level%d", level);
	return cw_section_double(out, &lv, key, 0, 1);
}

/* The number of map[key] into *out: 1 when the map has it, 0 when not ("*" is the map's type only). */
static int map_target(double *out, const cw_section *s, const char *map, const char *key)
{
	cw_section m = cw_section_child(s, map);
	if (!*key || !strcmp(key, "*"))
		return 0;
	int rc = cw_section_double(out, &m, key, 0, 1);
	if (rc == CW_ENOTFOUND) {
		cw_error_clear();
		return 0;
	}
	return rc < 0 ? rc : 1;
}

int cw_drug_share_dept_target(double *out, const cw_section *s, const cw_dataset *ds, cw_ref dept)
{
	const cw_departments *de = cw_dataset_departments(ds);
	*out = NAN;
	if (!cw_section_exists(s))
		return 0;
	int rc = map_target(out, s, "by_department", cw_dataset_str(ds, de->id[dept]));
	if (rc == 0)
		rc = map_target(out, s, "by_specialty", cw_dataset_str(ds, de->specialty[dept]));
	if (rc == 0)
		rc = cw_drug_share_level_target(out, s, cw_dataset_institutions(ds)->level[de->inst[dept]]);
	return rc < 0 ? rc : 0;
}

int cw_indicators_targets(cw_indicators *ind, const cw_dataset *ds, const cw_rules *rules)
{
	cw_section s = cw_rules_section(rules, "detectors.drug_share");
	ind->target[0] = NAN;
	int rc = 0;
	for (int level = 1; rc == 0 && level <= 3; level++)
		rc = cw_drug_share_level_target(&ind->target[level], &s, level);
	for (cw_ref d = 0; rc == 0 && d < ind->ndept; d++)
		rc = cw_drug_share_dept_target(&ind->dept_target[d], &s, ds, d);
	ind->yoy_cut = NAN;
	if (rc == 0 && cw_section_exists(&s))
		rc = cw_section_double(&ind->yoy_cut, &s, "yoy_cut_points", 0, 100);
	return rc;
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

double cw_indicator_visits_per_patient(const cw_indicator *i)
{
	return i->patients ? (double)(i->visits + i->stays) / i->patients : NAN;
}

double cw_indicator_material_share(const cw_indicator *i)
{
	return i->revenue > 0 ? (double)i->material / (double)i->revenue : NAN;
}

cw_fen cw_indicator_out_of_scope(const cw_indicator *i) { return i->revenue - i->fund_paid - i->self_paid; }

double cw_indicator_self_pay_share(const cw_indicator *i)
{
	return i->revenue > 0 ? (double)i->self_paid / (double)i->revenue : NAN;
}

double cw_indicator_out_of_scope_share(const cw_indicator *i)
{
	return i->revenue > 0 ? (double)cw_indicator_out_of_scope(i) / (double)i->revenue : NAN;
}

double cw_indicator_essential_share(const cw_indicator *i)
{
	return i->drug > 0 ? (double)i->essential_drug / (double)i->drug : NAN;
}

double cw_indicator_ytd_share(const cw_indicator *i)
{
	return i->ytd_revenue > 0 ? (double)i->ytd_drug / (double)i->ytd_revenue : NAN;
}

double cw_indicator_ly_share(const cw_indicators *ind, const cw_indicator *i)
{
	if (ind->ly_months < ind->month_no || i->ly_revenue <= 0)
		return NAN;
	return (double)i->ly_drug / (double)i->ly_revenue;
}

int cw_indicator_yoy_short(const cw_indicators *ind, const cw_indicator *i)
{
	double now = cw_indicator_ytd_share(i), before = cw_indicator_ly_share(ind, i);
	if (ind->ytd_months < ind->month_no || !isfinite(now) || !isfinite(before) || !isfinite(ind->yoy_cut))
		return -1;
	/* in whole hundredths of a point, so that 2 points below is not missed by a rounding */
	return llround((before - now) * 1e4) < llround(ind->yoy_cut * 100);
}

double cw_growth(double now, double before)
{
	if (!isfinite(now) || !isfinite(before) || before == 0)
		return NAN;
	return (now - before) / before;
}

/* Adds one amount to a visit's institution and department. */
#define BOTH(field, op) do { inst[vi->inst[v]].field op; dept[vi->dept[v]].field op; } while (0)

/* Counts the patient of a live line once per institution and department: lines come grouped by patient
 * (the canonical order), so a patient is new to a row when it is not the last one counted there. */
static void count_patient(cw_indicator *x, cw_ref *last, cw_ref patient)
{
	if (*last != patient) {
		*last = patient;
		x->patients++;
	}
}

/* Who paid line l, into the visit's institution and department. */
static void tally_pay(const cw_claims *c, uint32_t l, double share, cw_indicator *a, cw_indicator *b)
{
	cw_fen fund, self_pay;
	int estimated;
	cw_line_pay(&fund, &self_pay, &estimated, c, l, share);
	a->fund_paid += fund;
	b->fund_paid += fund;
	a->self_paid += self_pay;
	b->self_paid += self_pay;
	a->fund_estimated |= estimated;
	b->fund_estimated |= estimated;
}

/* The figures of [start, end) into inst[] and dept[] (zeroed by the caller); share: fund.estimated_share. */
static int tally(const cw_dataset *ds, cw_minute start, cw_minute end, double share, cw_indicator *inst,
                 cw_indicator *dept)
{
	const cw_claims *c = cw_dataset_claims(ds);
	const cw_visits *vi = cw_dataset_visits(ds);
	const cw_items *it = cw_dataset_items(ds);
	size_t ni = cw_dataset_institutions(ds)->n, nd = cw_dataset_departments(ds)->n;
	cw_ref *last = malloc((ni + nd + 1) * sizeof *last);
	if (!last)
		return cw_error_set(CW_ENOMEM, "out of memory computing the indicators");
	for (size_t k = 0; k < ni + nd; k++)
		last[k] = CW_NONE;
	for (size_t l = 0; l < c->n; l++) {
		if (c->time[l] < start || c->time[l] >= end)
			continue;
		cw_ref v = c->visit[l];
		int cat = it->category[c->item[l]];
		BOTH(revenue, += c->amount[l]);
		if (cat == CW_CAT_DRUG)
			BOTH(drug, += c->amount[l]);
		if (cat == CW_CAT_DRUG && it->essential[c->item[l]])
			BOTH(essential_drug, += c->amount[l]);
		if (cat == CW_CAT_MATERIAL)
			BOTH(material, += c->amount[l]);
		tally_pay(c, (uint32_t)l, share, &inst[vi->inst[v]], &dept[vi->dept[v]]);
		if (cw_line_live(c, (uint32_t)l)) {
			count_patient(&inst[vi->inst[v]], &last[vi->inst[v]], c->patient[l]);
			count_patient(&dept[vi->dept[v]], &last[ni + vi->dept[v]], c->patient[l]);
		}
	}
	free(last);
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
	return 0;
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

/* What one earlier month's indicators.csv row gives: columns 3 and 4 of cols go to row x. */
typedef void (*row_fn)(cw_indicator *x, const cw_csvtab *t, int arg);

/* Calls fn on every institution and department row of month m's indicators.csv (cols: scope, inst_id,
 * dept_id and two figures) whose institution or department the dataset has: 1 when read, 0 when that
 * month was not run. The equipment rows (positive rates per equipment type) carry no costs or revenue. */
static int each_month_row(cw_indicators *ind, const cw_dataset *ds, const char *root, cw_month m,
                          const char *const *cols, row_fn fn, int arg)
{
	char path[4096], scope[32], id[80];
	if (!root || cw_root_month_file(path, sizeof path, root, m, "indicators.csv") < 0)
		return 0;
	cw_csvtab *t;
	int rc = cw_csvtab_open(&t, path, cols);
	if (rc == CW_ENOTFOUND) {
		cw_error_clear();
		return 0;
	}
	if (rc < 0)
		return rc;
	while ((rc = cw_csvtab_next(t)) == 1) {
		cw_csvtab_copy(scope, sizeof scope, t, 0);
		if (!strcmp(scope, "equipment"))
			continue;
		int dept = !strcmp(scope, "department");
		cw_csvtab_copy(id, sizeof id, t, dept ? 2 : 1);
		cw_ref r = cw_dataset_find(ds, dept ? CW_T_DEPARTMENTS : CW_T_INSTITUTIONS, id);
		if (r != CW_NONE)
			fn(dept ? &ind->dept[r] : &ind->inst[r], t, arg);
	}
	cw_csvtab_close(t);
	return rc < 0 ? rc : 1;
}

static void set_prev_costs(cw_indicator *x, const cw_csvtab *t, int arg)
{
	(void)arg;
	x->prev_per_visit = field_number(t, 3);
	x->prev_per_stay = field_number(t, 4);
}

/* Last month's figures from its indicators.csv: 1 when read, 0 when there is none. */
static int prev_from_file(cw_indicators *ind, const cw_dataset *ds, const char *root, cw_month prev)
{
	static const char *const cols[] = { "scope", "inst_id", "dept_id", "cost_per_visit", "cost_per_stay", NULL };
	return each_month_row(ind, ds, root, prev, cols, set_prev_costs, 0);
}

static cw_fen field_money(const cw_csvtab *t, size_t i)
{
	char buf[64];
	const char *why;
	cw_fen v = 0;
	cw_csvtab_copy(buf, sizeof buf, t, i);
	if (cw_parse_money(&v, &why, buf, strlen(buf)) < 0) {
		cw_error_clear();
		v = 0;
	}
	return v;
}

/* Adds a month's revenue and drugs to the year to date (ly 0) or to last year's (ly 1). */
static void add_revenue(cw_indicator *x, const cw_csvtab *t, int ly)
{
	*(ly ? &x->ly_revenue : &x->ytd_revenue) += field_money(t, 3);
	*(ly ? &x->ly_drug : &x->ytd_drug) += field_money(t, 4);
}

/* Adds month m's revenue and drugs from its indicators.csv to the year to date (ly 0) or to last year's
 * (ly 1): 1 when read, 0 when that month was not run. */
static int add_month_file(cw_indicators *ind, const cw_dataset *ds, const char *root, cw_month m, int ly)
{
	static const char *const cols[] = { "scope", "inst_id", "dept_id", "revenue", "drug_revenue", NULL };
	return each_month_row(ind, ds, root, m, cols, add_revenue, ly);
}

/* The year to date (this month and the earlier months' files) and last year's same months. */
static int year_to_date(cw_indicators *ind, const cw_dataset *ds, const char *root, cw_month now)
{
	ind->month_no = now.month;
	ind->ytd_months = 1;
	for (size_t i = 0; i < ind->ninst + ind->ndept; i++) {
		cw_indicator *x = i < ind->ninst ? &ind->inst[i] : &ind->dept[i - ind->ninst];
		x->ytd_revenue = x->revenue;
		x->ytd_drug = x->drug;
	}
	for (int k = 1; k <= now.month; k++) {
		cw_month m = { now.year, k }, last = { now.year - 1, k };
		int rc = k < now.month ? add_month_file(ind, ds, root, m, 0) : 0;
		if (rc < 0)
			return rc;
		ind->ytd_months += rc;
		if ((rc = add_month_file(ind, ds, root, last, 1)) < 0)
			return rc;
		ind->ly_months += rc;
	}
	return 0;
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
	double share;
	int rc = cw_fund_share(&share, NULL);
	if (rc == 0)
		rc = tally(ds, cw_month_start(prev), cw_month_end(prev), share, inst, dept);
	if (rc < 0) {
		free(inst);
		free(dept);
		return rc;
	}
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
	out->ninst = cw_dataset_institutions(ds)->n;
	out->ndept = cw_dataset_departments(ds)->n;
	out->inst = calloc(out->ninst + 1, sizeof *out->inst);
	out->dept = calloc(out->ndept + 1, sizeof *out->dept);
	out->dept_target = calloc(out->ndept + 1, sizeof *out->dept_target);
	if (!out->inst || !out->dept || !out->dept_target) {
		cw_indicators_free(out);
		return cw_error_set(CW_ENOMEM, "out of memory computing the indicators");
	}
	int rc = cw_indicators_targets(out, ds, rules);
	if (rc < 0) {
		cw_indicators_free(out);
		return rc;
	}
	const cw_window *w = cw_dataset_window(ds);
	double share;
	if ((rc = cw_fund_share(&share, rules)) < 0 || (rc = tally(ds, w->month_start, w->month_end, share, out->inst,
	                                                           out->dept)) < 0 ||
	    (rc = cw_posrates_compute(&out->pos, ds, rules)) < 0) {
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
	if ((rc = year_to_date(out, ds, root, w->month)) < 0) {
		cw_indicators_free(out);
		return cw_error_wrap(rc, "the earlier months' indicators (year to date)");
	}
	return 0;
}

void cw_indicators_free(cw_indicators *ind)
{
	free(ind->inst);
	free(ind->dept);
	cw_posrates_free(&ind->pos);
	free(ind->dept_target);
	ind->inst = ind->dept = NULL;
	ind->dept_target = NULL;
	ind->ninst = ind->ndept = 0;
}

/* --- indicators.csv -------------------------------------------------------------- */

static const char *const columns[] = {
	"scope", "inst_id", "dept_id", "name", "level", "revenue", "drug_revenue", "drug_share", "drug_share_target",
	"over_target", "outpatient_visits", "outpatient_cost", "cost_per_visit", "last_cost_per_visit",
	"cost_per_visit_growth", "inpatient_stays", "inpatient_cost", "cost_per_stay", "last_cost_per_stay",
	"cost_per_stay_growth", "ytd_months", "ytd_drug_share", "last_year_ytd_drug_share", "yoy_change",
	"yoy_short", "patients", "visits_per_patient", "material_revenue", "material_share", "fund_paid", "self_paid",
	"out_of_scope", "self_pay_share", "out_of_scope_share", "fund_estimated", "essential_drug_revenue",
	"essential_drug_share",
	CW_POSRATE_FIRST_COLUMN, "large_exams_positive", "positive_rate", "positive_rate_floor",
	"under_positive_rate_floor", "item_code", NULL
};

static void number(FILE *f, double v, int decimals, int last)
{
	if (isfinite(v))
		fprintf(f, "%.*f", decimals, v);
	fputc(last ? '\n' : ',', f);
}

/* Issue 14's columns: patients .. essential_drug_share. */
static void pay_cells(FILE *f, const cw_indicator *x)
{
	char buf[CW_FMT_SIZE];
	fprintf(f, "%u,", x->patients);
	number(f, cw_indicator_visits_per_patient(x), 4, 0);
	cw_csv_cell(f, cw_format_money(buf, x->material), 0);
	number(f, cw_indicator_material_share(x), 4, 0);
	cw_csv_cell(f, cw_format_money(buf, x->fund_paid), 0);
	cw_csv_cell(f, cw_format_money(buf, x->self_paid), 0);
	cw_csv_cell(f, cw_format_money(buf, cw_indicator_out_of_scope(x)), 0);
	number(f, cw_indicator_self_pay_share(x), 4, 0);
	number(f, cw_indicator_out_of_scope_share(x), 4, 0);
	fprintf(f, "%d,", x->fund_estimated);
	cw_csv_cell(f, cw_format_money(buf, x->essential_drug), 0);
	number(f, cw_indicator_essential_share(x), 4, 0);
}

static void write_row(FILE *f, const cw_indicators *ind, const cw_indicator *x, const cw_posrate *pos,
                      const char *scope, const char *inst, const char *dept, const char *name, int level,
                      double target)
{
	char buf[CW_FMT_SIZE];
	double share = cw_indicator_drug_share(x);
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
	double ytd = cw_indicator_ytd_share(x), ly = cw_indicator_ly_share(ind, x);
	int yoy = cw_indicator_yoy_short(ind, x);
	fprintf(f, "%d,", ind->ytd_months);
	number(f, ytd, 4, 0);
	number(f, ly, 4, 0);
	number(f, ytd - ly, 4, 0);
	if (yoy >= 0)
		fprintf(f, "%d", yoy);
	fputc(',', f);
	pay_cells(f, x);
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
		          cw_dataset_str(ds, in->name[i]), in->level[i], ind->target[in->level[i]]);
	for (size_t d = 0; d < ind->ndept; d++)
		write_row(f, ind, &ind->dept[d], &ind->pos.dept[d], "department", cw_dataset_str(ds, in->id[de->inst[d]]),
		          cw_dataset_str(ds, de->id[d]), cw_dataset_str(ds, de->name[d]), in->level[de->inst[d]],
		          ind->dept_target[d]);
	cw_posrate_equipment_rows(f, &ind->pos, ds, columns);
	return cw_outfile_close(f, path);
}
