/* write_assessment.c: inst_assessment.csv and dept_assessment.csv of the month (issue 14 item 2; L1, L2,
 * L6, K1, G7; judge/assess.h, docs/institutions.md): the month's indicators (mr->indicators), its findings
 * and their review states, and the rejected rows of the month that name an institution, per institution
 * and per department, scored, graded and ranked. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/csvtab.h"
#include "io/outfile.h"
#include "judge/prompts.h"
#include "run/run.h"

/* --- FUND's figures (interfaces sections 1-3): the one place they are read --------------------------
 * Who paid what (indicators.h: fund_paid, self_paid, out of scope, estimated where a line lacks
 * fund_amount), patients, material and essential-drug revenue, each finding's fund share (cw_record.fund)
 * and the institutions' region (data contract 2). */
static void fund_figures(cw_assess_row *r, const cw_indicator *x)
{
	r->patients = x->patients;
	r->material = x->material;
	r->essential = x->essential_drug;
	r->fund_paid = x->fund_paid;
	r->self_paid = x->self_paid;
	r->out_of_scope = cw_indicator_out_of_scope(x);
	r->fund_estimated = x->fund_estimated;
}

/* Whether the catalogue marks any item essential: without the column (data contract 1) every flag is 0, and
 * an essential-drug share of 0 would be judged under its floor for want of data. */
static int essential_given(const cw_dataset *ds)
{
	const cw_items *it = cw_dataset_items(ds);
	for (size_t i = 0; it->essential && i < it->n; i++)
		if (it->essential[i])
			return 1;
	return 0;
}

static cw_fen record_fund(const cw_record *rec)
{
	return rec->fund;
}

static const char *region_of(const cw_dataset *ds, cw_ref inst)
{
	const cw_institutions *in = cw_dataset_institutions(ds);
	return in->region && in->region[inst] != CW_NONE ? cw_dataset_str(ds, in->region[inst]) : "";
}

/* --- rows from the month's indicators --------------------------------------------------------------- */

static void from_indicator(cw_assess_row *r, const cw_indicator *x, const cw_posrate *pos)
{
	r->visits = x->visits;
	r->stays = x->stays;
	r->revenue = x->revenue;
	r->drug = x->drug;
	r->visit_cost = x->visit_cost;
	r->stay_cost = x->stay_cost;
	r->resulted = pos->resulted;
	r->positive = pos->positive;
	/* in cents, as indicators.csv shows them: the month file and a period of that month then agree */
	r->last_per_visit = round(x->prev_per_visit * 100) / 100;
	r->last_per_stay = round(x->prev_per_stay * 100) / 100;
	fund_figures(r, x);
	if (r->fund_paid != CW_FEN_NONE)
		r->violation_fund = r->confirmed_fund = 0;
}

