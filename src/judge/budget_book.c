/* budget_book.c: the global budget of every institution over a range of months (document 004, I1-I4,
 * I12; budget_book.h, docs/budget.md), from the budgets table and the month folders under ROOT. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "claimwatch/review.h"
#include "io/csvtab.h"
#include "io/rootmonths.h"
#include "judge/assess.h"
#include "judge/budget_book.h"
#include "judge/prompts.h"

/* One institution row of a month's indicators.csv. */
typedef struct month_row {
	const char *inst, *name;
	int fund_given;        /* fund_paid was not empty */
	cw_fen fund;
	int estimated;
	double visits, stays, revenue;
} month_row;

typedef int (*row_fn)(void *ctx, const month_row *r);

static int warn(cw_budget_book *b, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	size_t have = b->warnings ? strlen(b->warnings) : 0;
	char *w = realloc(b->warnings, have + strlen(line) + 2);
	if (!w)
		return cw_error_set(CW_ENOMEM, "out of memory");
	sprintf(w + have, "%s\n", line);
	b->warnings = w;
	return 0;
}

/* Yuan with up to 2 decimals (a sign allowed) into fen; empty is CW_FEN_NONE. */
static int money(cw_fen *out, const cw_csvtab *t, size_t i, const char *column)
{
	char buf[48], *p = buf;
	cw_csvtab_copy(buf, sizeof buf, t, i);
	*out = CW_FEN_NONE;
	if (!buf[0])
		return 0;
	int neg = *p == '-', frac = -1;
	int64_t v = 0;
	p += neg;
	for (; *p; p++) {
		if (*p == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || frac >= 2 || v > INT64_C(99999999999999999) / 10)
			return cw_error_set(CW_EINVALID, "%s: line %llu: %s '%s' is not an amount in yuan", cw_csvtab_path(t),
			                    (unsigned long long)cw_csvtab_line(t), column, buf);
		v = v * 10 + (*p - '0');
		frac += frac >= 0;
	}
	for (int f = frac < 0 ? 0 : frac; f < 2; f++)
		v *= 10;
	*out = neg ? -v : v;
	return 0;
}

static double number(const cw_csvtab *t, size_t i)
{
	char buf[48], *end;
	cw_csvtab_copy(buf, sizeof buf, t, i);
	double v = buf[0] ? strtod(buf, &end) : NAN;
	return buf[0] && !*end && isfinite(v) ? v : NAN;
}

static int open_table(cw_csvtab **t, const char *root, cw_month m, const char *override, const char *file,
                      const char *const *cols)
{
	if (override)
		return cw_csvtab_open(t, override, cols);
	return cw_root_month_table(t, root, m, file, cols);
}

static const char *month_override(const cw_budget_month_files *cur, cw_month m, int findings)
{
	if (!cur || cur->month.year != m.year || cur->month.month != m.month)
		return NULL;
	return findings ? cur->findings : cur->indicators;
}

/* The institution rows of a month's indicators.csv, each to fn. CW_ENOTFOUND without the file. */
static int each_institution(const char *root, cw_month m, const cw_budget_month_files *cur, row_fn fn, void *ctx)
{
	static const char *const cols[] = { "scope", "inst_id", "?name", "?fund_paid", "?fund_estimated",
		                            "?outpatient_visits", "?inpatient_stays", "?revenue", NULL };
	cw_csvtab *t;
	char scope[32], inst[72], name[128], est[8];
	int rc = open_table(&t, root, m, month_override(cur, m, 0), "indicators.csv", cols);
	if (rc < 0)
		return rc;
	while (rc >= 0 && (rc = cw_csvtab_next(t)) > 0) {
		if (strcmp(cw_csvtab_copy(scope, sizeof scope, t, 0), "institution"))
			continue;
		month_row r = { .inst = cw_csvtab_copy(inst, sizeof inst, t, 1),
			        .name = cw_csvtab_copy(name, sizeof name, t, 2) };
		if ((rc = money(&r.fund, t, 3, "fund_paid")) < 0)
			break;
		r.fund_given = r.fund != CW_FEN_NONE;
		r.estimated = !strcmp(cw_csvtab_copy(est, sizeof est, t, 4), "1");
		r.visits = number(t, 5);
		r.stays = number(t, 6);
		r.revenue = number(t, 7);
		if ((rc = fn(ctx, &r)) < 0)
			break;
	}
	cw_csvtab_close(t);
	return rc < 0 ? rc : 0;
}

