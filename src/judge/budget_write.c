/* budget_write.c: the global-budget book (budget_book.h) as budget.csv and as JSON (docs/budget.md): per
 * institution and year, its months, quarters, half-years and the year with the settlement. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/outfile.h"
#include "judge/budget_book.h"

const char *const cw_budget_columns[] = {
	"inst_id", "name", "year", "period", "kind", "months_read", "budget_source", "annual_budget", "budget",
	"fund_paid", "fund_estimated", "violations", "used", "prepaid", "holdback", "cum_budget", "cum_used",
	"use_rate", "pace", "projected", "projection_method", "projected_over", "alert", "under_service",
	"under_service_reason", "grade", "grade_source", "surplus", "surplus_kept", "over", "band1", "band1_fund",
	"band2", "band2_fund", "beyond", "beyond_fund", "over_fund", "over_hospital", "holdback_returned",
	"holdback_kept", "fund_total", "settlement", "overspend_share_reason", NULL
};
#define NCOLS 43 /* the columns above */
_Static_assert(sizeof cw_budget_columns / sizeof *cw_budget_columns == NCOLS + 1, "NCOLS");

enum { P_MONTH, P_QUARTER, P_HALF, P_YEAR };

/* One period of an institution's year: months [a, z] (indices), summed. */
typedef struct period {
	char name[24];
	int kind, a, z;
	int read, estimated, under;
	cw_fen budget, claimed, violations, used, prepaid, holdback, cum_budget, cum_used;
	const cw_budget_projection *proj; /* at the last month read in the period, NULL when none */
	char reason[400];
} period;

static void sum_period(period *p, const cw_budget_inst *x, int last)
{
	p->read = p->estimated = p->under = 0;
	p->reason[0] = 0;
	p->budget = p->claimed = p->violations = p->used = p->prepaid = p->holdback = 0;
	p->proj = NULL;
	for (int k = p->a; k <= p->z; k++) {
		p->budget += x->m[k].budget;
		if (k >= last || !x->have[k])
			continue;
		p->read++;
		p->estimated |= x->estimated[k];
		p->claimed += x->m[k].claimed;
		p->violations += x->m[k].violations;
		p->used += x->m[k].used;
		p->prepaid += x->m[k].prepaid;
		p->holdback += x->m[k].holdback;
		p->proj = &x->proj[k];
		if (x->under[k]) {
			size_t len = strlen(p->reason);
			snprintf(p->reason + len, sizeof p->reason - len, "%s%04d-%02d: %s", len ? " | " : "", x->year,
			         k + 1, x->under_reason[k]);
			p->under = 1;
		}
	}
	int end = p->z < last - 1 ? p->z : last - 1;
	p->cum_budget = p->cum_used = 0;
	for (int k = 0; k <= end; k++) {
		p->cum_budget += x->m[k].budget;
		p->cum_used += k < last && x->have[k] ? x->m[k].used : 0;
	}
}

static void fmt_money(char *buf, size_t size, cw_fen v)
{
	char f[CW_FMT_SIZE];
	snprintf(buf, size, "%s", cw_format_money(f, v));
}

static void fmt_ratio(char *buf, size_t size, cw_fen num, cw_fen den)
{
	if (den > 0)
		snprintf(buf, size, "%.4f", (double)num / (double)den);
	else
		buf[0] = 0;
}

static const char *kind_name(int kind)
{
	static const char *const k[] = { "month", "quarter", "half", "year" };
	return k[kind];
}

/* The cells of a row, into cells[NCOLS][48] (text columns point elsewhere). */
static void row_cells(char cells[][48], const char **text, const cw_budget_inst *x, const period *p, int zh)
{
	for (size_t c = 0; c < NCOLS; c++)
		cells[c][0] = 0, text[c] = cells[c];
	text[0] = x->inst_id;
	text[1] = x->name;
	snprintf(cells[2], 48, "%d", x->year);
	text[3] = p->name;
	text[4] = kind_name(p->kind);
	snprintf(cells[5], 48, "%d", p->read);
	text[6] = x->source == CW_BUDGET_DERIVED ? "derived" : "given";
	fmt_money(cells[7], 48, x->annual);
	fmt_money(cells[8], 48, p->budget);
	const cw_fen sums[] = { p->claimed, -1, p->violations, p->used, p->prepaid, p->holdback, p->cum_budget, p->cum_used };
	for (int i = 0; i < 8; i++)
		if (i != 1)
			fmt_money(cells[9 + i], 48, sums[i]);
	snprintf(cells[10], 48, "%d", p->estimated);
	fmt_ratio(cells[17], 48, p->cum_used, x->annual);
	fmt_ratio(cells[18], 48, p->cum_used, p->cum_budget);
	if (p->proj) {
		fmt_money(cells[19], 48, p->proj->projected);
		text[20] = cw_budget_method_name(p->proj->method);
		snprintf(cells[21], 48, "%.4f", (double)p->proj->over_ppm / 1e6);
		snprintf(cells[22], 48, "%d", p->proj->alert);
	}
	snprintf(cells[23], 48, "%d", p->under);
	text[24] = p->reason;
	snprintf(cells[25], 48, "%c", 'A' + x->grade);
	text[26] = x->grade_source == CW_GRADE_ASSESSMENT ? "assessment"
	         : x->grade_source == CW_GRADE_COMPUTED ? "computed" : "rules";
	if (p->kind != P_YEAR || !x->complete)
		return;
	const cw_budget_year *y = &x->y;
	const cw_fen s[] = { y->surplus, y->surplus_kept, y->over, y->band[0], y->band_fund[0], y->band[1],
		             y->band_fund[1], y->band[2], y->band_fund[2], y->over_fund, y->over_hospital,
		             y->holdback_returned, y->holdback_kept, y->fund_total, y->settlement };
	for (int i = 0; i < 15; i++)
		fmt_money(cells[27 + i], 48, s[i]);
	if (y->over > 0) /* I2's condition: whether the fund shared the overspend, and why */
		text[42] = cw_budget_share_reason(y, zh);
}

