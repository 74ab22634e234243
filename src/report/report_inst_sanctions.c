/* report_inst_sanctions.c: the institutions' sanctions table of the report (docs/institution-sanctions.md):
 * the month's inst_sanctions.csv as a sortable, filterable table, in the report's language. One function,
 * cw_report_inst_sanctions_table, for the institutions' page (docs/institutions.md) to call. The file is
 * read back by column (io/csvtab.h), so the table shows exactly what the file says. */
#include <stdio.h>
#include <string.h>
#include "claimwatch/error.h"
#include "io/csvtab.h"
#include "report/report_inst_sanctions.h"

enum { C_INST, C_NAME, C_STEP, C_MEASURE_ZH, C_MEASURE_EN, C_REFUND, C_PENALTY, C_TRIGGER, C_REASON_ZH,
       C_REASON_EN, C_HISTORY, C_GRADE };
static const char *const columns[] = { "inst_id", "name", "step", "measure_zh", "measure_en", "refund_fund",
	                               "penalty", "trigger", "reason_zh", "reason_en", "history", "grade", NULL };

/* Headings: English, Chinese. */
static const char *const heads[][2] = {
	{ "Institution", "定点医疗机构" }, { "Grade", "考核等级" }, { "Step", "处理级别" }, { "Measure", "处理措施" },
	{ "Refund (fund's share)", "退回医保基金" }, { "Penalty", "罚款" }, { "Trigger", "触发条件" },
	{ "Reason", "原因" }, { "Months with violations", "违规月份" },
};

static const char *trigger_label(const char *t, int zh)
{
	if (!strcmp(t, "grade"))
		return zh ? "考核等级" : "grade";
	if (!strcmp(t, "repeat"))
		return zh ? "屡次违规" : "repeat violations";
	if (!strcmp(t, "fund"))
		return zh ? "违规金额" : "money";
	return t;
}

static void cell(FILE *f, const cw_csvtab *t, int col, int numeric)
{
	size_t len;
	const char *s = cw_csvtab_field(t, (size_t)col, &len);
	fputs(numeric ? "<td class=\"n\">" : "<td>", f);
	cw_html_textn(f, s, len);
	fputs("</td>", f);
}

static void head(const cw_report *r, FILE *f)
{
	int zh = r->lang == CW_LANG_ZH;
	fputs("<thead><tr>", f);
	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
		int num = i == 2 || i == 4 || i == 5;
		fprintf(f, "<th data-t=\"%s\"%s>", num ? "n" : "s", num ? " class=\"n\" data-d=\"desc\"" : "");
		cw_html_text(f, heads[i][zh]);
		fputs("</th>", f);
	}
	fputs("</tr></thead><tbody>\n", f);
}

static void row(const cw_report *r, FILE *f, const cw_csvtab *t)
{
	int zh = r->lang == CW_LANG_ZH;
	char trig[32];
	fputs("<tr><td>", f);
	size_t len;
	const char *name = cw_csvtab_field(t, C_NAME, &len);
	cw_html_textn(f, name, len);
	fputs(" <span class=\"muted\">", f);
	name = cw_csvtab_field(t, C_INST, &len);
	cw_html_textn(f, name, len);
	fputs("</span></td>", f);
	cell(f, t, C_GRADE, 0);
	cell(f, t, C_STEP, 1);
	cell(f, t, zh ? C_MEASURE_ZH : C_MEASURE_EN, 0);
	cell(f, t, C_REFUND, 1);
	cell(f, t, C_PENALTY, 1);
	fputs("<td>", f);
	cw_html_text(f, trigger_label(cw_csvtab_copy(trig, sizeof trig, t, C_TRIGGER), zh));
	fputs("</td>", f);
	cell(f, t, zh ? C_REASON_ZH : C_REASON_EN, 0);
	cell(f, t, C_HISTORY, 0);
	fputs("</tr>\n", f);
}

int cw_report_inst_sanctions_table(const cw_report *r, FILE *f, const char *csv_path)
{
	int zh = r->lang == CW_LANG_ZH;
	cw_csvtab *t;
	int rc = cw_csvtab_open(&t, csv_path, columns);
	if (rc == CW_ENOTFOUND)
		return 0;
	if (rc < 0)
		return rc;
	char csv[64];
	fputs("<h2>", f);
	cw_html_text(f, zh ? "定点医疗机构处理(退回、罚款、暂停结算、解除协议)"
	                   : "Institution sanctions (refund, penalty, suspended settlement, agreement ended)");
	fputs("</h2>", f);
	snprintf(csv, sizeof csv, "inst-sanctions-%s.csv", r->in->month);
	cw_report_filters(r, f, "instsanctions", NULL, 0, csv);
	fputs("<div class=\"wrap\"><table class=\"data\" id=\"instsanctions\">", f);
	head(r, f);
	size_t n = 0;
	while ((rc = cw_csvtab_next(t)) == 1) {
		row(r, f, t);
		n++;
	}
	fputs("</tbody></table></div>", f);
	if (rc == 0 && n == 0) {
		fputs("<p class=\"muted\">", f);
		cw_html_text(f, zh ? "本月无应予处理的定点医疗机构。" : "No institution has a sanction due this month.");
		fputs("</p>", f);
	}
	cw_csvtab_close(t);
	return rc < 0 ? rc : 0;
}
