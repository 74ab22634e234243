/* assess_file.c: inst_assessment.csv and dept_assessment.csv written and read back, and a period's table
 * summed from its month files (see assess.h; the columns: docs/data-format.md, docs/institutions.md). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/common.h"
#include "claimwatch/error.h"
#include "io/csvtab.h"
#include "io/outfile.h"
#include "io/rootmonths.h"
#include "judge/assess.h"

/* The columns up to the indicators; an institution's file has no dept_id. */
static const char *const head[] = {
	"period", "inst_id", "dept_id", "name", "level", "region", "visits", "stays", "patients", "revenue",
	"fund_paid", "fund_estimated", "findings", "findings_per_100_visits", "violation_amount", "violation_fund",
	"confirmed_amount", "confirmed_fund", "refunded_amount", "rejected_rows", "score", "grade", "rank", "rank_of",
	"rank_group", "months", "claim_lines", "drug_revenue", "material_revenue", "essential_drug_revenue",
	"outpatient_cost", "inpatient_cost", "self_paid", "out_of_scope", "large_exams_resulted",
	"large_exams_positive", "last_cost_per_visit", "last_cost_per_stay", "violation_share", "rejected_share",
	"indicator_deduction", "findings_deduction", "money_deduction", "data_deduction", NULL
};

static void put(FILE *f, int flags, const char *fmt, ...) CW_PRINTF(3, 4);
static void put(FILE *f, int flags, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	cw_csv_put(f, buf, strlen(buf), 0, flags);
}

static void text(FILE *f, int flags, const char *s) { cw_csv_put(f, s, strlen(s), 0, flags); }

static void count(FILE *f, int flags, int64_t v)
{
	if (v < 0)
		text(f, flags, "");
	else
		put(f, flags, "%lld", (long long)v);
}

static void money(FILE *f, int flags, cw_fen v)
{
	char buf[CW_FMT_SIZE];
	text(f, flags, v == CW_FEN_NONE ? "" : cw_format_money(buf, v));
}

static void num(FILE *f, int flags, double v, int decimals)
{
	if (isfinite(v))
		put(f, flags, "%.*f", decimals, v);
	else
		text(f, flags, "");
}

static int decimals(int i)
{
	return i == CW_AI_COST_PER_VISIT || i == CW_AI_COST_PER_STAY || i == CW_AI_VISITS_PER_PATIENT ? 2 : 4;
}

static void header(FILE *f, int dept, int flags)
{
	if (flags & CW_CSV_EXCEL)
		fputs("\xEF\xBB\xBF", f);
	for (size_t i = 0; head[i]; i++)
		if (dept || strcmp(head[i], "dept_id"))
			text(f, flags, head[i]);
	for (int i = 0; i < CW_AI_N; i++) {
		char buf[64];
		text(f, flags, cw_ai_name(i));
		snprintf(buf, sizeof buf, "%s_target", cw_ai_name(i));
		text(f, flags, buf);
		snprintf(buf, sizeof buf, "%s_over", cw_ai_name(i));
		cw_csv_put(f, buf, strlen(buf), i == CW_AI_N - 1, flags);
	}
}