static cw_budget_inst *find(cw_budget_book *b, const char *inst, int year)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->inst[i].year == year && !strcmp(b->inst[i].inst_id, inst))
			return &b->inst[i];
	return NULL;
}

static cw_budget_inst *add(cw_budget_book *b, const char *inst, int year)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16;
		cw_budget_inst *p = realloc(b->inst, cap * sizeof *p);
		if (!p)
			return cw_error_set(CW_ENOMEM, "out of memory"), NULL;
		b->inst = p;
		b->cap = cap;
	}
	cw_budget_inst *x = &b->inst[b->n++];
	memset(x, 0, sizeof *x);
	snprintf(x->inst_id, sizeof x->inst_id, "%s", inst);
	x->year = year;
	x->source = -1; /* no budget yet */
	for (int k = 0; k < 12; k++) {
		x->last_year[k] = CW_FEN_NONE;
		x->visits[k] = x->stays[k] = x->revenue[k] = NAN;
		x->under_fall[k][0] = x->under_fall[k][1] = x->under_fall[k][2] = NAN;
	}
	return x;
}

/* --- this year's months ------------------------------------------------------------------------- */

typedef struct month_ctx {
	cw_budget_book *b;
	int year, k;        /* k: month index 0..11 */
	int missing_fund;   /* rows without fund_paid */
} month_ctx;

static int take_month(void *ctx, const month_row *r)
{
	month_ctx *c = ctx;
	cw_budget_inst *x = find(c->b, r->inst, c->year);
	if (!x && !(x = add(c->b, r->inst, c->year)))
		return CW_ENOMEM;
	if (r->name[0])
		snprintf(x->name, sizeof x->name, "%s", r->name);
	x->visits[c->k] = r->visits;
	x->stays[c->k] = r->stays;
	x->revenue[c->k] = r->revenue;
	if (!r->fund_given) {
		c->missing_fund++;
		return 0;
	}
	x->have[c->k] = 1;
	x->estimated[c->k] = r->estimated;
	x->m[c->k].claimed = r->fund;
	return 0;
}

/* The months of the year without indicators.csv: a gap before a month that was run is warned one by one;
 * the months after the last one run, once (the year is not over). */
static int warn_missing(cw_budget_book *b, int year, const int *missing, int last)
{
	int ran = -1, rc = 0;
	for (int k = 0; k < last; k++)
		if (!missing[k])
			ran = k;
	for (int k = 0; k < ran && rc == 0; k++)
		if (missing[k])
			rc = warn(b, b->zh ? "%04d-%02d：没有 indicators.csv（该月未运行），计为 0"
			                   : "%04d-%02d: no indicators.csv (the month was not run); counted as 0", year, k + 1);
	if (rc == 0 && ran + 1 < last)
		rc = warn(b, b->zh ? "%04d-%02d..%04d-%02d：尚未运行，年度未完结"
		                   : "%04d-%02d..%04d-%02d: not run yet; the year is not complete", year, ran + 2, year, last);
	return rc;
}

static int read_year_months(cw_budget_book *b, const char *root, int year, int last,
                            const cw_budget_month_files *cur)
{
	int missing[12] = { 0 };
	for (int k = 0; k < last; k++) {
		cw_month m = { year, k + 1 };
		month_ctx c = { b, year, k, 0 };
		int rc = each_institution(root, m, cur, take_month, &c);
		if (rc == CW_ENOTFOUND) {
			cw_error_clear();
			missing[k] = 1;
			rc = 0;
		} else if (rc == 0 && c.missing_fund)
			rc = warn(b, b->zh ? "%04d-%02d：indicators.csv 没有 fund_paid（请用本版本重新运行该月），计为 0"
			                   : "%04d-%02d: indicators.csv has no fund_paid (run the month again with this "
			                     "version); counted as 0", year, k + 1);
		if (rc < 0)
			return rc;
	}
	return warn_missing(b, year, missing, last);
}

/* --- past years: the derived budget (I3) and last year's profile ------------------------------- */