/* The periods of a year shown for the range: months from..to of the year, then the quarters and halves
 * they touch, then the year. */
static size_t periods(period *out, const cw_budget_book *b, int year)
{
	int first = year == b->from.year ? b->from.month - 1 : 0;
	int last = year == b->to.year ? b->to.month : 12;
	size_t n = 0;
	for (int k = first; k < last; k++) {
		out[n] = (period){ .kind = P_MONTH, .a = k, .z = k };
		snprintf(out[n++].name, sizeof out->name, "%04d-%02d", year, k + 1);
	}
	for (int q = 0; q < 4; q++)
		if (q * 3 + 2 >= first && q * 3 < last) {
			out[n] = (period){ .kind = P_QUARTER, .a = q * 3, .z = q * 3 + 2 };
			snprintf(out[n++].name, sizeof out->name, "%04d-Q%d", year, q + 1);
		}
	for (int h = 0; h < 2; h++)
		if (h * 6 + 5 >= first && h * 6 < last) {
			out[n] = (period){ .kind = P_HALF, .a = h * 6, .z = h * 6 + 5 };
			snprintf(out[n++].name, sizeof out->name, "%04d-H%d", year, h + 1);
		}
	out[n] = (period){ .kind = P_YEAR, .a = 0, .z = 11 };
	snprintf(out[n++].name, sizeof out->name, "%04d", year);
	return n;
}

static int book_last(const cw_budget_book *b, int year)
{
	return year == b->to.year ? b->to.month : 12;
}

int cw_budget_write_csv(FILE *f, const cw_budget_book *b, int flags)
{
	char cells[NCOLS][48];
	const char *text[NCOLS];
	period ps[24];
	if (flags & CW_CSV_EXCEL)
		fputs("\xEF\xBB\xBF", f);
	for (size_t c = 0; c < NCOLS; c++)
		cw_csv_put(f, cw_budget_columns[c], strlen(cw_budget_columns[c]), c + 1 == NCOLS, flags);
	for (size_t i = 0; i < b->n; i++) {
		const cw_budget_inst *x = &b->inst[i];
		size_t np = periods(ps, b, x->year);
		for (size_t j = 0; j < np; j++) {
			sum_period(&ps[j], x, book_last(b, x->year));
			row_cells(cells, text, x, &ps[j], b->zh);
			for (size_t c = 0; c < NCOLS; c++)
				cw_csv_put(f, text[c], strlen(text[c]), c + 1 == NCOLS, flags);
		}
	}
	return ferror(f) ? cw_error_set(CW_EIO, "writing the budget table failed") : 0;
}

/* A row as a JSON object: numbers where the cell is a number, strings otherwise, nothing when empty. */
static cJSON *row_json(const cw_budget_inst *x, const period *p, int zh)
{
	char cells[NCOLS][48];
	const char *text[NCOLS];
	cJSON *o = cJSON_CreateObject();
	row_cells(cells, text, x, p, zh);
	for (size_t c = 2; o && c < NCOLS; c++) {
		char *end;
		if (!text[c][0] || c == 3)
			continue;
		double v = strtod(text[c], &end);
		if (!*end && c != 25)
			cJSON_AddNumberToObject(o, cw_budget_columns[c], v);
		else
			cJSON_AddStringToObject(o, cw_budget_columns[c], text[c]);
	}
	return o;
}

int cw_budget_write_json(FILE *f, const cw_budget_book *b)
{
	char from[8], to[8];
	period ps[24];
	cJSON *root = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(root, "institutions");
	snprintf(from, sizeof from, "%04d-%02d", b->from.year, b->from.month);
	snprintf(to, sizeof to, "%04d-%02d", b->to.year, b->to.month);
	cJSON_AddStringToObject(root, "from", from);
	cJSON_AddStringToObject(root, "to", to);
	for (size_t i = 0; list && i < b->n; i++) {
		const cw_budget_inst *x = &b->inst[i];
		cJSON *o = cJSON_CreateObject(), *pl = cJSON_AddArrayToObject(o, "periods");
		cJSON_AddStringToObject(o, "inst_id", x->inst_id);
		cJSON_AddStringToObject(o, "name", x->name);
		cJSON_AddNumberToObject(o, "year", x->year);
		size_t np = periods(ps, b, x->year);
		for (size_t j = 0; j < np; j++) {
			sum_period(&ps[j], x, book_last(b, x->year));
			cJSON *r = row_json(x, &ps[j], b->zh);
			cJSON_AddStringToObject(r, "period", ps[j].name);
			cJSON_AddItemToArray(pl, r);
		}
		if (x->complete && x->y.over > 0) { /* I2's condition: whether the fund shared the overspend, and why */
			cJSON_AddBoolToObject(o, "overspend_shared", x->y.shared);
			cJSON_AddStringToObject(o, "overspend_share_reason", cw_budget_share_reason(&x->y, b->zh));
		}
		cJSON_AddItemToArray(list, o);
	}
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		return cw_error_set(CW_ENOMEM, "out of memory");
	fputs(text, f);
	fputc('\n', f);
	free(text);
	return ferror(f) ? cw_error_set(CW_EIO, "writing the budget table failed") : 0;
}