static void row(FILE *f, const cw_assess_row *r, int dept, int flags)
{
	char score[32];
	text(f, flags, r->period);
	text(f, flags, r->inst);
	if (dept)
		text(f, flags, r->dept);
	text(f, flags, r->name);
	put(f, flags, "%d", r->level);
	text(f, flags, r->region);
	count(f, flags, r->visits);
	count(f, flags, r->stays);
	count(f, flags, r->patients);
	money(f, flags, r->revenue);
	money(f, flags, r->fund_paid);
	count(f, flags, r->fund_estimated);
	count(f, flags, r->findings);
	num(f, flags, r->per_100_visits, 2);
	money(f, flags, r->violation);
	money(f, flags, r->violation_fund);
	money(f, flags, r->confirmed);
	money(f, flags, r->confirmed_fund);
	money(f, flags, r->refunded);
	count(f, flags, r->rejected_rows);
	snprintf(score, sizeof score, "%lld.%02lld", r->score / 100, r->score % 100);
	text(f, flags, score);
	put(f, flags, "%c", r->grade);
	put(f, flags, "%d", r->rank);
	put(f, flags, "%d", r->rank_of);
	text(f, flags, r->rank_group);
	put(f, flags, "%d", r->months);
	count(f, flags, r->claim_lines);
	money(f, flags, r->drug);
	money(f, flags, r->material);
	money(f, flags, r->essential);
	money(f, flags, r->visit_cost);
	money(f, flags, r->stay_cost);
	money(f, flags, r->self_paid);
	money(f, flags, r->out_of_scope);
	count(f, flags, r->resulted);
	count(f, flags, r->positive);
	num(f, flags, r->last_per_visit, 2);
	num(f, flags, r->last_per_stay, 2);
	num(f, flags, r->violation_share, 4);
	num(f, flags, r->rejected_share, 4);
	num(f, flags, r->ded_indicators, 2);
	num(f, flags, r->ded_findings, 2);
	num(f, flags, r->ded_money, 2);
	num(f, flags, r->ded_data, 2);
	for (int i = 0; i < CW_AI_N; i++) {
		num(f, flags, r->value[i], decimals(i));
		num(f, flags, r->target[i], decimals(i));
		const char *o = r->over[i] ? "1" : "0";
		cw_csv_put(f, o, 1, i == CW_AI_N - 1, flags);
	}
}

void cw_assess_write_csv(FILE *f, const cw_assess_table *t, int flags)
{
	header(f, t->dept, flags);
	for (size_t i = 0; i < t->n; i++)
		row(f, &t->rows[i], t->dept, flags);
}

/* --- JSON ------------------------------------------------------------------------------------------- */

static void json_money(cJSON *o, const char *key, cw_fen v)
{
	char buf[CW_FMT_SIZE];
	if (v == CW_FEN_NONE)
		cJSON_AddNullToObject(o, key);
	else
		cJSON_AddStringToObject(o, key, cw_format_money(buf, v));
}

static void json_num(cJSON *o, const char *key, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static void json_count(cJSON *o, const char *key, int64_t v)
{
	json_num(o, key, v < 0 ? NAN : (double)v);
}

static cJSON *row_json(const cw_assess_row *r, int dept)
{
	char g[2] = { r->grade, 0 };
	cJSON *o = cJSON_CreateObject(), *ind = cJSON_CreateObject();
	if (!o || !ind) {
		cJSON_Delete(o);
		cJSON_Delete(ind);
		return NULL;
	}
	cJSON_AddStringToObject(o, "period", r->period);
	cJSON_AddStringToObject(o, "inst_id", r->inst);
	if (dept)
		cJSON_AddStringToObject(o, "dept_id", r->dept);
	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddNumberToObject(o, "level", r->level);
	cJSON_AddStringToObject(o, "region", r->region);
	json_count(o, "visits", r->visits);
	json_count(o, "stays", r->stays);
	json_count(o, "patients", r->patients);
	json_money(o, "revenue", r->revenue);
	json_money(o, "fund_paid", r->fund_paid);
	json_count(o, "fund_estimated", r->fund_estimated);
	json_count(o, "findings", r->findings);
	json_num(o, "findings_per_100_visits", r->per_100_visits);
	json_money(o, "violation_amount", r->violation);
	json_money(o, "violation_fund", r->violation_fund);
	json_money(o, "confirmed_amount", r->confirmed);
	json_money(o, "confirmed_fund", r->confirmed_fund);
	json_money(o, "refunded_amount", r->refunded);
	json_count(o, "rejected_rows", r->rejected_rows);
	cJSON_AddNumberToObject(o, "score", (double)r->score / 100.0);
	cJSON_AddStringToObject(o, "grade", g);
	cJSON_AddNumberToObject(o, "rank", r->rank);
	cJSON_AddNumberToObject(o, "rank_of", r->rank_of);
	cJSON_AddStringToObject(o, "rank_group", r->rank_group);
	cJSON_AddNumberToObject(o, "months", r->months);
	for (int i = 0; i < CW_AI_N; i++) {
		cJSON *x = cJSON_CreateObject();
		if (!x)
			break;
		json_num(x, "value", r->value[i]);
		json_num(x, "target", r->target[i]);
		cJSON_AddBoolToObject(x, "over", r->over[i]);
		cJSON_AddItemToObject(ind, cw_ai_name(i), x);
	}
	cJSON_AddItemToObject(o, "indicators", ind);
	return o;
}

int cw_assess_write_json(FILE *f, const cw_assess_table *t)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; a && i < t->n; i++) {
		cJSON *o = row_json(&t->rows[i], t->dept);
		if (!o || !cJSON_AddItemToArray(a, o)) {
			cJSON_Delete(o);
			cJSON_Delete(a);
			a = NULL;
		}
	}
	char *s = a ? cJSON_Print(a) : NULL;
	cJSON_Delete(a);
	if (!s)
		return cw_error_set(CW_ENOMEM, "out of memory writing the assessment as JSON");
	fputs(s, f);
	fputc('\n', f);
	free(s);
	return 0;
}

