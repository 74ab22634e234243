/* report_institutions.c: institutions.html and departments.html: the month's assessment of each institution
 * (for the insurer: score, grade A-D, rank within region or level, violation money and the fund's share,
 * confirmed and refunded money, rejected rows, the indicators over target; L1, L2, L3, G7) and of each
 * department inside its hospital (for the hospital's own self-inspection: K1, L6), as inst_assessment.csv
 * and dept_assessment.csv hold them (judge/assess.h, docs/institutions.md). */
#include <math.h>
#include <string.h>
#include "claimwatch/error.h"
#include "report/report.h"
#include "report/report_inst_sanctions.h"

static void th(FILE *f, int lang, int key, int numeric)
{
	fprintf(f, "<th data-t=\"%s\"%s>", numeric ? "n" : "s", numeric ? " class=\"n\" data-d=\"desc\"" : "");
	cw_html_text(f, cw_label(lang, key));
	fputs("</th>", f);
}

static void head(const cw_report *r, FILE *f, int dept)
{
	static const int keys[] = { L_RANK, L_SCORE, L_GRADE, L_VISITS, L_REVENUE, L_FINDINGS, L_PER_100_VISITS,
		                    L_VIOLATION, L_VIOLATION_FUND, L_CONFIRMED_MONEY, L_REFUNDED_MONEY, L_REJECTED_ROWS };
	fputs("<thead><tr>", f);
	th(f, r->lang, L_INSTITUTION, 0);
	if (dept)
		th(f, r->lang, L_DEPARTMENT, 0);
	else {
		th(f, r->lang, L_LEVEL, 1);
		th(f, r->lang, L_GROUP, 0);
	}
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		th(f, r->lang, keys[i], keys[i] != L_GRADE);
	th(f, r->lang, L_OVER_TARGET, 0);
	th(f, r->lang, L_DEDUCTIONS, 0);
	fputs("</tr></thead><tbody>\n", f);
}

static void td_text(FILE *f, const char *s)
{
	fputs("<td>", f);
	cw_html_text(f, s);
	fputs("</td>", f);
}

static void td_money(FILE *f, cw_fen v)
{
	char a[CW_NUM_SIZE];
	fprintf(f, "<td class=\"n\">%s</td>", v == CW_FEN_NONE ? "" : cw_fmt_money(a, v));
}

/* A grade as a badge: A and B green, C amber, D red. */
static void grade_cell(FILE *f, char grade)
{
	int cls = grade == 'D' ? 2 : grade == 'C' ? 1 : 0;
	fprintf(f, "<td><span class=\"badge g%d\">%c</span></td>", cls, grade);
}

static void over_cell(const cw_report *r, FILE *f, const cw_assess_row *x)
{
	int first = 1;
	fputs("<td>", f);
	for (int i = 0; i < CW_AI_N; i++) {
		if (!x->over[i])
			continue;
		if (!first)
			fputs(r->lang == CW_LANG_ZH ? "、" : ", ", f);
		cw_html_text(f, cw_ai_title(i, r->lang == CW_LANG_ZH));
		first = 0;
	}
	fputs("</td>", f);
}

static void row(const cw_report *r, FILE *f, const cw_assess_row *x, int dept)
{
	char a[CW_NUM_SIZE], b[CW_NUM_SIZE], c[CW_NUM_SIZE], d[CW_NUM_SIZE];
	cw_ref inst = cw_dataset_find(r->ds, CW_T_INSTITUTIONS, x->inst);
	fputs("<tr>", f);
	td_text(f, inst != CW_NONE ? cw_report_inst_name(r, inst) : x->inst);
	if (dept) {
		td_text(f, x->name);
	} else {
		fprintf(f, "<td class=\"n\">%d</td><td>", x->level);
		cw_html_text(f, x->rank_group);
		fprintf(f, " (%d)</td>", x->rank_of);
	}
	fprintf(f, "<td class=\"n\">%d</td>", x->rank);
	fprintf(f, "<td class=\"n\">%lld.%02lld</td>", x->score / 100, x->score % 100);
	grade_cell(f, x->grade);
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_count(a, (uint64_t)(x->visits + x->stays)));
	td_money(f, x->revenue);
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_count(a, (uint64_t)x->findings));
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_num(a, x->per_100_visits, 2));
	td_money(f, x->violation);
	td_money(f, x->violation_fund);
	td_money(f, x->confirmed);
	td_money(f, x->refunded);
	fprintf(f, "<td class=\"n\">%s</td>", cw_fmt_count(a, (uint64_t)x->rejected_rows));
	over_cell(r, f, x);
	fprintf(f, "<td>%s / %s / %s / %s</td></tr>\n", cw_fmt_num(a, x->ded_indicators, 2),
	        cw_fmt_num(b, x->ded_findings, 2), cw_fmt_num(c, x->ded_money, 2), cw_fmt_num(d, x->ded_data, 2));
}

