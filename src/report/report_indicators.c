/* report_indicators.c: indicators.html: what each institution and department is measured on: drug share
 * of revenue against its target (the level's, a department's own), of the year to date and of last year's
 * same months (E8), cost per outpatient visit and per inpatient stay, and their growth on last month, and the
 * large-equipment positive rate per institution, department and equipment type against low_positive_rate's
 * floor (the figures of indicators.csv; see indicators.h); and who pays (issue 14, F3, H4): patients and
 * visits per patient, the material share, what the fund paid (marked * when estimated), the self-pay and
 * out-of-scope shares and the essential-drug share of drug revenue. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "report/report.h"

static void th(FILE *f, int lang, int key, const char *type, const char *suffix)
{
	fprintf(f, "<th data-t=\"%s\"%s>", type, type[0] == 'n' ? " class=\"n\" data-d=\"desc\"" : "");
	cw_html_text(f, cw_label(lang, key));
	if (suffix) {
		fputs(" ", f);
		cw_html_text(f, suffix);
	}
	fputs("</th>", f);
}

static void head(const cw_report *r, FILE *f, int with_dept)
{
	int L = r->lang;
	fputs("<thead><tr>", f);
	th(f, L, L_INSTITUTION, "s", NULL);
	if (with_dept)
		th(f, L, L_DEPARTMENT, "s", NULL);
	th(f, L, L_LEVEL, "n", NULL);
	th(f, L, L_REVENUE, "n", NULL);
	th(f, L, L_DRUG_REVENUE, "n", NULL);
	th(f, L, L_DRUG_SHARE, "n", NULL);
	th(f, L, L_TARGET, "n", NULL);
	th(f, L, L_YTD_SHARE, "n", NULL);
	th(f, L, L_LY_SHARE, "n", NULL);
	th(f, L, L_YOY_CHANGE, "n", NULL);
	th(f, L, L_OP_VISITS, "n", NULL);
	th(f, L, L_COST_PER_VISIT, "n", NULL);
	th(f, L, L_PREV_MONTH, "n", NULL);
	th(f, L, L_GROWTH, "n", NULL);
	th(f, L, L_IP_STAYS, "n", NULL);
	th(f, L, L_COST_PER_STAY, "n", NULL);
	th(f, L, L_PREV_MONTH, "n", NULL);
	th(f, L, L_GROWTH, "n", NULL);
	th(f, L, L_PAY_PATIENTS, "n", NULL);
	th(f, L, L_VISITS_PER_PATIENT, "n", NULL);
	th(f, L, L_MATERIAL_SHARE, "n", NULL);
	th(f, L, L_FUND_PAID, "n", NULL);
	th(f, L, L_SELF_PAY_SHARE, "n", NULL);
	th(f, L, L_OUT_OF_SCOPE_SHARE, "n", NULL);
	th(f, L, L_ESSENTIAL_SHARE, "n", NULL);
	fputs("</tr></thead>", f);
}

/* A growth: red when costs went up, green when down. */
static void growth_cell(FILE *f, double now, double before)
{
	char buf[CW_NUM_SIZE];
	double g = cw_growth(now, before);
	if (!isfinite(g)) {
		fputs("<td class=\"n\"></td>", f);
		return;
	}
	fprintf(f, "<td class=\"n %s\">%s%s</td>", g > 0 ? "up" : g < 0 ? "down" : "", g > 0 ? "+" : "",
	        cw_fmt_pct(buf, g, 1));
}

/* Who pays (issue 14): the fund's part marked * when estimated (the note says how). */
static void pay_cells(FILE *f, const cw_indicator *x)
{
	char a[CW_NUM_SIZE];
	fprintf(f, "<td class=\"n\">%u</td>", x->patients);
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_num(a, cw_indicator_visits_per_patient(x), 2));
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_pct(a, cw_indicator_material_share(x), 1));
	fprintf(f, "<td class=\"n\">%s%s</td>", cw_fmt_money(a, x->fund_paid), x->fund_estimated ? "*" : "");
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_pct(a, cw_indicator_self_pay_share(x), 1));
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_pct(a, cw_indicator_out_of_scope_share(x), 1));
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_pct(a, cw_indicator_essential_share(x), 1));
}