/* --- reading a month file back ---------------------------------------------------------------------- */

/* The columns read back: the keys, then the additive figures, then the targets. */
enum {
	R_INST, R_DEPT, R_NAME, R_LEVEL, R_REGION, R_VISITS, R_STAYS, R_PATIENTS, R_CLAIM_LINES, R_REJECTED,
	R_FINDINGS, R_RESULTED, R_POSITIVE, R_REVENUE, R_DRUG, R_MATERIAL, R_ESSENTIAL, R_VISIT_COST, R_STAY_COST,
	R_FUND_PAID, R_SELF_PAID, R_OUT_OF_SCOPE, R_VIOLATION, R_VIOLATION_FUND, R_CONFIRMED, R_CONFIRMED_FUND,
	R_REFUNDED, R_FUND_ESTIMATED, R_LAST_VISIT, R_LAST_STAY, R_TARGETS, R_N = R_TARGETS + CW_AI_N
};
static const char *const read_names[R_TARGETS] = {
	"inst_id", "dept_id", "name", "level", "region", "visits", "stays", "patients", "claim_lines",
	"rejected_rows", "findings", "large_exams_resulted", "large_exams_positive", "revenue", "drug_revenue",
	"material_revenue", "essential_drug_revenue", "outpatient_cost", "inpatient_cost", "fund_paid", "self_paid",
	"out_of_scope", "violation_amount", "violation_fund", "confirmed_amount", "confirmed_fund", "refunded_amount",
	"fund_estimated", "last_cost_per_visit", "last_cost_per_stay"
};

static int bad(const cw_csvtab *t, int col, const char *what, const char *why)
{
	return cw_error_set(CW_EINVALID, "%s: line %llu, column %s: %s%s%s", cw_csvtab_path(t),
	                    (unsigned long long)cw_csvtab_line(t), read_names[col < R_TARGETS ? col : 0], what,
	                    why ? ": " : "", why ? why : "");
}

static int cell_count(int64_t *out, const cw_csvtab *t, int col)
{
	size_t len;
	const char *s = cw_csvtab_field(t, (size_t)col, &len), *why = NULL;
	if (!len) {
		*out = CW_ASSESS_UNKNOWN;
		return 0;
	}
	if (cw_parse_int(out, &why, s, len, 0, INT64_MAX / 4) < 0) {
		cw_error_clear();
		return bad(t, col, "not a count", why);
	}
	return 0;
}

