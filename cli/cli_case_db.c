/* cli_case_db.c: `claimwatch case --db`: the report's drill-down served from the database: a physician's
 * month, one finding with its evidence lines, or a visit's lines with the findings that cite them.
 * Prints CSV with a header row on standard output (queries/case_*.sql). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "claimwatch/error.h"
#include "cli.h"
#include "io/outfile.h"
#include "pg/pg.h"
#include "util/progress.h"

static const char help[] =
	"usage: claimwatch case --db URL (--month YYYY-MM (--physician ID | --finding ID) | --visit ID)\n"
	"\n"
	"The drill-down of a month's results, from the result tables that `claimwatch run --db`\n"
	"wrote, as CSV on standard output:\n"
	"  --physician ID   the physician's standing (ranking, sanction) and findings of the month\n"
	"  --finding ID     one finding and every claim line it cites, with item, amount, result\n"
	"  --visit ID       a visit's claim lines in time order, each with the findings citing it\n"
	"\n"
	"options:\n"
	"  --db URL         a libpq connection string (URL or key=value; PG* variables apply)\n"
	"  --month YYYY-MM  the month of the results\n"
	"  --help           this help\n";

/* Runs queries/<file> and prints its rows as CSV. */
static int print_query(cw_pg *pg, const char *file, int n, const char *const *params, int blank_line)
{
	PGresult *res;
	int rc = cw_pg_run_file(&res, pg, file, n, params);
	if (rc < 0)
		return rc;
	if (blank_line)
		putchar('\n');
	int nf = PQnfields(res);
	for (int j = 0; j < nf; j++)
		cw_csv_cell(stdout, PQfname(res, j), j == nf - 1);
	for (int i = 0; i < PQntuples(res); i++)
		for (int j = 0; j < nf; j++)
			cw_csv_cell(stdout, PQgetvalue(res, i, j), j == nf - 1);
	int rows = PQntuples(res);
	PQclear(res);
	return rows;
}

int cw_cmd_case_db(int argc, char **argv)
{
	static const struct option options[] = {
		{ "db", required_argument, 0, 'd' }, { "month", required_argument, 0, 'm' },
		{ "physician", required_argument, 0, 'p' }, { "finding", required_argument, 0, 'f' },
		{ "visit", required_argument, 0, 'v' }, { "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 }
	};
	const char *db = NULL, *month = NULL, *phys = NULL, *finding = NULL, *visit = NULL;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'm': month = optarg; break;
		case 'p': phys = optarg; break;
		case 'f': finding = optarg; break;
		case 'v': visit = optarg; break;
		case 'h': fputs(help, stdout); return CW_EXIT_OK;
		default: return cw_cli_usage("case", "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cw_cli_usage("case", "unexpected argument '%s'", argv[optind]);
	if (!db)
		return cw_cli_usage("case", "--db URL is required (the drill-down reads the result tables)");
	if (!!phys + !!finding + !!visit != 1)
		return cw_cli_usage("case", "give one of --physician, --finding or --visit");
	cw_month m;
	char first[16];
	if (!visit) {
		if (!month)
			return cw_cli_usage("case", "--month YYYY-MM is required with --physician and --finding");
		if (cw_month_parse(&m, month) < 0)
			return cw_cli_usage("case", "%s", cw_error_last());
		snprintf(first, sizeof first, "%04d-%02d-01", m.year, m.month);
	}
	cw_pg *pg;
	int rc = cw_pg_connect(&pg, db);
	if (rc == 0 && (rc = cw_pg_schema_check(pg)) == 0) {
		const char *p2[2] = { first, phys ? phys : finding }, *p1[1] = { visit };
		if (phys && (rc = print_query(pg, "case_ranking.sql", 2, p2, 0)) >= 0)
			rc = print_query(pg, "case_physician.sql", 2, p2, 1);
		else if (finding)
			rc = print_query(pg, "case_finding.sql", 2, p2, 0);
		else if (visit)
			rc = print_query(pg, "case_visit.sql", 1, p1, 0);
		if (rc == 0)
			rc = cw_error_set(CW_ENOTFOUND, "nothing found for %s %s%s%s", phys ? "physician" : finding ? "finding" : "visit",
			                  phys ? phys : finding ? finding : visit, visit ? "" : " in ", visit ? "" : month);
	}
	cw_pg_close(pg);
	fflush(stdout);
	return rc < 0 ? cw_cli_fail("case", rc) : CW_EXIT_OK;
}