typedef struct past_ctx {
	cw_budget_book *b;
	int year;           /* the budget year */
	int back, k;        /* years back (1..), month index */
	cw_fen *fund;       /* per institution of the book: [n][years][12] */
	size_t years;
} past_ctx;

static int take_past(void *ctx, const month_row *r)
{
	past_ctx *c = ctx;
	cw_budget_inst *x = find(c->b, r->inst, c->year);
	if (!x || !r->fund_given)
		return 0;
	size_t i = (size_t)(x - c->b->inst);
	c->fund[(i * c->years + (size_t)(c->back - 1)) * 12 + (size_t)c->k] = r->fund;
	return 0;
}

static int read_past(cw_budget_book *b, const char *root, int year, cw_fen *fund, size_t years)
{
	for (size_t i = 0; i < b->n * years * 12; i++)
		fund[i] = CW_FEN_NONE;
	for (int back = 1; back <= (int)years; back++)
		for (int k = 0; k < 12; k++) {
			past_ctx c = { b, year, back, k, fund, years };
			int rc = each_institution(root, (cw_month){ year - back, k + 1 }, NULL, take_past, &c);
			if (rc == CW_ENOTFOUND)
				cw_error_clear();
			else if (rc < 0)
				return rc;
		}
	return 0;
}

/* A past year's total when all its twelve months are known, else CW_FEN_NONE. */
static cw_fen year_total(const cw_fen *months)
{
	cw_fen sum = 0;
	for (int k = 0; k < 12; k++) {
		if (months[k] == CW_FEN_NONE)
			return CW_FEN_NONE;
		sum += months[k];
	}
	return sum;
}

static int past_years(cw_budget_book *b, const char *root, int year)
{
	size_t years = (size_t)(b->rules.base_years > 1 ? b->rules.base_years : 1);
	cw_fen *fund = malloc((b->n ? b->n : 1) * years * 12 * sizeof *fund);
	if (!fund)
		return cw_error_set(CW_ENOMEM, "out of memory");
	int rc = read_past(b, root, year, fund, years);
	for (size_t i = 0; rc == 0 && i < b->n; i++) {
		cw_budget_inst *x = &b->inst[i];
		if (x->year != year)
			continue;
		const cw_fen *f = &fund[i * years * 12];
		memcpy(x->last_year, f, sizeof x->last_year);
		cw_fen totals[16];
		int n = 0;
		for (size_t y = 0; y < years; y++)
			if ((totals[n] = year_total(&f[y * 12])) != CW_FEN_NONE)
				n++;
		if (x->source < 0 && n > 0 && (rc = cw_budget_derive(&x->annual, totals, n, &b->rules)) == 0) {
			x->source = CW_BUDGET_DERIVED;
			x->derived_years = n;
		}
	}
	free(fund);
	return rc;
}

/* --- violations confirmed (findings.csv and ROOT/reviews.csv) --------------------------------- */