static int cell_money(cw_fen *out, const cw_csvtab *t, int col)
{
	size_t len;
	const char *s = cw_csvtab_field(t, (size_t)col, &len), *why = NULL;
	if (!len) {
		*out = CW_FEN_NONE;
		return 0;
	}
	if (cw_parse_money(out, &why, s, len) < 0) {
		cw_error_clear();
		return bad(t, col, "not an amount", why);
	}
	return 0;
}

static int cell_number(double *out, const cw_csvtab *t, int col, const char *name)
{
	char buf[64], *end;
	cw_csvtab_copy(buf, sizeof buf, t, (size_t)col);
	if (!buf[0]) {
		*out = NAN;
		return 0;
	}
	*out = strtod(buf, &end);
	if (*end || !isfinite(*out))
		return cw_error_set(CW_EINVALID, "%s: line %llu, column %s: not a number: '%s'", cw_csvtab_path(t),
		                    (unsigned long long)cw_csvtab_line(t), name, buf);
	return 0;
}

static void add_count(int64_t *sum, int64_t v, int first)
{
	*sum = first ? v : *sum < 0 || v < 0 ? CW_ASSESS_UNKNOWN : *sum + v;
}

static void add_money(cw_fen *sum, cw_fen v, int first)
{
	*sum = first ? v : *sum == CW_FEN_NONE || v == CW_FEN_NONE ? CW_FEN_NONE : *sum + v;
}

static cw_assess_row *find_row(cw_assess_table *t, const char *inst, const char *dept, int *first)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].inst, inst) && !strcmp(t->rows[i].dept, dept)) {
			*first = 0;
			return &t->rows[i];
		}
	*first = 1;
	cw_assess_row *r = cw_assess_table_add(t);
	if (r) {
		snprintf(r->inst, sizeof r->inst, "%s", inst);
		snprintf(r->dept, sizeof r->dept, "%s", dept);
	}
	return r;
}

static int take_counts(cw_assess_row *r, const cw_csvtab *t, int first)
{
	int64_t *to[] = { &r->visits, &r->stays, &r->patients, &r->claim_lines, &r->rejected_rows, &r->findings,
		          &r->resulted, &r->positive };
	for (int c = R_VISITS; c <= R_POSITIVE; c++) {
		int64_t v;
		int rc = cell_count(&v, t, c);
		if (rc < 0)
			return rc;
		if (v < 0 && c != R_PATIENTS)
			return bad(t, c, "empty", NULL);
		add_count(to[c - R_VISITS], v, first);
	}
	return 0;
}

static int take_money(cw_assess_row *r, const cw_csvtab *t, int first)
{
	cw_fen *to[] = { &r->revenue, &r->drug, &r->material, &r->essential, &r->visit_cost, &r->stay_cost,
		         &r->fund_paid, &r->self_paid, &r->out_of_scope, &r->violation, &r->violation_fund,
		         &r->confirmed, &r->confirmed_fund, &r->refunded };
	for (int c = R_REVENUE; c <= R_REFUNDED; c++) {
		cw_fen v;
		int rc = cell_money(&v, t, c);
		if (rc < 0)
			return rc;
		if (v == CW_FEN_NONE && (c <= R_DRUG || c == R_VISIT_COST || c == R_STAY_COST || c == R_VIOLATION ||
		                         c == R_CONFIRMED || c == R_REFUNDED))
			return bad(t, c, "empty", NULL);
		add_money(to[c - R_REVENUE], v, first);
	}
	return 0;
}

