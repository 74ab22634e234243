/* cli_export.c: `claimwatch export`: a month's results as one JSON document, or one table as CSV (for
 * Excel with --excel). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "claimwatch/error.h"
#include "cli.h"
#include "io/outfile.h"
#include "report/export.h"

static const char help[] =
	"usage: claimwatch export --root ROOT --month YYYY-MM [--table NAME [--excel]] [--out FILE]\n"
	"\n"
	"Without --table: one JSON document of the month: summary, findings, ranking,\n"
	"sanctions and indicators; each row an object keyed by the CSV columns, numbers as\n"
	"numbers, money as exact decimal strings, lists (line_ids, months) as arrays, empty\n"
	"fields as null.\n"
	"\n"
	"With --table: that CSV file of the month folder (findings, ranking, sanctions,\n"
	"evidence, indicators, rejects). --excel writes it for Excel: a UTF-8 byte-order mark\n"
	"(so Chinese text opens correctly), CRLF line ends, and text that Excel would run as\n"
	"a formula (starting with = + - @) prefixed with an apostrophe.\n"
	"\n"
	"options:\n"
	"  --root ROOT        the output root of `claimwatch run`\n"
	"  --month YYYY-MM    the month\n"
	"  --table NAME       one table as CSV instead of the JSON document\n"
	"  --excel            CSV for Excel (implies CSV; needs --table)\n"
	"  --out FILE         write there (mode 0600) instead of standard output\n"
	"  --help             this help\n";

enum { O_ROOT = 256, O_MONTH, O_TABLE, O_EXCEL, O_OUT, O_HELP };

static const struct option options[] = {
	{ "root", required_argument, 0, O_ROOT },
	{ "month", required_argument, 0, O_MONTH },
	{ "table", required_argument, 0, O_TABLE },
	{ "excel", no_argument, 0, O_EXCEL },
	{ "out", required_argument, 0, O_OUT },
	{ "help", no_argument, 0, O_HELP },
	{ 0, 0, 0, 0 }
};

typedef struct args {
	const char *root, *month, *table, *out;
	int excel;
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
		case O_EXCEL: a->excel = 1; break;
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
	if (cw_month_parse(a->month, &a->m) < 0)
		return cw_cli_usage("export", "%s", cw_error_last());
	if (a->excel && !a->table)
		return cw_cli_usage("export", "--excel needs --table NAME (findings, ranking, sanctions, ...)");
	return 0;
}

int cw_cmd_export(int argc, char **argv)
{
	args a = { 0 };
	int rc = parse(argc, argv, &a);
	if (rc)
		return rc < 0 ? CW_EXIT_OK : rc;
	FILE *f = stdout;
	if (a.out && (rc = cw_outfile_open(a.out, &f)) < 0)
		return cw_cli_fail("export", rc);
	if (a.table)
		rc = cw_export_table_csv(a.root, a.m, a.table, a.excel, f);
	else
		rc = cw_export_month_json(a.root, a.m, f);
	if (a.out) {
		int rc2 = cw_outfile_close(f, a.out);
		if (rc == 0)
			rc = rc2;
		if (rc < 0)
			remove(a.out);
	} else if (fflush(stdout) != 0 || ferror(stdout)) {
		rc = rc < 0 ? rc : cw_error_set(CW_EIO, "writing to standard output failed");
	}
	return rc < 0 ? cw_cli_fail("export", rc) : CW_EXIT_OK;
}
