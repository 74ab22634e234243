/* cli_assess.c: `claimwatch assess`: the institutions' and departments' assessment of a month, quarter,
 * half-year or year, summed from the month folders' inst_assessment.csv and dept_assessment.csv and
 * graded again (issue 14 item 2; L1, L2, L3, K1, L6; docs/institutions.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "cli.h"
#include "io/outdir.h"
#include "io/outfile.h"
#include "io/output.h"
#include "judge/assess.h"
#include "run/run.h"
#include "util/safetext.h"

static const char help[] =
	"usage: claimwatch assess --root ROOT --period PERIOD [options]\n"
	"\n"
	"Assesses the institutions and their departments over a period (定点医疗机构考核):\n"
	"a month (2026-05), a quarter (2026-Q2), a half-year (2026-H1) or a year (2026).\n"
	"Sums the figures of the period's month files ROOT/YYYY-MM/inst_assessment.csv\n"
	"and dept_assessment.csv (written by every run), recomputes the indicators,\n"
	"scores them against their targets, grades A-D and ranks the institutions within\n"
	"their region (else their level) and the departments within their hospital\n"
	"(docs/institutions.md). Writes ROOT/periods/PERIOD/inst_assessment.csv and\n"
	"dept_assessment.csv, and prints the institutions (or --departments).\n"
	"\n"
	"options:\n"
	"  --root ROOT            the output root of `claimwatch run`\n"
	"  --period PERIOD        YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY\n"
	"  --rules FILE           rules merged over the defaults (section assessment)\n"
	"  --departments          print the departments instead of the institutions\n"
	"  --format csv|json      what is printed (default csv)\n"
	"  --excel                CSV for Excel: UTF-8 byte-order mark and CRLF line ends\n"
	"  --out FILE             write there instead of standard output\n"
	"  --lang zh|en           the language of the summary line (default zh)\n"
	"  --quiet                no summary line on standard error\n"
	"  --help                 this help\n";

enum { O_ROOT = 256, O_PERIOD, O_RULES, O_DEPTS, O_FORMAT, O_EXCEL, O_OUT, O_LANG, O_QUIET, O_HELP };

static const struct option options[] = {
	{ "root", required_argument, 0, O_ROOT },
	{ "period", required_argument, 0, O_PERIOD },
	{ "rules", required_argument, 0, O_RULES },
	{ "departments", no_argument, 0, O_DEPTS },
	{ "format", required_argument, 0, O_FORMAT },
	{ "excel", no_argument, 0, O_EXCEL },
	{ "out", required_argument, 0, O_OUT },
	{ "lang", required_argument, 0, O_LANG },
	{ "quiet", no_argument, 0, O_QUIET },
	{ "help", no_argument, 0, O_HELP },
	{ 0, 0, 0, 0 }
};

typedef struct args {
	const char *root, *period, *rules, *out, *lang;
	int depts, json, excel, quiet;
} args;

static int option(void *p, int c, const char *v, const char *arg)
{
	args *a = p;
	switch (c) {
	case O_ROOT: a->root = v; return 0;
	case O_PERIOD: a->period = v; return 0;
	case O_RULES: a->rules = v; return 0;
	case O_DEPTS: a->depts = 1; return 0;
	case O_EXCEL: a->excel = 1; return 0;
	case O_OUT: a->out = v; return 0;
	case O_QUIET: a->quiet = 1; return 0;
	case O_FORMAT: return cw_cli_format(&a->json, "assess", v);
	case O_LANG: return cw_cli_lang(&a->lang, "assess", v);
	case O_HELP: fputs(help, stdout); return -1;
	default: return cw_cli_usage("assess", "unknown or incomplete option '%s'", arg);
	}
}

static int parse(int argc, char **argv, args *a)
{
	int rc;
	cw_month f, l;
	if ((rc = cw_cli_options(argc, argv, options, "assess", option, a)) != 0)
		return rc;
	if (!a->root)
		return cw_cli_usage("assess", "--root ROOT is required");
	if (!a->period)
		return cw_cli_usage("assess", "--period is required (YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY)");
	if (cw_assess_period_parse(&f, &l, a->period) < 0)
		return cw_cli_usage("assess", "--period: %s", cw_error_last());
	if (a->excel && a->json)
		return cw_cli_usage("assess", "--excel is for --format csv");
	return 0;
}

/* ROOT/periods/PERIOD/<name>, the folder made. */
static int period_file(char *buf, size_t size, const args *a, cw_output *o, const char *name)
{
	int n = snprintf(buf, size, "%s/periods/%s", a->root, a->period);
	if (n < 0 || (size_t)n >= size)
		return cw_error_set(CW_EINVALID, "%s: path too long", a->root);
	int rc = cw_mkdirs(buf, cw_output_dir_mode(o));
	if (rc < 0)
		return rc;
	n = snprintf(buf, size, "%s/periods/%s/%s", a->root, a->period, name);
	return n < 0 || (size_t)n >= size ? cw_error_set(CW_EINVALID, "%s: path too long", a->root) : 0;
}