/* The latest month's name, level, region, targets and (a single month) last costs. */
static int take_latest(cw_assess_row *r, const cw_csvtab *t, char names[CW_AI_N][64])
{
	int64_t level, est;
	int rc = cell_count(&level, t, R_LEVEL);
	if (rc == 0 && (level < 1 || level > 3))
		rc = bad(t, R_LEVEL, "not a level 1-3", NULL);
	if (rc == 0)
		rc = cell_count(&est, t, R_FUND_ESTIMATED);
	if (rc == 0 && est > 1)
		rc = bad(t, R_FUND_ESTIMATED, "not 0 or 1", NULL);
	if (rc < 0)
		return rc;
	r->level = (int)level;
	if (r->months == 0)
		r->fund_estimated = (int)est;
	else if (r->fund_estimated >= 0)
		r->fund_estimated = est < 0 ? CW_ASSESS_UNKNOWN : r->fund_estimated || est;
	cw_csvtab_copy(r->name, sizeof r->name, t, R_NAME);
	cw_csvtab_copy(r->region, sizeof r->region, t, R_REGION);
	if ((rc = cell_number(&r->last_per_visit, t, R_LAST_VISIT, "last_cost_per_visit")) < 0 ||
	    (rc = cell_number(&r->last_per_stay, t, R_LAST_STAY, "last_cost_per_stay")) < 0)
		return rc;
	for (int i = 0; i < CW_AI_N; i++)
		if ((rc = cell_number(&r->target[i], t, R_TARGETS + i, names[i])) < 0)
			return rc;
	return 0;
}

static int take_row(cw_assess_table *tab, const cw_csvtab *t, char names[CW_AI_N][64])
{
	char inst[72], dept[72];
	int first;
	cw_csvtab_copy(inst, sizeof inst, t, R_INST);
	cw_csvtab_copy(dept, sizeof dept, t, R_DEPT);
	if (!inst[0])
		return bad(t, R_INST, "empty", NULL);
	if (tab->dept && !dept[0])
		return bad(t, R_DEPT, "empty", NULL);
	cw_assess_row *r = find_row(tab, inst, dept, &first);
	if (!r)
		return CW_ENOMEM;
	int rc = take_counts(r, t, first);
	if (rc == 0)
		rc = take_money(r, t, first);
	if (rc == 0)
		rc = take_latest(r, t, names);
	r->months++;
	return rc;
}

/* The rows of ROOT/YYYY-MM's file, or of `path` when given (a month being written elsewhere). */
static int add_month_file(cw_assess_table *tab, const char *root, cw_month m, const char *path)
{
	char names[CW_AI_N][64];
	const char *cols[R_N + 1];
	for (int i = 0; i < R_TARGETS; i++)
		cols[i] = read_names[i];
	if (!tab->dept)
		cols[R_DEPT] = "?dept_id";
	for (int i = 0; i < CW_AI_N; i++) {
		snprintf(names[i], sizeof names[i], "%s_target", cw_ai_name(i));
		cols[R_TARGETS + i] = names[i];
	}
	cols[R_N] = NULL;
	cw_csvtab *t;
	int rc = path ? cw_csvtab_open(&t, path, cols)
	              : cw_root_month_table(&t, root, m, tab->dept ? "dept_assessment.csv" : "inst_assessment.csv", cols);
	if (rc == CW_ENOTFOUND) {
		cw_error_clear();
		return 0;
	}
	if (rc < 0)
		return rc;
	while ((rc = cw_csvtab_next(t)) == 1)
		if ((rc = take_row(tab, t, names)) < 0)
			break;
	cw_csvtab_close(t);
	return rc < 0 ? rc : 1;
}

int cw_assess_add_month(cw_assess_table *tab, const char *root, cw_month m)
{
	return add_month_file(tab, root, m, NULL);
}

/* --- periods ---------------------------------------------------------------------------------------- */

int cw_assess_period_parse(cw_month *first, cw_month *last, const char *s)
{
	int y, n;
	char c, end;
	if (cw_month_parse(first, s) == 0) {
		*last = *first;
		return 0;
	}
	cw_error_clear();
	int k = sscanf(s, "%4d-%c%d%c", &y, &c, &n, &end);
	if (k == 1 && strlen(s) == 4 && y >= 1900 && y <= 9999) {
		*first = (cw_month){ y, 1 };
		*last = (cw_month){ y, 12 };
		return 0;
	}
	if (k == 3 && strlen(s) == 7 && y >= 1900 && ((c == 'Q' && n >= 1 && n <= 4) || (c == 'H' && n >= 1 && n <= 2))) {
		int len = c == 'Q' ? 3 : 6;
		*first = (cw_month){ y, (n - 1) * len + 1 };
		*last = (cw_month){ y, n * len };
		return 0;
	}
	return cw_error_set(CW_EINVALID, "'%s' is not a period: YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY", s);
}

