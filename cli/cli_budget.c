/* cli_budget.c: `claimwatch budget`: the global budget of document 004 (总额预付, I1-I4, I12;
 * docs/budget.md): each institution's monthly fund payments against its budget, the 94%/6% prepayment and
 * holdback, use by month, quarter, half-year and year, the projection to the year end with its alerts, the
 * under-service signals, and the year-end settlement when the year is complete. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "cli.h"
#include "io/outfile.h"
#include "io/output.h"
#include "judge/budget_book.h"
#include "run/run.h"
#include "util/safetext.h"

static const char help[] =
	"usage: claimwatch budget --root ROOT (--data DIR | --db URL | --budgets FILE)\n"
	"                         (--year YYYY | --months A..B) [options]\n"
	"\n"
	"The global budget (总额预付, document 004): for every institution with a budget, the\n"
	"fund payments of each month (indicators.csv fund_paid of ROOT/YYYY-MM), the violations\n"
	"confirmed in it (not payable), the prepayment (94%) and the holdback (6%), use of the\n"
	"budget by month, quarter, half-year and year, a projection to the year end with alerts\n"
	"at 10% and 20% over, signals of under-service (I12), and the year-end settlement (the\n"
	"holdback by grade, the overspend shared band by band, the surplus kept) once the twelve\n"
	"months are there. Budgets come from the budgets table (DATA/budgets.csv, the database's\n"
	"budgets table, or a file), else are derived from the past years' fund payments. The\n"
	"grade and I2's control targets come from ROOT/periods/YYYY/inst_assessment.csv, else\n"
	"from the year's assessment computed from the month files (as `claimwatch assess\n"
	"--period YYYY` would), else from the rules.\n"
	"\n"
	"options:\n"
	"  --root ROOT        the output root of `claimwatch run`\n"
	"  --data DIR         the budgets of DIR/budgets.csv (none there: derived budgets only)\n"
	"  --db URL           the budgets of the database's budgets table\n"
	"  --budgets FILE     the budgets of FILE (the columns of budgets.csv)\n"
	"  --year YYYY        the year (January to December)\n"
	"  --months A..B      the months A to B (YYYY-MM..YYYY-MM); the year to date is always\n"
	"                     counted from January\n"
	"  --format csv|json  the output (default csv)\n"
	"  --excel            CSV for Excel: UTF-8 byte-order mark and CRLF\n"
	"  --rules FILE       the rules (sections \"budget\" and \"assessment\"; default: the\n"
	"                     built-in ones)\n"
	"  --lang zh|en       the language of the reasons and messages (default zh)\n"
	"  --out FILE         write there instead of standard output\n"
	"  --quiet            no summary line on standard error\n"
	"  --help             this help\n";

enum { O_ROOT = 256, O_DATA, O_DB, O_BUDGETS, O_YEAR, O_MONTHS, O_FORMAT, O_EXCEL, O_RULES, O_LANG, O_OUT,
       O_QUIET, O_HELP };

static const struct option options[] = {
	{ "root", required_argument, 0, O_ROOT },       { "data", required_argument, 0, O_DATA },
	{ "db", required_argument, 0, O_DB },           { "budgets", required_argument, 0, O_BUDGETS },
	{ "year", required_argument, 0, O_YEAR },       { "months", required_argument, 0, O_MONTHS },
	{ "format", required_argument, 0, O_FORMAT },   { "excel", no_argument, 0, O_EXCEL },
	{ "rules", required_argument, 0, O_RULES },     { "lang", required_argument, 0, O_LANG },
	{ "out", required_argument, 0, O_OUT },         { "quiet", no_argument, 0, O_QUIET },
	{ "help", no_argument, 0, O_HELP },             { 0, 0, 0, 0 }
};

typedef struct args {
	const char *root, *data, *db, *budgets, *year, *months, *rules, *out;
	int json, excel, zh, quiet;
	cw_month from, to;
} args;

static int option(void *p, int c, const char *v, const char *arg)
{
	args *a = p;
	switch (c) {
	case O_ROOT: a->root = v; return 0;
	case O_DATA: a->data = v; return 0;
	case O_DB: a->db = v; return 0;
	case O_BUDGETS: a->budgets = v; return 0;
	case O_YEAR: a->year = v; return 0;
	case O_MONTHS: a->months = v; return 0;
	case O_RULES: a->rules = v; return 0;
	case O_OUT: a->out = v; return 0;
	case O_EXCEL: a->excel = 1; return 0;
	case O_QUIET: a->quiet = 1; return 0;
	case O_FORMAT: return cw_cli_format(&a->json, "budget", v);
	case O_LANG:
		if (strcmp(v, "zh") && strcmp(v, "en"))
			return cw_cli_usage("budget", "--lang is zh or en, not '%s'", v);
		a->zh = !strcmp(v, "zh");
		return 0;
	case O_HELP: fputs(help, stdout); return -1;
	default: return cw_cli_usage("budget", "unknown or incomplete option '%s'", arg);
	}
}

static int period(args *a)
{
	if (!a->year == !a->months)
		return cw_cli_usage("budget", "give --year YYYY or --months A..B, one of the two");
	if (a->months) {
		if (cw_month_range_parse(&a->from, &a->to, a->months) < 0)
			return cw_cli_usage("budget", "--months: %s", cw_error_last());
		return 0;
	}
	char m[16];
	snprintf(m, sizeof m, "%.4s-01", a->year);
	if (strlen(a->year) != 4 || cw_month_parse(&a->from, m) < 0)
		return cw_cli_usage("budget", "--year is YYYY, not '%s'", a->year);
	a->to = a->from;
	a->to.month = 12;
	return 0;
}

static int parse(int argc, char **argv, args *a)
{
	int rc;
	if ((rc = cw_cli_options(argc, argv, options, "budget", option, a)) != 0)
		return rc;
	if (!a->root)
		return cw_cli_usage("budget", "--root ROOT is required");
	if (!!a->data + !!a->db + !!a->budgets != 1)
		return cw_cli_usage("budget", "give the budgets with --data DIR, --db URL or --budgets FILE, one of them");
	if (a->json && a->excel)
		return cw_cli_usage("budget", "--excel is for --format csv");
	return period(a);
}

static int read_budgets(cw_budget_table *t, const args *a)
{
	if (a->budgets)
		return cw_budgets_read(t, a->budgets);
	if (a->data)
		return cw_budgets_read_dir(t, a->data);
	return cw_pg_budgets_read(t, a->db);
}

static void summary(const cw_budget_book *b, const args *a)
{
	size_t alerts = 0, under = 0, settled = 0;
	for (size_t i = 0; i < b->n; i++) {
		const cw_budget_inst *x = &b->inst[i];
		int last = x->year == b->to.year ? b->to.month : 12;
		for (int k = last; k-- > 0;)
			if (x->have[k]) {
				alerts += x->proj[k].alert > 0;
				break;
			}
		for (int k = 0; k < last; k++)
			under += x->under[k];
		settled += x->complete;
	}
	if (a->zh)
		fprintf(stderr, "总额预付：%zu 个机构年度预算，%zu 个预计超支预警，%zu 个服务量骤降信号，%zu 个已可年终清算\n",
		        b->n, alerts, under, settled);
	else
		fprintf(stderr, "budget: %zu institution budgets, %zu projected over (alert), %zu under-service signals, "
		        "%zu settled for the year\n", b->n, alerts, under, settled);
}

static int output(const cw_budget_book *b, const args *a)
{
	cw_output out;
	FILE *f = stdout;
	int rc;
	cw_output_init(&out);
	if ((rc = a->out ? cw_outfile_open(&f, &out, a->out) : 0) < 0)
		return rc;
	rc = a->json ? cw_budget_write_json(f, b) : cw_budget_write_csv(f, b, a->excel ? CW_CSV_EXCEL : 0);
	return cw_output_end(f, a->out, rc);
}

int cw_cmd_budget(int argc, char **argv)
{
	args a = { .zh = 1 };
	int rc = parse(argc, argv, &a);
	if (rc)
		return rc < 0 ? CW_EXIT_OK : rc;
	cw_rules *rules;
	cw_registry *reg;
	cw_budget_table t = { 0 };
	cw_budget_book b;
	if ((rc = cw_cli_rules(&rules, &reg, a.rules, NULL)) < 0)
		return cw_cli_fail("budget", rc);
	if ((rc = read_budgets(&t, &a)) == 0 &&
	    (rc = cw_budget_book_build(&b, a.root, &t, rules, a.from, a.to, NULL, a.zh)) == 0) {
		cw_safe_lines(stderr, b.warnings);
		rc = output(&b, &a);
		if (rc == 0 && !a.quiet)
			summary(&b, &a);
		cw_budget_book_free(&b);
	}
	cw_budgets_free(&t);
	cw_rules_free(rules);
	cw_registry_free(reg);
	return rc < 0 ? cw_cli_fail("budget", rc) : CW_EXIT_OK;
}