static int save(const cw_assess_table *t, const args *a, cw_output *o)
{
	char path[4096];
	FILE *f;
	int rc = period_file(path, sizeof path, a, o, t->dept ? "dept_assessment.csv" : "inst_assessment.csv");
	if (rc == 0 && (rc = cw_outfile_open(&f, o, path)) == 0) {
		cw_assess_write_csv(f, t, 0);
		rc = cw_outfile_close(f, path);
	}
	return rc;
}

static int print(const cw_assess_table *t, const args *a, cw_output *o)
{
	FILE *f = stdout;
	int rc = a->out ? cw_outfile_open(&f, o, a->out) : 0;
	if (rc < 0)
		return rc;
	if (a->json)
		rc = cw_assess_write_json(f, t);
	else
		cw_assess_write_csv(f, t, a->excel ? CW_CSV_EXCEL : 0);
	return cw_output_end(f, a->out, rc);
}

static void summary(const cw_assess_table *t, const args *a, int months)
{
	size_t n[4] = { 0 };
	for (size_t i = 0; i < t->n; i++)
		n[t->rows[i].grade - 'A']++;
	if (!strcmp(a->lang, "en"))
		fprintf(stderr, "assess %s: %zu institutions from %d month file(s): A %zu, B %zu, C %zu, D %zu; "
		        "written to %s/periods/%s/\n", a->period, t->n, months, n[0], n[1], n[2], n[3], a->root, a->period);
	else
		fprintf(stderr, "考核 %s：%zu 家定点医疗机构（%d 个月份文件）：A 级 %zu，B 级 %zu，C 级 %zu，D 级 %zu；"
		        "已写入 %s/periods/%s/\n", a->period, t->n, months, n[0], n[1], n[2], n[3], a->root, a->period);
}

static int assess(const args *a, const cw_rules *rules)
{
	cw_assess_rules ar;
	cw_output out;
	cw_assess_table inst = { 0 }, dept = { .dept = 1 };
	int months, dmonths = 0;
	int rc = cw_output_load(&out, rules);
	if (rc == 0)
		rc = cw_assess_rules_load(&ar, rules);
	if (rc == 0)
		rc = cw_assess_period(&inst, &months, a->root, a->period, 0, &ar);
	if (rc == 0) {
		rc = cw_assess_period(&dept, &dmonths, a->root, a->period, 1, &ar);
		if (rc == CW_ENOTFOUND) { /* a month file of institutions without departments' */
			cw_error_clear();
			rc = 0;
		}
	}
	if (rc == 0)
		rc = save(&inst, a, &out);
	if (rc == 0)
		rc = save(&dept, a, &out);
	if (rc == 0)
		rc = print(a->depts ? &dept : &inst, a, &out);
	if (rc == 0 && !a->quiet)
		summary(&inst, a, months);
	cw_assess_table_free(&inst);
	cw_assess_table_free(&dept);
	return rc;
}

int cw_cmd_assess(int argc, char **argv)
{
	args a = { .lang = "zh" };
	int rc = parse(argc, argv, &a);
	if (rc)
		return rc < 0 ? CW_EXIT_OK : rc;
	cw_rules *rules;
	cw_registry *reg;
	if ((rc = cw_cli_rules(&rules, &reg, a.rules, NULL)) < 0)
		return cw_cli_fail("assess", rc);
	rc = assess(&a, rules);
	cw_rules_free(rules);
	cw_registry_free(reg);
	return rc < 0 ? cw_cli_fail("assess", rc) : CW_EXIT_OK;
}
