/* cli_review_totals.c: `claimwatch review totals` and `claimwatch review form`: self-inspection to refund
 * over a window of months (K4-K7), per institution, department or month, and the self-inspection
 * statistics form (《定点医疗机构自查情况统计表》, K6) as CSV for Excel. See docs/review.md. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "cli.h"
#include "io/outfile.h"
#include "io/output.h"
#include "io/rootmonths.h"
#include "judge/selfcheck.h"
#include "util/safetext.h"

static const char totals_help[] =
	"usage: claimwatch review totals --root ROOT [--from YYYY-MM] [--to YYYY-MM]\n"
	"                                [--by institution|department|month|quarter|year] [options]\n"
	"\n"
	"Adds up the findings of the month folders from..to under ROOT (every month when\n"
	"left out) by the state their decisions in ROOT/reviews.csv left them in: found,\n"
	"open, confirmed, dismissed, rectified, refunded and appealed, each with its count\n"
	"and its money at stake (suspect_amount), and the money refunded. The states add\n"
	"up to found; a last row adds up every row. CSV, headers in Chinese by default.\n"
	"\n"
	"options:\n"
	"  --root ROOT        the output root of `claimwatch run`\n"
	"  --from YYYY-MM     the first month (default: the first month folder)\n"
	"  --to YYYY-MM       the last month (default: the last month folder)\n"
	"  --by G             institution (default), department, or a period: month,\n"
	"                     quarter (2018-Q1) or year\n"
	"  --lang zh|en       the headers' language (default zh)\n"
	"  --excel            CSV for Excel: UTF-8 byte-order mark and CRLF\n"
	"  --raw              formula-like text left as it is (see claimwatch export --help)\n"
	"  --out FILE         write there instead of standard output (replaced only when\n"
	"                     written whole)\n"
	"  --help             this help\n";

static const char form_help[] =
	"usage: claimwatch review form --root ROOT [--from YYYY-MM] [--to YYYY-MM] [options]\n"
	"\n"
	"The self-inspection statistics form (《定点医疗机构自查情况统计表》): per institution\n"
	"and violation type (the detector, with its title), the findings found, confirmed\n"
	"(confirmed, rectified, refunded or under appeal) with their money at stake, those\n"
	"rectified, those refunded with the money refunded, and those under appeal; a\n"
	"subtotal per institution and a total. From the month folders from..to under ROOT\n"
	"and the decisions of ROOT/reviews.csv. CSV; --excel for Excel.\n"
	"\n"
	"options:\n"
	"  --root ROOT        the output root of `claimwatch run`\n"
	"  --from YYYY-MM     the first month (default: the first month folder)\n"
	"  --to YYYY-MM       the last month (default: the last month folder)\n"
	"  --lang zh|en       headers and violation types in Chinese (default) or English\n"
	"  --excel            CSV for Excel: UTF-8 byte-order mark and CRLF\n"
	"  --raw              formula-like text left as it is\n"
	"  --out FILE         write there instead of standard output\n"
	"  --help             this help\n";

enum { O_ROOT = 256, O_FROM, O_TO, O_BY, O_LANG, O_EXCEL, O_RAW, O_OUT, O_HELP };

static const struct option options[] = {
	{ "root", required_argument, 0, O_ROOT },
	{ "from", required_argument, 0, O_FROM },
	{ "to", required_argument, 0, O_TO },
	{ "by", required_argument, 0, O_BY },
	{ "lang", required_argument, 0, O_LANG },
	{ "excel", no_argument, 0, O_EXCEL },
	{ "raw", no_argument, 0, O_RAW },
	{ "out", required_argument, 0, O_OUT },
	{ "help", no_argument, 0, O_HELP },
	{ 0, 0, 0, 0 }
};

typedef struct args {
	const char *cmd, *root, *from, *to, *out;
	int by, zh, flags;
	cw_month first, last;
} args;

static int parse_by(args *a, const char *s)
{
	if (!strcmp(s, "institution"))
		a->by = CW_SC_INSTITUTION;
	else if (!strcmp(s, "department"))
		a->by = CW_SC_DEPARTMENT;
	else if (!strcmp(s, "month"))
		a->by = CW_SC_MONTH;
	else if (!strcmp(s, "quarter"))
		a->by = CW_SC_QUARTER;
	else if (!strcmp(s, "year"))
		a->by = CW_SC_YEAR;
	else
		return cw_cli_usage(a->cmd, "--by is institution, department, month, quarter or year, not '%s'", s);
	return 0;
}

/* The window: the months given, else the first and last month folders under ROOT. */
static int window(args *a)
{
	cw_month *months = NULL;
	size_t n = 0;
	if (a->from && cw_month_parse(&a->first, a->from) < 0)
		return cw_cli_usage(a->cmd, "--from: %s", cw_error_last());
	if (a->to && cw_month_parse(&a->last, a->to) < 0)
		return cw_cli_usage(a->cmd, "--to: %s", cw_error_last());
	if (!a->from || !a->to) {
		int rc = cw_root_months(&months, &n, a->root);
		if (rc < 0)
			return cw_cli_fail(a->cmd, rc);
		if (!a->from)
			a->first = n ? months[0] : (cw_month){ 1850, 1 };
		if (!a->to)
			a->last = n ? months[n - 1] : (cw_month){ 2999, 12 };
		free(months);
	}
	if (cw_month_cmp(a->first, a->last) > 0)
		return cw_cli_usage(a->cmd, "--from is after --to");
	return 0;
}

