/* cli.c: dispatches `claimwatch COMMAND ...` to the command's function, and the top-level help. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "cli.h"
#include "util/safetext.h"

/* One line per command; each command's function lives in its own cli_<name>.c. */
static const cw_command commands[] = {
	{ "run", "run the detectors on one month or a range of months and write the results", cw_cmd_run },
	{ "detectors", "list the detectors with their dimension and what they look for", cw_cmd_detectors },
	{ "review", "self-inspection to refund: record a decision on a finding; its totals and statistics form", cw_cmd_review },
	{ "case", "an inspector's drill-down: a physician's month or one finding with its evidence", cw_cmd_case },
	{ "export", "a month's results as one JSON document, or a table as CSV for Excel", cw_cmd_export },
	{ "blacklist", "export the blacklist candidates of a half-year cycle (CSV or JSON)", cw_cmd_blacklist },
	{ "inst-sanctions", "the institutions' sanction step due in a month, from the files alone", cw_cmd_inst_sanctions },
	{ "budget", "the global budget: monthly prepayment, use, projection, year-end settlement (004)", cw_cmd_budget },
	{ "sample", "draw a seeded sample of a month's physicians or institutions for checks (J4)", cw_cmd_sample },
	{ "assess", "assess, grade and rank institutions and departments over a month, quarter, half-year or year", cw_cmd_assess },
	{ "serve", "serve checks of claims before and during care over HTTP (/v1/check, /v1/claims)", cw_cmd_serve },
	{ "gen", "generate demo data with known fraud schemes (truth.json)", cw_cmd_gen },
	{ "eval", "measure findings against a generated truth.json", cw_cmd_eval },
	{ "db", "create or migrate claimwatch's tables in a PostgreSQL database (db init)", cw_cmd_db },
	{ "load", "load a folder of the contract's CSV files into PostgreSQL", cw_cmd_load },
	{ "import", "the national insurance platform's records or CMS claims files into the contract", cw_cmd_import },
	{ NULL, NULL, NULL }
};

static void usage(FILE *f)
{
	fprintf(f, "claimwatch %s: fraud and over-treatment detection for hospital claims\n\n"
	           "usage: claimwatch COMMAND [OPTIONS]   (claimwatch COMMAND --help for its options)\n\n"
	           "commands:\n", CW_VERSION_STRING);
	for (const cw_command *c = commands; c->name; c++)
		fprintf(f, "  %-11s %s\n", c->name, c->summary);
	fprintf(f, "\nexit codes: 0 ok, 1 failure, 2 usage error, 3 too many rejected rows\n");
}

int cw_cli_main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CW_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
		usage(stdout);
		return CW_EXIT_OK;
	}
	if (!strcmp(name, "--version")) {
		printf("claimwatch %s\n", CW_VERSION_STRING);
		return CW_EXIT_OK;
	}
	cw_progress_set(cw_cli_progress, NULL);
	for (const cw_command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c->run(argc - 1, argv + 1);
	cw_safe_fprintf(stderr, "claimwatch: unknown command '%s'\n\n", name);
	usage(stderr);
	return CW_EXIT_USAGE;
}
