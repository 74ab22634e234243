/* report_budget.c: budget.html, the global budget (总额预付, document 004, I1-I4, I12; docs/budget.md):
 * per institution its budget, use, prepayment and holdback to this month, the projection to the year end
 * with its alert, the under-service signals and, once the year is complete, the settlement; then per
 * institution a chart of the cumulative use against the cumulative budget and the budget +10% and +20%
 * lines (the bands of the risk sharing), all as a share of the annual budget. The figures are those of the
 * month's budget.csv (the same book). */
#include <math.h>
#include <string.h>
#include "claimwatch/error.h"
#include "judge/budget_book.h"
#include "report/report.h"

static void th(FILE *f, int lang, int key, int numeric)
{
	fprintf(f, "<th data-t=\"%s\"%s>", numeric ? "n" : "s", numeric ? " class=\"n\" data-d=\"desc\"" : "");
	cw_html_text(f, cw_label(lang, key));
	fputs("</th>", f);
}

static void money_cell(FILE *f, cw_fen v)
{
	char a[CW_NUM_SIZE];
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_money(a, v));
}

/* The last month of the year read in the book, -1 when none. */
static int last_read(const cw_budget_book *b, const cw_budget_inst *x)
{
	int last = x->year == b->to.year ? b->to.month : 12;
	for (int k = last; k-- > 0;)
		if (x->have[k])
			return k;
	return -1;
}

static void row(FILE *f, const cw_budget_book *b, const cw_budget_inst *x)
{
	char a[CW_NUM_SIZE];
	int k = last_read(b, x);
	cw_fen cb = 0, cu = 0, pre = 0, hold = 0, viol = 0;
	for (int j = 0; j <= k; j++) {
		cb += x->m[j].budget;
		cu += x->have[j] ? x->m[j].used : 0;
		pre += x->have[j] ? x->m[j].prepaid : 0;
		hold += x->have[j] ? x->m[j].holdback : 0;
		viol += x->have[j] ? x->m[j].violations : 0;
	}
	fputs("<tr><td>", f);
	cw_html_text(f, x->name[0] ? x->name : x->inst_id);
	fputs("</td>", f);
	money_cell(f, x->annual);
	money_cell(f, cb);
	money_cell(f, cu);
	fprintf(f, "<td class=\"n\">%s</td>", x->annual > 0 ? cw_fmt_pct(a, (double)cu / (double)x->annual, 1) : "");
	money_cell(f, viol);
	money_cell(f, pre);
	money_cell(f, hold);
	const cw_budget_projection *p = k >= 0 ? &x->proj[k] : NULL;
	if (p) {
		money_cell(f, p->projected);
		fprintf(f, "<td class=\"n %s\">%s</td>", p->over_ppm > 0 ? "up" : "down", cw_fmt_pct(a, (double)p->over_ppm / 1e6, 1));
		fprintf(f, "<td class=\"n\">%s</td>", p->alert == 2 ? "<span class=\"badge g2\">20%+</span>"
		                                       : p->alert == 1 ? "<span class=\"badge g1\">10%+</span>" : "");
	} else {
		fputs("<td></td><td></td><td></td>", f);
	}
	fputs("<td>", f);
	for (int j = 0; j <= k; j++)
		if (x->under[j]) {
			fprintf(f, "%04d-%02d: ", x->year, j + 1);
			cw_html_text(f, x->under_reason[j]);
			fputs("<br>", f);
		}
	fprintf(f, "</td><td>%c</td>", 'A' + x->grade);
	if (x->complete)
		money_cell(f, x->y.settlement);
	else
		fputs("<td></td>", f);
	fputs("</tr>", f);
}

static void table(const cw_report *r, FILE *f, const cw_budget_book *b)
{
	static const int keys[] = { L_ANNUAL_BUDGET, L_BUDGET_TO_DATE, L_USED_TO_DATE, L_USE_RATE, L_VIOLATIONS,
		                    L_PREPAID, L_HOLDBACK, L_PROJECTED, L_PROJECTED_OVER, L_ALERT };
	fputs("<div class=\"wrap\"><table class=\"data\" id=\"budget\"><thead><tr>", f);
	th(f, r->lang, L_INSTITUTION, 0);
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		th(f, r->lang, keys[i], 1);
	th(f, r->lang, L_UNDER_SERVICE, 0);
	th(f, r->lang, L_INST_GRADE, 0);
	th(f, r->lang, L_SETTLEMENT, 1);
	fputs("</tr></thead><tbody>", f);
	for (size_t i = 0; i < b->n; i++)
		row(f, b, &b->inst[i]);
	fputs("</tbody></table></div>", f);
}

/* One institution's chart: cumulative use, budget, budget +10% and +20%, in % of the annual budget. */
static void chart(const cw_report *r, FILE *f, const cw_budget_book *b, const cw_budget_inst *x)
{
	static const char *const months[12] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12" };
	double used[12], budget[12], b10[12], b20[12], ymax = 130;
	cw_fen cb = 0, cu = 0;
	int k = last_read(b, x);
	if (x->annual <= 0)
		return;
	for (int j = 0; j < 12; j++) {
		cb += x->m[j].budget;
		cu += j <= k && x->have[j] ? x->m[j].used : 0;
		budget[j] = 100.0 * (double)cb / (double)x->annual;
		b10[j] = budget[j] * (1.0 + (double)b->rules.band1_ppm / 1e6);
		b20[j] = budget[j] * (1.0 + (double)b->rules.band2_ppm / 1e6);
		used[j] = j <= k ? 100.0 * (double)cu / (double)x->annual : NAN;
		if (isfinite(used[j]) && used[j] + 10 > ymax)
			ymax = used[j] + 10;
	}
	const cw_series s[] = {
		{ cw_label(r->lang, L_USED_LINE), used, "s0" },
		{ cw_label(r->lang, L_BUDGET_LINE), budget, "s1" },
		{ cw_label(r->lang, L_BAND10), b10, "s2" },
		{ cw_label(r->lang, L_BAND20), b20, "s3" },
	};
	fputs("<figure><figcaption>", f);
	cw_html_text(f, x->name[0] ? x->name : x->inst_id);
	fprintf(f, " %d (", x->year);
	cw_html_text(f, cw_label(r->lang, L_CHART_PCT));
	fputs(")</figcaption>", f);
	cw_svg_trend(f, months, 12, s, 4, ymax, 0, 0);
	fputs("</figure>", f);
}

int cw_report_budget(cw_report *r)
{
	const cw_budget_book *b = r->in->budget;
	char title[160];
	snprintf(title, sizeof title, "%s %s", cw_label(r->lang, L_BUDGET), r->in->month);
	cw_page pg;
	int rc = cw_page_begin(&pg, &r->kit, cw_report_file(r, "budget.html"), title, "", CW_NAV_BUDGET, CW_PAGE_SCRIPT);
	if (rc < 0)
		return rc;
	fputs("<h1>", pg.f);
	cw_html_text(pg.f, title);
	fputs("</h1><p class=\"note\">", pg.f);
	cw_html_text(pg.f, cw_label(r->lang, b && b->n ? L_BUDGET_NOTE : L_BUDGET_NONE));
	fputs("</p>", pg.f);
	if (b && b->n) {
		table(r, pg.f, b);
		for (size_t i = 0; i < b->n; i++)
			chart(r, pg.f, b, &b->inst[i]);
	}
	uint64_t bytes;
	rc = cw_page_end(&pg, &bytes);
	if (rc == 0)
		cw_report_count(r, "budget.html", bytes);
	return rc;
}