static int violations(cw_budget_book *b, const char *root, int year, int last, const cw_reviews *rv,
                      const cw_budget_month_files *cur)
{
	static const char *const cols[] = { "finding_id", "inst_id", "suspect_amount", "?fund_amount", "?detector",
		                            NULL };
	char id[128], inst[72], det[64];
	for (int k = 0; k < last; k++) {
		cw_csvtab *t;
		cw_month m = { year, k + 1 };
		int rc = open_table(&t, root, m, month_override(cur, m, 1), "findings.csv", cols);
		if (rc == CW_ENOTFOUND) {
			cw_error_clear();
			continue;
		}
		if (rc < 0)
			return rc;
		while (rc >= 0 && (rc = cw_csvtab_next(t)) > 0) {
			cw_csvtab_copy(id, sizeof id, t, 0);
			if (!cw_review_is_confirmed(cw_reviews_status(rv, id)) ||
			    cw_finding_is_prompt(cw_csvtab_copy(det, sizeof det, t, 4))) /* a prompt is no violation */
				continue;
			cw_budget_inst *x = find(b, cw_csvtab_copy(inst, sizeof inst, t, 1), year);
			cw_fen fund, suspect;
			if ((rc = money(&fund, t, 3, "fund_amount")) < 0 || (rc = money(&suspect, t, 2, "suspect_amount")) < 0)
				break;
			cw_fen v = fund != CW_FEN_NONE ? fund : suspect != CW_FEN_NONE ? suspect : 0;
			if (x)
				x->m[k].violations += v;
		}
		cw_csvtab_close(t);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* --- grades (ASSESS's period file, else the rules) -------------------------------------------- */

/* A 0/1 flag of the assessment: 0 or 1, -1 when empty, -2 for anything else. */
static int over_flag(const char *s)
{
	if (!s[0])
		return -1;
	return !strcmp(s, "0") ? 0 : !strcmp(s, "1") ? 1 : -2;
}

/* I2's condition from the year's two flags. */
static int targets_of(int vpp_over, int cpv_over)
{
	return vpp_over && cpv_over ? CW_TARGETS_BOTH_OVER : vpp_over ? CW_TARGETS_VPP_OVER
	     : cpv_over ? CW_TARGETS_CPV_OVER : CW_TARGETS_KEPT;
}

/* Without the period file: the year's assessment computed from its month files (the run's month from
 * where it is being written), as `claimwatch assess --period YYYY` would; nothing when no month has one. */
static int computed_grades(cw_budget_book *b, const char *root, int year, const cw_rules *rules,
                           const cw_budget_month_files *cur)
{
	char period[8];
	cw_assess_rules ar;
	cw_assess_table t;
	int months;
	snprintf(period, sizeof period, "%04d", year);
	cw_assess_month_file now = { cur ? cur->month : (cw_month){ 0, 0 }, cur ? cur->inst_assessment : NULL };
	int rc = cw_assess_rules_load(&ar, rules);
	if (rc == 0)
		rc = cw_assess_period_with(&t, &months, root, period, 0, &ar, now.path ? &now : NULL);
	if (rc == CW_ENOTFOUND) {
		cw_error_clear();
		return 0;
	}
	if (rc < 0)
		return cw_error_wrap(rc, "the year %d's assessment", year);
	for (size_t i = 0; i < t.n; i++) {
		const cw_assess_row *r = &t.rows[i];
		cw_budget_inst *x = find(b, r->inst, year);
		if (!x || r->grade < 'A' || r->grade > 'D')
			continue;
		x->grade = r->grade - 'A';
		x->grade_source = CW_GRADE_COMPUTED;
		x->targets = targets_of(r->over[CW_AI_VISITS_PER_PATIENT], r->over[CW_AI_COST_PER_VISIT]);
	}
	cw_assess_table_free(&t);
	return 0;
}

static int grades(cw_budget_book *b, const char *root, int year, const cw_rules *rules,
                  const cw_budget_month_files *cur)
{
	static const char *const cols[] = { "inst_id", "grade", "?visits_per_patient_over", "?cost_per_visit_over",
		                            NULL };
	char path[4096], inst[72], g[8], vo[8], co[8];
	cw_csvtab *t;
	for (size_t i = 0; i < b->n; i++)
		if (b->inst[i].year == year) {
			int rc = rules ? cw_budget_rules_grade(&b->inst[i].grade, rules, b->inst[i].inst_id) : 0;
			if (rc < 0)
				return rc;
			b->inst[i].grade_source = CW_GRADE_RULES;
		}
	snprintf(path, sizeof path, "%s/periods/%04d/inst_assessment.csv", root, year);
	int rc = cw_csvtab_open(&t, path, cols);
	if (rc == CW_ENOTFOUND) {
		cw_error_clear();
		return rules ? computed_grades(b, root, year, rules, cur) : 0;
	}
	if (rc < 0)
		return rc;
	while (rc >= 0 && (rc = cw_csvtab_next(t)) > 0) {
		cw_budget_inst *x = find(b, cw_csvtab_copy(inst, sizeof inst, t, 0), year);
		int grade = cw_budget_grade_parse(cw_csvtab_copy(g, sizeof g, t, 1));
		if (grade < 0 && g[0])
			rc = cw_error_set(CW_EINVALID, "%s: line %llu: grade '%s' is not A, B, C or D", path,
			                  (unsigned long long)cw_csvtab_line(t), g);
		else if (x && grade >= 0)
			x->grade = grade, x->grade_source = CW_GRADE_ASSESSMENT;
		/* I2's condition: the year's 人次人头比 and 次均费用 against their targets (0/1, empty: not judged) */
		int v = over_flag(cw_csvtab_copy(vo, sizeof vo, t, 2)), c = over_flag(cw_csvtab_copy(co, sizeof co, t, 3));
		if (rc >= 0 && (v < -1 || c < -1))
			rc = cw_error_set(CW_EINVALID, "%s: line %llu: visits_per_patient_over / cost_per_visit_over must be "
			                  "0, 1 or empty", path, (unsigned long long)cw_csvtab_line(t));
		else if (x && (v >= 0 || c >= 0))
			x->targets = targets_of(v == 1, c == 1);
	}
	cw_csvtab_close(t);
	return rc < 0 ? rc : 0;
}

/* --- the arithmetic over every institution of a year ------------------------------------------ */

static int cost_per_case(double *out, const cw_budget_inst *x, int k)
{
	double cases = x->visits[k] + x->stays[k];
	*out = isfinite(cases) && cases > 0 && isfinite(x->revenue[k]) ? x->revenue[k] / cases : NAN;
	return 0;
}

/* I12: visits, stays or cost per case fell by `drop` against the months before while the budget binds
 * (use to date at bind_share of the budget to date or more, or a projection alert). */
static void under_service(cw_budget_inst *x, int k, cw_fen cum_used, cw_fen cum_budget, const cw_budget_book *b)
{
	const cw_budget_rules *r = &b->rules;
	int n = 0;
	double base[3][12], now[3], fall;
	int binds = cum_used >= cw_share(cum_budget, r->bind_ppm) || x->proj[k].alert > 0;
	if (!binds || k == 0)
		return;
	for (int j = k - r->baseline_months < 0 ? 0 : k - r->baseline_months; j < k; j++, n++) {
		base[0][n] = x->visits[j];
		base[1][n] = x->stays[j];
		cost_per_case(&base[2][n], x, j);
	}
	now[0] = x->visits[k];
	now[1] = x->stays[k];
	cost_per_case(&now[2], x, k);
	/* a fall on a handful of cases is noise: each measure needs a baseline of min_volume visits, stays or
	 * cases (visits + stays) a month on average */
	double vol[3] = { 0, 0, 0 };
	for (int j = 0; j < n; j++) {
		vol[0] += isfinite(base[0][j]) ? base[0][j] / n : 0;
		vol[1] += isfinite(base[1][j]) ? base[1][j] / n : 0;
	}
	vol[2] = vol[0] + vol[1];
	for (int s = 0; s < 3; s++)
		if (vol[s] >= r->min_volume && cw_budget_fell(&fall, now[s], base[s], n, r)) {
			x->under_fall[k][s] = fall;
			x->under[k] = 1;
		}
	cw_budget_under_text(x->under_reason[k], sizeof x->under_reason[k], x, k, b->zh);
}

void cw_budget_under_text(char *buf, size_t size, const cw_budget_inst *x, int k, int zh)
{
	static const char *const en[3] = { "visits", "stays", "cost per case" };
	static const char *const zhs[3] = { "门诊人次", "住院人次", "次均费用" };
	size_t len = 0;
	buf[0] = 0;
	for (int s = 0; s < 3 && len < size; s++)
		if (x->under[k] && isfinite(x->under_fall[k][s])) {
			snprintf(buf + len, size - len, "%s%s -%.1f%%", len ? "; " : "", zh ? zhs[s] : en[s],
			         100.0 * x->under_fall[k][s]);
			len = strlen(buf);
		}
}

static void settle(cw_budget_inst *x, const cw_budget_book *b, int last)
{
	cw_fen used[12] = { 0 }, cum_used = 0, cum_budget = 0, prepaid = 0, held = 0;
	x->complete = 1;
	for (int k = 0; k < 12; k++) {
		x->complete &= x->have[k];
		if (k >= last)
			continue;
		cw_budget_settle_month(&x->m[k], &b->rules);
		if (!x->have[k]) /* a month not read: nothing used, nothing paid */
			x->m[k].base = x->m[k].prepaid = x->m[k].holdback = x->m[k].used = 0;
		used[k] = x->m[k].used;
		cum_used += used[k];
		cum_budget += x->m[k].budget;
		prepaid += x->m[k].prepaid;
		held += x->m[k].holdback;
		cw_fen mb[12];
		for (int j = 0; j < 12; j++)
			mb[j] = x->m[j].budget;
		cw_budget_project(&x->proj[k], &b->rules, used, k + 1, x->last_year, mb, x->profile_given, x->annual);
		if (x->have[k])
			under_service(x, k, cum_used, cum_budget, b);
	}
	if (x->complete)
		cw_budget_settle_year_targets(&x->y, &b->rules, x->annual, cum_used, prepaid, held, x->grade, x->targets);
}

static int by_year_inst(const void *a, const void *b)
{
	const cw_budget_inst *x = a, *y = b;
	return x->year != y->year ? (x->year > y->year) - (x->year < y->year) : strcmp(x->inst_id, y->inst_id);
}

static int given_budgets(cw_budget_book *b, const cw_budget_table *t, int year)
{
	for (size_t i = 0; t && i < t->n; i++) {
		const cw_budget_row *r = &t->rows[i];
		if (r->year != year)
			continue;
		cw_budget_inst *x = add(b, r->inst_id, year);
		if (!x)
			return CW_ENOMEM;
		x->annual = r->annual;
		x->source = CW_BUDGET_GIVEN;
		x->profile_given = r->profile_given;
	}
	return 0;
}

static int monthly_budgets(cw_budget_book *b, const cw_budget_table *t, int year)
{
	for (size_t i = 0; i < b->n; i++) {
		cw_budget_inst *x = &b->inst[i];
		if (x->year != year)
			continue;
		const cw_budget_row *r = t ? cw_budgets_find(t, x->inst_id, year) : NULL;
		cw_fen months[12];
		int rc = cw_budget_months(months, x->annual, r && r->profile_given ? r->profile : NULL);
		if (rc < 0)
			return cw_error_wrap(rc, "%s: %s %d", t->source, x->inst_id, year);
		for (int k = 0; k < 12; k++)
			x->m[k].budget = months[k];
	}
	return 0;
}

/* Drops the institutions of the book without a budget (none given, none derivable). */
static void drop_unbudgeted(cw_budget_book *b)
{
	size_t w = 0;
	for (size_t i = 0; i < b->n; i++)
		if (b->inst[i].source >= 0)
			b->inst[w++] = b->inst[i];
	b->n = w;
}

static int build_year(cw_budget_book *b, const char *root, const cw_budget_table *t, const cw_rules *rules,
                      int year, int last, const cw_reviews *rv, const cw_budget_month_files *cur)
{
	int rc = given_budgets(b, t, year);
	if (rc == 0)
		rc = read_year_months(b, root, year, last, cur);
	if (rc == 0)
		rc = past_years(b, root, year);
	if (rc < 0)
		return rc;
	drop_unbudgeted(b);
	if ((rc = monthly_budgets(b, t, year)) < 0 || (rc = violations(b, root, year, last, rv, cur)) < 0 ||
	    (rc = grades(b, root, year, rules, cur)) < 0)
		return rc;
	for (size_t i = 0; i < b->n; i++)
		if (b->inst[i].year == year)
			settle(&b->inst[i], b, last);
	return 0;
}

int cw_budget_book_build(cw_budget_book *out, const char *root, const cw_budget_table *budgets,
                         const cw_rules *rules, cw_month from, cw_month to, const cw_budget_month_files *current,
                         int zh)
{
	cw_reviews *rv = NULL;
	memset(out, 0, sizeof *out);
	out->from = from;
	out->to = to;
	out->zh = zh;
	int rc = cw_budget_rules_load(&out->rules, rules);
	if (rc == 0)
		rc = cw_reviews_load(&rv, root);
	for (int year = from.year; rc == 0 && year <= to.year; year++)
		rc = build_year(out, root, budgets, rules, year, year == to.year ? to.month : 12, rv, current);
	cw_reviews_free(rv);
	if (rc < 0) {
		cw_budget_book_free(out);
		return rc;
	}
	if (out->n)
		qsort(out->inst, out->n, sizeof *out->inst, by_year_inst);
	if (!out->warnings && !(out->warnings = calloc(1, 1)))
		return cw_error_set(CW_ENOMEM, "out of memory");
	return 0;
}

void cw_budget_book_free(cw_budget_book *b)
{
	free(b->inst);
	free(b->warnings);
	memset(b, 0, sizeof *b);
}