/* Options; -1 after --help, else 0 or the usage exit code. */
static int parse(int argc, char **argv, args *a, const char *help, int form)
{
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		int rc = 0;
		switch (c) {
		case O_ROOT: a->root = optarg; break;
		case O_FROM: a->from = optarg; break;
		case O_TO: a->to = optarg; break;
		case O_BY: rc = form ? cw_cli_usage(a->cmd, "the form is per institution: leave out --by")
		                     : parse_by(a, optarg); break;
		case O_LANG:
			if (strcmp(optarg, "zh") && strcmp(optarg, "en"))
				return cw_cli_usage(a->cmd, "--lang is zh or en, not '%s'", optarg);
			a->zh = !strcmp(optarg, "zh");
			break;
		case O_EXCEL: a->flags |= CW_CSV_EXCEL; break;
		case O_RAW: a->flags |= CW_CSV_RAW; break;
		case O_OUT: a->out = optarg; break;
		case O_HELP: fputs(help, stdout); return -1;
		default: return cw_cli_usage(a->cmd, "unknown or incomplete option '%s'", argv[optind - 1]);
		}
		if (rc)
			return rc;
	}
	if (optind < argc)
		return cw_cli_usage(a->cmd, "unexpected argument '%s'", argv[optind]);
	if (!a->root)
		return cw_cli_usage(a->cmd, "--root ROOT is required");
	return window(a);
}

/* Builds the figures and writes them (the form with the built-in detectors' titles). */
static int write(const args *a, int form)
{
	cw_selfcheck sc;
	cw_registry *reg = NULL;
	cw_output o;
	FILE *f = stdout;
	int rc = cw_selfcheck_build(&sc, a->root, a->first, a->last, form ? CW_SC_FORM : a->by);
	if (rc < 0)
		return rc;
	cw_safe_lines(stderr, sc.warnings);
	cw_output_init(&o);
	if (form)
		rc = cw_registry_builtin(&reg);
	if (rc == 0 && a->out)
		rc = cw_outfile_open(&f, &o, a->out);
	if (rc == 0) {
		rc = form ? cw_selfcheck_write_form(f, &sc, reg, a->zh, a->flags)
		          : cw_selfcheck_write_totals(f, &sc, a->zh, a->flags);
		rc = cw_output_end(f, a->out, rc);
	}
	cw_registry_free(reg);
	cw_selfcheck_free(&sc);
	return rc;
}

static int run(int argc, char **argv, const char *cmd, const char *help, int form)
{
	args a = { .cmd = cmd, .by = CW_SC_INSTITUTION, .zh = 1 };
	int rc = parse(argc, argv, &a, help, form);
	if (rc)
		return rc < 0 ? CW_EXIT_OK : rc;
	rc = write(&a, form);
	return rc < 0 ? cw_cli_fail(cmd, rc) : CW_EXIT_OK;
}

int cw_cmd_review_totals(int argc, char **argv) { return run(argc, argv, "review totals", totals_help, 0); }
int cw_cmd_review_form(int argc, char **argv) { return run(argc, argv, "review form", form_help, 1); }