static void row(const cw_report *r, FILE *f, const cw_indicator *x, cw_ref inst, cw_ref dept)
{
	const cw_indicators *ind = r->in->indicators;
	int level = cw_dataset_institutions(r->ds)->level[inst];
	double share = cw_indicator_drug_share(x);
	double target = dept != CW_NONE ? ind->dept_target[dept] : ind->target[level];
	double ytd = cw_indicator_ytd_share(x), ly = cw_indicator_ly_share(ind, x);
	double pv = cw_indicator_per_visit(x), ps = cw_indicator_per_stay(x);
	char a[CW_NUM_SIZE];
	fputs("<tr><td>", f);
	cw_html_text(f, cw_report_inst_name(r, inst));
	fputs("</td>", f);
	if (dept != CW_NONE) {
		fputs("<td>", f);
		cw_html_text(f, cw_report_dept_name(r, dept));
		fputs("</td>", f);
	}
	fprintf(f, "<td class=\"n\">%d</td><td class=\"n\">%s</td>", level, cw_fmt_money(a, x->revenue));
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_money(a, x->drug));
	int over = isfinite(share) && share > target;
	fprintf(f, "<td class=\"n%s\">%s</td>", over ? " over" : "", cw_fmt_pct(a, share, 1));
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_pct(a, target, 1));
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_pct(a, ytd, 1));
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_pct(a, ly, 1));
	fprintf(f, "<td class=\"n%s\">%s</td>", cw_indicator_yoy_short(ind, x) == 1 ? " over" : "",
	        cw_fmt_pct(a, ytd - ly, 1));
	fprintf(f, "<td class=\"n\">%u</td>", x->visits);
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_num(a, pv, 2));
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_num(a, x->prev_per_visit, 2));
	growth_cell(f, pv, x->prev_per_visit);
	fprintf(f, "<td class=\"n\">%u</td><td class=\"n\">%s</td>", x->stays, cw_fmt_num(a, ps, 2));
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_num(a, x->prev_per_stay, 2));
	growth_cell(f, ps, x->prev_per_stay);
	pay_cells(f, x);
	fputs("</tr>\n", f);
}

/* Drug share per institution against its level's target. */
static int share_chart(const cw_report *r, FILE *f)
{
	const cw_indicators *ind = r->in->indicators;
	const cw_institutions *in = cw_dataset_institutions(r->ds);
	cw_bar *bars = calloc(ind->ninst + 1, sizeof *bars);
	char (*texts)[2 * CW_NUM_SIZE + 8] = calloc(ind->ninst + 1, sizeof *texts);
	if (!bars || !texts) {
		free(bars);
		free(texts);
		return cw_error_set(CW_ENOMEM, "out of memory writing the report");
	}
	size_t n = 0;
	for (size_t i = 0; i < ind->ninst; i++) {
		double share = cw_indicator_drug_share(&ind->inst[i]), target = ind->target[in->level[i]];
		if (!isfinite(share))
			continue;
		char a[CW_NUM_SIZE], b[CW_NUM_SIZE];
		snprintf(texts[n], sizeof texts[n], "%s (%s %s)", cw_fmt_pct(a, share, 1), cw_label(r->lang, L_TARGET),
		         cw_fmt_pct(b, target, 0));
		bars[n] = (cw_bar){ cw_report_inst_name(r, (cw_ref)i), share, texts[n], share > target ? "g2" : "g0" };
		n++;
	}
	fputs("<h2>", f);
	cw_html_text(f, cw_label(r->lang, L_DRUG_SHARE));
	fputs("</h2><div class=\"wrap\">", f);
	if (n)
		cw_svg_bars(f, bars, n, 720);
	fputs("</div>", f);
	free(bars);
	free(texts);
	return 0;
}

static void note(const cw_report *r, FILE *f)
{
	const cw_indicators *ind = r->in->indicators;
	fputs("<p class=\"note\">", f);
	cw_html_text(f, cw_label(r->lang, L_INDICATORS_NOTE));
	fputs(" ", f);
	cw_html_text(f, cw_label(r->lang, L_PREV_SOURCE));
	fputs(" (", f);
	cw_html_text(f, ind->prev_month);
	fputs("): ", f);
	if (ind->prev == CW_PREV_FILE)
		fprintf(f, "%s/indicators.csv", ind->prev_month);
	else if (ind->prev == CW_PREV_LOOKBACK)
		cw_html_text(f, cw_label(r->lang, L_LOOKBACK));
	else
		cw_html_text(f, cw_label(r->lang, L_NONE));
	fputs(". * ", f);
	cw_html_text(f, cw_label(r->lang, L_ESTIMATED_MARK));
	fputs("</p>", f);
}

/* The heading, filter bar and head of the institutions' (dept 0) or departments' (1) table. */
static void table_open(const cw_report *r, FILE *f, int dept)
{
	const char *id = dept ? "dept" : "inst";
	char csv[64];
	fputs("<h2>", f);
	cw_html_text(f, cw_label(r->lang, dept ? L_DEPARTMENT : L_INSTITUTION));
	fputs("</h2>", f);
	snprintf(csv, sizeof csv, "indicators-%s-%s.csv", r->in->month, dept ? "departments" : "institutions");
	cw_report_filters(r, f, id, NULL, 0, csv);
	fprintf(f, "<div class=\"wrap\"><table class=\"data\" id=\"%s\">", id);
	head(r, f, dept);
	fputs("<tbody>\n", f);
}

static void tables(const cw_report *r, FILE *f)
{
	const cw_indicators *ind = r->in->indicators;
	const cw_departments *de = cw_dataset_departments(r->ds);
	table_open(r, f, 0);
	for (size_t i = 0; i < ind->ninst; i++)
		row(r, f, &ind->inst[i], (cw_ref)i, CW_NONE);
	fputs("</tbody></table></div>", f);
	table_open(r, f, 1);
	for (size_t d = 0; d < ind->ndept; d++)
		row(r, f, &ind->dept[d], de->inst[d], (cw_ref)d);
	fputs("</tbody></table></div>", f);
}

