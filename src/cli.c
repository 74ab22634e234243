/* cli.c: dispatches `claimwatch COMMAND ...` to the command's function, and the top-level help. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "claimwatch/error.h"
#include "cli.h"
#include "safetext.h"

/* One line per command; each command's function lives in its own cli_<name>.c. */
static const cw_command commands[] = {
	{ "run", "run the detectors on one month or a range of months and write the results", cw_cmd_run },
	{ "detectors", "list the detectors with their dimension and what they look for", cw_cmd_detectors },
	{ "review", "record an inspector's decision on a finding (confirmed or dismissed)", cw_cmd_review },
	{ "case", "an inspector's drill-down: a physician's month or one finding with its evidence", cw_cmd_case },
	{ "export", "a month's results as one JSON document, or a table as CSV for Excel", cw_cmd_export },
	{ "blacklist", "export the blacklist candidates of a half-year cycle (CSV or JSON)", cw_cmd_blacklist },
	{ "gen", "generate demo data with known fraud schemes (truth.json)", cw_cmd_gen },
	{ "eval", "measure findings against a generated truth.json", cw_cmd_eval },
	{ "db", "create or migrate claimwatch's tables in a PostgreSQL database (db init)", cw_cmd_db },
	{ "load", "load a folder of the contract's CSV files into PostgreSQL", cw_cmd_load },
	{ NULL, NULL, NULL }
};

int cw_cli_usage(const char *cmd, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cw_safe_fprintf(stderr, "claimwatch %s: %s\n", cmd, msg); /* the message quotes what was typed */
	fprintf(stderr, "Try 'claimwatch %s --help'.\n", cmd);
	return CW_EXIT_USAGE;
}

int cw_cli_fail(const char *cmd, int rc)
{
	fprintf(stderr, "claimwatch %s: %s\n", cmd, cw_error_last());
	return cw_exit_code(rc);
}

int cw_cli_int(const char *cmd, const char *opt, const char *v, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long x = strtol(v, &end, 10);
	if (!*v || *end || errno || x < min || x > max)
		return cw_cli_usage(cmd, "%s expects a whole number from %ld to %ld, not '%s'", opt, min, max, v), -1;
	*out = x;
	return 0;
}

int cw_cli_double(const char *cmd, const char *opt, const char *v, double min, double max, double *out)
{
	char *end;
	errno = 0;
	double x = strtod(v, &end);
	if (!*v || *end || errno || !(x >= min && x <= max))
		return cw_cli_usage(cmd, "%s expects a number from %g to %g, not '%s'", opt, min, max, v), -1;
	*out = x;
	return 0;
}

int cw_exit_code(int rc)
{
	switch (rc) {
	case CW_OK: return CW_EXIT_OK;
	case CW_EUSAGE: return CW_EXIT_USAGE;
	case CW_EREJECTS: return CW_EXIT_REJECTS;
	default: return CW_EXIT_FAILURE;
	}
}

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
	for (const cw_command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c->run(argc - 1, argv + 1);
	cw_safe_fprintf(stderr, "claimwatch: unknown command '%s'\n\n", name);
	usage(stderr);
	return CW_EXIT_USAGE;
}