/* The targets of the assessment's own indicators; the drug share's and the positive rate's are given. */
static int targets(cw_assess_row *r, const cw_assess_rules *ar, double drug, double floor)
{
	for (int i = 0; i < CW_AI_N; i++) {
		int rc = 0;
		if (i == CW_AI_DRUG_SHARE)
			r->target[i] = drug;
		else if (i == CW_AI_POSITIVE_RATE)
			r->target[i] = floor;
		else
			rc = cw_assess_target(&r->target[i], ar, i, r->inst, r->dept, r->level);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int base_rows(cw_month_run *mr, const cw_assess_rules *ar)
{
	const cw_dataset *ds = mr->ds;
	const cw_institutions *in = cw_dataset_institutions(ds);
	const cw_departments *de = cw_dataset_departments(ds);
	const cw_indicators *ind = &mr->indicators;
	cw_assess_table *ti = &mr->assessment.inst, *td = &mr->assessment.dept;
	int essential = essential_given(ds);
	td->dept = 1;
	for (size_t k = 0; k < in->n + de->n; k++) {
		int dept = k >= in->n;
		size_t i = dept ? k - in->n : k;
		cw_ref inst = dept ? de->inst[i] : (cw_ref)i;
		cw_assess_row *r = cw_assess_table_add(dept ? td : ti);
		if (!r)
			return CW_ENOMEM;
		snprintf(r->period, sizeof r->period, "%s", mr->month);
		snprintf(r->inst, sizeof r->inst, "%s", cw_dataset_str(ds, in->id[inst]));
		if (dept)
			snprintf(r->dept, sizeof r->dept, "%s", cw_dataset_str(ds, de->id[i]));
		snprintf(r->name, sizeof r->name, "%s", cw_dataset_str(ds, dept ? de->name[i] : in->name[i]));
		snprintf(r->region, sizeof r->region, "%s", region_of(ds, inst));
		r->level = in->level[inst];
		r->months = 1;
		from_indicator(r, dept ? &ind->dept[i] : &ind->inst[i], dept ? &ind->pos.dept[i] : &ind->pos.inst[i]);
		if (!essential)
			r->essential = CW_FEN_NONE;
		int rc = targets(r, ar, dept ? ind->dept_target[i] : ind->target[r->level], ind->pos.floor);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Adds money to a sum that stays unknown once anything added is. */
static void add_fund(cw_fen *sum, cw_fen v)
{
	*sum = *sum == CW_FEN_NONE || v == CW_FEN_NONE ? CW_FEN_NONE : *sum + v;
}

static void add_finding(cw_assess_row *r, const cw_record *rec, int state, cw_fen refunded)
{
	cw_fen fund = record_fund(rec);
	r->findings++;
	r->violation += rec->f.suspect;
	add_fund(&r->violation_fund, fund);
	if (cw_review_is_confirmed(state)) {
		r->confirmed += rec->f.suspect;
		add_fund(&r->confirmed_fund, fund);
	}
	r->refunded += refunded;
}

/* The month's findings that count (not dismissed, not prompts), by the institution and department they name. */
static void findings(cw_month_run *mr)
{
	size_t n = cw_findings_count(mr->findings);
	for (size_t i = 0; i < n; i++) {
		cw_record rec;
		cw_findings_get(&rec, mr->findings, i);
		int state = cw_reviews_status(mr->reviews, rec.id);
		if (state == CW_REVIEW_DISMISSED || rec.inst == CW_NONE || cw_finding_is_prompt(rec.detector->name))
			continue; /* a prompt (judge/prompts.h) is no violation */
		cw_fen refunded = cw_reviews_refunded(mr->reviews, rec.id);
		add_finding(&mr->assessment.inst.rows[rec.inst], &rec, state, refunded);
		if (rec.dept != CW_NONE)
			add_finding(&mr->assessment.dept.rows[rec.dept], &rec, state, refunded);
	}
}

/* The month's claim lines, by the institution and department of their visit (the rejected share's base). */
static void claim_lines(cw_month_run *mr)
{
	const cw_claims *c = cw_dataset_claims(mr->ds);
	const cw_visits *vi = cw_dataset_visits(mr->ds);
	const cw_window *w = cw_dataset_window(mr->ds);
	for (size_t l = 0; l < c->n; l++) {
		if (c->time[l] < w->month_start || c->time[l] >= w->month_end)
			continue;
		mr->assessment.inst.rows[vi->inst[c->visit[l]]].claim_lines++;
		mr->assessment.dept.rows[vi->dept[c->visit[l]]].claim_lines++;
	}
}

/* --- the month's rejected rows (G7) ----------------------------------------------------------------- */

/* Field k of a CSV record (the reject file's `record`) into buf; 0 when the record has it. */
static int record_field(char *buf, size_t size, const char *rec, size_t len, int k)
{
	size_t i = 0, o = 0;
	for (int field = 0; i <= len; field++) {
		int quoted = i < len && rec[i] == '"';
		i += quoted;
		o = 0;
		for (; i < len; i++) {
			if (quoted && rec[i] == '"') {
				if (i + 1 < len && rec[i + 1] == '"') {
					i++;
				} else {
					quoted = 0;
					continue;
				}
			} else if (!quoted && rec[i] == ',') {
				break;
			}
			if (field == k && o + 1 < size)
				buf[o++] = rec[i];
		}
		if (field == k) {
			buf[o] = 0;
			return 0;
		}
		i++;
	}
	return -1;
}

/* The institution and department a rejected row of `file` names: visits by their columns, claim lines
 * and prescriptions through their visit; 0 when it names them. */
static int rejected_owner(const cw_dataset *ds, const char *file, const char *rec, size_t len, cw_ref *inst,
                          cw_ref *dept)
{
	char a[128], b[128];
	size_t n = strcspn(file, ".");
	int visits = n == 6 && !strncmp(file, "visits", n);
	int vcol = n == 11 && !strncmp(file, "claim_lines", n) ? 1 : n == 13 && !strncmp(file, "prescriptions", n) ? 2 : -1;
	if (visits && !record_field(a, sizeof a, rec, len, 2) && !record_field(b, sizeof b, rec, len, 3)) {
		*inst = cw_dataset_find(ds, CW_T_INSTITUTIONS, a);
		*dept = cw_dataset_find(ds, CW_T_DEPARTMENTS, b);
		return *inst == CW_NONE ? -1 : 0;
	}
	if (vcol < 0 || record_field(a, sizeof a, rec, len, vcol))
		return -1;
	cw_ref v = cw_dataset_find(ds, CW_T_VISITS, a);
	if (v == CW_NONE)
		return -1;
	*inst = cw_dataset_visits(ds)->inst[v];
	*dept = cw_dataset_visits(ds)->dept[v];
	return 0;
}

static int rejected_rows(cw_month_run *mr)
{
	static const char *const cols[] = { "file", "record", "month", NULL };
	char file[64], month[16];
	cw_csvtab *t = NULL;
	int rc = cw_csvtab_open(&t, cw_outdir_file(mr->od, "rejects.csv"), cols);
	if (rc == CW_ENOTFOUND) {
		cw_error_clear();
		return 0;
	}
	while (rc == 0 && (rc = cw_csvtab_next(t)) == 1) {
		size_t len;
		cw_ref inst, dept = CW_NONE;
		rc = 0;
		cw_csvtab_copy(month, sizeof month, t, 2);
		cw_csvtab_copy(file, sizeof file, t, 0);
		const char *rec = cw_csvtab_field(t, 1, &len);
		if (strcmp(month, mr->month) || rejected_owner(mr->ds, file, rec, len, &inst, &dept) < 0)
			continue;
		mr->assessment.inst.rows[inst].rejected_rows++;
		if (dept != CW_NONE && cw_dataset_departments(mr->ds)->inst[dept] == inst)
			mr->assessment.dept.rows[dept].rejected_rows++;
	}
	cw_csvtab_close(t);
	return rc < 0 ? rc : 0;
}

/* --- the files -------------------------------------------------------------------------------------- */

static int write_table(cw_month_run *mr, const cw_assess_table *t, const char *name)
{
	FILE *f;
	const char *path = cw_outdir_file(mr->od, name);
	int rc = cw_outfile_open(&f, &mr->output, path);
	if (rc < 0)
		return rc;
	cw_assess_write_csv(f, t, 0);
	return cw_outfile_close(f, path);
}

int cw_write_assessment(cw_month_run *mr)
{
	cw_assess_rules ar;
	int rc = cw_assess_rules_load(&ar, mr->rules);
	if (rc == 0)
		rc = base_rows(mr, &ar);
	if (rc == 0) {
		findings(mr);
		claim_lines(mr);
		rc = rejected_rows(mr);
	}
	for (int d = 0; rc == 0 && d < 2; d++) {
		cw_assess_table *t = d ? &mr->assessment.dept : &mr->assessment.inst;
		for (size_t i = 0; i < t->n; i++)
			cw_assess_grade(&t->rows[i], &ar);
		rc = cw_assess_rank(t->rows, t->n, d);
	}
	if (rc == 0)
		rc = write_table(mr, &mr->assessment.inst, "inst_assessment.csv");
	if (rc == 0)
		rc = write_table(mr, &mr->assessment.dept, "dept_assessment.csv");
	return rc < 0 ? cw_error_wrap(rc, "the assessment of institutions and departments") : 0;
}
