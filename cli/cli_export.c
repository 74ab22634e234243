/* cli_export.c: `claimwatch export`: a month's results as one JSON document, or one table as CSV (for
 * Excel with --excel, formulas live with --raw). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "claimwatch/error.h"
#include "cli.h"
#include "io/outfile.h"
#include "report/export.h"

static const char help[] =
	"usage: claimwatch export --root ROOT --month YYYY-MM [--table NAME [--excel] [--raw]] [--out FILE]\n"
	"\n"
	"Without --table: one JSON document of the month: summary, findings, ranking,\n"
	"sanctions, indicators, inst_assessment, dept_assessment and inst_sanctions (the\n"
	"institutions' sanction step due; null when the month has no such file); each row an\n"
	"object keyed by the CSV columns, numbers as numbers, money as exact decimal strings,\n"
	"lists (line_ids, months, history) as arrays, empty fields as null.\n"
	"\n"
	"With --table: that CSV file of the month folder (findings, ranking, sanctions,\n"
	"evidence, indicators, metrics, rejects, inst_assessment, dept_assessment,\n"
	"inst_sanctions). Text that a spreadsheet would run as a\n"
	"formula (starting with = + - @, a tab or a CR, and not a number) has an apostrophe\n"
	"in front, as in the month's files; --raw writes it as it is. --excel writes the\n"
	"file for Excel: a UTF-8 byte-order mark (so Chinese text opens correctly) and\n"
	"CRLF line ends.\n"
	"\n"
	"options:\n"
	"  --root ROOT        the output root of `claimwatch run`\n"
	"  --month YYYY-MM    the month\n"
	"  --table NAME       one table as CSV instead of the JSON document\n"
	"  --excel            CSV for Excel (needs --table)\n"
	"  --raw              formulas left live (needs --table)\n"
	"  --out FILE         write there (mode 0600) instead of standard output; the file\n"
	"                     is replaced only when written whole\n"
	"  --help             this help\n";

enum { O_ROOT = 256, O_MONTH, O_TABLE, O_EXCEL, O_RAW, O_OUT, O_HELP };

static const struct option options[] = {
	{ "root", required_argument, 0, O_ROOT },
	{ "month", required_argument, 0, O_MONTH },
	{ "table", required_argument, 0, O_TABLE },
	{ "excel", no_argument, 0, O_EXCEL },
	{ "raw", no_argument, 0, O_RAW },
	{ "out", required_argument, 0, O_OUT },
	{ "help", no_argument, 0, O_HELP },
	{ 0, 0, 0, 0 }
};

typedef struct args {
	const char *root, *month, *table, *out;
	int csv_flags; /* CW_CSV_EXCEL, CW_CSV_RAW */
	cw_month m;
} args;

static int parse(int argc, char **argv, args *a)
{
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case O_ROOT: a->root = optarg; break;
		case O_MONTH: a->month = optarg; break;
		case O_TABLE: a->table = optarg; break;
		case O_EXCEL: a->csv_flags |= CW_CSV_EXCEL; break;
		case O_RAW: a->csv_flags |= CW_CSV_RAW; break;
		case O_OUT: a->out = optarg; break;
		case O_HELP: fputs(help, stdout); return -1;
		default: return cw_cli_usage("export", "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cw_cli_usage("export", "unexpected argument '%s'", argv[optind]);
	if (!a->root)
		return cw_cli_usage("export", "--root ROOT is required");
	if (!a->month)
		return cw_cli_usage("export", "--month YYYY-MM is required");
	if (cw_month_parse(&a->m, a->month) < 0)
		return cw_cli_usage("export", "%s", cw_error_last());
	if (a->csv_flags && !a->table)
		return cw_cli_usage("export", "--excel and --raw need --table NAME (findings, ranking, sanctions, ...)");
	return 0;
}

int cw_cmd_export(int argc, char **argv)
{
	args a = { 0 };
	int rc = parse(argc, argv, &a);
	if (rc)
		return rc < 0 ? CW_EXIT_OK : rc;
	FILE *f = stdout;
	cw_output out; /* the defaults: export reads no rules */
	cw_output_init(&out);
	if (a.out && (rc = cw_outfile_open(&f, &out, a.out)) < 0)
		return cw_cli_fail("export", rc);
	if (a.table)
		rc = cw_export_table_csv(a.root, a.m, a.table, a.csv_flags, f);
	else
		rc = cw_export_month_json(a.root, a.m, f);
	rc = cw_output_end(f, a.out, rc);
	return rc < 0 ? cw_cli_fail("export", rc) : CW_EXIT_OK;
}