/* The grades' counts as bars. */
static void grade_bars(const cw_report *r, FILE *f, const cw_assess_table *t)
{
	static const char *const names[] = { "A", "B", "C", "D" }, *const cls[] = { "g0", "g0", "g1", "g2" };
	char texts[4][24];
	cw_bar bars[4];
	size_t n[4] = { 0 };
	for (size_t i = 0; i < t->n; i++)
		if (t->rows[i].grade >= 'A' && t->rows[i].grade <= 'D')
			n[t->rows[i].grade - 'A']++;
	for (int g = 0; g < 4; g++) {
		snprintf(texts[g], sizeof texts[g], "%zu", n[g]);
		bars[g] = (cw_bar){ names[g], (double)n[g], texts[g], cls[g] };
	}
	fputs("<h2>", f);
	cw_html_text(f, cw_label(r->lang, L_GRADE_COUNTS));
	fputs("</h2><div class=\"wrap\">", f);
	cw_svg_bars(f, bars, 4, 480);
	fputs("</div>", f);
}

static int page(cw_report *r, const cw_assess_table *t, int dept)
{
	static const cw_assess_table none = { 0 };
	const char *file = dept ? "departments.html" : "institutions.html", *id = dept ? "dept-assess" : "inst-assess";
	char title[200], csv[80];
	if (!t)
		t = &none;
	snprintf(title, sizeof title, "%s %s", cw_label(r->lang, dept ? L_DEPT_ASSESSMENT : L_INST_ASSESSMENT),
	         r->in->month);
	cw_page pg;
	int rc = cw_page_begin(&pg, &r->kit, cw_report_file(r, file), title, "",
	                       dept ? CW_NAV_DEPARTMENTS : CW_NAV_INSTITUTIONS, CW_PAGE_SCRIPT);
	if (rc < 0)
		return rc;
	fputs("<h1>", pg.f);
	cw_html_text(pg.f, title);
	fputs("</h1><p class=\"note\">", pg.f);
	cw_html_text(pg.f, cw_label(r->lang, L_ASSESS_NOTE));
	fputs("</p>", pg.f);
	grade_bars(r, pg.f, t);
	snprintf(csv, sizeof csv, "%s-%s.csv", dept ? "departments" : "institutions", r->in->month);
	cw_report_filters(r, pg.f, id, NULL, 0, csv);
	fprintf(pg.f, "<div class=\"wrap\"><table class=\"data\" id=\"%s\">", id);
	head(r, pg.f, dept);
	for (size_t i = 0; i < t->n; i++)
		row(r, pg.f, &t->rows[i], dept);
	fputs("</tbody></table></div>", pg.f);
	if (!dept && r->in->inst_sanctions_csv)
		rc = cw_report_inst_sanctions_table(r, pg.f, r->in->inst_sanctions_csv);
	if (rc < 0) {
		cw_page_abort(&pg);
		return rc;
	}
	uint64_t bytes;
	rc = cw_page_end(&pg, &bytes);
	if (rc == 0)
		cw_report_count(r, file, bytes);
	return rc;
}

int cw_report_institutions(cw_report *r)
{
	int rc = page(r, r->in->inst_assessment, 0);
	return rc < 0 ? rc : page(r, r->in->dept_assessment, 1);
}