/* --- the large-equipment positive rate (B1, B5) ------------------------------------------------- */
static void posrate_cells(FILE *f, const cw_posrate *p, double floor)
{
	char a[CW_NUM_SIZE];
	fprintf(f, "<td class=\"n\">%u</td><td class=\"n\">%u</td>", p->resulted, p->positive);
	fprintf(f, "<td class=\"n%s\">%s</td>", cw_posrate_under(p, floor) ? " over" : "",
	        cw_fmt_pct(a, cw_posrate_rate(p), 1));
	fprintf(f, "<td class=\"n\">%s</td></tr>\n", cw_fmt_pct(a, floor, 0));
}

/* The table of equipment types (what 0) or departments (1): its heading, filters and head. */
static void posrate_open(const cw_report *r, FILE *f, int what)
{
	int L = r->lang;
	const char *id = what ? "posrate-dept" : "posrate-equip";
	char csv[80];
	fputs("<h3>", f);
	cw_html_text(f, cw_label(L, what ? L_DEPARTMENT : L_EQUIPMENT));
	fputs("</h3>", f);
	snprintf(csv, sizeof csv, "positive-rate-%s-%s.csv", r->in->month, what ? "departments" : "equipment");
	cw_report_filters(r, f, id, NULL, 0, csv);
	fprintf(f, "<div class=\"wrap\"><table class=\"data\" id=\"%s\"><thead><tr>", id);
	th(f, L, L_INSTITUTION, "s", NULL);
	th(f, L, what ? L_DEPARTMENT : L_EQUIPMENT, "s", NULL);
	th(f, L, L_RESULTED, "n", NULL);
	th(f, L, L_POSITIVE, "n", NULL);
	th(f, L, L_POSITIVE_RATE, "n", NULL);
	th(f, L, L_FLOOR, "n", NULL);
	fputs("</tr></thead><tbody>\n", f);
}

static void posrate_row(const cw_report *r, FILE *f, cw_ref inst, const char *what, const cw_posrate *p)
{
	fputs("<tr><td>", f);
	cw_html_text(f, cw_report_inst_name(r, inst));
	fputs("</td><td>", f);
	cw_html_text(f, what);
	fputs("</td>", f);
	posrate_cells(f, p, r->in->indicators->pos.floor);
}

static void posrate_tables(const cw_report *r, FILE *f)
{
	const cw_posrates *pos = &r->in->indicators->pos;
	const cw_institutions *in = cw_dataset_institutions(r->ds);
	const cw_departments *de = cw_dataset_departments(r->ds);
	const cw_items *it = cw_dataset_items(r->ds);
	fputs("<h2>", f);
	cw_html_text(f, cw_label(r->lang, L_POSRATE));
	fputs("</h2><p class=\"note\">", f);
	cw_html_text(f, cw_label(r->lang, L_POSRATE_NOTE));
	fputs("</p>", f);
	posrate_open(r, f, 0);
	for (size_t i = 0; i < in->n; i++) {
		if (pos->inst[i].resulted)
			posrate_row(r, f, (cw_ref)i, cw_label(r->lang, L_TOTAL), &pos->inst[i]);
		for (size_t k = 0; k < it->n; k++)
			if (pos->equip[i * it->n + k].resulted)
				posrate_row(r, f, (cw_ref)i, cw_dataset_str(r->ds, it->name[k]), &pos->equip[i * it->n + k]);
	}
	fputs("</tbody></table></div>", f);
	posrate_open(r, f, 1);
	for (size_t d = 0; d < de->n; d++)
		if (pos->dept[d].resulted)
			posrate_row(r, f, de->inst[d], cw_report_dept_name(r, (cw_ref)d), &pos->dept[d]);
	fputs("</tbody></table></div>", f);
}

int cw_report_indicators(cw_report *r)
{
	char title[160];
	snprintf(title, sizeof title, "%s %s", cw_label(r->lang, L_INDICATORS), r->in->month);
	cw_page pg;
	int rc = cw_page_begin(&pg, &r->kit, cw_report_file(r, "indicators.html"), title, "", CW_NAV_INDICATORS,
	                       CW_PAGE_SCRIPT);
	if (rc < 0)
		return rc;
	fputs("<h1>", pg.f);
	cw_html_text(pg.f, title);
	fputs("</h1>", pg.f);
	note(r, pg.f);
	rc = share_chart(r, pg.f);
	if (rc < 0) {
		cw_page_abort(&pg);
		return rc;
	}
	tables(r, pg.f);
	posrate_tables(r, pg.f);
	uint64_t bytes;
	rc = cw_page_end(&pg, &bytes);
	if (rc == 0)
		cw_report_count(r, "indicators.html", bytes);
	return rc;
}