/* Sums the months first..last into t; *read: the month files found. */
static int sum_months(cw_assess_table *t, int *read, const char *root, cw_month first, cw_month last,
                      const cw_assess_month_file *cur)
{
	*read = 0;
	for (cw_month m = first; cw_month_cmp(m, last) <= 0; m = cw_month_next(m)) {
		int rc = add_month_file(t, root, m, cur && !cw_month_cmp(m, cur->month) ? cur->path : NULL);
		if (rc < 0)
			return rc;
		*read += rc;
	}
	return 0;
}

/* The growth base of a longer period: the period of the same length before, when every month has a file. */
static int last_period(cw_assess_table *t, const char *root, cw_month first, cw_month last)
{
	int len = (last.year - first.year) * 12 + last.month - first.month + 1, read;
	cw_month pf = first, pl = cw_month_prev(first);
	for (int i = 0; i < len; i++)
		pf = cw_month_prev(pf);
	cw_assess_table before = { .dept = t->dept };
	int rc = sum_months(&before, &read, root, pf, pl, NULL);
	for (size_t i = 0; i < t->n; i++)
		t->rows[i].last_per_visit = t->rows[i].last_per_stay = NAN;
	for (size_t i = 0; rc == 0 && read == len && i < before.n; i++) {
		const cw_assess_row *b = &before.rows[i];
		for (size_t j = 0; j < t->n; j++) {
			cw_assess_row *r = &t->rows[j];
			if (strcmp(r->inst, b->inst) || strcmp(r->dept, b->dept) || b->months != len)
				continue;
			r->last_per_visit = b->visits > 0 ? (double)b->visit_cost / 100.0 / (double)b->visits : NAN;
			r->last_per_stay = b->stays > 0 ? (double)b->stay_cost / 100.0 / (double)b->stays : NAN;
		}
	}
	cw_assess_table_free(&before);
	return rc;
}

static int by_key(const void *pa, const void *pb)
{
	const cw_assess_row *a = pa, *b = pb;
	int c = strcmp(a->inst, b->inst);
	return c ? c : strcmp(a->dept, b->dept);
}

int cw_assess_period(cw_assess_table *out, int *months_read, const char *root, const char *period, int dept,
                     const cw_assess_rules *ar)
{
	return cw_assess_period_with(out, months_read, root, period, dept, ar, NULL);
}

int cw_assess_period_with(cw_assess_table *out, int *months_read, const char *root, const char *period, int dept,
                          const cw_assess_rules *ar, const cw_assess_month_file *cur)
{
	cw_month first, last;
	memset(out, 0, sizeof *out);
	out->dept = dept;
	int rc = cw_assess_period_parse(&first, &last, period);
	if (rc == 0)
		rc = sum_months(out, months_read, root, first, last, cur);
	if (rc == 0 && *months_read == 0)
		rc = cw_error_set(CW_ENOTFOUND, "%s: no month of %s has an %s", root, period,
		                  dept ? "dept_assessment.csv" : "inst_assessment.csv");
	if (rc == 0 && cw_month_cmp(first, last) != 0)
		rc = last_period(out, root, first, last);
	if (rc < 0) {
		cw_assess_table_free(out);
		return rc;
	}
	qsort(out->rows, out->n, sizeof *out->rows, by_key);
	for (size_t i = 0; i < out->n; i++) {
		snprintf(out->rows[i].period, sizeof out->rows[i].period, "%s", period);
		cw_assess_grade(&out->rows[i], ar);
	}
	return cw_assess_rank(out->rows, out->n, dept);
}
